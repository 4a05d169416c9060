/* SPDX-License-Identifier: MIT */
/*
 * Domains: setting up and tearing down the store (xs_init, xs_fini),
 * introducing and releasing domains (their ring page and event channel come
 * through the host's ops), and serving their rings when a port fires.
 */
#include "xs_private.h"

int xs_init(struct xs *xs, const struct xs_host_ops *ops, void *host)
{
    static const struct xs_quota defaults = XS_QUOTA_DEFAULT;

    memset(xs, 0, sizeof(*xs));
    xs->ops = ops;
    xs->host = host;
    xs->quota = defaults;
    if (xs_store_init(&xs->store))
        return -XEN_ENOMEM;
    xs->local = xs_conn_new(xs, 0);
    if (!xs->local) {
        xs_store_free(&xs->store);
        return -XEN_ENOMEM;
    }
    return 0;
}

static void disconnect(struct xs *xs, struct xs_conn *c)
{
    xs->ops->unbind_port(xs->host, c->port);
    xs->ops->unmap_ring(xs->host, c->domid, c->iface);
    xs_conn_free(c);
}

void xs_fini(struct xs *xs)
{
    struct xs_conn *c;

    while ((c = xs->conns)) {
        xs->conns = c->next;
        disconnect(xs, c);
    }
    if (xs->local)
        xs_conn_free(xs->local);
    xs_store_free(&xs->store);
    memset(xs, 0, sizeof(*xs));
}

struct xs_conn *xs_domain_conn(const struct xs *xs, uint16_t domid)
{
    struct xs_conn *c;

    for (c = xs->conns; c; c = c->next)
        if (c->domid == domid)
            return c;
    return NULL;
}

void xs_describe_conns(const struct xs *xs, void (*out)(void *arg, const char *line),
                       void *arg)
{
    const struct xs_conn *c;
    char line[200];

    for (c = xs->conns; c; c = c->next) {
        const struct xenstore_domain_interface *i = c->iface;

        if (!i)
            continue;
        snprintf(line, sizeof(line),
                 "dom%u: port %u, req %u/%u, rsp %u/%u (cons/prod), %u queued, "
                 "%u watches, %u transactions%s", c->domid, c->port,
                 __atomic_load_n(&i->req_cons, __ATOMIC_ACQUIRE),
                 __atomic_load_n(&i->req_prod, __ATOMIC_ACQUIRE),
                 __atomic_load_n(&i->rsp_cons, __ATOMIC_ACQUIRE),
                 __atomic_load_n(&i->rsp_prod, __ATOMIC_ACQUIRE), c->nout, c->nwatches,
                 c->ntxns, c->broken ? ", broken" : "");
        out(arg, line);
    }
}

bool xs_is_introduced(const struct xs *xs, uint16_t domid)
{
    return domid == 0 || xs_domain_conn(xs, domid);
}

int xs_introduce(struct xs *xs, uint16_t domid, uint64_t gfn, uint32_t remote_port)
{
    struct xs_conn *c = xs_domain_conn(xs, domid);
    int port;

    if (domid == 0 || domid >= DOMID_FIRST_RESERVED)
        return -XEN_EINVAL;
    if (c)
        return (c->gfn == gfn && c->remote_port == remote_port) ? 0 : -XEN_EEXIST;
    c = xs_conn_new(xs, domid);
    if (!c)
        return -XEN_ENOMEM;
    c->iface = xs->ops->map_ring(xs->host, domid, gfn);
    if (!c->iface) {
        xs_conn_free(c);
        return -XEN_EFAULT;
    }
    port = xs->ops->bind_port(xs->host, domid, remote_port);
    if (port < 0) {
        xs->ops->unmap_ring(xs->host, domid, c->iface);
        xs_conn_free(c);
        return port;
    }
    c->gfn = gfn;
    c->remote_port = remote_port;
    c->port = (uint32_t)port;
    c->iface->server_features = XENSTORE_SERVER_FEATURE_RECONNECTION |
                                XENSTORE_SERVER_FEATURE_ERROR;
    c->next = xs->conns;
    xs->conns = c;
    xs_watch_fire_special(xs, "@introduceDomain");
    xs_ring_serve(c);
    return 0;
}

int xs_release(struct xs *xs, uint16_t domid)
{
    struct xs_conn **pp, *c;

    for (pp = &xs->conns; (c = *pp); pp = &c->next)
        if (c->domid == domid)
            break;
    if (!c)
        return -XEN_ENOENT;
    *pp = c->next;
    disconnect(xs, c);
    xs_watch_fire_special(xs, "@releaseDomain");
    return 0;
}

void xs_domain_flush_all(struct xs *xs)
{
    struct xs_conn *c;

    for (c = xs->conns; c; c = c->next)
        if (c->out)
            xs_ring_flush(c);
}

void xs_handle_event(struct xs *xs, uint32_t local_port)
{
    struct xs_conn *c;

    for (c = xs->conns; c; c = c->next)
        if (c->port == local_port) {
            xs_ring_serve(c);
            xs_domain_flush_all(xs);
            return;
        }
}

void xs_poll_all(struct xs *xs)
{
    struct xs_conn *c;

    for (c = xs->conns; c; c = c->next)
        xs_ring_serve(c);
    xs_domain_flush_all(xs);
}
