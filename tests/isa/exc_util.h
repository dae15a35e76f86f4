/*
 * exc_util.h - shared pieces of the exception / TLB / timer / CP0 tests.
 * Include after harness.h and expand EXC_UTIL_BODY once per test file.
 *
 * exc_log_handler: a general-exception handler (install with SET_EXC_HANDLER) that
 *   appends {Cause, EPC, BadVAddr, Status, EntryHi, Context, $k1 at entry, Index} to
 *   exc_log (16 entries of 32 bytes, wrapping; exc_log_n counts every exception), then
 *   resumes:
 *     - at exc_resume if it is non-zero (one-shot: it is cleared), in kernel mode
 *       (Status.KSU cleared) - for faults in delay slots, on fetches, or from user mode;
 *     - for SYSCALL, at exc_sys_resume if non-zero (sticky), in kernel mode - the way
 *       user-mode code returns to the test;
 *     - otherwise at EPC + 4, in the mode of the faulting code.
 *   It uses only $k0/$k1.  It must not be used for interrupts.
 *
 * User mode: user_setup (a0 = first, a1 = end of a block of position-independent code
 *   in the image) resets the TLB, copies the block to USER_PA and maps the 8 KiB pair at
 *   USER_VA (even page: the code, odd page: data at USER_DATA_VA) with TLB entry 0 (G=1,
 *   D=1, V=1, uncached).  USER_ENTER(label, first, status) erets to the copy of label
 *   with Status = status | EXL | KSU=user.
 *
 * The RAM used here lies above 0x80100000, which the harness leaves to the tests.
 * Macros use $v0/$v1 as scratch (and CHECK_* also $at/$t8/$t9).
 */
#ifndef KSEG_ISA_EXC_UTIL_H
#define KSEG_ISA_EXC_UTIL_H

/* Cause.ExcCode values, already shifted into place (Cause bits 6:2). */
#define EXC_INT     (0<<2)
#define EXC_MOD     (1<<2)
#define EXC_TLBL    (2<<2)
#define EXC_TLBS    (3<<2)
#define EXC_ADEL    (4<<2)
#define EXC_ADES    (5<<2)
#define EXC_SYS     (8<<2)
#define EXC_BP      (9<<2)
#define EXC_RI      (10<<2)
#define EXC_CPU     (11<<2)
#define EXC_OV      (12<<2)
#define EXC_TR      (13<<2)

#define CAUSE_BD        0x80000000
#define CAUSE_TI        0x40000000
#define CAUSE_CE_MASK   0x30000000
#define CAUSE_DC        0x08000000
#define CAUSE_IV        0x00800000
#define CAUSE_IP7       0x00008000
#define CAUSE_IP1       0x00000200
#define CAUSE_IP0       0x00000100
#define CAUSE_EXC_MASK  0x0000007c

#define ST_CU0      0x10000000
#define ST_BEV      0x00400000
#define ST_IM7      0x00008000
#define ST_IM1      0x00000200
#define ST_IM0      0x00000100
#define ST_KSU_USER 0x00000010
#define ST_ERL      0x00000004
#define ST_EXL      0x00000002
#define ST_IE       0x00000001

/* Exception log entry layout. */
#define LOG_SIZE    32
#define LOG_CAUSE   0
#define LOG_EPC     4
#define LOG_BADVA   8
#define LOG_STATUS  12
#define LOG_ENTRYHI 16
#define LOG_CONTEXT 20
#define LOG_K1      24
#define LOG_INDEX   28

/* User-mode page pair (TLB entry 0 after user_setup). */
#define USER_VA       0x00400000
#define USER_DATA_VA  0x00401000
#define USER_PA       0x00200000
#define USER_PA_K1    0xa0200000
#define USER_DATA_K1  0xa0201000

/* ---- log access ---- */

