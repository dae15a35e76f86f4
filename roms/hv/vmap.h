/* The VCPU address map (issue 8): where a guest's architectural addresses live in the
 * real (host) address space it runs in, and which host ASIDs its two views use.
 *
 * The guest runs in real user mode, so it can only touch real VAs below 0x80000000. That
 * low 2 GB means one of two things, chosen by the guest's own mode (vmap_guest_kernel):
 *
 *   real VA                  guest in kernel mode (or EXL/ERL)    guest in user mode
 *   0x00000000-0x1FFFFFFF    guest kseg0 0x80000000+: GPA = VA,   guest kuseg
 *                            cached per guest Config.K0           0x00000000-0x7FFFFFFF,
 *   0x20000000-0x3FFFFFFF    guest kseg1 0xA0000000+: GPA = VA -  mapped through the
 *                            0x20000000, uncached (guest boot     guest TLB with the
 *                            "ROM" at 0x3FC00000 = 0xBFC00000)    guest ASID
 *   0x40000000-0x7FFFFFFF    guest kseg2/kseg3 0xC0000000+,
 *                            mapped through the guest TLB
 *   0x80000000-0xFFFFFFFF    (the hypervisor's: a guest access is an address error)
 *
 * So arch = real + 0x80000000 in the kernel view and arch = real in the user view. The
 * guest kernel is linked at its real addresses; its CP0 registers (EPC, ErrorEPC,
 * BadVAddr, EntryHi, guest TLB entries) hold architectural ones, and the VCPU converts
 * when it jumps (ERET, exception vectors) or records (EPC, BadVAddr).
 *
 * Limits of the design, for guest authors: in its kernel mode the guest cannot reach its
 * own kuseg (a kernel pointer below 0x80000000 is read as kseg0), so it copies to and
 * from user pages through their kseg0 or kseg2 aliases; with ERL set, kuseg is
 * architecturally unmapped, which the kernel view cannot show either.
 *
 * Pure C on <stdint.h>/<stdbool.h>/<stddef.h>, tested on the host (tests/hv/test_vmap.c). */
#ifndef HV_VMAP_H
#define HV_VMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gtlb.h"

/* Guest Status bits that choose the view. The VCPU is a 24Kc without supervisor mode:
 * Status bit 3 reads as zero, so UM alone is KSU. */
#define VMAP_STATUS_UM  0x00000010u
#define VMAP_STATUS_ERL 0x00000004u
#define VMAP_STATUS_EXL 0x00000002u

/* Real VA boundaries of the kernel view. */
#define VMAP_REAL_KSEG0  0x00000000u
#define VMAP_REAL_KSEG1  0x20000000u
#define VMAP_REAL_KSEG2  0x40000000u
#define VMAP_REAL_TOP    0x80000000u    /* first real VA the guest can never touch */
#define VMAP_ARCH_OFFSET 0x80000000u    /* arch - real in the kernel view */
#define VMAP_SEGMENT_SIZE 0x20000000u   /* kseg0 and kseg1: 512 MiB of GPA each */

#define VMAP_CCA_UNCACHED 2u

/* True when the guest is in its kernel mode: UM clear, or EXL or ERL set. */
bool vmap_guest_kernel(uint32_t guest_status);

/* Architectural guest VA -> the real VA it runs at in the given view. False when the view
 * has no place for it: kuseg in the kernel view, a kernel segment in the user view. */
bool vmap_to_real(uint32_t arch_va, bool kernel, uint32_t *real_va);
/* Real VA -> architectural guest VA. False for real VAs >= VMAP_REAL_TOP. */
bool vmap_to_arch(uint32_t real_va, bool kernel, uint32_t *arch_va);

