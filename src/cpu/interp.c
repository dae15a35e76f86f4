/* The interpreter: one handler per MIPS32r2 operation, run from decoded code pages.
 *
 * Design note. The loop fetches a pre-decoded instruction (codecache.h) from the code page
 * of the current virtual page, calls its handler and, in the common case, steps the PC by
 * four. Handlers never touch the PC: a branch sets cpu->ctl = CTL_BRANCH and cpu->target,
 * an exception (raised through cpu_exception) sets CTL_JUMP; resolve_control() turns those
 * into the next PC and the delay-slot state, the same way for every executor. A handler
 * that changes what the loop depends on (mode, translations, interrupts) calls
 * cpu_exit_loop() so the run loop re-checks interrupts and the timer before going on.
 *
 * Writes to $zero: decoding points an instruction's destination register 0 at gpr[32], a
 * sink, so handlers write unconditionally and gpr[0] stays zero. */
#include <stdlib.h>

#include "cpu/codecache.h"
#include "cpu/cpu.h"
#include "cpu/internal.h"
#include "cpu/mem.h"
#include "cpu/trace.h"
#include "frontend/log.h"

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

#define HANDLER(name) static void op_##name(cpu_t *cpu, const decoded_insn_t *d)
#define RS (cpu->gpr[d->rs])
#define RT (cpu->gpr[d->rt])
#define SIMM ((int32_t)d->imm)

static inline void branch(cpu_t *cpu, bool taken, uint32_t target)
{
    cpu->ctl = CTL_BRANCH;
    cpu->target = taken ? target : cpu->pc + 8;
}

/* Branch-likely: the delay slot runs only when the branch is taken. */
static inline void branch_likely(cpu_t *cpu, bool taken, uint32_t target)
{
    if (taken) {
        cpu->ctl = CTL_BRANCH;
        cpu->target = target;
    } else {
        cpu->ctl = CTL_JUMP;
        cpu->target = cpu->pc + 8;
    }
}

static inline bool cop0_usable(const cpu_t *cpu)
{
    return cpu->mode <= MODE_KERNEL_ERL || (cpu->cp0.status & ST_CU0);
}

#define REQUIRE_COP0() do { if (!cop0_usable(cpu)) { cpu_exception_cpu(cpu, 0); return; } } while (0)

/* ---- Arithmetic and logic ---------------------------------------------------------- */

HANDLER(nop) { (void)cpu; (void)d; }

HANDLER(add)
{
    uint32_t a = RS, b = RT, r = a + b;
    if (UNLIKELY(((a ^ r) & (b ^ r)) >> 31))
        cpu_exception(cpu, EXC_OV, 0);
    else
        cpu->gpr[d->rd] = r;
}
HANDLER(addi)
{
    uint32_t a = RS, b = d->imm, r = a + b;
    if (UNLIKELY(((a ^ r) & (b ^ r)) >> 31))
        cpu_exception(cpu, EXC_OV, 0);
    else
        cpu->gpr[d->rt] = r;
}
HANDLER(sub)
{
    uint32_t a = RS, b = RT, r = a - b;
    if (UNLIKELY(((a ^ b) & (a ^ r)) >> 31))
        cpu_exception(cpu, EXC_OV, 0);
    else
        cpu->gpr[d->rd] = r;
}
HANDLER(addu) { cpu->gpr[d->rd] = RS + RT; }
HANDLER(subu) { cpu->gpr[d->rd] = RS - RT; }
HANDLER(addiu) { cpu->gpr[d->rt] = RS + d->imm; }
HANDLER(and) { cpu->gpr[d->rd] = RS & RT; }
HANDLER(or) { cpu->gpr[d->rd] = RS | RT; }
HANDLER(xor) { cpu->gpr[d->rd] = RS ^ RT; }
HANDLER(nor) { cpu->gpr[d->rd] = ~(RS | RT); }
HANDLER(andi) { cpu->gpr[d->rt] = RS & d->imm; }
HANDLER(ori) { cpu->gpr[d->rt] = RS | d->imm; }
HANDLER(xori) { cpu->gpr[d->rt] = RS ^ d->imm; }
HANDLER(lui) { cpu->gpr[d->rt] = d->imm; }
HANDLER(slt) { cpu->gpr[d->rd] = (int32_t)RS < (int32_t)RT; }
HANDLER(sltu) { cpu->gpr[d->rd] = RS < RT; }
HANDLER(slti) { cpu->gpr[d->rt] = (int32_t)RS < SIMM; }
HANDLER(sltiu) { cpu->gpr[d->rt] = RS < d->imm; }
HANDLER(movz) { if (RT == 0) cpu->gpr[d->rd] = RS; }
HANDLER(movn) { if (RT != 0) cpu->gpr[d->rd] = RS; }

