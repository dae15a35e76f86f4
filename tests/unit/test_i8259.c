/* The i8259 pair (src/devices/i8259.c): initialisation words, masks, priorities, EOIs,
 * the cascade, edge and level triggering, spurious IRQ 7/15, OCW3 reads and poll, and the
 * interrupt-acknowledge cycle, alone and through the Malta board (GT-64120 PCI0_IACK, CPU
 * hardware interrupt 0).
 *
 * Expected behaviour: Intel 8259A data sheet and QEMU's hw/intc/i8259.c; the sequences are
 * the ones Linux 6.1 uses (drivers/irqchip/irq-i8259.c, arch/mips/mti-malta). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "devices/gt64120.h"
#include "devices/i8259.h"
#include "devices/malta.h"

typedef struct fixture {
    i8259_t pic;
    bool intr;
    unsigned rises;
} fixture_t;

static void intr_set(void *opaque, int n, bool level)
{
    (void)n;
    fixture_t *f = opaque;
    if (level && !f->intr)
        f->rises++;
    f->intr = level;
}

static void outb(fixture_t *f, uint32_t port, uint8_t v)
{
    switch (port) {
    case 0x20: case 0x21: i8259_master_ops.write(&f->pic, port - 0x20, v, 1); break;
    case 0xA0: case 0xA1: i8259_slave_ops.write(&f->pic, port - 0xA0, v, 1); break;
    case 0x4D0: case 0x4D1: i8259_elcr_ops.write(&f->pic, port - 0x4D0, v, 1); break;
    default: fail();
    }
}

static uint8_t inb(fixture_t *f, uint32_t port)
{
    switch (port) {
    case 0x20: case 0x21: return (uint8_t)i8259_master_ops.read(&f->pic, port - 0x20, 1);
    case 0xA0: case 0xA1: return (uint8_t)i8259_slave_ops.read(&f->pic, port - 0xA0, 1);
    case 0x4D0: case 0x4D1: return (uint8_t)i8259_elcr_ops.read(&f->pic, port - 0x4D0, 1);
    default: fail();
    }
    return 0;
}

/* Linux's init_8259A(0): mask all, ICW1-4 on both chips, then the masks. */
static void linux_init(fixture_t *f, uint8_t master_mask, uint8_t slave_mask)
{
    outb(f, 0x21, 0xFF);
    outb(f, 0xA1, 0xFF);
    outb(f, 0x20, 0x11);          /* ICW1: edge, cascade, ICW4 needed */
    outb(f, 0x21, 0x00);          /* ICW2: vectors 0-7 */
    outb(f, 0x21, 0x04);          /* ICW3: slave on IR2 */
    outb(f, 0x21, 0x01);          /* ICW4: 8086 mode, normal EOI */
    outb(f, 0xA0, 0x11);
    outb(f, 0xA1, 0x08);          /* vectors 8-15 */
    outb(f, 0xA1, 0x02);          /* slave identity 2 */
    outb(f, 0xA1, 0x01);
    outb(f, 0x21, master_mask);
    outb(f, 0xA1, slave_mask);
}

