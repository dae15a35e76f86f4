/* The built-in self-test, run at boot from the main thread: the hypercore's threads,
 * cooperative and preemptive. One line per test, "selftest: PASS name: detail" or
 * "selftest: FAIL name: detail", then a summary; tests/hv/hvtest.py reads them on kseg and
 * QEMU. Numbers that depend on timing (how far a spinning thread got before a tick) are
 * printed in [brackets], which the test leaves out of its comparison. */
#include "hv.h"
#include "hthread.h"

static unsigned passed, failed;

static void result(bool ok, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void result(bool ok, const char *name, const char *fmt, ...)
{
    char detail[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    printf("selftest: %s %s: %s\n", ok ? "PASS" : "FAIL", name, detail);
    if (ok)
        passed++;
    else
        failed++;
}

/* Gives the CPU away until `t` has died. */
static void join(const hthread_t *t, uint32_t id)
{
    while (t->in_use && t->id == id)
        hthread_yield();
}

static bool current_is_self(void)
{
    return hthread_current() == hthread_self();
}

/* ---- Cooperative: three threads take turns ------------------------------------------------ */

static char coop_log[64];
static size_t coop_len;
static bool coop_current_ok = true;

static void coop_fn(void *arg)
{
    char letter = (char)(uintptr_t)arg;
    for (int i = 0; i < 3; i++) {
        coop_current_ok &= current_is_self();
        if (coop_len)
            coop_log[coop_len++] = ' ';
        coop_log[coop_len++] = letter;
        coop_log[coop_len++] = (char)('0' + i);
        hthread_yield();
    }
}

static void test_cooperative(void)
{
    hthread_t *t[3];
    uint32_t ids[3];
    for (int i = 0; i < 3; i++) {
        t[i] = hthread_create(i == 0 ? "coop-a" : i == 1 ? "coop-b" : "coop-c", coop_fn,
                              (void *)(uintptr_t)('A' + i));
        ids[i] = t[i] ? t[i]->id : 0;
    }
    if (!t[0] || !t[1] || !t[2]) {
        result(false, "cooperative", "hthread_create failed");
        return;
    }
    for (int i = 0; i < 3; i++)
        join(t[i], ids[i]);
    coop_log[coop_len] = '\0';
    result(strcmp(coop_log, "A0 B0 C0 A1 B1 C1 A2 B2 C2") == 0, "cooperative", "%s", coop_log);
    result(coop_current_ok && current_is_self() && hthread_self()->id == 0, "current",
           "sp & ~0x%x is the running thread in main and in each thread",
           HTHREAD_STACK_SIZE - 1);
}

/* ---- Pause, resume, destroy -------------------------------------------------------------- */

static volatile uint32_t steps;

static void stepper_fn(void *arg)
{
    (void)arg;
    for (;;) {
        steps++;
        hthread_yield();
    }
}

static void yield_times(int n)
{
    while (n--)
        hthread_yield();
}

static void test_pause_resume_destroy(void)
{
    steps = 0;
    hthread_t *t = hthread_create("stepper", stepper_fn, NULL);
    if (!t) {
        result(false, "pause", "hthread_create failed");
        return;
    }
    yield_times(3);
    uint32_t ran = steps;
    bool paused = hthread_pause(t);
    yield_times(3);
    uint32_t while_paused = steps;
    const char *state = hthread_state_name(t);
    result(ran == 3 && paused && while_paused == 3 && strcmp(state, "paused") == 0, "pause",
           "3 steps, then %s with %u steps after 3 more yields", state, while_paused);
    bool resumed = hthread_resume(t);
    yield_times(2);
    result(resumed && steps == 5, "resume", "%u steps after 2 more yields", steps);

    hthread_t *slot = t;
    bool destroyed = hthread_destroy(t);
    yield_times(3);
    bool gone = steps == 5 && !t->in_use && strcmp(hthread_state_name(t), "dead") == 0;
    hthread_t *again = hthread_create("reuse", stepper_fn, NULL);
    bool reused = again == slot;
    if (again)
        hthread_destroy(again);
    result(destroyed && gone && reused && !hthread_destroy(hthread_self()), "destroy",
           "no step after destroy, slot reused, main refuses");
}

/* ---- Wait and wake: work handed to a thread (hwnet.c's transmit queue) ------------------- */

static volatile uint32_t work_given, work_done;

static void worker_fn(void *arg)
{
    (void)arg;
    for (;;) {
        uint32_t ie = irq_save();
        while (work_done == work_given)
            hthread_wait();
        irq_restore(ie);
        work_done++;
    }
}

static void test_wait_wake(void)
{
    work_given = work_done = 0;
    hthread_t *t = hthread_create("worker", worker_fn, NULL);
    if (!t) {
        result(false, "wait-wake", "hthread_create failed");
        return;
    }
    yield_times(3);
    bool idle_waits = strcmp(hthread_state_name(t), "waiting") == 0 && t->runs == 1;
    /* Two wakes for one piece of work: the second finds the thread READY already and must
     * not put it on the run queue twice. */
    uint32_t ie = irq_save();
    work_given++;
    hthread_wake(t);
    hthread_wake(t);
    irq_restore(ie);
    yield_times(3);
    bool done = work_done == 1 && t->runs == 2 && strcmp(hthread_state_name(t), "waiting") == 0;
    hthread_destroy(t);
    result(idle_waits && done, "wait-wake", "waits with nothing to do, one wake ran it once "
           "for its work, a second wake was nothing, waits again");
}

/* ---- Preemption: threads that never yield ------------------------------------------------ */

static volatile uint32_t spins[2];

static void spinner_fn(void *arg)
{
    volatile uint32_t *counter = arg;
    for (;;)
        (*counter)++;
}

static void spin_ticks(uint32_t n)
{
    uint32_t start = timer_ticks();
    while (timer_ticks() - start < n)
        ;
}

static void test_preemption(void)
{
    hthread_set_preemptive(true);
    spins[0] = spins[1] = 0;
    hthread_t *a = hthread_create("spin-a", spinner_fn, (void *)&spins[0]);
    hthread_t *b = hthread_create("spin-b", spinner_fn, (void *)&spins[1]);
    if (!a || !b) {
        result(false, "preemption", "hthread_create failed");
        return;
    }
    /* main spins too, without yielding: that it gets back at all is the point. */
    spin_ticks(10 * HTHREAD_SLICE_TICKS);
    uint32_t sa = spins[0], sb = spins[1];
    bool ok = sa && sb && a->runs >= 2 && b->runs >= 2 && a->preemptions >= 1 &&
              b->preemptions >= 1;
    result(ok, "preemption", "two spinning threads and a spinning main all progress "
           "[a=%u b=%u runs %u/%u]", sa, sb, a->runs, b->runs);
    hthread_destroy(a);
    hthread_destroy(b);
    uint32_t after = spins[0] + spins[1];
    spin_ticks(2 * HTHREAD_SLICE_TICKS);
    result(spins[0] + spins[1] == after, "preempted-destroy", "destroyed spinners stay stopped");
}

/* A thread preempted by the timer, then resumed by a cooperative yield (switch.S into
 * exception.S's exit path). */
static volatile bool mixed_go, mixed_done;
static volatile uint32_t mixed_spins;

static void mixed_fn(void *arg)
{
    (void)arg;
    while (!mixed_go)
        mixed_spins++;
    mixed_done = current_is_self();
}

static void test_mixed(void)
{
    hthread_set_preemptive(true);
    hthread_t *t = hthread_create("mixed", mixed_fn, NULL);
    if (!t) {
        result(false, "yield-to-preempted", "hthread_create failed");
        return;
    }
    uint32_t id = t->id;
    while (*(volatile uint32_t *)&t->preemptions == 0)
        ;                               /* until the timer has taken the CPU from it */
    hthread_set_preemptive(false);
    mixed_go = true;
    join(t, id);
    result(mixed_done, "yield-to-preempted", "a preempted thread resumed by yield ran on");
}

/* ---- Sleep and the idle thread ----------------------------------------------------------- */

static void test_sleep_idle(void)
{
    /* Nothing else is ready: the idle thread runs, and the tick that wakes main takes the CPU
     * from it even in cooperative mode. */
    uint32_t idle_runs = hthread_idle()->runs;
    uint32_t t0 = timer_ticks();
    hthread_sleep(5);
    uint32_t slept = timer_ticks() - t0;
    bool idled = hthread_idle()->runs > idle_runs;
    result(slept >= 5 && slept < 50 && idled, "sleep", "main slept 5 ticks, the idle thread "
           "ran meanwhile [%u ticks]", slept);
}

/* ---- Stack guard --------------------------------------------------------------------------- */

static void test_stack_guard(void)
{
    hthread_t *t = hthread_create("victim", stepper_fn, NULL);
    if (!t) {
        result(false, "stack-guard", "hthread_create failed");
        return;
    }
    hthread_pause(t);                   /* never scheduled with a broken canary */
    bool fresh = hthread_stack_ok(t);
    t->canary ^= 1;
    bool caught = !hthread_stack_ok(t);
    t->canary ^= 1;
    bool again = hthread_stack_ok(t);
    hthread_destroy(t);
    const hthread_t *self = hthread_self();
    uint32_t used = hthread_stack_used(self);
    result(fresh && caught && again && hthread_stack_ok(self), "stack-guard",
           "a broken canary is seen; main's canary intact [%u of %u bytes used]", used,
           HTHREAD_STACK_SIZE - (uint32_t)sizeof(hthread_t));
}

unsigned selftest_run(void)
{
    hthread_set_preemptive(false);      /* the cooperative tests need a fixed order */
    test_cooperative();
    test_pause_resume_destroy();
    test_wait_wake();
    test_stack_guard();
    test_sleep_idle();
    test_preemption();
    test_mixed();
    hthread_set_preemptive(true);
    printf("hv: selftest %u passed, %u failed\n", passed, failed);
    return failed;
}
