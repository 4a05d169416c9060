// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/iommu/iommu.c: the policy, over a fake vendor
 * (this file's vtd_ops, which records every call) and a real p2m on the
 * real frame allocator. The layer's state is set once (an IOMMU found or
 * not), so the tests run in order: iommu=off and "none" first, the panics
 * of iommu=force in child processes, then everything with one on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <petrel/acpi.h>
#include <petrel/cmdline.h>
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/iommu.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <petrel/pci.h>
#include "frame_fixture.h"
#include "stubs.h"

/* ---- the fake vendor ---------------------------------------------------------- */

#define FAKE_DFNS   0x1000      /* dfns the fake tables reach */

struct iommu_space {
    uint16_t domid;
};

static struct {
    int detect_rc, init_rc;
    uint64_t fail_dfn;          /* map() of it gives -ENOMEM (0: none) */
    struct { bool present; uint64_t mfn; unsigned int perms; } e[FAKE_DFNS];
    unsigned int flushes, attached, detached, spaces, maps;
    uint64_t rmrr_first, rmrr_last;     /* reserved region of every device */
    bool rmrr;
} fake;

static int fake_detect(const struct acpi_info *ai)
{
    return fake.detect_rc;
}

static int fake_init(void)
{
    return fake.init_rc;
}

static struct iommu_space *fake_create(uint16_t domid)
{
    struct iommu_space *s = calloc(1, sizeof(*s));

    s->domid = domid;
    fake.spaces++;
    return s;
}

static void fake_destroy(struct iommu_space *s)
{
    fake.spaces--;
    free(s);
}

static int fake_map(struct iommu_space *s, uint64_t dfn, uint64_t mfn, unsigned int perms)
{
    bool was;

    if (dfn >= FAKE_DFNS)
        return -ERANGE;
    if (dfn == fake.fail_dfn)
        return -ENOMEM;
    assert_true(perms);
    was = fake.e[dfn].present;
    fake.e[dfn].present = true;
    fake.e[dfn].mfn = mfn;
    fake.e[dfn].perms = perms;
    fake.maps++;
    return was ? 1 : 0;
}

static bool fake_unmap(struct iommu_space *s, uint64_t dfn)
{
    bool was = dfn < FAKE_DFNS && fake.e[dfn].present;

    if (dfn < FAKE_DFNS)
        fake.e[dfn].present = false;
    return was;
}

static void fake_flush(struct iommu_space *s)
{
    fake.flushes++;
}

static bool fake_caches_misses(void)
{
    return false;
}

static int fake_attach(struct iommu_space *s, const struct pci_dev *dev)
{
    if (dev->bdf == PCI_BDF(0, 31, 0))
        return -ENODEV;         /* no unit covers it */
    fake.attached++;
    return 0;
}

static void fake_detach(struct iommu_space *s, const struct pci_dev *dev)
{
    fake.detached++;
}

static void fake_reserved(const struct pci_dev *dev,
                          void (*fn)(void *ctx, uint64_t first, uint64_t last), void *ctx)
{
    if (fake.rmrr)
        fn(ctx, fake.rmrr_first, fake.rmrr_last);
}

/* Behind a PCIe-to-PCI bridge (bus 2), functions DMA as 02:00.0. */
static uint16_t fake_requester(const struct pci_dev *dev)
{
    return PCI_BUS(dev->bdf) == 2 ? PCI_BDF(2, 0, 0) : dev->bdf;
}

const struct iommu_ops vtd_ops = {
    .name = "fake",
    .requester = fake_requester,
    .detect = fake_detect,
    .init = fake_init,
    .space_create = fake_create,
    .space_destroy = fake_destroy,
    .map = fake_map,
    .unmap = fake_unmap,
    .flush = fake_flush,
    .caches_misses = fake_caches_misses,
    .attach = fake_attach,
    .detach = fake_detach,
    .reserved = fake_reserved,
};

