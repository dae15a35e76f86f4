/* A small x86-64 instruction encoder for the translator (jit.c): just the instructions it
 * emits, each a function named after its mnemonic.
 *
 * Operands: registers are X_RAX..X_R15 (the hardware numbers); a memory operand is
 * base + index + disp (x86_mem(), index X_NONE for none). Widths: `w64` selects the 64-bit
 * form (REX.W), otherwise the 32-bit one, which zero-extends into the full register.
 * Encoding facts (Intel SDM vol. 2, chapter 2): REX = 0100WRXB extends ModRM.reg (R),
 * SIB.index (X) and ModRM.rm or SIB.base (B); rm = 100 means "a SIB byte follows" (so RSP
 * and R12 as a base need one), and mod = 00 with rm = 101 means RIP-relative (so RBP and
 * R13 as a base need a displacement, here an 8-bit zero). Code goes into a buffer that
 * never overruns: a full buffer sets `full` and swallows further bytes. */
#ifndef KSEG_X86EMIT_H
#define KSEG_X86EMIT_H

#include <stdbool.h>
#include <stdint.h>

typedef enum x86_reg {
    X_RAX, X_RCX, X_RDX, X_RBX, X_RSP, X_RBP, X_RSI, X_RDI,
    X_R8, X_R9, X_R10, X_R11, X_R12, X_R13, X_R14, X_R15,
    X_NONE = -1,
} x86_reg_t;

/* The ALU group (opcode 0x01 + 8 * op, or /op with an immediate). */
typedef enum x86_alu { X_ADD = 0, X_OR = 1, X_AND = 4, X_SUB = 5, X_XOR = 6, X_CMP = 7 } x86_alu_t;
/* The shift group (/op of 0xC1 and 0xD3). */
typedef enum x86_shift { X_ROL = 0, X_ROR = 1, X_SHL = 4, X_SHR = 5, X_SAR = 7 } x86_shift_t;
/* Condition codes (the low nibble of Jcc, SETcc, CMOVcc). */
typedef enum x86_cc {
    X_O = 0x0, X_NO = 0x1, X_B = 0x2, X_AE = 0x3, X_E = 0x4, X_NE = 0x5, X_BE = 0x6,
    X_A = 0x7, X_S = 0x8, X_NS = 0x9, X_L = 0xC, X_GE = 0xD, X_LE = 0xE, X_G = 0xF,
} x86_cc_t;

static inline x86_cc_t x86_cc_not(x86_cc_t cc) { return (x86_cc_t)(cc ^ 1); }

typedef struct x86_mem {
    x86_reg_t base, index;    /* index X_NONE: none (scale is always 1) */
    int32_t disp;
} x86_mem_t;

static inline x86_mem_t x86_mem(x86_reg_t base, x86_reg_t index, int32_t disp)
{
    return (x86_mem_t){ base, index, disp };
}

typedef struct x86_buf {
    uint8_t *start, *p, *end;
    bool full;                /* something did not fit: the code is unusable */
} x86_buf_t;

void x86_buf_init(x86_buf_t *b, uint8_t *start, uint8_t *end);

/* Data movement. */
void x86_mov_rr(x86_buf_t *b, bool w64, x86_reg_t dst, x86_reg_t src);
void x86_mov_rm(x86_buf_t *b, bool w64, x86_reg_t dst, x86_mem_t m);      /* load */
void x86_mov_mr(x86_buf_t *b, unsigned size, x86_mem_t m, x86_reg_t src); /* store 1/2/4/8 */
void x86_mov_ri(x86_buf_t *b, x86_reg_t dst, uint32_t imm);               /* zero-extends */
void x86_mov_ri64(x86_buf_t *b, x86_reg_t dst, uint64_t imm);
void x86_mov_mi(x86_buf_t *b, x86_mem_t m, uint32_t imm);                  /* dword store */
/* Loads of 1 or 2 bytes, zero- or sign-extended to 32 bits. */
void x86_movzx_rm(x86_buf_t *b, unsigned size, x86_reg_t dst, x86_mem_t m);
void x86_movsx_rm(x86_buf_t *b, unsigned size, x86_reg_t dst, x86_mem_t m);
/* The same from registers: the low byte or word of src; MOVSXD dst, src32. */
void x86_movsx_rr(x86_buf_t *b, unsigned size, x86_reg_t dst, x86_reg_t src);
void x86_movsxd_rr(x86_buf_t *b, x86_reg_t dst, x86_reg_t src);
void x86_lea32(x86_buf_t *b, x86_reg_t dst, x86_mem_t m);   /* 32-bit result */
/* LEA dst, [RIP + (target - end of this instruction)]. */
void x86_lea_rip(x86_buf_t *b, x86_reg_t dst, const uint8_t *target);

/* Arithmetic and logic. */
void x86_alu_rr(x86_buf_t *b, x86_alu_t op, bool w64, x86_reg_t dst, x86_reg_t src);
void x86_alu_rm(x86_buf_t *b, x86_alu_t op, bool w64, x86_reg_t dst, x86_mem_t m);
void x86_alu_ri(x86_buf_t *b, x86_alu_t op, bool w64, x86_reg_t dst, int32_t imm);
void x86_alu_mi(x86_buf_t *b, x86_alu_t op, x86_mem_t m, int32_t imm);     /* dword */
void x86_test_rr(x86_buf_t *b, x86_reg_t a, x86_reg_t c);                   /* 32-bit */
void x86_test_rr64(x86_buf_t *b, x86_reg_t a, x86_reg_t c);
void x86_test_mi(x86_buf_t *b, x86_mem_t m, uint32_t imm);                 /* dword */
void x86_shift_ri(x86_buf_t *b, x86_shift_t op, bool w64, x86_reg_t r, unsigned count);
void x86_shift_cl(x86_buf_t *b, x86_shift_t op, x86_reg_t r);              /* 32-bit, by CL */
void x86_not(x86_buf_t *b, x86_reg_t r);
void x86_imul_rr(x86_buf_t *b, bool w64, x86_reg_t dst, x86_reg_t src);
void x86_div(x86_buf_t *b, bool is_signed, x86_reg_t divisor);  /* EDX:EAX / r32 */
void x86_cdq(x86_buf_t *b);
void x86_bsr(x86_buf_t *b, x86_reg_t dst, x86_reg_t src);
void x86_bswap(x86_buf_t *b, x86_reg_t r);
void x86_setcc(x86_buf_t *b, x86_cc_t cc, x86_reg_t r8);
void x86_cmov(x86_buf_t *b, x86_cc_t cc, x86_reg_t dst, x86_reg_t src);    /* 32-bit */

/* Control flow. Jumps are rel32 and return where their displacement is, for x86_patch. */
uint8_t *x86_jmp(x86_buf_t *b, const uint8_t *target);
uint8_t *x86_jcc(x86_buf_t *b, x86_cc_t cc, const uint8_t *target);
void x86_jmp_r(x86_buf_t *b, x86_reg_t r);
uint8_t *x86_call(x86_buf_t *b, const uint8_t *target);
void x86_call_r(x86_buf_t *b, x86_reg_t r);
void x86_push(x86_buf_t *b, x86_reg_t r);
void x86_pop(x86_buf_t *b, x86_reg_t r);
void x86_ret(x86_buf_t *b);
/* Points the rel32 at `site` (from x86_jmp/x86_jcc) at `target`. */
void x86_patch(uint8_t *site, const uint8_t *target);

#endif
