/* The guest's NE2000 driver (DP8390D data sheet; the register model the hypervisor runs is
 * kseg's src/devices/ne2000.c, an RTL8029 as QEMU's ne2k_pci presents it).
 *
 * Card memory: the PROM at 0x0000 (each MAC byte twice, 'W' signature at 28-31), packet
 * RAM in 256-byte pages 0x40-0x7F. Page 0x40 on is the transmit buffer (6 pages: a
 * maximum frame); 0x46-0x7F the receive ring. Every byte of card memory goes through the
 * remote DMA: RSAR/RBCR set, a read or write command, the data port, then ISR.RDC. The
 * data port is used 32 bits at a time in word mode (DCR.WTS): a quarter of the traps of
 * byte accesses, each of which is an exit into the hypervisor.
 *
 * Receive ring: `next_pkt` is the page of the next unread frame; the chip's CURR is where
 * it will store the next one, so the ring is empty when they are equal. BNRY stays one
 * page behind next_pkt (wrapping to PSTOP - 1), as Linux keeps it, so the chip never
 * stores over a frame not yet read. Each stored frame starts with a 4-byte header: status,
 * the page after it, its length with the header. */
#include "net.h"

#define NE_REG(off)     (((volatile uint8_t *)NE2K_BASE)[off])
#define NE_DATA         (*(volatile uint32_t *)(NE2K_BASE + 0x10u))
#define NE_RESET        0x1F

/* Page 0 (and CR on every page). */
#define NE_CR           0x00
#define NE_PSTART       0x01
#define NE_PSTOP        0x02
#define NE_BNRY         0x03
#define NE_TPSR         0x04
#define NE_TBCR0        0x05
#define NE_TBCR1        0x06
#define NE_ISR          0x07
#define NE_RSAR0        0x08
#define NE_RSAR1        0x09
#define NE_RBCR0        0x0A
#define NE_RBCR1        0x0B
#define NE_RCR          0x0C
#define NE_TCR          0x0D
#define NE_DCR          0x0E
#define NE_IMR          0x0F
/* Page 1. */
#define NE_PAR0         0x01
#define NE_CURR         0x07
#define NE_MAR0         0x08

#define CR_STP          0x01
#define CR_STA          0x02
#define CR_TXP          0x04
#define CR_RD_READ      0x08
#define CR_RD_WRITE     0x10
#define CR_RD_ABORT     0x20
#define CR_PAGE1        0x40

#define ISR_PRX         0x01
#define ISR_PTX         0x02
#define ISR_TXE         0x08
#define ISR_OVW         0x10
#define ISR_RDC         0x40
#define ISR_RST         0x80

#define DCR_WTS         0x01            /* word-wide remote DMA */
#define DCR_LS          0x08            /* normal operation (not loopback) */
#define DCR_FT1         0x40            /* FIFO threshold: 8 bytes */
#define RCR_AB          0x04            /* accept broadcast */
#define RCR_MON         0x20            /* monitor: check, store nothing */
#define TCR_LOOPBACK    0x02            /* internal loopback */
#define RSR_PRX         0x01

#define TX_PAGE         0x40
#define RX_START        0x46
#define RX_STOP         0x80
#define PROM_BYTES      32
#define PROM_SIGNATURE  0x57575757u     /* 'WWWW' at PROM bytes 28-31 */
#define RX_HEADER       4

/* Polls of ISR before the driver gives up on the card: each one is an exit, far longer
 * than the instant transfers the model makes, so this only ends a dead card's wait. */
#define SPIN_LIMIT      100000u

uint32_t ne2k_rx_errors;
static uint8_t next_pkt;

static inline uint8_t rd(unsigned reg) { return NE_REG(reg); }
static inline void wr(unsigned reg, uint8_t v) { NE_REG(reg) = v; }

static bool wait_isr(uint8_t bits)
{
    for (uint32_t i = 0; i < SPIN_LIMIT; i++) {
        uint8_t isr = rd(NE_ISR);
        if (isr & bits) {
            wr(NE_ISR, isr & bits);
            return true;
        }
    }
    return false;
}

/* Sets up a remote DMA of `count` bytes at card address `addr`. */
static void rdma_start(uint16_t addr, uint16_t count, uint8_t cmd)
{
    wr(NE_RBCR0, (uint8_t)count);
    wr(NE_RBCR1, (uint8_t)(count >> 8));
    wr(NE_RSAR0, (uint8_t)addr);
    wr(NE_RSAR1, (uint8_t)(addr >> 8));
    wr(NE_CR, cmd | CR_STA);
}

