/* Delay-slot branch resolution and the emulated-instruction decoder (branch.h).
 *
 * Both are tables read like the opcode map (MIPS32 Vol. II, tables A.2-A.4 and A.9-A.11):
 * a word is identified by (word & mask) == match, first row wins. */
#include "branch.h"

/* How a branch picks its target. */
enum branch_form {
    FORM_PCREL,     /* pc + 4 + offset * 4 */
    FORM_REGION,    /* the 256 MiB region of the slot, instr_index * 4 */
    FORM_REGISTER,  /* gpr[rs] */
};

/* What a branch compares: rs with rt, or rs with zero. */
enum branch_cond { EQ, NE, LEZ, GTZ, LTZ, GEZ, ALWAYS };

typedef struct branch_row {
    uint32_t mask, match;
    enum branch_form form;
    enum branch_cond cond;
    bool likely;
    int8_t link;    /* the register the branch linked: 31, -1 for none, 0 for JALR's rd */
} branch_row_t;

#define OPC     0xFC000000u                 /* primary opcode only */
#define REGIMM  (OPC | 0x001F0000u)         /* opcode 1, selected by rt */
#define FUNCT   (OPC | 0x0000003Fu)         /* SPECIAL, selected by function */
#define RI(rt)  (0x04000000u | ((uint32_t)(rt) << 16))

static const branch_row_t branches[] = {
    { OPC, 0x10000000u, FORM_PCREL, EQ, false, -1 },        /* BEQ */
    { OPC, 0x14000000u, FORM_PCREL, NE, false, -1 },        /* BNE */
    { OPC, 0x18000000u, FORM_PCREL, LEZ, false, -1 },       /* BLEZ */
    { OPC, 0x1C000000u, FORM_PCREL, GTZ, false, -1 },       /* BGTZ */
    { OPC, 0x50000000u, FORM_PCREL, EQ, true, -1 },         /* BEQL */
    { OPC, 0x54000000u, FORM_PCREL, NE, true, -1 },         /* BNEL */
    { OPC, 0x58000000u, FORM_PCREL, LEZ, true, -1 },        /* BLEZL */
    { OPC, 0x5C000000u, FORM_PCREL, GTZ, true, -1 },        /* BGTZL */
    { REGIMM, RI(0x00), FORM_PCREL, LTZ, false, -1 },       /* BLTZ */
    { REGIMM, RI(0x01), FORM_PCREL, GEZ, false, -1 },       /* BGEZ */
    { REGIMM, RI(0x02), FORM_PCREL, LTZ, true, -1 },        /* BLTZL */
    { REGIMM, RI(0x03), FORM_PCREL, GEZ, true, -1 },        /* BGEZL */
    { REGIMM, RI(0x10), FORM_PCREL, LTZ, false, 31 },       /* BLTZAL */
    { REGIMM, RI(0x11), FORM_PCREL, GEZ, false, 31 },       /* BGEZAL (BAL with rs = 0) */
    { REGIMM, RI(0x12), FORM_PCREL, LTZ, true, 31 },        /* BLTZALL */
    { REGIMM, RI(0x13), FORM_PCREL, GEZ, true, 31 },        /* BGEZALL */
    { OPC, 0x08000000u, FORM_REGION, ALWAYS, false, -1 },   /* J */
    { OPC, 0x0C000000u, FORM_REGION, ALWAYS, false, 31 },   /* JAL */
    { FUNCT, 0x00000008u, FORM_REGISTER, ALWAYS, false, -1 },   /* JR, JR.HB */
    { FUNCT, 0x00000009u, FORM_REGISTER, ALWAYS, false, 0 },    /* JALR, JALR.HB */
};

static bool condition(enum branch_cond cond, uint32_t rs, uint32_t rt)
{
    switch (cond) {
    case EQ: return rs == rt;
    case NE: return rs != rt;
    case LEZ: return (int32_t)rs <= 0;
    case GTZ: return (int32_t)rs > 0;
    case LTZ: return (int32_t)rs < 0;
    case GEZ: return (int32_t)rs >= 0;
    case ALWAYS: break;
    }
    return true;
}

