/*
 * harness.h - assembly macros for the kseg bare-metal ISA tests.
 *
 * A test is one file tests/isa/<name>.S:
 *
 *     #include "harness.h"
 *     TEST_NAME(<name>)
 *         .text
 *         .globl test_main
 *     test_main:
 *         ...checks...
 *         jr    $ra
 *         nop
 *
 * harness.S boots from the reset vector, copies .data to RAM, clears .bss, and calls
 * test_main with Status = BEV|CU0 (0x10400000: ERL, EXL, IE, KSU all 0), Cause = 0 and
 * $sp at the top of a 64 KiB stack below 0x80100000.  test_main may clobber every GPR
 * except $sp, and must leave $k0/$k1 to its own exception handlers.  When it returns
 * the harness prints "PASS: <name>" or "FAIL: <name> (<n> checks failed)" on the CBUS
 * UART and resets the board (write 0x42 to 0xBF000500), which ends a -no-reboot run.
 *
 * Memory: code and read-only data run from the boot ROM (0xBFC00000, uncached kseg1).
 * .data/.bss live in RAM from 0x80010000; the stack top is 0x80100000.  The harness
 * also writes its exception vector stubs into RAM at 0x80000000 (EBase default) so the
 * hooks below work when a test clears Status.BEV.  Tests may use RAM from 0x80100000
 * up freely.
 *
 * Exception hooks.  Every vector (ROM: 0xBFC00200/0x380/0x400, RAM: EBase+0x000/
 * 0x180/0x200) loads a handler address from a pointer in RAM using only $k0/$k1 and
 * jumps to it.  The default handler prints
 *     FAIL: unexpected exception Cause=0x... EPC=0x... BadVAddr=0x...
 * and resets.  A handler installed with the SET_*_HANDLER macros is entered with all
 * registers as they were at the exception (except $k0, which holds the handler
 * address) and ends with eret; it may use $k0/$k1 freely.
 *
 * All macros assume they are not placed in a branch delay slot.  They work in both
 * .set reorder and .set noreorder code and leave the assembler modes as they were.
 */
#ifndef KSEG_ISA_HARNESS_H
#define KSEG_ISA_HARNESS_H

/* CP0 register numbers, as in the MIPS32 PRA manual (select 0 unless noted). */
#define CP0_INDEX     $0
#define CP0_RANDOM    $1
#define CP0_ENTRYLO0  $2
#define CP0_ENTRYLO1  $3
#define CP0_CONTEXT   $4
#define CP0_PAGEMASK  $5
#define CP0_WIRED     $6
#define CP0_HWRENA    $7
#define CP0_BADVADDR  $8
#define CP0_COUNT     $9
#define CP0_ENTRYHI   $10
#define CP0_COMPARE   $11
#define CP0_STATUS    $12     /* sel 1 IntCtl, sel 2 SRSCtl */
#define CP0_CAUSE     $13
#define CP0_EPC       $14
#define CP0_PRID      $15     /* sel 1 EBase */
#define CP0_CONFIG    $16
#define CP0_LLADDR    $17
#define CP0_ERROREPC  $30

/* Status as the harness sets it before calling test_main. */
#define HARNESS_STATUS  0x10400000

/* The string the harness prints in its result line. */
#define TEST_NAME(name)                                 \
        .pushsection .rodata;                           \
        .globl harness_test_name;                       \
harness_test_name:                                      \
        .asciz #name;                                   \
        .popsection

/*
 * CHECK_EQ(reg, imm32): compare a GPR with a 32-bit constant.  On mismatch print
 *     FAIL line <L>: got 0x<actual> want 0x<expected>
 * count a failure and carry on.  Clobbers only $at, $t8 and $t9; every other GPR,
 * $ra and HI/LO are preserved.  reg must not be $at, $t8 or $t9.
 *
 * CHECK_EQR(reg_a, reg_b): the same, comparing two registers (got = reg_a,
 * want = reg_b).  Neither may be $at, $t8 or $t9.
 *
 * The checks call into the harness, so inside an exception handler they clobber the
 * interrupted code's $at/$t8/$t9.
 */
