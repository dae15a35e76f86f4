/* The board's boot flash (flash.h).
 *
 * Design note. The chip driver is the boot ROM's own (../bootrom/flash.c, compiled in as
 * lib.c is): CFI query for the geometry, block erase, buffered program, status polling
 * bounded by the query's timeouts, clear status, back to read array after every operation.
 * It works on kseg's model and on QEMU 7.2's pflash_cfi01 alike (malta.md section 2; on
 * QEMU only since program_buffer writes its setup and count at the buffer's first word).
 *
 * What the hypervisor adds. While the chip is in a command mode its reads return status,
 * not content; nothing the hypervisor runs is in the flash (its code and exception vectors
 * are in RAM, the boot ROM window is a copy), so only other readers of the content could
 * be misled. Each command sequence (one erase, one buffer program) therefore runs with
 * interrupts masked, so no other thread and no exception path ever finds the chip outside
 * read-array mode. The only writer is vflash.c's write-back thread; guests never reach the
 * chip (their flashes are RAM copies of a partition).
 *
 * The masked section lasts as long as the chip takes: nothing on kseg and QEMU, where
 * operations complete at once, but up to a second for an erase on a real StrataFlash; a
 * board port would poll with interrupts enabled and a lock instead.
 *
 * QEMU's byte swap. QEMU 7.2's Malta swaps the bytes of every 32-bit word in the flash's
 * first 0x3E0000 bytes when the machine starts, whether they came from -bios or from a
 * -drive if=pflash file (its trick for bi-endian firmware; the boot ROM image for it is
 * stored swapped), and writes back what the CPU programs unswapped. So a word the
 * hypervisor wrote reads back swapped after QEMU restarts; kseg and a real board swap
 * nothing. The hypervisor tells which by its mark, a word it programs at BOARD_FLASH_MARK
 * once: read as written, nothing was swapped; read swapped, every word below 0x3E0000
 * that came from the file is swapped, and board_flash_read swaps it back. (Words
 * programmed since the start read as written; only board_flash_read, used before any
 * write-back, swaps.) */
#include "hv.h"
#include "flash.h"
#include "bootrom.h"            /* the boot ROM's driver: flash_probe, flash_info, ... */

/* Bytes copied from the caller per program: the chip's write buffer, at most this. */
#define STAGING_MAX 2048u
/* QEMU swaps the words below this offset at its start (malta.c: MIN(bios_size, 0x3e0000)). */
#define QEMU_SWAP_END   0x003E0000u
#define MARK            0x4B52414Du     /* "MARK" as a little-endian word */

static bool probed, present, swapped;
static uint8_t staging[STAGING_MAX] __attribute__((aligned(4)));

static const volatile uint32_t *content(uint32_t offset)
{
    return (const volatile uint32_t *)(uintptr_t)(FLASH_KSEG1 + offset);
}

/* The mark: found as written, found swapped (QEMU), or written now (its block is the
 * hypervisor's: erased first unless it is, as on a fresh flash file; QEMU without a file
 * gives a flash of zeros). */
static void check_mark(void)
{
    uint32_t word = *content(BOARD_FLASH_MARK);
    uint32_t mark = MARK;
    swapped = word == __builtin_bswap32(MARK);
    if (word == MARK || swapped)
        return;
    uint32_t block = BOARD_FLASH_MARK / flash_info.block_size;
    uint32_t ie = irq_save();
    bool ok = (word == 0xFFFFFFFFu || flash_erase_block(block)) &&
              flash_program(BOARD_FLASH_MARK, &mark, 4);
    irq_restore(ie);
    if (!ok)
        printf("hv: board flash: no mark at 0x%06x: if QEMU swapped the guests' flash at its "
               "start, they will read it swapped\n", BOARD_FLASH_MARK);
}

bool board_flash_init(void)
{
    if (probed)
        return present;
    probed = true;
    uint32_t ie = irq_save();
    present = flash_probe();
    irq_restore(ie);
    if (present && BOARD_FLASH_MARK + flash_info.block_size <= flash_info.size)
        check_mark();
    return present;
}

uint32_t board_flash_size(void)
{
    return present ? flash_info.size : 0;
}

uint32_t board_flash_block_size(void)
{
    return present ? flash_info.block_size : 0;
}

void board_flash_read(uint32_t offset, void *dst, uint32_t len)
{
    uint32_t *d = dst;
    for (uint32_t i = 0; i < len / 4; i++) {
        uint32_t word = content(offset)[i];
        d[i] = swapped && offset + 4 * i < QEMU_SWAP_END ? __builtin_bswap32(word) : word;
    }
}

/* Whether the flash words at `offset` already hold `src` (same), and whether they can be
 * made to by a program alone (no bit of src is 1 where the flash holds 0). */
static void compare(uint32_t offset, const uint8_t *src, uint32_t len, bool *same,
                    bool *programmable)
{
    const uint32_t *s = (const uint32_t *)src;
    *same = *programmable = true;
    for (uint32_t i = 0; i < len / 4; i++) {
        uint32_t now = content(offset)[i];
        if (now != s[i])
            *same = false;
        if ((now & s[i]) != s[i])
            *programmable = false;
    }
}

enum board_flash_result board_flash_store_block(uint32_t offset, const uint8_t *src)
{
    uint32_t block = flash_info.block_size;
    uint32_t chunk = flash_info.buffer_size < STAGING_MAX ? flash_info.buffer_size : STAGING_MAX;
    if (!present || offset % block || offset >= flash_info.size)
        return BOARD_FLASH_FAILED;
    bool same, programmable;
    compare(offset, src, block, &same, &programmable);
    if (same)
        return BOARD_FLASH_OK;
    if (!programmable) {
        uint32_t ie = irq_save();
        bool erased = flash_erase_block(offset / block);
        irq_restore(ie);
        if (!erased)
            return BOARD_FLASH_FAILED;
    }
    for (uint32_t at = 0; at < block; at += chunk) {
        uint32_t ie = irq_save();
        memcpy(staging, src + at, chunk);
        compare(offset + at, staging, chunk, &same, &programmable);
        bool ok = same || !programmable || flash_program(offset + at, staging, chunk);
        irq_restore(ie);
        if (!programmable)
            return BOARD_FLASH_CHANGED;     /* src set bits again since the erase */
        if (!ok)
            return BOARD_FLASH_FAILED;
    }
    compare(offset, src, block, &same, &programmable);
    return same ? BOARD_FLASH_OK : BOARD_FLASH_CHANGED;
}
