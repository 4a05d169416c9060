/* SPDX-License-Identifier: MIT */
/*
 * Event channels, Xen's 2-level ABI (public/event_channel.h), and how an
 * event reaches a vCPU (common/event_channel.c).
 *
 * Delivery: evtchn_set_pending() sets the port's bit in shared_info's
 * evtchn_pending; unless the port is masked it sets the selector bit in the
 * bound vCPU's vcpu_info and then vcpu_mark_events_pending(). That sets
 * evtchn_upcall_pending and, when it was clear, raises the vCPU's upcall:
 * the per-vCPU upcall vector through the virtual LAPIC if the guest set one
 * (HVMOP_set_evtchn_upcall_vector), else the domain's callback vector
 * (HVM_PARAM_CALLBACK_IRQ, vector type), which hvm_intr_assist() injects
 * directly while evtchn_upcall_pending stays set. Either way the vCPU is
 * kicked (vcpu_kick), so a blocked one wakes.
 */
#ifndef PETREL_EVENT_H
#define PETREL_EVENT_H

#include <petrel/types.h>

struct domain;
struct vcpu;

/*
 * Set up / tear down a domain's event channels (domain_create, after the
 * vCPUs exist: 0 or -ENOMEM; domain_destroy). Destroy closes every port
 * (interdomain peers become unbound, waiting for d) and frees the table.
 * Call it once nothing can raise an event on d any more (d's vCPUs do not
 * run and their timers are stopped) and before shared_info is freed.
 */
int evtchn_domain_init(struct domain *d);
void evtchn_domain_destroy(struct domain *d);

/* Raise VIRQ 'virq' (VIRQ_*, public/xen.h) on v, if the guest bound it.
 * Any context, interrupts on or off. */
void evtchn_send_virq(struct vcpu *v, unsigned int virq);
/* A global VIRQ (VIRQ_CONSOLE, ...) of domain d: delivered to the vCPU it
 * is bound on. */
void evtchn_send_domain_virq(struct domain *d, unsigned int virq);

/*
 * Physical IRQs (drivers/msi.c, which holds its pirq lock around each):
 * send_pirq raises port of d if it is still bound to pirq (any context);
 * bind_pirq_port binds a fresh port of d to pirq unless old_port (0: none)
 * still is: the port, or -EEXIST, -ENOSPC; unbind_pirq leaves port of d
 * bound to no pirq (pirq 0) if it was bound to pirq, for the guest to close.
 */
void evtchn_send_pirq(struct domain *d, uint32_t port, uint32_t pirq);
int evtchn_bind_pirq_port(struct domain *d, uint32_t pirq, uint32_t old_port);
void evtchn_unbind_pirq(struct domain *d, uint32_t port, uint32_t pirq);

/* Set evtchn_upcall_pending and raise v's upcall (see above). */
void vcpu_mark_events_pending(struct vcpu *v);

/* The 'q' debug key: d's bound ports, at most max lines. */
void evtchn_show(struct domain *d, unsigned int max);

/* Does v have an event for the guest to see (evtchn_upcall_pending)? */
bool vcpu_events_pending(struct vcpu *v);

/* SCHEDOP_poll for v, arg the guest address of a struct sched_poll
 * (common/sched_poll.c): 0 (at once if a listed port is pending; else v
 * blocks until one is or the timeout passes), -EFAULT, -EINVAL. */
long evtchn_sched_poll(struct vcpu *v, uint64_t arg);

#endif
