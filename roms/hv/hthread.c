/* Hypercore threads.
 *
 * Design note.
 *
 * Memory. HTHREAD_MAX stacks of HTHREAD_STACK_SIZE bytes, each aligned to its size, in one
 * array (hthread_stacks, .bss). A thread's hthread_t sits at the base of its stack and the
 * stack grows down towards it, so the running thread is `sp & ~(size - 1)`
 * (hthread_current) and an overflow reaches the canary word at the end of the hthread_t
 * before anything else; every switch checks the canary of both threads. Slot 0 is "main":
 * start.S put the boot context on it before any thread existed. Slot 1 is "idle".
 *
 * Lifecycle. hthread_create fills a free slot, gives it a ctx whose ra is
 * hthread_trampoline and whose sp is the top of its stack, and makes it READY. The run
 * queue (sched.c) decides who runs; this file moves registers. A thread stops running in
 * one of two ways, and hthread_t.saved says which, because that decides how it resumes:
 *   - it called in (yield, pause, sleep, wait, exit): schedule() -> hthread_switch
 *     (switch.S) saves its callee-saved registers, sp and ra in ctx: SAVED_CTX;
 *   - the timer took the CPU: exception.S saved its whole frame on the interrupt stack,
 *     hthread_timer_tick copies that frame into the thread: SAVED_FRAME.
 * Resuming is the mirror image, from either side:
 *   from a thread  SAVED_CTX: hthread_switch loads ctx and returns into the thread;
 *                  SAVED_FRAME: hthread_switch_frame jumps to exc_restore, which ERETs
 *                  into the preempted thread as if its interrupt had just ended;
 *   from the timer SAVED_FRAME: the thread's frame is returned to exception.S, which
 *                  restores it instead of the one it saved;
 *                  SAVED_CTX: a frame is built from ctx (EPC = ra, interrupts masked, as
 *                  they were when it called hthread_switch) and returned the same way.
 * A DEAD thread's slot is free at once: it is never resumed, and the only thing written
 * after its death is its own ctx, by the switch that leaves it.
 *
 * Invariants: every change to the run queue or to `saved` happens with interrupts masked
 * (one CPU: that is the whole locking); a thread is never resumed twice, since `saved` is
 * reset to SAVED_NONE as it is given the CPU; the interrupt path never runs on a thread's
 * stack, so a preempted thread's stack holds exactly what it held. */
#include "hv.h"
#include "hthread.h"
#include "vcpu.h"

#define STACK_CANARY    0x57ACCA7Eu
#define STACK_FILL      0xDEADBEEFu     /* never-used stack, for hthread_stack_used */
#define MAIN_SLOT       0
#define IDLE_SLOT       1

typedef union hthread_stack {
    hthread_t thread;
    uint32_t words[HTHREAD_STACK_SIZE / 4];
} hthread_stack_t;

_Static_assert(sizeof(hthread_stack_t) == HTHREAD_STACK_SIZE, "hthread: slot size");
_Static_assert(sizeof(hthread_t) < HTHREAD_STACK_SIZE / 8, "hthread: hthread_t eats the stack");

/* start.S runs main on slot 0 before C; hv.ld checks the alignment. */
hthread_stack_t hthread_stacks[HTHREAD_MAX] __attribute__((aligned(HTHREAD_STACK_SIZE)));

static sched_t sched;
static uint32_t next_id;
static volatile bool preemptive = true;

static hthread_t *entity_thread(sched_entity_t *e)
{
    return (hthread_t *)((char *)e - offsetof(hthread_t, se));
}

hthread_t *hthread_self(void)
{
    return entity_thread(sched.running);
}

hthread_t *hthread_idle(void)
{
    return &hthread_stacks[IDLE_SLOT].thread;
}

static bool is_special(const hthread_t *t)
{
    return t == &hthread_stacks[MAIN_SLOT].thread || t == &hthread_stacks[IDLE_SLOT].thread;
}

bool hthread_stack_ok(const hthread_t *t)
{
    return t->canary == STACK_CANARY;
}

uint32_t hthread_stack_used(const hthread_t *t)
{
    const uint32_t *w = (const uint32_t *)(t + 1);
    const uint32_t *top = (const uint32_t *)((const char *)t + HTHREAD_STACK_SIZE);
    while (w < top && *w == STACK_FILL)
        w++;
    return (uint32_t)((const char *)top - (const char *)w);
}

static void check_stack(const hthread_t *t)
{
    if (!hthread_stack_ok(t))
        panic("hthread: stack overflow in '%s' (canary at %p is 0x%08x)", t->name,
              (const void *)&t->canary, t->canary);
}

