/* Galileo GT-64120 system controller, as QEMU's Malta has it (shared/reference/malta.md §4):
 * a 4 KiB block of 32-bit registers that moves with ISD, the PCI0 I/O window onto the I/O
 * port space, the PCI0 MEM0/MEM1 windows onto PCI memory (identity: PCI address = CPU
 * physical address), and PCI configuration cycles through CFGADDR/CFGDATA.
 *
 * gt64120_init maps four regions on the physical bus (registers, MEM1, MEM0, I/O, in that
 * precedence) and the GT moves them whenever the guest rewrites the decode registers. */
#ifndef KSEG_GT64120_H
#define KSEG_GT64120_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/ioport.h"
#include "mmu/bus.h"

#define GT_REGS_SIZE 0x1000u

/* Register offsets (GT-64120 data sheet names, as in Linux's asm/gt64120.h). */
enum {
    GT_CPU            = 0x000,   /* CPU interface configuration; bit 12 = little-endian */
    GT_PCI0IOLD       = 0x048,
    GT_PCI0IOHD       = 0x050,
    GT_PCI0M0LD       = 0x058,
    GT_PCI0M0HD       = 0x060,
    GT_ISD            = 0x068,   /* internal space decode: where these registers are */
    GT_PCI0M1LD       = 0x080,
    GT_PCI0M1HD       = 0x088,
    GT_PCI0IOREMAP    = 0x0F0,
    GT_PCI0M0REMAP    = 0x0F8,
    GT_PCI0M1REMAP    = 0x100,
    GT_MULTI          = 0x120,
    GT_PCI0_CMD       = 0xC00,
    GT_INTRCAUSE      = 0xC18,
    GT_PCI0_IACK      = 0xC34,
    GT_PCI0_CFGADDR   = 0xCF8,
    GT_PCI0_CFGDATA   = 0xCFC,
};

/* What sits on PCI bus 0 behind the GT: the later PCI bus (pci.c) provides it. Without one,
 * the GT answers configuration cycles for its own function (bus 0, device 0, function 0) and
 * its memory windows have nothing behind them. */
typedef struct gt64120_pci_ops {
    /* Configuration cycles are 32-bit: `addr` is CFGADDR without the enable bit, i.e.
     * bus[23:16] device[15:11] function[10:8] register[7:2]. Absent functions read
     * 0xFFFFFFFF and ignore writes. */
    uint32_t (*config_read)(void *opaque, uint32_t addr);
    void (*config_write)(void *opaque, uint32_t addr, uint32_t value);
    /* PCI memory (optional): `addr` is the PCI bus address. Where mem_decodes says no, the
     * CPU's access falls through the window to whatever is below it (the board's empty
     * low 512 MiB reads 0; above that, a bus error), as on QEMU. */
    bool (*mem_decodes)(void *opaque, uint32_t addr);
    uint32_t (*mem_read)(void *opaque, uint32_t addr, unsigned size);
    void (*mem_write)(void *opaque, uint32_t addr, uint32_t value, unsigned size);
} gt64120_pci_ops_t;

typedef struct gt64120 {
    uint32_t regs[GT_REGS_SIZE / 4];
    uint32_t cfgaddr;                    /* PCI0_CFGADDR, kept apart as QEMU's config_reg */
    uint8_t bridge_config[256];          /* the host bridge's own configuration space (00.0) */

    bus_t *bus;
    ioport_space_t *io;
    bus_region_t *regs_region, *io_window, *mem0_window, *mem1_window;

    const gt64120_pci_ops_t *pci;
    void *pci_opaque;

    /* The PCI interrupt-acknowledge cycle a PCI0_IACK read runs: the board points it at
     * the i8259 pair (i8259_acknowledge). NULL: nothing answers, as a PIC with nothing
     * pending would (spurious IRQ 7). */
    uint8_t (*iack)(void *opaque);
    void *iack_opaque;
} gt64120_t;

/* Maps the GT's regions on `bus` (after RAM and ROM, before any catch-all) and resets it. */
void gt64120_init(gt64120_t *gt, bus_t *bus, ioport_space_t *io);
/* Registers back at 0x14000000, windows at their reset places (I/O 0x10000000, MEM0
 * 0x12000000, MEM1 0xF2000000). */
void gt64120_reset(gt64120_t *gt);
void gt64120_set_pci(gt64120_t *gt, const gt64120_pci_ops_t *ops, void *opaque);
void gt64120_set_iack(gt64120_t *gt, uint8_t (*iack)(void *opaque), void *opaque);

/* The host bridge function's configuration space, for a PCI bus to put at 00.0. */
uint32_t gt64120_bridge_config_read(gt64120_t *gt, uint32_t reg);
void gt64120_bridge_config_write(gt64120_t *gt, uint32_t reg, uint32_t value);

#endif
