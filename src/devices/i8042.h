/* The 8042 keyboard controller of the Malta's SuperIO (QEMU's "i8042"), with a PS/2 AT
 * keyboard on its first port and a PS/2 mouse on its auxiliary port: data at ISA 0x60,
 * status/command at 0x64, interrupts on ISA IRQ 1 (keyboard) and 12 (mouse).
 *
 * Enough for Linux's i8042, atkbd and psmouse drivers to find the controller, an AT
 * keyboard and a mouse as they do on QEMU; no host input reaches them yet. */
#ifndef KSEG_I8042_H
#define KSEG_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"
#include "mmu/bus.h"

#define I8042_PORTS 1             /* the data and the command port are one port each */
#define PS2_QUEUE_SIZE 16

typedef struct ps2_queue {
    uint8_t data[PS2_QUEUE_SIZE];
    unsigned head, count;
} ps2_queue_t;

typedef struct ps2_kbd {
    ps2_queue_t q;
    int write_cmd;                /* a command waiting for its parameter byte; -1: none */
    bool scan_enabled;
    bool translate;               /* the controller translates to set 1 (CTR bit 6) */
    uint8_t scancode_set;
    uint8_t leds;
} ps2_kbd_t;

typedef struct ps2_mouse {
    ps2_queue_t q;
    int write_cmd;
    uint8_t status;               /* remote mode, enabled, 2:1 scaling */
    uint8_t resolution, sample_rate;
    bool wrap;
    uint8_t type;                 /* 0 PS/2, 3 IntelliMouse, 4 IntelliMouse Explorer */
    uint8_t detect_state;         /* progress through the 200/100/80 sample-rate knock */
} ps2_mouse_t;

typedef struct i8042 {
    uint8_t status;               /* the status register (port 0x64 read) */
    uint8_t mode;                 /* the controller command byte (CTR) */
    uint8_t outport;
    uint8_t write_cmd;            /* a command waiting for its data byte on 0x60; 0: none */
    uint8_t obdata;               /* the output buffer: what 0x60 reads */
    uint8_t cbdata;               /* a controller reply waiting for the output buffer */
    bool cb_pending, cb_aux;      /* ... and whether it shows as auxiliary data */
    ps2_kbd_t kbd;
    ps2_mouse_t mouse;
    irq_line_t irq_kbd, irq_mouse;
    /* Called for a pulse of output port bit 0 (command 0xFE), the PC's CPU reset; QEMU
     * resets the machine. NULL: ignored. */
    void (*reset_request)(void *opaque);
    void *opaque;
} i8042_t;

extern const device_ops_t i8042_data_ops, i8042_cmd_ops;

void i8042_init(i8042_t *k, irq_line_t irq_kbd, irq_line_t irq_mouse);
void i8042_reset(i8042_t *k);

#endif
