/* A polled driver for the DP8390 on the board's NE2000 PCI card (RTL8029).
 *
 * Design note.
 *
 * The facts come from the National DP8390D data sheet and what Linux's 8390/ne2k-pci
 * drivers rely on (malta.md section 14); kseg's src/devices/ne2000.c and QEMU's ne2000
 * model the same chip. The registers are bytes at BAR 0 + 0x00..0x0F, in pages chosen by
 * CR bits 7:6; the card's memory (PROM at 0, packet RAM from 0x4000) is reached only by
 * remote DMA through the data port at 0x10, 16 bits at a time (DCR.WTS, as Linux sets
 * it), so every transfer is rounded up to an even byte count.
 *
 * Memory plan (pages of 256 bytes): a 6-page transmit buffer at 0x40 (one maximum frame),
 * then the receive ring from 0x46 up to 0x80. 0x80 and not QEMU's 0xC0: the RTL8029 has
 * 16 KiB of packet RAM (0x4000-0x7FFF), like Linux's ne2k-pci plan for 16-bit cards.
 *
 * Receive ring. The chip writes each frame at CURR behind a 4-byte header (status, next
 * page, byte count including the header) and moves CURR on; it will not write into page
 * BNRY. The driver keeps BNRY one page behind the next frame it reads (next_page), so
 * CURR == next_page is an empty ring. A header is believed only when its next page lies
 * in the ring and as far on as the byte count says (the chip may add a page for the FCS
 * it stores, the emulators count the FCS too): anything else means the driver and chip
 * disagree about the ring, and the driver skips to CURR, dropping what was there, as
 * Linux's ei_receive does with a "bogus packet" header.
 *
 * Overflow (ISR.OVW, the ring filled up): the data sheet's recovery. Stop the chip, wait
 * until a frame being received or sent has had time to end (2 ms, busy, with the
 * caller's interrupts masked: once per overflow, not worth a state), clear the remote byte
 * count, note whether a transmission was cut short, restart in internal loopback (so
 * that nothing new comes in), empty the ring, acknowledge OVW, leave loopback and send
 * the cut frame again. Emptying the ring is done by the ordinary receive calls (the
 * frames reach the caller, `draining` is set meanwhile), so no frame is handed over with
 * the card in an odd state, and a frame sent meanwhile waits in the transmit buffer
 * (tx_deferred) for the end of loopback.
 *
 * Transmission is synchronous to the remote DMA: the frame is copied into the buffer
 * once the previous one has left (CR.TXP clear), then TXP. The emulated chip sends at
 * once; a real one takes up to 1.2 ms a frame, bounded here by TX_IDLE_TIMEOUT_US. A
 * caller that can do better than spin meanwhile asks ne2k_tx_busy first (hwnet.c's
 * transmit thread yields). */
#include "hv.h"
#include "ne2k.h"

/* Registers: offsets in the I/O BAR. Page 0 unless said. */
#define NE_CR           0x00
#define   CR_STP        0x01    /* stop: offline */
#define   CR_STA        0x02
#define   CR_TXP        0x04    /* transmit the frame at TPSR; reads 1 until it has gone */
#define   CR_RD_READ    0x08    /* remote DMA: read, write, abort (no DMA) */
#define   CR_RD_WRITE   0x10
#define   CR_RD_ABORT   0x20
#define   CR_PAGE1      0x40
#define NE_PSTART       0x01    /* write */
#define NE_PSTOP        0x02    /* write */
#define NE_BNRY         0x03
#define NE_TPSR         0x04    /* write */
#define NE_TBCR0        0x05    /* write */
#define NE_TBCR1        0x06    /* write */
#define NE_ISR          0x07
#define   ISR_PRX       0x01
#define   ISR_PTX       0x02
#define   ISR_RXE       0x04
#define   ISR_TXE       0x08
#define   ISR_OVW       0x10
#define   ISR_CNT       0x20    /* a tally counter is half full */
#define   ISR_RDC       0x40    /* remote DMA complete */
#define   ISR_RST       0x80    /* the chip is stopped (after a reset, or ring overflow) */
#define   ISR_ALL       0xFF
#define NE_RSAR0        0x08    /* write */
#define NE_RSAR1        0x09
#define NE_RBCR0        0x0A    /* write */
#define NE_RBCR1        0x0B
#define NE_RCR          0x0C    /* write */
#define   RCR_AB        0x04
#define   RCR_AM        0x08
#define   RCR_PRO       0x10
#define   RCR_MON       0x20    /* check frames, store none */
#define NE_TCR          0x0D    /* write */
#define   TCR_NORMAL    0x00
#define   TCR_LOOPBACK  0x02    /* internal loopback: the wire is cut both ways */
#define NE_DCR          0x0E    /* write */
#define   DCR_WTS       0x01    /* 16-bit remote DMA */
#define   DCR_LS        0x08    /* normal operation, not loopback select */
#define   DCR_FT1       0x40    /* FIFO threshold 8 bytes, Linux's value */
#define NE_IMR          0x0F    /* write: 0, the card is polled */
#define NE_CNTR0        0x0D    /* read: frame alignment errors; read clears */
#define NE_CNTR1        0x0E    /* read: CRC errors */
#define NE_CNTR2        0x0F    /* read: missed frames */
#define NE_PAR0         0x01    /* page 1: physical address, 6 bytes */
#define NE_CURR         0x07    /* page 1 */
#define NE_MAR0         0x08    /* page 1: multicast hash, 8 bytes */
#define NE_MAR_LEN      8
#define NE_DATA         0x10    /* the remote DMA window */
#define NE_RESET        0x1F    /* a read resets the chip */

