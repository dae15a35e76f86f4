/* The hypervisor's learning Ethernet bridge (roms/hv/bridge.c), on the host.
 *
 * Every port is a sink that counts what it was given and keeps the last frame's address,
 * so each test states exactly which ports a frame reached. Stations are MACs numbered by
 * their last byte; port 0 plays the uplink, with several stations of the LAN behind it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "bridge.h"

#define AGE 100u                    /* the tests' ageing time, in ticks */
#define NPORTS 4

typedef struct sink {
    int frames;
    const uint8_t *last;
    size_t last_len;
} sink_t;

static bridge_t bridge;
static sink_t sinks[BRIDGE_MAX_PORTS];

static void sink_deliver(void *opaque, const uint8_t *frame, size_t len)
{
    sink_t *s = opaque;
    s->frames++;
    s->last = frame;
    s->last_len = len;
}

static int setup(void **state)
{
    (void)state;
    static const char *const names[NPORTS] = { "uplink", "g0", "g1", "g2" };
    memset(sinks, 0, sizeof(sinks));
    bridge_init(&bridge, AGE);
    for (int i = 0; i < NPORTS; i++)
        assert_int_equal(bridge_add_port(&bridge, names[i], sink_deliver, &sinks[i]), i);
    return 0;
}

static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* A locally administered unicast MAC for station `n`. */
static void station(uint8_t mac[6], int n)
{
    const uint8_t base[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, (uint8_t)n };
    memcpy(mac, base, 6);
}

static uint8_t frame[BRIDGE_MAX_FRAME + 1];

/* Builds a frame in `frame` (the header is written whatever the length). */
static void build(const uint8_t dst[6], const uint8_t src[6], size_t len)
{
    memset(frame, 0xA5, sizeof(frame));
    memcpy(frame, dst, 6);
    memcpy(frame + 6, src, 6);
    if (len >= 14) {
        frame[12] = 0x08;           /* IPv4, for realism only */
        frame[13] = 0x00;
    }
}

/* A frame from station `from` to station `to` (-1: broadcast). */
static void build_between(int from, int to, size_t len)
{
    uint8_t src[6], dst[6];
    station(src, from);
    if (to < 0)
        memcpy(dst, broadcast, 6);
    else
        station(dst, to);
    build(dst, src, len);
}

/* Station `from` sends 64 bytes to station `to` (-1: broadcast) on `port` at tick `now`. */
static void send(int port, int from, int to, uint32_t now)
{
    build_between(from, to, 64);
    bridge_input(&bridge, port, frame, 64, now);
}

/* Which ports received frames since the last call, as a bit mask; clears the counts. */
static unsigned reached(void)
{
    unsigned mask = 0;
    for (int i = 0; i < BRIDGE_MAX_PORTS; i++) {
        if (sinks[i].frames)
            mask |= 1u << i;
        sinks[i].frames = 0;
    }
    return mask;
}

static int where(int n, uint32_t now)
{
    uint8_t mac[6];
    station(mac, n);
    return bridge_lookup(&bridge, mac, now);
}

/* A port's four counters at once. */
static void expect_counts(int port, uint32_t rx, uint32_t tx, uint32_t dropped,
                          uint32_t flooded)
{
    const bridge_port_t *p = &bridge.ports[port];
    if (p->rx != rx || p->tx != tx || p->dropped != dropped || p->flooded != flooded)
        fail_msg("port %d: rx %u tx %u dropped %u flooded %u, expected %u %u %u %u", port,
                 p->rx, p->tx, p->dropped, p->flooded, rx, tx, dropped, flooded);
}

static void test_add_ports(void **state)
{
    (void)state;
    for (int i = NPORTS; i < BRIDGE_MAX_PORTS; i++)
        assert_int_equal(bridge_add_port(&bridge, NULL, sink_deliver, &sinks[i]), i);
    assert_int_equal(bridge_add_port(&bridge, "one too many", sink_deliver, NULL), -1);
    assert_int_equal(bridge.nports, BRIDGE_MAX_PORTS);
    assert_string_equal(bridge.ports[1].name, "g0");
    assert_string_equal(bridge.ports[NPORTS].name, "");
    assert_true(bridge.ports[3].enabled);

    bridge_init(&bridge, AGE);
    assert_int_equal(bridge_add_port(&bridge, "no callback", NULL, NULL), -1);
    assert_int_equal(bridge.nports, 0);
}

