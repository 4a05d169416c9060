/* SPDX-License-Identifier: MIT */
/* dom0's virtio-blk driver (virtio_blk.c, docs/virtio.md). */
#ifndef DOM0_VIRTIO_BLK_H
#define DOM0_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

struct blkdev;
struct pci_dev;

struct vblk_stats {
    uint64_t submitted;         /* requests put on the ring */
    uint64_t completed;         /* done with status 0 */
    uint64_t errors;            /* done with an error */
    uint64_t waited;            /* found no room at first and waited */
    uint64_t interrupts;        /* queue events handled */
    uint64_t kicks;             /* notifications sent */
};

/* Drive d as the next disk, "vda" first, and register it: the disk, or
 * NULL (why is printed). */
struct blkdev *virtio_blk_probe(struct pci_dev *d);
/* dev's counters if it is a virtio-blk disk. */
bool virtio_blk_stats(const struct blkdev *dev, struct vblk_stats *st);

#endif
