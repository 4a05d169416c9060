/* SPDX-License-Identifier: MIT */
/* Unit tests: dom0's bridge: learning, flooding, anti-spoofing, lengths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <public/errno.h>

#include "../../tools/dom0/netdev.h"

#define NPORTS  4

/* A port records the last frame it was given and how many. */
struct fake {
    struct netdev dev;
    unsigned int got;
    uint8_t last[NETDEV_FRAME_MAX];
    size_t last_len;
    bool full;                          /* xmit says no room */
};

static struct fake port[NPORTS];

static int fake_xmit(struct netdev *dev, const void *frame, size_t len)
{
    struct fake *f = (struct fake *)dev;

    if (f->full)
        return -XEN_EAGAIN;
    f->got++;
    memcpy(f->last, frame, len);
    f->last_len = len;
    return 0;
}

static void mac_of(uint8_t *mac, unsigned int n)
{
    const uint8_t m[6] = { 0x00, 0x16, 0x3e, 0x00, (uint8_t)(n >> 8), (uint8_t)n };

    memcpy(mac, m, 6);
}

/* Ports 0..2 are vifs locked to MACs 1..3; port 3 is "eth0", unlocked. */
static int setup(void **state)
{
    memset(port, 0, sizeof(port));
    for (unsigned int i = 0; i < NPORTS; i++) {
        struct netdev *d = &port[i].dev;

        if (i < 3)
            snprintf(d->name, sizeof(d->name), "vif%u.0", i + 1);
        else
            snprintf(d->name, sizeof(d->name), "eth0");
        mac_of(d->mac, i < 3 ? i + 1 : 0x100);
        d->lock_src = i < 3;
        d->xmit = fake_xmit;
        assert_int_equal(bridge_attach(d), 0);
    }
    return 0;
}

static int teardown(void **state)
{
    for (unsigned int i = 0; i < NPORTS; i++)
        bridge_detach(&port[i].dev);
    assert_null(bridge_first());
    return 0;
}

static size_t frame(uint8_t *buf, const uint8_t *dst, const uint8_t *src, size_t len)
{
    memcpy(buf, dst, 6);
    memcpy(buf + 6, src, 6);
    buf[12] = 0x88;
    buf[13] = 0xb5;
    for (size_t i = 14; i < len; i++)
        buf[i] = (uint8_t)(i * 7);
    return len;
}

static void input_from(unsigned int from, const uint8_t *dst, const uint8_t *src,
                       size_t len)
{
    uint8_t buf[NETDEV_FRAME_MAX + 8];

    bridge_input(&port[from].dev, buf, frame(buf, dst, src, len));
}

static void input_between(unsigned int from, unsigned int to, size_t len)
{
    input_from(from, port[to].dev.mac, port[from].dev.mac, len);
}

