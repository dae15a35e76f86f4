/* GT-64120 system controller, register for register as QEMU's hw/pci-host/gt64120.c has it
 * (the facts: shared/reference/malta.md §4; the GT-64120 data sheet for the names).
 *
 * Two QEMU habits a guest can see, kept on purpose:
 *  - The block is 32-bit only. A narrower access reaches the whole register its address
 *    falls in, with the value unshifted: a byte store of 0xDF at ISD+1 sets ISD to 0xDF, a
 *    byte load at ISD+1 reads ISD's low byte. CFGDATA included (no byte lanes).
 *  - A low/high decode pair that does not make a window ((LD & 0x7F) > HD, the state between
 *    writing LD and HD) leaves the window where it was. */
#include "devices/gt64120.h"

#include <string.h>

#include "frontend/log.h"

/* Registers named only here. */
enum {
    GT_PCI1IOLD = 0x090, GT_PCI1M0LD = 0x0A0, GT_PCI1M1LD = 0x0B0,
    GT_PCI1IOREMAP = 0x108, GT_PCI1M0REMAP = 0x110, GT_PCI1M1REMAP = 0x118,
    GT_PCI0SYNC = 0x0C0, GT_PCI1SYNC = 0x0C8,
};

#define GT_CPU_LITTLE_ENDIAN  (1u << 12)
#define GT_CMD_MBYTESWAP      (1u << 0)    /* PCI0_CMD: config data is little-endian */
#define CFGADDR_ENABLE        0x80000000u
#define CFGADDR_MASK          0x80FFFFFCu  /* QEMU keeps enable, bus, device, fn, register */
#define CFGADDR_NOT_BRIDGE    0x00FFF800u  /* any bus or device but 0.0 */
#define ISD_RESET             0xA0u        /* registers at 0x14000000 */
#define DECODE_SHIFT          21           /* LD/HD/ISD hold address bits 35:21 */
#define SYNC_READ_VALUE       0xC000FFEEu  /* QEMU's answer to a sync-barrier read */
/* IACK with no interrupt controller attached answers as QEMU's i8259 does with nothing
 * pending: spurious IRQ 7 on vector base 0. */
#define IACK_SPURIOUS         7u

/* How each register takes a write, and whether QEMU knows it on a read (unknown ones read
 * their reset value and are logged). From QEMU's gt64120_writel/gt64120_readl. */
enum write_kind {
    W_ILLEGAL = 0,   /* not a register: ignored, logged */
    W_STORE,         /* stored under the mask */
    W_READONLY,      /* error reports, sync barriers, ECC: ignored, logged */
    W_UNIMP,         /* DMA, timers, device parameters, PCI internals: ignored, logged */
    W_SILENT,        /* read-only or reserved without PCI_1: ignored */
    W_LD,            /* low decode: also sets its REMAP register, may move a window */
    W_HD,            /* high decode: may move a window */
    W_ISD,
    W_CMD,
    W_CFGADDR,
    W_CFGDATA,
    W_INTRCAUSE,
};

typedef struct reg_info {
    uint8_t write;
    bool read_known;
    uint32_t mask;
} reg_info_t;

#define REG(off, kind, known, m) [(off) >> 2] = { (kind), (known), (m) }
/* A run of consecutive registers (a GNU C range designator). */
#define RUN(first, last, kind, m) [(first) >> 2 ... (last) >> 2] = { (kind), true, (m) }

