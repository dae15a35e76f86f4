/* The GDB remote serial protocol module (src/frontend/gdbstub.c) over a socketpair.
 *
 * The stub talks to a mock target: 72 registers in gdb's MIPS numbering (38..71, the FPU,
 * unavailable), 64 KiB of memory at 0x80000000 and nothing else mapped, and callbacks that
 * record what the stub asked for. The test plays gdb on the other end of the socketpair:
 * it writes raw bytes, lets the stub service its descriptor, and parses what comes back
 * ('+', '-' and "$data#cs" packets, checksums verified, '}' escapes undone).
 *
 * Expected behaviour is gdb's manual, appendix E "Remote Protocol" (packet framing,
 * acknowledgments, escaping, the packets' replies and error forms). The robustness tests at
 * the end feed malformed input; the ASan/UBSan build in CI turns any out-of-bounds access
 * there into a failure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frontend/gdbstub.h"

#define NREGS 72
#define PC_REG 37
#define FIRST_UNAVAILABLE 38          /* 38..71: an FPU the target does not have */
#define MEM_BASE 0x80000000u
#define MEM_SIZE 0x10000u
#define PACKET_MAX 0x4000u            /* what the stub advertises (checked in test_qsupported) */

/* ---- The mock target ------------------------------------------------------------------ */

typedef struct point_call {
    bool insert;
    enum gdb_point type;
    uint32_t addr, kind;
} point_call_t;

typedef struct mock {
    uint32_t regs[NREGS];
    uint8_t mem[MEM_SIZE];
    unsigned reg_reads, reg_writes, mem_reads, mem_writes;
    uint32_t last_read_addr, last_read_len, last_write_addr, last_write_len;
    int last_reg_written;
    unsigned resumes, interrupts, detaches, kills, monitors;
    bool last_step;
    point_call_t points[64];
    unsigned npoints;
    bool refuse_points;               /* insert/remove fail (table full) */
    char monitor_cmd[256];
    const char *monitor_reply;        /* NULL: "ran <cmd>\n" */
} mock_t;

static bool mock_read_reg(void *t, int regno, uint32_t *value)
{
    mock_t *m = t;
    assert_true(regno >= 0 && regno < NREGS);
    m->reg_reads++;
    if (regno >= FIRST_UNAVAILABLE)
        return false;
    *value = m->regs[regno];
    return true;
}

static bool mock_write_reg(void *t, int regno, uint32_t value)
{
    mock_t *m = t;
    assert_true(regno >= 0 && regno < NREGS);
    m->reg_writes++;
    m->last_reg_written = regno;
    if (regno >= FIRST_UNAVAILABLE)
        return false;
    m->regs[regno] = value;
    return true;
}

static bool mapped(uint32_t addr, uint32_t len)
{
    return addr >= MEM_BASE && (uint64_t)addr + len <= (uint64_t)MEM_BASE + MEM_SIZE;
}

static bool mock_read_mem(void *t, uint32_t addr, uint8_t *buf, uint32_t len)
{
    mock_t *m = t;
    /* The reply of a read must fit a packet: the stub caps the length it asks for. */
    assert_true(len <= PACKET_MAX / 2);
    m->mem_reads++;
    m->last_read_addr = addr;
    m->last_read_len = len;
    memset(buf, 0xA5, len);           /* the whole buffer must be there (ASan) */
    if (!mapped(addr, len))
        return false;
    memcpy(buf, m->mem + (addr - MEM_BASE), len);
    return true;
}

static bool mock_write_mem(void *t, uint32_t addr, const uint8_t *buf, uint32_t len)
{
    mock_t *m = t;
    assert_true(len <= PACKET_MAX);
    m->mem_writes++;
    m->last_write_addr = addr;
    m->last_write_len = len;
    volatile uint8_t sink = 0;
    for (uint32_t i = 0; i < len; i++)
        sink ^= buf[i];               /* the whole buffer must be there (ASan) */
    (void)sink;
    if (!mapped(addr, len))
        return false;
    memcpy(m->mem + (addr - MEM_BASE), buf, len);
    return true;
}

static void mock_resume(void *t, bool step)
{
    mock_t *m = t;
    m->resumes++;
    m->last_step = step;
}

static void mock_interrupt(void *t)
{
    ((mock_t *)t)->interrupts++;
}

static bool mock_point(mock_t *m, bool insert, enum gdb_point type, uint32_t addr, uint32_t kind)
{
    assert_true(type >= GDB_SW_BREAK && type <= GDB_WATCH_ACCESS);
    if (m->npoints < G_N_ELEMENTS(m->points))
        m->points[m->npoints++] = (point_call_t){ insert, type, addr, kind };
    return !m->refuse_points;
}

static bool mock_insert_point(void *t, enum gdb_point type, uint32_t addr, uint32_t kind)
{
    return mock_point(t, true, type, addr, kind);
}

static bool mock_remove_point(void *t, enum gdb_point type, uint32_t addr, uint32_t kind)
{
    return mock_point(t, false, type, addr, kind);
}

static void mock_monitor(void *t, const char *cmd, GString *out)
{
    mock_t *m = t;
    m->monitors++;
    snprintf(m->monitor_cmd, sizeof(m->monitor_cmd), "%s", cmd);
    if (m->monitor_reply)
        g_string_append(out, m->monitor_reply);
    else
        g_string_append_printf(out, "ran %s\n", cmd);
}

static void mock_detach(void *t)
{
    ((mock_t *)t)->detaches++;
}

static void mock_kill(void *t)
{
    ((mock_t *)t)->kills++;
}

/* Every character the protocol escapes is in the description, to test the escaping. */
static const char mock_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!-- money $ hash # brace } star * -->\n"
    "<target version=\"1.0\">\n"
    "  <architecture>mips:isa32r2</architecture>\n"
    "  <feature name=\"org.gnu.gdb.mips.cpu\">\n"
    "    <reg name=\"r0\" bitsize=\"32\" regnum=\"0\"/>\n"
    "    <reg name=\"pc\" bitsize=\"32\" regnum=\"37\"/>\n"
    "  </feature>\n"
    "</target>\n";

/* ---- The fixture: a stub on one end of a socketpair, the test on the other ---------- */

typedef struct fx {
    mock_t mock;
    gdb_target_ops_t ops;
    gdb_stub_t *stub;
    int peer;                         /* the client's end, or -1 once closed */
    GString *in;                      /* received from the stub, not yet consumed */
    bool eof;                         /* the stub closed the connection */
} fx_t;

static void set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    assert_true(fl >= 0);
    assert_int_equal(fcntl(fd, F_SETFL, fl | O_NONBLOCK), 0);
}

/* A new connection: the stub's end is non-blocking, as the one accept4 gives it. */
static void connect_peer(fx_t *f)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    set_nonblocking(sv[0]);
    set_nonblocking(sv[1]);
    gdb_stub_attach_fd(f->stub, sv[0]);
    f->peer = sv[1];
    f->eof = false;
    g_string_truncate(f->in, 0);
}

