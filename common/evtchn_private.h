/* SPDX-License-Identifier: MIT */
/*
 * Event channels inside common/: the port table shared by event_channel.c
 * (table, delivery), evtchn_op.c (EVTCHNOP_*) and sched_poll.c
 * (SCHEDOP_poll). The lock order is event_channel.c's top comment.
 */
#ifndef COMMON_EVTCHN_PRIVATE_H
#define COMMON_EVTCHN_PRIVATE_H

#include <petrel/spinlock.h>
#include <petrel/types.h>

struct domain;
struct timer;

/*
 * Ports per domain. The 2-level ABI allows 4096 on 64-bit; Xen gives a
 * guest 1023 by default, and so does Petrel (ports 1..1023), keeping the
 * table at 24 KiB per domain.
 */
#define EVTCHN_MAX_PORTS    1024

/* Most ports SCHEDOP_poll takes in one call, as Xen. */
#define SCHED_POLL_MAX_PORTS    128

struct evtchn {
    uint8_t state;              /* EVTCHNSTAT_* (closed: free) */
    uint16_t remote_domid;      /* unbound: the domain that may bind it */
    uint32_t notify_vcpu;       /* the vCPU told; atomic reads (see top) */
    uint32_t virq;              /* virq: which VIRQ_* */
    uint32_t pirq;              /* pirq: which pirq (0: unmapped since) */
    uint32_t remote_port;       /* interdomain: the peer's port */
    struct domain *remote;      /* interdomain: the peer (maybe itself) */
};

struct evtchn_domain {
    spinlock_t lock;            /* ports[], the vCPUs' virq_to_port */
    uint64_t poll_mask;         /* vCPUs in SCHEDOP_poll (bit: vCPU id); atomic */
    struct evtchn ports[EVTCHN_MAX_PORTS];
};

extern spinlock_t evtchn_bind_lock;

/* Port 'port' of d, or NULL when out of range (port 0 included). */
struct evtchn *evtchn_port(struct domain *d, uint32_t port);
/* A free port of d, cleared (state closed until the caller sets it), or
 * -ENOSPC. Caller holds d's lock. */
int evtchn_port_alloc(struct domain *d);
/* Take / drop the locks of a and b (b may be NULL or a) in id order. */
unsigned long evtchn_lock_pair(struct domain *a, struct domain *b);
void evtchn_unlock_pair(struct domain *a, struct domain *b, unsigned long flags);
/* EVTCHNOP_close on d: 0, or -EINVAL for a bad or free port. Takes the
 * bind lock and the domains' locks itself. */
int evtchn_close_port(struct domain *d, uint32_t port);
/* Close every port of d (EVTCHNOP_reset, domain destruction). */
void evtchn_reset_domain(struct domain *d);
/* Mark port of d pending and tell its vCPU (event.h). Caller holds d's
 * lock, or for the far end of an interdomain send the sender's lock. */
void evtchn_set_pending(struct domain *d, uint32_t port);
/* EVTCHNOP_unmask: 0, or -EINVAL for a port out of range. */
int evtchn_unmask(struct domain *d, uint32_t port);
/* Is port's pending bit set (false for ports out of range)? */
bool evtchn_port_pending(struct domain *d, uint32_t port);
bool evtchn_virq_is_global(unsigned int virq);

/* sched_poll.c: wake the vCPUs of d polling port (any context, d's lock or
 * none); the poll timer's callback. */
void evtchn_poll_wake(struct domain *d, uint32_t port);
void evtchn_poll_timeout(struct timer *t);

#endif
