/* The decoder (src/cpu/decode.h): every opcode map, the fields and immediates it hands
 * out, the encodings it must refuse, and its operation names checked against capstone.
 *
 * Encodings are from the MIPS32 Vol. II opcode maps (appendix A); reserved combinations
 * that the manual calls UNPREDICTABLE are refused as QEMU refuses them (decode.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include <capstone/capstone.h>

#include "cpu/decode.h"
#include "unit.h"

#define ANY (-1)

typedef struct decode_case {
    uint32_t word;
    enum mips_op op;
    int rs, rt, rd, sa;      /* ANY: not checked */
    int64_t imm;             /* ANY: not checked */
} decode_case_t;

/* Shorthands: R-type cases check all four register fields, I-type cases rs, rt and imm. */
#define RT3(w, o, s, t, d, a)  { (w), OP_##o, (s), (t), (d), (a), ANY }
#define IT(w, o, s, t, i)      { (w), OP_##o, (s), (t), ANY, ANY, (i) }
#define OPONLY(w, o)           { (w), OP_##o, ANY, ANY, ANY, ANY, ANY }

static const decode_case_t cases[] = {
    /* ---- Primary opcodes. */
    IT(J(0x0ABCDEF0), j, ANY, ANY, 0x0ABCDEF0),               /* index times 4 */
    IT(JAL(0x0FFFFFFC), jal, ANY, ANY, 0x0FFFFFFC),
    IT(BEQ(1, 2, 0xFFFF), beq, 1, 2, 0xFFFFFFFC),             /* offset -1 times 4 */
    IT(BNE(3, 4, 0x7FFF), bne, 3, 4, 0x0001FFFC),
    IT(BLEZ(5, 0x8000), blez, 5, 0, 0xFFFE0000),
    IT(BGTZ(6, 1), bgtz, 6, 0, 4),
    IT(ADDI(2, 1, 0x8000), addi, 1, 2, 0xFFFF8000),           /* sign-extended */
    IT(ADDIU(2, 1, 0x7FFF), addiu, 1, 2, 0x00007FFF),
    IT(SLTI(7, 8, 0xFFFF), slti, 8, 7, 0xFFFFFFFF),
    IT(SLTIU(7, 8, 0x8000), sltiu, 8, 7, 0xFFFF8000),
    IT(ANDI(9, 10, 0x8000), andi, 10, 9, 0x00008000),         /* zero-extended */
    IT(ORI(9, 10, 0xFFFF), ori, 10, 9, 0x0000FFFF),
    IT(XORI(9, 10, 0x1234), xori, 10, 9, 0x00001234),
    IT(LUI(11, 0x8001), lui, 0, 11, 0x80010000),              /* already shifted */
    OPONLY(0x44010000u, cop1),
    OPONLY(0x48010000u, cop2),
    OPONLY(0x4C000000u, cop1x),
    IT(BEQL(12, 13, 2), beql, 12, 13, 8),
    IT(BNEL(12, 13, 0xFFFE), bnel, 12, 13, 0xFFFFFFF8),
    IT(BLEZL(14, 3), blezl, 14, 0, 12),
    IT(BGTZL(15, 0x8001), bgtzl, 15, 0, 0xFFFE0004),
    OPONLY(ENC_J(0x1D, 1), jalx),
    IT(LB(2, 0xFFF0, 3), lb, 3, 2, 0xFFFFFFF0),
    IT(LH(2, 0x7FFE, 3), lh, 3, 2, 0x00007FFE),
    IT(LWL(2, 0x8003, 3), lwl, 3, 2, 0xFFFF8003),
    IT(LW(31, 4, 29), lw, 29, 31, 4),
    IT(LBU(2, 0xFFFF, 3), lbu, 3, 2, 0xFFFFFFFF),
    IT(LHU(2, 2, 3), lhu, 3, 2, 2),
    IT(LWR(2, 0, 3), lwr, 3, 2, 0),
    IT(SB(4, 0x8000, 5), sb, 5, 4, 0xFFFF8000),
    IT(SH(4, 6, 5), sh, 5, 4, 6),
    IT(SWL(4, 7, 5), swl, 5, 4, 7),
    IT(SW(4, 0xFFFC, 5), sw, 5, 4, 0xFFFFFFFC),
    IT(SWR(4, 4, 5), swr, 5, 4, 4),
    IT(ENC_I(0x2F, 6, 0x19, 0xFFF0), cache, 6, 0x19, 0xFFFFFFF0),  /* rt is the cache op */
    IT(LL(8, 0x10, 9), ll, 9, 8, 0x10),
    IT(ENC_I(0x31, 1, 2, 0), lwc1, 1, 2, 0),
    IT(ENC_I(0x32, 1, 2, 0), lwc2, 1, 2, 0),
    IT(ENC_I(0x33, 1, 5, 0x20), pref, 1, 5, 0x20),
    IT(ENC_I(0x35, 1, 2, 0), ldc1, 1, 2, 0),
    IT(ENC_I(0x36, 1, 2, 0), ldc2, 1, 2, 0),
    IT(SC(8, 0xFFFC, 9), sc, 9, 8, 0xFFFFFFFC),
    IT(ENC_I(0x39, 1, 2, 0), swc1, 1, 2, 0),
    IT(ENC_I(0x3A, 1, 2, 0), swc2, 1, 2, 0),
    IT(ENC_I(0x3D, 1, 2, 0), sdc1, 1, 2, 0),
    IT(ENC_I(0x3E, 1, 2, 0), sdc2, 1, 2, 0),

    /* ---- SPECIAL. */
    RT3(SLL(3, 2, 31), sll, 0, 2, 3, 31),
    RT3(SRL(3, 2, 1), srl, 0, 2, 3, 1),
    RT3(ROTR(3, 2, 7), rotr, 1, 2, 3, 7),
    RT3(SRA(3, 2, 16), sra, 0, 2, 3, 16),
    RT3(SLLV(3, 2, 1), sllv, 1, 2, 3, 0),
    RT3(SRLV(3, 2, 1), srlv, 1, 2, 3, 0),
    RT3(ROTRV(3, 2, 1), rotrv, 1, 2, 3, 1),
    RT3(SRAV(3, 2, 1), srav, 1, 2, 3, 0),
    RT3(JR(31), jr, 31, 0, 0, 0),
    RT3(SPECIAL(31, 0, 0, 0x10, 0x08), jr, 31, 0, 0, 0x10),   /* JR.HB */
    RT3(JALR(31, 4), jalr, 4, 0, 31, 0),
    RT3(JALR(5, 4), jalr, 4, 0, 5, 0),
    OPONLY(SPECIAL(0, 1, 2, 0, 0x01), movci),
    RT3(MOVZ(3, 1, 2), movz, 1, 2, 3, 0),
    RT3(MOVN(3, 1, 2), movn, 1, 2, 3, 0),
    OPONLY(SYSCALL, syscall),
    OPONLY(SPECIAL(0x1F, 0x1F, 0x1F, 0x1F, 0x0D), break),    /* code field ignored */
    OPONLY(SPECIAL(0, 0, 0, 0, 0x0F), sync),
    OPONLY(SPECIAL(0, 0, 0, 4, 0x0F), sync),                   /* stype 4 */
    RT3(MFHI(3), mfhi, 0, 0, 3, 0),
    RT3(MTHI(3), mthi, 3, 0, 0, 0),
    RT3(MFLO(3), mflo, 0, 0, 3, 0),
    RT3(MTLO(3), mtlo, 3, 0, 0, 0),
    RT3(MULT(1, 2), mult, 1, 2, 0, 0),
    RT3(MULTU(1, 2), multu, 1, 2, 0, 0),
    RT3(DIV(1, 2), div, 1, 2, 0, 0),
    RT3(DIVU(1, 2), divu, 1, 2, 0, 0),
    RT3(ADD(3, 1, 2), add, 1, 2, 3, 0),
    RT3(ADDU(3, 1, 2), addu, 1, 2, 3, 0),
    RT3(SUB(3, 1, 2), sub, 1, 2, 3, 0),
    RT3(SUBU(3, 1, 2), subu, 1, 2, 3, 0),
    RT3(AND(3, 1, 2), and, 1, 2, 3, 0),
    RT3(OR(3, 1, 2), or, 1, 2, 3, 0),
    RT3(XOR(3, 1, 2), xor, 1, 2, 3, 0),
    RT3(NOR(3, 1, 2), nor, 1, 2, 3, 0),
    RT3(SLT(3, 1, 2), slt, 1, 2, 3, 0),
    RT3(SLTU(3, 1, 2), sltu, 1, 2, 3, 0),
    OPONLY(SPECIAL(1, 2, 0, 0, 0x30), tge),
    OPONLY(SPECIAL(1, 2, 0, 0, 0x31), tgeu),
    OPONLY(SPECIAL(1, 2, 0, 0, 0x32), tlt),
    OPONLY(SPECIAL(1, 2, 0, 0, 0x33), tltu),
    OPONLY(TEQ(1, 2), teq),
    OPONLY(SPECIAL(1, 2, 0x12, 0x34, 0x36), tne),              /* with a trap code */

    /* ---- REGIMM (by rt). */
    IT(BLTZ(1, 0xFFFE), bltz, 1, 0x00, 0xFFFFFFF8),
    IT(BGEZ(1, 5), bgez, 1, 0x01, 20),
    IT(BLTZL(1, 5), bltzl, 1, 0x02, 20),
    IT(BGEZL(1, 5), bgezl, 1, 0x03, 20),
    IT(REGIMM(1, 0x08, 0xFFFF), tgei, 1, 0x08, 0xFFFFFFFF),
    IT(REGIMM(1, 0x09, 0x8000), tgeiu, 1, 0x09, 0xFFFF8000),  /* sign-extended too */
    IT(REGIMM(1, 0x0A, 3), tlti, 1, 0x0A, 3),
    IT(REGIMM(1, 0x0B, 0xFFFE), tltiu, 1, 0x0B, 0xFFFFFFFE),
    IT(REGIMM(1, 0x0C, 7), teqi, 1, 0x0C, 7),
    IT(REGIMM(1, 0x0E, 7), tnei, 1, 0x0E, 7),
    IT(BLTZAL(1, 5), bltzal, 1, 0x10, 20),
    IT(BGEZAL(0, 5), bgezal, 0, 0x11, 20),                    /* BAL */
    IT(BLTZALL(1, 5), bltzall, 1, 0x12, 20),
    IT(BGEZALL(1, 0xFFFF), bgezall, 1, 0x13, 0xFFFFFFFC),
    IT(REGIMM(4, 0x1F, 0xFFE0), synci, 4, 0x1F, 0xFFFFFFE0),

    /* ---- SPECIAL2. */
    RT3(MADD(1, 2), madd, 1, 2, 0, 0),
    RT3(MADDU(1, 2), maddu, 1, 2, 0, 0),
    RT3(MUL(3, 1, 2), mul, 1, 2, 3, 0),
    RT3(MSUB(1, 2), msub, 1, 2, 0, 0),
    RT3(MSUBU(1, 2), msubu, 1, 2, 0, 0),
    RT3(CLZ(3, 1), clz, 1, 3, 3, 0),
    RT3(CLO(3, 1), clo, 1, 3, 3, 0),
    OPONLY(SPECIAL2(0, 0, 0, 0, 0x3F), sdbbp),

    /* ---- SPECIAL3 and BSHFL. EXT: msbd in rd, lsb in sa; INS: msb in rd, lsb in sa. */
    RT3(EXT(3, 1, 4, 8), ext, 1, 3, 7, 4),
    RT3(EXT(3, 1, 0, 32), ext, 1, 3, 31, 0),
    RT3(EXT(3, 1, 16, 16), ext, 1, 3, 15, 16),                /* pos + size = 32 */
    RT3(EXT(3, 1, 31, 1), ext, 1, 3, 0, 31),
    RT3(INS(3, 1, 4, 8), ins, 1, 3, 11, 4),
    RT3(INS(3, 1, 31, 1), ins, 1, 3, 31, 31),                 /* msb = lsb */
    RT3(INS(3, 1, 0, 32), ins, 1, 3, 31, 0),
    RT3(RDHWR(3, 0), rdhwr, 0, 3, 0, 0),
    RT3(RDHWR(3, 1), rdhwr, 0, 3, 1, 0),
    RT3(RDHWR(3, 2), rdhwr, 0, 3, 2, 0),
    RT3(RDHWR(3, 3), rdhwr, 0, 3, 3, 0),
    RT3(WSBH(3, 2), wsbh, 0, 2, 3, 0x02),
    RT3(SEB(3, 2), seb, 0, 2, 3, 0x10),
    RT3(SEH(3, 2), seh, 0, 2, 3, 0x18),

    /* ---- COP0: by rs, then by function with CO set; sel in imm for the moves. */
    { MFC0(2, 12, 1), OP_mfc0, 0x00, 2, 12, 0, 1 },
    { MTC0(2, 16, 7), OP_mtc0, 0x04, 2, 16, 0, 7 },
    { MFC0(31, 9, 0), OP_mfc0, 0x00, 31, 9, 0, 0 },
    RT3(ENC_R(0x10, 0x0A, 2, 3, 0, 0), rdpgpr, 0x0A, 2, 3, 0),
    RT3(ENC_R(0x10, 0x0E, 2, 3, 0, 0), wrpgpr, 0x0E, 2, 3, 0),
    RT3(DI(2), di, 0x0B, 2, 12, 0),
    RT3(DI(0), di, 0x0B, 0, 12, 0),
    RT3(EI(2), ei, 0x0B, 2, 12, 0),
    OPONLY(TLBR, tlbr),
    OPONLY(TLBWI, tlbwi),
    OPONLY(TLBWR, tlbwr),
    OPONLY(TLBP, tlbp),
    OPONLY(ERET, eret),
    OPONLY(COP0_CO(0x1F), deret),
    OPONLY(COP0_CO(0x20), wait),
    OPONLY(COP0_CO(0x20) | (0x7FFFFu << 6), wait),             /* implementation code */
};

