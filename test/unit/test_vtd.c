// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/iommu/vtd_pt.c and vtd_ir.c: what they write in
 * memory, entry by entry, against the VT-d spec's formats (9.1 root, 9.3
 * context, 9.8 second-level entries, 9.10 interrupt remapping entries,
 * 5.1.5 remappable MSI and I/O APIC messages), with vtd.c's register and
 * invalidation functions replaced by fakes that count calls.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <petrel/errno.h>
#include <petrel/iommu.h>
#include <petrel/mm.h>
#include <petrel/pci.h>
#include "../../drivers/iommu/vtd.h"
#include "frame_fixture.h"
#include "stubs.h"

/* ---- vtd.c, faked ---------------------------------------------------------------- */

struct vtd_unit vtd_units[VTD_MAX_UNITS];
unsigned int vtd_nr_units;
unsigned int vtd_levels;
uint64_t vtd_dfn_limit;
unsigned int vtd_max_did;
bool vtd_coherent = true;
bool vtd_caching_mode;
bool iommu_opt_intremap = true;

static struct dmar_unit drhd = { .base = 0xfed90000 };
static uint64_t regs[0x100 / 8];
static uint32_t gsts;
static unsigned int ctx_flushes, iotlb_flushes, iec_flushes;
static uint16_t iotlb_did;
static int ioapic_sid = -1;
static bool no_unit;            /* vtd_unit_of() finds none */

uint32_t vtd_read32(const struct vtd_unit *u, unsigned int reg)
{
    return reg == VTD_GSTS ? gsts : (uint32_t)regs[reg / 8];
}

void vtd_write32(const struct vtd_unit *u, unsigned int reg, uint32_t v)
{
    regs[reg / 8] = v;
}

uint64_t vtd_read64(const struct vtd_unit *u, unsigned int reg)
{
    return regs[reg / 8];
}

void vtd_write64(const struct vtd_unit *u, unsigned int reg, uint64_t v)
{
    regs[reg / 8] = v;
}

void vtd_sync(const void *p, size_t len)
{
}

bool vtd_gcmd(struct vtd_unit *u, uint32_t bit, bool on)
{
    if (bit == GCMD_SIRTP || bit == GCMD_SRTP)
        return true;            /* one-shot */
    gsts = on ? gsts | bit : gsts & ~bit;
    return true;
}

void vtd_flush_context_all(struct vtd_unit *u)
{
    ctx_flushes++;
}

void vtd_flush_iotlb(struct vtd_unit *u, uint16_t did)
{
    iotlb_flushes++;
    iotlb_did = did;
}

void vtd_flush_iec(struct vtd_unit *u)
{
    iec_flushes++;
}

struct vtd_unit *vtd_unit_of(const struct pci_dev *dev)
{
    return no_unit ? NULL : &vtd_units[0];
}

int vtd_ioapic_sid(unsigned int id)
{
    return ioapic_sid;
}

static int alias = -1;          /* vtd_requester()'s answer, -1: the bdf */
static bool alias_used;

uint16_t vtd_requester(const struct pci_dev *dev)
{
    return alias < 0 ? dev->bdf : (uint16_t)alias;
}

bool vtd_alias_in_use(const struct pci_dev *dev, uint16_t rid)
{
    return alias_used;
}

/* ---- fixtures --------------------------------------------------------------------- */

static int group_setup(void **state)
{
    int rc = frame_fixture_init(64);
    struct vtd_unit *u = &vtd_units[0];

    if (rc)
        return rc;
    u->drhd = &drhd;
    u->ecap = ECAP_QI | ECAP_IR;
    u->qi = true;
    u->root = vtd_table_alloc();
    vtd_nr_units = 1;
    vtd_max_did = 256;
    return u->root ? 0 : -1;
}

static void use_levels(unsigned int levels)
{
    vtd_levels = levels;
    vtd_dfn_limit = 1ull << (9 * levels);
}

