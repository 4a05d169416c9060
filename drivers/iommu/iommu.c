// SPDX-License-Identifier: MIT
/*
 * The vendor-neutral IOMMU layer: iommu=, choosing a vendor driver, and the
 * policy that a domain's devices see exactly its guest-physical RAM
 * (include/petrel/iommu.h tells the model; docs/iommu.md the rest).
 *
 * The I/O tables are the vendor's own, kept in step with the p2m through
 * the p2m's mirror hook rather than shared with it: NPT's format is not
 * VT-d's or AMD-Vi's, and one rule for both vendors keeps this file small.
 * Every mirrored change is 4 KiB pages, so removing one page never needs a
 * table (unmap cannot fail), and a removal is flushed from every unit
 * before the hook returns, so the p2m's batch frees the frame only once no
 * device can reach it.
 *
 * Locking: struct iommu_dom's lock guards its space's tables (the vendor's
 * map/unmap/flush); it is taken inside the p2m lock (the mirror runs there)
 * and before the frame allocator's. Devices are assigned and released at
 * domain construction and destruction and when one is passed through to a
 * guest or given back (drivers/pci.c), with no p2m lock held.
 */
#include <petrel/cmdline.h>
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/grant_table.h>
#include <petrel/iommu.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <petrel/panic.h>
#include <petrel/pci.h>
#include <petrel/printk.h>
#include <petrel/spinlock.h>
#include <x86/time.h>

#define IOMMU_MAX_RMRR  8       /* reserved regions per domain */

struct iommu_dom {
    struct domain *d;
    struct iommu_space *s;
    spinlock_t lock;            /* guards s's tables; after the p2m lock */
    unsigned int nr_devs;
    unsigned int nr_rmrr;
    struct { uint64_t first, last; } rmrr[IOMMU_MAX_RMRR];  /* 1:1, kept */
    bool map_failed;            /* a page could not be mapped (logged once) */
};

static enum iommu_mode opt_mode = IOMMU_MODE_ON;
static const struct iommu_ops *ops;     /* the vendor in use, or NULL */

/* The vendor drivers, tried in order; NULL ends the list. */
static const struct iommu_ops *const vendors[] = { &vtd_ops, &amd_iommu_ops, NULL };

static int set_iommu(const char *val, size_t len)
{
    bool b;

    if (cmdline_match(val, len, "force"))
        opt_mode = IOMMU_MODE_FORCE;
    else if (!cmdline_parse_bool(val, len, &b))
        opt_mode = b ? IOMMU_MODE_ON : IOMMU_MODE_OFF;
    else
        return -EINVAL;
    return 0;
}
CMDLINE_PARAM("iommu", set_iommu);

bool iommu_opt_intremap = true;

static int set_intremap(const char *val, size_t len)
{
    return cmdline_parse_bool(val, len, &iommu_opt_intremap);
}
CMDLINE_PARAM("iommu_intremap", set_intremap);

bool iommu_enabled(void)
{
    return ops != NULL;
}

bool iommu_translates(const struct domain *d)
{
    return d->iommu != NULL;
}

void iommu_init(const struct acpi_info *ai)
{
    const char *why = "the firmware describes none (no ACPI DMAR or IVRS table)";
    bool described = false;
    int rc;

    if (opt_mode == IOMMU_MODE_OFF) {
        pr_info("IOMMU: off (iommu=off): device DMA is not confined\n");
        return;
    }
    for (unsigned int i = 0; vendors[i]; i++) {
        rc = vendors[i]->detect(ai);
        if (rc == -ENODEV)
            continue;
        if (!rc)
            rc = vendors[i]->init();
        if (!rc) {
            ops = vendors[i];
            pr_info("IOMMU: %s: DMA remapping on, interrupt remapping %s\n", ops->name,
                    iommu_irq_remapping() ? "on" : "off");
            return;
        }
        why = "the one the firmware describes cannot be used (see above)";
        described = true;
        break;
    }
    if (!described)
        pr_warn("IOMMU: if this machine has one, turn on VT-d (Intel) or the IOMMU "
                "(AMD-Vi) in the firmware setup\n");
    if (opt_mode == IOMMU_MODE_FORCE)
        panic("IOMMU: iommu=force, but %s: refusing to boot", why);
    pr_warn("IOMMU: none: %s; device DMA is not confined\n", why);
}

