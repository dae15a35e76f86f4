/* exc_overflow: Integer Overflow (ExcCode 12) from ADD/ADDI/SUB - exact EPC, rd unchanged,
   no trap from the unsigned forms, and Cause.BD/EPC=branch for faults in delay slots. */
#include "harness.h"
#include "exc_util.h"
TEST_NAME(exc_overflow)

        .set noreorder
        .text
        .globl test_main
test_main:
        move    $s7, $ra
        SET_EXC_HANDLER(exc_log_handler)
        LOG_RESET()

        li      $s0, 0x7fffffff
        li      $s1, 0x80000000
        li      $s2, 0xffffffff
        li      $s3, 1
        li      $t1, 0x5555

        /* MIPS32 ADD/ADDI/SUB: on signed overflow rd is not modified and an Integer
           Overflow exception is taken with EPC = the instruction (not in a delay slot). */
ov_add1:
        add     $t1, $s0, $s3                   /* max + 1 */
        CHECK_EQ($t1, 0x5555)
ov_add2:
        add     $t1, $s1, $s2                   /* min + -1 */
        CHECK_EQ($t1, 0x5555)
ov_addi1:
        addi    $t1, $s0, 1
        CHECK_EQ($t1, 0x5555)
ov_addi2:
        addi    $t1, $s1, -1
        CHECK_EQ($t1, 0x5555)
ov_sub1:
        sub     $t1, $s1, $s3                   /* min - 1 */
        CHECK_EQ($t1, 0x5555)
ov_sub2:
        sub     $t1, $s0, $s2                   /* max - -1 */
        CHECK_EQ($t1, 0x5555)
        move    $s4, $s0
ov_add3:
        add     $s4, $s4, $s3                   /* rd == rs: source survives */
        CHECK_EQR($s4, $s0)
ov_add0:
        add     $zero, $s0, $s3                 /* rd = $zero still traps */

        CHECK_LOG_N(8)
        CHECK_LOG_EXC(0, EXC_OV)
        CHECK_LOG_EPC(0, ov_add1)
        CHECK_LOG_EXC(1, EXC_OV)
        CHECK_LOG_EPC(1, ov_add2)
        CHECK_LOG_EXC(2, EXC_OV)
        CHECK_LOG_EPC(2, ov_addi1)
        CHECK_LOG_EXC(3, EXC_OV)
        CHECK_LOG_EPC(3, ov_addi2)
        CHECK_LOG_EXC(4, EXC_OV)
        CHECK_LOG_EPC(4, ov_sub1)
        CHECK_LOG_EXC(5, EXC_OV)
        CHECK_LOG_EPC(5, ov_sub2)
        CHECK_LOG_EXC(6, EXC_OV)
        CHECK_LOG_EPC(6, ov_add3)
        CHECK_LOG_EXC(7, EXC_OV)
        CHECK_LOG_EPC(7, ov_add0)
        /* The handler ran with Status.EXL = 1, KSU/IE untouched. */
        CHECK_LOG_FIELD(0, LOG_STATUS, 0xffffffff, HARNESS_STATUS|ST_EXL)
        /* ERET cleared EXL again. */
        mfc0    $t0, $12
        CHECK_EQ($t0, HARNESS_STATUS)

        /* No overflow, no exception: results just below the limits, and the
           unsigned forms (ADDU/ADDIU/SUBU) never trap. */
        LOG_RESET()
        add     $t1, $s0, $s1
        CHECK_EQ($t1, 0xffffffff)
        addi    $t1, $s2, 1
        CHECK_EQ($t1, 0)
        sub     $t1, $s2, $s0
        CHECK_EQ($t1, 0x80000000)
        addi    $t1, $s0, -1
        CHECK_EQ($t1, 0x7ffffffe)
        addu    $t1, $s0, $s3
        CHECK_EQ($t1, 0x80000000)
        addiu   $t1, $s1, -1
        CHECK_EQ($t1, 0x7fffffff)
        subu    $t1, $s1, $s3
        CHECK_EQ($t1, 0x7fffffff)
        CHECK_LOG_N(0)

        /* Delay slots: EPC = the branch/jump, Cause.BD = 1 (MIPS32 PRA 6.2.x).  The
           handler resumes at a label because re-executing the branch would fault again. */
        LOG_RESET()
        li      $t1, 0x5555
        SET_RESUME(bd1_after)
bd1_br: beq     $zero, $zero, bd1_after         /* taken */
        add     $t1, $s0, $s3
        CHECK_EQ($zero, 1)                      /* not reached */
bd1_after:
        CHECK_EQ($t1, 0x5555)

        /* (registers, not bne $x,$x: QEMU turns a never-taken branch with rs == rt
           into a plain NOP, so its "delay slot" would not be one) */
        li      $t6, 7
        li      $t7, 7
        SET_RESUME(bd2_after)
bd2_br: bne     $t6, $t7, bd1_after             /* not taken */
        addi    $t1, $s1, -1
bd2_after:
        CHECK_EQ($t1, 0x5555)

        SET_RESUME(bd3_after)
bd3_br: jal     bd3_func                        /* the link register is still written */
        sub     $t1, $s1, $s3
bd3_func:
        CHECK_EQ($zero, 1)                      /* not reached */
bd3_after:
        la      $t0, bd3_br + 8
        CHECK_EQR($ra, $t0)
        CHECK_EQ($t1, 0x5555)

        la      $t5, bd1_after
        SET_RESUME(bd4_after)
bd4_br: jr      $t5
        add     $t1, $s1, $s2
bd4_after:
        CHECK_EQ($t1, 0x5555)

        SET_RESUME(bd5_after)
bd5_br: beql    $t6, $t7, bd1_after             /* branch-likely, taken */
        add     $t1, $s0, $s0
bd5_after:
        CHECK_EQ($t1, 0x5555)

        /* A later fault outside a delay slot clears BD again. */
bd6:    add     $t1, $s0, $s0

        CHECK_LOG_N(6)
        CHECK_LOG_EXC(0, EXC_OV|CAUSE_BD)
        CHECK_LOG_EPC(0, bd1_br)
        CHECK_LOG_EXC(1, EXC_OV|CAUSE_BD)
        CHECK_LOG_EPC(1, bd2_br)
        CHECK_LOG_EXC(2, EXC_OV|CAUSE_BD)
        CHECK_LOG_EPC(2, bd3_br)
        CHECK_LOG_EXC(3, EXC_OV|CAUSE_BD)
        CHECK_LOG_EPC(3, bd4_br)
        CHECK_LOG_EXC(4, EXC_OV|CAUSE_BD)
        CHECK_LOG_EPC(4, bd5_br)
        CHECK_LOG_EXC(5, EXC_OV)
        CHECK_LOG_EPC(5, bd6)
        CHECK_EQ($t1, 0x5555)

        CLEAR_HANDLERS()
        jr      $s7
        nop

        EXC_UTIL_BODY
