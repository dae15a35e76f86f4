/* The boot flash: the Intel/Sharp command state machine and the CFI query table
 * (src/devices/cfi_flash.c), its backing file (src/frontend/flash_file.c), and how the
 * board wires them: the read-array fast path through the software TLB, command mode through
 * the callbacks, decoded code dropped when the flash changes under it.
 *
 * Expected values: QEMU's hw/block/pflash_cfi01.c as the Malta uses it (bank width 4,
 * device width unset, 64 KiB blocks; shared/reference/malta.md §2) where QEMU models the
 * behaviour, Intel's StrataFlash/P30 datasheets where it does not (lock bits, error bits,
 * programming only clearing bits). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "devices/cfi_flash.h"
#include "devices/malta.h"
#include "frontend/flash_file.h"
#include "unit.h"

#define SIZE   0x400000u
#define BLOCK  0x10000u

typedef struct fixture {
    cfi_flash_t chip;
    uint8_t *array;
    int mode_calls;
    bool readable;                 /* what array_mode last said */
    int changes;
    uint32_t changed_offset, changed_len;
    bool store_fails;
} fixture_t;

static void hook_array_mode(void *opaque, bool readable)
{
    fixture_t *fx = opaque;
    fx->mode_calls++;
    fx->readable = readable;
}

static bool hook_changed(void *opaque, uint32_t offset, uint32_t len)
{
    fixture_t *fx = opaque;
    fx->changes++;
    fx->changed_offset = offset;
    fx->changed_len = len;
    return !fx->store_fails;
}

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof(*fx));
    fx->array = malloc(SIZE);
    for (uint32_t i = 0; i < SIZE; i++)
        fx->array[i] = (uint8_t)(i * 7 + (i >> 8));
    cfi_flash_init(&fx->chip, fx->array, SIZE, BLOCK,
                   (cfi_flash_hooks_t){ hook_array_mode, hook_changed, fx });
    fx->readable = true;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    free(fx->array);
    free(fx);
    return 0;
}

static uint32_t rd(fixture_t *fx, uint32_t offset, unsigned size)
{
    return cfi_flash_ops.read(&fx->chip, offset, size);
}

static void wr(fixture_t *fx, uint32_t offset, uint32_t value, unsigned size)
{
    cfi_flash_ops.write(&fx->chip, offset, value, size);
}

static uint32_t status(fixture_t *fx)
{
    wr(fx, 0, 0x70, 4);
    return rd(fx, 0, 1);
}

static uint32_t array_word(fixture_t *fx, uint32_t offset)
{
    uint32_t v;
    memcpy(&v, fx->array + offset, 4);
    return v;
}

/* ---- Query and identifier -------------------------------------------------------------- */

