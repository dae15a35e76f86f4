/* The guest TLB (gtlb.h).
 *
 * Design note. The model follows the 24Kc and kseg's own core (src/cpu/cp0.c) wherever
 * the manual leaves a choice, so a guest sees the same TLB under the hypervisor as on the
 * bare board; the three places where it must choose:
 *   - Index has only log2(GTLB_ENTRIES) entry bits (plus P), so TLBWI/TLBR take Index
 *     modulo GTLB_ENTRIES: MTC0 Index already drops the other bits, as the hardware
 *     register does, and an index out of range cannot be formed. Nothing is refused for
 *     its index; a write is refused only for Machine Check (two valid entries overlapping).
 *   - Random is a countdown stepped by each TLBWR (not by every cycle as on silicon): from
 *     GTLB_ENTRIES - 1 down to Wired, then round again; writing Wired restarts it at the
 *     top. TLBWR therefore replaces the unwired entries round-robin, reproducibly from
 *     run to run; software may not rely on Random's sequence, only on its range.
 *   - PageMask values outside the nine legal ones (UNDEFINED in the manual) are rounded
 *     up to a legal size, so every entry is one contiguous power-of-4 page pair and the
 *     span reported for shadow invalidation is exact. */
#include "gtlb.h"

/* The offset bits of one page pair (both pages), from a normalised PageMask. */
static uint32_t pair_offset_mask(uint32_t pagemask)
{
    return pagemask | 0x1FFFu;
}

static bool entry_matches(const gtlb_entry_t *e, uint32_t vaddr, uint8_t asid)
{
    if ((vaddr ^ e->entryhi) & ~pair_offset_mask(e->pagemask))
        return false;
    return e->global || (uint8_t)e->entryhi == asid;
}

static bool entry_valid(const gtlb_entry_t *e)
{
    return ((e->entrylo[0] | e->entrylo[1]) & GTLB_ENTRYLO_V) != 0;
}

void gtlb_reset(gtlb_t *t)
{
    t->index = t->entrylo0 = t->entrylo1 = t->context = t->pagemask = t->wired = 0;
    t->entryhi = 0;
    t->random = GTLB_ENTRIES - 1u;
    for (uint32_t i = 0; i < GTLB_ENTRIES; i++)
        t->entry[i] = (gtlb_entry_t){ .entryhi = 0x80000000u + (i << 13) };
}

/* Mask bits come in pairs (13-14 for 16 KiB, 15-16 for 64 KiB, ...): the highest pair
 * with any bit set decides the size, and every bit below it is set. */
uint32_t gtlb_pagemask(uint32_t value)
{
    uint32_t m = value & GTLB_PAGEMASK_MASK;
    uint32_t legal = 0;
    for (uint32_t pair = 3u << 13; pair & GTLB_PAGEMASK_MASK; pair <<= 2)
        if (m >= (pair & -pair))
            legal |= pair;
    return legal;
}

void gtlb_write_index(gtlb_t *t, uint32_t value)
{
    t->index = (t->index & GTLB_INDEX_P) | (value & GTLB_INDEX_MASK);
}

void gtlb_write_wired(gtlb_t *t, uint32_t value)
{
    t->wired = value & GTLB_INDEX_MASK;
    t->random = GTLB_ENTRIES - 1u;
}

void gtlb_write_context(gtlb_t *t, uint32_t value)
{
    t->context = (t->context & GTLB_CONTEXT_BADVPN2) | (value & GTLB_CONTEXT_PTEBASE);
}

gtlb_span_t gtlb_entry_span(const gtlb_entry_t *e)
{
    return (gtlb_span_t){
        .vaddr = e->entryhi & GTLB_ENTRYHI_VPN2,
        .size = pair_offset_mask(e->pagemask) + 1u,
        .asid = (uint8_t)e->entryhi,
        .global = e->global,
        .valid = entry_valid(e),
    };
}

void gtlb_tlbp(gtlb_t *t)
{
    for (uint32_t i = 0; i < GTLB_ENTRIES; i++) {
        if (entry_matches(&t->entry[i], t->entryhi, (uint8_t)t->entryhi)) {
            t->index = i;
            return;
        }
    }
    t->index |= GTLB_INDEX_P;
}

void gtlb_tlbr(gtlb_t *t)
{
    const gtlb_entry_t *e = &t->entry[t->index & GTLB_INDEX_MASK];
    uint32_t g = e->global ? GTLB_ENTRYLO_G : 0;
    t->pagemask = e->pagemask;
    t->entryhi = e->entryhi;
    t->entrylo0 = e->entrylo[0] | g;
    t->entrylo1 = e->entrylo[1] | g;
}

