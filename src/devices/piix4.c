/* PIIX4 PCI functions: configuration spaces as QEMU 7.2 builds them (hw/isa/piix4.c,
 * hw/ide/piix.c, hw/usb/hcd-uhci.c, hw/acpi/piix4.c), register behaviour from the Intel
 * 82371AB data sheet where QEMU leaves it to plain storage. */
#include "devices/piix4.h"

#include <string.h>

#include "frontend/log.h"

#define PCI_VENDOR_INTEL   0x8086
/* QEMU gives functions without their own subsystem IDs Red Hat's: U-Boot's `pci header`
 * and Linux's lspci show them. */
#define SUBSYS_VENDOR      0x1AF4
#define SUBSYS_ID          0x1100
#define PIIX4_BAR4         4

#define PIRQ_DISABLED      0x80
#define PIRQ_IRQ_MASK      0x0F
/* PIRQ route values the data sheet reserves: timer, keyboard, cascade, RTC, FPU error. */
#define PIRQ_RESERVED_IRQS ((1u << 0) | (1u << 1) | (1u << 2) | (1u << 8) | (1u << 13))

#define RCR_SYS_RST        0x02   /* reset type: kept, read back */
#define RCR_RST_CPU        0x04   /* writing 1 resets the system */

/* ---- Function 0: ISA bridge and PIRQ router ------------------------------------------ */

/* Each ISA IRQ is the OR of the PIRQs routed to it; only changes go out, so an ISA device
 * sharing the line is not disturbed while no PCI interrupt moves. */
static void route_pirqs(piix4_t *p)
{
    bool level[PIIX4_ISA_IRQS] = { false };
    for (int i = 0; i < PCI_NUM_PIRQS; i++) {
        uint8_t r = p->isa.config[PIIX4_PIRQRC + i];
        if ((r & PIRQ_DISABLED) || !p->pirq[i])
            continue;
        int irq = r & PIRQ_IRQ_MASK;
        if (PIRQ_RESERVED_IRQS & (1u << irq))
            continue;
        level[irq] = true;
    }
    for (int irq = 0; irq < PIIX4_ISA_IRQS; irq++) {
        if (level[irq] != p->irq_out[irq]) {
            p->irq_out[irq] = level[irq];
            irq_set(&p->isa_irq[irq], level[irq]);
        }
    }
}

static void pirq_changed(void *opaque, int pirq, bool level)
{
    piix4_t *p = opaque;
    p->pirq[pirq] = level;
    route_pirqs(p);
}

static void isa_config_write(pci_function_t *fn, uint32_t reg, uint32_t old, uint32_t value)
{
    (void)value;
    piix4_t *p = fn->opaque;
    if (reg == PIIX4_PIRQRC && pci_get_long(fn->config + reg) != old) {
        for (int i = 0; i < PCI_NUM_PIRQS; i++) {
            uint8_t r = fn->config[PIIX4_PIRQRC + i];
            if (!(r & PIRQ_DISABLED) && (PIRQ_RESERVED_IRQS & (1u << (r & PIRQ_IRQ_MASK))))
                log_msg(LOG_GUEST_ERRORS, "guest error: piix4: PIRQ%c routed to reserved "
                        "IRQ %d: not routed\n", 'A' + i, r & PIRQ_IRQ_MASK);
        }
        route_pirqs(p);
    }
}

static void isa_reset(pci_function_t *fn)
{
    piix4_t *p = fn->opaque;
    p->rcr = 0;
    route_pirqs(p);
}

static const pci_function_ops_t isa_ops = { .config_write = isa_config_write,
                                            .reset = isa_reset };

static uint32_t rcr_read(void *dev, uint32_t offset, unsigned size)
{
    (void)offset; (void)size;
    piix4_t *p = dev;
    return p->rcr;
}