static void test_query_table(void **state)
{
    fixture_t *fx = *state;
    /* QEMU's table for 4 MiB in 64 KiB blocks, bank width 4, device width unset. */
    static const struct { uint8_t index, value; } expected[] = {
        { 0x10, 'Q' }, { 0x11, 'R' }, { 0x12, 'Y' }, { 0x13, 0x01 }, { 0x14, 0x00 },
        { 0x15, 0x31 }, { 0x16, 0x00 }, { 0x17, 0 }, { 0x18, 0 }, { 0x19, 0 }, { 0x1A, 0 },
        { 0x1B, 0x45 }, { 0x1C, 0x55 }, { 0x1D, 0 }, { 0x1E, 0 }, { 0x1F, 0x07 },
        { 0x20, 0x07 }, { 0x21, 0x0A }, { 0x22, 0x00 }, { 0x23, 0x04 }, { 0x24, 0x04 },
        { 0x25, 0x04 }, { 0x26, 0x00 }, { 0x27, 22 }, { 0x28, 0x02 }, { 0x29, 0x00 },
        { 0x2A, 0x0B }, { 0x2B, 0x00 }, { 0x2C, 0x01 }, { 0x2D, 63 }, { 0x2E, 0 },
        { 0x2F, 0x00 }, { 0x30, 0x01 }, { 0x31, 'P' }, { 0x32, 'R' }, { 0x33, 'I' },
        { 0x34, '1' }, { 0x35, '0' }, { 0x36, 0 }, { 0x39, 0 }, { 0x3A, 0 }, { 0x3F, 0x01 },
        { 0x00, 0 }, { 0x0F, 0 },
    };
    wr(fx, 0x55 * 4, 0x98, 4);
    assert_false(fx->readable);
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        uint32_t off = expected[i].index * 4u;
        /* One byte at a 4-byte stride, not replicated, whatever the access width. */
        assert_int_equal(rd(fx, off, 4), expected[i].value);
        assert_int_equal(rd(fx, off, 2), expected[i].value);
        assert_int_equal(rd(fx, off, 1), expected[i].value);
    }
    /* Only the low 8 address bits select: any block, any 256-byte page. */
    assert_int_equal(rd(fx, 0x3F0140, 4), 'Q');
    /* A second query command is still query mode; read array leaves it. */
    wr(fx, 0x555 * 4, 0x98, 4);
    assert_int_equal(rd(fx, 0x44, 4), 'R');
    wr(fx, 0, 0xFF, 4);
    assert_true(fx->readable);
    assert_int_equal(rd(fx, 0x44, 4), array_word(fx, 0x44));
}

static void test_identifier(void **state)
{
    fixture_t *fx = *state;
    wr(fx, 0x555 * 4, 0x90, 4);
    assert_false(fx->readable);
    assert_int_equal(rd(fx, 0, 4), 0);            /* manufacturer: QEMU's Malta says 0 */
    assert_int_equal(rd(fx, 4, 4), 0);            /* device */
    assert_int_equal(rd(fx, 3 * BLOCK + 8, 4), 0);   /* block 3: not locked */
    wr(fx, 3 * BLOCK, 0x60, 4);
    wr(fx, 3 * BLOCK, 0x01, 4);
    wr(fx, 0, 0x90, 4);
    assert_int_equal(rd(fx, 3 * BLOCK + 8, 4), 1);
    assert_int_equal(rd(fx, 3 * BLOCK + 8, 1), 1);
    assert_int_equal(rd(fx, 4 * BLOCK + 8, 4), 0);
    assert_int_equal(rd(fx, 3 * BLOCK + 12, 4), 0);   /* other indices read 0 */
    wr(fx, 0, 0xF0, 4);                           /* the AMD reset also leaves it */
    assert_true(fx->readable);
}

/* ---- Status, modes ---------------------------------------------------------------------- */

static void test_status_reads_and_modes(void **state)
{
    fixture_t *fx = *state;
    assert_int_equal(rd(fx, 0x100, 4), array_word(fx, 0x100));
    wr(fx, 0x100, 0x70, 4);
    assert_false(fx->readable);
    assert_int_equal(fx->mode_calls, 1);
    assert_int_equal(rd(fx, 0x100, 4), 0x00800080);    /* status | status << 16 */
    assert_int_equal(rd(fx, 0x2000, 2), 0x80);
    assert_int_equal(rd(fx, 0x3, 1), 0x80);
    wr(fx, 0x100, 0x00, 4);                        /* QEMU's read-array command */
    assert_true(fx->readable);
    assert_int_equal(fx->mode_calls, 2);
    /* Staying in a mode does not call the hook again. */
    wr(fx, 0, 0xFF, 4);
    assert_int_equal(fx->mode_calls, 2);
    /* Suspend and resume: nothing is ever in progress; status, and SR.6/SR.2 stay clear. */
    wr(fx, 0, 0xB0, 4);
    assert_int_equal(rd(fx, 0, 1), 0x80);
    wr(fx, 0, 0xD0, 4);
    assert_int_equal(rd(fx, 0, 1), 0x80);
    /* An unknown command is read array again (as QEMU). */
    wr(fx, 0, 0x77, 4);
    assert_true(fx->readable);
    assert_int_equal(rd(fx, 0, 4), array_word(fx, 0));
    /* So are the AMD unlock cycles Linux's probe writes. */
    wr(fx, 0, 0x90, 4);
    wr(fx, 0x555 * 4, 0xAA, 4);
    assert_true(fx->readable);
}

