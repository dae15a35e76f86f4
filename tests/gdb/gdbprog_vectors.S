/* gdbprog's exception vectors (Status.BEV = 0, EBase = gdbprog_ebase) and its SYSCALL.
 *
 * The general exception vector (EBase + 0x180) counts timer interrupts and re-arms the
 * timer one period after the previous match (Compare += period), counts SYSCALLs and
 * returns after them, and records anything else in bad_exception[] before resetting the
 * board. It uses k0, k1, t0 and t1, the last two saved in irq_save. */

#define CP0_COUNT       $9
#define CP0_COMPARE     $11
#define CP0_CAUSE       $13
#define CP0_EPC         $14

#define EXC_INT         0
#define EXC_SYS         8

        .set    noreorder
        .set    noat

        .section .text.gdbprog_vectors, "ax", @progbits
        .balign 4096
        .globl  gdbprog_ebase
gdbprog_ebase:
        /* EBase + 0x000: TLB refill; nothing here uses the TLB. */
        b       gdbprog_unexpected
         nop
        .org    0x180
        .globl  gdbprog_general_vector
gdbprog_general_vector:
        mfc0    $k0, CP0_CAUSE
        andi    $k0, $k0, 0x7c
        beqz    $k0, gdbprog_timer
         li     $k1, EXC_SYS << 2
        bne     $k0, $k1, gdbprog_unexpected
         nop
        /* SYSCALL (never in a delay slot here): count it and go on after it. */
        la      $k1, syscalls
        lw      $k0, 0($k1)
        addiu   $k0, $k0, 1
        sw      $k0, 0($k1)
        mfc0    $k0, CP0_EPC
        addiu   $k0, $k0, 4
        mtc0    $k0, CP0_EPC
        ehb
        eret

gdbprog_timer:
        la      $k1, irq_save
        sw      $t0, 0($k1)
        sw      $t1, 4($k1)
        la      $t0, ticks
        lw      $t1, 0($t0)
        addiu   $t1, $t1, 1
        sw      $t1, 0($t0)
        /* Compare += period; writing Compare also clears the interrupt. */
        la      $t0, timer_period
        lw      $t1, 0($t0)
        mfc0    $t0, CP0_COMPARE
        addu    $t0, $t0, $t1
        mtc0    $t0, CP0_COMPARE
        /* If Count is already past the new Compare, the match would come only after
         * Count wraps: count a late tick and re-arm from now. */
        mfc0    $k0, CP0_COUNT
        subu    $t1, $k0, $t0
        bltz    $t1, 1f
         nop
        la      $t0, late_ticks
        lw      $t1, 0($t0)
        addiu   $t1, $t1, 1
        sw      $t1, 0($t0)
        la      $t0, timer_period
        lw      $t1, 0($t0)
        addu    $t0, $k0, $t1
        mtc0    $t0, CP0_COMPARE
1:      lw      $t0, 0($k1)
        lw      $t1, 4($k1)
        ehb
        eret

gdbprog_unexpected:
        la      $k1, bad_exception
        mfc0    $k0, CP0_CAUSE
        sw      $k0, 0($k1)
        mfc0    $k0, CP0_EPC
        sw      $k0, 4($k1)
        la      $k0, board_reset
        jr      $k0
         nop

        .text
        .globl  gdbprog_syscall
        .type   gdbprog_syscall, @function
        .ent    gdbprog_syscall
gdbprog_syscall:
        .globl  gdbprog_syscall_insn
gdbprog_syscall_insn:
        syscall
        .globl  gdbprog_after_syscall
gdbprog_after_syscall:
        jr      $ra
         nop
        .end    gdbprog_syscall
        .size   gdbprog_syscall, . - gdbprog_syscall

        .bss
        .balign 4
irq_save:
        .space  8
