/* The PIIX4's two cascaded 8259A interrupt controllers: ISA IRQs 0-15 in, one INTR out
 * (on the Malta, CPU hardware interrupt 0 = Cause.IP2). The slave's output drives the
 * master's IR2. The board maps three port ranges: master (2 ports, ISA 0x20), slave
 * (2 ports, 0xA0) and the PIIX4's edge/level control registers (2 ports, 0x4D0).
 *
 * The CPU side of an interrupt acknowledge (INTA) cycle is i8259_acknowledge(): on the
 * Malta the GT-64120 runs one when software reads its PCI0_IACK register. */
#ifndef KSEG_I8259_H
#define KSEG_I8259_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"
#include "mmu/bus.h"

#define I8259_PORTS      2       /* command/status at +0, data (mask) at +1 */
#define I8259_ELCR_PORTS 2       /* master's ELCR at +0, slave's at +1 */
#define I8259_IRQS       16
#define I8259_CASCADE_IR 2       /* the master input the slave drives */

typedef struct i8259_chip {
    uint8_t irr;                 /* interrupt request register */
    uint8_t isr;                 /* in-service register */
    uint8_t imr;                 /* interrupt mask register (OCW1) */
    uint8_t last_level;          /* input levels last seen, for edge detection */
    uint8_t elcr, elcr_mask;     /* PIIX4 edge/level control: 1 = level-triggered */
    uint8_t priority_add;        /* rotation: IR(priority_add) has the highest priority */
    uint8_t irq_base;            /* ICW2: vector of IR0 */
    uint8_t init_state;          /* 0: operating; 1, 2, 3: ICW2, ICW3, ICW4 expected next */
    bool init4, single_mode, ltim;   /* ICW1: ICW4 follows, no cascade, level-triggered */
    bool auto_eoi, sfnm;         /* ICW4: automatic EOI, special fully nested mode */
    bool rotate_on_auto_eoi;     /* OCW2 */
    bool special_mask, poll, read_isr;   /* OCW3 */
    bool master;
} i8259_chip_t;

typedef struct i8259 {
    i8259_chip_t chip[2];        /* [0] master, [1] slave */
    irq_line_t intr;             /* the master's INT output */
} i8259_t;

/* Port ranges; the device is the i8259_t in each case. */
extern const device_ops_t i8259_master_ops, i8259_slave_ops, i8259_elcr_ops;

void i8259_init(i8259_t *p, irq_line_t intr);
/* Power-on/board reset: as after ICW1 with all masks clear, and ELCR cleared (QEMU). */
void i8259_reset(i8259_t *p);

/* The input for ISA IRQ n (0-15), for the board to hand to devices. (IRQ 2 is the cascade
 * and not an input of its own.) */
irq_line_t i8259_irq_line(i8259_t *p, int n);
void i8259_set_irq(i8259_t *p, int n, bool level);

/* An interrupt-acknowledge cycle: returns the vector of the highest-priority pending
 * request and moves it from IRR to ISR (on both chips for a slave IRQ). With nothing
 * pending the answer is the spurious IR7 of the chip concerned (vector base + 7), and no
 * ISR bit is set on that chip. */
uint8_t i8259_acknowledge(i8259_t *p);

/* The INT output level, without side effects (tests, debugger). */
bool i8259_output(const i8259_t *p);

#endif
