/* Ethernet, ARP, IPv4, ICMP echo, UDP and a DHCP client: just what the checks need
 * (RFC 826, 791, 792, 768, 2131/2132). Headers are read and written a byte at a time
 * through the offsets below, in network byte order, so no structure layout or alignment
 * matters. No fragments, no IP options sent, one interface on 10.0.2.0/24 (slirp's).
 *
 * Buffers. A frame being received is in rx_buf; what the application sends is built in
 * tx_buf; answers made while receiving (ARP replies, echo replies) in reply_buf, and ARP
 * requests in arp_buf, so that answering the peer while an application send is resolving
 * an address never overwrites that send. Answers go to the Ethernet source of the request,
 * never through ARP, so receiving never waits. */
#include "net.h"

#define IP_BROADCAST    0xFFFFFFFFu
#define NETMASK         IP4(255, 255, 255, 0)

#define ARP_CACHE_SIZE  8
#define ARP_RETRY_MS    200             /* between requests */

#define PING_ID         0x4E54          /* "NT" */
#define PING_DATA       56
#define ECHO_PEERS      4               /* hosts whose last echo request is remembered */

#define UDP_PAYLOAD_MAX (ETH_FRAME_MAX - ETH_HLEN - IP_HLEN - UDP_HLEN)

#define DHCP_CLIENT_PORT 68
#define DHCP_SERVER_PORT 67
#define DHCP_XID        4
#define DHCP_FLAGS      10
#define DHCP_YIADDR     16
#define DHCP_CHADDR     28
#define DHCP_MAGIC      236
#define DHCP_OPTIONS    240
#define DHCP_MIN_LEN    300             /* BOOTP's minimum message */
#define DHCP_MAGIC_COOKIE 0x63825363u
#define DHCP_BROADCAST  0x8000          /* flags: answer to the broadcast address */
#define DHCP_RETRY_MS   1000
#define OPT_PAD         0
#define OPT_REQUESTED_IP 50
#define OPT_MSG_TYPE    53
#define OPT_SERVER_ID   54
#define OPT_PARAMS      55
#define OPT_END         255
#define DHCPDISCOVER    1
#define DHCPOFFER       2
#define DHCPREQUEST     3
#define DHCPACK         5
#define DHCPNAK         6

#define BUF_SIZE        1536

uint8_t net_mac[ETH_ALEN];
uint32_t net_ip;
net_stats_t net_stats;

static uint8_t rx_buf[BUF_SIZE] __attribute__((aligned(4)));
static uint8_t tx_buf[BUF_SIZE] __attribute__((aligned(4)));
static uint8_t reply_buf[BUF_SIZE] __attribute__((aligned(4)));
static uint8_t arp_buf[ETH_FRAME_MIN] __attribute__((aligned(4)));
static const uint8_t mac_broadcast[ETH_ALEN] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
static uint16_t ip_ident;

/* ---- Byte order, checksums ------------------------------------------------------------ */

/* UDP's checksum covers a pseudo header of the addresses, protocol and length. */
static uint16_t udp_csum(uint32_t src, uint32_t dst, const uint8_t *udp, size_t len)
{
    uint8_t pseudo[12];
    put32(pseudo, src);
    put32(pseudo + 4, dst);
    pseudo[8] = 0;
    pseudo[9] = PROTO_UDP;
    put16(pseudo + 10, (uint16_t)len);
    return csum_fold(csum_add(csum_add(0, pseudo, sizeof(pseudo)), udp, len));
}

/* ---- Ethernet, ARP ---------------------------------------------------------------------- */

static void eth_send(uint8_t *frame, const uint8_t dst[ETH_ALEN], uint16_t type, size_t len)
{
    memcpy(frame + ETH_DST, dst, ETH_ALEN);
    memcpy(frame + ETH_SRC, net_mac, ETH_ALEN);
    put16(frame + ETH_TYPE, type);
    if (ne2k_send(frame, len))
        net_stats.tx_frames++;
}

static struct arp_entry {
    uint32_t ip;
    uint8_t mac[ETH_ALEN];
} arp_cache[ARP_CACHE_SIZE];
static unsigned arp_next;               /* the entry a new address replaces */

static struct arp_entry *arp_find(uint32_t ip)
{
    for (unsigned i = 0; i < ARP_CACHE_SIZE; i++)
        if (arp_cache[i].ip == ip && ip)
            return &arp_cache[i];
    return NULL;
}

