/* The guest TLB: the VCPU's software copy of a 24Kc-style MIPS32r2 joint TLB and the CP0
 * registers the TLB instructions work on (MIPS32 Vol. III section 4.9 and chapter 9, the
 * TLBP/TLBR/TLBWI/TLBWR pages of Vol. II).
 *
 * The guest programs it exactly as it would program a real TLB, with architectural
 * addresses: an entry for guest kseg2 holds VPN2 0xC0000000-ish, not the real address
 * the guest kernel runs at (vmap.h does that translation). Nothing here touches the host
 * TLB: the hypervisor fills its shadow entries from gtlb_lookup() and drops them when
 * gtlb_tlbwi()/gtlb_tlbwr() report the span of the entry they overwrote.
 *
 * Pure C on <stdint.h>/<stdbool.h>/<stddef.h>: built into the firmware and into the host
 * unit tests (tests/hv/test_gtlb.c). */
#ifndef HV_GTLB_H
#define HV_GTLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Entries, as on the 24Kc; the guest reads Config1.MMUSize = GTLB_ENTRIES - 1. A power of
 * two, so that the Index register has whole bits for it (see gtlb_tlbwi). */
#define GTLB_ENTRIES 16u
#define GTLB_INDEX_MASK (GTLB_ENTRIES - 1u)

/* Register fields (MIPS32 Vol. III, chapter 9). */
#define GTLB_INDEX_P        0x80000000u     /* Index.P: the last TLBP missed */
#define GTLB_ENTRYHI_VPN2   0xFFFFE000u
#define GTLB_ENTRYHI_ASID   0x000000FFu
#define GTLB_ENTRYHI_MASK   (GTLB_ENTRYHI_VPN2 | GTLB_ENTRYHI_ASID)
#define GTLB_PAGEMASK_MASK  0x1FFFE000u     /* Mask, bits 28:13: 4 KiB .. 256 MiB pages */
#define GTLB_ENTRYLO_G      0x00000001u
#define GTLB_ENTRYLO_V      0x00000002u
#define GTLB_ENTRYLO_D      0x00000004u
#define GTLB_ENTRYLO_C      0x00000038u     /* cache coherency attribute, bits 5:3 */
#define GTLB_ENTRYLO_PFN    0x03FFFFC0u     /* PFN bits 25:6: a 32-bit guest physical space */
#define GTLB_ENTRYLO_MASK   (GTLB_ENTRYLO_PFN | GTLB_ENTRYLO_C | GTLB_ENTRYLO_D | \
                             GTLB_ENTRYLO_V | GTLB_ENTRYLO_G)
#define GTLB_CONTEXT_PTEBASE 0xFF800000u    /* Context.PTEBase, bits 31:23 */
#define GTLB_CONTEXT_BADVPN2 0x007FFFF0u    /* Context.BadVPN2, bits 22:4 = VA 31:13 */

/* One dual entry as the TLB holds it: the fields the guest wrote, with the VPN2 bits under
 * the page mask cleared and G kept once for the pair. */
typedef struct gtlb_entry {
    uint32_t pagemask;      /* PageMask, normalised by gtlb_pagemask() */
    uint32_t entryhi;       /* VPN2 (31:13, bits under the mask zero) and ASID (7:0) */
    uint32_t entrylo[2];    /* even and odd page: PFN, C, D, V; G kept below */
    bool global;            /* EntryLo0.G & EntryLo1.G at write time */
} gtlb_entry_t;

/* The VCPU's TLB state: the CP0 registers the TLB instructions read and write, and the
 * entries. MFC0 reads these fields directly; MTC0 stores EntryLo0/1 & GTLB_ENTRYLO_MASK,
 * EntryHi & GTLB_ENTRYHI_MASK, PageMask through gtlb_pagemask(), and Index, Wired and
 * Context through their helpers; Random is read-only. BadVAddr is not here: address
 * errors load it too, so it lives with the rest of the VCPU's CP0. */
typedef struct gtlb {
    uint32_t index;         /* CP0 0,0: P and the entry number */
    uint32_t random;        /* CP0 1,0: the TLBWR countdown, Wired..GTLB_ENTRIES-1 */
    uint32_t entrylo0;      /* CP0 2,0 */
    uint32_t entrylo1;      /* CP0 3,0 */
    uint32_t context;       /* CP0 4,0: PTEBase and BadVPN2 */
    uint32_t pagemask;      /* CP0 5,0 */
    uint32_t wired;         /* CP0 6,0 */
    uint32_t entryhi;       /* CP0 10,0: VPN2 and the guest's current ASID */
    gtlb_entry_t entry[GTLB_ENTRIES];
} gtlb_t;

