// SPDX-License-Identifier: MIT
/*
 * Grant tables v1: the granter's shared table, pins and the flag protocol;
 * GNTTABOP_setup_table, query_size, set_version and get_version. Mapping,
 * unmapping and copying are in grant_map.c.
 *
 * A guest grants by filling an entry of its table (domid, frame, then
 * flags). Whoever uses the grant, a mapping or a copy in flight, pins the
 * entry: the first pin sets GTF_reading (and GTF_writing for a writable
 * use) in the shared entry with a compare-exchange that re-checks type,
 * domid and GTF_readonly in the same step, so the granter, which ends
 * access with its own compare-exchange on flags, either ends it before the
 * pin (which then fails) or sees the bits and backs off. The last pin of a
 * kind clears its bit. While pinned, the frame found at the first pin is
 * what every user gets; it must be RAM the granter owns.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/grant_table.h>
#include <petrel/hypercall.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <petrel/spinlock.h>
#include <public/grant_table.h>
#include <x86/hvm/hvm.h>
#include "grant_private.h"

static void table_free(struct grant_table *gt)
{
    for (unsigned int i = 0; i < gt->nr_frames; i++) {
        frame_free(virt_to_phys(gt->shared[i]), 0);
        xfree(gt->active[i]);
    }
    xfree(gt->maptrack);
    xfree(gt);
}

/* Give gt 'nr' frames; 0 or -ENOMEM (it keeps what it got). gt's lock held,
 * or gt not yet published. */
static int table_grow(struct grant_table *gt, unsigned int nr)
{
    while (gt->nr_frames < nr) {
        unsigned int i = gt->nr_frames;
        paddr_t pa = frame_alloc(0);

        gt->active[i] = xzalloc(GNTTAB_PER_FRAME * sizeof(*gt->active[i]));
        if (!pa || !gt->active[i]) {
            if (pa)
                frame_free(pa, 0);
            xfree(gt->active[i]);
            gt->active[i] = NULL;
            return -ENOMEM;
        }
        gt->shared[i] = phys_to_virt(pa);
        memset(gt->shared[i], 0, PAGE_SIZE);
        gt->frame_gfn[i] = ~0ull;
        /* readers test nr_frames without the lock (query_size): last */
        __atomic_store_n(&gt->nr_frames, i + 1, __ATOMIC_RELEASE);
    }
    return 0;
}

struct grant_table *gnttab_get(struct domain *d, bool create)
{
    struct grant_table *gt = __atomic_load_n(&d->grant, __ATOMIC_ACQUIRE), *none = NULL;