static fx_t *fx_new(void)
{
    fx_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    for (int i = 0; i < NREGS; i++)
        f->mock.regs[i] = 0x01020300u + (uint32_t)i;
    for (uint32_t i = 0; i < MEM_SIZE; i++)
        f->mock.mem[i] = (uint8_t)(i * 7 + 3);
    f->mock.last_reg_written = -1;
    f->ops = (gdb_target_ops_t){
        .target_xml = mock_xml,
        .reg_count = NREGS,
        .pc_regno = PC_REG,
        .read_reg = mock_read_reg,
        .write_reg = mock_write_reg,
        .read_mem = mock_read_mem,
        .write_mem = mock_write_mem,
        .resume = mock_resume,
        .interrupt = mock_interrupt,
        .insert_point = mock_insert_point,
        .remove_point = mock_remove_point,
        .monitor = mock_monitor,
        .detach = mock_detach,
        .kill = mock_kill,
    };
    f->stub = gdb_stub_new(&f->ops, &f->mock);
    assert_non_null(f->stub);
    f->in = g_string_new(NULL);
    connect_peer(f);
    return f;
}

static int setup(void **state)
{
    *state = fx_new();
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    gdb_stub_free(f->stub);
    if (f->peer >= 0)
        close(f->peer);
    g_string_free(f->in, TRUE);
    free(f);
    return 0;
}

/* Everything the stub sent so far, appended to f->in. */
static void drain(fx_t *f)
{
    if (f->peer < 0)
        return;
    char buf[4096];
    for (;;) {
        ssize_t n = recv(f->peer, buf, sizeof(buf), MSG_DONTWAIT);
        if (n > 0) {
            g_string_append_len(f->in, buf, n);
            continue;
        }
        if (n == 0)
            f->eof = true;
        else if (errno == EINTR)
            continue;
        else if (errno != EAGAIN && errno != EWOULDBLOCK)
            f->eof = true;            /* e.g. ECONNRESET */
        return;
    }
}

/* Lets the stub read and answer everything the client wrote, as the main loop would. */
static void pump(fx_t *f)
{
    for (int rounds = 0; rounds < 100000; rounds++) {
        drain(f);
        int fd = gdb_stub_fd(f->stub);
        if (fd < 0)
            break;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 0) <= 0)
            break;
        gdb_stub_service(f->stub);
    }
    drain(f);
}

static void client_write(fx_t *f, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = send(f->peer, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pump(f);                  /* the stub's buffer is full: let it read */
            continue;
        }
        if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
            return;                   /* the stub hung up (a 'D' in the data): drop the rest */
        assert_true(n > 0);
        p += n;
        len -= (size_t)n;
    }
}

static void client_str(fx_t *f, const char *s)
{
    client_write(f, s, strlen(s));
}

static uint8_t checksum(const char *data, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += (uint8_t)data[i];
    return sum;
}

/* "$data#cs" for data already escaped as the protocol wants. */
static GString *frame(const char *data, size_t len)
{
    GString *g = g_string_new("$");
    g_string_append_len(g, data, (gssize)len);
    g_string_append_printf(g, "#%02x", checksum(data, len));
    return g;
}

static void send_packet_len(fx_t *f, const char *data, size_t len)
{
    GString *g = frame(data, len);
    client_write(f, g->str, g->len);
    g_string_free(g, TRUE);
}

static void send_packet(fx_t *f, const char *data)
{
    send_packet_len(f, data, strlen(data));
}

/* Consumes one byte that must be `c`. */
static void expect_byte(fx_t *f, char c)
{
    assert_true(f->in->len > 0);
    if (f->in->str[0] != c)
        fail_msg("expected '%c', got '%c' in \"%.60s\"", c, f->in->str[0], f->in->str);
    g_string_erase(f->in, 0, 1);
}

static void expect_ack(fx_t *f) { expect_byte(f, '+'); }

/* Consumes one packet and returns its data, unescaped (*len_out: its length). The checksum
 * must be right and no byte that needs escaping may appear raw. */
static char *expect_packet_len(fx_t *f, size_t *len_out)
{
    const char *s = f->in->str;
    size_t n = f->in->len;
    if (n == 0 || s[0] != '$')
        fail_msg("expected a packet, got \"%.60s\" (%zu bytes)", s, n);
    const char *hash = memchr(s + 1, '#', n - 1);
    assert_non_null(hash);
    size_t body = (size_t)(hash - s) - 1;
    assert_true(body + 4 <= n);
    char cs[3] = { hash[1], hash[2], 0 };
    char *endp;
    unsigned long want = strtoul(cs, &endp, 16);
    assert_true(*endp == 0 && cs[0] && cs[1]);
    assert_int_equal(want, checksum(s + 1, body));
    GString *out = g_string_new(NULL);
    for (size_t i = 1; i <= body; i++) {
        char c = s[i];
        assert_true(c != '$' && c != '*');   /* '*' raw would be run-length encoding */
        if (c == '}') {
            assert_true(i < body);
            c = (char)(s[++i] ^ 0x20);
        }
        g_string_append_c(out, c);
    }
    g_string_erase(f->in, 0, (gssize)(body + 4));
    if (len_out)
        *len_out = out->len;
    return g_string_free(out, FALSE);
}

static char *expect_packet(fx_t *f)
{
    return expect_packet_len(f, NULL);
}

static void expect_nothing(fx_t *f)
{
    drain(f);
    if (f->in->len)
        fail_msg("expected nothing, got \"%.60s\" (%zu bytes)", f->in->str, f->in->len);
}

/* Sends a packet as gdb does: returns the reply's data after checking the ack. */
static char *transact(fx_t *f, const char *packet)
{
    send_packet(f, packet);
    pump(f);
    expect_ack(f);
    char *reply = expect_packet(f);
    client_str(f, "+");
    return reply;
}

static void expect_reply(fx_t *f, const char *packet, const char *reply)
{
    char *r = transact(f, packet);
    char got[96];
    bool same = strcmp(r, reply) == 0;
    snprintf(got, sizeof(got), "%s", r);
    g_free(r);                        /* before failing: no leak report on top */
    if (!same)
        fail_msg("'%.60s': expected reply \"%s\", got \"%s\"", packet, reply, got);
}

/* A packet that must get an error reply ("Enn") and not reach the target. */
static void expect_error_no_effect(fx_t *f, const char *packet)
{
    mock_t before = f->mock;
    char *r = transact(f, packet);
    char got[96];
    bool error = r[0] == 'E' && strlen(r) == 3;
    snprintf(got, sizeof(got), "%s", r);
    g_free(r);
    if (!error)
        fail_msg("'%s': expected an error reply, got \"%s\"", packet, got);
    if (f->mock.mem_reads != before.mem_reads || f->mock.mem_writes != before.mem_writes ||
        f->mock.reg_writes != before.reg_writes || f->mock.resumes != before.resumes ||
        f->mock.npoints != before.npoints || f->mock.monitors != before.monitors)
        fail_msg("'%s': a malformed packet reached the target", packet);
    assert_memory_equal(f->mock.mem, before.mem, MEM_SIZE);
    assert_memory_equal(f->mock.regs, before.regs, sizeof(before.regs));
}

static char *hex_of(const void *data, size_t len)
{
    const uint8_t *b = data;
    char *s = g_malloc(2 * len + 1);
    for (size_t i = 0; i < len; i++)
        sprintf(s + 2 * i, "%02x", b[i]);
    s[2 * len] = 0;
    return s;
}

