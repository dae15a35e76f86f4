/* PCI bus 0 (src/devices/pci.c): configuration space masks, BAR sizing and placement,
 * multifunction headers, absent functions, INTx to PIRQ, reset. Configuration cycles go
 * through the GT-64120's CFGADDR/CFGDATA and memory BARs are reached through its MEM0
 * window, as the CPU does it.
 *
 * Expected behaviour: the PCI Local Bus Specification 2.2 §6 and QEMU 7.2's hw/pci/pci.c
 * (writable masks, BAR address rules); the slot map is QEMU's malta_pci_slot_get_pirq
 * (shared/reference/malta.md §5). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "devices/gt64120.h"
#include "devices/ioport.h"
#include "devices/malta.h"
#include "devices/pci.h"
#include "mmu/bus.h"

#define GT_RESET_BASE 0x14000000u
#define GT_BASE       0x1BE00000u
#define IO_WINDOW     0x18000000u
#define LOW_WINDOW    0x20000000u
#define EMPTY_MARK    0x0u

#define CFG(bus, dev, fn, reg) \
    (0x80000000u | (uint32_t)(bus) << 16 | (uint32_t)(dev) << 11 | (uint32_t)(fn) << 8 | (reg))

/* A test device: an I/O BAR of 32 ports, a 4 KiB memory BAR, interrupt pin A. Its
 * registers are a byte array that counts accesses. */
#define FAKE_IO_SIZE  32u
#define FAKE_MEM_SIZE 0x1000u

typedef struct fake_dev {
    pci_function_t fn;
    uint8_t regs[FAKE_MEM_SIZE];
    unsigned accesses;
    unsigned resets;
    uint32_t last_write_reg, last_write_old;
} fake_dev_t;

static uint32_t fake_read(void *dev, uint32_t offset, unsigned size)
{
    fake_dev_t *d = dev;
    d->accesses++;
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)d->regs[offset + i] << (8 * i);
    return v;
}

static void fake_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    fake_dev_t *d = dev;
    d->accesses++;
    for (unsigned i = 0; i < size; i++)
        d->regs[offset + i] = (uint8_t)(value >> (8 * i));
}

static const device_ops_t fake_ops = { .read = fake_read, .write = fake_write };

/* A device-specific register at 0x44 that reads as its value plus one, and a record of
 * device-specific writes. */
static uint32_t fake_config_read(pci_function_t *fn, uint32_t reg, uint32_t value)
{
    (void)fn;
    return reg == 0x44 ? value + 1 : value;
}

static void fake_config_write(pci_function_t *fn, uint32_t reg, uint32_t old, uint32_t value)
{
    (void)value;
    fake_dev_t *d = fn->opaque;
    d->last_write_reg = reg;
    d->last_write_old = old;
}

static void fake_reset(pci_function_t *fn)
{
    fake_dev_t *d = fn->opaque;
    d->resets++;
}

static const pci_function_ops_t fake_fn_ops = {
    .config_read = fake_config_read, .config_write = fake_config_write, .reset = fake_reset,
};

static void fake_init(fake_dev_t *d, const char *name, uint16_t device_id, uint8_t pin)
{
    memset(d, 0, sizeof(*d));
    pci_id_t id = { .vendor_id = 0x1234, .device_id = device_id, .revision = 0x05,
                    .class_code = 0x020000, .status = PCI_STATUS_DEVSEL_MEDIUM,
                    .interrupt_pin = pin };
    pci_function_init(&d->fn, name, &id, &fake_fn_ops, d);
    pci_function_set_bar(&d->fn, 0, "fake-io", FAKE_IO_SIZE, true, 1, d, &fake_ops);
    pci_function_set_bar(&d->fn, 1, "fake-mem", FAKE_MEM_SIZE, false, 4, d, &fake_ops);
}

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
    pci_bus_t pci;
    fake_dev_t dev;          /* slot 18 */
    bool pirq[PCI_NUM_PIRQS];
    unsigned pirq_changes;
} fixture_t;

