/* Counting semaphores with timeouts. A post hands the count straight to the best waiter
 * (highest priority, then the longest waiting), so a waiter woken cannot lose it. */
#include "rtos.h"

int k_sem_wait(thread_t *t, sem_t *s, uint32_t timeout)
{
    if (s->count > 0) {
        s->count--;
        return 0;
    }
    t->sem = s;
    thread_block(t, W_SEM, timeout);
    return 0;                           /* 0 or SEM_TIMEOUT when woken */
}

void k_sem_post(sem_t *s)
{
    thread_t *best = NULL;
    for (int i = 0; i < MAX_THREADS; i++) {
        thread_t *t = &threads[i];
        if (t->state == T_BLOCKED && t->wait == W_SEM && t->sem == s &&
            (!best || t->prio > best->prio ||
             (t->prio == best->prio && (int32_t)(t->seq - best->seq) < 0)))
            best = t;
    }
    if (best)
        thread_wake(best, 0);
    else
        s->count++;
}

int sem_wait(sem_t *s, uint32_t timeout_ticks)
{
    return (int)kcall(SYS_SEM_WAIT, (uint32_t)(uintptr_t)s, timeout_ticks, 0);
}

void sem_post(sem_t *s)
{
    kcall(SYS_SEM_POST, (uint32_t)(uintptr_t)s, 0, 0);
}
