/* The cached tier (issue 10, tier 1) against the interpreter, and the run structure of
 * code pages (src/cpu/block.c).
 *
 * Most tests run one program on two machines, one per tier, in the same slices, and
 * compare the whole visible state after every slice: registers, PC, delay-slot state,
 * icount (so Count and where interrupts land), the CP0 registers exceptions write, and
 * the data page. Slices of 1, 2, 3... instructions put a slice boundary at every point of
 * every run, including between a branch and its slot. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "cpu/codecache.h"
#include "unit.h"

typedef struct twin {
    machine_t *m[2];            /* [0] interpreter, [1] cached */
} twin_t;

static twin_t twin_new(void)
{
    twin_t t;
    for (int i = 0; i < 2; i++) {
        t.m[i] = machine_new();
        t.m[i]->cpu->accel = i ? CPU_ACCEL_CACHED : CPU_ACCEL_INTERP;
    }
    return t;
}

static void twin_free(twin_t *t)
{
    for (int i = 0; i < 2; i++)
        machine_free(t->m[i]);
}

static void twin_load(twin_t *t, uint32_t va, const uint32_t *words, unsigned n)
{
    for (int i = 0; i < 2; i++)
        machine_load(t->m[i], va, words, n);
}

static void twin_set(twin_t *t, unsigned reg, uint32_t value)
{
    for (int i = 0; i < 2; i++)
        t->m[i]->cpu->gpr[reg] = value;
}

static void assert_same(const twin_t *t, const char *what, uint64_t at)
{
    const cpu_t *a = t->m[0]->cpu, *b = t->m[1]->cpu;
    bool same = a->pc == b->pc && a->icount == b->icount && a->ctl == b->ctl &&
                a->in_delay_slot == b->in_delay_slot && a->hi == b->hi && a->lo == b->lo &&
                !memcmp(a->gpr, b->gpr, 32 * sizeof(uint32_t)) &&
                a->cp0.epc == b->cp0.epc && a->cp0.cause == b->cp0.cause &&
                a->cp0.status == b->cp0.status && a->cp0.badvaddr == b->cp0.badvaddr &&
                a->cp0.lladdr == b->cp0.lladdr && a->cp0.llbit == b->cp0.llbit &&
                (a->ctl != CTL_DELAY_SLOT || a->target == b->target) &&
                !memcmp(t->m[0]->ram + 0x2000, t->m[1]->ram + 0x2000, 0x1000);
    if (!same) {
        fprintf(stderr, "%s: tiers differ after icount %llu: pc %08x/%08x icount %llu/%llu "
                "ctl %d/%d epc %08x/%08x cause %08x/%08x\n", what, (unsigned long long)at,
                a->pc, b->pc, (unsigned long long)a->icount, (unsigned long long)b->icount,
                a->ctl, b->ctl, a->cp0.epc, b->cp0.epc, a->cp0.cause, b->cp0.cause);
        for (int r = 0; r < 32; r++)
            if (a->gpr[r] != b->gpr[r])
                fprintf(stderr, "  $%d %08x/%08x\n", r, a->gpr[r], b->gpr[r]);
    }
    assert_true(same);
}

/* Runs `total` instructions on both tiers in slices of `slice`, comparing after each. */
static void twin_run(twin_t *t, uint64_t total, unsigned slice, const char *what)
{
    uint64_t until = t->m[0]->cpu->icount + total;
    while (t->m[0]->cpu->icount < until) {
        for (int i = 0; i < 2; i++)
            cpu_run(t->m[i]->cpu, t->m[i]->cpu->icount + slice);
        assert_same(t, what, t->m[0]->cpu->icount);
    }
}

/* Loads `code` at CODE_VA on fresh twins, the second running on `accel` (tier 2 compiling
 * a block the second time it is entered), and compares them over `total` instructions, in
 * every slice length from 1 to 9 and in one long slice. */
