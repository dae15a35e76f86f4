/* The test kernel's entry: keep what the boot ROM handed over (a0..a3, sp, Status, Config,
 * the PC we were entered at) before anything changes it, check that .bss came zeroed, then
 * call argkernel_main on a stack of our own. */
        .set    noreorder
        .section .text.start, "ax", @progbits
        .globl  _start
_start:
        la      $t0, entry_regs
        sw      $a0, 0($t0)
        sw      $a1, 4($t0)
        sw      $a2, 8($t0)
        sw      $a3, 12($t0)
        sw      $sp, 16($t0)
        mfc0    $t1, $12                /* Status */
        sw      $t1, 20($t0)
        mfc0    $t1, $16                /* Config */
        sw      $t1, 24($t0)
        bal     1f                      /* where are we running? */
         nop
1:      addiu   $ra, $ra, _start - 1b   /* back to _start, wherever we run */
        sw      $ra, 28($t0)
        /* .bss must be zero: the loader clears it. Count the non-zero words. */
        la      $t1, _bss_start
        la      $t2, _bss_end
        move    $t3, $zero
2:      beq     $t1, $t2, 3f
         nop
        lw      $t4, 0($t1)
        addiu   $t1, $t1, 4
        b       2b
         or     $t3, $t3, $t4
3:      sw      $t3, 32($t0)
        la      $sp, stack_top - 16
        la      $t9, argkernel_main
        jalr    $t9
         nop
4:      b       4b
         nop

        .section .data
        .globl  entry_regs
        .balign 4
entry_regs:                     /* a0 a1 a2 a3 sp status config pc bss_nonzero */
        .space  9 * 4

        .section .bss
        .balign 16
        .space  8192
stack_top:
