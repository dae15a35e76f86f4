/* The console: the SuperIO UART at ISA port 0x3F8, the board's first serial port (stdio
 * with -nographic on kseg and QEMU). The boot ROM left it at 38400 8N1 and the GT-64120's
 * PCI I/O window at physical 0x18000000, so port N is at kseg1 ISA_IO + N (board.h).
 *
 * Output is polled: a character at a time when the transmitter is empty. Input is polled
 * too: the management terminal (term.c) reads its keys with console_getc_nowait and hands
 * them to its line editor or to the guest whose console is attached (vcons.c), whose
 * virtual serial ports are multiplexed on this UART. console_readline is the simple
 * blocking reader for a thread that wants one line and nothing else. */
#include "hv.h"
#include "hthread.h"

/* A stuck transmitter must not hang the hypervisor: at 38400 baud a character takes 260 us,
 * far fewer than this many polls on any emulator or real 24K. */
#define THRE_TRIES      200000

static bool present;

static inline volatile uint8_t *uart(unsigned reg)
{
    return (volatile uint8_t *)(uintptr_t)(SUPERIO_UART0 + reg);
}

void console_init(void)
{
    /* A UART that is there gives back what we write to its scratch register. */
    *uart(UART_SCR) = 0xA5;
    present = *uart(UART_SCR) == 0xA5;
}

static void put_raw(char c)
{
    for (unsigned tries = THRE_TRIES; tries; tries--)
        if (*uart(UART_LSR) & LSR_THRE)
            break;
    *uart(UART_THR) = (uint8_t)c;
}

void console_write(const char *s, size_t n)
{
    if (!present)
        return;
    uint32_t ie = irq_save();           /* one writer at a time: lines stay whole */
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            put_raw('\r');
        put_raw(s[i]);
    }
    irq_restore(ie);
}

int console_getc_nowait(void)
{
    if (present && (*uart(UART_LSR) & LSR_DR))
        return *uart(UART_RBR);
    return -1;
}

size_t console_readline(char *buf, size_t size)
{
    size_t len = 0;
    for (;;) {
        int c = console_getc_nowait();
        if (c < 0) {
            hthread_yield();            /* let the other threads run while nobody types */
            continue;
        }
        if (c == '\r' || c == '\n') {
            console_write("\n", 1);
            break;
        }
        if (c == 0x7F || c == '\b') {   /* DEL or backspace: erase one */
            if (len) {
                len--;
                console_write("\b \b", 3);
            }
        } else if (c == 0x15) {         /* ^U: erase the line */
            for (; len; len--)
                console_write("\b \b", 3);
        } else if (c >= ' ' && len + 1 < size) {
            char ch = (char)c;
            buf[len++] = ch;
            console_write(&ch, 1);
        }
    }
    if (size)
        buf[len] = '\0';
    return len;
}
