// SPDX-License-Identifier: MIT
/*
 * event_channel_op: the EVTCHNOP_* hypercall (public/event_channel.h). Each
 * command's struct is copied in, handled on the port table of
 * event_channel.c, and copied back when the command has OUT fields and
 * succeeded. Errors are Xen's: -EINVAL for a port out of range or in the
 * wrong state, -ENOENT for a vCPU that does not exist, -ESRCH for an
 * unknown domain, -EPERM for naming another domain unprivileged, -EEXIST
 * for a VIRQ bound twice, -ENOSPC when the table is full, -ENOSYS for the
 * FIFO ABI. Any domain binds its own pirqs (drivers/msi.c: only functions
 * it owns have them).
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/hypercall.h>
#include <petrel/lib.h>
#include <petrel/pirq.h>
#include <public/event_channel.h>
#include <x86/hvm/hvm.h>
#include "evtchn_private.h"

/* The domain a command names (domain_target), if it has event channels. */
static struct domain *named_domain(struct vcpu *v, domid_t dom, long *rc)
{
    struct domain *d = domain_target(v, dom, rc);

    if (d && !d->evtchn) {
        domain_target_put(v, d);
        *rc = -ESRCH;
        d = NULL;
    }
    return d;
}

static struct vcpu *domain_vcpu(struct domain *d, uint32_t id)
{
    return id < d->nr_vcpus ? d->vcpus[id] : NULL;
}

static long op_alloc_unbound(struct vcpu *v, void *arg)
{
    struct evtchn_alloc_unbound *a = arg;
    struct domain *d;
    unsigned long flags;
    long rc = 0;
    int port;

    d = named_domain(v, a->dom, &rc);
    if (!d)
        return rc;
    flags = spin_lock_irqsave(&d->evtchn->lock);
    port = evtchn_port_alloc(d);
    if (port > 0) {
        struct evtchn *chn = &d->evtchn->ports[port];

        chn->state = EVTCHNSTAT_unbound;
        chn->remote_domid = a->remote_dom == DOMID_SELF ? v->domain->id : a->remote_dom;
        a->port = port;
    }
    spin_unlock_irqrestore(&d->evtchn->lock, flags);
    domain_target_put(v, d);
    return port < 0 ? port : 0;
}

/* Connect a fresh port of ld to rport of rd. Caller: bind lock, both locks. */
static long connect(struct domain *ld, struct domain *rd, uint32_t rport)
{
    struct evtchn *rchn = evtchn_port(rd, rport), *lchn;
    int lport;

    if (!rchn || rchn->state != EVTCHNSTAT_unbound || rchn->remote_domid != ld->id)
        return -EINVAL;
    lport = evtchn_port_alloc(ld);
    if (lport < 0)
        return lport;
    lchn = &ld->evtchn->ports[lport];
    lchn->state = EVTCHNSTAT_interdomain;
    lchn->remote = rd;
    lchn->remote_port = rport;
    rchn->state = EVTCHNSTAT_interdomain;
    rchn->remote = ld;
    rchn->remote_port = lport;
    /* Sends on the unbound far end went nowhere: raise the new port once,
     * as Xen does, so that none is lost. */
    evtchn_set_pending(ld, lport);
    return lport;
}

static long op_bind_interdomain(struct vcpu *v, void *arg)
{
    struct evtchn_bind_interdomain *b = arg;
    struct domain *ld = v->domain, *rd;
    unsigned long flags;
    long rc;

    rd = b->remote_dom == DOMID_SELF || b->remote_dom == ld->id ? ld :
         domain_by_id(b->remote_dom);
    if (!rd)
        return -ESRCH;
    rc = -ESRCH;
    if (rd->evtchn) {
        spin_lock(&evtchn_bind_lock);
        flags = evtchn_lock_pair(ld, rd);
        rc = connect(ld, rd, b->remote_port);
        evtchn_unlock_pair(ld, rd, flags);
        spin_unlock(&evtchn_bind_lock);
    }
    if (rd != ld)
        domain_put(rd);
    if (rc < 0)
        return rc;
    b->local_port = rc;
    return 0;
}

