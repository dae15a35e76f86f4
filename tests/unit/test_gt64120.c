/* The GT-64120 (src/devices/gt64120.c), the I/O port space (src/devices/ioport.c) and the
 * movable bus regions they rely on (src/mmu/bus.c), driven through physical bus accesses as
 * the CPU makes them.
 *
 * Expected behaviour is QEMU's hw/pci-host/gt64120.c (7.2, the QEMU the system tests compare
 * with) and shared/reference/malta.md §4. The fixture maps what the Malta board maps around
 * the GT: an "empty" catch-all over the low 512 MiB that reads 0, mapped last. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cpu/cpu.h"
#include "devices/gt64120.h"
#include "devices/ioport.h"
#include "devices/malta.h"
#include "devices/vclock.h"
#include "mips_encode.h"
#include "mmu/bus.h"

#define GT_RESET_BASE 0x14000000u
#define GT_BASE       0x1BE00000u
#define LOW_WINDOW    0x20000000u
#define EMPTY_MARK    0x0u          /* what the catch-all reads */

/* A byte-wide device on ports FAKE_PORT..+7 that remembers its registers. */
#define FAKE_PORT     0x3F8u

typedef struct fake_isa {
    uint8_t regs[8];
    unsigned accesses;
    unsigned last_size;
} fake_isa_t;

static uint32_t fake_isa_read(void *dev, uint32_t offset, unsigned size)
{
    fake_isa_t *d = dev;
    d->accesses++;
    d->last_size = size;
    return d->regs[offset];
}

static void fake_isa_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    fake_isa_t *d = dev;
    d->accesses++;
    d->last_size = size;
    d->regs[offset] = (uint8_t)value;
}

static const device_ops_t fake_isa_ops = { .read = fake_isa_read, .write = fake_isa_write };

static uint32_t empty_read(void *dev, uint32_t offset, unsigned size)
{
    (void)dev; (void)offset; (void)size;
    return EMPTY_MARK;
}

static void empty_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)dev; (void)offset; (void)value; (void)size;
}

static const device_ops_t empty_ops = { .read = empty_read, .write = empty_write };

typedef struct fixture {
    bus_t bus;
    ioport_space_t io;
    gt64120_t gt;
    fake_isa_t isa;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    bus_init(&f->bus);
    ioport_init(&f->io);
    gt64120_init(&f->gt, &f->bus, &f->io);
    ioport_map(&f->io, "fake", FAKE_PORT, 8, 1, &f->isa, &fake_isa_ops);
    bus_map_device(&f->bus, "empty", 0, LOW_WINDOW, NULL, &empty_ops);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    bus_destroy(&f->bus);
    free(f);
    return 0;
}

static uint32_t rd(fixture_t *f, uint32_t paddr, unsigned size)
{
    uint32_t v = 0xDEADBEEFu;
    assert_true(bus_read(&f->bus, paddr, size, &v));
    return v;
}

static void wr(fixture_t *f, uint32_t paddr, uint32_t value, unsigned size)
{
    assert_true(bus_write(&f->bus, paddr, value, size));
}

static const char *region_at(fixture_t *f, uint32_t paddr)
{
    const bus_region_t *r = bus_find(&f->bus, paddr);
    return r ? r->name : "(nothing)";
}

/* U-Boot's lowlevel_init and QEMU's boot code: registers to 0x1BE00000, then the windows. */
static void program_like_firmware(fixture_t *f)
{
    wr(f, GT_RESET_BASE + GT_ISD, 0xDF, 4);
    wr(f, GT_BASE + GT_PCI0IOLD, 0xC0, 4);
    wr(f, GT_BASE + GT_PCI0IOHD, 0x40, 4);
    wr(f, GT_BASE + GT_PCI0M0LD, 0x80, 4);
    wr(f, GT_BASE + GT_PCI0M0HD, 0x3F, 4);
    wr(f, GT_BASE + GT_PCI0M1LD, 0xC1, 4);
    wr(f, GT_BASE + GT_PCI0M1HD, 0x5E, 4);
}

static uint32_t cfg_read(fixture_t *f, uint32_t addr)
{
    wr(f, GT_BASE + GT_PCI0_CFGADDR, addr, 4);
    return rd(f, GT_BASE + GT_PCI0_CFGDATA, 4);
}

static void cfg_write(fixture_t *f, uint32_t addr, uint32_t value)
{
    wr(f, GT_BASE + GT_PCI0_CFGADDR, addr, 4);
    wr(f, GT_BASE + GT_PCI0_CFGDATA, value, 4);
}

#define CFG(bus, dev, fn, reg) \
    (0x80000000u | (bus) << 16 | (dev) << 11 | (fn) << 8 | (reg))

