/* The preemption tick: CP0 Count/Compare, whose interrupt is IP7 on a 24K (IntCtl.IPTI).
 *
 * TIMER_HZ = 100 (10 ms), the classic Linux HZ: Count runs at half the 320 MHz CPU clock on
 * QEMU's and kseg's Malta (board.h COUNT_HZ), so a tick is 1 600 000 Count cycles, and a
 * tick's work (save, count, restore: a few hundred instructions) is far below 0.1% of it.
 * Finer ticks would only cost: the hypercore's slice is two ticks (hthread.h), and an idle
 * board then wakes 100 times a second, which both emulators skip through quickly. */
#include "hv.h"

#define TICK_COUNTS     (COUNT_HZ / TIMER_HZ)

static volatile uint32_t ticks;
static uint32_t next_compare;

void timer_init(void)
{
    next_compare = read_c0(C0_COUNT) + TICK_COUNTS;
    write_c0(C0_COMPARE, next_compare);         /* also clears a pending Cause.TI */
    write_c0(C0_STATUS, read_c0(C0_STATUS) | ST_IM7);
}

uint32_t timer_ticks(void)
{
    return ticks;
}

void timer_interrupt(void)
{
    ticks++;
    next_compare += TICK_COUNTS;
    /* Ticks lost (a long stop in gdb, a slow host): start again from now rather than
     * firing once per lost tick. Signed: Count wraps every 27 seconds. */
    if ((int32_t)(next_compare - read_c0(C0_COUNT)) <= 0)
        next_compare = read_c0(C0_COUNT) + TICK_COUNTS;
    write_c0(C0_COMPARE, next_compare);
}
