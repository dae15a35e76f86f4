/* VCPUs: guests run by trap-and-emulate on a plain MIPS32r2 CPU.
 *
 * Design note.
 *
 * Guest ABI. The guest kernel runs in real user mode (Status.UM = 1, CU0 = 0, HWREna = 0).
 * Its code and data pointers are REAL addresses: it is linked for the guest kseg0 window at
 * real 0x00000000 (kseg1 at 0x20000000, boot ROM at 0x3FC00000, kseg2/3 at 0x40000000-
 * 0x7FFFFFFF). Its CP0 registers and guest TLB entries hold ARCHITECTURAL addresses (EPC,
 * ErrorEPC, BadVAddr, EBase, EntryHi as a real MIPS shows them: 0x80000000-based for
 * kseg0). This file converts with vmap_to_real/vmap_to_arch whenever a PC or an address
 * crosses between the two: exception delivery (EPC, BadVAddr, the vector), ERET.
 *
 * State. Everything the guest can see of CP0 is soft (vcpu_t): Status, Cause, EPC,
 * ErrorEPC, BadVAddr, Count/Compare (guest Count = host Count + offset), EBase, PRId
 * 0x00019300 (24Kc), Config0-3/7 (Config1.MMUSize from gtlb.h, the host's cache
 * geometry), IntCtl.IPTI = 7, HWREna, UserLocal, and the TLB registers in a gtlb_t. The
 * guest's GPRs/HI/LO/PC are an exception frame (frame.h): entering the guest is
 * exception.S restoring a frame with real Status UM = 1, EXL = 1 (until the ERET), IE = 1
 * and IM7 (the hypervisor's tick keeps running), EPC = the guest's real PC.
 *
 * Reset state. vcpu_load puts a flat image at GPA 0x1000 and starts it there in kernel
 * mode with Status = BEV | ERL, as after a reset, EBase = 0x80000000, a0 = its RAM size.
 * vcpu_load_boot instead starts the VCPU where a board starts, arch 0xBFC00000 (real
 * 0x3FC00000, kseg1), same Status and a0, in a guest boot stage (roms/guests/boot) that is
 * its "ROM" at GPA 0x1FC00000; the kernel it loads is in the guest's CFI flash at GPA
 * 0x1E000000 (an emulated device: vflash.c, main.c installs the kernel there).
 *
 * Read-only windows. The boot stage's ROM is host pages (the image in the hypervisor's
 * own .rodata, guests.S, shared by every VCPU booted from it) mapped into the guest, and
 * so is a ROM device's window while it reads as memory (vdev.h: the flash in read-array
 * mode). A shadow entry for them never has D, so a guest store there is a host TLB
 * Modified (or a miss classified as a store) that never installs anything: it falls to
 * the MMIO path, which gives it to the device or, for the ROM, finds none and reflects a
 * bus error. Loads and fetches are direct; the emulator's own reads (fetching an
 * instruction that trapped) go through guest_ptr like RAM.
 *
 * Exits. exception.c sends every exception taken in user mode here (vcpu_exit); the
 * hypervisor itself never runs in user mode. By host ExcCode:
 *   Int        the hypervisor's tick (timer_interrupt) or the guest's timer deadline,
 *              then back into the guest
 *   CpU, CE=0  the privileged instruction at EPC (EPC + 4 with Cause.BD, the branch
 *              resolved by branch_eval first) is emulated: MFC0/MTC0/DI/EI/ERET/WAIT/
 *              TLBR/TLBWI/TLBWR/TLBP/CACHE; anything else is reflected as RI; in guest
 *              user mode without its Status.CU0 the CpU itself is reflected
 *   RI         RDHWR (CPUNum, SYNCI_Step, CC, CCRes, ULR; HWREna in guest user mode),
 *              else reflected
 *   Sys, Bp, Tr, Ov, AdEL/AdES, CpU with CE != 0: reflected
 *   TLBL/TLBS/Mod  vmap_classify: DIRECT/MAPPED RAM -> a shadow entry in the host TLB;
 *              DIRECT device window -> MMIO emulation; guest TLB refill/invalid/modified
 *              -> reflected with gtlb_fault; address error -> reflected
 * Reflecting is vexc_deliver (vexc.c): guest EPC (arch), Cause.BD/ExcCode, EXL, vector
 * EBase + 0x000/0x180/0x200 or 0xBFC00200 + ... with BEV.
 *
 * Host TLB. The hypervisor runs unmapped (kseg0/kseg1), so it keeps no host TLB entry:
 * every entry is a shadow entry (4 KiB page pairs, never global, host ASID from vmap.h),
 * written with TLBWR when new and TLBWI over the entry a TLBP finds for the same pair (so
 * two entries never match one address). Unused entries hold distinct kseg0 VPN2s, which
 * never match. Invalidation drops only what can be stale, in one pass over the host TLB
 * (TLBR each entry, compare VPN2 and ASID): a guest TLBWI/TLBWR the shadow entries made
 * from the entry it overwrote (its span, in whichever view sees it); a change of the
 * guest's ASID the kernel view's kseg2/3 entries (that view has one host ASID); a
 * user-ASID slot taken over by another guest ASID that slot's entries. The kernel/user
 * view switch is an EntryHi ASID change, never a flush.
 *
 * Virtual timer. The guest's Compare is checked against its Count on every exit; a match
 * sets Cause.TI and IP7. While the guest has IM7 set, the host Compare is also armed for
 * the guest's (timer_set_deadline), so the match comes on time even if the guest never
 * exits; otherwise the hypervisor's 100 Hz tick bounds the delay. Before every
 * return into the guest, a pending unmasked interrupt (IE = 1, EXL = ERL = 0) is delivered
 * to its vector. WAIT gives the CPU away until the guest's Compare (Scheduling, below).
 *
 * MMIO. GPA 0x18000000-0x1FFFFFFF is never mapped. A fault there decodes the load/store
 * (vexc_decode_ldst) read through the host mapping of the guest's RAM and emulates it: the
 * virtual 16550 at 0x180003F8 (vuart.c's registers, vcons.c's console multiplexing: its
 * output "[name] "-prefixed lines, or raw while the terminal attaches it; its interrupt
 * line is the guest's Cause.IP2, refreshed with the timer's in vtimer_update), the FPGA
 * software reset at 0x1F000500 (0x42 stops the VCPU: "hv: guest NAME exited"). Anything
 * else is logged once and reflected as DBE.
 *
 * Scheduling (design note in vsched.c). Every VCPU, and the hypercore as one, is an entry
 * of the VCPU scheduler's round robin. The running VCPU's registers are the frame
 * exception.S saved; one that is not running keeps them in vcpu_t.frame (with frame_bd:
 * its PC is a branch whose delay slot was interrupted). Switching is returning another
 * frame: a VCPU's (entered through enter(), which restores its host ASID and virtual
 * timer) or the hypercore's (hypercore_frame, the thread it ran when it lost the CPU).
 * WAIT parks the VCPU until its Compare (host timer armed for the earliest waiter).
 *
 * Watchdog (containment). The guest cannot mask the host's tick (it runs in user mode
 * with the host's IE and IM7 set), so the hypervisor always gets the CPU back; what it
 * must decide is when a guest is beyond help. Two rules stop a VCPU with a report
 * "hv: guest gN stopped: <reason> at pc 0x<arch pc>", after which its shadow entries are
 * dropped and the other entries share its time:
 *   - VCPU_WD_QUIET_TICKS consecutive ticks taken with the guest unable to take an
 *     interrupt (its IE clear or EXL/ERL set) and no exit of its own in between: a guest
 *     kernel spinning with interrupts off never recovers (0.5 s of its own CPU time: far
 *     above any sane critical section, and counted only while it runs);
 *   - VCPU_WD_STORM exceptions reflected into the guest without an ERET in between: its
 *     vectors are missing or fault themselves (a guest that jumps anywhere, runs garbage
 *     with no handler), so it would trap forever.
 * A guest that misbehaves but keeps handling its exceptions (ERET) and its interrupts is
 * not stopped: it only uses its own slices. A WAIT with the timer interrupt masked can
 * never end and stops the VCPU too. */