/* ---- Registers ------------------------------------------------------------------------- */

static void test_reset_values(void **state)
{
    fixture_t *f = *state;
    uint32_t b = GT_RESET_BASE;
    assert_int_equal(rd(f, b + GT_CPU, 4), 0x00001000);   /* little-endian CPU */
    assert_int_equal(rd(f, b + GT_ISD, 4), 0xA0);
    assert_int_equal(rd(f, b + GT_PCI0IOLD, 4), 0x80);
    assert_int_equal(rd(f, b + GT_PCI0IOHD, 4), 0x0F);
    assert_int_equal(rd(f, b + GT_PCI0M0LD, 4), 0x90);
    assert_int_equal(rd(f, b + GT_PCI0M0HD, 4), 0x1F);
    assert_int_equal(rd(f, b + GT_PCI0M1LD, 4), 0x790);
    assert_int_equal(rd(f, b + GT_PCI0M1HD, 4), 0x1F);
    assert_int_equal(rd(f, b + GT_PCI0IOREMAP, 4), 0x80);
    assert_int_equal(rd(f, b + GT_PCI0M0REMAP, 4), 0x90);
    assert_int_equal(rd(f, b + GT_PCI0M1REMAP, 4), 0x790);
    assert_int_equal(rd(f, b + GT_PCI0_CMD, 4), 0x00010001);
    assert_int_equal(rd(f, b + GT_MULTI, 4), 3);
    assert_int_equal(rd(f, b + GT_INTRCAUSE, 4), 0);
    assert_int_equal(rd(f, b + 0x0C0, 4), 0xC000FFEEu);    /* PCI0SYNC */
    /* Reset windows: I/O 0x10000000, MEM0 0x12000000, MEM1 0xF2000000, 32 MiB each. */
    assert_int_equal(f->gt.io_window->base, 0x10000000u);
    assert_int_equal(f->gt.io_window->size, 32u << 20);
    assert_int_equal(f->gt.mem0_window->base, 0x12000000u);
    assert_int_equal(f->gt.mem1_window->base, 0xF2000000u);
    assert_int_equal(f->gt.mem1_window->size, 32u << 20);
}

static void test_isd_relocation(void **state)
{
    fixture_t *f = *state;
    wr(f, GT_RESET_BASE + GT_ISD, 0xDF, 4);
    assert_int_equal(rd(f, GT_BASE + GT_ISD, 4), 0xDF);
    assert_string_equal(region_at(f, GT_BASE), "gt64120");
    assert_string_equal(region_at(f, GT_BASE + 0xFFF), "gt64120");
    /* The old place is nothing now: the low window reads 0. */
    assert_string_equal(region_at(f, GT_RESET_BASE + GT_ISD), "empty");
    assert_int_equal(rd(f, GT_RESET_BASE + GT_ISD, 4), EMPTY_MARK);

    /* QEMU keeps the block off the boot flash and FPGA, and off the boot ROM window. */
    wr(f, GT_BASE + GT_ISD, 0xF0, 4);                      /* 0x1E000000 */
    assert_int_equal(rd(f, 0x1F100000u + GT_ISD, 4), 0xF0);
    wr(f, 0x1F100000u + GT_ISD, 0xFE, 4);                  /* 0x1FC00000 */
    assert_int_equal(rd(f, 0x1FD00000u + GT_ISD, 4), 0xFE);

    /* Address bits 35:32 set: out of the CPU's reach. */
    wr(f, 0x1FD00000u + GT_ISD, 0x08DF, 4);
    assert_string_equal(region_at(f, GT_BASE), "empty");
    assert_string_equal(region_at(f, 0x1FD00000u), "empty");

    gt64120_reset(&f->gt);
    assert_int_equal(rd(f, GT_RESET_BASE + GT_ISD, 4), 0xA0);
}

/* The block is 32-bit: narrower accesses reach the whole register, value unshifted. */
static void test_narrow_register_access(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(rd(f, GT_RESET_BASE + GT_ISD + 1, 1), 0xA0);
    assert_int_equal(rd(f, GT_RESET_BASE + GT_ISD + 2, 2), 0xA0);
    /* The CPU hands a byte store the whole source register (here sign-extended). */
    wr(f, GT_RESET_BASE + GT_ISD + 1, 0xFFFFFFDFu, 1);
    assert_int_equal(rd(f, GT_BASE + GT_ISD, 4), 0xDF);
}

