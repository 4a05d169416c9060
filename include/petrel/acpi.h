/* SPDX-License-Identifier: MIT */
/*
 * ACPI table discovery and parsing (drivers/acpi.c). Only static tables are
 * read; of the AML, only the \_S5 package is looked up (for poweroff).
 */
#ifndef PETREL_ACPI_H
#define PETREL_ACPI_H

#include <petrel/config.h>
#include <petrel/types.h>

/* Generic Address Structure (ACPI 6.x, 5.2.3.2). */
struct acpi_gas {
    uint8_t space_id;               /* ACPI_GAS_MEM, ACPI_GAS_IO, ... */
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
} __packed;

#define ACPI_GAS_MEM    0
#define ACPI_GAS_IO     1

struct acpi_cpu {
    uint32_t apic_id;               /* xAPIC or x2APIC id */
    uint32_t uid;                   /* ACPI processor uid */
    bool x2apic;                    /* from an x2APIC entry */
};

struct acpi_ioapic {
    uint32_t id;
    paddr_t base;
    uint32_t gsi_base;
};

struct acpi_override {              /* MADT interrupt source override */
    uint8_t bus, source;
    uint32_t gsi;
    uint16_t flags;
};

struct acpi_mcfg {
    paddr_t base;
    uint16_t segment;
    uint8_t bus_start, bus_end;
};

struct acpi_info {
    paddr_t rsdp_pa;                /* where the RSDP was found (0: loader copy);
                                       set by the caller after acpi_parse() */
    uint8_t revision;               /* RSDP revision: 0 = ACPI 1.0, 2 = 2.0+ */
    char oem_id[7];

    /* MADT */
    bool have_madt;
    paddr_t lapic_base;             /* after any 64-bit address override */
    /* cpus[]: in MADT order; xAPIC id 0xff and x2APIC id 0xffffffff are
       skipped, and so are x2APIC entries with an id below 255 that an xAPIC
       entry also lists. Beyond NR_CPUS (and likewise for the other arrays
       below) entries are dropped with a warning. */
    bool pcat_compat;               /* dual 8259s present (must be masked) */
    unsigned int nr_cpus;           /* enabled processors only, boot CPU first
                                       is NOT guaranteed */
    unsigned int nr_cpus_disabled;  /* not enabled but online-capable (could be
                                       hot-added); entries with neither flag
                                       are unusable and not counted */
    struct acpi_cpu cpus[NR_CPUS];
    unsigned int nr_ioapics;
    struct acpi_ioapic ioapics[MAX_IOAPICS];
    unsigned int nr_overrides;
    struct acpi_override overrides[MAX_IRQ_OVERRIDES];

    /* FADT */
    bool have_fadt;
    bool hw_reduced;                /* HW_REDUCED_ACPI flag */
    bool reset_supported;           /* RESET_REG_SUP and a sane register */
    struct acpi_gas reset_reg;
    uint8_t reset_value;
    uint16_t boot_arch;             /* IAPC_BOOT_ARCH (bit 1: 8042 present) */
    struct acpi_gas pm1a_cnt, pm1b_cnt;     /* X_ fields, or legacy ports */
    uint32_t smi_cmd;
    uint8_t acpi_enable;
    paddr_t dsdt_pa;
    bool s5_valid;                  /* \_S5 found in the DSDT */
    uint8_t s5_typ_a, s5_typ_b;     /* SLP_TYP values for S5 */

    /* HPET */
    bool have_hpet;
    paddr_t hpet_base;

    /* MCFG */
    unsigned int nr_mcfg;
    struct acpi_mcfg mcfg[MAX_MCFG];

    /* Recorded for the IOMMU drivers. */
    paddr_t dmar_pa, ivrs_pa;
    uint32_t dmar_len, ivrs_len;

    unsigned int bad_tables;        /* bad checksum or length: reported, skipped */
};

/*
 * Environment hook: return a pointer through which [pa, pa+len) can be read,
 * or NULL if it cannot be mapped. Provided by the hypervisor (mapping into the
 * direct map) and by the unit tests (fixtures).
 * acpi.c calls it only during acpi_find_rsdp_bios() and acpi_parse(), never
 * unmaps, and may ask for the same address again with a larger length: for
 * each table first its 36-byte header, then its full length (at most 16 MiB);
 * for the BIOS scan 2 bytes at 0x40e, 1 KiB of EBDA, 128 KiB at 0xe0000 and
 * 36 bytes (at most 1 KiB) per RSDP candidate. 'pa' may be any 64-bit value
 * read from a table, and pa + len may overflow: refuse those.
 */
const void *acpi_map(paddr_t pa, size_t len);

/*
 * Look for the RSDP in the first KiB of the EBDA and in 0xE0000-0xFFFFF, on
 * 16-byte boundaries, with a valid checksum. Returns its address or 0.
 */
paddr_t acpi_find_rsdp_bios(void);

/*
 * Parse the tables from an RSDP. 'rsdp' points at a copy (from the loader)
 * or a mapping of it; 'len' is its length in bytes (20 for ACPI 1.0, 36 for
 * 2.0+). The XSDT is used when revision >= 2 and its address is nonzero,
 * else the RSDT. Each table's signature, length and checksum are checked; a
 * bad one is logged with pr_warn and skipped, and counted in bad_tables.
 * A bad XSDT falls back to the RSDT; so does a 2.0+ RSDP of which only the
 * 1.0 part (len < 36) is given. The first good table of each signature is
 * used. Returns 0, or -EINVAL when the RSDP itself is unusable (bad
 * signature or checksum, len < 20) or neither XSDT nor RSDT is usable (ai
 * then holds nothing but zeroes). ai->rsdp_pa is left 0 for the caller to
 * set. Boot-time, single-threaded; logs one pr_info summary line.
 */
int acpi_parse(const void *rsdp, size_t len, struct acpi_info *ai);

/* Checksum over len bytes: 0 when the table is valid. */
uint8_t acpi_checksum(const void *p, size_t len);

#endif
