/* SPDX-License-Identifier: MIT */
/* Unit tests: dom0's virtio-blk driver (tools/dom0/virtio_blk.c) over the
 * fake transport (virtio_fake.h). The test is the device: it walks the
 * descriptors (bus addresses are host pointers here), moves data to and
 * from a RAM medium, writes the status byte and used entries, and calls
 * the queue's work as the event loop would after an interrupt. */
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
#include "virtio_fake.h"

#define QSIZE           FAKE_QSIZE
#define DISK_SECTORS    256
#define F_RO            5
#define F_FLUSH         9
#define F_SEG_MAX       2

static uint8_t medium[DISK_SECTORS * 512];

static void set_seg_max(uint32_t n)
{
    memcpy(fake_cfg + 12, &n, 4);
}

/* Serve one chain with status st (0xfe: leave the status byte alone). */
static uint32_t dev_serve(const struct fake_chain *c, uint8_t st)
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
    struct fake_chain c;

    for (unsigned int i = 0; i < n; i++) {
        assert_true(fake_take(0, &c));
        fake_used(0, c.head, dev_serve(&c, st));
    }
    fake_interrupt(0);
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
    uint64_t sectors = DISK_SECTORS;

    fake_reset(features);
    memcpy(fake_cfg, &sectors, 8);
    done_count = 0;
    return virtio_blk_probe(&pci);
}

static void test_probe(void **state)
{
    struct blkdev *d;

    set_seg_max(64);
    d = probe(VIRTIO_F(F_RO) | VIRTIO_F(F_SEG_MAX) | VIRTIO_F(VIRTIO_F_RING_INDIRECT_DESC));
    assert_non_null(d);
    assert_ptr_equal(blkdev_find(d->name), d);
    assert_int_equal(d->sectors, DISK_SECTORS);
    assert_true(d->read_only);
    assert_false(d->volatile_cache);
    assert_int_equal(d->max_segs, BLKDEV_MAX_SEGS);     /* seg_max 64: our 32 */
    set_seg_max(5);
    d = probe(VIRTIO_F(F_SEG_MAX));
    assert_int_equal(d->max_segs, 5);
    set_seg_max(64);
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
    assert_int_equal(fake_queue[0]->kicks, 1);
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
    fake_dma_broken = true;
    assert_int_equal(blkdev_submit(d, &a), -XEN_EFAULT);
    fake_dma_broken = false;
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
    fake_used(0, QSIZE + 3, 0);                         /* an id past the ring */
    fake_interrupt(0);
    assert_true(fake_failed);
    assert_int_equal(done_count, 4);
    for (unsigned int i = 0; i < 4; i++)
        assert_int_equal(done_status[i], -XEN_EIO);
    assert_int_equal(blkdev_submit(d, &req[0]), -XEN_EIO);
    fake_interrupt(0);                                  /* a late interrupt: nothing */
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

    return cmocka_run_group_tests(tests, NULL, NULL);
}
