// SPDX-License-Identifier: MIT
/*
 * dom0's physical devices at start of day (devices.h): PCI enumeration,
 * the virtio drivers, the disks' partitions; and the shell's `lspci` and
 * `disk` commands.
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
#include "pci.h"
#include "test.h"
#include "virtio.h"
#include "virtio_blk.h"
#include "virtio_net.h"
#include "xen.h"

#define DISK_IO_MAX     (BLKDEV_MAX_SEGS * PAGE_SIZE / BLKDEV_SECTOR)   /* sectors */

/* The virtio device id of a modern (0x1040 + id) or transitional PCI id. */
static unsigned int virtio_id(const struct pci_dev *d)
{
    if (d->device >= VIRTIO_PCI_MODERN && d->device <= VIRTIO_PCI_MODERN + 0x3f)
        return d->device - VIRTIO_PCI_MODERN;
    if (d->device == 0x1000)
        return VIRTIO_ID_NET;
    if (d->device == 0x1001)
        return VIRTIO_ID_BLOCK;
    return 0;
}

static void disk_start(struct pci_dev *d)
{
    struct blkdev *dev = virtio_blk_probe(d);
    int n;

    if (!dev)
        return;
    n = blkdev_scan_gpt(dev);
    if (n >= 0)
        printf("dom0: %s: GPT with %d partition(s)\n", dev->name, n);
    else if (n == -XEN_ENOENT)
        printf("dom0: %s: no GPT\n", dev->name);
    else
        printf("dom0: %s: GPT not used: %s (-%s)\n", dev->name, hv_strerror(n),
               hv_errname(n));
}

void devices_init(void)
{
    int n = pci_scan();

    printf("dom0: pci: %d function(s)\n", n);
    for (struct pci_dev *d = pci_first(); d; d = d->next) {
        if (d->vendor != VIRTIO_PCI_VENDOR || (d->header_type & 0x7f))
            continue;
        switch (virtio_id(d)) {
        case VIRTIO_ID_BLOCK:
            disk_start(d);
            break;
        case VIRTIO_ID_NET:
            virtio_net_probe(d);
            break;
        }
    }
}

bool parse_u64(const char *s, uint64_t *out)
{
    unsigned int base = 10;
    uint64_t v = 0;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return false;
    for (; *s; s++) {
        unsigned int dig = *s >= '0' && *s <= '9' ? *s - '0' :
                           *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 :
                           *s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : 99;

        if (dig >= base || v > (UINT64_MAX - dig) / base)
            return false;
        v = v * base + dig;
    }
    *out = v;
    return true;
}

int lspci_cmd(int argc, char **argv)
{
    static const char *const kinds[] = { "mem32", "io", "mem64", "io" };

    for (struct pci_dev *d = pci_first(); d; d = d->next) {
        printf("%02x:%02x.%u %04x:%04x %s%s%s\n", d->bus, PCI_SLOT(d->devfn),
               PCI_FUNC(d->devfn), d->vendor, d->device, pci_class_name(d),
               d->driver ? " driver=" : "", d->driver ? d->driver : "");
        for (unsigned int i = 0; i < PCI_BARS; i++) {
            const struct pci_bar *b = &d->bar[i];

            if (b->size)
                printf("    BAR%u %s%s %#lx size %#lx\n", i, kinds[b->flags & 3],
                       b->flags & PCI_BAR_PREFETCH ? " prefetchable" : "",
                       (unsigned long)b->base, (unsigned long)b->size);
        }
    }
    if (!pci_first())
        printf("lspci: no PCI devices\n");
    return 0;
}

int virtio_cmd(int argc, char **argv)
{
    for (struct virtio_dev *v = virtio_first(); v; v = v->next) {
        printf("%-8s %02x:%02x.%u features %#lx\n", v->name, v->pci->bus,
               PCI_SLOT(v->pci->devfn), PCI_FUNC(v->pci->devfn), (unsigned long)v->features);
        for (unsigned int i = 0; i < v->nr_queues; i++) {
            const struct virtio_queue *q = &v->queue[i];

            printf("  queue %u: %u entries, %u in flight, %lu interrupts (pirq %d, port %u), "
                   "%lu kicks%s\n", i, q->vq.size, q->vq.in_flight,
                   (unsigned long)virtio_interrupts(q), q->pirq, q->port,
                   (unsigned long)q->kicks, q->vq.broken ? ", broken" : "");
        }
    }
    if (!virtio_first())
        printf("virtio: no devices\n");
    return 0;
}

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
           " flush <dev> | scan <dev> [depth]]\n");
    return 1;
}

/* disk scan: the whole device read a page a request, up to 'depth'
 * requests in flight; the CRC-32 is taken in order as the front of the
 * window completes, so request k reuses page k % depth only once the
 * page before it was summed. */
#define SCAN_DEPTH_MAX  32
struct scan {
    struct blkdev *dev;
    uint64_t next_submit, next_sum, total;      /* in requests */
    unsigned int depth, in_flight, max_in_flight;
    uint32_t crc;
    int err;
    volatile bool done;
    uint8_t *pages;
    bool ready[SCAN_DEPTH_MAX];
    struct blkdev_req req[SCAN_DEPTH_MAX];
};

static uint32_t scan_bytes(const struct scan *s, uint64_t k)
{
    uint64_t left = (s->dev->sectors - k * (PAGE_SIZE / BLKDEV_SECTOR)) * BLKDEV_SECTOR;

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
            .op = BLKDEV_READ, .sector = k * (PAGE_SIZE / BLKDEV_SECTOR), .nr_segs = 1,
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

        s->crc = gpt_crc32(s->crc, s->pages + i * PAGE_SIZE, scan_bytes(s, s->next_sum));
        s->ready[i] = false;
        s->next_sum++;
    }
    scan_submit(s);
}

static int disk_scan(struct blkdev *dev, unsigned int depth)
{
    struct scan *s = calloc(1, sizeof(*s));
    uint64_t t0 = now_ns();
    int rc;

    if (!s)
        return -XEN_ENOMEM;
    s->dev = dev;
    s->depth = depth;
    s->total = (dev->sectors + PAGE_SIZE / BLKDEV_SECTOR - 1) / (PAGE_SIZE / BLKDEV_SECTOR);
    if (!(s->pages = (uint8_t *)(uintptr_t)pages_alloc(&dom0_pages, depth))) {
        free(s);
        return -XEN_ENOMEM;
    }
    scan_submit(s);
    dom0_wait(&s->done);
    if (!(rc = s->err))
        printf("disk: scan %s: %lu sectors, crc32 %08x, depth %u, at most %u in flight, "
               "%lu ms\n", dev->name, (unsigned long)dev->sectors, s->crc, s->depth,
               s->max_in_flight, (unsigned long)((now_ns() - t0) / 1000000));
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
        if (argc > 4 || (argc == 4 && (!parse_u64(argv[3], &count) || !count ||
                                       count > SCAN_DEPTH_MAX)))
            return disk_usage();
        if ((rc = disk_scan(dev, argc == 4 ? count : 1)))
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
