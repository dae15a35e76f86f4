/* The -d trace items that concern the CPU: in_asm, out_asm, exec, cpu, int, mmu. */
#ifndef KSEG_TRACE_H
#define KSEG_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"

/* Disassembles one instruction with capstone into buf ("mnemonic operands"). */
void trace_disasm(uint32_t pc, uint32_t word, char *buf, unsigned size);
void trace_in_asm(cpu_t *cpu, uint32_t pc, uint32_t word);
/* The native code tier 2 made for the block at guest `pc` (`len` bytes at `code`). */
void trace_out_asm(uint32_t pc, const uint8_t *code, unsigned len);
void trace_exec(cpu_t *cpu, uint32_t pc);
void trace_exception(cpu_t *cpu, int code, uint32_t epc, uint32_t vector);
void trace_tlb_write(cpu_t *cpu, unsigned index);
const char *exception_name(int code);
/* -stats' second line: the exceptions taken, by cause, and the TLB writes. */
void trace_print_stats(const cpu_t *cpu, FILE *out);

#endif
