/* SPDX-License-Identifier: MIT */
/*
 * What the boot loader told us, in a loader-neutral form. Filled by
 * mb2_parse() (common/multiboot2.c) from the multiboot2 information block.
 */
#ifndef PETREL_BOOTINFO_H
#define PETREL_BOOTINFO_H

#include <petrel/types.h>

#define BOOT_MAX_MODULES    16
#define BOOT_MAX_MEMRANGES  128
#define BOOT_CMDLINE_MAX    1024
#define BOOT_MODSTR_MAX     256

/* Memory range types (the E820 numbering; EFI types are translated). */
enum mem_type {
    MEM_RAM = 1,            /* usable */
    MEM_RESERVED = 2,
    MEM_ACPI = 3,           /* ACPI reclaimable */
    MEM_NVS = 4,            /* ACPI NVS */
    MEM_BAD = 5,
};

struct mem_range {
    paddr_t base;
    uint64_t len;
    uint32_t type;          /* enum mem_type */
};

struct boot_module {
    paddr_t start;          /* first byte */
    paddr_t end;            /* one past the last byte */
    char string[BOOT_MODSTR_MAX];
};

struct boot_info {
    char cmdline[BOOT_CMDLINE_MAX];
    char loader[64];                /* boot loader name, "" if absent */

    unsigned int nr_modules;
    struct boot_module modules[BOOT_MAX_MODULES];

    /*
     * The memory map, sorted by base, non-overlapping (where the loader's
     * map overlaps, the more restrictive type wins), adjacent ranges of one
     * type merged. From the BIOS (E820-style) map tag when present, else the
     * EFI memory map tag, else from basic meminfo (lower/upper KiB).
     */
    unsigned int nr_ranges;
    struct mem_range ranges[BOOT_MAX_MEMRANGES];

    /*
     * Copy of the RSDP given by the loader (ACPI 2.0+ tag preferred over the
     * 1.0 tag); rsdp_len is 0 when neither tag was present.
     */
    uint8_t rsdp[36];
    uint32_t rsdp_len;

    bool efi;                       /* booted through UEFI (EFI64/32 tag) */
    unsigned int warnings;          /* malformed tags seen (each logged) */
};

/*
 * Parse the multiboot2 information block at 'mbi' (already mapped). 'limit'
 * is how many bytes may be read at most (the block's own total_size is
 * checked against it). Unknown tags are skipped; malformed tags are logged
 * with pr_warn, counted in bi->warnings and skipped. Returns 0, or -1 when the
 * block itself is unusable (bad size); bi is then zeroed apart from warnings.
 */
int mb2_parse(const void *mbi, size_t limit, struct boot_info *bi);

/* Total bytes of MEM_RAM in the map. */
uint64_t boot_ram_bytes(const struct boot_info *bi);

#endif
