/* The exitbench guest's assembly: entry, its exception vectors and the three timed loops.
 *
 * Entered at _start (arch 0x80001000) with Status = BEV | ERL and a0 = the RAM size. The
 * vectors (EBase = arch 0x80002000, set by exitbench.c) are as small as a guest kernel's
 * can be, so what the loops measure is the hypervisor's cost:
 *   refill (EBase + 0x000): every kseg2 page pair maps to GPA 0x00800000/0x00801000:
 *           EntryLo0/1 written, TLBWR, ERET (EntryHi is the hardware's: the faulting VPN2);
 *           counts itself in eb_refills;
 *   general (EBase + 0x180): a SYSCALL returns past itself (EPC + 4, ERET); anything else
 *           is a bug: eb_fatal_cause records the Cause and the guest resets. */
#include "gstart.h"
#define C0_ENTRYLO0     $2
#define C0_ENTRYLO1     $3
#define C0_COUNT        $9
#define C0_CAUSE        $13
#define C0_EPC          $14
#define EXC_SYS         8
#define SOFTRES         0x3F000500      /* arch 0xBF000500 */
/* PFN of GPA 0x00800000 / 0x00801000, cacheable (C = 3), D, V, not global. */
#define LO0             ((0x00800000 >> 12) << 6 | 3 << 3 | 4 | 2)
#define LO1             ((0x00801000 >> 12) << 6 | 3 << 3 | 4 | 2)

        .set    noreorder
        .set    noat

        .section .text.start, "ax", @progbits
        .globl  _start
_start:
        addiu   $sp, $a0, -16
        clear_bss
        jal     exitbench_main
         nop
        li      $t0, SOFTRES
        li      $t1, 0x42
        sw      $t1, 0($t0)
3:      b       3b
         nop

        .section .text.vectors, "ax", @progbits
        .globl  exitbench_vectors
exitbench_vectors:
        li      $k0, LO0                        /* 0x000: TLB refill */
        mtc0    $k0, C0_ENTRYLO0
        li      $k0, LO1
        mtc0    $k0, C0_ENTRYLO1
        lui     $k1, %hi(eb_refills)
        lw      $k0, %lo(eb_refills)($k1)
        addiu   $k0, $k0, 1
        sw      $k0, %lo(eb_refills)($k1)
        tlbwr
        eret

        .org    0x180                           /* general exception */
        mfc0    $k0, C0_CAUSE
        andi    $k0, $k0, 0x7C
        xori    $k0, $k0, EXC_SYS << 2
        bnez    $k0, 9f
         nop
        mfc0    $k0, C0_EPC
        addiu   $k0, $k0, 4
        mtc0    $k0, C0_EPC
        eret
9:      mfc0    $k0, C0_CAUSE
        lui     $k1, %hi(eb_fatal_cause)
        sw      $k0, %lo(eb_fatal_cause)($k1)
        li      $k0, SOFTRES
        li      $k1, 0x42
        sw      $k1, 0($k0)
10:     b       10b
         nop

        .text
/* uint32_t eb_syscalls(uint32_t n): n SYSCALLs; returns the Count cycles they took. */
        .globl  eb_syscalls
eb_syscalls:
        mfc0    $v0, C0_COUNT
1:      syscall
        addiu   $a0, $a0, -1
        bnez    $a0, 1b
         nop
        mfc0    $v1, C0_COUNT
        jr      $ra
         subu   $v0, $v1, $v0

/* uint32_t eb_mfc0s(uint32_t n): n MFC0s (of Count); returns the Count cycles they took. */
        .globl  eb_mfc0s
eb_mfc0s:
        mfc0    $v0, C0_COUNT
1:      mfc0    $t0, C0_COUNT
        addiu   $a0, $a0, -1
        bnez    $a0, 1b
         nop
        mfc0    $v1, C0_COUNT
        jr      $ra
         subu   $v0, $v1, $v0

/* uint32_t eb_touch(uint32_t n, uint32_t pairs): n loads, one per 8 KiB page pair of kseg2
 * (arch 0xC0000000 = real 0x40000000) cycling through `pairs` of them, far more than the
 * guest TLB holds, so nearly every load takes a refill; returns the Count cycles taken. */
        .globl  eb_touch
eb_touch:
        mfc0    $v0, C0_COUNT
        lui     $t1, 0x4000                     /* real 0x40000000 */
        move    $t2, $zero                      /* pair index */
1:      sll     $t3, $t2, 13
        addu    $t3, $t3, $t1
        lw      $t4, 0($t3)
        addiu   $t2, $t2, 1
        bne     $t2, $a1, 2f
         nop
        move    $t2, $zero
2:      addiu   $a0, $a0, -1
        bnez    $a0, 1b
         nop
        mfc0    $v1, C0_COUNT
        jr      $ra
         subu   $v0, $v1, $v0
