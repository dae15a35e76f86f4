/* exc_ebase: with Status.BEV = 0 exceptions vector through EBase - TLB refill at +0x000,
   everything else at +0x180 (also a miss with EXL = 1), interrupts at +0x180 (Cause.IV
   = 0) or +0x200 (IV = 1) - for the reset EBase and a relocated one; BEV = 1 ignores
   EBase.  Each vector gets a stub that tags $k1 with its identity, so the handler can
   tell which vector ran. */
#include "harness.h"
#include "exc_util.h"
TEST_NAME(exc_ebase)

#define EBASE_NEW   0x80140000
#define ORI_K1(id)  (0x341b0000|(id))   /* ori $k1, $zero, id */

#define IR_N        0
#define IR_K1       4
#define IR_CAUSE    8

        /* Put a tagged stub at base+off (through kseg1): ori $k1,$zero,id, then the
           harness's 4-word ROM stub for that vector, which jumps to the hook. */
        .macro put_stub base, off, id, rom
        li      $a0, (\base|0x20000000) + \off  /* kseg0 -> kseg1 */
        li      $t0, ORI_K1(\id)
        sw      $t0, 0($a0)
        li      $a1, \rom
        lw      $t0, 0($a1)
        sw      $t0, 4($a0)
        lw      $t0, 4($a1)
        sw      $t0, 8($a0)
        lw      $t0, 8($a1)
        sw      $t0, 12($a0)
        lw      $t0, 12($a1)
        sw      $t0, 16($a0)
        .endm

        /* Put the harness's plain stub back (and clear the fifth word). */
        .macro put_plain base, off, rom
        li      $a0, (\base|0x20000000) + \off
        li      $a1, \rom
        lw      $t0, 0($a1)
        sw      $t0, 0($a0)
        lw      $t0, 4($a1)
        sw      $t0, 4($a0)
        lw      $t0, 8($a1)
        sw      $t0, 8($a0)
        lw      $t0, 12($a1)
        sw      $t0, 12($a0)
        sw      $zero, 16($a0)
        .endm

        .macro int_reset
        la      $v1, int_rec
        sw      $zero, IR_N($v1)
        sw      $zero, IR_K1($v1)
        .endm

        .set noreorder
        .text
        .globl test_main
test_main:
        move    $s7, $ra
        SET_EXC_HANDLER(ebase_handler)
        SET_INT_HANDLER(ebase_handler)
        SET_REFILL_HANDLER(exc_log_handler)     /* logs the miss and skips the load */
        bal     tlb_reset_all
        nop

        /* Tagged stubs at the reset EBase (ids 1-3) and at EBASE_NEW (ids 0x11-0x13). */
        put_stub 0x80000000, 0x000, 0x01, 0xbfc00200
        put_stub 0x80000000, 0x180, 0x02, 0xbfc00380
        put_stub 0x80000000, 0x200, 0x03, 0xbfc00400
        put_stub EBASE_NEW, 0x000, 0x11, 0xbfc00200
        put_stub EBASE_NEW, 0x180, 0x12, 0xbfc00380
        put_stub EBASE_NEW, 0x200, 0x13, 0xbfc00400

        li      $s0, 0x80000000
        li      $s1, 0x01
        bal     vectors
        nop
        li      $s0, EBASE_NEW
        li      $s1, 0x11
        bal     vectors
        nop

        /* BEV = 1: the ROM vectors are used whatever EBase says ($k1 is not tagged). */
        li      $t0, HARNESS_STATUS
        mtc0    $t0, $12
        ehb
        LOG_RESET()
        li      $k1, 0
        syscall
        CHECK_LOG_N(1)
        CHECK_LOG_EXC(0, EXC_SYS)
        CHECK_LOG_FIELD(0, LOG_K1, 0xffffffff, 0)

        li      $t0, 0x80000000
        mtc0    $t0, $15, 1
        ehb
        put_plain 0x80000000, 0x000, 0xbfc00200
        put_plain 0x80000000, 0x180, 0xbfc00380
        put_plain 0x80000000, 0x200, 0xbfc00400
        CLEAR_HANDLERS()
        jr      $s7
        nop

/* vectors: s0 = EBase to use, s1 = id of its refill stub (general = s1 + 1, interrupt
   = s1 + 2).  Runs each kind of exception with BEV = 0.  Clobbers most registers. */
