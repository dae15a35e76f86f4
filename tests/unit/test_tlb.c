/* The architectural TLB (src/mmu/tlb.c) and the TLB instructions through the CPU.
 *
 * Matching and translation follow MIPS32 Vol. III section 4.9 ("TLB address translation"):
 * an entry matches when VPN2 agrees above the page-pair size and the ASID agrees or G is
 * set; the bit just above the page offset picks EntryLo0 (even) or EntryLo1 (odd); the
 * physical address is the PFN with its low bits under the page mask dropped, joined to
 * the offset. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "unit.h"

/* Page masks (PageMask register values). */
#define PM_4K   0x00000000u
#define PM_16K  0x00006000u
#define PM_1M   0x001FE000u
#define PM_16M  0x01FFE000u

#define LO(pfn, flags) (((uint32_t)(pfn) << 6) | (flags))
#define LO_CACHED (3u << 3)         /* C = 3, cacheable noncoherent */
#define VD (ENTRYLO_V | ENTRYLO_D)

/* Fills every entry with a distinct, never-looked-up VPN2 in kseg0 (as Linux does) and
 * both pages invalid. */
static void tlb_clear(tlb_entry_t *tlb)
{
    for (int i = 0; i < TLB_ENTRIES; i++)
        tlb[i] = (tlb_entry_t){ .entryhi = 0x80000000u + ((uint32_t)i << 13) };
}

static tlb_entry_t entry(uint32_t pagemask, uint32_t vpn2, uint8_t asid, uint32_t lo0,
                         uint32_t lo1, bool global)
{
    return (tlb_entry_t){ .pagemask = pagemask, .entryhi = vpn2 | asid,
                          .entrylo = { lo0, lo1 }, .global = global };
}

/* Looks up and checks the result, the physical address on a hit and the index. */
static void expect_lookup(const tlb_entry_t *tlb, uint32_t vaddr, uint8_t asid, bool write,
                          enum tlb_result result, uint32_t paddr, int index)
{
    uint32_t pa = 0xDEADBEEF;
    int idx = -2;
    enum tlb_result r = tlb_lookup(tlb, vaddr, asid, write, &pa, &idx);
    if (r != result)
        fail_msg("0x%08x asid %u %s: result %d, expected %d", vaddr, asid,
                 write ? "write" : "read", r, result);
    if (result == TLB_HIT && pa != paddr)
        fail_msg("0x%08x: paddr 0x%08x, expected 0x%08x", vaddr, pa, paddr);
    if (idx != index)
        fail_msg("0x%08x: index %d, expected %d", vaddr, idx, index);
}

static void test_lookup_4k(void **state)
{
    (void)state;
    tlb_entry_t tlb[TLB_ENTRIES];
    tlb_clear(tlb);
    tlb[3] = entry(PM_4K, 0x00400000, 5, LO(0x12345, LO_CACHED | VD), LO(0x00ABC, ENTRYLO_V),
                   false);
    /* Even page: VA bit 12 clear. */
    expect_lookup(tlb, 0x00400000, 5, false, TLB_HIT, 0x12345000, 3);
    expect_lookup(tlb, 0x00400123, 5, false, TLB_HIT, 0x12345123, 3);
    expect_lookup(tlb, 0x00400FFF, 5, true, TLB_HIT, 0x12345FFF, 3);
    /* Odd page: VA bit 12 set. */
    expect_lookup(tlb, 0x00401000, 5, false, TLB_HIT, 0x00ABC000, 3);
    expect_lookup(tlb, 0x00401FFC, 5, false, TLB_HIT, 0x00ABCFFC, 3);
    /* D = 0: reads hit, writes are Modified, and still name the entry. */
    expect_lookup(tlb, 0x00401FFC, 5, true, TLB_MODIFIED, 0, 3);
    /* Outside the pair, or another ASID: miss. */
    expect_lookup(tlb, 0x00402000, 5, false, TLB_MISS, 0, -1);
    expect_lookup(tlb, 0x003FFFFF, 5, false, TLB_MISS, 0, -1);
    expect_lookup(tlb, 0x00400000, 6, false, TLB_MISS, 0, -1);
    /* The index pointer is optional. */
    uint32_t pa = 0;
    assert_int_equal(tlb_lookup(tlb, 0x00400010, 5, false, &pa, NULL), TLB_HIT);
    assert_int_equal(pa, 0x12345010);
}