static void compare_program_on(cpu_accel_t accel, const uint32_t *code, unsigned n, uint64_t total,
                               const char *what, void (*setup)(twin_t *))
{
    static const unsigned slices[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 1000000 };
    for (size_t s = 0; s < sizeof(slices) / sizeof(slices[0]); s++) {
        twin_t t = twin_new();
        t.m[1]->cpu->accel = accel;
        t.m[1]->cpu->jit_hot = 2;
        twin_load(&t, CODE_VA, code, n);
        twin_set(&t, 4, DATA_VA);
        if (setup)
            setup(&t);
        twin_run(&t, total, slices[s], what);
        twin_free(&t);
    }
}

static void compare_program(const uint32_t *code, unsigned n, uint64_t total, const char *what,
                            void (*setup)(twin_t *))
{
    compare_program_on(CPU_ACCEL_CACHED, code, n, total, what, setup);
}

/* A counting loop with a load, a store and a branch-likely: every run shape at once. */
static void test_loop(void **state)
{
    (void)state;
    const uint32_t code[] = {
        ADDIU(2, 0, 40),            /* 0x00: i = 40 */
        LW(3, 0, 4),                /* 0x04: loop */
        ADDU(3, 3, 2),
        SW(3, 0, 4),
        BEQL(2, 0, 2),              /* 0x10: never taken but on the last turn: slot skipped */
        ADDIU(5, 5, 1),
        ADDIU(2, 2, -1),            /* 0x18 */
        BNE(2, 0, -7),              /* 0x1C: back to 0x04 */
        ADDIU(6, 6, 1),             /* slot */
        SYSCALL,                    /* 0x24: to EXC_VECTOR (zeros: NOPs) */
    };
    compare_program(code, sizeof(code) / 4, 600, "loop", NULL);
}

/* Data for the loop that walks it: steps of 4, then one of 2, which makes the next load
 * misaligned. */
static void walk_data(twin_t *t)
{
    static const uint32_t data[] = { 4, 4, 4, 4, 2, 4 };
    for (int i = 0; i < 2; i++)
        machine_load(t->m[i], DATA_VA, data, sizeof(data) / sizeof(data[0]));
}

/* Tier 2 keeps a loop's guest registers in host registers from one turn to the next
 * (jit.c, "Loops"): its state must still be exact wherever a slice ends, at a fault in the
 * loop, after a software-TLB miss in it (a step stub), when the delay slot changes the
 * branch's register, and when the loop cannot be kept in registers (a call that empties
 * the cache, too many registers). */
static void test_jit_loops(void **state)
{
    (void)state;
    uint64_t loops = jit_loop_blocks;
    const uint32_t sum[] = {
        ADDIU(2, 0, 50),
        LW(3, 0, 4),                /* 0x04: loop (its first load misses the software TLB) */
        ADDU(5, 5, 3),
        SW(5, 4, 4),
        ADDIU(2, 2, -1),
        BNE(2, 0, -5),              /* back to 0x04 */
        ADDIU(6, 6, 1),             /* slot */
        SYSCALL,
    };
    compare_program_on(CPU_ACCEL_JIT, sum, sizeof(sum) / 4, 400, "jit loop", NULL);
    assert_true(jit_loop_blocks > loops);
    const uint32_t slot_counts[] = {
        ADDIU(2, 0, 30),
        ADDU(7, 7, 2),              /* 0x04: loop */
        BNE(2, 0, -2),              /* back to 0x04 while r2, which the slot then counts down */
        ADDIU(2, 2, -1),
        SYSCALL,
    };
    compare_program_on(CPU_ACCEL_JIT, slot_counts, sizeof(slot_counts) / 4, 200,
                       "jit loop, slot writes the branch's register", NULL);
    const uint32_t walk[] = {
        LW(3, 0, 4),                /* 0x00: loop; address error at DATA_VA + 18 */
        ADDU(4, 4, 3),
        ADDIU(2, 2, 1),
        BNE(3, 0, -4),              /* back to 0x00 */
        NOP,
        SYSCALL,
    };
    compare_program_on(CPU_ACCEL_JIT, walk, sizeof(walk) / 4, 100, "jit loop, fault",
                       walk_data);
    const uint32_t count_reads[] = {
        ADDIU(2, 0, 40),
        MFC0(5, 9, 0),              /* 0x04: loop; Count, a call that empties the cache */
        ADDU(6, 6, 5),
        ADDIU(2, 2, -1),
        BNE(2, 0, -4),              /* back to 0x04 */
        NOP,
        SYSCALL,
    };
    compare_program_on(CPU_ACCEL_JIT, count_reads, sizeof(count_reads) / 4, 300,
                       "jit loop with a call", NULL);
    const uint32_t many[] = {
        ADDIU(2, 0, 25),
        ADDU(5, 5, 2),              /* 0x04: loop naming ten registers */
        ADDU(6, 6, 5),
        ADDU(7, 7, 6),
        ADDU(8, 8, 7),
        ADDU(9, 9, 8),
        ADDU(10, 10, 9),
        ADDU(11, 11, 10),
        ADDU(12, 12, 11),
        SW(12, 0, 4),
        ADDIU(2, 2, -1),
        BNE(2, 0, -11),             /* back to 0x04 */
        NOP,
        SYSCALL,
    };
    compare_program_on(CPU_ACCEL_JIT, many, sizeof(many) / 4, 400,
                       "jit loop, too many registers", NULL);
}

