/* PCI bus 0: the functions behind the host bridge, their configuration spaces, their BARs
 * and their INTx lines (shared/reference/malta.md §5).
 *
 * A PCI device embeds one pci_function_t per function, fills in its identity and reset
 * values with pci_function_init, describes its BARs with pci_function_set_bar, and plugs
 * the function into a slot with pci_bus_attach. From then on the bus owns the standard
 * header: command, status, BARs, interrupt line and pin behave as the PCI 2.2 spec and
 * QEMU's hw/pci/pci.c have them. The device sees only what it asked for:
 *   - its BARs' register blocks, called with offsets relative to the BAR, once firmware has
 *     placed the BAR and enabled its space in the command register (I/O BARs land in the
 *     I/O port space, memory BARs in the host bridge's PCI memory windows);
 *   - optional hooks for its device-specific registers (0x40-0xFF);
 *   - pci_set_irq to drive its INTx pin, which the bus turns into a PIRQ through the
 *     board's slot map, and the interrupt router (the PIIX4) into an ISA IRQ.
 *
 * Configuration cycles are 32-bit (the GT-64120 has no byte lanes): `reg` is a multiple of
 * 4, writes reach every byte under the per-byte writable mask. A function that is not there
 * reads all-ones (master abort) and ignores writes. */
#ifndef KSEG_PCI_H
#define KSEG_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/ioport.h"
#include "devices/irq.h"
#include "mmu/bus.h"

#define PCI_SLOTS        32
#define PCI_FUNCS        8
#define PCI_DEVFNS       (PCI_SLOTS * PCI_FUNCS)
#define PCI_NUM_BARS     6
#define PCI_NUM_PIRQS    4       /* PIRQA..PIRQD */
#define PCI_CONFIG_SIZE  256

#define PCI_DEVFN(slot, fn) (((slot) << 3) | (fn))
#define PCI_SLOT(devfn)     ((devfn) >> 3)
#define PCI_FUNC(devfn)     ((devfn) & 7)

/* Standard header registers (PCI Local Bus Specification 2.2, §6.1). */
enum {
    PCI_VENDOR_ID      = 0x00,
    PCI_DEVICE_ID      = 0x02,
    PCI_COMMAND        = 0x04,
    PCI_STATUS         = 0x06,
    PCI_REVISION_ID    = 0x08,
    PCI_CLASS_PROG     = 0x09,
    PCI_CACHE_LINE     = 0x0C,
    PCI_LATENCY_TIMER  = 0x0D,
    PCI_HEADER_TYPE    = 0x0E,
    PCI_BAR0           = 0x10,
    PCI_SUBSYSTEM_VENDOR_ID = 0x2C,
    PCI_SUBSYSTEM_ID   = 0x2E,
    PCI_ROM_ADDRESS    = 0x30,
    PCI_INTERRUPT_LINE = 0x3C,
    PCI_INTERRUPT_PIN  = 0x3D,
    PCI_HEADER_SIZE    = 0x40,   /* device-specific registers start here */
};

#define PCI_COMMAND_IO            0x0001
#define PCI_COMMAND_MEMORY        0x0002
#define PCI_COMMAND_MASTER        0x0004
#define PCI_COMMAND_SERR          0x0100
#define PCI_COMMAND_INTX_DISABLE  0x0400
#define PCI_STATUS_INTERRUPT      0x0008   /* read-only: the function asserts INTx */
#define PCI_STATUS_FAST_BACK      0x0080
#define PCI_STATUS_DEVSEL_MEDIUM  0x0200
#define PCI_HEADER_MULTIFUNCTION  0x80
#define PCI_BAR_SPACE_IO          0x01
#define PCI_BAR_UNMAPPED          0xFFFFFFFFu

typedef struct pci_bus pci_bus_t;
typedef struct pci_function pci_function_t;

/* Who the function is, and the parts of its header that are not zero at reset. */
typedef struct pci_id {
    uint16_t vendor_id, device_id;
    uint8_t revision;
    uint32_t class_code;          /* class << 16 | subclass << 8 | programming interface */
    uint16_t subsystem_vendor_id, subsystem_id;
    uint16_t command;             /* at reset (usually 0) */
    uint16_t status;              /* at reset: DEVSEL timing, fast back-to-back */
    uint8_t interrupt_pin;        /* 0: none, 1-4: INTA-INTD */
} pci_id_t;

/* Optional hooks for the registers the bus does not know. */
typedef struct pci_function_ops {
    /* `value` is the dword at `reg` as the configuration space holds it; the hook returns
     * what the guest reads (for registers that are not plain storage). */
    uint32_t (*config_read)(pci_function_t *fn, uint32_t reg, uint32_t value);
    /* Called after a write has been stored under the masks (and BARs moved): `old` is the
     * dword before it, fn->config holds the result. */
    void (*config_write)(pci_function_t *fn, uint32_t reg, uint32_t old, uint32_t value);
    /* Called by pci_bus_reset after the configuration space is back at its reset values:
     * the device resets whatever else it holds (its I/O registers, the state it derives
     * from its configuration registers). */
    void (*reset)(pci_function_t *fn);
} pci_function_ops_t;

typedef struct pci_bar {
    uint32_t size;                /* a power of two; 0: no BAR here */
    bool io;                      /* I/O space (otherwise 32-bit non-prefetchable memory) */
    unsigned max_access;          /* I/O: the widest access the device takes (1, 2 or 4) */
    const char *name;             /* for the I/O port table and logs */
    void *dev;
    const device_ops_t *ops;
    /* Kept by the bus: where the BAR decodes now, PCI_BAR_UNMAPPED when nowhere. */
    uint32_t addr;
    ioport_range_t *range;        /* I/O BARs: the port range the bus moves */
} pci_bar_t;

