/* exc_ri: Reserved Instruction (10) for opcodes a MIPS32r2 CPU without 64-bit ops, FPU,
   DSP or MT must reject, and Coprocessor Unusable (11) with Cause.CE = 1 (COP1, no FPU),
   2 (LWC2-class) and 0 (CP0 instructions in user mode with Status.CU0 = 0). */
#include "harness.h"
#include "exc_util.h"
TEST_NAME(exc_ri)

#define CE(n)   ((n)<<28)

        .set noreorder
        .text
        .globl test_main
test_main:
        move    $s7, $ra
        SET_EXC_HANDLER(exc_log_handler)
        la      $s0, buf                        /* base for the load/store forms */

        /* Reserved encodings (MIPS32 opcode tables): each raises RI, EPC = it. */
        LOG_RESET()
ri0:    .word   0x0000000e                      /* SPECIAL funct 0x0e */
ri1:    .word   0x00000028                      /* SPECIAL funct 0x28 */
ri2:    .word   0x0000001c                      /* SPECIAL DMULT (MIPS64 only) */
ri3:    .word   0x60000000                      /* DADDI (MIPS64 only) */
ri4:    .word   0xde080000                      /* LD $t0, 0($s0) (MIPS64 only) */
ri5:    .word   0xec000000                      /* opcode 0x3b */
ri6:    .word   0x04040000                      /* REGIMM rt = 0x04 */
ri7:    .word   0x70000010                      /* SPECIAL2 funct 0x10 */
ri8:    .word   0x7c000001                      /* SPECIAL3 funct 0x01 (DEXTM) */
ri9:    .word   0x7c0000ff                      /* SPECIAL3 funct 0x3f */
ri10:   .word   0x40280000                      /* COP0 rs = 1 (DMFC0 $t0) */
ri11:   .word   0x42000010                      /* COP0 CO funct 0x10 */
ri12:   .word   0x40480000                      /* COP0 rs = 2 (MFHC0 $t0, no XPA) */
        CHECK_LOG_N(13)
        CHECK_LOG_EXC(0, EXC_RI)
        CHECK_LOG_EPC(0, ri0)
        CHECK_LOG_EXC(1, EXC_RI)
        CHECK_LOG_EPC(1, ri1)
        CHECK_LOG_EXC(2, EXC_RI)
        CHECK_LOG_EPC(2, ri2)
        CHECK_LOG_EXC(3, EXC_RI)
        CHECK_LOG_EPC(3, ri3)
        CHECK_LOG_EXC(4, EXC_RI)
        CHECK_LOG_EPC(4, ri4)
        CHECK_LOG_EXC(5, EXC_RI)
        CHECK_LOG_EPC(5, ri5)
        CHECK_LOG_EXC(6, EXC_RI)
        CHECK_LOG_EPC(6, ri6)
        CHECK_LOG_EXC(7, EXC_RI)
        CHECK_LOG_EPC(7, ri7)
        CHECK_LOG_EXC(8, EXC_RI)
        CHECK_LOG_EPC(8, ri8)
        CHECK_LOG_EXC(9, EXC_RI)
        CHECK_LOG_EPC(9, ri9)
        CHECK_LOG_EXC(10, EXC_RI)
        CHECK_LOG_EPC(10, ri10)
        CHECK_LOG_EXC(11, EXC_RI)
        CHECK_LOG_EPC(11, ri11)
        CHECK_LOG_EXC(12, EXC_RI)
        CHECK_LOG_EPC(12, ri12)

        /* RI in a delay slot: BD = 1, EPC = the branch. */
        LOG_RESET()
        SET_RESUME(ri_ds_after)
ri_ds:  b       ri_ds_after
        .word   0x0000000e
ri_ds_after:
        CHECK_LOG_N(1)
        CHECK_LOG_EXC(0, EXC_RI|CAUSE_BD)
        CHECK_LOG_EPC(0, ri_ds)

        /* COP1 with Status.CU1 = 0: every COP1/COP1X instruction, LWC1..SDC1 and
           MOVF/MOVT raise CpU with Cause.CE = 1.  Without an FPU (Config1.FP = 0, the
           24Kc) CU1 cannot even be set.  (QEMU's default Malta CPU is the 24Kf, with
           an FPU; there only the CU1 = 0 half applies.) */
        mfc0    $s6, $16, 1
        andi    $s6, $s6, 1                     /* Config1.FP */
        bnez    $s6, 1f
        nop
        li      $t0, HARNESS_STATUS | 0x20000000
        mtc0    $t0, $12
        ehb
        mfc0    $t0, $12
        CHECK_EQ($t0, HARNESS_STATUS)
1:      li      $t0, HARNESS_STATUS
        mtc0    $t0, $12
        ehb
        LOG_RESET()
        li      $t0, 0x1234
