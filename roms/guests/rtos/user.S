/* User programs: position-independent code copied to a user task's code page (kuseg
 * USER_BASE, mapped through the guest TLB) and run in guest user mode. Arguments in
 * a0..a2; system calls as the kernel threads make them (number in v0). */
#include "asmdefs.h"

        .set    noreorder

        .text
        .balign 16
        .globl  user_code, user_code_end
        .globl  uprog_hello, uprog_asid, uprog_load, uprog_priv
user_code:

/* a0 = a message, a1 = its length, a2 = iterations of a computation done twice and
 * compared, over and over until 3 ticks have passed (so ticks preempt it in user mode):
 * write the message, compute, sleep 2 ticks, exit with 7 when every comparison held. */
uprog_hello:
        li      $v0, USYS_WRITE
        syscall
        li      $v0, USYS_TICKS
        syscall
        addiu   $s0, $v0, 3             /* until this tick */
        li      $s1, 0                  /* the sum of differences: 0 */
1:      move    $t0, $a2                /* sum n..1 */
        li      $t1, 0
2:      addu    $t1, $t1, $t0
        addiu   $t0, $t0, -1
        bnez    $t0, 2b
         nop
        li      $t2, 0                  /* sum 1..n */
3:      addiu   $t0, $t0, 1
        bne     $t0, $a2, 3b
         addu   $t2, $t2, $t0
        subu    $t1, $t1, $t2
        addu    $s1, $s1, $t1
        li      $v0, USYS_TICKS
        syscall
        subu    $v0, $v0, $s0
        bltz    $v0, 1b
         nop
        li      $v0, USYS_SLEEP
        li      $a0, 2
        syscall
        li      $v0, USYS_EXIT
        addiu   $a0, $s1, 7
        syscall
4:      b       4b
         nop

/* a0 = its data word (its id), a1 = rounds: each round stores the round in the next word,
 * yields, and checks both words; exits with the id, or 0xBAD when its page changed. */
uprog_asid:
        lw      $t0, 0($a0)
        li      $t1, 0
1:      sw      $t1, 4($a0)
        move    $s0, $a0
        li      $v0, USYS_YIELD
        syscall
        move    $a0, $s0
        lw      $t2, 0($a0)
        bne     $t2, $t0, 2f
         nop
        lw      $t2, 4($a0)
        bne     $t2, $t1, 2f
         nop
        addiu   $t1, $t1, 1
        bne     $t1, $a1, 1b
         nop
        li      $v0, USYS_EXIT
        move    $a0, $t0
        syscall
2:      li      $v0, USYS_EXIT
        li      $a0, 0xBAD
        syscall
3:      b       3b
         nop

/* a0 = an address to load from: the task is killed there (it must not reach the exit). */
uprog_load:
        lw      $t0, 0($a0)
        li      $v0, USYS_EXIT
        li      $a0, 0
        syscall
1:      b       1b
         nop

/* A privileged instruction in user mode: Coprocessor Unusable, killed. */
uprog_priv:
        mfc0    $t0, C0_STATUS
        li      $v0, USYS_EXIT
        li      $a0, 0
        syscall
1:      b       1b
         nop

        .balign 16
user_code_end:
