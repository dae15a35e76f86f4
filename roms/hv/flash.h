/* The board's boot flash as the hypervisor uses it: the store behind the guests' virtual
 * flashes (vflash.c). The chip driver is the boot ROM's (../bootrom/flash.c, compiled in);
 * this layer adds what a multi-threaded firmware needs (design note in flash.c). */
#ifndef HV_FLASH_H
#define HV_FLASH_H

#include <stdbool.h>
#include <stdint.h>

/* The hypervisor's own block of the board flash: a mark that tells whether QEMU swapped
 * the flash's words at its start (flash.c). Guests' partitions come after it. */
#define BOARD_FLASH_MARK    0x00100000u

/* Finds the chip by its CFI query and reads (or first writes) the mark, once; false (with a
 * line saying why) when there is no flash this driver can write. */
bool board_flash_init(void);
uint32_t board_flash_size(void);
uint32_t board_flash_block_size(void);
/* Copies [offset, offset + len) of the content (the chip in read-array mode), as the
 * hypervisor wrote it: unswapped where QEMU swapped it. Before the first write-back. */
void board_flash_read(uint32_t offset, void *dst, uint32_t len);
/* Makes the whole block at `offset` (block-aligned) hold `src`: nothing when it already
 * does, a program alone when only 1 bits must become 0, else an erase and a program; then
 * a verify. From a hypercore thread: interrupts are masked for one command at a time, and
 * `src` (a guest's live flash) is copied a write buffer at a time with interrupts masked,
 * so each program writes bytes as they were at one instant.
 *   BOARD_FLASH_OK       the block holds src
 *   BOARD_FLASH_CHANGED  src changed under the write: the block is incomplete, write again
 *   BOARD_FLASH_FAILED   the chip refused (the driver printed why) */
enum board_flash_result { BOARD_FLASH_OK, BOARD_FLASH_CHANGED, BOARD_FLASH_FAILED };
enum board_flash_result board_flash_store_block(uint32_t offset, const uint8_t *src);

#endif
