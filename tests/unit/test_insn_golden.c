/* Golden per-instruction tests (STYLE.md item 11): a table of (initial state, instruction,
 * final state) replayed on the CPU, one cmocka test per row.
 *
 * Every row starts from the same machine: kernel mode, BEV = 0, registers filled with a
 * pattern that names them (0xC0DE00nn for $n), HI/LO and two data words at DATA_VA set to
 * known values. A row overrides what it needs and lists what must differ afterwards;
 * everything else must be unchanged, so a stray write anywhere fails the row.
 *
 * The word after the instruction (the delay slot of a branch) defaults to MARK_SLOT, which
 * counts in $24, and the word after that to MARK_AFTER, counting in $25: whether a delay
 * slot ran, or was nullified, shows in those two registers.
 *
 * Each row runs twice: in one cpu_run call, and ("/stepped") one cpu_run call per
 * instruction, which must then run exactly one instruction each.
 *
 * Expected values come from the MIPS32 Architecture for Programmers Vol. II (rev. 2.x)
 * instruction pages; where the manual says UNPREDICTABLE, from QEMU's behaviour for the
 * 24Kc (noted on the row). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "unit.h"

typedef struct reg_value {
    uint8_t reg;
    uint32_t value;
} reg_value_t;

/* {0, 0} entries are inert: $0 is always 0 before and always checked to be 0 after. */
#define MAX_REGS 5

typedef struct golden {
    const char *name;
    uint32_t insn;
    uint32_t slot;          /* word at CODE_VA + 4; 0 means MARK_SLOT */
    unsigned steps;         /* instructions to run; 0 means 1 */
    reg_value_t in[MAX_REGS], out[MAX_REGS];
    bool acc;               /* HI/LO are part of the row; otherwise they must not change */
    uint32_t hi, lo, hi_out, lo_out;
    bool mem;               /* the data words are part of the row */
    uint32_t mem_in[2], mem_out[2];
    bool raises;            /* an exception is expected... */
    uint32_t exc;           /* ...with this Cause.ExcCode */
    bool bd;                /* Cause.BD expected */
    uint32_t badvaddr;      /* checked for address errors */
    uint32_t epc;           /* 0: the branch for BD, else the last instruction run */
    uint32_t next_pc;       /* 0: the exception vector, or CODE_VA + 4 * steps */
} golden_t;

#define MARK_SLOT  ADDIU(24, 24, 1)
#define MARK_AFTER ADDIU(25, 25, 1)
#define HI_INIT  0x5A5A5A5Au
#define LO_INIT  0xA5A5A5A5u
#define MEM0_INIT 0x44332211u      /* bytes 11 22 33 44 at DATA_VA */
#define MEM1_INIT 0x88776655u      /* bytes 55 66 77 88 at DATA_VA + 4 */

/* A branch offset of 0x3F lands at CODE_VA + 4 + 0xFC. */
#define OFF  0x3F
#define BT   (CODE_VA + 0x100u)
#define FALL (CODE_VA + 8u)        /* after a branch and its slot, not taken */

static uint32_t initial_reg(unsigned r)
{
    if (r == 0 || r == 24 || r == 25)
        return 0;
    return 0xC0DE0000u + r;
}

#define IN(...)  .in = { __VA_ARGS__ }
#define OUT(...) .out = { __VA_ARGS__ }
#define R(n, v)  { (n), (v) }
#define ACC(h, l, ho, lo_) .acc = true, .hi = (h), .lo = (l), .hi_out = (ho), .lo_out = (lo_)
#define MEM(a, b, ao, bo) .mem = true, .mem_in = { (a), (b) }, .mem_out = { (ao), (bo) }
#define MEM_SAME .mem = true, .mem_in = { MEM0_INIT, MEM1_INIT }, \
                 .mem_out = { MEM0_INIT, MEM1_INIT }
#define RAISES(code) .raises = true, .exc = (code)
#define BASE R(4, DATA_VA)

