/* The VCPU scheduler's run queue: which VCPU, or the hypercore, has the CPU next.
 * Pure C (only <stdint.h>, <stdbool.h>), so tests/hv/test_vsched.c runs it on the host;
 * the design note is in vsched.c, the machinery that moves frames in vcpu.c.
 *
 * Entries 0 .. n-1 are the VCPUs (entry i = VCPU id i), entry VSCHED_HYPERCORE(s) = n is
 * the hypercore: all hypervisor threads together, one entry with one slice. States:
 *   READY     may run; RUNNING  has the CPU (exactly one entry);
 *   WAITING   a VCPU in WAIT until host Count reaches `wake` (or vsched_wake);
 *   PAUSED    a VCPU the management terminal paused: no slices until resumed;
 *   STOPPED   a VCPU that exited or was stopped: runs again only if restarted (reset).
 * The hypercore is never WAITING nor STOPPED, so something can always run. */
#ifndef HV_VSCHED_H
#define HV_VSCHED_H

#include <stdbool.h>
#include <stdint.h>

#define VSCHED_MAX_VCPUS 4u             /* = VMAP_MAX_VCPUS: one host ASID block each */

typedef enum vsched_state {
    VSCHED_READY,
    VSCHED_RUNNING,
    VSCHED_WAITING,
    VSCHED_STOPPED,
    VSCHED_PAUSED,
} vsched_state_t;

typedef struct vsched_entry {
    vsched_state_t state;
    uint32_t slice_left;        /* ticks left of the RUNNING entry's slice */
    uint32_t wake;              /* WAITING: host Count at which it becomes READY */
    uint32_t runs;              /* times it was given the CPU */
    uint32_t ticks;             /* ticks it was charged */
} vsched_entry_t;

typedef struct vsched {
    vsched_entry_t e[VSCHED_MAX_VCPUS + 1];
    uint32_t n;                 /* VCPUs; e[n] is the hypercore */
    uint32_t running;
    uint32_t vcpu_slice, hypercore_slice;
} vsched_t;

#define VSCHED_HYPERCORE(s) ((s)->n)

/* n VCPUs (at most VSCHED_MAX_VCPUS), all READY; the hypercore RUNNING (the caller). */
void vsched_init(vsched_t *s, uint32_t n, uint32_t vcpu_slice, uint32_t hypercore_slice);
/* Round robin: the first READY entry after the running one in the cyclic order 0, 1, ..
 * n-1, hypercore; the running one itself (if still RUNNING) only when no other is READY.
 * The chosen entry is RUNNING with a full slice; the one it replaces, if it was still
 * RUNNING, READY. Returns its index. */
uint32_t vsched_pick(vsched_t *s);
/* One tick charged to the running entry: true when its slice is used up and another entry
 * is READY (the caller picks); alone, it gets a new slice. */
bool vsched_tick(vsched_t *s);
/* True when some entry other than the running one is READY. */
bool vsched_other_ready(const vsched_t *s);
/* VCPU i waits until host Count `wake` (READY or RUNNING -> WAITING; a RUNNING one keeps
 * the CPU until the caller picks). */
void vsched_wait(vsched_t *s, uint32_t i, uint32_t wake);
/* WAITING VCPUs whose wake Count is reached at host Count `now` become READY (Count wraps:
 * reached means now - wake < 2^31). Returns how many woke. */
uint32_t vsched_wake_due(vsched_t *s, uint32_t now);
/* The earliest wake Count of the WAITING VCPUs, relative to `now`; false when none waits. */
bool vsched_next_wake(const vsched_t *s, uint32_t now, uint32_t *wake);
/* VCPU i never runs again. */
void vsched_stop(vsched_t *s, uint32_t i);
/* VCPUs not STOPPED. */
uint32_t vsched_live(const vsched_t *s);
/* VCPU i (READY or WAITING) gets no slices until vsched_resume, which makes it READY (a
 * WAIT it was in ends early, as an interrupt would end it). False in any other state. */
bool vsched_pause(vsched_t *s, uint32_t i);
bool vsched_resume(vsched_t *s, uint32_t i);
/* VCPU i, whatever its state but RUNNING, is READY again (a reset guest). */
bool vsched_restart(vsched_t *s, uint32_t i);

#endif
