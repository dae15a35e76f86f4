/* Delay-slot branch resolution and the emulated-instruction decoder (roms/hv/branch.c),
 * on the host.
 *
 * Two golden tables, one cmocka test per row. Branch rows: an instruction word at PC, a
 * few registers, and the outcome from the MIPS32 Vol. II branch pages (target = slot
 * address + offset * 4; J/JAL keep the slot's top 4 bits; comparisons signed). Decoder
 * rows: a word and the fields the hypervisor needs, or UNKNOWN for encodings a reserved
 * field makes invalid (Vol. II, tables A.2-A.11), those as hand-assembled hex. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "branch.h"
#include "mips_encode.h"     /* tests/unit: the encoders the core's tests use */
#include "hv_unit.h"

#define JR_HB(rs)        SPECIAL(rs, 0, 0, 0x10, 0x08)
#define JALR_HB(rd, rs)  SPECIAL(rs, 0, rd, 0x10, 0x09)

#define PC     0x00401000u
#define OFF    0x10                     /* lands at PC + 4 + 0x40 */
#define TARGET (PC + 0x44u)
#define FALL   (PC + 8u)

/* ---- Branches ---------------------------------------------------------------------- */

typedef struct reg_value { uint8_t reg; uint32_t value; } reg_value_t;

typedef struct branch_row {
    const char *name;
    uint32_t insn;
    bool at;                    /* run at `pc`, else at PC */
    uint32_t pc;
    reg_value_t in[3];          /* {0, 0} entries are inert */
    bool is_branch;
    bool taken, likely, unpredictable;
    uint32_t target;            /* checked when the branch is taken */
} branch_row_t;

#define IN(...) .in = { __VA_ARGS__ }
#define R(n, v) { (n), (v) }
#define TAKEN(t)  .is_branch = true, .taken = true, .target = (t)
#define NOT_TAKEN .is_branch = true, .taken = false
#define LIKELY    .likely = true
#define AT(a)     .at = true, .pc = (a)
#define NOT_BRANCH .is_branch = false