/* Tier 2 calls the interpreter's operation for LL, SC, the unaligned loads and stores and
 * MTC0 of a register with side effects (cpu_jit_call), in line: then on in native code, or
 * out at an exception (the misaligned LL at the end, after the loop). */
static void test_jit_calls(void **state)
{
    (void)state;
    const uint32_t code[] = {
        ADDIU(2, 0, 12),
        LL(3, 0, 4),                /* 0x04: loop */
        ADDIU(3, 3, 3),
        SC(3, 0, 4),                /* succeeds: 1 in $3 */
        SC(3, 0, 4),                /* fails: no LL since */
        LWL(5, 7, 4),
        LWR(5, 1, 4),
        SWL(5, 0x13, 4),
        SWR(5, 0x11, 4),
        ADDU(6, 6, 5),
        MTC0(6, 11, 0),             /* Compare: clears Cause.TI */
        SLL(7, 2, 8),
        MTC0(7, 12, 0),             /* Status: the interrupt mask, kernel mode kept */
        ADDIU(2, 2, -1),
        BNE(2, 0, -14),             /* back to 0x04 */
        NOP,
        LL(3, 2, 4),                /* address error */
    };
    compare_program_on(CPU_ACCEL_JIT, code, sizeof(code) / 4, 300, "jit calls", walk_data);
}

/* The cached tier's two run loops (tier 1 alone, and with tier 2) have their own handlers:
 * switching a machine between them in the middle of its runs must neither run the other
 * loop's decoded entries nor lose the program's place. */
static void test_tier_switch(void **state)
{
    (void)state;
    const uint32_t code[] = {
        ADDIU(2, 0, 400),
        LW(3, 0, 4),                /* 0x04: loop */
        ADDU(3, 3, 2),
        SW(3, 0, 4),
        ADDIU(2, 2, -1),
        BNE(2, 0, -5),              /* back to 0x04 */
        ADDIU(6, 6, 1),             /* slot */
        SYSCALL,
    };
    static const unsigned slices[] = { 1, 3, 7, 50 };
    for (size_t s = 0; s < sizeof(slices) / sizeof(slices[0]); s++) {
        twin_t t = twin_new();
        t.m[1]->cpu->jit_hot = 2;
        twin_load(&t, CODE_VA, code, sizeof(code) / 4);
        twin_set(&t, 4, DATA_VA);
        for (unsigned turn = 0; t.m[0]->cpu->icount < 2000; turn++) {
            t.m[1]->cpu->accel = turn % 2 ? CPU_ACCEL_JIT : CPU_ACCEL_CACHED;
            twin_run(&t, slices[s], slices[s], "tier switch");
        }
        twin_free(&t);
    }
}

