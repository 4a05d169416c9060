/* SPDX-License-Identifier: MIT */
/* Unit tests for the multiboot2 information parser (common/multiboot2.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <petrel/bootinfo.h>
#include <petrel/multiboot2.h>
#include "stubs.h"

/* ---- building information blocks ---------------------------------------- */

struct mbb {
    uint8_t buf[65536] __aligned(8);
    uint32_t len;
};

static struct mbb blk;
static struct boot_info bi;

static void mbb_begin(struct mbb *b)
{
    memset(b->buf, 0xcc, sizeof(b->buf));
    memset(b->buf, 0, 8);
    b->len = 8;
    stub_log_reset();
}

/* A tag with an explicit size field (may lie), payload copied, padded to 8. */
static void mbb_tag_sized(struct mbb *b, uint32_t type, uint32_t size,
                          const void *payload, uint32_t plen)
{
    struct mb2_tag t = { type, size };

    memcpy(b->buf + b->len, &t, sizeof(t));
    if (plen)
        memcpy(b->buf + b->len + 8, payload, plen);
    b->len += ALIGN_UP(8 + plen, 8);
}

static void mbb_tag(struct mbb *b, uint32_t type, const void *payload, uint32_t plen)
{
    mbb_tag_sized(b, type, 8 + plen, payload, plen);
}

static void mbb_string(struct mbb *b, uint32_t type, const char *s)
{
    mbb_tag(b, type, s, strlen(s) + 1);
}

static void mbb_module(struct mbb *b, uint32_t start, uint32_t end, const char *s)
{
    uint8_t p[512];

    memcpy(p, &start, 4);
    memcpy(p + 4, &end, 4);
    memcpy(p + 8, s, strlen(s) + 1);
    mbb_tag(b, MB2_TAG_MODULE, p, 8 + strlen(s) + 1);
}

/* A BIOS memory map tag; 'esize' >= 24, extra bytes per entry are junk. */
static void mbb_mmap(struct mbb *b, uint32_t esize, const struct mem_range *r,
                     unsigned int n)
{
    static uint8_t p[32768];
    uint32_t hdr[2] = { esize, 0 };

    memcpy(p, hdr, 8);
    for (unsigned int i = 0; i < n; i++) {
        struct mb2_mmap_entry e = { r[i].base, r[i].len, r[i].type, 0 };
        uint8_t *d = p + 8 + i * esize;

        memset(d, 0x5a, esize);
        memcpy(d, &e, sizeof(e));
    }
    mbb_tag(b, MB2_TAG_MMAP, p, 8 + n * esize);
}

struct efi_d {
    uint32_t type;
    uint64_t start, pages;
};

static void mbb_efi_mmap(struct mbb *b, uint32_t dsize, const struct efi_d *d,
                         unsigned int n)
{
    static uint8_t p[32768];
    uint32_t hdr[2] = { dsize, 1 };

    memcpy(p, hdr, 8);
    for (unsigned int i = 0; i < n; i++) {
        struct efi_memory_desc e = { d[i].type, 0, d[i].start, 0, d[i].pages, 0xf };
        uint8_t *q = p + 8 + i * dsize;

        memset(q, 0xa5, dsize);
        memcpy(q, &e, sizeof(e));
    }
    mbb_tag(b, MB2_TAG_EFI_MMAP, p, 8 + n * dsize);
}

static void mbb_meminfo(struct mbb *b, uint32_t lower, uint32_t upper)
{
    uint32_t p[2] = { lower, upper };

    mbb_tag(b, MB2_TAG_BASIC_MEMINFO, p, sizeof(p));
}

static void mbb_end(struct mbb *b)
{
    uint32_t total;

    mbb_tag(b, MB2_TAG_END, NULL, 0);
    total = b->len;
    memcpy(b->buf, &total, 4);
}

static int parse(void)
{
    memset(&bi, 0xee, sizeof(bi));
    return mb2_parse(blk.buf, blk.len, &bi);
}

static void check_ranges(const struct mem_range *want, unsigned int n)
{
    assert_int_equal(bi.nr_ranges, n);
    for (unsigned int i = 0; i < n; i++) {
        assert_int_equal(bi.ranges[i].base, want[i].base);
        assert_int_equal(bi.ranges[i].len, want[i].len);
        assert_int_equal(bi.ranges[i].type, want[i].type);
    }
}