static void test_lookup_16k(void **state)
{
    (void)state;
    tlb_entry_t tlb[TLB_ENTRIES];
    tlb_clear(tlb);
    /* A pair of 16 KiB pages covers 32 KiB; VA bit 14 picks the page. */
    tlb[0] = entry(PM_16K, 0x10008000, 1, LO(0x00004, VD), LO(0x00010, VD), false);
    expect_lookup(tlb, 0x10008000, 1, false, TLB_HIT, 0x00004000, 0);
    expect_lookup(tlb, 0x10009234, 1, false, TLB_HIT, 0x00005234, 0);
    expect_lookup(tlb, 0x1000BFFC, 1, false, TLB_HIT, 0x00007FFC, 0);
    expect_lookup(tlb, 0x1000C000, 1, false, TLB_HIT, 0x00010000, 0);
    expect_lookup(tlb, 0x1000FFFC, 1, true, TLB_HIT, 0x00013FFC, 0);
    expect_lookup(tlb, 0x10010000, 1, false, TLB_MISS, 0, -1);
    expect_lookup(tlb, 0x10007FFC, 1, false, TLB_MISS, 0, -1);
    /* PFN bits below the page size are ignored: PFN 0x00005 acts as 0x00004. */
    tlb[0].entrylo[0] = LO(0x00005, VD);
    expect_lookup(tlb, 0x10009234, 1, false, TLB_HIT, 0x00005234, 0);
    expect_lookup(tlb, 0x10008010, 1, false, TLB_HIT, 0x00004010, 0);
}

static void test_lookup_1m(void **state)
{
    (void)state;
    tlb_entry_t tlb[TLB_ENTRIES];
    tlb_clear(tlb);
    /* 1 MiB pages, 2 MiB pair; VA bit 20 picks the page. */
    tlb[7] = entry(PM_1M, 0x00200000, 9, LO(0x00100, VD), LO(0x00300, ENTRYLO_V), false);
    expect_lookup(tlb, 0x00234567, 9, false, TLB_HIT, 0x00134567, 7);
    expect_lookup(tlb, 0x002FFFFF, 9, false, TLB_HIT, 0x001FFFFF, 7);
    expect_lookup(tlb, 0x00312345, 9, false, TLB_HIT, 0x00312345, 7);
    expect_lookup(tlb, 0x00312345, 9, true, TLB_MODIFIED, 0, 7);
    expect_lookup(tlb, 0x00400000, 9, false, TLB_MISS, 0, -1);
    expect_lookup(tlb, 0x001FFFFF, 9, false, TLB_MISS, 0, -1);
}

static void test_lookup_16m(void **state)
{
    (void)state;
    tlb_entry_t tlb[TLB_ENTRIES];
    tlb_clear(tlb);
    /* 16 MiB pages, 32 MiB pair; VA bit 24 picks the page. */
    tlb[15] = entry(PM_16M, 0x04000000, 0, LO(0x01000, VD), LO(0x03000, VD), true);
    expect_lookup(tlb, 0x04ABCDEF, 0, false, TLB_HIT, 0x01ABCDEF, 15);
    expect_lookup(tlb, 0x05123456, 0, false, TLB_HIT, 0x03123456, 15);
    expect_lookup(tlb, 0x05FFFFFF, 77, true, TLB_HIT, 0x03FFFFFF, 15);   /* G: any ASID */
    expect_lookup(tlb, 0x06000000, 0, false, TLB_MISS, 0, -1);
    expect_lookup(tlb, 0x03FFFFFF, 0, false, TLB_MISS, 0, -1);
    /* PFN 0x01234 in a 16 MiB page: its low 12 bits are dropped. */
    tlb[15].entrylo[0] = LO(0x01234, VD);
    expect_lookup(tlb, 0x04000010, 0, false, TLB_HIT, 0x01000010, 15);
}

static void test_asid_and_global(void **state)
{
    (void)state;
    tlb_entry_t tlb[TLB_ENTRIES];
    tlb_clear(tlb);
    tlb[2] = entry(PM_4K, 0x00010000, 0x20, LO(0x00100, VD), LO(0x00101, VD), false);
    tlb[4] = entry(PM_4K, 0x00020000, 0x20, LO(0x00200, VD), LO(0x00201, VD), true);
    expect_lookup(tlb, 0x00010000, 0x20, false, TLB_HIT, 0x00100000, 2);
    expect_lookup(tlb, 0x00010000, 0x21, false, TLB_MISS, 0, -1);
    expect_lookup(tlb, 0x00010000, 0x00, false, TLB_MISS, 0, -1);
    expect_lookup(tlb, 0x00020000, 0x20, false, TLB_HIT, 0x00200000, 4);
    expect_lookup(tlb, 0x00020000, 0xFF, false, TLB_HIT, 0x00200000, 4);
    expect_lookup(tlb, 0x00021000, 0x00, false, TLB_HIT, 0x00201000, 4);
    /* The same VPN2 for two ASIDs: each address space sees its own page. */
    tlb[5] = entry(PM_4K, 0x00010000, 0x21, LO(0x00500, VD), LO(0x00501, VD), false);
    expect_lookup(tlb, 0x00010000, 0x21, false, TLB_HIT, 0x00500000, 5);
    expect_lookup(tlb, 0x00010000, 0x20, false, TLB_HIT, 0x00100000, 2);
}

