/* The preemption tick: CP0 Count/Compare, whose interrupt is IP7 on a 24K (IntCtl.IPTI).
 *
 * TIMER_HZ = 100 (10 ms), the classic Linux HZ: Count runs at half the 320 MHz CPU clock on
 * QEMU's and kseg's Malta (board.h COUNT_HZ), so a tick is 1 600 000 Count cycles, and a
 * tick's work (save, count, restore: a few hundred instructions) is far below 0.1% of it.
 * Finer ticks would only cost: the hypercore's slice is two ticks (hthread.h), and an idle
 * board then wakes 100 times a second, which both emulators skip through quickly.
 *
 * Compare also wakes the CPU early for a running guest's virtual timer (vcpu.c: its
 * Compare, in host Count): Compare holds the earlier of the next tick and that deadline,
 * and an IP7 before the tick is due is not a tick. Compare is never written with a value
 * Count may already have passed (the interrupt would come only after Count wraps, 27 s
 * later): a target closer than TIMER_MARGIN is moved to now + TIMER_MARGIN, and the write
 * is checked against Count afterwards. */
#include "hv.h"

#define TICK_COUNTS     (COUNT_HZ / TIMER_HZ)

static volatile uint32_t ticks;
static uint32_t next_compare;
static bool have_deadline;
static uint32_t deadline;

static void program(void)
{
    uint32_t target = next_compare;
    if (have_deadline && (int32_t)(deadline - target) < 0)
        target = deadline;
    uint32_t now = read_count();
    if ((int32_t)(target - now) < (int32_t)TIMER_MARGIN)
        target = now + TIMER_MARGIN;
    for (;;) {
        write_c0(C0_COMPARE, target);           /* also clears a pending Cause.TI */
        now = read_count();
        if ((int32_t)(target - now) > 0)
            return;
        target = now + TIMER_MARGIN;            /* passed while we wrote it */
    }
}

void timer_init(void)
{
    next_compare = read_count() + TICK_COUNTS;
    program();
    write_c0(C0_STATUS, read_c0(C0_STATUS) | ST_IM7);
}

uint32_t timer_ticks(void)
{
    return ticks;
}

bool timer_interrupt(void)
{
    /* Due, or so nearly that Compare could not be set for it: a tick. */
    bool tick = (int32_t)(next_compare - read_count()) <= (int32_t)TIMER_MARGIN;
    if (tick) {
        ticks++;
        next_compare += TICK_COUNTS;
        /* Ticks lost (a long stop in gdb, a slow host): start again from now rather than
         * firing once per lost tick. Signed: Count wraps every 27 seconds. */
        if ((int32_t)(next_compare - read_count()) <= 0)
            next_compare = read_count() + TICK_COUNTS;
    }
    program();
    return tick;
}

void timer_set_deadline(bool on, uint32_t count)
{
    have_deadline = on;
    deadline = count;
    program();
}
