/* The random sequence generator of the differential tests (gen.h).
 *
 * Each case is a random but architecturally well-defined MIPS32r2 sequence of 8..40
 * instructions (a little more for the last group) with a random initial state (GPRs, HI, LO,
 * an 8 KiB scratch area), the same on every run for a (seed, case index).
 *
 * Physical layout: code in 0x1000..0x2FFF (half the cases straddle the page boundary at
 * 0x2000, delay slots included), scratch data at 0x3000..0x4FFF. The code runs in kseg0,
 * kseg1 or kuseg, and data is reached through all three as well. $gp is the one reserved
 * register: it points into the scratch area and no generated instruction writes it, so
 * single-instruction loads and stores (which may sit in delay slots) always have a base;
 * other accesses compute their own base inside their group.
 *
 * A sequence is built from groups (one instruction, a branch and its delay slot, an address
 * computation and its access, an LL/SC pair, a counted loop; in system cases also CP0, TLB,
 * ERET and store-into-code groups). Branches go forward only, to the start of a later group
 * or to the end, so every case terminates (loops count down) and no branch lands in a delay
 * slot or between an LL and its SC. Exceptions come from ADD/ADDI/SUB overflow, traps,
 * misaligned data accesses, JR/JALR to a misaligned target, SYSCALL, BREAK and encodings the
 * 24Kc reserves (gen_reserved); UNPREDICTABLE encodings are never generated. A BREAK with a
 * code of its own (INSN_END) follows the last instruction.
 *
 * Where Unicorn or QEMU departs from the architecture, the generator steers clear and the
 * comment at the spot says why (diff_unicorn.c's note has the list). Cases without
 * gen_options_t.system draw exactly the random numbers they always did, so a (seed, case) of
 * diff_unicorn names the same sequence as before the system groups existed. */
#include "gen.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/trace.h"

