/* SPDX-License-Identifier: MIT */
/*
 * The ACPI IVRS table (AMD I/O Virtualization Technology (IOMMU)
 * Specification, rev. 3, chapter 5), read into plain arrays by
 * drivers/iommu/ivrs.c (pure: unit-tested over hand-built tables) for
 * drivers/iommu/amd_iommu.c.
 */
#ifndef DRIVERS_IOMMU_IVRS_H
#define DRIVERS_IOMMU_IVRS_H

#include <petrel/types.h>

#define IVRS_MAX_UNITS      8
#define IVRS_MAX_RANGES     64      /* device id ranges per unit, after merging */
#define IVRS_MAX_SPECIAL    8       /* IOAPIC / HPET entries per unit */
#define IVRS_MAX_IVMD       8

/* IVHD block types (5.2.2) */
#define IVHD_TYPE_10        0x10    /* legacy: feature reporting in the header */
#define IVHD_TYPE_11        0x11    /* with an image of the EFR */
#define IVHD_TYPE_40        0x40    /* 11h plus ACPI HID device entries */

/* IVHD flags (5.2.2.1) */
#define IVHD_F_COHERENT     (1u << 5)

/* IVMD flags (5.2.3) */
#define IVMD_F_UNITY        (1u << 0)   /* identity-map the block */
#define IVMD_F_READ         (1u << 1)
#define IVMD_F_WRITE        (1u << 2)
#define IVMD_F_EXCL         (1u << 3)   /* exclusion range: never translated */

/* Special device varieties (IVHD entry 48h) */
#define IVRS_SPECIAL_IOAPIC 1
#define IVRS_SPECIAL_HPET   2

/* Device ids [first, last] share a DTE setting byte (Table 93: INITPass,
 * EIntPass, NMIPass, SysMgt, Lint0Pass, Lint1Pass); their requests reach
 * the IOMMU under 'alias' when 'aliased' (a PCI bridge speaks for them). */
struct ivrs_range {
    uint16_t first, last;
    uint16_t alias;
    bool aliased;
    uint8_t setting;
};

struct ivrs_special {
    uint8_t variety;                /* IVRS_SPECIAL_* */
    uint8_t setting;                /* DTE setting byte, as for ranges */
    uint8_t handle;                 /* IOAPIC id, HPET number */
    uint16_t devid;
};

struct ivrs_unit {                  /* one IVHD block */
    uint8_t type;                   /* IVHD_TYPE_* */
    uint8_t flags;
    uint16_t devid;                 /* the IOMMU's own PCI function */
    uint16_t cap;                   /* its capability block's offset */
    uint64_t base;                  /* register base, 16 KiB aligned */
    uint16_t seg;
    uint16_t info;                  /* IOMMU info: MSI number, unit id */
    uint32_t attr;                  /* 10h: feature reporting; 11h/40h: attributes */
    uint64_t efr;                   /* 11h/40h: the EFR image; 10h: 0 */
    unsigned int nr_ranges;
    struct ivrs_range range[IVRS_MAX_RANGES];
    unsigned int nr_special;
    struct ivrs_special special[IVRS_MAX_SPECIAL];
};

struct ivrs_ivmd {                  /* an IVMD block (5.2.3) */
    uint8_t type;                   /* 20h all, 21h one device, 22h a range */
    uint8_t flags;                  /* IVMD_F_* */
    uint16_t first, last;           /* device ids it applies to */
    uint64_t base, limit;           /* [base, limit], page-rounded outwards */
};

struct ivrs_info {
    uint32_t ivinfo;                /* IVinfo (5.2.1): address sizes, EFRSup */
    uint8_t ivhd_type;              /* the IVHD type used (the highest present) */
    unsigned int nr_units;
    struct ivrs_unit unit[IVRS_MAX_UNITS];
    unsigned int nr_ivmd;
    struct ivrs_ivmd ivmd[IVRS_MAX_IVMD];
    unsigned int nr_skipped;        /* blocks and entries not used */
    /* Why the table was refused, and where (an offset into it). */
    const char *error;
    uint32_t error_at;
};

/*
 * Read the IVRS table at 'table' (its ACPI header included; 'len' bytes
 * readable; the header's own length must fit in it). Of the IVHD types
 * present, only the highest that Petrel knows (10h < 11h < 40h) is used:
 * firmware describes each IOMMU once per type. Returns 0 with *out filled,
 * or -EINVAL with out->error and out->error_at saying what is malformed: a
 * length that leaves the table or a block, an entry that leaves its block,
 * a range start without its end (or the reverse, or reversed), an IVMD of
 * the wrong length or with an end below its start, a register base not
 * 16 KiB aligned, no IVHD at all, more units, ranges, special devices or
 * IVMDs than the arrays hold. Checksums are acpi.c's business. Pure.
 */
int ivrs_parse(const void *table, size_t len, struct ivrs_info *out);

/*
 * The unit of segment 'seg' whose device entries name 'devid' (the first
 * that does), with the range that names it in *range; NULL when none.
 * Pure.
 */
const struct ivrs_unit *ivrs_unit_of(const struct ivrs_info *ivrs, uint16_t seg,
                                     uint16_t devid, const struct ivrs_range **range);

#endif