/* A stop after resume, as the target reports it. */
static void report(fx_t *f, int reason, int signal, enum gdb_point type, uint32_t addr)
{
    gdb_stop_t stop = { .signal = signal, .watch_type = type, .watch_addr = addr };
    stop.reason = reason == 0 ? GDB_STOP_SIGNAL : reason == 1 ? GDB_STOP_SWBREAK : GDB_STOP_WATCH;
    gdb_stub_report_stop(f->stub, &stop);
    drain(f);
}

/* ---- Framing, acknowledgments, checksums --------------------------------------------- */

static void test_ack_and_checksum(void **state)
{
    fx_t *f = *state;
    expect_reply(f, "qAttached", "1");

    /* A bad checksum: NAKed and not acted on. */
    client_str(f, "$m80000000,4#00");
    pump(f);
    expect_byte(f, '-');
    expect_nothing(f);
    assert_int_equal(f->mock.mem_reads, 0);

    /* A checksum that is not hex. */
    client_str(f, "$m80000000,4#zz");
    pump(f);
    expect_byte(f, '-');
    expect_nothing(f);
    assert_int_equal(f->mock.mem_reads, 0);

    /* Upper-case checksum digits are hex too. */
    const char *pkt = "m80000000,4";
    char buf[64];
    snprintf(buf, sizeof(buf), "$%s#%02X", pkt, checksum(pkt, strlen(pkt)));
    client_str(f, buf);
    pump(f);
    expect_ack(f);
    char *r = expect_packet(f);
    char *want = hex_of(f->mock.mem, 4);
    assert_string_equal(r, want);
    g_free(want);
    g_free(r);
    assert_int_equal(f->mock.mem_reads, 1);
}

static void test_nak_resends_last_packet(void **state)
{
    fx_t *f = *state;
    /* Nothing sent yet: a '-' has nothing to resend. */
    client_str(f, "-");
    pump(f);
    expect_nothing(f);

    send_packet(f, "qAttached");
    pump(f);
    expect_ack(f);
    assert_true(f->in->len > 0);
    char *first = g_strdup(f->in->str);
    assert_string_equal(first, "$1#31");
    g_string_truncate(f->in, 0);

    client_str(f, "-");   /* the reply arrived damaged: again */
    pump(f);
    assert_string_equal(f->in->str, first);
    g_string_truncate(f->in, 0);
    client_str(f, "--");
    pump(f);
    assert_string_equal(f->in->str, "$1#31$1#31");
    g_string_truncate(f->in, 0);
    g_free(first);

    /* '+' from the client is just an ack. */
    client_str(f, "+");
    pump(f);
    expect_nothing(f);
}

static void test_noack_mode(void **state)
{
    fx_t *f = *state;
    char *r = transact(f, "qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+");
    assert_non_null(strstr(r, "QStartNoAckMode+"));
    g_free(r);
    expect_reply(f, "QStartNoAckMode", "OK");

    /* From now on: no '+' for packets, and '-' does not resend. */
    send_packet(f, "qAttached");
    pump(f);
    r = expect_packet(f);
    assert_string_equal(r, "1");
    g_free(r);
    client_str(f, "-");
    pump(f);
    expect_nothing(f);

    /* A new connection starts in ack mode again. */
    send_packet(f, "D");
    pump(f);
    r = expect_packet(f);
    assert_string_equal(r, "OK");
    g_free(r);
    close(f->peer);
    connect_peer(f);
    expect_reply(f, "qAttached", "1");
}

static void test_reply_escaping(void **state)
{
    fx_t *f = *state;
    send_packet(f, "qXfer:features:read:target.xml:0,fff");
    pump(f);
    expect_ack(f);
    /* The raw bytes: each of $ # } * escaped as '}' then the byte xor 0x20. */
    assert_non_null(strstr(f->in->str, "money }\x04 hash }\x03 brace }] star }\x0a -->"));
    size_t len;
    char *r = expect_packet_len(f, &len);
    assert_int_equal(len, 1 + strlen(mock_xml));
    assert_int_equal(r[0], 'l');
    assert_string_equal(r + 1, mock_xml);
    g_free(r);
}

static void test_x_binary_unescaping(void **state)
{
    fx_t *f = *state;
    /* '$' '#' '}' '*' escaped; NUL, 0xFF, 0x03 (the interrupt byte) and 'a' raw. */
    static const char esc[] = "X80000010,8:}\x04}\x03}]}\x0a" "\x00\xff\x03" "a";
    static const uint8_t want[8] = { '$', '#', '}', '*', 0x00, 0xFF, 0x03, 'a' };
    send_packet_len(f, esc, sizeof(esc) - 1);
    pump(f);
    expect_ack(f);
    char *r = expect_packet(f);
    assert_string_equal(r, "OK");
    g_free(r);
    assert_memory_equal(f->mock.mem + 0x10, want, 8);
    assert_int_equal(f->mock.last_write_addr, 0x80000010u);
    assert_int_equal(f->mock.last_write_len, 8);
    assert_int_equal(f->mock.interrupts, 0);

    /* An escaped '}' at the very end of the data is cut short: an error, nothing written. */
    static const char cut[] = "X80000020,1:}";
    unsigned writes = f->mock.mem_writes;
    send_packet_len(f, cut, sizeof(cut) - 1);
    pump(f);
    expect_ack(f);
    r = expect_packet(f);
    assert_true(r[0] == 'E');
    g_free(r);
    assert_int_equal(f->mock.mem_writes, writes);

    /* gdb probes for X with a zero-length write. */
    expect_reply(f, "X80000000,0:", "OK");
    assert_int_equal(f->mock.mem_writes, writes);
}

/* ---- Registers ---------------------------------------------------------------------- */

static void test_g_reads_all_registers(void **state)
{
    fx_t *f = *state;
    f->mock.regs[5] = 0x12345678u;
    f->mock.regs[PC_REG] = 0xBFC00000u;
    char *r = transact(f, "g");
    assert_int_equal(strlen(r), NREGS * 8);
    for (int i = 0; i < NREGS; i++) {
        char want[9];
        if (i >= FIRST_UNAVAILABLE) {
            memcpy(want, "xxxxxxxx", 9);
        } else {
            uint32_t v = f->mock.regs[i];
            snprintf(want, sizeof(want), "%02x%02x%02x%02x", v & 0xFF, (v >> 8) & 0xFF,
                     (v >> 16) & 0xFF, v >> 24);
        }
        if (memcmp(r + 8 * i, want, 8))
            fail_msg("register %d: expected %s, got %.8s", i, want, r + 8 * i);
    }
    assert_memory_equal(r + 8 * 5, "78563412", 8);
    assert_memory_equal(r + 8 * PC_REG, "0000c0bf", 8);
    g_free(r);
}

static GString *g_packet_for(const uint32_t *values, int count)
{
    GString *g = g_string_new("G");
    for (int i = 0; i < count; i++)
        g_string_append_printf(g, "%02x%02x%02x%02x", values[i] & 0xFF, (values[i] >> 8) & 0xFF,
                               (values[i] >> 16) & 0xFF, values[i] >> 24);
    return g;
}

