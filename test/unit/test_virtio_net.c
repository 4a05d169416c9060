/* SPDX-License-Identifier: MIT */
/* Unit tests: dom0's virtio-net driver (tools/dom0/virtio_net.c) over the
 * fake transport (virtio_fake.h), as the bridge's eth0 beside a test port.
 * The test is the device: it fills receive buffers and takes transmitted
 * frames from the descriptors, and lies about lengths and ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <public/errno.h>
#include "../../tools/dom0/netdev.h"
#include "../../tools/dom0/pci.h"
#include "../../tools/dom0/virtio_net.h"
#include "virtio_fake.h"

#define RXQ             0
#define TXQ             1
#define HDR             12
#define F_MAC           5

static const uint8_t eth0_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t peer_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x07 };
static const uint8_t outside_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x99 };  /* a host */

/* The other port: what the bridge gave it. */
static uint8_t got[2048];
static size_t got_len;
static unsigned int got_frames;

static int peer_xmit(struct netdev *dev, const void *frame, size_t len)
{
    memcpy(got, frame, len);
    got_len = len;
    got_frames++;
    return 0;
}

static struct netdev peer = { .name = "peer", .mac = { 0x02, 0, 0, 0, 0, 7 },
                              .xmit = peer_xmit };
static struct netdev *eth0;

static size_t frame(uint8_t *f, const uint8_t *dst, const uint8_t *src, size_t len)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    for (size_t i = 14; i < len; i++)
        f[i] = i;
    return len;
}

/* The device receives a frame of len bytes (the virtio header before it),
 * or claims len_claimed bytes; then the interrupt. */
static void dev_receive(const uint8_t *f, size_t len, uint32_t len_claimed)
{
    struct fake_chain c;

    assert_true(fake_take(RXQ, &c));
    assert_int_equal(c.n, 1);
    assert_true(c.d[0].flags & VIRTQ_DESC_F_WRITE);
    assert_true(c.d[0].len >= HDR + len);
    memset((void *)(uintptr_t)c.d[0].addr, 0, HDR);
    memcpy((uint8_t *)(uintptr_t)c.d[0].addr + HDR, f, len);
    fake_used(RXQ, c.head, len_claimed);
    fake_interrupt(RXQ);
}

static void test_probe(void **state)
{
    static struct pci_dev pci;

    fake_reset(VIRTIO_F(F_MAC));
    memcpy(fake_cfg, eth0_mac, 6);
    assert_int_equal(virtio_net_probe(&pci), 0);
    eth0 = bridge_find("eth0");
    assert_non_null(eth0);
    assert_memory_equal(eth0->mac, eth0_mac, 6);
    assert_false(eth0->lock_src);
    assert_int_equal(bridge_attach(&peer), 0);
    /* The receive ring is full of buffers, and the device was told. */
    assert_int_equal(fake_queue[RXQ]->vq.in_flight, FAKE_QSIZE);
    assert_int_equal(fake_queue[RXQ]->kicks, 1);
    /* A second device is left alone. */
    assert_int_equal(virtio_net_probe(&pci), -XEN_EBUSY);
}

static void test_receive(void **state)
{
    uint8_t f[1514];
    size_t n = frame(f, peer_mac, outside_mac, 60);

    got_frames = 0;
    for (unsigned int i = 0; i < 3 * FAKE_QSIZE; i++) {     /* buffers come back */
        dev_receive(f, n, HDR + n);
        assert_int_equal(got_frames, i + 1);
        assert_int_equal(got_len, n);
        assert_memory_equal(got, f, n);
        assert_int_equal(fake_queue[RXQ]->vq.in_flight, FAKE_QSIZE);
    }
    /* The biggest frame passes; a runt and an oversized claim do not. */
    n = frame(f, peer_mac, outside_mac, 1514);
    dev_receive(f, n, HDR + n);
    assert_int_equal(got_len, 1514);
    dev_receive(f, 13, HDR + 13);
    dev_receive(f, 100, HDR + 1515);
    assert_int_equal(got_frames, 3 * FAKE_QSIZE + 1);
    assert_int_equal(eth0->stats.rx_errors, 2);
    assert_int_equal(fake_queue[RXQ]->vq.in_flight, FAKE_QSIZE);
}

static void test_transmit(void **state)
{
    uint8_t f[200];
    size_t n = frame(f, (const uint8_t *)"\x52\x55\x0a\x00\x02\x02", peer_mac, sizeof(f));
    struct fake_chain c;

    /* The peer's frame, unknown destination: flooded to eth0. */
    for (unsigned int i = 0; i < FAKE_QSIZE; i++)
        bridge_input(&peer, f, n);
    assert_int_equal(eth0->stats.tx_frames, FAKE_QSIZE);
    assert_int_equal(fake_queue[TXQ]->kicks, FAKE_QSIZE);
    /* Every buffer is with the device: the next frame is dropped. */
    bridge_input(&peer, f, n);
    assert_int_equal(eth0->stats.tx_dropped, 1);
    for (unsigned int i = 0; i < FAKE_QSIZE; i++) {
        static const uint8_t zero[HDR];
        const uint8_t *b;

        assert_true(fake_take(TXQ, &c));
        assert_int_equal(c.n, 1);
        assert_false(c.d[0].flags & VIRTQ_DESC_F_WRITE);
        assert_int_equal(c.d[0].len, HDR + n);
        b = (const uint8_t *)(uintptr_t)c.d[0].addr;
        assert_memory_equal(b, zero, HDR);
        assert_memory_equal(b + HDR, f, n);
        fake_used(TXQ, c.head, 0);
    }
    /* No interrupt yet: xmit takes back what the device is done with. */
    bridge_input(&peer, f, n);
    assert_int_equal(eth0->stats.tx_frames, FAKE_QSIZE + 1);
    fake_interrupt(TXQ);
    assert_int_equal(fake_queue[TXQ]->vq.in_flight, 1);
}

/* A device that lies in its used ring is stopped; eth0 sends no more. */
static void test_hostile_device(void **state)
{
    uint8_t f[60];
    size_t n = frame(f, (const uint8_t *)"\x52\x55\x0a\x00\x02\x02", peer_mac, sizeof(f));
    unsigned int frames = got_frames;

    fake_used(RXQ, FAKE_QSIZE, 100);            /* an id past the ring */
    fake_interrupt(RXQ);
    assert_true(fake_failed);
    assert_int_equal(got_frames, frames);
    assert_int_equal(eth0->xmit(eth0, f, n), -XEN_EAGAIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_receive),
        cmocka_unit_test(test_transmit),
        cmocka_unit_test(test_hostile_device),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
