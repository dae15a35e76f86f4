/* CP0 (src/cpu/cp0.c): reset values, writable masks, Count/Compare, Random/Wired.
 *
 * Values are those of QEMU's 24Kc (target/mips/cpu-defs.c.inc, collected in
 * shared/reference/malta.md section 13); behaviour from MIPS32 Vol. III chapter 9. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "unit.h"

/* CP0 register numbers. */
enum {
    INDEX = 0, RANDOM = 1, ENTRYLO0 = 2, ENTRYLO1 = 3, CONTEXT = 4, PAGEMASK = 5, WIRED = 6,
    HWRENA = 7, BADVADDR = 8, COUNT = 9, ENTRYHI = 10, COMPARE = 11, STATUS = 12, CAUSE = 13,
    EPC = 14, PRID = 15, CONFIG = 16, ERROREPC = 30,
};

#define CAUSE_IP7 (1u << 15)

static int setup(void **state)
{
    *state = machine_new();
    return 0;
}

static int teardown(void **state)
{
    machine_free(*state);
    return 0;
}

/* A CPU straight out of cpu_init, without the machine's switch to kernel mode. */
static cpu_t *fresh_cpu(machine_t *m)
{
    cpu_reset(m->cpu);
    return m->cpu;
}

static void test_reset_values(void **state)
{
    cpu_t *cpu = fresh_cpu(*state);
    assert_int_equal(cp0_read(cpu, PRID, 0), 0x00019300);
    assert_int_equal(cp0_read(cpu, CONFIG, 0), 0x80000482);
    assert_int_equal(cp0_read(cpu, CONFIG, 1), 0x9E190C8E);
    assert_int_equal(cp0_read(cpu, CONFIG, 2), 0x80000000);
    assert_int_equal(cp0_read(cpu, CONFIG, 3), 0x00000000);
    assert_int_equal(cp0_read(cpu, CONFIG, 7), 0x00000000);
    assert_int_equal(cp0_read(cpu, STATUS, 1), 0xE0000000);      /* IntCtl */
    assert_int_equal(cp0_read(cpu, PRID, 1), 0x80000000);        /* EBase */
    assert_int_equal(cp0_read(cpu, STATUS, 0), 0x00400004);      /* BEV | ERL */
    assert_int_equal(cp0_read(cpu, WIRED, 0), 0);
    assert_int_equal(cp0_read(cpu, RANDOM, 0), 15);
    assert_int_equal(cp0_read(cpu, STATUS, 2), 0);               /* SRSCtl: one set */
    assert_int_equal(cp0_read(cpu, 26, 0), 0);                   /* ErrCtl: no parity */
    assert_int_equal(cpu->pc, 0xBFC00000);
}

/* Random stays between Wired and 15 and moves as instructions run; a Wired write sets it
 * back to 15 (Vol. III 9.3; how it moves, decrementing or pseudo-random, is left open). */
static void test_random_and_wired(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    machine_step(m, 7);
    cp0_write(cpu, WIRED, 0, 10);
    assert_int_equal(cp0_read(cpu, WIRED, 0), 10);
    assert_int_equal(cp0_read(cpu, RANDOM, 0), 15);
    unsigned distinct = 0;
    bool seen[16] = { false };
    for (int i = 0; i < 40; i++) {
        uint32_t r = cp0_read(cpu, RANDOM, 0);
        if (r < 10 || r > 15)
            fail_msg("Random = %u with Wired = 10", r);
        distinct += !seen[r];
        seen[r] = true;
        machine_step(m, 1);
    }
    assert_true(distinct >= 2);
    cp0_write(cpu, WIRED, 0, 0);
    assert_int_equal(cp0_read(cpu, RANDOM, 0), 15);
    cp0_write(cpu, WIRED, 0, 0xFFFFFFFF);                       /* 16 entries: 4 bits */
    assert_int_equal(cp0_read(cpu, WIRED, 0), 15);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(cp0_read(cpu, RANDOM, 0), 15);
        machine_step(m, 1);
    }
}

