/* CP0: system control registers, exceptions, interrupts, Count/Compare and the TLB
 * instructions, as the 24Kc QEMU's Malta presents (shared/reference/malta.md section 13). */
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/internal.h"
#include "cpu/trace.h"
#include "frontend/log.h"
#include "mmu/bus.h"

/* Read-only identification of the 24Kc. */
#define PRID_24KC    0x00019300u
#define CONFIG0_24KC 0x80000482u   /* M, AR = 1 (Release 2), MT = 1 (TLB), K0 = 2 */
#define CONFIG1_24KC 0x9E190C8Eu   /* 16 TLB entries, 2 KiB 2-way I$ and D$, WR, CA, EP */
#define CONFIG2_24KC 0x80000000u
#define CONFIG3_24KC 0x00000000u   /* no CMGCR, VInt, VEIC, ULRI: Linux relies on these zeros */
#define INTCTL_IPTI  0xE0000000u   /* timer on IP7 */

/* Writable bits, as QEMU's 24Kc has them. */
#define STATUS_MASK   0x1278FF1Fu
#define CAUSE_MASK    0x08C00300u  /* DC, IV, WP, IP1..0 */
#define ENTRYHI_MASK  0xFFFFE0FFu  /* VPN2, ASID */
#define ENTRYLO_MASK  0x03FFFFFFu  /* PFN (32-bit physical addresses), C, D, V, G */
#define PAGEMASK_MASK 0x1FFFE000u
#define EBASE_MASK    0x3FFFF000u
#define WATCHHI_MASK  0x40FF0FF8u
#define ERRCTL_MASK   0x34000000u  /* WST, SPR, ITC: PE stays 0, so Linux sees no parity */
#define TAGLO_MASK    0xFFFFFCF6u
#define DEBUG_DM      (1u << 30)

#define RESET_VECTOR  0xBFC00000u

void cpu_init(cpu_t *cpu, bus_t *bus)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->bus = bus;
    cpu->jit_hot = CPU_JIT_HOT_DEFAULT;
    cpu_reset(cpu);
}

void cpu_reset(cpu_t *cpu)
{
    cp0_t *c = &cpu->cp0;
    memset(cpu->gpr, 0, sizeof(cpu->gpr));
    cpu->hi = cpu->lo = 0;
    memset(c, 0, sizeof(*c));
    memset(cpu->tlb, 0, sizeof(cpu->tlb));
    c->status = ST_BEV | ST_ERL;
    c->ebase = 0x80000000u;
    c->intctl = INTCTL_IPTI;
    c->config0 = CONFIG0_24KC;
    c->random_base = cpu->icount;
    c->count_offset = -(uint32_t)(cpu->icount >> 1);
    c->compare = 0;
    cpu->pc = RESET_VECTOR;
    cpu->ctl = CTL_NONE;
    cpu->in_delay_slot = false;
    cpu->waiting = false;
    cpu->halted = false;
    cpu->mode = MODE_COUNT;       /* forces cpu_mode_changed to switch sets */
    cpu_flush_translations(cpu);
    cpu_mode_changed(cpu);
    cpu->timer_icount = UINT64_MAX;
    cpu_exit_loop(cpu);
}

/* ---- Modes and translations --------------------------------------------------------- */

void cpu_mode_changed(cpu_t *cpu)
{
    uint32_t st = cpu->cp0.status;
    enum cpu_mode mode;
    if (st & ST_ERL)
        mode = MODE_KERNEL_ERL;
    else if ((st & ST_EXL) || (cpu->cp0.debug & DEBUG_DM))
        mode = MODE_KERNEL;
    else switch ((st & ST_KSU) >> 3) {
        case 0: mode = MODE_KERNEL; break;
        case 1: mode = MODE_SUPERVISOR; break;
        default: mode = MODE_USER; break;   /* KSU = 3 is reserved; treat it as user */
    }
    if (mode != cpu->mode) {
        cpu->mode = mode;
        cpu->stlb = &cpu->softtlb[mode];
        cpu->code_vpage = CODE_VPAGE_NONE;
    }
}

