/* Differential test of kseg's execution tiers: the interpreter (the reference) against a
 * faster tier (--accel cached or jit) on the same random cases, issue 10.
 *
 * Design note. Two bare machines (gen.h: RAM at 0, a ROM of WAITs at the BEV vectors), one
 * per tier, run every case of gen.c in step: the user-level cases diff_unicorn also runs,
 * and system cases (CP0 reads and writes, TLB writes and probes, ASID and mode changes,
 * ERET, timer and software interrupts, user mode, stores into the code being run). Each
 * case runs three ways, each starting from the same state on both machines:
 *
 *   whole    one cpu_run over the case's whole budget, the code cache cold (the RAM
 *            image written as a loader would: cpu_invalidate_code over all of it);
 *   sliced   the same case again with the code cache warm (only the words the last run
 *            rewrote are invalidated), cpu_run cut into slices of 1..24 instructions;
 *   stepped  every fourth case once more, one instruction per cpu_run.
 *
 * After every cpu_run the whole architectural state must be equal: GPRs, HI, LO, PC,
 * delay-slot state (in_delay_slot, ctl and its target), icount, WAIT, the mode, every CP0
 * register (Count and Random as read, and the fields behind them), the next timer event,
 * the 16 TLB entries and all of RAM. A slice ends where the budget says, never at a block
 * boundary of the tier's choosing, so a tier must stop exactly where the interpreter stops
 * and resume from there; the cuts fall inside blocks, between a branch and its delay slot,
 * before and after faults, interrupts, TLB writes and stores into code. The first mismatch
 * is reported with the case's seed, the instruction listing (capstone), where it stopped,
 * and both states side by side; the exit status is 1. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/log.h"
#include "gen.h"

/* Slices of the "sliced" way: short enough to cut most blocks, long enough to run some. */
#define SLICE_MAX 24
/* Every STEPPED_EVERY-th case also runs one instruction per cpu_run. */
#define STEPPED_EVERY 4

enum way { WAY_WHOLE, WAY_SLICED, WAY_STEPPED };
static const char *const way_names[] = { "whole", "sliced", "stepped" };

/* ---- The state compared ------------------------------------------------------------------ */

/* One line of the state: its name and value (64 bits wide for icount and friends). */
typedef struct field {
    char name[24];
    uint64_t value;
    bool wide;
} field_t;

#define MAX_FIELDS 128

typedef struct state {
    field_t f[MAX_FIELDS];
    int n;
    tlb_entry_t tlb[TLB_ENTRIES];
    uint8_t ram[RAM_SIZE];
} state_t;

static void put(state_t *st, const char *name, uint64_t value, bool wide)
{
    field_t *f = &st->f[st->n++];
    snprintf(f->name, sizeof f->name, "%s", name);
    f->value = value;
    f->wide = wide;
}

static void snapshot(const kseg_t *k, state_t *st)
{
    cpu_t *cpu = k->cpu;
    const cp0_t *c = &cpu->cp0;
    st->n = 0;
    put(st, "pc", cpu->pc, false);
    put(st, "in_delay_slot", cpu->in_delay_slot, false);
    put(st, "ctl", cpu->ctl, false);
    put(st, "ctl target", cpu->ctl != CTL_NONE ? cpu->target : 0, false);
    put(st, "icount", cpu->icount, true);
    put(st, "waiting", cpu->waiting, false);
    put(st, "mode", cpu->mode, false);
    for (int i = 1; i < 32; i++)
        put(st, reg_names[i], cpu->gpr[i], false);
    put(st, "zero", cpu->gpr[0], false);
    put(st, "hi", cpu->hi, false);
    put(st, "lo", cpu->lo, false);
    put(st, "Count (read)", cp0_count(cpu), false);
    put(st, "Random (read)", cp0_random(cpu), false);
#define CP0_FIELD(name) put(st, #name, c->name, false)
    CP0_FIELD(status); CP0_FIELD(cause); CP0_FIELD(epc); CP0_FIELD(error_epc);
    CP0_FIELD(badvaddr); CP0_FIELD(index); CP0_FIELD(entrylo0); CP0_FIELD(entrylo1);
    CP0_FIELD(context); CP0_FIELD(pagemask); CP0_FIELD(wired); CP0_FIELD(hwrena);
    CP0_FIELD(entryhi); CP0_FIELD(compare); CP0_FIELD(intctl); CP0_FIELD(ebase);
    CP0_FIELD(config0); CP0_FIELD(config7); CP0_FIELD(errctl); CP0_FIELD(taglo);
    CP0_FIELD(datalo); CP0_FIELD(desave); CP0_FIELD(debug); CP0_FIELD(depc);
    CP0_FIELD(count_offset); CP0_FIELD(count_frozen); CP0_FIELD(lladdr); CP0_FIELD(llbit);
#undef CP0_FIELD
    put(st, "random_base", c->random_base, true);
    put(st, "watchlo0", c->watchlo[0], false);
    put(st, "watchhi0", c->watchhi[0], false);
    put(st, "timer_icount", cpu->timer_icount, true);
    put(st, "hw_irq_lines", cpu->hw_irq_lines, false);
    memcpy(st->tlb, cpu->tlb, sizeof st->tlb);
    memcpy(st->ram, k->ram, RAM_SIZE);
}

