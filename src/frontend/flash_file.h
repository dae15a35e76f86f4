/* The backing file of the boot flash (-pflash FILE, -drive if=pflash,...): its content at
 * start, and every completed program or erase stored in it as it completes. */
#ifndef KSEG_FLASH_FILE_H
#define KSEG_FLASH_FILE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct flash_file flash_file_t;

enum flash_file_mode {
    FLASH_FILE_WRITABLE,     /* writes are stored; the file is locked against other users */
    FLASH_FILE_SNAPSHOT,     /* -snapshot: the file is only read; writes last for the run */
    FLASH_FILE_READ_ONLY,    /* readonly=on: only read, and the flash is write-protected */
};

/* Opens `path`, which must hold exactly `size` bytes (it is never grown or cut), takes an
 * advisory lock (exclusive when writable, shared otherwise) and reads it into `content`.
 * Returns NULL with *error set to one line on failure. */
flash_file_t *flash_file_open(const char *path, uint32_t size, enum flash_file_mode mode,
                              uint8_t *content, char **error);
enum flash_file_mode flash_file_mode(const flash_file_t *f);
/* Stores `len` bytes (at most one erase block, FLASH_FILE_MAX_STORE) at `offset`, and
 * returns once they are in the file: from then on killing kseg cannot lose them. Returns
 * false on an I/O error (reported once on stderr). In snapshot mode, does nothing. */
bool flash_file_store(flash_file_t *f, uint32_t offset, const uint8_t *data, uint32_t len);
void flash_file_close(flash_file_t *f);

#define FLASH_FILE_MAX_STORE (64u << 10)

#endif
