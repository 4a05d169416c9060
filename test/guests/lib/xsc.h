/* SPDX-License-Identifier: MIT */
/*
 * Test guests: a small xenstore client over the page and port that the
 * domain builder set in HVM_PARAM_STORE_PFN and _STORE_EVTCHN (Xen's wire
 * protocol, public/io/xs_wire.h). One request at a time, each with its own
 * req_id; watch events that arrive meanwhile are kept (up to XSC_EVENTS).
 * Errors are negative Xen errnos, by the name the daemon sent; "EQUOTA"
 * is -XSC_EQUOTA; a name not known is -XEN_EINVAL (as Linux maps it).
 * See docs/test-guests.md.
 */
#ifndef GUEST_XSC_H
#define GUEST_XSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/io/xs_wire.h>

#define XSC_EQUOTA      1000
#define XSC_EVENTS      8
#define XSC_TIMEOUT_NS  10000000000ull  /* a reply takes at most this */

/* Find the store page and port: 0, or -XEN_ENODEV when there are none. */
int xsc_init(void);
struct xenstore_domain_interface *xsc_page(void);

/* One request: type, tx_id, payload of len bytes. The reply's payload
 * goes to reply[size] (NUL-terminated, truncated) and its type to *rtype
 * (may be NULL). Returns the reply's payload length, or its XS_ERROR as
 * an errno, or -XEN_ETIMEDOUT / -XEN_EIO (a broken ring). */
long xsc_request(uint32_t type, uint32_t tx, const void *payload, uint32_t len,
                 char *reply, size_t size, uint32_t *rtype);

/* The usual requests (paths absolute or relative to the domain's home). */
long xsc_read(const char *path, char *buf, size_t size);
long xsc_write(const char *path, const char *value);
long xsc_directory(const char *path, char *buf, size_t size);
long xsc_watch(const char *path, const char *token);
long xsc_transaction_start(uint32_t *tx);

/* Wait for a watch event until deadline_ns: 1 and its path and token, or
 * 0 at the deadline (or an errno). */
long xsc_wait_watch(char *path, size_t path_size, char *token, size_t token_size,
                    uint64_t deadline_ns);

/* Raw bytes into the request ring (hostile tests): waits for room until
 * deadline_ns; the bytes written, or an errno. */
long xsc_send_raw(const void *bytes, size_t len, uint64_t deadline_ns);
/* The next message from the daemon (watch events included), its payload
 * into payload[size] (NUL-terminated, truncated): its length, or
 * -XEN_ETIMEDOUT at the deadline with nothing, or another errno. */
long xsc_recv(struct xsd_sockmsg *hdr, char *payload, size_t size, uint64_t deadline_ns);

/* The name an errno came as (for messages): "EACCES", ... */
const char *xsc_errname(long err);

#endif