static void test_write_semantics(void **state)
{
    fixture_t *f = *state;
    uint32_t b = GT_RESET_BASE;
    wr(f, b + 0x300, 0x12345678, 4);                       /* no such register */
    assert_int_equal(rd(f, b + 0x300, 4), 0);
    wr(f, b + 0x850, 0x12345678, 4);                       /* TC0: not implemented */
    assert_int_equal(rd(f, b + 0x850, 4), 0xFFFFFFFFu);
    wr(f, b + GT_MULTI, 0, 4);                             /* read-only */
    assert_int_equal(rd(f, b + GT_MULTI, 4), 3);
    wr(f, b + 0x44C, 0xA, 4);                              /* SDRAM_B0: kept */
    assert_int_equal(rd(f, b + 0x44C, 4), 0xA);
    wr(f, b + GT_PCI0_CMD, 0xFFFFFFFFu, 4);
    assert_int_equal(rd(f, b + GT_PCI0_CMD, 4), 0x0401FC0Fu);
}

static void test_cpu_endianness_bit(void **state)
{
    fixture_t *f = *state;
    uint32_t b = GT_RESET_BASE;
    wr(f, b + GT_CPU, 0, 4);
    assert_int_equal(rd(f, b + GT_ISD, 4), 0xA0000000u);
    wr(f, b + GT_CPU, 0x00100000u, 4);                     /* swapped on the way in */
    assert_int_equal(rd(f, b + GT_CPU, 4), 0x00001000u);
    assert_int_equal(rd(f, b + GT_ISD, 4), 0xA0);
}

static void test_intrcause(void **state)
{
    fixture_t *f = *state;
    uint32_t a = GT_RESET_BASE + GT_INTRCAUSE;
    /* Writing ones sets nothing. */
    wr(f, a, 0xFFFFFFFFu, 4);
    assert_int_equal(rd(f, a, 4), 0);
    /* Nothing in QEMU raises a cause; plant two (master and target abort) to see a write
     * of 0 clear only its bit, with bit 0 summing up the rest. */
    f->gt.regs[GT_INTRCAUSE >> 2] = (1u << 18) | (1u << 19) | 1u;
    wr(f, a, ~(1u << 18), 4);
    assert_int_equal(rd(f, a, 4), (1u << 19) | 1u);
    wr(f, a, ~(1u << 19), 4);
    assert_int_equal(rd(f, a, 4), 0);
}

static void test_iack(void **state)
{
    fixture_t *f = *state;
    /* No interrupt controller attached (the board attaches the i8259 pair, see
     * test_i8259.c): the answer of QEMU's PIC with nothing pending, spurious IRQ 7. */
    assert_int_equal(rd(f, GT_RESET_BASE + GT_PCI0_IACK, 4), 7);
}

/* ---- Windows --------------------------------------------------------------------------- */

static void test_ld_hd_decode_and_remap(void **state)
{
    fixture_t *f = *state;
    wr(f, GT_RESET_BASE + GT_ISD, 0xDF, 4);
    /* LD alone makes no window with the old HD: the old window stays; REMAP follows LD. */
    wr(f, GT_BASE + GT_PCI0IOLD, 0xC0, 4);
    assert_int_equal(rd(f, GT_BASE + GT_PCI0IOREMAP, 4), 0xC0);
    assert_int_equal(f->gt.io_window->base, 0x10000000u);
    assert_int_equal(f->gt.io_window->size, 32u << 20);
    wr(f, GT_BASE + GT_PCI0IOHD, 0x40, 4);
    assert_int_equal(f->gt.io_window->base, 0x18000000u);
    assert_int_equal(f->gt.io_window->size, 2u << 20);

    /* [LD << 21, ((LD & ~0x7F) | HD) << 21 | 0x1FFFFF] */
    wr(f, GT_BASE + GT_PCI0M0LD, 0x81, 4);
    wr(f, GT_BASE + GT_PCI0M0HD, 0x03, 4);
    assert_int_equal(f->gt.mem0_window->base, 0x10200000u);
    assert_int_equal(f->gt.mem0_window->base + f->gt.mem0_window->size - 1, 0x107FFFFFu);

    /* Masks: LD 15 bits (REMAP 11), HD 7 bits; REMAP is writable on its own. */
    wr(f, GT_BASE + GT_PCI0M1LD, 0xFFFFFFFFu, 4);
    assert_int_equal(rd(f, GT_BASE + GT_PCI0M1LD, 4), 0x7FFF);
    assert_int_equal(rd(f, GT_BASE + GT_PCI0M1REMAP, 4), 0x7FF);
    assert_int_equal(f->gt.mem1_window->base, 0xF2000000u);   /* 0x7F > HD 0x1F: stays */
    wr(f, GT_BASE + GT_PCI0M1HD, 0xFFFFFFFFu, 4);
    assert_int_equal(rd(f, GT_BASE + GT_PCI0M1HD, 4), 0x7F);
    /* LD bits 14:11 (address bits 35:32) are lost, as in QEMU's 32-bit arithmetic. */
    assert_int_equal(f->gt.mem1_window->base, 0xFFE00000u);
    assert_int_equal(f->gt.mem1_window->size, 2u << 20);
    wr(f, GT_BASE + GT_PCI0M1REMAP, 0x12345, 4);
    assert_int_equal(rd(f, GT_BASE + GT_PCI0M1REMAP, 4), 0x345);
    wr(f, GT_BASE + GT_PCI0IOREMAP, 0, 4);                 /* Linux's prom_init */
    assert_int_equal(rd(f, GT_BASE + GT_PCI0IOREMAP, 4), 0);
    assert_int_equal(rd(f, GT_BASE + GT_PCI0IOLD, 4), 0xC0);
}

