// SPDX-License-Identifier: MIT
/*
 * Walking, growing and freeing radix I/O page tables for either vendor
 * (drivers/iommu/iommu_pt.h). Pure but for the frame allocator: unit-tested
 * in test/unit/test_iommu_pt.c.
 */
#include <petrel/lib.h>
#include <petrel/mm.h>
#include "iommu_pt.h"

static uint64_t *frame_of(uint64_t e)
{
    return phys_to_virt(e & IOMMU_PT_ADDR);
}

paddr_t iommu_pt_alloc(const struct iommu_pt *pt)
{
    paddr_t pa = frame_alloc(0);

    if (!pa)
        return 0;
    memset(phys_to_virt(pa), 0, PAGE_SIZE);
    if (pt->sync)
        pt->sync(phys_to_virt(pa), PAGE_SIZE);
    return pa;
}

void iommu_pt_set(const struct iommu_pt *pt, uint64_t *e, uint64_t v)
{
    __atomic_store_n(e, v, __ATOMIC_RELEASE);
    if (pt->sync)
        pt->sync(e, sizeof(*e));
}

/* Free the level-l table at pa and, above level 1, the tables it names. */
static void free_level(const struct iommu_pt *pt, paddr_t pa, unsigned int l)
{
    const uint64_t *t = phys_to_virt(pa);

    for (unsigned int i = 0; l > 1 && i < 512; i++)
        if (t[i] & pt->present)
            free_level(pt, t[i] & IOMMU_PT_ADDR, l - 1);
    frame_free(pa, 0);
}

void iommu_pt_free(const struct iommu_pt *pt, paddr_t root)
{
    free_level(pt, root, pt->levels);
}

uint64_t *iommu_pt_leaf(const struct iommu_pt *pt, paddr_t root, uint64_t dfn, bool make)
{
    uint64_t *t = phys_to_virt(root);

    for (unsigned int l = pt->levels; l > 1; l--) {
        uint64_t *e = &t[(dfn >> (9 * (l - 1))) & 511];
        paddr_t next;

        if (!(*e & pt->present)) {
            if (!make || !(next = iommu_pt_alloc(pt)))
                return NULL;
            iommu_pt_set(pt, e, pt->link(next, l - 1));
        }
        t = frame_of(*e);
    }
    return &t[dfn & 511];
}
