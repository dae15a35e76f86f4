/* DP8390 network interface controller on an NE2000 card (National DP8390D data sheet;
 * QEMU's hw/net/ne2000.c for what the emulated RTL8029 answers; Linux's 8390 driver for
 * what a guest relies on).
 *
 * The card memory is reached two ways: the guest moves bytes through the data port with
 * the remote DMA (RSAR/RBCR), and the chip itself writes received frames into the receive
 * ring and reads frames to transmit (the local DMA). Both go through mem_read()/mem_write(),
 * which only reach the PROM (read-only) and packet RAM, like the card's address decoder:
 * whatever page numbers or addresses the guest programs, nothing outside mem[] is touched.
 *
 * Receive ring: pages [PSTART, PSTOP). CURR is where the next frame goes, BNRY the page
 * before the next frame the driver will read (Linux keeps it one page behind; CURR == BNRY
 * is a full ring). A frame takes the pages from CURR on, wrapping at PSTOP to PSTART, and
 * may not reach page BNRY. CURR outside [PSTART, PSTOP) counts as PSTART (the chip's page
 * counter reloads PSTART when it runs into PSTOP); BNRY is read around the ring, so that
 * PSTART - 1, which Linux writes, is the ring's last page. A ring with PSTART >= PSTOP has
 * no room at all, so a nonsense ring can only drop frames. */
#include "devices/ne2000.h"

#include <stddef.h>
#include <string.h>

/* Command register (all pages). */
#define CR_STP        0x01   /* stop: offline, ISR.RST */
#define CR_TXP        0x04   /* transmit the frame at TPSR */
#define CR_RD_READ    0x08   /* remote DMA commands (RD2-0) */
#define CR_RD_WRITE   0x10
#define CR_RD_ABORT   0x20
#define CR_PAGE_SHIFT 6

/* Interrupt status / mask bits. */
#define ISR_PRX  0x01
#define ISR_PTX  0x02
#define ISR_OVW  0x10
#define ISR_CNT  0x20   /* a tally counter reached 128 */
#define ISR_RDC  0x40
#define ISR_RST  0x80   /* never raises the line; a written 1 does not clear it */
#define ISR_LINE_MASK 0x7F

#define RSR_PRX  0x01
#define RSR_MPA  0x10   /* missed packet */
#define RSR_PHY  0x20   /* multicast or broadcast destination */
#define TSR_PTX  0x01

#define RCR_AB   0x04   /* accept broadcast */
#define RCR_AM   0x08   /* accept multicast through the MAR hash */
#define RCR_PRO  0x10   /* promiscuous */
#define TCR_LB_SHIFT 1  /* loopback: 0 normal, 1 internal (NIC), 2 internal (ENDEC), 3 external */
#define TCR_LB_EXTERNAL 3
#define DCR_WTS  0x01   /* word-wide remote DMA */

/* RTL8029 identification (page 0, read) and configuration (page 3, read), as QEMU. */
#define RTL8029_ID0   0x50
#define RTL8029_ID1   0x43
#define RTL8029_CONFIG2  0x40   /* 10BASE-T link */
#define RTL8029_CONFIG3  0x40   /* full duplex */

#define DATA_PORT     0x10
#define RESET_PORT    0x1F
#define NUM_REGS      0x10

#define PROM_SIZE     0x20
#define PROM_W_OFFSET 28        /* 'W' 'W' 'W' 'W': the NE2000 signature drivers check */
#define PROM_W        0x57
#define RAM_START     0x4000
#define PAGE_SHIFT    8

#define MAC_BROADCAST_BYTE 0xFF
/* The tally counters stop at 192 (data sheet §7: "maximum count ... C0H"). */
#define CNTR_MAX      0xC0
#define CNTR_MSB      0x80
#define CNTR_MISSED   2

/* Each received frame is stored after a 4-byte header (status, next page, length); the
 * next-page arithmetic also leaves room for the 4-byte FCS the real chip stores, which
 * Linux's driver accounts for when it checks the next-page pointer (QEMU does the same). */
