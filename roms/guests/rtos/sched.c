/* Threads and the scheduler (handler context only).
 *
 * A fixed table of threads. The scheduler runs the highest-priority ready thread; among
 * equals it rotates on every tick and yield (round robin), starting after the current one.
 * A thread that wakes with a higher priority than the current one preempts it at the end
 * of the same exception. Stacks start filled with a pattern and end (at their lowest
 * addresses) in a canary, checked each time the thread is switched away from or ticked. */
#include "rtos.h"

_Static_assert(offsetof(frame_t, hi) == FRAME_HI && offsetof(frame_t, lo) == FRAME_LO &&
               offsetof(frame_t, epc) == FRAME_EPC && offsetof(frame_t, status) == FRAME_STATUS &&
               offsetof(thread_t, f) == 0, "vectors.S: the frame layout");

thread_t threads[MAX_THREADS];
thread_t *volatile rtos_cur;
static bool resched;
static uint32_t wait_seq;
static uint32_t cur_asid;

void sched_init(void)
{
    memset(threads, 0, sizeof threads);
    cur_asid = 0;
    MTC0(C0_ENTRYHI, 0);
}

/* The wrapper every kernel thread starts in: fn(arg), then an exit with 0. */
static void thread_start(thread_fn fn, void *arg)
{
    fn(arg);
    exit_thread(0);
}

thread_t *thread_create(const spawn_t *s)
{
    thread_t *t = NULL;
    for (int i = 0; i < MAX_THREADS && !t; i++)
        if (threads[i].state == T_FREE)
            t = &threads[i];
    if (!t)
        return NULL;
    memset(t, 0, sizeof *t);
    t->name = s->name;
    t->prio = s->prio;
    t->stack = s->stack;
    t->stack_words = s->stack_words;
    for (uint32_t i = 0; i < s->stack_words; i++)
        s->stack[i] = i < STACK_CANARY_WORDS ? CANARY : STACK_FILL;
    t->user = s->user;
    if (s->user) {
        t->asid = s->user->asid;
        t->f.epc = s->pc;
        t->f.r[29] = s->sp;
        t->f.r[4] = s->a0;
        t->f.r[5] = s->a1;
        t->f.r[6] = s->a2;
        t->f.status = ST_IM7 | ST_KSU_USER | ST_EXL | ST_IE;
    } else {
        t->f.epc = ARCH(thread_start);
        t->f.r[29] = (uint32_t)(uintptr_t)(s->stack + s->stack_words) - 16u;
        t->f.r[4] = (uint32_t)(uintptr_t)s->fn;
        t->f.r[5] = (uint32_t)(uintptr_t)s->arg;
        t->f.status = ST_IM7 | ST_EXL | ST_IE;
    }
    t->state = T_READY;
    resched = true;                     /* a higher priority runs at once */
    return t;
}

static void wake_joiners(thread_t *t)
{
    int id = (int)(t - threads);
    for (int i = 0; i < MAX_THREADS; i++)
        if (threads[i].state == T_BLOCKED && threads[i].wait == W_JOIN && threads[i].join == id)
            thread_wake(&threads[i], (uint32_t)t->exit_code);
}

void thread_exit(thread_t *t, int32_t code)
{
    t->exit_code = code;
    t->state = T_DEAD;
    if (t->user)
        utask_release(t);
    wake_joiners(t);
    resched = true;
}

void thread_kill(thread_t *t, uint32_t exccode, uint32_t badvaddr, const char *why)
{
    t->kill_code = exccode + 1u;
    t->kill_badvaddr = badvaddr;
    t->kill_why = why;
    thread_exit(t, -1);
}

void thread_block(thread_t *t, enum wait_kind w, uint32_t timeout)
{
    t->state = T_BLOCKED;
    t->wait = w;
    t->timed = timeout != 0;
    t->wake = rtos_ticks + timeout;
    t->seq = wait_seq++;
    resched = true;
}

/* Ready again, with v0 as the result of the system call it blocked in. */
void thread_wake(thread_t *t, uint32_t v0)
{
    t->state = T_READY;
    t->wait = W_NONE;
    t->sem = NULL;
    t->f.r[2] = v0;
    if (t->prio > rtos_cur->prio)
        resched = true;
}

void sched_request(void)
{
    resched = true;
}

void sleepers_tick(void)
{
    for (int i = 0; i < MAX_THREADS; i++) {
        thread_t *t = &threads[i];
        if (t->state != T_BLOCKED || !t->timed || (int32_t)(rtos_ticks - t->wake) < 0)
            continue;
        if (t->wait == W_SEM)
            thread_wake(t, (uint32_t)SEM_TIMEOUT);
        else
            thread_wake(t, 0);
    }
}

bool stack_intact(const thread_t *t)
{
    for (uint32_t i = 0; i < STACK_CANARY_WORDS && i < t->stack_words; i++)
        if (t->stack[i] != CANARY)
            return false;
    return true;
}

/* The stack's high-water mark in bytes: the words above the canary no longer holding the
 * fill pattern. */
uint32_t stack_used(const thread_t *t)
{
    uint32_t i = STACK_CANARY_WORDS;
    while (i < t->stack_words && t->stack[i] == STACK_FILL)
        i++;
    return (t->stack_words - i) * 4u;
}

/* At the end of every exception: the thread to return into. */
void sched_switch(void)
{
    thread_t *cur = rtos_cur;
    if (cur->state == T_READY && !cur->user && cur->stack && !stack_intact(cur))
        thread_kill(cur, 0, 0, "stack overflow");
    if (!resched && cur->state == T_READY)
        return;
    resched = false;
    int start = (int)(cur - threads);
    thread_t *best = NULL;
    for (int i = 1; i <= MAX_THREADS; i++) {
        thread_t *t = &threads[(start + i) % MAX_THREADS];
        if (t->state == T_READY && (!best || t->prio > best->prio))
            best = t;
    }
    /* The current thread keeps the CPU unless another is better or an equal is due. */
    if (cur->state == T_READY && best && best->prio < cur->prio)
        best = cur;
    rtos_cur = best;                    /* never NULL: the idle thread is always ready */
    if (best->asid != cur_asid) {
        cur_asid = best->asid;
        MTC0(C0_ENTRYHI, cur_asid);
    }
}
