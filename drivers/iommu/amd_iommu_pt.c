// SPDX-License-Identifier: MIT
/*
 * AMD-Vi I/O page tables, one set per domain (an iommu_space), and the
 * device table entries that point devices at them (AMD IOMMU spec 2.2).
 *
 * Tables: AMD_LEVELS levels of 512 8-byte entries, one frame each, the top
 * one named by the DTE (Mode = AMD_LEVELS). An entry: PR (bit 0), Next
 * Level (bits 11:9: the level of the table it points to, 0 for a 4 KiB
 * page), the address (51:12), IR and IW (61, 62); permissions are ANDed
 * down the walk, so table entries carry both. Only 4 KiB leaves; the
 * walking is drivers/iommu/iommu_pt.c's. A not-present entry is 0. No
 * cache flush follows a table write: the units are taken to snoop their
 * table reads (docs/iommu.md).
 *
 * Device table: one entry per device id (bus << 8 | devfn), all 65536, so
 * no id reaches past it. A device with no domain has a blocking entry: V,
 * TV, Mode AMD_LEVELS over an empty table, IR = IW = 0, domain id 0 (a
 * space's id is its domid + 1). The neutral layer serialises map/unmap/
 * flush of one space; DTEs change at attach and detach, under no lock of
 * ours but with the device list stable (include/petrel/iommu.h).
 */
#include <petrel/errno.h>
#include <petrel/iommu.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/pci.h>
#include <petrel/printk.h>
#include "amd_iommu.h"
#include "iommu_pt.h"

#define DFN_LIMIT       (1ull << (9 * AMD_LEVELS))

struct iommu_space {
    paddr_t root;                   /* level AMD_LEVELS table */
    uint16_t did;                   /* its domain id on every unit */
};

uint64_t *amd_devtab;
static paddr_t block_root;          /* the blocking DTEs' empty table */

/* A table entry: present, readable and writable (the leaf decides), and
 * the level of the table it points to. */
static uint64_t link(paddr_t pa, unsigned int l)
{
    return pa | PTE_PR | PTE_NL(l) | PTE_IR | PTE_IW;
}

static const struct iommu_pt amd_pt = {
    .levels = AMD_LEVELS,
    .present = PTE_PR,
    .link = link,
};

static void set_entry(uint64_t *e, uint64_t v)
{
    iommu_pt_set(&amd_pt, e, v);
}

static uint64_t dte_blocked(void)
{
    return DTE_V | DTE_TV | DTE_MODE(AMD_LEVELS) | block_root;
}

int amd_pt_init(void)
{
    paddr_t pa = frame_alloc(AMD_DEVTAB_ORDER);

    block_root = iommu_pt_alloc(&amd_pt);
    if (!pa || !block_root)
        return -ENOMEM;
    amd_devtab = phys_to_virt(pa);
    memset(amd_devtab, 0, PAGE_SIZE << AMD_DEVTAB_ORDER);
    for (uint32_t id = 0; id < AMD_NR_DEVIDS; id++)
        amd_devtab[4 * id] = dte_blocked();
    return 0;
}

struct iommu_space *amd_space_create(uint16_t domid)
{
    struct iommu_space *s;

    if (domid == 0xffff)
        return NULL;                /* domain id 0 means "blocked" */
    s = xzalloc(sizeof(*s));
    if (s && !(s->root = iommu_pt_alloc(&amd_pt))) {
        xfree(s);
        s = NULL;
    }
    if (s) {
        s->did = (uint16_t)(domid + 1);
        amd_flush_domain(s->did);   /* nothing cached from an earlier user of the id */
    }
    return s;
}

void amd_space_destroy(struct iommu_space *s)
{
    iommu_pt_free(&amd_pt, s->root);
    xfree(s);
}

int amd_map(struct iommu_space *s, uint64_t dfn, uint64_t mfn, unsigned int perms)
{
    uint64_t *e, old;

    if (dfn >= DFN_LIMIT)
        return -ERANGE;
    e = iommu_pt_leaf(&amd_pt, s->root, dfn, true);
    if (!e)
        return -ENOMEM;
    old = *e;
    set_entry(e, mfn << PAGE_SHIFT | PTE_PR | (perms & IOMMU_READ ? PTE_IR : 0) |
                 (perms & IOMMU_WRITE ? PTE_IW : 0));
    return old & PTE_PR ? 1 : 0;
}

bool amd_unmap(struct iommu_space *s, uint64_t dfn)
{
    uint64_t *e = dfn < DFN_LIMIT ? iommu_pt_leaf(&amd_pt, s->root, dfn, false) : NULL;
    bool was;

    if (!e)
        return false;
    was = *e & PTE_PR;
    set_entry(e, 0);
    return was;
}

void amd_flush(struct iommu_space *s)
{
    amd_flush_domain(s->did);
}

bool amd_devids(const struct pci_dev *dev, uint16_t *own, uint16_t *alias)
{
    const struct ivrs_range *r;

    if (!ivrs_unit_of(&amd_ivrs, dev->seg, dev->bdf, &r))
        return false;
    *own = dev->bdf;
    *alias = r->aliased ? r->alias : dev->bdf;
    return true;
}

/* Point devid's DTE at root under domain id did (root 0: block it). The
 * permissions come last on the way in and go first on the way out, so
 * the unit never sees a root with another domain's id and permissions. */
static void set_dte(uint16_t devid, paddr_t root, uint16_t did)
{
    uint64_t *dte = &amd_devtab[4 * (uint32_t)devid];

    set_entry(&dte[0], dte_blocked());
    set_entry(&dte[1], did);
    if (root)
        set_entry(&dte[0], DTE_V | DTE_TV | DTE_MODE(AMD_LEVELS) | root | DTE_IR | DTE_IW);
    amd_flush_dte(devid);
}

int amd_attach(struct iommu_space *s, const struct pci_dev *dev)
{
    uint16_t own, alias;

    if (!amd_devids(dev, &own, &alias))
        return -ENODEV;
    set_dte(own, s->root, s->did);
    if (alias != own) {
        set_dte(alias, s->root, s->did);
        pr_info("AMD-Vi: PCI %02x:%02x.%u DMAs as %02x:%02x.%u (an IVRS alias)\n",
                PCI_BUS(own), PCI_SLOT(own), PCI_FUNC(own), PCI_BUS(alias), PCI_SLOT(alias),
                PCI_FUNC(alias));
    }
    /* Nothing of another domain's is cached under s->did: its id is its
     * own; but a previous owner's translations are, under the old id,
     * flushed when it was detached. */
    return 0;
}

/* Does another attached device DMA under 'alias' too? */
static bool alias_in_use(const struct pci_dev *dev, uint16_t alias)
{
    for (unsigned int i = 0; i < pci_nr_devs(); i++) {
        const struct pci_dev *o = pci_dev_at(i);
        uint16_t own, a;

        if (o != dev && o->iommu_attached && amd_devids(o, &own, &a) && a == alias)
            return true;
    }
    return false;
}

void amd_detach(struct iommu_space *s, const struct pci_dev *dev)
{
    uint16_t own, alias;

    if (!amd_devids(dev, &own, &alias))
        return;
    set_dte(own, 0, 0);
    if (alias != own && !alias_in_use(dev, alias))
        set_dte(alias, 0, 0);
    amd_flush_domain(s->did);       /* nothing it cached outlives the detach */
}
