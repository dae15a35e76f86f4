/* Differential test of kseg's CPU core against Unicorn (QEMU's MIPS translator as a library).
 *
 * Design note. Each case is a random but architecturally well-defined MIPS32r2 sequence of
 * 8..40 instructions with a random initial state (GPRs, HI, LO, an 8 KiB scratch area). Both
 * CPUs get the same physical memory image, run the sequence from its first instruction to
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

#include "cpu/cpu.h"
#include "mmu/bus.h"

/* ---- Memory layout and limits ---------------------------------------------------------- */

#define RAM_SIZE     0x5000u
#define CODE_PADDR   0x1000u
#define CODE_SIZE    0x2000u
#define DATA_PADDR   0x3000u
#define DATA_SIZE    0x2000u
/* $gp sits 2 KiB into the scratch area: a signed 16-bit offset reaches -2 KiB..+2 KiB, and an
 * index of up to 2 KiB on top of that still stays inside the 8 KiB. */
#define GP_PADDR     (DATA_PADDR + 0x800u)
#define ROM_PADDR    0x1FC00000u
#define ROM_SIZE     0x1000u
#define VECTOR_GENERAL 0xBFC00380u   /* Status.BEV = 1, Status.EXL was 0 */

#define REG_GP       28
#define INSN_WAIT    0x42000020u
#define INSN_END     ((0xE2D5Fu << 6) | 0x0Du)  /* BREAK 0xE2D5F: the end of a sequence */
#define UC_NO_UNTIL  0xFFFFFFF0u               /* an `until` address no case reaches */

#define MIN_LEN      8
#define MAX_LEN      40
#define MAX_GROUP    8               /* the longest group the generator emits */
/* Instructions a case may execute: loops run their body up to four times. Both CPUs stop
 * there, so a runaway shows as a mismatch rather than a hang. */
#define EXEC_BUDGET(len) (8u * (unsigned)(len) + 64u)
#define MAX_INSNS    (MAX_LEN + MAX_GROUP)

/* Sequence flags, per instruction index (index len is the end address). */
#define SEQ_TARGET   1u   /* a group starts here: branches may land here */
#define SEQ_DELAY    2u   /* the instruction sits in a delay slot */
#define SEQ_BADJUMP  4u   /* ...of a JR/JALR to a misaligned address (in bad_target[]) */

static const char *const reg_names[32] = {
    "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3", "t0", "t1", "t2", "t3", "t4", "t5",
    "t6", "t7", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "t8", "t9", "k0", "k1",
    "gp", "sp", "fp", "ra",
};

/* ---- Random numbers: splitmix64, one stream per (seed, case) so any case reruns alone --- */

typedef struct rng { uint64_t s; } rng_t;

