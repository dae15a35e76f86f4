/* kseg bare-metal runtime: CBUS UART console and board control (Malta).
 *
 * The Malta CBUS UART is a 16550 at physical 0x1F000900 with its registers
 * 8 bytes apart.  It is reached through kseg1 (uncached).  Every function here
 * is polled; no interrupts are used.
 */
#ifndef KSEG_BAREMETAL_UART_H
#define KSEG_BAREMETAL_UART_H

#include <stdint.h>

void uart_init(void);
void uart_putc(char c);              /* '\n' is sent as "\r\n" */
void uart_puts(const char *s);       /* no newline added */
void uart_puthex(uint32_t v);        /* always 8 digits, lower case, no 0x */
void uart_putdec(uint32_t v);        /* unsigned decimal */
void uart_putsdec(int32_t v);        /* signed decimal */

/* Convenience: "<label><0x%08x>\n" and "<label><%u>\n". */
void uart_put_labeled_hex(const char *label, uint32_t v);
void uart_put_labeled_dec(const char *label, uint32_t v);

/* Malta software reset: store 0x42 to the board reset register.  With
 * -no-reboot the emulator exits (status 0).  Never returns. */
void board_reset(void) __attribute__((noreturn));

#if defined(__mips__)
/* CP0 PRId (register 15, select 0). */
static inline uint32_t cp0_read_prid(void)
{
    uint32_t v;
    __asm__ volatile("mfc0 %0, $15, 0" : "=r"(v));
    return v;
}

/* CP0 Count (register 9, select 0). */
static inline uint32_t cp0_read_count(void)
{
    uint32_t v;
    __asm__ volatile("mfc0 %0, $9, 0" : "=r"(v));
    return v;
}
#endif

#endif
