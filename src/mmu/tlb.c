/* The architectural TLB: matching rules of MIPS32 Vol. III section 4.9. */
#include "mmu/tlb.h"



enum tlb_result tlb_lookup(const tlb_entry_t *tlb, uint32_t vaddr, uint8_t asid, bool write,
                           uint32_t *paddr, int *index)
{
    for (int i = 0; i < TLB_ENTRIES; i++) {
        const tlb_entry_t *e = &tlb[i];
        if (!tlb_entry_matches(e, vaddr, asid))
            continue;
        if (index)
            *index = i;
        /* The bit just above the page offset picks the even or odd page. */
        uint32_t offset_mask = (e->pagemask | 0x1FFFu) >> 1;
        uint32_t lo = e->entrylo[(vaddr & (offset_mask + 1)) ? 1 : 0];
        if (!(lo & ENTRYLO_V))
            return TLB_INVALID;
        if (write && !(lo & ENTRYLO_D))
            return TLB_MODIFIED;
        uint32_t pfn_base = (lo << 6) & 0xFFFFF000u;   /* PFN (bits 25:6) to address bits 31:12 */
        *paddr = (pfn_base & ~offset_mask) | (vaddr & offset_mask);
        return TLB_HIT;
    }
    if (index)
        *index = -1;
    return TLB_MISS;
}

int tlb_probe(const tlb_entry_t *tlb, uint32_t entryhi)
{
    for (int i = 0; i < TLB_ENTRIES; i++)
        if (tlb_entry_matches(&tlb[i], entryhi, (uint8_t)entryhi))
            return i;
    return -1;
}

bool tlb_overlaps(const tlb_entry_t *tlb, const tlb_entry_t *e, int skip)
{
    if (!((e->entrylo[0] | e->entrylo[1]) & ENTRYLO_V))
        return false;
    for (int i = 0; i < TLB_ENTRIES; i++) {
        const tlb_entry_t *o = &tlb[i];
        if (i == skip)
            continue;
        /* Two entries overlap when their VPN2s agree under the larger page and their ASIDs
         * can both match. Entries with both pages invalid never take part in translation. */
        if (!((o->entrylo[0] | o->entrylo[1]) & ENTRYLO_V))
            continue;
        uint32_t mask = vpn2_mask(e->pagemask) & vpn2_mask(o->pagemask);
        bool asid_clash = e->global || o->global || (uint8_t)e->entryhi == (uint8_t)o->entryhi;
        if (((e->entryhi ^ o->entryhi) & mask) == 0 && asid_clash)
            return true;
    }
    return false;
}
