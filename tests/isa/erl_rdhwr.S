/* erl_rdhwr: with Status.ERL = 1 kuseg is an unmapped identity window onto physical
   memory (the TLB is bypassed); RDHWR 0-3 (CPUNum, SYNCI_Step, CC, CCRes) in kernel
   mode, and in user mode only where HWREna allows, else Reserved Instruction. */
#include "harness.h"
#include "exc_util.h"
TEST_NAME(erl_rdhwr)

        .set noreorder
        .text
        .globl test_main
test_main:
        move    $s7, $ra
        SET_EXC_HANDLER(exc_log_handler)

/* ---- ERL = 1: kuseg 0x00300000 reaches physical 0x00300000 even though a valid TLB
        entry maps that VA to physical 0x00400000 (ERL = 0). */
        bal     tlb_reset_all
        nop
        mtc0    $zero, $0
        li      $t0, 0x00300000
        mtc0    $t0, $10
        li      $t0, ((0x00400000 >> 12) << 6) | 0x17           /* C = 2, D V G */
        mtc0    $t0, $2
        li      $t0, ((0x00401000 >> 12) << 6) | 0x17
        mtc0    $t0, $3
        ehb
        tlbwi
        ehb
        li      $t0, 0x11111111
        li      $t1, 0xa0300000
        sw      $t0, 0($t1)
        li      $t0, 0x22222222
        li      $t1, 0xa0400000
        sw      $t0, 0($t1)
        li      $t0, 0x44444444
        li      $t1, 0xa0310000
        sw      $t0, 0($t1)
        LOG_RESET()

        li      $t2, 0x00300000
        lw      $t0, 0($t2)                     /* ERL = 0: through the TLB */
        CHECK_EQ($t0, 0x22222222)

        li      $t0, HARNESS_STATUS|ST_ERL
        mtc0    $t0, $12
        ehb
        lw      $s0, 0($t2)                     /* ERL = 1: identity */
        li      $t0, 0x33333333
        sw      $t0, 4($t2)
        lw      $s1, 4($t2)
        li      $t3, 0x00310000                 /* no TLB entry at all: still fine */
        lw      $s2, 0($t3)
        li      $t0, HARNESS_STATUS
        mtc0    $t0, $12
        ehb
        CHECK_EQ($s0, 0x11111111)
        CHECK_EQ($s1, 0x33333333)
        CHECK_EQ($s2, 0x44444444)
        li      $t1, 0xa0300004                 /* the store went to physical 0x00300004 */
        lw      $t0, 0($t1)
        CHECK_EQ($t0, 0x33333333)
        li      $t1, 0xa0400004                 /* not to the TLB's page */
        lw      $t0, 0($t1)
        CHECK_EQ($t0, 0)
        CHECK_LOG_N(0)

/* ---- RDHWR in kernel mode (always allowed): 0 CPUNum = EBase.CPUNum = 0,
        1 SYNCI_Step = 32 (cache line), 2 CC = Count, 3 CCRes = 2 (Count ticks every
        second cycle).  A reserved hardware register (4) is RI. */
        rdhwr   $t0, $0
        CHECK_EQ($t0, 0)
        rdhwr   $t0, $1
        CHECK_EQ($t0, 32)
        rdhwr   $t0, $3
        CHECK_EQ($t0, 2)
        mfc0    $t1, $9
        rdhwr   $t0, $2
        subu    $t2, $t0, $t1                   /* CC follows Count */
        srl     $t2, $t2, 27
        CHECK_EQ($t2, 0)
        li      $t3, 100000
1:      bnez    $t3, 1b
        addiu   $t3, $t3, -1
        rdhwr   $t1, $2
        subu    $t2, $t1, $t0
        sltu    $t2, $zero, $t2
        CHECK_EQ($t2, 1)
        LOG_RESET()
        li      $t0, 0x5555
k_hw4:  rdhwr   $t0, $4
        CHECK_EQ($t0, 0x5555)
        CHECK_LOG_N(1)
        CHECK_LOG_EXC(0, EXC_RI)
        CHECK_LOG_EPC(0, k_hw4)

