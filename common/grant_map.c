// SPDX-License-Identifier: MIT
/*
 * Using grants: GNTTABOP_map_grant_ref, unmap_grant_ref and copy, and the
 * teardown of a dead domain's mappings (docs/grant-tables.md).
 *
 * A mapping puts the granter's frame, not owned, at an empty gfn of the
 * mapper (GNTMAP_host_map; host_addr is that gfn's address), read-only or
 * writable, and records it in the mapper's maptrack with a pin on the
 * grant entry and a reference on the granter. Unmapping takes the p2m
 * entry out, waits until no vCPU of the mapper can still use it
 * (hvm_flush_p2m_sync), and only then drops the pin (the granter may now
 * end access and reuse the frame) and the reference (the granter, if dead,
 * may now be destroyed and its frames freed).
 *
 * Each step takes one lock at a time: the mapper's grant lock for its
 * maptrack (an entry is 'busy' while made or undone, so nobody else
 * touches it), the granter's inside gnttab_pin/unpin, the physmap lock in
 * physmap_add/remove_foreign.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/grant_table.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <petrel/physmap.h>
#include <petrel/spinlock.h>
#include <public/grant_table.h>
#include <x86/hvm/hvm.h>
#include "grant_private.h"

#define UNMAP_BATCH     16      /* unmaps that share one synchronous flush */

/* A free maptrack handle of gt, marked busy; GNTTAB_MAX_MAPS if none. */
/* The granting domain, with a reference; NULL (GNTST_bad_domain) when
 * there is none or it has stopped: a shut-down, crashed or dying domain
 * grants nothing new, though mappings made before stay until unmapped. */
static struct domain *granter_get(domid_t id)
{
    struct domain *d = domain_by_id(id);

    if (d && (d->state == DOMAIN_SHUTDOWN || d->state == DOMAIN_CRASHED ||
              __atomic_load_n(&d->dying, __ATOMIC_ACQUIRE))) {
        domain_put(d);
        return NULL;
    }
    return d;
}

static unsigned int maptrack_take(struct grant_table *gt)
{
    struct gnttab_map *fresh = NULL;
    unsigned int h = GNTTAB_MAX_MAPS;

    if (!__atomic_load_n(&gt->maptrack, __ATOMIC_ACQUIRE))
        fresh = xzalloc(GNTTAB_MAX_MAPS * sizeof(*fresh));
    spin_lock(&gt->lock);
    if (!gt->maptrack) {
        gt->maptrack = fresh;
        fresh = NULL;
    }
    for (unsigned int i = 0; gt->maptrack && gt->nr_maps < GNTTAB_MAX_MAPS && i < GNTTAB_MAX_MAPS; i++)
        if (!gt->maptrack[i].granter && !gt->maptrack[i].busy) {
            gt->maptrack[i].busy = true;
            gt->nr_maps++;
            h = i;
            break;
        }
    spin_unlock(&gt->lock);
    xfree(fresh);
    return h;
}

static void maptrack_release(struct grant_table *gt, unsigned int h)
{
    spin_lock(&gt->lock);
    gt->maptrack[h] = (struct gnttab_map){ .granter = NULL };
    gt->nr_maps--;
    spin_unlock(&gt->lock);
}

/* ---- map ------------------------------------------------------------------ */

static int16_t map_one(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
    struct domain *ld = v->domain, *rd;
    struct grant_table *lt;
    bool ro = op->flags & GNTMAP_readonly;
    uint64_t gfn = op->host_addr >> PAGE_SHIFT, mfn;
    unsigned int h;
    int16_t st;
    int rc;

    if (!(op->flags & (GNTMAP_host_map | GNTMAP_device_map)))
        return GNTST_bad_gntref;                /* as Xen */
    /* Device, application and PTE mappings are for PV guests or an IOMMU. */
    if (!(op->flags & GNTMAP_host_map) ||
        (op->flags & ~(GNTMAP_host_map | GNTMAP_readonly | GNTMAP_can_fail)))
        return GNTST_general_error;
    if (op->host_addr & ~PAGE_MASK)
        return GNTST_bad_virt_addr;
    lt = gnttab_get(ld, true);
    if (!lt)
        return GNTST_general_error;
    rd = granter_get(op->dom == DOMID_SELF ? ld->id : op->dom);
    if (!rd)
        return GNTST_bad_domain;
    st = GNTST_no_space;
    h = maptrack_take(lt);
    if (h == GNTTAB_MAX_MAPS)
        goto put;
    st = gnttab_pin(rd, op->ref, ld->id, ro, &mfn);
    if (st != GNTST_okay)
        goto release;
    rc = physmap_add_foreign(ld, gfn, mfn, ro);
    if (rc) {
        st = rc == -ENOMEM ? GNTST_general_error : GNTST_bad_virt_addr;
        gnttab_unpin(rd, op->ref, ro);
        goto release;
    }
    spin_lock(&lt->lock);
    lt->maptrack[h] = (struct gnttab_map){
        .granter = rd, .gfn = gfn, .mfn = mfn, .ref = op->ref, .readonly = ro,
    };
    spin_unlock(&lt->lock);
    op->handle = h;
    op->dev_bus_addr = 0;
    return GNTST_okay;                          /* the mapping keeps rd's reference */

release:
    maptrack_release(lt, h);
put:
    domain_put(rd);
    return st;
}

