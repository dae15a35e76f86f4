/* The tick (CP0 Count/Compare on IP7, the VCPU's virtual timer) and software timers whose
 * callbacks run in the handler at their tick. */
#include "rtos.h"

#define MAX_TIMERS      8

volatile uint32_t rtos_ticks;
static uint32_t next_compare;
static ktimer_t *timers[MAX_TIMERS];

void tick_init(void)
{
    next_compare = compare_in(TICK_COUNTS);
}

/* Rewriting Compare acknowledges the interrupt. A late tick (the guest was not running)
 * is not made up for: the next one is a full period from now. */
void tick_interrupt(void)
{
    next_compare += TICK_COUNTS;
    MTC0(C0_COMPARE, next_compare);
    if ((int32_t)(next_compare - MFC0(C0_COUNT)) <= 0)
        next_compare = compare_in(TICK_COUNTS);
    rtos_ticks++;
    sleepers_tick();
    timers_tick();
    sched_request();                    /* round robin among equal priorities */
}

void k_timer_start(ktimer_t *t)
{
    k_timer_stop(t);
    t->due = rtos_ticks + (t->delay ? t->delay : 1u);
    t->active = true;
    for (int i = 0; i < MAX_TIMERS; i++)
        if (!timers[i]) {
            timers[i] = t;
            return;
        }
    t->active = false;
}

void k_timer_stop(ktimer_t *t)
{
    for (int i = 0; i < MAX_TIMERS; i++)
        if (timers[i] == t)
            timers[i] = NULL;
    t->active = false;
}

void timers_tick(void)
{
    for (int i = 0; i < MAX_TIMERS; i++) {
        ktimer_t *t = timers[i];
        if (!t || (int32_t)(rtos_ticks - t->due) < 0)
            continue;
        t->fired++;
        if (t->period) {
            t->due += t->period;
        } else {
            timers[i] = NULL;
            t->active = false;
        }
        t->fn(t);
    }
}
