/* Intel 8254 PIT (8254 data sheet), with the counting, output and interrupt timing of
 * QEMU's hw/timer/i8254.c so that guests see the same thing on both:
 *
 *   - A channel does not count tick by tick: it remembers when its count was loaded, and
 *     its counter and output are computed from the virtual time elapsed since then. Only
 *     channel 0 drives anything (IRQ 0), so only channel 0 arms a timer, for its next
 *     output transition.
 *   - Output shapes (QEMU's): mode 0 low until the count expires, then high; mode 1 high
 *     while the one-shot runs; mode 2 a one-tick high pulse at the end of every period
 *     (rising edge = interrupt, once per period); mode 3 high for the first half period,
 *     low for the second; modes 4 and 5 a one-tick high pulse when the count expires.
 *     Linux's i8253 clockevent uses mode 2 (periodic), mode 4 (one-shot) and mode 0 with
 *     count 0 (shutdown).
 *   - A control word changes the mode but, as on QEMU, does not restart counting; the next
 *     count written does.
 *   - The gate only restarts modes 1, 2, 3 and 5 on a rising edge; it does not stop a count
 *     (QEMU). Channel 2's gate is port B bit 0.
 *   - BCD counting is not modelled (the BCD bit is kept and reported only), as on QEMU.
 *
 * Conversions: ticks elapsed = floor(virtual time elapsed * 1193182 / CPU clock); the
 * virtual time of tick T is the first one at which that floor reaches T (rounded up), so a
 * timer armed for a transition sees it has happened when it fires. */
#include "devices/i8254.h"

#include <string.h>

#define RW_LSB   1
#define RW_MSB   2
#define RW_WORD0 3     /* LSB then MSB; reading or writing the LSB now */
#define RW_WORD1 4     /* ... the MSB now */

#define CW_CHANNEL_SHIFT 6
#define CW_READBACK      3       /* channel field 3: read-back command */
#define RB_NO_COUNT      0x20    /* read-back: do not latch the count */
#define RB_NO_STATUS     0x10    /* read-back: do not latch the status */

#define PORTB_GATE2      0x01
#define PORTB_SPEAKER    0x02
#define PORTB_REFRESH    0x10
#define PORTB_OUT2       0x20
/* The refresh request bit toggles every 15.085 us on PCs (DRAM refresh, 66.3 kHz);
 * software polls it to wait short times. It follows virtual time here. (QEMU toggles it on
 * every read instead; a loop waiting for toggles ends on both.) */
#define REFRESH_NS       15085u

static unsigned effective_mode(const i8254_channel_t *c)
{
    return c->mode >= 6 ? c->mode - 4u : c->mode;
}

static uint64_t ticks_since_load(const i8254_t *pit, const i8254_channel_t *c, uint64_t now)
{
    return vclock_muldiv(now - c->load_time, I8254_HZ, pit->clock->hz);
}

static uint64_t time_of_tick(const i8254_t *pit, const i8254_channel_t *c, uint64_t tick)
{
    return c->load_time + vclock_muldiv_ceil(tick, pit->clock->hz, I8254_HZ);
}

static uint16_t counter_at(const i8254_t *pit, const i8254_channel_t *c, uint64_t now)
{
    uint64_t d = ticks_since_load(pit, c, now);
    switch (effective_mode(c)) {
    case 2:
        return (uint16_t)(c->count - d % c->count);
    case 3:
        return (uint16_t)(c->count - (2 * d) % c->count);
    default:                    /* 0, 1, 4, 5: count down once, then wrap */
        return (uint16_t)((c->count - d) & 0xFFFF);
    }
}

static bool out_at(const i8254_t *pit, const i8254_channel_t *c, uint64_t now)
{
    uint64_t d = ticks_since_load(pit, c, now);
    switch (effective_mode(c)) {
    case 0:
        return d >= c->count;
    case 1:
        return d < c->count;
    case 2:
        return d != 0 && d % c->count == 0;
    case 3:
        return d % c->count < (c->count + 1) / 2;
    default:                    /* 4, 5 */
        return d == c->count;
    }
}

