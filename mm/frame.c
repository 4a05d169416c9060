/* SPDX-License-Identifier: MIT */
/* The frame allocator: a buddy allocator over the usable RAM. */
#include <petrel/bootinfo.h>
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/panic.h>
#include <petrel/printk.h>
#include <petrel/spinlock.h>

/*
 * Design. Usable RAM is the boot map's MEM_RAM ranges minus the first MiB and
 * the reserved ranges, cut at page boundaries. Each contiguous piece of it is
 * a zone. A zone keeps one 12-byte descriptor per frame in an array placed at
 * the start of the piece itself (so metadata grows with RAM, and holes in the
 * physical address space cost nothing); the frames after the array are the
 * zone's managed frames, reached through phys_to_virt().
 *
 * Blocks are 2^order frames, naturally aligned in physical address, so the
 * buddy of the block at 'pa' is at pa ^ (PAGE_SIZE << order); buddies merge
 * only within a zone. Each frame's descriptor says what the frame is:
 *   FRAME_FREE  first frame of a free block (order set, on its free list)
 *   FRAME_USED  first frame of an allocated block (order set)
 *   FRAME_TAIL  any other frame of a block, free or allocated
 * Keeping this exact on every split and merge lets frame_free() tell a good
 * free from a double free, a wrong order or a pointer into a block.
 *
 * Each zone has a doubly-linked free list per order (links are frame indices
 * within the zone) and a bitmask of non-empty lists, so an allocation is one
 * find-first-set plus at most FRAME_MAX_ORDER splits; a free is at most
 * FRAME_MAX_ORDER merges. frame_alloc() takes from the highest zone first,
 * which keeps low memory for frame_alloc_below(); that one may scan lists.
 */

#define FRAME_MAX_ZONES     64
#define FRAME_NONE          UINT32_MAX
#define FRAME_ZONE_MAX      (1ULL << (31 + PAGE_SHIFT))    /* indices fit in u32 */
#define FRAME_LOW_LIMIT     MiB(1)                          /* never managed below */

enum frame_state { FRAME_TAIL, FRAME_FREE, FRAME_USED };

struct frame_desc {
    uint32_t next, prev;            /* free list links (FRAME_FREE only) */
    uint8_t state;                  /* enum frame_state */
    uint8_t order;                  /* FRAME_FREE and FRAME_USED */
    uint16_t pad;
};

struct frame_zone {
    paddr_t base;                   /* first managed frame */
    paddr_t end;                    /* one past the last managed byte */
    struct frame_desc *desc;        /* one per managed frame */
    uint32_t free_mask;             /* bit o: free_head[o] is not empty */
    uint32_t free_head[FRAME_MAX_ORDER + 1];
};

/* frame_lock guards everything below once frame_init() is done; a leaf lock. */
static spinlock_t frame_lock = SPINLOCK_INIT;
static struct frame_zone frame_zones[FRAME_MAX_ZONES];     /* sorted by base */
static unsigned int frame_nr_zones;
static uint64_t frame_nr_free, frame_nr_total, frame_nr_meta;

BUILD_BUG_ON(sizeof(struct frame_desc) != 12);
BUILD_BUG_ON(FRAME_MAX_ORDER >= 32);

/* ---- descriptors and free lists ----------------------------------------- */

static uint32_t frame_index(const struct frame_zone *z, paddr_t pa)
{
    return (uint32_t)((pa - z->base) >> PAGE_SHIFT);
}

static paddr_t frame_addr(const struct frame_zone *z, uint32_t idx)
{
    return z->base + ((paddr_t)idx << PAGE_SHIFT);
}

static void frame_list_push(struct frame_zone *z, uint32_t idx, unsigned int order)
{
    struct frame_desc *d = &z->desc[idx];
    uint32_t head = z->free_head[order];

    d->state = FRAME_FREE;
    d->order = order;
    d->prev = FRAME_NONE;
    d->next = head;
    if (head != FRAME_NONE)
        z->desc[head].prev = idx;
    z->free_head[order] = idx;
    z->free_mask |= 1u << order;
}

