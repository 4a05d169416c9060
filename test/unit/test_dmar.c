// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/iommu/dmar.c: DMAR tables built byte by byte (a
 * header, DRHDs, RMRRs, other structures, device scopes), good ones read
 * field by field and each kind of malformed one refused with its reason;
 * scope matching over a fake bridge topology.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <petrel/errno.h>
#include <petrel/pci.h>
#include "../../drivers/iommu/dmar.h"
#include "stubs.h"

/* ---- building tables ---------------------------------------------------------- */

static uint8_t tab[4096];
static size_t len;
static size_t open_at;          /* the structure being built */
static struct dmar_info info;

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

/* The 48-byte header: haw 39, flags. */
static void begin(uint8_t flags)
{
    memset(tab, 0, sizeof(tab));
    memcpy(tab, "DMAR", 4);
    len = 36;
    add(38, 1);                 /* host address width - 1 */
    add(flags, 1);
    add(0, 10);
    fix_table_len();
}

static void end_struct(void)
{
    put(open_at + 2, len - open_at, 2);
    fix_table_len();
}

static void drhd(uint8_t flags, uint16_t seg, uint64_t base)
{
    open_at = len;
    add(0, 2);
    add(0, 2);                  /* length, fixed by end_struct() */
    add(flags, 1);
    add(0, 1);
    add(seg, 2);
    add(base, 8);
    end_struct();
}

static void rmrr(uint16_t seg, uint64_t base, uint64_t limit)
{
    open_at = len;
    add(1, 2);
    add(0, 2);
    add(0, 2);
    add(seg, 2);
    add(base, 8);
    add(limit, 8);
    end_struct();
}

static void other(uint16_t type, unsigned int body)
{
    open_at = len;
    add(type, 2);
    add(0, 2);
    add(0, body);
    end_struct();
}

/* A scope in the open structure: path is (dev, fn) pairs. */
static void scope(uint8_t type, uint8_t enum_id, uint8_t bus, unsigned int nr,
                  const uint8_t *path)
{
    add(type, 1);
    add(6 + 2 * nr, 1);
    add(0, 2);
    add(enum_id, 1);
    add(bus, 1);
    for (unsigned int i = 0; i < 2 * nr; i++)
        add(path[i], 1);
    end_struct();
}

static int parse(void)
{
    return dmar_parse(tab, len, &info);
}

static void refused(const char *why)
{
    assert_int_equal(parse(), -EINVAL);
    assert_non_null(info.error);
    assert_string_equal(info.error, why);
}

/* ---- good tables ---------------------------------------------------------------- */

static void test_good(void **state)
{
    static const uint8_t gfx[] = { 2, 0 }, usb[] = { 0x14, 0 }, two[] = { 0x1c, 0, 0, 0 };

    begin(DMAR_INTR_REMAP | DMAR_X2APIC_OPT_OUT);
    drhd(0, 0, 0xfed90000);
    scope(DMAR_SCOPE_ENDPOINT, 0, 0, 1, gfx);
    drhd(1, 0, 0xfed91000);
    scope(DMAR_SCOPE_IOAPIC, 8, 0xf0, 1, (const uint8_t[]){ 0x1f, 0 });
    scope(DMAR_SCOPE_BRIDGE, 0, 0, 2, two);
    rmrr(0, 0xdd000000, 0xdd0fffff);
    scope(DMAR_SCOPE_ENDPOINT, 0, 0, 1, usb);
    other(2, 4);                /* ATSR */
    other(3, 16);               /* RHSA */
    assert_int_equal(parse(), 0);
    assert_null(info.error);
    assert_int_equal(info.haw, 39);
    assert_int_equal(info.flags, DMAR_INTR_REMAP | DMAR_X2APIC_OPT_OUT);
    assert_int_equal(info.nr_units, 2);
    assert_int_equal(info.nr_skipped, 2);
    assert_false(info.unit[0].include_all);
    assert_int_equal(info.unit[0].base, 0xfed90000);
    assert_int_equal(info.unit[0].nr_scopes, 1);
    assert_int_equal(info.unit[0].scope[0].type, DMAR_SCOPE_ENDPOINT);
    assert_int_equal(info.unit[0].scope[0].path[0].dev, 2);
    assert_true(info.unit[1].include_all);
    assert_int_equal(info.unit[1].base, 0xfed91000);
    assert_int_equal(info.unit[1].nr_scopes, 2);
    assert_int_equal(info.unit[1].scope[0].type, DMAR_SCOPE_IOAPIC);
    assert_int_equal(info.unit[1].scope[0].enum_id, 8);
    assert_int_equal(info.unit[1].scope[0].bus, 0xf0);
    assert_int_equal(info.unit[1].scope[0].path[0].dev, 0x1f);
    assert_int_equal(info.unit[1].scope[1].nr_path, 2);
    assert_int_equal(info.unit[1].scope[1].path[0].dev, 0x1c);
    assert_int_equal(info.nr_rmrr, 1);
    assert_int_equal(info.rmrr[0].base, 0xdd000000);
    assert_int_equal(info.rmrr[0].limit, 0xdd0fffff);
    assert_int_equal(info.rmrr[0].nr_scopes, 1);
    assert_int_equal(info.rmrr[0].scope[0].path[0].dev, 0x14);
}

