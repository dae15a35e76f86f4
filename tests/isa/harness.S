/*
 * harness.S - boot, exception vectors, result reporting and output for the ISA tests.
 * The API is described in harness.h; the memory layout in isa.ld.
 */
#include "harness.h"

#define UART_BASE       0xbf000900      /* CBUS 16550, registers 8 bytes apart */
#define UART_THR        0x00
#define UART_IER        0x08
#define UART_FCR        0x10
#define UART_LCR        0x18
#define UART_LSR        0x28
#define LSR_THRE        0x20
#define LSR_TEMT        0x40
#define SOFTRES_REG     0xbf000500      /* Malta software reset */
#define SOFTRES_MAGIC   0x42
#define RAM_VEC_BASE    0xa0000000      /* EBase reset value, through kseg1 */

/* Bounded polls: the output must not hang on a broken LSR, only become garbled. */
#define UART_POLL_LIMIT 100000

        .set noreorder

/* ---------------------------------------------------------------- vectors */

/*
 * Every vector is the same four instructions: fetch the hook pointer with $k0 and go.
 * They use absolute addresses only, so the harness can copy them to RAM for BEV=0.
 */
        .macro vector_stub ptr
        lui     $k0, %hi(\ptr)
        lw      $k0, %lo(\ptr)($k0)
        jr      $k0
        nop
        .endm

        /* 0xBFC00000.  The word at +0x10 reads as the board revision: jump over it. */
        .section .vec_reset, "ax"
        .globl harness_reset
harness_reset:
        b       harness_start
        nop

        .section .vec_refill, "ax"              /* +0x200: TLB refill, EXL=0 */
harness_vec_refill:
        vector_stub harness_refill_vec

        .section .vec_cacheerr, "ax"            /* +0x300: cache error, never hooked */
harness_vec_cacheerr:
        vector_stub harness_cacheerr_vec

        .section .vec_general, "ax"             /* +0x380: everything else */
harness_vec_general:
        vector_stub harness_exc_vec

        .section .vec_int, "ax"                 /* +0x400: interrupts when Cause.IV=1 */
harness_vec_int:
        vector_stub harness_int_vec

/* ---------------------------------------------------------------- boot */

        .text
harness_start:
        /* Leave reset state: clear ERL (so eret uses EPC), keep BEV, enable CP0 use. */
        li      $t0, HARNESS_STATUS
        mtc0    $t0, CP0_STATUS
        mtc0    $zero, CP0_CAUSE
        ehb

        /* Copy .data from its ROM image to RAM, then clear .bss. */
        la      $t0, _data_lma
        la      $t1, _data_start
        la      $t2, _data_end
1:      beq     $t1, $t2, 2f
        nop
        lw      $t3, 0($t0)
        sw      $t3, 0($t1)
        addiu   $t0, $t0, 4
        b       1b
        addiu   $t1, $t1, 4
2:      la      $t1, _bss_start
        la      $t2, _bss_end
3:      beq     $t1, $t2, 4f
        nop
        sw      $zero, 0($t1)
        b       3b
        addiu   $t1, $t1, 4
4:
        /* Vector stubs for BEV=0 at the default EBase: +0x000, +0x100, +0x180, +0x200. */
        li      $a0, RAM_VEC_BASE + 0x000
        la      $a1, harness_vec_refill
        bal     copy_stub
        nop
        li      $a0, RAM_VEC_BASE + 0x100
        la      $a1, harness_vec_cacheerr
        bal     copy_stub
        nop
        li      $a0, RAM_VEC_BASE + 0x180
        la      $a1, harness_vec_general
        bal     copy_stub
        nop
        li      $a0, RAM_VEC_BASE + 0x200
        la      $a1, harness_vec_int
        bal     copy_stub
        nop

        /* UART: 8N1, no interrupts, FIFOs on.  QEMU and kseg work without this too. */
        li      $t0, UART_BASE
        li      $t1, 0x03
        sb      $t1, UART_LCR($t0)
        sb      $zero, UART_IER($t0)
        li      $t1, 0x07
        sb      $t1, UART_FCR($t0)

        la      $sp, _stack_top
        move    $fp, $zero
        jal     test_main
        nop

        /* Report. */
        la      $t0, harness_fail_count
        lw      $s0, 0($t0)
        bnez    $s0, 5f
        nop
        la      $a0, str_pass
        jal     harness_puts
        nop
        la      $a0, harness_test_name
        jal     harness_puts
        nop
        la      $a0, str_nl
        jal     harness_puts
        nop
        b       harness_reset_board
        nop