/* Writes of all ones and all zeros show the writable bits; read-only bits keep their
 * value both ways. */
static void check_mask(cpu_t *cpu, unsigned reg, unsigned sel, uint32_t ones, uint32_t zeros)
{
    cp0_write(cpu, reg, sel, 0xFFFFFFFF);
    uint32_t got = cp0_read(cpu, reg, sel);
    if (got != ones)
        fail_msg("CP0 %u.%u after writing ~0: 0x%08x, expected 0x%08x", reg, sel, got, ones);
    cp0_write(cpu, reg, sel, 0);
    got = cp0_read(cpu, reg, sel);
    if (got != zeros)
        fail_msg("CP0 %u.%u after writing 0: 0x%08x, expected 0x%08x", reg, sel, got, zeros);
}

static void test_writable_masks(void **state)
{
    cpu_t *cpu = fresh_cpu(((machine_t *)*state));
    check_mask(cpu, STATUS, 0, 0x1278FF1F, 0x00000000);
    check_mask(cpu, ENTRYHI, 0, 0xFFFFE0FF, 0x00000000);
    check_mask(cpu, ENTRYLO0, 0, 0x03FFFFFF, 0x00000000);
    check_mask(cpu, ENTRYLO1, 0, 0x03FFFFFF, 0x00000000);
    check_mask(cpu, PAGEMASK, 0, 0x1FFFE000, 0x00000000);
    check_mask(cpu, CONTEXT, 0, 0xFF800000, 0x00000000);      /* PTEBase only */
    check_mask(cpu, PRID, 1, 0xBFFFF000, 0x80000000);         /* EBase bits 29:12 */
    check_mask(cpu, CONFIG, 0, 0x80000487, 0x80000480);       /* Config0.K0 only */
    check_mask(cpu, INDEX, 0, 0x0000000F, 0x00000000);
    check_mask(cpu, WIRED, 0, 0x0000000F, 0x00000000);
    check_mask(cpu, HWRENA, 0, 0x0000000F, 0x00000000);
    check_mask(cpu, STATUS, 1, 0xE00003E0, 0xE0000000);       /* IntCtl: VS only */
    check_mask(cpu, EPC, 0, 0xFFFFFFFF, 0x00000000);
    check_mask(cpu, ERROREPC, 0, 0xFFFFFFFF, 0x00000000);
    /* Read-only identification. */
    check_mask(cpu, PRID, 0, 0x00019300, 0x00019300);
    check_mask(cpu, CONFIG, 1, 0x9E190C8E, 0x9E190C8E);
    check_mask(cpu, CONFIG, 2, 0x80000000, 0x80000000);
    check_mask(cpu, CONFIG, 3, 0x00000000, 0x00000000);
    check_mask(cpu, BADVADDR, 0, 0x00000000, 0x00000000);
}

/* Cause: software writes only IP1..0, IV, WP and DC; BD, TI, CE, ExcCode and the hardware
 * IP bits are the CPU's. */
static void test_cause_mask(void **state)
{
    cpu_t *cpu = fresh_cpu(*state);
    check_mask(cpu, CAUSE, 0, 0x08C00300, 0x00000000);
    cpu->cp0.cause = CAUSE_BD | (2u << 28) | (EXC_SYS << 2);
    cp0_write(cpu, CAUSE, 0, 0xFFFFFFFF);
    assert_int_equal(cp0_read(cpu, CAUSE, 0), 0xA8C00320);
    cp0_write(cpu, CAUSE, 0, 0);
    assert_int_equal(cp0_read(cpu, CAUSE, 0), 0xA0000020);
}