static void record_pirq(void *opaque, int pirq, bool level)
{
    fixture_t *f = opaque;
    f->pirq[pirq] = level;
    f->pirq_changes++;
}

static uint32_t host_read(void *opaque, uint32_t reg)
{
    return gt64120_bridge_config_read(opaque, reg);
}

static void host_write(void *opaque, uint32_t reg, uint32_t value)
{
    gt64120_bridge_config_write(opaque, reg, value);
}

static void wr(fixture_t *f, uint32_t paddr, uint32_t value, unsigned size)
{
    assert_true(bus_write(&f->bus, paddr, value, size));
}

static uint32_t rd(fixture_t *f, uint32_t paddr, unsigned size)
{
    uint32_t v = 0xDEADBEEFu;
    assert_true(bus_read(&f->bus, paddr, size, &v));
    return v;
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    bus_init(&f->bus);
    ioport_init(&f->io);
    gt64120_init(&f->gt, &f->bus, &f->io);
    bus_map_device(&f->bus, "empty", 0, LOW_WINDOW, NULL, &empty_ops);
    pci_bus_init(&f->pci, &f->io);
    pci_bus_set_host_bridge(&f->pci, PCI_DEVFN(0, 0), host_read, host_write, &f->gt);
    pci_bus_set_pirq_map(&f->pci, malta_pci_slot_pirq);
    pci_bus_set_pirq_handler(&f->pci, record_pirq, f);
    gt64120_set_pci(&f->gt, &pci_gt64120_ops, &f->pci);
    fake_init(&f->dev, "fake", 0x5678, 1);
    pci_bus_attach(&f->pci, PCI_DEVFN(18, 0), &f->dev.fn);
    /* Firmware's window setup: registers at 0x1BE00000, I/O at 0x18000000, MEM0 at
     * 0x10000000-0x17FFFFFF. */
    wr(f, GT_RESET_BASE + GT_ISD, 0xDF, 4);
    wr(f, GT_BASE + GT_PCI0IOLD, 0xC0, 4);
    wr(f, GT_BASE + GT_PCI0IOHD, 0x40, 4);
    wr(f, GT_BASE + GT_PCI0M0LD, 0x80, 4);
    wr(f, GT_BASE + GT_PCI0M0HD, 0x3F, 4);
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

/* ---- Configuration space --------------------------------------------------------------- */

static void test_identity_and_host_bridge(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x00)), 0x56781234u);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x08)), 0x02000005u);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x04)), 0x02000000u);   /* DEVSEL medium */
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x0C)), 0);             /* single function */
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x3C)), 0x00000100u);   /* pin A */
    /* 00.0 is the GT's own function. */
    assert_int_equal(cfg_read(f, CFG(0, 0, 0, 0x00)), 0x462011ABu);
    cfg_write(f, CFG(0, 0, 0, 0x3C), 0x0B);
    assert_int_equal(gt64120_bridge_config_read(&f->gt, 0x3C), 0x0000010Bu);
}

static void test_absent_functions(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(cfg_read(f, CFG(0, 5, 0, 0x00)), 0xFFFFFFFFu);     /* empty slot */
    assert_int_equal(cfg_read(f, CFG(0, 18, 1, 0x00)), 0xFFFFFFFFu);    /* no function 1 */
    assert_int_equal(cfg_read(f, CFG(0, 0, 1, 0x00)), 0xFFFFFFFFu);
    assert_int_equal(cfg_read(f, CFG(1, 18, 0, 0x00)), 0xFFFFFFFFu);    /* no bus 1 */
    assert_int_equal(cfg_read(f, CFG(0, 31, 7, 0xFC)), 0xFFFFFFFFu);
    cfg_write(f, CFG(0, 5, 0, 0x04), 0x7);                            /* dropped */
    cfg_write(f, CFG(1, 18, 0, 0x3C), 0x55);                          /* not slot 18 */
    assert_int_equal(cfg_read(f, CFG(0, 5, 0, 0x04)), 0xFFFFFFFFu);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x3C)), 0x00000100u);
    /* The GT flags no abort (QEMU never does; Linux and U-Boot check). */
    assert_int_equal(rd(f, GT_BASE + GT_INTRCAUSE, 4), 0);
}

