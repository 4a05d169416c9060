// SPDX-License-Identifier: MIT
/*
 * tools/libhv/acpi.c: the tables a PVH domU is given, read back the way a
 * guest's ACPI code reads them: the RSDP's signature, both checksums, its
 * revision and XSDT address; the XSDT's one entry; the MADT's length,
 * checksum, local APIC address and one enabled LAPIC per vCPU with APIC
 * id = vCPU id; the limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "../../tools/libhv/acpi.h"

#define GPA (HV_ACPI_GFN << 12)

static uint8_t page[HV_ACPI_PAGE_SIZE];

static uint32_t get32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;

    while (n--)
        s += *p++;
    return s;
}

/* The guest-physical address a as a pointer into page. */
static const uint8_t *at(uint64_t a)
{
    assert_true(a >= GPA && a < GPA + HV_ACPI_PAGE_SIZE);
    return page + (a - GPA);
}

static const uint8_t *check_sdt(uint64_t a, const char *sig)
{
    const uint8_t *t = at(a);
    uint32_t len = get32(t + 4);

    assert_memory_equal(t, sig, 4);
    assert_true(len >= 36 && a + len <= GPA + HV_ACPI_PAGE_SIZE);
    assert_int_equal(sum(t, len), 0);
    return t;
}

static void check_tables(unsigned int n)
{
    uint64_t rsdp_gpa;
    const uint8_t *rsdp, *xsdt, *madt;

    memset(page, 0xa5, sizeof(page));
    rsdp_gpa = hv_acpi_build(page, GPA, n);
    assert_int_equal(rsdp_gpa, GPA + HV_ACPI_RSDP_OFF);
    assert_int_equal(rsdp_gpa & 15, 0);             /* 16-byte aligned */
    rsdp = at(rsdp_gpa);
    assert_memory_equal(rsdp, "RSD PTR ", 8);
    assert_int_equal(sum(rsdp, 20), 0);             /* ACPI 1.0 checksum */
    assert_int_equal(rsdp[15], 2);
    assert_int_equal(get32(rsdp + 20), 36);
    assert_int_equal(sum(rsdp, 36), 0);             /* extended checksum */
    assert_int_equal(get32(rsdp + 16), 0);          /* no RSDT */

    xsdt = check_sdt(get64(rsdp + 24), "XSDT");
    assert_int_equal(get32(xsdt + 4), 36 + 8);      /* one entry */
    madt = check_sdt(get64(xsdt + 36), "APIC");
    assert_int_equal(get32(madt + 4), 44 + 8 * n);
    assert_int_equal(get32(madt + 36), 0xfee00000);
    assert_int_equal(get32(madt + 40), 0);          /* no PCAT_COMPAT */
    for (unsigned int i = 0; i < n; i++) {
        const uint8_t *e = madt + 44 + 8 * i;

        assert_int_equal(e[0], 0);                  /* processor local APIC */
        assert_int_equal(e[1], 8);
        assert_int_equal(e[2], i);
        assert_int_equal(e[3], i);                  /* APIC id = vCPU id */
        assert_int_equal(get32(e + 4), 1);          /* enabled */
    }
    /* Nothing else in the page: it was zeroed. */
    for (size_t o = HV_ACPI_MADT_OFF + 44 + 8 * n; o < sizeof(page); o++)
        assert_int_equal(page[o], 0);
}

static void test_one_vcpu(void **state)
{
    check_tables(1);
}

static void test_two_vcpus(void **state)
{
    check_tables(2);
}

static void test_max_vcpus(void **state)
{
    check_tables(HV_ACPI_MAX_VCPUS);
}

static void test_refused(void **state)
{
    assert_int_equal(hv_acpi_build(page, GPA, 0), 0);
    assert_int_equal(hv_acpi_build(page, GPA, HV_ACPI_MAX_VCPUS + 1), 0);
    assert_int_equal(hv_acpi_build(page, GPA + 8, 1), 0);          /* not a page */
    assert_int_equal(hv_acpi_build(page, 0x100000000ull, 1), 0);   /* above 4 GiB */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_vcpu),
        cmocka_unit_test(test_two_vcpus),
        cmocka_unit_test(test_max_vcpus),
        cmocka_unit_test(test_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