static uint64_t *tab(uint64_t e)
{
    return phys_to_virt(e & 0x000ffffffffff000ull);
}

/* The leaf for dfn, walked by hand the way the unit walks it. */
static uint64_t leaf(struct iommu_space *s, paddr_t root, uint64_t dfn)
{
    uint64_t *t = phys_to_virt(root);

    for (unsigned int l = vtd_levels - 1; l; l--) {
        uint64_t e = t[(dfn >> (9 * l)) & 511];

        assert_int_equal(e & 0xfff, 3);         /* table entries: R and W only */
        t = tab(e);
    }
    return t[dfn & 511];
}

/* ---- second-level tables ------------------------------------------------------------ */

static paddr_t space_root(struct iommu_space *s, uint16_t bdf)
{
    const struct pci_dev dev = { .bdf = bdf };
    uint64_t *root = phys_to_virt(vtd_units[0].root), *ctx;

    assert_int_equal(vtd_attach(s, &dev), 0);
    ctx = tab(root[2 * PCI_BUS(bdf)]) + 2 * (bdf & 0xff);
    return ctx[0] & ~0xfffull;
}

static void check_tables(unsigned int levels)
{
    uint64_t free;
    struct iommu_space *s;
    paddr_t root;

    /* The context table of bus 0 is made at boot and stays. */
    assert_int_equal(vtd_prepare(&(struct pci_dev){ .bdf = PCI_BDF(0, 3, 0) }), 0);
    free = frame_free_count();
    use_levels(levels);
    s = vtd_space_create(5);
    assert_non_null(s);
    root = space_root(s, PCI_BDF(0, 3, 0));
    assert_int_equal(vtd_map(s, 0x12345, 0xabcde, IOMMU_READ | IOMMU_WRITE), 0);
    assert_int_equal(leaf(s, root, 0x12345), 0xabcde000ull | 3);
    assert_int_equal(vtd_map(s, 0x12345, 0x777, IOMMU_READ), 1);   /* replaced */
    assert_int_equal(leaf(s, root, 0x12345), 0x777000ull | 1);
    assert_int_equal(vtd_map(s, 0x12346, 0x778, IOMMU_WRITE), 0);
    assert_int_equal(leaf(s, root, 0x12346), 0x778000ull | 2);
    assert_true(vtd_unmap(s, 0x12345));
    assert_int_equal(leaf(s, root, 0x12345), 0);
    assert_false(vtd_unmap(s, 0x12345));
    assert_false(vtd_unmap(s, 0x7654321 & (vtd_dfn_limit - 1)));    /* no table there */
    assert_int_equal(vtd_map(s, vtd_dfn_limit, 1, IOMMU_READ), -ERANGE);
    assert_false(vtd_unmap(s, vtd_dfn_limit));
    assert_int_equal(vtd_map(s, vtd_dfn_limit - 1, 2, IOMMU_READ), 0);
    assert_int_equal(leaf(s, root, vtd_dfn_limit - 1), 0x2000 | 1);
    vtd_flush(s);
    assert_int_equal(iotlb_did, 6);                                 /* domid + 1 */
    vtd_detach(s, &(struct pci_dev){ .bdf = PCI_BDF(0, 3, 0) });
    stub_log_reset();
    vtd_space_destroy(s);
    assert_int_equal(frame_free_count(), free);                     /* every table back */
    assert_true(stub_log_contains(levels == 3 ? "VT-d: domain id 6: 5 table pages freed"
                                              : "VT-d: domain id 6: 7 table pages freed"));
}

static void test_tables_3_levels(void **state)
{
    check_tables(3);
}

static void test_tables_4_levels(void **state)
{
    check_tables(4);
}

static void test_domain_ids(void **state)
{
    struct iommu_space *s;

    use_levels(3);
    assert_null(vtd_space_create(255));        /* id 256 does not exist */
    s = vtd_space_create(254);
    assert_non_null(s);
    vtd_space_destroy(s);
}

/* ---- root and context entries ----------------------------------------------------- */

