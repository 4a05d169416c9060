/* SPDX-License-Identifier: MIT */
/* dom0's virtio-net driver (virtio_net.c, docs/virtio.md). */
#ifndef DOM0_VIRTIO_NET_H
#define DOM0_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

struct netdev;
struct pci_dev;

struct vnet_stats {
    uint64_t rx_bad;            /* received lengths out of range, dropped */
    uint64_t rx_interrupts;     /* receive queue events handled */
    uint64_t tx_interrupts;     /* transmit queue events handled */
    uint64_t tx_kicks;          /* transmit notifications */
};

/* Drive d as "eth0" and attach it to the bridge: 0 or a negative Xen
 * errno (printed). One virtio-net device is used. */
int virtio_net_probe(struct pci_dev *d);
bool virtio_net_stats(const struct netdev *dev, struct vnet_stats *st);

#endif
