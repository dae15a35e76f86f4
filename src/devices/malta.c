/* The Malta board, compatible with QEMU's -M malta (shared/reference/malta.md).
 *
 * Physical address map (the only place that knows addresses), in precedence order:
 *
 *   0x00000000  RAM, up to 256 MiB                         ram
 *   0x1E000000  boot flash, 4 MiB                           flash (read-only for now)
 *   0x1F000900  CBUS UART, 16550, registers 8 bytes apart   IP4 (hardware interrupt 2)
 *   0x1F000000  FPGA: LEDs, ASCII display, software reset   (mapped after the UART)
 *   0x1FC00000  boot ROM window: a copy of the flash's first 4 MiB, word 0x10 = 0x420
 *
 *   GT-64120 regions, which move when the guest writes ISD or a window's LD/HD pair (after
 *   RAM and ROM, which they must never shadow):
 *               at reset             after the boot ROM (QEMU's boot code, U-Boot)
 *   registers   0x14000000 (4 KiB)   0x1BE00000 (ISD = 0xDF)
 *   PCI0 MEM1   0xF2000000 (32 MiB)  0x18200000-0x1BDFFFFF  PCI memory, 1:1
 *   PCI0 MEM0   0x12000000 (32 MiB)  0x10000000-0x17FFFFFF  PCI memory, 1:1
 *   PCI0 I/O    0x10000000 (32 MiB)  0x18000000-0x181FFFFF  I/O ports 0x0000-0xFFFF
 *
 *   0x00000000  "empty": the rest of the low 512 MiB reads zero and ignores writes, as the
 *               GT-64120 decodes it on QEMU (mapped last, so every device above wins; also
 *               what a PCI window with nothing behind it shows)
 *
 * I/O ports (offsets into the PCI0 I/O window; unassigned ports read all-ones):
 *
 *   0x02F8-0x02FF  SuperIO UART B, 16550                serial 1, ISA IRQ 3
 *   0x03F0-0x03F1  SuperIO configuration index/data    writes ignored
 *   0x03F8-0x03FF  SuperIO UART A, 16550                serial 0, ISA IRQ 4
 *
 * Physical addresses above 0x20000000 (reachable through the TLB) that hit nothing are bus
 * errors. */
#include "devices/malta.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/chardev.h"

#define RAM_BASE        0x00000000u
#define FLASH_BASE      0x1E000000u
#define FPGA_BASE       0x1F000000u
#define CBUS_UART_BASE  0x1F000900u
#define CBUS_UART_SIZE  0x40u
#define BOOTROM_BASE    0x1FC00000u
#define LOW_WINDOW_SIZE 0x20000000u

#define UART_B_PORT     0x2F8u
#define SUPERIO_CFG_PORT 0x3F0u
#define UART_A_PORT     0x3F8u

#define BOARD_REVISION  0x00000420u   /* Malta with CoreLV: Linux and U-Boot probe it */
#define CBUS_UART_IRQ   2             /* hardware interrupt 2 = Cause.IP4 */
#define UART_A_ISA_IRQ  4
#define UART_B_ISA_IRQ  3

extern const uint8_t kseg_bootrom_image[];
extern const uint32_t kseg_bootrom_size;

static uint32_t empty_read(void *dev, uint32_t offset, unsigned size)
{
    bus_log_guest_error(dev, "read of nothing", offset, size);
    return 0;
}

static void empty_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)value;
    bus_log_guest_error(dev, "write to nothing", offset, size);
}

static const device_ops_t empty_ops = { .read = empty_read, .write = empty_write };

static void cpu_irq_set(void *opaque, int n, bool level)
{
    cpu_set_irq(opaque, n, level);
}

static void board_reset_request(void *opaque)
{
    malta_t *m = opaque;
    if (m->no_reboot) {
        m->power_off = true;
        m->exit_status = 0;
    } else {
        m->reset_requested = true;
    }
    m->cpu.halted = true;
    cpu_exit_loop(&m->cpu);
}

/* The boot ROM window is a copy of the flash as it is at reset, like QEMU's. */
static void refresh_bootrom(malta_t *m)
{
    memcpy(m->bootrom, m->flash, MALTA_FLASH_SIZE);
    uint32_t rev = BOARD_REVISION;
    memcpy(m->bootrom + 0x10, &rev, 4);
}

