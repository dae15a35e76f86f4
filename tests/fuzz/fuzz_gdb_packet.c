/* A fuzz target for the gdb remote protocol module (src/frontend/gdbstub.c).
 *
 * Each input is a byte stream from a "debugger": it goes to gdb_stub_feed in pieces, with
 * no descriptor attached (every reply is built and dropped: the stub's writes do nothing
 * without a connection), to a mock target that checks what the stub asks of it: register
 * numbers in range, memory lengths a packet can hold, whole buffers (ASan sees any byte
 * the stub did not allocate). When the mock target was resumed, it reports a stop between
 * pieces, as the machine would. Nothing the input holds may crash the stub, read or write
 * outside its buffers, or leak.
 *
 * Two ways to build it:
 *
 *  - Standalone (the default, any compiler; meson test runs it in suite 'unit'): main()
 *    below replays the files named on the command line (a corpus, e.g. the seeds in
 *    tests/fuzz/corpus/gdb_packet/), then N pseudo-random inputs built from a grammar of
 *    valid-looking packets (right checksums, plausible and extreme numbers) and mutated:
 *        build/tests/fuzz/fuzz_gdb_packet [-n COUNT] [-s SEED] [-v] [FILE...]
 *
 *  - With clang's libFuzzer (optional), where -DKSEG_LIBFUZZER drops main(). The whole
 *    build gets coverage instrumentation (fuzzer-no-link), so that libFuzzer sees inside
 *    gdbstub.c, and the target links with -fsanitize=fuzzer:
 *        CC=clang meson setup build-fuzz -Db_sanitize=address,undefined -Db_lundef=false \
 *            -Dc_args=-fsanitize=fuzzer-no-link
 *        ninja -C build-fuzz tests/fuzz/fuzz_gdb_packet_libfuzzer
 *        cp -r tests/fuzz/corpus/gdb_packet /tmp/corpus
 *        build-fuzz/tests/fuzz/fuzz_gdb_packet_libfuzzer -max_total_time=60 /tmp/corpus
 *    (libFuzzer adds what it finds to the first corpus directory: give it a copy.)
 *    tests/fuzz/meson.build defines that target when the compiler links -fsanitize=fuzzer;
 *    by hand it is this file with -DKSEG_LIBFUZZER -fsanitize=fuzzer,address,undefined,
 *    linked with libkseg_core.a and glib. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/gdbstub.h"

#define NREGS 72
#define MEM_BASE 0x80000000u
#define MEM_SIZE 0x10000u
#define PACKET_MAX 0x4000u            /* the stub's PacketSize */

/* ---- The mock target ----------------------------------------------------------------- */

typedef struct mock {
    uint32_t regs[NREGS];
    uint8_t mem[MEM_SIZE];
    bool running;                     /* resumed, owes a stop */
    bool stepping;
    unsigned calls;
} mock_t;

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_gdb_packet: the stub broke an invariant: %s\n", what);
        abort();
    }
}

static bool read_reg(void *t, int regno, uint32_t *value)
{
    mock_t *m = t;
    check(regno >= 0 && regno < NREGS, "read_reg: register number out of range");
    m->calls++;
    if (regno >= 38)
        return false;
    *value = m->regs[regno];
    return true;
}

static bool write_reg(void *t, int regno, uint32_t value)
{
    mock_t *m = t;
    check(regno >= 0 && regno < NREGS, "write_reg: register number out of range");
    m->calls++;
    if (regno >= 38)
        return false;
    m->regs[regno] = value;
    return true;
}

static bool in_memory(uint32_t addr, uint32_t len)
{
    return addr >= MEM_BASE && (uint64_t)addr + len <= (uint64_t)MEM_BASE + MEM_SIZE;
}

static bool read_mem(void *t, uint32_t addr, uint8_t *buf, uint32_t len)
{
    mock_t *m = t;
    check(len <= PACKET_MAX / 2, "read_mem: a length whose reply cannot fit a packet");
    m->calls++;
    memset(buf, 0x5A, len);           /* ASan: the whole buffer must exist */
    if (!in_memory(addr, len))
        return false;
    memcpy(buf, m->mem + (addr - MEM_BASE), len);
    return true;
}

