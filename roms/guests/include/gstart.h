/* Assembler pieces every guest's start.S shares (included by the C preprocessor; the
 * guests assemble with .set noreorder: delay slots are written out). */
#ifndef GSTART_H
#define GSTART_H

/* Zeroes the guest's .bss, _bss_start to _bss_end (the linker script's symbols, word
 * aligned), a word at a time. Uses t0, t1 and the local labels 1 and 2. */
        .macro  clear_bss
        la      $t0, _bss_start
        la      $t1, _bss_end
1:      beq     $t0, $t1, 2f
         nop
        sw      $zero, 0($t0)
        b       1b
         addiu  $t0, $t0, 4
2:
        .endm

#endif