#define RSR_PRX         0x01    /* header status: received intact */

#define PAGE_SHIFT      8
#define TX_PAGE         0x40
#define RX_FIRST_PAGE   0x46    /* TX_PAGE + 6 pages: one maximum frame */
#define RX_STOP_PAGE    0x80
#define RX_PAGES        (RX_STOP_PAGE - RX_FIRST_PAGE)
#define RX_HEADER_LEN   4
#define PROM_LEN        32      /* the 16-byte PROM, every byte doubled by the word bus */
#define ETH_HEADER_LEN  14

#define COUNTS_PER_US   (COUNT_HZ / 1000000)
/* The data sheet's reset takes microseconds; Linux waits up to 2 jiffies (20 ms at HZ=100). */
#define RESET_TIMEOUT_US    20000
/* Linux's ne2k-pci gives a remote DMA write 20 ms before it calls the card dead. */
#define DMA_TIMEOUT_US      20000
/* Overflow recovery: after STP the data sheet asks for at least 1.6 ms, a maximum frame's
 * time on the wire plus margin, before the receiver and transmitter are surely idle. */
#define STOP_SETTLE_US      2000
/* A frame takes at most 1.2 ms at 10 Mbit/s; with collisions and back-off more. */
#define TX_IDLE_TIMEOUT_US  10000

/* ---- Register and data port access ---------------------------------------------------- */

static uint8_t reg_read(const ne2k_t *ne, unsigned reg)
{
    return *(volatile uint8_t *)(ne->io + reg);
}

static void reg_write(const ne2k_t *ne, unsigned reg, uint8_t value)
{
    *(volatile uint8_t *)(ne->io + reg) = value;
}

static uint16_t data_read(const ne2k_t *ne)
{
    return *(volatile uint16_t *)(ne->io + NE_DATA);
}

static void data_write(const ne2k_t *ne, uint16_t value)
{
    *(volatile uint16_t *)(ne->io + NE_DATA) = value;
}

static void delay_us(uint32_t us)
{
    uint32_t start = read_count();
    while (read_count() - start < us * COUNTS_PER_US)
        ;
}

/* Waits until ISR has one of `bits`; false after `us` microseconds without. */
static bool wait_isr(const ne2k_t *ne, uint8_t bits, uint32_t us)
{
    uint32_t start = read_count();
    while (!(reg_read(ne, NE_ISR) & bits))
        if (read_count() - start >= us * COUNTS_PER_US)
            return false;
    return true;
}

/* Sets the remote DMA's byte count and start address (page 0, chip started). */
static void remote_setup(const ne2k_t *ne, uint32_t addr, uint32_t count)
{
    reg_write(ne, NE_CR, CR_STA | CR_RD_ABORT);
    reg_write(ne, NE_RBCR0, (uint8_t)count);
    reg_write(ne, NE_RBCR1, (uint8_t)(count >> 8));
    reg_write(ne, NE_RSAR0, (uint8_t)addr);
    reg_write(ne, NE_RSAR1, (uint8_t)(addr >> 8));
}

