/* The guest's virtual 16550 (roms/hv/vuart.c) on the host: what a driver reads and
 * writes, the interrupt line for received data and THR empty, the divisor latch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vuart.h"

enum { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4,
       LSR = 5, MSR = 6, SCR = 7 };

static vuart_t u;
static char sent[64];
static size_t n_sent;

static void out(void *ctx, char c)
{
    assert_ptr_equal(ctx, &u);
    if (n_sent < sizeof(sent))
        sent[n_sent++] = c;
}

static void wr(unsigned reg, uint8_t v)
{
    vuart_write(&u, reg, v, out, &u);
}

static int setup(void **state)
{
    (void)state;
    vuart_reset(&u);
    n_sent = 0;
    return 0;
}

static void test_reset_state(void **state)
{
    (void)state;
    assert_int_equal(vuart_read(&u, LSR), VUART_LSR_THRE | VUART_LSR_TEMT);
    assert_int_equal(vuart_read(&u, IIR), VUART_IIR_NONE);
    assert_int_equal(vuart_read(&u, IER), 0);
    assert_int_equal(vuart_read(&u, MSR), VUART_MSR_IDLE);
    assert_int_equal(vuart_read(&u, RBR), 0);        /* nothing received */
    assert_false(vuart_irq(&u));
}

static void test_transmit(void **state)
{
    (void)state;
    wr(THR, 'h');
    wr(THR, 'i');
    assert_int_equal(n_sent, 2);
    assert_memory_equal(sent, "hi", 2);
    assert_false(vuart_irq(&u));                     /* ETBEI off: no interrupt */
}

static void test_receive_interrupt(void **state)
{
    (void)state;
    assert_true(vuart_receive(&u, 'a'));
    assert_false(vuart_irq(&u));                     /* ERBFI off */
    assert_int_equal(vuart_read(&u, LSR) & VUART_LSR_DR, VUART_LSR_DR);
    wr(IER, VUART_IER_ERBFI);
    assert_true(vuart_irq(&u));
    assert_int_equal(vuart_read(&u, IIR), VUART_IIR_RDA);
    assert_true(vuart_receive(&u, 'b'));
    assert_int_equal(vuart_rx_count(&u), 2);
    assert_int_equal(vuart_read(&u, RBR), 'a');
    assert_true(vuart_irq(&u));                      /* level: 'b' is still there */
    assert_int_equal(vuart_read(&u, RBR), 'b');
    assert_false(vuart_irq(&u));
    assert_int_equal(vuart_read(&u, IIR), VUART_IIR_NONE);
    assert_int_equal(vuart_read(&u, LSR) & VUART_LSR_DR, 0);
}

static void test_thre_interrupt(void **state)
{
    (void)state;
    wr(IER, VUART_IER_ETBEI);                        /* THR is empty: at once */
    assert_true(vuart_irq(&u));
    assert_int_equal(vuart_read(&u, IIR), VUART_IIR_THRE);
    assert_false(vuart_irq(&u));                     /* reading IIR acknowledged it */
    wr(THR, 'x');                                    /* sent at once: empty again */
    assert_true(vuart_irq(&u));
    wr(IER, 0);
    assert_false(vuart_irq(&u));
}

static void test_priority(void **state)
{
    (void)state;
    wr(IER, VUART_IER_ERBFI | VUART_IER_ETBEI);
    vuart_receive(&u, 'z');
    assert_int_equal(vuart_read(&u, IIR), VUART_IIR_RDA);   /* data before THR empty */
    vuart_read(&u, RBR);
    assert_int_equal(vuart_read(&u, IIR), VUART_IIR_THRE);
    assert_int_equal(vuart_read(&u, IIR), VUART_IIR_NONE);
}

static void test_fifo_and_overrun(void **state)
{
    (void)state;
    wr(FCR, 0x07);                                   /* enable, clear both */
    assert_int_equal(vuart_read(&u, IIR), VUART_IIR_FIFO | VUART_IIR_NONE);
    for (unsigned i = 0; i < VUART_RX_SIZE; i++)
        assert_true(vuart_receive(&u, (uint8_t)i));
    assert_false(vuart_receive(&u, 0xEE));
    uint8_t lsr = vuart_read(&u, LSR);
    assert_int_equal(lsr & (VUART_LSR_OE | VUART_LSR_DR), VUART_LSR_OE | VUART_LSR_DR);
    assert_int_equal(vuart_read(&u, LSR) & VUART_LSR_OE, 0);  /* cleared by the read */
    assert_int_equal(vuart_read(&u, RBR), 0);
    wr(FCR, 0x03);                                   /* clear the receive FIFO */
    assert_int_equal(vuart_rx_count(&u), 0);
}

static void test_divisor_latch(void **state)
{
    (void)state;
    wr(IER, VUART_IER_ERBFI);
    wr(LCR, VUART_LCR_DLAB | 0x03);
    wr(DLL, 3);                                      /* 38400 baud */
    wr(DLM, 0);
    assert_int_equal(n_sent, 0);                     /* not transmitted */
    assert_int_equal(vuart_read(&u, DLL), 3);
    assert_int_equal(vuart_read(&u, DLM), 0);
    wr(LCR, 0x03);                                   /* 8N1 */
    assert_int_equal(vuart_read(&u, LCR), 0x03);
    assert_int_equal(vuart_read(&u, IER), VUART_IER_ERBFI);   /* IER kept */
}

static void test_mcr_scr(void **state)
{
    (void)state;
    wr(MCR, 0xFF);
    assert_int_equal(vuart_read(&u, MCR), 0x1F);
    wr(SCR, 0x5A);
    assert_int_equal(vuart_read(&u, SCR), 0x5A);
    wr(LSR, 0);                                      /* read-only */
    assert_int_equal(vuart_read(&u, LSR), VUART_LSR_THRE | VUART_LSR_TEMT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_state, setup),
        cmocka_unit_test_setup(test_transmit, setup),
        cmocka_unit_test_setup(test_receive_interrupt, setup),
        cmocka_unit_test_setup(test_thre_interrupt, setup),
        cmocka_unit_test_setup(test_priority, setup),
        cmocka_unit_test_setup(test_fifo_and_overrun, setup),
        cmocka_unit_test_setup(test_divisor_latch, setup),
        cmocka_unit_test_setup(test_mcr_scr, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
