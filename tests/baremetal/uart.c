/* kseg bare-metal runtime: CBUS UART console and board control (Malta).
 *
 * The addresses can be given at build time: roms/guests/kbench builds this file for a
 * guest of the hypervisor, whose 16550 has its registers a byte apart at real 0x380003F8
 * and its reset register at real 0x3F000500 (the guest's kseg1 window). */
#include "uart.h"

#define KSEG1(pa)        (0xA0000000u | (pa))
#ifndef UART_BASE
#define UART_BASE        KSEG1(0x1F000900u)  /* the CBUS UART: registers 8 bytes apart */
#define UART_STRIDE      8u
#endif
#ifndef SOFTRES_ADDR
#define SOFTRES_ADDR     KSEG1(0x1F000500u)
#endif
#define UART_REG(n)      (*(volatile uint8_t *)(UART_BASE + UART_STRIDE * (n)))
#define UART_THR         UART_REG(0)  /* +0x00 transmit holding (write) */
#define UART_LCR         UART_REG(3)  /* +0x18 line control */
#define UART_LSR         UART_REG(5)  /* +0x28 line status */
#define LSR_THRE         0x20u
#define LCR_8N1          0x03u

#define BOARD_SOFTRES    (*(volatile uint32_t *)(SOFTRES_ADDR))
#define SOFTRES_RESET    0x42u

void uart_init(void)
{
    /* 8 data bits, no parity, 1 stop bit, DLAB clear.  The divisor is left
     * as the board (or the emulator) set it. */
    UART_LCR = LCR_8N1;
}

static void uart_tx(uint8_t c)
{
    while (!(UART_LSR & LSR_THRE))
        ;
    UART_THR = c;
}

void uart_putc(char c)
{
    if (c == '\n')
        uart_tx('\r');
    uart_tx((uint8_t)c);
}

void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

void uart_puthex(uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    for (int shift = 28; shift >= 0; shift -= 4)
        uart_putc(digits[(v >> shift) & 0xfu]);
}

void uart_putdec(uint32_t v)
{
    char buf[10];
    int n = 0;
    do {
        /* Division by a constant: the compiler turns it into multiply-high. */
        buf[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    while (n)
        uart_putc(buf[--n]);
}

void uart_putsdec(int32_t v)
{
    if (v < 0) {
        uart_putc('-');
        uart_putdec(0u - (uint32_t)v);
    } else {
        uart_putdec((uint32_t)v);
    }
}

void uart_put_labeled_hex(const char *label, uint32_t v)
{
    uart_puts(label);
    uart_puts("0x");
    uart_puthex(v);
    uart_putc('\n');
}

void uart_put_labeled_dec(const char *label, uint32_t v)
{
    uart_puts(label);
    uart_putdec(v);
    uart_putc('\n');
}

void board_reset(void)
{
    BOARD_SOFTRES = SOFTRES_RESET;
    for (;;)
        ;
}