/* V = 0 in the selected half: Invalid, whatever the other half holds. */
static void test_invalid(void **state)
{
    (void)state;
    tlb_entry_t tlb[TLB_ENTRIES];
    tlb_clear(tlb);
    tlb[1] = entry(PM_4K, 0x7FFFE000, 3, LO(0x00100, ENTRYLO_D), LO(0x00101, VD), false);
    expect_lookup(tlb, 0x7FFFE000, 3, false, TLB_INVALID, 0, 1);
    expect_lookup(tlb, 0x7FFFE000, 3, true, TLB_INVALID, 0, 1);
    expect_lookup(tlb, 0x7FFFF000, 3, false, TLB_HIT, 0x00101000, 1);
    tlb[1].entrylo[1] = 0;
    expect_lookup(tlb, 0x7FFFFFFC, 3, true, TLB_INVALID, 0, 1);
}

static void test_probe(void **state)
{
    (void)state;
    tlb_entry_t tlb[TLB_ENTRIES];
    tlb_clear(tlb);
    tlb[6] = entry(PM_4K, 0x00400000, 5, LO(0x00100, VD), 0, false);
    tlb[9] = entry(PM_16M, 0x04000000, 7, 0, 0, false);            /* invalid: still probed */
    tlb[11] = entry(PM_4K, 0x00800000, 0, LO(0x00200, VD), 0, true);
    assert_int_equal(tlb_probe(tlb, 0x00400005), 6);
    assert_int_equal(tlb_probe(tlb, 0x00401005), 6);              /* VPN2: bit 12 ignored */
    assert_int_equal(tlb_probe(tlb, 0x00400006), -1);             /* other ASID */
    assert_int_equal(tlb_probe(tlb, 0x00402005), -1);
    assert_int_equal(tlb_probe(tlb, 0x05FFE007), 9);              /* inside the 32 MiB pair */
    assert_int_equal(tlb_probe(tlb, 0x06000007), -1);
    assert_int_equal(tlb_probe(tlb, 0x008000FF), 11);             /* G matches any ASID */
    assert_int_equal(tlb_probe(tlb, 0x00800000), 11);
    assert_int_equal(tlb_probe(tlb, 0x00801F00 | 0x42), 11);      /* bits 12:8 ignored */
}

static void test_overlaps(void **state)
{
    (void)state;
    tlb_entry_t tlb[TLB_ENTRIES];
    tlb_clear(tlb);
    tlb[2] = entry(PM_4K, 0x00400000, 5, LO(0x00100, VD), 0, false);
    tlb[3] = entry(PM_4K, 0x00600000, 5, 0, 0, false);            /* both halves invalid */
    tlb[4] = entry(PM_4K, 0x00800000, 5, LO(0x00300, VD), 0, true);

    tlb_entry_t dup = entry(PM_4K, 0x00400000, 5, 0, LO(0x00101, VD), false);
    assert_true(tlb_overlaps(tlb, &dup, 0));
    assert_true(tlb_overlaps(tlb, &dup, -1));
    assert_false(tlb_overlaps(tlb, &dup, 2));                      /* rewriting entry 2 itself */
    tlb_entry_t other_asid = entry(PM_4K, 0x00400000, 6, LO(0x00101, VD), 0, false);
    assert_false(tlb_overlaps(tlb, &other_asid, 0));
    tlb_entry_t global = entry(PM_4K, 0x00400000, 6, LO(0x00101, VD), 0, true);
    assert_true(tlb_overlaps(tlb, &global, 0));                     /* G matches ASID 5 too */
    tlb_entry_t vs_global = entry(PM_4K, 0x00800000, 9, LO(0x00101, VD), 0, false);
    assert_true(tlb_overlaps(tlb, &vs_global, 0));                  /* entry 4 is global */
    tlb_entry_t invalid_dup = entry(PM_4K, 0x00400000, 5, 0, 0, false);
    assert_false(tlb_overlaps(tlb, &invalid_dup, 0));               /* the new one is invalid */
    tlb_entry_t over_invalid = entry(PM_4K, 0x00600000, 5, LO(0x00101, VD), 0, false);
    assert_false(tlb_overlaps(tlb, &over_invalid, 0));              /* the old one is invalid */
    /* A big page covering a small one overlaps it, whichever is written second. */
    tlb_entry_t big = entry(PM_16M, 0x00000000, 5, LO(0x01000, VD), LO(0x02000, VD), false);
    assert_true(tlb_overlaps(tlb, &big, 0));
    tlb_entry_t neighbour = entry(PM_4K, 0x00402000, 5, LO(0x00101, VD), 0, false);
    assert_false(tlb_overlaps(tlb, &neighbour, 0));
    tlb[8] = big;
    assert_true(tlb_overlaps(tlb, &neighbour, 0));
}

