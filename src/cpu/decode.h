/* The MIPS32r2 decoder: one 32-bit word in, one operation and its fields out.
 *
 * The tables below read like the opcode maps of the MIPS32 manual (Vol. II, appendix A):
 * one line per encoding, `X(code, NAME)`. They generate the operation enum, the decoder's
 * lookup arrays and the names the tracer prints. Every user of instructions (interpreter,
 * tracer, later the translator and the gdb stub) decodes through mips_decode(). */
#ifndef KSEG_DECODE_H
#define KSEG_DECODE_H

#include <stdint.h>

/* Primary opcode, bits 31:26. SPECIAL, REGIMM, COP0, SPECIAL2, SPECIAL3 have maps below. */
#define MIPS_PRIMARY(X) \
    X(0x02, j)      X(0x03, jal)    X(0x04, beq)    X(0x05, bne)    \
    X(0x06, blez)   X(0x07, bgtz)   X(0x08, addi)   X(0x09, addiu)  \
    X(0x0A, slti)   X(0x0B, sltiu)  X(0x0C, andi)   X(0x0D, ori)    \
    X(0x0E, xori)   X(0x0F, lui)    X(0x11, cop1)   X(0x12, cop2)   \
    X(0x13, cop1x)  X(0x14, beql)   X(0x15, bnel)   X(0x16, blezl)  \
    X(0x17, bgtzl)  X(0x1D, jalx)   X(0x20, lb)     X(0x21, lh)     \
    X(0x22, lwl)    X(0x23, lw)     X(0x24, lbu)    X(0x25, lhu)    \
    X(0x26, lwr)    X(0x28, sb)     X(0x29, sh)     X(0x2A, swl)    \
    X(0x2B, sw)     X(0x2E, swr)    X(0x2F, cache)  X(0x30, ll)     \
    X(0x31, lwc1)   X(0x32, lwc2)   X(0x33, pref)   X(0x35, ldc1)   \
    X(0x36, ldc2)   X(0x38, sc)     X(0x39, swc1)   X(0x3A, swc2)   \
    X(0x3D, sdc1)   X(0x3E, sdc2)

/* SPECIAL (opcode 0), function field bits 5:0. */
#define MIPS_SPECIAL(X) \
    X(0x00, sll)    X(0x01, movci)  X(0x02, srl)    X(0x03, sra)    \
    X(0x04, sllv)   X(0x06, srlv)   X(0x07, srav)   X(0x08, jr)     \
    X(0x09, jalr)   X(0x0A, movz)   X(0x0B, movn)   X(0x0C, syscall)\
    X(0x0D, break)  X(0x0F, sync)   X(0x10, mfhi)   X(0x11, mthi)   \
    X(0x12, mflo)   X(0x13, mtlo)   X(0x18, mult)   X(0x19, multu)  \
    X(0x1A, div)    X(0x1B, divu)   X(0x20, add)    X(0x21, addu)   \
    X(0x22, sub)    X(0x23, subu)   X(0x24, and)    X(0x25, or)     \
    X(0x26, xor)    X(0x27, nor)    X(0x2A, slt)    X(0x2B, sltu)   \
    X(0x30, tge)    X(0x31, tgeu)   X(0x32, tlt)    X(0x33, tltu)   \
    X(0x34, teq)    X(0x36, tne)

/* REGIMM (opcode 1), rt field bits 20:16. */
#define MIPS_REGIMM(X) \
    X(0x00, bltz)   X(0x01, bgez)   X(0x02, bltzl)  X(0x03, bgezl)  \
    X(0x08, tgei)   X(0x09, tgeiu)  X(0x0A, tlti)   X(0x0B, tltiu)  \
    X(0x0C, teqi)   X(0x0E, tnei)   X(0x10, bltzal) X(0x11, bgezal) \
    X(0x12, bltzall) X(0x13, bgezall) X(0x1F, synci)

/* SPECIAL2 (opcode 0x1C), function field. */
#define MIPS_SPECIAL2(X) \
    X(0x00, madd)   X(0x01, maddu)  X(0x02, mul)    X(0x04, msub)   \
    X(0x05, msubu)  X(0x20, clz)    X(0x21, clo)    X(0x3F, sdbbp)

/* SPECIAL3 (opcode 0x1F), function field; BSHFL (function 0x20) by its sa field. */
#define MIPS_SPECIAL3(X) \
    X(0x00, ext)    X(0x04, ins)    X(0x3B, rdhwr)
#define MIPS_BSHFL(X) \
    X(0x02, wsbh)   X(0x10, seb)    X(0x18, seh)

/* COP0 (opcode 0x10): by rs field; with rs bit 4 set (CO), by function field. */
#define MIPS_COP0_RS(X) \
    X(0x00, mfc0)   X(0x04, mtc0)   X(0x0A, rdpgpr) X(0x0B, mfmc0)  \
    X(0x0E, wrpgpr)
#define MIPS_COP0_CO(X) \
    X(0x01, tlbr)   X(0x02, tlbwi)  X(0x06, tlbwr)  X(0x08, tlbp)   \
    X(0x18, eret)   X(0x1F, deret)  X(0x20, wait)

/* Operations that no single table entry names: RI first, so a zero in a map means reserved. */
#define MIPS_OTHER(X) \
    X(0, ri) X(0, ri_cop0) X(0, nop) X(0, rotr) X(0, rotrv) X(0, di) X(0, ei)

#define MIPS_ALL_OPS(X) MIPS_OTHER(X) MIPS_PRIMARY(X) MIPS_SPECIAL(X) MIPS_REGIMM(X) \
    MIPS_SPECIAL2(X) MIPS_SPECIAL3(X) MIPS_BSHFL(X) MIPS_COP0_RS(X) MIPS_COP0_CO(X)

enum mips_op {
#define MIPS_ENUM(code, name) OP_##name,
    MIPS_ALL_OPS(MIPS_ENUM)
#undef MIPS_ENUM
    OP_COUNT
};

/* A decoded instruction. `imm` holds what the operation needs, ready to use:
 *   I-type arithmetic, loads, stores, traps: the sign-extended 16-bit immediate;
 *   ANDI/ORI/XORI: zero-extended; LUI: already shifted to the upper half;
 *   branches: the sign-extended offset times 4; J/JAL: the 26-bit index times 4;
 *   COP0 moves: the select field; EXT/INS: unused (msbd/msb in rd, lsb in sa). */
typedef struct mips_instruction {
    enum mips_op op;
    uint8_t rs, rt, rd, sa;
    uint32_t imm;
    uint32_t raw;
} mips_insn_t;

void mips_decode(uint32_t word, mips_insn_t *out);
const char *mips_op_name(enum mips_op op);
/* True for operations that transfer control and so have a delay slot. */
int mips_op_is_branch(enum mips_op op);

#endif