static const golden_t golden[] = {
    /* ---- LWL/LWR: little-endian, every alignment. $3 starts as AA BB CC DD; memory is
     * 11 22 33 44 | 55 66 77 88. LWL fills the register from the top with the bytes from
     * the aligned word's start up to EA; LWR fills it from the bottom with EA's byte up. */
    { "lwl_b0", LWL(3, 0, 4), IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0x11BBCCDD)) },
    { "lwl_b1", LWL(3, 1, 4), IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0x2211CCDD)) },
    { "lwl_b2", LWL(3, 2, 4), IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0x332211DD)) },
    { "lwl_b3", LWL(3, 3, 4), IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0x44332211)) },
    { "lwr_b0", LWR(3, 0, 4), IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0x44332211)) },
    { "lwr_b1", LWR(3, 1, 4), IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0xAA443322)) },
    { "lwr_b2", LWR(3, 2, 4), IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0xAABB4433)) },
    { "lwr_b3", LWR(3, 3, 4), IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0xAABBCC44)) },
    { "lwl_negative_offset", LWL(3, -7, 4), IN(R(4, DATA_VA + 8), R(3, 0xAABBCCDD)),
      OUT(R(4, DATA_VA + 8), R(3, 0x2211CCDD)) },
    { "lwr_second_word", LWR(3, 5, 4), IN(BASE, R(3, 0xAABBCCDD)),
      OUT(BASE, R(3, 0xAA887766)) },
    /* The classic unaligned load pair: LWR EA, LWL EA + 3 gives the word at DATA_VA + 1. */
    { "lwr_lwl_pair", LWR(3, 1, 4), .slot = LWL(3, 4, 4), .steps = 2,
      IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0x55443322)) },
    { "lwl_to_zero", LWL(0, 1, 4), IN(BASE), OUT(BASE) },

    /* ---- SWL/SWR: the mirror images. $3 = AA BB CC DD. */
    { "swl_b0", SWL(3, 0, 4), IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0xAABBCCDD)),
      MEM(MEM0_INIT, MEM1_INIT, 0x443322AA, MEM1_INIT) },
    { "swl_b1", SWL(3, 1, 4), IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0xAABBCCDD)),
      MEM(MEM0_INIT, MEM1_INIT, 0x4433AABB, MEM1_INIT) },
    { "swl_b2", SWL(3, 2, 4), IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0xAABBCCDD)),
      MEM(MEM0_INIT, MEM1_INIT, 0x44AABBCC, MEM1_INIT) },
    { "swl_b3", SWL(3, 3, 4), IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0xAABBCCDD)),
      MEM(MEM0_INIT, MEM1_INIT, 0xAABBCCDD, MEM1_INIT) },
    { "swr_b0", SWR(3, 0, 4), IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0xAABBCCDD)),
      MEM(MEM0_INIT, MEM1_INIT, 0xAABBCCDD, MEM1_INIT) },
    { "swr_b1", SWR(3, 1, 4), IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0xAABBCCDD)),
      MEM(MEM0_INIT, MEM1_INIT, 0xBBCCDD11, MEM1_INIT) },
    { "swr_b2", SWR(3, 2, 4), IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0xAABBCCDD)),
      MEM(MEM0_INIT, MEM1_INIT, 0xCCDD2211, MEM1_INIT) },
    { "swr_b3", SWR(3, 3, 4), IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0xAABBCCDD)),
      MEM(MEM0_INIT, MEM1_INIT, 0xDD332211, MEM1_INIT) },
    { "swr_swl_pair", SWR(3, 1, 4), .slot = SWL(3, 4, 4), .steps = 2,
      IN(BASE, R(3, 0xAABBCCDD)), OUT(BASE, R(3, 0xAABBCCDD)),
      MEM(MEM0_INIT, MEM1_INIT, 0xBBCCDD11, 0x887766AA) },

    /* ---- Aligned accesses that are not: Address Error, destination and memory kept. */
    { "lw_misaligned", LW(3, 2, 4), IN(BASE), OUT(BASE), RAISES(EXC_ADEL),
      .badvaddr = DATA_VA + 2 },
    { "lh_misaligned", LH(3, 1, 4), IN(BASE), OUT(BASE), RAISES(EXC_ADEL),
      .badvaddr = DATA_VA + 1 },
    { "sw_misaligned", SW(3, 1, 4), IN(BASE), OUT(BASE), MEM_SAME, RAISES(EXC_ADES),
      .badvaddr = DATA_VA + 1 },
    { "sh_misaligned", SH(3, 3, 4), IN(BASE), OUT(BASE), MEM_SAME, RAISES(EXC_ADES),
      .badvaddr = DATA_VA + 3 },
    /* Nothing answers above the 1 MiB of RAM: Bus Error, no BadVAddr (Vol. III 9.14). */
    { "lw_bus_error", LW(3, 0, 4), IN(R(4, KSEG0 + RAM_SIZE)), OUT(R(4, KSEG0 + RAM_SIZE)),
      RAISES(EXC_DBE) },
    { "sw_bus_error", SW(3, 0x10, 4), IN(R(4, KSEG0 + RAM_SIZE)),
      OUT(R(4, KSEG0 + RAM_SIZE)), RAISES(EXC_DBE) },
    { "lb_sign", LB(3, 7, 4), IN(BASE), OUT(BASE, R(3, 0xFFFFFF88)) },
    { "lbu_zero", LBU(3, 7, 4), IN(BASE), OUT(BASE, R(3, 0x00000088)) },
    { "lh_sign", LH(3, 6, 4), IN(BASE), OUT(BASE, R(3, 0xFFFF8877)) },
    { "lhu_zero", LHU(3, 6, 4), IN(BASE), OUT(BASE, R(3, 0x00008877)) },
    { "sb", SB(3, 2, 4), IN(BASE, R(3, 0x123456EE)), OUT(BASE, R(3, 0x123456EE)),
      MEM(MEM0_INIT, MEM1_INIT, 0x44EE2211, MEM1_INIT) },
    { "sh", SH(3, 6, 4), IN(BASE, R(3, 0x1234BEEF)), OUT(BASE, R(3, 0x1234BEEF)),
      MEM(MEM0_INIT, MEM1_INIT, MEM0_INIT, 0xBEEF6655) },

    /* ---- Overflow traps: Integer Overflow (12), destination unchanged. */
    { "add_overflow_positive", ADD(3, 1, 2), IN(R(1, 0x7FFFFFFF), R(2, 1)),
      OUT(R(1, 0x7FFFFFFF), R(2, 1)), RAISES(EXC_OV) },
    { "add_overflow_negative", ADD(3, 1, 2), IN(R(1, 0x80000000), R(2, 0xFFFFFFFF)),
      OUT(R(1, 0x80000000), R(2, 0xFFFFFFFF)), RAISES(EXC_OV) },
    { "add_no_overflow", ADD(3, 1, 2), IN(R(1, 0x7FFFFFFF), R(2, 0x80000000)),
      OUT(R(1, 0x7FFFFFFF), R(2, 0x80000000), R(3, 0xFFFFFFFF)) },
    { "add_overflow_to_zero_still_traps", ADD(0, 1, 2), IN(R(1, 0x7FFFFFFF), R(2, 1)),
      OUT(R(1, 0x7FFFFFFF), R(2, 1)), RAISES(EXC_OV) },
    { "addi_overflow", ADDI(3, 1, 1), IN(R(1, 0x7FFFFFFF)), OUT(R(1, 0x7FFFFFFF)),
      RAISES(EXC_OV) },
    { "addi_overflow_negative_imm", ADDI(3, 1, 0xFFFF), IN(R(1, 0x80000000)),
      OUT(R(1, 0x80000000)), RAISES(EXC_OV) },
    { "addi_overflow_same_reg", ADDI(1, 1, 0x7FFF), IN(R(1, 0x7FFFFFFF)),
      OUT(R(1, 0x7FFFFFFF)), RAISES(EXC_OV) },
    { "addi_negative_imm", ADDI(3, 1, 0xFFF9), IN(R(1, 5)), OUT(R(1, 5), R(3, 0xFFFFFFFE)) },
    { "sub_overflow_min_minus_one", SUB(3, 1, 2), IN(R(1, 0x80000000), R(2, 1)),
      OUT(R(1, 0x80000000), R(2, 1)), RAISES(EXC_OV) },
    { "sub_overflow_max_minus_minus_one", SUB(3, 1, 2), IN(R(1, 0x7FFFFFFF), R(2, 0xFFFFFFFF)),
      OUT(R(1, 0x7FFFFFFF), R(2, 0xFFFFFFFF)), RAISES(EXC_OV) },
    { "sub_overflow_zero_minus_min", SUB(3, 1, 2), IN(R(1, 0), R(2, 0x80000000)),
      OUT(R(1, 0), R(2, 0x80000000)), RAISES(EXC_OV) },
    { "sub_no_overflow", SUB(3, 1, 2), IN(R(1, 0xFFFFFFFF), R(2, 0x80000000)),
      OUT(R(1, 0xFFFFFFFF), R(2, 0x80000000), R(3, 0x7FFFFFFF)) },
    { "addu_wraps", ADDU(3, 1, 2), IN(R(1, 0x7FFFFFFF), R(2, 1)),
      OUT(R(1, 0x7FFFFFFF), R(2, 1), R(3, 0x80000000)) },
    { "addiu_wraps", ADDIU(3, 1, 1), IN(R(1, 0x7FFFFFFF)), OUT(R(1, 0x7FFFFFFF), R(3, 0x80000000)) },
    { "subu_wraps", SUBU(3, 1, 2), IN(R(1, 0x80000000), R(2, 1)),
      OUT(R(1, 0x80000000), R(2, 1), R(3, 0x7FFFFFFF)) },

    /* ---- Branch-likely: the delay slot runs only when the branch is taken. */
    { "beql_taken", BEQL(1, 2, OFF), .steps = 2, IN(R(1, 5), R(2, 5)),
      OUT(R(1, 5), R(2, 5), R(24, 1)), .next_pc = BT },
    { "beql_not_taken", BEQL(1, 2, OFF), IN(R(1, 5), R(2, 6)), OUT(R(1, 5), R(2, 6)),
      .next_pc = FALL },
    { "beql_not_taken_runs_next", BEQL(1, 2, OFF), .steps = 2, IN(R(1, 5), R(2, 6)),
      OUT(R(1, 5), R(2, 6), R(25, 1)), .next_pc = FALL + 4 },
    { "bnel_taken", BNEL(1, 2, OFF), .steps = 2, IN(R(1, 5), R(2, 6)),
      OUT(R(1, 5), R(2, 6), R(24, 1)), .next_pc = BT },
    { "bnel_not_taken", BNEL(1, 2, OFF), .steps = 2, IN(R(1, 5), R(2, 5)),
      OUT(R(1, 5), R(2, 5), R(25, 1)), .next_pc = FALL + 4 },
    { "blezl_taken", BLEZL(1, OFF), .steps = 2, IN(R(1, 0)), OUT(R(24, 1)), .next_pc = BT },
    { "blezl_not_taken", BLEZL(1, OFF), .steps = 2, IN(R(1, 1)), OUT(R(1, 1), R(25, 1)),
      .next_pc = FALL + 4 },
    { "bgtzl_taken", BGTZL(1, OFF), .steps = 2, IN(R(1, 1)), OUT(R(1, 1), R(24, 1)),
      .next_pc = BT },
    { "bgtzl_not_taken", BGTZL(1, OFF), .steps = 2, IN(R(1, 0x80000000)),
      OUT(R(1, 0x80000000), R(25, 1)), .next_pc = FALL + 4 },
    { "bltzl_taken", BLTZL(1, OFF), .steps = 2, IN(R(1, 0x80000000)),
      OUT(R(1, 0x80000000), R(24, 1)), .next_pc = BT },
    { "bltzl_not_taken", BLTZL(1, OFF), .steps = 2, IN(R(1, 0)), OUT(R(25, 1)),
      .next_pc = FALL + 4 },
    { "bgezl_taken", BGEZL(1, OFF), .steps = 2, IN(R(1, 0)), OUT(R(24, 1)), .next_pc = BT },
    { "bgezl_not_taken", BGEZL(1, OFF), .steps = 2, IN(R(1, 0xFFFFFFFF)),
      OUT(R(1, 0xFFFFFFFF), R(25, 1)), .next_pc = FALL + 4 },
    /* The -AL likely forms link whether or not the branch is taken. */
    { "bltzall_not_taken_links", BLTZALL(1, OFF), .steps = 2, IN(R(1, 1)),
      OUT(R(1, 1), R(31, FALL), R(25, 1)), .next_pc = FALL + 4 },
    { "bgezall_taken_links", BGEZALL(1, OFF), .steps = 2, IN(R(1, 1)),
      OUT(R(1, 1), R(31, FALL), R(24, 1)), .next_pc = BT },
    /* Ordinary branches run their slot either way. */
    { "beq_not_taken_runs_slot", BEQ(1, 2, OFF), .steps = 2, IN(R(1, 5), R(2, 6)),
      OUT(R(1, 5), R(2, 6), R(24, 1)), .next_pc = FALL },
    { "beq_taken_backwards", BEQ(0, 0, 0xFFFF), .steps = 2, OUT(R(24, 1)),
      .next_pc = CODE_VA },
    { "bltzal_not_taken_links", BLTZAL(1, OFF), .steps = 2, IN(R(1, 0)),
      OUT(R(31, FALL), R(24, 1)), .next_pc = FALL },
    { "bgez_taken", BGEZ(1, OFF), .steps = 2, IN(R(1, 0x7FFFFFFF)),
      OUT(R(1, 0x7FFFFFFF), R(24, 1)), .next_pc = BT },
    { "bltz_not_taken", BLTZ(1, OFF), .steps = 2, IN(R(1, 0x7FFFFFFF)),
      OUT(R(1, 0x7FFFFFFF), R(24, 1)), .next_pc = FALL },
    { "bgtz_zero_not_taken", BGTZ(1, OFF), .steps = 2, IN(R(1, 0)), OUT(R(24, 1)),
      .next_pc = FALL },
    { "blez_negative_taken", BLEZ(1, OFF), .steps = 2, IN(R(1, 0x80000000)),
      OUT(R(1, 0x80000000), R(24, 1)), .next_pc = BT },

    /* ---- Jumps. JALR links into any rd; J/JAL keep the region of the delay slot. */
    { "jalr_rd_not_31", JALR(5, 6), .steps = 2, IN(R(6, BT)), OUT(R(6, BT), R(5, FALL),
      R(24, 1)), .next_pc = BT },
    { "jalr_rd_zero", JALR(0, 6), .steps = 2, IN(R(6, BT)), OUT(R(6, BT), R(24, 1)),
      .next_pc = BT },
    { "jalr_ra", JALR(31, 6), .steps = 2, IN(R(6, BT)), OUT(R(6, BT), R(31, FALL), R(24, 1)),
      .next_pc = BT },
    { "jr", JR(6), .steps = 2, IN(R(6, 0x80004000)), OUT(R(6, 0x80004000), R(24, 1)),
      .next_pc = 0x80004000 },
    { "jal", JAL(0x80040000), .steps = 2, OUT(R(31, FALL), R(24, 1)), .next_pc = 0x80040000 },
    { "j", J(0x800FFFFC), .steps = 2, OUT(R(24, 1)), .next_pc = 0x800FFFFC },

    /* ---- MADD/MSUB and the unsigned forms: 64-bit accumulate with carries and borrows
     * between LO and HI. */
    { "madd_carry_into_hi", MADD(1, 2), IN(R(1, 1), R(2, 1)), OUT(R(1, 1), R(2, 1)),
      ACC(0x00000000, 0xFFFFFFFF, 0x00000001, 0x00000000) },
    { "madd_negative_product", MADD(1, 2), IN(R(1, 0xFFFFFFFF), R(2, 1)),
      OUT(R(1, 0xFFFFFFFF), R(2, 1)), ACC(0, 0, 0xFFFFFFFF, 0xFFFFFFFF) },
    { "madd_borrow_from_hi", MADD(1, 2), IN(R(1, 0xFFFFFFFF), R(2, 1)),
      OUT(R(1, 0xFFFFFFFF), R(2, 1)), ACC(0x00000001, 0x00000000, 0x00000000, 0xFFFFFFFF) },
    { "madd_signed_operands", MADD(1, 2), IN(R(1, 0xFFFFFFFF), R(2, 0xFFFFFFFF)),
      OUT(R(1, 0xFFFFFFFF), R(2, 0xFFFFFFFF)), ACC(0, 0, 0, 1) },
    { "madd_large", MADD(1, 2), IN(R(1, 0x7FFFFFFF), R(2, 0x7FFFFFFF)),
      OUT(R(1, 0x7FFFFFFF), R(2, 0x7FFFFFFF)), ACC(0, 0xFFFFFFFF, 0x40000000, 0x00000000) },
    { "maddu_carry_into_hi", MADDU(1, 2), IN(R(1, 1), R(2, 1)), OUT(R(1, 1), R(2, 1)),
      ACC(0x00000000, 0xFFFFFFFF, 0x00000001, 0x00000000) },
    { "maddu_unsigned_operands_wrap", MADDU(1, 2), IN(R(1, 0xFFFFFFFF), R(2, 0xFFFFFFFF)),
      OUT(R(1, 0xFFFFFFFF), R(2, 0xFFFFFFFF)), ACC(0x00000001, 0xFFFFFFFF, 0, 0) },
    { "msub_borrow_from_hi", MSUB(1, 2), IN(R(1, 1), R(2, 1)), OUT(R(1, 1), R(2, 1)),
      ACC(0x00000001, 0x00000000, 0x00000000, 0xFFFFFFFF) },
    { "msub_below_zero", MSUB(1, 2), IN(R(1, 1), R(2, 1)), OUT(R(1, 1), R(2, 1)),
      ACC(0, 0, 0xFFFFFFFF, 0xFFFFFFFF) },
    { "msub_negative_product", MSUB(1, 2), IN(R(1, 0xFFFFFFFF), R(2, 1)),
      OUT(R(1, 0xFFFFFFFF), R(2, 1)), ACC(0, 0, 0, 1) },
    { "msubu_unsigned_operands", MSUBU(1, 2), IN(R(1, 0xFFFFFFFF), R(2, 0xFFFFFFFF)),
      OUT(R(1, 0xFFFFFFFF), R(2, 0xFFFFFFFF)), ACC(0, 0, 0x00000001, 0xFFFFFFFF) },
    { "msubu_times_two", MSUBU(1, 2), IN(R(1, 0xFFFFFFFF), R(2, 2)),
      OUT(R(1, 0xFFFFFFFF), R(2, 2)), ACC(0, 0, 0xFFFFFFFE, 0x00000002) },
    { "msubu_borrow_from_hi", MSUBU(1, 2), IN(R(1, 1), R(2, 1)), OUT(R(1, 1), R(2, 1)),
      ACC(0x00000001, 0x00000000, 0x00000000, 0xFFFFFFFF) },
    { "mult_signed", MULT(1, 2), IN(R(1, 0xFFFFFFFE), R(2, 3)),
      OUT(R(1, 0xFFFFFFFE), R(2, 3)), ACC(0, 0, 0xFFFFFFFF, 0xFFFFFFFA) },
    { "multu_unsigned", MULTU(1, 2), IN(R(1, 0xFFFFFFFF), R(2, 2)),
      OUT(R(1, 0xFFFFFFFF), R(2, 2)), ACC(0, 0, 0x00000001, 0xFFFFFFFE) },
    { "mul_low_word", MUL(3, 1, 2), IN(R(1, 0x00010001), R(2, 0xFFFFFFFF)),
      OUT(R(1, 0x00010001), R(2, 0xFFFFFFFF), R(3, 0xFFFEFFFF)) },
    { "mfhi_mflo", MFHI(3), .slot = MFLO(5), .steps = 2, OUT(R(3, HI_INIT), R(5, LO_INIT)) },
    { "mthi_mtlo", MTHI(1), .slot = MTLO(2), .steps = 2, IN(R(1, 0x11111111), R(2, 0x22222222)),
      OUT(R(1, 0x11111111), R(2, 0x22222222)), ACC(HI_INIT, LO_INIT, 0x11111111, 0x22222222) },

    /* ---- EXT/INS corners ($1 = 0x89ABCDEF, $3 = 0x12345678). */
    { "ext_whole_word", EXT(3, 1, 0, 32), IN(R(1, 0x89ABCDEF), R(3, 0x12345678)),
      OUT(R(1, 0x89ABCDEF), R(3, 0x89ABCDEF)) },
    { "ext_top_bit", EXT(3, 1, 31, 1), IN(R(1, 0x89ABCDEF), R(3, 0x12345678)),
      OUT(R(1, 0x89ABCDEF), R(3, 1)) },
    { "ext_bottom_bit", EXT(3, 1, 0, 1), IN(R(1, 0x89ABCDEF), R(3, 0x12345678)),
      OUT(R(1, 0x89ABCDEF), R(3, 1)) },
    { "ext_middle_byte", EXT(3, 1, 4, 8), IN(R(1, 0x89ABCDEF), R(3, 0x12345678)),
      OUT(R(1, 0x89ABCDEF), R(3, 0xDE)) },
    { "ext_high_half", EXT(3, 1, 16, 16), IN(R(1, 0x89ABCDEF), R(3, 0x12345678)),
      OUT(R(1, 0x89ABCDEF), R(3, 0x89AB)) },
    { "ext_pos1_size31", EXT(3, 1, 1, 31), IN(R(1, 0x89ABCDEF), R(3, 0x12345678)),
      OUT(R(1, 0x89ABCDEF), R(3, 0x44D5E6F7)) },
    { "ext_to_zero", EXT(0, 1, 0, 32), IN(R(1, 0x89ABCDEF)), OUT(R(1, 0x89ABCDEF)) },
    { "ins_whole_word", INS(3, 1, 0, 32), IN(R(1, 0x89ABCDEF), R(3, 0x12345678)),
      OUT(R(1, 0x89ABCDEF), R(3, 0x89ABCDEF)) },
    { "ins_top_bit", INS(3, 1, 31, 1), IN(R(1, 0x89ABCDEF), R(3, 0x12345678)),
      OUT(R(1, 0x89ABCDEF), R(3, 0x92345678)) },
    { "ins_bottom_bit", INS(3, 1, 0, 1), IN(R(1, 0x89ABCDEF), R(3, 0x12345678)),
      OUT(R(1, 0x89ABCDEF), R(3, 0x12345679)) },
    { "ins_middle_byte", INS(3, 1, 4, 8), IN(R(1, 0x89ABCDEF), R(3, 0x12345678)),
      OUT(R(1, 0x89ABCDEF), R(3, 0x12345EF8)) },
    { "ins_high_half", INS(3, 1, 16, 16), IN(R(1, 0x89ABCDEF), R(3, 0x12345678)),
      OUT(R(1, 0x89ABCDEF), R(3, 0xCDEF5678)) },
    { "ins_clears_field", INS(3, 0, 8, 8), IN(R(3, 0xFFFFFFFF)), OUT(R(3, 0xFFFF00FF)) },
    { "ins_to_zero", INS(0, 1, 0, 32), IN(R(1, 0x89ABCDEF)), OUT(R(1, 0x89ABCDEF)) },
    { "wsbh", WSBH(3, 1), IN(R(1, 0x11223344)), OUT(R(1, 0x11223344), R(3, 0x22114433)) },
    { "seb", SEB(3, 1), IN(R(1, 0x12345680)), OUT(R(1, 0x12345680), R(3, 0xFFFFFF80)) },
    { "seh", SEH(3, 1), IN(R(1, 0x12347FFF)), OUT(R(1, 0x12347FFF), R(3, 0x00007FFF)) },
    { "rotr", ROTR(3, 1, 8), IN(R(1, 0x11223344)), OUT(R(1, 0x11223344), R(3, 0x44112233)) },
    { "rotr_zero", ROTR(3, 1, 0), IN(R(1, 0x11223344)), OUT(R(1, 0x11223344), R(3, 0x11223344)) },
    { "rotrv_masks_amount", ROTRV(3, 1, 2), IN(R(1, 0x11223344), R(2, 0xFFFFFFE4)),
      OUT(R(1, 0x11223344), R(2, 0xFFFFFFE4), R(3, 0x41122334)) },
    { "sra", SRA(3, 1, 4), IN(R(1, 0x80000010)), OUT(R(1, 0x80000010), R(3, 0xF8000001)) },
    { "srav_masks_amount", SRAV(3, 1, 2), IN(R(1, 0x80000000), R(2, 33)),
      OUT(R(1, 0x80000000), R(2, 33), R(3, 0xC0000000)) },
    { "srlv_masks_amount", SRLV(3, 1, 2), IN(R(1, 0x80000000), R(2, 63)),
      OUT(R(1, 0x80000000), R(2, 63), R(3, 1)) },

    /* ---- DIV/DIVU: quotient in LO truncated toward zero, remainder in HI with the sign of
     * the dividend. INT_MIN / -1 and division by zero are UNPREDICTABLE; QEMU divides by 1
     * then (LO = dividend, HI = 0), which for INT_MIN / -1 is also the wrapped quotient. */
    { "div_pos_by_neg", DIV(1, 2), IN(R(1, 7), R(2, 0xFFFFFFFE)),
      OUT(R(1, 7), R(2, 0xFFFFFFFE)), ACC(0, 0, 1, 0xFFFFFFFD) },
    { "div_neg_by_pos", DIV(1, 2), IN(R(1, 0xFFFFFFF9), R(2, 2)),
      OUT(R(1, 0xFFFFFFF9), R(2, 2)), ACC(0, 0, 0xFFFFFFFF, 0xFFFFFFFD) },
    { "div_int_min_by_minus_one", DIV(1, 2), IN(R(1, 0x80000000), R(2, 0xFFFFFFFF)),
      OUT(R(1, 0x80000000), R(2, 0xFFFFFFFF)), ACC(HI_INIT, LO_INIT, 0, 0x80000000) },
    { "div_by_zero_qemu", DIV(1, 2), IN(R(1, 7), R(2, 0)), OUT(R(1, 7)),
      ACC(HI_INIT, LO_INIT, 0, 7) },
    { "divu_big", DIVU(1, 2), IN(R(1, 0xFFFFFFFF), R(2, 2)), OUT(R(1, 0xFFFFFFFF), R(2, 2)),
      ACC(0, 0, 1, 0x7FFFFFFF) },
    { "divu_unsigned_divisor", DIVU(1, 2), IN(R(1, 0x80000000), R(2, 0xFFFFFFFF)),
      OUT(R(1, 0x80000000), R(2, 0xFFFFFFFF)), ACC(0, 0, 0x80000000, 0) },
    { "divu_by_zero_qemu", DIVU(1, 2), IN(R(1, 0xFFFFFFF0), R(2, 0)), OUT(R(1, 0xFFFFFFF0)),
      ACC(HI_INIT, LO_INIT, 0, 0xFFFFFFF0) },

    /* ---- Set-on-less-than: SLTIU sign-extends its immediate, then compares unsigned. */
    { "sltiu_minus_one", SLTIU(3, 1, 0xFFFF), IN(R(1, 5)), OUT(R(1, 5), R(3, 1)) },
    { "sltiu_minus_one_vs_max", SLTIU(3, 1, 0xFFFF), IN(R(1, 0xFFFFFFFF)),
      OUT(R(1, 0xFFFFFFFF), R(3, 0)) },
    { "sltiu_0x8000_is_huge", SLTIU(3, 1, 0x8000), IN(R(1, 0x7FFF)), OUT(R(1, 0x7FFF), R(3, 1)) },
    { "sltiu_0x8000_equal", SLTIU(3, 1, 0x8000), IN(R(1, 0xFFFF8000)),
      OUT(R(1, 0xFFFF8000), R(3, 0)) },
    { "slti_signed", SLTI(3, 1, 0xFFFC), IN(R(1, 0xFFFFFFFB)), OUT(R(1, 0xFFFFFFFB), R(3, 1)) },
    { "slti_max_vs_minus_one", SLTI(3, 1, 0xFFFF), IN(R(1, 0x7FFFFFFF)),
      OUT(R(1, 0x7FFFFFFF), R(3, 0)) },
    { "sltu_vs_slt", SLTU(3, 1, 2), .slot = SLT(5, 1, 2), .steps = 2,
      IN(R(1, 0xFFFFFFFF), R(2, 1)), OUT(R(1, 0xFFFFFFFF), R(2, 1), R(3, 0), R(5, 1)) },
    { "andi_zero_extends", ANDI(3, 1, 0x8001), IN(R(1, 0xFFFFFFFF)),
      OUT(R(1, 0xFFFFFFFF), R(3, 0x8001)) },
    { "ori_zero_extends", ORI(3, 0, 0x8000), OUT(R(3, 0x8000)) },
    { "xori_zero_extends", XORI(3, 1, 0xFFFF), IN(R(1, 0xF0F0F0F0)),
      OUT(R(1, 0xF0F0F0F0), R(3, 0xF0F00F0F)) },
    { "lui", LUI(3, 0x8001), OUT(R(3, 0x80010000)) },
    { "nor", NOR(3, 1, 2), IN(R(1, 0xF0F00000), R(2, 0x0000F0F0)),
      OUT(R(1, 0xF0F00000), R(2, 0x0000F0F0), R(3, 0x0F0F0F0F)) },
    { "movz_moves", MOVZ(3, 1, 2), IN(R(1, 0x1234), R(2, 0)), OUT(R(1, 0x1234), R(3, 0x1234)) },
    { "movz_keeps", MOVZ(3, 1, 2), IN(R(1, 0x1234), R(2, 1)), OUT(R(1, 0x1234), R(2, 1)) },
    { "movn_moves", MOVN(3, 1, 2), IN(R(1, 0x1234), R(2, 1)),
      OUT(R(1, 0x1234), R(2, 1), R(3, 0x1234)) },

    /* ---- CLZ/CLO at the ends. */
    { "clz_zero", CLZ(3, 1), IN(R(1, 0)), OUT(R(3, 32)) },
    { "clz_all_ones", CLZ(3, 1), IN(R(1, 0xFFFFFFFF)), OUT(R(1, 0xFFFFFFFF), R(3, 0)) },
    { "clz_one", CLZ(3, 1), IN(R(1, 1)), OUT(R(1, 1), R(3, 31)) },
    { "clz_bit23", CLZ(3, 1), IN(R(1, 0x00800000)), OUT(R(1, 0x00800000), R(3, 8)) },
    { "clo_all_ones", CLO(3, 1), IN(R(1, 0xFFFFFFFF)), OUT(R(1, 0xFFFFFFFF), R(3, 32)) },
    { "clo_zero", CLO(3, 1), IN(R(1, 0)), OUT(R(3, 0)) },
    { "clo_high_half", CLO(3, 1), IN(R(1, 0xFFFF0000)), OUT(R(1, 0xFFFF0000), R(3, 16)) },
    { "clo_top_bit", CLO(3, 1), IN(R(1, 0x80000000)), OUT(R(1, 0x80000000), R(3, 1)) },

    /* ---- Writes to $zero are discarded, whatever writes them. */
    { "zero_addiu", ADDIU(0, 1, 5), IN(R(1, 7)), OUT(R(1, 7)) },
    { "zero_addu", ADDU(0, 1, 2), IN(R(1, 7), R(2, 8)), OUT(R(1, 7), R(2, 8)) },
    { "zero_lui", LUI(0, 0x1234), .steps = 1 },
    { "zero_lw", LW(0, 0, 4), IN(BASE), OUT(BASE) },
    { "zero_ll", LL(0, 0, 4), IN(BASE), OUT(BASE) },
    { "zero_mfhi", MFHI(0), .steps = 1 },
    { "zero_mul", MUL(0, 1, 2), IN(R(1, 3), R(2, 4)), OUT(R(1, 3), R(2, 4)) },
    { "zero_clz", CLZ(0, 1), IN(R(1, 0)) },
    { "zero_sll", SLL(0, 1, 4), IN(R(1, 1)), OUT(R(1, 1)) },
    { "zero_movn", MOVN(0, 1, 2), IN(R(1, 9), R(2, 1)), OUT(R(1, 9), R(2, 1)) },
    { "zero_mfc0", MFC0(0, 15, 0), .steps = 1 },
    { "zero_rdhwr", RDHWR(0, 1), .steps = 1 },
    { "zero_di", DI(0), .steps = 1 },
    { "zero_seb", SEB(0, 1), IN(R(1, 0xFF)), OUT(R(1, 0xFF)) },
    { "zero_jal_link_only_to_31", JAL(0x80040000), .steps = 2, OUT(R(31, FALL), R(24, 1)),
      .next_pc = 0x80040000 },
    /* SC with no LL before it fails: no store, and the 0 result is dropped. */
    { "zero_sc_fails", SC(0, 0, 4), IN(BASE), OUT(BASE), MEM_SAME },
    { "ll_sc_pair", LL(3, 0, 4), .slot = SC(5, 0, 4), .steps = 2,
      IN(BASE, R(5, 0xFEEDFACE)), OUT(BASE, R(3, MEM0_INIT), R(5, 1)),
      MEM(MEM0_INIT, MEM1_INIT, 0xFEEDFACE, MEM1_INIT) },
    { "rdhwr_synci_step", RDHWR(3, 1), OUT(R(3, 32)) },
    { "rdhwr_ccres", RDHWR(3, 3), OUT(R(3, 2)) },

    /* ---- Exceptions in a delay slot: EPC is the branch, Cause.BD set; the branch's own
     * effects (the link) stay. */
    { "slot_overflow_taken", BEQ(0, 0, OFF), .slot = ADD(3, 1, 2), .steps = 2,
      IN(R(1, 0x7FFFFFFF), R(2, 1)), OUT(R(1, 0x7FFFFFFF), R(2, 1)), RAISES(EXC_OV),
      .bd = true },
    { "slot_overflow_not_taken", BNE(0, 0, OFF), .slot = ADD(3, 1, 2), .steps = 2,
      IN(R(1, 0x7FFFFFFF), R(2, 1)), OUT(R(1, 0x7FFFFFFF), R(2, 1)), RAISES(EXC_OV),
      .bd = true },
    { "slot_overflow_likely_taken", BEQL(0, 0, OFF), .slot = ADDI(3, 1, 1), .steps = 2,
      IN(R(1, 0x7FFFFFFF)), OUT(R(1, 0x7FFFFFFF)), RAISES(EXC_OV), .bd = true },
    { "slot_address_error_after_jal", JAL(0x80040000), .slot = LW(3, 2, 4), .steps = 2,
      IN(BASE), OUT(BASE, R(31, FALL)), RAISES(EXC_ADEL), .bd = true,
      .badvaddr = DATA_VA + 2 },
    { "slot_syscall_after_jr", JR(6), .slot = SYSCALL, .steps = 2, IN(R(6, BT)),
      OUT(R(6, BT)), RAISES(EXC_SYS), .bd = true },
    { "slot_trap_after_jalr", JALR(7, 6), .slot = TEQ(0, 0), .steps = 2, IN(R(6, BT)),
      OUT(R(6, BT), R(7, FALL)), RAISES(EXC_TR), .bd = true },

    /* ---- Other exceptions, not in a slot. */
    { "syscall", SYSCALL, RAISES(EXC_SYS) },
    { "break", BREAK, RAISES(EXC_BP) },
    { "teq_traps", TEQ(1, 2), IN(R(1, 3), R(2, 3)), OUT(R(1, 3), R(2, 3)), RAISES(EXC_TR) },
    { "teq_no_trap", TEQ(1, 2), IN(R(1, 3), R(2, 4)), OUT(R(1, 3), R(2, 4)) },
    { "reserved_opcode", 0x18u << 26, RAISES(EXC_RI) },
    { "rdhwr_ulr_reserved", RDHWR(3, 29), RAISES(EXC_RI) },
    /* A jump to a misaligned address faults on the fetch: EPC and BadVAddr are the target
     * (Vol. III 6.2.9), not the jump, and BD is clear. */
    { "jr_misaligned_target", JR(6), .steps = 3, IN(R(6, CODE_VA + 0x102)),
      OUT(R(6, CODE_VA + 0x102), R(24, 1)), RAISES(EXC_ADEL), .badvaddr = CODE_VA + 0x102,
      .epc = CODE_VA + 0x102 },
    { "jr_to_nothing", JR(6), .steps = 3, IN(R(6, KSEG0 + RAM_SIZE)),
      OUT(R(6, KSEG0 + RAM_SIZE), R(24, 1)), RAISES(EXC_IBE), .epc = KSEG0 + RAM_SIZE },
};