static bool tlb_equal(const tlb_entry_t *a, const tlb_entry_t *b)
{
    return a->pagemask == b->pagemask && a->entryhi == b->entryhi &&
           a->entrylo[0] == b->entrylo[0] && a->entrylo[1] == b->entrylo[1] &&
           a->global == b->global;
}

/* The name of the first thing that differs, or NULL. */
static const char *first_difference(const state_t *a, const state_t *b)
{
    for (int i = 0; i < a->n; i++)
        if (a->f[i].value != b->f[i].value)
            return a->f[i].name;
    for (int i = 0; i < TLB_ENTRIES; i++)
        if (!tlb_equal(&a->tlb[i], &b->tlb[i]))
            return "TLB";
    if (memcmp(a->ram, b->ram, RAM_SIZE))
        return "memory";
    return NULL;
}

/* ---- Running ----------------------------------------------------------------------------- */

/* The case's memory image into a machine's RAM, as a loader writes it: every byte that
 * changes goes through cpu_invalidate_code (all of RAM when `cold`). */
static void load_image(kseg_t *k, const seq_t *s, bool cold)
{
    if (cold) {
        memcpy(k->ram, s->ram, RAM_SIZE);
        cpu_invalidate_code(k->cpu, 0, RAM_SIZE);
        return;
    }
    for (uint32_t a = 0; a < RAM_SIZE; a += 4)
        if (memcmp(&k->ram[a], &s->ram[a], 4)) {
            memcpy(&k->ram[a], &s->ram[a], 4);
            cpu_invalidate_code(k->cpu, a, 4);
        }
}

/* The state a case starts from; `icount` is the same on both machines, so is Count. */
static void start_case(kseg_t *k, const seq_t *s, bool cold, uint64_t icount)
{
    cpu_t *cpu = k->cpu;
    load_image(k, s, cold);
    k->bus.code_pages_max = s->code_pages_max ? s->code_pages_max : k->code_pages_default;
    cpu->icount = icount;
    cpu_reset(cpu);
    memcpy(&cpu->gpr[1], &s->gpr[1], 31 * sizeof(uint32_t));
    cpu->hi = s->hi;
    cpu->lo = s->lo;
    cpu->pc = s->code_va;
    if (!s->system)
        return;
    memcpy(cpu->tlb, s->tlb, sizeof cpu->tlb);
    cpu_flush_translations(cpu);
    cp0_write(cpu, 10, 0, s->entryhi);
    if (s->compare_in)
        cp0_write(cpu, 11, 0, cp0_count(cpu) + s->compare_in);
    cp0_write(cpu, 12, 0, s->status);
}

/* Where the sliced way cuts: splitmix64 from the case's own seed, so a case reruns alone. */
static uint64_t slice_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

typedef struct outcome {
    uint64_t cuts;                 /* states compared */
    int exc;                       /* ExcCode at the end (EXL set), -1 none, -2 budget */
} outcome_t;

