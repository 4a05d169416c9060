/* SPDX-License-Identifier: MIT */
/* Grant tables inside common/: grant_table.c (table, pins) for grant_map.c. */
#ifndef COMMON_GRANT_PRIVATE_H
#define COMMON_GRANT_PRIVATE_H

#include <petrel/grant_table.h>
#include <petrel/spinlock.h>
#include <petrel/types.h>
#include <public/grant_table.h>

struct domain;
struct vcpu;

#define GNTTAB_PER_FRAME    (PAGE_SIZE / sizeof(struct grant_entry_v1))

/* The hypervisor's side of one grant entry of the granter. */
struct gnttab_active {
    uint32_t pins_ro, pins_rw;      /* mappings and copies using it */
    uint64_t mfn;                   /* the frame, from the first pin on */
    uint64_t gfn;                   /* ... where the granter has it: it stays
                                       there while pinned (decrease refuses) */
    domid_t domid;                  /* whom the pins are for */
    bool writable;                  /* the granter's p2m has it RAM_RW */
};

/* One mapping a domain made of another's grant (maptrack entry). */
struct gnttab_map {
    struct domain *granter;         /* with a reference; NULL: free */
    uint64_t gfn;                   /* where the mapper sees it */
    uint64_t mfn;
    grant_ref_t ref;
    bool readonly;
    bool busy;                      /* being made or undone: not for unmap */
};

struct grant_table {
    spinlock_t lock;                /* guards all below but frame_gfn */
    unsigned int nr_frames;
    struct grant_entry_v1 *shared[GNTTAB_MAX_FRAMES];  /* the guest's entries */
    struct gnttab_active *active[GNTTAB_MAX_FRAMES];   /* GNTTAB_PER_FRAME each */
    uint64_t frame_gfn[GNTTAB_MAX_FRAMES];  /* in the guest's physmap (~0: not);
                                               memory_op's physmap lock */
    struct gnttab_map *maptrack;    /* GNTTAB_MAX_MAPS, allocated at first map */
    unsigned int nr_maps;           /* entries in use (busy included) */
    unsigned int nr_pinned;         /* active entries with pins */
};

/* d's table; created (NULL if out of memory) only if 'create'. */
struct grant_table *gnttab_get(struct domain *d, bool create);

/*
 * Pin entry 'ref' of rd for a use by domain 'ldom', read-only or not, and
 * return the frame in *mfn: GNTST_okay, GNTST_bad_gntref (beyond the table),
 * GNTST_general_error (not granted to ldom that way, or pinned for another
 * domain), GNTST_bad_page (the frame is not RAM rd owns). Takes rd's lock.
 */
int16_t gnttab_pin(struct domain *rd, grant_ref_t ref, domid_t ldom, bool ro, uint64_t *mfn);
/* Drop a pin gnttab_pin() gave; the last of a kind clears its GTF_ bit. */
void gnttab_unpin(struct domain *rd, grant_ref_t ref, bool ro);

/* grant_map.c: GNTTABOP_map_grant_ref, unmap_grant_ref and copy. */
long gnttab_map(struct vcpu *v, uint64_t uops, uint64_t count);
long gnttab_unmap(struct vcpu *v, uint64_t uops, uint64_t count);
long gnttab_copy(struct vcpu *v, uint64_t uops, uint64_t count);

#endif
