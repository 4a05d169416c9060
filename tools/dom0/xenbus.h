/* SPDX-License-Identifier: MIT */
/*
 * dom0's side of xenbus: watches on its own xenstored (the library in
 * dom0, tools/xenstored) dispatched from the event loop, and the backend
 * half of the split-driver handshake that blkback and netback share.
 *
 * The toolstack writes, for each device of a new domain (as libxl does):
 *   backend:  /local/domain/0/backend/<type>/<domid>/<devid>/
 *             frontend, frontend-id, online = 1, state = 1, and the
 *             device's own keys (vbd: params, mode, ...; vif: mac, ...)
 *   frontend: /local/domain/<domid>/device/<type>/<devid>/
 *             backend, backend-id = 0, state = 1 (owned by the domain,
 *             dom0 may read)
 * A backend driver registers for its <type>; xenbus.c watches
 * backend/<type>, calls probe() for each new <domid>/<devid>, calls
 * frontend_changed() whenever the frontend's state key changes, and
 * remove() when the backend directory goes (the toolstack removes it
 * before it destroys the domain) or the domain goes away.
 */
#ifndef DOM0_XENBUS_H
#define DOM0_XENBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>
#include <public/io/xenbus.h>

/* Xen's xenbus states: public/io/xenbus.h. */

/* ---- watches ---- */
typedef void (*xenbus_watch_fn)(const char *path, void *arg);
/* Call fn(path, arg) for every change at or under path (and once now, as
 * xenstore does). 0 or a negative Xen errno. */
int xenbus_watch(const char *path, xenbus_watch_fn fn, void *arg);
void xenbus_unwatch(const char *path, xenbus_watch_fn fn, void *arg);
/* Whether watch events wait (the loop must not block), and serve them. */
bool xenbus_pending(void);
void xenbus_run(void);

/* ---- reading and writing (dom0's connection; paths absolute) ---- */
/* printf-style path; value into buf: its length or a negative errno. */
int xenbus_read(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An unsigned number at path: 0, or -XEN_ENOENT / -XEN_EINVAL. */
int xenbus_read_u64(uint64_t *val, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int xenbus_write(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- backends ---- */
struct xenbus_device {
    const char *type;                   /* "vbd", "vif" */
    domid_t fe_domid;
    unsigned int devid;
    char be_path[96];                   /* /local/domain/0/backend/<type>/<domid>/<devid> */
    char fe_path[96];                   /* from the backend's frontend key */
    enum xenbus_state fe_state;         /* last read */
    enum xenbus_state be_state;         /* last written */
    void *priv;                         /* the driver's */
    struct xenbus_device *next;
};

struct xenbus_backend {
    const char *type;
    /* A device appeared: set it up, write the feature keys, go to
     * InitWait. 0, or an error (the device is switched to Closed). */
    int (*probe)(struct xenbus_device *dev);
    /* The frontend's state key changed to dev->fe_state. */
    void (*frontend_changed)(struct xenbus_device *dev);
    /* The device is going: unmap, unbind, free (no xenstore writes
     * needed). */
    void (*remove)(struct xenbus_device *dev);
    struct xenbus_backend *next;
};

int xenbus_backend_register(struct xenbus_backend *be);
/* The domain is about to be destroyed (backends_domain_gone): remove()
 * each of its devices now, before its grants and pages go; remove() may
 * wait for requests in flight. (Added by h-blk: the directory watch would
 * come too late, after the destroy started waiting for the domain.) */
void xenbus_domain_gone(domid_t domid);
/* Write the backend's state key; 0 or an error. */
int xenbus_switch_state(struct xenbus_device *dev, enum xenbus_state state);

#endif
