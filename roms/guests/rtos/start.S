/* The rtos guest's entry: from the hypervisor at GPA 0x1000 (real = GPA in its kseg0
 * window) with Status = BEV | ERL and a0 = the size of its RAM. Clears .bss, and runs
 * rtos_main on a boot stack at the top of its RAM; rtos_main never returns. */
#include "gstart.h"
        .set    noreorder

        .section .text.start, "ax", @progbits
        .globl  _start
_start:
        addiu   $sp, $a0, -16
        move    $s0, $a0
        clear_bss
        jal     rtos_main
         move   $a0, $s0
3:      b       3b
         nop