/* Context: BadVPN2 (bits 22:4) is written by TLB exceptions only. */
static void test_context_badvpn2_kept(void **state)
{
    cpu_t *cpu = fresh_cpu(*state);
    cpu->cp0.context = 0x00123450;
    cp0_write(cpu, CONTEXT, 0, 0xFFFFFFFF);
    assert_int_equal(cp0_read(cpu, CONTEXT, 0), 0xFF923450);
    cp0_write(cpu, CONTEXT, 0, 0x12345678);
    assert_int_equal(cp0_read(cpu, CONTEXT, 0), 0x12123450);
}

/* Index.P is set by TLBP only; MTC0 keeps it (QEMU: Index & 0x80000000 | value & 0xF). */
static void test_index_probe_bit_read_only(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    cp0_write(cpu, ENTRYHI, 0, 0x7FFFE000);          /* matches no (zeroed) TLB entry */
    machine_poke(m, CODE_VA, TLBP);
    machine_step(m, 1);
    assert_true(cp0_read(cpu, INDEX, 0) & 0x80000000u);
    cp0_write(cpu, INDEX, 0, 0x00000005);
    assert_int_equal(cp0_read(cpu, INDEX, 0), 0x80000005);
    cp0_write(cpu, INDEX, 0, 0xFFFFFFF3);
    assert_int_equal(cp0_read(cpu, INDEX, 0), 0x80000003);
}

/* Registers the 24Kc (as QEMU models it) does not have read as zero and ignore writes. */
static void test_absent_registers(void **state)
{
    cpu_t *cpu = fresh_cpu(*state);
    static const uint8_t absent[][2] = {
        { 20, 0 }, { 21, 0 }, { 22, 0 }, { 16, 4 }, { 16, 5 }, { 16, 6 }, { 15, 2 },
        { 12, 2 }, { 12, 3 }, { 0, 1 }, { 1, 1 }, { 8, 1 }, { 13, 1 },
    };
    for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
        unsigned reg = absent[i][0], sel = absent[i][1];
        cp0_write(cpu, reg, sel, 0xFFFFFFFF);
        if (cp0_read(cpu, reg, sel) != 0)
            fail_msg("CP0 %u.%u reads 0x%08x", reg, sel, cp0_read(cpu, reg, sel));
    }
    /* ...and writing them disturbs nothing that exists. */
    assert_int_equal(cp0_read(cpu, STATUS, 0), 0x00400004);
    assert_int_equal(cp0_read(cpu, INDEX, 0), 0);
    assert_int_equal(cp0_read(cpu, CONFIG, 0), 0x80000482);
    assert_int_equal(cp0_read(cpu, CAUSE, 0), 0);
}

/* ---- Count and Compare -------------------------------------------------------------- */

/* Count runs at half the instruction rate (CCRes = 2) and can be written. */
static void test_count_rate_and_write(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    cp0_write(cpu, COUNT, 0, 1000);
    assert_int_equal(cp0_read(cpu, COUNT, 0), 1000);
    uint32_t before = cp0_read(cpu, COUNT, 0);
    machine_step(m, 100);
    assert_int_equal(cp0_read(cpu, COUNT, 0), before + 50);
    cp0_write(cpu, COUNT, 0, 0xFFFFFFFF);
    machine_step(m, 4);
    assert_int_equal(cp0_read(cpu, COUNT, 0), 1);              /* wraps */
}

/* Timer match: TI and IP7 are set once Count reaches Compare (IntCtl.IPTI = 7). The run
 * loop brings the timer up to date between instructions; cpu_update_timer is the board's
 * way to do the same between slices. */
