/* SPDX-License-Identifier: MIT */
/*
 * blkback's protocol core: the backend's side of a blkif shared ring
 * (include/public/io/blkif.h) and the checks of every request field.
 *
 * The ring is shared with a hostile frontend: req_prod is read once per
 * call, a request is copied out of the ring whole before any field of it
 * is looked at, and a frontend whose req_prod runs more than a ring ahead
 * of what it got answers for has broken its ring (BLKIF_BACK_BROKEN: the
 * backend disconnects that device). Responses are written at the
 * backend's private producer index and published by blkif_back_push(),
 * which says whether the frontend asked to be notified.
 *
 * blkif_back_parse() turns a copied request into operation, sector and
 * segments (grant reference, byte offset and length within the page), or
 * into the status of its error response: BLKIF_RSP_EOPNOTSUPP for an
 * operation the backend does not offer, BLKIF_RSP_ERROR for bad fields.
 * Grant references and the sector range are checked later, by the grant
 * map and blkdev_submit(); the segments of an indirect request come from
 * its indirect pages through blkif_back_parse_indirect().
 *
 * Pure logic with no state of its own: compiles in dom0 and on the host.
 */
#ifndef BACKENDS_BLKIF_BACK_H
#define BACKENDS_BLKIF_BACK_H

#include <stdbool.h>
#include <stdint.h>
#include <public/io/blkif.h>

#define BLKIF_BACK_BROKEN       (-1)
#define BLKIF_BACK_MAX_ORDER    2       /* ring pages: 1 << 2 at most */
#define BLKIF_BACK_MAX_PAGES    (1u << BLKIF_BACK_MAX_ORDER)
/* Segments of one request the backend takes: what it offers as
 * feature-max-indirect-segments, and at least a direct request's 11. */
#define BLKIF_BACK_MAX_SEGS     32

struct blkif_back_ring {
    struct blkif_sring *sring;
    RING_IDX nr_ents;               /* a power of two */
    RING_IDX req_cons;              /* the next request to take */
    RING_IDX rsp_prod_pvt;          /* the next response to write */
};

/* Entries in a ring of nr_pages pages (1..BLKIF_BACK_MAX_PAGES). */
RING_IDX blkif_back_entries(unsigned int nr_pages);

/* Attach to the frontend's ring of nr_pages pages at sring, as it left it
 * (SHARED_RING_INIT: indexes 0); the backend's private indexes start at
 * the published rsp_prod. */
void blkif_back_init(struct blkif_back_ring *r, void *sring, unsigned int nr_pages);

/* Take the next request: 1 and a copy of it in *e, 0 when there is none,
 * or BLKIF_BACK_BROKEN (nothing taken). */
int blkif_back_next(struct blkif_back_ring *r, union blkif_sring_entry *e);

/* Requests taken and not answered yet. */
static inline RING_IDX blkif_back_in_flight(const struct blkif_back_ring *r)
{
    return r->req_cons - r->rsp_prod_pvt;
}

/* Write the response to a taken request (not published yet). */
void blkif_back_respond(struct blkif_back_ring *r, uint64_t id, uint8_t op, int16_t status);

/* Publish the responses written; whether the frontend wants an event. */
bool blkif_back_push(struct blkif_back_ring *r);

/* Nothing left to take: ask for an event at the next request, then look
 * again; whether requests are waiting after all. */
bool blkif_back_final_check(struct blkif_back_ring *r);

struct blkif_back_seg {
    grant_ref_t gref;
    uint16_t offset;                /* bytes into the page, a multiple of 512 */
    uint16_t len;                   /* bytes, 512..4096 */
};

struct blkif_back_req {
    uint64_t id;                    /* the frontend's */
    uint8_t ring_op;                /* the operation for the response: the request's,
                                       for an indirect one its indirect_op */
    uint8_t op;                     /* READ, WRITE or FLUSH_DISKCACHE (indirect: its op) */
    uint64_t sector;
    unsigned int nr_segs;
    struct blkif_back_seg seg[BLKIF_BACK_MAX_SEGS];
    unsigned int nr_indirect;       /* indirect pages still to read */
    grant_ref_t indirect[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};

/* Check the request in *e and fill *out (id and ring_op always, so that
 * an error can be answered). BLKIF_RSP_OKAY, BLKIF_RSP_ERROR or
 * BLKIF_RSP_EOPNOTSUPP. max_indirect is what the backend offered (0: no
 * indirect requests). For an indirect request nr_segs is the count asked
 * for, and the segments come from blkif_back_parse_indirect(). */
int blkif_back_parse(const union blkif_sring_entry *e, unsigned int max_indirect,
                     struct blkif_back_req *out);

/* Copy and check the segments that indirect page idx of req holds (page:
 * the mapped page, read once per field). BLKIF_RSP_OKAY or _ERROR. */
int blkif_back_parse_indirect(struct blkif_back_req *req, unsigned int idx,
                              const volatile struct blkif_request_segment *page);

#endif