static void test_writable_masks(void **state)
{
    fixture_t *f = *state;
    /* IDs, revision and class are read-only. */
    cfg_write(f, CFG(0, 18, 0, 0x00), 0xFFFFFFFFu);
    cfg_write(f, CFG(0, 18, 0, 0x08), 0xFFFFFFFFu);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x00)), 0x56781234u);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x08)), 0x02000005u);
    /* Command: IO, MEMORY, MASTER, SERR, INTX_DISABLE; the status half is not writable
     * (a 0 written to it clears nothing, a 1 only clears error bits). */
    cfg_write(f, CFG(0, 18, 0, 0x04), 0x0000FFFFu);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x04)), 0x02000507u);
    cfg_write(f, CFG(0, 18, 0, 0x04), 0);
    /* Cache line size writable, latency timer and header type not, BIST not. */
    cfg_write(f, CFG(0, 18, 0, 0x0C), 0xFFFFFFFFu);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x0C)), 0x000000FFu);
    /* Interrupt line writable, pin read-only, MIN_GNT/MAX_LAT read-only. */
    cfg_write(f, CFG(0, 18, 0, 0x3C), 0xFFFFFF0Au);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x3C)), 0x0000010Au);
    /* Subsystem IDs, CardBus pointer, expansion ROM: read-only zero here. */
    cfg_write(f, CFG(0, 18, 0, 0x2C), 0xFFFFFFFFu);
    cfg_write(f, CFG(0, 18, 0, 0x30), 0xFFFFFFFFu);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x2C)), 0);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x30)), 0);
    /* Device-specific registers: writable storage, seen through the device's hooks. */
    cfg_write(f, CFG(0, 18, 0, 0x44), 0x11223344u);
    assert_int_equal(f->dev.last_write_reg, 0x44);
    assert_int_equal(f->dev.last_write_old, 0);
    assert_int_equal(f->dev.fn.config[0x44], 0x44);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x44)), 0x11223345u);   /* hook adds 1 */
    cfg_write(f, CFG(0, 18, 0, 0x44), 0x55667788u);
    assert_int_equal(f->dev.last_write_old, 0x11223344u);
}

static void test_status_write_one_to_clear(void **state)
{
    fixture_t *f = *state;
    /* The device signals a target abort and sees a master abort. */
    pci_set_word(f->dev.fn.config + PCI_STATUS, PCI_STATUS_DEVSEL_MEDIUM | 0x2800);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x04)) >> 16, 0x2A00);
    cfg_write(f, CFG(0, 18, 0, 0x04), 0x00000000u);                   /* 0s clear nothing */
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x04)) >> 16, 0x2A00);
    cfg_write(f, CFG(0, 18, 0, 0x04), 0x08000000u);                   /* clear one */
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x04)) >> 16, 0x2200);
    cfg_write(f, CFG(0, 18, 0, 0x04), 0xFFFF0000u);                   /* clear all; DEVSEL stays */
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x04)) >> 16, 0x0200);
}

/* ---- BARs ---------------------------------------------------------------------------- */

static void test_bar_sizing(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x10)), 0x00000001u);   /* I/O, unplaced */
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x14)), 0x00000000u);   /* 32-bit memory */
    for (uint32_t reg = 0x10; reg <= 0x24; reg += 4)
        cfg_write(f, CFG(0, 18, 0, reg), 0xFFFFFFFFu);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x10)), 0xFFFFFFE1u);   /* 32 ports */
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x14)), 0xFFFFF000u);   /* 4 KiB */
    for (uint32_t reg = 0x18; reg <= 0x24; reg += 4)
        assert_int_equal(cfg_read(f, CFG(0, 18, 0, reg)), 0);          /* no BAR */
    /* Sizing with decode on does not put the BAR anywhere: an all-ones BAR wraps. */
    cfg_write(f, CFG(0, 18, 0, 0x04), PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
    assert_int_equal(f->dev.fn.bars[0].addr, PCI_BAR_UNMAPPED);
    assert_int_equal(f->dev.fn.bars[1].addr, PCI_BAR_UNMAPPED);
    /* The low bits are not writable: a base is aligned to the size. */
    cfg_write(f, CFG(0, 18, 0, 0x10), 0x0000103Fu);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x10)), 0x00001021u);
    cfg_write(f, CFG(0, 18, 0, 0x14), 0x10000FFFu);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x14)), 0x10000000u);
}