static void test_unknown_unicast_floods(void **state)
{
    (void)state;
    send(1, 10, 20, 0);
    assert_int_equal(reached(), 0xD);           /* every port but g0, which sent it */
    expect_counts(1, 1, 0, 0, 1);
    expect_counts(0, 0, 1, 0, 0);
    expect_counts(2, 0, 1, 0, 0);
    expect_counts(3, 0, 1, 0, 0);
    /* The frame itself is handed over, not a copy. */
    assert_ptr_equal(sinks[0].last, frame);
    assert_int_equal(sinks[0].last_len, 64);
}

static void test_learning(void **state)
{
    (void)state;
    send(1, 10, 20, 0);                         /* 10 learned on g0; 20 unknown: flood */
    assert_int_equal(reached(), 0xD);
    assert_int_equal(where(10, 0), 1);
    assert_int_equal(where(20, 0), -1);

    send(2, 20, 10, 1);                         /* the reply goes to g0 only */
    assert_int_equal(reached(), 0x2);
    assert_int_equal(where(20, 1), 2);
    send(1, 10, 20, 2);                         /* and now both ways */
    assert_int_equal(reached(), 0x4);
    expect_counts(1, 2, 1, 0, 1);
    expect_counts(2, 1, 2, 0, 0);               /* tx: the first flood, then the unicast */
}

static void test_group_destinations_flood(void **state)
{
    (void)state;
    send(1, 10, 20, 0);
    send(2, 20, 10, 0);
    (void)reached();
    send(2, 20, -1, 1);                         /* broadcast: everyone else */
    assert_int_equal(reached(), 0xB);
    /* IPv4 multicast 01:00:5e:..., even though its address bytes resemble a station's. */
    uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, src[6];
    station(src, 20);
    build(mcast, src, 60);
    bridge_input(&bridge, 2, frame, 60, 2);
    assert_int_equal(reached(), 0xB);
    expect_counts(2, 3, 1, 0, 2);
}

static void test_same_port_destination_dropped(void **state)
{
    (void)state;
    /* Two stations of the LAN behind the uplink: they already hear each other there. */
    send(0, 30, -1, 0);
    (void)reached();
    send(0, 31, -1, 0);
    (void)reached();
    send(0, 31, 30, 1);
    assert_int_equal(reached(), 0);
    expect_counts(0, 3, 0, 1, 2);
}

static void test_lengths(void **state)
{
    (void)state;
    static const struct { size_t len; bool forwarded; } rows[] = {
        { 0, false }, { 13, false }, { 14, true }, { 60, true }, { 1514, true },
        { 1515, false },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        build_between(1, 2, rows[i].len);
        bridge_input(&bridge, 1, frame, rows[i].len, 0);
        assert_int_equal(reached(), rows[i].forwarded ? 0xD : 0);
        if (rows[i].forwarded)
            assert_int_equal(sinks[0].last_len, rows[i].len);
    }
    expect_counts(1, 6, 0, 3, 3);
}

static void test_short_frame_not_learned(void **state)
{
    (void)state;
    build_between(1, 2, 13);
    bridge_input(&bridge, 1, frame, 13, 0);
    assert_int_equal(where(1, 0), -1);
}

static void test_group_source_dropped(void **state)
{
    (void)state;
    uint8_t dst[6], src[6] = { 0x03, 0x00, 0x5e, 0x10, 0x00, 0x07 };
    station(dst, 20);
    build(dst, src, 64);
    bridge_input(&bridge, 1, frame, 64, 0);
    assert_int_equal(reached(), 0);
    assert_int_equal(bridge_lookup(&bridge, src, 0), -1);
    build(dst, broadcast, 64);
    bridge_input(&bridge, 1, frame, 64, 0);
    assert_int_equal(reached(), 0);
    assert_int_equal(bridge_lookup(&bridge, broadcast, 0), -1);
    expect_counts(1, 2, 0, 2, 0);
}

static void test_ageing(void **state)
{
    (void)state;
    send(1, 10, -1, 1000);
    (void)reached();
    assert_int_equal(where(10, 1000 + AGE - 1), 1);
    assert_int_equal(where(10, 1000 + AGE), -1);
    /* Just before the end of its time the frame goes to g0 alone... */
    send(2, 20, 10, 1000 + AGE - 1);
    assert_int_equal(reached(), 0x2);
    /* ...at the end it is forgotten, and flooded. */
    send(2, 20, 10, 1000 + AGE);
    assert_int_equal(reached(), 0xB);

    /* A frame from the station refreshes it. */
    send(1, 10, -1, 2000);
    send(1, 10, -1, 2000 + AGE - 1);
    (void)reached();
    assert_int_equal(where(10, 2000 + AGE + 10), 1);
    /* Lookups do not refresh it. */
    assert_int_equal(where(10, 2000 + 2 * AGE - 1), -1);
}

