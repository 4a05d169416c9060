// SPDX-License-Identifier: MIT
/*
 * Bus addresses (dma.h). Two caches. dom0's own RAM (the first 4 GiB
 * outside the fmap window) never moves: a table of 512 addresses per
 * 2 MiB, filled by one hypercall on first use. The fmap window's pages
 * change with each mapping: an address per page, learnt when a request
 * first uses the page and forgotten by dma_forget(), which every map and
 * unmap of the window calls (gnttab.c, fmap.c), so that a persistent grant
 * costs one hypercall for its lifetime and a remapped page is never
 * reached through the old one's address. Anything else (above 4 GiB) is
 * asked each time. Only host-compatible headers: test_dma builds it.
 */
#include <public/errno.h>
#include "../libhv/libhv.h"
#include "dma.h"
#include "dom0.h"

#define PAGE            PAGE_BYTES
#define OWN_END         (4ull << 30)    /* dom0's RAM lies below */
#define CHUNK_PAGES     512
#define CHUNK_BYTES     (CHUNK_PAGES * PAGE)
#define FMAP_PAGES      (FMAP_SIZE / PAGE)
#define KNOWN           1ull            /* in fmap_bus: an address is there */

static uint64_t *chunks[OWN_END / CHUNK_BYTES];
static uint64_t *fmap_bus;              /* FMAP_PAGES entries: address | KNOWN, or 0 */
/* The hypercall's arrays: too big for the 16 KiB stack; one vCPU, never
 * used from an event handler, so one copy serves. */
static uint64_t gfns[PETREL_BUS_ADDR_MAX], addrs[PETREL_BUS_ADDR_MAX];
static unsigned int at[PETREL_BUS_ADDR_MAX];
static uint64_t chunk_gfns[CHUNK_PAGES];
uint64_t dma_calls, dma_cached;

static bool in_fmap(uint64_t gpa)
{
    return fmap_base && gpa >= fmap_base && gpa < fmap_base + FMAP_SIZE;
}

static uint64_t *chunk_of(uint64_t gpa)
{
    unsigned int c = gpa / CHUNK_BYTES;
    uint64_t page;

    if (chunks[c])
        return chunks[c];
    if (!(page = pages_alloc(&dom0_pages, 1)))
        return NULL;
    for (unsigned int i = 0; i < CHUNK_PAGES; i++)
        chunk_gfns[i] = (uint64_t)c * CHUNK_PAGES + i;
    dma_calls++;
    if (hv_bus_addr(chunk_gfns, (uint64_t *)(uintptr_t)page, CHUNK_PAGES)) {
        pages_free(&dom0_pages, page, 1);
        return NULL;
    }
    return chunks[c] = (uint64_t *)(uintptr_t)page;
}

/* dom0's own RAM, from its cache: DMA_NONE when it has no address. */
static uint64_t own(uint64_t gpa)
{
    uint64_t *c = chunk_of(gpa), a;

    if (!c)
        return DMA_NONE;
    a = c[(gpa / PAGE) % CHUNK_PAGES];
    dma_cached++;
    return a == PETREL_BUS_ADDR_NONE ? DMA_NONE : a + (gpa & (PAGE - 1));
}

/* The fmap window's entry for gpa, the table made on first use (NULL if
 * there is no memory for it: then nothing is remembered). */
static uint64_t *fmap_entry(uint64_t gpa)
{
    uint64_t pages = FMAP_PAGES * sizeof(uint64_t) / PAGE, p;

    if (!fmap_bus && (p = pages_alloc(&dom0_pages, pages))) {
        fmap_bus = (uint64_t *)(uintptr_t)p;
        for (uint64_t i = 0; i < FMAP_PAGES; i++)
            fmap_bus[i] = 0;
    }
    return fmap_bus ? &fmap_bus[(gpa - fmap_base) / PAGE] : NULL;
}

void dma_forget(uint64_t gpa, unsigned int n)
{
    for (unsigned int i = 0; fmap_bus && i < n; i++)
        if (in_fmap(gpa + i * PAGE))
            fmap_bus[(gpa + i * PAGE - fmap_base) / PAGE] = 0;
}

uint64_t dma_addr(uint64_t gpa)
{
    uint64_t bus;

    return dma_addrs(&gpa, &bus, 1) ? DMA_NONE : bus;
}

int dma_addrs(const uint64_t *gpa, uint64_t *bus, unsigned int n)
{
    unsigned int k = 0;
    uint64_t *e;
    int rc = 0;

    if (n > PETREL_BUS_ADDR_MAX)
        return -XEN_EINVAL;
    for (unsigned int i = 0; i < n; i++) {
        uint64_t off = gpa[i] & (PAGE - 1);

        if (!in_fmap(gpa[i]) && gpa[i] < OWN_END) {
            if ((bus[i] = own(gpa[i])) == DMA_NONE)
                rc = -XEN_EFAULT;
        } else if (in_fmap(gpa[i]) && (e = fmap_entry(gpa[i])) && (*e & KNOWN)) {
            bus[i] = (*e & ~KNOWN) + off;
            dma_cached++;
        } else {
            bus[i] = DMA_NONE;
            gfns[k] = gpa[i] / PAGE;
            at[k++] = i;
        }
    }
    if (!k)
        return rc;
    dma_calls++;
    if (hv_bus_addr(gfns, addrs, k))
        return -XEN_EFAULT;
    for (unsigned int j = 0; j < k; j++) {
        uint64_t g = gpa[at[j]];

        if (addrs[j] == PETREL_BUS_ADDR_NONE) {
            rc = -XEN_EFAULT;
            continue;
        }
        bus[at[j]] = addrs[j] + (g & (PAGE - 1));
        if (in_fmap(g) && (e = fmap_entry(g)))
            *e = addrs[j] | KNOWN;
    }
    return rc;
}
