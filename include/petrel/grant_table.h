/* SPDX-License-Identifier: MIT */
/*
 * Grant tables, version 1 (common/grant_table.c; docs/grant-tables.md).
 *
 * Per domain, created on first use: a shared table of hypervisor frames
 * (GNTTAB_INIT_FRAMES at first, grown on demand to GNTTAB_MAX_FRAMES) that
 * the guest maps into its physmap with XENMAPSPACE_grant_table; beside it,
 * per entry, the hypervisor's pin counts (mappings and copies in flight);
 * and the maptrack: the mappings this domain made of other domains'
 * grants (GNTTAB_MAX_MAPS at most), each holding a domain_by_id()
 * reference on its granter, so that no frame of the granter is freed while
 * a mapping of it lives.
 *
 * Locking: one spinlock per table, never two at once; memory_op's physmap
 * lock is taken with or without it held (grant lock -> physmap lock ->
 * p2m lock), never the other way round.
 */
#ifndef PETREL_GRANT_TABLE_H
#define PETREL_GRANT_TABLE_H

#include <petrel/types.h>

struct domain;
struct grant_table;
struct vcpu;

#define GNTTAB_INIT_FRAMES  4       /* what a new table has (Linux's guess too) */
#define GNTTAB_MAX_FRAMES   32      /* query_size's max_nr_frames: 16384 entries */
#define GNTTAB_MAX_MAPS     1024    /* live mappings a domain may hold */
#define GNTTAB_MAX_OPS      1024    /* ops in one map, unmap or copy call */

/* __HYPERVISOR_grant_table_op(cmd, uops, count): GNTTABOP_*. */
long do_grant_table_op(struct vcpu *v, uint64_t cmd, uint64_t uops, uint64_t count,
                       uint64_t a4, uint64_t a5);

/*
 * XENMAPSPACE_grant_table: frame 'idx' of d's shared table, the table
 * grown to idx + 1 frames if need be. Returns 0 with its machine frame in
 * *mfn and, in *gfn_slot, where d's physmap has it (~0: nowhere), which
 * the caller updates under its physmap lock; -EINVAL for an idx at or past
 * GNTTAB_MAX_FRAMES (or with the v2 status-frame bit), -ENOMEM.
 * Takes d's grant lock.
 */
int gnttab_physmap_frame(struct domain *d, uint64_t idx, uint64_t *mfn, uint64_t **gfn_slot);

/* Does d's physmap show one of its grant-table frames at gfn? Caller holds
 * the physmap lock (physmap.h), which guards where the frames are. */
bool gnttab_is_frame_gfn(struct domain *d, uint64_t gfn);

/*
 * Undo every mapping d made of other domains' grants: its p2m entries go,
 * the granters' entries are unpinned (GTF_reading/writing cleared with the
 * last pin) and their references dropped. For a domain that will run no
 * more (the reaper, before waiting for references to d itself, so two
 * dead domains mapping each other's grants both go); idempotent.
 */
void gnttab_relinquish(struct domain *d);

/*
 * For whoever frees frames of d (decrease_reservation): hold d's grant
 * lock so that no new pin starts, ask whether any pin holds the frame at
 * one of d's gfns [gfn, gfn + nr) (another domain maps it or copies from
 * it: it must not be freed), and let go. A pinned frame stays at its gfn:
 * only this path frees an owned frame of a live domain (add_to_physmap
 * over it retires it until the domain dies). gnttab_hold_pins() makes
 * d's table if it has none yet, and returns NULL only when out of memory.
 * The grant lock nests outside the reservation, physmap and domain locks.
 */
struct grant_table *gnttab_hold_pins(struct domain *d);
bool gnttab_gfns_pinned(struct grant_table *gt, uint64_t gfn, uint64_t nr);
void gnttab_release_pins(struct grant_table *gt);

/* Free d's table, after gnttab_relinquish() and p2m_destroy(): nobody
 * holds a pin on it then (each pin holds a reference on d). */
void gnttab_domain_destroy(struct domain *d);

#endif