static bool write_mem(void *t, uint32_t addr, const uint8_t *buf, uint32_t len)
{
    mock_t *m = t;
    check(len <= PACKET_MAX, "write_mem: longer than a packet");
    m->calls++;
    uint8_t sum = 0;
    for (uint32_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + buf[i]);    /* ASan: the whole buffer must exist */
    m->regs[0] = sum;
    if (!in_memory(addr, len))
        return false;
    memcpy(m->mem + (addr - MEM_BASE), buf, len);
    return true;
}

static void resume(void *t, bool step)
{
    mock_t *m = t;
    m->calls++;
    m->running = true;
    m->stepping = step;
}

static void interrupt(void *t)
{
    mock_t *m = t;
    m->calls++;
}

static bool point(void *t, enum gdb_point type, uint32_t addr, uint32_t kind)
{
    mock_t *m = t;
    check(type >= GDB_SW_BREAK && type <= GDB_WATCH_ACCESS, "a Z/z type out of range");
    m->calls++;
    return (addr ^ kind) % 7 != 0;    /* fail now and then, like a full table */
}

static void monitor(void *t, const char *cmd, GString *out)
{
    mock_t *m = t;
    m->calls++;
    size_t n = strlen(cmd);
    /* Echo, and now and then a reply longer than one 'O' packet. */
    g_string_append_printf(out, "monitor: %s\n", cmd);
    if (n % 3 == 0)
        for (size_t i = 0; i < 1500; i++)
            g_string_append_c(out, (char)(1 + (i + n) % 255));
}

static void detach(void *t)
{
    mock_t *m = t;
    m->calls++;
    m->running = false;
}

static void kill_target(void *t)
{
    mock_t *m = t;
    m->calls++;
    m->running = false;
}

static const char target_xml[] =
    "<?xml version=\"1.0\"?>\n<target version=\"1.0\">\n"
    "  <architecture>mips:isa32r2</architecture> <!-- $ # } * -->\n"
    "  <feature name=\"org.gnu.gdb.mips.cpu\">\n"
    "    <reg name=\"pc\" bitsize=\"32\" regnum=\"37\"/>\n"
    "  </feature>\n</target>\n";

static const gdb_target_ops_t mock_ops = {
    .target_xml = target_xml,
    .reg_count = NREGS,
    .pc_regno = 37,
    .read_reg = read_reg,
    .write_reg = write_reg,
    .read_mem = read_mem,
    .write_mem = write_mem,
    .resume = resume,
    .interrupt = interrupt,
    .insert_point = point,
    .remove_point = point,
    .monitor = monitor,
    .detach = detach,
    .kill = kill_target,
};

/* ---- One input ----------------------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mock_t mock;
    memset(mock.regs, 0, sizeof(mock.regs));
    mock.running = false;
    gdb_stub_t *s = gdb_stub_new(&mock_ops, &mock);
    check(gdb_stub_fd(s) == -1 && !gdb_stub_connected(s), "a new stub has a descriptor");
    gdb_stub_set_console(s, size && (data[0] & 1));

    /* The input arrives in pieces of 1..64 bytes, as reads from a socket would give it; the
     * first byte chooses the sizes. Between pieces the target may stop or print. */
    uint32_t h = size ? data[0] * 2654435761u : 1;
    size_t off = 0;
    while (off < size) {
        h = h * 1103515245u + 12345u;
        size_t n = 1 + (h >> 16) % 64;
        if (n > size - off)
            n = size - off;
        gdb_stub_feed(s, data + off, n);
        off += n;
        uint8_t last = data[off - 1];
        if (mock.running && (last & 3) != 0) {
            gdb_stop_t stop = { .signal = last & 4 ? 2 : 5 };
            switch (last % 3) {
            case 0: stop.reason = GDB_STOP_SIGNAL; break;
            case 1: stop.reason = GDB_STOP_SWBREAK; break;
            default:
                stop.reason = GDB_STOP_WATCH;
                stop.watch_type = (enum gdb_point)(GDB_WATCH_WRITE + (last >> 4) % 3);
                stop.watch_addr = MEM_BASE + last * 16u;
                break;
            }
            mock.running = false;
            gdb_stub_report_stop(s, &stop);
        }
        if (last & 8)
            gdb_stub_console(s, data + off - n, n);
    }
    gdb_stub_service(s);              /* no connection: nothing to do */
    check(gdb_stub_fd(s) == -1, "a descriptor appeared from nowhere");
    gdb_stub_free(s);
    return 0;
}

#ifndef KSEG_LIBFUZZER

/* ---- Standalone: a corpus, then generated inputs ------------------------------------- */

static uint64_t rng;

