// SPDX-License-Identifier: MIT
/*
 * SCHEDOP_poll: a vCPU waits for one of a few event-channel ports to become
 * pending, or for a timeout, whether or not the ports are masked (Linux's
 * paravirtual spinlocks poll a masked port).
 *
 * No wake-up is lost: the poller announces itself (v->polling, its bit in
 * poll_mask) before it looks at the pending bits, and a sender sets the
 * pending bit before it looks for pollers; both sides use sequentially
 * consistent atomics, so at least one of them sees the other. An event that
 * arrives between the look and vcpu_block() finds the vCPU still running;
 * the second look after vcpu_block() catches it (a pending port, or the
 * poll already ended by someone whose kick came too early) and kicks the
 * vCPU awake.
 *
 * Whoever ends the poll (an event, the timeout, the poller finding a port
 * pending) takes v->polling from true to false with one exchange; only
 * that one clears the poll_mask bit and kicks.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/event.h>
#include <petrel/timer.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <x86/hvm/hvm.h>
#include <x86/time.h>
#include "evtchn_private.h"

/* End v's poll if it is still on: true if this call ended it. */
static bool poll_end(struct vcpu *v)
{
    if (!__atomic_exchange_n(&v->polling, false, __ATOMIC_SEQ_CST))
        return false;
    __atomic_fetch_and(&v->domain->evtchn->poll_mask, ~(1ull << v->id), __ATOMIC_SEQ_CST);
    timer_stop(&v->poll_timer);
    return true;
}

void evtchn_poll_wake(struct domain *d, uint32_t port)
{
    uint64_t mask = __atomic_load_n(&d->evtchn->poll_mask, __ATOMIC_SEQ_CST);

    for (unsigned int i = 0; mask && i < d->nr_vcpus; i++, mask >>= 1) {
        struct vcpu *v = d->vcpus[i];
        uint32_t want = __atomic_load_n(&v->poll_port, __ATOMIC_RELAXED);

        if ((mask & 1) && (want == port || want == ~0u) && poll_end(v))
            vcpu_kick(v);
    }
}

void evtchn_poll_timeout(struct timer *t)
{
    struct vcpu *v = t->data;

    if (poll_end(v))
        vcpu_kick(v);
}

static bool any_pending(struct domain *d, const uint32_t *ports, unsigned int nr)
{
    for (unsigned int i = 0; i < nr; i++)
        if (evtchn_port_pending(d, ports[i]))
            return true;
    return false;
}

long evtchn_sched_poll(struct vcpu *v, uint64_t arg)
{
    uint32_t ports[SCHED_POLL_MAX_PORTS];
    struct domain *d = v->domain;
    struct sched_poll sp;

    if (!d->evtchn)
        return -ENOSYS;
    if (copy_from_guest(v, &sp, arg, sizeof(sp)))
        return -EFAULT;
    if (sp.nr_ports > SCHED_POLL_MAX_PORTS)
        return -EINVAL;
    if (copy_from_guest(v, ports, sp.ports, sp.nr_ports * sizeof(ports[0])))
        return -EFAULT;
    for (unsigned int i = 0; i < sp.nr_ports; i++)
        if (ports[i] >= EVTCHN_MAX_PORTS)
            return -EINVAL;

    __atomic_store_n(&v->poll_port, sp.nr_ports == 1 ? ports[0] : ~0u, __ATOMIC_RELAXED);
    v->poll_deadline = sp.timeout;
    __atomic_store_n(&v->polling, true, __ATOMIC_SEQ_CST);
    __atomic_fetch_or(&d->evtchn->poll_mask, 1ull << v->id, __ATOMIC_SEQ_CST);
    if (any_pending(d, ports, sp.nr_ports) ||
        (sp.timeout && sp.timeout <= system_time_ns())) {
        poll_end(v);
        return 0;
    }
    if (sp.timeout)
        timer_set(&v->poll_timer, system_time_to_tsc(sp.timeout));
    /* Only the listed ports and the timeout end a poll (and any new event,
     * as in Xen): an upcall left pending from before does not. */
    vcpu_block_poll(v);
    /* An event or the timeout may have ended the poll, and kicked, before
     * the block: then the kick is ours to repeat. */
    if (!__atomic_load_n(&v->polling, __ATOMIC_SEQ_CST) ||
        any_pending(d, ports, sp.nr_ports)) {
        poll_end(v);
        vcpu_kick(v);
    }
    return 0;
}
