/* SPDX-License-Identifier: MIT */
/*
 * Block devices in dom0: what users of a disk (blkback, the `disk` shell
 * command, the bench) call, and what drivers (virtio-blk, the RAM disk) and
 * partitions (a GPT's entries) provide. Asynchronous: blkdev_submit()
 * queues a request; its done() runs later from the event loop (never
 * inside blkdev_submit), once the device has it (for a write: the device
 * acknowledged it; for a flush: everything written before is on stable
 * storage as far as the device can tell).
 *
 * Buffers are dom0 guest-physical addresses: dom0's own pages or pages it
 * maps from a guest in the fmap window (a grant). A segment lies within one
 * 4 KiB page, its offset and length multiples of 512. Drivers that DMA turn
 * them into bus addresses (PETREL_SYSCTL_bus_addr); the RAM disk copies.
 */
#ifndef DOM0_BLKDEV_H
#define DOM0_BLKDEV_H

#include <stdbool.h>
#include <stdint.h>

#define BLKDEV_SECTOR           512u
#define BLKDEV_MAX_SEGS         32      /* per request; blkif's indirect max */
#define BLKDEV_NAME_MAX         16

enum blkdev_op { BLKDEV_READ, BLKDEV_WRITE, BLKDEV_FLUSH };

struct blkdev_seg {
    uint64_t gpa;                       /* dom0 guest-physical */
    uint32_t len;                       /* bytes, a multiple of 512 */
};

struct blkdev;
struct blkdev_req {
    enum blkdev_op op;
    uint64_t sector;                    /* first sector, device-relative */
    unsigned int nr_segs;               /* 0 for a flush */
    struct blkdev_seg seg[BLKDEV_MAX_SEGS];
    /* status: 0, or a negative Xen errno (-XEN_EIO from the device,
     * -XEN_EINVAL for a request blkdev_submit refused, -XEN_EROFS). */
    void (*done)(struct blkdev_req *req, int status);
    void *arg;                          /* the caller's */
    /* The device's, while queued: */
    struct blkdev_req *next;
    uint64_t priv[4];
};

struct blkdev_ops {
    /* Queue req (already checked against the device's size, read-only
     * flag and max_segs by blkdev_submit); 0, or an error and done() is
     * not called. */
    int (*submit)(struct blkdev *dev, struct blkdev_req *req);
};

struct blkdev {
    char name[BLKDEV_NAME_MAX];         /* "vda", "vda2", "ram0" */
    uint64_t sectors;                   /* size in 512-byte sectors */
    bool read_only;
    bool volatile_cache;                /* a flush is needed for durability */
    unsigned int max_segs;              /* <= BLKDEV_MAX_SEGS */
    const struct blkdev_ops *ops;
    void *priv;                         /* the driver's */
    struct blkdev *parent;              /* a partition: its disk; offset in */
    uint64_t offset;                    /*   sectors from the disk's start  */
    struct blkdev *next;                /* the registry */
};

/* Make dev findable by name; 0 or -XEN_EEXIST. */
int blkdev_register(struct blkdev *dev);
void blkdev_unregister(struct blkdev *dev);
struct blkdev *blkdev_find(const char *name);
/* Iterate: blkdev_first(), then ->next. */
struct blkdev *blkdev_first(void);

/* Check req against dev (sector range, segment count and alignment,
 * read-only) and queue it: 0, or a negative Xen errno and done() is not
 * called. A partition forwards to its disk with the offset added. */
int blkdev_submit(struct blkdev *dev, struct blkdev_req *req);

/* For drivers without an interrupt of their own (the RAM disk): have
 * req->done(req, status) called from the event loop soon, never from the
 * caller's stack. Uses req->next and req->priv[3]. blkdev_pending() says
 * whether such completions wait (the loop must not block), blkdev_run()
 * calls them. (Added by h-blk.) */
void blkdev_complete(struct blkdev_req *req, int status);
bool blkdev_pending(void);
void blkdev_run(void);

/* The RAM disks of `ramdisk=SIZE[@MS][/SEGS][,...]` on dom0's command
 * line (sizes in KiB, or with a K, M or G suffix; @MS: each request
 * completes MS ms late; /SEGS: max_segs): ram0, ram1... from dom0's pages,
 * zeroed. Called once at boot; a failure is reported. (ramdisk.c) */
void ramdisk_init(void);

/* Register dev's GPT partitions as "<name>1".."<name>N" (entries in use,
 * in table order, with their LBA ranges checked against the disk); reads
 * the header and table synchronously through the event loop. The number
 * registered, or a negative Xen errno (no GPT: -XEN_ENOENT). */
int blkdev_scan_gpt(struct blkdev *dev);

#endif
