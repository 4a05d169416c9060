/* SPDX-License-Identifier: MIT */
/*
 * Changes to a domain's physmap that others make on its behalf
 * (common/memory_op.c): under one lock with XENMEM_add_to_physmap, so a
 * look and the change it decides are never split by another writer.
 */
#ifndef PETREL_PHYSMAP_H
#define PETREL_PHYSMAP_H

#include <petrel/types.h>

struct domain;
struct p2m_batch;

/*
 * The physmap lock (common/physmap_lock.c): held by whoever checks a gfn
 * and then fills or empties it because of what it found (add_to_physmap,
 * grant and foreign mappings, populate, decrease). Order: a grant table's
 * lock, the reservation lock, this, a domain's lock, the p2m lock.
 */
void physmap_lock(void);
void physmap_unlock(void);

/*
 * Map machine frame 'mfn', which d does not own (a granted frame), at
 * 'gfn' of d: P2M_RAM_RO if 'readonly', else P2M_RAM_RW. Only where
 * nothing is mapped (not RAM, not a reserved or MMIO entry, not another
 * mapping): -EBUSY otherwise; -EINVAL for a gfn beyond the guest-physical
 * width or the local APIC page; -ENOMEM. Needs no flush.
 */
int physmap_add_foreign(struct domain *d, uint64_t gfn, uint64_t mfn, bool readonly);

/*
 * Remove what physmap_add_foreign() mapped at 'gfn', if 'mfn' is still
 * there (the guest may have put something else over it since: that
 * stays). Any dropped translation is in 'b' for the caller to flush.
 */
void physmap_remove_foreign(struct domain *d, uint64_t gfn, uint64_t mfn, struct p2m_batch *b);

#endif