static void test_io_window_moves(void **state)
{
    fixture_t *f = *state;
    /* Port N at window base + N, the window at its reset place first. */
    f->isa.regs[7] = 0x5A;
    assert_int_equal(rd(f, 0x10000000u + FAKE_PORT + 7, 1), 0x5A);
    program_like_firmware(f);
    assert_int_equal(rd(f, 0x18000000u + FAKE_PORT + 7, 1), 0x5A);
    wr(f, 0x18000000u + FAKE_PORT + 1, 0x33, 1);
    assert_int_equal(f->isa.regs[1], 0x33);
    /* The old place is now inside MEM0 with nothing behind it: the low window's 0. */
    assert_int_equal(rd(f, 0x10000000u + FAKE_PORT + 7, 1), EMPTY_MARK);
    /* The window is 2 MiB; ports stop at 0xFFFF, past that the access falls through. */
    assert_int_equal(rd(f, 0x18000000u + 0xFFFF, 1), 0xFF);
    assert_string_equal(region_at(f, 0x18000000u + 0x10000), "empty");
    assert_int_equal(rd(f, 0x18000000u + 0x10000, 4), EMPTY_MARK);
    /* After reset, back to 0x10000000. */
    gt64120_reset(&f->gt);
    assert_int_equal(rd(f, 0x10000000u + FAKE_PORT + 1, 1), 0x33);
    assert_string_equal(region_at(f, 0x18000000u + FAKE_PORT), "empty");
}

/* A PCI memory BAR behind the GT, as the later pci.c will provide. */
#define BAR_BASE 0x10100000u
#define BAR_SIZE 0x100u

typedef struct fake_pci {
    uint32_t mem[BAR_SIZE / 4];
    uint32_t last_cfg_addr, last_cfg_value;
    unsigned cfg_writes;
} fake_pci_t;

static fake_pci_t fake_pci;

static uint32_t fake_config_read(void *opaque, uint32_t addr)
{
    fake_pci_t *p = opaque;
    p->last_cfg_addr = addr;
    return addr == 0x00005000u ? 0x71108086u : 0xFFFFFFFFu;   /* 0A.0: a PIIX4 */
}

static void fake_config_write(void *opaque, uint32_t addr, uint32_t value)
{
    fake_pci_t *p = opaque;
    p->last_cfg_addr = addr;
    p->last_cfg_value = value;
    p->cfg_writes++;
}

static bool fake_mem_decodes(void *opaque, uint32_t addr)
{
    (void)opaque;
    return addr - BAR_BASE < BAR_SIZE;
}

static uint32_t fake_mem_read(void *opaque, uint32_t addr, unsigned size)
{
    fake_pci_t *p = opaque;
    (void)size;
    return p->mem[(addr - BAR_BASE) / 4];
}

static void fake_mem_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    fake_pci_t *p = opaque;
    (void)size;
    p->mem[(addr - BAR_BASE) / 4] = value;
}

static const gt64120_pci_ops_t fake_pci_ops = {
    .config_read = fake_config_read, .config_write = fake_config_write,
    .mem_decodes = fake_mem_decodes, .mem_read = fake_mem_read, .mem_write = fake_mem_write,
};

