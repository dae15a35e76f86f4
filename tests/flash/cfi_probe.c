/* "cfi_probe": what a driver sees of the boot flash, printed so that kseg's output can be
 * compared with QEMU's (flash-cfi-same-as-qemu). Only what QEMU's pflash_cfi01 models is
 * here: the query table and the identifier codes at the 4-byte stride, status reads of
 * each width, read array, an erase, a word program and a buffered program on erased flash,
 * an unknown command. (Lock bits, error bits and program-only-clears-bits are kseg's own;
 * the unit tests cover them.) */
#include <stdint.h>
#include "uart.h"

#define FLASH       0xBE000000u
#define BLOCK       0x200000u          /* a block far from this image, at 2 MiB */

static volatile uint32_t *w32(uint32_t offset) { return (volatile uint32_t *)(FLASH + offset); }
static volatile uint16_t *w16(uint32_t offset) { return (volatile uint16_t *)(FLASH + offset); }
static volatile uint8_t *w8(uint32_t offset) { return (volatile uint8_t *)(FLASH + offset); }

static void dump_words(const char *label, uint32_t offset, unsigned n)
{
    uart_puts(label);
    for (unsigned i = 0; i < n; i++) {
        uart_putc(' ');
        uart_puthex(*w32(offset + 4 * i));
    }
    uart_putc('\n');
}

int main(void)
{
    uart_puts("cfi_probe\n");
    *w32(0) = 0xFF;
    *w32(0x55 * 4) = 0x98;
    uart_puts("query (32-bit reads):\n");
    for (unsigned row = 0; row < 64; row += 8) {
        uart_puts("  ");
        uart_puthex(row);
        uart_putc(':');
        for (unsigned i = row; i < row + 8; i++) {
            uart_putc(' ');
            uart_puthex(*w32(4 * i));
        }
        uart_putc('\n');
    }
    uart_put_labeled_hex("query 0x10, 16-bit read: ", *w16(0x40));
    uart_put_labeled_hex("query 0x11, 8-bit read: ", *w8(0x44));
    uart_put_labeled_hex("query 0x10 again at +0x100: ", *w32(0x140));
    *w32(0) = 0xFF;

    *w32(0) = 0x90;
    dump_words("identifier 0-3:", 0, 4);
    dump_words("identifier 0-3 of the block at 2 MiB:", BLOCK, 4);
    *w32(0) = 0xFF;

    *w32(BLOCK) = 0x70;
    uart_put_labeled_hex("status, 32-bit read: ", *w32(BLOCK));
    uart_put_labeled_hex("status, 16-bit read: ", *w16(BLOCK + 2));
    uart_put_labeled_hex("status, 8-bit read: ", *w8(BLOCK + 1));
    *w32(BLOCK) = 0xFF;

    *w32(BLOCK) = 0x20;
    *w32(BLOCK) = 0xD0;
    uart_put_labeled_hex("after erase, status: ", *w32(BLOCK));
    *w32(BLOCK) = 0xFF;
    dump_words("erased:", BLOCK + 0x1230, 4);

    *w32(BLOCK + 0x100) = 0x40;
    *w32(BLOCK + 0x100) = 0xC0FFEE01;
    uart_put_labeled_hex("after word program, status: ", *w32(BLOCK));
    *w32(BLOCK) = 0x10;
    *w16(BLOCK + 0x106) = 0xBEEF;
    *w32(BLOCK) = 0xFF;
    dump_words("programmed:", BLOCK + 0x100, 2);

    /* Commands at the buffer's own address, as Linux writes them: QEMU 7.2 takes the
     * buffer's window from where the count is written (later QEMUs from the first data). */
    *w32(BLOCK + 0x800) = 0xE8;
    uart_put_labeled_hex("write to buffer, status: ", *w32(BLOCK));
    *w32(BLOCK + 0x800) = 3;
    for (uint32_t i = 0; i < 4; i++)
        *w32(BLOCK + 0x800 + 4 * i) = 0xB0000000u + i;
    *w32(BLOCK + 0x800) = 0xD0;
    uart_put_labeled_hex("after buffered program, status: ", *w32(BLOCK));
    *w32(BLOCK) = 0xFF;
    dump_words("buffer programmed:", BLOCK + 0x800, 5);

    *w32(BLOCK) = 0x70;
    *w32(BLOCK) = 0x42;                /* not a command: back to read array */
    dump_words("after an unknown command:", BLOCK + 0x800, 1);
    *w32(BLOCK) = 0xF0;                /* AMD's reset: read array too */
    dump_words("after 0xF0:", BLOCK + 0x100, 1);
    uart_puts("cfi_probe: done\n");
    return 0;
}