/* ---- Shifts and rotates ------------------------------------------------------------ */

static inline uint32_t rotr32(uint32_t v, unsigned n)
{
    n &= 31;
    return n ? (v >> n) | (v << (32 - n)) : v;
}
HANDLER(sll) { cpu->gpr[d->rd] = RT << d->sa; }
HANDLER(srl) { cpu->gpr[d->rd] = RT >> d->sa; }
HANDLER(sra) { cpu->gpr[d->rd] = (uint32_t)((int32_t)RT >> d->sa); }
HANDLER(rotr) { cpu->gpr[d->rd] = rotr32(RT, d->sa); }
HANDLER(sllv) { cpu->gpr[d->rd] = RT << (RS & 31); }
HANDLER(srlv) { cpu->gpr[d->rd] = RT >> (RS & 31); }
HANDLER(srav) { cpu->gpr[d->rd] = (uint32_t)((int32_t)RT >> (RS & 31)); }
HANDLER(rotrv) { cpu->gpr[d->rd] = rotr32(RT, RS); }

/* ---- Multiply and divide ----------------------------------------------------------- */

static inline uint64_t acc_get(const cpu_t *cpu) { return ((uint64_t)cpu->hi << 32) | cpu->lo; }
static inline void acc_set(cpu_t *cpu, uint64_t v) { cpu->hi = (uint32_t)(v >> 32); cpu->lo = (uint32_t)v; }

HANDLER(mfhi) { cpu->gpr[d->rd] = cpu->hi; }
HANDLER(mflo) { cpu->gpr[d->rd] = cpu->lo; }
HANDLER(mthi) { cpu->hi = RS; }
HANDLER(mtlo) { cpu->lo = RS; }
HANDLER(mult) { acc_set(cpu, (uint64_t)((int64_t)(int32_t)RS * (int32_t)RT)); }
HANDLER(multu) { acc_set(cpu, (uint64_t)RS * RT); }
HANDLER(mul) { cpu->gpr[d->rd] = (uint32_t)((int32_t)RS * (int64_t)(int32_t)RT); }
HANDLER(madd) { acc_set(cpu, acc_get(cpu) + (uint64_t)((int64_t)(int32_t)RS * (int32_t)RT)); }
HANDLER(maddu) { acc_set(cpu, acc_get(cpu) + (uint64_t)RS * RT); }
HANDLER(msub) { acc_set(cpu, acc_get(cpu) - (uint64_t)((int64_t)(int32_t)RS * (int32_t)RT)); }
HANDLER(msubu) { acc_set(cpu, acc_get(cpu) - (uint64_t)RS * RT); }

/* Division by zero and INT_MIN / -1 are UNPREDICTABLE; like QEMU we divide by one instead,
 * which leaves LO = dividend, HI = 0 (and is the exact answer for INT_MIN / -1). */
HANDLER(div)
{
    int32_t a = (int32_t)RS, b = (int32_t)RT;
    if (b == 0 || (a == INT32_MIN && b == -1))
        b = 1;
    cpu->lo = (uint32_t)(a / b);
    cpu->hi = (uint32_t)(a % b);
}
HANDLER(divu)
{
    uint32_t a = RS, b = RT;
    if (b == 0)
        b = 1;
    cpu->lo = a / b;
    cpu->hi = a % b;
}

/* ---- Bit manipulation (Release 2) -------------------------------------------------- */

