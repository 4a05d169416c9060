// SPDX-License-Identifier: MIT
/*
 * The control domain's device memory: each memory BAR of its devices is
 * mapped at its own address (gfn == mfn), uncached, when dom0 is built,
 * and listed as reserved in dom0's memory map. The pages holding an MSI-X
 * table or PBA are left out of the map: they are Petrel's (drivers/msi.c).
 * A BAR over dom0's RAM or its local APIC page is refused with a log line
 * (its device then cannot be driven). pci_bars_map() and pci_bars_unmap()
 * do the same for one device at a time: a device passed to a guest
 * (drivers/pci.c) and given back.
 */
#include <petrel/domain.h>
#include <petrel/lib.h>
#include <petrel/p2m.h>
#include <petrel/pci.h>
#include <petrel/physmap.h>
#include <petrel/printk.h>
#include <x86/hvm/hvm.h>
#include <x86/hvm/pvh.h>

#define VLAPIC_PAGE     0xfee00000ull

static bool overlap(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
    return s1 < e2 && s2 < e1;
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

static int map_chunk(void *ctx, uint64_t pa, unsigned int order)
{
    struct domain *d = ctx;
    struct p2m_batch b = P2M_BATCH_INIT;
    int rc = p2m_set(d->p2m, pa >> PAGE_SHIFT, pa >> PAGE_SHIFT, order, P2M_MMIO, 0, &b);

    /* Nothing was mapped there (dom0_map_bars(): no vCPU ran; pci_bars_map():
     * the range was checked empty): nothing cached to flush. */
    p2m_batch_done(&b);
    return rc;
}

int pci_bars_map(struct domain *d, const struct pci_dev *dev)
{
    int rc = 0;

    for (unsigned int i = 0; i < dev->nr_bars && !rc; i++)
        rc = pci_bar_walk(dev, i, map_chunk, d);
    return rc;
}

struct unmap_ctx {
    struct domain *d;
    struct p2m_batch b;
};

/* Remove one chunk, if it is still the device's: the domain may have put
 * something of its own there since (add_to_physmap). */
static int unmap_chunk(void *ctx, uint64_t pa, unsigned int order)
{
    struct unmap_ctx *c = ctx;
    uint64_t gfn = pa >> PAGE_SHIFT, mfn;
    enum p2m_type t;

    if (!p2m_lookup(c->d->p2m, gfn, &mfn, &t, NULL, NULL) && t == P2M_MMIO && mfn == gfn)
        p2m_remove(c->d->p2m, gfn, order, &c->b);
    return 0;
}

void pci_bars_unmap(struct domain *d, const struct pci_dev *dev)
{
    struct unmap_ctx c = { .d = d, .b = P2M_BATCH_INIT };

    physmap_lock();
    for (unsigned int i = 0; i < dev->nr_bars; i++)
        pci_bar_walk(dev, i, unmap_chunk, &c);
    physmap_unlock();
    /* Once this returns no vCPU of d reaches the device: its next owner
     * may have it. */
    if (c.b.flush)
        hvm_flush_p2m_sync(d);
    p2m_batch_done(&c.b);
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
            if (!pvh_range_add(out, &nr, max, start, end)) {
                pr_err("PCI: more than %u BAR ranges for domain %u; %02x:%02x.%u BAR%u "
                       "not mapped\n", max, d->id, PCI_BUS(dev->bdf), PCI_SLOT(dev->bdf),
                       PCI_FUNC(dev->bdf), i);
                continue;
            }
            if (pci_bar_walk(dev, i, map_chunk, d))
                pr_err("PCI %02x:%02x.%u BAR%u: cannot map it for domain %u\n",
                       PCI_BUS(dev->bdf), PCI_SLOT(dev->bdf), PCI_FUNC(dev->bdf), i, d->id);
        }
    }
    for (unsigned int r = 0; r < nr; r++)
        pr_info("domain %u: device memory [%#lx, %#lx) mapped at its own address\n", d->id,
                out[r].start, out[r].end);
    return nr;
}
