/* kseg's embedded boot ROM, first step: runs from the reset vector, prints a banner on the
 * CBUS UART and echoes what it receives. The full boot ROM (stage 2 in C, environment,
 * Linux hand-off) replaces this. */
#define CBUS_UART 0xBF000900    /* 16550, registers 8 bytes apart */
#define UART_THR  0x00
#define UART_LSR  0x28
#define LSR_DR    0x01
#define LSR_THRE  0x20

    .set noreorder
    .text
    .globl _start
_start:
    b       reset               /* offset 0x10 holds the board revision: skip it */
    nop
    .org    0x20
reset:
    li      $t0, 0x00400000     /* Status: BEV only (leave ERL), interrupts off */
    mtc0    $t0, $12
    li      $s0, CBUS_UART
    la      $a0, banner
    bal     puts
    nop
echo:
    lbu     $t1, UART_LSR($s0)
    andi    $t1, $t1, LSR_DR
    beqz    $t1, echo
    nop
    lbu     $a0, UART_THR($s0)
    bal     putc
    nop
    b       echo
    nop

/* putc(a0): waits for THR empty, sends a0. Clobbers t1. */
putc:
    lbu     $t1, UART_LSR($s0)
    andi    $t1, $t1, LSR_THRE
    beqz    $t1, putc
    nop
    jr      $ra
    sb      $a0, UART_THR($s0)

/* puts(a0): sends a NUL-terminated string. Clobbers t1, t2, a0, a1. */
puts:
    move    $a1, $ra
    move    $t2, $a0
1:  lbu     $a0, 0($t2)
    beqz    $a0, 2f
    nop
    bal     putc
    addiu   $t2, $t2, 1
    b       1b
    nop
2:  jr      $a1
    nop

banner:
    .asciz  "kseg boot ROM (minimal): no firmware stage 2 yet; echoing the CBUS UART.\r\n"
