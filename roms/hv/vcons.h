/* Guests' virtual consoles on the board's one serial port (design note: vcons.c). */
#ifndef HV_VCONS_H
#define HV_VCONS_H

#include <stdbool.h>
#include <stdint.h>

#include "vuart.h"

#define VCONS_MAX       4u              /* = VSCHED_MAX_VCPUS: one per guest id */
#define VCONS_LINE_MAX  200             /* a line of a detached guest's output */
#define VCONS_NONE      (-1)
#define VCONS_ESCAPE    0x1D            /* Ctrl-]: back to the management terminal */

/* Guest `id` (named `name`, "gN") has a fresh virtual 16550 and no output pending. */
void vcons_reset(uint32_t id, const char *name);
/* The guest's access to its 16550's register `reg` (vcpu.c's MMIO, exception context). */
uint8_t vcons_read(uint32_t id, unsigned reg);
void vcons_write(uint32_t id, unsigned reg, uint8_t value);
/* The guest's UART interrupt line (its virtual IP2). */
bool vcons_irq(uint32_t id);
/* The guest's unfinished output line, printed now (it exits or is stopped). */
void vcons_flush(uint32_t id);
/* The board console's keys go to guest `id` and its output is shown raw, until
 * vcons_detach; false when id has no console. */
bool vcons_attach(uint32_t id);
void vcons_detach(void);
int vcons_attached(void);                 /* VCONS_NONE or the guest id */
/* A key typed while a guest is attached: to its 16550's receiver. */
void vcons_input(uint8_t c);

#endif
