#include "mmu/softtlb.h"

void softtlb_flush(softtlb_set_t *set)
{
    for (unsigned i = 0; i < SOFTTLB_SIZE; i++) {
        set->read[i].tag = SOFTTLB_INVALID;
        set->write[i].tag = SOFTTLB_INVALID;
        set->fetch[i].tag = SOFTTLB_INVALID;
    }
}

void softtlb_invalidate(softtlb_set_t *sets, unsigned nsets, uint32_t start, uint32_t len)
{
    uint32_t pages = len >> 12;
    if (pages >= SOFTTLB_SIZE) {
        for (unsigned s = 0; s < nsets; s++)
            softtlb_flush(&sets[s]);
        return;
    }
    for (uint32_t i = 0; i < pages; i++) {
        uint32_t vpage = start + (i << 12);
        unsigned k = softtlb_index(vpage);
        for (unsigned s = 0; s < nsets; s++) {
            softtlb_set_t *set = &sets[s];
            /* A tag is its page's address (the low bits only ever make a lookup miss). */
            if ((set->read[k].tag & ~0xFFFu) == vpage)
                set->read[k].tag = SOFTTLB_INVALID;
            if ((set->write[k].tag & ~0xFFFu) == vpage)
                set->write[k].tag = SOFTTLB_INVALID;
            if ((set->fetch[k].tag & ~0xFFFu) == vpage)
                set->fetch[k].tag = SOFTTLB_INVALID;
        }
    }
}