typedef struct mismatch {
    enum way way;
    uint64_t cut;                  /* which cpu_run (1 = the first) */
    uint64_t until;
    const char *what;
} mismatch_t;

/* Runs one way of a case on both machines; false at the first difference (*mm says
 * where, *sa and *sb hold the two states). */
static bool run_way(kseg_t *ref, kseg_t *dut, const seq_t *s, enum way way, uint64_t icount,
                    uint64_t *slices, state_t *sa, state_t *sb, outcome_t *out,
                    mismatch_t *mm)
{
    bool cold = way == WAY_WHOLE;
    start_case(ref, s, cold, icount);
    start_case(dut, s, cold, icount);
    uint64_t end = icount + EXEC_BUDGET(s->len);
    uint64_t cut = 0;
    for (;;) {
        uint64_t until = end;
        if (way == WAY_STEPPED)
            until = ref->cpu->icount + 1;
        else if (way == WAY_SLICED)
            until = ref->cpu->icount + 1 + slice_random(slices) % SLICE_MAX;
        if (until > end)
            until = end;
        uint64_t before = ref->cpu->icount;
        cpu_run(ref->cpu, until);
        cpu_run(dut->cpu, until);
        cut++;
        snapshot(ref, sa);
        snapshot(dut, sb);
        const char *what = first_difference(sa, sb);
        if (what) {
            *mm = (mismatch_t){ .way = way, .cut = cut, .until = until, .what = what };
            return false;
        }
        out->cuts++;
        if (ref->cpu->waiting || ref->cpu->icount >= end || ref->cpu->icount == before)
            break;
    }
    const cp0_t *c = &ref->cpu->cp0;
    out->exc = !ref->cpu->waiting ? -2 : (c->status & ST_EXL) ? (int)((c->cause >> 2) & 0x1F)
                                                              : -1;
    return true;
}

/* ---- Reporting --------------------------------------------------------------------------- */

static void print_states(FILE *f, const char *ra, const state_t *a, const char *rb,
                         const state_t *b)
{
    fprintf(f, "%-16s %-18s %-18s\n", "", ra, rb);
    for (int i = 0; i < a->n; i++) {
        const char *fmt = a->f[i].wide ? "%-16s %-18" PRIu64 " %-18" PRIu64 "%s\n"
                                       : "%-16s 0x%08" PRIx64 "         0x%08" PRIx64 "%s\n";
        fprintf(f, fmt, a->f[i].name, a->f[i].value, b->f[i].value,
                a->f[i].value != b->f[i].value ? "  <<" : "");
    }
    for (int i = 0; i < TLB_ENTRIES; i++) {
        const tlb_entry_t *x = &a->tlb[i], *y = &b->tlb[i];
        if (tlb_equal(x, y))
            continue;
        fprintf(f, "TLB %2d %s: mask %08x hi %08x lo %08x %08x G%d\n", i, ra, x->pagemask,
                x->entryhi, x->entrylo[0], x->entrylo[1], x->global);
        fprintf(f, "TLB %2d %s: mask %08x hi %08x lo %08x %08x G%d  <<\n", i, rb,
                y->pagemask, y->entryhi, y->entrylo[0], y->entrylo[1], y->global);
    }
    int shown = 0;
    for (uint32_t x = 0; x < RAM_SIZE; x++) {
        if (a->ram[x] == b->ram[x])
            continue;
        if (shown++ < 16)
            fprintf(f, "memory 0x%04x: %s %02x %s %02x  <<\n", x, ra, a->ram[x], rb, b->ram[x]);
    }
    if (shown > 16)
        fprintf(f, "memory: %d bytes differ in all\n", shown);
}