/* ---- Through the CPU ---------------------------------------------------------------------- */

enum { INDEX = 0, ENTRYLO0 = 2, ENTRYLO1 = 3, CONTEXT = 4, PAGEMASK = 5, BADVADDR = 8,
       ENTRYHI = 10, STATUS = 12 };

static int setup(void **state)
{
    *state = machine_new();
    return 0;
}

static int teardown(void **state)
{
    machine_free(*state);
    return 0;
}

/* Writes a TLB entry with `insn` (TLBWI or TLBWR), from kernel code at CODE_VA + 0x800. */
static void guest_tlb_write(machine_t *m, uint32_t insn, uint32_t pagemask, uint32_t entryhi,
                            uint32_t lo0, uint32_t lo1)
{
    cpu_t *cpu = m->cpu;
    cp0_write(cpu, PAGEMASK, 0, pagemask);
    cp0_write(cpu, ENTRYHI, 0, entryhi);
    cp0_write(cpu, ENTRYLO0, 0, lo0);
    cp0_write(cpu, ENTRYLO1, 0, lo1);
    uint32_t pc = cpu->pc;
    machine_poke(m, CODE_VA + 0x800, insn);
    cpu->pc = CODE_VA + 0x800;
    machine_step(m, 1);
    cpu->pc = pc;
}

static void guest_tlbwi(machine_t *m, unsigned index, uint32_t pagemask, uint32_t entryhi,
                        uint32_t lo0, uint32_t lo1)
{
    cp0_write(m->cpu, INDEX, 0, index);
    guest_tlb_write(m, TLBWI, pagemask, entryhi, lo0, lo1);
}

/* TLBWR of a 4 KiB pair: Wired = 15 leaves Random no other entry than 15. */
static void guest_tlbwr(machine_t *m, uint32_t entryhi, uint32_t lo0, uint32_t lo1)
{
    cp0_write(m->cpu, 6, 0, 15);                                    /* Wired */
    guest_tlb_write(m, TLBWR, PM_4K, entryhi, lo0, lo1);
}

static void test_tlbwi_tlbr_round_trip(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    const uint32_t lo0 = LO(0x12345, LO_CACHED | VD), lo1 = LO(0x0ABCD, (2u << 3) | ENTRYLO_V);
    guest_tlbwi(m, 3, PM_16K, 0x00408000 | 0x42, lo0, lo1);
    assert_int_equal(cpu->tlb[3].pagemask, PM_16K);

    /* Scramble the registers, then read the entry back with TLBR. */
    cp0_write(cpu, PAGEMASK, 0, 0);
    cp0_write(cpu, ENTRYHI, 0, 0x7777E011);
    cp0_write(cpu, ENTRYLO0, 0, 0x03FFFFFF);
    cp0_write(cpu, ENTRYLO1, 0, 0x03FFFFFF);
    cp0_write(cpu, INDEX, 0, 3);
    machine_poke(m, CODE_VA, TLBR);
    machine_step(m, 1);
    assert_int_equal(cp0_read(cpu, PAGEMASK, 0), PM_16K);
    assert_int_equal(cp0_read(cpu, ENTRYHI, 0), 0x00408042);
    assert_int_equal(cp0_read(cpu, ENTRYLO0, 0), lo0);
    assert_int_equal(cp0_read(cpu, ENTRYLO1, 0), lo1);
}

/* G is the AND of both EntryLo.G bits at write time and reads back in both (TLBR). */
static void test_tlbr_global_bit(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    guest_tlbwi(m, 4, PM_4K, 0x00500000, LO(0x00100, VD | ENTRYLO_G), LO(0x00101, VD));
    guest_tlbwi(m, 5, PM_4K, 0x00600000, LO(0x00200, VD | ENTRYLO_G),
                LO(0x00201, VD | ENTRYLO_G));
    cp0_write(cpu, INDEX, 0, 4);
    machine_poke(m, CODE_VA, TLBR);
    machine_step(m, 1);
    assert_int_equal(cp0_read(cpu, ENTRYLO0, 0), LO(0x00100, VD));
    assert_int_equal(cp0_read(cpu, ENTRYLO1, 0), LO(0x00101, VD));
    cp0_write(cpu, INDEX, 0, 5);
    cpu->pc = CODE_VA;
    machine_step(m, 1);
    assert_int_equal(cp0_read(cpu, ENTRYLO0, 0), LO(0x00200, VD | ENTRYLO_G));
    assert_int_equal(cp0_read(cpu, ENTRYLO1, 0), LO(0x00201, VD | ENTRYLO_G));
}

