/* PCI bus 0, as QEMU's hw/pci/pci.c has it where a guest can see it.
 *
 * Each function's configuration space is three byte arrays: the values, the bits a write
 * may change, the bits a written 1 clears. A write merges byte by byte under those masks;
 * then, if it touched the command register or a BAR, the bus re-places the function's BARs.
 * A BAR decodes only when its space is enabled in the command register and it holds an
 * address that is not 0 and does not wrap (QEMU's pci_bar_address): firmware sizing a BAR
 * by writing all-ones with decode on does not make it land at the top of the space.
 *
 * Interrupts are wired-OR per PIRQ: the bus counts the functions asserting each one and
 * tells the router (the PIIX4) when a count goes between zero and non-zero. */
#include "devices/pci.h"

#include <string.h>

#include "devices/gt64120.h"
#include "frontend/log.h"

#define STATUS_W1C  0xF900u   /* parity, signalled/received target abort, received master
                               * abort, signalled system error, detected parity */
#define COMMAND_WRITABLE (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
                          PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)
#define ABSENT      0xFFFFFFFFu

/* ---- Functions ------------------------------------------------------------------------- */

void pci_function_init(pci_function_t *fn, const char *name, const pci_id_t *id,
                       const pci_function_ops_t *ops, void *opaque)
{
    memset(fn, 0, sizeof(*fn));
    fn->name = name;
    fn->ops = ops;
    fn->opaque = opaque;
    fn->devfn = -1;
    for (int i = 0; i < PCI_NUM_BARS; i++)
        fn->bars[i].addr = PCI_BAR_UNMAPPED;

    uint8_t *c = fn->config;
    pci_set_word(c + PCI_VENDOR_ID, id->vendor_id);
    pci_set_word(c + PCI_DEVICE_ID, id->device_id);
    pci_set_word(c + PCI_COMMAND, id->command);
    pci_set_word(c + PCI_STATUS, id->status);
    c[PCI_REVISION_ID] = id->revision;
    c[PCI_CLASS_PROG] = (uint8_t)id->class_code;
    pci_set_word(c + PCI_CLASS_PROG + 1, (uint16_t)(id->class_code >> 8));
    pci_set_word(c + PCI_SUBSYSTEM_VENDOR_ID, id->subsystem_vendor_id);
    pci_set_word(c + PCI_SUBSYSTEM_ID, id->subsystem_id);
    c[PCI_INTERRUPT_PIN] = id->interrupt_pin;

    pci_set_word(fn->wmask + PCI_COMMAND, COMMAND_WRITABLE);
    fn->wmask[PCI_CACHE_LINE] = 0xFF;
    fn->wmask[PCI_INTERRUPT_LINE] = 0xFF;
    memset(fn->wmask + PCI_HEADER_SIZE, 0xFF, PCI_CONFIG_SIZE - PCI_HEADER_SIZE);
    pci_set_word(fn->w1cmask + PCI_STATUS, STATUS_W1C);
}

void pci_function_set_bar(pci_function_t *fn, int index, const char *name, uint32_t size,
                          bool io, unsigned max_access, void *dev, const device_ops_t *ops)
{
    if (index < 0 || index >= PCI_NUM_BARS || size < (io ? 4u : 16u) || (size & (size - 1)))
        fatal("PCI %s: BAR %d of size 0x%x", fn->name, index, size);
    pci_bar_t *bar = &fn->bars[index];
    *bar = (pci_bar_t){ .size = size, .io = io, .max_access = io ? max_access : 4,
                        .name = name, .dev = dev, .ops = ops, .addr = PCI_BAR_UNMAPPED };
    uint32_t reg = PCI_BAR0 + 4 * (uint32_t)index;
    pci_set_long(fn->config + reg, io ? PCI_BAR_SPACE_IO : 0);   /* 32-bit, not prefetchable */
    pci_set_long(fn->wmask + reg, ~(size - 1));
}