static void arp_learn(uint32_t ip, const uint8_t *mac)
{
    struct arp_entry *e = arp_find(ip);
    if (!e) {
        e = &arp_cache[arp_next];
        arp_next = (arp_next + 1) % ARP_CACHE_SIZE;
        e->ip = ip;
    }
    memcpy(e->mac, mac, ETH_ALEN);
}

static void arp_send(uint8_t *frame, uint16_t op, const uint8_t *dst_mac, const uint8_t *tha,
                     uint32_t tpa)
{
    uint8_t *a = frame + ETH_HLEN;
    put16(a + ARP_HTYPE, 1);
    put16(a + ARP_PTYPE, ETHERTYPE_IP);
    a[ARP_HLEN] = ETH_ALEN;
    a[ARP_PLEN] = 4;
    put16(a + ARP_OP, op);
    memcpy(a + ARP_SHA, net_mac, ETH_ALEN);
    put32(a + ARP_SPA, net_ip);
    memcpy(a + ARP_THA, tha, ETH_ALEN);
    put32(a + ARP_TPA, tpa);
    eth_send(frame, dst_mac, ETHERTYPE_ARP, ETH_HLEN + ARP_LEN);
}

static void arp_input(const uint8_t *a, size_t len)
{
    if (len < ARP_LEN || get16(a + ARP_HTYPE) != 1 || get16(a + ARP_PTYPE) != ETHERTYPE_IP ||
        a[ARP_HLEN] != ETH_ALEN || a[ARP_PLEN] != 4)
        return;
    uint32_t spa = get32(a + ARP_SPA), tpa = get32(a + ARP_TPA);
    bool for_us = net_ip && tpa == net_ip;
    /* RFC 826: refresh a known sender; add it when the packet is for us. */
    if (spa && (for_us || arp_find(spa)))
        arp_learn(spa, a + ARP_SHA);
    if (for_us && get16(a + ARP_OP) == ARP_REQUEST)
        arp_send(reply_buf, ARP_REPLY, a + ARP_SHA, a + ARP_SHA, spa);
}

/* Where a frame for `ip` goes on the link: itself on our subnet, else the gateway. */
static uint32_t next_hop(uint32_t ip)
{
    if (ip == IP_BROADCAST || (net_ip && (ip & NETMASK) == (net_ip & NETMASK)))
        return ip;
    return SLIRP_GATEWAY;
}

static volatile bool arp_done;
static uint32_t arp_wanted;

bool arp_resolve(uint32_t ip, uint8_t mac[ETH_ALEN], uint32_t ms)
{
    ip = next_hop(ip);
    if (ip == IP_BROADCAST) {
        memcpy(mac, mac_broadcast, ETH_ALEN);
        return true;
    }
    uint32_t start = now_count();
    for (;;) {
        struct arp_entry *e = arp_find(ip);
        if (e) {
            memcpy(mac, e->mac, ETH_ALEN);
            return true;
        }
        uint32_t spent = (now_count() - start) / COUNT_PER_MS;
        if (spent >= ms)
            return false;
        static const uint8_t unknown[ETH_ALEN];
        arp_wanted = ip;
        arp_done = false;
        arp_send(arp_buf, ARP_REQUEST, mac_broadcast, unknown, ip);
        uint32_t left = ms - spent;
        net_wait(&arp_done, left < ARP_RETRY_MS ? left : ARP_RETRY_MS);
    }
}

/* ---- IPv4 --------------------------------------------------------------------------------- */

/* Sends the `len` bytes of payload already at frame + ETH_HLEN + IP_HLEN. */
static void ip_send(uint8_t *frame, const uint8_t *dst_mac, uint32_t src, uint32_t dst,
                    uint8_t proto, size_t len)
{
    uint8_t *ip = frame + ETH_HLEN;
    ip[IP_VHL] = 0x45;
    ip[1] = 0;
    put16(ip + IP_LEN, (uint16_t)(IP_HLEN + len));
    put16(ip + IP_ID, ip_ident++);
    put16(ip + IP_FRAG, 0);
    ip[IP_TTL] = IP_DEFAULT_TTL;
    ip[IP_PROTO] = proto;
    put16(ip + IP_CSUM, 0);
    put32(ip + IP_SRC, src);
    put32(ip + IP_DST, dst);
    put16(ip + IP_CSUM, inet_checksum(ip, IP_HLEN));
    eth_send(frame, dst_mac, ETHERTYPE_IP, ETH_HLEN + IP_HLEN + len);
}

