// SPDX-License-Identifier: MIT
/*
 * dom0's RAM: the page pool and the heap. The start info names what lies
 * in RAM besides free memory: the image, the start-info block (with its
 * module list, memory map and command lines) and the modules. All of it
 * sits low (docs/pvh-layout.md), so free RAM is what the memory map calls
 * RAM above the highest of those ends. The pool's bitmap takes the first
 * pages of the first RAM range with room for it.
 */
#include <public/errno.h>
#include <string.h>
#include "dom0.h"
#include "heap.h"
#include "test.h"

#define MAPPED_END      GiB(4)          /* head.S maps the first 4 GiB */

struct page_pool dom0_pages;

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

static uint64_t string_end(uint64_t pa)
{
    return pa ? pa + strlen((const char *)(uintptr_t)pa) + 1 : 0;
}

/* The end of everything the start info places in RAM. */
static uint64_t boot_data_end(void)
{
    const struct hvm_start_info *si = start_info;
    const struct hvm_modlist_entry *mods =
        (const struct hvm_modlist_entry *)(uintptr_t)si->modlist_paddr;
    uint64_t end = max_u64((uintptr_t)__image_end, (uintptr_t)si + sizeof(*si));

    end = max_u64(end, si->modlist_paddr + si->nr_modules * sizeof(*mods));
    end = max_u64(end, si->memmap_paddr +
                       si->memmap_entries * sizeof(struct hvm_memmap_table_entry));
    end = max_u64(end, string_end(si->cmdline_paddr));
    for (uint32_t i = 0; i < si->nr_modules; i++) {
        end = max_u64(end, mods[i].paddr + mods[i].size);
        end = max_u64(end, string_end(mods[i].cmdline_paddr));
    }
    return (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* RAM entry i clipped to [low, MAPPED_END); false when nothing is left. */
static bool ram_range(uint32_t i, uint64_t low, uint64_t *start, uint64_t *end)
{
    const struct hvm_memmap_table_entry *e =
        (const struct hvm_memmap_table_entry *)(uintptr_t)start_info->memmap_paddr + i;

    if (e->type != XEN_HVM_MEMMAP_TYPE_RAM)
        return false;
    *start = (max_u64(e->addr, low) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    *end = (e->addr + e->size) & ~(PAGE_SIZE - 1);
    if (*end > MAPPED_END)
        *end = MAPPED_END;
    return *start < *end;
}

int mem_init(void)
{
    uint32_t n = start_info->version >= 1 ? start_info->memmap_entries : 0;
    uint64_t low = boot_data_end(), base = UINT64_MAX, top = 0, start, end;
    uint64_t bitmap = 0, bytes;

    for (uint32_t i = 0; i < n; i++)
        if (ram_range(i, low, &start, &end)) {
            base = start < base ? start : base;
            top = end > top ? end : top;
        }
    if (!top)
        return -XEN_ENOMEM;
    bytes = pages_bitmap_bytes((top - base) / PAGE_SIZE);
    bytes = (bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    for (uint32_t i = 0; i < n && !bitmap; i++)
        if (ram_range(i, low, &start, &end) && end - start > bytes)
            bitmap = start;
    if (!bitmap)
        return -XEN_ENOMEM;
    pages_init(&dom0_pages, base, (top - base) / PAGE_SIZE, (uint64_t *)(uintptr_t)bitmap);
    for (uint32_t i = 0; i < n; i++)
        if (ram_range(i, low, &start, &end))
            pages_add(&dom0_pages, start, end);
    pages_reserve(&dom0_pages, bitmap, bitmap + bytes);
    heap_init(&dom0_pages);
    return 0;
}
