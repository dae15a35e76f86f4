/* Console output for guests that need no more than lines of text: polled writes to the
 * virtual 16550 (guest.h), no globals, so a guest running from ROM (the boot stage) can use
 * it as well as one in RAM. '\n' goes out as "\r\n". */
#ifndef GCONS_H
#define GCONS_H

#include <stdint.h>

#include "guest.h"

static inline void gcons_putc(char c)
{
    while (!(UART[5] & UART_LSR_THRE))
        ;
    UART[0] = (uint8_t)c;
}

static inline void gcons_puts(const char *s)
{
    while (*s) {
        if (*s == '\n')
            gcons_putc('\r');
        gcons_putc(*s++);
    }
}

static inline void gcons_hex(uint32_t v)
{
    gcons_puts("0x");
    for (int shift = 28; shift >= 0; shift -= 4)
        gcons_putc("0123456789abcdef"[(v >> shift) & 0xFu]);
}

static inline void gcons_dec(uint32_t v)
{
    char tmp[10];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    while (n)
        gcons_putc(tmp[--n]);
}

#endif