static void test_tlbp(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    guest_tlbwi(m, 9, PM_4K, 0x00700000 | 0x33, LO(0x00100, VD), 0);
    cp0_write(cpu, INDEX, 0, 2);
    cp0_write(cpu, ENTRYHI, 0, 0x00700000 | 0x33);
    machine_poke(m, CODE_VA, TLBP);
    machine_step(m, 1);
    assert_int_equal(cp0_read(cpu, INDEX, 0), 9);                  /* hit: P clear */
    cp0_write(cpu, ENTRYHI, 0, 0x00700000 | 0x34);                 /* other ASID: miss */
    cpu->pc = CODE_VA;
    machine_step(m, 1);
    assert_true(cp0_read(cpu, INDEX, 0) & 0x80000000u);
    cp0_write(cpu, ENTRYHI, 0, 0x00700000 | 0x33);                 /* a hit clears P again */
    cpu->pc = CODE_VA;
    machine_step(m, 1);
    assert_int_equal(cp0_read(cpu, INDEX, 0), 9);
}

/* A load through a TLB entry, then the entry rewritten to another frame: the next load
 * must use the new mapping, so a TLB write has to drop cached translations. */
static void test_tlb_write_flushes_translations(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    machine_poke(m, KSEG0 + 0x10000, 0x11111111);
    machine_poke(m, KSEG0 + 0x20000, 0x22222222);
    guest_tlbwi(m, 0, PM_4K, 0x00400000, LO(0x10, VD), 0);
    uint32_t code[] = { LW(2, 0, 4), LW(2, 0, 4) };
    machine_load(m, CODE_VA, code, 2);
    cpu->gpr[4] = 0x00400000;
    machine_step(m, 1);
    assert_int_equal(cpu->gpr[2], 0x11111111);
    guest_tlbwi(m, 0, PM_4K, 0x00400000, LO(0x20, VD), 0);
    machine_step(m, 1);
    assert_false(cpu->cp0.status & ST_EXL);
    assert_int_equal(cpu->gpr[2], 0x22222222);

    /* Stores too: the frame moves back, and the store must land in it. */
    machine_poke(m, CODE_VA + 8, SW(5, 0, 4));
    cpu->gpr[5] = 0x33333333;
    machine_step(m, 1);
    assert_int_equal(machine_peek(m, KSEG0 + 0x20000), 0x33333333);
    guest_tlbwi(m, 0, PM_4K, 0x00400000, LO(0x10, VD), 0);
    machine_poke(m, CODE_VA + 12, SW(5, 4, 4));
    machine_step(m, 1);
    assert_int_equal(machine_peek(m, KSEG0 + 0x10004), 0x33333333);
    assert_int_equal(machine_peek(m, KSEG0 + 0x20004), 0);
}

/* A TLB write drops exactly the translations of the entry it overwrites, whatever that
 * entry mapped: here index 2 held a 16 KiB pair, used through its second page, and is
 * rewritten to map somewhere else; the old page must now refill. An entry at another
 * index keeps translating. */
static void test_tlb_write_drops_the_overwritten_range(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    machine_poke(m, KSEG0 + 0x31000, 0x5A5A5A5A);
    machine_poke(m, KSEG0 + 0x10000, 0x11111111);
    guest_tlbwi(m, 2, PM_16K, 0x00800000, LO(0x20, VD), LO(0x30, VD));
    guest_tlbwi(m, 3, PM_4K, 0x00400000, LO(0x10, VD), 0);
    uint32_t code[] = { LW(2, 0, 4), LW(3, 0, 5), LW(2, 0, 4), LW(3, 0, 5) };
    machine_load(m, CODE_VA, code, 4);
    cpu->gpr[4] = 0x00805000;                   /* in the pair's second page */
    cpu->gpr[5] = 0x00400000;
    machine_step(m, 2);
    assert_int_equal(cpu->gpr[2], 0x5A5A5A5A);
    assert_int_equal(cpu->gpr[3], 0x11111111);
    guest_tlbwi(m, 2, PM_4K, 0x01000000, LO(0x20, VD), 0);
    cpu->gpr[2] = cpu->gpr[3] = 0;
    machine_step(m, 1);
    assert_int_equal(cause_exccode(cpu), EXC_TLBL);
    assert_int_equal(cpu->pc, REFILL_VECTOR);
    assert_int_equal(cpu->cp0.badvaddr, 0x00805000);
    cpu->cp0.status &= ~ST_EXL;
    cpu->pc = CODE_VA + 12;
    machine_step(m, 1);
    assert_int_equal(cpu->gpr[3], 0x11111111);
}