static void test_decode_tables(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const decode_case_t *c = &cases[i];
        mips_insn_t in;
        memset(&in, 0xEE, sizeof(in));
        mips_decode(c->word, &in);
        if (in.op != c->op)
            fail_msg("0x%08x: decoded as %s, expected %s", c->word, mips_op_name(in.op),
                     mips_op_name(c->op));
        if (in.raw != c->word)
            fail_msg("0x%08x: raw 0x%08x", c->word, in.raw);
        if ((c->rs != ANY && in.rs != c->rs) || (c->rt != ANY && in.rt != c->rt) ||
            (c->rd != ANY && in.rd != c->rd) || (c->sa != ANY && in.sa != c->sa))
            fail_msg("0x%08x (%s): rs %u rt %u rd %u sa %u, expected %d %d %d %d", c->word,
                     mips_op_name(c->op), in.rs, in.rt, in.rd, in.sa, c->rs, c->rt, c->rd, c->sa);
        if (c->imm != ANY && in.imm != (uint32_t)c->imm)
            fail_msg("0x%08x (%s): imm 0x%08x, expected 0x%08x", c->word, mips_op_name(c->op),
                     in.imm, (uint32_t)c->imm);
    }
}

/* ---- Reserved encodings --------------------------------------------------------------- */

static enum mips_op decode_op(uint32_t word)
{
    mips_insn_t in;
    mips_decode(word, &in);
    return in.op;
}

