// SPDX-License-Identifier: MIT
/*
 * Test guests: the xenstore client (xsc.h). The store port stays masked;
 * the client waits for the daemon with SCHEDOP_poll (evtchn_poll_clear),
 * so it needs no upcall handler and leaves the test's events alone.
 */
#include <public/errno.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include "pvcons.h"
#include "test.h"
#include "xen.h"
#include "xsc.h"

#define NAME_MAX_LEN    128

struct xsc_event {
    char path[NAME_MAX_LEN];
    char token[NAME_MAX_LEN];
};

static struct xenstore_domain_interface *intf;
static evtchn_port_t port;
static uint32_t next_req = 1;
static struct xsc_event events[XSC_EVENTS];
static unsigned int ev_head, ev_count;
static char msgbuf[XENSTORE_PAYLOAD_MAX + 1];

static const struct { const char *name; long err; } errors[] = {
#define XSC_ERR(e) { #e, -XEN_##e },
    XSD_ERROR_NAMES(XSC_ERR)
#undef XSC_ERR
    { "EQUOTA", -XSC_EQUOTA },
};

const char *xsc_errname(long err)
{
    for (unsigned int i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
        if (errors[i].err == err)
            return errors[i].name;
    return err == -XEN_ETIMEDOUT ? "ETIMEDOUT" : "E?";
}

int xsc_init(void)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_STORE_PFN };
    uint64_t gfn;

    if (hypervisor_hvm_op(HVMOP_get_param, &p) || !p.value)
        return -XEN_ENODEV;
    gfn = p.value;
    p.index = HVM_PARAM_STORE_EVTCHN;
    if (hypervisor_hvm_op(HVMOP_get_param, &p) || !p.value ||
        p.value >= EVTCHN_HANDLED_PORTS || shared_info_map())
        return -XEN_ENODEV;
    if (!(intf = pv_map_gfn(gfn)))
        return -XEN_ENODEV;
    port = (evtchn_port_t)p.value;
    evtchn_mask(port);
    return 0;
}

struct xenstore_domain_interface *xsc_page(void)
{
    return intf;
}

long xsc_send_raw(const void *bytes, size_t len, uint64_t deadline_ns)
{
    const char *b = bytes;
    size_t done = 0;

    if (!intf)
        return -XEN_ENODEV;
    while (done < len) {
        XENSTORE_RING_IDX cons = __atomic_load_n(&intf->req_cons, __ATOMIC_ACQUIRE);
        XENSTORE_RING_IDX prod = intf->req_prod;
        size_t n = 0;

        if (prod - cons > XENSTORE_RING_SIZE)
            return -XEN_EIO;
        for (; done + n < len && prod - cons + n < XENSTORE_RING_SIZE; n++)
            intf->req[MASK_XENSTORE_IDX(prod + n)] = b[done + n];
        if (n) {
            __atomic_store_n(&intf->req_prod, prod + (XENSTORE_RING_IDX)n, __ATOMIC_RELEASE);
            evtchn_send(port);
            done += n;
            continue;
        }
        if (now_ns() >= deadline_ns)
            return (long)done;
        evtchn_poll_clear(port, deadline_ns);
    }
    return (long)done;
}

/* Exactly len bytes from the reply ring, waiting until deadline_ns. */
static long recv_bytes(void *out, size_t len, uint64_t deadline_ns)
{
    char *o = out;
    size_t done = 0;

    while (done < len) {
        XENSTORE_RING_IDX prod = __atomic_load_n(&intf->rsp_prod, __ATOMIC_ACQUIRE);
        XENSTORE_RING_IDX cons = intf->rsp_cons;
        size_t n = 0;

        if (prod - cons > XENSTORE_RING_SIZE)
            return -XEN_EIO;
        for (; done + n < len && cons + n != prod; n++)
            o[done + n] = intf->rsp[MASK_XENSTORE_IDX(cons + n)];
        if (n) {
            __atomic_store_n(&intf->rsp_cons, cons + (XENSTORE_RING_IDX)n, __ATOMIC_RELEASE);
            evtchn_send(port);
            done += n;
            continue;
        }
        if (now_ns() >= deadline_ns)
            return -XEN_ETIMEDOUT;
        evtchn_poll_clear(port, deadline_ns);
    }
    return 0;
}

long xsc_recv(struct xsd_sockmsg *hdr, char *payload, size_t size, uint64_t deadline_ns)
{
    long rc;

    if (!intf)
        return -XEN_ENODEV;
    if ((rc = recv_bytes(hdr, sizeof(*hdr), deadline_ns)))
        return rc;
    /* The daemon is dom0's, but a header is still checked. */
    if (hdr->len > XENSTORE_PAYLOAD_MAX)
        return -XEN_EIO;
    if ((rc = recv_bytes(msgbuf, hdr->len, now_ns() + XSC_TIMEOUT_NS)))
        return rc;
    msgbuf[hdr->len] = '\0';
    if (size) {
        size_t n = hdr->len < size - 1 ? hdr->len : size - 1;

        memcpy(payload, msgbuf, n);
        payload[n] = '\0';
    }
    return hdr->len;
}