static const reg_info_t reg_info[GT_REGS_SIZE / 4] = {
    /* CPU interface */
    REG(GT_CPU, W_STORE, true, 0xFFFFFFFFu),
    REG(GT_MULTI, W_SILENT, true, 0),
    /* CPU address decode. SCS/CS/Boot read back, but QEMU drops writes to them. */
    REG(0x008, W_ILLEGAL, true, 0), REG(0x010, W_ILLEGAL, true, 0),   /* SCS10 LD/HD */
    REG(0x018, W_ILLEGAL, true, 0), REG(0x020, W_ILLEGAL, true, 0),   /* SCS32 */
    REG(0x028, W_ILLEGAL, true, 0), REG(0x030, W_ILLEGAL, true, 0),   /* CS20 */
    REG(0x038, W_ILLEGAL, true, 0), REG(0x040, W_ILLEGAL, true, 0),   /* CS3BOOT */
    REG(0x0D0, W_ILLEGAL, true, 0), REG(0x0D8, W_ILLEGAL, true, 0),   /* SCS10AR, SCS32AR */
    REG(0x0E0, W_ILLEGAL, true, 0), REG(0x0E8, W_ILLEGAL, true, 0),   /* CS20R, CS3BOOTR */
    REG(GT_PCI0IOLD, W_LD, true, 0x7FFF), REG(GT_PCI0IOHD, W_HD, true, 0x7F),
    REG(GT_PCI0M0LD, W_LD, true, 0x7FFF), REG(GT_PCI0M0HD, W_HD, true, 0x7F),
    REG(GT_PCI0M1LD, W_LD, true, 0x7FFF), REG(GT_PCI0M1HD, W_HD, true, 0x7F),
    REG(GT_PCI1IOLD, W_LD, true, 0x7FFF), REG(0x098, W_HD, true, 0x7F),
    REG(GT_PCI1M0LD, W_LD, true, 0x7FFF), REG(0x0A8, W_HD, true, 0x7F),
    REG(GT_PCI1M1LD, W_LD, true, 0x7FFF), REG(0x0B8, W_HD, true, 0x7F),
    REG(GT_ISD, W_ISD, true, 0x7FFF),
    REG(GT_PCI0IOREMAP, W_STORE, true, 0x7FF), REG(GT_PCI0M0REMAP, W_STORE, true, 0x7FF),
    REG(GT_PCI0M1REMAP, W_STORE, true, 0x7FF), REG(GT_PCI1IOREMAP, W_STORE, true, 0x7FF),
    REG(GT_PCI1M0REMAP, W_STORE, true, 0x7FF), REG(GT_PCI1M1REMAP, W_STORE, true, 0x7FF),
    /* CPU error report, sync barriers */
    REG(0x070, W_READONLY, true, 0), REG(0x078, W_READONLY, true, 0),
    REG(0x128, W_READONLY, true, 0), REG(0x130, W_READONLY, true, 0),
    REG(0x138, W_READONLY, true, 0),
    REG(GT_PCI0SYNC, W_READONLY, true, 0), REG(GT_PCI1SYNC, W_READONLY, true, 0),
    /* SDRAM and device address decode, SDRAM configuration and parameters: kept */
    RUN(0x400, 0x458, W_STORE, 0xFFFFFFFFu),
    RUN(0x45C, 0x46C, W_UNIMP, 0),              /* device parameters */
    RUN(0x470, 0x47C, W_STORE, 0xFFFFFFFFu),
    RUN(0x480, 0x490, W_READONLY, 0),           /* ECC */
    /* DMA records, channel control, timer/counters, arbiter */
    RUN(0x800, 0x864, W_UNIMP, 0), RUN(0x870, 0x87C, W_UNIMP, 0),
    /* PCI internal */
    REG(GT_PCI0_CMD, W_CMD, true, 0x0401FC0Fu), REG(0xC80, W_CMD, true, 0x0401FC0Fu),
    RUN(0xC04, 0xC14, W_UNIMP, 0),
    REG(0xC30, W_UNIMP, true, 0), REG(GT_PCI0_IACK, W_UNIMP, true, 0),
    RUN(0xC3C, 0xC40, W_UNIMP, 0),
    RUN(0xC48, 0xC5C, W_UNIMP, 0), REG(0xC64, W_UNIMP, true, 0),
    RUN(0xC84, 0xC94, W_UNIMP, 0),
    RUN(0xCBC, 0xCC0, W_UNIMP, 0),
    RUN(0xCC8, 0xCDC, W_UNIMP, 0), REG(0xCE4, W_UNIMP, true, 0),
    REG(0xCF0, W_UNIMP, true, 0), REG(0xCF4, W_UNIMP, true, 0),
    REG(GT_PCI0_CFGADDR, W_CFGADDR, true, 0), REG(GT_PCI0_CFGDATA, W_CFGDATA, true, 0),
    /* interrupts */
    REG(GT_INTRCAUSE, W_INTRCAUSE, true, 0),
    REG(0xC1C, W_STORE, true, 0x3C3FFFFEu),     /* INTRMASK */
    REG(0xC24, W_STORE, true, 0x03FFFFFEu),     /* PCI0_ICMASK */
    REG(0xC28, W_STORE, true, 0x0000003Fu),     /* PCI0_SERR0MASK */
    REG(0xC70, W_SILENT, true, 0), REG(0xC74, W_SILENT, true, 0),   /* reserved without */
    REG(0xC98, W_SILENT, true, 0), REG(0xC9C, W_SILENT, true, 0),   /* PCI_1 */
    REG(0xCA4, W_SILENT, true, 0), REG(0xCA8, W_SILENT, true, 0),
};