static void test_io_bar_placement(void **state)
{
    fixture_t *f = *state;
    f->dev.regs[3] = 0x5A;
    cfg_write(f, CFG(0, 18, 0, 0x10), 0x1000);
    /* Placed but I/O decode off: the port is nobody's. */
    assert_int_equal(rd(f, IO_WINDOW + 0x1003, 1), 0xFF);
    assert_int_equal(f->dev.accesses, 0);
    cfg_write(f, CFG(0, 18, 0, 0x04), PCI_COMMAND_IO);
    assert_int_equal(rd(f, IO_WINDOW + 0x1003, 1), 0x5A);
    /* The device takes bytes: a word access arrives in pieces, offsets from the BAR. */
    wr(f, IO_WINDOW + 0x1004, 0xA1B2C3D4u, 4);
    assert_int_equal(f->dev.regs[4], 0xD4);
    assert_int_equal(f->dev.regs[7], 0xA1);
    assert_int_equal(ioport_read(&f->io, 0x101F, 1), 0);
    assert_int_equal(ioport_read(&f->io, 0x1020, 1), 0xFF);            /* past the BAR */
    /* Moving the BAR moves the ports. */
    cfg_write(f, CFG(0, 18, 0, 0x10), 0x2000);
    assert_int_equal(ioport_read(&f->io, 0x1003, 1), 0xFF);
    assert_int_equal(ioport_read(&f->io, 0x2003, 1), 0x5A);
    /* Memory decode alone does not enable an I/O BAR. */
    cfg_write(f, CFG(0, 18, 0, 0x04), PCI_COMMAND_MEMORY);
    assert_int_equal(ioport_read(&f->io, 0x2003, 1), 0xFF);
    /* Address 0 decodes nothing (QEMU's rule), nor beyond the 64 KiB port space. */
    cfg_write(f, CFG(0, 18, 0, 0x04), PCI_COMMAND_IO);
    cfg_write(f, CFG(0, 18, 0, 0x10), 0);
    assert_int_equal(f->dev.fn.bars[0].addr, PCI_BAR_UNMAPPED);
    assert_int_equal(ioport_read(&f->io, 0x0003, 1), 0xFF);
    cfg_write(f, CFG(0, 18, 0, 0x10), 0x00100000u);
    assert_int_equal(f->dev.fn.bars[0].addr, 0x00100000u);
    assert_int_equal(f->dev.fn.bars[0].range->len, 0);
}

static void test_mem_bar_placement(void **state)
{
    fixture_t *f = *state;
    f->dev.regs[0x10] = 0x77;
    cfg_write(f, CFG(0, 18, 0, 0x14), 0x10002000u);
    /* Memory decode off: the MEM0 window has nothing there, the access falls through to
     * the board's empty low 512 MiB. */
    assert_false(pci_mem_decodes(&f->pci, 0x10002010u));
    assert_int_equal(rd(f, 0x10002010u, 1), EMPTY_MARK);
    cfg_write(f, CFG(0, 18, 0, 0x04), PCI_COMMAND_MEMORY);
    assert_true(pci_mem_decodes(&f->pci, 0x10002010u));
    assert_int_equal(rd(f, 0x10002010u, 1), 0x77);
    wr(f, 0x10002FFCu, 0xCAFEF00Du, 4);
    assert_int_equal(f->dev.regs[0xFFC], 0x0D);
    assert_int_equal(f->dev.regs[0xFFF], 0xCA);
    assert_false(pci_mem_decodes(&f->pci, 0x10003000u));             /* past the BAR */
    assert_false(pci_mem_decodes(&f->pci, 0x10001FFFu));
    /* Moved, and disabled. */
    cfg_write(f, CFG(0, 18, 0, 0x14), 0x10100000u);
    assert_false(pci_mem_decodes(&f->pci, 0x10002010u));
    assert_int_equal(rd(f, 0x10100010u, 1), 0x77);
    cfg_write(f, CFG(0, 18, 0, 0x04), PCI_COMMAND_IO);
    assert_false(pci_mem_decodes(&f->pci, 0x10100010u));
    assert_int_equal(pci_mem_read(&f->pci, 0x10100010u, 2), 0xFFFF);   /* master abort */
}

