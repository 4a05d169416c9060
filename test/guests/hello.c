/* SPDX-License-Identifier: MIT */
/* Test guest hello: the smallest test; prints what it was started with. */
#include "hypercall.h"
#include "test.h"

TEST_TITLE("prints a greeting and the PVH start info it was given");

static const char *memmap_type(uint32_t t)
{
    static const char *const names[] = {
        "?", "RAM", "reserved", "ACPI", "NVS", "unusable", "disabled", "pmem",
    };

    return t < ARRAY_SIZE(names) ? names[t] : "?";
}

void test_main(void)
{
    const struct hvm_start_info *si = start_info;
    const struct hvm_memmap_table_entry *mm;

    printf("Hello from a Petrel test guest!\n");
    printf("start_info at %p: magic %#x version %u flags %#x nr_modules %u\n",
           si, si->magic, si->version, si->flags, si->nr_modules);
    printf("cmdline: \"%s\"\n", cmdline());
    printf("rsdp %#lx, memmap %#lx with %u entries\n", si->rsdp_paddr,
           si->memmap_paddr, si->memmap_entries);

    CHECK_EQ(si->magic, XEN_HVM_START_MAGIC_VALUE);
    CHECK(si->version >= 1);
    CHECK(si->memmap_entries > 0 && si->memmap_paddr);
    mm = (const void *)(uintptr_t)si->memmap_paddr;
    for (uint32_t i = 0; si->version >= 1 && i < si->memmap_entries; i++)
        printf("  memmap %2u: 0x%012lx-0x%012lx %s\n", i, mm[i].addr,
               mm[i].addr + mm[i].size - 1, memmap_type(mm[i].type));
    CHECK_EQ(bss_dirty_bytes, 0);
    if (xen_cpuid_base)
        printf("xen_version: %#lx\n", hypervisor_xen_version(XENVER_version, NULL));
}
