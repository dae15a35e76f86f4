/* The device timer facility (src/devices/vclock.c): ordering, re-arming, cancelling,
 * callbacks that re-arm, the kick, and the overflow-free conversions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "devices/vclock.h"

typedef struct fixture {
    uint64_t now;
    vclock_t clock;
    vclock_timer_t t[3];
    char order[16];
    unsigned fired;
    unsigned kicks;
    uint64_t period;              /* timer 2 re-arms itself this far ahead when non-zero */
} fixture_t;

static fixture_t fx;

static void cb(void *opaque)
{
    vclock_timer_t *t = opaque;
    int i = (int)(t - fx.t);
    if (fx.fired < sizeof(fx.order) - 1)
        fx.order[fx.fired] = (char)('a' + i);
    fx.fired++;
    if (i == 2 && fx.period)
        vclock_timer_mod(t, t->clock->now[0] + fx.period);
}

static void kick(void *opaque)
{
    (void)opaque;
    fx.kicks++;
}

static int setup(void **state)
{
    (void)state;
    memset(&fx, 0, sizeof(fx));
    vclock_init(&fx.clock, &fx.now, 1000);
    vclock_set_kick(&fx.clock, kick, NULL);
    for (int i = 0; i < 3; i++)
        vclock_timer_init(&fx.t[i], &fx.clock, cb, &fx.t[i]);
    return 0;
}

static void test_order_and_run(void **state)
{
    (void)state;
    assert_int_equal(vclock_next(&fx.clock), VCLOCK_NEVER);
    vclock_timer_mod(&fx.t[0], 30);
    vclock_timer_mod(&fx.t[1], 10);
    vclock_timer_mod(&fx.t[2], 20);
    assert_int_equal(fx.kicks, 2);           /* 30 and then 10 became the earliest */
    assert_int_equal(vclock_next(&fx.clock), 10);
    fx.now = 9;
    vclock_run(&fx.clock);
    assert_int_equal(fx.fired, 0);
    fx.now = 25;                             /* late: both due ones run, in order */
    vclock_run(&fx.clock);
    assert_string_equal(fx.order, "bc");
    assert_false(vclock_timer_pending(&fx.t[1]));
    assert_int_equal(vclock_next(&fx.clock), 30);
    vclock_timer_mod(&fx.t[0], 40);          /* re-arming moves it */
    vclock_timer_mod(&fx.t[1], 40);          /* equal deadlines: arming order */
    fx.now = 40;
    vclock_run(&fx.clock);
    assert_string_equal(fx.order, "bcab");
}

static void test_delete_and_rearm_in_callback(void **state)
{
    (void)state;
    vclock_timer_mod(&fx.t[0], 5);
    vclock_timer_del(&fx.t[0]);
    vclock_timer_del(&fx.t[0]);              /* twice is harmless */
    assert_int_equal(vclock_next(&fx.clock), VCLOCK_NEVER);
    fx.period = 100;
    vclock_timer_mod(&fx.t[2], 100);
    for (fx.now = 0; fx.now <= 1000; fx.now += 50)
        vclock_run(&fx.clock);
    assert_int_equal(fx.fired, 10);
    assert_int_equal(vclock_next(&fx.clock), 1100);
    vclock_timer_mod(&fx.t[2], VCLOCK_NEVER);   /* "never" cancels */
    assert_false(vclock_timer_pending(&fx.t[2]));
}

static void test_muldiv(void **state)
{
    (void)state;
    /* A day of 320 MHz virtual time in PIT ticks, without overflowing 64 bits. */
    uint64_t day = 86400ull * 320000000u;
    assert_int_equal(vclock_muldiv(day, 1193182u, 320000000u), 86400ull * 1193182u);
    assert_int_equal(vclock_muldiv(10, 1, 3), 3);
    assert_int_equal(vclock_muldiv_ceil(10, 1, 3), 4);
    assert_int_equal(vclock_muldiv_ceil(9, 1, 3), 3);
    assert_int_equal(vclock_muldiv(UINT64_MAX, 2, 4), UINT64_MAX / 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_order_and_run, setup),
        cmocka_unit_test_setup(test_delete_and_rearm_in_callback, setup),
        cmocka_unit_test_setup(test_muldiv, setup),
    };
    return cmocka_run_group_tests_name("vclock", tests, NULL, NULL);
}
