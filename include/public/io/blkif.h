/* SPDX-License-Identifier: MIT */
/*
 * Xen's block-device ring protocol (blkif), as Linux's xen-blkfront and
 * xen-blkback speak it: facts from Xen's public/io/blkif.h, the layout of
 * the "x86_64-abi" protocol, the only one Petrel's backend accepts. The
 * padding the 64-bit ABI has implicitly is written out, so that the
 * layout is the same for 32-bit code (which Xen's "x86_32-abi" is not).
 *
 * Shared ring (ring.h): 1 << ring-page-order pages, the 64-byte header,
 * then entries of 112 bytes, each a request or its response:
 * __RD32((pages * 4096 - 64) / 112) entries (32 for one page, 64 for two,
 * 128 for four...).
 *
 * Xenstore keys (backend directory: dom0's, the guest reads it; frontend
 * directory: the guest's):
 *   backend, at probe:   feature-max-indirect-segments, feature-persistent,
 *                        max-ring-page-order
 *   frontend, to connect: ring-ref (one page) or ring-ref0..N-1 with
 *                        ring-page-order, event-channel, protocol
 *                        ("x86_64-abi"), feature-persistent
 *   backend, at connect: sectors, info (VDISK_*), sector-size,
 *                        physical-sector-size, feature-flush-cache
 *   the toolstack's:     params, mode ("r" or "w"), type, removable,
 *                        device-type (backend); virtual-device (frontend)
 *
 * Sector numbers and first_sect/last_sect are in 512-byte units whatever
 * the disk's sector size. A segment covers sectors first_sect..last_sect
 * (inclusive, at most 7) of one granted page.
 */
#ifndef PUBLIC_IO_BLKIF_H
#define PUBLIC_IO_BLKIF_H

#include <stdint.h>
#include "../grant_table.h"
#include "ring.h"

typedef uint16_t blkif_vdev_t;
typedef uint64_t blkif_sector_t;

/* Operations. */
#define BLKIF_OP_READ               0
#define BLKIF_OP_WRITE              1
#define BLKIF_OP_WRITE_BARRIER      2   /* feature-barrier (Petrel: not offered) */
#define BLKIF_OP_FLUSH_DISKCACHE    3   /* feature-flush-cache */
#define BLKIF_OP_RESERVED_1         4
#define BLKIF_OP_DISCARD            5   /* feature-discard (Petrel: not offered) */
#define BLKIF_OP_INDIRECT           6   /* feature-max-indirect-segments */

#define BLKIF_MAX_SEGMENTS_PER_REQUEST          11
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST    8
#define BLKIF_SECTORS_PER_PAGE                  8   /* last_sect <= 7 */

struct blkif_request_segment {
    grant_ref_t gref;           /* the granted page */
    uint8_t first_sect;         /* first 512-byte sector in the page */
    uint8_t last_sect;          /* last one, inclusive */
    uint8_t _pad[2];
};
PETREL_ABI_SIZE(struct blkif_request_segment, 8);

/* Segments in one indirect page. */
#define BLKIF_SEGS_PER_INDIRECT_FRAME \
    (4096 / sizeof(struct blkif_request_segment))

struct blkif_request {
    uint8_t operation;          /* BLKIF_OP_* */
    uint8_t nr_segments;        /* READ/WRITE: 1..11; FLUSH: 0 */
    blkif_vdev_t handle;        /* the virtual device (unused by backends) */
    uint32_t _pad;
    uint64_t id;                /* the frontend's, echoed in the response */
    blkif_sector_t sector_number;
    struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};
PETREL_ABI_SIZE(struct blkif_request, 112);
PETREL_ABI_OFFSET(struct blkif_request, id, 8);
PETREL_ABI_OFFSET(struct blkif_request, sector_number, 16);
PETREL_ABI_OFFSET(struct blkif_request, seg, 24);

struct blkif_request_discard {
    uint8_t operation;          /* BLKIF_OP_DISCARD */
    uint8_t flag;               /* BLKIF_DISCARD_SECURE */
    blkif_vdev_t handle;
    uint32_t _pad;
    uint64_t id;
    blkif_sector_t sector_number;
    uint64_t nr_sectors;
};
#define BLKIF_DISCARD_SECURE    1
PETREL_ABI_SIZE(struct blkif_request_discard, 32);

/* operation = BLKIF_OP_INDIRECT: the segments are in indirect pages,
 * BLKIF_SEGS_PER_INDIRECT_FRAME a page, as blkif_request_segment. */
struct blkif_request_indirect {
    uint8_t operation;          /* BLKIF_OP_INDIRECT */
    uint8_t indirect_op;        /* BLKIF_OP_READ or _WRITE */
    uint16_t nr_segments;       /* 1 .. feature-max-indirect-segments */
    uint32_t _pad;
    uint64_t id;
    blkif_sector_t sector_number;
    blkif_vdev_t handle;
    uint16_t _pad1;
    grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
    uint32_t _pad2;
};
PETREL_ABI_SIZE(struct blkif_request_indirect, 64);
PETREL_ABI_OFFSET(struct blkif_request_indirect, nr_segments, 2);
PETREL_ABI_OFFSET(struct blkif_request_indirect, id, 8);
PETREL_ABI_OFFSET(struct blkif_request_indirect, handle, 24);
PETREL_ABI_OFFSET(struct blkif_request_indirect, indirect_grefs, 28);

struct blkif_response {
    uint64_t id;                /* the request's */
    uint8_t operation;          /* the request's (BLKIF_OP_INDIRECT for one) */
    uint8_t _pad;
    int16_t status;             /* BLKIF_RSP_* */
    uint32_t _pad1;
};
PETREL_ABI_SIZE(struct blkif_response, 16);
PETREL_ABI_OFFSET(struct blkif_response, status, 10);

#define BLKIF_RSP_EOPNOTSUPP    (-2)    /* an operation not offered */
#define BLKIF_RSP_ERROR         (-1)
#define BLKIF_RSP_OKAY          0

/* One ring entry: a request, or the response that replaces it. */
union blkif_sring_entry {
    struct blkif_request req;
    struct blkif_request_indirect ind;
    struct blkif_request_discard discard;
    struct blkif_response rsp;
};
PETREL_ABI_SIZE(union blkif_sring_entry, 112);

struct blkif_sring {
    struct xen_sring_header hdr;
    union blkif_sring_entry ring[];
};
PETREL_ABI_OFFSET(struct blkif_sring, ring, XEN_SRING_HEADER_SIZE);

/* The "info" key. */
#define VDISK_CDROM             0x1
#define VDISK_REMOVABLE         0x2
#define VDISK_READONLY          0x4

#define BLKIF_PROTOCOL_X86_64   "x86_64-abi"

#endif