#define CHECK_EQ(reg, imm)      harness_check_eq __LINE__, reg, imm
#define CHECK_EQR(rega, regb)   harness_check_eqr __LINE__, rega, regb

/*
 * Handler installation.  label is any code address.  Each macro clobbers $at and $t9.
 * CLEAR_HANDLERS() puts all three back to the "unexpected exception" default.
 */
#define SET_EXC_HANDLER(label)     harness_set_vec harness_exc_vec, label
#define SET_REFILL_HANDLER(label)  harness_set_vec harness_refill_vec, label
#define SET_INT_HANDLER(label)     harness_set_vec harness_int_vec, label
#define CLEAR_HANDLERS()           harness_clear_vecs

/*
 * EXC_SKIP_INSN: in a handler, advance EPC by 4 so that eret resumes after the
 * faulting instruction.  Uses $k0 only.  It does not look at Cause.BD: when the
 * faulting instruction sat in a branch delay slot EPC points at the branch, and +4
 * resumes at the delay slot itself, so tests should not fault in delay slots unless
 * they handle that themselves.
 * EXC_SKIP_RETURN: EXC_SKIP_INSN followed by eret.
 */
#define EXC_SKIP_INSN           harness_skip_insn
#define EXC_SKIP_RETURN         harness_skip_insn; eret

/*
 * Callable helpers (jal, one nop in the delay slot under noreorder):
 *   harness_puts   a0 = NUL-terminated string
 *   harness_puthex a0 = value, printed as 8 hex digits without "0x"
 *   harness_putdec a0 = value, printed as unsigned decimal
 *   harness_putc   a0 = character
 * They clobber only $v0, $v1, $a0 and $t0-$t3 (and $ra by the call), never HI/LO or
 * memory.  They use no stack, so they work inside exception handlers too.
 */

/* ---- implementation: GNU as macros behind the cpp names above ---- */

        .macro harness_check_eq line, reg, imm:vararg
        .set push
        .set noreorder
        .set noat
        li      $at, \imm
        beq     \reg, $at, .Lharness_ok\@
        nop
        lui     $t8, %hi(harness_chk)
        sw      \reg, %lo(harness_chk)($t8)
        sw      $at, %lo(harness_chk + 4)($t8)
        li      $at, \line
        lui     $t8, %hi(harness_check_fail)
        addiu   $t8, $t8, %lo(harness_check_fail)
        jalr    $t9, $t8
        nop
.Lharness_ok\@:
        .set pop
        .endm

        .macro harness_check_eqr line, rega, regb
        .set push
        .set noreorder
        .set noat
        beq     \rega, \regb, .Lharness_ok\@
        nop
        lui     $t8, %hi(harness_chk)
        sw      \rega, %lo(harness_chk)($t8)
        sw      \regb, %lo(harness_chk + 4)($t8)
        li      $at, \line
        lui     $t8, %hi(harness_check_fail)
        addiu   $t8, $t8, %lo(harness_check_fail)
        jalr    $t9, $t8
        nop
.Lharness_ok\@:
        .set pop
        .endm

        .macro harness_set_vec ptr, label
        .set push
        .set noat
        la      $at, \label
        lui     $t9, %hi(\ptr)
        sw      $at, %lo(\ptr)($t9)
        .set pop
        .endm

        .macro harness_clear_vecs
        .set push
        .set noat
        la      $at, harness_unexpected
        lui     $t9, %hi(harness_exc_vec)
        sw      $at, %lo(harness_exc_vec)($t9)
        lui     $t9, %hi(harness_refill_vec)
        sw      $at, %lo(harness_refill_vec)($t9)
        lui     $t9, %hi(harness_int_vec)
        sw      $at, %lo(harness_int_vec)($t9)
        .set pop
        .endm

        .macro harness_skip_insn
        .set push
        .set noreorder
        mfc0    $k0, $14
        addiu   $k0, $k0, 4
        mtc0    $k0, $14
        ehb
        .set pop
        .endm

#endif /* KSEG_ISA_HARNESS_H */
