/* "ne2000": a guest's NE2000, the emulator's own DP8390 model (src/devices/ne2000.c)
 * compiled in unchanged, its net_link backend a port of the guests' bridge (vnet.c).
 *
 * One card per guest, its state (48 KiB of card memory) in a static slot by guest id.
 * MAC address: the node's `local-mac-address = "52:54:00:12:34:56"`, else
 * 52:54:00:12:34:(0x60 + guest id), so guests differ from each other and from QEMU's
 * default card (...:56) that the hypervisor itself may drive on the same wire. slirp's
 * DHCP server gives addresses by MAC in the order it is asked: 10.0.2.15, .16, ...
 *
 * The cards share one network (vnet.h): their bridge, and the board's card (hwnet.c) as
 * its uplink, started with the first card. The models are called from the guest's MMIO
 * emulation (interrupts masked) and, through the bridge, from other guests' MMIO and from
 * hwnet's receive thread, which masks interrupts here around the call (vdev.h's
 * concurrency rule). */
#include "hv.h"
#include "devices/ne2000.h"
#include "hwnet.h"
#include "vcpu.h"
#include "vne2k.h"
#include "vnet.h"
#include "vsched.h"

#define MAC_DEFAULT_LAST    0x60        /* + the guest id */
#define NET_AGE_SECONDS     300         /* the bridge's ageing time: 802.1D's default */

typedef struct vne2k {
    bool used;
    char name[8];                       /* the bridge port's: the guest's name */
    ne2000_t nic;
    net_link_t link;
    vnet_port_t *port;
} vne2k_t;

static vne2k_t cards[VSCHED_MAX_VCPUS];
static vnet_t net;
static bool net_started;

_Static_assert(VNET_PORTS >= VSCHED_MAX_VCPUS, "vnet.h: a bridge port for every guest");

/* ---- The network: the bridge and its uplink ---------------------------------------------- */

static void uplink_send(void *opaque, const uint8_t *frame, size_t len)
{
    (void)opaque;
    /* Only queued, for hwnet's transmit thread: this is a guest's exit. A frame the
     * queue or the card refuses is lost, as on a wire. */
    hwnet_send(frame, len);
}

/* On hwnet's receive thread, interrupts enabled. */
static void uplink_receive(void *opaque, const uint8_t *frame, size_t len)
{
    (void)opaque;
    uint32_t ie = irq_save();
    vnet_uplink_input(&net, frame, len);
    vnet_poll(&net);
    irq_restore(ie);
}

/* The bridge, and the board's card as its uplink when there is one (hwnet_start says in a
 * line whether there is): once, with the first card, on the main thread. */
static void net_start(void)
{
    if (net_started)
        return;
    net_started = true;
    vnet_init(&net, NET_AGE_SECONDS * TIMER_HZ, timer_ticks);
    if (!hwnet_start())
        return;
    vnet_set_uplink(&net, uplink_send, NULL);
    hwnet_set_receiver(uplink_receive, NULL);
}

/* ---- The card ----------------------------------------------------------------------------- */

/* "xx:xx:xx:xx:xx:xx" into mac; false when it is not that. */
static bool parse_mac(devtree_str_t s, uint8_t mac[NET_MAC_LEN])
{
    if (s.len != 3 * NET_MAC_LEN - 1)
        return false;
    for (uint32_t i = 0; i < NET_MAC_LEN; i++) {
        char byte[] = { '0', 'x', s.s[3 * i], s.s[3 * i + 1], '\0' };
        uint32_t v;
        if (!parse_u32(byte, &v) || (i + 1 < NET_MAC_LEN && s.s[3 * i + 2] != ':'))
            return false;
        mac[i] = (uint8_t)v;
    }
    return !(mac[0] & 1);                   /* a card's own address is never a group */
}

static bool vne2k_create(vdev_t *d, const devtree_t *t, int node, const char **why)
{
    uint32_t id = vdev_guest_id(d);
    if (id >= ARRAY_SIZE(cards) || cards[id].used) {
        *why = "one NE2000 per guest";
        return false;
    }
    vne2k_t *c = &cards[id];
    uint8_t mac[NET_MAC_LEN] = { 0x52, 0x54, 0x00, 0x12, 0x34,
                                 (uint8_t)(MAC_DEFAULT_LAST + id) };
    const devtree_prop_t *p = devtree_prop(t, node, "local-mac-address");
    if (p && (p->kind != DEVTREE_STRING || !parse_mac(p->string, mac))) {
        *why = "local-mac-address is not \"xx:xx:xx:xx:xx:xx\" (a unicast address)";
        return false;
    }
    snprintf(c->name, sizeof(c->name), "g%u", id);
    ne2000_init(&c->nic, mac, &c->link, vdev_irq_line(d));
    net_start();
    uint32_t ie = irq_save();                   /* hwnet's thread may be in the bridge */
    c->port = vnet_attach(&net, c->name, &c->link);
    irq_restore(ie);
    if (!c->port) {
        *why = "the bridge has no free port";
        return false;
    }
    c->used = true;
    d->dev = &c->nic;
    d->ops = &ne2000_ops;
    return true;
}

/* The guest is reset: the chip as at power-on, nothing left queued for it. */
static void vne2k_reset(vdev_t *d)
{
    vne2k_t *c = &cards[vdev_guest_id(d)];
    uint32_t ie = irq_save();
    ne2000_reset(&c->nic);
    vnet_port_reset(c->port, true);
    irq_restore(ie);
}

const vdev_type_t vne2k_type = {
    .compatible = "ne2000", .create = vne2k_create, .reset = vne2k_reset,
};

bool vne2k_in_use(void)
{
    return net_started;
}

void vne2k_print_net(void)
{
    if (!net_started) {
        printf("no guest network (no guest has an NE2000)\n");
        return;
    }
    printf("port     state  rx       tx       dropped  flooded  queued   queue-full\n");
    for (int i = 0; i < BRIDGE_MAX_PORTS; i++) {
        uint32_t ie = irq_save();
        bridge_port_t p = net.bridge.ports[i];
        const vnet_port_t *vp = NULL;
        for (uint32_t k = 0; k < net.nports; k++)
            if (net.ports[k].port == i)
                vp = &net.ports[k];
        uint32_t queued = vp ? vp->queued : 0, full = vp ? vp->dropped : 0;
        irq_restore(ie);
        if (!p.name)
            continue;
        printf("%-8s %-6s %-8u %-8u %-8u %-8u %-8u %u\n", p.name, p.enabled ? "up" : "down",
               p.rx, p.tx, p.dropped, p.flooded, queued, full);
    }
    hwnet_print_stats();
}
