// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/pci_assign.c: the rules for marking a PCI
 * function assignable and taking the mark away, for giving it to a guest
 * and taking it back, which BAR pages a domain gets and whether they would
 * land on something, and the reset between owners over a fake config
 * space (with and without FLR); and the layout of the ABI that carries
 * them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <petrel/errno.h>
#include <petrel/pci.h>
#include <public/petrel_ctl.h>

static void nonexistent(void **state)
{
    assert_int_equal(pci_assignable_check(NULL, true, true, false), -ENODEV);
    assert_int_equal(pci_assignable_check(NULL, false, true, false), -ENODEV);
}

static void hv_owned_never(void **state)
{
    struct pci_dev d = { .hv_owned = true };

    assert_int_equal(pci_assignable_check(&d, true, true, false), -EPERM);
    assert_int_equal(pci_assignable_check(&d, false, true, false), -EPERM);
}

static void add_needs_iommu(void **state)
{
    struct pci_dev d = { .bdf = PCI_BDF(0, 5, 0) };

    assert_int_equal(pci_assignable_check(&d, true, false, false), -EOPNOTSUPP);
    assert_int_equal(pci_assignable_check(&d, true, true, false), 0);
    /* Adding again is harmless. */
    d.assignable = true;
    assert_int_equal(pci_assignable_check(&d, true, true, false), 0);
}

static void remove_while_held(void **state)
{
    struct pci_dev d = { .assignable = true };

    assert_int_equal(pci_assignable_check(&d, false, true, true), -EBUSY);
    assert_int_equal(pci_assignable_check(&d, false, true, false), 0);
    /* Taking the mark away needs no IOMMU: it only gives the device back. */
    assert_int_equal(pci_assignable_check(&d, false, false, false), 0);
}

/* ---- assign / deassign ---------------------------------------------------- */

/* One request that breaks one rule (or none), and what it gets. */
struct assign_case {
    const char *what;
    struct pci_assign_facts f;      /* with iommu_on and owner_dom0 flipped */
    struct pci_dev dev;             /* with assignable flipped */
    bool no_dev;
    int rc;
};

static void assign_rules(void **state)
{
    /* In the order the ABI lists them; each case also breaks the rules
     * that come after its own, to show that its own wins. */
    static const struct assign_case cases[] = {
        { "fine", { 0 }, { 0 }, false, 0 },
        { "dom0 as target", { .target_privileged = true, .target_dying = true }, { 0 }, true,
          -EPERM },
        { "dying", { .target_dying = true }, { 0 }, true, -ESRCH },
        { "no such function", { .iommu_on = true }, { 0 }, true, -ENODEV },
        { "not marked", { .iommu_on = true }, { .assignable = true }, false, -EPERM },
        { "Petrel's own", { .iommu_on = true }, { .hv_owned = true }, false, -EPERM },
        { "no IOMMU", { .iommu_on = true, .owner_dom0 = true }, { 0 }, false, -EOPNOTSUPP },
        { "a guest holds it (or the target: twice)", { .owner_dom0 = true }, { 0 }, false,
          -EBUSY },
        { "being moved", { 0 }, { .moving = true }, false, -EBUSY },
        { "dom0 has a pirq on it", { .pirq_mapped = true }, { 0 }, false, -EBUSY },
    };

    for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct pci_assign_facts f = cases[i].f;
        struct pci_dev d = cases[i].dev;

        f.iommu_on = !f.iommu_on;
        f.owner_dom0 = !f.owner_dom0;
        d.assignable = !d.assignable;
        print_message("%s\n", cases[i].what);
        assert_int_equal(pci_assign_check(cases[i].no_dev ? NULL : &d, &f), cases[i].rc);
    }
}

static void deassign_rules(void **state)
{
    struct pci_dev d = { .assignable = true };

    assert_int_equal(pci_deassign_check(&d, false, false, true), 0);
    assert_int_equal(pci_deassign_check(&d, true, false, true), -EPERM);
    assert_int_equal(pci_deassign_check(&d, false, true, true), -ESRCH);
    assert_int_equal(pci_deassign_check(NULL, false, false, false), -ENODEV);
    assert_int_equal(pci_deassign_check(&d, false, false, false), -ENOENT);
    d.moving = true;
    assert_int_equal(pci_deassign_check(&d, false, false, true), -EBUSY);
}

/* ---- BAR pages ------------------------------------------------------------ */

#define MAX_CHUNKS 600

struct chunks {
    unsigned int n;
    uint64_t pa[MAX_CHUNKS];
    unsigned int order[MAX_CHUNKS];
    unsigned int stop_at;       /* return -ENOMEM for this chunk (1-based), 0 never */
};

