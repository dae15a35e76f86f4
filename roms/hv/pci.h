/* PCI bus 0 behind the GT-64120: configuration cycles, a scan, BAR sizing and I/O BAR
 * assignment, for the devices the hypervisor drives itself (the NE2000, hwnet.c). */
#ifndef HV_PCI_H
#define HV_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_SLOTS           32

/* Configuration header registers (PCI Local Bus Specification 3.0, section 6.1). */
#define PCI_ID              0x00        /* device ID << 16 | vendor ID */
#define PCI_COMMAND         0x04        /* command (low half), status (high half) */
#define   PCI_COMMAND_IO    0x0001
#define   PCI_COMMAND_MEM   0x0002
#define   PCI_COMMAND_MASTER 0x0004
#define PCI_CLASS_REV       0x08        /* class code << 8 | revision */
#define PCI_HEADER          0x0C        /* header type in bits 23:16 */
#define PCI_BAR0            0x10        /* six BARs, 4 bytes apart (header type 0) */
#define PCI_BARS            6
#define   PCI_BAR_IO        0x1u        /* bit 0: an I/O BAR */
#define PCI_VENDOR_NONE     0xFFFF      /* what an empty slot reads */

/* A function 0 that answered on bus 0. */
typedef struct pci_dev {
    uint8_t slot;
    uint16_t vendor_id, device_id;
    uint32_t class_rev;
    uint8_t header_type;        /* without the multi-function bit */
} pci_dev_t;

/* One 32-bit configuration cycle to function 0 of `slot`, register `reg` (a multiple of 4).
 * A read from an empty slot gives all-ones. */
uint32_t pci_config_read(unsigned slot, unsigned reg);
void pci_config_write(unsigned slot, unsigned reg, uint32_t value);

/* Fills `devs` (up to `max`) with the devices on bus 0, in slot order; returns how many. */
unsigned pci_scan(pci_dev_t *devs, unsigned max);

/* What a BAR asks for: its size in bytes (0: the BAR is not implemented) and its kind. */
typedef struct pci_bar {
    uint32_t size;
    bool io;
} pci_bar_t;
pci_bar_t pci_bar_probe(unsigned slot, unsigned bar);

/* Gives I/O BAR `bar` of `slot` a port range of its own from the hypervisor's part of the
 * PCI I/O space and turns on I/O decoding and bus mastering. Returns the first port, or 0
 * when the BAR is not an I/O BAR or no room is left. */
uint32_t pci_assign_io_bar(unsigned slot, unsigned bar);

#endif
