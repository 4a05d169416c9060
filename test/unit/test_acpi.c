/* SPDX-License-Identifier: MIT */
/* Unit tests for drivers/acpi.c: tables built here in a fake physical space. */

/*
 * Each test builds its ACPI tables byte by byte, at fixed fake physical
 * addresses in the stubs' sparse physical space, with field offsets written
 * out from the ACPI specification (not taken from acpi_tables.h, so that a
 * wrong layout there is caught). acpi_map() below maps that space, refuses
 * anything at or above map_limit, and records the largest length asked for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>
#include <petrel/acpi.h>
#include <petrel/errno.h>
#include "stubs.h"

#define PHYS_SIZE   MiB(64)

#define RSDP_PA     0x0f0000
#define XSDT_PA     0x100000
#define RSDT_PA     0x101000
#define MADT_PA     0x102000
#define FADT_PA     0x103000
#define DSDT_PA     0x104000
#define HPET_PA     0x105000
#define MCFG_PA     0x106000
#define DMAR_PA     0x107000
#define IVRS_PA     0x108000
#define MADT2_PA    0x109000
#define DSDT2_PA    0x10a000
#define EXTRA_PA    0x10b000

static uint64_t map_limit;
static size_t map_max_len;

const void *acpi_map(paddr_t pa, size_t len)
{
    if (len > map_max_len)
        map_max_len = len;
    if (len == 0 || pa >= map_limit || len > map_limit - pa)
        return NULL;
    return stub_phys_base + pa;
}

static int setup(void **state)
{
    stub_phys_init(PHYS_SIZE);
    stub_log_reset();
    map_limit = PHYS_SIZE;
    map_max_len = 0;
    return 0;
}

/* ---- Byte-level builders ---------------------------------------------- */

static uint8_t *phys(paddr_t pa)
{
    return stub_phys_base + pa;
}

struct buf {
    uint8_t b[8192];
    size_t n;
};

static void put(struct buf *b, uint64_t v, size_t size)
{
    assert_true(b->n + size <= sizeof(b->b));
    memcpy(b->b + b->n, &v, size);      /* the host is little-endian too */
    b->n += size;
}

static void put_bytes(struct buf *b, const void *p, size_t size)
{
    assert_true(b->n + size <= sizeof(b->b));
    memcpy(b->b + b->n, p, size);
    b->n += size;
}

static void set_at(uint8_t *p, size_t off, uint64_t v, size_t size)
{
    memcpy(p + off, &v, size);
}

/* Make the byte sum of p[0..len) zero by adjusting p[at]. */
static void fix_sum(uint8_t *p, size_t len, size_t at)
{
    uint8_t sum = 0;

    p[at] = 0;
    for (size_t i = 0; i < len; i++)
        sum += p[i];
    p[at] = (uint8_t)-sum;
}

/* Header (36 bytes) + body at pa, valid checksum. */
static void mk_table(paddr_t pa, const char *sig, uint8_t rev,
                     const void *body, size_t body_len)
{
    uint8_t *t = phys(pa);
    size_t len = 36 + body_len;

    memset(t, 0, 36);
    memcpy(t, sig, 4);
    set_at(t, 4, len, 4);
    t[8] = rev;
    memcpy(t + 10, "PETREL", 6);
    memcpy(t + 16, "TESTTABL", 8);
    memcpy(t + 28, "TEST", 4);
    memcpy(t + 36, body, body_len);
    fix_sum(t, len, 9);
}

static void mk_table_buf(paddr_t pa, const char *sig, uint8_t rev,
                         const struct buf *b)
{
    mk_table(pa, sig, rev, b->b, b->n);
}

/* Rewrite the length field of the table at pa and fix the checksum. */
static void set_length(paddr_t pa, uint32_t len, bool fix)
{
    set_at(phys(pa), 4, len, 4);
    if (fix)
        fix_sum(phys(pa), len, 9);
}

static void mk_rsdp(paddr_t pa, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
    uint8_t *r = phys(pa);

    memset(r, 0, 36);
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "BOCHS ", 6);
    r[15] = rev;
    set_at(r, 16, rsdt, 4);
    fix_sum(r, 20, 8);
    if (rev >= 2) {
        set_at(r, 20, 36, 4);
        set_at(r, 24, xsdt, 8);
        fix_sum(r, 36, 32);
    }
}

static void mk_xsdt(paddr_t pa, const uint64_t *t, size_t n)
{
    mk_table(pa, "XSDT", 1, t, n * 8);
}

static void mk_rsdt(paddr_t pa, const uint32_t *t, size_t n)
{
    mk_table(pa, "RSDT", 1, t, n * 4);
}

/* MADT body and entries. */
static void madt_start(struct buf *b, uint32_t lapic, uint32_t flags)
{
    b->n = 0;
    put(b, lapic, 4);
    put(b, flags, 4);
}

static void madt_lapic(struct buf *b, uint8_t uid, uint8_t id, uint32_t flags)
{
    put(b, 0, 1); put(b, 8, 1); put(b, uid, 1); put(b, id, 1);
    put(b, flags, 4);
}

static void madt_ioapic(struct buf *b, uint8_t id, uint32_t addr, uint32_t gsi)
{
    put(b, 1, 1); put(b, 12, 1); put(b, id, 1); put(b, 0, 1);
    put(b, addr, 4); put(b, gsi, 4);
}

static void madt_iso(struct buf *b, uint8_t src, uint32_t gsi, uint16_t flags)
{
    put(b, 2, 1); put(b, 10, 1); put(b, 0, 1); put(b, src, 1);
    put(b, gsi, 4); put(b, flags, 2);
}

static void madt_lapic_addr(struct buf *b, uint64_t addr)
{
    put(b, 5, 1); put(b, 12, 1); put(b, 0, 2); put(b, addr, 8);
}

static void madt_x2apic(struct buf *b, uint32_t id, uint32_t flags,
                        uint32_t uid)
{
    put(b, 9, 1); put(b, 16, 1); put(b, 0, 2);
    put(b, id, 4); put(b, flags, 4); put(b, uid, 4);
}

/* A two-CPU, one-IOAPIC MADT like QEMU's. */
static void mk_madt_basic(paddr_t pa)
{
    struct buf b;

    madt_start(&b, 0xfee00000, 1);
    madt_lapic(&b, 0, 0, 1);
    madt_lapic(&b, 1, 1, 1);
    madt_ioapic(&b, 0, 0xfec00000, 0);
    madt_iso(&b, 0, 2, 0);
    madt_iso(&b, 9, 9, 0xd);
    mk_table_buf(pa, "APIC", 3, &b);
}

