/* A VCPU: one guest run by trap-and-emulate on the real CPU (design note: vcpu.c). */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "gtlb.h"
#include "hthread.h"
#include "vdev.h"
#include "vmap.h"

/* Guest RAM: GPA 0 .. VCPU_RAM_SIZE - 1, host-physical VCPU_RAM_SIZE * (id + 1) onwards:
 * guest 0 at 16 MiB, guest 1 at 32 MiB, ... above the hypervisor's image (1 MiB + a few
 * hundred KiB) and below the top of RAM, where the loaders put kernel files and initrds. */
#define VCPU_RAM_SIZE       (16u << 20)
/* The board's I/O (GT-64120 windows, FPGA, boot flash): never mapped, every access traps
 * to the guest's emulated devices (vdev.h; their windows: guests.dts). */
#define VCPU_GPA_IO         0x18000000u
#define VCPU_GPA_IO_END     0x20000000u
/* Where every guest finds the hypervisor's command line (its boot words, NUL-terminated),
 * a2 = its arch address: below the load address, above the exception vectors. */
#define VCPU_ARGS_GPA       0x00000800u
#define VCPU_ARGS_MAX       0x00000800u
/* Where vcpu_load puts a guest image, and where the guest starts (arch 0x80001000). */
#define VCPU_LOAD_GPA       0x00001000u
/* The guest's read-only window (vcpu_load_boot): its boot "ROM", where the VCPU starts
 * after a reset (arch 0xBFC00000); 4 MiB as on a Malta, backed by whole host pages only as
 * far as the image goes (beyond: nothing there, a bus error). Its flash, where the boot
 * stage finds the kernel (arch 0xBE000000), is an emulated CFI chip (vflash.c). */
#define VCPU_GPA_BOOTROM    0x1FC00000u
#define VCPU_RESET_VECTOR   0xBFC00000u     /* arch: its first word */
#define VCPU_GPA_FLASH      0x1E000000u
#define VCPU_ROM_WINDOW     0x00400000u
#define VCPU_ROMS           1

#define VCPU_NAME_MAX       8
#define VCPU_PRID           0x00019300u     /* MIPS 24Kc */
#define VCPU_STATUS_IM_DEVICES 0x00007C00u  /* IM2..IM6: the devices' lines (vdev.h) */

/* The VCPU scheduler's slices, in ticks (TIMER_HZ): each VCPU's, and the whole
 * hypercore's (its threads share it; hthread.h's slice divides it among them). */
#define VCPU_SLICE_TICKS        2
#define HYPERCORE_SLICE_TICKS   1
/* The watchdog (vcpu.c): ticks with interrupts off and no exit; exceptions reflected
 * without an ERET. */
#define VCPU_WD_QUIET_TICKS     50u
#define VCPU_WD_STORM           1000u

typedef struct vcpu {
    char name[VCPU_NAME_MAX];
    uint8_t id;
    bool stopped;
    bool exited;                /* stopped by its own software reset, not the watchdog */
    uint32_t ram_hpa;           /* host physical base of GPA 0 */
    uint32_t ram_size;

    /* The guest's registers while it is not in the CPU (before its first entry: PC = its
     * real entry point). Once it runs, its live frame is the one exception.S saved. */
    hv_frame_t frame;

    /* Soft CP0 (architectural values; TLB registers in `tlb`). */
    uint32_t status, cause, epc, errorepc, badvaddr, ebase;
    uint32_t config0;           /* only K0 is writable */
    uint32_t compare;
    uint32_t count_offset;      /* guest Count = host Count + count_offset */
    uint32_t last_count;        /* guest Count when the timer was last checked */
    uint32_t hwrena, userlocal;
    gtlb_t tlb;
    vmap_asids_t asids;

    /* Read-only windows: GPA gpa .. gpa + size - 1 is host physical hpa onwards. */
    struct vcpu_rom {
        uint32_t gpa, size, hpa;
    } rom[VCPU_ROMS];
    uint32_t roms;

    /* Its emulated devices (vdev.h); its 16550 is vcons.c's console `id`. */
    vdev_set_t devs;
    bool mmio_logged;
    const char *args;           /* copied to VCPU_ARGS_GPA at load and reset; NULL: none */

    /* The image vcpu_load copied (NULL: none), copied again by `reset N` (vcpu_reset). */
    const void *image;
    size_t image_size;

    /* Statistics. */
    uint32_t exits[32];         /* by host ExcCode */
    uint32_t emulated;          /* privileged instructions emulated */
    uint32_t reflected;         /* exceptions delivered to the guest */
    uint32_t shadow_fills;
    uint32_t ticks;             /* the hypervisor's ticks taken while the guest ran */

    /* Scheduling (vsched.c): the registers while another entry has the CPU. */
    bool frame_bd;              /* frame.epc is a branch whose delay slot was interrupted */
    uint32_t runs;              /* times it was given the CPU */
    uint32_t waits;             /* WAITs that gave the CPU away */

    /* The watchdog (vcpu.c design note). */
    uint32_t wd_exits;          /* exits other than interrupts since the last tick */
    uint32_t wd_quiet;          /* consecutive ticks with interrupts off and no exit */
    uint32_t wd_unreturned;     /* exceptions reflected since the last ERET */
} vcpu_t;

