/* The MC146818 RTC (src/devices/mc146818.c) on virtual time: the clock from its start time,
 * the UIP window across a second and the CPU-frequency measurement Linux's Malta code makes
 * with it, BCD/binary and 12/24-hour formats, register C clear-on-read with IRQ 8, periodic,
 * update and alarm interrupts, SET and the divider reset, the index port.
 *
 * Expected behaviour: MC146818A data sheet and QEMU's hw/rtc/mc146818rtc.c; the UIP spin
 * is Linux 6.1's estimate_frequencies (arch/mips/mti-malta/malta-time.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cpu/cpu.h"
#include "devices/mc146818.h"
#include "devices/vclock.h"

#define HZ          ((uint64_t)CPU_CLOCK_HZ)
#define UIP_TICKS   78125u                   /* 8/32768 s at 320 MHz: exactly 244.140625 us */
#define START_TIME  1709251198               /* 2024-02-29 23:59:58 UTC, a Thursday */
#define START_ICOUNT 12345u

#define REG_A_UIP 0x80

typedef struct fixture {
    uint64_t now;
    vclock_t clock;
    mc146818_t rtc;
    bool irq;
    unsigned rises;
} fixture_t;

static void irq8(void *opaque, int n, bool level)
{
    (void)n;
    fixture_t *f = opaque;
    if (level && !f->irq)
        f->rises++;
    f->irq = level;
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->now = START_ICOUNT;
    vclock_init(&f->clock, &f->now, HZ);
    mc146818_init(&f->rtc, &f->clock, (irq_line_t){ irq8, f, 8 }, START_TIME);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static uint8_t rd(fixture_t *f, uint8_t index)
{
    mc146818_ops.write(&f->rtc, 0, index, 1);
    return (uint8_t)mc146818_ops.read(&f->rtc, 1, 1);
}

static void wr(fixture_t *f, uint8_t index, uint8_t v)
{
    mc146818_ops.write(&f->rtc, 0, index, 1);
    mc146818_ops.write(&f->rtc, 1, v, 1);
}

static void advance_to(fixture_t *f, uint64_t t)
{
    while (vclock_next(&f->clock) <= t) {
        if (vclock_next(&f->clock) > f->now)
            f->now = vclock_next(&f->clock);
        vclock_run(&f->clock);
    }
    f->now = t;
}

static void test_power_on(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(rd(f, RTC_REG_A), 0x26);
    assert_int_equal(rd(f, RTC_REG_B), 0x02);
    assert_int_equal(rd(f, RTC_REG_C), 0x00);
    assert_int_equal(rd(f, RTC_REG_D), 0x80);
    assert_int_equal(rd(f, RTC_SECONDS), 0x58);
    assert_int_equal(rd(f, RTC_MINUTES), 0x59);
    assert_int_equal(rd(f, RTC_HOURS), 0x23);
    assert_int_equal(rd(f, RTC_DAY_OF_WEEK), 5);      /* Thursday: Sunday is 1 */
    assert_int_equal(rd(f, RTC_DAY_OF_MONTH), 0x29);
    assert_int_equal(rd(f, RTC_MONTH), 0x02);
    assert_int_equal(rd(f, RTC_YEAR), 0x24);
    assert_int_equal(rd(f, RTC_CENTURY), 0x20);
}

static void test_time_follows_virtual_time(void **state)
{
    fixture_t *f = *state;
    advance_to(f, START_ICOUNT + HZ - 1);
    assert_int_equal(rd(f, RTC_SECONDS), 0x58);
    advance_to(f, START_ICOUNT + HZ);
    assert_int_equal(rd(f, RTC_SECONDS), 0x59);
    advance_to(f, START_ICOUNT + 2 * HZ);             /* a leap day ends */
    assert_int_equal(rd(f, RTC_SECONDS), 0x00);
    assert_int_equal(rd(f, RTC_MINUTES), 0x00);
    assert_int_equal(rd(f, RTC_HOURS), 0x00);
    assert_int_equal(rd(f, RTC_DAY_OF_MONTH), 0x01);
    assert_int_equal(rd(f, RTC_MONTH), 0x03);
    assert_int_equal(rd(f, RTC_DAY_OF_WEEK), 6);
    assert_int_equal(mc146818_time(&f->rtc), START_TIME + 2);
    /* A field written while the clock runs changes just that field, keeping the phase. */
    advance_to(f, START_ICOUNT + 2 * HZ + HZ / 2);
    wr(f, RTC_MINUTES, 0x30);
    assert_int_equal(rd(f, RTC_MINUTES), 0x30);
    assert_int_equal(rd(f, RTC_SECONDS), 0x00);
    assert_int_equal(rd(f, RTC_DAY_OF_MONTH), 0x01);
    advance_to(f, START_ICOUNT + 3 * HZ);
    assert_int_equal(rd(f, RTC_SECONDS), 0x01);
    assert_int_equal(mc146818_time(&f->rtc), START_TIME + 3 + 30 * 60);
}

static void test_uip_window(void **state)
{
    fixture_t *f = *state;
    const uint64_t second = START_ICOUNT + HZ;        /* the clock's first second boundary */
    assert_int_equal(rd(f, RTC_REG_A) & REG_A_UIP, 0);
    advance_to(f, second - UIP_TICKS - 1);
    assert_int_equal(rd(f, RTC_REG_A) & REG_A_UIP, 0);
    advance_to(f, second - UIP_TICKS);
    assert_int_equal(rd(f, RTC_REG_A), 0x26 | REG_A_UIP);
    advance_to(f, second - 1);
    assert_int_equal(rd(f, RTC_REG_A) & REG_A_UIP, REG_A_UIP);
    assert_int_equal(rd(f, RTC_SECONDS), 0x58);       /* not yet updated */
    advance_to(f, second);
    assert_int_equal(rd(f, RTC_REG_A) & REG_A_UIP, 0);
    assert_int_equal(rd(f, RTC_SECONDS), 0x59);
    /* The same window a second later. */
    advance_to(f, second + HZ - UIP_TICKS);
    assert_int_equal(rd(f, RTC_REG_A) & REG_A_UIP, REG_A_UIP);
}

/* Linux's estimate_frequencies: Count between two rising edges of UIP, divided by the
 * seconds between them, must be the Count rate of the clock kseg claims (CPU_CLOCK_HZ / 2). */
static void test_uip_calibration(void **state)
{
    fixture_t *f = *state;
    const uint64_t step = 997;               /* one poll of register A every 997 cycles */
#define SPIN_WHILE(cond) do { while (cond) advance_to(f, f->now + step); } while (0)
#define UIP() (rd(f, RTC_REG_A) & REG_A_UIP)
    SPIN_WHILE(UIP());
    SPIN_WHILE(!UIP());
    uint64_t start = f->now / 2;             /* Count */
    SPIN_WHILE(UIP());
    int secs1 = rd(f, RTC_SECONDS);
    SPIN_WHILE(!UIP());
    uint64_t count = f->now / 2;
    SPIN_WHILE(UIP());
    int secs2 = rd(f, RTC_SECONDS);
#undef SPIN_WHILE
#undef UIP
    int secs = (secs2 >> 4) * 10 + (secs2 & 15) - ((secs1 >> 4) * 10 + (secs1 & 15));
    if (secs < 1)
        secs += 60;
    assert_int_equal(secs, 1);
    uint64_t rate = (count - start) / (uint64_t)secs;
    assert_true(rate + step >= HZ / 2 && rate <= HZ / 2 + step);
}

static void test_binary_and_12_hour(void **state)
{
    fixture_t *f = *state;
    wr(f, RTC_REG_B, 0x06);                  /* binary, 24-hour */
    assert_int_equal(rd(f, RTC_HOURS), 23);
    assert_int_equal(rd(f, RTC_SECONDS), 58);
    assert_int_equal(rd(f, RTC_YEAR), 24);
    assert_int_equal(rd(f, RTC_CENTURY), 20);
    wr(f, RTC_REG_B, 0x04);                  /* binary, 12-hour: 11 PM */
    assert_int_equal(rd(f, RTC_HOURS), 0x80 | 11);
    wr(f, RTC_REG_B, 0x00);                  /* BCD, 12-hour */
    assert_int_equal(rd(f, RTC_HOURS), 0x80 | 0x11);
    advance_to(f, START_ICOUNT + 2 * HZ);    /* midnight is 12 AM */
    assert_int_equal(rd(f, RTC_HOURS), 0x12);
    /* Setting the time in 12-hour BCD: 1 PM. */
    wr(f, RTC_REG_B, 0x80);
    wr(f, RTC_HOURS, 0x81);
    wr(f, RTC_REG_B, 0x02);                  /* registers read in the format written */
    assert_int_equal(rd(f, RTC_HOURS), 0x13);
}

static void test_update_interrupt_and_reg_c(void **state)
{
    fixture_t *f = *state;
    wr(f, RTC_HOURS_ALARM, 0x12);            /* (alarm 00:00:00 would match at midnight) */
    advance_to(f, START_ICOUNT + HZ);        /* UF without UIE: a flag, no interrupt */
    assert_false(f->irq);
    assert_int_equal(rd(f, RTC_REG_C), 0x10);
    assert_int_equal(rd(f, RTC_REG_C), 0x00);           /* cleared by the read */
    wr(f, RTC_REG_B, 0x12);                  /* UIE */
    assert_false(f->irq);
    advance_to(f, START_ICOUNT + 2 * HZ - 1);
    assert_false(f->irq);
    advance_to(f, START_ICOUNT + 2 * HZ);
    assert_true(f->irq);
    assert_int_equal(rd(f, RTC_REG_C), 0x90);           /* IRQF | UF */
    assert_false(f->irq);
    assert_int_equal(rd(f, RTC_REG_C), 0x00);
    advance_to(f, START_ICOUNT + 3 * HZ);
    assert_true(f->irq);
    assert_int_equal(f->rises, 2);
    /* A flag already set when its enable is written interrupts at once. */
    wr(f, RTC_REG_B, 0x02);
    assert_false(f->irq);
    advance_to(f, START_ICOUNT + 4 * HZ);
    assert_false(f->irq);
    wr(f, RTC_REG_B, 0x12);
    assert_true(f->irq);
}

static void test_periodic_interrupt(void **state)
{
    fixture_t *f = *state;
    assert_false(vclock_timer_pending(&f->rtc.periodic_timer));   /* no PIE: off (QEMU) */
    wr(f, RTC_REG_B, 0x42);                  /* PIE at rate 6: 1024 Hz */
    uint64_t end = f->now + HZ;
    unsigned irqs = 0;
    while (vclock_next(&f->clock) <= end) {
        f->now = vclock_next(&f->clock);
        vclock_run(&f->clock);
        if (f->irq) {
            irqs++;
            assert_int_equal(rd(f, RTC_REG_C) & 0xC0, 0xC0);   /* IRQF | PF */
        }
    }
    assert_true(irqs >= 1023 && irqs <= 1024);
    wr(f, RTC_REG_A, 0x2F);                  /* rate 15: 2 Hz */
    end = f->now + HZ;
    irqs = 0;
    while (vclock_next(&f->clock) <= end) {
        f->now = vclock_next(&f->clock);
        vclock_run(&f->clock);
        if (f->irq && (rd(f, RTC_REG_C) & 0x40))
            irqs++;
    }
    assert_int_equal(irqs, 2);
    wr(f, RTC_REG_B, 0x02);
    assert_false(vclock_timer_pending(&f->rtc.periodic_timer));
}

static void test_alarm(void **state)
{
    fixture_t *f = *state;
    wr(f, RTC_SECONDS_ALARM, 0x00);          /* 00:00:00, two seconds away */
    wr(f, RTC_MINUTES_ALARM, 0x00);
    wr(f, RTC_HOURS_ALARM, 0x00);
    wr(f, RTC_REG_B, 0x22);                  /* AIE */
    advance_to(f, START_ICOUNT + HZ);
    assert_false(f->irq);
    assert_int_equal(rd(f, RTC_REG_C), 0x10);
    advance_to(f, START_ICOUNT + 2 * HZ);
    assert_true(f->irq);
    assert_int_equal(rd(f, RTC_REG_C), 0xB0);           /* IRQF | AF | UF */
    /* Don't-care bytes: every second matches. */
    wr(f, RTC_SECONDS_ALARM, 0xC0);
    wr(f, RTC_MINUTES_ALARM, 0xFF);
    wr(f, RTC_HOURS_ALARM, 0xC5);
    advance_to(f, START_ICOUNT + 3 * HZ);
    assert_int_equal(rd(f, RTC_REG_C), 0xB0);
}

static void test_set_bit(void **state)
{
    fixture_t *f = *state;
    wr(f, RTC_REG_B, 0x82 | 0x10);           /* SET (clears UIE) */
    assert_int_equal(rd(f, RTC_REG_B), 0x82);
    advance_to(f, START_ICOUNT + 3 * HZ - UIP_TICKS);
    assert_int_equal(rd(f, RTC_SECONDS), 0x58);         /* frozen for the writer */
    assert_int_equal(rd(f, RTC_REG_A) & REG_A_UIP, 0);  /* no update cycles under SET */
    wr(f, RTC_HOURS, 0x12);
    wr(f, RTC_MINUTES, 0x34);
    wr(f, RTC_SECONDS, 0x56);
    wr(f, RTC_DAY_OF_MONTH, 0x15);
    wr(f, RTC_MONTH, 0x06);
    wr(f, RTC_YEAR, 0x30);
    wr(f, RTC_REG_B, 0x02);
    assert_int_equal(rd(f, RTC_SECONDS), 0x56);
    assert_int_equal(rd(f, RTC_DAY_OF_WEEK), 7);        /* 2030-06-15 is a Saturday */
    /* The divider ran on under SET: the next update comes at the old second boundary. */
    advance_to(f, START_ICOUNT + 3 * HZ);
    assert_int_equal(rd(f, RTC_SECONDS), 0x57);
    assert_int_equal(rd(f, RTC_MINUTES), 0x34);
}

static void test_divider_reset(void **state)
{
    fixture_t *f = *state;
    wr(f, RTC_REG_A, 0x76);                  /* divider chain in reset: the clock stops */
    advance_to(f, START_ICOUNT + 5 * HZ);
    assert_int_equal(rd(f, RTC_SECONDS), 0x58);
    assert_false(vclock_timer_pending(&f->rtc.update_timer));
    wr(f, RTC_REG_A, 0x26);                  /* Linux's init_rtc: 32.768 kHz time base */
    uint64_t released = f->now;
    advance_to(f, released + HZ / 2 - 1);    /* the first update half a second later */
    assert_int_equal(rd(f, RTC_SECONDS), 0x58);
    advance_to(f, released + HZ / 2);
    assert_int_equal(rd(f, RTC_SECONDS), 0x59);
}

static void test_index_and_ram(void **state)
{
    fixture_t *f = *state;
    mc146818_ops.write(&f->rtc, 0, 0x80 | 0x10, 1);     /* NMI off, index 0x10 */
    assert_true(f->rtc.nmi_masked);
    mc146818_ops.write(&f->rtc, 1, 0xAB, 1);
    assert_int_equal(f->rtc.cmos[0x10], 0xAB);
    assert_int_equal(mc146818_ops.read(&f->rtc, 0, 1), 0xFF);   /* write-only index */
    assert_int_equal(rd(f, 0x10), 0xAB);
    assert_false(f->rtc.nmi_masked);
    wr(f, 0x7F, 0x5A);
    assert_int_equal(rd(f, 0x7F), 0x5A);
    wr(f, RTC_REG_D, 0x00);                  /* read-only */
    assert_int_equal(rd(f, RTC_REG_D), 0x80);
    wr(f, RTC_REG_A, 0xA6);                  /* UIP is read-only */
    assert_int_equal(rd(f, RTC_REG_A), 0x26);
}

static void test_reset_pin(void **state)
{
    fixture_t *f = *state;
    wr(f, RTC_REG_B, 0x7E);                  /* PIE AIE UIE SQWE, binary, 24-hour */
    advance_to(f, START_ICOUNT + HZ);
    assert_true(f->irq);
    mc146818_reset(&f->rtc);
    assert_false(f->irq);
    assert_int_equal(rd(f, RTC_REG_B), 0x06);
    assert_int_equal(rd(f, RTC_REG_C), 0x00);
    assert_false(vclock_timer_pending(&f->rtc.periodic_timer));
    assert_int_equal(rd(f, RTC_SECONDS), 59);           /* the time runs on */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_power_on, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time_follows_virtual_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uip_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uip_calibration, setup, teardown),
        cmocka_unit_test_setup_teardown(test_binary_and_12_hour, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_interrupt_and_reg_c, setup, teardown),
        cmocka_unit_test_setup_teardown(test_periodic_interrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alarm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_bit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_divider_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_and_ram, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_pin, setup, teardown),
    };
    return cmocka_run_group_tests_name("mc146818", tests, NULL, NULL);
}
