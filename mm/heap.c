/* SPDX-License-Identifier: MIT */
/* The hypervisor heap: xmalloc() and friends on top of the frame allocator. */
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/panic.h>
#include <petrel/spinlock.h>

/*
 * Design. Small requests are served from power-of-two size classes, 16 to
 * 1024 bytes. A class frame is one 4 KiB frame cut into slots of the class
 * size; its first slot(s) hold a header (struct heap_page) with a bitmap of
 * the slots in use, so an object is found from its address alone: the header
 * is at the start of the object's frame. Slots are aligned to their size, so
 * xmalloc_aligned() only has to pick a class at least as large as 'align'.
 * Frames with a free slot sit on their class's list; a frame whose last
 * object is freed goes back to the frame allocator at once.
 *
 * Larger requests (above 1024 bytes, or aligned more strictly) take a whole
 * block of frames from frame_alloc(). No header is kept for them: a class
 * object never starts on a page boundary (the header is there), so xfree()
 * of a page-aligned pointer means a whole block, and the frame allocator
 * knows its order (frame_block_order()).
 *
 * Bad frees caught with panic(): a pointer that is not 16-byte aligned, a
 * pointer into a frame that is not a class frame or not at a slot boundary,
 * a slot that is not in use (double free), and a page-aligned pointer that
 * is not the start of an allocated block. A whole block obtained from
 * frame_alloc() directly cannot be told from one of ours.
 */

#define HEAP_MIN_ALIGN      16
#define HEAP_MAGIC          0x50454150u     /* "PAEH" */
#define HEAP_NR_CLASSES     7               /* 16 .. 1024 */
#define HEAP_MAX_SLOTS      (PAGE_SIZE / HEAP_MIN_ALIGN)

struct heap_page {                  /* at the start of every class frame */
    uint32_t magic;                 /* HEAP_MAGIC */
    uint16_t cls;                   /* index in heap_classes[] */
    uint16_t used;                  /* objects handed out */
    struct heap_page *next, *prev;  /* on the class's list while not full */
    uint64_t busy[HEAP_MAX_SLOTS / 64];     /* bit i: slot i in use (or header) */
};

struct heap_class {
    size_t size;                    /* slot size, a power of two */
    unsigned int first;             /* first slot after the header */
    unsigned int slots;             /* slots per frame, header included */
    struct heap_page *partial;      /* frames with a free slot */
};

/* heap_lock guards heap_classes[] and every class frame; taken before frame_lock. */
static spinlock_t heap_lock = SPINLOCK_INIT;
#define HEAP_CLASS(sz) { (sz), ALIGN_UP(sizeof(struct heap_page), (sz)) / (sz), \
                         PAGE_SIZE / (sz), NULL }
static struct heap_class heap_classes[HEAP_NR_CLASSES] = {
    HEAP_CLASS(16), HEAP_CLASS(32), HEAP_CLASS(64), HEAP_CLASS(128),
    HEAP_CLASS(256), HEAP_CLASS(512), HEAP_CLASS(1024),
};
static size_t heap_used;            /* atomic: bytes handed out */

BUILD_BUG_ON(sizeof(struct heap_page) > 64);     /* at most 1 slot of 64 */
BUILD_BUG_ON((16 << (HEAP_NR_CLASSES - 1)) != PAGE_SIZE / 4);

/* ---- class frames ------------------------------------------------------------ */

/* The smallest class of at least 'need' bytes, or NULL. */
static struct heap_class *heap_class_for(size_t need)
{
    for (unsigned int i = 0; i < HEAP_NR_CLASSES; i++)
        if (heap_classes[i].size >= need)
            return &heap_classes[i];
    return NULL;
}

static void heap_list_add(struct heap_class *c, struct heap_page *pg)
{
    pg->prev = NULL;
    pg->next = c->partial;
    if (c->partial)
        c->partial->prev = pg;
    c->partial = pg;
}

static void heap_list_del(struct heap_class *c, struct heap_page *pg)
{
    if (pg->prev)
        pg->prev->next = pg->next;
    else
        c->partial = pg->next;
    if (pg->next)
        pg->next->prev = pg->prev;
}

/* A fresh class frame, on the class's list; NULL when out of frames. */
static struct heap_page *heap_page_new(struct heap_class *c)
{
    paddr_t pa = frame_alloc(0);
    struct heap_page *pg;

    if (!pa)
        return NULL;
    pg = phys_to_virt(pa);
    pg->magic = HEAP_MAGIC;
    pg->cls = c - heap_classes;
    pg->used = 0;
    memset(pg->busy, 0xff, sizeof(pg->busy));
    for (unsigned int s = c->first; s < c->slots; s++)
        pg->busy[s / 64] &= ~(1ULL << (s % 64));
    heap_list_add(c, pg);
    return pg;
}

