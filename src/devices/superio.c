/* FDC37M817 SuperIO. The UARTs are the common 16550 with their registers one port apart.
 *
 * Configuration mode is not modelled, on purpose. U-Boot enters it (0x55 to the index
 * port), writes index/data pairs that put UART A at 0x3F8/IRQ 4 and UART B at 0x2F8/IRQ 3,
 * where they are already, and leaves (0xAA); it never reads. QEMU has no configuration
 * mode either: its index port is undecoded (reads 0xFF) and its data port is the floppy
 * controller's status register B (0xC0 with no drive), both ignoring writes. kseg answers
 * the same, so these two ports read alike on both. */
#include "devices/superio.h"

#define CONFIG_INDEX_READ 0xFF      /* an undecoded ISA port */
#define CONFIG_DATA_READ  0xC0      /* QEMU's floppy controller SRB at reset */

static uint32_t config_read(void *dev, uint32_t offset, unsigned size)
{
    (void)dev;
    (void)size;
    return offset == 0 ? CONFIG_INDEX_READ : CONFIG_DATA_READ;
}

static void config_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)dev;
    (void)offset;
    (void)value;
    (void)size;
}

const device_ops_t superio_config_ops = { .read = config_read, .write = config_write };

void superio_init(superio_t *s, chardev_t *chr_a, irq_line_t irq_a, chardev_t *chr_b,
                  irq_line_t irq_b)
{
    uart16550_init(&s->uart_a, 0, chr_a, irq_a);
    uart16550_init(&s->uart_b, 0, chr_b, irq_b);
}

void superio_reset(superio_t *s)
{
    uart16550_reset(&s->uart_a);
    uart16550_reset(&s->uart_b);
}
