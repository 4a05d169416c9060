// SPDX-License-Identifier: MIT
/*
 * blkback: dom0's block backend, xenbus type "vbd" (docs/block.md). Each
 * device serves one frontend's blkif ring (tools/backends/blkif_back.c:
 * the ring and the request checks) from a registered blkdev (blkdev.h,
 * the toolstack's params key), read-only when mode is "r".
 *
 * Requests go to the blkdev asynchronously, as many as the ring holds;
 * each gets its response when the blkdev's done() runs. A disk that takes
 * fewer segments than a request has gets it in parts, one after the
 * other, answered after the last. Data pages are
 * the frontend's grants, mapped in dom0's fmap window: with
 * feature-persistent, a grant stays mapped (writable) from its first use
 * until the device disconnects, up to PGRANT_MAX per device, so that a
 * steady state maps nothing; other grants are mapped for one request, at
 * most TMP_BUDGET at a time per device.
 * Every map and unmap is counted per device (`hv block-list`).
 *
 * The ring and everything in it are the guest's: a request is copied and
 * checked before use, a bad one gets BLKIF_RSP_ERROR (an operation not
 * offered BLKIF_RSP_EOPNOTSUPP), a ring with indexes out of range
 * disconnects the device with one line. Disconnecting (the frontend
 * closing, the toolstack destroying the domain) first waits until the
 * requests in flight are done, then unmaps every grant.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <public/errno.h>
#include "../backends/blkif_back.h"
#include "blkdev.h"
#include "dom0.h"
#include "domains.h"
#include "test.h"
#include "xen.h"
#include "xenbus.h"

/* dom0 may hold 1024 grant mappings in all (the hypervisor's limit per
 * mapper, docs/grant-tables.md): a device keeps at most PGRANT_MAX
 * persistent ones and maps at most TMP_BUDGET more for requests in
 * flight; beyond that it leaves requests on the ring until some are done. */
#define PGRANT_MAX      128
#define TMP_BUDGET      128
#define KEY_MAX         160
#define TMP_MAX         (BLKIF_BACK_MAX_SEGS + BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST)

struct pgrant {
    grant_ref_t gref;
    uint64_t gpa;
    grant_handle_t handle;
};

struct vbd;

/* A request handed to the blkdev; breq first (done() gets &breq). */
struct vbd_req {
    struct blkdev_req breq;
    struct vbd *vbd;
    uint64_t id;
    uint8_t ring_op;
    /* The whole request; a disk taking fewer segments gets it in parts,
     * one after the other (breq holds the part in flight). */
    enum blkdev_op op;
    unsigned int nr_segs, next_seg;
    uint64_t next_sector;
    struct blkdev_seg segs[BLKIF_BACK_MAX_SEGS];
    unsigned int nr_tmp;                /* grants mapped for this request only */
    struct { uint64_t gpa; grant_handle_t handle; } tmp[TMP_MAX];
    struct vbd_req *next_free;
};

struct vbd {
    struct xenbus_device *xdev;
    struct blkdev *disk;
    bool read_only;                     /* mode = "r" */
    /* Connected state: */
    bool connected;
    bool persistent;
    unsigned int ring_pages;            /* mapped */
    unsigned int ring_alloc;            /* window pages taken */
    uint64_t ring_gpa;
    grant_handle_t ring_handle[BLKIF_BACK_MAX_PAGES];
    struct blkif_back_ring ring;
    evtchn_port_t port;
    struct vbd_req *reqs, *free_reqs;
    unsigned int in_flight;             /* given to the blkdev, not done */
    unsigned int tmp_maps;              /* grants mapped for one request */
    bool stalled;                       /* requests left on the ring for maps */
    bool disconnecting;                 /* disconnect() waits: no connect() */
    volatile bool drained;              /* in_flight reached 0 */
    struct pgrant *pgrants;
    unsigned int nr_pgrants;
    struct dom0_timer again;            /* more requests than one turn takes */
    /* Counters since the device appeared. */
    uint64_t nr_reqs, nr_errors, nr_maps, nr_unmaps;
    struct vbd *next;
};

