/* Exception vectors (EBase = arch 0x80002000), the full-context exception entry and the
 * return path that switches threads.
 *
 * Entry: every vector goes to exc_entry, which stores all registers of the interrupted
 * context (kernel thread, or a user task in guest user mode) in the frame rtos_cur points
 * at, plus HI, LO, EPC and Status (EXL set), then runs exc_dispatch on the exception stack.
 * exc_dispatch may point rtos_cur at another thread; exc_return loads that thread's frame
 * and ERETs into it. k0/k1 are the only registers used before the frame is saved (the
 * hypervisor keeps them across the mfc0/mtc0 it emulates here). */
#include "asmdefs.h"

        .set    noreorder
        .set    noat

        .section .text.vectors, "ax", @progbits
        .globl  rtos_vectors
rtos_vectors:
        .org    0x000                   /* TLB refill */
        j       exc_entry
         nop
        .org    0x180                   /* general exception, interrupts (Cause.IV = 0) */
        j       exc_entry
         nop
        .org    0x200
        j       exc_entry
         nop

        .text
        .globl  exc_entry
exc_entry:
        lui     $k0, %hi(rtos_cur)
        lw      $k0, %lo(rtos_cur)($k0)
        sw      $1, 4($k0)
        sw      $2, 8($k0)
        sw      $3, 12($k0)
        sw      $4, 16($k0)
        sw      $5, 20($k0)
        sw      $6, 24($k0)
        sw      $7, 28($k0)
        sw      $8, 32($k0)
        sw      $9, 36($k0)
        sw      $10, 40($k0)
        sw      $11, 44($k0)
        sw      $12, 48($k0)
        sw      $13, 52($k0)
        sw      $14, 56($k0)
        sw      $15, 60($k0)
        sw      $16, 64($k0)
        sw      $17, 68($k0)
        sw      $18, 72($k0)
        sw      $19, 76($k0)
        sw      $20, 80($k0)
        sw      $21, 84($k0)
        sw      $22, 88($k0)
        sw      $23, 92($k0)
        sw      $24, 96($k0)
        sw      $25, 100($k0)
        sw      $28, 112($k0)
        sw      $29, 116($k0)
        sw      $30, 120($k0)
        sw      $31, 124($k0)
        mfhi    $k1
        sw      $k1, FRAME_HI($k0)
        mflo    $k1
        sw      $k1, FRAME_LO($k0)
        mfc0    $k1, C0_EPC
        sw      $k1, FRAME_EPC($k0)
        mfc0    $k1, C0_STATUS
        sw      $k1, FRAME_STATUS($k0)
        la      $sp, exc_stack_top
        mfc0    $a0, C0_CAUSE
        jal     exc_dispatch            /* (cause) */
         mfc0   $a1, C0_BADVADDR
        /* fall through */

/* Returns into the thread rtos_cur names (also the first switch, from rtos_start). */
        .globl  exc_return
exc_return:
        lui     $k0, %hi(rtos_cur)
        lw      $k0, %lo(rtos_cur)($k0)
        lw      $k1, FRAME_STATUS($k0)  /* EXL set: still atomic until the ERET */
        mtc0    $k1, C0_STATUS
        lw      $k1, FRAME_EPC($k0)
        mtc0    $k1, C0_EPC
        lw      $k1, FRAME_HI($k0)
        mthi    $k1
        lw      $k1, FRAME_LO($k0)
        mtlo    $k1
        lw      $1, 4($k0)
        lw      $2, 8($k0)
        lw      $3, 12($k0)
        lw      $4, 16($k0)
        lw      $5, 20($k0)
        lw      $6, 24($k0)
        lw      $7, 28($k0)
        lw      $8, 32($k0)
        lw      $9, 36($k0)
        lw      $10, 40($k0)
        lw      $11, 44($k0)
        lw      $12, 48($k0)
        lw      $13, 52($k0)
        lw      $14, 56($k0)
        lw      $15, 60($k0)
        lw      $16, 64($k0)
        lw      $17, 68($k0)
        lw      $18, 72($k0)
        lw      $19, 76($k0)
        lw      $20, 80($k0)
        lw      $21, 84($k0)
        lw      $22, 88($k0)
        lw      $23, 92($k0)
        lw      $24, 96($k0)
        lw      $25, 100($k0)
        lw      $28, 112($k0)
        lw      $29, 116($k0)
        lw      $30, 120($k0)
        lw      $31, 124($k0)
        ehb
        eret

/* uint32_t kcall(num, a0, a1, a2): the system call of kernel threads (syscall.c). The
 * SYSCALL is never in a delay slot: the handler resumes at EPC + 4. */
        .globl  kcall
kcall:
        move    $v0, $a0
        move    $a0, $a1
        move    $a1, $a2
        move    $a2, $a3
        syscall
        jr      $ra
         nop

/* Exception tests (tests.c): each raises its exception at its first instruction. */
        .globl  do_break
do_break:
        break   7
        jr      $ra
         li     $v0, 1

        .globl  do_load                 /* uint32_t do_load(uint32_t addr) */
do_load:
        lw      $v0, 0($a0)
        jr      $ra
         nop

        .globl  do_reserved
do_reserved:
        .word   0xDC000000              /* ld $0, 0($0): MIPS64 only, RI on MIPS32 */
        jr      $ra
         nop

        .globl  get_sp
get_sp:
        jr      $ra
         move   $v0, $sp

        .bss
        .balign 16
exc_stack:
        .space  4096
exc_stack_top:
