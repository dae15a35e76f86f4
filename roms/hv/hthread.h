/* Hypercore threads ("hyperthreads"): the hypervisor's own threads of work (device
 * back ends, the management terminal, statistics). See the design note in hthread.c. */
#ifndef HV_HTHREAD_H
#define HV_HTHREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "frame.h"
#include "sched.h"

/* Every thread's stack is this big and aligned to its size, with the hthread_t at its base
 * (lowest address): the running thread is its stack pointer with the low bits cleared.
 * 8 KiB, not 4: Xvisor found 4 KiB thread stacks too small (its commit acef641a). */
#define HTHREAD_STACK_SIZE  8192
#define HTHREAD_MAX         16          /* including the main and idle threads */
#define HTHREAD_NAME_MAX    16
/* Ticks a thread runs before the timer gives the CPU to the next ready one: 20 ms at
 * TIMER_HZ = 100. Short enough that a thread that never yields delays the others by little,
 * long enough that switching (a few hundred instructions) costs nothing measurable. */
#define HTHREAD_SLICE_TICKS 2

/* What a thread that called hthread_switch keeps (switch.S): the registers the o32 ABI
 * makes a callee preserve, and where to return. */
typedef struct hthread_ctx {
    uint32_t s[8];
    uint32_t fp, gp, sp, ra;
} hthread_ctx_t;

/* How a thread that is not running left the CPU, i.e. how to resume it. */
typedef enum hthread_saved {
    SAVED_NONE,         /* it is running (or has never stopped) */
    SAVED_CTX,          /* it called hthread_switch: ctx (a new thread: ctx leads to its entry) */
    SAVED_FRAME,        /* the timer preempted it: frame */
} hthread_saved_t;

typedef void (*hthread_fn_t)(void *arg);

typedef struct hthread {
    sched_entity_t se;          /* its place in the run queue (sched.c) */
    char name[HTHREAD_NAME_MAX];
    uint32_t id;                /* 0 main, 1 idle, then counting up; never reused */
    hthread_fn_t fn;
    void *arg;
    bool in_use;                /* the slot holds a thread that is not DEAD */
    bool sleeping;              /* paused by hthread_sleep until wake_tick */
    bool waiting;               /* paused by hthread_wait until hthread_wake */
    uint32_t wake_tick;
    uint32_t runs;              /* times it was given the CPU */
    uint32_t preemptions;       /* times the timer took the CPU from it */
    uint32_t ticks;             /* timer ticks taken while it ran */
    hthread_saved_t saved;
    hthread_ctx_t ctx;
    hv_frame_t frame;
    uint32_t canary;            /* last: the first word an overflowing stack reaches */
} hthread_t;

/* Adopts the running context (start.S put it on the first stack) as thread "main" and
 * creates "idle". Interrupts must still be masked. */
void hthread_init(void);
/* A new READY thread that runs fn(arg) and exits when fn returns; NULL when all
 * HTHREAD_MAX slots are taken. The name is truncated to HTHREAD_NAME_MAX - 1. */
hthread_t *hthread_create(const char *name, hthread_fn_t fn, void *arg);
void hthread_yield(void);
/* Off the run queue until hthread_resume (pausing oneself gives up the CPU at once). The
 * main and idle threads cannot be paused or destroyed: false. */
bool hthread_pause(hthread_t *t);
bool hthread_resume(hthread_t *t);
bool hthread_destroy(hthread_t *t);
void hthread_exit(void) __attribute__((noreturn));
/* Gives up the CPU for at least `ticks` timer ticks. */
void hthread_sleep(uint32_t ticks);
/* Off the run queue until another context calls hthread_wake on it: for a thread with no
 * work until someone hands it some (hwnet.c's transmit queue). The caller masks interrupts
 * from finding nothing to do until this call, so a wake cannot fall in between and be
 * lost; it returns with them as they were. */
void hthread_wait(void);
/* Makes a thread in hthread_wait READY; nothing when it is not waiting. From any context,
 * exception context included (a guest's exit hands the thread work). */
void hthread_wake(hthread_t *t);
/* Preemptive (the default) or cooperative: when off, the timer still counts ticks and
 * wakes sleepers, but takes the CPU only from the idle thread. */
void hthread_set_preemptive(bool on);

/* switch.S: saves the caller's context in `save` and resumes `frame` through exception.S
 * (vcpu.c enters a guest this way). Interrupts masked. */
void hthread_switch_frame(hthread_ctx_t *save, const hv_frame_t *frame);

/* The running thread as the scheduler knows it (valid everywhere, the interrupt path too). */
hthread_t *hthread_self(void);
hthread_t *hthread_idle(void);
/* The running thread from the stack pointer alone: valid in thread context only. */
static inline hthread_t *hthread_current(void)
{
    uint32_t sp;
    __asm__("move %0, $sp" : "=r"(sp));
    return (hthread_t *)(uintptr_t)(sp & ~(uint32_t)(HTHREAD_STACK_SIZE - 1));
}
const char *hthread_state_name(const hthread_t *t);
/* The thread in slot i (0 .. HTHREAD_MAX - 1), or NULL when the slot is free. */
hthread_t *hthread_slot(uint32_t i);
/* The canary between the hthread_t and the stack is intact. */
bool hthread_stack_ok(const hthread_t *t);
/* The deepest the thread's stack has reached so far, in bytes (a fill pattern's high-water
 * mark). */
uint32_t hthread_stack_used(const hthread_t *t);

/* From the exception dispatcher on every timer tick: wakes sleepers and, when the running
 * thread's slice is over, preempts it. Returns the frame to resume: `f`, or another
 * thread's. */
hv_frame_t *hthread_timer_tick(hv_frame_t *f);

#endif
