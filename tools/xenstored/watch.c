/* SPDX-License-Identifier: MIT */
/*
 * Watches: a connection's (path, token) pairs. A change to a path fires
 * every watch on that path or a parent of it; removing a subtree also fires
 * the watches below it, with the watch's own path as the event's path
 * (docs/misc/xenstore.txt). A watcher sees an event only if it may read the
 * node. '@' names fire only by xs_watch_fire_special() and only for dom0.
 */
#include "xs_private.h"

int xs_watch_add(struct xs_conn *c, const char *path, bool relative, const char *token)
{
    struct xs_watch *w, **tail;

    for (tail = &c->watches; (w = *tail); tail = &w->next)
        if (strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0)
            return -XEN_EEXIST;
    if (c->domid && c->nwatches >= c->xs->quota.watches)
        return -XS_EQUOTA;
    w = calloc(1, sizeof(*w));
    if (!w)
        return -XEN_ENOMEM;
    w->path = xs_strdup(path);
    w->token = xs_strdup(token);
    if (!w->path || !w->token) {
        free(w->path);
        free(w->token);
        free(w);
        return -XEN_ENOMEM;
    }
    w->relative = relative;
    *tail = w;
    c->nwatches++;
    return 0;
}

static void xs_watch_free(struct xs_watch *w)
{
    free(w->path);
    free(w->token);
    free(w);
}

int xs_watch_remove(struct xs_conn *c, const char *path, const char *token)
{
    struct xs_watch *w, **pp;

    for (pp = &c->watches; (w = *pp); pp = &w->next)
        if (strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0) {
            *pp = w->next;
            xs_watch_free(w);
            c->nwatches--;
            return 0;
        }
    return -XEN_ENOENT;
}

void xs_watch_free_all(struct xs_conn *c)
{
    struct xs_watch *w;

    while ((w = c->watches)) {
        c->watches = w->next;
        xs_watch_free(w);
    }
    c->nwatches = 0;
}

void xs_watch_event(struct xs_conn *c, const struct xs_watch *w, const char *path)
{
    char home[32];
    struct xs_buf b;
    size_t n;

    if (c->domid && c->nout >= c->xs->quota.queued) {
        xs_log(c->xs, "xenstored: dom%u's queue is full, watch event dropped", c->domid);
        return;
    }
    n = (size_t)snprintf(home, sizeof(home), "/local/domain/%u/", c->domid);
    if (w->relative && strncmp(path, home, n) == 0)
        path += n;
    xs_buf_init(&b);
    xs_buf_str(&b, path);
    xs_buf_str(&b, w->token);
    if (!b.ok || !xs_conn_queue(c, XS_WATCH_EVENT, 0, 0, b.data, b.len, true))
        xs_log(c->xs, "xenstored: no memory for a watch event for dom%u", c->domid);
    xs_buf_free(&b);
}

static void fire_conn(struct xs_conn *c, const char *path, const struct xs_perm *perms,
                      uint32_t nperms, bool rm)
{
    struct xs_watch *w;

    if (!(xs_perm_for(perms, nperms, c->domid) & XS_PERM_READ))
        return;
    for (w = c->watches; w; w = w->next) {
        if (w->path[0] == '@')
            continue;
        if (xs_path_within(path, w->path))
            xs_watch_event(c, w, path);
        else if (rm && xs_path_within(w->path, path))
            xs_watch_event(c, w, w->path);
    }
}

void xs_watch_fire(struct xs *xs, const char *path, const struct xs_perm *perms,
                   uint32_t nperms, bool rm)
{
    struct xs_conn *c;

    fire_conn(xs->local, path, perms, nperms, rm);
    for (c = xs->conns; c; c = c->next)
        fire_conn(c, path, perms, nperms, rm);
}

void xs_watch_fire_special(struct xs *xs, const char *name)
{
    struct xs_watch *w;

    for (w = xs->local->watches; w; w = w->next)
        if (strcmp(w->path, name) == 0)
            xs_watch_event(xs->local, w, name);
}