static void expect_op(uint32_t word, enum mips_op op)
{
    enum mips_op got = decode_op(word);
    if (got != op)
        fail_msg("0x%08x: decoded as %s, expected %s", word, mips_op_name(got), mips_op_name(op));
}

/* Filler for the fields a reserved encoding does not define. */
#define JUNK 0x00A5A5A5u

static void test_reserved_primary(void **state)
{
    (void)state;
    /* Unused in MIPS32r2 (0x18-0x1B, 0x1E, 0x27) and the MIPS64-only opcodes. */
    static const uint8_t ops[] = { 0x18, 0x19, 0x1A, 0x1B, 0x1E, 0x27, 0x2C, 0x2D, 0x34,
                                   0x37, 0x3B, 0x3C, 0x3F };
    for (size_t i = 0; i < sizeof(ops); i++) {
        expect_op((uint32_t)ops[i] << 26, OP_ri);
        expect_op(((uint32_t)ops[i] << 26) | JUNK, OP_ri);
        expect_op(((uint32_t)ops[i] << 26) | 0x03FFFFFFu, OP_ri);
    }
}

static void test_reserved_special(void **state)
{
    (void)state;
    static const uint8_t fns[] = { 0x05, 0x0E, 0x14, 0x15, 0x16, 0x17, 0x1C, 0x1D, 0x1E, 0x1F,
                                   0x28, 0x29, 0x2C, 0x2D, 0x2E, 0x2F, 0x35, 0x37, 0x38, 0x39,
                                   0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F };
    for (size_t i = 0; i < sizeof(fns); i++)
        expect_op(SPECIAL(1, 2, 3, 0, fns[i]), OP_ri);
    /* Release 2 gives SRL's rs and SRLV's sa a meaning: 0 shift, 1 rotate, others RI. */
    expect_op(SPECIAL(2, 2, 3, 4, 0x02), OP_ri);
    expect_op(SPECIAL(31, 2, 3, 4, 0x02), OP_ri);
    expect_op(SPECIAL(1, 2, 3, 2, 0x06), OP_ri);
    expect_op(SPECIAL(1, 2, 3, 31, 0x06), OP_ri);
}

