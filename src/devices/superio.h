/* The SMSC FDC37M817 SuperIO chip on the Malta's ISA bus, as much of it as QEMU's Malta
 * shows: two 16550 UARTs and the configuration port pair that firmware writes. */
#ifndef KSEG_SUPERIO_H
#define KSEG_SUPERIO_H

#include "devices/irq.h"
#include "devices/uart16550.h"
#include "mmu/bus.h"

typedef struct chardev chardev_t;

#define SUPERIO_UART_PORTS   8
#define SUPERIO_CONFIG_PORTS 2      /* index, data */

typedef struct superio {
    uart16550_t uart_a, uart_b;
} superio_t;

/* The configuration ports (index at +0, data at +1). */
extern const device_ops_t superio_config_ops;

void superio_init(superio_t *s, chardev_t *chr_a, irq_line_t irq_a, chardev_t *chr_b,
                  irq_line_t irq_b);
void superio_reset(superio_t *s);

#endif
