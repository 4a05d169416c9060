// SPDX-License-Identifier: MIT
/*
 * domctl (__HYPERVISOR_domctl): Petrel's domain control for the control
 * domain (public/petrel_ctl.h, DESIGN D3). Checked in this order: the
 * caller is privileged (-EPERM), interface_version (-EACCES, nothing read
 * past it), the command (-ENOSYS), pad fields (-EINVAL), the domain
 * (-ESRCH), then the command's own arguments. The struct is copied back
 * only when the command succeeds.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/foreign_map.h>
#include <petrel/hypercall.h>
#include <petrel/lib.h>
#include <petrel/p2m.h>
#include <petrel/pci.h>
#include <petrel/sched.h>
#include <petrel/time.h>
#include <public/sched.h>
#include <x86/hvm/hvm.h>
#include <x86/time.h>
#include "ctl_private.h"

void ctl_domain_info(struct domain *d, struct petrel_domaininfo *out)
{
    uint64_t now = system_time_ns();
    unsigned int online = 0, blocked = 0;
    struct sched_params sp;
    uint32_t flags = 0;

    *out = (struct petrel_domaininfo){ .domid = d->id };
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct sched_vcpu *sv = &d->vcpus[i]->sched;
        enum sched_state st = sched_vcpu_state(sv);

        out->cpu_time += sched_vcpu_runtime(sv, now);
        if (!vcpu_is_up(d->vcpus[i]))
            continue;
        online++;
        blocked += st == SCHED_BLOCKED;
        if (st == SCHED_RUNNING)
            flags |= PETREL_DOMINF_running;
    }
    if (__atomic_load_n(&d->dying, __ATOMIC_ACQUIRE))
        flags |= PETREL_DOMINF_dying;
    if (d->state == DOMAIN_SHUTDOWN) {
        flags |= PETREL_DOMINF_shutdown;
        out->shutdown_reason = d->shutdown_reason;
        out->shutdown_code = d->shutdown_code;
    }
    if (d->state == DOMAIN_CRASHED)
        flags |= PETREL_DOMINF_crashed;
    if (d->ctl_paused)
        flags |= PETREL_DOMINF_paused;
    if (online && blocked == online)
        flags |= PETREL_DOMINF_blocked;
    if (d->privileged)
        flags |= PETREL_DOMINF_privileged;
    sched_get_params(&d->sched, &sp);
    out->flags = flags;
    out->tot_pages = domain_tot_pages(d);
    out->max_pages = d->max_pages;
    out->nr_vcpus = d->nr_vcpus;
    out->nr_online_vcpus = online;
    out->weight = sp.weight;
    out->cap = sp.cap;
}

static long createdomain(struct vcpu *v, struct petrel_domctl *op)
{
    struct petrel_createdomain *c = &op->u.createdomain;
    uint16_t id;
    int rc;

    if (c->flags || !c->max_vcpus || c->max_vcpus > PETREL_MAX_VCPUS ||
        op->domain >= DOMID_FIRST_RESERVED)     /* DOMID_AUTO among them */
        return -EINVAL;
    rc = domain_create_ctl(op->domain ? op->domain : DOMID_AUTO, c->max_vcpus,
                           c->max_pages, &id);
    if (!rc)
        op->domain = id;
    return rc;
}

/* The vCPU a command names, or NULL. */
static struct vcpu *vcpu_of(struct domain *d, uint32_t id)
{
    return id < d->nr_vcpus ? d->vcpus[id] : NULL;
}

static long getvcpuinfo(struct domain *d, struct petrel_vcpuinfo *i)
{
    struct vcpu *t = vcpu_of(d, i->vcpu);
    enum sched_state st;

    if (!t || i->pad || i->pad1)
        return -EINVAL;
    st = sched_vcpu_state(&t->sched);
    i->online = vcpu_is_up(t);
    i->blocked = st == SCHED_BLOCKED;
    i->running = st == SCHED_RUNNING;
    i->cpu = sched_vcpu_pcpu(&t->sched);
    i->cpu_time = sched_vcpu_runtime(&t->sched, system_time_ns());
    i->affinity = __atomic_load_n(&t->sched.hard, __ATOMIC_RELAXED);
    return 0;
}

static long vcpuaffinity(struct domain *d, struct petrel_vcpuaffinity *a, bool set)
{
    struct vcpu *t = vcpu_of(d, a->vcpu);
    sched_mask_t kick = 0;
    int rc;

    if (!t || a->pad)
        return -EINVAL;
    if (!set) {
        a->cpumap = __atomic_load_n(&t->sched.hard, __ATOMIC_RELAXED);
        return 0;
    }
    rc = sched_set_affinity(&t->sched, a->cpumap, 0, system_time_ns(), &kick);
    schedule_kick(kick);
    return rc;
}