/* ---- ICMP echo ------------------------------------------------------------------------------ */

static volatile bool ping_done;
static uint32_t ping_ip;
static uint16_t ping_seq;
static struct { uint32_t ip; uint16_t seq; } echo_peers[ECHO_PEERS];

static void note_echo_request(uint32_t ip, uint16_t seq)
{
    unsigned i, free = ECHO_PEERS;
    for (i = 0; i < ECHO_PEERS && echo_peers[i].ip != ip; i++)
        if (!echo_peers[i].ip && free == ECHO_PEERS)
            free = i;
    if (i == ECHO_PEERS) {
        if (free == ECHO_PEERS)
            return;
        i = free;
        echo_peers[i].ip = ip;
    }
    echo_peers[i].seq = seq;
}

uint16_t icmp_last_request_seq(uint32_t ip)
{
    for (unsigned i = 0; i < ECHO_PEERS; i++)
        if (echo_peers[i].ip == ip)
            return echo_peers[i].seq;
    return 0;
}

static void icmp_input(const uint8_t *frame, uint32_t src, const uint8_t *icmp, size_t len)
{
    if (len < ICMP_HLEN || inet_checksum(icmp, len) != 0) {
        net_stats.bad_checksum++;
        return;
    }
    if (icmp[0] == ICMP_ECHO && net_ip) {
        uint8_t *r = reply_buf + ETH_HLEN + IP_HLEN;
        memcpy(r, icmp, len);
        r[0] = ICMP_ECHO_REPLY;
        put16(r + 2, 0);
        put16(r + 2, inet_checksum(r, len));
        ip_send(reply_buf, frame + ETH_SRC, net_ip, src, PROTO_ICMP, len);
        net_stats.echo_served++;
        note_echo_request(src, get16(icmp + 6));
    } else if (icmp[0] == ICMP_ECHO_REPLY && src == ping_ip && get16(icmp + 4) == PING_ID &&
               get16(icmp + 6) == ping_seq) {
        ping_done = true;
    }
}

bool icmp_ping(uint32_t ip, uint16_t seq, uint32_t ms)
{
    uint8_t mac[ETH_ALEN];
    uint32_t start = now_count();
    if (!arp_resolve(ip, mac, ms))
        return false;
    uint8_t *p = tx_buf + ETH_HLEN + IP_HLEN;
    p[0] = ICMP_ECHO;
    p[1] = 0;
    put16(p + 2, 0);
    put16(p + 4, PING_ID);
    put16(p + 6, seq);
    for (unsigned i = 0; i < PING_DATA; i++)
        p[ICMP_HLEN + i] = (uint8_t)(seq + i);
    put16(p + 2, inet_checksum(p, ICMP_HLEN + PING_DATA));
    ping_ip = ip;
    ping_seq = seq;
    ping_done = false;
    ip_send(tx_buf, mac, net_ip, ip, PROTO_ICMP, ICMP_HLEN + PING_DATA);
    uint32_t spent = (now_count() - start) / COUNT_PER_MS;
    return net_wait(&ping_done, spent < ms ? ms - spent : 1);
}

/* ---- UDP ------------------------------------------------------------------------------------ */

/* The last datagram that came, for udp_recv. */
static struct {
    volatile bool full;
    uint16_t port, sport;
    uint32_t src;
    uint16_t len;
    uint8_t data[UDP_PAYLOAD_MAX];
} mailbox;

static void dhcp_input(const uint8_t *d, size_t len);

static void udp_input(uint32_t src, uint32_t dst, const uint8_t *udp, size_t len)
{
    if (len < UDP_HLEN || get16(udp + 4) > len || get16(udp + 4) < UDP_HLEN)
        return;
    len = get16(udp + 4);
    if (get16(udp + 6) && udp_csum(src, dst, udp, len) != 0) {
        net_stats.bad_checksum++;
        return;
    }
    uint16_t dport = get16(udp + 2);
    if (dport == DHCP_CLIENT_PORT) {
        dhcp_input(udp + UDP_HLEN, len - UDP_HLEN);
        return;
    }
    if (!net_ip || dst != net_ip)
        return;
    mailbox.port = dport;
    mailbox.sport = get16(udp);
    mailbox.src = src;
    mailbox.len = (uint16_t)(len - UDP_HLEN);
    memcpy(mailbox.data, udp + UDP_HLEN, mailbox.len);
    mailbox.full = true;
}