static void test_context(void **state)
{
    const struct pci_dev dev = { .bdf = PCI_BDF(2, 5, 1) };
    uint64_t *root = phys_to_virt(vtd_units[0].root), *ctx, free;
    struct iommu_space *s;
    unsigned int flushes;

    use_levels(3);
    assert_int_equal(root[2 * 2], 0);
    assert_int_equal(vtd_prepare(&dev), 0);         /* bus 2's context table now */
    assert_int_equal(root[2 * 2] & 0xfff, 1);       /* present, nothing else */
    assert_int_equal(root[2 * 2 + 1], 0);
    ctx = tab(root[2 * 2]) + 2 * 0x29;
    s = vtd_space_create(7);
    free = frame_free_count();
    flushes = ctx_flushes;
    assert_int_equal(vtd_attach(s, &dev), 0);
    assert_int_equal(frame_free_count(), free);     /* nothing allocated */
    assert_true(ctx_flushes > flushes);
    assert_int_equal(ctx[0] & 0xfff, 1);            /* P, TT 0 */
    assert_int_equal(ctx[1], (3 - 2) | 8ull << 8);  /* AW 1 (39-bit), DID 8 */
    vtd_detach(s, &dev);
    assert_int_equal(ctx[0], 0);
    assert_int_equal(ctx[1], 0);
    no_unit = true;
    assert_int_equal(vtd_attach(s, &dev), -ENODEV);
    assert_int_equal(vtd_prepare(&dev), -ENODEV);
    no_unit = false;
    vtd_space_destroy(s);
}

/* A device behind a bridge that aliases it: both context entries, and the
 * alias kept on detach while another device uses it. */
static void test_alias(void **state)
{
    const struct pci_dev dev = { .bdf = PCI_BDF(3, 1, 0) };
    uint64_t *root = phys_to_virt(vtd_units[0].root), *own, *al;
    struct iommu_space *s;

    use_levels(3);
    alias = PCI_BDF(3, 0, 0);
    assert_int_equal(vtd_prepare(&dev), 0);
    s = vtd_space_create(1);
    assert_int_equal(vtd_attach(s, &dev), 0);
    own = tab(root[2 * 3]) + 2 * 0x08;
    al = tab(root[2 * 3]) + 2 * 0x00;
    assert_int_equal(own[0] & 1, 1);
    assert_int_equal(al[0], own[0]);
    assert_int_equal(al[1], own[1]);
    alias_used = true;
    vtd_detach(s, &dev);
    assert_int_equal(own[0], 0);
    assert_int_equal(al[0] & 1, 1);             /* another device DMAs as it */
    alias_used = false;
    vtd_detach(s, &dev);
    assert_int_equal(al[0], 0);
    alias = -1;
    vtd_space_destroy(s);
}

/* ---- interrupt remapping ------------------------------------------------------------ */

static uint64_t *irte(unsigned int h)
{
    return (uint64_t *)phys_to_virt(regs[VTD_IRTA / 8] & ~0xfffull) + 2 * h;
}

static unsigned int handle_of(uint32_t addr)
{
    return (addr >> 5 & 0x7fff) | (addr >> 2 & 1) << 15;
}