static void test_ageing_across_tick_wrap(void **state)
{
    (void)state;
    send(1, 10, -1, 0xFFFFFFF0u);
    (void)reached();
    assert_int_equal(where(10, 0x10), 1);                  /* 32 ticks later */
    assert_int_equal(where(10, 0xFFFFFFF0u + AGE), -1);   /* wraps to 0x53 */
}

static void test_ageing_zero_never_learns(void **state)
{
    (void)state;
    bridge.age_ticks = 0;
    send(1, 10, -1, 5);
    (void)reached();
    send(2, 20, 10, 5);                         /* flooded: 10 was never kept */
    assert_int_equal(reached(), 0xB);
    assert_int_equal(where(10, 5), -1);
}

static void test_move(void **state)
{
    (void)state;
    send(1, 10, -1, 0);                         /* a guest's MAC, first on g0 */
    (void)reached();
    send(0, 30, 10, 1);
    assert_int_equal(reached(), 0x2);
    send(3, 10, -1, 2);                         /* the guest moved to g2 */
    (void)reached();
    assert_int_equal(where(10, 2), 3);
    send(0, 30, 10, 3);
    assert_int_equal(reached(), 0x8);
    /* A move is an update, not a second entry. */
    int entries = 0;
    uint8_t mac[6];
    station(mac, 10);
    for (int i = 0; i < BRIDGE_TABLE_SIZE; i++)
        entries += bridge.fdb[i].used && memcmp(bridge.fdb[i].mac, mac, 6) == 0;
    assert_int_equal(entries, 1);
}

static void test_table_full_replaces_oldest(void **state)
{
    (void)state;
    /* Stations 100.. fill the table, station 100+i seen at tick 10+i, on the uplink. */
    for (int i = 0; i < BRIDGE_TABLE_SIZE; i++)
        send(0, 100 + i, -1, 10 + (uint32_t)i);
    /* Station 100 speaks again: now 101 is the one seen longest ago. */
    send(0, 100, -1, 50);
    (void)reached();
    for (int i = 0; i < BRIDGE_TABLE_SIZE; i++)
        assert_int_equal(where(100 + i, 50), 0);

    send(1, 7, -1, 51);                         /* one more station: 101 goes */
    (void)reached();
    assert_int_equal(where(7, 51), 1);
    assert_int_equal(where(101, 51), -1);
    assert_int_equal(where(100, 51), 0);
    assert_int_equal(where(102, 51), 0);
    send(2, 8, -1, 52);                         /* and then 102 */
    (void)reached();
    assert_int_equal(where(8, 52), 2);
    assert_int_equal(where(102, 52), -1);
    assert_int_equal(where(103, 52), 0);

    /* A forgotten station's frames are flooded again: never lost, only less targeted. */
    send(2, 8, 101, 53);
    assert_int_equal(reached(), 0xB);
}

static void test_aged_out_entries_freed(void **state)
{
    (void)state;
    for (int i = 0; i < BRIDGE_TABLE_SIZE; i++)
        send(0, 100 + i, -1, (uint32_t)i);
    /* At tick 120 stations 100..120 (seen at 0..20) have aged out: learning a new one
     * frees their entries, 121..131 stay. */
    send(1, 7, -1, 120);
    (void)reached();
    int used = 0;
    for (int i = 0; i < BRIDGE_TABLE_SIZE; i++)
        used += bridge.fdb[i].used;
    assert_int_equal(used, 1 + BRIDGE_TABLE_SIZE - 21);
    assert_int_equal(where(7, 120), 1);
    assert_int_equal(where(120, 120), -1);
    assert_int_equal(where(121, 120), 0);
    assert_int_equal(where(131, 120), 0);
}

static void test_disabled_port(void **state)
{
    (void)state;
    send(3, 40, -1, 0);                         /* g2's guest is known */
    (void)reached();
    bridge_port_enable(&bridge, 3, false);      /* and then stopped */
    assert_false(bridge.ports[3].enabled);
    assert_int_equal(where(40, 1), -1);         /* its MACs are forgotten */

    send(1, 10, -1, 1);                         /* floods skip it */
    assert_int_equal(reached(), 0x5);
    send(1, 10, 40, 2);                         /* unicast to its old MAC: flooded, not to it */
    assert_int_equal(reached(), 0x5);
    assert_int_equal(bridge.ports[3].tx, 0);

    send(3, 40, 10, 3);                         /* a stopped guest sends nothing */
    assert_int_equal(reached(), 0);
    assert_int_equal(where(40, 3), -1);
    assert_int_equal(bridge.ports[3].dropped, 1);

    bridge_port_enable(&bridge, 3, true);       /* restarted */
    send(1, 10, -1, 4);
    assert_int_equal(reached(), 0xD);
    send(3, 40, 10, 5);
    assert_int_equal(reached(), 0x2);
}

