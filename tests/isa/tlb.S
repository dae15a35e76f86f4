/* tlb: TLBWI/TLBR/TLBP/TLBWR, Wired/Random, a page-table refill handler at the refill
   vector (EntryHi/Context/BadVAddr on a miss), TLB invalid and Modified at the general
   vector, ASID/G matching, 16 KiB and 1 MiB pages, and a miss with EXL = 1. */
#include "harness.h"
#include "exc_util.h"
TEST_NAME(tlb)

/* EntryLo: PFN from a physical address, C = 2 (uncached), D/V/G flags. */
#define PTE(pa, f)  ((((pa)>>12)<<6)|(f))
#define C2  0x10
#define D   0x4
#define V   0x2
#define G   0x1
#define PTEBASE     0x81000000          /* Context.PTEBase: page table at phys 16 MiB */
#define ASID        0x33

/* refill_rec fields, written by both refill handlers. */
#define RF_COUNT    0
#define RF_BADVA    4
#define RF_ENTRYHI  8
#define RF_CONTEXT  12
#define RF_EPC      16
#define RF_CAUSE    20
#define RF_STATUS   24

#define CHECK_RF(off, want)     tlb_check_rf __LINE__, off, want
#define CHECK_RF_ADDR(off, lab) tlb_check_rf_addr __LINE__, off, lab
#define POKE(addr, val)         tlb_poke addr, val
#define PEEK(reg, addr)         li reg, addr; lw reg, 0(reg)
/* Write TLB entry idx with the given EntryHi, EntryLo0/1 and PageMask. */
#define TLBWI_ENTRY(idx, hi, lo0, lo1, pm) tlb_write idx, hi, lo0, lo1, pm

        .macro tlb_check_rf line, off, want:vararg
        la      $v1, refill_rec
        lw      $v0, \off($v1)
        harness_check_eq \line, $v0, \want
        .endm

        .macro tlb_check_rf_addr line, off, lab
        la      $v1, refill_rec
        lw      $v0, \off($v1)
        la      $v1, \lab
        harness_check_eqr \line, $v0, $v1
        .endm

        .macro tlb_poke addr, val:vararg
        li      $v0, \val
        li      $v1, \addr
        sw      $v0, 0($v1)
        .endm

        .macro tlb_write idx, hi, lo0, lo1, pm
        li      $v0, \idx
        mtc0    $v0, $0
        li      $v0, \hi
        mtc0    $v0, $10
        li      $v0, \lo0
        mtc0    $v0, $2
        li      $v0, \lo1
        mtc0    $v0, $3
        li      $v0, \pm
        mtc0    $v0, $5
        ehb
        tlbwi
        ehb
        .endm

        .macro refill_reset
        la      $v1, refill_rec
        sw      $zero, RF_COUNT($v1)
        .endm

        .set noreorder
        .text
        .globl test_main
test_main:
        move    $s7, $ra
        SET_EXC_HANDLER(exc_log_handler)
        SET_REFILL_HANDLER(refill_skip)
        bal     tlb_reset_all
        nop

/* ---- A. TLBWI / TLBR round trip.  TLBR returns G = EntryLo0.G AND EntryLo1.G in
        both EntryLo registers, and EntryHi = VPN2 | ASID of the entry. */
        TLBWI_ENTRY(5, 0x1234402a, 0x00abcd1f, 0x0048d152, 0)
        mtc0    $zero, $10
        mtc0    $zero, $2
        mtc0    $zero, $3
        li      $t0, 0x6000
        mtc0    $t0, $5
        li      $t0, 5
        mtc0    $t0, $0
        ehb
        tlbr
        ehb
        mfc0    $t0, $10
        CHECK_EQ($t0, 0x1234402a)
        mfc0    $t0, $2
        CHECK_EQ($t0, 0x00abcd1e)               /* G folded to 0 */
        mfc0    $t0, $3
        CHECK_EQ($t0, 0x0048d152)
        mfc0    $t0, $5
        CHECK_EQ($t0, 0)
        mfc0    $t0, $0
        CHECK_EQ($t0, 5)                        /* TLBR leaves Index alone */
        TLBWI_ENTRY(6, 0x22220011, 0x00000007, 0x00000043, 0)
        mtc0    $zero, $2
        mtc0    $zero, $3
        ehb
        tlbr
        ehb
        mfc0    $t0, $10
        CHECK_EQ($t0, 0x22220011)
        mfc0    $t0, $2
        CHECK_EQ($t0, 0x00000007)               /* G = 1 in both */
        mfc0    $t0, $3
        CHECK_EQ($t0, 0x00000043)

