/* NOR flash, Intel/Sharp command set, as QEMU's Malta presents it (cfi_flash.h).
 *
 * Design note. The chip is a small state machine driven by bus writes. A write's low byte
 * is a command unless a multi-cycle command is in progress (`cycle`), in which case it is
 * that command's next cycle (data, count or confirm). Reads depend only on the state:
 * the array in read-array mode; the status register while a command is in progress and in
 * read-status mode; identifier or query data in those modes, indexed as QEMU's "device
 * width unset" pflash does it: (offset & 0xFF) >> 2, the value not replicated across the
 * bank, 32-bit status reads returning status | status << 16. U-Boot and Linux therefore
 * detect one 32-bit-wide chip, as on QEMU.
 *
 * Program and erase complete at once: SR.7 never reads busy, so erase/program suspend find
 * nothing to suspend. A completed operation is reported through the `changed` hook before
 * the guest can read the status, so the board stores it (write-through) before the guest
 * sees SR.7 and the result. Programming clears bits only (new = old & data), as NOR cells
 * do; QEMU instead overwrites, which no correct driver can tell apart since they all erase
 * first.
 *
 * Commands (first cycle) and the state they leave; "status" means reads return the status
 * register until the next command:
 *   0xFF, 0xF0, 0x00  read array              0x70  read status
 *   0x90  read identifier                      0x98  CFI query
 *   0x50  clear SR.5-SR.1, then read array (as QEMU)
 *   0x10, 0x40  program: the next write is programmed; then status
 *   0x20, 0x28  erase setup: 0xD0 erases the block it is written to; then status
 *   0xE8  buffered program: count - 1, that many data writes (of any width) within one
 *         aligned 2 KiB window of one block, 0xD0; then status
 *   0x60  lock setup: 0x01 sets, 0xD0 clears the lock bit of the block; then status
 *   0xB0, 0xD0  suspend, resume: nothing is ever in progress; status
 *   anything else: read array (as QEMU), logged under -d guest_errors
 * Errors set status bits and leave the array alone: SR.4|SR.5 for a bad second cycle (erase
 * or lock without its confirm, a buffer count over 2048 writes, buffer data outside its
 * window, a buffer confirm that is not 0xD0); SR.1 with SR.4 or SR.5 for a locked block;
 * SR.3 with SR.4 or SR.5 when write-protected (VPEN low, -drive readonly=on). Error bits
 * stay until 0x50. */
#include "devices/cfi_flash.h"

#include <string.h>

#include "frontend/log.h"

/* The most data writes one buffered program takes. The count is of writes of whatever
 * width the driver uses, as in QEMU's model: U-Boot drives this flash as a 16-bit chip (up to
 * 1024 writes of 2 bytes for the 2 KiB buffer), Linux as a 32-bit one (512 of 4). No count
 * can describe more writes than the buffer has bytes. */
#define BUFFER_MAX_WRITES CFI_FLASH_BUFFER_SIZE
#define NO_WINDOW     0xFFFFFFFFu

/* The query table QEMU's pflash_cfi01 builds for this geometry, byte for byte, so that
 * U-Boot and Linux configure themselves exactly as on QEMU. Offsets are query addresses
 * (CFI publication 100; Intel's primary extended table, "PRI" version 1.0). */