static void test_G_writes_registers(void **state)
{
    fx_t *f = *state;
    uint32_t v[FIRST_UNAVAILABLE];
    for (int i = 0; i < FIRST_UNAVAILABLE; i++)
        v[i] = 0xA0000000u + (uint32_t)i * 0x01010101u;
    GString *g = g_packet_for(v, FIRST_UNAVAILABLE);
    expect_reply(f, g->str, "OK");
    assert_memory_equal(f->mock.regs, v, sizeof(v));

    /* A value with a non-hex digit: an error. */
    g_string_overwrite(g, 1 + 8 * 3 + 5, "g");
    char *r = transact(f, g->str);
    assert_true(r[0] == 'E');
    g_free(r);
    /* Not a whole number of registers. */
    g_string_truncate(g, 1 + 8 * 2 + 5);
    r = transact(f, g->str);
    assert_true(r[0] == 'E');
    g_free(r);
    g_string_free(g, TRUE);
}

/* The stub sends unavailable registers as "xxxxxxxx" ('G' data is described as for 'g' in
 * gdb's manual). handle_write_registers means to skip such registers (p[-1] != 'x'), but
 * decode_reg rejects 'x' first: a 'g' reply echoed back as 'G' gets E01, after writing the
 * registers before the first 'x'. */
static void test_G_skips_unavailable_registers(void **state)
{
    fx_t *f = *state;
    char *g = transact(f, "g");
    GString *G = g_string_new("G");
    g_string_append(G, g);
    g_free(g);
    g_string_overwrite(G, 1 + 8 * 4, "efbeadde");     /* r4 = 0xdeadbeef */
    char *packet = g_string_free(G, FALSE);
    send_packet(f, packet);
    g_free(packet);
    pump(f);
    expect_ack(f);
    char *r = expect_packet(f);
    bool ok = strcmp(r, "OK") == 0;
    g_free(r);
    assert_true(ok);                                  /* E01: 'x' rejected */
    assert_int_equal(f->mock.regs[4], 0xDEADBEEFu);
}

static void test_p_P_single_register(void **state)
{
    fx_t *f = *state;
    f->mock.regs[5] = 0x12345678u;
    expect_reply(f, "p5", "78563412");
    f->mock.regs[PC_REG] = 0x80001234u;
    expect_reply(f, "p25", "34120080");                 /* 0x25 = 37, the pc */
    expect_reply(f, "p26", "xxxxxxxx");                 /* 38: unavailable */
    expect_reply(f, "p47", "xxxxxxxx");                 /* 71: the last one */
    expect_error_no_effect(f, "p48");                   /* 72: past the end */

    expect_reply(f, "P5=efbeadde", "OK");
    assert_int_equal(f->mock.regs[5], 0xDEADBEEFu);
    expect_reply(f, "P25=00001080", "OK");
    assert_int_equal(f->mock.regs[PC_REG], 0x80100000u);
    /* The target refuses to write an unavailable register. */
    char *r = transact(f, "P26=00000000");
    assert_true(r[0] == 'E');
    g_free(r);
    expect_error_no_effect(f, "P48=00000000");
}

/* ---- Memory ------------------------------------------------------------------------- */

static void test_m_reads_memory(void **state)
{
    fx_t *f = *state;
    char *want = hex_of(f->mock.mem + 0x123, 16);
    expect_reply(f, "m80000123,10", want);
    g_free(want);
    assert_int_equal(f->mock.last_read_addr, 0x80000123u);
    assert_int_equal(f->mock.last_read_len, 16);

    expect_reply(f, "m0,4", "E14");                     /* unmapped */
    expect_reply(f, "m8000fffe,4", "E14");              /* runs off the end of the mapping */
    expect_reply(f, "mffffffff,2", "E14");              /* wraps around */
    expect_reply(f, "m0,ffffffff", "E14");              /* huge and unmapped */

    /* Huge and mapped: answered in part (gdb asks again for the rest), within a packet. */
    char *r = transact(f, "m80000000,ffffffff");
    size_t n = strlen(r);
    assert_true(n > 0 && n % 2 == 0 && n <= PACKET_MAX);
    want = hex_of(f->mock.mem, n / 2);
    assert_string_equal(r, want);
    g_free(want);
    g_free(r);
    assert_int_equal(f->mock.last_read_len, n / 2);
}

static void test_M_writes_memory(void **state)
{
    fx_t *f = *state;
    expect_reply(f, "M80000020,4:deadBEEF", "OK");
    static const uint8_t want[4] = { 0xDE, 0xAD, 0xBE, 0xEF };
    assert_memory_equal(f->mock.mem + 0x20, want, 4);

    expect_error_no_effect(f, "M80000020,4:deadbe");      /* too little data */
    expect_error_no_effect(f, "M80000020,2:deadbeef");    /* too much */
    expect_error_no_effect(f, "M80000020,4:deadbeeg");    /* not hex */
    expect_error_no_effect(f, "M80000020,2:dea");         /* half a byte */
    expect_error_no_effect(f, "M0,ffffffff:00");          /* a huge length */
    expect_error_no_effect(f, "M80000000,ffffffff:00");
    expect_reply(f, "M0,4:00000000", "E14");               /* unmapped */
    unsigned writes = f->mock.mem_writes;
    expect_reply(f, "M80000020,0:", "OK");
    assert_int_equal(f->mock.mem_writes, writes);
}

static void test_X_writes_memory(void **state)
{
    fx_t *f = *state;
    expect_reply(f, "X80000040,3:abc", "OK");
    assert_memory_equal(f->mock.mem + 0x40, "abc", 3);
    expect_error_no_effect(f, "X80000040,4:abc");         /* too little data */
    expect_error_no_effect(f, "X80000040,2:abc");         /* too much */
    expect_error_no_effect(f, "X0,ffffffff:a");           /* a huge length */
    expect_error_no_effect(f, "X80000000,ffffffff:a");
    expect_reply(f, "X10,1:a", "E14");                     /* unmapped */
}

/* ---- Breakpoints and watchpoints ------------------------------------------------------ */

static void test_points(void **state)
{
    fx_t *f = *state;
    for (int type = 0; type <= 4; type++) {
        char pkt[64];
        snprintf(pkt, sizeof(pkt), "Z%d,8000%d000,%d", type, type, type + 1);
        expect_reply(f, pkt, "OK");
        pkt[0] = 'z';
        expect_reply(f, pkt, "OK");
    }
    assert_int_equal(f->mock.npoints, 10);
    for (unsigned i = 0; i < 10; i++) {
        point_call_t *p = &f->mock.points[i];
        int type = (int)i / 2;
        assert_int_equal(p->insert, i % 2 == 0);
        assert_int_equal(p->type, type);
        assert_int_equal(p->addr, 0x80000000u + (uint32_t)type * 0x1000u);
        assert_int_equal(p->kind, (uint32_t)type + 1);
    }

    /* Types the stub does not know: an empty reply ("not supported"), per the manual. */
    expect_reply(f, "Z5,80000000,4", "");
    expect_reply(f, "z5,80000000,4", "");
    expect_reply(f, "Zf,80000000,4", "");
    assert_int_equal(f->mock.npoints, 10);

    /* The target cannot (table full): an error. */
    f->mock.refuse_points = true;
    char *r = transact(f, "Z0,80000000,4");
    assert_true(r[0] == 'E');
    g_free(r);
    r = transact(f, "z2,80000000,4");
    assert_true(r[0] == 'E');
    g_free(r);
}

/* ---- Run control and stop replies --------------------------------------------------- */

