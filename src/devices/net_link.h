/* A network link: how a network card and the backend that carries its Ethernet frames
 * (libslirp's user network; later a hypervisor's bridge) meet. Frames are whole Ethernet
 * frames, destination MAC first, without the FCS.
 *
 * The card fills in its half and the backend its half; neither knows what the other is.
 *   - The card transmits by calling transmit(); the backend may deliver frames back to the
 *     card from inside that call (slirp answers an ARP request at once), so the card must
 *     have finished its own state change before it calls transmit().
 *   - The backend delivers a frame only when can_receive() says yes. A card that cannot
 *     take one now (stopped, receive ring full) leaves it queued in the backend, as QEMU's
 *     net queue does; once the guest has made room the card calls receive_ready() and the
 *     backend offers its queued frames again, from inside that call or later (the slirp
 *     backend: at the main loop's next poll). A frame the card is offered and filters out
 *     or finds malformed is simply dropped by the card. */
#ifndef KSEG_NET_LINK_H
#define KSEG_NET_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_MAC_LEN     6
#define NET_FRAME_MAX   1514     /* Ethernet II without FCS: 14-byte header + 1500 */
#define NET_FRAME_MIN   60       /* shorter frames are padded by the sender */

typedef struct net_link {
    /* The card's half. */
    void *card;
    bool (*can_receive)(void *card);
    void (*receive)(void *card, const uint8_t *frame, size_t len);

    /* The backend's half (transmit may be NULL: a card with no network, frames vanish). */
    void *backend;
    void (*transmit)(void *backend, const uint8_t *frame, size_t len);
    void (*receive_ready)(void *backend);
} net_link_t;

static inline void net_link_transmit(net_link_t *link, const uint8_t *frame, size_t len)
{
    if (link && link->transmit)
        link->transmit(link->backend, frame, len);
}

static inline void net_link_receive_ready(net_link_t *link)
{
    if (link && link->receive_ready)
        link->receive_ready(link->backend);
}

#endif
