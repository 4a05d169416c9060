// SPDX-License-Identifier: MIT
/*
 * vcpu_op: bringing vCPUs up and down, their runstate, where their
 * vcpu_info lives, and their two guest timers (common/vcpu_timer.c).
 *
 * vcpu_info. Until VCPUOP_register_vcpu_info it is the vCPU's slot in
 * shared_info (or a private one for vCPUs past XEN_LEGACY_MAX_VCPUS); after,
 * a 64-byte area in a RAM frame of the domain, reached through the direct
 * map. That frame stays the domain's until it is destroyed: the p2m only
 * gives up owned frames at destruction, or to memory_op, which retires them.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/event.h>
#include <petrel/hypercall.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <petrel/time.h>
#include <public/hvm/hvm_vcpu.h>
#include <public/vcpu.h>
#include <x86/hvm/hvm.h>
#include <x86/time.h>

static long set_periodic(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
    struct vcpu_set_periodic_timer p;

    if (copy_from_guest(v, &p, arg, sizeof(p)))
        return -EFAULT;
    return vcpu_periodic_set(t, p.period_ns);
}

/* Xen allows the single-shot commands only on the calling vCPU. */
static long set_singleshot(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
    struct vcpu_set_singleshot_timer s;

    if (t != v)
        return -EINVAL;
    if (copy_from_guest(v, &s, arg, sizeof(s)))
        return -EFAULT;
    if ((s.flags & VCPU_SSHOTTMR_future) && s.timeout_abs_ns < system_time_ns())
        return -ETIME;
    /* A deadline of 0 is in the past, not "stop": it fires at once. */
    vcpu_singleshot_set(t, s.timeout_abs_ns ? s.timeout_abs_ns : 1);
    return 0;
}

static long initialise(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
    struct domain *d = t->domain;
    struct vcpu_hvm_context ctx;
    unsigned long flags;
    long rc;

    if (copy_from_guest(v, &ctx, arg, sizeof(ctx)))
        return -EFAULT;
    flags = spin_lock_irqsave(&d->lock);
    if (t->initialised || t == v || vcpu_is_up(t))
        rc = -EEXIST;
    else
        rc = hvm_set_vcpu_context(t, &ctx);
    if (!rc)
        t->initialised = true;
    spin_unlock_irqrestore(&d->lock, flags);
    return rc;
}

/*
 * The scheduler's states onto Xen's: PAUSED is RUNSTATE_offline, as Xen
 * gives a descheduled vCPU that is not runnable and not blocked on an event
 * (pause_flags without VPF_blocked). One difference: Xen reports a vCPU
 * both blocked and paused as blocked; the scheduler reports it PAUSED, so
 * here it is offline.
 */
static const uint32_t runstate_of[SCHED_NR_STATES] = {
    [SCHED_RUNNING] = RUNSTATE_running, [SCHED_RUNNABLE] = RUNSTATE_runnable,
    [SCHED_BLOCKED] = RUNSTATE_blocked, [SCHED_PAUSED] = RUNSTATE_offline,
    [SCHED_OFFLINE] = RUNSTATE_offline,
};

static void runstate_get(struct vcpu *t, struct vcpu_runstate_info *ri)
{
    struct sched_runstate rs;

    memset(ri, 0, sizeof(*ri));
    sched_vcpu_runstate(&t->sched, system_time_ns(), &rs);
    ri->state = runstate_of[rs.state];
    ri->state_entry_time = rs.state_entry;
    for (unsigned int i = 0; i < SCHED_NR_STATES; i++)
        ri->time[runstate_of[i]] += rs.time[i];
}

static long get_runstate(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
    struct vcpu_runstate_info ri;

    runstate_get(t, &ri);
    return copy_to_guest(v, arg, &ri, sizeof(ri)) ? -EFAULT : 0;
}

void vcpu_runstate_area_update(struct vcpu *v)
{
    struct vcpu_runstate_info ri;
    uint64_t gva = __atomic_load_n(&v->runstate_area, __ATOMIC_RELAXED);

    if (!gva)
        return;
    runstate_get(v, &ri);
    copy_to_guest(v, gva, &ri, sizeof(ri));
}

/*
 * The guest's copy of its runstate, refreshed whenever the vCPU is
 * scheduled. 0 unregisters. Petrel writes it at once on the calling vCPU
 * and refuses (-EFAULT) an address it cannot write there; Xen keeps such an
 * address silently. Another vCPU's area is first written when it runs.
 */
static long register_runstate(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
    struct vcpu_register_runstate_memory_area a;
    struct vcpu_runstate_info ri;

    if (copy_from_guest(v, &a, arg, sizeof(a)))
        return -EFAULT;
    if (a.addr && t == v) {
        runstate_get(t, &ri);
        if (copy_to_guest(v, a.addr, &ri, sizeof(ri)))
            return -EFAULT;
    }
    __atomic_store_n(&t->runstate_area, a.addr, __ATOMIC_RELAXED);
    return 0;
}