/* Reset state: every entry unable to match anything the guest can reach before it
 * writes the TLB (distinct VPN2s in guest kseg0, both pages invalid, as Linux's
 * local_flush_tlb_all leaves them), Wired = 0, Random = GTLB_ENTRIES - 1. */
void gtlb_reset(gtlb_t *t);

/* MTC0 helpers: the value each register holds after the guest writes `value`. */
uint32_t gtlb_pagemask(uint32_t value);        /* see gtlb.c: unsupported masks */
void gtlb_write_index(gtlb_t *t, uint32_t value);
void gtlb_write_wired(gtlb_t *t, uint32_t value);   /* also restarts Random */
void gtlb_write_context(gtlb_t *t, uint32_t value); /* only PTEBase is writable */

/* The span of guest virtual addresses one entry translates: `size` bytes from `vaddr`
 * (both pages of the pair), for `asid` or for every ASID when `global`; `valid` is false
 * when neither page is valid (no shadow entry can have been made from it). */
typedef struct gtlb_span {
    uint32_t vaddr;
    uint32_t size;
    uint8_t asid;
    bool global;
    bool valid;
} gtlb_span_t;

gtlb_span_t gtlb_entry_span(const gtlb_entry_t *e);

/* TLBP: Index = the matching entry, or Index.P set (the entry number bits kept, as kseg's
 * own core does; the manual leaves them UNPREDICTABLE). */
void gtlb_tlbp(gtlb_t *t);
/* TLBR: PageMask, EntryHi, EntryLo0/1 from entry Index; G goes into both EntryLos. The
 * guest ASID in EntryHi may change: the caller compares before and after (vmap.h). */
void gtlb_tlbr(gtlb_t *t);

/* Result of a TLBWI/TLBWR. */
enum gtlb_write_result {
    GTLB_WRITTEN,
    /* The new entry and another valid one (not the one overwritten) would both match some
     * address: nothing was written. The 24Kc raises Machine Check here (Status.TS); the
     * hypervisor reflects that or stops the guest. */
    GTLB_MACHINE_CHECK,
};

/* TLBWI / TLBWR: write PageMask/EntryHi/EntryLo0/1 into entry Index / Random. When the
 * write happens and `evicted` is not NULL, it receives the span of the entry that was
 * overwritten, for the shadow TLB to drop. TLBWR then moves Random on. */
enum gtlb_write_result gtlb_tlbwi(gtlb_t *t, gtlb_span_t *evicted);
enum gtlb_write_result gtlb_tlbwr(gtlb_t *t, gtlb_span_t *evicted);

/* Result of translating one guest access. */
enum gtlb_kind {
    GTLB_HIT,
    GTLB_REFILL,    /* no entry matches: TLB Refill (to the refill vector if EXL was 0) */
    GTLB_INVALID,   /* the page's V = 0: TLB Invalid */
    GTLB_MODIFIED,  /* a store to a page with D = 0: TLB Modified */
};

typedef struct gtlb_result {
    enum gtlb_kind kind;
    int index;              /* the matching entry, -1 on REFILL */
    uint32_t gpa;           /* HIT: the guest physical address */
    uint32_t offset_mask;   /* HIT: offset bits of the guest page (0xFFF for 4 KiB) */
    uint8_t cca;            /* HIT: EntryLo.C */
    bool dirty;             /* HIT: D, so a shadow entry made for a load may allow stores */
    bool global;            /* HIT: G, so the mapping does not depend on the guest ASID */
} gtlb_result_t;

/* Translates guest virtual address `vaddr` (architectural, in a mapped segment) for
 * `asid`; `store` asks for D. The first matching entry wins, as the write path never lets
 * two valid entries overlap. */
gtlb_result_t gtlb_lookup(const gtlb_t *t, uint32_t vaddr, uint8_t asid, bool store);

/* Context after a TLB exception on `badvaddr`: PTEBase kept, BadVPN2 = VA 31:13. */
uint32_t gtlb_context(uint32_t context, uint32_t badvaddr);

/* What a TLB Refill/Invalid/Modified exception on `badvaddr` loads (Vol. III 9.4): the
 * caller stores `badvaddr` into the guest BadVAddr; EntryHi gets the VPN2 with the
 * current ASID (the ASID of the reference), Context its BadVPN2. Address errors load
 * only BadVAddr and must not call this. */
typedef struct gtlb_fault {
    uint32_t badvaddr;
    uint32_t entryhi;
    uint32_t context;
} gtlb_fault_t;

gtlb_fault_t gtlb_fault(const gtlb_t *t, uint32_t badvaddr);

#endif