/* Where a BAR should decode now (QEMU's pci_bar_address). */
static uint32_t bar_address(const pci_function_t *fn, int index)
{
    const pci_bar_t *bar = &fn->bars[index];
    uint16_t cmd = pci_get_word(fn->config + PCI_COMMAND);
    if (!(cmd & (bar->io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY)))
        return PCI_BAR_UNMAPPED;
    uint32_t base = pci_get_long(fn->config + PCI_BAR0 + 4 * index) & ~(bar->size - 1);
    uint64_t last = (uint64_t)base + bar->size - 1;
    if (base == 0 || last >= 0xFFFFFFFFu)
        return PCI_BAR_UNMAPPED;
    return base;
}

static void rebuild_mem_bars(pci_bus_t *bus)
{
    bus->mem_bar_count = 0;
    for (int d = 0; d < PCI_DEVFNS; d++) {
        pci_function_t *fn = bus->functions[d];
        if (!fn)
            continue;
        for (int i = 0; i < PCI_NUM_BARS; i++) {
            pci_bar_t *bar = &fn->bars[i];
            if (bar->size && !bar->io && bar->addr != PCI_BAR_UNMAPPED &&
                bus->mem_bar_count < PCI_DEVFNS)
                bus->mem_bars[bus->mem_bar_count++] = bar;
        }
    }
}

static void update_bars(pci_function_t *fn)
{
    bool mem_moved = false;
    for (int i = 0; i < PCI_NUM_BARS; i++) {
        pci_bar_t *bar = &fn->bars[i];
        if (!bar->size)
            continue;
        uint32_t addr = bar_address(fn, i);
        if (addr == bar->addr)
            continue;
        bar->addr = addr;
        if (bar->io)
            ioport_move(bar->range, addr == PCI_BAR_UNMAPPED ? 0 : addr,
                        addr == PCI_BAR_UNMAPPED ? 0 : bar->size);
        else
            mem_moved = true;
    }
    if (mem_moved && fn->bus)
        rebuild_mem_bars(fn->bus);
}

/* ---- Interrupts ------------------------------------------------------------------------ */

static int function_pirq(const pci_function_t *fn)
{
    int pin = fn->config[PCI_INTERRUPT_PIN];
    if (pin < 1 || pin > 4)
        return -1;
    int slot = PCI_SLOT(fn->devfn);
    int pirq = fn->bus->pirq_map ? fn->bus->pirq_map(slot, pin) : pin - 1;
    return pirq >= 0 && pirq < PCI_NUM_PIRQS ? pirq : -1;
}

static void change_pirq(pci_bus_t *bus, int pirq, int delta)
{
    int before = bus->pirq_count[pirq];
    bus->pirq_count[pirq] += delta;
    if ((before == 0) != (bus->pirq_count[pirq] == 0) && bus->pirq_handler)
        bus->pirq_handler(bus->pirq_opaque, pirq, bus->pirq_count[pirq] != 0);
}

/* What reaches the bus follows the device's level unless the command register's INTx
 * disable bit blocks it; the status register's interrupt bit shows the level either way. */
