/* kseg: command line (QEMU's spellings), the machine, and the main loop.
 *
 * The main loop runs the CPU in slices and polls I/O between them. Virtual time is the
 * instruction count at CPU_CLOCK_HZ (plus the time ISA port accesses take); while the guest
 * sits in WAIT, the loop skips virtual time ahead to the next event, sleeping as long as
 * the wait lasts in virtual time (less when the guest is behind the host), so an idle guest
 * keeps time with the host and costs no CPU, and a busy one runs as fast as the host can.
 * Device timers (devices/vclock.h: the PIT, the RTC) run between slices, and a slice never
 * runs past the next one. Between slices one poll() waits on everything from outside:
 * serial back ends, the gdb socket and the user network's sockets (frontend/net.h), whose
 * deadlines also bound the wait. */
#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/jit.h"
#include "cpu/trace.h"
#include "devices/malta.h"
#include "frontend/boot.h"
#include "frontend/chardev.h"
#include "frontend/debugger.h"
#include "frontend/flash_file.h"
#include "frontend/log.h"
#include "frontend/net.h"

/* Instructions per slice between I/O polls: about a millisecond of guest time at the
 * speeds we run, short enough for interactive serial input to feel immediate. */
#define SLICE_INSNS (1u << 18)

/* Serial back ends in the poll set: more than the three ports (and a gdb console) need. */
#define CHARDEV_POLL_MAX 16

typedef struct options {
    char *machine;
    char *memory;
    char *bios;
    char **pflash;
    char **drive;
    gboolean snapshot;
    char *kernel;
    char *initrd;
    char *append;
    char **serial;
    gboolean nographic;
    gboolean no_reboot;
    gboolean perfmap;
    char *debug_items;
    char *debug_file;
    char *debug_filter;
    gboolean stats;
    gboolean version;
    char *accel;
    char *gdb;
    gboolean gdb_default;
    gboolean start_stopped;
    char **nic;
    char **netdev;
    char **device;
    char **object;
    char **net;
} options_t;

static options_t opts;

