/* The hypervisor's guest TLB (roms/hv/gtlb.c), on the host.
 *
 * Expected values are worked out by hand from MIPS32 Vol. III section 4.9 (matching: VPN2
 * above the page pair, ASID or G; the bit above the page offset picks EntryLo0/1) and the
 * TLBP/TLBR/TLBWI/TLBWR pages of Vol. II, never computed with the formulas under test.
 * Lookups are a golden table, one cmocka test per row, against one fixed TLB. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "gtlb.h"
#include "hv_unit.h"

#define PM_4K   0x00000000u
#define PM_16K  0x00006000u
#define PM_1M   0x001FE000u
#define PM_16M  0x01FFE000u
#define PM_256M 0x1FFFE000u

#define LO(pfn, flags) (((uint32_t)(pfn) << 6) | (flags))
#define C3 (3u << 3)                /* cacheable noncoherent */
#define C2 (2u << 3)                /* uncached */
#define V GTLB_ENTRYLO_V
#define D GTLB_ENTRYLO_D
#define G GTLB_ENTRYLO_G

/* The TLB every lookup row runs against. */
static void golden_tlb(gtlb_t *t)
{
    gtlb_reset(t);
    /* 4 KiB pair at 0x00400000 for ASID 5: even page RW cached, odd page read-only. */
    gtlb_put(t, 3, PM_4K, 0x00400005, LO(0x12345, C3 | V | D), LO(0x00ABC, C3 | V));
    /* 16 KiB pair at 0x10000000, ASID 7: even valid, odd invalid. */
    gtlb_put(t, 4, PM_16K, 0x10000007, LO(0x02000, C2 | V | D), LO(0x02004, D));
    /* 1 MiB global pair at 0xC0000000 (guest kseg2): PFNs of 1 MiB-aligned pages. */
    gtlb_put(t, 5, PM_1M, 0xC0000009, LO(0x01000, C3 | V | D | G), LO(0x01100, C3 | V | G));
    /* 16 MiB pair at 0x20000000, ASID 5; the PFN's low bits under the mask are ignored. */
    gtlb_put(t, 15, PM_16M, 0x20000005, LO(0x03000, C3 | V | D), LO(0x04FFF, C3 | V | D));
    /* G on one page only: not global, the entry belongs to ASID 2. */
    gtlb_put(t, 0, PM_4K, 0x7FFFE002, LO(0x00777, C3 | V | D | G), LO(0x00778, C3 | V | D));
}

typedef struct lookup_row {
    const char *name;
    uint32_t va;
    uint8_t asid;
    bool store;
    enum gtlb_kind kind;
    int index;
    uint32_t gpa;           /* HIT only */
    uint8_t cca;
    bool dirty, global;
    uint32_t offset_mask;
} lookup_row_t;

#define HIT(i, pa, c, d, g, om) .kind = GTLB_HIT, .index = (i), .gpa = (pa), .cca = (c), \
                                .dirty = (d), .global = (g), .offset_mask = (om)
#define MISS .kind = GTLB_REFILL, .index = -1

