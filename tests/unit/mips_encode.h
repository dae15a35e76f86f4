/* MIPS32 instruction encoders for tests: hand-assembled words, checked against capstone
 * by tests/unit/test_decode.c. Shared by the core's unit tests (unit.h) and the
 * hypervisor's host tests (tests/hv), so it needs only <stdint.h>. */
#ifndef KSEG_TESTS_MIPS_ENCODE_H
#define KSEG_TESTS_MIPS_ENCODE_H

#include <stdint.h>

/* ---- Encoders (MIPS32 Vol. II, instruction formats) --------------------------------- */

#define ENC_R(op, rs, rt, rd, sa, fn) \
    (((uint32_t)(op) << 26) | ((uint32_t)(rs) << 21) | ((uint32_t)(rt) << 16) | \
     ((uint32_t)(rd) << 11) | ((uint32_t)(sa) << 6) | (uint32_t)(fn))
#define ENC_I(op, rs, rt, imm) \
    (((uint32_t)(op) << 26) | ((uint32_t)(rs) << 21) | ((uint32_t)(rt) << 16) | \
     ((uint32_t)(imm) & 0xFFFFu))
#define ENC_J(op, index) (((uint32_t)(op) << 26) | ((uint32_t)(index) & 0x03FFFFFFu))

#define SPECIAL(rs, rt, rd, sa, fn) ENC_R(0x00, rs, rt, rd, sa, fn)
#define SPECIAL2(rs, rt, rd, sa, fn) ENC_R(0x1C, rs, rt, rd, sa, fn)
#define SPECIAL3(rs, rt, rd, sa, fn) ENC_R(0x1F, rs, rt, rd, sa, fn)
#define REGIMM(rs, rt, imm) ENC_I(0x01, rs, rt, imm)

#define NOP              0x00000000u
#define SLL(rd, rt, sa)  SPECIAL(0, rt, rd, sa, 0x00)
#define SRL(rd, rt, sa)  SPECIAL(0, rt, rd, sa, 0x02)
#define ROTR(rd, rt, sa) SPECIAL(1, rt, rd, sa, 0x02)
#define SRA(rd, rt, sa)  SPECIAL(0, rt, rd, sa, 0x03)
#define SLLV(rd, rt, rs) SPECIAL(rs, rt, rd, 0, 0x04)
#define SRLV(rd, rt, rs) SPECIAL(rs, rt, rd, 0, 0x06)
#define ROTRV(rd, rt, rs) SPECIAL(rs, rt, rd, 1, 0x06)
#define SRAV(rd, rt, rs) SPECIAL(rs, rt, rd, 0, 0x07)
#define JR(rs)           SPECIAL(rs, 0, 0, 0, 0x08)
#define JALR(rd, rs)     SPECIAL(rs, 0, rd, 0, 0x09)
#define MOVZ(rd, rs, rt) SPECIAL(rs, rt, rd, 0, 0x0A)
#define MOVN(rd, rs, rt) SPECIAL(rs, rt, rd, 0, 0x0B)
#define SYSCALL          SPECIAL(0, 0, 0, 0, 0x0C)
#define BREAK            SPECIAL(0, 0, 0, 0, 0x0D)
#define MFHI(rd)         SPECIAL(0, 0, rd, 0, 0x10)
#define MTHI(rs)         SPECIAL(rs, 0, 0, 0, 0x11)
#define MFLO(rd)         SPECIAL(0, 0, rd, 0, 0x12)
#define MTLO(rs)         SPECIAL(rs, 0, 0, 0, 0x13)
#define MULT(rs, rt)     SPECIAL(rs, rt, 0, 0, 0x18)
#define MULTU(rs, rt)    SPECIAL(rs, rt, 0, 0, 0x19)
#define DIV(rs, rt)      SPECIAL(rs, rt, 0, 0, 0x1A)
#define DIVU(rs, rt)     SPECIAL(rs, rt, 0, 0, 0x1B)
#define ADD(rd, rs, rt)  SPECIAL(rs, rt, rd, 0, 0x20)
#define ADDU(rd, rs, rt) SPECIAL(rs, rt, rd, 0, 0x21)
#define SUB(rd, rs, rt)  SPECIAL(rs, rt, rd, 0, 0x22)
#define SUBU(rd, rs, rt) SPECIAL(rs, rt, rd, 0, 0x23)
#define AND(rd, rs, rt)  SPECIAL(rs, rt, rd, 0, 0x24)
#define OR(rd, rs, rt)   SPECIAL(rs, rt, rd, 0, 0x25)
#define XOR(rd, rs, rt)  SPECIAL(rs, rt, rd, 0, 0x26)
#define NOR(rd, rs, rt)  SPECIAL(rs, rt, rd, 0, 0x27)
#define SLT(rd, rs, rt)  SPECIAL(rs, rt, rd, 0, 0x2A)
#define SLTU(rd, rs, rt) SPECIAL(rs, rt, rd, 0, 0x2B)
#define TEQ(rs, rt)      SPECIAL(rs, rt, 0, 0, 0x34)

#define BLTZ(rs, off)    REGIMM(rs, 0x00, off)
#define BGEZ(rs, off)    REGIMM(rs, 0x01, off)
#define BLTZL(rs, off)   REGIMM(rs, 0x02, off)
#define BGEZL(rs, off)   REGIMM(rs, 0x03, off)
#define BLTZAL(rs, off)  REGIMM(rs, 0x10, off)
#define BGEZAL(rs, off)  REGIMM(rs, 0x11, off)
#define BLTZALL(rs, off) REGIMM(rs, 0x12, off)
#define BGEZALL(rs, off) REGIMM(rs, 0x13, off)