/* A q35-like E820 map with 6 GiB of RAM. */
static const struct mem_range q35_map[] = {
    { 0, 0x9fc00, MEM_RAM },
    { 0x9fc00, 0x400, MEM_RESERVED },
    { 0xf0000, 0x10000, MEM_RESERVED },
    { 0x100000, 0x7fedf000, MEM_RAM },
    { 0x7ffdf000, 0x21000, MEM_RESERVED },
    { 0xb0000000, 0x10000000, MEM_RESERVED },
    { 0xfed1c000, 0x4000, MEM_RESERVED },
    { 0xfeffc000, 0x4000, MEM_RESERVED },
    { 0xfffc0000, 0x40000, MEM_RESERVED },
    { 0x100000000, 0x100000000, MEM_RAM },
};

static void rsdp_bytes(uint8_t *p, unsigned int len, uint8_t seed)
{
    for (unsigned int i = 0; i < len; i++)
        p[i] = seed + i;
}

static void build_bios_block(bool new_acpi_first)
{
    uint8_t old_rsdp[20], new_rsdp[36];

    rsdp_bytes(old_rsdp, sizeof(old_rsdp), 0x10);
    rsdp_bytes(new_rsdp, sizeof(new_rsdp), 0x80);
    mbb_begin(&blk);
    mbb_string(&blk, MB2_TAG_CMDLINE, "console=com1 loglvl=4");
    mbb_string(&blk, MB2_TAG_BOOT_LOADER_NAME, "GRUB 2.12");
    mbb_module(&blk, 0x200000, 0x280000, "dom0.elf console=hvc0");
    mbb_module(&blk, 0x300000, 0x300000, "dom0-initrd.cpio");
    mbb_meminfo(&blk, 639, 0x1ffb7c);
    mbb_tag(&blk, MB2_TAG_FRAMEBUFFER, (uint8_t[24]){ 0 }, 24);
    if (new_acpi_first)
        mbb_tag(&blk, MB2_TAG_ACPI_NEW, new_rsdp, sizeof(new_rsdp));
    mbb_tag(&blk, MB2_TAG_ACPI_OLD, old_rsdp, sizeof(old_rsdp));
    if (!new_acpi_first)
        mbb_tag(&blk, MB2_TAG_ACPI_NEW, new_rsdp, sizeof(new_rsdp));
    mbb_mmap(&blk, 24, q35_map, ARRAY_SIZE(q35_map));
    mbb_tag(&blk, MB2_TAG_LOAD_BASE_ADDR, (uint32_t[]){ 0x200000 }, 4);
    mbb_end(&blk);
}

/* ---- tests ---------------------------------------------------------------- */

static void check_bios_block(void)
{
    uint8_t new_rsdp[36];

    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 0);
    assert_int_equal(stub_log_warnings, 0);
    assert_string_equal(bi.cmdline, "console=com1 loglvl=4");
    assert_string_equal(bi.loader, "GRUB 2.12");
    assert_int_equal(bi.nr_modules, 2);
    assert_int_equal(bi.modules[0].start, 0x200000);
    assert_int_equal(bi.modules[0].end, 0x280000);
    assert_string_equal(bi.modules[0].string, "dom0.elf console=hvc0");
    assert_int_equal(bi.modules[1].start, 0x300000);
    assert_int_equal(bi.modules[1].end, 0x300000);
    assert_string_equal(bi.modules[1].string, "dom0-initrd.cpio");
    check_ranges(q35_map, ARRAY_SIZE(q35_map));
    assert_int_equal(boot_ram_bytes(&bi), 0x9fc00 + 0x7fedf000 + 0x100000000);
    rsdp_bytes(new_rsdp, sizeof(new_rsdp), 0x80);
    assert_int_equal(bi.rsdp_len, 36);
    assert_memory_equal(bi.rsdp, new_rsdp, 36);
    assert_false(bi.efi);
}

static void test_bios_block(void **state)
{
    build_bios_block(false);
    check_bios_block();
    build_bios_block(true);
    check_bios_block();
}

