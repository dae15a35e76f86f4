/* The ELF32 loader: a MIPS little-endian executable in RAM (as kseg's -kernel put it there)
 * is checked, then its PT_LOAD segments are copied to the physical addresses behind their
 * kseg0/kseg1 virtual addresses, the rest of each segment (.bss) is zeroed, and the entry
 * point is returned. This is what QEMU's -kernel does on the host side; here it runs on the
 * guest CPU, so it can be stepped in gdb.
 *
 * Every check comes before the first byte is copied: a refused image leaves RAM as it was and
 * the boot ROM at its prompt. Each refusal is one line that says what is wrong. */
#include "bootrom.h"
#include "kseg_boot.h"

/* The parts of the ELF format we read (System V ABI, MIPS supplement), little-endian. */
#define EI_NIDENT     16
#define EI_CLASS      4
#define EI_DATA       5
#define EI_VERSION    6
#define ELFCLASS32    1
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define ELFDATA2MSB   2
#define ET_EXEC       2
#define EM_MIPS       8
#define PT_LOAD       1

typedef struct elf32_ehdr {
    uint8_t e_ident[EI_NIDENT];
    uint16_t e_type, e_machine;
    uint32_t e_version, e_entry, e_phoff, e_shoff, e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} elf32_ehdr_t;

typedef struct elf32_phdr {
    uint32_t p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align;
} elf32_phdr_t;

_Static_assert(sizeof(elf32_ehdr_t) == 52, "ELF32 header is 52 bytes");
_Static_assert(sizeof(elf32_phdr_t) == 32, "ELF32 program header is 32 bytes");

static const char *machine_name(unsigned m)
{
    switch (m) {
    case 3: return "x86";
    case 8: return "MIPS";
    case 20: return "PowerPC";
    case 40: return "ARM";
    case 62: return "x86-64";
    case 183: return "AArch64";
    case 243: return "RISC-V";
    default: return "unknown";
    }
}

/* A PT_LOAD segment's place in physical memory. */
typedef struct segment {
    uint32_t offset, filesz, memsz;
    uint32_t vaddr, paddr;
} segment_t;

#define MAX_SEGMENTS 16

static bool in_kseg01(uint32_t vaddr, uint32_t len)
{
    /* The whole segment in kseg0 or in kseg1: both see physical 0..512 MiB untranslated. */
    uint32_t seg = vaddr & 0xE0000000u;
    return (seg == KSEG0 || seg == KSEG1) && (len == 0 || ((vaddr + len - 1) & 0xE0000000u) == seg)
           && vaddr + len >= vaddr;
}

/* One segment against the places it must not land on. */
static bool segment_fits(unsigned i, const segment_t *s, uint32_t file_paddr, uint32_t file_size)
{
    uint32_t end = s->paddr + s->memsz;         /* exclusive */
    if (end > boot_info.ram_size) {
        printf("boot: segment %u (physical 0x%08x-0x%08x) is beyond RAM (0x%08x bytes)\n",
               i, s->paddr, end - 1, boot_info.ram_size);
        return false;
    }
    if (ranges_overlap(s->paddr, s->memsz, ROM_RAM_START, ROM_RAM_END - ROM_RAM_START)) {
        printf("boot: segment %u (physical 0x%08x-0x%08x) overlaps the boot ROM's RAM "
               "0x%08x-0x%08x\n", i, s->paddr, end - 1, ROM_RAM_START, ROM_RAM_END - 1);
        return false;
    }
    if (ranges_overlap(s->paddr, s->memsz, boot_info.initrd_paddr, boot_info.initrd_size)) {
        printf("boot: segment %u (physical 0x%08x-0x%08x) overlaps the initrd at 0x%08x\n",
               i, s->paddr, end - 1, boot_info.initrd_paddr);
        return false;
    }
    if (ranges_overlap(s->paddr, s->memsz, file_paddr, file_size)) {
        printf("boot: segment %u (physical 0x%08x-0x%08x) overlaps the ELF file itself at "
               "0x%08x-0x%08x\n", i, s->paddr, end - 1, file_paddr, file_paddr + file_size - 1);
        return false;
    }
    return true;
}

