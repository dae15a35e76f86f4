/* NOR flash with the Intel/Sharp command set (CFI primary command set 0x0001), as QEMU's
 * pflash_cfi01 presents the Malta boot flash: one 32-bit bank, uniform erase blocks, query
 * and identifier data at a 4-byte stride and not replicated across the bank
 * (shared/reference/malta.md §2).
 *
 * The chip is a state struct and the two bus callbacks (the board maps it as a ROM device,
 * mmu/bus.h). It knows nothing of the CPU or of files: two hooks the board wires tell the
 * outside world what changed. */
#ifndef KSEG_CFI_FLASH_H
#define KSEG_CFI_FLASH_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/bus.h"

#define CFI_FLASH_BANK_WIDTH  4u       /* bytes per bus word: one 32-bit bank */
#define CFI_FLASH_BUFFER_SIZE 2048u    /* the write buffer in bytes (query byte 0x2A: 2^11) */
#define CFI_FLASH_MAX_BLOCKS  256u
#define CFI_QUERY_SIZE        0x52u    /* bytes of query data, as QEMU's table */

/* The status register, SR.7 to SR.1 (Intel StrataFlash/P30 datasheets). SR.4 and SR.5
 * together mean a command sequence error. */
#define CFI_SR_READY          0x80u    /* SR.7: the write state machine is ready */
#define CFI_SR_ERASE_SUSPEND  0x40u    /* SR.6: an erase is suspended */
#define CFI_SR_ERASE_ERROR    0x20u    /* SR.5: erase or clear-lock-bit failed */
#define CFI_SR_PROGRAM_ERROR  0x10u    /* SR.4: program or set-lock-bit failed */
#define CFI_SR_VPP_LOW        0x08u    /* SR.3: program/erase voltage low: write-protected */
#define CFI_SR_PROGRAM_SUSPEND 0x04u   /* SR.2: a program is suspended */
#define CFI_SR_BLOCK_LOCKED   0x02u    /* SR.1: the program or erase hit a locked block */
#define CFI_SR_SEQUENCE_ERROR (CFI_SR_ERASE_ERROR | CFI_SR_PROGRAM_ERROR)

typedef struct cfi_flash_hooks {
    /* The array may (true) or may not (false) be read as memory from now on: true in
     * read-array mode, false in every other. The board switches its ROM device region and,
     * on false, drops the CPU's cached translations of the array. */
    void (*array_mode)(void *opaque, bool readable);
    /* A completed program or erase changed [offset, offset + len) of the array (one block
     * at most). The board drops decoded code there and stores the bytes in the backing
     * file; false when storing failed, which the chip reports as a failed operation. */
    bool (*changed)(void *opaque, uint32_t offset, uint32_t len);
    void *opaque;
} cfi_flash_hooks_t;

/* What a read returns when no multi-cycle command is in progress. */
enum cfi_read_mode {
    CFI_READ_ARRAY,          /* the content */
    CFI_READ_STATUS,         /* the status register */
    CFI_READ_IDENTIFIER,     /* manufacturer, device, block lock status */
    CFI_READ_QUERY,          /* the CFI query table */
};

/* The multi-cycle command in progress; while one is, reads return the status register. */
enum cfi_cycle {
    CFI_CYCLE_NONE,
    CFI_CYCLE_PROGRAM,       /* 0x10/0x40 written: the next write is the data */
    CFI_CYCLE_ERASE,         /* 0x20/0x28 written: the next write must be 0xD0 */
    CFI_CYCLE_LOCK,          /* 0x60 written: 0x01 locks, 0xD0 unlocks the block */
    CFI_CYCLE_BUFFER_COUNT,  /* 0xE8 written: the next write is the word count - 1 */
    CFI_CYCLE_BUFFER_DATA,   /* that many data writes */
    CFI_CYCLE_BUFFER_CONFIRM,/* then 0xD0 programs the buffer */
};

typedef struct cfi_flash {
    uint8_t *array;            /* `size` bytes of content, owned by the board */
    uint32_t size, block_size;
    uint16_t ident[2];         /* identifier words 0 and 1: manufacturer, device */
    bool write_protected;      /* VPEN held low: program and erase fail with SR.3 */
    cfi_flash_hooks_t hooks;

    enum cfi_read_mode read_mode;
    enum cfi_cycle cycle;
    uint8_t status;
    bool array_readable;       /* what the array_mode hook was last told */
    uint32_t setup_offset;     /* where the command in progress was written */
    /* Buffered program: data writes still expected, the buffer's window in the array (fixed
     * by the first data write; UINT32_MAX before it), the bytes written so far, and whether
     * a write fell outside the window (the program then fails at the confirm). */
    uint32_t buffer_left, buffer_base, buffer_lo, buffer_hi;
    bool buffer_bad;
    uint8_t buffer[CFI_FLASH_BUFFER_SIZE];
    bool locked[CFI_FLASH_MAX_BLOCKS]; /* block lock bits: volatile, all clear at reset */
    uint8_t query[CFI_QUERY_SIZE];
} cfi_flash_t;

/* Reads and writes of 1, 2 or 4 bytes at an offset into the chip. Reads have no side
 * effects (they serve as the debugger's peek too). */
extern const device_ops_t cfi_flash_ops;

/* A chip of `size` bytes in blocks of `block_size` (a power of two, at least the write
 * buffer), with its content in `array`. Starts as after reset; calls no hook. */
void cfi_flash_init(cfi_flash_t *f, uint8_t *array, uint32_t size, uint32_t block_size,
                    cfi_flash_hooks_t hooks);
/* Board reset: read-array mode, status ready and clear, every block unlocked. */
void cfi_flash_reset(cfi_flash_t *f);

#endif
