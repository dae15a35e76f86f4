/* Differential test of kseg's CPU core against Unicorn (QEMU's MIPS translator as a library).
 *
 * Design note. Each case is a random but architecturally well-defined MIPS32r2 sequence of
 * 8..40 instructions with a random initial state (GPRs, HI, LO, an 8 KiB scratch area), made
 * by gen.c (shared with diff_tiers). Both CPUs get the same physical memory image, run the sequence from its first instruction to
 * the address just after its last, and must end with the same GPRs, HI, LO and memory, or
 * take the same exception at the same instruction.
 *
 * Physical layout, the same on both sides: code in 0x1000..0x2FFF (half the cases straddle
 * the page boundary at 0x2000, delay slots included), scratch data at 0x3000..0x4FFF.
 * The code runs in kseg0, kseg1 or kuseg (both CPUs come out of reset with Status.ERL set,
 * which makes kuseg an identity window), and data is reached through all three as well.
 * $gp is the one reserved register: it points into the scratch area and no generated
 * instruction writes it, so single-instruction loads and stores (which may sit in delay
 * slots) always have a base; other accesses compute their own base inside their group.
 *
 * The generator builds a sequence from groups (one instruction, a branch and its delay slot,
 * an address computation and its access, an LL/SC pair). Branches go forward only, to the
 * start of a later group or to the end, so every case terminates and no branch lands in a
 * delay slot or between an LL and its SC. Exceptions come from ADD/ADDI/SUB overflow, traps,
 * misaligned data accesses, JR/JALR to a misaligned target, SYSCALL, BREAK and encodings
 * the 24Kc reserves (gen_reserved); UNPREDICTABLE encodings are never generated.
 *
 * Stopping: a BREAK with a code of its own follows the last instruction, so both CPUs end
 * every case in an exception, and "ran to the end" means "took that BREAK". Unicorn's own
 * stop at an `until` address is not used: its final PC there is not the `until` address but
 * the last instruction its code hook saw. kseg then runs into the WAITs that fill a small ROM
 * at the BEV exception vectors; with interrupts masked, WAIT makes cpu_run return.
 *
 * Exceptions: Unicorn does not model MIPS exception entry. Its interrupt hook receives QEMU's
 * EXCP_* number, and the PC it shows at that point is not the faulting instruction's (Unicorn
 * overwrites it with its `next_pc` before calling the hook), so the faulting instruction is
 * taken to be the last one the code hook reported. On kseg, EPC, Cause.BD, Cause.CE,
 * BadVAddr and the vector are checked against what the generator knows about the sequence.
 *
 * Where Unicorn or QEMU departs from the architecture, the generator steers clear and the
 * comment at the spot says why: misaligned SC (group menu, K_MISALIGN), reserved encodings
 * QEMU runs or classifies differently (gen_reserved), state that survives a stop in a delay
 * slot and translated code that survives uc_mem_write (ucside_run). */
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include "gen.h"

#define UC_NO_UNTIL  0xFFFFFFF0u               /* an `until` address no case reaches */

static const char *tier_name = "interp";       /* kseg's tier (--accel), for the reports */

/* ---- Results ----------------------------------------------------------------------------- */

typedef struct result {
    uint32_t gpr[32], hi, lo;
    int exc;                       /* Cause.ExcCode, or -1 when the sequence ran to its end */
    uint32_t pc;                   /* the end address, or the faulting instruction */
    char note[256];                /* problems only one side can show (empty when none) */
    uint8_t ram[RAM_SIZE];
} result_t;

static void add_note(result_t *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(result_t *res, const char *fmt, ...)
{
    size_t used = strlen(res->note);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->note + used, sizeof res->note - used, fmt, ap);
    va_end(ap);
}

/* ---- kseg -------------------------------------------------------------------------------- */

/* The address a load or store at `word` accesses, given the registers before it. */
static uint32_t effective_address(uint32_t word, const uint32_t *gpr)
{
    return gpr[(word >> 21) & 31] + (uint32_t)(int32_t)(int16_t)word;
}

/* Runs a case on kseg. `cold`: the code pages start undecoded, as after any host write; the
 * second, warm run of the same case finds every instruction it reached decoded already. */