static void test_timer_match_sets_ti_and_ip7(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    cp0_write(cpu, COUNT, 0, 0);
    cp0_write(cpu, COMPARE, 0, 10);
    machine_step(m, 18);                                          /* Count = 9 */
    cpu_update_timer(cpu);
    assert_int_equal(cp0_read(cpu, COUNT, 0), 9);
    assert_false(cp0_read(cpu, CAUSE, 0) & (CAUSE_TI | CAUSE_IP7));
    machine_step(m, 2);                                           /* Count = 10 */
    cpu_update_timer(cpu);
    assert_int_equal(cp0_read(cpu, COUNT, 0), 10);
    assert_int_equal(cp0_read(cpu, CAUSE, 0) & (CAUSE_TI | CAUSE_IP7), CAUSE_TI | CAUSE_IP7);
    /* Sticky past the match, until Compare is written. */
    machine_step(m, 50);
    assert_true(cp0_read(cpu, CAUSE, 0) & CAUSE_TI);
    cp0_write(cpu, COMPARE, 0, 1000);
    assert_false(cp0_read(cpu, CAUSE, 0) & (CAUSE_TI | CAUSE_IP7));
}

/* The same through guest instructions: MFC0 Cause well before and after the match, MTC0
 * Compare clears TI (MIPS32 Vol. III 9.18: "writing Compare clears the timer interrupt"). */
static void test_timer_seen_by_guest(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    uint32_t code[32];
    for (unsigned i = 0; i < 32; i++)
        code[i] = NOP;
    code[0] = MTC0(0, COUNT, 0);           /* Count = 0 from here */
    code[1] = MTC0(5, COMPARE, 0);         /* Compare = $5 = 10 */
    code[10] = MFC0(2, CAUSE, 0);          /* Count about 5 */
    code[30] = MFC0(3, CAUSE, 0);          /* Count about 15 */
    code[31] = MTC0(5, COMPARE, 0);
    machine_load(m, CODE_VA, code, 32);
    machine_poke(m, CODE_VA + 128, MFC0(4, CAUSE, 0));
    cpu->gpr[5] = 10;
    machine_step(m, 33);
    assert_false(cpu->gpr[2] & (CAUSE_TI | CAUSE_IP7));
    assert_int_equal(cpu->gpr[3] & (CAUSE_TI | CAUSE_IP7), CAUSE_TI | CAUSE_IP7);
    assert_false(cpu->gpr[4] & (CAUSE_TI | CAUSE_IP7));
}

/* With Status.IE and IM7, the match becomes an interrupt at EBase + 0x180 (IV = 0) or
 * EBase + 0x200 (IV = 1). */
static void test_timer_interrupt_taken(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    cp0_write(cpu, COUNT, 0, 0);
    cp0_write(cpu, COMPARE, 0, 20);
    cp0_write(cpu, STATUS, 0, ST_IE | (0x80u << 8));
    machine_step(m, 45);
    assert_true(cpu->cp0.status & ST_EXL);
    assert_int_equal(cause_exccode(cpu), EXC_INT);
    assert_true(cpu->cp0.epc >= CODE_VA + 4 * 39 && cpu->cp0.epc <= CODE_VA + 4 * 41);

    machine_free(m);
    *state = m = machine_new();
    cpu = m->cpu;
    cp0_write(cpu, COUNT, 0, 0);
    cp0_write(cpu, COMPARE, 0, 20);
    cp0_write(cpu, CAUSE, 0, CAUSE_IV);
    cp0_write(cpu, STATUS, 0, ST_IE | (0x80u << 8));
    machine_step(m, 45);
    assert_int_equal(cause_exccode(cpu), EXC_INT);
    assert_true(cpu->pc >= 0x80000200 && cpu->pc < 0x80000200 + 4 * 8);
}

/* Cause.DC stops Count; clearing it resumes from the stopped value. */
static void test_cause_dc_stops_count(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    cp0_write(cpu, COUNT, 0, 500);
    cp0_write(cpu, CAUSE, 0, CAUSE_DC);
    machine_step(m, 100);
    assert_int_equal(cp0_read(cpu, COUNT, 0), 500);
    cp0_write(cpu, COUNT, 0, 700);                                /* writable while stopped */
    machine_step(m, 10);
    assert_int_equal(cp0_read(cpu, COUNT, 0), 700);
    cp0_write(cpu, CAUSE, 0, 0);
    machine_step(m, 10);
    assert_int_equal(cp0_read(cpu, COUNT, 0), 705);
}