static uint64_t rng_next(rng_t *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static uint32_t rng32(rng_t *r) { return (uint32_t)(rng_next(r) >> 32); }
/* Uniform in [0, n). */
static uint32_t rnd(rng_t *r, uint32_t n) { return (uint32_t)(((uint64_t)rng32(r) * n) >> 32); }
static bool chance(rng_t *r, unsigned percent) { return rnd(r, 100) < percent; }

/* ---- Instruction encoding ---------------------------------------------------------------- */

static uint32_t enc_r(unsigned rs, unsigned rt, unsigned rd, unsigned sa, unsigned fn)
{
    return (uint32_t)(rs << 21 | rt << 16 | rd << 11 | sa << 6 | fn);
}
static uint32_t enc_i(unsigned op, unsigned rs, unsigned rt, uint16_t imm)
{
    return (uint32_t)(op << 26 | rs << 21 | rt << 16) | imm;
}
static uint32_t enc_sp2(unsigned rs, unsigned rt, unsigned rd, unsigned fn)
{
    return 0x1Cu << 26 | enc_r(rs, rt, rd, 0, fn);
}
static uint32_t enc_sp3(unsigned rs, unsigned rt, unsigned rd, unsigned sa, unsigned fn)
{
    return 0x1Fu << 26 | enc_r(rs, rt, rd, sa, fn);
}

enum {   /* primary opcodes */
    OPC_REGIMM = 0x01, OPC_J = 0x02, OPC_JAL = 0x03, OPC_BEQ = 0x04, OPC_BNE = 0x05,
    OPC_BLEZ = 0x06, OPC_BGTZ = 0x07, OPC_ADDI = 0x08, OPC_ADDIU = 0x09, OPC_SLTI = 0x0A,
    OPC_SLTIU = 0x0B, OPC_ANDI = 0x0C, OPC_ORI = 0x0D, OPC_XORI = 0x0E, OPC_LUI = 0x0F,
    OPC_BEQL = 0x14, OPC_BNEL = 0x15, OPC_BLEZL = 0x16, OPC_BGTZL = 0x17,
    OPC_LB = 0x20, OPC_LH = 0x21, OPC_LWL = 0x22, OPC_LW = 0x23, OPC_LBU = 0x24,
    OPC_LHU = 0x25, OPC_LWR = 0x26, OPC_SB = 0x28, OPC_SH = 0x29, OPC_SWL = 0x2A,
    OPC_SW = 0x2B, OPC_SWR = 0x2E, OPC_LL = 0x30, OPC_PREF = 0x33, OPC_SC = 0x38,
};

/* ---- A test case ------------------------------------------------------------------------- */

enum fix_kind { FIX_BRANCH, FIX_JUMP, FIX_JREG, FIX_JREG_MISALIGNED };

typedef struct seq {
    uint32_t code_va;              /* where the first instruction is */
    uint32_t code_pa;
    uint32_t gp;                   /* $gp: the scratch base, in one of the three segments */
    int len;
    uint32_t word[MAX_INSNS];
    uint8_t flags[MAX_INSNS + 1];
    uint32_t bad_target[MAX_INSNS]; /* per SEQ_BADJUMP delay slot: where its jump goes */
    int nfix;
    struct fixup { int at; enum fix_kind kind; } fix[MAX_INSNS];
    uint32_t gpr[32], hi, lo;      /* the initial state */
    uint8_t ram[RAM_SIZE];         /* the initial memory image */
} seq_t;

typedef struct gen {
    rng_t rng;
    seq_t *seq;
    uint8_t hot[6];                /* registers most instructions use: long dependency chains */
    uint8_t keep;                  /* a register no instruction may write now (0: none) */
} gen_t;

static void emit(gen_t *g, uint32_t word, unsigned flags)
{
    seq_t *s = g->seq;
    s->flags[s->len] = (uint8_t)flags;
    s->word[s->len++] = word;
}

/* Values that make arithmetic interesting: small numbers, the overflow edges, lone bits. */
static uint32_t rand_value(rng_t *r)
{
    static const uint32_t edges[] = {
        0, 1, 2, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, 0x80000001u, 0x7FFFFFFEu, 0xFFFFu,
        0xFFFF0000u, 0x8000u, 0xFFFF8000u, 0x7FFFu, 0xFFFFFFFEu, 0x00FF00FFu, 0xFF00FF00u,
    };
    switch (rnd(r, 8)) {
    case 0: case 1: return (uint32_t)((int32_t)rnd(r, 17) - 8);
    case 2: return edges[rnd(r, sizeof edges / sizeof edges[0])];
    case 3: { uint32_t b = 1u << rnd(r, 32); return chance(r, 50) ? b : ~b; }
    default: return rng32(r);
    }
}

static uint16_t rand_imm(rng_t *r)
{
    static const uint16_t edges[] = { 0, 1, 0x7FFF, 0x8000, 0xFFFF, 0x7FFE, 0x8001, 0xFFFE };
    switch (rnd(r, 6)) {
    case 0: case 1: return (uint16_t)((int)rnd(r, 33) - 16);
    case 2: return edges[rnd(r, sizeof edges / sizeof edges[0])];
    default: return (uint16_t)rng32(r);
    }
}

static unsigned src_reg(gen_t *g)
{
    unsigned p = rnd(&g->rng, 100);
    if (p < 50)
        return g->hot[rnd(&g->rng, sizeof g->hot)];
    if (p < 58)
        return 0;
    return rnd(&g->rng, 32);
}

/* Any register but $gp (and g->keep); $zero now and then (its writes must vanish). */
static unsigned dst_reg(gen_t *g)
{
    unsigned r;
    do {
        unsigned p = rnd(&g->rng, 100);
        if (p < 3)
            r = 0;
        else if (p < 63)
            r = g->hot[rnd(&g->rng, sizeof g->hot)];
        else
            r = 1 + rnd(&g->rng, 31);
    } while (r == REG_GP || (g->keep && r == g->keep));
    return r;
}

static unsigned dst_reg_nonzero(gen_t *g)
{
    unsigned r;
    do
        r = dst_reg(g);
    while (r == 0);
    return r;
}

/* A signed 16-bit displacement aligned to `align`. */
static uint16_t rand_disp(rng_t *r, unsigned align)
{
    int off = (int)rnd(r, 0x1000) - 0x800;
    return (uint16_t)(off & ~(int)(align - 1));
}

/* ---- Single instructions --------------------------------------------------------------- */

enum simple_kind {
    K_ALU3, K_ALU3_OV, K_ALUI, K_ALUI_OV, K_LUI, K_SHIFT, K_SHIFTV, K_MULDIV, K_HILO, K_MUL2,
    K_BITS, K_EXTINS, K_MOVC, K_LOAD, K_STORE, K_LWLR, K_SWLR, K_MISALIGN, K_TRAP, K_TRAPI,
    K_SYSBRK, K_HINT, K_RESERVED, K_COUNT
};

/* Relative weights of the single-instruction menu (about per mille). The ones that can raise an exception
 * (the _OV forms, traps, misaligned accesses, SYSCALL/BREAK) are kept rare so that most cases
 * run for a while before they stop. */
static const unsigned simple_weight[K_COUNT] = {
    [K_ALU3] = 150, [K_ALU3_OV] = 20, [K_ALUI] = 100, [K_ALUI_OV] = 12, [K_LUI] = 25,
    [K_SHIFT] = 70, [K_SHIFTV] = 50, [K_MULDIV] = 60, [K_HILO] = 60, [K_MUL2] = 60,
    [K_BITS] = 50, [K_EXTINS] = 50, [K_MOVC] = 40, [K_LOAD] = 80, [K_STORE] = 60,
    [K_LWLR] = 40, [K_SWLR] = 40, [K_MISALIGN] = 5, [K_TRAP] = 5, [K_TRAPI] = 5,
    [K_SYSBRK] = 2, [K_HINT] = 10, [K_RESERVED] = 4,
};

static unsigned pick_weighted(rng_t *r, const unsigned *weight, unsigned n)
{
    unsigned total = 0;
    for (unsigned i = 0; i < n; i++)
        total += weight[i];
    unsigned x = rnd(r, total);
    for (unsigned i = 0; i < n; i++) {
        if (x < weight[i])
            return i;
        x -= weight[i];
    }
    return n - 1;
}

static uint32_t gen_load_store(gen_t *g, unsigned base, uint16_t disp_for_size[3], bool store)
{
    static const unsigned loads[] = { OPC_LB, OPC_LBU, OPC_LH, OPC_LHU, OPC_LW };
    static const unsigned load_size_idx[] = { 0, 0, 1, 1, 2 };
    static const unsigned stores[] = { OPC_SB, OPC_SH, OPC_SW };
    rng_t *r = &g->rng;
    if (store) {
        unsigned i = rnd(r, 3);
        return enc_i(stores[i], base, src_reg(g), disp_for_size[i]);
    }
    unsigned i = rnd(r, 5);
    return enc_i(loads[i], base, dst_reg(g), disp_for_size[load_size_idx[i]]);
}

/* An encoding the 24Kc does not implement: Reserved Instruction, or Coprocessor Unusable for
 * the absent FPU. The fields left free are random. Left out on purpose: JALX and odd jump
 * targets (MIPS16e, which QEMU's 24Kc has and kseg does not), SDBBP (debug mode), RDHWR
 * (Unicorn sets Config3.ULRI, so UserLocal is readable there), CP0 (no CP0 ops here).
 *
 * QEMU quirks worked around (kseg follows the architecture in each):
 *  - COP1 with an rs (fmt) QEMU does not decode, MSA's BZ.V among them: QEMU raises RI;
 *    with CU1 = 0 the architecture (and kseg) raise Coprocessor Unusable for the whole COP1
 *    space. Only the rs values QEMU decodes are generated.
 *  - SPECIAL function 0x05 is reserved in MIPS32r2; QEMU runs it as the unofficial PMON
 *    call (a NOP, or $v0 = -1). Not generated.
 *  - SPECIAL3 encodings with a $zero destination: QEMU's decoders for BSHFL and the DSP ASE
 *    groups (ADDU.QB, SHLL.QB, EXTR.W, ...) return early, as a NOP, when the destination
 *    is $zero, before they find the encoding reserved (no DSP on the 24Kc). Generated with
 *    rd and rt both non-zero only.
 *  - COP2, LWC2, SWC2, LDC2, SDC2 are not generated: with CU2 = 0 kseg raises Coprocessor
 *    Unusable (CE = 2), but QEMU's 24Kc decodes COP2 only for Loongson and raises RI.
 *  - Nothing QEMU decodes as a branch goes in a delay slot: BC1 (COP1 rs = 8) there makes
 *    Unicorn abort the whole process ("unknown branch 0x13000", after JR), and the REGIMM
 *    space holds DSP and Release 6 branches. */
static uint32_t gen_reserved(rng_t *r, bool delay_slot)
{
    static const uint8_t primary[] = {
        0x18, 0x19, 0x1A, 0x1B, 0x1E, 0x27, 0x2C, 0x2D, 0x34, 0x37, 0x3B, 0x3C, 0x3F,
    };
    static const uint8_t cop1[] = { 0x11, 0x13, 0x31, 0x35, 0x39, 0x3D };
    /* The COP1 rs values QEMU decodes: MFC1, CFC1, MFHC1, MTC1, CTC1, MTHC1, BC1, S, D, W, L. */
    static const uint8_t cop1_rs[] = { 0x00, 0x02, 0x03, 0x04, 0x06, 0x07, 0x08, 0x10, 0x11,
                                       0x14, 0x15 };
    static const uint8_t special[] = {
        0x0E, 0x14, 0x15, 0x16, 0x17, 0x1C, 0x1D, 0x1E, 0x1F, 0x28, 0x29, 0x2C, 0x2D,
        0x2E, 0x2F, 0x35, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F,
    };
    static const uint8_t regimm[] = {
        0x04, 0x05, 0x06, 0x07, 0x0D, 0x0F, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B,
        0x1C, 0x1D, 0x1E,
    };
    uint32_t w = rng32(r);
    unsigned kind;
    do
        kind = rnd(r, 7);
    while (delay_slot && kind == 3);
    switch (kind) {
    case 0:
        return (w & 0x03FFFFFFu) | (uint32_t)primary[rnd(r, sizeof primary)] << 26;
    case 1: {
        if (rnd(r, 4) == 0)
            return (w & 0x03FFFF00u) | 0x01u;                  /* MOVF/MOVT */
        uint32_t op = cop1[rnd(r, sizeof cop1)];
        if (op == 0x11) {
            unsigned rs;
            do
                rs = cop1_rs[rnd(r, sizeof cop1_rs)];
            while (delay_slot && rs == 0x08);
            w = (w & 0x001FFFFFu) | rs << 21;
        }
        return (w & 0x03FFFFFFu) | op << 26;
    }
    case 2:
        return (w & 0x03FFFFC0u) | special[rnd(r, sizeof special)];
    case 3:
        return (w & 0x03E0FFFFu) | 0x01u << 26 |
               (uint32_t)regimm[rnd(r, sizeof regimm)] << 16;
    case 4: {                                                  /* SPECIAL2 */
        unsigned fn;
        do
            fn = rnd(r, 64);
        while (fn <= 2 || fn == 4 || fn == 5 || fn == 0x20 || fn == 0x21 || fn == 0x3F);
        return (w & 0x03FFFFC0u) | 0x1Cu << 26 | fn;
    }
    case 5: {                                                  /* SPECIAL3 */
        unsigned fn;
        do
            fn = rnd(r, 64);
        while (fn == 0x00 || fn == 0x04 || fn == 0x20 || fn == 0x3B);
        unsigned rt = 1 + rnd(r, 31), rd = 1 + rnd(r, 31);
        return (w & 0x03E007C0u) | 0x1Fu << 26 | rt << 16 | rd << 11 | fn;
    }
    default: {                                                 /* BSHFL, unassigned sa */
        unsigned sa;
        do
            sa = rnd(r, 32);
        while (sa == 0x02 || sa == 0x10 || sa == 0x18);
        unsigned rt = 1 + rnd(r, 31), rd = 1 + rnd(r, 31);
        return (w & 0x03E00000u) | 0x1Fu << 26 | rt << 16 | rd << 11 | sa << 6 | 0x20;
    }
    }
}

/* The coprocessor an instruction names when it raises Coprocessor Unusable (Cause.CE). */
static int cop_unusable_ce(uint32_t w)
{
    switch (w >> 26) {
    case 0x11: case 0x13: case 0x31: case 0x35: case 0x39: case 0x3D: return 1;
    case 0x00: return (w & 0x3F) == 0x01 ? 1 : -1;
    default: return -1;
    }
}

/* Where a single instruction goes, for gen_simple. */
#define AT_NO_MEMORY  1u   /* no loads or stores (between an LL and its SC any access makes
                            * the SC UNPREDICTABLE) */