static long sched_credit(struct domain *d, struct petrel_sched_credit *s)
{
    struct sched_params p;

    if (s->pad)
        return -EINVAL;
    switch (s->op) {
    case PETREL_SCHED_get:
        sched_get_params(&d->sched, &p);
        s->weight = p.weight;
        s->cap = p.cap;
        return 0;
    case PETREL_SCHED_set:
        if (s->weight < SCHED_WEIGHT_MIN || s->weight > SCHED_WEIGHT_MAX ||
            s->cap > 100 * d->nr_vcpus)
            return -EINVAL;
        p = (struct sched_params){ s->weight, s->cap };
        return sched_set_params(&d->sched, &p);
    default:
        return -EINVAL;
    }
}

static long max_mem(struct domain *d, struct petrel_max_mem *m)
{
    if (m->max_pages < domain_tot_pages(d))
        return -EINVAL;
    __atomic_store_n(&d->max_pages, m->max_pages, __ATOMIC_RELAXED);
    return 0;
}

/* The PVH start state for a vCPU of a domain that has not run yet. */
static long set_vcpu_start(struct domain *d, struct petrel_vcpu_start *s)
{
    struct vcpu *t = vcpu_of(d, s->vcpu);
    unsigned long flags;
    long rc = 0;

    if (!t || s->pad || s->rip >> 32 || s->rbx >> 32)
        return -EINVAL;
    /* d->lock keeps the first unpause out until the vCPU is set. */
    flags = spin_lock_irqsave(&d->lock);
    if (domain_has_run(d) || d->dying) {
        rc = -EBUSY;
    } else {
        hvm_set_pvh_start(t, s->rip, s->rbx);
        hvm_vcpu_release(t);
        t->initialised = true;
    }
    spin_unlock_irqrestore(&d->lock, flags);
    if (!rc && !vcpu_is_up(t))
        vcpu_up(t);                 /* paused: runs at the first unpause */
    return rc;
}

static long console_read(struct vcpu *v, struct domain *d, struct petrel_console_read *c)
{
    return ctl_ring_to_guest(v, console_ring_read, &d->console_ring, PETREL_CONSOLE_RING,
                             &c->index, c->buffer, &c->size, &c->lost);
}

/* assign_device / deassign_device: the checks and the work are
 * drivers/pci.c's (pci_assign_device()); flags first, as the ABI says. */
static long assign_device(struct domain *d, struct petrel_assign_device *a, bool assign)
{
    if (a->flags)
        return -EINVAL;
    return assign ? pci_assign_device(d, a->seg, a->bdf) : pci_deassign_device(d, a->seg, a->bdf);
}

/* The commands that name an existing domain. */
static long on_domain(struct vcpu *v, struct domain *d, struct petrel_domctl *op)
{
    switch (op->cmd) {
    case PETREL_DOMCTL_destroydomain:
        if (d == v->domain || d->privileged)
            return -EINVAL;         /* the control domain cannot destroy itself */
        domain_kill(d);
        return 0;
    case PETREL_DOMCTL_pausedomain:
        if (d == v->domain)
            return -EINVAL;
        domain_pause_ctl(d);
        return 0;
    case PETREL_DOMCTL_unpausedomain:
        if (d->dying)
            return -EINVAL;
        domain_unpause_ctl(d);
        return 0;
    case PETREL_DOMCTL_getdomaininfo:
        ctl_domain_info(d, &op->u.getdomaininfo);
        return 0;
    case PETREL_DOMCTL_getvcpuinfo:
        return getvcpuinfo(d, &op->u.getvcpuinfo);
    case PETREL_DOMCTL_setvcpuaffinity:
    case PETREL_DOMCTL_getvcpuaffinity:
        return vcpuaffinity(d, &op->u.vcpuaffinity,
                            op->cmd == PETREL_DOMCTL_setvcpuaffinity);
    case PETREL_DOMCTL_sched_credit:
        return sched_credit(d, &op->u.sched_credit);
    case PETREL_DOMCTL_max_mem:
        return max_mem(d, &op->u.max_mem);
    case PETREL_DOMCTL_set_vcpu_start:
        return set_vcpu_start(d, &op->u.vcpu_start);
    case PETREL_DOMCTL_console_read:
        return console_read(v, d, &op->u.console_read);
    case PETREL_DOMCTL_assign_device:
    case PETREL_DOMCTL_deassign_device:
        return assign_device(d, &op->u.assign_device, op->cmd == PETREL_DOMCTL_assign_device);
    default:
        return -ENOSYS;
    }
}

long do_domctl(struct vcpu *v, uint64_t arg, uint64_t a2, uint64_t a3,
               uint64_t a4, uint64_t a5)
{
    struct petrel_domctl op;
    struct domain *d;
    long rc = ctl_copy_in(v, arg, &op, sizeof(op));

    if (rc)
        return rc;
    if (!op.cmd || op.cmd > PETREL_DOMCTL_deassign_device)
        return -ENOSYS;
    if (!ctl_all_zero(op.pad, sizeof(op.pad)))
        return -EINVAL;
    if (op.cmd == PETREL_DOMCTL_createdomain) {
        rc = createdomain(v, &op);
    } else {
        d = domain_by_id(op.domain);
        if (!d)
            return -ESRCH;
        rc = on_domain(v, d, &op);
        domain_put(d);
    }
    if (!rc && copy_to_guest(v, arg, &op, sizeof(op)))
        rc = -EFAULT;
    return rc;
}
