/* SPDX-License-Identifier: MIT */
/*
 * The ACPI DMAR table (Intel VT-d spec, chapter 8), read into plain arrays
 * by drivers/iommu/dmar.c (pure: unit-tested over hand-built tables) for
 * drivers/iommu/vtd.c.
 */
#ifndef DRIVERS_IOMMU_DMAR_H
#define DRIVERS_IOMMU_DMAR_H

#include <petrel/types.h>

#define DMAR_MAX_UNITS      8
#define DMAR_MAX_RMRR       8
#define DMAR_MAX_SCOPES     16      /* per DRHD or RMRR */
#define DMAR_MAX_PATH       4       /* (device, function) hops per scope */

/* Device scope types (8.3.1) */
#define DMAR_SCOPE_ENDPOINT 1       /* a PCI endpoint */
#define DMAR_SCOPE_BRIDGE   2       /* a PCI bridge and everything below it */
#define DMAR_SCOPE_IOAPIC   3
#define DMAR_SCOPE_HPET     4
#define DMAR_SCOPE_ACPI     5       /* an ACPI namespace device */

/* DMAR flags (8.1) */
#define DMAR_INTR_REMAP     (1u << 0)
#define DMAR_X2APIC_OPT_OUT (1u << 1)

struct dmar_scope {
    uint8_t type;                   /* DMAR_SCOPE_* */
    uint8_t enum_id;                /* IOAPIC id, HPET number, ACPI device */
    uint8_t bus;                    /* start bus */
    uint8_t nr_path;                /* 1 .. DMAR_MAX_PATH */
    struct { uint8_t dev, fn; } path[DMAR_MAX_PATH];
};

struct dmar_unit {                  /* DRHD (8.3) */
    uint16_t seg;
    bool include_all;               /* every device of seg no other unit lists */
    uint64_t base;                  /* register base, 4 KiB aligned */
    unsigned int nr_scopes;
    struct dmar_scope scope[DMAR_MAX_SCOPES];
};

struct dmar_rmrr {                  /* RMRR (8.4) */
    uint16_t seg;
    uint64_t base, limit;           /* [base, limit], page-aligned ends */
    unsigned int nr_scopes;
    struct dmar_scope scope[DMAR_MAX_SCOPES];
};

struct dmar_info {
    uint8_t haw;                    /* host address width, bits */
    uint8_t flags;                  /* DMAR_INTR_REMAP, ... */
    unsigned int nr_units;
    struct dmar_unit unit[DMAR_MAX_UNITS];
    unsigned int nr_rmrr;
    struct dmar_rmrr rmrr[DMAR_MAX_RMRR];
    unsigned int nr_skipped;        /* structures of types not used (ATSR, RHSA...) */
    /* Why the table was refused, and where (an offset into it). */
    const char *error;
    uint32_t error_at;
};

/*
 * Read the DMAR table at 'table' (its ACPI header included; 'len' bytes
 * readable; the header's own length must fit in it). Returns 0 with *out
 * filled, or -EINVAL with out->error and out->error_at saying what is
 * malformed: a length that leaves a structure or scope, a DRHD without
 * units' base or not 4 KiB aligned, two INCLUDE_PCI_ALL units for one
 * segment, an RMRR whose ends are not page-aligned or reversed, a scope
 * with no path or an odd one, no DRHD at all, more units, RMRRs or scopes
 * than the arrays hold. Checksums are acpi.c's business. Pure.
 */
int dmar_parse(const void *table, size_t len, struct dmar_info *out);

/*
 * Does 'scope' name the function at bus:dev.fn (bdf)? Endpoints match
 * exactly; a bridge matches itself and every bus from its secondary to its
 * subordinate. The path is followed through bridges with sec(bdf), which
 * returns a bridge's secondary bus (or -1), and sub(bdf) its subordinate
 * bus. Pure (the callbacks read config space in the hypervisor).
 */
bool dmar_scope_matches(const struct dmar_scope *scope, uint16_t bdf,
                        int (*sec)(uint16_t bdf), int (*sub)(uint16_t bdf));

#endif
