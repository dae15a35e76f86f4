/* The interpreter: MIPS32r2 semantics, run from decoded code pages.
 *
 * Design note. Instructions are decoded once into code pages (codecache.h); the run loop
 * walks a page's decoded entries with a pointer `d` and jumps straight from one operation's
 * code to the next one's (`goto *dispatch[d->op]`, threaded code): every operation ends in
 * its own indirect jump, which the host predicts far better than one shared call site.
 *
 * Hot state lives in locals: `d` (the PC is derived from it: page base + index * 4),
 * `left` (instructions this slice may still start), the delay-slot flag and branch target.
 * Anything out of line that may look at CPU state (slow memory paths, CP0, exceptions)
 * is bracketed by SYNC_OUT / SYNC_IN, which store and reload those locals; afterwards an
 * exception shows as cpu->ctl == CTL_JUMP, and a request to leave the loop as a changed
 * cpu->deadline.
 *
 * Branches: a branch sets `in_ds` and `btarget` and runs the next entry as its delay slot;
 * the instruction after a delay slot resolves to `btarget` (NEXT checks `in_ds`). A jump to
 * the current page is a pointer computation; other targets go through the fetch software
 * TLB (mmu_fetch_page). The sentinel after each page's last entry sends straight-line code
 * to the next page the same way.
 *
 * Writes to $zero: decoding points an instruction's destination register 0 at gpr[32], a
 * sink, so operations write unconditionally and gpr[0] stays zero.
 *
 * This file uses GCC's labels-as-values, which GCC and clang both provide. */
#include <stdlib.h>

#include "cpu/codecache.h"
#include "cpu/cpu.h"
#include "cpu/internal.h"
#include "cpu/jit.h"
#include "cpu/mem.h"
#include "cpu/trace.h"
#include "frontend/log.h"

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

static inline uint32_t rotr32(uint32_t v, unsigned n)
{
    n &= 31;
    return n ? (v >> n) | (v << (32 - n)) : v;
}
static inline uint64_t acc_get(const cpu_t *cpu) { return ((uint64_t)cpu->hi << 32) | cpu->lo; }
static inline void acc_set(cpu_t *cpu, uint64_t v) { cpu->hi = (uint32_t)(v >> 32); cpu->lo = (uint32_t)v; }
static inline bool cop0_usable(const cpu_t *cpu)
{
    return cpu->mode <= MODE_KERNEL_ERL || (cpu->cp0.status & ST_CU0);
}

/* ---- Out-of-line operations (rare; they may raise exceptions or change modes) ------- */

/* JALX switches to MIPS16e, which kseg does not implement (yet Config1.CA says the 24Kc has
 * it, as QEMU reports): report once and raise RI. */
enum { UNIMPL_MIPS16 = 1u << 0 };

static void do_rdhwr(cpu_t *cpu, const decoded_insn_t *d)
{
    unsigned reg = d->rd;
    if (!cop0_usable(cpu) && !(cpu->cp0.hwrena & (1u << reg))) {
        cpu_exception(cpu, EXC_RI, 0);
        return;
    }
    uint32_t v;
    switch (reg) {
    case 0: v = cpu->cp0.ebase & 0x3FF; break;   /* CPUNum */
    case 1: v = 32; break;                        /* SYNCI_Step: the cache line size */
    case 2: v = cp0_count(cpu); break;            /* CC */
    default: v = 2; break;                        /* CCRes: Count ticks every 2 cycles */
    }
    cpu->gpr[d->rt] = v;
}

void cpu_eret(cpu_t *cpu)
{
    cp0_t *c = &cpu->cp0;
    if (c->status & ST_ERL) {
        cpu->target = c->error_epc;
        c->status &= ~ST_ERL;
    } else {
        cpu->target = c->epc;
        c->status &= ~ST_EXL;
    }
    c->llbit = false;
    cpu->ctl = CTL_JUMP;
    cpu_mode_changed(cpu);
    cpu_interrupts_changed(cpu);  /* EXL or ERL cleared: one may be deliverable now */
}

static void do_deret(cpu_t *cpu)
{
    if (!(cpu->cp0.debug & (1u << 30))) {   /* not in Debug Mode: reserved */
        cpu_exception(cpu, EXC_RI, 0);
        return;
    }
    cpu->cp0.debug &= ~(1u << 30);
    cpu->target = cpu->cp0.depc;
    cpu->ctl = CTL_JUMP;
    cpu_mode_changed(cpu);
    cpu_exit_loop(cpu);
}

