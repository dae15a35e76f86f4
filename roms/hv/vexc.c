/* The VCPU's pure exception pieces (vexc.h). */
#include "vexc.h"

uint32_t vexc_deliver(vexc_cp0_t *cp0, uint32_t ebase, unsigned exccode, uint32_t pc,
                      bool bd, bool tlb_refill, unsigned ce)
{
    bool exl = (cp0->status & VEXC_STATUS_EXL) != 0;
    uint32_t offset = 0x180u;
    if (tlb_refill && !exl)
        offset = 0x000u;
    else if (exccode == VEXC_INT && (cp0->cause & VEXC_CAUSE_IV))
        offset = 0x200u;
    if (!exl) {
        cp0->epc = pc;
        cp0->cause = bd ? cp0->cause | VEXC_CAUSE_BD : cp0->cause & ~VEXC_CAUSE_BD;
    }
    cp0->cause &= ~(VEXC_CAUSE_EXCCODE | VEXC_CAUSE_CE);
    cp0->cause |= ((uint32_t)exccode << 2) & VEXC_CAUSE_EXCCODE;
    cp0->cause |= ((uint32_t)ce << 28) & VEXC_CAUSE_CE;
    cp0->status |= VEXC_STATUS_EXL;
    uint32_t base = (cp0->status & VEXC_STATUS_BEV) ? VEXC_BEV_BASE : ebase & VEXC_EBASE_BASE;
    return base + offset;
}

bool vexc_interrupt_pending(uint32_t status, uint32_t cause)
{
    if ((status & (VEXC_STATUS_IE | VEXC_STATUS_EXL | VEXC_STATUS_ERL)) != VEXC_STATUS_IE)
        return false;
    return (status & cause & VEXC_STATUS_IM) != 0;
}

bool vexc_timer_matched(uint32_t last, uint32_t now, uint32_t compare)
{
    /* compare - last in 1 .. now - last */
    uint32_t due = compare - last;
    return due != 0 && due <= now - last;
}

/* ---- Loads and stores ------------------------------------------------------------------ */

typedef struct ldst_row {
    uint8_t opcode;
    bool store, sign;
    uint8_t size;
} ldst_row_t;

static const ldst_row_t ldst_rows[] = {
    { 0x20, false, true, 1 },       /* LB */
    { 0x21, false, true, 2 },       /* LH */
    { 0x23, false, false, 4 },      /* LW */
    { 0x24, false, false, 1 },      /* LBU */
    { 0x25, false, false, 2 },      /* LHU */
    { 0x28, true, false, 1 },       /* SB */
    { 0x29, true, false, 2 },       /* SH */
    { 0x2B, true, false, 4 },       /* SW */
};

vexc_ldst_t vexc_decode_ldst(uint32_t insn)
{
    uint8_t opcode = (uint8_t)(insn >> 26);
    for (unsigned i = 0; i < sizeof(ldst_rows) / sizeof(ldst_rows[0]); i++) {
        const ldst_row_t *r = &ldst_rows[i];
        if (r->opcode != opcode)
            continue;
        return (vexc_ldst_t){
            .ok = true, .store = r->store, .sign = r->sign, .size = r->size,
            .rt = (uint8_t)((insn >> 16) & 31u), .base = (uint8_t)((insn >> 21) & 31u),
            .offset = (int16_t)(insn & 0xFFFFu),
        };
    }
    return (vexc_ldst_t){ .ok = false };
}

uint32_t vexc_load_value(const vexc_ldst_t *l, uint32_t raw)
{
    switch (l->size) {
    case 1:
        return l->sign ? (uint32_t)(int32_t)(int8_t)raw : raw & 0xFFu;
    case 2:
        return l->sign ? (uint32_t)(int32_t)(int16_t)raw : raw & 0xFFFFu;
    default:
        return raw;
    }
}