const char *hthread_state_name(const hthread_t *t)
{
    static const char *const names[] = {
        [SCHED_READY] = "ready", [SCHED_RUNNING] = "running",
        [SCHED_PAUSED] = "paused", [SCHED_DEAD] = "dead",
    };
    if (t->sleeping)
        return "sleeping";
    if (t->waiting)
        return "waiting";
    return t->se.state < ARRAY_SIZE(names) ? names[t->se.state] : "?";
}

hthread_t *hthread_slot(uint32_t i)
{
    return i < HTHREAD_MAX && hthread_stacks[i].thread.in_use ? &hthread_stacks[i].thread
                                                               : NULL;
}

/* ---- Creating threads ------------------------------------------------------------------ */

static void hthread_trampoline(void) __attribute__((noreturn));
static void hthread_trampoline(void)
{
    hthread_t *t = hthread_current();
    irq_enable();               /* schedule() switched here with interrupts masked */
    t->fn(t->arg);
    hthread_exit();
}

static void slot_init(hthread_t *t, const char *name, hthread_fn_t fn, void *arg)
{
    uint32_t *words = ((hthread_stack_t *)t)->words;
    for (size_t i = sizeof(hthread_t) / 4; i < ARRAY_SIZE(((hthread_stack_t *)t)->words); i++)
        words[i] = STACK_FILL;
    memset(t, 0, sizeof(*t));
    size_t n = strlen(name);
    if (n >= HTHREAD_NAME_MAX)
        n = HTHREAD_NAME_MAX - 1;
    memcpy(t->name, name, n);
    t->id = next_id++;
    t->fn = fn;
    t->arg = arg;
    t->in_use = true;
    t->canary = STACK_CANARY;
}

static void wake_sleepers(uint32_t now);

/* The idle thread runs when no other thread is READY, and it gives the rest of the
 * hypercore's slice to a VCPU (vcpu_hypercore_idle). But work for the other threads also
 * appears while the VCPUs have the CPU: a guest's exit wakes a thread (hthread_wake), a
 * sleep ends at a tick taken in guest mode, which wakes nobody here. So each time the
 * hypercore gets the CPU back the idle thread first wakes the sleepers that are due and
 * lets whatever is READY run; only a hypercore with nothing at all to do gives its slice
 * away. */
static void idle_fn(void *arg)
{
    (void)arg;
    for (;;) {
        uint32_t ie = irq_save();
        wake_sleepers(timer_ticks());
        bool work = sched.ready_count != 0;
        irq_restore(ie);
        if (work)
            hthread_yield();
        else
            vcpu_hypercore_idle();      /* a VCPU's turn, or WAIT until the next interrupt */
    }
}

void hthread_init(void)
{
    hthread_t *main_thread = &hthread_stacks[MAIN_SLOT].thread;
    /* main is running on its stack already: the fill pattern goes only below our own
     * frame (the o32 ABI keeps nothing below sp, and interrupts are still masked). */
    uint32_t *words = ((hthread_stack_t *)main_thread)->words;
    uint32_t *below_sp = (uint32_t *)(uintptr_t)(__builtin_frame_address(0)) - 64;
    for (uint32_t *w = words + sizeof(hthread_t) / 4; w < below_sp; w++)
        *w = STACK_FILL;
    memset(main_thread, 0, sizeof(*main_thread));
    memcpy(main_thread->name, "main", 5);
    main_thread->id = next_id++;
    main_thread->in_use = true;
    main_thread->canary = STACK_CANARY;
    main_thread->runs = 1;

    hthread_t *idle = &hthread_stacks[IDLE_SLOT].thread;
    slot_init(idle, "idle", idle_fn, NULL);
    idle->ctx.sp = (uint32_t)(uintptr_t)idle + HTHREAD_STACK_SIZE - ARGSAVE_SIZE;
    idle->ctx.ra = (uint32_t)(uintptr_t)hthread_trampoline;
    idle->saved = SAVED_CTX;
    sched_init(&sched, &main_thread->se, &idle->se, HTHREAD_SLICE_TICKS);
}

hthread_t *hthread_create(const char *name, hthread_fn_t fn, void *arg)
{
    uint32_t ie = irq_save();
    hthread_t *t = NULL;
    for (unsigned i = IDLE_SLOT + 1; i < HTHREAD_MAX && !t; i++)
        if (!hthread_stacks[i].thread.in_use)
            t = &hthread_stacks[i].thread;
    if (t) {
        slot_init(t, name, fn, arg);
        t->ctx.sp = (uint32_t)(uintptr_t)t + HTHREAD_STACK_SIZE - ARGSAVE_SIZE;
        t->ctx.ra = (uint32_t)(uintptr_t)hthread_trampoline;
        t->saved = SAVED_CTX;
        sched_add(&sched, &t->se);
    }
    irq_restore(ie);
    return t;
}

/* ---- Switching from a thread (interrupts masked) -------------------------------------- */