#define AT_DELAY_SLOT 2u

/* One instruction that is not a branch: fits anywhere, delay slots included. */
static uint32_t gen_simple(gen_t *g, unsigned where)
{
    bool no_memory = (where & AT_NO_MEMORY) != 0;
    rng_t *r = &g->rng;
    enum simple_kind k;
    do
        k = (enum simple_kind)pick_weighted(r, simple_weight, K_COUNT);
    while (no_memory && (k == K_LOAD || k == K_STORE || k == K_LWLR || k == K_SWLR ||
                         k == K_MISALIGN || k == K_HINT));

    switch (k) {
    case K_ALU3: {
        static const unsigned fn[] = { 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B };
        return enc_r(src_reg(g), src_reg(g), dst_reg(g), 0, fn[rnd(r, 8)]);
    }
    case K_ALU3_OV: {   /* ADD, SUB: Integer Overflow */
        static const unsigned fn[] = { 0x20, 0x22 };
        return enc_r(src_reg(g), src_reg(g), dst_reg(g), 0, fn[rnd(r, 2)]);
    }
    case K_ALUI: {
        static const unsigned op[] = { OPC_ADDIU, OPC_SLTI, OPC_SLTIU, OPC_ANDI, OPC_ORI, OPC_XORI };
        return enc_i(op[rnd(r, 6)], src_reg(g), dst_reg(g), rand_imm(r));
    }
    case K_ALUI_OV:
        return enc_i(OPC_ADDI, src_reg(g), dst_reg(g), rand_imm(r));
    case K_LUI:
        return enc_i(OPC_LUI, 0, dst_reg(g), rand_imm(r));
    case K_SHIFT: {
        /* SLL, SRL, SRA, and ROTR (SRL with bit 21 set). */
        static const unsigned sa_edges[] = { 0, 1, 15, 16, 31 };
        unsigned sa = chance(r, 40) ? sa_edges[rnd(r, 5)] : rnd(r, 32);
        switch (rnd(r, 4)) {
        case 0: return enc_r(0, src_reg(g), dst_reg(g), sa, 0x00);
        case 1: return enc_r(0, src_reg(g), dst_reg(g), sa, 0x02);
        case 2: return enc_r(0, src_reg(g), dst_reg(g), sa, 0x03);
        default: return enc_r(1, src_reg(g), dst_reg(g), sa, 0x02);
        }
    }
    case K_SHIFTV:
        /* SLLV, SRLV, SRAV, and ROTRV (SRLV with bit 6 set). */
        switch (rnd(r, 4)) {
        case 0: return enc_r(src_reg(g), src_reg(g), dst_reg(g), 0, 0x04);
        case 1: return enc_r(src_reg(g), src_reg(g), dst_reg(g), 0, 0x06);
        case 2: return enc_r(src_reg(g), src_reg(g), dst_reg(g), 0, 0x07);
        default: return enc_r(src_reg(g), src_reg(g), dst_reg(g), 1, 0x06);
        }
    case K_MULDIV: {
        /* MULT, MULTU, DIV, DIVU. A zero divisor and INT_MIN / -1 are UNPREDICTABLE in the
         * architecture; QEMU (so Unicorn) divides by one instead, and kseg documents that it
         * does the same, so these cases stay in and hold kseg to its word. */
        static const unsigned fn[] = { 0x18, 0x19, 0x1A, 0x1B };
        return enc_r(src_reg(g), src_reg(g), 0, 0, fn[rnd(r, 4)]);
    }
    case K_HILO:
        switch (rnd(r, 4)) {
        case 0: return enc_r(0, 0, dst_reg(g), 0, 0x10);       /* MFHI */
        case 1: return enc_r(0, 0, dst_reg(g), 0, 0x12);       /* MFLO */
        case 2: return enc_r(src_reg(g), 0, 0, 0, 0x11);       /* MTHI */
        default: return enc_r(src_reg(g), 0, 0, 0, 0x13);      /* MTLO */
        }
    case K_MUL2: {
        /* MUL (HI and LO are UNPREDICTABLE after it; QEMU and kseg both leave them alone),
         * MADD, MADDU, MSUB, MSUBU. */
        static const unsigned fn[] = { 0x02, 0x00, 0x01, 0x04, 0x05 };
        unsigned f = fn[rnd(r, 5)];
        return enc_sp2(src_reg(g), src_reg(g), f == 0x02 ? dst_reg(g) : 0, f);
    }
    case K_BITS:
        switch (rnd(r, 5)) {
        case 0: case 1: {
            /* CLZ, CLO: rt must equal rd (MIPS32 Vol. II). */
            unsigned d = dst_reg(g);
            return enc_sp2(src_reg(g), d, d, rnd(r, 2) ? 0x20 : 0x21);
        }
        case 2: return enc_sp3(0, src_reg(g), dst_reg(g), 0x02, 0x20);   /* WSBH */
        case 3: return enc_sp3(0, src_reg(g), dst_reg(g), 0x10, 0x20);   /* SEB */
        default: return enc_sp3(0, src_reg(g), dst_reg(g), 0x18, 0x20);  /* SEH */
        }
    case K_EXTINS: {
        /* pos + size <= 32: anything else is UNPREDICTABLE. */
        unsigned pos = rnd(r, 32);
        unsigned size = 1 + rnd(r, 32 - pos);
        if (rnd(r, 2))
            return enc_sp3(src_reg(g), dst_reg(g), size - 1, pos, 0x00);      /* EXT */
        return enc_sp3(src_reg(g), dst_reg(g), pos + size - 1, pos, 0x04);    /* INS */
    }
    case K_MOVC:
        return enc_r(src_reg(g), src_reg(g), dst_reg(g), 0, rnd(r, 2) ? 0x0A : 0x0B);
    case K_LOAD:
    case K_STORE: {
        uint16_t disp[3] = { rand_disp(r, 1), rand_disp(r, 2), rand_disp(r, 4) };
        return gen_load_store(g, REG_GP, disp, k == K_STORE);
    }
    case K_LWLR: {
        unsigned op = rnd(r, 2) ? OPC_LWL : OPC_LWR;
        return enc_i(op, REG_GP, dst_reg(g), rand_disp(r, 1));
    }
    case K_SWLR: {
        unsigned op = rnd(r, 2) ? OPC_SWL : OPC_SWR;
        return enc_i(op, REG_GP, src_reg(g), rand_disp(r, 1));
    }
    case K_MISALIGN: {
        /* Address Error: a halfword or word access off its natural alignment. Not SC:
         * QEMU (so Unicorn) compares an SC's address with the last LL's before anything
         * else, and a misaligned address never matches (that LL would have faulted), so
         * its SC just fails where the architecture and kseg raise AdES. */
        static const unsigned op[] = { OPC_LH, OPC_LHU, OPC_LW, OPC_SH, OPC_SW, OPC_LL };
        unsigned o = op[rnd(r, 6)];
        unsigned align = (o == OPC_LH || o == OPC_LHU || o == OPC_SH) ? 2 : 4;
        uint16_t disp = (uint16_t)(rand_disp(r, align) | (1 + rnd(r, align - 1)));
        bool store = o == OPC_SH || o == OPC_SW;
        return enc_i(o, REG_GP, store ? src_reg(g) : dst_reg(g), disp);
    }
    case K_TRAP: {
        static const unsigned fn[] = { 0x30, 0x31, 0x32, 0x33, 0x34, 0x36 };
        uint32_t code = rnd(r, 1024);
        return (uint32_t)(src_reg(g) << 21 | src_reg(g) << 16 | code << 6 | fn[rnd(r, 6)]);
    }
    case K_TRAPI: {
        static const unsigned rt[] = { 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0E };
        return enc_i(OPC_REGIMM, src_reg(g), rt[rnd(r, 6)], rand_imm(r));
    }
    case K_SYSBRK:
        return (rng32(r) & 0x03FFFFC0u) | (rnd(r, 2) ? 0x0Cu : 0x0Du);
    case K_RESERVED:
        return gen_reserved(r, (where & AT_DELAY_SLOT) != 0);
    case K_HINT:
        /* SYNC (stype 0) and PREF: no architectural effect on a single CPU. */
        if (rnd(r, 2))
            return 0x0000000Fu;
        return enc_i(OPC_PREF, REG_GP, rnd(r, 2) ? 0 : 1, rand_disp(r, 1));
    case K_COUNT:
        break;
    }
    return 0;
}