/*
 * Run 'fn' on each of 'count' ops of 'size' bytes at uops, writing each
 * back (with its status) after it ran: 0, -EINVAL (too many), -EFAULT.
 */
static long each_op(struct vcpu *v, uint64_t uops, uint64_t count, size_t size,
                    void (*fn)(struct vcpu *v, void *op))
{
    union {
        struct gnttab_map_grant_ref map;
        struct gnttab_copy copy;
    } op;

    if (count > GNTTAB_MAX_OPS)
        return -EINVAL;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t at = uops + i * size;

        if (copy_from_guest(v, &op, at, size))
            return -EFAULT;
        fn(v, &op);
        if (copy_to_guest(v, at, &op, size))
            return -EFAULT;
    }
    return 0;
}

static void map_op(struct vcpu *v, void *op)
{
    struct gnttab_map_grant_ref *m = op;

    m->handle = ~0u;
    m->status = map_one(v, m);
}

long gnttab_map(struct vcpu *v, uint64_t uops, uint64_t count)
{
    return each_op(v, uops, count, sizeof(struct gnttab_map_grant_ref), map_op);
}

/* ---- unmap ---------------------------------------------------------------- */

/* A mapping taken out of the p2m, waiting for the flush. */
struct unmapped {
    struct domain *granter;
    grant_ref_t ref;
    bool readonly;
    unsigned int handle;
};

/* Mapping 'h' is being undone: busy from now on, its pieces in *u. Lock held. */
static void mark_unmapping(struct gnttab_map *m, unsigned int h, struct unmapped *u)
{
    *u = (struct unmapped){ m->granter, m->ref, m->readonly, h };
    m->busy = true;
}

static void unmap_finish(struct grant_table *gt, const struct unmapped *u)
{
    gnttab_unpin(u->granter, u->ref, u->readonly);
    domain_put(u->granter);
    maptrack_release(gt, u->handle);
}

static int16_t unmap_start(struct domain *d, const struct gnttab_unmap_grant_ref *op,
                           struct unmapped *u, struct p2m_batch *b)
{
    struct grant_table *gt = gnttab_get(d, false);
    struct gnttab_map *m;
    uint64_t gfn = 0, mfn = 0;
    int16_t st = GNTST_bad_handle;

    if (op->dev_bus_addr)
        return GNTST_bad_dev_addr;              /* map never gives one */
    if (!gt)
        return GNTST_bad_handle;
    spin_lock(&gt->lock);
    if (op->handle >= GNTTAB_MAX_MAPS || !gt->maptrack)
        goto out;
    m = &gt->maptrack[op->handle];
    if (!m->granter || m->busy)
        goto out;
    st = GNTST_bad_virt_addr;
    if (op->host_addr != m->gfn << PAGE_SHIFT)
        goto out;
    gfn = m->gfn;
    mfn = m->mfn;
    mark_unmapping(m, op->handle, u);
    st = GNTST_okay;
out:
    spin_unlock(&gt->lock);
    if (st == GNTST_okay)
        physmap_remove_foreign(d, gfn, mfn, b);
    return st;
}

/* No vCPU of d may use the removed translations; then hand the frames back. */
static void unmap_batch_done(struct domain *d, struct unmapped *u, unsigned int n,
                             struct p2m_batch *b)
{
    if (!n)
        return;
    /* Even if b says no flush: the guest may have replaced the mapping
     * itself (add_to_physmap), and that flush did not wait. */
    hvm_flush_p2m_sync(d);
    p2m_batch_done(b);
    for (unsigned int i = 0; i < n; i++)
        unmap_finish(d->grant, &u[i]);
}

long gnttab_unmap(struct vcpu *v, uint64_t uops, uint64_t count)
{
    struct p2m_batch b = P2M_BATCH_INIT;
    struct unmapped u[UNMAP_BATCH];
    struct gnttab_unmap_grant_ref op;
    unsigned int n = 0;
    long rc = 0;

    if (count > GNTTAB_MAX_OPS)
        return -EINVAL;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t at = uops + i * sizeof(op);

        if (copy_from_guest(v, &op, at, sizeof(op))) {
            rc = -EFAULT;
            break;
        }
        op.status = unmap_start(v->domain, &op, &u[n], &b);
        if (op.status == GNTST_okay)
            n++;
        if (copy_to_guest(v, at + offsetof(struct gnttab_unmap_grant_ref, status),
                          &op.status, sizeof(op.status))) {
            rc = -EFAULT;
            break;
        }
        if (n == UNMAP_BATCH) {
            unmap_batch_done(v->domain, u, n, &b);
            n = 0;
        }
    }
    unmap_batch_done(v->domain, u, n, &b);
    p2m_batch_done(&b);
    return rc;
}

