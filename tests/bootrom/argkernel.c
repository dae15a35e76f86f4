/* A test "kernel" for the boot ROM's Linux hand-off: it prints what it was given the way a
 * Malta Linux would read it (arch/mips/fw/lib/cmdline.c, malta-init.c), then resets the
 * board (with -no-reboot the emulator exits). tests/bootrom/romtest.py compares the text.
 *
 * It prints on both the SuperIO UART at 0x3F8 and the CBUS UART, like the boot ROM, with no
 * UART set-up of its own: it trusts what the firmware (or QEMU's loader) left. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#define SUPERIO_UART 0xB80003F8u
#define CBUS_UART    0xBF000900u
#define SOFTRES      0xBF000500u

/* Saved by argkernel_start.S: a0 a1 a2 a3 sp status config pc bss_nonzero. */
extern uint32_t entry_regs[9];

static volatile uint8_t *reg(uint32_t base, unsigned shift, unsigned n)
{
    return (volatile uint8_t *)(uintptr_t)(base + (n << shift));
}

static bool present(uint32_t base, unsigned shift)
{
    *reg(base, shift, 7) = 0x5A;                /* scratch register */
    return *reg(base, shift, 7) == 0x5A;
}

static bool have_superio, have_cbus;

static void uart_putc(uint32_t base, unsigned shift, char c)
{
    for (unsigned i = 0; i < 1000000 && !(*reg(base, shift, 5) & 0x20); i++)
        ;
    *reg(base, shift, 0) = (uint8_t)c;
}

static void putc_(char c)
{
    if (c == '\n')
        putc_('\r');
    if (have_superio)
        uart_putc(SUPERIO_UART, 0, c);
    if (have_cbus)
        uart_putc(CBUS_UART, 3, c);
}

static void puts_(const char *s)
{
    while (*s)
        putc_(*s++);
}

static void put_uint(uint32_t v, unsigned base, unsigned digits)
{
    char buf[12];
    unsigned n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v || n < digits);
    while (n)
        putc_(buf[--n]);
}

/* %s, %u, %x (eight digits), %b (two hex digits). */
static void print(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putc_(*fmt);
            continue;
        }
        switch (*++fmt) {
        case 's': puts_(va_arg(ap, const char *)); break;
        case 'u': put_uint(va_arg(ap, uint32_t), 10, 1); break;
        case 'x': put_uint(va_arg(ap, uint32_t), 16, 8); break;
        case 'b': put_uint(va_arg(ap, uint32_t), 16, 2); break;
        default: putc_(*fmt); break;
        }
    }
    va_end(ap);
}

static bool is_kseg0_or_kseg1(uint32_t p)
{
    return p >= 0x80000000u && p < 0xC0000000u;
}

static bool starts_with(const char *s, const char *prefix, const char **rest)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return false;
    *rest = s;
    return true;
}

/* Reads a number as Linux's memparse would for these: 0x... hex, else decimal. */
static uint32_t parse(const char *s)
{
    uint32_t v = 0, base = 10;
    if (s[0] == '0' && s[1] == 'x') {
        base = 16;
        s += 2;
    }
    for (;; s++) {
        uint32_t d;
        if (*s >= '0' && *s <= '9')
            d = (uint32_t)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (uint32_t)(*s - 'a' + 10);
        else
            return v;
        v = v * base + d;
    }
}

void argkernel_main(void);
void argkernel_main(void)
{
    have_superio = present(SUPERIO_UART, 0);
    have_cbus = present(CBUS_UART, 3);
    uint32_t a0 = entry_regs[0], a1 = entry_regs[1], a2 = entry_regs[2], a3 = entry_regs[3];

    print("argkernel: entered at 0x%x\n", entry_regs[7]);
    print("a0=0x%x a1=0x%x a2=0x%x a3=0x%x\n", a0, a1, a2, a3);
    print("sp=0x%x status=0x%x config.k0=%u\n", entry_regs[4], entry_regs[5], entry_regs[6] & 7);
    print("bss %s\n", entry_regs[8] ? "NOT zeroed" : "zeroed");

    /* The checks Linux makes before it trusts the firmware's arguments. */
    uint32_t rd_start = 0, rd_size = 0;
    if (a0 < 0x80000000u && is_kseg0_or_kseg1(a1)) {
        const char *const *argv = (const char *const *)(uintptr_t)a1;
        print("argc=%u\n", a0 & 0xFFFF);
        for (uint32_t i = 0; i < (a0 & 0xFFFF); i++) {
            print("argv[%u]=%s\n", i, argv[i]);
            /* Linux's early params rd_start= and rd_size= (arch/mips/kernel/setup.c). */
            const char *p = argv[i], *rest;
            while (*p) {
                if (starts_with(p, "rd_start=", &rest))
                    rd_start = parse(rest);
                else if (starts_with(p, "rd_size=", &rest))
                    rd_size = parse(rest);
                while (*p && *p != ' ')
                    p++;
                while (*p == ' ')
                    p++;
            }
        }
    } else {
        print("argv not usable\n");
    }

    uint32_t memsize = 0;
    if (is_kseg0_or_kseg1(a2)) {
        const char *const *envp = (const char *const *)(uintptr_t)a2;
        for (unsigned i = 0; envp[i] && envp[i + 1] && i < 64; i += 2) {
            print("env %s=%s\n", envp[i], envp[i + 1]);
            const char *name = envp[i], *rest;
            if (starts_with(name, "memsize", &rest) && !*rest)
                memsize = parse(envp[i + 1]);
        }
    } else {
        print("envp not usable\n");
    }
    print("memsize=%u\n", memsize);

    if (rd_start && rd_size) {
        const volatile uint8_t *rd = (const volatile uint8_t *)(uintptr_t)rd_start;
        print("initrd 0x%x %u bytes: first=0x%b last=0x%b\n", rd_start, rd_size, rd[0],
              rd[rd_size - 1]);
    } else {
        print("initrd none\n");
    }
    print("argkernel: done\n");
    *(volatile uint32_t *)(uintptr_t)SOFTRES = 0x42;
    for (;;)
        ;
}
