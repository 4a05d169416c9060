/* SPDX-License-Identifier: MIT */
/*
 * Test guests: a netif frontend (include/public/io/netif.h) for the first
 * vif, as Linux's xen-netfront drives it (docs/test-guests.md): finds
 * device/vif/<id>, reads backend and mac, waits for the backend's
 * InitWait, grants its tx and rx rings, allocates an event channel, writes
 * tx-ring-ref, rx-ring-ref, event-channel (or -tx and -rx when split),
 * request-rx-copy = 1, feature-rx-notify = 1, feature-sg = 1, goes to
 * Connected and waits for the backend's Connected. All NETFRONT_RX_BUFS
 * rx buffers stay posted: each received frame's buffer is posted again.
 *
 * With several queues, frames are sent round the queues' tx rings, rx
 * buffers are shared out among them and every rx ring is read. One frame
 * per tx page at offset 0 (netfront_send), or raw requests for hostile
 * tests (netfront_send_raw, on queue 0). Grants come from lib/gnttab.h.
 * The ports are masked and waited on with SCHEDOP_poll. Errors are
 * negative Xen errnos.
 */
#ifndef GUEST_NETFRONT_H
#define GUEST_NETFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/io/netif.h>

#define NETFRONT_TX_BUFS        32
#define NETFRONT_RX_BUFS        32
#define NETFRONT_RAW_ID         128     /* raw requests' ids: 128..255 */
#define NETFRONT_QUEUES_MAX     4

struct netfront_opts {
    bool split;                         /* event-channel-tx and -rx */
    unsigned int queues;                /* 2..4: multi-queue-num-queues and
                                         * queue-N/; 0 or 1: one queue */
};

/* Connect vif devid: 0, or an errno (a message was printed). */
int netfront_init(unsigned int devid, const struct netfront_opts *opts);
const uint8_t *netfront_mac(void);
/* The backend's feature key (0 when absent). */
unsigned long netfront_backend_feature(const char *key);

/* Send one frame (14 to 1514 bytes): 0, or -XEN_EAGAIN when every tx
 * buffer waits for its response until deadline_ns. */
int netfront_send(const void *frame, size_t len, uint64_t deadline_ns);
/* The same in pieces (1..NETFRONT_SG_MAX) of as many tx buffers, chained
 * with NETTXF_more_data (feature-sg), piece k at offset 100 k of its page. */
#define NETFRONT_SG_MAX         4
int netfront_send_sg(const void *frame, size_t len, unsigned int pieces,
                     uint64_t deadline_ns);
/* The next received frame into buf[size] (truncated): its length, 0 at the
 * deadline, or a negative errno (the backend answered an error). */
long netfront_recv(void *buf, size_t size, uint64_t deadline_ns);

/* Collect tx responses (frees buffers, counts); no waiting. */
void netfront_tx_poll(void);
/* Wait until every tx request sent has its response, or the deadline:
 * true when all came. */
bool netfront_tx_drain(uint64_t deadline_ns);
struct netfront_tx_counts {
    unsigned long okay, error, dropped, null, bad;  /* bad: unknown ids */
};
const struct netfront_tx_counts *netfront_tx_counts(void);

/* ---- raw access (hostile tests) ---- */
/* Tx page i (< NETFRONT_TX_BUFS) and its grant reference. */
void *netfront_tx_page(unsigned int i);
grant_ref_t netfront_tx_gref(unsigned int i);
/* Put reqs[0..n) on the tx ring as they are, publish, notify: 0 or
 * -XEN_ENOSPC. Ids must be NETFRONT_RAW_ID and up; their statuses come in
 * netfront_raw_status(). */
int netfront_send_raw(const struct netif_tx_request *reqs, unsigned int n);
/* Wait for at least one more tx response (or the deadline: false). */
bool netfront_tx_wait(uint64_t deadline_ns);
/* The last status answered for raw id (NETIF_RSP_* ), or 2 if none yet. */
int netfront_raw_status(uint16_t id);
/* The shared tx ring itself (to break it on purpose). */
struct netif_tx_sring *netfront_tx_ring(void);
void netfront_notify(void);

#endif