static void frame_list_del(struct frame_zone *z, uint32_t idx, unsigned int order)
{
    struct frame_desc *d = &z->desc[idx];

    if (d->prev != FRAME_NONE)
        z->desc[d->prev].next = d->next;
    else
        z->free_head[order] = d->next;
    if (d->next != FRAME_NONE)
        z->desc[d->next].prev = d->prev;
    if (z->free_head[order] == FRAME_NONE)
        z->free_mask &= ~(1u << order);
}

/* The zone managing 'pa', or NULL. */
static struct frame_zone *frame_zone_of(paddr_t pa)
{
    unsigned int lo = 0, hi = frame_nr_zones;

    while (lo < hi) {
        unsigned int mid = (lo + hi) / 2;
        struct frame_zone *z = &frame_zones[mid];

        if (pa < z->base)
            hi = mid;
        else if (pa >= z->end)
            lo = mid + 1;
        else
            return z;
    }
    return NULL;
}

/* ---- allocation ------------------------------------------------------------ */

/*
 * Take the free block 'idx' of order 'from' off its list and hand out its
 * first 2^order frames; the upper halves split off go back as free blocks.
 */
static paddr_t frame_take(struct frame_zone *z, uint32_t idx, unsigned int from,
                          unsigned int order)
{
    frame_list_del(z, idx, from);
    while (from > order) {
        from--;
        frame_list_push(z, idx + (1u << from), from);
    }
    z->desc[idx].state = FRAME_USED;
    z->desc[idx].order = order;
    frame_nr_free -= 1ULL << order;
    return frame_addr(z, idx);
}

static paddr_t frame_zone_alloc(struct frame_zone *z, unsigned int order)
{
    uint32_t mask = z->free_mask & ~((1u << order) - 1);
    unsigned int from;

    if (!mask)
        return 0;
    from = __builtin_ctz(mask);
    return frame_take(z, z->free_head[from], from, order);
}

/* Like frame_zone_alloc(), for a block wholly below 'limit'. */
static paddr_t frame_zone_alloc_below(struct frame_zone *z, unsigned int order,
                                      paddr_t limit)
{
    for (unsigned int from = order; from <= FRAME_MAX_ORDER; from++) {
        for (uint32_t idx = z->free_head[from]; idx != FRAME_NONE;
             idx = z->desc[idx].next) {
            if (frame_addr(z, idx) + (PAGE_SIZE << order) <= limit)
                return frame_take(z, idx, from, order);
        }
    }
    return 0;
}

paddr_t frame_alloc(unsigned int order)
{
    paddr_t pa = 0;
    unsigned long flags;

    if (order > FRAME_MAX_ORDER)
        return 0;
    flags = spin_lock_irqsave(&frame_lock);
    for (unsigned int i = frame_nr_zones; i-- > 0 && !pa; )
        pa = frame_zone_alloc(&frame_zones[i], order);
    spin_unlock_irqrestore(&frame_lock, flags);
    return pa;
}

paddr_t frame_alloc_below(unsigned int order, paddr_t limit)
{
    paddr_t pa = 0;
    unsigned long flags;

    if (order > FRAME_MAX_ORDER)
        return 0;
    flags = spin_lock_irqsave(&frame_lock);
    for (unsigned int i = 0; i < frame_nr_zones && !pa; i++) {
        struct frame_zone *z = &frame_zones[i];

        if (z->base + (PAGE_SIZE << order) > limit)
            break;
        if (z->end <= limit)
            pa = frame_zone_alloc(z, order);
        else
            pa = frame_zone_alloc_below(z, order, limit);
    }
    spin_unlock_irqrestore(&frame_lock, flags);
    return pa;
}

/* ---- freeing ---------------------------------------------------------------- */

