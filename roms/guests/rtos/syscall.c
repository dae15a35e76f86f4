/* System calls: the number in v0, arguments in a0..a2, the result in v0 (blocking calls
 * get theirs when they are woken). User tasks may make only the SYS_USER_MASK calls,
 * with pointers checked against their own pages. */
#include "rtos.h"
#include "usys.h"

_Static_assert(USYS_YIELD == SYS_YIELD && USYS_EXIT == SYS_EXIT && USYS_SLEEP == SYS_SLEEP &&
               USYS_WRITE == SYS_WRITE && USYS_TICKS == SYS_TICKS, "asmdefs.h: user.S's numbers");

static uint32_t sys_write(thread_t *t, uint32_t buf, uint32_t len)
{
    const char *p = (const char *)(uintptr_t)buf;
    if (t->user && !user_range(t, buf, len, &p))
        return (uint32_t)-1;
    uart_write(p, len);
    return len;
}

static uint32_t sys_join(thread_t *t, uint32_t id)
{
    if (id >= MAX_THREADS || threads[id].state == T_FREE || &threads[id] == t)
        return (uint32_t)-1;
    if (threads[id].state == T_DEAD)
        return (uint32_t)threads[id].exit_code;
    t->join = (int)id;
    thread_block(t, W_JOIN, 0);
    return 0;                           /* replaced by the exit code on waking */
}

void syscall_dispatch(thread_t *t)
{
    uint32_t *r = t->f.r;
    uint32_t num = r[2], a0 = r[4], a1 = r[5], a2 = r[6];
    uint32_t ret = 0;
    if (t->user && (num >= 32 || !(SYS_USER_MASK & (1u << num)))) {
        r[2] = (uint32_t)ENOSYS;
        return;
    }
    switch (num) {
    case SYS_YIELD: sched_request(); break;
    case SYS_EXIT: thread_exit(t, (int32_t)a0); break;
    case SYS_SLEEP:
        if (a0)
            thread_block(t, W_SLEEP, a0);
        break;
    case SYS_SEM_WAIT: ret = (uint32_t)k_sem_wait(t, (sem_t *)(uintptr_t)a0, a1); break;
    case SYS_SEM_POST: k_sem_post((sem_t *)(uintptr_t)a0); break;
    case SYS_WRITE: ret = sys_write(t, a0, a1); break;
    case SYS_JOIN: ret = sys_join(t, a0); break;
    case SYS_SPAWN: {
        thread_t *n = thread_create((const spawn_t *)(uintptr_t)a0);
        ret = n ? (uint32_t)(n - threads) : (uint32_t)-1;
        break;
    }
    case SYS_TIMER_START: k_timer_start((ktimer_t *)(uintptr_t)a0); break;
    case SYS_TIMER_STOP: k_timer_stop((ktimer_t *)(uintptr_t)a0); break;
    case SYS_TLB_MAP: k_tlb_map((const utask_t *)(uintptr_t)a0); break;
    case SYS_TICKS: ret = rtos_ticks; break;
    case SYS_KILLINFO:                  /* frees a joined thread's slot */
        if (a0 < MAX_THREADS && threads[a0].state == T_DEAD) {
            threads[a0].state = T_FREE;
            ret = (uint32_t)(uintptr_t)&threads[a0];
        }
        break;
    default: ret = (uint32_t)ENOSYS; break;
    }
    (void)a2;
    r[2] = ret;
}

/* ---- The thread API --------------------------------------------------------------------- */

void exit_thread(int32_t code)
{
    kcall(SYS_EXIT, (uint32_t)code, 0, 0);
    for (;;)
        ;
}

int spawn(const spawn_t *s)
{
    return (int)kcall(SYS_SPAWN, (uint32_t)(uintptr_t)s, 0, 0);
}

int32_t join(int id)
{
    return (int32_t)kcall(SYS_JOIN, (uint32_t)id, 0, 0);
}

/* The record of a joined thread, its slot freed (valid until the next spawn). */
const thread_t *killinfo(int id)
{
    return (const thread_t *)(uintptr_t)kcall(SYS_KILLINFO, (uint32_t)id, 0, 0);
}