static const GOptionEntry option_entries[] = {
    { "M", 0, 0, G_OPTION_ARG_STRING, &opts.machine, "Machine type (only 'malta')", "MACHINE" },
    { "machine", 0, 0, G_OPTION_ARG_STRING, &opts.machine, "Same as -M", "MACHINE" },
    { "m", 0, 0, G_OPTION_ARG_STRING, &opts.memory, "RAM size in MiB (suffix M or G allowed; default 256)", "SIZE" },
    { "bios", 0, 0, G_OPTION_ARG_FILENAME, &opts.bios, "Boot flash image (default: the embedded boot ROM)", "FILE" },
    { "pflash", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opts.pflash, "Boot flash backing file of exactly 4 MiB; the guest's flash writes are stored in it", "FILE" },
    { "drive", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts.drive, "Only if=pflash,format=raw,file=FILE[,readonly=on]: the same as -pflash", "SPEC" },
    { "snapshot", 0, 0, G_OPTION_ARG_NONE, &opts.snapshot, "Leave the -pflash file untouched: flash writes last for the run", NULL },
    { "kernel", 0, 0, G_OPTION_ARG_FILENAME, &opts.kernel, "Kernel ELF for the boot ROM to load and start", "FILE" },
    { "initrd", 0, 0, G_OPTION_ARG_FILENAME, &opts.initrd, "Initial RAM disk handed to the kernel", "FILE" },
    { "append", 0, 0, G_OPTION_ARG_STRING, &opts.append, "Kernel command line", "STRING" },
    { "serial", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts.serial, "Serial port back end, up to three times: stdio, null, file:PATH, tcp::PORT,server,nowait", "DEV" },
    { "nographic", 0, 0, G_OPTION_ARG_NONE, &opts.nographic, "No display; the first serial port on stdio", NULL },
    { "no-reboot", 0, 0, G_OPTION_ARG_NONE, &opts.no_reboot, "Exit instead of rebooting on a software reset", NULL },
    { "perfmap", 0, 0, G_OPTION_ARG_NONE, &opts.perfmap, "Name tier 2's native blocks for perf in /tmp/perf-PID.map", NULL },
    { "d", 0, 0, G_OPTION_ARG_STRING, &opts.debug_items, "Log items: in_asm,out_asm,exec,cpu,int,mmu,guest_errors", "ITEMS" },
    { "dfilter", 0, 0, G_OPTION_ARG_STRING, &opts.debug_filter, "Trace only these address ranges: START..END, START+SIZE, comma-separated", "RANGES" },
    { "D", 0, 0, G_OPTION_ARG_FILENAME, &opts.debug_file, "Write the log to FILE", "FILE" },
    { "gdb", 0, 0, G_OPTION_ARG_STRING, &opts.gdb, "Wait for gdb on DEV: tcp::PORT, tcp:HOST:PORT (add ,console=on to forward serial output)", "DEV" },
    { "s", 0, 0, G_OPTION_ARG_NONE, &opts.gdb_default, "Shorthand for -gdb tcp::1234", NULL },
    { "S", 0, 0, G_OPTION_ARG_NONE, &opts.start_stopped, "Stop before the first instruction (wait for gdb's continue)", NULL },
    { "nic", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts.nic, "Network card with its backend: user[,model=ne2k_pci][,mac=MAC][,id=ID][,USER OPTIONS], or none (the default)", "SPEC" },
    { "netdev", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts.netdev, "Network backend for a -device: user,id=ID[,USER OPTIONS]", "SPEC" },
    { "device", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts.device, "Network card: ne2k_pci,netdev=ID[,mac=MAC] (help lists)", "SPEC" },
    { "object", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts.object, "Packet capture: filter-dump,id=ID,netdev=ID,file=PATH[,maxlen=N]", "SPEC" },
    { "net", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING_ARRAY, &opts.net, "Not supported: use -nic", "SPEC" },
    { "accel", 0, 0, G_OPTION_ARG_STRING, &opts.accel, "Execution tier: interp (the reference interpreter), cached (tier 1: decoded blocks) or jit (the default; tier 2: x86-64 code for hot blocks, tier 1 elsewhere); jit,hot=N compiles a block on its Nth run; help lists", "NAME" },
    { "stats", 0, 0, G_OPTION_ARG_NONE, &opts.stats, "Print instructions executed and MIPS, exceptions by cause and TLB writes at exit", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &opts.version, "Print the version and exit", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

/* QEMU writes long options with one dash (-bios); GOption wants two. Known names are
 * rewritten; anything else starting with a dash is refused here with one clear line. */
static char **normalise_args(int argc, char **argv)
{
    char **out = g_new0(char *, (gsize)argc + 1);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (i == 0 || a[0] != '-' || a[1] == '\0') {
            out[i] = g_strdup(a);
            continue;
        }
        const char *name = a[1] == '-' ? a + 2 : a + 1;
        size_t len = strcspn(name, "=");
        bool known = !strncmp(name, "help", len) && len == 4;
        for (const GOptionEntry *e = option_entries; e->long_name && !known; e++)
            known = strlen(e->long_name) == len && !strncmp(e->long_name, name, len);
        if (!known && strcmp(a, "-h") && strcmp(a, "-?")) {
            fprintf(stderr, "kseg: unknown option '%s' (see kseg -help)\n", a);
            exit(1);
        }
        out[i] = a[1] == '-' ? g_strdup(a) : g_strdup_printf("-%s", a);
        /* The value of an option that takes one is never an option itself. */
        for (const GOptionEntry *e = option_entries; e->long_name; e++)
            if (strlen(e->long_name) == len && !strncmp(e->long_name, name, len) &&
                e->arg != G_OPTION_ARG_NONE && !strchr(name, '=') && i + 1 < argc) {
                i++;
                out[i] = g_strdup(argv[i]);
                break;
            }
    }
    return out;
}

static unsigned parse_log_items(const char *items)
{
    static const struct { const char *name; unsigned bit; } known[] = {
        { "in_asm", LOG_IN_ASM }, { "exec", LOG_EXEC }, { "cpu", LOG_CPU }, { "int", LOG_INT },
        { "mmu", LOG_MMU }, { "guest_errors", LOG_GUEST_ERRORS }, { "unimp", LOG_GUEST_ERRORS },
        { "out_asm", LOG_OUT_ASM },
    };
    unsigned mask = 0;
    char **parts = g_strsplit(items, ",", -1);
    for (int i = 0; parts[i]; i++) {
        unsigned bit = 0;
        for (size_t k = 0; k < G_N_ELEMENTS(known); k++)
            if (!strcmp(parts[i], known[k].name))
                bit = known[k].bit;
        if (!bit)
            fatal("-d: unknown log item '%s' (known: in_asm,out_asm,exec,cpu,int,mmu,guest_errors)",
                  parts[i]);
        mask |= bit;
    }
    g_strfreev(parts);
    return mask;
}

static uint32_t parse_memory(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        fatal("-m: bad size '%s'", s);
    unsigned long long mib;
    if (!*end || !strcmp(end, "M") || !strcmp(end, "m") || !strcmp(end, "MiB"))
        mib = v;
    else if (!strcmp(end, "G") || !strcmp(end, "g") || !strcmp(end, "GiB"))
        mib = v * 1024;
    else
        fatal("-m: bad size '%s'", s);
    if (mib == 0 || mib > (MALTA_MAX_RAM >> 20))
        fatal("-m: %s is out of range (1 to %u MiB)", s, MALTA_MAX_RAM >> 20);
    return (uint32_t)(mib << 20);
}

/* The tier -accel picks when none is given: the fastest, tier 2 (tier 1 on hosts other
 * than x86-64), which every test also runs against the others (tests/diff, the isa suites,
 * Linux and U-Boot with -accel cached and -accel interp). */
#define DEFAULT_ACCEL CPU_ACCEL_JIT

static const struct { const char *name; cpu_accel_t accel; const char *help; } accels[] = {
    { "interp", CPU_ACCEL_INTERP, "the interpreter, one decoded instruction at a time (the reference)" },
    { "cached", CPU_ACCEL_CACHED, "tier 1: decoded basic blocks, cached and chained" },
    { "jit", CPU_ACCEL_JIT, "tier 2: x86-64 native code for hot blocks, tier 1 elsewhere" },
};

/* -accel NAME[,hot=N] (QEMU's spelling; QEMU's own accelerators, tcg and kvm, are not these
 * tiers). `help` lists the tiers and exits. `hot` (jit only): the entries into a run after
 * which tier 2 compiles it (1 compiles everything the first time, as the isa-jit tests
 * want). A host other than x86-64 runs `jit` as `cached`. */
static cpu_accel_t parse_accel(const char *arg, uint8_t *jit_hot)
{
    if (!strcmp(arg, "help")) {
        printf("Accelerators (execution tiers) supported:\n");
        for (size_t i = 0; i < G_N_ELEMENTS(accels); i++)
            printf("%-8s %s\n", accels[i].name, accels[i].help);
        printf("jit takes ,hot=N (1..255, default %u): entries before a block is compiled\n",
               CPU_JIT_HOT_DEFAULT);
        exit(0);
    }
    size_t len = strcspn(arg, ",");
    const char *opt = arg[len] ? arg + len + 1 : NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(accels); i++) {
        if (strlen(accels[i].name) != len || strncmp(arg, accels[i].name, len))
            continue;
        if (opt) {
            char *end;
            unsigned long hot = 0;
            if (accels[i].accel != CPU_ACCEL_JIT || strncmp(opt, "hot=", 4) ||
                (hot = strtoul(opt + 4, &end, 10)) < 1 || hot > 255 || *end || end == opt + 4)
                fatal("-accel: bad option '%s' (only jit takes one: hot=1..255)", opt);
            *jit_hot = (uint8_t)hot;
        }
#if !defined(__x86_64__)
        if (accels[i].accel == CPU_ACCEL_JIT)
            return CPU_ACCEL_CACHED;
#endif
        return accels[i].accel;
    }
    fatal("-accel: unknown accelerator '%.*s' (known: interp, cached, jit)", (int)len, arg);
}

