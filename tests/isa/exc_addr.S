/* exc_addr: Address Error - unaligned loads (AdEL 4) and stores (AdES 5) with BadVAddr,
   fetch from an unaligned JR/JALR target, and user-mode accesses to kernel segments. */
#include "harness.h"
#include "exc_util.h"
TEST_NAME(exc_addr)

        .set noreorder
        .text
        .globl test_main
test_main:
        move    $s7, $ra
        SET_EXC_HANDLER(exc_log_handler)

        la      $s0, buf
        li      $t0, 0x11223344
        sw      $t0, 0($s0)
        li      $t0, 0x55667788
        sw      $t0, 4($s0)

        /* Kernel mode, unaligned data accesses: AdEL for loads, AdES for stores,
           BadVAddr = the unaligned address, EPC = the instruction, rt/memory unchanged. */
        LOG_RESET()
        li      $t1, 0x5555
a_lw1:  lw      $t1, 1($s0)
a_lw2:  lw      $t1, 2($s0)
a_lw3:  lw      $t1, 3($s0)
a_lh:   lh      $t1, 1($s0)
a_lhu:  lhu     $t1, 5($s0)
        ll      $t1, 2($s0)
a_ll = . - 4                                    /* (gas may put a SYNC before LL) */
        CHECK_EQ($t1, 0x5555)
        li      $t2, 0x99999999
a_sw:   sw      $t2, 2($s0)
a_sh:   sh      $t2, 3($s0)
        /* (No unaligned SC here: QEMU compares the address with the LL link first, so
           an unaligned SC just fails with rt = 0 and never raises AdES as the manual's
           pseudocode does.) */
        lw      $t0, 0($s0)
        CHECK_EQ($t0, 0x11223344)
        lw      $t0, 4($s0)
        CHECK_EQ($t0, 0x55667788)

        CHECK_LOG_N(8)
        CHECK_LOG_EXC(0, EXC_ADEL)
        CHECK_LOG_EPC(0, a_lw1)
        CHECK_LOG_ADDR(0, LOG_BADVA, buf, 1)
        CHECK_LOG_EXC(1, EXC_ADEL)
        CHECK_LOG_EPC(1, a_lw2)
        CHECK_LOG_ADDR(1, LOG_BADVA, buf, 2)
        CHECK_LOG_EXC(2, EXC_ADEL)
        CHECK_LOG_EPC(2, a_lw3)
        CHECK_LOG_ADDR(2, LOG_BADVA, buf, 3)
        CHECK_LOG_EXC(3, EXC_ADEL)
        CHECK_LOG_EPC(3, a_lh)
        CHECK_LOG_ADDR(3, LOG_BADVA, buf, 1)
        CHECK_LOG_EXC(4, EXC_ADEL)
        CHECK_LOG_EPC(4, a_lhu)
        CHECK_LOG_ADDR(4, LOG_BADVA, buf, 5)
        CHECK_LOG_EXC(5, EXC_ADEL)
        CHECK_LOG_EPC(5, a_ll)
        CHECK_LOG_ADDR(5, LOG_BADVA, buf, 2)
        CHECK_LOG_EXC(6, EXC_ADES)
        CHECK_LOG_EPC(6, a_sw)
        CHECK_LOG_ADDR(6, LOG_BADVA, buf, 2)
        CHECK_LOG_EXC(7, EXC_ADES)
        CHECK_LOG_EPC(7, a_sh)
        CHECK_LOG_ADDR(7, LOG_BADVA, buf, 3)

        /* Aligned halfword/byte accesses and LWL/LWR never raise Address Error. */
        LOG_RESET()
        lh      $t1, 2($s0)
        CHECK_EQ($t1, 0x1122)
        lbu     $t1, 3($s0)
        CHECK_EQ($t1, 0x11)
        li      $t1, 0
        lwl     $t1, 4($s0)
        lwr     $t1, 1($s0)
        CHECK_EQ($t1, 0x88112233)
        CHECK_LOG_N(0)

        /* Instruction fetch from an address with bit 1 set: AdEL with EPC = BadVAddr =
           the target (the jump itself completed, BD = 0).  Bit 0 is avoided: with
           MIPS16e present (Config1.CA = 1) it selects the MIPS16 ISA instead. */
        LOG_RESET()
        la      $t0, fetch_target + 2
        SET_RESUME(after_jr)
a_jr:   jr      $t0
        nop
        CHECK_EQ($zero, 1)                      /* not reached */
fetch_target:
        nop
        nop
        CHECK_EQ($zero, 1)                      /* not reached */
after_jr:
        SET_RESUME(after_jalr)
        li      $t3, 0
a_jalr: jalr    $t3, $t0                        /* link written before the fetch fault */
        nop
        CHECK_EQ($zero, 1)                      /* not reached */