static void test_reserved_regimm(void **state)
{
    (void)state;
    static const uint8_t rts[] = { 0x04, 0x05, 0x06, 0x07, 0x0D, 0x0F, 0x14, 0x15, 0x16, 0x17,
                                   0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E };
    for (size_t i = 0; i < sizeof(rts); i++)
        expect_op(REGIMM(3, rts[i], 0x1234), OP_ri);
}

static void test_reserved_special2(void **state)
{
    (void)state;
    for (unsigned fn = 0; fn < 64; fn++) {
        bool valid = fn == 0x00 || fn == 0x01 || fn == 0x02 || fn == 0x04 || fn == 0x05 ||
                     fn == 0x20 || fn == 0x21 || fn == 0x3F;
        if (!valid)
            expect_op(SPECIAL2(1, 2, 3, 0, fn), OP_ri);
    }
}

static void test_reserved_special3(void **state)
{
    (void)state;
    for (unsigned fn = 0; fn < 64; fn++) {
        if (fn != 0x00 && fn != 0x04 && fn != 0x20 && fn != 0x3B)
            expect_op(SPECIAL3(1, 2, 3, 4, fn), OP_ri);
    }
    /* BSHFL by sa: only WSBH (0x02), SEB (0x10), SEH (0x18). */
    for (unsigned sa = 0; sa < 32; sa++) {
        if (sa != 0x02 && sa != 0x10 && sa != 0x18)
            expect_op(SPECIAL3(0, 2, 3, sa, 0x20), OP_ri);
    }
    /* EXT with pos + size > 32 and INS with msb < lsb are UNPREDICTABLE: RI, as QEMU. */
    expect_op(SPECIAL3(1, 2, 16, 16, 0x00), OP_ri);     /* pos 16, size 17 */
    expect_op(SPECIAL3(1, 2, 1, 31, 0x00), OP_ri);      /* pos 31, size 2 */
    expect_op(SPECIAL3(1, 2, 31, 1, 0x00), OP_ri);      /* pos 1, size 32 */
    expect_op(SPECIAL3(1, 2, 7, 8, 0x04), OP_ri);       /* msb 7 < lsb 8 */
    expect_op(SPECIAL3(1, 2, 0, 31, 0x04), OP_ri);
    /* RDHWR: only hardware registers 0-3 exist; 29 (UserLocal) needs Config3.ULRI. */
    expect_op(RDHWR(3, 29), OP_ri);
    expect_op(RDHWR(3, 4), OP_ri);
    expect_op(RDHWR(3, 31), OP_ri);
}