static void *heap_class_alloc(struct heap_class *c)
{
    struct heap_page *pg = c->partial ? c->partial : heap_page_new(c);
    unsigned int w = 0, slot;

    if (!pg)
        return NULL;
    while (pg->busy[w] == ~0ULL)
        w++;
    slot = w * 64 + __builtin_ctzll(~pg->busy[w]);
    pg->busy[w] |= 1ULL << (slot % 64);
    if (++pg->used == c->slots - c->first)
        heap_list_del(c, pg);
    return (uint8_t *)pg + slot * c->size;
}

/* The class frame holding object 'p'; panics if 'p' cannot be one. */
static struct heap_page *heap_page_of(const void *p, unsigned int *slot)
{
    struct heap_page *pg = (void *)ALIGN_DOWN((uintptr_t)p, PAGE_SIZE);
    size_t off = (uintptr_t)p - (uintptr_t)pg;
    struct heap_class *c;

    if (pg->magic != HEAP_MAGIC || pg->cls >= HEAP_NR_CLASSES)
        panic("xfree(%#lx): not a heap object", (unsigned long)(uintptr_t)p);
    c = &heap_classes[pg->cls];
    *slot = off / c->size;
    if (off % c->size || *slot < c->first)
        panic("xfree(%#lx): not the start of a %lu-byte object",
              (unsigned long)(uintptr_t)p, (unsigned long)c->size);
    if (!(pg->busy[*slot / 64] & (1ULL << (*slot % 64))))
        panic("xfree(%#lx): object is not allocated (double free?)",
              (unsigned long)(uintptr_t)p);
    return pg;
}

static void heap_class_free(void *p)
{
    unsigned long flags = spin_lock_irqsave(&heap_lock);
    unsigned int slot;
    struct heap_page *pg = heap_page_of(p, &slot);
    struct heap_class *c = &heap_classes[pg->cls];
    bool was_full = pg->used == c->slots - c->first;

    pg->busy[slot / 64] &= ~(1ULL << (slot % 64));
    pg->used--;
    __atomic_fetch_sub(&heap_used, c->size, __ATOMIC_RELAXED);
    if (pg->used == 0) {
        if (!was_full)
            heap_list_del(c, pg);
        pg->magic = 0;
        frame_free(virt_to_phys(pg), 0);
    } else if (was_full) {
        heap_list_add(c, pg);
    }
    spin_unlock_irqrestore(&heap_lock, flags);
}

/* ---- whole blocks ------------------------------------------------------------ */

static void *heap_block_alloc(size_t size)
{
    unsigned int order = 0;
    paddr_t pa;

    while ((PAGE_SIZE << order) < size)
        if (++order > FRAME_MAX_ORDER)
            return NULL;
    pa = frame_alloc(order);
    if (!pa)
        return NULL;
    __atomic_fetch_add(&heap_used, PAGE_SIZE << order, __ATOMIC_RELAXED);
    return phys_to_virt(pa);
}

static void heap_block_free(void *p)
{
    paddr_t pa = virt_to_phys(p);
    int order = frame_block_order(pa);

    if (order < 0)
        panic("xfree(%#lx): not an allocated block", (unsigned long)(uintptr_t)p);
    __atomic_fetch_sub(&heap_used, PAGE_SIZE << order, __ATOMIC_RELAXED);
    frame_free(pa, order);
}

/* ---- interface ------------------------------------------------------------------ */

void *xmalloc_aligned(size_t size, size_t align)
{
    struct heap_class *c;
    unsigned long flags;
    void *p;

    if (!align || (align & (align - 1)) || align > PAGE_SIZE)
        return NULL;
    size = MAX(size, (size_t)1);
    flags = spin_lock_irqsave(&heap_lock);
    c = heap_class_for(MAX(size, align));
    p = c ? heap_class_alloc(c) : NULL;
    spin_unlock_irqrestore(&heap_lock, flags);
    if (c) {
        if (p)
            __atomic_fetch_add(&heap_used, c->size, __ATOMIC_RELAXED);
        return p;
    }
    return heap_block_alloc(size);
}

void *xmalloc(size_t size)
{
    return xmalloc_aligned(size, HEAP_MIN_ALIGN);
}

void *xzalloc(size_t size)
{
    void *p = xmalloc(size);

    if (p)
        memset(p, 0, size);
    return p;
}

void xfree(void *p)
{
    if (!p)
        return;
    if (!IS_ALIGNED((uintptr_t)p, HEAP_MIN_ALIGN))
        panic("xfree(%#lx): misaligned pointer", (unsigned long)(uintptr_t)p);
    if (IS_ALIGNED((uintptr_t)p, PAGE_SIZE))
        heap_block_free(p);
    else
        heap_class_free(p);
}

size_t heap_used_bytes(void)
{
    return __atomic_load_n(&heap_used, __ATOMIC_RELAXED);
}
