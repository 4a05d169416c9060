// SPDX-License-Identifier: MIT
/*
 * dom0's physical devices at start of day (devices.h): PCI enumeration,
 * the virtio drivers, the disks' partitions; and the shell's `lspci` and
 * `virtio` commands.
 */
#include <public/errno.h>
#include <string.h>
#include "../libhv/build.h"
#include "../libhv/libhv.h"
#include "blkdev.h"
#include "devices.h"
#include "dma.h"
#include "dom0.h"
#include "domains.h"
#include "pci.h"
#include "test.h"
#include "virtio.h"
#include "virtio_blk.h"
#include "virtio_net.h"

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
    else
        printf("bus addresses: %lu hypercalls, %lu from the caches\n",
               (unsigned long)dma_calls, (unsigned long)dma_cached);
    return 0;
}

int dom0_pci_bars(uint16_t seg, uint16_t bdf, struct hv_mem_range *out, unsigned int *nr,
                  unsigned int max)
{
    for (struct pci_dev *d = pci_first(); d; d = d->next) {
        if (d->seg != seg || d->bus != bdf >> 8 || d->devfn != (bdf & 0xff))
            continue;
        for (unsigned int i = 0; i < PCI_BARS; i++) {
            const struct pci_bar *b = &d->bar[i];

            if (!b->size || (b->flags & PCI_BAR_IO))
                continue;
            if (*nr == max)
                return -XEN_ENOSPC;
            out[(*nr)++] = (struct hv_mem_range){ b->base, b->base + b->size };
        }
        return 0;
    }
    return -XEN_ENODEV;
}