/* An access that hit once must fault after the entry is made invalid. */
static void test_tlb_write_invalidates(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    guest_tlbwi(m, 1, PM_4K, 0x00400000, LO(0x10, VD), 0);
    uint32_t code[] = { LW(2, 0, 4), LW(3, 0, 4) };
    machine_load(m, CODE_VA, code, 2);
    cpu->gpr[4] = 0x00400000;
    machine_step(m, 1);
    guest_tlbwi(m, 1, PM_4K, 0x00400000, LO(0x10, ENTRYLO_D), 0);   /* V = 0 */
    cpu->gpr[3] = 0xABCD;
    machine_step(m, 1);
    assert_int_equal(cause_exccode(cpu), EXC_TLBL);
    assert_int_equal(cpu->pc, EXC_VECTOR);                           /* not the refill vector */
    assert_int_equal(cpu->cp0.epc, CODE_VA + 4);
    assert_int_equal(cpu->gpr[3], 0xABCD);
}

/* Changing the ASID in EntryHi changes which entries match, at once. */
static void test_asid_change(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    machine_poke(m, KSEG0 + 0x10000, 0x11111111);
    machine_poke(m, KSEG0 + 0x20000, 0x22222222);
    guest_tlbwi(m, 0, PM_4K, 0x00400000 | 1, LO(0x10, VD), 0);
    guest_tlbwi(m, 1, PM_4K, 0x00400000 | 2, LO(0x20, VD), 0);
    cp0_write(cpu, ENTRYHI, 0, 1);
    uint32_t code[] = { LW(2, 0, 4), MTC0(6, ENTRYHI, 0), LW(3, 0, 4) };
    machine_load(m, CODE_VA, code, 3);
    cpu->gpr[4] = 0x00400000;
    cpu->gpr[6] = 2;
    machine_step(m, 3);
    assert_int_equal(cpu->gpr[2], 0x11111111);
    assert_int_equal(cpu->gpr[3], 0x22222222);
}

/* A miss with EXL = 0 takes the refill vector and fills BadVAddr, Context.BadVPN2 and
 * EntryHi.VPN2, keeping the ASID (Vol. III 6.2.11 "TLB Refill"). */
static void test_refill_exception(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    cp0_write(cpu, CONTEXT, 0, 0xFF800000);
    cp0_write(cpu, ENTRYHI, 0, 0x00000042);
    machine_poke(m, CODE_VA, SW(2, 0x0ABC, 4));
    cpu->gpr[4] = 0x12345000;
    machine_step(m, 1);
    assert_int_equal(cause_exccode(cpu), EXC_TLBS);
    assert_int_equal(cpu->pc, REFILL_VECTOR);
    assert_int_equal(cpu->cp0.epc, CODE_VA);
    assert_int_equal(cp0_read(cpu, BADVADDR, 0), 0x12345ABC);
    assert_int_equal(cp0_read(cpu, CONTEXT, 0), 0xFF800000 | ((0x12345ABCu >> 9) & 0x007FFFF0));
    assert_int_equal(cp0_read(cpu, ENTRYHI, 0), 0x12344000 | 0x42);
}

/* A store through a page with D = 0 raises TLB Modified (1), not a refill. */
static void test_modified_exception(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    guest_tlbwi(m, 2, PM_4K, 0x00400000, LO(0x10, ENTRYLO_V), 0);
    uint32_t code[] = { LW(3, 0, 4), SW(3, 0, 4) };
    machine_load(m, CODE_VA, code, 2);
    cpu->gpr[4] = 0x00400000;
    machine_step(m, 2);
    assert_int_equal(cause_exccode(cpu), EXC_MOD);
    assert_int_equal(cpu->pc, EXC_VECTOR);
    assert_int_equal(cpu->cp0.epc, CODE_VA + 4);
    assert_int_equal(cp0_read(cpu, BADVADDR, 0), 0x00400000);
}

/* Two valid entries for one address: the 24Kc takes a Machine Check on the write (and a
 * guest that avoids it, as Linux does, never sees one). */
static void test_duplicate_write_machine_check(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    guest_tlbwi(m, 0, PM_4K, 0x00400000, LO(0x10, VD), 0);
    guest_tlbwi(m, 1, PM_4K, 0x00400000, LO(0x20, VD), 0);
    assert_int_equal(cause_exccode(cpu), EXC_MCHECK);
    assert_true(cpu->cp0.status & (1u << 21));                      /* Status.TS */
    assert_int_equal(cpu->tlb[1].entrylo[0], 0);                    /* not written */
}

