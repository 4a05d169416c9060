/* SPDX-License-Identifier: MIT */
/* dom0's virtio-net driver (virtio_net.c, docs/virtio.md). */
#ifndef DOM0_VIRTIO_NET_H
#define DOM0_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

struct pci_dev;


/* Drive d as "eth0" and attach it to the bridge: 0 or a negative Xen
 * errno (printed). One virtio-net device is used. */
int virtio_net_probe(struct pci_dev *d);

#endif
