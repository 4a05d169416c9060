/* SPDX-License-Identifier: MIT */
/*
 * Network ports in dom0 and the layer-2 bridge between them: every vif
 * (netback) and the physical NIC (virtio-net) is a port of one bridge.
 * The bridge learns which port each source MAC lives behind, forwards a
 * unicast frame to that port only, floods broadcasts, multicasts and
 * unknown destinations to every other port, and drops a frame from a port
 * with lock_src set whose source MAC is not the port's own (no guest can
 * pretend to be another).
 *
 * Frames are whole Ethernet frames without the FCS (14-byte header
 * included), at most NETDEV_FRAME_MAX bytes. Everything runs from dom0's
 * event loop; xmit() copies the frame before returning.
 */
#ifndef DOM0_NETDEV_H
#define DOM0_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETDEV_FRAME_MAX        1514u
#define NETDEV_NAME_MAX         16

struct netdev;
struct netdev_stats {
    uint64_t rx_frames, rx_bytes;       /* came in on this port */
    uint64_t tx_frames, tx_bytes;       /* went out of it */
    uint64_t tx_dropped;                /* xmit had no room (or the driver
                                         * lost it later: a failed copy) */
    uint64_t spoofed;                   /* dropped: source MAC not ours */
    uint64_t rx_errors;                 /* refused by the port's driver (a vif:
                                         * bad tx requests) */
};

struct netdev {
    char name[NETDEV_NAME_MAX];         /* "vif3.0", "eth0" */
    uint8_t mac[6];                     /* the port's MAC (a vif: the guest's) */
    bool lock_src;                      /* drop frames whose source is not mac */
    /* Send one frame out of this port (to the guest, to the wire): 0, or
     * -XEN_EAGAIN when there is no room now (the bridge counts a drop). */
    int (*xmit)(struct netdev *dev, const void *frame, size_t len);
    void *priv;                         /* the port's driver */
    struct netdev_stats stats;
    struct netdev *next;                /* the bridge's */
};

/* Frames the bridge dropped before any port saw them (not per port). */
struct bridge_stats {
    uint64_t bad_length;                /* shorter than 14 or over FRAME_MAX */
    uint64_t bad_source;                /* multicast or zero source MAC */
    uint64_t filtered;                  /* unicast to the port it came from */
    uint64_t fdb_replaced;              /* learnt entries pushed out when full */
};

/* How many MACs the bridge remembers (least recently seen replaced). */
#define BRIDGE_FDB_SIZE         256

/* Add and remove a port; removing forgets the MACs learnt behind it.
 * attach: 0, -XEN_EINVAL (no name or xmit, already attached) or
 * -XEN_EEXIST (a port has that name). xmit must not attach or detach. */
int bridge_attach(struct netdev *dev);
void bridge_detach(struct netdev *dev);
/* A frame came in on port from: count, check, learn, forward. */
void bridge_input(struct netdev *from, const void *frame, size_t len);
/* Iterate the ports: bridge_first(), then ->next. */
struct netdev *bridge_first(void);
/* The port called name, or NULL. */
struct netdev *bridge_find(const char *name);
const struct bridge_stats *bridge_stats(void);

#endif