/* TLBWR writes the entry Random names; with Wired = 15 that can only be 15. */
static void test_tlbwr_uses_random(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    cp0_write(cpu, 6, 0, 15);                                      /* Wired */
    cp0_write(cpu, PAGEMASK, 0, 0);
    cp0_write(cpu, ENTRYHI, 0, 0x00900000 | 7);
    cp0_write(cpu, ENTRYLO0, 0, LO(0x00123, VD));
    cp0_write(cpu, ENTRYLO1, 0, 0);
    machine_poke(m, CODE_VA, TLBWR);
    machine_step(m, 1);
    assert_int_equal(cpu->tlb[15].entryhi, 0x00900007);
    assert_int_equal(cpu->tlb[15].entrylo[0], LO(0x00123, VD));
    for (int i = 0; i < 15; i++)
        assert_int_equal(cpu->tlb[i].entrylo[0], 0);
}

/* Runs the load at CODE_VA (LW $2, 0($4)) for `va`: true when it loaded, false when it took
 * an exception (which is then cleared). */
static bool load_at(machine_t *m, uint32_t va)
{
    cpu_t *cpu = m->cpu;
    machine_poke(m, CODE_VA, LW(2, 0, 4));
    cpu->pc = CODE_VA;
    cpu->gpr[4] = va;
    cpu->gpr[2] = 0;
    machine_step(m, 1);
    if (cpu->pc == CODE_VA + 4)
        return true;
    cpu->cp0.status &= ~ST_EXL;
    return false;
}

/* TLBWR replacing an entry leaves its translations as a shadow (as QEMU does: the page
 * tables still say the same), until TLBP finds no entry for the address. */
static void test_tlbwr_shadow_until_tlbp(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    machine_poke(m, KSEG0 + 0x10000, 0x11111111);
    guest_tlbwr(m, 0x00400000, LO(0x10, VD), 0);
    assert_true(load_at(m, 0x00400000));
    guest_tlbwr(m, 0x00800000, LO(0x20, VD), 0);           /* replaces it */
    assert_true(load_at(m, 0x00400000));                  /* the shadow translates */
    assert_int_equal(cpu->gpr[2], 0x11111111);

    cp0_write(cpu, ENTRYHI, 0, 0x00400000);
    machine_poke(m, CODE_VA + 0x800, TLBP);
    cpu->pc = CODE_VA + 0x800;
    machine_step(m, 1);
    assert_true(cp0_read(cpu, INDEX, 0) & 0x80000000u);   /* not in the TLB */
    assert_false(load_at(m, 0x00400000));                 /* and the shadow is gone */
    assert_int_equal(cause_exccode(cpu), EXC_TLBL);
    assert_int_equal(cpu->pc, REFILL_VECTOR);
    assert_int_equal(cpu->cp0.badvaddr, 0x00400000);
}

/* A new entry for a shadowed page wins: the software TLB never disagrees with the TLB. */
static void test_tlbwr_new_entry_replaces_shadow(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    machine_poke(m, KSEG0 + 0x10000, 0x11111111);
    machine_poke(m, KSEG0 + 0x20000, 0x22222222);
    guest_tlbwr(m, 0x00400000, LO(0x10, VD), 0);
    assert_true(load_at(m, 0x00400000));
    guest_tlbwr(m, 0x00800000, 0, 0);                     /* shadow of 0x00400000 -> 0x10 */
    guest_tlbwr(m, 0x00400000, LO(0x20, VD), 0);          /* the page, now in another frame */
    assert_true(load_at(m, 0x00400000));
    assert_int_equal(cpu->gpr[2], 0x22222222);
}

/* TLBWI (an entry the guest chose: a page table entry changed) and an ASID change drop
 * every shadow. */
static void test_tlbwi_and_asid_drop_shadows(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    guest_tlbwr(m, 0x00400000, LO(0x10, VD), 0);
    assert_true(load_at(m, 0x00400000));
    guest_tlbwr(m, 0x00800000, LO(0x20, VD), 0);
    guest_tlbwi(m, 3, PM_4K, 0x01000000, LO(0x30, VD), 0); /* elsewhere */
    assert_false(load_at(m, 0x00400000));
    assert_int_equal(cpu->pc, REFILL_VECTOR);

    guest_tlbwr(m, 0x00400000, LO(0x10, VD), 0);
    assert_true(load_at(m, 0x00400000));
    guest_tlbwr(m, 0x00800000, LO(0x20, VD), 0);
    assert_true(load_at(m, 0x00400000));                  /* shadowed */
    cp0_write(cpu, ENTRYHI, 0, 5);
    cp0_write(cpu, ENTRYHI, 0, 0);
    assert_false(load_at(m, 0x00400000));
    assert_int_equal(cpu->pc, REFILL_VECTOR);
}

