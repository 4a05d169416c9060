// SPDX-License-Identifier: MIT
/*
 * netback: the backend half of Xen's netif protocol (docs/network.md), the
 * xenbus backend "vif". Each vif is a port of dom0's bridge (netdev.h),
 * locked to the MAC the toolstack gave it.
 *
 * Handshake (as Linux's xen-netback): probe writes the feature keys
 * (feature-rx-copy, feature-sg, feature-split-event-channels,
 * multi-queue-max-queues) and goes to InitWait; when the frontend is
 * Initialised or Connected, connect reads request-rx-copy (must be 1: copy
 * mode only), multi-queue-num-queues, and per queue (in queue-N/ when there
 * are several) tx-ring-ref, rx-ring-ref and event-channel or
 * event-channel-tx and -rx; maps the rings, binds the ports, joins the
 * bridge and goes to Connected. Closing and Closed undo it.
 *
 * TX: a queue's port fired; up to NB_TX_BUDGET frames (shared out among
 * the vif's queues) are taken, each
 * grant-copied piece by piece into a dom0 bounce slot, answered and handed
 * to bridge_input(); with work left the port is kicked for the loop's next
 * round, after every other port that fired had its turn (round robin), so
 * a flooding guest cannot starve another. RX: the bridge's xmit() copies a
 * frame into the queue's bounded backlog (NB_RXQ_SLOTS; full: the bridge
 * counts a drop) and the backlog goes into the guest's posted buffers by
 * grant copy, now or when the guest posts more.
 *
 * Everything the guest gives is checked (tools/backends/netif_ring.c);
 * a bad frame gets NETIF_RSP_ERROR; a broken ring disconnects its vif with
 * one line. Work found broken inside the bridge (another vif's xmit) is
 * only noted there, and the vif is disconnected from its own port's work.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <public/errno.h>
#include <public/io/netif.h>
#include "../backends/net_csum.h"
#include "../backends/netif_ring.h"
#include "../libhv/libhv.h"
#include "../libhv/vif.h"
#include "dom0.h"
#include "netback.h"
#include "netdev.h"
#include "test.h"
#include "xen.h"
#include "xenbus.h"

#define NB_MAX_QUEUES   4
#define NB_TX_BUDGET    16              /* frames per vif per loop round */
#define NB_RXQ_SLOTS    32              /* frames waiting for guest buffers */
#define NB_SLOT_SIZE    2048            /* a frame's slot: never crosses a page */
#define NB_BUF_PAGES    ((NB_RXQ_SLOTS + 1) * NB_SLOT_SIZE / PAGE_SIZE + 1)
#define NB_BOUNCE       NB_RXQ_SLOTS    /* the tx slot */

struct vif;

struct vif_queue {
    struct vif *vif;
    unsigned int index;
    struct netif_ring ring;
    uint64_t tx_gpa, rx_gpa;            /* ring maps in the window; 0: none */
    grant_handle_t tx_handle, rx_handle;
    evtchn_port_t tx_port, rx_port;     /* dom0's ends; equal unless split */
    bool tx_bound, rx_bound;
    uint64_t bufs;                      /* NB_BUF_PAGES: backlog and bounce */
    uint16_t rxq_len[NB_RXQ_SLOTS];
    unsigned int rxq_head, rxq_count;
};

struct vif {
    struct xenbus_device *dev;
    struct netdev nd;
    unsigned int nr_queues;
    struct vif_queue queue[NB_MAX_QUEUES];
    bool connected, in_bridge;
    bool broken;                        /* disconnect at the next port work */
    struct vif *next;
};

static struct vif *vifs;

/* A line of netback's, between the shell's (the prompt may be showing). */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char line[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    console_async_begin();
    printf("dom0: %s\n", line);
}

static uint8_t *slot(const struct vif_queue *q, unsigned int i)
{
    return (uint8_t *)(uintptr_t)(q->bufs + (uint64_t)i * NB_SLOT_SIZE);
}

static uint64_t gfn_of(const void *p)
{
    return (uintptr_t)p / PAGE_SIZE;
}

/* A ring is broken: say so once, and have the vif's own port work
 * disconnect it (we may be inside the bridge). */
static void vif_broken(struct vif_queue *q, const char *ring)
{
    struct vif *vif = q->vif;

    if (vif->broken)
        return;
    vif->broken = true;
    say("%s: queue %u: %s ring broken by the guest; vif disconnected",
           vif->nd.name, q->index, ring);
    ports_kick(q->tx_port);
}