/* What a guest access to a real VA means. */
enum vmap_kind {
    VMAP_DIRECT,            /* guest kseg0/kseg1: gpa and cca set, no TLB involved */
    VMAP_MAPPED,            /* a guest TLB hit: gpa, cca, dirty, global set */
    VMAP_TLB_REFILL,        /* guest TLB exceptions to reflect: arch_va is BadVAddr, */
    VMAP_TLB_INVALID,       /* and gtlb_fault() gives EntryHi and Context */
    VMAP_TLB_MODIFIED,
    VMAP_ADDRESS_ERROR,     /* reflect AdEL/AdES with BadVAddr = arch_va */
};

typedef struct vmap_access {
    enum vmap_kind kind;
    uint32_t arch_va;       /* the guest's address; the real VA itself when it has none */
    uint32_t gpa;           /* DIRECT, MAPPED */
    uint8_t cca;            /* DIRECT, MAPPED: cache attribute the guest asked for */
    bool dirty;             /* MAPPED: stores allowed (DIRECT is always writable) */
    bool global;            /* the mapping holds for every guest ASID (always for DIRECT) */
    int tlb_index;          /* MAPPED and TLB exceptions other than refill, else -1 */
} vmap_access_t;

/* Classifies a guest load (store = false) or store to `real_va`, taken with guest Status
 * `status` and guest Config `config` (K0, the kseg0 cache attribute); mapped addresses are
 * looked up in `tlb` with the guest's current ASID (EntryHi). Used on host TLB misses and
 * address errors to fill a shadow entry or pick the exception to reflect. */
vmap_access_t vmap_classify(const gtlb_t *tlb, uint32_t status, uint32_t config,
                            uint32_t real_va, bool store);

/* ---- Host ASIDs ---------------------------------------------------------------------
 *
 * The host has 8-bit ASIDs and shadow entries are never global (both views use the same
 * real VAs, so a G entry of one view would show in the other). The 256 ASIDs are split
 * into VMAP_MAX_VCPUS blocks of VMAP_ASIDS_PER_VCPU, one block per VCPU:
 *
 *   host ASID = vcpu * VMAP_ASIDS_PER_VCPU + slot
 *   slot 0              the guest-kernel view (kseg0/kseg1 windows, kseg2/3 mappings)
 *   slot 1 .. 63        the guest-user view for guest ASID a: slot 1 + a % 63
 *
 * Entering or leaving guest user mode is one EntryHi write, never a flush. The costs:
 *   - guest ASIDs equal modulo 63 share a slot: vmap_asid_user() remembers which guest
 *     ASID owns each slot and says when a new owner must first flush that slot's entries;
 *   - the kernel view keeps one slot for every guest ASID, so when the guest's ASID
 *     changes, kernel-view entries made from non-global guest TLB entries (kseg2/3) must
 *     be dropped (vmap_access_t.global tells which those are); kseg0/kseg1 entries stay;
 *   - at most VMAP_MAX_VCPUS VCPUs; the hypervisor itself runs unmapped and needs none. */
#define VMAP_MAX_VCPUS 4u
#define VMAP_ASIDS_PER_VCPU (256u / VMAP_MAX_VCPUS)
#define VMAP_USER_SLOTS (VMAP_ASIDS_PER_VCPU - 1u)

/* One VCPU's record of which guest ASID each user slot last served. */
typedef struct vmap_asids {
    uint8_t vcpu;
    bool used[VMAP_USER_SLOTS];
    uint8_t owner[VMAP_USER_SLOTS];
} vmap_asids_t;

/* False (and `a` unusable) when vcpu >= VMAP_MAX_VCPUS. */
bool vmap_asids_init(vmap_asids_t *a, uint8_t vcpu);
/* The host ASID of the VCPU's kernel view. */
uint8_t vmap_asid_kernel(const vmap_asids_t *a);
/* The host ASID of the user view for `guest_asid`. Sets *flush when the slot last served
 * another guest ASID: its shadow entries must be dropped before the guest runs with it. */
uint8_t vmap_asid_user(vmap_asids_t *a, uint8_t guest_asid, bool *flush);

#endif
