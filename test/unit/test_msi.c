// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/msi.c as passthrough uses it: a guest maps the
 * MSI or MSI-X of a function it owns and gets the event, never of dom0's
 * or nobody's (-EPERM), at most its share of the pirqs; and a function
 * changing hands (pirq_dev_take / _release / _give) with no pirq mapped
 * on it meanwhile. The functions' config space is an array here; an
 * MSI-X table is host memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/pci.h>
#include <petrel/pirq.h>
#include <x86/percpu.h>
#include <x86/traps.h>
#include "stubs.h"

#define NR_FAKE     3
#define GUEST_MSI   0           /* 00:03.0, MSI at 0x40, the guest's */
#define DOM0_MSI    1           /* 00:04.0, MSI at 0x40, dom0's */
#define GUEST_MSIX  2           /* 00:05.0, 64 MSI-X entries, the guest's */

static struct domain dom0, domu;
/* A function and its config space. */
static struct fake_fn {
    struct pci_dev dev;
    uint8_t cfg[PCI_CFG_SIZE];
} fns[NR_FAKE];
static uint8_t msix_table[64 * PCI_MSIX_ENTRY_SIZE];

/* ---- what msi.c needs of the rest of Petrel ----------------------------- */

static struct percpu boot_cpu = { .apic_id = 0 };
struct percpu *percpu_area[NR_CPUS] = { &boot_cpu };

static irq_handler_t handlers[256];
static struct { struct domain *d; uint32_t port, pirq; unsigned int n; } sent;
static uint32_t next_port = 10;

void irq_set_handler(unsigned int vector, irq_handler_t fn)
{
    handlers[vector] = fn;
}

void evtchn_send_pirq(struct domain *d, uint32_t port, uint32_t pirq)
{
    sent.d = d;
    sent.port = port;
    sent.pirq = pirq;
    sent.n++;
}

int evtchn_bind_pirq_port(struct domain *d, uint32_t pirq, uint32_t old_port)
{
    return old_port ? -EEXIST : (int)next_port++;
}

void evtchn_unbind_pirq(struct domain *d, uint32_t port, uint32_t pirq)
{
}

bool iommu_irq_remapping(void)
{
    return false;
}

int iommu_irq_setup(const struct pci_dev *dev, unsigned int index, uint8_t vector,
                    uint32_t dest, uint32_t *addr_lo, uint32_t *addr_hi, uint32_t *data)
{
    return -ENOSPC;
}

void iommu_irq_free(const struct pci_dev *dev, unsigned int index)
{
}

static struct fake_fn *fn_of(uint16_t bdf)
{
    for (unsigned int i = 0; i < NR_FAKE; i++)
        if (fns[i].dev.bdf == bdf)
            return &fns[i];
    return NULL;
}

struct pci_dev *pci_find(uint16_t seg, uint16_t bdf)
{
    struct fake_fn *f = fn_of(bdf);

    return f && seg == 0 ? &f->dev : NULL;
}

uint32_t pci_conf_read(uint16_t bdf, unsigned int reg, unsigned int size)
{
    uint32_t v = 0;

    memcpy(&v, &fn_of(bdf)->cfg[reg], size);
    return v;
}

void pci_conf_write(uint16_t bdf, unsigned int reg, unsigned int size, uint32_t v)
{
    memcpy(&fn_of(bdf)->cfg[reg], &v, size);
}

/* ---- fixtures ------------------------------------------------------------ */

static int setup(void **state)
{
    dom0 = (struct domain){ .id = 0, .privileged = true };
    domu = (struct domain){ .id = 1 };
    memset(fns, 0, sizeof(fns));
    memset(&sent, 0, sizeof(sent));
    stub_log_reset();
    fns[GUEST_MSI].dev = (struct pci_dev){ .bdf = PCI_BDF(0, 3, 0), .msi_cap = 0x40,
                                        .msi_64bit = true, .owner = &domu };
    fns[DOM0_MSI].dev = (struct pci_dev){ .bdf = PCI_BDF(0, 4, 0), .msi_cap = 0x40,
                                       .owner = &dom0 };
    fns[GUEST_MSIX].dev = (struct pci_dev){ .bdf = PCI_BDF(0, 5, 0), .msix_cap = 0x50,
                                         .msix_size = 64, .msix_table = msix_table,
                                         .owner = &domu };
    return 0;
}

static int teardown(void **state)
{
    pirq_release_domain(&domu);
    pirq_release_domain(&dom0);
    return 0;
}

static bool msi_enabled(int dev)
{
    return fns[dev].cfg[0x40 + PCI_MSI_FLAGS] & PCI_MSI_FLAGS_ENABLE;
}

static int map(struct domain *d, int dev, uint32_t entry, uint64_t table, uint32_t *pirq)
{
    return pirq_map_msi(d, 0, fns[dev].dev.bdf, entry, table, -1, pirq);
}

/* ---- tests --------------------------------------------------------------- */

