/* The network (src/frontend/net.c, net_slirp.c): the options as QEMU spells them, the
 * per-card queue against a fake card, pcap files, and real libslirp exchanges with no guest:
 * ARP and DHCP answered to the fake card, and a host connection through hostfwd arriving at
 * the guest as a TCP SYN. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "frontend/net.h"
#include "frontend/net_slirp.h"

/* ---- a fake card ------------------------------------------------------------------------- */

#define FAKE_FRAMES 256

typedef struct fake_card {
    bool ready;
    int received;
    uint8_t frame[FAKE_FRAMES][NET_FRAME_MAX];
    size_t len[FAKE_FRAMES];
    int transmitted;             /* frames that reached the backend through a port */
} fake_card_t;

static fake_card_t card;

static bool fake_can_receive(void *opaque)
{
    return ((fake_card_t *)opaque)->ready;
}

static void fake_receive(void *opaque, const uint8_t *frame, size_t len)
{
    fake_card_t *c = opaque;
    if (c->received < FAKE_FRAMES) {
        size_t n = len < NET_FRAME_MAX ? len : NET_FRAME_MAX;
        memcpy(c->frame[c->received], frame, n);
        c->len[c->received] = len;
    }
    c->received++;
}

static void plug(net_link_t *link)
{
    memset(&card, 0, sizeof card);
    card.ready = true;
    link->card = &card;
    link->can_receive = fake_can_receive;
    link->receive = fake_receive;
}

static void backend_sink(void *opaque, const uint8_t *frame, size_t len)
{
    (void)frame;
    (void)len;
    ((fake_card_t *)opaque)->transmitted++;
}

/* ---- options ------------------------------------------------------------------------------ */

static net_opt_result_t add(net_config_t *c, const char *option, const char *spec)
{
    char *error = NULL;
    net_opt_result_t r = !strcmp(option, "-nic") ? net_config_add_nic(c, spec, &error)
                       : !strcmp(option, "-netdev") ? net_config_add_netdev(c, spec, &error)
                       : !strcmp(option, "-device") ? net_config_add_device(c, spec, &error)
                       : net_config_add_object(c, spec, &error);
    assert_true((r == NET_OPT_ERROR) == (error != NULL));
    if (error) {
        /* One line that names the option. */
        assert_null(strchr(error, '\n'));
        assert_non_null(strstr(error, option));
    }
    g_free(error);
    return r;
}

static bool user_option(const char *key, const char *value, net_user_config_t *u)
{
    bool known;
    char *error = NULL;
    bool ok = net_user_config_set(u, key, value, &known, &error);
    assert_true(known);
    assert_true(ok == (error == NULL));
    g_free(error);
    return ok;
}

