/* The board's NE2000 as hypercore threads.
 *
 * The card is polled: its interrupt would reach the CPU through the PIIX4's PIRQ routing
 * and the i8259 pair, which the hypervisor does not drive, and a tick's latency is what
 * a bridge to the guests' virtual cards can live with. The receive thread empties the
 * ring in bursts and sleeps a tick when it is empty. Any thread transmits. The card's
 * registers are one shared state (the page select in CR, the remote DMA), so every
 * touch of it is made with interrupts masked: one CPU, that is the whole locking. A
 * receiver is called with interrupts enabled, outside that, and may transmit. */
#include "hv.h"
#include "hthread.h"
#include "hwnet.h"
#include "pci.h"

/* Frames taken in a row before the other threads get the CPU: enough to empty a ring of
 * small frames (58 pages) in one go, few enough that a flood cannot starve the rest. */
#define RX_BURST        16

static ne2k_t card;
static bool started, start_tried;
static hwnet_receiver_fn receiver;
static void *receiver_opaque;
static uint32_t rx_unclaimed;
static uint8_t rx_frame[NE2K_FRAME_MAX];    /* only the receive thread uses it */

static void rx_thread(void *arg)
{
    (void)arg;
    for (;;) {
        unsigned n = 0;
        for (; n < RX_BURST; n++) {
            uint32_t ie = irq_save();
            size_t len = ne2k_receive(&card, rx_frame, sizeof(rx_frame));
            hwnet_receiver_fn rx = receiver;
            void *opaque = receiver_opaque;
            if (len && !rx)
                rx_unclaimed++;
            irq_restore(ie);
            if (!len)
                break;
            if (rx)
                rx(opaque, rx_frame, len);
        }
        if (n == RX_BURST)
            hthread_yield();            /* more may be waiting: back soon */
        else
            hthread_sleep(1);
    }
}

static bool find_card(pci_dev_t *card_dev)
{
    pci_dev_t devs[PCI_SLOTS];
    unsigned n = pci_scan(devs, PCI_SLOTS);
    for (unsigned i = 0; i < n; i++)
        if (devs[i].vendor_id == NE2K_PCI_VENDOR && devs[i].device_id == NE2K_PCI_DEVICE &&
            devs[i].header_type == 0) {
            *card_dev = devs[i];
            return true;
        }
    return false;
}

bool hwnet_start(void)
{
    if (start_tried)
        return started;
    start_tried = true;
    pci_dev_t dev;
    if (!find_card(&dev)) {
        printf("hv: net: no NE2000 found\n");
        return false;
    }
    uint32_t port = pci_assign_io_bar(dev.slot, 0);
    if (!port) {
        printf("hv: net: ne2k_pci at 00:%02x.0: no I/O ports for its BAR 0\n", dev.slot);
        return false;
    }
    if (!ne2k_init(&card, port)) {
        printf("hv: net: ne2k_pci at 00:%02x.0, io 0x%x: the chip does not answer\n",
               dev.slot, port);
        return false;
    }
    if (!hthread_create("net-rx", rx_thread, NULL)) {
        printf("hv: net: no thread slot for the receive thread\n");
        return false;
    }
    started = true;
    const uint8_t *m = card.mac;
    printf("hv: net: ne2k_pci at 00:%02x.0, io 0x%x, mac %02x:%02x:%02x:%02x:%02x:%02x\n",
           dev.slot, port, m[0], m[1], m[2], m[3], m[4], m[5]);
    return true;
}

bool hwnet_send(const uint8_t *frame, size_t len)
{
    if (!started)
        return false;
    uint32_t ie = irq_save();
    bool sent = ne2k_transmit(&card, frame, len);
    irq_restore(ie);
    return sent;
}

void hwnet_set_receiver(hwnet_receiver_fn rx, void *opaque)
{
    uint32_t ie = irq_save();
    receiver = rx;
    receiver_opaque = opaque;
    irq_restore(ie);
}

bool hwnet_mac(uint8_t mac[NE2K_MAC_LEN])
{
    if (started)
        memcpy(mac, card.mac, NE2K_MAC_LEN);
    return started;
}

bool hwnet_stats(hwnet_stats_t *out)
{
    if (!started)
        return false;
    uint32_t ie = irq_save();
    out->card = card.stats;
    out->rx_unclaimed = rx_unclaimed;
    irq_restore(ie);
    return true;
}

void hwnet_print_stats(void)
{
    hwnet_stats_t s;
    if (!hwnet_stats(&s)) {
        printf("hv: net: no card\n");
        return;
    }
    const ne2k_stats_t *c = &s.card;
    printf("hv: net: counters [rx %u frames %u bytes, tx %u frames %u bytes; rx: %u errors, "
           "%u resyncs, %u too long, %u overflows, %u missed, %u CRC, %u alignment, "
           "%u unclaimed; tx: %u errors, %u dropped]\n",
           c->rx_frames, c->rx_bytes, c->tx_frames, c->tx_bytes, c->rx_errors,
           c->rx_resyncs, c->rx_too_long, c->rx_overflows, c->rx_missed, c->rx_crc_errors,
           c->rx_frame_errors, s.rx_unclaimed, c->tx_errors, c->tx_dropped);
}
