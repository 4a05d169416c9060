// SPDX-License-Identifier: MIT
/*
 * Event channels, Xen's 2-level ABI: the per-domain port table, binding and
 * closing, and delivery into shared_info / vcpu_info (include/petrel/event.h).
 * The hypercall entry, EVTCHNOP_*, is common/evtchn_op.c.
 *
 * Ports run from 1 to EVTCHN_MAX_PORTS - 1 (port 0 is never handed out);
 * the table is allocated whole at domain creation.
 *
 * Locking, outermost first:
 *  1. evtchn_bind_lock (global): held by every change to or from the
 *     interdomain state (bind_interdomain, close, reset, domain destroy).
 *     So while it is held an interdomain port's peer stays put, and a
 *     domain's ports cannot be torn down under a peer that names it.
 *  2. the domains' evtchn_domain.lock (interrupts off: VIRQs are raised from
 *     timer interrupts): guards the port table and the vCPUs'
 *     virq_to_port. Two are taken in the order of domain id.
 *  3. whatever delivery calls: vlapic_set_irq(), vcpu_kick(), timer_stop()
 *     (the scheduler's, the vLAPIC's and the timer queue's locks). None of
 *     them calls back in here.
 * A send on an interdomain port takes only the sender's lock: the peer
 * cannot unbind (and so cannot be destroyed) without that lock, and the
 * peer port's notify vCPU is read atomically.
 *
 * The shared pages are the guest's too: every bit changes with an atomic
 * read-modify-write, never a plain store.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/event.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/printk.h>
#include <petrel/timer.h>
#include <public/event_channel.h>
#include <x86/hvm/vlapic.h>
#include "evtchn_private.h"

spinlock_t evtchn_bind_lock = SPINLOCK_INIT;

/* ---- bits in the shared pages ------------------------------------------ */

#define WORD_BITS   64u

static bool test_and_set(xen_ulong_t *words, unsigned int bit)
{
    xen_ulong_t m = 1ull << (bit % WORD_BITS);

    return __atomic_fetch_or(&words[bit / WORD_BITS], m, __ATOMIC_SEQ_CST) & m;
}

static bool test_and_clear(xen_ulong_t *words, unsigned int bit)
{
    xen_ulong_t m = 1ull << (bit % WORD_BITS);

    return __atomic_fetch_and(&words[bit / WORD_BITS], ~m, __ATOMIC_SEQ_CST) & m;
}

static bool test(const xen_ulong_t *words, unsigned int bit)
{
    return (__atomic_load_n(&words[bit / WORD_BITS], __ATOMIC_SEQ_CST) >>
            (bit % WORD_BITS)) & 1;
}

/* ---- delivery ------------------------------------------------------------ */

void vcpu_mark_events_pending(struct vcpu *v)
{
    struct vcpu_info *vi = __atomic_load_n(&v->vcpu_info, __ATOMIC_ACQUIRE);
    uint8_t vector = __atomic_load_n(&v->upcall_vector, __ATOMIC_RELAXED);

    if (!vi)
        return;
    if (!__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST) && vector)
        vlapic_set_irq(v, vector, false);
    vcpu_kick(v);
}

bool vcpu_events_pending(struct vcpu *v)
{
    struct vcpu_info *vi = __atomic_load_n(&v->vcpu_info, __ATOMIC_ACQUIRE);

    return vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST);
}

static struct vcpu *notify_vcpu(struct domain *d, const struct evtchn *chn)
{
    uint32_t id = __atomic_load_n(&chn->notify_vcpu, __ATOMIC_RELAXED);

    return id < d->nr_vcpus ? d->vcpus[id] : NULL;
}

/* Selector bit and upcall for a pending, unmasked port. */
static void raise_port(struct vcpu *v, uint32_t port)
{
    struct vcpu_info *vi = __atomic_load_n(&v->vcpu_info, __ATOMIC_ACQUIRE);

    if (vi && !test_and_set(&vi->evtchn_pending_sel, port / WORD_BITS))
        vcpu_mark_events_pending(v);
}

void evtchn_set_pending(struct domain *d, uint32_t port)
{
    struct shared_info *si = d->shared_info;
    struct vcpu *v = notify_vcpu(d, &d->evtchn->ports[port]);

    if (!si || !v || test_and_set(si->evtchn_pending, port))
        return;
    if (!test(si->evtchn_mask, port))
        raise_port(v, port);
    evtchn_poll_wake(d, port);
}

bool evtchn_port_pending(struct domain *d, uint32_t port)
{
    return d->shared_info && port < EVTCHN_MAX_PORTS &&
           test(d->shared_info->evtchn_pending, port);
}