/* The tick of the next output transition after `now`, or UINT64_MAX if there is none. */
static uint64_t next_transition_tick(const i8254_t *pit, const i8254_channel_t *c, uint64_t now)
{
    uint64_t d = ticks_since_load(pit, c, now);
    uint64_t base = d - d % c->count;
    unsigned mode = effective_mode(c);
    if (c->count == 1 && (mode == 2 || mode == 3))   /* illegal counts: steady high */
        return mode == 2 && d == 0 ? 1 : UINT64_MAX;
    switch (mode) {
    case 0:
    case 1:
        return d < c->count ? c->count : UINT64_MAX;
    case 2:
        return (d != 0 && d == base) ? d + 1 : base + c->count;
    case 3: {
        uint64_t half = (c->count + 1) / 2;
        return d - base < half ? base + half : base + c->count;
    }
    default:                    /* 4, 5 */
        if (d < c->count)
            return c->count;
        return d == c->count ? d + 1 : UINT64_MAX;
    }
}

/* Channel 0: drive IRQ 0 with the output as of `now` and arm the timer for the next
 * transition. */
static void channel0_update(i8254_t *pit, uint64_t now)
{
    const i8254_channel_t *c = &pit->ch[0];
    irq_set(&pit->irq, out_at(pit, c, now));
    uint64_t tick = next_transition_tick(pit, c, now);
    if (tick == UINT64_MAX) {
        pit->next_transition = VCLOCK_NEVER;
        vclock_timer_del(&pit->timer);
        return;
    }
    pit->next_transition = time_of_tick(pit, c, tick);
    vclock_timer_mod(&pit->timer, pit->next_transition);
}

/* The timer fires at (or, between slices, just after) the transition it was armed for;
 * evaluating at that moment rather than at `now` keeps every edge even when it runs late. */
static void channel0_timer(void *opaque)
{
    i8254_t *pit = opaque;
    channel0_update(pit, pit->next_transition);
}

static void load_count(i8254_t *pit, int n, uint32_t value)
{
    i8254_channel_t *c = &pit->ch[n];
    c->count = value ? value : 0x10000u;
    c->load_time = vclock_now(pit->clock);
    if (n == 0)
        channel0_update(pit, c->load_time);
}

static void latch_count(i8254_t *pit, i8254_channel_t *c)
{
    if (!c->count_latched) {           /* a second latch before the read is ignored */
        c->latched_count = counter_at(pit, c, vclock_now(pit->clock));
        c->count_latched = c->rw_mode;
    }
}

static void latch_status(i8254_t *pit, i8254_channel_t *c)
{
    if (c->status_latched)
        return;
    c->status = (uint8_t)((out_at(pit, c, vclock_now(pit->clock)) ? 0x80 : 0) |
                          (c->rw_mode << 4) | (c->mode << 1) | (c->bcd ? 1 : 0));
    c->status_latched = true;
}

static void write_control(i8254_t *pit, uint8_t v)
{
    unsigned n = v >> CW_CHANNEL_SHIFT;
    if (n == CW_READBACK) {
        for (int i = 0; i < I8254_CHANNELS; i++) {
            if (!(v & (2u << i)))
                continue;
            if (!(v & RB_NO_COUNT))
                latch_count(pit, &pit->ch[i]);
            if (!(v & RB_NO_STATUS))
                latch_status(pit, &pit->ch[i]);
        }
        return;
    }
    i8254_channel_t *c = &pit->ch[n];
    unsigned access = (v >> 4) & 3;
    if (access == 0) {                 /* counter latch command */
        latch_count(pit, c);
        return;
    }
    c->rw_mode = (uint8_t)access;
    c->read_state = c->write_state = (uint8_t)access;
    c->mode = (v >> 1) & 7;
    c->bcd = v & 1;
}

static void pit_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)size;
    i8254_t *pit = dev;
    uint8_t v = (uint8_t)value;
    if (offset == 3) {
        write_control(pit, v);
        return;
    }
    i8254_channel_t *c = &pit->ch[offset];
    switch (c->write_state) {
    case RW_MSB:
        load_count(pit, (int)offset, (uint32_t)v << 8);
        break;
    case RW_WORD0:
        c->write_latch = v;
        c->write_state = RW_WORD1;
        break;
    case RW_WORD1:
        c->write_state = RW_WORD0;
        load_count(pit, (int)offset, c->write_latch | ((uint32_t)v << 8));
        break;
    default:                           /* RW_LSB (and a channel never programmed) */
        load_count(pit, (int)offset, v);
        break;
    }
}

