/* SPDX-License-Identifier: MIT */
/* Unit tests: dom0's split virtqueues (tools/dom0/virtq.c). The test plays
 * the device: it reads the avail ring and descriptors as the spec says and
 * writes used entries, good ones and hostile ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/dom0/virtq.h"

#define SIZE    8

static struct virtq vq;
static struct virtq_desc desc[SIZE] __attribute__((aligned(16)));
static uint8_t avail_mem[VIRTQ_AVAIL_BYTES(SIZE)] __attribute__((aligned(2)));
static uint8_t used_mem[VIRTQ_USED_BYTES(SIZE)] __attribute__((aligned(4)));
static struct virtq_avail *avail = (struct virtq_avail *)avail_mem;
static struct virtq_used *used = (struct virtq_used *)used_mem;
static uint16_t dev_avail;              /* the device's next avail entry */
static int tokens[64];

static void setup_q(void)
{
    memset(desc, 0, sizeof(desc));
    memset(avail_mem, 0, sizeof(avail_mem));
    memset(used_mem, 0, sizeof(used_mem));
    dev_avail = 0;
    assert_true(virtq_init(&vq, SIZE, desc, avail, used));
}

/* The device takes the next available chain: its head, and the chain's
 * buffers walked as a device would (into out, n of them). */
static uint16_t dev_take(struct virtq_buf *out, unsigned int *n)
{
    uint16_t head, d;

    assert_true(avail->idx != dev_avail);
    head = d = avail->ring[dev_avail++ % SIZE];
    *n = 0;
    for (;;) {
        out[(*n)++] = (struct virtq_buf){ desc[d].addr, desc[d].len,
                                          desc[d].flags & VIRTQ_DESC_F_WRITE };
        if (!(desc[d].flags & VIRTQ_DESC_F_NEXT))
            return head;
        d = desc[d].next;
        assert_true(d < SIZE && *n < SIZE);
    }
}

static void dev_used(uint32_t id, uint32_t len)
{
    used->ring[used->idx % SIZE] = (struct virtq_used_elem){ id, len };
    used->idx++;
}

static const struct virtq_buf chain3[] = {
    { 0x1000, 16, false }, { 0x2000, 4096, true }, { 0x3000, 1, true },
};

static void test_init_sizes(void **state)
{
    assert_false(virtq_init(&vq, 0, desc, avail, used));
    assert_false(virtq_init(&vq, 6, desc, avail, used));
    assert_false(virtq_init(&vq, 512, desc, avail, used));
    assert_true(virtq_init(&vq, 1, desc, avail, used));
    assert_true(virtq_init(&vq, VIRTQ_MAX, desc, avail, used));
}

static void test_chain_round_trip(void **state)
{
    struct virtq_buf seen[SIZE];
    unsigned int n;
    uint32_t len;
    uint16_t head;

    setup_q();
    assert_int_equal(virtq_add(&vq, chain3, 3, &tokens[0]), 0);
    assert_int_equal(vq.nr_free, SIZE - 3);
    assert_int_equal(avail->idx, 1);
    head = dev_take(seen, &n);
    assert_int_equal(n, 3);
    for (unsigned int i = 0; i < 3; i++) {
        assert_int_equal(seen[i].addr, chain3[i].addr);
        assert_int_equal(seen[i].len, chain3[i].len);
        assert_int_equal(seen[i].write, chain3[i].write);
    }
    assert_null(virtq_get(&vq, &len));              /* nothing used yet */
    dev_used(head, 4097);
    assert_ptr_equal(virtq_get(&vq, &len), &tokens[0]);
    assert_int_equal(len, 4097);
    assert_int_equal(vq.nr_free, SIZE);
    assert_int_equal(vq.in_flight, 0);
    assert_null(virtq_get(&vq, &len));
}

static void test_full_and_bad_chains(void **state)
{
    struct virtq_buf seen[SIZE];
    const struct virtq_buf wr_then_rd[] = { { 0x1000, 8, true }, { 0x2000, 8, false } };
    const struct virtq_buf empty[] = { { 0x1000, 0, false } };
    unsigned int n;
    uint32_t len;

    setup_q();
    assert_int_equal(virtq_add(&vq, chain3, 3, &tokens[0]), 0);
    assert_int_equal(virtq_add(&vq, chain3, 3, &tokens[1]), 0);
    assert_int_equal(virtq_add(&vq, chain3, 3, &tokens[2]), -1);    /* 2 left */
    assert_int_equal(virtq_add(&vq, wr_then_rd, 2, &tokens[3]), -2);
    assert_int_equal(virtq_add(&vq, empty, 1, &tokens[3]), -2);
    assert_int_equal(virtq_add(&vq, chain3, 3, NULL), -2);
    assert_int_equal(virtq_add(&vq, chain3, 0, &tokens[3]), -2);
    /* Completed out of order: the second first. */
    dev_take(seen, &n);
    dev_used(dev_take(seen, &n), 1);
    assert_ptr_equal(virtq_get(&vq, &len), &tokens[1]);
    assert_int_equal(virtq_add(&vq, chain3, 3, &tokens[2]), 0);
    assert_int_equal(vq.in_flight, 2);
}

