/* SPDX-License-Identifier: MIT */
/* The xenstore library's internal structures and the calls between its files. */
#ifndef XS_PRIVATE_H
#define XS_PRIVATE_H

#include "xenstored.h"
#include <public/errno.h>
#include <public/io/xs_wire.h>

/* A growable byte buffer; ok goes false for good when memory runs out. */
struct xs_buf {
    char *data;
    uint32_t len, cap;
    bool ok;
};
void xs_buf_init(struct xs_buf *b);
void xs_buf_add(struct xs_buf *b, const void *p, size_t n);
void xs_buf_str(struct xs_buf *b, const char *s);     /* s and its NUL */
void xs_buf_free(struct xs_buf *b);

char *xs_strdup(const char *s);
/* Parse a decimal number of at most max; 0 or -XEN_EINVAL. */
int xs_parse_uint(const char *s, uint64_t max, uint64_t *out);
void xs_log(struct xs *xs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- paths (path.c) ---- */
#define XS_PATH_BUF             (XENSTORE_ABS_PATH_MAX + 1)
/* Resolve path for domid (relative ones against /local/domain/<domid>) into
 * out[XS_PATH_BUF] and check it; 0 or -XEN_EINVAL. */
int xs_path_canonical(uint16_t domid, const char *path, char *out);
/* Whether path is base or below it. */
bool xs_path_within(const char *path, const char *base);
/* Watch paths: '@' names, or paths as xs_path_canonical() takes them. */
int xs_path_watch(uint16_t domid, const char *path, char *out, bool *relative);

/* ---- permissions (perms.c) ---- */
#define XS_PERM_OWNER           4
/* What domid may do with a node whose list is perms[n]: XS_PERM_* bits,
 * XS_PERM_OWNER included for the owner and dom0. */
unsigned int xs_perm_for(const struct xs_perm *perms, uint32_t n, uint16_t domid);
int xs_perm_parse(const char *s, struct xs_perm *out);
void xs_perm_format(const struct xs_perm *p, char out[8]);

/* ---- the node tree (store.c) ---- */
struct xs_node {
    struct xs_node *parent, *child, *next;  /* children in creation order */
    char *name;                             /* "" for the root */
    char *value;
    uint32_t vlen;
    struct xs_perm *perms;
    uint32_t nperms;
    uint64_t gen;           /* the store's gen when it or its child list changed */
    uint64_t pgen;          /* ... when it was made or its permissions changed */
};
struct xs_acct {
    uint16_t domid;
    uint32_t nodes;
};
int xs_store_init(struct xs_store *s);
void xs_store_free(struct xs_store *s);
int xs_store_clone(const struct xs_store *src, struct xs_store *dst);
struct xs_node *xs_store_lookup(const struct xs_store *s, const char *path);
/* The deepest existing node on path (at worst the root). */
struct xs_node *xs_store_nearest(const struct xs_store *s, const char *path);
/* How many nodes creating path would add (0 if it exists). */
uint32_t xs_store_missing(const struct xs_store *s, const char *path);
/* Create path and missing parents; new nodes copy their parent's
 * permissions, with owner as owner unless owner is 0. */
int xs_store_create(struct xs_store *s, const char *path, uint16_t owner,
                    struct xs_node **out);
int xs_store_set_value(struct xs_store *s, struct xs_node *n, const void *v, uint32_t len);
int xs_store_set_perms(struct xs_store *s, struct xs_node *n,
                       const struct xs_perm *perms, uint32_t count);
void xs_store_remove(struct xs_store *s, struct xs_node *n);
uint32_t xs_store_owned(const struct xs_store *s, uint16_t domid);
/* Whether any node in n's subtree changed after generation gen. */
bool xs_store_changed_since(const struct xs_node *n, uint64_t gen, bool subtree);

/* ---- connections ---- */
struct xs_msg {
    struct xs_msg *next;
    uint32_t len, off;      /* bytes in data; bytes already sent */
    bool event;
    char data[];            /* struct xsd_sockmsg then payload */
};
struct xs_watch {
    struct xs_watch *next;
    char *path;             /* absolute, or an '@' name */
    char *token;
    bool relative;          /* events drop "/local/domain/<id>/" */
};
struct xs_txn;
struct xs_conn {
    struct xs *xs;
    struct xs_conn *next;
    uint16_t domid;
    struct xenstore_domain_interface *iface;    /* NULL for dom0's local */
    uint64_t gfn;
    uint32_t remote_port, port;
    bool broken;            /* bad ring indexes: served no more until reconnect */
    /* Input: header, then payload; skip counts bytes of an oversized one. */
    struct xsd_sockmsg hdr;
    uint32_t have, skip;
    char in[XENSTORE_PAYLOAD_MAX + 1];
    struct xs_msg *out, *out_tail;
    uint32_t nout;
    struct xs_watch *watches;
    uint32_t nwatches;
    struct xs_txn *txns;
    uint32_t ntxns, next_txid;
};
struct xs_conn *xs_conn_new(struct xs *xs, uint16_t domid);
void xs_conn_free(struct xs_conn *c);
/* Drop watches, transactions, queued output and partial input. */
void xs_conn_reset(struct xs_conn *c);
/* Queue a message (header and payload); false if memory ran out. */
bool xs_conn_queue(struct xs_conn *c, uint32_t type, uint32_t req_id,
                   uint32_t tx_id, const void *payload, uint32_t len, bool event);

/* ---- rings (ring.c) ---- */
/* Move what fits between c's ring and its buffers, handling each complete
 * request; notify the port if an index moved. */
void xs_ring_serve(struct xs_conn *c);
/* Write queued output only. */
void xs_ring_flush(struct xs_conn *c);

/* ---- requests (proto.c, ops.c) ---- */
struct xs_req {
    struct xs *xs;
    struct xs_conn *conn;
    struct xs_txn *txn;     /* NULL outside a transaction */
    struct xs_store *store; /* the transaction's copy or the store */
    const char *arg[4];     /* the NUL-terminated strings */
    uint32_t nargs;
    const char *data;       /* WRITE: the value after the path */
    uint32_t dlen;
    uint32_t tx_id;
    struct xs_buf *reply;
    const struct xs_watch *initial;     /* WATCH: its first event, after the reply */
};
/* Handle one request; its reply (or XS_ERROR) goes to reply, its type is
 * returned; *initial is a new watch whose first event must follow the reply.
 * payload has hdr->len bytes and a NUL after them. */
uint32_t xs_proto_handle(struct xs_conn *c, const struct xsd_sockmsg *hdr,
                         const char *payload, struct xs_buf *reply,
                         const struct xs_watch **initial);
/* Handle it and queue the reply on c. */
void xs_proto_request(struct xs_conn *c, const struct xsd_sockmsg *hdr,
                      const char *payload);
const char *xs_proto_error_name(int err);
int xs_proto_error_code(const char *name);

int xs_op_read(struct xs_req *r);
int xs_op_write(struct xs_req *r);
int xs_op_mkdir(struct xs_req *r);
int xs_op_rm(struct xs_req *r);
int xs_op_directory(struct xs_req *r);
int xs_op_get_perms(struct xs_req *r);
int xs_op_set_perms(struct xs_req *r);
int xs_op_watch(struct xs_req *r);
int xs_op_unwatch(struct xs_req *r);
int xs_op_reset_watches(struct xs_req *r);
int xs_op_txn_start(struct xs_req *r);
int xs_op_txn_end(struct xs_req *r);
int xs_op_introduce(struct xs_req *r);
int xs_op_release(struct xs_req *r);
int xs_op_get_domain_path(struct xs_req *r);
int xs_op_is_introduced(struct xs_req *r);

/* ---- transactions (txn.c) ---- */
struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id);
int xs_txn_start(struct xs_conn *c, uint32_t *id);
/* Commit (0 or -XEN_EAGAIN) or abort; the transaction is gone either way. */
int xs_txn_end(struct xs_conn *c, struct xs_txn *t, bool commit);
void xs_txn_free_all(struct xs_conn *c);
struct xs_store *xs_txn_store(struct xs_txn *t);
/* Note that the request read (or will change) path, or path's subtree. */
int xs_txn_note_access(struct xs_txn *t, const char *path, bool subtree);
/* Note that the request made nodes below the existing node at the first
 * len bytes of path: it must still be there, with the same permissions. */
int xs_txn_note_parent(struct xs_txn *t, const char *path, size_t len);
/* Note a change to replay at commit, with its watch event. */
int xs_txn_note_change(struct xs_txn *t, const char *path, bool rm);

/* ---- watches (watch.c) ---- */
int xs_watch_add(struct xs_conn *c, const char *path, bool relative, const char *token);
int xs_watch_remove(struct xs_conn *c, const char *path, const char *token);
void xs_watch_free_all(struct xs_conn *c);
/* path changed (rm: its subtree went); perms decide who may see it. */
void xs_watch_fire(struct xs *xs, const char *path, const struct xs_perm *perms,
                   uint32_t nperms, bool rm);
/* Queue one event for w on c, path made relative when w is. */
void xs_watch_event(struct xs_conn *c, const struct xs_watch *w, const char *path);
void xs_watch_fire_special(struct xs *xs, const char *name);

/* ---- domains (domain.c) ---- */
struct xs_conn *xs_domain_conn(const struct xs *xs, uint16_t domid);
/* After every request: flush every ring that has output waiting. */
void xs_domain_flush_all(struct xs *xs);

#endif
