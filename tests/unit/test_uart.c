/* The 16550A UART (src/devices/uart16550.c), driven through its bus callbacks.
 *
 * Expected behaviour is the National Semiconductor PC16550D data sheet, and QEMU's
 * hw/char/serial.c where the data sheet leaves room (THRE interrupt on enabling IER.THRI,
 * which the Linux 8250 driver's THRE test relies on). No character back end is attached:
 * bytes come in through loopback (MCR.LOOP), which feeds the transmitter to the receiver. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "devices/uart16550.h"

enum { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4,
       LSR = 5, MSR = 6, SCR = 7 };

#define LSR_DR   0x01
#define LSR_OE   0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define IIR_NONE 0x01
#define IIR_THRE 0x02
#define IIR_RDA  0x04
#define IIR_RLS  0x06
#define IIR_FIFO 0xC0
#define MCR_LOOP 0x10

typedef struct fixture {
    uart16550_t uart;
    unsigned regshift;
    bool level;        /* the IRQ line as last driven */
    int line;          /* the line number the device passed */
    unsigned calls;
} fixture_t;

static void set_irq(void *opaque, int n, bool level)
{
    fixture_t *f = opaque;
    f->level = level;
    f->line = n;
    f->calls++;
}

static fixture_t *make(unsigned regshift)
{
    fixture_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->regshift = regshift;
    f->line = -1;
    uart16550_init(&f->uart, regshift, NULL, (irq_line_t){ set_irq, f, 4 });
    return f;
}

