/* "chipset": the GT-64120 and the SuperIO UARTs, as a boot ROM meets them.
 *
 * Everything is printed on SuperIO UART A (ISA port 0x3F8, the first serial
 * port), reached through the GT-64120's PCI0 I/O window: first where the
 * window sits at reset (physical 0x10000000), then where firmware moves it
 * (0x18000000, as QEMU's boot code and U-Boot do).  The program relocates the
 * GT's registers with ISD (0x14000000 -> 0x1BE00000), programs the windows,
 * runs PCI configuration cycles to the host bridge and to empty slots, and
 * reads unassigned I/O ports.  Its output must be byte-for-byte the same on
 * kseg and on qemu-system-mipsel -M malta, so it probes only what both have
 * (no PCI slot but 0, no ISA port QEMU's Malta decodes besides the UARTs).
 */
#include <stdint.h>

#define KSEG1(pa)         (0xA0000000u | (pa))

#define GT_RESET_BASE     KSEG1(0x14000000u)
#define GT_BASE           KSEG1(0x1BE00000u)   /* after ISD = 0xDF */
#define IO_RESET_BASE     KSEG1(0x10000000u)   /* I/O window at reset */
#define IO_BASE           KSEG1(0x18000000u)   /* I/O window after IOLD/IOHD = 0xC0/0x40 */

/* GT-64120 register offsets. */
#define GT_CPU            0x000
#define GT_PCI0IOLD       0x048
#define GT_PCI0IOHD       0x050
#define GT_PCI0M0LD       0x058
#define GT_PCI0M0HD       0x060
#define GT_ISD            0x068
#define GT_CPUERR_ADDRLO  0x070
#define GT_PCI0M1LD       0x080
#define GT_PCI0M1HD       0x088
#define GT_PCI0SYNC       0x0C0
#define GT_PCI0IOREMAP    0x0F0
#define GT_PCI0M0REMAP    0x0F8
#define GT_PCI0M1REMAP    0x100
#define GT_MULTI          0x120
#define GT_SDRAM_B0       0x44C
#define GT_TC0            0x850
#define GT_UNKNOWN        0x300
#define GT_PCI0_CMD       0xC00
#define GT_INTRCAUSE      0xC18
#define GT_PCI0_IACK      0xC34
#define GT_PCI0_CFGADDR   0xCF8
#define GT_PCI0_CFGDATA   0xCFC

static uint32_t gt_base = GT_RESET_BASE;
static uint32_t io_base = IO_RESET_BASE;

static uint32_t rd32(uint32_t a) { return *(volatile uint32_t *)a; }
static uint16_t rd16(uint32_t a) { return *(volatile uint16_t *)a; }
static uint8_t rd8(uint32_t a) { return *(volatile uint8_t *)a; }
static void wr32(uint32_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static void wr8(uint32_t a, uint8_t v) { *(volatile uint8_t *)a = v; }

static uint32_t gt_rd(uint32_t off) { return rd32(gt_base + off); }
static void gt_wr(uint32_t off, uint32_t v) { wr32(gt_base + off, v); }

static uint8_t inb(uint32_t port) { return rd8(io_base + port); }
static void outb(uint32_t port, uint8_t v) { wr8(io_base + port, v); }

/* ---- Console on UART A (16550 at port 0x3F8) ---------------------------------------- */

#define COM1 0x3F8
#define COM2 0x2F8

static void com_init(uint32_t port)
{
    outb(port + 1, 0x00);      /* IER: no interrupts */
    outb(port + 3, 0x80);      /* LCR: DLAB */
    outb(port + 0, 0x01);      /* divisor 1: 115200 baud */
    outb(port + 1, 0x00);
    outb(port + 3, 0x03);      /* 8N1 */
    outb(port + 2, 0x07);      /* FIFOs on and cleared */
    outb(port + 4, 0x03);      /* DTR, RTS */
}

static void putc_raw(char c)
{
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, (uint8_t)c);
}

static void putc_(char c)
{
    if (c == '\n')
        putc_raw('\r');
    putc_raw(c);
}

static void puts_(const char *s)
{
    while (*s)
        putc_(*s++);
}

static void puthex(uint32_t v, int digits)
{
    static const char hex[] = "0123456789abcdef";
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        putc_(hex[(v >> shift) & 0xF]);
}

static void show(const char *label, uint32_t v)
{
    puts_(label);
    puts_(": 0x");
    puthex(v, 8);
    putc_('\n');
}

/* ---- PCI configuration cycles through the GT ---------------------------------------- */

static uint32_t cfg_addr(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
    return 0x80000000u | (bus << 16) | (dev << 11) | (fn << 8) | (reg & 0xFC);
}