/* Once, before any VCPU: the host TLB (no entry of the hypervisor's; all are shadows). */
void vcpu_host_init(void);
/* A VCPU in its reset state (Status = BEV | ERL, EBase 0x80000000, empty guest TLB) with
 * RAM at host physical `ram_hpa`. False when id >= VMAP_MAX_VCPUS. */
bool vcpu_init(vcpu_t *v, uint8_t id, const char *name, uint32_t ram_hpa, uint32_t ram_size);
/* Gives the guest the command line `args` (a2, VCPU_ARGS_GPA; cut at VCPU_ARGS_MAX - 1
 * bytes). `args` must stay valid: `reset N` copies it again. */
void vcpu_set_args(vcpu_t *v, const char *args);
/* Copies a flat guest image to VCPU_LOAD_GPA and sets the PC there; a0 = RAM size. */
bool vcpu_load(vcpu_t *v, const void *image, size_t size);
/* Instead of vcpu_load: the VCPU starts at its reset vector (arch 0xBFC00000) as a board
 * does, Status = BEV | ERL, a0 = its RAM size, with the boot stage `stage` as its ROM
 * (VCPU_GPA_BOOTROM), mapped read-only where it is, so it must start on a 4 KiB boundary
 * (guests.S) and stay valid: several VCPUs may share it. */
bool vcpu_load_boot(vcpu_t *v, const void *stage, size_t stage_size);
/* Makes the n loaded VCPUs (ids 0 .. n-1, in that order) entries of the VCPU scheduler
 * beside the hypercore (vsched.c): they run from the next tick on, in turn. */
void vcpu_sched_start(vcpu_t *const *vcpus, uint32_t n);
/* VCPUs that have not exited or been stopped. */
uint32_t vcpu_live(void);
/* For the management terminal (term.c), from a hypercore thread: the VCPUs the scheduler
 * runs (ids 0 .. vcpu_count() - 1), a VCPU's state ("running", "ready", "waiting",
 * "paused", "stopped", "exited") and ticks of run time; pausing (no slices until
 * resumed), resuming, and resetting it (its RAM cleared and its image copied again, the rest of
 * its vcpu_t, CP0, TLB and registers, as when the scheduler started it; then READY, and
 * vcpu_reset prints "hv: guest NAME reset" before the guest can run again). */
uint32_t vcpu_count(void);
vcpu_t *vcpu_get(uint32_t id);
const char *vcpu_state(uint32_t id);
uint32_t vcpu_run_ticks(uint32_t id);
bool vcpu_pause(uint32_t id);
bool vcpu_resume(uint32_t id);
bool vcpu_reset(uint32_t id);
/* vcons.c: input arrived for guest `id`; if it is in WAIT, it wakes at the next interrupt
 * (the hypervisor's tick at the latest) to take it. */
void vcpu_kick(uint32_t id);
/* hthread.c's idle thread, looping: nothing on the hypercore has work, so a VCPU that is
 * ready gets the CPU now (a SYSCALL, which exception.c turns into
 * vcpu_hypercore_interrupt) instead of at the next tick; with none ready, WAIT. */
void vcpu_hypercore_idle(void);
/* exception.c: a timer interrupt taken in the hypercore (after hthread_timer_tick when it
 * was a tick): may end the hypercore's slice and return a VCPU's frame instead. */
hv_frame_t *vcpu_hypercore_interrupt(hv_frame_t *f, bool tick);

/* Drops every shadow entry of the VCPU from the host TLB (vdev_set_romd: a window stops
 * being memory). Any context; interrupts are masked meanwhile. */
void vcpu_drop_shadows(vcpu_t *v);

/* exception.c: an exception taken in user mode, i.e. while a guest ran. Returns the
 * frame to restore: the guest's, or the hypervisor's when the guest stopped. */
hv_frame_t *vcpu_exit(hv_frame_t *f);

#endif