/* FADT fields by their offset in the table (ACPI 6.5, table 5.9). */
enum {
    F_DSDT = 40, F_SMI_CMD = 48, F_ACPI_ENABLE = 52, F_PM1A_CNT = 64,
    F_PM1B_CNT = 68, F_PM1_CNT_LEN = 89, F_BOOT_ARCH = 109, F_FLAGS = 112,
    F_RESET_REG = 116, F_RESET_VALUE = 128, F_X_DSDT = 140,
    F_X_PM1A_CNT = 172, F_X_PM1B_CNT = 184, FADT_V6_LEN = 276,
};

static void gas(uint8_t *f, size_t off, uint8_t space, uint8_t width,
                uint64_t addr)
{
    f[off] = space;
    f[off + 1] = width;
    f[off + 2] = 0;
    f[off + 3] = 1;
    set_at(f, off + 4, addr, 8);
}

/* A full revision-6 FADT image, q35-like, with only legacy PM1 ports. */
static void fadt_image(uint8_t f[FADT_V6_LEN], uint32_t dsdt)
{
    memset(f, 0, FADT_V6_LEN);
    set_at(f, F_DSDT, dsdt, 4);
    set_at(f, F_SMI_CMD, 0xb2, 4);
    f[F_ACPI_ENABLE] = 0x02;
    set_at(f, F_PM1A_CNT, 0x604, 4);
    f[F_PM1_CNT_LEN] = 2;
    set_at(f, F_BOOT_ARCH, 0x0002, 2);
    set_at(f, F_FLAGS, 0x84a5, 4);      /* includes RESET_REG_SUP */
    gas(f, F_RESET_REG, 1, 8, 0xcf9);
    f[F_RESET_VALUE] = 0x0f;
}

/*
 * The table says 'len' bytes, but the whole image lies in memory: a field
 * read past the table's end would then show.
 */
static void mk_fadt(paddr_t pa, uint8_t rev, const uint8_t *f, size_t len)
{
    memcpy(phys(pa), f, FADT_V6_LEN);
    mk_table(pa, "FACP", rev, f + 36, len - 36);
}

static void mk_dsdt(paddr_t pa, const void *aml, size_t len)
{
    mk_table(pa, "DSDT", 2, aml, len);
}

static const uint8_t s5_bytes55[] = {
    0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x05,
    0x00, 0x00,
};

static void mk_hpet(paddr_t pa, uint8_t space, uint64_t base)
{
    struct buf b = { .n = 0 };

    put(&b, 0x8086a201, 4);
    put(&b, space, 1); put(&b, 64, 1); put(&b, 0, 1); put(&b, 0, 1);
    put(&b, base, 8);
    put(&b, 0, 1); put(&b, 0x80, 2); put(&b, 0, 1);
    mk_table_buf(pa, "HPET", 1, &b);
}

static void mcfg_entry(struct buf *b, uint64_t base, uint16_t seg,
                       uint8_t start, uint8_t end)
{
    put(b, base, 8); put(b, seg, 2); put(b, start, 1); put(b, end, 1);
    put(b, 0, 4);
}

static void mk_mcfg(paddr_t pa, unsigned int n)
{
    struct buf b = { .n = 0 };

    put(&b, 0, 8);
    for (unsigned int i = 0; i < n; i++)
        mcfg_entry(&b, 0xb0000000 + i * 0x10000000ull, i, 0, 0xff - i);
    mk_table_buf(pa, "MCFG", 1, &b);
}

/* Parse the RSDP at RSDP_PA; ai is filled with junk first. */
static int parse(struct acpi_info *ai, size_t len)
{
    memset(ai, 0xa5, sizeof(*ai));
    return acpi_parse(phys(RSDP_PA), len, ai);
}

static bool all_zero(const void *p, size_t len)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < len; i++)
        if (b[i])
            return false;
    return true;
}

/* A complete ACPI 2.0 set: XSDT -> MADT, FADT (-> DSDT), HPET, MCFG, DMAR. */
static void mk_acpi2_set(void)
{
    uint8_t f[FADT_V6_LEN];
    uint64_t x[] = { MADT_PA, FADT_PA, HPET_PA, MCFG_PA, DMAR_PA };
    uint8_t dmar_body[12] = { 38 };

    mk_madt_basic(MADT_PA);
    fadt_image(f, DSDT_PA);
    gas(f, F_X_PM1A_CNT, 1, 16, 0x604);
    mk_fadt(FADT_PA, 3, f, 244);
    mk_dsdt(DSDT_PA, s5_bytes55, sizeof(s5_bytes55));
    mk_hpet(HPET_PA, 0, 0xfed00000);
    mk_mcfg(MCFG_PA, 1);
    mk_table(DMAR_PA, "DMAR", 1, dmar_body, sizeof(dmar_body));
    mk_xsdt(XSDT_PA, x, ARRAY_SIZE(x));
    mk_rsdp(RSDP_PA, 2, 0, XSDT_PA);
}

/* ---- RSDP and root tables --------------------------------------------- */

static void test_checksum(void **state)
{
    uint8_t b[5] = { 1, 2, 3, 4, 0 };

    assert_int_equal(acpi_checksum(b, 4), 10);
    b[4] = 0xf6;
    assert_int_equal(acpi_checksum(b, 5), 0);
    assert_int_equal(acpi_checksum(b, 0), 0);
}

static void test_acpi2_full_set(void **state)
{
    struct acpi_info ai;

    mk_acpi2_set();
    assert_int_equal(parse(&ai, 36), 0);
    assert_int_equal(ai.revision, 2);
    assert_string_equal(ai.oem_id, "BOCHS ");
    assert_int_equal(ai.rsdp_pa, 0);
    assert_int_equal(ai.bad_tables, 0);
    assert_int_equal(stub_log_warnings, 0);

    assert_true(ai.have_madt);
    assert_int_equal(ai.lapic_base, 0xfee00000);
    assert_true(ai.pcat_compat);
    assert_int_equal(ai.nr_cpus, 2);
    assert_int_equal(ai.cpus[1].apic_id, 1);
    assert_int_equal(ai.cpus[1].uid, 1);
    assert_false(ai.cpus[1].x2apic);
    assert_int_equal(ai.nr_ioapics, 1);
    assert_int_equal(ai.ioapics[0].base, 0xfec00000);
    assert_int_equal(ai.ioapics[0].gsi_base, 0);
    assert_int_equal(ai.nr_overrides, 2);
    assert_int_equal(ai.overrides[0].source, 0);
    assert_int_equal(ai.overrides[0].gsi, 2);
    assert_int_equal(ai.overrides[1].source, 9);
    assert_int_equal(ai.overrides[1].flags, 0xd);

    assert_true(ai.have_fadt);
    assert_false(ai.hw_reduced);
    assert_true(ai.reset_supported);
    assert_int_equal(ai.reset_reg.space_id, ACPI_GAS_IO);
    assert_int_equal(ai.reset_reg.address, 0xcf9);
    assert_int_equal(ai.reset_value, 0x0f);
    assert_int_equal(ai.boot_arch, 2);
    assert_int_equal(ai.pm1a_cnt.space_id, ACPI_GAS_IO);
    assert_int_equal(ai.pm1a_cnt.bit_width, 16);
    assert_int_equal(ai.pm1a_cnt.address, 0x604);
    assert_int_equal(ai.pm1b_cnt.address, 0);
    assert_int_equal(ai.smi_cmd, 0xb2);
    assert_int_equal(ai.acpi_enable, 2);
    assert_int_equal(ai.dsdt_pa, DSDT_PA);
    assert_true(ai.s5_valid);
    assert_int_equal(ai.s5_typ_a, 5);
    assert_int_equal(ai.s5_typ_b, 5);

    assert_true(ai.have_hpet);
    assert_int_equal(ai.hpet_base, 0xfed00000);
    assert_int_equal(ai.nr_mcfg, 1);
    assert_int_equal(ai.mcfg[0].base, 0xb0000000);
    assert_int_equal(ai.mcfg[0].bus_end, 0xff);
    assert_int_equal(ai.dmar_pa, DMAR_PA);
    assert_int_equal(ai.dmar_len, 48);
    assert_int_equal(ai.ivrs_pa, 0);
    assert_true(stub_log_contains("ACPI: rev 2 OEM BOCHS , 2 CPUs"));
    assert_true(stub_log_contains("HPET at 0xfed00000, MCFG 1, S5 5/5"));
}