/* Card memory at `addr` (even) into buf. */
static void remote_read(const ne2k_t *ne, uint32_t addr, uint8_t *buf, size_t len)
{
    remote_setup(ne, addr, (uint32_t)(len + 1) & ~1u);
    reg_write(ne, NE_CR, CR_STA | CR_RD_READ);
    size_t i = 0;
    for (; i + 1 < len; i += 2) {
        uint16_t w = data_read(ne);
        buf[i] = (uint8_t)w;
        buf[i + 1] = (uint8_t)(w >> 8);
    }
    if (i < len)
        buf[i] = (uint8_t)data_read(ne);
    reg_write(ne, NE_ISR, ISR_RDC);
}

/* buf into card memory at `addr` (even); false when the chip never finished. */
static bool remote_write(const ne2k_t *ne, uint32_t addr, const uint8_t *buf, size_t len)
{
    reg_write(ne, NE_ISR, ISR_RDC);
    remote_setup(ne, addr, (uint32_t)(len + 1) & ~1u);
    reg_write(ne, NE_CR, CR_STA | CR_RD_WRITE);
    size_t i = 0;
    for (; i + 1 < len; i += 2)
        data_write(ne, (uint16_t)(buf[i] | buf[i + 1] << 8));
    if (i < len)
        data_write(ne, buf[i]);
    bool done = wait_isr(ne, ISR_RDC, DMA_TIMEOUT_US);
    if (!done)
        reg_write(ne, NE_CR, CR_STA | CR_RD_ABORT);
    reg_write(ne, NE_ISR, ISR_RDC);
    return done;
}

/* ---- Set-up ------------------------------------------------------------------------- */

bool ne2k_init(ne2k_t *ne, uint32_t port)
{
    memset(ne, 0, sizeof(*ne));
    ne->io = ISA_IO + port;
    if (reg_read(ne, NE_CR) == 0xFF)
        return false;                           /* nothing decodes the port: floating bus */
    /* Reset: a read of the reset port; some NE2000 clones reset on the write instead, so
     * the value goes back, as Linux does. The chip says it is done with ISR.RST. */
    reg_write(ne, NE_RESET, reg_read(ne, NE_RESET));
    if (!wait_isr(ne, ISR_RST, RESET_TIMEOUT_US))
        return false;
    reg_write(ne, NE_ISR, ISR_ALL);

    /* The data sheet's initialisation order, with receive and transmit held off (monitor
     * mode, internal loopback) until the ring is in place. */
    reg_write(ne, NE_CR, CR_STP | CR_RD_ABORT);
    reg_write(ne, NE_DCR, DCR_FT1 | DCR_LS | DCR_WTS);
    reg_write(ne, NE_RBCR0, 0);
    reg_write(ne, NE_RBCR1, 0);
    reg_write(ne, NE_RCR, RCR_MON);
    reg_write(ne, NE_TCR, TCR_LOOPBACK);
    reg_write(ne, NE_IMR, 0);
    reg_write(ne, NE_ISR, ISR_ALL);

    /* The MAC address: the PROM's first 6 bytes, each doubled on the 16-bit bus. Remote
     * DMA runs only with the chip started (Linux reads the PROM so too); monitor mode
     * and loopback keep the wire out meanwhile. */
    uint8_t prom[PROM_LEN];
    remote_read(ne, 0, prom, sizeof(prom));
    for (unsigned i = 0; i < NE2K_MAC_LEN; i++)
        ne->mac[i] = prom[2 * i];

    reg_write(ne, NE_CR, CR_STP | CR_RD_ABORT);
    reg_write(ne, NE_TPSR, TX_PAGE);
    reg_write(ne, NE_PSTART, RX_FIRST_PAGE);
    reg_write(ne, NE_PSTOP, RX_STOP_PAGE);
    reg_write(ne, NE_BNRY, RX_STOP_PAGE - 1);   /* one behind CURR, around the ring */
    reg_write(ne, NE_CR, CR_PAGE1 | CR_STP | CR_RD_ABORT);
    for (unsigned i = 0; i < NE2K_MAC_LEN; i++)
        reg_write(ne, NE_PAR0 + i, ne->mac[i]);
    for (unsigned i = 0; i < NE_MAR_LEN; i++)
        reg_write(ne, NE_MAR0 + i, 0xFF);       /* every multicast group */
    reg_write(ne, NE_CURR, RX_FIRST_PAGE);
    ne->next_page = RX_FIRST_PAGE;
    reg_write(ne, NE_CR, CR_STP | CR_RD_ABORT);
    reg_write(ne, NE_ISR, ISR_ALL);
    reg_write(ne, NE_CR, CR_STA | CR_RD_ABORT);
    reg_write(ne, NE_TCR, TCR_NORMAL);
    /* Promiscuous: the card carries the guests' frames too, each to its own MAC. */
    reg_write(ne, NE_RCR, RCR_PRO | RCR_AM | RCR_AB);
    return true;
}