/* A guest's own function: mapped, bound, and the message is its event. */
static void guest_maps_its_own(void **state)
{
    struct cpu_regs regs = { 0 };
    uint32_t pirq, port;
    uint8_t vector;

    assert_int_equal(map(&domu, GUEST_MSI, 0, 0, &pirq), 0);
    assert_true(msi_enabled(GUEST_MSI));
    assert_true(pirq_valid(&domu, pirq));
    assert_false(pirq_valid(&dom0, pirq));              /* not dom0's */
    assert_int_equal(pirq_unmap(&dom0, pirq), -EINVAL);
    assert_int_equal(pirq_bind(&domu, pirq, &port), 0);
    vector = fns[GUEST_MSI].cfg[0x40 + 0x0c];               /* 64-bit: data at 0x0c */
    assert_non_null(handlers[vector]);
    regs.vector = vector;
    handlers[vector](&regs);
    assert_ptr_equal(sent.d, &domu);
    assert_int_equal(sent.port, port);
    assert_int_equal(sent.pirq, pirq);
    assert_int_equal(pirq_unmap(&domu, pirq), 0);
    assert_false(msi_enabled(GUEST_MSI));
    /* Gone: a late message for its vector reaches nobody. */
    handlers[vector](&regs);
    assert_int_equal(sent.n, 1);
}

static void guest_cannot_map_others(void **state)
{
    uint32_t pirq;

    assert_int_equal(map(&domu, DOM0_MSI, 0, 0, &pirq), -EPERM);
    assert_false(msi_enabled(DOM0_MSI));
    fns[DOM0_MSI].dev.owner = NULL;                        /* nobody's */
    assert_int_equal(map(&domu, DOM0_MSI, 0, 0, &pirq), -EPERM);
    assert_int_equal(map(&dom0, DOM0_MSI, 0, 0, &pirq), -EPERM);
    assert_int_equal(map(&dom0, GUEST_MSI, 0, 0, &pirq), -EPERM);   /* the guest's */
    assert_int_equal(pirq_map_msi(&domu, 0, PCI_BDF(0, 9, 0), 0, 0, -1, &pirq), -ENODEV);
}

/* A guest holds at most 32 pirqs, so dom0 keeps vectors for its own. */
static void guest_share(void **state)
{
    uint32_t pirq;

    for (uint32_t e = 0; e < 32; e++)
        assert_int_equal(map(&domu, GUEST_MSIX, e, 1, &pirq), 0);
    assert_int_equal(map(&domu, GUEST_MSIX, 32, 1, &pirq), -ENOSPC);
    assert_int_equal(map(&domu, GUEST_MSI, 0, 0, &pirq), -ENOSPC);
    assert_int_equal(map(&dom0, DOM0_MSI, 0, 0, &pirq), 0);
    pirq_release_domain(&domu);
    assert_int_equal(map(&domu, GUEST_MSIX, 32, 1, &pirq), 0);
}

/* A function changing hands: not while a pirq is mapped on it; the guest's
 * pirqs on it go with it, its others stay. */
static void changing_hands(void **state)
{
    uint32_t a, b;

    assert_int_equal(map(&dom0, DOM0_MSI, 0, 0, &a), 0);
    assert_true(pirq_dev_mapped(&fns[DOM0_MSI].dev));
    assert_int_equal(pirq_dev_take(&fns[DOM0_MSI].dev, &dom0), -EBUSY);
    assert_ptr_equal(fns[DOM0_MSI].dev.owner, &dom0);
    assert_int_equal(pirq_unmap(&dom0, a), 0);
    assert_false(pirq_dev_mapped(&fns[DOM0_MSI].dev));
    assert_int_equal(pirq_dev_take(&fns[DOM0_MSI].dev, &domu), -EBUSY);   /* not its */
    assert_int_equal(pirq_dev_take(&fns[DOM0_MSI].dev, &dom0), 0);
    assert_null(fns[DOM0_MSI].dev.owner);
    assert_int_equal(map(&dom0, DOM0_MSI, 0, 0, &a), -EPERM);         /* moving */
    pirq_dev_give(&fns[DOM0_MSI].dev, &domu);
    assert_int_equal(map(&domu, DOM0_MSI, 0, 0, &a), 0);
    assert_int_equal(map(&domu, GUEST_MSI, 0, 0, &b), 0);
    /* Given back: its MSI off, that pirq gone, the guest's other stays. */
    pirq_dev_release(&fns[DOM0_MSI].dev, &domu);
    assert_null(fns[DOM0_MSI].dev.owner);
    assert_false(msi_enabled(DOM0_MSI));
    assert_false(pirq_valid(&domu, a));
    assert_true(pirq_valid(&domu, b));
    assert_true(msi_enabled(GUEST_MSI));
    assert_true(stub_log_contains("MSI disabled: domain 1's pirq"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(guest_maps_its_own, setup, teardown),
        cmocka_unit_test_setup_teardown(guest_cannot_map_others, setup, teardown),
        cmocka_unit_test_setup_teardown(guest_share, setup, teardown),
        cmocka_unit_test_setup_teardown(changing_hands, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