/* Reserved COP0 encodings decode to ri_cop0, so that the Coprocessor Unusable check comes
 * first in user mode (Vol. III: CpU takes priority over RI). */
static void test_reserved_cop0(void **state)
{
    (void)state;
    static const uint8_t rss[] = { 0x01, 0x02, 0x03, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0C, 0x0D,
                                   0x0F };
    for (size_t i = 0; i < sizeof(rss); i++)
        expect_op(ENC_R(0x10, rss[i], 2, 3, 0, 0), OP_ri_cop0);
    static const uint8_t fns[] = { 0x00, 0x03, 0x04, 0x05, 0x07, 0x09, 0x10, 0x17, 0x19, 0x1E,
                                   0x21, 0x3F };
    for (size_t i = 0; i < sizeof(fns); i++)
        expect_op(COP0_CO(fns[i]), OP_ri_cop0);
    expect_op(ENC_R(0x10, 0x0B, 2, 13, 0, 0x00), OP_ri_cop0);   /* MFMC0 of a non-Status */
    expect_op(ENC_R(0x10, 0x0B, 2, 12, 0, 0x01), OP_ri_cop0);   /* ...or with junk */
    expect_op(MFC0(2, 12, 0) | 0x40u, OP_ri_cop0);             /* bits 10:3 must be zero */
    expect_op(MTC0(2, 12, 0) | 0x400u, OP_ri_cop0);
}