/* QEMU's reset values (gt64120_reset); registers not listed reset to 0. */
static const struct { uint16_t off; uint32_t value; } reset_values[] = {
    { GT_CPU, GT_CPU_LITTLE_ENDIAN }, { GT_MULTI, 0x00000003 },
    { 0x008, 0x000 }, { 0x010, 0x007 }, { 0x018, 0x008 }, { 0x020, 0x00F },  /* SCS10/32 */
    { 0x028, 0x0E0 }, { 0x030, 0x070 }, { 0x038, 0x0F8 }, { 0x040, 0x07F },  /* CS20/3BOOT */
    { GT_PCI0IOLD, 0x080 }, { GT_PCI0IOHD, 0x00F },       /* I/O at 0x10000000, 32 MiB */
    { GT_PCI0M0LD, 0x090 }, { GT_PCI0M0HD, 0x01F },       /* MEM0 at 0x12000000, 32 MiB */
    { GT_PCI0M1LD, 0x790 }, { GT_PCI0M1HD, 0x01F },       /* MEM1 at 0xF2000000, 32 MiB */
    { GT_ISD, ISD_RESET },
    { GT_PCI1IOLD, 0x100 }, { 0x098, 0x00F }, { GT_PCI1M0LD, 0x110 }, { 0x0A8, 0x01F },
    { GT_PCI1M1LD, 0x120 }, { 0x0B8, 0x02F },
    { 0x0D0, 0x000 }, { 0x0D8, 0x008 }, { 0x0E0, 0x0E0 }, { 0x0E8, 0x0F8 },
    { GT_PCI0IOREMAP, 0x080 }, { GT_PCI0M0REMAP, 0x090 }, { GT_PCI0M1REMAP, 0x790 },
    { GT_PCI1IOREMAP, 0x100 }, { GT_PCI1M0REMAP, 0x110 }, { GT_PCI1M1REMAP, 0x120 },
    { 0x128, 0xFFFFFFFF }, { 0x130, 0xFFFFFFFF }, { 0x138, 0x000000FF },   /* CPUERR */
    { 0x400, 0x000 }, { 0x404, 0x007 }, { 0x408, 0x008 }, { 0x40C, 0x00F },  /* SCS0..3 */
    { 0x410, 0x010 }, { 0x414, 0x017 }, { 0x418, 0x018 }, { 0x41C, 0x01F },
    { 0x420, 0x0C0 }, { 0x424, 0x0C7 }, { 0x428, 0x0C8 }, { 0x42C, 0x0CF },  /* CS0..3 */
    { 0x430, 0x0D0 }, { 0x434, 0x0DF }, { 0x438, 0x0F0 }, { 0x43C, 0x0FB },
    { 0x440, 0x0FC }, { 0x444, 0x0FF }, { 0x470, 0xFFFFFFFF },              /* boot, ADERR */
    { 0x448, 0x200 }, { 0x478, 0x007 }, { 0x47C, 0x002 },                  /* SDRAM config */
    { 0x44C, 0x005 }, { 0x450, 0x005 }, { 0x454, 0x005 }, { 0x458, 0x005 },  /* SDRAM B0..3 */
    { 0x45C, 0x386FFFFF }, { 0x460, 0x386FFFFF }, { 0x464, 0x386FFFFF },    /* device B0..3 */
    { 0x468, 0x386FFFFF }, { 0x46C, 0x146FFFFF },                          /* boot device */
    { 0x850, 0xFFFFFFFF }, { 0x854, 0x00FFFFFF }, { 0x858, 0x00FFFFFF },    /* timers */
    { 0x85C, 0x00FFFFFF },
    { GT_PCI0_CMD, 0x00010001 }, { 0xC80, 0x00010001 },   /* MByteSwap + SByteSwap (LE) */
    { 0xC04, 0x0000070F }, { 0xC08, 0x00FFF000 }, { 0xC0C, 0x00FFF000 },    /* PCI0 */
    { 0xC10, 0x01FFF000 }, { 0xC14, 0x00FFF000 }, { 0xC3C, 0x0000000F }, { 0xC40, 0x00000040 },
    { 0xC4C, 0x01000000 }, { 0xC50, 0x1C000000 }, { 0xC54, 0x1F000000 }, { 0xC5C, 0x01000000 },
    { 0xC64, 0x1F000000 },
    { 0xC84, 0x0000070F }, { 0xC88, 0x00FFF000 }, { 0xC8C, 0x00FFF000 },    /* PCI1 */
    { 0xC90, 0x01FFF000 }, { 0xC94, 0x00FFF000 }, { 0xCBC, 0x0000000F }, { 0xCC0, 0x00000040 },
    { 0xCCC, 0x01000000 }, { 0xCD0, 0x1C000000 }, { 0xCD4, 0x1F000000 }, { 0xCDC, 0x01000000 },
    { 0xCE4, 0x1F000000 },
};