void cpu_flush_translations(cpu_t *cpu)
{
    for (int m = 0; m < MODE_COUNT; m++)
        softtlb_flush(&cpu->softtlb[m]);
    memset(cpu->tlb_filled, 0, sizeof(cpu->tlb_filled));
    cpu->tlb_shadows = 0;
    cpu->code_vpage = CODE_VPAGE_NONE;
    code_links_invalidate();
}

void cpu_invalidate_code(cpu_t *cpu, uint32_t paddr, uint32_t len)
{
    while (len) {
        uint32_t chunk = CODE_PAGE_SIZE - (paddr % CODE_PAGE_SIZE);
        if (chunk > len)
            chunk = len;
        const bus_region_t *r = bus_find(cpu->bus, paddr);
        if (r && r->code) {
            code_page_t *p = r->code[(paddr - r->base) / CODE_PAGE_SIZE];
            if (p)
                code_page_invalidate(p, paddr % CODE_PAGE_SIZE, chunk);
        }
        paddr += chunk;
        len -= chunk;
    }
}

/* ---- Time: Count, Compare, Random --------------------------------------------------- */

uint32_t cp0_count(const cpu_t *cpu)
{
    if (cpu->cp0.cause & CAUSE_DC)
        return cpu->cp0.count_frozen;
    return cpu->cp0.count_offset + (uint32_t)(cpu->icount >> 1);
}

/* Computes the icount at which Count next equals Compare. */
static void timer_reschedule(cpu_t *cpu)
{
    if (cpu->cp0.cause & CAUSE_DC) {
        cpu->timer_icount = UINT64_MAX;
        return;
    }
    uint64_t delta = (uint32_t)(cpu->cp0.compare - cp0_count(cpu));
    if (delta == 0)
        delta = 1ull << 32;
    cpu->timer_icount = ((cpu->icount >> 1) + delta) << 1;
}

void cpu_update_timer(cpu_t *cpu)
{
    if (cpu->icount >= cpu->timer_icount) {
        cpu->cp0.cause |= CAUSE_TI;
        timer_reschedule(cpu);
    }
}

uint64_t cpu_next_event(const cpu_t *cpu)
{
    return cpu->timer_icount;
}

/* Random counts down from 15 to Wired once per cycle, and restarts at 15 when Wired is
 * written; computed from the instruction counter instead of stepped. */
uint32_t cp0_random(const cpu_t *cpu)
{
    uint32_t wired = cpu->cp0.wired;
    if (wired >= TLB_ENTRIES)
        return TLB_ENTRIES - 1;
    /* How Random moves is the implementation's choice (Vol. III 9.3). A count-down by one
     * per instruction picks the same entry for every refill of a loop whose misses come a
     * multiple of 16 instructions apart, and such a loop then evicts the entry it just
     * wrote, again and again: so a hash of the instructions since Wired was written (0 for
     * none: Random starts at its upper bound), well spread for any fixed stride. */
    uint64_t span = TLB_ENTRIES - wired;
    uint64_t n = cpu->icount - cpu->cp0.random_base;
    uint32_t h = (uint32_t)((n * 0x9E3779B97F4A7C15ull) >> 32);
    return TLB_ENTRIES - 1 - (uint32_t)(h % span);
}

/* ---- Interrupts --------------------------------------------------------------------- */

/* Cause.IP as software sees it: IP1..0 written by software, IP6..2 the hardware lines, IP7
 * the timer (IntCtl.IPTI = 7) or hardware line 5. */
static uint32_t cause_ip(const cpu_t *cpu)
{
    uint32_t ip = (cpu->cp0.cause & 0x300u) | ((uint32_t)cpu->hw_irq_lines << 10);
    if (cpu->cp0.cause & CAUSE_TI)
        ip |= 0x8000u;
    return ip;
}

static bool interrupt_pending(const cpu_t *cpu)
{
    uint32_t st = cpu->cp0.status;
    if (!(st & ST_IE) || (st & (ST_EXL | ST_ERL)) || (cpu->cp0.debug & DEBUG_DM) ||
        cpu->hold_interrupts)
        return false;
    return (cause_ip(cpu) & st & ST_IM) != 0;
}

