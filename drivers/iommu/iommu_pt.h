/* SPDX-License-Identifier: MIT */
/*
 * The radix I/O page tables both vendors use (VT-d second-level tables,
 * AMD-Vi I/O page tables): frames of 512 8-byte entries, 9 bits of the DMA
 * frame number per level, 4 KiB leaves only, the address of what an entry
 * points to in bits 51:12. Only the bits that say "present" and what a
 * table entry holds differ: struct iommu_pt says them. drivers/iommu/
 * iommu_pt.c; the callers serialise changes to one set of tables.
 */
#ifndef DRIVERS_IOMMU_IOMMU_PT_H
#define DRIVERS_IOMMU_IOMMU_PT_H

#include <petrel/types.h>

#define IOMMU_PT_ADDR   0x000ffffffffff000ull

struct iommu_pt {
    unsigned int levels;            /* the root table is level 'levels'; leaves are level 1 */
    uint64_t present;               /* an entry with any of these bits points somewhere */
    /* The entry of a level-(l + 1) table that points at the level-l table pa. */
    uint64_t (*link)(paddr_t pa, unsigned int l);
    /* Make a table write visible to units that do not snoop; NULL: they do. */
    void (*sync)(const void *p, size_t len);
};

/* A zeroed table frame (synced), or 0 when out of memory. */
paddr_t iommu_pt_alloc(const struct iommu_pt *pt);

/* Free root and every table below it. */
void iommu_pt_free(const struct iommu_pt *pt, paddr_t root);

/* The leaf entry for dfn (which must be below 2^(9 * levels)), making the
 * missing tables on the way when 'make'; NULL when one is missing (and not
 * made) or out of memory. */
uint64_t *iommu_pt_leaf(const struct iommu_pt *pt, paddr_t root, uint64_t dfn, bool make);

/* Write entry e (one atomic store, then synced). */
void iommu_pt_set(const struct iommu_pt *pt, uint64_t *e, uint64_t v);

#endif