/* ---- User mode, CU0 = 0: RDHWR n needs HWREna bit n, else RI.  Register 29 (ULR)
        is RI whatever HWREna says: Config3.ULRI = 0. */
        la      $a0, user_blk
        la      $a1, user_end
        bal     user_setup
        nop
        SET_SYS_RESUME(k_back1)

        /* HWREna = 0: all four trap */
        mtc0    $zero, $7
        ehb
        LOG_RESET()
        li      $s0, 0x5555
        li      $s1, 0x5555
        li      $s2, 0x5555
        li      $s3, 0x5555
        USER_ENTER(user_blk, user_blk, ST_BEV)
k_back1:
        li      $t0, HARNESS_STATUS
        mtc0    $t0, $12
        ehb
        CHECK_EQ($s0, 0x5555)
        CHECK_EQ($s1, 0x5555)
        CHECK_EQ($s2, 0x5555)
        CHECK_EQ($s3, 0x5555)
        CHECK_LOG_N(5)
        CHECK_LOG_EXC(0, EXC_RI)
        CHECK_LOG_UADDR(0, LOG_EPC, ub0, user_blk)
        CHECK_LOG_EXC(1, EXC_RI)
        CHECK_LOG_UADDR(1, LOG_EPC, ub1, user_blk)
        CHECK_LOG_EXC(2, EXC_RI)
        CHECK_LOG_UADDR(2, LOG_EPC, ub2, user_blk)
        CHECK_LOG_EXC(3, EXC_RI)
        CHECK_LOG_UADDR(3, LOG_EPC, ub3, user_blk)
        CHECK_LOG_EXC(4, EXC_SYS)
        CHECK_LOG_FIELD(0, LOG_STATUS, 0x1f, ST_KSU_USER|ST_EXL)

        /* HWREna = 0xf: 0-3 readable, 29 still RI */
        li      $t0, 0xf
        mtc0    $t0, $7
        ehb
        SET_SYS_RESUME(k_back2)
        LOG_RESET()
        li      $s0, 0x5555
        li      $s1, 0x5555
        li      $s2, 0x5555
        li      $s3, 0x5555
        li      $s4, 0x5555
        USER_ENTER(ub_en, user_blk, ST_BEV)
k_back2:
        li      $t0, HARNESS_STATUS
        mtc0    $t0, $12
        ehb
        CHECK_EQ($s0, 0)
        CHECK_EQ($s1, 32)
        CHECK_EQ($s3, 2)
        li      $t0, 0x5555
        subu    $t0, $s2, $t0
        sltu    $t0, $zero, $t0
        CHECK_EQ($t0, 1)                        /* CC was written */
        CHECK_EQ($s4, 0x5555)
        CHECK_LOG_N(2)
        CHECK_LOG_EXC(0, EXC_RI)
        CHECK_LOG_UADDR(0, LOG_EPC, ub_29, user_blk)
        CHECK_LOG_EXC(1, EXC_SYS)

        /* HWREna = 0xb: CC (2) alone traps */
        li      $t0, 0xb
        mtc0    $t0, $7
        ehb
        SET_SYS_RESUME(k_back3)
        LOG_RESET()
        li      $s2, 0x5555
        li      $s3, 0x5555
        USER_ENTER(ub_en, user_blk, ST_BEV)
k_back3:
        li      $t0, HARNESS_STATUS
        mtc0    $t0, $12
        ehb
        CHECK_EQ($s2, 0x5555)
        CHECK_EQ($s3, 2)
        CHECK_LOG_N(3)
        CHECK_LOG_EXC(0, EXC_RI)
        CHECK_LOG_UADDR(0, LOG_EPC, ub_cc, user_blk)
        CHECK_LOG_EXC(1, EXC_RI)
        CHECK_LOG_UADDR(1, LOG_EPC, ub_29, user_blk)
        CHECK_LOG_EXC(2, EXC_SYS)

        mtc0    $zero, $7
        CLEAR_SYS_RESUME()
        bal     tlb_reset_all
        nop
        CLEAR_HANDLERS()
        jr      $s7
        nop

/* Runs in user mode at USER_VA (copied there; position independent). */
        .balign 4
user_blk:
ub0:    rdhwr   $s0, $0
ub1:    rdhwr   $s1, $1
ub2:    rdhwr   $s2, $2
ub3:    rdhwr   $s3, $3
        syscall
        nop
ub_en:  rdhwr   $s0, $0
        rdhwr   $s1, $1
        rdhwr   $s3, $3
ub_cc:  rdhwr   $s2, $2
ub_29:  rdhwr   $s4, $29
        syscall
        nop
user_end:

        EXC_UTIL_BODY