/* Exceptions inside a run and in a delay slot: EPC, BD and icount exact. */
static void test_faults_in_runs(void **state)
{
    (void)state;
    const uint32_t code[] = {
        ADDIU(2, 0, 1),
        ADDIU(3, 0, 2),
        LW(5, 1, 4),                /* address error in the middle of a run */
        ADDIU(7, 0, 3),
    };
    compare_program(code, sizeof(code) / 4, 20, "fault mid-run", NULL);
    const uint32_t slot[] = {
        ADDIU(2, 0, 1),
        BEQ(0, 0, 4),
        LW(5, 2, 4),                /* address error in a delay slot: BD */
        ADDIU(7, 0, 3),
    };
    compare_program(slot, sizeof(slot) / 4, 20, "fault in slot", NULL);
}

/* A jump into another branch's delay slot runs it as an ordinary instruction; a branch
 * in a delay slot (UNPREDICTABLE; kseg runs it as QEMU does) takes its own target. */
static void test_odd_control(void **state)
{
    (void)state;
    const uint32_t into_slot[] = {
        ADDIU(4, 4, 1),             /* 0x00 */
        J(CODE_VA + 0x14),          /* 0x04: into the slot of 0x10 */
        NOP,
        ADDIU(2, 2, 1),             /* 0x0C */
        BEQ(3, 0, -5),              /* 0x10: to 0x00 when $3 = 0 */
        ADDIU(3, 3, 1),             /* 0x14: its slot */
        ADDIU(5, 5, 1),             /* 0x18 */
        J(CODE_VA + 0x0C),          /* 0x1C */
        ADDIU(3, 0, 0),             /* slot: $3 = 0 */
    };
    compare_program(into_slot, sizeof(into_slot) / 4, 200, "jump into a slot", NULL);
    const uint32_t branch_in_slot[] = {
        BEQ(0, 0, 6),               /* 0x00: to 0x1C */
        BEQ(0, 0, 2),               /* 0x04: in the slot: to 0x10 */
        ADDIU(2, 2, 1),             /* 0x08: slot of the slot */
        NOP,
        ADDIU(3, 3, 1),             /* 0x10 */
        J(CODE_VA),
        NOP,
        ADDIU(5, 5, 1),             /* 0x1C */
    };
    compare_program(branch_in_slot, sizeof(branch_in_slot) / 4, 200, "branch in a slot",
                    NULL);
}

/* A branch in a page's last word has its slot on the next page; a run crossing the end of
 * the page goes on in the next. */
static void page_end_setup(twin_t *t)
{
    /* At 0x80001FF8, a loop back to CODE_VA + 8 whose branch is the page's last word; its
     * slot and what follows the loop at 0x80002000. */
    const uint32_t tail[] = { ADDIU(2, 2, 1), BNE(2, 0, -0x3FE) };
    const uint32_t next[] = { ADDIU(3, 3, 1), ADDIU(9, 9, 1) };
    twin_load(t, 0x80001FF8, tail, 2);
    for (int i = 0; i < 2; i++) {
        machine_load(t->m[i], 0x80002000, next, 2);
        t->m[i]->cpu->gpr[2] = 0xFFFFFFF0u;
    }
}

static void test_page_end(void **state)
{
    (void)state;
    const uint32_t code[] = { NOP, NOP, ADDIU(7, 7, 1) };   /* then NOPs to 0x80001FF8 */
    compare_program(code, 3, 8000, "page end", page_end_setup);
}

/* Self-modifying code: a store turns an ALU instruction in the middle of a run that has
 * run into a branch, then turns a delay slot into a store and back. */