void cpu_interrupts_changed(cpu_t *cpu)
{
    if (interrupt_pending(cpu))
        cpu_exit_loop(cpu);
}

void cpu_set_irq(cpu_t *cpu, int line, bool level)
{
    uint8_t bit = (uint8_t)(1u << line);
    uint8_t lines = level ? (cpu->hw_irq_lines | bit) : (cpu->hw_irq_lines & ~bit);
    if (lines != cpu->hw_irq_lines) {
        cpu->hw_irq_lines = lines;
        cpu_exit_loop(cpu);
    }
}

void cpu_run(cpu_t *cpu, uint64_t until)
{
    cpu->slice_cut = false;
    while (cpu->icount < until && !cpu->halted && !cpu->slice_cut &&
           cpu->dbg.stop == STOP_NONE) {
        cpu_update_timer(cpu);
        if (interrupt_pending(cpu)) {
            cpu->waiting = false;
            cpu_exception(cpu, EXC_INT, 0);
            cpu_resolve_control(cpu);
        } else if (cpu->waiting) {
            /* Only a deliverable interrupt ends WAIT: Config7.WII = 0 on this 24Kc, as on
             * QEMU, so WAIT with interrupts disabled sleeps for good. */
            return;
        }
        cpu->deadline = until < cpu->timer_icount ? until : cpu->timer_icount;
        cpu_execute(cpu);
    }
}

/* ---- Exceptions --------------------------------------------------------------------- */

void cpu_exception(cpu_t *cpu, int code, uint32_t badvaddr)
{
    cp0_t *c = &cpu->cp0;
    uint32_t epc = cpu->in_delay_slot ? cpu->pc - 4 : cpu->pc;
    uint32_t vector;

    cpu->stats.exceptions[cpu_stat_exception_index(code)]++;
    if (code == EXC_DEBUG_BP) {
        /* SDBBP with no probe: Debug Mode at the debug vector (EJTAG, ProbEn = 0). */
        c->depc = epc;
        c->debug = (c->debug & ~((1u << 31) | 0x3Fu)) | DEBUG_DM | (1u << 1) |
                   (cpu->in_delay_slot ? (1u << 31) : 0);
        vector = 0xBFC00480u;
        trace_exception(cpu, code, epc, vector);
        goto jump;
    }

    int exc = code & 0x1F;
    bool refill = (code & 0x100) != 0;
    if (exc == EXC_MOD || exc == EXC_TLBL || exc == EXC_TLBS) {
        c->badvaddr = badvaddr;
        c->context = (c->context & 0xFF800000u) | ((badvaddr >> 9) & 0x007FFFF0u);
        uint32_t old_asid_hi = c->entryhi;
        c->entryhi = (badvaddr & 0xFFFFE000u) | (old_asid_hi & 0xFFu);
    } else if (exc == EXC_ADEL || exc == EXC_ADES) {
        c->badvaddr = badvaddr;
    }

    uint32_t offset = 0x180;
    if (!(c->status & ST_EXL)) {
        c->epc = epc;
        c->cause = cpu->in_delay_slot ? (c->cause | CAUSE_BD) : (c->cause & ~CAUSE_BD);
        if (refill)
            offset = 0x000;
    }
    if (exc == EXC_INT && (c->cause & CAUSE_IV))
        offset = 0x200;
    c->cause = (c->cause & ~(0x7Cu | (3u << 28))) | ((uint32_t)exc << 2);
    c->status |= ST_EXL;
    uint32_t base = (c->status & ST_BEV) ? 0xBFC00200u : (c->ebase & 0xFFFFF000u);
    vector = base + offset;
    trace_exception(cpu, exc, epc, vector);

jump:
    cpu->target = vector;
    cpu->ctl = CTL_JUMP;
    cpu_mode_changed(cpu);
    /* The run loops go on at the vector themselves (ctl); with EXL set no interrupt can
     * be due. Debug Mode is left to cpu_run, as is everything the debugger may watch. */
    if (code == EXC_DEBUG_BP)
        cpu_exit_loop(cpu);
}

