/* SPDX-License-Identifier: MIT */
/*
 * Test guest memory: the RAM the start info describes is all there, is the
 * size asked for (expect_mem_mib=N on the guest's command line) and holds
 * what is written to it. Every RAM byte outside the guest image and the
 * boot structures (start info, memory map, command line, module list,
 * modules) is written with an address-derived pattern and its complement,
 * and read back.
 */
#include "test.h"
#include "x86.h"

TEST_TITLE("RAM in the memory map is the size asked for and holds a pattern");

#define MAX_EXCLUDED    64
#define MAX_REPORTED    10

struct range {
    uint64_t start, end;
};

static struct range excluded[MAX_EXCLUDED];
static unsigned int nr_excluded;
static uint64_t bad_words;

static void exclude(uint64_t start, uint64_t len, const char *what)
{
    struct range r = { start & ~(PAGE_SIZE - 1),
                       (start + len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1) };
    unsigned int i;

    if (!len)
        return;
    if (nr_excluded == MAX_EXCLUDED)
        test_error("more than %u ranges to leave out", MAX_EXCLUDED);
    printf("leaving out %#lx-%#lx (%s)\n", r.start, r.end - 1, what);
    /* Keep the list sorted by start. */
    for (i = nr_excluded++; i && excluded[i - 1].start > r.start; i--)
        excluded[i] = excluded[i - 1];
    excluded[i] = r;
}

static void exclude_boot_data(void)
{
    const struct hvm_start_info *si = start_info;
    const struct hvm_modlist_entry *mod =
        (const void *)(uintptr_t)si->modlist_paddr;

    exclude((uintptr_t)__image_start, __image_end - __image_start, "guest image");
    exclude((uintptr_t)si, sizeof(*si), "start info");
    exclude(si->memmap_paddr, si->memmap_entries *
            sizeof(struct hvm_memmap_table_entry), "memory map");
    if (si->cmdline_paddr)
        exclude(si->cmdline_paddr, strlen(cmdline()) + 1, "command line");
    if (si->rsdp_paddr)
        exclude(si->rsdp_paddr, 36, "ACPI RSDP");
    if (si->nr_modules)
        exclude(si->modlist_paddr, si->nr_modules * sizeof(*mod), "module list");
    for (uint32_t i = 0; i < si->nr_modules; i++) {
        exclude(mod[i].paddr, mod[i].size, "module");
        if (mod[i].cmdline_paddr)
            exclude(mod[i].cmdline_paddr,
                    strlen((const char *)(uintptr_t)mod[i].cmdline_paddr) + 1,
                    "module command line");
    }
}

static const struct hvm_memmap_table_entry *memmap(void)
{
    return (const void *)(uintptr_t)start_info->memmap_paddr;
}

static inline uint64_t pattern(uint64_t addr, int pass)
{
    uint64_t v = addr * 0x9e3779b97f4a7c15 + (addr >> 29);

    return pass ? ~v : v;
}

static void fill(uint64_t start, uint64_t end, int pass)
{
    for (uint64_t a = start; a < end; a += 8)
        *(uint64_t *)(uintptr_t)a = pattern(a, pass);
}

static void verify(uint64_t start, uint64_t end, int pass)
{
    for (uint64_t a = start; a < end; a += 8) {
        uint64_t got = *(uint64_t *)(uintptr_t)a;

        if (got == pattern(a, pass))
            continue;
        if (bad_words++ < MAX_REPORTED)
            printf("  at %#lx: read %#lx, wrote %#lx\n", a, got, pattern(a, pass));
    }
}

/* Call fn on each part of RAM that is not excluded, 8-byte aligned;
 * returns the bytes covered. */
static uint64_t for_each_chunk(void (*fn)(uint64_t, uint64_t, int), int pass)
{
    const struct hvm_memmap_table_entry *mm = memmap();
    uint64_t bytes = 0;

    for (uint32_t i = 0; i < start_info->memmap_entries; i++) {
        uint64_t cur = (mm[i].addr + 7) & ~7UL;
        uint64_t end = (mm[i].addr + mm[i].size) & ~7UL;

        if (mm[i].type != XEN_HVM_MEMMAP_TYPE_RAM)
            continue;
        for (unsigned int j = 0; j < nr_excluded && cur < end; j++) {
            const struct range *x = &excluded[j];

            if (x->end <= cur)
                continue;
            if (x->start >= end)
                break;
            if (x->start > cur) {
                fn(cur, x->start, pass);
                bytes += x->start - cur;
            }
            cur = x->end;
        }
        if (cur < end) {
            fn(cur, end, pass);
            bytes += end - cur;
        }
    }
    return bytes;
}

static uint64_t check_size(uint64_t *top)
{
    const struct hvm_memmap_table_entry *mm = memmap();
    uint64_t total = 0, want;

    REQUIRE(start_info->version >= 1 && start_info->memmap_entries > 0);
    *top = 0;
    for (uint32_t i = 0; i < start_info->memmap_entries; i++) {
        printf("memmap %2u: %#lx-%#lx type %u\n", i, mm[i].addr,
               mm[i].addr + mm[i].size - 1, mm[i].type);
        if (mm[i].type != XEN_HVM_MEMMAP_TYPE_RAM)
            continue;
        total += mm[i].size;
        if (mm[i].addr + mm[i].size > *top)
            *top = mm[i].addr + mm[i].size;
    }
    printf("RAM: %lu bytes (%lu MiB + %lu KiB), highest address %#lx\n", total,
           total >> 20, (total >> 10) & 1023, *top - 1);
    if (!cmdline_u64("expect_mem_mib", &want))
        test_skip("no expect_mem_mib=N on the command line (\"%s\")", cmdline());
    CHECK_EQ(total, MiB(want));
    return total;
}

void test_main(void)
{
    uint64_t top, bytes = 0;
    uint64_t t0 = rdtsc();

    check_size(&top);
    if (top > GiB(4) && pt_identity_map(top))
        test_error("cannot map RAM up to %#lx: page-table pool too small", top);
    exclude_boot_data();
    for (int pass = 0; pass < 2; pass++) {
        bytes = for_each_chunk(fill, pass);
        asm volatile("" ::: "memory");
        for_each_chunk(verify, pass);
    }
    printf("memory: tested %lu MiB (%lu bytes) twice in %lu TSC ticks, "
           "%lu bad words\n", bytes >> 20, bytes, rdtsc() - t0, bad_words);
    CHECK_EQ(bad_words, 0);
    CHECK(bytes > 0);
}
