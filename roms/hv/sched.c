/* The hypercore's run queue (sched.h): a FIFO of READY entities and round robin. No
 * locking here: the firmware calls these with interrupts masked, the host test from one
 * thread. */
#include "sched.h"

static void fifo_push(sched_t *s, sched_entity_t *e)
{
    e->next = NULL;
    if (s->tail)
        s->tail->next = e;
    else
        s->head = e;
    s->tail = e;
    s->ready_count++;
}

static sched_entity_t *fifo_pop(sched_t *s)
{
    sched_entity_t *e = s->head;
    if (e) {
        s->head = e->next;
        if (!s->head)
            s->tail = NULL;
        e->next = NULL;
        s->ready_count--;
    }
    return e;
}

/* Unlinks e if it is in the FIFO (a walk: the hypercore has a handful of threads). */
static void fifo_unlink(sched_t *s, sched_entity_t *e)
{
    sched_entity_t *prev = NULL;
    for (sched_entity_t *p = s->head; p; prev = p, p = p->next) {
        if (p != e)
            continue;
        if (prev)
            prev->next = p->next;
        else
            s->head = p->next;
        if (s->tail == p)
            s->tail = prev;
        p->next = NULL;
        s->ready_count--;
        return;
    }
}

void sched_init(sched_t *s, sched_entity_t *first, sched_entity_t *idle, uint32_t slice_ticks)
{
    s->head = s->tail = NULL;
    s->ready_count = 0;
    s->slice_ticks = slice_ticks ? slice_ticks : 1;
    s->idle = idle;
    idle->next = NULL;
    idle->state = SCHED_READY;
    idle->slice_left = 0;
    s->running = first;
    first->next = NULL;
    first->state = SCHED_RUNNING;
    first->slice_left = s->slice_ticks;
}

void sched_add(sched_t *s, sched_entity_t *e)
{
    e->state = SCHED_READY;
    e->slice_left = 0;
    fifo_push(s, e);
}

sched_entity_t *sched_pick_next(sched_t *s)
{
    sched_entity_t *cur = s->running;
    bool cur_runnable = cur->state == SCHED_RUNNING && cur != s->idle;
    sched_entity_t *next = fifo_pop(s);
    if (next) {
        if (cur_runnable) {
            cur->state = SCHED_READY;
            fifo_push(s, cur);
        }
    } else {
        next = cur_runnable ? cur : s->idle;
    }
    if (cur == s->idle && next != cur)
        cur->state = SCHED_READY;
    next->state = SCHED_RUNNING;
    next->slice_left = s->slice_ticks;
    s->running = next;
    return next;
}

bool sched_tick(sched_t *s)
{
    sched_entity_t *cur = s->running;
    if (cur == s->idle)
        return s->head != NULL;
    if (cur->slice_left > 0)
        cur->slice_left--;
    if (cur->slice_left > 0)
        return false;
    if (!s->head) {
        cur->slice_left = s->slice_ticks;       /* alone: another slice */
        return false;
    }
    return true;
}

void sched_pause(sched_t *s, sched_entity_t *e)
{
    if (e->state == SCHED_READY)
        fifo_unlink(s, e);
    if (e->state == SCHED_READY || e->state == SCHED_RUNNING)
        e->state = SCHED_PAUSED;
}

bool sched_resume(sched_t *s, sched_entity_t *e)
{
    if (e->state != SCHED_PAUSED)
        return false;
    if (s->running == e) {
        /* Paused and resumed before it gave up the CPU: it simply keeps running. */
        e->state = SCHED_RUNNING;
        return true;
    }
    e->state = SCHED_READY;
    fifo_push(s, e);
    return true;
}

void sched_remove(sched_t *s, sched_entity_t *e)
{
    if (e->state == SCHED_READY)
        fifo_unlink(s, e);
    e->state = SCHED_DEAD;
}
