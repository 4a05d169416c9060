/* SPDX-License-Identifier: MIT */
/* Unit tests: dom0's virtio-blk driver (tools/dom0/virtio_blk.c). The test
 * is the transport (virtio.h's functions, faked) and the device: it walks
 * the avail ring and the descriptors as a device would (bus addresses are
 * host pointers here), moves data to and from a RAM medium, writes the
 * status byte and used entries, and calls the queue's work as the event
 * loop would after an interrupt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <public/errno.h>
#include "../../tools/dom0/blkdev.h"
#include "../../tools/dom0/dma.h"
#include "../../tools/dom0/dom0.h"
#include "../../tools/dom0/pci.h"
#include "../../tools/dom0/virtio.h"
#include "../../tools/dom0/virtio_blk.h"

#define QSIZE           8
#define DISK_SECTORS    256
#define POOL_PAGES      64
#define F_RO            5
#define F_FLUSH         9
#define F_SEG_MAX       2

struct page_pool dom0_pages;
static uint8_t pool_mem[POOL_PAGES][4096] __attribute__((aligned(4096)));
static uint64_t pool_bitmap[1];

/* ---- the fake transport ---- */
static struct virtq_desc ring_desc[QSIZE] __attribute__((aligned(16)));
static uint8_t ring_avail[VIRTQ_AVAIL_BYTES(QSIZE)] __attribute__((aligned(2)));
static uint8_t ring_used[VIRTQ_USED_BYTES(QSIZE)] __attribute__((aligned(4)));
static uint64_t offered;
static uint32_t seg_max = 64;
static struct virtio_queue *queue;
static bool failed, dma_broken;
static uint16_t dev_avail;
static uint8_t medium[DISK_SECTORS * 512];

int virtio_pci_init(struct virtio_dev *v, struct pci_dev *d, const char *name)
{
    memset(v, 0, sizeof(*v));
    snprintf(v->name, sizeof(v->name), "%s", name);
    v->pci = d;
    return 0;
}

int virtio_negotiate(struct virtio_dev *v, uint64_t wanted)
{
    v->features = offered & (wanted | VIRTIO_F(VIRTIO_F_VERSION_1));
    return 0;
}

bool virtio_has(const struct virtio_dev *v, unsigned int bit)
{
    return v->features & VIRTIO_F(bit);
}

int virtio_queue_setup(struct virtio_dev *v, unsigned int idx, uint16_t max,
                       void (*work)(struct virtio_queue *q), void *arg)
{
    struct virtio_queue *q = &v->queue[idx];

    memset(ring_desc, 0, sizeof(ring_desc));
    memset(ring_avail, 0, sizeof(ring_avail));
    memset(ring_used, 0, sizeof(ring_used));
    dev_avail = 0;
    assert_true(virtq_init(&q->vq, QSIZE, ring_desc, ring_avail, ring_used));
    q->vdev = v;
    q->work = work;
    q->arg = arg;
    v->nr_queues = 1;
    queue = q;
    return 0;
}

void virtio_ready(struct virtio_dev *v)
{
}

void virtio_kick(struct virtio_queue *q)
{
    q->kicks++;
}

void virtio_fail(struct virtio_dev *v, const char *why)
{
    failed = true;
}

uint64_t virtio_cfg_read(struct virtio_dev *v, unsigned int off, unsigned int size)
{
    return off == 0 ? DISK_SECTORS : off == 12 ? seg_max : 0;
}

uint64_t virtio_interrupts(const struct virtio_queue *q)
{
    return 0;
}

uint64_t dma_addr(uint64_t gpa)
{
    return gpa;
}

int dma_addrs(const uint64_t *gpa, uint64_t *bus, unsigned int n)
{
    memcpy(bus, gpa, n * sizeof(*gpa));
    return dma_broken ? -XEN_EFAULT : 0;
}

const char *hv_strerror(int err)
{
    return "error";
}

const char *hv_errname(int err)
{
    return "E";
}

/* ---- the fake device ---- */
struct chain {
    uint16_t head;
    unsigned int n;
    struct virtq_desc d[BLKDEV_MAX_SEGS + 2];
};

/* The next available chain, indirect tables followed. */
static bool dev_take(struct chain *c)
{
    struct virtq_avail *av = (struct virtq_avail *)ring_avail;
    uint16_t i;

    if (av->idx == dev_avail)
        return false;
    c->head = i = av->ring[dev_avail++ % QSIZE];
    c->n = 0;
    if (ring_desc[i].flags & VIRTQ_DESC_F_INDIRECT) {
        const struct virtq_desc *t = (const void *)(uintptr_t)ring_desc[i].addr;

        for (unsigned int k = 0; k < ring_desc[i].len / 16; k++)
            c->d[c->n++] = t[k];
        return true;
    }
    for (;;) {
        c->d[c->n++] = ring_desc[i];
        if (!(ring_desc[i].flags & VIRTQ_DESC_F_NEXT))
            return true;
        i = ring_desc[i].next;
    }
}

