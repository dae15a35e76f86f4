/* The hypercore's run queue (roms/hv/sched.c) on the host: round-robin order, pause,
 * resume and remove, the idle entity, and the time slice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sched.h"

#define SLICE 3

typedef struct fixture {
    sched_t s;
    sched_entity_t main_e, idle, t[4];
} fixture_t;

static fixture_t f;

static int setup(void **state)
{
    (void)state;
    f = (fixture_t){ 0 };
    sched_init(&f.s, &f.main_e, &f.idle, SLICE);
    return 0;
}

/* Picks n times, checking each pick against the list. */
static void expect_picks(sched_entity_t *const *order, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sched_entity_t *e = sched_pick_next(&f.s);
        assert_ptr_equal(e, order[i]);
        assert_int_equal(e->state, SCHED_RUNNING);
        assert_ptr_equal(f.s.running, e);
    }
}

static void test_init(void **state)
{
    (void)state;
    assert_ptr_equal(f.s.running, &f.main_e);
    assert_int_equal(f.main_e.state, SCHED_RUNNING);
    assert_int_equal(f.s.ready_count, 0);
    /* Alone: yielding keeps the CPU, the idle entity does not run. */
    assert_ptr_equal(sched_pick_next(&f.s), &f.main_e);
}

static void test_round_robin(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++)
        sched_add(&f.s, &f.t[i]);
    assert_int_equal(f.s.ready_count, 3);
    assert_int_equal(f.t[0].state, SCHED_READY);
    sched_entity_t *const order[] = { &f.t[0], &f.t[1], &f.t[2], &f.main_e,
                                      &f.t[0], &f.t[1], &f.t[2], &f.main_e };
    expect_picks(order, 8);
    assert_int_equal(f.s.ready_count, 3);
}

static void test_pause_resume(void **state)
{
    (void)state;
    sched_add(&f.s, &f.t[0]);
    sched_add(&f.s, &f.t[1]);
    sched_add(&f.s, &f.t[2]);
    sched_pause(&f.s, &f.t[1]);                 /* READY -> PAUSED: off the FIFO */
    assert_int_equal(f.t[1].state, SCHED_PAUSED);
    assert_int_equal(f.s.ready_count, 2);
    sched_entity_t *const before[] = { &f.t[0], &f.t[2], &f.main_e, &f.t[0] };
    expect_picks(before, 4);
    assert_true(sched_resume(&f.s, &f.t[1]));   /* to the tail, behind t2 and main */
    assert_false(sched_resume(&f.s, &f.t[1]));  /* not paused any more */
    sched_entity_t *const after[] = { &f.t[2], &f.main_e, &f.t[1], &f.t[0] };
    expect_picks(after, 4);
}

static void test_pause_running(void **state)
{
    (void)state;
    sched_add(&f.s, &f.t[0]);
    sched_pause(&f.s, &f.main_e);               /* the running one: it gives up the CPU */
    assert_int_equal(f.main_e.state, SCHED_PAUSED);
    sched_entity_t *const order[] = { &f.t[0], &f.t[0] };
    expect_picks(order, 2);                     /* main stays out */
    assert_true(sched_resume(&f.s, &f.main_e));
    sched_entity_t *const back[] = { &f.main_e, &f.t[0] };
    expect_picks(back, 2);
}

static void test_pause_resume_before_switch(void **state)
{
    (void)state;
    /* Paused and resumed while still running: it keeps the CPU, and is never queued twice. */
    sched_add(&f.s, &f.t[0]);
    sched_pause(&f.s, &f.main_e);
    assert_true(sched_resume(&f.s, &f.main_e));
    assert_int_equal(f.main_e.state, SCHED_RUNNING);
    assert_int_equal(f.s.ready_count, 1);
    sched_entity_t *const order[] = { &f.t[0], &f.main_e, &f.t[0] };
    expect_picks(order, 3);
}

static void test_remove(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++)
        sched_add(&f.s, &f.t[i]);
    sched_remove(&f.s, &f.t[1]);                /* from the middle of the FIFO */
    sched_remove(&f.s, &f.t[2]);                /* the tail: the tail pointer moves */
    assert_int_equal(f.t[1].state, SCHED_DEAD);
    assert_int_equal(f.s.ready_count, 1);
    sched_add(&f.s, &f.t[3]);                   /* appended after the new tail */
    sched_entity_t *const order[] = { &f.t[0], &f.t[3], &f.main_e, &f.t[0] };
    expect_picks(order, 4);
    /* The running one removes itself (exits): never picked again. */
    sched_remove(&f.s, &f.t[0]);
    sched_entity_t *const rest[] = { &f.t[3], &f.main_e, &f.t[3] };
    expect_picks(rest, 3);
    assert_false(sched_resume(&f.s, &f.t[0]));  /* dead stays dead */
    sched_add(&f.s, &f.t[1]);                   /* a dead entity may be reused */
    assert_int_equal(f.t[1].state, SCHED_READY);
}

static void test_idle(void **state)
{
    (void)state;
    sched_pause(&f.s, &f.main_e);
    assert_ptr_equal(sched_pick_next(&f.s), &f.idle);   /* nothing ready: idle */
    assert_ptr_equal(sched_pick_next(&f.s), &f.idle);   /* and it stays */
    assert_int_equal(f.s.ready_count, 0);
    assert_false(sched_tick(&f.s));             /* idle with nothing ready: keep idling */
    sched_resume(&f.s, &f.main_e);
    assert_true(sched_tick(&f.s));              /* something ready: leave idle at once */
    assert_ptr_equal(sched_pick_next(&f.s), &f.main_e);
    assert_int_equal(f.idle.state, SCHED_READY);
    assert_int_equal(f.s.ready_count, 0);       /* idle never enters the FIFO */
}

static void test_slice(void **state)
{
    (void)state;
    /* Alone, the slice ends but nobody is waiting: no switch, a new slice. */
    for (int i = 0; i < 2 * SLICE; i++)
        assert_false(sched_tick(&f.s));
    sched_add(&f.s, &f.t[0]);
    int ticks = 1;
    while (!sched_tick(&f.s))
        ticks++;
    assert_in_range(ticks, 1, SLICE);
    assert_ptr_equal(sched_pick_next(&f.s), &f.t[0]);
    assert_int_equal(f.t[0].slice_left, SLICE); /* a full slice for the new one */
    for (int i = 1; i < SLICE; i++)
        assert_false(sched_tick(&f.s));
    assert_true(sched_tick(&f.s));              /* exactly SLICE ticks */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init, setup),
        cmocka_unit_test_setup(test_round_robin, setup),
        cmocka_unit_test_setup(test_pause_resume, setup),
        cmocka_unit_test_setup(test_pause_running, setup),
        cmocka_unit_test_setup(test_pause_resume_before_switch, setup),
        cmocka_unit_test_setup(test_remove, setup),
        cmocka_unit_test_setup(test_idle, setup),
        cmocka_unit_test_setup(test_slice, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