static long op_bind_virq(struct vcpu *v, void *arg)
{
    struct evtchn_bind_virq *b = arg;
    struct domain *d = v->domain;
    struct vcpu *target;
    unsigned long flags;
    int port;

    if (b->virq >= NR_VIRQS || (evtchn_virq_is_global(b->virq) && b->vcpu != 0))
        return -EINVAL;
    target = domain_vcpu(d, b->vcpu);
    if (!target)
        return -ENOENT;
    flags = spin_lock_irqsave(&d->evtchn->lock);
    if (target->virq_to_port[b->virq]) {
        port = -EEXIST;
    } else {
        port = evtchn_port_alloc(d);
        if (port > 0) {
            d->evtchn->ports[port].state = EVTCHNSTAT_virq;
            d->evtchn->ports[port].virq = b->virq;
            d->evtchn->ports[port].notify_vcpu = b->vcpu;
            target->virq_to_port[b->virq] = port;
            b->port = port;
        }
    }
    spin_unlock_irqrestore(&d->evtchn->lock, flags);
    return port < 0 ? port : 0;
}

static long op_bind_ipi(struct vcpu *v, void *arg)
{
    struct evtchn_bind_ipi *b = arg;
    struct domain *d = v->domain;
    unsigned long flags;
    int port;

    if (!domain_vcpu(d, b->vcpu))
        return -ENOENT;
    flags = spin_lock_irqsave(&d->evtchn->lock);
    port = evtchn_port_alloc(d);
    if (port > 0) {
        d->evtchn->ports[port].state = EVTCHNSTAT_ipi;
        d->evtchn->ports[port].notify_vcpu = b->vcpu;
        b->port = port;
    }
    spin_unlock_irqrestore(&d->evtchn->lock, flags);
    return port < 0 ? port : 0;
}

static long op_close(struct vcpu *v, void *arg)
{
    return evtchn_close_port(v->domain, ((struct evtchn_close *)arg)->port);
}

static long op_send(struct vcpu *v, void *arg)
{
    struct domain *d = v->domain;
    uint32_t port = ((struct evtchn_send *)arg)->port;
    struct evtchn *chn = evtchn_port(d, port);
    unsigned long flags;
    long rc = 0;

    if (!chn)
        return -EINVAL;
    flags = spin_lock_irqsave(&d->evtchn->lock);
    switch (chn->state) {
    case EVTCHNSTAT_interdomain:
        evtchn_set_pending(chn->remote, chn->remote_port);
        break;
    case EVTCHNSTAT_ipi:
        evtchn_set_pending(d, port);
        break;
    case EVTCHNSTAT_unbound:
        break;                  /* nobody listens yet: dropped, as Xen */
    default:
        rc = -EINVAL;
        break;
    }
    spin_unlock_irqrestore(&d->evtchn->lock, flags);
    return rc;
}

static long op_status(struct vcpu *v, void *arg)
{
    struct evtchn_status *s = arg;
    const struct evtchn *chn;
    unsigned long flags;
    struct domain *d;
    long rc = 0;

    d = named_domain(v, s->dom, &rc);
    if (!d)
        return rc;
    if (s->port >= EVTCHN_MAX_PORTS) {
        domain_target_put(v, d);
        return -EINVAL;
    }
    memset(&s->u, 0, sizeof(s->u));
    s->status = EVTCHNSTAT_closed;  /* port 0 is reserved: reads as closed (Xen) */
    s->vcpu = 0;
    chn = evtchn_port(d, s->port);
    if (!chn) {
        domain_target_put(v, d);
        return 0;
    }
    flags = spin_lock_irqsave(&d->evtchn->lock);
    s->status = chn->state;
    s->vcpu = chn->notify_vcpu;
    if (chn->state == EVTCHNSTAT_unbound) {
        s->u.unbound.dom = chn->remote_domid;
    } else if (chn->state == EVTCHNSTAT_interdomain) {
        s->u.interdomain.dom = chn->remote->id;
        s->u.interdomain.port = chn->remote_port;
    } else if (chn->state == EVTCHNSTAT_virq) {
        s->u.virq = chn->virq;
    } else if (chn->state == EVTCHNSTAT_pirq) {
        s->u.pirq = chn->pirq;
    }
    spin_unlock_irqrestore(&d->evtchn->lock, flags);
    domain_target_put(v, d);
    return 0;
}

