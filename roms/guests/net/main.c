/* The net guest's checks (issue 9), one PASS/FAIL line each on its virtual 16550, then a
 * summary and the FPGA's software reset:
 *   nic        the virtual NE2000 resets and its PROM holds a MAC address
 *   dhcp       a lease from slirp's DHCP server: "net: lease 10.0.2.N"
 *   ping-gw    echo replies from slirp's gateway 10.0.2.2
 *   ping-peer  echo replies from the other net guest, when `guest=` on the command line
 *              starts two (they get 10.0.2.15 and .16: each pings the other, retrying
 *              until it is up, within PEER_WAIT_MS)
 *   udp        with `udp=PORT` on the hypervisor's command line (a2): UDP_BLOCKS blocks
 *              sent to a host server at 10.0.2.2:PORT and UDP_BLOCKS received from it, the
 *              CRC-32s of both streams compared with the server's
 * Before it exits the guest keeps answering its peer until the peer's pings are done, so
 * the first to finish does not leave the other pinging nobody.
 *
 * The UDP protocol (tests/hv/nettest.py's UdpServer is the host's half), stop-and-wait with every
 * retransmission from the guest, so it survives any lost datagram; all numbers big-endian,
 * a message is type, 0, seq (16 bits), then its payload:
 *   'D' seq data        a block of the guest's stream; answered 'A' seq (a duplicate too)
 *   'R' seq             asks for block seq of the server's stream; answered 'P' seq data
 *                       (the same data however often asked)
 *   'E' count crc crc   the end: blocks, CRC-32 of the stream sent and of the one received;
 *                       answered 'F' count crc crc with the server's view of both */
#include <stdarg.h>

#include "gcons.h"
#include "net.h"

#define LEASE_MS        20000
#define PING_COUNT      3
#define PING_TRIES      5               /* per sequence number */
#define PING_WAIT_MS    500
#define PEER_WAIT_MS    20000           /* the peer may boot and lease later than we do */
#define PEER_LINGER_MS  20000           /* the longest we keep answering a slow peer */
#define PEER_GRACE_MS   1000            /* after its last ping: a retry of a lost reply */
#define UDP_BLOCKS      24
#define UDP_RTO_MS      300             /* retransmission timeout */
#define UDP_TRIES       30
#define UDP_BLOCK_MAX   1400
#define UDP_LOCAL_BASE  5000            /* our port: this plus the last byte of our address */
#define MSG_HDR         4

_Static_assert(LEASE_MS < WAIT_MAX_MS && PEER_WAIT_MS < WAIT_MAX_MS &&
               PEER_LINGER_MS < WAIT_MAX_MS, "net.h: waits are Count differences");

static unsigned passed, failed;
static uint32_t card_wakeups;           /* WAITs that ended with the card's line up */

/* ---- Console, time ----------------------------------------------------------------------- */

static void hex_byte(uint8_t v)
{
    gcons_putc("0123456789abcdef"[v >> 4]);
    gcons_putc("0123456789abcdef"[v & 15u]);
}

/* %s, %u, %x (0x and 8 digits), %c, %I (an IPv4 address), %M (a MAC address: 6 bytes). */
void gprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            gcons_putc(*fmt);
            continue;
        }
        switch (*++fmt) {
        case 's':
            for (const char *s = va_arg(ap, const char *); *s; s++)
                gcons_putc(*s);
            break;
        case 'u': gcons_dec(va_arg(ap, uint32_t)); break;
        case 'x': gcons_hex(va_arg(ap, uint32_t)); break;
        case 'c': gcons_putc((char)va_arg(ap, int)); break;
        case 'I': {
            uint32_t ip = va_arg(ap, uint32_t);
            for (int shift = 24; shift >= 0; shift -= 8) {
                gcons_dec((ip >> shift) & 255u);
                if (shift)
                    gcons_putc('.');
            }
            break;
        }
        case 'M': {
            const uint8_t *mac = va_arg(ap, const uint8_t *);
            for (int i = 0; i < ETH_ALEN; i++) {
                hex_byte(mac[i]);
                if (i + 1 < ETH_ALEN)
                    gcons_putc(':');
            }
            break;
        }
        default: gcons_putc(*fmt); break;
        }
    }
    va_end(ap);
}