/* ---- Program and erase -------------------------------------------------------------------- */

static void test_word_program(void **state)
{
    fixture_t *fx = *state;
    memset(fx->array + 0x20000, 0xFF, 16);
    wr(fx, 0x20000, 0x40, 4);
    assert_false(fx->readable);
    assert_int_equal(rd(fx, 0x20000, 4), 0x00800080);   /* program setup: reads status */
    wr(fx, 0x20000, 0x12345678, 4);
    assert_int_equal(array_word(fx, 0x20000), 0x12345678);
    assert_int_equal(fx->changes, 1);
    assert_int_equal(fx->changed_offset, 0x20000);
    assert_int_equal(fx->changed_len, 4);
    assert_int_equal(rd(fx, 0x20000, 4), 0x00800080);   /* then read status */
    /* Programming only clears bits: 0x12345678 & 0xFFFF00FF. */
    wr(fx, 0x20000, 0x10, 4);
    wr(fx, 0x20000, 0xFFFF00FF, 4);
    assert_int_equal(array_word(fx, 0x20000), 0x12340078);
    /* A byte and a halfword, little-endian. */
    wr(fx, 0x20005, 0x40, 1);
    wr(fx, 0x20005, 0xA5, 1);
    wr(fx, 0x20006, 0x40, 2);
    wr(fx, 0x20006, 0x1234, 2);
    assert_int_equal(array_word(fx, 0x20004), 0x1234A5FF);
    assert_int_equal(fx->changed_offset, 0x20006);
    assert_int_equal(fx->changed_len, 2);
    assert_int_equal(status(fx), 0x80);
    wr(fx, 0, 0xFF, 4);
    assert_int_equal(rd(fx, 0x20004, 4), 0x1234A5FF);
}

static void test_block_erase(void **state)
{
    fixture_t *fx = *state;
    uint8_t before_next = fx->array[3 * BLOCK];
    wr(fx, 2 * BLOCK + 0x1234, 0x20, 4);
    wr(fx, 2 * BLOCK + 0x10, 0xD0, 4);
    assert_int_equal(fx->changes, 1);
    assert_int_equal(fx->changed_offset, 2 * BLOCK);
    assert_int_equal(fx->changed_len, BLOCK);
    for (uint32_t i = 0; i < BLOCK; i++)
        if (fx->array[2 * BLOCK + i] != 0xFF)
            fail_msg("byte 0x%x of the block not erased", i);
    assert_int_equal(fx->array[3 * BLOCK], before_next);
    assert_int_equal(fx->array[2 * BLOCK - 1], (uint8_t)((2 * BLOCK - 1) * 7 + ((2 * BLOCK - 1) >> 8)));
    assert_int_equal(rd(fx, 0, 4), 0x00800080);
    /* 0x28 is the alternative erase setup. */
    wr(fx, 5 * BLOCK, 0x28, 2);
    wr(fx, 5 * BLOCK, 0xD0, 2);
    assert_int_equal(fx->array[5 * BLOCK + 77], 0xFF);
    /* Anything but 0xD0 after the setup: command sequence error, nothing erased. */
    uint8_t keep = fx->array[6 * BLOCK];
    wr(fx, 6 * BLOCK, 0x20, 4);
    wr(fx, 6 * BLOCK, 0xFF, 4);
    assert_false(fx->readable);                    /* status, not read array */
    assert_int_equal(rd(fx, 0, 1), 0x80 | CFI_SR_SEQUENCE_ERROR);
    assert_int_equal(fx->array[6 * BLOCK], keep);
    /* Errors stay until Clear Status, which returns to read array (as QEMU). */
    assert_int_equal(status(fx), 0xB0);
    wr(fx, 0, 0x50, 4);
    assert_true(fx->readable);
    assert_int_equal(status(fx), 0x80);
}