bool iommu_fault_may_log(void)
{
    static uint64_t second;             /* the second being counted */
    static unsigned int logged, dropped;
    uint64_t now = system_time_ns() / 1000000000ull;

    if (now != second) {
        if (dropped)
            pr_warn("IOMMU: %u fault lines dropped (at most %u a second)\n", dropped,
                    IOMMU_FAULT_BURST);
        second = now;
        logged = dropped = 0;
    }
    if (logged == IOMMU_FAULT_BURST) {
        dropped++;
        return false;
    }
    logged++;
    return true;
}

/* ---- the mirror of the p2m --------------------------------------------- */

static bool in_rmrr(const struct iommu_dom *io, uint64_t dfn)
{
    for (unsigned int i = 0; i < io->nr_rmrr; i++)
        if (dfn >= io->rmrr[i].first && dfn <= io->rmrr[i].last)
            return true;
    return false;
}

/* What a device may do at a gfn the p2m maps as t: RAM only, never a
 * hypervisor frame (P2M_NODMA), never MMIO (no peer-to-peer). */
static unsigned int dma_perms(enum p2m_type t, unsigned int flags)
{
    if (flags & P2M_NODMA)
        return 0;
    if (t == P2M_RAM_RW)
        return IOMMU_READ | IOMMU_WRITE;
    return t == P2M_RAM_RO ? IOMMU_READ : 0;
}

/* Make [gfn, gfn + n) say perms -> mfn.. (perms 0: nothing). io->lock held.
 * Returns whether a unit may hold a stale translation. */
static bool mirror_range(struct iommu_dom *io, uint64_t gfn, uint64_t mfn, uint64_t n,
                         unsigned int perms)
{
    bool flush = false;
    int rc;

    for (uint64_t i = 0; i < n; i++) {
        if (in_rmrr(io, gfn + i))
            continue;
        if (!perms) {
            flush |= ops->unmap(io->s, gfn + i);
            continue;
        }
        rc = ops->map(io->s, gfn + i, mfn + i, perms);
        if (rc < 0) {
            /* The device cannot reach the page: safe, but say so. */
            flush |= ops->unmap(io->s, gfn + i);
            if (!io->map_failed)
                pr_err("IOMMU: domain %u: cannot map gfn %#lx for its devices (error %d)\n",
                       io->d->id, gfn + i, rc);
            io->map_failed = true;
        } else {
            flush |= rc > 0 || ops->caches_misses();
        }
    }
    return flush;
}

static void mirror(void *ctx, uint64_t gfn, uint64_t mfn, unsigned int order,
                   enum p2m_type t, unsigned int flags)
{
    struct iommu_dom *io = ctx;

    spin_lock(&io->lock);
    if (mirror_range(io, gfn, mfn, 1ull << order, dma_perms(t, flags)))
        ops->flush(io->s);
    spin_unlock(&io->lock);
}

/* Mirror what d's p2m maps already (its first device came after its RAM). */
static void mirror_existing(struct iommu_dom *io)
{
    struct domain *d = io->d;
    unsigned int order, flags;
    enum p2m_type t;
    uint64_t mfn;
    int rc;

    for (uint64_t gfn = 0;; gfn += 1ull << order) {
        rc = p2m_lookup(d->p2m, gfn, &mfn, &t, &order, &flags);
        if (rc == -EINVAL)
            break;
        if (rc)
            continue;
        order = 0;                  /* page by page: the lookup gives the frame */
        if (gfn == d->shared_info_gfn || gnttab_is_frame_gfn(d, gfn))
            flags |= P2M_NODMA;
        mirror(io, gfn, mfn, 0, t, flags);
    }
}

/* ---- domains and devices ---------------------------------------------- */

static struct iommu_dom *dom_get(struct domain *d)
{
    struct iommu_dom *io = d->iommu;

    if (io)
        return io;
    io = xzalloc(sizeof(*io));
    if (!io)
        return NULL;
    io->s = ops->space_create(d->id);
    if (!io->s) {
        xfree(io);
        return NULL;
    }
    io->d = d;
    io->lock = (spinlock_t)SPINLOCK_INIT;
    d->iommu = io;
    /* The hook first: a change made during the walk is mirrored twice,
     * the same way, rather than missed. */
    p2m_set_mirror(d->p2m, mirror, io);
    mirror_existing(io);
    return io;
}

struct rmrr_ctx {
    struct iommu_dom *io;
    int rc;
};

