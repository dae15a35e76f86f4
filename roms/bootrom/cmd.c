/* The commands of the prompt. A line is split into words at spaces (double quotes keep a
 * word together); the first word picks the command, which gets argc/argv like main(). */
#include "bootrom.h"
#include "cp0.h"

typedef struct command {
    const char *name;
    const char *usage;
    const char *help;
    void (*run)(int argc, char **argv);
} command_t;

static void cmd_help(int argc, char **argv);
static void cmd_printenv(int argc, char **argv);
static void cmd_setenv(int argc, char **argv);
static void cmd_saveenv(int argc, char **argv);
static void cmd_md(int argc, char **argv);
static void cmd_mw(int argc, char **argv);
static void cmd_cp(int argc, char **argv);
static void cmd_flinfo(int argc, char **argv);
static void cmd_erase(int argc, char **argv);
static void cmd_go(int argc, char **argv);
static void cmd_boot(int argc, char **argv);
static void cmd_bdinfo(int argc, char **argv);
static void cmd_tlb(int argc, char **argv);
static void cmd_reset(int argc, char **argv);

static const command_t commands[] = {
    { "help", "help", "this list", cmd_help },
    { "printenv", "printenv [NAME...]", "show environment variables", cmd_printenv },
    { "setenv", "setenv NAME [VALUE...]", "set a variable (no value: delete it)", cmd_setenv },
    { "saveenv", "saveenv", "save the variables in the flash's last block", cmd_saveenv },
    { "md", "md[.b|.w|.l] [ADDR [COUNT]]", "memory display (virtual addresses)", cmd_md },
    { "mw", "mw[.b|.w|.l] ADDR VALUE [COUNT]", "memory write", cmd_mw },
    { "cp", "cp[.b|.w|.l] SRC DST COUNT", "memory copy; into the flash: program it", cmd_cp },
    { "flinfo", "flinfo", "the boot flash: CFI data and its blocks", cmd_flinfo },
    { "erase", "erase ADDR +LEN | erase BLOCK", "erase flash blocks", cmd_erase },
    { "go", "go ADDR [ARGS...]", "call ADDR(argc, argv)", cmd_go },
    { "boot", "boot [ADDR [SIZE]]", "load the ELF kernel and start it, Linux style", cmd_boot },
    { "bdinfo", "bdinfo", "board, CPU, memory and boot information", cmd_bdinfo },
    { "tlb", "tlb", "show the TLB entries", cmd_tlb },
    { "reset", "reset", "reset the board", cmd_reset },
    { NULL, NULL, NULL, NULL },
};

/* ---- Helpers ----------------------------------------------------------------------------- */

static const char *const exc_names[32] = {
    "Int", "Mod", "TLBL", "TLBS", "AdEL", "AdES", "IBE", "DBE", "Sys", "Bp", "RI", "CpU",
    "Ov", "Tr", "MSAFPE", "FPE", [18] = "C2E", [19] = "TLBRI", [20] = "TLBXI", [23] = "WATCH",
    [24] = "MCheck", [30] = "CacheErr",
};

void report_fault(const char *what)
{
    uint32_t cause = read_c0(C0_CAUSE);
    const char *name = exc_names[CAUSE_EXCCODE(cause)];
    printf("%s: exception %s (Cause 0x%08x) at address 0x%08x\n", what, name ? name : "?",
           cause, read_c0(C0_BADVADDR));
}

static bool parse_arg(const char *cmd, const char *what, const char *s, uint32_t *v)
{
    if (parse_u32(s, v))
        return true;
    printf("%s: bad %s '%s' (a number: 0x... hexadecimal or decimal)\n", cmd, what, s);
    return false;
}

/* "md", "md.b", "md.w", "md.l": the access size, 4 when there is no suffix. */
static unsigned size_suffix(const char *name)
{
    const char *dot = name;
    while (*dot && *dot != '.')
        dot++;
    if (!*dot)
        return 4;
    if (!strcmp(dot, ".b"))
        return 1;
    if (!strcmp(dot, ".w"))
        return 2;
    if (!strcmp(dot, ".l"))
        return 4;
    return 0;
}