static void test_buffered_program(void **state)
{
    fixture_t *fx = *state;
    memset(fx->array + 7 * BLOCK, 0xFF, BLOCK);
    /* Linux's way: 32-bit words, count - 1 = 3. */
    wr(fx, 7 * BLOCK + 0x800, 0xE8, 4);
    assert_false(fx->readable);
    assert_int_equal(rd(fx, 7 * BLOCK, 4) & 0x80, 0x80);    /* a buffer is free */
    wr(fx, 7 * BLOCK + 0x800, 3, 4);
    for (uint32_t i = 0; i < 4; i++)
        wr(fx, 7 * BLOCK + 0x810 + 4 * i, 0xA0000000u + i, 4);
    assert_int_equal(fx->changes, 0);              /* nothing until the confirm */
    assert_int_equal(array_word(fx, 7 * BLOCK + 0x810), 0xFFFFFFFF);
    wr(fx, 7 * BLOCK + 0x800, 0xD0, 4);
    assert_int_equal(fx->changes, 1);
    assert_int_equal(fx->changed_offset, 7 * BLOCK + 0x810);
    assert_int_equal(fx->changed_len, 16);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(array_word(fx, 7 * BLOCK + 0x810 + 4 * i), 0xA0000000u + i);
    assert_int_equal(status(fx), 0x80);

    /* U-Boot's way: 16-bit writes, a whole 2 KiB buffer = 1024 writes. */
    wr(fx, 7 * BLOCK, 0xE8, 2);
    wr(fx, 7 * BLOCK, 1023, 2);
    for (uint32_t i = 0; i < 1024; i++)
        wr(fx, 7 * BLOCK + 0x1000 + 2 * i, i, 2);
    wr(fx, 7 * BLOCK, 0xD0, 2);
    assert_int_equal(fx->changed_len, CFI_FLASH_BUFFER_SIZE);
    assert_int_equal(array_word(fx, 7 * BLOCK + 0x1000 + 4 * 100), 0x00C900C8);
    assert_int_equal(status(fx), 0x80);
}

static void test_buffered_program_errors(void **state)
{
    fixture_t *fx = *state;
    memset(fx->array + 8 * BLOCK, 0xFF, 2 * BLOCK);
    /* Data crossing out of the aligned 2 KiB window: nothing programmed, SR.4|SR.5. */
    wr(fx, 8 * BLOCK, 0xE8, 4);
    wr(fx, 8 * BLOCK, 1, 4);
    wr(fx, 8 * BLOCK + 0x7FC, 0x11111111, 4);
    wr(fx, 8 * BLOCK + 0x800, 0x22222222, 4);
    wr(fx, 8 * BLOCK, 0xD0, 4);
    assert_int_equal(fx->changes, 0);
    assert_int_equal(array_word(fx, 8 * BLOCK + 0x7FC), 0xFFFFFFFF);
    assert_int_equal(rd(fx, 0, 1), 0x80 | CFI_SR_SEQUENCE_ERROR);
    wr(fx, 0, 0x50, 4);
    /* A count larger than the buffer: error at once, back to status; the next write is a
     * command again. */
    wr(fx, 8 * BLOCK, 0xE8, 4);
    wr(fx, 8 * BLOCK, CFI_FLASH_BUFFER_SIZE, 4);
    assert_int_equal(rd(fx, 0, 1), 0x80 | CFI_SR_SEQUENCE_ERROR);
    wr(fx, 0, 0xFF, 4);
    assert_true(fx->readable);
    wr(fx, 0, 0x50, 4);
    /* A confirm that is not 0xD0. */
    wr(fx, 8 * BLOCK, 0xE8, 4);
    wr(fx, 8 * BLOCK, 0, 4);
    wr(fx, 8 * BLOCK + 0x40, 0x33333333, 4);
    wr(fx, 8 * BLOCK, 0xFF, 4);
    assert_int_equal(fx->changes, 0);
    assert_int_equal(rd(fx, 0, 1), 0x80 | CFI_SR_SEQUENCE_ERROR);
    wr(fx, 0, 0x50, 4);
    /* Data in another block than the one 0xE8 was written to. */
    wr(fx, 8 * BLOCK, 0xE8, 4);
    wr(fx, 8 * BLOCK, 0, 4);
    wr(fx, 9 * BLOCK + 0x40, 0x44444444, 4);
    wr(fx, 8 * BLOCK, 0xD0, 4);
    assert_int_equal(fx->changes, 0);
    assert_int_equal(array_word(fx, 9 * BLOCK + 0x40), 0xFFFFFFFF);
    assert_int_equal(status(fx), 0x80 | CFI_SR_SEQUENCE_ERROR);
}

