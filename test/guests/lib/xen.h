/* SPDX-License-Identifier: MIT */
/*
 * Test guests: the Xen guest ABI beyond plain hypercalls. shared_info and
 * pvclock, event channels delivered through the HVM callback vector,
 * VIRQ_TIMER and the PV timers, runstate and blocking. See
 * docs/test-guests.md, "Events, time and vCPUs".
 */
#ifndef GUEST_XEN_H
#define GUEST_XEN_H

#include <stdbool.h>
#include <stdint.h>
#include <public/xen.h>
#include <public/event_channel.h>
#include <public/vcpu.h>
#include "hypercall.h"

/* ---- shared_info and time ------------------------------------------------ */

/* The shared info page once shared_info_map() succeeded, else NULL. */
extern struct shared_info *shared_info;

/* Map shared_info (XENMEM_add_to_physmap, XENMAPSPACE_shared_info) at a
 * page of the guest image set aside for it. 0 or the hypercall's error;
 * later calls return 0 at once. */
long shared_info_map(void);

/* vcpu_info of vCPU n in shared_info (n < XEN_LEGACY_MAX_VCPUS). */
struct vcpu_info *vcpu_info_of(unsigned int vcpu);

/* System time in ns from a vcpu_time_info (the version protocol of xen.h).
 * The TSC is read inside the protocol's retry loop. */
uint64_t pvclock_read(const volatile struct vcpu_time_info *t);
/* This vCPU's system time, ns (shared_info must be mapped). */
uint64_t now_ns(void);
/* The guest TSC frequency in Hz, from this vCPU's tsc_to_system_mul/shift. */
uint64_t pvclock_tsc_hz(void);
/* Spin (interrupts as they are) until system time reaches t. */
void spin_until(uint64_t t_ns);

/* ---- event channels --------------------------------------------------------- */

/* The vector events_init() uses unless told otherwise. */
#define EVENT_VECTOR_DEFAULT    0xf3

typedef void (*evtchn_handler_t)(evtchn_port_t port, void *arg);

/*
 * Map shared_info and have events delivered on vector through the
 * domain-wide callback (HVM_PARAM_CALLBACK_IRQ = (2 << 56) | vector; no
 * LAPIC EOI). The vector's handler runs the 2-level scan on the vCPU that
 * takes it, for the ports bound to that vCPU, and calls their handlers with
 * interrupts off. Interrupts stay as they are (enable them with sti()).
 * 0 or an error code.
 */
long events_init(uint8_t vector);

/* Handle port on vCPU vcpu (the vCPU the port notifies) with fn(port, arg),
 * then unmask it. Ports beyond EVTCHN_HANDLED_PORTS cannot have one. */
#define EVTCHN_HANDLED_PORTS    256
void evtchn_set_handler(evtchn_port_t port, unsigned int vcpu,
                        evtchn_handler_t fn, void *arg);
/* Events that arrived on a port without a handler, or for another vCPU. */
extern unsigned long evtchn_stray;
/* CHECK that there were none; a failure names the last such port. */
bool evtchn_no_strays(void);

/* EVTCHNOP_* wrappers: 0 or a negative errno, the new port in *port. */
long evtchn_alloc_unbound(domid_t remote_dom, evtchn_port_t *port);
long evtchn_bind_interdomain(domid_t remote_dom, evtchn_port_t remote_port,
                             evtchn_port_t *port);
long evtchn_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port);
long evtchn_bind_ipi(uint32_t vcpu, evtchn_port_t *port);
long evtchn_send(evtchn_port_t port);
long evtchn_close(evtchn_port_t port);
long evtchn_unmask(evtchn_port_t port);
long evtchn_status(domid_t dom, evtchn_port_t port, struct evtchn_status *st);
/* Set port's mask bit in shared_info (no hypercall). */
void evtchn_mask(evtchn_port_t port);
/* Wait in SCHEDOP_poll until port is pending (masked or not) or system
 * time reaches deadline_ns (0: no deadline), then clear its pending bit;
 * true if it was pending. Check the condition waited for after it: an
 * event that came before the call ends the poll at once. */
bool evtchn_poll_clear(evtchn_port_t port, uint64_t deadline_ns);
/* Wait until port is pending (then clear it: true) or system time reaches
 * deadline_ns (false). SCHEDOP_poll also returns when any other event is
 * delivered to the vCPU (an unmasked port's upcall: Xen's semantics, and
 * Petrel's), so one call to evtchn_poll_clear() is not a wait for port:
 * this polls again after each such wake-up (deadline 0: none). */
bool evtchn_wait_port(evtchn_port_t port, uint64_t deadline_ns);

/* ---- timers, runstate, blocking ---------------------------------------------- */

/* Bind VIRQ_TIMER on vcpu to fn(port, arg) and stop the vCPU's default
 * periodic timer (Xen gives each vCPU a 10 ms one), so the VIRQ fires only
 * for timers the test sets; 0 or an error. The port goes to *port when
 * port is not NULL. */
long timer_bind(unsigned int vcpu, evtchn_handler_t fn, void *arg,
                evtchn_port_t *port);
long timer_set_singleshot(unsigned int vcpu, uint64_t deadline_ns, uint32_t flags);
long timer_stop_singleshot(unsigned int vcpu);
long timer_set_periodic(unsigned int vcpu, uint64_t period_ns);
long timer_stop_periodic(unsigned int vcpu);

/* VCPUOP_get_runstate_info of vcpu into *rs; 0 or an error. */
long runstate_get(unsigned int vcpu, struct vcpu_runstate_info *rs);

/* SCHEDOP_block with interrupts enabled and no window: STI directly before
 * the hypercall instruction (its interrupt shadow covers it), so an event
 * raised after the caller's last check wakes the vCPU. Returns with
 * interrupts enabled, after any pending event's handler ran. */
long sched_block(void);
long sched_yield(void);

/* Spin with interrupts enabled until *flag is non-zero or system time
 * reaches deadline; true if the flag was set. (Spinning, not halting:
 * nothing else would wake a halted vCPU at the deadline.) Interrupts are
 * enabled on return. */
bool wait_flag(volatile uint32_t *flag, uint64_t deadline_ns);

/* This vCPU's id from CPUID base+4 EBX when the hypervisor gives it
 * (XEN_HVM_CPUID_VCPU_ID_PRESENT), else -1. */
int cpuid_vcpu_id(void);

#endif