/* ---- B. TLBP: Index of the match, or Index.P = 1 on a miss.  ASID must match unless
        G = 1.  Index.P is read-only to MTC0. */
        li      $t0, 0x1234402a
        mtc0    $t0, $10
        ehb
        tlbp
        ehb
        mfc0    $t0, $0
        CHECK_EQ($t0, 5)
        li      $t0, 0x1234402b                 /* other ASID, G = 0: miss */
        mtc0    $t0, $10
        ehb
        tlbp
        ehb
        mfc0    $t0, $0
        srl     $t0, $t0, 31
        CHECK_EQ($t0, 1)
        li      $t0, 0x1234602a                 /* other VPN2: miss */
        mtc0    $t0, $10
        ehb
        tlbp
        ehb
        mfc0    $t0, $0
        srl     $t0, $t0, 31
        CHECK_EQ($t0, 1)
        li      $t0, 3                          /* P stays set: MTC0 writes Index only */
        mtc0    $t0, $0
        ehb
        mfc0    $t0, $0
        CHECK_EQ($t0, 0x80000003)
        li      $t0, 0x22220099                 /* G = 1 matches any ASID */
        mtc0    $t0, $10
        ehb
        tlbp
        ehb
        mfc0    $t0, $0
        CHECK_EQ($t0, 6)                        /* a hit clears P */
        mfc0    $t0, $10
        CHECK_EQ($t0, 0x22220099)               /* TLBP leaves EntryHi alone */

/* ---- C. Wired / Random: Random stays in [Wired, 15]; TLBWR only writes there. */
        li      $a0, 10
        bal     random_range
        nop
        CHECK_EQ($v0, 0)
        li      $a0, 15
        bal     random_range
        nop
        CHECK_EQ($v0, 0)
        mfc0    $t0, $1
        CHECK_EQ($t0, 15)
        li      $a0, 0
        bal     random_range
        nop
        CHECK_EQ($v0, 0)
        mfc0    $t0, $6
        CHECK_EQ($t0, 0)

        li      $t0, 12
        mtc0    $t0, $6                         /* Wired = 12 */
        mtc0    $zero, $2
        mtc0    $zero, $3
        mtc0    $zero, $5
        li      $t5, 0x90000000                 /* distinct kseg0 VPN2s, never used */
        li      $t3, 40
        li      $t4, 0
1:      mtc0    $t5, $10
        ehb
        tlbwr
        ehb
        tlbp
        ehb
        mfc0    $t1, $0                         /* found again at an index in [12, 15] */
        sltiu   $t2, $t1, 12
        addu    $t4, $t4, $t2
        sltiu   $t2, $t1, 16
        xori    $t2, $t2, 1
        addu    $t4, $t4, $t2
        addiu   $t5, $t5, 0x2000
        addiu   $t3, $t3, -1
        bnez    $t3, 1b
        nop
        CHECK_EQ($t4, 0)
        li      $t0, 0                          /* entries 0..11 untouched */
        li      $t4, 0
2:      mtc0    $t0, $0
        ehb
        tlbr
        ehb
        mfc0    $t1, $10
        srl     $t1, $t1, 28
        xori    $t1, $t1, 9
        sltiu   $t1, $t1, 1
        addu    $t4, $t4, $t1
        addiu   $t0, $t0, 1
        li      $t2, 12
        bne     $t0, $t2, 2b
        nop
        CHECK_EQ($t4, 0)

