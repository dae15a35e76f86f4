/* The hypervisor's first instructions.
 *
 * The boot ROM's boot_handoff jumps here the way QEMU's -kernel starts Linux: a0..a3 =
 * argc, argv, envp, RAM size; kernel mode, Status = BEV alone (interrupts masked, vectors
 * still in the boot ROM), Config.K0 = 2 (kseg0 uncached), caches clean. In order:
 *
 *   1. keep a0..a3 in saved registers (nothing may touch them before .bss is clear)
 *   2. kseg0 cacheable again (Config.K0 = 3), changed from the kseg1 alias of this code
 *   3. clear .bss (the boot ROM's loader zeroes it too; other loaders may not)
 *   4. EBase = our vectors (exception.S), then BEV = 0: from here every exception is ours
 *   5. sp = the top of the main thread's stack (hthread.c adopts this context as thread 0)
 *   6. hv_main(argc, argv, envp, memsize); it does not return */
#include "board.h"

#define CP0_STATUS      $12
#define CP0_EBASE       $15, 1
#define CP0_CONFIG      $16
#define CONFIG_K0_CACHEABLE 3           /* cacheable, non-coherent, write-back */
#define HTHREAD_STACK_SIZE 8192         /* hthread.h */

        .set    noreorder
        .section .text.start, "ax", @progbits
        .globl  _start
        .type   _start, @function
_start:
        move    $s0, $a0
        move    $s1, $a1
        move    $s2, $a2
        move    $s3, $a3

        /* Config.K0 decides how this very code is fetched: change it from kseg1. */
        la      $t0, 1f
        li      $t1, KSEG1 - KSEG0
        or      $t0, $t0, $t1
        jr      $t0
         nop
1:      mfc0    $t0, CP0_CONFIG
        li      $t1, CONFIG_K0_CACHEABLE
        ins     $t0, $t1, 0, 3
        mtc0    $t0, CP0_CONFIG
        la      $t0, 2f
        jr.hb   $t0                     /* back to kseg0, with the new K0 in effect */
         nop

2:      la      $t0, _bss_start
        la      $t1, _bss_end
3:      beq     $t0, $t1, 4f
         nop
        sw      $zero, 0($t0)
        b       3b
         addiu  $t0, $t0, 4

        /* EBase may only be changed while BEV = 1 (MIPS32 Vol. III, EBase): it is. */
4:      la      $t0, exc_vectors
        mtc0    $t0, CP0_EBASE
        ehb
        mtc0    $zero, CP0_STATUS       /* BEV = 0, kernel mode, all interrupts masked */
        ehb

        la      $sp, hthread_stacks + HTHREAD_STACK_SIZE - 16
        move    $a0, $s0
        move    $a1, $s1
        move    $a2, $s2
        jal     hv_main
         move   $a3, $s3
5:      b       5b                      /* hv_main does not return */
         nop
        .size   _start, . - _start