#include "hv.h"
#include "branch.h"
#include "vcons.h"
#include "vcpu.h"
#include "vexc.h"
#include "vsched.h"

#define CAUSE_CE(c)     (((c) >> 28) & 3u)
#define ST_CU0          0x10000000u
#define GUEST_HOST_STATUS (ST_UM | ST_IM7 | ST_IE)

/* Writable bits of the guest's registers. */
#define STATUS_WRITABLE 0x1040FF17u     /* CU0, BEV, IM7..0, UM, ERL, EXL, IE */
#define CAUSE_WRITABLE  0x00800300u     /* IV, IP1..0 */
#define EBASE_WRITABLE  0x3FFFF000u
#define HWRENA_WRITABLE 0x2000000Fu     /* CPUNum, SYNCI_Step, CC, CCRes, ULR */
#define CONFIG0_RO      0x80000480u     /* M, AR = 1 (release 2), MT = 1 (TLB) */
#define CONFIG3_ULRI    0x00002000u
#define INTCTL_IPTI7    0xE0000000u

#define TLB_V           0x2u
#define TLB_D           0x4u
#define INDEX_P         0x80000000u

static vcpu_t *current;
static uint32_t host_tlb_size;

/* The VCPU scheduler: the queue (vsched.c), the VCPUs by id, the hypercore's frame. */
static vsched_t vs;
static vcpu_t *vcpus[VSCHED_MAX_VCPUS];
static hv_frame_t hypercore_frame;
static vcpu_t boot_state[VSCHED_MAX_VCPUS];    /* each VCPU as it started (vcpu_reset) */

static hv_frame_t *reschedule(void);

/* ---- Host TLB ------------------------------------------------------------------------ */

static inline void tlbp(void) { __asm__ volatile("tlbp; ehb" ::: "memory"); }
static inline void tlbr(void) { __asm__ volatile("tlbr; ehb" ::: "memory"); }
static inline void tlbwi(void) { __asm__ volatile("tlbwi; ehb" ::: "memory"); }
static inline void tlbwr(void) { __asm__ volatile("tlbwr; ehb" ::: "memory"); }

static void host_tlb_invalidate(uint32_t i)
{
    write_c0(C0_ENTRYHI, KSEG0 + (i << 13));
    write_c0(C0_ENTRYLO0, 0);
    write_c0(C0_ENTRYLO1, 0);
    write_c0(C0_PAGEMASK, 0);
    write_c0(C0_INDEX, i);
    tlbwi();
}

void vcpu_host_init(void)
{
    host_tlb_size = CONFIG1_MMU_SIZE(read_c0(C0_CONFIG1));
    write_c0(C0_WIRED, 0);
    for (uint32_t i = 0; i < host_tlb_size; i++)
        host_tlb_invalidate(i);
    write_c0(C0_ENTRYHI, 0);
}

#define ANY_ASID (-1)

/* Drops v's shadow entries whose page pair starts in real VAs [lo, hi], with host ASID
 * `asid` or (ANY_ASID) any of v's block. One pass over the host TLB. */
static void shadow_drop(vcpu_t *v, uint32_t lo, uint32_t hi, int asid)
{
    uint32_t saved = read_c0(C0_ENTRYHI);
    lo &= GTLB_ENTRYHI_VPN2;
    for (uint32_t i = 0; i < host_tlb_size; i++) {
        write_c0(C0_INDEX, i);
        tlbr();
        uint32_t e = read_c0(C0_ENTRYHI), vpn2 = e & GTLB_ENTRYHI_VPN2;
        uint32_t a = e & 0xFFu;
        if (vpn2 < KSEG0 && vpn2 >= lo && vpn2 <= hi && a / VMAP_ASIDS_PER_VCPU == v->id &&
            (asid == ANY_ASID || a == (uint32_t)asid))
            host_tlb_invalidate(i);
    }
    write_c0(C0_ENTRYHI, saved);
}

/* Drops every shadow entry of v's ASID block. */
static void shadow_flush(vcpu_t *v)
{
    shadow_drop(v, 0, KSEG0 - 1, ANY_ASID);
}

/* The guest overwrote (or read over) the TLB entry that translated `span`: only shadow
 * entries made from it can be stale. Its kuseg part is seen in the user view at the same
 * real VAs, its kseg2/3 part in the kernel view 2 GB lower (vmap.h). */
static void shadow_drop_span(vcpu_t *v, const gtlb_span_t *span)
{
    if (!span->valid || !span->size)
        return;
    uint32_t lo = span->vaddr, hi = span->vaddr + (span->size - 1);
    if (hi < lo)
        hi = 0xFFFFFFFFu;
    if (lo < KSEG0)
        shadow_drop(v, lo, hi < KSEG0 ? hi : KSEG0 - 1, ANY_ASID);
    if (hi >= 0xC0000000u) {
        lo = lo < 0xC0000000u ? 0xC0000000u : lo;
        shadow_drop(v, lo - KSEG0, hi - KSEG0, vmap_asid_kernel(&v->asids));
    }
}

