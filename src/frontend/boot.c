/* Puts the -kernel/-initrd/-append images in RAM where the boot ROM looks for them.
 *
 * kseg does not load the kernel itself: the boot ROM's ELF loader does, so every step from
 * reset to the kernel's first instruction is guest code a debugger can follow. kseg only
 * checks the ELF well enough to refuse what can never boot (with one clear line), then lays
 * out RAM, top down:
 *
 *   initrd         64 KiB-aligned, at least 128 KiB below the top of RAM (where QEMU's
 *                  loader puts it, so rd_start is the same on both)
 *   kernel file    as read, 64 KiB-aligned, just below the initrd
 *   ...            the kernel's own segments load low (e.g. 0x80100000); they must not meet
 *                  the two images above
 *   0x1100         the command line
 *   0x1000         the descriptor
 */
#include "frontend/boot.h"

#include <glib.h>
#include <string.h>

#include "kseg_boot.h"

#define EM_MIPS 8
#define ET_EXEC 2
#define PT_LOAD 1
#define CMDLINE_PADDR (KSEG_BOOT_DESC_PADDR + 0x100u)
#define CMDLINE_MAX   (0x2000u - CMDLINE_PADDR - 1)   /* up to QEMU's argv table at 0x2000 */
#define INITRD_GAP    (128u << 10)

static uint32_t get32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* The lowest and highest physical addresses the kernel's PT_LOAD segments occupy. */
static bool check_kernel(const boot_images_t *img, uint32_t ram_size, uint32_t *lo, uint32_t *hi,
                         char **error)
{
    const uint8_t *e = img->kernel;
    uint32_t size = img->kernel_size;
    if (size < 52 || memcmp(e, "\177ELF", 4) != 0) {
        *error = g_strdup("-kernel: not an ELF file");
        return false;
    }
    if (e[4] != 1 || e[5] != 1) {
        *error = g_strdup_printf("-kernel: ELF is %s %s; kseg runs 32-bit little-endian MIPS",
                                 e[4] == 2 ? "64-bit" : "32-bit",
                                 e[5] == 2 ? "big-endian" : "little-endian");
        return false;
    }
    if (get16(e + 18) != EM_MIPS) {
        *error = g_strdup_printf("-kernel: ELF machine %u is not MIPS", get16(e + 18));
        return false;
    }
    if (get16(e + 16) != ET_EXEC) {
        *error = g_strdup("-kernel: ELF is not an executable (ET_EXEC)");
        return false;
    }
    uint32_t phoff = get32(e + 28), phentsize = get16(e + 42), phnum = get16(e + 44);
    if (phentsize < 32 || phnum == 0 || phoff > size || (uint64_t)phnum * phentsize > size - phoff) {
        *error = g_strdup("-kernel: ELF program headers are missing or truncated");
        return false;
    }
    *lo = UINT32_MAX;
    *hi = 0;
    for (uint32_t i = 0; i < phnum; i++) {
        const uint8_t *ph = e + phoff + i * phentsize;
        if (get32(ph) != PT_LOAD || get32(ph + 20) == 0)
            continue;
        uint32_t offset = get32(ph + 4), vaddr = get32(ph + 8);
        uint32_t filesz = get32(ph + 16), memsz = get32(ph + 20);
        if (vaddr < 0x80000000u || vaddr >= 0xC0000000u) {
            *error = g_strdup_printf("-kernel: segment at 0x%08x is not in kseg0/kseg1", vaddr);
            return false;
        }
        uint32_t paddr = vaddr & 0x1FFFFFFFu;
        if (filesz > memsz || offset > size || filesz > size - offset) {
            *error = g_strdup_printf("-kernel: segment at 0x%08x lies outside the file", vaddr);
            return false;
        }
        if ((uint64_t)paddr + memsz > ram_size) {
            *error = g_strdup_printf("-kernel: segment 0x%08x..0x%08x does not fit in %u MiB of RAM",
                                     vaddr, vaddr + memsz - 1, ram_size >> 20);
            return false;
        }
        if (paddr < *lo)
            *lo = paddr;
        if (paddr + memsz > *hi)
            *hi = paddr + memsz;
    }
    if (*hi == 0) {
        *error = g_strdup("-kernel: ELF has no loadable segment");
        return false;
    }
    return true;
}

bool boot_place_images(uint8_t *ram, uint32_t ram_size, const boot_images_t *img, char **error)
{
    kseg_boot_desc_t desc = { .magic = KSEG_BOOT_MAGIC, .version = KSEG_BOOT_VERSION,
                              .ram_size = ram_size };
    uint32_t top = ram_size;     /* images go below this */
    uint32_t seg_lo = 0, seg_hi = 0;

    if (!img->kernel && (img->initrd || img->cmdline)) {
        *error = g_strdup(img->initrd ? "-initrd needs -kernel" : "-append needs -kernel");
        return false;
    }
    if (!img->kernel)
        return true;
    if (!check_kernel(img, ram_size, &seg_lo, &seg_hi, error))
        return false;

    if (img->initrd) {
        if ((uint64_t)img->initrd_size + INITRD_GAP >= top) {
            *error = g_strdup("-initrd: does not fit in RAM");
            return false;
        }
        desc.initrd_paddr = (top - INITRD_GAP - img->initrd_size + 0xFFFFu) & ~0xFFFFu;
        desc.initrd_size = img->initrd_size;
        top = desc.initrd_paddr;
    }
    if (img->kernel_size >= top) {
        *error = g_strdup("-kernel: does not fit in RAM");
        return false;
    }
    desc.kernel_paddr = (top - img->kernel_size) & ~0xFFFFu;
    desc.kernel_size = img->kernel_size;
    if (seg_hi > desc.kernel_paddr || desc.kernel_paddr < 0x100000u) {
        *error = g_strdup_printf("-kernel: the kernel (0x%08x..0x%08x) and its %s do not fit "
                                 "together in %u MiB of RAM", seg_lo, seg_hi - 1,
                                 img->initrd ? "initrd" : "image", ram_size >> 20);
        return false;
    }

    if (img->cmdline) {
        size_t len = strlen(img->cmdline);
        if (len > CMDLINE_MAX) {
            *error = g_strdup_printf("-append: command line longer than %u bytes", CMDLINE_MAX);
            return false;
        }
        memcpy(ram + CMDLINE_PADDR, img->cmdline, len + 1);
        desc.cmdline_paddr = CMDLINE_PADDR;
        desc.cmdline_size = (uint32_t)len;
    }
    memcpy(ram + desc.kernel_paddr, img->kernel, img->kernel_size);
    if (img->initrd)
        memcpy(ram + desc.initrd_paddr, img->initrd, img->initrd_size);

    uint32_t sum = 0;
    const uint32_t *words = (const uint32_t *)&desc;
    for (size_t i = 0; i < sizeof(desc) / 4 - 1; i++)
        sum += words[i];
    desc.checksum = -sum;
    memcpy(ram + KSEG_BOOT_DESC_PADDR, &desc, sizeof(desc));   /* the host is little-endian */
    return true;
}
