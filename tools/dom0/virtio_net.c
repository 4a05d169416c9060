// SPDX-License-Identifier: MIT
/*
 * virtio-net (the virtio spec's 5.1) as the bridge's port "eth0"
 * (netdev.h). Queue 0 receives, queue 1 transmits, each with its MSI-X
 * event. Receive buffers (2 KiB, a 12-byte virtio_net_hdr then the frame)
 * keep the receive ring full: each frame that comes is handed to
 * bridge_input() and its buffer given back at once. xmit() copies the
 * frame into a free transmit buffer; the transmit queue's event frees the
 * buffers the device is done with. No offloads: VERSION_1 and MAC only.
 * Only host-compatible headers: test_virtio_net builds it on the host.
 */
#include <public/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../libhv/libhv.h"
#include "dma.h"
#include "dom0.h"
#include "netdev.h"
#include "pci.h"
#include "virtio.h"
#include "virtio_net.h"

#define VIRTIO_NET_F_MAC        5
#define CFG_MAC                 0
#define NET_HDR_BYTES           12      /* with VERSION_1: num_buffers included */
#define BUF_BYTES               2048
#define BUFS_PER_PAGE           (PAGE_BYTES / BUF_BYTES)
#define VNET_QUEUE_MAX          128
#define RXQ                     0
#define TXQ                     1

_Static_assert(NET_HDR_BYTES + NETDEV_FRAME_MAX <= BUF_BYTES, "a frame fits a buffer");

struct vnet {
    struct netdev port;
    struct virtio_dev v;
    struct virtio_queue *rx, *tx;
    bool dead;
    uint8_t *tx_free[VNET_QUEUE_MAX];       /* a stack of free tx buffers */
    unsigned int nr_tx_free;
};

static struct vnet *eth0;

/* Offer buf (BUF_BYTES, dom0's) to the device for a frame; false if the
 * ring refused it. */
static bool rx_post(struct vnet *n, uint8_t *buf)
{
    struct virtq_buf b = { dma_addr((uintptr_t)buf), BUF_BYTES, true };

    return b.addr != DMA_NONE && !virtq_add(&n->rx->vq, &b, 1, buf);
}

static void vnet_kill(struct vnet *n, const char *why)
{
    n->dead = true;
    virtio_fail(&n->v, why);
}

static void rx_work(struct virtio_queue *q)
{
    struct vnet *n = q->arg;
    unsigned int posted = 0;
    uint8_t *buf;
    uint32_t len;

    if (n->dead)
        return;
    while ((buf = virtq_get(&q->vq, &len))) {
        if (len < NET_HDR_BYTES + 14 || len > NET_HDR_BYTES + NETDEV_FRAME_MAX)
            n->port.stats.rx_errors++;  /* runt, or larger than we allow */
        else
            bridge_input(&n->port, buf + NET_HDR_BYTES, len - NET_HDR_BYTES);
        posted += rx_post(n, buf);
    }
    if (q->vq.broken) {
        vnet_kill(n, "bad used ring entry on the receive queue");
        return;
    }
    if (posted)
        virtio_kick(q);
}

static void tx_work(struct virtio_queue *q)
{
    struct vnet *n = q->arg;
    uint8_t *buf;
    uint32_t len;

    if (n->dead)
        return;
    while ((buf = virtq_get(&q->vq, &len)))
        n->tx_free[n->nr_tx_free++] = buf;
    if (q->vq.broken)
        vnet_kill(n, "bad used ring entry on the transmit queue");
}

static int vnet_xmit(struct netdev *dev, const void *frame, size_t len)
{
    struct vnet *n = dev->priv;
    struct virtq_buf b;
    uint8_t *buf;

    if (!n->nr_tx_free)
        tx_work(n->tx);                     /* what the device is done with */
    if (n->dead || len > NETDEV_FRAME_MAX || !n->nr_tx_free)
        return -XEN_EAGAIN;
    buf = n->tx_free[--n->nr_tx_free];
    memset(buf, 0, NET_HDR_BYTES);          /* no checksum, no GSO */
    memcpy(buf + NET_HDR_BYTES, frame, len);
    b = (struct virtq_buf){ dma_addr((uintptr_t)buf), NET_HDR_BYTES + len, false };
    if (b.addr == DMA_NONE || virtq_add(&n->tx->vq, &b, 1, buf)) {
        n->tx_free[n->nr_tx_free++] = buf;
        return -XEN_EAGAIN;
    }
    virtio_kick(n->tx);
    return 0;
}