/* ---- D. Refill through a page table.  Context.PTEBase is software's; a miss fills
        BadVAddr, EntryHi.VPN2 (ASID kept), Context.BadVPN2 = VA[31:13].  The handler
        at the refill vector (EXL = 0) loads the PTE pair from Context and does TLBWR. */
        bal     tlb_reset_all
        nop
        li      $t0, 0xffffffff
        mtc0    $t0, $4
        ehb
        mfc0    $t0, $4
        CHECK_EQ($t0, 0xff800000)               /* PTEBase bits 31:23 only */
        li      $t0, PTEBASE
        mtc0    $t0, $4
        li      $t0, ASID
        mtc0    $t0, $10
        ehb
        /* page table: 16 bytes per VPN2, EntryLo0 at +0, EntryLo1 at +8 */
        POKE(PTEBASE + 0x3000, PTE(0x00500000, C2|D|V))     /* VA 0x00600000 */
        POKE(PTEBASE + 0x3008, PTE(0x00501000, C2|D|V))     /* VA 0x00601000 */
        POKE(PTEBASE + 0x3010, PTE(0x00502000, C2|D|V))     /* VA 0x00602000: code */
        POKE(PTEBASE + 0x3018, PTE(0x00509000, C2|D))       /* VA 0x00603000: V = 0 */
        POKE(PTEBASE + 0x3020, 0)                           /* VA 0x00604000: V = 0 */
        POKE(PTEBASE + 0x3028, 0)                           /* VA 0x00605000: V = 0 */
        POKE(PTEBASE + 0x3030, PTE(0x00503000, C2|V))       /* VA 0x00606000: D = 0 */
        POKE(PTEBASE + 0x3038, PTE(0x00504000, C2|D|V))     /* VA 0x00607000 */
        POKE(PTEBASE + 0x3050, PTE(0x00505000, C2|D|V))     /* VA 0x0060a000 */
        POKE(PTEBASE + 0x3058, PTE(0x00506000, C2|D|V))     /* VA 0x0060b000 */
        POKE(0xa0500010, 0xaaaa0001)
        POKE(0xa0501020, 0xbbbb0002)
        POKE(0xa0503004, 0xdddd0004)
        POKE(0xa0505000, 0xeeee0005)
        SET_REFILL_HANDLER(refill_pt)
        refill_reset
        LOG_RESET()

        /* D1: load miss -> refill (TLBL), then the load completes. */
        li      $t2, 0x00600000
        li      $t1, 0
d1:     lw      $t1, 0x10($t2)
        CHECK_EQ($t1, 0xaaaa0001)
        CHECK_RF(RF_COUNT, 1)
        CHECK_RF(RF_BADVA, 0x00600010)
        CHECK_RF(RF_ENTRYHI, 0x00600000|ASID)
        CHECK_RF(RF_CONTEXT, PTEBASE|0x3000)
        CHECK_RF_ADDR(RF_EPC, d1)
        la      $v1, refill_rec
        lw      $v0, RF_CAUSE($v1)
        li      $v1, CAUSE_BD|CAUSE_EXC_MASK
        and     $v0, $v0, $v1
        CHECK_EQ($v0, EXC_TLBL)
        CHECK_RF(RF_STATUS, HARNESS_STATUS|ST_EXL)
        /* the odd page of the same pair needs no second refill */
        lw      $t1, 0x1020($t2)
        CHECK_EQ($t1, 0xbbbb0002)
        li      $t0, 0x12345678
        sw      $t0, 0x1024($t2)
        PEEK($t1, 0xa0501024)
        CHECK_EQ($t1, 0x12345678)
        CHECK_RF(RF_COUNT, 1)
        mfc0    $t0, $10
        CHECK_EQ($t0, 0x00600000|ASID)          /* the miss's VPN2 stays in EntryHi */

        /* D2: store miss -> refill with TLBS; D3: store to the D = 0 half -> Mod (1) at
           the general vector, BadVAddr/EntryHi/Context set, memory unchanged. */
        li      $t2, 0x00606000
        li      $t0, 0x5a5a5a5a
d2:     sw      $t0, 0x1008($t2)
        CHECK_RF(RF_COUNT, 2)
        CHECK_RF(RF_BADVA, 0x00607008)
        CHECK_RF(RF_ENTRYHI, 0x00606000|ASID)
        CHECK_RF(RF_CONTEXT, PTEBASE|0x3030)
        CHECK_RF_ADDR(RF_EPC, d2)
        la      $v1, refill_rec
        lw      $v0, RF_CAUSE($v1)
        li      $v1, CAUSE_BD|CAUSE_EXC_MASK
        and     $v0, $v0, $v1
        CHECK_EQ($v0, EXC_TLBS)
        PEEK($t1, 0xa0504008)
        CHECK_EQ($t1, 0x5a5a5a5a)