static const branch_row_t branch_rows[] = {
    { "beq_taken", BEQ(4, 5, OFF), IN(R(4, 7), R(5, 7)), TAKEN(TARGET) },
    { "beq_not_taken", BEQ(4, 5, OFF), IN(R(4, 7), R(5, 8)), NOT_TAKEN },
    /* $0 reads as zero whatever the array holds (gpr[0] is 0xBAD in every row). */
    { "beq_zero_reads_zero", BEQ(0, 4, OFF), IN(R(4, 0)), TAKEN(TARGET) },
    { "b_backwards", BEQ(0, 0, 0xFFFF), TAKEN(PC) },
    { "beq_most_negative", BEQ(0, 0, 0x8000), TAKEN(PC + 4u - 0x20000u) },
    { "beq_most_positive", BEQ(0, 0, 0x7FFF), TAKEN(PC + 4u + 0x1FFFCu) },
    { "beq_wraps_below_zero", BEQ(0, 0, 0xFFFE), AT(0x00000000), TAKEN(0xFFFFFFFCu) },
    { "bne_taken", BNE(4, 5, OFF), IN(R(4, 1), R(5, 2)), TAKEN(TARGET) },
    { "bne_not_taken", BNE(4, 5, OFF), IN(R(4, 2), R(5, 2)), NOT_TAKEN },
    { "blez_zero", BLEZ(4, OFF), IN(R(4, 0)), TAKEN(TARGET) },
    { "blez_negative", BLEZ(4, OFF), IN(R(4, 0x80000000)), TAKEN(TARGET) },
    { "blez_positive", BLEZ(4, OFF), IN(R(4, 1)), NOT_TAKEN },
    { "bgtz_positive", BGTZ(4, OFF), IN(R(4, 0x7FFFFFFF)), TAKEN(TARGET) },
    { "bgtz_zero", BGTZ(4, OFF), IN(R(4, 0)), NOT_TAKEN },
    { "bgtz_negative", BGTZ(4, OFF), IN(R(4, 0xFFFFFFFF)), NOT_TAKEN },
    { "beql", BEQL(4, 5, OFF), IN(R(4, 3), R(5, 3)), TAKEN(TARGET), LIKELY },
    { "beql_not_taken", BEQL(4, 5, OFF), IN(R(4, 3), R(5, 4)), NOT_TAKEN, LIKELY },
    { "bnel", BNEL(4, 5, OFF), IN(R(4, 3), R(5, 4)), TAKEN(TARGET), LIKELY },
    { "blezl", BLEZL(4, OFF), IN(R(4, 0)), TAKEN(TARGET), LIKELY },
    { "bgtzl", BGTZL(4, OFF), IN(R(4, 5)), TAKEN(TARGET), LIKELY },
    { "bgtzl_not_taken", BGTZL(4, OFF), IN(R(4, 0)), NOT_TAKEN, LIKELY },
    { "bltz_taken", BLTZ(4, OFF), IN(R(4, 0x80000000)), TAKEN(TARGET) },
    { "bltz_zero", BLTZ(4, OFF), IN(R(4, 0)), NOT_TAKEN },
    { "bgez_zero", BGEZ(4, OFF), IN(R(4, 0)), TAKEN(TARGET) },
    { "bgez_negative", BGEZ(4, OFF), IN(R(4, 0xFFFFFFFF)), NOT_TAKEN },
    { "bltzl", BLTZL(4, OFF), IN(R(4, 0xFFFFFFFF)), TAKEN(TARGET), LIKELY },
    { "bgezl", BGEZL(4, OFF), IN(R(4, 1)), TAKEN(TARGET), LIKELY },
    /* The -AL forms already wrote $31 = PC + 8; the registers hold that. */
    { "bltzal_taken", BLTZAL(4, OFF), IN(R(4, 0xFFFFFFFF), R(31, FALL)), TAKEN(TARGET) },
    { "bltzal_not_taken", BLTZAL(4, OFF), IN(R(4, 1), R(31, FALL)), NOT_TAKEN },
    { "bal", BGEZAL(0, OFF), IN(R(31, FALL)), TAKEN(TARGET) },
    { "bgezal_not_taken", BGEZAL(4, OFF), IN(R(4, 0x80000000)), NOT_TAKEN },
    { "bltzall", BLTZALL(4, OFF), IN(R(4, 0x80000000)), TAKEN(TARGET), LIKELY },
    { "bgezall", BGEZALL(4, OFF), IN(R(4, 0)), TAKEN(TARGET), LIKELY },
    /* rs = 31 reads the link the branch just wrote: UNPREDICTABLE, flagged. */
    { "bgezal_ra_unpredictable", BGEZAL(31, OFF), IN(R(31, FALL)), TAKEN(TARGET),
      .unpredictable = true },
    { "bltzal_ra_unpredictable", BLTZAL(31, OFF), IN(R(31, FALL)), NOT_TAKEN,
      .unpredictable = true },
    /* J/JAL: the region is the delay slot's, not the branch's. */
    { "j", J(0x0048D158u), TAKEN(0x0048D158u) },
    { "j_region_of_slot", J(0x400), AT(0x0FFFFFFC), TAKEN(0x10000400u) },
    { "jal", JAL(0x0FFFFFFCu), AT(0x20000000), IN(R(31, 0x20000008)), TAKEN(0x2FFFFFFCu) },
    { "jr", JR(4), IN(R(4, 0x3FC00100)), TAKEN(0x3FC00100u) },
    { "jr_hb", JR_HB(31), IN(R(31, 0x00012344)), TAKEN(0x00012344u) },
    { "jr_zero", JR(0), TAKEN(0u) },
    { "jalr", JALR(31, 4), IN(R(4, 0x00500000), R(31, FALL)), TAKEN(0x00500000u) },
    { "jalr_hb", JALR_HB(2, 4), IN(R(4, 0x00600000), R(2, FALL)), TAKEN(0x00600000u) },
    { "jalr_rd_zero", JALR(0, 4), IN(R(4, 0x00700000)), TAKEN(0x00700000u) },
    { "jalr_rd_is_rs_unpredictable", JALR(4, 4), IN(R(4, FALL)), TAKEN(FALL),
      .unpredictable = true },
    /* Not branches on the general registers. */
    { "addiu", ADDIU(4, 4, 1), NOT_BRANCH },
    { "nop", NOP, NOT_BRANCH },
    { "syscall", SYSCALL, NOT_BRANCH },
    { "bc1f", 0x45000010u, NOT_BRANCH },
    { "bc2t", 0x49010010u, NOT_BRANCH },
    { "tgei", REGIMM(4, 0x08, 0), NOT_BRANCH },
    { "synci", REGIMM(4, 0x1F, 0), NOT_BRANCH },
    { "regimm_reserved", REGIMM(4, 0x04, OFF), NOT_BRANCH },
    { "movz", MOVZ(6, 4, 5), NOT_BRANCH },
    { "jalx", ENC_J(0x1D, 0x100), NOT_BRANCH },
    { "mfc0", MFC0(2, 12, 0), NOT_BRANCH },
};
#define N_BRANCHES (sizeof(branch_rows) / sizeof(branch_rows[0]))