static void kseg_run(kseg_t *k, const seq_t *s, result_t *res, bool cold)
{
    cpu_t *cpu = k->cpu;
    uint32_t end = s->code_va + 4u * (uint32_t)s->len;

    memcpy(k->ram, s->ram, RAM_SIZE);   /* the same code bytes for a warm run */
    if (cold)
        cpu_invalidate_code(cpu, 0, RAM_SIZE);
    cpu_reset(cpu);
    memcpy(&cpu->gpr[1], &s->gpr[1], 31 * sizeof(uint32_t));
    cpu->hi = s->hi;
    cpu->lo = s->lo;
    cpu->pc = s->code_va;
    cpu_run(cpu, cpu->icount + EXEC_BUDGET(s->len));

    memcpy(res->gpr, cpu->gpr, sizeof res->gpr);
    res->hi = cpu->hi;
    res->lo = cpu->lo;
    memcpy(res->ram, k->ram, RAM_SIZE);
    res->note[0] = 0;
    if (cpu->gpr[0] != 0)
        add_note(res, "$zero = 0x%08x; ", cpu->gpr[0]);
    if (!cpu->waiting)
        add_note(res, "did not stop (pc 0x%08x); ", cpu->pc);

    const cp0_t *c = &cpu->cp0;
    if (!(c->status & ST_EXL)) {
        res->exc = -1;
        res->pc = cpu->pc;
        add_note(res, "no exception, not even the final BREAK; ");
        return;
    }
    res->exc = (int)((c->cause >> 2) & 0x1F);
    bool bd = (c->cause & CAUSE_BD) != 0;
    res->pc = c->epc + (bd ? 4 : 0);
    if (cpu->pc != VECTOR_GENERAL + 4)
        add_note(res, "vector: stopped at 0x%08x; ", cpu->pc);
    if (res->exc == EXC_BP && res->pc == end && !bd) {
        res->exc = -1;
        return;
    }
    if (res->exc == EXC_ADEL && (res->pc & 3) && !bd) {
        /* A fetch from a misaligned jump target. */
        if (c->badvaddr != res->pc)
            add_note(res, "BadVAddr 0x%08x, expected 0x%08x; ", c->badvaddr, res->pc);
        return;
    }
    uint32_t idx = (res->pc - s->code_va) / 4;
    if (res->pc < s->code_va || idx >= (uint32_t)s->len || (res->pc & 3)) {
        add_note(res, "EPC 0x%08x outside the sequence; ", c->epc);
        return;
    }
    if (bd != ((s->flags[idx] & SEQ_DELAY) != 0))
        add_note(res, "Cause.BD = %d; ", bd);
    if (res->exc == EXC_CPU) {
        int ce = (int)((c->cause >> 28) & 3);
        if (ce != cop_unusable_ce(s->word[idx]))
            add_note(res, "Cause.CE = %d; ", ce);
    }
    if (res->exc == EXC_ADEL || res->exc == EXC_ADES) {
        uint32_t ea = effective_address(s->word[idx], res->gpr);
        if (c->badvaddr != ea)
            add_note(res, "BadVAddr 0x%08x, expected 0x%08x; ", c->badvaddr, ea);
    }
}

/* ---- Unicorn ----------------------------------------------------------------------------- */

typedef struct uc_trace {
    uint32_t last_pc;              /* the instruction the code hook saw last */
    bool intr;
    uint32_t intno, intr_pc;
} uc_trace_t;

typedef struct ucside {
    uc_engine *uc;
    uc_hook code_hook, intr_hook;
    uc_context *fresh;             /* the CPU state before the first case */
    uc_trace_t trace;
} ucside_t;

/* QEMU's MIPS exception numbers (target/mips/cpu.h, EXCP_*) as Cause.ExcCode. */
static int excp_to_exccode(uint32_t intno)
{
    switch (intno) {
    case 12: return EXC_ADEL;
    case 13: return EXC_ADES;
    case 17: return EXC_SYS;
    case 18: return EXC_BP;
    case 19: return EXC_CPU;
    case 20: return EXC_RI;
    case 21: return EXC_OV;
    case 22: return EXC_TR;
    default: return 100 + (int)intno;
    }
}