/* The second vendor in iommu.c's list: never described here. */
static int absent_detect(const struct acpi_info *ai)
{
    return -ENODEV;
}

const struct iommu_ops amd_iommu_ops = {
    .name = "absent",
    .detect = absent_detect,
};

/* ---- what iommu.c needs of the rest of Petrel ---------------------------------- */

static uint64_t now_ns;

uint64_t system_time_ns(void)
{
    return now_ns;
}

static uint64_t grant_frame_gfn = ~0ull;

/* common/cmdline.c's number parsers need it; iommu= takes no number. */
int parse_u64(const char *s, size_t len, bool suffixes, uint64_t *out)
{
    return -EINVAL;
}

bool gnttab_is_frame_gfn(struct domain *d, uint64_t gfn)
{
    return gfn == grant_frame_gfn;
}

/* drivers/pci.c's list: iommu_shares_requester() walks it. */
static struct pci_dev pci_list[] = {
    { .bdf = PCI_BDF(0, 3, 0) }, { .bdf = PCI_BDF(1, 0, 0) },
    { .bdf = PCI_BDF(2, 0, 0) }, { .bdf = PCI_BDF(2, 1, 0) }, { .bdf = PCI_BDF(3, 1, 0) },
};

unsigned int pci_nr_devs(void)
{
    return sizeof(pci_list) / sizeof(pci_list[0]);
}

struct pci_dev *pci_dev_at(unsigned int i)
{
    return i < pci_nr_devs() ? &pci_list[i] : NULL;
}

/* ---- fixtures ------------------------------------------------------------------- */

static struct acpi_info ai;
static struct domain *d;
static struct pci_dev dev_a = { .bdf = PCI_BDF(0, 3, 0) }, dev_b = { .bdf = PCI_BDF(0, 4, 0) };
static struct p2m_batch b = P2M_BATCH_INIT;

static int group_setup(void **state)
{
    return frame_fixture_init(256);
}

static void new_domain(void)
{
    d = calloc(1, sizeof(*d));
    d->id = 0;
    d->shared_info_gfn = ~0ull;
    d->p2m = p2m_create(P2M_FORMAT_NPT, 48, P2M_CAP_2M);
    assert_non_null(d->p2m);
}

static void end_domain(void)
{
    p2m_batch_done(&b);
    p2m_destroy(d->p2m);
    free(d);
    d = NULL;
}

static void ram(uint64_t gfn, unsigned int order, enum p2m_type t, unsigned int flags)
{
    assert_int_equal(p2m_set(d->p2m, gfn, 0x10000 + gfn, order, t, flags, &b), 0);
}

static void expect_mapped(uint64_t dfn, uint64_t mfn, unsigned int perms)
{
    assert_true(fake.e[dfn].present);
    assert_int_equal(fake.e[dfn].mfn, mfn);
    assert_int_equal(fake.e[dfn].perms, perms);
}

/* ---- no IOMMU ------------------------------------------------------------------- */

static void test_off(void **state)
{
    stub_log_reset();
    cmdline_parse("iommu=off");
    fake.detect_rc = 0;         /* one is there, but not to be used */
    iommu_init(&ai);
    assert_false(iommu_enabled());
    assert_false(iommu_irq_remapping());
    assert_true(stub_log_contains("IOMMU: off (iommu=off): device DMA is not confined"));
    new_domain();
    assert_int_equal(iommu_assign_device(d, &dev_a), 0);
    assert_false(iommu_translates(d));
    assert_int_equal(fake.spaces, 0);
    end_domain();
}

static void test_none(void **state)
{
    stub_log_reset();
    cmdline_parse("iommu=on");
    fake.detect_rc = -ENODEV;
    iommu_init(&ai);
    assert_false(iommu_enabled());
    assert_true(stub_log_contains("IOMMU: none: the firmware describes none (no ACPI DMAR "
                                  "or IVRS table); device DMA is not confined"));
}

static void force_init(void)
{
    cmdline_parse("iommu=force");
    iommu_init(&ai);
}

