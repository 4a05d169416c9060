/* SPDX-License-Identifier: MIT */
/* Unit tests: netback's tx and rx rings against well-behaved and hostile
 * frontends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/backends/netif_ring.h"

#define MAX_LEN 1514

static struct netif_tx_sring tx;
static struct netif_rx_sring rx;
static struct netif_ring r;
static struct netif_tx_frame f;

static int setup(void **state)
{
    memset(&tx, 0, sizeof(tx));
    memset(&rx, 0, sizeof(rx));
    tx.hdr.req_event = tx.hdr.rsp_event = 1;
    rx.hdr.req_event = rx.hdr.rsp_event = 1;
    netif_ring_init(&r, &tx, &rx);
    return 0;
}

/* What a frontend does: a request at its private producer. */
static RING_IDX prod_pvt;

static void put(grant_ref_t gref, uint16_t off, uint16_t flags, uint16_t id, uint16_t size)
{
    tx.ring[prod_pvt++ % NET_TX_RING_SIZE].req =
        (struct netif_tx_request){ gref, off, flags, id, size };
}

static void put_extra(uint8_t flags)
{
    struct netif_extra_info e = { .type = XEN_NETIF_EXTRA_TYPE_MCAST_ADD, .flags = flags };

    memcpy(&tx.ring[prod_pvt++ % NET_TX_RING_SIZE], &e, sizeof(e));
}

static void publish(void)
{
    tx.hdr.req_prod = prod_pvt;
}

static int setup_tx(void **state)
{
    prod_pvt = 0;
    return setup(state);
}

static void test_empty(void **state)
{
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), 0);
    assert_int_equal(netif_tx_more(&r), 0);
    assert_int_equal(tx.hdr.req_event, 1);
}

static void test_one_frame(void **state)
{
    put(7, 100, NETTXF_csum_blank, 42, 60);
    publish();
    assert_int_equal(netif_tx_more(&r), 1);
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), 1);
    assert_false(f.bad);
    assert_int_equal(f.len, 60);
    assert_int_equal(f.nr_segs, 1);
    assert_int_equal(f.seg[0].gref, 7);
    assert_int_equal(f.seg[0].offset, 100);
    assert_int_equal(f.seg[0].len, 60);
    assert_int_equal(f.flags, NETTXF_csum_blank);
    netif_tx_answer(&r, &f, NETIF_RSP_OKAY);
    assert_int_equal(tx.hdr.rsp_prod, 0);      /* not before the push */
    assert_true(netif_tx_push(&r));            /* rsp_event 1 passed */
    assert_int_equal(tx.hdr.rsp_prod, 1);
    assert_int_equal(tx.ring[0].rsp.id, 42);
    assert_int_equal(tx.ring[0].rsp.status, NETIF_RSP_OKAY);
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), 0);
    assert_int_equal(netif_tx_more(&r), 0);
    assert_int_equal(tx.hdr.req_event, 2);
}

static void test_sg_chain(void **state)
{
    put(1, 4000, NETTXF_more_data, 1, 1000);   /* 96 bytes here */
    put(2, 0, NETTXF_more_data, 2, 800);
    put(3, 10, 0, 3, 104);
    publish();
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), 1);
    assert_false(f.bad);
    assert_int_equal(f.len, 1000);
    assert_int_equal(f.nr_segs, 3);
    assert_int_equal(f.seg[0].len, 96);
    assert_int_equal(f.seg[1].len, 800);
    assert_int_equal(f.seg[2].gref, 3);
    assert_int_equal(f.seg[2].len, 104);
    netif_tx_answer(&r, &f, NETIF_RSP_OKAY);
    netif_tx_push(&r);
    assert_int_equal(tx.hdr.rsp_prod, 3);
    assert_int_equal(tx.ring[2].rsp.id, 3);
}

static void test_chain_not_all_published(void **state)
{
    put(1, 0, NETTXF_more_data, 1, 100);
    publish();
    put(2, 0, 0, 2, 40);
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), 0);
    assert_int_equal(r.tx_req_cons, 0);
    publish();
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), 1);
    assert_int_equal(f.seg[0].len, 60);
    assert_int_equal(r.tx_req_cons, 2);
}

