/* The guests' network: the bridge, the guest ports' queues and the uplink (vnet.h).
 *
 * Design note. The bridge keeps no frames, so a port that cannot take one now keeps a
 * copy: a ring of VNET_QUEUE_FRAMES full-size slots per guest port. Order is kept: while
 * anything is queued a new frame goes behind it, and the queue is offered to the card
 * from its head. The card answers can_receive from its registers (stopped, batch closed,
 * ring short of a maximum frame), and says receive_ready when a register write changes
 * that, so a queue never waits on a card that has room (every change from "no" to "yes"
 * is a register write: a start, an acknowledged interrupt, BNRY moved). vnet_poll is a
 * safety net should a model ever miss one.
 *
 * A card's transmit goes straight into bridge_input, which may deliver into another
 * guest's card before it returns: between guests everything happens on the transmitting
 * guest's exit, so such a frame is never held anywhere but a port queue. What goes to the
 * uplink is handed to its send function on that exit too, and the hypervisor's
 * (hwnet_send) only queues it for its transmit thread: the real card's work is done in
 * the hypercore's time, not the guest's. */
#include <string.h>

#include "vnet.h"

_Static_assert(VNET_PORTS + 1 <= BRIDGE_MAX_PORTS, "bridge.h: the guests' ports and the uplink");

void vnet_init(vnet_t *n, uint32_t age_ticks, uint32_t (*now)(void))
{
    memset(n, 0, sizeof(*n));
    bridge_init(&n->bridge, age_ticks);
    n->now = now;
    n->uplink_port = -1;
}

/* ---- Guest ports -------------------------------------------------------------------------- */

static bool card_ready(const vnet_port_t *p)
{
    return p->link->can_receive && p->link->can_receive(p->link->card);
}

static void drain(vnet_port_t *p)
{
    while (p->count && card_ready(p)) {
        uint32_t slot = p->head;
        p->head = (p->head + 1) % VNET_QUEUE_FRAMES;
        p->count--;
        p->link->receive(p->link->card, p->frame[slot], p->len[slot]);
    }
}

/* The bridge's delivery to a guest's card. */
static void port_deliver(void *opaque, const uint8_t *frame, size_t len)
{
    vnet_port_t *p = opaque;
    drain(p);
    if (!p->count && card_ready(p)) {
        p->link->receive(p->link->card, frame, len);
        return;
    }
    if (p->count == VNET_QUEUE_FRAMES || len > NET_FRAME_MAX) {
        p->dropped++;
        return;
    }
    uint32_t slot = (p->head + p->count) % VNET_QUEUE_FRAMES;
    memcpy(p->frame[slot], frame, len);
    p->len[slot] = (uint16_t)len;
    p->count++;
    p->queued++;
}

/* The card transmits: into the bridge. */
static void port_transmit(void *backend, const uint8_t *frame, size_t len)
{
    vnet_port_t *p = backend;
    bridge_input(&p->net->bridge, p->port, frame, len, p->net->now());
}

static void port_receive_ready(void *backend)
{
    drain(backend);
}

vnet_port_t *vnet_attach(vnet_t *n, const char *name, net_link_t *link)
{
    if (n->nports == VNET_PORTS)
        return NULL;
    vnet_port_t *p = &n->ports[n->nports];
    int port = bridge_add_port(&n->bridge, name, port_deliver, p);
    if (port < 0)
        return NULL;
    n->nports++;
    p->net = n;
    p->link = link;
    p->port = port;
    link->backend = p;
    link->transmit = port_transmit;
    link->receive_ready = port_receive_ready;
    return p;
}

void vnet_port_reset(vnet_port_t *p, bool enabled)
{
    p->head = p->count = 0;
    bridge_port_enable(&p->net->bridge, p->port, enabled);
}

void vnet_poll(vnet_t *n)
{
    for (uint32_t i = 0; i < n->nports; i++)
        drain(&n->ports[i]);
}

/* ---- The uplink ------------------------------------------------------------------------------ */

static void uplink_deliver(void *opaque, const uint8_t *frame, size_t len)
{
    vnet_t *n = opaque;
    if (n->uplink_send)
        n->uplink_send(n->uplink_opaque, frame, len);
}

void vnet_set_uplink(vnet_t *n, vnet_send_fn send, void *opaque)
{
    n->uplink_send = send;
    n->uplink_opaque = opaque;
    if (n->uplink_port < 0 && send)
        n->uplink_port = bridge_add_port(&n->bridge, "uplink", uplink_deliver, n);
    if (n->uplink_port >= 0)
        bridge_port_enable(&n->bridge, n->uplink_port, send != NULL);
}

void vnet_uplink_input(vnet_t *n, const uint8_t *frame, size_t len)
{
    if (n->uplink_port >= 0)
        bridge_input(&n->bridge, n->uplink_port, frame, len, n->now());
}