/* n buffers of BUF_BYTES from fresh dom0 pages, each passed to use(). */
static int bufs_alloc(struct vnet *n, unsigned int nr, bool (*use)(struct vnet *, uint8_t *))
{
    uint64_t pages = pages_alloc(&dom0_pages, (nr + BUFS_PER_PAGE - 1) / BUFS_PER_PAGE);

    if (!pages)
        return -XEN_ENOMEM;
    for (unsigned int i = 0; i < nr; i++)
        if (!use(n, (uint8_t *)(uintptr_t)pages + i * BUF_BYTES))
            return -XEN_EFAULT;
    return 0;
}

static bool tx_give(struct vnet *n, uint8_t *buf)
{
    n->tx_free[n->nr_tx_free++] = buf;
    return true;
}

static int vnet_setup(struct vnet *n, struct pci_dev *d)
{
    int rc;

    if ((rc = virtio_pci_init(&n->v, d, n->port.name)) ||
        (rc = virtio_negotiate(&n->v, VIRTIO_F(VIRTIO_NET_F_MAC))) ||
        (rc = virtio_queue_setup(&n->v, RXQ, VNET_QUEUE_MAX, rx_work, n)) ||
        (rc = virtio_queue_setup(&n->v, TXQ, VNET_QUEUE_MAX, tx_work, n)))
        return rc;
    n->rx = &n->v.queue[RXQ];
    n->tx = &n->v.queue[TXQ];
    if ((rc = bufs_alloc(n, n->rx->vq.size, rx_post)) ||
        (rc = bufs_alloc(n, n->tx->vq.size, tx_give)))
        return rc;
    if (virtio_has(&n->v, VIRTIO_NET_F_MAC))
        for (unsigned int i = 0; i < 6; i++)
            n->port.mac[i] = virtio_cfg_read(&n->v, CFG_MAC + i, 1);
    else
        memcpy(n->port.mac, (uint8_t[]){ 0x02, 0x50, 0x45, 0x54, 0x00, 0x01 }, 6);
    n->port.xmit = vnet_xmit;
    n->port.priv = n;
    virtio_ready(&n->v);
    virtio_kick(n->rx);                     /* its buffers are there */
    return bridge_attach(&n->port);
}

int virtio_net_probe(struct pci_dev *d)
{
    struct vnet *n;
    int rc;

    if (eth0) {
        printf("dom0: pci %02x:%02x.%u: a second virtio-net device; not used\n",
               d->bus, PCI_SLOT(d->devfn), PCI_FUNC(d->devfn));
        return -XEN_EBUSY;
    }
    if (!(n = calloc(1, sizeof(*n))))
        return -XEN_ENOMEM;
    snprintf(n->port.name, sizeof(n->port.name), "eth0");
    if ((rc = vnet_setup(n, d))) {
        printf("dom0: eth0: not used: %s (-%s)\n", hv_strerror(rc), hv_errname(rc));
        if (n->v.common)
            virtio_fail(&n->v, "setup failed");
        return rc;                          /* its pages are not reused */
    }
    eth0 = n;
    d->driver = "virtio-net";
    printf("dom0: eth0: virtio-net %02x:%02x.%u, MAC %02x:%02x:%02x:%02x:%02x:%02x, "
           "queues %u/%u\n", d->bus, PCI_SLOT(d->devfn), PCI_FUNC(d->devfn),
           n->port.mac[0], n->port.mac[1], n->port.mac[2], n->port.mac[3],
           n->port.mac[4], n->port.mac[5], n->rx->vq.size, n->tx->vq.size);
    return 0;
}
