/* SPDX-License-Identifier: MIT */
/*
 * Xen's xenstore wire protocol: a request's payload is split into its
 * NUL-terminated strings (WRITE: a path, then raw bytes) and checked
 * against the type's argument count before its op runs; every request gets
 * a reply with its type, req_id and tx_id, or XS_ERROR with an error name.
 */
#include "xs_private.h"

#define ANY     0xffff

struct xs_op_desc {
    int (*fn)(struct xs_req *r);
    uint16_t min, max;      /* strings in the payload */
    bool tx;                /* runs in the transaction named by tx_id */
    bool ack;               /* "OK" on success */
    bool priv;              /* dom0's only: EACCES for others, checked first */
};

static const struct xs_op_desc xs_op_table[] = {
    [XS_DIRECTORY]            = { xs_op_directory, 1, 1, true, false },
    [XS_READ]                 = { xs_op_read, 1, 1, true, false },
    [XS_GET_PERMS]            = { xs_op_get_perms, 1, 1, true, false },
    [XS_WATCH]                = { xs_op_watch, 2, 3, false, true },
    [XS_UNWATCH]              = { xs_op_unwatch, 2, 3, false, true },
    [XS_TRANSACTION_START]    = { xs_op_txn_start, 0, 1, false, false },
    [XS_TRANSACTION_END]      = { xs_op_txn_end, 1, 1, false, true },
    [XS_INTRODUCE]            = { xs_op_introduce, 3, 4, false, true, true },
    [XS_RELEASE]              = { xs_op_release, 1, 1, false, true, true },
    [XS_GET_DOMAIN_PATH]      = { xs_op_get_domain_path, 1, 1, false, false },
    [XS_WRITE]                = { xs_op_write, 1, 1, true, true },
    [XS_MKDIR]                = { xs_op_mkdir, 1, 1, true, true },
    [XS_RM]                   = { xs_op_rm, 1, 1, true, true },
    [XS_SET_PERMS]            = { xs_op_set_perms, 2, ANY, true, true },
    [XS_IS_DOMAIN_INTRODUCED] = { xs_op_is_introduced, 1, 1, false, false, true },
    [XS_RESET_WATCHES]        = { xs_op_reset_watches, 0, 1, false, true },
};

#define ERRNAME(e)  { XEN_##e, #e }
static const struct {
    int code;
    const char *name;
} error_names[] = {
    ERRNAME(EINVAL), ERRNAME(EACCES), ERRNAME(EEXIST), ERRNAME(EISDIR),
    ERRNAME(ENOENT), ERRNAME(ENOMEM), ERRNAME(ENOSPC), ERRNAME(EIO),
    ERRNAME(ENOTEMPTY), ERRNAME(ENOSYS), ERRNAME(EROFS), ERRNAME(EBUSY),
    ERRNAME(EAGAIN), ERRNAME(EISCONN), ERRNAME(E2BIG),
    { XS_EQUOTA, "EQUOTA" },
};
#define NERRORS (sizeof(error_names) / sizeof(error_names[0]))

const char *xs_proto_error_name(int err)
{
    unsigned int i;

    for (i = 0; i < NERRORS; i++)
        if (error_names[i].code == -err)
            return error_names[i].name;
    return "EINVAL";    /* as Xen does for errors outside its list */
}

int xs_proto_error_code(const char *name)
{
    unsigned int i;

    for (i = 0; i < NERRORS; i++)
        if (strcmp(error_names[i].name, name) == 0)
            return -error_names[i].code;
    return -XEN_EINVAL;
}

/* Split the payload into r's strings; -XEN_EINVAL if it is not made of
 * d->min..d->max NUL-terminated strings (WRITE: a path, then the value). */
static int split(struct xs_req *r, const struct xs_op_desc *d, const char *p, uint32_t len,
                 bool raw_value)
{
    uint32_t i, start = 0;

    r->nargs = 0;
    r->data = p + len;
    r->dlen = 0;
    if (len && p[len - 1] != '\0' && !raw_value)
        return -XEN_EINVAL;
    for (i = 0; i < len; i++) {
        if (p[i] != '\0')
            continue;
        if (r->nargs < 4)
            r->arg[r->nargs] = p + start;
        if (++r->nargs == 1) {
            r->data = p + i + 1;
            r->dlen = len - i - 1;
            if (raw_value)
                break;
        }
        start = i + 1;
    }
    if (r->nargs < d->min || r->nargs > d->max)
        return -XEN_EINVAL;
    return 0;
}

static int dispatch(struct xs_conn *c, const struct xsd_sockmsg *hdr, const char *payload,
                    struct xs_req *r)
{
    const struct xs_op_desc *d;
    int rc;

    /* Unknown, unserved or daemon-to-client types: ENOSYS, as Xen's. */
    if (hdr->type >= sizeof(xs_op_table) / sizeof(xs_op_table[0]) || !xs_op_table[hdr->type].fn)
        return -XEN_ENOSYS;
    d = &xs_op_table[hdr->type];
    if (d->priv && c->domid)
        return -XEN_EACCES;
    rc = split(r, d, payload, hdr->len, hdr->type == XS_WRITE);
    if (rc)
        return rc;
    if (d->tx && hdr->tx_id) {
        r->txn = xs_txn_find(c, hdr->tx_id);
        if (!r->txn)
            return -XEN_ENOENT;
        r->store = xs_txn_store(r->txn);
    }
    rc = d->fn(r);
    if (!rc && d->ack && r->reply->len == 0)
        xs_buf_str(r->reply, "OK");
    return rc;
}

uint32_t xs_proto_handle(struct xs_conn *c, const struct xsd_sockmsg *hdr,
                         const char *payload, struct xs_buf *reply,
                         const struct xs_watch **initial)
{
    struct xs_req r = {
        .xs = c->xs, .conn = c, .store = &c->xs->store, .reply = reply,
        .tx_id = hdr->tx_id,
    };
    int rc = dispatch(c, hdr, payload, &r);

    if (!rc && !reply->ok)
        rc = -XEN_ENOMEM;
    if (!rc && reply->len > XENSTORE_PAYLOAD_MAX)
        rc = -XEN_E2BIG;
    *initial = rc ? NULL : r.initial;
    if (!rc)
        return hdr->type;
    xs_buf_free(reply);
    xs_buf_str(reply, xs_proto_error_name(rc));
    return XS_ERROR;
}

void xs_proto_request(struct xs_conn *c, const struct xsd_sockmsg *hdr, const char *payload)
{
    const struct xs_watch *initial;
    struct xs_buf reply;
    uint32_t type;

    xs_buf_init(&reply);
    type = xs_proto_handle(c, hdr, payload, &reply, &initial);
    if (!reply.ok || !xs_conn_queue(c, type, hdr->req_id, hdr->tx_id, reply.data,
                                    reply.len, false))
        xs_log(c->xs, "xenstored: no memory for a reply to dom%u", c->domid);
    if (initial)
        xs_watch_event(c, initial, initial->path);
    xs_buf_free(&reply);
}