static void test_extra_info_null_response(void **state)
{
    put(1, 0, NETTXF_extra_info | NETTXF_more_data, 9, 100);
    put_extra(XEN_NETIF_EXTRA_FLAG_MORE);
    put_extra(0);
    put(2, 0, 0, 10, 50);
    publish();
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), 1);
    assert_false(f.bad);
    assert_int_equal(f.nr_slots, 4);
    assert_int_equal(f.nr_segs, 2);
    assert_int_equal(f.seg[0].len, 50);
    netif_tx_answer(&r, &f, NETIF_RSP_OKAY);
    netif_tx_push(&r);
    assert_int_equal(tx.ring[0].rsp.id, 9);
    assert_int_equal(tx.ring[0].rsp.status, NETIF_RSP_OKAY);
    assert_int_equal(tx.ring[1].rsp.status, NETIF_RSP_NULL);
    assert_int_equal(tx.ring[2].rsp.status, NETIF_RSP_NULL);
    assert_int_equal(tx.ring[3].rsp.id, 10);
    assert_int_equal(tx.ring[3].rsp.status, NETIF_RSP_OKAY);
}

/* Each malformed frame is consumed and marked bad; the next is fine. */
static void expect_bad_then_good(void)
{
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), 1);
    assert_true(f.bad);
    netif_tx_answer(&r, &f, NETIF_RSP_ERROR);
    put(5, 0, 0, 77, 60);
    publish();
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), 1);
    assert_false(f.bad);
    netif_tx_answer(&r, &f, NETIF_RSP_OKAY);
    netif_tx_push(&r);
    assert_int_equal(tx.ring[(prod_pvt - 2) % NET_TX_RING_SIZE].rsp.status, NETIF_RSP_ERROR);
    assert_int_equal(tx.ring[(prod_pvt - 1) % NET_TX_RING_SIZE].rsp.id, 77);
    assert_int_equal(tx.ring[(prod_pvt - 1) % NET_TX_RING_SIZE].rsp.status, NETIF_RSP_OKAY);
}

static void test_past_page(void **state)
{
    put(1, 4000, 0, 1, 100);
    publish();
    expect_bad_then_good();
}

static void test_offset_beyond_page(void **state)
{
    put(1, 0xffff, 0, 1, 60);
    publish();
    expect_bad_then_good();
}

static void test_too_short(void **state)
{
    put(1, 0, 0, 1, 13);
    publish();
    expect_bad_then_good();
}

static void test_too_long(void **state)
{
    put(1, 0, 0, 1, MAX_LEN + 1);
    publish();
    expect_bad_then_good();
}

static void test_fragments_exceed_first_size(void **state)
{
    put(1, 0, NETTXF_more_data, 1, 100);
    put(2, 0, 0, 2, 200);
    publish();
    expect_bad_then_good();
    assert_int_equal(tx.ring[0].rsp.status, NETIF_RSP_ERROR);
    assert_int_equal(tx.ring[1].rsp.id, 2);
}

static void test_later_fragment_past_page(void **state)
{
    put(1, 0, NETTXF_more_data, 1, 1000);
    put(2, 3500, 0, 2, 900);
    publish();
    expect_bad_then_good();
}

static void test_prod_too_far_broken(void **state)
{
    tx.hdr.req_prod = NET_TX_RING_SIZE + 1;
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), NETIF_RING_BROKEN);
    assert_int_equal(netif_tx_more(&r), NETIF_RING_BROKEN);
    tx.hdr.req_prod = (RING_IDX)-1;            /* behind */
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), NETIF_RING_BROKEN);
    tx.hdr.req_prod = NET_TX_RING_SIZE;        /* a full ring is fine */
    assert_int_equal(netif_tx_more(&r), 1);
}

static void test_endless_chain_broken(void **state)
{
    for (unsigned int i = 0; i < XEN_NETIF_NR_SLOTS_MIN + 1; i++)
        put(1, 0, NETTXF_more_data, (uint16_t)i, 100);
    publish();
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), NETIF_RING_BROKEN);
}