5:      la      $a0, str_fail
        jal     harness_puts
        nop
        la      $a0, harness_test_name
        jal     harness_puts
        nop
        la      $a0, str_paren
        jal     harness_puts
        nop
        move    $a0, $s0
        jal     harness_putdec
        nop
        la      $a0, str_checks
        jal     harness_puts
        nop
        b       harness_reset_board
        nop

/* copy_stub: copy the 4-word vector stub at a1 to a0. */
copy_stub:
        lw      $t0, 0($a1)
        lw      $t1, 4($a1)
        lw      $t2, 8($a1)
        lw      $t3, 12($a1)
        sw      $t0, 0($a0)
        sw      $t1, 4($a0)
        sw      $t2, 8($a0)
        jr      $ra
        sw      $t3, 12($a0)

/* Wait (bounded) for the UART to drain, then reset; -no-reboot turns it into exit. */
        .globl harness_reset_board
harness_reset_board:
        li      $t0, UART_BASE
        li      $t1, UART_POLL_LIMIT
1:      lbu     $t2, UART_LSR($t0)
        andi    $t2, $t2, LSR_TEMT
        bnez    $t2, 2f
        addiu   $t1, $t1, -1
        bnez    $t1, 1b
        nop
2:      li      $t0, SOFTRES_REG
        li      $t1, SOFTRES_MAGIC
        sw      $t1, 0($t0)
3:      b       3b
        nop

/* ---------------------------------------------------------------- failures */

/*
 * harness_check_fail: called by CHECK_EQ/CHECK_EQR with jalr $t9; $at = line,
 * harness_chk = {got, want}.  Saves every register the print helpers touch, so the
 * caller sees only $at/$t8/$t9 change.
 */
        .globl harness_check_fail
harness_check_fail:
        la      $t8, harness_save
        sw      $v0, 0($t8)
        sw      $v1, 4($t8)
        sw      $a0, 8($t8)
        sw      $t0, 12($t8)
        sw      $t1, 16($t8)
        sw      $t2, 20($t8)
        sw      $t3, 24($t8)
        sw      $ra, 28($t8)
        sw      $t9, 32($t8)
        .set noat
        sw      $at, 36($t8)
        .set at

        la      $t0, harness_fail_count
        lw      $t1, 0($t0)
        addiu   $t1, $t1, 1
        sw      $t1, 0($t0)

        la      $a0, str_fail_line
        jal     harness_puts
        nop
        la      $t8, harness_save
        jal     harness_putdec
        lw      $a0, 36($t8)
        la      $a0, str_got
        jal     harness_puts
        nop
        la      $t8, harness_chk
        jal     harness_puthex
        lw      $a0, 0($t8)
        la      $a0, str_want
        jal     harness_puts
        nop
        la      $t8, harness_chk
        jal     harness_puthex
        lw      $a0, 4($t8)
        la      $a0, str_nl
        jal     harness_puts
        nop

        la      $t8, harness_save
        lw      $v0, 0($t8)
        lw      $v1, 4($t8)
        lw      $a0, 8($t8)
        lw      $t0, 12($t8)
        lw      $t1, 16($t8)
        lw      $t2, 20($t8)
        lw      $t3, 24($t8)
        lw      $ra, 28($t8)
        lw      $t9, 32($t8)
        jr      $t9
        nop

/*
 * harness_unexpected: default target of every hook.  Report and end the test; it
 * never returns, so it may use any register.
 */
        .globl harness_unexpected
harness_unexpected:
        la      $a0, str_unexp
        jal     harness_puts
        nop
        jal     harness_puthex
        mfc0    $a0, CP0_CAUSE
        la      $a0, str_epc
        jal     harness_puts
        nop
        jal     harness_puthex
        mfc0    $a0, CP0_EPC
        la      $a0, str_badva
        jal     harness_puts
        nop
        jal     harness_puthex
        mfc0    $a0, CP0_BADVADDR
        la      $a0, str_nl
        jal     harness_puts
        nop
        b       harness_reset_board
        nop

