/* SPDX-License-Identifier: MIT */
/*
 * dom0's own requests: each xs_local_*() call encodes a wire request, runs
 * it on dom0's local connection exactly as a guest's would run, and decodes
 * the reply; watch events for dom0 wait in that connection's queue for
 * xs_local_next_event().
 */
#include "xs_private.h"

/* Run hdr on dom0's connection; its payload is in req, which gains a NUL.
 * Returns the reply's type; the reply is in *reply. */
static uint32_t run(struct xs *xs, const struct xsd_sockmsg *hdr, struct xs_buf *req,
                    struct xs_buf *reply)
{
    const struct xs_watch *initial;
    uint32_t type;

    xs_buf_add(req, "", 1);
    if (!req->ok) {
        xs_buf_str(reply, "ENOMEM");
        return XS_ERROR;
    }
    type = xs_proto_handle(xs->local, hdr, req->data, reply, &initial);
    if (initial)
        xs_watch_event(xs->local, initial, initial->path);
    xs_domain_flush_all(xs);
    return type;
}

/* Run one request; 0 and the reply in *reply, or a negative errno. */
static int call(struct xs *xs, uint32_t type, uint32_t tx, struct xs_buf *req,
                struct xs_buf *reply)
{
    struct xsd_sockmsg hdr = { type, 0, tx, req->len };
    int rc;

    xs_buf_init(reply);
    if (!req->ok)
        return -XEN_ENOMEM;
    if (req->len > XENSTORE_PAYLOAD_MAX)
        return -XEN_E2BIG;
    if (run(xs, &hdr, req, reply) != XS_ERROR)
        return 0;
    rc = xs_proto_error_code(reply->data);
    xs_buf_free(reply);
    return rc;
}

/* A request of one path; 0 and the reply in *reply, or a negative errno. */
static int call_path(struct xs *xs, uint32_t type, uint32_t tx, const char *path,
                     struct xs_buf *reply)
{
    struct xs_buf req;
    int rc;

    xs_buf_init(&req);
    xs_buf_str(&req, path);
    rc = call(xs, type, tx, &req, reply);
    xs_buf_free(&req);
    return rc;
}

/* A request made of strings only; the reply is dropped. */
static int call_strings(struct xs *xs, uint32_t type, uint32_t tx,
                        const char *a, const char *b)
{
    struct xs_buf req, reply;
    int rc;

    xs_buf_init(&req);
    xs_buf_str(&req, a);
    if (b)
        xs_buf_str(&req, b);
    rc = call(xs, type, tx, &req, &reply);
    xs_buf_free(&req);
    xs_buf_free(&reply);
    return rc;
}

/* Copy a reply into buf[size], NUL-terminated; return its length. */
static int copy_out(struct xs_buf *reply, char *buf, size_t size)
{
    size_t n = reply->len < size ? reply->len : size - 1;
    int len = (int)reply->len;

    if (size) {
        if (n)
            memcpy(buf, reply->data, n);
        buf[n] = '\0';
    }
    xs_buf_free(reply);
    return len;
}

int xs_local_read(struct xs *xs, uint32_t tx, const char *path, char *buf, size_t size)
{
    struct xs_buf reply;
    int rc = call_path(xs, XS_READ, tx, path, &reply);

    return rc ? rc : copy_out(&reply, buf, size);
}

int xs_local_write(struct xs *xs, uint32_t tx, const char *path, const void *value, size_t len)
{
    struct xs_buf req, reply;
    int rc;

    xs_buf_init(&req);
    xs_buf_str(&req, path);
    xs_buf_add(&req, value, len);
    rc = call(xs, XS_WRITE, tx, &req, &reply);
    xs_buf_free(&req);
    xs_buf_free(&reply);
    return rc;
}

int xs_local_printf(struct xs *xs, uint32_t tx, const char *path, const char *fmt, ...)
{
    char *value;
    va_list ap;
    int n, rc;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= XENSTORE_PAYLOAD_MAX)
        return -XEN_E2BIG;
    value = malloc((size_t)n + 1);
    if (!value)
        return -XEN_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(value, (size_t)n + 1, fmt, ap);
    va_end(ap);
    rc = xs_local_write(xs, tx, path, value, (size_t)n);
    free(value);
    return rc;
}

int xs_local_mkdir(struct xs *xs, uint32_t tx, const char *path)
{
    return call_strings(xs, XS_MKDIR, tx, path, NULL);
}

