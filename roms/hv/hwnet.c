/* The board's NE2000 as hypercore threads.
 *
 * Design note.
 *
 * The card is polled: its interrupt would reach the CPU through the PIIX4's PIRQ routing
 * and the i8259 pair, which the hypervisor does not drive, and a tick's latency is what
 * a bridge to the guests' virtual cards can live with. The card's registers are one
 * shared state (the page select in CR, the remote DMA), so every touch of it is made with
 * interrupts masked, and only by the two threads here: one CPU, that is the whole locking.
 *
 * Receive: the `net-rx` thread empties the ring in bursts and sleeps a tick when it is
 * empty. A receiver is called with interrupts enabled, outside the masked part, and may
 * transmit.
 *
 * Transmit: hwnet_send only queues. Its callers are anywhere, most often a guest's exit
 * (its card's TXP, through the bridge, vne2k.c), in exception context with interrupts
 * masked, where copying the frame into the card and waiting for the previous one to leave
 * (up to TX_IDLE_TIMEOUT_US, ne2k.c) would be taken from the guest's own slice. So the
 * frame is copied into a ring of TX_QUEUE_FRAMES slots and the `net-tx` thread, woken if
 * it waits, puts it on the wire in the hypercore's slice (issue 8: device back ends run
 * there). It waits for the previous frame by yielding, not spinning masked, then hands the
 * next one to ne2k_transmit. A frame that finds the queue full is dropped and counted, as
 * a real driver drops when its queue is full; frames leave in the order they came. */
#include "hv.h"
#include "hthread.h"
#include "hwnet.h"
#include "pci.h"

/* Frames taken in a row before the other threads get the CPU: enough to empty a ring of
 * small frames (58 pages) in one go, few enough that a flood cannot starve the rest. */
#define RX_BURST        16

/* Frames waiting for the transmit thread: a 64 KiB TCP window in full frames (45) with
 * room over, so a guest that sends a whole window in one of its slices, before the
 * hypercore's next turn, loses nothing; more than that at once is a flood and is dropped.
 * 96 KiB of .bss. */
#define TX_QUEUE_FRAMES 64
/* How long the transmit thread lets the others run while the previous frame is still
 * going out before it hands the next to ne2k_transmit anyway (which then waits its own
 * TX_IDLE_TIMEOUT_US and drops the frame if the transmitter is stuck): two ticks, so at
 * least the 10 ms that ne2k.c allows a frame. */
#define TX_BUSY_TICKS   2

static ne2k_t card;
static bool started, start_tried;
static hwnet_receiver_fn receiver;
static void *receiver_opaque;
static uint32_t rx_unclaimed;
static uint8_t rx_frame[NE2K_FRAME_MAX];    /* only the receive thread uses it */

/* The transmit queue, oldest at tx_head; changed with interrupts masked. */
static hthread_t *tx_worker;
static uint32_t tx_head, tx_count;
static uint32_t tx_queued, tx_queue_full, tx_deepest;
static uint16_t tx_len[TX_QUEUE_FRAMES];
static uint8_t tx_frame[TX_QUEUE_FRAMES][NE2K_FRAME_MAX];

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

static void tx_thread(void *arg)
{
    (void)arg;
    for (;;) {
        uint32_t ie = irq_save();
        while (!tx_count)
            hthread_wait();             /* hwnet_send wakes us, masked as we are */
        irq_restore(ie);
        /* The slot at tx_head stays ours until tx_count says otherwise: hwnet_send only
         * fills slots behind the queue's tail. */
        uint32_t start = timer_ticks();
        while (ne2k_tx_busy(&card) && timer_ticks() - start < TX_BUSY_TICKS)
            hthread_yield();
        ie = irq_save();
        ne2k_transmit(&card, tx_frame[tx_head], tx_len[tx_head]);   /* false: counted there */
        tx_head = (tx_head + 1) % TX_QUEUE_FRAMES;
        tx_count--;
        irq_restore(ie);
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
    tx_worker = hthread_create("net-tx", tx_thread, NULL);
    if (!tx_worker || !hthread_create("net-rx", rx_thread, NULL)) {
        printf("hv: net: no thread slots for the receive and transmit threads\n");
        if (tx_worker)
            hthread_destroy(tx_worker);
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
    if (len > NE2K_FRAME_MAX || tx_count == TX_QUEUE_FRAMES) {
        if (len > NE2K_FRAME_MAX)
            card.stats.tx_dropped++;    /* what ne2k_transmit would say: a bad length */
        else
            tx_queue_full++;
        irq_restore(ie);
        return false;
    }
    uint32_t slot = (tx_head + tx_count) % TX_QUEUE_FRAMES;
    memcpy(tx_frame[slot], frame, len);
    tx_len[slot] = (uint16_t)len;
    tx_count++;
    tx_queued++;
    if (tx_count > tx_deepest)
        tx_deepest = tx_count;
    hthread_wake(tx_worker);
    irq_restore(ie);
    return true;
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
    out->tx_queued = tx_queued;
    out->tx_queue_full = tx_queue_full;
    out->tx_waiting = tx_count;
    out->tx_deepest = tx_deepest;
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
           "%u unclaimed; tx: %u errors, %u dropped; tx queue: %u frames, %u full, %u "
           "waiting, %u deepest]\n",
           c->rx_frames, c->rx_bytes, c->tx_frames, c->tx_bytes, c->rx_errors,
           c->rx_resyncs, c->rx_too_long, c->rx_overflows, c->rx_missed, c->rx_crc_errors,
           c->rx_frame_errors, s.rx_unclaimed, c->tx_errors, c->tx_dropped, s.tx_queued,
           s.tx_queue_full, s.tx_waiting, s.tx_deepest);
}
