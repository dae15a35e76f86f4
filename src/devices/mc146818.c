/* MC146818A real-time clock (Motorola data sheet), with the register behaviour of QEMU's
 * hw/rtc/mc146818rtc.c where a guest can tell the difference.
 *
 * Time. The clock is not stepped: it is (base_sec, base_time, phase), and the time and
 * date registers are rewritten from it whenever the guest reads one while the clock runs
 * (SET clear and the divider at a time base). Guest writes to them while the clock runs
 * restart it from the registers; SET freezes the registers for the guest to write, and
 * clearing SET restarts the clock from them with the sub-second phase kept, since the
 * divider chain runs on under SET (QEMU does the same). Taking the divider out of reset
 * starts the first update half a second later (data sheet, "Divider reset").
 *
 * UIP. Register A's update-in-progress bit is set during the last 244 us (8 periods of
 * 32.768 kHz) of every second while the clock runs, as QEMU has it: software waits for
 * UIP to clear before reading the time, and Linux's Malta calibration (estimate_frequencies
 * in arch/mips/mti-malta/malta-time.c) counts CPU cycles between two rising edges of UIP.
 * Because the second here is CPU_CLOCK_HZ instructions, that measurement finds exactly
 * the clock kseg claims, however fast the host runs.
 *
 * Interrupts. The update-ended (UF) and alarm (AF) flags are set at each second boundary
 * by a timer that runs while the clock runs; the periodic flag (PF) by a timer on the
 * 32.768 kHz grid, which, as on QEMU, runs only while PIE is set. A flag whose enable bit
 * in register B is set raises IRQF and the IRQ line, which stays high until register C
 * is read (the read clears C). */
#include "devices/mc146818.h"

#include <string.h>

#define REG_A_UIP   0x80
#define REG_A_DV    0x70     /* divider control */
#define REG_A_RS    0x0F     /* periodic rate select */
#define DV_32KHZ    0x20
#define DV_RESET    0x60     /* 0x60 and 0x70: divider chain held in reset */
#define REG_B_SET   0x80
#define REG_B_PIE   0x40
#define REG_B_AIE   0x20
#define REG_B_UIE   0x10
#define REG_B_SQWE  0x08
#define REG_B_DM    0x04     /* 1: binary, 0: BCD */
#define REG_B_24H   0x02
#define REG_C_IRQF  0x80
#define REG_C_PF    0x40
#define REG_C_AF    0x20
#define REG_C_UF    0x10
#define REG_C_FLAGS 0x70     /* PF, AF, UF: in the same bit positions as their enables */
#define REG_D_VRT   0x80
#define DONT_CARE   0xC0     /* an alarm byte with both top bits set matches any value */
#define HOUR_PM     0x80     /* 12-hour mode */
#define NMI_MASK    0x80     /* index port */

#define RTC_BASE_HZ 32768u
#define UIP_PERIODS 8u       /* UIP lasts 8 periods of the 32.768 kHz time base: 244 us */

/* ---- Calendar (proleptic Gregorian, UTC), independent of the host's time zone -------- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

typedef struct civil {
    int year;
    unsigned month, day, hour, min, sec, wday;   /* month 1-12, day 1-31, wday 0 = Sunday */
} civil_t;

static civil_t civil_from_seconds(int64_t t)
{
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t secs = t - days * 86400;
    civil_t c = { .hour = (unsigned)(secs / 3600), .min = (unsigned)(secs / 60 % 60),
                  .sec = (unsigned)(secs % 60),
                  .wday = (unsigned)((days % 7 + 11) % 7) };   /* 1970-01-01: Thursday */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    c.day = doy - (153 * mp + 2) / 5 + 1;
    c.month = mp < 10 ? mp + 3 : mp - 9;
    c.year = (int)((int64_t)yoe + era * 400 + (c.month <= 2));
    return c;
}

/* ---- Registers <-> time ------------------------------------------------------------- */

static bool clock_runs(const mc146818_t *rtc)
{
    return !(rtc->cmos[RTC_REG_B] & REG_B_SET) && (rtc->cmos[RTC_REG_A] & REG_A_DV) <= DV_32KHZ;
}

static uint8_t to_reg(const mc146818_t *rtc, unsigned v)
{
    if (rtc->cmos[RTC_REG_B] & REG_B_DM)
        return (uint8_t)v;
    return (uint8_t)(((v / 10) << 4) | (v % 10));
}

static int from_reg(const mc146818_t *rtc, uint8_t v)
{
    if (rtc->cmos[RTC_REG_B] & REG_B_DM)
        return v;
    return (v >> 4) * 10 + (v & 0x0F);
}

