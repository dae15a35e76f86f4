/* Device timers on virtual time: a sorted list. A handful of timers are armed at once (the
 * PIT's channel 0, the RTC's periodic and update timers), so insertion by walking the list
 * costs less than any heap. */
#include "devices/vclock.h"

#include <stddef.h>

void vclock_init(vclock_t *c, const uint64_t *now, uint64_t hz)
{
    *c = (vclock_t){ .now = now, .hz = hz };
}

void vclock_set_kick(vclock_t *c, void (*kick)(void *opaque), void *opaque)
{
    c->kick = kick;
    c->kick_opaque = opaque;
}

void vclock_timer_init(vclock_timer_t *t, vclock_t *c, void (*cb)(void *opaque), void *opaque)
{
    *t = (vclock_timer_t){ .clock = c, .cb = cb, .opaque = opaque, .expires = VCLOCK_NEVER };
}

static void unlink_timer(vclock_timer_t *t)
{
    for (vclock_timer_t **p = &t->clock->armed; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->next = NULL;
    t->expires = VCLOCK_NEVER;
}

void vclock_timer_del(vclock_timer_t *t)
{
    if (vclock_timer_pending(t))
        unlink_timer(t);
}

void vclock_timer_mod(vclock_timer_t *t, uint64_t when)
{
    vclock_t *c = t->clock;
    vclock_timer_del(t);
    if (when == VCLOCK_NEVER)
        return;
    vclock_timer_t **p = &c->armed;
    while (*p && (*p)->expires <= when)     /* equal deadlines keep their arming order */
        p = &(*p)->next;
    t->expires = when;
    t->next = *p;
    *p = t;
    if (c->armed == t && c->kick)
        c->kick(c->kick_opaque);
}

void vclock_run(vclock_t *c)
{
    uint64_t now = vclock_now(c);
    while (c->armed && c->armed->expires <= now) {
        vclock_timer_t *t = c->armed;
        unlink_timer(t);
        t->cb(t->opaque);
    }
}

#define NS_PER_SEC 1000000000ull

void vclock_pace_reset(vclock_pace_t *p, uint64_t host_ns, uint64_t now)
{
    p->host_ns = host_ns;
    p->ticks = now;
}

uint64_t vclock_pace_idle(vclock_pace_t *p, uint64_t hz, uint64_t host_ns, uint64_t now,
                          uint64_t next)
{
    uint64_t host_elapsed = host_ns - p->host_ns;
    uint64_t due = vclock_muldiv_ceil(now - p->ticks, NS_PER_SEC, hz);
    if (due > host_elapsed) {               /* ahead of the host: keep the lead */
        vclock_pace_reset(p, host_ns, now);
        host_elapsed = 0;
    }
    if (next <= now)
        return 0;
    due = vclock_muldiv_ceil(next - p->ticks, NS_PER_SEC, hz);
    return due > host_elapsed ? due - host_elapsed : 0;
}

uint64_t vclock_pace_reached(const vclock_pace_t *p, uint64_t hz, uint64_t host_ns,
                             uint64_t next)
{
    uint64_t ticks = p->ticks + vclock_muldiv(host_ns - p->host_ns, hz, NS_PER_SEC);
    return ticks < next ? ticks : next;
}

uint64_t vclock_muldiv(uint64_t a, uint64_t b, uint64_t d)
{
    __extension__ unsigned __int128 p = (unsigned __int128)a * b;
    return (uint64_t)(p / d);
}

uint64_t vclock_muldiv_ceil(uint64_t a, uint64_t b, uint64_t d)
{
    __extension__ unsigned __int128 p = (unsigned __int128)a * b;
    return (uint64_t)((p + d - 1) / d);
}
