// SPDX-License-Identifier: MIT
/*
 * Message-signalled interrupts of a domain's devices (dom0's, or those
 * passed to a guest), delivered as event channels (physical IRQs,
 * "pirqs", Xen's model). A domain maps only functions it owns.
 *
 * PHYSDEVOP_map_pirq gives a device's MSI, or one MSI-X table entry, a
 * host vector from a pool (VEC_PIRQ_FIRST..VEC_PIRQ_LAST) and a pirq
 * number, and programs the device: address 0xFEE00000 | the boot CPU's
 * APIC id << 12 (physical destination), data = the vector (fixed delivery,
 * edge) (Intel SDM vol. 3, 11.11; PCI 3.0, 6.8). EVTCHNOP_bind_pirq binds
 * a port of the domain to it; the vector's handler sets that port pending
 * (interrupt context; the LAPIC EOI follows in do_trap()). Edge only:
 * nothing to acknowledge, so PHYSDEVOP_eoi is a no-op.
 *
 * With an IOMMU that remaps interrupts (drivers/iommu/), the message is
 * its remappable form instead: an entry of the IOMMU's table, which holds
 * the vector and destination and checks the requester (iommu_irq_setup()).
 *
 * Petrel maps each MSI-X table itself (uncached, in no domain's p2m:
 * pci_bar_walk() skips its pages) and owns the MSI and MSI-X capability
 * registers (arch/x86/hvm/vpci.c ignores the owner's writes to them).
 * A message that fires while its domain is paused only sets the port
 * pending; a dying domain's pirqs are freed (the device masked first)
 * before its event channels go, under the lock the handler takes.
 *
 * Locking: pirq_lock (interrupts off: the handler takes it) guards the
 * table, the devices' MSI state and changes of a device's owner (so no
 * pirq is mapped on a function while it changes hands, pirq_dev_take());
 * it is taken before a domain's event
 * channel lock and the PCI config lock. A port bound to a pirq is recorded
 * on both sides; closing the port touches only the event channel side, so
 * the handler delivers only when the port still names this pirq.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/event.h>
#include <petrel/iommu.h>
#include <petrel/lib.h>
#include <petrel/pci.h>
#include <petrel/pirq.h>
#include <petrel/printk.h>
#include <petrel/spinlock.h>
#include <x86/percpu.h>
#include <x86/processor.h>
#include <x86/traps.h>

#define MSI_ADDR_BASE   0xfee00000u
#define DOMU_MAX_PIRQS  32      /* a guest's share of the pirqs and vectors:
                                   the rest stay dom0's */

struct pirq {
    struct domain *d;           /* NULL: free */
    struct pci_dev *dev;
    bool msix;
    uint16_t entry;             /* MSI-X table entry */
    uint8_t vector;
    uint32_t port;              /* bound port, 0: none (may be stale) */
};

static spinlock_t pirq_lock = SPINLOCK_INIT;
static struct pirq pirqs[NR_PIRQS];            /* pirq 0 is never handed out */
static uint8_t vector_pirq[256];               /* 0: the vector is free */

/* ---- the device side ---------------------------------------------------- */

static uint32_t msi_dest(void)
{
    return percpu_area[0]->apic_id;
}

static volatile uint8_t *msix_entry(struct pci_dev *dev, unsigned int entry)
{
    return dev->msix_table + entry * PCI_MSIX_ENTRY_SIZE;
}

static uint16_t cap_read16(struct pci_dev *dev, unsigned int reg)
{
    return pci_conf_read(dev->bdf, reg, 2);
}

/* Every entry masked, MSI-X on with the function mask off (the entries
 * mask themselves). The table was mapped at boot (pci_init()). */
static int msix_enable(struct pci_dev *dev)
{
    unsigned int ctl = dev->msix_cap + PCI_MSIX_FLAGS;
    uint16_t flags = cap_read16(dev, ctl);

    if (!dev->msix_table)
        return -ENODEV;
    if (flags & PCI_MSIX_FLAGS_ENABLE)
        return 0;
    pci_conf_write(dev->bdf, ctl, 2, flags | PCI_MSIX_FLAGS_MASKALL);
    for (unsigned int i = 0; i < dev->msix_size; i++)
        mmio_write32(msix_entry(dev, i) + PCI_MSIX_ENTRY_CTRL, PCI_MSIX_ENTRY_MASKED);
    pci_conf_write(dev->bdf, ctl, 2, (flags | PCI_MSIX_FLAGS_ENABLE) & ~PCI_MSIX_FLAGS_MASKALL);
    return 0;
}