static int record(void *ctx, uint64_t pa, unsigned int order)
{
    struct chunks *c = ctx;

    assert_true(c->n < MAX_CHUNKS);
    c->pa[c->n] = pa;
    c->order[c->n++] = order;
    return c->n == c->stop_at ? -ENOMEM : 0;
}

static void bar_walk_pages(void **state)
{
    struct pci_dev d = { .nr_bars = 6 };
    struct chunks c = { 0 };

    /* 4 MiB + 8 KiB, 2 MiB aligned: two 2 MiB pages, then two 4 KiB. */
    d.bar[0] = (struct pci_bar){ .base = 0xc0000000, .size = MiB(4) + 0x2000 };
    assert_int_equal(pci_bar_walk(&d, 0, record, &c), 0);
    assert_int_equal(c.n, 4);
    assert_int_equal(c.pa[0], 0xc0000000);
    assert_int_equal(c.order[0], 9);
    assert_int_equal(c.pa[1], 0xc0200000);
    assert_int_equal(c.order[1], 9);
    assert_int_equal(c.pa[2], 0xc0400000);
    assert_int_equal(c.order[2], 0);
    assert_int_equal(c.pa[3], 0xc0401000);
    /* A BAR smaller than a page takes its whole page. */
    c.n = 0;
    d.bar[1] = (struct pci_bar){ .base = 0xfeb00100, .size = 0x100 };
    assert_int_equal(pci_bar_walk(&d, 1, record, &c), 0);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.pa[0], 0xfeb00000);
    /* I/O and unimplemented BARs have no pages; a wrapping one is refused. */
    c.n = 0;
    d.bar[2] = (struct pci_bar){ .base = 0xc040, .size = 32, .io = true };
    assert_int_equal(pci_bar_walk(&d, 2, record, &c), 0);
    assert_int_equal(pci_bar_walk(&d, 3, record, &c), 0);
    assert_int_equal(c.n, 0);
    d.bar[4] = (struct pci_bar){ .base = 0xfffffffffffff000ull, .size = 0x2000 };
    assert_int_equal(pci_bar_walk(&d, 4, record, &c), -ERANGE);
    /* The first error stops the walk. */
    c = (struct chunks){ .stop_at = 2 };
    assert_int_equal(pci_bar_walk(&d, 0, record, &c), -ENOMEM);
    assert_int_equal(c.n, 2);
}

static void bar_walk_skips_msix(void **state)
{
    /* MSI-X: 8 entries at BAR0 + 0x1000, PBA at BAR0 + 0x3000. */
    struct pci_dev d = { .nr_bars = 6, .msix_cap = 0x60, .msix_size = 8,
                         .msix_table_off = 0x1000, .msix_pba_off = 0x3000 };
    struct chunks c = { 0 };

    d.bar[0] = (struct pci_bar){ .base = 0xc0000000, .size = MiB(2) };
    assert_int_equal(pci_bar_walk(&d, 0, record, &c), 0);
    /* Page by page (no 2 MiB page), without the table and PBA pages. */
    assert_int_equal(c.n, 512 - 2);
    for (unsigned int i = 0; i < c.n; i++) {
        assert_int_equal(c.order[i], 0);
        assert_int_not_equal(c.pa[i], 0xc0001000);
        assert_int_not_equal(c.pa[i], 0xc0003000);
    }
    assert_int_equal(c.pa[0], 0xc0000000);
    assert_int_equal(c.pa[1], 0xc0002000);
    assert_int_equal(c.pa[2], 0xc0004000);
    /* A 2 MiB BAR without MSI-X structures is one page. */
    c.n = 0;
    d.bar[2] = (struct pci_bar){ .base = 0xc0200000, .size = MiB(2) };
    assert_int_equal(pci_bar_walk(&d, 2, record, &c), 0);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.order[0], 9);
}

/* The gfns "present" in a fake p2m: a list, and the rest empty, with the
 * lookup's skip hint as a real p2m gives it. */
struct fake_map {
    unsigned int n;
    uint64_t gfn[4];
    unsigned int looked;
};

static bool present(void *ctx, uint64_t gfn, unsigned int *skip)
{
    struct fake_map *m = ctx;

    m->looked++;
    for (unsigned int i = 0; i < m->n; i++)
        if (m->gfn[i] == gfn)
            return true;
    *skip = 0;
    return false;
}

