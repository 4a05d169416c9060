/* SPDX-License-Identifier: MIT */
/* dom0's <stdlib.h>: the heap (heap.c). */
#ifndef DOM0_STDLIB_H
#define DOM0_STDLIB_H

#include <stddef.h>

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);

#endif