/* -drive as QEMU spells it, for the one drive this board has: if=pflash,format=raw,file=FILE
 * in any order, readonly=on|off optional, ",," standing for a comma inside a value.
 * Anything else is refused with one line. Returns the file name (to free). */
static char *parse_drive(const char *spec, bool *read_only)
{
    static const char supported[] = "only if=pflash,format=raw,file=FILE[,readonly=on] is "
                                    "supported";
    char *file = NULL;
    bool is_pflash = false;
    GArray *items = net_opts_split(spec, NULL);
    for (guint i = 0; i < items->len; i++) {
        const net_opt_t *o = &g_array_index(items, net_opt_t, i);
        const char *key = o->key, *value = o->value ? o->value : "";
        if (!strcmp(key, "if") && !strcmp(value, "pflash"))
            is_pflash = true;
        else if (!strcmp(key, "format") && !strcmp(value, "raw"))
            ;
        else if (!strcmp(key, "file") && *value && !file)
            file = g_strdup(value);
        else if (!strcmp(key, "readonly") && (!strcmp(value, "on") || !strcmp(value, "off")))
            *read_only = !strcmp(value, "on");
        else if (!strcmp(key, "index") && !strcmp(value, "0"))
            ;
        else
            fatal("-drive: '%s%s%s' in '%s': %s", key, o->value ? "=" : "", value, spec,
                  supported);
    }
    g_array_free(items, TRUE);
    if (!is_pflash || !file)
        fatal("-drive: '%s': %s", spec, supported);
    return file;
}

