/* branch: conditional branches, J/JAL/JR/JALR(.HB), links = PC+8, delay slots, branch-likely nullification. */
#include "harness.h"
TEST_NAME(branch)

/*
 * br_run <branch without its target>: runs the branch with an "addiu $t1" in its
 * delay slot and an "addiu $t0" on the fall-through path.  Afterwards
 *   taken:                    t0 = 0, t1 = 1
 *   not taken:                t0 = 1, t1 = 1
 *   likely, not taken:        t0 = 1, t1 = 0   (delay slot nullified)
 */
        .macro br_run insn:vararg
        move    $t0, $zero
        move    $t1, $zero
        \insn, .Lbr_target\@
        addiu   $t1, $t1, 1
        addiu   $t0, $t0, 1
.Lbr_target\@:
        .endm

#define TAKEN(...)              br_run __VA_ARGS__; CHECK_EQ($t0, 0); CHECK_EQ($t1, 1)
#define NOT_TAKEN(...)          br_run __VA_ARGS__; CHECK_EQ($t0, 1); CHECK_EQ($t1, 1)
#define NULLIFIED(...)          br_run __VA_ARGS__; CHECK_EQ($t0, 1); CHECK_EQ($t1, 0)

/*
 * link_run <linking branch without its target>: $t2 = the branch's address + 8, $ra =
 * what the branch wrote.  Both outcomes continue at the same place.
 */
        .macro link_run insn:vararg
        la      $t2, .Llink_site\@
        addiu   $t2, $t2, 8
        move    $ra, $zero
.Llink_site\@:
        \insn, .Llink_target\@
        nop
.Llink_target\@:
        .endm

#define LINKS(...)              link_run __VA_ARGS__; CHECK_EQR($ra, $t2)

        .set noreorder
        .text
        .globl test_main
test_main:
        move    $s7, $ra
        li      $s0, 0xffffffff                 /* -1 */
        move    $s1, $zero
        li      $s2, 1
        li      $s3, 0x80000000
        li      $s4, 0x7fffffff

        /* BEQ / BNE */
        TAKEN(beq $s2, $s2)
        TAKEN(beq $s1, $zero)
        NOT_TAKEN(beq $s1, $s2)
        NOT_TAKEN(beq $s3, $s4)
        TAKEN(bne $s1, $s2)
        TAKEN(bne $s3, $s4)
        NOT_TAKEN(bne $s2, $s2)
        TAKEN(beq $zero, $zero)                 /* B */

        /* BLEZ / BGTZ */
        TAKEN(blez $s1)
        TAKEN(blez $s0)
        TAKEN(blez $s3)
        NOT_TAKEN(blez $s2)
        NOT_TAKEN(blez $s4)
        TAKEN(bgtz $s2)
        TAKEN(bgtz $s4)
        NOT_TAKEN(bgtz $s1)
        NOT_TAKEN(bgtz $s0)
        NOT_TAKEN(bgtz $s3)

        /* BLTZ / BGEZ */
        TAKEN(bltz $s0)
        TAKEN(bltz $s3)
        NOT_TAKEN(bltz $s1)
        NOT_TAKEN(bltz $s2)
        TAKEN(bgez $s1)
        TAKEN(bgez $s2)
        TAKEN(bgez $s4)
        NOT_TAKEN(bgez $s0)
        NOT_TAKEN(bgez $s3)

        /* BLTZAL / BGEZAL / BAL: the link is written whether or not the branch is taken */
        TAKEN(bltzal $s0)
        NOT_TAKEN(bltzal $s1)
        TAKEN(bgezal $s1)
        NOT_TAKEN(bgezal $s3)
        TAKEN(bgezal $zero)                     /* BAL */
        LINKS(bltzal $s0)
        LINKS(bltzal $s2)
        LINKS(bgezal $s2)
        LINKS(bgezal $s0)
        LINKS(bgezal $zero)                     /* BAL */

        /* The branch decides on the operands before its delay slot runs */
        move    $t0, $zero
        beq     $t0, $zero, 1f
        addiu   $t0, $t0, 5                     /* delay slot changes the operand */
        addiu   $t0, $t0, 100
1:      CHECK_EQ($t0, 5)

        /* A backward branch loop: the delay slot runs on every iteration */
        li      $t0, 5
        move    $t1, $zero