/* ---------------------------------------------------------------- output */

/* harness_putc: a0 = character.  Clobbers v0, t0, t1. */
        .globl harness_putc
harness_putc:
        li      $t0, UART_BASE
        li      $t1, UART_POLL_LIMIT
1:      lbu     $v0, UART_LSR($t0)
        andi    $v0, $v0, LSR_THRE
        bnez    $v0, 2f
        addiu   $t1, $t1, -1
        bnez    $t1, 1b
        nop
2:      jr      $ra
        sb      $a0, UART_THR($t0)

/* harness_puts: a0 = string.  Clobbers v0, v1, a0, t0, t1, t2. */
        .globl harness_puts
harness_puts:
        move    $v1, $ra
        move    $t2, $a0
1:      lbu     $a0, 0($t2)
        beqz    $a0, 2f
        nop
        bal     harness_putc
        addiu   $t2, $t2, 1
        b       1b
        nop
2:      jr      $v1
        nop

/* harness_puthex: a0 = value, 8 hex digits.  Clobbers v0, v1, a0, t0-t3. */
        .globl harness_puthex
harness_puthex:
        move    $v1, $ra
        move    $t2, $a0
        li      $t3, 28
1:      srlv    $a0, $t2, $t3
        andi    $a0, $a0, 0xf
        sltiu   $v0, $a0, 10
        bnez    $v0, 2f
        addiu   $a0, $a0, '0'
        addiu   $a0, $a0, 'a' - '0' - 10
2:      bal     harness_putc
        nop
        bnez    $t3, 1b
        addiu   $t3, $t3, -4
        jr      $v1
        nop

/*
 * harness_putdec: a0 = unsigned value in decimal.  Subtracts powers of ten rather
 * than dividing so that HI/LO stay untouched.  Clobbers v0, v1, a0, t0-t3.
 */
        .globl harness_putdec
harness_putdec:
        move    $v1, $ra
        move    $t2, $a0
        la      $t3, pow10                      /* 1e9 down to 1, then 0 */
1:      lw      $t1, 0($t3)                     /* skip powers above the value, */
        sltu    $t0, $t2, $t1                   /* but never the last one (1) */
        beqz    $t0, 2f
        li      $t0, 1
        beq     $t1, $t0, 2f
        nop
        b       1b
        addiu   $t3, $t3, 4
2:      lw      $t1, 0($t3)                     /* one digit per remaining power */
        beqz    $t1, 5f
        li      $a0, '0'
3:      sltu    $t0, $t2, $t1
        bnez    $t0, 4f
        nop
        subu    $t2, $t2, $t1
        b       3b
        addiu   $a0, $a0, 1
4:      bal     harness_putc
        addiu   $t3, $t3, 4
        b       2b
        nop
5:      jr      $v1
        nop

        .section .rodata
        .balign 4
pow10:  .word   1000000000, 100000000, 10000000, 1000000, 100000
        .word   10000, 1000, 100, 10, 1, 0
str_pass:       .asciz "PASS: "
str_fail:       .asciz "FAIL: "
str_paren:      .asciz " ("
str_checks:     .asciz " checks failed)\n"
str_nl:         .asciz "\n"
str_fail_line:  .asciz "FAIL line "
str_got:        .asciz ": got 0x"
str_want:       .asciz " want 0x"
str_unexp:      .asciz "FAIL: unexpected exception Cause=0x"
str_epc:        .asciz " EPC=0x"
str_badva:      .asciz " BadVAddr=0x"

/* ---------------------------------------------------------------- RAM state */

        .data
        .balign 4
        /* Hook pointers read by the vector stubs (kseg0, so no TLB is involved). */
        .globl harness_exc_vec, harness_refill_vec, harness_int_vec
harness_exc_vec:        .word   harness_unexpected
harness_refill_vec:     .word   harness_unexpected
harness_int_vec:        .word   harness_unexpected
harness_cacheerr_vec:   .word   harness_unexpected

        .bss
        .balign 8
        .globl harness_chk, harness_fail_count
harness_chk:            .space  8               /* {got, want} of a failing check */
harness_fail_count:     .space  4
harness_save:           .space  40              /* registers saved by check_fail */
