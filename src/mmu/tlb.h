/* The architectural R4K-style TLB of the 24Kc: 16 dual entries, PageMask 4 KiB..256 MiB. */
#ifndef KSEG_TLB_H
#define KSEG_TLB_H

#include <stdbool.h>
#include <stdint.h>

#define TLB_ENTRIES 16

typedef struct tlb_entry {
    uint32_t pagemask;      /* PageMask.Mask, bits 28:13 */
    uint32_t entryhi;       /* VPN2 (31:13) and ASID (7:0) */
    uint32_t entrylo[2];    /* even and odd page: PFN, C, D, V (G is kept separately) */
    bool global;            /* G: EntryLo0.G & EntryLo1.G at write time */
} tlb_entry_t;

/* EntryLo fields. */
#define ENTRYLO_G 0x1u
#define ENTRYLO_V 0x2u
#define ENTRYLO_D 0x4u

/* Result of a lookup. */
enum tlb_result { TLB_HIT, TLB_MISS, TLB_INVALID, TLB_MODIFIED };

/* Address bits compared for VPN2 under a given PageMask. */
static inline uint32_t vpn2_mask(uint32_t pagemask) { return ~(pagemask | 0x1FFFu); }

static inline bool tlb_entry_matches(const tlb_entry_t *e, uint32_t vaddr, uint8_t asid)
{
    return ((vaddr ^ e->entryhi) & vpn2_mask(e->pagemask)) == 0 &&
           (e->global || (uint8_t)e->entryhi == asid);
}

/* Looks up `vaddr` for ASID `asid`; on a hit fills *paddr. `write` asks for D. Returns the
 * matching entry index through *index when not NULL (-1 on a miss). */
enum tlb_result tlb_lookup(const tlb_entry_t *tlb, uint32_t vaddr, uint8_t asid, bool write,
                           uint32_t *paddr, int *index);
/* TLBP: index of the entry matching EntryHi, or -1. */
int tlb_probe(const tlb_entry_t *tlb, uint32_t entryhi);
/* True when `e` would match an address that another valid entry (other than `skip`) also
 * matches: the 24Kc raises Machine Check on such a write. */
bool tlb_overlaps(const tlb_entry_t *tlb, const tlb_entry_t *e, int skip);

#endif
