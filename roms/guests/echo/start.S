/* The echo guest's assembly: entry, the interrupt vector, and its CP0 set-up.
 * Real addresses (echo.ld); entered at _start with Status = BEV | ERL, a0 = its RAM size. */
#include "gstart.h"
#define C0_STATUS       $12
#define C0_EBASE        $15, 1

        .set    noreorder
        .set    noat

        .section .text.start, "ax", @progbits
        .globl  _start
_start:
        addiu   $sp, $a0, -16           /* the top of its RAM: kseg0 real = GPA */
        clear_bss
        jal     echo_main
         nop
3:      b       3b
         nop

/* ---- Vectors (EBase = arch 0x80002000): only interrupts are expected ----------------- */
        .section .text.vectors, "ax", @progbits
        .globl  echo_vectors
echo_vectors:
        .org    0x180                   /* general exception: Cause.IV = 0 */
        j       irq_entry
         nop

        .text
/* The caller-saved registers on the interrupted stack, echo_irq(), back with ERET. */
irq_entry:
        addiu   $sp, $sp, -80
        sw      $at, 16($sp)
        sw      $v0, 20($sp)
        sw      $v1, 24($sp)
        sw      $a0, 28($sp)
        sw      $a1, 32($sp)
        sw      $a2, 36($sp)
        sw      $a3, 40($sp)
        sw      $t0, 44($sp)
        sw      $t1, 48($sp)
        sw      $t2, 52($sp)
        sw      $t3, 56($sp)
        sw      $t4, 60($sp)
        sw      $t5, 64($sp)
        sw      $t6, 68($sp)
        sw      $t7, 72($sp)
        sw      $ra, 76($sp)
        mfhi    $t0
        sw      $t0, 0($sp)
        mflo    $t0
        sw      $t0, 4($sp)
        sw      $t8, 8($sp)
        jal     echo_irq
         sw     $t9, 12($sp)
        lw      $t0, 0($sp)
        mthi    $t0
        lw      $t0, 4($sp)
        mtlo    $t0
        lw      $t8, 8($sp)
        lw      $t9, 12($sp)
        lw      $at, 16($sp)
        lw      $v0, 20($sp)
        lw      $v1, 24($sp)
        lw      $a0, 28($sp)
        lw      $a1, 32($sp)
        lw      $a2, 36($sp)
        lw      $a3, 40($sp)
        lw      $t0, 44($sp)
        lw      $t1, 48($sp)
        lw      $t2, 52($sp)
        lw      $t3, 56($sp)
        lw      $t4, 60($sp)
        lw      $t5, 64($sp)
        lw      $t6, 68($sp)
        lw      $t7, 72($sp)
        lw      $ra, 76($sp)
        addiu   $sp, $sp, 80
        eret

/* void cp0_setup(uint32_t status): EBase to the vectors, then Status. */
        .globl  cp0_setup
cp0_setup:
        li      $t0, 0x80002000
        mtc0    $t0, C0_EBASE
        mtc0    $a0, C0_STATUS
        ehb
        jr      $ra
         nop