static void keep_event(const char *p, uint32_t len)
{
    struct xsc_event *e;
    size_t pl = strlen(p);

    if (ev_count == XSC_EVENTS)
        return;                         /* dropped: the test sees it missing */
    e = &events[(ev_head + ev_count++) % XSC_EVENTS];
    snprintf(e->path, sizeof(e->path), "%s", p);
    snprintf(e->token, sizeof(e->token), "%s", pl + 1 < len ? p + pl + 1 : "");
}

long xsc_request(uint32_t type, uint32_t tx, const void *payload, uint32_t len,
                 char *reply, size_t size, uint32_t *rtype)
{
    struct xsd_sockmsg hdr = { .type = type, .req_id = next_req++, .tx_id = tx, .len = len };
    uint64_t deadline = now_ns() + XSC_TIMEOUT_NS;
    long rc;

    if (!intf)
        return -XEN_ENODEV;
    if ((rc = xsc_send_raw(&hdr, sizeof(hdr), deadline)) < (long)sizeof(hdr) ||
        (rc = xsc_send_raw(payload, len, deadline)) < (long)len)
        return rc < 0 ? rc : -XEN_ETIMEDOUT;
    for (;;) {
        struct xsd_sockmsg r;

        if ((rc = xsc_recv(&r, NULL, 0, deadline)) < 0)
            return rc;
        if (r.type == XS_WATCH_EVENT) {
            keep_event(msgbuf, r.len);
            continue;
        }
        if (r.req_id != hdr.req_id)
            continue;                   /* not ours: an earlier request's */
        if (rtype)
            *rtype = r.type;
        if (r.type == XS_ERROR) {
            for (unsigned int i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
                if (!strcmp(msgbuf, errors[i].name))
                    return errors[i].err;
            return -XEN_EINVAL;
        }
        if (size) {
            size_t n = r.len < size - 1 ? r.len : size - 1;

            memcpy(reply, msgbuf, n);
            reply[n] = '\0';
        }
        return (long)r.len;
    }
}

/* Strings joined with their NULs: the payload of most requests. */
static long request_strs(uint32_t type, const char *a, const char *b, bool b_nul,
                         char *reply, size_t size)
{
    static char buf[XENSTORE_PAYLOAD_MAX];
    size_t la = strlen(a) + 1, lb = b ? strlen(b) + b_nul : 0;

    if (la + lb > sizeof(buf))
        return -XEN_E2BIG;
    memcpy(buf, a, la);
    if (b)
        memcpy(buf + la, b, lb);
    return xsc_request(type, 0, buf, (uint32_t)(la + lb), reply, size, NULL);
}

long xsc_read(const char *path, char *buf, size_t size)
{
    return request_strs(XS_READ, path, NULL, false, buf, size);
}

/* A request whose reply is "OK": 0 or the error. */
static long request_ok(uint32_t type, const char *a, const char *b, bool b_nul)
{
    char ok[4];
    long rc = request_strs(type, a, b, b_nul, ok, sizeof(ok));

    return rc < 0 ? rc : 0;
}

long xsc_write(const char *path, const char *value)
{
    return request_ok(XS_WRITE, path, value, false);
}

long xsc_directory(const char *path, char *buf, size_t size)
{
    return request_strs(XS_DIRECTORY, path, NULL, false, buf, size);
}

long xsc_watch(const char *path, const char *token)
{
    return request_ok(XS_WATCH, path, token, true);
}

long xsc_transaction_start(uint32_t *tx)
{
    char id[16];
    long rc = xsc_request(XS_TRANSACTION_START, 0, "", 1, id, sizeof(id), NULL);
    uint32_t v = 0;

    if (rc < 0)
        return rc;
    for (const char *p = id; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (uint32_t)(*p - '0');
    *tx = v;
    return 0;
}

long xsc_wait_watch(char *path, size_t path_size, char *token, size_t token_size,
                    uint64_t deadline_ns)
{
    while (!ev_count) {
        struct xsd_sockmsg r;
        long rc = xsc_recv(&r, NULL, 0, deadline_ns);

        if (rc == -XEN_ETIMEDOUT)
            return 0;
        if (rc < 0)
            return rc;
        if (r.type == XS_WATCH_EVENT)
            keep_event(msgbuf, r.len);
    }
    snprintf(path, path_size, "%s", events[ev_head].path);
    snprintf(token, token_size, "%s", events[ev_head].token);
    ev_head = (ev_head + 1) % XSC_EVENTS;
    ev_count--;
    return 1;
}