static uint32_t cfg_rd(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
    gt_wr(GT_PCI0_CFGADDR, cfg_addr(bus, dev, fn, reg));
    return gt_rd(GT_PCI0_CFGDATA);
}

static void cfg_wr(unsigned bus, unsigned dev, unsigned fn, unsigned reg, uint32_t v)
{
    gt_wr(GT_PCI0_CFGADDR, cfg_addr(bus, dev, fn, reg));
    gt_wr(GT_PCI0_CFGDATA, v);
}

int main(void)
{
    com_init(COM1);
    puts_("chipset: UART A through the I/O window at reset (0x10000000)\n");

    puts_("-- GT-64120 at reset (0x14000000)\n");
    show("CPU", gt_rd(GT_CPU));
    show("PCI0IOLD", gt_rd(GT_PCI0IOLD));
    show("PCI0IOHD", gt_rd(GT_PCI0IOHD));
    show("PCI0M0LD", gt_rd(GT_PCI0M0LD));
    show("PCI0M0HD", gt_rd(GT_PCI0M0HD));
    show("PCI0M1LD", gt_rd(GT_PCI0M1LD));
    show("PCI0M1HD", gt_rd(GT_PCI0M1HD));
    show("ISD", gt_rd(GT_ISD));
    show("PCI0IOREMAP", gt_rd(GT_PCI0IOREMAP));
    show("PCI0M0REMAP", gt_rd(GT_PCI0M0REMAP));
    show("PCI0M1REMAP", gt_rd(GT_PCI0M1REMAP));
    show("MULTI", gt_rd(GT_MULTI));
    show("CPUERR_ADDRLO", gt_rd(GT_CPUERR_ADDRLO));
    show("PCI0SYNC", gt_rd(GT_PCI0SYNC));
    show("SDRAM_B0", gt_rd(GT_SDRAM_B0));
    show("TC0", gt_rd(GT_TC0));
    show("PCI0_CMD", gt_rd(GT_PCI0_CMD));
    show("INTRCAUSE", gt_rd(GT_INTRCAUSE));
    show("PCI0_IACK", gt_rd(GT_PCI0_IACK));

    puts_("-- register quirks\n");
    /* The block is 32-bit only: a narrower access reaches the whole register.  (Only
     * values that fit the access are read here: QEMU 7.2 hands a narrow load the whole
     * register, upper bits included.) */
    show("byte load at ISD+1", rd8(gt_base + GT_ISD + 1));
    show("halfword load at ISD+2", rd16(gt_base + GT_ISD + 2));
    gt_wr(GT_UNKNOWN, 0x12345678u);
    show("unknown register after a write", gt_rd(GT_UNKNOWN));
    gt_wr(GT_TC0, 0x12345678u);
    show("TC0 after a write (unimplemented)", gt_rd(GT_TC0));
    gt_wr(GT_MULTI, 0);
    show("MULTI after a write (read-only)", gt_rd(GT_MULTI));
    gt_wr(GT_SDRAM_B0, 0x0000000Au);
    show("SDRAM_B0 after a write", gt_rd(GT_SDRAM_B0));
    gt_wr(GT_CPU, 0);
    show("ISD with CPU.Endianness clear", gt_rd(GT_ISD));
    gt_wr(GT_CPU, 0x00100000u);    /* byte-swapped on the way in: 0x1000 */
    show("CPU restored", gt_rd(GT_CPU));

    puts_("-- ISD = 0xDF: registers move to 0x1BE00000\n");
    gt_wr(GT_ISD, 0xDF);
    show("old place ISD", rd32(GT_RESET_BASE + GT_ISD));
    gt_base = GT_BASE;
    show("new place ISD", gt_rd(GT_ISD));
    /* QEMU keeps the block off the boot flash and FPGA: 0x1E000000 becomes 0x1F100000. */
    gt_wr(GT_ISD, 0xF0);
    show("ISD = 0xF0, read at 0x1F100000", rd32(KSEG1(0x1F100000u) + GT_ISD));
    wr8(KSEG1(0x1F100000u) + GT_ISD + 1, 0xDF);
    show("byte store of 0xDF at ISD+1, read at 0x1BE00000", gt_rd(GT_ISD));

    puts_("-- I/O window: IOLD = 0xC0 keeps the old window until IOHD = 0x40\n");
    gt_wr(GT_PCI0IOLD, 0xC0);
    puts_("still printing through 0x10000000\n");
    show("PCI0IOREMAP", gt_rd(GT_PCI0IOREMAP));
    gt_wr(GT_PCI0IOHD, 0x40);
    io_base = IO_BASE;
    puts_("now printing through 0x18000000\n");
    show("old window, UART A LSR", rd8(IO_RESET_BASE + COM1 + 5));

    puts_("-- memory windows\n");
    gt_wr(GT_PCI0M0LD, 0x80);
    gt_wr(GT_PCI0M0HD, 0x3F);
    gt_wr(GT_PCI0M1LD, 0xC1);
    gt_wr(GT_PCI0M1HD, 0x5E);
    show("PCI0M0REMAP", gt_rd(GT_PCI0M0REMAP));
    show("PCI0M1REMAP", gt_rd(GT_PCI0M1REMAP));
    gt_wr(GT_PCI0IOREMAP, 0);      /* what Linux's prom_init does */
    show("PCI0IOREMAP after 0", gt_rd(GT_PCI0IOREMAP));
    gt_wr(GT_PCI0M1REMAP, 0xFFFFFFFFu);
    show("PCI0M1REMAP after ~0", gt_rd(GT_PCI0M1REMAP));
    gt_wr(GT_PCI0M1LD, 0xFFFFFFFFu);   /* (LD & 0x7F) > HD: the window stays */
    show("PCI0M1LD after ~0", gt_rd(GT_PCI0M1LD));
    gt_wr(GT_PCI0M1LD, 0xC1);
    show("MEM0 window, nothing behind", rd32(KSEG1(0x10000000u)));
    show("MEM1 window, nothing behind", rd32(KSEG1(0x18200000u)));
    show("I/O window past port 0xFFFF", rd32(IO_BASE + 0x10000));
    show("I/O window, last word", rd32(IO_BASE + 0x1FFFFC));

    puts_("-- PCI configuration\n");
    for (unsigned reg = 0; reg < 0x40; reg += 4) {
        puts_("00.0 reg ");
        puthex(reg, 2);
        show("", cfg_rd(0, 0, 0, reg));
    }
    show("CFGADDR", gt_rd(GT_PCI0_CFGADDR));
    cfg_wr(0, 0, 0, 0x20, 0x1BE00000u);     /* what Linux's mips_pcibios_init does */
    show("BAR4 after 0x1be00000", cfg_rd(0, 0, 0, 0x20));
    for (unsigned reg = 0x04; reg <= 0x40; reg += 4) {
        cfg_wr(0, 0, 0, reg, 0xFFFFFFFFu);
        puts_("00.0 reg ");
        puthex(reg, 2);
        show(" after ~0", cfg_rd(0, 0, 0, reg));
    }
    show("00.0 reg fc", cfg_rd(0, 0, 0, 0xFC));
    show("05.0 id (empty slot)", cfg_rd(0, 5, 0, 0));
    show("bus 1 00.0 id", cfg_rd(1, 0, 0, 0));
    gt_wr(GT_PCI0_CFGADDR, 0xFFFFFFFFu);
    show("CFGADDR after ~0", gt_rd(GT_PCI0_CFGADDR));
    gt_wr(GT_PCI0_CFGADDR, 0);
    show("CFGDATA without the enable bit", gt_rd(GT_PCI0_CFGDATA));
    gt_wr(GT_INTRCAUSE, ~0xC0000u);         /* Linux: clear master/target abort */
    show("INTRCAUSE", gt_rd(GT_INTRCAUSE));
    gt_wr(GT_INTRCAUSE, 0xFFFFFFFFu);
    show("INTRCAUSE after ~0", gt_rd(GT_INTRCAUSE));

    puts_("-- I/O ports\n");
    show("port 0x3e8 byte (unassigned)", inb(0x3E8));
    show("port 0x100 byte (unassigned)", inb(0x100));
    show("port 0x2e8 byte (unassigned)", inb(0x2E8));
    show("port 0x3e8 halfword", rd16(io_base + 0x3E8));
    show("port 0x3e8 word", rd32(io_base + 0x3E8));
    /* U-Boot's SuperIO set-up: enter configuration, index/data pairs, leave. */
    show("port 0x3f0 byte", inb(0x3F0));
    show("port 0x3f1 byte", inb(0x3F1));
    outb(0x3F0, 0x55);
    outb(0x3F0, 0x07);
    outb(0x3F1, 0x04);
    show("port 0x3f0 in configuration mode", inb(0x3F0));
    show("port 0x3f1 in configuration mode", inb(0x3F1));
    outb(0x3F0, 0xAA);
    outb(COM2 + 7, 0x5A);
    show("UART B scratch", inb(COM2 + 7));
    show("UART B word at 0x2f8 (4 registers)", rd32(io_base + COM2));
    show("UART A halfword at 0x3fc (MCR, LSR)", rd16(io_base + COM1 + 4));

    puts_("chipset: done\n");
    return 0;
}