static void test_hostfwd_forms(void **state)
{
    (void)state;
    net_user_config_t u;
    net_user_config_init(&u);
    assert_true(user_option("hostfwd", "tcp::2222-:22", &u));
    assert_true(user_option("hostfwd", "udp:127.0.0.1:5353-10.0.2.20:53", &u));
    assert_true(user_option("hostfwd", "::8080-:80", &u));
    assert_true(user_option("hostfwd", "tcp:127.0.0.1:0-10.0.2.15:1", &u));
    assert_int_equal(u.hostfwd->len, 4);
    net_hostfwd_t *f = &g_array_index(u.hostfwd, net_hostfwd_t, 0);
    assert_false(f->udp);
    assert_int_equal(f->host_addr.s_addr, htonl(INADDR_ANY));   /* all addresses, as QEMU */
    assert_int_equal(f->host_port, 2222);
    assert_int_equal(f->guest_addr.s_addr, 0);                   /* slirp: the DHCP start */
    assert_int_equal(f->guest_port, 22);
    f = &g_array_index(u.hostfwd, net_hostfwd_t, 1);
    assert_true(f->udp);
    assert_int_equal(f->host_addr.s_addr, htonl(0x7F000001));
    assert_int_equal(f->guest_addr.s_addr, htonl(0x0A000214));
    assert_int_equal(f->guest_port, 53);

    static const char *const bad[] = {
        "tcp::2222-:0", "sctp::1-:2", "tcp:1.2.3:22-:22", "tcp::22:22", "tcp::70000-:22",
        "tcp::22-:22x", "tcp::-1-:22", "tcp::22-10.0.2:22", "", "tcp",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(user_option("hostfwd", bad[i], &u));
    assert_int_equal(u.hostfwd->len, 4);

    assert_true(user_option("guestfwd", "tcp:10.0.2.100:4321-cmd:cat", &u));
    assert_false(user_option("guestfwd", "tcp:10.0.2.100:4321-tcp:example.org:80", &u));
    assert_false(user_option("guestfwd", "udp:10.0.2.100:4321-cmd:cat", &u));
    assert_false(user_option("guestfwd", "tcp:10.0.2.100:0-cmd:cat", &u));
    net_user_config_clear(&u);
}

static void check_network(const char *net, const char *host, const char *dns,
                          const char *dhcp)
{
    net_user_config_t u;
    net_user_config_init(&u);
    char *error = NULL;
    if (net)
        assert_true(user_option("net", net, &u));
    assert_true(net_user_config_finish(&u, &error));
    char buf[INET_ADDRSTRLEN];
    assert_string_equal(inet_ntop(AF_INET, &u.host, buf, sizeof buf), host);
    assert_string_equal(inet_ntop(AF_INET, &u.dns, buf, sizeof buf), dns);
    assert_string_equal(inet_ntop(AF_INET, &u.dhcp_start, buf, sizeof buf), dhcp);
    net_user_config_clear(&u);
}

static void test_network_addresses(void **state)
{
    (void)state;
    check_network(NULL, "10.0.2.2", "10.0.2.3", "10.0.2.15");
    check_network("10.0.3.0/24", "10.0.3.2", "10.0.3.3", "10.0.3.15");
    check_network("10.0.3.77/24", "10.0.3.2", "10.0.3.3", "10.0.3.15");   /* host bits cut */
    check_network("172.20.0.0/255.255.0.0", "172.20.2.2", "172.20.2.3", "172.20.2.15");
    check_network("192.168.7.0", "192.168.2.2", "192.168.2.3", "192.168.2.15"); /* /16 */

    net_user_config_t u;
    net_user_config_init(&u);
    assert_false(user_option("net", "10.0.2.0/3", &u));
    assert_false(user_option("net", "10.0.2.0/33", &u));
    assert_false(user_option("net", "10.0.2/24", &u));
    assert_false(user_option("net", "10.0.2.0/255.255.0.x", &u));
    assert_false(user_option("host", "10.0.2", &u));
    assert_false(user_option("restrict", "maybe", &u));
    assert_true(user_option("restrict", "yes", &u));
    assert_true(u.restricted);
    /* Addresses that do not fit the network are refused as a whole. */
    assert_true(user_option("dns", "10.0.9.3", &u));
    char *error = NULL;
    assert_false(net_user_config_finish(&u, &error));
    assert_non_null(strstr(error, "dns"));
    g_free(error);
    net_user_config_clear(&u);
    net_user_config_init(&u);
    assert_true(user_option("dhcpstart", "10.0.2.2", &u));
    assert_false(net_user_config_finish(&u, &error));
    g_free(error);
    net_user_config_clear(&u);
}

static void test_options(void **state)
{
    (void)state;
    net_config_t *c = net_config_new();
    assert_int_equal(add(c, "-nic", "user,model=ne2k_pci,id=u0,hostfwd=tcp::2222-:22"), NET_OPT_OK);
    assert_int_equal(add(c, "-nic", "none"), NET_OPT_OK);
    assert_int_equal(add(c, "-netdev", "user,id=n1,restrict=on,hostname=kseg"), NET_OPT_OK);
    assert_int_equal(add(c, "-device", "ne2k_pci,mac=52:54:00:12:34:56,netdev=n1"), NET_OPT_OK);
    assert_int_equal(add(c, "-object", "filter-dump,id=f0,netdev=u0,file=/dev/null,maxlen=128"),
                     NET_OPT_OK);
    assert_int_equal(add(c, "-nic", "user,model=help"), NET_OPT_HELP);
    assert_int_equal(add(c, "-device", "help"), NET_OPT_HELP);

    static const struct { const char *option, *spec; } bad[] = {
        { "-nic", "user,model=e1000" }, { "-nic", "user,mac=01:00:00:00:00:01" },
        { "-nic", "user,mac=52:54:00:12:34" }, { "-nic", "user,mac=52:54:00:12:34:5g" },
        { "-nic", "user,mac=52:54:00:12:34:56:78" }, { "-nic", "user,frob=1" },
        { "-nic", "user,id=u0" }, { "-nic", "user,id=9lives" }, { "-nic", "tap" },
        { "-nic", "none,model=ne2k_pci" }, { "-nic", "user,restrict" },
        { "-nic", "user,hostfwd=tcp::1-:99999" }, { "-netdev", "user" },
        { "-netdev", "user,id=n1" }, { "-netdev", "user,id=n2,model=ne2k_pci" },
        { "-device", "ne2k_pci" }, { "-device", "e1000,netdev=n1" },
        { "-device", "ne2k_pci,netdev=n1,addr=5" }, { "-object", "filter-dump,id=f1,netdev=n1" },
        { "-object", "filter-dump,id=f0,netdev=n1,file=x" }, { "-object", "memory-backend" },
        { "-object", "filter-dump,id=f2,netdev=n1,file=x,maxlen=0" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(add(c, bad[i].option, bad[i].spec), NET_OPT_ERROR);

    char *error = NULL;
    assert_true(net_config_finish(c, 4, &error));
    net_t *n = net_start(c, &error);
    assert_non_null(n);
    assert_int_equal(net_nic_count(n), 2);
    /* The -nic card asked for no MAC: the first default one the -device card has not taken. */
    static const uint8_t mac0[] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 };
    static const uint8_t mac1[] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    assert_memory_equal(net_nic_mac(n, 0), mac0, 6);
    assert_memory_equal(net_nic_mac(n, 1), mac1, 6);
    net_stop(n);
    net_config_free(c);

    /* References are checked once everything is in. */
    c = net_config_new();
    assert_int_equal(add(c, "-device", "ne2k_pci,netdev=later"), NET_OPT_OK);
    assert_int_equal(add(c, "-device", "ne2k_pci,netdev=later"), NET_OPT_OK);
    assert_int_equal(add(c, "-netdev", "user,id=later"), NET_OPT_OK);
    assert_false(net_config_finish(c, 4, &error));       /* one netdev, two cards */
    assert_non_null(strstr(error, "in use"));
    g_free(error);
    net_config_free(c);

    c = net_config_new();
    for (int i = 0; i < 3; i++)
        assert_int_equal(add(c, "-nic", "user"), NET_OPT_OK);
    assert_false(net_config_finish(c, 2, &error));
    g_free(error);
    net_config_free(c);

    c = net_config_new();
    assert_int_equal(add(c, "-object", "filter-dump,id=f,netdev=nowhere,file=x"), NET_OPT_OK);
    assert_false(net_config_finish(c, 4, &error));
    g_free(error);
    net_config_free(c);
}

/* ---- the queue ------------------------------------------------------------------------------ */

static void deliver_tagged(net_port_t *p, int tag, size_t len)
{
    uint8_t frame[NET_FRAME_MAX] = { 0 };
    frame[0] = (uint8_t)tag;
    frame[1] = (uint8_t)(tag >> 8);
    net_port_deliver(p, frame, len);
}

static int tag_of(int i)
{
    return card.frame[i][0] | card.frame[i][1] << 8;
}

static void test_queue(void **state)
{
    (void)state;
    net_port_t port;
    net_port_init(&port, backend_sink, &card);
    plug(&port.link);

    /* Ready card: at once, short frames padded to the Ethernet minimum. */
    deliver_tagged(&port, 1, 42);
    assert_int_equal(card.received, 1);
    assert_int_equal(card.len[0], NET_FRAME_MIN);

    /* A card that cannot take them: queued, then delivered in order once it says so. */
    card.ready = false;
    for (int i = 2; i <= 4; i++)
        deliver_tagged(&port, i, 100);
    assert_int_equal(card.received, 1);
    assert_int_equal(port.count, 3);
    card.ready = true;
    net_link_receive_ready(&port.link);     /* not from inside the card's register write */
    assert_int_equal(card.received, 1);
    net_port_flush(&port);                  /* but at the main loop's next poll */
    assert_int_equal(card.received, 4);
    card.ready = false;
    deliver_tagged(&port, 5, 100);
    card.ready = true;
    deliver_tagged(&port, 6, 100);       /* behind the queued one, not ahead of it */
    assert_int_equal(card.received, 6);
    for (int i = 1; i < 6; i++)
        assert_int_equal(tag_of(i), i + 1);

    /* Full queue: the next frame is offered regardless (the card drops it); nothing grows. */
    card.ready = false;
    card.received = 0;
    for (int i = 0; i < NET_QUEUE_FRAMES + 2; i++)
        deliver_tagged(&port, 100 + i, 1514);
    assert_int_equal(port.count, NET_QUEUE_FRAMES);
    assert_int_equal(card.received, 2);
    assert_int_equal(tag_of(0), 100 + NET_QUEUE_FRAMES);
    assert_int_equal(card.len[0], 1514);
    card.ready = true;
    card.received = 0;
    net_port_flush(&port);
    assert_int_equal(card.received, NET_QUEUE_FRAMES);
    for (int i = 0; i < NET_QUEUE_FRAMES; i++)
        assert_int_equal(tag_of(i), 100 + i);
    assert_int_equal(port.count, 0);

    /* The card's frames go to the backend. */
    uint8_t frame[NET_FRAME_MIN] = { 0 };
    net_link_transmit(&port.link, frame, sizeof frame);
    assert_int_equal(card.transmitted, 1);

    /* Frames still queued at teardown are freed (ASan would tell). */
    card.ready = false;
    deliver_tagged(&port, 7, 300);
    net_port_destroy(&port);
}

/* ---- pcap ------------------------------------------------------------------------------------ */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void test_pcap(void **state)
{
    (void)state;
    char path[] = "/tmp/kseg-test-net-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char *error = NULL;
    net_pcap_t *pcap = net_pcap_open(path, 100, &error);
    assert_non_null(pcap);

    /* Through a port: both directions are recorded, the guest-bound one as delivered. */
    net_port_t port;
    net_port_init(&port, backend_sink, &card);
    plug(&port.link);
    g_ptr_array_add(port.pcaps, pcap);
    uint8_t out[200], in[42];
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = (uint8_t)i;
    memset(in, 0xAB, sizeof in);
    net_link_transmit(&port.link, out, sizeof out);
    net_port_deliver(&port, in, sizeof in);
    net_port_destroy(&port);

    /* Seen before the file is closed: every record is flushed. */
    gchar *data;
    gsize len;
    assert_true(g_file_get_contents(path, &data, &len, NULL));
    net_pcap_close(pcap);
    assert_int_equal(len, 24 + 16 + 100 + 16 + 60);
    const uint8_t *p = (const uint8_t *)data;
    assert_int_equal(le32(p), 0xA1B2C3D4u);
    assert_int_equal(p[4] | p[5] << 8, 2);
    assert_int_equal(p[6] | p[7] << 8, 4);
    assert_int_equal(le32(p + 16), 100);           /* snaplen */
    assert_int_equal(le32(p + 20), 1);             /* Ethernet */
    p += 24;
    assert_true(le32(p) > 1600000000u);            /* wall-clock seconds */
    assert_true(le32(p + 4) < 1000000u);           /* microseconds */
    assert_int_equal(le32(p + 8), 100);            /* cut to snaplen */
    assert_int_equal(le32(p + 12), 200);
    assert_memory_equal(p + 16, out, 100);
    p += 16 + 100;
    assert_int_equal(le32(p + 8), 60);
    assert_int_equal(le32(p + 12), 60);
    assert_memory_equal(p + 16, in, sizeof in);
    assert_int_equal(p[16 + 59], 0);
    g_free(data);
    unlink(path);

    assert_null(net_pcap_open("/nonexistent-dir/x.pcap", 65536, &error));
    assert_non_null(strstr(error, "cannot open"));
    g_free(error);
}

/* ---- libslirp, no guest ---------------------------------------------------------------------- */

static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static size_t eth_header(uint8_t *f, const uint8_t dst[6], uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, guest_mac, 6);
    f[12] = (uint8_t)(type >> 8);
    f[13] = (uint8_t)type;
    return 14;
}

static const uint8_t broadcast[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

/* The guest (10.0.2.15) asks who has 10.0.2.2: slirp learns the guest's MAC from it. */
static void send_arp_request(net_link_t *link)
{
    uint8_t f[NET_FRAME_MIN] = { 0 };
    size_t o = eth_header(f, broadcast, 0x0806);
    static const uint8_t arp[] = { 0, 1, 8, 0, 6, 4, 0, 1 };
    memcpy(f + o, arp, sizeof arp);
    memcpy(f + o + 8, guest_mac, 6);
    static const uint8_t spa[] = { 10, 0, 2, 15 }, tpa[] = { 10, 0, 2, 2 };
    memcpy(f + o + 14, spa, 4);
    memcpy(f + o + 24, tpa, 4);
    net_link_transmit(link, f, sizeof f);
}

static int find_frame(uint16_t type, uint8_t ip_proto)
{
    for (int i = 0; i < card.received && i < FAKE_FRAMES; i++) {
        const uint8_t *f = card.frame[i];
        if ((f[12] << 8 | f[13]) == type && (type != 0x0800 || f[14 + 9] == ip_proto))
            return i;
    }
    return -1;
}

static net_t *start_user_net(const char *spec, net_config_t **c)
{
    *c = net_config_new();
    assert_int_equal(add(*c, "-nic", spec), NET_OPT_OK);
    char *error = NULL;
    assert_true(net_config_finish(*c, 1, &error));
    net_t *n = net_start(*c, &error);
    assert_non_null(n);
    plug(net_nic_link(n, 0));
    return n;
}

static void test_slirp_arp(void **state)
{
    (void)state;
    net_config_t *c;
    net_t *n = start_user_net("user", &c);
    send_arp_request(net_nic_link(n, 0));
    int i = find_frame(0x0806, 0);
    assert_true(i >= 0);
    const uint8_t *f = card.frame[i], *arp = f + 14;
    static const uint8_t host_mac[] = { 0x52, 0x55, 0x0A, 0x00, 0x02, 0x02 };
    static const uint8_t host_ip[] = { 10, 0, 2, 2 };
    assert_memory_equal(f, guest_mac, 6);            /* to the guest */
    assert_int_equal(arp[7], 2);                     /* a reply */
    assert_memory_equal(arp + 8, host_mac, 6);
    assert_memory_equal(arp + 14, host_ip, 4);
    assert_true(card.len[i] >= NET_FRAME_MIN);
    net_stop(n);
    net_config_free(c);
}

static uint16_t ip_checksum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

static void test_slirp_dhcp(void **state)
{
    (void)state;
    net_config_t *c;
    net_t *n = start_user_net("user,net=10.0.2.0/24,dhcpstart=10.0.2.15", &c);
    /* A BOOTP message of its full classic size (236 bytes + 312 of options). */
    enum { BOOTP_LEN = 548, IP_LEN = 20 + 8 + BOOTP_LEN };
    static uint8_t f[14 + IP_LEN];
    memset(f, 0, sizeof f);
    size_t o = eth_header(f, broadcast, 0x0800);
    uint8_t *ip = f + o, *udp = ip + 20, *bootp = udp + 8;
    ip[0] = 0x45;
    ip[2] = IP_LEN >> 8;
    ip[3] = IP_LEN & 0xFF;
    ip[8] = 64;
    ip[9] = 17;
    memset(ip + 16, 0xFF, 4);                        /* 0.0.0.0 -> 255.255.255.255 */
    uint16_t sum = ip_checksum(ip, 20);
    ip[10] = (uint8_t)(sum >> 8);
    ip[11] = (uint8_t)sum;
    udp[1] = 68;
    udp[3] = 67;
    udp[4] = (8 + BOOTP_LEN) >> 8;
    udp[5] = (8 + BOOTP_LEN) & 0xFF;                 /* checksum 0: none */
    bootp[0] = 1;                                    /* BOOTREQUEST */
    bootp[1] = 1;
    bootp[2] = 6;
    memcpy(bootp + 4, "\x12\x34\x56\x78", 4);        /* xid */
    memcpy(bootp + 28, guest_mac, 6);
    static const uint8_t options[] = { 99, 130, 83, 99, 53, 1, 1, 255 };   /* DISCOVER */
    memcpy(bootp + 236, options, sizeof options);
    net_link_transmit(net_nic_link(n, 0), f, sizeof f);

    int i = find_frame(0x0800, 17);
    assert_true(i >= 0);
    const uint8_t *reply = card.frame[i] + 14 + 20 + 8;
    static const uint8_t offered[] = { 10, 0, 2, 15 };
    assert_int_equal(reply[0], 2);                   /* BOOTREPLY */
    assert_memory_equal(reply + 4, "\x12\x34\x56\x78", 4);
    assert_memory_equal(reply + 16, offered, 4);     /* yiaddr */
    assert_memory_equal(reply + 240, "\x35\x01\x02", 3);   /* DHCP OFFER, first option */
    net_stop(n);
    net_config_free(c);
}

/* A free TCP port on the loopback (the host may take it back, rarely, before we bind). */
static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t alen = sizeof a;
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&a, &alen), 0);
    close(s);
    return ntohs(a.sin_port);
}

