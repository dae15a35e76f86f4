/* "flash_stress": endless erase and program traffic on the boot flash, for the SIGKILL test
 * (flash.py sigkill), which kills kseg at random moments and checks the -pflash file.
 *
 * Generation g rewrites block FIRST_BLOCK + g % BLOCKS: erase it, then program every word
 * in address order, all but the last 2 KiB with buffered programs (0xE8, 2 KiB at a time),
 * the last 2 KiB with single-word programs (0x40). Word i of generation g in block
 * b is pattern(g, b, i), never 0xFFFFFFFF, and word 0 is g itself. So at any moment a block
 * holds a prefix of one generation's words and erased words after it; a torn erase or
 * program would show as something else (data after an erased word, words of two
 * generations). After each generation the program prints "gen N": by then the file
 * must hold it. At start it finds the newest generation in the flash and goes on from the
 * next, so the checker also sees that what was written survived the restart.
 *
 * When the word at MODE_OFFSET (which the test sets in the file before starting kseg) is 1,
 * a generation is only the erase and word 0: nearly all the time then goes into storing
 * 64 KiB erases, the moments a kill is most likely to tear a block. */
#include <stdbool.h>
#include <stdint.h>
#include "uart.h"

#define FLASH          0xBE000000u     /* kseg1: uncached */
#define BLOCK_SIZE     0x10000u
#define FIRST_BLOCK    32u
#define BLOCKS         8u
#define BUFFER         2048u
#define WORDS          (BLOCK_SIZE / 4)
#define MODE_OFFSET    0x280000u       /* block 40 */

static volatile uint32_t *word_at(uint32_t offset)
{
    return (volatile uint32_t *)(FLASH + offset);
}

static uint32_t pattern(uint32_t g, uint32_t b, uint32_t i)
{
    if (i == 0)
        return g;
    uint32_t v = (g * 0x9E3779B1u) ^ (b << 24) ^ (i * 0x85EBCA77u);
    return v == 0xFFFFFFFFu ? 0x12345678u : v;
}

/* Waits for SR.7, then stops on any error bit: a test guest has nobody to report to but
 * the console. */
static void wait_ok(uint32_t offset, const char *what)
{
    uint32_t sr;
    do
        sr = *word_at(offset) & 0xFF;
    while (!(sr & 0x80));
    if (sr & 0x3A) {
        uart_puts(what);
        uart_put_labeled_hex(" failed, status ", sr);
        for (;;)
            ;
    }
}

static void erase(uint32_t block)
{
    uint32_t base = block * BLOCK_SIZE;
    *word_at(base) = 0x50;
    *word_at(base) = 0x20;
    *word_at(base) = 0xD0;
    wait_ok(base, "erase");
}

static void program_buffer(uint32_t g, uint32_t block, uint32_t first_word)
{
    uint32_t base = block * BLOCK_SIZE;
    *word_at(base) = 0xE8;
    wait_ok(base, "write to buffer");
    *word_at(base) = BUFFER / 4 - 1;
    for (uint32_t i = first_word; i < first_word + BUFFER / 4; i++)
        *word_at(base + 4 * i) = pattern(g, block, i);
    *word_at(base) = 0xD0;
    wait_ok(base, "buffered program");
}

static void program_word(uint32_t g, uint32_t block, uint32_t i)
{
    uint32_t base = block * BLOCK_SIZE;
    *word_at(base + 4 * i) = 0x40;
    *word_at(base + 4 * i) = pattern(g, block, i);
    wait_ok(base, "word program");
}

int main(void)
{
    uint32_t newest = 0;
    *word_at(0) = 0xFF;
    for (uint32_t b = FIRST_BLOCK; b < FIRST_BLOCK + BLOCKS; b++) {
        uint32_t g = *word_at(b * BLOCK_SIZE);
        if (g != 0xFFFFFFFFu && g > newest)
            newest = g;
    }
    bool erase_only = *word_at(MODE_OFFSET) == 1;
    uart_puts(erase_only ? "flash_stress: erases\n" : "flash_stress: whole blocks\n");
    uart_put_labeled_dec("flash_stress: newest generation in the flash ", newest);
    for (uint32_t g = newest + 1;; g++) {
        uint32_t block = FIRST_BLOCK + g % BLOCKS;
        erase(block);
        if (erase_only) {
            program_word(g, block, 0);
            uart_put_labeled_dec("gen ", g);
            continue;
        }
        for (uint32_t i = 0; i < WORDS - BUFFER / 4; i += BUFFER / 4)
            program_buffer(g, block, i);
        for (uint32_t i = WORDS - BUFFER / 4; i < WORDS; i++)
            program_word(g, block, i);
        *word_at(0) = 0xFF;
        uart_put_labeled_dec("gen ", g);
    }
}