1:      addiu   $t0, $t0, -1
        bnez    $t0, 1b
        addiu   $t1, $t1, 1
        CHECK_EQ($t1, 5)

        /* J */
        move    $t1, $zero
        j       2f
        addiu   $t1, $t1, 1
        addiu   $t1, $t1, 100
2:      CHECK_EQ($t1, 1)

        /* JAL: link = PC+8, visible to the delay slot instruction */
        move    $t1, $zero
        move    $t3, $zero
        move    $t4, $zero
        jal     callee
        move    $t4, $ra                        /* delay slot reads the new $ra */
jal_ret:
        la      $t2, jal_ret
        CHECK_EQ($t1, 1)                        /* callee ran once */
        CHECK_EQR($t3, $t2)                     /* callee saw $ra = PC+8 */
        CHECK_EQR($t4, $t2)

        /* JR: the target is read before the delay slot overwrites the register */
        la      $t4, 3f
        move    $t1, $zero
        jr      $t4
        move    $t4, $zero
        addiu   $t1, $t1, 100
3:      CHECK_EQ($t1, 0)
        CHECK_EQ($t4, 0)

        /* JALR rd = 31 */
        la      $t5, callee
        move    $t1, $zero
        move    $t3, $zero
        jalr    $t5
        addiu   $t1, $t1, 1
jalr_ret:
        la      $t2, jalr_ret
        CHECK_EQ($t1, 2)                        /* delay slot + callee */
        CHECK_EQR($t3, $t2)

        /* JALR rd != 31: links into rd, $ra untouched */
        la      $t5, callee_t6
        li      $ra, 0x1234
        move    $t3, $zero
        jalr    $t6, $t5
        nop
jalr_t6_ret:
        la      $t2, jalr_t6_ret
        CHECK_EQR($t3, $t2)
        CHECK_EQR($t6, $t2)
        CHECK_EQ($ra, 0x1234)

        /* JR.HB / JALR.HB behave as JR / JALR */
        la      $t4, 4f
        move    $t1, $zero
        jr.hb   $t4
        addiu   $t1, $t1, 1
        addiu   $t1, $t1, 100
4:      CHECK_EQ($t1, 1)
        la      $t5, callee_t6
        move    $t3, $zero
        move    $t1, $zero
        jalr.hb $t6, $t5
        addiu   $t1, $t1, 1
jalr_hb_ret:
        la      $t2, jalr_hb_ret
        CHECK_EQR($t3, $t2)
        CHECK_EQ($t1, 1)

        /* Branch likely: delay slot runs when taken, is nullified when not */
        TAKEN(beql $s2, $s2)
        NULLIFIED(beql $s1, $s2)
        TAKEN(bnel $s1, $s2)
        NULLIFIED(bnel $s2, $s2)
        TAKEN(blezl $s1)
        TAKEN(blezl $s3)
        NULLIFIED(blezl $s2)
        TAKEN(bgtzl $s4)
        NULLIFIED(bgtzl $s1)
        NULLIFIED(bgtzl $s0)
        TAKEN(bltzl $s0)
        NULLIFIED(bltzl $s1)
        TAKEN(bgezl $s1)
        NULLIFIED(bgezl $s3)
        TAKEN(bltzall $s3)
        NULLIFIED(bltzall $s2)
        TAKEN(bgezall $s2)
        NULLIFIED(bgezall $s0)

        /* BLTZALL / BGEZALL link whether or not taken */
        LINKS(bltzall $s0)
        LINKS(bltzall $s1)
        LINKS(bgezall $s1)
        LINKS(bgezall $s3)

        /* A branch-likely loop: the last (not taken) delay slot is nullified */
        li      $t0, 5
        move    $t1, $zero
1:      addiu   $t0, $t0, -1
        bnel    $t0, $zero, 1b
        addiu   $t1, $t1, 1
        CHECK_EQ($t1, 4)

        jr      $s7
        nop

/* Count a call in $t1 and record the return address in $t3. */
callee:
        addiu   $t1, $t1, 1
        jr      $ra
        move    $t3, $ra

/* Return through $t6 (for JALR rd != 31), recording it in $t3. */
callee_t6:
        move    $t3, $t6
        jr      $t6
        nop
