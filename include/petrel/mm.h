/* SPDX-License-Identifier: MIT */
/*
 * Memory management: the frame allocator (mm/frame.c), the heap (mm/heap.c)
 * and the direct map (mm/pagetable.c).
 *
 * All RAM is reachable through the direct map: virtual = DIRECTMAP_BASE + phys.
 */
#ifndef PETREL_MM_H
#define PETREL_MM_H

#include <petrel/types.h>

struct boot_info;

/* ---- Frame allocator (mm/frame.c) ---------------------------------------
 * A buddy allocator over the usable RAM of the boot memory map, with orders
 * 0 (4 KiB) to FRAME_MAX_ORDER. Its metadata is proportional to the RAM it
 * manages, not to the span of physical addresses, so holes cost nothing.
 * Locking: one spinlock inside; callable from any context once initialised.
 */
#define FRAME_MAX_ORDER 18          /* 1 GiB */

struct frame_reserve {              /* a range the allocator must never hand out */
    paddr_t start, end;             /* [start, end) */
};

/*
 * Build the allocator from the RAM ranges of 'bi', minus the reserved ranges
 * 'res' (hypervisor image, modules, multiboot information, ...) and minus the
 * first MiB. Metadata is carved from the managed RAM itself and reached
 * through phys_to_virt(). Returns 0 or -ENOMEM when no RAM is left.
 */
int frame_init(const struct boot_info *bi, const struct frame_reserve *res,
               unsigned int nr_res);

/* 2^order contiguous, naturally aligned frames; 0 when none are free. */
paddr_t frame_alloc(unsigned int order);
/* Like frame_alloc, but only frames wholly below 'limit'. */
paddr_t frame_alloc_below(unsigned int order, paddr_t limit);
/*
 * Give back a block from frame_alloc*() with the order it was allocated with.
 * A double free, a wrong order or an address the allocator did not hand out
 * is a hypervisor bug: panic.
 */
void frame_free(paddr_t pa, unsigned int order);
/*
 * Cut the allocated block of 2^order frames at 'pa' into 2^(order-new_order)
 * allocated blocks of 2^new_order frames, each then freed on its own with
 * frame_free(piece, new_order) (Linux's split_page()). Panics, like
 * frame_free(), unless 'pa' is an allocated block of exactly 'order', or if
 * new_order > order.
 */
void frame_split(paddr_t pa, unsigned int order, unsigned int new_order);
/*
 * The order of the allocated block that starts at 'pa', or -1 when 'pa' is
 * not the first frame of an allocated block. For xfree() of whole frames.
 */
int frame_block_order(paddr_t pa);

uint64_t frame_free_count(void);    /* free 4 KiB frames */
uint64_t frame_total_count(void);   /* frames managed */

/* ---- Heap (mm/heap.c) ---------------------------------------------------
 * xmalloc: at least 16-byte aligned; xmalloc_aligned for stricter power-of-two
 * alignment up to PAGE_SIZE (any other 'align' gets NULL). Small sizes come
 * from per-size-class pools (16 to 1024 bytes) carved from frames; a request
 * above 1024 bytes (PAGE_SIZE/4), or aligned more strictly, takes a whole
 * block of 2^order frames. Size 0 is served as 1. NULL when out of memory.
 * xfree(NULL) is a no-op. Freeing a pointer the heap did not return is
 * detected when possible and reported with panic (a hypervisor bug, never
 * guest-caused). Locking: one spinlock inside, taken before the frame
 * allocator's; callable from any context once frame_init() has run.
 */
void *xmalloc(size_t size);
void *xzalloc(size_t size);
void *xmalloc_aligned(size_t size, size_t align);
void xfree(void *p);
/* Bytes handed out and not yet freed, counted as the class size or block size. */
size_t heap_used_bytes(void);

/* ---- Direct map ---------------------------------------------------------- */
#define DIRECTMAP_BASE  0xffff800000000000UL
#define KERNEL_VBASE    0xffffffff80000000UL

/* Translation hooks: the hypervisor maps phys <-> virt; host tests stub them. */
void *phys_to_virt(paddr_t pa);
paddr_t virt_to_phys(const void *va);

#endif
