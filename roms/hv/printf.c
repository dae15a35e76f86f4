/* Formatted output. Everything is formatted into a buffer first and then written with one
 * console_write, so a line from one thread is never cut by another's (console.c masks
 * interrupts for the write). Lines longer than PRINTF_MAX are cut. */
#include "hv.h"
#include "term.h"

#define PRINTF_MAX      256

/* Where formatted characters go: a bounded buffer that counts what it could not keep. */
typedef struct sink {
    char *buf;
    size_t size;
    size_t len;                 /* characters produced, kept or not */
} sink_t;

static void emit(sink_t *k, char c)
{
    if (k->len + 1 < k->size)
        k->buf[k->len] = c;
    k->len++;
}

/* One conversion's flags and width. */
typedef struct spec {
    bool left;                  /* '-': pad on the right */
    bool zero;                  /* '0': pad numbers with zeros */
    unsigned width;
} spec_t;

static void emit_padded(sink_t *k, const spec_t *sp, const char *sign, const char *body,
                        size_t body_len)
{
    size_t len = strlen(sign) + body_len;
    size_t pad = sp->width > len ? sp->width - len : 0;
    if (!sp->left && !sp->zero)
        for (; pad; pad--)
            emit(k, ' ');
    while (*sign)
        emit(k, *sign++);
    if (!sp->left && sp->zero)
        for (; pad; pad--)
            emit(k, '0');
    for (size_t i = 0; i < body_len; i++)
        emit(k, body[i]);
    for (; pad; pad--)
        emit(k, ' ');
}

static void emit_unsigned(sink_t *k, const spec_t *sp, const char *sign, uint32_t v,
                          unsigned base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[10];
    size_t n = sizeof(tmp);
    do {
        tmp[--n] = digits[v % base];
        v /= base;
    } while (v);
    emit_padded(k, sp, sign, tmp + n, sizeof(tmp) - n);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    sink_t k = { buf, size, 0 };
    while (*fmt) {
        char c = *fmt++;
        if (c != '%') {
            emit(&k, c);
            continue;
        }
        spec_t sp = { false, false, 0 };
        for (;; fmt++) {
            if (*fmt == '-')
                sp.left = true;
            else if (*fmt == '0')
                sp.zero = true;
            else
                break;
        }
        if (*fmt == '*') {
            int w = va_arg(ap, int);
            sp.width = w > 0 ? (unsigned)w : 0;
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            sp.width = sp.width * 10 + (unsigned)(*fmt++ - '0');
        while (*fmt == 'l')
            fmt++;
        char conv = *fmt;
        if (conv)
            fmt++;
        switch (conv) {
        case 'd':
        case 'i': {
            int32_t v = va_arg(ap, int32_t);
            uint32_t mag = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
            emit_unsigned(&k, &sp, v < 0 ? "-" : "", mag, 10, false);
            break;
        }
        case 'u':
            emit_unsigned(&k, &sp, "", va_arg(ap, uint32_t), 10, false);
            break;
        case 'x':
        case 'X':
            emit_unsigned(&k, &sp, "", va_arg(ap, uint32_t), 16, conv == 'X');
            break;
        case 'p': {                     /* always 0x and eight digits */
            spec_t ptr = { false, true, 10 };
            emit_unsigned(&k, &ptr, "0x", (uint32_t)(uintptr_t)va_arg(ap, void *), 16, false);
            break;
        }
        case 'c': {
            char ch = (char)va_arg(ap, int);
            sp.zero = false;
            emit_padded(&k, &sp, "", &ch, 1);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            sp.zero = false;
            emit_padded(&k, &sp, "", s, strlen(s));
            break;
        }
        case '%':
            emit(&k, '%');
            break;
        case '\0':                      /* a '%' ending the format */
            emit(&k, '%');
            break;
        default:                        /* not ours: shown as written */
            emit(&k, '%');
            emit(&k, conv);
            break;
        }
    }
    if (size)
        buf[k.len < size ? k.len : size - 1] = '\0';
    return (int)k.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* Whatever is printed while the management terminal shows its prompt goes on the line
 * under it, and the prompt with what was typed so far is drawn again below (term.c). */
int vprintf(const char *fmt, va_list ap)
{
    char buf[PRINTF_MAX];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    uint32_t ie = irq_save();
    term_output_begin();
    console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    term_output_end();
    irq_restore(ie);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

void panic(const char *fmt, ...)
{
    irq_save();
    va_list ap;
    va_start(ap, fmt);
    printf("\nhv: panic: ");
    vprintf(fmt, ap);
    va_end(ap);
    printf("\nhv: stopped\n");
    for (;;)
        __asm__ volatile("wait");       /* interrupts masked: the CPU stays here for gdb */
}