static void test_acpi_old_only(void **state)
{
    uint8_t rsdp[24], want[36] = { 0 };

    rsdp_bytes(rsdp, sizeof(rsdp), 1);
    mbb_begin(&blk);
    mbb_meminfo(&blk, 639, 1024);
    mbb_tag(&blk, MB2_TAG_ACPI_OLD, rsdp, sizeof(rsdp));
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 0);
    assert_int_equal(bi.rsdp_len, 20);
    memcpy(want, rsdp, 20);
    assert_memory_equal(bi.rsdp, want, sizeof(want));

    mbb_begin(&blk);
    mbb_meminfo(&blk, 639, 1024);
    mbb_tag(&blk, MB2_TAG_ACPI_OLD, rsdp, 12);         /* too short */
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 1);
    assert_int_equal(bi.rsdp_len, 0);
}

/* OVMF-like map with a 48-byte descriptor stride, and no BIOS-style map. */
static void test_efi_block(void **state)
{
    static const struct efi_d d[] = {
        { EFI_BOOT_SERVICES_CODE, 0x0, 0xa0 },
        { EFI_CONVENTIONAL_MEMORY, 0x100000, 0x700 },
        { EFI_ACPI_MEMORY_NVS, 0x800000, 0x8 },
        { EFI_CONVENTIONAL_MEMORY, 0x808000, 0x8 },
        { EFI_BOOT_SERVICES_DATA, 0x810000, 0xf0 },
        { EFI_LOADER_DATA, 0x900000, 0x600 },
        { EFI_LOADER_CODE, 0xf00000, 0x100 },
        { EFI_ACPI_RECLAIM_MEMORY, 0x1000000, 0x10 },
        { EFI_RUNTIME_SERVICES_DATA, 0x1010000, 0x10 },
        { EFI_RUNTIME_SERVICES_CODE, 0x1020000, 0x10 },
        { EFI_RESERVED_MEMORY, 0x1030000, 0x10 },
        { EFI_UNUSABLE_MEMORY, 0x1040000, 0x1 },
        { EFI_CONVENTIONAL_MEMORY, 0x1041000, 0x7efbf },
        { EFI_MEMORY_MAPPED_IO, 0xe0000000, 0x10000 },
        { EFI_PERSISTENT_MEMORY, 0x100000000, 0x100 },
        { EFI_PAL_CODE, 0x100100000, 0x1 },
        { 0x80000001, 0x100101000, 0x1 },   /* OEM type */
    };
    static const struct mem_range want[] = {
        { 0x0, 0xa0000, MEM_RAM },
        { 0x100000, 0x700000, MEM_RAM },
        { 0x800000, 0x8000, MEM_NVS },
        { 0x808000, 0x800000 - 0x8000, MEM_RAM },
        { 0x1000000, 0x10000, MEM_ACPI },
        { 0x1010000, 0x30000, MEM_RESERVED },
        { 0x1040000, 0x1000, MEM_BAD },
        { 0x1041000, 0x7efbf000, MEM_RAM },
        { 0xe0000000, 0x10000000, MEM_RESERVED },
        { 0x100000000, 0x102000, MEM_RESERVED },
    };

    mbb_begin(&blk);
    mbb_string(&blk, MB2_TAG_BOOT_LOADER_NAME, "GRUB 2.12");
    mbb_tag(&blk, MB2_TAG_EFI64, (uint64_t[]){ 0x7f9ee018 }, 8);
    mbb_efi_mmap(&blk, 48, d, ARRAY_SIZE(d));
    mbb_tag(&blk, MB2_TAG_EFI64_IH, (uint64_t[]){ 0x7e000000 }, 8);
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 0);
    assert_true(bi.efi);
    check_ranges(want, ARRAY_SIZE(want));
    assert_int_equal(boot_ram_bytes(&bi), 0xa0000 + 0x700000 + 0x7f8000 + 0x7efbf000);
}

/* Both maps: the BIOS-style one wins (see mb2_memory_map()). */
static void test_both_maps_bios_wins(void **state)
{
    static const struct efi_d d[] = {
        { EFI_CONVENTIONAL_MEMORY, 0x100000, 0x100 },
        { EFI_BOOT_SERVICES_CODE, 0x4600200000, 0x10 },  /* as seen corrupted */
    };
    static const struct mem_range bios[] = { { 0x100000, 0x200000, MEM_RAM } };

    mbb_begin(&blk);
    mbb_tag(&blk, MB2_TAG_EFI64, (uint64_t[]){ 0x7f9ee018 }, 8);
    mbb_efi_mmap(&blk, 48, d, ARRAY_SIZE(d));
    mbb_mmap(&blk, 24, bios, 1);
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 0);
    check_ranges(bios, 1);
}