#define N_GOLDEN (sizeof(golden) / sizeof(golden[0]))

/* The machine of the running test, freed by the teardown even when an assertion fails. */
static machine_t *live;

static machine_t *new_machine(void)
{
    live = machine_new();
    return live;
}

static void done(machine_t *m)
{
    machine_free(m);
    live = NULL;
}

static int free_live(void **state)
{
    (void)state;
    if (live)
        done(live);
    return 0;
}

/* Runs a row in one cpu_run call, or (single_step) one cpu_run call per instruction, so
 * that every slice boundary, including the one between a branch and its slot, is crossed. */
static void run_row(const golden_t *g, bool single_step)
{
    machine_t *m = new_machine();
    cpu_t *cpu = m->cpu;
    unsigned steps = g->steps ? g->steps : 1;

    uint32_t code[3] = { g->insn, g->slot ? g->slot : MARK_SLOT, MARK_AFTER };
    machine_load(m, CODE_VA, code, 3);
    machine_poke(m, DATA_VA, g->mem ? g->mem_in[0] : MEM0_INIT);
    machine_poke(m, DATA_VA + 4, g->mem ? g->mem_in[1] : MEM1_INIT);

    uint32_t expect[32];
    for (unsigned r = 0; r < 32; r++)
        cpu->gpr[r] = expect[r] = initial_reg(r);
    for (unsigned i = 0; i < MAX_REGS; i++)
        cpu->gpr[g->in[i].reg] = expect[g->in[i].reg] = g->in[i].value;
    for (unsigned i = 0; i < MAX_REGS; i++)
        expect[g->out[i].reg] = g->out[i].value;
    cpu->hi = g->acc ? g->hi : HI_INIT;
    cpu->lo = g->acc ? g->lo : LO_INIT;

    if (single_step) {
        for (unsigned i = 0; i < steps; i++) {
            uint64_t before = cpu->icount;
            machine_step(m, 1);
            if (cpu->icount != before + 1)
                fail_msg("%s: step %u ran %llu instructions", g->name, i + 1,
                         (unsigned long long)(cpu->icount - before));
        }
    } else {
        machine_step(m, steps);
    }

    for (unsigned r = 0; r < 32; r++) {
        if (cpu->gpr[r] != expect[r])
            fail_msg("%s: $%u = 0x%08x, expected 0x%08x", g->name, r, cpu->gpr[r], expect[r]);
    }
    assert_int_equal(cpu->hi, g->acc ? g->hi_out : HI_INIT);
    assert_int_equal(cpu->lo, g->acc ? g->lo_out : LO_INIT);
    assert_int_equal(machine_peek(m, DATA_VA), g->mem ? g->mem_out[0] : MEM0_INIT);
    assert_int_equal(machine_peek(m, DATA_VA + 4), g->mem ? g->mem_out[1] : MEM1_INIT);

    if (g->raises) {
        assert_true(cpu->cp0.status & ST_EXL);
        assert_int_equal(cause_exccode(cpu), g->exc);
        assert_int_equal(!!(cpu->cp0.cause & CAUSE_BD), g->bd);
        /* In a delay slot EPC names the branch, which is always the first word. */
        uint32_t epc = g->epc ? g->epc : g->bd ? CODE_VA : CODE_VA + 4 * (steps - 1);
        assert_int_equal(cpu->cp0.epc, epc);
        if (g->exc == EXC_ADEL || g->exc == EXC_ADES)
            assert_int_equal(cpu->cp0.badvaddr, g->badvaddr);
        assert_int_equal(cpu->pc, g->next_pc ? g->next_pc : EXC_VECTOR);
    } else {
        if (cpu->cp0.status & ST_EXL)
            fail_msg("%s: unexpected exception, ExcCode %u", g->name, cause_exccode(cpu));
        assert_int_equal(cpu->pc, g->next_pc ? g->next_pc : CODE_VA + 4 * steps);
    }
    done(m);
}