/* A buffer longer than the table: only the header's length counts. */
static void test_trailing_bytes_ignored(void **state)
{
    begin(0);
    drhd(1, 0, 0xfed90000);
    assert_int_equal(dmar_parse(tab, sizeof(tab), &info), 0);
    assert_int_equal(info.nr_units, 1);
}

/* ---- malformed tables ------------------------------------------------------------ */

static void test_bad_lengths(void **state)
{
    begin(0);
    drhd(1, 0, 0xfed90000);
    assert_int_equal(dmar_parse(tab, len - 1, &info), -EINVAL);     /* buffer short */
    assert_string_equal(info.error, "table length");
    assert_int_equal(dmar_parse(tab, 40, &info), -EINVAL);
    put(4, 47, 4);
    refused("table length");

    begin(0);
    drhd(1, 0, 0xfed90000);
    put(48 + 2, 3, 2);          /* structure length below its header */
    refused("structure length");
    put(48 + 2, 17, 2);         /* beyond the table */
    refused("structure length");
    put(48 + 2, 12, 2);         /* a DRHD shorter than its fields */
    refused("DRHD too short");

    begin(0);
    drhd(1, 0, 0xfed90000);
    add(0, 2);                  /* 2 bytes where a structure header needs 4 */
    fix_table_len();
    refused("structure truncated");

    begin(0);
    rmrr(0, 0x1000, 0x1fff);
    put(48 + 2, 20, 2);
    len = 48 + 20;
    fix_table_len();
    refused("RMRR too short");
}

static void test_bad_drhd(void **state)
{
    begin(0);
    drhd(1, 0, 0);
    refused("DRHD register base");
    begin(0);
    drhd(1, 0, 0xfed90800);
    refused("DRHD register base");
    begin(0);
    drhd(1, 0, 0xfed90000);
    drhd(1, 0, 0xfed91000);
    refused("two INCLUDE_PCI_ALL units for one segment");
    begin(0);
    drhd(1, 0, 0xfed90000);
    drhd(1, 1, 0xfed91000);     /* another segment: fine */
    assert_int_equal(parse(), 0);
    begin(0);
    for (unsigned int i = 0; i <= DMAR_MAX_UNITS; i++)
        drhd(0, 0, 0xfed90000 + 0x1000 * i);
    refused("too many DRHD units");
    begin(0);
    rmrr(0, 0x1000, 0x1fff);
    refused("no DRHD");
}

static void test_bad_rmrr(void **state)
{
    const uint64_t bad[][2] = {
        { 0x1800, 0x1fff }, { 0x1000, 0x1ffe }, { 0x3000, 0x1fff },
    };

    for (unsigned int i = 0; i < 3; i++) {
        begin(0);
        drhd(1, 0, 0xfed90000);
        rmrr(0, bad[i][0], bad[i][1]);
        refused("RMRR range");
    }
    begin(0);
    drhd(1, 0, 0xfed90000);
    for (unsigned int i = 0; i <= DMAR_MAX_RMRR; i++)
        rmrr(0, 0x1000, 0x1fff);
    refused("too many RMRRs");
}

static void test_bad_scopes(void **state)
{
    static const uint8_t p1[] = { 3, 0 }, bad_dev[] = { 32, 0 }, bad_fn[] = { 3, 8 };
    static const uint8_t p5[] = { 1, 0, 1, 0, 1, 0, 1, 0, 1, 0 };

    begin(0);
    drhd(0, 0, 0xfed90000);
    scope(DMAR_SCOPE_ENDPOINT, 0, 0, 0, NULL);      /* no path */
    refused("device scope length");

    begin(0);
    drhd(0, 0, 0xfed90000);
    scope(DMAR_SCOPE_ENDPOINT, 0, 0, 1, p1);
    tab[len - 7]++;                                 /* an odd path: length 9 */
    add(0, 1);
    end_struct();
    refused("device scope length");

    begin(0);
    drhd(0, 0, 0xfed90000);
    scope(DMAR_SCOPE_ENDPOINT, 0, 0, 1, p1);
    tab[len - 7] = 10;                              /* beyond its structure */
    refused("device scope length");

    begin(0);
    drhd(0, 0, 0xfed90000);
    add(1, 1);
    add(8, 1);                                      /* 2 bytes of a scope header */
    end_struct();
    refused("device scope truncated");

    begin(0);
    drhd(0, 0, 0xfed90000);
    scope(DMAR_SCOPE_ENDPOINT, 0, 0, 1, bad_dev);
    refused("device scope path");
    begin(0);
    drhd(0, 0, 0xfed90000);
    scope(DMAR_SCOPE_ENDPOINT, 0, 0, 1, bad_fn);
    refused("device scope path");

    begin(0);
    drhd(0, 0, 0xfed90000);
    scope(DMAR_SCOPE_BRIDGE, 0, 0, 5, p5);
    refused("device scope path too long");

    begin(0);
    drhd(0, 0, 0xfed90000);
    for (unsigned int i = 0; i <= DMAR_MAX_SCOPES; i++)
        scope(DMAR_SCOPE_ENDPOINT, 0, 0, 1, p1);
    refused("too many device scopes");
}