/* The guest's ASID (EntryHi) changed. The user view follows by itself (each guest ASID
 * has its own host ASID slot: host_asid), but the kernel view has one host ASID, so what
 * it mapped of kseg2/3 through the guest TLB may now be another ASID's; its kseg0/kseg1
 * windows stay. */
static void guest_asid_changed(vcpu_t *v)
{
    shadow_drop(v, VMAP_REAL_KSEG2, VMAP_REAL_TOP - 1, vmap_asid_kernel(&v->asids));
}

void vcpu_drop_shadows(vcpu_t *v)
{
    uint32_t ie = irq_save();
    shadow_flush(v);
    irq_restore(ie);
}

/* The host ASID the guest runs with in its current view. */
static uint8_t host_asid(vcpu_t *v)
{
    if (vmap_guest_kernel(v->status))
        return vmap_asid_kernel(&v->asids);
    bool flush;
    uint8_t asid = vmap_asid_user(&v->asids, (uint8_t)v->tlb.entryhi, &flush);
    if (flush)
        shadow_drop(v, 0, KSEG0 - 1, asid);    /* the slot held another guest ASID */
    return asid;
}

/* The host physical address of `gpa` in one of v's read-only windows, or in a ROM
 * device's window while it reads as memory (vdev.h), if it is in one. */
static bool rom_hpa(vcpu_t *v, uint32_t gpa, uint32_t *hpa)
{
    for (uint32_t i = 0; i < v->roms; i++) {
        if (gpa - v->rom[i].gpa < v->rom[i].size) {
            *hpa = v->rom[i].hpa + (gpa - v->rom[i].gpa);
            return true;
        }
    }
    return gpa >= VCPU_GPA_IO && vdev_romd_hpa(v, gpa, hpa);
}

/* A shadow entry for the page pair holding real VA `va`, both pages classified for a
 * load (D from the guest's mapping): a store to a clean page comes back as Mod. */
static void shadow_install(vcpu_t *v, uint32_t va)
{
    uint32_t base = va & ~0x1FFFu;
    uint32_t lo[2];
    for (unsigned h = 0; h < 2; h++) {
        vmap_access_t a = vmap_classify(&v->tlb, v->status, v->config0, base + h * 0x1000u,
                                        false);
        lo[h] = 0;
        uint32_t hpa;
        bool ram = a.gpa < v->ram_size;
        if ((a.kind == VMAP_DIRECT || a.kind == VMAP_MAPPED) &&
            (ram || rom_hpa(v, a.gpa, &hpa))) {
            if (ram)
                hpa = v->ram_hpa + a.gpa;
            hpa &= ~0xFFFu;
            uint32_t cca = a.cca == VMAP_CCA_UNCACHED ? VMAP_CCA_UNCACHED : 3u;
            lo[h] = ((hpa >> 12) << 6) | (cca << 3) | (a.dirty && ram ? TLB_D : 0) | TLB_V;
        }
    }
    write_c0(C0_ENTRYHI, base | host_asid(v));
    write_c0(C0_PAGEMASK, 0);
    tlbp();
    uint32_t index = read_c0(C0_INDEX);
    write_c0(C0_ENTRYLO0, lo[0]);
    write_c0(C0_ENTRYLO1, lo[1]);
    if (index & INDEX_P)
        tlbwr();
    else
        tlbwi();
    v->shadow_fills++;
}

/* ---- Guest memory seen by the hypervisor ---------------------------------------------- */

/* The hypervisor's (kseg0) pointer to guest real VA `va` as the guest sees it now, or
 * NULL when it is neither the guest's RAM nor one of its read-only windows (which the
 * callers only read). */
static void *guest_ptr(vcpu_t *v, uint32_t va)
{
    vmap_access_t a = vmap_classify(&v->tlb, v->status, v->config0, va, false);
    uint32_t hpa;
    if (a.kind != VMAP_DIRECT && a.kind != VMAP_MAPPED)
        return NULL;
    if (a.gpa < v->ram_size)
        return (void *)(uintptr_t)(KSEG0 + v->ram_hpa + a.gpa);
    if (rom_hpa(v, a.gpa, &hpa))
        return (void *)(uintptr_t)(KSEG0 + hpa);
    return NULL;
}

static bool fetch(vcpu_t *v, uint32_t va, uint32_t *insn)
{
    const uint32_t *p = (va & 3u) ? NULL : guest_ptr(v, va);
    if (!p)
        return false;
    *insn = *p;
    return true;
}

static void cache_sync(uint32_t addr, uint32_t size)
{
    uint32_t line = cache_line(read_c0(C0_CONFIG1), DCACHE_SHIFT);
    if (!line)
        return;
    for (uint32_t a = addr & ~(line - 1u); a < addr + size; a += line)
        __asm__ volatile("cache 0x15, 0(%0); cache 0x10, 0(%0)" : : "r"(a) : "memory");
    __asm__ volatile("sync" ::: "memory");
}

/* ---- Stopping ------------------------------------------------------------------------ */

/* The guest's PC as its own CP0 would show it (the real PC when it has no arch value). */
static uint32_t arch_pc(const vcpu_t *v, uint32_t pc)
{
    uint32_t arch;
    return vmap_to_arch(pc, vmap_guest_kernel(v->status), &arch) ? arch : pc;
}

/* v never runs again: its queue entry STOPPED, its shadow entries dropped; the next entry
 * gets the CPU. */
static hv_frame_t *retire(vcpu_t *v)
{
    vcons_flush(v->id);
    v->stopped = true;
    vsched_stop(&vs, v->id);
    write_c0(C0_ENTRYHI, 0);
    shadow_flush(v);
    current = NULL;
    return reschedule();
}

static hv_frame_t *stop_guest(vcpu_t *v, hv_frame_t *f, const char *why)
{
    printf("hv: guest %s stopped: %s at pc 0x%08x\n", v->name, why, arch_pc(v, f->epc));
    printf("hv: guest %s state [Cause 0x%08x BadVAddr 0x%08x guest Status 0x%08x]\n",
           v->name, f->cause, f->badvaddr, v->status);
    return retire(v);
}

/* ---- Reflecting exceptions into the guest --------------------------------------------- */

static void set_gpr(hv_frame_t *f, unsigned r, uint32_t value)
{
    if (r)
        f->gpr[r] = value;
}

