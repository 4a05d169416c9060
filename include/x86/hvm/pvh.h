/* SPDX-License-Identifier: MIT */
/* The PVH domain builder: guest-physical layout, start info, memory map. */
#ifndef X86_HVM_PVH_H
#define X86_HVM_PVH_H

#include <petrel/types.h>

struct elf_image;
struct guest_mem_ops;

#define PVH_LOW_RAM_END     0xC0000000ULL   /* 3 GiB: low RAM stops, hole */
#define PVH_HIGH_RAM_START  0x100000000ULL  /* 4 GiB: the rest of the RAM */
#define PVH_MIN_FREE        MiB(1)          /* RAM beyond the kernel, at least */
#define PVH_MAX_MEM         GiB(1024)       /* 1 TiB */
#define PVH_MAX_MODULES     16
#define PVH_CMDLINE_MAX     4096            /* bytes per string, NUL excluded */
#define PVH_MAX_RAM_RANGES  2
#define PVH_MAX_RESERVED    32              /* reserved memmap entries (BARs) */
/* Linux reads the module list and memory map through a 1 GiB early map. */
#define PVH_LINUX_INFO_LIMIT GiB(1)

/* A module handed to the guest (dom0: the multiboot2 modules after its own). */
struct pvh_module {
    const void *data;               /* may be NULL when size is 0 */
    uint64_t size;                  /* bytes; 0 is allowed */
    const char *cmdline;            /* NULL or "" = none */
};

struct pvh_build_args {
    const struct elf_image *kernel; /* from elf_parse(); needs PHYS32_ENTRY */
    uint64_t mem_bytes;             /* guest RAM, a multiple of PAGE_SIZE */
    const char *cmdline;            /* NULL or "" = none */
    const struct pvh_module *modules;
    unsigned int nr_modules;        /* <= PVH_MAX_MODULES */
    uint32_t flags;                 /* SIF_*: SIF_PRIVILEGED|SIF_INITDOMAIN for dom0 */
    uint64_t rsdp_paddr;            /* passed through; 0 = none */
    /* Ranges listed as reserved in the memory map (dom0: its devices'
     * BARs): sorted, page-aligned, disjoint, none touching RAM. */
    const struct pvh_range *reserved;
    unsigned int nr_reserved;       /* <= PVH_MAX_RESERVED */
};

struct pvh_range {
    uint64_t start, end;            /* [start, end) */
};

struct pvh_plan_module {
    uint64_t paddr;                 /* page-aligned */
    uint64_t size;
    uint64_t cmdline_paddr;         /* 0 = none */
    uint32_t cmdline_len;           /* without the NUL */
};

/*
 * Where everything goes, decided by pvh_plan() without touching memory.
 * Every address lies in ram[] below PVH_LOW_RAM_END.
 */
struct pvh_plan {
    uint32_t entry;                 /* EIP at start: the PHYS32_ENTRY note */
    uint64_t start_info_paddr;      /* EBX at start */
    unsigned int nr_ram;            /* guest RAM, sorted: populate it first */
    struct pvh_range ram[PVH_MAX_RAM_RANGES];
    struct pvh_range kernel;        /* physical extent of the PT_LOADs */
    struct pvh_range info;          /* start info, lists, strings: whole pages */
    uint64_t modlist_paddr;         /* 0 when there are no modules */
    uint64_t memmap_paddr;          /* memmap_entries entries: the RAM ranges
                                       and the reserved ones, sorted */
    uint32_t memmap_entries;
    uint64_t cmdline_paddr;         /* 0 = none */
    uint32_t cmdline_len;
    unsigned int nr_modules;
    struct pvh_plan_module mods[PVH_MAX_MODULES];
    uint64_t end;                   /* page after the last thing placed */
};

/*
 * Decide the guest-physical layout of a PVH guest (see arch/x86/hvm/pvh.c
 * and docs/pvh-layout.md): RAM ranges, the kernel's place (its p_paddr, as
 * linked), then the start-info block, then the modules. Checks the
 * arguments; touches no memory, no global state. Returns 0 and fills *plan,
 * or after a pr_warn: -EINVAL (no PHYS32_ENTRY note, bad mem_bytes, kernel
 * outside low RAM, too little RAM beyond it, bad module list), -E2BIG (a
 * command line longer than PVH_CMDLINE_MAX), -ENOSPC (the start info or the
 * modules do not fit in low RAM).
 */
int pvh_plan(const struct pvh_build_args *args, struct pvh_plan *plan);

/*
 * Insert [start, end) into list[0..*nr), kept sorted and disjoint (the
 * form pvh_build_args.reserved wants), merging the entries it touches or
 * overlaps. false, list unchanged, when a new entry would exceed max.
 */
bool pvh_range_add(struct pvh_range *list, unsigned int *nr, unsigned int max,
                   uint64_t start, uint64_t end);

/*
 * Fill a guest laid out by pvh_plan() from the same 'args': load the kernel,
 * write the start info, module list, memory map and command lines (the
 * block's unused bytes are zeroed) and copy the modules, through 'ops'.
 * The caller must have populated plan->ram[] first; RAM this does not write
 * keeps what the caller put there (populate with zeroed pages). Returns 0,
 * -EINVAL when args no longer match the plan, or an op's error (-EFAULT).
 */
int pvh_write(const struct pvh_build_args *args, const struct pvh_plan *plan,
              const struct guest_mem_ops *ops, void *ctx);

/*
 * arch/x86/hvm/dom0_bars.c: map the memory BARs of d's devices into d at
 * their own addresses (uncached; MSI-X table and PBA pages left out) and
 * fill out[0 .. return) with the page ranges they cover, sorted and
 * merged, for the memory map. BARs over the RAM that 'ram' plans or the
 * local APIC page are refused with a log line. Build time, d not running.
 */
struct domain;
unsigned int dom0_map_bars(struct domain *d, const struct pvh_plan *ram,
                           struct pvh_range *out, unsigned int max);

#endif