#define RX_HEADER     4
#define RX_FCS        4

/* ---- Card memory ------------------------------------------------------------------ */

static bool mem_readable(uint32_t addr)
{
    return addr < PROM_SIZE || (addr >= RAM_START && addr < NE2000_MEM_SIZE);
}

/* Where the card decodes nothing the bus floats high. */
static uint8_t mem_read(const ne2000_t *ne, uint32_t addr)
{
    return mem_readable(addr) ? ne->mem[addr] : 0xFF;
}

/* The PROM is a ROM; only packet RAM takes writes. */
static void mem_write(ne2000_t *ne, uint32_t addr, uint8_t value)
{
    if (addr >= RAM_START && addr < NE2000_MEM_SIZE)
        ne->mem[addr] = value;
}

static void prom_load(ne2000_t *ne)
{
    memset(ne->mem, 0, PROM_SIZE);
    for (int i = 0; i < NET_MAC_LEN; i++)
        ne->mem[2 * i] = ne->mem[2 * i + 1] = ne->mac[i];
    memset(ne->mem + PROM_W_OFFSET, PROM_W, PROM_SIZE - PROM_W_OFFSET);
}

/* ---- Interrupts, counters --------------------------------------------------------- */

static void update_irq(ne2000_t *ne)
{
    irq_set(&ne->irq, (ne->isr & ne->imr & ISR_LINE_MASK) != 0);
}

static void count_tally(ne2000_t *ne, int counter)
{
    if (ne->cntr[counter] < CNTR_MAX)
        ne->cntr[counter]++;
    if (ne->cntr[counter] & CNTR_MSB)
        ne->isr |= ISR_CNT;
}

/* ---- Remote DMA (the data port) ----------------------------------------------------- */

/* RSAR steps a byte at a time and wraps from PSTOP to PSTART, so that a driver reading a
 * frame that wraps around the ring gets it in one transfer (QEMU wraps the same way, once
 * per access; stepping per byte also catches a 32-bit access that straddles PSTOP). */
static void rdma_step(ne2000_t *ne)
{
    ne->rsar++;
    if (ne->rsar == (uint16_t)(ne->pstop << PAGE_SHIFT))
        ne->rsar = (uint16_t)(ne->pstart << PAGE_SHIFT);
}

static void rdma_count(ne2000_t *ne, unsigned bytes)
{
    if (ne->rbcr <= bytes) {
        ne->rbcr = 0;
        ne->isr |= ISR_RDC;
    } else {
        ne->rbcr = (uint16_t)(ne->rbcr - bytes);
    }
}

/* Bytes one data-port access moves: per DCR.WTS for 8- and 16-bit accesses (so a byte read
 * in word mode returns the low byte of a word, as Linux's probe expects), 4 for 32-bit. */
static unsigned rdma_width(const ne2000_t *ne, unsigned size)
{
    if (size == 4)
        return 4;
    return (ne->dcr & DCR_WTS) ? 2 : 1;
}

/* Reads go on after RBCR reaches 0 (QEMU; Linux's probe reads 32 words with RBCR = 32). */
static uint32_t data_read(ne2000_t *ne, unsigned size)
{
    unsigned n = rdma_width(ne, size);
    uint32_t value = 0;
    for (unsigned i = 0; i < n; i++) {
        value |= (uint32_t)mem_read(ne, ne->rsar) << (8 * i);
        rdma_step(ne);
    }
    rdma_count(ne, n);
    return value;
}

static void data_write(ne2000_t *ne, uint32_t value, unsigned size)
{
    if (ne->rbcr == 0)
        return;
    unsigned n = rdma_width(ne, size);
    for (unsigned i = 0; i < n; i++) {
        mem_write(ne, ne->rsar, (uint8_t)(value >> (8 * i)));
        rdma_step(ne);
    }
    rdma_count(ne, n);
}

/* ---- Receive ---------------------------------------------------------------------- */

static unsigned tcr_loopback(const ne2000_t *ne)
{
    return (ne->tcr >> TCR_LB_SHIFT) & 3;
}