/* User mode: kuseg through the TLB, everything from 0x80000000 up an Address Error with
 * BadVAddr (Vol. III 4.3); kernel translations cached for kseg0 must not leak into it. */
static void test_user_mode_segments(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    machine_poke(m, DATA_VA, 0x600DF00D);
    guest_tlbwi(m, 0, PM_4K, 0x00400000, LO(va_to_pa(CODE_VA) >> 12, VD), 0);
    guest_tlbwi(m, 1, PM_4K, 0x00600000, LO(va_to_pa(DATA_VA) >> 12, VD), 0);
    uint32_t code[] = { LW(2, 0, 4), LW(3, 0, 5), LW(6, 0, 4) };
    machine_load(m, CODE_VA, code, 3);
    cpu->gpr[4] = DATA_VA;
    cpu->gpr[5] = 0x00600000;
    machine_step(m, 1);                                /* kernel: kseg0 is fine */
    assert_int_equal(cpu->gpr[2], 0x600DF00D);

    cp0_write(cpu, STATUS, 0, 0x10);                   /* user */
    cpu->pc = 0x00400004;
    machine_step(m, 1);                                /* LW through the TLB */
    assert_int_equal(cpu->gpr[3], 0x600DF00D);
    cpu->gpr[6] = 0x1234;
    machine_step(m, 1);                                /* LW from kseg0 */
    assert_int_equal(cause_exccode(cpu), EXC_ADEL);
    assert_int_equal(cp0_read(cpu, BADVADDR, 0), DATA_VA);
    assert_int_equal(cpu->cp0.epc, 0x00400008);
    assert_int_equal(cpu->gpr[6], 0x1234);

    /* A store to kseg1 and a fetch from kseg0 fault the same way. */
    cp0_write(cpu, STATUS, 0, 0x10);
    machine_poke(m, CODE_VA + 12, SW(2, 0, 7));
    cpu->gpr[7] = 0xA0002000;
    cpu->pc = 0x0040000C;
    machine_step(m, 1);
    assert_int_equal(cause_exccode(cpu), EXC_ADES);
    assert_int_equal(cp0_read(cpu, BADVADDR, 0), 0xA0002000);
    assert_int_equal(machine_peek(m, DATA_VA), 0x600DF00D);
    cp0_write(cpu, STATUS, 0, 0x10);
    machine_poke(m, CODE_VA + 16, JR(4));
    cpu->pc = 0x00400010;
    machine_step(m, 3);
    assert_int_equal(cause_exccode(cpu), EXC_ADEL);
    assert_int_equal(cpu->cp0.epc, DATA_VA);
    assert_int_equal(cp0_read(cpu, BADVADDR, 0), DATA_VA);
}

/* With Status.ERL, kuseg is an unmapped, uncached window onto physical memory (Vol. III
 * 4.3.2; U-Boot relies on it). */
static void test_erl_kuseg_unmapped(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    machine_poke(m, DATA_VA, 0x0DDBA11u);
    cp0_write(cpu, STATUS, 0, ST_ERL);
    uint32_t code[] = { LW(2, 0, 4), SW(5, 4, 4) };
    machine_load(m, CODE_VA, code, 2);
    cpu->gpr[4] = va_to_pa(DATA_VA);
    cpu->gpr[5] = 0xFEEDBEEF;
    machine_step(m, 2);
    assert_false(cpu->cp0.status & ST_EXL);
    assert_int_equal(cpu->gpr[2], 0x0DDBA11u);
    assert_int_equal(machine_peek(m, DATA_VA + 4), 0xFEEDBEEF);
    /* Clearing ERL maps kuseg again: the same load now misses in the TLB. */
    cp0_write(cpu, STATUS, 0, 0);
    cpu->pc = CODE_VA;
    machine_step(m, 1);
    assert_int_equal(cause_exccode(cpu), EXC_TLBL);
    assert_int_equal(cpu->pc, REFILL_VECTOR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup_4k),
        cmocka_unit_test(test_lookup_16k),
        cmocka_unit_test(test_lookup_1m),
        cmocka_unit_test(test_lookup_16m),
        cmocka_unit_test(test_asid_and_global),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_overlaps),
        cmocka_unit_test_setup_teardown(test_tlbwi_tlbr_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tlbr_global_bit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tlbp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tlb_write_flushes_translations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tlb_write_drops_the_overwritten_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tlb_write_invalidates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_asid_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refill_exception, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modified_exception, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_write_machine_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tlbwr_uses_random, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tlbwr_shadow_until_tlbp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tlbwr_new_entry_replaces_shadow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tlbwi_and_asid_drop_shadows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_mode_segments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_erl_kuseg_unmapped, setup, teardown),
    };
    return cmocka_run_group_tests_name("tlb", tests, NULL, NULL);
}
