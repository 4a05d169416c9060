// SPDX-License-Identifier: MIT
/* dom0's heap; see heap.h. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "heap.h"

#define MAGIC_LIVE      0x6c697665u     /* "live" */
#define MAGIC_FREE      0x66726565u     /* "free" */
#define MIN_SHIFT       5               /* 32-byte blocks */
#define MAX_SHIFT       11              /* 2048-byte blocks */
#define NR_CLASSES      (MAX_SHIFT - MIN_SHIFT + 1)
#define CLASS_PAGES     0xffffffffu     /* a block of whole pages */
#define HEADER          16

struct header {
    uint32_t magic;
    uint32_t class;             /* size class, or CLASS_PAGES */
    uint64_t pages;             /* CLASS_PAGES: how many */
};

struct free_block {
    struct header h;
    struct free_block *next;
};

static struct page_pool *pool;
static struct free_block *free_lists[NR_CLASSES];
static struct heap_stats stats;

void heap_init(struct page_pool *pp)
{
    pool = pp;
}

void heap_stats(struct heap_stats *st)
{
    *st = stats;
}

static uint64_t block_bytes(const struct header *h)
{
    return h->class == CLASS_PAGES ? h->pages * PAGE_BYTES : 1ULL << (h->class + MIN_SHIFT);
}

/* Split a fresh page into blocks of class c. */
static bool refill(unsigned int c)
{
    size_t size = (size_t)1 << (c + MIN_SHIFT);
    uint64_t page = pages_alloc(pool, 1);

    if (!page)
        return false;
    for (size_t off = 0; off < PAGE_BYTES; off += size) {
        struct free_block *b = (struct free_block *)(uintptr_t)(page + off);

        b->h = (struct header){ .magic = MAGIC_FREE, .class = c };
        b->next = free_lists[c];
        free_lists[c] = b;
    }
    return true;
}

static struct header *alloc_small(size_t total)
{
    unsigned int c = 0;
    struct free_block *b;

    while ((1ULL << (c + MIN_SHIFT)) < total)
        c++;
    if (!free_lists[c] && !refill(c))
        return NULL;
    b = free_lists[c];
    free_lists[c] = b->next;
    return &b->h;
}

static struct header *alloc_pages(size_t total)
{
    uint64_t n = (total + PAGE_BYTES - 1) / PAGE_BYTES;
    uint64_t at = pool ? pages_alloc(pool, n) : 0;
    struct header *h = (struct header *)(uintptr_t)at;

    if (h)
        *h = (struct header){ .class = CLASS_PAGES, .pages = n };
    return h;
}

void *malloc(size_t size)
{
    struct header *h;

    if (!pool || size > ((size_t)1 << 40))
        return NULL;
    h = size + HEADER <= (1u << MAX_SHIFT) ? alloc_small(size + HEADER)
                                           : alloc_pages(size + HEADER);
    if (!h)
        return NULL;
    h->magic = MAGIC_LIVE;
    stats.in_use += block_bytes(h);
    return (char *)h + HEADER;
}

void *calloc(size_t n, size_t size)
{
    void *p;

    if (size && n > (size_t)-1 / size)
        return NULL;
    if ((p = malloc(n * size)))
        memset(p, 0, n * size);
    return p;
}

/* The header of a live block, or NULL (counted) for anything else. */
static struct header *live(void *p)
{
    struct header *h = (struct header *)((char *)p - HEADER);

    if ((uintptr_t)p % HEADER || h->magic != MAGIC_LIVE ||
        (h->class != CLASS_PAGES && h->class >= NR_CLASSES)) {
        stats.bad_frees++;
        return NULL;
    }
    return h;
}

void free(void *p)
{
    struct header *h;

    if (!p || !(h = live(p)))
        return;
    stats.in_use -= block_bytes(h);
    if (h->class == CLASS_PAGES) {
        h->magic = MAGIC_FREE;
        pages_free(pool, (uintptr_t)h, h->pages);
        return;
    }
    h->magic = MAGIC_FREE;
    ((struct free_block *)h)->next = free_lists[h->class];
    free_lists[h->class] = (struct free_block *)h;
}

void *realloc(void *p, size_t size)
{
    struct header *h;
    size_t room;
    void *q;

    if (!p)
        return malloc(size);
    if (!(h = live(p)))
        return NULL;
    room = block_bytes(h) - HEADER;
    if (size <= room)
        return p;
    if (!(q = malloc(size)))
        return NULL;
    memcpy(q, p, room);
    free(p);
    return q;
}