/* ---- Groups ------------------------------------------------------------------------------ */

static const uint32_t segments[] = { 0x80000000u, 0xA0000000u, 0x00000000u };

static uint32_t rand_segment(rng_t *r)
{
    unsigned p = rnd(r, 10);
    return segments[p < 6 ? 0 : p < 8 ? 1 : 2];
}

/* An access through a base computed from data: ANDI picks an index below 2 KiB (aligned to
 * the access size, or now and then not, for a data-dependent Address Error), ADDU adds $gp. */
static void group_indexed(gen_t *g)
{
    rng_t *r = &g->rng;
    unsigned base = dst_reg_nonzero(g), idx = src_reg(g);
    unsigned op_pick = rnd(r, 10);
    bool misalign = chance(r, 8);
    unsigned align = op_pick < 6 ? 4 : 1;
    uint16_t mask = (uint16_t)(misalign ? 0x7FF : (0x7FF & ~(align - 1)));
    emit(g, enc_i(OPC_ANDI, idx, base, mask), SEQ_TARGET);
    emit(g, enc_r(base, REG_GP, base, 0, 0x21), 0);
    uint16_t disp = rand_disp(r, align);
    if (op_pick < 6) {
        uint16_t d[3] = { disp, disp, disp };
        emit(g, gen_load_store(g, base, d, op_pick >= 3), 0);
    } else {
        static const unsigned op[] = { OPC_LWL, OPC_LWR, OPC_SWL, OPC_SWR };
        unsigned o = op[op_pick - 6];
        unsigned rt = (o == OPC_LWL || o == OPC_LWR) ? dst_reg(g) : src_reg(g);
        emit(g, enc_i(o, base, rt, disp), 0);
    }
}