static const lookup_row_t lookups[] = {
    { "4k_even_first", 0x00400000, 5, false, HIT(3, 0x12345000, 3, true, false, 0xFFF) },
    { "4k_even_last", 0x00400FFF, 5, true, HIT(3, 0x12345FFF, 3, true, false, 0xFFF) },
    { "4k_odd_load", 0x00401ABC, 5, false, HIT(3, 0x00ABCABC, 3, false, false, 0xFFF) },
    { "4k_odd_store_modified", 0x00401ABC, 5, true, .kind = GTLB_MODIFIED, .index = 3 },
    { "4k_other_asid", 0x00400000, 6, false, MISS },
    { "4k_below_pair", 0x003FFFFF, 5, false, MISS },
    { "4k_above_pair", 0x00402000, 5, false, MISS },
    { "16k_even", 0x10003FFC, 7, true, HIT(4, 0x02003FFC, 2, true, false, 0x3FFF) },
    { "16k_odd_invalid", 0x10004000, 7, false, .kind = GTLB_INVALID, .index = 4 },
    /* Invalid outranks Modified: V is checked first. */
    { "16k_odd_invalid_store", 0x10007FFF, 7, true, .kind = GTLB_INVALID, .index = 4 },
    { "16k_end", 0x10008000, 7, false, MISS },
    { "1m_global_even_any_asid", 0xC0012345, 200, true,
      HIT(5, 0x01012345, 3, true, true, 0xFFFFF) },
    { "1m_global_odd", 0xC01FFFFF, 0, false, HIT(5, 0x011FFFFF, 3, false, true, 0xFFFFF) },
    { "1m_global_odd_store", 0xC0100000, 9, true, .kind = GTLB_MODIFIED, .index = 5 },
    { "1m_past_pair", 0xC0200000, 9, false, MISS },
    { "16m_even", 0x20ABCDEF, 5, false, HIT(15, 0x03ABCDEF, 3, true, false, 0xFFFFFF) },
    /* PFN 0x04FFF is 0x04FFF000: the 16 MiB page drops the low 24 bits, 0x04000000. */
    { "16m_odd_pfn_low_bits_ignored", 0x21000010, 5, true,
      HIT(15, 0x04000010, 3, true, false, 0xFFFFFF) },
    { "16m_other_asid", 0x20ABCDEF, 4, false, MISS },
    { "half_global_is_not_global", 0x7FFFE000, 2, false,
      HIT(0, 0x00777000, 3, true, false, 0xFFF) },
    { "half_global_other_asid", 0x7FFFF000, 3, false, MISS },
    /* gtlb_reset's entries sit in kseg0, where the guest never looks up: invalid. */
    { "reset_entry_in_kseg0_invalid", 0x80002000, 0, false, .kind = GTLB_INVALID,
      .index = 1 },
};

static void run_lookup(void **state)
{
    const lookup_row_t *row = *state;
    gtlb_t t;
    golden_tlb(&t);
    gtlb_result_t r = gtlb_lookup(&t, row->va, row->asid, row->store);
    if (r.kind != row->kind || r.index != row->index)
        fail_msg("%s: kind %d index %d, expected %d and %d", row->name, r.kind, r.index,
                 row->kind, row->index);
    if (row->kind != GTLB_HIT)
        return;
    if (r.gpa != row->gpa || r.cca != row->cca || r.dirty != row->dirty ||
        r.global != row->global || r.offset_mask != row->offset_mask)
        fail_msg("%s: gpa 0x%08x cca %u dirty %d global %d mask 0x%x", row->name, r.gpa,
                 r.cca, r.dirty, r.global, r.offset_mask);
}

/* ---- Register-level operations ---------------------------------------------------- */

static void test_reset(void **state)
{
    (void)state;
    gtlb_t t;
    t.random = 3;
    t.wired = 9;
    t.entryhi = 0x12345678;
    t.entry[7].entrylo[0] = LO(1, V);
    gtlb_reset(&t);
    assert_int_equal(t.random, GTLB_ENTRIES - 1);
    assert_int_equal(t.wired, 0);
    assert_int_equal(t.entryhi, 0);
    for (uint32_t i = 0; i < GTLB_ENTRIES; i++) {
        gtlb_span_t s = gtlb_entry_span(&t.entry[i]);
        assert_false(s.valid);
        assert_int_equal(s.vaddr, 0x80000000u + i * 0x2000u);
    }
    /* Nothing in kuseg or kseg2 translates. */
    assert_int_equal(gtlb_lookup(&t, 0x00000000, 0, false).kind, GTLB_REFILL);
    assert_int_equal(gtlb_lookup(&t, 0xC0000000, 0, false).kind, GTLB_REFILL);
}