/* Sends a resume packet: acked, no reply until the target stops. */
static void resume_with(fx_t *f, const char *packet, bool step)
{
    unsigned before = f->mock.resumes;
    send_packet(f, packet);
    pump(f);
    expect_ack(f);
    expect_nothing(f);
    if (f->mock.resumes != before + 1)
        fail_msg("'%s' did not resume the target", packet);
    if (f->mock.last_step != step)
        fail_msg("'%s': resume(step=%d), expected step=%d", packet, f->mock.last_step, step);
    report(f, 0, 5, 0, 0);
    char *r = expect_packet(f);
    assert_string_equal(r, "T05thread:1;");
    g_free(r);
    client_str(f, "+");
}

static void test_resume_packets(void **state)
{
    fx_t *f = *state;
    resume_with(f, "c", false);
    resume_with(f, "s", true);
    resume_with(f, "vCont;c", false);
    resume_with(f, "vCont;c:1", false);
    resume_with(f, "vCont;s:1", true);
    resume_with(f, "vCont;s:1;c", true);
    resume_with(f, "vCont;C05:1", false);
    resume_with(f, "vCont;S05:1;c", true);
    resume_with(f, "C05", false);
    resume_with(f, "S05", true);
    assert_int_equal(f->mock.reg_writes, 0);
    expect_reply(f, "vCont?", "vCont;c;C;s;S;t");

    resume_with(f, "c80001234", false);
    assert_int_equal(f->mock.last_reg_written, PC_REG);
    assert_int_equal(f->mock.regs[PC_REG], 0x80001234u);
    resume_with(f, "s80002000", true);
    assert_int_equal(f->mock.regs[PC_REG], 0x80002000u);
    resume_with(f, "C05;80003000", false);
    assert_int_equal(f->mock.regs[PC_REG], 0x80003000u);

    expect_error_no_effect(f, "vCont");
    expect_error_no_effect(f, "vCont;");
    expect_error_no_effect(f, "vCont;x");
    expect_error_no_effect(f, "czz");
    expect_error_no_effect(f, "s80000000zz");
}

