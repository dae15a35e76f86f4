/* kseg boot ROM, stage 2: start-up, autoboot and the prompt.
 *
 * start.S calls bootrom_main(ram_size) once, running cached from RAM with a stack, the
 * consoles set up and exceptions still vectored to the flash. From here: find the consoles,
 * read kseg's boot descriptor (roms/include/kseg_boot.h), fill the environment, route the
 * PCI interrupts, then either count down to `boot` (when kseg was given -kernel) or read
 * commands at the prompt, forever. */
#include "bootrom.h"
#include "cp0.h"
#include "kseg_boot.h"

boot_info_t boot_info;

#define PROMPT "kseg> "
#define LINE_MAX 1024

/* kseg writes the descriptor before the CPU leaves reset; QEMU never does, and then the
 * magic is missing. The checksum makes the sum of the ten words zero. */
static void read_descriptor(void)
{
    const volatile kseg_boot_desc_t *d = kseg0_ptr(KSEG_BOOT_DESC_PADDR);
    const volatile uint32_t *w = (const volatile uint32_t *)d;
    if (d->magic != KSEG_BOOT_MAGIC)
        return;
    uint32_t sum = 0;
    for (unsigned i = 0; i < sizeof(*d) / 4; i++)
        sum += w[i];
    if (d->version != KSEG_BOOT_VERSION || sum != 0) {
        printf("kseg: boot descriptor at 0x%08x has version %u, checksum %s: ignored\n",
               KSEG_BOOT_DESC_PADDR, d->version, sum ? "bad" : "good");
        return;
    }
    boot_info.have_desc = true;
    if (d->ram_size > boot_info.ram_size)
        boot_info.ram_size_total = d->ram_size;
    uint32_t ram = boot_info.ram_size;
    uint32_t rom_len = ROM_RAM_END - ROM_RAM_START;

    if (d->kernel_paddr && d->kernel_size) {
        if (d->kernel_paddr >= ram || d->kernel_size > ram - d->kernel_paddr ||
            ranges_overlap(d->kernel_paddr, d->kernel_size, ROM_RAM_START, rom_len))
            printf("kseg: kernel at 0x%08x (0x%x bytes) is outside usable RAM: ignored\n",
                   d->kernel_paddr, d->kernel_size);
        else {
            boot_info.kernel_paddr = d->kernel_paddr;
            boot_info.kernel_size = d->kernel_size;
        }
    }
    if (d->initrd_paddr && d->initrd_size) {
        if (d->initrd_paddr >= ram || d->initrd_size > ram - d->initrd_paddr ||
            ranges_overlap(d->initrd_paddr, d->initrd_size, ROM_RAM_START, rom_len) ||
            (d->initrd_paddr & 0xFFF))
            printf("kseg: initrd at 0x%08x (0x%x bytes) is not page-aligned in usable RAM: "
                   "ignored\n", d->initrd_paddr, d->initrd_size);
        else {
            boot_info.initrd_paddr = d->initrd_paddr;
            boot_info.initrd_size = d->initrd_size;
        }
    }
    if (d->cmdline_paddr && d->cmdline_size) {
        const char *cmdline = kseg0_ptr(d->cmdline_paddr);
        if (d->cmdline_paddr >= ram || d->cmdline_size >= ENV_VALUE_MAX ||
            d->cmdline_size > ram - d->cmdline_paddr - 1 || cmdline[d->cmdline_size] != '\0')
            printf("kseg: command line at 0x%08x (%u bytes) is too long or not terminated: "
                   "ignored\n", d->cmdline_paddr, d->cmdline_size);
        else
            env_set("bootargs", cmdline);
    }
}

/* The environment, in order of precedence: what kseg's descriptor says (-append, set by
 * read_descriptor), then the memory this machine has, then what saveenv left in the flash
 * (which replaces the defaults, as in U-Boot), then the defaults. */
