/* alu: ADD/ADDU/SUB/SUBU/ADDI/ADDIU/AND/OR/XOR/NOR/ANDI/ORI/XORI/LUI/SLT/SLTU/SLTI/SLTIU, overflow traps, $zero. */
#include "harness.h"
TEST_NAME(alu)

#define EXC_OV  (12 << 2)               /* Cause.ExcCode field for Integer Overflow */

        .set noreorder
        .text
        .globl test_main
test_main:
        move    $s7, $ra
        SET_EXC_HANDLER(ov_handler)

        li      $s0, 0x7fffffff
        li      $s1, 0x80000000
        li      $s2, 0xffffffff
        li      $s3, 1

        /* ADD: signed, traps on overflow and leaves rd alone */
        li      $t0, 2
        add     $t1, $s3, $t0
        CHECK_EQ($t1, 3)
        add     $t1, $s2, $s3                   /* -1 + 1 */
        CHECK_EQ($t1, 0)
        add     $t1, $s0, $s1                   /* max + min */
        CHECK_EQ($t1, 0xffffffff)
        move    $s6, $zero
        li      $t1, 0x5555
        add     $t1, $s0, $s3                   /* max + 1 overflows */
        CHECK_EQ($s6, EXC_OV)
        CHECK_EQ($t1, 0x5555)
        move    $s6, $zero
        add     $t1, $s1, $s2                   /* min + -1 overflows */
        CHECK_EQ($s6, EXC_OV)
        CHECK_EQ($t1, 0x5555)

        /* ADDU: never traps, wraps */
        addu    $t1, $s0, $s3
        CHECK_EQ($t1, 0x80000000)
        addu    $t1, $s2, $s3
        CHECK_EQ($t1, 0)
        addu    $t1, $s1, $s1
        CHECK_EQ($t1, 0)

        /* SUB */
        li      $t2, 5
        li      $t3, 7
        sub     $t1, $t2, $t3
        CHECK_EQ($t1, 0xfffffffe)
        sub     $t1, $s2, $s0                   /* -1 - max = min, no overflow */
        CHECK_EQ($t1, 0x80000000)
        move    $s6, $zero
        li      $t1, 0x5555
        sub     $t1, $s1, $s3                   /* min - 1 overflows */
        CHECK_EQ($s6, EXC_OV)
        CHECK_EQ($t1, 0x5555)
        move    $s6, $zero
        sub     $t1, $zero, $s1                 /* 0 - min overflows */
        CHECK_EQ($s6, EXC_OV)
        CHECK_EQ($t1, 0x5555)
        move    $s6, $zero
        sub     $t1, $s0, $s2                   /* max - -1 overflows */
        CHECK_EQ($s6, EXC_OV)
        CHECK_EQ($t1, 0x5555)

        /* SUBU */
        subu    $t1, $zero, $s3
        CHECK_EQ($t1, 0xffffffff)
        subu    $t1, $s1, $s3
        CHECK_EQ($t1, 0x7fffffff)
        subu    $t1, $zero, $s1
        CHECK_EQ($t1, 0x80000000)

        /* ADDI: sign-extended immediate, traps */
        addi    $t1, $t2, -6
        CHECK_EQ($t1, 0xffffffff)
        addi    $t1, $s1, 0x7fff
        CHECK_EQ($t1, 0x80007fff)
        addi    $t1, $s0, -32768
        CHECK_EQ($t1, 0x7fff7fff)
        move    $s6, $zero
        li      $t1, 0x5555
        addi    $t1, $s0, 1
        CHECK_EQ($s6, EXC_OV)
        CHECK_EQ($t1, 0x5555)
        move    $s6, $zero
        addi    $t1, $s1, -1
        CHECK_EQ($s6, EXC_OV)
        CHECK_EQ($t1, 0x5555)

        /* ADDIU: sign-extended immediate, never traps */
        addiu   $t1, $s0, 1
        CHECK_EQ($t1, 0x80000000)
        addiu   $t1, $zero, -32768
        CHECK_EQ($t1, 0xffff8000)
        addiu   $t1, $zero, 0x7fff
        CHECK_EQ($t1, 0x00007fff)
        addiu   $t1, $s1, -1
        CHECK_EQ($t1, 0x7fffffff)
        addiu   $t1, $s2, 1
        CHECK_EQ($t1, 0)

        /* AND / OR / XOR / NOR */
        li      $t2, 0xf0f0a5a5
        li      $t3, 0x0ff0ff00
        and     $t1, $t2, $t3
        CHECK_EQ($t1, 0x00f0a500)
        or      $t1, $t2, $t3
        CHECK_EQ($t1, 0xfff0ffa5)
        xor     $t1, $t2, $t3
        CHECK_EQ($t1, 0xff005aa5)
        nor     $t1, $t2, $t3
        CHECK_EQ($t1, 0x000f005a)
        nor     $t1, $zero, $zero
        CHECK_EQ($t1, 0xffffffff)

        /* ANDI / ORI / XORI: zero-extended immediate */
        andi    $t1, $s2, 0x8001
        CHECK_EQ($t1, 0x00008001)
        li      $t2, 0x12340000
        ori     $t1, $t2, 0x8000
        CHECK_EQ($t1, 0x12348000)
        ori     $t1, $s1, 0xffff
        CHECK_EQ($t1, 0x8000ffff)
        xori    $t1, $s2, 0xffff
        CHECK_EQ($t1, 0xffff0000)
        xori    $t1, $zero, 0x8000
        CHECK_EQ($t1, 0x00008000)

        /* LUI */
        lui     $t1, 0x8000
        CHECK_EQ($t1, 0x80000000)
        lui     $t1, 0xffff
        CHECK_EQ($t1, 0xffff0000)
        li      $t1, 0x1234
        lui     $t1, 0
        CHECK_EQ($t1, 0)

        /* SLT: signed */
        slt     $t1, $s2, $s3                   /* -1 < 1 */
        CHECK_EQ($t1, 1)
        slt     $t1, $s3, $s2
        CHECK_EQ($t1, 0)
        slt     $t1, $s1, $s0                   /* min < max */
        CHECK_EQ($t1, 1)
        slt     $t1, $s0, $s0
        CHECK_EQ($t1, 0)

        /* SLTU: unsigned */
        sltu    $t1, $s2, $s3
        CHECK_EQ($t1, 0)
        sltu    $t1, $s3, $s2
        CHECK_EQ($t1, 1)
        sltu    $t1, $s0, $s1
        CHECK_EQ($t1, 1)
        sltu    $t1, $s2, $s2
        CHECK_EQ($t1, 0)

        /* SLTI: signed against the sign-extended immediate */
        slti    $t1, $s2, 0
        CHECK_EQ($t1, 1)
        slti    $t1, $s1, -32768
        CHECK_EQ($t1, 1)
        slti    $t1, $zero, -1
        CHECK_EQ($t1, 0)
        li      $t2, 5
        slti    $t1, $t2, 0x7fff
        CHECK_EQ($t1, 1)
        slti    $t1, $s0, 0x7fff
        CHECK_EQ($t1, 0)

        /* SLTIU: immediate sign-extended, then compared unsigned */
        li      $t2, 0xfffffffe
        sltiu   $t1, $t2, -1                    /* < 0xffffffff */
        CHECK_EQ($t1, 1)
        sltiu   $t1, $s0, -32768                /* 0x7fffffff < 0xffff8000 */
        CHECK_EQ($t1, 1)
        li      $t2, 0xffff8000
        sltiu   $t1, $t2, -32768
        CHECK_EQ($t1, 0)
        li      $t2, 0xffff8001
        sltiu   $t1, $t2, -32768
        CHECK_EQ($t1, 0)
        sltiu   $t1, $zero, 1
        CHECK_EQ($t1, 1)
        li      $t2, 0x8000
        sltiu   $t1, $t2, 0x7fff                /* 0x8000 < 0x7fff: no */
        CHECK_EQ($t1, 0)

        /* Writes to $zero are discarded */
        addiu   $zero, $zero, 5
        CHECK_EQ($zero, 0)
        lui     $zero, 0x1234
        CHECK_EQ($zero, 0)
        or      $zero, $s2, $s2
        CHECK_EQ($zero, 0)
        slt     $zero, $s2, $s3
        move    $t1, $zero
        CHECK_EQ($t1, 0)

        CLEAR_HANDLERS()
        jr      $s7
        nop

/* Integer overflow lands here: record ExcCode in $s6 and step over the instruction. */
ov_handler:
        mfc0    $k1, CP0_CAUSE
        andi    $s6, $k1, 0x7c
        EXC_SKIP_RETURN