/* The XSDT wins over the RSDT when both are there. */
static void test_xsdt_preferred(void **state)
{
    struct acpi_info ai;
    uint32_t r[] = { MADT2_PA };
    struct buf b;

    mk_acpi2_set();
    madt_start(&b, 0xfee00000, 0);
    madt_lapic(&b, 0, 7, 1);
    mk_table_buf(MADT2_PA, "APIC", 1, &b);
    mk_rsdt(RSDT_PA, r, 1);
    mk_rsdp(RSDP_PA, 2, RSDT_PA, XSDT_PA);
    assert_int_equal(parse(&ai, 36), 0);
    assert_int_equal(ai.nr_cpus, 2);
    assert_int_equal(ai.cpus[0].apic_id, 0);

    /* No XSDT address: the RSDT is used. */
    mk_rsdp(RSDP_PA, 2, RSDT_PA, 0);
    assert_int_equal(parse(&ai, 36), 0);
    assert_int_equal(ai.nr_cpus, 1);
    assert_int_equal(ai.cpus[0].apic_id, 7);
    assert_false(ai.have_fadt);
}

static void test_acpi1_rsdt(void **state)
{
    struct acpi_info ai;
    uint8_t f[FADT_V6_LEN];
    uint32_t r[] = { HPET_PA, FADT_PA, MADT_PA };

    mk_madt_basic(MADT_PA);
    fadt_image(f, DSDT_PA);
    mk_fadt(FADT_PA, 1, f, 116);
    mk_dsdt(DSDT_PA, s5_bytes55, sizeof(s5_bytes55));
    mk_hpet(HPET_PA, 0, 0xfed00000);
    mk_rsdt(RSDT_PA, r, ARRAY_SIZE(r));
    mk_rsdp(RSDP_PA, 0, RSDT_PA, 0);
    /* Junk where a 2.0 RSDP would go on must not matter. */
    memset(phys(RSDP_PA + 20), 0xee, 16);

    assert_int_equal(parse(&ai, 20), 0);
    assert_int_equal(ai.revision, 0);
    assert_int_equal(ai.bad_tables, 0);
    assert_int_equal(ai.nr_cpus, 2);
    assert_true(ai.have_hpet);
    assert_true(ai.have_fadt);
    assert_true(ai.s5_valid);
    assert_int_equal(ai.dsdt_pa, DSDT_PA);
    assert_true(stub_log_contains("ACPI: rev 0 OEM BOCHS "));
}

static void test_rsdp_invalid(void **state)
{
    struct acpi_info ai;

    mk_acpi2_set();
    phys(RSDP_PA)[8]++;                 /* 1.0 checksum */
    assert_int_equal(parse(&ai, 36), -EINVAL);
    assert_true(all_zero(&ai, sizeof(ai)));

    mk_rsdp(RSDP_PA, 2, 0, XSDT_PA);
    phys(RSDP_PA)[32]++;                /* extended checksum */
    assert_int_equal(parse(&ai, 36), -EINVAL);
    assert_true(all_zero(&ai, sizeof(ai)));

    mk_rsdp(RSDP_PA, 2, 0, XSDT_PA);
    phys(RSDP_PA)[0] = 'X';             /* signature */
    fix_sum(phys(RSDP_PA), 20, 8);
    assert_int_equal(parse(&ai, 36), -EINVAL);

    mk_rsdp(RSDP_PA, 2, 0, XSDT_PA);
    assert_int_equal(parse(&ai, 19), -EINVAL);
    assert_int_equal(parse(&ai, 36), 0);
}

/* A 2.0 RSDP of which only the first 20 bytes were handed over. */
static void test_rsdp_v1_part_only(void **state)
{
    struct acpi_info ai;
    uint32_t r[] = { MADT_PA };

    mk_acpi2_set();
    mk_rsdt(RSDT_PA, r, 1);
    mk_rsdp(RSDP_PA, 2, RSDT_PA, XSDT_PA);
    assert_int_equal(parse(&ai, 20), 0);
    assert_true(ai.have_madt);
    assert_false(ai.have_fadt);         /* only in the XSDT */
    assert_true(stub_log_contains("using RSDT"));

    /* A loader's 20-byte copy: nothing past it may be read (ASan). */
    uint8_t *copy = malloc(20);

    memcpy(copy, phys(RSDP_PA), 20);
    assert_int_equal(acpi_parse(copy, 20, &ai), 0);
    assert_true(ai.have_madt);
    assert_int_equal(ai.revision, 2);
    free(copy);
}

static void test_bad_root_tables(void **state)
{
    struct acpi_info ai;
    uint32_t r[] = { MADT_PA };

    /* A bad XSDT falls back to the RSDT. */
    mk_acpi2_set();
    mk_rsdt(RSDT_PA, r, 1);
    mk_rsdp(RSDP_PA, 2, RSDT_PA, XSDT_PA);
    phys(XSDT_PA + 36)[0]++;
    assert_int_equal(parse(&ai, 36), 0);
    assert_int_equal(ai.bad_tables, 1);
    assert_true(ai.have_madt);
    assert_false(ai.have_fadt);
    assert_true(stub_log_contains("XSDT at 0x100000: bad checksum"));

    /* Neither usable: -EINVAL and nothing kept. */
    phys(RSDT_PA + 36)[0]++;
    assert_int_equal(parse(&ai, 36), -EINVAL);
    assert_true(all_zero(&ai, sizeof(ai)));

    /* A root table with the wrong signature. */
    mk_rsdp(RSDP_PA, 0, MADT_PA, 0);
    assert_int_equal(parse(&ai, 20), -EINVAL);
    assert_true(stub_log_contains("unexpected signature"));
}

