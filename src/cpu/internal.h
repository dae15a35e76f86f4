/* What the files of src/cpu/ share among themselves and nobody else needs. */
#ifndef KSEG_CPU_INTERNAL_H
#define KSEG_CPU_INTERNAL_H

#include "cpu/codecache.h"
#include "cpu/cpu.h"

/* interp.c */
void insn_translate(const mips_insn_t *in, decoded_insn_t *d);
/* Runs instructions until icount reaches cpu->deadline. */
void cpu_execute(cpu_t *cpu);
void cpu_resolve_control(cpu_t *cpu);

/* cp0.c: the TLB instructions. */
void cpu_tlb_read(cpu_t *cpu);
void cpu_tlb_write(cpu_t *cpu, unsigned index);
void cpu_tlb_probe(cpu_t *cpu);

#endif
