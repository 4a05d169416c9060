/* SPDX-License-Identifier: MIT */
/*
 * The PVH start protocol. vCPU 0 starts at the XEN_ELFNOTE_PHYS32_ENTRY
 * address in 32-bit protected mode, paging off, with:
 *   EBX     physical address of struct hvm_start_info
 *   CR0     PE set, PG clear; CR4 0; EFLAGS bit 1 only
 *   CS      32-bit code, base 0, limit 4 GiB; DS, ES, SS data, base 0, limit 4 GiB
 *   TR      a 32-bit TSS (busy), base 0, limit 0x67
 *   other registers undefined.
 * Every address below is guest-physical; all structures lie in guest RAM.
 */
#ifndef PUBLIC_HVM_START_INFO_H
#define PUBLIC_HVM_START_INFO_H

#include <stdint.h>

#define XEN_HVM_START_MAGIC_VALUE   0x336ec578

struct hvm_start_info {
    uint32_t magic;             /* XEN_HVM_START_MAGIC_VALUE */
    uint32_t version;           /* 1: memmap fields valid */
    uint32_t flags;             /* SIF_* */
    uint32_t nr_modules;        /* entries at modlist_paddr */
    uint64_t modlist_paddr;     /* struct hvm_modlist_entry[nr_modules] */
    uint64_t cmdline_paddr;     /* NUL-terminated command line, 0 = none */
    uint64_t rsdp_paddr;        /* ACPI RSDP, 0 = none */
    uint64_t memmap_paddr;      /* struct hvm_memmap_table_entry[memmap_entries] */
    uint32_t memmap_entries;
    uint32_t reserved;
};

struct hvm_modlist_entry {
    uint64_t paddr;             /* module start */
    uint64_t size;              /* bytes */
    uint64_t cmdline_paddr;     /* NUL-terminated, 0 = none */
    uint64_t reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;              /* XEN_HVM_MEMMAP_TYPE_* (E820 numbering) */
    uint32_t reserved;
};

#define XEN_HVM_MEMMAP_TYPE_RAM         1
#define XEN_HVM_MEMMAP_TYPE_RESERVED    2
#define XEN_HVM_MEMMAP_TYPE_ACPI        3
#define XEN_HVM_MEMMAP_TYPE_NVS         4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE    5
#define XEN_HVM_MEMMAP_TYPE_DISABLED    6
#define XEN_HVM_MEMMAP_TYPE_PMEM        7

/* flags */
#define SIF_PRIVILEGED      (1 << 0)    /* the control domain */
#define SIF_INITDOMAIN      (1 << 1)    /* the first domain */

#endif
