/* The VCPU address map and host ASID plan (vmap.h). */
#include "vmap.h"

bool vmap_guest_kernel(uint32_t guest_status)
{
    return !(guest_status & VMAP_STATUS_UM) ||
           (guest_status & (VMAP_STATUS_EXL | VMAP_STATUS_ERL)) != 0;
}

/* Both views are the low 2 GB: the kernel view holds the upper half of the architectural
 * space, the user view the lower half. */
bool vmap_to_real(uint32_t arch_va, bool kernel, uint32_t *real_va)
{
    bool upper = arch_va >= VMAP_ARCH_OFFSET;
    if (upper != kernel)
        return false;
    *real_va = kernel ? arch_va - VMAP_ARCH_OFFSET : arch_va;
    return true;
}

bool vmap_to_arch(uint32_t real_va, bool kernel, uint32_t *arch_va)
{
    if (real_va >= VMAP_REAL_TOP)
        return false;
    *arch_va = kernel ? real_va + VMAP_ARCH_OFFSET : real_va;
    return true;
}

static vmap_access_t through_tlb(const gtlb_t *tlb, uint32_t arch_va, bool store)
{
    static const enum vmap_kind kinds[] = {
        [GTLB_HIT] = VMAP_MAPPED,
        [GTLB_REFILL] = VMAP_TLB_REFILL,
        [GTLB_INVALID] = VMAP_TLB_INVALID,
        [GTLB_MODIFIED] = VMAP_TLB_MODIFIED,
    };
    gtlb_result_t r = gtlb_lookup(tlb, arch_va, (uint8_t)tlb->entryhi, store);
    return (vmap_access_t){ .kind = kinds[r.kind], .arch_va = arch_va, .gpa = r.gpa,
                            .cca = r.cca, .dirty = r.dirty, .global = r.global,
                            .tlb_index = r.index };
}

vmap_access_t vmap_classify(const gtlb_t *tlb, uint32_t status, uint32_t config,
                            uint32_t real_va, bool store)
{
    bool kernel = vmap_guest_kernel(status);
    uint32_t arch_va;
    if (!vmap_to_arch(real_va, kernel, &arch_va))
        return (vmap_access_t){ .kind = VMAP_ADDRESS_ERROR, .arch_va = real_va,
                                .tlb_index = -1 };
    /* In the user view the whole low 2 GB is kuseg; a user access to a kernel segment
     * has a real VA >= VMAP_REAL_TOP and was refused above. */
    if (!kernel || real_va >= VMAP_REAL_KSEG2)
        return through_tlb(tlb, arch_va, store);
    bool kseg1 = real_va >= VMAP_REAL_KSEG1;
    return (vmap_access_t){
        .kind = VMAP_DIRECT,
        .arch_va = arch_va,
        .gpa = real_va & (VMAP_SEGMENT_SIZE - 1u),
        .cca = kseg1 ? VMAP_CCA_UNCACHED : (uint8_t)(config & 7u),
        .dirty = true,
        .global = true,
        .tlb_index = -1,
    };
}

bool vmap_asids_init(vmap_asids_t *a, uint8_t vcpu)
{
    a->vcpu = vcpu;
    for (uint32_t slot = 0; slot < VMAP_USER_SLOTS; slot++) {
        a->used[slot] = false;
        a->owner[slot] = 0;
    }
    return vcpu < VMAP_MAX_VCPUS;
}

uint8_t vmap_asid_kernel(const vmap_asids_t *a)
{
    return (uint8_t)(a->vcpu * VMAP_ASIDS_PER_VCPU);
}

uint8_t vmap_asid_user(vmap_asids_t *a, uint8_t guest_asid, bool *flush)
{
    uint32_t slot = guest_asid % VMAP_USER_SLOTS;
    *flush = a->used[slot] && a->owner[slot] != guest_asid;
    a->used[slot] = true;
    a->owner[slot] = guest_asid;
    return (uint8_t)(vmap_asid_kernel(a) + 1u + slot);
}