static uint32_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 0x2545F4914F6CDD1Dull) >> 32);
}

static uint32_t a_number(void)
{
    static const uint32_t edges[] = {
        0, 1, 2, 3, 4, 8, 0x10, 0x25, 0x26, 0x47, 0x48, 0x7f, 0x80, 0xff, 0x100, 0xfff,
        0x1000, 0x1ff8, 0x2000, 0x3ff0, 0x3ff1, 0x3ff2, 0x4000, 0x4001, 0xffff, 0x10000,
        0x7fffffff, 0x80000000u, 0x80000001u, 0x8000fff0u, 0x8000ffffu, 0x80010000u,
        0xbfc00000u, 0xfffffff0u, 0xfffffffeu, 0xffffffffu,
    };
    switch (rnd() % 3) {
    case 0: return edges[rnd() % (sizeof(edges) / sizeof(edges[0]))];
    case 1: return rnd() % 0x100;
    default: return rnd();
    }
}

/* Appends n bytes of hex digits (sometimes one too few or too many, or not hex). */
static void some_hex(GString *g, uint32_t n)
{
    if (n > 3 * PACKET_MAX)
        n = rnd() % 64;
    for (uint32_t i = 0; i < 2 * n; i++)
        g_string_append_c(g, "0123456789abcdefABCDEF"[rnd() % 22]);
    if (rnd() % 8 == 0)
        g_string_append_c(g, rnd() % 2 ? 'a' : 'g');
}

/* Binary data escaped as in 'X' packets (sometimes a dangling '}'). */
static void some_binary(GString *g, uint32_t n)
{
    if (n > 3 * PACKET_MAX)
        n = rnd() % 64;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)rnd();
        if (c == '$' || c == '#' || c == '}' || c == '*') {
            g_string_append_c(g, '}');
            c ^= 0x20;
        }
        g_string_append_c(g, (char)c);
    }
    if (rnd() % 16 == 0)
        g_string_append_c(g, '}');
}

static void some_packet_data(GString *g)
{
    static const char *const plain[] = {
        "?", "g", "c", "s", "k", "D", "vCont?", "vCont;c", "vCont;s:1;c", "vCont;t",
        "vMustReplyEmpty", "qAttached", "qfThreadInfo", "qsThreadInfo", "qC", "Hg0", "Hc-1",
        "QStartNoAckMode", "qSymbol::", "qTStatus", "qOffsets", "vCtrlC", "",
        ("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;"
         "vfork-events+;exec-events+;vContSupported+;QThreadEvents+;no-resumed+"),
    };
    static const char *const monitor_cmds[] = { "help", "tlb", "cp0", "reset", "trace on", "" };
    uint32_t a = a_number(), b = a_number(), c = a_number();
    switch (rnd() % 16) {
    case 0: g_string_append(g, plain[rnd() % (sizeof(plain) / sizeof(plain[0]))]); break;
    case 1: g_string_append_printf(g, "m%x,%x", a, b); break;
    case 2: g_string_append_printf(g, "M%x,%x:", a, b); some_hex(g, b); break;
    case 3: g_string_append_printf(g, "X%x,%x:", a, b); some_binary(g, b); break;
    case 4: g_string_append_printf(g, "p%x", a % 0x50); break;
    case 5: g_string_append_printf(g, "P%x=", a % 0x50); some_hex(g, 4); break;
    case 6: g_string_append(g, "G"); some_hex(g, 4 * (rnd() % 80)); break;
    case 7: g_string_append_printf(g, "%c%x,%x,%x", rnd() % 2 ? 'Z' : 'z', a % 7, b, c % 9); break;
    case 8: g_string_append_printf(g, "%c%x", rnd() % 2 ? 'c' : 's', a); break;
    case 9: g_string_append_printf(g, "%c%02x;%x", rnd() % 2 ? 'C' : 'S', a % 64, b); break;
    case 10: g_string_append_printf(g, "vCont;%c%s", "cCsSt"[rnd() % 5], rnd() % 2 ? ":1" : ""); break;
    case 11:
        g_string_append_printf(g, "qXfer:features:read:%s:%x,%x",
                               rnd() % 4 ? "target.xml" : "mips-fpu.xml", a % 0x400, b);
        break;
    case 12: {
        g_string_append(g, "qRcmd,");
        const char *cmd = monitor_cmds[rnd() % (sizeof(monitor_cmds) / sizeof(monitor_cmds[0]))];
        for (; *cmd; cmd++)
            g_string_append_printf(g, "%02x", (uint8_t)*cmd);
        break;
    }
    case 13: {                        /* random printable text */
        uint32_t n = rnd() % 40;
        for (uint32_t i = 0; i < n; i++)
            g_string_append_c(g, (char)(' ' + rnd() % 95));
        break;
    }
    case 14: {                        /* longer than the stub's buffer */
        uint32_t n = PACKET_MAX - 8 + rnd() % 16;
        for (uint32_t i = 0; i < n; i++)
            g_string_append_c(g, "0123456789abcdef"[rnd() % 16]);
        break;
    }
    default: g_string_append_printf(g, "%c", (char)(rnd() % 128)); break;
    }
}

