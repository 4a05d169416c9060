/* SPDX-License-Identifier: MIT */
/*
 * A fake virtio transport and device for the driver tests (test_virtio_blk,
 * test_virtio_net): virtio.h's functions over rings in the test's memory,
 * bus addresses equal to host pointers (dma.h's functions), and the
 * device's side of each queue, played by the test.
 */
#ifndef TEST_VIRTIO_FAKE_H
#define TEST_VIRTIO_FAKE_H

#include <stdbool.h>
#include <stdint.h>
#include "../../tools/dom0/virtio.h"

#define FAKE_QSIZE      8
#define FAKE_CHAIN_MAX  40

extern uint64_t fake_offered;           /* feature bits the device offers */
extern uint8_t fake_cfg[64];            /* its device configuration */
extern bool fake_failed;                /* virtio_fail() was called */
extern bool fake_dma_broken;            /* dma_addrs() fails */
extern struct virtio_queue *fake_queue[2];

/* A chain the device took: its head and buffers (indirect tables followed). */
struct fake_chain {
    uint16_t head;
    unsigned int n;
    struct virtq_desc d[FAKE_CHAIN_MAX];
};

/* Start afresh: no queue set up, the pool of dom0 pages over host memory. */
void fake_reset(uint64_t features);
/* The next chain made available on queue q; false if none. */
bool fake_take(unsigned int q, struct fake_chain *c);
/* Put (id, len) in queue q's used ring. */
void fake_used(unsigned int q, uint32_t id, uint32_t len);
/* "The interrupt": the queue's work, as the event loop would call it. */
void fake_interrupt(unsigned int q);

#endif
