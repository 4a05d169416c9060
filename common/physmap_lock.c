// SPDX-License-Identifier: MIT
/*
 * The one lock for changes that others make to a domain's physmap, or that
 * fill or empty a gfn after checking it (include/petrel/physmap.h): shared
 * by add_to_physmap and the grant mappings (common/memory_op.c), foreign
 * mappings, populate and decrease (common/foreign_map.c, reservation.c),
 * so that no two of them both find a gfn empty and both fill it.
 */
#include <petrel/physmap.h>
#include <petrel/spinlock.h>

static spinlock_t lock = SPINLOCK_INIT;

void physmap_lock(void)
{
    spin_lock(&lock);
}

void physmap_unlock(void)
{
    spin_unlock(&lock);
}