void gnttab_relinquish(struct domain *d)
{
    struct grant_table *gt = gnttab_get(d, false);
    struct p2m_batch b = P2M_BATCH_INIT;

    if (!gt || !gt->maptrack)
        return;
    /* d's vCPUs never enter again: no flush to wait for (a reused ASID or
     * EPTP is flushed when its next vCPU arrives on a pCPU). */
    for (unsigned int h = 0; h < GNTTAB_MAX_MAPS; h++) {
        struct unmapped u;
        uint64_t gfn, mfn;

        spin_lock(&gt->lock);
        if (!gt->maptrack[h].granter || gt->maptrack[h].busy) {
            spin_unlock(&gt->lock);
            continue;
        }
        gfn = gt->maptrack[h].gfn;
        mfn = gt->maptrack[h].mfn;
        mark_unmapping(&gt->maptrack[h], h, &u);
        spin_unlock(&gt->lock);
        if (d->p2m)
            physmap_remove_foreign(d, gfn, mfn, &b);
        p2m_batch_done(&b);
        unmap_finish(gt, &u);
    }
}

/* ---- copy ----------------------------------------------------------------- */

/* One side of a copy, held from side_get() to side_put(). */
struct copy_side {
    struct domain *d;               /* NULL: nothing held */
    bool gref, ro;
    grant_ref_t ref;
    uint8_t *p;                     /* the first byte, in the hypervisor's map */
};

/* A grant reference of ptr->domid, or a gfn of the caller (of any domain
 * for the control domain), that must be RAM its domain owns. */
static int16_t side_get(struct vcpu *v, const struct gnttab_copy_ptr *ptr, bool gref, bool ro,
                        struct copy_side *s)
{
    enum p2m_type t;
    unsigned int flags;
    uint64_t mfn;
    long rc = 0;
    int16_t st;

    *s = (struct copy_side){ .gref = gref, .ro = ro, .ref = ptr->u.ref };
    if (gref) {
        s->d = granter_get(ptr->domid == DOMID_SELF ? v->domain->id : ptr->domid);
        if (!s->d)
            return GNTST_bad_domain;
        st = gnttab_pin(s->d, ptr->u.ref, v->domain->id, ro, &mfn);
        if (st != GNTST_okay) {
            domain_put(s->d);
            s->d = NULL;
            return st;
        }
    } else {
        s->d = domain_target(v, ptr->domid, &rc);
        if (!s->d)
            return rc == -EPERM ? GNTST_permission_denied : GNTST_bad_domain;
        if (p2m_lookup(s->d->p2m, ptr->u.gmfn, &mfn, &t, NULL, &flags) ||
            !(flags & P2M_OWNED) || (t != P2M_RAM_RW && !(ro && t == P2M_RAM_RO))) {
            domain_target_put(v, s->d);
            s->d = NULL;
            return GNTST_bad_page;
        }
    }
    s->p = (uint8_t *)phys_to_virt(mfn << PAGE_SHIFT) + ptr->offset;
    return GNTST_okay;
}

static void side_put(struct vcpu *v, struct copy_side *s)
{
    if (!s->d)
        return;
    if (s->gref) {
        gnttab_unpin(s->d, s->ref, s->ro);
        domain_put(s->d);
    } else {
        domain_target_put(v, s->d);
    }
    s->d = NULL;
}

static int16_t copy_one(struct vcpu *v, const struct gnttab_copy *op)
{
    struct copy_side src, dst;
    int16_t st;

    if (op->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref))
        return GNTST_bad_copy_arg;
    if (op->source.offset + op->len > PAGE_SIZE || op->dest.offset + op->len > PAGE_SIZE)
        return GNTST_bad_copy_arg;
    st = side_get(v, &op->source, op->flags & GNTCOPY_source_gref, true, &src);
    if (st != GNTST_okay)
        return st;
    st = side_get(v, &op->dest, op->flags & GNTCOPY_dest_gref, false, &dst);
    if (st == GNTST_okay)
        memmove(dst.p, src.p, op->len);
    side_put(v, &dst);
    side_put(v, &src);
    return st;
}

static void copy_op(struct vcpu *v, void *op)
{
    struct gnttab_copy *c = op;

    c->status = copy_one(v, c);
}

long gnttab_copy(struct vcpu *v, uint64_t uops, uint64_t count)
{
    return each_op(v, uops, count, sizeof(struct gnttab_copy), copy_op);
}
