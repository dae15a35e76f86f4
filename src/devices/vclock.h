/* The virtual clock and device timers: "call me back when virtual time reaches X".
 *
 * Virtual time is the CPU's instruction counter (one instruction = one cycle of
 * CPU_CLOCK_HZ, see cpu/cpu.h), which an access to a slow bus also moves on by the time it
 * takes (ISA ports, devices/ioport.h). Devices that must act at a moment of their own (the PIT's
 * output edges, the RTC's periodic and update interrupts) arm a timer here; devices whose
 * state is only read (a PIT counter, the RTC's UIP bit) compute it from vclock_now() when
 * the guest reads, and need no timer.
 *
 * Who does what:
 *   - the board owns one vclock, pointed at its CPU's icount, and installs the kick;
 *   - devices arm and cancel their timers (vclock_timer_mod/_del), also from inside a port
 *     access in the middle of a CPU slice;
 *   - the main loop runs vclock_run() between slices (the callbacks raise IRQ lines), and
 *     never lets a slice run past vclock_next();
 *   - when a timer is armed earlier than every other one while the CPU may be running a
 *     slice that ends later, the vclock calls the kick, which ends that slice after the
 *     current instruction, so the event is not late by the rest of the slice.
 *
 * Timers fire at or after their deadline, never before: a slice ends exactly at the next
 * deadline, but the callback runs between slices, so with the CPU waiting (WAIT) it runs
 * as soon as the idle loop has skipped virtual time ahead to it. */
#ifndef KSEG_VCLOCK_H
#define KSEG_VCLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define VCLOCK_NEVER UINT64_MAX

typedef struct vclock vclock_t;

typedef struct vclock_timer {
    vclock_t *clock;
    void (*cb)(void *opaque);
    void *opaque;
    uint64_t expires;              /* virtual time of the callback; VCLOCK_NEVER: not armed */
    struct vclock_timer *next;     /* the armed list, earliest first */
} vclock_timer_t;

struct vclock {
    const uint64_t *now;           /* the CPU's instruction counter */
    uint64_t hz;                   /* its rate: ticks of virtual time per second */
    vclock_timer_t *armed;         /* earliest first */
    /* Called when a timer becomes the earliest one (e.g. a guest port write programs a
     * timer shorter than the slice the CPU is in). NULL: nobody to tell. */
    void (*kick)(void *opaque);
    void *kick_opaque;
};

void vclock_init(vclock_t *c, const uint64_t *now, uint64_t hz);
void vclock_set_kick(vclock_t *c, void (*kick)(void *opaque), void *opaque);
static inline uint64_t vclock_now(const vclock_t *c) { return *c->now; }

void vclock_timer_init(vclock_timer_t *t, vclock_t *c, void (*cb)(void *opaque), void *opaque);
/* Arms (or re-arms) the timer for virtual time `when`; a time already past fires at the
 * next vclock_run. */
void vclock_timer_mod(vclock_timer_t *t, uint64_t when);
void vclock_timer_del(vclock_timer_t *t);
static inline bool vclock_timer_pending(const vclock_timer_t *t)
{
    return t->expires != VCLOCK_NEVER;
}

/* The earliest armed deadline, VCLOCK_NEVER when none is. */
static inline uint64_t vclock_next(const vclock_t *c)
{
    return c->armed ? c->armed->expires : VCLOCK_NEVER;
}
/* Runs the callbacks of every timer whose deadline has come, earliest first. A callback
 * may re-arm its timer or others, for a time after now (one not after now would run again
 * in this same call). */
void vclock_run(vclock_t *c);

/* ---- Virtual time against host time ------------------------------------------------ *
 *
 * While the CPU runs, virtual time goes as fast as the host executes instructions, faster
 * or slower than real time. While the guest waits in WAIT, the main loop skips virtual time
 * ahead to the next event, taking as long in host time as the wait lasts in virtual time,
 * so an idle guest keeps time with the host and costs no CPU. The pace is the anchor of
 * that: a host moment and the virtual time that stands for it.
 *
 * A guest behind the host (the host executed fewer than `hz` instructions a second) skips
 * its idle time at once until it has caught up, so its clock does not fall behind. A guest
 * ahead of the host keeps its lead: its wait takes its own length, not that plus the lead.
 * Making it pay the lead back would pace every busy guest to `hz` instructions a second
 * of host time, and one WAIT after a long busy stretch (Linux booting to poweroff) would
 * sleep for seconds. */
typedef struct vclock_pace {
    uint64_t host_ns;              /* a host moment, in ns of a monotonic clock */
    uint64_t ticks;                /* the virtual time that stands for it */
} vclock_pace_t;

/* Anchors virtual time `now` at host moment `host_ns` (at start, and after anything that
 * stopped the guest's clock: the debugger's stops). */
void vclock_pace_reset(vclock_pace_t *p, uint64_t host_ns, uint64_t now);
/* The guest idles at virtual time `now` until `next`: the host ns to wait from `host_ns`
 * before virtual time reaches `next` (0: at once, the guest is behind). Re-anchors at
 * (host_ns, now) first when the guest is ahead. */
uint64_t vclock_pace_idle(vclock_pace_t *p, uint64_t hz, uint64_t host_ns, uint64_t now,
                          uint64_t next);
/* The virtual time reached at host moment `host_ns` by a guest idling until `next`: the
 * anchor moved on at `hz` ticks a second, never past `next`. */
uint64_t vclock_pace_reached(const vclock_pace_t *p, uint64_t hz, uint64_t host_ns,
                             uint64_t next);

/* a * b / d without overflow (128-bit intermediate), rounded down or up: conversions
 * between a device's clock and virtual time. */
uint64_t vclock_muldiv(uint64_t a, uint64_t b, uint64_t d);
uint64_t vclock_muldiv_ceil(uint64_t a, uint64_t b, uint64_t d);

#endif
