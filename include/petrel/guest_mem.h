/* SPDX-License-Identifier: MIT */
/* How domain builders reach a guest's memory: a small table of accessors. */
#ifndef PETREL_GUEST_MEM_H
#define PETREL_GUEST_MEM_H

#include <petrel/types.h>

/*
 * Builders (the ELF loader, the PVH layout writer, later the bzImage loader)
 * never touch guest memory themselves: they call these, so that the same
 * code runs against a domain's p2m in the hypervisor and against a fake
 * guest memory in host unit tests. 'gpa' is guest-physical.
 *
 * write: copy len bytes from src to [gpa, gpa + len).
 * zero:  clear [gpa, gpa + len).
 * Both return 0, or -EFAULT when any part of the range is not guest RAM (in
 * which case nothing need have been written). len 0 is allowed and succeeds.
 */
struct guest_mem_ops {
    int (*write)(void *ctx, uint64_t gpa, const void *src, size_t len);
    int (*zero)(void *ctx, uint64_t gpa, size_t len);
};

#endif
