/* SPDX-License-Identifier: MIT */
/*
 * dom0's page allocator: one bit per 4 KiB page over [base, base + nr
 * pages), 1 for used (or not RAM), first fit for runs of pages. Pure: it
 * never touches the pages, only its bitmap, so the host tests it. One
 * vCPU uses it (no locking).
 */
#ifndef DOM0_PAGES_H
#define DOM0_PAGES_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_BYTES      4096ULL

struct page_pool {
    uint64_t base;              /* address of page 0, page-aligned */
    uint64_t nr;                /* pages covered */
    uint64_t *used;             /* bitmap: 1 used or not RAM */
    uint64_t nr_free;
    uint64_t hint;              /* the next search starts here */
};

/* Bytes of bitmap for nr pages (a multiple of 8). */
size_t pages_bitmap_bytes(uint64_t nr);

/* Cover nr pages from base with every page used; bitmap holds
 * pages_bitmap_bytes(nr) bytes. */
void pages_init(struct page_pool *pp, uint64_t base, uint64_t nr, uint64_t *bitmap);

/* Mark the whole pages inside [start, end) free (add RAM) or used
 * (reserve it); the part outside the pool is ignored. */
void pages_add(struct page_pool *pp, uint64_t start, uint64_t end);
void pages_reserve(struct page_pool *pp, uint64_t start, uint64_t end);

/* n contiguous free pages, now used: their address, or 0 if there is no
 * such run (or n is 0). */
uint64_t pages_alloc(struct page_pool *pp, uint64_t n);

/* Give back n pages at addr, which pages_alloc() returned. */
void pages_free(struct page_pool *pp, uint64_t addr, uint64_t n);

#endif
