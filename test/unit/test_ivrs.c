// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/iommu/ivrs.c: IVRS tables built byte by byte
 * (IVHD 10h, 11h and 40h blocks with every kind of device entry, IVMD
 * blocks), read field by field, the IVHD type chosen, and each kind of
 * malformed table refused with its reason and offset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <petrel/errno.h>
#include "../../drivers/iommu/ivrs.h"
#include "stubs.h"

/* ---- building tables ---------------------------------------------------------- */

static uint8_t tab[8192];
static size_t len;
static size_t open_at;          /* the block being built */
static struct ivrs_info info;

static void put(size_t at, uint64_t v, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        tab[at + i] = i < 8 ? (uint8_t)(v >> (8 * i)) : 0;
}

static void add(uint64_t v, unsigned int n)
{
    put(len, v, n);
    len += n;
}

static void fix_table_len(void)
{
    put(4, len, 4);
}

static void begin(void)
{
    memset(tab, 0, sizeof(tab));
    memcpy(tab, "IVRS", 4);
    len = 36;
    add(0x00203040, 4);         /* IVinfo */
    add(0, 8);
    fix_table_len();
}

static void end_block(void)
{
    put(open_at + 2, len - open_at, 2);
    fix_table_len();
}

/* An IVHD header of 'type' for the IOMMU at 00:02.0, registers at 'base'. */
static void ivhd(uint8_t type, uint64_t base)
{
    open_at = len;
    add(type, 1);
    add(0x20, 1);               /* flags: coherent */
    add(0, 2);                  /* length, fixed by end_block() */
    add(0x0010, 2);             /* its device id: 00:02.0 */
    add(0x40, 2);               /* capability offset */
    add(base, 8);
    add(0, 2);                  /* segment */
    add(0x1300, 2);             /* IOMMU info */
    add(0xabcd, 4);             /* feature reporting / attributes */
    if (type != IVHD_TYPE_10) {
        add(0x1122334455667788ull, 8);     /* EFR image */
        add(0, 8);
    }
}

static void dev4(uint8_t type, uint16_t id, uint8_t setting)
{
    add(type, 1);
    add(id, 2);
    add(setting, 1);
}

static void dev8(uint8_t type, uint16_t id, uint8_t setting, uint8_t b4, uint16_t id2,
                 uint8_t b7)
{
    dev4(type, id, setting);
    add(b4, 1);
    add(id2, 2);
    add(b7, 1);
}

static void ivmd(uint8_t type, uint8_t flags, uint16_t id, uint16_t aux, uint64_t start,
                 uint64_t size)
{
    open_at = len;
    add(type, 1);
    add(flags, 1);
    add(32, 2);
    add(id, 2);
    add(aux, 2);
    add(0, 8);
    add(start, 8);
    add(size, 8);
    fix_table_len();
}

static int parse(void)
{
    return ivrs_parse(tab, len, &info);
}

static void expect_refused(const char *why, size_t at)
{
    assert_int_equal(parse(), -EINVAL);
    assert_non_null(info.error);
    assert_string_equal(info.error, why);
    assert_int_equal(info.error_at, at);
}

/* What QEMU 7.2 builds, in spirit: an IVHD 10h and an 11h for one IOMMU. */
static void qemu_like(void)
{
    begin();
    ivhd(IVHD_TYPE_10, 0xfed80000);
    dev4(0x02, 0x0000, 0);
    end_block();
    ivhd(IVHD_TYPE_11, 0xfed80000);
    dev4(0x02, 0x0000, 0);      /* 00:00.0 .. 00:00.2, merged */
    dev4(0x02, 0x0001, 0);
    dev4(0x02, 0x0002, 0);
    dev4(0x02, 0x0010, 0xc7);   /* another setting: its own range */
    dev4(0x00, 0, 0);           /* padding */
    dev4(0x03, 0x0100, 0);      /* bus 1 */
    dev4(0x04, 0x01ff, 0);
    dev8(0x42, 0x0208, 0, 0, 0x0018, 0);        /* 02:01.0 as 00:03.0 */
    dev8(0x43, 0x0300, 0, 0, 0x0020, 0);        /* bus 3 as 00:04.0 */
    dev4(0x04, 0x03ff, 0);
    dev8(0x48, 0, 0xd7, 0x21, 0x00a0, IVRS_SPECIAL_IOAPIC);
    end_block();
    ivmd(0x21, IVMD_F_UNITY | IVMD_F_READ | IVMD_F_WRITE, 0x0018, 0, 0x7f001234, 0x2000);
}