/* No timer interrupt while Count is stopped, even with Compare equal to it. */
static void test_cause_dc_no_timer(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    cp0_write(cpu, COUNT, 0, 0);
    cp0_write(cpu, COMPARE, 0, 5);
    cp0_write(cpu, CAUSE, 0, CAUSE_DC);
    machine_step(m, 100);
    cpu_update_timer(cpu);
    assert_false(cp0_read(cpu, CAUSE, 0) & CAUSE_TI);
}

/* ---- Through MFC0/MTC0 and privilege ---------------------------------------------------- */

static void test_mtc0_mfc0_sel(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    uint32_t code[] = { MTC0(5, 15, 1), MFC0(2, 15, 1), MFC0(3, 16, 1), MFC0(4, 15, 0) };
    machine_load(m, CODE_VA, code, 4);
    cpu->gpr[5] = 0x8FFFF123;
    machine_step(m, 4);
    assert_int_equal(cpu->gpr[2], 0x8FFFF000);
    assert_int_equal(cpu->gpr[3], 0x9E190C8E);
    assert_int_equal(cpu->gpr[4], 0x00019300);
}

/* DI/EI return the old Status in rt and clear/set IE (MIPS32 Vol. II, DI and EI). */
static void test_di_ei(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    cp0_write(cpu, STATUS, 0, 0x0000FF01);
    uint32_t code[] = { DI(2), EI(3) };
    machine_load(m, CODE_VA, code, 2);
    machine_step(m, 1);
    assert_int_equal(cpu->gpr[2], 0x0000FF01);
    assert_int_equal(cp0_read(cpu, STATUS, 0), 0x0000FF00);
    machine_step(m, 1);
    assert_int_equal(cpu->gpr[3], 0x0000FF00);
    assert_int_equal(cp0_read(cpu, STATUS, 0), 0x0000FF01);
}

/* Maps kuseg 0x00400000 onto the page holding CODE_VA (TLB entry 0), for user code. */
static void map_user_code(machine_t *m)
{
    cpu_t *cpu = m->cpu;
    cp0_write(cpu, ENTRYHI, 0, 0x00400000);
    cp0_write(cpu, ENTRYLO0, 0, ((va_to_pa(CODE_VA) >> 12) << 6) | ENTRYLO_V | ENTRYLO_D);
    cp0_write(cpu, ENTRYLO1, 0, 0);
    cp0_write(cpu, PAGEMASK, 0, 0);
    cp0_write(cpu, INDEX, 0, 0);
    machine_poke(m, CODE_VA + 0x100, TLBWI);
    cpu->pc = CODE_VA + 0x100;
    machine_step(m, 1);
}

#define USER_CODE 0x00400000u

/* In user mode without CU0, CP0 instructions raise Coprocessor Unusable with CE = 0. */
static void test_user_mode_cop0_unusable(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    map_user_code(m);
    machine_poke(m, CODE_VA, MFC0(2, 12, 0));
    cp0_write(cpu, STATUS, 0, 0x10);                              /* KSU = user */
    cpu->pc = USER_CODE;
    cpu->gpr[2] = 0x5555;
    machine_step(m, 1);
    assert_int_equal(cause_exccode(cpu), EXC_CPU);
    assert_int_equal((cpu->cp0.cause >> 28) & 3, 0);
    assert_int_equal(cpu->cp0.epc, USER_CODE);
    assert_int_equal(cpu->gpr[2], 0x5555);
    assert_int_equal(cpu->pc, EXC_VECTOR);

    /* With Status.CU0 the same instruction runs in user mode. */
    cp0_write(cpu, STATUS, 0, ST_CU0 | 0x10);
    cpu->pc = USER_CODE;
    machine_step(m, 1);
    assert_int_equal(cpu->gpr[2], ST_CU0 | 0x10);
}

