/* SPDX-License-Identifier: MIT */
/*
 * event_channel_op(cmd, arg): event channels, the guest's interrupts.
 *
 * A port is a per-domain number for one end of a channel. The other end is
 * another domain's port (interdomain), a virtual interrupt (VIRQ_*, xen.h),
 * a physical IRQ (pirq), or the same domain's IPI. Sending on a port marks
 * the other end pending and notifies the vCPU it is bound to. Pending and
 * mask bits live in shared_info (2-level ABI, xen.h) unless the guest
 * switches to the FIFO ABI with EVTCHNOP_init_control, which Petrel does not
 * offer (-ENOSYS; Linux then stays on the 2-level ABI).
 *
 * Every argument struct is IN/OUT memory at the guest virtual address arg.
 */
#ifndef PUBLIC_EVENT_CHANNEL_H
#define PUBLIC_EVENT_CHANNEL_H

#include <stdint.h>
#include "xen.h"

#define EVTCHNOP_bind_interdomain   0   /* struct evtchn_bind_interdomain */
#define EVTCHNOP_bind_virq          1   /* struct evtchn_bind_virq */
#define EVTCHNOP_bind_pirq          2   /* struct evtchn_bind_pirq */
#define EVTCHNOP_close              3   /* struct evtchn_close */
#define EVTCHNOP_send               4   /* struct evtchn_send */
#define EVTCHNOP_status             5   /* struct evtchn_status */
#define EVTCHNOP_alloc_unbound      6   /* struct evtchn_alloc_unbound */
#define EVTCHNOP_bind_ipi           7   /* struct evtchn_bind_ipi */
#define EVTCHNOP_bind_vcpu          8   /* struct evtchn_bind_vcpu */
#define EVTCHNOP_unmask             9   /* struct evtchn_unmask */
#define EVTCHNOP_reset              10  /* struct evtchn_reset */
#define EVTCHNOP_init_control       11  /* struct evtchn_init_control (FIFO) */
#define EVTCHNOP_expand_array       12  /* struct evtchn_expand_array (FIFO) */
#define EVTCHNOP_set_priority       13  /* struct evtchn_set_priority (FIFO) */

typedef uint32_t evtchn_port_t;

/* 2-level ABI: one bit per port in a 64-word bitmap of 64-bit words. */
#define EVTCHN_2L_NR_CHANNELS   (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/*
 * alloc_unbound: allocate a fresh port in dom that remote_dom may later
 * connect to with bind_interdomain. Only a privileged caller may name a dom
 * other than DOMID_SELF; remote_dom may be DOMID_SELF (loopback).
 */
struct evtchn_alloc_unbound {
    domid_t dom;                /* IN */
    domid_t remote_dom;         /* IN */
    evtchn_port_t port;         /* OUT: the new port, in dom */
};
PETREL_ABI_SIZE(struct evtchn_alloc_unbound, 8);

/*
 * bind_interdomain: connect a fresh local port to <remote_dom, remote_port>,
 * which must be unbound and offered to the caller.
 */
struct evtchn_bind_interdomain {
    domid_t remote_dom;         /* IN (DOMID_SELF allowed) */
    uint16_t pad;
    evtchn_port_t remote_port;  /* IN */
    evtchn_port_t local_port;   /* OUT */
};
PETREL_ABI_SIZE(struct evtchn_bind_interdomain, 12);
PETREL_ABI_OFFSET(struct evtchn_bind_interdomain, remote_port, 4);

/*
 * bind_virq: bind a fresh port to VIRQ virq on vCPU vcpu. A per-vCPU VIRQ
 * binds once per vCPU, for good; a global one binds on vCPU 0 only.
 * Binding a VIRQ twice fails with -EEXIST.
 */
struct evtchn_bind_virq {
    uint32_t virq;              /* IN: VIRQ_* */
    uint32_t vcpu;              /* IN */
    evtchn_port_t port;         /* OUT */
};
PETREL_ABI_SIZE(struct evtchn_bind_virq, 12);

/* bind_pirq: bind a fresh port to physical IRQ pirq (privileged). */
struct evtchn_bind_pirq {
    uint32_t pirq;              /* IN */
    uint32_t flags;             /* IN: BIND_PIRQ__* */
    evtchn_port_t port;         /* OUT */
};
PETREL_ABI_SIZE(struct evtchn_bind_pirq, 12);
#define BIND_PIRQ__WILL_SHARE   1