/* ---- Functions and slots --------------------------------------------------------------- */

static void test_multifunction(void **state)
{
    fixture_t *f = *state;
    static fake_dev_t fn0, fn3;
    fake_init(&fn3, "mf-3", 0x0003, 2);
    fake_init(&fn0, "mf-0", 0x0000, 1);
    /* Function 3 first: function 0 becomes multifunction when it arrives. */
    pci_bus_attach(&f->pci, PCI_DEVFN(19, 3), &fn3.fn);
    pci_bus_attach(&f->pci, PCI_DEVFN(19, 0), &fn0.fn);
    assert_int_equal(cfg_read(f, CFG(0, 19, 0, 0x0C)) >> 16, 0x80);
    assert_int_equal(cfg_read(f, CFG(0, 19, 3, 0x0C)) >> 16, 0x00);
    assert_int_equal(cfg_read(f, CFG(0, 19, 3, 0x00)), 0x00031234u);
    assert_int_equal(cfg_read(f, CFG(0, 19, 1, 0x00)), 0xFFFFFFFFu);
    /* The header type is read-only and survives reset. */
    cfg_write(f, CFG(0, 19, 0, 0x0C), 0);
    pci_bus_reset(&f->pci);
    assert_int_equal(cfg_read(f, CFG(0, 19, 0, 0x0C)) >> 16, 0x80);
    /* Each function has its own BARs: both in the port space at once. */
    cfg_write(f, CFG(0, 19, 0, 0x10), 0x3000);
    cfg_write(f, CFG(0, 19, 3, 0x10), 0x3020);
    cfg_write(f, CFG(0, 19, 0, 0x04), PCI_COMMAND_IO);
    cfg_write(f, CFG(0, 19, 3, 0x04), PCI_COMMAND_IO);
    fn0.regs[0] = 0xA0;
    fn3.regs[0] = 0xA3;
    assert_int_equal(ioport_read(&f->io, 0x3000, 1), 0xA0);
    assert_int_equal(ioport_read(&f->io, 0x3020, 1), 0xA3);
}

static void test_malta_slot_map(void **state)
{
    (void)state;
    /* QEMU's malta_pci_slot_get_pirq, pin 1-4 = INTA-INTD, result PIRQA-D = 0-3. */
    for (int pin = 1; pin <= 4; pin++) {
        assert_int_equal(malta_pci_slot_pirq(10, pin), 3);   /* PIIX4 (USB INTD): PIRQD */
        assert_int_equal(malta_pci_slot_pirq(11, pin), 1);   /* PCnet: PIRQB */
        assert_int_equal(malta_pci_slot_pirq(12, pin), 2);
        for (int slot = 18; slot <= 21; slot++)
            assert_int_equal(malta_pci_slot_pirq(slot, pin), ((slot - 18) + pin - 1) & 3);
        assert_int_equal(malta_pci_slot_pirq(5, pin), pin - 1);
    }
    /* Linux's irq_tab: slot 19 INTA -> PCIB, slot 21 INTB -> PCIA. */
    assert_int_equal(malta_pci_slot_pirq(19, 1), 1);
    assert_int_equal(malta_pci_slot_pirq(21, 2), 0);
}