/* ---- Bad tables --------------------------------------------------------- */

static void test_bad_checksum_skipped(void **state)
{
    struct acpi_info ai;

    mk_acpi2_set();
    phys(HPET_PA + 50)[0]++;
    assert_int_equal(parse(&ai, 36), 0);
    assert_int_equal(ai.bad_tables, 1);
    assert_false(ai.have_hpet);
    assert_true(stub_log_contains("HPET at 0x105000: bad checksum"));
    assert_int_equal(stub_log_warnings, 1);
    assert_true(ai.have_madt);
    assert_true(ai.have_fadt);
    assert_true(ai.s5_valid);
    assert_int_equal(ai.nr_mcfg, 1);
    assert_int_equal(ai.dmar_pa, DMAR_PA);
}

static void test_bad_lengths(void **state)
{
    struct acpi_info ai;

    mk_acpi2_set();
    set_length(MADT_PA, 20, true);      /* shorter than a header */
    set_length(HPET_PA, 40, true);      /* shorter than an HPET table */
    set_length(MCFG_PA, 0x7fffffff, false);
    assert_int_equal(parse(&ai, 36), 0);
    assert_int_equal(ai.bad_tables, 3);
    assert_false(ai.have_madt);
    assert_false(ai.have_hpet);
    assert_int_equal(ai.nr_mcfg, 0);
    assert_true(ai.have_fadt);
    assert_true(stub_log_contains("APIC at 0x102000: bad length"));
    assert_true(stub_log_contains("MCFG at 0x106000: bad length"));
    assert_true(map_max_len <= MiB(16));
}

/* Tables running past (or lying beyond) what can be mapped. */
static void test_unmappable_tables(void **state)
{
    struct acpi_info ai;
    uint64_t x[] = { MADT_PA, 0xfffffffffffff000ull, EXTRA_PA };

    mk_acpi2_set();
    mk_hpet(EXTRA_PA, 0, 0xfed00000);
    mk_xsdt(XSDT_PA, x, ARRAY_SIZE(x));
    map_limit = EXTRA_PA + 40;          /* the header fits, not the rest */
    assert_int_equal(parse(&ai, 36), 0);
    assert_int_equal(ai.bad_tables, 2);
    assert_int_equal(ai.nr_cpus, 2);    /* from the first MADT */
    assert_true(stub_log_contains("at 0xfffffffffffff000 not mappable"));
    assert_true(stub_log_contains("HPET at 0x10b000: not mappable"));
    assert_false(ai.have_hpet);
}

/* The first good table of a kind wins; a bad one does not count. */
static void test_duplicate_tables(void **state)
{
    struct acpi_info ai;
    uint64_t x[] = { MADT_PA, MADT2_PA, EXTRA_PA };
    struct buf b;

    mk_acpi2_set();
    madt_start(&b, 0xfee00000, 0);
    madt_lapic(&b, 0, 9, 1);
    mk_table_buf(MADT2_PA, "APIC", 1, &b);
    mk_table_buf(EXTRA_PA, "APIC", 1, &b);
    mk_xsdt(XSDT_PA, x, ARRAY_SIZE(x));
    phys(MADT_PA + 40)[0]++;
    assert_int_equal(parse(&ai, 36), 0);
    assert_int_equal(ai.bad_tables, 1);
    assert_int_equal(ai.nr_cpus, 1);
    assert_int_equal(ai.cpus[0].apic_id, 9);
    assert_true(stub_log_contains("second APIC at 0x10b000 ignored"));
}

/* ---- MADT ---------------------------------------------------------------- */

static int parse_madt_at(struct acpi_info *ai, const struct buf *b, paddr_t pa)
{
    uint64_t x[] = { pa };

    mk_table_buf(pa, "APIC", 5, b);
    mk_xsdt(XSDT_PA, x, 1);
    mk_rsdp(RSDP_PA, 2, 0, XSDT_PA);
    return parse(ai, 36);
}

static int parse_madt(struct acpi_info *ai, const struct buf *b)
{
    return parse_madt_at(ai, b, MADT_PA);
}

static void test_madt_zero_length_entry(void **state)
{
    struct acpi_info ai;
    struct buf b;

    madt_start(&b, 0xfee00000, 0);
    madt_lapic(&b, 0, 0, 1);
    madt_ioapic(&b, 2, 0xfec00000, 0);
    put(&b, 0, 1); put(&b, 0, 1);       /* type 0, length 0 */
    madt_lapic(&b, 1, 1, 1);
    assert_int_equal(parse_madt(&ai, &b), 0);
    assert_true(ai.have_madt);
    assert_false(ai.pcat_compat);
    assert_int_equal(ai.nr_cpus, 1);
    assert_int_equal(ai.nr_ioapics, 1);
    assert_int_equal(ai.ioapics[0].id, 2);
    assert_true(stub_log_contains("MADT entry at offset 64 malformed"));
    assert_int_equal(stub_log_warnings, 1);
}

static void test_madt_entry_past_end(void **state)
{
    struct acpi_info ai;
    struct buf b;

    madt_start(&b, 0xfee00000, 0);
    madt_lapic(&b, 0, 0, 1);
    put(&b, 1, 1); put(&b, 12, 1); put(&b, 0, 4);  /* IOAPIC, 6 of 12 */
    assert_int_equal(parse_madt(&ai, &b), 0);
    assert_int_equal(ai.nr_cpus, 1);
    assert_int_equal(ai.nr_ioapics, 0);
    assert_true(stub_log_contains("offset 52 malformed"));

    /* One byte short. */
    madt_start(&b, 0xfee00000, 0);
    madt_lapic(&b, 0, 0, 1);
    put(&b, 0, 1); put(&b, 9, 1); put(&b, 1, 1); put(&b, 1, 1);
    put(&b, 1, 4);                      /* 8 bytes that claim 9 */
    stub_log_reset();
    assert_int_equal(parse_madt(&ai, &b), 0);
    assert_int_equal(ai.nr_cpus, 1);
    assert_true(stub_log_contains("offset 52 malformed"));

    /* A lone trailing byte is malformed too. */
    madt_start(&b, 0xfee00000, 0);
    madt_lapic(&b, 0, 0, 1);
    put(&b, 0, 1);
    stub_log_reset();
    assert_int_equal(parse_madt(&ai, &b), 0);
    assert_int_equal(ai.nr_cpus, 1);
    assert_true(stub_log_contains("offset 52 malformed"));
}