void cpu_exception_cpu(cpu_t *cpu, int cop)
{
    cpu_exception(cpu, EXC_CPU, 0);
    cpu->cp0.cause |= (uint32_t)cop << 28;
}

void cpu_unimplemented(cpu_t *cpu, unsigned feature_bit, const char *what)
{
    if (!(cpu->log_once_mask & feature_bit)) {
        cpu->log_once_mask |= feature_bit;
        fprintf(stderr, "kseg: unimplemented: %s at pc 0x%08x; raising Reserved Instruction\n",
                what, cpu->pc);
    }
    cpu_exception(cpu, EXC_RI, 0);
}

/* ---- TLB instructions --------------------------------------------------------------- */

static void set_entryhi(cpu_t *cpu, uint32_t value)
{
    uint32_t old = cpu->cp0.entryhi;
    cpu->cp0.entryhi = value & ENTRYHI_MASK;
    if ((uint8_t)old != (uint8_t)value)
        cpu_flush_translations(cpu);
}

void cpu_tlb_read(cpu_t *cpu)
{
    cp0_t *c = &cpu->cp0;
    const tlb_entry_t *e = &cpu->tlb[c->index & 0xF];
    uint32_t g = e->global ? ENTRYLO_G : 0;
    c->pagemask = e->pagemask;
    c->entrylo0 = e->entrylo[0] | g;
    c->entrylo1 = e->entrylo[1] | g;
    set_entryhi(cpu, e->entryhi);
}

/* ---- What the software TLB holds of the TLB ------------------------------------------
 * Translations made through a TLB entry sit in the software-TLB tables cpu->tlb_filled
 * names for it. When TLBWR replaces the entry, they stay, as a shadow of it: TLBWR is how
 * refill handlers write, picking the entry at random, while the page tables still say what
 * the replaced entry said. A loop over more pages than the 16 entries map then stops taking
 * a refill on almost every access (busybox gzip spent 5x QEMU's time refilling); QEMU keeps
 * replaced entries the same way. Only a count of refills can tell, and whatever could show a
 * shadow drops it first: TLBP finding no entry drops the shadows it would have matched;
 * TLBWI, which rewrites an entry the guest chose (a page table entry changed), drops all;
 * a new entry drops the shadows it overlaps, so the software TLB agrees with the TLB wherever
 * the TLB maps; and an ASID change flushes everything. */

static void entry_range(const tlb_entry_t *e, uint32_t *base, uint32_t *span)
{
    *span = (e->pagemask | 0x1FFFu) + 1;      /* both pages of the pair */
    *base = e->entryhi & ~(e->pagemask | 0x1FFFu);
}

static void drop_translations(cpu_t *cpu, const tlb_entry_t *e, uint32_t lanes)
{
    uint32_t base, span;
    entry_range(e, &base, &span);
    softtlb_invalidate(cpu->softtlb, lanes, base, span);
    /* The page the CPU runs from keeps its translation unless it is one of those (a refill
     * handler in kseg0 goes on without a lookup). */
    if (cpu->code_vpage - base < span)
        cpu->code_vpage = CODE_VPAGE_NONE;
    code_links_invalidate();
}

static void shadow_drop(cpu_t *cpu, unsigned i)
{
    drop_translations(cpu, &cpu->tlb_shadow[i].entry, cpu->tlb_shadow[i].lanes);
    cpu->tlb_shadow[i] = cpu->tlb_shadow[--cpu->tlb_shadows];
}

static void shadow_drop_all(cpu_t *cpu)
{
    while (cpu->tlb_shadows)
        shadow_drop(cpu, cpu->tlb_shadows - 1);
}

