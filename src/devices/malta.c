/* The Malta board, compatible with QEMU's -M malta (shared/reference/malta.md).
 *
 * Physical address map (the only place that knows addresses):
 *
 *   0x00000000  RAM, up to 256 MiB                         ram
 *   0x1E000000  boot flash, 4 MiB                           flash (read-only for now)
 *   0x1F000900  CBUS UART, 16550, registers 8 bytes apart   IP4 (hardware interrupt 2)
 *   0x1F000000  FPGA: LEDs, ASCII display, software reset   (mapped after the UART)
 *   0x1FC00000  boot ROM window: a copy of the flash's first 4 MiB, word 0x10 = 0x420
 *
 *   0x00000000  "empty": the rest of the low 512 MiB reads zero and ignores writes, as the
 *               GT-64120 decodes it on QEMU (mapped last, so every device above wins)
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

#define BOARD_REVISION  0x00000420u   /* Malta with CoreLV: Linux and U-Boot probe it */
#define CBUS_UART_IRQ   2             /* hardware interrupt 2 = Cause.IP4 */

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