/* Delivers `exccode` for the instruction at real `pc` (the branch, when bd). */
static bool reflect_at(vcpu_t *v, hv_frame_t *f, uint32_t pc, unsigned exccode, bool bd,
                       bool refill, unsigned ce)
{
    uint32_t pc_arch;
    if (!vmap_to_arch(pc, vmap_guest_kernel(v->status), &pc_arch)) {
        if (vmap_guest_kernel(v->status))
            return false;       /* a kernel-view PC above the guest's 2 GB: no arch value */
        pc_arch = pc;           /* user view: arch = real, a kernel address (AdEL) */
    }
    vexc_cp0_t c = { v->status, v->cause, v->epc };
    uint32_t vector = vexc_deliver(&c, v->ebase, exccode, pc_arch, bd, refill, ce);
    v->status = c.status;
    v->cause = c.cause;
    v->epc = c.epc;
    uint32_t real;
    if (!vmap_to_real(vector, true, &real))
        return false;
    f->epc = real;
    v->reflected++;
    if (exccode != VEXC_INT)
        v->wd_unreturned++;
    return true;
}

static hv_frame_t *enter(vcpu_t *v, hv_frame_t *f, bool bd);

/* Delivers `exccode` for the instruction that trapped and returns into the guest. */
static hv_frame_t *reflect(vcpu_t *v, hv_frame_t *f, unsigned exccode, unsigned ce)
{
    if (!reflect_at(v, f, f->epc, exccode, (f->cause & CAUSE_BD) != 0, false, ce))
        return stop_guest(v, f, "its PC is outside its address space");
    return enter(v, f, false);
}

/* ---- Virtual timer and interrupts ----------------------------------------------------- */

static uint32_t guest_count(const vcpu_t *v)
{
    return read_count() + v->count_offset;
}

static void vtimer_update(vcpu_t *v)
{
    uint32_t now = guest_count(v);
    if (vexc_timer_matched(v->last_count, now, v->compare))
        v->cause |= VEXC_CAUSE_TI | VEXC_CAUSE_IP7;
    v->last_count = now;
    /* The devices' lines are the guest's IP2..IP6 (vdev.h). */
    v->cause = (v->cause & ~VCPU_STATUS_IM_DEVICES) | vdev_irq_bits(v);
}

/* The host timer's early deadline: the earliest of the running guest's Compare (`own`,
 * when `have_own`) and the wake times of the VCPUs in WAIT. */
static void arm_timer(uint32_t own, bool have_own)
{
    uint32_t now = read_count(), wake;
    if (vsched_next_wake(&vs, now, &wake) &&
        (!have_own || (int32_t)(wake - now) < (int32_t)(own - now))) {
        own = wake;
        have_own = true;
    }
    timer_set_deadline(have_own, own);
}

/* Last step before every return into the guest: a pending interrupt is delivered, the
 * host runs the guest in user mode with the host ASID of its view. `bd`: f->epc is a
 * branch whose delay slot was interrupted (the exit resumes at the branch). */
static hv_frame_t *enter(vcpu_t *v, hv_frame_t *f, bool bd)
{
    vtimer_update(v);
    /* The host timer also wakes the CPU at the guest's Compare while the guest can take
     * that interrupt; a Compare just ahead (closer than the timer can be set) is waited
     * for here. */
    int32_t left = (int32_t)(v->compare - guest_count(v));
    bool armed = false;
    if ((v->status & ST_IM7) && !(v->cause & VEXC_CAUSE_TI) && left > 0) {
        if (left <= (int32_t)TIMER_MARGIN) {
            while (!(v->cause & VEXC_CAUSE_TI))
                vtimer_update(v);
        } else {
            timer_set_deadline(true, v->compare - v->count_offset);
            armed = true;
        }
    }
    arm_timer(armed ? v->compare - v->count_offset : 0, armed);
    if (vexc_interrupt_pending(v->status, v->cause) &&
        !reflect_at(v, f, f->epc, VEXC_INT, bd, false, 0))
        return stop_guest(v, f, "its PC is outside its address space");
    f->status = GUEST_HOST_STATUS;
    write_c0(C0_ENTRYHI, host_asid(v));
    return f;
}

/* ---- CP0 ------------------------------------------------------------------------------ */

#define REG(rd, sel) (((rd) << 3) | (sel))

static uint32_t cp0_read(vcpu_t *v, unsigned rd, unsigned sel)
{
    switch (REG(rd, sel)) {
    case REG(0, 0): return v->tlb.index;
    case REG(1, 0): return v->tlb.random;
    case REG(2, 0): return v->tlb.entrylo0;
    case REG(3, 0): return v->tlb.entrylo1;
    case REG(4, 0): return v->tlb.context;
    case REG(4, 2): return v->userlocal;
    case REG(5, 0): return v->tlb.pagemask;
    case REG(6, 0): return v->tlb.wired;
    case REG(7, 0): return v->hwrena;
    case REG(8, 0): return v->badvaddr;
    case REG(9, 0): return guest_count(v);
    case REG(10, 0): return v->tlb.entryhi;
    case REG(11, 0): return v->compare;
    case REG(12, 0): return v->status;
    case REG(12, 1): return INTCTL_IPTI7;
    case REG(13, 0): vtimer_update(v); return v->cause;
    case REG(14, 0): return v->epc;
    case REG(15, 0): return VCPU_PRID;
    case REG(15, 1): return v->ebase;
    case REG(16, 0): return v->config0;
    case REG(16, 1):
        return 0x80000000u | ((GTLB_ENTRIES - 1u) << 25) |
               (read_c0(C0_CONFIG1) & 0x01FFFF80u);    /* the host's cache geometry */
    case REG(16, 2): return 0x80000000u;
    case REG(16, 3): return CONFIG3_ULRI;
    case REG(30, 0): return v->errorepc;
    default: return 0;                  /* 16.7 Config7 and the rest: 0 */
    }
}

