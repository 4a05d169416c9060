// SPDX-License-Identifier: MIT
/* netback's ring handling: see netif_ring.h. */
#include <string.h>
#include "netif_ring.h"

/* The guest may change its indexes and requests at any time: read once. */
#define READ_ONCE(x)    __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#define TX_MASK(i)      ((i) & (NET_TX_RING_SIZE - 1))
#define RX_MASK(i)      ((i) & (NET_RX_RING_SIZE - 1))

void netif_ring_init(struct netif_ring *r, struct netif_tx_sring *tx,
                     struct netif_rx_sring *rx)
{
    memset(r, 0, sizeof(*r));
    r->tx = tx;
    r->rx = rx;
}

/* How many requests the guest published past cons, into *avail; false
 * when its req_prod is more than a ring ahead (or behind): broken. */
static bool avail_reqs(volatile RING_IDX *prod_p, RING_IDX cons, RING_IDX size,
                       RING_IDX *avail)
{
    RING_IDX prod = READ_ONCE(*prod_p);

    if ((RING_IDX)(prod - cons) > size)
        return false;
    /* The requests up to prod are read only after prod. */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    *avail = prod - cons;
    return true;
}

static void tx_read(const struct netif_ring *r, RING_IDX i, struct netif_tx_request *req)
{
    const volatile struct netif_tx_request *s = &r->tx->ring[TX_MASK(i)].req;

    req->gref = s->gref;
    req->offset = s->offset;
    req->flags = s->flags;
    req->id = s->id;
    req->size = s->size;
}

/* Slot i is an extra info: its flags say whether another one follows. */
static uint8_t extra_flags(const struct netif_ring *r, RING_IDX i)
{
    const volatile struct netif_extra_info *e =
        (const volatile struct netif_extra_info *)&r->tx->ring[TX_MASK(i)];

    return e->flags;
}

/* Record slot i of the frame; false if the frame has too many slots. */
static bool add_slot(struct netif_tx_frame *f, uint16_t id, bool extra)
{
    if (f->nr_slots >= sizeof(f->id) / sizeof(f->id[0]))
        return false;
    f->id[f->nr_slots] = id;
    f->extra[f->nr_slots++] = extra;
    return true;
}

/* Check the pieces once the whole chain is known: the first request's
 * size is the frame's, the first piece has what the others leave. */
static void tx_check(struct netif_tx_frame *f, size_t max_len)
{
    size_t rest = 0;

    for (unsigned int i = 1; i < f->nr_segs; i++)
        rest += f->seg[i].len;
    if (f->len < NETIF_RING_ETH_HLEN || f->len > max_len || rest > f->len) {
        f->bad = true;
        return;
    }
    f->seg[0].len = (uint16_t)(f->len - rest);
    for (unsigned int i = 0; i < f->nr_segs; i++)
        if ((size_t)f->seg[i].offset + f->seg[i].len > NETIF_RING_PAGE)
            f->bad = true;
}

int netif_tx_take(struct netif_ring *r, struct netif_tx_frame *f, size_t max_len)
{
    struct netif_tx_request req;
    RING_IDX avail, i = r->tx_req_cons;
    unsigned int extras = 0;
    bool more = true, extra;

    if (!avail_reqs(&r->tx->hdr.req_prod, r->tx_req_cons, NET_TX_RING_SIZE, &avail))
        return NETIF_RING_BROKEN;
    memset(f, 0, sizeof(*f));
    if (!avail)
        return 0;
    tx_read(r, i, &req);
    f->len = req.size;
    f->flags = req.flags;
    extra = req.flags & NETTXF_extra_info;
    more = req.flags & NETTXF_more_data;
    f->seg[f->nr_segs++] = (struct netif_tx_seg){ req.gref, req.offset, 0 };
    add_slot(f, req.id, false);
    /* Extra infos right after the first request, then the other pieces. */
    while (extra) {
        if (++extras > NETIF_RING_EXTRAS_MAX)
            return NETIF_RING_BROKEN;
        if ((RING_IDX)(++i - r->tx_req_cons) >= avail)
            return 0;                   /* not all published yet */
        extra = extra_flags(r, i) & XEN_NETIF_EXTRA_FLAG_MORE;
        add_slot(f, 0, true);
    }
    while (more) {
        if (f->nr_segs >= XEN_NETIF_NR_SLOTS_MIN)
            return NETIF_RING_BROKEN;
        if ((RING_IDX)(++i - r->tx_req_cons) >= avail)
            return 0;
        tx_read(r, i, &req);
        more = req.flags & NETTXF_more_data;
        f->seg[f->nr_segs++] = (struct netif_tx_seg){ req.gref, req.offset, req.size };
        add_slot(f, req.id, false);
    }
    r->tx_req_cons = i + 1;
    tx_check(f, max_len);
    return 1;
}

void netif_tx_answer(struct netif_ring *r, const struct netif_tx_frame *f,
                     int16_t status)
{
    for (unsigned int s = 0; s < f->nr_slots; s++) {
        volatile struct netif_tx_response *rsp =
            &r->tx->ring[TX_MASK(r->tx_rsp_prod_pvt++)].rsp;

        rsp->id = f->id[s];
        rsp->status = f->extra[s] ? NETIF_RSP_NULL : status;
    }
}

/* Publish the private producer; whether the peer asked for an event. */
static bool push(volatile struct xen_sring_header *h, RING_IDX new)
{
    RING_IDX old = READ_ONCE(h->rsp_prod);

    /* The responses are visible before the index that publishes them. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    WRITE_ONCE(h->rsp_prod, new);
    /* The index is visible before rsp_event is read. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return (RING_IDX)(new - READ_ONCE(h->rsp_event)) < (RING_IDX)(new - old);
}

bool netif_tx_push(struct netif_ring *r)
{
    return push(&r->tx->hdr, r->tx_rsp_prod_pvt);
}

bool netif_rx_push(struct netif_ring *r)
{
    return push(&r->rx->hdr, r->rx_rsp_prod_pvt);
}

/* Whether requests wait past cons; if none, set req_event and look again. */
static int final_check(volatile struct xen_sring_header *h, RING_IDX cons, RING_IDX size)
{
    RING_IDX avail;

    if (!avail_reqs(&h->req_prod, cons, size, &avail))
        return NETIF_RING_BROKEN;
    if (avail)
        return 1;
    WRITE_ONCE(h->req_event, cons + 1);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!avail_reqs(&h->req_prod, cons, size, &avail))
        return NETIF_RING_BROKEN;
    return avail != 0;
}

int netif_tx_more(struct netif_ring *r)
{
    return final_check(&r->tx->hdr, r->tx_req_cons, NET_TX_RING_SIZE);
}

int netif_rx_take(struct netif_ring *r, struct netif_rx_request *req)
{
    const volatile struct netif_rx_request *s;
    int rc = final_check(&r->rx->hdr, r->rx_req_cons, NET_RX_RING_SIZE);

    if (rc <= 0)
        return rc;
    s = &r->rx->ring[RX_MASK(r->rx_req_cons)].req;
    req->id = s->id;
    req->gref = s->gref;
    r->rx_req_cons++;
    return 1;
}

void netif_rx_answer(struct netif_ring *r, uint16_t id, uint16_t offset,
                     uint16_t flags, int16_t status)
{
    volatile struct netif_rx_response *rsp =
        &r->rx->ring[RX_MASK(r->rx_rsp_prod_pvt++)].rsp;

    rsp->id = id;
    rsp->offset = offset;
    rsp->flags = flags;
    rsp->status = status;
}