HANDLER(clz) { uint32_t v = RS; cpu->gpr[d->rd] = v ? (uint32_t)__builtin_clz(v) : 32; }
HANDLER(clo) { uint32_t v = ~RS; cpu->gpr[d->rd] = v ? (uint32_t)__builtin_clz(v) : 32; }
HANDLER(seb) { cpu->gpr[d->rd] = (uint32_t)(int32_t)(int8_t)RT; }
HANDLER(seh) { cpu->gpr[d->rd] = (uint32_t)(int32_t)(int16_t)RT; }
HANDLER(wsbh)
{
    uint32_t v = RT;
    cpu->gpr[d->rd] = ((v & 0x00FF00FFu) << 8) | ((v >> 8) & 0x00FF00FFu);
}
static inline uint32_t low_mask(unsigned bits) { return bits >= 32 ? ~0u : (1u << bits) - 1; }
HANDLER(ext) { cpu->gpr[d->rt] = (RS >> d->sa) & low_mask(d->rd + 1u); }
HANDLER(ins)
{
    /* rt is read and written; with rt = $zero it is the sink, and the result is dropped. */
    uint32_t mask = low_mask(d->rd - d->sa + 1u) << d->sa;
    cpu->gpr[d->rt] = (RT & ~mask) | ((RS << d->sa) & mask);
}

/* ---- Branches and jumps ------------------------------------------------------------ */

#define BRANCH_TARGET (cpu->pc + 4 + d->imm)
HANDLER(beq) { branch(cpu, RS == RT, BRANCH_TARGET); }
HANDLER(bne) { branch(cpu, RS != RT, BRANCH_TARGET); }
HANDLER(blez) { branch(cpu, (int32_t)RS <= 0, BRANCH_TARGET); }
HANDLER(bgtz) { branch(cpu, (int32_t)RS > 0, BRANCH_TARGET); }
HANDLER(bltz) { branch(cpu, (int32_t)RS < 0, BRANCH_TARGET); }
HANDLER(bgez) { branch(cpu, (int32_t)RS >= 0, BRANCH_TARGET); }
/* The -AL forms read rs before linking: with rs = 31 the result is UNPREDICTABLE anyway. */
HANDLER(bltzal) { bool t = (int32_t)RS < 0; cpu->gpr[31] = cpu->pc + 8; branch(cpu, t, BRANCH_TARGET); }
HANDLER(bgezal) { bool t = (int32_t)RS >= 0; cpu->gpr[31] = cpu->pc + 8; branch(cpu, t, BRANCH_TARGET); }
HANDLER(beql) { branch_likely(cpu, RS == RT, BRANCH_TARGET); }
HANDLER(bnel) { branch_likely(cpu, RS != RT, BRANCH_TARGET); }
HANDLER(blezl) { branch_likely(cpu, (int32_t)RS <= 0, BRANCH_TARGET); }
HANDLER(bgtzl) { branch_likely(cpu, (int32_t)RS > 0, BRANCH_TARGET); }
HANDLER(bltzl) { branch_likely(cpu, (int32_t)RS < 0, BRANCH_TARGET); }
HANDLER(bgezl) { branch_likely(cpu, (int32_t)RS >= 0, BRANCH_TARGET); }
HANDLER(bltzall) { bool t = (int32_t)RS < 0; cpu->gpr[31] = cpu->pc + 8; branch_likely(cpu, t, BRANCH_TARGET); }
HANDLER(bgezall) { bool t = (int32_t)RS >= 0; cpu->gpr[31] = cpu->pc + 8; branch_likely(cpu, t, BRANCH_TARGET); }
HANDLER(j) { branch(cpu, true, ((cpu->pc + 4) & 0xF0000000u) | d->imm); }
HANDLER(jal) { cpu->gpr[31] = cpu->pc + 8; branch(cpu, true, ((cpu->pc + 4) & 0xF0000000u) | d->imm); }
/* JR.HB/JALR.HB clear hazards; an interpreter has none, so the hint needs no work. */
HANDLER(jr) { branch(cpu, true, RS); }
HANDLER(jalr) { uint32_t t = RS; cpu->gpr[d->rd] = cpu->pc + 8; branch(cpu, true, t); }

/* ---- Loads and stores -------------------------------------------------------------- */

#define EA (RS + d->imm)
HANDLER(lb) { uint32_t v; if (mem_load(cpu, EA, 1, &v)) cpu->gpr[d->rt] = (uint32_t)(int32_t)(int8_t)v; }
HANDLER(lbu) { uint32_t v; if (mem_load(cpu, EA, 1, &v)) cpu->gpr[d->rt] = v; }
HANDLER(lh) { uint32_t v; if (mem_load(cpu, EA, 2, &v)) cpu->gpr[d->rt] = (uint32_t)(int32_t)(int16_t)v; }
HANDLER(lhu) { uint32_t v; if (mem_load(cpu, EA, 2, &v)) cpu->gpr[d->rt] = v; }
HANDLER(lw) { uint32_t v; if (mem_load(cpu, EA, 4, &v)) cpu->gpr[d->rt] = v; }
HANDLER(sb) { mem_store(cpu, EA, 1, RT); }
HANDLER(sh) { mem_store(cpu, EA, 2, RT); }
HANDLER(sw) { mem_store(cpu, EA, 4, RT); }

