// SPDX-License-Identifier: MIT
/*
 * VT-d second-level page tables, one set per domain (an iommu_space), and
 * the root and context entries that point devices at them (VT-d spec 9.1,
 * 9.3, 9.8). Legacy mode: the root table has one entry per bus, pointing at
 * a context table of 256 entries, one per devfn; a context entry gives the
 * domain id, the address width (levels) and the second-level table.
 *
 * Tables: vtd_levels levels of 512 8-byte entries, one zeroed frame each;
 * only 4 KiB leaves (bit 7 never set), so clearing one never needs a table
 * and map() fills what is missing on the way down. An entry: R (bit 0),
 * W (bit 1), the address in bits 51:12; a table entry has R and W. Units
 * that do not snoop get each write flushed from the caches (vtd_sync()).
 * The neutral layer serialises map/unmap/flush of one space; the context
 * tables are under their unit's lock.
 */
#include <petrel/errno.h>
#include <petrel/iommu.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/pci.h>
#include <petrel/printk.h>
#include "vtd.h"

#define SL_R            (1ull << 0)
#define SL_W            (1ull << 1)
#define SL_ADDR         0x000ffffffffff000ull
#define ROOT_P          (1ull << 0)
#define CTX_P           (1ull << 0)             /* low quadword; TT 0: translate */
#define CTX_AW(levels)  ((uint64_t)(levels) - 2)        /* high quadword */
#define CTX_DID(did)    ((uint64_t)(did) << 8)

struct iommu_space {
    paddr_t root;                   /* top table */
    uint16_t did;                   /* its domain id on every unit */
    uint64_t pages;                 /* table frames, the root included */
};

paddr_t vtd_table_alloc(void)
{
    paddr_t pa = frame_alloc(0);

    if (pa) {
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
        vtd_sync(phys_to_virt(pa), PAGE_SIZE);
    }
    return pa;
}

static uint64_t *table(paddr_t pa)
{
    return phys_to_virt(pa);
}

static void set_entry(uint64_t *e, uint64_t v)
{
    __atomic_store_n(e, v, __ATOMIC_RELEASE);
    vtd_sync(e, sizeof(*e));
}

struct iommu_space *vtd_space_create(uint16_t domid)
{
    struct iommu_space *s;

    if ((unsigned int)domid + 1 >= vtd_max_did)
        return NULL;                /* domain id 0 is never used */
    s = xzalloc(sizeof(*s));
    if (!s)
        return NULL;
    s->root = vtd_table_alloc();
    if (!s->root) {
        xfree(s);
        return NULL;
    }
    s->did = (uint16_t)(domid + 1);
    s->pages = 1;
    return s;
}

static void free_table(paddr_t pa, unsigned int level)
{
    const uint64_t *t = table(pa);

    for (unsigned int i = 0; level && i < 512; i++)
        if (t[i] & (SL_R | SL_W))
            free_table(t[i] & SL_ADDR, level - 1);
    frame_free(pa, 0);
}

void vtd_space_destroy(struct iommu_space *s)
{
    free_table(s->root, vtd_levels - 1);
    pr_info("VT-d: domain id %u: %lu table pages freed\n", s->did, s->pages);
    xfree(s);
}

/* The leaf entry for dfn, building the path when 'make'; NULL when a table
 * is missing (and not made) or out of memory. */
static uint64_t *walk(struct iommu_space *s, uint64_t dfn, bool make)
{
    uint64_t *t = table(s->root);

    for (unsigned int l = vtd_levels - 1; l; l--) {
        uint64_t *e = &t[(dfn >> (9 * l)) & 511];
        paddr_t next;

        if (!(*e & (SL_R | SL_W))) {
            if (!make || !(next = vtd_table_alloc()))
                return NULL;
            set_entry(e, next | SL_R | SL_W);
            s->pages++;
        }
        t = table(*e & SL_ADDR);
    }
    return &t[dfn & 511];
}

int vtd_map(struct iommu_space *s, uint64_t dfn, uint64_t mfn, unsigned int perms)
{
    uint64_t *e, old;

    if (dfn >= vtd_dfn_limit)
        return -ERANGE;
    e = walk(s, dfn, true);
    if (!e)
        return -ENOMEM;
    old = *e;
    set_entry(e, mfn << PAGE_SHIFT | (perms & IOMMU_READ ? SL_R : 0) |
                 (perms & IOMMU_WRITE ? SL_W : 0));
    return old & (SL_R | SL_W) ? 1 : 0;
}

