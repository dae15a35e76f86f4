/* The bare-metal console API on top of stdio, so that kbench.c (and other
 * runtime users) can be compiled for the host and cross-check their results.
 * Lines end with "\n" here; the bare-metal runtime sends "\r\n". */
#include <stdio.h>
#include <stdlib.h>
#include "uart.h"

void uart_init(void)
{
}

void uart_putc(char c)
{
    putchar(c);
}

void uart_puts(const char *s)
{
    fputs(s, stdout);
}

void uart_puthex(uint32_t v)
{
    printf("%08x", (unsigned)v);
}

void uart_putdec(uint32_t v)
{
    printf("%u", (unsigned)v);
}

void uart_putsdec(int32_t v)
{
    printf("%d", (int)v);
}

void uart_put_labeled_hex(const char *label, uint32_t v)
{
    printf("%s0x%08x\n", label, (unsigned)v);
}

void uart_put_labeled_dec(const char *label, uint32_t v)
{
    printf("%s%u\n", label, (unsigned)v);
}

void board_reset(void)
{
    fflush(stdout);
    exit(0);
}
