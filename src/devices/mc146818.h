/* The PIIX4's MC146818-compatible real-time clock and its 128 bytes of CMOS RAM, on ISA
 * ports 0x70 (index; bit 7 = NMI mask) and 0x71 (data), interrupt on ISA IRQ 8.
 *
 * The clock starts from the host's time (UTC, as QEMU's default -rtc base=utc) and then
 * advances with virtual time, so a guest that measures its CPU clock against the RTC (Linux
 * on the Malta, with the UIP bit) measures the clock kseg claims. */
#ifndef KSEG_MC146818_H
#define KSEG_MC146818_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"
#include "devices/vclock.h"
#include "mmu/bus.h"

#define MC146818_PORTS     2
#define MC146818_CMOS_SIZE 128

/* Register indexes (MC146818A data sheet; the century byte as PC firmware keeps it). */
enum {
    RTC_SECONDS = 0x00, RTC_SECONDS_ALARM = 0x01, RTC_MINUTES = 0x02,
    RTC_MINUTES_ALARM = 0x03, RTC_HOURS = 0x04, RTC_HOURS_ALARM = 0x05,
    RTC_DAY_OF_WEEK = 0x06, RTC_DAY_OF_MONTH = 0x07, RTC_MONTH = 0x08, RTC_YEAR = 0x09,
    RTC_REG_A = 0x0A, RTC_REG_B = 0x0B, RTC_REG_C = 0x0C, RTC_REG_D = 0x0D,
    RTC_CENTURY = 0x32,
};

typedef struct mc146818 {
    uint8_t cmos[MC146818_CMOS_SIZE];   /* register A never holds UIP: it is computed */
    uint8_t index;
    bool nmi_masked;                     /* index port bit 7; nothing to mask on the Malta */
    vclock_t *clock;
    irq_line_t irq;
    vclock_timer_t update_timer;         /* the next second boundary (update cycle) */
    vclock_timer_t periodic_timer;       /* the next periodic interrupt */
    /* The running clock: at virtual time base_time it was base_sec (seconds since
     * 1970-01-01 UTC) plus `phase` of a second (in virtual-time ticks). The time registers
     * are refreshed from it whenever they are read, unless SET freezes them. */
    int64_t base_sec;
    uint64_t base_time;
    uint64_t phase;
    uint64_t next_periodic_tick;         /* 32.768 kHz tick of the pending periodic IRQ */
} mc146818_t;

extern const device_ops_t mc146818_ops;

/* `host_time`: the time to start from, in seconds since the epoch (the board passes the
 * host's clock; tests a fixed time). Registers A-D take QEMU's power-on values: A = 0x26
 * (32.768 kHz, 1024 Hz rate), B = 0x02 (24-hour, BCD), C = 0, D = 0x80 (valid RAM). */
void mc146818_init(mc146818_t *rtc, vclock_t *clock, irq_line_t irq, int64_t host_time);
/* The RESET pin: clears the interrupt enables and flags; the time keeps running. */
void mc146818_reset(mc146818_t *rtc);

/* The current time as the clock counts it, in seconds since the epoch (tests). */
int64_t mc146818_time(const mc146818_t *rtc);

#endif