/* An entry shorter than its type's layout stops parsing. */
static void test_madt_entry_too_short_for_type(void **state)
{
    struct acpi_info ai;
    struct buf b;

    madt_start(&b, 0xfee00000, 0);
    put(&b, 9, 1); put(&b, 8, 1); put(&b, 0, 6);   /* x2APIC of 8 bytes */
    madt_lapic(&b, 0, 0, 1);
    assert_int_equal(parse_madt(&ai, &b), 0);
    assert_int_equal(ai.nr_cpus, 0);
    assert_int_equal(stub_log_warnings, 1);

    /* Unknown types are skipped by length; longer known ones are fine. */
    madt_start(&b, 0xfee00000, 0);
    put(&b, 0x7f, 1); put(&b, 3, 1); put(&b, 0, 1);
    put(&b, 0, 1); put(&b, 10, 1); put(&b, 0, 1); put(&b, 4, 1);
    put(&b, 1, 4); put(&b, 0, 2);
    stub_log_reset();
    assert_int_equal(parse_madt(&ai, &b), 0);
    assert_int_equal(ai.nr_cpus, 1);
    assert_int_equal(ai.cpus[0].apic_id, 4);
    assert_int_equal(stub_log_warnings, 0);
}

static void test_madt_x2apic(void **state)
{
    struct acpi_info ai;
    struct buf b;

    madt_start(&b, 0xfee00000, 1);
    madt_x2apic(&b, 1, 1, 11);          /* duplicate of a later xAPIC 1 */
    madt_lapic(&b, 0, 0, 1);
    madt_lapic(&b, 1, 1, 1);
    madt_x2apic(&b, 0, 1, 10);          /* duplicate of xAPIC 0 */
    madt_x2apic(&b, 300, 1, 12);
    madt_x2apic(&b, 5, 1, 13);          /* below 255 but no xAPIC twin */
    madt_x2apic(&b, 301, 0, 14);        /* disabled */
    madt_x2apic(&b, 302, 2, 15);        /* online-capable */
    madt_x2apic(&b, 0xffffffff, 1, 16); /* invalid id */
    assert_int_equal(parse_madt(&ai, &b), 0);
    assert_int_equal(ai.nr_cpus, 4);
    assert_int_equal(ai.cpus[0].apic_id, 0);
    assert_false(ai.cpus[0].x2apic);
    assert_int_equal(ai.cpus[1].apic_id, 1);
    assert_int_equal(ai.cpus[2].apic_id, 300);
    assert_int_equal(ai.cpus[2].uid, 12);
    assert_true(ai.cpus[2].x2apic);
    assert_int_equal(ai.cpus[3].apic_id, 5);
    assert_true(ai.cpus[3].x2apic);
    assert_int_equal(ai.nr_cpus_disabled, 1);
}

static void test_madt_cpu_flags(void **state)
{
    struct acpi_info ai;
    struct buf b;

    madt_start(&b, 0xfee00000, 0);
    madt_lapic(&b, 0, 0, 1);            /* enabled */
    madt_lapic(&b, 1, 1, 0);            /* unusable */
    madt_lapic(&b, 2, 2, 2);            /* online-capable */
    madt_lapic(&b, 3, 3, 2);
    madt_lapic(&b, 4, 4, 3);            /* enabled (and a stray bit 1) */
    madt_lapic(&b, 5, 0xff, 1);         /* invalid id */
    assert_int_equal(parse_madt(&ai, &b), 0);
    assert_int_equal(ai.nr_cpus, 2);
    assert_int_equal(ai.cpus[0].apic_id, 0);
    assert_int_equal(ai.cpus[1].apic_id, 4);
    assert_int_equal(ai.cpus[1].uid, 4);
    assert_int_equal(ai.nr_cpus_disabled, 2);
}

static void test_madt_limits(void **state)
{
    struct acpi_info ai;
    struct buf b;
    unsigned int i;

    madt_start(&b, 0xfee00000, 0);
    for (i = 0; i < NR_CPUS + 6; i++)
        madt_x2apic(&b, 1000 + i, 1, i);
    for (i = 0; i < MAX_IOAPICS + 1; i++)
        madt_ioapic(&b, i, 0xfec00000 + i * 0x1000, i * 24);
    for (i = 0; i < MAX_IRQ_OVERRIDES + 2; i++)
        madt_iso(&b, i, i, 0);
    assert_int_equal(parse_madt(&ai, &b), 0);
    assert_int_equal(ai.nr_cpus, NR_CPUS);
    assert_int_equal(ai.cpus[NR_CPUS - 1].apic_id, 1000 + NR_CPUS - 1);
    assert_int_equal(ai.nr_ioapics, MAX_IOAPICS);
    assert_int_equal(ai.ioapics[MAX_IOAPICS - 1].gsi_base,
                     (MAX_IOAPICS - 1) * 24);
    assert_int_equal(ai.nr_overrides, MAX_IRQ_OVERRIDES);
    assert_true(stub_log_contains("6 CPUs beyond the limit of 64"));
    assert_true(stub_log_contains("1 IOAPICs beyond"));
    assert_true(stub_log_contains("2 IRQ overrides beyond"));
}

static void test_madt_lapic_override(void **state)
{
    struct acpi_info ai;
    struct buf b;

    madt_start(&b, 0xfee00000, 0);
    madt_lapic(&b, 0, 0, 1);
    madt_lapic_addr(&b, 0x1234fee00000ull);
    assert_int_equal(parse_madt(&ai, &b), 0);
    assert_int_equal(ai.lapic_base, 0x1234fee00000ull);

    /* An override of 0 is ignored. */
    madt_start(&b, 0xfee00000, 0);
    madt_lapic_addr(&b, 0);
    assert_int_equal(parse_madt(&ai, &b), 0);
    assert_int_equal(ai.lapic_base, 0xfee00000);
}

/* ---- FADT ---------------------------------------------------------------- */

static int parse_fadt(struct acpi_info *ai, uint8_t rev, const uint8_t *f,
                      size_t len)
{
    uint64_t x[] = { FADT_PA };

    mk_fadt(FADT_PA, rev, f, len);
    mk_xsdt(XSDT_PA, x, 1);
    mk_rsdp(RSDP_PA, 2, 0, XSDT_PA);
    return parse(ai, 36);
}

/* ACPI 1.0: 116 bytes, no reset register, boot flags reserved. */
static void test_fadt_rev1(void **state)
{
    struct acpi_info ai;
    uint8_t f[FADT_V6_LEN];

    mk_dsdt(DSDT_PA, s5_bytes55, sizeof(s5_bytes55));
    fadt_image(f, DSDT_PA);
    set_at(f, F_PM1B_CNT, 0x704, 4);
    assert_int_equal(parse_fadt(&ai, 1, f, 116), 0);
    assert_true(ai.have_fadt);
    assert_false(ai.reset_supported);
    assert_int_equal(ai.reset_reg.address, 0);
    assert_int_equal(ai.boot_arch, 0);
    assert_int_equal(ai.pm1a_cnt.space_id, ACPI_GAS_IO);
    assert_int_equal(ai.pm1a_cnt.bit_width, 16);
    assert_int_equal(ai.pm1a_cnt.address, 0x604);
    assert_int_equal(ai.pm1b_cnt.address, 0x704);
    assert_int_equal(ai.smi_cmd, 0xb2);
    assert_int_equal(ai.dsdt_pa, DSDT_PA);
    assert_true(ai.s5_valid);
}