/* What a device writes to raise 'vector' on the boot CPU. */
struct msi_msg {
    uint32_t addr_lo, addr_hi, data;
};

/* dev's message for its MSI-X entry or MSI ('index' 0): remappable when
 * the IOMMU remaps interrupts, else the compatibility format. 0 or
 * -ENOSPC (the IOMMU's table is full). */
static int msi_compose(struct pci_dev *dev, unsigned int index, uint8_t vector,
                       struct msi_msg *m)
{
    if (iommu_irq_remapping())
        return iommu_irq_setup(dev, index, vector, msi_dest(), &m->addr_lo, &m->addr_hi,
                               &m->data);
    *m = (struct msi_msg){ MSI_ADDR_BASE | msi_dest() << 12, 0, vector };
    return 0;
}

static void msix_program(struct pci_dev *dev, unsigned int entry, const struct msi_msg *m)
{
    volatile uint8_t *e = msix_entry(dev, entry);

    mmio_write32(e + PCI_MSIX_ENTRY_CTRL, PCI_MSIX_ENTRY_MASKED);
    mmio_write32(e + 0, m->addr_lo);
    mmio_write32(e + 4, m->addr_hi);
    mmio_write32(e + 8, m->data);
    mmio_write32(e + PCI_MSIX_ENTRY_CTRL, 0);
}

static void msix_mask(struct pci_dev *dev, unsigned int entry)
{
    mmio_write32(msix_entry(dev, entry) + PCI_MSIX_ENTRY_CTRL, PCI_MSIX_ENTRY_MASKED);
    (void)mmio_read32(msix_entry(dev, entry) + PCI_MSIX_ENTRY_CTRL);   /* flush */
}

static void msix_disable(struct pci_dev *dev)
{
    unsigned int ctl = dev->msix_cap + PCI_MSIX_FLAGS;

    pci_conf_write(dev->bdf, ctl, 2, cap_read16(dev, ctl) & ~PCI_MSIX_FLAGS_ENABLE);
}

/* MSI: one message (multiple-message enable 0), unmasked, enabled. */
static void msi_program(struct pci_dev *dev, const struct msi_msg *m)
{
    unsigned int cap = dev->msi_cap, data = cap + (dev->msi_64bit ? 0x0c : 0x08);
    uint16_t flags = cap_read16(dev, cap + PCI_MSI_FLAGS);

    flags &= ~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
    pci_conf_write(dev->bdf, cap + PCI_MSI_FLAGS, 2, flags);
    pci_conf_write(dev->bdf, cap + PCI_MSI_ADDR_LO, 4, m->addr_lo);
    if (dev->msi_64bit)
        pci_conf_write(dev->bdf, cap + PCI_MSI_ADDR_HI, 4, m->addr_hi);
    pci_conf_write(dev->bdf, data, 2, m->data);
    if (dev->msi_maskable)
        pci_conf_write(dev->bdf, data + 4, 4, 0);
    pci_conf_write(dev->bdf, cap + PCI_MSI_FLAGS, 2, flags | PCI_MSI_FLAGS_ENABLE);
}

static void msi_disable(struct pci_dev *dev)
{
    unsigned int cap = dev->msi_cap;

    if (dev->msi_maskable)
        pci_conf_write(dev->bdf, cap + (dev->msi_64bit ? 0x10 : 0x0c), 4, 1);
    pci_conf_write(dev->bdf, cap + PCI_MSI_FLAGS, 2,
                   cap_read16(dev, cap + PCI_MSI_FLAGS) & ~PCI_MSI_FLAGS_ENABLE);
}

/* ---- the table ------------------------------------------------------------ */

static struct pirq *pirq_of(struct domain *d, uint32_t n)
{
    return n && n < NR_PIRQS && pirqs[n].d == d ? &pirqs[n] : NULL;
}

static bool dev_has_pirq(const struct pci_dev *dev, bool msix, int entry)
{
    for (unsigned int n = 1; n < NR_PIRQS; n++)
        if (pirqs[n].d && pirqs[n].dev == dev && pirqs[n].msix == msix &&
            (entry < 0 || pirqs[n].entry == entry))
            return true;
    return false;
}

static unsigned int nr_pirqs_of(const struct domain *d)
{
    unsigned int nr = 0;

    for (unsigned int n = 1; n < NR_PIRQS; n++)
        nr += pirqs[n].d == d;
    return nr;
}