static void test_efi32_and_bad_efi_mmap(void **state)
{
    static const struct efi_d d[] = { { EFI_CONVENTIONAL_MEMORY, 0x100000, 0x100 } };
    static const struct mem_range bios[] = { { 0x100000, 0x200000, MEM_RAM } };

    /* A descriptor size below 40 is refused: the BIOS map is used instead. */
    mbb_begin(&blk);
    mbb_tag(&blk, MB2_TAG_EFI32, (uint32_t[]){ 0x7f000000 }, 4);
    mbb_efi_mmap(&blk, 32, d, 1);
    mbb_mmap(&blk, 24, bios, 1);
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_true(bi.efi);
    assert_int_equal(bi.warnings, 1);
    check_ranges(bios, 1);
}

static void test_normalise(void **state)
{
    static const struct mem_range in[] = {
        { MiB(16), MiB(16), MEM_RAM },                  /* adjacent to the next */
        { MiB(1), MiB(15), MEM_RAM },
        { MiB(8), MiB(1), MEM_RESERVED },               /* hole in RAM */
        { MiB(31), MiB(9), MEM_ACPI },                  /* overlaps RAM's end */
        { 0x500000, 0x1000, MEM_BAD },                  /* inside RAM */
        { 0x4ff000, 0x3000, MEM_NVS },                  /* around the BAD page */
        { MiB(64), 0, MEM_RAM },                        /* empty */
        { MiB(36), MiB(8), MEM_NVS },                   /* ACPI < NVS */
        { MiB(50), MiB(2), 12 },                        /* unknown: reserved */
        { MiB(52), MiB(2), MEM_RESERVED },              /* adjacent, same type */
        { 1ULL << 52, MiB(1), MEM_RAM },                /* past MAXPHYADDR */
        { (1ULL << 52) - MiB(1), MiB(2), MEM_RAM },     /* crosses it */
        { 0xfffffffffffff000, 0x2000, MEM_RAM },        /* wraps */
        { MiB(100), MiB(4), MEM_RAM },
        { MiB(100), MiB(2), MEM_RAM },                  /* duplicate part */
    };
    static const struct mem_range want[] = {
        { MiB(1), 0x4ff000 - MiB(1), MEM_RAM },
        { 0x4ff000, 0x1000, MEM_NVS },
        { 0x500000, 0x1000, MEM_BAD },
        { 0x501000, 0x1000, MEM_NVS },
        { 0x502000, MiB(8) - 0x502000, MEM_RAM },
        { MiB(8), MiB(1), MEM_RESERVED },
        { MiB(9), MiB(22), MEM_RAM },
        { MiB(31), MiB(5), MEM_ACPI },
        { MiB(36), MiB(8), MEM_NVS },
        { MiB(50), MiB(4), MEM_RESERVED },
        { MiB(100), MiB(4), MEM_RAM },
        { (1ULL << 52) - MiB(1), MiB(1), MEM_RAM },
    };

    mbb_begin(&blk);
    mbb_mmap(&blk, 24, in, ARRAY_SIZE(in));
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 0);
    check_ranges(want, ARRAY_SIZE(want));
}

/* Every type against every other: the more restrictive one wins. */
static void test_precedence(void **state)
{
    static const uint32_t order[] = { MEM_RAM, MEM_ACPI, MEM_NVS, MEM_RESERVED, MEM_BAD };

    for (unsigned int a = 0; a < 5; a++) {
        for (unsigned int b = 0; b < 5; b++) {
            struct mem_range in[] = {
                { MiB(1), MiB(2), order[a] }, { MiB(2), MiB(2), order[b] },
            };
            uint32_t win = order[MAX(a, b)];

            mbb_begin(&blk);
            mbb_mmap(&blk, 24, in, 2);
            mbb_end(&blk);
            assert_int_equal(parse(), 0);
            if (a == b) {
                assert_int_equal(bi.nr_ranges, 1);
                assert_int_equal(bi.ranges[0].len, MiB(3));
                continue;
            }
            /* [1M, 2M) a, [2M, 3M) the winner, [3M, 4M) b: two ranges. */
            assert_int_equal(bi.nr_ranges, 2);
            assert_int_equal(bi.ranges[0].type, order[a]);
            assert_int_equal(bi.ranges[1].type, order[b]);
            assert_int_equal(bi.ranges[0].len, win == order[a] ? MiB(2) : MiB(1));
            assert_int_equal(bi.ranges[1].base + bi.ranges[1].len, MiB(4));
        }
    }
}