static void run_poll(net_t *n, int timeout_ms)
{
    GArray *fds = g_array_new(FALSE, TRUE, sizeof(struct pollfd));
    net_poll_fill(n, fds, &timeout_ms);
    int rc = poll((struct pollfd *)fds->data, fds->len, timeout_ms);
    net_poll_done(n, fds, rc < 0);
    g_array_free(fds, TRUE);
}

static void test_slirp_hostfwd(void **state)
{
    (void)state;
    int port = free_port();
    char *spec = g_strdup_printf("user,hostfwd=tcp:127.0.0.1:%d-:22", port);
    net_config_t *c;
    net_t *n = start_user_net(spec, &c);
    g_free(spec);
    send_arp_request(net_nic_link(n, 0));
    card.received = 0;

    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    connect(s, (struct sockaddr *)&a, sizeof a);
    int i = -1;
    for (int round = 0; round < 100 && i < 0; round++) {
        run_poll(n, 20);
        i = find_frame(0x0800, 6);
    }
    assert_true(i >= 0);
    const uint8_t *f = card.frame[i], *ip = f + 14, *tcp = ip + (ip[0] & 15) * 4;
    static const uint8_t guest_ip[] = { 10, 0, 2, 15 };
    assert_memory_equal(f, guest_mac, 6);
    assert_memory_equal(ip + 16, guest_ip, 4);
    assert_int_equal(tcp[2] << 8 | tcp[3], 22);
    assert_int_equal(tcp[13] & 0x12, 0x02);          /* SYN, not ACK */
    close(s);

    /* A second forward of the same port cannot bind: one clear error, no crash. */
    spec = g_strdup_printf("user,hostfwd=tcp:127.0.0.1:%d-:22", port);
    net_config_t *c2 = net_config_new();
    assert_int_equal(add(c2, "-nic", spec), NET_OPT_OK);
    char *error = NULL;
    assert_true(net_config_finish(c2, 1, &error));
    assert_null(net_start(c2, &error));
    assert_non_null(strstr(error, "hostfwd"));
    g_free(error);
    g_free(spec);
    net_config_free(c2);
    net_stop(n);
    net_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostfwd_forms),
        cmocka_unit_test(test_network_addresses),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_queue),
        cmocka_unit_test(test_pcap),
        cmocka_unit_test(test_slirp_arp),
        cmocka_unit_test(test_slirp_dhcp),
        cmocka_unit_test(test_slirp_hostfwd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
