/* The boot word `netcheck`: the board's network card end to end, against the user network
 * of kseg or QEMU (libslirp), whose gateway 10.0.2.2 answers ARP and ping itself. We take
 * slirp's first guest address, 10.0.2.15; no DHCP is needed for that.
 *
 * After the one echo comes a burst: BURST_COUNT echoes of nearly a maximum frame each,
 * lengths odd and even, so that the replies run around the receive ring several times
 * (ne2k.c: frames split at its end, odd-length remote DMA). At most BURST_WINDOW are
 * outstanding: like a real card, QEMU's drops a frame that finds the ring full, and the
 * receive thread looks at the ring only once a tick when it finds it empty. Every reply's
 * payload is compared with what was sent.
 *
 * Only the frames the check needs are built here, by hand: the guests bring their own
 * network stacks, the hypervisor only moves their frames. */
#include "hv.h"
#include "hthread.h"
#include "hwnet.h"
#include "netproto.h"

/* slirp answers at once; a reply lost on the way is asked for again after half a second,
 * and after two seconds the gateway is taken to be absent. */
#define TIMEOUT_TICKS       (2 * TIMER_HZ)
#define RETRY_TICKS         (TIMER_HZ / 2)

#define ECHO_ID             0x6876      /* "hv" */
#define ECHO_SEQ            1
#define ECHO_PAYLOAD_LEN    32          /* the first echo: ping's default size */
/* The burst: sequence numbers BURST_SEQ.., payloads BURST_PAYLOAD_MAX - i bytes (a full
 * 1514-byte frame first), 6 ring pages each, about 3 times round the 58-page ring. */
#define BURST_COUNT         32
#define BURST_WINDOW        4           /* 24 of the ring's 58 pages */
#define BURST_SEQ           100
#define BURST_PAYLOAD_MAX   (NE2K_FRAME_MAX - 4 - ETH_HLEN - IP_HLEN - ICMP_HLEN)

static const uint8_t our_ip[4] = { 10, 0, 2, 15 };
static const uint8_t gateway_ip[4] = { 10, 0, 2, 2 };
static const uint8_t broadcast[NE2K_MAC_LEN] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

static uint8_t our_mac[NE2K_MAC_LEN];
static uint8_t gateway_mac[NE2K_MAC_LEN];
/* Set by the receiver on the receive thread, waited for by the main thread. */
static volatile bool arp_answered, echo_answered;
static volatile uint32_t burst_answered;       /* bit i: the reply to burst echo i came */
static volatile uint32_t burst_damaged;        /* ... and was not what was sent */

/* Network byte order. */
static void eth_header(uint8_t *f, const uint8_t *dst, uint16_t type)
{
    memcpy(f, dst, NE2K_MAC_LEN);
    memcpy(f + NE2K_MAC_LEN, our_mac, NE2K_MAC_LEN);
    put16(f + ETH_TYPE, type);
}

static bool send_arp_request(void)
{
    uint8_t f[ETH_HLEN + ARP_LEN];
    eth_header(f, broadcast, ETHERTYPE_ARP);
    uint8_t *a = f + ETH_HLEN;
    put16(a, ARP_HTYPE_ETHERNET);
    put16(a + 2, ETHERTYPE_IP);
    a[4] = NE2K_MAC_LEN;
    a[5] = sizeof(our_ip);
    put16(a + ARP_OP, ARP_REQUEST);
    memcpy(a + ARP_SHA, our_mac, NE2K_MAC_LEN);
    memcpy(a + ARP_SPA, our_ip, sizeof(our_ip));
    memset(a + ARP_THA, 0, NE2K_MAC_LEN);
    memcpy(a + ARP_TPA, gateway_ip, sizeof(gateway_ip));
    return hwnet_send(f, sizeof(f));
}

/* What echo `seq` carries: a pattern that tells every byte and every echo apart. */
static uint8_t payload_byte(uint16_t seq, size_t i)
{
    return (uint8_t)(seq * 7 + i);
}

static bool send_echo(uint16_t seq, size_t payload_len)
{
    uint8_t f[ETH_HLEN + IP_HLEN + ICMP_HLEN + BURST_PAYLOAD_MAX];
    size_t len = ETH_HLEN + IP_HLEN + ICMP_HLEN + payload_len;
    eth_header(f, gateway_mac, ETHERTYPE_IP);
    uint8_t *ip = f + ETH_HLEN;
    ip[IP_VHL] = IP_VERSION_IHL;
    ip[IP_VHL + 1] = 0;                         /* type of service */
    put16(ip + IP_LEN, (uint16_t)(len - ETH_HLEN));
    put16(ip + IP_ID, seq);
    put16(ip + IP_FRAG, IP_DONT_FRAGMENT);
    ip[IP_TTL] = IP_DEFAULT_TTL;
    ip[IP_PROTO] = PROTO_ICMP;
    put16(ip + IP_CSUM, 0);
    memcpy(ip + IP_SRC, our_ip, sizeof(our_ip));
    memcpy(ip + IP_DST, gateway_ip, sizeof(gateway_ip));
    put16(ip + IP_CSUM, inet_checksum(ip, IP_HLEN));
    uint8_t *icmp = ip + IP_HLEN;
    icmp[0] = ICMP_ECHO;
    icmp[1] = 0;
    put16(icmp + 2, 0);
    put16(icmp + 4, ECHO_ID);
    put16(icmp + 6, seq);
    for (size_t i = 0; i < payload_len; i++)
        icmp[ICMP_HLEN + i] = payload_byte(seq, i);
    put16(icmp + 2, inet_checksum(icmp, ICMP_HLEN + payload_len));
    return hwnet_send(f, len);
}