/* LL: a load that also records its physical address (LLAddr) and sets LLbit. The address
 * comes from the architectural translation, made first (as in SC) and with its exceptions,
 * so LLAddr is always the translated address of this access, never left unset. */
static void do_ll(cpu_t *cpu, const decoded_insn_t *d, uint32_t ea)
{
    uint32_t v, paddr;
    if (ea & 3) {
        cpu_exception(cpu, EXC_ADEL, ea);
        return;
    }
    if (!mmu_translate(cpu, ea, ACCESS_LOAD, false, &paddr))
        return;
    if (!mem_load(cpu, ea, 4, &v))
        return;
    cpu->cp0.lladdr = paddr;
    cpu->cp0.llbit = true;
    cpu->gpr[d->rt] = v;
}

/* SC succeeds when no ERET (or other SC) came between it and the LL to the same physical
 * address; a single CPU with no other bus master needs nothing more. rt is both the value
 * stored and the result (decoding kept rt as it is for SC). */
static void do_sc(cpu_t *cpu, const decoded_insn_t *d, uint32_t ea)
{
    uint32_t value = cpu->gpr[d->rt], paddr;
    if (ea & 3) {
        cpu_exception(cpu, EXC_ADES, ea);
        return;
    }
    if (!mmu_translate(cpu, ea, ACCESS_STORE, false, &paddr))
        return;
    bool ok = cpu->cp0.llbit && paddr == cpu->cp0.lladdr;
    cpu->cp0.llbit = false;
    if (ok && !mem_store(cpu, ea, 4, value))
        return;
    if (d->rt)
        cpu->gpr[d->rt] = ok;
}

/* Unaligned word access, little-endian (MIPS32 Vol. II, LWL/LWR/SWL/SWR). The aligned
 * word is read whole (a fault reports the aligned address, as QEMU does); the stores go
 * byte by byte starting at the addressed byte, so a fault reports that address. The
 * destination of LWL/LWR may be the $zero sink, whose old contents do not matter. */
static void do_lwl(cpu_t *cpu, const decoded_insn_t *d, uint32_t ea)
{
    uint32_t w;
    if (!mem_load(cpu, ea & ~3u, 4, &w))
        return;
    unsigned shift = 8 * (3 - (ea & 3));
    cpu->gpr[d->rt] = (w << shift) | (cpu->gpr[d->rt] & low_mask(shift));
}
static void do_lwr(cpu_t *cpu, const decoded_insn_t *d, uint32_t ea)
{
    uint32_t w;
    if (!mem_load(cpu, ea & ~3u, 4, &w))
        return;
    unsigned shift = 8 * (ea & 3);
    cpu->gpr[d->rt] = (w >> shift) | (cpu->gpr[d->rt] & ~(0xFFFFFFFFu >> shift));
}
static void do_swl(cpu_t *cpu, const decoded_insn_t *d, uint32_t ea)
{
    uint32_t base = ea & ~3u, v = cpu->gpr[d->rt];
    unsigned b = ea & 3;
    for (int i = (int)b; i >= 0; i--)
        if (!mem_store(cpu, base + (unsigned)i, 1, v >> (8 * (3 - b + (unsigned)i))))
            return;
}
static void do_swr(cpu_t *cpu, const decoded_insn_t *d, uint32_t ea)
{
    uint32_t base = ea & ~3u, v = cpu->gpr[d->rt];
    unsigned b = ea & 3;
    for (unsigned i = b; i < 4; i++)
        if (!mem_store(cpu, base + i, 1, v >> (8 * (i - b))))
            return;
}

/* ---- Decoding into code pages ------------------------------------------------------ */

/* Operations whose rd, or rt, is a destination only: a destination of $zero is pointed at
 * the sink. (rt of stores, branches, SC and MTC0 is a source and stays as it is.) */
static bool writes_rd(enum mips_op op)
{
    switch (op) {
    case OP_sll: case OP_srl: case OP_sra: case OP_rotr: case OP_sllv: case OP_srlv:
    case OP_srav: case OP_rotrv: case OP_jalr: case OP_movz: case OP_movn: case OP_mfhi:
    case OP_mflo: case OP_add: case OP_addu: case OP_sub: case OP_subu: case OP_and:
    case OP_or: case OP_xor: case OP_nor: case OP_slt: case OP_sltu: case OP_mul:
    case OP_clz: case OP_clo: case OP_seb: case OP_seh: case OP_wsbh: case OP_rdpgpr:
    case OP_wrpgpr:
        return true;
    default:
        return false;
    }
}
/* Of those, the ones with no effect but their result (not JALR, ADD, SUB, the CP0 moves):
 * with $zero as destination they are no-ops (NOP, SSNOP and EHB among them). */
