/* The hand-off from kseg to its boot ROM when the user gives -kernel/-initrd/-append.
 *
 * kseg places the kernel file (unparsed: the boot ROM's ELF loader reads it), the initrd
 * and the command line in RAM, and this descriptor at physical KSEG_BOOT_DESC_PADDR, before
 * the CPU leaves reset. The boot ROM checks the magic and the checksum; without a valid
 * descriptor (as on QEMU, or with no -kernel) it goes to its prompt. The area sits in the
 * range Malta Linux reserves for the firmware (0x1000..0xEFFFF), so nothing the kernel does
 * early can clobber it before the boot ROM has read it.
 *
 * Shared by kseg (C on the host) and the boot ROM (C on MIPS): fixed-width little-endian
 * 32-bit fields only. */
#ifndef KSEG_BOOT_H
#define KSEG_BOOT_H

#include <stdint.h>

#define KSEG_BOOT_DESC_PADDR 0x00001000u
#define KSEG_BOOT_MAGIC      0x4745534Bu   /* "KSEG" read as a little-endian word */
#define KSEG_BOOT_VERSION    1u

typedef struct kseg_boot_desc {
    uint32_t magic;          /* KSEG_BOOT_MAGIC */
    uint32_t version;        /* KSEG_BOOT_VERSION */
    uint32_t kernel_paddr;   /* the -kernel file, as is, word-aligned; 0 if none */
    uint32_t kernel_size;
    uint32_t initrd_paddr;   /* the -initrd file, page-aligned; 0 if none */
    uint32_t initrd_size;
    uint32_t cmdline_paddr;  /* the -append string, NUL-terminated; 0 if none */
    uint32_t cmdline_size;   /* without the NUL */
    uint32_t ram_size;       /* bytes of RAM at physical 0 */
    uint32_t checksum;       /* makes the 32-bit sum of all ten words zero */
} kseg_boot_desc_t;

#endif
