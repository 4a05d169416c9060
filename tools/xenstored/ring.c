/* SPDX-License-Identifier: MIT */
/*
 * The shared page (struct xenstore_domain_interface): the guest produces
 * requests into req and consumes replies from rsp. Every index is read once
 * per step from guest memory and checked (prod - cons never beyond the
 * ring) before any byte moves; bad ones break the connection with
 * XENSTORE_ERROR_RINGIDX until the guest asks to reconnect. Bytes are copied
 * out before they are parsed, so the guest cannot change a request under
 * us. A header whose len exceeds XENSTORE_PAYLOAD_MAX gets an E2BIG reply
 * and its payload is skipped.
 */
#include "xs_private.h"

#define LOAD(p)         __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define STORE(p, v)     __atomic_store_n(p, v, __ATOMIC_RELEASE)

static void xs_ring_break(struct xs_conn *c, uint32_t error)
{
    c->broken = true;
    STORE(&c->iface->error, error);
    xs_log(c->xs, "xenstored: dom%u's ring is broken (error %u)", c->domid, error);
}

/*
 * The bytes between cons and prod of one ring, read once from the page:
 * false (and the ring broken) if prod - cons is beyond the ring's size.
 */
static bool ring_span(struct xs_conn *c, XENSTORE_RING_IDX *cons_p, XENSTORE_RING_IDX *prod_p,
                      XENSTORE_RING_IDX *cons, uint32_t *used)
{
    XENSTORE_RING_IDX prod;

    *cons = LOAD(cons_p);
    prod = LOAD(prod_p);
    *used = prod - *cons;
    if (*used <= XENSTORE_RING_SIZE)
        return true;
    xs_ring_break(c, XENSTORE_ERROR_RINGIDX);
    return false;
}

/* Bytes from index idx to the end of the ring, at most n. */
static uint32_t to_end(XENSTORE_RING_IDX idx, uint32_t n)
{
    uint32_t room = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(idx);

    return room < n ? room : n;
}

/* Copy up to want request bytes into dst: the count, or -1 if broken. */
static int xs_ring_read(struct xs_conn *c, void *dst, uint32_t want, bool *moved)
{
    struct xenstore_domain_interface *intf = c->iface;
    XENSTORE_RING_IDX cons;
    uint32_t avail, n, first;

    if (!ring_span(c, &intf->req_cons, &intf->req_prod, &cons, &avail))
        return -1;
    n = want < avail ? want : avail;
    first = to_end(cons, n);
    memcpy(dst, intf->req + MASK_XENSTORE_IDX(cons), first);
    memcpy((char *)dst + first, intf->req, n - first);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);    /* data read before cons moves */
    STORE(&intf->req_cons, cons + n);
    /* The next look at req_prod comes after this store is visible (x86
     * may let a load pass an earlier store): see pull(). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    *moved |= n != 0;
    return (int)n;
}

/* Copy up to len reply bytes into rsp: the count, or -1 if broken. */
static int xs_ring_write(struct xs_conn *c, const void *src, uint32_t len, bool *moved)
{
    struct xenstore_domain_interface *intf = c->iface;
    XENSTORE_RING_IDX cons, prod;
    uint32_t used, n, first;

    if (!ring_span(c, &intf->rsp_cons, &intf->rsp_prod, &cons, &used))
        return -1;
    prod = cons + used;
    n = XENSTORE_RING_SIZE - used < len ? XENSTORE_RING_SIZE - used : len;
    first = to_end(prod, n);
    memcpy(intf->rsp + MASK_XENSTORE_IDX(prod), src, first);
    memcpy(intf->rsp, (const char *)src + first, n - first);
    STORE(&intf->rsp_prod, prod + n);     /* release: data before index */
    *moved |= n != 0;
    return (int)n;
}

static void flush(struct xs_conn *c, bool *moved)
{
    struct xs_msg *m;
    int n;

    while ((m = c->out) && !c->broken) {
        n = xs_ring_write(c, m->data + m->off, m->len - m->off, moved);
        if (n <= 0)
            return;
        m->off += (uint32_t)n;
        if (m->off < m->len)
            return;
        c->out = m->next;
        if (!c->out)
            c->out_tail = NULL;
        c->nout--;
        free(m);
    }
}

/*
 * Gather a whole request into c->hdr and c->in: 1 when there is one.
 *
 * A piece that leaves the request incomplete is followed by another look
 * at the ring, until a look finds nothing new. Linux's xb_write notifies
 * only when it finds req_cons caught up with the req_prod it started from:
 * bytes it adds while we are still consuming the previous piece come with
 * no event, and stopping after that piece would leave them (and the
 * guest's xenstore) waiting for ever. Seen with a 2-vCPU Linux guest: 4
 * bytes of a request left in the ring.
 */
static int pull(struct xs_conn *c, bool *moved)
{
    char scratch[256];
    uint32_t hsize = sizeof(c->hdr);
    int n;

    for (;;) {
        while (c->skip) {
            n = xs_ring_read(c, scratch, c->skip < sizeof(scratch) ? c->skip : sizeof(scratch),
                             moved);
            if (n <= 0)
                return 0;
            c->skip -= (uint32_t)n;
        }
        if (c->have < hsize) {
            n = xs_ring_read(c, (char *)&c->hdr + c->have, hsize - c->have, moved);
            if (n <= 0)
                return 0;
            if ((c->have += (uint32_t)n) < hsize)
                continue;               /* look again for the rest */
            if (c->hdr.len > XENSTORE_PAYLOAD_MAX) {
                xs_conn_queue(c, XS_ERROR, c->hdr.req_id, c->hdr.tx_id, "E2BIG", 6, false);
                c->skip = c->hdr.len;
                c->have = 0;
                continue;
            }
        }
        n = xs_ring_read(c, c->in + c->have - hsize, c->hdr.len - (c->have - hsize), moved);
        if (n < 0)
            return 0;
        if ((c->have += (uint32_t)n) < hsize + c->hdr.len) {
            if (n == 0)
                return 0;
            continue;                   /* look again for the rest */
        }
        c->in[c->hdr.len] = '\0';
        c->have = 0;
        return 1;
    }
}

/* The guest asked to start afresh: forget everything, reset the indexes. */
static void reconnect(struct xs_conn *c)
{
    struct xenstore_domain_interface *intf = c->iface;

    xs_conn_reset(c);
    c->broken = false;
    STORE(&intf->req_cons, 0);
    STORE(&intf->req_prod, 0);
    STORE(&intf->rsp_cons, 0);
    STORE(&intf->rsp_prod, 0);
    STORE(&intf->error, XENSTORE_ERROR_NONE);
    STORE(&intf->connection, XENSTORE_CONNECTED);
}

void xs_ring_serve(struct xs_conn *c)
{
    struct xs *xs = c->xs;
    bool moved = false;

    if (LOAD(&c->iface->connection) == XENSTORE_RECONNECT) {
        reconnect(c);
        moved = true;
    }
    for (;;) {
        flush(c, &moved);
        if (c->broken || c->nout >= xs->quota.queued)
            break;      /* a full rsp ring holds further requests back */
        if (pull(c, &moved) != 1)
            break;
        xs_proto_request(c, &c->hdr, c->in);
    }
    flush(c, &moved);
    if (moved)
        xs->ops->notify(xs->host, c->port);
}

void xs_ring_flush(struct xs_conn *c)
{
    bool moved = false;

    flush(c, &moved);
    if (moved)
        c->xs->ops->notify(c->xs->host, c->port);
}