static void cp0_write(vcpu_t *v, unsigned rd, unsigned sel, uint32_t value)
{
    switch (REG(rd, sel)) {
    case REG(0, 0): gtlb_write_index(&v->tlb, value); break;
    case REG(2, 0): v->tlb.entrylo0 = value & GTLB_ENTRYLO_MASK; break;
    case REG(3, 0): v->tlb.entrylo1 = value & GTLB_ENTRYLO_MASK; break;
    case REG(4, 0): gtlb_write_context(&v->tlb, value); break;
    case REG(4, 2): v->userlocal = value; break;
    case REG(5, 0): v->tlb.pagemask = gtlb_pagemask(value); break;
    case REG(6, 0): gtlb_write_wired(&v->tlb, value); break;
    case REG(7, 0): v->hwrena = value & HWRENA_WRITABLE; break;
    case REG(9, 0):
        v->count_offset = value - read_count();
        v->last_count = value;
        break;
    case REG(10, 0): {
        uint32_t old = v->tlb.entryhi;
        v->tlb.entryhi = value & GTLB_ENTRYHI_MASK;
        if ((old ^ v->tlb.entryhi) & GTLB_ENTRYHI_ASID)
            guest_asid_changed(v);
        break;
    }
    case REG(11, 0):
        vtimer_update(v);
        v->compare = value;
        v->cause &= ~(VEXC_CAUSE_TI | VEXC_CAUSE_IP7);
        break;
    case REG(12, 0): v->status = value & STATUS_WRITABLE; break;
    case REG(13, 0): v->cause = (v->cause & ~CAUSE_WRITABLE) | (value & CAUSE_WRITABLE); break;
    case REG(14, 0): v->epc = value; break;
    case REG(15, 1): v->ebase = KSEG0 | (value & EBASE_WRITABLE); break;
    case REG(16, 0): v->config0 = CONFIG0_RO | (value & CONFIG_K0_MASK); break;
    case REG(30, 0): v->errorepc = value; break;
    default: break;                     /* read-only or not implemented: ignored */
    }
}

/* ---- Emulation ------------------------------------------------------------------------ */

/* The PC after the instruction that trapped: the branch's outcome when it sat in a delay
 * slot (evaluated before the instruction changes any register). */
static bool next_pc(vcpu_t *v, const hv_frame_t *f, uint32_t *pc)
{
    if (!(f->cause & CAUSE_BD)) {
        *pc = f->epc + 4u;
        return true;
    }
    uint32_t branch;
    branch_outcome_t out;
    if (!fetch(v, f->epc, &branch) || !branch_eval(branch, f->epc, f->gpr, &out) ||
        (out.likely && !out.taken))
        return false;
    *pc = out.resume;
    return true;
}

static void guest_tlb_write(vcpu_t *v, hv_frame_t *f, bool random, hv_frame_t **stop)
{
    gtlb_span_t evicted;
    enum gtlb_write_result r = random ? gtlb_tlbwr(&v->tlb, &evicted)
                                      : gtlb_tlbwi(&v->tlb, &evicted);
    if (r == GTLB_MACHINE_CHECK)
        *stop = stop_guest(v, f, "TLB write overlaps a valid entry (machine check)");
    else
        shadow_drop_span(v, &evicted);
}

static void emulate_cache(vcpu_t *v, const hv_frame_t *f, const emul_insn_t *e)
{
    /* The guest's caches are the host's. Hit operations (4..6 in bits 4:2) act on the line
     * the guest named: the data cache is written back and the instruction cache
     * invalidated there. Index operations (0..3: a whole-cache flush at boot or after
     * loading code) act on the same index of the host's cache, through a kseg0 address with
     * the guest's index and way bits: Index Invalidate (I) / Writeback Invalidate (D) as
     * asked, Index Store Tag as a writeback-invalidate of that line (a guest's tag must
     * never reach the host's cache: the line would then claim another page's data), Index
     * Load Tag and Store Data as nothing. Secondary and tertiary caches: nothing. */
    unsigned operation = e->cache_op >> 2, cache = e->cache_op & 3u;
    uint32_t va = f->gpr[e->base] + (uint32_t)(int32_t)e->offset;
    if (operation >= 4 && operation <= 6) {
        void *p = guest_ptr(v, va);
        if (p)
            cache_sync((uint32_t)(uintptr_t)p, 1);
        return;
    }
    if ((operation != 0 && operation != 2) || cache > 1)
        return;
    uint32_t index = KSEG0 | (va & 0x1FFFFFFFu);
    if (cache == 0)         /* Index_Invalidate_I */
        __asm__ volatile("cache 0x00, 0(%0)" : : "r"(index) : "memory");
    else                    /* Index_Writeback_Inv_D */
        __asm__ volatile("cache 0x01, 0(%0); sync" : : "r"(index) : "memory");
}

static bool emulate_rdhwr(vcpu_t *v, hv_frame_t *f, const emul_insn_t *e)
{
    if (!vmap_guest_kernel(v->status) && !(v->hwrena & (1u << e->rd)))
        return false;
    uint32_t value;
    switch (e->rd) {
    case 0: value = v->ebase & 0x3FFu; break;
    case 1: value = cache_line(read_c0(C0_CONFIG1), DCACHE_SHIFT); break;
    case 2: value = guest_count(v); break;
    case 3: value = 2; break;                   /* Count runs at half the CPU clock */
    case 29: value = v->userlocal; break;
    default: return false;
    }
    set_gpr(f, e->rt, value);
    return true;
}

/* WAIT, with the guest's PC already past it: an interrupt the guest's IM lets through
 * wakes it at once (whatever its IE, as the hardware does); else the VCPU gives the CPU
 * away until its Compare, and is resumed past the WAIT with the interrupt pending. */
static hv_frame_t *emulate_wait(vcpu_t *v, hv_frame_t *f)
{
    vtimer_update(v);
    if (v->cause & v->status & VEXC_STATUS_IM)
        return enter(v, f, false);
    if (!(v->status & (ST_IM7 | VCPU_STATUS_IM_DEVICES)))
        return stop_guest(v, f, "WAIT with every interrupt masked (it would sleep forever)");
    /* With only its devices' lines it waits for them (vcpu_kick), however long that is. */
    vsched_wait(&vs, v->id, (v->status & ST_IM7) ? v->compare - v->count_offset
                                                 : read_count() + 0x7FFFFFFFu);
    v->frame = *f;
    v->frame_bd = false;
    v->waits++;
    return reschedule();
}

static hv_frame_t *emulate_eret(vcpu_t *v, hv_frame_t *f)
{
    if (f->cause & CAUSE_BD)
        return stop_guest(v, f, "ERET in a branch delay slot");
    uint32_t target;
    if (v->status & ST_ERL) {
        target = v->errorepc;
        v->status &= ~ST_ERL;
    } else {
        target = v->epc;
        v->status &= ~ST_EXL;
    }
    uint32_t real;
    if (vmap_to_real(target, vmap_guest_kernel(v->status), &real)) {
        f->epc = real;
        return enter(v, f, false);
    }
    if (vmap_guest_kernel(v->status))
        return stop_guest(v, f, "ERET to a kuseg address in kernel mode (not in the map)");
    /* User mode returning to a kernel address: the fetch there is an address error. */
    v->badvaddr = target;
    vexc_cp0_t c = { v->status, v->cause, v->epc };
    uint32_t vector = vexc_deliver(&c, v->ebase, VEXC_ADEL, target, false, false, 0);
    v->status = c.status;
    v->cause = c.cause;
    v->epc = c.epc;
    vmap_to_real(vector, true, &f->epc);
    return enter(v, f, false);
}

