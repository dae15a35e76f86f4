/* muldiv: MULT/MULTU/DIV/DIVU, MFHI/MFLO/MTHI/MTLO, MUL, MADD/MADDU/MSUB/MSUBU with carries across LO->HI. */
#include "harness.h"
TEST_NAME(muldiv)

/* Read HI and LO into $v1/$v0 and check them. */
#define CHECK_HILO(hi, lo)      \
        mfhi    $v1;            \
        mflo    $v0;            \
        CHECK_EQ($v1, hi);      \
        CHECK_EQ($v0, lo)

/* Load HI:LO with a 64-bit accumulator value. */
#define SET_HILO(hi, lo)        \
        li      $v1, hi;        \
        li      $v0, lo;        \
        mthi    $v1;            \
        mtlo    $v0

        .set noreorder
        .text
        .globl test_main
test_main:
        li      $s0, 0x7fffffff
        li      $s1, 0x80000000
        li      $s2, 0xffffffff
        li      $s3, 1
        li      $s4, 2
        li      $s5, 3
        li      $s6, 0xfffffffe                 /* -2 */

        /* MTHI / MTLO / MFHI / MFLO */
        SET_HILO(0x12345678, 0x9abcdef0)
        CHECK_HILO(0x12345678, 0x9abcdef0)

        /* MULT: signed 64-bit product */
        mult    $s0, $s0
        CHECK_HILO(0x3fffffff, 0x00000001)
        mult    $s2, $s2                        /* -1 * -1 */
        CHECK_HILO(0x00000000, 0x00000001)
        mult    $s1, $s1                        /* 2^62 */
        CHECK_HILO(0x40000000, 0x00000000)
        mult    $s1, $s3
        CHECK_HILO(0xffffffff, 0x80000000)
        mult    $s6, $s5                        /* -2 * 3 */
        CHECK_HILO(0xffffffff, 0xfffffffa)
        mult    $s1, $s2                        /* min * -1 = +2^31 */
        CHECK_HILO(0x00000000, 0x80000000)
        mult    $zero, $s2
        CHECK_HILO(0, 0)

        /* MULTU: unsigned 64-bit product */
        multu   $s2, $s2
        CHECK_HILO(0xfffffffe, 0x00000001)
        multu   $s1, $s4
        CHECK_HILO(0x00000001, 0x00000000)
        multu   $s6, $s5
        CHECK_HILO(0x00000002, 0xfffffffa)
        multu   $s1, $s2
        CHECK_HILO(0x7fffffff, 0x80000000)

        /* DIV: quotient to LO, remainder to HI, truncating toward zero */
        li      $t0, 7
        li      $t1, -7
        li      $t2, -2
        div     $zero, $t0, $s4                 /* 7 / 2 */
        CHECK_HILO(1, 3)
        div     $zero, $t1, $s4                 /* -7 / 2 */
        CHECK_HILO(0xffffffff, 0xfffffffd)
        div     $zero, $t0, $t2                 /* 7 / -2 */
        CHECK_HILO(1, 0xfffffffd)
        div     $zero, $t1, $t2                 /* -7 / -2 */
        CHECK_HILO(0xffffffff, 3)
        div     $zero, $s1, $s2                 /* min / -1: no trap, wraps */
        CHECK_HILO(0, 0x80000000)
        div     $zero, $s0, $s0
        CHECK_HILO(0, 1)

        /* DIVU */
        divu    $zero, $s2, $s4
        CHECK_HILO(1, 0x7fffffff)
        divu    $zero, $t0, $s2                 /* 7 / 0xffffffff */
        CHECK_HILO(7, 0)
        divu    $zero, $s1, $s2
        CHECK_HILO(0x80000000, 0)
        divu    $zero, $s2, $s3
        CHECK_HILO(0, 0xffffffff)

        /* Division by zero: result UNPREDICTABLE, but never an exception */
        li      $v0, 0x5555
        div     $zero, $t0, $zero
        divu    $zero, $t0, $zero
        CHECK_EQ($v0, 0x5555)

        /* MUL: low 32 bits of the signed product to rd (HI/LO not checked) */
        li      $t0, 0x12345678
        li      $t1, 0x10
        mul     $t2, $t0, $t1
        CHECK_EQ($t2, 0x23456780)
        li      $t0, -3
        li      $t1, 5
        mul     $t2, $t0, $t1
        CHECK_EQ($t2, 0xfffffff1)
        mul     $t2, $s0, $s0
        CHECK_EQ($t2, 0x00000001)
        li      $t0, 0x10000
        mul     $t2, $t0, $t0
        CHECK_EQ($t2, 0)
        mul     $t2, $s1, $s2
        CHECK_EQ($t2, 0x80000000)

        /* MADD: HI:LO += signed product */
        SET_HILO(0x00000000, 0xffffffff)
        madd    $s3, $s3                        /* carry out of LO */
        CHECK_HILO(0x00000001, 0x00000000)
        madd    $s2, $s3                        /* + -1: borrow back into LO */
        CHECK_HILO(0x00000000, 0xffffffff)
        madd    $s0, $s0
        CHECK_HILO(0x40000000, 0x00000000)
        SET_HILO(0, 0)
        madd    $s6, $s5                        /* -6 */
        CHECK_HILO(0xffffffff, 0xfffffffa)
        SET_HILO(0, 0)
        madd    $s1, $s2                        /* +2^31 */
        CHECK_HILO(0x00000000, 0x80000000)

        /* MADDU: HI:LO += unsigned product */
        SET_HILO(0x00000000, 0xffffffff)
        maddu   $s2, $s2
        CHECK_HILO(0xffffffff, 0x00000000)
        maddu   $s2, $s3
        CHECK_HILO(0xffffffff, 0xffffffff)
        maddu   $s3, $s3                        /* wraps the 64-bit accumulator */
        CHECK_HILO(0x00000000, 0x00000000)
        maddu   $s1, $s2
        CHECK_HILO(0x7fffffff, 0x80000000)

        /* MSUB: HI:LO -= signed product */
        SET_HILO(0x00000001, 0x00000000)
        msub    $s3, $s3                        /* borrow from HI */
        CHECK_HILO(0x00000000, 0xffffffff)
        msub    $s2, $s3                        /* - -1 */
        CHECK_HILO(0x00000001, 0x00000000)
        SET_HILO(0, 0)
        msub    $s4, $s5                        /* -6 */
        CHECK_HILO(0xffffffff, 0xfffffffa)
        SET_HILO(0, 0)
        msub    $s1, $s2                        /* - 2^31 */
        CHECK_HILO(0xffffffff, 0x80000000)

        /* MSUBU: HI:LO -= unsigned product */
        SET_HILO(0, 0)
        msubu   $s2, $s2
        CHECK_HILO(0x00000001, 0xffffffff)
        msubu   $s1, $s4                        /* - 2^32 */
        CHECK_HILO(0x00000000, 0xffffffff)
        msubu   $s2, $s3
        CHECK_HILO(0x00000000, 0x00000000)

        jr      $ra
        nop