static void shadow_add(cpu_t *cpu, const tlb_entry_t *e, uint16_t lanes)
{
    if (cpu->tlb_shadows == TLB_SHADOWS) {
        cpu->tlb_shadow_victim = (cpu->tlb_shadow_victim + 1) % TLB_SHADOWS;
        shadow_drop(cpu, cpu->tlb_shadow_victim);
    }
    cpu->tlb_shadow[cpu->tlb_shadows++] = (struct tlb_shadow){ *e, lanes };
}

static bool overlaps_range(const tlb_entry_t *e, uint32_t base, uint32_t span)
{
    uint32_t e_base, e_span;
    entry_range(e, &e_base, &e_span);
    return (uint64_t)e_base < (uint64_t)base + span && (uint64_t)base < (uint64_t)e_base + e_span;
}

static void tlb_write(cpu_t *cpu, unsigned index, bool random)
{
    cp0_t *c = &cpu->cp0;
    tlb_entry_t e = {
        .pagemask = c->pagemask,
        .entryhi = c->entryhi & ~c->pagemask & ENTRYHI_MASK,
        .entrylo = { c->entrylo0 & ~ENTRYLO_G, c->entrylo1 & ~ENTRYLO_G },
        .global = (c->entrylo0 & c->entrylo1 & ENTRYLO_G) != 0,
    };
    if (tlb_overlaps(cpu->tlb, &e, (int)index)) {
        /* Two entries matching one address: the 24Kc raises Machine Check (Status.TS). */
        c->status |= 1u << 21;
        cpu_exception(cpu, EXC_MCHECK, 0);
        return;
    }
    if (!random)
        shadow_drop_all(cpu);
    const tlb_entry_t *old = &cpu->tlb[index];
    uint16_t lanes = cpu->tlb_filled[index];
    if (lanes) {
        if (random)
            shadow_add(cpu, old, lanes);
        else
            drop_translations(cpu, old, lanes);
        cpu->tlb_filled[index] = 0;
    }
    uint32_t new_base, new_span;
    entry_range(&e, &new_base, &new_span);
    for (unsigned i = cpu->tlb_shadows; i-- > 0;)
        if (overlaps_range(&cpu->tlb_shadow[i].entry, new_base, new_span))
            shadow_drop(cpu, i);
    /* A new entry with both pages invalid may overlap a valid one (tlb_overlaps lets it), and
     * lookups take the first match: written at a lower index, it shadows the valid entry,
     * whose translations of its pages go. (Not in kseg0 and kseg1, where nothing is looked
     * up: Linux parks the entries it drops there.) */
    bool unmapped_segment = new_base >= 0x80000000u && new_base + new_span <= 0xC0000000u;
    if (!((e.entrylo[0] | e.entrylo[1]) & ENTRYLO_V) && !unmapped_segment)
        drop_translations(cpu, &e, SOFTTLB_ALL_LANES);
    cpu->tlb[index] = e;
    cpu->stats.tlb_writes++;
    trace_tlb_write(cpu, index);
}

void cpu_tlb_write_indexed(cpu_t *cpu)
{
    tlb_write(cpu, cpu->cp0.index & 0xF, false);
}

void cpu_tlb_write_random(cpu_t *cpu)
{
    tlb_write(cpu, cp0_random(cpu), true);
}

void cpu_tlb_probe(cpu_t *cpu)
{
    uint32_t entryhi = cpu->cp0.entryhi;
    int i = tlb_probe(cpu->tlb, entryhi);
    if (i >= 0) {
        cpu->cp0.index = (uint32_t)i;
        return;
    }
    cpu->cp0.index |= 0x80000000u;
    for (unsigned k = cpu->tlb_shadows; k-- > 0;)
        if (tlb_entry_matches(&cpu->tlb_shadow[k].entry, entryhi, (uint8_t)entryhi))
            shadow_drop(cpu, k);
}

/* ---- MFC0 / MTC0 -------------------------------------------------------------------- */

#define R(reg, sel) (((reg) << 3) | (sel))

