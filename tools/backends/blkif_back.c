// SPDX-License-Identifier: MIT
/* blkback's protocol core: see blkif_back.h. */
#include <string.h>
#include "blkif_back.h"

/* The frontend may change any index at any time: read each once. */
#define READ_ONCE(x)        __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)    __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#define PAGE_4K             4096u
#define SECTOR              512u

RING_IDX blkif_back_entries(unsigned int nr_pages)
{
    RING_IDX n = (RING_IDX)((nr_pages * PAGE_4K - XEN_SRING_HEADER_SIZE) /
                            sizeof(union blkif_sring_entry));

    /* The largest power of two not above n (Xen's __RD32). */
    while (n & (n - 1))
        n &= n - 1;
    return n;
}

void blkif_back_init(struct blkif_back_ring *r, void *sring, unsigned int nr_pages)
{
    r->sring = sring;
    r->nr_ents = blkif_back_entries(nr_pages);
    r->req_cons = r->rsp_prod_pvt = READ_ONCE(r->sring->hdr.rsp_prod);
}

int blkif_back_next(struct blkif_back_ring *r, union blkif_sring_entry *e)
{
    RING_IDX prod = READ_ONCE(r->sring->hdr.req_prod);
    const union blkif_sring_entry *slot;

    /* Requests not taken, and requests not answered, fit the ring. */
    if (prod - r->req_cons > r->nr_ents || prod - r->rsp_prod_pvt > r->nr_ents)
        return BLKIF_BACK_BROKEN;
    if (prod == r->req_cons)
        return 0;
    /* The entry is read only after req_prod. */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    slot = &r->sring->ring[r->req_cons & (r->nr_ents - 1)];
    memcpy(e, (const void *)slot, sizeof(*e));
    /* The copy is what counts: the compiler must not read the slot again. */
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    r->req_cons++;
    return 1;
}

void blkif_back_respond(struct blkif_back_ring *r, uint64_t id, uint8_t op, int16_t status)
{
    struct blkif_response *rsp = &r->sring->ring[r->rsp_prod_pvt & (r->nr_ents - 1)].rsp;

    rsp->id = id;
    rsp->operation = op;
    rsp->_pad = 0;
    rsp->status = status;
    rsp->_pad1 = 0;
    r->rsp_prod_pvt++;
}

bool blkif_back_push(struct blkif_back_ring *r)
{
    RING_IDX old = READ_ONCE(r->sring->hdr.rsp_prod), new = r->rsp_prod_pvt;
    RING_IDX event;

    /* The responses are seen before the index that publishes them. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    WRITE_ONCE(r->sring->hdr.rsp_prod, new);
    /* rsp_event is read after rsp_prod is visible (ring.h). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    event = READ_ONCE(r->sring->hdr.rsp_event);
    return (RING_IDX)(new - event) < (RING_IDX)(new - old);
}

bool blkif_back_final_check(struct blkif_back_ring *r)
{
    WRITE_ONCE(r->sring->hdr.req_event, r->req_cons + 1);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return READ_ONCE(r->sring->hdr.req_prod) != r->req_cons;
}

/* One segment descriptor: sectors first..last (inclusive) of a page. */
static bool take_seg(struct blkif_back_seg *out, grant_ref_t gref, uint8_t first,
                     uint8_t last)
{
    if (first > last || last >= BLKIF_SECTORS_PER_PAGE)
        return false;
    out->gref = gref;
    out->offset = (uint16_t)(first * SECTOR);
    out->len = (uint16_t)((last - first + 1) * SECTOR);
    return true;
}

static int parse_rw(const struct blkif_request *rq, struct blkif_back_req *out)
{
    out->sector = rq->sector_number;
    out->nr_segs = rq->nr_segments;
    if (!out->nr_segs || out->nr_segs > BLKIF_MAX_SEGMENTS_PER_REQUEST)
        return BLKIF_RSP_ERROR;
    for (unsigned int i = 0; i < out->nr_segs; i++)
        if (!take_seg(&out->seg[i], rq->seg[i].gref, rq->seg[i].first_sect,
                      rq->seg[i].last_sect))
            return BLKIF_RSP_ERROR;
    return BLKIF_RSP_OKAY;
}

static int parse_indirect(const struct blkif_request_indirect *ri, unsigned int max_indirect,
                          struct blkif_back_req *out)
{
    unsigned int pages;

    /* The response carries the operation inside, as Xen's blkback answers
     * (Linux's blkfront checks it against its shadow's indirect_op). */
    out->ring_op = ri->indirect_op;
    if (!max_indirect)
        return BLKIF_RSP_EOPNOTSUPP;
    if (ri->indirect_op != BLKIF_OP_READ && ri->indirect_op != BLKIF_OP_WRITE)
        return BLKIF_RSP_ERROR;
    out->op = ri->indirect_op;
    out->sector = ri->sector_number;
    out->nr_segs = ri->nr_segments;
    if (!out->nr_segs || out->nr_segs > max_indirect || out->nr_segs > BLKIF_BACK_MAX_SEGS)
        return BLKIF_RSP_ERROR;
    pages = (out->nr_segs + BLKIF_SEGS_PER_INDIRECT_FRAME - 1) / BLKIF_SEGS_PER_INDIRECT_FRAME;
    if (pages > BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST)
        return BLKIF_RSP_ERROR;
    out->nr_indirect = pages;
    for (unsigned int i = 0; i < pages; i++)
        out->indirect[i] = ri->indirect_grefs[i];
    return BLKIF_RSP_OKAY;
}

int blkif_back_parse(const union blkif_sring_entry *e, unsigned int max_indirect,
                     struct blkif_back_req *out)
{
    memset(out, 0, sizeof(*out));
    out->id = e->req.id;
    out->ring_op = out->op = e->req.operation;
    switch (e->req.operation) {
    case BLKIF_OP_READ:
    case BLKIF_OP_WRITE:
        return parse_rw(&e->req, out);
    case BLKIF_OP_FLUSH_DISKCACHE:
        /* An empty flush, as Linux's blkfront sends it; a flush with data
         * (a write after a flush) is not taken. */
        out->sector = e->req.sector_number;
        return e->req.nr_segments ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY;
    case BLKIF_OP_INDIRECT:
        return parse_indirect(&e->ind, max_indirect, out);
    default:
        return BLKIF_RSP_EOPNOTSUPP;
    }
}

int blkif_back_parse_indirect(struct blkif_back_req *req, unsigned int idx,
                              const volatile struct blkif_request_segment *page)
{
    unsigned int first = idx * BLKIF_SEGS_PER_INDIRECT_FRAME;

    if (idx >= req->nr_indirect || first >= req->nr_segs)
        return BLKIF_RSP_ERROR;
    for (unsigned int i = first; i < req->nr_segs && i < first + BLKIF_SEGS_PER_INDIRECT_FRAME;
         i++) {
        const volatile struct blkif_request_segment *s = &page[i - first];

        if (!take_seg(&req->seg[i], s->gref, s->first_sect, s->last_sect))
            return BLKIF_RSP_ERROR;
    }
    return BLKIF_RSP_OKAY;
}
