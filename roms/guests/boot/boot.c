/* The guest boot stage (issue 8): what a guest's U-Boot does, in a page of C.
 *
 * The hypervisor starts a VCPU given a boot stage as a board starts after a reset: at arch
 * 0xBFC00000, Status = BEV | ERL, running from its read-only "ROM" (GPA 0x1FC00000) through
 * the uncached kseg1 view, with a0 = the size of its RAM (and a1 = a mode word for the
 * kernel). The kernel is an ELF file at the start of the guest's flash, GPA 0x1E000000: a
 * CFI chip (the hypervisor's "cfi-flash" device, issue 9), where the hypervisor installed
 * it. This stage:
 *   1. prints a banner with the RAM size it was given, and checks that its ROM is
 *      read-only: a store there must be a bus error and change nothing;
 *   2. finds the flash by its CFI query, and keeps its environment in the flash's last
 *      block: a boot count (gflash.h's counter record), incremented and saved at every
 *      boot, so it survives a reset of the guest and, with the board's flash in a file, a
 *      restart of the board;
 *   3. checks the ELF header (32-bit, little-endian, MIPS, executable) and copies every
 *      PT_LOAD segment to its address in RAM, zeroing what the file does not hold (.bss);
 *      the file must lie before the environment block;
 *   4. writes the data cache back and invalidates the instruction cache over what it
 *      wrote (CACHE Hit_Writeback_D / Hit_Invalidate_I: the hypervisor emulates both), so
 *      the kernel's code is what gets fetched;
 *   5. jumps to the entry point with a0 = the RAM size and a1 = the mode word, Status
 *      still BEV | ERL: the kernel starts exactly as if the hypervisor had loaded it.
 * Guest ABI (../../hv/vcpu.c): the kernel is linked at REAL addresses in the guest kseg0
 * window (real 0x00000000-0x1FFFFFFF = arch 0x80000000-0x9FFFFFFF, real = GPA), so an ELF
 * address is both where to copy and where to jump; an ELF linked at arch addresses
 * (0x80000000 and up, as for a real board) is refused with a message.
 *
 * The stage runs from ROM: no writable globals (boot.ld asserts it), everything on the
 * stack at the top of RAM, which it keeps out of the kernel's way (BOOT_STACK_RESERVE). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gcons.h"
#include "gflash.h"
#include "guest.h"

#define ENV_MAGIC       0x564E4542u     /* "BENV": the boot stage's environment record */
#define ARCH_OFFSET     0x80000000u     /* arch = real + this in the kernel view */
#define KSEG0_WINDOW    0x20000000u     /* real 0..here is the guest's kseg0 */
#define BOOT_STACK_RESERVE 0x10000u     /* the top 64 KiB of RAM: this stage's stack */

static void __attribute__((noreturn)) reset(void)
{
    *FPGA_SOFTRES = SOFTRES_GORESET;
    for (;;)
        ;
}

static void __attribute__((noreturn)) fail(const char *why)
{
    gcons_puts("boot: ");
    gcons_puts(why);
    gcons_puts(", giving up\n");
    reset();
}

static uint32_t mfc0_cause(void)
{
    uint32_t v;
    __asm__ volatile("mfc0 %0, $13" : "=r"(v));
    return v;
}

static uint32_t mfc0_epc(void)
{
    uint32_t v;
    __asm__ volatile("mfc0 %0, $14" : "=r"(v));
    return v;
}

void boot_exception(void) __attribute__((noreturn));
void boot_exception(void)
{
    gcons_puts("boot: unexpected exception, Cause ");
    gcons_hex(mfc0_cause());
    gcons_puts(" EPC ");
    gcons_hex(mfc0_epc());
    gcons_putc('\n');
    reset();
}

/* ---- ELF ------------------------------------------------------------------------------ */

typedef struct {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} elf32_ehdr_t;

typedef struct {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
} elf32_phdr_t;

#define ET_EXEC         2u
#define EM_MIPS         8u
#define PT_LOAD         1u

/* Data cache write-back and instruction cache invalidation over [addr, addr + size). */
static void cache_sync(uint32_t addr, uint32_t size)
{
    uint32_t config1;
    __asm__ volatile("mfc0 %0, $16, 1" : "=r"(config1));
    uint32_t dl = (config1 >> 10) & 7u;     /* D-cache line: 2 << DL bytes, 0 = none */
    if (!dl || !size)
        return;
    uint32_t line = 2u << dl;
    for (uint32_t a = addr & ~(line - 1u); a < addr + size; a += line)
        __asm__ volatile("cache 0x19, 0(%0); cache 0x10, 0(%0)" : : "r"(a) : "memory");
    __asm__ volatile("sync" ::: "memory");
}

static void copy(uint8_t *dst, const uint8_t *src, uint32_t n)
{
    if ((((uintptr_t)dst | (uintptr_t)src) & 3u) == 0) {
        for (; n >= 4; n -= 4, dst += 4, src += 4)
            *(uint32_t *)dst = *(const uint32_t *)src;
    }
    while (n--)
        *dst++ = *src++;
}

static void zero(uint8_t *dst, uint32_t n)
{
    while (n--)
        *dst++ = 0;
}

/* Copies the kernel's segments (the ELF file in the first `file_max` bytes at `file`) into
 * RAM below `limit`; returns its entry point. */