bool elf_load(uint32_t file_paddr, uint32_t file_size, uint32_t *entry)
{
    const uint8_t *file = kseg0_ptr(file_paddr);
    elf32_ehdr_t eh;

    if (file_size < sizeof(eh)) {
        printf("boot: the image is %u bytes, too short for an ELF header\n", file_size);
        return false;
    }
    memcpy(&eh, file, sizeof(eh));      /* byte copies: the file need not be aligned */
    if (memcmp(eh.e_ident, "\177ELF", 4)) {
        printf("boot: not an ELF file (starts %02x %02x %02x %02x, not 7f 45 4c 46)\n",
               eh.e_ident[0], eh.e_ident[1], eh.e_ident[2], eh.e_ident[3]);
        return false;
    }
    /* e_machine sits at the same offset in ELF64 and (byte-swapped) in big-endian files. */
    unsigned machine = eh.e_ident[EI_DATA] == ELFDATA2MSB
                       ? (unsigned)(eh.e_machine >> 8 | (eh.e_machine & 0xFF) << 8)
                       : eh.e_machine;
    const char *width = eh.e_ident[EI_CLASS] == ELFCLASS64 ? "ELF64" :
                        eh.e_ident[EI_CLASS] == ELFCLASS32 ? "ELF32" : "bad class";
    if (machine != EM_MIPS) {
        printf("boot: not a MIPS ELF: %s, machine %u (%s)\n", width, machine,
               machine_name(machine));
        return false;
    }
    if (eh.e_ident[EI_CLASS] != ELFCLASS32) {
        printf("boot: MIPS %s; this CPU is MIPS32 and loads ELF32 only\n", width);
        return false;
    }
    if (eh.e_ident[EI_DATA] != ELFDATA2LSB) {
        printf("boot: big-endian MIPS ELF; this Malta runs little-endian\n");
        return false;
    }
    if (eh.e_ident[EI_VERSION] != 1 || eh.e_version != 1) {
        printf("boot: unknown ELF version %u\n", eh.e_ident[EI_VERSION]);
        return false;
    }
    if (eh.e_type != ET_EXEC) {
        printf("boot: ELF type %u is not an executable (ET_EXEC = 2); link it at a fixed "
               "address\n", eh.e_type);
        return false;
    }
    if (eh.e_phentsize != sizeof(elf32_phdr_t) || eh.e_phnum == 0 ||
        eh.e_phoff > file_size || eh.e_phnum > (file_size - eh.e_phoff) / sizeof(elf32_phdr_t)) {
        printf("boot: ELF program headers missing or outside the file (%u at offset 0x%x)\n",
               eh.e_phnum, eh.e_phoff);
        return false;
    }

    /* Collect and check the PT_LOAD segments. */
    segment_t segs[MAX_SEGMENTS];
    unsigned nsegs = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        elf32_phdr_t ph;
        memcpy(&ph, file + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (nsegs == MAX_SEGMENTS) {
            printf("boot: more than %u loadable segments\n", MAX_SEGMENTS);
            return false;
        }
        if (ph.p_filesz > ph.p_memsz) {
            printf("boot: segment %u: file size 0x%x larger than its memory size 0x%x\n",
                   nsegs, ph.p_filesz, ph.p_memsz);
            return false;
        }
        if (ph.p_offset > file_size || ph.p_filesz > file_size - ph.p_offset) {
            printf("boot: segment %u: its 0x%x bytes at offset 0x%x go past the end of the "
                   "file (0x%x bytes)\n", nsegs, ph.p_filesz, ph.p_offset, file_size);
            return false;
        }
        if (!in_kseg01(ph.p_vaddr, ph.p_memsz)) {
            printf("boot: segment %u at 0x%08x (0x%x bytes) is not inside kseg0 or kseg1\n",
                   nsegs, ph.p_vaddr, ph.p_memsz);
            return false;
        }
        segment_t *s = &segs[nsegs];
        s->offset = ph.p_offset;
        s->filesz = ph.p_filesz;
        s->memsz = ph.p_memsz;
        s->vaddr = ph.p_vaddr;
        s->paddr = ph.p_vaddr & PHYS_MASK;
        if (!segment_fits(nsegs, s, file_paddr, file_size))
            return false;
        for (unsigned j = 0; j < nsegs; j++)
            if (ranges_overlap(s->paddr, s->memsz, segs[j].paddr, segs[j].memsz)) {
                printf("boot: segments %u and %u overlap\n", j, nsegs);
                return false;
            }
        nsegs++;
    }
    if (nsegs == 0) {
        printf("boot: the ELF file has no loadable segment\n");
        return false;
    }

    /* The entry point must be code we are about to load, in kseg0 or kseg1. */
    bool entry_ok = false;
    if (in_kseg01(eh.e_entry, 4))
        for (unsigned i = 0; i < nsegs; i++)
            if ((eh.e_entry & PHYS_MASK) - segs[i].paddr < segs[i].memsz)
                entry_ok = true;
    if (!entry_ok) {
        printf("boot: entry point 0x%08x is not in a loaded segment in kseg0/kseg1\n",
               eh.e_entry);
        return false;
    }

    /* Copy. Through kseg0: the hand-off writes the data cache back before the jump. */
    for (unsigned i = 0; i < nsegs; i++) {
        const segment_t *s = &segs[i];
        uint8_t *dst = kseg0_ptr(s->paddr);
        memcpy(dst, file + s->offset, s->filesz);
        memset(dst + s->filesz, 0, s->memsz - s->filesz);
        printf("boot: segment %u: 0x%08x, 0x%x bytes from the file, 0x%x zeroed\n",
               i, s->vaddr, s->filesz, s->memsz - s->filesz);
    }
    printf("boot: entry point 0x%08x\n", eh.e_entry);
    *entry = eh.e_entry;
    return true;
}