const char *const reg_names[32] = {
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

typedef struct gen {
    rng_t rng;
    seq_t *seq;
    const gen_options_t *opt;
    uint8_t hot[6];                /* registers most instructions use: long dependency chains */
    uint8_t keep;                  /* a register no instruction may write now (0: none) */
} gen_t;

static void emit(gen_t *g, uint32_t word, unsigned flags)
{
    seq_t *s = g->seq;
    s->flags[s->len] = (uint8_t)flags;
    s->keep[s->len] = g->keep;
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

int cop_unusable_ce(uint32_t w)
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

static void add_fixup(gen_t *g, int at, enum fix_kind kind);
static void gen_smc_setup(gen_t *g, unsigned flags);

const uint32_t segments[3] = { 0x80000000u, 0xA0000000u, 0x00000000u };

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
    /* System cases: now and then the loop stores into code, maybe into its own body (the
     * address and the word are set up before it; see group_smc). */
    int smc = -1;
    if (g->opt->system && chance(r, 25)) {
        smc = s->len;
        gen_smc_setup(g, SEQ_TARGET);
    }
    emit(g, enc_i(OPC_ADDIU, 0, counter, (uint16_t)(1 + rnd(r, 4))), smc < 0 ? SEQ_TARGET : 0);
    g->keep = (uint8_t)counter;
    int top = s->len;
    if (smc >= 0)
        emit(g, enc_i(OPC_SW, s->word[smc] >> 16 & 31, s->word[smc + 2] >> 16 & 31, 0), 0);
    for (unsigned n = 1 + rnd(r, 4); n; n--)
        emit(g, gen_simple(g, 0), SEQ_SIMPLE);
    emit(g, enc_i(OPC_ADDIU, counter, counter, 0xFFFF), 0);
    uint16_t back = (uint16_t)(top - (s->len + 1));
    static const unsigned op[] = { OPC_BNE, OPC_BGTZ, OPC_BNEL, OPC_BGTZL };
    emit(g, enc_i(op[rnd(r, 4)], counter, 0, back), 0);
    emit(g, gen_simple(g, AT_DELAY_SLOT), SEQ_DELAY | SEQ_SIMPLE);
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
    emit(g, gen_simple(g, AT_DELAY_SLOT), SEQ_DELAY | SEQ_SIMPLE);
}

/* ---- System cases (diff_tiers only) ------------------------------------------------------
 *
 * What only kseg against kseg can check, since Unicorn has no CP0: every CP0 register read
 * (Count and Random follow icount, so a tier that miscounts shows at once), CP0 writes that
 * change the mode, the ASID, the timer and pending interrupts in the middle of a block, TLB
 * writes that remap the code running now, ERET, and stores into code, the instruction after
 * the store included. Cases start either as cpu_reset leaves the CPU (ERL: kuseg is the
 * identity) or in kernel or user mode with interrupts enabled and the timer due soon, kuseg
 * mapped onto the RAM by the TLB (some entries tied to the starting ASID). The exception
 * vectors hold WAITs, so an exception or interrupt ends the run there, EXL set. */

enum { CP0_INDEX = 0, CP0_RANDOM = 1, CP0_ENTRYLO0 = 2, CP0_ENTRYLO1 = 3, CP0_CONTEXT = 4,
       CP0_PAGEMASK = 5, CP0_WIRED = 6, CP0_BADVADDR = 8, CP0_COUNT = 9, CP0_ENTRYHI = 10,
       CP0_COMPARE = 11, CP0_STATUS = 12, CP0_CAUSE = 13, CP0_EPC = 14, CP0_PRID = 15,
       CP0_CONFIG = 16, CP0_ERROREPC = 30 };

static uint32_t enc_mfc0(unsigned rt, unsigned rd) { return 0x40000000u | rt << 16 | rd << 11; }
static uint32_t enc_mtc0(unsigned rt, unsigned rd) { return 0x40800000u | rt << 16 | rd << 11; }

/* LUI/ORI: any constant into rt. */
static void emit_li(gen_t *g, unsigned rt, uint32_t value, unsigned flags)
{
    emit(g, enc_i(OPC_LUI, 0, rt, (uint16_t)(value >> 16)), flags);
    emit(g, enc_i(OPC_ORI, rt, rt, (uint16_t)value), 0);
}

static uint32_t rand_entrylo(rng_t *r)
{
    uint32_t pfn = rnd(r, 6);        /* the RAM's pages, and one past it (a bus error) */
    return pfn << 6 | (chance(r, 50) ? 3u : 2u) << 3 | (chance(r, 70) ? ENTRYLO_D : 0) |
           (chance(r, 85) ? ENTRYLO_V : 0) | (chance(r, 50) ? ENTRYLO_G : 0);
}

static uint32_t rand_entryhi(gen_t *g)
{
    rng_t *r = &g->rng;
    static const uint32_t vpn2[] = { 0x0000, 0x2000, 0x4000, 0x6000, 0x10000000u, 0x7F002000u };
    uint32_t asid = chance(r, 60) ? (g->seq->entryhi & 0xFF) : rnd(r, 4);
    return vpn2[rnd(r, sizeof vpn2 / sizeof vpn2[0])] | asid;
}

static uint32_t rand_status(rng_t *r)
{
    uint32_t st = ST_BEV;            /* the vectors stay in the ROM of WAITs */
    if (chance(r, 60)) st |= ST_IE;
    if (chance(r, 10)) st |= ST_EXL;
    if (chance(r, 15)) st |= ST_ERL;
    if (chance(r, 12)) st |= ST_UM;
    if (chance(r, 30)) st |= ST_CU0;
    return st | (chance(r, 70) ? 0x8000u : 0) | rnd(r, 256) << 8;
}

/* The state a system case starts in (see above). */
static void system_state(gen_t *g)
{
    seq_t *s = g->seq;
    rng_t *r = &g->rng;
    s->system = true;
    s->entryhi = rnd(r, 4);
    if (chance(r, 35)) {
        s->status = ST_BEV | ST_ERL;
    } else {
        s->status = ST_BEV | (chance(r, 80) ? ST_IE : 0) | 0x8000u | rnd(r, 256) << 8;
        if (s->code_va < 0x80000000u && s->gp < 0x80000000u && chance(r, 30))
            s->status |= ST_UM;
    }
    if (chance(r, 60))
        s->compare_in = 1 + rnd(r, 200);
    for (unsigned i = 0; i < TLB_ENTRIES; i++) {
        tlb_entry_t *e = &s->tlb[i];
        if (i < 3) {                 /* kuseg 0x0000-0x5FFF onto the same physical pages */
            e->global = chance(r, 70);
            e->entryhi = 0x2000u * i | (e->global ? 0 : s->entryhi);
            for (unsigned half = 0; half < 2; half++) {
                uint32_t page = 2 * i + half;
                if (page < RAM_SIZE / 0x1000u)
                    e->entrylo[half] = page << 6 | 3u << 3 | ENTRYLO_D | ENTRYLO_V;
            }
        } else {                     /* out of the way, never overlapping */
            e->entryhi = 0x7F000000u + 0x4000u * i;
        }
    }
    if (chance(r, 10))
        s->code_pages_max = 1 + rnd(r, 2);
}

/* The start of a store into code: LUI/ADDIU the address (filled in by resolve_smc), LUI/ORI
 * the new word. The SW follows, at once or inside a loop. */
static void gen_smc_setup(gen_t *g, unsigned flags)
{
    seq_t *s = g->seq;
    unsigned base = dst_reg_nonzero(g), value;
    do
        value = dst_reg_nonzero(g);
    while (value == base);
    add_fixup(g, s->len, FIX_SMC);
    emit(g, enc_i(OPC_LUI, 0, base, 0), flags);
    emit(g, enc_i(OPC_ADDIU, base, base, 0), 0);
    emit(g, enc_i(OPC_LUI, 0, value, 0), 0);
    emit(g, enc_i(OPC_ORI, value, value, 0), 0);
}

/* Picks the word a store into code replaces (any SEQ_SIMPLE one, before or after it: loops
 * run the new one) and what replaces it: another instruction that may stand there. */
static void resolve_smc(gen_t *g, int at)
{
    seq_t *s = g->seq;
    rng_t *r = &g->rng;
    int candidates[MAX_INSNS], n = 0;
    for (int t = 0; t < s->len; t++)
        if (s->flags[t] & SEQ_SIMPLE)
            candidates[n++] = t;
    uint32_t addr, word;
    if (n == 0) {                    /* nothing to replace: the store goes to the data */
        addr = segments[0] + DATA_PADDR;
        word = rng32(r);
    } else {
        int t = candidates[rnd(r, (uint32_t)n)];
        addr = segments[rnd(r, 2)] + s->code_pa + 4u * (uint32_t)t;
        uint8_t saved = g->keep;
        g->keep = s->keep[t];
        word = gen_simple(g, (s->flags[t] & SEQ_DELAY) ? AT_DELAY_SLOT : 0);
        g->keep = saved;
    }
    s->word[at] |= (uint16_t)((addr + 0x8000u) >> 16);
    s->word[at + 1] |= (uint16_t)addr;
    s->word[at + 2] |= (uint16_t)(word >> 16);
    s->word[at + 3] |= (uint16_t)word;
}

/* One CP0, TLB or cache-maintenance group; see the section's note. */
static void group_system(gen_t *g)
{
    rng_t *r = &g->rng;
    seq_t *s = g->seq;
    unsigned rt = dst_reg_nonzero(g);
    switch (rnd(r, 12)) {
    case 0: case 1: {                /* MFC0 of anything we model */
        static const uint8_t regs[] = {
            CP0_INDEX, CP0_RANDOM, CP0_ENTRYLO0, CP0_ENTRYLO1, CP0_CONTEXT, CP0_PAGEMASK,
            CP0_WIRED, CP0_BADVADDR, CP0_COUNT, CP0_COUNT, CP0_ENTRYHI, CP0_COMPARE,
            CP0_STATUS, CP0_CAUSE, CP0_EPC, CP0_PRID, CP0_CONFIG, CP0_ERROREPC,
        };
        emit(g, enc_mfc0(dst_reg(g), regs[rnd(r, sizeof regs)]), SEQ_TARGET);
        break;
    }
    case 2: case 3: {                /* MTC0 of a constant */
        unsigned reg;
        uint32_t v;
        switch (rnd(r, 10)) {
        case 0: reg = CP0_ENTRYHI; v = rand_entryhi(g); break;
        case 1: reg = CP0_ENTRYLO0; v = rand_entrylo(r); break;
        case 2: reg = CP0_ENTRYLO1; v = rand_entrylo(r); break;
        case 3: reg = CP0_INDEX; v = rnd(r, TLB_ENTRIES); break;
        case 4: reg = CP0_WIRED; v = rnd(r, 8); break;
        case 5: reg = CP0_STATUS; v = rand_status(r); break;
        case 6: reg = CP0_CAUSE; v = rnd(r, 4) << 8 | (chance(r, 20) ? CAUSE_IV : 0); break;
        case 7: reg = CP0_COUNT; v = rand_value(r); break;
        case 8: reg = CP0_CONTEXT; v = rand_value(r); break;
        default: reg = chance(r, 50) ? CP0_EPC : CP0_ERROREPC; v = rand_value(r); break;
        }
        emit_li(g, rt, v, SEQ_TARGET);
        emit(g, enc_mtc0(rt, reg), 0);
        break;
    }
    case 4:                          /* the timer due a few instructions from now */
        emit(g, enc_mfc0(rt, CP0_COUNT), SEQ_TARGET);
        emit(g, enc_i(OPC_ADDIU, rt, rt, (uint16_t)(1 + rnd(r, 40))), 0);
        emit(g, enc_mtc0(rt, CP0_COMPARE), 0);
        break;
    case 5: case 6: {                /* a TLB write: an even/odd page pair */
        uint32_t lo = rand_entrylo(r);
        emit_li(g, rt, lo, SEQ_TARGET);
        emit(g, enc_mtc0(rt, CP0_ENTRYLO0), 0);
        emit(g, enc_i(OPC_ADDIU, rt, rt, chance(r, 80) ? 0x40 : 0), 0);
        emit(g, enc_mtc0(rt, CP0_ENTRYLO1), 0);
        emit_li(g, rt, rand_entryhi(g), 0);
        emit(g, enc_mtc0(rt, CP0_ENTRYHI), 0);
        emit(g, chance(r, 60) ? 0x42000002u : 0x42000006u, 0);      /* TLBWI, TLBWR */
        break;
    }
    case 7:                          /* TLBP, TLBR */
        emit(g, chance(r, 50) ? 0x42000008u : 0x42000001u, SEQ_TARGET);
        break;
    case 8: {                        /* EI, DI, EHB */
        static const uint32_t w[] = { 0x41606020u, 0x41606000u, 0x000000C0u };
        uint32_t x = w[rnd(r, 3)];
        emit(g, x == 0x000000C0u ? x : x | rt << 16, SEQ_TARGET);
        break;
    }
    case 9:                          /* ERET to a later group (EPC or ErrorEPC: both set) */
        add_fixup(g, s->len, FIX_ERET);
        emit(g, enc_i(OPC_LUI, 0, rt, 0), SEQ_TARGET);
        emit(g, enc_i(OPC_ORI, rt, rt, 0), 0);
        emit(g, enc_mtc0(rt, CP0_EPC), 0);
        emit(g, enc_mtc0(rt, CP0_ERROREPC), 0);
        emit(g, 0x42000018u, 0);
        break;
    case 10:                         /* SYNCI, RDHWR (CC follows Count) */
        if (chance(r, 50))
            emit(g, enc_i(OPC_REGIMM, REG_GP, 0x1F, rand_disp(r, 1)), SEQ_TARGET);
        else
            emit(g, 0x7C00003Bu | dst_reg(g) << 16 | rnd(r, 4) << 11, SEQ_TARGET);
        break;
    default:                         /* a store into code */
        gen_smc_setup(g, SEQ_TARGET);
        emit(g, enc_i(OPC_SW, s->word[s->len - 4] >> 16 & 31, s->word[s->len - 2] >> 16 & 31,
                      0), 0);
        break;
    }
}

/* Points every branch at a random later group start, or the end. */
static void resolve_fixups(gen_t *g)
{
    seq_t *s = g->seq;
    rng_t *r = &g->rng;
    for (int i = 0; i < s->nfix; i++) {
        int at = s->fix[i].at;
        enum fix_kind kind = s->fix[i].kind;
        if (kind == FIX_SMC) {
            resolve_smc(g, at);
            continue;
        }
        int branch = kind == FIX_JREG || kind == FIX_JREG_MISALIGNED ? at + 2
                   : kind == FIX_ERET ? at + 4 : at;
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
        case FIX_ERET:
            s->word[at] |= target >> 16;
            s->word[at + 1] |= target & 0xFFFFu;
            break;
        case FIX_SMC:
            break;
        }
    }
}

