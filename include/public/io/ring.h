/* SPDX-License-Identifier: MIT */
/*
 * The layout of Xen's split-driver request/response rings (blkif, netif...),
 * as facts; Petrel's own ring helpers come with the first backend.
 *
 * A shared ring fills whole pages (1 << ring-page-order): a 64-byte header,
 * struct xen_sring_header below, then an array of entries, each a union of
 * one request and one response. The entry count is the largest power of two
 * that fits: __RD32((size - 64) / sizeof(entry)), e.g. 32 for blkif's
 * 112-byte entries in one page.
 *
 * Indexes are free-running 32-bit counters (RING_IDX), reduced modulo the
 * entry count. The frontend owns req_prod and rsp_event and keeps private
 * copies req_prod_pvt and rsp_cons; the backend owns rsp_prod and req_event
 * and keeps rsp_prod_pvt and req_cons. On both sides a producer writes
 * entries, issues a write barrier, then publishes *_prod; a consumer reads
 * *_prod, a read barrier, then the entries.
 *
 * Notification avoidance: after publishing a new producer index new (old
 * before), the producer sends an event only if the peer asked for it:
 *   notify = (RING_IDX)(new - event) < (RING_IDX)(new - old)
 * where event is req_event (frontend producing) or rsp_event (backend), read
 * after a full barrier. A consumer that has drained the ring sets its
 * *_event to cons + 1, issues a full barrier, and checks for work again
 * before waiting. SHARED_RING_INIT sets req_event = rsp_event = 1 and the
 * producer indexes to 0.
 */
#ifndef PUBLIC_IO_RING_H
#define PUBLIC_IO_RING_H

#include <stdint.h>
#include "../xen.h"

typedef uint32_t RING_IDX;

struct xen_sring_header {
    RING_IDX req_prod;          /* frontend: requests published */
    RING_IDX req_event;         /* backend: notify me when req_prod passes this */
    RING_IDX rsp_prod;          /* backend: responses published */
    RING_IDX rsp_event;         /* frontend: notify me when rsp_prod passes this */
    uint8_t  pad[48];           /* must be 0 (older Xen kept per-driver flags here) */
};
PETREL_ABI_SIZE(struct xen_sring_header, 64);

#define XEN_SRING_HEADER_SIZE   64  /* offset of entry 0 */

#endif