/* RDHWR in user mode needs the register's HWREna bit; otherwise Reserved Instruction
 * (Vol. II, RDHWR). */
static void test_rdhwr_user_needs_hwrena(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    map_user_code(m);
    machine_poke(m, CODE_VA, RDHWR(2, 1));                        /* SYNCI_Step */
    cp0_write(cpu, HWRENA, 0, 0x0D);                              /* all but register 1 */
    cp0_write(cpu, STATUS, 0, 0x10);
    cpu->pc = USER_CODE;
    machine_step(m, 1);
    assert_int_equal(cause_exccode(cpu), EXC_RI);
    assert_int_equal(cpu->cp0.epc, USER_CODE);
    cp0_write(cpu, HWRENA, 0, 0x02);
    cp0_write(cpu, STATUS, 0, 0x10);
    cpu->pc = USER_CODE;
    machine_step(m, 1);
    assert_false(cpu->cp0.status & ST_EXL);
    assert_int_equal(cpu->gpr[2], 32);
}

/* Hardware interrupt lines 0..5 show in Cause.IP2..IP7 (with IntCtl.IPTI = 7, line 5
 * shares IP7 with the timer). */
static void test_hw_irq_lines_in_cause(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    for (int line = 0; line < CPU_HW_IRQS; line++) {
        cpu_set_irq(cpu, line, true);
        assert_int_equal(cp0_read(cpu, CAUSE, 0) & 0xFC00u, 1u << (10 + line));
        cpu_set_irq(cpu, line, false);
        assert_int_equal(cp0_read(cpu, CAUSE, 0) & 0xFC00u, 0);
    }
    /* Software can neither set nor clear them. */
    cpu_set_irq(cpu, 2, true);
    cp0_write(cpu, CAUSE, 0, 0);
    assert_int_equal(cp0_read(cpu, CAUSE, 0) & 0xFC00u, 1u << 12);
    cp0_write(cpu, CAUSE, 0, 0xFC00u);
    assert_int_equal(cp0_read(cpu, CAUSE, 0) & 0xFC00u, 1u << 12);
}

/* A hardware interrupt with IE and its IM bit is taken at once; EPC is the next
 * instruction to run. */
static void test_hw_interrupt_taken(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    cp0_write(cpu, STATUS, 0, ST_IE | (1u << 12));               /* IM4: line 2 */
    machine_step(m, 3);
    assert_false(cpu->cp0.status & ST_EXL);
    cpu_set_irq(cpu, 1, true);                                     /* IP3: masked */
    machine_step(m, 1);
    assert_false(cpu->cp0.status & ST_EXL);
    cpu_set_irq(cpu, 2, true);
    machine_step(m, 1);
    assert_true(cpu->cp0.status & ST_EXL);
    assert_int_equal(cause_exccode(cpu), EXC_INT);
    assert_int_equal(cpu->cp0.epc, CODE_VA + 16);
    assert_int_equal(cpu->pc, EXC_VECTOR + 4);
}

/* WAIT stops the CPU until an interrupt can be taken. Config7.WII = 0 on this 24Kc (as on
 * QEMU), so with Status.IE = 0 a pending interrupt does not end the WAIT (24K Software
 * User's Manual, Config7.WII); execution resumes after the WAIT once it is taken. */
