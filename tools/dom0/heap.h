/* SPDX-License-Identifier: MIT */
/*
 * dom0's heap: malloc, calloc, realloc and free (declared in <stdlib.h>)
 * on the page allocator. Requests up to HEAP_SMALL_MAX bytes come from
 * power-of-two size classes carved out of single pages; bigger ones take
 * whole pages. Every block starts with a 16-byte header (so payloads are
 * 16-byte aligned) that free() checks: a pointer that is not a live block
 * is counted in heap_bad_frees and otherwise ignored. One vCPU uses it.
 */
#ifndef DOM0_HEAP_H
#define DOM0_HEAP_H

#include <stddef.h>
#include <stdint.h>
#include "pages.h"

#define HEAP_SMALL_MAX  (2048 - 16)

/* Take pages from pp from now on. */
void heap_init(struct page_pool *pp);

struct heap_stats {
    uint64_t in_use;            /* bytes of live blocks, headers included */
    uint64_t bad_frees;         /* free()/realloc() of a pointer that was not live */
};
void heap_stats(struct heap_stats *st);

#endif