static hv_frame_t *emulate_cpu(vcpu_t *v, hv_frame_t *f)
{
    bool bd = (f->cause & CAUSE_BD) != 0;
    uint32_t insn, pc;
    if (!fetch(v, f->epc + (bd ? 4u : 0), &insn))
        return stop_guest(v, f, "cannot read the instruction that trapped");
    /* In its user mode without CU0 the guest has no CP0: the CpU is its own. */
    if (!vmap_guest_kernel(v->status) && !(v->status & ST_CU0))
        return reflect(v, f, VEXC_CPU, 0);
    emul_insn_t e = emul_decode(insn);
    if (e.op == EMUL_ERET) {
        v->emulated++;
        v->wd_unreturned = 0;
        return emulate_eret(v, f);
    }
    if (e.op == EMUL_UNKNOWN || e.op == EMUL_RDHWR)
        return reflect(v, f, VEXC_RI, 0);
    if (!next_pc(v, f, &pc))
        return stop_guest(v, f, "cannot resolve the branch of a delay slot");
    hv_frame_t *stopped = NULL;
    v->emulated++;
    switch (e.op) {
    case EMUL_MFC0:
        set_gpr(f, e.rt, cp0_read(v, e.rd, e.sel));
        break;
    case EMUL_MTC0:
        cp0_write(v, e.rd, e.sel, f->gpr[e.rt]);
        break;
    case EMUL_DI:
    case EMUL_EI:
        set_gpr(f, e.rt, v->status);
        v->status = e.op == EMUL_EI ? v->status | ST_IE : v->status & ~ST_IE;
        break;
    case EMUL_TLBR: {
        uint32_t asid = v->tlb.entryhi & GTLB_ENTRYHI_ASID;
        gtlb_tlbr(&v->tlb);
        if ((v->tlb.entryhi & GTLB_ENTRYHI_ASID) != asid)
            guest_asid_changed(v);
        break;
    }
    case EMUL_TLBWI:
    case EMUL_TLBWR:
        guest_tlb_write(v, f, e.op == EMUL_TLBWR, &stopped);
        break;
    case EMUL_TLBP:
        gtlb_tlbp(&v->tlb);
        break;
    case EMUL_WAIT:
        f->epc = pc;
        return emulate_wait(v, f);
    case EMUL_CACHE:
        emulate_cache(v, f, &e);
        break;
    default:
        break;
    }
    if (stopped)
        return stopped;
    f->epc = pc;
    return enter(v, f, false);
}

static hv_frame_t *emulate_ri(vcpu_t *v, hv_frame_t *f)
{
    bool bd = (f->cause & CAUSE_BD) != 0;
    uint32_t insn, pc;
    if (!fetch(v, f->epc + (bd ? 4u : 0), &insn))
        return stop_guest(v, f, "cannot read the instruction that trapped");
    emul_insn_t e = emul_decode(insn);
    if (e.op != EMUL_RDHWR || !next_pc(v, f, &pc) || !emulate_rdhwr(v, f, &e))
        return reflect(v, f, VEXC_RI, 0);
    v->emulated++;
    f->epc = pc;
    return enter(v, f, false);
}

/* ---- Emulated devices ----------------------------------------------------------------- */

/* One device access (vdev.h); false when no device's window holds `gpa`. */
static bool device_access(vcpu_t *v, uint32_t gpa, unsigned size, bool store,
                          uint32_t *value)
{
    vdev_t *d = vdev_find(v, gpa);
    if (!d)
        return false;
    if (store)
        d->ops->write(d->dev, gpa - d->base, *value, size);
    else
        *value = d->ops->read(d->dev, gpa - d->base, size);
    return true;
}

static hv_frame_t *bus_error(vcpu_t *v, hv_frame_t *f, bool fetch_fault, bool store,
                             uint32_t gpa)
{
    if (!v->mmio_logged) {
        v->mmio_logged = true;
        printf("hv: guest %s: %s at GPA 0x%08x, nothing there [pc 0x%08x]: bus error\n",
               v->name, fetch_fault ? "fetch" : store ? "store" : "load", gpa, f->epc);
    }
    return reflect(v, f, fetch_fault ? VEXC_IBE : VEXC_DBE, 0);
}

static hv_frame_t *mmio(vcpu_t *v, hv_frame_t *f, uint32_t gpa, bool store)
{
    bool bd = (f->cause & CAUSE_BD) != 0;
    uint32_t insn, pc;
    if (!fetch(v, f->epc + (bd ? 4u : 0), &insn))
        return stop_guest(v, f, "cannot read the instruction that trapped");
    vexc_ldst_t l = vexc_decode_ldst(insn);
    if (!l.ok || l.store != store)
        return bus_error(v, f, false, store, gpa);
    if (!next_pc(v, f, &pc))
        return stop_guest(v, f, "cannot resolve the branch of a delay slot");
    uint32_t value = store ? f->gpr[l.rt] & (0xFFFFFFFFu >> (32 - 8 * l.size)) : 0;
    if (!device_access(v, gpa, l.size, store, &value))
        return bus_error(v, f, false, store, gpa);
    if (v->stopped) {
        vcons_flush(v->id);
        printf("hv: guest %s exited\n", v->name);
        return retire(v);
    }
    if (!store)
        set_gpr(f, l.rt, vexc_load_value(&l, value));
    f->epc = pc;
    return enter(v, f, false);
}

