/* Board set-up that is easier to read in C than in start.S: the PCI configuration cycles
 * through the GT-64120, the PIIX4's PCI interrupt routing, and the board summary of `bdinfo`. */
#include "bootrom.h"
#include "cp0.h"

static volatile uint32_t *gt_reg(uint32_t offset)
{
    return (volatile uint32_t *)(uintptr_t)(GT_BASE + offset);
}

#define GT_INTR_ABORTS ((1u << 18) | (1u << 19))   /* master abort, target abort on PCI0 */

/* One 32-bit configuration cycle on PCI bus 0 (type 0), as Linux and U-Boot do it: clear the
 * abort bits (writing 0 clears), point CFGADDR at the register, move the data, and see
 * whether a device answered. */
static bool pci_cfg(unsigned dev, unsigned fn, unsigned reg, uint32_t *value, bool write)
{
    *gt_reg(GT_INTRCAUSE) = ~GT_INTR_ABORTS;
    *gt_reg(GT_PCI0_CFGADDR) = 0x80000000u | dev << 11 | fn << 8 | (reg & 0xFCu);
    if (write)
        *gt_reg(GT_PCI0_CFGDATA) = *value;
    else
        *value = *gt_reg(GT_PCI0_CFGDATA);
    return !(*gt_reg(GT_INTRCAUSE) & GT_INTR_ABORTS);
}

#define PIIX4_DEV        10             /* the PIIX4 south bridge: PCI 00:0a.0 */
#define PIIX4_ID         0x71108086u    /* device 7110, vendor Intel */
#define PIIX4_PIRQRC     0x60           /* PIRQ A..D routing, one byte each */
#define PIIX4_PIRQ_VALUE 0x0B0B0A0Au    /* PIRQA, B -> IRQ 10; PIRQC, D -> IRQ 11 */

void board_init(void)
{
    /* Route the PCI interrupt lines to ISA IRQs as YAMON does; Linux reads them back
     * (fixup-malta.c) instead of choosing. QEMU's own -kernel loader writes the same. */
    uint32_t id = 0, v = PIIX4_PIRQ_VALUE;
    if (pci_cfg(PIIX4_DEV, 0, 0, &id, false) && id == PIIX4_ID)
        pci_cfg(PIIX4_DEV, 0, PIIX4_PIRQRC, &v, true);
}

/* RAM beyond the 256 MiB at physical 0. The Malta (and QEMU's model of it) shows all of its
 * RAM, up to 2 GiB, once more at physical 0x80000000, where kseg0/kseg1 cannot reach: look
 * there through one temporary TLB entry (16 MiB pages at virtual 0), 16 MiB at a time, with
 * the same write/read-back test as stage 1. Nothing there is a bus error or reads back wrong;
 * safe_read/safe_write turn a bus error into a return value. */
#define HIGH_RAM_PADDR   0x80000000u
#define PROBE_STEP       (16u << 20)
#define PAGEMASK_16M     0x01FFE000u
#define ENTRYLO(pa, flags) (((pa) >> 12) << 6 | (flags))
#define EL_UNCACHED      (2u << 3)
#define EL_D             0x4u
#define EL_V             0x2u
#define EL_G             0x1u

uint32_t board_probe_high_ram(void)
{
    const uint32_t test_off = 0x7FFC, pattern = 0x5AC3E187u;
    volatile uint32_t *witness = (volatile uint32_t *)(uintptr_t)(KSEG1 + test_off);
    uint32_t saved_hi = read_c0(C0_ENTRYHI);
    uint32_t total = LOW_RAM_MAX;

    for (uint32_t off = LOW_RAM_MAX; off < 0x80000000u; off += PROBE_STEP) {
        write_c0(C0_PAGEMASK, PAGEMASK_16M);
        write_c0(C0_ENTRYLO0, ENTRYLO(HIGH_RAM_PADDR + off, EL_UNCACHED | EL_D | EL_V | EL_G));
        write_c0(C0_ENTRYLO1, EL_G);
        write_c0(C0_ENTRYHI, 0);
        write_c0(C0_INDEX, 0);
        __asm__ volatile("tlbwi; ehb" ::: "memory");
        uint32_t old, v, w0 = *witness;
        bool ok = safe_read(test_off, 4, &old) == 0 &&
                  safe_write(test_off, 4, pattern) == 0 &&
                  safe_read(test_off, 4, &v) == 0 && v == pattern &&
                  safe_write(test_off, 4, ~pattern) == 0 &&
                  safe_read(test_off, 4, &v) == 0 && v == ~pattern &&
                  *witness == w0;           /* not low RAM again */
        if (ok)
            safe_write(test_off, 4, old);
        *witness = w0;
        if (!ok)
            break;
        total = off + PROBE_STEP;
    }
    /* Entry 0 back as stage 1 left it: invalid, at its own kseg0 address. */
    write_c0(C0_PAGEMASK, 0);
    write_c0(C0_ENTRYLO0, 0);
    write_c0(C0_ENTRYLO1, 0);
    write_c0(C0_ENTRYHI, KSEG0);
    write_c0(C0_INDEX, 0);
    __asm__ volatile("tlbwi; ehb" ::: "memory");
    write_c0(C0_ENTRYHI, saved_hi);
    return total;
}

