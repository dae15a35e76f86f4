/* A driver for the Malta boot flash: NOR flash with the Intel/Sharp command set.
 *
 * How software talks to such a chip. Reading it normally reads its content ("read array"
 * mode): that is how the CPU runs code from it. Writing to it never changes the content
 * directly; each write is a command to the chip's command interface, and some commands put
 * the chip in another mode, where reads return something else: the status register, the
 * identifier codes, or the CFI query table that describes the chip. Changing the content
 * takes two steps, because a NOR cell can only be programmed from 1 to 0:
 *
 *   erase    a whole block (here 64 KiB) back to all ones: 0x20, then 0xD0 in the block;
 *   program  turn some 1 bits into 0: 0x40 then the data word, or several words at once
 *            through the chip's write buffer: 0xE8, the word count - 1, the words, 0xD0.
 *
 * After each, the chip shows its status register; bit 7 says when the operation is done,
 * bits 5 and 4 whether erase or program failed (both: the command sequence was wrong),
 * bit 3 that the flash is write-protected, bit 1 that the block is locked. Locks are
 * per block (0x60 then 0x01 sets one, 0x60 then 0xD0 clears it), cleared by every reset:
 * they guard against stray writes, not against a driver that means it. 0x50 clears the
 * error bits, 0xFF returns to read array. While the chip is in any other mode, nothing
 * may read the flash expecting content, and no code may run from it: this ROM runs from
 * RAM, and its exception vectors sit in the boot ROM window at 0xBFC00000, which on Malta
 * is a copy of the flash, not the flash itself.
 *
 * All accesses go through kseg1, uncached, so that every command reaches the chip and no
 * read is answered from the cache. This flash answers as one 32-bit-wide chip: commands
 * and data are 32-bit words, and each query byte sits in its own word (4-byte stride).
 * Facts: ../../../shared/reference/malta.md section 2; Intel's StrataFlash datasheets; the
 * CFI specification (JEDEC JESD68). */
#include "bootrom.h"
#include "cp0.h"

#define CMD_READ_ARRAY      0xFF
#define CMD_READ_ID         0x90
#define CMD_CFI_QUERY       0x98
#define CMD_READ_STATUS     0x70
#define CMD_CLEAR_STATUS    0x50
#define CMD_PROGRAM         0x40
#define CMD_ERASE_SETUP     0x20
#define CMD_CONFIRM         0xD0    /* erase confirm, buffer confirm, unlock */
#define CMD_WRITE_BUFFER    0xE8
#define CMD_LOCK_SETUP      0x60
#define CMD_LOCK            0x01

#define SR_READY            0x80
#define SR_ERASE_ERROR      0x20
#define SR_PROGRAM_ERROR    0x10
#define SR_VPP_LOW          0x08
#define SR_LOCKED           0x02
#define SR_ERRORS           (SR_ERASE_ERROR | SR_PROGRAM_ERROR | SR_VPP_LOW | SR_LOCKED)

#define QUERY_ADDR          0x55    /* where the query command is written (word address) */

flash_info_t flash_info;

static volatile uint32_t *flash_word(uint32_t offset)
{
    return (volatile uint32_t *)(uintptr_t)(FLASH_KSEG1 + offset);
}

static void command(uint32_t offset, uint32_t cmd)
{
    *flash_word(offset) = cmd;
}

/* Query byte `n` of the CFI table: one byte per 32-bit word. */
static uint8_t query(unsigned n)
{
    return (uint8_t)*flash_word(n * 4);
}

static void read_array(void)
{
    command(0, CMD_READ_ARRAY);
}