static void test_entry_size_32(void **state)
{
    mbb_begin(&blk);
    mbb_mmap(&blk, 32, q35_map, ARRAY_SIZE(q35_map));
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 0);
    check_ranges(q35_map, ARRAY_SIZE(q35_map));
}

static void test_bad_entry_size(void **state)
{
    static const struct mem_range want[] = {
        { 0, KiB(639), MEM_RAM }, { MiB(1), MiB(127), MEM_RAM },
    };

    /* 28 is not a multiple of 8: ignored, basic meminfo is used. */
    mbb_begin(&blk);
    mbb_mmap(&blk, 28, q35_map, ARRAY_SIZE(q35_map));
    mbb_meminfo(&blk, 639, 127 * 1024);
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 1);
    check_ranges(want, ARRAY_SIZE(want));

    mbb_begin(&blk);
    mbb_mmap(&blk, 16, q35_map, 4);
    mbb_meminfo(&blk, 639, 127 * 1024);
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 1);
    check_ranges(want, ARRAY_SIZE(want));
}

static void test_meminfo_fallback(void **state)
{
    static const struct mem_range want[] = {
        { 0, KiB(639), MEM_RAM }, { MiB(1), KiB(0x1ffb7c), MEM_RAM },
    };

    mbb_begin(&blk);
    mbb_string(&blk, MB2_TAG_CMDLINE, "");
    mbb_meminfo(&blk, 639, 0x1ffb7c);
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 0);
    assert_string_equal(bi.cmdline, "");
    check_ranges(want, ARRAY_SIZE(want));
    assert_int_equal(boot_ram_bytes(&bi), KiB(639) + KiB(0x1ffb7c));
}

static void test_no_memory_info(void **state)
{
    mbb_begin(&blk);
    mbb_string(&blk, MB2_TAG_CMDLINE, "x");
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.nr_ranges, 0);
    assert_int_equal(bi.warnings, 1);
    assert_int_equal(boot_ram_bytes(&bi), 0);
    assert_int_equal(bi.rsdp_len, 0);
    assert_int_equal(bi.nr_modules, 0);
    assert_string_equal(bi.loader, "");
}

static void test_tag_past_end(void **state)
{
    mbb_begin(&blk);
    mbb_string(&blk, MB2_TAG_CMDLINE, "kept");
    mbb_meminfo(&blk, 639, 1024);
    mbb_tag_sized(&blk, MB2_TAG_BOOT_LOADER_NAME, 4000, "lost", 5);
    mbb_module(&blk, 0x200000, 0x201000, "never seen");
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 1);
    assert_true(stub_log_contains("bad size 4000"));
    assert_string_equal(bi.cmdline, "kept");
    assert_string_equal(bi.loader, "");
    assert_int_equal(bi.nr_modules, 0);
    assert_int_equal(bi.nr_ranges, 2);
}

static void test_tag_too_small(void **state)
{
    mbb_begin(&blk);
    mbb_string(&blk, MB2_TAG_CMDLINE, "kept");
    mbb_tag_sized(&blk, MB2_TAG_CMDLINE, 4, "xxxxxxxx", 8);
    mbb_string(&blk, MB2_TAG_BOOT_LOADER_NAME, "lost");
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 2);           /* bad tag; no memory map */
    assert_string_equal(bi.cmdline, "kept");
    assert_string_equal(bi.loader, "");
}

static void test_short_tags(void **state)
{
    mbb_begin(&blk);
    mbb_tag(&blk, MB2_TAG_MODULE, (uint32_t[]){ 0x1000 }, 4);
    mbb_tag(&blk, MB2_TAG_BASIC_MEMINFO, (uint32_t[]){ 639 }, 4);
    mbb_tag(&blk, MB2_TAG_MMAP, (uint32_t[]){ 24 }, 4);
    mbb_tag(&blk, MB2_TAG_EFI_MMAP, (uint32_t[]){ 48 }, 4);
    mbb_tag(&blk, MB2_TAG_EFI64, NULL, 0);      /* unused payload: fine */
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 5);           /* four tags, no map */
    assert_int_equal(bi.nr_modules, 0);
    assert_int_equal(bi.nr_ranges, 0);
}