static void rcr_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)offset; (void)size;
    piix4_t *p = dev;
    if (value & RCR_RST_CPU) {
        if (p->reset_request)
            p->reset_request(p->opaque);
        return;
    }
    p->rcr = value & RCR_SYS_RST;
}

const device_ops_t piix4_rcr_ops = { .read = rcr_read, .write = rcr_write };

/* ---- Function 1: IDE ------------------------------------------------------------------- */

/* No drives on either channel: QEMU's IDE answers every register with 0 (status: not busy,
 * not ready, no DRQ), which U-Boot's and Linux's probes take for an empty channel. */
static uint32_t ide_legacy_read(void *dev, uint32_t offset, unsigned size)
{
    (void)dev; (void)offset; (void)size;
    return 0;
}

static void ide_legacy_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)dev; (void)offset; (void)value; (void)size;
}

const device_ops_t piix4_ide_legacy_ops = { .read = ide_legacy_read, .write = ide_legacy_write };

/* Bus-master IDE, per channel (primary at 0, secondary at 8): BMIC command (start, read/
 * write), BMIS status (active read-only, error and interrupt write-1-to-clear, the two
 * "drive DMA capable" bits plain), BMIDTP descriptor table pointer (dword aligned). With no
 * drives, starting a transfer does nothing. */
static const uint8_t bmide_wmask[8] = { 0x09, 0, 0x60, 0, 0xFC, 0xFF, 0xFF, 0xFF };
static const uint8_t bmide_w1cmask[8] = { 0, 0, 0x06, 0, 0, 0, 0, 0 };

static uint32_t bmide_read(void *dev, uint32_t offset, unsigned size)
{
    piix4_t *p = dev;
    uint32_t v = 0;
    for (unsigned i = 0; i < size && offset + i < PIIX4_BMIDE_IO_SIZE; i++)
        v |= (uint32_t)p->bmide[offset + i] << (8 * i);
    return v;
}

static void bmide_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    piix4_t *p = dev;
    for (unsigned i = 0; i < size && offset + i < PIIX4_BMIDE_IO_SIZE; i++) {
        unsigned r = (offset + i) & 7;
        uint8_t v = (uint8_t)(value >> (8 * i)), *b = &p->bmide[offset + i];
        *b = (uint8_t)(((*b & ~bmide_wmask[r]) | (v & bmide_wmask[r])) & ~(v & bmide_w1cmask[r]));
    }
}

static const device_ops_t bmide_ops = { .read = bmide_read, .write = bmide_write };

static void ide_reset(pci_function_t *fn)
{
    piix4_t *p = fn->opaque;
    memset(p->bmide, 0, sizeof(p->bmide));
}

static const pci_function_ops_t ide_ops = { .reset = ide_reset };

/* ---- Function 2: USB UHCI ---------------------------------------------------------------- */

enum {
    UHCI_USBCMD = 0x00, UHCI_USBSTS = 0x02, UHCI_USBINTR = 0x04, UHCI_FRNUM = 0x06,
    UHCI_FLBASEADD = 0x08, UHCI_SOFMOD = 0x0C, UHCI_PORTSC1 = 0x10, UHCI_PORTSC2 = 0x12,
};
#define UHCI_CMD_RS        0x0001
#define UHCI_CMD_HCRESET   0x0002
#define UHCI_STS_HCHALTED  0x0020
#define UHCI_PORTSC_RESERVED_ONE 0x0080   /* reads 1; no device connected */
#define UHCI_SOFMOD_RESET  0x40

static void uhci_regs_reset(piix4_t *p)
{
    p->uhci_cmd = p->uhci_intr = p->uhci_frnum = 0;
    p->uhci_flbase = 0;
    p->uhci_sofmod = UHCI_SOFMOD_RESET;
}

/* The controller never runs a schedule: the status register only says whether it is
 * halted, and the root ports stay empty. */