static void test_pagemask_normalised(void **state)
{
    (void)state;
    static const uint32_t cases[][2] = {
        { 0x00000000, PM_4K },
        { 0x00000FFF, PM_4K },          /* below bit 13: not part of Mask */
        { 0x00006000, PM_16K },
        { 0x00002000, PM_16K },         /* half a pair rounds up */
        { 0x00004000, PM_16K },
        { 0x0001E000, 0x0001E000 },     /* 64 KiB */
        { 0x00008000, 0x0001E000 },
        { 0x001FE000, PM_1M },
        { 0x00100000, PM_1M },          /* the top pair alone */
        { 0x00106000, PM_1M },          /* holes filled */
        { 0x01FFE000, PM_16M },
        { 0x1FFFE000, PM_256M },
        { 0xFFFFFFFF, PM_256M },        /* bits 31:29 are not Mask */
        { 0xE0000000, PM_4K },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (gtlb_pagemask(cases[i][0]) != cases[i][1])
            fail_msg("PageMask 0x%08x -> 0x%08x, expected 0x%08x", cases[i][0],
                     gtlb_pagemask(cases[i][0]), cases[i][1]);
}

static void test_mtc0_helpers(void **state)
{
    (void)state;
    gtlb_t t;
    gtlb_reset(&t);
    /* Index keeps only the entry bits; P is read-only and survives. */
    gtlb_write_index(&t, 0xFFFFFFF5);
    assert_int_equal(t.index, 5);
    t.index |= GTLB_INDEX_P;
    gtlb_write_index(&t, 0x22);
    assert_int_equal(t.index, GTLB_INDEX_P | 2);
    /* Wired: entry bits only, and Random restarts at the top. */
    t.random = 7;
    gtlb_write_wired(&t, 0x13);
    assert_int_equal(t.wired, 3);
    assert_int_equal(t.random, GTLB_ENTRIES - 1);
    /* Context: PTEBase writable, BadVPN2 kept. */
    t.context = 0x12345670;
    gtlb_write_context(&t, 0xABCDEFFF);
    assert_int_equal(t.context, 0xABB45670);
}

static void test_tlbwi_tlbr_round_trip(void **state)
{
    (void)state;
    gtlb_t t;
    gtlb_reset(&t);
    /* VPN2 bits under a 16 KiB mask, EntryHi bits 12:8 and EntryLo bits 31:26 are not
     * kept; G set in both EntryLos makes the entry global and TLBR shows it in both. */
    t.index = 9;
    t.pagemask = PM_16K;
    t.entryhi = 0x12347F42;
    t.entrylo0 = 0xFC000000u | LO(0x11111, C3 | V | D | G);
    t.entrylo1 = LO(0x22222, C2 | V | G);
    assert_int_equal(gtlb_tlbwi(&t, NULL), GTLB_WRITTEN);
    assert_int_equal(t.entry[9].entryhi, 0x12340042);
    assert_true(t.entry[9].global);
    t.pagemask = t.entryhi = t.entrylo0 = t.entrylo1 = 0;
    gtlb_tlbr(&t);
    assert_int_equal(t.pagemask, PM_16K);
    assert_int_equal(t.entryhi, 0x12340042);
    assert_int_equal(t.entrylo0, LO(0x11111, C3 | V | D | G));
    assert_int_equal(t.entrylo1, LO(0x22222, C2 | V | G));
    /* G in one EntryLo only: not global, and TLBR shows G in neither. */
    gtlb_write_index(&t, 10);
    t.entryhi = 0x00400001;
    t.pagemask = 0;
    t.entrylo0 = LO(1, V | G);
    t.entrylo1 = LO(2, V);
    assert_int_equal(gtlb_tlbwi(&t, NULL), GTLB_WRITTEN);
    gtlb_tlbr(&t);
    assert_false(t.entry[10].global);
    assert_int_equal(t.entrylo0, LO(1, V));
    assert_int_equal(t.entrylo1, LO(2, V));
    /* TLBR loads the entry's ASID into EntryHi. */
    assert_int_equal(t.entryhi & GTLB_ENTRYHI_ASID, 1);
}

static void test_tlbwi_index_modulo(void **state)
{
    (void)state;
    gtlb_t t;
    gtlb_reset(&t);
    /* Even a raw out-of-range Index (bypassing MTC0's mask) writes entry Index mod N. */
    t.index = GTLB_INDEX_P | (GTLB_ENTRIES + 6);
    t.entryhi = 0x00600000;
    t.entrylo0 = LO(7, V);
    t.entrylo1 = 0;
    assert_int_equal(gtlb_tlbwi(&t, NULL), GTLB_WRITTEN);
    assert_int_equal(t.entry[6].entryhi, 0x00600000);
    assert_int_equal(gtlb_lookup(&t, 0x00600010, 0, false).index, 6);
}

/* TLBP steps in order on the golden TLB: EntryHi, and Index after. A miss keeps the entry
 * bits (here the 4 from the step before) and sets P; the next hit clears P. */
static void test_tlbp(void **state)
{
    (void)state;
    static const struct { uint32_t entryhi, index; } steps[] = {
        { 0x00400005, 3 },                  /* exact VPN2 and ASID */
        { 0x00401005, 3 },                  /* the odd page names the same pair */
        { 0x20FFE005, 15 },                 /* any VA inside a 16 MiB page */
        { 0xC01FE0FF, 5 },                  /* global: any ASID */
        { 0x10000007, 4 },
        { 0x00400006, GTLB_INDEX_P | 4 },   /* another ASID: miss */
        { 0x7FFFE003, GTLB_INDEX_P | 4 },   /* G in one EntryLo only: not global */
        { 0x10000007, 4 },
    };
    gtlb_t t;
    golden_tlb(&t);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        t.entryhi = steps[i].entryhi;
        gtlb_tlbp(&t);
        if (t.index != steps[i].index)
            fail_msg("TLBP of 0x%08x: Index 0x%08x, expected 0x%08x", steps[i].entryhi,
                     t.index, steps[i].index);
    }
}