struct pci_function {
    uint8_t config[PCI_CONFIG_SIZE];
    uint8_t wmask[PCI_CONFIG_SIZE];      /* bits the guest may write */
    uint8_t w1cmask[PCI_CONFIG_SIZE];    /* bits a written 1 clears (status errors) */
    uint8_t reset_config[PCI_CONFIG_SIZE];
    pci_bar_t bars[PCI_NUM_BARS];
    const pci_function_ops_t *ops;
    void *opaque;                        /* the device, for the hooks */
    const char *name;

    pci_bus_t *bus;                      /* NULL until attached */
    int devfn;
    bool irq_level;                      /* what the device drives on its INTx pin */
    bool irq_asserted;                   /* what reaches the bus (after INTX_DISABLE) */
};

/* The interrupt router (the PIIX4's PIRQ registers) sees PIRQA..D as levels. */
typedef void (*pci_pirq_handler_t)(void *opaque, int pirq, bool level);
/* The board's wiring of a slot's INTx pins (pin 1-4 = INTA-INTD) onto PIRQA-D (0-3). */
typedef int (*pci_pirq_map_t)(int slot, int pin);

struct pci_bus {
    pci_function_t *functions[PCI_DEVFNS];
    ioport_space_t *io;

    /* The host bridge's own function (00.0 on Malta) lives in the host controller. */
    int host_devfn;
    uint32_t (*host_read)(void *opaque, uint32_t reg);
    void (*host_write)(void *opaque, uint32_t reg, uint32_t value);
    void *host_opaque;

    pci_pirq_map_t pirq_map;
    pci_pirq_handler_t pirq_handler;
    void *pirq_opaque;
    int pirq_count[PCI_NUM_PIRQS];       /* functions asserting each PIRQ (wired-OR) */

    /* Memory BARs that decode now, for the host bridge's memory windows. */
    pci_bar_t *mem_bars[PCI_DEVFNS];
    int mem_bar_count;
};

void pci_bus_init(pci_bus_t *bus, ioport_space_t *io);
void pci_bus_set_host_bridge(pci_bus_t *bus, int devfn,
                             uint32_t (*read)(void *opaque, uint32_t reg),
                             void (*write)(void *opaque, uint32_t reg, uint32_t value),
                             void *opaque);
/* Without a map, INTA-INTD go to PIRQA-D whatever the slot. */
void pci_bus_set_pirq_map(pci_bus_t *bus, pci_pirq_map_t map);
void pci_bus_set_pirq_handler(pci_bus_t *bus, pci_pirq_handler_t handler, void *opaque);
bool pci_bus_pirq_level(const pci_bus_t *bus, int pirq);
/* Every function back to its reset configuration (BARs unplaced, decode off, INTx low),
 * then each function's reset hook, in device/function order. */
void pci_bus_reset(pci_bus_t *bus);

/* Fills in the header from `id`, with QEMU's writable masks: command IO/MEMORY/MASTER/SERR/
 * INTX_DISABLE, cache line size, interrupt line, and all of 0x40-0xFF; status error bits
 * write-1-to-clear. The device then sets its registers' reset values in fn->config (and
 * adjusts fn->wmask) before attaching: what config holds at attach time is its reset state. */
void pci_function_init(pci_function_t *fn, const char *name, const pci_id_t *id,
                       const pci_function_ops_t *ops, void *opaque);
/* Describes BAR `index` (0-5), before the function is attached. For I/O BARs `max_access`
 * is as for ioport_map; memory BARs get 1-, 2- and 4-byte accesses as the CPU makes them. */
void pci_function_set_bar(pci_function_t *fn, int index, const char *name, uint32_t size,
                          bool io, unsigned max_access, void *dev, const device_ops_t *ops);
/* Plugs the function in at `devfn`. A function other than 0 makes its slot multifunction
 * (header type bit 7 of function 0). The slot must be free (the board's mistake: fatal). */
void pci_bus_attach(pci_bus_t *bus, int devfn, pci_function_t *fn);

/* Drives the function's INTx pin (the pin its interrupt-pin register names). */
void pci_set_irq(pci_function_t *fn, bool level);
/* The same as an interrupt line value, for a device core that only knows irq_line_t (the
 * DP8390 behind an NE2000 PCI front). */
irq_line_t pci_irq_line(pci_function_t *fn);

/* Configuration cycles on bus 0 as the host bridge runs them: `addr` is bus[23:16]
 * device[15:11] function[10:8] register[7:2] (CFGADDR without the enable bit). */
uint32_t pci_config_read(pci_bus_t *bus, uint32_t addr);
void pci_config_write(pci_bus_t *bus, uint32_t addr, uint32_t value);

/* One function's configuration dword, as a configuration cycle would see it. */
uint32_t pci_function_config_read(pci_function_t *fn, uint32_t reg);
void pci_function_config_write(pci_function_t *fn, uint32_t reg, uint32_t value);

/* PCI memory space, for the host bridge: `addr` is the PCI bus address. */
bool pci_mem_decodes(pci_bus_t *bus, uint32_t addr);
uint32_t pci_mem_read(pci_bus_t *bus, uint32_t addr, unsigned size);
void pci_mem_write(pci_bus_t *bus, uint32_t addr, uint32_t value, unsigned size);

/* The bus as the GT-64120 sees it (gt64120_set_pci(gt, &pci_gt64120_ops, bus)): the five
 * calls above behind the GT's plug-in interface. */
struct gt64120_pci_ops;
extern const struct gt64120_pci_ops pci_gt64120_ops;

/* Little-endian accessors for a function's configuration space. */
static inline uint8_t pci_get_byte(const uint8_t *p) { return p[0]; }
static inline uint16_t pci_get_word(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t pci_get_long(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void pci_set_long(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

#endif
