// SPDX-License-Identifier: MIT
/* dom0's page allocator: a bitmap, first fit; see pages.h. */
#include <string.h>
#include "pages.h"

static int test_bit(const struct page_pool *pp, uint64_t i)
{
    return pp->used[i / 64] >> (i % 64) & 1;
}

static void set_range(struct page_pool *pp, uint64_t from, uint64_t to, int used)
{
    for (uint64_t i = from; i < to; i++) {
        if (test_bit(pp, i) == used)
            continue;
        pp->used[i / 64] ^= 1ULL << (i % 64);
        pp->nr_free += used ? -1 : 1;
    }
}

size_t pages_bitmap_bytes(uint64_t nr)
{
    return (nr + 63) / 64 * 8;
}

void pages_init(struct page_pool *pp, uint64_t base, uint64_t nr, uint64_t *bitmap)
{
    pp->base = base;
    pp->nr = nr;
    pp->used = bitmap;
    pp->nr_free = 0;
    pp->hint = 0;
    memset(bitmap, 0xff, pages_bitmap_bytes(nr));
}

/* [start, end) as page indices within the pool, rounded inwards (add) or
 * outwards (reserve); false when nothing of it is in the pool. */
static int clip(const struct page_pool *pp, uint64_t start, uint64_t end, int outward,
                uint64_t *from, uint64_t *to)
{
    uint64_t top = pp->base + pp->nr * PAGE_BYTES;

    if (start < pp->base)
        start = pp->base;
    if (end > top)
        end = top;
    if (start >= end)
        return 0;
    *from = (start - pp->base + (outward ? 0 : PAGE_BYTES - 1)) / PAGE_BYTES;
    *to = (end - pp->base + (outward ? PAGE_BYTES - 1 : 0)) / PAGE_BYTES;
    return *from < *to;
}

void pages_add(struct page_pool *pp, uint64_t start, uint64_t end)
{
    uint64_t from, to;

    if (clip(pp, start, end, 0, &from, &to))
        set_range(pp, from, to, 0);
}

void pages_reserve(struct page_pool *pp, uint64_t start, uint64_t end)
{
    uint64_t from, to;

    if (clip(pp, start, end, 1, &from, &to))
        set_range(pp, from, to, 1);
}

/* The first run of n free pages in [from, to), or to when none. */
static uint64_t find_run(const struct page_pool *pp, uint64_t from, uint64_t to,
                         uint64_t n)
{
    uint64_t run = 0;

    for (uint64_t i = from; i < to; i++) {
        if (!run && i % 64 == 0 && pp->used[i / 64] == ~0ULL) {
            i += 63;                    /* a whole used word */
            continue;
        }
        run = test_bit(pp, i) ? 0 : run + 1;
        if (run == n)
            return i + 1 - n;
    }
    return to;
}

uint64_t pages_alloc(struct page_pool *pp, uint64_t n)
{
    uint64_t at;

    if (!n || n > pp->nr_free)
        return 0;
    at = find_run(pp, pp->hint, pp->nr, n);
    if (at == pp->nr) {
        uint64_t end = pp->hint + n - 1 < pp->nr ? pp->hint + n - 1 : pp->nr;

        at = find_run(pp, 0, end, n);   /* runs that start before the hint */
        if (at == end)
            return 0;
    }
    set_range(pp, at, at + n, 1);
    pp->hint = at + n < pp->nr ? at + n : 0;
    return pp->base + at * PAGE_BYTES;
}

void pages_free(struct page_pool *pp, uint64_t addr, uint64_t n)
{
    pages_add(pp, addr, addr + n * PAGE_BYTES);
}