static void uc_on_code(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    (void)uc;
    (void)size;
    ((uc_trace_t *)user)->last_pc = (uint32_t)address;
}

static void uc_on_intr(uc_engine *uc, uint32_t intno, void *user)
{
    uc_trace_t *t = user;
    if (!t->intr) {
        t->intr = true;
        t->intno = intno;
        t->intr_pc = t->last_pc;
    }
    uc_emu_stop(uc);
}

static void uc_check(uc_err err, const char *what)
{
    if (err != UC_ERR_OK) {
        fprintf(stderr, "diff-unicorn: %s: %s\n", what, uc_strerror(err));
        exit(2);
    }
}

static void ucside_open(ucside_t *u)
{
    uc_check(uc_open(UC_ARCH_MIPS, UC_MODE_MIPS32 | UC_MODE_LITTLE_ENDIAN, &u->uc), "uc_open");
    /* The CPU QEMU's Malta and kseg model. */
    uc_check(uc_ctl_set_cpu_model(u->uc, UC_CPU_MIPS32_24KC), "cpu model");
    uc_check(uc_mem_map(u->uc, 0, RAM_SIZE, UC_PROT_ALL), "uc_mem_map");
    uc_check(uc_hook_add(u->uc, &u->code_hook, UC_HOOK_CODE, (void *)uc_on_code, &u->trace,
                         1, 0), "code hook");
    uc_check(uc_hook_add(u->uc, &u->intr_hook, UC_HOOK_INTR, (void *)uc_on_intr, &u->trace,
                         1, 0), "interrupt hook");
    uc_check(uc_context_alloc(u->uc, &u->fresh), "uc_context_alloc");
    uc_check(uc_context_save(u->uc, u->fresh), "uc_context_save");
}

static void ucside_run(ucside_t *u, const seq_t *s, result_t *res)
{
    int ids[34];
    void *vals[34];
    uint32_t regs[34];
    for (int i = 0; i < 32; i++) {
        ids[i] = UC_MIPS_REG_0 + i;
        vals[i] = &regs[i];
        regs[i] = s->gpr[i];
    }
    ids[32] = UC_MIPS_REG_HI;
    ids[33] = UC_MIPS_REG_LO;
    vals[32] = &regs[32];
    vals[33] = &regs[33];
    regs[0] = 0;
    regs[32] = s->hi;
    regs[33] = s->lo;

    uint32_t end = s->code_va + 4u * (uint32_t)s->len;
    /* Unicorn quirk: a stop in the interrupt hook leaves QEMU's hidden CPU state as the
     * exception found it. After a fault in a delay slot the branch state (hflags, btarget)
     * survives, and the next case would branch after its first instruction. Each case
     * therefore starts from the state saved before the first one. */
    uc_check(uc_context_restore(u->uc, u->fresh), "uc_context_restore");
    uc_check(uc_mem_write(u->uc, 0, s->ram, RAM_SIZE), "uc_mem_write");
    /* Unicorn quirk: uc_mem_write leaves translated code alone (2.0.1: nearly every case
     * then runs the previous case's blocks). Drop them explicitly. Unicorn translates the
     * (virtual) range to physical addresses, so kseg0's range covers all three segments. */
    uc_check(uc_ctl_remove_cache(u->uc, segments[0] + CODE_PADDR,
                                 segments[0] + CODE_PADDR + CODE_SIZE), "remove cache");
    uc_check(uc_reg_write_batch(u->uc, ids, vals, 34), "uc_reg_write_batch");
    memset(&u->trace, 0, sizeof u->trace);

    res->note[0] = 0;
    uc_err err = uc_emu_start(u->uc, s->code_va, UC_NO_UNTIL, 0, EXEC_BUDGET(s->len));
    if (err != UC_ERR_OK)
        add_note(res, "uc_emu_start: %s; ", uc_strerror(err));

    uc_check(uc_reg_read_batch(u->uc, ids, vals, 34), "uc_reg_read_batch");
    memcpy(res->gpr, regs, sizeof res->gpr);
    res->hi = regs[32];
    res->lo = regs[33];
    uc_check(uc_mem_read(u->uc, 0, res->ram, RAM_SIZE), "uc_mem_read");
    if (u->trace.intr) {
        res->exc = excp_to_exccode(u->trace.intno);
        res->pc = u->trace.intr_pc;
        uint32_t idx = (res->pc - s->code_va) / 4;
        if (res->exc == EXC_BP && res->pc == end)
            res->exc = -1;
        else if (res->exc == EXC_ADEL && idx < (uint32_t)s->len &&
                 (s->flags[idx] & SEQ_BADJUMP))
            res->pc = s->bad_target[idx];   /* the fetch after the delay slot faulted */
    } else {
        res->exc = -1;
        res->pc = u->trace.last_pc;
        add_note(res, "no exception, not even the final BREAK; ");
    }
}