static void run_golden(void **state) { run_row(*state, false); }
static void run_golden_stepped(void **state) { run_row(*state, true); }

/* ---- Exception details the table does not express ------------------------------------ */

/* An exception outside a delay slot clears a BD left over from an earlier one. */
static void test_exception_clears_bd(void **state)
{
    (void)state;
    machine_t *m = new_machine();
    m->cpu->cp0.cause |= CAUSE_BD;
    machine_poke(m, CODE_VA, SYSCALL);
    machine_step(m, 1);
    assert_int_equal(cause_exccode(m->cpu), EXC_SYS);
    assert_false(m->cpu->cp0.cause & CAUSE_BD);
    assert_int_equal(m->cpu->cp0.epc, CODE_VA);
    done(m);
}

/* With Status.EXL already set, EPC and BD are left alone and even a TLB refill goes to the
 * general vector (MIPS32 Vol. III, 6.2.1 "General Exception Processing"). */
static void test_exception_with_exl_keeps_epc(void **state)
{
    (void)state;
    machine_t *m = new_machine();
    cp0_write(m->cpu, 12, 0, ST_EXL);
    cp0_write(m->cpu, 14, 0, 0x12345678);
    uint32_t code[] = { BEQ(0, 0, OFF), SYSCALL };
    machine_load(m, CODE_VA, code, 2);
    machine_step(m, 2);
    assert_int_equal(cause_exccode(m->cpu), EXC_SYS);
    assert_int_equal(m->cpu->cp0.epc, 0x12345678);
    assert_false(m->cpu->cp0.cause & CAUSE_BD);
    assert_int_equal(m->cpu->pc, EXC_VECTOR);

    /* A load from kuseg with no TLB entry: a refill, but EXL sends it to +0x180. */
    done(m);
    m = new_machine();
    cp0_write(m->cpu, 12, 0, ST_EXL);
    m->cpu->gpr[4] = 0x00400000;
    machine_poke(m, CODE_VA, LW(3, 0, 4));
    machine_step(m, 1);
    assert_int_equal(cause_exccode(m->cpu), EXC_TLBL);
    assert_int_equal(m->cpu->pc, EXC_VECTOR);
    done(m);
}

