/* -kernel, -initrd, -append: images placed in guest RAM for the boot ROM to start. */
#ifndef KSEG_BOOT_FRONTEND_H
#define KSEG_BOOT_FRONTEND_H

#include <stdbool.h>
#include <stdint.h>

typedef struct boot_images {
    const uint8_t *kernel;   /* the -kernel file as read, or NULL */
    uint32_t kernel_size;
    const uint8_t *initrd;   /* the -initrd file, or NULL */
    uint32_t initrd_size;
    const char *cmdline;     /* -append, or NULL */
} boot_images_t;

/* Checks the kernel is a MIPS32 little-endian ELF whose segments fit in RAM, places the
 * images in `ram` (ram_size bytes at physical 0) and writes the hand-off descriptor
 * (roms/include/kseg_boot.h). Returns false with a one-line *error (g_free it). */
bool boot_place_images(uint8_t *ram, uint32_t ram_size, const boot_images_t *img, char **error);

#endif
