/* kseg bare-metal runtime: reset vector and start-up code (Malta, MIPS32r2 LE).
 *
 * The image is linked to run from RAM (kseg0) but is stored in the boot flash,
 * which the CPU sees at 0xBFC00000 (kseg1) after reset.  Everything in the
 * .reset section runs from flash; it sets up the CPU, copies .text, .rodata
 * and .data to their run addresses, clears .bss, sets the stack and calls
 * main() in RAM.  When main returns the board is reset through the Malta
 * software reset register (with -no-reboot the emulator then exits).
 *
 * Exceptions are taken with Status.BEV = 1, so their vectors are in flash
 * too.  Every vector prints the exception state on the CBUS UART with code
 * that only uses flash and the UART, then resets the board.
 */

#define CP0_BADVADDR    $8
#define CP0_STATUS      $12
#define CP0_CAUSE       $13
#define CP0_EPC         $14
#define CP0_CONFIG      $16

#define STATUS_BEV      0x00400000
#define CONF_CM_CACHABLE_NONCOHERENT 3

#define UART_BASE       0xBF000900      /* CBUS UART in kseg1 */
#define UART_LSR        0x28
#define UART_LSR_THRE   0x20
#define SOFTRES_ADDR    0xBF000500
#define SOFTRES_RESET   0x42

        .set    noreorder
        .set    noat

        .section .reset, "ax", @progbits

        .globl  _reset
        .type   _reset, @function
_reset:                                 /* 0xBFC00000 */
        b       reset_main
         nop
        .org    0x10
        /* On Malta this word reads as the board revision register, whatever
         * the image holds; nothing may execute or read it. */
        .word   0
        .size   _reset, . - _reset

/* Exception vectors for Status.BEV = 1.  k1 = vector offset. */
        .org    0x200                   /* TLB refill */
        b       exc_common
         li     $k1, 0x200
        .org    0x280                   /* XTLB refill (64-bit only) */
        b       exc_common
         li     $k1, 0x280
        .org    0x300                   /* cache error */
        b       exc_common
         li     $k1, 0x300
        .org    0x380                   /* general exception */
        b       exc_common
         li     $k1, 0x380
        .org    0x400                   /* interrupt, Cause.IV = 1 */
        b       exc_common
         li     $k1, 0x400
        .org    0x480                   /* EJTAG debug */
        b       exc_common
         li     $k1, 0x480

        .org    0x500
reset_main:
        /* Status: kernel mode, BEV kept, ERL/EXL/IE and all masks cleared. */
        li      $t0, STATUS_BEV
        mtc0    $t0, CP0_STATUS
        mtc0    $zero, CP0_CAUSE        /* IV = 0, no software interrupts */
        /* Config.K0: kseg0 cacheable, non-coherent. */
        mfc0    $t0, CP0_CONFIG
        li      $t1, CONF_CM_CACHABLE_NONCOHERENT
        ins     $t0, $t1, 0, 3
        mtc0    $t0, CP0_CONFIG
        ehb

        /* Copy .text/.rodata/.data from flash to RAM, a word at a time. */
        la      $t0, _image_load_start
        la      $t1, _image_start
        la      $t2, _image_end
        beq     $t1, $t2, 2f
         nop
1:      lw      $t3, 0($t0)
        addiu   $t0, $t0, 4
        addiu   $t1, $t1, 4
        bne     $t1, $t2, 1b
         sw     $t3, -4($t1)
2:
        /* Clear .bss. */
        la      $t1, _bss_start
        la      $t2, _bss_end
        beq     $t1, $t2, 4f
         nop
3:      addiu   $t1, $t1, 4
        bne     $t1, $t2, 3b
         sw     $zero, -4($t1)
4:
        la      $sp, _stack_top
        move    $fp, $zero

        /* .hb: the new Config.K0 and the freshly written code are visible
         * to instruction fetch from here on.  (Caches are neither initialised
         * nor flushed: this runtime is meant for emulators, which do not
         * model them.) */
        la      $t9, uart_init
        jalr.hb $t9
         nop
        la      $t9, main
        jalr    $t9
         nop

        .globl  _soft_reset
_soft_reset:
        li      $t0, SOFTRES_ADDR
        li      $t1, SOFTRES_RESET
        sw      $t1, 0($t0)
5:      b       5b
         nop

/* Print "EXCEPTION cause=.. epc=.. badvaddr=.. vector=.." and reset.
 * Uses only flash and the UART: it works even if RAM was never set up. */
exc_common:
        mfc0    $s0, CP0_CAUSE
        mfc0    $s1, CP0_EPC
        mfc0    $s2, CP0_BADVADDR
        move    $s3, $k1

        la      $a0, str_exc
        bal     rom_puts
         nop
        bal     rom_puthex
         move   $a0, $s0
        la      $a0, str_epc
        bal     rom_puts
         nop
        bal     rom_puthex
         move   $a0, $s1
        la      $a0, str_badvaddr
        bal     rom_puts
         nop
        bal     rom_puthex
         move   $a0, $s2
        la      $a0, str_vector
        bal     rom_puts
         nop
        bal     rom_puthex
         move   $a0, $s3
        la      $a0, str_nl
        bal     rom_puts
         nop
        b       _soft_reset
         nop

/* rom_putc: a0 = byte.  Clobbers t8, t9. */
rom_putc:
        li      $t8, UART_BASE
1:      lbu     $t9, UART_LSR($t8)
        andi    $t9, $t9, UART_LSR_THRE
        beqz    $t9, 1b
         nop
        jr      $ra
         sb     $a0, 0($t8)

/* rom_puts: a0 = NUL-terminated string.  Clobbers a0, t0, t8, t9, s7. */
rom_puts:
        move    $s7, $ra
        move    $t0, $a0
1:      lbu     $a0, 0($t0)
        beqz    $a0, 2f
         nop
        bal     rom_putc
         addiu  $t0, $t0, 1
        b       1b
         nop
2:      jr      $s7
         nop

/* rom_puthex: a0 = value, printed as 8 lower-case hex digits.
 * Clobbers a0, t2, t3, t4, t8, t9, s6. */
rom_puthex:
        move    $s6, $ra
        move    $t2, $a0
        li      $t3, 8
1:      srl     $a0, $t2, 28
        sltiu   $t4, $a0, 10
        bnez    $t4, 2f
         addiu  $a0, $a0, '0'
        addiu   $a0, $a0, 'a' - '0' - 10
2:      bal     rom_putc
         sll    $t2, $t2, 4
        addiu   $t3, $t3, -1
        bnez    $t3, 1b
         nop
        jr      $s6
         nop

str_exc:        .asciz  "\r\nEXCEPTION cause=0x"
str_epc:        .asciz  " epc=0x"
str_badvaddr:   .asciz  " badvaddr=0x"
str_vector:     .asciz  " vector=0x"
str_nl:         .asciz  "\r\n"
        .balign 16