/* ---- tests ----------------------------------------------------------------- */

static void test_qemu_like_table(void **state)
{
    const struct ivrs_unit *u = &info.unit[0];

    (void)state;
    qemu_like();
    assert_int_equal(parse(), 0);
    assert_int_equal(info.ivinfo, 0x00203040);
    assert_int_equal(info.ivhd_type, IVHD_TYPE_11);
    assert_int_equal(info.nr_units, 1);
    assert_int_equal(info.nr_skipped, 1);      /* the 10h block */
    assert_int_equal(u->type, IVHD_TYPE_11);
    assert_int_equal(u->flags, IVHD_F_COHERENT);
    assert_int_equal(u->devid, 0x0010);
    assert_int_equal(u->cap, 0x40);
    assert_int_equal(u->base, 0xfed80000);
    assert_int_equal(u->seg, 0);
    assert_int_equal(u->info, 0x1300);
    assert_int_equal(u->attr, 0xabcd);
    assert_int_equal(u->efr, 0x1122334455667788ull);
    assert_int_equal(u->nr_ranges, 5);
    assert_int_equal(u->range[0].first, 0x0000);
    assert_int_equal(u->range[0].last, 0x0002);
    assert_false(u->range[0].aliased);
    assert_int_equal(u->range[1].first, 0x0010);
    assert_int_equal(u->range[1].last, 0x0010);
    assert_int_equal(u->range[1].setting, 0xc7);
    assert_int_equal(u->range[2].first, 0x0100);
    assert_int_equal(u->range[2].last, 0x01ff);
    assert_true(u->range[3].aliased);
    assert_int_equal(u->range[3].first, 0x0208);
    assert_int_equal(u->range[3].last, 0x0208);
    assert_int_equal(u->range[3].alias, 0x0018);
    assert_true(u->range[4].aliased);
    assert_int_equal(u->range[4].first, 0x0300);
    assert_int_equal(u->range[4].last, 0x03ff);
    assert_int_equal(u->range[4].alias, 0x0020);
    assert_int_equal(u->nr_special, 1);
    assert_int_equal(u->special[0].variety, IVRS_SPECIAL_IOAPIC);
    assert_int_equal(u->special[0].handle, 0x21);
    assert_int_equal(u->special[0].setting, 0xd7);
    assert_int_equal(u->special[0].devid, 0x00a0);
    assert_int_equal(info.nr_ivmd, 1);
    assert_int_equal(info.ivmd[0].type, 0x21);
    assert_int_equal(info.ivmd[0].flags, IVMD_F_UNITY | IVMD_F_READ | IVMD_F_WRITE);
    assert_int_equal(info.ivmd[0].first, 0x0018);
    assert_int_equal(info.ivmd[0].last, 0x0018);
    assert_int_equal(info.ivmd[0].base, 0x7f001000);    /* rounded outwards */
    assert_int_equal(info.ivmd[0].limit, 0x7f003fff);
}

static void test_unit_of(void **state)
{
    const struct ivrs_range *r = NULL;

    (void)state;
    qemu_like();
    assert_int_equal(parse(), 0);
    assert_ptr_equal(ivrs_unit_of(&info, 0, 0x0001, &r), &info.unit[0]);
    assert_ptr_equal(r, &info.unit[0].range[0]);
    assert_ptr_equal(ivrs_unit_of(&info, 0, 0x0305, &r), &info.unit[0]);
    assert_true(r->aliased);
    assert_int_equal(r->alias, 0x0020);
    assert_null(ivrs_unit_of(&info, 0, 0x0003, &r));   /* not listed */
    assert_null(ivrs_unit_of(&info, 0, 0x0400, NULL));
    assert_null(ivrs_unit_of(&info, 1, 0x0001, NULL)); /* another segment */
}