static void some_input(GString *in)
{
    int items = 1 + (int)(rnd() % 12);
    for (int i = 0; i < items; i++) {
        switch (rnd() % 8) {
        case 0: g_string_append_c(in, "+-\x03$#}*"[rnd() % 7]); break;
        case 1: {
            uint32_t n = rnd() % 32;
            for (uint32_t k = 0; k < n; k++)
                g_string_append_c(in, (char)rnd());
            break;
        }
        default: {
            GString *d = g_string_new(NULL);
            some_packet_data(d);
            uint8_t sum = 0;
            for (size_t k = 0; k < d->len; k++)
                sum = (uint8_t)(sum + (uint8_t)d->str[k]);
            if (rnd() % 10 == 0)
                sum = (uint8_t)(sum + 1 + rnd() % 255);
            g_string_append_c(in, '$');
            g_string_append_len(in, d->str, (gssize)d->len);
            if (rnd() % 20)
                g_string_append_printf(in, rnd() % 2 ? "#%02x" : "#%02X", sum);
            g_string_free(d, TRUE);
            break;
        }
        }
    }
    /* Mutations over the whole stream: flip, insert, delete, duplicate, truncate. */
    int mutations = rnd() % 3 ? 0 : 1 + (int)(rnd() % 6);
    for (int i = 0; i < mutations && in->len; i++) {
        size_t at = rnd() % in->len;
        switch (rnd() % 5) {
        case 0: in->str[at] = (char)(in->str[at] ^ (1u << (rnd() % 8))); break;
        case 1: g_string_insert_c(in, (gssize)at, "$#}+-\x03"[rnd() % 6]); break;
        case 2: {
            size_t n = 1 + rnd() % 4;
            g_string_erase(in, (gssize)at, (gssize)(n < in->len - at ? n : in->len - at));
            break;
        }
        case 3: {
            size_t n = 1 + rnd() % 32;
            if (n > in->len - at)
                n = in->len - at;
            char *copy = g_strndup(in->str + at, n);
            g_string_insert_len(in, (gssize)(rnd() % in->len), copy, (gssize)n);
            g_free(copy);
            break;
        }
        default: g_string_truncate(in, at); break;
        }
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: fuzz_gdb_packet [-n COUNT] [-s SEED] [-v] [CORPUS-FILE...]\n");
    return 2;
}

int main(int argc, char **argv)
{
    unsigned long count = 10000;
    unsigned long long seed = 0x6b736567;
    bool verbose = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc)
            count = strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "-s") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "-v"))
            verbose = true;
        else
            return usage();
    }
    unsigned files = 0;
    for (; i < argc; i++) {
        gchar *contents;
        gsize len;
        GError *err = NULL;
        if (!g_file_get_contents(argv[i], &contents, &len, &err)) {
            fprintf(stderr, "fuzz_gdb_packet: %s\n", err->message);
            g_error_free(err);
            return 1;
        }
        if (verbose)
            fprintf(stderr, "corpus %s (%zu bytes)\n", argv[i], (size_t)len);
        LLVMFuzzerTestOneInput((const uint8_t *)contents, len);
        g_free(contents);
        files++;
    }
    rng = seed ? seed : 1;
    size_t total = 0;
    GString *in = g_string_new(NULL);
    for (unsigned long n = 0; n < count; n++) {
        g_string_truncate(in, 0);
        some_input(in);
        total += in->len;
        LLVMFuzzerTestOneInput((const uint8_t *)in->str, in->len);
    }
    g_string_free(in, TRUE);
    printf("fuzz_gdb_packet: %u corpus files, %lu generated inputs (%zu bytes, seed %#llx): ok\n",
           files, count, total, seed);
    return 0;
}

#endif
