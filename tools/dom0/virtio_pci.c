// SPDX-License-Identifier: MIT
/*
 * The virtio 1.x PCI transport (virtio.h; the spec's 4.1): vendor
 * capabilities, the device status handshake (3.1.1), feature negotiation,
 * queue setup with one MSI-X vector per queue, notifications. Register
 * layouts are the spec's; every offset and length a capability names is
 * checked against its BAR before it is used. Only host-compatible
 * headers: test_virtio_pci builds it on the host.
 */
#include <public/errno.h>
#include <stdio.h>
#include <string.h>
#include "dma.h"
#include "dom0.h"
#include "pci.h"
#include "virtio.h"

/* Vendor capability (4.1.4): cfg_type, bar, offset, length; notify adds
 * notify_off_multiplier. */
#define CAP_CFG_TYPE            3
#define CAP_BAR                 4
#define CAP_OFFSET              8
#define CAP_LENGTH              12
#define CAP_NOTIFY_MULT         16
#define VIRTIO_PCI_CAP_COMMON   1
#define VIRTIO_PCI_CAP_NOTIFY   2
#define VIRTIO_PCI_CAP_ISR      3
#define VIRTIO_PCI_CAP_DEVICE   4

/* Common configuration (4.1.4.3). */
#define COMMON_DFSELECT         0x00
#define COMMON_DF               0x04
#define COMMON_GFSELECT         0x08
#define COMMON_GF               0x0c
#define COMMON_MSIX             0x10
#define COMMON_NUMQ             0x12
#define COMMON_STATUS           0x14
#define COMMON_CFGGEN           0x15
#define COMMON_Q_SELECT         0x16
#define COMMON_Q_SIZE           0x18
#define COMMON_Q_MSIX           0x1a
#define COMMON_Q_ENABLE         0x1c
#define COMMON_Q_NOFF           0x1e
#define COMMON_Q_DESC           0x20
#define COMMON_Q_AVAIL          0x28
#define COMMON_Q_USED           0x30
#define COMMON_BYTES            0x38

#define STATUS_ACKNOWLEDGE      1
#define STATUS_DRIVER           2
#define STATUS_DRIVER_OK        4
#define STATUS_FEATURES_OK      8
#define STATUS_FAILED           128
#define VIRTIO_MSI_NO_VECTOR    0xffff

#define RESET_READS             1000

static struct virtio_dev *ready_list, **ready_tail = &ready_list;

static uint8_t rd8(struct virtio_dev *v, unsigned int off)
{
    return *(volatile uint8_t *)(v->common + off);
}

static uint16_t rd16(struct virtio_dev *v, unsigned int off)
{
    return *(volatile uint16_t *)(v->common + off);
}

static uint32_t rd32(struct virtio_dev *v, unsigned int off)
{
    return *(volatile uint32_t *)(v->common + off);
}

static void wr8(struct virtio_dev *v, unsigned int off, uint8_t val)
{
    *(volatile uint8_t *)(v->common + off) = val;
}

static void wr16(struct virtio_dev *v, unsigned int off, uint16_t val)
{
    *(volatile uint16_t *)(v->common + off) = val;
}

static void wr32(struct virtio_dev *v, unsigned int off, uint32_t val)
{
    *(volatile uint32_t *)(v->common + off) = val;
}

/* A 64-bit field as two 32-bit writes, low first (4.1.3.1). */
static void wr64(struct virtio_dev *v, unsigned int off, uint64_t val)
{
    wr32(v, off, val);
    wr32(v, off + 4, val >> 32);
}

/* Where capability cap's structure lies: its address, or NULL when its
 * BAR is unusable or the range runs past it (or is shorter than min). */
static volatile uint8_t *cap_map(struct virtio_dev *v, unsigned int cap, uint32_t min,
                                 uint32_t *len)
{
    struct pci_dev *d = v->pci;
    unsigned int bar = pci_read(d, cap + CAP_BAR, 1);
    uint32_t off = pci_read(d, cap + CAP_OFFSET, 4);
    uint8_t *base;

    *len = pci_read(d, cap + CAP_LENGTH, 4);
    if (bar >= PCI_BARS || *len < min || (uint64_t)off + *len > d->bar[bar].size)
        return NULL;
    if (!(base = pci_map_bar(d, bar)))
        return NULL;
    return base + off;
}

