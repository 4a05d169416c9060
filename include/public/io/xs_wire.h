/* SPDX-License-Identifier: MIT */
/*
 * The xenstore wire protocol, between a guest (or a tool) and xenstored.
 *
 * A message is a struct xsd_sockmsg header followed by len bytes of
 * payload, len <= XENSTORE_PAYLOAD_MAX. Payloads are NUL-separated strings
 * (a path, a value, a token...); a value written with XS_WRITE is the bytes
 * after the path's NUL, not NUL-terminated. Every request gets one reply
 * with the same type, req_id and tx_id, or an XS_ERROR reply whose payload is
 * an error name from XSD_ERROR_NAMES plus a NUL. The daemon may also send
 * XS_WATCH_EVENT messages at any time (payload: path NUL token NUL).
 *
 * A guest reaches xenstored through struct xenstore_domain_interface in the
 * page named by HVM_PARAM_STORE_PFN, notified on HVM_PARAM_STORE_EVTCHN
 * (hvm/params.h). Paths not starting with '/' are relative to
 * /local/domain/<domid>/.
 */
#ifndef PUBLIC_IO_XS_WIRE_H
#define PUBLIC_IO_XS_WIRE_H

#include <stdint.h>
#include "../xen.h"

/* Message types (struct xsd_sockmsg.type). */
#define XS_CONTROL              0   /* daemon control (was XS_DEBUG) */
#define XS_DEBUG                XS_CONTROL
#define XS_DIRECTORY            1   /* path -> child names, each NUL-ended */
#define XS_READ                 2   /* path -> value */
#define XS_GET_PERMS            3   /* path -> permission strings */
#define XS_WATCH                4   /* path, token -> "OK" */
#define XS_UNWATCH              5   /* path, token -> "OK" */
#define XS_TRANSACTION_START    6   /* "" -> transaction id, in decimal */
#define XS_TRANSACTION_END      7   /* "T" commit or "F" abort -> "OK" (or EAGAIN) */
#define XS_INTRODUCE            8   /* domid, gfn, port: connect a domain (privileged) */
#define XS_RELEASE              9   /* domid: forget a domain (privileged) */
#define XS_GET_DOMAIN_PATH      10  /* domid -> "/local/domain/<domid>" */
#define XS_WRITE                11  /* path, value -> "OK" */
#define XS_MKDIR                12  /* path -> "OK" */
#define XS_RM                   13  /* path -> "OK" (removes the subtree) */
#define XS_SET_PERMS            14  /* path, permission strings -> "OK" */
#define XS_WATCH_EVENT          15  /* daemon to client: path, token */
#define XS_ERROR                16  /* daemon to client: error name */
#define XS_IS_DOMAIN_INTRODUCED 17  /* domid -> "T" or "F" (privileged) */
#define XS_RESUME               18  /* domid (privileged) */
#define XS_SET_TARGET           19  /* domid, target domid (privileged) */
/*      20 retired (XS_RESTRICT) */
#define XS_RESET_WATCHES        21  /* drop all this connection's watches */
#define XS_DIRECTORY_PART       22  /* path, offset -> generation, partial list */
#define XS_GET_FEATURE          23  /* newer daemons only */
#define XS_SET_FEATURE          24
#define XS_GET_QUOTA            25
#define XS_SET_QUOTA            26
#define XS_INVALID              0xffff  /* never a valid type */

/* The strings in an XS_WATCH_EVENT payload, by index. */
#define XS_WATCH_PATH           0
#define XS_WATCH_TOKEN          1

/* Permission strings: a letter then a domid, e.g. "b0". The first entry
 * names the owner and the default for other domains. */
#define XS_PERM_NONE_CHAR       'n'
#define XS_PERM_READ_CHAR       'r'
#define XS_PERM_WRITE_CHAR      'w'
#define XS_PERM_BOTH_CHAR       'b'

/*
 * Error names a daemon may send in XS_ERROR (the errno's symbolic name, as
 * text). XSD_ERROR_NAMES(X) calls X(name) for each, so a user can build its
 * own table, e.g. X(EINVAL) -> { XEN_EINVAL, "EINVAL" } with errno.h.
 */
#define XSD_ERROR_NAMES(X) \
    X(EINVAL) X(EACCES) X(EEXIST) X(EISDIR) X(ENOENT) X(ENOMEM) X(ENOSPC) \
    X(EIO) X(ENOTEMPTY) X(ENOSYS) X(EROFS) X(EBUSY) X(EAGAIN) X(EISCONN) \
    X(E2BIG)

struct xsd_sockmsg {
    uint32_t type;              /* XS_* */
    uint32_t req_id;            /* chosen by the client, echoed in the reply */
    uint32_t tx_id;             /* transaction id, 0 for none */
    uint32_t len;               /* payload bytes that follow */
};
PETREL_ABI_SIZE(struct xsd_sockmsg, 16);

#define XENSTORE_PAYLOAD_MAX    4096    /* larger messages break the connection */
#define XENSTORE_ABS_PATH_MAX   3072    /* longer paths get EINVAL */
#define XENSTORE_REL_PATH_MAX   2048

/*
 * The shared ring page. req carries client-to-daemon bytes, rsp the replies
 * and watch events; each is a byte ring of XENSTORE_RING_SIZE. Indexes run
 * freely (wrapping at 2^32) and are reduced with MASK_XENSTORE_IDX; the
 * producer writes data, issues a write barrier, then advances *_prod and
 * notifies the event channel; the consumer reads *_prod, a read barrier, the
 * data, a full barrier, then advances *_cons and notifies.
 */
#define XENSTORE_RING_SIZE      1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx)  ((idx) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];   /* guest writes, daemon reads */
    char rsp[XENSTORE_RING_SIZE];   /* daemon writes, guest reads */
    XENSTORE_RING_IDX req_cons;     /* daemon */
    XENSTORE_RING_IDX req_prod;     /* guest */
    XENSTORE_RING_IDX rsp_cons;     /* guest */
    XENSTORE_RING_IDX rsp_prod;     /* daemon */
    uint32_t server_features;       /* daemon: XENSTORE_SERVER_FEATURE_* */
    uint32_t connection;            /* XENSTORE_CONNECTED or _RECONNECT */
    uint32_t error;                 /* daemon: XENSTORE_ERROR_* */
};
PETREL_ABI_SIZE(struct xenstore_domain_interface, 2076);
PETREL_ABI_OFFSET(struct xenstore_domain_interface, req_cons, 2048);
PETREL_ABI_OFFSET(struct xenstore_domain_interface, server_features, 2064);
PETREL_ABI_OFFSET(struct xenstore_domain_interface, connection, 2068);
PETREL_ABI_OFFSET(struct xenstore_domain_interface, error, 2072);

#define XENSTORE_SERVER_FEATURE_RECONNECTION    1   /* connection field honoured */
#define XENSTORE_SERVER_FEATURE_ERROR           2   /* error field present */

/* connection: a guest sets RECONNECT to reset the ring; the daemon clears
 * the ring and sets CONNECTED. Linux waits for an event while it is not 0. */
#define XENSTORE_CONNECTED      0
#define XENSTORE_RECONNECT      1

#define XENSTORE_ERROR_NONE     0
#define XENSTORE_ERROR_COMM     1   /* communication problem */
#define XENSTORE_ERROR_RINGIDX  2   /* indexes out of range */
#define XENSTORE_ERROR_PROTO    3   /* protocol violation (e.g. payload too long) */

#endif