/* Host TLB Refill/Invalid/Modified on a guest address. */
static hv_frame_t *tlb_fault(vcpu_t *v, hv_frame_t *f, unsigned code)
{
    bool bd = (f->cause & CAUSE_BD) != 0;
    bool store = code != VEXC_TLBL;
    uint32_t va = f->badvaddr;
    bool fetch_fault = code == VEXC_TLBL && (va == f->epc || (bd && va == f->epc + 4u));
    vmap_access_t a = vmap_classify(&v->tlb, v->status, v->config0, va, store);
    switch (a.kind) {
    case VMAP_DIRECT:
    case VMAP_MAPPED: {
        uint32_t hpa;
        if (a.gpa < v->ram_size || (!store && rom_hpa(v, a.gpa, &hpa))) {
            shadow_install(v, va);
            return enter(v, f, bd);
        }
        if (!fetch_fault && a.gpa >= VCPU_GPA_IO && a.gpa < VCPU_GPA_IO_END)
            return mmio(v, f, a.gpa, store);
        return bus_error(v, f, fetch_fault, store, a.gpa);
    }
    case VMAP_TLB_REFILL:
    case VMAP_TLB_INVALID:
    case VMAP_TLB_MODIFIED: {
        gtlb_fault_t g = gtlb_fault(&v->tlb, a.arch_va);
        v->badvaddr = g.badvaddr;
        v->tlb.entryhi = g.entryhi;
        v->tlb.context = g.context;
        unsigned exc = a.kind == VMAP_TLB_MODIFIED ? VEXC_MOD : store ? VEXC_TLBS : VEXC_TLBL;
        if (!reflect_at(v, f, f->epc, exc, bd, a.kind == VMAP_TLB_REFILL, 0))
            return stop_guest(v, f, "its PC is outside its address space");
        return enter(v, f, false);
    }
    case VMAP_ADDRESS_ERROR:
        break;
    }
    v->badvaddr = a.arch_va;
    return reflect(v, f, store ? VEXC_ADES : VEXC_ADEL, 0);
}

static hv_frame_t *address_error(vcpu_t *v, hv_frame_t *f, unsigned code)
{
    uint32_t arch;
    if (!vmap_to_arch(f->badvaddr, vmap_guest_kernel(v->status), &arch))
        arch = f->badvaddr;     /* beyond the guest's 2 GB: the closest thing it has */
    v->badvaddr = arch;
    return reflect(v, f, code, 0);
}

hv_frame_t *vcpu_exit(hv_frame_t *f)
{
    vcpu_t *v = current;
    if (!v)
        panic("hv: user-mode exception with no guest running (pc 0x%08x)", f->epc);
    unsigned code = CAUSE_EXCCODE(f->cause);
    v->exits[code]++;
    if (code != VEXC_INT)
        v->wd_exits++;
    if (v->wd_unreturned >= VCPU_WD_STORM) {
        char why[64];
        snprintf(why, sizeof(why), "%u exceptions reflected without an ERET", VCPU_WD_STORM);
        return stop_guest(v, f, why);
    }
    switch (code) {
    case VEXC_INT: {
        bool bd = (f->cause & CAUSE_BD) != 0;
        bool tick = (f->cause & f->status & CAUSE_IP7) && timer_interrupt();
        vsched_wake_due(&vs, read_count());
        if (!tick)
            return enter(v, f, bd);
        v->ticks++;
        if ((v->status & (ST_IE | ST_EXL | ST_ERL)) != ST_IE && !v->wd_exits)
            v->wd_quiet++;
        else
            v->wd_quiet = 0;
        v->wd_exits = 0;
        if (v->wd_quiet >= VCPU_WD_QUIET_TICKS) {
            char why[64];
            snprintf(why, sizeof(why), "looped with interrupts off for %u ticks",
                     VCPU_WD_QUIET_TICKS);
            return stop_guest(v, f, why);
        }
        if (!vsched_tick(&vs))
            return enter(v, f, bd);
        v->frame = *f;
        v->frame_bd = bd;
        return reschedule();
    }
    case VEXC_CPU:
        if (CAUSE_CE(f->cause))
            return reflect(v, f, VEXC_CPU, CAUSE_CE(f->cause));
        return emulate_cpu(v, f);
    case VEXC_RI:
        return emulate_ri(v, f);
    case VEXC_MOD:
    case VEXC_TLBL:
    case VEXC_TLBS:
        return tlb_fault(v, f, code);
    case VEXC_ADEL:
    case VEXC_ADES:
        return address_error(v, f, code);
    case VEXC_SYS:
    case VEXC_BP:
    case VEXC_TR:
    case VEXC_OV:
        return reflect(v, f, code, 0);
    default: {
        char why[48];
        snprintf(why, sizeof(why), "unexpected %s exception", exc_name(code));
        return stop_guest(v, f, why);
    }
    }
}

/* ---- Life cycle ----------------------------------------------------------------------- */

bool vcpu_init(vcpu_t *v, uint8_t id, const char *name, uint32_t ram_hpa, uint32_t ram_size)
{
    memset(v, 0, sizeof(*v));
    if (!vmap_asids_init(&v->asids, id))
        return false;
    v->id = id;
    for (size_t i = 0; name[i] && i + 1 < sizeof(v->name); i++)
        v->name[i] = name[i];
    v->ram_hpa = ram_hpa;
    v->ram_size = ram_size;
    v->status = ST_BEV | ST_ERL;
    v->ebase = KSEG0;
    v->config0 = CONFIG0_RO | VMAP_CCA_UNCACHED;
    v->last_count = guest_count(v);
    gtlb_reset(&v->tlb);
    vcons_reset(id, v->name);
    return true;
}

static void copy_args(vcpu_t *v)
{
    if (!v->args)
        return;
    char *dst = (char *)(uintptr_t)(KSEG0 + v->ram_hpa + VCPU_ARGS_GPA);
    size_t n = strlen(v->args);
    if (n > VCPU_ARGS_MAX - 1)
        n = VCPU_ARGS_MAX - 1;
    memcpy(dst, v->args, n);
    dst[n] = '\0';
}

void vcpu_set_args(vcpu_t *v, const char *args)
{
    v->args = args;
    copy_args(v);
    v->frame.gpr[6] = KSEG0 + VCPU_ARGS_GPA;    /* a2: arch kseg0 */
}

bool vcpu_load(vcpu_t *v, const void *image, size_t size)
{
    if (VCPU_LOAD_GPA + size > v->ram_size)
        return false;
    uint32_t dst = KSEG0 + v->ram_hpa + VCPU_LOAD_GPA;
    memcpy((void *)(uintptr_t)dst, image, size);
    cache_sync(dst, (uint32_t)size);
    v->image = image;                           /* for vcpu_reset */
    v->image_size = size;
    memset(&v->frame, 0, sizeof(v->frame));
    v->frame.epc = VCPU_LOAD_GPA;               /* kseg0 view: real = GPA */
    v->frame.gpr[4] = v->ram_size;              /* a0 */
    return true;
}

/* One read-only window: `image` (page-aligned, in the hypervisor's kseg0 image) at GPA
 * `gpa`, rounded up to whole pages, at most VCPU_ROM_WINDOW. */