static struct vbd *vbds;

static int be_write(struct xenbus_device *dev, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int be_write(struct xenbus_device *dev, const char *key, const char *fmt, ...)
{
    char path[KEY_MAX], value[64];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    snprintf(path, sizeof(path), "%s/%s", dev->be_path, key);
    return xenbus_write(path, "%s", value);
}

/* A line of its own, outside any command (the loop redraws the prompt). */
static void say(struct vbd *v, const char *what)
{
    console_async_begin();
    printf("dom0: vbd %u/%u: %s\n", v->xdev->fe_domid, v->xdev->devid, what);
}

/* ---- grants ---- */

/* Map dom's gref in one page of the window: its gpa, or 0. */
static uint64_t map_one(struct vbd *v, grant_ref_t gref, bool readonly,
                        grant_handle_t *handle)
{
    uint64_t gpa = fmap_alloc(1);

    if (!gpa)
        return 0;
    if (gnttab_map(v->xdev->fe_domid, gref, gpa, readonly, handle)) {
        fmap_free(gpa, 1);
        return 0;
    }
    v->nr_maps++;
    return gpa;
}

static void unmap_one(struct vbd *v, uint64_t gpa, grant_handle_t handle)
{
    gnttab_unmap(gpa, handle);
    fmap_free(gpa, 1);
    v->nr_unmaps++;
}

/* The page of gref for req: a persistent grant (found or mapped now), or
 * one mapped for this request. Its gpa, or 0 if it cannot be mapped. */
static uint64_t grant_page(struct vbd *v, struct vbd_req *r, grant_ref_t gref, bool write)
{
    grant_handle_t h;
    uint64_t gpa;

    if (v->persistent) {
        for (unsigned int i = 0; i < v->nr_pgrants; i++)
            if (v->pgrants[i].gref == gref)
                return v->pgrants[i].gpa;
        if (v->nr_pgrants < PGRANT_MAX) {
            /* Persistent grants are granted writable by the frontend. */
            if (!(gpa = map_one(v, gref, false, &h)))
                return 0;
            v->pgrants[v->nr_pgrants++] = (struct pgrant){ gref, gpa, h };
            return gpa;
        }
    }
    if (r->nr_tmp == TMP_MAX || !(gpa = map_one(v, gref, !write, &h)))
        return 0;
    v->tmp_maps++;
    r->tmp[r->nr_tmp].gpa = gpa;
    r->tmp[r->nr_tmp++].handle = h;
    return gpa;
}

static void unmap_tmp(struct vbd *v, struct vbd_req *r)
{
    for (unsigned int i = 0; i < r->nr_tmp; i++)
        unmap_one(v, r->tmp[i].gpa, r->tmp[i].handle);
    v->tmp_maps -= r->nr_tmp;
    r->nr_tmp = 0;
}

/* ---- requests ---- */

static void notify(struct vbd *v)
{
    if (blkif_back_push(&v->ring))
        evtchn_send(v->port);
}

static void put_req(struct vbd *v, struct vbd_req *r)
{
    unmap_tmp(v, r);
    r->next_free = v->free_reqs;
    v->free_reqs = r;
}

static void answer(struct vbd *v, uint64_t id, uint8_t op, int status)
{
    v->nr_reqs++;
    if (status != BLKIF_RSP_OKAY)
        v->nr_errors++;
    blkif_back_respond(&v->ring, id, op, (int16_t)status);
}

static void req_done(struct blkdev_req *breq, int status);

/* Give the disk the next part of r: at most its max_segs segments. */
static int submit_part(struct vbd *v, struct vbd_req *r)
{
    struct blkdev_req *b = &r->breq;
    unsigned int n = r->nr_segs - r->next_seg;

    if (n > v->disk->max_segs)
        n = v->disk->max_segs;
    b->op = r->op;
    b->sector = r->next_sector;
    b->nr_segs = n;
    for (unsigned int i = 0; i < n; i++) {
        b->seg[i] = r->segs[r->next_seg + i];
        r->next_sector += b->seg[i].len / BLKDEV_SECTOR;
    }
    r->next_seg += n;
    b->done = req_done;
    b->arg = r;
    return blkdev_submit(v->disk, b);
}

static void req_done(struct blkdev_req *breq, int status)
{
    struct vbd_req *r = (struct vbd_req *)breq;
    struct vbd *v = r->vbd;

    if (!status && v->connected && r->next_seg < r->nr_segs &&
        !(status = submit_part(v, r)))
        return;                         /* the next part is on its way */
    /* Unmapped before the answer: the frontend ends its grants then. */
    put_req(v, r);
    if (v->connected) {
        answer(v, r->id, r->ring_op, status ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY);
        notify(v);
        if (v->stalled) {               /* maps are free again */
            v->stalled = false;
            timer_arm(&v->again, now_ns());
        }
    }
    if (!--v->in_flight)
        v->drained = true;
}

/* Read the segments of an indirect request from its pages. */
static int read_indirect(struct vbd *v, struct vbd_req *r, struct blkif_back_req *q)
{
    for (unsigned int i = 0; i < q->nr_indirect; i++) {
        unsigned int before = r->nr_tmp;
        uint64_t gpa = grant_page(v, r, q->indirect[i], false);
        int rc;

        if (!gpa)
            return BLKIF_RSP_ERROR;
        rc = blkif_back_parse_indirect(q, i, (const void *)(uintptr_t)gpa);
        if (r->nr_tmp > before) {       /* not persistent: done with it */
            unmap_one(v, r->tmp[before].gpa, r->tmp[before].handle);
            v->tmp_maps--;
            r->nr_tmp = before;
        }
        if (rc)
            return rc;
    }
    return BLKIF_RSP_OKAY;
}

/* Check what the blkdev cannot, map the data pages, note the segments. */
static int prepare(struct vbd *v, struct vbd_req *r, struct blkif_back_req *q)
{
    uint64_t sectors = 0;
    int rc;

    if (q->op == BLKIF_OP_WRITE && v->read_only)
        return BLKIF_RSP_ERROR;
    if (q->nr_indirect && (rc = read_indirect(v, r, q)))
        return rc;
    /* The whole range is checked before anything is mapped (blkdev_submit
     * checks each part again): a request that runs past the disk does
     * nothing at all, even when it goes in parts. */
    for (unsigned int i = 0; i < q->nr_segs; i++)
        sectors += q->seg[i].len / BLKDEV_SECTOR;
    if (q->op != BLKIF_OP_FLUSH_DISKCACHE &&
        (q->sector >= v->disk->sectors || sectors > v->disk->sectors - q->sector))
        return BLKIF_RSP_ERROR;
    r->op = q->op == BLKIF_OP_READ ? BLKDEV_READ :
            q->op == BLKIF_OP_WRITE ? BLKDEV_WRITE : BLKDEV_FLUSH;
    r->next_sector = q->sector;
    r->nr_segs = q->nr_segs;
    r->next_seg = 0;
    for (unsigned int i = 0; i < q->nr_segs; i++) {
        uint64_t gpa = grant_page(v, r, q->seg[i].gref, q->op == BLKIF_OP_READ);

        if (!gpa)
            return BLKIF_RSP_ERROR;
        r->segs[i].gpa = gpa + q->seg[i].offset;
        r->segs[i].len = q->seg[i].len;
    }
    return BLKIF_RSP_OKAY;
}

/* One request taken from the ring: to the blkdev, or answered now. */
static void handle(struct vbd *v, const union blkif_sring_entry *e)
{
    struct blkif_back_req q;
    struct vbd_req *r = v->free_reqs;
    int rc = blkif_back_parse(e, BLKIF_BACK_MAX_SEGS, &q);

    if (rc || !r) {
        answer(v, q.id, q.ring_op, rc ? rc : BLKIF_RSP_ERROR);
        return;
    }
    v->free_reqs = r->next_free;
    r->id = q.id;
    r->ring_op = q.ring_op;
    if ((rc = prepare(v, r, &q)) || submit_part(v, r)) {
        put_req(v, r);
        answer(v, q.id, q.ring_op, rc ? rc : BLKIF_RSP_ERROR);
        return;
    }
    v->in_flight++;
    v->drained = false;
}

static void disconnect(struct vbd *v);

/* Take what the ring holds, a ring's worth at a time. */
static void serve(struct vbd *v)
{
    union blkif_sring_entry e;
    unsigned int budget = v->ring.nr_ents;
    int rc = 0;

    while (v->connected) {
        while (budget && !(v->stalled = v->tmp_maps + TMP_MAX > TMP_BUDGET) &&
               (rc = blkif_back_next(&v->ring, &e)) == 1) {
            handle(v, &e);
            budget--;
        }
        if (v->stalled) {               /* req_done() serves again */
            notify(v);
            return;
        }
        if (rc == BLKIF_BACK_BROKEN) {
            say(v, "ring indexes out of range; disconnected");
            notify(v);
            disconnect(v);
            xenbus_switch_state(v->xdev, XenbusStateClosed);
            return;
        }
        notify(v);
        if (!budget) {                  /* the rest on the next turn */
            timer_arm(&v->again, now_ns());
            return;
        }
        if (!blkif_back_final_check(&v->ring))
            return;
    }
}

static void port_fired(evtchn_port_t port, void *arg)
{
    serve(arg);
}

static void serve_again(void *arg)
{
    serve(arg);
}

/* ---- connecting ---- */

/* The frontend's ring: ring-ref (one page), or ring-page-order and
 * ring-ref0..N-1, mapped at consecutive pages of the window. */
static int map_ring(struct vbd *v)
{
    struct xenbus_device *dev = v->xdev;
    uint64_t order = 0, gref;
    int rc = xenbus_read_u64(&order, "%s/ring-page-order", dev->fe_path);
    bool multi = !rc;
    unsigned int n;

    if ((rc && rc != -XEN_ENOENT) || order > BLKIF_BACK_MAX_ORDER)
        return -XEN_EINVAL;
    n = 1u << order;
    if (!(v->ring_gpa = fmap_alloc(n)))
        return -XEN_ENOMEM;
    v->ring_alloc = n;
    while (v->ring_pages < n) {
        uint64_t gpa = v->ring_gpa + v->ring_pages * PAGE_SIZE;

        rc = multi ? xenbus_read_u64(&gref, "%s/ring-ref%u", dev->fe_path, v->ring_pages)
                   : xenbus_read_u64(&gref, "%s/ring-ref", dev->fe_path);
        if (rc || gref > UINT32_MAX ||
            gnttab_map(dev->fe_domid, (grant_ref_t)gref, gpa, false,
                       &v->ring_handle[v->ring_pages]))
            return -XEN_EINVAL;
        v->nr_maps++;
        v->ring_pages++;
    }
    blkif_back_init(&v->ring, (void *)(uintptr_t)v->ring_gpa, n);
    return 0;
}

static void unmap_ring(struct vbd *v)
{
    for (unsigned int i = 0; i < v->ring_pages; i++) {
        gnttab_unmap(v->ring_gpa + i * PAGE_SIZE, v->ring_handle[i]);
        v->nr_unmaps++;
    }
    if (v->ring_alloc)
        fmap_free(v->ring_gpa, v->ring_alloc);
    v->ring_gpa = 0;
    v->ring_pages = v->ring_alloc = 0;
}

static int read_fe_options(struct vbd *v)
{
    struct xenbus_device *dev = v->xdev;
    char proto[32];
    uint64_t val = 0;
    int rc = xenbus_read(proto, sizeof(proto), "%s/protocol", dev->fe_path);

    /* x86_64-abi only; none given is the native one, which is that. */
    if (rc >= 0 && strcmp(proto, BLKIF_PROTOCOL_X86_64)) {
        say(v, "protocol is not x86_64-abi: refused");
        return -XEN_EINVAL;
    }
    if (rc < 0 && rc != -XEN_ENOENT)
        return rc;
    rc = xenbus_read_u64(&val, "%s/feature-persistent", dev->fe_path);
    v->persistent = !rc && val == 1;
    return 0;
}

static int bind_port(struct vbd *v)
{
    uint64_t remote;
    evtchn_port_t port;
    long rc = xenbus_read_u64(&remote, "%s/event-channel", v->xdev->fe_path);

    if (rc || remote > UINT32_MAX)
        return -XEN_EINVAL;
    if ((rc = evtchn_bind_interdomain(v->xdev->fe_domid, (evtchn_port_t)remote, &port)))
        return (int)rc;
    v->port = port;
    return 0;
}

static int connect(struct vbd *v)
{
    struct xenbus_device *dev = v->xdev;
    int rc;

    if ((rc = read_fe_options(v)) || (rc = map_ring(v)))
        return rc;
    v->reqs = calloc(v->ring.nr_ents, sizeof(*v->reqs));
    v->pgrants = v->persistent ? calloc(PGRANT_MAX, sizeof(*v->pgrants)) : NULL;
    if (!v->reqs || (v->persistent && !v->pgrants))
        return -XEN_ENOMEM;
    for (unsigned int i = 0; i < v->ring.nr_ents; i++) {
        v->reqs[i].vbd = v;
        put_req(v, &v->reqs[i]);
    }
    if ((rc = bind_port(v)))
        return rc;
    if ((rc = be_write(dev, "sectors", "%lu", (unsigned long)v->disk->sectors)) ||
        (rc = be_write(dev, "info", "%u", v->read_only ? VDISK_READONLY : 0)) ||
        (rc = be_write(dev, "sector-size", "%u", BLKDEV_SECTOR)) ||
        (rc = be_write(dev, "physical-sector-size", "%u", BLKDEV_SECTOR)) ||
        (rc = be_write(dev, "feature-flush-cache", "1")))
        return rc;
    v->connected = true;
    v->drained = true;
    v->stalled = false;
    if ((rc = ports_bind(v->port, port_fired, v)))
        return rc;
    return xenbus_switch_state(dev, XenbusStateConnected);
}

/* Stop taking requests, wait for those in flight, unmap everything. The
 * wait runs the event loop: xenbus events for this device may come in
 * it, and must not connect it again meanwhile. */
static void disconnect(struct vbd *v)
{
    v->connected = false;
    timer_disarm(&v->again);
    if (v->port) {
        ports_unbind(v->port);
        evtchn_close(v->port);
        v->port = 0;
    }
    if (v->in_flight) {
        char what[64];
        bool outer = !v->disconnecting;

        snprintf(what, sizeof(what), "waiting for %u requests in flight", v->in_flight);
        say(v, what);
        v->disconnecting = true;
        dom0_wait(&v->drained);
        v->disconnecting = !outer;
    }
    for (unsigned int i = 0; i < v->nr_pgrants; i++)
        unmap_one(v, v->pgrants[i].gpa, v->pgrants[i].handle);
    v->nr_pgrants = 0;
    free(v->pgrants);
    v->pgrants = NULL;
    unmap_ring(v);
    free(v->reqs);
    v->reqs = v->free_reqs = NULL;
}

/* ---- xenbus ---- */

static int probe(struct xenbus_device *dev)
{
    struct vbd *v = calloc(1, sizeof(*v));
    char params[BLKDEV_NAME_MAX + 1], mode[4];
    int rc;

    if (!v)
        return -XEN_ENOMEM;
    v->xdev = dev;
    v->again.fn = serve_again;
    v->again.arg = v;
    dev->priv = v;
    rc = xenbus_read(params, sizeof(params), "%s/params", dev->be_path);
    if (rc <= 0 || rc > BLKDEV_NAME_MAX || !(v->disk = blkdev_find(params)) ||
        xenbus_read(mode, sizeof(mode), "%s/mode", dev->be_path) != 1 ||
        (mode[0] != 'r' && mode[0] != 'w')) {
        say(v, "no such block device, or a bad mode");
        free(v);
        dev->priv = NULL;
        return -XEN_ENODEV;
    }
    v->read_only = mode[0] == 'r' || v->disk->read_only;
    if ((rc = be_write(dev, "feature-max-indirect-segments", "%u", BLKIF_BACK_MAX_SEGS)) ||
        (rc = be_write(dev, "feature-persistent", "1")) ||
        (rc = be_write(dev, "max-ring-page-order", "%u", BLKIF_BACK_MAX_ORDER)) ||
        (rc = xenbus_switch_state(dev, XenbusStateInitWait))) {
        free(v);
        dev->priv = NULL;
        return rc;
    }
    v->next = vbds;
    vbds = v;
    return 0;
}

static void frontend_changed(struct xenbus_device *dev)
{
    struct vbd *v = dev->priv;
    int rc;

    switch (dev->fe_state) {
    case XenbusStateInitialising:
        if (dev->be_state == XenbusStateClosed)     /* it comes back */
            xenbus_switch_state(dev, XenbusStateInitWait);
        break;
    case XenbusStateInitialised:
    case XenbusStateConnected:
        if (dev->be_state == XenbusStateConnected || v->connected || v->disconnecting)
            break;
        disconnect(v);
        if ((rc = connect(v))) {
            console_async_begin();
            printf("dom0: vbd %u/%u: cannot connect: %d\n", dev->fe_domid, dev->devid, rc);
            disconnect(v);
            xenbus_switch_state(dev, XenbusStateClosing);
        }
        break;
    case XenbusStateClosing:
        disconnect(v);
        xenbus_switch_state(dev, XenbusStateClosing);
        break;
    case XenbusStateClosed:
    case XenbusStateUnknown:
        disconnect(v);
        xenbus_switch_state(dev, XenbusStateClosed);
        break;
    default:
        break;
    }
}

static void remove(struct xenbus_device *dev)
{
    struct vbd *v = dev->priv;

    if (!v)
        return;
    disconnect(v);
    for (struct vbd **pp = &vbds; *pp; pp = &(*pp)->next)
        if (*pp == v) {
            *pp = v->next;
            break;
        }
    free(v);
    dev->priv = NULL;
}

static struct xenbus_backend vbd_backend = {
    .type = "vbd", .probe = probe, .frontend_changed = frontend_changed, .remove = remove,
};

void blkback_init(void)
{
    int rc = xenbus_backend_register(&vbd_backend);

    if (rc)
        printf("dom0: blkback: cannot watch backend/vbd: %d\n", rc);
}

int backends_block_list(domid_t domid)
{
    unsigned int n = 0;

    printf("Vdev       BE state evt-ch disk             mode reqs       errors  maps    unmaps  "
           "persistent\n");
    for (struct vbd *v = vbds; v; v = v->next) {
        if (v->xdev->fe_domid != domid)
            continue;
        printf("%-10u  0 %5u %6d %-16s %-4s %-10lu %-7lu %-7lu %-7lu %u\n", v->xdev->devid,
               v->xdev->be_state, v->connected ? (int)v->port : -1, v->disk->name,
               v->read_only ? "r" : "w", (unsigned long)v->nr_reqs,
               (unsigned long)v->nr_errors, (unsigned long)v->nr_maps,
               (unsigned long)v->nr_unmaps, v->nr_pgrants);
        n++;
    }
    return (int)n;
}
