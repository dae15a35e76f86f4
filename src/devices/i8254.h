/* The PIIX4's 8254 programmable interval timer, on virtual time: three channels at
 * 1.193182 MHz, channel 0's output on ISA IRQ 0, channel 2's gate and output behind port
 * 0x61 (the PC "port B": speaker gate and data, refresh toggle). The board maps the
 * counters and control word (4 ports, ISA 0x40) and port B (1 port, 0x61). */
#ifndef KSEG_I8254_H
#define KSEG_I8254_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"
#include "devices/vclock.h"
#include "mmu/bus.h"

#define I8254_PORTS    4
#define I8254_PORTB_PORTS 1
#define I8254_HZ       1193182u      /* 14.31818 MHz / 12 */
#define I8254_CHANNELS 3

typedef struct i8254_channel {
    uint32_t count;              /* the count loaded, 1..0x10000 (a written 0 is 0x10000) */
    uint64_t load_time;          /* virtual time of the load: counting starts there */
    uint16_t latched_count;
    uint8_t count_latched;       /* access mode of a latched count not yet read; 0: none */
    bool status_latched;
    uint8_t status;
    uint8_t rw_mode;             /* 1 LSB, 2 MSB, 3 LSB then MSB */
    uint8_t read_state, write_state;
    uint8_t write_latch;         /* the LSB written, waiting for the MSB */
    uint8_t mode;                /* as written (0-7; 6 and 7 act as 2 and 3) */
    bool bcd;                    /* stored and reported; counting is binary, as on QEMU */
    bool gate;
} i8254_channel_t;

typedef struct i8254 {
    i8254_channel_t ch[I8254_CHANNELS];
    vclock_t *clock;
    vclock_timer_t timer;        /* channel 0's next output transition */
    uint64_t next_transition;    /* when that timer is due (kept past its firing) */
    irq_line_t irq;              /* channel 0 OUT */
    bool speaker_data;           /* port B bit 1 */
} i8254_t;

extern const device_ops_t i8254_ops, i8254_portb_ops;

void i8254_init(i8254_t *pit, vclock_t *clock, irq_line_t irq0);
/* Every channel in mode 3 with count 0x10000, gates 0 and 1 high (QEMU's reset): channel 0
 * runs at 18.2 Hz until the guest programs it. */
void i8254_reset(i8254_t *pit);

/* Channel gate input (channel 2's is port B bit 0). */
void i8254_set_gate(i8254_t *pit, int channel, bool level);
/* Output level of a channel now, without side effects. */
bool i8254_out(const i8254_t *pit, int channel);
/* The counter value as a read (without latch) would show it now, without side effects. */
uint16_t i8254_count(const i8254_t *pit, int channel);

#endif