/* In internal loopback the receiver hears only the chip's own transmitter (Linux uses it
 * while it drains an overflowed ring), so the wire is cut both ways. */
static bool internal_loopback(const ne2000_t *ne)
{
    unsigned lb = tcr_loopback(ne);
    return lb != 0 && lb != TCR_LB_EXTERNAL;
}

static unsigned ring_pages(const ne2000_t *ne)
{
    return ne->pstart < ne->pstop ? (unsigned)(ne->pstop - ne->pstart) : 0;
}

static uint8_t ring_page(const ne2000_t *ne, uint8_t page)
{
    return page >= ne->pstart && page < ne->pstop ? page : ne->pstart;
}

/* Pages a frame may take from CURR without reaching BNRY. BNRY is read around the ring:
 * Linux keeps it one page behind the next unread frame and so writes PSTART - 1 when that
 * frame is at PSTART, which means the ring's last page, PSTOP - 1 (reading it as PSTART
 * would make an empty ring look full). */
static unsigned ring_free_pages(const ne2000_t *ne)
{
    unsigned n = ring_pages(ne);
    if (n == 0)
        return 0;
    unsigned curr = ring_page(ne, ne->curr) - ne->pstart;
    unsigned bnry = (unsigned)(((int)ne->bnry - ne->pstart) % (int)n + (int)n) % n;
    return (bnry + n - curr) % n;
}

static unsigned frame_pages(size_t len)
{
    return (unsigned)((RX_HEADER + len + RX_FCS + (1u << PAGE_SHIFT) - 1) >> PAGE_SHIFT);
}

/* Whether the backend should hand over its next frame now.
 *
 * Frames come in batches that the driver takes whole. A batch is open until the driver,
 * with a receive interrupt pending (ISR.PRX), reads CURR to see how far the ring is filled;
 * frames stored after that would only be seen after it acknowledges PRX, and Linux's 8390
 * driver acknowledges PRX after it has read at most 9 frames, whatever is left. So from
 * that read until the acknowledgement the backend holds its frames (as it does while the
 * ring has no room for a maximum frame); a frame stored after the acknowledgement raises
 * PRX anew. Nothing can then sit unread behind an acknowledged interrupt while the backend
 * waits, which would stall a transfer until a retransmission.
 *
 * One case is left: the driver has acknowledged PRX with the ring still full (more than 9
 * small frames). It will not look again, so the next frame is taken even without room: it
 * overflows the ring, as on a wire, and the overflow interrupt makes the driver drain it
 * (ne2000_receive records the overflow). */
static bool ne2000_can_receive(void *card)
{
    const ne2000_t *ne = card;
    if ((ne->cmd & CR_STP) || internal_loopback(ne))
        return false;
    if (!(ne->isr & ISR_PRX))
        return true;
    return !ne->rx_batch_closed && ring_free_pages(ne) >= frame_pages(NET_FRAME_MAX);
}

/* The multicast hash: the Ethernet CRC-32 of the destination address as the chip computes
 * it while the bits go by (least significant bit of each byte first, no final inversion);
 * its top 6 bits pick one of the 64 MAR bits. Linux's 8390 driver sets MAR with
 * ether_crc() >> 26, the same value. */
static unsigned multicast_index(const uint8_t *dst)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (int i = 0; i < NET_MAC_LEN; i++) {
        uint8_t byte = dst[i];
        for (int bit = 0; bit < 8; bit++, byte >>= 1) {
            bool feedback = ((crc >> 31) ^ byte) & 1;
            crc <<= 1;
            if (feedback)
                crc ^= 0x04C11DB7u;
        }
    }
    return crc >> 26;
}

static bool is_broadcast(const uint8_t *dst)
{
    for (int i = 0; i < NET_MAC_LEN; i++)
        if (dst[i] != MAC_BROADCAST_BYTE)
            return false;
    return true;
}