/* Many rounds: indexes wrap past 65535 and the free list stays whole. */
static void test_wrap(void **state)
{
    struct virtq_buf seen[SIZE];
    unsigned int n;
    uint32_t len;

    setup_q();
    for (unsigned int r = 0; r < 70000; r++) {
        assert_int_equal(virtq_add(&vq, chain3 + (r % 3), 3 - r % 3, &tokens[r % 64]), 0);
        dev_used(dev_take(seen, &n), 0);
        assert_ptr_equal(virtq_get(&vq, &len), &tokens[r % 64]);
    }
    assert_int_equal(vq.nr_free, SIZE);
    assert_int_equal(virtq_add(&vq, chain3, 2, &tokens[0]), 0);
    assert_int_equal(virtq_add(&vq, chain3, 3, &tokens[1]), 0);
    assert_int_equal(virtq_add(&vq, chain3, 3, &tokens[2]), 0);
    assert_int_equal(vq.nr_free, 0);
}

static void test_indirect(void **state)
{
    struct virtq_desc table[3] __attribute__((aligned(16)));
    struct virtq_buf seen[SIZE];
    unsigned int n;
    uint32_t len;
    uint16_t head;

    setup_q();
    assert_int_equal(virtq_add_indirect(&vq, chain3, 3, table, 0x9000, &tokens[5]), 0);
    assert_int_equal(vq.nr_free, SIZE - 1);
    head = dev_take(seen, &n);
    assert_int_equal(n, 1);
    assert_int_equal(desc[head].flags, VIRTQ_DESC_F_INDIRECT);
    assert_int_equal(seen[0].addr, 0x9000);
    assert_int_equal(seen[0].len, 3 * sizeof(struct virtq_desc));
    assert_int_equal(table[0].flags, VIRTQ_DESC_F_NEXT);
    assert_int_equal(table[0].next, 1);
    assert_int_equal(table[1].flags, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE);
    assert_int_equal(table[2].flags, VIRTQ_DESC_F_WRITE);
    assert_int_equal(table[2].addr, 0x3000);
    /* The writable bytes of the table count, not the one descriptor's. */
    dev_used(head, 4097);
    assert_ptr_equal(virtq_get(&vq, &len), &tokens[5]);
    assert_int_equal(vq.nr_free, SIZE);
}

/* Each hostile used entry breaks the queue; nothing is returned. */
static void hostile(uint32_t id_delta, uint32_t len, uint16_t idx_extra)
{
    struct virtq_buf seen[SIZE];
    unsigned int n;
    uint32_t got;
    uint16_t head;

    setup_q();
    assert_int_equal(virtq_add(&vq, chain3, 3, &tokens[0]), 0);
    head = dev_take(seen, &n);
    dev_used(head + id_delta, len);
    used->idx += idx_extra;
    assert_null(virtq_get(&vq, &got));
    assert_true(vq.broken);
    assert_int_equal(virtq_add(&vq, chain3, 1, &tokens[1]), -2);
    /* After a reset, the chains in flight come back once each. */
    assert_ptr_equal(virtq_reclaim(&vq), &tokens[0]);
    assert_null(virtq_reclaim(&vq));
}

static void test_hostile_device(void **state)
{
    hostile(SIZE, 0, 0);            /* an id past the table */
    hostile(1, 0, 0);               /* inside the chain, not its head */
    hostile(3, 0, 0);               /* a free descriptor */
    hostile(0, 4098, 0);            /* more than the chain can take */
    hostile(0, 0, 1);               /* two used for one in flight */
    hostile(0, 0, 0x8000);          /* an index far ahead */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_sizes),
        cmocka_unit_test(test_chain_round_trip),
        cmocka_unit_test(test_full_and_bad_chains),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_indirect),
        cmocka_unit_test(test_hostile_device),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
