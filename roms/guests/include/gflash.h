/* A guest's driver for its flash (the hypervisor's "cfi-flash" device, roms/hv/vflash.c):
 * NOR flash with the Intel/Sharp command set, one 32-bit bank, as the Malta's boot flash
 * is. Commands and data are 32-bit words written through the uncached kseg1 view; after
 * each operation the chip shows its status register (SR.7 ready; SR.5/SR.4 erase/program
 * failed, SR.3 write-protected, SR.1 locked), 0x50 clears it and 0xFF returns to reading
 * the content. No globals: the boot stage runs from ROM. Also a record that keeps a counter
 * in a block of its own (the flash test guest's boot count, the boot stage's environment). */
#ifndef GFLASH_H
#define GFLASH_H

#include <stdbool.h>
#include <stdint.h>

/* arch 0xBE000000 = GPA 0x1E000000, uncached, where the guest finds its flash. */
#define GFLASH_REAL         0x3E000000u
/* Status polls before an operation counts as timed out: the hypervisor's chip is done at
 * once; a bound keeps a broken one from hanging the guest. */
#define GFLASH_POLLS        100000u
#define GFLASH_SR_READY     0x80u
#define GFLASH_SR_ERRORS    0x3Au       /* SR.5, SR.4, SR.3, SR.1 */

typedef struct gflash {
    volatile uint32_t *base;
    uint32_t size, block_size, blocks, buffer_size;
} gflash_t;

static inline volatile uint32_t *gflash_word(const gflash_t *f, uint32_t offset)
{
    return f->base + offset / 4;
}

static inline void gflash_command(const gflash_t *f, uint32_t offset, uint32_t cmd)
{
    *gflash_word(f, offset) = cmd;
}

/* The CFI query (0x98 at word 0x55): "QRY", the Intel/Sharp command set (1), one region
 * of uniform blocks. The query bytes are one per 32-bit word. Leaves the chip reading its
 * content. */
static inline bool gflash_probe(gflash_t *f, uint32_t real)
{
    f->base = (volatile uint32_t *)(uintptr_t)real;
    gflash_command(f, 0, 0xFF);
    gflash_command(f, 0x55 * 4, 0x98);
#define Q(n) ((uint32_t)(uint8_t)f->base[n])
    bool ok = Q(0x10) == 'Q' && Q(0x11) == 'R' && Q(0x12) == 'Y' &&
              (Q(0x13) | Q(0x14) << 8) == 1 && Q(0x2C) == 1;
    f->size = 1u << Q(0x27);
    f->buffer_size = 1u << (Q(0x2A) | Q(0x2B) << 8);
    f->blocks = (Q(0x2D) | Q(0x2E) << 8) + 1u;
    f->block_size = (Q(0x2F) | Q(0x30) << 8) * 256u;
#undef Q
    gflash_command(f, 0, 0xFF);
    return ok && f->blocks * f->block_size == f->size;
}

/* SR.7 polled at `offset`: the status, or 0 when the chip stayed busy. */
static inline uint8_t gflash_wait(const gflash_t *f, uint32_t offset)
{
    for (uint32_t i = 0; i < GFLASH_POLLS; i++) {
        uint8_t sr = (uint8_t)*gflash_word(f, offset);
        if (sr & GFLASH_SR_READY)
            return sr;
    }
    return 0;
}

/* The end of an operation: status cleared, back to the content; whether it succeeded. */
static inline bool gflash_finish(const gflash_t *f, uint32_t offset, uint8_t sr)
{
    gflash_command(f, offset, 0x50);
    gflash_command(f, offset, 0xFF);
    return (sr & GFLASH_SR_READY) && !(sr & GFLASH_SR_ERRORS);
}

/* The block at `offset` unlocked (0x60, 0xD0), then erased to all ones (0x20, 0xD0). */
static inline bool gflash_erase(const gflash_t *f, uint32_t offset)
{
    gflash_command(f, offset, 0x60);
    gflash_command(f, offset, 0xD0);
    if (!gflash_finish(f, offset, gflash_wait(f, offset)))
        return false;
    gflash_command(f, offset, 0x20);
    gflash_command(f, offset, 0xD0);
    return gflash_finish(f, offset, gflash_wait(f, offset));
}

/* `n` words at `offset`: through the write buffer (0xE8, n - 1, the words, 0xD0; they must
 * lie in one aligned buffer) or one word program (0x40, the word) each. */
static inline bool gflash_program(const gflash_t *f, uint32_t offset, const uint32_t *w,
                                  uint32_t n, bool buffered)
{
    if (!buffered) {
        for (uint32_t i = 0; i < n; i++) {
            gflash_command(f, offset + 4 * i, 0x40);
            *gflash_word(f, offset + 4 * i) = w[i];
            if (!gflash_finish(f, offset, gflash_wait(f, offset)))
                return false;
        }
        return true;
    }
    gflash_command(f, offset, 0xE8);
    uint8_t sr = gflash_wait(f, offset);          /* SR.7: a buffer is free */
    if (!(sr & GFLASH_SR_READY))
        return gflash_finish(f, offset, sr);
    gflash_command(f, offset, n - 1);
    for (uint32_t i = 0; i < n; i++)
        *gflash_word(f, offset + 4 * i) = w[i];
    gflash_command(f, offset, 0xD0);
    return gflash_finish(f, offset, gflash_wait(f, offset));
}

/* ---- A counter kept in a block: magic, count, ~(magic + count) ------------------------- */

/* The count the record at `offset` holds, 0 when there is none (erased, another magic, a
 * bad check word). */
static inline uint32_t gflash_counter_read(const gflash_t *f, uint32_t offset, uint32_t magic)
{
    volatile uint32_t *r = gflash_word(f, offset);
    return r[0] == magic && r[2] == ~(magic + r[1]) ? r[1] : 0;
}

/* Stores `count` at `offset`, the start of a block: erase, buffered program, read back. */
static inline bool gflash_counter_write(const gflash_t *f, uint32_t offset, uint32_t magic,
                                        uint32_t count)
{
    uint32_t record[3] = { magic, count, ~(magic + count) };
    return gflash_erase(f, offset) && gflash_program(f, offset, record, 3, true) &&
           gflash_counter_read(f, offset, magic) == count;
}

#endif