static void report(FILE *f, csh cs, const seq_t *s, uint64_t seed, uint64_t index,
                   cpu_accel_t tier, const mismatch_t *mm, const state_t *sa,
                   const state_t *sb, const kseg_t *ref)
{
    const char *rb = accel_name(tier);
    fprintf(f, "diff-tiers: MISMATCH (%s) interp against %s, seed %" PRIu64 " case %" PRIu64
            ", %s run, after cpu_run %" PRIu64 " (until icount %" PRIu64 ")\n"
            "rerun: diff_tiers --seed %" PRIu64 " --first %" PRIu64 " --count 1 --accel %s\n",
            mm->what, rb, seed, index, way_names[mm->way], mm->cut, mm->until, seed, index, rb);
    fprintf(f, "%s case; code at 0x%08x (physical 0x%08x), $gp = 0x%08x",
            s->system ? "system" : "user-level", s->code_va, s->code_pa, s->gp);
    if (s->system)
        fprintf(f, "; Status 0x%08x EntryHi 0x%08x, Compare at Count + %u, %s", s->status,
                s->entryhi, s->compare_in, s->code_pages_max ? "code pages capped" : "");
    fprintf(f, "\n=> marks where the interpreter stopped; delay slots indented\n");
    print_sequence(f, cs, s, ref->cpu->pc);
    /* The code as it is now: stores may have rewritten it. */
    for (int i = 0; i < s->len; i++) {
        uint32_t w;
        memcpy(&w, &sa->ram[s->code_pa + 4u * (uint32_t)i], 4);
        if (w == s->word[i])
            continue;
        char text[200];
        disassemble(cs, w, s->code_va + 4u * (uint32_t)i, text, sizeof text);
        fprintf(f, "  rewritten %08x: %08x  %s\n", s->code_va + 4u * (uint32_t)i, w, text);
    }
    print_states(f, "interp", sa, rb, sb);
}

/* ---- Main -------------------------------------------------------------------------------- */

static void usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s [--seed N] [--count N] [--first N] [--accel cached|jit]\n"
            "          [--jit-hot N] [--out-asm] [--user-only] [--keep-going] [--verbose]\n"
            "  Runs --count random cases (--first.. of --seed) on kseg's interpreter and on\n"
            "  the tier --accel (default cached), every case whole, sliced at random points\n"
            "  and (every fourth) one instruction at a time, and compares the whole state\n"
            "  after every cpu_run. Half the cases are system cases (CP0, TLB, interrupts,\n"
            "  code that rewrites itself) unless --user-only. Stops at the first mismatch\n"
            "  unless --keep-going; --verbose lists every case. --jit-hot: the entries after\n"
            "  which tier 2 compiles a run (default 1: every run is native from the start);\n"
            "  --out-asm prints the x86-64 code it makes (stderr).\n",
            argv0);
}