/* ---- Reporting --------------------------------------------------------------------------- */

static bool same_result(const result_t *a, const result_t *b)
{
    return a->exc == b->exc && a->pc == b->pc && a->hi == b->hi && a->lo == b->lo &&
           !memcmp(&a->gpr[1], &b->gpr[1], 31 * sizeof(uint32_t)) &&
           !memcmp(a->ram, b->ram, RAM_SIZE) && !a->note[0] && !b->note[0];
}

static void report(FILE *f, csh cs, const seq_t *s, uint64_t seed, uint64_t index,
                   const result_t *k, const char *kname, const result_t *u, const char *uname)
{
    fprintf(f, "diff-unicorn: MISMATCH, seed %" PRIu64 " case %" PRIu64
            " (rerun: diff_unicorn --seed %" PRIu64 " --first %" PRIu64 " --count 1"
            " --accel %s)\n", seed, index, seed, index, tier_name);
    fprintf(f, "code at 0x%08x, $gp = 0x%08x; => marks %s's stop, delay slots indented\n",
            s->code_va, s->gp, kname);
    print_sequence(f, cs, s, k->pc);
    fprintf(f, "%-10s %-10s %-10s %-10s\n", "", "initial", kname, uname);
    fprintf(f, "%-10s %-10s %-10s %-10s%s\n", "exception", "", exc_name(k->exc),
            exc_name(u->exc), k->exc != u->exc ? "  <<" : "");
    fprintf(f, "%-10s %-10s 0x%08x 0x%08x%s\n", "pc", "", k->pc, u->pc,
            k->pc != u->pc ? "  <<" : "");
    for (int i = 1; i < 32; i++)
        fprintf(f, "%-10s 0x%08x 0x%08x 0x%08x%s\n", reg_names[i], s->gpr[i], k->gpr[i],
                u->gpr[i], k->gpr[i] != u->gpr[i] ? "  <<" : "");
    fprintf(f, "%-10s 0x%08x 0x%08x 0x%08x%s\n", "hi", s->hi, k->hi, u->hi,
            k->hi != u->hi ? "  <<" : "");
    fprintf(f, "%-10s 0x%08x 0x%08x 0x%08x%s\n", "lo", s->lo, k->lo, u->lo,
            k->lo != u->lo ? "  <<" : "");
    if (u->exc >= 100)
        fprintf(f, "%s raised QEMU exception %d, which has no mapping here\n", uname,
                u->exc - 100);
    int shown = 0;
    for (uint32_t a = 0; a < RAM_SIZE; a++) {
        if (k->ram[a] == u->ram[a])
            continue;
        if (shown++ < 16)
            fprintf(f, "memory 0x%04x: initial %02x %s %02x %s %02x\n", a, s->ram[a],
                    kname, k->ram[a], uname, u->ram[a]);
    }
    if (shown > 16)
        fprintf(f, "memory: %d bytes differ in all\n", shown);
    if (k->note[0])
        fprintf(f, "%s: %s\n", kname, k->note);
    if (u->note[0])
        fprintf(f, "%s: %s\n", uname, u->note);
}

/* ---- Main -------------------------------------------------------------------------------- */

static void usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s [--seed N] [--count N] [--first N] [--accel interp|cached|jit]\n"
            "          [--keep-going] [--verbose]\n"
            "  Runs --count random instruction sequences (cases --first.. of --seed) on kseg\n"
            "  (the execution tier --accel, default interp) and on Unicorn and compares the\n"
            "  results. Stops at the first mismatch unless --keep-going; --verbose prints\n"
            "  every sequence.\n", argv0);
}

