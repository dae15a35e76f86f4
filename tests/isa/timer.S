/* timer: Count runs (and stops with Cause.DC), Count == Compare sets Cause.TI and IP7,
   a Compare write clears them, the timer interrupt (ExcCode 0) at the general vector
   (Cause.IV = 0) and at +0x200 (IV = 1), EI/DI, and WAIT resuming after the interrupt.
   Timing is real time on QEMU: waits are bounded polls, never exact counts. */
#include "harness.h"
#include "exc_util.h"
TEST_NAME(timer)

#define SPIN        100000000           /* poll bound (loop iterations) */

/* int_rec fields */
#define IR_COUNT    0
#define IR_CAUSE    4
#define IR_EPC      8
#define IR_STATUS   12
#define IR_VEC      16                  /* 1 = general vector, 2 = interrupt vector */

#define CHECK_IR(off, mask, want)   timer_check_ir __LINE__, off, mask, want

        .macro timer_check_ir line, off, mask, want:vararg
        la      $v1, int_rec
        lw      $v0, \off($v1)
        li      $v1, \mask
        and     $v0, $v0, $v1
        harness_check_eq \line, $v0, \want
        .endm

        .macro ir_reset
        la      $v1, int_rec
        sw      $zero, IR_COUNT($v1)
        sw      $zero, IR_VEC($v1)
        .endm

        /* Poll until int_rec.count != 0 or the bound runs out. */
        .macro wait_for_int
        la      $t1, int_rec
        li      $t2, SPIN
1:      lw      $t3, IR_COUNT($t1)
        bnez    $t3, 2f
        addiu   $t2, $t2, -1
        bnez    $t2, 1b
        nop
2:
        .endm

        /* Compare = Count + delta ($s0), re-armed if Count had already got past it by
           the time Compare was written (the host may stall QEMU's vCPU at any point,
           while Count follows wall-clock time).  Clobbers $t0, $t1. */
        .macro arm_timer delta
1:      mfc0    $t0, $9
        li      $t1, \delta
        addu    $s0, $t0, $t1
        mtc0    $s0, $11
        ehb
        mfc0    $t1, $9
        subu    $t1, $t1, $t0
        li      $t0, \delta
        sltu    $t1, $t1, $t0
        beqz    $t1, 1b
        nop
        .endm

        .set noreorder
        .text
        .globl test_main
test_main:
        move    $s7, $ra
        SET_EXC_HANDLER(timer_gen)
        SET_INT_HANDLER(timer_iv)
        mtc0    $zero, $13                      /* Cause: IV = 0, DC = 0 */
        mfc0    $t0, $9                         /* Compare far away: Count - 1 */
        addiu   $t0, $t0, -1
        mtc0    $t0, $11
        ehb

/* ---- Count advances; MTC0 Count sets it. */
        mfc0    $s0, $9
        li      $t0, 100000
1:      bnez    $t0, 1b
        addiu   $t0, $t0, -1
        mfc0    $s1, $9
        subu    $t0, $s1, $s0
        sltu    $t1, $zero, $t0                 /* moved */
        CHECK_EQ($t1, 1)
        srl     $t1, $t0, 31                    /* ...forwards */
        CHECK_EQ($t1, 0)
        li      $t0, 0x40000000
        mtc0    $t0, $9
        ehb
        mfc0    $t1, $9
        subu    $t1, $t1, $t0                   /* just after the written value */
        srl     $t1, $t1, 27                    /* (slack: < 2^27 ticks) */
        CHECK_EQ($t1, 0)
        mfc0    $t0, $9                         /* keep Compare away from Count */
        addiu   $t0, $t0, -1
        mtc0    $t0, $11

/* ---- Cause.DC = 1 stops Count (MIPS32 Release 2). */
        li      $t0, CAUSE_DC
        mtc0    $t0, $13
        ehb
        mfc0    $s0, $9
        li      $t0, 100000
1:      bnez    $t0, 1b
        addiu   $t0, $t0, -1
        mfc0    $s1, $9
        CHECK_EQR($s1, $s0)
        mtc0    $zero, $13
        ehb
        li      $t0, 100000
1:      bnez    $t0, 1b
        addiu   $t0, $t0, -1
        mfc0    $s1, $9
        subu    $t0, $s1, $s0
        sltu    $t1, $zero, $t0
        CHECK_EQ($t1, 1)

