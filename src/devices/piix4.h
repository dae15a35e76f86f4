/* The Intel 82371AB PIIX4 south bridge's PCI functions, as QEMU's Malta has them
 * (shared/reference/malta.md §5, §6):
 *   function 0  PCI-to-ISA bridge 8086:7110: the PIRQ router (PIRQRC[A-D] at 0x60-0x63
 *               send PCI interrupts to ISA IRQs), SERIRQ/TOM/GENCFG as plain registers, and
 *               the reset control register at I/O port 0xCF9;
 *   function 1  IDE 8086:7111: the bus-master block (BAR4, 16 ports); no drives, so the
 *               legacy ports read as an empty channel;
 *   function 2  USB UHCI 8086:7112: configuration space and a register block that never
 *               runs a schedule (BAR4, 32 ports);
 *   function 3  power management 8086:7113: the PM I/O block at PMBA (config 0x40) when
 *               PMREGMISC (0x80) enables it; PMCNTRL SUS_EN with SUS_TYP 0 powers off.
 * The ISA devices behind the bridge (i8259, i8254, RTC, ...) are their own files; the board
 * wires the PIIX4's ISA IRQ outputs to the i8259's inputs. */
#ifndef KSEG_PIIX4_H
#define KSEG_PIIX4_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/ioport.h"
#include "devices/irq.h"
#include "devices/pci.h"
#include "mmu/bus.h"

#define PIIX4_ISA_IRQS       16
#define PIIX4_PM_IO_SIZE     64
#define PIIX4_UHCI_IO_SIZE   32
#define PIIX4_BMIDE_IO_SIZE  16
#define PIIX4_RCR_PORTS      1
/* Legacy IDE: command block 8 ports, control block 1 port, per channel. */
#define PIIX4_IDE_CMD_PORTS  8
#define PIIX4_IDE_CTL_PORTS  1

/* Function 0 registers. */
enum {
    PIIX4_PIRQRC   = 0x60,   /* 4 bytes, PIRQA-D: bit 7 disables, bits 3:0 the ISA IRQ */
    PIIX4_SERIRQC  = 0x64,
    PIIX4_TOM      = 0x69,
    PIIX4_GENCFG   = 0xB0,
};
/* Function 3 registers and PM I/O offsets. */
enum {
    PIIX4_PMBA      = 0x40,
    PIIX4_PMREGMISC = 0x80,
    PIIX4_SMBBA     = 0x90,
    PIIX4_SMBHSTCFG = 0xD2,
    PIIX4_PM_PMSTS   = 0x00,
    PIIX4_PM_PMEN    = 0x02,
    PIIX4_PM_PMCNTRL = 0x04,
    PIIX4_PM_PMTMR   = 0x08,
};
#define PIIX4_PMCNTRL_SUS_EN      (1u << 13)
#define PIIX4_PMCNTRL_SUS_TYP(v)  (((v) >> 10) & 7)

typedef struct piix4 {
    pci_function_t isa, ide, usb, pm;    /* functions 0-3 */

    irq_line_t isa_irq[PIIX4_ISA_IRQS];  /* the i8259 inputs */
    bool irq_out[PIIX4_ISA_IRQS];        /* what the PIRQ router drives on each of them */
    bool pirq[PCI_NUM_PIRQS];            /* PIRQA-D as the bus drives them */

    uint8_t rcr;                         /* reset control: the reset type bit */
    uint8_t bmide[PIIX4_BMIDE_IO_SIZE];  /* bus-master IDE registers */
    uint16_t uhci_cmd, uhci_intr, uhci_frnum;
    uint32_t uhci_flbase;
    uint8_t uhci_sofmod;
    uint8_t pm_regs[PIIX4_PM_IO_SIZE];
    ioport_range_t *pm_range;

    /* The board's hooks: a hard reset (RCR bit 2) and a soft power-off (PMCNTRL). */
    void (*reset_request)(void *opaque);
    void (*power_off)(void *opaque);
    void *opaque;
} piix4_t;

/* Fixed-port blocks the board maps: the reset control register (0xCF9), and the legacy
 * IDE command and control blocks (0x1F0/0x3F6, 0x170/0x376), which answer "no drive". */
extern const device_ops_t piix4_rcr_ops;
extern const device_ops_t piix4_ide_legacy_ops;

/* Puts functions 0-3 on `bus` at `slot` and maps the PM block (placed later by the guest)
 * in `io`. `isa_irq` are the i8259's 16 inputs. Set reset_request/power_off/opaque before
 * the guest runs. */
void piix4_init(piix4_t *p, pci_bus_t *bus, int slot, ioport_space_t *io,
                const irq_line_t isa_irq[PIIX4_ISA_IRQS]);

#endif