/* Builds and sends the datagram in tx_buf; `dst_mac` already resolved. */
static void udp_output(const uint8_t *dst_mac, uint32_t src, uint32_t dst, uint16_t sport,
                       uint16_t dport, size_t len)
{
    uint8_t *u = tx_buf + ETH_HLEN + IP_HLEN;
    put16(u, sport);
    put16(u + 2, dport);
    put16(u + 4, (uint16_t)(UDP_HLEN + len));
    put16(u + 6, 0);
    uint16_t c = udp_csum(src, dst, u, UDP_HLEN + len);
    put16(u + 6, c ? c : 0xFFFF);               /* 0 would mean "no checksum" */
    ip_send(tx_buf, dst_mac, src, dst, PROTO_UDP, UDP_HLEN + len);
}

/* How long a send may wait for the next hop's address. */
#define UDP_RESOLVE_MS  2000

bool udp_send(uint32_t ip, uint16_t sport, uint16_t dport, const uint8_t *data, size_t len)
{
    uint8_t mac[ETH_ALEN];
    if (len > UDP_PAYLOAD_MAX || !arp_resolve(ip, mac, UDP_RESOLVE_MS))
        return false;
    memcpy(tx_buf + ETH_HLEN + IP_HLEN + UDP_HLEN, data, len);
    udp_output(mac, net_ip, ip, sport, dport, len);
    return true;
}

int udp_recv(uint16_t port, uint8_t *buf, uint32_t ms, uint32_t *src, uint16_t *sport)
{
    uint32_t start = now_count();
    for (;;) {
        if (mailbox.full) {
            mailbox.full = false;
            if (mailbox.port == port) {
                memcpy(buf, mailbox.data, mailbox.len);
                *src = mailbox.src;
                *sport = mailbox.sport;
                return mailbox.len;
            }
        }
        uint32_t spent = (now_count() - start) / COUNT_PER_MS;
        if (spent >= ms || !net_wait(&mailbox.full, ms - spent))
            return -1;
    }
}

/* ---- Receiving -------------------------------------------------------------------------- */

static void ip_input(const uint8_t *frame, const uint8_t *ip, size_t len)
{
    if (len < IP_HLEN || (ip[IP_VHL] >> 4) != 4)
        return;
    size_t hlen = (size_t)(ip[IP_VHL] & 15) * 4, total = get16(ip + IP_LEN);
    if (hlen < IP_HLEN || total < hlen || total > len)
        return;
    if (inet_checksum(ip, hlen) != 0) {
        net_stats.bad_checksum++;
        return;
    }
    if (get16(ip + IP_FRAG) & IP_MF_OFFSET)
        return;                                 /* fragments: never sent to us here */
    uint32_t src = get32(ip + IP_SRC), dst = get32(ip + IP_DST);
    bool ours = dst == IP_BROADCAST || (net_ip ? dst == net_ip : true);
    if (!ours)
        return;
    if (ip[IP_PROTO] == PROTO_ICMP && net_ip && dst == net_ip)
        icmp_input(frame, src, ip + hlen, total - hlen);
    else if (ip[IP_PROTO] == PROTO_UDP)
        udp_input(src, dst, ip + hlen, total - hlen);
}

bool net_poll(void)
{
    size_t len = ne2k_recv(rx_buf);
    if (!len)
        return false;
    net_stats.rx_frames++;
    if (len < ETH_HLEN)
        return true;
    /* Learn from every frame whose sender we already know the address of; an ARP reply
     * we asked for also ends arp_resolve's wait. */
    uint16_t type = get16(rx_buf + ETH_TYPE);
    if (type == ETHERTYPE_ARP) {
        arp_input(rx_buf + ETH_HLEN, len - ETH_HLEN);
        if (arp_wanted && arp_find(arp_wanted))
            arp_done = true;
    } else if (type == ETHERTYPE_IP) {
        ip_input(rx_buf, rx_buf + ETH_HLEN, len - ETH_HLEN);
    }
    return true;
}

