/* The i8254 PIT (src/devices/i8254.c) on virtual time: mode 0, 2, 3 and 4 output timing
 * measured against the instruction counter, counter latch, read-back, the LSB/MSB access
 * modes, port B (0x61) and the kick a timer armed mid-slice gives the CPU.
 *
 * Expected behaviour: Intel 8254 data sheet and QEMU's hw/timer/i8254.c, with the command
 * sequences Linux 6.1's i8253 clockevent uses (0x34 periodic, 0x38 one-shot, 0x30 stop). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cpu/cpu.h"
#include "devices/i8254.h"
#include "devices/ioport.h"
#include "devices/malta.h"
#include "devices/vclock.h"
#include "unit.h"

#define MAX_EDGES 512

typedef struct fixture {
    uint64_t now;                 /* the instruction counter */
    vclock_t clock;
    i8254_t pit;
    bool level;
    unsigned rises, falls;
    uint64_t rise_at[MAX_EDGES];  /* virtual time of each rising edge */
    unsigned kicks;
} fixture_t;

static void irq0(void *opaque, int n, bool level)
{
    (void)n;
    fixture_t *f = opaque;
    if (level && !f->level) {
        if (f->rises < MAX_EDGES)
            f->rise_at[f->rises] = f->now;
        f->rises++;
    } else if (!level && f->level) {
        f->falls++;
    }
    f->level = level;
}

