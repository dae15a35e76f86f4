/* The PIIX4's PCI functions (src/devices/piix4.c) on PCI bus 0 (src/devices/pci.c), and
 * the board wiring in malta.c: identities and reset values, PIRQ routing onto ISA IRQs
 * (including rerouting while a PCI interrupt is asserted), the IDE and UHCI I/O blocks, the
 * PM block and its power-off request, the reset control register.
 *
 * Expected behaviour: QEMU 7.2 (hw/isa/piix4.c, hw/ide/piix.c, hw/usb/hcd-uhci.c,
 * hw/acpi/piix4.c; what U-Boot's `pci header` prints on QEMU) and
 * shared/reference/malta.md §5, §6. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "devices/ioport.h"
#include "devices/malta.h"
#include "devices/pci.h"
#include "devices/piix4.h"

#define PIIX4_SLOT 10
#define CFG(dev, fn, reg) ((uint32_t)(dev) << 11 | (uint32_t)(fn) << 8 | (reg))

typedef struct fixture {
    ioport_space_t io;
    pci_bus_t pci;
    piix4_t piix4;
    pci_function_t nic;          /* a device in slot 18, interrupt pin A */
    bool isa[PIIX4_ISA_IRQS];
    unsigned isa_changes;
    unsigned resets, power_offs;
} fixture_t;

static void isa_set(void *opaque, int n, bool level)
{
    fixture_t *f = opaque;
    f->isa[n] = level;
    f->isa_changes++;
}

static void count_reset(void *opaque)
{
    fixture_t *f = opaque;
    f->resets++;
}