/* Whole seconds and the phase within the current second, now. */
static int64_t clock_now(const mc146818_t *rtc, uint64_t *phase)
{
    uint64_t hz = rtc->clock->hz;
    uint64_t elapsed = vclock_now(rtc->clock) - rtc->base_time + rtc->phase;
    if (phase)
        *phase = elapsed % hz;
    return rtc->base_sec + (int64_t)(elapsed / hz);
}

/* The time registers from the running clock (unless SET holds them for the guest). */
static void registers_from_clock(mc146818_t *rtc)
{
    if (rtc->cmos[RTC_REG_B] & REG_B_SET)
        return;
    civil_t c = civil_from_seconds(clock_now(rtc, NULL));
    uint8_t *r = rtc->cmos;
    r[RTC_SECONDS] = to_reg(rtc, c.sec);
    r[RTC_MINUTES] = to_reg(rtc, c.min);
    if (r[RTC_REG_B] & REG_B_24H) {
        r[RTC_HOURS] = to_reg(rtc, c.hour);
    } else {
        unsigned h12 = c.hour % 12 ? c.hour % 12 : 12;
        r[RTC_HOURS] = (uint8_t)(to_reg(rtc, h12) | (c.hour >= 12 ? HOUR_PM : 0));
    }
    r[RTC_DAY_OF_WEEK] = to_reg(rtc, c.wday + 1);
    r[RTC_DAY_OF_MONTH] = to_reg(rtc, c.day);
    r[RTC_MONTH] = to_reg(rtc, c.month);
    /* QEMU's Malta RTC (base year 2000, which QEMU treats as "use the century byte"):
     * the year register holds the year within the century, the century byte the rest. */
    r[RTC_YEAR] = to_reg(rtc, (unsigned)(c.year % 100));
    r[RTC_CENTURY] = to_reg(rtc, (unsigned)(c.year / 100));
}

/* Restarts the clock at the time the registers hold, keeping `phase` within the second. */
static void clock_from_registers(mc146818_t *rtc, uint64_t phase)
{
    const uint8_t *r = rtc->cmos;
    int hour = from_reg(rtc, r[RTC_HOURS] & 0x7F);
    if (!(r[RTC_REG_B] & REG_B_24H)) {
        hour %= 12;
        if (r[RTC_HOURS] & HOUR_PM)
            hour += 12;
    }
    int year = from_reg(rtc, r[RTC_CENTURY]) * 100 + from_reg(rtc, r[RTC_YEAR]);
    int month = from_reg(rtc, r[RTC_MONTH]);
    int day = from_reg(rtc, r[RTC_DAY_OF_MONTH]);
    /* Nonsense from the guest (month 0, BCD digits above 9) still gives some time. */
    if (month < 1 || month > 12)
        month = 1;
    if (day < 1)
        day = 1;
    rtc->base_sec = days_from_civil(year, (unsigned)month, (unsigned)day) * 86400 +
                    (int64_t)hour * 3600 + (int64_t)from_reg(rtc, r[RTC_MINUTES]) * 60 +
                    from_reg(rtc, r[RTC_SECONDS]);
    rtc->base_time = vclock_now(rtc->clock);
    rtc->phase = phase;
}

static bool update_in_progress(const mc146818_t *rtc)
{
    if (!clock_runs(rtc))
        return false;
    uint64_t phase, hz = rtc->clock->hz;
    clock_now(rtc, &phase);
    return phase >= hz - vclock_muldiv(hz, UIP_PERIODS, RTC_BASE_HZ);
}

/* ---- Interrupts and timers ---------------------------------------------------------- */

/* Sets flags in register C; raises IRQF and the line for a newly set flag that is enabled. */
static void raise_flags(mc146818_t *rtc, uint8_t flags)
{
    uint8_t fresh = flags & ~rtc->cmos[RTC_REG_C];
    rtc->cmos[RTC_REG_C] |= flags;
    if (fresh & rtc->cmos[RTC_REG_B] & REG_C_FLAGS) {
        rtc->cmos[RTC_REG_C] |= REG_C_IRQF;
        irq_set(&rtc->irq, true);
    }
}

static void schedule_update(mc146818_t *rtc)
{
    if (!clock_runs(rtc)) {
        vclock_timer_del(&rtc->update_timer);
        return;
    }
    uint64_t phase;
    clock_now(rtc, &phase);
    vclock_timer_mod(&rtc->update_timer, vclock_now(rtc->clock) + (rtc->clock->hz - phase));
}

static bool alarm_matches(const mc146818_t *rtc, int alarm, int reg)
{
    uint8_t a = rtc->cmos[alarm];
    return (a & DONT_CARE) == DONT_CARE || a == rtc->cmos[reg];
}

