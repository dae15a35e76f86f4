/* Wire formats of the protocols our firmware speaks (the hypervisor's netcheck.c, the net
 * guest's ip.c): field offsets into each header and the values they take, in network byte
 * order, read and written a byte at a time (no structure layout or alignment matters).
 * RFC 894 (Ethernet II), 826 (ARP), 791 (IPv4), 792 (ICMP), 768 (UDP). */
#ifndef NETPROTO_H
#define NETPROTO_H

#include <stddef.h>
#include <stdint.h>

/* Ethernet II */
#define ETH_ALEN        6
#define ETH_HLEN        14
#define ETH_DST         0
#define ETH_SRC         6
#define ETH_TYPE        12
#define ETH_FRAME_MAX   1514            /* without the FCS */
#define ETH_FRAME_MIN   60
#define ETHERTYPE_IP    0x0800
#define ETHERTYPE_ARP   0x0806

/* ARP for IPv4 over Ethernet */
#define ARP_LEN         28
#define ARP_HTYPE       0
#define ARP_PTYPE       2
#define ARP_HLEN        4
#define ARP_PLEN        5
#define ARP_OP          6
#define ARP_SHA         8
#define ARP_SPA         14
#define ARP_THA         18
#define ARP_TPA         24
#define ARP_HTYPE_ETHERNET 1
#define ARP_REQUEST     1
#define ARP_REPLY       2

/* IPv4 */
#define IP_HLEN         20              /* without options */
#define IP_VHL          0
#define IP_LEN          2
#define IP_ID           4
#define IP_FRAG         6
#define IP_TTL          8
#define IP_PROTO        9
#define IP_CSUM         10
#define IP_SRC          12
#define IP_DST          16
#define IP_VERSION_IHL  0x45            /* version 4, 5 words of header */
#define IP_DONT_FRAGMENT 0x4000
#define IP_MF_OFFSET    0x3FFF          /* more fragments, fragment offset */
#define IP_DEFAULT_TTL  64
#define PROTO_ICMP      1
#define PROTO_UDP       17

/* ICMP echo */
#define ICMP_HLEN       8
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO       8

/* UDP */
#define UDP_HLEN        8

/* Fields in network byte order. */
static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* The Internet checksum (RFC 1071): csum_add's running sum of `n` bytes as big-endian
 * 16-bit words (an odd last byte padded with zero), then csum_fold's one's complement of
 * it folded to 16 bits. A header checked with its checksum in place folds to 0. */
static inline uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += get16(p + i);
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    return sum;
}

static inline uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

static inline uint16_t inet_checksum(const uint8_t *p, size_t n)
{
    return csum_fold(csum_add(0, p, n));
}

#endif
