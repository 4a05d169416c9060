// SPDX-License-Identifier: MIT
/*
 * virtio-blk (the virtio spec's 5.2) as dom0 block devices "vda", "vdb"...
 * (blkdev.h). One request queue. Each request in flight holds a slot: a
 * piece of a dom0 page with its header, its status byte and, when the
 * device takes indirect descriptors, its descriptor table, so a request
 * costs one ring entry and the queue depth is the ring's size. Requests
 * that find no slot or no ring room wait in order and go when a
 * completion frees one. Completions come from the queue's MSI-X event
 * (virtio.h); a done() is called from there, never from submit. A flush
 * is sent to the device (VIRTIO_BLK_F_FLUSH) and done only when it says.
 * Only host-compatible headers: test_virtio_blk builds it on the host.
 */
#include <public/errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../libhv/libhv.h"
#include "blkdev.h"
#include "dma.h"
#include "dom0.h"
#include "pci.h"
#include "virtio.h"
#include "virtio_blk.h"

/* Features (5.2.3) and the configuration's fields (5.2.4). */
#define VIRTIO_BLK_F_SEG_MAX    2
#define VIRTIO_BLK_F_RO         5
#define VIRTIO_BLK_F_BLK_SIZE   6
#define VIRTIO_BLK_F_FLUSH      9
#define CFG_CAPACITY            0
#define CFG_SEG_MAX             12
#define CFG_BLK_SIZE            20

/* Request types and statuses (5.2.6). */
#define VIRTIO_BLK_T_IN         0
#define VIRTIO_BLK_T_OUT        1
#define VIRTIO_BLK_T_FLUSH      4
#define VIRTIO_BLK_S_OK         0
#define STATUS_UNSET            0xff

#define VBLK_QUEUE_MAX          256
#define VBLK_MAX_DISKS          26

struct vblk_slot {
    struct virtq_desc table[BLKDEV_MAX_SEGS + 2];
    struct {
        uint32_t type;
        uint32_t reserved;
        uint64_t sector;
    } hdr;
    uint8_t status;
    uint8_t pad[15];
};
#define SLOTS_PER_PAGE          (PAGE_BYTES / sizeof(struct vblk_slot))
_Static_assert(sizeof(struct vblk_slot) % 16 == 0, "tables stay 16-byte aligned");

struct vblk {
    struct blkdev dev;
    struct virtio_dev v;
    struct virtio_queue *q;
    bool indirect, dead;
    unsigned int nr_slots, nr_free;
    struct vblk_slot *slot[VBLK_QUEUE_MAX];
    uint64_t slot_bus[VBLK_QUEUE_MAX];
    uint16_t free[VBLK_QUEUE_MAX];          /* a stack of free slot numbers */
    struct blkdev_req *wait_head, *wait_tail;
    struct vblk_stats st;
    struct vblk *next;
};

static struct vblk *disks;
static unsigned int nr_disks;

static void finish(struct vblk *b, struct blkdev_req *req, int status)
{
    b->free[b->nr_free++] = req->priv[0];
    if (status)
        b->st.errors++;
    else
        b->st.completed++;
    req->done(req, status);
}

/* Put req on the ring: 0, 1 when there is no room now (it waits), or an
 * error (a buffer without a bus address). */