bool malta_init(malta_t *m, const malta_config_t *cfg, char **error)
{
    memset(m, 0, sizeof(*m));
    if (cfg->ram_size == 0 || cfg->ram_size > MALTA_MAX_RAM || cfg->ram_size % (1u << 20)) {
        *error = g_strdup_printf("-m: RAM size must be 1 to %u MiB in whole MiB",
                                 MALTA_MAX_RAM >> 20);
        return false;
    }
    const uint8_t *image = cfg->bios ? cfg->bios : kseg_bootrom_image;
    uint32_t image_size = cfg->bios ? cfg->bios_size : kseg_bootrom_size;
    if (image_size > MALTA_FLASH_SIZE) {
        *error = g_strdup_printf("-bios: image is %u bytes, larger than the %u-byte boot flash",
                                 image_size, MALTA_FLASH_SIZE);
        return false;
    }

    m->ram_size = cfg->ram_size;
    m->ram = calloc(1, m->ram_size);
    m->flash = malloc(MALTA_FLASH_SIZE);
    m->bootrom = malloc(MALTA_FLASH_SIZE);
    if (!m->ram || !m->flash || !m->bootrom) {
        *error = g_strdup("out of memory for guest RAM");
        return false;
    }
    memset(m->flash, 0xFF, MALTA_FLASH_SIZE);   /* erased NOR reads all ones */
    memcpy(m->flash, image, image_size);
    refresh_bootrom(m);
    m->no_reboot = cfg->no_reboot;

    bus_t *bus = &m->bus;
    bus_init(bus);
    bus_map_ram(bus, "ram", RAM_BASE, m->ram_size, m->ram, false);
    bus_map_ram(bus, "flash", FLASH_BASE, MALTA_FLASH_SIZE, m->flash, true);

    irq_line_t uart_irq = { cpu_irq_set, &m->cpu, CBUS_UART_IRQ };
    uart16550_init(&m->cbus_uart, 3, cfg->serial[2], uart_irq);
    bus_map_device(bus, "cbus-uart", CBUS_UART_BASE, CBUS_UART_SIZE, &m->cbus_uart, &uart16550_ops);

    m->fpga.reset_request = board_reset_request;
    m->fpga.opaque = m;
    malta_fpga_reset(&m->fpga);
    bus_map_device(bus, "fpga", FPGA_BASE, MALTA_FPGA_SIZE, &m->fpga, &malta_fpga_ops);

    bus_map_ram(bus, "bootrom", BOOTROM_BASE, MALTA_FLASH_SIZE, m->bootrom, true);

    ioport_init(&m->io);
    gt64120_init(&m->gt, bus, &m->io);

    /* The SuperIO UARTs interrupt through the i8259 (ISA IRQ 4 and 3), which does not exist
     * yet: until the i8259 issue wires them, their lines go nowhere. */
    irq_line_t uart_a_irq = { NULL, NULL, UART_A_ISA_IRQ };
    irq_line_t uart_b_irq = { NULL, NULL, UART_B_ISA_IRQ };
    superio_init(&m->superio, cfg->serial[0], uart_a_irq, cfg->serial[1], uart_b_irq);
    ioport_map(&m->io, "superio-uart-b", UART_B_PORT, SUPERIO_UART_PORTS, 1,
               &m->superio.uart_b, &uart16550_ops);
    ioport_map(&m->io, "superio-config", SUPERIO_CFG_PORT, SUPERIO_CONFIG_PORTS, 1,
               &m->superio, &superio_config_ops);
    ioport_map(&m->io, "superio-uart-a", UART_A_PORT, SUPERIO_UART_PORTS, 1,
               &m->superio.uart_a, &uart16550_ops);

    bus_map_device(bus, "empty", 0, LOW_WINDOW_SIZE, bus, &empty_ops);

    cpu_init(&m->cpu, bus);
    return true;
}

void malta_reset(malta_t *m)
{
    /* ROM content may change only through the flash (a later issue): re-copy, and drop the
     * decoded code of every page, since the copy may differ. RAM keeps its contents. */
    bus_free_code(&m->bus);
    refresh_bootrom(m);
    uart16550_reset(&m->cbus_uart);
    malta_fpga_reset(&m->fpga);
    gt64120_reset(&m->gt);
    superio_reset(&m->superio);
    cpu_reset(&m->cpu);
    m->reset_requested = false;
}

void malta_destroy(malta_t *m)
{
    bus_destroy(&m->bus);
    free(m->ram);
    free(m->flash);
    free(m->bootrom);
}