static unsigned int got(unsigned int i)
{
    return port[i].got;
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void test_attach_rules(void **state)
{
    struct netdev dup = { .name = "vif1.0", .xmit = fake_xmit };
    struct netdev noname = { .xmit = fake_xmit };

    assert_int_equal(bridge_attach(&port[0].dev), -XEN_EINVAL);
    assert_int_equal(bridge_attach(&dup), -XEN_EEXIST);
    assert_int_equal(bridge_attach(&noname), -XEN_EINVAL);
    assert_ptr_equal(bridge_first(), &port[0].dev);
    assert_ptr_equal(bridge_find("eth0"), &port[3].dev);
    assert_null(bridge_find("vif9.0"));
}

static void test_unknown_floods_then_unicast(void **state)
{
    uint8_t expect[100];

    /* Port 1's MAC is not learnt yet: everyone else gets it. */
    input_between(0, 1, 100);
    assert_int_equal(got(0), 0);
    assert_int_equal(got(1), 1);
    assert_int_equal(got(2), 1);
    assert_int_equal(got(3), 1);
    frame(expect, port[1].dev.mac, port[0].dev.mac, 100);
    assert_int_equal(port[1].last_len, 100);
    assert_memory_equal(port[1].last, expect, 100);
    /* 1 answers: 0 was learnt, so only 0 gets it. */
    input_between(1, 0, 60);
    assert_int_equal(got(0), 1);
    assert_int_equal(got(2), 1);
    assert_int_equal(got(3), 1);
    /* And now 1 is learnt too. */
    input_between(0, 1, 64);
    assert_int_equal(got(1), 2);
    assert_int_equal(got(2), 1);
    assert_int_equal(port[0].dev.stats.rx_frames, 2);
    assert_int_equal(port[0].dev.stats.rx_bytes, 164);
    assert_int_equal(port[1].dev.stats.tx_frames, 2);
    assert_int_equal(port[1].dev.stats.tx_bytes, 164);
}

static void test_broadcast_and_multicast_flood(void **state)
{
    uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

    input_between(1, 0, 60);            /* learn 1 */
    input_between(0, 1, 60);            /* learn 0 */
    input_from(2, bcast, port[2].dev.mac, 60);
    assert_int_equal(got(2), 1);        /* never back where it came from */
    assert_int_equal(got(0), 2);
    assert_int_equal(got(1), 2);
    assert_int_equal(got(3), 2);
    input_from(0, mcast, port[0].dev.mac, 60);
    assert_int_equal(got(0), 2);
    assert_int_equal(got(1), 3);
    assert_int_equal(got(2), 2);
    assert_int_equal(got(3), 3);
}

static void test_spoofed_source_dropped(void **state)
{
    /* 2 learns; 0 then claims 2's MAC, to 1's address, and broadcast. */
    input_between(2, 1, 60);
    assert_int_equal(got(1), 1);
    input_from(0, port[1].dev.mac, port[2].dev.mac, 60);
    input_from(0, bcast, port[2].dev.mac, 60);
    assert_int_equal(port[0].dev.stats.spoofed, 2);
    assert_int_equal(port[0].dev.stats.rx_frames, 0);
    assert_int_equal(got(1), 1);
    assert_int_equal(got(2), 0);
    assert_int_equal(got(3), 1);
    /* The table still sends 2's traffic to 2. */
    input_between(1, 2, 60);
    assert_int_equal(got(2), 1);
    assert_int_equal(got(0), 1);        /* only the first flood */
}

static void test_nic_cannot_claim_a_vif_mac(void **state)
{
    input_between(0, 1, 60);            /* vif1's MAC learnt on port 0 */
    input_from(3, port[1].dev.mac, port[0].dev.mac, 60);
    assert_int_equal(port[3].dev.stats.spoofed, 1);
    input_between(1, 0, 60);
    assert_int_equal(got(0), 1);        /* still to 0, not to eth0 */
    assert_int_equal(got(3), 1);        /* only the first flood */
}

static void test_bad_lengths_and_sources(void **state)
{
    const struct bridge_stats *bs = bridge_stats();
    uint64_t len0 = bs->bad_length, src0 = bs->bad_source;
    uint8_t buf[NETDEV_FRAME_MAX + 1];
    uint8_t mcast_src[6] = { 0x01, 0x16, 0x3e, 0, 0, 9 };
    uint8_t zero[6] = { 0 };

    frame(buf, bcast, port[3].dev.mac, sizeof(buf));
    bridge_input(&port[3].dev, buf, 13);
    bridge_input(&port[3].dev, buf, 0);
    bridge_input(&port[3].dev, buf, NETDEV_FRAME_MAX + 1);
    assert_int_equal(bs->bad_length, len0 + 3);
    bridge_input(&port[3].dev, buf, 14);        /* the shortest is fine */
    bridge_input(&port[3].dev, buf, NETDEV_FRAME_MAX);
    assert_int_equal(got(0), 2);
    assert_int_equal(port[0].last_len, NETDEV_FRAME_MAX);
    input_from(3, bcast, mcast_src, 60);
    input_from(3, bcast, zero, 60);
    assert_int_equal(bs->bad_source, src0 + 2);
    assert_int_equal(got(0), 2);
    bridge_input(NULL, buf, 60);
    bridge_input(&port[3].dev, NULL, 60);
}

static void test_detached_port_forgotten(void **state)
{
    input_between(1, 0, 60);
    input_between(0, 1, 60);            /* unicast to 1 */
    assert_int_equal(got(1), 1);
    assert_int_equal(got(2), 1);
    bridge_detach(&port[1].dev);
    bridge_detach(&port[1].dev);        /* twice: nothing */
    input_between(0, 1, 60);            /* unknown again: flooded */
    assert_int_equal(got(1), 1);
    assert_int_equal(got(2), 2);
    assert_int_equal(got(3), 2);
    bridge_input(&port[1].dev, port[0].last, 60);  /* detached: ignored */
    assert_int_equal(got(0), 1);
    assert_int_equal(bridge_attach(&port[1].dev), 0);
    assert_null(port[1].dev.next);
    input_between(0, 1, 60);            /* flooded until 1 speaks */
    assert_int_equal(got(1), 2);
}

static void test_no_room_counted(void **state)
{
    port[1].full = true;
    input_from(0, bcast, port[0].dev.mac, 60);
    assert_int_equal(port[1].dev.stats.tx_dropped, 1);
    assert_int_equal(port[1].dev.stats.tx_frames, 0);
    assert_int_equal(got(2), 1);
}

static void test_unicast_to_own_segment_filtered(void **state)
{
    uint8_t other[6] = { 0x02, 0, 0, 0, 0, 7 };
    uint64_t f0 = bridge_stats()->filtered;

    /* Two hosts outside (behind eth0) talk; the bridge keeps out. */
    input_from(3, port[3].dev.mac, other, 60);
    assert_int_equal(got(0), 1);
    input_from(3, other, port[3].dev.mac, 60);
    assert_int_equal(bridge_stats()->filtered, f0 + 1);
    assert_int_equal(got(0), 1);
}

/* A source flood fills the table; the oldest entries are replaced, and
 * what is in use keeps being found. */
static void test_table_bounded(void **state)
{
    uint64_t r0 = bridge_stats()->fdb_replaced;
    uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0 };

    input_between(0, 1, 60);            /* learn port 0 */
    for (unsigned int i = 0; i < 3 * BRIDGE_FDB_SIZE; i++) {
        src[4] = (uint8_t)(i >> 8);
        src[5] = (uint8_t)i;
        input_from(3, bcast, src, 60);
        if (i % 16 == 0)
            input_between(0, 1, 60);    /* port 0 stays recent */
    }
    assert_true(bridge_stats()->fdb_replaced - r0 >= 2 * BRIDGE_FDB_SIZE - 1);
    unsigned int before = got(3);
    input_between(1, 0, 60);
    assert_int_equal(got(3), before);   /* 0 still known: not flooded */
    /* An early outside source was pushed out: flooded to everyone. */
    src[4] = 0;
    src[5] = 0;
    before = got(2);
    input_from(1, src, port[1].dev.mac, 60);
    assert_int_equal(got(2), before + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
        T(test_attach_rules),
        T(test_unknown_floods_then_unicast),
        T(test_broadcast_and_multicast_flood),
        T(test_spoofed_source_dropped),
        T(test_nic_cannot_claim_a_vif_mac),
        T(test_bad_lengths_and_sources),
        T(test_detached_port_forgotten),
        T(test_no_room_counted),
        T(test_unicast_to_own_segment_filtered),
        T(test_table_bounded),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