/* ---- scope matching --------------------------------------------------------------- */

/* Fake topology: 00:1c.0 is a bridge to buses 2..4; 02:00.0 a bridge to
 * bus 3 only; everything else an endpoint. */
static int sec(uint16_t bdf)
{
    if (bdf == PCI_BDF(0, 0x1c, 0))
        return 2;
    return bdf == PCI_BDF(2, 0, 0) ? 3 : -1;
}

static int sub(uint16_t bdf)
{
    if (bdf == PCI_BDF(0, 0x1c, 0))
        return 4;
    return bdf == PCI_BDF(2, 0, 0) ? 3 : -1;
}

static struct dmar_scope mk(uint8_t type, uint8_t bus, unsigned int nr, const uint8_t *path)
{
    struct dmar_scope s = { .type = type, .bus = bus, .nr_path = (uint8_t)nr };

    for (unsigned int i = 0; i < nr; i++) {
        s.path[i].dev = path[2 * i];
        s.path[i].fn = path[2 * i + 1];
    }
    return s;
}

static void test_scope_match(void **state)
{
    struct dmar_scope ep = mk(DMAR_SCOPE_ENDPOINT, 0, 1, (const uint8_t[]){ 3, 0 });
    struct dmar_scope br = mk(DMAR_SCOPE_BRIDGE, 0, 1, (const uint8_t[]){ 0x1c, 0 });
    struct dmar_scope deep = mk(DMAR_SCOPE_ENDPOINT, 0, 3,
                                (const uint8_t[]){ 0x1c, 0, 0, 0, 5, 1 });
    struct dmar_scope lost = mk(DMAR_SCOPE_ENDPOINT, 0, 2, (const uint8_t[]){ 3, 0, 0, 0 });
    struct dmar_scope ioapic = mk(DMAR_SCOPE_IOAPIC, 0, 1, (const uint8_t[]){ 3, 0 });

    assert_true(dmar_scope_matches(&ep, PCI_BDF(0, 3, 0), sec, sub));
    assert_false(dmar_scope_matches(&ep, PCI_BDF(0, 3, 1), sec, sub));
    assert_false(dmar_scope_matches(&ep, PCI_BDF(1, 3, 0), sec, sub));
    assert_true(dmar_scope_matches(&br, PCI_BDF(0, 0x1c, 0), sec, sub));
    assert_true(dmar_scope_matches(&br, PCI_BDF(2, 0, 0), sec, sub));
    assert_true(dmar_scope_matches(&br, PCI_BDF(4, 31, 7), sec, sub));
    assert_false(dmar_scope_matches(&br, PCI_BDF(5, 0, 0), sec, sub));
    assert_false(dmar_scope_matches(&br, PCI_BDF(1, 0, 0), sec, sub));
    /* 00:1c.0 -> bus 2, 02:00.0 -> bus 3, then 03:05.1 */
    assert_true(dmar_scope_matches(&deep, PCI_BDF(3, 5, 1), sec, sub));
    assert_false(dmar_scope_matches(&deep, PCI_BDF(2, 5, 1), sec, sub));
    /* a path through something that is no bridge leads nowhere */
    assert_false(dmar_scope_matches(&lost, PCI_BDF(0, 0, 0), sec, sub));
    /* an endpoint scope never covers what is behind it */
    ep = mk(DMAR_SCOPE_ENDPOINT, 0, 1, (const uint8_t[]){ 0x1c, 0 });
    assert_false(dmar_scope_matches(&ep, PCI_BDF(2, 0, 0), sec, sub));
    /* IOAPIC, HPET, ACPI scopes name no PCI function */
    assert_false(dmar_scope_matches(&ioapic, PCI_BDF(0, 3, 0), sec, sub));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_trailing_bytes_ignored),
        cmocka_unit_test(test_bad_lengths),
        cmocka_unit_test(test_bad_drhd),
        cmocka_unit_test(test_bad_rmrr),
        cmocka_unit_test(test_bad_scopes),
        cmocka_unit_test(test_scope_match),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