/* ---- Transmit ----------------------------------------------------------------------- */

/* Accounts for and acknowledges the end of the last transmission. */
static void tx_collect(ne2k_t *ne, uint8_t isr)
{
    if (isr & ISR_TXE)
        ne->stats.tx_errors++;
    if (isr & (ISR_PTX | ISR_TXE))
        reg_write(ne, NE_ISR, isr & (ISR_PTX | ISR_TXE));
}

static bool wait_tx_idle(const ne2k_t *ne)
{
    uint32_t start = read_count();
    while (reg_read(ne, NE_CR) & CR_TXP)
        if (read_count() - start >= TX_IDLE_TIMEOUT_US * COUNTS_PER_US)
            return false;
    return true;
}

bool ne2k_tx_busy(const ne2k_t *ne)
{
    return (reg_read(ne, NE_CR) & CR_TXP) != 0;
}

bool ne2k_transmit(ne2k_t *ne, const uint8_t *frame, size_t len)
{
    /* While draining, the buffer may hold the frame the overflow cut short, or one sent
     * since: it is not overwritten before the end of loopback sends it. */
    if (len < ETH_HEADER_LEN || len > NE2K_FRAME_MAX || ne->tx_deferred ||
        !wait_tx_idle(ne)) {
        ne->stats.tx_dropped++;
        return false;
    }
    tx_collect(ne, reg_read(ne, NE_ISR));
    uint8_t padded[NE2K_FRAME_MIN];
    if (len < NE2K_FRAME_MIN) {
        memset(padded, 0, sizeof(padded));
        memcpy(padded, frame, len);
        frame = padded;
        len = NE2K_FRAME_MIN;
    }
    if (!remote_write(ne, TX_PAGE << PAGE_SHIFT, frame, len)) {
        ne->stats.tx_dropped++;
        return false;
    }
    reg_write(ne, NE_TPSR, TX_PAGE);
    reg_write(ne, NE_TBCR0, (uint8_t)len);
    reg_write(ne, NE_TBCR1, (uint8_t)(len >> 8));
    if (ne->draining)
        ne->tx_deferred = true;
    else
        reg_write(ne, NE_CR, CR_STA | CR_RD_ABORT | CR_TXP);
    ne->stats.tx_frames++;
    ne->stats.tx_bytes += (uint32_t)len;
    return true;
}

/* ---- Receive ------------------------------------------------------------------------ */

static uint8_t read_curr(const ne2k_t *ne)
{
    reg_write(ne, NE_CR, CR_PAGE1 | CR_STA | CR_RD_ABORT);
    uint8_t curr = reg_read(ne, NE_CURR);
    reg_write(ne, NE_CR, CR_STA | CR_RD_ABORT);
    return curr;
}

static bool in_ring(uint8_t page)
{
    return page >= RX_FIRST_PAGE && page < RX_STOP_PAGE;
}

/* The frame at next_page has been taken: on to `page`, BNRY one behind it. */
static void ring_advance(ne2k_t *ne, uint8_t page)
{
    ne->next_page = page;
    reg_write(ne, NE_BNRY, page == RX_FIRST_PAGE ? RX_STOP_PAGE - 1 : page - 1);
}

