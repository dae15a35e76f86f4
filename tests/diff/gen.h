/* What the differential tests share: the random MIPS32r2 sequence generator, the memory
 * layout its cases assume, a bare kseg machine to run them on, and the listing of a case.
 *
 * diff_unicorn runs each case on kseg and on Unicorn (user-level instructions only: Unicorn
 * models no CP0, TLB or exception entry). diff_tiers runs each case on two of kseg's
 * execution tiers (-accel) and asks the generator for more (gen_options_t.system): CP0
 * moves, TLB writes and probes, ERET, interrupts from the timer, user mode, and stores into
 * the code being run. gen.c's opening note says how sequences are built. */
#ifndef KSEG_TESTS_DIFF_GEN_H
#define KSEG_TESTS_DIFF_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <capstone/capstone.h>

#include "cpu/cpu.h"
#include "mmu/bus.h"

/* ---- Memory layout and limits ---------------------------------------------------------- */

#define RAM_SIZE     0x5000u
#define CODE_PADDR   0x1000u
#define CODE_SIZE    0x2000u
#define DATA_PADDR   0x3000u
#define DATA_SIZE    0x2000u
/* $gp sits 2 KiB into the scratch area: a signed 16-bit offset reaches -2 KiB..+2 KiB, and an
 * index of up to 2 KiB on top of that still stays inside the 8 KiB. */
#define GP_PADDR     (DATA_PADDR + 0x800u)
#define ROM_PADDR    0x1FC00000u
#define ROM_SIZE     0x1000u
#define VECTOR_GENERAL 0xBFC00380u   /* Status.BEV = 1, Status.EXL was 0 */

#define REG_GP       28
#define INSN_WAIT    0x42000020u
#define INSN_END     ((0xE2D5Fu << 6) | 0x0Du)  /* BREAK 0xE2D5F: the end of a sequence */

#define MIN_LEN      8
#define MAX_LEN      40
#define MAX_GROUP    8               /* the longest group of a user-level case */
#define MAX_GROUP_SYSTEM 12          /* ...and of a case with gen_options_t.system */
/* Instructions a case may execute: loops run their body up to four times. Both CPUs stop
 * there, so a runaway shows as a mismatch rather than a hang. */
#define EXEC_BUDGET(len) (8u * (unsigned)(len) + 64u)
#define MAX_INSNS    (MAX_LEN + MAX_GROUP_SYSTEM)

/* Sequence flags, per instruction index (index len is the end address). */
#define SEQ_TARGET   1u   /* a group starts here: branches may land here */
#define SEQ_DELAY    2u   /* the instruction sits in a delay slot */
#define SEQ_BADJUMP  4u   /* ...of a JR/JALR to a misaligned address (in bad_target[]) */
#define SEQ_SIMPLE   8u   /* one instruction from gen_simple that a store may replace by
                           * another (system cases: code that rewrites itself) */

extern const char *const reg_names[32];
/* kseg0, kseg1, kuseg: where code and data are reached from. */
extern const uint32_t segments[3];

/* ---- A test case ------------------------------------------------------------------------- */

enum fix_kind { FIX_BRANCH, FIX_JUMP, FIX_JREG, FIX_JREG_MISALIGNED, FIX_ERET, FIX_SMC };

typedef struct gen_options {
    bool system;     /* also CP0, TLB, ERET, interrupts, user mode, self-modifying code */
} gen_options_t;

typedef struct seq {
    uint32_t code_va;              /* where the first instruction is */
    uint32_t code_pa;
    uint32_t gp;                   /* $gp: the scratch base, in one of the three segments */
    int len;
    uint32_t word[MAX_INSNS];
    uint8_t flags[MAX_INSNS + 1];
    uint8_t keep[MAX_INSNS];       /* per SEQ_SIMPLE word: the register it must not write */
    uint32_t bad_target[MAX_INSNS]; /* per SEQ_BADJUMP delay slot: where its jump goes */
    int nfix;
    struct fixup { int at; enum fix_kind kind; } fix[MAX_INSNS];
    uint32_t gpr[32], hi, lo;      /* the initial state */
    /* System cases only (all zero otherwise: the state cpu_reset leaves). */
    bool system;
    uint32_t status;               /* Status to start with */
    uint32_t entryhi;              /* EntryHi (its ASID) to start with */
    uint32_t compare_in;           /* Compare = Count + compare_in at the start (0: left) */
    tlb_entry_t tlb[TLB_ENTRIES];  /* the TLB to start with: kuseg mapped onto the RAM */
    uint32_t code_pages_max;       /* decoded-code pages before a flush-all (0: default) */
    uint8_t ram[RAM_SIZE];         /* the initial memory image */
} seq_t;

/* Case `index` of `seed`: the same case on every run and every host. */
void generate(seq_t *s, uint64_t seed, uint64_t index, const gen_options_t *opt);
/* Exits with status 2 when the generator broke its own rules (a branch without its delay
 * slot, a branch in one); `prog` names the test in the message. */
void check_sequence(const seq_t *s, uint64_t index, const char *prog);
/* The listing, one instruction a line (capstone), delay slots indented, "=>" at mark_pc. */
void print_sequence(FILE *f, csh cs, const seq_t *s, uint32_t mark_pc);
/* A word disassembled by capstone, or ".word 0x...". */
void disassemble(csh cs, uint32_t word, uint32_t addr, char *text, size_t size);

/* Cause.ExcCode as its manual name; -1 is "none". */
const char *exc_name(int exc);
/* The coprocessor an instruction names when it raises Coprocessor Unusable (Cause.CE). */
int cop_unusable_ce(uint32_t w);

/* ---- A bare kseg: RAM at 0, a ROM of WAITs at the BEV vectors ---------------------------- */

typedef struct kseg {
    bus_t bus;
    uint8_t *ram, *rom;
    cpu_t *cpu;
    uint32_t code_pages_default;   /* bus.code_pages_max as bus_init left it */
} kseg_t;

void kseg_open(kseg_t *k, cpu_accel_t accel);
void kseg_close(kseg_t *k);
/* Parses an -accel name (interp, cached, jit); false when it is none of them. */
bool parse_accel(const char *name, cpu_accel_t *accel);
const char *accel_name(cpu_accel_t accel);

#endif
