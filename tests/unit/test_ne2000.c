/* The NE2000 PCI card (src/devices/ne2k_pci.c) and its DP8390 core (src/devices/ne2000.c),
 * driven the way a guest drives them: configuration cycles to place BAR 0, then byte
 * registers, the data port and the reset port through the I/O port space. A fake backend
 * on the card's net_link_t records transmitted frames and receive_ready calls, and hands
 * frames to the card the way the real backend does (only when can_receive says yes).
 *
 * Expected behaviour: the DP8390D data sheet, QEMU 7.2's hw/net/ne2000.c and ne2000-pci.c,
 * and what Linux 6.1's ne2k-pci and 8390 drivers do (shared/reference/malta.md §14). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "devices/ioport.h"
#include "devices/malta.h"
#include "devices/ne2k_pci.h"
#include "devices/pci.h"

#define NIC_SLOT   18
#define NIC_PORT   0xC100u
#define CFG(dev, fn, reg) ((uint32_t)(dev) << 11 | (uint32_t)(fn) << 8 | (reg))

/* DP8390 registers (page 0 unless named) and bits, as Linux's 8390.h names them. */
enum {
    CR = 0x00, PSTART = 0x01, PSTOP = 0x02, BNRY = 0x03, TPSR = 0x04, TSR = 0x04,
    TBCR0 = 0x05, TBCR1 = 0x06, ISR = 0x07, RSAR0 = 0x08, CRDA0 = 0x08, RSAR1 = 0x09,
    CRDA1 = 0x09, RBCR0 = 0x0A, RBCR1 = 0x0B, RCR = 0x0C, RSR = 0x0C, TCR = 0x0D,
    CNTR0 = 0x0D, DCR = 0x0E, CNTR2 = 0x0F, IMR = 0x0F,
    PAR0 = 0x01, CURR = 0x07, MAR0 = 0x08,         /* page 1 */
    DATA = 0x10, RESET = 0x1F,
};
#define CR_STOP     0x01
#define CR_START    0x02
#define CR_TRANS    0x04
#define CR_RREAD    0x08
#define CR_RWRITE   0x10
#define CR_NODMA    0x20
#define CR_PAGE(n)  ((n) << 6)
#define ISR_RX      0x01
#define ISR_TX      0x02
#define ISR_OVER    0x10
#define ISR_RDC     0x40
#define ISR_RESET   0x80
#define RCR_AB      0x04
#define RCR_AM      0x08
#define RCR_PRO     0x10
#define DCR_WORD    0x49     /* what Linux's ne2k-pci programs: word-wide, FIFO 8 */
#define DCR_BYTE    0x48

/* Linux's ne2k-pci layout of the 16 KiB it assumes: 12 transmit pages, then the ring. */
#define TX_PAGE     0x40
#define RX_START    0x4C
#define RX_STOP     0x80

#define MAX_SENT 8