static bool address_accepted(const ne2000_t *ne, const uint8_t *dst)
{
    if (ne->rcr & RCR_PRO)
        return true;
    if (is_broadcast(dst))
        return (ne->rcr & RCR_AB) != 0;
    if (dst[0] & 1) {
        if (!(ne->rcr & RCR_AM))
            return false;
        unsigned index = multicast_index(dst);
        return (ne->mar[index >> 3] >> (index & 7)) & 1;
    }
    return memcmp(dst, ne->par, NET_MAC_LEN) == 0;
}

/* Copies `len` bytes into the ring at `addr`, wrapping at PSTOP; returns where it ended. */
static uint32_t ring_store(ne2000_t *ne, uint32_t addr, const uint8_t *src, size_t len)
{
    uint32_t stop = (uint32_t)ne->pstop << PAGE_SHIFT;
    for (size_t i = 0; i < len; i++) {
        mem_write(ne, addr, src[i]);
        if (++addr == stop)
            addr = (uint32_t)ne->pstart << PAGE_SHIFT;
    }
    return addr;
}

static void ne2000_receive(void *card, const uint8_t *frame, size_t len)
{
    ne2000_t *ne = card;
    if ((ne->cmd & CR_STP) || internal_loopback(ne))
        return;                                  /* offline: the frame never reaches it */
    /* A frame longer than Ethernet allows cannot come off a real wire (the chip itself
     * has no length limit and would fill the ring with it, which Linux then discards as
     * a "bogus packet size"); only a misbehaving backend sends one. Dropping it keeps the
     * guaranteed room for a maximum frame meaningful. */
    if (len > NET_FRAME_MAX) {
        ne->rx_oversize++;
        return;
    }
    /* A runt is padded to the Ethernet minimum, as the sender would have. */
    uint8_t padded[NET_FRAME_MIN];
    if (len < NET_FRAME_MIN) {
        memset(padded, 0, sizeof(padded));
        memcpy(padded, frame, len);
        frame = padded;
        len = NET_FRAME_MIN;
    }
    if (!address_accepted(ne, frame))
        return;

    unsigned pages = frame_pages(len);
    if (pages > ring_free_pages(ne)) {
        /* Offered while full (the backend's queue overflowed): the chip misses it. */
        count_tally(ne, CNTR_MISSED);
        ne->rsr = RSR_MPA;
        ne->isr |= ISR_OVW;
        update_irq(ne);
        return;
    }

    uint8_t first = ring_page(ne, ne->curr);
    unsigned next = first + pages;
    if (next >= ne->pstop)
        next -= ring_pages(ne);
    uint16_t count = (uint16_t)(len + RX_HEADER);
    ne->rsr = RSR_PRX | ((frame[0] & 1) ? RSR_PHY : 0);
    const uint8_t header[RX_HEADER] = { ne->rsr, (uint8_t)next, (uint8_t)count,
                                        (uint8_t)(count >> 8) };
    uint32_t addr = ring_store(ne, (uint32_t)first << PAGE_SHIFT, header, RX_HEADER);
    ne->clda = (uint16_t)ring_store(ne, addr, frame, len);
    ne->curr = (uint8_t)next;
    ne->isr |= ISR_PRX;
    update_irq(ne);
}

/* ---- Transmit --------------------------------------------------------------------- */

/* The transmitter is instant and always reports success (ISR.PTX, TSR.PTX), as QEMU's.
 * A frame that is not wholly in packet RAM (TPSR + TBCR past the end, or starting below
 * it), empty, or longer than NET_FRAME_MAX is not put on the link: QEMU drops the first
 * kind the same way; the chip would send a giant, which every receiver discards. In
 * internal loopback nothing reaches the wire; the looped-back copy only serves the chip's
 * self-test, which no driver we run uses, so it is dropped. A runt is padded to
 * NET_FRAME_MIN (the link carries valid Ethernet frames; Linux pads them itself). */