static void usage(const char *name)
{
    for (const command_t *c = commands; c->name; c++)
        if (!strncmp(c->name, name, strlen(c->name)))
            printf("usage: %s\n", c->usage);
}

/* ---- The commands ------------------------------------------------------------------------ */

static void cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    for (const command_t *c = commands; c->name; c++)
        printf("  %-32s %s\n", c->usage, c->help);
}

static void cmd_printenv(int argc, char **argv)
{
    if (argc == 1)
        env_print(NULL);
    for (int i = 1; i < argc; i++)
        env_print(argv[i]);
}

static void cmd_setenv(int argc, char **argv)
{
    if (argc < 2) {
        usage(argv[0]);
        return;
    }
    /* The value is the rest of the words, one space apart. */
    static char value[ENV_VALUE_MAX + 1];
    size_t len = 0;
    value[0] = '\0';
    for (int i = 2; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (len + n + 2 > sizeof(value)) {
            printf("setenv: value longer than %u characters\n", ENV_VALUE_MAX - 1);
            return;
        }
        if (i > 2)
            value[len++] = ' ';
        memcpy(value + len, argv[i], n + 1);
        len += n;
    }
    env_set(argv[1], value);
}

static void cmd_saveenv(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    env_save();
}

static uint32_t md_next_addr = RESET_VECTOR;

static void cmd_md(int argc, char **argv)
{
    unsigned size = size_suffix(argv[0]);
    uint32_t addr = md_next_addr, count = 64 / (size ? size : 1);
    if (!size || argc > 3) {
        usage("md");
        return;
    }
    if (argc > 1 && !parse_arg("md", "address", argv[1], &addr))
        return;
    if (argc > 2 && !parse_arg("md", "count", argv[2], &count))
        return;
    if (addr & (size - 1)) {
        printf("md: address 0x%08x is not a multiple of %u\n", addr, size);
        return;
    }
    unsigned per_line = 16 / size;
    while (count) {
        if (console_getc_nowait() == 0x03) {    /* ^C stops a long dump */
            printf("^C\n");
            break;
        }
        uint8_t bytes[16];
        unsigned n = 0;
        printf("%08x:", addr);
        for (; n < per_line && count; n++, count--) {
            uint32_t v;
            if (safe_read(addr + n * size, size, &v) < 0) {
                printf("\n");
                report_fault("md");
                md_next_addr = addr + n * size;
                return;
            }
            printf(" %0*x", (int)(2 * size), v);
            for (unsigned b = 0; b < size; b++)
                bytes[n * size + b] = (uint8_t)(v >> (8 * b));
        }
        /* The same bytes as characters, padded so that the columns line up. */
        printf("%*s    ", (int)((per_line - n) * (2 * size + 1)), "");
        for (unsigned i = 0; i < n * size; i++)
            console_putc(bytes[i] >= ' ' && bytes[i] < 0x7F ? (char)bytes[i] : '.');
        printf("\n");
        addr += n * size;
    }
    md_next_addr = addr;
}

static void cmd_mw(int argc, char **argv)
{
    unsigned size = size_suffix(argv[0]);
    uint32_t addr, value, count = 1;
    if (!size || argc < 3 || argc > 4) {
        usage("mw");
        return;
    }
    if (!parse_arg("mw", "address", argv[1], &addr) || !parse_arg("mw", "value", argv[2], &value) ||
        (argc > 3 && !parse_arg("mw", "count", argv[3], &count)))
        return;
    if (addr & (size - 1)) {
        printf("mw: address 0x%08x is not a multiple of %u\n", addr, size);
        return;
    }
    for (; count; count--, addr += size)
        if (safe_write(addr, size, value) < 0) {
            report_fault("mw");
            return;
        }
}

/* ---- The flash commands ------------------------------------------------------------------ */

/* The boot ROM's own image: the flash holds it from offset 0 (stage 1, then stage 2's load
 * image); erasing those blocks would leave the next reset nothing to run. */