static void result(bool ok, const char *name)
{
    if (ok)
        passed++;
    else
        failed++;
    gprintf("net: %s %s", ok ? "PASS" : "FAIL", name);
}

/* WAIT wakes on any pending interrupt Status.IM lets through, whatever IE (the guest
 * keeps IE clear and takes no interrupt at all): the card's line (IM3) or the timer
 * (IM7), armed a millisecond ahead; rewriting Compare acknowledges the last match. */
void net_idle(void)
{
    compare_in(COUNT_PER_MS);
    __asm__ volatile("wait" ::: "memory");
    if (MFC0(C0_CAUSE) & NE2K_IRQ_IM)
        card_wakeups++;
}

static uint32_t ms_since(uint32_t start)
{
    return (now_count() - start) / COUNT_PER_MS;
}

/* The value of `word=` in the command line (a2), or NULL. */
static const char *arg_value(const char *args, const char *word)
{
    for (const char *p = args; *p;) {
        while (*p == ' ')
            p++;
        const char *w = word, *q = p;
        while (*w && *q == *w)
            q++, w++;
        if (!*w)
            return q;
        while (*p && *p != ' ')
            p++;
    }
    return NULL;
}

/* ---- Pings ------------------------------------------------------------------------------- */

/* PING_COUNT echo requests, each tried up to PING_TRIES times: how many were answered. */
static unsigned ping_series(uint32_t ip, uint32_t *ms)
{
    unsigned got = 0;
    uint32_t start = now_count();
    for (uint16_t seq = 1; seq <= PING_COUNT; seq++)
        for (unsigned t = 0; t < PING_TRIES; t++)
            if (icmp_ping(ip, seq, PING_WAIT_MS)) {
                got++;
                break;
            }
    *ms = ms_since(start);
    return got;
}

static void test_ping_gw(void)
{
    uint32_t ms;
    unsigned got = ping_series(SLIRP_GATEWAY, &ms);
    result(got == PING_COUNT, "ping-gw:");
    gprintf(" %I answered %u of %u echo requests [%u ms]\n", SLIRP_GATEWAY, got, PING_COUNT,
            ms);
}

/* 10.0.2.15 and .16 ping each other; another address has no peer. */
static uint32_t peer_of(uint32_t ip)
{
    if (ip == IP4(10, 0, 2, 15))
        return IP4(10, 0, 2, 16);
    if (ip == IP4(10, 0, 2, 16))
        return IP4(10, 0, 2, 15);
    return 0;
}

static void test_ping_peer(uint32_t peer)
{
    uint8_t mac[ETH_ALEN];
    uint32_t start = now_count();
    bool up = arp_resolve(peer, mac, PEER_WAIT_MS);
    uint32_t ms = 0;
    unsigned got = up ? ping_series(peer, &ms) : 0;
    result(got == PING_COUNT, "ping-peer:");
    gprintf(" %I answered %u of %u echo requests [up after %u ms]\n", peer, got, PING_COUNT,
            ms_since(start) - ms);
}

/* Answers the peer until it has sent its last echo request (and a little longer, for a
 * retry of a lost reply), within PEER_LINGER_MS. */
static void serve_peer(uint32_t peer)
{
    uint32_t start = now_count(), done_at = 0;
    bool done = false;
    static volatile bool never;
    while (ms_since(start) < PEER_LINGER_MS) {
        if (!done && icmp_last_request_seq(peer) >= PING_COUNT) {
            done = true;
            done_at = now_count();
        }
        if (done && ms_since(done_at) >= PEER_GRACE_MS)
            break;
        net_wait(&never, 50);
    }
}

/* ---- UDP exchange ------------------------------------------------------------------------ */

static uint8_t msg[MSG_HDR + UDP_BLOCK_MAX] __attribute__((aligned(4)));
static uint8_t reply[1536] __attribute__((aligned(4)));

/* Block `i` of our stream: its length varies from 1 to UDP_BLOCK_MAX bytes (small frames
 * and ones that wrap the receive ring), its bytes from an LCG seeded by i and our MAC. */