static void test_stop_replies(void **state)
{
    fx_t *f = *state;
    /* Before any resume (stopped at start, -S): '?' says SIGTRAP. */
    expect_reply(f, "?", "T05thread:1;");

    /* A stop reported while not running sends nothing (nobody waits for it). */
    report(f, 1, 5, 0, 0);
    expect_nothing(f);

    static const struct { int reason, signal; enum gdb_point type; uint32_t addr; const char *reply; }
    cases[] = {
        { 1, 5, 0, 0, "T05swbreak:;thread:1;" },
        { 2, 5, GDB_WATCH_WRITE, 0x80000104u, "T05watch:80000104;thread:1;" },
        { 2, 5, GDB_WATCH_READ, 0x80000108u, "T05rwatch:80000108;thread:1;" },
        { 2, 5, GDB_WATCH_ACCESS, 0x8000010cu, "T05awatch:8000010c;thread:1;" },
        { 2, 5, GDB_WATCH_WRITE, 0x10u, "T05watch:10;thread:1;" },
        { 0, 2, 0, 0, "T02thread:1;" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        send_packet(f, "c");
        pump(f);
        expect_ack(f);
        expect_nothing(f);
        report(f, cases[i].reason, cases[i].signal, cases[i].type, cases[i].addr);
        char *r = expect_packet(f);
        assert_string_equal(r, cases[i].reply);
        g_free(r);
        client_str(f, "+");
        /* Only one reply per resume. */
        report(f, cases[i].reason, cases[i].signal, cases[i].type, cases[i].addr);
        expect_nothing(f);
        /* '?' repeats the last stop. */
        expect_reply(f, "?", cases[i].reply);
    }
}

static void test_ctrl_c(void **state)
{
    fx_t *f = *state;
    /* Stopped: the interrupt byte has nothing to interrupt. */
    client_str(f, "\x03");
    pump(f);
    expect_nothing(f);
    assert_int_equal(f->mock.interrupts, 0);

    send_packet(f, "c");
    pump(f);
    expect_ack(f);
    client_str(f, "\x03");
    pump(f);
    assert_int_equal(f->mock.interrupts, 1);
    expect_nothing(f);          /* the target reports the stop */
    report(f, 0, 2, 0, 0);
    char *r = expect_packet(f);
    assert_string_equal(r, "T02thread:1;");
    g_free(r);
    client_str(f, "+");

    /* 0x03 inside a packet is data, not an interrupt. */
    send_packet(f, "c");
    pump(f);
    expect_ack(f);
    static const char pkt[] = "X80000000,1:\x03";
    send_packet_len(f, pkt, sizeof(pkt) - 1);
    pump(f);
    assert_int_equal(f->mock.interrupts, 1);
}

/* ---- Queries ------------------------------------------------------------------------ */

static void test_qsupported(void **state)
{
    fx_t *f = *state;
    char *r = transact(f, "qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;"
                          "fork-events+;vfork-events+;exec-events+;vContSupported+;"
                          "QThreadEvents+;no-resumed+;memory-tagging+;xmlRegisters=i386");
    const char *ps = strstr(r, "PacketSize=");
    assert_non_null(ps);
    assert_true(ps == r || ps[-1] == ';');
    unsigned long size = strtoul(ps + strlen("PacketSize="), NULL, 16);
    assert_int_equal(size, PACKET_MAX);
    assert_non_null(strstr(r, "qXfer:features:read+"));
    g_free(r);
}

static void test_qxfer_features(void **state)
{
    fx_t *f = *state;
    size_t total = strlen(mock_xml);
    for (unsigned chunk = 1; chunk <= 64; chunk = chunk * 3 + 1) {
        GString *got = g_string_new(NULL);
        bool last = false;
        while (!last) {
            char pkt[80];
            snprintf(pkt, sizeof(pkt), "qXfer:features:read:target.xml:%zx,%x", got->len, chunk);
            size_t n;
            send_packet(f, pkt);
            pump(f);
            expect_ack(f);
            char *r = expect_packet_len(f, &n);
            assert_true(r[0] == 'm' || r[0] == 'l');
            assert_true(n - 1 <= chunk);
            last = r[0] == 'l';
            g_string_append_len(got, r + 1, (gssize)(n - 1));
            g_free(r);
            assert_true(got->len <= total);
        }
        assert_string_equal(got->str, mock_xml);
        g_string_free(got, TRUE);
    }
    char pkt[80];
    snprintf(pkt, sizeof(pkt), "qXfer:features:read:target.xml:%zx,10", total);
    expect_reply(f, pkt, "l");                          /* at the end: nothing more */
    snprintf(pkt, sizeof(pkt), "qXfer:features:read:target.xml:%zx,10", total - 3);
    GString *tail = g_string_new("l");
    g_string_append(tail, mock_xml + total - 3);
    expect_reply(f, pkt, tail->str);
    g_string_free(tail, TRUE);
    snprintf(pkt, sizeof(pkt), "qXfer:features:read:target.xml:%zx,10", total + 1);
    char *r = transact(f, pkt);                         /* past the end */
    assert_true(r[0] == 'E');
    g_free(r);
    /* Annexes the stub does not have: E00, as the manual says for an invalid annex. */
    expect_reply(f, "qXfer:features:read:mips-cpu.xml:0,100", "E00");
    expect_reply(f, "qXfer:features:read:target.xmlx:0,100", "E00");
    expect_reply(f, "qXfer:features:read:target.xml", "E00");
    expect_reply(f, "qXfer:features:read:", "E00");
}

static void test_qxfer_large_description(void **state)
{
    fx_t *f = *state;
    /* A description bigger than a packet comes in pieces. */
    GString *xml = g_string_new("<target>");
    while (xml->len < 3 * PACKET_MAX)
        g_string_append(xml, "<reg name=\"r\" bitsize=\"32\"/><!-- * -->\n");
    g_string_append(xml, "</target>\n");
    f->ops.target_xml = xml->str;
    GString *got = g_string_new(NULL);
    for (int rounds = 0; rounds < 100; rounds++) {
        char pkt[80];
        snprintf(pkt, sizeof(pkt), "qXfer:features:read:target.xml:%zx,ffff", got->len);
        size_t n;
        send_packet(f, pkt);
        pump(f);
        expect_ack(f);
        char *r = expect_packet_len(f, &n);
        assert_true(n > 1 || r[0] == 'l');
        assert_true(n - 1 <= PACKET_MAX);
        g_string_append_len(got, r + 1, (gssize)(n - 1));
        bool last = r[0] == 'l';
        g_free(r);
        if (last)
            break;
    }
    assert_string_equal(got->str, xml->str);
    g_string_free(got, TRUE);
    f->ops.target_xml = mock_xml;
    g_string_free(xml, TRUE);
}

static void test_thread_queries(void **state)
{
    fx_t *f = *state;
    expect_reply(f, "qAttached", "1");
    expect_reply(f, "qAttached:1", "1");
    expect_reply(f, "qfThreadInfo", "m1");
    expect_reply(f, "qsThreadInfo", "l");
    expect_reply(f, "qC", "QC1");
    expect_reply(f, "Hg0", "OK");
    expect_reply(f, "Hc-1", "OK");
    expect_reply(f, "T1", "OK");
}

static GString *hex_string(const char *s)
{
    GString *g = g_string_new(NULL);
    for (; *s; s++)
        g_string_append_printf(g, "%02x", (uint8_t)*s);
    return g;
}

/* Collects 'O' packets up to the final reply; returns the decoded console text. */
static GString *monitor_output(fx_t *f, const char *final)
{
    GString *text = g_string_new(NULL);
    for (;;) {
        char *r = expect_packet(f);
        client_str(f, "+");
        if (r[0] != 'O' || !strcmp(r, "OK")) {
            assert_string_equal(r, final);
            g_free(r);
            return text;
        }
        size_t n = strlen(r + 1);
        assert_true(n % 2 == 0 && n > 0);
        for (size_t i = 0; i < n; i += 2) {
            char byte[3] = { r[1 + i], r[2 + i], 0 };
            g_string_append_c(text, (char)strtoul(byte, NULL, 16));
        }
        g_free(r);
    }
}

static void test_qrcmd(void **state)
{
    fx_t *f = *state;
    GString *cmd = hex_string("tlb");
    g_string_prepend(cmd, "qRcmd,");
    send_packet(f, cmd->str);
    pump(f);
    expect_ack(f);
    GString *text = monitor_output(f, "OK");
    assert_string_equal(f->mock.monitor_cmd, "tlb");
    assert_string_equal(text->str, "ran tlb\n");
    g_string_free(text, TRUE);
    g_string_free(cmd, TRUE);

    /* Upper-case hex, and a command with spaces. */
    send_packet(f, "qRcmd,7472616365206F6E");
    pump(f);
    expect_ack(f);
    text = monitor_output(f, "OK");
    assert_string_equal(f->mock.monitor_cmd, "trace on");
    g_string_free(text, TRUE);

    /* Output longer than one 'O' packet, with every byte value the console can hold. */
    GString *big = g_string_new(NULL);
    for (int i = 0; i < 3000; i++)
        g_string_append_c(big, (char)(1 + i % 255));
    f->mock.monitor_reply = big->str;
    send_packet(f, "qRcmd,6370300a");
    pump(f);
    expect_ack(f);
    text = monitor_output(f, "OK");
    assert_int_equal(text->len, big->len);
    assert_memory_equal(text->str, big->str, big->len);
    g_string_free(text, TRUE);
    f->mock.monitor_reply = NULL;
    g_string_free(big, TRUE);

    /* An empty command still reaches the target (it answers with help). */
    send_packet(f, "qRcmd,");
    pump(f);
    expect_ack(f);
    text = monitor_output(f, "OK");
    assert_string_equal(f->mock.monitor_cmd, "");
    g_string_free(text, TRUE);

    unsigned monitors = f->mock.monitors;
    expect_error_no_effect(f, "qRcmd,746");       /* half a byte */
    expect_error_no_effect(f, "qRcmd,zz");
    expect_error_no_effect(f, "qRcmd,7400");      /* an embedded NUL */
    assert_int_equal(f->mock.monitors, monitors);
}

/* ---- Detach, kill, unknown packets -------------------------------------------------- */

static void test_detach(void **state)
{
    fx_t *f = *state;
    send_packet(f, "D");
    pump(f);
    expect_ack(f);
    char *r = expect_packet(f);
    assert_string_equal(r, "OK");
    g_free(r);
    assert_int_equal(f->mock.detaches, 1);
    assert_false(gdb_stub_connected(f->stub));
    assert_int_equal(gdb_stub_fd(f->stub), -1);
    assert_true(f->eof);                           /* the stub closed its end */
    gdb_stub_service(f->stub);                     /* nothing to do, no crash */
    report(f, 1, 5, 0, 0);
    assert_int_equal(f->mock.detaches, 1);

    /* A new debugger can attach afterwards. */
    close(f->peer);
    connect_peer(f);
    expect_reply(f, "qAttached", "1");
}

/* Bytes that follow a 'D' in the same read come from a connection that is closed: they
 * must not be acted on (with a listening socket they are not; gdb_stub_feed only stops
 * when listen_fd >= 0, so with gdb_stub_attach_fd it goes on handling them). */
static void test_nothing_after_detach(void **state)
{
    fx_t *f = *state;
    GString *g = frame("D", 1);
    GString *m = frame("M80000000,1:ff", strlen("M80000000,1:ff"));
    GString *c = frame("c", 1);
    g_string_append(g, m->str);
    g_string_append(g, c->str);
    g_string_free(m, TRUE);
    g_string_free(c, TRUE);
    uint8_t before = f->mock.mem[0];
    client_write(f, g->str, g->len);
    g_string_free(g, TRUE);
    pump(f);
    assert_int_equal(f->mock.detaches, 1);
    assert_int_equal(f->mock.mem_writes, 0);
    assert_int_equal(f->mock.mem[0], before);
    assert_int_equal(f->mock.resumes, 0);
}

static void test_kill(void **state)
{
    fx_t *f = *state;
    send_packet(f, "k");
    pump(f);
    expect_ack(f);
    assert_int_equal(f->mock.kills, 1);
}

static void test_unknown_packets(void **state)
{
    fx_t *f = *state;
    static const char *const unknown[] = {
        "vMustReplyEmpty", "qFooBar", "QFooBar", "qTStatus", "qOffsets", "vFile:open:6a7573742070726f62696e67,0,1c0",
        "vKill;1", "!", "b9600", "i", "A10,0,aa", "x80000000,4", "_", "\x7f", "QNonStop:1",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(unknown); i++)
        expect_reply(f, unknown[i], "");
    expect_reply(f, "", "");                        /* "$#00" */
    assert_int_equal(f->mock.mem_reads + f->mock.mem_writes + f->mock.reg_writes + f->mock.resumes, 0);
}

/* ---- Robustness --------------------------------------------------------------------- */

static void test_overlong_packet(void **state)
{
    fx_t *f = *state;
    /* One byte more than the buffer: NAKed, dropped whole, the stub goes on. */
    GString *g = g_string_new("$m80000000,4");
    while (g->len < 1 + PACKET_MAX + 1)
        g_string_append_c(g, '0');
    g_string_append_printf(g, "#%02x", checksum(g->str + 1, g->len - 1));
    client_write(f, g->str, g->len);
    pump(f);
    expect_byte(f, '-');
    expect_nothing(f);
    assert_int_equal(f->mock.mem_reads, 0);
    g_string_free(g, TRUE);
    expect_reply(f, "qAttached", "1");

    /* Much longer (several reads of the socket), still one NAK. */
    g = g_string_new("$");
    for (int i = 0; i < 5 * (int)PACKET_MAX; i++)
        g_string_append_c(g, 'a' + i % 26);
    g_string_append(g, "#00");
    client_write(f, g->str, g->len);
    pump(f);
    expect_byte(f, '-');
    expect_nothing(f);
    g_string_free(g, TRUE);
    expect_reply(f, "qAttached", "1");
}

static void test_packet_of_exactly_max_size(void **state)
{
    fx_t *f = *state;
    /* 'X' + "80000000," + 4 hex digits + ':' = 15 bytes of header. */
    uint32_t len = PACKET_MAX - 15;
    GString *g = g_string_new(NULL);
    g_string_printf(g, "X80000000,%x:", len);
    assert_int_equal(g->len, 15);
    for (uint32_t i = 0; i < len; i++)
        g_string_append_c(g, (char)('A' + i % 26));
    assert_int_equal(g->len, PACKET_MAX);
    send_packet_len(f, g->str, g->len);
    pump(f);
    expect_ack(f);
    char *r = expect_packet(f);
    assert_string_equal(r, "OK");
    g_free(r);
    assert_int_equal(f->mock.last_write_len, len);
    assert_memory_equal(f->mock.mem, g->str + 15, len);

    /* One more byte does not fit. */
    g_string_printf(g, "X80000000,%x:", len + 1);
    for (uint32_t i = 0; i <= len; i++)
        g_string_append_c(g, 'z');
    send_packet_len(f, g->str, g->len);
    pump(f);
    expect_byte(f, '-');
    expect_nothing(f);
    assert_int_equal(f->mock.mem_writes, 1);
    g_string_free(g, TRUE);
}

static void test_garbage_in_numeric_fields(void **state)
{
    fx_t *f = *state;
    static const char *const bad[] = {
        /* m addr,len */
        "m", "m,", "mzz,4", "m80000000", "m80000000,", "m80000000,zz", "m80000000,4zz",
        "m-1,4", "m 80000000,4", "m123456789,4", "m80000000,123456789", "m80000000;4",
        "m80000000,,4", "m0x80000000,4",
        /* M addr,len:hex and X addr,len:bin */
        "M", "M80000000,4", "M80000000,4deadbeef", "Mzz,4:deadbeef", "M80000000,zz:deadbeef",
        "M80000000,4:zzzzzzzz", "M,:", "M80000000,:", "M,4:deadbeef", "M123456789,1:00",
        "X", "X80000000", "X80000000,1", "Xzz,1:a", "X80000000,zz:a", "X,1:a", "X80000000,:",
        "X80000000,100000000:a",
        /* p n, P n=v */
        "p", "pzz", "p1z", "p-1", "p123456789", "p 1", "P", "P1", "P1=", "P1=zz", "P1=1234567",
        "P1=123456789", "Pzz=00000000", "P=00000000", "P1:00000000", "P1=0000000g",
        "P123456789=00000000",
        /* Z/z type,addr,kind */
        "Z", "Z0", "Z0,", "Z0,zz,4", "Z0,80000000", "Z0,80000000,", "Z0,80000000,zz",
        "Zz,80000000,4", "Z123456789,0,4", "z0,,4", "z", "Z,80000000,4", "Z0,123456789,4",
        /* c/s [addr], C/S sig[;addr] */
        "czz", "c80000000zz", "c-1", "c123456789", "s zz", "C", "Czz", "Szz", "C05;zz",
        "C123456789",
        /* qXfer offset,len */
        "qXfer:features:read:target.xml:zz,10", "qXfer:features:read:target.xml:0,zz",
        "qXfer:features:read:target.xml:,", "qXfer:features:read:target.xml:0",
        "qXfer:features:read:target.xml:123456789,10",
        /* qRcmd hex, vCont actions */
        "qRcmd,z", "qRcmd,zz", "qRcmd,0", "vCont", "vCont;", "vCont;z", "vCont:c",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
        expect_error_no_effect(f, bad[i]);
}

static void test_dollar_restarts_packet(void **state)
{
    fx_t *f = *state;
    /* A '$' inside a packet: the part before it was cut short and is forgotten. */
    client_str(f, "$M80000000,4:00000000");
    send_packet(f, "qC");
    pump(f);
    expect_ack(f);
    char *r = expect_packet(f);
    assert_string_equal(r, "QC1");
    g_free(r);
    expect_nothing(f);
    assert_int_equal(f->mock.mem_writes, 0);

    client_str(f, "$$$$");
    send_packet(f, "qAttached");
    pump(f);
    expect_ack(f);
    r = expect_packet(f);
    assert_string_equal(r, "1");
    g_free(r);

    /* Noise between packets is ignored. */
    client_str(f, "hello\r\n#00}}*\xff");
    send_packet(f, "qAttached");
    pump(f);
    expect_ack(f);
    r = expect_packet(f);
    assert_string_equal(r, "1");
    g_free(r);
    expect_nothing(f);
}

static void test_disconnect_mid_packet(void **state)
{
    fx_t *f = *state;
    client_str(f, "$M80000000,4:dead");
    close(f->peer);
    f->peer = -1;
    pump(f);
    assert_int_equal(f->mock.detaches, 1);
    assert_false(gdb_stub_connected(f->stub));
    assert_int_equal(f->mock.mem_writes, 0);
    gdb_stub_service(f->stub);
    assert_int_equal(f->mock.detaches, 1);

    /* The next connection starts from a clean parser: "beef#xx" is noise now. */
    connect_peer(f);
    client_str(f, "beef#00");
    expect_reply(f, "qAttached", "1");
    assert_int_equal(f->mock.mem_writes, 0);
}

static void test_disconnect_while_running(void **state)
{
    fx_t *f = *state;
    send_packet(f, "c");
    pump(f);
    expect_ack(f);
    close(f->peer);
    f->peer = -1;
    pump(f);
    assert_int_equal(f->mock.detaches, 1);
    assert_false(gdb_stub_connected(f->stub));
    /* The target stops later: no one to tell, no crash. */
    report(f, 1, 5, 0, 0);
    gdb_stub_console(f->stub, (const uint8_t *)"x", 1);
    assert_int_equal(f->mock.detaches, 1);
}

/* The client went away and the stub finds out by a failed write (not by reading EOF):
 * that is a disconnect too, and must detach so that the target runs freely, as
 * gdb_stub_service does on EOF. write_all closes the descriptor without calling detach,
 * so the target stays stopped with its breakpoints, waiting for a debugger that is gone. */
static void test_write_failure_detaches(void **state)
{
    fx_t *f = *state;
    send_packet(f, "c");
    pump(f);
    expect_ack(f);
    close(f->peer);
    f->peer = -1;
    report(f, 1, 5, 0, 0);       /* the stop reply cannot be delivered */
    assert_false(gdb_stub_connected(f->stub));
    assert_int_equal(f->mock.detaches, 1);
}

static void test_console_output(void **state)
{
    fx_t *f = *state;
    /* Off by default, and only while running when on. */
    gdb_stub_console(f->stub, (const uint8_t *)"hi", 2);
    expect_nothing(f);
    gdb_stub_set_console(f->stub, true);
    gdb_stub_console(f->stub, (const uint8_t *)"hi", 2);
    expect_nothing(f);
    send_packet(f, "c");
    pump(f);
    expect_ack(f);
    gdb_stub_console(f->stub, (const uint8_t *)"hi$#\n", 5);
    drain(f);
    char *r = expect_packet(f);
    assert_string_equal(r, "O686924230a");
    g_free(r);
    report(f, 0, 5, 0, 0);
    r = expect_packet(f);
    assert_string_equal(r, "T05thread:1;");
    g_free(r);
}

/* A small deterministic generator (xorshift64*), so a failure can be replayed. */
static uint64_t rng_state;

static uint32_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static void append_random_packet(GString *g)
{
    static const char *const templates[] = {
        "g", "G%08x%08x", "p%x", "P%x=%08x", "m%x,%x", "M%x,%x:%08x", "X%x,%x:ab}]c", "c",
        "s", "c%x", "vCont;c", "vCont;s:1;c", "Z%x,%x,%x", "z%x,%x,%x", "?", "qSupported",
        "qXfer:features:read:target.xml:%x,%x", "qAttached", "qfThreadInfo", "qsThreadInfo",
        "qC", "qRcmd,%x", "QStartNoAckMode", "D", "k", "H%x", "vCont?", "C%x;%x", "S%x",
    };
    static const uint32_t interesting[] = {
        0, 1, 2, 3, 4, 7, 8, 0x25, 0x47, 0x48, 0xff, 0x100, 0x1fff, 0x2000, 0x3ff1, 0x3ff2,
        0x4000, 0x4001, 0x7fffffff, 0x80000000u, 0x8000fffcu, 0x80010000u, 0xfffffffeu,
        0xffffffffu,
    };
    uint32_t v[3];
    for (int i = 0; i < 3; i++)
        v[i] = rnd() % 2 ? interesting[rnd() % G_N_ELEMENTS(interesting)] : rnd();
    GString *data = g_string_new(NULL);
    g_string_printf(data, templates[rnd() % G_N_ELEMENTS(templates)], v[0], v[1], v[2]);
    /* Mutate: flip, insert or delete a few bytes. */
    int mutations = rnd() % 4 == 0 ? (int)(rnd() % 4) : 0;
    for (int i = 0; i < mutations && data->len; i++) {
        size_t at = rnd() % data->len;
        switch (rnd() % 3) {
        case 0: data->str[at] = (char)rnd(); break;
        case 1: g_string_insert_c(data, (gssize)at, (char)rnd()); break;
        default: g_string_erase(data, (gssize)at, 1); break;
        }
    }
    g_string_append_c(g, '$');
    g_string_append_len(g, data->str, (gssize)data->len);
    uint8_t sum = checksum(data->str, data->len);
    if (rnd() % 8 == 0)
        sum ^= (uint8_t)(1 + rnd() % 255);
    g_string_append_printf(g, "#%02x", sum);
    g_string_free(data, TRUE);
}

static void test_random_stream(void **state)
{
    fx_t *f = *state;
    const char *seed_env = getenv("KSEG_GDB_TEST_SEED");
    rng_state = seed_env ? strtoull(seed_env, NULL, 0) : 0x6b736567u;
    if (!rng_state)
        rng_state = 1;
    for (int round = 0; round < 3000; round++) {
        GString *g = g_string_new(NULL);
        int items = 1 + (int)(rnd() % 8);
        for (int i = 0; i < items; i++) {
            switch (rnd() % 6) {
            case 0: {                                  /* raw random bytes */
                int n = (int)(rnd() % 64);
                for (int k = 0; k < n; k++)
                    g_string_append_c(g, (char)rnd());
                break;
            }
            case 1: g_string_append_c(g, "+-\x03$#}"[rnd() % 6]); break;
            default: append_random_packet(g); break;
            }
        }
        if (rnd() % 50 == 0) {                         /* now and then a very long one */
            g_string_append_c(g, '$');
            int n = (int)(rnd() % (2 * PACKET_MAX));
            for (int k = 0; k < n; k++)
                g_string_append_c(g, (char)(' ' + rnd() % 90));
        }
        /* Cut it anywhere: the rest comes in the next round. */
        client_write(f, g->str, g->len);
        g_string_free(g, TRUE);
        pump(f);
        g_string_truncate(f->in, 0);
        if (rnd() % 4 == 0)
            report(f, (int)(rnd() % 3), rnd() % 2 ? 5 : 2, (enum gdb_point)(2 + rnd() % 3), rnd());
        if (rnd() % 8 == 0)
            gdb_stub_console(f->stub, (const uint8_t *)"console", 7);
        if (rnd() % 16 == 0)
            gdb_stub_set_console(f->stub, rnd() % 2);
        if (!gdb_stub_connected(f->stub) || rnd() % 200 == 0) {
            /* 'D' closed it, or the client goes away: a new connection. */
            if (f->peer >= 0)
                close(f->peer);
            f->peer = -1;
            pump(f);
            connect_peer(f);
        }
    }
    /* Still answering properly after all that. */
    client_str(f, "$#00");                             /* end whatever packet is open */
    pump(f);
    g_string_truncate(f->in, 0);
    send_packet(f, "qAttached");
    pump(f);
    /* Maybe in no-ack mode from a random QStartNoAckMode: skip the ack if there is none. */
    if (f->in->len && f->in->str[0] == '+')
        expect_ack(f);
    char *r = expect_packet(f);
    assert_string_equal(r, "1");
    g_free(r);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_ack_and_checksum),
        T(test_nak_resends_last_packet),
        T(test_noack_mode),
        T(test_reply_escaping),
        T(test_x_binary_unescaping),
        T(test_g_reads_all_registers),
        T(test_G_writes_registers),
        T(test_G_skips_unavailable_registers),
        T(test_p_P_single_register),
        T(test_m_reads_memory),
        T(test_M_writes_memory),
        T(test_X_writes_memory),
        T(test_points),
        T(test_resume_packets),
        T(test_stop_replies),
        T(test_ctrl_c),
        T(test_qsupported),
        T(test_qxfer_features),
        T(test_qxfer_large_description),
        T(test_thread_queries),
        T(test_qrcmd),
        T(test_detach),
        T(test_nothing_after_detach),
        T(test_kill),
        T(test_unknown_packets),
        T(test_overlong_packet),
        T(test_packet_of_exactly_max_size),
        T(test_garbage_in_numeric_fields),
        T(test_dollar_restarts_packet),
        T(test_disconnect_mid_packet),
        T(test_disconnect_while_running),
        T(test_write_failure_detaches),
        T(test_console_output),
        T(test_random_stream),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