static void test_mem_windows(void **state)
{
    fixture_t *f = *state;
    memset(&fake_pci, 0, sizeof(fake_pci));
    gt64120_set_pci(&f->gt, &fake_pci_ops, &fake_pci);
    /* At reset MEM0 is 0x12000000-0x13FFFFFF: the BAR at 0x10100000 is out of sight (in
     * the I/O window, past its 64 KiB of ports). */
    assert_string_equal(region_at(f, BAR_BASE), "empty");
    program_like_firmware(f);
    /* MEM0 0x10000000-0x17FFFFFF, PCI address = CPU physical address. */
    assert_string_equal(region_at(f, BAR_BASE), "gt64120-pci0-mem0");
    wr(f, BAR_BASE + 8, 0xCAFEF00Du, 4);
    assert_int_equal(fake_pci.mem[2], 0xCAFEF00Du);
    assert_int_equal(rd(f, BAR_BASE + 8, 4), 0xCAFEF00Du);
    /* Past the BAR the window has nothing behind it: the access falls through. */
    assert_string_equal(region_at(f, BAR_BASE + BAR_SIZE), "empty");
    assert_int_equal(rd(f, BAR_BASE + BAR_SIZE, 4), EMPTY_MARK);
    /* Moving MEM0 away hides the BAR. */
    wr(f, GT_BASE + GT_PCI0M0LD, 0x90, 4);
    assert_string_equal(region_at(f, BAR_BASE), "empty");
    /* Above the low 512 MiB (MEM1 at reset), a window with nothing behind is a bus error. */
    uint32_t v;
    gt64120_reset(&f->gt);
    assert_string_equal(f->gt.mem1_window->name, "gt64120-pci0-mem1");
    assert_int_equal(f->gt.mem1_window->base, 0xF2000000u);
    assert_null(bus_find(&f->bus, 0xF2000000u));
    assert_false(bus_read(&f->bus, 0xF2000000u, 4, &v));
}

/* ---- PCI configuration ----------------------------------------------------------------- */

static void test_config_host_bridge(void **state)
{
    fixture_t *f = *state;
    program_like_firmware(f);
    assert_int_equal(cfg_read(f, CFG(0, 0, 0, 0x00)), 0x462011ABu);
    assert_int_equal(cfg_read(f, CFG(0, 0, 0, 0x04)), 0x02800000u);
    assert_int_equal(cfg_read(f, CFG(0, 0, 0, 0x08)), 0x06000010u);   /* class, rev 0x10 */
    assert_int_equal(cfg_read(f, CFG(0, 0, 0, 0x20)), 0x14000000u);
    assert_int_equal(cfg_read(f, CFG(0, 0, 0, 0x2C)), 0x11001AF4u);
    assert_int_equal(cfg_read(f, CFG(0, 0, 0, 0x3C)), 0x00000100u);   /* pin A */
    assert_int_equal(rd(f, GT_BASE + GT_PCI0_CFGADDR, 4), CFG(0, 0, 0, 0x3C));
    /* Linux writes BAR4; on QEMU 7.2 the BARs are read-only. */
    cfg_write(f, CFG(0, 0, 0, 0x20), 0x1BE00000u);
    assert_int_equal(cfg_read(f, CFG(0, 0, 0, 0x20)), 0x14000000u);
    /* Writable: command IO/MEM/MASTER/SERR/INTx-disable, cache line, interrupt line,
     * the device-specific area. */
    cfg_write(f, CFG(0, 0, 0, 0x04), 0xFFFFFFFFu);
    assert_int_equal(cfg_read(f, CFG(0, 0, 0, 0x04)), 0x02800507u);
    cfg_write(f, CFG(0, 0, 0, 0x0C), 0xFFFFFFFFu);
    assert_int_equal(cfg_read(f, CFG(0, 0, 0, 0x0C)), 0x000000FFu);
    cfg_write(f, CFG(0, 0, 0, 0x3C), 0xFFFFFFFFu);
    assert_int_equal(cfg_read(f, CFG(0, 0, 0, 0x3C)), 0x000001FFu);
    cfg_write(f, CFG(0, 0, 0, 0x40), 0x12345678u);
    assert_int_equal(cfg_read(f, CFG(0, 0, 0, 0x40)), 0x12345678u);
    cfg_write(f, CFG(0, 0, 0, 0x00), 0);
    assert_int_equal(cfg_read(f, CFG(0, 0, 0, 0x00)), 0x462011ABu);
    /* CFGDATA is a 32-bit register too: a byte load at +1 reads the low byte. */
    wr(f, GT_BASE + GT_PCI0_CFGADDR, CFG(0, 0, 0, 0), 4);
    assert_int_equal(rd(f, GT_BASE + GT_PCI0_CFGDATA + 1, 1), 0xAB);
    assert_int_equal(rd(f, GT_BASE + GT_PCI0_CFGDATA + 2, 2), 0x11AB);
    /* CFGADDR keeps the enable bit, bus, device, function and register only. */
    wr(f, GT_BASE + GT_PCI0_CFGADDR, 0xFFFFFFFFu, 4);
    assert_int_equal(rd(f, GT_BASE + GT_PCI0_CFGADDR, 4), 0x80FFFFFCu);
    /* Reset restores the bridge's header. */
    gt64120_reset(&f->gt);
    program_like_firmware(f);
    assert_int_equal(cfg_read(f, CFG(0, 0, 0, 0x04)), 0x02800000u);
    assert_int_equal(cfg_read(f, CFG(0, 0, 0, 0x40)), 0);
}

