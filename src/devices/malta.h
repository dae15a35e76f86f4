/* The Malta board (QEMU -M malta compatible): creates, maps and wires every device. */
#ifndef KSEG_MALTA_H
#define KSEG_MALTA_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "devices/gt64120.h"
#include "devices/ioport.h"
#include "devices/malta_fpga.h"
#include "devices/superio.h"
#include "devices/uart16550.h"
#include "mmu/bus.h"

typedef struct chardev chardev_t;

#define MALTA_SERIALS 3          /* QEMU's order: SuperIO 0x3F8, SuperIO 0x2F8, CBUS UART */
#define MALTA_FLASH_SIZE 0x400000u
#define MALTA_MAX_RAM (256u << 20)

typedef struct malta_config {
    uint32_t ram_size;
    const uint8_t *bios;         /* boot flash image, NULL for the embedded boot ROM */
    uint32_t bios_size;
    chardev_t *serial[MALTA_SERIALS];
    bool no_reboot;
} malta_config_t;

typedef struct malta {
    cpu_t cpu;
    bus_t bus;
    uint8_t *ram;
    uint32_t ram_size;
    uint8_t *flash;              /* the 4 MiB boot flash */
    uint8_t *bootrom;            /* the read-only copy at 0x1FC00000 (revision word stamped) */
    malta_fpga_t fpga;
    uart16550_t cbus_uart;
    gt64120_t gt;                /* system controller: its registers and PCI windows move */
    ioport_space_t io;           /* the I/O ports behind the GT's PCI0 I/O window */
    superio_t superio;           /* UARTs A (0x3F8) and B (0x2F8) */
    bool no_reboot;
    bool reset_requested;        /* software reset: reset the board between slices */
    bool power_off;              /* the board asked kseg to exit with exit_status */
    int exit_status;
} malta_t;

/* Returns false with *error set on a bad configuration (e.g. an image too big). */
bool malta_init(malta_t *m, const malta_config_t *cfg, char **error);
void malta_reset(malta_t *m);
void malta_destroy(malta_t *m);

#endif
