/* The MIPS32r2 decoder (see decode.h for the tables). */
#include "cpu/decode.h"

#define MAP(code, name) [code] = OP_##name,
static const uint8_t primary_map[64] = { MIPS_PRIMARY(MAP) };
static const uint8_t special_map[64] = { MIPS_SPECIAL(MAP) };
static const uint8_t regimm_map[32] = { MIPS_REGIMM(MAP) };
static const uint8_t special2_map[64] = { MIPS_SPECIAL2(MAP) };
static const uint8_t special3_map[64] = { MIPS_SPECIAL3(MAP) };
static const uint8_t bshfl_map[32] = { MIPS_BSHFL(MAP) };
static const uint8_t cop0_rs_map[32] = { MIPS_COP0_RS(MAP) };
static const uint8_t cop0_co_map[64] = { MIPS_COP0_CO(MAP) };
#undef MAP

_Static_assert(OP_ri == 0, "a zero entry in an opcode map must mean Reserved Instruction");
_Static_assert(OP_COUNT < 256, "opcode maps store operations in a byte");

static const char *const op_names[OP_COUNT] = {
#define NAME(code, name) [OP_##name] = #name,
    MIPS_ALL_OPS(NAME)
#undef NAME
};

const char *mips_op_name(enum mips_op op)
{
    return op < OP_COUNT ? op_names[op] : "?";
}

int mips_op_is_branch(enum mips_op op)
{
    switch (op) {
    case OP_j: case OP_jal: case OP_jr: case OP_jalr:
    case OP_beq: case OP_bne: case OP_blez: case OP_bgtz:
    case OP_beql: case OP_bnel: case OP_blezl: case OP_bgtzl:
    case OP_bltz: case OP_bgez: case OP_bltzl: case OP_bgezl:
    case OP_bltzal: case OP_bgezal: case OP_bltzall: case OP_bgezall:
        return 1;
    default:
        return 0;
    }
}

static uint32_t sext16(uint32_t w) { return (uint32_t)(int32_t)(int16_t)(w & 0xFFFF); }

static enum mips_op decode_special(uint32_t w, const mips_insn_t *in)
{
    enum mips_op op = special_map[w & 0x3F];
    switch (op) {
    case OP_srl:    /* Release 2 reuses rs: 1 = ROTR; other values are reserved */
        return in->rs == 0 ? OP_srl : in->rs == 1 ? OP_rotr : OP_ri;
    case OP_srlv:   /* ...and sa for the variable forms */
        return in->sa == 0 ? OP_srlv : in->sa == 1 ? OP_rotrv : OP_ri;
    default:
        return op;
    }
}

static enum mips_op decode_special3(uint32_t w, const mips_insn_t *in)
{
    unsigned funct = w & 0x3F;
    if (funct == 0x20)
        return bshfl_map[in->sa];
    enum mips_op op = special3_map[funct];
    /* Field combinations the manual calls UNPREDICTABLE; QEMU raises RI for them. */
    if (op == OP_ext && in->sa + in->rd > 31)
        return OP_ri;
    if (op == OP_ins && in->sa > in->rd)
        return OP_ri;
    return op;
}

static enum mips_op decode_cop0(uint32_t w, const mips_insn_t *in)
{
    if (in->rs & 0x10) {
        enum mips_op op = cop0_co_map[w & 0x3F];
        return op == OP_ri ? OP_ri_cop0 : op;
    }
    enum mips_op op = cop0_rs_map[in->rs];
    if (op == OP_mfc0 || op == OP_mtc0)
        return (w & 0x7F8) == 0 ? op : OP_ri_cop0;
    if (op == OP_mfmc0) {
        /* DI/EI: rd = 12 (Status), sc in bit 5, every other low bit zero. */
        if (in->rd != 12 || (w & 0x7DF) != 0)
            return OP_ri_cop0;
        return (w & 0x20) ? OP_ei : OP_di;
    }
    return op == OP_ri ? OP_ri_cop0 : op;
}

void mips_decode(uint32_t w, mips_insn_t *in)
{
    in->raw = w;
    in->rs = (w >> 21) & 31;
    in->rt = (w >> 16) & 31;
    in->rd = (w >> 11) & 31;
    in->sa = (w >> 6) & 31;
    in->imm = sext16(w);

    enum mips_op op;
    switch (w >> 26) {
    case 0x00: op = decode_special(w, in); break;
    case 0x01: op = regimm_map[in->rt]; break;
    case 0x10: op = decode_cop0(w, in); in->imm = w & 7; break;
    case 0x1C: op = special2_map[w & 0x3F]; break;
    case 0x1F: op = decode_special3(w, in); break;
    default:   op = primary_map[w >> 26]; break;
    }
    in->op = op;

    switch (op) {
    case OP_andi: case OP_ori: case OP_xori:
        in->imm = w & 0xFFFF;
        break;
    case OP_lui:
        in->imm = w << 16;
        break;
    case OP_j: case OP_jal:
        in->imm = (w & 0x03FFFFFF) << 2;
        break;
    case OP_beq: case OP_bne: case OP_blez: case OP_bgtz:
    case OP_beql: case OP_bnel: case OP_blezl: case OP_bgtzl:
    case OP_bltz: case OP_bgez: case OP_bltzl: case OP_bgezl:
    case OP_bltzal: case OP_bgezal: case OP_bltzall: case OP_bgezall:
        in->imm = sext16(w) << 2;
        break;
    case OP_rdhwr:
        /* CPUNum, SYNCI_Step, CC, CCRes exist; UserLocal (29) needs Config3.ULRI, which the
         * 24Kc lacks: RI, and Linux emulates it. */
        if (in->rd > 3)
            in->op = OP_ri;
        break;
    default:
        break;
    }
}
