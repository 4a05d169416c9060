/* SPDX-License-Identifier: MIT */
/*
 * Test guests: a blkif frontend (include/public/io/blkif.h) that follows
 * the handshake as Linux's xen-blkfront does: device/vbd/<id> found
 * through the xenstore client (xsc.h), the backend waited for in
 * InitWait, the ring (multi-page when the backend offers
 * max-ring-page-order) and an event channel set up, ring-ref(s),
 * event-channel, protocol and feature-persistent written, Initialised,
 * then the backend's Connected and the disk's sectors, info and features
 * read, and Connected.
 *
 * Data goes through a pool of pages of its own, copied in and out as
 * Linux's blkfront does with persistent grants: with feature-persistent
 * every pool page is granted once, writable, for the device's life;
 * without it each request grants its pages (read-only for writes) and
 * takes them back after the response, which fails (-XEN_EBUSY, counted
 * in grant_busy) if the backend still had them mapped. Requests of more
 * than 11 pages go as BLKIF_OP_INDIRECT when the backend offers it.
 * blkfront_raw() puts a hand-made request on the ring, for hostile tests.
 * One device at a time; the event channel is polled (SCHEDOP_poll).
 */
#ifndef GUEST_BLKFRONT_H
#define GUEST_BLKFRONT_H

#include <stdbool.h>
#include <stdint.h>
#include <public/io/blkif.h>

#define BLKFRONT_POOL_PAGES     64
#define BLKFRONT_MAX_ORDER      2
#define BLKFRONT_SHADOWS        128     /* the largest ring's entries */
#define BLKFRONT_TIMEOUT_NS     10000000000ull

struct blkfront_opts {
    unsigned int ring_order;            /* wanted; the backend's max caps it */
    bool persistent;                    /* offer feature-persistent */
    bool indirect;                      /* use indirect requests if offered */
};

struct blkfront_info {
    unsigned int devid;
    uint64_t sectors;                   /* 512-byte sectors */
    unsigned int sector_size, info;     /* info: VDISK_* */
    bool flush, persistent;             /* the features in effect */
    unsigned int max_indirect;          /* 0: none */
    unsigned int ring_pages, ring_entries;
    unsigned int grant_busy;            /* grants the backend still held */
};

/* Connect the first device/vbd (devid 0) or devid: 0, or an errno after
 * a line saying what failed. */
long blkfront_connect(unsigned int devid, const struct blkfront_opts *o);
const struct blkfront_info *blkfront_info(void);

/* Queue a request for nsec sectors (1..8 * pages) at sector: op READ
 * (data lands in buf when its response comes) or WRITE (buf copied now),
 * or FLUSH_DISKCACHE (nsec 0, buf NULL). Not sent until blkfront_push().
 * Its id (>= 0), -XEN_EBUSY when the ring or the pool is full, or another
 * errno. */
long blkfront_queue(uint8_t op, uint64_t sector, unsigned int nsec, void *buf);
/* Publish the queued requests and notify the backend if it asked. */
void blkfront_push(void);
/* The next response until deadline_ns: 1 and *rsp (a queued request's
 * read data copied, its pages taken back), 0 at the deadline. */
long blkfront_wait(struct blkif_response *rsp, uint64_t deadline_ns);
/* Requests queued and not answered. */
unsigned int blkfront_in_flight(void);

/* One request, start to end: its status (BLKIF_RSP_*), or an errno. */
long blkfront_io(uint8_t op, uint64_t sector, unsigned int nsec, void *buf);

/* Hostile tests: put *e on the ring as it is (the caller picks its id,
 * at or above 1 << 32 to tell it apart), publish and notify. */
long blkfront_raw(const union blkif_sring_entry *e);
/* The shared ring itself (to break its indexes), and its event channel
 * notified unconditionally. */
struct blkif_sring *blkfront_sring(void);
void blkfront_notify(void);
/* A pool page, granted or not, and its reference (persistent: always;
 * else -1), for hand-made requests. */
void *blkfront_page(unsigned int i);
long blkfront_page_gref(unsigned int i);

/* The backend's state key (XenbusState*), or an errno. */
long blkfront_backend_state(void);
/* Wait until the backend's state is one of the mask's bits (1 << state):
 * the state, or -XEN_ETIMEDOUT. */
long blkfront_wait_backend(unsigned int mask, uint64_t deadline_ns);
/* Closing, then Closed, as Linux does on unplug; the grants of the ring
 * and the pool taken back (failures counted in grant_busy), the event
 * channel closed. blkfront_connect() may follow: Initialising again. */
long blkfront_close(void);

#endif