static inline uint32_t reg(const gt64120_t *gt, uint32_t off) { return gt->regs[off >> 2]; }

static uint32_t bswap32(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
}

/* ---- The host bridge's own configuration space (bus 0, device 0, function 0) ---------- */

/* Writable bits, as QEMU 7.2 has them: command IO/MEM/MASTER/SERR/INTX-disable, cache line
 * size, interrupt line and the device-specific area. Its BARs read back their reset values
 * whatever is written (Linux writes BAR4 = 0x1BE00000 and never reads it back; newer QEMU
 * makes them writable, with no effect on the decode either way). */
static uint8_t bridge_wmask(uint32_t i)
{
    switch (i) {
    case 0x04: return 0x07;
    case 0x05: return 0x05;
    case 0x0C: return 0xFF;
    case 0x3C: return 0xFF;
    default: return i >= 0x40 ? 0xFF : 0x00;
    }
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void bridge_reset(gt64120_t *gt)
{
    uint8_t *c = gt->bridge_config;
    memset(c, 0, sizeof(gt->bridge_config));
    put32(c + 0x00, 0x462011ABu);   /* Marvell (Galileo) GT-64120 */
    put32(c + 0x04, 0x02800000u);   /* status: fast back-to-back, medium DEVSEL */
    put32(c + 0x08, 0x06000010u);   /* host bridge, revision 0x10 */
    put32(c + 0x10, 0x00000008u);   /* SCS[1:0] */
    put32(c + 0x14, 0x01000008u);   /* SCS[3:2] */
    put32(c + 0x18, 0x1C000000u);   /* CS[2:0] */
    put32(c + 0x1C, 0x1F000000u);   /* CS[3], BootCS */
    put32(c + 0x20, 0x14000000u);   /* internal registers, memory */
    put32(c + 0x24, 0x14000001u);   /* internal registers, I/O */
    put32(c + 0x2C, 0x11001AF4u);   /* QEMU's default subsystem IDs */
    c[0x3D] = 0x01;                 /* interrupt pin A */
}

uint32_t gt64120_bridge_config_read(gt64120_t *gt, uint32_t reg_off)
{
    const uint8_t *p = gt->bridge_config + (reg_off & 0xFC);
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void gt64120_bridge_config_write(gt64120_t *gt, uint32_t reg_off, uint32_t value)
{
    uint32_t base = reg_off & 0xFC;
    for (uint32_t i = 0; i < 4; i++) {
        uint8_t m = bridge_wmask(base + i);
        uint8_t *p = &gt->bridge_config[base + i];
        *p = (uint8_t)((*p & ~m) | ((value >> (8 * i)) & m));
    }
}

/* ---- PCI bus 0 as the GT sees it ------------------------------------------------------ */

static uint32_t config_read(gt64120_t *gt, uint32_t addr)
{
    if (gt->pci)
        return gt->pci->config_read(gt->pci_opaque, addr);
    if ((addr >> 8) == 0)
        return gt64120_bridge_config_read(gt, addr);
    return 0xFFFFFFFFu;
}

static void config_write(gt64120_t *gt, uint32_t addr, uint32_t value)
{
    if (gt->pci)
        gt->pci->config_write(gt->pci_opaque, addr, value);
    else if ((addr >> 8) == 0)
        gt64120_bridge_config_write(gt, addr, value);
}

/* With MByteSwap clear, config data crosses byte-swapped; QEMU 7.2 exempts the GT's own
 * function (00.0). Little-endian Linux and U-Boot keep MByteSwap set. */
static bool config_swapped(const gt64120_t *gt)
{
    return !(reg(gt, GT_PCI0_CMD) & GT_CMD_MBYTESWAP) && (gt->cfgaddr & CFGADDR_NOT_BRIDGE);
}

void gt64120_set_pci(gt64120_t *gt, const gt64120_pci_ops_t *ops, void *opaque)
{
    gt->pci = ops;
    gt->pci_opaque = opaque;
}

void gt64120_set_iack(gt64120_t *gt, uint8_t (*iack)(void *opaque), void *opaque)
{
    gt->iack = iack;
    gt->iack_opaque = opaque;
}

/* ---- Decode: where the registers and the windows are ---------------------------------- */

static void place_registers(gt64120_t *gt)
{
    uint64_t base = ((uint64_t)reg(gt, GT_ISD) << DECODE_SHIFT) & 0xFFFE00000ull;
    /* QEMU's Malta-specific rule (check_reserved_space): the block never lands on the boot
     * flash and FPGA, or the boot ROM window; it goes just past them. */
    if (base >= 0x1E000000u && base < 0x1F100000u)
        base = 0x1F100000u;
    if (base >= 0x1FC00000u && base < 0x1FD00000u)
        base = 0x1FD00000u;
    if (base > 0xFFFFFFFFu - GT_REGS_SIZE) {
        bus_enable(gt->bus, gt->regs_region, false);   /* above 4 GiB: out of the CPU's reach */
        return;
    }
    bus_move(gt->bus, gt->regs_region, (uint32_t)base, GT_REGS_SIZE);
    bus_enable(gt->bus, gt->regs_region, true);
}

/* Window = [LD << 21, ((LD & ~0x7F) | HD) << 21 | 0x1FFFFF]; QEMU computes it in 32 bits,
 * so LD bits 14:11 (address bits 35:32) are lost. */
static void place_window(gt64120_t *gt, uint32_t ld_off, uint32_t hd_off, bus_region_t *r)
{
    uint32_t ld = reg(gt, ld_off), hd = reg(gt, hd_off);
    if ((ld & 0x7F) > hd)
        return;
    bus_move(gt->bus, r, ld << DECODE_SHIFT, (hd + 1 - (ld & 0x7F)) << DECODE_SHIFT);
}

static void place_windows(gt64120_t *gt)
{
    place_window(gt, GT_PCI0IOLD, GT_PCI0IOHD, gt->io_window);
    place_window(gt, GT_PCI0M0LD, GT_PCI0M0HD, gt->mem0_window);
    place_window(gt, GT_PCI0M1LD, GT_PCI0M1HD, gt->mem1_window);
}

/* ---- The register block ---------------------------------------------------------------- */

static uint32_t size_mask(unsigned size)
{
    return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

static uint32_t gt_read(void *dev, uint32_t offset, unsigned size)
{
    gt64120_t *gt = dev;
    uint32_t off = offset & ~3u;
    uint32_t v;
    switch (off) {
    case GT_PCI0SYNC:
    case GT_PCI1SYNC:
        v = SYNC_READ_VALUE;   /* would flush the PCI FIFOs; the value means nothing */
        break;
    case GT_PCI0_IACK:
        /* An interrupt-acknowledge cycle on PCI: the PIIX4's i8259 pair answers with the
         * vector (QEMU: pic_read_irq), which Linux's Malta dispatch uses as the IRQ. */
        v = gt->iack ? gt->iack(gt->iack_opaque) : IACK_SPURIOUS;
        break;
    case GT_PCI0_CFGADDR:
        v = gt->cfgaddr;
        break;
    case GT_PCI0_CFGDATA:
        v = (gt->cfgaddr & CFGADDR_ENABLE) ? config_read(gt, gt->cfgaddr & ~CFGADDR_ENABLE)
                                           : 0xFFFFFFFFu;
        if (config_swapped(gt))
            v = bswap32(v);
        break;
    default:
        v = gt->regs[off >> 2];
        if (!reg_info[off >> 2].read_known)
            log_msg(LOG_GUEST_ERRORS, "guest error: gt64120: read of unknown register 0x%03x\n",
                    off);
        break;
    }
    if (!(reg(gt, GT_CPU) & GT_CPU_LITTLE_ENDIAN))
        v = bswap32(v);
    return v & size_mask(size);
}

/* The REMAP register an LD write also sets (Linux reads REMAP back to learn the offset). */
static uint32_t remap_of(uint32_t ld_off)
{
    switch (ld_off) {
    case GT_PCI0IOLD: return GT_PCI0IOREMAP;
    case GT_PCI0M0LD: return GT_PCI0M0REMAP;
    case GT_PCI0M1LD: return GT_PCI0M1REMAP;
    case GT_PCI1IOLD: return GT_PCI1IOREMAP;
    case GT_PCI1M0LD: return GT_PCI1M0REMAP;
    default: return GT_PCI1M1REMAP;
    }
}

static void gt_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    gt64120_t *gt = dev;
    uint32_t off = offset & ~3u;
    uint32_t *r = &gt->regs[off >> 2];
    const reg_info_t *info = &reg_info[off >> 2];
    value &= size_mask(size);   /* the CPU hands over the whole source register */
    if (!(reg(gt, GT_CPU) & GT_CPU_LITTLE_ENDIAN))
        value = bswap32(value);

    switch (info->write) {
    case W_STORE:
    case W_CMD:       /* PCI0_CMD bit 0 also picks the config data byte order: read live */
        *r = value & info->mask;
        break;
    case W_LD:
        *r = value & info->mask;
        gt->regs[remap_of(off) >> 2] = value & 0x7FF;
        place_windows(gt);   /* a no-op for PCI_1, which Malta does not wire */
        break;
    case W_HD:
        *r = value & info->mask;
        place_windows(gt);
        break;
    case W_ISD:
        *r = value & info->mask;
        place_registers(gt);
        break;
    case W_CFGADDR:
        gt->cfgaddr = value & CFGADDR_MASK;
        break;
    case W_CFGDATA:
        if (config_swapped(gt))
            value = bswap32(value);
        if (gt->cfgaddr & CFGADDR_ENABLE)
            config_write(gt, gt->cfgaddr & ~CFGADDR_ENABLE, value);
        break;
    case W_INTRCAUSE:
        /* Write 0 to clear a cause; bit 0 sums up the others. QEMU never raises any, so the
         * PCI master/target-abort bits that Linux and U-Boot check after a config cycle
         * stay clear even for empty slots. */
        *r &= value & ~1u;
        *r |= (*r != 0);
        break;
    case W_SILENT:
        break;
    case W_READONLY:
        log_msg(LOG_GUEST_ERRORS, "guest error: gt64120: write of 0x%08x to read-only "
                "register 0x%03x\n", value, off);
        break;
    case W_UNIMP:
        log_msg(LOG_GUEST_ERRORS, "guest error: gt64120: write of 0x%08x to unimplemented "
                "register 0x%03x ignored\n", value, off);
        break;
    default:
        log_msg(LOG_GUEST_ERRORS, "guest error: gt64120: write of 0x%08x to unknown "
                "register 0x%03x ignored\n", value, off);
        break;
    }
}

static const device_ops_t gt_regs_ops = { .read = gt_read, .write = gt_write };

/* ---- The windows ----------------------------------------------------------------------- */

/* The I/O window shows the 64 KiB port space from its start; the rest of a bigger window
 * decodes nothing, as QEMU's window onto its 64 KiB I/O space. */
static bool io_decodes(void *dev, uint32_t offset)
{
    (void)dev;
    return offset < IOPORT_SPACE_SIZE;
}

static uint32_t io_read(void *dev, uint32_t offset, unsigned size)
{
    gt64120_t *gt = dev;
    return ioport_read(gt->io, offset, size);
}

static void io_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    gt64120_t *gt = dev;
    ioport_write(gt->io, offset, value, size);
}

static const device_ops_t io_window_ops = {
    .read = io_read, .write = io_write, .decodes = io_decodes,
};

/* PCI memory is mapped 1:1: the PCI address is the CPU physical address. */
static bool mem_decodes(gt64120_t *gt, uint32_t addr)
{
    return gt->pci && gt->pci->mem_decodes && gt->pci->mem_decodes(gt->pci_opaque, addr);
}

static bool mem0_decodes(void *dev, uint32_t offset)
{
    gt64120_t *gt = dev;
    return mem_decodes(gt, gt->mem0_window->base + offset);
}

static bool mem1_decodes(void *dev, uint32_t offset)
{
    gt64120_t *gt = dev;
    return mem_decodes(gt, gt->mem1_window->base + offset);
}

static uint32_t mem0_read(void *dev, uint32_t offset, unsigned size)
{
    gt64120_t *gt = dev;
    return gt->pci->mem_read(gt->pci_opaque, gt->mem0_window->base + offset, size);
}

static uint32_t mem1_read(void *dev, uint32_t offset, unsigned size)
{
    gt64120_t *gt = dev;
    return gt->pci->mem_read(gt->pci_opaque, gt->mem1_window->base + offset, size);
}

static void mem0_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    gt64120_t *gt = dev;
    gt->pci->mem_write(gt->pci_opaque, gt->mem0_window->base + offset, value & size_mask(size),
                       size);
}