/* The data sheet's steps 1-5 (see the design note); the rest is overflow_end. */
static void overflow_begin(ne2k_t *ne)
{
    bool was_sending = reg_read(ne, NE_CR) & CR_TXP;
    reg_write(ne, NE_CR, CR_STP | CR_RD_ABORT);
    delay_us(STOP_SETTLE_US);
    reg_write(ne, NE_RBCR0, 0);
    reg_write(ne, NE_RBCR1, 0);
    /* A transmission the stop cut short reported neither success nor error: send again
     * (TPSR and TBCR still describe it). */
    if (was_sending && !(reg_read(ne, NE_ISR) & (ISR_PTX | ISR_TXE)))
        ne->tx_deferred = true;
    reg_write(ne, NE_TCR, TCR_LOOPBACK);
    reg_write(ne, NE_CR, CR_STA | CR_RD_ABORT);
    ne->draining = true;
    ne->stats.rx_overflows++;
}

static void overflow_end(ne2k_t *ne)
{
    reg_write(ne, NE_ISR, ISR_OVW);
    reg_write(ne, NE_TCR, TCR_NORMAL);
    ne->draining = false;
    if (ne->tx_deferred) {
        ne->tx_deferred = false;
        reg_write(ne, NE_CR, CR_STA | CR_RD_ABORT | CR_TXP);
    }
}

static void read_tallies(ne2k_t *ne)
{
    ne->stats.rx_frame_errors += reg_read(ne, NE_CNTR0);
    ne->stats.rx_crc_errors += reg_read(ne, NE_CNTR1);
    ne->stats.rx_missed += reg_read(ne, NE_CNTR2);
}

/* Whether a header's next page fits its byte count: the frame takes the pages its count
 * covers, perhaps one more for the FCS, around the ring. */
static bool header_consistent(uint8_t this_page, uint8_t next, uint16_t count)
{
    if (!in_ring(next) || count < RX_HEADER_LEN)
        return false;
    unsigned pages = ((unsigned)count + (1u << PAGE_SHIFT) - 1) >> PAGE_SHIFT;
    unsigned advance = (unsigned)(next - this_page + RX_PAGES) % RX_PAGES;
    return advance == pages || advance == pages + 1;
}

size_t ne2k_receive(ne2k_t *ne, uint8_t *buf, size_t size)
{
    uint8_t isr = reg_read(ne, NE_ISR);
    tx_collect(ne, isr);
    if (isr & ISR_CNT)
        read_tallies(ne);
    if ((isr & ISR_OVW) && !ne->draining)
        overflow_begin(ne);
    /* PRX is acknowledged before CURR is read: a frame stored after that read raises it
     * again, so none is left behind an acknowledged interrupt. */
    uint8_t ack = isr & (ISR_PRX | ISR_RXE | ISR_CNT);
    if (ack)
        reg_write(ne, NE_ISR, ack);
    for (;;) {
        uint8_t curr = read_curr(ne);
        /* A CURR outside the ring would be a broken chip: then nothing is read. */
        if (ne->next_page == curr || !in_ring(curr)) {
            if (ne->draining)
                overflow_end(ne);
            return 0;
        }
        uint8_t this_page = ne->next_page;
        uint8_t header[RX_HEADER_LEN];
        remote_read(ne, (uint32_t)this_page << PAGE_SHIFT, header, sizeof(header));
        uint8_t status = header[0], next = header[1];
        uint16_t count = (uint16_t)(header[2] | header[3] << 8);
        if (!header_consistent(this_page, next, count)) {
            ne->stats.rx_resyncs++;             /* lost track of the ring: skip to CURR */
            ring_advance(ne, curr);
            continue;
        }
        size_t len = count - RX_HEADER_LEN;
        if (!(status & RSR_PRX) || len < NE2K_FRAME_MIN || len > NE2K_FRAME_MAX) {
            ne->stats.rx_errors++;
            ring_advance(ne, next);
            continue;
        }
        if (len > size) {
            ne->stats.rx_too_long++;
            ring_advance(ne, next);
            continue;
        }
        /* The frame may run past the ring's end and go on at its start. */
        uint32_t start = ((uint32_t)this_page << PAGE_SHIFT) + RX_HEADER_LEN;
        uint32_t to_end = ((uint32_t)RX_STOP_PAGE << PAGE_SHIFT) - start;
        if (len <= to_end) {
            remote_read(ne, start, buf, len);
        } else {
            remote_read(ne, start, buf, to_end);
            remote_read(ne, (uint32_t)RX_FIRST_PAGE << PAGE_SHIFT, buf + to_end, len - to_end);
        }
        ring_advance(ne, next);
        ne->stats.rx_frames++;
        ne->stats.rx_bytes += (uint32_t)len;
        return len;
    }
}