/* ---- Count reaching Compare sets Cause.TI and Cause.IP7 (IntCtl.IPTI = 7), with
        interrupts off; writing Compare clears both. */
        ir_reset
        arm_timer 0x2000
        li      $t2, SPIN
        li      $t4, CAUSE_TI
1:      mfc0    $t3, $13
        and     $t3, $t3, $t4
        bnez    $t3, 2f
        addiu   $t2, $t2, -1
        bnez    $t2, 1b
        nop
2:      mfc0    $t3, $13
        li      $t4, CAUSE_TI|CAUSE_IP7
        and     $t3, $t3, $t4
        CHECK_EQ($t3, CAUSE_TI|CAUSE_IP7)
        mfc0    $t0, $9                         /* Count has passed Compare */
        subu    $t0, $t0, $s0
        srl     $t0, $t0, 27
        CHECK_EQ($t0, 0)
        /* pending but masked: IE = 1 with IM7 = 0, or IM7 = 1 with IE = 0, takes nothing */
        li      $t0, HARNESS_STATUS|ST_IE
        mtc0    $t0, $12
        ehb
        nop
        nop
        li      $t0, HARNESS_STATUS|ST_IM7
        mtc0    $t0, $12
        ehb
        nop
        nop
        li      $t0, HARNESS_STATUS
        mtc0    $t0, $12
        ehb
        la      $t0, int_rec
        lw      $t0, IR_COUNT($t0)
        CHECK_EQ($t0, 0)
        mfc0    $t0, $9
        addiu   $t0, $t0, -1
        mtc0    $t0, $11                        /* the write acknowledges */
        ehb
        mfc0    $t3, $13
        li      $t4, CAUSE_TI|CAUSE_IP7
        and     $t3, $t3, $t4
        CHECK_EQ($t3, 0)

/* ---- Timer interrupt, Cause.IV = 0: general exception vector, ExcCode 0, EPC = the
        interrupted instruction, TI/IP7 set in Cause, Status.EXL = 1 in the handler. */
        ir_reset
        arm_timer 0x4000
        li      $t0, HARNESS_STATUS|ST_IM7|ST_IE
        mtc0    $t0, $12
poll1_start:
        ehb
        la      $t1, int_rec
        li      $t2, SPIN
poll1:  lw      $t3, IR_COUNT($t1)
        bnez    $t3, 2f
        addiu   $t2, $t2, -1
        bnez    $t2, poll1
        nop
poll1_end:
2:      mfc0    $t0, $12
        CHECK_EQ($t0, HARNESS_STATUS|ST_IM7|ST_IE)      /* ERET cleared EXL only */
        li      $t0, HARNESS_STATUS
        mtc0    $t0, $12
        ehb
        CHECK_IR(IR_COUNT, 0xffffffff, 1)
        CHECK_IR(IR_VEC, 0xffffffff, 1)
        /* BD is not checked: the interrupt may land on a delay slot of the polling loop
           (then EPC is its branch, still inside the loop). QEMU only takes interrupts
           between translated blocks, kseg between any two instructions. */
        CHECK_IR(IR_CAUSE, CAUSE_IV|CAUSE_TI|CAUSE_IP7|CAUSE_EXC_MASK, CAUSE_TI|CAUSE_IP7|EXC_INT)
        CHECK_IR(IR_STATUS, 0xffffffff, HARNESS_STATUS|ST_IM7|ST_IE|ST_EXL)
        la      $t0, int_rec                    /* EPC inside the polling loop */
        lw      $t0, IR_EPC($t0)
        la      $t1, poll1_start
        subu    $t0, $t0, $t1
        sltiu   $t0, $t0, poll1_end - poll1_start + 1
        CHECK_EQ($t0, 1)
        mfc0    $t3, $13                        /* the handler's Compare write acked it */
        li      $t4, CAUSE_TI|CAUSE_IP7
        and     $t3, $t3, $t4
        CHECK_EQ($t3, 0)

/* ---- Cause.IV = 1: interrupts use the special vector, +0x200 (BEV: 0xBFC00400). */
        ir_reset
        li      $t0, CAUSE_IV
        mtc0    $t0, $13
        arm_timer 0x4000
        li      $t0, HARNESS_STATUS|ST_IM7|ST_IE
        mtc0    $t0, $12
        ehb
        wait_for_int
        li      $t0, HARNESS_STATUS
        mtc0    $t0, $12
        ehb
        CHECK_IR(IR_COUNT, 0xffffffff, 1)
        CHECK_IR(IR_VEC, 0xffffffff, 2)
        CHECK_IR(IR_CAUSE, CAUSE_BD|CAUSE_IV|CAUSE_TI|CAUSE_IP7|CAUSE_EXC_MASK, CAUSE_IV|CAUSE_TI|CAUSE_IP7|EXC_INT)
        mtc0    $zero, $13
        ehb