static void test_config_empty_slots(void **state)
{
    fixture_t *f = *state;
    program_like_firmware(f);
    assert_int_equal(cfg_read(f, CFG(0, 5, 0, 0x00)), 0xFFFFFFFFu);
    assert_int_equal(cfg_read(f, CFG(0, 0, 1, 0x00)), 0xFFFFFFFFu);   /* function 1 */
    assert_int_equal(cfg_read(f, CFG(1, 0, 0, 0x00)), 0xFFFFFFFFu);   /* bus 1 */
    cfg_write(f, CFG(0, 5, 0, 0x04), 0x7);                          /* dropped */
    assert_int_equal(cfg_read(f, CFG(0, 5, 0, 0x04)), 0xFFFFFFFFu);
    /* Without the enable bit, data reads all-ones and writes go nowhere. */
    cfg_write(f, CFG(0, 0, 0, 0x40) & ~0x80000000u, 0x55);
    assert_int_equal(rd(f, GT_BASE + GT_PCI0_CFGDATA, 4), 0xFFFFFFFFu);
    assert_int_equal(cfg_read(f, CFG(0, 0, 0, 0x40)), 0);
    /* No abort is ever flagged, even for empty slots (Linux and U-Boot check). */
    assert_int_equal(rd(f, GT_BASE + GT_INTRCAUSE, 4), 0);
}

static void test_config_bus_interface(void **state)
{
    fixture_t *f = *state;
    memset(&fake_pci, 0, sizeof(fake_pci));
    program_like_firmware(f);
    gt64120_set_pci(&f->gt, &fake_pci_ops, &fake_pci);
    /* The bus sees CFGADDR without the enable bit. */
    assert_int_equal(cfg_read(f, CFG(0, 10, 0, 0x00)), 0x71108086u);
    assert_int_equal(fake_pci.last_cfg_addr, 0x00005000u);
    cfg_write(f, CFG(0, 10, 0, 0x60), 0x0B0B0A0Au);
    assert_int_equal(fake_pci.last_cfg_addr, 0x00005060u);
    assert_int_equal(fake_pci.last_cfg_value, 0x0B0B0A0Au);
    /* With MByteSwap clear, config data crosses byte-swapped (but not for 00.0). */
    wr(f, GT_BASE + GT_PCI0_CMD, 0x00010000u, 4);
    assert_int_equal(cfg_read(f, CFG(0, 10, 0, 0x00)), 0x86801071u);
    cfg_write(f, CFG(0, 10, 0, 0x60), 0x0B0B0A0Au);
    assert_int_equal(fake_pci.last_cfg_value, 0x0A0A0B0Bu);
    /* The bus puts the GT's own function at 00.0 through the bridge accessors. */
    assert_int_equal(gt64120_bridge_config_read(&f->gt, 0x08), 0x06000010u);
    gt64120_bridge_config_write(&f->gt, 0x3C, 0x0A);
    assert_int_equal(gt64120_bridge_config_read(&f->gt, 0x3C), 0x0000010Au);
}

/* ---- The I/O port space ---------------------------------------------------------------- */

static void test_ioport_unassigned(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(ioport_read(&f->io, 0x60, 1), 0xFF);
    assert_int_equal(ioport_read(&f->io, 0x60, 2), 0xFFFF);
    assert_int_equal(ioport_read(&f->io, 0x60, 4), 0xFFFFFFFFu);
    ioport_write(&f->io, 0x60, 0x12, 1);                   /* ignored */
    assert_int_equal(ioport_read(&f->io, 0x60, 1), 0xFF);
    /* Through the window, as the CPU sees it. */
    assert_int_equal(rd(f, 0x10000000u + 0x60, 1), 0xFF);
    assert_int_equal(rd(f, 0x10000000u + 0x3E8, 4), 0xFFFFFFFFu);
    assert_int_equal(f->isa.accesses, 0);
}

static void test_ioport_wide_access_split(void **state)
{
    fixture_t *f = *state;
    for (int i = 0; i < 8; i++)
        f->isa.regs[i] = (uint8_t)(0x10 + i);
    /* A byte-wide device takes a word as four byte accesses, low port first. */
    assert_int_equal(ioport_read(&f->io, FAKE_PORT, 4), 0x13121110u);
    assert_int_equal(f->isa.accesses, 4);
    assert_int_equal(f->isa.last_size, 1);
    assert_int_equal(ioport_read(&f->io, FAKE_PORT + 4, 2), 0x1514);
    ioport_write(&f->io, FAKE_PORT + 4, 0xAABBCCDDu, 4);
    assert_int_equal(f->isa.regs[4], 0xDD);
    assert_int_equal(f->isa.regs[7], 0xAA);
    /* The range holding the first port takes the whole access; pieces past its end read
     * all-ones (port 0x400 is not the fake's). */
    assert_int_equal(ioport_read(&f->io, FAKE_PORT + 6, 4), 0xFFFFAABBu);
}

