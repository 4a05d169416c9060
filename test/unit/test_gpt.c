/* SPDX-License-Identifier: MIT */
/* Unit tests: GPT headers and entries (tools/dom0/gpt.c): a good table,
 * and every kind of damage or lie refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/dom0/gpt.h"

#define DISK    16384ull                /* sectors */

static uint8_t hdr[GPT_SECTOR];
static uint8_t table[GPT_MAX_TABLE_BYTES];

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);                   /* the host is little-endian, as GPT */
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static void entry(unsigned int i, uint64_t first, uint64_t last)
{
    uint8_t *e = table + i * 128;

    memset(e, 0, 128);
    if (first || last) {
        memset(e, 0xaf, 16);            /* a type GUID: in use */
        put64(e + 32, first);
        put64(e + 40, last);
    }
}

/* Seal the table and the header with their CRCs. */
static void seal(void)
{
    uint32_t n, size;

    memcpy(&n, hdr + 80, 4);
    memcpy(&size, hdr + 84, 4);
    if ((uint64_t)n * size <= sizeof(table))
        put32(hdr + 88, gpt_crc32(0, table, (size_t)n * size));
    memcpy(&size, hdr + 12, 4);
    put32(hdr + 16, 0);
    put32(hdr + 16, gpt_crc32(0, hdr, size <= GPT_SECTOR ? size : GPT_SECTOR));
}

/* A good disk: 128 entries of 128 bytes at LBA 2, usable 34..DISK-34,
 * partitions 2048-6143 and 6144-14335 at entries 0 and 2. */
static void good(void)
{
    memset(hdr, 0, sizeof(hdr));
    memset(table, 0, sizeof(table));
    memcpy(hdr, "EFI PART", 8);
    put32(hdr + 8, 0x10000);
    put32(hdr + 12, 92);
    put64(hdr + 24, 1);
    put64(hdr + 32, DISK - 1);
    put64(hdr + 40, 34);
    put64(hdr + 48, DISK - 34);
    put64(hdr + 72, 2);
    put32(hdr + 80, 128);
    put32(hdr + 84, 128);
    entry(0, 2048, 6143);
    entry(2, 6144, 14335);
    seal();
}

static int scan(struct gpt_part *parts, unsigned int max)
{
    struct gpt_header_info h;
    int rc = gpt_header_check(hdr, 1, DISK, &h);

    return rc ? rc * 10 : gpt_entries(table, &h, parts, max);
}

static void test_crc32(void **state)
{
    assert_int_equal(gpt_crc32(0, "123456789", 9), 0xcbf43926);
    assert_int_equal(gpt_crc32(gpt_crc32(0, "1234", 4), "56789", 5), 0xcbf43926);
    assert_int_equal(gpt_crc32(0, "", 0), 0);
}

static void test_good(void **state)
{
    struct gpt_part p[4];

    good();
    assert_int_equal(scan(p, 4), 2);
    assert_int_equal(p[0].first, 2048);
    assert_int_equal(p[0].last, 6143);
    assert_int_equal(p[1].first, 6144);
    assert_int_equal(p[1].last, 14335);
    assert_int_equal(scan(p, 1), 1);            /* room for one: the first */
    /* A header bigger than 92 bytes is covered by its CRC whole. */
    put32(hdr + 12, 100);
    seal();
    assert_int_equal(scan(p, 4), 2);
}

/* Each change to the good disk, then sealed or not. */
static void bad_header(unsigned int off, uint64_t val, unsigned int bytes, int want)
{
    struct gpt_part p[4];

    good();
    if (bytes == 8)
        put64(hdr + off, val);
    else
        put32(hdr + off, val);
    seal();
    assert_int_equal(scan(p, 4), want);
}

/* The backup: the same header at the last LBA, its table before it. */
static void test_backup(void **state)
{
    struct gpt_header_info h;
    struct gpt_part p[4];

    good();
    put64(hdr + 24, DISK - 1);
    put64(hdr + 32, 1);
    put64(hdr + 72, DISK - 33);
    seal();
    assert_int_equal(gpt_header_check(hdr, DISK - 1, DISK, &h), 0);
    assert_int_equal(h.entries_lba, DISK - 33);
    assert_int_equal(gpt_entries(table, &h, p, 4), 2);
    /* Not where it says it is: refused either way. */
    assert_int_equal(gpt_header_check(hdr, 1, DISK, &h), -2);
    assert_int_equal(gpt_header_check(hdr, DISK - 2, DISK, &h), -2);
}

static void test_header_lies(void **state)
{
    struct gpt_part p[4];

    good();
    hdr[0] = 'X';
    assert_int_equal(scan(p, 4), -10);          /* no GPT */
    good();
    hdr[40] ^= 1;                               /* not sealed again */
    assert_int_equal(scan(p, 4), -20);
    bad_header(12, 91, 4, -20);                 /* header too small */
    bad_header(12, 513, 4, -20);                /* bigger than a sector */
    bad_header(24, 2, 8, -20);                  /* not at LBA 1 */
    bad_header(84, 100, 4, -20);                /* entry size not 128 << n */
    bad_header(84, 64, 4, -20);
    bad_header(80, 0, 4, -20);                  /* no entries */
    bad_header(80, 129, 4, -20);                /* more than dom0 reads */
    bad_header(72, DISK - 8, 8, -20);           /* table past the end */
    bad_header(72, 1, 8, -20);                  /* table on the header */
    bad_header(72, 40, 8, -20);                 /* table in the usable range */
    bad_header(48, DISK, 8, -20);               /* usable past the end */
    bad_header(40, DISK - 10, 8, -20);          /* first after last */
    bad_header(72, 0xffffffffffffff00ull, 8, -20);  /* wraps */
}

/* The good disk with entry 1 added: what the scan gives. */
static int with_entry(uint64_t first, uint64_t last, struct gpt_part *p)
{
    good();
    entry(1, first, last);
    seal();
    return scan(p, 4);
}

static void test_entry_lies(void **state)
{
    struct gpt_part p[4];

    good();
    table[5] ^= 1;                              /* not sealed again */
    assert_int_equal(scan(p, 4), -2);
    assert_int_equal(with_entry(33, 100, p), -2);           /* before the first usable */
    assert_int_equal(with_entry(14336, DISK - 33, p), -2);  /* past the last usable */
    assert_int_equal(with_entry(5000, 4000, p), -2);        /* ends before it starts */
    assert_int_equal(with_entry(6000, 7000, p), -2);        /* overlaps both */
    assert_int_equal(with_entry(14336, 14400, p), 3);       /* a third, good one */
    assert_int_equal(p[1].first, 14336);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32),
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_backup),
        cmocka_unit_test(test_header_lies),
        cmocka_unit_test(test_entry_lies),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
