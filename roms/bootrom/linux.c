/* Starting a kernel the way Malta Linux expects from YAMON, and exactly as QEMU's -kernel
 * loader does it (malta.md section 10):
 *
 *   a0 = argc = 2
 *   a1 = argv  = 0x80002000: { kernel name, command line }
 *   a2 = envp  = 0x80002008: { "memsize", "<bytes>", "ememsize", "<bytes>",
 *                              "modetty0", "38400n8r", [initrd_start, initrd_size,] NULL }
 *   a3 = memory size in bytes, at most 256 MiB
 *   sp = 0x80001FC0, Status = BEV only, Config.K0 = 2 (kseg0 uncached), PC = ELF entry
 *
 * With an initrd, the command line starts with "rd_start=0x8....... rd_size=N ", which is how
 * Linux 6.1 finds it; the initrd_start/initrd_size variables are what U-Boot passes as well.
 * The table lives at physical 0x2000, like QEMU's: 16 pointers, then 16 string slots of 256
 * bytes from 0x2040. argv and envp are the same array seen from two places. Linux treats
 * 0x1000..0xEFFFF as firmware memory, so the table is still there when it reads it.
 * QEMU also passes "rngseed" with 32 random bytes; the boot ROM has no entropy source to
 * offer, and a guessable seed would be worse than none, so it does not. */
#include "bootrom.h"
#include "cp0.h"

typedef struct envp_table {
    uint32_t slot[ENVP_ENTRIES];            /* kseg0 pointers; argv = &slot[0], envp = &slot[2] */
    char text[ENVP_ENTRIES][ENVP_ENTRY_SIZE];
} envp_table_t;

_Static_assert(ENVP_PADDR + sizeof(envp_table_t) <= ENVP_OVERFLOW_PADDR,
               "the table (0x2000-0x303F) ends before the overflow area");

typedef struct table_writer {
    envp_table_t *t;
    unsigned n;                             /* entries used */
    char *overflow;                         /* next free byte for strings over 255 chars */
} table_writer_t;

/* Adds one string: in its own slot when it fits (QEMU's layout), else in the overflow area. */
static bool table_add(table_writer_t *w, const char *s)
{
    if (w->n + 1 >= ENVP_ENTRIES) {         /* keep one entry for the NULL */
        printf("boot: too many arguments and variables for the table\n");
        return false;
    }
    size_t len = strlen(s);
    char *dst = w->t->text[w->n];
    if (len >= ENVP_ENTRY_SIZE) {
        if ((uint32_t)(uintptr_t)w->overflow + len + 1 > kseg0_addr(ENVP_END_PADDR)) {
            printf("boot: the command line is too long (%u characters)\n", (unsigned)len);
            return false;
        }
        dst = w->overflow;
        w->overflow += len + 1;
    }
    memcpy(dst, s, len + 1);
    w->t->slot[w->n++] = (uint32_t)(uintptr_t)dst;
    return true;
}

/* An environment variable for the kernel: the boot ROM's value, or a default. */
static bool table_add_var(table_writer_t *w, const char *name, const char *fallback)
{
    const char *value = env_get(name);
    return table_add(w, name) && table_add(w, value ? value : fallback);
}

void linux_boot(uint32_t file_paddr, uint32_t file_size)
{
    uint32_t memsize;
    if (!env_get_u32("memsize", &memsize) || memsize == 0 || memsize > LOW_RAM_MAX) {
        printf("boot: memsize must be a number of bytes up to 0x%x\n", LOW_RAM_MAX);
        return;
    }
    /* The command line: bootargs, after the initrd's place and size if there is one. */
    static char cmdline[ENVP_END_PADDR - ENVP_OVERFLOW_PADDR];
    static char numbers[2][16];
    const char *bootargs = env_get("bootargs");
    if (!bootargs)
        bootargs = "";
    if (boot_info.initrd_size)
        snprintf(cmdline, sizeof(cmdline), "rd_start=0x%08x rd_size=%u %s",
                 kseg0_addr(boot_info.initrd_paddr), boot_info.initrd_size, bootargs);
    else
        snprintf(cmdline, sizeof(cmdline), "%s", bootargs);

    table_writer_t w = { kseg0_ptr(ENVP_PADDR), 0, kseg0_ptr(ENVP_OVERFLOW_PADDR) };
    const char *name = env_get("bootfile");
    bool ok = table_add(&w, name ? name : "kernel")
              && table_add(&w, cmdline)
              && table_add_var(&w, "memsize", "0")
              && table_add_var(&w, "ememsize", env_get("memsize"))
              && table_add_var(&w, "modetty0", "38400n8r");
    if (ok && boot_info.initrd_size) {
        snprintf(numbers[0], sizeof(numbers[0]), "0x%08x", kseg0_addr(boot_info.initrd_paddr));
        snprintf(numbers[1], sizeof(numbers[1]), "%u", boot_info.initrd_size);
        ok = table_add(&w, "initrd_start") && table_add(&w, numbers[0])
             && table_add(&w, "initrd_size") && table_add(&w, numbers[1]);
    }
    if (!ok)
        return;
    w.t->slot[w.n] = 0;                     /* the NULL that ends envp */

    uint32_t entry;
    lcd_show("LOADING");
    if (!elf_load(file_paddr, file_size, &entry)) {
        lcd_show("BAD ELF");
        return;
    }

    handoff_t h = {
        .entry = entry,
        .a0 = 2,
        .a1 = kseg0_addr(ENVP_PADDR),
        .a2 = kseg0_addr(ENVP_PADDR) + 8,
        .a3 = memsize,
        .sp = KERNEL_SP,
    };
    printf("boot: starting the kernel: a0=%u a1=0x%08x a2=0x%08x a3=0x%08x\n\n",
           h.a0, h.a1, h.a2, h.a3);
    lcd_show("KERNEL");
    boot_handoff(&h);
}
