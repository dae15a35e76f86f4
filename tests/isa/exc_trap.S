/* exc_trap: SYSCALL (8), BREAK (9) and the conditional traps TEQ..TLTIU (13), each both
   trapping and not trapping; EPC = the instruction, BD for a SYSCALL in a delay slot. */
#include "harness.h"
#include "exc_util.h"
TEST_NAME(exc_trap)

        .set noreorder
        .text
        .globl test_main
test_main:
        move    $s7, $ra
        SET_EXC_HANDLER(exc_log_handler)

        /* SYSCALL and BREAK: always trap, EPC = the instruction, BD = 0. */
        LOG_RESET()
        li      $t1, 0x1234
t_sys:  syscall
t_sys2: syscall 0x12345                         /* the code field changes nothing */
t_brk:  break
t_brk2: break   7, 3
        CHECK_EQ($t1, 0x1234)
        CHECK_LOG_N(4)
        CHECK_LOG_EXC(0, EXC_SYS)
        CHECK_LOG_EPC(0, t_sys)
        CHECK_LOG_EXC(1, EXC_SYS)
        CHECK_LOG_EPC(1, t_sys2)
        CHECK_LOG_EXC(2, EXC_BP)
        CHECK_LOG_EPC(2, t_brk)
        CHECK_LOG_EXC(3, EXC_BP)
        CHECK_LOG_EPC(3, t_brk2)

        /* SYSCALL / BREAK in a delay slot: EPC = the jump, BD = 1. */
        LOG_RESET()
        SET_RESUME(t_ds1_after)
t_ds1:  b       t_ds1_after
        syscall
t_ds1_after:
        SET_RESUME(t_ds2_after)
        la      $t0, t_ds2_after
t_ds2:  jr      $t0
        break
t_ds2_after:
        CHECK_LOG_N(2)
        CHECK_LOG_EXC(0, EXC_SYS|CAUSE_BD)
        CHECK_LOG_EPC(0, t_ds1)
        CHECK_LOG_EXC(1, EXC_BP|CAUSE_BD)
        CHECK_LOG_EPC(1, t_ds2)

        /* Conditional traps (ExcCode 13).  $s0 = -1, $s1 = 1, $s2 = 1: signed -1 < 1,
           unsigned 0xffffffff > 1.  Immediates are sign-extended, also for the
           unsigned compares (TGEIU/TLTIU).  Only the trapping ones are logged. */
        li      $s0, -1
        li      $s1, 1
        li      $s2, 1
        LOG_RESET()
tr0:    teq     $s1, $s2                        /* 1 == 1: trap */
        teq     $s0, $s1                        /* no */
tr1:    tne     $s0, $s1                        /* trap */
        tne     $s1, $s2                        /* no */
tr2:    tge     $s1, $s0                        /* 1 >= -1 signed: trap */
        tge     $s0, $s1                        /* no */
tr3:    tge     $s1, $s2                        /* equal: trap */
tr4:    tgeu    $s0, $s1                        /* 0xffffffff >= 1 unsigned: trap */
        tgeu    $s1, $s0                        /* no */
tr5:    tlt     $s0, $s1                        /* -1 < 1 signed: trap */
        tlt     $s1, $s0                        /* no */
        tlt     $s1, $s2                        /* equal: no */
tr6:    tltu    $s1, $s0                        /* 1 < 0xffffffff unsigned: trap */
        tltu    $s0, $s1                        /* no */
tr7:    teqi    $s0, -1                         /* trap */
        teqi    $s0, 1                          /* no */
tr8:    tnei    $s0, 1                          /* trap */
        tnei    $s1, 1                          /* no */
tr9:    tgei    $s1, -1                         /* trap */
        tgei    $s0, 1                          /* no */
tr10:   tgeiu   $s0, 1                          /* 0xffffffff >= 1: trap */
        tgeiu   $s1, -1                         /* 1 >= 0xffffffff: no */
tr11:   tlti    $s0, 0                          /* -1 < 0: trap */
        tlti    $s1, 1                          /* no */
tr12:   tltiu   $s1, -1                         /* 1 < 0xffffffff: trap */
        tltiu   $s0, 1                          /* no */
tr13:   tge     $zero, $zero                    /* $zero operands work too */
        CHECK_LOG_N(14)
        CHECK_LOG_EXC(0, EXC_TR)
        CHECK_LOG_EPC(0, tr0)
        CHECK_LOG_EXC(1, EXC_TR)
        CHECK_LOG_EPC(1, tr1)
        CHECK_LOG_EXC(2, EXC_TR)
        CHECK_LOG_EPC(2, tr2)
        CHECK_LOG_EXC(3, EXC_TR)
        CHECK_LOG_EPC(3, tr3)
        CHECK_LOG_EXC(4, EXC_TR)
        CHECK_LOG_EPC(4, tr4)
        CHECK_LOG_EXC(5, EXC_TR)
        CHECK_LOG_EPC(5, tr5)
        CHECK_LOG_EXC(6, EXC_TR)
        CHECK_LOG_EPC(6, tr6)
        CHECK_LOG_EXC(7, EXC_TR)
        CHECK_LOG_EPC(7, tr7)
        CHECK_LOG_EXC(8, EXC_TR)
        CHECK_LOG_EPC(8, tr8)
        CHECK_LOG_EXC(9, EXC_TR)
        CHECK_LOG_EPC(9, tr9)
        CHECK_LOG_EXC(10, EXC_TR)
        CHECK_LOG_EPC(10, tr10)
        CHECK_LOG_EXC(11, EXC_TR)
        CHECK_LOG_EPC(11, tr11)
        CHECK_LOG_EXC(12, EXC_TR)
        CHECK_LOG_EPC(12, tr12)
        CHECK_LOG_EXC(13, EXC_TR)
        CHECK_LOG_EPC(13, tr13)

        /* A trap in a delay slot: BD = 1, EPC = the branch. */
        LOG_RESET()
        SET_RESUME(t_ds3_after)
t_ds3:  beq     $s1, $s2, t_ds3_after
        teq     $s1, $s2
t_ds3_after:
        CHECK_LOG_N(1)
        CHECK_LOG_EXC(0, EXC_TR|CAUSE_BD)
        CHECK_LOG_EPC(0, t_ds3)

        CLEAR_HANDLERS()
        jr      $s7
        nop

        EXC_UTIL_BODY
