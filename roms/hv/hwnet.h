/* The board's own network card, driven by the hypervisor (hwnet.c): frames in and out of
 * the real wire, for a bridge to the guests' virtual cards. */
#ifndef HV_HWNET_H
#define HV_HWNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ne2k.h"

/* Finds the NE2000 on PCI bus 0, gives it its I/O ports, starts it and its receive and
 * transmit threads (net-rx, net-tx), and says so in one line. False (also said) when
 * there is no card or it does not answer. Called once, from the main thread; later calls
 * return the first answer. */
bool hwnet_start(void);

/* Queues one Ethernet frame (no FCS) for the transmit thread, which puts it on the wire
 * in the hypercore's time; from any context, a guest's exit and a receiver included. False
 * when the card is not started, the frame is longer than NE2K_FRAME_MAX, or the queue is
 * full (counted: hwnet_stats). The card may still refuse it later (ne2k_transmit). */
bool hwnet_send(const uint8_t *frame, size_t len);

/* Who gets the received frames: rx(opaque, frame, len) on the receive thread, one call
 * per frame, the frame valid only during the call. NULL: frames are counted and dropped. */
typedef void (*hwnet_receiver_fn)(void *opaque, const uint8_t *frame, size_t len);
void hwnet_set_receiver(hwnet_receiver_fn rx, void *opaque);

/* The card's MAC address; false when the card is not started. */
bool hwnet_mac(uint8_t mac[NE2K_MAC_LEN]);

typedef struct hwnet_stats {
    ne2k_stats_t card;
    uint32_t rx_unclaimed;      /* received while no receiver was set */
    uint32_t tx_queued;         /* frames hwnet_send queued for the transmit thread */
    uint32_t tx_queue_full;     /* ... and dropped, the queue full */
    uint32_t tx_waiting;        /* in the queue now */
    uint32_t tx_deepest;        /* the most ever in the queue at once */
} hwnet_stats_t;
/* A consistent copy of the counters (for the terminal); false when not started. */
bool hwnet_stats(hwnet_stats_t *out);
void hwnet_print_stats(void);   /* one line "hv: net: counters [...]" */

/* ---- netcheck.c: the boot word `netcheck` ---------------------------------------------
 * Starts hwnet, asks the user network's gateway (10.0.2.2) for its MAC address by ARP and
 * pings it, prints what it found and PASS or FAIL, then halts the board. */
void netcheck_run(void) __attribute__((noreturn));

#endif