int main(int argc, char **argv)
{
    uint64_t seed = 1, count = 1000, first = 0;
    bool keep_going = false, verbose = false, user_only = false;
    cpu_accel_t tier = CPU_ACCEL_CACHED;
    unsigned jit_hot = 1;             /* tier 2 compiles every run the first time it runs */
    static const struct option options[] = {
        { "seed", required_argument, NULL, 's' },
        { "count", required_argument, NULL, 'n' },
        { "first", required_argument, NULL, 'f' },
        { "accel", required_argument, NULL, 'a' },
        { "jit-hot", required_argument, NULL, 'j' },
        { "out-asm", no_argument, NULL, 'o' },
        { "user-only", no_argument, NULL, 'u' },
        { "keep-going", no_argument, NULL, 'k' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    while ((opt = getopt_long(argc, argv, "s:n:f:a:j:oukvh", options, NULL)) != -1) {
        switch (opt) {
        case 's': seed = strtoull(optarg, NULL, 0); break;
        case 'n': count = strtoull(optarg, NULL, 0); break;
        case 'f': first = strtoull(optarg, NULL, 0); break;
        case 'a':
            if (!parse_accel(optarg, &tier)) {
                fprintf(stderr, "diff-tiers: unknown tier '%s' (interp, cached, jit)\n", optarg);
                return 2;
            }
            break;
        case 'j':
            jit_hot = (unsigned)strtoul(optarg, NULL, 0);
            if (jit_hot < 1 || jit_hot > 255) {
                fprintf(stderr, "diff-tiers: --jit-hot takes 1..255\n");
                return 2;
            }
            break;
        case 'o':                      /* tier 2's code for each block, on stderr */
            log_mask |= LOG_OUT_ASM;
            log_file = stderr;
            break;
        case 'u': user_only = true; break;
        case 'k': keep_going = true; break;
        case 'v': verbose = true; break;
        case 'h': usage(argv[0]); return 0;
        default: usage(argv[0]); return 2;
        }
    }

    csh cs;
    if (cs_open(CS_ARCH_MIPS, CS_MODE_MIPS32 | CS_MODE_LITTLE_ENDIAN, &cs) != CS_ERR_OK) {
        fprintf(stderr, "diff-tiers: capstone will not open\n");
        return 2;
    }
    kseg_t ref, dut;
    kseg_open(&ref, CPU_ACCEL_INTERP);
    kseg_open(&dut, tier);
    dut.cpu->jit_hot = (uint8_t)jit_hot;
    seq_t *s = malloc(sizeof *s);
    state_t *sa = malloc(sizeof *sa), *sb = malloc(sizeof *sb);
    if (!s || !sa || !sb) {
        fprintf(stderr, "diff-tiers: out of memory\n");
        return 2;
    }

    uint64_t ran = 0, mismatches = 0, system_cases = 0, cuts = 0, budget_ends = 0;
    uint64_t by_exc[32] = { 0 };
    for (uint64_t i = first; i < first + count; i++) {
        /* Odd cases are system cases: the even ones are diff_unicorn's, case for case. */
        gen_options_t gopt = { .system = !user_only && (i & 1) };
        generate(s, seed, i, &gopt);
        check_sequence(s, i, "diff-tiers");
        ran++;
        system_cases += s->system;
        if (verbose) {
            printf("case %" PRIu64 " (%s):\n", i, s->system ? "system" : "user-level");
            print_sequence(stdout, cs, s, UINT32_MAX);
        }
        /* The same icount on both machines; it differs from case to case, and so does Count. */
        uint64_t icount = (i + 1) * 0x10000u + (i * 0x9E37u & 0xFFFFu);
        uint64_t slices = seed * 0xD1B54A32D192ED03ull ^ i;
        bool bad = false;
        for (int w = WAY_WHOLE; w <= WAY_STEPPED && !bad; w++) {
            if (w == WAY_STEPPED && i % STEPPED_EVERY)
                continue;
            outcome_t out = { 0 };
            mismatch_t mm;
            if (!run_way(&ref, &dut, s, (enum way)w, icount, &slices, sa, sb, &out, &mm)) {
                report(stdout, cs, s, seed, i, tier, &mm, sa, sb, &ref);
                bad = true;
                break;
            }
            cuts += out.cuts;
            if (w == WAY_WHOLE) {
                if (out.exc >= 0)
                    by_exc[out.exc & 31]++;
                else if (out.exc == -2)
                    budget_ends++;
            }
        }
        if (bad) {
            mismatches++;
            if (!keep_going)
                break;
        }
    }

    printf("diff-tiers: %" PRIu64 " cases (%" PRIu64 " system), %" PRIu64 " states compared;"
           " ends:", ran, system_cases, cuts);
    for (int e = 0; e < 32; e++)
        if (by_exc[e])
            printf(" %s %" PRIu64, e == EXC_BP ? "Bp (incl. the end)" : exc_name(e), by_exc[e]);
    printf(" budget %" PRIu64 "\n", budget_ends);
    printf("diff-tiers: interp against %s: %" PRIu64 " cases, %" PRIu64 " mismatches\n",
           accel_name(tier), ran, mismatches);
    if (tier == CPU_ACCEL_JIT)
        printf("diff-tiers: tier 2 compiled %" PRIu64 " blocks as register-held loops\n",
               jit_loop_blocks);
    printf("%" PRIu64 " passed, %" PRIu64 " failed\n", ran - mismatches, mismatches);

    free(s);
    free(sa);
    free(sb);
    kseg_close(&ref);
    kseg_close(&dut);
    cs_close(&cs);
    return mismatches ? 1 : 0;
}