/* A port for one of the control domain's physical IRQs (drivers/msi.c). */
static long op_bind_pirq(struct vcpu *v, void *arg)
{
    struct evtchn_bind_pirq *b = arg;

    /* Any domain: it has pirqs only on functions it owns (drivers/msi.c). */
    return pirq_bind(v->domain, b->pirq, &b->port);
}

static long op_bind_vcpu(struct vcpu *v, void *arg)
{
    struct evtchn_bind_vcpu *b = arg;
    struct domain *d = v->domain;
    struct evtchn *chn = evtchn_port(d, b->port);
    unsigned long flags;
    long rc = 0;

    if (!chn)
        return -EINVAL;
    if (!domain_vcpu(d, b->vcpu))
        return -ENOENT;
    flags = spin_lock_irqsave(&d->evtchn->lock);
    switch (chn->state) {
    case EVTCHNSTAT_virq:
        if (!evtchn_virq_is_global(chn->virq)) {
            rc = -EINVAL;       /* a per-vCPU VIRQ stays where it is */
            break;
        }
        /* fall through */
    case EVTCHNSTAT_unbound:
    case EVTCHNSTAT_interdomain:
    case EVTCHNSTAT_pirq:
        __atomic_store_n(&chn->notify_vcpu, b->vcpu, __ATOMIC_RELAXED);
        break;
    default:
        rc = -EINVAL;           /* free, or an IPI bound to its vCPU */
        break;
    }
    spin_unlock_irqrestore(&d->evtchn->lock, flags);
    return rc;
}

static long op_unmask(struct vcpu *v, void *arg)
{
    return evtchn_unmask(v->domain, ((struct evtchn_unmask *)arg)->port);
}

static long op_reset(struct vcpu *v, void *arg)
{
    struct domain *d;
    long rc = 0;

    d = named_domain(v, ((struct evtchn_reset *)arg)->dom, &rc);
    if (!d)
        return rc;
    evtchn_reset_domain(d);
    domain_target_put(v, d);
    return 0;
}

static const struct {
    long (*fn)(struct vcpu *v, void *arg);
    uint8_t size;
    bool out;               /* copy the struct back on success */
} evtchn_ops[] = {
    [EVTCHNOP_bind_interdomain] = { op_bind_interdomain,
                                    sizeof(struct evtchn_bind_interdomain), true },
    [EVTCHNOP_bind_virq] = { op_bind_virq, sizeof(struct evtchn_bind_virq), true },
    [EVTCHNOP_bind_pirq] = { op_bind_pirq, sizeof(struct evtchn_bind_pirq), true },
    [EVTCHNOP_close] = { op_close, sizeof(struct evtchn_close), false },
    [EVTCHNOP_send] = { op_send, sizeof(struct evtchn_send), false },
    [EVTCHNOP_status] = { op_status, sizeof(struct evtchn_status), true },
    [EVTCHNOP_alloc_unbound] = { op_alloc_unbound, sizeof(struct evtchn_alloc_unbound), true },
    [EVTCHNOP_bind_ipi] = { op_bind_ipi, sizeof(struct evtchn_bind_ipi), true },
    [EVTCHNOP_bind_vcpu] = { op_bind_vcpu, sizeof(struct evtchn_bind_vcpu), false },
    [EVTCHNOP_unmask] = { op_unmask, sizeof(struct evtchn_unmask), false },
    [EVTCHNOP_reset] = { op_reset, sizeof(struct evtchn_reset), false },
};

long do_event_channel_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3,
                         uint64_t a4, uint64_t a5)
{
    uint64_t buf[3];        /* the largest struct: evtchn_status, 24 bytes */
    long rc;

    BUILD_BUG_ON(sizeof(struct evtchn_status) > sizeof(buf));
    if (cmd >= ARRAY_SIZE(evtchn_ops) || !evtchn_ops[cmd].fn || !v->domain->evtchn)
        return -ENOSYS;
    if (copy_from_guest(v, buf, arg, evtchn_ops[cmd].size))
        return -EFAULT;
    rc = evtchn_ops[cmd].fn(v, buf);
    if (!rc && evtchn_ops[cmd].out && copy_to_guest(v, arg, buf, evtchn_ops[cmd].size))
        rc = -EFAULT;
    return rc;
}