static const uint8_t MAC[NET_MAC_LEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t BROADCAST[NET_MAC_LEN] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
static const uint8_t OTHER[NET_MAC_LEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 };

typedef struct fixture {
    ioport_space_t io;
    pci_bus_t pci;
    ne2k_pci_t card;
    net_link_t link;
    bool pirq[PCI_NUM_PIRQS];

    /* The fake backend. */
    uint8_t sent[MAX_SENT][NET_FRAME_MAX];
    size_t sent_len[MAX_SENT];
    unsigned sent_count;
    unsigned receive_ready_calls;
    const uint8_t *echo;           /* delivered back from inside transmit() when set */
    size_t echo_len;
} fixture_t;

static void pirq_set(void *opaque, int pirq, bool level)
{
    fixture_t *f = opaque;
    f->pirq[pirq] = level;
}

static void fake_transmit(void *backend, const uint8_t *frame, size_t len)
{
    fixture_t *f = backend;
    assert_true(len >= NET_FRAME_MIN && len <= NET_FRAME_MAX);
    if (f->sent_count < MAX_SENT) {
        memcpy(f->sent[f->sent_count], frame, len);
        f->sent_len[f->sent_count] = len;
    }
    f->sent_count++;
    if (f->echo && f->link.can_receive(f->link.card))
        f->link.receive(f->link.card, f->echo, f->echo_len);
}

static void fake_receive_ready(void *backend)
{
    fixture_t *f = backend;
    f->receive_ready_calls++;
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    ioport_init(&f->io);
    pci_bus_init(&f->pci, &f->io);
    pci_bus_set_pirq_map(&f->pci, malta_pci_slot_pirq);
    pci_bus_set_pirq_handler(&f->pci, pirq_set, f);
    f->link = (net_link_t){ .backend = f, .transmit = fake_transmit,
                            .receive_ready = fake_receive_ready };
    ne2k_pci_init(&f->card, &f->pci, PCI_DEVFN(NIC_SLOT, 0), MAC, &f->link);
    /* Firmware's part: place BAR 0 and enable I/O decoding. */
    pci_config_write(&f->pci, CFG(NIC_SLOT, 0, PCI_BAR0), NIC_PORT);
    pci_config_write(&f->pci, CFG(NIC_SLOT, 0, PCI_COMMAND), PCI_COMMAND_IO);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

/* ---- Guest-side helpers ------------------------------------------------------------ */

static void out(fixture_t *f, uint32_t reg, uint8_t value)
{
    ioport_write(&f->io, NIC_PORT + reg, value, 1);
}

static uint8_t in(fixture_t *f, uint32_t reg)
{
    return (uint8_t)ioport_read(&f->io, NIC_PORT + reg, 1);
}

static uint8_t in_page(fixture_t *f, int page, uint32_t reg)
{
    out(f, CR, (uint8_t)(CR_PAGE(page) | CR_NODMA | CR_START));
    uint8_t value = in(f, reg);
    out(f, CR, CR_NODMA | CR_START);
    return value;
}

static void out_page1(fixture_t *f, uint32_t reg, uint8_t value)
{
    out(f, CR, CR_PAGE(1) | CR_NODMA | CR_START);
    out(f, reg, value);
    out(f, CR, CR_NODMA | CR_START);
}

static bool line(const fixture_t *f)
{
    return f->pirq[malta_pci_slot_pirq(NIC_SLOT, 1)];
}

static void set_ring(fixture_t *f, uint8_t start, uint8_t stop, uint8_t curr, uint8_t bnry)
{
    out(f, CR, CR_NODMA | CR_STOP);
    out(f, PSTART, start);
    out(f, PSTOP, stop);
    out(f, BNRY, bnry);
    out(f, CR, CR_PAGE(1) | CR_NODMA | CR_STOP);
    out(f, CURR, curr);
    out(f, CR, CR_NODMA | CR_START);
}

/* What Linux's NS8390_init and ei_open leave: word mode, the ring at 0x4C-0x80 with BNRY one
 * page behind CURR, our address in PAR, broadcasts accepted, every interrupt enabled. */
static void linux_open(fixture_t *f)
{
    out(f, CR, CR_PAGE(0) | CR_NODMA | CR_STOP);
    out(f, DCR, DCR_WORD);
    out(f, RBCR0, 0);
    out(f, RBCR1, 0);
    out(f, RCR, 0x20);                           /* monitor mode while setting up */
    out(f, TCR, 0x02);                           /* internal loopback */
    out(f, TPSR, TX_PAGE);
    out(f, PSTART, RX_START);
    out(f, BNRY, RX_STOP - 1);
    out(f, PSTOP, RX_STOP);
    out(f, ISR, 0xFF);
    out(f, IMR, 0);
    out(f, CR, CR_PAGE(1) | CR_NODMA | CR_STOP);
    for (int i = 0; i < NET_MAC_LEN; i++)
        out(f, PAR0 + i, MAC[i]);
    for (int i = 0; i < 8; i++)
        out(f, MAR0 + i, 0);
    out(f, CURR, RX_START);
    out(f, CR, CR_NODMA | CR_START);
    out(f, ISR, 0xFF);
    out(f, IMR, 0x3F);
    out(f, TCR, 0x00);
    out(f, RCR, RCR_AB);
}

static void remote_setup(fixture_t *f, uint16_t addr, uint16_t count, uint8_t command)
{
    out(f, CR, CR_NODMA | CR_START);
    out(f, RBCR0, (uint8_t)count);
    out(f, RBCR1, (uint8_t)(count >> 8));
    out(f, RSAR0, (uint8_t)addr);
    out(f, RSAR1, (uint8_t)(addr >> 8));
    out(f, CR, command | CR_START);
}

/* As ne2k_pci_block_input: 32-bit reads, then a 16-bit and an 8-bit tail (word mode). */
static void remote_read(fixture_t *f, uint16_t addr, uint8_t *buf, size_t len)
{
    remote_setup(f, addr, (uint16_t)len, CR_RREAD);
    size_t i = 0;
    for (; i + 4 <= len; i += 4) {
        uint32_t v = ioport_read(&f->io, NIC_PORT + DATA, 4);
        memcpy(buf + i, &v, 4);
    }
    if (len - i >= 2) {
        uint16_t v = (uint16_t)ioport_read(&f->io, NIC_PORT + DATA, 2);
        memcpy(buf + i, &v, 2);
        i += 2;
    }
    if (i < len)
        buf[i] = (uint8_t)ioport_read(&f->io, NIC_PORT + DATA, 1);
}

/* As ne2k_pci_block_output (an even count in word mode). */
static void remote_write(fixture_t *f, uint16_t addr, const uint8_t *buf, size_t len)
{
    remote_setup(f, addr, (uint16_t)len, CR_RWRITE);
    size_t i = 0;
    for (; i + 4 <= len; i += 4) {
        uint32_t v;
        memcpy(&v, buf + i, 4);
        ioport_write(&f->io, NIC_PORT + DATA, v, 4);
    }
    for (; i < len; i += 2)
        ioport_write(&f->io, NIC_PORT + DATA, buf[i] | (i + 1 < len ? buf[i + 1] << 8 : 0), 2);
}

static void transmit(fixture_t *f, uint8_t page, uint16_t len)
{
    out(f, TPSR, page);
    out(f, TBCR0, (uint8_t)len);
    out(f, TBCR1, (uint8_t)(len >> 8));
    out(f, CR, CR_NODMA | CR_TRANS | CR_START);
}

static void make_frame(uint8_t *frame, const uint8_t dst[NET_MAC_LEN], size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        frame[i] = (uint8_t)(i * 7 + seed);
    memcpy(frame, dst, len < NET_MAC_LEN ? len : NET_MAC_LEN);
}

/* The backend's side: a frame goes in only if the card says it can take it. */
static bool deliver(fixture_t *f, const uint8_t *frame, size_t len)
{
    if (!f->link.can_receive(f->link.card))
        return false;
    f->link.receive(f->link.card, frame, len);
    return true;
}

typedef struct rx_header {
    uint8_t status, next;
    uint16_t count;
} rx_header_t;

static rx_header_t read_header(fixture_t *f, uint8_t page)
{
    uint8_t h[4];
    remote_read(f, (uint16_t)(page << 8), h, sizeof(h));
    return (rx_header_t){ h[0], h[1], (uint16_t)(h[2] | h[3] << 8) };
}

/* As Linux's ei_receive, for one frame: header at BNRY + 1, data after it, then BNRY moves
 * to the page before the next frame. Returns the data length, 0 if the ring is empty. */
static size_t linux_receive_one(fixture_t *f, uint8_t *data)
{
    uint8_t start = in_page(f, 2, PSTART), stop = in_page(f, 2, PSTOP);
    uint8_t page = (uint8_t)(in(f, BNRY) + 1);
    if (page >= stop)
        page = start;
    if (page == in_page(f, 1, CURR))
        return 0;
    rx_header_t h = read_header(f, page);
    size_t len = h.count - 4u;
    remote_read(f, (uint16_t)(page << 8 | 4), data, len);
    out(f, BNRY, h.next == start ? (uint8_t)(stop - 1) : (uint8_t)(h.next - 1));
    return len;
}

/* What Linux's ei_receive does once it has read what it will read: acknowledge PRX. */
static void linux_rx_done(fixture_t *f)
{
    out(f, ISR, ISR_RX);
}

/* ---- Probe and PCI ----------------------------------------------------------------- */

/* Linux's ne2k_pci_init_one, step by step (§14). */
static void test_linux_probe_reads_mac(void **state)
{
    fixture_t *f = *state;
    assert_int_not_equal(in(f, CR), 0xFF);
    out(f, CR, CR_PAGE(1) | CR_NODMA | CR_STOP);
    in(f, 0x0D);                                 /* MAR5 */
    out(f, 0x0D, 0xFF);
    out(f, CR, CR_NODMA);
    in(f, CNTR0);
    assert_int_equal(in(f, CNTR0), 0);
    out(f, RESET, in(f, RESET));
    assert_true(in(f, ISR) & ISR_RESET);
    out(f, ISR, 0xFF);

    out(f, CR, CR_NODMA | CR_STOP);
    out(f, DCR, DCR_WORD);
    out(f, RBCR0, 0);
    out(f, RBCR1, 0);
    out(f, IMR, 0);
    out(f, ISR, 0xFF);
    out(f, RCR, 0x20);
    out(f, TCR, 0x02);
    out(f, RBCR0, 32);
    out(f, RBCR1, 0);
    out(f, RSAR0, 0);
    out(f, RSAR1, 0);
    out(f, CR, CR_RREAD | CR_START);
    uint8_t prom[32];
    for (int i = 0; i < 32; i++)
        prom[i] = in(f, DATA);
    assert_memory_equal(prom, MAC, NET_MAC_LEN);
    assert_int_equal(prom[14], 0x57);            /* PROM bytes 28-31, every other one */
    assert_int_equal(prom[15], 0x57);
    assert_int_equal(prom[16], 0xFF);            /* past the PROM: nothing decodes */
    /* 32 word reads moved 64 bytes: RBCR ran out (RDC) and CRDA shows where it stopped. */
    assert_true(in(f, ISR) & ISR_RDC);
    assert_int_equal(in(f, CRDA0), 64);
    assert_int_equal(in(f, CRDA1), 0);
}

static void test_pci_identity_and_bar(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(pci_config_read(&f->pci, CFG(NIC_SLOT, 0, 0x00)), 0x802910ECu);
    assert_int_equal(pci_config_read(&f->pci, CFG(NIC_SLOT, 0, 0x08)) >> 8, 0x020000u);
    assert_int_equal(pci_config_read(&f->pci, CFG(NIC_SLOT, 0, 0x2C)), 0x11001AF4u);
    assert_int_equal(pci_config_read(&f->pci, CFG(NIC_SLOT, 0, 0x3C)) >> 8 & 0xFF, 1);

    /* Sizing: 0x100 bytes of I/O. */
    pci_config_write(&f->pci, CFG(NIC_SLOT, 0, PCI_BAR0), 0xFFFFFFFFu);
    assert_int_equal(pci_config_read(&f->pci, CFG(NIC_SLOT, 0, PCI_BAR0)), 0xFFFFFF01u);
    pci_config_write(&f->pci, CFG(NIC_SLOT, 0, PCI_BAR0), NIC_PORT);
    assert_int_equal(pci_config_read(&f->pci, CFG(NIC_SLOT, 0, PCI_BAR0)), NIC_PORT | 1);

    /* The core answers at the placed port: the RTL8029 ID, all-ones past offset 0x1F and
     * for wide accesses to the byte registers. */
    assert_int_equal(in(f, 0x0A), 0x50);
    assert_int_equal(in(f, 0x0B), 0x43);
    assert_int_equal(in(f, 0x20), 0xFF);
    assert_int_equal(in(f, 0xFF), 0xFF);
    assert_int_equal(ioport_read(&f->io, NIC_PORT + 0x40, 4), 0xFFFFFFFFu);
    assert_int_equal(ioport_read(&f->io, NIC_PORT + 0x0A, 2), 0xFFFFu);

    /* Moving the BAR moves the registers. */
    pci_config_write(&f->pci, CFG(NIC_SLOT, 0, PCI_BAR0), 0xC200);
    assert_int_equal(ioport_read(&f->io, 0xC20A, 1), 0x50);
    assert_int_equal(ioport_read(&f->io, NIC_PORT + 0x0A, 1), 0xFF);
}

static void test_pci_interrupt_and_reset(void **state)
{
    fixture_t *f = *state;
    linux_open(f);
    transmit(f, TX_PAGE, 60);
    assert_true(line(f));
    assert_true(pci_config_read(&f->pci, CFG(NIC_SLOT, 0, PCI_COMMAND)) & 0x00080000u);

    /* pci_bus_reset resets the core: stopped, ISR = RST, IMR = 0, the line low. */
    pci_bus_reset(&f->pci);
    assert_false(line(f));
    assert_int_equal(f->card.core.cmd, CR_NODMA | CR_STOP);
    assert_int_equal(f->card.core.isr, ISR_RESET);
    assert_int_equal(f->card.core.imr, 0);
    assert_false(f->link.can_receive(f->link.card));
}

/* ---- Registers, interrupts, remote DMA -------------------------------------------- */

static void test_interrupt_mask(void **state)
{
    fixture_t *f = *state;
    linux_open(f);
    out(f, IMR, 0);
    transmit(f, TX_PAGE, 60);
    assert_int_equal(in(f, ISR) & ISR_TX, ISR_TX);
    assert_false(line(f));                       /* masked */
    out(f, IMR, ISR_TX);
    assert_true(line(f));
    out(f, ISR, ISR_RX);                         /* clearing another bit changes nothing */
    assert_true(line(f));
    out(f, ISR, ISR_TX);                         /* write 1 to clear */
    assert_false(line(f));
    assert_int_equal(in(f, ISR) & ISR_TX, 0);

    /* RST never interrupts, and a written 1 does not clear it. */
    out(f, IMR, 0xFF);
    out(f, CR, CR_NODMA | CR_STOP);
    assert_true(in(f, ISR) & ISR_RESET);
    assert_false(line(f));
    out(f, ISR, 0xFF);
    assert_true(in(f, ISR) & ISR_RESET);
    out(f, CR, CR_NODMA | CR_START);             /* starting leaves the reset state */
    assert_int_equal(in(f, ISR) & ISR_RESET, 0);
}

static void test_reset_port(void **state)
{
    fixture_t *f = *state;
    linux_open(f);
    transmit(f, TX_PAGE, 60);
    assert_true(line(f));

    out(f, RESET, 0);                            /* a write does nothing */
    assert_true(line(f));
    assert_int_equal(in(f, CR) & (CR_STOP | CR_START), CR_START);

    in(f, RESET);                                /* a read resets the chip */
    assert_false(line(f));
    assert_false(f->link.can_receive(f->link.card));    /* stopped */
    assert_int_equal(in(f, ISR), ISR_RESET);
    assert_int_equal(in(f, CR) & CR_STOP, CR_STOP);
    assert_int_equal(in_page(f, 2, IMR), 0);
}

static void test_register_pages(void **state)
{
    fixture_t *f = *state;
    linux_open(f);
    out(f, DCR, DCR_BYTE);
    /* Page 2 reads back what page 0 took. */
    assert_int_equal(in_page(f, 2, PSTART), RX_START);
    assert_int_equal(in_page(f, 2, PSTOP), RX_STOP);
    assert_int_equal(in_page(f, 2, TPSR), TX_PAGE);
    assert_int_equal(in_page(f, 2, RCR), RCR_AB);
    assert_int_equal(in_page(f, 2, TCR), 0);
    assert_int_equal(in_page(f, 2, DCR), DCR_BYTE);
    assert_int_equal(in_page(f, 2, IMR), 0x3F);
    /* Page 1: PAR and CURR. */
    for (int i = 0; i < NET_MAC_LEN; i++)
        assert_int_equal(in_page(f, 1, PAR0 + i), MAC[i]);
    assert_int_equal(in_page(f, 1, CURR), RX_START);
    /* Page 3: the RTL8029's configuration, writes ignored. */
    out(f, CR, CR_PAGE(3) | CR_NODMA | CR_START);
    out(f, 0x06, 0x00);
    assert_int_equal(in(f, 0x03), 0x00);
    assert_int_equal(in(f, 0x05), 0x40);
    assert_int_equal(in(f, 0x06), 0x40);
    out(f, CR, CR_NODMA | CR_START);
    /* Page 0: the chip ID, no collisions, counters at zero. */
    assert_int_equal(in(f, 0x0A), 0x50);
    assert_int_equal(in(f, 0x0B), 0x43);
    assert_int_equal(in(f, 0x05), 0);
    assert_int_equal(in(f, CNTR0), 0);
}

static void test_remote_dma(void **state)
{
    fixture_t *f = *state;
    linux_open(f);
    uint8_t data[40], back[40];
    make_frame(data, OTHER, sizeof(data), 3);

    /* Word mode, 32-bit accesses: CRDA advances, RDC when RBCR reaches 0. */
    out(f, ISR, 0xFF);
    remote_write(f, 0x5000, data, sizeof(data));
    assert_true(in(f, ISR) & ISR_RDC);
    assert_int_equal(in(f, CRDA0) | in(f, CRDA1) << 8, 0x5000 + sizeof(data));
    remote_read(f, 0x5000, back, sizeof(back));
    assert_memory_equal(back, data, sizeof(data));

    /* Byte mode: one byte per access, whatever the width. */
    out(f, DCR, DCR_BYTE);
    remote_setup(f, 0x5001, 3, CR_RREAD);
    assert_int_equal(ioport_read(&f->io, NIC_PORT + DATA, 2), data[1]);
    assert_int_equal(in(f, DATA), data[2]);
    assert_int_equal(in(f, CRDA0), 0x03);
    out(f, DCR, DCR_WORD);

    /* A write with RBCR at 0 goes nowhere; a zero-length command completes at once. */
    out(f, ISR, 0xFF);
    remote_setup(f, 0x5000, 0, CR_RWRITE);
    assert_true(in(f, ISR) & ISR_RDC);
    ioport_write(&f->io, NIC_PORT + DATA, 0xEEEE, 2);
    assert_int_equal(f->card.core.mem[0x5000], data[0]);

    /* RSAR wraps from PSTOP to PSTART, even in the middle of a 32-bit access. */
    uint8_t edge[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    remote_write(f, (RX_STOP << 8) - 2, edge, sizeof(edge));
    assert_int_equal(f->card.core.mem[(RX_STOP << 8) - 2], 1);
    assert_int_equal(f->card.core.mem[(RX_STOP << 8) - 1], 2);
    assert_memory_equal(&f->card.core.mem[RX_START << 8], edge + 2, 6);
    assert_int_equal(f->card.core.mem[RX_STOP << 8], 0);

    /* The PROM is read-only; the hole between it and packet RAM reads 0xFF. */
    remote_write(f, 0x0000, edge, 4);
    remote_read(f, 0x0000, back, 4);
    assert_int_equal(back[0], MAC[0]);
    assert_int_equal(back[2], MAC[1]);
    remote_read(f, 0x0100, back, 4);
    assert_int_equal(back[0], 0xFF);
    assert_int_equal(back[3], 0xFF);
}

/* ---- Transmit --------------------------------------------------------------------- */

static void test_transmit(void **state)
{
    fixture_t *f = *state;
    linux_open(f);
    uint8_t frame[NET_FRAME_MAX];
    make_frame(frame, BROADCAST, sizeof(frame), 9);
    remote_write(f, TX_PAGE << 8, frame, sizeof(frame));
    out(f, ISR, 0xFF);
    transmit(f, TX_PAGE, NET_FRAME_MAX);
    assert_int_equal(f->sent_count, 1);
    assert_int_equal(f->sent_len[0], NET_FRAME_MAX);
    assert_memory_equal(f->sent[0], frame, NET_FRAME_MAX);
    assert_int_equal(in(f, ISR), ISR_TX);
    assert_int_equal(in(f, TSR), 0x01);
    assert_int_equal(in(f, CR) & CR_TRANS, 0);   /* Linux waits for TXP to clear */
    assert_true(line(f));

    /* A runt goes out padded with zeros. */
    transmit(f, TX_PAGE, 42);
    assert_int_equal(f->sent_len[1], NET_FRAME_MIN);
    assert_memory_equal(f->sent[1], frame, 42);
    assert_int_equal(f->sent[1][42], 0);
    assert_int_equal(f->sent[1][59], 0);

    /* Past the end of card memory, longer than Ethernet, empty, below packet RAM: not
     * sent, but the transmitter still reports done. */
    out(f, ISR, 0xFF);
    transmit(f, 0xBF, 300);
    transmit(f, TX_PAGE, NET_FRAME_MAX + 1);
    transmit(f, TX_PAGE, 0);
    transmit(f, 0x00, 60);
    transmit(f, 0xFF, 0xFFFF);
    assert_int_equal(f->sent_count, 2);
    assert_int_equal(in(f, ISR), ISR_TX);

    /* Internal loopback keeps frames off the wire; a stopped chip sends nothing. */
    out(f, TCR, 0x02);
    transmit(f, TX_PAGE, 60);
    out(f, TCR, 0x00);
    out(f, CR, CR_NODMA | CR_STOP);
    out(f, ISR, 0xFF);
    out(f, CR, CR_NODMA | CR_STOP | CR_TRANS);
    assert_int_equal(f->sent_count, 2);
    assert_int_equal(in(f, ISR) & ISR_TX, 0);
}

/* The backend answers from inside transmit() (slirp's ARP reply): the card has finished its
 * transmit by then and takes the reply into the ring. */
static void test_transmit_reentrant_receive(void **state)
{
    fixture_t *f = *state;
    linux_open(f);
    uint8_t reply[60];
    make_frame(reply, MAC, sizeof(reply), 1);
    f->echo = reply;
    f->echo_len = sizeof(reply);
    out(f, ISR, 0xFF);
    transmit(f, TX_PAGE, 60);
    assert_int_equal(f->sent_count, 1);
    assert_int_equal(in(f, ISR), ISR_TX | ISR_RX);
    uint8_t data[NET_FRAME_MAX];
    assert_int_equal(linux_receive_one(f, data), 60);
    assert_memory_equal(data, reply, 60);
}

/* ---- Receive ---------------------------------------------------------------------- */

static void test_receive_header_and_data(void **state)
{
    fixture_t *f = *state;
    linux_open(f);
    out(f, ISR, 0xFF);
    uint8_t frame[100];
    make_frame(frame, MAC, sizeof(frame), 5);
    assert_true(deliver(f, frame, sizeof(frame)));

    rx_header_t h = read_header(f, RX_START);
    assert_int_equal(h.status, 0x01);            /* RSR.PRX, physical address */
    assert_int_equal(h.next, RX_START + 1);
    assert_int_equal(h.count, sizeof(frame) + 4);
    assert_int_equal(in_page(f, 1, CURR), RX_START + 1);
    assert_int_equal(in(f, RSR), 0x01);
    assert_true(in(f, ISR) & ISR_RX);
    assert_true(line(f));

    uint8_t data[NET_FRAME_MAX];
    assert_int_equal(linux_receive_one(f, data), sizeof(frame));
    assert_memory_equal(data, frame, sizeof(frame));
    assert_int_equal(in(f, BNRY), RX_START);
    assert_int_equal(linux_receive_one(f, data), 0);      /* empty again */
    linux_rx_done(f);

    /* A 252-byte frame needs a second page for the FCS room: next is two pages on. */
    uint8_t frame2[252];
    make_frame(frame2, MAC, sizeof(frame2), 6);
    assert_true(deliver(f, frame2, sizeof(frame2)));
    assert_int_equal(read_header(f, RX_START + 1).next, RX_START + 3);
}

static void test_receive_wraps_at_pstop(void **state)
{
    fixture_t *f = *state;
    linux_open(f);
    set_ring(f, 0x40, 0x48, 0x46, 0x45);
    uint8_t frame[1000], data[NET_FRAME_MAX];
    make_frame(frame, MAC, sizeof(frame), 11);
    assert_true(deliver(f, frame, sizeof(frame)));
    /* 4 + 1000 + 4 bytes: pages 0x46, 0x47, 0x40, 0x41. */
    rx_header_t h = read_header(f, 0x46);
    assert_int_equal(h.next, 0x42);
    assert_int_equal(h.count, 1004);
    assert_int_equal(in_page(f, 1, CURR), 0x42);
    const uint8_t *mem = f->card.core.mem;
    assert_memory_equal(&mem[0x4604], frame, 0x200 - 4);
    assert_memory_equal(&mem[0x4000], frame + 0x200 - 4, sizeof(frame) - (0x200 - 4));
    assert_int_equal(mem[0x4800], 0);            /* nothing past PSTOP */
    /* The driver reads it back in one remote DMA that wraps the same way. */
    assert_int_equal(linux_receive_one(f, data), sizeof(frame));
    assert_memory_equal(data, frame, sizeof(frame));
    assert_int_equal(in(f, BNRY), 0x41);
}

static void test_ring_full_then_receive_ready(void **state)
{
    fixture_t *f = *state;
    linux_open(f);
    set_ring(f, 0x40, 0x50, 0x40, 0x4F);         /* 16 pages, 15 usable */
    unsigned ready = f->receive_ready_calls;
    uint8_t frame[NET_FRAME_MAX], data[NET_FRAME_MAX];
    make_frame(frame, MAC, sizeof(frame), 2);
    assert_true(deliver(f, frame, sizeof(frame)));          /* 6 pages each */
    assert_true(deliver(f, frame, sizeof(frame)));
    assert_int_equal(in_page(f, 1, CURR), 0x4C);
    assert_false(deliver(f, frame, sizeof(frame)));         /* 3 pages left: not enough */
    assert_int_equal(f->receive_ready_calls, ready);

    /* Moving BNRY without making room says nothing; making room calls receive_ready. */
    out(f, BNRY, 0x4F);
    assert_int_equal(f->receive_ready_calls, ready);
    assert_int_equal(linux_receive_one(f, data), sizeof(frame));
    assert_int_equal(in(f, BNRY), 0x45);
    assert_int_equal(f->receive_ready_calls, ready);        /* it has looked at CURR ... */
    linux_rx_done(f);
    assert_int_equal(f->receive_ready_calls, ready + 1);    /* ... until it acknowledges */
    assert_true(deliver(f, frame, sizeof(frame)));
    assert_int_equal(in_page(f, 1, CURR), 0x42);            /* wrapped */
    assert_false(f->link.can_receive(f->link.card));

    /* Full, but the guest has acknowledged PRX with frames unread: nothing would wake it,
     * so the card takes the next frame, overflows and interrupts (as a wire would). */
    out(f, ISR, ISR_RX);
    assert_int_equal(f->receive_ready_calls, ready + 2);
    assert_true(deliver(f, frame, sizeof(frame)));
    assert_int_equal(in_page(f, 1, CURR), 0x42);            /* not stored */
    assert_true(in(f, ISR) & ISR_OVER);
    assert_true(line(f));
    out(f, ISR, ISR_OVER);

    /* Stopping makes the card refuse; starting again (room permitting) calls receive_ready. */
    assert_int_equal(linux_receive_one(f, data), sizeof(frame));
    assert_int_equal(linux_receive_one(f, data), sizeof(frame));
    ready = f->receive_ready_calls;
    out(f, CR, CR_NODMA | CR_STOP);
    assert_false(f->link.can_receive(f->link.card));
    out(f, CR, CR_NODMA | CR_START);
    assert_int_equal(f->receive_ready_calls, ready + 1);
    assert_true(f->link.can_receive(f->link.card));
    /* While the card can take frames, register writes do not bother the backend. */
    out(f, BNRY, 0x41);
    out(f, IMR, 0x3F);
    assert_int_equal(f->receive_ready_calls, ready + 1);
}

/* Linux writes BNRY = next frame - 1, so PSTART - 1 once it has read the frame before the
 * wrap: the ring is then empty, not full (a Linux wget stalled on exactly this). */
static void test_bnry_before_pstart_is_the_last_page(void **state)
{
    fixture_t *f = *state;
    linux_open(f);
    set_ring(f, 0x4C, 0x80, 0x4C, 0x4B);
    assert_true(f->link.can_receive(f->link.card));
    uint8_t frame[NET_FRAME_MAX], data[NET_FRAME_MAX];
    make_frame(frame, MAC, sizeof(frame), 5);
    for (int i = 0; i < 8; i++)                  /* 52 pages: 8 frames of 6 pages, 51 usable */
        assert_true(deliver(f, frame, sizeof(frame)));
    assert_int_equal(in_page(f, 1, CURR), 0x7C);
    assert_false(f->link.can_receive(f->link.card));
    assert_int_equal(linux_receive_one(f, data), sizeof(frame));
    assert_int_equal(in(f, BNRY), 0x51);
}

/* A batch of frames is open until the driver, with PRX pending, reads CURR; from then the
 * backend holds frames until it acknowledges PRX, so none arrive unseen in between. */
static void test_batch_closes_when_curr_is_read(void **state)
{
    fixture_t *f = *state;
    linux_open(f);
    uint8_t frame[NET_FRAME_MAX];
    make_frame(frame, MAC, 100, 7);
    assert_true(deliver(f, frame, 100));
    assert_true(deliver(f, frame, 100));                    /* PRX pending, batch open */
    in(f, ISR);
    assert_true(f->link.can_receive(f->link.card));         /* reading ISR closes nothing */
    in_page(f, 1, CURR);
    assert_false(f->link.can_receive(f->link.card));        /* the driver saw the ring */
    out(f, ISR, ISR_TX);
    assert_false(f->link.can_receive(f->link.card));        /* other bits: still closed */
    unsigned ready = f->receive_ready_calls;
    linux_rx_done(f);
    assert_int_equal(f->receive_ready_calls, ready + 1);
    assert_true(f->link.can_receive(f->link.card));
    in_page(f, 1, CURR);                                    /* no PRX: closes nothing */
    assert_true(f->link.can_receive(f->link.card));
}

static void test_overflow_when_offered_full(void **state)
{
    fixture_t *f = *state;
    linux_open(f);
    set_ring(f, 0x40, 0x48, 0x40, 0x47);         /* 8 pages, 7 usable */
    uint8_t frame[NET_FRAME_MAX], data[NET_FRAME_MAX];
    make_frame(frame, MAC, sizeof(frame), 4);
    assert_true(deliver(f, frame, sizeof(frame)));          /* 6 pages: one left */
    assert_false(f->link.can_receive(f->link.card));
    out(f, ISR, 0xFF);

    /* The backend offers anyway: the chip misses it. */
    f->link.receive(f->link.card, frame, sizeof(frame));
    assert_int_equal(in_page(f, 1, CURR), 0x46);
    assert_int_equal(in(f, ISR), ISR_OVER);
    assert_true(line(f));
    assert_int_equal(in(f, RSR) & 0x10, 0x10);              /* RSR.MPA */
    assert_int_equal(in(f, CNTR2), 1);
    assert_int_equal(in(f, CNTR2), 0);                      /* tally counters clear on read */

    /* A frame that fits the last page still goes in; then CURR == BNRY: full. */
    f->link.receive(f->link.card, frame, NET_FRAME_MIN);
    assert_int_equal(in_page(f, 1, CURR), 0x47);
    f->link.receive(f->link.card, frame, NET_FRAME_MIN);
    assert_int_equal(in_page(f, 1, CURR), 0x47);
    assert_int_equal(in(f, CNTR2), 1);
    out(f, ISR, 0xFF);

    /* The missed-packet counter sets ISR.CNT at 128 and stops at 192. */
    for (int i = 0; i < 127; i++)                /* the counter was just read: 0 */
        f->link.receive(f->link.card, frame, NET_FRAME_MIN);
    assert_int_equal(in(f, ISR) & 0x20, 0);
    f->link.receive(f->link.card, frame, NET_FRAME_MIN);
    assert_true(in(f, ISR) & 0x20);
    for (int i = 0; i < 100; i++)
        f->link.receive(f->link.card, frame, NET_FRAME_MIN);
    assert_int_equal(in(f, CNTR2), 192);

    /* The driver drains the ring (Linux's ei_rx_overrun) and nothing was overwritten. */
    assert_int_equal(linux_receive_one(f, data), sizeof(frame));
    assert_memory_equal(data, frame, sizeof(frame));
    assert_int_equal(linux_receive_one(f, data), NET_FRAME_MIN);
    assert_int_equal(linux_receive_one(f, data), 0);
}

static void test_runt_padded(void **state)
{
    fixture_t *f = *state;
    linux_open(f);
    uint8_t frame[20], data[NET_FRAME_MAX];
    make_frame(frame, MAC, sizeof(frame), 8);
    assert_true(deliver(f, frame, sizeof(frame)));
    assert_int_equal(read_header(f, RX_START).count, NET_FRAME_MIN + 4);
    assert_int_equal(linux_receive_one(f, data), NET_FRAME_MIN);
    assert_memory_equal(data, frame, sizeof(frame));
    for (size_t i = sizeof(frame); i < NET_FRAME_MIN; i++)
        assert_int_equal(data[i], 0);
}

static void test_oversize_dropped(void **state)
{
    fixture_t *f = *state;
    linux_open(f);
    out(f, ISR, 0xFF);
    uint8_t frame[NET_FRAME_MAX + 100];
    make_frame(frame, MAC, sizeof(frame), 7);
    assert_true(deliver(f, frame, NET_FRAME_MAX + 1));
    assert_true(deliver(f, frame, sizeof(frame)));
    assert_int_equal(f->card.core.rx_oversize, 2);
    assert_int_equal(in_page(f, 1, CURR), RX_START);
    assert_int_equal(in(f, ISR), 0);
    assert_true(deliver(f, frame, NET_FRAME_MAX));
    assert_int_equal(read_header(f, RX_START).count, NET_FRAME_MAX + 4);
}

/* Linux's make_mc_bits: ether_crc(), i.e. the bit-reversed little-endian CRC-32 without
 * the final inversion, top 6 bits. Computed here the other way round from the card. */
static unsigned linux_mc_index(const uint8_t *addr)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (int i = 0; i < NET_MAC_LEN; i++) {
        crc ^= addr[i];
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ ((crc & 1) ? 0xEDB88320u : 0);
    }
    uint32_t reversed = 0;
    for (int bit = 0; bit < 32; bit++)
        reversed |= ((crc >> bit) & 1u) << (31 - bit);
    return reversed >> 26;
}

/* Whether a frame to `dst` lands in the ring. */
static bool accepted(fixture_t *f, const uint8_t dst[NET_MAC_LEN])
{
    uint8_t frame[64], data[NET_FRAME_MAX];
    make_frame(frame, dst, sizeof(frame), 0);
    assert_true(deliver(f, frame, sizeof(frame)));
    bool stored = linux_receive_one(f, data) == sizeof(frame);
    linux_rx_done(f);
    return stored;
}

static void test_address_filter(void **state)
{
    fixture_t *f = *state;
    linux_open(f);
    const uint8_t group[NET_MAC_LEN] = { 0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB };   /* mDNS */
    const uint8_t group2[NET_MAC_LEN] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
    unsigned index = linux_mc_index(group);
    assert_int_not_equal(linux_mc_index(group2), index);

    assert_true(accepted(f, MAC));
    assert_false(accepted(f, OTHER));
    assert_true(accepted(f, BROADCAST));
    assert_int_equal(in(f, RSR), 0x21);                     /* PRX | PHY */
    out(f, RCR, 0);
    assert_false(accepted(f, BROADCAST));

    /* Multicast: AM and the hash bit both needed. */
    out_page1(f, MAR0 + (index >> 3), (uint8_t)(1u << (index & 7)));
    assert_false(accepted(f, group));
    out(f, RCR, RCR_AM);
    assert_true(accepted(f, group));
    assert_int_equal(in(f, RSR), 0x21);
    assert_false(accepted(f, group2));

    /* Promiscuous takes everything. */
    out(f, RCR, RCR_PRO);
    assert_true(accepted(f, OTHER));
    assert_true(accepted(f, group2));
    assert_true(accepted(f, BROADCAST));
}

/* ---- Robustness ------------------------------------------------------------------- */

static uint32_t rng_state;

static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

static void check_invariants(fixture_t *f, bool full)
{
    const ne2000_t *ne = &f->card.core;
    assert_int_equal(f->card.fn.irq_level, (ne->isr & ne->imr & 0x7F) != 0);
    for (int i = 0; i < NET_MAC_LEN; i++) {
        assert_int_equal(ne->mem[2 * i], MAC[i]);
        assert_int_equal(ne->mem[2 * i + 1], MAC[i]);
    }
    if (full) {
        /* Nothing but the PROM and packet RAM was ever written. */
        for (uint32_t a = 0x20; a < 0x4000; a++)
            assert_int_equal(ne->mem[a], 0);
    }
}

static void random_op(fixture_t *f, uint8_t *frame)
{
    ne2000_t *ne = &f->card.core;
    uint32_t r = rng();
    switch (r % 10) {
    case 0: case 1: case 2:                      /* any register, any page */
        out(f, rng() % 16, (uint8_t)rng());
        break;
    case 3:
        in(f, rng() % 32);
        break;
    case 4: {                                    /* data port, any width */
        unsigned size = 1u << (rng() % 3);
        if (rng() & 1)
            ioport_write(&f->io, NIC_PORT + DATA, rng(), size);
        else
            ioport_read(&f->io, NIC_PORT + DATA, size);
        break;
    }
    case 5:                                      /* a plausible or an absurd ring */
        if (r & 0x100) {
            uint8_t start = (uint8_t)(0x40 + rng() % 0x70);
            uint8_t stop = (uint8_t)(start + 1 + rng() % (0xC0 - start));
            set_ring(f, start, stop, (uint8_t)(start + rng() % (stop - start)),
                     (uint8_t)(start + rng() % (stop - start)));
        } else {
            set_ring(f, (uint8_t)rng(), (uint8_t)rng(), (uint8_t)rng(), (uint8_t)rng());
        }
        out(f, TCR, 0);
        out(f, RCR, (uint8_t)(rng() & 0x1C));
        break;
    case 6: case 7: case 8: {                    /* a frame, offered whether or not */
        size_t len = rng() % (NET_FRAME_MAX + 64);
        const uint8_t *dst = (r & 0x100) ? MAC : (r & 0x200) ? BROADCAST : frame + 100;
        memcpy(frame, dst, NET_MAC_LEN);
        ne->rsr = 0;
        f->link.receive(f->link.card, frame, len);
        if (ne->rsr & 0x01) {                    /* stored: CURR moved within the ring */
            assert_true(ne->pstart < ne->pstop);
            assert_true(ne->curr >= ne->pstart && ne->curr < ne->pstop);
            assert_true(len <= NET_FRAME_MAX);
        }
        break;
    }
    default:
        if (r % 97 == 0) {
            in(f, RESET);
        } else if (r & 0x100) {                  /* the driver frees the ring */
            out(f, CR, CR_NODMA | CR_START);
            out(f, BNRY, (uint8_t)(ne->curr == ne->pstart ? ne->pstop - 1 : ne->curr - 1));
        } else {
            out(f, CR, (uint8_t)rng());          /* page, DMA command, TXP, stop/start */
        }
        break;
    }
}

static void test_random_robustness(void **state)
{
    fixture_t *f = *state;
    rng_state = 0x8029u;
    uint8_t frame[NET_FRAME_MAX + 64];
    for (size_t i = 0; i < sizeof(frame); i++)
        frame[i] = (uint8_t)rng();
    f->echo = frame;                             /* re-entrant deliveries too */
    f->echo_len = 64;
    linux_open(f);
    for (int i = 0; i < 40000; i++) {
        random_op(f, frame);
        check_invariants(f, i % 1000 == 0);
    }
    check_invariants(f, true);
    /* Still a working card afterwards. */
    in(f, RESET);
    linux_open(f);
    uint8_t data[NET_FRAME_MAX];
    make_frame(frame, MAC, 200, 1);
    assert_true(deliver(f, frame, 200));
    assert_int_equal(linux_receive_one(f, data), 200);
    assert_memory_equal(data, frame, 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_linux_probe_reads_mac, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pci_identity_and_bar, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pci_interrupt_and_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interrupt_mask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remote_dma, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transmit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transmit_reentrant_receive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_receive_header_and_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_receive_wraps_at_pstop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ring_full_then_receive_ready, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bnry_before_pstart_is_the_last_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_closes_when_curr_is_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overflow_when_offered_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_runt_padded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversize_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_address_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_robustness, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
