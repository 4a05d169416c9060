/* SPDX-License-Identifier: MIT */
/*
 * Petrel's xenstore daemon as a library: the store, its permissions,
 * transactions and watches, and Xen's wire protocol over each introduced
 * domain's shared ring page. dom0 owns a struct xs and drives it from one
 * event loop; nothing here blocks, sleeps, keeps globals or uses threads.
 *
 * The host (dom0) provides struct xs_host_ops: map and unmap a domain's ring
 * page, bind and unbind the interdomain event channel, notify a port, and
 * optionally log. It calls xs_handle_event() when a bound port fires. The
 * toolstack in dom0 uses the xs_local_*() calls, which run as requests of
 * dom0's own connection (domain 0, full privilege) through the same code as
 * a guest's requests.
 *
 * Errors are negative Xen errno values (public/errno.h) or -XS_EQUOTA.
 */
#ifndef XENSTORED_H
#define XENSTORED_H

#include "xs_env.h"

struct xs_conn;
struct xs_node;
struct xs_acct;

/* A quota was exceeded: sent to clients as "EQUOTA" (as oxenstored does). */
#define XS_EQUOTA               1000

struct xs_host_ops {
    /* Map the xenstore page at gfn of domid; NULL on failure. */
    void *(*map_ring)(void *host, uint16_t domid, uint64_t gfn);
    void (*unmap_ring)(void *host, uint16_t domid, void *page);
    /* Bind to domid's unbound port; the local port, or a negative errno. */
    int (*bind_port)(void *host, uint16_t domid, uint32_t remote_port);
    void (*unbind_port)(void *host, uint32_t local_port);
    void (*notify)(void *host, uint32_t local_port);
    /* A line for dom0's log, without a newline; may be NULL. */
    void (*log)(void *host, const char *msg);
};

/* Per-domain limits; dom0 (domid 0) is exempt from all of them. */
struct xs_quota {
    uint32_t nodes;             /* nodes a domain may own */
    uint32_t value_size;        /* bytes of one value */
    uint32_t perms;             /* entries in one node's permission list */
    uint32_t watches;           /* watches per connection */
    uint32_t transactions;      /* open transactions per connection */
    uint32_t queued;            /* messages waiting for a full rsp ring:
                                   requests stall, watch events are dropped */
};
#define XS_QUOTA_DEFAULT { 1000, 2048, 5, 128, 10, 64 }

/* The node tree: one for the store, one copy per open transaction. */
struct xs_store {
    struct xs_node *root;
    uint64_t gen;               /* last generation given to a node */
    struct xs_acct *acct;       /* nodes owned per domain */
    uint32_t nacct;
};

struct xs {
    const struct xs_host_ops *ops;
    void *host;                 /* passed back to every op */
    struct xs_quota quota;      /* the caller may change it at any time */
    struct xs_store store;
    struct xs_conn *conns;      /* introduced domains */
    struct xs_conn *local;      /* dom0's in-process connection */
};

/* A permission entry: XS_PERM_* for domid. */
#define XS_PERM_NONE            0
#define XS_PERM_READ            1
#define XS_PERM_WRITE           2
#define XS_PERM_BOTH            (XS_PERM_READ | XS_PERM_WRITE)
struct xs_perm {
    uint16_t domid;
    uint8_t perm;
};

/*
 * Set up an empty store (just "/", owned by dom0, "n0") and dom0's local
 * connection. 0 or -XEN_ENOMEM. xs_fini() releases every domain (without
 * @releaseDomain events) and frees everything.
 */
int xs_init(struct xs *xs, const struct xs_host_ops *ops, void *host);
void xs_fini(struct xs *xs);

/*
 * Connect domain domid whose ring page is at gfn and whose unbound event
 * channel is remote_port: map, bind, fire @introduceDomain, serve requests
 * already queued. 0, or -XEN_EINVAL (bad domid), -XEN_EEXIST (introduced
 * with another page or port), -XEN_ENOMEM, -XEN_EFAULT (map failed) or
 * bind_port's error. Introducing again with the same page and port is 0.
 */