static void kick(void *opaque)
{
    ((fixture_t *)opaque)->kicks++;
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->now = 1000;                /* not zero: loads must use the time they happen at */
    vclock_init(&f->clock, &f->now, CPU_CLOCK_HZ);
    vclock_set_kick(&f->clock, kick, f);
    i8254_init(&f->pit, &f->clock, (irq_line_t){ irq0, f, 0 });
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void outb(fixture_t *f, uint32_t port, uint8_t v)
{
    if (port == 0x61)
        i8254_portb_ops.write(&f->pit, 0, v, 1);
    else
        i8254_ops.write(&f->pit, port - 0x40, v, 1);
}

static uint8_t inb(fixture_t *f, uint32_t port)
{
    if (port == 0x61)
        return (uint8_t)i8254_portb_ops.read(&f->pit, 0, 1);
    return (uint8_t)i8254_ops.read(&f->pit, port - 0x40, 1);
}

/* What the main loop does: run each timer when virtual time reaches it. */
static void advance_to(fixture_t *f, uint64_t t)
{
    while (vclock_next(&f->clock) <= t) {
        if (vclock_next(&f->clock) > f->now)
            f->now = vclock_next(&f->clock);
        vclock_run(&f->clock);
    }
    f->now = t;
}

/* The virtual time of PIT tick `tick` after `load`: the first at which it has happened. */
static uint64_t tick_time(uint64_t load, uint64_t tick)
{
    return load + vclock_muldiv_ceil(tick, CPU_CLOCK_HZ, I8254_HZ);
}

static void load_word(fixture_t *f, uint8_t control, uint16_t count)
{
    outb(f, 0x43, control);
    outb(f, 0x40, count & 0xFF);
    outb(f, 0x40, count >> 8);
}

static void test_reset_state(void **state)
{
    fixture_t *f = *state;
    /* Mode 3 with count 0x10000 on every channel; channel 0 is timed but does not drive
     * the line until its first transition (QEMU). */
    assert_int_equal(f->rises + f->falls, 0);
    assert_true(vclock_timer_pending(&f->pit.timer));
    assert_int_equal(vclock_next(&f->clock), tick_time(1000, 0x8000));
    advance_to(f, tick_time(1000, 0x10000));
    assert_int_equal(f->rises, 1);           /* low at half period, high at the end */
    assert_int_equal(f->rise_at[0], tick_time(1000, 0x10000));
}

/* Linux's periodic tick at HZ=250: mode 2, LATCH = 4773. */
static void test_mode2_period(void **state)
{
    fixture_t *f = *state;
    const uint16_t latch = (I8254_HZ + 125) / 250;
    uint64_t load = f->now;
    load_word(f, 0x34, latch);
    advance_to(f, load + CPU_CLOCK_HZ);      /* one second of virtual time */
    assert_int_equal(f->rises, 249);         /* 250 * 4773 ticks is just over a second */
    for (unsigned k = 0; k < f->rises; k++)
        assert_int_equal(f->rise_at[k], tick_time(load, (uint64_t)(k + 1) * latch));
    /* The interrupt is a one-tick pulse: low again right after each edge. */
    assert_int_equal(f->falls, f->rises);
    /* The counter reloads: it counts down from the latch value each period. */
    f->now = tick_time(load, 300 * (uint64_t)latch + 100);
    assert_int_equal(i8254_count(&f->pit, 0), latch - 100);
}

static void test_mode3_square_wave(void **state)
{
    fixture_t *f = *state;
    uint64_t load = f->now;
    load_word(f, 0x36, 1000);
    assert_true(i8254_out(&f->pit, 0));
    f->now = tick_time(load, 499);
    assert_true(i8254_out(&f->pit, 0));
    f->now = tick_time(load, 500);
    assert_false(i8254_out(&f->pit, 0));
    advance_to(f, tick_time(load, 10000));
    assert_int_equal(f->rises, 11);          /* the load drives the line high at once */
    assert_int_equal(f->rise_at[0], load);
    assert_int_equal(f->rise_at[4], tick_time(load, 4000));
    /* Mode 3 counts down by two: twice per period. */
    f->now = tick_time(load, 10000 + 100);
    assert_int_equal(i8254_count(&f->pit, 0), 1000 - 200);
}

static void test_mode0_and_mode4_one_shot(void **state)
{
    fixture_t *f = *state;
    uint64_t load = f->now;
    load_word(f, 0x30, 100);                 /* mode 0: out low until the count expires */
    assert_false(f->level);
    advance_to(f, tick_time(load, 99));
    assert_false(f->level);
    advance_to(f, tick_time(load, 100));
    assert_true(f->level);
    assert_int_equal(f->rise_at[f->rises - 1], tick_time(load, 100));
    assert_false(vclock_timer_pending(&f->pit.timer));   /* nothing more to time */
    f->now += 100000;                        /* the counter goes on down, wrapping */
    uint64_t d = vclock_muldiv(f->now - load, I8254_HZ, CPU_CLOCK_HZ);
    assert_int_equal(i8254_count(&f->pit, 0), (uint16_t)(100 - d));

    unsigned rises = f->rises;
    load = f->now;
    load_word(f, 0x38, 50);                  /* mode 4 (Linux's one-shot) */
    advance_to(f, tick_time(load, 49));
    assert_int_equal(f->rises, rises);
    advance_to(f, tick_time(load, 60));
    assert_int_equal(f->rises, rises + 1);
    assert_int_equal(f->rise_at[rises], tick_time(load, 50));
    assert_false(f->level);                  /* a one-tick strobe */
}

static void test_latch_and_read_back(void **state)
{
    fixture_t *f = *state;
    uint64_t load = f->now;
    load_word(f, 0x34, 0x1000);
    f->now = tick_time(load, 0x100);
    outb(f, 0x43, 0x00);                     /* counter latch, channel 0 */
    f->now = tick_time(load, 0x300);
    outb(f, 0x43, 0x00);                     /* a second latch before the read: ignored */
    assert_int_equal(inb(f, 0x40), 0x00);    /* 0x0F00, LSB first */
    assert_int_equal(inb(f, 0x40), 0x0F);
    assert_int_equal(inb(f, 0x40), 0x00);    /* live now: 0x0D00 */
    assert_int_equal(inb(f, 0x40), 0x0D);

    /* Read-back: latch status and count of channel 0. */
    f->now = tick_time(load, 0x400);
    outb(f, 0x43, 0xC2);
    assert_int_equal(inb(f, 0x40), 0x34);    /* out low, LSB/MSB, mode 2, binary */
    assert_int_equal(inb(f, 0x40), 0x00);
    assert_int_equal(inb(f, 0x40), 0x0C);
    /* Status only, channel 2 (reset state: mode 3, LSB/MSB not yet programmed, out high). */
    outb(f, 0x43, 0xE8);
    assert_int_equal(inb(f, 0x42), 0x86);
    assert_int_equal(inb(f, 0x43), 0x00);    /* the control register reads nothing */
}

static void test_access_modes(void **state)
{
    fixture_t *f = *state;
    outb(f, 0x43, 0x54);                     /* channel 1, LSB only, mode 2 */
    outb(f, 0x41, 0x50);
    assert_int_equal(f->pit.ch[1].count, 0x50);
    assert_int_equal(inb(f, 0x41), 0x50);
    assert_int_equal(inb(f, 0x41), 0x50);    /* LSB again: no byte toggle */
    outb(f, 0x43, 0x64);                     /* channel 1, MSB only */
    outb(f, 0x41, 0x12);
    assert_int_equal(f->pit.ch[1].count, 0x1200);
    assert_int_equal(inb(f, 0x41), 0x12);
    outb(f, 0x43, 0x74);                     /* LSB then MSB; a count of 0 is 0x10000 */
    outb(f, 0x41, 0x00);
    outb(f, 0x41, 0x00);
    assert_int_equal(f->pit.ch[1].count, 0x10000);
}

static void test_port_b(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(inb(f, 0x61) & 0x23, 0x20);   /* gate 2 low, speaker off, OUT2 high */
    outb(f, 0x61, 0x03);
    assert_int_equal(inb(f, 0x61) & 0x03, 0x03);
    uint64_t load = f->now;
    outb(f, 0x43, 0xB0);                     /* channel 2, mode 0 */
    outb(f, 0x42, 10);
    outb(f, 0x42, 0);
    assert_int_equal(inb(f, 0x61) & 0x20, 0x00);
    f->now = tick_time(load, 10);
    assert_int_equal(inb(f, 0x61) & 0x20, 0x20);
    /* The refresh bit toggles every 15.085 us of virtual time. */
    f->now = 0;
    uint8_t a = inb(f, 0x61) & 0x10;
    f->now = vclock_muldiv(15085, CPU_CLOCK_HZ, 1000000000u) + 1;
    uint8_t b = inb(f, 0x61) & 0x10;
    assert_int_not_equal(a, b);
    assert_false(f->level);                  /* channel 2 never touches IRQ 0 */
}

static void test_kick_on_earlier_timer(void **state)
{
    fixture_t *f = *state;
    unsigned kicks = f->kicks;
    load_word(f, 0x34, 100);                 /* sooner than the reset-time transition */
    assert_int_equal(f->kicks, kicks + 1);
    assert_int_equal(vclock_next(&f->clock), tick_time(f->now, 100));
    i8254_reset(&f->pit);                    /* back to a far transition */
    assert_int_equal(vclock_next(&f->clock), tick_time(f->now, 0x8000));
}

/* On the board: a guest store that programs the PIT in the middle of a slice ends that
 * slice (the kick), the main loop's next slice ends exactly at the PIT's deadline, and the
 * interrupt then reaches the CPU through the i8259 (IMR clear after reset, as on QEMU). */
static void test_board_slice_ends_at_pit_event(void **state)
{
    (void)state;
    static malta_t m;
    malta_config_t cfg = { .ram_size = 16u << 20 };
    char *error = NULL;
    assert_true(malta_init(&m, &cfg, &error));
    const uint32_t code[] = {
        LUI(8, 0xB000),          /* t0 = kseg1 0x10000000: the GT's reset I/O window */
        ORI(9, 0, 0x34),
        SB(9, 0x43, 8),          /* channel 0: LSB then MSB, mode 2 */
        ORI(9, 0, 100),
        SB(9, 0x40, 8),
        SB(0, 0x40, 8),          /* count 100: the load arms the timer */
        BEQ(0, 0, -1),           /* spin */
        NOP,
    };
    memcpy(m.ram + 0x1000, code, sizeof(code));
    cpu_invalidate_code(&m.cpu, 0x1000, sizeof(code));
    m.cpu.pc = 0x80001000u;
    vclock_run(&m.clock);
    uint64_t start = m.cpu.icount;
    cpu_run(&m.cpu, start + 1000000);
    assert_true(m.cpu.slice_cut);
    /* Right after the store that armed it: six instructions, three ISA port accesses. */
    assert_true(m.cpu.icount <= start + 8 + 3 * vclock_muldiv(IOPORT_ISA_ACCESS_NS, CPU_CLOCK_HZ,
                                                                1000000000u));
    uint64_t due = m.pit.ch[0].load_time + vclock_muldiv_ceil(100, CPU_CLOCK_HZ, I8254_HZ);
    assert_int_equal(vclock_next(&m.clock), due);
    assert_int_equal(m.cpu.hw_irq_lines & 1, 0);
    /* The main loop: run what is due, then a slice bounded by the next event. */
    vclock_run(&m.clock);
    uint64_t until = m.cpu.icount + 1000000;
    if (until > vclock_next(&m.clock))
        until = vclock_next(&m.clock);
    cpu_run(&m.cpu, until);
    assert_false(m.cpu.slice_cut);
    assert_int_equal(m.cpu.icount, due);
    vclock_run(&m.clock);
    assert_int_equal(m.cpu.hw_irq_lines & 1, 1);          /* IRQ 0 -> i8259 -> IP2 */
    malta_destroy(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reset_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode2_period, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode3_square_wave, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode0_and_mode4_one_shot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_latch_and_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_access_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_b, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kick_on_earlier_timer, setup, teardown),
        cmocka_unit_test(test_board_slice_ends_at_pit_event),
    };
    return cmocka_run_group_tests_name("i8254", tests, NULL, NULL);
}
