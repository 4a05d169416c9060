// SPDX-License-Identifier: MIT
/*
 * dom0's block devices (blkdev.h): the registry by name, the checks every
 * request passes before a driver sees it, partitions forwarding to their
 * disk, and the completion queue for drivers that finish a request at
 * once. Pure logic (no hypercalls), so the host unit tests build it as it
 * is. One vCPU, everything from the event loop: no locking.
 */
#include <string.h>
#include <public/errno.h>
#include "blkdev.h"

#define PAGE_4K         4096u

static struct blkdev *registry;
static struct blkdev_req *done_head, *done_tail;

int blkdev_register(struct blkdev *dev)
{
    size_t n = strnlen(dev->name, BLKDEV_NAME_MAX);

    if (!n || n == BLKDEV_NAME_MAX || !dev->ops || !dev->ops->submit ||
        !dev->max_segs || dev->max_segs > BLKDEV_MAX_SEGS)
        return -XEN_EINVAL;
    if (blkdev_find(dev->name))
        return -XEN_EEXIST;
    dev->next = registry;
    registry = dev;
    return 0;
}

void blkdev_unregister(struct blkdev *dev)
{
    for (struct blkdev **pp = &registry; *pp; pp = &(*pp)->next)
        if (*pp == dev) {
            *pp = dev->next;
            return;
        }
}

struct blkdev *blkdev_find(const char *name)
{
    for (struct blkdev *d = registry; d; d = d->next)
        if (!strncmp(d->name, name, BLKDEV_NAME_MAX))
            return d;
    return NULL;
}

struct blkdev *blkdev_first(void)
{
    return registry;
}

/* Segments: 1..max_segs, each 512-aligned within one page; the sum must
 * fit the device from req->sector. */
static int check_rw(const struct blkdev *dev, const struct blkdev_req *req)
{
    uint64_t sectors = 0;

    if (!req->nr_segs || req->nr_segs > dev->max_segs || req->nr_segs > BLKDEV_MAX_SEGS)
        return -XEN_EINVAL;
    for (unsigned int i = 0; i < req->nr_segs; i++) {
        const struct blkdev_seg *s = &req->seg[i];

        if (!s->len || s->len % BLKDEV_SECTOR || s->gpa % BLKDEV_SECTOR ||
            s->gpa % PAGE_4K + s->len > PAGE_4K)
            return -XEN_EINVAL;
        sectors += s->len / BLKDEV_SECTOR;
    }
    if (req->sector >= dev->sectors || sectors > dev->sectors - req->sector)
        return -XEN_EINVAL;
    if (req->op == BLKDEV_WRITE && dev->read_only)
        return -XEN_EROFS;
    return 0;
}

int blkdev_submit(struct blkdev *dev, struct blkdev_req *req)
{
    int rc;

    if (!dev || !req || !req->done)
        return -XEN_EINVAL;
    switch (req->op) {
    case BLKDEV_READ:
    case BLKDEV_WRITE:
        if ((rc = check_rw(dev, req)))
            return rc;
        break;
    case BLKDEV_FLUSH:
        if (req->nr_segs)
            return -XEN_EINVAL;
        break;
    default:
        return -XEN_EINVAL;
    }
    if (dev->parent) {
        /* A partition: the request goes on as the disk's (checked again
         * there against the whole disk), req->sector now disk-relative. */
        if (req->op != BLKDEV_FLUSH)
            req->sector += dev->offset;
        return blkdev_submit(dev->parent, req);
    }
    return dev->ops->submit(dev, req);
}

void blkdev_complete(struct blkdev_req *req, int status)
{
    req->priv[3] = (uint64_t)(int64_t)status;
    req->next = NULL;
    if (done_tail)
        done_tail->next = req;
    else
        done_head = req;
    done_tail = req;
}

bool blkdev_pending(void)
{
    return done_head != NULL;
}

void blkdev_run(void)
{
    /* Only what is queued now: a done() that submits again and whose new
     * request completes at once is run on the next round. */
    struct blkdev_req *req = done_head;

    done_head = done_tail = NULL;
    while (req) {
        struct blkdev_req *next = req->next;

        req->done(req, (int)(int64_t)req->priv[3]);
        req = next;
    }
}