static void count_power_off(void *opaque)
{
    fixture_t *f = opaque;
    f->power_offs++;
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    ioport_init(&f->io);
    pci_bus_init(&f->pci, &f->io);
    pci_bus_set_pirq_map(&f->pci, malta_pci_slot_pirq);
    irq_line_t lines[PIIX4_ISA_IRQS];
    for (int i = 0; i < PIIX4_ISA_IRQS; i++)
        lines[i] = (irq_line_t){ isa_set, f, i };
    piix4_init(&f->piix4, &f->pci, PIIX4_SLOT, &f->io, lines);
    f->piix4.reset_request = count_reset;
    f->piix4.power_off = count_power_off;
    f->piix4.opaque = f;
    /* The fixed ports, as the board maps them. */
    ioport_map(&f->io, "ide-primary", 0x1F0, PIIX4_IDE_CMD_PORTS, 4, &f->piix4,
               &piix4_ide_legacy_ops);
    ioport_map(&f->io, "ide-primary-ctl", 0x3F6, PIIX4_IDE_CTL_PORTS, 1, &f->piix4,
               &piix4_ide_legacy_ops);
    ioport_map(&f->io, "rcr", 0xCF9, PIIX4_RCR_PORTS, 1, &f->piix4, &piix4_rcr_ops);
    pci_id_t nic_id = { .vendor_id = 0x10EC, .device_id = 0x8029, .class_code = 0x020000,
                        .interrupt_pin = 1 };
    pci_function_init(&f->nic, "nic", &nic_id, NULL, NULL);
    pci_bus_attach(&f->pci, PCI_DEVFN(18, 0), &f->nic);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static uint32_t cfg_read(fixture_t *f, int fn, uint32_t reg)
{
    return pci_config_read(&f->pci, CFG(PIIX4_SLOT, fn, reg));
}

static void cfg_write(fixture_t *f, int fn, uint32_t reg, uint32_t value)
{
    pci_config_write(&f->pci, CFG(PIIX4_SLOT, fn, reg), value);
}

/* ---- Identity and reset values ------------------------------------------------------- */

static void test_identity(void **state)
{
    fixture_t *f = *state;
    /* Function 0: ISA bridge, multifunction header, QEMU's reset values. */
    assert_int_equal(cfg_read(f, 0, 0x00), 0x71108086u);
    assert_int_equal(cfg_read(f, 0, 0x04), 0x02000007u);
    assert_int_equal(cfg_read(f, 0, 0x08), 0x06010000u);
    assert_int_equal(cfg_read(f, 0, 0x0C), 0x00800000u);
    assert_int_equal(cfg_read(f, 0, 0x2C), 0x11001AF4u);
    assert_int_equal(cfg_read(f, 0, 0x3C), 0);
    assert_int_equal(cfg_read(f, 0, 0x4C), 0x0003004Du);
    assert_int_equal(cfg_read(f, 0, 0x60), 0x80808080u);               /* PIRQs disabled */
    assert_int_equal(cfg_read(f, 0, 0x68), 0x00000200u);               /* TOM */
    assert_int_equal(cfg_read(f, 0, 0x70), 0x00000080u);
    assert_int_equal(cfg_read(f, 0, 0x74), 0x0C0C0000u);
    assert_int_equal(cfg_read(f, 0, 0x78), 0x00000002u);
    assert_int_equal(cfg_read(f, 0, 0xA0), 0x00000008u);
    assert_int_equal(cfg_read(f, 0, 0xA8), 0x0000000Fu);
    /* Function 1: IDE, legacy mode, bus-master BAR4. */
    assert_int_equal(cfg_read(f, 1, 0x00), 0x71118086u);
    assert_int_equal(cfg_read(f, 1, 0x04), 0x02800000u);
    assert_int_equal(cfg_read(f, 1, 0x08), 0x01018000u);
    assert_int_equal(cfg_read(f, 1, 0x0C), 0);
    assert_int_equal(cfg_read(f, 1, 0x20), 0x00000001u);
    assert_int_equal(cfg_read(f, 1, 0x3C), 0);
    /* Function 2: UHCI, INTD. */
    assert_int_equal(cfg_read(f, 2, 0x00), 0x71128086u);
    assert_int_equal(cfg_read(f, 2, 0x04), 0);
    assert_int_equal(cfg_read(f, 2, 0x08), 0x0C030001u);
    assert_int_equal(cfg_read(f, 2, 0x20), 0x00000001u);
    assert_int_equal(cfg_read(f, 2, 0x3C), 0x00000400u);
    assert_int_equal(cfg_read(f, 2, 0x60), 0x00000010u);
    assert_int_equal(cfg_read(f, 2, 0x68), 0x00010000u);
    /* Function 3: power management; SMBus at QEMU's 0x1100. */
    assert_int_equal(cfg_read(f, 3, 0x00), 0x71138086u);
    assert_int_equal(cfg_read(f, 3, 0x04), 0x02800000u);
    assert_int_equal(cfg_read(f, 3, 0x08), 0x06800003u);
    assert_int_equal(cfg_read(f, 3, 0x3C), 0x00000100u);
    assert_int_equal(cfg_read(f, 3, 0x40), 0x00000001u);
    assert_int_equal(cfg_read(f, 3, 0x58), 0x02000000u);
    assert_int_equal(cfg_read(f, 3, 0x80), 0);
    assert_int_equal(cfg_read(f, 3, 0x90), 0x00001101u);
    assert_int_equal(cfg_read(f, 3, 0xD0), 0x00090000u);
    /* Nothing beyond function 3. */
    for (int fn = 4; fn < 8; fn++)
        assert_int_equal(cfg_read(f, fn, 0x00), 0xFFFFFFFFu);
}

/* What U-Boot's board_early_init_r and Linux's fixup-malta.c write. */
static void test_firmware_registers(void **state)
{
    fixture_t *f = *state;
    cfg_write(f, 0, 0x64, cfg_read(f, 0, 0x64) | 0xC0);               /* SERIRQC */
    cfg_write(f, 0, 0xB0, cfg_read(f, 0, 0xB0) | 0x10000);            /* GENCFG SERIRQ */
    cfg_write(f, 0, 0x68, cfg_read(f, 0, 0x68) | 0xF000);             /* TOM */
    assert_int_equal(cfg_read(f, 0, 0x64), 0xC0);
    assert_int_equal(cfg_read(f, 0, 0xB0), 0x10000);
    assert_int_equal(cfg_read(f, 0, 0x68), 0xF200);
    cfg_write(f, 1, 0x04, 0x0005);                                    /* MASTER | IO */
    cfg_write(f, 1, 0x40, 0x80008000u);                               /* IDETIM decode */
    assert_int_equal(cfg_read(f, 1, 0x04), 0x02800005u);
    assert_int_equal(cfg_read(f, 1, 0x40), 0x80008000u);
    /* PMBA: bit 0 hardwired, 64-byte aligned, 16 bits. SMBBA: 16-byte aligned. */
    cfg_write(f, 3, 0x40, 0xFFFFFFFFu);
    assert_int_equal(cfg_read(f, 3, 0x40), 0x0000FFC1u);
    cfg_write(f, 3, 0x40, 0x1000);
    assert_int_equal(cfg_read(f, 3, 0x40), 0x00001001u);
    cfg_write(f, 3, 0x90, 0x1234);
    assert_int_equal(cfg_read(f, 3, 0x90), 0x00001231u);
    cfg_write(f, 3, 0x80, 0xFF);
    assert_int_equal(cfg_read(f, 3, 0x80), 0x01);
}

/* ---- Interrupt routing ------------------------------------------------------------------ */

static void test_pirq_routing(void **state)
{
    fixture_t *f = *state;
    /* Disabled routes: a PCI interrupt reaches no ISA IRQ. */
    pci_set_irq(&f->nic, true);                    /* slot 18 INTA -> PIRQA */
    assert_int_equal(f->isa_changes, 0);
    /* Routing enabled while the PIRQ is asserted takes effect at once. */
    cfg_write(f, 0, 0x60, 0x0B0B0A0Au);            /* U-Boot's and QEMU's 10, 10, 11, 11 */
    assert_true(f->isa[10]);
    assert_int_equal(f->isa_changes, 1);
    pci_set_irq(&f->nic, false);
    assert_false(f->isa[10]);
    pci_set_irq(&f->nic, true);
    assert_true(f->isa[10]);

    /* Rerouting PIRQA to IRQ 11 moves the asserted level: 10 drops, 11 rises. */
    cfg_write(f, 0, 0x60, 0x0B0B0A0Bu);
    assert_false(f->isa[10]);
    assert_true(f->isa[11]);
    /* Disabling the route (bit 7) drops it. */
    cfg_write(f, 0, 0x60, 0x0B0B0A8Bu);
    assert_false(f->isa[11]);
    /* PIRQs sharing an IRQ are ORed: the UHCI (slot 10 INTD -> PIRQD) and the NIC. */
    cfg_write(f, 0, 0x60, 0x0B0B0A0Bu);
    assert_true(f->isa[11]);
    pci_set_irq(&f->piix4.usb, true);
    pci_set_irq(&f->nic, false);
    assert_true(f->isa[11]);
    pci_set_irq(&f->piix4.usb, false);
    assert_false(f->isa[11]);
    /* Reserved targets (0, 1, 2, 8, 13) route nowhere. */
    pci_set_irq(&f->nic, true);
    cfg_write(f, 0, 0x60, 0x0B0B0A08u);
    for (int i = 0; i < PIIX4_ISA_IRQS; i++)
        assert_false(f->isa[i]);
    cfg_write(f, 0, 0x60, 0x0B0B0A0Fu);
    assert_true(f->isa[15]);
    /* A write that leaves the routes alone changes no line. */
    unsigned changes = f->isa_changes;
    cfg_write(f, 0, 0x60, 0x0B0B0A0Fu);
    cfg_write(f, 0, 0x64, 0xC0);
    assert_int_equal(f->isa_changes, changes);
}

/* ---- I/O blocks -------------------------------------------------------------------------- */

static void test_ide(void **state)
{
    fixture_t *f = *state;
    /* Legacy channel with no drives: every register reads 0 (not busy, no device). */
    assert_int_equal(ioport_read(&f->io, 0x1F7, 1), 0);
    assert_int_equal(ioport_read(&f->io, 0x3F6, 1), 0);
    ioport_write(&f->io, 0x1F6, 0xA0, 1);
    assert_int_equal(ioport_read(&f->io, 0x1F7, 1), 0);
    /* BAR4 sizing and placement, as U-Boot's autoconfig does it. */
    cfg_write(f, 1, 0x20, 0xFFFFFFFFu);
    assert_int_equal(cfg_read(f, 1, 0x20), 0xFFFFFFF1u);
    cfg_write(f, 1, 0x20, 0x1000);
    assert_int_equal(ioport_read(&f->io, 0x1000, 1), 0xFF);           /* I/O decode off */
    cfg_write(f, 1, 0x04, PCI_COMMAND_IO | PCI_COMMAND_MASTER);
    /* Bus-master registers: command bits 0 and 3, status error/interrupt bits clear on 1,
     * the descriptor pointer dword aligned; the secondary channel at +8. */
    ioport_write(&f->io, 0x1000, 0xFF, 1);
    assert_int_equal(ioport_read(&f->io, 0x1000, 1), 0x09);
    f->piix4.bmide[2] = 0x06;                                          /* error + interrupt */
    ioport_write(&f->io, 0x1002, 0x64, 1);                             /* clear irq, DMA caps */
    assert_int_equal(ioport_read(&f->io, 0x1002, 1), 0x62);
    ioport_write(&f->io, 0x100C, 0x12345677u, 4);
    assert_int_equal(ioport_read(&f->io, 0x100C, 4), 0x12345674u);
    assert_int_equal(ioport_read(&f->io, 0x1004, 4), 0);
    assert_int_equal(ioport_read(&f->io, 0x1010, 1), 0xFF);           /* 16 ports only */
}

static void test_uhci(void **state)
{
    fixture_t *f = *state;
    cfg_write(f, 2, 0x20, 0xFFFFFFFFu);
    assert_int_equal(cfg_read(f, 2, 0x20), 0xFFFFFFE1u);               /* 32 ports */
    cfg_write(f, 2, 0x20, 0x1020);
    cfg_write(f, 2, 0x04, PCI_COMMAND_IO);
    assert_int_equal(ioport_read(&f->io, 0x1020, 2), 0);               /* USBCMD */
    assert_int_equal(ioport_read(&f->io, 0x1022, 2), 0x0020);          /* halted */
    assert_int_equal(ioport_read(&f->io, 0x102C, 1), 0x40);            /* SOFMOD */
    assert_int_equal(ioport_read(&f->io, 0x1030, 4), 0x00800080u);     /* empty ports */
    ioport_write(&f->io, 0x1020, 0x0001, 2);                           /* run */
    assert_int_equal(ioport_read(&f->io, 0x1022, 2), 0);
    ioport_write(&f->io, 0x1028, 0x12345678u, 4);
    assert_int_equal(ioport_read(&f->io, 0x1028, 4), 0x12345000u);
    /* Linux's early handoff: HCRESET completes at once and clears the controller. */
    ioport_write(&f->io, 0x1020, 0x0002, 2);
    assert_int_equal(ioport_read(&f->io, 0x1020, 2), 0);
    assert_int_equal(ioport_read(&f->io, 0x1028, 4), 0);
    assert_int_equal(ioport_read(&f->io, 0x1022, 2), 0x0020);
}

static void test_pm_power_off(void **state)
{
    fixture_t *f = *state;
    /* Linux's fixup: PMBA = 0x1000, then PMREGMISC enables the block. */
    cfg_write(f, 3, 0x40, 0x1000);
    assert_int_equal(ioport_read(&f->io, 0x1004, 2), 0xFFFF);         /* not yet enabled */
    cfg_write(f, 3, 0x80, 0x01);
    assert_int_equal(ioport_read(&f->io, 0x1004, 2), 0);
    assert_int_equal(ioport_read(&f->io, 0x1040, 1), 0xFF);           /* 64 ports only */
    /* PMSTS bits clear when written with 1. */
    f->piix4.pm_regs[PIIX4_PM_PMSTS + 1] = 0x01;                      /* PWRBTN_STS */
    assert_int_equal(ioport_read(&f->io, 0x1000, 2), 0x0100);
    ioport_write(&f->io, 0x1000, 0x0100, 2);
    assert_int_equal(ioport_read(&f->io, 0x1000, 2), 0);
    /* PMCNTRL: SCI_EN and the sleep type are storage; SUS_EN with another type than soft
     * off does not power off, and SUS_EN itself reads 0. */
    ioport_write(&f->io, 0x1004, 0x0401, 2);
    assert_int_equal(ioport_read(&f->io, 0x1004, 2), 0x0401);
    ioport_write(&f->io, 0x1004, 0x2401, 2);
    assert_int_equal(f->power_offs, 0);
    assert_int_equal(ioport_read(&f->io, 0x1004, 2), 0x0401);
    /* The piix4-poweroff driver's write: SUS_EN, SUS_TYP 0. */
    ioport_write(&f->io, 0x1004, PIIX4_PMCNTRL_SUS_EN, 2);
    assert_int_equal(f->power_offs, 1);
    /* PMTMR is read-only. */
    ioport_write(&f->io, 0x1008, 0xFFFFFFFFu, 4);
    assert_int_equal(ioport_read(&f->io, 0x1008, 4), 0);
    /* Moving PMBA moves the block; clearing PMREGMISC removes it. */
    cfg_write(f, 3, 0x40, 0x2000);
    assert_int_equal(ioport_read(&f->io, 0x1004, 2), 0xFFFF);
    assert_int_equal(ioport_read(&f->io, 0x2004, 2), 0);
    cfg_write(f, 3, 0x80, 0);
    assert_int_equal(ioport_read(&f->io, 0x2004, 2), 0xFFFF);
    assert_int_equal(f->power_offs, 1);
}

static void test_reset_control(void **state)
{
    fixture_t *f = *state;
    ioport_write(&f->io, 0xCF9, 0x02, 1);                              /* reset type only */
    assert_int_equal(ioport_read(&f->io, 0xCF9, 1), 0x02);
    assert_int_equal(f->resets, 0);
    ioport_write(&f->io, 0xCF9, 0x06, 1);
    assert_int_equal(f->resets, 1);
}

static void test_bus_reset(void **state)
{
    fixture_t *f = *state;
    cfg_write(f, 0, 0x60, 0x0B0B0A0Au);
    pci_set_irq(&f->nic, true);
    assert_true(f->isa[10]);
    cfg_write(f, 3, 0x40, 0x1000);
    cfg_write(f, 3, 0x80, 0x01);
    ioport_write(&f->io, 0x1004, 0x0001, 2);
    ioport_write(&f->io, 0xCF9, 0x02, 1);
    cfg_write(f, 1, 0x20, 0x1100);
    cfg_write(f, 1, 0x04, PCI_COMMAND_IO);

    pci_bus_reset(&f->pci);
    assert_false(f->isa[10]);
    assert_int_equal(cfg_read(f, 0, 0x60), 0x80808080u);
    assert_int_equal(cfg_read(f, 0, 0x0C), 0x00800000u);
    assert_int_equal(cfg_read(f, 3, 0x40), 0x00000001u);
    assert_int_equal(ioport_read(&f->io, 0x1004, 2), 0xFFFF);
    assert_int_equal(ioport_read(&f->io, 0x1100, 1), 0xFF);
    assert_int_equal(ioport_read(&f->io, 0xCF9, 1), 0);
    cfg_write(f, 3, 0x40, 0x1000);
    cfg_write(f, 3, 0x80, 0x01);
    assert_int_equal(ioport_read(&f->io, 0x1004, 2), 0);               /* registers cleared */
}

/* ---- The board ------------------------------------------------------------------------- */

static void test_malta_bus(void **state)
{
    (void)state;
    static malta_t m;
    malta_config_t cfg = { .ram_size = 16u << 20 };
    char *error = NULL;
    assert_true(malta_init(&m, &cfg, &error));
    bus_t *bus = &m.bus;
    const uint32_t gt = 0x14000000u;   /* the GT's registers at reset */
    uint32_t v;
    struct { uint32_t addr, id; } ids[] = {
        { CFG(0, 0, 0), 0x462011ABu }, { CFG(10, 0, 0), 0x71108086u },
        { CFG(10, 1, 0), 0x71118086u }, { CFG(10, 2, 0), 0x71128086u },
        { CFG(10, 3, 0), 0x71138086u }, { CFG(10, 4, 0), 0xFFFFFFFFu },
        { CFG(11, 0, 0), 0xFFFFFFFFu }, { CFG(18, 0, 0), 0xFFFFFFFFu },
    };
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        assert_true(bus_write(bus, gt + 0xCF8, 0x80000000u | ids[i].addr, 4));
        assert_true(bus_read(bus, gt + 0xCFC, 4, &v));
        assert_int_equal(v, ids[i].id);
    }
    /* Power off through the PM block behind the reset I/O window (0x10000000). */
    assert_true(bus_write(bus, gt + 0xCF8, 0x80000000u | CFG(10, 3, 0x40), 4));
    assert_true(bus_write(bus, gt + 0xCFC, 0x1000, 4));
    assert_true(bus_write(bus, gt + 0xCF8, 0x80000000u | CFG(10, 3, 0x80), 4));
    assert_true(bus_write(bus, gt + 0xCFC, 0x01, 4));
    assert_true(bus_write(bus, 0x10000000u + 0x1004, PIIX4_PMCNTRL_SUS_EN, 2));
    assert_true(m.power_off);
    assert_int_equal(m.exit_status, 0);
    /* RCR: a hard reset request. */
    m.power_off = false;
    assert_true(bus_write(bus, 0x10000000u + 0xCF9, 0x04, 1));
    assert_true(m.reset_requested);
    malta_reset(&m);
    assert_true(bus_write(bus, gt + 0xCF8, 0x80000000u | CFG(10, 3, 0x80), 4));
    assert_true(bus_read(bus, gt + 0xCFC, 4, &v));
    assert_int_equal(v, 0);
    assert_true(bus_read(bus, 0x10000000u + 0x1004, 2, &v));
    assert_int_equal(v, 0xFFFF);
    malta_destroy(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_firmware_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pirq_routing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ide, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uhci, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pm_power_off, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_control, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bus_reset, setup, teardown),
        cmocka_unit_test(test_malta_bus),
    };
    return cmocka_run_group_tests_name("piix4", tests, NULL, NULL);
}
