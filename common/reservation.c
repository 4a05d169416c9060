// SPDX-License-Identifier: MIT
/*
 * A domain's RAM reservation: XENMEM_populate_physmap gives it zeroed RAM
 * at GFNs it names (extents of order 0 or 9, up to its max_pages),
 * XENMEM_decrease_reservation takes RAM back, current/maximum_reservation
 * read the counts. A domain names itself (DOMID_SELF); only the control
 * domain may name another (how it builds a new domain).
 *
 * Each extent either succeeds whole or stops the call: the return value is
 * the number of extents done. An extent fails when its GFN is misaligned,
 * beyond the guest-physical width, covers the local APIC page, is (partly)
 * populated already (populate) or not wholly the domain's own RAM
 * (decrease), when a frame of it is mapped by another domain or holds a
 * vCPU's registered vcpu_info, which Petrel writes to (decrease), or when
 * it would take the domain past max_pages.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/foreign_map.h>
#include <petrel/grant_table.h>
#include <petrel/hypercall.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <petrel/spinlock.h>
#include <public/memory.h>
#include <x86/hvm/hvm.h>
#include <x86/hvm/vlapic.h>

/* Extents per call at most: a caller asks again for the rest (Xen would
 * continue the hypercall; the return value says how many were done). */
#define MAX_EXTENTS_PER_CALL    4096

uint64_t domain_tot_pages(struct domain *d)
{
    return (d->p2m ? p2m_owned_pages(d->p2m) : 0) + d->retired.nr;
}

/* Is [gfn, gfn + 2^order) a valid place for an extent? */
static bool extent_ok(uint64_t gfn, unsigned int order)
{
    uint64_t lapic = VLAPIC_DEFAULT_BASE >> PAGE_SHIFT;

    if ((order != 0 && order != 9) || !IS_ALIGNED(gfn, 1ull << order))
        return false;
    return !(lapic >= gfn && lapic < gfn + (1ull << order));
}

/* Nothing mapped in [gfn, gfn + 2^order) of p; false also beyond its width. */
static bool range_empty(struct p2m *p, uint64_t gfn, unsigned int order)
{
    uint64_t end = gfn + (1ull << order);

    while (gfn < end) {
        unsigned int hole;

        if (p2m_lookup(p, gfn, NULL, NULL, &hole, NULL) != -ENOENT)
            return false;
        gfn = ALIGN_DOWN(gfn, 1ull << hole) + (1ull << hole);
    }
    return true;
}

/* Does a vCPU of d have its vcpu_info (registered there) in frame mfn? */
static bool holds_vcpu_info(struct domain *d, uint64_t mfn)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        if (virt_to_phys(d->vcpus[i]->vcpu_info) >> PAGE_SHIFT == mfn)
            return true;
    return false;
}

/*
 * Can d give back [gfn, gfn + 2^order)? Every frame must be its own RAM
 * (-EINVAL) and hold no vcpu_info Petrel writes to (-EBUSY). d->lock held,
 * which VCPUOP_register_vcpu_info takes too.
 */
static int range_releasable(struct domain *d, uint64_t gfn, unsigned int order)
{
    for (uint64_t i = 0; i < (1ull << order); i++) {
        enum p2m_type t;
        unsigned int flags;
        uint64_t mfn;

        if (p2m_lookup(d->p2m, gfn + i, &mfn, &t, NULL, &flags) ||
            !(flags & P2M_OWNED) || (t != P2M_RAM_RW && t != P2M_RAM_RO))
            return -EINVAL;
        if (holds_vcpu_info(d, mfn))
            return -EBUSY;
    }
    return 0;
}

/* Serialises the checks and changes of populate and decrease, for all
 * domains. Nests outside the foreign-map lock and the p2m lock. */
static spinlock_t reservation_lock = SPINLOCK_INIT;

static int populate_one(struct domain *d, uint64_t gfn, unsigned int order)
{
    struct p2m_batch b = P2M_BATCH_INIT;
    paddr_t pa;
    int rc;

    if (!extent_ok(gfn, order))
        return -EINVAL;
    pa = frame_alloc(order);
    if (!pa)
        return -ENOMEM;
    memset(phys_to_virt(pa), 0, PAGE_SIZE << order);
    spin_lock(&reservation_lock);
    foreign_lock();                 /* keeps foreign mappings off the range */
    if (domain_tot_pages(d) + (1ull << order) > d->max_pages)
        rc = -ENOMEM;
    else if (!range_empty(d->p2m, gfn, order))
        rc = -EBUSY;
    else
        rc = p2m_set(d->p2m, gfn, pa >> PAGE_SHIFT, order, P2M_RAM_RW, P2M_OWNED, &b);
    foreign_unlock();
    spin_unlock(&reservation_lock);
    if (rc)
        frame_free(pa, order);
    /* Only empty entries were filled: nothing cached, nothing to flush. */
    p2m_batch_done(&b);
    return rc;
}