int evtchn_unmask(struct domain *d, uint32_t port)
{
    struct shared_info *si = d->shared_info;
    struct evtchn_domain *ed = d->evtchn;
    unsigned long flags;
    struct vcpu *v;

    if (!ed || port >= EVTCHN_MAX_PORTS)
        return -EINVAL;
    if (!si)
        return 0;
    flags = spin_lock_irqsave(&ed->lock);
    v = notify_vcpu(d, &ed->ports[port]);
    /* A port still pending when it is unmasked is raised now (Linux relies
     * on it: events_2l.c). */
    if (test_and_clear(si->evtchn_mask, port) && test(si->evtchn_pending, port) && v)
        raise_port(v, port);
    spin_unlock_irqrestore(&ed->lock, flags);
    return 0;
}

/* ---- VIRQs ---------------------------------------------------------------- */

bool evtchn_virq_is_global(unsigned int virq)
{
    return virq != VIRQ_TIMER && virq != VIRQ_DEBUG && virq != VIRQ_XENOPROF &&
           virq != VIRQ_XENPMU;
}

static void send_virq_on(struct vcpu *holder, unsigned int virq)
{
    struct domain *d = holder->domain;
    struct evtchn_domain *ed = d->evtchn;
    unsigned long flags;
    uint32_t port;

    if (!ed)
        return;
    flags = spin_lock_irqsave(&ed->lock);
    port = holder->virq_to_port[virq];
    if (port)
        evtchn_set_pending(d, port);
    spin_unlock_irqrestore(&ed->lock, flags);
}

void evtchn_send_virq(struct vcpu *v, unsigned int virq)
{
    if (virq >= NR_VIRQS)
        return;
    if (evtchn_virq_is_global(virq))
        evtchn_send_domain_virq(v->domain, virq);
    else
        send_virq_on(v, virq);
}

/* A global VIRQ's binding is kept in vCPU 0's table, wherever it notifies. */
void evtchn_send_domain_virq(struct domain *d, unsigned int virq)
{
    if (virq < NR_VIRQS && evtchn_virq_is_global(virq) && d->nr_vcpus)
        send_virq_on(d->vcpus[0], virq);
}

/* ---- physical IRQs --------------------------------------------------------- */

static bool is_pirq_port(struct domain *d, uint32_t port, uint32_t pirq)
{
    const struct evtchn *chn = evtchn_port(d, port);

    return chn && pirq && chn->state == EVTCHNSTAT_pirq && chn->pirq == pirq;
}

void evtchn_send_pirq(struct domain *d, uint32_t port, uint32_t pirq)
{
    unsigned long flags;

    if (!d->evtchn)
        return;
    flags = spin_lock_irqsave(&d->evtchn->lock);
    if (is_pirq_port(d, port, pirq))
        evtchn_set_pending(d, port);
    spin_unlock_irqrestore(&d->evtchn->lock, flags);
}

int evtchn_bind_pirq_port(struct domain *d, uint32_t pirq, uint32_t old_port)
{
    unsigned long flags;
    int port;

    if (!d->evtchn)
        return -ENOSPC;
    flags = spin_lock_irqsave(&d->evtchn->lock);
    port = is_pirq_port(d, old_port, pirq) ? -EEXIST : evtchn_port_alloc(d);
    if (port > 0) {
        d->evtchn->ports[port].state = EVTCHNSTAT_pirq;
        d->evtchn->ports[port].pirq = pirq;
    }
    spin_unlock_irqrestore(&d->evtchn->lock, flags);
    return port;
}

void evtchn_unbind_pirq(struct domain *d, uint32_t port, uint32_t pirq)
{
    unsigned long flags;

    if (!d->evtchn)
        return;
    flags = spin_lock_irqsave(&d->evtchn->lock);
    if (is_pirq_port(d, port, pirq))
        d->evtchn->ports[port].pirq = 0;
    spin_unlock_irqrestore(&d->evtchn->lock, flags);
}

/* ---- the port table -------------------------------------------------------- */

int evtchn_port_alloc(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;

    for (uint32_t port = 1; port < EVTCHN_MAX_PORTS; port++) {
        if (ed->ports[port].state == EVTCHNSTAT_closed) {
            memset(&ed->ports[port], 0, sizeof(ed->ports[port]));
            return port;
        }
    }
    return -ENOSPC;
}

struct evtchn *evtchn_port(struct domain *d, uint32_t port)
{
    if (!d->evtchn || port == 0 || port >= EVTCHN_MAX_PORTS)
        return NULL;
    return &d->evtchn->ports[port];
}

unsigned long evtchn_lock_pair(struct domain *a, struct domain *b)
{
    unsigned long flags;

    if (b && b != a && b->id < a->id) {
        struct domain *t = a;

        a = b;
        b = t;
    }
    flags = spin_lock_irqsave(&a->evtchn->lock);
    if (b && b != a)
        spin_lock(&b->evtchn->lock);
    return flags;
}

void evtchn_unlock_pair(struct domain *a, struct domain *b, unsigned long flags)
{
    if (b && b != a)
        spin_unlock(&b->evtchn->lock);
    spin_unlock_irqrestore(&a->evtchn->lock, flags);
}