int xs_local_rm(struct xs *xs, uint32_t tx, const char *path)
{
    return call_strings(xs, XS_RM, tx, path, NULL);
}

int xs_local_directory(struct xs *xs, uint32_t tx, const char *path, char *buf, size_t size)
{
    struct xs_buf reply;
    int rc = call_path(xs, XS_DIRECTORY, tx, path, &reply);

    if (!rc && reply.len > size)
        rc = -XEN_E2BIG;
    if (!rc && reply.len)
        memcpy(buf, reply.data, reply.len);
    if (!rc)
        rc = (int)reply.len;
    xs_buf_free(&reply);
    return rc;
}

int xs_local_get_perms(struct xs *xs, uint32_t tx, const char *path,
                       struct xs_perm *perms, unsigned int max)
{
    struct xs_buf reply;
    unsigned int n = 0;
    uint32_t off;
    int rc = call_path(xs, XS_GET_PERMS, tx, path, &reply);

    for (off = 0; !rc && off < reply.len; off += (uint32_t)strlen(reply.data + off) + 1, n++)
        rc = n < max ? xs_perm_parse(reply.data + off, &perms[n]) : -XEN_E2BIG;
    xs_buf_free(&reply);
    return rc ? rc : (int)n;
}

int xs_local_set_perms(struct xs *xs, uint32_t tx, const char *path,
                       const struct xs_perm *perms, unsigned int n)
{
    struct xs_buf req, reply;
    unsigned int i;
    char s[8];
    int rc;

    xs_buf_init(&req);
    xs_buf_str(&req, path);
    for (i = 0; i < n; i++) {
        xs_perm_format(&perms[i], s);
        xs_buf_str(&req, s);
    }
    rc = call(xs, XS_SET_PERMS, tx, &req, &reply);
    xs_buf_free(&req);
    xs_buf_free(&reply);
    return rc;
}

int xs_local_transaction_start(struct xs *xs, uint32_t *tx)
{
    struct xs_buf req, reply;
    uint64_t id = 0;
    int rc;

    xs_buf_init(&req);
    xs_buf_str(&req, "");
    rc = call(xs, XS_TRANSACTION_START, 0, &req, &reply);
    xs_buf_free(&req);
    if (!rc)
        rc = xs_parse_uint(reply.data, UINT32_MAX, &id);
    *tx = (uint32_t)id;
    xs_buf_free(&reply);
    return rc;
}

int xs_local_transaction_end(struct xs *xs, uint32_t tx, bool commit)
{
    return call_strings(xs, XS_TRANSACTION_END, tx, commit ? "T" : "F", NULL);
}

int xs_local_watch(struct xs *xs, const char *path, const char *token)
{
    return call_strings(xs, XS_WATCH, 0, path, token);
}

int xs_local_unwatch(struct xs *xs, const char *path, const char *token)
{
    return call_strings(xs, XS_UNWATCH, 0, path, token);
}

static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (!size)
        return;
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

int xs_local_next_event(struct xs *xs, char *path, size_t xs_path_size,
                        char *token, size_t token_size)
{
    struct xs_conn *c = xs->local;
    struct xs_msg *m = c->out;
    const char *p;

    if (!m)
        return 0;
    c->out = m->next;
    if (!c->out)
        c->out_tail = NULL;
    c->nout--;
    p = m->data + sizeof(struct xsd_sockmsg);   /* "path\0token\0" */
    copy_str(path, xs_path_size, p);
    copy_str(token, token_size, p + strlen(p) + 1);
    free(m);
    return 1;
}

bool xs_local_pending(const struct xs *xs)
{
    return xs->local && xs->local->out;
}

uint32_t xs_local_raw(struct xs *xs, const struct xsd_sockmsg *hdr, const void *payload,
                      struct xsd_sockmsg *reply, char *reply_payload)
{
    struct xs_buf in, out;

    xs_buf_init(&in);
    xs_buf_init(&out);
    *reply = *hdr;
    if (hdr->len > XENSTORE_PAYLOAD_MAX) {
        reply->type = XS_ERROR;
        xs_buf_str(&out, "E2BIG");
    } else {
        xs_buf_add(&in, payload, hdr->len);
        reply->type = run(xs, hdr, &in, &out);
    }
    reply->len = out.ok ? out.len : 0;
    if (reply->len)
        memcpy(reply_payload, out.data, reply->len);
    xs_buf_free(&in);
    xs_buf_free(&out);
    return reply->len;
}