/* Cause.ExcCode = CpU with Cause.CE naming the coprocessor; the 24Kc has no FPU. */
static void test_cop1_unusable(void **state)
{
    (void)state;
    machine_t *m = new_machine();
    machine_poke(m, CODE_VA, 0x44010000u);   /* mfc1 $1, $f0 */
    machine_step(m, 1);
    assert_int_equal(cause_exccode(m->cpu), EXC_CPU);
    assert_int_equal((m->cpu->cp0.cause >> 28) & 3, 1);
    assert_int_equal(m->cpu->cp0.epc, CODE_VA);
    done(m);
}

/* BEV = 1 moves the general vector to 0xBFC00380 (Vol. III, table 6.3). */
static void test_bev_vector(void **state)
{
    (void)state;
    machine_t *m = new_machine();
    cp0_write(m->cpu, 12, 0, ST_BEV);
    machine_poke(m, CODE_VA, SYSCALL);
    machine_step(m, 1);
    assert_int_equal(m->cpu->pc, 0xBFC00380u);
    done(m);
}

/* ERET returns to EPC and clears EXL; a following instruction runs there. */
static void test_eret(void **state)
{
    (void)state;
    machine_t *m = new_machine();
    cp0_write(m->cpu, 12, 0, ST_EXL);
    cp0_write(m->cpu, 14, 0, 0x80003000);
    machine_poke(m, CODE_VA, ERET);
    machine_poke(m, CODE_VA + 4, ADDIU(24, 24, 1));  /* ERET has no delay slot */
    machine_poke(m, 0x80003000, ADDIU(25, 25, 1));
    machine_step(m, 2);
    assert_false(m->cpu->cp0.status & ST_EXL);
    assert_int_equal(m->cpu->gpr[24], 0);
    assert_int_equal(m->cpu->gpr[25], 1);
    assert_int_equal(m->cpu->pc, 0x80003004);
    done(m);
}

