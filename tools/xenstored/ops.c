/* SPDX-License-Identifier: MIT */
/*
 * The store's requests: READ, WRITE, MKDIR, RM, DIRECTORY, GET_PERMS and
 * SET_PERMS, each checked against the node's permissions and the caller's
 * quotas, run on the store or on a transaction's copy. proto.c has parsed
 * the arguments; each op returns 0 or a negative errno and fills r->reply.
 */
#include "xs_private.h"

/* The node at r->arg[0] (resolved into path) if the caller may do want. */
static int get_node(struct xs_req *r, char *path, unsigned int want, struct xs_node **out)
{
    uint16_t domid = r->conn->domid;
    struct xs_node *n;
    int rc = xs_path_canonical(domid, r->arg[0], path);

    if (rc)
        return rc;
    if (r->txn && (rc = xs_txn_note_access(r->txn, path, false)))
        return rc;
    n = xs_store_lookup(r->store, path);
    if (!n) {
        /* Do not tell a domain what exists where it may not look. */
        n = xs_store_nearest(r->store, path);
        return (xs_perm_for(n->perms, n->nperms, domid) & XS_PERM_READ) ?
               -XEN_ENOENT : -XEN_EACCES;
    }
    if ((xs_perm_for(n->perms, n->nperms, domid) & want) != want)
        return -XEN_EACCES;
    *out = n;
    return 0;
}

/* A change to path (node n, about to go if rm): fire now, or at commit. */
static int changed(struct xs_req *r, const char *path, const struct xs_node *n, bool rm)
{
    if (r->txn)
        return xs_txn_note_change(r->txn, path, rm);
    xs_watch_fire(r->xs, path, n->perms, n->nperms, rm);
    return 0;
}

/* The length of path less its last 'drop' components ("/" counts as 0). */
static size_t prefix_len(const char *path, uint32_t drop)
{
    size_t len = strlen(path);

    while (drop--)
        while (len && path[--len] != '/')
            ;
    return len;
}

/* Find or create the node at r->arg[0] for writing. */
static int make_node(struct xs_req *r, char *path, struct xs_node **out, bool *created)
{
    uint16_t domid = r->conn->domid;
    struct xs_node *n;
    uint32_t missing;
    int rc = get_node(r, path, XS_PERM_WRITE, out);

    *created = false;
    if (rc != -XEN_ENOENT)
        return rc;
    n = xs_store_nearest(r->store, path);
    if (!(xs_perm_for(n->perms, n->nperms, domid) & XS_PERM_WRITE))
        return -XEN_EACCES;
    missing = xs_store_missing(r->store, path);
    if (domid && xs_store_owned(r->store, domid) + missing > r->xs->quota.nodes)
        return -XS_EQUOTA;
    if (r->txn && (rc = xs_txn_note_parent(r->txn, path, prefix_len(path, missing))))
        return rc;
    *created = true;
    return xs_store_create(r->store, path, domid, out);
}

int xs_op_read(struct xs_req *r)
{
    char path[XS_PATH_BUF];
    struct xs_node *n;
    int rc = get_node(r, path, XS_PERM_READ, &n);

    if (!rc)
        xs_buf_add(r->reply, n->value, n->vlen);
    return rc;
}

int xs_op_write(struct xs_req *r)
{
    char path[XS_PATH_BUF];
    struct xs_node *n;
    bool created;
    int rc;

    if (r->conn->domid && r->dlen > r->xs->quota.value_size)
        return -XS_EQUOTA;
    rc = make_node(r, path, &n, &created);
    if (!rc)
        rc = xs_store_set_value(r->store, n, r->data, r->dlen);
    return rc ? rc : changed(r, path, n, false);
}

int xs_op_mkdir(struct xs_req *r)
{
    char path[XS_PATH_BUF];
    struct xs_node *n;
    bool created;
    int rc = make_node(r, path, &n, &created);

    return (rc || !created) ? rc : changed(r, path, n, false);
}

int xs_op_rm(struct xs_req *r)
{
    char path[XS_PATH_BUF];
    struct xs_node *n;
    size_t i;
    int rc = get_node(r, path, XS_PERM_WRITE, &n);

    if (rc == -XEN_ENOENT) {
        /* Not there: fine, if its parent is. path becomes the parent. */
        for (i = strlen(path); i > 1 && path[i - 1] != '/'; i--)
            ;
        path[i > 1 ? i - 1 : 1] = '\0';
        return xs_store_lookup(r->store, path) ? 0 : -XEN_ENOENT;
    }
    if (rc)
        return rc;
    if (!n->parent)
        return -XEN_EINVAL;     /* not the root */
    if (r->txn && (rc = xs_txn_note_access(r->txn, path, true)))
        return rc;
    rc = changed(r, path, n, true);
    if (!rc)
        xs_store_remove(r->store, n);
    return rc;
}

int xs_op_directory(struct xs_req *r)
{
    char path[XS_PATH_BUF];
    struct xs_node *n, *c;
    int rc = get_node(r, path, XS_PERM_READ, &n);

    for (c = rc ? NULL : n->child; c; c = c->next)
        xs_buf_str(r->reply, c->name);
    return rc;
}

int xs_op_get_perms(struct xs_req *r)
{
    char path[XS_PATH_BUF], s[8];
    struct xs_node *n;
    uint32_t i;
    int rc = get_node(r, path, XS_PERM_READ, &n);

    for (i = 0; !rc && i < n->nperms; i++) {
        xs_perm_format(&n->perms[i], s);
        xs_buf_str(r->reply, s);
    }
    return rc;
}

int xs_op_set_perms(struct xs_req *r)
{
    uint32_t i, count = r->nargs - 1;
    char path[XS_PATH_BUF];
    struct xs_perm *perms;
    const char *s = r->data;
    struct xs_node *n;
    int rc;

    if (r->conn->domid && count > r->xs->quota.perms)
        return -XS_EQUOTA;
    perms = calloc(count, sizeof(*perms));
    if (!perms)
        return -XEN_ENOMEM;
    for (i = 0, rc = 0; i < count && !rc; i++, s += strlen(s) + 1)
        rc = xs_perm_parse(s, &perms[i]);
    if (!rc)
        rc = get_node(r, path, XS_PERM_WRITE | XS_PERM_OWNER, &n);
    /* Only dom0 gives a node away. */
    if (!rc && r->conn->domid && perms[0].domid != n->perms[0].domid)
        rc = -XEN_EACCES;
    if (!rc)
        rc = xs_store_set_perms(r->store, n, perms, count);
    if (!rc)
        rc = changed(r, path, n, false);
    free(perms);
    return rc;
}