static size_t guest_block(uint32_t i, uint8_t *out)
{
    size_t len = 1 + (i * 397u + net_mac[5] * 13u) % UDP_BLOCK_MAX;
    uint32_t x = (i + 1) * 0x9E3779B9u ^ net_mac[5];
    for (size_t j = 0; j < len; j++) {
        x = x * 1664525u + 1013904223u;
        out[j] = (uint8_t)(x >> 24);
    }
    return len;
}

static void put_hdr(uint8_t type, uint16_t seq)
{
    msg[0] = type;
    msg[1] = 0;
    msg[2] = (uint8_t)(seq >> 8);
    msg[3] = (uint8_t)seq;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (24 - 8 * i));
}

/* Sends msg (MSG_HDR + len bytes) until the answer of type `want` with the same seq
 * comes: its length, or -1 after UDP_TRIES tries. Stale answers (to an earlier
 * retransmission) are skipped. */
static uint32_t retransmits;

static int transact(uint16_t port, uint16_t server, size_t len, uint8_t want)
{
    uint16_t seq = (uint16_t)(msg[2] << 8 | msg[3]);
    for (unsigned t = 0; t < UDP_TRIES; t++) {
        if (t)
            retransmits++;
        if (!udp_send(SLIRP_GATEWAY, port, server, msg, MSG_HDR + len))
            continue;
        uint32_t start = now_count(), src;
        uint16_t sport;
        while (ms_since(start) < UDP_RTO_MS) {
            int n = udp_recv(port, reply, UDP_RTO_MS - ms_since(start), &src, &sport);
            if (n >= MSG_HDR && src == SLIRP_GATEWAY && sport == server && reply[0] == want &&
                (uint16_t)(reply[2] << 8 | reply[3]) == seq)
                return n;
        }
    }
    return -1;
}

static void test_udp(uint16_t server)
{
    uint16_t port = (uint16_t)(UDP_LOCAL_BASE + (net_ip & 255u));
    uint32_t sent_crc = 0, recv_crc = 0, sent_bytes = 0, recv_bytes = 0;
    uint32_t start = now_count();
    bool ok = true;
    for (uint16_t i = 0; i < UDP_BLOCKS && ok; i++) {
        put_hdr('D', i);
        size_t len = guest_block(i, msg + MSG_HDR);
        ok = transact(port, server, len, 'A') >= 0;
        sent_crc = crc32(sent_crc, msg + MSG_HDR, len);
        sent_bytes += len;
    }
    for (uint16_t i = 0; i < UDP_BLOCKS && ok; i++) {
        put_hdr('R', i);
        int n = transact(port, server, 0, 'P');
        ok = n >= 0;
        if (ok) {
            recv_crc = crc32(recv_crc, reply + MSG_HDR, (size_t)n - MSG_HDR);
            recv_bytes += (uint32_t)n - MSG_HDR;
        }
    }
    uint32_t server_recv = 0, server_sent = 0;
    if (ok) {
        put_hdr('E', UDP_BLOCKS);
        put_be32(msg + MSG_HDR, sent_crc);
        put_be32(msg + MSG_HDR + 4, recv_crc);
        int n = transact(port, server, 8, 'F');
        ok = n >= MSG_HDR + 8;
        if (ok) {
            server_recv = be32(reply + MSG_HDR);
            server_sent = be32(reply + MSG_HDR + 4);
        }
    }
    gprintf("net: udp: %I:%u sent %u blocks crc32 %x, received %u blocks crc32 %x"
            " [%u + %u bytes, %u retransmissions, %u ms]\n", SLIRP_GATEWAY, server,
            ok ? UDP_BLOCKS : 0, sent_crc, ok ? UDP_BLOCKS : 0, recv_crc, sent_bytes,
            recv_bytes, retransmits, ms_since(start));
    result(ok && server_recv == sent_crc && server_sent == recv_crc, "udp:");
    gprintf(" the server got crc32 %x and sent crc32 %x\n", server_recv, server_sent);
}

/* ---- The checks ---------------------------------------------------------------------------- */

/* How many net guests `guest=NAME,NAME...` starts: with one, there is no peer to ping. */
static unsigned net_guests(const char *cmdline)
{
    unsigned n = 0;
    for (const char *p = arg_value(cmdline, "guest="); p && *p && *p != ' ';) {
        const char *name = p;
        while (*p && *p != ' ' && *p != ',')
            p++;
        n += (p - name == 3 && !memcmp(name, "net", 3)) ||
             (p - name == 7 && !memcmp(name, "netfuzz", 7));
        if (*p == ',')
            p++;
    }
    return n;
}

