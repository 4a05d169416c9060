// SPDX-License-Identifier: MIT
/* Test guests: their grant table (gnttab.h). One vCPU uses it. */
#include <public/errno.h>
#include <public/memory.h>
#include "gnttab.h"
#include "hypercall.h"
#include "test.h"
#include "x86.h"

#define ENTRIES         (PAGE_SIZE / sizeof(struct grant_entry_v1))

static uint8_t table_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static volatile struct grant_entry_v1 *table;

long guest_gnttab_init(void)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
        .gpfn = (uintptr_t)table_page / PAGE_SIZE,
    };
    long rc;

    if (table)
        return 0;
    if ((rc = hypervisor_memory_op(XENMEM_add_to_physmap, &xatp)))
        return rc;
    invlpg(table_page);
    table = (volatile struct grant_entry_v1 *)table_page;
    return 0;
}

long guest_gnttab_grant(domid_t dom, const void *p, bool readonly)
{
    if (!table)
        return -XEN_ENODEV;
    for (grant_ref_t ref = GNTTAB_NR_RESERVED_ENTRIES; ref < ENTRIES; ref++) {
        volatile struct grant_entry_v1 *e = &table[ref];

        if (e->flags & GTF_type_mask)
            continue;
        e->domid = dom;
        e->frame = (uint32_t)((uintptr_t)p / PAGE_SIZE);
        __atomic_store_n(&e->flags, GTF_permit_access | (readonly ? GTF_readonly : 0),
                         __ATOMIC_RELEASE);
        return ref;
    }
    return -XEN_ENOSPC;
}

long guest_gnttab_end(grant_ref_t ref)
{
    uint16_t flags;

    if (!table || ref < GNTTAB_NR_RESERVED_ENTRIES || ref >= ENTRIES)
        return -XEN_EINVAL;
    flags = table[ref].flags;
    do {
        if (flags & (GTF_reading | GTF_writing))
            return -XEN_EBUSY;
    } while (!__atomic_compare_exchange_n(&table[ref].flags, &flags, 0, false,
                                          __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
    return 0;
}