/* Code written after it ran once is re-decoded (cpu_invalidate_code). */
static void test_rewritten_code_runs_new_instruction(void **state)
{
    (void)state;
    machine_t *m = new_machine();
    machine_poke(m, CODE_VA, ADDIU(3, 0, 1));
    machine_step(m, 1);
    assert_int_equal(m->cpu->gpr[3], 1);
    machine_poke(m, CODE_VA, ADDIU(3, 0, 2));
    m->cpu->pc = CODE_VA;
    machine_step(m, 1);
    assert_int_equal(m->cpu->gpr[3], 2);

    /* And a guest store over an instruction that already ran. */
    uint32_t code[] = { SW(5, 0x10, 4), NOP, NOP, NOP, ADDIU(3, 0, 3) };
    machine_load(m, CODE_VA, code, 5);
    m->cpu->gpr[4] = CODE_VA;
    m->cpu->gpr[5] = ADDIU(3, 0, 4);
    m->cpu->pc = CODE_VA + 0x10;
    machine_step(m, 1);
    assert_int_equal(m->cpu->gpr[3], 3);
    m->cpu->pc = CODE_VA;
    machine_step(m, 5);
    assert_int_equal(m->cpu->gpr[3], 4);
    done(m);
}

/* A branch in the last word of a page has its slot in the next one; straight-line code
 * runs on into the next page too. Run whole and one instruction at a time. */