static void mem1_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    gt64120_t *gt = dev;
    gt->pci->mem_write(gt->pci_opaque, gt->mem1_window->base + offset, value & size_mask(size),
                       size);
}

static const device_ops_t mem0_window_ops = {
    .read = mem0_read, .write = mem0_write, .decodes = mem0_decodes,
};
static const device_ops_t mem1_window_ops = {
    .read = mem1_read, .write = mem1_write, .decodes = mem1_decodes,
};

/* ---- Life cycle ------------------------------------------------------------------------ */

void gt64120_reset(gt64120_t *gt)
{
    memset(gt->regs, 0, sizeof(gt->regs));
    for (size_t i = 0; i < sizeof(reset_values) / sizeof(reset_values[0]); i++)
        gt->regs[reset_values[i].off >> 2] = reset_values[i].value;
    gt->cfgaddr = 0;
    bridge_reset(gt);
    place_registers(gt);
    place_windows(gt);
}

void gt64120_init(gt64120_t *gt, bus_t *bus, ioport_space_t *io)
{
    memset(gt, 0, sizeof(*gt));
    gt->bus = bus;
    gt->io = io;
    /* Registers first: a window programmed over them does not hide them. Among the windows,
     * QEMU's stacking after a decode write (the last one it maps wins): MEM1, MEM0, I/O. */
    gt->regs_region = bus_map_device(bus, "gt64120", 0, 0, gt, &gt_regs_ops);
    gt->mem1_window = bus_map_device(bus, "gt64120-pci0-mem1", 0, 0, gt, &mem1_window_ops);
    gt->mem0_window = bus_map_device(bus, "gt64120-pci0-mem0", 0, 0, gt, &mem0_window_ops);
    gt->io_window = bus_map_device(bus, "gt64120-pci0-io", 0, 0, gt, &io_window_ops);
    gt64120_reset(gt);
}