int main(int argc, char **argv)
{
    uint64_t seed = 1, count = 1000, first = 0;
    bool keep_going = false, verbose = false;
    cpu_accel_t accel = CPU_ACCEL_INTERP;
    static const struct option options[] = {
        { "seed", required_argument, NULL, 's' },
        { "count", required_argument, NULL, 'n' },
        { "first", required_argument, NULL, 'f' },
        { "keep-going", no_argument, NULL, 'k' },
        { "verbose", no_argument, NULL, 'v' },
        { "accel", required_argument, NULL, 'a' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    while ((opt = getopt_long(argc, argv, "s:n:f:kvha:", options, NULL)) != -1) {
        switch (opt) {
        case 's': seed = strtoull(optarg, NULL, 0); break;
        case 'n': count = strtoull(optarg, NULL, 0); break;
        case 'f': first = strtoull(optarg, NULL, 0); break;
        case 'k': keep_going = true; break;
        case 'v': verbose = true; break;
        case 'a':
            if (!parse_accel(optarg, &accel)) {
                fprintf(stderr, "diff-unicorn: unknown tier '%s' (interp, cached, jit)\n", optarg);
                return 2;
            }
            break;
        case 'h': usage(argv[0]); return 0;
        default: usage(argv[0]); return 2;
        }
    }

    csh cs;
    if (cs_open(CS_ARCH_MIPS, CS_MODE_MIPS32 | CS_MODE_LITTLE_ENDIAN, &cs) != CS_ERR_OK) {
        fprintf(stderr, "diff-unicorn: capstone will not open\n");
        return 2;
    }
    kseg_t k;
    ucside_t u;
    kseg_open(&k, accel);
    tier_name = accel_name(accel);
    ucside_open(&u);
    seq_t *s = malloc(sizeof *s);
    result_t *rk = malloc(sizeof *rk), *rw = malloc(sizeof *rw), *ru = malloc(sizeof *ru);
    if (!s || !rk || !rw || !ru) {
        fprintf(stderr, "diff-unicorn: out of memory\n");
        return 2;
    }

    uint64_t ran = 0, mismatches = 0, completed = 0, insns = 0;
    uint64_t by_exc[32] = { 0 };
    for (uint64_t i = first; i < first + count; i++) {
        generate(s, seed, i, &(gen_options_t){ .system = false });
        check_sequence(s, i, "diff-unicorn");
        kseg_run(&k, s, rk, true);
        kseg_run(&k, s, rw, false);
        ucside_run(&u, s, ru);
        ran++;
        insns += (uint64_t)s->len;
        if (rk->exc < 0)
            completed++;
        else
            by_exc[rk->exc & 31]++;
        if (verbose) {
            printf("case %" PRIu64 ": %s at 0x%08x\n", i, exc_name(rk->exc), rk->pc);
            print_sequence(stdout, cs, s, rk->pc);
        }
        bool bad = false;
        if (!same_result(rk, ru)) {
            report(stdout, cs, s, seed, i, rk, "kseg", ru, "unicorn");
            bad = true;
        } else if (!same_result(rk, rw)) {
            report(stdout, cs, s, seed, i, rk, "kseg", rw, "kseg-warm");
            bad = true;
        }
        if (bad) {
            mismatches++;
            if (!keep_going)
                break;
        }
    }

    printf("diff-unicorn: %" PRIu64 " instructions generated; %" PRIu64 " cases ran to the end;"
           " exceptions:", insns, completed);
    for (int e = 0; e < 32; e++)
        if (by_exc[e])
            printf(" %s %" PRIu64, exc_name(e), by_exc[e]);
    printf("\n");
    printf("diff-unicorn: %" PRIu64 " sequences on kseg -accel %s, %" PRIu64 " mismatches\n",
           ran, accel_name(accel), mismatches);
    printf("%" PRIu64 " passed, %" PRIu64 " failed\n", ran - mismatches, mismatches);

    free(s);
    free(rk);
    free(rw);
    free(ru);
    uc_context_free(u.fresh);
    uc_close(u.uc);
    kseg_close(&k);
    cs_close(&cs);
    return mismatches ? 1 : 0;
}
