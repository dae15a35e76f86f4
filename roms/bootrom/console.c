/* The console: every character goes to the SuperIO UART at ISA port 0x3F8 (the first serial
 * port: QEMU's and kseg's stdio with -nographic, Linux's ttyS0) and to the CBUS UART in the
 * FPGA (the third serial port); keys are taken from either. Stage 1 already set both to
 * 38400 8N1. The 8-character ASCII display shows where the boot ROM is.
 *
 * A UART counts as present when its scratch register gives back what we write: a board
 * without one (or a GT-64120 window that decodes nowhere) reads 0 or all ones there. */
#include "bootrom.h"

typedef struct uart {
    uint32_t base;              /* kseg1 address of register 0 */
    unsigned shift;             /* register n is at base + (n << shift) */
    bool present;
} uart_t;

static uart_t uarts[] = {
    { SUPERIO_UART0, 0, false },
    { CBUS_UART, CBUS_UART_SHIFT, false },
};

/* Bounded waits: a stuck transmitter must not hang the boot ROM. At 38400 baud a character
 * takes 260 us; this is many times that on any emulator or real 24K. */
#define THRE_TRIES 200000

static inline volatile uint8_t *uart_reg(const uart_t *u, unsigned reg)
{
    return (volatile uint8_t *)(uintptr_t)(u->base + (reg << u->shift));
}

static bool uart_probe(const uart_t *u)
{
    static const uint8_t patterns[] = { 0x5A, 0xA5 };
    for (unsigned i = 0; i < ARRAY_SIZE(patterns); i++) {
        *uart_reg(u, UART_SCR) = patterns[i];
        if (*uart_reg(u, UART_SCR) != patterns[i])
            return false;
    }
    return true;
}

void console_init(void)
{
    for (unsigned i = 0; i < ARRAY_SIZE(uarts); i++)
        uarts[i].present = uart_probe(&uarts[i]);
}

bool console_superio_present(void)
{
    return uarts[0].present;
}

bool console_cbus_present(void)
{
    return uarts[1].present;
}

static void uart_putc(const uart_t *u, char c)
{
    for (unsigned tries = THRE_TRIES; tries; tries--)
        if (*uart_reg(u, UART_LSR) & LSR_THRE)
            break;
    *uart_reg(u, UART_THR) = (uint8_t)c;
}

void console_putc(char c)
{
    if (c == '\n')
        console_putc('\r');
    for (unsigned i = 0; i < ARRAY_SIZE(uarts); i++)
        if (uarts[i].present)
            uart_putc(&uarts[i], c);
}

void console_puts(const char *s)
{
    while (*s)
        console_putc(*s++);
}

int console_getc_nowait(void)
{
    for (unsigned i = 0; i < ARRAY_SIZE(uarts); i++)
        if (uarts[i].present && (*uart_reg(&uarts[i], UART_LSR) & LSR_DR))
            return *uart_reg(&uarts[i], UART_RBR);
    return -1;
}

int console_getc(void)
{
    int c;
    while ((c = console_getc_nowait()) < 0)
        ;
    return c;
}

void lcd_show(const char *text)
{
    volatile uint32_t *pos = (volatile uint32_t *)FPGA_ASCIIPOS0;
    for (unsigned i = 0; i < 8; i++) {
        char c = *text ? *text++ : ' ';
        pos[2 * i] = (uint8_t)c;        /* registers 8 bytes apart */
    }
}

/* ---- Formatted output ------------------------------------------------------------------ */
/* The conversions the boot ROM uses: %c %s %d %i %u %x %X %p %%, with the flags '-' and
 * '0', a field width (digits or '*'), and an ignored 'l'. */

typedef struct out {
    char *buf;                  /* NULL: straight to the console */
    size_t size, len;
} out_t;

static void out_char(out_t *o, char c)
{
    if (!o->buf)
        console_putc(c);
    else if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void out_field(out_t *o, const char *s, size_t n, unsigned width, bool left, char pad)
{
    size_t fill = width > n ? width - n : 0;
    if (!left && pad == '0' && n && (*s == '-')) {   /* "-0012": the sign before the zeros */
        out_char(o, *s++);
        n--;
    }
    if (!left)
        for (; fill; fill--)
            out_char(o, pad);
    while (n--)
        out_char(o, *s++);
    for (; fill; fill--)
        out_char(o, ' ');
}

static int format(out_t *o, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_char(o, *fmt);
            continue;
        }
        bool left = false;
        char pad = ' ';
        unsigned width = 0;
        for (fmt++; *fmt == '-' || *fmt == '0'; fmt++) {
            if (*fmt == '-')
                left = true;
            else
                pad = '0';
        }
        if (*fmt == '*') {              /* the width as an int argument */
            int w = va_arg(ap, int);
            width = w > 0 ? (unsigned)w : 0;
            fmt++;
        }
        for (; *fmt >= '0' && *fmt <= '9'; fmt++)
            width = width * 10 + (unsigned)(*fmt - '0');
        while (*fmt == 'l')
            fmt++;

        char num[12];
        char *end = num + sizeof(num), *p = end;
        uint32_t v;
        switch (*fmt) {
        case 'c':
            num[0] = (char)va_arg(ap, int);
            out_field(o, num, 1, width, left, ' ');
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            out_field(o, s, strlen(s), width, left, ' ');
            break;
        }
        case 'd':
        case 'i': {
            int32_t sv = va_arg(ap, int32_t);
            v = sv < 0 ? 0u - (uint32_t)sv : (uint32_t)sv;
            do
                *--p = (char)('0' + v % 10);
            while (v /= 10);
            if (sv < 0)
                *--p = '-';
            out_field(o, p, (size_t)(end - p), width, left, pad);
            break;
        }
        case 'u':
            v = va_arg(ap, uint32_t);
            do
                *--p = (char)('0' + v % 10);
            while (v /= 10);
            out_field(o, p, (size_t)(end - p), width, left, pad);
            break;
        case 'p':
        case 'x':
        case 'X': {
            const char *digits = *fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
            v = *fmt == 'p' ? (uint32_t)(uintptr_t)va_arg(ap, void *) : va_arg(ap, uint32_t);
            if (*fmt == 'p') {
                width = 8;
                pad = '0';
            }
            do
                *--p = digits[v & 15];
            while (v >>= 4);
            out_field(o, p, (size_t)(end - p), width, left, pad);
            break;
        }
        case '%':
            out_char(o, '%');
            break;
        case '\0':
            fmt--;                      /* a lone '%' at the end */
            break;
        default:                        /* unknown: print it as written */
            out_char(o, '%');
            out_char(o, *fmt);
            break;
        }
    }
    if (o->buf && o->size)
        o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
    return (int)o->len;
}

int printf(const char *fmt, ...)
{
    out_t o = { NULL, 0, 0 };
    va_list ap;
    va_start(ap, fmt);
    int n = format(&o, fmt, ap);
    va_end(ap);
    return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    out_t o = { buf, size, 0 };
    return format(&o, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
