/* The VCPU's exception delivery, interrupt gate, virtual timer match and MMIO load/store
 * decoder (roms/hv/vexc.c), on the host.
 *
 * Delivery is a golden table, one cmocka test per row, from MIPS32 Vol. III 6.2.1
 * (EPC/BD only when EXL was 0; refill at +0x000 only when EXL was 0; interrupts at +0x200
 * with Cause.IV; BEV base 0xBFC00200). The decoder rows are hand-assembled words. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vexc.h"
#include "hv_unit.h"

#define EBASE 0x80002000u
#define PC    0x80001234u
#define EXL   VEXC_STATUS_EXL
#define BEV   VEXC_STATUS_BEV
#define BD    VEXC_CAUSE_BD
#define IV    VEXC_CAUSE_IV
#define IP7   VEXC_CAUSE_IP7
#define OLD_EPC 0x80005550u

typedef struct deliver_row {
    const char *name;
    uint32_t status, cause;     /* before */
    unsigned exccode;
    bool bd, refill;
    unsigned ce;
    uint32_t vector;            /* expected */
    uint32_t epc, cause_after, status_after;
} deliver_row_t;

#define CODE(c) ((uint32_t)(c) << 2)

static const deliver_row_t deliver_rows[] = {
    { "syscall", 0x0000FF01u, 0, VEXC_SYS, false, false, 0,
      EBASE + 0x180, PC, CODE(VEXC_SYS), 0x0000FF03u },
    { "break-in-slot", 0, 0, VEXC_BP, true, false, 0,
      EBASE + 0x180, PC, BD | CODE(VEXC_BP), EXL },
    { "bd-cleared", 0, BD | CODE(VEXC_SYS), VEXC_RI, false, false, 0,
      EBASE + 0x180, PC, CODE(VEXC_RI), EXL },
    { "refill", 0, 0, VEXC_TLBL, false, true, 0,
      EBASE + 0x000, PC, CODE(VEXC_TLBL), EXL },
    { "refill-with-exl", EXL, 0, VEXC_TLBS, true, true, 0,
      EBASE + 0x180, OLD_EPC, CODE(VEXC_TLBS), EXL },
    { "exl-keeps-bd", EXL, BD, VEXC_ADEL, false, false, 0,
      EBASE + 0x180, OLD_EPC, BD | CODE(VEXC_ADEL), EXL },
    { "interrupt", 0x00008001u, IP7 | VEXC_CAUSE_TI, VEXC_INT, false, false, 0,
      EBASE + 0x180, PC, IP7 | VEXC_CAUSE_TI, 0x00008003u },
    { "interrupt-iv", 0x00008001u, IV | IP7, VEXC_INT, false, false, 0,
      EBASE + 0x200, PC, IV | IP7, 0x00008003u },
    { "bev-general", BEV, 0, VEXC_SYS, false, false, 0,
      0xBFC00380u, PC, CODE(VEXC_SYS), BEV | EXL },
    { "bev-refill", BEV, 0, VEXC_TLBL, false, true, 0,
      0xBFC00200u, PC, CODE(VEXC_TLBL), BEV | EXL },
    { "cpu-ce", 0, 0, VEXC_CPU, false, false, 1,
      EBASE + 0x180, PC, (1u << 28) | CODE(VEXC_CPU), EXL },
    { "ce-cleared", 0, (1u << 28) | CODE(VEXC_CPU), VEXC_SYS, false, false, 0,
      EBASE + 0x180, PC, CODE(VEXC_SYS), EXL },
    { "ebase-cpunum-ignored", 0, 0, VEXC_SYS, false, false, 0,
      EBASE + 0x180, PC, CODE(VEXC_SYS), EXL },
};

static void run_deliver(void **state)
{
    const deliver_row_t *r = *state;
    vexc_cp0_t cp0 = { .status = r->status, .cause = r->cause, .epc = OLD_EPC };
    uint32_t ebase = EBASE | (strcmp(r->name, "ebase-cpunum-ignored") == 0 ? 0x3FFu : 0);
    uint32_t vector = vexc_deliver(&cp0, ebase, r->exccode, PC, r->bd, r->refill, r->ce);
    assert_int_equal(vector, r->vector);
    assert_int_equal(cp0.epc, r->epc);
    assert_int_equal(cp0.cause, r->cause_after);
    assert_int_equal(cp0.status, r->status_after);
}

static void test_interrupt_gate(void **state)
{
    (void)state;
    assert_true(vexc_interrupt_pending(0x8001u, IP7));
    assert_false(vexc_interrupt_pending(0x8000u, IP7));                /* IE = 0 */
    assert_false(vexc_interrupt_pending(0x8003u, IP7));                /* EXL */
    assert_false(vexc_interrupt_pending(0x8005u, IP7));                /* ERL */
    assert_false(vexc_interrupt_pending(0x4001u, IP7));                /* IM7 masked */
    assert_false(vexc_interrupt_pending(0xFF01u, 0));                  /* nothing raised */
    assert_true(vexc_interrupt_pending(0x0101u, 0x0100u));             /* software IP0 */
}

