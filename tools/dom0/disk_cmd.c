// SPDX-License-Identifier: MIT
/*
 * The shell's `disk` command (devices.h): the block devices with their
 * counters, and I/O on them through blkdev_submit(), as blkback does:
 * single synchronous requests, and `disk scan`, the whole device a page a
 * request with many in flight (dom0's own figure for the bench).
 */
#include <public/errno.h>
#include <stdlib.h>
#include <string.h>
#include "../libhv/libhv.h"
#include "blkdev.h"
#include "blkio.h"
#include "devices.h"
#include "dom0.h"
#include "gpt.h"
#include "test.h"
#include "virtio_blk.h"
#include "x86.h"
#include "xen.h"

#define DISK_IO_MAX     (BLKDEV_MAX_SEGS * PAGE_SIZE / BLKDEV_SECTOR)   /* sectors */
#define PAGE_SECTORS    (PAGE_SIZE / BLKDEV_SECTOR)

static void disk_list(void)
{
    struct blkdev *list[64];
    unsigned int n = 0;
    struct vblk_stats st;

    for (struct blkdev *d = blkdev_first(); d && n < 64; d = d->next) {
        unsigned int i = n++;

        for (; i && strcmp(list[i - 1]->name, d->name) > 0; i--)
            list[i] = list[i - 1];          /* by name: vda, vda1, vdb */
        list[i] = d;
    }
    for (unsigned int i = 0; i < n; i++) {
        struct blkdev *d = list[i];

        printf("%-8s %12lu sectors %8lu KiB %s", d->name, (unsigned long)d->sectors,
               (unsigned long)(d->sectors / 2), d->read_only ? "ro" : "rw");
        if (d->parent)
            printf(" on %s from sector %lu", d->parent->name, (unsigned long)d->offset);
        printf("\n");
        if (virtio_blk_stats(d, &st))
            printf("         virtio: %lu requests, %lu errors, %lu waited, %lu interrupts, "
                   "%lu kicks\n", (unsigned long)st.submitted, (unsigned long)st.errors,
                   (unsigned long)st.waited, (unsigned long)st.interrupts,
                   (unsigned long)st.kicks);
    }
    if (!n)
        printf("disk: no block devices\n");
}

static int disk_usage(void)
{
    printf("usage: disk [read <dev> <sector> <count> | write <dev> <sector> <count> <byte> |"
           " flush <dev> | scan <dev> [depth] [random] [nocrc]]\n");
    return 1;
}

/* disk scan: the whole device read a page a request, up to 'depth'
 * requests in flight, in order or in a random order (request k reads
 * page k * stride mod pages: every page once, stride a prime that does
 * not divide the count); the CRC-32 is taken in request order as the
 * front of the window completes, so request k reuses buffer k % depth
 * only once the one before it was summed. nocrc: no CRC-32 (make bench:
 * a bitwise CRC of a page costs more instructions than its request). */
#define SCAN_DEPTH_MAX  32
struct scan {
    struct blkdev *dev;
    uint64_t next_submit, next_sum, total;      /* in requests */
    uint64_t stride;                            /* 1: in order */
    unsigned int depth, in_flight, max_in_flight;
    bool nocrc;
    uint32_t crc;
    int err;
    volatile bool done;
    uint8_t *pages;
    bool ready[SCAN_DEPTH_MAX];
    struct blkdev_req req[SCAN_DEPTH_MAX];
};

/* The page request k reads. */
static uint64_t scan_page(const struct scan *s, uint64_t k)
{
    return (k % s->total) * s->stride % s->total;
}

static uint32_t scan_bytes(const struct scan *s, uint64_t k)
{
    uint64_t left = (s->dev->sectors - scan_page(s, k) * PAGE_SECTORS) * BLKDEV_SECTOR;

    return left < PAGE_SIZE ? left : PAGE_SIZE;
}

static void scan_done(struct blkdev_req *req, int status);

static void scan_submit(struct scan *s)
{
    while (!s->err && s->next_submit < s->total && s->next_submit < s->next_sum + s->depth) {
        uint64_t k = s->next_submit++;
        struct blkdev_req *req = &s->req[k % s->depth];
        int rc;

        *req = (struct blkdev_req){
            .op = BLKDEV_READ, .sector = scan_page(s, k) * PAGE_SECTORS, .nr_segs = 1,
            .seg = { { (uintptr_t)s->pages + (k % s->depth) * PAGE_SIZE, scan_bytes(s, k) } },
            .done = scan_done, .arg = s,
        };
        if ((rc = blkdev_submit(s->dev, req))) {
            s->err = rc;
            break;
        }
        if (++s->in_flight > s->max_in_flight)
            s->max_in_flight = s->in_flight;
    }
    if (!s->in_flight && (s->err || s->next_sum == s->total))
        s->done = true;
}

static void scan_done(struct blkdev_req *req, int status)
{
    struct scan *s = req->arg;

    s->in_flight--;
    s->ready[req - s->req] = true;
    if (status && !s->err)
        s->err = status;
    while (!s->err && s->next_sum < s->next_submit && s->ready[s->next_sum % s->depth]) {
        unsigned int i = s->next_sum % s->depth;

        if (!s->nocrc)
            s->crc = gpt_crc32(s->crc, s->pages + i * PAGE_SIZE, scan_bytes(s, s->next_sum));
        s->ready[i] = false;
        s->next_sum++;
    }
    scan_submit(s);
}