/* Forget earlier exceptions. */
#define LOG_RESET()             exc_log_reset
/* Next exception resumes at label (kernel mode). */
#define SET_RESUME(label)       exc_set_word exc_resume, label
/* SYSCALLs resume at label (kernel mode) until CLEAR_SYS_RESUME(). */
#define SET_SYS_RESUME(label)   exc_set_word exc_sys_resume, label
#define CLEAR_SYS_RESUME()      exc_set_word exc_sys_resume, 0
/* Number of exceptions logged since LOG_RESET. */
#define CHECK_LOG_N(n)          exc_check_n __LINE__, n
/* Entry i: Cause.BD and Cause.ExcCode (other Cause bits ignored). */
#define CHECK_LOG_EXC(i, want)  exc_check_field __LINE__, i, LOG_CAUSE, CAUSE_BD|CAUSE_EXC_MASK, want
/* Entry i: any field under a mask. */
#define CHECK_LOG_FIELD(i, off, mask, want) exc_check_field __LINE__, i, off, mask, want
/* Entry i: field == address of label + add. */
#define CHECK_LOG_ADDR(i, off, label, add)  exc_check_addr __LINE__, i, off, label, add
#define CHECK_LOG_EPC(i, label) exc_check_addr __LINE__, i, LOG_EPC, label, 0
/* Entry i: field == the user VA of label (in the block starting at first). */
#define CHECK_LOG_UADDR(i, off, label, first) exc_check_uaddr __LINE__, i, off, label, first

/* Enter user mode at the copy of label (block starting at first). */
#define USER_ENTER(label, first, status) exc_user_enter label, first, status

        .macro exc_log_reset
        la      $v1, exc_log_n
        sw      $zero, 0($v1)
        .endm

        .macro exc_set_word var, value
        la      $v0, \value
        la      $v1, \var
        sw      $v0, 0($v1)
        .endm

        .macro exc_check_n line, n:vararg
        la      $v1, exc_log_n
        lw      $v0, 0($v1)
        harness_check_eq \line, $v0, \n
        .endm

        .macro exc_check_field line, i, off, mask, want:vararg
        la      $v1, exc_log+(\i)*LOG_SIZE
        lw      $v0, \off($v1)
        li      $v1, \mask
        and     $v0, $v0, $v1
        harness_check_eq \line, $v0, \want
        .endm

        .macro exc_check_addr line, i, off, label, add:vararg
        la      $v1, exc_log+(\i)*LOG_SIZE
        lw      $v0, \off($v1)
        la      $v1, \label+(\add)
        harness_check_eqr \line, $v0, $v1
        .endm

        .macro exc_check_uaddr line, i, off, label, first
        la      $v0, \label
        la      $v1, \first
        subu    $v0, $v0, $v1
        li      $v1, USER_VA
        addu    $v0, $v0, $v1
        sw      $v0, exc_k1_tmp
        la      $v1, exc_log+(\i)*LOG_SIZE
        lw      $v0, \off($v1)
        lw      $v1, exc_k1_tmp
        harness_check_eqr \line, $v0, $v1
        .endm

        .macro exc_user_enter label, first, status:vararg
        la      $v0, \label
        la      $v1, \first
        subu    $v0, $v0, $v1
        li      $v1, USER_VA
        addu    $v0, $v0, $v1
        mtc0    $v0, $14                        /* EPC */
        li      $v0, (\status) | ST_EXL | ST_KSU_USER
        mtc0    $v0, $12
        ehb
        eret
        .endm

/* ---- code and data: expand once in each test that includes this file ---- */

        .macro exc_util_body
        .pushsection .text
        .set    push
        .set    noreorder
        .set    noat

        .globl  exc_log_handler
