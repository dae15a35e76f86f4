/* A 16550A UART: eight registers `1 << regshift` bytes apart, 16-byte receive FIFO, an
 * instant transmitter, one interrupt line. */
#ifndef KSEG_UART16550_H
#define KSEG_UART16550_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"
#include "mmu/bus.h"

typedef struct chardev chardev_t;

#define UART_FIFO_SIZE 16

typedef struct uart16550 {
    unsigned regshift;
    chardev_t *chr;
    irq_line_t irq;

    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
    uint16_t divisor;
    bool thr_interrupt;       /* THR-empty interrupt pending (cleared by IIR read, THR write) */
    uint8_t rx[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
} uart16550_t;

extern const device_ops_t uart16550_ops;

void uart16550_init(uart16550_t *u, unsigned regshift, chardev_t *chr, irq_line_t irq);
void uart16550_reset(uart16550_t *u);

#endif