/* ---- rx: frames to the guest ---- */

/* Copy the backlog into the buffers the guest posted. */
static void rx_flush(struct vif_queue *q)
{
    struct netif_rx_request req;
    bool answered = false;
    int rc;

    while (q->rxq_count && !q->vif->broken) {
        unsigned int i = q->rxq_head;
        uint16_t len = q->rxq_len[i];
        struct gnttab_copy op = {
            .source = { .u.gmfn = gfn_of(slot(q, i)), .domid = DOMID_SELF,
                        .offset = (uint16_t)((uintptr_t)slot(q, i) % PAGE_SIZE) },
            .dest = { .u.ref = 0, .domid = q->vif->dev->fe_domid, .offset = 0 },
            .len = len, .flags = GNTCOPY_dest_gref,
        };

        if ((rc = netif_rx_take(&q->ring, &req)) == NETIF_RING_BROKEN) {
            vif_broken(q, "rx");
            return;
        }
        if (!rc)
            break;                      /* the guest is told to notify */
        op.dest.u.ref = req.gref;
        if (gnttab_copy(&op, 1) || op.status != GNTST_okay) {
            q->vif->nd.stats.tx_dropped++;      /* lost on its way in */
            netif_rx_answer(&q->ring, req.id, 0, 0, NETIF_RSP_ERROR);
        } else {
            netif_rx_answer(&q->ring, req.id, 0, 0, (int16_t)len);
        }
        answered = true;
        q->rxq_head = (q->rxq_head + 1) % NB_RXQ_SLOTS;
        q->rxq_count--;
    }
    if (answered && netif_rx_push(&q->ring))
        evtchn_send(q->rx_port);
}

static int vif_xmit(struct netdev *nd, const void *frame, size_t len)
{
    struct vif *vif = nd->priv;
    const uint8_t *src = (const uint8_t *)frame + 6;
    struct vif_queue *q;
    unsigned int i;

    if (!vif->connected || vif->broken || len > NETDEV_FRAME_MAX)
        return -XEN_EAGAIN;
    /* A source's frames keep to one queue, so they stay in order. */
    q = &vif->queue[(src[4] ^ src[5]) % vif->nr_queues];
    if (q->rxq_count == NB_RXQ_SLOTS)
        rx_flush(q);
    if (q->rxq_count == NB_RXQ_SLOTS || vif->broken)
        return -XEN_EAGAIN;
    i = (q->rxq_head + q->rxq_count) % NB_RXQ_SLOTS;
    memcpy(slot(q, i), frame, len);
    q->rxq_len[i] = (uint16_t)len;
    q->rxq_count++;
    rx_flush(q);
    return 0;
}

/* ---- tx: frames from the guest ---- */

/* Copy f's pieces into the bounce slot: NETIF_RSP_OKAY or _ERROR. */
static int16_t tx_copy(struct vif_queue *q, const struct netif_tx_frame *f)
{
    struct gnttab_copy ops[XEN_NETIF_NR_SLOTS_MIN];
    uint8_t *to = slot(q, NB_BOUNCE);
    unsigned int n = 0;
    size_t at = 0;

    for (unsigned int i = 0; i < f->nr_segs; i++) {
        const struct netif_tx_seg *s = &f->seg[i];

        if (!s->len)
            continue;
        ops[n++] = (struct gnttab_copy){
            .source = { .u.ref = s->gref, .domid = q->vif->dev->fe_domid,
                        .offset = s->offset },
            .dest = { .u.gmfn = gfn_of(to), .domid = DOMID_SELF,
                      .offset = (uint16_t)((uintptr_t)to % PAGE_SIZE + at) },
            .len = s->len, .flags = GNTCOPY_source_gref,
        };
        at += s->len;
    }
    if (gnttab_copy(ops, n))
        return NETIF_RSP_ERROR;
    for (unsigned int i = 0; i < n; i++)
        if (ops[i].status != GNTST_okay)
            return NETIF_RSP_ERROR;
    return NETIF_RSP_OKAY;
}

