/* bitops: CLZ/CLO, SEB/SEH, WSBH, EXT/INS at several positions and sizes, MOVN/MOVZ. */
#include "harness.h"
TEST_NAME(bitops)

        .set noreorder
        .text
        .globl test_main
test_main:
        li      $s0, 0x12345678
        li      $s1, 0x87654321
        li      $s2, 0xffffffff
        li      $s3, 0x80000000

        /* CLZ */
        clz     $t0, $zero
        CHECK_EQ($t0, 32)
        clz     $t0, $s2
        CHECK_EQ($t0, 0)
        li      $t1, 1
        clz     $t0, $t1
        CHECK_EQ($t0, 31)
        clz     $t0, $s3
        CHECK_EQ($t0, 0)
        li      $t1, 0x00010000
        clz     $t0, $t1
        CHECK_EQ($t0, 15)
        li      $t1, 0x00008000
        clz     $t0, $t1
        CHECK_EQ($t0, 16)

        /* CLO */
        clo     $t0, $zero
        CHECK_EQ($t0, 0)
        clo     $t0, $s2
        CHECK_EQ($t0, 32)
        li      $t1, 0xfffffffe
        clo     $t0, $t1
        CHECK_EQ($t0, 31)
        li      $t1, 0x7fffffff
        clo     $t0, $t1
        CHECK_EQ($t0, 0)
        clo     $t0, $s3
        CHECK_EQ($t0, 1)
        li      $t1, 0xffff8000
        clo     $t0, $t1
        CHECK_EQ($t0, 17)

        /* SEB / SEH */
        li      $t1, 0x12345680
        seb     $t0, $t1
        CHECK_EQ($t0, 0xffffff80)
        li      $t1, 0xffffff7f
        seb     $t0, $t1
        CHECK_EQ($t0, 0x0000007f)
        li      $t1, 0x00018000
        seh     $t0, $t1
        CHECK_EQ($t0, 0xffff8000)
        li      $t1, 0xffff7fff
        seh     $t0, $t1
        CHECK_EQ($t0, 0x00007fff)

        /* WSBH: swap the bytes within each halfword */
        li      $t1, 0x11223344
        wsbh    $t0, $t1
        CHECK_EQ($t0, 0x22114433)
        wsbh    $t0, $s1
        CHECK_EQ($t0, 0x65872143)

        /* EXT rt, rs, pos, size: rt = zero-extended rs[pos+size-1:pos] */
        ext     $t0, $s0, 4, 8
        CHECK_EQ($t0, 0x00000067)
        ext     $t0, $s1, 0, 32
        CHECK_EQ($t0, 0x87654321)
        ext     $t0, $s3, 31, 1
        CHECK_EQ($t0, 1)
        ext     $t0, $s1, 16, 16
        CHECK_EQ($t0, 0x00008765)
        ext     $t0, $s1, 0, 1
        CHECK_EQ($t0, 1)
        ext     $t0, $s1, 28, 4
        CHECK_EQ($t0, 8)
        ext     $t0, $s1, 1, 31
        CHECK_EQ($t0, 0x43b2a190)

        /* INS rt, rs, pos, size: rt[pos+size-1:pos] = rs[size-1:0], other bits kept */
        move    $t0, $s2
        ins     $t0, $zero, 8, 8
        CHECK_EQ($t0, 0xffff00ff)
        move    $t0, $s0
        li      $t1, 0xabcd
        ins     $t0, $t1, 0, 32
        CHECK_EQ($t0, 0x0000abcd)
        move    $t0, $zero
        ins     $t0, $s2, 31, 1
        CHECK_EQ($t0, 0x80000000)
        move    $t0, $s0
        li      $t1, 9
        ins     $t0, $t1, 28, 4
        CHECK_EQ($t0, 0x92345678)
        move    $t0, $s0
        li      $t1, 0xffff0005
        ins     $t0, $t1, 4, 4
        CHECK_EQ($t0, 0x12345658)
        move    $t0, $s0
        li      $t1, 1
        ins     $t0, $t1, 0, 1
        CHECK_EQ($t0, 0x12345679)
        move    $t0, $s0
        ins     $t0, $s2, 1, 31
        CHECK_EQ($t0, 0xfffffffe)

        /* MOVN: rd = rs if rt != 0 */
        li      $t0, 0x1111
        li      $t1, 0x2222
        li      $t2, 5
        movn    $t0, $t1, $zero
        CHECK_EQ($t0, 0x1111)
        movn    $t0, $t1, $t2
        CHECK_EQ($t0, 0x2222)
        li      $t0, 0x1111
        movn    $t0, $t1, $s3
        CHECK_EQ($t0, 0x2222)

        /* MOVZ: rd = rs if rt == 0 */
        li      $t0, 0x1111
        movz    $t0, $t1, $t2
        CHECK_EQ($t0, 0x1111)
        movz    $t0, $t1, $zero
        CHECK_EQ($t0, 0x2222)
        li      $t0, 0x1111
        movz    $t0, $t1, $s2
        CHECK_EQ($t0, 0x1111)

        jr      $ra
        nop