static uint32_t flash_rom_end(void)
{
    extern char _stage2_load[], _stage2_start[], _stage2_end[];
    return (uint32_t)(uintptr_t)_stage2_load - RESET_VECTOR +
           (uint32_t)(_stage2_end - _stage2_start);
}

/* The blocks from offset 0 that hold this boot ROM: erasing them would leave the next reset
 * nothing to run, so erase and cp refuse to touch them. */
static uint32_t rom_blocks(void)
{
    return (flash_rom_end() + flash_info.block_size - 1) / flash_info.block_size;
}

static bool range_allowed(const char *cmd, uint32_t offset)
{
    uint32_t end = rom_blocks() * flash_info.block_size;
    if (offset >= end)
        return true;
    printf("%s: 0x%08x-0x%08x (blocks 0-%u) hold this boot ROM, which runs from there after "
           "a reset: refused\n", cmd, FLASH_KSEG1, FLASH_KSEG1 + end - 1, rom_blocks() - 1);
    return false;
}

static void cmd_flinfo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (!flash_probe())
        return;
    const flash_info_t *fi = &flash_info;
    printf("flash      %u MiB at physical 0x%08x (0x%08x uncached), CFI command set 0x%04x "
           "(Intel/Sharp)\n", fi->size >> 20, FLASH_PADDR, FLASH_KSEG1, fi->command_set);
    printf("           %u blocks of %u KiB, %u-byte write buffer; manufacturer 0x%04x, "
           "device 0x%04x\n", fi->blocks, fi->block_size >> 10, fi->buffer_size,
           fi->manufacturer, fi->device);
    printf("           longest block erase %u ms, longest buffered program %u us\n",
           fi->erase_timeout_ms, fi->buffer_timeout_us);
    printf("blocks     R: this boot ROM (protected), E: erased, L: locked\n");
    for (uint32_t b = 0; b < fi->blocks; b++) {
        printf("  %2u %08x %c%c%c", b, FLASH_KSEG1 + b * fi->block_size,
               b < rom_blocks() ? 'R' : ' ', flash_block_erased(b) ? 'E' : ' ',
               flash_block_locked(b) ? 'L' : ' ');
        if (b % 5 == 4 || b + 1 == fi->blocks)
            printf("\n");
    }
}

static void cmd_erase(int argc, char **argv)
{
    uint32_t first, count, addr, len;
    if (argc == 2) {
        if (!parse_arg("erase", "block number", argv[1], &first))
            return;
        count = 1;
        if (!flash_probe())
            return;
    } else if (argc == 3 && argv[2][0] == '+') {
        if (!parse_arg("erase", "address", argv[1], &addr) ||
            !parse_arg("erase", "length", argv[2] + 1, &len))
            return;
        if (!flash_offset(addr, &addr)) {
            printf("erase: %s is not in the flash (physical 0x%08x-0x%08x)\n", argv[1],
                   FLASH_PADDR, FLASH_PADDR + FLASH_SIZE - 1);
            return;
        }
        if (!flash_probe())
            return;
        if (addr % flash_info.block_size || len == 0) {
            printf("erase: 0x%08x is not the start of a block (blocks are 0x%x bytes), or the "
                   "length is 0\n", FLASH_KSEG1 + addr, flash_info.block_size);
            return;
        }
        first = addr / flash_info.block_size;
        count = (len + flash_info.block_size - 1) / flash_info.block_size;  /* whole blocks */
    } else {
        usage("erase");
        return;
    }
    if (first >= flash_info.blocks || count > flash_info.blocks - first) {
        printf("erase: the flash has blocks 0-%u\n", flash_info.blocks - 1);
        return;
    }
    uint32_t offset = first * flash_info.block_size, bytes = count * flash_info.block_size;
    if (!range_allowed("erase", offset))
        return;
    printf("Erasing %u block%s at 0x%08x-0x%08x\n", count, count == 1 ? "" : "s",
           FLASH_KSEG1 + offset, FLASH_KSEG1 + offset + bytes - 1);
    for (uint32_t b = first; b < first + count; b++)
        if (!flash_erase_block(b))
            return;
    printf("erase: done\n");
}

