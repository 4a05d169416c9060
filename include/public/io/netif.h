/* SPDX-License-Identifier: MIT */
/*
 * The netif protocol (Linux xen-netfront and xen-netback), as facts: two
 * shared rings of one page each (ring.h), tx (guest to backend) and rx
 * (backend to guest), and one event channel or two (split).
 *
 * TX: a frame is one request, or with feature-sg a chain of requests each
 * with NETTXF_more_data but the last. The first request's size is the
 * whole frame's length; each later one's is its own fragment's, and the
 * first fragment holds what is left (first size - sum of the others).
 * NETTXF_extra_info: the next slot is a struct netif_extra_info (which
 * may chain further ones with XEN_NETIF_EXTRA_FLAG_MORE), not a request.
 * Each request gets one response with its id: NETIF_RSP_OKAY, or an
 * error; the slots of extra infos get NETIF_RSP_NULL.
 *
 * RX (copy mode, request-rx-copy = 1): the guest posts requests, each a
 * granted page with an id; the backend copies a frame into it (at the
 * offset it reports) and responds with the id, offset, NETRXF_* flags and
 * as status the length copied, or a negative NETIF_RSP_*. The guest never
 * needs to notify after posting rx requests unless the backend asked
 * (feature-rx-notify: it does, through req_event).
 */
#ifndef PUBLIC_IO_NETIF_H
#define PUBLIC_IO_NETIF_H

#include <stdint.h>
#include "../xen.h"
#include "../grant_table.h"
#include "ring.h"

/* struct netif_tx_request.flags */
#define NETTXF_csum_blank       (1u << 0)   /* checksum to be filled in */
#define NETTXF_data_validated   (1u << 1)   /* checksum known good */
#define NETTXF_more_data        (1u << 2)   /* the frame goes on in the next request */
#define NETTXF_extra_info       (1u << 3)   /* an extra info slot follows */

struct netif_tx_request {
    grant_ref_t gref;           /* IN: the page holding this fragment */
    uint16_t offset;            /* IN: where in it */
    uint16_t flags;             /* IN: NETTXF_* */
    uint16_t id;                /* IN: echoed in the response */
    uint16_t size;              /* IN: first request: the frame; later: this fragment */
};
PETREL_ABI_SIZE(struct netif_tx_request, 12);
PETREL_ABI_OFFSET(struct netif_tx_request, offset, 4);
PETREL_ABI_OFFSET(struct netif_tx_request, id, 8);
PETREL_ABI_OFFSET(struct netif_tx_request, size, 10);

/* struct netif_extra_info.type */
#define XEN_NETIF_EXTRA_TYPE_NONE       0
#define XEN_NETIF_EXTRA_TYPE_GSO        1
#define XEN_NETIF_EXTRA_TYPE_MCAST_ADD  2
#define XEN_NETIF_EXTRA_TYPE_MCAST_DEL  3
#define XEN_NETIF_EXTRA_TYPE_HASH       4
#define XEN_NETIF_EXTRA_TYPE_MAX        5
#define XEN_NETIF_EXTRA_FLAG_MORE       (1u << 0)   /* another extra follows */

/* Occupies a tx (or rx response) slot. */
struct netif_extra_info {
    uint8_t type;               /* XEN_NETIF_EXTRA_TYPE_* */
    uint8_t flags;              /* XEN_NETIF_EXTRA_FLAG_* */
    union {
        struct {
            uint16_t size;      /* segment size */
            uint8_t  type;      /* XEN_NETIF_GSO_TYPE_* */
            uint8_t  pad;
            uint16_t features;
        } gso;
        struct {
            uint8_t  addr[6];
        } mcast;
        uint16_t pad[3];
    } u;
};
PETREL_ABI_SIZE(struct netif_extra_info, 8);

struct netif_tx_response {
    uint16_t id;                /* OUT: the request's */
    int16_t  status;            /* OUT: NETIF_RSP_* */
};
PETREL_ABI_SIZE(struct netif_tx_response, 4);

struct netif_rx_request {
    uint16_t id;                /* IN: echoed in the response */
    uint16_t pad;
    grant_ref_t gref;           /* IN: a page the backend may write */
};
PETREL_ABI_SIZE(struct netif_rx_request, 8);
PETREL_ABI_OFFSET(struct netif_rx_request, gref, 4);

/* struct netif_rx_response.flags */
#define NETRXF_data_validated   (1u << 0)
#define NETRXF_csum_blank       (1u << 1)
#define NETRXF_more_data        (1u << 2)
#define NETRXF_extra_info       (1u << 3)
#define NETRXF_gso_prefix       (1u << 4)

struct netif_rx_response {
    uint16_t id;                /* OUT: the request's */
    uint16_t offset;            /* OUT: where the data starts in the page */
    uint16_t flags;             /* OUT: NETRXF_* */
    int16_t  status;            /* OUT: bytes (> 0), or NETIF_RSP_* (< 0) */
};
PETREL_ABI_SIZE(struct netif_rx_response, 8);

#define NETIF_RSP_DROPPED       (-2)
#define NETIF_RSP_ERROR         (-1)
#define NETIF_RSP_OKAY          0
#define NETIF_RSP_NULL          1   /* the slot of an extra info */

/* One-page rings: a union of request and response per entry, the largest
 * power of two that fits after the header (ring.h): 256 of each. */
union netif_tx_entry {
    struct netif_tx_request req;
    struct netif_tx_response rsp;
};
union netif_rx_entry {
    struct netif_rx_request req;
    struct netif_rx_response rsp;
};
PETREL_ABI_SIZE(union netif_tx_entry, 12);
PETREL_ABI_SIZE(union netif_rx_entry, 8);
#define NET_TX_RING_SIZE        256
#define NET_RX_RING_SIZE        256

struct netif_tx_sring {
    struct xen_sring_header hdr;
    union netif_tx_entry ring[NET_TX_RING_SIZE];
};
struct netif_rx_sring {
    struct xen_sring_header hdr;
    union netif_rx_entry ring[NET_RX_RING_SIZE];
};
PETREL_ABI_SIZE(struct netif_tx_sring, 64 + 256 * 12);
PETREL_ABI_SIZE(struct netif_rx_sring, 64 + 256 * 8);

/* The fewest slots a backend must accept for one frame (Linux's
 * XEN_NETBK_LEGACY_SLOTS_MAX). */
#define XEN_NETIF_NR_SLOTS_MIN  18

#endif