/* Unaligned word access, little-endian (MIPS32 Vol. II, LWL/LWR/SWL/SWR). The aligned
 * word is read whole (a fault reports the aligned address, as QEMU does); the stores go
 * byte by byte starting at the addressed byte, so a fault reports that address. The
 * destination of LWL/LWR may be the $zero sink, whose old contents do not matter. */
HANDLER(lwl)
{
    uint32_t ea = EA, w;
    if (!mem_load(cpu, ea & ~3u, 4, &w))
        return;
    unsigned shift = 8 * (3 - (ea & 3));
    cpu->gpr[d->rt] = (w << shift) | (cpu->gpr[d->rt] & low_mask(shift));
}
HANDLER(lwr)
{
    uint32_t ea = EA, w;
    if (!mem_load(cpu, ea & ~3u, 4, &w))
        return;
    unsigned shift = 8 * (ea & 3);
    cpu->gpr[d->rt] = (w >> shift) | (cpu->gpr[d->rt] & ~(0xFFFFFFFFu >> shift));
}
HANDLER(swl)
{
    uint32_t ea = EA, base = ea & ~3u, v = RT;
    unsigned b = ea & 3;
    for (int i = (int)b; i >= 0; i--)
        if (!mem_store(cpu, base + (unsigned)i, 1, v >> (8 * (3 - b + (unsigned)i))))
            return;
}
HANDLER(swr)
{
    uint32_t ea = EA, base = ea & ~3u, v = RT;
    unsigned b = ea & 3;
    for (unsigned i = b; i < 4; i++)
        if (!mem_store(cpu, base + i, 1, v >> (8 * (i - b))))
            return;
}

HANDLER(ll)
{
    uint32_t ea = EA, v, paddr;
    if (!mem_load(cpu, ea, 4, &v))
        return;
    mmu_translate(cpu, ea, ACCESS_LOAD, true, &paddr);
    cpu->cp0.lladdr = paddr;
    cpu->cp0.llbit = true;
    cpu->gpr[d->rt] = v;
}
/* SC succeeds when no ERET (or other SC) came between it and the LL to the same physical
 * address; a single CPU with no other bus master needs nothing more. rt is both the value
 * stored and the result, so read it first (rt may be the $zero sink: decoding kept rt). */