static void tx_serve(struct vif_queue *q)
{
    struct vif *vif = q->vif;
    struct netif_tx_frame f;
    /* The budget is the vif's: shared by its queues, so more queues do
     * not buy a guest more of dom0. */
    unsigned int done = 0, budget = NB_TX_BUDGET / vif->nr_queues;
    int rc;

    while (done < budget && !vif->broken) {
        int16_t st;

        if ((rc = netif_tx_take(&q->ring, &f, NETDEV_FRAME_MAX)) == NETIF_RING_BROKEN) {
            vif_broken(q, "tx");
            return;
        }
        if (!rc)
            break;
        st = f.bad ? NETIF_RSP_ERROR : tx_copy(q, &f);
        /* A checksum left to us: filled in, or the frame is refused. */
        if (st == NETIF_RSP_OKAY && (f.flags & NETTXF_csum_blank) &&
            net_csum_fill(slot(q, NB_BOUNCE), f.len))
            st = NETIF_RSP_ERROR;
        netif_tx_answer(&q->ring, &f, st);
        done++;
        if (st == NETIF_RSP_OKAY)
            bridge_input(&vif->nd, slot(q, NB_BOUNCE), f.len);
        else
            vif->nd.stats.rx_errors++;
    }
    if (done && netif_tx_push(&q->ring))
        evtchn_send(q->tx_port);
    if ((rc = netif_tx_more(&q->ring)) == NETIF_RING_BROKEN)
        vif_broken(q, "tx");
    else if (rc)
        ports_kick(q->tx_port);         /* the rest in the next round */
}

static void vif_disconnect(struct vif *vif);

static void tx_port_fired(evtchn_port_t port, void *arg)
{
    struct vif_queue *q = arg;

    if (q->vif->broken) {
        vif_disconnect(q->vif);
        return;
    }
    tx_serve(q);
    if (q->rx_port == q->tx_port && !q->vif->broken)
        rx_flush(q);
    if (q->vif->broken)
        vif_disconnect(q->vif);
}

static void rx_port_fired(evtchn_port_t port, void *arg)
{
    struct vif_queue *q = arg;

    if (!q->vif->broken)
        rx_flush(q);
    if (q->vif->broken)
        vif_disconnect(q->vif);
}

/* ---- connecting ---- */

/* A window page still mapped is never handed out again (a leak of
 * window, not a page of the guest's under a new mapping). */
static void unmap_ring(struct vif_queue *q, uint64_t *gpa, grant_handle_t h)
{
    int rc;

    if (!*gpa)
        return;
    if ((rc = gnttab_unmap(*gpa, h)))
        say("%s: queue %u: unmapping a ring: %s (-%s); window page kept",
               q->vif->nd.name, q->index, hv_strerror(rc), hv_errname(rc));
    else
        fmap_free(*gpa, 1);
    *gpa = 0;
}

static void queue_stop(struct vif_queue *q)
{
    if (q->rx_bound && q->rx_port != q->tx_port) {
        ports_unbind(q->rx_port);
        evtchn_close(q->rx_port);
    }
    if (q->tx_bound) {
        ports_unbind(q->tx_port);
        evtchn_close(q->tx_port);
    }
    q->tx_bound = q->rx_bound = false;
    unmap_ring(q, &q->tx_gpa, q->tx_handle);
    unmap_ring(q, &q->rx_gpa, q->rx_handle);
    if (q->bufs)
        pages_free(&dom0_pages, q->bufs, NB_BUF_PAGES);
    q->bufs = 0;
    q->rxq_head = q->rxq_count = 0;
}

static void vif_disconnect(struct vif *vif)
{
    if (vif->in_bridge)
        bridge_detach(&vif->nd);
    vif->in_bridge = false;
    vif->connected = false;
    for (unsigned int i = 0; i < NB_MAX_QUEUES; i++)
        queue_stop(&vif->queue[i]);
    if (vif->broken && vif->dev->be_state != XenbusStateClosing &&
        vif->dev->be_state != XenbusStateClosed)
        xenbus_switch_state(vif->dev, XenbusStateClosing);
}

/* A key of queue q's directory: fe_path, or fe_path/queue-N. */
static int q_read(const struct vif *vif, const struct vif_queue *q, const char *key,
                  uint64_t *val)
{
    if (vif->nr_queues == 1)
        return xenbus_read_u64(val, "%s/%s", vif->dev->fe_path, key);
    return xenbus_read_u64(val, "%s/queue-%u/%s", vif->dev->fe_path, q->index, key);
}