void generate(seq_t *s, uint64_t seed, uint64_t index, const gen_options_t *opt)
{
    gen_t g = { .rng = { seed * 0x9E3779B97F4A7C15ull ^ (index + 1) * 0xD1B54A32D192ED03ull },
                .seq = s, .opt = opt };
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
        s->code_pa = CODE_PADDR + 0x1000 - 4 * rnd(r, MAX_LEN + MAX_GROUP + 1);
    s->code_va = rand_segment(r) + s->code_pa;
    s->gp = rand_segment(r) + GP_PADDR;
    for (int i = 1; i < 32; i++)
        s->gpr[i] = rand_value(r);
    s->gpr[REG_GP] = s->gp;
    s->hi = rand_value(r);
    s->lo = rand_value(r);

    if (opt->system)
        system_state(&g);

    int target_len = MIN_LEN + (int)rnd(r, MAX_LEN - MIN_LEN + 1);
    while (s->len < target_len) {
        unsigned p = rnd(r, 100);
        if (opt->system && chance(r, 22))
            group_system(&g);
        else if (p < 58)
            emit(&g, gen_simple(&g, 0), SEQ_TARGET | SEQ_SIMPLE);
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
void check_sequence(const seq_t *s, uint64_t index, const char *prog)
{
    for (int i = 0; i < s->len; i++) {
        mips_insn_t in;
        mips_decode(s->word[i], &in);
        bool has_slot = i + 1 < s->len && (s->flags[i + 1] & SEQ_DELAY);
        if (mips_op_is_branch(in.op) != has_slot) {
            fprintf(stderr, "%s: generator error in case %" PRIu64 ": word %d "
                    "(0x%08x) %s\n", prog, index, i, s->word[i],
                    has_slot ? "has a delay slot but is no branch" : "is a stray branch");
            exit(2);
        }
    }
}


/* ---- Names ------------------------------------------------------------------------------- */

const char *exc_name(int exc)
{
    return exc == -1 ? "none" : exception_name(exc);
}


/* ---- kseg -------------------------------------------------------------------------------- */

void kseg_open(kseg_t *k, cpu_accel_t accel)
{
    bus_init(&k->bus);
    k->ram = calloc(1, RAM_SIZE);
    k->rom = calloc(1, ROM_SIZE);
    k->cpu = calloc(1, sizeof *k->cpu);
    if (!k->ram || !k->rom || !k->cpu) {
        fprintf(stderr, "diff: out of memory\n");
        exit(2);
    }
    for (uint32_t i = 0; i < ROM_SIZE; i += 4)
        memcpy(&k->rom[i], &(uint32_t){ INSN_WAIT }, 4);
    bus_map_ram(&k->bus, "ram", 0, RAM_SIZE, k->ram, false);
    bus_map_ram(&k->bus, "rom", ROM_PADDR, ROM_SIZE, k->rom, true);
    cpu_init(k->cpu, &k->bus);
    k->cpu->accel = accel;
    k->code_pages_default = k->bus.code_pages_max;
}

void kseg_close(kseg_t *k)
{
    bus_destroy(&k->bus);
    free(k->cpu);
    free(k->ram);
    free(k->rom);
}

static const char *const accel_names[] = {
    [CPU_ACCEL_INTERP] = "interp", [CPU_ACCEL_CACHED] = "cached", [CPU_ACCEL_JIT] = "jit",
};

bool parse_accel(const char *name, cpu_accel_t *accel)
{
    for (unsigned i = 0; i < sizeof accel_names / sizeof accel_names[0]; i++)
        if (!strcmp(name, accel_names[i])) {
            *accel = (cpu_accel_t)i;
            return true;
        }
    return false;
}

const char *accel_name(cpu_accel_t accel)
{
    return (unsigned)accel < sizeof accel_names / sizeof accel_names[0] ? accel_names[accel]
                                                                       : "?";
}

/* ---- Listing ----------------------------------------------------------------------------- */

void disassemble(csh cs, uint32_t word, uint32_t addr, char *text, size_t size)
{
    uint8_t bytes[4];
    memcpy(bytes, &word, 4);
    cs_insn *insn;
    if (cs_disasm(cs, bytes, 4, addr, 1, &insn) == 1) {
        snprintf(text, size, "%-8s %s", insn->mnemonic, insn->op_str);
        cs_free(insn, 1);
    } else {
        snprintf(text, size, ".word    0x%08x", word);
    }
}

void print_sequence(FILE *f, csh cs, const seq_t *s, uint32_t mark_pc)
{
    for (int i = 0; i < s->len; i++) {
        uint32_t addr = s->code_va + 4u * (uint32_t)i;
        char text[200];
        disassemble(cs, s->word[i], addr, text, sizeof text);
        fprintf(f, "  %s%08x: %08x  %s%s\n", addr == mark_pc ? "=>" : "  ", addr, s->word[i],
                (s->flags[i] & SEQ_DELAY) ? " " : "", text);
    }
    fprintf(f, "  %s%08x: (end)\n", s->code_va + 4u * (uint32_t)s->len == mark_pc ? "=>" : "  ",
            s->code_va + 4u * (uint32_t)s->len);
}