/* `udp=PORT` from the command line: the port, 0 when absent or not a port number. */
static uint16_t udp_port_arg(const char *cmdline)
{
    const char *v = arg_value(cmdline, "udp=");
    char word[8];
    size_t n = 0;
    while (v && v[n] && v[n] != ' ' && n + 1 < sizeof(word)) {
        word[n] = v[n];
        n++;
    }
    word[n] = '\0';
    uint32_t port;
    return v && parse_u32(word, &port) && port < 65536u ? (uint16_t)port : 0;
}

void net_main(uint32_t ram, uint32_t mode, uint32_t args);
void net_fault(uint32_t cause, uint32_t epc, uint32_t badvaddr) __attribute__((noreturn));
extern char net_vectors[];

static void finish(void) __attribute__((noreturn));

static void finish(void)
{
    gprintf("net: %u passed, %u failed [rx %u tx %u frames, %u echo requests served,"
            " %u bad checksums, %u ring errors, %u wakeups by the card]\n", passed, failed,
            net_stats.rx_frames, net_stats.tx_frames, net_stats.echo_served,
            net_stats.bad_checksum, ne2k_rx_errors, card_wakeups);
    *FPGA_SOFTRES = SOFTRES_GORESET;
    for (;;)
        ;
}

/* start.S's vectors: an exception is a bug, or the card's window not emulated (a bus
 * error): said, and the guest ends. */
void net_fault(uint32_t cause, uint32_t epc, uint32_t badvaddr)
{
    result(false, "exception:");
    gprintf(" ExcCode %u at %x, BadVAddr %x%s\n", EXCCODE(cause), epc, badvaddr,
            EXCCODE(cause) == 7 ? " (a bus error: no NE2000 there?)" : "");
    finish();
}

/* Mode 1 (the guest table's netfuzz): the card is first driven with nonsense
 * (ne2k_fuzz); then its reset port and a fresh initialisation must bring it back, as on a
 * real chip, and the usual checks run. */
#define FUZZ_ACCESSES   50000u

static void fuzz_then_reset(void)
{
    uint32_t sum = ne2k_fuzz(FUZZ_ACCESSES, 0x2545F491u);
    uint8_t mac[ETH_ALEN];
    bool back = ne2k_init(mac) && !memcmp(mac, net_mac, ETH_ALEN);
    result(back, "fuzz:");
    gprintf(" %u random accesses to the card [sum %x], then its reset brought it back\n",
            FUZZ_ACCESSES, sum);
}

void net_main(uint32_t ram, uint32_t mode, uint32_t args)
{
    (void)ram;
    /* a2: the arch (kseg0) address of the command line's copy; we use its real one. */
    const char *cmdline = args >= 0x80000000u && args < 0xA0000000u
                              ? (const char *)(uintptr_t)(args - 0x80000000u) : "";
    uint16_t udp_port = udp_port_arg(cmdline);
    MTC0(C0_EBASE, ARCH(net_vectors));
    MTC0(C0_STATUS, ST_IM7 | NE2K_IRQ_IM);      /* IE stays clear: net_idle's WAIT only */

    bool nic = ne2k_init(net_mac);
    result(nic, "nic:");
    gprintf(" NE2000 at %x, MAC %M\n", ARCH(NE2K_BASE), net_mac);
    if (nic && mode == 1)
        fuzz_then_reset();
    if (nic) {
        uint32_t server = 0;
        bool lease = dhcp_lease(LEASE_MS, &server);
        if (lease)
            gprintf("net: lease %I from %I\n", net_ip, server);
        result(lease, "dhcp:");
        gprintf(" %s\n", lease ? "DISCOVER, OFFER, REQUEST, ACK" : "no lease");
        uint32_t peer = net_guests(cmdline) >= 2 ? peer_of(net_ip) : 0;
        if (lease) {
            test_ping_gw();
            if (peer)
                test_ping_peer(peer);
            if (udp_port)
                test_udp(udp_port);
            if (peer)
                serve_peer(peer);
        }
    }
    finish();
}