static bool only_writes_rd(enum mips_op op)
{
    return writes_rd(op) && op != OP_jalr && op != OP_add && op != OP_sub &&
           op != OP_rdpgpr && op != OP_wrpgpr;
}
static bool writes_rt(enum mips_op op)
{
    switch (op) {
    case OP_addi: case OP_addiu: case OP_slti: case OP_sltiu: case OP_andi: case OP_ori:
    case OP_xori: case OP_lui: case OP_lb: case OP_lh: case OP_lwl: case OP_lw: case OP_lbu:
    case OP_lhu: case OP_lwr: case OP_ll: case OP_mfc0: case OP_rdhwr: case OP_di:
    case OP_ei: case OP_ext: case OP_ins:
        return true;
    default:
        return false;
    }
}

int insn_written_gpr(const decoded_insn_t *d)
{
    enum mips_op op = (enum mips_op)d->op;
    return writes_rd(op) ? d->rd : writes_rt(op) ? d->rt : -1;
}

void insn_translate(const mips_insn_t *in, decoded_insn_t *d)
{
    d->op = (uint8_t)in->op;
    d->rs = in->rs;
    d->rt = in->rt;
    d->rd = in->rd;
    d->sa = in->sa;
    d->imm = in->imm;
    if (writes_rd(in->op) && in->rd == 0) {
        if (only_writes_rd(in->op))
            d->op = OP_nop;
        d->rd = 32;
    }
    if (writes_rt(in->op) && in->rt == 0) {
        if (in->op == OP_addiu || in->op == OP_lui || in->op == OP_ori)   /* common padding */
            d->op = OP_nop;
        d->rt = 32;
    }
}

static void decode_entry(cpu_t *cpu, code_page_t *page, decoded_insn_t *d, uint32_t pc)
{
    uint32_t word;
    memcpy(&word, page->host + (size_t)(d - page->insn) * 4, 4);
    mips_insn_t in;
    mips_decode(word, &in);
    code_page_watch(cpu, page);
    insn_translate(&in, d);
    page->decoded++;                   /* d was OP_DECODE: only those come here */
    if (UNLIKELY(log_enabled(LOG_IN_ASM)))
        trace_in_asm(cpu, pc, word);
}

/* ---- Debugger hooks (debug loop only) --------------------------------------------- */

/* True when the instruction at cpu->pc must not start: a breakpoint is set on it. The
 * first instruction after resuming from a breakpoint runs regardless. */
static bool debug_stop_here(cpu_t *cpu)
{
    cpu_debug_t *g = &cpu->dbg;
    if (g->resume_over_breakpoint) {
        g->resume_over_breakpoint = false;
        return false;
    }
    for (int i = 0; i < g->breakpoint_count; i++)
        if (g->breakpoints[i] == cpu->pc) {
            g->stop = STOP_BREAKPOINT;
            return true;
        }
    return false;
}

/* ---- Control state between slices --------------------------------------------------- */

/* An exception or interrupt taken between slices (cpu_run) redirects control here; inside
 * the loop the same happens at after_call. */
void cpu_resolve_control(cpu_t *cpu)
{
    if (cpu->ctl == CTL_JUMP) {
        cpu->pc = cpu->target;
        cpu->in_delay_slot = false;
        cpu->ctl = CTL_NONE;
    }
}

/* ---- The run loop ------------------------------------------------------------------ */

#define PC_OF(p) (vbase + (uint32_t)(((p) - page->insn) << 2))
#define RS (r[d->rs])
#define RT (r[d->rt])
#define RD (r[d->rd])
#define SIMM ((int32_t)d->imm)
#define EA (RS + d->imm)

/* Starts the instruction at d, unless the slice is used up. */
#define DISPATCH() do {                                                        \
        if (UNLIKELY(--left < 0))                                              \
            goto out;                                                          \
        if (debug) {                                                           \
            SYNC_OUT(PC_OF(d));                                                \
            if (debug_stop_here(cpu))                                          \
                goto out;                                                      \
            trace_exec(cpu, cpu->pc);                                          \
        }                                                                      \
        goto *dispatch[d->op];                                                 \
    } while (0)
