#include "devices/malta_fpga.h"

#include <string.h>

#include "frontend/log.h"

enum {
    FPGA_SWITCH = 0x200, FPGA_STATUS = 0x208, FPGA_JMPRS = 0x210, FPGA_LEDBAR = 0x408,
    FPGA_ASCIIWORD = 0x410, FPGA_ASCIIPOS0 = 0x418, FPGA_ASCIIPOS7 = 0x450,
    FPGA_SOFTRES = 0x500, FPGA_BRKRES = 0x508, FPGA_GPOUT = 0xA00, FPGA_GPINP = 0xA08,
    FPGA_I2CINP = 0xB00, FPGA_I2COE = 0xB08, FPGA_I2COUT = 0xB10, FPGA_I2CSEL = 0xB18,
};
#define SOFTRES_RESET 0x42   /* GORESET */

static uint32_t fpga_read(void *dev, uint32_t offset, unsigned size)
{
    (void)size;
    malta_fpga_t *f = dev;
    switch (offset & ~3u) {
    case FPGA_SWITCH: return 0;
    case FPGA_STATUS: return 0x10;   /* little-endian board */
    case FPGA_JMPRS: return 0;       /* PCI clock 33 MHz for Linux's pci_clock_check */
    case FPGA_LEDBAR: return f->leds;
    case FPGA_BRKRES: return f->brkres;
    case FPGA_GPOUT: return f->gpout;
    case FPGA_GPINP: return f->i2c_sel ? f->gpout : 0;
    case FPGA_I2CINP: return f->i2c_in;
    case FPGA_I2COE: return f->i2c_oe;
    case FPGA_I2COUT: return f->i2c_out;
    case FPGA_I2CSEL: return f->i2c_sel;
    default:
        log_msg(LOG_GUEST_ERRORS, "guest error: read of unknown Malta FPGA register 0x%x\n", offset);
        return 0;
    }
}

static void fpga_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)size;
    malta_fpga_t *f = dev;
    uint32_t reg = offset & ~3u;
    if (reg >= FPGA_ASCIIPOS0 && reg <= FPGA_ASCIIPOS7 && (reg - FPGA_ASCIIPOS0) % 8 == 0) {
        f->display[(reg - FPGA_ASCIIPOS0) / 8] = (char)value;
        return;
    }
    switch (reg) {
    case FPGA_LEDBAR: f->leds = value & 0xFF; break;
    case FPGA_ASCIIWORD: {
        static const char hex[] = "0123456789ABCDEF";
        for (int i = 0; i < 8; i++)
            f->display[i] = hex[(value >> (28 - 4 * i)) & 0xF];
        break;
    }
    case FPGA_SOFTRES:
        if (value == SOFTRES_RESET && f->reset_request)
            f->reset_request(f->opaque);
        break;
    case FPGA_BRKRES: f->brkres = value; break;
    case FPGA_GPOUT: f->gpout = value; break;
    case FPGA_I2COE: f->i2c_oe = value; break;
    case FPGA_I2COUT: f->i2c_out = value; break;
    case FPGA_I2CSEL: f->i2c_sel = value; break;
    default:
        log_msg(LOG_GUEST_ERRORS, "guest error: write of 0x%x to unknown Malta FPGA register 0x%x\n",
                value, offset);
        break;
    }
}

const device_ops_t malta_fpga_ops = { .read = fpga_read, .write = fpga_write };

void malta_fpga_reset(malta_fpga_t *f)
{
    f->leds = 0;
    memset(f->display, ' ', 8);
    f->display[8] = 0;
    f->brkres = 0x0A;
    f->gpout = 0;
    f->i2c_in = 3;
    f->i2c_oe = 0;
    f->i2c_out = 3;
    f->i2c_sel = 1;
}