static void msi_irq(struct cpu_regs *regs)
{
    struct pirq *p;

    spin_lock(&pirq_lock);              /* interrupts are off here */
    p = &pirqs[vector_pirq[regs->vector & 0xff]];
    if (p->d && p->port)
        evtchn_send_pirq(p->d, p->port, p - pirqs);
    spin_unlock(&pirq_lock);
}

/* A free pirq (want, or any when want < 0) and vector: 0, -EEXIST, -ENOSPC. */
static int pirq_alloc(int want, uint32_t *n, uint8_t *vector)
{
    unsigned int v = VEC_PIRQ_FIRST;

    if (want >= 0) {
        if (!want || want >= NR_PIRQS)
            return -EINVAL;
        if (pirqs[want].d)
            return -EEXIST;
        *n = want;
    } else {
        for (*n = 1; *n < NR_PIRQS && pirqs[*n].d; (*n)++)
            ;
        if (*n == NR_PIRQS)
            return -ENOSPC;
    }
    while (v <= VEC_PIRQ_LAST && vector_pirq[v])
        v++;
    if (v > VEC_PIRQ_LAST)
        return -ENOSPC;
    *vector = v;
    return 0;
}

/* Which message of dev the request means: MSI-X when the caller names a
 * table (table_base, as Xen's Linux does) or the function has no MSI. */
static int pick_kind(const struct pci_dev *dev, uint64_t table_base, uint32_t entry,
                     bool *msix)
{
    *msix = table_base || !dev->msi_cap;
    if (*msix && !dev->msix_cap)
        return -ENODEV;
    if (*msix ? entry >= dev->msix_size : entry != 0)
        return -EINVAL;
    /* MSI and MSI-X are exclusive (PCI 3.0, 6.8.2). */
    if (dev_has_pirq(dev, !*msix, -1))
        return -EBUSY;
    return dev_has_pirq(dev, *msix, entry) ? -EEXIST : 0;
}

int pirq_map_msi(struct domain *d, uint16_t seg, uint16_t bdf, uint32_t entry,
                 uint64_t table_base, int want, uint32_t *pirq)
{
    struct pci_dev *dev = pci_find(seg, bdf);
    struct msi_msg msg;
    unsigned long flags;
    uint8_t vector = 0;
    bool msix;
    int rc;

    if (!dev)
        return -ENODEV;
    if (msi_dest() > 0xff)
        return -EOPNOTSUPP;             /* an x2APIC id: needs interrupt remapping */
    flags = spin_lock_irqsave(&pirq_lock);
    /* Under the lock: the owner does not change while a pirq is mapped. */
    if (dev->owner != d)
        rc = -EPERM;
    else if (!d->privileged && nr_pirqs_of(d) >= DOMU_MAX_PIRQS)
        rc = -ENOSPC;
    else
        rc = pick_kind(dev, table_base, entry, &msix);
    if (!rc)
        rc = pirq_alloc(want, pirq, &vector);
    if (!rc && msix)
        rc = msix_enable(dev);
    if (!rc)
        rc = msi_compose(dev, msix ? entry : 0, vector, &msg);
    if (!rc) {
        pirqs[*pirq] = (struct pirq){ .d = d, .dev = dev, .msix = msix,
                                      .entry = entry, .vector = vector };
        vector_pirq[vector] = *pirq;
        irq_set_handler(vector, msi_irq);
        if (msix)
            msix_program(dev, entry, &msg);
        else
            msi_program(dev, &msg);
    }
    spin_unlock_irqrestore(&pirq_lock, flags);
    if (!rc)
        pr_info("PCI %02x:%02x.%u: %s %u -> vector %#x, domain %u pirq %u%s\n",
                PCI_BUS(bdf), PCI_SLOT(bdf), PCI_FUNC(bdf), msix ? "MSI-X entry" : "MSI",
                entry, vector, d->id, *pirq,
                iommu_irq_remapping() ? ", remapped by the IOMMU" : "");
    return rc;
}

/* Stop pirq p's messages, cut its port off and free it. Caller holds
 * pirq_lock. */
static void pirq_free(struct pirq *p)
{
    struct pirq was = *p;

    memset(p, 0, sizeof(*p));
    vector_pirq[was.vector] = 0;
    if (was.msix) {
        msix_mask(was.dev, was.entry);
        if (!dev_has_pirq(was.dev, true, -1))
            msix_disable(was.dev);
    } else {
        msi_disable(was.dev);
    }
    /* Masked or disabled first: the device sends no more through it. */
    iommu_irq_free(was.dev, was.msix ? was.entry : 0);
    if (was.port)
        evtchn_unbind_pirq(was.d, was.port, p - pirqs);
}