/* ---- Locks, write protection, failed stores --------------------------------------------- */

static void test_block_locks(void **state)
{
    fixture_t *fx = *state;
    uint32_t word = array_word(fx, 10 * BLOCK);
    wr(fx, 10 * BLOCK + 0x100, 0x60, 4);
    wr(fx, 10 * BLOCK + 0x100, 0x01, 4);
    assert_int_equal(rd(fx, 0, 1), 0x80);          /* lock done: status */
    wr(fx, 10 * BLOCK, 0x20, 4);
    wr(fx, 10 * BLOCK, 0xD0, 4);
    assert_int_equal(rd(fx, 0, 1), 0x80 | CFI_SR_ERASE_ERROR | CFI_SR_BLOCK_LOCKED);
    assert_int_equal(array_word(fx, 10 * BLOCK), word);
    wr(fx, 0, 0x50, 4);
    wr(fx, 10 * BLOCK + 8, 0x40, 4);
    wr(fx, 10 * BLOCK + 8, 0, 4);
    assert_int_equal(status(fx), 0x80 | CFI_SR_PROGRAM_ERROR | CFI_SR_BLOCK_LOCKED);
    wr(fx, 0, 0x50, 4);
    wr(fx, 10 * BLOCK, 0xE8, 4);
    wr(fx, 10 * BLOCK, 0, 4);
    wr(fx, 10 * BLOCK, 0, 4);
    wr(fx, 10 * BLOCK, 0xD0, 4);
    assert_int_equal(status(fx), 0x80 | CFI_SR_PROGRAM_ERROR | CFI_SR_BLOCK_LOCKED);
    assert_int_equal(fx->changes, 0);
    wr(fx, 0, 0x50, 4);
    /* The neighbours are not locked. */
    wr(fx, 11 * BLOCK, 0x20, 4);
    wr(fx, 11 * BLOCK, 0xD0, 4);
    assert_int_equal(status(fx), 0x80);
    /* Unlock (one block), then the erase works. */
    wr(fx, 10 * BLOCK, 0x60, 4);
    wr(fx, 10 * BLOCK, 0xD0, 4);
    wr(fx, 10 * BLOCK, 0x20, 4);
    wr(fx, 10 * BLOCK, 0xD0, 4);
    assert_int_equal(status(fx), 0x80);
    assert_int_equal(array_word(fx, 10 * BLOCK), 0xFFFFFFFF);
    /* A bad lock confirm is a sequence error; a reset clears every lock bit. */
    wr(fx, 12 * BLOCK, 0x60, 4);
    wr(fx, 12 * BLOCK, 0x55, 4);
    assert_int_equal(rd(fx, 0, 1), 0x80 | CFI_SR_SEQUENCE_ERROR);
    wr(fx, 12 * BLOCK, 0x60, 4);
    wr(fx, 12 * BLOCK, 0x01, 4);
    cfi_flash_reset(&fx->chip);
    assert_true(fx->readable);
    assert_int_equal(status(fx), 0x80);
    wr(fx, 0, 0x90, 4);
    assert_int_equal(rd(fx, 12 * BLOCK + 8, 4), 0);
}

