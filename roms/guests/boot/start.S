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

/* bool boot_rom_probe(volatile uint32_t *addr): stores a different value over the word at
 * addr and returns true when the store took an exception (the vector below skips it). The
 * caller clears ERL first: an ERET with ERL set would return to ErrorEPC. */
        .globl  boot_rom_probe
boot_rom_probe:
        move    $v0, $zero
        lw      $t0, 0($a0)
        addiu   $t0, $t0, 1
boot_rom_probe_store:
        sw      $t0, 0($a0)
        jr      $ra
         nop

/* With Status.BEV set every exception but the TLB refill comes to 0xBFC00380 (the
 * refill to 0xBFC00200). The only one the boot stage takes on purpose is the bus error of
 * boot_rom_probe's store: EPC + 4, v0 = 1, ERET. Anything else is a bug in the stage or in
 * the image it loads: boot_exception (boot.c) reports and resets. */
        .set    noat
        .org    0x200
        j       boot_exception
         nop
        .org    0x380
        mfc0    $k0, $14                        /* EPC, arch: kseg1 0xBFC0xxxx */
        ins     $k0, $zero, 31, 1               /* its real address 0x3FC0xxxx */
        la      $k1, boot_rom_probe_store
        bne     $k0, $k1, 1f
         nop
        mfc0    $k0, $14
        addiu   $k0, $k0, 4
        mtc0    $k0, $14
        li      $v0, 1
        eret
1:      j       boot_exception
         nop
