/* SPDX-License-Identifier: MIT */
/*
 * The connection's requests: WATCH, UNWATCH, RESET_WATCHES, the two
 * TRANSACTION ones, and the domain ones (INTRODUCE, RELEASE and
 * IS_DOMAIN_INTRODUCED for dom0 only, which proto.c checks; GET_DOMAIN_PATH
 * for anyone).
 */
#include "xs_private.h"

int xs_op_watch(struct xs_req *r)
{
    char path[XS_PATH_BUF];
    struct xs_watch *w;
    bool relative;
    int rc = xs_path_watch(r->conn->domid, r->arg[0], path, &relative);

    if (!rc)
        rc = xs_watch_add(r->conn, path, relative, r->arg[1]);
    if (rc)
        return rc;
    for (w = r->conn->watches; w->next; w = w->next)
        ;
    r->initial = w;     /* the one just added, last in the list */
    return 0;
}

int xs_op_unwatch(struct xs_req *r)
{
    char path[XS_PATH_BUF];
    bool relative;
    int rc = xs_path_watch(r->conn->domid, r->arg[0], path, &relative);

    return rc ? rc : xs_watch_remove(r->conn, path, r->arg[1]);
}

int xs_op_reset_watches(struct xs_req *r)
{
    xs_watch_free_all(r->conn);
    xs_txn_free_all(r->conn);
    return 0;
}

int xs_op_txn_start(struct xs_req *r)
{
    char id[16];
    uint32_t tx;
    int rc;

    if (r->tx_id)
        return -XEN_EBUSY;      /* no nesting */
    rc = xs_txn_start(r->conn, &tx);
    if (rc)
        return rc;
    snprintf(id, sizeof(id), "%u", tx);
    xs_buf_str(r->reply, id);
    return 0;
}

int xs_op_txn_end(struct xs_req *r)
{
    struct xs_txn *t = xs_txn_find(r->conn, r->tx_id);
    bool commit = strcmp(r->arg[0], "T") == 0;

    if (!commit && strcmp(r->arg[0], "F") != 0)
        return -XEN_EINVAL;
    if (!r->tx_id || !t)
        return -XEN_ENOENT;
    return xs_txn_end(r->conn, t, commit);
}

static int parse_domid(const char *s, uint16_t *domid)
{
    uint64_t v;
    int rc = xs_parse_uint(s, 0xffff, &v);

    *domid = (uint16_t)v;
    return rc;
}

int xs_op_introduce(struct xs_req *r)
{
    uint64_t gfn, port;
    uint16_t domid;

    if (parse_domid(r->arg[0], &domid) || xs_parse_uint(r->arg[1], UINT64_MAX, &gfn) ||
        xs_parse_uint(r->arg[2], UINT32_MAX, &port))
        return -XEN_EINVAL;
    return xs_introduce(r->xs, domid, gfn, (uint32_t)port);
}

int xs_op_release(struct xs_req *r)
{
    uint16_t domid;

    if (parse_domid(r->arg[0], &domid))
        return -XEN_EINVAL;
    return xs_release(r->xs, domid);
}

int xs_op_get_domain_path(struct xs_req *r)
{
    char path[32];
    uint16_t domid;

    if (parse_domid(r->arg[0], &domid))
        return -XEN_EINVAL;
    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    xs_buf_str(r->reply, path);
    return 0;
}

int xs_op_is_introduced(struct xs_req *r)
{
    uint16_t domid;

    if (parse_domid(r->arg[0], &domid))
        return -XEN_EINVAL;
    xs_buf_str(r->reply, xs_is_introduced(r->xs, domid) ? "T" : "F");
    return 0;
}