vectors:
        move    $s6, $ra
        mtc0    $s0, $15, 1                     /* change EBase while BEV = 1 */
        ehb
        mfc0    $t0, $15, 1
        CHECK_EQR($t0, $s0)
        li      $t0, HARNESS_STATUS & ~ST_BEV
        mtc0    $t0, $12
        ehb
        addiu   $s2, $s1, 1
        addiu   $s3, $s1, 2

        /* general exception: EBase + 0x180 */
        LOG_RESET()
        syscall
        CHECK_LOG_N(1)
        CHECK_LOG_EXC(0, EXC_SYS)
        la      $v1, exc_log
        lw      $v0, LOG_K1($v1)
        CHECK_EQR($v0, $s2)

        /* TLB refill (EXL = 0): EBase + 0x000 */
        LOG_RESET()
        li      $t2, 0x00600000
        lw      $t1, 0($t2)
        CHECK_LOG_N(1)
        CHECK_LOG_EXC(0, EXC_TLBL)
        la      $v1, exc_log
        lw      $v0, LOG_K1($v1)
        CHECK_EQR($v0, $s1)

        /* TLB miss with EXL = 1: EBase + 0x180 */
        LOG_RESET()
        SET_RESUME(1f)
        la      $t0, 1f
        mtc0    $t0, $14
        li      $t0, (HARNESS_STATUS & ~ST_BEV)|ST_EXL
        mtc0    $t0, $12
        ehb
        lw      $t1, 0($t2)
        nop
1:      li      $t0, HARNESS_STATUS & ~ST_BEV
        mtc0    $t0, $12
        ehb
        CHECK_LOG_N(1)
        CHECK_LOG_FIELD(0, LOG_CAUSE, CAUSE_EXC_MASK, EXC_TLBL)
        la      $v1, exc_log
        lw      $v0, LOG_K1($v1)
        CHECK_EQR($v0, $s2)

        /* interrupt, Cause.IV = 0: EBase + 0x180 */
        int_reset
        li      $t0, (HARNESS_STATUS & ~ST_BEV)|ST_IM0|ST_IE
        mtc0    $t0, $12
        li      $t0, CAUSE_IP0
        mtc0    $t0, $13
        ehb
        nop
        nop
        li      $t0, HARNESS_STATUS & ~ST_BEV
        mtc0    $t0, $12
        ehb
        la      $v1, int_rec
        lw      $v0, IR_N($v1)
        CHECK_EQ($v0, 1)
        lw      $v0, IR_K1($v1)
        CHECK_EQR($v0, $s2)
        lw      $v0, IR_CAUSE($v1)
        andi    $v0, $v0, CAUSE_EXC_MASK|CAUSE_IP0
        CHECK_EQ($v0, CAUSE_IP0|EXC_INT)

        /* interrupt, Cause.IV = 1: EBase + 0x200 */
        int_reset
        li      $t0, (HARNESS_STATUS & ~ST_BEV)|ST_IM1|ST_IE
        mtc0    $t0, $12
        li      $t0, CAUSE_IV|CAUSE_IP1
        mtc0    $t0, $13
        ehb
        nop
        nop
        li      $t0, HARNESS_STATUS & ~ST_BEV
        mtc0    $t0, $12
        ehb
        la      $v1, int_rec
        lw      $v0, IR_N($v1)
        CHECK_EQ($v0, 1)
        lw      $v0, IR_K1($v1)
        CHECK_EQR($v0, $s3)
        lw      $v0, IR_CAUSE($v1)
        li      $v1, CAUSE_IV|CAUSE_EXC_MASK|CAUSE_IP1
        and     $v0, $v0, $v1
        CHECK_EQ($v0, CAUSE_IV|CAUSE_IP1|EXC_INT)

        li      $t0, HARNESS_STATUS
        mtc0    $t0, $12
        ehb
        jr      $s6
        nop

/* Interrupts: record the $k1 tag and Cause, clear Cause (IP1/IP0, IV) and return.
   Other exceptions go on to exc_log_handler with $k1 intact. */
ebase_handler:
        mfc0    $k0, $13
        andi    $k0, $k0, CAUSE_EXC_MASK
        beqz    $k0, 1f
        nop
        la      $k0, exc_log_handler
        jr      $k0
        nop
1:      lui     $k0, %hi(int_rec)
        addiu   $k0, $k0, %lo(int_rec)
        sw      $k1, IR_K1($k0)
        lw      $k1, IR_N($k0)
        addiu   $k1, $k1, 1
        sw      $k1, IR_N($k0)
        mfc0    $k1, $13
        sw      $k1, IR_CAUSE($k0)
        mtc0    $zero, $13
        ehb
        eret

        .bss
        .balign 16
int_rec:
        .space  16

        EXC_UTIL_BODY
