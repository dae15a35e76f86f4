/* The kbench guest's entry: from the hypervisor at GPA 0x1000 (real = GPA in its kseg0
 * window) with Status = BEV | ERL and a0 = the size of its RAM. Like the bare-metal
 * runtime's start-up (tests/baremetal/start.S) minus what the hypervisor already did (the
 * copy to RAM) or does not offer (the caches are the host's): .bss cleared, a stack at the
 * top of RAM, kseg0 cacheable (Config.K0 = 3: the guest's kseg0 is uncached after reset,
 * as on a board), Status = IE alone (BEV and ERL cleared, every interrupt masked: the
 * hypervisor's watchdog stops a guest that computes with interrupts off, ../../hv/vcpu.c),
 * main(), then the FPGA software reset ends the guest. */
#include "gstart.h"
#define C0_CONFIG       $16
#define C0_STATUS       $12
#define ST_IE           1
#define SOFTRES         0x3F000500      /* arch 0xBF000500 */

        .set    noreorder

        .section .text.start, "ax", @progbits
        .globl  _start
_start:
        addiu   $sp, $a0, -16
        mfc0    $t0, C0_CONFIG
        ins     $t0, $zero, 0, 3
        ori     $t0, $t0, 3
        mtc0    $t0, C0_CONFIG
        li      $t0, ST_IE
        mtc0    $t0, C0_STATUS
        clear_bss
        jal     main
         nop
        li      $t0, SOFTRES
        li      $t1, 0x42
        sw      $t1, 0($t0)
3:      b       3b
         nop