static void test_fadt_rev6(void **state)
{
    static const uint8_t s5_34[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 0x03, 0x0a, 0x04,
    };
    struct acpi_info ai;
    uint8_t f[FADT_V6_LEN];

    mk_dsdt(DSDT_PA, s5_bytes55, sizeof(s5_bytes55));
    mk_dsdt(DSDT2_PA, s5_34, sizeof(s5_34));
    fadt_image(f, DSDT_PA);
    set_at(f, F_X_DSDT, DSDT2_PA, 8);
    gas(f, F_X_PM1A_CNT, 0, 32, 0xfe000404);
    gas(f, F_RESET_REG, 0, 8, 0xfe000800);
    set_at(f, F_FLAGS, (1u << 10) | (1u << 20), 4);
    assert_int_equal(parse_fadt(&ai, 6, f, FADT_V6_LEN), 0);
    assert_true(ai.hw_reduced);
    assert_true(ai.reset_supported);
    assert_int_equal(ai.reset_reg.space_id, ACPI_GAS_MEM);
    assert_int_equal(ai.reset_reg.address, 0xfe000800);
    assert_int_equal(ai.boot_arch, 2);
    assert_int_equal(ai.pm1a_cnt.space_id, ACPI_GAS_MEM);
    assert_int_equal(ai.pm1a_cnt.bit_width, 32);
    assert_int_equal(ai.pm1a_cnt.address, 0xfe000404);
    assert_int_equal(ai.dsdt_pa, DSDT2_PA);
    assert_true(ai.s5_valid);
    assert_int_equal(ai.s5_typ_a, 3);
    assert_int_equal(ai.s5_typ_b, 4);
}

static void test_fadt_reset_rules(void **state)
{
    struct acpi_info ai;
    uint8_t f[FADT_V6_LEN];

    fadt_image(f, 0);
    set_at(f, F_FLAGS, 0, 4);           /* RESET_REG_SUP clear */
    assert_int_equal(parse_fadt(&ai, 3, f, 244), 0);
    assert_false(ai.reset_supported);
    assert_int_equal(ai.reset_reg.address, 0xcf9);
    assert_int_equal(ai.dsdt_pa, 0);
    assert_false(ai.s5_valid);
    /* X_PM1a_CNT_BLK present but zero: the legacy port. */
    assert_int_equal(ai.pm1a_cnt.space_id, ACPI_GAS_IO);
    assert_int_equal(ai.pm1a_cnt.address, 0x604);

    fadt_image(f, 0);
    gas(f, F_RESET_REG, 2, 8, 0x1234);  /* PCI config space */
    assert_int_equal(parse_fadt(&ai, 3, f, 244), 0);
    assert_false(ai.reset_supported);

    fadt_image(f, 0);
    gas(f, F_RESET_REG, 1, 8, 0);       /* no address */
    assert_int_equal(parse_fadt(&ai, 3, f, 244), 0);
    assert_false(ai.reset_supported);

    /* A revision-2 table of 129 bytes has the reset register. */
    fadt_image(f, 0);
    assert_int_equal(parse_fadt(&ai, 2, f, 129), 0);
    assert_true(ai.reset_supported);
    assert_int_equal(ai.boot_arch, 2);
}

/* Only fields inside the table's length are read. */
static void test_fadt_short(void **state)
{
    struct acpi_info ai;
    uint8_t f[FADT_V6_LEN];

    fadt_image(f, DSDT_PA);
    assert_int_equal(parse_fadt(&ai, 3, f, 60), 0);
    assert_true(ai.have_fadt);
    assert_int_equal(ai.smi_cmd, 0xb2);
    assert_int_equal(ai.acpi_enable, 2);
    assert_int_equal(ai.pm1a_cnt.address, 0);
    assert_false(ai.reset_supported);
    assert_int_equal(ai.dsdt_pa, DSDT_PA);

    /* X_ fields cut off: the legacy ones are used. */
    fadt_image(f, DSDT_PA);
    set_at(f, F_X_DSDT, DSDT2_PA, 8);
    gas(f, F_X_PM1A_CNT, 0, 32, 0xfe000404);
    assert_int_equal(parse_fadt(&ai, 3, f, 172 + 11), 0);
    assert_int_equal(ai.pm1a_cnt.address, 0x604);
    assert_int_equal(ai.dsdt_pa, DSDT2_PA);
    assert_int_equal(parse_fadt(&ai, 3, f, 140 + 7), 0);
    assert_int_equal(ai.dsdt_pa, DSDT_PA);

    /* A bare header. */
    assert_int_equal(parse_fadt(&ai, 3, f, 36), 0);
    assert_true(ai.have_fadt);
    assert_int_equal(ai.smi_cmd, 0);
}

/* ---- DSDT \_S5 ----------------------------------------------------------- */

/* Parse a DSDT holding 'aml' through a minimal FADT. */
static int parse_s5(struct acpi_info *ai, const void *aml, size_t len)
{
    uint8_t f[FADT_V6_LEN];

    stub_log_reset();
    mk_dsdt(DSDT_PA, aml, len);
    fadt_image(f, DSDT_PA);
    return parse_fadt(ai, 1, f, 116);
}

static void test_s5_zero_one(void **state)
{
    static const uint8_t aml[] = {
        0x10, 0x05, '_', 'S', 'B', '_',                 /* Scope (_SB) */
        0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x01,
    };
    struct acpi_info ai;

    assert_int_equal(parse_s5(&ai, aml, sizeof(aml)), 0);
    assert_true(ai.s5_valid);
    assert_int_equal(ai.s5_typ_a, 0);
    assert_int_equal(ai.s5_typ_b, 1);
}

static void test_s5_word_dword_root(void **state)
{
    static const uint8_t aml[] = {
        0x70, '_', 'S', '5', '_', 0x60,                 /* not a NameOp */
        0x08, '\\', '_', 'S', '5', '_', 0x12, 0x0a, 0x02,
        0x0b, 0x07, 0x01, 0x0c, 0x06, 0xff, 0xff, 0xff,
    };
    struct acpi_info ai;

    assert_int_equal(parse_s5(&ai, aml, sizeof(aml)), 0);
    assert_true(ai.s5_valid);
    assert_int_equal(ai.s5_typ_a, 7);
    assert_int_equal(ai.s5_typ_b, 6);
}