static uint32_t pit_read(void *dev, uint32_t offset, unsigned size)
{
    (void)size;
    i8254_t *pit = dev;
    if (offset == 3)
        return 0;                      /* the control word register cannot be read */
    i8254_channel_t *c = &pit->ch[offset];
    if (c->status_latched) {           /* a latched status is read before a latched count */
        c->status_latched = false;
        return c->status;
    }
    if (c->count_latched) {
        switch (c->count_latched) {
        case RW_MSB:
            c->count_latched = 0;
            return c->latched_count >> 8;
        case RW_WORD0:
            c->count_latched = RW_MSB;
            return c->latched_count & 0xFF;
        default:
            c->count_latched = 0;
            return c->latched_count & 0xFF;
        }
    }
    uint16_t count = counter_at(pit, c, vclock_now(pit->clock));
    switch (c->read_state) {
    case RW_MSB:
        return count >> 8;
    case RW_WORD0:
        c->read_state = RW_WORD1;
        return count & 0xFF;
    case RW_WORD1:
        c->read_state = RW_WORD0;
        return count >> 8;
    default:
        return count & 0xFF;
    }
}

const device_ops_t i8254_ops = { .read = pit_read, .write = pit_write };

/* ---- Port B (0x61) ------------------------------------------------------------------ */

static uint32_t portb_read(void *dev, uint32_t offset, unsigned size)
{
    (void)offset;
    (void)size;
    i8254_t *pit = dev;
    uint64_t now = vclock_now(pit->clock);
    uint64_t ns = vclock_muldiv(now, 1000000000u, pit->clock->hz);
    return (pit->ch[2].gate ? PORTB_GATE2 : 0) | (pit->speaker_data ? PORTB_SPEAKER : 0) |
           ((ns / REFRESH_NS) & 1 ? PORTB_REFRESH : 0) |
           (out_at(pit, &pit->ch[2], now) ? PORTB_OUT2 : 0);
}

static void portb_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)offset;
    (void)size;
    i8254_t *pit = dev;
    pit->speaker_data = value & PORTB_SPEAKER;
    i8254_set_gate(pit, 2, value & PORTB_GATE2);
}

const device_ops_t i8254_portb_ops = { .read = portb_read, .write = portb_write };

/* ---- Gates, queries, life cycle ----------------------------------------------------- */

void i8254_set_gate(i8254_t *pit, int channel, bool level)
{
    i8254_channel_t *c = &pit->ch[channel];
    unsigned mode = effective_mode(c);
    if (!c->gate && level && mode != 0 && mode != 4) {
        c->load_time = vclock_now(pit->clock);     /* a rising edge retriggers */
        if (channel == 0)
            channel0_update(pit, c->load_time);
    }
    c->gate = level;
}

bool i8254_out(const i8254_t *pit, int channel)
{
    return out_at(pit, &pit->ch[channel], vclock_now(pit->clock));
}

uint16_t i8254_count(const i8254_t *pit, int channel)
{
    return counter_at(pit, &pit->ch[channel], vclock_now(pit->clock));
}

void i8254_reset(i8254_t *pit)
{
    uint64_t now = vclock_now(pit->clock);
    for (int i = 0; i < I8254_CHANNELS; i++) {
        pit->ch[i] = (i8254_channel_t){ .mode = 3, .gate = i != 2, .count = 0x10000u,
                                        .load_time = now };
    }
    pit->speaker_data = false;
    /* As QEMU: the line is not driven now, only at channel 0's first transition. */
    uint64_t tick = next_transition_tick(pit, &pit->ch[0], now);
    pit->next_transition = time_of_tick(pit, &pit->ch[0], tick);
    vclock_timer_mod(&pit->timer, pit->next_transition);
}

void i8254_init(i8254_t *pit, vclock_t *clock, irq_line_t irq0)
{
    memset(pit, 0, sizeof(*pit));
    pit->clock = clock;
    pit->irq = irq0;
    vclock_timer_init(&pit->timer, clock, channel0_timer, pit);
    i8254_reset(pit);
}