int xs_introduce(struct xs *xs, uint16_t domid, uint64_t gfn,
                 uint32_t remote_port);

/* Disconnect domid: its watches and transactions go, the page is unmapped,
 * the port unbound, @releaseDomain fires. 0 or -XEN_ENOENT. Its nodes stay
 * for the toolstack to remove (xs_local_rm). */
int xs_release(struct xs *xs, uint16_t domid);

/* Whether domid is introduced (dom0 always is). */
bool xs_is_introduced(const struct xs *xs, uint16_t domid);

/* A bound local port fired: serve that domain's ring (requests in, replies
 * and watch events out). Ports that are not ours are ignored. */
void xs_handle_event(struct xs *xs, uint32_t local_port);

/* One line per introduced domain for an operator: its ring indexes (read
 * from the shared page), queued replies, watches and transactions, written
 * with out(arg, line). */
void xs_describe_conns(const struct xs *xs, void (*out)(void *arg, const char *line),
                       void *arg);

/* Serve every ring once, as if each port had fired. */
void xs_poll_all(struct xs *xs);

/* ---- dom0's own requests -------------------------------------------------
 * tx is 0 or an id from xs_local_transaction_start(). Paths are absolute or
 * relative to /local/domain/0. Each returns a negative errno on failure.
 */

/* Copy the value of path into buf (NUL-terminated, truncated to size-1);
 * return the value's full length. */
int xs_local_read(struct xs *xs, uint32_t tx, const char *path,
                  char *buf, size_t size);
/* Write len bytes, creating missing parents. */
int xs_local_write(struct xs *xs, uint32_t tx, const char *path,
                   const void *value, size_t len);
/* Write a formatted value (vsnprintf), e.g. for a domain builder's keys. */
int xs_local_printf(struct xs *xs, uint32_t tx, const char *path,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int xs_local_mkdir(struct xs *xs, uint32_t tx, const char *path);
int xs_local_rm(struct xs *xs, uint32_t tx, const char *path);
/* Children's names into buf, each NUL-terminated; return the bytes used
 * (-XEN_E2BIG if they do not fit in size). */
int xs_local_directory(struct xs *xs, uint32_t tx, const char *path,
                       char *buf, size_t size);
/* Permissions of path into perms[max]; return the count (-XEN_E2BIG if more
 * than max). perms[0] is the owner and the default for other domains. */
int xs_local_get_perms(struct xs *xs, uint32_t tx, const char *path,
                       struct xs_perm *perms, unsigned int max);
int xs_local_set_perms(struct xs *xs, uint32_t tx, const char *path,
                       const struct xs_perm *perms, unsigned int n);
int xs_local_transaction_start(struct xs *xs, uint32_t *tx);
/* Commit (0, or -XEN_EAGAIN on a conflict: start again) or abort. */
int xs_local_transaction_end(struct xs *xs, uint32_t tx, bool commit);
/* Watch path (or @introduceDomain, @releaseDomain) with token; the first
 * event comes at once, as for a guest. */
int xs_local_watch(struct xs *xs, const char *path, const char *token);
int xs_local_unwatch(struct xs *xs, const char *path, const char *token);
/* Take the oldest pending watch event: 1 and path and token copied
 * (NUL-terminated, truncated), or 0 when there is none. */
int xs_local_next_event(struct xs *xs, char *path, size_t path_size,
                        char *token, size_t token_size);
/* Whether dom0's connection has watch events waiting for
 * xs_local_next_event() (an event loop must not block while it has). */
bool xs_local_pending(const struct xs *xs);

/*
 * Handle one raw request from dom0's connection (for a socket-style client
 * such as a future `hv xenstore-*` command): hdr and payload in, the reply
 * (type, payload of up to XENSTORE_PAYLOAD_MAX bytes) out. Returns the
 * reply's length.
 */
struct xsd_sockmsg;
uint32_t xs_local_raw(struct xs *xs, const struct xsd_sockmsg *hdr,
                      const void *payload, struct xsd_sockmsg *reply,
                      char *reply_payload);

#endif
