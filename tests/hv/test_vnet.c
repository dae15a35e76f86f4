/* The guests' network (roms/hv/vnet.c) on the host, with the real parts around it: the
 * bridge (bridge.c) and two of the emulator's NE2000 models (src/devices/ne2000.c) driven
 * through their registers as a guest driver would. Frames between the cards, to and from
 * the uplink, and the port queue: frames held while a card cannot take them, drained in
 * order when it can, dropped when the queue is full or the guest is reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/ne2000.h"
#include "vnet.h"

enum { CR = 0x00, PSTART = 0x01, PSTOP = 0x02, BNRY = 0x03, TPSR = 0x04, TBCR0 = 0x05,
       TBCR1 = 0x06, ISR = 0x07, RSAR0 = 0x08, RSAR1 = 0x09, RBCR0 = 0x0A, RBCR1 = 0x0B,
       RCR = 0x0C, TCR = 0x0D, DCR = 0x0E, IMR = 0x0F, PAR0 = 0x01, CURR = 0x07,
       DATA = 0x10 };
enum { CR_STP = 0x01, CR_STA = 0x02, CR_TXP = 0x04, CR_RD_READ = 0x08, CR_RD_WRITE = 0x10,
       CR_RD_ABORT = 0x20, CR_PAGE1 = 0x40 };
enum { ISR_PRX = 0x01, ISR_RDC = 0x40 };
enum { TX_PAGE = 0x40, RX_START = 0x46, RX_STOP = 0x80, FRAME_LEN = 60, SEQ_AT = 20 };

typedef struct card {
    ne2000_t nic;
    net_link_t link;
    vnet_port_t *port;
    bool irq;
} card_t;

static vnet_t net;
static card_t a, b;
static uint32_t clock_now;
static const uint8_t mac_a[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x60 };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x61 };
static const uint8_t mac_host[6] = { 0x52, 0x55, 0x0A, 0x00, 0x02, 0x02 };
static const uint8_t mac_bcast[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

/* What the uplink sent. */
static unsigned uplink_frames;
static uint8_t uplink_last[NET_FRAME_MAX];

static uint32_t now(void)
{
    return clock_now;
}

static void line(void *opaque, int n, bool level)
{
    (void)n;
    ((card_t *)opaque)->irq = level;
}

static void uplink(void *opaque, const uint8_t *frame, size_t len)
{
    assert_ptr_equal(opaque, &net);
    assert_true(len <= sizeof(uplink_last));
    memcpy(uplink_last, frame, len);
    uplink_frames++;
}

static void wr(card_t *c, uint32_t reg, uint8_t v)
{
    ne2000_ops.write(&c->nic, reg, v, 1);
}

static uint8_t rd(card_t *c, uint32_t reg)
{
    return (uint8_t)ne2000_ops.read(&c->nic, reg, 1);
}

/* A driver's start: ring RX_START..RX_STOP, broadcasts accepted, PRX unmasked. */
static void card_start(card_t *c, const uint8_t mac[6])
{
    wr(c, CR, CR_STP | CR_RD_ABORT);
    wr(c, DCR, 0x49);
    wr(c, RCR, 0x04);
    wr(c, TCR, 0);
    wr(c, TPSR, TX_PAGE);
    wr(c, PSTART, RX_START);
    wr(c, PSTOP, RX_STOP);
    wr(c, BNRY, RX_STOP - 1);
    wr(c, CR, CR_PAGE1 | CR_STP | CR_RD_ABORT);
    for (int i = 0; i < 6; i++)
        wr(c, PAR0 + (uint32_t)i, mac[i]);
    wr(c, CURR, RX_START);
    wr(c, CR, CR_STP | CR_RD_ABORT);
    wr(c, ISR, 0xFF);
    wr(c, IMR, ISR_PRX);
    wr(c, CR, CR_STA | CR_RD_ABORT);
}

static void make_frame(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint8_t seq)
{
    memset(f, 0, FRAME_LEN);
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = 0x08;
    f[SEQ_AT] = seq;
}

/* The guest's transmit: the frame into card memory by remote DMA, then TXP. */
static void card_send(card_t *c, const uint8_t *dst, uint8_t seq)
{
    uint8_t f[FRAME_LEN];
    make_frame(f, dst, c->nic.mac, seq);
    wr(c, RBCR0, FRAME_LEN);
    wr(c, RBCR1, 0);
    wr(c, RSAR0, 0);
    wr(c, RSAR1, TX_PAGE);
    wr(c, CR, CR_STA | CR_RD_WRITE);
    for (int i = 0; i < FRAME_LEN; i += 2)
        ne2000_ops.write(&c->nic, DATA, (uint32_t)(f[i] | f[i + 1] << 8), 2);
    wr(c, ISR, ISR_RDC);
    wr(c, TBCR0, FRAME_LEN);
    wr(c, TBCR1, 0);
    wr(c, CR, CR_STA | CR_TXP | CR_RD_ABORT);
}

/* Frames in the card's ring, and the sequence number of the n-th (each takes a page). */
static unsigned ring_frames(const card_t *c)
{
    return (unsigned)(c->nic.curr - RX_START);
}

static uint8_t ring_seq(const card_t *c, unsigned n)
{
    return c->nic.mem[(RX_START + n) << 8 | (4 + SEQ_AT)];
}

static int setup(void **state)
{
    (void)state;
    clock_now = 0;
    uplink_frames = 0;
    vnet_init(&net, 1000, now);
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    ne2000_init(&a.nic, mac_a, &a.link, (irq_line_t){ .set = line, .opaque = &a });
    ne2000_init(&b.nic, mac_b, &b.link, (irq_line_t){ .set = line, .opaque = &b });
    a.port = vnet_attach(&net, "g0", &a.link);
    b.port = vnet_attach(&net, "g1", &b.link);
    assert_non_null(a.port);
    assert_non_null(b.port);
    vnet_set_uplink(&net, uplink, &net);
    card_start(&a, mac_a);
    card_start(&b, mac_b);
    return 0;
}