/* Ends an operation that does not transfer control. */
#define NEXT() do {                                                            \
        if (UNLIKELY(in_ds))                                                   \
            goto resolve_branch;                                               \
        d++;                                                                   \
        DISPATCH();                                                            \
    } while (0)
#define SYNC_OUT(pc_value) do {                                                \
        cpu->pc = (pc_value);                                                  \
        cpu->in_delay_slot = in_ds;                                            \
        cpu->icount = end - (uint64_t)left;                                    \
    } while (0)
#define SYNC_IN() do {                                                         \
        end = cpu->deadline < limit ? cpu->deadline : limit;                   \
        left = (int64_t)(end - cpu->icount);                                   \
        vbase = cpu->code_vpage;                                               \
        page = cpu->code_page;                                                 \
    } while (0)
/* Calls out of line, then continues after the instruction or at an exception vector. */
#define CALL(expr) do {                                                        \
        SYNC_OUT(PC_OF(d));                                                    \
        expr;                                                                  \
        SYNC_IN();                                                             \
        goto after_call;                                                       \
    } while (0)
#define RAISE(code) CALL(cpu_exception(cpu, (code), 0))
#define REQUIRE_COP0() do { if (!cop0_usable(cpu)) CALL(cpu_exception_cpu(cpu, 0)); } while (0)
#define BRANCH(cond) do {                                                      \
        uint32_t pc_ = PC_OF(d);                                               \
        btarget = (cond) ? pc_ + 4 + d->imm : pc_ + 8;                         \
        in_ds = true;                                                          \
        d++;                                                                   \
        DISPATCH();                                                            \
    } while (0)
/* Branch-likely: the delay slot runs only when the branch is taken. */
#define BRANCH_LIKELY(cond) do {                                               \
        uint32_t pc_ = PC_OF(d);                                               \
        if (cond) {                                                            \
            btarget = pc_ + 4 + d->imm;                                        \
            in_ds = true;                                                      \
            d++;                                                               \
            DISPATCH();                                                        \
        }                                                                      \
        in_ds = false;                                                         \
        target = pc_ + 8;                                                      \
        goto jump;                                                             \
    } while (0)
/* J, JAL, JR, JALR: to `t` after the delay slot. */
#define JUMP(t) do {                                                           \
        btarget = (t);                                                         \
        in_ds = true;                                                          \
        d++;                                                                   \
        DISPATCH();                                                            \
    } while (0)
#define LINK() (r[31] = PC_OF(d) + 8)
/* Loads and stores: the software TLB hit inline, everything else out of line. */
#define SOFTTLB_AT(table, ea)                                                  \
        ((const softtlb_entry_t *)((const char *)(table) + softtlb_offset(ea)))
#define LOAD(size, convert) do {                                               \
        uint32_t ea_ = EA, v_;                                                 \
        const softtlb_entry_t *e_ = SOFTTLB_AT(cpu->stlb->read, ea_);          \
        if (LIKELY(e_->tag == (ea_ & (0xFFFFF000u | ((size) - 1))))) {         \
            const uint8_t *p_ = (const uint8_t *)(e_->addend + ea_);           \
            if ((size) == 4) memcpy(&v_, p_, 4);                               \
            else if ((size) == 2) { uint16_t h_; memcpy(&h_, p_, 2); v_ = h_; }\
            else v_ = *p_;                                                     \
            r[d->rt] = convert(v_);                                            \
            NEXT();                                                            \
        }                                                                      \
        CALL(uint32_t s_; /* not v_: an address taken would keep v_ in memory */ \
             if (mem_load_slow(cpu, ea_, (size), &s_)) cpu->gpr[d->rt] = convert(s_)); \
    } while (0)
#define STORE(size) do {                                                       \
        uint32_t ea_ = EA, v_ = RT;                                            \
        const softtlb_entry_t *e_ = SOFTTLB_AT(cpu->stlb->write, ea_);         \
        if (LIKELY(e_->tag == (ea_ & (0xFFFFF000u | ((size) - 1))))) {         \
            uint8_t *p_ = (uint8_t *)(e_->addend + ea_);                       \
            if ((size) == 4) memcpy(p_, &v_, 4);                               \
            else if ((size) == 2) { uint16_t h_ = (uint16_t)v_; memcpy(p_, &h_, 2); } \
            else *p_ = (uint8_t)v_;                                            \
            NEXT();                                                            \
        }                                                                      \
        CALL(mem_store_slow(cpu, ea_, (size), v_));                            \
    } while (0)