static void fill_query(cfi_flash_t *f)
{
    uint8_t *q = f->query;
    uint32_t blocks = f->size / f->block_size;
    memset(q, 0, CFI_QUERY_SIZE);
    q[0x10] = 'Q'; q[0x11] = 'R'; q[0x12] = 'Y';
    q[0x13] = 0x01; q[0x14] = 0x00;     /* primary command set: Intel/Sharp extended */
    q[0x15] = 0x31; q[0x16] = 0x00;     /* primary extended table at query address 0x31 */
    /* 0x17-0x1A: no alternate command set, no alternate table. */
    q[0x1B] = 0x45;                     /* Vcc min 4.5 V */
    q[0x1C] = 0x55;                     /* Vcc max 5.5 V */
    /* 0x1D-0x1E: no Vpp pin. */
    q[0x1F] = 0x07;                     /* typical word program: 2^7 us */
    q[0x20] = 0x07;                     /* typical buffer program: 2^7 us */
    q[0x21] = 0x0A;                     /* typical block erase: 2^10 ms */
    q[0x22] = 0x00;                     /* no chip erase */
    q[0x23] = 0x04;                     /* maximum word program: 2^4 times typical */
    q[0x24] = 0x04;                     /* maximum buffer program: 2^4 times typical */
    q[0x25] = 0x04;                     /* maximum block erase: 2^4 times typical */
    q[0x26] = 0x00;
    unsigned log2_size = 0;
    while ((1u << log2_size) < f->size)
        log2_size++;
    q[0x27] = (uint8_t)log2_size;       /* device size: 2^n bytes */
    q[0x28] = 0x02; q[0x29] = 0x00;     /* interface: x8/x16 asynchronous */
    q[0x2A] = 11; q[0x2B] = 0;          /* write buffer: 2^11 bytes */
    q[0x2C] = 1;                        /* one erase block region: uniform blocks */
    q[0x2D] = (uint8_t)(blocks - 1);    /* its block count - 1 ... */
    q[0x2E] = (uint8_t)((blocks - 1) >> 8);
    q[0x2F] = (uint8_t)(f->block_size >> 8);   /* ... and block size / 256 */
    q[0x30] = (uint8_t)(f->block_size >> 16);
    q[0x31] = 'P'; q[0x32] = 'R'; q[0x33] = 'I';
    q[0x34] = '1'; q[0x35] = '0';       /* version 1.0 */
    /* 0x36-0x39 optional features (none: no suspend, no instant block locking, which
     * Linux would take as "locked at power-up"), 0x3A after-suspend functions, 0x3B-0x3C
     * block status register mask: all zero. */
    q[0x3F] = 0x01;                     /* protection register fields, as QEMU */
}

void cfi_flash_init(cfi_flash_t *f, uint8_t *array, uint32_t size, uint32_t block_size,
                    cfi_flash_hooks_t hooks)
{
    memset(f, 0, sizeof(*f));
    if (block_size < CFI_FLASH_BUFFER_SIZE || (block_size & (block_size - 1)) ||
        size % block_size || size / block_size > CFI_FLASH_MAX_BLOCKS)
        fatal("cfi_flash: unsupported geometry (%u bytes in blocks of %u)", size, block_size);
    f->array = array;
    f->size = size;
    f->block_size = block_size;
    f->hooks = hooks;
    fill_query(f);
    f->read_mode = CFI_READ_ARRAY;
    f->cycle = CFI_CYCLE_NONE;
    f->status = CFI_SR_READY;
    f->array_readable = true;
}

static void tell_array_mode(cfi_flash_t *f)
{
    bool readable = f->read_mode == CFI_READ_ARRAY && f->cycle == CFI_CYCLE_NONE;
    if (readable == f->array_readable)
        return;
    f->array_readable = readable;
    if (f->hooks.array_mode)
        f->hooks.array_mode(f->hooks.opaque, readable);
}

void cfi_flash_reset(cfi_flash_t *f)
{
    f->read_mode = CFI_READ_ARRAY;
    f->cycle = CFI_CYCLE_NONE;
    f->status = CFI_SR_READY;
    memset(f->locked, 0, sizeof(f->locked));
    tell_array_mode(f);
}

static uint32_t block_of(const cfi_flash_t *f, uint32_t offset)
{
    return offset / f->block_size;
}

/* ---- Reads ------------------------------------------------------------------------------ */