static void test_broadcast_reaches_the_others(void **state)
{
    (void)state;
    card_send(&a, mac_bcast, 7);
    assert_int_equal(ring_frames(&b), 1);
    assert_int_equal(ring_seq(&b, 0), 7);
    assert_true(b.irq);
    assert_int_equal(ring_frames(&a), 0);       /* never back to the sender */
    assert_int_equal(uplink_frames, 1);
}

/* Once both are learned, unicast goes only where the destination is. */
static void test_unicast_after_learning(void **state)
{
    (void)state;
    card_send(&b, mac_bcast, 1);                /* b learned on its port */
    uint8_t f[FRAME_LEN];
    make_frame(f, mac_a, mac_host, 2);
    vnet_uplink_input(&net, f, sizeof(f));      /* the host learned on the uplink */
    assert_int_equal(ring_frames(&a), 2);
    assert_int_equal(ring_frames(&b), 0);       /* flooded (a unknown yet): b's address
                                                 * filter dropped it */
    uplink_frames = 0;
    card_send(&a, mac_host, 3);
    assert_int_equal(uplink_frames, 1);
    assert_int_equal(uplink_last[SEQ_AT], 3);
    card_send(&a, mac_b, 4);
    assert_int_equal(uplink_frames, 1);         /* b is known: only to its port */
    assert_int_equal(ring_frames(&b), 1);
    assert_int_equal(ring_seq(&b, 0), 4);
}

static void test_stopped_card_queues_in_order(void **state)
{
    (void)state;
    wr(&b, CR, CR_STP | CR_RD_ABORT);
    for (uint8_t i = 0; i < 3; i++)
        card_send(&a, mac_bcast, i);
    assert_int_equal(ring_frames(&b), 0);
    assert_int_equal(b.port->count, 3);
    wr(&b, CR, CR_STA | CR_RD_ABORT);           /* receive_ready: the queue drains */
    assert_int_equal(b.port->count, 0);
    assert_int_equal(ring_frames(&b), 3);
    for (uint8_t i = 0; i < 3; i++)
        assert_int_equal(ring_seq(&b, i), i);
}

static void test_full_queue_drops_the_newest(void **state)
{
    (void)state;
    wr(&b, CR, CR_STP | CR_RD_ABORT);
    for (uint8_t i = 0; i < VNET_QUEUE_FRAMES + 8; i++)
        card_send(&a, mac_bcast, i);
    assert_int_equal(b.port->count, VNET_QUEUE_FRAMES);
    assert_int_equal(b.port->dropped, 8);
    wr(&b, CR, CR_STA | CR_RD_ABORT);
    assert_int_equal(ring_frames(&b), VNET_QUEUE_FRAMES);
    for (uint8_t i = 0; i < VNET_QUEUE_FRAMES; i++)
        assert_int_equal(ring_seq(&b, i), i);
}

/* The driver read CURR with PRX pending: the card holds frames until it acknowledges PRX,
 * and the port queue holds them meanwhile. */
static void test_closed_batch_waits_for_the_acknowledgement(void **state)
{
    (void)state;
    card_send(&a, mac_bcast, 0);
    wr(&b, CR, CR_PAGE1 | CR_STA);
    assert_int_equal(rd(&b, CURR), RX_START + 1);
    wr(&b, CR, CR_STA | CR_RD_ABORT);
    card_send(&a, mac_bcast, 1);
    assert_int_equal(ring_frames(&b), 1);
    assert_int_equal(b.port->count, 1);
    wr(&b, ISR, ISR_PRX);
    assert_int_equal(ring_frames(&b), 2);
    assert_int_equal(ring_seq(&b, 1), 1);
}

static void test_reset_drops_the_queue(void **state)
{
    (void)state;
    wr(&b, CR, CR_STP | CR_RD_ABORT);
    card_send(&a, mac_bcast, 0);
    assert_int_equal(b.port->count, 1);
    vnet_port_reset(b.port, true);
    assert_int_equal(b.port->count, 0);
    wr(&b, CR, CR_STA | CR_RD_ABORT);
    assert_int_equal(ring_frames(&b), 0);
}

static void test_disabled_port_and_uplink(void **state)
{
    (void)state;
    vnet_port_reset(b.port, false);
    vnet_set_uplink(&net, NULL, NULL);
    card_send(&a, mac_bcast, 0);
    assert_int_equal(ring_frames(&b), 0);
    assert_int_equal(b.port->count, 0);
    assert_int_equal(uplink_frames, 0);
    uint8_t f[FRAME_LEN];
    make_frame(f, mac_bcast, mac_host, 1);
    vnet_uplink_input(&net, f, sizeof(f));      /* the uplink's port is off: nowhere */
    assert_int_equal(ring_frames(&a), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_broadcast_reaches_the_others, setup),
        cmocka_unit_test_setup(test_unicast_after_learning, setup),
        cmocka_unit_test_setup(test_stopped_card_queues_in_order, setup),
        cmocka_unit_test_setup(test_full_queue_drops_the_newest, setup),
        cmocka_unit_test_setup(test_closed_batch_waits_for_the_acknowledgement, setup),
        cmocka_unit_test_setup(test_reset_drops_the_queue, setup),
        cmocka_unit_test_setup(test_disabled_port_and_uplink, setup),
    };
    return cmocka_run_group_tests_name("vnet", tests, NULL, NULL);
}