HANDLER(sc)
{
    uint32_t ea = EA, value = cpu->gpr[d->rt], paddr;
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

/* Caches are not modelled: decoded code follows stores by itself (codecache.h). */
HANDLER(cache) { (void)d; REQUIRE_COP0(); }
HANDLER(pref) { (void)cpu; (void)d; }
HANDLER(synci) { (void)cpu; (void)d; }
HANDLER(sync) { (void)cpu; (void)d; }

/* ---- Traps and system calls -------------------------------------------------------- */

static inline void trap_if(cpu_t *cpu, bool cond) { if (cond) cpu_exception(cpu, EXC_TR, 0); }
HANDLER(tge) { trap_if(cpu, (int32_t)RS >= (int32_t)RT); }
HANDLER(tgeu) { trap_if(cpu, RS >= RT); }
HANDLER(tlt) { trap_if(cpu, (int32_t)RS < (int32_t)RT); }
HANDLER(tltu) { trap_if(cpu, RS < RT); }
HANDLER(teq) { trap_if(cpu, RS == RT); }
HANDLER(tne) { trap_if(cpu, RS != RT); }
HANDLER(tgei) { trap_if(cpu, (int32_t)RS >= SIMM); }
HANDLER(tgeiu) { trap_if(cpu, RS >= d->imm); }
HANDLER(tlti) { trap_if(cpu, (int32_t)RS < SIMM); }
HANDLER(tltiu) { trap_if(cpu, RS < d->imm); }
HANDLER(teqi) { trap_if(cpu, RS == d->imm); }
HANDLER(tnei) { trap_if(cpu, RS != d->imm); }
HANDLER(syscall) { (void)d; cpu_exception(cpu, EXC_SYS, 0); }
HANDLER(break) { (void)d; cpu_exception(cpu, EXC_BP, 0); }
HANDLER(sdbbp) { (void)d; cpu_exception(cpu, EXC_DEBUG_BP, 0); }

/* ---- Reserved and absent coprocessors ---------------------------------------------- */

HANDLER(ri) { (void)d; cpu_exception(cpu, EXC_RI, 0); }
HANDLER(ri_cop0) { (void)d; REQUIRE_COP0(); cpu_exception(cpu, EXC_RI, 0); }
HANDLER(mfmc0) { op_ri_cop0(cpu, d); }   /* decoding turns valid MFMC0s into DI/EI */
/* No FPU (Config1.FP = 0) and no CP2: Status.CU1/CU2 cannot be set, so always unusable. */
HANDLER(cop1) { (void)d; cpu_exception_cpu(cpu, 1); }
HANDLER(cop2) { (void)d; cpu_exception_cpu(cpu, 2); }
#define op_cop1x op_cop1
#define op_movci op_cop1
#define op_lwc1 op_cop1
#define op_ldc1 op_cop1
#define op_swc1 op_cop1
#define op_sdc1 op_cop1
#define op_lwc2 op_cop2
#define op_ldc2 op_cop2
#define op_swc2 op_cop2
#define op_sdc2 op_cop2
/* JALX switches to MIPS16e, which kseg does not implement (yet Config1.CA says the 24Kc has
 * it, as QEMU reports): report once and raise RI. */
enum { UNIMPL_MIPS16 = 1u << 0 };
HANDLER(jalx) { (void)d; cpu_unimplemented(cpu, UNIMPL_MIPS16, "MIPS16e (JALX)"); }

/* ---- System control (CP0) ---------------------------------------------------------- */

HANDLER(mfc0) { REQUIRE_COP0(); cpu->gpr[d->rt] = cp0_read(cpu, d->rd, d->imm); }
HANDLER(mtc0)
{
    REQUIRE_COP0();
    cp0_write(cpu, d->rd, d->imm, RT);
    cpu_exit_loop(cpu);   /* mode, translation or interrupt state may have changed */
}
HANDLER(di)
{
    REQUIRE_COP0();
    uint32_t old = cpu->cp0.status;
    cpu->cp0.status = old & ~ST_IE;
    cpu->gpr[d->rt] = old;
}
HANDLER(ei)
{
    REQUIRE_COP0();
    uint32_t old = cpu->cp0.status;
    cpu->cp0.status = old | ST_IE;
    cpu->gpr[d->rt] = old;
    cpu_exit_loop(cpu);
}
/* One shadow register set (SRSCtl.HSS = 0): the previous set is the current one. */
HANDLER(rdpgpr) { REQUIRE_COP0(); cpu->gpr[d->rd] = RT; }
HANDLER(wrpgpr) { REQUIRE_COP0(); cpu->gpr[d->rd] = RT; }

HANDLER(rdhwr)
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

HANDLER(eret)
{
    (void)d;
    REQUIRE_COP0();
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
    cpu_exit_loop(cpu);
}

HANDLER(deret)
{
    (void)d;
    REQUIRE_COP0();
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

HANDLER(wait)
{
    (void)d;
    REQUIRE_COP0();
    cpu->waiting = true;
    cpu_exit_loop(cpu);
}

HANDLER(tlbr) { (void)d; REQUIRE_COP0(); cpu_tlb_read(cpu); }
HANDLER(tlbwi) { (void)d; REQUIRE_COP0(); cpu_tlb_write(cpu, cpu->cp0.index & 0xF); }
HANDLER(tlbwr) { (void)d; REQUIRE_COP0(); cpu_tlb_write(cpu, cp0_random(cpu)); }
HANDLER(tlbp) { (void)d; REQUIRE_COP0(); cpu_tlb_probe(cpu); }

/* ---- Decoding into code pages ------------------------------------------------------ */

static insn_fn *const handlers[OP_COUNT] = {
#define HANDLER_ENTRY(code, name) [OP_##name] = op_##name,
    MIPS_ALL_OPS(HANDLER_ENTRY)
#undef HANDLER_ENTRY
};

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
/* Of those, the ones with no effect but their result (not JALR, ADD, SUB, the CP0 moves). */
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

void insn_translate(const mips_insn_t *in, decoded_insn_t *d)
{
    d->fn = handlers[in->op];
    d->rs = in->rs;
    d->rt = in->rt;
    d->rd = in->rd;
    d->sa = in->sa;
    d->imm = in->imm;
    if (writes_rd(in->op) && in->rd == 0) {
        /* Pure register results to $zero (NOP, SSNOP, EHB among them) do nothing at all. */
        if (only_writes_rd(in->op))
            d->fn = op_nop;
        d->rd = 32;
    }
    if (writes_rt(in->op) && in->rt == 0)
        d->rt = 32;
}

/* The handler every undecoded entry starts with: decode, install, run. */
static void op_decode(cpu_t *cpu, const decoded_insn_t *d)
{
    code_page_t *page = cpu->code_page;
    size_t index = (size_t)(d - page->insn);
    uint32_t word;
    memcpy(&word, page->host + index * 4, 4);
    mips_insn_t in;
    mips_decode(word, &in);
    decoded_insn_t *slot = &page->insn[index];
    insn_translate(&in, slot);
    if (UNLIKELY(log_enabled(LOG_IN_ASM)))
        trace_in_asm(cpu, cpu->pc, word);
    slot->fn(cpu, slot);
}

code_page_t *code_page_new(const uint8_t *host, uint32_t paddr)
{
    code_page_t *p = malloc(sizeof(*p));
    if (!p)
        fatal("out of memory for decoded code");
    p->host = host;
    p->paddr = paddr;
    code_page_invalidate(p, 0, CODE_PAGE_SIZE);
    return p;
}

void code_page_invalidate(code_page_t *page, uint32_t offset, uint32_t len)
{
    uint32_t first = offset / 4, last = (offset + len - 1) / 4;
    for (uint32_t i = first; i <= last && i < CODE_PAGE_INSNS; i++) {
        page->insn[i].fn = op_decode;
        page->insn[i].imm = i;
    }
}

/* ---- The run loop ------------------------------------------------------------------ */

static void resolve_control(cpu_t *cpu)
{
    switch (cpu->ctl) {
    case CTL_BRANCH:
        cpu->pc += 4;
        cpu->in_delay_slot = true;
        cpu->ctl = CTL_DELAY_SLOT;
        return;
    case CTL_DELAY_SLOT:
    case CTL_JUMP:
        cpu->pc = cpu->target;
        cpu->in_delay_slot = false;
        cpu->ctl = CTL_NONE;
        /* A misaligned target must fault on fetch even within the current page. */
        if (cpu->pc & 3)
            cpu->code_vpage = CODE_VPAGE_NONE;
        return;
    case CTL_NONE:
        return;
    }
}

/* One body, two instantiations: the fast loop has no tracing or debugging hooks at all. */
static inline __attribute__((always_inline)) void run_loop(cpu_t *cpu, bool debug)
{
    while (cpu->icount < cpu->deadline) {
        uint32_t pc = cpu->pc;
        if (UNLIKELY((pc & ~0xFFFu) != cpu->code_vpage)) {
            if (!mmu_fetch_page(cpu, pc)) {
                cpu->icount++;    /* a faulting fetch takes a cycle: fault loops still end */
                resolve_control(cpu);
                continue;
            }
        }
        const decoded_insn_t *d = &cpu->code_page->insn[(pc >> 2) & (CODE_PAGE_INSNS - 1)];
        if (debug)
            trace_exec(cpu, pc);
        cpu->icount++;
        d->fn(cpu, d);
        if (LIKELY(cpu->ctl == CTL_NONE))
            cpu->pc = pc + 4;
        else
            resolve_control(cpu);
    }
}

static void run_fast(cpu_t *cpu) { run_loop(cpu, false); }
static void run_debug(cpu_t *cpu) { run_loop(cpu, true); }

void cpu_execute(cpu_t *cpu)
{
    if (log_enabled(LOG_EXEC | LOG_CPU))
        run_debug(cpu);
    else
        run_fast(cpu);
}

/* Interrupts and exceptions taken between instructions resolve here too. */
void cpu_resolve_control(cpu_t *cpu) { resolve_control(cpu); }