/* PkgLength in two bytes (a real one) and in three (not minimal). */
static void test_s5_long_pkglength(void **state)
{
    static const uint8_t aml3[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x87, 0x00, 0x00, 0x02, 0x0a, 0x02,
        0x01,
    };
    struct acpi_info ai;
    struct buf b = { .n = 0 };
    size_t pkg_len = 2 + 1 + 39 * 2;    /* 0x51: PkgLength, NumElements, items */

    put_bytes(&b, "\x08_S5_\x12", 6);
    put(&b, 0x40 | (pkg_len & 0x0f), 1);
    put(&b, pkg_len >> 4, 1);
    put(&b, 39, 1);
    for (int i = 0; i < 39; i++)
        put_bytes(&b, i ? "\x0a\x09" : "\x0a\x03", 2);
    assert_int_equal(parse_s5(&ai, b.b, b.n), 0);
    assert_true(ai.s5_valid);
    assert_int_equal(ai.s5_typ_a, 3);
    assert_int_equal(ai.s5_typ_b, 9);

    assert_int_equal(parse_s5(&ai, aml3, sizeof(aml3)), 0);
    assert_true(ai.s5_valid);
    assert_int_equal(ai.s5_typ_a, 2);
    assert_int_equal(ai.s5_typ_b, 1);
}

static void expect_bad_s5(const void *aml, size_t len)
{
    struct acpi_info ai;

    assert_int_equal(parse_s5(&ai, aml, len), 0);
    assert_true(ai.have_fadt);
    assert_false(ai.s5_valid);
    assert_true(stub_log_contains("malformed \\_S5 package"));
}

static void test_s5_malformed(void **state)
{
    /* Truncated: the package says 8 bytes, the table ends after 4. */
    static const uint8_t trunc[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 0x05,
    };
    /* Element cut by its own package length. */
    static const uint8_t short_pkg[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x0a, 0x05, 0x0a, 0x05,
    };
    static const uint8_t one_elem[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x01, 0x00,
    };
    static const uint8_t not_int[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0d, 'a', 0x00,
    };
    static const uint8_t not_pkg[] = { 0x08, '_', 'S', '5', '_', 0x0a, 5 };
    static const uint8_t pkglen_cut[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0xc0, 0x01,
    };
    static const uint8_t at_end[] = { 0x08, '_', 'S', '5', '_' };
    /* NumElements 1, though two items follow. */
    static const uint8_t num_one[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x01, 0x0a, 0x05, 0x0a, 0x05,
    };
    /* A DWord one byte longer than the package; the table goes on. */
    static const uint8_t dword_cut[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x02, 0x0a, 0x05, 0x0c, 0x05,
        0x00, 0x00, 0x00, 0x00, 0x00,
    };

    expect_bad_s5(trunc, sizeof(trunc));
    expect_bad_s5(short_pkg, sizeof(short_pkg));
    expect_bad_s5(one_elem, sizeof(one_elem));
    expect_bad_s5(not_int, sizeof(not_int));
    expect_bad_s5(not_pkg, sizeof(not_pkg));
    expect_bad_s5(pkglen_cut, sizeof(pkglen_cut));
    expect_bad_s5(at_end, sizeof(at_end));
    expect_bad_s5(num_one, sizeof(num_one));
    expect_bad_s5(dword_cut, sizeof(dword_cut));
}

static void test_s5_absent(void **state)
{
    static const uint8_t aml[] = {
        0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x02, 0x00, 0x00,
        '_', 'S', '5', '_',                 /* no NameOp before it */
    };
    struct acpi_info ai;

    assert_int_equal(parse_s5(&ai, aml, sizeof(aml)), 0);
    assert_false(ai.s5_valid);
    assert_int_equal(stub_log_warnings, 0);

    /* A DSDT with a bad checksum is skipped and counted. */
    mk_dsdt(DSDT_PA, s5_bytes55, sizeof(s5_bytes55));
    phys(DSDT_PA + 40)[0]++;
    assert_int_equal(parse(&ai, 36), 0);
    assert_int_equal(ai.bad_tables, 1);
    assert_false(ai.s5_valid);
    assert_int_equal(ai.dsdt_pa, DSDT_PA);
    assert_true(stub_log_contains("DSDT at 0x104000: bad checksum"));
}

/* ---- HPET, MCFG, IVRS ---------------------------------------------------- */

static void test_hpet_io_space(void **state)
{
    struct acpi_info ai;

    mk_acpi2_set();
    mk_hpet(HPET_PA, 1, 0xfed00000);
    assert_int_equal(parse(&ai, 36), 0);
    assert_false(ai.have_hpet);
    assert_int_equal(ai.hpet_base, 0);
    assert_int_equal(ai.bad_tables, 0);
    assert_true(stub_log_contains("HPET base not a memory address"));
}

static void test_mcfg_and_ivrs(void **state)
{
    struct acpi_info ai;
    uint64_t x[] = { MCFG_PA, IVRS_PA };
    uint8_t ivrs_body[100] = { 0 };

    mk_mcfg(MCFG_PA, MAX_MCFG + 1);
    mk_table(IVRS_PA, "IVRS", 2, ivrs_body, sizeof(ivrs_body));
    mk_xsdt(XSDT_PA, x, ARRAY_SIZE(x));
    mk_rsdp(RSDP_PA, 2, 0, XSDT_PA);
    assert_int_equal(parse(&ai, 36), 0);
    assert_int_equal(ai.nr_mcfg, MAX_MCFG);
    assert_int_equal(ai.mcfg[3].base, 0xe0000000);
    assert_int_equal(ai.mcfg[3].segment, 3);
    assert_int_equal(ai.mcfg[3].bus_start, 0);
    assert_int_equal(ai.mcfg[3].bus_end, 0xfc);
    assert_true(stub_log_contains("1 MCFG entries beyond the limit of 4"));
    assert_int_equal(ai.ivrs_pa, IVRS_PA);
    assert_int_equal(ai.ivrs_len, 136);
    assert_int_equal(ai.dmar_pa, 0);
    assert_false(ai.have_madt);
}

/* ---- Reads stay inside each table ----------------------------------------- */

#define GUARD_PA    0x200000            /* an unreadable page from here */

/* Place a table image so that it ends where the guard page begins. */
static paddr_t at_guard(size_t len)
{
    return GUARD_PA - len;
}