static uint32_t load_le(const uint8_t *p, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

static uint32_t cfi_flash_read(void *dev, uint32_t offset, unsigned size)
{
    cfi_flash_t *f = dev;
    if (f->cycle != CFI_CYCLE_NONE || f->read_mode == CFI_READ_STATUS)
        return size == 4 ? f->status | (uint32_t)f->status << 16 : f->status;
    uint32_t index = (offset & 0xFF) / CFI_FLASH_BANK_WIDTH;
    switch (f->read_mode) {
    case CFI_READ_IDENTIFIER:
        if (index < 2)
            return f->ident[index];
        return index == 2 ? f->locked[block_of(f, offset)] : 0;
    case CFI_READ_QUERY:
        return index < CFI_QUERY_SIZE ? f->query[index] : 0;
    default:
        return load_le(f->array + offset, size);
    }
}

/* ---- Operations -------------------------------------------------------------------------- */

/* Whether a program (error bit SR.4) or erase (SR.5) may change the block; if not, sets the
 * status bits that say why. */
static bool may_change(cfi_flash_t *f, uint32_t block, uint8_t error_bit)
{
    if (f->write_protected) {
        f->status |= error_bit | CFI_SR_VPP_LOW;
        return false;
    }
    if (f->locked[block]) {
        f->status |= error_bit | CFI_SR_BLOCK_LOCKED;
        return false;
    }
    return true;
}

static void report_change(cfi_flash_t *f, uint32_t offset, uint32_t len, uint8_t error_bit)
{
    if (f->hooks.changed && !f->hooks.changed(f->hooks.opaque, offset, len))
        f->status |= error_bit;
}

/* A program turns 1 bits into 0 bits, never back. */
static void program(cfi_flash_t *f, uint32_t offset, uint32_t value, unsigned size)
{
    if (!may_change(f, block_of(f, offset), CFI_SR_PROGRAM_ERROR))
        return;
    for (unsigned i = 0; i < size; i++)
        f->array[offset + i] &= (uint8_t)(value >> (8 * i));
    report_change(f, offset, size, CFI_SR_PROGRAM_ERROR);
}

static void erase(cfi_flash_t *f, uint32_t offset)
{
    uint32_t block = block_of(f, offset);
    if (!may_change(f, block, CFI_SR_ERASE_ERROR))
        return;
    memset(f->array + block * f->block_size, 0xFF, f->block_size);
    report_change(f, block * f->block_size, f->block_size, CFI_SR_ERASE_ERROR);
}

/* One data write of a buffered program: into the buffer, if it stays inside the window
 * the first one chose (the aligned 2 KiB holding it, in the block 0xE8 was written to). */
static void buffer_store(cfi_flash_t *f, uint32_t offset, uint32_t value, unsigned size)
{
    if (f->buffer_base == NO_WINDOW) {
        f->buffer_base = offset & ~(CFI_FLASH_BUFFER_SIZE - 1);
        if (block_of(f, offset) != block_of(f, f->setup_offset))
            f->buffer_bad = true;
    }
    uint32_t at = offset - f->buffer_base;
    if (offset < f->buffer_base || at + size > CFI_FLASH_BUFFER_SIZE) {
        f->buffer_bad = true;
        return;
    }
    for (unsigned i = 0; i < size; i++)
        f->buffer[at + i] = (uint8_t)(value >> (8 * i));
    if (at < f->buffer_lo)
        f->buffer_lo = at;
    if (at + size > f->buffer_hi)
        f->buffer_hi = at + size;
}

static void buffer_program(cfi_flash_t *f)
{
    if (f->buffer_bad || f->buffer_base == NO_WINDOW) {
        f->status |= CFI_SR_SEQUENCE_ERROR;
        return;
    }
    if (!may_change(f, block_of(f, f->buffer_base), CFI_SR_PROGRAM_ERROR))
        return;
    for (uint32_t i = f->buffer_lo; i < f->buffer_hi; i++)
        f->array[f->buffer_base + i] &= f->buffer[i];
    report_change(f, f->buffer_base + f->buffer_lo, f->buffer_hi - f->buffer_lo,
                  CFI_SR_PROGRAM_ERROR);
}

/* ---- Writes ------------------------------------------------------------------------------ */

/* The first cycle of a command. */
static void command(cfi_flash_t *f, uint32_t offset, uint8_t cmd)
{
    f->setup_offset = offset;
    switch (cmd) {
    case 0xFF: case 0xF0: case 0x00:
        f->read_mode = CFI_READ_ARRAY;
        break;
    case 0x70:
        f->read_mode = CFI_READ_STATUS;
        break;
    case 0x90:
        f->read_mode = CFI_READ_IDENTIFIER;
        break;
    case 0x98:
        f->read_mode = CFI_READ_QUERY;
        break;
    case 0x50:
        f->status = CFI_SR_READY;
        f->read_mode = CFI_READ_ARRAY;
        break;
    case 0x10: case 0x40:
        f->cycle = CFI_CYCLE_PROGRAM;
        break;
    case 0x20: case 0x28:
        f->cycle = CFI_CYCLE_ERASE;
        break;
    case 0x60:
        f->cycle = CFI_CYCLE_LOCK;
        break;
    case 0xE8:
        /* Reads now give the extended status: SR.7 set says a buffer is free. */
        f->cycle = CFI_CYCLE_BUFFER_COUNT;
        break;
    case 0xB0: case 0xD0:
        f->read_mode = CFI_READ_STATUS;
        break;
    default:
        log_msg(LOG_GUEST_ERRORS, "guest error: flash: unknown command 0x%02x at offset "
                "0x%06x: back to read array\n", cmd, offset);
        f->read_mode = CFI_READ_ARRAY;
        break;
    }
}

static void cfi_flash_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    cfi_flash_t *f = dev;
    uint8_t cmd = (uint8_t)value;
    enum cfi_cycle cycle = f->cycle;
    if (cycle != CFI_CYCLE_NONE && cycle != CFI_CYCLE_BUFFER_COUNT &&
        cycle != CFI_CYCLE_BUFFER_DATA) {
        f->cycle = CFI_CYCLE_NONE;          /* the last cycle of a command */
        f->read_mode = CFI_READ_STATUS;
    }
    switch (cycle) {
    case CFI_CYCLE_NONE:
        command(f, offset, cmd);
        break;
    case CFI_CYCLE_PROGRAM:
        program(f, offset, value, size);
        break;
    case CFI_CYCLE_ERASE:
        if (cmd == 0xD0)
            erase(f, offset);
        else
            f->status |= CFI_SR_SEQUENCE_ERROR;
        break;
    case CFI_CYCLE_LOCK:
        if (cmd == 0x01 || cmd == 0xD0)
            f->locked[block_of(f, offset)] = cmd == 0x01;
        else
            f->status |= CFI_SR_SEQUENCE_ERROR;
        break;
    case CFI_CYCLE_BUFFER_COUNT:
        if (value >= BUFFER_MAX_WRITES) {
            f->status |= CFI_SR_SEQUENCE_ERROR;
            f->cycle = CFI_CYCLE_NONE;
            f->read_mode = CFI_READ_STATUS;
            break;
        }
        f->buffer_left = value + 1;
        f->buffer_base = NO_WINDOW;
        f->buffer_lo = CFI_FLASH_BUFFER_SIZE;
        f->buffer_hi = 0;
        f->buffer_bad = false;
        memset(f->buffer, 0xFF, sizeof(f->buffer));
        f->cycle = CFI_CYCLE_BUFFER_DATA;
        break;
    case CFI_CYCLE_BUFFER_DATA:
        buffer_store(f, offset, value, size);
        if (--f->buffer_left == 0)
            f->cycle = CFI_CYCLE_BUFFER_CONFIRM;
        break;
    case CFI_CYCLE_BUFFER_CONFIRM:
        if (cmd == 0xD0)
            buffer_program(f);
        else
            f->status |= CFI_SR_SEQUENCE_ERROR;
        break;
    }
    tell_array_mode(f);
}

const device_ops_t cfi_flash_ops = { .read = cfi_flash_read, .write = cfi_flash_write };