/* Copies into the flash through a RAM buffer: while the chip programs, reading it gives
 * status, not data, so a source in the flash itself must be read before each program. */
static void cp_to_flash(uint32_t src, uint32_t offset, uint32_t len, unsigned size)
{
    static uint8_t bounce[2048];
    if (len > FLASH_SIZE - offset) {
        printf("cp: 0x%x bytes at 0x%08x go past the end of the flash\n", len,
               FLASH_KSEG1 + offset);
        return;
    }
    if (!flash_probe() || !range_allowed("cp", offset))
        return;
    printf("Programming 0x%x bytes at 0x%08x\n", len, FLASH_KSEG1 + offset);
    for (uint32_t done = 0; done < len;) {
        uint32_t chunk = len - done < sizeof(bounce) ? len - done : sizeof(bounce);
        for (uint32_t i = 0; i < chunk; i += size) {
            uint32_t v;
            if (safe_read(src + done + i, size, &v) < 0) {
                report_fault("cp");
                return;
            }
            for (unsigned b = 0; b < size; b++)
                bounce[i + b] = (uint8_t)(v >> (8 * b));
        }
        if (!flash_program(offset + done, bounce, chunk) ||
            !flash_verify(offset + done, bounce, chunk))
            return;
        done += chunk;
    }
    printf("cp: done\n");
}

static void cmd_cp(int argc, char **argv)
{
    unsigned size = size_suffix(argv[0]);
    uint32_t src, dst, count, offset;
    if (!size || argc != 4) {
        usage("cp");
        return;
    }
    if (!parse_arg("cp", "source", argv[1], &src) || !parse_arg("cp", "target", argv[2], &dst) ||
        !parse_arg("cp", "count", argv[3], &count))
        return;
    if ((src | dst) & (size - 1)) {
        printf("cp: addresses must be multiples of %u\n", size);
        return;
    }
    if (count > 0xFFFFFFFFu / size) {
        printf("cp: count 0x%x is too large\n", count);
        return;
    }
    if (flash_offset(dst, &offset)) {
        cp_to_flash(src, offset, count * size, size);
        return;
    }
    for (uint32_t i = 0; i < count * size; i += size) {
        uint32_t v;
        if (safe_read(src + i, size, &v) < 0 || safe_write(dst + i, size, v) < 0) {
            report_fault("cp");
            return;
        }
    }
}

static void cmd_go(int argc, char **argv)
{
    uint32_t addr;
    if (argc < 2) {
        usage(argv[0]);
        return;
    }
    if (!parse_arg("go", "address", argv[1], &addr))
        return;
    if (addr & 3) {
        printf("go: address 0x%08x is not a multiple of 4\n", addr);
        return;
    }
    /* Code written with mw (or loaded by the emulator) must reach the instruction fetch. */
    cache_sync_all();
    printf("go: calling 0x%08x\n", addr);
    uint32_t (*fn)(int, char **) = (uint32_t (*)(int, char **))(uintptr_t)addr;
    uint32_t ret = fn(argc - 1, argv + 1);
    printf("go: returned 0x%08x\n", ret);
}

static void cmd_boot(int argc, char **argv)
{
    uint32_t addr, size;
    if (argc == 1) {
        if (!boot_info.kernel_size) {
            printf("boot: no kernel: start kseg with -kernel FILE, or give the address of an "
                   "ELF image in RAM: boot ADDR [SIZE]\n");
            return;
        }
        linux_boot(boot_info.kernel_paddr, boot_info.kernel_size);
        return;
    }
    if (argc > 3) {
        usage(argv[0]);
        return;
    }
    if (!parse_arg("boot", "address", argv[1], &addr))
        return;
    /* A kseg0/kseg1 address or a physical one: the same RAM. */
    if (addr >= KSEG0 && addr < KSEG1 + 0x20000000u)
        addr &= PHYS_MASK;
    if (addr >= boot_info.ram_size) {
        printf("boot: 0x%08x is not in RAM (0x%08x bytes at physical 0)\n", addr,
               boot_info.ram_size);
        return;
    }
    size = boot_info.ram_size - addr;
    if (argc > 2 && !parse_arg("boot", "size", argv[2], &size))
        return;
    if (size > boot_info.ram_size - addr) {
        printf("boot: 0x%x bytes at 0x%08x go past the end of RAM\n", size, addr);
        return;
    }
    linux_boot(addr, size);
}