bool net_wait(volatile bool *done, uint32_t ms)
{
    uint32_t start = now_count();
    uint32_t limit = (ms < WAIT_MAX_MS ? ms : WAIT_MAX_MS) * COUNT_PER_MS;
    while (!*done && now_count() - start < limit)
        if (!net_poll())
            net_idle();
    return *done;
}

/* ---- DHCP ----------------------------------------------------------------------------------- */

static uint32_t dhcp_xid;
static volatile bool dhcp_got;          /* an answer of dhcp_want_type came */
static uint8_t dhcp_want_type;
static uint32_t dhcp_offer, dhcp_server;

/* DISCOVER or REQUEST, from 0.0.0.0 to the broadcast address. */
static void dhcp_send(uint8_t type)
{
    uint8_t *d = tx_buf + ETH_HLEN + IP_HLEN + UDP_HLEN;
    memset(d, 0, DHCP_MIN_LEN);
    d[0] = 1;                                   /* BOOTREQUEST */
    d[1] = 1;                                   /* Ethernet */
    d[2] = ETH_ALEN;
    put32(d + DHCP_XID, dhcp_xid);
    put16(d + DHCP_FLAGS, DHCP_BROADCAST);
    memcpy(d + DHCP_CHADDR, net_mac, ETH_ALEN);
    put32(d + DHCP_MAGIC, DHCP_MAGIC_COOKIE);
    uint8_t *o = d + DHCP_OPTIONS;
    *o++ = OPT_MSG_TYPE;
    *o++ = 1;
    *o++ = type;
    if (type == DHCPREQUEST) {
        *o++ = OPT_REQUESTED_IP;
        *o++ = 4;
        put32(o, dhcp_offer);
        o += 4;
        *o++ = OPT_SERVER_ID;
        *o++ = 4;
        put32(o, dhcp_server);
        o += 4;
    }
    *o++ = OPT_PARAMS;
    *o++ = 2;
    *o++ = 1;                                   /* subnet mask */
    *o++ = 3;                                   /* router */
    *o = OPT_END;
    udp_output(mac_broadcast, 0, IP_BROADCAST, DHCP_CLIENT_PORT, DHCP_SERVER_PORT,
               DHCP_MIN_LEN);
}

static void dhcp_input(const uint8_t *d, size_t len)
{
    if (len < DHCP_OPTIONS || d[0] != 2 || get32(d + DHCP_XID) != dhcp_xid ||
        memcmp(d + DHCP_CHADDR, net_mac, ETH_ALEN) || get32(d + DHCP_MAGIC) != DHCP_MAGIC_COOKIE)
        return;
    uint8_t type = 0;
    uint32_t server = 0;
    for (size_t i = DHCP_OPTIONS; i < len && d[i] != OPT_END;) {
        if (d[i] == OPT_PAD) {
            i++;
            continue;
        }
        if (i + 2 > len || i + 2 + d[i + 1] > len)
            break;
        if (d[i] == OPT_MSG_TYPE && d[i + 1] >= 1)
            type = d[i + 2];
        else if (d[i] == OPT_SERVER_ID && d[i + 1] >= 4)
            server = get32(d + i + 2);
        i += 2u + d[i + 1];
    }
    if (type == DHCPNAK && dhcp_want_type == DHCPACK) {
        dhcp_want_type = DHCPOFFER;             /* start again */
        return;
    }
    if (type != dhcp_want_type)
        return;
    if (type == DHCPOFFER) {
        dhcp_offer = get32(d + DHCP_YIADDR);
        dhcp_server = server;
    }
    dhcp_got = true;
}

bool dhcp_lease(uint32_t ms, uint32_t *server)
{
    dhcp_xid = get32(net_mac + 2) ^ 0x4E455400u;    /* distinct per card */
    uint32_t start = now_count();
    while ((now_count() - start) / COUNT_PER_MS < ms) {
        dhcp_want_type = DHCPOFFER;
        dhcp_got = false;
        dhcp_send(DHCPDISCOVER);
        if (!net_wait(&dhcp_got, DHCP_RETRY_MS))
            continue;
        dhcp_want_type = DHCPACK;
        dhcp_got = false;
        dhcp_send(DHCPREQUEST);
        if (!net_wait(&dhcp_got, DHCP_RETRY_MS))
            continue;
        net_ip = dhcp_offer;
        *server = dhcp_server;
        return true;
    }
    return false;
}