static void test_wait_and_wake(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    cp0_write(cpu, STATUS, 0, 1u << 12);                           /* IM4, IE = 0 */
    uint32_t code[] = { COP0_CO(0x20), ADDIU(24, 24, 1) };
    machine_load(m, CODE_VA, code, 2);
    machine_step(m, 10);
    assert_true(cpu->waiting);
    assert_int_equal(cpu->icount, 1);                              /* nothing ran after it */
    assert_int_equal(cpu->pc, CODE_VA + 4);
    machine_step(m, 10);
    assert_int_equal(cpu->icount, 1);
    cpu_set_irq(cpu, 2, true);                                     /* pending, IE = 0 */
    machine_step(m, 1);
    assert_true(cpu->waiting);
    assert_int_equal(cpu->icount, 1);
    assert_int_equal(cpu->gpr[24], 0);

    /* With IE set the interrupt is taken, EPC pointing after the WAIT. */
    cpu_set_irq(cpu, 2, false);
    cp0_write(cpu, STATUS, 0, ST_IE | (1u << 12));
    cpu->pc = CODE_VA;
    cpu->waiting = false;
    machine_step(m, 5);
    assert_true(cpu->waiting);
    cpu_set_irq(cpu, 2, true);
    machine_step(m, 1);
    assert_int_equal(cause_exccode(cpu), EXC_INT);
    assert_int_equal(cpu->cp0.epc, CODE_VA + 4);
}

/* cp0_describe (tier 2 does the plain moves in line) against cp0_read and cp0_write, for
 * every register and select: a CP0_FIELD reads its field and, when it has a write mask,
 * is written as (old & ~mask) | (v & mask) and nothing else; a CP0_CONST reads its value
 * and ignores writes. Values are a mix of patterns, written through cp0_write first so
 * the state is one the CPU can have. */
static void test_describe_agrees(void **state)
{
    machine_t *m = *state;
    cpu_t *cpu = m->cpu;
    static const uint32_t values[] = { 0xFFFFFFFFu, 0, 0xA5A5A5A5u, 0x5A5A5A5Au, 0x12345678u };
    unsigned fields = 0, consts = 0;
    for (unsigned reg = 0; reg < 32; reg++) {
        for (unsigned sel = 0; sel < 8; sel++) {
            cp0_access_t a = cp0_describe(reg, sel);
            if (a.kind == CP0_OTHER)
                continue;
            for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
                cpu_t before;
                if (a.kind == CP0_CONST) {
                    consts++;
                    assert_int_equal(cp0_read(cpu, reg, sel), a.value);
                    before = *cpu;
                    cp0_write(cpu, reg, sel, values[i]);
                    assert_memory_equal(&before.cp0, &cpu->cp0, sizeof(cpu->cp0));
                    continue;
                }
                fields++;
                uint32_t *field = (uint32_t *)((uint8_t *)cpu + a.offset);
                assert_int_equal(cp0_read(cpu, reg, sel), *field);
                if (!a.write_mask)
                    continue;
                uint32_t v = values[(i + 2) % 5] ^ (reg * 0x01010101u);
                uint32_t want = (*field & ~a.write_mask) | (v & a.write_mask);
                before = *cpu;
                cp0_write(cpu, reg, sel, v);
                assert_int_equal(*field, want);
                uint32_t *was = (uint32_t *)((uint8_t *)&before + a.offset);   /* the rest */
                *was = want;
                assert_memory_equal(&before.cp0, &cpu->cp0, sizeof(cpu->cp0));
                assert_int_equal(before.deadline, cpu->deadline);
                cp0_write(cpu, reg, sel, values[i]);   /* the next round starts elsewhere */
            }
        }
    }
    assert_true(fields > 100);
    assert_true(consts > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reset_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_and_wired, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writable_masks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cause_mask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_context_badvpn2_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_probe_bit_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absent_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_count_rate_and_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_match_sets_ti_and_ip7, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_seen_by_guest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_interrupt_taken, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cause_dc_stops_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cause_dc_no_timer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mtc0_mfc0_sel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_di_ei, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_mode_cop0_unusable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rdhwr_user_needs_hwrena, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hw_irq_lines_in_cause, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hw_interrupt_taken, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wait_and_wake, setup, teardown),
        cmocka_unit_test_setup_teardown(test_describe_agrees, setup, teardown),
    };
    return cmocka_run_group_tests_name("cp0", tests, NULL, NULL);
}