/* ---- EI / DI: rt gets the old Status; IE set / cleared, nothing else changes. */
        ir_reset
        li      $t0, HARNESS_STATUS|ST_IM1
        mtc0    $t0, $12
        ehb
        ei      $t1
        ehb
        CHECK_EQ($t1, HARNESS_STATUS|ST_IM1)
        mfc0    $t0, $12
        CHECK_EQ($t0, HARNESS_STATUS|ST_IM1|ST_IE)
        di      $t1
        ehb
        CHECK_EQ($t1, HARNESS_STATUS|ST_IM1|ST_IE)
        mfc0    $t0, $12
        CHECK_EQ($t0, HARNESS_STATUS|ST_IM1)
        ei
        ehb
        mfc0    $t0, $12
        CHECK_EQ($t0, HARNESS_STATUS|ST_IM1|ST_IE)
        di
        ehb
        mfc0    $t0, $12
        CHECK_EQ($t0, HARNESS_STATUS|ST_IM1)
        la      $t0, int_rec
        lw      $t0, IR_COUNT($t0)
        CHECK_EQ($t0, 0)

/* ---- WAIT: stops until the timer interrupt; the interrupt is taken with EPC = the
        instruction after WAIT, so ERET continues after it. */
        ir_reset
        li      $t0, HARNESS_STATUS|ST_IM7
        mtc0    $t0, $12
        arm_timer 0x01000000                    /* ~0.1 s at QEMU's 160 MHz */
        ei
        ehb
wait_insn:
        wait
        nop
        di
        ehb
        li      $t0, HARNESS_STATUS
        mtc0    $t0, $12
        ehb
        CHECK_IR(IR_COUNT, 0xffffffff, 1)
        CHECK_IR(IR_CAUSE, CAUSE_BD|CAUSE_EXC_MASK, EXC_INT)
        la      $t0, int_rec
        lw      $t0, IR_EPC($t0)
        la      $t1, wait_insn + 4
        CHECK_EQR($t0, $t1)

        mfc0    $t0, $9
        addiu   $t0, $t0, -1
        mtc0    $t0, $11
        mtc0    $zero, $13
        CLEAR_HANDLERS()
        jr      $s7
        nop

/* Interrupt handlers: record, acknowledge the timer with a Compare write far ahead
   (Count - 1), and return.  Anything but an interrupt goes to the harness's report.
   If the interrupt beat the WAIT (EPC = the EHB before it or the WAIT), skip the WAIT
   so the test cannot hang; the EPC check then fails. */
timer_gen:
        b       timer_common
        addiu   $k1, $zero, 1
timer_iv:
        addiu   $k1, $zero, 2
timer_common:
        mfc0    $k0, $13
        andi    $k0, $k0, CAUSE_EXC_MASK
        beqz    $k0, 1f
        nop
        la      $k0, harness_unexpected
        jr      $k0
        nop
1:      lui     $k0, %hi(int_rec)
        addiu   $k0, $k0, %lo(int_rec)
        sw      $k1, IR_VEC($k0)
        lw      $k1, IR_COUNT($k0)
        addiu   $k1, $k1, 1
        sw      $k1, IR_COUNT($k0)
        mfc0    $k1, $13
        sw      $k1, IR_CAUSE($k0)
        mfc0    $k1, $14
        sw      $k1, IR_EPC($k0)
        mfc0    $k1, $12
        sw      $k1, IR_STATUS($k0)
        mfc0    $k1, $9
        addiu   $k1, $k1, -1
        mtc0    $k1, $11
        mfc0    $k1, $14
        lui     $k0, %hi(wait_insn)
        addiu   $k0, $k0, %lo(wait_insn)
        beq     $k1, $k0, 2f
        addiu   $k0, $k0, -4
        bne     $k1, $k0, 3f
        nop
2:      addiu   $k0, $k0, 8
        mtc0    $k0, $14
3:      ehb
        eret

        .bss
        .balign 32
int_rec:
        .space  32

        EXC_UTIL_BODY