static uint32_t uhci_reg(piix4_t *p, uint32_t off)
{
    switch (off) {
    case UHCI_USBCMD: return p->uhci_cmd;
    case UHCI_USBSTS: return (p->uhci_cmd & UHCI_CMD_RS) ? 0 : UHCI_STS_HCHALTED;
    case UHCI_USBINTR: return p->uhci_intr;
    case UHCI_FRNUM: return p->uhci_frnum;
    case UHCI_FLBASEADD: return p->uhci_flbase & 0xFFFF;
    case UHCI_FLBASEADD + 2: return p->uhci_flbase >> 16;
    case UHCI_SOFMOD: return p->uhci_sofmod;
    case UHCI_PORTSC1:
    case UHCI_PORTSC2: return UHCI_PORTSC_RESERVED_ONE;
    default: return 0;
    }
}

static uint32_t uhci_read(void *dev, uint32_t offset, unsigned size)
{
    piix4_t *p = dev;
    uint32_t v = uhci_reg(p, offset & ~1u) | uhci_reg(p, (offset & ~1u) + 2) << 16;
    v >>= 8 * (offset & 1);
    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void uhci_write16(piix4_t *p, uint32_t off, uint16_t v)
{
    switch (off) {
    case UHCI_USBCMD:
        if (v & UHCI_CMD_HCRESET)
            uhci_regs_reset(p);
        else
            p->uhci_cmd = v & 0x00FF;
        break;
    case UHCI_USBINTR: p->uhci_intr = v & 0x000F; break;
    case UHCI_FRNUM: p->uhci_frnum = v & 0x07FF; break;
    case UHCI_FLBASEADD: p->uhci_flbase = (p->uhci_flbase & 0xFFFF0000u) | (v & 0xF000); break;
    case UHCI_FLBASEADD + 2: p->uhci_flbase = (p->uhci_flbase & 0xFFFF) | (uint32_t)v << 16; break;
    case UHCI_SOFMOD: p->uhci_sofmod = (uint8_t)(v & 0x7F); break;
    default: break;   /* USBSTS: nothing to clear; ports: nothing to enable */
    }
}

static void uhci_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    piix4_t *p = dev;
    if (size == 1) {   /* only SOFMOD is a byte register */
        if (offset == UHCI_SOFMOD)
            p->uhci_sofmod = (uint8_t)(value & 0x7F);
        return;
    }
    uhci_write16(p, offset & ~1u, (uint16_t)value);
    if (size == 4)
        uhci_write16(p, (offset & ~1u) + 2, (uint16_t)(value >> 16));
}

static const device_ops_t uhci_ops = { .read = uhci_read, .write = uhci_write };

static void usb_reset(pci_function_t *fn)
{
    uhci_regs_reset(fn->opaque);
}

static const pci_function_ops_t usb_ops = { .reset = usb_reset };

/* ---- Function 3: power management ---------------------------------------------------- */

/* PMSTS error/event bits are write-1-to-clear, PMTMR is read-only (it does not count: no
 * guest of this board reads it), SUS_EN is a command bit that reads 0. */
static void pm_update_range(piix4_t *p)
{
    uint32_t base = pci_get_long(p->pm.config + PIIX4_PMBA) & 0xFFC0;
    bool on = (p->pm.config[PIIX4_PMREGMISC] & 1) && base != 0;
    ioport_move(p->pm_range, on ? base : 0, on ? PIIX4_PM_IO_SIZE : 0);
}

static uint32_t pm_read(void *dev, uint32_t offset, unsigned size)
{
    piix4_t *p = dev;
    uint32_t v = 0;
    for (unsigned i = 0; i < size && offset + i < PIIX4_PM_IO_SIZE; i++)
        v |= (uint32_t)p->pm_regs[offset + i] << (8 * i);
    return v;
}