/* ---- Names ------------------------------------------------------------------------------ */

static void test_op_names(void **state)
{
    (void)state;
    for (int op = 0; op < OP_COUNT; op++) {
        const char *name = mips_op_name((enum mips_op)op);
        assert_non_null(name);
        assert_true(name[0] >= 'a' && name[0] <= 'z');
        for (const char *p = name; *p; p++) {
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
                fail_msg("op %d: name '%s' is not lowercase", op, name);
        }
        for (int other = 0; other < op; other++) {
            if (!strcmp(name, mips_op_name((enum mips_op)other)))
                fail_msg("ops %d and %d share the name '%s'", other, op, name);
        }
    }
    assert_string_equal(mips_op_name(OP_ri), "ri");
    assert_string_equal(mips_op_name(OP_rotr), "rotr");
    assert_string_equal(mips_op_name(OP_di), "di");
    assert_string_equal(mips_op_name(OP_lw), "lw");
    assert_string_equal(mips_op_name(OP_COUNT), "?");
}

static void test_branch_classification(void **state)
{
    (void)state;
    static const enum mips_op branches[] = {
        OP_j, OP_jal, OP_jr, OP_jalr, OP_beq, OP_bne, OP_blez, OP_bgtz, OP_beql, OP_bnel,
        OP_blezl, OP_bgtzl, OP_bltz, OP_bgez, OP_bltzl, OP_bgezl, OP_bltzal, OP_bgezal,
        OP_bltzall, OP_bgezall,
    };
    for (size_t i = 0; i < sizeof(branches) / sizeof(branches[0]); i++)
        assert_true(mips_op_is_branch(branches[i]));
    static const enum mips_op others[] = {
        OP_ri, OP_eret, OP_deret, OP_syscall, OP_addiu, OP_lw, OP_tlbwi, OP_wait, OP_teq,
    };
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        assert_false(mips_op_is_branch(others[i]));
}

/* ---- Cross-check against capstone ----------------------------------------------------- */

/* Capstone prints the assembler's aliases where an instruction has one (binutils'
 * mips-opc.c has the same): each is accepted only for the encodings it stands for, the
 * word's bits under `mask` equal to `value`. */
typedef struct alias {
    enum mips_op op;
    const char *mnemonic;
    uint32_t mask, value;
} alias_t;