static void dev_used(uint32_t id, uint32_t len)
{
    struct virtq_used *u = (struct virtq_used *)ring_used;

    u->ring[u->idx % QSIZE] = (struct virtq_used_elem){ id, len };
    u->idx++;
}

/* Serve one chain with status st (0xfe: leave the status byte alone). */
static uint32_t dev_serve(const struct chain *c, uint8_t st)
{
    const uint32_t *hdr = (const void *)(uintptr_t)c->d[0].addr;
    uint64_t sector;
    uint32_t len = 1;

    memcpy(&sector, hdr + 2, 8);
    assert_int_equal(c->d[0].len, 16);
    assert_false(c->d[0].flags & VIRTQ_DESC_F_WRITE);
    assert_int_equal(c->d[c->n - 1].len, 1);
    assert_true(c->d[c->n - 1].flags & VIRTQ_DESC_F_WRITE);
    for (unsigned int k = 1; k + 1 < c->n; k++) {
        uint8_t *buf = (uint8_t *)(uintptr_t)c->d[k].addr;

        assert_true(sector * 512 + c->d[k].len <= sizeof(medium));
        if (hdr[0] == 0) {
            assert_true(c->d[k].flags & VIRTQ_DESC_F_WRITE);
            memcpy(buf, medium + sector * 512, c->d[k].len);
            len += c->d[k].len;
        } else {
            assert_int_equal(hdr[0], 1);
            memcpy(medium + sector * 512, buf, c->d[k].len);
        }
        sector += c->d[k].len / 512;
    }
    if (st != 0xfe)
        *(uint8_t *)(uintptr_t)c->d[c->n - 1].addr = st;
    return len;
}

/* Complete the next n chains with status st, then "the interrupt". */
static void dev_complete(unsigned int n, uint8_t st)
{
    struct chain c;

    for (unsigned int i = 0; i < n; i++) {
        assert_true(dev_take(&c));
        dev_used(c.head, dev_serve(&c, st));
    }
    queue->work(queue);
}

/* ---- requests ---- */
static int done_status[64];
static unsigned int done_count;
static uint8_t bufs[16][4096] __attribute__((aligned(4096)));

static void on_done(struct blkdev_req *req, int status)
{
    done_status[done_count++] = status;
    req->arg = (void *)1;               /* seen */
}

static void make_req(struct blkdev_req *req, enum blkdev_op op, uint64_t sector,
                     unsigned int nsegs, unsigned int first_buf)
{
    memset(req, 0, sizeof(*req));
    req->op = op;
    req->sector = sector;
    req->nr_segs = nsegs;
    for (unsigned int i = 0; i < nsegs; i++)
        req->seg[i] = (struct blkdev_seg){ (uintptr_t)bufs[first_buf + i], 4096 };
    req->done = on_done;
}

static struct blkdev *probe(uint64_t features)
{
    static struct pci_dev pci;

    offered = features | VIRTIO_F(VIRTIO_F_VERSION_1);
    failed = dma_broken = false;
    done_count = 0;
    return virtio_blk_probe(&pci);
}

static int setup(void **state)
{
    pages_init(&dom0_pages, (uintptr_t)pool_mem, POOL_PAGES, pool_bitmap);
    pages_add(&dom0_pages, (uintptr_t)pool_mem, (uintptr_t)pool_mem + sizeof(pool_mem));
    return 0;
}

static void test_probe(void **state)
{
    struct blkdev *d = probe(VIRTIO_F(F_RO) | VIRTIO_F(F_SEG_MAX) |
                             VIRTIO_F(VIRTIO_F_RING_INDIRECT_DESC));

    assert_non_null(d);
    assert_ptr_equal(blkdev_find(d->name), d);
    assert_int_equal(d->sectors, DISK_SECTORS);
    assert_true(d->read_only);
    assert_false(d->volatile_cache);
    assert_int_equal(d->max_segs, BLKDEV_MAX_SEGS);     /* seg_max 64: our 32 */
    seg_max = 5;
    d = probe(VIRTIO_F(F_SEG_MAX));
    assert_int_equal(d->max_segs, 5);
    seg_max = 64;
    d = probe(0);                                       /* direct: 8 - 2 */
    assert_int_equal(d->max_segs, QSIZE - 2);
}