bool vtd_unmap(struct iommu_space *s, uint64_t dfn)
{
    uint64_t *e = dfn < vtd_dfn_limit ? walk(s, dfn, false) : NULL;
    bool was;

    if (!e)
        return false;
    was = *e & (SL_R | SL_W);
    set_entry(e, 0);
    return was;
}

void vtd_flush(struct iommu_space *s)
{
    for (unsigned int i = 0; i < vtd_nr_units; i++) {
        struct vtd_unit *u = &vtd_units[i];
        unsigned long flags = spin_lock_irqsave(&u->lock);

        vtd_flush_iotlb(u, s->did);
        spin_unlock_irqrestore(&u->lock, flags);
    }
}

/* dev's context entry on unit u (its bus's context table made when
 * 'make'), or NULL. u->lock held. */
static uint64_t *context_entry(struct vtd_unit *u, uint16_t bdf, bool make)
{
    uint64_t *root = &table(u->root)[2 * PCI_BUS(bdf)];
    paddr_t ctx;

    if (!(*root & ROOT_P)) {
        if (!make || !(ctx = vtd_table_alloc()))
            return NULL;
        set_entry(root, ctx | ROOT_P);
    }
    return &table(*root & SL_ADDR)[2 * (bdf & 0xff)];
}

/* The ids dev's DMA may carry: its own, and its bridge alias if any.
 * Returns how many (1 or 2). */
static unsigned int dev_ids(const struct pci_dev *dev, uint16_t id[2])
{
    id[0] = dev->bdf;
    id[1] = vtd_requester(dev);
    return id[1] == id[0] ? 1 : 2;
}

int vtd_prepare(const struct pci_dev *dev)
{
    struct vtd_unit *u = vtd_unit_of(dev);
    unsigned long flags;
    uint16_t id[2];
    unsigned int n = u ? dev_ids(dev, id) : 0;
    int rc = 0;

    if (!u)
        return -ENODEV;
    flags = spin_lock_irqsave(&u->lock);
    for (unsigned int i = 0; i < n && !rc; i++)
        if (!context_entry(u, id[i], true))
            rc = -ENOMEM;
    spin_unlock_irqrestore(&u->lock, flags);
    return rc;
}

/* Point the context entry of 'bdf' at s. u->lock held. */
static int context_set(struct vtd_unit *u, struct iommu_space *s, uint16_t bdf)
{
    uint64_t *ce = context_entry(u, bdf, true);

    if (!ce)
        return -ENOMEM;
    /* Not present while it changes; the high half first (9.3). */
    set_entry(&ce[0], 0);
    vtd_flush_context_all(u);
    set_entry(&ce[1], CTX_AW(vtd_levels) | CTX_DID(s->did));
    set_entry(&ce[0], s->root | CTX_P);
    vtd_flush_context_all(u);
    return 0;
}

int vtd_attach(struct iommu_space *s, const struct pci_dev *dev)
{
    struct vtd_unit *u = vtd_unit_of(dev);
    unsigned long flags;
    uint16_t id[2];
    unsigned int n;
    int rc = 0;

    if (!u)
        return -ENODEV;
    n = dev_ids(dev, id);
    if (n > 1)
        pr_info("VT-d: PCI %02x:%02x.%u DMAs as %02x:%02x.%u (a bridge's alias)\n",
                PCI_BUS(id[0]), PCI_SLOT(id[0]), PCI_FUNC(id[0]), PCI_BUS(id[1]),
                PCI_SLOT(id[1]), PCI_FUNC(id[1]));
    flags = spin_lock_irqsave(&u->lock);
    for (unsigned int i = 0; i < n && !rc; i++)
        rc = context_set(u, s, id[i]);
    spin_unlock_irqrestore(&u->lock, flags);
    return rc;
}

void vtd_detach(struct iommu_space *s, const struct pci_dev *dev)
{
    struct vtd_unit *u = vtd_unit_of(dev);
    unsigned long flags;
    uint16_t id[2];
    unsigned int n;
    uint64_t *ce;

    if (!u)
        return;
    n = dev_ids(dev, id);
    /* An alias others behind the same bridge still use stays. */
    if (n > 1 && vtd_alias_in_use(dev, id[1]))
        n = 1;
    flags = spin_lock_irqsave(&u->lock);
    for (unsigned int i = 0; i < n; i++) {
        ce = context_entry(u, id[i], false);
        if (ce) {
            set_entry(&ce[0], 0);
            set_entry(&ce[1], 0);
        }
    }
    vtd_flush_context_all(u);
    spin_unlock_irqrestore(&u->lock, flags);
}