static void test_intx_to_pirq(void **state)
{
    fixture_t *f = *state;
    static fake_dev_t d19, d22;
    fake_init(&d19, "slot19", 0x19, 4);      /* INTD in slot 19 -> PIRQA */
    fake_init(&d22, "slot22", 0x22, 1);      /* INTA in slot 22 (no swizzle) -> PIRQA */
    pci_bus_attach(&f->pci, PCI_DEVFN(19, 0), &d19.fn);
    pci_bus_attach(&f->pci, PCI_DEVFN(22, 0), &d22.fn);

    pci_set_irq(&f->dev.fn, true);           /* slot 18 INTA -> PIRQA */
    assert_true(f->pirq[0]);
    assert_int_equal(f->pirq_changes, 1);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x04)) >> 16, 0x0208);   /* interrupt status */
    pci_set_irq(&f->dev.fn, true);           /* no change, no call */
    assert_int_equal(f->pirq_changes, 1);
    /* Wired-OR: PIRQA stays up until the last function lets go. */
    irq_line_t d19_line = pci_irq_line(&d19.fn);   /* how a device core holds its pin */
    irq_set(&d19_line, true);
    assert_true(d19.fn.irq_level);
    pci_set_irq(&d22.fn, true);
    pci_set_irq(&f->dev.fn, false);
    pci_set_irq(&d19.fn, false);
    assert_true(f->pirq[0]);
    assert_true(pci_bus_pirq_level(&f->pci, 0));
    assert_int_equal(f->pirq_changes, 1);
    pci_set_irq(&d22.fn, false);
    assert_false(f->pirq[0]);
    assert_int_equal(f->pirq_changes, 2);
    for (int i = 1; i < PCI_NUM_PIRQS; i++)
        assert_false(f->pirq[i]);

    /* INTX_DISABLE holds the pin off the bus; the status bit still shows the level. */
    cfg_write(f, CFG(0, 18, 0, 0x04), PCI_COMMAND_INTX_DISABLE);
    pci_set_irq(&f->dev.fn, true);
    assert_false(f->pirq[0]);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x04)), 0x02080400u);
    cfg_write(f, CFG(0, 18, 0, 0x04), 0);    /* enabling it lets the pending level through */
    assert_true(f->pirq[0]);
    cfg_write(f, CFG(0, 18, 0, 0x04), PCI_COMMAND_INTX_DISABLE);
    assert_false(f->pirq[0]);
}

static void test_reset(void **state)
{
    fixture_t *f = *state;
    cfg_write(f, CFG(0, 18, 0, 0x10), 0x1000);
    cfg_write(f, CFG(0, 18, 0, 0x14), 0x10000000u);
    cfg_write(f, CFG(0, 18, 0, 0x04), PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
    cfg_write(f, CFG(0, 18, 0, 0x3C), 0x0A);
    cfg_write(f, CFG(0, 18, 0, 0x80), 0x12345678u);
    pci_set_irq(&f->dev.fn, true);
    assert_true(f->pirq[0]);
    assert_true(pci_mem_decodes(&f->pci, 0x10000000u));

    pci_bus_reset(&f->pci);
    assert_int_equal(f->dev.resets, 1);
    assert_false(f->pirq[0]);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x04)), 0x02000000u);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x10)), 0x00000001u);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x14)), 0);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x3C)), 0x00000100u);
    assert_int_equal(cfg_read(f, CFG(0, 18, 0, 0x80)), 0);
    assert_false(pci_mem_decodes(&f->pci, 0x10000000u));
    assert_int_equal(ioport_read(&f->io, 0x1000, 1), 0xFF);
    /* The GT's reset leaves the bus plugged in. */
    gt64120_reset(&f->gt);
    wr(f, GT_RESET_BASE + GT_PCI0_CFGADDR, CFG(0, 18, 0, 0), 4);
    assert_int_equal(rd(f, GT_RESET_BASE + GT_PCI0_CFGDATA, 4), 0x56781234u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_identity_and_host_bridge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absent_functions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writable_masks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_write_one_to_clear, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bar_sizing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_io_bar_placement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mem_bar_placement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multifunction, setup, teardown),
        cmocka_unit_test(test_malta_slot_map),
        cmocka_unit_test_setup_teardown(test_intx_to_pirq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
    };
    return cmocka_run_group_tests_name("pci", tests, NULL, NULL);
}