/* An access through a base built from constants in any segment: LUI, ADDIU, access. */
static void group_segment(gen_t *g)
{
    rng_t *r = &g->rng;
    unsigned base = dst_reg_nonzero(g);
    uint32_t addr = rand_segment(r) + DATA_PADDR + 0x800u + (rnd(r, 0x800) & ~3u);
    emit(g, enc_i(OPC_LUI, 0, base, (uint16_t)(addr >> 16)), SEQ_TARGET);
    emit(g, enc_i(OPC_ADDIU, base, base, (uint16_t)addr), 0);
    uint16_t d[3] = { rand_disp(r, 1), rand_disp(r, 2), rand_disp(r, 4) };
    if (chance(r, 25)) {
        static const unsigned op[] = { OPC_LWL, OPC_LWR, OPC_SWL, OPC_SWR };
        unsigned o = op[rnd(r, 4)];
        unsigned rt = (o == OPC_LWL || o == OPC_LWR) ? dst_reg(g) : src_reg(g);
        emit(g, enc_i(o, base, rt, d[0]), 0);
    } else {
        emit(g, gen_load_store(g, base, d, chance(r, 45)), 0);
    }
}

/* LL, up to three non-memory instructions, SC to the same address: the SC succeeds. (A load
 * or store in between, or a different address, would make the outcome UNPREDICTABLE.) */
