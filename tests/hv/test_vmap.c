/* The VCPU address map and host ASID plan (roms/hv/vmap.c), on the host.
 *
 * The map is issue 8's table: in the guest's kernel view (UM clear, or EXL/ERL set) real
 * 0x00000000/0x20000000/0x40000000 stand for guest 0x80000000 (kseg0, GPA = offset, K0
 * cached), 0xA0000000 (kseg1, uncached) and 0xC0000000 (kseg2/3 through the guest TLB);
 * in its user view the low 2 GB is its kuseg, through the guest TLB. Classification is a
 * golden table, one cmocka test per row, against one fixed guest TLB. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "vmap.h"
#include "hv_unit.h"

#define UM  VMAP_STATUS_UM
#define EXL VMAP_STATUS_EXL
#define ERL VMAP_STATUS_ERL
#define IE  0x00000001u
#define KERNEL_ST 0x00000000u
#define USER_ST   (UM | IE)
#define K0_CACHED 3u                    /* Config.K0 = 3 */
#define GUEST_ASID 0x21u

#define LO(pfn, flags) (((uint32_t)(pfn) << 6) | (flags))
#define C3 (3u << 3)
#define V GTLB_ENTRYLO_V
#define D GTLB_ENTRYLO_D
#define G GTLB_ENTRYLO_G

/* A user page pair at 0x00400000, a kseg2 pair at 0xC0000000 (global) and one at
 * 0xC0010000 for another ASID; then the guest's current ASID in EntryHi. */
static void golden_tlb(gtlb_t *t)
{
    gtlb_reset(t);
    gtlb_put(t, 0, 0, 0x00400000 | GUEST_ASID, LO(0x00100, C3 | V | D), LO(0x00101, C3 | V));
    gtlb_put(t, 1, 0, 0xC0000000, LO(0x00200, C3 | V | D | G), LO(0x00201, G));
    gtlb_put(t, 2, 0, 0xC0010000 | 0x22, LO(0x00300, C3 | V), 0);
    t->entryhi = GUEST_ASID;
}

typedef struct classify_row {
    const char *name;
    uint32_t status;
    uint32_t real_va;
    bool store;
    enum vmap_kind kind;
    uint32_t arch_va;
    uint32_t gpa;
    uint8_t cca;
    bool dirty, global;
    int index;
} classify_row_t;

#define DIRECT(arch, pa, c) .kind = VMAP_DIRECT, .arch_va = (arch), .gpa = (pa), .cca = (c), \
                            .dirty = true, .global = true, .index = -1
#define MAPPED(arch, pa, d, g, i) .kind = VMAP_MAPPED, .arch_va = (arch), .gpa = (pa), \
                                  .cca = 3, .dirty = (d), .global = (g), .index = (i)
#define FAULT(k, arch, i) .kind = (k), .arch_va = (arch), .index = (i)

static const classify_row_t rows[] = {
    /* Kernel view: the direct windows. */
    { "kseg0_base", KERNEL_ST, 0x00000000, false, DIRECT(0x80000000, 0x00000000, 3) },
    { "kseg0_top", KERNEL_ST, 0x1FFFFFFC, true, DIRECT(0x9FFFFFFC, 0x1FFFFFFC, 3) },
    { "kseg1_base", KERNEL_ST, 0x20000000, false, DIRECT(0xA0000000, 0x00000000, 2) },
    { "kseg1_boot_rom", KERNEL_ST, 0x3FC00000, false, DIRECT(0xBFC00000, 0x1FC00000, 2) },
    { "kseg1_top", KERNEL_ST, 0x3FFFFFFF, true, DIRECT(0xBFFFFFFF, 0x1FFFFFFF, 2) },
    /* EXL or ERL make a user-mode Status a kernel view. */
    { "exl_is_kernel", USER_ST | EXL, 0x00001000, false, DIRECT(0x80001000, 0x1000, 3) },
    { "erl_is_kernel", USER_ST | ERL, 0x20001000, false, DIRECT(0xA0001000, 0x1000, 2) },
    /* Kernel view, kseg2/3 through the guest TLB with the current ASID. */
    { "kseg2_global_hit", KERNEL_ST, 0x40000010, true,
      MAPPED(0xC0000010, 0x00200010, true, true, 1) },
    { "kseg2_odd_invalid", KERNEL_ST, 0x40001000, false,
      FAULT(VMAP_TLB_INVALID, 0xC0001000, 1) },
    { "kseg2_other_asid_refill", KERNEL_ST, 0x40010000, false,
      FAULT(VMAP_TLB_REFILL, 0xC0010000, -1) },
    { "kseg3_refill", KERNEL_ST, 0x7FFFFFFC, false, FAULT(VMAP_TLB_REFILL, 0xFFFFFFFC, -1) },
    /* In the kernel view the guest's kuseg is not there: 0x00400000 is kseg0. */
    { "kernel_low_is_kseg0_not_kuseg", KERNEL_ST, 0x00400000, false,
      DIRECT(0x80400000, 0x00400000, 3) },
    /* User view: the low 2 GB is kuseg, mapped. */
    { "user_hit_even", USER_ST, 0x00400123, true,
      MAPPED(0x00400123, 0x00100123, true, false, 0) },
    { "user_hit_odd_load", USER_ST, 0x00401FFF, false,
      MAPPED(0x00401FFF, 0x00101FFF, false, false, 0) },
    { "user_store_modified", USER_ST, 0x00401000, true,
      FAULT(VMAP_TLB_MODIFIED, 0x00401000, 0) },
    { "user_refill", USER_ST, 0x00000000, false, FAULT(VMAP_TLB_REFILL, 0x00000000, -1) },
    { "user_kuseg_top_refill", USER_ST, 0x7FFFFFFF, false,
      FAULT(VMAP_TLB_REFILL, 0x7FFFFFFF, -1) },
    /* A user address in kseg2's real range is kuseg, never the guest's kseg2 entry. */
    { "user_0x40000000_is_kuseg", USER_ST, 0x40000010, false,
      FAULT(VMAP_TLB_REFILL, 0x40000010, -1) },
    /* The hypervisor's half: address errors in both views. */
    { "user_kernel_segment", USER_ST, 0x80000000, false,
      FAULT(VMAP_ADDRESS_ERROR, 0x80000000, -1) },
    { "user_kseg2_store", USER_ST, 0xC0000000, true,
      FAULT(VMAP_ADDRESS_ERROR, 0xC0000000, -1) },
    { "kernel_above_window", KERNEL_ST, 0x80000000, false,
      FAULT(VMAP_ADDRESS_ERROR, 0x80000000, -1) },
    { "kernel_top", KERNEL_ST | EXL, 0xFFFFFFFF, true,
      FAULT(VMAP_ADDRESS_ERROR, 0xFFFFFFFF, -1) },
};