static void test_write_protect_and_failed_store(void **state)
{
    fixture_t *fx = *state;
    fx->chip.write_protected = true;
    uint32_t word = array_word(fx, 0x30000);
    wr(fx, 0x30000, 0x20, 4);
    wr(fx, 0x30000, 0xD0, 4);
    assert_int_equal(rd(fx, 0, 1), 0x80 | CFI_SR_ERASE_ERROR | CFI_SR_VPP_LOW);
    wr(fx, 0, 0x50, 4);
    wr(fx, 0x30000, 0x40, 4);
    wr(fx, 0x30000, 0, 4);
    assert_int_equal(rd(fx, 0, 1), 0x80 | CFI_SR_PROGRAM_ERROR | CFI_SR_VPP_LOW);
    assert_int_equal(array_word(fx, 0x30000), word);
    assert_int_equal(fx->changes, 0);
    fx->chip.write_protected = false;
    wr(fx, 0, 0x50, 4);
    /* The board could not store the change: the chip reports the operation failed. */
    fx->store_fails = true;
    wr(fx, 0x30000, 0x20, 4);
    wr(fx, 0x30000, 0xD0, 4);
    assert_int_equal(rd(fx, 0, 1), 0x80 | CFI_SR_ERASE_ERROR);
    wr(fx, 0, 0x50, 4);
    wr(fx, 0x30000, 0x40, 4);
    wr(fx, 0x30000, 0x1234, 4);
    assert_int_equal(rd(fx, 0, 1), 0x80 | CFI_SR_PROGRAM_ERROR);
}

/* ---- The backing file --------------------------------------------------------------------- */

static char *temp_image(uint32_t size, uint8_t fill)
{
    char *path = NULL;
    int fd = g_file_open_tmp("kseg-flash-XXXXXX", &path, NULL);
    assert_true(fd >= 0);
    uint8_t *buf = malloc(size);
    memset(buf, fill, size);
    for (uint32_t i = 0; i < size; i += 4096)
        buf[i] = (uint8_t)(i >> 12);
    assert_int_equal(write(fd, buf, size), (ssize_t)size);
    close(fd);
    free(buf);
    return path;
}

static void read_back(const char *path, uint32_t offset, void *buf, uint32_t len)
{
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, buf, len, offset), (ssize_t)len);
    close(fd);
}

static void test_flash_file(void **state)
{
    (void)state;
    char *error = NULL;
    uint8_t *content = malloc(SIZE);
    /* Exactly 4 MiB, never resized. */
    char *small = temp_image(SIZE - 4096, 0xEE);
    assert_null(flash_file_open(small, SIZE, FLASH_FILE_WRITABLE, content, &error));
    assert_non_null(strstr(error, "is 4190208 bytes"));
    g_free(error);
    error = NULL;
    struct stat st;
    assert_int_equal(stat(small, &st), 0);
    assert_int_equal(st.st_size, SIZE - 4096);
    unlink(small);
    g_free(small);

    char *path = temp_image(SIZE, 0xEE);
    flash_file_t *f = flash_file_open(path, SIZE, FLASH_FILE_WRITABLE, content, &error);
    assert_non_null(f);
    assert_int_equal(content[0x5000], 5);
    assert_int_equal(content[0x5001], 0xEE);
    /* A second user is refused, writable or not (after a short wait for the lock). */
    uint8_t *other = malloc(SIZE);
    assert_null(flash_file_open(path, SIZE, FLASH_FILE_WRITABLE, other, &error));
    assert_non_null(strstr(error, "in use"));
    g_free(error);
    error = NULL;
    assert_null(flash_file_open(path, SIZE, FLASH_FILE_SNAPSHOT, other, &error));
    g_free(error);
    error = NULL;
    /* A store is in the file when it returns. */
    uint8_t block[BLOCK];
    memset(block, 0xFF, sizeof(block));
    assert_true(flash_file_store(f, 3 * BLOCK, block, BLOCK));
    uint8_t back[BLOCK];
    read_back(path, 3 * BLOCK, back, BLOCK);
    assert_memory_equal(back, block, BLOCK);
    assert_true(flash_file_store(f, SIZE - 4, (const uint8_t *)"kseg", 4));
    read_back(path, SIZE - 4, back, 4);
    assert_memory_equal(back, "kseg", 4);
    assert_false(flash_file_store(f, SIZE - 2, (const uint8_t *)"kseg", 4));   /* outside */
    flash_file_close(f);

    /* Snapshot and read-only: shared locks, and the file stays as it is. */
    f = flash_file_open(path, SIZE, FLASH_FILE_SNAPSHOT, content, &error);
    assert_non_null(f);
    flash_file_t *g = flash_file_open(path, SIZE, FLASH_FILE_READ_ONLY, other, &error);
    assert_non_null(g);
    assert_int_equal(flash_file_mode(g), FLASH_FILE_READ_ONLY);
    memset(block, 0x00, sizeof(block));
    assert_true(flash_file_store(f, 0, block, BLOCK));
    read_back(path, 3 * BLOCK, back, 4);
    assert_int_equal(back[0], 0xFF);
    read_back(path, 0, back, 4);
    assert_int_equal(back[1], 0xEE);
    flash_file_close(g);
    flash_file_close(f);

    unlink(path);
    g_free(path);
    free(other);
    free(content);
}