static void test_code_across_page_end(void **state)
{
    (void)state;
    for (int single = 0; single < 2; single++) {
        machine_t *m = new_machine();
        machine_poke(m, 0x80004FFC, BEQ(0, 0, OFF));
        machine_poke(m, 0x80005000, MARK_SLOT);
        m->cpu->pc = 0x80004FFC;
        for (int i = 0; i < (single ? 2 : 1); i++)
            machine_step(m, single ? 1 : 2);
        assert_int_equal(m->cpu->gpr[24], 1);
        assert_int_equal(m->cpu->pc, 0x80004FFC + 4 + 0xFC);

        machine_poke(m, 0x80006FFC, MARK_SLOT);
        machine_poke(m, 0x80007000, MARK_AFTER);
        m->cpu->pc = 0x80006FFC;
        for (int i = 0; i < (single ? 2 : 1); i++)
            machine_step(m, single ? 1 : 2);
        assert_int_equal(m->cpu->gpr[24], 2);
        assert_int_equal(m->cpu->gpr[25], 1);
        assert_int_equal(m->cpu->pc, 0x80007004);
        done(m);
    }
}

/* A timer interrupt that becomes pending between a branch and its delay slot is taken on
 * the slot: EPC = the branch, Cause.BD set, the slot not run (Vol. III 6.1.2). After
 * ERET the branch runs again and its slot runs once. */
static void test_interrupt_before_delay_slot(void **state)
{
    (void)state;
    machine_t *m = new_machine();
    cpu_t *cpu = m->cpu;
    const uint32_t branch = CODE_VA + 4 * 19;   /* the 20th instruction: Count reaches 10 */
    machine_poke(m, branch, BEQ(0, 0, OFF));
    machine_poke(m, branch + 4, MARK_SLOT);
    machine_poke(m, EXC_VECTOR, MTC0(0, 11, 0));   /* Compare = 0 acknowledges the timer */
    machine_poke(m, EXC_VECTOR + 4, ERET);
    cp0_write(cpu, 9, 0, 0);
    cp0_write(cpu, 11, 0, 10);
    cp0_write(cpu, 12, 0, ST_IE | (0x80u << 8));
    machine_step(m, 20);
    assert_int_equal(cpu->pc, branch + 4);
    assert_false(cpu->cp0.status & ST_EXL);
    machine_step(m, 1);                          /* the interrupt, then one handler word */
    assert_int_equal(cause_exccode(cpu), EXC_INT);
    assert_true(cpu->cp0.cause & CAUSE_BD);
    assert_int_equal(cpu->cp0.epc, branch);
    assert_int_equal(cpu->gpr[24], 0);
    assert_int_equal(cpu->pc, EXC_VECTOR + 4);
    machine_step(m, 3);                          /* ERET, the branch again, its slot */
    assert_false(cpu->cp0.status & ST_EXL);
    assert_int_equal(cpu->gpr[24], 1);
    assert_int_equal(cpu->pc, branch + 4 + 0xFC);
    done(m);
}

/* cpu_run(cpu, icount + 1) runs one instruction, also when the next fetch will fault: the
 * fault belongs to the next step (a debugger's single step stops before it). */
static void test_step_stops_before_faulting_fetch(void **state)
{
    (void)state;
    static const uint32_t targets[] = { CODE_VA + 0x102, 0x00400000 };
    static const uint32_t codes[] = { EXC_ADEL, EXC_TLBL };
    static const uint32_t vectors[] = { EXC_VECTOR, REFILL_VECTOR };
    for (int i = 0; i < 2; i++) {
        machine_t *m = new_machine();
        cpu_t *cpu = m->cpu;
        machine_poke(m, CODE_VA, JR(6));
        cpu->gpr[6] = targets[i];
        machine_step(m, 1);                      /* JR */
        machine_step(m, 1);                      /* its slot */
        assert_int_equal(cpu->icount, 2);
        assert_false(cpu->cp0.status & ST_EXL);
        assert_int_equal(cpu->pc, targets[i]);
        machine_step(m, 1);                      /* the fetch faults */
        assert_int_equal(cpu->icount, 3);
        assert_int_equal(cause_exccode(cpu), codes[i]);
        assert_int_equal(cpu->cp0.epc, targets[i]);
        assert_int_equal(cpu->pc, vectors[i]);
        done(m);
    }
}

/* After ERET, a pending interrupt is taken before the instruction at EPC is fetched:
 * interrupts outrank every fetch exception (Vol. III table 6.1, exception priority). */