static void group_llsc(gen_t *g)
{
    rng_t *r = &g->rng;
    uint16_t disp = rand_disp(r, 4);
    emit(g, enc_i(OPC_LL, REG_GP, dst_reg(g), disp), SEQ_TARGET);
    for (unsigned n = rnd(r, 4); n; n--)
        emit(g, gen_simple(g, AT_NO_MEMORY), 0);
    emit(g, enc_i(OPC_SC, REG_GP, dst_reg(g), disp), 0);
}

/* A counted loop, the one backward branch: the counter starts at 1..4, the body of one to
 * four single instructions leaves it alone, and the loop branch (BNE, BGTZ or their -L
 * forms) goes back while it is non-zero. Instructions run more than once here, so kseg
 * also executes from code it has already decoded. */
static void group_loop(gen_t *g)
{
    rng_t *r = &g->rng;
    seq_t *s = g->seq;
    unsigned counter = dst_reg_nonzero(g);
    emit(g, enc_i(OPC_ADDIU, 0, counter, (uint16_t)(1 + rnd(r, 4))), SEQ_TARGET);
    g->keep = (uint8_t)counter;
    int top = s->len;
    for (unsigned n = 1 + rnd(r, 4); n; n--)
        emit(g, gen_simple(g, 0), 0);
    emit(g, enc_i(OPC_ADDIU, counter, counter, 0xFFFF), 0);
    uint16_t back = (uint16_t)(top - (s->len + 1));
    static const unsigned op[] = { OPC_BNE, OPC_BGTZ, OPC_BNEL, OPC_BGTZL };
    emit(g, enc_i(op[rnd(r, 4)], counter, 0, back), 0);
    emit(g, gen_simple(g, AT_DELAY_SLOT), SEQ_DELAY);
    g->keep = 0;
}

static void add_fixup(gen_t *g, int at, enum fix_kind kind)
{
    seq_t *s = g->seq;
    s->fix[s->nfix].at = at;
    s->fix[s->nfix++].kind = kind;
}

/* A forward branch or jump and its delay slot; the target is filled in once the whole
 * sequence is laid out. */
