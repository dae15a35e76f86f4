/* A learning Ethernet bridge between the guests' virtual NICs and the board's own NIC (the
 * uplink): each is a port, frames go where their destination MAC was last seen.
 *
 * Pure C on <stdint.h>/<stdbool.h>/<stddef.h>, tested on the host (tests/hv/test_bridge.c).
 * The bridge keeps no frames: bridge_input hands the frame to the destination ports'
 * deliver callbacks before it returns, and a port copies what it keeps. Time is the
 * caller's tick count (any rate: the ageing time is given in the same ticks). */
#ifndef HV_BRIDGE_H
#define HV_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BRIDGE_MAX_PORTS    8       /* the guests' NICs and the uplink */
#define BRIDGE_TABLE_SIZE   32      /* learned MACs: a few per guest, and the LAN's talkers */
#define BRIDGE_MIN_FRAME    14      /* the Ethernet header: destination, source, type */
#define BRIDGE_MAX_FRAME    1514    /* header and 1500-byte payload, no FCS */

/* Hands one frame to a port's NIC (a guest's receive ring, the board's transmitter). */
typedef void (*bridge_deliver_fn)(void *opaque, const uint8_t *frame, size_t len);

typedef struct bridge_port {
    const char *name;               /* for the terminal; NULL: the slot is unused */
    bridge_deliver_fn deliver;
    void *opaque;
    bool enabled;                   /* false: the port neither sends nor receives */
    /* Counters since bridge_add_port. */
    uint32_t rx;                    /* frames the port handed in */
    uint32_t tx;                    /* frames delivered to the port */
    uint32_t dropped;               /* of rx: not forwarded (length, bad source, disabled,
                                       destination on the same port) */
    uint32_t flooded;               /* of rx: sent to every other enabled port */
} bridge_port_t;

/* Where one MAC was last seen as a source. */
typedef struct bridge_fdb_entry {
    uint8_t mac[6];
    bool used;
    uint8_t port;
    uint32_t seen;                  /* tick of the last frame from this MAC */
} bridge_fdb_entry_t;

typedef struct bridge {
    bridge_port_t ports[BRIDGE_MAX_PORTS];
    uint32_t nports;
    /* An entry not refreshed for this many ticks is forgotten: a guest that moved or
     * stopped gets flooded to again rather than black-holed. */
    uint32_t age_ticks;
    bridge_fdb_entry_t fdb[BRIDGE_TABLE_SIZE];
} bridge_t;

/* No ports, nothing learned. `age_ticks` is the ageing time in the caller's ticks
 * (802.1D's default is 300 seconds). */
void bridge_init(bridge_t *b, uint32_t age_ticks);
/* Adds an enabled port; its number, or -1 when all BRIDGE_MAX_PORTS are taken. */
int bridge_add_port(bridge_t *b, const char *name, bridge_deliver_fn deliver, void *opaque);
/* Stops or restarts a port (a guest stopped or started). Disabling forgets the MACs
 * learned on it, so frames for them are flooded (and reach nobody there) until they are
 * seen elsewhere. */
void bridge_port_enable(bridge_t *b, int port, bool enabled);
/* A frame sent by the NIC on `port` at tick `now`: learns its source, then delivers it to
 * the port its destination was learned on, or floods it to every other enabled port
 * (broadcast, multicast, unknown or aged-out unicast). Ignores a port number not added. */
void bridge_input(bridge_t *b, int port, const uint8_t *frame, size_t len, uint32_t now);
/* The port `mac` is learned on at tick `now`, -1 when unknown or aged out. */
int bridge_lookup(const bridge_t *b, const uint8_t mac[6], uint32_t now);

#endif
