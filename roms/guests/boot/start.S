/* The guest boot stage's entry: the VCPU's reset vector, arch 0xBFC00000 (real 0x3FC00000,
 * the uncached kseg1 view of GPA 0x1FC00000), entered as after a reset with Status =
 * BEV | ERL, a0 = the size of the guest's RAM and a1 = the mode word of the guest table
 * (../../hv/guests.S), to be handed on to the kernel. It runs from its read-only "ROM": the
 * stack is the top of RAM (kseg0 real = GPA), below which the kernel will not be loaded.
 * boot_main (boot.c) never returns: it jumps to the kernel or resets the board. */
        .set    noreorder

        .section .text.start, "ax", @progbits
        .globl  _start
_start:
        addiu   $sp, $a0, -16
        jal     boot_main
         nop
1:      b       1b
         nop

/* With Status.BEV set every exception but the TLB refill comes to 0xBFC00380 (the
 * refill to 0xBFC00200): the boot stage takes none on purpose, so either one is a bug
 * in it or in the image it loads. boot_exception (boot.c) reports and resets. */
        .org    0x200
        j       boot_exception
         nop
        .org    0x380
        j       boot_exception
         nop
