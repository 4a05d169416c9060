// SPDX-License-Identifier: MIT
/*
 * Synchronous block I/O (blkio.h) and the GPT scan (blkdev_scan_gpt):
 * one request, then the event loop until its done() came. The disk's
 * interrupts, timers and other ports are served meanwhile (dom0_wait).
 */
#include <public/errno.h>
#include <stdlib.h>
#include <string.h>
#include "blkio.h"
#include "dom0.h"
#include "gpt.h"
#include "test.h"

struct sync_io {
    volatile bool done;
    int status;
};

static void sync_done(struct blkdev_req *req, int status)
{
    struct sync_io *s = req->arg;

    s->status = status;
    s->done = true;
}

int blk_sync(struct blkdev *dev, enum blkdev_op op, uint64_t sector, void *buf,
             uint32_t sectors)
{
    struct sync_io s = { 0 };
    struct blkdev_req *req = calloc(1, sizeof(*req));
    uint64_t bytes = (uint64_t)sectors * BLKDEV_SECTOR, gpa = (uintptr_t)buf;
    int rc;

    if (!req)
        return -XEN_ENOMEM;
    req->op = op;
    req->sector = sector;
    req->done = sync_done;
    req->arg = &s;
    for (uint64_t at = 0; op != BLKDEV_FLUSH && at < bytes; at += PAGE_SIZE) {
        if (req->nr_segs == BLKDEV_MAX_SEGS) {
            free(req);
            return -XEN_EINVAL;
        }
        req->seg[req->nr_segs].gpa = gpa + at;
        req->seg[req->nr_segs++].len = bytes - at < PAGE_SIZE ? bytes - at : PAGE_SIZE;
    }
    if (!(rc = blkdev_submit(dev, req))) {
        dom0_wait(&s.done);
        rc = s.status;
    }
    free(req);
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
