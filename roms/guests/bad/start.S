/* The bad guest: misbehaves on purpose so that the hypervisor's containment can be seen
 * (issue 8, "Bad guests"; the watchdog in ../../hv/vcpu.c). Entered like every guest at
 * GPA 0x1000 in its kernel mode with Status = BEV | ERL, a0 = its RAM size, and a1 = the
 * behaviour its guest-table entry chose (../../hv/guests.S):
 *   0 "bad"      runs garbage words (its handler skips them: that is allowed), then
 *                writes nonsense into its Status (BEV, ERL, EXL, UM, every IM: interrupts
 *                off) and spins forever without a trap;
 *   1 "badjump"  jumps to an address where nothing is, with no exception handler (BEV
 *                vectors in a boot ROM it does not have): every exception faults again.
 * Linked at its real addresses (kseg0 real 0x00000000 = arch 0x80000000); it prints
 * through the virtual 16550 at kseg1 (real 0x380003F8 = arch 0xB80003F8). */
#define C0_STATUS       $12
#define C0_EPC          $14
#define C0_EBASE        $15, 1
#define UART_THR        0x380003F8

        .set    noreorder
        .set    noat

        .section .text.start, "ax", @progbits
        .globl  _start
_start:
        addiu   $sp, $a0, -16           /* the top of its RAM */
        move    $s7, $a1
        la      $a0, msg_up
        jal     puts
         nop
        bnez    $s7, jump_nowhere
         nop

        /* 0: garbage words, which its handler (EBase 0x80002000) counts and skips. */
        li      $t0, 0x80002000
        mtc0    $t0, C0_EBASE
        mtc0    $zero, C0_STATUS        /* BEV, ERL off: its own vectors */
        ehb
        move    $s0, $zero
        .word   0xFFFFFFFF              /* SD (MIPS64): reserved in MIPS32 */
        .word   0xDC000000              /* LD: reserved in MIPS32 */
        .word   0xFC0000FF              /* SD again */
        la      $a0, msg_garbage
        jal     puts
         nop
        addiu   $a0, $s0, '0'           /* how many came back through the handler */
        jal     putc
         nop
        jal     putc
         li     $a0, '\n'
        la      $a0, msg_status
        jal     puts
         nop
        li      $t0, -1
        mtc0    $t0, C0_STATUS
        ehb
spin:   b       spin                    /* interrupts off, no trap: only the watchdog */
         nop

        /* 1: arch 0x90000000 = GPA 0x10000000, beyond its 16 MiB: a bus error on fetch,
         * whose BEV vector (0xBFC00380) is no memory either. */
jump_nowhere:
        la      $a0, msg_jump
        jal     puts
         nop
        li      $t0, 0x10000000
        jr      $t0
         nop

/* puts(a0): a NUL-terminated string. putc(a0): one character. */
puts:   move    $t2, $ra
        move    $t3, $a0
1:      lbu     $a0, 0($t3)
        beqz    $a0, 2f
         nop
        jal     putc
         addiu  $t3, $t3, 1
        b       1b
         nop
2:      jr      $t2
         nop

putc:   li      $t0, UART_THR
        jr      $ra
         sb     $a0, 0($t0)

/* ---- Vectors (EBase = arch 0x80002000): every exception skips the instruction --------- */
        .section .text.vectors, "ax", @progbits
        .globl  guest_vectors
guest_vectors:
        .org    0x000
        b       skip
         nop
        .org    0x180
        b       skip
         nop
        .org    0x200
        b       skip
         nop
skip:   addiu   $s0, $s0, 1
        mfc0    $k0, C0_EPC
        addiu   $k0, $k0, 4
        mtc0    $k0, C0_EPC
        ehb
        eret

        .section .rodata
msg_up:         .asciz  "bad: up, misbehaving on purpose\n"
msg_garbage:    .asciz  "bad: garbage words reflected and skipped: "
msg_status:     .asciz  "bad: Status <- 0xffffffff, spinning with interrupts off\n"
msg_jump:       .asciz  "bad: jumping to arch 0x90000000 with no exception handler\n"