#define AS_IS(v) (v)
#define SEXT8(v) ((uint32_t)(int32_t)(int8_t)(v))
#define SEXT16(v) ((uint32_t)(int32_t)(int16_t)(v))
#define TRAP_IF(cond) do { if (cond) RAISE(EXC_TR); NEXT(); } while (0)

/* One body, two instantiations: the fast loop has no tracing hooks at all. */
#define RUN_LOOP_NAME run_fast
#define RUN_LOOP_DEBUG 0
#include "cpu/interp_loop.h"
#define RUN_LOOP_NAME run_debug
#define RUN_LOOP_DEBUG 1
#include "cpu/interp_loop.h"

/* ---- The cached tier (issue 10, tier 1) ------------------------------------------- */

/* Design note. run_cached executes the same decoded entries as runs (codecache.h,
 * block.c): the budget is checked once per run, at its entry, in one compare that also
 * turns away delay slots (entry_need), and charged with the whole run (`left -= run`);
 * inside a run each instruction jumps straight to the next one's handler through the offset
 * in its entry (no budget check, no delay-slot test). A run's last instruction has its own
 * copies of its handler that finish the block: after a cut (end_*) the next run starts at
 * the next entry; in a delay slot (ds_*) at the branch's target. A branch whose targets,
 * taken and not, are both on its page (block.c picks local_* handlers for those) leaves its
 * target as an entry pointer (`bt`), so the next run starts without a lookup, and so does
 * a jump to its own page; any other branch or jump leaves an address (`btarget`, with
 * bt = &far_target), which goes through the jump code: the entry on the same page by
 * index, else the page's link for that PC (codecache.h), else the fetch software TLB
 * inline, else mmu_fetch_page. The handlers that end a run carry their own copy of the
 * entry code (ENTER). The whole loop exists twice (cached_loop.h): tier 1 alone, and with
 * tier 2's lookup at each run's entry.
 * The hottest sequences of adjacent instructions have superinstructions, chosen when a run
 * is decoded: pairs, whose second instruction is reached by a direct jump, not a dispatch;
 * triples and longer chains, an instruction followed by a direct jump to the next entry's
 * pair or chain (block.c checks that the next entry has that handler).
 * What does not fit that shape runs in the interpreter for a few instructions (run_fast
 * with a limit, "stepping"), which makes the two tiers agree by construction there: a run
 * longer than what is left of the slice (so the loop stops at exactly the instruction the
 * interpreter stops at, and interrupts and Count see the same icount), entering a delay
 * slot (a slice that ended between a branch and its slot, or a jump into a slot), a branch
 * in a delay slot, and a delay slot on the next page.
 * Precise state: inside a run the instructions after d were charged already, so whatever
 * leaves the loop's locals (CALL, a step) stores icount = end - (left + the run's unstarted
 * rest), d's PC and whether d is a delay slot (and a pending branch's target as an address),
 * then reloads the budget from cpu->icount, which refunds the rest, and goes on at the jump
 * code, a fresh lookup: a TLB write, mode change, exception or store into the code never
 * runs a stale translation or entry. */

/* An entry's handler (hbase: run_cached's decode label). */
#define CACHED_HANDLER(p) ((void *)(hbase + (p)->h))
/* The entry of the current page for `t`, a 4-aligned address on it: entries are 16 bytes,
 * four times a word. */
#define ENTRY_AT(t) ((const decoded_insn_t *)((const char *)page->insn + ((t) & 0xFFCu) * 4))
/* SYNC_IN, keeping `left` from going negative (cpu->deadline may lie behind icount after
 * a call), which the entry check relies on. */
#define CACHED_SYNC_IN() do {                                                  \
        SYNC_IN();                                                             \
        if (UNLIKELY(left < 0)) {                                              \
            end = cpu->icount;                                                 \
            left = 0;                                                          \
        }                                                                      \
    } while (0)
/* d's state for a call out of line: d has started, the rest of its run has not. */
#define CACHED_SYNC_OUT(ds) do {                                               \
        cpu->pc = PC_OF(d);                                                    \
        cpu->in_delay_slot = (ds);                                             \
        cpu->icount = end - (uint64_t)(left + d->run - 1);                     \
    } while (0)
/* The key a link made now carries (the mode and the link generation change only in
 * calls). */
#define LINK_KEY() (code_link_generation | (uint64_t)cpu->mode)