d3:     sw      $t0, 4($t2)                     /* D = 0 */
        lw      $t1, 4($t2)                     /* loads are fine */
        CHECK_EQ($t1, 0xdddd0004)
        CHECK_RF(RF_COUNT, 2)
        CHECK_LOG_N(1)
        CHECK_LOG_EXC(0, EXC_MOD)
        CHECK_LOG_EPC(0, d3)
        CHECK_LOG_FIELD(0, LOG_BADVA, 0xffffffff, 0x00606004)
        CHECK_LOG_FIELD(0, LOG_ENTRYHI, 0xffffffff, 0x00606000|ASID)
        CHECK_LOG_FIELD(0, LOG_CONTEXT, 0xffffffff, PTEBASE|0x3030)

        /* D4: the refill installs an entry with V = 0; the retried access then takes
           TLB Invalid (TLBL/TLBS) at the general vector, not the refill vector. */
        LOG_RESET()
        li      $t2, 0x00604000
        li      $t1, 0x777
d4:     lw      $t1, 8($t2)
        CHECK_EQ($t1, 0x777)
        CHECK_RF(RF_COUNT, 3)
        CHECK_RF(RF_BADVA, 0x00604008)
d4s:    sw      $t1, 0x100c($t2)                /* odd half, entry present, V = 0 */
        CHECK_RF(RF_COUNT, 3)
        CHECK_LOG_N(2)
        CHECK_LOG_EXC(0, EXC_TLBL)
        CHECK_LOG_EPC(0, d4)
        CHECK_LOG_FIELD(0, LOG_BADVA, 0xffffffff, 0x00604008)
        CHECK_LOG_FIELD(0, LOG_ENTRYHI, 0xffffffff, 0x00604000|ASID)
        CHECK_LOG_FIELD(0, LOG_CONTEXT, 0xffffffff, PTEBASE|0x3020)
        CHECK_LOG_EXC(1, EXC_TLBS)
        CHECK_LOG_EPC(1, d4s)
        CHECK_LOG_FIELD(1, LOG_BADVA, 0xffffffff, 0x0060500c)

        /* D5: instruction fetch miss: refill with EPC = BadVAddr = the target; the
           mapped code then runs.  Fetch from the V = 0 odd half: TLBL, general vector. */
        la      $a0, mapped_code
        li      $a1, 0xa0502000
        lw      $t0, 0($a0)
        sw      $t0, 0($a1)
        lw      $t0, 4($a0)
        sw      $t0, 4($a1)
        LOG_RESET()
        li      $v0, 0
        li      $t9, 0x00602000
        jalr    $t9
        nop
        CHECK_EQ($v0, 0x77)
        CHECK_RF(RF_COUNT, 4)
        CHECK_RF(RF_BADVA, 0x00602000)
        CHECK_RF(RF_EPC, 0x00602000)
        CHECK_RF(RF_ENTRYHI, 0x00602000|ASID)
        la      $v1, refill_rec
        lw      $v0, RF_CAUSE($v1)
        li      $v1, CAUSE_BD|CAUSE_EXC_MASK
        and     $v0, $v0, $v1
        CHECK_EQ($v0, EXC_TLBL)
        SET_RESUME(d5_back)
        li      $t9, 0x00603000
        jalr    $t9
        nop
d5_back:
        CHECK_RF(RF_COUNT, 4)
        CHECK_LOG_N(1)
        CHECK_LOG_EXC(0, EXC_TLBL)
        CHECK_LOG_FIELD(0, LOG_EPC, 0xffffffff, 0x00603000)
        CHECK_LOG_FIELD(0, LOG_BADVA, 0xffffffff, 0x00603000)

        /* D6: a miss in a branch delay slot: refill with EPC = the branch, BD = 1;
           after ERET the branch and the load run again and succeed. */
        li      $t2, 0x0060a000
        li      $t1, 0
d6:     beq     $zero, $zero, 1f
        lw      $t1, 0($t2)
        nop
1:      CHECK_EQ($t1, 0xeeee0005)
        CHECK_RF(RF_COUNT, 5)
        CHECK_RF_ADDR(RF_EPC, d6)
        CHECK_RF(RF_BADVA, 0x0060a000)
        la      $v1, refill_rec
        lw      $v0, RF_CAUSE($v1)
        li      $v1, CAUSE_BD|CAUSE_EXC_MASK
        and     $v0, $v0, $v1
        CHECK_EQ($v0, EXC_TLBL|CAUSE_BD)

        /* D7: a miss with Status.EXL = 1 goes to the general vector (+0x180), and EPC
           and Cause.BD are not updated (EPC keeps the value software put there, BD
           still says 1 from D6). */
        LOG_RESET()
        SET_RESUME(d7_back)
        la      $t0, d7_back
        mtc0    $t0, $14
        li      $t2, 0x00608000
        li      $t0, HARNESS_STATUS|ST_EXL
        mtc0    $t0, $12
        ehb
        lw      $t1, 4($t2)
        nop