    if (gt || !create)
        return gt;
    gt = xzalloc(sizeof(*gt));
    if (!gt)
        return NULL;
    gt->lock = (spinlock_t)SPINLOCK_INIT;
    if (table_grow(gt, GNTTAB_INIT_FRAMES)) {
        table_free(gt);
        return NULL;
    }
    if (!__atomic_compare_exchange_n(&d->grant, &none, gt, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        table_free(gt);             /* another vCPU was first */
        gt = none;
    }
    return gt;
}

/* The flags and domid of an entry, as one 32-bit word (little-endian). */
static uint32_t *entry_header(struct grant_table *gt, grant_ref_t ref)
{
    BUILD_BUG_ON(offsetof(struct grant_entry_v1, domid) != 2);
    return (uint32_t *)&gt->shared[ref / GNTTAB_PER_FRAME][ref % GNTTAB_PER_FRAME];
}

static struct gnttab_active *active_of(struct grant_table *gt, grant_ref_t ref)
{
    return &gt->active[ref / GNTTAB_PER_FRAME][ref % GNTTAB_PER_FRAME];
}

/*
 * Set GTF_reading (and GTF_writing unless 'ro') in entry 'ref' if it grants
 * 'ldom' that access; GNTST_okay, or GNTST_general_error (not a permit
 * for ldom, read-only, or the guest kept changing it), as Xen.
 */
static int16_t set_in_use(struct grant_table *gt, grant_ref_t ref, domid_t ldom, bool ro)
{
    uint32_t *hdr = entry_header(gt, ref);
    uint32_t old = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

    for (unsigned int tries = 0; tries < 4; tries++) {
        uint16_t flags = old & 0xffff;
        uint32_t new = old | GTF_reading | (ro ? 0 : GTF_writing);

        if ((flags & GTF_type_mask) != GTF_permit_access || (old >> 16) != ldom ||
            (!ro && (flags & GTF_readonly)))
            return GNTST_general_error;
        if (__atomic_compare_exchange_n(hdr, &old, new, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return GNTST_okay;
    }
    return GNTST_general_error;
}

static void clear_in_use(struct grant_table *gt, grant_ref_t ref, uint16_t bits)
{
    uint16_t *flags = &gt->shared[ref / GNTTAB_PER_FRAME][ref % GNTTAB_PER_FRAME].flags;

    if (bits)
        __atomic_and_fetch(flags, (uint16_t)~bits, __ATOMIC_RELEASE);
}

/* The granted gfn of rd, if it is RAM rd owns, writable unless 'ro'. */
static int16_t granted_frame(struct domain *rd, uint64_t gfn, bool ro, uint64_t *mfn,
                             bool *writable)
{
    enum p2m_type t;
    unsigned int flags;

    if (p2m_lookup(rd->p2m, gfn, mfn, &t, NULL, &flags) || !(flags & P2M_OWNED))
        return GNTST_bad_page;
    if (t != P2M_RAM_RW && !(t == P2M_RAM_RO && ro))
        return GNTST_bad_page;
    *writable = t == P2M_RAM_RW;
    return GNTST_okay;
}

int16_t gnttab_pin(struct domain *rd, grant_ref_t ref, domid_t ldom, bool ro, uint64_t *mfn)
{
    struct grant_table *gt = gnttab_get(rd, false);
    struct gnttab_active *a;
    uint16_t set;
    int16_t st;

    if (!gt)
        return GNTST_bad_gntref;
    spin_lock(&gt->lock);
    st = GNTST_bad_gntref;
    if (ref >= gt->nr_frames * GNTTAB_PER_FRAME)
        goto out;
    a = active_of(gt, ref);
    st = GNTST_general_error;
    if ((a->pins_ro || a->pins_rw) && (a->domid != ldom || (!ro && !a->writable)))
        goto out;
    /* The bits this pin adds: only those no pin holds yet. */
    set = (a->pins_ro || a->pins_rw ? 0 : GTF_reading) | (ro || a->pins_rw ? 0 : GTF_writing);
    if (set && (st = set_in_use(gt, ref, ldom, ro)) != GNTST_okay)
        goto out;
    if (!a->pins_ro && !a->pins_rw) {
        uint32_t gfn = __atomic_load_n(&gt->shared[ref / GNTTAB_PER_FRAME]
                                       [ref % GNTTAB_PER_FRAME].frame, __ATOMIC_ACQUIRE);

        st = granted_frame(rd, gfn, ro, &a->mfn, &a->writable);
        if (st != GNTST_okay) {
            clear_in_use(gt, ref, set);
            goto out;
        }
        a->domid = ldom;
        a->gfn = gfn;
        gt->nr_pinned++;
    }
    if (ro)
        a->pins_ro++;
    else
        a->pins_rw++;
    *mfn = a->mfn;
    st = GNTST_okay;
out:
    spin_unlock(&gt->lock);
    return st;
}

struct grant_table *gnttab_hold_pins(struct domain *d)
{
    /* Made if missing: a table created just after a look that found none
     * could have its first pin land between the check and the removal. */
    struct grant_table *gt = gnttab_get(d, true);

    if (gt)
        spin_lock(&gt->lock);
    return gt;
}

void gnttab_release_pins(struct grant_table *gt)
{
    spin_unlock(&gt->lock);
}

bool gnttab_gfns_pinned(struct grant_table *gt, uint64_t gfn, uint64_t nr)
{
    if (!gt->nr_pinned)
        return false;
    for (unsigned int ref = 0; ref < gt->nr_frames * GNTTAB_PER_FRAME; ref++) {
        const struct gnttab_active *a = active_of(gt, ref);

        if ((a->pins_ro || a->pins_rw) && a->gfn - gfn < nr)
            return true;
    }
    return false;
}

void gnttab_unpin(struct domain *rd, grant_ref_t ref, bool ro)
{
    struct grant_table *gt = gnttab_get(rd, false);
    struct gnttab_active *a = active_of(gt, ref);
    uint16_t clear = 0;

    spin_lock(&gt->lock);
    if (ro)
        a->pins_ro--;
    else if (!--a->pins_rw)
        clear |= GTF_writing;
    if (!a->pins_ro && !a->pins_rw) {
        clear |= GTF_reading;
        gt->nr_pinned--;
    }
    clear_in_use(gt, ref, clear);
    spin_unlock(&gt->lock);
}

int gnttab_physmap_frame(struct domain *d, uint64_t idx, uint64_t *mfn, uint64_t **gfn_slot)
{
    struct grant_table *gt;
    int rc;

    if (idx >= GNTTAB_MAX_FRAMES)       /* the status-frame bit included */
        return -EINVAL;
    gt = gnttab_get(d, true);
    if (!gt)
        return -ENOMEM;
    spin_lock(&gt->lock);
    rc = table_grow(gt, idx + 1);
    if (!rc) {
        *mfn = virt_to_phys(gt->shared[idx]) >> PAGE_SHIFT;
        *gfn_slot = &gt->frame_gfn[idx];
    }
    spin_unlock(&gt->lock);
    return rc;
}

bool gnttab_is_frame_gfn(struct domain *d, uint64_t gfn)
{
    struct grant_table *gt = d->grant;

    for (unsigned int i = 0; gt && i < GNTTAB_MAX_FRAMES; i++)
        if (gt->frame_gfn[i] == gfn)
            return true;
    return false;
}

void gnttab_domain_destroy(struct domain *d)
{
    struct grant_table *gt = d->grant;

    if (!gt)
        return;
    d->grant = NULL;
    table_free(gt);
}

/* ---- setup_table, query_size, set_version, get_version -------------------- */

/*
 * The one op of a setup_table or query_size call (count must be 1) into
 * 'op', and the domain its leading 'dom' names for v in *d: NULL with *st
 * GNTST_bad_domain or GNTST_permission_denied. 0, -EINVAL or -EFAULT.
 */
static long single_op(struct vcpu *v, uint64_t uop, uint64_t count, void *op, size_t size,
                      struct domain **d, int16_t *st)
{
    long rc = 0;

    BUILD_BUG_ON(offsetof(struct gnttab_setup_table, dom) != 0);
    BUILD_BUG_ON(offsetof(struct gnttab_query_size, dom) != 0);
    if (count != 1)
        return -EINVAL;
    if (copy_from_guest(v, op, uop, size))
        return -EFAULT;
    *d = domain_target(v, *(domid_t *)op, &rc);
    if (!*d)
        *st = rc == -EPERM ? GNTST_permission_denied : GNTST_bad_domain;
    return 0;
}

static long setup_table(struct vcpu *v, uint64_t uop, uint64_t count)
{
    struct gnttab_setup_table op;
    struct grant_table *gt;
    struct domain *d;
    long rc = single_op(v, uop, count, &op, sizeof(op), &d, &op.status);

    if (rc)
        return rc;
    if (!d)
        goto out;
    op.status = GNTST_general_error;
    gt = gnttab_get(d, true);
    if (gt && op.nr_frames <= GNTTAB_MAX_FRAMES) {
        spin_lock(&gt->lock);
        if (!table_grow(gt, op.nr_frames))
            op.status = GNTST_okay;
        spin_unlock(&gt->lock);
    }
    /* A translated guest gets the gfns where it mapped the frames (as Xen):
     * ~0 for one not mapped. */
    for (uint32_t i = 0; op.status == GNTST_okay && i < op.nr_frames; i++) {
        uint64_t gfn = __atomic_load_n(&gt->frame_gfn[i], __ATOMIC_RELAXED);

        if (copy_to_guest(v, op.frame_list + i * sizeof(gfn), &gfn, sizeof(gfn)))
            op.status = GNTST_bad_virt_addr;
    }
    domain_target_put(v, d);
out:
    return copy_to_guest(v, uop + offsetof(struct gnttab_setup_table, status), &op.status,
                         sizeof(op.status)) ? -EFAULT : 0;
}

static long query_size(struct vcpu *v, uint64_t uop, uint64_t count)
{
    struct gnttab_query_size op;
    struct grant_table *gt;
    struct domain *d;
    long rc = single_op(v, uop, count, &op, sizeof(op), &d, &op.status);

    if (rc)
        return rc;
    if (d) {
        gt = gnttab_get(d, true);
        op.nr_frames = gt ? __atomic_load_n(&gt->nr_frames, __ATOMIC_ACQUIRE) : 0;
        op.max_nr_frames = GNTTAB_MAX_FRAMES;
        op.status = gt ? GNTST_okay : GNTST_general_error;
        domain_target_put(v, d);
    }
    return copy_to_guest(v, uop, &op, sizeof(op)) ? -EFAULT : 0;
}

/* Version 1 only: 2 is -ENOSYS, as Xen with v2 disabled; the version in
 * force (1) is written back either way. */
static long set_version(struct vcpu *v, uint64_t uop)
{
    struct gnttab_set_version op;
    long rc;

    if (copy_from_guest(v, &op, uop, sizeof(op)))
        return -EFAULT;
    rc = op.version == 1 ? 0 : op.version == 2 ? -ENOSYS : -EINVAL;
    op.version = 1;
    return copy_to_guest(v, uop, &op, sizeof(op)) ? -EFAULT : rc;
}

static long get_version(struct vcpu *v, uint64_t uop)
{
    struct gnttab_get_version op;
    struct domain *d;
    long rc = 0;

    if (copy_from_guest(v, &op, uop, sizeof(op)))
        return -EFAULT;
    d = domain_target(v, op.dom, &rc);
    if (!d)
        return rc;
    domain_target_put(v, d);
    op.version = 1;
    return copy_to_guest(v, uop, &op, sizeof(op)) ? -EFAULT : 0;
}

long do_grant_table_op(struct vcpu *v, uint64_t cmd, uint64_t uops, uint64_t count,
                       uint64_t a4, uint64_t a5)
{
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        return gnttab_map(v, uops, count);
    case GNTTABOP_unmap_grant_ref:
        return gnttab_unmap(v, uops, count);
    case GNTTABOP_copy:
        return gnttab_copy(v, uops, count);
    case GNTTABOP_setup_table:
        return setup_table(v, uops, count);
    case GNTTABOP_query_size:
        return query_size(v, uops, count);
    case GNTTABOP_set_version:
        return set_version(v, uops);
    case GNTTABOP_get_version:
        return get_version(v, uops);
    default:
        return -ENOSYS;
    }
}