static int issue(struct vblk *b, struct blkdev_req *req)
{
    static const uint32_t types[] = {
        [BLKDEV_READ] = VIRTIO_BLK_T_IN, [BLKDEV_WRITE] = VIRTIO_BLK_T_OUT,
        [BLKDEV_FLUSH] = VIRTIO_BLK_T_FLUSH,
    };
    struct virtq_buf bufs[BLKDEV_MAX_SEGS + 2];
    uint64_t gpa[BLKDEV_MAX_SEGS], bus[BLKDEV_MAX_SEGS];
    unsigned int n = req->nr_segs, s;
    struct vblk_slot *sl;
    int rc;

    if (!b->nr_free || (!b->indirect && b->q->vq.nr_free < n + 2))
        return 1;
    for (unsigned int i = 0; i < n; i++)
        gpa[i] = req->seg[i].gpa;
    if (n && dma_addrs(gpa, bus, n))
        return -XEN_EFAULT;
    s = b->free[--b->nr_free];
    sl = b->slot[s];
    req->priv[0] = s;
    sl->hdr.type = types[req->op];
    sl->hdr.reserved = 0;
    sl->hdr.sector = req->op == BLKDEV_FLUSH ? 0 : req->sector;
    sl->status = STATUS_UNSET;
    bufs[0] = (struct virtq_buf){ b->slot_bus[s] + offsetof(struct vblk_slot, hdr), 16, false };
    for (unsigned int i = 0; i < n; i++)
        bufs[1 + i] = (struct virtq_buf){ bus[i], req->seg[i].len, req->op == BLKDEV_READ };
    bufs[n + 1] = (struct virtq_buf){ b->slot_bus[s] + offsetof(struct vblk_slot, status),
                                      1, true };
    if (b->indirect)
        rc = virtq_add_indirect(&b->q->vq, bufs, n + 2, sl->table, b->slot_bus[s], req);
    else
        rc = virtq_add(&b->q->vq, bufs, n + 2, req);
    if (rc) {
        b->free[b->nr_free++] = s;
        return rc == -1 ? 1 : -XEN_EIO;
    }
    b->st.submitted++;
    return 0;
}

/* Issue waiting requests while there is room; true if some went. */
static bool issue_waiting(struct vblk *b)
{
    bool sent = false;
    int rc;

    while (b->wait_head && (rc = issue(b, b->wait_head)) <= 0) {
        struct blkdev_req *req = b->wait_head;

        b->wait_head = req->next;
        if (!b->wait_head)
            b->wait_tail = NULL;
        if (rc) {
            b->st.errors++;
            req->done(req, rc);             /* from the event loop */
        }
        sent |= !rc;
    }
    return sent;
}

/* The device broke a rule: stop it and fail everything it held. */
static void vblk_kill(struct vblk *b, const char *why)
{
    struct blkdev_req *req;

    b->dead = true;
    virtio_fail(&b->v, why);
    while ((req = virtq_reclaim(&b->q->vq)))
        finish(b, req, -XEN_EIO);
    while ((req = b->wait_head)) {
        b->wait_head = req->next;
        b->st.errors++;
        req->done(req, -XEN_EIO);
    }
    b->wait_tail = NULL;
}

/* The queue's interrupt, from the event loop: every completed request. */
static void vblk_work(struct virtio_queue *q)
{
    struct vblk *b = q->arg;
    struct blkdev_req *req;
    uint32_t len;

    if (b->dead)
        return;
    while ((req = virtq_get(&q->vq, &len))) {
        uint8_t st = b->slot[req->priv[0]]->status;

        finish(b, req, st == VIRTIO_BLK_S_OK && len >= 1 ? 0 : -XEN_EIO);
    }
    if (q->vq.broken) {
        vblk_kill(b, "bad used ring entry");
        return;
    }
    if (issue_waiting(b))
        virtio_kick(q);
}

static int vblk_submit(struct blkdev *dev, struct blkdev_req *req)
{
    struct vblk *b = dev->priv;
    int rc;

    if (b->dead)
        return -XEN_EIO;
    if (req->op == BLKDEV_WRITE && dev->read_only)
        return -XEN_EROFS;
    if (req->op == BLKDEV_FLUSH && !dev->volatile_cache) {
        blkdev_complete(req, 0);            /* nothing cached: done */
        return 0;
    }
    if (b->wait_head || (rc = issue(b, req)) == 1) {
        req->next = NULL;                   /* after those already waiting */
        if (b->wait_tail)
            b->wait_tail->next = req;
        else
            b->wait_head = req;
        b->wait_tail = req;
        b->st.waited++;
        return 0;
    }
    if (!rc)
        virtio_kick(b->q);
    return rc;
}

static const struct blkdev_ops vblk_ops = { .submit = vblk_submit };

/* Slots for every ring entry, SLOTS_PER_PAGE to a page. */
static int slots_alloc(struct vblk *b, unsigned int n)
{
    for (unsigned int s = 0; s < n; s += SLOTS_PER_PAGE) {
        uint64_t page = pages_alloc(&dom0_pages, 1), bus = dma_addr(page);

        if (!page || bus == DMA_NONE)
            return -XEN_ENOMEM;
        memset((void *)(uintptr_t)page, 0, PAGE_BYTES);
        for (unsigned int i = 0; i < SLOTS_PER_PAGE && s + i < n; i++) {
            b->slot[s + i] = (struct vblk_slot *)(uintptr_t)page + i;
            b->slot_bus[s + i] = bus + i * sizeof(struct vblk_slot);
            b->free[b->nr_free++] = s + i;
        }
    }
    b->nr_slots = n;
    return 0;
}