static void print_window(const char *name, uint32_t ld_off, uint32_t hd_off)
{
    uint32_t ld = *gt_reg(ld_off), hd = *gt_reg(hd_off);
    uint32_t start = ld << 21, end = ((ld & ~0x7Fu) | (hd & 0x7Fu)) << 21 | 0x1FFFFF;
    printf("  %-6s LD 0x%03x HD 0x%02x: 0x%08x-0x%08x\n", name, ld, hd, start, end);
}

void board_print_info(void)
{
    uint32_t rev = *(volatile uint32_t *)BOARD_REVISION;
    printf("board      MIPS Malta, revision 0x%08x (core card %u: %s)\n", rev,
           (rev >> REV_CORID_SHIFT) & REV_CORID_MASK,
           ((rev >> REV_CORID_SHIFT) & REV_CORID_MASK) == CORID_CORE_LV ? "CoreLV" : "unknown");
    uint32_t config1 = read_c0(C0_CONFIG1);
    printf("cpu        PRId 0x%08x, Config 0x%08x, Config1 0x%08x, Count %u Hz (assumed)\n",
           read_c0(C0_PRID), read_c0(C0_CONFIG), config1, COUNT_HZ);
    printf("tlb        %u entries\n", CONFIG1_MMU_SIZE(config1));
    static const struct { const char *name; unsigned shift; } caches[] = {
        { "icache", ICACHE_SHIFT }, { "dcache", DCACHE_SHIFT },
    };
    for (unsigned i = 0; i < ARRAY_SIZE(caches); i++) {
        uint32_t line = cache_line(config1, caches[i].shift);
        uint32_t sets = cache_sets(config1, caches[i].shift);
        uint32_t ways = cache_ways(config1, caches[i].shift);
        if (line)
            printf("%-10s %u bytes: %u sets, %u ways, %u-byte lines\n", caches[i].name,
                   sets * ways * line, sets, ways, line);
        else
            printf("%-10s none\n", caches[i].name);
    }
    printf("ram        0x%08x bytes at physical 0 (%u MiB); 0x%08x in all\n",
           boot_info.ram_size, boot_info.ram_size >> 20, boot_info.ram_size_total);
    printf("flash      %u MiB at physical 0x%08x, seen at 0x%08x after reset\n",
           FLASH_SIZE >> 20, FLASH_PADDR, RESET_VECTOR);
    extern char _stage2_start[], _bss_end[], _stack_top[];
    printf("boot ROM   stage 2 0x%08x-0x%08x, stack below 0x%08x\n",
           (uint32_t)(uintptr_t)_stage2_start, (uint32_t)(uintptr_t)_bss_end - 1,
           (uint32_t)(uintptr_t)_stack_top);
    printf("consoles   SuperIO UART 0x3f8 %s, CBUS UART 0x1f000900 %s\n",
           console_superio_present() ? "present" : "absent",
           console_cbus_present() ? "present" : "absent");
    printf("gt64120    registers at 0x%08x\n", GT_BASE & PHYS_MASK);
    print_window("PCI IO", GT_PCI0IOLD, GT_PCI0IOHD);
    print_window("MEM0", GT_PCI0M0LD, GT_PCI0M0HD);
    print_window("MEM1", GT_PCI0M1LD, GT_PCI0M1HD);
    uint32_t id = 0, pirq = 0;
    if (pci_cfg(PIIX4_DEV, 0, 0, &id, false) && id == PIIX4_ID &&
        pci_cfg(PIIX4_DEV, 0, PIIX4_PIRQRC, &pirq, false))
        printf("piix4      00:0a.0, PIRQ A-D -> IRQ %u %u %u %u\n", pirq & 0xFF,
               (pirq >> 8) & 0xFF, (pirq >> 16) & 0xFF, pirq >> 24);
    else
        printf("piix4      not found (PCI 00:0a.0 reads 0x%08x)\n", id);
    if (boot_info.have_desc) {
        printf("kernel     0x%08x bytes at physical 0x%08x\n",
               boot_info.kernel_size, boot_info.kernel_paddr);
        if (boot_info.initrd_size)
            printf("initrd     0x%08x bytes at physical 0x%08x\n",
                   boot_info.initrd_size, boot_info.initrd_paddr);
    } else {
        printf("kernel     none (no kseg boot descriptor at 0x%08x)\n", 0x1000u);
    }
}