/* The end of an update cycle: the registers show the new second. */
static void update_timer_cb(void *opaque)
{
    mc146818_t *rtc = opaque;
    registers_from_clock(rtc);
    uint8_t flags = REG_C_UF;
    if (alarm_matches(rtc, RTC_SECONDS_ALARM, RTC_SECONDS) &&
        alarm_matches(rtc, RTC_MINUTES_ALARM, RTC_MINUTES) &&
        alarm_matches(rtc, RTC_HOURS_ALARM, RTC_HOURS))
        flags |= REG_C_AF;
    raise_flags(rtc, flags);
    schedule_update(rtc);
}

/* The periodic rate in 32.768 kHz ticks (data sheet table 5: rates 1 and 2 repeat 8 and
 * 9 at the 32.768 kHz time base); 0 when off. As on QEMU, only while PIE is set. */
static uint32_t periodic_ticks(const mc146818_t *rtc)
{
    unsigned rs = rtc->cmos[RTC_REG_A] & REG_A_RS;
    if (!rs || !(rtc->cmos[RTC_REG_B] & REG_B_PIE))
        return 0;
    if (rs <= 2)
        rs += 7;
    return 1u << (rs - 1);
}

/* Arms the periodic timer for the next multiple of the period on the 32.768 kHz grid of
 * virtual time (the divider chain's phase), so that periods neither drift nor pile up
 * when one is served late. */
static void schedule_periodic(mc146818_t *rtc)
{
    uint32_t period = periodic_ticks(rtc);
    if (!period) {
        vclock_timer_del(&rtc->periodic_timer);
        return;
    }
    uint64_t hz = rtc->clock->hz;
    uint64_t tick = vclock_muldiv(vclock_now(rtc->clock), RTC_BASE_HZ, hz);
    rtc->next_periodic_tick = (tick / period + 1) * period;
    vclock_timer_mod(&rtc->periodic_timer,
                     vclock_muldiv_ceil(rtc->next_periodic_tick, hz, RTC_BASE_HZ));
}

static void periodic_timer_cb(void *opaque)
{
    mc146818_t *rtc = opaque;
    raise_flags(rtc, REG_C_PF);
    schedule_periodic(rtc);
}

/* ---- Ports -------------------------------------------------------------------------- */

static void write_reg_a(mc146818_t *rtc, uint8_t v)
{
    uint8_t old = rtc->cmos[RTC_REG_A];
    bool was_reset = (old & DV_RESET) == DV_RESET;
    bool to_reset = (v & DV_RESET) == DV_RESET;
    if (to_reset && !was_reset && clock_runs(rtc)) {
        registers_from_clock(rtc);          /* the time stops where it is */
    } else if (was_reset && !to_reset && (v & REG_A_DV) <= DV_32KHZ &&
               !(rtc->cmos[RTC_REG_B] & REG_B_SET)) {
        /* The first update cycle comes half a second after the divider leaves reset. */
        rtc->cmos[RTC_REG_A] = v & ~REG_A_UIP;
        clock_from_registers(rtc, rtc->clock->hz / 2);
    }
    rtc->cmos[RTC_REG_A] = v & ~REG_A_UIP;  /* UIP is read-only */
    if ((old ^ v) & REG_A_RS)
        schedule_periodic(rtc);
    schedule_update(rtc);
}

static void write_reg_b(mc146818_t *rtc, uint8_t v)
{
    uint8_t old = rtc->cmos[RTC_REG_B];
    if (v & REG_B_SET) {
        if (!(old & REG_B_SET) && clock_runs(rtc))
            registers_from_clock(rtc);      /* freeze what the guest will overwrite */
        v &= ~REG_B_UIE;                    /* SET clears UIE (data sheet) */
    } else if ((old & REG_B_SET) && (rtc->cmos[RTC_REG_A] & REG_A_DV) <= DV_32KHZ) {
        /* The registers are read in the format they were written in, the old one (QEMU);
         * the next read shows them in the new one. */
        uint64_t phase;
        clock_now(rtc, &phase);
        clock_from_registers(rtc, phase);
    }
    /* A flag already set when its interrupt gets enabled interrupts at once. */
    if (v & rtc->cmos[RTC_REG_C] & REG_C_FLAGS) {
        rtc->cmos[RTC_REG_C] |= REG_C_IRQF;
        irq_set(&rtc->irq, true);
    } else {
        rtc->cmos[RTC_REG_C] &= ~REG_C_IRQF;
        irq_set(&rtc->irq, false);
    }
    rtc->cmos[RTC_REG_B] = v;
    if ((old ^ v) & REG_B_PIE)
        schedule_periodic(rtc);
    schedule_update(rtc);
}

