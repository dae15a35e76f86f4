/* The hypervisor's C entry: from start.S with the boot ROM's Linux-style arguments. */
#include "hv.h"
#include "hthread.h"
#include "hwnet.h"
#include "term.h"
#include "vcpu.h"
#include "vdev.h"
#include "vflash.h"
#include "vne2k.h"
#include "vsched.h"

hv_boot_t hv_boot;

/* The boot arguments are words: "selftest" runs the built-in self-test (also the default
 * when no word says otherwise); "guest=NAME[,NAME...]" starts one VCPU per name from the
 * guest table (guests.S), g0, g1, ... in that order, and "guest" alone is "guest=hello".
 * A name written "boot:NAME" starts that VCPU in the guest boot stage (roms/guests/boot)
 * at its reset vector, which loads NAME's ELF file from the guest's flash: e.g.
 * "guest=boot:rtos,rtos". Both: the self-test first. "netcheck" checks the board's own
 * network card against the user network's gateway (netcheck.c), after the self-test if
 * asked for, and halts. */

/* The word `word` or, with `value`, "word=..." (*value then points after the '='). */
static bool boot_word_value(const char *word, const char **value)
{
    size_t n = strlen(word);
    for (int32_t i = 1; i < hv_boot.argc; i++) {
        for (const char *p = hv_boot.argv[i]; *p; p++) {
            bool match = p == hv_boot.argv[i] || p[-1] == ' ';
            for (size_t k = 0; match && k < n; k++)
                match = p[k] == word[k];
            if (!match)
                continue;
            if (p[n] == '\0' || p[n] == ' ') {
                if (value)
                    *value = NULL;
                return true;
            }
            if (value && p[n] == '=') {
                *value = p + n + 1;
                return true;
            }
        }
    }
    return false;
}

static bool boot_word(const char *word)
{
    return boot_word_value(word, NULL);
}

/* guests.S: the table of built-in guests. */
typedef struct guest_entry {
    const char *name;
    const char *image, *end;
    uint32_t mode;              /* handed to the guest in a1 */
    const char *elf, *elf_end;  /* the same kernel as an ELF file for the boot stage, or 0 */
} guest_entry_t;
extern const guest_entry_t guest_table[], guest_table_end[];
extern const char guest_boot_stage[], guest_boot_stage_end[];
extern char _end[];

static const guest_entry_t *find_guest(const char *name, size_t len)
{
    for (const guest_entry_t *g = guest_table; g < guest_table_end; g++)
        if (strlen(g->name) == len && !memcmp(g->name, name, len))
            return g;
    return NULL;
}

static vcpu_t vcpu_slots[VSCHED_MAX_VCPUS];

/* The boot words as one line, which every guest gets (vcpu_set_args): a guest takes its
 * own settings from it (the net guest's udp=PORT). */
static char cmdline[256];

static void join_cmdline(void)
{
    size_t n = 0;
    for (int32_t i = 1; i < hv_boot.argc; i++) {
        for (const char *p = hv_boot.argv[i]; *p && n + 2 < sizeof(cmdline); p++)
            cmdline[n++] = *p;
        if (i + 1 < hv_boot.argc && n + 2 < sizeof(cmdline))
            cmdline[n++] = ' ';
    }
    cmdline[n] = '\0';
}

/* Guest gN gets VCPU_RAM_SIZE of RAM at host physical VCPU_RAM_SIZE * (N + 1) (vcpu.h):
 * at most VSCHED_MAX_VCPUS guests (one host ASID block each), and as many as RAM holds. */
static uint32_t load_guest(uint32_t n, const guest_entry_t *g, bool boot)
{
    vcpu_t *v = &vcpu_slots[n];
    char name[VCPU_NAME_MAX];
    snprintf(name, sizeof(name), "g%u", n);
    uint32_t hpa = VCPU_RAM_SIZE * (n + 1);
    uint32_t size = (uint32_t)(g->end - g->image);
    if (n >= VSCHED_MAX_VCPUS) {
        printf("hv: no VCPU for guest %s (%s): at most %u guests\n", name, g->name,
               VSCHED_MAX_VCPUS);
        return 0;
    }
    if ((uint32_t)(uintptr_t)_end - KSEG0 > VCPU_RAM_SIZE ||
        hv_boot.memsize < hpa + VCPU_RAM_SIZE) {
        printf("hv: no room for guest %s (%s): %u MiB of RAM holds %u guests of %u MiB\n",
               name, g->name, hv_boot.memsize >> 20,
               hv_boot.memsize / VCPU_RAM_SIZE ? hv_boot.memsize / VCPU_RAM_SIZE - 1 : 0,
               VCPU_RAM_SIZE >> 20);
        return 0;
    }
    if (boot && !g->elf) {
        printf("hv: guest %s: %s has no ELF file for the boot stage (guests.S)\n", name,
               g->name);
        return 0;
    }
    uint32_t stage_size = (uint32_t)(guest_boot_stage_end - guest_boot_stage);
    uint32_t elf_size = boot ? (uint32_t)(g->elf_end - g->elf) : 0;
    if (!vcpu_init(v, (uint8_t)n, name, hpa, VCPU_RAM_SIZE) ||
        !(boot ? vcpu_load_boot(v, guest_boot_stage, stage_size)
               : vcpu_load(v, g->image, size))) {
        printf("hv: guest %s (%s) cannot be loaded\n", name, g->name);
        return 0;
    }
    v->frame.gpr[5] = g->mode;                  /* a1 */
    vcpu_set_args(v, cmdline);                  /* a2 */
    vdev_create_all(v, g->name);
    /* The boot stage loads the kernel from the guest's flash (vflash.c). */
    if (boot && !vflash_install(v, VCPU_GPA_FLASH, g->elf, elf_size))
        return 0;
    if (boot)
        printf("hv: guest %s: %u MiB of RAM at host 0x%08x, boot stage [%u bytes] in its ROM "
               "at GPA 0x%08x (read-only), kernel [%s.elf, %u bytes] in its flash at GPA "
               "0x%08x\n", name, VCPU_RAM_SIZE >> 20, hpa, stage_size, VCPU_GPA_BOOTROM,
               g->name, elf_size, VCPU_GPA_FLASH);
    else
        printf("hv: guest %s: %u MiB of RAM at host 0x%08x, image [%s, %u bytes] at GPA "
               "0x%08x\n", name, VCPU_RAM_SIZE >> 20, hpa, g->name, size, VCPU_LOAD_GPA);
    return 1;
}

