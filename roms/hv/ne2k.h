/* The driver of the board's NE2000 (a Realtek RTL8029 on PCI: a DP8390 behind an I/O
 * BAR), polled. See the design note in ne2k.c. */
#ifndef HV_NE2K_H
#define HV_NE2K_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NE2K_PCI_VENDOR     0x10EC      /* Realtek */
#define NE2K_PCI_DEVICE     0x8029      /* RTL8029 */
#define NE2K_MAC_LEN        6
#define NE2K_FRAME_MIN      60          /* Ethernet's minimum without the FCS: shorter is padded */
#define NE2K_FRAME_MAX      1518        /* without the FCS, with room for an 802.1Q tag */

typedef struct ne2k_stats {
    uint32_t rx_frames, rx_bytes;
    uint32_t rx_resyncs;        /* a ring header made no sense: skipped to the chip's CURR */
    uint32_t rx_errors;         /* frames stored as bad or of impossible length, skipped */
    uint32_t rx_too_long;       /* longer than the caller's buffer, dropped */
    uint32_t rx_overflows;      /* ISR.OVW: the ring filled up and was recovered */
    /* The chip's own tallies (CNTR0..2). */
    uint32_t rx_frame_errors, rx_crc_errors, rx_missed;
    uint32_t tx_frames, tx_bytes;
    uint32_t tx_errors;         /* the chip reported a frame not sent (ISR.TXE) */
    uint32_t tx_dropped;        /* refused: bad length, transmitter stuck, DMA timeout */
} ne2k_stats_t;

typedef struct ne2k {
    uintptr_t io;               /* kseg1 address of the card's port 0 */
    uint8_t mac[NE2K_MAC_LEN];  /* from the card's PROM */
    uint8_t next_page;          /* ring page of the next frame to read (BNRY + 1) */
    bool draining;              /* overflow recovery: the ring is being emptied in loopback */
    bool tx_deferred;           /* a frame waits in the transmit buffer until draining ends */
    ne2k_stats_t stats;
} ne2k_t;

/* Resets the card at I/O port `port` (its BAR 0), reads its MAC address and starts it:
 * promiscuous receive into the ring, interrupts masked (it is polled). False when no
 * DP8390 answers there. */
bool ne2k_init(ne2k_t *ne, uint32_t port);

/* The next received frame, copied into buf; returns its length, or 0 when the ring is
 * empty. Also acknowledges what else ISR reports and recovers from a ring overflow.
 * The caller masks interrupts: the card's registers are one shared state. */
size_t ne2k_receive(ne2k_t *ne, uint8_t *buf, size_t size);

/* CR.TXP: the previous frame is still going out, so ne2k_transmit would wait for it. One
 * read of CR, which every register page shares: safe with interrupts enabled. */
bool ne2k_tx_busy(const ne2k_t *ne);

/* Puts one frame (destination MAC first, no FCS; padded to NE2K_FRAME_MIN) on the wire;
 * false when it could not be. Interrupts masked by the caller, as for ne2k_receive. */
bool ne2k_transmit(ne2k_t *ne, const uint8_t *frame, size_t len);

#endif
