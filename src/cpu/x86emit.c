/* The x86-64 encoder (x86emit.h). Every instruction is built from the same three pieces:
 * an optional REX prefix, the opcode bytes, and a ModRM operand (register or memory). */
#include <string.h>

#include "cpu/x86emit.h"

void x86_buf_init(x86_buf_t *b, uint8_t *start, uint8_t *end)
{
    b->start = b->p = start;
    b->end = end;
    b->full = false;
}

static void byte(x86_buf_t *b, uint8_t v)
{
    if (b->p < b->end)
        *b->p++ = v;
    else
        b->full = true;
}

static void u32(x86_buf_t *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        byte(b, (uint8_t)(v >> (8 * i)));
}

static bool fits_i8(int32_t v) { return v >= -128 && v <= 127; }

/* REX when any field needs it; `byte_reg` forces one so that register numbers 4..7 of a
 * byte operand mean SPL..DIL rather than AH..BH. */
static void rex(x86_buf_t *b, bool w, int reg, int index, int base, bool byte_reg)
{
    uint8_t v = (uint8_t)(0x40 | (w << 3) | ((reg & 8) >> 1) | (index >= 0 ? (index & 8) >> 2 : 0)
                          | ((base & 8) >> 3));
    if (v != 0x40 || (byte_reg && ((reg >= 4 && reg < 8) || (base >= 4 && base < 8))))
        byte(b, v);
}

static void opcode(x86_buf_t *b, uint32_t op)
{
    if (op > 0xFF)
        byte(b, (uint8_t)(op >> 8));
    byte(b, (uint8_t)op);
}

static void modrm_mem(x86_buf_t *b, int reg, x86_mem_t m)
{
    int base = m.base & 7;
    uint8_t mod = (m.disp == 0 && base != 5) ? 0x00 : fits_i8(m.disp) ? 0x40 : 0x80;
    if (m.index == X_NONE && base != 4) {
        byte(b, (uint8_t)(mod | (reg & 7) << 3 | base));
    } else {
        byte(b, (uint8_t)(mod | (reg & 7) << 3 | 4));
        byte(b, (uint8_t)(((m.index == X_NONE ? 4 : m.index & 7) << 3) | base));
    }
    if (mod == 0x40)
        byte(b, (uint8_t)m.disp);
    else if (mod == 0x80)
        u32(b, (uint32_t)m.disp);
}

/* op reg, [mem] (or op [mem], reg: the direction is in the opcode). */
static void op_mem(x86_buf_t *b, bool w, uint32_t op, int reg, x86_mem_t m, bool byte_reg)
{
    rex(b, w, reg, m.index, m.base, byte_reg);
    opcode(b, op);
    modrm_mem(b, reg, m);
}

/* op reg, rm with both registers (ModRM.mod = 11). */
static void op_reg(x86_buf_t *b, bool w, uint32_t op, int reg, int rm, bool byte_reg)
{
    rex(b, w, reg, -1, rm, byte_reg);
    opcode(b, op);
    byte(b, (uint8_t)(0xC0 | (reg & 7) << 3 | (rm & 7)));
}

void x86_mov_rr(x86_buf_t *b, bool w64, x86_reg_t dst, x86_reg_t src)
{
    op_reg(b, w64, 0x89, src, dst, false);
}

void x86_mov_rm(x86_buf_t *b, bool w64, x86_reg_t dst, x86_mem_t m)
{
    op_mem(b, w64, 0x8B, dst, m, false);
}

void x86_mov_mr(x86_buf_t *b, unsigned size, x86_mem_t m, x86_reg_t src)
{
    if (size == 2)
        byte(b, 0x66);                      /* operand-size prefix, before REX */
    op_mem(b, size == 8, size == 1 ? 0x88 : 0x89, src, m, size == 1);
}

void x86_mov_ri(x86_buf_t *b, x86_reg_t dst, uint32_t imm)
{
    rex(b, false, 0, -1, dst, false);
    byte(b, (uint8_t)(0xB8 + (dst & 7)));
    u32(b, imm);
}

void x86_mov_ri64(x86_buf_t *b, x86_reg_t dst, uint64_t imm)
{
    rex(b, true, 0, -1, dst, false);
    byte(b, (uint8_t)(0xB8 + (dst & 7)));
    u32(b, (uint32_t)imm);
    u32(b, (uint32_t)(imm >> 32));
}

void x86_mov_mi(x86_buf_t *b, x86_mem_t m, uint32_t imm)
{
    op_mem(b, false, 0xC7, 0, m, false);
    u32(b, imm);
}

void x86_movzx_rm(x86_buf_t *b, unsigned size, x86_reg_t dst, x86_mem_t m)
{
    op_mem(b, false, size == 1 ? 0x0FB6 : 0x0FB7, dst, m, false);
}

void x86_movsx_rm(x86_buf_t *b, unsigned size, x86_reg_t dst, x86_mem_t m)
{
    op_mem(b, false, size == 1 ? 0x0FBE : 0x0FBF, dst, m, false);
}

void x86_movsx_rr(x86_buf_t *b, unsigned size, x86_reg_t dst, x86_reg_t src)
{
    op_reg(b, false, size == 1 ? 0x0FBE : 0x0FBF, dst, src, size == 1);
}

void x86_movsxd_rr(x86_buf_t *b, x86_reg_t dst, x86_reg_t src)
{
    op_reg(b, true, 0x63, dst, src, false);
}

void x86_lea32(x86_buf_t *b, x86_reg_t dst, x86_mem_t m)
{
    op_mem(b, false, 0x8D, dst, m, false);
}