/* Return the block at 'idx' to the free lists, merging it with free buddies. */
static void frame_merge(struct frame_zone *z, uint32_t idx, unsigned int order)
{
    paddr_t pa = frame_addr(z, idx);

    while (order < FRAME_MAX_ORDER) {
        paddr_t size = PAGE_SIZE << order;
        paddr_t buddy = pa ^ size;
        struct frame_desc *b;

        if (buddy < z->base || buddy + size > z->end)
            break;
        b = &z->desc[frame_index(z, buddy)];
        if (b->state != FRAME_FREE || b->order != order)
            break;
        frame_list_del(z, frame_index(z, buddy), order);
        z->desc[frame_index(z, MAX(pa, buddy))].state = FRAME_TAIL;
        pa = MIN(pa, buddy);
        order++;
    }
    frame_list_push(z, frame_index(z, pa), order);
}

/*
 * Panics unless [pa, pa + 2^order frames) is exactly one allocated block;
 * 'who' names the caller in the message.
 */
static struct frame_zone *frame_check_block(const char *who, paddr_t pa,
                                            unsigned int order)
{
    struct frame_zone *z = frame_zone_of(pa);
    struct frame_desc *d;

    if (!z || !IS_ALIGNED(pa, PAGE_SIZE) || order > FRAME_MAX_ORDER)
        panic("%s(%#llx, %u): not a managed frame", who,
              (unsigned long long)pa, order);
    d = &z->desc[frame_index(z, pa)];
    if (d->state != FRAME_USED)
        panic("%s(%#llx, %u): not allocated (double free?)", who,
              (unsigned long long)pa, order);
    if (d->order != order)
        panic("%s(%#llx, %u): block was allocated with order %u", who,
              (unsigned long long)pa, order, d->order);
    return z;
}

void frame_free(paddr_t pa, unsigned int order)
{
    unsigned long flags = spin_lock_irqsave(&frame_lock);
    struct frame_zone *z = frame_check_block("frame_free", pa, order);

    frame_merge(z, frame_index(z, pa), order);
    frame_nr_free += 1ULL << order;
    spin_unlock_irqrestore(&frame_lock, flags);
}

/*
 * Only descriptors change: each piece's first frame becomes FRAME_USED with
 * the smaller order, the frames inside pieces stay FRAME_TAIL. Freeing the
 * pieces merges them back through the buddy rule as usual.
 */
void frame_split(paddr_t pa, unsigned int order, unsigned int new_order)
{
    unsigned long flags = spin_lock_irqsave(&frame_lock);
    struct frame_zone *z = frame_check_block("frame_split", pa, order);
    uint32_t idx = frame_index(z, pa);

    if (new_order > order)
        panic("frame_split(%#llx, %u, %u): cannot grow a block",
              (unsigned long long)pa, order, new_order);
    for (uint32_t i = 0; i < (1u << order); i += 1u << new_order) {
        z->desc[idx + i].state = FRAME_USED;
        z->desc[idx + i].order = new_order;
    }
    spin_unlock_irqrestore(&frame_lock, flags);
}

int frame_block_order(paddr_t pa)
{
    unsigned long flags = spin_lock_irqsave(&frame_lock);
    struct frame_zone *z = frame_zone_of(pa);
    int order = -1;

    if (z && IS_ALIGNED(pa, PAGE_SIZE) &&
        z->desc[frame_index(z, pa)].state == FRAME_USED)
        order = z->desc[frame_index(z, pa)].order;
    spin_unlock_irqrestore(&frame_lock, flags);
    return order;
}

uint64_t frame_free_count(void)
{
    return __atomic_load_n(&frame_nr_free, __ATOMIC_RELAXED);
}

uint64_t frame_total_count(void)
{
    return frame_nr_total;
}

/* ---- initialisation ------------------------------------------------------- */

/* Free [z->base, z->end) as the largest naturally aligned blocks that fit. */
static void frame_zone_fill(struct frame_zone *z)
{
    paddr_t pa = z->base;

    while (pa < z->end) {
        unsigned int order = FRAME_MAX_ORDER;

        while (!IS_ALIGNED(pa, PAGE_SIZE << order) ||
               pa + (PAGE_SIZE << order) > z->end)
            order--;
        frame_list_push(z, frame_index(z, pa), order);
        pa += PAGE_SIZE << order;
    }
}