static void test_all_and_ivmd_kinds(void **state)
{
    (void)state;
    begin();
    ivhd(IVHD_TYPE_10, 0xfeb00000);
    dev4(0x01, 0, 0x01);        /* every device */
    dev8(0x46, 0x0030, 0, 0, 0, 0);             /* extended select */
    dev8(0x47, 0x0040, 0, 0, 0, 0);             /* extended range */
    dev4(0x04, 0x0047, 0);
    end_block();
    ivmd(0x20, IVMD_F_UNITY, 0x1234, 0x5678, 0x100000, 0x1000);
    ivmd(0x22, IVMD_F_EXCL, 0x0100, 0x01ff, 0x200000, 0x3000);
    assert_int_equal(parse(), 0);
    assert_int_equal(info.ivhd_type, IVHD_TYPE_10);
    assert_int_equal(info.unit[0].efr, 0);
    assert_int_equal(info.unit[0].nr_ranges, 3);
    assert_int_equal(info.unit[0].range[0].first, 0);
    assert_int_equal(info.unit[0].range[0].last, 0xffff);
    assert_int_equal(info.unit[0].range[2].first, 0x0040);
    assert_int_equal(info.unit[0].range[2].last, 0x0047);
    assert_int_equal(info.nr_ivmd, 2);
    assert_int_equal(info.ivmd[0].first, 0);
    assert_int_equal(info.ivmd[0].last, 0xffff);
    assert_int_equal(info.ivmd[1].first, 0x0100);
    assert_int_equal(info.ivmd[1].last, 0x01ff);
    assert_int_equal(info.ivmd[1].limit, 0x202fff);
}

static void test_type_40_with_acpi_hid(void **state)
{
    (void)state;
    begin();
    ivhd(IVHD_TYPE_11, 0xfed80000);
    dev4(0x02, 0x0008, 0);
    end_block();
    ivhd(IVHD_TYPE_40, 0xfed80000);
    /* ACPI HID device: 22 bytes and a 5-byte UID. */
    dev4(0xf0, 0x00a5, 0);
    add(0x3030303044414d41ull, 8);
    add(0, 8);
    add(2, 1);
    add(5, 1);
    add(0x3130303030ull, 5);
    dev4(0x02, 0x0009, 0);
    end_block();
    assert_int_equal(parse(), 0);
    assert_int_equal(info.ivhd_type, IVHD_TYPE_40);
    assert_int_equal(info.nr_units, 1);
    assert_int_equal(info.nr_skipped, 2);      /* the 11h block, the HID entry */
    assert_int_equal(info.unit[0].nr_ranges, 1);
    assert_int_equal(info.unit[0].range[0].first, 0x0009);
}

static void test_two_units(void **state)
{
    (void)state;
    begin();
    ivhd(IVHD_TYPE_11, 0xfed80000);
    dev4(0x03, 0x0000, 0);
    dev4(0x04, 0x00ff, 0);
    end_block();
    ivhd(IVHD_TYPE_11, 0xfed84000);
    dev4(0x03, 0x0100, 0);
    dev4(0x04, 0xffff, 0);
    end_block();
    assert_int_equal(parse(), 0);
    assert_int_equal(info.nr_units, 2);
    assert_ptr_equal(ivrs_unit_of(&info, 0, 0x00ff, NULL), &info.unit[0]);
    assert_ptr_equal(ivrs_unit_of(&info, 0, 0x0100, NULL), &info.unit[1]);
    assert_ptr_equal(ivrs_unit_of(&info, 0, 0xffff, NULL), &info.unit[1]);
}