/*
 * Free port of d: its VIRQ binding goes, an interdomain peer goes back to
 * unbound (waiting for d), a pending bit is cleared so that a later binding
 * of the number starts clean. Caller: evtchn_bind_lock, d's lock and the
 * peer's lock.
 */
static void free_port_locked(struct domain *d, uint32_t port)
{
    struct evtchn *chn = &d->evtchn->ports[port];

    switch (chn->state) {
    case EVTCHNSTAT_virq: {
        unsigned int holder = evtchn_virq_is_global(chn->virq) ? 0 : chn->notify_vcpu;

        if (holder < d->nr_vcpus && d->vcpus[holder]->virq_to_port[chn->virq] == port)
            d->vcpus[holder]->virq_to_port[chn->virq] = 0;
        break;
    }
    case EVTCHNSTAT_interdomain: {
        struct evtchn *peer = &chn->remote->evtchn->ports[chn->remote_port];

        peer->state = EVTCHNSTAT_unbound;
        peer->remote = NULL;
        peer->remote_port = 0;
        peer->remote_domid = d->id;
        break;
    }
    default:
        break;
    }
    memset(chn, 0, sizeof(*chn));
    if (d->shared_info)
        test_and_clear(d->shared_info->evtchn_pending, port);
}

int evtchn_close_port(struct domain *d, uint32_t port)
{
    struct evtchn *chn = evtchn_port(d, port);
    struct domain *peer;
    unsigned long flags;
    int rc = 0;

    if (!chn)
        return -EINVAL;
    spin_lock(&evtchn_bind_lock);
    /* Under the bind lock a port can become interdomain, or stop being
     * so, only here: the peer read now is the peer under the locks. */
    peer = __atomic_load_n(&chn->state, __ATOMIC_RELAXED) == EVTCHNSTAT_interdomain ?
           chn->remote : NULL;
    flags = evtchn_lock_pair(d, peer);
    if (chn->state == EVTCHNSTAT_closed)
        rc = -EINVAL;
    else
        free_port_locked(d, port);
    evtchn_unlock_pair(d, peer, flags);
    spin_unlock(&evtchn_bind_lock);
    return rc;
}

void evtchn_reset_domain(struct domain *d)
{
    for (uint32_t port = 1; port < EVTCHN_MAX_PORTS; port++)
        if (d->evtchn->ports[port].state != EVTCHNSTAT_closed)
            evtchn_close_port(d, port);
}

/* ---- domains ------------------------------------------------------------------ */

int evtchn_domain_init(struct domain *d)
{
    struct evtchn_domain *ed = xzalloc(sizeof(*ed));

    if (!ed)
        return -ENOMEM;
    ed->lock = (spinlock_t)SPINLOCK_INIT;
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];

        v->poll_port = ~0u;
        timer_init(&v->poll_timer, evtchn_poll_timeout, v, arch_timer_cpu());
    }
    d->evtchn = ed;
    return 0;
}

void evtchn_domain_destroy(struct domain *d)
{
    if (!d->evtchn)
        return;
    evtchn_reset_domain(d);
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        timer_kill(&d->vcpus[i]->poll_timer);      /* waits for a running callback */
    xfree(d->evtchn);
    d->evtchn = NULL;
}

/* ---- the 'q' debug key ------------------------------------------------------ */

/* The ports of d that are bound, with their state, vCPU and bits: an
 * unlocked snapshot (a debug report), at most 'max' lines. */
void evtchn_show(struct domain *d, unsigned int max)
{
    struct evtchn_domain *ed = d->evtchn;
    struct shared_info *si = d->shared_info;
    unsigned int shown = 0;
    char what[32];

    if (!ed || !si)
        return;
    for (uint32_t port = 1; port < EVTCHN_MAX_PORTS && shown < max; port++) {
        const struct evtchn *chn = &ed->ports[port];

        switch (__atomic_load_n(&chn->state, __ATOMIC_RELAXED)) {
        case EVTCHNSTAT_closed:
            continue;
        case EVTCHNSTAT_unbound:
            snprintf(what, sizeof(what), "unbound, for d%u", chn->remote_domid);
            break;
        case EVTCHNSTAT_interdomain:
            snprintf(what, sizeof(what), "interdomain, peer port %u", chn->remote_port);
            break;
        case EVTCHNSTAT_pirq:
            snprintf(what, sizeof(what), "pirq %u", chn->pirq);
            break;
        case EVTCHNSTAT_virq:
            snprintf(what, sizeof(what), "virq %u", chn->virq);
            break;
        default:
            snprintf(what, sizeof(what), "ipi");
            break;
        }
        printk("      port %u: %s, vCPU %u%s%s\n", port, what,
               __atomic_load_n(&chn->notify_vcpu, __ATOMIC_RELAXED),
               test(si->evtchn_pending, port) ? ", pending" : "",
               test(si->evtchn_mask, port) ? ", masked" : "");
        shown++;
    }
}