static void run_branch(void **state)
{
    const branch_row_t *row = *state;
    uint32_t gpr[32];
    for (unsigned i = 0; i < 32; i++)
        gpr[i] = 0xC0DE0000u + i;
    gpr[0] = 0xBAD;
    for (unsigned i = 0; i < 3; i++)
        if (row->in[i].reg)
            gpr[row->in[i].reg] = row->in[i].value;
    uint32_t pc = row->at ? row->pc : PC;
    branch_outcome_t o = { .target = 0xDEADBEEF, .resume = 0xDEADBEEF };
    bool ok = branch_eval(row->insn, pc, gpr, &o);
    if (ok != row->is_branch)
        fail_msg("%s: 0x%08x %s a branch", row->name, row->insn,
                 ok ? "taken for" : "not recognised as");
    if (!ok) {
        assert_int_equal(o.resume, 0xDEADBEEF);     /* untouched */
        return;
    }
    if (o.taken != row->taken || o.likely != row->likely ||
        o.unpredictable != row->unpredictable)
        fail_msg("%s: taken %d likely %d unpredictable %d", row->name, o.taken, o.likely,
                 o.unpredictable);
    uint32_t resume = row->taken ? row->target : pc + 8u;
    if (o.resume != resume)
        fail_msg("%s: resume 0x%08x, expected 0x%08x", row->name, o.resume, resume);
    if (row->taken && o.target != row->target)
        fail_msg("%s: target 0x%08x, expected 0x%08x", row->name, o.target, row->target);
}

/* ---- Decoder ----------------------------------------------------------------------- */

typedef struct decode_row {
    const char *name;
    uint32_t insn;
    emul_insn_t want;
} decode_row_t;

#define OP(o, ...) { .op = EMUL_##o, __VA_ARGS__ }

static const decode_row_t decode_rows[] = {
    { "mfc0_status", MFC0(2, 12, 0), OP(MFC0, .rt = 2, .rd = 12) },
    { "mfc0_config1", MFC0(3, 16, 1), OP(MFC0, .rt = 3, .rd = 16, .sel = 1) },
    { "mtc0_count", MTC0(4, 9, 0), OP(MTC0, .rt = 4, .rd = 9) },
    { "mtc0_all_ones", MTC0(31, 31, 7), OP(MTC0, .rt = 31, .rd = 31, .sel = 7) },
    { "mfc0_reserved_bits", 0x40026008u, OP(UNKNOWN) },
    { "dmfc0", 0x40226000u, OP(UNKNOWN) },
    { "di_zero", DI(0), OP(DI) },
    { "di_t0", DI(8), OP(DI, .rt = 8) },
    { "ei_a3", EI(7), OP(EI, .rt = 7) },
    { "mfmc0_rd13", 0x41606800u, OP(UNKNOWN) },
    { "dvpe", 0x41600001u, OP(UNKNOWN) },
    { "tlbr", TLBR, OP(TLBR) },
    { "tlbwi", TLBWI, OP(TLBWI) },
    { "tlbwr", TLBWR, OP(TLBWR) },
    { "tlbp", TLBP, OP(TLBP) },
    { "eret", ERET, OP(ERET) },
    { "tlbwi_reserved_bits", 0x42000042u, OP(UNKNOWN) },
    { "eret_reserved_bits", 0x42800018u, OP(UNKNOWN) },
    { "deret", 0x4200001Fu, OP(UNKNOWN) },
    { "rfe", 0x42000010u, OP(UNKNOWN) },
    { "wait", WAIT, OP(WAIT) },
    { "wait_code", 0x43FFFFE0u, OP(WAIT) },
    { "cache_hit_inv_d", CACHE(0x11, -4, 4),
      OP(CACHE, .base = 4, .cache_op = 0x11, .offset = -4) },
    { "cache_index_inv_i", CACHE(0, 0x7FF0, 0), OP(CACHE, .cache_op = 0, .offset = 0x7FF0) },
    { "rdhwr_ulr", RDHWR(3, 29), OP(RDHWR, .rt = 3, .rd = 29) },
    { "rdhwr_cc", RDHWR(10, 2), OP(RDHWR, .rt = 10, .rd = 2) },
    { "rdhwr_sel_bits", 0x7C03E87Bu, OP(UNKNOWN) },
    { "rdpgpr", 0x41401000u, OP(UNKNOWN) },
    { "wrpgpr", 0x41C01000u, OP(UNKNOWN) },
    { "mfc1", 0x44026000u, OP(UNKNOWN) },
    { "decode_nop", NOP, OP(UNKNOWN) },
    { "decode_syscall", SYSCALL, OP(UNKNOWN) },
    { "lw", LW(2, 0, 4), OP(UNKNOWN) },
    { "ext_not_rdhwr", EXT(2, 4, 3, 1), OP(UNKNOWN) },
};

