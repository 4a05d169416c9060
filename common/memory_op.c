// SPDX-License-Identifier: MIT
/*
 * memory_op: XENMEM_add_to_physmap for the shared_info page and the grant
 * table frames, and the physmap changes grant mapping makes
 * (petrel/physmap.h). Other commands and spaces come later (-ENOSYS).
 *
 * shared_info and the grant table frames are hypervisor frames the domain
 * holds until its destruction (common/domain.c, common/grant_table.c); the
 * p2m maps them without owning them, so remapping or destroying the p2m
 * never frees them. The guest frame one replaces keeps its RAM: taken out
 * of the p2m with P2M_DETACH and kept on d->retired until the domain dies,
 * because hypervisor pointers (a vcpu_info registered there) may still
 * reach it. A domain retires at most one frame per add_to_physmap call,
 * and only as many as it has RAM.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/foreign_map.h>
#include <petrel/grant_table.h>
#include <petrel/hypercall.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <petrel/physmap.h>
#include <petrel/printk.h>
#include <petrel/spinlock.h>
#include <petrel/time.h>
#include <public/memory.h>
#include <x86/hvm/hvm.h>
#include <x86/hvm/vlapic.h>


/* Room for one more retired frame; 0 or -ENOMEM. physmap_lock() held. */
static int retired_reserve(struct domain *d)
{
    struct page_list *r = &d->retired;
    unsigned int max = r->max ? r->max * 2 : 8;
    uint64_t *mfn;

    if (r->nr < r->max)
        return 0;
    mfn = xzalloc(max * sizeof(*mfn));
    if (!mfn)
        return -ENOMEM;
    if (r->nr)
        memcpy(mfn, r->mfn, r->nr * sizeof(*mfn));
    xfree(r->mfn);
    r->mfn = mfn;
    r->max = max;
    return 0;
}

/* Take 'mfn' out of 'gfn', if it is still mapped there. physmap_lock() held. */
static void unmap_if_there(struct domain *d, uint64_t gfn, uint64_t mfn, struct p2m_batch *b)
{
    uint64_t there;
    unsigned int flags;

    if (gfn == ~0ull || p2m_lookup(d->p2m, gfn, &there, NULL, NULL, &flags) ||
        there != mfn || (flags & P2M_OWNED))
        return;
    p2m_remove(d->p2m, gfn, 0, b);
}

/*
 * Map the hypervisor frame 'hv_mfn' of d (shared_info, a grant table
 * frame) at 'gfn', moving it from *where (~0: not mapped), which then says
 * 'gfn'. Returns 0, -EINVAL (gfn beyond the guest-physical width, or the
 * local APIC page) or -ENOMEM.
 */
static long map_hv_frame(struct domain *d, uint64_t gfn, uint64_t hv_mfn, uint64_t *where)
{
    struct p2m_batch b = P2M_BATCH_INIT;
    uint64_t old_mfn;
    unsigned int flags;
    long rc;

    if (gfn == VLAPIC_DEFAULT_BASE >> PAGE_SHIFT)
        return -EINVAL;
    physmap_lock();
    rc = p2m_lookup(d->p2m, gfn, &old_mfn, NULL, NULL, &flags);
    if (rc == -EINVAL)
        goto out;
    rc = (flags & P2M_OWNED) ? retired_reserve(d) : 0;
    if (rc)
        goto out;
    rc = p2m_set(d->p2m, gfn, hv_mfn, 0, P2M_RAM_RW, P2M_DETACH | P2M_NODMA, &b);
    if (rc)
        goto out;
    if (flags & P2M_OWNED)
        d->retired.mfn[d->retired.nr++] = old_mfn;
    if (*where != gfn)
        unmap_if_there(d, *where, hv_mfn, &b);
    __atomic_store_n(where, gfn, __ATOMIC_RELAXED);
out:
    physmap_unlock();
    if (b.flush)
        hvm_flush_p2m(d);
    p2m_batch_done(&b);
    return rc;
}

int physmap_add_foreign(struct domain *d, uint64_t gfn, uint64_t mfn, bool readonly)
{
    struct p2m_batch b = P2M_BATCH_INIT;
    int rc;

    if (gfn == VLAPIC_DEFAULT_BASE >> PAGE_SHIFT)
        return -EINVAL;
    physmap_lock();
    rc = p2m_lookup(d->p2m, gfn, NULL, NULL, NULL, NULL);
    if (rc == -ENOENT)
        rc = p2m_set(d->p2m, gfn, mfn, 0, readonly ? P2M_RAM_RO : P2M_RAM_RW, 0, &b);
    else if (!rc)
        rc = -EBUSY;
    physmap_unlock();
    p2m_batch_done(&b);         /* nothing cached to flush: the gfn was empty */
    return rc;
}

void physmap_remove_foreign(struct domain *d, uint64_t gfn, uint64_t mfn, struct p2m_batch *b)
{
    physmap_lock();
    unmap_if_there(d, gfn, mfn, b);
    physmap_unlock();
}

static long add_to_physmap(struct vcpu *v, uint64_t arg)
{
    struct xen_add_to_physmap x;
    struct domain *d;
    uint64_t mfn, *where;
    long rc = 0;

    if (copy_from_guest(v, &x, arg, sizeof(x)))
        return -EFAULT;
    d = domain_target(v, x.domid, &rc);
    if (!d)
        return rc;
    switch (x.space) {
    case XENMAPSPACE_shared_info:
        rc = x.idx ? -EINVAL : map_hv_frame(d, x.gpfn, virt_to_phys(d->shared_info) >> PAGE_SHIFT,
                                             &d->shared_info_gfn);
        if (!rc && v->domain == d)
            vcpu_update_time(v);    /* fresh, though valid since creation */
        break;
    case XENMAPSPACE_grant_table:
        rc = gnttab_physmap_frame(d, x.idx, &mfn, &where);
        if (!rc)
            rc = map_hv_frame(d, x.gpfn, mfn, where);
        break;
    case XENMAPSPACE_gmfn:
    case XENMAPSPACE_gmfn_range:
        rc = -ENOSYS;               /* not yet */
        break;
    default:
        rc = -EINVAL;               /* as Xen: no such space for this call */
        break;
    }
    domain_target_put(v, d);
    return rc;
}

long do_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3,
                  uint64_t a4, uint64_t a5)
{
    switch (cmd) {
    case XENMEM_add_to_physmap:
        return add_to_physmap(v, arg);
    default:
        return memory_op_ctl(v, cmd, arg);     /* common/reservation.c */
    }
}