/* ---- The board --------------------------------------------------------------------------- */

#define FLASH_KSEG1 0xBE000000u
#define T0 8
#define T1 9
#define T2 10
#define T3 11
#define T4 12
#define T5 13
#define V0 2
#define RA 31

static void put_code(malta_t *m, uint32_t va, const uint32_t *words, unsigned n)
{
    memcpy(m->ram + (va & 0x1FFFFFFFu), words, 4 * n);
    cpu_invalidate_code(&m->cpu, va & 0x1FFFFFFFu, 4 * n);
}

/* Runs from `va` until the CPU reaches the `b .` at `end`. */
static void run_until(malta_t *m, uint32_t va, uint32_t end)
{
    m->cpu.pc = va;
    for (int i = 0; i < 1000 && m->cpu.pc != end; i++)
        cpu_run(&m->cpu, m->cpu.icount + 1);
    assert_int_equal(m->cpu.pc, end);
}

static void test_board_fast_path(void **state)
{
    (void)state;
    static malta_t m;
    malta_config_t cfg = { .ram_size = 16u << 20 };
    char *error = NULL;
    assert_true(malta_init(&m, &cfg, &error));
    const uint32_t code = 0x80001000u, va = FLASH_KSEG1 + 0x20;
    const uint32_t prog[] = {
        LUI(T0, FLASH_KSEG1 >> 16),
        LW(T1, 0x20, T0),                  /* the array, through the software TLB */
        ORI(T2, 0, 0x70),
        SW(T2, 0, T0),                     /* read status */
        LW(T3, 0x20, T0),
        ORI(T2, 0, 0xFF),
        SW(T2, 0, T0),                     /* read array */
        LW(T4, 0x20, T0),
        BEQ(0, 0, 0xFFFF), NOP,
    };
    put_code(&m, code, prog, sizeof(prog) / 4);
    cpu_t *cpu = &m.cpu;
    const softtlb_entry_t *e = &cpu->stlb->read[softtlb_index(va)];
    m.cpu.pc = code;
    cpu_run(cpu, cpu->icount + 2);          /* LUI, LW */
    assert_int_equal(cpu->gpr[T1], *(uint32_t *)(m.flash + 0x20));
    assert_int_equal(e->tag, va & ~0xFFFu);    /* a host-pointer entry for the flash page */
    cpu_run(cpu, cpu->icount + 2);          /* ORI, SW 0x70 */
    assert_int_not_equal(e->tag, va & ~0xFFFu);  /* flushed with the mode change */
    assert_false(bus_region_host_readable(bus_find(&m.bus, 0x1E000000u)));
    run_until(&m, cpu->pc, code + 8 * 4);
    assert_int_equal(cpu->gpr[T3], 0x00800080);
    assert_int_equal(cpu->gpr[T4], cpu->gpr[T1]);
    assert_true(bus_region_host_readable(bus_find(&m.bus, 0x1E000000u)));
    malta_destroy(&m);
}