static void map_rmrr(void *ctx, uint64_t first, uint64_t last)
{
    struct rmrr_ctx *c = ctx;
    struct iommu_dom *io = c->io;
    bool flush = false;
    int rc = 0;

    if (io->nr_rmrr == IOMMU_MAX_RMRR) {
        c->rc = -ENOSPC;
        return;
    }
    spin_lock(&io->lock);
    for (uint64_t pfn = first; pfn <= last && rc >= 0; pfn++) {
        rc = ops->map(io->s, pfn, pfn, IOMMU_READ | IOMMU_WRITE);
        flush |= rc > 0;
    }
    if (rc >= 0) {
        io->rmrr[io->nr_rmrr].first = first;
        io->rmrr[io->nr_rmrr++].last = last;
    }
    if (flush)
        ops->flush(io->s);
    spin_unlock(&io->lock);
    if (rc < 0)
        c->rc = rc;
    else
        pr_info("IOMMU: domain %u: reserved region [%#lx, %#lx] mapped 1:1\n",
                io->d->id, first << PAGE_SHIFT, ((last + 1) << PAGE_SHIFT) - 1);
}

static void log_dev(const struct pci_dev *dev, const char *what, int rc)
{
    pr_err("IOMMU: PCI %02x:%02x.%u: %s (error %d)\n", PCI_BUS(dev->bdf),
           PCI_SLOT(dev->bdf), PCI_FUNC(dev->bdf), what, rc);
}

int iommu_assign_device(struct domain *d, struct pci_dev *dev)
{
    struct rmrr_ctx c = { .rc = 0 };
    int rc;

    if (!ops)
        return 0;
    c.io = dom_get(d);
    if (!c.io) {
        log_dev(dev, "no I/O address space for its domain; its DMA stays blocked", -ENOMEM);
        return -ENOMEM;
    }
    ops->reserved(dev, map_rmrr, &c);
    if (c.rc)
        log_dev(dev, "a reserved region (RMRR) could not be mapped", c.rc);
    rc = ops->attach(c.io->s, dev);
    if (rc == -ENODEV)
        log_dev(dev, "no IOMMU unit covers it: its DMA is NOT translated", rc);
    else if (rc)
        log_dev(dev, "cannot attach it; its DMA stays blocked", rc);
    else {
        c.io->nr_devs++;
        dev->iommu_attached = true;
    }
    return rc;
}

void iommu_release_device(struct domain *d, struct pci_dev *dev)
{
    struct iommu_dom *io = d->iommu;

    if (!io || !dev->iommu_attached)
        return;
    ops->detach(io->s, dev);
    dev->iommu_attached = false;
    io->nr_devs--;
}

static uint16_t requester(const struct pci_dev *dev)
{
    return ops->requester ? ops->requester(dev) : dev->bdf;
}

bool iommu_shares_requester(const struct pci_dev *dev)
{
    uint16_t own = dev->bdf, alias;

    if (!ops)
        return false;
    alias = requester(dev);
    for (unsigned int i = 0; i < pci_nr_devs(); i++) {
        const struct pci_dev *o = pci_dev_at(i);
        uint16_t r;

        if (o == dev || o->seg != dev->seg)
            continue;
        r = requester(o);
        if (r == own || r == alias || o->bdf == alias)
            return true;
    }
    return false;
}

void iommu_domain_destroy(struct domain *d)
{
    struct iommu_dom *io = d->iommu;

    if (!io)
        return;
    ASSERT(!io->nr_devs);
    p2m_set_mirror(d->p2m, NULL, NULL);
    ops->space_destroy(io->s);
    d->iommu = NULL;
    xfree(io);
}

/* ---- interrupt remapping ---------------------------------------------- */

bool iommu_irq_remapping(void)
{
    return ops && ops->irq_enabled && ops->irq_enabled();
}

int iommu_irq_setup(const struct pci_dev *dev, unsigned int index, uint8_t vector,
                    uint32_t dest, uint32_t *addr_lo, uint32_t *addr_hi, uint32_t *data)
{
    return ops->irq_setup(dev, index, vector, dest, addr_lo, addr_hi, data);
}

void iommu_irq_free(const struct pci_dev *dev, unsigned int index)
{
    if (iommu_irq_remapping())
        ops->irq_free(dev, index);
}

int iommu_ioapic_setup(unsigned int ioapic_id, unsigned int pin, uint8_t vector,
                       uint32_t dest, bool level, uint32_t *rte_lo, uint32_t *rte_hi)
{
    return ops->ioapic_setup(ioapic_id, pin, vector, dest, level, rte_lo, rte_hi);
}