#define J(target)        ENC_J(0x02, (target) >> 2)
#define JAL(target)      ENC_J(0x03, (target) >> 2)
#define BEQ(rs, rt, off) ENC_I(0x04, rs, rt, off)
#define BNE(rs, rt, off) ENC_I(0x05, rs, rt, off)
#define BLEZ(rs, off)    ENC_I(0x06, rs, 0, off)
#define BGTZ(rs, off)    ENC_I(0x07, rs, 0, off)
#define ADDI(rt, rs, imm)  ENC_I(0x08, rs, rt, imm)
#define ADDIU(rt, rs, imm) ENC_I(0x09, rs, rt, imm)
#define SLTI(rt, rs, imm)  ENC_I(0x0A, rs, rt, imm)
#define SLTIU(rt, rs, imm) ENC_I(0x0B, rs, rt, imm)
#define ANDI(rt, rs, imm)  ENC_I(0x0C, rs, rt, imm)
#define ORI(rt, rs, imm)   ENC_I(0x0D, rs, rt, imm)
#define XORI(rt, rs, imm)  ENC_I(0x0E, rs, rt, imm)
#define LUI(rt, imm)       ENC_I(0x0F, 0, rt, imm)
#define BEQL(rs, rt, off) ENC_I(0x14, rs, rt, off)
#define BNEL(rs, rt, off) ENC_I(0x15, rs, rt, off)
#define BLEZL(rs, off)   ENC_I(0x16, rs, 0, off)
#define BGTZL(rs, off)   ENC_I(0x17, rs, 0, off)
#define LB(rt, off, base)  ENC_I(0x20, base, rt, off)
#define LH(rt, off, base)  ENC_I(0x21, base, rt, off)
#define LWL(rt, off, base) ENC_I(0x22, base, rt, off)
#define LW(rt, off, base)  ENC_I(0x23, base, rt, off)
#define LBU(rt, off, base) ENC_I(0x24, base, rt, off)
#define LHU(rt, off, base) ENC_I(0x25, base, rt, off)
#define LWR(rt, off, base) ENC_I(0x26, base, rt, off)
#define SB(rt, off, base)  ENC_I(0x28, base, rt, off)
#define SH(rt, off, base)  ENC_I(0x29, base, rt, off)
#define SWL(rt, off, base) ENC_I(0x2A, base, rt, off)
#define SW(rt, off, base)  ENC_I(0x2B, base, rt, off)
#define SWR(rt, off, base) ENC_I(0x2E, base, rt, off)
#define LL(rt, off, base)  ENC_I(0x30, base, rt, off)
#define SC(rt, off, base)  ENC_I(0x38, base, rt, off)

/* CLZ/CLO encode the destination in both rt and rd. */
#define MADD(rs, rt)     SPECIAL2(rs, rt, 0, 0, 0x00)
#define MADDU(rs, rt)    SPECIAL2(rs, rt, 0, 0, 0x01)
#define MUL(rd, rs, rt)  SPECIAL2(rs, rt, rd, 0, 0x02)
#define MSUB(rs, rt)     SPECIAL2(rs, rt, 0, 0, 0x04)
#define MSUBU(rs, rt)    SPECIAL2(rs, rt, 0, 0, 0x05)
#define CLZ(rd, rs)      SPECIAL2(rs, rd, rd, 0, 0x20)
#define CLO(rd, rs)      SPECIAL2(rs, rd, rd, 0, 0x21)

/* EXT rt, rs, pos, size: msbd = size - 1 in rd, lsb = pos in sa.
 * INS rt, rs, pos, size: msb = pos + size - 1 in rd, lsb = pos in sa. */
#define EXT(rt, rs, pos, size) SPECIAL3(rs, rt, (size) - 1, pos, 0x00)
#define INS(rt, rs, pos, size) SPECIAL3(rs, rt, (pos) + (size) - 1, pos, 0x04)
#define WSBH(rd, rt)     SPECIAL3(0, rt, rd, 0x02, 0x20)
#define SEB(rd, rt)      SPECIAL3(0, rt, rd, 0x10, 0x20)
#define SEH(rd, rt)      SPECIAL3(0, rt, rd, 0x18, 0x20)
#define RDHWR(rt, rd)    SPECIAL3(0, rt, rd, 0, 0x3B)

#define MFC0(rt, rd, sel) ENC_R(0x10, 0x00, rt, rd, 0, sel)
#define MTC0(rt, rd, sel) ENC_R(0x10, 0x04, rt, rd, 0, sel)
#define DI(rt)           ENC_R(0x10, 0x0B, rt, 12, 0, 0x00)
#define EI(rt)           ENC_R(0x10, 0x0B, rt, 12, 0, 0x20)
#define COP0_CO(fn)      ENC_R(0x10, 0x10, 0, 0, 0, fn)
#define TLBR             COP0_CO(0x01)
#define TLBWI            COP0_CO(0x02)
#define TLBWR            COP0_CO(0x06)
#define TLBP             COP0_CO(0x08)
#define ERET             COP0_CO(0x18)
#define WAIT             COP0_CO(0x20)
#define CACHE(op, off, base) ENC_I(0x2F, base, op, off)

#endif
