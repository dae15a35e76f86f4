/* PCI configuration through the GT-64120, bus 0 only (the Malta has no PCI bridge).
 *
 * The boot ROM moved the GT's registers to GT_BASE and opened its PCI I/O window at
 * physical 0x18000000 (board.h: port N is at ISA_IO + N); it assigns no BARs itself, so
 * every BAR is what the device's reset left (0 on kseg and QEMU). A configuration cycle
 * is CFGADDR (enable bit, slot, function, register) then CFGDATA, as the boot ROM's
 * board.c and Linux's pci-gt64xxx_pci0.c do. An empty slot makes the GT end the cycle
 * with a master abort: it flags that in INTRCAUSE and reads all-ones, so both are
 * checked, the flag cleared before each cycle (the emulators read all-ones and may never
 * flag it).
 *
 * I/O ports go up from PCI_IO_FIRST: every ISA device of the board (PIIX4, SuperIO,
 * i8259s, RTC, ...) decodes below 0x1000, which is also where Linux and U-Boot start
 * their PCI I/O allocations on the Malta (malta.md, sections 11 and 12). */
#include "hv.h"
#include "pci.h"

#define GT_INTR_PCI0_ABORTS ((1u << 18) | (1u << 19))  /* master abort, target abort */
#define CFGADDR_ENABLE      0x80000000u
#define CFGADDR_SLOT_SHIFT  11

#define PCI_IO_FIRST        0x1000u
#define PCI_IO_END          0x200000u   /* the GT's I/O window is 2 MiB (GT_IOHD_VALUE) */
#define PCI_IO_UPPER_ZERO   0xFFFF0000u /* a 16-bit I/O decoder reads these BAR bits as 0 */
#define PCI_BAR_IO_MASK     0xFFFFFFFCu
#define PCI_BAR_MEM_MASK    0xFFFFFFF0u
#define PCI_HEADER_TYPE_MASK 0x7F

static uint32_t next_io_port = PCI_IO_FIRST;

static volatile uint32_t *gt_reg(uint32_t offset)
{
    return (volatile uint32_t *)(uintptr_t)(GT_BASE + offset);
}

/* Points CFGADDR at the register, with the abort flags cleared (a 0 written clears one). */
static void config_address(unsigned slot, unsigned reg)
{
    *gt_reg(GT_INTRCAUSE) = ~GT_INTR_PCI0_ABORTS;
    *gt_reg(GT_PCI0_CFGADDR) = CFGADDR_ENABLE | (slot & (PCI_SLOTS - 1)) << CFGADDR_SLOT_SHIFT |
                               (reg & 0xFCu);
}

static bool config_aborted(void)
{
    bool aborted = (*gt_reg(GT_INTRCAUSE) & GT_INTR_PCI0_ABORTS) != 0;
    *gt_reg(GT_INTRCAUSE) = ~GT_INTR_PCI0_ABORTS;
    return aborted;
}

uint32_t pci_config_read(unsigned slot, unsigned reg)
{
    uint32_t ie = irq_save();           /* CFGADDR and CFGDATA are one cycle: not shared */
    config_address(slot, reg);
    uint32_t value = *gt_reg(GT_PCI0_CFGDATA);
    if (config_aborted())
        value = 0xFFFFFFFFu;
    irq_restore(ie);
    return value;
}

void pci_config_write(unsigned slot, unsigned reg, uint32_t value)
{
    uint32_t ie = irq_save();
    config_address(slot, reg);
    *gt_reg(GT_PCI0_CFGDATA) = value;
    config_aborted();
    irq_restore(ie);
}

unsigned pci_scan(pci_dev_t *devs, unsigned max)
{
    unsigned n = 0;
    for (unsigned slot = 0; slot < PCI_SLOTS && n < max; slot++) {
        uint32_t id = pci_config_read(slot, PCI_ID);
        if ((id & 0xFFFF) == PCI_VENDOR_NONE || (id & 0xFFFF) == 0)
            continue;
        devs[n++] = (pci_dev_t){
            .slot = (uint8_t)slot,
            .vendor_id = (uint16_t)id,
            .device_id = (uint16_t)(id >> 16),
            .class_rev = pci_config_read(slot, PCI_CLASS_REV),
            .header_type = (uint8_t)(pci_config_read(slot, PCI_HEADER) >> 16) &
                           PCI_HEADER_TYPE_MASK,
        };
    }
    return n;
}

/* The classic sizing: all-ones written, the bits that stay 0 are the size, then the old
 * value back. Decoding is off meanwhile, or the all-ones address would be live on the bus. */
pci_bar_t pci_bar_probe(unsigned slot, unsigned bar)
{
    pci_bar_t r = { 0, false };
    if (bar >= PCI_BARS)
        return r;
    unsigned reg = PCI_BAR0 + 4 * bar;
    uint32_t command = pci_config_read(slot, PCI_COMMAND);
    pci_config_write(slot, PCI_COMMAND,
                     command & ~(uint32_t)(PCI_COMMAND_IO | PCI_COMMAND_MEM));
    uint32_t old = pci_config_read(slot, reg);
    pci_config_write(slot, reg, 0xFFFFFFFFu);
    uint32_t mask = pci_config_read(slot, reg);
    pci_config_write(slot, reg, old);
    pci_config_write(slot, PCI_COMMAND, command & 0xFFFF);  /* status bits: write 1 clears */
    if (mask == 0 || mask == 0xFFFFFFFFu)
        return r;                       /* not implemented, or the slot went away */
    r.io = mask & PCI_BAR_IO;
    if (r.io) {
        mask &= PCI_BAR_IO_MASK;
        if (!(mask & PCI_IO_UPPER_ZERO))
            mask |= PCI_IO_UPPER_ZERO;
    } else {
        mask &= PCI_BAR_MEM_MASK;
    }
    r.size = ~mask + 1;
    return r;
}

uint32_t pci_assign_io_bar(unsigned slot, unsigned bar)
{
    pci_bar_t b = pci_bar_probe(slot, bar);
    if (!b.io || b.size == 0 || (b.size & (b.size - 1)))
        return 0;
    uint32_t port = (next_io_port + b.size - 1) & ~(b.size - 1);   /* naturally aligned */
    if (port + b.size > PCI_IO_END || port + b.size < port)
        return 0;
    next_io_port = port + b.size;
    pci_config_write(slot, PCI_BAR0 + 4 * bar, port | PCI_BAR_IO);
    uint32_t command = pci_config_read(slot, PCI_COMMAND) & 0xFFFF;
    pci_config_write(slot, PCI_COMMAND, command | PCI_COMMAND_IO | PCI_COMMAND_MASTER);
    return port;
}