static void test_timer_match(void **state)
{
    (void)state;
    assert_true(vexc_timer_matched(100, 200, 150));
    assert_true(vexc_timer_matched(100, 200, 200));    /* reached exactly */
    assert_false(vexc_timer_matched(100, 200, 100));   /* matched before: not again */
    assert_false(vexc_timer_matched(100, 200, 201));
    assert_false(vexc_timer_matched(100, 100, 100));
    assert_true(vexc_timer_matched(0xFFFFFFF0u, 0x10u, 0x2u));   /* across the wrap */
    assert_false(vexc_timer_matched(0xFFFFFFF0u, 0x10u, 0xFFFFFF00u));
}

typedef struct ldst_row {
    uint32_t word;
    bool ok, store, sign;
    uint8_t size, rt, base;
    int16_t offset;
} ldst_row_t;

#define I(op, rs, rt, imm) (((uint32_t)(op) << 26) | ((uint32_t)(rs) << 21) | \
                            ((uint32_t)(rt) << 16) | ((uint32_t)(imm) & 0xFFFFu))

static void test_ldst_decode(void **state)
{
    (void)state;
    static const ldst_row_t rows[] = {
        { I(0x20, 4, 2, 5), true, false, true, 1, 2, 4, 5 },           /* lb v0, 5(a0) */
        { I(0x24, 4, 2, -1), true, false, false, 1, 2, 4, -1 },        /* lbu */
        { I(0x21, 29, 8, 0x10), true, false, true, 2, 8, 29, 0x10 },   /* lh */
        { I(0x25, 29, 8, 0x10), true, false, false, 2, 8, 29, 0x10 },  /* lhu */
        { I(0x23, 3, 31, -8), true, false, false, 4, 31, 3, -8 },      /* lw */
        { I(0x28, 5, 6, 0x3F8), true, true, false, 1, 6, 5, 0x3F8 },   /* sb */
        { I(0x29, 5, 6, 2), true, true, false, 2, 6, 5, 2 },           /* sh */
        { I(0x2B, 5, 6, 0x500), true, true, false, 4, 6, 5, 0x500 },   /* sw */
        { I(0x22, 5, 6, 0), false, false, false, 0, 0, 0, 0 },         /* lwl */
        { I(0x2E, 5, 6, 0), false, false, false, 0, 0, 0, 0 },         /* swr */
        { I(0x30, 5, 6, 0), false, false, false, 0, 0, 0, 0 },         /* ll */
        { I(0x38, 5, 6, 0), false, false, false, 0, 0, 0, 0 },         /* sc */
        { I(0x31, 5, 6, 0), false, false, false, 0, 0, 0, 0 },         /* lwc1 */
        { 0x00000000u, false, false, false, 0, 0, 0, 0 },              /* nop */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        vexc_ldst_t l = vexc_decode_ldst(rows[i].word);
        assert_int_equal(l.ok, rows[i].ok);
        if (!l.ok)
            continue;
        assert_int_equal(l.store, rows[i].store);
        assert_int_equal(l.sign, rows[i].sign);
        assert_int_equal(l.size, rows[i].size);
        assert_int_equal(l.rt, rows[i].rt);
        assert_int_equal(l.base, rows[i].base);
        assert_int_equal(l.offset, rows[i].offset);
    }
}

static void test_load_value(void **state)
{
    (void)state;
    vexc_ldst_t lb = vexc_decode_ldst(I(0x20, 0, 1, 0)), lbu = vexc_decode_ldst(I(0x24, 0, 1, 0));
    vexc_ldst_t lh = vexc_decode_ldst(I(0x21, 0, 1, 0)), lhu = vexc_decode_ldst(I(0x25, 0, 1, 0));
    vexc_ldst_t lw = vexc_decode_ldst(I(0x23, 0, 1, 0));
    assert_int_equal(vexc_load_value(&lb, 0x1F0), 0xFFFFFFF0u);
    assert_int_equal(vexc_load_value(&lbu, 0x1F0), 0xF0u);
    assert_int_equal(vexc_load_value(&lh, 0x18000u), 0xFFFF8000u);
    assert_int_equal(vexc_load_value(&lhu, 0x18000u), 0x8000u);
    assert_int_equal(vexc_load_value(&lw, 0xDEADBEEFu), 0xDEADBEEFu);
}

int main(void)
{
    const struct CMUnitTest extra[] = {
        cmocka_unit_test(test_interrupt_gate),
        cmocka_unit_test(test_timer_match),
        cmocka_unit_test(test_ldst_decode),
        cmocka_unit_test(test_load_value),
    };
    return GOLDEN_GROUP("hv_vexc", deliver_rows, run_deliver, extra);
}
