/* The GDB remote serial protocol (gdb's manual, appendix E "Remote Protocol").
 *
 * Input is a byte stream fed through a small state machine: '$' data '#' two hex digits.
 * Bytes outside packets are acks ('+', '-': resend the last packet) or the interrupt byte
 * 0x03. A packet longer than the buffer is dropped whole and NAKed; a bad checksum is
 * NAKed; nothing the client sends can make the stub read or write outside its buffers. */
#include "frontend/gdbstub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The largest packet accepted and advertised (PacketSize, in bytes of packet data): room
 * for a 'G' of every register and 'X' writes of a few KiB. */
#define GDB_PACKET_MAX 0x4000
/* The largest memory read answered at once: its hex reply must fit a packet. */
#define GDB_MEM_MAX ((GDB_PACKET_MAX - 16) / 2)

enum parse_state { PARSE_IDLE, PARSE_DATA, PARSE_CHECKSUM1, PARSE_CHECKSUM2 };

struct gdb_stub {
    const gdb_target_ops_t *ops;
    void *target;
    int listen_fd, fd;
    bool no_ack;               /* QStartNoAckMode accepted */
    bool running;              /* resumed: a stop reply is owed */
    bool console;              /* forward guest console output as 'O' packets */
    bool hung_up;              /* detached or the connection failed: ignore what is left */

    enum parse_state state;
    uint8_t packet[GDB_PACKET_MAX];
    size_t packet_len;
    bool packet_overflow;
    uint8_t checksum;          /* running sum of the data */
    uint8_t received_checksum;

    GString *last_sent;        /* for a '-' from the client */
    gdb_stop_t last_stop;
};

static const char hex_digits[] = "0123456789abcdef";

