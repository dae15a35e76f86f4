/* hello_rom: harness smoke test - a line of output, a ROM -> RAM -> RAM copy checked against ROM, .data/.bss set up. */
#include "harness.h"
TEST_NAME(hello_rom)

        .set noreorder
        .text
        .globl test_main
test_main:
        move    $s7, $ra

        la      $a0, hello
        jal     harness_puts
        nop

        /* Copy the ROM table to RAM, then to a second RAM buffer, word by word. */
        la      $t0, table
        la      $t1, buf_a
        li      $t2, 4
1:      lw      $t3, 0($t0)
        sw      $t3, 0($t1)
        addiu   $t0, $t0, 4
        addiu   $t2, $t2, -1
        bnez    $t2, 1b
        addiu   $t1, $t1, 4

        la      $t0, buf_a
        la      $t1, buf_b
        li      $t2, 4
2:      lw      $t3, 0($t0)
        sw      $t3, 0($t1)
        addiu   $t0, $t0, 4
        addiu   $t2, $t2, -1
        bnez    $t2, 2b
        addiu   $t1, $t1, 4

        la      $t1, buf_b
        lw      $t2, 0($t1)
        CHECK_EQ($t2, 0x01234567)
        lw      $t2, 4($t1)
        CHECK_EQ($t2, 0x89abcdef)
        lw      $t2, 8($t1)
        CHECK_EQ($t2, 0xdeadbeef)
        lw      $t2, 12($t1)
        CHECK_EQ($t2, 0x00000000)

        /* ...and the copy compares equal to the ROM original */
        la      $t0, table
        la      $t1, buf_b
        li      $t2, 4
3:      lw      $t3, 0($t0)
        lw      $t4, 0($t1)
        CHECK_EQR($t4, $t3)
        addiu   $t0, $t0, 4
        addiu   $t2, $t2, -1
        bnez    $t2, 3b
        addiu   $t1, $t1, 4

        /* .data arrives initialised, .bss arrives zeroed. */
        la      $t1, inited
        lw      $t2, 0($t1)
        CHECK_EQ($t2, 0x5a5aa5a5)
        la      $t1, zeroed
        lw      $t2, 0($t1)
        CHECK_EQ($t2, 0)

        jr      $s7
        nop

        .section .rodata
hello:  .asciz  "hello from the boot ROM\n"
        .balign 4
table:  .word   0x01234567, 0x89abcdef, 0xdeadbeef, 0x00000000

        .data
inited: .word   0x5a5aa5a5

        .bss
buf_a:  .space  16
buf_b:  .space  16
zeroed: .space  4