static void test_store_makes_a_branch(void **state)
{
    (void)state;
    /* 0x00..0x14: a run; 0x0C is rewritten by the store at 0x24 on the second turn. */
    const uint32_t code[] = {
        ADDIU(2, 2, 1),             /* 0x00 */
        ADDIU(3, 3, 1),
        ADDIU(5, 5, 1),
        ADDIU(6, 6, 1),             /* 0x0C: becomes BEQ $0,$0 -> 0x30 */
        ADDIU(7, 7, 1),             /* 0x10: and this its slot */
        ADDIU(8, 8, 1),             /* 0x14 */
        LUI(9, 0x8000),             /* 0x18 */
        ORI(9, 9, 0x100C),
        LW(10, 0x40, 9),            /* 0x20: the new word, kept at CODE_VA + 0x4C */
        SW(10, 0, 9),               /* 0x24 */
        J(CODE_VA),
        NOP,
        ADDIU(11, 11, 1),           /* 0x30: the new branch's target */
        SW(0, 0x4, 9),              /* 0x34: turns the slot at 0x10 into a NOP */
        J(CODE_VA),
        NOP,
        0, 0, 0, BEQ(0, 0, 8),      /* 0x40..0x4C */
    };
    compare_program(code, sizeof(code) / 4, 400, "store makes a branch", NULL);
}

/* A flush of all decoded code (the page budget is full) while runs are linked and live. */
static void tiny_budget(twin_t *t)
{
    for (int i = 0; i < 2; i++)
        t->m[i]->bus.code_pages_max = 1;
}

static void test_flush_all(void **state)
{
    (void)state;
    const uint32_t code[] = {
        ADDIU(2, 2, 1),
        J(0x80003000),              /* another page: with a budget of one, a flush */
        NOP,
    };
    const uint32_t far[] = { ADDIU(3, 3, 1), J(CODE_VA), NOP };
    for (unsigned slice = 1; slice < 6; slice++) {
        twin_t t = twin_new();
        twin_load(&t, CODE_VA, code, 3);
        twin_load(&t, 0x80003000, far, 3);
        tiny_budget(&t);
        twin_run(&t, 300, slice == 5 ? 1000 : slice, "flush all");
        twin_free(&t);
    }
}

/* A TLB write remaps the page the code runs from: the next instruction fetched from it
 * comes from the new frame, on both tiers (no stale decoded run). */
static void test_tlb_remap(void **state)
{
    (void)state;
    twin_t t = twin_new();
    /* Frames 0x10000 and 0x11000 hold different code at the same virtual page 0x00400000. */
    const uint32_t a[] = { ADDIU(2, 2, 1), JR(7), NOP };
    const uint32_t b[] = { ADDIU(3, 3, 1), JR(7), NOP };
    twin_load(&t, 0x80010000, a, 3);
    twin_load(&t, 0x80011000, b, 3);
    /* At CODE_VA: map 0x00400000 -> frame given in $5 (even page), then jump there. */
    const uint32_t code[] = {
        LUI(6, 0x0040),
        MTC0(6, 10, 0),             /* EntryHi: VPN2 0x00400000, ASID 0 */
        MTC0(5, 2, 0),              /* EntryLo0 */
        MTC0(0, 3, 0),              /* EntryLo1 invalid */
        MTC0(0, 0, 0),              /* Index 0 */
        MTC0(0, 5, 0),              /* PageMask 4 KiB */
        TLBWI,
        JR(6),
        NOP,
    };
    twin_load(&t, CODE_VA, code, sizeof(code) / 4);
    uint32_t lo_a = (0x10000u >> 12) << 6 | 0x6u;   /* D, V */
    uint32_t lo_b = (0x11000u >> 12) << 6 | 0x6u;
    twin_set(&t, 7, CODE_VA);
    twin_set(&t, 5, lo_a);
    twin_run(&t, 40, 1000, "tlb remap (a)");
    assert_int_equal(t.m[1]->cpu->gpr[2], t.m[0]->cpu->gpr[2]);
    assert_true(t.m[1]->cpu->gpr[2] > 0);
    twin_set(&t, 5, lo_b);
    twin_run(&t, 40, 1000, "tlb remap (b)");
    assert_true(t.m[1]->cpu->gpr[3] > 0);
    twin_free(&t);
}