static void report(const vcpu_t *v)
{
    printf("hv: guest %s was interrupted by the hypervisor's tick: %s\n", v->name,
           v->ticks ? "yes" : "no");
    uint32_t exits = 0;
    for (unsigned i = 0; i < 32; i++)
        exits += v->exits[i];
    /* Int exits that were not ticks: the host timer woke the CPU at the guest's Compare
     * (on QEMU, whose timers follow the host's clock, a loaded host may deliver it so late
     * that the tick is due by then: informational only). */
    printf("hv: guest %s statistics [%u exits: %u Int (%u ticks, %u guest timer deadlines), "
           "%u CpU, %u TLB, %u reflected, %u emulated, %u shadow fills, %u runs, %u waits]\n",
           v->name, exits, v->exits[0], v->ticks, v->exits[0] - v->ticks, v->exits[11],
           v->exits[1] + v->exits[2] + v->exits[3], v->reflected, v->emulated,
           v->shadow_fills, v->runs, v->waits);
}

/* Starts the guests `list` names (comma-separated) and waits in the main thread (on the
 * hypercore) until every one has exited or been stopped. */
static void run_guests(const char *list)
{
    uint32_t n = 0;
    vcpu_host_init();
    join_cmdline();
    vdev_tree_init();
    for (const char *p = list; *p && *p != ' ';) {
        size_t len = 0;
        bool boot = p[0] == 'b' && p[1] == 'o' && p[2] == 'o' && p[3] == 't' && p[4] == ':';
        if (boot)
            p += 5;
        while (p[len] && p[len] != ',' && p[len] != ' ')
            len++;
        const guest_entry_t *g = find_guest(p, len);
        if (!g) {
            char name[24];
            size_t k = len < sizeof(name) - 1 ? len : sizeof(name) - 1;
            memcpy(name, p, k);
            name[k] = '\0';
            printf("hv: no guest named '%s' (guests.S)\n", name);
        }
        else
            n += load_guest(n, g, boot);
        p += len;
        if (*p == ',')
            p++;
    }
    if (!n)
        return;
    vcpu_t *list_v[VSCHED_MAX_VCPUS];
    for (uint32_t i = 0; i < n; i++)
        list_v[i] = &vcpu_slots[i];
    vcpu_sched_start(list_v, n);
    while (vcpu_live())
        hthread_sleep(1);
    for (uint32_t i = 0; i < n; i++)
        report(&vcpu_slots[i]);
    if (vne2k_in_use())
        vne2k_print_net();          /* what the guests' network carried */
}

void hv_main(int32_t argc, const char *const *argv, const char *const *envp, uint32_t memsize);
void hv_main(int32_t argc, const char *const *argv, const char *const *envp, uint32_t memsize)
{
    hv_boot = (hv_boot_t){ argc, argv, envp, memsize };
    console_init();
    exc_init();
    printf("\nhv: kseg hypervisor, %u MiB of RAM, EBase 0x%08x\n", memsize >> 20,
           read_c0(C0_EBASE));
    hthread_init();
    timer_init();
    irq_enable();
    printf("hv: timer %u Hz on IP7, slice %u ticks, %u thread slots of %u bytes\n",
           TIMER_HZ, HTHREAD_SLICE_TICKS, HTHREAD_MAX, HTHREAD_STACK_SIZE);
    const char *guests = NULL;
    bool guest = boot_word_value("guest", &guests);
    bool term = boot_word("term");      /* the management terminal (term.c) */
    bool netcheck = boot_word("netcheck");
    if (boot_word("selftest") || !(guest || term || netcheck))
        selftest_run();
    if (netcheck)
        netcheck_run();                 /* halts the board */
    if (term)
        term_start();
    if (guest)
        run_guests(guests ? guests : "hello");
    if (term)
        term_wait();                    /* `halt` on the terminal ends the board */
    hv_halt();
}

/* How long the board waits for the guests' flash writes to reach its flash before it
 * stops: 2 s, far more than any write-back takes, short enough for a guest that never
 * stops writing. */
#define HALT_FLASH_SYNC_TICKS   (2 * TIMER_HZ)

void hv_halt(void)
{
    vflash_sync(HALT_FLASH_SYNC_TICKS);
    irq_save();
    *(volatile uint32_t *)FPGA_SOFTRES = SOFTRES_GORESET;
    for (;;)
        __asm__ volatile("wait");       /* a real board resets; an emulator may not */
}