static void test_tlbwr_countdown(void **state)
{
    (void)state;
    gtlb_t t;
    gtlb_reset(&t);
    gtlb_write_wired(&t, 12);
    /* 15, 14, 13, 12, then round again: each write lands in the entry Random named. */
    static const uint32_t expect[] = { 15, 14, 13, 12, 15, 14 };
    for (uint32_t i = 0; i < 6; i++) {
        assert_int_equal(t.random, expect[i]);
        t.entryhi = 0x01000000u + i * 0x2000u;
        t.entrylo0 = LO(0x100 + i, V);
        t.entrylo1 = 0;
        t.pagemask = 0;
        assert_int_equal(gtlb_tlbwr(&t, NULL), GTLB_WRITTEN);
        assert_int_equal(t.entry[expect[i]].entryhi, 0x01000000u + i * 0x2000u);
    }
    /* The wired entries were never touched. */
    for (uint32_t i = 0; i < 12; i++)
        assert_int_equal(t.entry[i].entryhi, 0x80000000u + i * 0x2000u);
    /* Wired = N - 1: Random stays at N - 1. */
    gtlb_write_wired(&t, GTLB_ENTRIES - 1);
    for (int i = 0; i < 3; i++) {
        t.entryhi = 0x02000000u + (uint32_t)i * 0x2000u;
        assert_int_equal(gtlb_tlbwr(&t, NULL), GTLB_WRITTEN);
        assert_int_equal(t.random, GTLB_ENTRIES - 1);
    }
}

static void test_evicted_span(void **state)
{
    (void)state;
    gtlb_t t;
    golden_tlb(&t);
    gtlb_span_t s = { 0 };
    /* Overwrite the 1 MiB global pair: its 2 MiB span is reported. */
    gtlb_write_index(&t, 5);
    t.entryhi = 0x00800000;
    t.pagemask = 0;
    t.entrylo0 = t.entrylo1 = 0;
    assert_int_equal(gtlb_tlbwi(&t, &s), GTLB_WRITTEN);
    assert_int_equal(s.vaddr, 0xC0000000);
    assert_int_equal(s.size, 0x00200000);
    assert_true(s.global);
    assert_true(s.valid);
    /* Overwriting that entry reports it, though invalid: no shadow entry came from it. */
    gtlb_write_index(&t, 5);
    t.entryhi = 0x00900000;
    assert_int_equal(gtlb_tlbwi(&t, &s), GTLB_WRITTEN);
    assert_int_equal(s.vaddr, 0x00800000);
    assert_int_equal(s.size, 0x2000);
    assert_false(s.valid);
    t.entryhi = 0x00A00000;
    assert_int_equal(gtlb_tlbwr(&t, &s), GTLB_WRITTEN);
    assert_int_equal(s.vaddr, 0x20000000);
    assert_int_equal(s.size, 0x02000000);
    assert_int_equal(s.asid, 5);
    assert_false(s.global);
    /* The largest page: 2 x 256 MiB. */
    gtlb_entry_t big = { .pagemask = PM_256M, .entryhi = 0xE0000000 };
    assert_int_equal(gtlb_entry_span(&big).size, 0x20000000);
}