void hthread_switch(hthread_ctx_t *save, const hthread_ctx_t *load);

static void schedule(void)
{
    hthread_t *prev = hthread_self();
    hthread_t *next = entity_thread(sched_pick_next(&sched));
    if (next == prev)
        return;
    check_stack(prev);
    check_stack(next);
    next->runs++;
    prev->saved = SAVED_CTX;
    hthread_saved_t how = next->saved;
    next->saved = SAVED_NONE;
    if (how == SAVED_FRAME)
        hthread_switch_frame(&prev->ctx, &next->frame);
    else
        hthread_switch(&prev->ctx, &next->ctx);
    /* Back here when someone resumes prev. */
}

void hthread_yield(void)
{
    uint32_t ie = irq_save();
    schedule();
    irq_restore(ie);
}

bool hthread_pause(hthread_t *t)
{
    if (is_special(t))
        return false;
    uint32_t ie = irq_save();
    sched_pause(&sched, &t->se);
    if (t == hthread_self())
        schedule();
    irq_restore(ie);
    return true;
}

bool hthread_resume(hthread_t *t)
{
    uint32_t ie = irq_save();
    t->sleeping = false;
    t->waiting = false;
    bool ok = sched_resume(&sched, &t->se);
    irq_restore(ie);
    return ok;
}

void hthread_exit(void)
{
    hthread_t *t = hthread_self();
    if (is_special(t))
        panic("hthread: '%s' may not exit", t->name);
    irq_save();
    sched_remove(&sched, &t->se);
    t->in_use = false;
    schedule();
    panic("hthread: dead thread '%s' resumed", t->name);
}

bool hthread_destroy(hthread_t *t)
{
    if (is_special(t) || !t->in_use)
        return false;
    if (t == hthread_self())
        hthread_exit();
    uint32_t ie = irq_save();
    sched_remove(&sched, &t->se);
    t->in_use = false;
    irq_restore(ie);
    return true;
}

void hthread_sleep(uint32_t ticks)
{
    hthread_t *t = hthread_self();
    uint32_t ie = irq_save();
    t->wake_tick = timer_ticks() + ticks;
    t->sleeping = true;
    sched_pause(&sched, &t->se);
    schedule();
    irq_restore(ie);
}

void hthread_wait(void)
{
    hthread_t *t = hthread_self();
    uint32_t ie = irq_save();
    t->waiting = true;
    sched_pause(&sched, &t->se);
    schedule();
    irq_restore(ie);
}

void hthread_wake(hthread_t *t)
{
    uint32_t ie = irq_save();
    if (t->in_use && t->waiting) {
        t->waiting = false;
        sched_resume(&sched, &t->se);
    }
    irq_restore(ie);
}

void hthread_set_preemptive(bool on)
{
    preemptive = on;
}

/* ---- Switching from the timer interrupt (EXL set) -------------------------------------- */

/* The frame that resumes `t` through exception.S. `status` is the Status to resume with
 * when t saved only a ctx: it was in hthread_switch with interrupts masked. */
static hv_frame_t *resume_frame(hthread_t *t, uint32_t status)
{
    check_stack(t);
    t->runs++;
    if (t->saved == SAVED_CTX) {
        hv_frame_t *f = &t->frame;
        memset(f, 0, sizeof(*f));
        for (unsigned i = 0; i < 8; i++)
            f->gpr[REG_S0 + i] = t->ctx.s[i];
        f->gpr[REG_FP] = t->ctx.fp;
        f->gpr[REG_GP] = t->ctx.gp;
        f->gpr[REG_SP] = t->ctx.sp;
        f->gpr[REG_RA] = t->ctx.ra;
        f->epc = t->ctx.ra;
        f->status = status;
    }
    t->saved = SAVED_NONE;
    return &t->frame;
}

/* Sleepers whose wake tick `now` has reached become READY. Interrupts masked. */
static void wake_sleepers(uint32_t now)
{
    for (unsigned i = 0; i < HTHREAD_MAX; i++) {
        hthread_t *t = &hthread_stacks[i].thread;
        if (t->in_use && t->sleeping && (int32_t)(now - t->wake_tick) >= 0) {
            t->sleeping = false;
            sched_resume(&sched, &t->se);
        }
    }
}

hv_frame_t *hthread_timer_tick(hv_frame_t *f)
{
    wake_sleepers(timer_ticks());
    hthread_t *prev = hthread_self();
    prev->ticks++;
    if (!sched_tick(&sched) || (!preemptive && &prev->se != sched.idle))
        return f;
    hthread_t *next = entity_thread(sched_pick_next(&sched));
    if (next == prev)
        return f;
    check_stack(prev);
    prev->frame = *f;
    prev->saved = SAVED_FRAME;
    prev->preemptions++;
    return resume_frame(next, f->status & ~ST_IE);
}