/* The network options, checked as a whole before anything starts; a help request (model=help,
 * -device help) exits with status 0. */
static net_config_t *parse_network(void)
{
    if (opts.net)
        fatal("-net %s: the legacy -net syntax is not supported: use -nic (e.g. -nic "
              "user,model=ne2k_pci) or -netdev user,id=ID with -device ne2k_pci,netdev=ID",
              opts.net[0]);
    static const struct {
        char ***specs;
        net_opt_result_t (*add)(net_config_t *c, const char *spec, char **error);
    } kinds[] = {   /* -nic cards take the first slots, -device cards the next (as QEMU) */
        { &opts.nic, net_config_add_nic }, { &opts.netdev, net_config_add_netdev },
        { &opts.device, net_config_add_device }, { &opts.object, net_config_add_object },
    };
    net_config_t *c = net_config_new();
    char *error = NULL;
    for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++)
        for (char **spec = *kinds[k].specs; spec && *spec; spec++)
            switch (kinds[k].add(c, *spec, &error)) {
            case NET_OPT_HELP:
                exit(0);
            case NET_OPT_ERROR:
                fatal("%s", error);
            case NET_OPT_OK:
                break;
            }
    if (!net_config_finish(c, MALTA_MAX_NICS, &error))
        fatal("%s", error);
    return c;
}

static uint8_t *load_image(const char *what, const char *path, uint32_t max, uint32_t *size)
{
    gchar *data;
    gsize len;
    GError *err = NULL;
    if (!g_file_get_contents(path, &data, &len, &err)) {
        fprintf(stderr, "kseg: %s: %s\n", what, err->message);
        exit(1);
    }
    if (len > max)
        fatal("%s: '%s' is %zu bytes, more than the %u bytes it must fit in", what, path,
              (size_t)len, max);
    if (len == 0)
        fatal("%s: '%s' is empty", what, path);
    *size = (uint32_t)len;
    return (uint8_t *)data;
}

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static volatile sig_atomic_t signalled;
static void on_signal(int sig) { signalled = sig; }

/* What the main loop waits on between slices. */
typedef struct io {
    debugger_t *dbg;             /* NULL without -gdb/-s/-S */
    net_t *net;                  /* NULL without a network option */
    GArray *pollfds;             /* struct pollfd, rebuilt for every poll() */
} io_t;

/* Waits up to timeout_ms (0: just look) for serial input, the debugger or the network (or
 * less, when the network has a timer due sooner), and serves them. */