static void test_machine_check(void **state)
{
    (void)state;
    gtlb_t t;
    golden_tlb(&t);
    gtlb_entry_t before = t.entry[8];
    uint32_t random = t.random;
    gtlb_span_t s = { .vaddr = 0x1234 };
    /* A 4 KiB pair inside entry 15's 16 MiB page, same ASID: refused, nothing moves. */
    gtlb_write_index(&t, 8);
    t.pagemask = 0;
    t.entryhi = 0x20400005;
    t.entrylo0 = LO(9, V);
    t.entrylo1 = 0;
    assert_int_equal(gtlb_tlbwi(&t, &s), GTLB_MACHINE_CHECK);
    assert_memory_equal(&t.entry[8], &before, sizeof(before));
    assert_int_equal(s.vaddr, 0x1234);
    /* TLBWR (to entry 15) of a pair inside entry 3: refused, Random not moved. */
    t.entryhi = 0x00401005;
    assert_int_equal(gtlb_tlbwr(&t, NULL), GTLB_MACHINE_CHECK);
    assert_int_equal(t.random, random);
    assert_int_equal(t.entry[15].entryhi, 0x20000005);
    /* Another ASID does not clash; global does. */
    t.entryhi = 0x20400006;
    assert_int_equal(gtlb_tlbwi(&t, NULL), GTLB_WRITTEN);
    gtlb_write_index(&t, 9);
    t.entryhi = 0xC0100001;             /* inside the global 1 MiB pair */
    assert_int_equal(gtlb_tlbwi(&t, NULL), GTLB_MACHINE_CHECK);
    /* An invalid new entry never clashes, and rewriting the same slot is no clash. */
    t.entrylo0 = 0;
    assert_int_equal(gtlb_tlbwi(&t, NULL), GTLB_WRITTEN);
    gtlb_write_index(&t, 5);
    t.pagemask = PM_1M;
    t.entryhi = 0xC0000000;
    t.entrylo0 = LO(0x01000, V | G);
    t.entrylo1 = LO(0x01100, V | G);
    assert_int_equal(gtlb_tlbwi(&t, NULL), GTLB_WRITTEN);
}

static void test_fault_registers(void **state)
{
    (void)state;
    gtlb_t t;
    gtlb_reset(&t);
    t.entryhi = 0x0040003C;             /* guest ASID 0x3C */
    t.context = 0xFF812340;             /* PTEBase 0xFF800000, stale BadVPN2 */
    /* VA 0xC0123456: VPN2 = VA 31:13 = 0x60091, BadVPN2 = that at bits 22:4. */
    gtlb_fault_t f = gtlb_fault(&t, 0xC0123456);
    assert_int_equal(f.badvaddr, 0xC0123456);
    assert_int_equal(f.entryhi, 0xC012203C);
    assert_int_equal(f.context, 0xFFE00910);
    assert_int_equal(gtlb_context(0x00000000, 0xFFFFFFFF), 0x007FFFF0);
    assert_int_equal(gtlb_context(0x12345678, 0x00001FFF), 0x12000000);
    assert_int_equal(gtlb_context(0x00800000, 0x00002000), 0x00800010);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_pagemask_normalised),
        cmocka_unit_test(test_mtc0_helpers),
        cmocka_unit_test(test_tlbwi_tlbr_round_trip),
        cmocka_unit_test(test_tlbwi_index_modulo),
        cmocka_unit_test(test_tlbp),
        cmocka_unit_test(test_tlbwr_countdown),
        cmocka_unit_test(test_evicted_span),
        cmocka_unit_test(test_machine_check),
        cmocka_unit_test(test_fault_registers),
    };
    return GOLDEN_GROUP("hv_gtlb", lookups, run_lookup, tests);
}