static void test_write_read(void **state)
{
    struct blkdev *d = probe(VIRTIO_F(F_FLUSH) | VIRTIO_F(VIRTIO_F_RING_INDIRECT_DESC));
    struct blkdev_req w, r, f;

    memset(bufs[0], 0xa5, 4096);
    memset(bufs[1], 0x3c, 4096);
    make_req(&w, BLKDEV_WRITE, 16, 2, 0);
    assert_int_equal(blkdev_submit(d, &w), 0);
    assert_int_equal(done_count, 0);                    /* never inside submit */
    assert_int_equal(queue->kicks, 1);
    dev_complete(1, 0);
    assert_int_equal(done_count, 1);
    assert_int_equal(done_status[0], 0);
    assert_int_equal(medium[16 * 512], 0xa5);
    assert_int_equal(medium[24 * 512], 0x3c);
    memset(bufs[2], 0, 8192);
    make_req(&r, BLKDEV_READ, 16, 2, 2);
    assert_int_equal(blkdev_submit(d, &r), 0);
    dev_complete(1, 0);
    assert_int_equal(done_status[1], 0);
    assert_memory_equal(bufs[2], bufs[0], 8192);
    /* A flush goes to the device; done only with its completion. */
    make_req(&f, BLKDEV_FLUSH, 0, 0, 0);
    assert_int_equal(blkdev_submit(d, &f), 0);
    blkdev_run();
    assert_int_equal(done_count, 2);
    dev_complete(1, 0);
    assert_int_equal(done_count, 3);
}

static void test_device_errors(void **state)
{
    struct blkdev *d = probe(VIRTIO_F(VIRTIO_F_RING_INDIRECT_DESC));
    struct blkdev_req a, b, f;

    make_req(&a, BLKDEV_READ, 0, 1, 0);
    make_req(&b, BLKDEV_READ, 8, 1, 1);
    assert_int_equal(blkdev_submit(d, &a), 0);
    assert_int_equal(blkdev_submit(d, &b), 0);
    dev_complete(1, 1);                                 /* VIRTIO_BLK_S_IOERR */
    dev_complete(1, 0xfe);                              /* status never written */
    assert_int_equal(done_count, 2);
    assert_int_equal(done_status[0], -XEN_EIO);
    assert_int_equal(done_status[1], -XEN_EIO);
    /* No volatile cache: a flush is done at once, from the loop. */
    make_req(&f, BLKDEV_FLUSH, 0, 0, 0);
    assert_int_equal(blkdev_submit(d, &f), 0);
    assert_int_equal(done_count, 2);
    blkdev_run();
    assert_int_equal(done_count, 3);
    assert_int_equal(done_status[2], 0);
    /* A buffer without a bus address: refused, done never called. */
    dma_broken = true;
    assert_int_equal(blkdev_submit(d, &a), -XEN_EFAULT);
    dma_broken = false;
    assert_int_equal(blkdev_submit(d, &a), 0);
    dev_complete(1, 0);
    assert_int_equal(done_count, 4);
}

/* More requests than slots (indirect) or ring room (direct): the rest
 * wait, in order, and go as completions free room. */
static void depth(uint64_t features, unsigned int segs, unsigned int fits)
{
    struct blkdev *d = probe(features);
    struct blkdev_req req[10];
    struct vblk_stats st;
    unsigned int completed = 0;

    for (unsigned int i = 0; i < 10; i++) {
        make_req(&req[i], BLKDEV_READ, i * 8, segs, 0);
        assert_int_equal(blkdev_submit(d, &req[i]), 0);
    }
    assert_true(virtio_blk_stats(d, &st));
    assert_int_equal(st.submitted, fits);
    assert_int_equal(st.waited, 10 - fits);
    while (completed < 10) {
        unsigned int before = done_count;

        dev_complete(1, 0);
        completed++;
        assert_int_equal(done_count, before + 1);
    }
    assert_int_equal(done_count, 10);
    for (unsigned int i = 0; i < 10; i++) {
        assert_int_equal(done_status[i], 0);
        assert_ptr_equal(req[i].arg, (void *)1);
    }
    assert_true(virtio_blk_stats(d, &st));
    assert_int_equal(st.completed, 10);
}

static void test_depth(void **state)
{
    depth(VIRTIO_F(VIRTIO_F_RING_INDIRECT_DESC), 3, QSIZE);    /* a slot each */
    depth(0, 2, QSIZE / 4);                                     /* 4 descriptors each */
}

/* A device that lies in its used ring is stopped; everything it held and
 * everything waiting fails; nothing more is taken. */
static void test_hostile_device(void **state)
{
    struct blkdev *d = probe(0);
    struct blkdev_req req[4];
    struct vblk_stats st;

    for (unsigned int i = 0; i < 4; i++) {
        make_req(&req[i], BLKDEV_READ, i * 8, 2, 0);
        assert_int_equal(blkdev_submit(d, &req[i]), 0);
    }
    dev_used(QSIZE + 3, 0);                             /* an id past the ring */
    queue->work(queue);
    assert_true(failed);
    assert_int_equal(done_count, 4);
    for (unsigned int i = 0; i < 4; i++)
        assert_int_equal(done_status[i], -XEN_EIO);
    assert_int_equal(blkdev_submit(d, &req[0]), -XEN_EIO);
    queue->work(queue);                                 /* a late interrupt: nothing */
    assert_int_equal(done_count, 4);
    assert_true(virtio_blk_stats(d, &st));
    assert_int_equal(st.errors, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_write_read),
        cmocka_unit_test(test_device_errors),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_hostile_device),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
