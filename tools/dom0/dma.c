// SPDX-License-Identifier: MIT
/*
 * Bus addresses (dma.h). The cache covers the first 4 GiB (where dom0's
 * RAM is) outside the fmap window: a table of 512 addresses per 2 MiB,
 * made on first use from a page of dom0's pool.
 */
#include <public/errno.h>
#include "../libhv/libhv.h"
#include "dma.h"
#include "dom0.h"
#include "test.h"

#define CHUNK_PAGES     512
#define CHUNK_BYTES     (CHUNK_PAGES * PAGE_SIZE)

static uint64_t *chunks[GiB(4) / CHUNK_BYTES];
/* The hypercall's arrays: too big for the 16 KiB stack; one vCPU, never
 * used from an event handler, so one copy serves. */
static uint64_t gfns[PETREL_BUS_ADDR_MAX], addrs[PETREL_BUS_ADDR_MAX];
static unsigned int at[PETREL_BUS_ADDR_MAX];
static uint64_t chunk_gfns[CHUNK_PAGES];
uint64_t dma_calls, dma_cached;

static bool in_fmap(uint64_t gpa)
{
    return gpa >= fmap_base && gpa < fmap_base + FMAP_SIZE;
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

/* From the cache, for dom0's own RAM; DMA_NONE when not cacheable. */
static uint64_t cached(uint64_t gpa)
{
    uint64_t *c, a;

    if (gpa >= GiB(4) || in_fmap(gpa) || !(c = chunk_of(gpa)))
        return DMA_NONE;
    a = c[(gpa / PAGE_SIZE) % CHUNK_PAGES];
    dma_cached++;
    return a == PETREL_BUS_ADDR_NONE ? DMA_NONE : a + (gpa & (PAGE_SIZE - 1));
}

uint64_t dma_addr(uint64_t gpa)
{
    uint64_t bus;

    return dma_addrs(&gpa, &bus, 1) ? DMA_NONE : bus;
}

int dma_addrs(const uint64_t *gpa, uint64_t *bus, unsigned int n)
{
    unsigned int k = 0;
    int rc = 0;

    if (n > PETREL_BUS_ADDR_MAX)
        return -XEN_EINVAL;
    for (unsigned int i = 0; i < n; i++) {
        bool foreign = in_fmap(gpa[i]) || gpa[i] >= GiB(4);

        bus[i] = foreign ? DMA_NONE : cached(gpa[i]);
        if (foreign) {
            gfns[k] = gpa[i] / PAGE_SIZE;
            at[k++] = i;
        } else if (bus[i] == DMA_NONE) {
            rc = -XEN_EFAULT;
        }
    }
    if (!k)
        return rc;
    dma_calls++;
    if (hv_bus_addr(gfns, addrs, k))
        return -XEN_EFAULT;
    for (unsigned int j = 0; j < k; j++) {
        if (addrs[j] == PETREL_BUS_ADDR_NONE)
            rc = -XEN_EFAULT;
        else
            bus[at[j]] = addrs[j] + (gpa[at[j]] & (PAGE_SIZE - 1));
    }
    return rc;
}
