/* shift: SLL/SRL/SRA/SLLV/SRLV/SRAV/ROTR/ROTRV, by 0 and 31, variable shifts use rs[4:0] only. */
#include "harness.h"
TEST_NAME(shift)

        .set noreorder
        .text
        .globl test_main
test_main:
        li      $s0, 0x12345678
        li      $s1, 0x80000001
        li      $s2, 0xf0000000
        li      $s3, 0x70000000

        /* SLL */
        sll     $t0, $s0, 0
        CHECK_EQ($t0, 0x12345678)
        sll     $t0, $s0, 4
        CHECK_EQ($t0, 0x23456780)
        sll     $t0, $s1, 1
        CHECK_EQ($t0, 0x00000002)
        sll     $t0, $s1, 31
        CHECK_EQ($t0, 0x80000000)
        move    $t0, $s0
        sll     $t0, $t0, 8                     /* rd == rt */
        CHECK_EQ($t0, 0x34567800)

        /* SRL: zero fill */
        sll     $t1, $s1, 31                    /* 0x80000000 */
        srl     $t0, $t1, 31
        CHECK_EQ($t0, 1)
        srl     $t0, $s2, 4
        CHECK_EQ($t0, 0x0f000000)
        srl     $t0, $s0, 0
        CHECK_EQ($t0, 0x12345678)
        srl     $t0, $s1, 1
        CHECK_EQ($t0, 0x40000000)

        /* SRA: sign fill */
        sra     $t0, $t1, 31
        CHECK_EQ($t0, 0xffffffff)
        sra     $t0, $s2, 4
        CHECK_EQ($t0, 0xff000000)
        sra     $t0, $s3, 4
        CHECK_EQ($t0, 0x07000000)
        li      $t2, 0x7fffffff
        sra     $t0, $t2, 31
        CHECK_EQ($t0, 0)
        sra     $t0, $s2, 0
        CHECK_EQ($t0, 0xf0000000)

        /* SLLV: amount is rs[4:0] */
        li      $t2, 36                         /* 4 */
        sllv    $t0, $s0, $t2
        CHECK_EQ($t0, 0x23456780)
        li      $t2, -1                         /* 31 */
        li      $t3, 1
        sllv    $t0, $t3, $t2
        CHECK_EQ($t0, 0x80000000)
        li      $t2, 32                         /* 0 */
        sllv    $t0, $s0, $t2
        CHECK_EQ($t0, 0x12345678)
        li      $t0, 8
        sllv    $t0, $s0, $t0                   /* rd == rs */
        CHECK_EQ($t0, 0x34567800)

        /* SRLV */
        li      $t2, 0xffffffe4                 /* 4 */
        srlv    $t0, $t1, $t2
        CHECK_EQ($t0, 0x08000000)
        li      $t2, 63                         /* 31 */
        srlv    $t0, $t1, $t2
        CHECK_EQ($t0, 1)
        li      $t2, 0x20                       /* 0 */
        srlv    $t0, $t1, $t2
        CHECK_EQ($t0, 0x80000000)

        /* SRAV */
        li      $t2, 0x24                       /* 4 */
        srav    $t0, $t1, $t2
        CHECK_EQ($t0, 0xf8000000)
        li      $t2, -1                         /* 31 */
        srav    $t0, $t1, $t2
        CHECK_EQ($t0, 0xffffffff)
        srav    $t0, $s3, $t2
        CHECK_EQ($t0, 0)
        li      $t2, 0x20                       /* 0 */
        srav    $t0, $s2, $t2
        CHECK_EQ($t0, 0xf0000000)

        /* ROTR */
        rotr    $t0, $s0, 4
        CHECK_EQ($t0, 0x81234567)
        rotr    $t0, $s0, 0
        CHECK_EQ($t0, 0x12345678)
        rotr    $t0, $s0, 16
        CHECK_EQ($t0, 0x56781234)
        rotr    $t0, $s1, 1
        CHECK_EQ($t0, 0xc0000000)
        rotr    $t0, $s1, 31                    /* = rotate left by 1 */
        CHECK_EQ($t0, 0x00000003)

        /* ROTRV: amount is rs[4:0] */
        li      $t2, 0x24                       /* 4 */
        rotrv   $t0, $s0, $t2
        CHECK_EQ($t0, 0x81234567)
        li      $t2, 8
        rotrv   $t0, $s0, $t2
        CHECK_EQ($t0, 0x78123456)
        li      $t2, 0x20                       /* 0 */
        rotrv   $t0, $s0, $t2
        CHECK_EQ($t0, 0x12345678)
        li      $t2, -1                         /* 31 */
        rotrv   $t0, $s1, $t2
        CHECK_EQ($t0, 0x00000003)

        /* SLL forms used as hints execute as no-ops */
        move    $t0, $s0
        ssnop
        ehb
        nop
        CHECK_EQ($t0, 0x12345678)

        jr      $ra
        nop
