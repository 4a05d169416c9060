// SPDX-License-Identifier: MIT
/*
 * The rules of PCI passthrough, pure so that test/unit/test_pci_assign.c
 * can run them: which functions may be marked assignable
 * (PETREL_SYSCTL_pci_assignable), given to a guest or taken back
 * (PETREL_DOMCTL_assign_device / deassign_device), which pages of a BAR a
 * domain gets, whether they would land on something it has, and how a
 * function is reset between owners. The caller (drivers/pci.c,
 * arch/x86/hvm/dom0_bars.c) gathers the facts and does the work.
 */
#include <petrel/errno.h>
#include <petrel/pci.h>

#define LAPIC_PAGE  0xfee00000ull       /* every domain's local APIC */

int pci_assignable_check(const struct pci_dev *dev, bool add, bool iommu_on, bool held_by_guest)
{
    if (!dev)
        return -ENODEV;
    if (dev->hv_owned)
        return -EPERM;
    if (add)
        return iommu_on ? 0 : -EOPNOTSUPP;
    return held_by_guest ? -EBUSY : 0;
}

int pci_assign_check(const struct pci_dev *dev, const struct pci_assign_facts *f)
{
    if (f->target_privileged)
        return -EPERM;
    if (f->target_dying)
        return -ESRCH;
    if (!dev)
        return -ENODEV;
    if (dev->hv_owned || !dev->assignable)
        return -EPERM;
    if (!f->iommu_on)
        return -EOPNOTSUPP;
    /* Only from dom0: a guest's device goes back to dom0 first. */
    if (dev->moving || !f->owner_dom0 || f->pirq_mapped)
        return -EBUSY;
    return 0;
}

int pci_deassign_check(const struct pci_dev *dev, bool target_privileged, bool target_dying,
                       bool held)
{
    if (target_privileged)
        return -EPERM;
    if (target_dying)
        return -ESRCH;
    if (!dev)
        return -ENODEV;
    if (!held)
        return -ENOENT;
    return dev->moving ? -EBUSY : 0;
}

/* ---- BAR pages ---------------------------------------------------------- */

static bool overlap(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
    return s1 < e2 && s2 < e1;
}

/* The page range [*start, *end) of memory BAR i; false for an I/O or
 * unimplemented BAR. */
static bool bar_pages(const struct pci_dev *dev, unsigned int i, uint64_t *start,
                      uint64_t *end)
{
    const struct pci_bar *b = &dev->bar[i];

    if (b->io || !b->size)
        return false;
    *start = ALIGN_DOWN(b->base, PAGE_SIZE);
    *end = ALIGN_UP(b->base + b->size, PAGE_SIZE);
    return true;
}

/* Is page pa one of dev's MSI-X table or PBA pages in BAR 'bir'? Those are
 * Petrel's (drivers/msi.c): no domain maps them. */
static bool msix_page(const struct pci_dev *dev, unsigned int bir, uint64_t pa)
{
    const struct pci_bar *b = &dev->bar[bir];
    uint64_t t = b->base + dev->msix_table_off, p = b->base + dev->msix_pba_off;
    uint64_t tlen = (uint64_t)dev->msix_size * PCI_MSIX_ENTRY_SIZE;
    uint64_t plen = ALIGN_UP((uint64_t)dev->msix_size, 64) / 8;

    if (!dev->msix_cap)
        return false;
    return (bir == dev->msix_table_bir &&
            overlap(pa, pa + PAGE_SIZE, ALIGN_DOWN(t, PAGE_SIZE), ALIGN_UP(t + tlen, PAGE_SIZE))) ||
           (bir == dev->msix_pba_bir &&
            overlap(pa, pa + PAGE_SIZE, ALIGN_DOWN(p, PAGE_SIZE), ALIGN_UP(p + plen, PAGE_SIZE)));
}

