/* The echo guest: a driver of its virtual 16550 that takes receive interrupts (IER.ERBFI,
 * the line on its IP2) and echoes each line it gets as "echo: LINE". Between lines it
 * WAITs with only IM2 set (no timer): input alone wakes it. It runs until reset.
 * Real addresses: the UART at arch 0xB80003F8 (kseg1) is real 0x380003F8. */
#include <stdint.h>

#include "guest.h"

#define RBR 0
#define THR 0
#define IER 1
#define IIR 2
#define LSR 5
#define LSR_DR          0x01u
#define LSR_THRE        0x20u
#define IER_ERBFI       0x01u
#define IIR_NONE        0x01u
#define ST_IM2          0x00000400u
#define RING            128u

void cp0_setup(uint32_t status);
void echo_irq(void);
void echo_main(void);

static volatile uint32_t head, tail, irqs;
static volatile char ring[RING];

static void putc(char c)
{
    while (!(UART[LSR] & LSR_THRE))
        ;
    UART[THR] = (uint8_t)c;
}

static void puts(const char *s)
{
    while (*s)
        putc(*s++);
}

static void putu(uint32_t v)
{
    char d[10];
    int n = 0;
    do
        d[n++] = (char)('0' + v % 10u);
    while (v /= 10u);
    while (n)
        putc(d[--n]);
}

/* The interrupt: every byte received into the ring (a full ring drops the byte). */
void echo_irq(void)
{
    irqs++;
    while (!(UART[IIR] & IIR_NONE)) {
        while (UART[LSR] & LSR_DR) {
            char c = (char)UART[RBR];
            if (tail - head < RING)
                ring[tail++ % RING] = c;
        }
    }
}

void echo_main(void)
{
    puts("echo: ready, echoing lines (receive interrupts on IP2)\n");
    UART[IER] = IER_ERBFI;
    cp0_setup(ST_IM2 | ST_IE);
    char line[80];
    uint32_t n = 0;
    for (;;) {
        while (head == tail)                /* an interrupt before the WAIT ends it too */
            __asm__ volatile("wait");
        char c = ring[head++ % RING];
        if (c != '\r' && c != '\n') {
            if (n + 1 < sizeof(line))
                line[n++] = c;
            continue;
        }
        if (!n)
            continue;
        line[n] = '\0';
        n = 0;
        puts("echo: ");
        puts(line);
        puts(" [");
        putu(irqs);
        puts(" interrupts]\n");
    }
}