#define F_RS 0x03E00000u
#define F_RT 0x001F0000u
#define F_RD 0x0000F800u
#define HB   0x00000400u          /* JR.HB/JALR.HB hint */

static const alias_t aliases[] = {
    { OP_sll, "nop", ~0u, 0x00000000u },
    { OP_sll, "ssnop", ~0u, 0x00000040u },
    { OP_sll, "ehb", ~0u, 0x000000C0u },
    { OP_sll, "pause", ~0u, 0x00000140u },
    { OP_or, "move", F_RT, 0 },
    { OP_addu, "move", F_RT, 0 },
    { OP_subu, "negu", F_RS, 0 },
    { OP_sub, "neg", F_RS, 0 },
    { OP_nor, "not", F_RT, 0 },
    { OP_beq, "b", F_RS | F_RT, 0 },
    { OP_beq, "beqz", F_RT, 0 },
    { OP_bne, "bnez", F_RT, 0 },
    { OP_beql, "beqzl", F_RT, 0 },
    { OP_bnel, "bnezl", F_RT, 0 },
    { OP_bgezal, "bal", F_RS, 0 },
    { OP_addiu, "li", F_RS, 0 },
    { OP_ori, "li", F_RS, 0 },
    { OP_jr, "jr.hb", HB, HB },
    { OP_jalr, "jalr.hb", HB, HB },
    { OP_jalr, "jr", F_RD | HB, 0 },            /* JALR $0, rs: no link */
};

static bool names_agree(uint32_t word, enum mips_op op, const char *mnemonic)
{
    if (!strcmp(mips_op_name(op), mnemonic))
        return true;
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
        const alias_t *a = &aliases[i];
        if (a->op == op && !strcmp(a->mnemonic, mnemonic) && (word & a->mask) == a->value)
            return true;
    }
    return false;
}

/* Operations named after an opcode class rather than an instruction (the FPU and CP2
 * spaces, MOVF/MOVT) have no single mnemonic to compare, nor do the reserved ones. */
static bool comparable(enum mips_op op)
{
    switch (op) {
    case OP_ri: case OP_ri_cop0: case OP_cop1: case OP_cop2: case OP_cop1x: case OP_movci:
    case OP_mfmc0:
        return false;
    default:
        return true;
    }
}