static void test_ioport_move(void **state)
{
    fixture_t *f = *state;
    fake_isa_t bar = { .regs = { 0x42 } };
    ioport_range_t *r = ioport_map(&f->io, "bar", 0x1000, 8, 4, &bar, &fake_isa_ops);
    assert_int_equal(ioport_read(&f->io, 0x1000, 1), 0x42);
    ioport_move(r, 0x2000, 8);
    assert_int_equal(ioport_read(&f->io, 0x1000, 1), 0xFF);
    assert_int_equal(ioport_read(&f->io, 0x2000, 1), 0x42);
    ioport_move(r, 0xFFFFFFF0u, 8);                         /* unreachable: decodes nothing */
    assert_int_equal(ioport_read(&f->io, 0x2000, 1), 0xFF);
}

/* ---- Bus regions that move ------------------------------------------------------------- */

static void test_bus_move_and_enable(void **state)
{
    (void)state;
    bus_t bus;
    bus_init(&bus);
    fake_isa_t a = { .regs = { 1 } }, b = { .regs = { 2 } };
    bus_region_t *ra = bus_map_device(&bus, "a", 0x1000, 8, &a, &fake_isa_ops);
    bus_map_device(&bus, "b", 0x1000, 0x1000, &b, &fake_isa_ops);
    uint32_t v = 0;
    assert_true(bus_read(&bus, 0x1000, 1, &v));
    assert_int_equal(v, 1);                                 /* first mapped wins */
    bus_enable(&bus, ra, false);
    assert_true(bus_read(&bus, 0x1000, 1, &v));
    assert_int_equal(v, 2);
    bus_enable(&bus, ra, true);
    bus_move(&bus, ra, 0x3000, 8);
    assert_true(bus_read(&bus, 0x1000, 1, &v));
    assert_int_equal(v, 2);
    assert_true(bus_read(&bus, 0x3000, 1, &v));
    assert_int_equal(v, 1);                                 /* precedence kept */
    bus_move(&bus, ra, 0x3000, 0);
    assert_false(bus_read(&bus, 0x3000, 1, &v));
    bus_destroy(&bus);
}

/* ---- The board ------------------------------------------------------------------------- */

static void test_malta_wiring_and_reset(void **state)
{
    (void)state;
    static malta_t m;
    malta_config_t cfg = { .ram_size = 16u << 20 };
    char *error = NULL;
    assert_true(malta_init(&m, &cfg, &error));
    bus_t *bus = &m.bus;
    uint32_t v;
    /* UART A scratch register through the reset I/O window, UART B's through the moved one. */
    assert_true(bus_write(bus, 0x10000000u + 0x3FF, 0x5A, 1));
    assert_true(bus_read(bus, 0x10000000u + 0x3FF, 1, &v));
    assert_int_equal(v, 0x5A);
    assert_true(bus_write(bus, GT_RESET_BASE + GT_ISD, 0xDF, 4));
    assert_true(bus_write(bus, GT_BASE + GT_PCI0IOLD, 0xC0, 4));
    assert_true(bus_write(bus, GT_BASE + GT_PCI0IOHD, 0x40, 4));
    assert_true(bus_write(bus, 0x18000000u + 0x2FF, 0xA5, 1));
    assert_true(bus_read(bus, 0x18000000u + 0x2FF, 1, &v));
    assert_int_equal(v, 0xA5);
    assert_true(bus_read(bus, 0x18000000u + 0x3FD, 1, &v));   /* UART A LSR: THRE, TEMT */
    assert_int_equal(v, 0x60);
    assert_true(bus_read(bus, 0x18000000u + 0x3F0, 1, &v));   /* SuperIO configuration */
    assert_int_equal(v, 0xFF);
    assert_true(bus_read(bus, 0x18000000u + 0x3F1, 1, &v));
    assert_int_equal(v, 0xC0);
    assert_true(bus_read(bus, 0x18000000u + 0x64, 1, &v));    /* i8042 status: idle */
    assert_int_equal(v, 0x18);
    assert_true(bus_read(bus, 0x18000000u + 0x2E8, 1, &v));   /* nothing at COM4 */
    assert_int_equal(v, 0xFF);
    /* The GT's windows come before the empty low window, after RAM and ROM. */
    assert_true(bus_read(bus, 0x1E000000u, 4, &v));
    assert_string_equal(bus_find(bus, 0x1E000000u)->name, "flash");

    malta_reset(&m);
    assert_true(bus_read(bus, GT_RESET_BASE + GT_ISD, 4, &v));
    assert_int_equal(v, 0xA0);
    assert_string_equal(bus_find(bus, 0x18000000u)->name, "empty");
    assert_true(bus_read(bus, 0x10000000u + 0x3FF, 1, &v));   /* UARTs reset too */
    assert_int_equal(v, 0);
    assert_true(bus_read(bus, 0x10000000u + 0x2FF, 1, &v));
    assert_int_equal(v, 0);
    malta_destroy(&m);
}