int pci_bar_walk(const struct pci_dev *dev, unsigned int i,
                 int (*fn)(void *ctx, uint64_t pa, unsigned int order), void *ctx)
{
    /* A BAR with MSI-X structures is mapped page by page around them. */
    bool small = dev->msix_cap && (i == dev->msix_table_bir || i == dev->msix_pba_bir);
    uint64_t start, end;
    int rc = 0;

    if (!bar_pages(dev, i, &start, &end))
        return 0;
    if (end <= start)
        return -ERANGE;
    for (uint64_t pa = start; pa < end && !rc;) {
        unsigned int order = !small && IS_ALIGNED(pa, MiB(2)) && end - pa >= MiB(2) ? 9 : 0;

        if (!msix_page(dev, i, pa))
            rc = fn(ctx, pa, order);
        pa += PAGE_SIZE << order;
    }
    return rc;
}

int pci_bars_busy(const struct pci_dev *dev,
                  bool (*present)(void *ctx, uint64_t gfn, unsigned int *skip), void *ctx)
{
    uint64_t start, end;

    for (unsigned int i = 0; i < dev->nr_bars; i++) {
        if (!bar_pages(dev, i, &start, &end))
            continue;
        if (end <= start || overlap(start, end, LAPIC_PAGE, LAPIC_PAGE + PAGE_SIZE))
            return -EBUSY;
        for (uint64_t gfn = start >> PAGE_SHIFT; gfn < end >> PAGE_SHIFT;) {
            unsigned int skip = 0;

            if (present(ctx, gfn, &skip))
                return -EBUSY;
            /* Past the empty region the lookup saw, at least one page. */
            gfn = ALIGN_DOWN(gfn, 1ull << skip) + (1ull << skip);
        }
    }
    return 0;
}

bool pci_bars_share_page(const struct pci_dev *a, const struct pci_dev *b)
{
    uint64_t s1, e1, s2, e2;

    for (unsigned int i = 0; i < a->nr_bars; i++)
        for (unsigned int j = 0; bar_pages(a, i, &s1, &e1) && j < b->nr_bars; j++)
            if (bar_pages(b, j, &s2, &e2) && overlap(s1, e1, s2, e2))
                return true;
    return false;
}

/* ---- reset between owners ----------------------------------------------- */

bool pci_reset_function(const struct pci_cfg_ops *ops, void *ctx, const struct pci_dev *dev,
                        void (*delay_ms)(unsigned int ms))
{
    unsigned int exp = dev->hdr_type == 0 ? dev->exp_cap : 0;
    uint32_t bars[PCI_NR_BARS], cls, intr, ctl;
    uint16_t cmd = ops->read(ctx, dev->bdf, PCI_COMMAND, 2);

    /* Bus mastering off first: no DMA or MSI while the function changes. */
    ops->write(ctx, dev->bdf, PCI_COMMAND, 2,
               cmd & ~(PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY | PCI_COMMAND_IO));
    if (!exp || !(ops->read(ctx, dev->bdf, exp + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR))
        return false;
    for (unsigned int i = 0; i < dev->nr_bars; i++)
        bars[i] = ops->read(ctx, dev->bdf, PCI_BAR0 + 4 * i, 4);
    cls = ops->read(ctx, dev->bdf, PCI_CACHE_LINE_SIZE, 2);
    intr = ops->read(ctx, dev->bdf, PCI_INTERRUPT_LINE, 1);
    ctl = ops->read(ctx, dev->bdf, exp + PCI_EXP_DEVCTL, 2);
    ops->write(ctx, dev->bdf, exp + PCI_EXP_DEVCTL, 2, ctl | PCI_EXP_DEVCTL_BCR_FLR);
    delay_ms(PCI_FLR_WAIT_MS);
    /* The FLR cleared the BARs: Petrel's maps expect them where they were. */
    for (unsigned int i = 0; i < dev->nr_bars; i++)
        ops->write(ctx, dev->bdf, PCI_BAR0 + 4 * i, 4, bars[i]);
    ops->write(ctx, dev->bdf, PCI_CACHE_LINE_SIZE, 2, cls);
    ops->write(ctx, dev->bdf, PCI_INTERRUPT_LINE, 1, intr);
    ops->write(ctx, dev->bdf, exp + PCI_EXP_DEVCTL, 2, ctl & ~PCI_EXP_DEVCTL_BCR_FLR);
    ops->write(ctx, dev->bdf, PCI_COMMAND, 2,
               cmd & ~(PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY | PCI_COMMAND_IO));
    return true;
}