int pirq_unmap(struct domain *d, uint32_t n)
{
    unsigned long flags = spin_lock_irqsave(&pirq_lock);
    struct pirq *p = pirq_of(d, n);

    if (p)
        pirq_free(p);
    spin_unlock_irqrestore(&pirq_lock, flags);
    return p ? 0 : -EINVAL;
}

bool pirq_valid(struct domain *d, uint32_t n)
{
    unsigned long flags = spin_lock_irqsave(&pirq_lock);
    bool ok = pirq_of(d, n) != NULL;

    spin_unlock_irqrestore(&pirq_lock, flags);
    return ok;
}

int pirq_bind(struct domain *d, uint32_t n, uint32_t *port)
{
    unsigned long flags = spin_lock_irqsave(&pirq_lock);
    struct pirq *p = pirq_of(d, n);
    int rc = -EINVAL;

    if (p) {
        rc = evtchn_bind_pirq_port(d, n, p->port);
        if (rc > 0) {
            p->port = *port = rc;
            rc = 0;
        }
    }
    spin_unlock_irqrestore(&pirq_lock, flags);
    return rc;
}

/* Is dev's MSI (or MSI-X) enable bit still set in the hardware? */
static bool still_enabled(struct pci_dev *dev, bool msix)
{
    if (msix)
        return cap_read16(dev, dev->msix_cap + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_ENABLE;
    return cap_read16(dev, dev->msi_cap + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_ENABLE;
}

static void report_release(const struct pirq *p, uint32_t n)
{
    uint16_t bdf = p->dev->bdf;
    const char *kind = p->msix ? "MSI-X" : "MSI";

    if (still_enabled(p->dev, p->msix))
        pr_err("PCI %02x:%02x.%u: %s still enabled after domain %u's pirq %u was released\n",
               PCI_BUS(bdf), PCI_SLOT(bdf), PCI_FUNC(bdf), kind, p->d->id, n);
    else
        pr_info("PCI %02x:%02x.%u: %s disabled: domain %u's pirq %u released\n",
                PCI_BUS(bdf), PCI_SLOT(bdf), PCI_FUNC(bdf), kind, p->d->id, n);
}

/* Free d's pirqs (on dev, or on any device when dev is NULL), logging
 * what the device says afterwards. pirq_lock held. */
static void release_pirqs(struct domain *d, const struct pci_dev *dev)
{
    for (unsigned int n = 1; n < NR_PIRQS; n++) {
        struct pirq p = pirqs[n];

        if (p.d != d || (dev && p.dev != dev))
            continue;
        pirq_free(&pirqs[n]);
        /* The last MSI-X entry of a device turns MSI-X off. */
        if (!p.msix || !dev_has_pirq(p.dev, true, -1))
            report_release(&p, n);
    }
}

void pirq_release_domain(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&pirq_lock);

    release_pirqs(d, NULL);
    spin_unlock_irqrestore(&pirq_lock, flags);
}

bool pirq_dev_mapped(const struct pci_dev *dev)
{
    unsigned long flags = spin_lock_irqsave(&pirq_lock);
    bool any = dev_has_pirq(dev, false, -1) || dev_has_pirq(dev, true, -1);

    spin_unlock_irqrestore(&pirq_lock, flags);
    return any;
}

int pirq_dev_take(struct pci_dev *dev, struct domain *from)
{
    unsigned long flags = spin_lock_irqsave(&pirq_lock);
    int rc = 0;

    if (dev->owner != from || dev_has_pirq(dev, false, -1) || dev_has_pirq(dev, true, -1))
        rc = -EBUSY;
    else
        dev->owner = NULL;
    spin_unlock_irqrestore(&pirq_lock, flags);
    return rc;
}

void pirq_dev_release(struct pci_dev *dev, struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&pirq_lock);

    release_pirqs(d, dev);
    if (dev->owner == d)
        dev->owner = NULL;
    spin_unlock_irqrestore(&pirq_lock, flags);
}

void pirq_dev_give(struct pci_dev *dev, struct domain *to)
{
    unsigned long flags = spin_lock_irqsave(&pirq_lock);

    dev->owner = to;
    spin_unlock_irqrestore(&pirq_lock, flags);
}
