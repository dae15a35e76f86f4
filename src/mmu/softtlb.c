#include "mmu/softtlb.h"

void softtlb_flush(softtlb_set_t *set)
{
    for (unsigned i = 0; i < SOFTTLB_SIZE; i++) {
        set->read[i].tag = SOFTTLB_INVALID;
        set->write[i].tag = SOFTTLB_INVALID;
        set->fetch[i].tag = SOFTTLB_INVALID;
    }
}

static uint32_t *tag_of(softtlb_set_t *set, unsigned table, unsigned k)
{
    switch (table) {
    case SOFTTLB_READ: return &set->read[k].tag;
    case SOFTTLB_WRITE: return &set->write[k].tag;
    default: return &set->fetch[k].tag;
    }
}

void softtlb_invalidate(softtlb_set_t *sets, uint32_t lanes, uint32_t start, uint32_t len)
{
    uint32_t pages = len >> 12;
    for (; lanes; lanes &= lanes - 1) {
        unsigned lane = (unsigned)__builtin_ctz(lanes);
        softtlb_set_t *set = &sets[lane / SOFTTLB_TABLES];
        unsigned table = lane % SOFTTLB_TABLES;
        if (pages >= SOFTTLB_SIZE) {
            for (unsigned k = 0; k < SOFTTLB_SIZE; k++)
                *tag_of(set, table, k) = SOFTTLB_INVALID;
            continue;
        }
        for (uint32_t i = 0; i < pages; i++) {
            uint32_t vpage = start + (i << 12);
            uint32_t *tag = tag_of(set, table, softtlb_index(vpage));
            /* A tag is its page's address (the low bits only ever make a lookup miss). */
            if ((*tag & ~0xFFFu) == vpage)
                *tag = SOFTTLB_INVALID;
        }
    }
}