static void test_ir(void **state)
{
    const struct pci_dev a = { .bdf = PCI_BDF(0, 3, 0) }, b = { .bdf = PCI_BDF(1, 0, 0) };
    uint32_t lo, hi, data, lo2;
    unsigned int h, iec;

    gsts = GCMD_CFI;                                /* firmware left it on */
    vtd_ir_init(DMAR_INTR_REMAP);
    assert_true(vtd_ir_enabled());
    assert_int_equal(regs[VTD_IRTA / 8] & 0xfff, 7);        /* 256 entries, xAPIC */
    assert_true(gsts & GCMD_IRE);
    assert_false(gsts & GCMD_CFI);                  /* compatibility format blocked */

    iec = iec_flushes;
    assert_int_equal(vtd_irq_setup(&a, 2, 0x41, 3, &lo, &hi, &data), 0);
    assert_true(iec_flushes > iec);
    assert_int_equal(lo & 0xfff0001bu, 0xfee00010u);        /* 0xFEE, format bit 4, SHV 0 */
    assert_int_equal(hi, 0);
    assert_int_equal(data, 0);
    h = handle_of(lo);
    assert_int_equal(irte(h)[0], 1 | 0x41ull << 16 | 3ull << 40);   /* P, vector, DST */
    assert_int_equal(irte(h)[1], 1ull << 18 | PCI_BDF(0, 3, 0));    /* SVT 1, SID */
    /* the same message again: the same entry, rewritten */
    assert_int_equal(vtd_irq_setup(&a, 2, 0x42, 3, &lo2, &hi, &data), 0);
    assert_int_equal(lo2, lo);
    assert_int_equal(irte(h)[0], 1 | 0x42ull << 16 | 3ull << 40);
    /* another entry of another device */
    assert_int_equal(vtd_irq_setup(&b, 0, 0x43, 0, &lo2, &hi, &data), 0);
    assert_true(handle_of(lo2) != h);
    assert_int_equal(irte(handle_of(lo2))[1], 1ull << 18 | PCI_BDF(1, 0, 0));
    /* freed: not present */
    vtd_irq_free(&a, 2);
    assert_int_equal(irte(h)[0], 0);
    assert_int_equal(irte(h)[1], 0);
    vtd_irq_free(&a, 2);                            /* twice: nothing */
    vtd_irq_free(&b, 0);
}

static void test_ir_ioapic(void **state)
{
    uint32_t lo = 0x30 | 1u << 15, hi = 0xff000000u;
    unsigned int h;

    ioapic_sid = PCI_BDF(0xff, 0x1f, 0);
    assert_int_equal(vtd_ioapic_setup(0, 4, 0x30, 1, true, &lo, &hi), 0);
    assert_int_equal(hi & 0x1ffff, 1u << 16);       /* format bit 48; bits 47:32 clear */
    assert_int_equal(lo & 0xff, 0x30);              /* the vector stays (EOI) */
    assert_true(lo & 1u << 15);                     /* and the trigger mode */
    h = (hi >> 17) | ((lo >> 11) & 1) << 15;
    assert_int_equal(irte(h)[0], 1 | 1ull << 4 | 0x30ull << 16 | 1ull << 40); /* TM level */
    assert_int_equal(irte(h)[1], 1ull << 18 | PCI_BDF(0xff, 0x1f, 0));
    /* without a DMAR scope: no source check, and said */
    stub_log_reset();
    ioapic_sid = -1;
    lo = 0x31;
    assert_int_equal(vtd_ioapic_setup(0, 5, 0x31, 1, false, &lo, &hi), 0);
    h = (hi >> 17) | ((lo >> 11) & 1) << 15;
    assert_int_equal(irte(h)[1], 0);
    assert_true(stub_log_contains("no DMAR scope for I/O APIC 0"));
}

static void test_ir_full(void **state)
{
    uint32_t lo, hi, data;
    unsigned int used = 0;

    for (unsigned int i = 0; i < 300; i++) {
        const struct pci_dev d = { .bdf = (uint16_t)i };

        if (vtd_irq_setup(&d, 0, 0x50, 0, &lo, &hi, &data) == -ENOSPC)
            break;
        used++;
    }
    assert_int_equal(used, 256 - 2);                /* two I/O APIC pins hold theirs */
    for (unsigned int i = 0; i < used; i++)
        vtd_irq_free(&(struct pci_dev){ .bdf = (uint16_t)i }, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_3_levels),
        cmocka_unit_test(test_tables_4_levels),
        cmocka_unit_test(test_domain_ids),
        cmocka_unit_test(test_context),
        cmocka_unit_test(test_alias),
        cmocka_unit_test(test_ir),
        cmocka_unit_test(test_ir_ioapic),
        cmocka_unit_test(test_ir_full),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