/* bind_ipi: a fresh port that notifies vcpu when this domain sends on it. */
struct evtchn_bind_ipi {
    uint32_t vcpu;              /* IN */
    evtchn_port_t port;         /* OUT */
};
PETREL_ABI_SIZE(struct evtchn_bind_ipi, 8);

/* close: free port; an interdomain peer goes back to unbound. */
struct evtchn_close {
    evtchn_port_t port;         /* IN */
};
PETREL_ABI_SIZE(struct evtchn_close, 4);

/* send: notify the other end of port. */
struct evtchn_send {
    evtchn_port_t port;         /* IN */
};
PETREL_ABI_SIZE(struct evtchn_send, 4);

/*
 * status: what <dom, port> is bound to. Only a privileged caller may ask
 * about a dom other than DOMID_SELF.
 */
struct evtchn_status {
    domid_t dom;                /* IN */
    uint16_t pad;
    evtchn_port_t port;         /* IN */
    uint32_t status;            /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;              /* OUT: the vCPU it notifies */
    union {
        struct {
            domid_t dom;        /* OUT: who may connect */
            uint16_t pad;
        } unbound;              /* EVTCHNSTAT_unbound */
        struct {
            domid_t dom;        /* OUT: peer domain */
            uint16_t pad;
            evtchn_port_t port; /* OUT: peer port */
        } interdomain;          /* EVTCHNSTAT_interdomain */
        uint32_t pirq;          /* OUT: EVTCHNSTAT_pirq */
        uint32_t virq;          /* OUT: EVTCHNSTAT_virq */
    } u;
};
PETREL_ABI_SIZE(struct evtchn_status, 24);
PETREL_ABI_OFFSET(struct evtchn_status, status, 8);
PETREL_ABI_OFFSET(struct evtchn_status, u, 16);
PETREL_ABI_OFFSET(struct evtchn_status, u.interdomain.port, 20);

#define EVTCHNSTAT_closed       0   /* free */
#define EVTCHNSTAT_unbound      1   /* waiting for bind_interdomain */
#define EVTCHNSTAT_interdomain  2   /* connected to another domain's port */
#define EVTCHNSTAT_pirq         3   /* bound to a physical IRQ */
#define EVTCHNSTAT_virq         4   /* bound to a VIRQ */
#define EVTCHNSTAT_ipi          5   /* bound as an IPI */

/*
 * bind_vcpu: make port notify vcpu. Not for IPI ports or per-vCPU VIRQs,
 * whose vCPU is fixed; other ports start on vCPU 0.
 */
struct evtchn_bind_vcpu {
    evtchn_port_t port;         /* IN */
    uint32_t vcpu;              /* IN */
};
PETREL_ABI_SIZE(struct evtchn_bind_vcpu, 8);

/* unmask: clear port's mask bit; if it is pending, notify as on a send. */
struct evtchn_unmask {
    evtchn_port_t port;         /* IN */
};
PETREL_ABI_SIZE(struct evtchn_unmask, 4);

/* reset: close every port of dom (DOMID_SELF, or any if privileged). */
struct evtchn_reset {
    domid_t dom;                /* IN */
};
PETREL_ABI_SIZE(struct evtchn_reset, 2);

/* FIFO ABI (not offered by Petrel; layouts for completeness). */
struct evtchn_init_control {
    uint64_t control_gfn;       /* IN: page holding the control block */
    uint32_t offset;            /* IN: its offset in the page */
    uint32_t vcpu;              /* IN */
    uint8_t  link_bits;         /* OUT */
    uint8_t  pad[7];
};
PETREL_ABI_SIZE(struct evtchn_init_control, 24);

struct evtchn_expand_array {
    uint64_t array_gfn;         /* IN: one more page of event words */
};
PETREL_ABI_SIZE(struct evtchn_expand_array, 8);

struct evtchn_set_priority {
    evtchn_port_t port;         /* IN */
    uint32_t priority;          /* IN: 0 (highest) .. 15 */
};
PETREL_ABI_SIZE(struct evtchn_set_priority, 8);

#endif
