/* The software TLB: virtual page -> host pointer, one small direct-mapped table per access
 * kind, one set per privilege mode.
 *
 * Design: an entry holds the page's virtual address as its tag and `host - vaddr` as its
 * addend, so a hit is one compare and one add. The compare also checks alignment: the
 * caller compares the tag against `vaddr & (page mask | (size - 1))`, so a misaligned
 * access never hits and falls to the slow path, which raises the address error. Entries are
 * filled only for RAM and ROM pages that need no side effect on access (a ROM device's, the
 * boot flash's, only while it is in read-array mode: the board flushes every set when the
 * chip leaves it); MMIO, read-only pages (for writes) and pages holding decoded code (for
 * writes, so the store can invalidate the decoded instruction) always take the slow path.
 * Invalidation: a TLB write drops the pages the overwritten entry mapped, from the tables
 * that were filled through it (cpu_t.tlb_filled; no other entry can have mapped the new
 * entry's pages: overlapping valid entries are a machine check), every ASID change flushes
 * all sets, mode changes just switch sets. */
#ifndef KSEG_SOFTTLB_H
#define KSEG_SOFTTLB_H

#include <stdint.h>

#define SOFTTLB_BITS 8
#define SOFTTLB_SIZE (1u << SOFTTLB_BITS)
#define SOFTTLB_INVALID 0xFFFFFFFFu /* never equal to (vaddr & (0xFFFFF000 | 3)) */

typedef struct code_page code_page_t;

typedef struct softtlb_entry {
    uint32_t tag;
    uintptr_t addend;
} softtlb_entry_t;

typedef struct softtlb_fetch_entry {
    uint32_t tag;
    code_page_t *page;
} softtlb_fetch_entry_t;

typedef struct softtlb_set {
    softtlb_entry_t read[SOFTTLB_SIZE];
    softtlb_entry_t write[SOFTTLB_SIZE];
    softtlb_fetch_entry_t fetch[SOFTTLB_SIZE];
} softtlb_set_t;

static inline unsigned softtlb_index(uint32_t vaddr)
{
    return (vaddr >> 12) & (SOFTTLB_SIZE - 1);
}

/* softtlb_index(vaddr) as a byte offset into a table: one shift and one mask,
 * where the index scaled by the entry size takes a shift, a zero extension and another
 * shift. The run loops' inline loads and stores use it, on the path from the address to
 * the data, as tier 2's native code (jit.c's emit_tlb_probe). */
_Static_assert(sizeof(softtlb_entry_t) == 16 && sizeof(softtlb_fetch_entry_t) == 16,
               "softtlb_offset scales by 16");
#define SOFTTLB_OFFSET_SHIFT (12 - 4)
#define SOFTTLB_OFFSET_MASK ((SOFTTLB_SIZE - 1) << 4)
static inline uintptr_t softtlb_offset(uint32_t vaddr)
{
    return (vaddr >> SOFTTLB_OFFSET_SHIFT) & SOFTTLB_OFFSET_MASK;
}

/* The tables of all sets as bits of a mask: lane (set * SOFTTLB_TABLES + table). */
enum { SOFTTLB_READ, SOFTTLB_WRITE, SOFTTLB_FETCH, SOFTTLB_TABLES };
#define SOFTTLB_LANE(set, table) (1u << ((set) * SOFTTLB_TABLES + (table)))

void softtlb_flush(softtlb_set_t *set);
/* Drops the entries for the virtual pages in [start, start + len) (start page-aligned) from
 * the tables in `lanes` (of the sets at `sets`); a range wider than a table flushes them. */
void softtlb_invalidate(softtlb_set_t *sets, uint32_t lanes, uint32_t start, uint32_t len);

#endif