static void test_partial_entry(void **state)
{
    uint8_t p[8 + 24 + 10] = { 0 };
    struct mb2_mmap_entry e = { MiB(1), MiB(1), MEM_RAM, 0 };
    uint32_t hdr[2] = { 24, 0 };

    memcpy(p, hdr, 8);
    memcpy(p + 8, &e, 24);
    mbb_begin(&blk);
    mbb_tag(&blk, MB2_TAG_MMAP, p, sizeof(p));
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 1);
    assert_int_equal(bi.nr_ranges, 1);
    assert_int_equal(bi.ranges[0].base, MiB(1));
}

static void test_missing_end_tag(void **state)
{
    uint32_t total;

    mbb_begin(&blk);
    mbb_string(&blk, MB2_TAG_CMDLINE, "abc");
    mbb_meminfo(&blk, 639, 1024);
    total = blk.len;
    memcpy(blk.buf, &total, 4);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 1);
    assert_true(stub_log_contains("no end tag"));
    assert_string_equal(bi.cmdline, "abc");
    assert_int_equal(bi.nr_ranges, 2);
}

static void check_zeroed_but_warnings(void)
{
    struct boot_info zero;

    memset(&zero, 0, sizeof(zero));
    zero.warnings = bi.warnings;
    assert_true(bi.warnings >= 1);
    assert_memory_equal(&bi, &zero, sizeof(bi));
}

static void test_bad_total_size(void **state)
{
    uint32_t v;

    build_bios_block(false);
    assert_int_equal(mb2_parse(blk.buf, blk.len - 8, &bi), -1);
    check_zeroed_but_warnings();

    v = 8;
    memcpy(blk.buf, &v, 4);
    assert_int_equal(parse(), -1);
    check_zeroed_but_warnings();

    assert_int_equal(mb2_parse(blk.buf, 4, &bi), -1);
    check_zeroed_but_warnings();
    assert_int_equal(mb2_parse(blk.buf + 4, sizeof(blk.buf) - 4, &bi), -1);
    check_zeroed_but_warnings();
    assert_int_equal(mb2_parse(NULL, 100, &bi), -1);
    check_zeroed_but_warnings();
}

/* total_size may be below the limit and need not be a multiple of 8. */
static void test_odd_total_size(void **state)
{
    uint32_t total;

    mbb_begin(&blk);
    mbb_meminfo(&blk, 639, 1024);
    mbb_string(&blk, MB2_TAG_CMDLINE, "ab");    /* 11 bytes, then padding */
    total = blk.len - 5;
    memcpy(blk.buf, &total, 4);
    assert_int_equal(mb2_parse(blk.buf, sizeof(blk.buf), &bi), 0);
    assert_string_equal(bi.cmdline, "ab");
    assert_int_equal(bi.warnings, 1);           /* no end tag */
}

static void test_unterminated_strings(void **state)
{
    uint8_t p[8 + 6];
    uint32_t se[2] = { 0x100000, 0x200000 };

    memcpy(p, se, 8);
    memcpy(p + 8, "initrd", 6);
    mbb_begin(&blk);
    mbb_tag(&blk, MB2_TAG_CMDLINE, "console=com1", 12);
    mbb_tag(&blk, MB2_TAG_BOOT_LOADER_NAME, "GRUB", 4);
    mbb_tag(&blk, MB2_TAG_MODULE, p, sizeof(p));
    mbb_meminfo(&blk, 639, 1024);
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 3);
    assert_string_equal(bi.cmdline, "console=com1");
    assert_string_equal(bi.loader, "GRUB");
    assert_int_equal(bi.nr_modules, 1);
    assert_string_equal(bi.modules[0].string, "initrd");
}

static void test_long_strings(void **state)
{
    static char s[3000];

    memset(s, 'a', sizeof(s) - 1);
    s[sizeof(s) - 1] = 0;
    mbb_begin(&blk);
    mbb_string(&blk, MB2_TAG_CMDLINE, s);
    mbb_string(&blk, MB2_TAG_BOOT_LOADER_NAME, s);
    mbb_meminfo(&blk, 639, 1024);
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 2);
    assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
    assert_int_equal(strlen(bi.loader), sizeof(bi.loader) - 1);
}

static void test_too_many_modules(void **state)
{
    char name[32];

    mbb_begin(&blk);
    for (unsigned int i = 0; i < BOOT_MAX_MODULES + 4; i++) {
        snprintf(name, sizeof(name), "mod%u", i);
        mbb_module(&blk, MiB(2 + i), MiB(3 + i), name);
    }
    mbb_meminfo(&blk, 639, 1024);
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.nr_modules, BOOT_MAX_MODULES);
    assert_int_equal(bi.warnings, 4);
    assert_string_equal(bi.modules[BOOT_MAX_MODULES - 1].string, "mod15");
    assert_int_equal(bi.modules[3].start, MiB(5));
}

