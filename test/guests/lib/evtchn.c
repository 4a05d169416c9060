/* SPDX-License-Identifier: MIT */
/*
 * Test guests: event channels, 2-level ABI, delivered through the HVM
 * callback vector. The hypervisor sets a port's pending bit, then its
 * word's bit in evtchn_pending_sel and evtchn_upcall_pending of the vCPU
 * the port notifies, and injects the vector. The handler clears
 * upcall_pending first, takes the selector word with an exchange, and for
 * each word named clears and handles the pending, unmasked ports bound to
 * this vCPU; it loops while upcall_pending is set again.
 */
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include "smp.h"
#include "test.h"
#include "traps.h"
#include "x86.h"
#include "xen.h"

struct port_handler {
    evtchn_handler_t fn;
    void *arg;
    unsigned int vcpu;
};

static struct port_handler port_handlers[EVTCHN_HANDLED_PORTS];
unsigned long evtchn_stray;
evtchn_port_t evtchn_stray_port;
unsigned int evtchn_stray_vcpu;

static void handle_port(evtchn_port_t port, unsigned int me)
{
    struct port_handler *h = port < EVTCHN_HANDLED_PORTS ? &port_handlers[port] : NULL;
    evtchn_handler_t fn = h ? __atomic_load_n(&h->fn, __ATOMIC_ACQUIRE) : NULL;

    if (!fn || h->vcpu != me) {
        evtchn_stray_port = port;
        evtchn_stray_vcpu = me;
        __atomic_add_fetch(&evtchn_stray, 1, __ATOMIC_RELAXED);
        return;
    }
    fn(port, h->arg);
}

/* Whether port is ours to handle on vCPU me: bound here, or unknown (so a
 * stray event is counted once, by vCPU 0, rather than left pending). */
static bool port_is_mine(evtchn_port_t port, unsigned int me)
{
    if (port < EVTCHN_HANDLED_PORTS && port_handlers[port].fn)
        return port_handlers[port].vcpu == me;
    return me == 0;
}

static void scan_word(unsigned int w, unsigned int me)
{
    xen_ulong_t bits = shared_info->evtchn_pending[w] & ~shared_info->evtchn_mask[w];

    while (bits) {
        unsigned int b = __builtin_ctzl(bits);
        evtchn_port_t port = w * 64 + b;

        bits &= bits - 1;
        if (!port_is_mine(port, me))
            continue;
        __atomic_and_fetch(&shared_info->evtchn_pending[w], ~(1UL << b),
                           __ATOMIC_ACQ_REL);
        handle_port(port, me);
    }
}

static void upcall(struct cpu_regs *regs)
{
    unsigned int me = smp_id();
    struct vcpu_info *vi = vcpu_info_of(me);

    while (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_ACQUIRE)) {
        xen_ulong_t sel;

        __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_RELEASE);
        sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_ACQ_REL);
        while (sel) {
            unsigned int w = __builtin_ctzl(sel);

            sel &= sel - 1;
            scan_word(w, me);
        }
    }
}

long events_init(uint8_t vector)
{
    struct xen_hvm_param p = {
        .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
        .value = ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR <<
                  HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT) | vector,
    };
    long rc = shared_info_map();

    if (rc)
        return rc;
    irq_set_handler(vector, upcall);
    return hypervisor_hvm_op(HVMOP_set_param, &p);
}

void evtchn_set_handler(evtchn_port_t port, unsigned int vcpu,
                        evtchn_handler_t fn, void *arg)
{
    struct port_handler *h;

    if (port >= EVTCHN_HANDLED_PORTS)
        return;
    h = &port_handlers[port];
    h->arg = arg;
    h->vcpu = vcpu;
    __atomic_store_n(&h->fn, fn, __ATOMIC_RELEASE);
    if (fn)
        evtchn_unmask(port);
}

bool evtchn_no_strays(void)
{
    if (!evtchn_stray)
        return true;
    test_fail("%lu stray event(s), the last on port %u (vCPU %u)",
              evtchn_stray, evtchn_stray_port, evtchn_stray_vcpu);
    return false;
}

void evtchn_mask(evtchn_port_t port)
{
    __atomic_or_fetch(&shared_info->evtchn_mask[port / 64], 1UL << (port % 64),
                      __ATOMIC_ACQ_REL);
}

long evtchn_alloc_unbound(domid_t remote_dom, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = remote_dom };
    long rc = hypervisor_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    *port = rc ? 0 : a.port;
    return rc;
}

long evtchn_bind_interdomain(domid_t remote_dom, evtchn_port_t remote_port,
                             evtchn_port_t *port)
{
    struct evtchn_bind_interdomain b = {
        .remote_dom = remote_dom, .remote_port = remote_port,
    };
    long rc = hypervisor_event_channel_op(EVTCHNOP_bind_interdomain, &b);

    *port = rc ? 0 : b.local_port;
    return rc;
}

long evtchn_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
    long rc = hypervisor_event_channel_op(EVTCHNOP_bind_virq, &b);

    *port = rc ? 0 : b.port;
    return rc;
}

long evtchn_bind_ipi(uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    long rc = hypervisor_event_channel_op(EVTCHNOP_bind_ipi, &b);

    *port = rc ? 0 : b.port;
    return rc;
}

long evtchn_send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    return hypervisor_event_channel_op(EVTCHNOP_send, &s);
}

long evtchn_close(evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };

    if (port < EVTCHN_HANDLED_PORTS)
        __atomic_store_n(&port_handlers[port].fn, NULL, __ATOMIC_RELEASE);
    return hypervisor_event_channel_op(EVTCHNOP_close, &c);
}

long evtchn_unmask(evtchn_port_t port)
{
    struct evtchn_unmask u = { .port = port };

    return hypervisor_event_channel_op(EVTCHNOP_unmask, &u);
}

long evtchn_status(domid_t dom, evtchn_port_t port, struct evtchn_status *st)
{
    *st = (struct evtchn_status){ .dom = dom, .port = port };
    return hypervisor_event_channel_op(EVTCHNOP_status, st);
}

bool evtchn_poll_clear(evtchn_port_t port, uint64_t deadline_ns)
{
    struct sched_poll p = { .ports = (uintptr_t)&port, .nr_ports = 1,
                            .timeout = deadline_ns };
    uint64_t bit = 1ull << (port % 64);
    bool was;

    hypervisor_sched_op(SCHEDOP_poll, &p);
    was = __atomic_fetch_and(&shared_info->evtchn_pending[port / 64], ~bit,
                             __ATOMIC_SEQ_CST) & bit;
    return was;
}

bool evtchn_wait_port(evtchn_port_t port, uint64_t deadline_ns)
{
    do {
        if (evtchn_poll_clear(port, deadline_ns))
            return true;
    } while (!deadline_ns || now_ns() < deadline_ns);
    return false;
}