static bool store_to_file(void *opaque, uint32_t offset, const uint8_t *data, uint32_t len)
{
    return flash_file_store(opaque, offset, data, len);
}

/* Code run from the flash, then erased and programmed anew by the guest, then run again:
 * the second call must see the new instructions, not the decoded old ones. */
static void test_board_code_invalidation_and_file(void **state)
{
    (void)state;
    static malta_t m;
    char *path = temp_image(SIZE, 0xFF);
    uint8_t *content = malloc(SIZE);
    char *error = NULL;
    flash_file_t *file = flash_file_open(path, SIZE, FLASH_FILE_WRITABLE, content, &error);
    assert_non_null(file);
    const uint32_t fn = 0x10000;           /* flash offset of the function */
    const uint32_t old_fn[] = { ORI(V0, 0, 1), JR(RA), NOP };
    memcpy(content + fn, old_fn, sizeof(old_fn));
    malta_config_t cfg = { .ram_size = 16u << 20, .pflash = content,
                           .pflash_store = { store_to_file, file, false } };
    assert_true(malta_init(&m, &cfg, &error));
    const uint32_t new_insn = ORI(V0, 0, 2), jr = JR(RA);
    const uint32_t code = 0x80001000u;
    const uint32_t prog[] = {
        LUI(T0, (FLASH_KSEG1 + fn) >> 16),
        JALR(RA, T0), NOP,
        ADDU(T4, V0, 0),
        ORI(T2, 0, 0x20), SW(T2, 0, T0),
        ORI(T2, 0, 0xD0), SW(T2, 0, T0),                 /* erase the block */
        ORI(T2, 0, 0x40), SW(T2, 0, T0),
        LUI(T3, new_insn >> 16), ORI(T3, T3, new_insn & 0xFFFF), SW(T3, 0, T0),
        ORI(T2, 0, 0x40), SW(T2, 4, T0),
        LUI(T3, jr >> 16), ORI(T3, T3, jr & 0xFFFF), SW(T3, 4, T0),
        ORI(T2, 0, 0x40), SW(T2, 8, T0), SW(0, 8, T0),   /* NOP */
        ORI(T2, 0, 0xFF), SW(T2, 0, T0),
        JALR(RA, T0), NOP,
        ADDU(T5, V0, 0),
        BEQ(0, 0, 0xFFFF), NOP,
    };
    put_code(&m, code, prog, sizeof(prog) / 4);
    run_until(&m, code, code + (sizeof(prog) / 4 - 2) * 4);
    assert_int_equal(m.cpu.gpr[T4], 1);
    assert_int_equal(m.cpu.gpr[T5], 2);
    /* Already in the file, while kseg runs. */
    uint32_t words[4];
    read_back(path, fn, words, sizeof(words));
    assert_int_equal(words[0], new_insn);
    assert_int_equal(words[1], jr);
    assert_int_equal(words[2], NOP);
    assert_int_equal(words[3], 0xFFFFFFFF);
    /* The boot ROM window shows the flash as it was at the last reset ... */
    assert_int_equal(*(uint32_t *)(m.bootrom + fn), old_fn[0]);
    /* ... and after a reset, as it is; the revision word stays. */
    malta_reset(&m);
    assert_int_equal(*(uint32_t *)(m.bootrom + fn), new_insn);
    assert_int_equal(*(uint32_t *)(m.bootrom + 0x10), 0x420);
    malta_destroy(&m);
    flash_file_close(file);
    unlink(path);
    g_free(path);
    free(content);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_query_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identifier, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_reads_and_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_word_program, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_erase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_buffered_program, setup, teardown),
        cmocka_unit_test_setup_teardown(test_buffered_program_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_locks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_protect_and_failed_store, setup, teardown),
        cmocka_unit_test(test_flash_file),
        cmocka_unit_test(test_board_fast_path),
        cmocka_unit_test(test_board_code_invalidation_and_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