static int map_ring(domid_t dom, uint64_t ref, uint64_t *gpa, grant_handle_t *h)
{
    int rc;

    if (ref > UINT32_MAX)
        return -XEN_EINVAL;
    if (!(*gpa = fmap_alloc(1)))
        return -XEN_ENOMEM;
    if ((rc = gnttab_map(dom, (grant_ref_t)ref, *gpa, false, h))) {
        fmap_free(*gpa, 1);
        *gpa = 0;
    }
    return rc;
}

static int bind_port(struct vif_queue *q, uint64_t remote, evtchn_port_t *port,
                     port_work_fn fn)
{
    long rc;

    if (remote > UINT32_MAX)
        return -XEN_EINVAL;
    if ((rc = evtchn_bind_interdomain(q->vif->dev->fe_domid, (evtchn_port_t)remote, port)))
        return (int)rc;
    if ((rc = ports_bind(*port, fn, q)))
        evtchn_close(*port);
    return (int)rc;
}

/* Map one queue's rings and bind its port(s); what it set up is undone by
 * queue_stop() on failure. */
static int queue_start(struct vif *vif, struct vif_queue *q, const char **what)
{
    uint64_t tx_ref, rx_ref, ev, ev_rx = 0;
    bool split;
    int rc;

    *what = "tx-ring-ref";
    if ((rc = q_read(vif, q, "tx-ring-ref", &tx_ref)))
        return rc;
    *what = "rx-ring-ref";
    if ((rc = q_read(vif, q, "rx-ring-ref", &rx_ref)))
        return rc;
    split = q_read(vif, q, "event-channel", &ev) != 0;
    *what = split ? "event-channel-tx" : "event-channel";
    if (split && ((rc = q_read(vif, q, "event-channel-tx", &ev)) ||
                  (*what = "event-channel-rx", rc = q_read(vif, q, "event-channel-rx", &ev_rx))))
        return rc;
    *what = "rings (map)";
    if (!(q->bufs = pages_alloc(&dom0_pages, NB_BUF_PAGES)))
        return -XEN_ENOMEM;
    if ((rc = map_ring(vif->dev->fe_domid, tx_ref, &q->tx_gpa, &q->tx_handle)) ||
        (rc = map_ring(vif->dev->fe_domid, rx_ref, &q->rx_gpa, &q->rx_handle)))
        return rc;
    netif_ring_init(&q->ring, (struct netif_tx_sring *)(uintptr_t)q->tx_gpa,
                    (struct netif_rx_sring *)(uintptr_t)q->rx_gpa);
    *what = "event channel (bind)";
    if ((rc = bind_port(q, ev, &q->tx_port, tx_port_fired)))
        return rc;
    q->tx_bound = true;
    q->rx_port = q->tx_port;
    if (split) {
        if ((rc = bind_port(q, ev_rx, &q->rx_port, rx_port_fired)))
            return rc;
        q->rx_bound = true;
    }
    return 0;
}

static int vif_connect(struct vif *vif)
{
    struct xenbus_device *dev = vif->dev;
    const char *what = "request-rx-copy";
    uint64_t v;
    int rc;

    if (xenbus_read_u64(&v, "%s/request-rx-copy", dev->fe_path) || v != 1) {
        say("%s: the frontend did not ask for rx copy mode (the only one)",
               vif->nd.name);
        return -XEN_EOPNOTSUPP;
    }
    rc = xenbus_read_u64(&v, "%s/multi-queue-num-queues", dev->fe_path);
    if (rc == -XEN_ENOENT)
        v = 1;
    else if (rc || !v || v > NB_MAX_QUEUES) {
        say("%s: multi-queue-num-queues: not 1 to %u", vif->nd.name,
               NB_MAX_QUEUES);
        return -XEN_EINVAL;
    }
    vif->nr_queues = (unsigned int)v;
    vif->broken = false;
    for (unsigned int i = 0; i < vif->nr_queues; i++) {
        struct vif_queue *q = &vif->queue[i];

        *q = (struct vif_queue){ .vif = vif, .index = i };
        if ((rc = queue_start(vif, q, &what))) {
            say("%s: queue %u: %s: %s (-%s)", vif->nd.name, i, what,
                   hv_strerror(rc), hv_errname(rc));
            vif_disconnect(vif);
            return rc;
        }
    }
    vif->connected = true;
    if ((rc = bridge_attach(&vif->nd))) {
        say("%s: cannot join the bridge: %s (-%s)", vif->nd.name,
               hv_strerror(rc), hv_errname(rc));
        vif_disconnect(vif);
        return rc;
    }
    vif->in_bridge = true;
    return 0;
}