bool ne2k_init(uint8_t mac[ETH_ALEN])
{
    wr(NE_RESET, rd(NE_RESET));                 /* a read resets; real cards want the write */
    bool reset = false;
    for (uint32_t i = 0; i < SPIN_LIMIT && !reset; i++)
        reset = rd(NE_ISR) & ISR_RST;
    if (!reset)
        return false;
    wr(NE_CR, CR_STP | CR_RD_ABORT);
    wr(NE_DCR, DCR_FT1 | DCR_LS | DCR_WTS);
    wr(NE_RBCR0, 0);
    wr(NE_RBCR1, 0);
    wr(NE_RCR, RCR_MON);
    wr(NE_TCR, TCR_LOOPBACK);
    wr(NE_ISR, 0xFF);
    wr(NE_IMR, 0);

    /* The PROM: every MAC byte twice, so byte i is at PROM address 2 * i. */
    uint32_t prom[PROM_BYTES / 4];
    rdma_start(0, PROM_BYTES, CR_RD_READ);
    for (unsigned i = 0; i < PROM_BYTES / 4; i++)
        prom[i] = NE_DATA;
    if (!wait_isr(ISR_RDC) || prom[PROM_BYTES / 4 - 1] != PROM_SIGNATURE)
        return false;
    for (unsigned i = 0; i < ETH_ALEN; i++)
        mac[i] = (uint8_t)(prom[i / 2] >> (16 * (i % 2)));

    wr(NE_TPSR, TX_PAGE);
    wr(NE_PSTART, RX_START);
    wr(NE_PSTOP, RX_STOP);
    wr(NE_BNRY, RX_STOP - 1);
    wr(NE_CR, CR_PAGE1 | CR_STP | CR_RD_ABORT);
    for (unsigned i = 0; i < ETH_ALEN; i++)
        wr(NE_PAR0 + i, mac[i]);
    for (unsigned i = 0; i < 8; i++)
        wr(NE_MAR0 + i, 0);                     /* no multicast */
    wr(NE_CURR, RX_START);
    next_pkt = RX_START;
    wr(NE_CR, CR_STP | CR_RD_ABORT);
    wr(NE_ISR, 0xFF);
    wr(NE_IMR, ISR_PRX | ISR_OVW);              /* the line wakes net_idle's WAIT */
    wr(NE_CR, CR_STA | CR_RD_ABORT);
    wr(NE_TCR, 0);
    wr(NE_RCR, RCR_AB);
    return true;
}

bool ne2k_send(const uint8_t *frame, size_t len)
{
    static uint32_t pad[ETH_FRAME_MIN / 4];
    if (len > ETH_FRAME_MAX)
        return false;
    if (len < ETH_FRAME_MIN) {
        uint8_t *p = (uint8_t *)pad;
        for (size_t i = 0; i < ETH_FRAME_MIN; i++)
            p[i] = i < len ? frame[i] : 0;
        frame = p;
        len = ETH_FRAME_MIN;
    }
    uint16_t words = (uint16_t)((len + 3) / 4);
    rdma_start(TX_PAGE << 8, (uint16_t)(words * 4), CR_RD_WRITE);
    const uint32_t *w = (const uint32_t *)frame;    /* callers' buffers are word-aligned */
    for (uint16_t i = 0; i < words; i++)
        NE_DATA = w[i];
    if (!wait_isr(ISR_RDC))
        return false;
    wr(NE_TBCR0, (uint8_t)len);
    wr(NE_TBCR1, (uint8_t)(len >> 8));
    wr(NE_CR, CR_STA | CR_TXP | CR_RD_ABORT);
    return wait_isr(ISR_PTX | ISR_TXE);
}

static uint8_t ring_prev(uint8_t page)
{
    return page == RX_START ? RX_STOP - 1 : (uint8_t)(page - 1);
}

size_t ne2k_recv(uint8_t *buf)
{
    /* Acknowledge first: a frame stored after this raises PRX again, so none is left
     * behind an acknowledged interrupt. */
    uint8_t isr = rd(NE_ISR) & (ISR_PRX | ISR_OVW);
    if (isr)
        wr(NE_ISR, isr);
    wr(NE_CR, CR_PAGE1 | CR_STA | CR_RD_ABORT);
    uint8_t curr = rd(NE_CURR);
    wr(NE_CR, CR_STA | CR_RD_ABORT);
    if (curr == next_pkt)
        return 0;

    rdma_start((uint16_t)(next_pkt << 8), RX_HEADER, CR_RD_READ);
    uint32_t header = NE_DATA;
    wait_isr(ISR_RDC);
    uint8_t status = (uint8_t)header, next = (uint8_t)(header >> 8);
    uint16_t count = (uint16_t)(header >> 16);
    if (!(status & RSR_PRX) || next < RX_START || next >= RX_STOP ||
        count < RX_HEADER + ETH_HLEN || count > RX_HEADER + ETH_FRAME_MAX) {
        /* Not a frame header: skip everything stored so far and start again at CURR. */
        ne2k_rx_errors++;
        next_pkt = curr;
        wr(NE_BNRY, ring_prev(next_pkt));
        return 0;
    }
    size_t len = count - RX_HEADER;
    uint16_t words = (uint16_t)((len + 3) / 4);
    /* The chip's remote DMA wraps from PSTOP to PSTART: one transfer however the frame
     * lies in the ring. */
    rdma_start((uint16_t)((next_pkt << 8) + RX_HEADER), (uint16_t)(words * 4), CR_RD_READ);
    uint32_t *w = (uint32_t *)buf;
    for (uint16_t i = 0; i < words; i++)
        w[i] = NE_DATA;
    wait_isr(ISR_RDC);
    next_pkt = next;
    wr(NE_BNRY, ring_prev(next_pkt));
    return len;
}

/* A driver gone wrong: `n` accesses of random widths to random registers on random pages
 * with random values (nonsense ring pointers, remote DMA of any length anywhere, transmits
 * of any length, the reset port) and data-port transfers. What the chip does with them is
 * the model's business; the hypervisor and the other guests must not notice. Returns a
 * sum of what was read, so that the reads are not optimised away. */
uint32_t ne2k_fuzz(uint32_t n, uint32_t seed)
{
    uint32_t x = seed ? seed : 1u, sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        x ^= x << 13;                           /* xorshift32 */
        x ^= x >> 17;
        x ^= x << 5;
        unsigned reg = (x >> 8) & 0x1Fu;
        uint32_t value = x >> 3;
        volatile uint16_t *half = (volatile uint16_t *)(NE2K_BASE + (reg & ~1u));
        switch (x & 7u) {
        case 0: case 1: case 2: wr(reg, (uint8_t)value); break;
        case 3: sum += rd(reg); break;
        case 4: NE_DATA = value; break;
        case 5: sum += NE_DATA; break;
        case 6: *half = (uint16_t)value; break;
        default: sum += *half; break;
        }
    }
    return sum;
}
