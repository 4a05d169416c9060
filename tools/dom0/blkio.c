// SPDX-License-Identifier: MIT
/*
 * Synchronous block I/O (blkio.h) and the GPT scan (blkdev_scan_gpt):
 * one request through bounce pages, then the event loop until its done()
 * came or BLK_SYNC_TIMEOUT_S passed (blk_timeout=SECONDS on dom0's command
 * line says otherwise). The disk's interrupts, timers and
 * other ports are served meanwhile (dom0_wait).
 */
#include <public/errno.h>
#include <stdlib.h>
#include <string.h>
#include "blkio.h"
#include "dom0.h"
#include "gpt.h"
#include "test.h"
#include "xen.h"

/* One synchronous request and its bounce pages. If the device does not
 * answer in time, the caller goes on and the request, still the device's,
 * is abandoned: its done() frees it all whenever it comes, so the device
 * never writes into memory that was given back. */
struct sync_io {
    struct blkdev_req req;
    volatile bool woken;                /* done() or the timer */
    bool completed, abandoned;
    int status;
    uint64_t pages, nr_pages;           /* the bounce buffer */
};

static void sync_free(struct sync_io *s)
{
    if (s->nr_pages)
        pages_free(&dom0_pages, s->pages, s->nr_pages);
    free(s);
}

static void sync_done(struct blkdev_req *req, int status)
{
    struct sync_io *s = req->arg;

    if (s->abandoned) {
        sync_free(s);
        return;
    }
    s->status = status;
    s->completed = true;
    s->woken = true;
}

static void sync_timeout(void *arg)
{
    ((struct sync_io *)arg)->woken = true;
}

int blk_sync(struct blkdev *dev, enum blkdev_op op, uint64_t sector, void *buf,
             uint32_t sectors)
{
    struct sync_io *s = calloc(1, sizeof(*s));
    struct dom0_timer t = { .fn = sync_timeout, .arg = s };
    uint64_t timeout_s = cmdline_u64_or("blk_timeout", BLK_SYNC_TIMEOUT_S);
    uint64_t bytes = op == BLKDEV_FLUSH ? 0 : (uint64_t)sectors * BLKDEV_SECTOR;
    int rc;

    if (!s)
        return -XEN_ENOMEM;
    if (!timeout_s)
        timeout_s = BLK_SYNC_TIMEOUT_S;
    s->nr_pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    if (s->nr_pages > BLKDEV_MAX_SEGS ||
        (s->nr_pages && !(s->pages = pages_alloc(&dom0_pages, s->nr_pages)))) {
        rc = s->nr_pages > BLKDEV_MAX_SEGS ? -XEN_EINVAL : -XEN_ENOMEM;
        s->nr_pages = 0;
        sync_free(s);
        return rc;
    }
    s->req = (struct blkdev_req){ .op = op, .sector = sector, .done = sync_done, .arg = s };
    for (uint64_t at = 0; at < bytes; at += PAGE_SIZE)
        s->req.seg[s->req.nr_segs++] = (struct blkdev_seg){
            s->pages + at, bytes - at < PAGE_SIZE ? bytes - at : PAGE_SIZE };
    if (op == BLKDEV_WRITE)
        memcpy((void *)(uintptr_t)s->pages, buf, bytes);
    if ((rc = blkdev_submit(dev, &s->req))) {
        sync_free(s);
        return rc;
    }
    timer_arm(&t, now_ns() + timeout_s * 1000000000ull);
    dom0_wait(&s->woken);
    timer_disarm(&t);
    if (!s->completed) {
        printf("dom0: %s: no answer in %lu s to a request at sector %lu; abandoned\n",
               dev->name, (unsigned long)timeout_s, (unsigned long)sector);
        s->abandoned = true;            /* done() frees it */
        return -XEN_ETIMEDOUT;
    }
    if (!(rc = s->status) && op == BLKDEV_READ)
        memcpy(buf, (void *)(uintptr_t)s->pages, bytes);
    sync_free(s);
    return rc;
}

/* Register partition i (1-based) of dev. */
static int add_partition(struct blkdev *dev, unsigned int i, const struct gpt_part *p)
{
    struct blkdev *part = calloc(1, sizeof(*part));
    int rc;

    if (!part)
        return -XEN_ENOMEM;
    *part = (struct blkdev){
        .sectors = p->last - p->first + 1, .read_only = dev->read_only,
        .volatile_cache = dev->volatile_cache, .max_segs = dev->max_segs,
        .ops = dev->ops, .parent = dev, .offset = p->first,
    };
    if (snprintf(part->name, sizeof(part->name), "%s%u", dev->name, i) >=
        (int)sizeof(part->name) || (rc = blkdev_register(part))) {
        free(part);
        return -XEN_EINVAL;
    }
    return 0;
}

/* The header at lba and its entries into parts: how many are in use, or
 * -XEN_ENOENT (no signature), -XEN_EINVAL (damaged), an I/O error. */
static int read_table(struct blkdev *dev, uint64_t lba, void *buf, struct gpt_part *parts)
{
    struct gpt_header_info h;
    int rc;

    if ((rc = blk_sync(dev, BLKDEV_READ, lba, buf, 1)))
        return rc;
    if ((rc = gpt_header_check(buf, lba, dev->sectors, &h)))
        return rc == -1 ? -XEN_ENOENT : -XEN_EINVAL;
    rc = blk_sync(dev, BLKDEV_READ, h.entries_lba, buf,
                  ((uint64_t)h.nr_entries * h.entry_size + GPT_SECTOR - 1) / GPT_SECTOR);
    if (rc)
        return rc;
    rc = gpt_entries(buf, &h, parts, GPT_MAX_ENTRIES);
    return rc < 0 ? -XEN_EINVAL : rc;
}

int blkdev_scan_gpt(struct blkdev *dev)
{
    struct gpt_part parts[GPT_MAX_ENTRIES];
    uint64_t pages = pages_alloc(&dom0_pages, GPT_MAX_TABLE_BYTES / PAGE_SIZE);
    void *buf = (void *)(uintptr_t)pages;
    int rc, n;

    if (!pages)
        return -XEN_ENOMEM;
    if (dev->sectors < 3) {
        rc = -XEN_ENOENT;
        goto out;
    }
    /* The primary, else the backup (UEFI 5.3.2: a damaged primary is
     * recovered from the backup; dom0 reads it, writes nothing). */
    n = read_table(dev, 1, buf, parts);
    if (n == -XEN_ENOENT || n == -XEN_EINVAL) {
        int b = read_table(dev, dev->sectors - 1, buf, parts);

        if (b >= 0) {
            printf("dom0: %s: the primary GPT is %s; using the backup\n", dev->name,
                   n == -XEN_ENOENT ? "missing" : "damaged");
            n = b;
        }
    }
    if (n < 0) {
        rc = n;
        goto out;
    }
    rc = 0;
    for (int i = 0; i < n && !rc; i++)
        rc = add_partition(dev, i + 1, &parts[i]);
    rc = rc ? rc : n;
out:
    pages_free(&dom0_pages, pages, GPT_MAX_TABLE_BYTES / PAGE_SIZE);
    return rc;
}
