// SPDX-License-Identifier: MIT
/*
 * dom0's xenbus (xenbus.h): watches on its own xenstored and the backend
 * half of the split-driver handshake.
 *
 * Watches: each has a token of its own ("xb<n>", never reused), so that an
 * event still queued for a watch that was removed finds nothing and is
 * dropped. xenstored queues dom0's events on its local connection;
 * xenbus_run(), called from the event loop (and from waits), takes them
 * one by one and calls the watch's function. It is not re-entered: a
 * function that waits (a backend draining its requests) runs the loop,
 * which leaves the events for later (xenbus_pending() says none meanwhile).
 *
 * Backends: a registered driver's directory backend/<type> is watched;
 * every event there rescans it: devices whose directory went are removed,
 * new <domid>/<devid> directories with their frontend key are probed. Each
 * device watches its frontend's state key and hands changes to the driver.
 * The backend directories are dom0's (the guest may only read them); the
 * frontend's are the guest's, so everything read there is checked.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <public/errno.h>
#include "../xenstored/xenstored.h"
#include "dom0.h"
#include "xenbus.h"

#define BACKEND_ROOT    "/local/domain/0/backend"
#define PATH_MAX_LEN    160
#define TOKEN_LEN       16
#define DIR_BUF         2048

struct xb_watch {
    char path[PATH_MAX_LEN];
    char token[TOKEN_LEN];
    xenbus_watch_fn fn;
    void *arg;
    struct xb_watch *next;
};

/* A device and what xenbus keeps for it; dev first (the driver's pointer
 * is &xd->dev). */
struct xb_dev {
    struct xenbus_device dev;
    struct xenbus_backend *be;
    bool live;                          /* probe() succeeded; remove() due */
    char state_path[PATH_MAX_LEN];      /* the frontend's state key */
};

static struct xb_watch *watches;
static unsigned int next_token;
static struct xenbus_backend *backends;
static struct xenbus_device *devices;
static bool running;                    /* xenbus_run() is on the stack */
/* The domain xenbus_domain_gone() is removing: its directories are not
 * probed again while a remove() waits (the toolstack removes them next). */
static domid_t dying = DOMID_INVALID;

/* ---- reading and writing ---- */

static int vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    int n = vsnprintf(buf, size, fmt, ap);

    return n < 0 || (size_t)n >= size ? -XEN_E2BIG : 0;
}

/* Read the key at the formatted path into buf[size]: its length or an
 * errno. */
static int vread(char *buf, size_t size, const char *fmt, va_list ap)
{
    char path[PATH_MAX_LEN];
    int rc = vformat(path, sizeof(path), fmt, ap);

    if (rc)
        return rc;
    return dom0_xs ? xs_local_read(dom0_xs, 0, path, buf, size) : -XEN_ENODEV;
}

int xenbus_read(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vread(buf, size, fmt, ap);
    va_end(ap);
    return rc;
}