static int find_caps(struct virtio_dev *v)
{
    uint32_t len;

    for (unsigned int cap = pci_cap_next(v->pci, PCI_CAP_VENDOR, 0); cap;
         cap = pci_cap_next(v->pci, PCI_CAP_VENDOR, cap)) {
        switch (pci_read(v->pci, cap + CAP_CFG_TYPE, 1)) {
        case VIRTIO_PCI_CAP_COMMON:
            if (!v->common)
                v->common = cap_map(v, cap, COMMON_BYTES, &len);
            break;
        case VIRTIO_PCI_CAP_NOTIFY:
            if (!v->notify_base && (v->notify_base = cap_map(v, cap, 2, &len))) {
                v->notify_mult = pci_read(v->pci, cap + CAP_NOTIFY_MULT, 4);
                v->notify_len = len;
            }
            break;
        case VIRTIO_PCI_CAP_ISR:
            if (!v->isr)
                v->isr = cap_map(v, cap, 1, &len);
            break;
        case VIRTIO_PCI_CAP_DEVICE:
            if (!v->devcfg && (v->devcfg = cap_map(v, cap, 1, &len)))
                v->devcfg_len = len;
            break;
        }
    }
    if (!v->common || !v->notify_base || !v->isr)
        return -XEN_ENODEV;
    return 0;
}

/* Write 0 and wait for the device to read 0 (4.1.4.3.2): QEMU resets at
 * once; a device that never does is given up. */
static int reset(struct virtio_dev *v)
{
    wr8(v, COMMON_STATUS, 0);
    for (unsigned int i = 0; i < RESET_READS; i++)
        if (!rd8(v, COMMON_STATUS))
            return 0;
    return -XEN_EIO;
}

static int msix_entries(struct pci_dev *d)
{
    unsigned int cap = pci_cap_next(d, PCI_CAP_MSIX, 0);

    return cap ? (pci_read(d, cap + PCI_MSIX_FLAGS, 2) & 0x7ff) + 1 : 0;
}

