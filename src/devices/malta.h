/* The Malta board (QEMU -M malta compatible): creates, maps and wires every device. */
#ifndef KSEG_MALTA_H
#define KSEG_MALTA_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "devices/cfi_flash.h"
#include "devices/gt64120.h"
#include "devices/i8042.h"
#include "devices/i8254.h"
#include "devices/i8259.h"
#include "devices/ioport.h"
#include "devices/malta_fpga.h"
#include "devices/mc146818.h"
#include "devices/ne2k_pci.h"
#include "devices/net_link.h"
#include "devices/pci.h"
#include "devices/piix4.h"
#include "devices/superio.h"
#include "devices/uart16550.h"
#include "devices/vclock.h"
#include "mmu/bus.h"

typedef struct chardev chardev_t;
/* Where the board stores completed flash programs and erases (the -pflash file): false
 * when the store failed. The frontend provides it; the board knows no files. */
typedef struct malta_flash_store {
    bool (*store)(void *opaque, uint32_t offset, const uint8_t *data, uint32_t len);
    void *opaque;
    bool write_protected;        /* readonly=on: the chip refuses programs and erases */
} malta_flash_store_t;

#define MALTA_SERIALS 3          /* QEMU's order: SuperIO 0x3F8, SuperIO 0x2F8, CBUS UART */
#define MALTA_FLASH_SIZE 0x400000u
#define MALTA_MAX_RAM (256u << 20)
#define MALTA_MAX_NICS 4         /* NE2000 PCI cards in slots 18-21 (the board's PCI slots 1-4) */

/* A network card: its MAC address and the link its backend (frontend/net.c) provides. */
typedef struct malta_nic {
    uint8_t mac[NET_MAC_LEN];
    net_link_t *link;
} malta_nic_t;

typedef struct malta_config {
    uint32_t ram_size;
    const uint8_t *bios;         /* boot flash image, NULL for the embedded boot ROM */
    uint32_t bios_size;
    /* -pflash: the flash's whole content (MALTA_FLASH_SIZE bytes) instead of `bios`, and
     * where its programs and erases are stored (no store: they last for the run). */
    const uint8_t *pflash;
    malta_flash_store_t pflash_store;
    /* With pflash: the boot ROM window shows `bios` (or the embedded boot ROM) instead of
     * the flash, so that -kernel still finds the boot ROM that loads it. */
    bool bootrom_window_from_bios;
    chardev_t *serial[MALTA_SERIALS];
    malta_nic_t nics[MALTA_MAX_NICS];  /* NE2000 PCI cards, slot 18 first, as QEMU places them */
    int nic_count;
    bool no_reboot;
} malta_config_t;

typedef struct malta {
    cpu_t cpu;
    bus_t bus;
    uint8_t *ram;
    uint32_t ram_size;
    uint8_t *flash;              /* the 4 MiB boot flash's content */
    cfi_flash_t flash_chip;      /* its command interface */
    bus_region_t *flash_region;  /* a ROM device: read as memory in read-array mode only */
    malta_flash_store_t flash_store;   /* where programs and erases are stored */
    uint8_t *bootrom;            /* the read-only copy at 0x1FC00000 (revision word stamped) */
    bool bootrom_fixed;          /* the copy is not the flash's: never refreshed */
    malta_fpga_t fpga;
    uart16550_t cbus_uart;
    gt64120_t gt;                /* system controller: its registers and PCI windows move */
    ioport_space_t io;           /* the I/O ports behind the GT's PCI0 I/O window */
    superio_t superio;           /* UARTs A (0x3F8) and B (0x2F8) */
    vclock_t clock;              /* device timers on virtual time (the CPU's icount) */
    i8259_t pic;                 /* the PIIX4's i8259 pair: ISA IRQs 0-15 -> CPU IP2 */
    i8254_t pit;                 /* the PIIX4's PIT: channel 0 -> ISA IRQ 0 */
    mc146818_t rtc;              /* the PIIX4's RTC and CMOS: ISA IRQ 8 */
    i8042_t kbc;                 /* the SuperIO's keyboard controller: ISA IRQ 1 and 12 */
    pci_bus_t pci;               /* PCI bus 0 behind the GT */
    piix4_t piix4;               /* south bridge functions 0A.0-0A.3 */
    ne2k_pci_t nics[MALTA_MAX_NICS];   /* NE2000 PCI cards in slots 18.. */
    int nic_count;
    bool no_reboot;
    bool reset_requested;        /* software reset: reset the board between slices */
    bool power_off;              /* the board asked kseg to exit with exit_status */
    int exit_status;
} malta_t;

/* Returns false with *error set on a bad configuration (e.g. an image too big). */
bool malta_init(malta_t *m, const malta_config_t *cfg, char **error);
void malta_reset(malta_t *m);
void malta_destroy(malta_t *m);

/* QEMU's Malta wiring of PCI interrupt pins (1-4 = INTA-INTD) to PIRQA-D (0-3), per slot. */
int malta_pci_slot_pirq(int slot, int pin);

#endif