cp0_access_t cp0_describe(unsigned reg, unsigned sel)
{
#define FIELD(f, mask) (cp0_access_t){ CP0_FIELD, (uint32_t)offsetof(cpu_t, cp0.f), 0, mask }
#define CONST(v) (cp0_access_t){ CP0_CONST, 0, v, 0 }
    /* Writes store (old & ~mask) | (v & mask): the same as cp0_write's for these, whose
     * bits outside the mask are always zero, or kept. Mask 0: the write is not plain. */
    switch (R(reg, sel)) {
    case R(0, 0): return FIELD(index, 0xFu);
    case R(2, 0): return FIELD(entrylo0, ENTRYLO_MASK);
    case R(3, 0): return FIELD(entrylo1, ENTRYLO_MASK);
    case R(4, 0): return FIELD(context, 0xFF800000u);
    case R(5, 0): return FIELD(pagemask, PAGEMASK_MASK);
    case R(6, 0): return FIELD(wired, 0);
    case R(7, 0): return FIELD(hwrena, 0xFu);
    case R(8, 0): return FIELD(badvaddr, 0);
    case R(10, 0): return FIELD(entryhi, 0);
    case R(11, 0): return FIELD(compare, 0);
    case R(12, 0): return FIELD(status, 0);
    case R(12, 1): return FIELD(intctl, 0x3E0u);
    case R(14, 0): return FIELD(epc, ~0u);
    case R(15, 0): return CONST(PRID_24KC);
    case R(15, 1): return FIELD(ebase, EBASE_MASK);
    case R(16, 0): return FIELD(config0, 7u);
    case R(16, 1): return CONST(CONFIG1_24KC);
    case R(16, 2): return CONST(CONFIG2_24KC);
    case R(16, 3): return CONST(CONFIG3_24KC);
    case R(16, 7): return FIELD(config7, 0);
    case R(23, 0): return FIELD(debug, 0x02000000u);
    case R(24, 0): return FIELD(depc, ~0u);
    case R(26, 0): return FIELD(errctl, ERRCTL_MASK);
    case R(28, 0): case R(28, 2): return FIELD(taglo, TAGLO_MASK);
    case R(28, 1): case R(28, 3): return FIELD(datalo, ~0u);
    case R(30, 0): return FIELD(error_epc, ~0u);
    case R(31, 0): return FIELD(desave, ~0u);
    default: return (cp0_access_t){ CP0_OTHER, 0, 0, 0 };
    }
#undef FIELD
#undef CONST
}

uint32_t cp0_read(cpu_t *cpu, unsigned reg, unsigned sel)
{
    const cp0_t *c = &cpu->cp0;
    switch (R(reg, sel)) {
    case R(0, 0): return c->index;
    case R(1, 0): return cp0_random(cpu);
    case R(2, 0): return c->entrylo0;
    case R(3, 0): return c->entrylo1;
    case R(4, 0): return c->context;
    case R(5, 0): return c->pagemask;
    case R(6, 0): return c->wired;
    case R(7, 0): return c->hwrena;
    case R(8, 0): return c->badvaddr;
    case R(9, 0): return cp0_count(cpu);
    case R(10, 0): return c->entryhi;
    case R(11, 0): return c->compare;
    case R(12, 0): return c->status;
    case R(12, 1): return c->intctl;
    case R(13, 0): return (c->cause & ~0xFC00u) | (cause_ip(cpu) & 0xFC00u);
    case R(14, 0): return c->epc;
    case R(15, 0): return PRID_24KC;
    case R(15, 1): return c->ebase;
    case R(16, 0): return c->config0;
    case R(16, 1): return CONFIG1_24KC;
    case R(16, 2): return CONFIG2_24KC;
    case R(16, 3): return CONFIG3_24KC;
    case R(16, 7): return c->config7;
    case R(17, 0): return c->lladdr >> 4;
    case R(23, 0): return c->debug;
    case R(24, 0): return c->depc;
    case R(26, 0): return c->errctl;
    case R(28, 0): case R(28, 2): return c->taglo;
    case R(28, 1): case R(28, 3): return c->datalo;
    case R(30, 0): return c->error_epc;
    case R(31, 0): return c->desave;
    default:
        break;
    }
    if (reg == 18)
        return c->watchlo[sel];
    if (reg == 19)   /* M chains the eight pairs: set on 0..6 */
        return c->watchhi[sel] | (sel < 7 ? 0x80000000u : 0);
    return 0;        /* absent registers read zero, as on QEMU */
}