/* Insert a zone for the page-aligned piece [start, end), keeping the order. */
static void frame_zone_add(paddr_t start, paddr_t end)
{
    uint64_t frames = (end - start) >> PAGE_SHIFT;
    uint64_t meta = ALIGN_UP(frames * sizeof(struct frame_desc), PAGE_SIZE) >> PAGE_SHIFT;
    struct frame_zone *z;
    unsigned int i;

    if (frames <= meta)
        return;
    if (frame_nr_zones == FRAME_MAX_ZONES) {
        pr_warn("frame: more than %u RAM pieces, [%#llx, %#llx) unused\n",
                FRAME_MAX_ZONES, (unsigned long long)start, (unsigned long long)end);
        return;
    }
    for (i = frame_nr_zones; i > 0 && frame_zones[i - 1].base > start; i--)
        frame_zones[i] = frame_zones[i - 1];
    frame_nr_zones++;
    z = &frame_zones[i];
    *z = (struct frame_zone){ .base = start + (meta << PAGE_SHIFT), .end = end,
                              .desc = phys_to_virt(start), .free_mask = 0 };
    memset(z->free_head, 0xff, sizeof(z->free_head));
    memset(z->desc, 0, (frames - meta) * sizeof(struct frame_desc));
    frame_zone_fill(z);
    frame_nr_meta += meta;
    frame_nr_total += frames - meta;
    frame_nr_free += frames - meta;
}

/*
 * The lowest reserve overlapping [start, end), rounded out to pages, into
 * [*rs, *re); left alone when none overlaps (callers preset them to 'end').
 */
static void frame_next_reserve(const struct frame_reserve *res, unsigned int nr_res,
                               paddr_t start, paddr_t end, paddr_t *rs, paddr_t *re)
{
    for (unsigned int i = 0; i < nr_res; i++) {
        paddr_t s = ALIGN_DOWN(res[i].start, PAGE_SIZE);
        paddr_t e = ALIGN_UP(res[i].end, PAGE_SIZE);

        if (res[i].start >= res[i].end || e <= start || s >= end)
            continue;
        if (s < *rs) {
            *rs = s;
            *re = e;
        }
    }
}

/* Add the page-aligned RAM [start, end) minus the reserves, as zones. */
static void frame_add_ram(paddr_t start, paddr_t end,
                          const struct frame_reserve *res, unsigned int nr_res)
{
    while (start < end) {
        paddr_t rs = end, re = end, stop;

        frame_next_reserve(res, nr_res, start, end, &rs, &re);
        stop = MAX(rs, start);
        while (stop - start > FRAME_ZONE_MAX) {
            frame_zone_add(start, start + FRAME_ZONE_MAX);
            start += FRAME_ZONE_MAX;
        }
        if (start < stop)
            frame_zone_add(start, stop);
        start = MIN(MAX(re, stop), end);
    }
}

static void frame_reset(void)
{
    memset(frame_zones, 0, sizeof(frame_zones));
    frame_nr_zones = 0;
    frame_nr_free = frame_nr_total = frame_nr_meta = 0;
    frame_lock = (spinlock_t)SPINLOCK_INIT;
}

int frame_init(const struct boot_info *bi, const struct frame_reserve *res,
               unsigned int nr_res)
{
    frame_reset();
    for (unsigned int i = 0; i < bi->nr_ranges; i++) {
        const struct mem_range *r = &bi->ranges[i];
        paddr_t start = ALIGN_UP(MAX(r->base, FRAME_LOW_LIMIT), PAGE_SIZE);
        paddr_t end = ALIGN_DOWN(r->base + r->len, PAGE_SIZE);

        if (r->type == MEM_RAM && start < end)
            frame_add_ram(start, end, res, nr_res);
    }
    if (!frame_nr_total) {
        pr_err("frame: no usable RAM\n");
        return -ENOMEM;
    }
    pr_info("frame: %llu MiB in %u zones, %llu KiB of descriptors\n",
            (unsigned long long)(frame_nr_total >> (20 - PAGE_SHIFT)), frame_nr_zones,
            (unsigned long long)(frame_nr_meta << (PAGE_SHIFT - 10)));
    return 0;
}