d7_back:
        li      $t0, HARNESS_STATUS
        mtc0    $t0, $12
        ehb
        CHECK_RF(RF_COUNT, 5)
        CHECK_LOG_N(1)
        CHECK_LOG_EXC(0, EXC_TLBL|CAUSE_BD)
        CHECK_LOG_EPC(0, d7_back)
        CHECK_LOG_FIELD(0, LOG_BADVA, 0xffffffff, 0x00608004)
        CHECK_LOG_FIELD(0, LOG_ENTRYHI, 0xffffffff, 0x00608000|ASID)
        CHECK_LOG_FIELD(0, LOG_CONTEXT, 0xffffffff, PTEBASE|0x3040)

/* ---- E. ASID matching: a G = 0 entry matches only its ASID; G = 1 matches all;
        the stored G is EntryLo0.G AND EntryLo1.G. */
        SET_REFILL_HANDLER(refill_skip)
        bal     tlb_reset_all
        nop
        refill_reset
        TLBWI_ENTRY(2, 0x00700005, PTE(0x00505000, C2|D|V), PTE(0x00506000, C2|D|V), 0)
        TLBWI_ENTRY(3, 0x00710005, PTE(0x00505000, C2|D|V|G), PTE(0x00506000, C2|D|V|G), 0)
        TLBWI_ENTRY(4, 0x00720005, PTE(0x00505000, C2|D|V|G), PTE(0x00506000, C2|D|V), 0)
        li      $t0, 5
        mtc0    $t0, $10
        ehb
        li      $t2, 0x00700000
        lw      $t1, 0($t2)
        CHECK_EQ($t1, 0xeeee0005)
        li      $t2, 0x00720000
        lw      $t1, 0($t2)
        CHECK_EQ($t1, 0xeeee0005)
        CHECK_RF(RF_COUNT, 0)
        li      $t0, 6                          /* another address space */
        mtc0    $t0, $10
        ehb
        li      $t1, 0x999
        li      $t2, 0x00700000
e1:     lw      $t1, 0($t2)                     /* ASID 5 entry: miss */
        CHECK_EQ($t1, 0x999)
        CHECK_RF(RF_COUNT, 1)
        CHECK_RF(RF_ENTRYHI, 0x00700006)
        CHECK_RF_ADDR(RF_EPC, e1)
        li      $t2, 0x00710000
        lw      $t1, 0($t2)                     /* global: hit */
        CHECK_EQ($t1, 0xeeee0005)
        li      $t1, 0x999
        li      $t2, 0x00720000
        lw      $t1, 0($t2)                     /* only Lo0.G set: not global, miss */
        CHECK_EQ($t1, 0x999)
        CHECK_RF(RF_COUNT, 2)
        CHECK_RF(RF_ENTRYHI, 0x00720006)
        li      $t0, 0xff
        mtc0    $t0, $10
        ehb
        li      $t2, 0x00710000
        lw      $t1, 0($t2)
        CHECK_EQ($t1, 0xeeee0005)
        CHECK_RF(RF_COUNT, 2)

