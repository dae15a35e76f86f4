/* A tiny printf over the guest's 16550 (arch 0xB80003F8 = real 0x380003F8). A thread's
 * line goes out in one SYS_WRITE, so lines of preempted threads never mix; at boot and in
 * the handler it goes straight to the UART. %s %c %d %u %x with a width and a 0 flag. */
#include "rtos.h"

bool rtos_threads_running, rtos_in_handler;

void uart_write(const char *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        while (!(UART[5] & UART_LSR_THRE))
            ;
        UART[0] = (uint8_t)s[i];
    }
}

struct out {
    char *buf;
    size_t size, n;
};

static void put(struct out *o, char c)
{
    if (o->n + 1 < o->size)
        o->buf[o->n] = c;
    o->n++;
}

static void put_num(struct out *o, uint32_t v, unsigned base, bool neg, int width, char pad)
{
    char tmp[12];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        tmp[n++] = '-';
    while (n < width--)
        put(o, pad);
    while (n)
        put(o, tmp[--n]);
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        switch (*fmt) {
        case 's':
            for (const char *s = va_arg(ap, const char *); *s; s++)
                put(&o, *s);
            break;
        case 'c': put(&o, (char)va_arg(ap, int)); break;
        case 'u': put_num(&o, va_arg(ap, uint32_t), 10, false, width, pad); break;
        case 'x': put_num(&o, va_arg(ap, uint32_t), 16, false, width, pad); break;
        case 'd': {
            int32_t v = va_arg(ap, int32_t);
            put_num(&o, v < 0 ? 0u - (uint32_t)v : (uint32_t)v, 10, v < 0, width, pad);
            break;
        }
        case '\0': fmt--; break;
        default: put(&o, *fmt); break;
        }
    }
    if (size)
        buf[o.n < size ? o.n : size - 1] = '\0';
    return (int)o.n;
}

void kprintf(const char *fmt, ...)
{
    char buf[200];
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof buf)
        n = sizeof buf - 1;
    if (rtos_threads_running && !rtos_in_handler)
        kcall(SYS_WRITE, (uint32_t)(uintptr_t)buf, (uint32_t)n, 0);
    else
        uart_write(buf, (uint32_t)n);
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    while (n--)
        *dp++ = *sp++;
    return d;
}

void *memset(void *d, int c, size_t n)
{
    uint8_t *dp = d;
    while (n--)
        *dp++ = (uint8_t)c;
    return d;
}