static void env_defaults(void)
{
    env_set("modetty0", "38400n8r");
    env_set("bootdelay", "1");
    env_set("bootfile", "vmlinux");
}

static void env_memory(void)
{
    char num[16];
    snprintf(num, sizeof(num), "%u", boot_info.ram_size);
    env_set("memsize", num);
    snprintf(num, sizeof(num), "%u", boot_info.ram_size_total);
    env_set("ememsize", num);
}

/* Counts bootdelay seconds down on CP0 Count; any key stops it. True: go ahead and boot. */
static bool autoboot_wait(void)
{
    uint32_t delay;
    const char *s = env_get("bootdelay");
    if (s && !strcmp(s, "-1"))
        return false;                   /* -1: never boot by itself, as in U-Boot */
    if (!s || !parse_u32(s, &delay))
        delay = 0;
    if (console_getc_nowait() >= 0)
        return false;
    for (; delay; delay--) {
        printf("\rautoboot in %u s; press any key for the prompt ", delay);
        uint32_t start = read_count();
        while (read_count() - start < COUNT_HZ)
            if (console_getc_nowait() >= 0) {
                printf("\n");
                return false;
            }
    }
    printf("\n");
    return true;
}

/* Reads one line with echo. Backspace (^H or DEL) erases a character, ^U the line, ^C
 * abandons it. A line ends at CR or LF; the LF of a CR LF pair is skipped. */
static void read_line(char *buf, unsigned size)
{
    static bool after_cr;
    unsigned n = 0;
    for (;;) {
        int c = console_getc();
        bool was_cr = after_cr;
        after_cr = c == '\r';
        if (c == '\n' && was_cr)
            continue;
        if (c == '\r' || c == '\n') {
            console_puts("\n");
            buf[n] = '\0';
            return;
        }
        if (c == '\b' || c == 0x7F) {
            if (n) {
                n--;
                console_puts("\b \b");
            }
        } else if (c == 0x15) {         /* ^U */
            for (; n; n--)
                console_puts("\b \b");
        } else if (c == 0x03) {         /* ^C */
            console_puts("^C\n");
            buf[0] = '\0';
            return;
        } else if (c >= ' ' && c < 0x7F && n + 1 < size) {
            buf[n++] = (char)c;
            console_putc((char)c);
        }
    }
}

void bootrom_main(uint32_t ram_size);
void bootrom_main(uint32_t ram_size)
{
    console_init();
    lcd_show("STAGE 2");
    boot_info.ram_size = ram_size;
    boot_info.ram_size_total = ram_size;
    printf("kseg boot ROM, stage 2: C, running from RAM in kseg0\n");
    printf("  consoles: SuperIO UART 0x3f8 %s, CBUS UART %s\n",
           console_superio_present() ? "present" : "absent",
           console_cbus_present() ? "present" : "absent");

    env_defaults();
    env_load();
    read_descriptor();
    if (!boot_info.have_desc && boot_info.ram_size == LOW_RAM_MAX)
        boot_info.ram_size_total = board_probe_high_ram();
    env_memory();
    board_init();
    printf("  ram: %u MiB at physical 0, %u MiB in all; type 'help' for the commands\n",
           boot_info.ram_size >> 20, boot_info.ram_size_total >> 20);

    if (boot_info.kernel_size) {
        printf("kseg: kernel 0x%x bytes at physical 0x%08x", boot_info.kernel_size,
               boot_info.kernel_paddr);
        if (boot_info.initrd_size)
            printf(", initrd 0x%x bytes at 0x%08x", boot_info.initrd_size,
                   boot_info.initrd_paddr);
        printf("\n");
        if (autoboot_wait())
            linux_boot(boot_info.kernel_paddr, boot_info.kernel_size);
    }

    static char line[LINE_MAX];
    for (;;) {
        lcd_show("kseg>");
        console_puts(PROMPT);
        read_line(line, sizeof(line));
        cmd_run_line(line);
    }
}