void cp0_write(cpu_t *cpu, unsigned reg, unsigned sel, uint32_t v)
{
    cp0_t *c = &cpu->cp0;
    switch (R(reg, sel)) {
    case R(0, 0): c->index = (c->index & 0x80000000u) | (v & 0xFu); break;
    case R(2, 0): c->entrylo0 = v & ENTRYLO_MASK; break;
    case R(3, 0): c->entrylo1 = v & ENTRYLO_MASK; break;
    case R(4, 0): c->context = (c->context & 0x007FFFFFu) | (v & 0xFF800000u); break;
    case R(5, 0): c->pagemask = v & PAGEMASK_MASK; break;
    case R(6, 0):
        c->wired = v & 0xFu;
        c->random_base = cpu->icount;
        break;
    case R(7, 0): c->hwrena = v & 0xFu; break;
    case R(9, 0):
        if (c->cause & CAUSE_DC)
            c->count_frozen = v;
        else
            c->count_offset = v - (uint32_t)(cpu->icount >> 1);
        timer_reschedule(cpu);
        cpu_exit_loop(cpu);                  /* cpu_run's deadline holds the old event */
        break;
    case R(10, 0): set_entryhi(cpu, v); break;
    case R(11, 0):
        c->compare = v;
        c->cause &= ~CAUSE_TI;
        timer_reschedule(cpu);
        cpu_exit_loop(cpu);
        break;
    case R(12, 0):
        c->status = (c->status & ~STATUS_MASK) | (v & STATUS_MASK);
        cpu_mode_changed(cpu);
        cpu_interrupts_changed(cpu);
        break;
    case R(12, 1): c->intctl = INTCTL_IPTI | (v & 0x3E0u); break;
    case R(13, 0): {
        uint32_t old = c->cause;
        uint32_t count = cp0_count(cpu);
        c->cause = (old & ~CAUSE_MASK) | (v & CAUSE_MASK);
        if ((old ^ c->cause) & CAUSE_DC) {   /* Count stops or restarts where it was */
            if (c->cause & CAUSE_DC)
                c->count_frozen = count;
            else
                c->count_offset = count - (uint32_t)(cpu->icount >> 1);
            timer_reschedule(cpu);
            cpu_exit_loop(cpu);
        }
        cpu_interrupts_changed(cpu);         /* IP0, IP1: software interrupts */
        break;
    }
    case R(14, 0): c->epc = v; break;
    case R(15, 1): c->ebase = (c->ebase & ~EBASE_MASK) | (v & EBASE_MASK); break;
    case R(16, 0): c->config0 = (c->config0 & ~7u) | (v & 7u); break;
    case R(23, 0): c->debug = (c->debug & ~0x02000000u) | (v & 0x02000000u); break;
    case R(24, 0): c->depc = v; break;
    case R(26, 0): c->errctl = v & ERRCTL_MASK; break;
    case R(28, 0): case R(28, 2): c->taglo = v & TAGLO_MASK; break;
    case R(28, 1): case R(28, 3): c->datalo = v; break;
    case R(30, 0): c->error_epc = v; break;
    case R(31, 0): c->desave = v; break;
    default:
        if (reg == 18) {
            /* I, R, W read back as zero: kseg raises no watch exceptions (nor does QEMU),
             * and Linux reads these bits to learn what the watch registers can do. */
            c->watchlo[sel] = v & ~7u;
        } else if (reg == 19) {
            /* I, R, W (bits 2..0) are write-one-to-clear. */
            uint32_t w = (c->watchhi[sel] & ~WATCHHI_MASK) | (v & WATCHHI_MASK);
            c->watchhi[sel] = (w & ~7u) | (c->watchhi[sel] & 7u & ~v);
        }
        break;       /* everything else: read-only or absent, writes ignored */
    }
}