static void test_force(void **state)
{
    fake.detect_rc = -ENODEV;
    expect_panic(force_init);
    fake.detect_rc = -EINVAL;   /* described, but unusable */
    expect_panic(force_init);
    fake.detect_rc = 0;
    fake.init_rc = -EIO;
    expect_panic(force_init);
    /* a bad value is refused and said; the mode stays (off: no IOMMU used) */
    cmdline_parse("iommu=off");
    stub_log_reset();
    cmdline_parse("iommu=maybe");
    assert_true(stub_log_contains("cmdline: bad value 'maybe' for option 'iommu' ignored"));
    fake.detect_rc = 0;
    fake.init_rc = 0;
    stub_log_reset();
    iommu_init(&ai);
    assert_false(iommu_enabled());
    assert_true(stub_log_contains("IOMMU: off (iommu=off)"));
}

/* ---- with one ------------------------------------------------------------------- */

static void test_on(void **state)
{
    stub_log_reset();
    cmdline_parse("iommu=force");
    fake.detect_rc = 0;
    fake.init_rc = 0;
    iommu_init(&ai);
    assert_true(iommu_enabled());
    assert_false(iommu_irq_remapping());        /* the fake has no hooks */
    assert_true(stub_log_contains("IOMMU: fake: DMA remapping on, interrupt remapping off"));
}

/* What the domain's p2m held before its first device is mirrored; then
 * every change follows. */
static void test_mirror(void **state)
{
    unsigned int flushes;

    new_domain();
    ram(0x10, 0, P2M_RAM_RW, 0);
    ram(0x11, 0, P2M_RAM_RO, 0);
    ram(0x20, 0, P2M_RAM_RW, 0);
    d->shared_info_gfn = 0x20;                  /* a hypervisor frame */
    ram(0x21, 0, P2M_RAM_RW, 0);
    grant_frame_gfn = 0x21;
    ram(0x22, 0, P2M_MMIO, 0);
    ram(0x23, 0, P2M_RESERVED, 0);
    assert_int_equal(iommu_assign_device(d, &dev_a), 0);
    assert_true(iommu_translates(d));
    assert_int_equal(fake.spaces, 1);
    assert_int_equal(fake.attached, 1);
    assert_true(dev_a.iommu_attached);
    expect_mapped(0x10, 0x10010, IOMMU_READ | IOMMU_WRITE);
    expect_mapped(0x11, 0x10011, IOMMU_READ);
    for (uint64_t g = 0x20; g <= 0x23; g++)
        assert_false(fake.e[g].present);
    assert_int_equal(fake.maps, 2);

    /* changes after: RAM, read-only, a 2 MiB page, MMIO, NODMA */
    ram(0x30, 0, P2M_RAM_RO, 0);
    expect_mapped(0x30, 0x10030, IOMMU_READ);
    ram(0x200, 9, P2M_RAM_RW, 0);
    for (uint64_t g = 0x200; g < 0x400; g++)
        expect_mapped(g, 0x10000 + g, IOMMU_READ | IOMMU_WRITE);
    ram(0x40, 0, P2M_MMIO, 0);
    assert_false(fake.e[0x40].present);
    ram(0x50, 0, P2M_RAM_RW, P2M_NODMA);
    assert_false(fake.e[0x50].present);

    /* a new page where there was none needs no flush; removing one does,
     * before p2m_remove() returns (the batch frees the frame after) */
    flushes = fake.flushes;
    ram(0x31, 0, P2M_RAM_RW, 0);
    assert_int_equal(fake.flushes, flushes);
    assert_int_equal(p2m_remove(d->p2m, 0x10, 0, &b), 0);
    assert_false(fake.e[0x10].present);
    assert_int_equal(fake.flushes, flushes + 1);
    /* replacing RAM with a hypervisor frame, or with MMIO: gone, flushed */
    ram(0x11, 0, P2M_RAM_RW, P2M_NODMA);
    assert_false(fake.e[0x11].present);
    assert_int_equal(fake.flushes, flushes + 2);
    ram(0x30, 0, P2M_MMIO, 0);
    assert_false(fake.e[0x30].present);
    assert_int_equal(fake.flushes, flushes + 3);
    /* replacing RAM with other RAM: the old translation is flushed */
    ram(0x31, 0, P2M_RAM_RW, 0);
    assert_int_equal(fake.flushes, flushes + 4);
    /* removing what was never mapped for devices: nothing to flush */
    assert_int_equal(p2m_remove(d->p2m, 0x40, 0, &b), 0);
    assert_int_equal(fake.flushes, flushes + 4);
    /* a 4 KiB piece of the 2 MiB page */
    assert_int_equal(p2m_remove(d->p2m, 0x2ff, 0, &b), 0);
    assert_false(fake.e[0x2ff].present);
    expect_mapped(0x2fe, 0x102fe, IOMMU_READ | IOMMU_WRITE);
    expect_mapped(0x300, 0x10300, IOMMU_READ | IOMMU_WRITE);
}