bool flash_probe(void)
{
    flash_info_t *fi = &flash_info;
    memset(fi, 0, sizeof(*fi));
    read_array();
    command(QUERY_ADDR * 4, CMD_CFI_QUERY);
    if (query(0x10) != 'Q' || query(0x11) != 'R' || query(0x12) != 'Y') {
        read_array();
        printf("flash: no CFI flash at 0x%08x (no \"QRY\" in the query table)\n",
               FLASH_KSEG1);
        return false;
    }
    fi->command_set = (uint16_t)(query(0x13) | query(0x14) << 8);
    fi->size = 1u << query(0x27);
    fi->buffer_size = 1u << (query(0x2A) | query(0x2B) << 8);
    /* One erase block region on this chip: (count - 1) and (size / 256), little-endian. */
    fi->blocks = (query(0x2D) | query(0x2E) << 8) + 1u;
    fi->block_size = (query(0x2F) | query(0x30) << 8) * 256u;
    /* Timeouts: typical 2^n, maximum typical * 2^m (us for programs, ms for erases). */
    fi->buffer_timeout_us = (1u << query(0x20)) << query(0x24);
    fi->erase_timeout_ms = (1u << query(0x21)) << query(0x25);
    unsigned regions = query(0x2C);
    command(0, CMD_READ_ID);
    fi->manufacturer = (uint16_t)*flash_word(0);
    fi->device = (uint16_t)*flash_word(4);
    read_array();
    if (fi->command_set != 1 && fi->command_set != 3) {
        printf("flash: command set 0x%04x is not Intel/Sharp; this driver cannot write it\n",
               fi->command_set);
        return false;
    }
    if (regions != 1 || fi->blocks * fi->block_size != fi->size) {
        printf("flash: blocks of several sizes; this driver knows only uniform ones\n");
        return false;
    }
    fi->present = true;
    return true;
}

/* Polls the status register until SR.7 says ready; returns it, or 0 after the timeout. */
static uint8_t wait_ready(uint32_t offset, uint32_t timeout_us)
{
    uint32_t start = read_count(), ticks = timeout_us * (COUNT_HZ / 1000000);
    for (;;) {
        uint8_t sr = (uint8_t)*flash_word(offset);
        if (sr & SR_READY)
            return sr;
        if (read_count() - start > ticks)
            return 0;
    }
}

const char *flash_status_text(uint8_t sr)
{
    if (!(sr & SR_READY))
        return "timed out (the chip stayed busy)";
    if ((sr & (SR_ERASE_ERROR | SR_PROGRAM_ERROR)) == (SR_ERASE_ERROR | SR_PROGRAM_ERROR))
        return "command sequence error";
    if (sr & SR_LOCKED)
        return "the block is locked";
    if (sr & SR_VPP_LOW)
        return "the flash is write-protected";
    if (sr & SR_ERASE_ERROR)
        return "erase failed";
    if (sr & SR_PROGRAM_ERROR)
        return "program failed";
    return "ok";
}

/* Ends an operation: the status it finished with, errors cleared, back to read array. */
static bool finish(uint32_t offset, uint8_t sr, const char *what)
{
    command(offset, CMD_CLEAR_STATUS);
    read_array();
    if (sr & SR_READY && !(sr & SR_ERRORS))
        return true;
    printf("%s at 0x%08x: %s (status 0x%02x)\n", what, FLASH_KSEG1 + offset,
           flash_status_text(sr), sr);
    return false;
}

bool flash_lock(uint32_t block, bool lock)
{
    uint32_t offset = block * flash_info.block_size;
    command(offset, CMD_CLEAR_STATUS);
    command(offset, CMD_LOCK_SETUP);
    command(offset, lock ? CMD_LOCK : CMD_CONFIRM);
    return finish(offset, wait_ready(offset, 1000000), lock ? "lock" : "unlock");
}

bool flash_block_locked(uint32_t block)
{
    uint32_t offset = block * flash_info.block_size;
    command(offset, CMD_READ_ID);
    bool locked = *flash_word(offset + 2 * 4) & 1;    /* identifier word 2: lock bit */
    read_array();
    return locked;
}