/* Loads through a mapping that a TLB write then shadows (diff_tiers seed 7 case 859379):
 * a new entry with both pages invalid may overlap a valid one (no machine check), and
 * written at a lower index it is the first match, so the load after it must raise TLBL,
 * not load through the software TLB's translation of the shadowed entry; and LLAddr is
 * the physical address of the LL that completed, on both tiers. */
static void ll_shadowed_mapping(uint32_t second)
{
    const uint32_t code[] = {
        MTC0(5, 10, 0),             /* 0x00: EntryHi: VPN2 0x2000, ASID 0 */
        MTC0(8, 2, 0),              /* EntryLo0: frame 0x20000, G D V */
        MTC0(9, 3, 0),              /* EntryLo1: frame 0x21000, G D V */
        MTC0(10, 0, 0),             /* Index 1 */
        MTC0(0, 5, 0),              /* PageMask 4 KiB */
        TLBWI,                      /* 0x14 */
        LL(2, 0x10, 4),             /* 0x18: 0x3010 -> 0x21010, into the software TLB */
        MTC0(6, 2, 0),              /* EntryLo0: D only, invalid */
        MTC0(6, 3, 0),              /* EntryLo1: the same */
        MTC0(0, 0, 0),              /* Index 0 */
        TLBWI,                      /* 0x28: shadows entry 1 */
        second,                     /* 0x2C: LW or LL from 0x3010: TLBL */
        ADDIU(7, 7, 1),
    };
    static const unsigned slices[] = { 1, 2, 3, 4, 5, 7, 1000 };
    for (size_t s = 0; s < sizeof(slices) / sizeof(slices[0]); s++) {
        twin_t t = twin_new();
        twin_load(&t, CODE_VA, code, sizeof(code) / 4);
        for (int i = 0; i < 2; i++)
            machine_poke(t.m[i], KSEG0 + 0x21010, 0x12345678u);
        twin_set(&t, 4, 0x3000);
        twin_set(&t, 5, 0x2000);
        twin_set(&t, 6, 0x4);
        twin_set(&t, 8, (0x20000u >> 12) << 6 | 0x7u);
        twin_set(&t, 9, (0x21000u >> 12) << 6 | 0x7u);
        twin_set(&t, 10, 1);
        twin_run(&t, 16, slices[s], "ll through a shadowed mapping");
        for (int i = 0; i < 2; i++) {
            const cpu_t *c = t.m[i]->cpu;
            assert_int_equal(c->gpr[2], 0x12345678u);
            assert_int_equal(c->gpr[3], 0);
            assert_int_equal(c->gpr[7], 0);
            assert_int_equal((c->cp0.cause >> 2) & 0x1F, EXC_TLBL);
            assert_int_equal(c->cp0.epc, CODE_VA + 0x2C);
            assert_int_equal(c->cp0.badvaddr, 0x3010);
            assert_int_equal(c->cp0.lladdr, 0x21010);
            assert_true(c->cp0.llbit);
        }
        twin_free(&t);
    }
}

static void test_ll_shadowed_mapping(void **state)
{
    (void)state;
    ll_shadowed_mapping(LW(3, 0x10, 4));   /* the inline software TLB path */
    ll_shadowed_mapping(LL(3, 0x10, 4));
}

/* A debugger write (cpu_invalidate_code, as flash programming uses) into a run that has
 * run: the word becomes a branch, so the rest of the run must not run any more. */