int xenbus_read_u64(uint64_t *val, const char *fmt, ...)
{
    char buf[24];
    uint64_t v = 0;
    va_list ap;
    int rc, i;

    va_start(ap, fmt);
    rc = vread(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (rc < 0)
        return rc == -XEN_ENOENT ? rc : -XEN_EINVAL;
    /* Decimal digits only, at most 20 of them, no overflow. */
    if (rc == 0 || rc >= (int)sizeof(buf))
        return -XEN_EINVAL;
    for (i = 0; i < rc; i++) {
        unsigned int d = (unsigned char)buf[i] - '0';

        if (d > 9 || v > (UINT64_MAX - d) / 10)
            return -XEN_EINVAL;
        v = v * 10 + d;
    }
    *val = v;
    return 0;
}

int xenbus_write(const char *path, const char *fmt, ...)
{
    char value[256];
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vformat(value, sizeof(value), fmt, ap);
    va_end(ap);
    if (rc)
        return rc;
    if (!dom0_xs)
        return -XEN_ENODEV;
    return xs_local_write(dom0_xs, 0, path, value, strlen(value));
}

/* ---- watches ---- */

int xenbus_watch(const char *path, xenbus_watch_fn fn, void *arg)
{
    struct xb_watch *w;
    int rc;

    if (!dom0_xs)
        return -XEN_ENODEV;
    if (strlen(path) >= PATH_MAX_LEN)
        return -XEN_E2BIG;
    if (!(w = calloc(1, sizeof(*w))))
        return -XEN_ENOMEM;
    memcpy(w->path, path, strlen(path) + 1);
    snprintf(w->token, sizeof(w->token), "xb%u", next_token++);
    w->fn = fn;
    w->arg = arg;
    if ((rc = xs_local_watch(dom0_xs, w->path, w->token))) {
        free(w);
        return rc;
    }
    w->next = watches;
    watches = w;
    return 0;
}

void xenbus_unwatch(const char *path, xenbus_watch_fn fn, void *arg)
{
    for (struct xb_watch **pp = &watches, *w; (w = *pp); pp = &w->next)
        if (w->fn == fn && w->arg == arg && !strcmp(w->path, path)) {
            *pp = w->next;
            xs_local_unwatch(dom0_xs, w->path, w->token);
            free(w);
            return;
        }
}

bool xenbus_pending(void)
{
    return !running && dom0_xs && xs_local_pending(dom0_xs);
}

void xenbus_run(void)
{
    char path[PATH_MAX_LEN], token[TOKEN_LEN];
    struct xb_watch *w;

    if (running || !dom0_xs)
        return;
    running = true;
    while (xs_local_next_event(dom0_xs, path, sizeof(path), token, sizeof(token)) == 1) {
        for (w = watches; w && strcmp(w->token, token); w = w->next)
            ;
        if (w)
            w->fn(path, w->arg);        /* may unwatch itself */
    }
    running = false;
}

/* ---- backends ---- */

int xenbus_switch_state(struct xenbus_device *dev, enum xenbus_state state)
{
    char path[PATH_MAX_LEN];
    int rc;

    snprintf(path, sizeof(path), "%s/state", dev->be_path);
    if ((rc = xenbus_write(path, "%d", (int)state)))
        return rc;
    dev->be_state = state;
    return 0;
}

/* The frontend's state: Unknown when it is missing or not a state. */
static enum xenbus_state read_fe_state(struct xb_dev *xd)
{
    uint64_t v;

    if (xenbus_read_u64(&v, "%s", xd->state_path) || v > XenbusStateReconfigured)
        return XenbusStateUnknown;
    return (enum xenbus_state)v;
}

static void fe_state_changed(const char *path, void *arg)
{
    struct xb_dev *xd = arg;
    enum xenbus_state s = read_fe_state(xd);

    if (s == xd->dev.fe_state)
        return;
    xd->dev.fe_state = s;
    if (xd->live && xd->be->frontend_changed)
        xd->be->frontend_changed(&xd->dev);
}

static void device_free(struct xenbus_device *dev)
{
    struct xb_dev *xd = (struct xb_dev *)dev;

    xenbus_unwatch(xd->state_path, fe_state_changed, xd);
    if (xd->live && xd->be->remove)
        xd->be->remove(dev);
    free(xd);
}

/* Unlink and free every device that pred() picks. */
static void remove_where(bool (*pred)(struct xenbus_device *dev, const void *arg),
                         const void *arg)
{
    struct xenbus_device **pp = &devices, *dev;

    while ((dev = *pp)) {
        if (!pred(dev, arg)) {
            pp = &dev->next;
            continue;
        }
        *pp = dev->next;
        device_free(dev);
        pp = &devices;                  /* remove() may have waited: start over */
    }
}

static struct xenbus_device *find_dev(const char *type, domid_t domid, unsigned int devid)
{
    for (struct xenbus_device *d = devices; d; d = d->next)
        if (d->fe_domid == domid && d->devid == devid && !strcmp(d->type, type))
            return d;
    return NULL;
}

/* A new backend directory: read who the frontend is, probe, watch. */
static void device_new(struct xenbus_backend *be, domid_t domid, unsigned int devid)
{
    struct xb_dev *xd;
    struct xenbus_device *dev;
    uint64_t fe_id;
    int rc;

    if (!(xd = calloc(1, sizeof(*xd))))
        return;
    dev = &xd->dev;
    xd->be = be;
    dev->type = be->type;
    dev->fe_domid = domid;
    dev->devid = devid;
    snprintf(dev->be_path, sizeof(dev->be_path), BACKEND_ROOT "/%s/%u/%u", be->type,
             domid, devid);
    rc = xenbus_read(dev->fe_path, sizeof(dev->fe_path), "%s/frontend", dev->be_path);
    if (rc <= 0 || rc >= (int)sizeof(dev->fe_path) ||
        xenbus_read_u64(&fe_id, "%s/frontend-id", dev->be_path) || fe_id != domid) {
        free(xd);                       /* not (yet) a whole device: ignored */
        return;
    }
    snprintf(xd->state_path, sizeof(xd->state_path), "%s/state", dev->fe_path);
    dev->next = devices;
    devices = dev;
    dev->fe_state = read_fe_state(xd);
    if ((rc = be->probe(dev))) {
        printf("dom0: %s %u/%u: probe: %d; closed\n", be->type, domid, devid, rc);
        xenbus_switch_state(dev, XenbusStateClosed);
    } else {
        xd->live = true;
    }
    if ((rc = xenbus_watch(xd->state_path, fe_state_changed, xd)))
        printf("dom0: %s %u/%u: cannot watch %s: %d\n", be->type, domid, devid,
               xd->state_path, rc);
}

static bool dir_gone(struct xenbus_device *dev, const void *arg)
{
    char buf[8];

    return dev->type == arg &&
           xenbus_read(buf, sizeof(buf), "%s/frontend", dev->be_path) == -XEN_ENOENT;
}

static bool parse_id(const char *s, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;

    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > max / 10)
            return false;
        v = v * 10 + (unsigned long)(*s - '0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

/* Probe the devices under backend/<type>/<domid> not known yet. */
static void scan_domain(struct xenbus_backend *be, const char *dom, char *buf)
{
    char path[PATH_MAX_LEN];
    unsigned long domid, devid;
    int n;

    if (!parse_id(dom, DOMID_FIRST_RESERVED - 1, &domid) || !domid || domid == dying)
        return;
    snprintf(path, sizeof(path), BACKEND_ROOT "/%s/%s", be->type, dom);
    if ((n = xs_local_directory(dom0_xs, 0, path, buf, DIR_BUF)) <= 0)
        return;
    for (char *p = buf; p < buf + n; p += strlen(p) + 1)
        if (parse_id(p, UINT32_MAX, &devid) &&
            !find_dev(be->type, (domid_t)domid, (unsigned int)devid))
            device_new(be, (domid_t)domid, (unsigned int)devid);
}

static void backend_changed(const char *path, void *arg)
{
    struct xenbus_backend *be = arg;
    char root[PATH_MAX_LEN];
    char *doms, *devs;
    int n;

    remove_where(dir_gone, be->type);
    snprintf(root, sizeof(root), BACKEND_ROOT "/%s", be->type);
    doms = malloc(DIR_BUF);
    devs = malloc(DIR_BUF);
    if (doms && devs && (n = xs_local_directory(dom0_xs, 0, root, doms, DIR_BUF)) > 0)
        for (char *p = doms; p < doms + n; p += strlen(p) + 1)
            scan_domain(be, p, devs);
    free(doms);
    free(devs);
}

int xenbus_backend_register(struct xenbus_backend *be)
{
    char root[PATH_MAX_LEN];
    int rc;

    if (!be || !be->type || !be->probe)
        return -XEN_EINVAL;
    snprintf(root, sizeof(root), BACKEND_ROOT "/%s", be->type);
    if ((rc = xenbus_watch(root, backend_changed, be)))
        return rc;
    be->next = backends;
    backends = be;
    return 0;
}

static bool of_domain(struct xenbus_device *dev, const void *arg)
{
    return dev->fe_domid == *(const domid_t *)arg;
}

void xenbus_domain_gone(domid_t domid)
{
    domid_t before = dying;

    dying = domid;
    remove_where(of_domain, &domid);
    dying = before;
}