/* A page the vendor cannot map is left unreachable, and said once. */
static void test_map_failure(void **state)
{
    stub_log_reset();
    fake.fail_dfn = 0x60;
    ram(0x61, 0, P2M_RAM_RW, 0);        /* fine */
    fake.e[0x60].present = true;        /* as if an older mapping were there */
    ram(0x60, 0, P2M_RAM_RW, 0);
    assert_false(fake.e[0x60].present);
    assert_true(stub_log_contains("IOMMU: domain 0: cannot map gfn 0x60 for its devices"));
    stub_log_reset();
    ram(0x60, 0, P2M_RAM_RO, 0);
    assert_false(stub_log_contains("cannot map"));
    fake.fail_dfn = 0;
    expect_mapped(0x61, 0x10061, IOMMU_READ | IOMMU_WRITE);
}

/* A second device: its reserved region is mapped 1:1 and the p2m's
 * changes there leave it alone; a device no unit covers is said. */
static void test_rmrr_and_uncovered(void **state)
{
    struct pci_dev nobody = { .bdf = PCI_BDF(0, 31, 0) };

    fake.rmrr = true;
    fake.rmrr_first = 0x70;
    fake.rmrr_last = 0x71;
    stub_log_reset();
    assert_int_equal(iommu_assign_device(d, &dev_b), 0);
    fake.rmrr = false;
    assert_int_equal(fake.spaces, 1);           /* the same space */
    expect_mapped(0x70, 0x70, IOMMU_READ | IOMMU_WRITE);
    expect_mapped(0x71, 0x71, IOMMU_READ | IOMMU_WRITE);
    assert_true(stub_log_contains("reserved region [0x70000, 0x71fff] mapped 1:1"));
    ram(0x70, 0, P2M_RAM_RW, 0);
    expect_mapped(0x70, 0x70, IOMMU_READ | IOMMU_WRITE);
    assert_int_equal(p2m_remove(d->p2m, 0x70, 0, &b), 0);
    expect_mapped(0x70, 0x70, IOMMU_READ | IOMMU_WRITE);

    stub_log_reset();
    assert_int_equal(iommu_assign_device(d, &nobody), -ENODEV);
    assert_false(nobody.iommu_attached);
    assert_true(stub_log_contains("IOMMU: PCI 00:1f.0: no IOMMU unit covers it: its DMA is "
                                  "NOT translated"));
    iommu_release_device(d, &nobody);           /* never attached: nothing */
    assert_int_equal(fake.detached, 0);
}