void x86_lea_rip(x86_buf_t *b, x86_reg_t dst, const uint8_t *target)
{
    rex(b, true, dst, -1, 0, false);
    byte(b, 0x8D);
    byte(b, (uint8_t)(((dst & 7) << 3) | 5));   /* mod 00, rm 101: RIP + disp32 */
    u32(b, (uint32_t)(int32_t)(target - (b->p + 4)));
}

void x86_alu_rr(x86_buf_t *b, x86_alu_t op, bool w64, x86_reg_t dst, x86_reg_t src)
{
    op_reg(b, w64, (uint32_t)(op << 3 | 1), src, dst, false);
}

void x86_alu_rm(x86_buf_t *b, x86_alu_t op, bool w64, x86_reg_t dst, x86_mem_t m)
{
    op_mem(b, w64, (uint32_t)(op << 3 | 3), dst, m, false);
}

void x86_alu_ri(x86_buf_t *b, x86_alu_t op, bool w64, x86_reg_t dst, int32_t imm)
{
    op_reg(b, w64, fits_i8(imm) ? 0x83 : 0x81, op, dst, false);
    if (fits_i8(imm))
        byte(b, (uint8_t)imm);
    else
        u32(b, (uint32_t)imm);
}

void x86_alu_mi(x86_buf_t *b, x86_alu_t op, x86_mem_t m, int32_t imm)
{
    op_mem(b, false, fits_i8(imm) ? 0x83 : 0x81, op, m, false);
    if (fits_i8(imm))
        byte(b, (uint8_t)imm);
    else
        u32(b, (uint32_t)imm);
}

void x86_test_rr(x86_buf_t *b, x86_reg_t a, x86_reg_t c)
{
    op_reg(b, false, 0x85, c, a, false);
}

void x86_test_rr64(x86_buf_t *b, x86_reg_t a, x86_reg_t c)
{
    op_reg(b, true, 0x85, c, a, false);
}

void x86_test_mi(x86_buf_t *b, x86_mem_t m, uint32_t imm)
{
    op_mem(b, false, 0xF7, 0, m, false);
    u32(b, imm);
}

void x86_shift_ri(x86_buf_t *b, x86_shift_t op, bool w64, x86_reg_t r, unsigned count)
{
    op_reg(b, w64, count == 1 ? 0xD1 : 0xC1, op, r, false);
    if (count != 1)
        byte(b, (uint8_t)count);
}

void x86_shift_cl(x86_buf_t *b, x86_shift_t op, x86_reg_t r)
{
    op_reg(b, false, 0xD3, op, r, false);
}

void x86_not(x86_buf_t *b, x86_reg_t r)
{
    op_reg(b, false, 0xF7, 2, r, false);
}

void x86_imul_rr(x86_buf_t *b, bool w64, x86_reg_t dst, x86_reg_t src)
{
    op_reg(b, w64, 0x0FAF, dst, src, false);
}

void x86_div(x86_buf_t *b, bool is_signed, x86_reg_t divisor)
{
    op_reg(b, false, 0xF7, is_signed ? 7 : 6, divisor, false);
}

void x86_cdq(x86_buf_t *b)
{
    byte(b, 0x99);
}

void x86_bsr(x86_buf_t *b, x86_reg_t dst, x86_reg_t src)
{
    op_reg(b, false, 0x0FBD, dst, src, false);
}

void x86_bswap(x86_buf_t *b, x86_reg_t r)
{
    rex(b, false, 0, -1, r, false);
    byte(b, 0x0F);
    byte(b, (uint8_t)(0xC8 + (r & 7)));
}

void x86_setcc(x86_buf_t *b, x86_cc_t cc, x86_reg_t r8)
{
    op_reg(b, false, 0x0F90u + cc, 0, r8, true);
}

void x86_cmov(x86_buf_t *b, x86_cc_t cc, x86_reg_t dst, x86_reg_t src)
{
    op_reg(b, false, 0x0F40u + cc, dst, src, false);
}

static uint8_t *rel32(x86_buf_t *b, const uint8_t *target)
{
    uint8_t *site = b->p;
    u32(b, (uint32_t)(int32_t)(target - (b->p + 4)));
    return b->full ? NULL : site;
}

uint8_t *x86_jmp(x86_buf_t *b, const uint8_t *target)
{
    byte(b, 0xE9);
    return rel32(b, target);
}

uint8_t *x86_jcc(x86_buf_t *b, x86_cc_t cc, const uint8_t *target)
{
    byte(b, 0x0F);
    byte(b, (uint8_t)(0x80 + cc));
    return rel32(b, target);
}

void x86_jmp_r(x86_buf_t *b, x86_reg_t r)
{
    op_reg(b, false, 0xFF, 4, r, false);
}

uint8_t *x86_call(x86_buf_t *b, const uint8_t *target)
{
    byte(b, 0xE8);
    return rel32(b, target);
}

void x86_call_r(x86_buf_t *b, x86_reg_t r)
{
    op_reg(b, false, 0xFF, 2, r, false);
}

void x86_push(x86_buf_t *b, x86_reg_t r)
{
    rex(b, false, 0, -1, r, false);
    byte(b, (uint8_t)(0x50 + (r & 7)));
}

void x86_pop(x86_buf_t *b, x86_reg_t r)
{
    rex(b, false, 0, -1, r, false);
    byte(b, (uint8_t)(0x58 + (r & 7)));
}

void x86_ret(x86_buf_t *b)
{
    byte(b, 0xC3);
}

void x86_patch(uint8_t *site, const uint8_t *target)
{
    int32_t rel = (int32_t)(target - (site + 4));
    memcpy(site, &rel, 4);
}
