/* SPDX-License-Identifier: MIT */
/*
 * netback's side of one queue's tx and rx rings (include/public/io/netif.h):
 * taking requests, checking them, writing responses, notification
 * avoidance. The pages are the guest's: every index and request is read
 * once into private memory and checked before use. A producer index more
 * than a ring ahead of the consumer, a frame chained over more than
 * XEN_NETIF_NR_SLOTS_MIN requests or more than NETIF_RING_EXTRAS_MAX extra
 * infos breaks the ring (NETIF_RING_BROKEN): the caller disconnects the
 * vif. A request that is merely wrong (fragment past its page, sizes that
 * do not add up, frame too long or too short) fails that frame only: its
 * requests get NETIF_RSP_ERROR.
 *
 * Pure logic, no hypercalls: grant copies, event channels and the bridge
 * are the caller's (tools/dom0/netback.c). Compiles in dom0 and on the host.
 */
#ifndef BACKENDS_NETIF_RING_H
#define BACKENDS_NETIF_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <public/io/netif.h>

#define NETIF_RING_BROKEN       (-1)
#define NETIF_RING_EXTRAS_MAX   4
#define NETIF_RING_PAGE         4096u
#define NETIF_RING_ETH_HLEN     14

struct netif_ring {
    struct netif_tx_sring *tx;          /* mapped guest pages */
    struct netif_rx_sring *rx;
    RING_IDX tx_req_cons, tx_rsp_prod_pvt;
    RING_IDX rx_req_cons, rx_rsp_prod_pvt;
};

/* One piece of a tx frame, in the guest's granted page. */
struct netif_tx_seg {
    grant_ref_t gref;
    uint16_t offset, len;
};

/* A tx frame taken off the ring: its pieces and the slots to answer. */
struct netif_tx_frame {
    struct netif_tx_seg seg[XEN_NETIF_NR_SLOTS_MIN];
    unsigned int nr_segs;
    uint16_t id[XEN_NETIF_NR_SLOTS_MIN + NETIF_RING_EXTRAS_MAX];
    bool extra[XEN_NETIF_NR_SLOTS_MIN + NETIF_RING_EXTRAS_MAX];
    unsigned int nr_slots;              /* requests and extras consumed */
    size_t len;                         /* the frame's length */
    uint16_t flags;                     /* the first request's NETTXF_* */
    bool bad;                           /* answer NETIF_RSP_ERROR */
};

/* Start serving freshly connected rings: the frontend initialised them
 * (SHARED_RING_INIT), so the backend's private indexes start at 0. */
void netif_ring_init(struct netif_ring *r, struct netif_tx_sring *tx,
                     struct netif_rx_sring *rx);

/*
 * Take the next whole tx frame into *f: 1 (check f->bad: when set,
 * answer it with NETIF_RSP_ERROR, copy nothing), 0 when no whole frame is
 * published yet (nothing consumed), or NETIF_RING_BROKEN. max_len is the
 * longest frame accepted.
 */
int netif_tx_take(struct netif_ring *r, struct netif_tx_frame *f, size_t max_len);
/* Answer every slot of f: status for its requests, NETIF_RSP_NULL for its
 * extras. Not yet visible: netif_tx_push(). */
void netif_tx_answer(struct netif_ring *r, const struct netif_tx_frame *f,
                     int16_t status);
/* Publish the answers; whether the guest wants an event for them. */
bool netif_tx_push(struct netif_ring *r);
/* Whether requests wait; when none, ask the guest for an event at the next
 * one and look once more (no request is missed). NETIF_RING_BROKEN when the
 * indexes are out of range. */
int netif_tx_more(struct netif_ring *r);

/* The next posted rx buffer into *req: 1, 0 when none (and the guest was
 * asked for an event at its next post), or NETIF_RING_BROKEN. */
int netif_rx_take(struct netif_ring *r, struct netif_rx_request *req);
/* Answer an rx request: status is the length copied or a NETIF_RSP_*. */
void netif_rx_answer(struct netif_ring *r, uint16_t id, uint16_t offset,
                     uint16_t flags, int16_t status);
bool netif_rx_push(struct netif_ring *r);

#endif
