/* The guest boot stage (issue 8): what a guest's U-Boot does, in a page of C.
 *
 * The hypervisor starts a VCPU given a boot stage as a board starts after a reset: at arch
 * 0xBFC00000, Status = BEV | ERL, running from its read-only "ROM" (GPA 0x1FC00000) through
 * the uncached kseg1 view, with a0 = the size of its RAM (and a1 = a mode word for the
 * kernel). The kernel is an ELF file in the guest's flash, GPA 0x1E000000 (read-only too, as
 * on a Malta; the hypervisor placed it there). This stage:
 *   1. prints a banner with the RAM size it was given, and checks that its ROM and the
 *      flash are read-only: a store to either must be a bus error and change nothing;
 *   2. checks the ELF header (32-bit, little-endian, MIPS, executable) and copies every
 *      PT_LOAD segment to its address in RAM, zeroing what the file does not hold (.bss);
 *   3. writes the data cache back and invalidates the instruction cache over what it
 *      wrote (CACHE Hit_Writeback_D / Hit_Invalidate_I: the hypervisor emulates both), so
 *      the kernel's code is what gets fetched;
 *   4. jumps to the entry point with a0 = the RAM size and a1 = the mode word, Status
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

#include "guest.h"

#define FLASH_REAL      0x3E000000u     /* arch 0xBE000000 = GPA 0x1E000000, uncached */
#define FLASH_SIZE      0x00400000u     /* the window: 4 MiB */
#define ARCH_OFFSET     0x80000000u     /* arch = real + this in the kernel view */
#define KSEG0_WINDOW    0x20000000u     /* real 0..here is the guest's kseg0 */
#define BOOT_STACK_RESERVE 0x10000u     /* the top 64 KiB of RAM: this stage's stack */

/* ---- Console ---------------------------------------------------------------------------- */

static void putc_(char c)
{
    while (!(UART[5] & UART_LSR_THRE))
        ;
    UART[0] = (uint8_t)c;
}

static void puts_(const char *s)
{
    while (*s) {
        if (*s == '\n')
            putc_('\r');
        putc_(*s++);
    }
}

static void put_hex(uint32_t v)
{
    puts_("0x");
    for (int shift = 28; shift >= 0; shift -= 4)
        putc_("0123456789abcdef"[(v >> shift) & 0xFu]);
}

static void put_dec(uint32_t v)
{
    char tmp[10];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    while (n)
        putc_(tmp[--n]);
}

static void __attribute__((noreturn)) reset(void)
{
    *FPGA_SOFTRES = SOFTRES_GORESET;
    for (;;)
        ;
}

static void __attribute__((noreturn)) fail(const char *why)
{
    puts_("boot: ");
    puts_(why);
    puts_(", giving up\n");
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
    puts_("boot: unexpected exception, Cause ");
    put_hex(mfc0_cause());
    puts_(" EPC ");
    put_hex(mfc0_epc());
    putc_('\n');
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

/* Copies the kernel's segments into RAM below `limit`; returns its entry point. */
static uint32_t load_elf(const uint8_t *file, uint32_t limit)
{
    const elf32_ehdr_t *eh = (const elf32_ehdr_t *)file;
    if (eh->ident[0] != 0x7F || eh->ident[1] != 'E' || eh->ident[2] != 'L' ||
        eh->ident[3] != 'F')
        fail("no ELF file in the flash");
    if (eh->ident[4] != 1 || eh->ident[5] != 1 || eh->machine != EM_MIPS ||
        eh->type != ET_EXEC)
        fail("the ELF file is not a 32-bit little-endian MIPS executable");
    if (eh->phentsize != sizeof(elf32_phdr_t) ||
        eh->phoff + (uint32_t)eh->phnum * sizeof(elf32_phdr_t) > FLASH_SIZE)
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
        if (ph->filesz > ph->memsz || ph->offset > FLASH_SIZE ||
            ph->filesz > FLASH_SIZE - ph->offset)
            fail("a segment lies outside the flash");
        if (ph->vaddr > limit || ph->memsz > limit - ph->vaddr)
            fail(ph->vaddr >= ARCH_OFFSET ? "a segment is linked at arch addresses; "
                 "the guest ABI wants real ones (kseg0 window at 0x00000000)"
                 : "a segment does not fit in RAM below the boot stack");
        puts_("boot: segment ");
        put_dec(i);
        puts_(": [");
        put_dec(ph->filesz);
        puts_(" bytes from the flash + ");
        put_dec(ph->memsz - ph->filesz);
        puts_(" zeroed] at ");
        put_hex(ph->vaddr + ARCH_OFFSET);
        putc_('\n');
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

/* The hypervisor keeps the ROM and the flash read-only (its shadow TLB entries for them
 * have no D bit): a store is a bus error, reflected to our BEV vector. Taken with ERL
 * clear (start.S), then the reset state is back for the kernel. */
static void check_read_only(void)
{
    __asm__ volatile("mtc0 %0, $12; ehb" : : "r"(ST_BEV) : "memory");
    bool rom = read_only(0x3FC00000u), flash = read_only(FLASH_REAL);
    __asm__ volatile("mtc0 %0, $12; ehb" : : "r"(ST_BEV | ST_ERL) : "memory");
    if (!rom || !flash)
        fail(!rom ? "a store to the ROM went through" : "a store to the flash went through");
    puts_("boot: ROM and flash are read-only (a store is a bus error)\n");
}

void boot_main(uint32_t ram_size, uint32_t mode) __attribute__((noreturn));
void boot_main(uint32_t ram_size, uint32_t mode)
{
    puts_("boot: guest boot stage at 0xbfc00000, RAM ");
    put_dec(ram_size >> 20);
    puts_(" MiB (a0 = ");
    put_hex(ram_size);
    puts_(")\n");
    check_read_only();
    uint32_t limit = ram_size < KSEG0_WINDOW ? ram_size : KSEG0_WINDOW;
    if (limit <= BOOT_STACK_RESERVE)
        fail("too little RAM");
    limit -= BOOT_STACK_RESERVE;
    puts_("boot: kernel ELF in the flash at 0xbe000000\n");
    uint32_t entry = load_elf((const uint8_t *)(uintptr_t)FLASH_REAL, limit);
    puts_("boot: starting the kernel at ");
    put_hex(entry + ARCH_OFFSET);
    puts_(" with a0 = RAM size\n");
    void (*kernel)(uint32_t, uint32_t) = (void (*)(uint32_t, uint32_t))(uintptr_t)entry;
    kernel(ram_size, mode);
    fail("the kernel returned");
}