static void pm_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    piix4_t *p = dev;
    for (unsigned i = 0; i < size && offset + i < PIIX4_PM_IO_SIZE; i++) {
        uint32_t r = offset + i;
        uint8_t v = (uint8_t)(value >> (8 * i));
        if (r < PIIX4_PM_PMSTS + 2)
            p->pm_regs[r] &= (uint8_t)~v;
        else if (r < PIIX4_PM_PMTMR || r >= PIIX4_PM_PMTMR + 4)
            p->pm_regs[r] = v;
    }
    uint16_t cntrl = (uint16_t)(p->pm_regs[PIIX4_PM_PMCNTRL] |
                                p->pm_regs[PIIX4_PM_PMCNTRL + 1] << 8);
    if (!(cntrl & PIIX4_PMCNTRL_SUS_EN))
        return;
    p->pm_regs[PIIX4_PM_PMCNTRL + 1] &= (uint8_t)~(PIIX4_PMCNTRL_SUS_EN >> 8);
    unsigned type = PIIX4_PMCNTRL_SUS_TYP(cntrl);
    if (type == 0) {   /* soft off: Linux's piix4-poweroff writes exactly SUS_EN */
        if (p->power_off)
            p->power_off(p->opaque);
    } else {
        log_msg(LOG_GUEST_ERRORS, "guest error: piix4: suspend type %u not implemented\n", type);
    }
}

static const device_ops_t pm_ops = { .read = pm_read, .write = pm_write };

static void pm_config_write(pci_function_t *fn, uint32_t reg, uint32_t old, uint32_t value)
{
    (void)old; (void)value;
    if (reg == PIIX4_PMBA || reg == PIIX4_PMREGMISC)
        pm_update_range(fn->opaque);
}

static void pm_reset(pci_function_t *fn)
{
    piix4_t *p = fn->opaque;
    memset(p->pm_regs, 0, sizeof(p->pm_regs));
    pm_update_range(p);
}

static const pci_function_ops_t pm_fn_ops = { .config_write = pm_config_write,
                                              .reset = pm_reset };

/* ---- Putting it together --------------------------------------------------------------- */

static void set_long_mask(uint8_t *wmask, uint32_t reg, uint32_t mask)
{
    pci_set_long(wmask + reg, mask);
}