/* ---- the xenbus backend ---- */

static int be_write(struct xenbus_device *dev, const char *key, unsigned int val)
{
    char path[160];

    snprintf(path, sizeof(path), "%s/%s", dev->be_path, key);
    return xenbus_write(path, "%u", val);
}

static void nb_frontend_changed(struct xenbus_device *dev);

static int nb_probe(struct xenbus_device *dev)
{
    static const struct { const char *key; unsigned int val; } features[] = {
        { "feature-sg", 1 }, { "feature-rx-copy", 1 }, { "feature-rx-flip", 0 },
        { "feature-split-event-channels", 1 },
        { "multi-queue-max-queues", NB_MAX_QUEUES },
    };
    char mac[32];
    struct vif *vif;
    int rc, n;

    if ((n = xenbus_read(mac, sizeof(mac), "%s/mac", dev->be_path)) < 0)
        return n;
    if (!(vif = calloc(1, sizeof(*vif))))
        return -XEN_ENOMEM;
    if (hv_mac_parse(mac, (size_t)n, vif->nd.mac)) {
        say("vif%u.%u: mac '%s' is not a MAC address", dev->fe_domid,
               dev->devid, mac);
        free(vif);
        return -XEN_EINVAL;
    }
    vif->dev = dev;
    snprintf(vif->nd.name, sizeof(vif->nd.name), "vif%u.%u", dev->fe_domid, dev->devid);
    vif->nd.lock_src = true;
    vif->nd.xmit = vif_xmit;
    vif->nd.priv = vif;
    for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
        if ((rc = be_write(dev, features[i].key, features[i].val))) {
            free(vif);
            return rc;
        }
    dev->priv = vif;
    vif->next = vifs;
    vifs = vif;
    if ((rc = xenbus_switch_state(dev, XenbusStateInitWait)))
        return rc;
    /* A frontend already waiting (dom0 started again under it) changes
     * nothing more: take it as it is. */
    if (dev->fe_state == XenbusStateInitialised || dev->fe_state == XenbusStateConnected)
        nb_frontend_changed(dev);
    return 0;
}

static void nb_frontend_changed(struct xenbus_device *dev)
{
    struct vif *vif = dev->priv;

    switch (dev->fe_state) {
    case XenbusStateInitialised:
    case XenbusStateConnected:
        if (vif->connected || dev->be_state == XenbusStateClosing)
            break;
        if (vif_connect(vif))
            xenbus_switch_state(dev, XenbusStateClosing);
        else
            xenbus_switch_state(dev, XenbusStateConnected);
        break;
    case XenbusStateInitialising:
        if (dev->be_state == XenbusStateClosed)   /* the frontend starts again */
            xenbus_switch_state(dev, XenbusStateInitWait);
        break;
    case XenbusStateClosing:
        vif_disconnect(vif);
        xenbus_switch_state(dev, XenbusStateClosing);
        break;
    case XenbusStateClosed:
    case XenbusStateUnknown:
        vif_disconnect(vif);
        xenbus_switch_state(dev, XenbusStateClosed);
        break;
    default:
        break;
    }
}

static void nb_remove(struct xenbus_device *dev)
{
    struct vif *vif = dev->priv, **pp;

    if (!vif)
        return;
    vif_disconnect(vif);
    for (pp = &vifs; *pp && *pp != vif; pp = &(*pp)->next)
        ;
    if (*pp)
        *pp = vif->next;
    dev->priv = NULL;
    free(vif);
}

static struct xenbus_backend netback = {
    .type = "vif",
    .probe = nb_probe,
    .frontend_changed = nb_frontend_changed,
    .remove = nb_remove,
};

void netback_domain_gone(domid_t dom)
{
    for (struct vif *vif = vifs; vif; vif = vif->next)
        if (vif->dev->fe_domid == dom)
            vif_disconnect(vif);
}

void netback_init(void)
{
    int rc = xenbus_backend_register(&netback);

    if (rc)
        printf("dom0: netback: %s (-%s); guests get no network\n", hv_strerror(rc),
               hv_errname(rc));
}
