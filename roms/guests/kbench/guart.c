/* uart.h (tests/baremetal) for a guest: the same functions on the guest's virtual 16550 at
 * arch 0xB80003F8 (real 0x380003F8) instead of the board's CBUS UART, so bench/kbench.c
 * runs unchanged as a guest. */
#include "uart.h"

#define UART            ((volatile uint8_t *)0x380003F8u)
#define UART_LSR_THRE   0x20u
#define SOFTRES         (*(volatile uint32_t *)0x3F000500u)

void uart_init(void)
{
    UART[3] = 0x03u;                    /* 8N1, DLAB clear */
}

void uart_putc(char c)
{
    if (c == '\n')
        uart_putc('\r');
    while (!(UART[5] & UART_LSR_THRE))
        ;
    UART[0] = (uint8_t)c;
}

void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

void uart_puthex(uint32_t v)
{
    for (int shift = 28; shift >= 0; shift -= 4)
        uart_putc("0123456789abcdef"[(v >> shift) & 0xFu]);
}

void uart_putdec(uint32_t v)
{
    char tmp[10];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    while (n)
        uart_putc(tmp[--n]);
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
    SOFTRES = 0x42u;
    for (;;)
        ;
}