static void group_branch(gen_t *g)
{
    rng_t *r = &g->rng;
    seq_t *s = g->seq;
    unsigned p = rnd(r, 100);
    if (p < 70) {
        unsigned rs = src_reg(g);
        uint32_t w;
        switch (rnd(r, 14)) {
        case 0: case 1: w = enc_i(OPC_BEQ, rs, src_reg(g), 0); break;
        case 2: case 3: w = enc_i(OPC_BNE, rs, src_reg(g), 0); break;
        case 4: w = enc_i(OPC_BLEZ, rs, 0, 0); break;
        case 5: w = enc_i(OPC_BGTZ, rs, 0, 0); break;
        case 6: w = enc_i(OPC_BEQL, rs, src_reg(g), 0); break;
        case 7: w = enc_i(OPC_BNEL, rs, src_reg(g), 0); break;
        case 8: w = enc_i(rnd(r, 2) ? OPC_BLEZL : OPC_BGTZL, rs, 0, 0); break;
        case 9: w = enc_i(OPC_REGIMM, rs, rnd(r, 2) ? 0x00 : 0x01, 0); break;   /* BLTZ, BGEZ */
        case 10: w = enc_i(OPC_REGIMM, rs, rnd(r, 2) ? 0x02 : 0x03, 0); break;  /* -L */
        default: {
            /* BLTZAL, BGEZAL, BLTZALL, BGEZALL: rs = $ra is UNPREDICTABLE. */
            static const unsigned rt[] = { 0x10, 0x11, 0x12, 0x13 };
            if (rs == 31)
                rs = 0;
            w = enc_i(OPC_REGIMM, rs, rt[rnd(r, 4)], 0);
            break;
        }
        }
        add_fixup(g, s->len, FIX_BRANCH);
        emit(g, w, SEQ_TARGET);
    } else if (p < 85) {
        add_fixup(g, s->len, FIX_JUMP);
        emit(g, (uint32_t)(rnd(r, 2) ? OPC_J : OPC_JAL) << 26, SEQ_TARGET);
    } else {
        /* LUI/ORI build the target; JR or JALR (rd != rs, or UNPREDICTABLE), maybe .HB.
         * Now and then the target is 2 bytes off: Address Error on the fetch there, after
         * the delay slot. (Bit 0 set would select MIPS16e instead.) That delay slot stays
         * clear of loads and stores, so an AdEL right after it can only be the fetch's:
         * Unicorn tells no more than that. */
        unsigned rt = dst_reg_nonzero(g);
        bool misaligned = chance(r, 10);
        add_fixup(g, s->len, misaligned ? FIX_JREG_MISALIGNED : FIX_JREG);
        emit(g, enc_i(OPC_LUI, 0, rt, 0), SEQ_TARGET);
        emit(g, enc_i(OPC_ORI, rt, rt, 0), 0);
        unsigned hb = chance(r, 20) ? 0x10 : 0;
        if (rnd(r, 2)) {
            emit(g, enc_r(rt, 0, 0, hb, 0x08), 0);
        } else {
            unsigned rd = chance(r, 50) ? 31 : dst_reg(g);
            if (rd == rt)
                rd = rt == 31 ? 2 : 31;
            emit(g, enc_r(rt, 0, rd, hb, 0x09), 0);
        }
        if (misaligned) {
            emit(g, gen_simple(g, AT_NO_MEMORY | AT_DELAY_SLOT), SEQ_DELAY | SEQ_BADJUMP);
            return;
        }
    }
    emit(g, gen_simple(g, AT_DELAY_SLOT), SEQ_DELAY);
}

/* Points every branch at a random later group start, or the end. */
static void resolve_fixups(gen_t *g)
{
    seq_t *s = g->seq;
    rng_t *r = &g->rng;
    for (int i = 0; i < s->nfix; i++) {
        int at = s->fix[i].at;
        enum fix_kind kind = s->fix[i].kind;
        int branch = kind == FIX_JREG || kind == FIX_JREG_MISALIGNED ? at + 2 : at;
        int candidates[MAX_INSNS + 1], n = 0;
        for (int t = branch + 2; t <= s->len; t++)
            if (s->flags[t] & SEQ_TARGET)
                candidates[n++] = t;
        int t = candidates[rnd(r, (uint32_t)n)];
        uint32_t target = s->code_va + 4u * (uint32_t)t;
        switch (kind) {
        case FIX_BRANCH:
            s->word[at] |= (uint16_t)(t - (at + 1));
            break;
        case FIX_JUMP:
            s->word[at] |= (target >> 2) & 0x03FFFFFFu;
            break;
        case FIX_JREG_MISALIGNED:
            target += 2;
            s->bad_target[at + 3] = target;
            /* fall through */
        case FIX_JREG:
            s->word[at] |= target >> 16;
            s->word[at + 1] |= target & 0xFFFFu;
            break;
        }
    }
}

static void generate(seq_t *s, uint64_t seed, uint64_t index)
{
    gen_t g = { .rng = { seed * 0x9E3779B97F4A7C15ull ^ (index + 1) * 0xD1B54A32D192ED03ull },
                .seq = s };
    rng_t *r = &g.rng;
    memset(s, 0, sizeof *s);

    for (unsigned i = 0; i < sizeof g.hot; i++) {
        unsigned reg;
        do
            reg = 1 + rnd(r, 31);
        while (reg == REG_GP);
        g.hot[i] = (uint8_t)reg;
    }
    /* At the start of the first code page, or close enough to its end to run on into the
     * second. */
    if (rnd(r, 2))
        s->code_pa = CODE_PADDR + 4 * rnd(r, 64);
    else
        s->code_pa = CODE_PADDR + 0x1000 - 4 * rnd(r, MAX_INSNS + 1);
    s->code_va = rand_segment(r) + s->code_pa;
    s->gp = rand_segment(r) + GP_PADDR;
    for (int i = 1; i < 32; i++)
        s->gpr[i] = rand_value(r);
    s->gpr[REG_GP] = s->gp;
    s->hi = rand_value(r);
    s->lo = rand_value(r);

    int target_len = MIN_LEN + (int)rnd(r, MAX_LEN - MIN_LEN + 1);
    while (s->len < target_len) {
        unsigned p = rnd(r, 100);
        if (p < 58)
            emit(&g, gen_simple(&g, 0), SEQ_TARGET);
        else if (p < 76)
            group_branch(&g);
        else if (p < 80)
            group_loop(&g);
        else if (p < 88)
            group_indexed(&g);
        else if (p < 95)
            group_segment(&g);
        else
            group_llsc(&g);
    }
    s->flags[s->len] = SEQ_TARGET;
    resolve_fixups(&g);

    /* The image: random scratch data, the code, and the end marker. */
    for (uint32_t i = 0; i < DATA_SIZE; i += 4) {
        uint32_t v = chance(r, 20) ? rand_value(r) : rng32(r);
        memcpy(&s->ram[DATA_PADDR + i], &v, 4);
    }
    memcpy(&s->ram[s->code_pa], s->word, 4u * (unsigned)s->len);
    uint32_t marker = INSN_END;
    memcpy(&s->ram[s->code_pa + 4u * (unsigned)s->len], &marker, 4);
}