static void cmd_bdinfo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    board_print_info();
}

static void tlb_read(unsigned index, uint32_t *hi, uint32_t *mask, uint32_t *lo0, uint32_t *lo1)
{
    write_c0(C0_INDEX, index);
    __asm__ volatile("tlbr; ehb" ::: "memory");
    *hi = read_c0(C0_ENTRYHI);
    *mask = read_c0(C0_PAGEMASK);
    *lo0 = read_c0(C0_ENTRYLO0);
    *lo1 = read_c0(C0_ENTRYLO1);
}

static void print_entrylo(uint32_t lo, uint32_t page_size)
{
    if (!(lo & 2)) {
        printf(" %-22s", "invalid");
        return;
    }
    uint32_t pa = (lo >> 6) << 12;
    printf(" pa 0x%08x c%u %c%c", pa & ~(page_size - 1), (lo >> 3) & 7, lo & 4 ? 'D' : '-',
           lo & 1 ? 'G' : '-');
}

static void cmd_tlb(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    /* tlbr overwrites EntryHi (and so the current ASID) and PageMask: keep them. */
    uint32_t saved_hi = read_c0(C0_ENTRYHI), saved_mask = read_c0(C0_PAGEMASK);
    unsigned entries = CONFIG1_MMU_SIZE(read_c0(C0_CONFIG1));
    printf("%u entries, Wired = %u\n", entries, read_c0(C0_WIRED));
    printf("idx EntryHi  PageMask EntryLo0 EntryLo1 page  even page             odd page\n");
    for (unsigned i = 0; i < entries; i++) {
        uint32_t hi, mask, lo0, lo1;
        tlb_read(i, &hi, &mask, &lo0, &lo1);
        uint32_t page = ((mask | 0x1FFFu) + 1) >> 1;      /* bytes per page of the pair */
        printf("%2u  %08x %08x %08x %08x %4u%c", i, hi, mask, lo0, lo1,
               page >= 0x100000 ? page >> 20 : page >> 10, page >= 0x100000 ? 'M' : 'K');
        print_entrylo(lo0, page);
        print_entrylo(lo1, page);
        printf("\n");
    }
    write_c0(C0_ENTRYHI, saved_hi);
    write_c0(C0_PAGEMASK, saved_mask);
}

static void cmd_reset(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("reset: resetting the board\n");
    lcd_show("RESET");
    *(volatile uint32_t *)FPGA_SOFTRES = SOFTRES_GORESET;
    for (;;)
        ;
}

void cmd_run_line(char *line)
{
    char *argv[32];
    int argc = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        if (argc == (int)ARRAY_SIZE(argv) - 1) {
            printf("too many words (at most %u)\n", (unsigned)ARRAY_SIZE(argv) - 1);
            return;
        }
        char *word = p, *out = p;
        bool quoted = false;
        for (; *p && (quoted || (*p != ' ' && *p != '\t')); p++) {
            if (*p == '"')
                quoted = !quoted;
            else
                *out++ = *p;
        }
        if (*p)
            p++;
        *out = '\0';
        argv[argc++] = word;
    }
    argv[argc] = NULL;
    if (argc == 0)
        return;

    /* md.b, md.w, md.l are md with a size. */
    size_t len = 0;
    while (argv[0][len] && argv[0][len] != '.')
        len++;
    for (const command_t *c = commands; c->name; c++)
        if (strlen(c->name) == len && !strncmp(c->name, argv[0], len) &&
            (argv[0][len] == '\0' || c->run == cmd_md || c->run == cmd_mw ||
             c->run == cmd_cp)) {
            c->run(argc, argv);
            return;
        }
    printf("unknown command '%s'; 'help' lists them\n", argv[0]);
}