static int disk_scan(struct blkdev *dev, unsigned int depth, bool random, bool nocrc)
{
    static const uint64_t strides[] = { 40503, 65537, 1000003 };
    struct scan *s = calloc(1, sizeof(*s));
    uint64_t t0 = now_ns(), tsc0 = rdtsc(), ns;
    int rc;

    if (!s)
        return -XEN_ENOMEM;
    s->dev = dev;
    s->depth = depth;
    s->nocrc = nocrc;
    s->total = (dev->sectors + PAGE_SECTORS - 1) / PAGE_SECTORS;
    s->stride = 1;
    for (unsigned int i = 0; random && s->stride == 1 && i < 3; i++)
        if (s->total % strides[i])
            s->stride = strides[i];
    if (!(s->pages = (uint8_t *)(uintptr_t)pages_alloc(&dom0_pages, depth))) {
        free(s);
        return -XEN_ENOMEM;
    }
    scan_submit(s);
    dom0_wait(&s->done);
    ns = now_ns() - t0;
    if (!(rc = s->err)) {
        printf("disk: scan %s: %lu sectors %s, crc32 %08x, depth %u, at most %u in flight, "
               "%lu ms\n", dev->name, (unsigned long)dev->sectors,
               s->stride == 1 ? "in order" : "in random order", s->crc, s->depth,
               s->max_in_flight, (unsigned long)(ns / 1000000));
        /* make bench's line: the pvclock and the TSC (instructions under
         * QEMU's -icount) over the whole scan. */
        printf("disk: scan %s: %lu requests, %lu bytes, %lu ns, %lu TSC ticks\n", dev->name,
               (unsigned long)s->total, (unsigned long)(dev->sectors * BLKDEV_SECTOR),
               (unsigned long)ns, (unsigned long)(rdtsc() - tsc0));
    }
    pages_free(&dom0_pages, (uintptr_t)s->pages, depth);
    free(s);
    return rc;
}

/* disk read|write|flush ...: one synchronous request through blkdev_submit. */
static int disk_io(int argc, char **argv)
{
    bool rd = !strcmp(argv[1], "read"), wr = !strcmp(argv[1], "write");
    struct blkdev *dev = blkdev_find(argv[2]);
    uint64_t sector = 0, count = 0, byte = 0, pages;
    uint8_t *buf;
    int rc;

    if (!dev) {
        printf("disk: %s: no such device\n", argv[2]);
        return 1;
    }
    if (!strcmp(argv[1], "scan")) {
        bool random = false, nocrc = false, depth = false;

        count = 1;
        for (int i = 3; i < argc; i++) {
            if (!strcmp(argv[i], "random") && !random)
                random = true;
            else if (!strcmp(argv[i], "nocrc") && !nocrc)
                nocrc = true;
            else if (!depth && i == 3 && parse_u64(argv[i], &count) && count &&
                     count <= SCAN_DEPTH_MAX)
                depth = true;
            else
                return disk_usage();
        }
        if ((rc = disk_scan(dev, count, random, nocrc)))
            goto err;
        return 0;
    }
    if (!strcmp(argv[1], "flush")) {
        if ((rc = blk_sync(dev, BLKDEV_FLUSH, 0, NULL, 0)))
            goto err;
        printf("disk: flushed %s\n", dev->name);
        return 0;
    }
    if ((!rd && !wr) || argc != (rd ? 5 : 6) || !parse_u64(argv[3], &sector) ||
        !parse_u64(argv[4], &count) || !count || count > DISK_IO_MAX ||
        (wr && (!parse_u64(argv[5], &byte) || byte > 255)))
        return disk_usage();
    pages = (count * BLKDEV_SECTOR + PAGE_SIZE - 1) / PAGE_SIZE;
    if (!(buf = (uint8_t *)(uintptr_t)pages_alloc(&dom0_pages, pages))) {
        rc = -XEN_ENOMEM;
        goto err;
    }
    memset(buf, wr ? (int)byte : 0, count * BLKDEV_SECTOR);
    rc = blk_sync(dev, rd ? BLKDEV_READ : BLKDEV_WRITE, sector, buf, count);
    if (!rc && rd) {
        printf("disk: read %s sectors %lu+%lu: crc32 %08x, bytes", dev->name,
               (unsigned long)sector, (unsigned long)count,
               gpt_crc32(0, buf, count * BLKDEV_SECTOR));
        for (unsigned int i = 0; i < 16; i++)
            printf(" %02x", buf[i]);
        printf("\n");
    } else if (!rc) {
        printf("disk: wrote %s sectors %lu+%lu with %#04x\n", dev->name,
               (unsigned long)sector, (unsigned long)count, (unsigned int)byte);
    }
    pages_free(&dom0_pages, (uintptr_t)buf, pages);
    if (!rc)
        return 0;
err:
    printf("disk: %s %s: %s (-%s)\n", argv[1], dev->name, hv_strerror(rc), hv_errname(rc));
    return 1;
}

int disk_cmd(int argc, char **argv)
{
    if (argc == 1) {
        disk_list();
        return 0;
    }
    if (argc < 3)
        return disk_usage();
    if (strcmp(argv[1], "read") && strcmp(argv[1], "write") && strcmp(argv[1], "flush") &&
        strcmp(argv[1], "scan"))
        return disk_usage();
    return disk_io(argc, argv);
}
