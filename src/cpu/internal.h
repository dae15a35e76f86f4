/* What the files of src/cpu/ share among themselves and nobody else needs. */
#ifndef KSEG_CPU_INTERNAL_H
#define KSEG_CPU_INTERNAL_H

#include "cpu/codecache.h"
#include "cpu/cpu.h"

/* interp.c */
void insn_translate(const mips_insn_t *in, decoded_insn_t *d);
/* The general register a decoded instruction writes (32, the sink, for $zero), -1 for none:
 * the destination-only registers insn_translate knows; not SC's rt (also an operand) nor a
 * branch's link. */
int insn_written_gpr(const decoded_insn_t *d);
/* The low `bits` bits set (all of them from 32 on). */
static inline uint32_t low_mask(unsigned bits) { return bits >= 32 ? ~0u : (1u << bits) - 1; }
/* Runs instructions until icount reaches cpu->deadline. */
void cpu_execute(cpu_t *cpu);
void cpu_resolve_control(cpu_t *cpu);
/* Tier 2's step (jit.c): the interpreter runs the one instruction at cpu->pc from the state
 * in cpu (in a delay slot when cpu->ctl says so). Returns 0 when native code may go on with
 * the next instruction of its block: nothing but that instruction's effects happened (no
 * exception or jump, no change of mode or code mapping, no request to leave the run loop,
 * no decoded code reset). */
uint64_t cpu_jit_step(cpu_t *cpu);
/* What every call out of native code checks once its instruction is done (icount was
 * `counted` after it; the code page and the invalidation count as they were before it):
 * whether native code must leave instead of going on. A slow bus's access moved icount on
 * (mmu.c), so the budget must be taken from cpu_t again; an interrupt is due or an exit
 * requested; the CPU halted; the mode or code mapping changed; decoded code was reset. */
static inline bool jit_call_must_leave(const cpu_t *cpu, uint64_t counted, uint32_t vpage,
                                       uint64_t invalidations)
{
    return cpu->icount != counted || cpu->deadline <= cpu->icount || cpu->halted ||
           cpu->code_vpage != vpage || code_invalidations != invalidations;
}
/* The same for instruction e at cpu->pc, not in a delay slot, when it is LL, SC, LWL, LWR,
 * SWL, SWR or MTC0 (Coprocessor 0 usable): its operation called directly, without the
 * interpreter's loop around it. */
uint64_t cpu_jit_call(cpu_t *cpu, const decoded_insn_t *e);

/* interp.c: ERET's effect (the jump is left in cpu->ctl and cpu->target). */
void cpu_eret(cpu_t *cpu);

/* cp0.c: the TLB instructions. */
void cpu_tlb_read(cpu_t *cpu);
void cpu_tlb_write_indexed(cpu_t *cpu);   /* TLBWI */
void cpu_tlb_write_random(cpu_t *cpu);    /* TLBWR */
void cpu_tlb_probe(cpu_t *cpu);

#endif
