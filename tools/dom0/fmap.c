// SPDX-License-Identifier: MIT
/*
 * dom0's window for other domains' pages (dom0.h): guest-physical space
 * above dom0's RAM where foreign frames (XENMEM_add_to_physmap_batch,
 * XENMAPSPACE_gmfn_foreign) and grant mappings appear. head.S identity-maps
 * the first 4 GiB, so a page mapped at gpa is reached at address gpa.
 * Allocation uses the page-pool code over the window (nothing in it is
 * RAM: Petrel's PVH layout keeps RAM below 3 GiB, docs/pvh-layout.md).
 */
#include <public/errno.h>
#include <public/memory.h>
#include "dom0.h"
#include "hypercall.h"

#define FMAP_PAGES      (FMAP_SIZE >> 12)

static uint64_t fmap_bitmap[FMAP_PAGES / 64];
static struct page_pool fmap_pool;
static bool fmap_ready;

static void fmap_init(void)
{
    pages_init(&fmap_pool, FMAP_BASE, FMAP_PAGES, fmap_bitmap);
    pages_add(&fmap_pool, FMAP_BASE, FMAP_BASE + FMAP_SIZE);
    fmap_ready = true;
}

uint64_t fmap_alloc(unsigned int n)
{
    if (!fmap_ready)
        fmap_init();
    /* First fit from the window's start, not the pool's next fit: each
     * 2 MiB of the window that was ever mapped keeps a page-table frame of
     * the hypervisor's in dom0's p2m, so the window is reused from its low
     * end to keep those few and fixed (hv info's free pages then come back
     * to the same figure after domains are built and destroyed). */
    fmap_pool.hint = 0;
    return n ? pages_alloc(&fmap_pool, n) : 0;
}

void fmap_free(uint64_t gpa, unsigned int n)
{
    pages_free(&fmap_pool, gpa, n);
}

void *fmap_foreign(domid_t dom, const uint64_t *gfns, unsigned int n)
{
    uint64_t gpa, gpfns[FMAP_BATCH];
    int errs[FMAP_BATCH];
    struct xen_add_to_physmap_batch b = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign, .size = (uint16_t)n,
        .foreign_domid = dom,
        .idxs = (uintptr_t)gfns, .gpfns = (uintptr_t)gpfns, .errs = (uintptr_t)errs,
    };
    bool ok;
    long rc;

    if (!n || n > FMAP_BATCH || !(gpa = fmap_alloc(n)))
        return NULL;
    for (unsigned int i = 0; i < n; i++) {
        gpfns[i] = (gpa >> 12) + i;
        errs[i] = -XEN_EINVAL;
    }
    rc = hypervisor_memory_op(XENMEM_add_to_physmap_batch, &b);
    ok = !rc;
    for (unsigned int i = 0; i < n; i++)
        ok = ok && !errs[i];
    if (ok)
        return (void *)(uintptr_t)gpa;
    /* Undo what took (all of it, if the call failed as a whole). */
    for (unsigned int i = 0; i < n; i++)
        if (rc || !errs[i]) {
            struct xen_remove_from_physmap r = { .domid = DOMID_SELF, .gpfn = gpfns[i] };

            hypervisor_memory_op(XENMEM_remove_from_physmap, &r);
        }
    fmap_free(gpa, n);
    return NULL;
}

void fmap_unmap(void *p, unsigned int n)
{
    uint64_t gpa = (uintptr_t)p;

    for (unsigned int i = 0; i < n; i++) {
        struct xen_remove_from_physmap r = { .domid = DOMID_SELF, .gpfn = (gpa >> 12) + i };

        hypervisor_memory_op(XENMEM_remove_from_physmap, &r);
    }
    fmap_free(gpa, n);
}