static void test_interrupt_outranks_fetch_fault_after_eret(void **state)
{
    (void)state;
    for (int single = 0; single < 2; single++) {
        machine_t *m = new_machine();
        cpu_t *cpu = m->cpu;
        machine_poke(m, CODE_VA, ERET);
        cp0_write(cpu, 14, 0, 0x00400000);          /* EPC: kuseg, no TLB entry */
        cp0_write(cpu, 13, 0, 1u << 8);             /* Cause.IP0: software interrupt */
        cp0_write(cpu, 12, 0, ST_EXL | ST_IE | (1u << 8));
        if (single) {
            machine_step(m, 1);
            assert_false(cpu->cp0.status & ST_EXL);
            assert_int_equal(cpu->pc, 0x00400000);
            machine_step(m, 1);
        } else {
            machine_step(m, 2);
        }
        assert_int_equal(cause_exccode(cpu), EXC_INT);
        assert_int_equal(cpu->cp0.epc, 0x00400000);
        assert_int_equal(cpu->pc, EXC_VECTOR + 4);  /* the interrupt, one handler word */
        done(m);
    }
}

/* SDBBP without a probe: Debug Mode at the debug exception vector 0xBFC00480, DEPC = the
 * SDBBP, Debug.DM and Debug.DBp set, Status untouched (EJTAG spec, debug exceptions);
 * DERET returns to DEPC, and outside Debug Mode is reserved. */
static void test_sdbbp_and_deret(void **state)
{
    (void)state;
    machine_t *m = new_machine();
    cpu_t *cpu = m->cpu;
    static uint8_t boot[0x1000];           /* something to fetch at the debug vector */
    memset(boot, 0, sizeof(boot));
    uint32_t deret = COP0_CO(0x1F);
    memcpy(boot + 0x480, &deret, 4);
    bus_map_ram(&m->bus, "boot", 0x1FC00000u, sizeof(boot), boot, false);

    machine_poke(m, CODE_VA, SPECIAL2(0, 0, 0, 0, 0x3F));
    machine_poke(m, CODE_VA + 4, COP0_CO(0x1F));
    machine_step(m, 1);
    assert_int_equal(cpu->pc, 0xBFC00480u);
    assert_int_equal(cp0_read(cpu, 24, 0), CODE_VA);             /* DEPC */
    assert_int_equal(cp0_read(cpu, 23, 0) & ((1u << 30) | 2u), (1u << 30) | 2u);
    assert_false(cpu->cp0.status & ST_EXL);
    cp0_write(cpu, 24, 0, CODE_VA + 4);                          /* as a debugger would */
    machine_step(m, 1);
    assert_int_equal(cpu->pc, CODE_VA + 4);
    assert_false(cp0_read(cpu, 23, 0) & (1u << 30));
    machine_step(m, 1);
    assert_int_equal(cause_exccode(cpu), EXC_RI);
    assert_int_equal(cpu->cp0.epc, CODE_VA + 4);
    done(m);
}

/* ERET clears LLbit, so an SC after an exception return fails (Vol. II, SC and ERET). */
static void test_eret_breaks_ll_sc(void **state)
{
    (void)state;
    machine_t *m = new_machine();
    cpu_t *cpu = m->cpu;
    uint32_t code[] = { LL(3, 0, 4), ERET, SC(5, 0, 4) };
    machine_load(m, CODE_VA, code, 3);
    machine_poke(m, DATA_VA, 0x11111111);
    cpu->gpr[4] = DATA_VA;
    cpu->gpr[5] = 0x22222222;
    cp0_write(cpu, 12, 0, ST_EXL);
    cp0_write(cpu, 14, 0, CODE_VA + 8);
    machine_step(m, 3);
    assert_int_equal(cpu->gpr[3], 0x11111111);
    assert_int_equal(cpu->gpr[5], 0);
    assert_int_equal(machine_peek(m, DATA_VA), 0x11111111);
    /* SC to another address than the LL's fails too. */
    uint32_t code2[] = { LL(3, 0, 4), SC(5, 4, 4) };
    machine_load(m, CODE_VA + 0x20, code2, 2);
    cpu->gpr[5] = 0x33333333;
    cpu->pc = CODE_VA + 0x20;
    machine_step(m, 2);
    assert_int_equal(cpu->gpr[5], 0);
    assert_int_equal(machine_peek(m, DATA_VA + 4), 0);
    done(m);
}

/* A store that once had a fast write translation to a page that has since become code
 * must still reach the decoded code, through kseg0 and through its kseg1 alias (the
 * software TLB never keeps a write entry to a page with decoded code, softtlb.h). */
static void test_store_to_page_that_became_code(void **state)
{
    (void)state;
    static const uint32_t store_bases[] = { 0x80003000u, 0xA0003000u };
    for (int i = 0; i < 2; i++) {
        machine_t *m = new_machine();
        cpu_t *cpu = m->cpu;
        uint32_t code[] = {
            SW(5, 0, 7), JR(4), NOP, NOP,           /* write P[0], run P */
            SW(6, 0, 7), JR(4), NOP,                /* write P[0] again, run P again */
        };
        machine_load(m, CODE_VA, code, 7);
        machine_poke(m, 0x80003004, J(CODE_VA + 0x10));
        cpu->gpr[4] = 0x80003000;
        cpu->gpr[7] = store_bases[i];
        cpu->gpr[5] = ADDIU(3, 0, 1);
        cpu->gpr[6] = ADDIU(3, 0, 2);
        machine_step(m, 4);                          /* SW, JR, slot, P[0] */
        assert_int_equal(cpu->gpr[3], 1);
        machine_step(m, 6);                          /* J, slot, SW, JR, slot, P[0] */
        assert_int_equal(cpu->gpr[3], 2);
        done(m);
    }
}

int main(void)
{
    static struct CMUnitTest tests[2 * N_GOLDEN + 16];
    static char stepped_names[N_GOLDEN][64];
    size_t n = 0;
    for (size_t i = 0; i < N_GOLDEN; i++) {
        tests[n++] = (struct CMUnitTest){ .name = golden[i].name, .test_func = run_golden,
                                          .teardown_func = free_live,
                                          .initial_state = (void *)&golden[i] };
        snprintf(stepped_names[i], sizeof(stepped_names[i]), "%s/stepped", golden[i].name);
        tests[n++] = (struct CMUnitTest){ .name = stepped_names[i],
                                          .test_func = run_golden_stepped,
                                          .teardown_func = free_live,
                                          .initial_state = (void *)&golden[i] };
    }
    const struct CMUnitTest extra[] = {
        cmocka_unit_test_teardown(test_exception_clears_bd, free_live),
        cmocka_unit_test_teardown(test_exception_with_exl_keeps_epc, free_live),
        cmocka_unit_test_teardown(test_cop1_unusable, free_live),
        cmocka_unit_test_teardown(test_bev_vector, free_live),
        cmocka_unit_test_teardown(test_eret, free_live),
        cmocka_unit_test_teardown(test_rewritten_code_runs_new_instruction, free_live),
        cmocka_unit_test_teardown(test_code_across_page_end, free_live),
        cmocka_unit_test_teardown(test_interrupt_before_delay_slot, free_live),
        cmocka_unit_test_teardown(test_step_stops_before_faulting_fetch, free_live),
        cmocka_unit_test_teardown(test_interrupt_outranks_fetch_fault_after_eret, free_live),
        cmocka_unit_test_teardown(test_sdbbp_and_deret, free_live),
        cmocka_unit_test_teardown(test_eret_breaks_ll_sc, free_live),
        cmocka_unit_test_teardown(test_store_to_page_that_became_code, free_live),
    };
    for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
        tests[n++] = extra[i];
    return _cmocka_run_group_tests("insn_golden", tests, n, NULL, NULL);
}