static uint32_t target(const branch_row_t *b, uint32_t insn, uint32_t pc, uint32_t rs)
{
    switch (b->form) {
    case FORM_PCREL:
        return pc + 4u + ((uint32_t)(int32_t)(int16_t)(insn & 0xFFFFu) << 2);
    case FORM_REGION:
        return ((pc + 4u) & 0xF0000000u) | ((insn & 0x03FFFFFFu) << 2);
    case FORM_REGISTER:
        break;
    }
    return rs;
}

bool branch_eval(uint32_t insn, uint32_t pc, const uint32_t gpr[32], branch_outcome_t *out)
{
    const branch_row_t *b = NULL;
    for (size_t i = 0; i < sizeof(branches) / sizeof(branches[0]); i++) {
        if ((insn & branches[i].mask) == branches[i].match) {
            b = &branches[i];
            break;
        }
    }
    if (!b)
        return false;
    unsigned rs_n = (insn >> 21) & 31u, rt_n = (insn >> 16) & 31u, rd_n = (insn >> 11) & 31u;
    uint32_t rs = rs_n ? gpr[rs_n] : 0, rt = rt_n ? gpr[rt_n] : 0;
    int link = b->link == 0 ? (int)rd_n : b->link;
    out->taken = condition(b->cond, rs, rt);
    out->likely = b->likely;
    /* J/JAL read no register: their rs bits belong to the jump index. */
    out->unpredictable = b->form != FORM_REGION && link > 0 && (unsigned)link == rs_n;
    out->target = target(b, insn, pc, rs);
    out->resume = out->taken ? out->target : pc + 8u;
    return true;
}

/* ---- Decoder ------------------------------------------------------------------------ */

typedef struct emul_row {
    uint32_t mask, match;
    enum emul_op op;
} emul_row_t;

static const emul_row_t emul_rows[] = {
#define EMUL_ROW(name, mask, match) { mask, match, EMUL_##name },
    EMUL_INSNS(EMUL_ROW)
#undef EMUL_ROW
};

static const char *const emul_names[EMUL_OP_COUNT] = {
    [EMUL_UNKNOWN] = "UNKNOWN",
#define EMUL_NAME(name, mask, match) [EMUL_##name] = #name,
    EMUL_INSNS(EMUL_NAME)
#undef EMUL_NAME
};

emul_insn_t emul_decode(uint32_t insn)
{
    enum emul_op op = EMUL_UNKNOWN;
    for (size_t i = 0; i < sizeof(emul_rows) / sizeof(emul_rows[0]); i++) {
        if ((insn & emul_rows[i].mask) == emul_rows[i].match) {
            op = emul_rows[i].op;
            break;
        }
    }
    uint8_t rs = (uint8_t)((insn >> 21) & 31u), rt = (uint8_t)((insn >> 16) & 31u);
    uint8_t rd = (uint8_t)((insn >> 11) & 31u);
    switch (op) {
    case EMUL_MFC0:
    case EMUL_MTC0:
        return (emul_insn_t){ .op = op, .rt = rt, .rd = rd, .sel = (uint8_t)(insn & 7u) };
    case EMUL_DI:
    case EMUL_EI:
        return (emul_insn_t){ .op = op, .rt = rt };
    case EMUL_RDHWR:
        return (emul_insn_t){ .op = op, .rt = rt, .rd = rd };
    case EMUL_CACHE:
        return (emul_insn_t){ .op = op, .base = rs, .cache_op = rt,
                              .offset = (int16_t)(insn & 0xFFFFu) };
    default:
        return (emul_insn_t){ .op = op };
    }
}

const char *emul_op_name(enum emul_op op)
{
    return (unsigned)op < EMUL_OP_COUNT ? emul_names[op] : "UNKNOWN";
}