static void test_refused_lengths(void **state)
{
    (void)state;
    begin();
    assert_int_equal(ivrs_parse(tab, 40, &info), -EINVAL);
    assert_string_equal(info.error, "shorter than its header");
    qemu_like();
    assert_int_equal(ivrs_parse(tab, len - 1, &info), -EINVAL);
    assert_string_equal(info.error, "its length leaves the table");
    qemu_like();
    put(48 + 2, 0x2000, 2);     /* the first block's length */
    expect_refused("a block's length leaves the table", 48 + 2);
    qemu_like();
    put(48 + 2, 2, 2);
    expect_refused("a block's length leaves the table", 48 + 2);
    begin();
    ivmd(0x21, 0, 0, 0, 0x1000, 0x1000);
    expect_refused("no IVHD block of a known type", 48);
    begin();
    open_at = len;
    add(0x11, 1);
    add(0, 1);
    add(0, 2);
    add(0, 20);                 /* shorter than a type-11h header */
    end_block();
    expect_refused("an IVHD shorter than its header", 48);
}

/* An IVHD with one or two 4-byte entries (type 0: none). */
static void two_entries(uint8_t t1, uint16_t id1, uint8_t t2, uint16_t id2)
{
    begin();
    ivhd(IVHD_TYPE_11, 0xfed80000);
    dev4(t1, id1, 0);
    if (t2)
        dev4(t2, id2, 0);
    end_block();
}

static void test_refused_ivhd(void **state)
{
    (void)state;
    begin();
    ivhd(IVHD_TYPE_11, 0xfed81000);
    end_block();
    expect_refused("an IVHD's register base is 0 or not 16 KiB aligned", 48 + 8);
    begin();
    ivhd(IVHD_TYPE_11, 0xfed80000);
    dev4(0x02, 1, 0);
    add(0x42, 1);               /* an 8-byte entry with 4 bytes left */
    add(0, 3);
    end_block();
    expect_refused("a device entry leaves its IVHD", 48 + 40 + 4);
    two_entries(0x03, 0x10, 0x02, 0x20);
    expect_refused("a range start is not followed by its end", 48 + 40 + 4);
    two_entries(0x03, 0x10, 0, 0);
    expect_refused("a range start is not followed by its end", 48 + 40 + 4);
    two_entries(0x04, 0x10, 0, 0);
    expect_refused("a range end without its start", 48 + 40);
    two_entries(0x03, 0x10, 0x04, 0x0f);
    expect_refused("a range ends below its start", 48 + 40 + 4);
    begin();
    ivhd(IVHD_TYPE_11, 0xfed80000);
    for (unsigned int i = 0; i <= IVRS_MAX_RANGES; i++)
        dev4(0x02, (uint16_t)(2 * i), 0);       /* never adjacent */
    end_block();
    expect_refused("too many device ranges in one IVHD", 48 + 40 + 4 * IVRS_MAX_RANGES);
}

static void test_refused_ivmd(void **state)
{
    (void)state;
    qemu_like();
    put(len - 32 + 2, 24, 2);   /* the IVMD's length */
    len -= 8;
    fix_table_len();
    expect_refused("an IVMD whose length is not 32", len - 24);
    qemu_like();
    ivmd(0x22, IVMD_F_UNITY, 0x0200, 0x01ff, 0x1000, 0x1000);
    expect_refused("an IVMD whose device range ends below its start", len - 32 + 6);
    qemu_like();
    ivmd(0x21, IVMD_F_UNITY, 0, 0, 0x1000, 0);
    expect_refused("an IVMD that is empty or wraps", len - 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qemu_like_table),
        cmocka_unit_test(test_unit_of),
        cmocka_unit_test(test_all_and_ivmd_kinds),
        cmocka_unit_test(test_type_40_with_acpi_hid),
        cmocka_unit_test(test_two_units),
        cmocka_unit_test(test_refused_lengths),
        cmocka_unit_test(test_refused_ivhd),
        cmocka_unit_test(test_refused_ivmd),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
