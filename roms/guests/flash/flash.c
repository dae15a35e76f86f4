/* The flash test guest (issue 9): drives its flash (the hypervisor's "cfi-flash" device at
 * arch 0xBE000000) as a CFI chip and keeps a boot count there.
 *
 * Checks, each a "flash: PASS|FAIL NAME" line: the CFI query; a block erase (all ones);
 * word programs (0x40) and a buffered program (0xE8) that read back; the NOR rule (a
 * program turns 1 bits into 0 only); status mode (reads give SR.7, not the content, until
 * 0xFF). Then the count: the record in the flash's last block (gflash.h), printed as
 * "flash: boot count N" with N one more than it held (1 when it held none), written back
 * and read back. A guest reset (`reset N`) or a restart of the board with the same flash
 * file must show the next N. It ends with a summary and the FPGA's software reset.
 * The second-to-last block is scratch space for the checks. */
#include <stdbool.h>
#include <stdint.h>

#include "gcons.h"
#include "gflash.h"
#include "guest.h"

#define COUNT_MAGIC     0x544E4346u     /* "FCNT" */

void flash_main(void) __attribute__((noreturn));

static bool check(bool ok, const char *name, uint32_t *failed)
{
    gcons_puts(ok ? "flash: PASS " : "flash: FAIL ");
    gcons_puts(name);
    gcons_puts("\n");
    *failed += !ok;
    return ok;
}

static bool reads(const gflash_t *f, uint32_t offset, const uint32_t *w, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (*gflash_word(f, offset + 4 * i) != w[i])
            return false;
    return true;
}

static bool erased(const gflash_t *f, uint32_t offset)
{
    for (uint32_t i = 0; i < f->block_size; i += 4)
        if (*gflash_word(f, offset + i) != 0xFFFFFFFFu)
            return false;
    return true;
}

static void checks(const gflash_t *f, uint32_t *failed)
{
    static const uint32_t words[4] = { 0x12345678u, 0x9ABCDEF0u, 0x0F0F0F0Fu, 0 };
    static const uint32_t ones = 0xFFFFFFFFu;
    uint32_t scratch = f->size - 2 * f->block_size;
    check(gflash_erase(f, scratch) && erased(f, scratch), "erase", failed);
    check(gflash_program(f, scratch, words, 4, false) && reads(f, scratch, words, 4),
          "word-program", failed);
    check(gflash_program(f, scratch + f->buffer_size, words, 4, true) &&
          reads(f, scratch + f->buffer_size, words, 4), "buffer-program", failed);
    check(gflash_program(f, scratch, &ones, 1, false) && reads(f, scratch, words, 1),
          "nor-rule", failed);
    gflash_command(f, scratch, 0x70);
    uint32_t status = *gflash_word(f, scratch);
    gflash_command(f, scratch, 0xFF);
    check((status & 0xFFu) == GFLASH_SR_READY && reads(f, scratch, words, 1), "status-mode",
          failed);
}

void flash_main(void)
{
    uint32_t failed = 0;
    gflash_t f;
    if (check(gflash_probe(&f, GFLASH_REAL), "query", &failed)) {
        gcons_puts("flash: ");
        gcons_dec(f.size >> 10);
        gcons_puts(" KiB in ");
        gcons_dec(f.blocks);
        gcons_puts(" blocks of ");
        gcons_dec(f.block_size >> 10);
        gcons_puts(" KiB, a write buffer of ");
        gcons_dec(f.buffer_size);
        gcons_puts(" bytes\n");
        checks(&f, &failed);
        uint32_t record = f.size - f.block_size;
        uint32_t count = gflash_counter_read(&f, record, COUNT_MAGIC) + 1;
        gcons_puts("flash: boot count ");
        gcons_dec(count);
        gcons_puts("\n");
        check(gflash_counter_write(&f, record, COUNT_MAGIC, count), "count-stored", &failed);
    }
    if (failed) {
        gcons_puts("flash: ");
        gcons_dec(failed);
        gcons_puts(" checks failed\n");
    } else {
        gcons_puts("flash: all checks passed\n");
    }
    *FPGA_SOFTRES = SOFTRES_GORESET;
    for (;;)
        ;
}
