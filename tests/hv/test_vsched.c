/* The VCPU scheduler's run queue (roms/hv/vsched.c) on the host: round robin over the
 * VCPUs and the hypercore, slices per entry, WAIT until a Count deadline, stopped VCPUs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vsched.h"

#define VCPU_SLICE 2
#define HC_SLICE 1

static vsched_t s;

static int setup(void **state)
{
    (void)state;
    vsched_init(&s, 2, VCPU_SLICE, HC_SLICE);
    return 0;
}

static void test_init(void **state)
{
    (void)state;
    assert_int_equal(s.n, 2);
    assert_int_equal(s.running, VSCHED_HYPERCORE(&s));
    assert_int_equal(s.e[2].state, VSCHED_RUNNING);
    assert_int_equal(s.e[0].state, VSCHED_READY);
    assert_int_equal(vsched_live(&s), 2);
    assert_true(vsched_other_ready(&s));
}

static void test_round_robin(void **state)
{
    (void)state;
    const uint32_t order[] = { 0, 1, 2, 0, 1, 2, 0 };
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        assert_int_equal(vsched_pick(&s), order[i]);
        assert_int_equal(s.e[order[i]].state, VSCHED_RUNNING);
    }
    assert_int_equal(s.e[1].state, VSCHED_READY);
    assert_int_equal(s.e[2].state, VSCHED_READY);
}

/* A VCPU's slice is VCPU_SLICE ticks, the whole hypercore's HC_SLICE. */
static void test_slices(void **state)
{
    (void)state;
    assert_int_equal(vsched_pick(&s), 0);
    assert_false(vsched_tick(&s));
    assert_true(vsched_tick(&s));
    assert_int_equal(vsched_pick(&s), 1);
    assert_false(vsched_tick(&s));
    assert_true(vsched_tick(&s));
    assert_int_equal(vsched_pick(&s), 2);
    assert_true(vsched_tick(&s));
    assert_int_equal(s.e[0].ticks, 2);
    assert_int_equal(s.e[2].ticks, 1);
}

/* Alone (the others stopped or waiting), an entry gets slice after slice. */
static void test_alone(void **state)
{
    (void)state;
    assert_int_equal(vsched_pick(&s), 0);
    vsched_stop(&s, 1);
    vsched_wait(&s, 0, 1000);           /* the running VCPU waits: the hypercore next */
    assert_int_equal(vsched_pick(&s), 2);
    for (int i = 0; i < 5; i++)
        assert_false(vsched_tick(&s));
    assert_int_equal(vsched_live(&s), 1);
}

static void test_wait_wake(void **state)
{
    (void)state;
    assert_int_equal(vsched_pick(&s), 0);
    vsched_wait(&s, 0, 0xFFFFFF00u);    /* across the Count wrap */
    assert_int_equal(vsched_pick(&s), 1);
    vsched_wait(&s, 1, 0x00000100u);
    assert_int_equal(vsched_pick(&s), 2);
    uint32_t wake;
    assert_true(vsched_next_wake(&s, 0xFFFFFE00u, &wake));
    assert_int_equal(wake, 0xFFFFFF00u);
    assert_int_equal(vsched_wake_due(&s, 0xFFFFFEFFu), 0);
    assert_int_equal(vsched_wake_due(&s, 0xFFFFFF00u), 1);
    assert_int_equal(s.e[0].state, VSCHED_READY);
    assert_true(vsched_next_wake(&s, 0xFFFFFF00u, &wake));
    assert_int_equal(wake, 0x100u);
    assert_int_equal(vsched_wake_due(&s, 0x00000200u), 1);
    assert_false(vsched_next_wake(&s, 0x200u, &wake));
    const uint32_t order[] = { 0, 1, 2 };
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(vsched_pick(&s), order[i]);
}

/* Stopped VCPUs are skipped for good; the hypercore always remains. */
static void test_stop(void **state)
{
    (void)state;
    vsched_stop(&s, 0);
    vsched_stop(&s, 5);                 /* out of range: ignored */
    assert_int_equal(vsched_live(&s), 1);
    assert_int_equal(vsched_pick(&s), 1);
    vsched_stop(&s, 1);
    assert_int_equal(vsched_live(&s), 0);
    assert_int_equal(vsched_pick(&s), 2);
    assert_int_equal(vsched_pick(&s), 2);
    assert_false(vsched_other_ready(&s));
    vsched_wait(&s, 2, 0);              /* the hypercore never waits */
    assert_int_equal(s.e[2].state, VSCHED_RUNNING);
}

static void test_max(void **state)
{
    (void)state;
    vsched_t big;
    vsched_init(&big, 9, 0, 0);
    assert_int_equal(big.n, VSCHED_MAX_VCPUS);
    assert_int_equal(big.vcpu_slice, 1);
    assert_int_equal(big.hypercore_slice, 1);
}

/* The management terminal's pause/resume/reset (vcpu.c): a paused VCPU gets no slices,
 * resumed it is READY (a WAIT ends early), a stopped one restarts READY. */
static void test_pause_resume_restart(void **state)
{
    (void)state;
    assert_true(vsched_pause(&s, 0));
    assert_false(vsched_pause(&s, 0));              /* already paused */
    for (int i = 0; i < 4; i++)
        assert_int_not_equal(vsched_pick(&s), 0);
    assert_int_equal(vsched_live(&s), 2);           /* paused is live */
    assert_false(vsched_resume(&s, 1));             /* not paused */
    assert_true(vsched_resume(&s, 0));
    assert_int_equal(s.e[0].state, VSCHED_READY);
    vsched_wait(&s, 1, 1000);
    assert_true(vsched_pause(&s, 1));               /* a WAITING one too */
    assert_int_equal(vsched_wake_due(&s, 2000), 0); /* its deadline does not wake it */
    assert_true(vsched_resume(&s, 1));
    vsched_stop(&s, 0);
    assert_false(vsched_pause(&s, 0));
    assert_true(vsched_restart(&s, 0));
    assert_int_equal(s.e[0].state, VSCHED_READY);
    assert_int_equal(vsched_live(&s), 2);
    assert_false(vsched_pause(&s, 7));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init, setup),
        cmocka_unit_test_setup(test_round_robin, setup),
        cmocka_unit_test_setup(test_slices, setup),
        cmocka_unit_test_setup(test_alone, setup),
        cmocka_unit_test_setup(test_wait_wake, setup),
        cmocka_unit_test_setup(test_stop, setup),
        cmocka_unit_test_setup(test_max, setup),
        cmocka_unit_test_setup(test_pause_resume_restart, setup),
    };
    return cmocka_run_group_tests_name("hv-vsched", tests, NULL, NULL);
}
