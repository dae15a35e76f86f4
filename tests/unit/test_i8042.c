/* The i8042 keyboard controller and its PS/2 devices (src/devices/i8042.c), driven as
 * Linux 6.1's i8042, atkbd and libps2 drive them: controller self-test and interface
 * tests, the command byte, the AUX loop-back and its IRQ 12, keyboard reset and ID,
 * interface disabling, the mouse's reset and the IntelliMouse knock.
 *
 * Expected behaviour: QEMU's hw/input/pckbd.c (extended state) and hw/input/ps2.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "devices/i8042.h"

#define STAT_OBF       0x01
#define STAT_AUX       0x20

typedef struct fixture {
    i8042_t kbc;
    bool irq[2];                  /* [0] IRQ 1, [1] IRQ 12 */
    unsigned rises[2];
    unsigned resets;
} fixture_t;

static void irq_set_cb(void *opaque, int n, bool level)
{
    fixture_t *f = opaque;
    int i = n == 12;
    if (level && !f->irq[i])
        f->rises[i]++;
    f->irq[i] = level;
}

static void reset_request(void *opaque)
{
    ((fixture_t *)opaque)->resets++;
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    i8042_init(&f->kbc, (irq_line_t){ irq_set_cb, f, 1 }, (irq_line_t){ irq_set_cb, f, 12 });
    f->kbc.reset_request = reset_request;
    f->kbc.opaque = f;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static uint8_t status(fixture_t *f) { return (uint8_t)i8042_cmd_ops.read(&f->kbc, 0, 1); }
static uint8_t data(fixture_t *f) { return (uint8_t)i8042_data_ops.read(&f->kbc, 0, 1); }
static void command(fixture_t *f, uint8_t v) { i8042_cmd_ops.write(&f->kbc, 0, v, 1); }
static void put(fixture_t *f, uint8_t v) { i8042_data_ops.write(&f->kbc, 0, v, 1); }

/* i8042_command's result read: wait for OBF, then read. */
static uint8_t result(fixture_t *f)
{
    assert_true(status(f) & STAT_OBF);
    return data(f);
}

static void test_reset_state(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(status(f), 0x18);       /* command last, not inhibited, empty */
    command(f, 0x20);
    assert_int_equal(result(f), 0x03);       /* both interrupts on, no translation */
    assert_int_equal(status(f) & STAT_OBF, 0);
    assert_false(f->irq[0] || f->irq[1]);
}

static void test_self_test_and_interface_tests(void **state)
{
    fixture_t *f = *state;
    command(f, 0xAA);
    assert_int_equal(status(f), 0x1D);       /* OBF and the system flag */
    assert_int_equal(data(f), 0x55);
    assert_int_equal(status(f) & STAT_OBF, 0);
    assert_int_equal(data(f), 0x55);         /* an empty buffer reads its last byte */
    command(f, 0xAB);
    assert_int_equal(result(f), 0x00);
    command(f, 0xA9);
    assert_int_equal(result(f), 0x00);
    command(f, 0xC0);
    assert_int_equal(result(f), 0x80);
    command(f, 0xD0);
    assert_int_equal(result(f) & 0x03, 0x03);   /* output port: not in reset, A20 */
    command(f, 0xFE);                        /* pulse the reset line */
    assert_int_equal(f->resets, 1);
    command(f, 0xFF);                        /* pulse nothing */
    assert_int_equal(f->resets, 1);
}

static void test_command_byte(void **state)
{
    fixture_t *f = *state;
    command(f, 0x60);
    put(f, 0x12);                            /* Linux: keyboard off, AUX interrupt on */
    command(f, 0x20);
    assert_int_equal(result(f), 0x12);
    command(f, 0xA7);                        /* AUX off: bit 5 */
    command(f, 0x20);
    assert_int_equal(result(f), 0x32);
    command(f, 0xA8);
    command(f, 0xAE);                        /* keyboard on: bit 4 clear */
    command(f, 0x20);
    assert_int_equal(result(f), 0x02);
    command(f, 0xAD);
    command(f, 0x20);
    assert_int_equal(result(f), 0x12);
}

static void test_aux_loop_and_irq12(void **state)
{
    fixture_t *f = *state;
    command(f, 0xD3);                        /* I8042_CMD_AUX_LOOP */
    put(f, 0x5A);
    assert_int_equal(status(f) & (STAT_OBF | STAT_AUX), STAT_OBF | STAT_AUX);
    assert_true(f->irq[1]);                  /* Linux's AUX IRQ test wants IRQ 12 */
    assert_false(f->irq[0]);
    assert_int_equal(data(f), 0x5A);
    assert_false(f->irq[1]);
    command(f, 0x60);
    put(f, 0x01);                            /* AUX interrupt off */
    command(f, 0xD3);
    put(f, 0xA5);
    assert_false(f->irq[1]);
    assert_int_equal(data(f), 0xA5);
    command(f, 0xD2);                        /* as if from the keyboard */
    put(f, 0x77);
    assert_true(f->irq[0]);
    assert_int_equal(status(f) & STAT_AUX, 0);
    assert_int_equal(data(f), 0x77);
}

static void test_keyboard_reset_and_id(void **state)
{
    fixture_t *f = *state;
    put(f, 0xFF);                            /* ATKBD_CMD_RESET_BAT */
    assert_true(f->irq[0]);
    assert_int_equal(data(f), 0xFA);         /* each byte its own interrupt */
    assert_true(f->irq[0]);
    assert_int_equal(data(f), 0xAA);
    assert_false(f->irq[0]);
    assert_int_equal(f->rises[0], 2);
    put(f, 0xF2);                            /* ATKBD_CMD_GETID */
    assert_int_equal(data(f), 0xFA);
    assert_int_equal(data(f), 0xAB);
    assert_int_equal(data(f), 0x83);         /* raw set 2: Linux reports "AT Raw Set 2" */
    assert_int_equal(status(f) & STAT_OBF, 0);
    command(f, 0x60);
    put(f, 0x43);                            /* translation on */
    put(f, 0xF2);
    assert_int_equal(data(f), 0xFA);
    assert_int_equal(data(f), 0xAB);
    assert_int_equal(data(f), 0x41);
    put(f, 0xED);                            /* set LEDs: ACK, parameter, ACK */
    assert_int_equal(data(f), 0xFA);
    put(f, 0x07);
    assert_int_equal(data(f), 0xFA);
    assert_int_equal(f->kbc.kbd.leds, 0x07);
    put(f, 0xF0);                            /* get scan code set, translated */
    put(f, 0x00);
    assert_int_equal(data(f), 0xFA);
    assert_int_equal(data(f), 0xFA);
    assert_int_equal(data(f), 0x41);
    put(f, 0xEE);
    assert_int_equal(data(f), 0xEE);
    put(f, 0x42);                            /* unknown: resend */
    assert_int_equal(data(f), 0xFE);
}

static void test_disabled_interface_holds_bytes(void **state)
{
    fixture_t *f = *state;
    put(f, 0xF4);                            /* (re-enables the interface it talks to) */
    assert_int_equal(data(f), 0xFA);
    command(f, 0xAD);                        /* keyboard interface off */
    f->kbc.kbd.q.data[0] = 0x1C;             /* a key arrives meanwhile */
    f->kbc.kbd.q.head = 0;
    f->kbc.kbd.q.count = 1;
    command(f, 0x20);                        /* controller replies still come */
    assert_int_equal(result(f), 0x13);
    assert_int_equal(status(f) & STAT_OBF, 0);
    command(f, 0xAE);
    assert_true(f->irq[0]);
    assert_int_equal(data(f), 0x1C);
}

static void test_mouse(void **state)
{
    fixture_t *f = *state;
    command(f, 0xD4);
    put(f, 0xFF);                            /* reset: ACK, BAT, ID 0 */
    assert_int_equal(status(f) & (STAT_OBF | STAT_AUX), STAT_OBF | STAT_AUX);
    assert_int_equal(data(f), 0xFA);
    assert_int_equal(data(f), 0xAA);
    assert_int_equal(data(f), 0x00);
    assert_int_equal(f->rises[1], 3);
    static const uint8_t knock[] = { 200, 100, 80 };
    for (size_t i = 0; i < sizeof(knock); i++) {
        command(f, 0xD4);
        put(f, 0xF3);
        assert_int_equal(data(f), 0xFA);
        command(f, 0xD4);
        put(f, knock[i]);
        assert_int_equal(data(f), 0xFA);
    }
    command(f, 0xD4);
    put(f, 0xF2);                            /* get ID: an IntelliMouse now */
    assert_int_equal(data(f), 0xFA);
    assert_int_equal(data(f), 0x03);
    command(f, 0xD4);
    put(f, 0xE9);                            /* status: stream, disabled, res 2, 80 Hz */
    assert_int_equal(data(f), 0xFA);
    assert_int_equal(data(f), 0x00);
    assert_int_equal(data(f), 0x02);
    assert_int_equal(data(f), 80);
    command(f, 0xA7);                        /* AUX interface off: replies wait */
    f->kbc.mouse.q.data[0] = 0x08;
    f->kbc.mouse.q.head = 0;
    f->kbc.mouse.q.count = 1;
    command(f, 0xD3);
    put(f, 0x01);                            /* (the loop-back is the controller's own) */
    assert_int_equal(data(f), 0x01);
    assert_int_equal(status(f) & STAT_OBF, 0);
    command(f, 0xA8);
    assert_int_equal(data(f), 0x08);
}

static void test_reset(void **state)
{
    fixture_t *f = *state;
    command(f, 0xAA);
    command(f, 0x60);
    put(f, 0x00);
    i8042_reset(&f->kbc);
    assert_int_equal(status(f), 0x18);
    command(f, 0x20);
    assert_int_equal(result(f), 0x03);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reset_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_self_test_and_interface_tests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_command_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_aux_loop_and_irq12, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyboard_reset_and_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disabled_interface_holds_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mouse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
    };
    return cmocka_run_group_tests_name("i8042", tests, NULL, NULL);
}