static uint32_t load_elf(const uint8_t *file, uint32_t file_max, uint32_t limit)
{
    const elf32_ehdr_t *eh = (const elf32_ehdr_t *)file;
    if (eh->ident[0] != 0x7F || eh->ident[1] != 'E' || eh->ident[2] != 'L' ||
        eh->ident[3] != 'F')
        fail("no ELF file in the flash");
    if (eh->ident[4] != 1 || eh->ident[5] != 1 || eh->machine != EM_MIPS ||
        eh->type != ET_EXEC)
        fail("the ELF file is not a 32-bit little-endian MIPS executable");
    if (eh->phentsize != sizeof(elf32_phdr_t) ||
        eh->phoff + (uint32_t)eh->phnum * sizeof(elf32_phdr_t) > file_max)
        fail("bad program header table");
    if (eh->entry >= limit)
        fail(eh->entry >= ARCH_OFFSET ? "the kernel is linked at arch addresses; "
             "the guest ABI wants real ones (kseg0 window at 0x00000000)"
             : "the entry point is outside RAM");
    const elf32_phdr_t *ph = (const elf32_phdr_t *)(file + eh->phoff);
    uint32_t loaded = 0;
    for (uint32_t i = 0; i < eh->phnum; i++, ph++) {
        if (ph->type != PT_LOAD || !ph->memsz)
            continue;
        if (ph->filesz > ph->memsz || ph->offset > file_max ||
            ph->filesz > file_max - ph->offset)
            fail("a segment lies outside the flash before its environment block");
        if (ph->vaddr > limit || ph->memsz > limit - ph->vaddr)
            fail(ph->vaddr >= ARCH_OFFSET ? "a segment is linked at arch addresses; "
                 "the guest ABI wants real ones (kseg0 window at 0x00000000)"
                 : "a segment does not fit in RAM below the boot stack");
        gcons_puts("boot: segment ");
        gcons_dec(i);
        gcons_puts(": [");
        gcons_dec(ph->filesz);
        gcons_puts(" bytes from the flash + ");
        gcons_dec(ph->memsz - ph->filesz);
        gcons_puts(" zeroed] at ");
        gcons_hex(ph->vaddr + ARCH_OFFSET);
        gcons_putc('\n');
        uint8_t *dst = (uint8_t *)(uintptr_t)ph->vaddr;
        copy(dst, file + ph->offset, ph->filesz);
        zero(dst + ph->filesz, ph->memsz - ph->filesz);
        cache_sync(ph->vaddr, ph->memsz);
        loaded++;
    }
    if (!loaded)
        fail("the ELF file has nothing to load");
    return eh->entry;
}

/* start.S: true when a store to *addr took an exception. */
bool boot_rom_probe(volatile uint32_t *addr);

static bool read_only(uint32_t real)
{
    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)real;
    uint32_t before = *p;
    return boot_rom_probe(p) && *p == before;
}

/* The hypervisor keeps the ROM read-only (its shadow TLB entries for it have no D bit): a
 * store is a bus error, reflected to our BEV vector. Taken with ERL clear (start.S), then
 * the reset state is back for the kernel. */
static void check_read_only(void)
{
    __asm__ volatile("mtc0 %0, $12; ehb" : : "r"(ST_BEV) : "memory");
    bool rom = read_only(0x3FC00000u);
    __asm__ volatile("mtc0 %0, $12; ehb" : : "r"(ST_BEV | ST_ERL) : "memory");
    if (!rom)
        fail("a store to the ROM went through");
    gcons_puts("boot: the ROM is read-only (a store is a bus error)\n");
}

/* The environment in the flash's last block: this boot counted and saved. */
static void environment(const gflash_t *f)
{
    uint32_t block = f->size - f->block_size;
    uint32_t boots = gflash_counter_read(f, block, ENV_MAGIC) + 1;
    bool saved = gflash_counter_write(f, block, ENV_MAGIC, boots);
    gcons_puts("boot: environment in the flash's last block: boot ");
    gcons_dec(boots);
    gcons_puts(saved ? "\n" : ", which could not be saved\n");
}

void boot_main(uint32_t ram_size, uint32_t mode) __attribute__((noreturn));
void boot_main(uint32_t ram_size, uint32_t mode)
{
    gcons_puts("boot: guest boot stage at 0xbfc00000, RAM ");
    gcons_dec(ram_size >> 20);
    gcons_puts(" MiB (a0 = ");
    gcons_hex(ram_size);
    gcons_puts(")\n");
    check_read_only();
    uint32_t limit = ram_size < KSEG0_WINDOW ? ram_size : KSEG0_WINDOW;
    if (limit <= BOOT_STACK_RESERVE)
        fail("too little RAM");
    limit -= BOOT_STACK_RESERVE;
    gflash_t f;
    if (!gflash_probe(&f, GFLASH_REAL))
        fail("no CFI flash at 0xbe000000");
    gcons_puts("boot: CFI flash at 0xbe000000, ");
    gcons_dec(f.size >> 10);
    gcons_puts(" KiB in blocks of ");
    gcons_dec(f.block_size >> 10);
    gcons_puts(" KiB\n");
    environment(&f);
    gcons_puts("boot: kernel ELF in the flash at 0xbe000000\n");
    uint32_t entry = load_elf((const uint8_t *)(uintptr_t)GFLASH_REAL, f.size - f.block_size,
                              limit);
    gcons_puts("boot: starting the kernel at ");
    gcons_hex(entry + ARCH_OFFSET);
    gcons_puts(" with a0 = RAM size\n");
    void (*kernel)(uint32_t, uint32_t) = (void (*)(uint32_t, uint32_t))(uintptr_t)entry;
    kernel(ram_size, mode);
    fail("the kernel returned");
}