/*
 * A second copy of the vCPU's pvclock (struct vcpu_time_info) at a guest
 * virtual address, kept up to date as vcpu_info's is (Linux's vDSO reads
 * vCPU 0's, so user space reads the clock without a system call). As for
 * the runstate area: written at once on the calling vCPU (-EFAULT if it
 * cannot be), another vCPU's when it next runs; 0 unregisters.
 */
static long register_time_area(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
    struct vcpu_register_time_memory_area a;

    if (copy_from_guest(v, &a, arg, sizeof(a)))
        return -EFAULT;
    if (t == v && vcpu_time_area_write(t, a.addr))
        return -EFAULT;
    __atomic_store_n(&t->time_area, a.addr, __ATOMIC_RELAXED);
    return 0;
}

/* Is t's vcpu_info still where creation put it? */
static bool vcpu_info_is_default(struct vcpu *t)
{
    struct domain *d = t->domain;

    if (t->id < XEN_LEGACY_MAX_VCPUS)
        return t->vcpu_info == &d->shared_info->vcpu_info[t->id];
    return t->vcpu_info == t->vcpu_info_private;
}

/*
 * Move t's vcpu_info to (gfn, offset): a RAM frame the domain owns, the
 * 64 bytes within it. Only once, and on the calling vCPU or one that is
 * down (as Xen), so that nothing else writes its pvclock meanwhile.
 */
static long register_vcpu_info(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
    struct domain *d = t->domain;
    struct vcpu_register_vcpu_info r;
    struct vcpu_info *vi;
    unsigned int pflags;
    enum p2m_type type;
    unsigned long flags;
    uint64_t mfn;
    long rc = -EINVAL;

    if (copy_from_guest(v, &r, arg, sizeof(r)))
        return -EFAULT;
    if (r.rsvd || r.offset > PAGE_SIZE - sizeof(*vi) || (r.offset & 7) ||
        (t != v && vcpu_is_up(t)))
        return -EINVAL;
    /* Looked up under d->lock: decrease_reservation checks, under it, that
     * no vcpu_info lives in a frame it gives back (common/reservation.c). */
    flags = spin_lock_irqsave(&d->lock);
    if (p2m_lookup(d->p2m, r.mfn, &mfn, &type, NULL, &pflags) || type != P2M_RAM_RW ||
        !(pflags & P2M_OWNED)) {
        spin_unlock_irqrestore(&d->lock, flags);
        return -EINVAL;
    }
    vi = (struct vcpu_info *)((uint8_t *)phys_to_virt(mfn << PAGE_SHIFT) + r.offset);
    if (vcpu_info_is_default(t)) {
        memcpy(vi, t->vcpu_info, sizeof(*vi));
        /* Events raised during the move may have gone to either copy: the
         * guest scans every selector word (as Xen asks it to). */
        vi->evtchn_pending_sel = ~(xen_ulong_t)0;
        __atomic_store_n(&t->vcpu_info, vi, __ATOMIC_RELEASE);
        rc = 0;
    }
    spin_unlock_irqrestore(&d->lock, flags);
    if (rc)
        return rc;
    vcpu_update_time(t);
    vcpu_mark_events_pending(t);
    return 0;
}

long do_vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vcpuid, uint64_t arg,
                uint64_t a4, uint64_t a5)
{
    struct domain *d = v->domain;
    struct vcpu *t;

    if (vcpuid >= d->nr_vcpus || !d->vcpus[vcpuid])
        return -ENOENT;
    t = d->vcpus[vcpuid];
    switch (cmd) {
    case VCPUOP_initialise:
        return initialise(v, t, arg);
    case VCPUOP_up:
        if (!t->initialised)
            return -EINVAL;
        vcpu_up(t);
        return 0;
    case VCPUOP_down:
        vcpu_down(t);
        return 0;
    case VCPUOP_is_up:
        return vcpu_is_up(t);
    case VCPUOP_get_runstate_info:
        return get_runstate(v, t, arg);
    case VCPUOP_register_runstate_memory_area:
        return register_runstate(v, t, arg);
    case VCPUOP_set_periodic_timer:
        return set_periodic(v, t, arg);
    case VCPUOP_stop_periodic_timer:
        vcpu_periodic_stop(t);
        return 0;
    case VCPUOP_set_singleshot_timer:
        return set_singleshot(v, t, arg);
    case VCPUOP_stop_singleshot_timer:
        if (t != v)
            return -EINVAL;
        timer_stop(&t->singleshot_timer);
        return 0;
    case VCPUOP_register_vcpu_info:
        return register_vcpu_info(v, t, arg);
    case VCPUOP_register_vcpu_time_memory_area:
        return register_time_area(v, t, arg);
    default:
        return -ENOSYS;
    }
}
