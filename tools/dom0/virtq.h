/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueues (virtio 1.x, 2.7): the driver's side, pure. The caller
 * gives the three parts' memory (dom0 pages) and the bus addresses that go
 * in descriptors; virtq keeps the free descriptors, the avail index and,
 * per chain in flight, the caller's token and how many bytes the device
 * may write. Nothing the device writes is trusted: a used entry naming a
 * descriptor that is not the head of a chain in flight, a length beyond
 * what the chain can take, or a used index running ahead of what was made
 * available marks the queue broken, and it is then used no more.
 */
#ifndef DOM0_VIRTQ_H
#define DOM0_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTQ_MAX               256     /* entries: each part fits a page */

#define VIRTQ_DESC_F_NEXT       1
#define VIRTQ_DESC_F_WRITE      2
#define VIRTQ_DESC_F_INDIRECT   4

struct virtq_desc {
    uint64_t addr;                      /* bus address */
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
};

struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
};

struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[];
};

/* Bytes each part needs for size entries (no event-index fields). */
#define VIRTQ_DESC_BYTES(n)     (16u * (n))
#define VIRTQ_AVAIL_BYTES(n)    (4u + 2u * (n))
#define VIRTQ_USED_BYTES(n)     (4u + 8u * (n))

/* One buffer of a chain: a bus address, a length, device-writable or not. */
struct virtq_buf {
    uint64_t addr;
    uint32_t len;
    bool write;
};

struct virtq {
    uint16_t size;                      /* entries, a power of 2 */
    uint16_t nr_free;                   /* free descriptors */
    uint16_t free_head;
    uint16_t avail_idx;                 /* ours: what the device was given */
    uint16_t last_used;                 /* the next used entry to read */
    uint16_t in_flight;                 /* chains the device holds */
    bool broken;                        /* the device misbehaved */
    volatile struct virtq_desc *desc;
    volatile struct virtq_avail *avail;
    volatile struct virtq_used *used;
    uint16_t next_free[VIRTQ_MAX];      /* private: the device cannot touch it */
    struct {
        void *token;                    /* NULL: not a chain's head in flight */
        uint32_t writable;              /* bytes the device may write */
        uint16_t ndesc;
    } head[VIRTQ_MAX];
};

/* Set vq up over zeroed parts for size entries (a power of 2, 1 to
 * VIRTQ_MAX). false for a bad size. */
bool virtq_init(struct virtq *vq, uint16_t size, void *desc, void *avail, void *used);

/* Chain bufs[0..n) (device-readable ones first, by the spec's rule: a
 * readable buffer after a writable one is refused) and make it available
 * with token (not NULL). 0, -1 when there are not n free descriptors (try
 * again after virtq_get), -2 for a bad chain or a broken queue. The
 * caller notifies the device. */
int virtq_add(struct virtq *vq, const struct virtq_buf *bufs, unsigned int n, void *token);

/* The same with one descriptor pointing at an indirect table: table (the
 * caller's, n entries, 16-byte aligned, at bus address table_bus) is
 * filled from bufs. Needs VIRTIO_F_RING_INDIRECT_DESC. */
int virtq_add_indirect(struct virtq *vq, const struct virtq_buf *bufs, unsigned int n,
                       struct virtq_desc *table, uint64_t table_bus, void *token);

/* The next chain the device gave back: its token and the bytes it wrote
 * (*len), its descriptors freed; NULL when there is none, or when the
 * device misbehaved (vq->broken is then set). */
void *virtq_get(struct virtq *vq, uint32_t *len);

/* After the device was reset (it holds nothing): take back one chain still
 * in flight, its token; NULL when none is left. */
void *virtq_reclaim(struct virtq *vq);

#endif