static int setup(void **state)
{
    *state = make(0);
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static uint8_t rd(fixture_t *f, unsigned reg)
{
    return (uint8_t)uart16550_ops.read(&f->uart, reg << f->regshift, 1);
}

static void wr(fixture_t *f, unsigned reg, uint8_t value)
{
    uart16550_ops.write(&f->uart, reg << f->regshift, value, 1);
}

static void test_reset_state(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(rd(f, LSR), LSR_THRE | LSR_TEMT);
    assert_int_equal(rd(f, IIR), IIR_NONE);
    assert_int_equal(rd(f, IER), 0);
    assert_int_equal(rd(f, LCR), 0);
    assert_int_equal(rd(f, MCR), 0);
    assert_int_equal(rd(f, MSR) & 0xF0, 0xB0);      /* DCD, DSR, CTS: a cable is there */
    assert_int_equal(rd(f, RBR), 0);                /* empty receiver */
    assert_int_equal(rd(f, LSR), LSR_THRE | LSR_TEMT);
    assert_false(f->level);
    assert_int_equal(f->line, 4);                   /* the line the board gave it */
}

static void test_scratch(void **state)
{
    fixture_t *f = *state;
    wr(f, SCR, 0xA5);
    assert_int_equal(rd(f, SCR), 0xA5);
    wr(f, SCR, 0x5A);
    assert_int_equal(rd(f, SCR), 0x5A);
}

/* With LCR.DLAB, offsets 0 and 1 are the divisor latch; IER and THR are untouched. */
static void test_divisor_latch(void **state)
{
    fixture_t *f = *state;
    wr(f, IER, 0x05);
    wr(f, LCR, 0x83);
    wr(f, DLL, 0x01);
    wr(f, DLM, 0x02);
    assert_int_equal(rd(f, DLL), 0x01);
    assert_int_equal(rd(f, DLM), 0x02);
    assert_int_equal(rd(f, LCR), 0x83);
    assert_int_equal(rd(f, LSR), LSR_THRE | LSR_TEMT);      /* nothing was received */
    wr(f, LCR, 0x03);
    assert_int_equal(rd(f, IER), 0x05);
    assert_int_equal(rd(f, LCR), 0x03);
    wr(f, LCR, 0x80);                                         /* the latch kept its value */
    assert_int_equal(rd(f, DLL), 0x01);
    assert_int_equal(rd(f, DLM), 0x02);
}

/* IER holds four bits. */
static void test_ier_bits(void **state)
{
    fixture_t *f = *state;
    wr(f, IER, 0xFF);
    assert_int_equal(rd(f, IER), 0x0F);
}

/* THRE: raised when IER.THRI is enabled with THR empty and after every THR write (the
 * transmitter is instant), cleared by reading IIR while it is the reported source. */
static void test_thre_interrupt(void **state)
{
    fixture_t *f = *state;
    wr(f, IER, 0x02);
    assert_true(f->level);
    assert_int_equal(rd(f, IIR), IIR_THRE);
    assert_false(f->level);
    assert_int_equal(rd(f, IIR), IIR_NONE);
    wr(f, THR, 'x');
    assert_true(f->level);
    assert_int_equal(rd(f, LSR) & (LSR_THRE | LSR_TEMT), LSR_THRE | LSR_TEMT);
    assert_int_equal(rd(f, IIR), IIR_THRE);
    assert_false(f->level);
    assert_int_equal(rd(f, IIR), IIR_NONE);
    /* Masked: a THR write raises nothing. */
    wr(f, IER, 0x00);
    wr(f, THR, 'y');
    assert_false(f->level);
    assert_int_equal(rd(f, IIR), IIR_NONE);
}

/* Received data (priority 2) is reported before THRE (priority 3); THRE shows once the
 * data is read. */
static void test_iir_priority(void **state)
{
    fixture_t *f = *state;
    wr(f, MCR, MCR_LOOP);
    wr(f, IER, 0x03);
    wr(f, THR, 'A');
    assert_true(f->level);
    assert_int_equal(rd(f, IIR), IIR_RDA);
    assert_true(f->level);                                   /* reading IIR keeps RDA */
    assert_int_equal(rd(f, IIR), IIR_RDA);
    assert_int_equal(rd(f, RBR), 'A');
    assert_int_equal(rd(f, IIR), IIR_THRE);
    assert_int_equal(rd(f, IIR), IIR_NONE);
    assert_false(f->level);
}

/* Line status (priority 1) beats received data: an overrun with IER.RLSI. */
static void test_rls_priority_and_oe(void **state)
{
    fixture_t *f = *state;
    wr(f, FCR, 0x01);
    wr(f, MCR, MCR_LOOP);
    for (int i = 0; i < 16; i++)
        wr(f, THR, (uint8_t)('a' + i));
    wr(f, IER, 0x05);                                        /* RLSI | RDI */
    assert_int_equal(rd(f, IIR), IIR_FIFO | IIR_RDA);
    assert_int_equal(rd(f, LSR), LSR_DR | LSR_THRE | LSR_TEMT);   /* 16 fit */
    wr(f, THR, 'q');                                         /* the 17th does not */
    assert_int_equal(rd(f, IIR), IIR_FIFO | IIR_RLS);
    assert_true(f->level);
    assert_int_equal(rd(f, LSR), LSR_DR | LSR_OE | LSR_THRE | LSR_TEMT);
    /* Reading LSR cleared OE and with it the line status interrupt. */
    assert_int_equal(rd(f, LSR), LSR_DR | LSR_THRE | LSR_TEMT);
    assert_int_equal(rd(f, IIR), IIR_FIFO | IIR_RDA);
    /* The FIFO kept the first 16 bytes; the overrunning byte is lost. */
    for (int i = 0; i < 16; i++)
        assert_int_equal(rd(f, RBR), 'a' + i);
    assert_int_equal(rd(f, LSR), LSR_THRE | LSR_TEMT);
    assert_int_equal(rd(f, IIR), IIR_FIFO | IIR_NONE);
    assert_false(f->level);
}

/* With the FIFO disabled (16450 mode) the receiver holds one character: a second one
 * before RBR is read sets OE and replaces it (PC16550D data sheet, LSR bit 1; QEMU
 * serial_receive1). */
static void test_overrun_without_fifo(void **state)
{
    fixture_t *f = *state;
    wr(f, MCR, MCR_LOOP);
    wr(f, THR, 'a');
    assert_int_equal(rd(f, LSR), LSR_DR | LSR_THRE | LSR_TEMT);
    wr(f, THR, 'b');
    assert_int_equal(rd(f, LSR), LSR_DR | LSR_OE | LSR_THRE | LSR_TEMT);
    assert_int_equal(rd(f, LSR), LSR_DR | LSR_THRE | LSR_TEMT);
    assert_int_equal(rd(f, RBR), 'b');
    assert_int_equal(rd(f, LSR), LSR_THRE | LSR_TEMT);
}

/* FCR: bit 0 enables the FIFOs (IIR bits 7:6 read 11), bit 1 empties the receiver. */
static void test_fifo_control(void **state)
{
    fixture_t *f = *state;
    wr(f, FCR, 0x01);
    assert_int_equal(rd(f, IIR), IIR_FIFO | IIR_NONE);
    wr(f, MCR, MCR_LOOP);
    wr(f, THR, '1');
    wr(f, THR, '2');
    assert_true(rd(f, LSR) & LSR_DR);
    wr(f, FCR, 0x03);                                        /* RX reset */
    assert_int_equal(rd(f, LSR), LSR_THRE | LSR_TEMT);
    assert_int_equal(rd(f, IIR), IIR_FIFO | IIR_NONE);
    wr(f, FCR, 0x00);
    assert_int_equal(rd(f, IIR), IIR_NONE);
}

/* Loopback: THR comes back in RBR; MSR shows DTR, RTS, OUT1, OUT2 as DSR, CTS, RI, DCD. */
static void test_loopback(void **state)
{
    fixture_t *f = *state;
    wr(f, MCR, MCR_LOOP);
    assert_int_equal(rd(f, MCR), MCR_LOOP);
    wr(f, THR, 0x41);
    assert_int_equal(rd(f, LSR), LSR_DR | LSR_THRE | LSR_TEMT);
    assert_int_equal(rd(f, RBR), 0x41);
    assert_int_equal(rd(f, LSR), LSR_THRE | LSR_TEMT);
    assert_int_equal(rd(f, MSR) & 0xF0, 0x00);
    wr(f, MCR, MCR_LOOP | 0x01);                             /* DTR -> DSR */
    assert_int_equal(rd(f, MSR) & 0xF0, 0x20);
    wr(f, MCR, MCR_LOOP | 0x02);                             /* RTS -> CTS */
    assert_int_equal(rd(f, MSR) & 0xF0, 0x10);
    wr(f, MCR, MCR_LOOP | 0x04);                             /* OUT1 -> RI */
    assert_int_equal(rd(f, MSR) & 0xF0, 0x40);
    wr(f, MCR, MCR_LOOP | 0x08);                             /* OUT2 -> DCD */
    assert_int_equal(rd(f, MSR) & 0xF0, 0x80);
    wr(f, MCR, 0xFF);
    assert_int_equal(rd(f, MCR), 0x1F);
    assert_int_equal(rd(f, MSR) & 0xF0, 0xF0);
}

/* The IRQ line is a level that follows IIR bit 0, through every source. */
static void test_irq_level_follows(void **state)
{
    fixture_t *f = *state;
    wr(f, MCR, MCR_LOOP);
    wr(f, IER, 0x01);
    assert_false(f->level);
    wr(f, THR, 'z');
    assert_true(f->level);
    assert_int_equal(rd(f, IIR) & 1, 0);
    wr(f, IER, 0x00);                                        /* masking lowers it */
    assert_false(f->level);
    wr(f, IER, 0x01);                                        /* unmasking raises it again */
    assert_true(f->level);
    (void)rd(f, RBR);
    assert_false(f->level);
    assert_int_equal(rd(f, IIR), IIR_NONE);
}

/* Registers sit 1 << regshift bytes apart (the CBUS UART uses 8). */
static void test_regshift(void **state)
{
    (void)state;
    fixture_t *f = make(3);
    assert_int_equal(uart16550_ops.read(&f->uart, 5 * 8, 1), LSR_THRE | LSR_TEMT);
    uart16550_ops.write(&f->uart, 7 * 8, 0x77, 4);
    assert_int_equal(uart16550_ops.read(&f->uart, 7 * 8, 4), 0x77);
    assert_int_equal(uart16550_ops.read(&f->uart, 3 * 8, 4), 0);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reset_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scratch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_divisor_latch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ier_bits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thre_interrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_iir_priority, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rls_priority_and_oe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overrun_without_fifo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifo_control, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loopback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_irq_level_follows, setup, teardown),
        cmocka_unit_test(test_regshift),
    };
    return cmocka_run_group_tests_name("uart", tests, NULL, NULL);
}
