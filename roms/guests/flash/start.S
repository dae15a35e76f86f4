/* The flash test guest's entry (flash.c): loaded at GPA 0x1000 and started there with
 * Status = BEV | ERL and a0 = the size of its RAM. It takes no exceptions and keeps
 * nothing in .data or .bss (flash.ld): a stack at the top of its RAM is all it needs. */
        .set    noreorder

        .section .text.start, "ax", @progbits
        .globl  _start
_start:
        addiu   $sp, $a0, -16           /* the top of its RAM: kseg0 real = GPA */
        jal     flash_main
         nop
1:      b       1b
         nop