static void test_module_backwards(void **state)
{
    mbb_begin(&blk);
    mbb_module(&blk, 0x300000, 0x200000, "bad");
    mbb_module(&blk, 0x400000, 0x500000, "good");
    mbb_meminfo(&blk, 639, 1024);
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 1);
    assert_int_equal(bi.nr_modules, 1);
    assert_string_equal(bi.modules[0].string, "good");
}

static void test_too_many_ranges(void **state)
{
    static struct mem_range in[300];

    for (unsigned int i = 0; i < ARRAY_SIZE(in); i++)
        in[i] = (struct mem_range){ MiB(2 * i + 1), MiB(1), i % 2 ? MEM_RESERVED : MEM_RAM };
    mbb_begin(&blk);
    mbb_mmap(&blk, 24, in, ARRAY_SIZE(in));
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 1);
    check_ranges(in, BOOT_MAX_MEMRANGES);
}

/* Adjacent ranges of one type merge, so a long map can still fit. */
static void test_many_entries_merge(void **state)
{
    static struct efi_d d[400];

    for (unsigned int i = 0; i < ARRAY_SIZE(d); i++)
        d[i] = (struct efi_d){ i % 3 ? EFI_CONVENTIONAL_MEMORY : EFI_BOOT_SERVICES_DATA,
                               MiB(1) + i * 0x4000ULL, 4 };
    mbb_begin(&blk);
    mbb_efi_mmap(&blk, 40, d, ARRAY_SIZE(d));
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 0);
    assert_int_equal(bi.nr_ranges, 1);
    assert_int_equal(bi.ranges[0].len, 400 * 0x4000ULL);
}

static void test_unknown_tags(void **state)
{
    mbb_begin(&blk);
    mbb_tag(&blk, 99, "whatever", 8);
    mbb_tag(&blk, MB2_TAG_EFI_BS, NULL, 0);
    mbb_tag(&blk, MB2_TAG_SMBIOS, (uint8_t[40]){ 3, 0 }, 40);
    mbb_tag(&blk, MB2_TAG_NETWORK, (uint8_t[300]){ 0 }, 300);
    mbb_tag(&blk, MB2_TAG_APM, (uint8_t[20]){ 0 }, 20);
    mbb_tag(&blk, MB2_TAG_BOOTDEV, (uint32_t[]){ 0x80, ~0u, ~0u }, 12);
    mbb_tag(&blk, MB2_TAG_ELF_SECTIONS, (uint32_t[]){ 0, 64, 0 }, 12);
    mbb_tag(&blk, MB2_TAG_VBE, (uint8_t[776]){ 0 }, 776);
    mbb_meminfo(&blk, 639, 1024);
    mbb_end(&blk);
    assert_int_equal(parse(), 0);
    assert_int_equal(bi.warnings, 0);
    assert_int_equal(stub_log_warnings, 0);
    assert_false(bi.efi);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bios_block),
        cmocka_unit_test(test_acpi_old_only),
        cmocka_unit_test(test_efi_block),
        cmocka_unit_test(test_both_maps_bios_wins),
        cmocka_unit_test(test_efi32_and_bad_efi_mmap),
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_entry_size_32),
        cmocka_unit_test(test_bad_entry_size),
        cmocka_unit_test(test_meminfo_fallback),
        cmocka_unit_test(test_no_memory_info),
        cmocka_unit_test(test_tag_past_end),
        cmocka_unit_test(test_tag_too_small),
        cmocka_unit_test(test_short_tags),
        cmocka_unit_test(test_partial_entry),
        cmocka_unit_test(test_missing_end_tag),
        cmocka_unit_test(test_bad_total_size),
        cmocka_unit_test(test_odd_total_size),
        cmocka_unit_test(test_unterminated_strings),
        cmocka_unit_test(test_long_strings),
        cmocka_unit_test(test_too_many_modules),
        cmocka_unit_test(test_module_backwards),
        cmocka_unit_test(test_too_many_ranges),
        cmocka_unit_test(test_many_entries_merge),
        cmocka_unit_test(test_unknown_tags),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