static int decrease_one(struct domain *d, uint64_t gfn, unsigned int order)
{
    struct p2m_batch b = P2M_BATCH_INIT;
    struct grant_table *gt;
    unsigned long flags;
    int rc;

    if (!extent_ok(gfn, order))
        return -EINVAL;
    gt = gnttab_hold_pins(d);       /* no new pins meanwhile */
    if (!gt)
        return -ENOMEM;
    spin_lock(&reservation_lock);
    foreign_lock();
    flags = spin_lock_irqsave(&d->lock);
    rc = range_releasable(d, gfn, order);
    if (!rc && (foreign_mapped(d, gfn, order) || gnttab_gfns_pinned(gt, gfn, 1ull << order)))
        rc = -EBUSY;                /* another domain maps it: it stays */
    if (!rc)
        rc = p2m_remove(d->p2m, gfn, order, &b);
    spin_unlock_irqrestore(&d->lock, flags);
    foreign_unlock();
    spin_unlock(&reservation_lock);
    gnttab_release_pins(gt);
    /* The frames go back only once no vCPU of d can reach them. */
    if (b.flush)
        hvm_flush_p2m_sync(d);
    p2m_batch_done(&b);
    return rc;
}

static long reservation(struct vcpu *v, uint64_t arg, bool populate)
{
    struct xen_memory_reservation r;
    struct domain *d;
    long rc = 0, done = 0;

    if (copy_from_guest(v, &r, arg, sizeof(r)))
        return -EFAULT;
    if (r.extent_order != 0 && r.extent_order != 9)
        return -EINVAL;
    if (populate && (r.mem_flags & XENMEMF_populate_on_demand))
        return -EINVAL;
    d = domain_target(v, r.domid, &rc);
    if (!d)
        return rc;
    for (uint64_t i = 0; i < MIN(r.nr_extents, (uint64_t)MAX_EXTENTS_PER_CALL); i++) {
        xen_pfn_t gfn;

        if (copy_from_guest(v, &gfn, r.extent_start + i * sizeof(gfn), sizeof(gfn))) {
            rc = -EFAULT;
            break;
        }
        if (populate ? populate_one(d, gfn, r.extent_order)
                     : decrease_one(d, gfn, r.extent_order))
            break;
        done++;
    }
    domain_target_put(v, d);
    /* The count done; -EFAULT only if not even the first GFN could be read. */
    return done ? done : rc;
}

/* current_reservation / maximum_reservation: arg points to a domid_t. */
static long reservation_count(struct vcpu *v, uint64_t arg, bool max)
{
    struct domain *d;
    domid_t domid;
    long rc = 0;

    if (copy_from_guest(v, &domid, arg, sizeof(domid)))
        return -EFAULT;
    d = domain_target(v, domid, &rc);
    if (!d)
        return rc;
    rc = (long)MIN(max ? d->max_pages : domain_tot_pages(d), (uint64_t)INT64_MAX);
    domain_target_put(v, d);
    return rc;
}

/* remove_from_physmap: a foreign mapping, or a page of the domain's RAM. */
static long remove_from_physmap(struct vcpu *v, uint64_t arg)
{
    struct xen_remove_from_physmap x;
    struct domain *d;
    long rc = 0;

    if (copy_from_guest(v, &x, arg, sizeof(x)))
        return -EFAULT;
    d = domain_target(v, x.domid, &rc);
    if (!d)
        return rc;
    rc = foreign_unmap(d, x.gpfn);
    if (rc == -ENOENT)
        rc = decrease_one(d, x.gpfn, 0);
    domain_target_put(v, d);
    return rc;
}

long memory_op_ctl(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    switch (cmd) {
    case XENMEM_populate_physmap:
        return reservation(v, arg, true);
    case XENMEM_decrease_reservation:
        return reservation(v, arg, false);
    case XENMEM_current_reservation:
        return reservation_count(v, arg, false);
    case XENMEM_maximum_reservation:
        return reservation_count(v, arg, true);
    case XENMEM_add_to_physmap_batch:
        return foreign_map_batch(v, arg);
    case XENMEM_remove_from_physmap:
        return remove_from_physmap(v, arg);
    default:
        return -ENOSYS;
    }
}
