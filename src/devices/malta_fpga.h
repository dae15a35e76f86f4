/* The Malta board FPGA registers at physical 0x1F000000 (shared/reference/malta.md §3):
 * switches, status, LED bar, the 8-character ASCII display, software reset. The CBUS UART
 * sits in this window too but is its own device (the board maps it first). */
#ifndef KSEG_MALTA_FPGA_H
#define KSEG_MALTA_FPGA_H

#include <stdint.h>

#include "mmu/bus.h"

typedef struct malta_fpga {
    uint32_t leds;
    char display[9];          /* ASCII positions 0..7, NUL-terminated */
    uint32_t brkres, gpout, i2c_in, i2c_oe, i2c_out, i2c_sel;
    /* The board's handler for a software reset (0x42 written to SOFTRES). */
    void (*reset_request)(void *opaque);
    void *opaque;
} malta_fpga_t;

#define MALTA_FPGA_SIZE 0x100000u

extern const device_ops_t malta_fpga_ops;
void malta_fpga_reset(malta_fpga_t *f);

#endif