static int vblk_setup(struct vblk *b, struct pci_dev *d)
{
    uint64_t want = VIRTIO_F(VIRTIO_BLK_F_RO) | VIRTIO_F(VIRTIO_BLK_F_FLUSH) |
                    VIRTIO_F(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_F(VIRTIO_BLK_F_BLK_SIZE) |
                    VIRTIO_F(VIRTIO_F_RING_INDIRECT_DESC);
    unsigned int segs = BLKDEV_MAX_SEGS;
    int rc;

    if ((rc = virtio_pci_init(&b->v, d, b->dev.name)) ||
        (rc = virtio_negotiate(&b->v, want)))
        return rc;
    b->indirect = virtio_has(&b->v, VIRTIO_F_RING_INDIRECT_DESC);
    if (virtio_has(&b->v, VIRTIO_BLK_F_BLK_SIZE) &&
        virtio_cfg_read(&b->v, CFG_BLK_SIZE, 4) != BLKDEV_SECTOR)
        printf("dom0: %s: logical blocks of %lu bytes: requests not aligned to them "
               "will fail\n", b->dev.name,
               (unsigned long)virtio_cfg_read(&b->v, CFG_BLK_SIZE, 4));
    if (virtio_has(&b->v, VIRTIO_BLK_F_SEG_MAX)) {
        uint32_t m = virtio_cfg_read(&b->v, CFG_SEG_MAX, 4);

        if (m && m < segs)
            segs = m;
    }
    if ((rc = virtio_queue_setup(&b->v, 0, VBLK_QUEUE_MAX, vblk_work, b)))
        return rc;
    b->q = &b->v.queue[0];
    if (!b->indirect && b->q->vq.size < segs + 2)
        segs = b->q->vq.size - 2;
    if (!segs || (rc = slots_alloc(b, b->q->vq.size)))
        return rc ? rc : -XEN_ENODEV;
    b->dev.sectors = virtio_cfg_read(&b->v, CFG_CAPACITY, 8);
    b->dev.read_only = virtio_has(&b->v, VIRTIO_BLK_F_RO);
    b->dev.volatile_cache = virtio_has(&b->v, VIRTIO_BLK_F_FLUSH);
    b->dev.max_segs = segs;
    b->dev.ops = &vblk_ops;
    b->dev.priv = b;
    virtio_ready(&b->v);
    return blkdev_register(&b->dev);
}

struct blkdev *virtio_blk_probe(struct pci_dev *d)
{
    struct vblk *b;
    int rc;

    if (nr_disks == VBLK_MAX_DISKS || !(b = calloc(1, sizeof(*b))))
        return NULL;
    snprintf(b->dev.name, sizeof(b->dev.name), "vd%c", 'a' + nr_disks);
    if ((rc = vblk_setup(b, d))) {
        printf("dom0: %s: not used: %s (-%s)\n", b->dev.name, hv_strerror(rc),
               hv_errname(rc));
        if (b->v.common)
            virtio_fail(&b->v, "setup failed");
        return NULL;                        /* its pages are not reused */
    }
    nr_disks++;
    b->next = disks;
    disks = b;
    d->driver = "virtio-blk";
    printf("dom0: %s: virtio-blk %02x:%02x.%u, %lu sectors (%lu MiB)%s, queue %u%s, "
           "%u segments\n", b->dev.name, d->bus, PCI_SLOT(d->devfn), PCI_FUNC(d->devfn),
           (unsigned long)b->dev.sectors, (unsigned long)(b->dev.sectors >> 11),
           b->dev.read_only ? ", read-only" : "", b->q->vq.size,
           b->indirect ? " indirect" : "", b->dev.max_segs);
    return &b->dev;
}

bool virtio_blk_stats(const struct blkdev *dev, struct vblk_stats *st)
{
    for (struct vblk *b = disks; b; b = b->next)
        if (&b->dev == dev) {
            *st = b->st;
            st->interrupts = virtio_interrupts(b->q);
            st->kicks = b->q->kicks;
            return true;
        }
    return false;
}