static void transmit(ne2000_t *ne)
{
    uint32_t addr = (uint32_t)ne->tpsr << PAGE_SHIFT;
    size_t len = ne->tbcr;
    bool send = len > 0 && len <= NET_FRAME_MAX && addr >= RAM_START &&
                addr + len <= NE2000_MEM_SIZE && !internal_loopback(ne);
    uint8_t frame[NET_FRAME_MAX];
    if (send) {
        memcpy(frame, ne->mem + addr, len);
        if (len < NET_FRAME_MIN) {
            memset(frame + len, 0, NET_FRAME_MIN - len);
            len = NET_FRAME_MIN;
        }
    }
    ne->tsr = TSR_PTX;
    ne->isr |= ISR_PTX;
    update_irq(ne);
    /* Last: the backend may hand us frames from inside this call. */
    if (send)
        net_link_transmit(ne->link, frame, len);
}

/* ---- Registers -------------------------------------------------------------------- */

static void cr_write(ne2000_t *ne, uint8_t value)
{
    ne->cmd = value & (uint8_t)~CR_TXP;          /* TXP reads back clear: sent at once */
    if (value & CR_STP) {
        ne->isr |= ISR_RST;
        return;
    }
    /* QEMU leaves the reset state on any command without STP (Linux's interrupt handler
     * writes CR = 0x20, no STA, while running). */
    ne->isr &= (uint8_t)~ISR_RST;
    if ((value & (CR_RD_READ | CR_RD_WRITE)) && ne->rbcr == 0)
        ne->isr |= ISR_RDC;                      /* a zero-length remote DMA is complete */
    if (value & CR_TXP)
        transmit(ne);
}

static void set_low(uint16_t *reg, uint8_t value)
{
    *reg = (uint16_t)((*reg & 0xFF00) | value);
}

static void set_high(uint16_t *reg, uint8_t value)
{
    *reg = (uint16_t)((*reg & 0x00FF) | value << 8);
}

static unsigned page_reg(const ne2000_t *ne, uint32_t offset)
{
    return (unsigned)(ne->cmd >> CR_PAGE_SHIFT) << 4 | offset;
}

/* Registers are stored as written, however nonsensical; their users cope (see the top). */
static void reg_write(ne2000_t *ne, uint32_t offset, uint8_t value)
{
    if (offset == 0) {
        cr_write(ne, value);
        return;
    }
    unsigned reg = page_reg(ne, offset);
    switch (reg) {
    case 0x01: ne->pstart = value; break;
    case 0x02: ne->pstop = value; break;
    case 0x03: ne->bnry = value; break;
    case 0x04: ne->tpsr = value; break;
    case 0x05: set_low(&ne->tbcr, value); break;
    case 0x06: set_high(&ne->tbcr, value); break;
    case 0x07:
        ne->isr &= (uint8_t)~(value & ISR_LINE_MASK);
        if (!(ne->isr & ISR_PRX))
            ne->rx_batch_closed = false;
        break;
    case 0x08: set_low(&ne->rsar, value); break;
    case 0x09: set_high(&ne->rsar, value); break;
    case 0x0A: set_low(&ne->rbcr, value); break;
    case 0x0B: set_high(&ne->rbcr, value); break;
    case 0x0C: ne->rcr = value; break;
    case 0x0D: ne->tcr = value; break;
    case 0x0E: ne->dcr = value; break;
    case 0x0F: ne->imr = value; break;
    case 0x11: case 0x12: case 0x13: case 0x14: case 0x15: case 0x16:
        ne->par[reg - 0x11] = value;
        break;
    case 0x17: ne->curr = value; break;
    case 0x18: case 0x19: case 0x1A: case 0x1B: case 0x1C: case 0x1D: case 0x1E: case 0x1F:
        ne->mar[reg - 0x18] = value;
        break;
    default:
        break;   /* page 2 (diagnostic local DMA pointers) and page 3 (RTL8029 config) */
    }
}