/* What entering a run at d takes from the (never negative) budget, so that one subtraction
 * and its borrow check it: its run's length, or, for a run's last entry, a number above any
 * budget. INSN_END is the top bit of `flags`, so `run` and `flags` read as one sign-extended
 * 16-bit number give just that. Such an entry is a delay slot, which cannot be entered, or
 * the last of a cut (a run of one, rarely entered), which cached_enter_slow starts. */
_Static_assert(INSN_END == 0x80 && !((INSN_DS | INSN_STEP) & 0x80),
               "the entry check takes INSN_END for the sign bit");
static inline uint64_t entry_need(const decoded_insn_t *d)
{
    return (uint64_t)(int64_t)(int16_t)(d->run | d->flags << 8);
}

/* The CPU whose translations the links hold. */
static const cpu_t *link_owner;

/* What `bt` holds after a branch whose target is not known to be an entry of its page (a
 * jump, a branch off the page): the target is then in btarget. Flagged a delay slot, so the
 * entry check turns it away to cached_enter_slow, which follows btarget. */
static const decoded_insn_t far_target = { .op = OP_PAGE_END, .flags = INSN_DS | INSN_END };
/* The pending branch's target as an address (d's page is current). */
#define BT_PC() (bt == &far_target ? btarget : PC_OF(bt))
/* A local branch's taken target: imm is the offset in bytes, a quarter of the entries'. */
#define LOCAL_TAKEN(p) ((const decoded_insn_t *)((const char *)((p) + 1) +          \
                                                 (int64_t)(int32_t)(p)->imm * 4))

/* Where the handlers go to enter the next run: the jump code (to the entry for `target`)
 * or the entry code (to d), each with tier 2's lookup in the copy that has tier 2. */
#define GOTO_JUMP() do { if (jit) goto jit_jump; goto plain_jump; } while (0)
#define GOTO_ENTER() do { if (jit) goto jit_enter; goto plain_enter; } while (0)
#define CACHED_LOOP_NAME run_cached_plain
#define CACHED_LOOP_JIT false
#include "cpu/cached_loop.h"
#define CACHED_LOOP_NAME run_cached_jit
#define CACHED_LOOP_JIT true
#include "cpu/cached_loop.h"

uint64_t cpu_jit_step(cpu_t *cpu)
{
    uint64_t icount = cpu->icount, invalidations = code_invalidations;
    uint32_t next = cpu->pc + 4, vpage = cpu->code_vpage;
    bool in_slot = cpu->ctl == CTL_DELAY_SLOT;
    run_fast(cpu, icount + 1);
    return in_slot || cpu->pc != next || cpu->ctl != CTL_NONE ||
           jit_call_must_leave(cpu, icount + 1, vpage, invalidations);
}

uint64_t cpu_jit_call(cpu_t *cpu, const decoded_insn_t *e)
{
    uint64_t counted = ++cpu->icount, invalidations = code_invalidations;
    uint32_t next = cpu->pc + 4, vpage = cpu->code_vpage;
    const decoded_insn_t d = *e;       /* a store into this code may reset the entry */
    uint32_t ea = cpu->gpr[d.rs] + d.imm;
    switch (d.op) {
    case OP_ll: do_ll(cpu, &d, ea); break;
    case OP_sc: do_sc(cpu, &d, ea); break;
    case OP_lwl: do_lwl(cpu, &d, ea); break;
    case OP_lwr: do_lwr(cpu, &d, ea); break;
    case OP_swl: do_swl(cpu, &d, ea); break;
    case OP_swr: do_swr(cpu, &d, ea); break;
    case OP_mtc0: cp0_write(cpu, d.rd, d.imm, cpu->gpr[d.rt]); break;
    default: abort();                  /* jit.c calls for these only */
    }
    if (cpu->ctl == CTL_JUMP) {        /* an exception: at its vector */
        cpu_resolve_control(cpu);
        return 1;
    }
    cpu->pc = next;
    return jit_call_must_leave(cpu, counted, vpage, invalidations);
}

void cpu_execute(cpu_t *cpu)
{
    if (cpu->debug_active || log_enabled(LOG_EXEC | LOG_CPU))
        run_debug(cpu, UINT64_MAX);
    else if (cpu->accel == CPU_ACCEL_JIT && jit_available())   /* inside tier 1's loop */
        run_cached_jit(cpu);
    else if (cpu->accel != CPU_ACCEL_INTERP)
        run_cached_plain(cpu);
    else
        run_fast(cpu, UINT64_MAX);
}
