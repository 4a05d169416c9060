// SPDX-License-Identifier: MIT
/*
 * dom0's window for other domains' pages (dom0.h): guest-physical space
 * where foreign frames (XENMEM_add_to_physmap_batch, XENMAPSPACE_gmfn_foreign)
 * and grant mappings appear. head.S identity-maps the first 4 GiB, so a
 * page mapped at gpa is reached at address gpa. The window is chosen at
 * start of day from the memory map: the first 64 MiB-aligned 64 MiB above
 * the RAM below 4 GiB that no entry (RAM or reserved: the devices' BARs,
 * docs/pci.md) touches, and below the local APIC's 64 MiB. Allocation uses
 * the page-pool code over the window.
 */
#include <public/errno.h>
#include <public/memory.h>
#include "dma.h"
#include "dom0.h"
#include "hypercall.h"
#include "test.h"

#define FMAP_PAGES      (FMAP_SIZE >> 12)
#define FMAP_TOP        0xFC000000ull   /* the 64 MiB holding the LAPIC page */

static uint64_t fmap_bitmap[FMAP_PAGES / 64];
static struct page_pool fmap_pool;
static bool fmap_ready;
uint64_t fmap_base;

static const struct hvm_memmap_table_entry *memmap(uint32_t *n)
{
    *n = start_info->version >= 1 ? start_info->memmap_entries : 0;
    return (const struct hvm_memmap_table_entry *)(uintptr_t)start_info->memmap_paddr;
}

static bool window_free(uint64_t base)
{
    uint32_t n;
    const struct hvm_memmap_table_entry *e = memmap(&n);

    for (uint32_t i = 0; i < n; i++)
        if (e[i].addr < base + FMAP_SIZE && base < e[i].addr + e[i].size)
            return false;
    return true;
}

int fmap_init(void)
{
    uint32_t n;
    const struct hvm_memmap_table_entry *e = memmap(&n);
    uint64_t ram_top = 0;

    for (uint32_t i = 0; i < n; i++)
        if (e[i].type == XEN_HVM_MEMMAP_TYPE_RAM && e[i].addr < FMAP_TOP)
            ram_top = ram_top > e[i].addr + e[i].size ? ram_top : e[i].addr + e[i].size;
    ram_top = (ram_top + FMAP_SIZE - 1) & ~(FMAP_SIZE - 1);
    for (uint64_t base = ram_top; base + FMAP_SIZE <= FMAP_TOP; base += FMAP_SIZE) {
        if (!window_free(base))
            continue;
        fmap_base = base;
        pages_init(&fmap_pool, base, FMAP_PAGES, fmap_bitmap);
        pages_add(&fmap_pool, base, base + FMAP_SIZE);
        fmap_ready = true;
        return 0;
    }
    return -XEN_ENOSPC;
}

uint64_t fmap_alloc(unsigned int n)
{
    if (!fmap_ready)
        return 0;
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
    dma_forget(gpa, n);
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
    dma_forget(gpa, n);
    fmap_free(gpa, n);
}
