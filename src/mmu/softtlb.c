#include "mmu/softtlb.h"

void softtlb_flush(softtlb_set_t *set)
{
    for (unsigned i = 0; i < SOFTTLB_SIZE; i++) {
        set->read[i].tag = SOFTTLB_INVALID;
        set->write[i].tag = SOFTTLB_INVALID;
        set->fetch[i].tag = SOFTTLB_INVALID;
    }
}