/* ---- F. Large pages: the PageMask stored with the entry sets the page size; one
        entry maps both halves. */
        mtc0    $zero, $10
        ehb
        POKE(0xa0900000, 0x11110000)
        POKE(0xa0903ffc, 0x11113ffc)
        POKE(0xa0a00000, 0x22220000)
        POKE(0xa0a03ffc, 0x22223ffc)
        POKE(0xa1900000, 0x33330000)
        POKE(0xa19ffffc, 0x3333fffc)
        POKE(0xa1a00000, 0x44440000)
        POKE(0xa1affffc, 0x4444fffc)
        TLBWI_ENTRY(7, 0x00800000, PTE(0x00900000, C2|D|V|G), PTE(0x00a00000, C2|D|V|G), 0x00006000)
        TLBWI_ENTRY(8, 0x01000000, PTE(0x01900000, C2|D|V|G), PTE(0x01a00000, C2|D|V|G), 0x001fe000)
        mtc0    $zero, $5
        ehb
        li      $t2, 0x00800000                 /* 16 KiB pages */
        lw      $t1, 0($t2)
        CHECK_EQ($t1, 0x11110000)
        lw      $t1, 0x3ffc($t2)
        CHECK_EQ($t1, 0x11113ffc)
        lw      $t1, 0x4000($t2)
        CHECK_EQ($t1, 0x22220000)
        lw      $t1, 0x7ffc($t2)
        CHECK_EQ($t1, 0x22223ffc)
        li      $t2, 0x01000000                 /* 1 MiB pages */
        lw      $t1, 0($t2)
        CHECK_EQ($t1, 0x33330000)
        li      $t2, 0x010ffffc
        lw      $t1, 0($t2)
        CHECK_EQ($t1, 0x3333fffc)
        li      $t2, 0x01100000
        lw      $t1, 0($t2)
        CHECK_EQ($t1, 0x44440000)
        li      $t2, 0x011ffffc
        lw      $t1, 0($t2)
        CHECK_EQ($t1, 0x4444fffc)
        CHECK_RF(RF_COUNT, 2)
        li      $t2, 0x01200000                 /* just past the 2 MiB pair: miss */
        lw      $t1, 0($t2)
        CHECK_RF(RF_COUNT, 3)
        CHECK_RF(RF_BADVA, 0x01200000)
        li      $t0, 7                          /* TLBR gives the entry's PageMask */
        mtc0    $t0, $0
        ehb
        tlbr
        ehb
        mfc0    $t0, $5
        CHECK_EQ($t0, 0x00006000)
        mfc0    $t0, $10
        CHECK_EQ($t0, 0x00800000)
        li      $t0, 0x00806000                 /* TLBP compares under the mask */
        mtc0    $t0, $10
        mtc0    $zero, $5
        ehb
        tlbp
        ehb
        mfc0    $t0, $0
        CHECK_EQ($t0, 7)
        li      $t0, 0x01180000
        mtc0    $t0, $10
        ehb
        tlbp
        ehb
        mfc0    $t0, $0
        CHECK_EQ($t0, 8)

        bal     tlb_reset_all
        nop
        mtc0    $zero, $4
        CLEAR_HANDLERS()
        jr      $s7
        nop

/* random_range: a0 = Wired; read Random 64 times, v0 = how many were outside
   [a0, 15].  Clobbers t0-t3. */
random_range:
        mtc0    $a0, $6
        ehb
        li      $t3, 64
        li      $v0, 0
1:      mfc0    $t1, $1
        sltu    $t2, $t1, $a0
        addu    $v0, $v0, $t2
        sltiu   $t2, $t1, 16
        xori    $t2, $t2, 1
        addu    $v0, $v0, $t2
        addiu   $t3, $t3, -1
        bnez    $t3, 1b
        nop
        jr      $ra
        nop

/* Copied to physical 0x00502000 and run at VA 0x00602000. */
mapped_code:
        jr      $ra
        li      $v0, 0x77

/* Refill handlers (entered from the refill vector with EXL = 1, $k0/$k1 free). */
        .macro refill_record
        lui     $k1, %hi(refill_rec)
        addiu   $k1, $k1, %lo(refill_rec)
        lw      $k0, RF_COUNT($k1)
        addiu   $k0, $k0, 1
        sw      $k0, RF_COUNT($k1)
        mfc0    $k0, $8
        sw      $k0, RF_BADVA($k1)
        mfc0    $k0, $10
        sw      $k0, RF_ENTRYHI($k1)
        mfc0    $k0, $4
        sw      $k0, RF_CONTEXT($k1)
        mfc0    $k0, $14
        sw      $k0, RF_EPC($k1)
        mfc0    $k0, $13
        sw      $k0, RF_CAUSE($k1)
        mfc0    $k0, $12
        sw      $k0, RF_STATUS($k1)
        .endm

/* refill_pt: the classic handler - PTE pair from the page table Context points at. */
refill_pt:
        refill_record
        mfc0    $k1, $4
        lw      $k0, 0($k1)
        mtc0    $k0, $2
        lw      $k0, 8($k1)
        mtc0    $k0, $3
        ehb
        tlbwr
        ehb
        eret

/* refill_skip: record the miss and skip the instruction (no TLB write). */
refill_skip:
        refill_record
        mfc0    $k0, $14
        addiu   $k0, $k0, 4
        mtc0    $k0, $14
        ehb
        eret

        .bss
        .balign 8
refill_rec:
        .space  32

        EXC_UTIL_BODY