static void poll_io(io_t *io, int timeout_ms)
{
    GArray *fds = io->pollfds;
    g_array_set_size(fds, CHARDEV_POLL_MAX);
    g_array_set_size(fds, (guint)chardev_poll_fds((struct pollfd *)fds->data, CHARDEV_POLL_MAX));
    int dbg_index = -1;
    if (io->dbg && debugger_fd(io->dbg) >= 0) {
        struct pollfd p = { .fd = debugger_fd(io->dbg), .events = POLLIN };
        dbg_index = (int)fds->len;
        g_array_append_val(fds, p);
    }
    net_poll_fill(io->net, fds, &timeout_ms);
    int rc = 0;
    if (fds->len || timeout_ms > 0)
        rc = poll((struct pollfd *)fds->data, fds->len, timeout_ms);
    chardev_service();
    if (dbg_index >= 0 &&
        (g_array_index(fds, struct pollfd, dbg_index).revents & (POLLIN | POLLHUP | POLLERR)))
        debugger_service(io->dbg);
    net_poll_done(io->net, fds, rc < 0);
}

/* The next moment something is due: the CPU's Count/Compare timer or a device timer. */
static uint64_t next_event(const malta_t *m)
{
    uint64_t cpu_next = cpu_next_event(&m->cpu), device_next = vclock_next(&m->clock);
    return cpu_next < device_next ? cpu_next : device_next;
}

/* The guest waits in WAIT: skip virtual time ahead to its next event, taking as long in
 * host time as the wait lasts (devices/vclock.h: the pace), serving I/O meanwhile. */
static void idle_until_next_event(malta_t *m, vclock_pace_t *pace, io_t *io)
{
    cpu_t *cpu = &m->cpu;
    uint64_t next = next_event(m);
    if (next == UINT64_MAX) {
        poll_io(io, 100);
        return;
    }
    uint64_t wait_ns = vclock_pace_idle(pace, CPU_CLOCK_HZ, host_ns(), cpu->icount, next);
    uint64_t ms = (wait_ns + 999999) / 1000000;
    poll_io(io, ms > 100 ? 100 : (int)ms);
    uint64_t reached = vclock_pace_reached(pace, CPU_CLOCK_HZ, host_ns(), next);
    if (reached > cpu->icount)
        cpu->icount = reached;
}

static bool pflash_store(void *opaque, uint32_t offset, const uint8_t *data, uint32_t len)
{
    return flash_file_store(opaque, offset, data, len);
}

static int run_machine(malta_t *m, io_t *io, const boot_images_t *images)
{
    debugger_t *dbg = io->dbg;
    cpu_t *cpu = &m->cpu;
    vclock_pace_t pace;
    vclock_pace_reset(&pace, host_ns(), cpu->icount);
    bool was_stopped = false;

    while (!signalled && !chardev_quit_requested && !m->power_off) {
        if (m->reset_requested) {
            /* As on QEMU, a reset finds -kernel/-initrd/-append in RAM again, fresh. */
            char *error = NULL;
            malta_reset(m);
            if (!boot_place_images(m->ram, m->ram_size, images, &error))
                fatal("%s", error);
        }
        if (dbg && debugger_stopped(dbg)) {
            was_stopped = true;
            poll_io(io, 100);
            continue;
        }
        if (was_stopped) {
            /* Time spent stopped for gdb does not count: the guest does not see it. */
            vclock_pace_reset(&pace, host_ns(), cpu->icount);
            was_stopped = false;
        }
        /* Device timers now due first (they may raise interrupts); then a slice that ends
         * at the next one. */
        vclock_run(&m->clock);
        uint64_t until = cpu->icount + SLICE_INSNS;
        if (until > vclock_next(&m->clock))
            until = vclock_next(&m->clock);
        if (dbg)
            debugger_run(dbg, until);
        else
            cpu_run(cpu, until);
        if (m->power_off || m->reset_requested)
            continue;
        if (cpu->waiting && !(dbg && debugger_stopped(dbg)))
            idle_until_next_event(m, &pace, io);
        else
            poll_io(io, 0);
    }
    if (signalled)
        return 128 + signalled;
    if (chardev_quit_requested)
        return 0;
    return m->exit_status;
}