static bool map_rom(vcpu_t *v, uint32_t gpa, const void *image, size_t size)
{
    uint32_t addr = (uint32_t)(uintptr_t)image;
    if (v->roms == VCPU_ROMS || (addr & 0xFFFu) || addr < KSEG0 || addr >= KSEG1 || !size ||
        size > VCPU_ROM_WINDOW)
        return false;
    cache_sync(addr, (uint32_t)size);   /* the guest reads it uncached (kseg1) */
    v->rom[v->roms++] = (struct vcpu_rom){ gpa, ((uint32_t)size + 0xFFFu) & ~0xFFFu,
                                           addr - KSEG0 };
    return true;
}

bool vcpu_load_boot(vcpu_t *v, const void *stage, size_t stage_size)
{
    uint32_t reset;
    if (!map_rom(v, VCPU_GPA_BOOTROM, stage, stage_size) ||
        !vmap_to_real(VCPU_RESET_VECTOR, true, &reset))
        return false;
    memset(&v->frame, 0, sizeof(v->frame));
    v->frame.epc = reset;                       /* arch 0xBFC00000 = real 0x3FC00000 */
    v->frame.gpr[4] = v->ram_size;              /* a0 */
    return true;
}

/* ---- Scheduling (vsched.c) -------------------------------------------------------------- */

/* Gives the CPU to the entry the queue picks: a VCPU's frame through enter(), or the
 * hypercore's. The entry that had it must have saved its frame already. */
static hv_frame_t *reschedule(void)
{
    uint32_t next = vsched_pick(&vs);
    if (next == VSCHED_HYPERCORE(&vs)) {
        current = NULL;
        write_c0(C0_ENTRYHI, 0);
        arm_timer(0, false);
        return &hypercore_frame;
    }
    vcpu_t *v = vcpus[next];
    current = v;
    v->runs++;
    /* enter() may stop the guest (its PC has no place in the map), which reschedules
     * again: at most once per VCPU, then the hypercore. */
    return enter(v, &v->frame, v->frame_bd);
}

void vcpu_sched_start(vcpu_t *const *list, uint32_t n)
{
    uint32_t ie = irq_save();
    vsched_init(&vs, n, VCPU_SLICE_TICKS, HYPERCORE_SLICE_TICKS);
    for (uint32_t i = 0; i < n && i < VSCHED_MAX_VCPUS; i++) {
        vcpus[i] = list[i];
        list[i]->stopped = false;
        boot_state[i] = *list[i];               /* for vcpu_reset */
    }
    irq_restore(ie);
}

uint32_t vcpu_live(void)
{
    return vsched_live(&vs);
}

hv_frame_t *vcpu_hypercore_interrupt(hv_frame_t *f, bool tick)
{
    if (!vs.n)
        return f;
    vsched_wake_due(&vs, read_count());
    bool give = tick && vsched_tick(&vs);
    if (!give && hthread_self() == hthread_idle())
        give = vsched_other_ready(&vs);     /* nothing to do here: the slice goes */
    if (!give) {
        arm_timer(0, false);
        return f;
    }
    hypercore_frame = *f;
    return reschedule();
}

void vcpu_hypercore_idle(void)
{
    uint32_t ie = irq_save();
    bool give = vs.n && vsched_other_ready(&vs);
    irq_restore(ie);
    if (give)
        __asm__ volatile("syscall" ::: "memory");
    else
        __asm__ volatile("wait");   /* until the next interrupt: the tick at the latest */
}

/* ---- The management terminal's view (term.c) ------------------------------------------ */

uint32_t vcpu_count(void)
{
    return vs.n;
}

vcpu_t *vcpu_get(uint32_t id)
{
    return id < vs.n ? vcpus[id] : NULL;
}

const char *vcpu_state(uint32_t id)
{
    if (id >= vs.n)
        return "none";
    switch (vs.e[id].state) {
    case VSCHED_RUNNING: return "running";
    case VSCHED_READY: return "ready";
    case VSCHED_WAITING: return "waiting";
    case VSCHED_PAUSED: return "paused";
    case VSCHED_STOPPED: return vcpus[id]->exited ? "exited" : "stopped";
    }
    return "?";
}

void vcpu_kick(uint32_t id)
{
    uint32_t ie = irq_save();
    if (id < vs.n && vs.e[id].state == VSCHED_WAITING)
        vs.e[id].wake = read_count();               /* due: the next interrupt wakes it */
    irq_restore(ie);
}

uint32_t vcpu_run_ticks(uint32_t id)
{
    return id < vs.n ? vs.e[id].ticks : 0;
}

bool vcpu_pause(uint32_t id)
{
    uint32_t ie = irq_save();
    bool ok = vsched_pause(&vs, id);
    irq_restore(ie);
    return ok;
}

bool vcpu_resume(uint32_t id)
{
    uint32_t ie = irq_save();
    bool ok = vsched_resume(&vs, id);
    irq_restore(ie);
    return ok;
}

/* From a hypercore thread, so no VCPU is RUNNING: the VCPU is taken off the queue, its
 * shadow entries dropped, its RAM rebuilt (interrupts on meanwhile: clearing 16 MiB takes
 * a while and the other guests keep their slices), then it is READY again and the reset
 * is reported ("hv: guest NAME reset"). */
bool vcpu_reset(uint32_t id)
{
    vcpu_t *v = vcpu_get(id);
    if (!v)
        return false;
    uint32_t ie = irq_save();
    vsched_stop(&vs, id);
    uint32_t hi = read_c0(C0_ENTRYHI);
    shadow_flush(v);
    write_c0(C0_ENTRYHI, hi);
    irq_restore(ie);
    *v = boot_state[id];
    uint32_t ram = KSEG0 + v->ram_hpa;
    memset((void *)(uintptr_t)ram, 0, v->ram_size);
    if (v->image)
        memcpy((void *)(uintptr_t)(ram + VCPU_LOAD_GPA), v->image, v->image_size);
    copy_args(v);
    cache_sync(ram, v->ram_size);
    vdev_reset_all(v);
    v->last_count = guest_count(v);
    vcons_reset(id, v->name);
    /* The report goes out in the same masked section as the restart, never after it:
     * once the VCPU is READY and interrupts are on, the next tick may end the hypercore's
     * slice and give it the CPU, and a short guest then runs to its end (and exits) before
     * this thread prints another line. The console must show the reset before the guest's
     * new output, as the terminal's user and tests/hv/hvtest.py read it. */
    ie = irq_save();
    bool ok = vsched_restart(&vs, id);
    if (ok)
        printf("hv: guest %s reset\n", v->name);
    irq_restore(ie);
    return ok;
}