/* The generator checks itself: a branch exactly where a delay slot follows, none in a delay
 * slot. A slip would send a case off into memory nobody set up, or nest delay slots. */
static void check_sequence(const seq_t *s, uint64_t index)
{
    for (int i = 0; i < s->len; i++) {
        mips_insn_t in;
        mips_decode(s->word[i], &in);
        bool has_slot = i + 1 < s->len && (s->flags[i + 1] & SEQ_DELAY);
        if (mips_op_is_branch(in.op) != has_slot) {
            fprintf(stderr, "diff-unicorn: generator error in case %" PRIu64 ": word %d "
                    "(0x%08x) %s\n", index, i, s->word[i],
                    has_slot ? "has a delay slot but is no branch" : "is a stray branch");
            exit(2);
        }
    }
}

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

static const char *exc_name(int exc)
{
    switch (exc) {
    case -1: return "none";
    case EXC_ADEL: return "AdEL";
    case EXC_ADES: return "AdES";
    case EXC_SYS: return "Sys";
    case EXC_BP: return "Bp";
    case EXC_RI: return "RI";
    case EXC_CPU: return "CpU";
    case EXC_OV: return "Ov";
    case EXC_TR: return "Tr";
    default: return "?";
    }
}

/* ---- kseg -------------------------------------------------------------------------------- */

typedef struct kseg {
    bus_t bus;
    uint8_t *ram, *rom;
    cpu_t *cpu;
} kseg_t;

static void kseg_open(kseg_t *k)
{
    bus_init(&k->bus);
    k->ram = calloc(1, RAM_SIZE);
    k->rom = calloc(1, ROM_SIZE);
    k->cpu = calloc(1, sizeof *k->cpu);
    if (!k->ram || !k->rom || !k->cpu) {
        fprintf(stderr, "diff-unicorn: out of memory\n");
        exit(2);
    }
    for (uint32_t i = 0; i < ROM_SIZE; i += 4)
        memcpy(&k->rom[i], &(uint32_t){ INSN_WAIT }, 4);
    bus_map_ram(&k->bus, "ram", 0, RAM_SIZE, k->ram, false);
    bus_map_ram(&k->bus, "rom", ROM_PADDR, ROM_SIZE, k->rom, true);
    cpu_init(k->cpu, &k->bus);
}

static void kseg_close(kseg_t *k)
{
    bus_destroy(&k->bus);
    free(k->cpu);
    free(k->ram);
    free(k->rom);
}

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

static void print_sequence(FILE *f, csh cs, const seq_t *s, uint32_t mark_pc)
{
    for (int i = 0; i < s->len; i++) {
        uint32_t addr = s->code_va + 4u * (uint32_t)i;
        uint8_t bytes[4];
        memcpy(bytes, &s->word[i], 4);
        cs_insn *insn;
        char text[200];
        if (cs_disasm(cs, bytes, 4, addr, 1, &insn) == 1) {
            snprintf(text, sizeof text, "%-8s %s", insn->mnemonic, insn->op_str);
            cs_free(insn, 1);
        } else {
            snprintf(text, sizeof text, ".word    0x%08x", s->word[i]);
        }
        fprintf(f, "  %s%08x: %08x  %s%s\n", addr == mark_pc ? "=>" : "  ", addr, s->word[i],
                (s->flags[i] & SEQ_DELAY) ? " " : "", text);
    }
    fprintf(f, "  %s%08x: (end)\n", s->code_va + 4u * (uint32_t)s->len == mark_pc ? "=>" : "  ",
            s->code_va + 4u * (uint32_t)s->len);
}

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
            " (rerun: diff_unicorn --seed %" PRIu64 " --first %" PRIu64 " --count 1)\n",
            seed, index, seed, index);
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
            "usage: %s [--seed N] [--count N] [--first N] [--keep-going] [--verbose]\n"
            "  Runs --count random instruction sequences (cases --first.. of --seed) on kseg\n"
            "  and on Unicorn and compares the results. Stops at the first mismatch unless\n"
            "  --keep-going; --verbose prints every sequence.\n", argv0);
}

int main(int argc, char **argv)
{
    uint64_t seed = 1, count = 1000, first = 0;
    bool keep_going = false, verbose = false;
    static const struct option options[] = {
        { "seed", required_argument, NULL, 's' },
        { "count", required_argument, NULL, 'n' },
        { "first", required_argument, NULL, 'f' },
        { "keep-going", no_argument, NULL, 'k' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    while ((opt = getopt_long(argc, argv, "s:n:f:kvh", options, NULL)) != -1) {
        switch (opt) {
        case 's': seed = strtoull(optarg, NULL, 0); break;
        case 'n': count = strtoull(optarg, NULL, 0); break;
        case 'f': first = strtoull(optarg, NULL, 0); break;
        case 'k': keep_going = true; break;
        case 'v': verbose = true; break;
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
    kseg_open(&k);
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
        generate(s, seed, i);
        check_sequence(s, i);
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
    printf("diff-unicorn: %" PRIu64 " sequences, %" PRIu64 " mismatches\n", ran, mismatches);
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