cu1_0:  mfc1    $t0, $f0
cu1_1:  .word   0x46000000                      /* add.s $f0, $f0, $f0 */
cu1_2:  .word   0xc6000000                      /* lwc1 $f0, 0($s0) */
cu1_3:  .word   0xe6000000                      /* swc1 $f0, 0($s0) */
cu1_4:  .word   0xd6000000                      /* ldc1 $f0, 0($s0) */
cu1_5:  .word   0xf6000000                      /* sdc1 $f0, 0($s0) */
cu1_6:  .word   0x4c000000                      /* lwxc1 (COP1X) */
cu1_7:  .word   0x00004001                      /* movf $t0, $zero, $fcc0 */
        CHECK_EQ($t0, 0x1234)
        CHECK_LOG_N(8)
        CHECK_LOG_FIELD(0, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(1))
        CHECK_LOG_EPC(0, cu1_0)
        CHECK_LOG_FIELD(1, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(1))
        CHECK_LOG_EPC(1, cu1_1)
        CHECK_LOG_FIELD(2, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(1))
        CHECK_LOG_EPC(2, cu1_2)
        CHECK_LOG_FIELD(3, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(1))
        CHECK_LOG_EPC(3, cu1_3)
        CHECK_LOG_FIELD(4, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(1))
        CHECK_LOG_EPC(4, cu1_4)
        CHECK_LOG_FIELD(5, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(1))
        CHECK_LOG_EPC(5, cu1_5)
        CHECK_LOG_FIELD(6, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(1))
        CHECK_LOG_EPC(6, cu1_6)
        CHECK_LOG_FIELD(7, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(1))
        CHECK_LOG_EPC(7, cu1_7)

        /* No COP2: LWC2/SWC2/LDC2/SDC2 raise CpU with Cause.CE = 2.  (The COP2-opcode
           forms such as MFC2 are not tested: QEMU's 24Kc raises RI for them, where the
           manual gives CpU with CE = 2.) */
        LOG_RESET()
cu2_0:  .word   0xca000000                      /* lwc2 $0, 0($s0) */
cu2_1:  .word   0xea000000                      /* swc2 $0, 0($s0) */
cu2_2:  .word   0xda000000                      /* ldc2 $0, 0($s0) */
cu2_3:  .word   0xfa000000                      /* sdc2 $0, 0($s0) */
        CHECK_LOG_N(4)
        CHECK_LOG_FIELD(0, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(2))
        CHECK_LOG_EPC(0, cu2_0)
        CHECK_LOG_FIELD(1, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(2))
        CHECK_LOG_EPC(1, cu2_1)
        CHECK_LOG_FIELD(2, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(2))
        CHECK_LOG_EPC(2, cu2_2)
        CHECK_LOG_FIELD(3, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(2))
        CHECK_LOG_EPC(3, cu2_3)

        /* User mode with CU0 = 0: CP0 instructions (MFC0, MTC0, TLBWI, ERET, DI, CACHE,
           WAIT) raise CpU with CE = 0; a reserved opcode is still RI; COP1 is CE = 1. */
        la      $a0, user_blk
        la      $a1, user_end
        bal     user_setup
        nop
        LOG_RESET()
        li      $t0, 0x1234
        li      $s0, USER_DATA_VA
        SET_SYS_RESUME(k_back1)
        USER_ENTER(user_blk, user_blk, ST_BEV)
k_back1:
        li      $t1, HARNESS_STATUS
        mtc0    $t1, $12
        ehb
        CHECK_EQ($t0, 0x1234)                   /* MFC0 did not write rt */
        CHECK_LOG_N(10)
        CHECK_LOG_FIELD(0, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(0))
        CHECK_LOG_UADDR(0, LOG_EPC, u_mfc0, user_blk)
        CHECK_LOG_FIELD(1, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(0))
        CHECK_LOG_UADDR(1, LOG_EPC, u_mtc0, user_blk)
        CHECK_LOG_FIELD(2, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(0))
        CHECK_LOG_UADDR(2, LOG_EPC, u_tlbwi, user_blk)
        CHECK_LOG_FIELD(3, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(0))
        CHECK_LOG_UADDR(3, LOG_EPC, u_eret, user_blk)
        CHECK_LOG_FIELD(4, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(0))
        CHECK_LOG_UADDR(4, LOG_EPC, u_di, user_blk)
        CHECK_LOG_FIELD(5, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(0))
        CHECK_LOG_UADDR(5, LOG_EPC, u_cache, user_blk)
        CHECK_LOG_FIELD(6, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(0))
        CHECK_LOG_UADDR(6, LOG_EPC, u_wait, user_blk)
        CHECK_LOG_EXC(7, EXC_RI)
        CHECK_LOG_UADDR(7, LOG_EPC, u_ri, user_blk)
        CHECK_LOG_FIELD(8, LOG_CAUSE, CAUSE_BD|CAUSE_CE_MASK|CAUSE_EXC_MASK, EXC_CPU|CE(1))
        CHECK_LOG_UADDR(8, LOG_EPC, u_cop1, user_blk)
        CHECK_LOG_EXC(9, EXC_SYS)
        /* The handler saw user mode: KSU = 2, EXL = 1. */
        CHECK_LOG_FIELD(0, LOG_STATUS, 0x1f, ST_KSU_USER|ST_EXL)

        /* User mode with CU0 = 1: CP0 is usable (MFC0 reads Status, KSU = user). */
        LOG_RESET()
        li      $t0, 0
        SET_SYS_RESUME(k_back2)
        USER_ENTER(u_cu0, user_blk, ST_BEV|ST_CU0)
k_back2:
        li      $t1, HARNESS_STATUS
        mtc0    $t1, $12
        ehb
        CHECK_EQ($t0, ST_CU0|ST_BEV|ST_KSU_USER)
        CHECK_LOG_N(1)
        CHECK_LOG_EXC(0, EXC_SYS)

        CLEAR_SYS_RESUME()
        CLEAR_HANDLERS()
        jr      $s7
        nop

/* Runs in user mode at USER_VA (copied there; position independent). */
        .balign 4
user_blk:
u_mfc0: mfc0    $t0, $12
u_mtc0: mtc0    $zero, $12
u_tlbwi: tlbwi
u_eret: eret
u_di:   di      $zero
u_cache: cache  0x15, 0($s0)                    /* Hit_Writeback_Inv_D on a user page */
u_wait: wait
u_ri:   .word   0x0000000e
u_cop1: mfc1    $t0, $f0
        syscall
        nop
u_cu0:  mfc0    $t0, $12
        syscall
        nop
user_end:

        .bss
        .balign 16
buf:    .space  16

        EXC_UTIL_BODY