void piix4_init(piix4_t *p, pci_bus_t *bus, int slot, ioport_space_t *io,
                const irq_line_t isa_irq[PIIX4_ISA_IRQS])
{
    memset(p, 0, sizeof(*p));
    memcpy(p->isa_irq, isa_irq, sizeof(p->isa_irq));

    /* Function 0: QEMU's piix4_isa_reset values. PIRQs start disabled (QEMU's boot code
     * and U-Boot route them to 10, 10, 11, 11). */
    static const pci_id_t isa_id = {
        .vendor_id = PCI_VENDOR_INTEL, .device_id = 0x7110, .class_code = 0x060100,
        .subsystem_vendor_id = SUBSYS_VENDOR, .subsystem_id = SUBSYS_ID,
        .command = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER,
        .status = PCI_STATUS_DEVSEL_MEDIUM,
    };
    pci_function_init(&p->isa, "piix4-isa", &isa_id, &isa_ops, p);
    uint8_t *c = p->isa.config;
    c[0x4C] = 0x4D;                       /* ISA I/O recovery timer */
    c[0x4E] = 0x03;                       /* X-bus chip select A */
    memset(c + PIIX4_PIRQRC, PIRQ_DISABLED, PCI_NUM_PIRQS);
    c[PIIX4_TOM] = 0x02;
    c[0x70] = 0x80;                       /* MBIRQ0 disabled */
    c[0x76] = c[0x77] = 0x0C;             /* DMA channels: none routed */
    c[0x78] = 0x02;                       /* programmable chip select */
    c[0xA0] = 0x08;                       /* SMI control */
    c[0xA8] = 0x0F;                       /* SMI request */

    /* Function 1: IDE in legacy mode (programming interface 0x80: bus master capable). */
    static const pci_id_t ide_id = {
        .vendor_id = PCI_VENDOR_INTEL, .device_id = 0x7111, .class_code = 0x010180,
        .subsystem_vendor_id = SUBSYS_VENDOR, .subsystem_id = SUBSYS_ID,
        .status = PCI_STATUS_DEVSEL_MEDIUM | PCI_STATUS_FAST_BACK,
    };
    pci_function_init(&p->ide, "piix4-ide", &ide_id, &ide_ops, p);
    pci_function_set_bar(&p->ide, PIIX4_BAR4, "piix4-bmide", PIIX4_BMIDE_IO_SIZE, true, 4, p,
                         &bmide_ops);

    /* Function 2: UHCI, interrupt pin D, USB release 1.0 at SBRN (0x60), QEMU's "USB clock"
     * bit at 0x6A. */
    static const pci_id_t usb_id = {
        .vendor_id = PCI_VENDOR_INTEL, .device_id = 0x7112, .revision = 0x01,
        .class_code = 0x0C0300,
        .subsystem_vendor_id = SUBSYS_VENDOR, .subsystem_id = SUBSYS_ID,
        .interrupt_pin = 4,
    };
    pci_function_init(&p->usb, "piix4-usb", &usb_id, &usb_ops, p);
    p->usb.config[0x60] = 0x10;
    p->usb.config[0x6A] = 0x01;
    pci_function_set_bar(&p->usb, PIIX4_BAR4, "piix4-uhci", PIIX4_UHCI_IO_SIZE, true, 4, p,
                         &uhci_ops);

    /* Function 3: power management. PMBA and SMBBA have their I/O-space bit hardwired and
     * take 64- and 16-byte aligned bases; the SMBus base is QEMU's 0x1100 (enabled), which
     * Linux's PIIX4 quirk reports. QEMU's device resource registers (0x5F, 0x63, 0x67: LPT
     * absent, both serial ports present) and "SMM already initialised" (0x5B) too. */
    static const pci_id_t pm_id = {
        .vendor_id = PCI_VENDOR_INTEL, .device_id = 0x7113, .revision = 0x03,
        .class_code = 0x068000,
        .subsystem_vendor_id = SUBSYS_VENDOR, .subsystem_id = SUBSYS_ID,
        .status = PCI_STATUS_DEVSEL_MEDIUM | PCI_STATUS_FAST_BACK,
        .interrupt_pin = 1,
    };
    pci_function_init(&p->pm, "piix4-pm", &pm_id, &pm_fn_ops, p);
    c = p->pm.config;
    pci_set_long(c + PIIX4_PMBA, PCI_BAR_SPACE_IO);
    set_long_mask(p->pm.wmask, PIIX4_PMBA, 0x0000FFC0u);
    pci_set_long(c + PIIX4_SMBBA, 0x1100u | PCI_BAR_SPACE_IO);
    set_long_mask(p->pm.wmask, PIIX4_SMBBA, 0x0000FFF0u);
    p->pm.wmask[PIIX4_PMREGMISC] = 0x01;
    c[PIIX4_SMBHSTCFG] = 0x09;
    c[0x5B] = 0x02;
    c[0x5F] = 0x10;                       /* QEMU adds 0x80 when a parallel port exists */
    c[0x63] = 0x60;
    c[0x67] = 0x98;

    p->pm_range = ioport_map(io, "piix4-pm", 0, 0, 4, p, &pm_ops);

    pci_bus_attach(bus, PCI_DEVFN(slot, 0), &p->isa);
    pci_bus_attach(bus, PCI_DEVFN(slot, 1), &p->ide);
    pci_bus_attach(bus, PCI_DEVFN(slot, 2), &p->usb);
    pci_bus_attach(bus, PCI_DEVFN(slot, 3), &p->pm);
    pci_bus_set_pirq_handler(bus, pirq_changed, p);

    uhci_regs_reset(p);
    pm_update_range(p);
}