uint8_t ne2000_peek(const ne2000_t *ne, uint32_t offset)
{
    offset &= NUM_REGS - 1;
    if (offset == 0)
        return ne->cmd;
    unsigned reg = page_reg(ne, offset);
    switch (reg) {
    case 0x01: return (uint8_t)ne->clda;
    case 0x02: return (uint8_t)(ne->clda >> 8);
    case 0x03: return ne->bnry;
    case 0x04: return ne->tsr;
    case 0x07: return ne->isr;
    case 0x08: return (uint8_t)ne->rsar;          /* CRDA: the remote DMA address now */
    case 0x09: return (uint8_t)(ne->rsar >> 8);
    case 0x0A: return RTL8029_ID0;
    case 0x0B: return RTL8029_ID1;
    case 0x0C: return ne->rsr;
    case 0x0D: case 0x0E: case 0x0F: return ne->cntr[reg - 0x0D];
    case 0x11: case 0x12: case 0x13: case 0x14: case 0x15: case 0x16:
        return ne->par[reg - 0x11];
    case 0x17: return ne->curr;
    case 0x18: case 0x19: case 0x1A: case 0x1B: case 0x1C: case 0x1D: case 0x1E: case 0x1F:
        return ne->mar[reg - 0x18];
    case 0x21: return ne->pstart;
    case 0x22: return ne->pstop;
    case 0x24: return ne->tpsr;
    case 0x25: return ne->curr;                    /* local next packet pointer */
    case 0x2C: return ne->rcr;
    case 0x2D: return ne->tcr;
    case 0x2E: return ne->dcr;
    case 0x2F: return ne->imr;
    case 0x35: return RTL8029_CONFIG2;
    case 0x36: return RTL8029_CONFIG3;
    default:   return 0;   /* NCR, FIFO, CONFIG0, the rest of pages 2 and 3 */
    }
}

/* ---- The I/O block ------------------------------------------------------------------ */

static uint32_t all_ones(unsigned size)
{
    return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

static uint32_t ne2000_read(void *dev, uint32_t offset, unsigned size)
{
    ne2000_t *ne = dev;
    uint32_t value;
    if (offset < NUM_REGS && size == 1) {
        value = ne2000_peek(ne, offset);
        unsigned reg = page_reg(ne, offset);
        if (reg >= 0x0D && reg <= 0x0F)
            ne->cntr[reg - 0x0D] = 0;              /* tally counters clear when read */
        if (reg == 0x17 && (ne->isr & ISR_PRX))
            ne->rx_batch_closed = true;            /* see ne2000_can_receive */
        return value;
    }
    if (offset == DATA_PORT) {
        value = data_read(ne, size) & all_ones(size);
    } else if (offset == RESET_PORT && size == 1) {
        ne2000_reset(ne);
        value = 0;
    } else {
        return all_ones(size);
    }
    update_irq(ne);
    return value;
}

static void ne2000_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    ne2000_t *ne = dev;
    if (offset == DATA_PORT) {
        /* Remote DMA moves bytes in card memory (the driver's every frame, a word at a
         * time): it never changes what the receiver can take, so no ring arithmetic here. */
        data_write(ne, value, size);
        update_irq(ne);
        return;
    }
    if (offset >= NUM_REGS || size != 1)
        return;                                    /* the reset port ignores writes */
    bool could_receive = ne2000_can_receive(ne);
    reg_write(ne, offset, (uint8_t)value);
    update_irq(ne);
    /* Room in the ring, a restart, the end of loopback: let the backend's queue in. */
    if (!could_receive && ne2000_can_receive(ne))
        net_link_receive_ready(ne->link);
}

const device_ops_t ne2000_ops = { .read = ne2000_read, .write = ne2000_write };

void ne2000_reset(ne2000_t *ne)
{
    memset(&ne->cmd, 0, offsetof(ne2000_t, rx_oversize) - offsetof(ne2000_t, cmd));
    ne->cmd = CR_STP | CR_RD_ABORT;
    ne->isr = ISR_RST;
    prom_load(ne);
    update_irq(ne);
}

void ne2000_init(ne2000_t *ne, const uint8_t mac[NET_MAC_LEN], net_link_t *link, irq_line_t irq)
{
    memset(ne, 0, sizeof(*ne));
    memcpy(ne->mac, mac, NET_MAC_LEN);
    ne->link = link;
    ne->irq = irq;
    if (link) {
        link->card = ne;
        link->can_receive = ne2000_can_receive;
        link->receive = ne2000_receive;
    }
    ne2000_reset(ne);
}