static int hex_value(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Parses a hex number at *p; advances *p. False if there is none or it does not fit 32 bits.
 * A 64-bit value whose upper half only sign-extends the lower one is taken as 32 bits: gdb
 * writes kseg0/kseg1 addresses that way at times (0xffffffff80001000). */
static bool parse_hex(const char **p, const char *end, uint32_t *out)
{
    uint64_t v = 0;
    int digits = 0;
    while (*p < end && hex_value(**p) >= 0) {
        if (++digits > 16)
            return false;
        v = v << 4 | (uint64_t)hex_value(**p);
        (*p)++;
    }
    if (v > 0xFFFFFFFFull && (v >> 32) != 0xFFFFFFFFull)
        return false;
    if ((v >> 32) == 0xFFFFFFFFull && !(v & 0x80000000ull))
        return false;
    *out = (uint32_t)v;
    return digits > 0;
}

static bool expect_char(const char **p, const char *end, char c)
{
    if (*p < end && **p == c) {
        (*p)++;
        return true;
    }
    return false;
}

/* ---- Output ------------------------------------------------------------------------ */

static void detach(gdb_stub_t *s);

/* The debugger is gone: close, let the target run free, ignore input still buffered. */
static void hang_up(gdb_stub_t *s)
{
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    s->state = PARSE_IDLE;
    s->hung_up = true;
    detach(s);
}

static void write_all(gdb_stub_t *s, const char *buf, size_t len)
{
    while (len && s->fd >= 0) {
        ssize_t n = send(s->fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            fd_set w;
            FD_ZERO(&w);
            FD_SET(s->fd, &w);
            struct timeval tv = { .tv_sec = 1 };
            if (select(s->fd + 1, NULL, &w, NULL, &tv) > 0)
                continue;
        }
        if (n <= 0) {   /* the client is gone (or stuck): treat it as a detach */
            hang_up(s);
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

static void send_packet(gdb_stub_t *s, const char *data, size_t len)
{
    GString *p = s->last_sent;
    g_string_truncate(p, 0);
    g_string_append_c(p, '$');
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (c == '$' || c == '#' || c == '}' || c == '*') {
            g_string_append_c(p, '}');
            sum += '}';
            c ^= 0x20;
        }
        g_string_append_c(p, c);
        sum += (uint8_t)c;
    }
    g_string_append_printf(p, "#%02x", sum);
    write_all(s, p->str, p->len);
}

static void send_str(gdb_stub_t *s, const char *str) { send_packet(s, str, strlen(str)); }

static void append_hex_bytes(GString *out, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        g_string_append_c(out, hex_digits[buf[i] >> 4]);
        g_string_append_c(out, hex_digits[buf[i] & 15]);
    }
}

/* A register as gdb wants it: target byte order (little-endian), or 'x's. */
static void append_reg(gdb_stub_t *s, GString *out, int regno)
{
    uint32_t v;
    if (s->ops->read_reg(s->target, regno, &v)) {
        uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
        append_hex_bytes(out, b, 4);
    } else {
        g_string_append(out, "xxxxxxxx");
    }
}

/* Decodes little-endian hex for one register; false on bad input. */
static bool decode_reg(const char **p, const char *end, uint32_t *value)
{
    if (end - *p < 8)
        return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int hi = hex_value((*p)[2 * i]), lo = hex_value((*p)[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        v |= (uint32_t)(hi << 4 | lo) << (8 * i);
    }
    *p += 8;
    *value = v;
    return true;
}

/* ---- Stop replies ------------------------------------------------------------------ */

static void send_stop_reply(gdb_stub_t *s, const gdb_stop_t *stop)
{
    GString *r = g_string_new(NULL);
    g_string_append_printf(r, "T%02x", stop->signal & 0xFF);
    if (stop->reason == GDB_STOP_SWBREAK) {
        g_string_append(r, "swbreak:;");
    } else if (stop->reason == GDB_STOP_WATCH) {
        const char *kind = stop->watch_type == GDB_WATCH_READ ? "rwatch"
                         : stop->watch_type == GDB_WATCH_ACCESS ? "awatch" : "watch";
        g_string_append_printf(r, "%s:%x;", kind, stop->watch_addr);
    }
    g_string_append(r, "thread:1;");
    send_packet(s, r->str, r->len);
    g_string_free(r, TRUE);
}

void gdb_stub_report_stop(gdb_stub_t *s, const gdb_stop_t *stop)
{
    s->last_stop = *stop;
    if (!s->running)
        return;
    s->running = false;
    send_stop_reply(s, stop);
}

/* ---- Packets ----------------------------------------------------------------------- */

static void handle_read_registers(gdb_stub_t *s)
{
    GString *r = g_string_new(NULL);
    for (int i = 0; i < s->ops->reg_count; i++)
        append_reg(s, r, i);
    send_packet(s, r->str, r->len);
    g_string_free(r, TRUE);
}

static void handle_write_registers(gdb_stub_t *s, const char *p, const char *end)
{
    /* Check the whole packet first, so a bad one changes nothing. "xxxxxxxx" (as our own 'g'
     * sends for unavailable registers) leaves that register alone. */
    uint32_t values[256];
    bool present[256];
    int n = 0;
    while (p < end && n < s->ops->reg_count && n < 256) {
        present[n] = !(end - p >= 8 && !memcmp(p, "xxxxxxxx", 8));
        if (!present[n])
            p += 8;
        else if (!decode_reg(&p, end, &values[n])) {
            send_str(s, "E01");
            return;
        }
        n++;
    }
    if (p != end) {
        send_str(s, "E01");
        return;
    }
    for (int i = 0; i < n; i++)
        if (present[i])
            s->ops->write_reg(s->target, i, values[i]);
    send_str(s, "OK");
}

static void handle_read_register(gdb_stub_t *s, const char *p, const char *end)
{
    uint32_t regno;
    if (!parse_hex(&p, end, &regno) || p != end || regno >= (uint32_t)s->ops->reg_count) {
        send_str(s, "E01");
        return;
    }
    GString *r = g_string_new(NULL);
    append_reg(s, r, (int)regno);
    send_packet(s, r->str, r->len);
    g_string_free(r, TRUE);
}

static void handle_write_register(gdb_stub_t *s, const char *p, const char *end)
{
    uint32_t regno, v;
    if (!parse_hex(&p, end, &regno) || !expect_char(&p, end, '=') || !decode_reg(&p, end, &v) ||
        p != end || regno >= (uint32_t)s->ops->reg_count || !s->ops->write_reg(s->target, (int)regno, v)) {
        send_str(s, "E01");
        return;
    }
    send_str(s, "OK");
}

static void handle_read_memory(gdb_stub_t *s, const char *p, const char *end)
{
    uint32_t addr, len;
    if (!parse_hex(&p, end, &addr) || !expect_char(&p, end, ',') || !parse_hex(&p, end, &len) ||
        p != end) {
        send_str(s, "E01");
        return;
    }
    if (len > GDB_MEM_MAX)
        len = GDB_MEM_MAX;    /* gdb asks again for the rest */
    uint8_t buf[GDB_MEM_MAX];
    if (!s->ops->read_mem(s->target, addr, buf, len)) {
        send_str(s, "E14");   /* EFAULT: not mapped */
        return;
    }
    GString *r = g_string_sized_new(2 * len);
    append_hex_bytes(r, buf, len);
    send_packet(s, r->str, r->len);
    g_string_free(r, TRUE);
}

/* M addr,len:HEX and X addr,len:BINARY (escaped). */
static void handle_write_memory(gdb_stub_t *s, const char *p, const char *end, bool binary)
{
    uint32_t addr, len;
    if (!parse_hex(&p, end, &addr) || !expect_char(&p, end, ',') || !parse_hex(&p, end, &len) ||
        !expect_char(&p, end, ':') || len > GDB_PACKET_MAX) {
        send_str(s, "E01");
        return;
    }
    uint8_t buf[GDB_PACKET_MAX];
    uint32_t n = 0;
    while (p < end && n < len) {
        if (binary) {
            uint8_t c = (uint8_t)*p++;
            if (c == '}') {
                if (p == end)
                    break;
                c = (uint8_t)(*p++ ^ 0x20);
            }
            buf[n++] = c;
        } else {
            if (end - p < 2 || hex_value(p[0]) < 0 || hex_value(p[1]) < 0)
                break;
            buf[n++] = (uint8_t)(hex_value(p[0]) << 4 | hex_value(p[1]));
            p += 2;
        }
    }
    if (n != len || p != end) {
        send_str(s, "E01");
        return;
    }
    if (len && !s->ops->write_mem(s->target, addr, buf, len)) {
        send_str(s, "E14");
        return;
    }
    send_str(s, "OK");
}

static void handle_point(gdb_stub_t *s, bool insert, const char *p, const char *end)
{
    uint32_t type, addr, kind;
    if (!parse_hex(&p, end, &type) || !expect_char(&p, end, ',') || !parse_hex(&p, end, &addr) ||
        !expect_char(&p, end, ',') || !parse_hex(&p, end, &kind) || (p != end && *p != ';')) {
        send_str(s, "E01");
        return;
    }
    if (type > GDB_WATCH_ACCESS) {
        send_str(s, "");      /* not supported */
        return;
    }
    bool ok = insert ? s->ops->insert_point(s->target, (enum gdb_point)type, addr, kind)
                     : s->ops->remove_point(s->target, (enum gdb_point)type, addr, kind);
    send_str(s, ok ? "OK" : "E22");
}

static void resume(gdb_stub_t *s, bool step)
{
    s->running = true;
    s->ops->resume(s->target, step);
}

/* c [addr], s [addr]: an address moves the PC first. */
static void handle_continue(gdb_stub_t *s, const char *p, const char *end, bool step)
{
    uint32_t addr;
    if (p < end) {
        if (!parse_hex(&p, end, &addr) || p != end) {
            send_str(s, "E01");
            return;
        }
        s->ops->write_reg(s->target, s->ops->pc_regno, addr);
    }
    resume(s, step);
}

/* vCont;ACTION[:thread][;ACTION...]: one thread, so the first action decides. */
static void handle_vcont(gdb_stub_t *s, const char *p, const char *end)
{
    if (!expect_char(&p, end, ';') || p == end) {
        send_str(s, "E01");
        return;
    }
    switch (*p) {
    case 'c': case 'C': resume(s, false); break;
    case 's': case 'S': resume(s, true); break;
    case 't': s->ops->interrupt(s->target); send_str(s, "OK"); break;
    default: send_str(s, "E01"); break;
    }
}

static void handle_xfer_features(gdb_stub_t *s, const char *p, const char *end)
{
    static const char annex[] = "target.xml:";
    uint32_t offset, len;
    if ((size_t)(end - p) < sizeof(annex) - 1 || memcmp(p, annex, sizeof(annex) - 1)) {
        send_str(s, "E00");
        return;
    }
    p += sizeof(annex) - 1;
    if (!parse_hex(&p, end, &offset) || !expect_char(&p, end, ',') || !parse_hex(&p, end, &len)) {
        send_str(s, "E01");
        return;
    }
    const char *xml = s->ops->target_xml;
    size_t total = strlen(xml);
    if (offset > total) {
        send_str(s, "E01");
        return;
    }
    size_t n = total - offset;
    if (n > len)
        n = len;
    if (n > GDB_PACKET_MAX / 2)
        n = GDB_PACKET_MAX / 2;
    GString *r = g_string_new(offset + n < total ? "m" : "l");
    g_string_append_len(r, xml + offset, (gssize)n);
    send_packet(s, r->str, r->len);
    g_string_free(r, TRUE);
}

static void send_console_text(gdb_stub_t *s, const char *text, size_t len)
{
    /* 'O' packets carry hex text; keep each well inside the packet size. */
    for (size_t off = 0; off < len; off += 512) {
        size_t n = len - off < 512 ? len - off : 512;
        GString *r = g_string_new("O");
        append_hex_bytes(r, (const uint8_t *)text + off, n);
        send_packet(s, r->str, r->len);
        g_string_free(r, TRUE);
    }
}

static void handle_monitor(gdb_stub_t *s, const char *p, const char *end)
{
    if ((end - p) % 2) {
        send_str(s, "E01");
        return;
    }
    GString *cmd = g_string_new(NULL);
    for (; p < end; p += 2) {
        int hi = hex_value(p[0]), lo = hex_value(p[1]);
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            g_string_free(cmd, TRUE);
            send_str(s, "E01");
            return;
        }
        g_string_append_c(cmd, (char)(hi << 4 | lo));
    }
    GString *out = g_string_new(NULL);
    s->ops->monitor(s->target, cmd->str, out);
    if (out->len)
        send_console_text(s, out->str, out->len);
    send_str(s, "OK");
    g_string_free(out, TRUE);
    g_string_free(cmd, TRUE);
}

static bool starts_with(const char *p, const char *end, const char *prefix)
{
    size_t n = strlen(prefix);
    return (size_t)(end - p) >= n && memcmp(p, prefix, n) == 0;
}

static void handle_query(gdb_stub_t *s, const char *p, const char *end)
{
    if (starts_with(p, end, "qSupported")) {
        char reply[160];
        snprintf(reply, sizeof(reply), "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;"
                 "QStartNoAckMode+;vContSupported+", GDB_PACKET_MAX);
        send_str(s, reply);
    } else if (starts_with(p, end, "qXfer:features:read:")) {
        handle_xfer_features(s, p + strlen("qXfer:features:read:"), end);
    } else if (starts_with(p, end, "qAttached")) {
        send_str(s, "1");
    } else if (starts_with(p, end, "qfThreadInfo")) {
        send_str(s, "m1");
    } else if (starts_with(p, end, "qsThreadInfo")) {
        send_str(s, "l");
    } else if (p + 2 == end && p[1] == 'C') {
        send_str(s, "QC1");
    } else if (starts_with(p, end, "qRcmd,")) {
        handle_monitor(s, p + strlen("qRcmd,"), end);
    } else if (starts_with(p, end, "qSymbol")) {
        send_str(s, "OK");
    } else if (starts_with(p, end, "QStartNoAckMode")) {
        send_str(s, "OK");
        s->no_ack = true;
    } else {
        send_str(s, "");
    }
}

static void detach(gdb_stub_t *s)
{
    s->running = false;
    s->no_ack = false;
    s->ops->detach(s->target);
}

static void handle_packet(gdb_stub_t *s)
{
    const char *p = (const char *)s->packet;
    const char *end = p + s->packet_len;
    if (p == end) {
        send_str(s, "");
        return;
    }
    char cmd = *p++;
    switch (cmd) {
    case '?': send_stop_reply(s, &s->last_stop); break;
    case 'g': handle_read_registers(s); break;
    case 'G': handle_write_registers(s, p, end); break;
    case 'p': handle_read_register(s, p, end); break;
    case 'P': handle_write_register(s, p, end); break;
    case 'm': handle_read_memory(s, p, end); break;
    case 'M': handle_write_memory(s, p, end, false); break;
    case 'X': handle_write_memory(s, p, end, true); break;
    case 'c': handle_continue(s, p, end, false); break;
    case 's': handle_continue(s, p, end, true); break;
    case 'C': case 'S': {
        /* The signal is not delivered (a bare machine has none); an address may follow. */
        uint32_t sig;
        if (!parse_hex(&p, end, &sig)) {
            send_str(s, "E01");
            break;
        }
        if (expect_char(&p, end, ';'))
            handle_continue(s, p, end, cmd == 'S');
        else
            resume(s, cmd == 'S');
        break;
    }
    case 'Z': handle_point(s, true, p, end); break;
    case 'z': handle_point(s, false, p, end); break;
    case 'H': case 'T': send_str(s, "OK"); break;
    case 'q': case 'Q': handle_query(s, p - 1, end); break;
    case 'v':
        if (starts_with(p - 1, end, "vCont?"))
            send_str(s, "vCont;c;C;s;S;t");
        else if (starts_with(p - 1, end, "vCont"))
            handle_vcont(s, p + 4, end);
        else
            send_str(s, "");  /* vMustReplyEmpty and everything we lack */
        break;
    case 'D':
        send_str(s, "OK");
        hang_up(s);
        break;
    case 'k':
        s->ops->kill(s->target);
        break;
    default:
        send_str(s, "");
        break;
    }
}

/* ---- Input ------------------------------------------------------------------------- */

void gdb_stub_feed(gdb_stub_t *s, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = data[i];
        switch (s->state) {
        case PARSE_IDLE:
            if (c == '$') {
                s->state = PARSE_DATA;
                s->packet_len = 0;
                s->packet_overflow = false;
                s->checksum = 0;
            } else if (c == 0x03) {
                if (s->running)
                    s->ops->interrupt(s->target);
            } else if (c == '-' && !s->no_ack && s->last_sent->len) {
                write_all(s, s->last_sent->str, s->last_sent->len);
            }
            break;    /* '+' and noise between packets are ignored */
        case PARSE_DATA:
            if (c == '#') {
                s->state = PARSE_CHECKSUM1;
            } else if (c == '$') {
                /* A new start inside a packet: the old one was cut short. */
                s->packet_len = 0;
                s->packet_overflow = false;
                s->checksum = 0;
            } else {
                s->checksum += c;
                if (s->packet_len < sizeof(s->packet))
                    s->packet[s->packet_len++] = c;
                else
                    s->packet_overflow = true;
            }
            break;
        case PARSE_CHECKSUM1:
        case PARSE_CHECKSUM2: {
            int v = hex_value(c);
            if (s->state == PARSE_CHECKSUM1) {
                s->received_checksum = (uint8_t)((v < 0 ? 0 : v) << 4);
                s->packet_overflow |= v < 0;
                s->state = PARSE_CHECKSUM2;
                break;
            }
            s->received_checksum |= (uint8_t)(v < 0 ? 0 : v);
            s->state = PARSE_IDLE;
            bool good = v >= 0 && !s->packet_overflow && s->received_checksum == s->checksum;
            if (!s->no_ack)
                write_all(s, good ? "+" : "-", 1);
            if (good || (s->no_ack && !s->packet_overflow && v >= 0))
                handle_packet(s);
            break;
        }
        }
        if (s->hung_up)
            return;   /* detached or disconnected while answering: drop the rest */
    }
}

void gdb_stub_service(gdb_stub_t *s)
{
    if (s->fd < 0) {
        if (s->listen_fd < 0)
            return;
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        s->fd = fd;
        s->state = PARSE_IDLE;
        s->no_ack = false;
        s->hung_up = false;
        /* A debugger that attaches finds the machine stopped, as with QEMU; the stop is
         * recorded for its '?' (a machine held by -S is stopped already). */
        s->ops->interrupt(s->target);
        return;
    }
    uint8_t buf[4096];
    ssize_t n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {   /* disconnected, maybe mid-packet: forget it all and let the guest run */
        hang_up(s);
        return;
    }
    gdb_stub_feed(s, buf, (size_t)n);
}

/* ---- Set-up ------------------------------------------------------------------------ */

gdb_stub_t *gdb_stub_new(const gdb_target_ops_t *ops, void *target)
{
    gdb_stub_t *s = g_new0(gdb_stub_t, 1);
    s->ops = ops;
    s->target = target;
    s->listen_fd = s->fd = -1;
    s->last_sent = g_string_new(NULL);
    s->last_stop = (gdb_stop_t){ .reason = GDB_STOP_SIGNAL, .signal = 5 };
    return s;
}

void gdb_stub_free(gdb_stub_t *s)
{
    if (!s)
        return;
    if (s->fd >= 0)
        close(s->fd);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    g_string_free(s->last_sent, TRUE);
    g_free(s);
}

bool gdb_stub_listen(gdb_stub_t *s, const char *spec, char **error)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    const char *port_str = spec;
    if (!strncmp(spec, "tcp:", 4)) {
        const char *host = spec + 4;
        const char *colon = strrchr(host, ':');
        if (!colon) {
            *error = g_strdup_printf("-gdb: expected tcp::PORT or tcp:HOST:PORT, got '%s'", spec);
            return false;
        }
        char *h = g_strndup(host, (gsize)(colon - host));
        if (*h && strcmp(h, "localhost") && inet_pton(AF_INET, h, &sa.sin_addr) != 1) {
            *error = g_strdup_printf("-gdb: bad address '%s'", h);
            g_free(h);
            return false;
        }
        g_free(h);
        port_str = colon + 1;
    }
    char *end;
    long port = strtol(port_str, &end, 10);
    if (end == port_str || (*end && *end != ',') || port <= 0 || port > 65535) {
        *error = g_strdup_printf("-gdb: bad port in '%s'", spec);
        return false;
    }
    sa.sin_port = htons((uint16_t)port);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
        *error = g_strdup_printf("-gdb: cannot listen on port %ld: %s", port, strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    s->listen_fd = fd;
    return true;
}

void gdb_stub_attach_fd(gdb_stub_t *s, int fd)
{
    s->fd = fd;
    s->state = PARSE_IDLE;
    s->hung_up = false;
}

void gdb_stub_report_exit(gdb_stub_t *s, int status)
{
    if (s->fd < 0)
        return;
    char reply[8];
    snprintf(reply, sizeof(reply), "W%02x", status & 0xFF);
    send_str(s, reply);
    s->running = false;
}

int gdb_stub_fd(const gdb_stub_t *s)
{
    return s->fd >= 0 ? s->fd : s->listen_fd;
}

bool gdb_stub_connected(const gdb_stub_t *s)
{
    return s->fd >= 0;
}

void gdb_stub_set_console(gdb_stub_t *s, bool on)
{
    s->console = on;
}

void gdb_stub_console(gdb_stub_t *s, const uint8_t *data, size_t len)
{
    /* gdb only reads 'O' packets while it waits for a stop reply. */
    if (s->console && s->running && s->fd >= 0)
        send_console_text(s, (const char *)data, len);
}
