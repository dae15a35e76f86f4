/* loadstore: LB/LBU/LH/LHU/LW/SB/SH/SW, LWL/LWR/SWL/SWR (little-endian) at all alignments, LL/SC, SYNC/PREF/CACHE. */
#include "harness.h"
TEST_NAME(loadstore)

#define EXC_SYS (8 << 2)                /* Cause.ExcCode for Syscall */

        .set noreorder
        .text
        .globl test_main
test_main:
        move    $s7, $ra

        /* ---- LB / LBU / LH / LHU / LW, positive and negative offsets */
        la      $s0, ldata                      /* bytes 80 7f ff 01  ff 7f 00 80 */
        lb      $t0, 0($s0)
        CHECK_EQ($t0, 0xffffff80)
        lbu     $t0, 0($s0)
        CHECK_EQ($t0, 0x00000080)
        lb      $t0, 1($s0)
        CHECK_EQ($t0, 0x0000007f)
        lb      $t0, 2($s0)
        CHECK_EQ($t0, 0xffffffff)
        lbu     $t0, 3($s0)
        CHECK_EQ($t0, 0x00000001)
        lh      $t0, 0($s0)
        CHECK_EQ($t0, 0x00007f80)
        lh      $t0, 2($s0)
        CHECK_EQ($t0, 0x000001ff)
        lh      $t0, 4($s0)
        CHECK_EQ($t0, 0x00007fff)
        lh      $t0, 6($s0)
        CHECK_EQ($t0, 0xffff8000)
        lhu     $t0, 6($s0)
        CHECK_EQ($t0, 0x00008000)
        lw      $t0, 0($s0)
        CHECK_EQ($t0, 0x01ff7f80)
        lw      $t0, 4($s0)
        CHECK_EQ($t0, 0x80007fff)

        addiu   $s1, $s0, 8
        lw      $t0, -8($s1)
        CHECK_EQ($t0, 0x01ff7f80)
        lb      $t0, -5($s1)
        CHECK_EQ($t0, 0x00000001)
        lhu     $t0, -2($s1)
        CHECK_EQ($t0, 0x00008000)
        lh      $t0, -4($s1)
        CHECK_EQ($t0, 0x00007fff)
        li      $t1, 0x8000                     /* largest negative offset */
        addu    $s1, $s0, $t1
        lw      $t0, -32768($s1)
        CHECK_EQ($t0, 0x01ff7f80)

        /* no load delay slot: the next instruction sees the loaded value */
        lw      $t0, 4($s0)
        addu    $t1, $t0, $t0
        CHECK_EQ($t1, 0x0000fffe)

        /* loads to $zero are discarded */
        lw      $zero, 0($s0)
        CHECK_EQ($zero, 0)

        /* ---- SB / SH / SW */
        la      $s2, sbuf
        sw      $zero, 0($s2)
        sw      $zero, 4($s2)
        li      $t1, 0x123456ab                 /* SB stores the low byte */
        sb      $t1, 2($s2)
        lw      $t0, 0($s2)
        CHECK_EQ($t0, 0x00ab0000)
        li      $t1, 0xffff1234                 /* SH stores the low halfword */
        sh      $t1, 0($s2)
        lw      $t0, 0($s2)
        CHECK_EQ($t0, 0x00ab1234)
        li      $t1, 0xcd
        sb      $t1, 3($s2)
        lw      $t0, 0($s2)
        CHECK_EQ($t0, 0xcdab1234)
        li      $t1, 0x5678
        sh      $t1, 6($s2)
        lw      $t0, 4($s2)
        CHECK_EQ($t0, 0x56780000)
        addiu   $s1, $s2, 8
        li      $t1, 0xdeadbeef
        sw      $t1, -4($s1)
        lw      $t0, 4($s2)
        CHECK_EQ($t0, 0xdeadbeef)
        li      $t1, 0x77
        sb      $t1, -1($s1)
        lw      $t0, 4($s2)
        CHECK_EQ($t0, 0x77adbeef)
        li      $t1, 0x8899
        sh      $t1, -8($s1)
        lw      $t0, 0($s2)
        CHECK_EQ($t0, 0xcdab8899)

        /* ---- LWL: memory word w = 0x44332211 (bytes 11 22 33 44), rt = 0xaabbccdd */
        la      $s0, udata
        li      $s3, 0xaabbccdd
        move    $t0, $s3
        lwl     $t0, 0($s0)
        CHECK_EQ($t0, 0x11bbccdd)
        move    $t0, $s3
        lwl     $t0, 1($s0)
        CHECK_EQ($t0, 0x2211ccdd)
        move    $t0, $s3
        lwl     $t0, 2($s0)
        CHECK_EQ($t0, 0x332211dd)
        move    $t0, $s3
        lwl     $t0, 3($s0)
        CHECK_EQ($t0, 0x44332211)

        /* ---- LWR */
        move    $t0, $s3
        lwr     $t0, 0($s0)
        CHECK_EQ($t0, 0x44332211)
        move    $t0, $s3
        lwr     $t0, 1($s0)
        CHECK_EQ($t0, 0xaa443322)
        move    $t0, $s3
        lwr     $t0, 2($s0)
        CHECK_EQ($t0, 0xaabb4433)
        move    $t0, $s3
        lwr     $t0, 3($s0)
        CHECK_EQ($t0, 0xaabbcc44)

        /* ---- unaligned word loads: LWR addr, LWL addr+3 (bytes 11 22 .. 88) */
        move    $t0, $s3
        lwr     $t0, 1($s0)
        lwl     $t0, 4($s0)
        CHECK_EQ($t0, 0x55443322)
        move    $t0, $s3
        lwl     $t0, 5($s0)                     /* either order works */
        lwr     $t0, 2($s0)
        CHECK_EQ($t0, 0x66554433)
        move    $t0, $s3
        lwr     $t0, 3($s0)
        lwl     $t0, 6($s0)
        CHECK_EQ($t0, 0x77665544)
        move    $t0, $s3
        lwr     $t0, 4($s0)                     /* aligned: both load the whole word */
        lwl     $t0, 7($s0)
        CHECK_EQ($t0, 0x88776655)

        /* ---- SWL: memory word 0xaabbccdd, rt = 0x11223344 */
        la      $s2, sbuf
        li      $s4, 0x11223344
        sw      $s3, 0($s2)
        swl     $s4, 0($s2)
        lw      $t0, 0($s2)
        CHECK_EQ($t0, 0xaabbcc11)
        sw      $s3, 0($s2)
        swl     $s4, 1($s2)
        lw      $t0, 0($s2)
        CHECK_EQ($t0, 0xaabb1122)
        sw      $s3, 0($s2)
        swl     $s4, 2($s2)
        lw      $t0, 0($s2)
        CHECK_EQ($t0, 0xaa112233)
        sw      $s3, 0($s2)
        swl     $s4, 3($s2)
        lw      $t0, 0($s2)
        CHECK_EQ($t0, 0x11223344)

        /* ---- SWR */
        sw      $s3, 0($s2)
        swr     $s4, 0($s2)
        lw      $t0, 0($s2)
        CHECK_EQ($t0, 0x11223344)
        sw      $s3, 0($s2)
        swr     $s4, 1($s2)
        lw      $t0, 0($s2)
        CHECK_EQ($t0, 0x223344dd)
        sw      $s3, 0($s2)
        swr     $s4, 2($s2)
        lw      $t0, 0($s2)
        CHECK_EQ($t0, 0x3344ccdd)
        sw      $s3, 0($s2)
        swr     $s4, 3($s2)
        lw      $t0, 0($s2)
        CHECK_EQ($t0, 0x44bbccdd)

        /* ---- unaligned word stores: SWR addr, SWL addr+3 */
        sw      $zero, 0($s2)
        sw      $zero, 4($s2)
        swr     $s4, 1($s2)
        swl     $s4, 4($s2)
        lw      $t0, 0($s2)
        CHECK_EQ($t0, 0x22334400)
        lw      $t0, 4($s2)
        CHECK_EQ($t0, 0x00000011)
        sw      $zero, 0($s2)
        sw      $zero, 4($s2)
        swr     $s4, 3($s2)
        swl     $s4, 6($s2)
        lw      $t0, 0($s2)
        CHECK_EQ($t0, 0x44000000)
        lw      $t0, 4($s2)
        CHECK_EQ($t0, 0x00112233)

        /* ---- LL / SC */
        la      $s2, sbuf
        li      $t1, 41
        sw      $t1, 0($s2)
        ll      $t0, 0($s2)
        CHECK_EQ($t0, 41)
        addiu   $t0, $t0, 1
        sc      $t0, 0($s2)                     /* rt = 1 on success */
        CHECK_EQ($t0, 1)
        lw      $t0, 0($s2)
        CHECK_EQ($t0, 42)

        /* ERET clears LLbit: an exception between LL and SC makes SC fail */
        SET_EXC_HANDLER(sys_handler)
        move    $s6, $zero
        ll      $t0, 0($s2)
        li      $t0, 99
        syscall
        sc      $t0, 0($s2)                     /* rt = 0 on failure, no store */
        CHECK_EQ($s6, EXC_SYS)
        CHECK_EQ($t0, 0)
        lw      $t0, 0($s2)
        CHECK_EQ($t0, 42)
        CLEAR_HANDLERS()

        /* ---- SYNC / PREF / CACHE: no architectural effect here */
        la      $s0, udata
        move    $t0, $s0
        sync
        pref    0, 0($s0)                       /* load */
        pref    1, 4($s0)                       /* store */
        cache   0x19, 0($s0)                    /* Hit Writeback D */
        cache   0x10, 0($s0)                    /* Hit Invalidate I */
        sync
        CHECK_EQR($t0, $s0)
        lw      $t0, 0($s0)
        CHECK_EQ($t0, 0x44332211)

        jr      $s7
        nop

/* Syscall: record ExcCode in $s6 and step over the instruction. */
sys_handler:
        mfc0    $k1, CP0_CAUSE
        andi    $s6, $k1, 0x7c
        EXC_SKIP_RETURN

        .data
        .balign 4
ldata:  .byte   0x80, 0x7f, 0xff, 0x01, 0xff, 0x7f, 0x00, 0x80
udata:  .byte   0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88

        .bss
        .balign 4
sbuf:   .space  8