/* Would `e`, written at `slot`, match an address some other valid entry matches? Two
 * entries can both match when their VPN2s agree above the larger of their pages and
 * their ASIDs can agree (either global, or equal). */
static bool overlaps(const gtlb_t *t, const gtlb_entry_t *e, uint32_t slot)
{
    if (!entry_valid(e))
        return false;
    for (uint32_t i = 0; i < GTLB_ENTRIES; i++) {
        const gtlb_entry_t *o = &t->entry[i];
        if (i == slot || !entry_valid(o))
            continue;
        uint32_t compare = ~(pair_offset_mask(e->pagemask) | pair_offset_mask(o->pagemask));
        bool asid_clash = e->global || o->global || (uint8_t)e->entryhi == (uint8_t)o->entryhi;
        if (((e->entryhi ^ o->entryhi) & compare) == 0 && asid_clash)
            return true;
    }
    return false;
}

static enum gtlb_write_result write_entry(gtlb_t *t, uint32_t slot, gtlb_span_t *evicted)
{
    uint32_t pagemask = gtlb_pagemask(t->pagemask);
    gtlb_entry_t e = {
        .pagemask = pagemask,
        .entryhi = t->entryhi & GTLB_ENTRYHI_MASK & ~pagemask,
        .entrylo = { t->entrylo0 & GTLB_ENTRYLO_MASK & ~GTLB_ENTRYLO_G,
                     t->entrylo1 & GTLB_ENTRYLO_MASK & ~GTLB_ENTRYLO_G },
        .global = (t->entrylo0 & t->entrylo1 & GTLB_ENTRYLO_G) != 0,
    };
    if (overlaps(t, &e, slot))
        return GTLB_MACHINE_CHECK;
    if (evicted)
        *evicted = gtlb_entry_span(&t->entry[slot]);
    t->entry[slot] = e;
    return GTLB_WRITTEN;
}

enum gtlb_write_result gtlb_tlbwi(gtlb_t *t, gtlb_span_t *evicted)
{
    return write_entry(t, t->index & GTLB_INDEX_MASK, evicted);
}

enum gtlb_write_result gtlb_tlbwr(gtlb_t *t, gtlb_span_t *evicted)
{
    enum gtlb_write_result r = write_entry(t, t->random, evicted);
    if (r == GTLB_WRITTEN)
        t->random = t->random > t->wired ? t->random - 1u : GTLB_ENTRIES - 1u;
    return r;
}

gtlb_result_t gtlb_lookup(const gtlb_t *t, uint32_t vaddr, uint8_t asid, bool store)
{
    for (uint32_t i = 0; i < GTLB_ENTRIES; i++) {
        const gtlb_entry_t *e = &t->entry[i];
        if (!entry_matches(e, vaddr, asid))
            continue;
        gtlb_result_t r = { .index = (int)i, .global = e->global };
        /* The bit just above the page offset picks the even or odd page. */
        uint32_t offset_mask = pair_offset_mask(e->pagemask) >> 1;
        uint32_t lo = e->entrylo[(vaddr & (offset_mask + 1u)) ? 1 : 0];
        if (!(lo & GTLB_ENTRYLO_V)) {
            r.kind = GTLB_INVALID;
        } else if (store && !(lo & GTLB_ENTRYLO_D)) {
            r.kind = GTLB_MODIFIED;
        } else {
            uint32_t page = (lo & GTLB_ENTRYLO_PFN) << 6;
            r.kind = GTLB_HIT;
            r.gpa = (page & ~offset_mask) | (vaddr & offset_mask);
            r.offset_mask = offset_mask;
            r.cca = (uint8_t)((lo & GTLB_ENTRYLO_C) >> 3);
            r.dirty = (lo & GTLB_ENTRYLO_D) != 0;
        }
        return r;
    }
    return (gtlb_result_t){ .kind = GTLB_REFILL, .index = -1 };
}

uint32_t gtlb_context(uint32_t context, uint32_t badvaddr)
{
    return (context & GTLB_CONTEXT_PTEBASE) | ((badvaddr >> 9) & GTLB_CONTEXT_BADVPN2);
}

gtlb_fault_t gtlb_fault(const gtlb_t *t, uint32_t badvaddr)
{
    return (gtlb_fault_t){
        .badvaddr = badvaddr,
        .entryhi = (badvaddr & GTLB_ENTRYHI_VPN2) | (t->entryhi & GTLB_ENTRYHI_ASID),
        .context = gtlb_context(t->context, badvaddr),
    };
}