int main(int argc, char **argv)
{
    /* GOption removes what it parses from the vector: give it a shallow copy, free ours. */
    char **owned_args = normalise_args(argc, argv);
    char **args = g_memdup2(owned_args, sizeof(char *) * ((gsize)argc + 1));
    GOptionContext *ctx = g_option_context_new("- MIPS32 Malta system emulator");
    g_option_context_add_main_entries(ctx, option_entries, NULL);
    GError *err = NULL;
    int nargs = argc;
    if (!g_option_context_parse(ctx, &nargs, &args, &err))
        fatal("%s", err->message);
    g_option_context_free(ctx);
    if (nargs > 1)
        fatal("unexpected argument '%s' (see kseg -help)", args[1]);

    if (opts.version) {
        printf("kseg version %s, a MIPS32r2 Malta system emulator\n", KSEG_VERSION);
        return 0;
    }
    if (opts.machine && strcmp(opts.machine, "malta")) {
        if (!strcmp(opts.machine, "help")) {
            printf("Supported machines are:\nmalta                MIPS Malta Core LV (default)\n");
            return 0;
        }
        fatal("-M: unsupported machine '%s' (only 'malta')", opts.machine);
    }
    if (opts.debug_file) {
        log_file = fopen(opts.debug_file, "w");
        if (!log_file)
            fatal("-D: cannot open '%s': %s", opts.debug_file, strerror(errno));
    }
    if (opts.debug_items)
        log_mask = parse_log_items(opts.debug_items);
    if (opts.debug_filter && !log_parse_filter(opts.debug_filter))
        fatal("-dfilter: bad range list '%s' (e.g. 0xbfc00000..0xbfc00fff,0x80100000+0x1000)",
              opts.debug_filter);

    uint8_t jit_hot = CPU_JIT_HOT_DEFAULT;
    cpu_accel_t accel = opts.accel ? parse_accel(opts.accel, &jit_hot) : DEFAULT_ACCEL;
    net_config_t *net_config = parse_network();
    malta_config_t cfg = { .ram_size = opts.memory ? parse_memory(opts.memory) : MALTA_MAX_RAM,
                           .no_reboot = opts.no_reboot };

    /* The boot flash's backing file, opened first: it starts a writer process (see
     * flash_file.c), best forked while kseg is still small. As on QEMU, the flash then holds
     * the file and -bios is ignored; with -kernel, kseg's boot ROM (or the -bios image) runs
     * from the boot ROM window to load the kernel, where QEMU puts its own boot code. */
    char *pflash_path = NULL;
    bool pflash_read_only = false;
    guint npflash = opts.pflash ? g_strv_length(opts.pflash) : 0;
    guint ndrive = opts.drive ? g_strv_length(opts.drive) : 0;
    if (npflash + ndrive > 1)
        fatal("-pflash: this board has one flash: give one -pflash or -drive if=pflash");
    if (npflash)
        pflash_path = g_strdup(opts.pflash[0]);
    else if (ndrive)
        pflash_path = parse_drive(opts.drive[0], &pflash_read_only);
    flash_file_t *pflash_file = NULL;
    uint8_t *pflash = NULL;
    if (pflash_path) {
        char *error = NULL;
        enum flash_file_mode mode = pflash_read_only ? FLASH_FILE_READ_ONLY
                                  : opts.snapshot ? FLASH_FILE_SNAPSHOT : FLASH_FILE_WRITABLE;
        pflash = g_malloc(MALTA_FLASH_SIZE);
        pflash_file = flash_file_open(pflash_path, MALTA_FLASH_SIZE, mode, pflash, &error);
        if (!pflash_file)
            fatal("%s", error);
        cfg.pflash = pflash;
        cfg.pflash_store = (malta_flash_store_t){
            .store = pflash_store, .opaque = pflash_file,
            .write_protected = mode == FLASH_FILE_READ_ONLY };
        cfg.bootrom_window_from_bios = opts.kernel != NULL;
        if (opts.bios && !opts.kernel)
            fprintf(stderr, "kseg: -bios is ignored: the flash holds the -pflash file "
                    "(as on QEMU)\n");
    }

    uint8_t *bios = NULL;
    if (opts.bios && (!pflash_path || opts.kernel))
        cfg.bios = bios = load_image("-bios", opts.bios, MALTA_FLASH_SIZE, &cfg.bios_size);

    /* Serial ports in QEMU's Malta order; with -nographic and none given, the first on stdio.
     * (There is no display yet, so the same default applies without -nographic.) */
    int nserial = opts.serial ? (int)g_strv_length(opts.serial) : 0;
    if (nserial > MALTA_SERIALS)
        fatal("-serial: at most %d serial ports on this machine", MALTA_SERIALS);
    for (int i = 0; i < MALTA_SERIALS; i++) {
        const char *spec = i < nserial ? opts.serial[i] : (nserial == 0 && i == 0 ? "stdio" : "null");
        char *error = NULL;
        cfg.serial[i] = chardev_open(spec, &error);
        if (!cfg.serial[i])
            fatal("-serial: %s", error);
    }

    /* The network: slirp's sockets (a -hostfwd port in use ends kseg here), the capture
     * files, and the links the board plugs its cards into. */
    char *error = NULL;
    io_t io = { .pollfds = g_array_new(FALSE, TRUE, sizeof(struct pollfd)) };
    io.net = net_start(net_config, &error);
    if (!io.net)
        fatal("%s", error);
    cfg.nic_count = net_nic_count(io.net);
    for (int i = 0; i < cfg.nic_count; i++) {
        memcpy(cfg.nics[i].mac, net_nic_mac(io.net, i), NET_MAC_LEN);
        cfg.nics[i].link = net_nic_link(io.net, i);
    }

    static malta_t machine;
    if (!malta_init(&machine, &cfg, &error))
        fatal("%s", error);
    machine.bus.log_guest_errors = log_enabled(LOG_GUEST_ERRORS);
    machine.cpu.accel = accel;
    machine.cpu.jit_hot = jit_hot;
    if (opts.perfmap)
        jit_perfmap_open();
    g_free(bios);
    g_free(pflash);

    boot_images_t images = { .cmdline = opts.append };
    uint8_t *kernel = NULL, *initrd = NULL;
    if (opts.kernel)
        images.kernel = kernel = load_image("-kernel", opts.kernel, machine.ram_size, &images.kernel_size);
    if (opts.initrd)
        images.initrd = initrd = load_image("-initrd", opts.initrd, machine.ram_size, &images.initrd_size);
    if (!boot_place_images(machine.ram, machine.ram_size, &images, &error))
        fatal("%s", error);

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);

    if (opts.gdb || opts.gdb_default || opts.start_stopped) {
        io.dbg = debugger_new(&machine, opts.gdb ? opts.gdb : "tcp::1234", opts.start_stopped,
                           cfg.serial, MALTA_SERIALS, &error);
        if (!io.dbg)
            fatal("%s", error);
    }

    uint64_t t0 = host_ns();
    int status = run_machine(&machine, &io, &images);
    if (io.dbg)
        debugger_report_exit(io.dbg, status);
    double secs = (double)(host_ns() - t0) / 1e9;
    if (opts.stats) {
        uint64_t n = machine.cpu.icount;
        fprintf(stderr, "kseg: %llu instructions in %.3f s (%.1f MIPS)\n",
                (unsigned long long)n, secs, secs > 0 ? (double)n / secs / 1e6 : 0.0);
        trace_print_stats(&machine.cpu, stderr);
    }
    if (log_file)
        fclose(log_file);
    debugger_free(io.dbg);
    malta_destroy(&machine);
    net_stop(io.net);               /* after the board: the cards hold its links */
    net_config_free(net_config);
    g_array_free(io.pollfds, TRUE);
    flash_file_close(pflash_file);
    g_free(pflash_path);
    g_free(kernel);
    g_free(initrd);
    for (int i = 0; i < MALTA_SERIALS; i++)
        chardev_close(cfg.serial[i]);
    g_free(args);
    g_strfreev(owned_args);
    g_free(opts.machine);
    g_free(opts.memory);
    g_free(opts.accel);
    g_free(opts.bios);
    g_strfreev(opts.pflash);
    g_strfreev(opts.drive);
    g_free(opts.kernel);
    g_free(opts.initrd);
    g_free(opts.append);
    g_strfreev(opts.serial);
    g_free(opts.debug_items);
    g_free(opts.debug_file);
    g_free(opts.debug_filter);
    g_free(opts.gdb);
    g_strfreev(opts.nic);
    g_strfreev(opts.netdev);
    g_strfreev(opts.device);
    g_strfreev(opts.object);
    return status;
}