/* Destruction: devices detached, then the space freed and the hook gone. */
static void test_destroy(void **state)
{
    unsigned int maps;

    iommu_release_device(d, &dev_a);
    iommu_release_device(d, &dev_a);            /* twice: once */
    iommu_release_device(d, &dev_b);
    assert_int_equal(fake.detached, 2);
    assert_false(dev_a.iommu_attached || dev_b.iommu_attached);
    iommu_domain_destroy(d);
    assert_int_equal(fake.spaces, 0);
    assert_false(iommu_translates(d));
    maps = fake.maps;
    ram(0x80, 0, P2M_RAM_RW, 0);                /* no longer mirrored */
    assert_int_equal(fake.maps, maps);
    iommu_domain_destroy(d);                    /* nothing left: a no-op */
    end_domain();
}

/* A function passed through: from dom0's space to a guest's (made on its
 * first device, filled from the RAM it has already) and back; the guest's
 * space goes with the guest. */
static void test_move(void **state)
{
    struct domain *dom0, *guest;
    unsigned int spaces = fake.spaces;

    new_domain();
    dom0 = d;
    assert_int_equal(iommu_assign_device(dom0, &dev_a), 0);
    assert_int_equal(fake.spaces, spaces + 1);
    new_domain();
    guest = d;
    guest->id = 3;
    ram(0x40, 0, P2M_RAM_RW, 0);
    iommu_release_device(dom0, &dev_a);
    assert_false(dev_a.iommu_attached);
    assert_int_equal(iommu_assign_device(guest, &dev_a), 0);
    assert_true(dev_a.iommu_attached && iommu_translates(guest));
    assert_int_equal(fake.spaces, spaces + 2);
    expect_mapped(0x40, 0x10040, IOMMU_READ | IOMMU_WRITE);
    /* Back: the guest's space is freed only at its end. */
    iommu_release_device(guest, &dev_a);
    assert_int_equal(iommu_assign_device(dom0, &dev_a), 0);
    iommu_domain_destroy(guest);
    assert_int_equal(fake.spaces, spaces + 1);
    end_domain();
    d = dom0;
    iommu_release_device(dom0, &dev_a);
    iommu_domain_destroy(dom0);
    assert_int_equal(fake.spaces, spaces);
    end_domain();
}

/* Functions behind one PCIe-to-PCI bridge DMA as one id: none moves alone. */
static void test_shared_requester(void **state)
{
    assert_false(iommu_shares_requester(&pci_list[0]));
    assert_false(iommu_shares_requester(&pci_list[1]));
    assert_true(iommu_shares_requester(&pci_list[2]));     /* the alias itself */
    assert_true(iommu_shares_requester(&pci_list[3]));
    assert_false(iommu_shares_requester(&pci_list[4]));
}

/* iommu_fault_may_log(): IOMMU_FAULT_BURST lines a second, then the count
 * of those dropped when the next second starts. */
static void test_fault_ratelimit(void **state)
{
    unsigned int yes = 0;

    now_ns = 5000000000ull;
    stub_log_reset();
    for (unsigned int i = 0; i < IOMMU_FAULT_BURST + 7; i++)
        yes += iommu_fault_may_log();
    assert_int_equal(yes, IOMMU_FAULT_BURST);
    assert_false(stub_log_contains("dropped"));
    now_ns += 999999999ull - 5000000000ull % 1000000000ull;     /* same second */
    assert_false(iommu_fault_may_log());
    now_ns += 1;                                                /* the next one */
    assert_true(iommu_fault_may_log());
    assert_true(stub_log_contains("IOMMU: 8 fault lines dropped (at most 10 a second)"));
    stub_log_reset();
    assert_true(iommu_fault_may_log());
    assert_false(stub_log_contains("dropped"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_off),
        cmocka_unit_test(test_none),
        cmocka_unit_test(test_force),
        cmocka_unit_test(test_on),
        cmocka_unit_test(test_mirror),
        cmocka_unit_test(test_map_failure),
        cmocka_unit_test(test_rmrr_and_uncovered),
        cmocka_unit_test(test_destroy),
        cmocka_unit_test(test_move),
        cmocka_unit_test(test_shared_requester),
        cmocka_unit_test(test_fault_ratelimit),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