static void test_bad_port_numbers_ignored(void **state)
{
    (void)state;
    build_between(1, 2, 64);
    bridge_input(&bridge, -1, frame, 64, 0);
    bridge_input(&bridge, NPORTS, frame, 64, 0);
    bridge_input(&bridge, BRIDGE_MAX_PORTS, frame, 64, 0);
    assert_int_equal(reached(), 0);
    assert_int_equal(where(1, 0), -1);
    bridge_port_enable(&bridge, NPORTS, false);
    bridge_port_enable(&bridge, -1, false);
    for (int i = 0; i < NPORTS; i++) {
        assert_true(bridge.ports[i].enabled);
        assert_int_equal(bridge.ports[i].rx, 0);
    }
}

/* A port that answers every frame at once from inside its deliver callback, as a guest's
 * NIC model might: the reply must find the sender, learned before the frame went out. */
static int echo_port;
static uint8_t echo_frame[64];
static int echo_replies;

static void echo_deliver(void *opaque, const uint8_t *f, size_t len)
{
    (void)opaque;
    if (len < 12 || echo_replies++)
        return;
    memcpy(echo_frame, f + 6, 6);               /* back to its source */
    station(echo_frame + 6, 99);
    bridge_input(&bridge, echo_port, echo_frame, sizeof(echo_frame), 0);
}

static void test_reply_from_callback(void **state)
{
    (void)state;
    echo_replies = 0;
    echo_port = bridge_add_port(&bridge, "echo", echo_deliver, NULL);
    assert_int_equal(echo_port, NPORTS);
    send(1, 10, -1, 0);
    assert_int_equal(echo_replies, 1);
    /* The broadcast reached every other port; the reply only g0. */
    assert_int_equal(sinks[0].frames, 1);
    assert_int_equal(sinks[1].frames, 1);
    assert_ptr_equal(sinks[1].last, echo_frame);
    assert_int_equal(sinks[2].frames, 1);
    expect_counts(echo_port, 1, 1, 0, 0);
}

static void test_counters(void **state)
{
    (void)state;
    send(1, 10, -1, 0);         /* g0: rx, flooded; 3 tx */
    send(2, 20, 10, 0);         /* g1: rx, to g0 */
    send(1, 10, 20, 0);         /* g0: rx, to g1 */
    send(0, 30, 20, 0);         /* uplink: rx, to g1 */
    send(0, 31, 30, 0);         /* uplink: rx, dropped (same port) */
    build(broadcast, broadcast, 64);
    bridge_input(&bridge, 3, frame, 64, 0);     /* g2: rx, dropped (group source) */
    expect_counts(0, 2, 1, 1, 0);               /* uplink */
    expect_counts(1, 2, 1, 0, 1);               /* g0 */
    expect_counts(2, 1, 3, 0, 0);               /* g1 */
    expect_counts(3, 1, 1, 1, 0);               /* g2 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_add_ports, setup),
        cmocka_unit_test_setup(test_unknown_unicast_floods, setup),
        cmocka_unit_test_setup(test_learning, setup),
        cmocka_unit_test_setup(test_group_destinations_flood, setup),
        cmocka_unit_test_setup(test_same_port_destination_dropped, setup),
        cmocka_unit_test_setup(test_lengths, setup),
        cmocka_unit_test_setup(test_short_frame_not_learned, setup),
        cmocka_unit_test_setup(test_group_source_dropped, setup),
        cmocka_unit_test_setup(test_ageing, setup),
        cmocka_unit_test_setup(test_ageing_across_tick_wrap, setup),
        cmocka_unit_test_setup(test_ageing_zero_never_learns, setup),
        cmocka_unit_test_setup(test_move, setup),
        cmocka_unit_test_setup(test_table_full_replaces_oldest, setup),
        cmocka_unit_test_setup(test_aged_out_entries_freed, setup),
        cmocka_unit_test_setup(test_disabled_port, setup),
        cmocka_unit_test_setup(test_bad_port_numbers_ignored, setup),
        cmocka_unit_test_setup(test_reply_from_callback, setup),
        cmocka_unit_test_setup(test_counters, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