static void test_longest_chain_ok(void **state)
{
    for (unsigned int i = 0; i < XEN_NETIF_NR_SLOTS_MIN; i++)
        put(1, 0, i + 1 < XEN_NETIF_NR_SLOTS_MIN ? NETTXF_more_data : 0, (uint16_t)i,
            i ? 10 : 1000);
    publish();
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), 1);
    assert_false(f.bad);
    assert_int_equal(f.seg[0].len, 1000 - 17 * 10);
}

static void test_endless_extras_broken(void **state)
{
    put(1, 0, NETTXF_extra_info, 1, 100);
    for (unsigned int i = 0; i < NETIF_RING_EXTRAS_MAX + 1; i++)
        put_extra(XEN_NETIF_EXTRA_FLAG_MORE);
    publish();
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), NETIF_RING_BROKEN);
}

static void test_wraps(void **state)
{
    r.tx_req_cons = r.tx_rsp_prod_pvt = prod_pvt = (RING_IDX)-2;
    tx.hdr.rsp_prod = prod_pvt;
    put(1, 0, NETTXF_more_data, 1, 100);
    put(2, 0, NETTXF_more_data, 2, 20);
    put(3, 0, 0, 3, 20);
    publish();
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), 1);
    assert_false(f.bad);
    assert_int_equal(f.seg[0].len, 60);
    assert_int_equal(r.tx_req_cons, 1);
}

/* The guest asks for events with rsp_event: none until it passes. */
static void test_push_notify_avoidance(void **state)
{
    tx.hdr.rsp_event = 3;
    for (int i = 0; i < 3; i++)
        put(1, 0, 0, (uint16_t)i, 60);
    publish();
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), 1);
    netif_tx_answer(&r, &f, 0);
    assert_false(netif_tx_push(&r));           /* rsp_prod 1 */
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), 1);
    netif_tx_answer(&r, &f, 0);
    assert_false(netif_tx_push(&r));           /* 2 */
    assert_int_equal(netif_tx_take(&r, &f, MAX_LEN), 1);
    netif_tx_answer(&r, &f, 0);
    assert_true(netif_tx_push(&r));            /* 3 passes rsp_event */
}

static void test_rx(void **state)
{
    struct netif_rx_request req;

    assert_int_equal(netif_rx_take(&r, &req), 0);
    assert_int_equal(rx.hdr.req_event, 1);
    rx.ring[0].req = (struct netif_rx_request){ .id = 5, .gref = 55 };
    rx.ring[1].req = (struct netif_rx_request){ .id = 6, .gref = 66 };
    rx.hdr.req_prod = 2;
    assert_int_equal(netif_rx_take(&r, &req), 1);
    assert_int_equal(req.id, 5);
    assert_int_equal(req.gref, 55);
    netif_rx_answer(&r, req.id, 0, 0, 60);
    assert_true(netif_rx_push(&r));
    assert_int_equal(rx.ring[0].rsp.id, 5);
    assert_int_equal(rx.ring[0].rsp.status, 60);
    assert_int_equal(netif_rx_take(&r, &req), 1);
    assert_int_equal(req.id, 6);
    assert_int_equal(netif_rx_take(&r, &req), 0);
    assert_int_equal(rx.hdr.req_event, 3);     /* told to notify on the next post */
    rx.hdr.req_prod = 2 + NET_RX_RING_SIZE + 1;
    assert_int_equal(netif_rx_take(&r, &req), NETIF_RING_BROKEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup(t, setup_tx)
        T(test_empty),
        T(test_one_frame),
        T(test_sg_chain),
        T(test_chain_not_all_published),
        T(test_extra_info_null_response),
        T(test_past_page),
        T(test_offset_beyond_page),
        T(test_too_short),
        T(test_too_long),
        T(test_fragments_exceed_first_size),
        T(test_later_fragment_past_page),
        T(test_prod_too_far_broken),
        T(test_endless_chain_broken),
        T(test_longest_chain_ok),
        T(test_endless_extras_broken),
        T(test_wraps),
        T(test_push_notify_avoidance),
        T(test_rx),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