bool flash_erase_block(uint32_t block)
{
    uint32_t offset = block * flash_info.block_size;
    if (!flash_lock(block, false))
        return false;
    command(offset, CMD_CLEAR_STATUS);
    command(offset, CMD_ERASE_SETUP);
    command(offset, CMD_CONFIRM);
    return finish(offset, wait_ready(offset, flash_info.erase_timeout_ms * 1000), "erase");
}

bool flash_block_erased(uint32_t block)
{
    const volatile uint32_t *p = flash_word(block * flash_info.block_size);
    for (uint32_t i = 0; i < flash_info.block_size / 4; i++)
        if (p[i] != 0xFFFFFFFFu)
            return false;
    return true;
}

/* One buffer's worth: [offset, offset + len) inside one aligned write buffer, as whole
 * 32-bit words; bytes of the first and last word outside the range are written as 0xFF,
 * which leaves them as they are (a program only clears bits). The setup and the count go
 * to the first word, not the block's start: QEMU 7.2 (Debian's) takes the buffer to be the
 * aligned 2 KiB where the count is written and fails (SR.4) data written outside it. */
static bool program_buffer(uint32_t offset, const uint8_t *src, uint32_t len)
{
    uint32_t first = offset & ~3u, end = (offset + len + 3) & ~3u;
    command(first, CMD_CLEAR_STATUS);
    command(first, CMD_WRITE_BUFFER);
    uint8_t sr = wait_ready(first, flash_info.buffer_timeout_us);   /* a buffer is free */
    if (!(sr & SR_READY))
        return finish(first, sr, "program");
    command(first, (end - first) / 4 - 1);
    for (uint32_t at = first; at < end; at += 4) {
        uint32_t word = 0;
        for (uint32_t b = 0; b < 4; b++) {
            uint32_t pos = at + b;
            uint8_t byte = pos >= offset && pos < offset + len ? src[pos - offset] : 0xFF;
            word |= (uint32_t)byte << (8 * b);
        }
        *flash_word(at) = word;
    }
    command(first, CMD_CONFIRM);
    return finish(first, wait_ready(first, flash_info.buffer_timeout_us), "program");
}

bool flash_program(uint32_t offset, const void *src, uint32_t len)
{
    const uint8_t *s = src;
    /* First the rule of NOR flash: a program can clear bits but never set them. */
    for (uint32_t i = 0; i < len; i++) {
        uint8_t now = *(const volatile uint8_t *)(uintptr_t)(FLASH_KSEG1 + offset + i);
        if ((now & s[i]) != s[i]) {
            printf("program: 0x%08x holds 0x%02x, which cannot become 0x%02x without an "
                   "erase first\n", FLASH_KSEG1 + offset + i, now, s[i]);
            return false;
        }
    }
    uint32_t buffer = flash_info.buffer_size;
    while (len) {
        uint32_t chunk = buffer - (offset & (buffer - 1));    /* to the buffer's end */
        if (chunk > len)
            chunk = len;
        if (!program_buffer(offset, s, chunk))
            return false;
        offset += chunk;
        s += chunk;
        len -= chunk;
    }
    return true;
}

bool flash_verify(uint32_t offset, const void *src, uint32_t len)
{
    const uint8_t *s = src;
    for (uint32_t i = 0; i < len; i++) {
        uint8_t now = *(const volatile uint8_t *)(uintptr_t)(FLASH_KSEG1 + offset + i);
        if (now != s[i]) {
            printf("verify: 0x%08x reads 0x%02x, not 0x%02x\n", FLASH_KSEG1 + offset + i,
                   now, s[i]);
            return false;
        }
    }
    return true;
}

bool flash_offset(uint32_t addr, uint32_t *offset)
{
    uint32_t phys = addr >= KSEG0 && addr < KSEG1 + 0x20000000u ? addr & PHYS_MASK : addr;
    if (phys < FLASH_PADDR || phys - FLASH_PADDR >= FLASH_SIZE)
        return false;
    *offset = phys - FLASH_PADDR;
    return true;
}