static void bars_busy(void **state)
{
    struct pci_dev d = { .nr_bars = 6, .msix_cap = 0x60, .msix_size = 8,
                         .msix_table_off = 0x1000, .msix_pba_off = 0x2000 };
    struct fake_map m = { 0 };

    d.bar[0] = (struct pci_bar){ .base = 0xfeb00000, .size = 0x4000 };
    d.bar[1] = (struct pci_bar){ .base = 0xc040, .size = 32, .io = true };
    assert_int_equal(pci_bars_busy(&d, present, &m), 0);
    assert_int_equal(m.looked, 4);              /* every page, MSI-X ones too */
    /* Something of the domain's (RAM, a special page) on any page of it. */
    m = (struct fake_map){ .n = 1, .gfn = { 0xfeb01 } };
    assert_int_equal(pci_bars_busy(&d, present, &m), -EBUSY);
    m = (struct fake_map){ .n = 1, .gfn = { 0xfeb04 } };    /* just past it */
    assert_int_equal(pci_bars_busy(&d, present, &m), 0);
    /* The I/O BAR's "address" is no page of the domain's. */
    m = (struct fake_map){ .n = 1, .gfn = { 0xc } };
    assert_int_equal(pci_bars_busy(&d, present, &m), 0);
    /* The local APIC page is every domain's. */
    m.n = 0;
    d.bar[2] = (struct pci_bar){ .base = 0xfee00000, .size = 0x1000 };
    assert_int_equal(pci_bars_busy(&d, present, &m), -EBUSY);
    /* A BAR that wraps. */
    d.bar[2] = (struct pci_bar){ .base = 0xfffffffffffff000ull, .size = 0x2000 };
    assert_int_equal(pci_bars_busy(&d, present, &m), -EBUSY);
}

static void bars_share_page(void **state)
{
    struct pci_dev a = { .nr_bars = 6 }, b = { .nr_bars = 6 };

    a.bar[0] = (struct pci_bar){ .base = 0xfeb00000, .size = 0x100 };
    b.bar[2] = (struct pci_bar){ .base = 0xfeb00800, .size = 0x100 };
    assert_true(pci_bars_share_page(&a, &b));
    assert_true(pci_bars_share_page(&b, &a));
    b.bar[2].base = 0xfeb01000;
    assert_false(pci_bars_share_page(&a, &b));
    /* I/O space is another space. */
    b.bar[3] = (struct pci_bar){ .base = 0xfeb00000, .size = 0x20, .io = true };
    assert_false(pci_bars_share_page(&a, &b));
}

/* ---- reset between owners over a fake config space ------------------------ */

#define EXP 0x80

static uint8_t cfg[PCI_CFG_SIZE];
static unsigned int flr_count, delayed_ms;

static uint32_t fake_read(void *ctx, uint16_t bdf, unsigned int reg, unsigned int size)
{
    uint32_t v = 0;

    assert_int_equal(bdf, PCI_BDF(0, 4, 0));
    assert_int_equal(reg & (size - 1), 0);
    memcpy(&v, &cfg[reg], size);
    return v;
}

/* An FLR, as the hardware does it: BARs, COMMAND and the rest of the
 * header cleared; Device Control back to its default. */
static void fake_write(void *ctx, uint16_t bdf, unsigned int reg, unsigned int size, uint32_t v)
{
    assert_int_equal(reg & (size - 1), 0);
    memcpy(&cfg[reg], &v, size);
    if (reg <= EXP + PCI_EXP_DEVCTL + 1 && reg + size > EXP + PCI_EXP_DEVCTL + 1 &&
        (cfg[EXP + PCI_EXP_DEVCTL + 1] & 0x80)) {
        flr_count++;
        assert_int_equal(cfg[PCI_COMMAND] & 7, 0);     /* quiet first */
        memset(&cfg[PCI_COMMAND], 0, 2);
        memset(&cfg[PCI_CACHE_LINE_SIZE], 0, 2);
        memset(&cfg[PCI_BAR0], 0, 4 * PCI_NR_BARS);
        cfg[PCI_INTERRUPT_LINE] = 0;
        cfg[EXP + PCI_EXP_DEVCTL] = 0x10;
        cfg[EXP + PCI_EXP_DEVCTL + 1] = 0x20;
    }
}

static const struct pci_cfg_ops fake_ops = { fake_read, fake_write };

static void fake_delay(unsigned int ms)
{
    assert_int_equal(flr_count, 1);                 /* after the FLR starts */
    delayed_ms += ms;
}

static void put(unsigned int reg, unsigned int size, uint32_t v)
{
    memcpy(&cfg[reg], &v, size);
}

static struct pci_dev fake_dev(bool flr)
{
    struct pci_dev d = { .bdf = PCI_BDF(0, 4, 0), .nr_bars = 6, .exp_cap = EXP };

