// SPDX-License-Identifier: MIT
/*
 * The control domain's device memory: each memory BAR of its devices is
 * mapped at its own address (gfn == mfn), uncached, when dom0 is built,
 * and listed as reserved in dom0's memory map. The pages holding an MSI-X
 * table or PBA are left out of the map: they are Petrel's (drivers/msi.c).
 * A BAR over dom0's RAM or its local APIC page is refused with a log line
 * (its device then cannot be driven). No IOMMU yet: docs/pci.md.
 */
#include <petrel/domain.h>
#include <petrel/lib.h>
#include <petrel/p2m.h>
#include <petrel/pci.h>
#include <petrel/printk.h>
#include <x86/hvm/pvh.h>

#define VLAPIC_PAGE     0xfee00000ull

static bool overlap(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
    return s1 < e2 && s2 < e1;
}

/* Is page pa one of dev's MSI-X table or PBA pages in BAR 'bir'? */
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

static bool bar_refused(struct domain *d, const struct pci_dev *dev, unsigned int i,
                        uint64_t start, uint64_t end, const struct pvh_plan *ram)
{
    const char *why = NULL;

    for (unsigned int r = 0; r < ram->nr_ram; r++)
        if (overlap(start, end, ram->ram[r].start, ram->ram[r].end))
            why = "it overlaps the domain's RAM";
    if (overlap(start, end, VLAPIC_PAGE, VLAPIC_PAGE + PAGE_SIZE))
        why = "it overlaps the local APIC page";
    if (end <= start)
        why = "it wraps";
    if (!why)
        return false;
    pr_err("PCI %02x:%02x.%u BAR%u [%#lx, %#lx) not mapped for domain %u: %s\n",
           PCI_BUS(dev->bdf), PCI_SLOT(dev->bdf), PCI_FUNC(dev->bdf), i, start, end, d->id, why);
    return true;
}

static int map_bar(struct domain *d, const struct pci_dev *dev, unsigned int i,
                   uint64_t start, uint64_t end)
{
    /* A BAR with MSI-X structures is mapped page by page around them. */
    bool small = dev->msix_cap && (i == dev->msix_table_bir || i == dev->msix_pba_bir);
    struct p2m_batch b = P2M_BATCH_INIT;
    int rc = 0;

    for (uint64_t pa = start; pa < end && !rc;) {
        unsigned int order = !small && IS_ALIGNED(pa, MiB(2)) && end - pa >= MiB(2) ? 9 : 0;

        if (!msix_page(dev, i, pa))
            rc = p2m_set(d->p2m, pa >> PAGE_SHIFT, pa >> PAGE_SHIFT, order, P2M_MMIO, 0, &b);
        /* Nothing was mapped there and no vCPU ran: no flush. */
        p2m_batch_done(&b);
        pa += PAGE_SIZE << order;
    }
    return rc;
}

/* Insert [start, end) into the sorted list of *nr, merging what it
 * touches; false when a new entry would not fit. */
static bool add_range(struct pvh_range *list, unsigned int *nr, unsigned int max,
                      uint64_t start, uint64_t end)
{
    unsigned int at = 0, n = *nr;

    while (at < n && list[at].end < start)
        at++;
    if (at < n && list[at].start <= end) {
        list[at].start = MIN(list[at].start, start);
        list[at].end = MAX(list[at].end, end);
        while (at + 1 < n && list[at + 1].start <= list[at].end) {
            list[at].end = MAX(list[at].end, list[at + 1].end);
            memmove(&list[at + 1], &list[at + 2], (n - at - 2) * sizeof(*list));
            n--;
        }
        *nr = n;
        return true;
    }
    if (n == max)
        return false;
    memmove(&list[at + 1], &list[at], (n - at) * sizeof(*list));
    list[at] = (struct pvh_range){ start, end };
    *nr = n + 1;
    return true;
}

unsigned int dom0_map_bars(struct domain *d, const struct pvh_plan *ram,
                           struct pvh_range *out, unsigned int max)
{
    unsigned int nr = 0;

    for (unsigned int n = 0; n < pci_nr_devs(); n++) {
        const struct pci_dev *dev = pci_dev_at(n);

        for (unsigned int i = 0; dev->owner == d && i < dev->nr_bars; i++) {
            const struct pci_bar *b = &dev->bar[i];
            uint64_t start = ALIGN_DOWN(b->base, PAGE_SIZE);
            uint64_t end = ALIGN_UP(b->base + b->size, PAGE_SIZE);

            if (b->io || !b->size || bar_refused(d, dev, i, start, end, ram))
                continue;
            if (!add_range(out, &nr, max, start, end)) {
                pr_err("PCI: more than %u BAR ranges for domain %u; %02x:%02x.%u BAR%u "
                       "not mapped\n", max, d->id, PCI_BUS(dev->bdf), PCI_SLOT(dev->bdf),
                       PCI_FUNC(dev->bdf), i);
                continue;
            }
            if (map_bar(d, dev, i, start, end))
                pr_err("PCI %02x:%02x.%u BAR%u: cannot map it for domain %u\n",
                       PCI_BUS(dev->bdf), PCI_SLOT(dev->bdf), PCI_FUNC(dev->bdf), i, d->id);
        }
    }
    for (unsigned int r = 0; r < nr; r++)
        pr_info("domain %u: device memory [%#lx, %#lx) mapped at its own address\n", d->id,
                out[r].start, out[r].end);
    return nr;
}