static void update_irq(pci_function_t *fn)
{
    uint8_t *status = fn->config + PCI_STATUS;
    status[0] = (uint8_t)((status[0] & ~PCI_STATUS_INTERRUPT) |
                          (fn->irq_level ? PCI_STATUS_INTERRUPT : 0));
    bool asserted = fn->irq_level &&
                    !(pci_get_word(fn->config + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
    if (asserted == fn->irq_asserted || !fn->bus)
        return;
    fn->irq_asserted = asserted;
    int pirq = function_pirq(fn);
    if (pirq >= 0)
        change_pirq(fn->bus, pirq, asserted ? 1 : -1);
}

void pci_set_irq(pci_function_t *fn, bool level)
{
    fn->irq_level = level;
    update_irq(fn);
}

static void irq_line_set(void *opaque, int n, bool level)
{
    (void)n;
    pci_set_irq(opaque, level);
}

irq_line_t pci_irq_line(pci_function_t *fn)
{
    return (irq_line_t){ irq_line_set, fn, 0 };
}

bool pci_bus_pirq_level(const pci_bus_t *bus, int pirq)
{
    return pirq >= 0 && pirq < PCI_NUM_PIRQS && bus->pirq_count[pirq] != 0;
}

/* ---- Configuration cycles ----------------------------------------------------------- */

uint32_t pci_function_config_read(pci_function_t *fn, uint32_t reg)
{
    reg &= 0xFC;
    uint32_t value = pci_get_long(fn->config + reg);
    if (fn->ops && fn->ops->config_read)
        value = fn->ops->config_read(fn, reg, value);
    return value;
}

void pci_function_config_write(pci_function_t *fn, uint32_t reg, uint32_t value)
{
    reg &= 0xFC;
    uint32_t old = pci_get_long(fn->config + reg);
    for (uint32_t i = 0; i < 4; i++) {
        uint8_t v = (uint8_t)(value >> (8 * i));
        uint8_t *p = &fn->config[reg + i];
        uint8_t w = fn->wmask[reg + i], c = fn->w1cmask[reg + i];
        *p = (uint8_t)(((*p & ~w) | (v & w)) & ~(v & c));
    }
    if (reg == PCI_COMMAND || (reg >= PCI_BAR0 && reg < PCI_BAR0 + 4 * PCI_NUM_BARS))
        update_bars(fn);
    if (reg == PCI_COMMAND)
        update_irq(fn);
    if (fn->ops && fn->ops->config_write)
        fn->ops->config_write(fn, reg, old, value);
}

/* CFGADDR fields: bus[23:16] device[15:11] function[10:8] register[7:2]. Only bus 0 exists
 * (no PCI-to-PCI bridges on the Malta). */
static bool decode(uint32_t addr, int *devfn, uint32_t *reg)
{
    if ((addr >> 16) & 0xFF)
        return false;
    *devfn = (int)((addr >> 8) & 0xFF);
    *reg = addr & 0xFC;
    return true;
}

uint32_t pci_config_read(pci_bus_t *bus, uint32_t addr)
{
    int devfn;
    uint32_t reg;
    if (!decode(addr, &devfn, &reg))
        return ABSENT;
    if (bus->host_read && devfn == bus->host_devfn)
        return bus->host_read(bus->host_opaque, reg);
    pci_function_t *fn = bus->functions[devfn];
    return fn ? pci_function_config_read(fn, reg) : ABSENT;
}

void pci_config_write(pci_bus_t *bus, uint32_t addr, uint32_t value)
{
    int devfn;
    uint32_t reg;
    if (!decode(addr, &devfn, &reg))
        return;
    if (bus->host_write && devfn == bus->host_devfn) {
        bus->host_write(bus->host_opaque, reg, value);
        return;
    }
    pci_function_t *fn = bus->functions[devfn];
    if (fn)
        pci_function_config_write(fn, reg, value);
}

/* ---- Memory space ---------------------------------------------------------------------- */

static pci_bar_t *find_mem_bar(pci_bus_t *bus, uint32_t addr)
{
    for (int i = 0; i < bus->mem_bar_count; i++) {
        pci_bar_t *bar = bus->mem_bars[i];
        if (addr - bar->addr < bar->size)
            return bar;
    }
    return NULL;
}

bool pci_mem_decodes(pci_bus_t *bus, uint32_t addr)
{
    return find_mem_bar(bus, addr) != NULL;
}

uint32_t pci_mem_read(pci_bus_t *bus, uint32_t addr, unsigned size)
{
    pci_bar_t *bar = find_mem_bar(bus, addr);
    if (!bar)
        return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;   /* master abort */
    return bar->ops->read(bar->dev, addr - bar->addr, size);
}

void pci_mem_write(pci_bus_t *bus, uint32_t addr, uint32_t value, unsigned size)
{
    pci_bar_t *bar = find_mem_bar(bus, addr);
    if (bar)
        bar->ops->write(bar->dev, addr - bar->addr, value, size);
}

/* ---- The bus ----------------------------------------------------------------------------- */

void pci_bus_init(pci_bus_t *bus, ioport_space_t *io)
{
    memset(bus, 0, sizeof(*bus));
    bus->io = io;
    bus->host_devfn = -1;
}

void pci_bus_set_host_bridge(pci_bus_t *bus, int devfn,
                             uint32_t (*read)(void *opaque, uint32_t reg),
                             void (*write)(void *opaque, uint32_t reg, uint32_t value),
                             void *opaque)
{
    if (devfn < 0 || devfn >= PCI_DEVFNS || bus->functions[devfn])
        fatal("PCI host bridge at devfn %d: slot taken or invalid", devfn);
    bus->host_devfn = devfn;
    bus->host_read = read;
    bus->host_write = write;
    bus->host_opaque = opaque;
}

void pci_bus_set_pirq_map(pci_bus_t *bus, pci_pirq_map_t map)
{
    bus->pirq_map = map;
}

void pci_bus_set_pirq_handler(pci_bus_t *bus, pci_pirq_handler_t handler, void *opaque)
{
    bus->pirq_handler = handler;
    bus->pirq_opaque = opaque;
}

static void set_multifunction(pci_bus_t *bus, int slot)
{
    pci_function_t *fn0 = bus->functions[PCI_DEVFN(slot, 0)];
    if (!fn0)
        return;
    for (int f = 1; f < PCI_FUNCS; f++) {
        if (bus->functions[PCI_DEVFN(slot, f)]) {
            fn0->config[PCI_HEADER_TYPE] |= PCI_HEADER_MULTIFUNCTION;
            fn0->reset_config[PCI_HEADER_TYPE] |= PCI_HEADER_MULTIFUNCTION;
            return;
        }
    }
}

void pci_bus_attach(pci_bus_t *bus, int devfn, pci_function_t *fn)
{
    if (devfn < 0 || devfn >= PCI_DEVFNS || bus->functions[devfn] || devfn == bus->host_devfn)
        fatal("PCI %s at %02x.%x: slot taken or invalid", fn->name, PCI_SLOT(devfn & 0xFF),
              PCI_FUNC(devfn & 0xFF));
    fn->bus = bus;
    fn->devfn = devfn;
    memcpy(fn->reset_config, fn->config, PCI_CONFIG_SIZE);
    bus->functions[devfn] = fn;
    for (int i = 0; i < PCI_NUM_BARS; i++) {
        pci_bar_t *bar = &fn->bars[i];
        if (bar->size && bar->io)
            bar->range = ioport_map(bus->io, bar->name, 0, 0, bar->max_access, bar->dev,
                                    bar->ops);
    }
    set_multifunction(bus, PCI_SLOT(devfn));
    update_bars(fn);   /* a BAR firmware does not place may still be on (none are) */
    update_irq(fn);
}

void pci_bus_reset(pci_bus_t *bus)
{
    for (int d = 0; d < PCI_DEVFNS; d++) {
        pci_function_t *fn = bus->functions[d];
        if (!fn)
            continue;
        memcpy(fn->config, fn->reset_config, PCI_CONFIG_SIZE);
        fn->irq_level = false;
        update_bars(fn);
        update_irq(fn);
    }
    for (int d = 0; d < PCI_DEVFNS; d++) {
        pci_function_t *fn = bus->functions[d];
        if (fn && fn->ops && fn->ops->reset)
            fn->ops->reset(fn);
    }
}

/* ---- Behind the GT-64120 --------------------------------------------------------------- */

static uint32_t gt_config_read(void *opaque, uint32_t addr)
{
    return pci_config_read(opaque, addr);
}

static void gt_config_write(void *opaque, uint32_t addr, uint32_t value)
{
    pci_config_write(opaque, addr, value);
}

static bool gt_mem_decodes(void *opaque, uint32_t addr)
{
    return pci_mem_decodes(opaque, addr);
}

static uint32_t gt_mem_read(void *opaque, uint32_t addr, unsigned size)
{
    return pci_mem_read(opaque, addr, size);
}

static void gt_mem_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    pci_mem_write(opaque, addr, value, size);
}

const gt64120_pci_ops_t pci_gt64120_ops = {
    .config_read = gt_config_read,
    .config_write = gt_config_write,
    .mem_decodes = gt_mem_decodes,
    .mem_read = gt_mem_read,
    .mem_write = gt_mem_write,
};