exc_log_handler:
        lui     $k0, %hi(exc_k1_tmp)
        sw      $k1, %lo(exc_k1_tmp)($k0)
        lui     $k1, %hi(exc_log_n)
        lw      $k0, %lo(exc_log_n)($k1)
        addiu   $k0, $k0, 1
        sw      $k0, %lo(exc_log_n)($k1)
        addiu   $k0, $k0, -1
        andi    $k0, $k0, 15
        sll     $k0, $k0, 5
        lui     $k1, %hi(exc_log)
        addiu   $k1, $k1, %lo(exc_log)
        addu    $k1, $k1, $k0
        mfc0    $k0, $13                        /* Cause */
        sw      $k0, LOG_CAUSE($k1)
        mfc0    $k0, $14                        /* EPC */
        sw      $k0, LOG_EPC($k1)
        mfc0    $k0, $8                         /* BadVAddr */
        sw      $k0, LOG_BADVA($k1)
        mfc0    $k0, $12                        /* Status */
        sw      $k0, LOG_STATUS($k1)
        mfc0    $k0, $10                        /* EntryHi */
        sw      $k0, LOG_ENTRYHI($k1)
        mfc0    $k0, $4                         /* Context */
        sw      $k0, LOG_CONTEXT($k1)
        mfc0    $k0, $0                         /* Index */
        sw      $k0, LOG_INDEX($k1)
        lui     $k0, %hi(exc_k1_tmp)
        lw      $k0, %lo(exc_k1_tmp)($k0)
        sw      $k0, LOG_K1($k1)

        lui     $k1, %hi(exc_resume)
        lw      $k0, %lo(exc_resume)($k1)
        bnez    $k0, 2f
        sw      $zero, %lo(exc_resume)($k1)
        mfc0    $k0, $13
        andi    $k0, $k0, CAUSE_EXC_MASK
        xori    $k0, $k0, EXC_SYS
        bnez    $k0, 1f
        lui     $k1, %hi(exc_sys_resume)
        lw      $k0, %lo(exc_sys_resume)($k1)
        bnez    $k0, 2f
        nop
1:      mfc0    $k0, $14                        /* resume after the faulting insn */
        addiu   $k0, $k0, 4
        mtc0    $k0, $14
        ehb
        eret
2:      mtc0    $k0, $14                        /* resume at a label, kernel mode */
        mfc0    $k0, $12
        ori     $k0, $k0, 0x18
        xori    $k0, $k0, 0x18
        mtc0    $k0, $12
        ehb
        eret

/* tlb_reset_all: every entry invalid, 4 KiB, at a distinct kseg0 VPN2 (never looked
   up), ASID 0; Wired = 0, EntryHi = 0.  Clobbers $t0-$t2. */
        .globl  tlb_reset_all
tlb_reset_all:
        mtc0    $zero, $6                       /* Wired */
        mtc0    $zero, $5                       /* PageMask */
        mtc0    $zero, $2                       /* EntryLo0 */
        mtc0    $zero, $3                       /* EntryLo1 */
        li      $t0, 0
        li      $t1, 0x80000000
1:      mtc0    $t0, $0                         /* Index */
        mtc0    $t1, $10                        /* EntryHi */
        ehb
        tlbwi
        addiu   $t0, $t0, 1
        li      $t2, 16
        bne     $t0, $t2, 1b
        addiu   $t1, $t1, 0x2000
        mtc0    $zero, $10
        ehb
        jr      $ra
        nop

/* user_setup: a0 = start, a1 = end of the code block to run at USER_VA.
   Clobbers $t0-$t3, $a0, $v0, $v1. */
        .globl  user_setup
user_setup:
        move    $v1, $ra
        bal     tlb_reset_all
        nop
        li      $t3, USER_PA_K1
1:      lw      $t0, 0($a0)
        sw      $t0, 0($t3)
        addiu   $a0, $a0, 4
        bne     $a0, $a1, 1b
        addiu   $t3, $t3, 4
        mtc0    $zero, $0                       /* Index 0 */
        li      $t0, USER_VA
        mtc0    $t0, $10
        li      $t0, ((USER_PA >> 12) << 6) | (2 << 3) | 7          /* C=2 D V G */
        mtc0    $t0, $2
        li      $t0, (((USER_PA + 0x1000) >> 12) << 6) | (2 << 3) | 7
        mtc0    $t0, $3
        ehb
        tlbwi
        ehb
        jr      $v1
        nop

        .set    pop
        .popsection

        .pushsection .bss
        .balign 8
        .globl  exc_log_n, exc_resume, exc_sys_resume, exc_log
exc_log_n:      .space  4
exc_resume:     .space  4
exc_sys_resume: .space  4
exc_k1_tmp:     .space  4
exc_log:        .space  16 * LOG_SIZE
        .popsection
        .endm

#define EXC_UTIL_BODY   exc_util_body

#endif /* KSEG_ISA_EXC_UTIL_H */