static void test_debugger_write(void **state)
{
    (void)state;
    const uint32_t code[] = {
        ADDIU(2, 2, 1),             /* 0x00 */
        ADDIU(3, 3, 1),             /* 0x04: becomes J CODE_VA */
        ADDIU(5, 5, 1),             /* 0x08: then its slot */
        ADDIU(6, 6, 1),
        J(CODE_VA),
        NOP,
    };
    twin_t t = twin_new();
    twin_load(&t, CODE_VA, code, sizeof(code) / 4);
    twin_run(&t, 60, 7, "before the write");
    uint32_t j = J(CODE_VA);
    for (int i = 0; i < 2; i++)
        assert_true(cpu_debug_write(t.m[i]->cpu, CODE_VA + 4, &j, 4));
    twin_run(&t, 60, 5, "after the write");
    uint32_t six = t.m[1]->cpu->gpr[6];
    twin_run(&t, 60, 1000, "after the write, long");
    assert_int_equal(t.m[1]->cpu->gpr[6], six);         /* 0x0C never runs again */
    twin_free(&t);
}

/* ---- A page that held code and now holds data ---------------------------------------- */

#define REUSED_VA 0x80003000u      /* the page whose code is overwritten */

/* Guest code storing `word` at REUSED_VA + off, through $10 ($16 holds REUSED_VA). */
#define STORE_WORD(word, off) LUI(10, (word) >> 16), ORI(10, 10, (word) & 0xFFFF), SW(10, off, 16)

/* Linux reuses the pages programs ran from for data. Once every decoded entry of such a
 * page has been overwritten, its stores go through the software TLB's fast path again;
 * once code on it has been decoded again, they are watched again. On every tier, with
 * each routine called twice so that tier 2 compiles it. */
static void page_reused(cpu_accel_t accel)
{
    machine_t *m = machine_new();
    m->cpu->accel = accel;
    m->cpu->jit_hot = 2;
    const uint32_t routine[] = { ADDIU(2, 2, 1), JR(31), NOP };
    machine_load(m, REUSED_VA, routine, 3);
    /* Run the routine, then clear its page. */
    const uint32_t clear[] = {
        LUI(16, REUSED_VA >> 16), ORI(16, 16, REUSED_VA & 0xFFFF),
        JALR(31, 16), NOP, JALR(31, 16), NOP,           /* $2 = 2 */
        ADDIU(8, 16, 0), ADDIU(9, 16, 0x1000),
        SW(0, 0, 8), ADDIU(8, 8, 4), BNE(8, 9, -3), NOP,
        BEQ(0, 0, -1), NOP,
    };
    machine_load(m, CODE_VA, clear, sizeof(clear) / 4);
    machine_step(m, 5000);
    assert_int_equal(m->cpu->gpr[2], 2);
    assert_int_equal(m->cpu->gpr[8], REUSED_VA + 0x1000);
    const softtlb_entry_t *w = &m->cpu->stlb->write[softtlb_index(REUSED_VA)];
    assert_int_equal(w->tag, REUSED_VA);                 /* stores to it go fast again */
    assert_int_equal(m->bus.code_pages, 2);              /* the page is still known */

    /* New code stored there runs; then stores into it are seen again. */
    const uint32_t rewrite[] = {
        STORE_WORD(ADDIU(2, 2, 100), 0), STORE_WORD(JR(31), 4), SW(0, 8, 16),
        JALR(31, 16), NOP, JALR(31, 16), NOP,           /* $2 += 200 */
        STORE_WORD(ADDIU(2, 2, 1000), 0),
        JALR(31, 16), NOP, JALR(31, 16), NOP,           /* $2 += 2000 */
        BEQ(0, 0, -1), NOP,
    };
    machine_load(m, CODE_VA + 0x100, rewrite, sizeof(rewrite) / 4);
    m->cpu->pc = CODE_VA + 0x100;
    m->cpu->ctl = CTL_NONE;
    m->cpu->in_delay_slot = false;
    machine_step(m, 200);
    assert_int_equal(m->cpu->gpr[2], 2202);
    assert_int_not_equal(w->tag, REUSED_VA);             /* code again: watched */
    machine_free(m);
}

static void test_page_reused(void **state)
{
    (void)state;
    page_reused(CPU_ACCEL_INTERP);
    page_reused(CPU_ACCEL_CACHED);
    page_reused(CPU_ACCEL_JIT);
}

