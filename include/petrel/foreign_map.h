/* SPDX-License-Identifier: MIT */
/*
 * The control domain's memory operations on other domains
 * (common/reservation.c, common/foreign_map.c): populate and give back a
 * domain's RAM, and map another domain's frames into its own physmap
 * (XENMAPSPACE_gmfn_foreign). Each live foreign mapping holds a reference
 * on the domain whose frame it maps, so that frame stays allocated (and the
 * domain, once destroyed, dying) until it is unmapped.
 */
#ifndef PETREL_FOREIGN_MAP_H
#define PETREL_FOREIGN_MAP_H

#include <petrel/types.h>

struct domain;
struct vcpu;

/*
 * memory_op commands served here: XENMEM_populate_physmap,
 * decrease_reservation, current_reservation, maximum_reservation,
 * add_to_physmap_batch and remove_from_physmap. Returns the hypercall's
 * result, or -ENOSYS for any other command.
 */
long memory_op_ctl(struct vcpu *v, uint64_t cmd, uint64_t arg);

/* RAM pages d holds (mapped as its own, and retired). */
uint64_t domain_tot_pages(struct domain *d);

/*
 * Is any of the 2^order frames of d at gfn mapped by another domain? The
 * caller holds foreign_lock (foreign_lock()/foreign_unlock()) across this
 * check and the change it allows.
 */
bool foreign_mapped(struct domain *d, uint64_t gfn, unsigned int order);
void foreign_lock(void);
void foreign_unlock(void);

/* Unmap the foreign mapping of 'mapper' at 'gfn', if that is what is
 * there: 0, or -ENOENT when it is something else (nothing changed). */
long foreign_unmap(struct domain *mapper, uint64_t gfn);

/* XENMEM_add_to_physmap_batch. */
long foreign_map_batch(struct vcpu *v, uint64_t arg);

/* Drop every foreign mapping 'mapper' holds, after its p2m is gone
 * (domain_destroy). */
void foreign_map_release_all(struct domain *mapper);

#endif
