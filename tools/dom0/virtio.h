/* SPDX-License-Identifier: MIT */
/*
 * Virtio 1.x over PCI, modern only (docs/virtio.md): the transport that
 * dom0's virtio-blk and virtio-net drivers share. The device's structures
 * are found through its vendor capabilities (common configuration,
 * notifications, ISR, device configuration), its queues are split
 * virtqueues (virtq.h) in dom0 pages given to it by bus address, and each
 * queue has an MSI-X vector of its own, delivered by Petrel as an event
 * channel (PHYSDEVOP_map_pirq, EVTCHNOP_bind_pirq) whose work runs from
 * dom0's event loop (ports.c). No queue is ever polled.
 */
#ifndef DOM0_VIRTIO_H
#define DOM0_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>
#include <public/event_channel.h>
#include "virtq.h"

struct pci_dev;

#define VIRTIO_PCI_VENDOR       0x1af4
#define VIRTIO_PCI_MODERN       0x1040  /* + the virtio device id */
#define VIRTIO_ID_NET           1
#define VIRTIO_ID_BLOCK         2

/* Feature bits the transport knows (the device types' are theirs). */
#define VIRTIO_F_RING_INDIRECT_DESC     28
#define VIRTIO_F_VERSION_1              32
#define VIRTIO_F_ACCESS_PLATFORM        33  /* addresses go through the IOMMU */
#define VIRTIO_F(bit)                   (1ull << (bit))

#define VIRTIO_MAX_QUEUES       4

struct virtio_dev;

struct virtio_queue {
    struct virtio_dev *vdev;
    uint16_t index;
    struct virtq vq;
    volatile uint16_t *notify;          /* where to write the index */
    evtchn_port_t port;                 /* the vector's event channel */
    int pirq;
    uint64_t kicks;                     /* notifications sent */
    /* Called from the event loop after the queue's interrupt: reads the
     * used ring (virtq_get) until it is empty. */
    void (*work)(struct virtio_queue *q);
    void *arg;
};

struct virtio_dev {
    char name[16];                      /* "vda", "eth0" */
    struct pci_dev *pci;
    volatile uint8_t *common, *isr, *devcfg;
    volatile uint8_t *notify_base;
    uint32_t notify_mult, notify_len, devcfg_len;
    uint16_t msix_entries;              /* the MSI-X table's size */
    uint64_t features;                  /* negotiated */
    unsigned int nr_queues;
    struct virtio_queue queue[VIRTIO_MAX_QUEUES];
    struct virtio_dev *next;            /* the devices in use */
};

/* Find the capabilities and map their BARs, reset the device and say
 * ACKNOWLEDGE | DRIVER. 0 or a negative Xen errno (printed, with name). */
int virtio_pci_init(struct virtio_dev *v, struct pci_dev *d, const char *name);
/* Offer the device's features that are in 'wanted' (VIRTIO_F_VERSION_1
 * is always wanted and required; VIRTIO_F_ACCESS_PLATFORM is taken when
 * offered: dom0 gives devices bus addresses, which is what it means), set
 * FEATURES_OK and check the device kept it: 0 and v->features, or a
 * negative Xen errno. */
int virtio_negotiate(struct virtio_dev *v, uint64_t wanted);
bool virtio_has(const struct virtio_dev *v, unsigned int bit);
/* Queue idx with up to max entries (the device's size if smaller, a power
 * of 2), its rings in fresh dom0 pages, MSI-X entry idx mapped to an
 * event channel whose work is q->work. 0 or a negative Xen errno. */
int virtio_queue_setup(struct virtio_dev *v, unsigned int idx, uint16_t max,
                       void (*work)(struct virtio_queue *q), void *arg);
/* DRIVER_OK: the device may use its queues; it is listed from now on. */
void virtio_ready(struct virtio_dev *v);
/* The devices made ready, in order: virtio_first(), then ->next. */
struct virtio_dev *virtio_first(void);
/* Interrupts (event-channel upcalls) that came for queue q. */
uint64_t virtio_interrupts(const struct virtio_queue *q);
/* Tell the device queue q has new buffers. */
void virtio_kick(struct virtio_queue *q);
/* The device misbehaved: FAILED, then reset, so it touches nothing more. */
void virtio_fail(struct virtio_dev *v, const char *why);
/* Device configuration, size 1, 2, 4 or 8 bytes at off (< devcfg_len),
 * read again until the configuration generation holds still. */
uint64_t virtio_cfg_read(struct virtio_dev *v, unsigned int off, unsigned int size);

#endif