/* ---- Runs in a code page ----------------------------------------------------------- */

static const int32_t fake_mid[OP_COUNT + 2] = { [0 ... OP_COUNT + 1] = 1 };
static const int32_t fake_end[OP_COUNT + 2] = { [0 ... OP_COUNT + 1] = 2 };
static const block_handlers_t fake = { .mid = fake_mid, .end = fake_end, .step = 3 };

static void test_run_structure(void **state)
{
    (void)state;
    machine_t *m = machine_new();
    uint8_t *host = m->ram + 0x1000;
    const uint32_t code[] = {
        ADDIU(2, 2, 1), ADDIU(2, 2, 1), BEQ(0, 0, 4), ADDIU(3, 3, 1),   /* run 0..3 */
        ADDIU(2, 2, 1), BEQ(0, 0, 4), BEQ(0, 0, 4), NOP,                /* 4..6, 7 */
    };
    memcpy(host, code, sizeof(code));
    code_page_t *p = code_page_new(host, 0x1000);
    decode_block(m->cpu, p, 1, CODE_VA, &fake);
    assert_int_equal(p->insn[0].h, 0);                  /* before the entry: untouched */
    assert_int_equal(p->insn[1].run, 3);
    assert_int_equal(p->insn[2].run, 2);
    assert_int_equal(p->insn[3].run, 1);
    assert_int_equal(p->insn[3].flags, INSN_DS | INSN_END);
    assert_int_equal(p->insn[3].h, 2);
    assert_int_equal(p->insn[4].h, 0);                  /* after the run's end: untouched */
    decode_block(m->cpu, p, 4, CODE_VA, &fake);
    assert_int_equal(p->insn[4].run, 3);
    assert_int_equal(p->insn[6].flags, INSN_DS | INSN_END | INSN_STEP);   /* branch in slot */
    assert_int_equal(p->insn[6].h, 3);
    decode_block(m->cpu, p, 7, CODE_VA, &fake);
    assert_int_equal(p->insn[7].flags, INSN_DS | INSN_END);   /* the slot of the slot */

    /* Straight code is cut at BLOCK_CUT; the page's last word ends a run. */
    decode_block(m->cpu, p, 8, CODE_VA, &fake);
    assert_int_equal(p->insn[8].run, BLOCK_CUT - 8);
    assert_int_equal(p->insn[BLOCK_CUT - 1].flags, INSN_END);
    decode_block(m->cpu, p, CODE_PAGE_INSNS - 3, CODE_VA, &fake);
    assert_int_equal(p->insn[CODE_PAGE_INSNS - 3].run, 3);

    /* A write resets its run from the run's start through the next word. */
    code_page_invalidate(p, 2 * 4, 4);
    for (int i = 1; i <= 3; i++)
        assert_int_equal(p->insn[i].h, 0);
    assert_int_equal(p->insn[4].h, 1);                  /* the next run keeps its entries */
    code_page_invalidate(p, 0x20, 4);                   /* the first word of a cut run */
    assert_int_equal(p->insn[8].h, 0);
    assert_int_equal(p->insn[9].h, 0);
    assert_int_equal(p->insn[10].h, 1);
    assert_int_equal(p->insn[7].h, 2);                  /* an earlier run's end stays */
    free(p);
    machine_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_structure),
        cmocka_unit_test(test_loop),
        cmocka_unit_test(test_tier_switch),
        cmocka_unit_test(test_jit_loops),
        cmocka_unit_test(test_jit_calls),
        cmocka_unit_test(test_faults_in_runs),
        cmocka_unit_test(test_odd_control),
        cmocka_unit_test(test_page_end),
        cmocka_unit_test(test_store_makes_a_branch),
        cmocka_unit_test(test_flush_all),
        cmocka_unit_test(test_tlb_remap),
        cmocka_unit_test(test_debugger_write),
        cmocka_unit_test(test_ll_shadowed_mapping),
        cmocka_unit_test(test_page_reused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
