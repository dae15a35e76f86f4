/* Exception vectors, entry and exit.
 *
 * start.S points EBase at exc_vectors with Cause.IV = 0, so the CPU comes to +0x000 (TLB
 * refill of a kuseg/kseg2 address) or +0x180 (everything else, interrupts included); +0x200
 * is the interrupt vector should IV ever be set. All of them take the same path:
 *
 *   exc_entry    switch to the interrupt stack, save the whole register frame (frame.h)
 *                there, call exc_dispatch(frame) in C with EXL still set (no nesting:
 *                interrupts stay off, EPC stays ours)
 *   exc_restore  restore the frame exc_dispatch returned and ERET into it. When the
 *                scheduler preempted the thread, that is another thread's frame (kept in
 *                its hthread_t), and the ERET lands in that thread: this is how preemption
 *                switches threads. hthread.c also jumps here, from thread context, to
 *                resume a preempted thread from a cooperative switch.
 *
 * An exception while already on the interrupt stack (a bug in a handler) builds its frame
 * below the current one, so the first frame survives and exc_dispatch can report both.
 * k0 and k1 are saved and restored like the other registers (a guest's exception handler
 * uses them across its own trapped instructions); ErrorEPC is this file's scratch. */
#include "frame.h"

#define CP0_BADVADDR    $8
#define CP0_STATUS      $12
#define CP0_CAUSE       $13
#define CP0_EPC         $14
#define CP0_ERROREPC    $30
#define ST_EXL          0x2
#define ST_UM           0x10

        .set    noreorder
        .set    noat

/* ---- The vectors ---------------------------------------------------------------------- */
        .section .text.vectors, "ax", @progbits
        .balign 4096                    /* EBase keeps only bits 29:12 */
        .globl  exc_vectors
exc_vectors:
        .org    0x000                   /* TLB refill (EXL = 0) */
        j       exc_entry
         nop
        .org    0x180                   /* general exception; interrupts with IV = 0 */
        j       exc_entry
         nop
        .org    0x200                   /* interrupts with IV = 1 (not used) */
        j       exc_entry
         nop

/* ---- Entry ---------------------------------------------------------------------------- */
        .text
exc_entry:
        /* k0/k1 are scratch for this file only while the hypervisor runs; a guest's are its
         * own (its exception handlers live in them), so they are kept in the frame too:
         * k0 goes through ErrorEPC (the hypervisor never runs with ERL set, so nothing
         * else needs that register) while k1 is stored, then both go to exc_ksave. */
        mtc0    $k0, CP0_ERROREPC
        lui     $k0, %hi(exc_ksave)
        sw      $k1, %lo(exc_ksave + 4)($k0)
        ehb
        mfc0    $k1, CP0_ERROREPC
        sw      $k1, %lo(exc_ksave)($k0)
        move    $k1, $sp
        /* From user mode (a guest: the hypervisor runs in kernel mode) the stack pointer
         * is the guest's, whatever its value: always the top of the interrupt stack. */
        mfc0    $k0, CP0_STATUS
        andi    $k0, $k0, ST_UM
        bnez    $k0, 2f
         nop
        la      $k0, irq_stack
        subu    $k0, $sp, $k0
        sltiu   $k0, $k0, IRQ_STACK_SIZE        /* already on the interrupt stack? */
        bnez    $k0, 1f
         addiu  $sp, $sp, -(FRAME_SIZE + ARGSAVE_SIZE)
2:      la      $sp, irq_stack + IRQ_STACK_SIZE - FRAME_SIZE - ARGSAVE_SIZE
1:
#define F(n) ARGSAVE_SIZE + FRAME_GPR(n)($sp)
        sw      $zero, F(0)
        .irp    n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 28, 30, 31
        sw      $\n, F(\n)
        .endr
        sw      $k1, F(29)              /* the stack pointer before the exception */
        la      $k0, exc_ksave
        lw      $k1, 0($k0)
        sw      $k1, F(26)
        lw      $k1, 4($k0)
        sw      $k1, F(27)
        mfhi    $t0
        sw      $t0, ARGSAVE_SIZE + FRAME_HI($sp)
        mflo    $t0
        sw      $t0, ARGSAVE_SIZE + FRAME_LO($sp)
        mfc0    $t0, CP0_EPC
        sw      $t0, ARGSAVE_SIZE + FRAME_EPC($sp)
        mfc0    $t0, CP0_STATUS
        sw      $t0, ARGSAVE_SIZE + FRAME_STATUS($sp)
        mfc0    $t0, CP0_CAUSE
        sw      $t0, ARGSAVE_SIZE + FRAME_CAUSE($sp)
        mfc0    $t0, CP0_BADVADDR
        sw      $t0, ARGSAVE_SIZE + FRAME_BADVADDR($sp)
#undef F
        jal     exc_dispatch
         addiu  $a0, $sp, ARGSAVE_SIZE
        move    $a0, $v0
        /* fall through */

        .section .bss
        .balign 8
exc_ksave:                              /* k0, k1 on the way in (one CPU, no nesting) */
        .space  8
        .text

/* ---- Exit: void exc_restore(const hv_frame_t *frame) ------------------------------------ */
        .globl  exc_restore
        .type   exc_restore, @function
exc_restore:
        move    $k1, $a0
        /* EXL first: from here interrupts are off whatever IE says, and EPC is safe to set.
         * Coming from thread context this is also what makes the ERET legal. */
        lw      $k0, FRAME_STATUS($k1)
        ori     $k0, $k0, ST_EXL
        mtc0    $k0, CP0_STATUS
        ehb
        lw      $k0, FRAME_EPC($k1)
        mtc0    $k0, CP0_EPC
        lw      $k0, FRAME_HI($k1)
        mthi    $k0
        lw      $k0, FRAME_LO($k1)
        mtlo    $k0
        .irp    n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 28, 30, 31
        lw      $\n, FRAME_GPR(\n)($k1)
        .endr
        lw      $sp, FRAME_GPR(29)($k1)
        lw      $k0, FRAME_GPR(26)($k1)
        lw      $k1, FRAME_GPR(27)($k1) /* the frame's address, last */
        ehb                             /* EPC written above must be seen by the ERET */
        eret
        .size   exc_restore, . - exc_restore
