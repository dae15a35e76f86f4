/* CP0 access from C: mfc0/mtc0 wrapped as expressions, and the register fields the boot ROM
 * reads. Register numbers as in the MIPS32 manual (Vol. III) and start.S. */
#ifndef BOOTROM_CP0_H
#define BOOTROM_CP0_H

#include <stdint.h>

/* (number, select) pairs, used as read_c0(C0_STATUS). */
#define C0_INDEX     0, 0
#define C0_ENTRYLO0  2, 0
#define C0_ENTRYLO1  3, 0
#define C0_PAGEMASK  5, 0
#define C0_WIRED     6, 0
#define C0_BADVADDR  8, 0
#define C0_COUNT     9, 0
#define C0_ENTRYHI  10, 0
#define C0_STATUS   12, 0
#define C0_CAUSE    13, 0
#define C0_EPC      14, 0
#define C0_PRID     15, 0
#define C0_EBASE    15, 1
#define C0_CONFIG   16, 0
#define C0_CONFIG1  16, 1

#define read_c0(regsel) read_c0_(regsel)
#define write_c0(regsel, v) write_c0_(regsel, v)
#define read_c0_(reg, sel) ({ uint32_t v_; \
    __asm__ volatile("mfc0 %0, $%1, %2" : "=r"(v_) : "i"(reg), "i"(sel)); v_; })
#define write_c0_(reg, sel, v) \
    __asm__ volatile("mtc0 %z0, $%1, %2; ehb" : : "Jr"((uint32_t)(v)), "i"(reg), "i"(sel))

#define ST_BEV          0x00400000u
#define ST_ERL          0x00000004u
#define ST_EXL          0x00000002u
#define ST_IE           0x00000001u
#define CAUSE_EXCCODE(c) (((c) >> 2) & 0x1Fu)
#define CONFIG_K0_MASK  0x7u
#define CONFIG1_MMU_SIZE(c) ((((c) >> 25) & 0x3Fu) + 1)

/* The geometry of one cache from Config1 (shift = 22 for the I-cache, 13 for the D-cache):
 * sets = 64 << S, line = 2 << L bytes (0: no cache), ways = A + 1. */
static inline uint32_t cache_line(uint32_t config1, unsigned shift)
{
    uint32_t l = (config1 >> (shift - 3)) & 7u;
    return l ? 2u << l : 0;
}
static inline uint32_t cache_sets(uint32_t config1, unsigned shift)
{
    return 64u << ((config1 >> shift) & 7u);
}
static inline uint32_t cache_ways(uint32_t config1, unsigned shift)
{
    return ((config1 >> (shift - 6)) & 7u) + 1;
}
#define ICACHE_SHIFT 22
#define DCACHE_SHIFT 13

static inline uint32_t read_count(void)
{
    return read_c0(C0_COUNT);
}

#endif
