/* The learning Ethernet bridge (bridge.h).
 *
 * Design note. The forwarding table is a small array searched linearly: with 32 entries a
 * scan costs less than the frame copy the destination NIC makes, and needs no hashing or
 * allocation. Learning happens before forwarding, so a reply sent from inside a deliver
 * callback already finds its way back. Each learning pass also forgets the entries past
 * their ageing time: ticks are compared by unsigned difference, which would make an
 * entry untouched for 2^32 ticks look fresh again, and the sweep keeps any entry from
 * getting that old while frames flow. When the table is full the entry seen longest ago
 * is replaced: the LAN's chattiest hosts stay learned. */
#include "bridge.h"

static bool mac_equal(const uint8_t *a, const uint8_t *b)
{
    for (int i = 0; i < 6; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* The I/G bit, first on the wire: group addresses, broadcast included. */
static bool mac_is_group(const uint8_t *mac)
{
    return mac[0] & 1;
}

static bool entry_live(const bridge_t *b, const bridge_fdb_entry_t *e, uint32_t now)
{
    return e->used && now - e->seen < b->age_ticks;
}

void bridge_init(bridge_t *b, uint32_t age_ticks)
{
    *b = (bridge_t){ .age_ticks = age_ticks };
}

int bridge_add_port(bridge_t *b, const char *name, bridge_deliver_fn deliver, void *opaque)
{
    if (b->nports == BRIDGE_MAX_PORTS || !deliver)
        return -1;
    b->ports[b->nports] = (bridge_port_t){
        .name = name ? name : "", .deliver = deliver, .opaque = opaque, .enabled = true,
    };
    return (int)b->nports++;
}

void bridge_port_enable(bridge_t *b, int port, bool enabled)
{
    if (port < 0 || (uint32_t)port >= b->nports)
        return;
    b->ports[port].enabled = enabled;
    if (enabled)
        return;
    for (int i = 0; i < BRIDGE_TABLE_SIZE; i++)
        if (b->fdb[i].port == port)
            b->fdb[i].used = false;
}

int bridge_lookup(const bridge_t *b, const uint8_t mac[6], uint32_t now)
{
    for (int i = 0; i < BRIDGE_TABLE_SIZE; i++)
        if (entry_live(b, &b->fdb[i], now) && mac_equal(b->fdb[i].mac, mac))
            return b->fdb[i].port;
    return -1;
}

/* Records that `mac` was seen on `port`; a MAC already known elsewhere has moved. */
static void learn(bridge_t *b, const uint8_t *mac, int port, uint32_t now)
{
    bridge_fdb_entry_t *match = NULL, *victim = NULL;
    for (int i = 0; i < BRIDGE_TABLE_SIZE; i++) {
        bridge_fdb_entry_t *e = &b->fdb[i];
        if (e->used && !entry_live(b, e, now))
            e->used = false;
        if (e->used && mac_equal(e->mac, mac))
            match = e;
        else if (!victim || (victim->used && (!e->used || now - e->seen > now - victim->seen)))
            victim = e;
    }
    bridge_fdb_entry_t *slot = match ? match : victim;
    for (int i = 0; i < 6; i++)
        slot->mac[i] = mac[i];
    slot->used = true;
    slot->port = (uint8_t)port;
    slot->seen = now;
}

static void deliver(bridge_t *b, int port, const uint8_t *frame, size_t len)
{
    bridge_port_t *out = &b->ports[port];
    out->tx++;
    out->deliver(out->opaque, frame, len);
}

void bridge_input(bridge_t *b, int port, const uint8_t *frame, size_t len, uint32_t now)
{
    if (port < 0 || (uint32_t)port >= b->nports)
        return;
    bridge_port_t *in = &b->ports[port];
    in->rx++;
    /* A group source address is not a station (802.3 3.2.3): forwarding it would teach
     * nothing and could only be a corrupt or hostile frame. */
    if (!in->enabled || len < BRIDGE_MIN_FRAME || len > BRIDGE_MAX_FRAME ||
        mac_is_group(frame + 6)) {
        in->dropped++;
        return;
    }
    learn(b, frame + 6, port, now);

    int to = mac_is_group(frame) ? -1 : bridge_lookup(b, frame, now);
    if (to >= 0) {
        /* Learned on the port it came in by: the destination already heard it there. */
        if (to == port || !b->ports[to].enabled) {
            in->dropped++;
            return;
        }
        deliver(b, to, frame, len);
        return;
    }
    in->flooded++;
    for (uint32_t i = 0; i < b->nports; i++)
        if ((int)i != port && b->ports[i].enabled)
            deliver(b, (int)i, frame, len);
}