static void test_reads_stay_in_tables(void **state)
{
    static const size_t fadt_lens[] = { 36, 60, 116, 129, 147, 244, 276 };
    static const uint8_t s5_at_end[] = { 0x08, '_', 'S', '5', '_' };
    struct acpi_info ai;
    uint8_t f[FADT_V6_LEN];
    struct buf b;

    assert_int_equal(mprotect(phys(GUARD_PA), 4096, PROT_NONE), 0);
    fadt_image(f, 0);
    for (size_t i = 0; i < ARRAY_SIZE(fadt_lens); i++) {
        uint64_t x[] = { at_guard(fadt_lens[i]) };

        mk_table(x[0], "FACP", 6, f + 36, fadt_lens[i] - 36);
        mk_xsdt(XSDT_PA, x, 1);
        mk_rsdp(RSDP_PA, 2, 0, XSDT_PA);
        assert_int_equal(parse(&ai, 36), 0);
        assert_true(ai.have_fadt);
        assert_int_equal(ai.reset_supported, fadt_lens[i] >= 129);
    }

    /* "_S5_" as the DSDT's last bytes. */
    mk_dsdt(at_guard(36 + sizeof(s5_at_end)), s5_at_end, sizeof(s5_at_end));
    fadt_image(f, at_guard(36 + sizeof(s5_at_end)));
    stub_log_reset();
    assert_int_equal(parse_fadt(&ai, 1, f, 116), 0);
    assert_int_equal(ai.dsdt_pa, at_guard(36 + sizeof(s5_at_end)));
    assert_int_equal(ai.bad_tables, 0);
    assert_true(stub_log_contains("malformed \\_S5 package"));

    madt_start(&b, 0xfee00000, 0);
    madt_lapic(&b, 0, 0, 1);
    put(&b, 0, 1);                      /* a lone trailing byte */
    stub_log_reset();
    assert_int_equal(parse_madt_at(&ai, &b, at_guard(36 + b.n)), 0);
    assert_int_equal(ai.nr_cpus, 1);
    assert_true(stub_log_contains("offset 52 malformed"));

    /* A root table ending at the guard, with a half entry. */
    uint8_t rsdt[36 + 6];
    uint32_t hpet = HPET_PA;

    mk_hpet(HPET_PA, 0, 0xfed00000);
    mk_table(at_guard(sizeof(rsdt)), "RSDT", 1, &hpet, 4);
    set_length(at_guard(sizeof(rsdt)), sizeof(rsdt), true);
    mk_rsdp(RSDP_PA, 0, at_guard(sizeof(rsdt)), 0);
    assert_int_equal(parse(&ai, 20), 0);
    assert_true(ai.have_hpet);
}

/* ---- acpi_find_rsdp_bios ------------------------------------------------- */

static void set_ebda_segment(uint16_t seg)
{
    memcpy(phys(0x40e), &seg, 2);
}

static void test_find_rsdp_ebda(void **state)
{
    set_ebda_segment(0x9fc0);
    mk_rsdp(0x9fc40, 2, 0, XSDT_PA);
    mk_rsdp(0xf0000, 2, 0, XSDT_PA);
    assert_int_equal(acpi_find_rsdp_bios(), 0x9fc40);

    /* Beyond the first KiB of the EBDA: not looked at there. */
    memset(phys(0x9fc40), 0, 36);
    mk_rsdp(0x9fc00 + 1024, 0, RSDT_PA, 0);
    assert_int_equal(acpi_find_rsdp_bios(), 0xf0000);
}

static void test_find_rsdp_bios_area(void **state)
{
    set_ebda_segment(0);
    mk_rsdp(0xe0010, 0, RSDT_PA, 0);
    phys(0xe0010)[8]++;                 /* bad checksum */
    mk_rsdp(0xe1000, 2, 0, XSDT_PA);
    phys(0xe1000)[32]++;                /* bad extended checksum */
    mk_rsdp(0xe2008, 0, RSDT_PA, 0);    /* not on a 16-byte boundary */
    mk_rsdp(0xf5a10, 0, RSDT_PA, 0);
    assert_int_equal(acpi_find_rsdp_bios(), 0xf5a10);

    /* A bad candidate in the EBDA does not stop the second scan. */
    set_ebda_segment(0x9fc0);
    mk_rsdp(0x9fc00, 0, RSDT_PA, 0);
    phys(0x9fc00)[8]++;
    assert_int_equal(acpi_find_rsdp_bios(), 0xf5a10);

    memset(phys(0xf5a10), 0, 20);
    assert_int_equal(acpi_find_rsdp_bios(), 0);
}

/* An RSDP in the last 16 bytes of the BIOS area (2.0: it runs past 1 MiB). */
static void test_find_rsdp_at_top(void **state)
{
    set_ebda_segment(0);
    mk_rsdp(0xfffe0, 2, 0, XSDT_PA);
    assert_int_equal(acpi_find_rsdp_bios(), 0xfffe0);
    memset(phys(0xfffe0), 0, 36);
    mk_rsdp(0xffff0, 0, RSDT_PA, 0);
    assert_int_equal(acpi_find_rsdp_bios(), 0);     /* 20 bytes don't fit */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_checksum, setup),
        cmocka_unit_test_setup(test_acpi2_full_set, setup),
        cmocka_unit_test_setup(test_xsdt_preferred, setup),
        cmocka_unit_test_setup(test_acpi1_rsdt, setup),
        cmocka_unit_test_setup(test_rsdp_invalid, setup),
        cmocka_unit_test_setup(test_rsdp_v1_part_only, setup),
        cmocka_unit_test_setup(test_bad_root_tables, setup),
        cmocka_unit_test_setup(test_bad_checksum_skipped, setup),
        cmocka_unit_test_setup(test_bad_lengths, setup),
        cmocka_unit_test_setup(test_unmappable_tables, setup),
        cmocka_unit_test_setup(test_duplicate_tables, setup),
        cmocka_unit_test_setup(test_madt_zero_length_entry, setup),
        cmocka_unit_test_setup(test_madt_entry_past_end, setup),
        cmocka_unit_test_setup(test_madt_entry_too_short_for_type, setup),
        cmocka_unit_test_setup(test_madt_x2apic, setup),
        cmocka_unit_test_setup(test_madt_cpu_flags, setup),
        cmocka_unit_test_setup(test_madt_limits, setup),
        cmocka_unit_test_setup(test_madt_lapic_override, setup),
        cmocka_unit_test_setup(test_fadt_rev1, setup),
        cmocka_unit_test_setup(test_fadt_rev6, setup),
        cmocka_unit_test_setup(test_fadt_reset_rules, setup),
        cmocka_unit_test_setup(test_fadt_short, setup),
        cmocka_unit_test_setup(test_s5_zero_one, setup),
        cmocka_unit_test_setup(test_s5_word_dword_root, setup),
        cmocka_unit_test_setup(test_s5_long_pkglength, setup),
        cmocka_unit_test_setup(test_s5_malformed, setup),
        cmocka_unit_test_setup(test_s5_absent, setup),
        cmocka_unit_test_setup(test_hpet_io_space, setup),
        cmocka_unit_test_setup(test_mcfg_and_ivrs, setup),
        cmocka_unit_test_setup(test_reads_stay_in_tables, setup),
        cmocka_unit_test_setup(test_find_rsdp_ebda, setup),
        cmocka_unit_test_setup(test_find_rsdp_bios_area, setup),
        cmocka_unit_test_setup(test_find_rsdp_at_top, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