after_jalr:
        la      $t4, a_jalr + 8
        CHECK_EQR($t3, $t4)
        CHECK_LOG_N(2)
        CHECK_LOG_EXC(0, EXC_ADEL)
        CHECK_LOG_ADDR(0, LOG_EPC, fetch_target, 2)
        CHECK_LOG_ADDR(0, LOG_BADVA, fetch_target, 2)
        CHECK_LOG_EXC(1, EXC_ADEL)
        CHECK_LOG_ADDR(1, LOG_EPC, fetch_target, 2)
        CHECK_LOG_ADDR(1, LOG_BADVA, fetch_target, 2)

        /* User mode (KSU = 2, reached by ERET through a TLB-mapped kuseg page):
           kseg0/kseg1 loads give AdEL, stores AdES, BadVAddr = the address; unaligned
           user accesses too.  The block ends with SYSCALL back to the kernel. */
        la      $a0, user_blk
        la      $a1, user_end
        bal     user_setup
        nop
        li      $t0, 0x0badcafe
        li      $t1, USER_DATA_K1
        sw      $t0, 0($t1)
        LOG_RESET()
        li      $s0, 0x80000000
        li      $s1, 0xa0100000
        li      $s2, 0xbfc00000
        li      $s3, USER_DATA_VA
        li      $s4, 0x80100100
        li      $t1, 0x5555
        li      $t2, 0
        SET_SYS_RESUME(k_back1)
        USER_ENTER(user_blk, user_blk, ST_BEV)
k_back1:
        CLEAR_SYS_RESUME()
        CHECK_EQ($t1, 0x5555)
        CHECK_EQ($t2, 0x0badcaff)               /* the aligned user load/store worked */
        li      $t0, USER_DATA_K1
        lw      $t0, 4($t0)
        CHECK_EQ($t0, 0x0badcaff)
        mfc0    $t0, $12
        CHECK_EQ($t0, ST_BEV)                   /* back in kernel mode, EXL = 0 */
        li      $t0, HARNESS_STATUS
        mtc0    $t0, $12
        ehb

        CHECK_LOG_N(5)
        CHECK_LOG_EXC(0, EXC_ADEL)
        CHECK_LOG_UADDR(0, LOG_EPC, u_ld1, user_blk)
        CHECK_LOG_FIELD(0, LOG_BADVA, 0xffffffff, 0x80000000)
        CHECK_LOG_FIELD(0, LOG_STATUS, 0x1f, ST_KSU_USER|ST_EXL)
        CHECK_LOG_EXC(1, EXC_ADES)
        CHECK_LOG_UADDR(1, LOG_EPC, u_st1, user_blk)
        CHECK_LOG_FIELD(1, LOG_BADVA, 0xffffffff, 0xa0100000)
        CHECK_LOG_EXC(2, EXC_ADEL)
        CHECK_LOG_UADDR(2, LOG_EPC, u_ld2, user_blk)
        CHECK_LOG_FIELD(2, LOG_BADVA, 0xffffffff, 0xbfc00000)
        CHECK_LOG_EXC(3, EXC_ADEL)
        CHECK_LOG_UADDR(3, LOG_EPC, u_ld3, user_blk)
        CHECK_LOG_FIELD(3, LOG_BADVA, 0xffffffff, USER_DATA_VA+1)
        CHECK_LOG_EXC(4, EXC_SYS)
        CHECK_LOG_UADDR(4, LOG_EPC, u_sys, user_blk)
        CHECK_LOG_FIELD(4, LOG_STATUS, 0x1f, ST_KSU_USER|ST_EXL)

        /* User-mode jump to a kernel address: AdEL on the fetch, EPC = BadVAddr. */
        LOG_RESET()
        SET_RESUME(k_back2)
        USER_ENTER(u_jr, user_blk, ST_BEV)
k_back2:
        li      $t0, HARNESS_STATUS
        mtc0    $t0, $12
        ehb
        CHECK_LOG_N(1)
        CHECK_LOG_EXC(0, EXC_ADEL)
        CHECK_LOG_FIELD(0, LOG_EPC, 0xffffffff, 0x80100100)
        CHECK_LOG_FIELD(0, LOG_BADVA, 0xffffffff, 0x80100100)
        CHECK_LOG_FIELD(0, LOG_STATUS, 0x1f, ST_KSU_USER|ST_EXL)

        CLEAR_HANDLERS()
        jr      $s7
        nop

/* Runs in user mode at USER_VA (copied there; position independent). */
        .balign 4
user_blk:
u_ld1:  lw      $t1, 0($s0)                     /* kseg0 */
u_st1:  sw      $t1, 0($s1)                     /* kseg1 */
u_ld2:  lbu     $t1, 0($s2)                     /* kseg1 (boot ROM) */
u_ld3:  lw      $t1, 1($s3)                     /* unaligned, in a mapped user page */
        lw      $t2, 0($s3)
        addiu   $t2, $t2, 1
        sw      $t2, 4($s3)
u_sys:  syscall
        nop
u_jr:   jr      $s4
        nop
user_end:

        .bss
        .balign 16
buf:    .space  16

        EXC_UTIL_BODY
