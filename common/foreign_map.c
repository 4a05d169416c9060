// SPDX-License-Identifier: MIT
/*
 * Foreign mappings: the control domain maps frames of another domain's RAM
 * into its own physmap (XENMEM_add_to_physmap_batch, XENMAPSPACE_gmfn_foreign)
 * to build it and to reach its rings, and unmaps them with
 * XENMEM_remove_from_physmap.
 *
 * The mapper's p2m maps the frame without owning it. The frame stays the
 * foreign domain's: each mapping holds a reference on that domain (so it is
 * not destroyed, only dying, while mapped) and decrease_reservation refuses
 * to give back a frame someone maps. Every live mapping is on one list,
 * guarded by foreign_lock() (the physmap lock), so that both checks and the teardown of a dying
 * mapper find them.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/physmap.h>
#include <petrel/foreign_map.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <petrel/printk.h>
#include <petrel/spinlock.h>
#include <public/memory.h>
#include <x86/hvm/hvm.h>
#include <x86/hvm/vlapic.h>

struct foreign_map {
    struct foreign_map *next;
    struct domain *mapper;          /* whose p2m maps it */
    uint64_t gfn;                   /* where, in the mapper */
    struct domain *owner;           /* whose RAM it is: referenced */
    uint64_t owner_gfn;
};

/* Guards 'mappings' and each mapper's foreign p2m entries. Nests inside
 * reservation_lock, outside the p2m locks. */
static struct foreign_map *mappings;

/* The mappings list and the gfns they fill are guarded by the physmap
 * lock, which grant mappings and add_to_physmap take too. */
void foreign_lock(void)
{
    physmap_lock();
}

void foreign_unlock(void)
{
    physmap_unlock();
}

bool foreign_mapped(struct domain *d, uint64_t gfn, unsigned int order)
{
    for (struct foreign_map *m = mappings; m; m = m->next)
        if (m->owner == d && m->owner_gfn >= gfn && m->owner_gfn < gfn + (1ull << order))
            return true;
    return false;
}

/* The link that points to mapper's mapping at gfn, or NULL. Lock held. */
static struct foreign_map **find(struct domain *mapper, uint64_t gfn)
{
    for (struct foreign_map **l = &mappings; *l; l = &(*l)->next)
        if ((*l)->mapper == mapper && (*l)->gfn == gfn)
            return l;
    return NULL;
}

/* Drop a mapping already unlinked (and flushed): its reference and node. */
static void release(struct foreign_map *m)
{
    domain_put(m->owner);
    xfree(m);
}

/*
 * Map owner's frame at owner_gfn at mapper's gfn. 'm' is a fresh node; it
 * is used (0 returned) or left to the caller. *old gets the mapping it
 * replaced, unlinked, for the caller to release after the flush.
 */
static int map_one(struct foreign_map *m, struct p2m_batch *b, struct foreign_map **old)
{
    struct domain *mapper = m->mapper, *owner = m->owner;
    struct foreign_map **prev;
    enum p2m_type t;
    unsigned int flags;
    uint64_t mfn;
    int rc;

    if (m->gfn == VLAPIC_DEFAULT_BASE >> PAGE_SHIFT)
        return -EINVAL;
    foreign_lock();
    rc = p2m_lookup(owner->p2m, m->owner_gfn, &mfn, &t, NULL, &flags);
    if (rc || t != P2M_RAM_RW || !(flags & P2M_OWNED)) {
        rc = -EINVAL;               /* not populated RAM of the owner */
        goto out;
    }
    prev = find(mapper, m->gfn);
    rc = p2m_lookup(mapper->p2m, m->gfn, NULL, NULL, NULL, NULL);
    if (rc == -EINVAL || (!rc && !prev)) {
        rc = rc ? rc : -EBUSY;      /* beyond its width, or something else there */
        goto out;
    }
    rc = p2m_set(mapper->p2m, m->gfn, mfn, 0, P2M_RAM_RW, 0, b);
    if (rc)
        goto out;
    if (prev) {
        *old = *prev;
        *prev = (*prev)->next;
    }
    m->next = mappings;
    mappings = m;
out:
    foreign_unlock();
    return rc;
}

/* One entry of a batch: its result for errs[]. */
static int map_entry(struct domain *mapper, struct domain *owner, uint64_t idx, uint64_t gpfn)
{
    struct p2m_batch b = P2M_BATCH_INIT;
    struct foreign_map *m = xzalloc(sizeof(*m)), *old = NULL;
    int rc;

    if (!m)
        return -ENOMEM;
    *m = (struct foreign_map){ .mapper = mapper, .gfn = gpfn, .owner = owner,
                               .owner_gfn = idx };
    domain_get(owner);
    rc = map_one(m, &b, &old);
    if (b.flush)
        hvm_flush_p2m_sync(mapper);
    p2m_batch_done(&b);
    if (old)
        release(old);
    if (rc) {
        domain_put(owner);
        xfree(m);
    }
    return rc;
}

long foreign_map_batch(struct vcpu *v, uint64_t arg)
{
    struct xen_add_to_physmap_batch x;
    struct domain *d, *owner;
    long rc = 0;

    if (copy_from_guest(v, &x, arg, sizeof(x)))
        return -EFAULT;
    if (x.space != XENMAPSPACE_gmfn_foreign)
        return -EOPNOTSUPP;
    if (!v->domain->privileged)
        return -EPERM;
    d = domain_target(v, x.domid, &rc);
    if (!d)
        return rc;
    owner = domain_by_id(x.foreign_domid);
    if (!owner || owner->dying || owner == d) {
        rc = owner == d ? -EINVAL : -ESRCH;
        goto out;
    }
    for (unsigned int i = 0; i < x.size; i++) {
        uint64_t idx, gpfn;
        int32_t err;

        if (copy_from_guest(v, &idx, x.idxs + i * sizeof(idx), sizeof(idx)) ||
            copy_from_guest(v, &gpfn, x.gpfns + i * sizeof(gpfn), sizeof(gpfn))) {
            rc = -EFAULT;
            break;
        }
        err = map_entry(d, owner, idx, gpfn);
        if (copy_to_guest(v, x.errs + i * sizeof(err), &err, sizeof(err))) {
            rc = -EFAULT;
            break;
        }
    }
out:
    if (owner)
        domain_put(owner);
    domain_target_put(v, d);
    return rc;
}

long foreign_unmap(struct domain *mapper, uint64_t gfn)
{
    struct p2m_batch b = P2M_BATCH_INIT;
    struct foreign_map **l, *m = NULL;
    int rc = -ENOENT;

    foreign_lock();
    l = find(mapper, gfn);
    if (l) {
        m = *l;
        rc = p2m_remove(mapper->p2m, gfn, 0, &b);
        if (!rc)
            *l = m->next;
    }
    foreign_unlock();
    /* The owner's frame may be freed once the reference goes: flush first. */
    if (b.flush)
        hvm_flush_p2m_sync(mapper);
    p2m_batch_done(&b);
    if (!rc)
        release(m);
    return rc;
}

void foreign_map_release_all(struct domain *mapper)
{
    struct foreign_map *mine = NULL, **l;

    foreign_lock();
    for (l = &mappings; *l;) {
        struct foreign_map *m = *l;

        if (m->mapper != mapper) {
            l = &m->next;
            continue;
        }
        *l = m->next;
        m->next = mine;
        mine = m;
    }
    foreign_unlock();
    while (mine) {
        struct foreign_map *m = mine;

        mine = m->next;
        release(m);
    }
}
