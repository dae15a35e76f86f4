/* The device timer facility (src/devices/vclock.c): ordering, re-arming, cancelling,
 * callbacks that re-arm, the kick, the overflow-free conversions, and the pace of virtual
 * time against host time that the idle loop sleeps by. */
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

/* ---- The pace: virtual time against host time --------------------------------------- */

#define HZ 320000000ull          /* CPU_CLOCK_HZ */
#define MS 1000000ull            /* host ns */

/* A guest that ran ahead of the host (a host faster than HZ instructions a second) and then
 * waits for a timer 1 ms away sleeps 1 ms, not its lead too: Linux booting to poweroff ran
 * 14 s of virtual time in 9 s and then slept 5 s in its last WAIT. */
static void test_pace_ahead_keeps_lead(void **state)
{
    (void)state;
    vclock_pace_t p;
    vclock_pace_reset(&p, 0, 0);
    uint64_t now = HZ;                          /* 1 s of virtual time at host 250 ms */
    uint64_t next = now + HZ / 1000;
    assert_int_equal(vclock_pace_idle(&p, HZ, 250 * MS, now, next), 1 * MS);
    /* The wait goes at host speed: half of it after 0.5 ms, all of it after 1 ms. */
    assert_int_equal(vclock_pace_reached(&p, HZ, 250 * MS + MS / 2, next), now + HZ / 2000);
    assert_int_equal(vclock_pace_reached(&p, HZ, 251 * MS, next), next);
    assert_int_equal(vclock_pace_reached(&p, HZ, 900 * MS, next), next);   /* never past */
    /* Busy again: 1 s more of virtual time in 250 ms; the lead still costs no sleep. */
    now = next + HZ;
    assert_int_equal(vclock_pace_idle(&p, HZ, 501 * MS, now, now + HZ / 100), 10 * MS);
    /* An event already due: no wait at all. */
    assert_int_equal(vclock_pace_idle(&p, HZ, 600 * MS, now, now), 0);
}

/* A guest behind the host (a slow host) skips its idle time at once until it has caught
 * up, then waits in step with the host. */
static void test_pace_behind_catches_up(void **state)
{
    (void)state;
    vclock_pace_t p;
    vclock_pace_reset(&p, 0, 0);
    uint64_t now = HZ / 10;                     /* 100 ms of virtual time at host 1 s */
    uint64_t next = HZ / 5;
    assert_int_equal(vclock_pace_idle(&p, HZ, 1000 * MS, now, next), 0);
    assert_int_equal(vclock_pace_reached(&p, HZ, 1000 * MS, next), next);
    /* From 200 ms to 2 s of virtual time at host 1 s: the lag (800 ms) is skipped, the
     * rest (1 s) waited. */
    now = next;
    next = 2 * HZ;
    assert_int_equal(vclock_pace_idle(&p, HZ, 1000 * MS, now, next), 1000 * MS);
    assert_int_equal(vclock_pace_reached(&p, HZ, 1500 * MS, next), HZ + HZ / 2);
}

/* A long wait served in steps (the idle loop polls at most 100 ms at a time) ends at its
 * deadline in host time: the steps neither re-anchor nor add up rounding. */
static void test_pace_long_idle_in_steps(void **state)
{
    (void)state;
    vclock_pace_t p;
    vclock_pace_reset(&p, 5000 * MS, 7);        /* any anchor */
    uint64_t now = 7, next = 7 + HZ;            /* one second to wait */
    for (uint64_t host = 5000 * MS; host < 6000 * MS; host += 100 * MS) {
        assert_int_equal(vclock_pace_idle(&p, HZ, host, now, next), 6000 * MS - host);
        now = vclock_pace_reached(&p, HZ, host + 100 * MS, next);
        assert_int_equal(now, 7 + (host + 100 * MS - 5000 * MS) * (HZ / 1000) / MS);
    }
    assert_int_equal(now, next);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_order_and_run, setup),
        cmocka_unit_test_setup(test_delete_and_rearm_in_callback, setup),
        cmocka_unit_test_setup(test_muldiv, setup),
        cmocka_unit_test(test_pace_ahead_keeps_lead),
        cmocka_unit_test(test_pace_behind_catches_up),
        cmocka_unit_test(test_pace_long_idle_in_steps),
    };
    return cmocka_run_group_tests_name("vclock", tests, NULL, NULL);
}
