/* The net guest: a tiny network stack over the hypervisor's virtual NE2000 (issue 9).
 *
 * Layers, one file each: ne2k.c drives the card (the DP8390 as a guest driver sees it:
 * remote DMA through the data port, the receive ring), ip.c is Ethernet, ARP, IPv4, ICMP
 * echo, UDP and a DHCP client, main.c the checks the tests read (a lease, pings of the
 * slirp gateway and of the other guest, a UDP exchange with a host server).
 *
 * Single-threaded and polled: every wait loop calls net_poll(), which takes the frames
 * that came in and answers what must be answered (ARP requests, echo requests), and idles
 * with WAIT while nothing came (the card's receive interrupt or a 1 ms timer wakes it). */
#ifndef NET_H
#define NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest.h"
#include "netproto.h"

/* The card's window (roms/hv/guests.dts, node net/ethernet@18000300): GPA 0x18000300,
 * reached through the guest's kseg1 view at real 0x38000300; its line is Cause.IP3. */
#define NE2K_BASE       0x38000300u
#define NE2K_IRQ_IM     0x00000800u     /* Status.IM3 */


/* CP0 Count runs at half the 320 MHz CPU clock on kseg's and QEMU's Malta. Times are
 * Count differences, so no wait may be as long as Count's wrap (26.8 s). */
#define COUNT_PER_MS    160000u
#define WAIT_MAX_MS     (0xFFFFFFFFu / COUNT_PER_MS)

/* ---- ne2k.c ---- */
/* Resets and starts the card: its MAC address from the PROM into `mac`. False when no
 * NE2000 answers (the reset never completes or the PROM lacks the signature). */
bool ne2k_init(uint8_t mac[ETH_ALEN]);
/* Sends one frame (padded to the Ethernet minimum). False when the card did not finish. */
bool ne2k_send(const uint8_t *frame, size_t len);
/* The next received frame into buf (room for ETH_FRAME_MAX + 4 bytes, 4-byte aligned):
 * its length, or 0 when the ring is empty. */
size_t ne2k_recv(uint8_t *buf);
/* Frames the driver found malformed in the ring (the ring is then resynchronised). */
extern uint32_t ne2k_rx_errors;
/* `n` random accesses to the card, as a broken driver makes them (mode 1: netfuzz). */
uint32_t ne2k_fuzz(uint32_t n, uint32_t seed);

/* ---- ip.c ---- */
typedef struct net_stats {
    uint32_t rx_frames, tx_frames;
    uint32_t bad_checksum;              /* IPv4 header or UDP checksums that failed */
    uint32_t echo_served;               /* echo requests answered */
} net_stats_t;

extern uint8_t net_mac[ETH_ALEN];
extern uint32_t net_ip;                 /* 0 until the lease */
extern net_stats_t net_stats;

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define SLIRP_GATEWAY   IP4(10, 0, 2, 2)

/* Takes and handles one received frame; false when none was waiting. */
bool net_poll(void);
/* net_poll until `done` is true or `ms` milliseconds have passed, idling in between. */
bool net_wait(volatile bool *done, uint32_t ms);
/* Asks for a lease (DHCPDISCOVER, OFFER, REQUEST, ACK), retrying for up to `ms`. */
bool dhcp_lease(uint32_t ms, uint32_t *server);
/* The MAC address for `ip` (cache, else ARP requests for up to `ms`). */
bool arp_resolve(uint32_t ip, uint8_t mac[ETH_ALEN], uint32_t ms);
/* One echo request with sequence `seq`; true when its reply came within `ms`. */
bool icmp_ping(uint32_t ip, uint16_t seq, uint32_t ms);
/* The last sequence number of an echo request `ip` sent us (0: none yet). */
uint16_t icmp_last_request_seq(uint32_t ip);
/* Sends a UDP datagram from local port `sport`. */
bool udp_send(uint32_t ip, uint16_t sport, uint16_t dport, const uint8_t *data, size_t len);
/* The datagram that came to `port` within `ms` (one-slot mailbox, newer replaces older):
 * its length, or -1 on timeout. `buf` holds at least 1472 bytes. */
int udp_recv(uint16_t port, uint8_t *buf, uint32_t ms, uint32_t *src, uint16_t *sport);

/* ---- main.c ---- */
void gprintf(const char *fmt, ...);
static inline uint32_t now_count(void) { return MFC0(C0_COUNT); }
/* Gives the CPU away until a frame comes or about a millisecond passes. */
void net_idle(void);

/* ---- ../../bootrom/lib.c: the C library functions of our firmware (its bootrom.h is
 * the board's, not a guest's, so they are declared here) ---- */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
/* A whole string as a number: 0x... hexadecimal, else decimal. */
bool parse_u32(const char *s, uint32_t *out);
/* CRC-32 as zlib computes it (start with crc = 0). */
uint32_t crc32(uint32_t crc, const void *data, size_t len);

#endif
