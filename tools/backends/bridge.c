// SPDX-License-Identifier: MIT
/*
 * dom0's layer-2 bridge (tools/dom0/netdev.h): the ports, a bounded table
 * of learnt MACs, forwarding and the checks. Pure: no hypercalls, no
 * allocation; compiled into dom0 and into the host's unit test.
 *
 * The learning table holds BRIDGE_FDB_SIZE entries. A MAC seen as a source
 * on a port is (re)learnt there and stamped with a counter that grows with
 * every learnt frame; when the table is full, the entry seen least recently
 * is replaced (it ages out by use, not by time: a guest flooding with many
 * source MACs cannot pin entries; a locked port can only ever teach its
 * own). A port's entries go when it detaches.
 *
 * Anti-spoofing: a frame from a lock_src port whose source is not the
 * port's MAC is dropped and counted (stats.spoofed). A frame from any other
 * port (the NIC) with the MAC of a locked port as its source is dropped and
 * counted the same way: nobody outside may pull a guest's traffic to itself
 * by teaching the bridge its MAC. Multicast sources are never valid.
 */
#include <string.h>
#include <public/errno.h>
#include "../dom0/netdev.h"

#define ETH_HLEN        14
#define MAC_LEN         6

struct fdb_entry {
    uint8_t mac[MAC_LEN];
    struct netdev *port;                /* NULL: free */
    uint64_t seen;                      /* learn stamp */
};

static struct netdev *ports;
static struct fdb_entry fdb[BRIDGE_FDB_SIZE];
static uint64_t stamp;
static struct bridge_stats stats;

static bool is_multicast(const uint8_t *mac)
{
    return mac[0] & 1;                  /* broadcast included */
}

static bool is_zero(const uint8_t *mac)
{
    static const uint8_t zero[MAC_LEN];

    return !memcmp(mac, zero, MAC_LEN);
}

static struct fdb_entry *fdb_find(const uint8_t *mac)
{
    for (unsigned int i = 0; i < BRIDGE_FDB_SIZE; i++)
        if (fdb[i].port && !memcmp(fdb[i].mac, mac, MAC_LEN))
            return &fdb[i];
    return NULL;
}

/* A free entry, or the one seen least recently. */
static struct fdb_entry *fdb_victim(void)
{
    struct fdb_entry *old = &fdb[0];

    for (unsigned int i = 0; i < BRIDGE_FDB_SIZE; i++) {
        if (!fdb[i].port)
            return &fdb[i];
        if (fdb[i].seen < old->seen)
            old = &fdb[i];
    }
    stats.fdb_replaced++;
    return old;
}

static void fdb_learn(struct netdev *port, const uint8_t *mac)
{
    struct fdb_entry *e = fdb_find(mac);

    if (!e) {
        e = fdb_victim();
        memcpy(e->mac, mac, MAC_LEN);
    }
    e->port = port;
    e->seen = ++stamp;
}

static bool attached(const struct netdev *dev)
{
    for (struct netdev *p = ports; p; p = p->next)
        if (p == dev)
            return true;
    return false;
}

int bridge_attach(struct netdev *dev)
{
    struct netdev **pp;

    if (!dev || !dev->xmit || !dev->name[0] || attached(dev))
        return -XEN_EINVAL;
    for (struct netdev *p = ports; p; p = p->next)
        if (!strncmp(p->name, dev->name, NETDEV_NAME_MAX))
            return -XEN_EEXIST;
    /* Ports are kept in attach order: flooding goes out in that order. */
    for (pp = &ports; *pp; pp = &(*pp)->next)
        ;
    dev->next = NULL;
    *pp = dev;
    return 0;
}

void bridge_detach(struct netdev *dev)
{
    struct netdev **pp;

    for (pp = &ports; *pp && *pp != dev; pp = &(*pp)->next)
        ;
    if (!*pp)
        return;
    *pp = dev->next;
    dev->next = NULL;
    for (unsigned int i = 0; i < BRIDGE_FDB_SIZE; i++)
        if (fdb[i].port == dev)
            fdb[i].port = NULL;
}

struct netdev *bridge_first(void)
{
    return ports;
}

struct netdev *bridge_find(const char *name)
{
    for (struct netdev *p = ports; p; p = p->next)
        if (!strncmp(p->name, name, NETDEV_NAME_MAX))
            return p;
    return NULL;
}

const struct bridge_stats *bridge_stats(void)
{
    return &stats;
}

/* Whether src is the MAC of a locked port other than from. */
static bool owned_elsewhere(const struct netdev *from, const uint8_t *src)
{
    for (struct netdev *p = ports; p; p = p->next)
        if (p != from && p->lock_src && !memcmp(p->mac, src, MAC_LEN))
            return true;
    return false;
}

static void send(struct netdev *to, const void *frame, size_t len)
{
    if (to->xmit(to, frame, len)) {
        to->stats.tx_dropped++;
        return;
    }
    to->stats.tx_frames++;
    to->stats.tx_bytes += len;
}

void bridge_input(struct netdev *from, const void *frame, size_t len)
{
    const uint8_t *dst = frame, *src = dst + MAC_LEN;
    struct fdb_entry *e;

    if (!from || !frame || !attached(from))
        return;
    if (len < ETH_HLEN || len > NETDEV_FRAME_MAX) {
        stats.bad_length++;
        return;
    }
    if (is_multicast(src) || is_zero(src)) {
        stats.bad_source++;
        return;
    }
    if (from->lock_src ? memcmp(src, from->mac, MAC_LEN) != 0
                       : owned_elsewhere(from, src)) {
        from->stats.spoofed++;
        return;
    }
    from->stats.rx_frames++;
    from->stats.rx_bytes += len;
    fdb_learn(from, src);
    if (!is_multicast(dst) && (e = fdb_find(dst))) {
        if (e->port != from)
            send(e->port, frame, len);
        else
            stats.filtered++;           /* for the segment it came from */
        return;
    }
    for (struct netdev *p = ports; p; p = p->next)
        if (p != from)
            send(p, frame, len);
}