int virtio_pci_init(struct virtio_dev *v, struct pci_dev *d, const char *name)
{
    int rc;

    memset(v, 0, sizeof(*v));
    snprintf(v->name, sizeof(v->name), "%s", name);
    v->pci = d;
    if ((rc = find_caps(v))) {
        printf("dom0: %s: no usable virtio 1.x capabilities (legacy only?)\n", name);
        return rc;
    }
    v->msix_entries = msix_entries(d);
    if ((rc = reset(v))) {
        printf("dom0: %s: the device does not reset\n", name);
        return rc;
    }
    wr8(v, COMMON_STATUS, STATUS_ACKNOWLEDGE);
    wr8(v, COMMON_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    return 0;
}

int virtio_negotiate(struct virtio_dev *v, uint64_t wanted)
{
    uint64_t offered;

    wr32(v, COMMON_DFSELECT, 0);
    offered = rd32(v, COMMON_DF);
    wr32(v, COMMON_DFSELECT, 1);
    offered |= (uint64_t)rd32(v, COMMON_DF) << 32;
    if (!(offered & VIRTIO_F(VIRTIO_F_VERSION_1))) {
        printf("dom0: %s: not a virtio 1.x device (no VERSION_1)\n", v->name);
        return -XEN_ENODEV;
    }
    /* ACCESS_PLATFORM (6.1): the device's addresses are translated by the
     * platform (an IOMMU); ours are bus addresses from Petrel, translated
     * or not, so it is right either way, and QEMU's iommu_platform=on
     * refuses FEATURES_OK without it. */
    v->features = offered & (wanted | VIRTIO_F(VIRTIO_F_VERSION_1) |
                             VIRTIO_F(VIRTIO_F_ACCESS_PLATFORM));
    wr32(v, COMMON_GFSELECT, 0);
    wr32(v, COMMON_GF, v->features);
    wr32(v, COMMON_GFSELECT, 1);
    wr32(v, COMMON_GF, v->features >> 32);
    wr8(v, COMMON_STATUS, rd8(v, COMMON_STATUS) | STATUS_FEATURES_OK);
    if (!(rd8(v, COMMON_STATUS) & STATUS_FEATURES_OK)) {
        printf("dom0: %s: the device refused features %#lx\n", v->name,
               (unsigned long)v->features);
        return -XEN_EIO;
    }
    return 0;
}

bool virtio_has(const struct virtio_dev *v, unsigned int bit)
{
    return bit < 64 && (v->features & VIRTIO_F(bit));
}

/* The queue's port fired (or ports_bind() made its first call). */
static void queue_event(evtchn_port_t port, void *arg)
{
    struct virtio_queue *q = arg;

    q->work(q);
}

uint64_t virtio_interrupts(const struct virtio_queue *q)
{
    return q->vdev ? ports_events(q->port) : 0;
}

/* MSI-X entry 'entry' as an event channel whose work runs the queue's. */
static int queue_irq(struct virtio_dev *v, struct virtio_queue *q, unsigned int entry)
{
    int rc = pci_msi_bind(v->pci, entry, v->name, &q->pirq, &q->port);

    return rc ? rc : ports_bind(q->port, queue_event, q);
}

/* The rings in two zeroed pages: descriptors in one, avail then used in
 * the other; their bus addresses in bus[3]. */
static int rings_alloc(struct virtio_queue *q, uint16_t size, uint64_t bus[3])
{
    uint64_t pages = pages_alloc(&dom0_pages, 2), gpa[3];
    uint8_t *p = (uint8_t *)(uintptr_t)pages;

    _Static_assert(VIRTQ_DESC_BYTES(VIRTQ_MAX) <= PAGE_BYTES, "descriptors fit a page");
    _Static_assert(1024 + VIRTQ_USED_BYTES(VIRTQ_MAX) <= PAGE_BYTES, "rings fit a page");
    _Static_assert(VIRTQ_AVAIL_BYTES(VIRTQ_MAX) <= 1024, "avail fits before used");
    if (!pages)
        return -XEN_ENOMEM;
    memset(p, 0, 2 * PAGE_BYTES);
    gpa[0] = pages;
    gpa[1] = pages + PAGE_BYTES;
    gpa[2] = pages + PAGE_BYTES + 1024;
    if (dma_addrs(gpa, bus, 3)) {
        pages_free(&dom0_pages, pages, 2);
        return -XEN_EFAULT;
    }
    virtq_init(&q->vq, size, p, p + PAGE_BYTES, p + PAGE_BYTES + 1024);
    return 0;
}

int virtio_queue_setup(struct virtio_dev *v, unsigned int idx, uint16_t max,
                       void (*work)(struct virtio_queue *q), void *arg)
{
    struct virtio_queue *q = &v->queue[idx];
    uint16_t size, noff;
    uint64_t bus[3];
    int rc;

    if (idx >= VIRTIO_MAX_QUEUES || idx >= rd16(v, COMMON_NUMQ) || idx >= v->msix_entries)
        return -XEN_ENODEV;
    wr16(v, COMMON_Q_SELECT, idx);
    size = rd16(v, COMMON_Q_SIZE);
    if (size > max)
        size = max;
    if (size > VIRTQ_MAX)
        size = VIRTQ_MAX;
    while (size & (size - 1))
        size &= size - 1;               /* a power of 2, at most what it said */
    if (!size)
        return -XEN_ENODEV;
    noff = rd16(v, COMMON_Q_NOFF);
    q->vdev = v;
    q->index = idx;
    q->work = work;
    q->arg = arg;
    if ((uint64_t)noff * v->notify_mult + 2 > v->notify_len)
        return -XEN_EINVAL;             /* past the notification area */
    q->notify = (volatile uint16_t *)(v->notify_base + (uint32_t)noff * v->notify_mult);
    if ((rc = rings_alloc(q, size, bus)))
        return rc;
    wr16(v, COMMON_Q_SIZE, size);
    wr64(v, COMMON_Q_DESC, bus[0]);
    wr64(v, COMMON_Q_AVAIL, bus[1]);
    wr64(v, COMMON_Q_USED, bus[2]);
    wr16(v, COMMON_Q_MSIX, idx);
    if (rd16(v, COMMON_Q_MSIX) != idx) {
        printf("dom0: %s: queue %u: the device refused MSI-X vector %u\n", v->name, idx, idx);
        return -XEN_EIO;
    }
    if ((rc = queue_irq(v, q, idx)))
        return rc;
    wr16(v, COMMON_Q_ENABLE, 1);
    if (idx + 1 > v->nr_queues)
        v->nr_queues = idx + 1;
    return 0;
}

void virtio_ready(struct virtio_dev *v)
{
    wr16(v, COMMON_MSIX, VIRTIO_MSI_NO_VECTOR);      /* no config interrupts */
    wr8(v, COMMON_STATUS, rd8(v, COMMON_STATUS) | STATUS_DRIVER_OK);
    *ready_tail = v;
    ready_tail = &v->next;
}

struct virtio_dev *virtio_first(void)
{
    return ready_list;
}

void virtio_kick(struct virtio_queue *q)
{
    /* The avail index before the doorbell (2.7.13.4). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    *q->notify = q->index;
    q->kicks++;
}

void virtio_fail(struct virtio_dev *v, const char *why)
{
    printf("dom0: %s: %s; the device is stopped\n", v->name, why);
    v->pci->driver = "stopped";
    wr8(v, COMMON_STATUS, rd8(v, COMMON_STATUS) | STATUS_FAILED);
    reset(v);
}

uint64_t virtio_cfg_read(struct virtio_dev *v, unsigned int off, unsigned int size)
{
    volatile uint8_t *p = v->devcfg + off;
    uint64_t val;
    unsigned int tries = 0;
    uint8_t gen;

    if (!v->devcfg || off + size > v->devcfg_len)
        return 0;
    do {
        gen = rd8(v, COMMON_CFGGEN);
        if (size == 1)
            val = *p;
        else if (size == 2)
            val = *(volatile uint16_t *)p;
        else if (size == 4)
            val = *(volatile uint32_t *)p;
        else
            val = *(volatile uint32_t *)p | (uint64_t)*(volatile uint32_t *)(p + 4) << 32;
    } while (gen != rd8(v, COMMON_CFGGEN) && ++tries < RESET_READS);
    return val;
}
