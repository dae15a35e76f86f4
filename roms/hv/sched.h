/* The hypercore's run queue: which thread runs next. Pure C (only <stdint.h>, <stdbool.h>,
 * <stddef.h>), so tests/hv/test_sched.c runs it on the host.
 *
 * A sched_entity_t is one schedulable thing (hthread.c embeds one in each thread). Its life:
 *   sched_add      -> READY (at the FIFO's tail)
 *   sched_pick_next   READY -> RUNNING (the head); the RUNNING one -> READY (to the tail)
 *   sched_pause       READY or RUNNING -> PAUSED (off the FIFO)
 *   sched_resume      PAUSED -> READY (to the tail)
 *   sched_remove      any -> DEAD (off the FIFO; sched_add may reuse the entity)
 *
 * Invariants: exactly one entity is RUNNING (s->running); the READY ones, and only they,
 * are in the FIFO, in the order they became ready; the idle entity is never in the FIFO and
 * runs only when nothing else can. Round robin: pick_next puts a still-RUNNING entity at the
 * tail and takes the head. The time slice is counted here in ticks. */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum sched_state {
    SCHED_READY,        /* in the FIFO, waiting for the CPU */
    SCHED_RUNNING,      /* has the CPU */
    SCHED_PAUSED,       /* off the FIFO until sched_resume */
    SCHED_DEAD,         /* gone; the entity may be reused with sched_add */
} sched_state_t;

typedef struct sched_entity {
    struct sched_entity *next;  /* FIFO link, while READY */
    sched_state_t state;
    uint32_t slice_left;        /* ticks left of the running entity's slice */
} sched_entity_t;

typedef struct sched {
    sched_entity_t *head, *tail;        /* the READY FIFO */
    sched_entity_t *running;
    sched_entity_t *idle;
    uint32_t slice_ticks;               /* a full slice */
    uint32_t ready_count;
} sched_t;

/* `first` is what runs now (the caller's own context), `idle` what runs when nothing is
 * ready; both RUNNING/READY outside the FIFO. slice_ticks >= 1. */
void sched_init(sched_t *s, sched_entity_t *first, sched_entity_t *idle, uint32_t slice_ticks);
/* A new (or DEAD, reused) entity becomes READY at the tail. */
void sched_add(sched_t *s, sched_entity_t *e);
/* Chooses what runs next, makes it RUNNING with a full slice and returns it: the FIFO's head,
 * after a still-RUNNING current entity went to the tail; the current one again if nothing
 * else is ready and it can still run; else the idle entity. */
sched_entity_t *sched_pick_next(sched_t *s);
/* One timer tick: true when the running entity should give way now (its slice is used up,
 * or it is the idle entity, and something is ready). */
bool sched_tick(sched_t *s);
/* READY or RUNNING -> PAUSED (a RUNNING one keeps the CPU until the caller picks another). */
void sched_pause(sched_t *s, sched_entity_t *e);
/* PAUSED -> READY at the tail; false (nothing done) in any other state. */
bool sched_resume(sched_t *s, sched_entity_t *e);
/* Any state -> DEAD, off the FIFO. */
void sched_remove(sched_t *s, sched_entity_t *e);

#endif