static void write_time_field(mc146818_t *rtc, uint8_t index, uint8_t v)
{
    if (!clock_runs(rtc)) {                 /* under SET: the guest sets the registers */
        rtc->cmos[index] = v;
        return;
    }
    /* Running: the clock restarts at the time now with this field changed. (QEMU takes
     * the other fields as last read, which may be seconds old.) */
    registers_from_clock(rtc);
    rtc->cmos[index] = v;
    uint64_t phase;
    clock_now(rtc, &phase);
    clock_from_registers(rtc, phase);
}

static void rtc_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)size;
    mc146818_t *rtc = dev;
    uint8_t v = (uint8_t)value;
    if (offset == 0) {
        rtc->index = v & 0x7F;
        rtc->nmi_masked = v & NMI_MASK;
        return;
    }
    switch (rtc->index) {
    case RTC_SECONDS:
    case RTC_MINUTES:
    case RTC_HOURS:
    case RTC_DAY_OF_WEEK:
    case RTC_DAY_OF_MONTH:
    case RTC_MONTH:
    case RTC_YEAR:
    case RTC_CENTURY:
        write_time_field(rtc, rtc->index, v);
        break;
    case RTC_REG_A:
        write_reg_a(rtc, v);
        break;
    case RTC_REG_B:
        write_reg_b(rtc, v);
        break;
    case RTC_REG_C:
    case RTC_REG_D:
        break;                              /* read-only */
    default:                                /* alarms and CMOS RAM */
        rtc->cmos[rtc->index] = v;
        break;
    }
}

static uint32_t rtc_read(void *dev, uint32_t offset, unsigned size)
{
    (void)size;
    mc146818_t *rtc = dev;
    if (offset == 0)
        return 0xFF;                        /* the index port is write-only (QEMU) */
    uint8_t v;
    switch (rtc->index) {
    case RTC_SECONDS:
    case RTC_MINUTES:
    case RTC_HOURS:
    case RTC_DAY_OF_WEEK:
    case RTC_DAY_OF_MONTH:
    case RTC_MONTH:
    case RTC_YEAR:
    case RTC_CENTURY:
        if (clock_runs(rtc))
            registers_from_clock(rtc);
        return rtc->cmos[rtc->index];
    case RTC_REG_A:
        return rtc->cmos[RTC_REG_A] | (update_in_progress(rtc) ? REG_A_UIP : 0);
    case RTC_REG_C:
        v = rtc->cmos[RTC_REG_C];
        rtc->cmos[RTC_REG_C] = 0;
        irq_set(&rtc->irq, false);
        return v;
    default:
        return rtc->cmos[rtc->index];
    }
}

const device_ops_t mc146818_ops = { .read = rtc_read, .write = rtc_write };

/* ---- Life cycle --------------------------------------------------------------------- */

int64_t mc146818_time(const mc146818_t *rtc)
{
    return clock_now(rtc, NULL);
}

void mc146818_reset(mc146818_t *rtc)
{
    /* Data sheet, RESET: PIE, AIE, UIE, SQWE and IRQF, PF, AF, UF are cleared. (QEMU also
     * clears the PC shutdown status byte, CMOS 0x0F, unless it says S3 resume.) */
    if (rtc->cmos[0x0F] != 0xFE)
        rtc->cmos[0x0F] = 0;
    rtc->cmos[RTC_REG_B] &= ~(REG_B_PIE | REG_B_AIE | REG_B_UIE | REG_B_SQWE);
    rtc->cmos[RTC_REG_C] = 0;
    irq_set(&rtc->irq, false);
    schedule_periodic(rtc);
    schedule_update(rtc);
}

void mc146818_init(mc146818_t *rtc, vclock_t *clock, irq_line_t irq, int64_t host_time)
{
    memset(rtc, 0, sizeof(*rtc));
    rtc->clock = clock;
    rtc->irq = irq;
    vclock_timer_init(&rtc->update_timer, clock, update_timer_cb, rtc);
    vclock_timer_init(&rtc->periodic_timer, clock, periodic_timer_cb, rtc);
    rtc->cmos[RTC_REG_A] = 0x26;
    rtc->cmos[RTC_REG_B] = REG_B_24H;
    rtc->cmos[RTC_REG_D] = REG_D_VRT;
    rtc->base_sec = host_time;
    rtc->base_time = vclock_now(clock);
    rtc->phase = 0;
    registers_from_clock(rtc);
    schedule_update(rtc);
}