/* An access to a legacy ISA port takes IOPORT_ISA_ACCESS_NS of virtual time (an 8-bit
 * device taking a 32-bit load: four bus cycles), on every tier; RAM takes none. The guest
 * times the same loop over an ISA port and over RAM with Count (half the CPU clock). */
static void test_isa_access_time(void **state)
{
    (void)state;
    static malta_t m;
    enum { T0 = 8, T1 = 9, T2 = 10, T4 = 12, T5 = 13, T6 = 14, T7 = 15, S0 = 16, LOOPS = 1000 };
    const uint32_t code[] = {
        LUI(T0, 0xB000),            /* kseg1 0x10000000: the GT's reset I/O window */
        LUI(S0, 0xA000),            /* kseg1 RAM */
        ORI(T1, 0, LOOPS),
        MFC0(T4, 9, 0),
        LBU(T2, 0x71, T0),          /* the RTC's data port */
        ADDIU(T1, T1, -1),
        BNE(T1, 0, -3),
        NOP,
        ORI(T1, 0, LOOPS),
        MFC0(T5, 9, 0),
        LBU(T2, 0x71, S0),          /* RAM */
        ADDIU(T1, T1, -1),
        BNE(T1, 0, -3),
        NOP,
        MFC0(T6, 9, 0),
        LW(T2, 0x3F8, T0),          /* UART A: four byte cycles */
        MFC0(T7, 9, 0),
        BEQ(0, 0, -1),
        NOP,
    };
    const uint32_t isa_clocks = IOPORT_ISA_ACCESS_NS * (CPU_CLOCK_HZ / 1000000u) / 1000u;
    const cpu_accel_t tiers[] = { CPU_ACCEL_INTERP, CPU_ACCEL_CACHED, CPU_ACCEL_JIT };
    for (unsigned t = 0; t < 3; t++) {
        malta_config_t cfg = { .ram_size = 16u << 20 };
        char *error = NULL;
        assert_true(malta_init(&m, &cfg, &error));
        m.cpu.accel = tiers[t];
        m.cpu.jit_hot = 2;
        memcpy(m.ram + 0x1000, code, sizeof(code));
        cpu_invalidate_code(&m.cpu, 0x1000, sizeof(code));
        m.cpu.pc = 0x80001000u;
        uint64_t end = m.cpu.icount + 2 * LOOPS * (4 + isa_clocks);
        while (m.cpu.icount < end) {
            vclock_run(&m.clock);
            uint64_t until = vclock_next(&m.clock) < end ? vclock_next(&m.clock) : end;
            cpu_run(&m.cpu, until);
        }
        const uint32_t *g = m.cpu.gpr;
        /* The ISA loop has one more instruction (the second ORI); Count halves the clock. */
        int64_t extra = (int64_t)(g[T5] - g[T4]) - (int64_t)(g[T6] - g[T5]);
        print_message("tier %u: ISA loop %u counts, RAM loop %u, 32-bit UART load %u\n", t,
                      g[T5] - g[T4], g[T6] - g[T5], g[T7] - g[T6]);
        assert_in_range(extra, LOOPS * isa_clocks / 2, LOOPS * isa_clocks / 2 + 1);
        assert_in_range(g[T7] - g[T6], (2 + 4 * isa_clocks) / 2 - 1, (2 + 4 * isa_clocks) / 2);
        malta_destroy(&m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reset_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_isd_relocation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_narrow_register_access, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_semantics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cpu_endianness_bit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_intrcause, setup, teardown),
        cmocka_unit_test_setup_teardown(test_iack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ld_hd_decode_and_remap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_io_window_moves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mem_windows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_host_bridge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_empty_slots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_bus_interface, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ioport_unassigned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ioport_wide_access_split, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ioport_move, setup, teardown),
        cmocka_unit_test(test_bus_move_and_enable),
        cmocka_unit_test(test_malta_wiring_and_reset),
        cmocka_unit_test(test_isa_access_time),
    };
    return cmocka_run_group_tests_name("gt64120", tests, NULL, NULL);
}