static void run_classify(void **state)
{
    const classify_row_t *row = *state;
    gtlb_t t;
    golden_tlb(&t);
    vmap_access_t a = vmap_classify(&t, row->status, 0x80000000u | K0_CACHED, row->real_va,
                                    row->store);
    if (a.kind != row->kind || a.arch_va != row->arch_va || a.tlb_index != row->index)
        fail_msg("%s: kind %d arch 0x%08x index %d, expected %d 0x%08x %d", row->name,
                 a.kind, a.arch_va, a.tlb_index, row->kind, row->arch_va, row->index);
    if (row->kind != VMAP_DIRECT && row->kind != VMAP_MAPPED)
        return;
    if (a.gpa != row->gpa || a.cca != row->cca || a.dirty != row->dirty ||
        a.global != row->global)
        fail_msg("%s: gpa 0x%08x cca %u dirty %d global %d", row->name, a.gpa, a.cca,
                 a.dirty, a.global);
}

/* ---- Views and conversions --------------------------------------------------------- */

static void test_guest_kernel(void **state)
{
    (void)state;
    static const struct { uint32_t status; bool kernel; } cases[] = {
        { 0x00000000, true },
        { UM, false },
        { UM | IE | 0x0000FF00, false },    /* IM bits do not matter */
        { UM | EXL, true },
        { UM | ERL, true },
        { UM | EXL | ERL, true },
        { EXL, true },
        { 0x00000008, true },               /* bit 3 (no supervisor mode) is not UM */
        { 0x10400000 | UM, false },         /* CU0, BEV: still user */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (vmap_guest_kernel(cases[i].status) != cases[i].kernel)
            fail_msg("Status 0x%08x: expected %s", cases[i].status,
                     cases[i].kernel ? "kernel" : "user");
}

static void test_conversions(void **state)
{
    (void)state;
    static const struct { uint32_t arch; bool kernel; bool ok; uint32_t real; } cases[] = {
        { 0x80000000, true, true, 0x00000000 },
        { 0x80123456, true, true, 0x00123456 },
        { 0xBFC00000, true, true, 0x3FC00000 },
        { 0xC0000000, true, true, 0x40000000 },
        { 0xFFFFFFFF, true, true, 0x7FFFFFFF },
        { 0x7FFFFFFF, true, false, 0 },          /* kuseg: no place in the kernel view */
        { 0x00000000, true, false, 0 },
        { 0x00000000, false, true, 0x00000000 },
        { 0x7FFFFFFF, false, true, 0x7FFFFFFF },
        { 0x80000000, false, false, 0 },         /* kernel segments: none in the user view */
        { 0xFFFFFFFF, false, false, 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t real = 0xDEADBEEF, back = 0xDEADBEEF;
        bool ok = vmap_to_real(cases[i].arch, cases[i].kernel, &real);
        if (ok != cases[i].ok || (ok && real != cases[i].real))
            fail_msg("arch 0x%08x %s: ok %d real 0x%08x", cases[i].arch,
                     cases[i].kernel ? "kernel" : "user", ok, real);
        if (!ok) {
            assert_int_equal(real, 0xDEADBEEF);     /* untouched on failure */
            continue;
        }
        assert_true(vmap_to_arch(real, cases[i].kernel, &back));
        assert_int_equal(back, cases[i].arch);
    }
    uint32_t arch = 0x1234;
    assert_false(vmap_to_arch(0x80000000, true, &arch));
    assert_false(vmap_to_arch(0xFFFFFFFF, false, &arch));
    assert_int_equal(arch, 0x1234);
}

static void test_kseg0_cacheability_follows_k0(void **state)
{
    (void)state;
    gtlb_t t;
    golden_tlb(&t);
    /* K0 = 2 (uncached) or 7 (implementation-specific) reach the result; kseg1 ignores K0. */
    assert_int_equal(vmap_classify(&t, KERNEL_ST, 0x80000002, 0x1000, false).cca, 2);
    assert_int_equal(vmap_classify(&t, KERNEL_ST, 0x80000007, 0x1000, false).cca, 7);
    assert_int_equal(vmap_classify(&t, KERNEL_ST, 0x80000003, 0x20001000, false).cca, 2);
}

static void test_mapped_uses_current_asid(void **state)
{
    (void)state;
    gtlb_t t;
    golden_tlb(&t);
    /* Switching the guest's ASID to 0x22 brings its private kseg2 page in and drops the
     * user page; the global kseg2 page stays. */
    t.entryhi = 0x22;
    vmap_access_t a = vmap_classify(&t, KERNEL_ST, 3, 0x40010004, false);
    assert_int_equal(a.kind, VMAP_MAPPED);
    assert_int_equal(a.gpa, 0x00300004);
    assert_false(a.global);
    assert_int_equal(vmap_classify(&t, USER_ST, 3, 0x00400000, false).kind, VMAP_TLB_REFILL);
    assert_int_equal(vmap_classify(&t, KERNEL_ST, 3, 0x40000000, false).kind, VMAP_MAPPED);
}

/* ---- Host ASIDs -------------------------------------------------------------------- */

static void test_asid_plan_disjoint(void **state)
{
    (void)state;
    /* Every (VCPU, view, guest ASID) gets a host ASID no other VCPU or view of the same
     * VCPU can hold. */
    int owner[256];
    for (int i = 0; i < 256; i++)
        owner[i] = -1;
    for (uint8_t v = 0; v < VMAP_MAX_VCPUS; v++) {
        vmap_asids_t a;
        assert_true(vmap_asids_init(&a, v));
        uint8_t k = vmap_asid_kernel(&a);
        if (owner[k] != -1)
            fail_msg("vcpu %u kernel ASID %u already taken", v, k);
        owner[k] = 1000 + v;
        for (unsigned g = 0; g < 256; g++) {
            bool flush;
            uint8_t u = vmap_asid_user(&a, (uint8_t)g, &flush);
            if (u == k)
                fail_msg("vcpu %u guest ASID %u: user view shares the kernel ASID", v, g);
            if (owner[u] != -1 && owner[u] != v)
                fail_msg("vcpu %u guest ASID %u: host ASID %u belongs to %d", v, g, u,
                         owner[u]);
            owner[u] = v;
        }
    }
    /* 4 VCPUs x (1 kernel + 63 user) = all 256 host ASIDs. */
    for (int i = 0; i < 256; i++)
        assert_int_not_equal(owner[i], -1);
    vmap_asids_t a;
    assert_false(vmap_asids_init(&a, VMAP_MAX_VCPUS));
}

/* vmap_asid_user() calls in order on VCPU 2's record (kernel view: host ASID 128). */
static void test_asid_plan_values(void **state)
{
    (void)state;
    static const struct { uint8_t guest, host; bool flush; } steps[] = {
        { 0, 129, false },      /* first use of a slot: nothing to flush */
        { 62, 191, false },
        { 63, 129, true },      /* 63 shares slot 0 with guest ASID 0: flush once */
        { 63, 129, false },
        { 0, 129, true },       /* and back */
        { 62, 191, false },     /* 62 kept its slot all along */
    };
    vmap_asids_t a;
    assert_true(vmap_asids_init(&a, 2));
    assert_int_equal(vmap_asid_kernel(&a), 128);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        bool flush = !steps[i].flush;
        uint8_t host = vmap_asid_user(&a, steps[i].guest, &flush);
        if (host != steps[i].host || flush != steps[i].flush)
            fail_msg("step %zu, guest ASID %u: host %u flush %d", i, steps[i].guest, host,
                     flush);
    }
    /* VCPU 0 starts at host ASID 0. */
    assert_true(vmap_asids_init(&a, 0));
    assert_int_equal(vmap_asid_kernel(&a), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guest_kernel),
        cmocka_unit_test(test_conversions),
        cmocka_unit_test(test_kseg0_cacheability_follows_k0),
        cmocka_unit_test(test_mapped_uses_current_asid),
        cmocka_unit_test(test_asid_plan_disjoint),
        cmocka_unit_test(test_asid_plan_values),
    };
    return GOLDEN_GROUP("hv_vmap", rows, run_classify, tests);
}