static void run_decode(void **state)
{
    const decode_row_t *row = *state;
    emul_insn_t d = emul_decode(row->insn);
    const emul_insn_t *w = &row->want;
    if (d.op != w->op)
        fail_msg("%s: 0x%08x decodes as %s, expected %s", row->name, row->insn,
                 emul_op_name(d.op), emul_op_name(w->op));
    if (d.rt != w->rt || d.rd != w->rd || d.sel != w->sel || d.base != w->base ||
        d.cache_op != w->cache_op || d.offset != w->offset)
        fail_msg("%s: rt %u rd %u sel %u base %u op %u offset %d", row->name, d.rt, d.rd,
                 d.sel, d.base, d.cache_op, d.offset);
}

static void test_op_names(void **state)
{
    (void)state;
    static const char *const names[] = {
        "UNKNOWN", "MFC0", "MTC0", "DI", "EI", "TLBR", "TLBWI", "TLBWR", "TLBP", "ERET",
        "WAIT", "CACHE", "RDHWR",
    };
    assert_int_equal(sizeof(names) / sizeof(names[0]), EMUL_OP_COUNT);
    for (unsigned op = 0; op < EMUL_OP_COUNT; op++)
        assert_string_equal(emul_op_name((enum emul_op)op), names[op]);
    assert_string_equal(emul_op_name(EMUL_OP_COUNT), "UNKNOWN");
}

/* Every bit outside an operation's mask is a field: flipping it keeps the operation;
 * flipping a bit inside the mask never yields that operation. Catches a row whose mask
 * is too loose or too strict against the hand-written rows above. */
static void test_decoder_masks(void **state)
{
    (void)state;
    static const struct { uint32_t word; enum emul_op op; uint32_t fields; } canon[] = {
        { 0x40000000u, EMUL_MFC0, 0x001FF807u },
        { 0x40800000u, EMUL_MTC0, 0x001FF807u },
        { 0x41606000u, EMUL_DI, 0x001F0000u },
        { 0x41606020u, EMUL_EI, 0x001F0000u },
        { 0x42000001u, EMUL_TLBR, 0 },
        { 0x42000002u, EMUL_TLBWI, 0 },
        { 0x42000006u, EMUL_TLBWR, 0 },
        { 0x42000008u, EMUL_TLBP, 0 },
        { 0x42000018u, EMUL_ERET, 0 },
        { 0x42000020u, EMUL_WAIT, 0x01FFFFC0u },
        { 0xBC000000u, EMUL_CACHE, 0x03FFFFFFu },
        { 0x7C00003Bu, EMUL_RDHWR, 0x001FF800u },
    };
    for (size_t i = 0; i < sizeof(canon) / sizeof(canon[0]); i++) {
        for (unsigned bit = 0; bit < 32; bit++) {
            uint32_t word = canon[i].word ^ (1u << bit);
            bool field = (canon[i].fields >> bit) & 1u;
            enum emul_op op = emul_decode(word).op;
            if (field ? op != canon[i].op : op == canon[i].op)
                fail_msg("0x%08x (%s with bit %u flipped) decodes as %s", word,
                         emul_op_name(canon[i].op), bit, emul_op_name(op));
        }
    }
}

int main(void)
{
    const struct CMUnitTest decoder[] = {
        cmocka_unit_test(test_op_names),
        cmocka_unit_test(test_decoder_masks),
    };
    return run_golden_group("hv_branch", branch_rows, N_BRANCHES, sizeof(branch_rows[0]),
                            run_branch, NULL, 0) +
           GOLDEN_GROUP("hv_decode", decode_rows, run_decode, decoder);
}
