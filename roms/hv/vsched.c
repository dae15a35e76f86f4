/* The VCPU scheduler (vsched.h): round robin over the VCPUs and the hypercore.
 *
 * Design note.
 *
 * What is scheduled. Issue 8: "VCPU scheduling, TLB miss handling and instruction
 * emulation stay outside the hypercore", and the hypervisor's own threads "share one
 * slice". So there are two levels. This queue has one entry per VCPU plus ONE entry for
 * the whole hypercore; round robin gives each VCPU a slice of VSCHED_VCPU_SLICE ticks and
 * the hypercore one of VSCHED_HYPERCORE_SLICE ticks, whatever the number of threads in it.
 * Inside the hypercore's slice, sched.c's own round robin shares the time among the
 * threads as before (hthread.c); its ticks are only the ones taken in the hypercore.
 *
 * No thread per VCPU. A guest runs in user mode and every one of its exits is an exception
 * taken on the interrupt stack (exception.S), so the VCPU's state is always a frame: the
 * scheduler switches by returning another frame to exception.S, never by switching
 * stacks. The running VCPU's frame is the one on the interrupt stack; a VCPU that is not
 * running keeps its frame in its vcpu_t; the hypercore's frame (the thread it was running
 * when it lost the CPU, as hthread_timer_tick left it) is kept in one hv_frame_t
 * (vcpu.c). Switch points, all in exception context (vcpu.c, "Scheduling"):
 *   - a tick in guest mode that ends the VCPU's slice (the guest runs in real user mode
 *     with the host's IE and IM7 set whatever its own Status says, so it cannot keep the
 *     tick out: a guest looping with its interrupts off is preempted like any other);
 *   - a tick in the hypercore that ends its slice, or any timer interrupt while the
 *     hypercore runs only its idle thread (it gives the rest of its slice away; the idle
 *     thread does so itself too, once it has let every thread with work run: hthread.c's
 *     idle_fn);
 *   - WAIT in a guest: its VCPU is WAITING until its virtual timer's deadline (its
 *     Compare in host Count; the host timer is armed for the earliest waiter), then READY;
 *   - a guest that exits or is stopped (vcpu.c's watchdog): STOPPED for good.
 * Because the hypercore is always READY, the CPU always has somewhere to go; when every
 * guest waits, the hypercore's idle thread WAITs on the real CPU until the next deadline.
 *
 * Host TLB. Each VCPU owns a block of host ASIDs (vmap.h), and entering a VCPU writes
 * its EntryHi ASID, so the other VCPUs' shadow entries never match: a VCPU switch flushes
 * nothing. Shadow entries are dropped only when an ASID is recycled (vmap_asid_user),
 * when the guest changes its TLB or ASID, and when a VCPU stops.
 *
 * This file is only the queue: the order, the slices, the wake times. */
#include "vsched.h"

void vsched_init(vsched_t *s, uint32_t n, uint32_t vcpu_slice, uint32_t hypercore_slice)
{
    if (n > VSCHED_MAX_VCPUS)
        n = VSCHED_MAX_VCPUS;
    s->n = n;
    s->vcpu_slice = vcpu_slice ? vcpu_slice : 1;
    s->hypercore_slice = hypercore_slice ? hypercore_slice : 1;
    for (uint32_t i = 0; i <= n; i++)
        s->e[i] = (vsched_entry_t){ .state = VSCHED_READY };
    s->running = n;
    s->e[n].state = VSCHED_RUNNING;
    s->e[n].slice_left = s->hypercore_slice;
    s->e[n].runs = 1;
}

static uint32_t slice_of(const vsched_t *s, uint32_t i)
{
    return i == VSCHED_HYPERCORE(s) ? s->hypercore_slice : s->vcpu_slice;
}

uint32_t vsched_pick(vsched_t *s)
{
    uint32_t cur = s->running, next = cur;
    for (uint32_t k = 1; k <= s->n + 1; k++) {
        uint32_t i = (cur + k) % (s->n + 1);
        if (s->e[i].state == VSCHED_READY) {
            next = i;
            break;
        }
    }
    if (next == cur && s->e[cur].state != VSCHED_RUNNING)
        next = VSCHED_HYPERCORE(s);     /* not reached: the hypercore is always READY */
    if (next != cur) {
        if (s->e[cur].state == VSCHED_RUNNING)
            s->e[cur].state = VSCHED_READY;
        s->e[next].runs++;
    }
    s->e[next].state = VSCHED_RUNNING;
    s->e[next].slice_left = slice_of(s, next);
    s->running = next;
    return next;
}

bool vsched_other_ready(const vsched_t *s)
{
    for (uint32_t i = 0; i <= s->n; i++)
        if (i != s->running && s->e[i].state == VSCHED_READY)
            return true;
    return false;
}

bool vsched_tick(vsched_t *s)
{
    vsched_entry_t *e = &s->e[s->running];
    e->ticks++;
    if (e->slice_left > 0)
        e->slice_left--;
    if (e->slice_left > 0)
        return false;
    if (vsched_other_ready(s))
        return true;
    e->slice_left = slice_of(s, s->running);   /* alone: another slice */
    return false;
}

void vsched_wait(vsched_t *s, uint32_t i, uint32_t wake)
{
    if (i >= s->n)
        return;
    if (s->e[i].state == VSCHED_READY || s->e[i].state == VSCHED_RUNNING) {
        s->e[i].state = VSCHED_WAITING;
        s->e[i].wake = wake;
    }
}

uint32_t vsched_wake_due(vsched_t *s, uint32_t now)
{
    uint32_t woke = 0;
    for (uint32_t i = 0; i < s->n; i++) {
        vsched_entry_t *e = &s->e[i];
        if (e->state == VSCHED_WAITING && (int32_t)(now - e->wake) >= 0) {
            e->state = s->running == i ? VSCHED_RUNNING : VSCHED_READY;
            woke++;
        }
    }
    return woke;
}

bool vsched_next_wake(const vsched_t *s, uint32_t now, uint32_t *wake)
{
    bool any = false;
    for (uint32_t i = 0; i < s->n; i++) {
        const vsched_entry_t *e = &s->e[i];
        if (e->state != VSCHED_WAITING)
            continue;
        if (!any || (int32_t)(e->wake - now) < (int32_t)(*wake - now))
            *wake = e->wake;
        any = true;
    }
    return any;
}

void vsched_stop(vsched_t *s, uint32_t i)
{
    if (i < s->n)
        s->e[i].state = VSCHED_STOPPED;
}

uint32_t vsched_live(const vsched_t *s)
{
    uint32_t live = 0;
    for (uint32_t i = 0; i < s->n; i++)
        live += s->e[i].state != VSCHED_STOPPED;
    return live;
}

bool vsched_pause(vsched_t *s, uint32_t i)
{
    if (i >= s->n || (s->e[i].state != VSCHED_READY && s->e[i].state != VSCHED_WAITING))
        return false;
    s->e[i].state = VSCHED_PAUSED;
    return true;
}

bool vsched_resume(vsched_t *s, uint32_t i)
{
    if (i >= s->n || s->e[i].state != VSCHED_PAUSED)
        return false;
    s->e[i].state = VSCHED_READY;
    return true;
}

bool vsched_restart(vsched_t *s, uint32_t i)
{
    if (i >= s->n || s->e[i].state == VSCHED_RUNNING)
        return false;
    s->e[i].state = VSCHED_READY;
    return true;
}
