/* The guests' network (issue 9): one learning bridge (bridge.h) whose ports are the
 * guests' virtual NE2000s (vne2k.c) and an uplink to the board's own card.
 *
 * A guest port is the backend half of its card's net_link_t: what the card transmits goes
 * into the bridge; what the bridge delivers to the port goes into the card's receive ring
 * when the card can take it, else into the port's queue (VNET_QUEUE_FRAMES, oldest first;
 * a frame that finds it full is dropped, as a switch drops on a congested port). The
 * queue drains when the card says it has room again (net_link receive_ready), at the
 * next frame for the port, and at vnet_poll.
 *
 * The uplink is whatever the board's card driver gives it: a function that sends a frame
 * on the wire (vnet_set_uplink; called on the transmitting guest's exit, so it should
 * only queue the frame, as hwnet_send does) and a way in for the frames it receives
 * (vnet_uplink_input). Without one the guests still reach each other.
 *
 * Pure C, tested on the host (tests/hv/test_vnet.c). The caller provides the locking: in
 * the hypervisor every call runs with interrupts masked (vne2k.c; vdev.h's concurrency
 * rule), the card's own calls (transmit, receive_ready) coming from the guest's MMIO
 * emulation, already masked. */
#ifndef HV_VNET_H
#define HV_VNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bridge.h"
#include "devices/net_link.h"

#define VNET_PORTS          4       /* guest ports: one per VCPU (vsched.h) */
#define VNET_QUEUE_FRAMES   32      /* per guest port: a burst of the host's TCP window */

typedef struct vnet vnet_t;
typedef void (*vnet_send_fn)(void *opaque, const uint8_t *frame, size_t len);

typedef struct vnet_port {
    vnet_t *net;
    net_link_t *link;
    int port;                       /* in the bridge */
    uint32_t head, count;           /* the queue: oldest at head */
    uint32_t queued, dropped;       /* frames that waited; that found the queue full */
    uint16_t len[VNET_QUEUE_FRAMES];
    uint8_t frame[VNET_QUEUE_FRAMES][NET_FRAME_MAX];
} vnet_port_t;

struct vnet {
    bridge_t bridge;
    uint32_t (*now)(void);          /* the bridge's clock, in its ageing ticks */
    vnet_port_t ports[VNET_PORTS];
    uint32_t nports;
    vnet_send_fn uplink_send;       /* NULL: no uplink */
    void *uplink_opaque;
    int uplink_port;                /* in the bridge; -1: not added yet */
};

/* No ports, no uplink. The bridge forgets a MAC after `age_ticks` of `now`. */
void vnet_init(vnet_t *n, uint32_t age_ticks, uint32_t (*now)(void));
/* Adds a bridge port for a card whose card half of `link` is filled in: fills in the
 * backend half. NULL when there is no free port. */
vnet_port_t *vnet_attach(vnet_t *n, const char *name, net_link_t *link);
/* Drops the frames queued for the port (its guest was reset) and enables or disables it
 * (a stopped guest's port neither sends nor receives). */
void vnet_port_reset(vnet_port_t *p, bool enabled);

/* The uplink: frames for the outside world go to `send` (NULL: none, the port off). */
void vnet_set_uplink(vnet_t *n, vnet_send_fn send, void *opaque);
/* A frame the board's card received: into the bridge. */
void vnet_uplink_input(vnet_t *n, const uint8_t *frame, size_t len);

/* Offers every port's queued frames to its card again. */
void vnet_poll(vnet_t *n);

#endif