static uint32_t xorshift32(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

#define CROSS_CHECK_WORDS 20000u  /* compared words: enough to reach every operation */
#define CROSS_CHECK_TRIES 1000000u

/* Random words mostly have non-zero bits where the manual wants zeros (SA of ADD, the code
 * field of TLBWI...), which capstone refuses and kseg ignores, and few hit the fields that
 * select an operation exactly (SRLV's sa = 1 for ROTRV, BSHFL's sa, DI/EI). Each random
 * word is therefore also tried with fields cleared or set as below, starting at a random
 * one, and the first variant that kseg decodes to a real instruction and capstone accepts
 * is compared. */
typedef struct variant {
    uint32_t clear, set;
} variant_t;

static const variant_t variants[] = {
    { 0, 0 },
    { 0x000007C0u, 0 },                          /* sa = 0 */
    { 0x0000FFC0u, 0 },                          /* rd = sa = 0 */
    { 0x03E00000u, 0 },                          /* rs = 0 */
    { 0x001F0000u, 0 },                          /* rt = 0 */
    { 0x000007F8u, 0 },                          /* COP0 moves: bits 10:3 = 0 */
    { 0x01FFFFC0u, 0 },                          /* COP0 with CO: no code */
    { 0x000007C0u, 1u << 6 },                    /* sa = 1: ROTRV */
    { 0x03E00000u, 1u << 21 },                   /* rs = 1: ROTR */
    { 0x03E007C0u, 0x02u << 6 },                 /* BSHFL: WSBH */
    { 0x03E007C0u, 0x10u << 6 },                 /* SEB */
    { 0x03E007C0u, 0x18u << 6 },                 /* SEH */
    { 0x03E0F7DFu, (0x0Bu << 21) | (12u << 11) },   /* MFMC0: DI/EI */
    { 0x03E007C0u, 0 },                          /* rs = sa = 0 */
    { 0x001F07C0u, 0 },                          /* rt = sa = 0 */
    { 0x03E0FFC0u, 0 },                          /* rs = rd = sa = 0 */
    { 0x001FFFC0u, 0 },                          /* rt = rd = sa = 0 */
    { 0x03FFFFC0u, 0 },                          /* only the function left */
};

static void test_names_match_capstone(void **state)
{
    (void)state;
    /* The checker itself: aliases hold only for their own encodings. */
    assert_true(names_agree(JALR(0, 4), OP_jalr, "jr"));
    assert_false(names_agree(JALR(5, 4), OP_jalr, "jr"));
    assert_true(names_agree(NOP, OP_sll, "nop"));
    assert_false(names_agree(SLL(1, 1, 1), OP_sll, "nop"));
    assert_false(names_agree(ADD(3, 1, 2), OP_add, "addu"));
    assert_false(names_agree(BEQ(1, 0, 4), OP_beq, "b"));
    csh cs;
    assert_int_equal(cs_open(CS_ARCH_MIPS, CS_MODE_MIPS32 | CS_MODE_LITTLE_ENDIAN, &cs),
                     CS_ERR_OK);
    /* Opcodes with sub-tables get extra weight so that they are covered as well as the
     * primary map. */
    static const uint8_t weighted[] = { 0x00, 0x01, 0x10, 0x1C, 0x1F };
    uint32_t seed = 0x2545F491u;
    unsigned compared = 0, mismatches = 0;
    bool seen[OP_COUNT] = { false };

    for (unsigned t = 0; t < CROSS_CHECK_TRIES && compared < CROSS_CHECK_WORDS; t++) {
        uint32_t random = xorshift32(&seed);
        if (t & 1)
            random = (random & 0x03FFFFFFu) |
                     ((uint32_t)weighted[(random >> 7) % sizeof(weighted)] << 26);
        const size_t n_variants = sizeof(variants) / sizeof(variants[0]);
        size_t first = xorshift32(&seed) % n_variants;
        for (size_t i = 0; i < n_variants; i++) {
            const variant_t *v = &variants[(first + i) % n_variants];
            uint32_t w = (random & ~v->clear) | v->set;
            enum mips_op op = decode_op(w);
            if (!comparable(op))
                continue;
            uint8_t bytes[4];
            memcpy(bytes, &w, 4);
            cs_insn *insn = NULL;
            if (cs_disasm(cs, bytes, 4, CODE_VA, 1, &insn) != 1)
                continue;
            compared++;
            seen[op] = true;
            if (!names_agree(w, op, insn->mnemonic)) {
                mismatches++;
                print_message("0x%08x: kseg %s, capstone %s %s\n", w, mips_op_name(op),
                              insn->mnemonic, insn->op_str);
            }
            cs_free(insn, 1);
            break;
        }
    }
    cs_close(&cs);

    assert_int_equal(compared, CROSS_CHECK_WORDS);
    assert_int_equal(mismatches, 0);
    /* Every operation with a mnemonic took part, except those capstone 4's MIPS32 mode
     * does not decode and the translator's own NOP. */
    unsigned unseen = 0;
    for (int op = 0; op < OP_COUNT; op++) {
        if (!seen[op] && comparable((enum mips_op)op) && op != OP_nop && op != OP_rdhwr &&
            op != OP_rdpgpr && op != OP_wrpgpr) {
            print_message("never compared: %s\n", mips_op_name((enum mips_op)op));
            unseen++;
        }
    }
    assert_int_equal(unseen, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_tables),
        cmocka_unit_test(test_reserved_primary),
        cmocka_unit_test(test_reserved_special),
        cmocka_unit_test(test_reserved_regimm),
        cmocka_unit_test(test_reserved_special2),
        cmocka_unit_test(test_reserved_special3),
        cmocka_unit_test(test_reserved_cop0),
        cmocka_unit_test(test_op_names),
        cmocka_unit_test(test_branch_classification),
        cmocka_unit_test(test_names_match_capstone),
    };
    return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