    memset(cfg, 0, sizeof(cfg));
    flr_count = delayed_ms = 0;
    put(PCI_COMMAND, 2, PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY | PCI_COMMAND_IO |
                        PCI_COMMAND_INTX_DISABLE);
    put(PCI_STATUS, 2, PCI_STATUS_CAP_LIST);
    put(PCI_CACHE_LINE_SIZE, 2, 0x4010);
    put(PCI_BAR0, 4, 0xfeb00000);
    put(PCI_BAR0 + 8, 4, 0xc000000c);                 /* 64-bit: low, high */
    put(PCI_BAR0 + 12, 4, 0x00000001);
    put(PCI_BAR0 + 16, 4, 0xc041);
    put(PCI_INTERRUPT_LINE, 1, 11);
    put(PCI_CAP_PTR, 1, EXP);
    put(EXP, 2, PCI_CAP_ID_EXP);
    put(EXP + PCI_EXP_DEVCAP, 4, flr ? PCI_EXP_DEVCAP_FLR | 0x8000 : 0x8000);
    put(EXP + PCI_EXP_DEVCTL, 2, 0x2830);
    return d;
}

static void reset_with_flr(void **state)
{
    struct pci_dev d = fake_dev(true);
    uint32_t v;

    assert_true(pci_reset_function(&fake_ops, NULL, &d, fake_delay));
    assert_int_equal(flr_count, 1);
    assert_int_equal(delayed_ms, 100);              /* PCIe 5.0, 6.6.2 */
    /* The header put back, decoding and bus mastering still off. */
    memcpy(&v, &cfg[PCI_BAR0], 4);
    assert_int_equal(v, 0xfeb00000);
    memcpy(&v, &cfg[PCI_BAR0 + 8], 4);
    assert_int_equal(v, 0xc000000c);
    memcpy(&v, &cfg[PCI_BAR0 + 12], 4);
    assert_int_equal(v, 1);
    memcpy(&v, &cfg[PCI_BAR0 + 16], 4);
    assert_int_equal(v, 0xc041);
    assert_int_equal(cfg[PCI_CACHE_LINE_SIZE], 0x10);
    assert_int_equal(cfg[PCI_CACHE_LINE_SIZE + 1], 0x40);
    assert_int_equal(cfg[PCI_INTERRUPT_LINE], 11);
    assert_int_equal(cfg[PCI_COMMAND] | cfg[PCI_COMMAND + 1] << 8, PCI_COMMAND_INTX_DISABLE);
    assert_int_equal(cfg[EXP + PCI_EXP_DEVCTL] | cfg[EXP + PCI_EXP_DEVCTL + 1] << 8, 0x2830);
}

static void reset_without_flr(void **state)
{
    struct pci_dev d = fake_dev(false);
    uint32_t v;

    assert_false(pci_reset_function(&fake_ops, NULL, &d, fake_delay));
    assert_int_equal(flr_count, 0);
    assert_int_equal(delayed_ms, 0);
    assert_int_equal(cfg[PCI_COMMAND] | cfg[PCI_COMMAND + 1] << 8, PCI_COMMAND_INTX_DISABLE);
    memcpy(&v, &cfg[PCI_BAR0], 4);
    assert_int_equal(v, 0xfeb00000);
    /* No PCI Express capability at all (a conventional function: edu). */
    d = fake_dev(true);
    d.exp_cap = 0;
    assert_false(pci_reset_function(&fake_ops, NULL, &d, fake_delay));
    assert_int_equal(flr_count, 0);
    assert_int_equal(cfg[PCI_COMMAND] & 7, 0);
    /* A bridge is never FLRed here. */
    d = fake_dev(true);
    d.hdr_type = 1;
    assert_false(pci_reset_function(&fake_ops, NULL, &d, fake_delay));
    assert_int_equal(flr_count, 0);
}

static void abi_layout(void **state)
{
    assert_int_equal(sizeof(struct petrel_pcidev_info), 16);
    assert_int_equal(sizeof(struct petrel_pci_assignable), 32);
    assert_true(sizeof(struct petrel_pci_assignable) <= 128);
    assert_int_equal(sizeof(struct petrel_assign_device), 8);
    assert_int_equal(PETREL_DOMCTL_assign_device, 13);
    assert_int_equal(PETREL_DOMCTL_deassign_device, 14);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nonexistent),
        cmocka_unit_test(hv_owned_never),
        cmocka_unit_test(add_needs_iommu),
        cmocka_unit_test(remove_while_held),
        cmocka_unit_test(assign_rules),
        cmocka_unit_test(deassign_rules),
        cmocka_unit_test(bar_walk_pages),
        cmocka_unit_test(bar_walk_skips_msix),
        cmocka_unit_test(bars_busy),
        cmocka_unit_test(bars_share_page),
        cmocka_unit_test(reset_with_flr),
        cmocka_unit_test(reset_without_flr),
        cmocka_unit_test(abi_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