/* Linux's mask_and_ack_8259A for a master IRQ: specific EOI. */
static void eoi(fixture_t *f, int irq)
{
    if (irq & 8) {
        outb(f, 0xA0, (uint8_t)(0x60 | (irq & 7)));
        outb(f, 0x20, 0x62);
    } else {
        outb(f, 0x20, (uint8_t)(0x60 | irq));
    }
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    i8259_init(&f->pic, (irq_line_t){ intr_set, f, 0 });
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void test_reset_state(void **state)
{
    fixture_t *f = *state;
    assert_false(f->intr);
    assert_int_equal(inb(f, 0x21), 0x00);   /* QEMU: IMR clear after reset */
    assert_int_equal(inb(f, 0xA1), 0x00);
    assert_int_equal(inb(f, 0x20), 0x00);   /* IRR */
    assert_int_equal(inb(f, 0x4D0), 0x00);
    assert_int_equal(inb(f, 0x4D1), 0x00);
}

static void test_init_mask_ack_eoi(void **state)
{
    fixture_t *f = *state;
    linux_init(f, 0xFB, 0xFF);               /* only the cascade unmasked */
    assert_int_equal(inb(f, 0x21), 0xFB);
    i8259_set_irq(&f->pic, 4, true);         /* the UART */
    assert_false(f->intr);                   /* masked */
    assert_int_equal(inb(f, 0x20), 0x10);    /* but requested: IRR reads by default */
    outb(f, 0x21, 0xEB);                     /* unmask IRQ 4 */
    assert_true(f->intr);
    assert_int_equal(i8259_acknowledge(&f->pic), 4);
    assert_false(f->intr);                   /* IRR to ISR */
    outb(f, 0x20, 0x0B);                     /* OCW3: read ISR */
    assert_int_equal(inb(f, 0x20), 0x10);
    outb(f, 0x20, 0x0A);                     /* OCW3: read IRR */
    assert_int_equal(inb(f, 0x20), 0x00);
    eoi(f, 4);
    outb(f, 0x20, 0x0B);
    assert_int_equal(inb(f, 0x20), 0x00);
    assert_false(f->intr);                   /* edge: the line still high asks no more */
    i8259_set_irq(&f->pic, 4, false);
    i8259_set_irq(&f->pic, 4, true);
    assert_true(f->intr);
}

static void test_icw1_resets_chip(void **state)
{
    fixture_t *f = *state;
    linux_init(f, 0x00, 0x00);
    i8259_set_irq(&f->pic, 3, true);
    assert_int_equal(i8259_acknowledge(&f->pic), 3);
    outb(f, 0x21, 0x55);
    outb(f, 0x20, 0x11);                     /* ICW1 again */
    outb(f, 0x20, 0x0B);                     /* (an OCW3 in the middle is fine) */
    outb(f, 0x21, 0x20);                     /* ICW2: base 0x20 */
    outb(f, 0x21, 0x04);
    outb(f, 0x21, 0x01);
    assert_int_equal(inb(f, 0x21), 0x00);    /* IMR cleared */
    assert_int_equal(inb(f, 0x20), 0x00);    /* ISR cleared (OCW3 selected ISR) */
    i8259_set_irq(&f->pic, 3, false);
    i8259_set_irq(&f->pic, 5, true);
    assert_int_equal(i8259_acknowledge(&f->pic), 0x25);   /* base | IR, low bits ignored */
}

static void test_priority_and_nesting(void **state)
{
    fixture_t *f = *state;
    linux_init(f, 0x00, 0xFF);
    i8259_set_irq(&f->pic, 3, true);
    i8259_set_irq(&f->pic, 1, true);
    assert_int_equal(i8259_acknowledge(&f->pic), 1);      /* IR1 outranks IR3 */
    assert_false(f->intr);                   /* IR3 waits while IR1 is in service */
    i8259_set_irq(&f->pic, 0, true);
    assert_true(f->intr);                    /* IR0 outranks IR1: nests */
    assert_int_equal(i8259_acknowledge(&f->pic), 0);
    outb(f, 0x20, 0x20);                     /* non-specific EOI: the highest, IR0 */
    outb(f, 0x20, 0x0B);
    assert_int_equal(inb(f, 0x20), 0x02);
    assert_false(f->intr);
    outb(f, 0x20, 0x20);                     /* IR1 done: IR3's turn */
    assert_true(f->intr);
    assert_int_equal(i8259_acknowledge(&f->pic), 3);
}

static void test_rotation(void **state)
{
    fixture_t *f = *state;
    linux_init(f, 0x00, 0xFF);
    outb(f, 0x20, 0xC3);                     /* set priority: IR3 lowest, IR4 highest */
    i8259_set_irq(&f->pic, 1, true);
    i8259_set_irq(&f->pic, 5, true);
    assert_int_equal(i8259_acknowledge(&f->pic), 5);
    outb(f, 0x20, 0xA0);                     /* rotate on non-specific EOI: IR5 lowest */
    assert_int_equal(i8259_acknowledge(&f->pic), 1);
    outb(f, 0x20, 0xE1);                     /* rotate on specific EOI of IR1 */
    i8259_set_irq(&f->pic, 1, false);
    i8259_set_irq(&f->pic, 1, true);
    i8259_set_irq(&f->pic, 3, true);
    assert_int_equal(i8259_acknowledge(&f->pic), 3);      /* IR2 highest now; IR3 next */
}

static void test_auto_eoi(void **state)
{
    fixture_t *f = *state;
    outb(f, 0x20, 0x11);
    outb(f, 0x21, 0x08);
    outb(f, 0x21, 0x04);
    outb(f, 0x21, 0x03);                     /* ICW4: AEOI */
    i8259_set_irq(&f->pic, 6, true);
    assert_int_equal(i8259_acknowledge(&f->pic), 0x0E);
    outb(f, 0x20, 0x0B);
    assert_int_equal(inb(f, 0x20), 0x00);    /* nothing stays in service */
}

static void test_cascade(void **state)
{
    fixture_t *f = *state;
    linux_init(f, 0xFB, 0xEF);               /* IRQ 12 unmasked on the slave */
    i8259_set_irq(&f->pic, 12, true);
    assert_true(f->intr);
    assert_int_equal(i8259_acknowledge(&f->pic), 12);
    outb(f, 0xA0, 0x0B);
    assert_int_equal(inb(f, 0xA0), 0x10);    /* slave ISR: IR4 */
    outb(f, 0x20, 0x0B);
    assert_int_equal(inb(f, 0x20), 0x04);    /* master ISR: IR2 */
    /* Another slave request of lower priority waits for the slave's EOI. */
    outb(f, 0xA1, 0x6F);                     /* unmask IRQ 15 too */
    i8259_set_irq(&f->pic, 15, true);
    assert_false(f->intr);
    eoi(f, 12);
    assert_true(f->intr);
    assert_int_equal(i8259_acknowledge(&f->pic), 15);
    eoi(f, 15);
    outb(f, 0x20, 0x0B);
    assert_int_equal(inb(f, 0x20), 0x00);
}

static void test_edge_and_level(void **state)
{
    fixture_t *f = *state;
    linux_init(f, 0x00, 0x00);
    /* Edge (Linux's Malta default, ELCR never written): the request is latched even if the
     * line falls before the acknowledge. */
    i8259_set_irq(&f->pic, 10, true);
    i8259_set_irq(&f->pic, 10, false);
    assert_true(f->intr);
    assert_int_equal(i8259_acknowledge(&f->pic), 10);
    eoi(f, 10);
    assert_false(f->intr);
    /* Level: the request follows the line and comes back after EOI while it stays high. */
    outb(f, 0x4D1, 0xFF);
    assert_int_equal(inb(f, 0x4D1), 0xDE);   /* IRQ 8 and 13 are edge-only */
    outb(f, 0x4D0, 0xFF);
    assert_int_equal(inb(f, 0x4D0), 0xF8);   /* IRQ 0, 1, 2 are edge-only */
    i8259_set_irq(&f->pic, 11, true);
    assert_int_equal(i8259_acknowledge(&f->pic), 11);
    eoi(f, 11);
    assert_true(f->intr);                    /* still high: asks again */
    assert_int_equal(i8259_acknowledge(&f->pic), 11);
    i8259_set_irq(&f->pic, 11, false);
    eoi(f, 11);
    assert_false(f->intr);
    i8259_set_irq(&f->pic, 5, true);         /* level on the master (ELCR bit 5) */
    assert_true(f->intr);
    i8259_set_irq(&f->pic, 5, false);        /* gone before the acknowledge */
    assert_false(f->intr);
}

static void test_spurious(void **state)
{
    fixture_t *f = *state;
    linux_init(f, 0x00, 0x00);
    assert_int_equal(i8259_acknowledge(&f->pic), 7);      /* nothing pending: IR7 */
    outb(f, 0x20, 0x0B);
    assert_int_equal(inb(f, 0x20), 0x00);    /* and nothing in service */
    /* Level request withdrawn between INTR and INTA on the slave: slave IR7 (IRQ 15),
     * while the master takes the cascade into service (Linux then EOIs IR2). */
    outb(f, 0x4D1, 0x08);                    /* IRQ 11 level */
    i8259_set_irq(&f->pic, 11, true);
    assert_true(f->intr);
    outb(f, 0xA1, 0x08);                     /* masked just before INTA */
    assert_int_equal(i8259_acknowledge(&f->pic), 15);
    outb(f, 0xA0, 0x0B);
    assert_int_equal(inb(f, 0xA0), 0x00);
    outb(f, 0x20, 0x0B);
    assert_int_equal(inb(f, 0x20), 0x04);
    outb(f, 0x20, 0x62);
    assert_int_equal(inb(f, 0x20), 0x00);
}

static void test_poll(void **state)
{
    fixture_t *f = *state;
    linux_init(f, 0x00, 0x00);
    outb(f, 0x20, 0x0C);                     /* OCW3: poll */
    assert_int_equal(inb(f, 0x20), 0x00);    /* nothing */
    i8259_set_irq(&f->pic, 6, true);
    outb(f, 0x20, 0x0C);
    assert_int_equal(inb(f, 0x20), 0x86);    /* bit 7 + IR6, and acknowledged */
    outb(f, 0x20, 0x0B);
    assert_int_equal(inb(f, 0x20), 0x40);
    assert_int_equal(inb(f, 0x21), 0x00);    /* the poll was for one read only */
}

static void test_special_mask(void **state)
{
    fixture_t *f = *state;
    linux_init(f, 0x00, 0x00);
    i8259_set_irq(&f->pic, 1, true);
    assert_int_equal(i8259_acknowledge(&f->pic), 1);
    i8259_set_irq(&f->pic, 5, true);
    assert_false(f->intr);
    outb(f, 0x21, 0x02);                     /* mask the level in service ... */
    outb(f, 0x20, 0x68);                     /* ... and set special mask mode */
    assert_true(f->intr);                    /* lower priorities get through */
    outb(f, 0x20, 0x48);                     /* reset special mask mode */
    assert_false(f->intr);
}

/* The board: the GT's PCI0_IACK register acknowledges on the pair, whose INTR is CPU
 * hardware interrupt 0 (Cause.IP2); SuperIO UART A is ISA IRQ 4. */
static void test_malta_iack_and_wiring(void **state)
{
    (void)state;
    static malta_t m;
    malta_config_t cfg = { .ram_size = 16u << 20 };
    char *error = NULL;
    assert_true(malta_init(&m, &cfg, &error));
    bus_t *bus = &m.bus;
    const uint32_t io = 0x10000000u, gt = 0x14000000u;   /* reset placements */
    static const uint8_t init[][2] = {
        { 0x21, 0xFF }, { 0xA1, 0xFF }, { 0x20, 0x11 }, { 0x21, 0x00 }, { 0x21, 0x04 },
        { 0x21, 0x01 }, { 0xA0, 0x11 }, { 0xA1, 0x08 }, { 0xA1, 0x02 }, { 0xA1, 0x01 },
        { 0x21, 0xEB }, { 0xA1, 0xFF },
    };
    for (size_t i = 0; i < sizeof(init) / sizeof(init[0]); i++)
        assert_true(bus_write(bus, io + init[i][0], init[i][1], 1));
    assert_int_equal(m.cpu.hw_irq_lines & 1, 0);
    /* UART A: IER = THRE interrupt; the THR is empty at once, so IRQ 4 rises. */
    assert_true(bus_write(bus, io + 0x3F9, 0x02, 1));
    assert_int_equal(m.cpu.hw_irq_lines & 1, 1);
    uint32_t v;
    assert_true(bus_read(bus, gt + GT_PCI0_IACK, 4, &v));
    assert_int_equal(v, 4);
    assert_int_equal(m.cpu.hw_irq_lines & 1, 0);
    assert_true(bus_write(bus, io + 0x20, 0x64, 1));
    assert_true(bus_read(bus, gt + GT_PCI0_IACK, 4, &v));
    assert_int_equal(v, 7);                  /* nothing left: spurious */
    /* The RTC is IRQ 8 through the cascade. */
    assert_true(bus_write(bus, io + 0x21, 0xEB, 1));
    assert_true(bus_write(bus, io + 0xA1, 0xFE, 1));
    assert_true(bus_write(bus, io + 0x70, 0x0B, 1));
    assert_true(bus_write(bus, io + 0x71, 0x12, 1));     /* UIE */
    m.cpu.icount += CPU_CLOCK_HZ + 1;        /* past a second boundary */
    vclock_run(&m.clock);
    assert_int_equal(m.cpu.hw_irq_lines & 1, 1);
    assert_true(bus_read(bus, gt + GT_PCI0_IACK, 4, &v));
    assert_int_equal(v, 8);
    malta_reset(&m);
    assert_int_equal(m.cpu.hw_irq_lines & 1, 0);
    malta_destroy(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reset_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_mask_ack_eoi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_icw1_resets_chip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_priority_and_nesting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auto_eoi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cascade, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edge_and_level, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spurious, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poll, setup, teardown),
        cmocka_unit_test_setup_teardown(test_special_mask, setup, teardown),
        cmocka_unit_test(test_malta_iack_and_wiring),
    };
    return cmocka_run_group_tests_name("i8259", tests, NULL, NULL);
}
