// SPDX-License-Identifier: MIT
/*
 * dom0's grant table, version 1: its own entries, to let other domains map
 * or copy its pages (the rings it will share as a backend's peer), and
 * maps of pages other domains granted it. The table's frames are mapped
 * into pages of dom0's RAM with XENMEM_add_to_physmap(XENMAPSPACE_grant_table),
 * as a PVH guest does. Entries below GNTTAB_NR_RESERVED_ENTRIES belong to
 * the toolstack and are never handed out.
 */
#include <public/errno.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include "dma.h"
#include "dom0.h"
#include "hypercall.h"
#include "test.h"
#include "x86.h"

#define MAX_FRAMES      4
#define PER_FRAME       (PAGE_SIZE / sizeof(struct grant_entry_v1))

static volatile struct grant_entry_v1 *table;
static unsigned int nr_entries;

static long grant_op(unsigned int cmd, void *op)
{
    return hypercall(__HYPERVISOR_grant_table_op, cmd, (uintptr_t)op, 1, 0, 0);
}

int gnttab_init(void)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    uint64_t pages;
    unsigned int frames;
    long rc = grant_op(GNTTABOP_query_size, &q);

    if (rc || q.status)
        return rc ? rc : -XEN_EINVAL;
    frames = q.max_nr_frames < MAX_FRAMES ? q.max_nr_frames : MAX_FRAMES;
    if (!frames || !(pages = pages_alloc(&dom0_pages, frames)))
        return -XEN_ENOMEM;
    for (unsigned int i = 0; i < frames; i++) {
        struct xen_add_to_physmap xatp = {
            .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = i,
            .gpfn = pages / PAGE_SIZE + i,
        };

        if ((rc = hypervisor_memory_op(XENMEM_add_to_physmap, &xatp))) {
            if (i)
                return 0;               /* fewer frames: fine */
            pages_free(&dom0_pages, pages, frames);
            return rc;
        }
        invlpg((void *)(uintptr_t)(pages + i * PAGE_SIZE));
        table = (volatile struct grant_entry_v1 *)(uintptr_t)pages;
        nr_entries = (i + 1) * PER_FRAME;
    }
    return 0;
}

unsigned int gnttab_entries(void)
{
    return nr_entries;
}

int gnttab_grant(domid_t dom, uint64_t gfn, bool readonly)
{
    for (unsigned int ref = GNTTAB_NR_RESERVED_ENTRIES; ref < nr_entries; ref++) {
        volatile struct grant_entry_v1 *e = &table[ref];

        if (e->flags & GTF_type_mask)
            continue;
        e->domid = dom;
        e->frame = gfn;
        /* The frame and domain must be seen before the grant is. */
        __atomic_store_n(&e->flags, GTF_permit_access | (readonly ? GTF_readonly : 0),
                         __ATOMIC_RELEASE);
        return ref;
    }
    return nr_entries ? -XEN_ENOSPC : -XEN_ENODEV;
}

int gnttab_end(grant_ref_t ref)
{
    uint16_t flags;

    if (ref < GNTTAB_NR_RESERVED_ENTRIES || ref >= nr_entries)
        return -XEN_EINVAL;
    flags = table[ref].flags;
    do {
        if (flags & (GTF_reading | GTF_writing))
            return -XEN_EBUSY;          /* still mapped or being copied */
    } while (!__atomic_compare_exchange_n(&table[ref].flags, &flags, 0, false,
                                          __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
    return 0;
}

int gnttab_map(domid_t dom, grant_ref_t ref, uint64_t gpa, bool readonly,
               grant_handle_t *handle)
{
    struct gnttab_map_grant_ref m = {
        .host_addr = gpa, .ref = ref, .dom = dom,
        .flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0),
    };
    long rc;

    dma_forget(gpa, 1);                 /* whatever was there before */
    rc = grant_op(GNTTABOP_map_grant_ref, &m);

    if (rc)
        return rc;
    if (m.status != GNTST_okay)
        return -XEN_EINVAL;
    *handle = m.handle;
    return 0;
}

int gnttab_unmap(uint64_t gpa, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref u = { .host_addr = gpa, .handle = handle };
    long rc = grant_op(GNTTABOP_unmap_grant_ref, &u);

    dma_forget(gpa, 1);
    if (!rc && u.status == GNTST_okay)
        invlpg((void *)(uintptr_t)gpa);
    return rc ? rc : u.status == GNTST_okay ? 0 : -XEN_EINVAL;
}

long gnttab_copy(struct gnttab_copy *ops, unsigned int n)
{
    return n ? hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_copy, (uintptr_t)ops, n,
                         0, 0) : 0;
}