static bool send_echo_request(void)
{
    return send_echo(ECHO_SEQ, ECHO_PAYLOAD_LEN);
}

static size_t burst_payload_len(unsigned i)
{
    return BURST_PAYLOAD_MAX - i;
}

/* An echo reply's payload: is it what echo `seq` carried? */
static bool payload_intact(uint16_t seq, const uint8_t *data, size_t len, size_t want)
{
    if (len != want)
        return false;
    for (size_t i = 0; i < len; i++)
        if (data[i] != payload_byte(seq, i))
            return false;
    return true;
}

/* The receiver (receive thread): looks for the answers, ignores everything else. */
static void on_frame(void *opaque, const uint8_t *f, size_t len)
{
    (void)opaque;
    if (len < ETH_HLEN)
        return;
    const uint8_t *p = f + ETH_HLEN;
    uint16_t type = get16(f + ETH_TYPE);
    if (type == ETHERTYPE_ARP && len >= ETH_HLEN + ARP_LEN) {
        if (get16(p + ARP_OP) == ARP_REPLY &&
            !memcmp(p + ARP_SPA, gateway_ip, sizeof(gateway_ip)) &&
            !memcmp(p + ARP_TPA, our_ip, sizeof(our_ip)) && !arp_answered) {
            memcpy(gateway_mac, p + ARP_SHA, NE2K_MAC_LEN);
            arp_answered = true;
        }
        return;
    }
    if (type != ETHERTYPE_IP || len < ETH_HLEN + IP_HLEN + ICMP_HLEN)
        return;
    size_t ihl = (size_t)(p[0] & 0x0F) * 4;
    if ((p[0] >> 4) != 4 || ihl < IP_HLEN || len < ETH_HLEN + ihl + ICMP_HLEN ||
        p[9] != PROTO_ICMP || memcmp(p + IP_SRC, gateway_ip, sizeof(gateway_ip)) ||
        memcmp(p + IP_DST, our_ip, sizeof(our_ip)))
        return;
    const uint8_t *icmp = p + ihl;
    if (icmp[0] != ICMP_ECHO_REPLY || get16(icmp + 4) != ECHO_ID)
        return;
    uint16_t seq = get16(icmp + 6);
    size_t ip_len = get16(p + 2);
    if (ip_len < ihl + ICMP_HLEN || ETH_HLEN + ip_len > len)
        return;
    const uint8_t *data = icmp + ICMP_HLEN;
    size_t data_len = ip_len - ihl - ICMP_HLEN;
    if (seq == ECHO_SEQ && payload_intact(seq, data, data_len, ECHO_PAYLOAD_LEN)) {
        echo_answered = true;
    } else if (seq >= BURST_SEQ && seq < BURST_SEQ + BURST_COUNT) {
        unsigned i = seq - BURST_SEQ;
        if (!payload_intact(seq, data, data_len, burst_payload_len(i)))
            burst_damaged |= 1u << i;
        burst_answered |= 1u << i;
    }
}

/* Sends with `send` until `answered`, again every RETRY_TICKS, for TIMEOUT_TICKS at most. */
static bool exchange(bool (*send)(void), volatile bool *answered)
{
    uint32_t start = timer_ticks(), sent = start;
    send();
    while (!*answered) {
        uint32_t now = timer_ticks();
        if (now - start >= TIMEOUT_TICKS)
            return false;
        if (now - sent >= RETRY_TICKS) {
            send();
            sent = now;
        }
        hthread_sleep(1);
    }
    return true;
}

static unsigned count_bits(uint32_t v)
{
    unsigned n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

static bool check_burst(void)
{
    const uint32_t all = BURST_COUNT == 32 ? 0xFFFFFFFFu : (1u << BURST_COUNT) - 1;
    uint32_t start = timer_ticks();
    for (unsigned i = 0; i < BURST_COUNT && timer_ticks() - start < TIMEOUT_TICKS;) {
        if (i - count_bits(burst_answered) < BURST_WINDOW) {
            send_echo((uint16_t)(BURST_SEQ + i), burst_payload_len(i));
            i++;
        } else {
            hthread_sleep(1);
        }
    }
    while (burst_answered != all && timer_ticks() - start < TIMEOUT_TICKS)
        hthread_sleep(1);
    unsigned got = count_bits(burst_answered), damaged = count_bits(burst_damaged);
    printf("hv: netcheck: %u of %u echoes of %u-%u bytes came back, %u damaged\n", got,
           BURST_COUNT, (unsigned)burst_payload_len(BURST_COUNT - 1),
           (unsigned)burst_payload_len(0), damaged);
    return got == BURST_COUNT && damaged == 0;
}

static bool check_gateway(void)
{
    hwnet_mac(our_mac);
    hwnet_set_receiver(on_frame, NULL);
    if (!exchange(send_arp_request, &arp_answered)) {
        printf("hv: netcheck: no ARP reply from 10.0.2.2\n");
        return false;
    }
    const uint8_t *m = gateway_mac;
    printf("hv: netcheck: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x\n",
           m[0], m[1], m[2], m[3], m[4], m[5]);
    if (!exchange(send_echo_request, &echo_answered)) {
        printf("hv: netcheck: no echo reply from 10.0.2.2\n");
        return false;
    }
    printf("hv: netcheck: echo reply from 10.0.2.2\n");
    return check_burst();
}

void netcheck_run(void)
{
    bool pass = hwnet_start() && check_gateway();
    if (hwnet_mac(our_mac)) {                   /* the card was started */
        hwnet_set_receiver(NULL, NULL);
        hwnet_print_stats();
    }
    printf("hv: netcheck: %s\n", pass ? "PASS" : "FAIL");
    hv_halt();
}
