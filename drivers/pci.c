// SPDX-License-Identifier: MIT
/*
 * PCI segment 0: config-space access and the devices found at boot.
 *
 * Config space is reached through ECAM when the MCFG names a region for
 * segment 0 (PCIe 5.0, 7.2.2: 4 KiB per function, 1 MiB per bus, mapped
 * uncached once at boot), else through configuration mechanism #1 (PCI
 * Local Bus 3.0, 3.2.2.3.2: the address in port 0xcf8, the data at
 * 0xcfc-0xcff). Either way one lock serialises the accesses, since the
 * port pair is one latch for the whole machine.
 *
 * Enumeration walks bus 0 and, depth first, the secondary bus of every
 * PCI-PCI bridge (header type 1) as the firmware numbered it; Petrel does
 * not renumber buses or move BARs. The array of devices is filled once at
 * boot and never changes (no hot-plug).
 */
#include <petrel/acpi.h>
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/iommu.h>
#include <petrel/lib.h>
#include <petrel/p2m.h>
#include <petrel/pci.h>
#include <petrel/physmap.h>
#include <petrel/pirq.h>
#include <petrel/printk.h>
#include <petrel/spinlock.h>
#include <petrel/vmap.h>
#include <x86/hvm/hvm.h>
#include <x86/processor.h>
#include <x86/time.h>

#define CF8_ENABLE      0x80000000u

static spinlock_t conf_lock = SPINLOCK_INIT;   /* the 0xcf8 latch, ECAM order */
static volatile uint8_t *ecam;                 /* bus ecam_bus_start's page 0 */
static unsigned int ecam_bus_start, ecam_bus_end;
static struct pci_dev devs[PCI_MAX_DEVICES];
static unsigned int nr_devs;

static volatile uint8_t *ecam_addr(uint16_t bdf, unsigned int reg)
{
    unsigned int bus = PCI_BUS(bdf);

    if (!ecam || bus < ecam_bus_start || bus > ecam_bus_end)
        return NULL;
    return ecam + ((uint64_t)(bdf - (ecam_bus_start << 8)) << 12) + reg;
}

static bool access_ok(unsigned int reg, unsigned int size, bool ext)
{
    return (size == 1 || size == 2 || size == 4) && !(reg & (size - 1)) &&
           reg < (ext ? 4096u : PCI_CFG_SIZE);
}

uint32_t pci_conf_read(uint16_t bdf, unsigned int reg, unsigned int size)
{
    volatile uint8_t *p = ecam_addr(bdf, 0);
    uint32_t v = ~0u;
    unsigned long flags;

    if (!access_ok(reg, size, p != NULL))
        return ~0u;
    flags = spin_lock_irqsave(&conf_lock);
    if (p) {
        p += reg;
        v = size == 1 ? *p : size == 2 ? *(volatile uint16_t *)p : *(volatile uint32_t *)p;
    } else {
        outl(0xcf8, CF8_ENABLE | (uint32_t)bdf << 8 | (reg & 0xfc));
        v = size == 1 ? inb(0xcfc + (reg & 3)) : size == 2 ? inw(0xcfc + (reg & 2)) : inl(0xcfc);
    }
    spin_unlock_irqrestore(&conf_lock, flags);
    return v;
}

void pci_conf_write(uint16_t bdf, unsigned int reg, unsigned int size, uint32_t v)
{
    volatile uint8_t *p = ecam_addr(bdf, 0);
    unsigned long flags;

    if (!access_ok(reg, size, p != NULL))
        return;
    flags = spin_lock_irqsave(&conf_lock);
    if (p) {
        p += reg;
        if (size == 1)
            *p = v;
        else if (size == 2)
            *(volatile uint16_t *)p = v;
        else
            *(volatile uint32_t *)p = v;
    } else {
        outl(0xcf8, CF8_ENABLE | (uint32_t)bdf << 8 | (reg & 0xfc));
        if (size == 1)
            outb(0xcfc + (reg & 3), v);
        else if (size == 2)
            outw(0xcfc + (reg & 2), v);
        else
            outl(0xcfc, v);
    }
    spin_unlock_irqrestore(&conf_lock, flags);
}

static uint32_t hw_read(void *ctx, uint16_t bdf, unsigned int reg, unsigned int size)
{
    (void)ctx;
    return pci_conf_read(bdf, reg, size);
}

static void hw_write(void *ctx, uint16_t bdf, unsigned int reg, unsigned int size, uint32_t v)
{
    (void)ctx;
    pci_conf_write(bdf, reg, size, v);
}

static const struct pci_cfg_ops hw_ops = { hw_read, hw_write };

static void log_dev(const struct pci_dev *d)
{
    char line[256];
    size_t at;

    at = snprintf(line, sizeof(line), "PCI %04x:%02x:%02x.%u %04x:%04x class %06x%s",
                  d->seg, PCI_BUS(d->bdf), PCI_SLOT(d->bdf), PCI_FUNC(d->bdf),
                  d->vendor, d->device, d->class, d->hdr_type == 1 ? " bridge" : "");
    for (unsigned int i = 0; i < d->nr_bars && at < sizeof(line); i++) {
        const struct pci_bar *b = &d->bar[i];

        if (b->size)
            at += snprintf(line + at, sizeof(line) - at, " bar%u=%s%#lx+%#lx%s", i,
                           b->io ? "io:" : "", b->base, b->size,
                           b->mem64 ? (b->prefetch ? "/64p" : "/64") : b->prefetch ? "/p" : "");
    }
    if (d->msi_cap && at < sizeof(line))
        at += snprintf(line + at, sizeof(line) - at, " msi%s%s", d->msi_64bit ? "/64" : "",
                       d->msi_maskable ? "/mask" : "");
    if (d->msix_cap && at < sizeof(line))
        snprintf(line + at, sizeof(line) - at, " msix=%u@bar%u+%#x,pba@bar%u+%#x",
                 d->msix_size, d->msix_table_bir, d->msix_table_off, d->msix_pba_bir,
                 d->msix_pba_off);
    pr_info("%s\n", line);
}

static void scan_bus(unsigned int bus, unsigned int depth);

static void scan_fn(uint16_t bdf, unsigned int depth, bool *multi)
{
    struct pci_dev *d;

    if (nr_devs == PCI_MAX_DEVICES) {
        if (pci_conf_read(bdf, PCI_VENDOR_ID, 2) != 0xffff)
            pr_warn("PCI %02x:%02x.%u: more than %u functions; ignored\n", PCI_BUS(bdf),
                    PCI_SLOT(bdf), PCI_FUNC(bdf), PCI_MAX_DEVICES);
        return;
    }
    d = &devs[nr_devs];
    if (pci_probe(&hw_ops, NULL, bdf, d))
        return;
    nr_devs++;
    if (PCI_FUNC(bdf) == 0)
        *multi = pci_conf_read(bdf, PCI_HEADER_TYPE, 1) & PCI_HEADER_MULTI;
    log_dev(d);
    if (d->hdr_type == 1) {
        unsigned int sec = pci_conf_read(bdf, PCI_SECONDARY_BUS, 1);

        /* A bridge the firmware left unnumbered, or one that points back
         * up, is not followed. */
        if (sec > PCI_BUS(bdf) && depth < 32)
            scan_bus(sec, depth + 1);
    }
}

static void scan_bus(unsigned int bus, unsigned int depth)
{
    for (unsigned int dev = 0; dev < 32; dev++) {
        bool multi = false;

        for (unsigned int fn = 0; fn < 8; fn++) {
            scan_fn(PCI_BDF(bus, dev, fn), depth, &multi);
            if (!multi)
                break;
        }
    }
}

static void ecam_init(const struct acpi_info *ai)
{
    for (unsigned int i = 0; i < ai->nr_mcfg; i++) {
        const struct acpi_mcfg *m = &ai->mcfg[i];
        uint64_t len = (uint64_t)(m->bus_end - m->bus_start + 1) << 20;

        if (m->segment != 0 || m->bus_end < m->bus_start)
            continue;
        /* The MCFG's base is that of bus 0 even when bus_start is not. */
        ecam = ioremap(m->base + ((uint64_t)m->bus_start << 20), len);
        if (!ecam) {
            pr_warn("PCI: cannot map ECAM at %#lx; using ports 0xcf8/0xcfc\n", m->base);
            return;
        }
        ecam_bus_start = m->bus_start;
        ecam_bus_end = m->bus_end;
        pr_info("PCI: ECAM at %#lx for buses %02x-%02x\n", m->base, m->bus_start, m->bus_end);
        return;
    }
    pr_info("PCI: no MCFG for segment 0; config space through ports 0xcf8/0xcfc\n");
}

/* Map d's MSI-X table for drivers/msi.c, if it lies inside its BAR. */
static void map_msix_table(struct pci_dev *d)
{
    const struct pci_bar *b = &d->bar[d->msix_table_bir];
    uint64_t len = (uint64_t)d->msix_size * PCI_MSIX_ENTRY_SIZE;

    if (b->io || !b->base || d->msix_table_off + len > b->size) {
        pr_warn("PCI %02x:%02x.%u: MSI-X table at BAR%u+%#x outside the BAR; no MSI-X\n",
                PCI_BUS(d->bdf), PCI_SLOT(d->bdf), PCI_FUNC(d->bdf), d->msix_table_bir,
                d->msix_table_off);
        return;
    }
    d->msix_table = ioremap(b->base + d->msix_table_off, len);
    if (!d->msix_table)
        pr_warn("PCI %02x:%02x.%u: cannot map the MSI-X table; no MSI-X\n",
                PCI_BUS(d->bdf), PCI_SLOT(d->bdf), PCI_FUNC(d->bdf));
}

void pci_init(const struct acpi_info *ai)
{
    ecam_init(ai);
    scan_bus(0, 0);
    for (unsigned int i = 0; i < nr_devs; i++)
        if (devs[i].msix_cap)
            map_msix_table(&devs[i]);
    pr_info("PCI: %u functions\n", nr_devs);
}

unsigned int pci_nr_devs(void)
{
    return nr_devs;
}

struct pci_dev *pci_dev_at(unsigned int i)
{
    return i < nr_devs ? &devs[i] : NULL;
}

struct pci_dev *pci_find(uint16_t seg, uint16_t bdf)
{
    for (unsigned int i = 0; i < nr_devs; i++)
        if (devs[i].seg == seg && devs[i].bdf == bdf)
            return &devs[i];
    return NULL;
}

void pci_assign_all(struct domain *d)
{
    for (unsigned int i = 0; i < nr_devs; i++) {
        if (devs[i].hv_owned)
            continue;
        devs[i].owner = d;
        iommu_assign_device(d, &devs[i]);     /* logs what fails */
    }
}

/* ---- passthrough: a function changing hands ------------------------------
 *
 * A function moves from dom0 to a guest (assign) and back (deassign, or the
 * guest's destruction) in steps that each leave it safe: no owner while it
 * moves (config space reads all-ones for both, no pirq can be mapped), its
 * decoding and bus mastering off, its BAR pages out of the old owner's p2m
 * and flushed before its DMA context moves, and mapped into the new owner's
 * last. assign_lock serialises the checks; a function being moved carries
 * 'moving', so a second request for it is -EBUSY rather than a wait: the
 * move itself runs with no lock held, since it waits for vCPUs
 * (hvm_flush_p2m_sync()) and, for an FLR, 100 ms. Lock order: assign_lock,
 * then the physmap lock, the p2m's, the pirq lock.
 */

static spinlock_t assign_lock = SPINLOCK_INIT;  /* 'assignable', 'moving' */

static void log_fn(const struct pci_dev *dev, const char *what, unsigned int id)
{
    pr_info("PCI %04x:%02x:%02x.%u: %s %u\n", dev->seg, PCI_BUS(dev->bdf),
            PCI_SLOT(dev->bdf), PCI_FUNC(dev->bdf), what, id);
}

static bool p2m_present(void *ctx, uint64_t gfn, unsigned int *skip)
{
    struct domain *d = ctx;

    return p2m_lookup(d->p2m, gfn, NULL, NULL, skip, NULL) != -ENOENT;
}

/* Does one of dev's BAR pages hold another function's registers too? */
static bool shares_page(const struct pci_dev *dev)
{
    for (unsigned int i = 0; i < nr_devs; i++)
        if (&devs[i] != dev && pci_bars_share_page(dev, &devs[i]))
            return true;
    return false;
}

/* dev's BARs into d's p2m, if every page they need is free there. */
static int map_bars_into(struct domain *d, struct pci_dev *dev)
{
    int rc;

    physmap_lock();
    rc = pci_bars_busy(dev, p2m_present, d);
    if (!rc)
        rc = pci_bars_map(d, dev);
    physmap_unlock();
    return rc;
}

static void end_move(struct pci_dev *dev)
{
    spin_lock(&assign_lock);
    dev->moving = false;
    spin_unlock(&assign_lock);
}

static int begin_assign(struct domain *d, struct pci_dev *dev)
{
    struct pci_assign_facts f = {
        .target_privileged = d->privileged,
        .target_dying = __atomic_load_n(&d->dying, __ATOMIC_ACQUIRE),
        .iommu_on = iommu_enabled(),
    };
    int rc;

    spin_lock(&assign_lock);
    if (dev) {
        f.owner_dom0 = dev->owner && dev->owner->privileged;
        f.pirq_mapped = pirq_dev_mapped(dev);
    }
    rc = pci_assign_check(dev, &f);
    /* Another function's registers, or its DMA, would go along with it. */
    if (!rc && (shares_page(dev) || iommu_shares_requester(dev)))
        rc = -EBUSY;
    if (!rc) {
        physmap_lock();
        rc = pci_bars_busy(dev, p2m_present, d);
        physmap_unlock();
    }
    if (!rc)
        dev->moving = true;
    spin_unlock(&assign_lock);
    return rc;
}

static uint16_t quiesce(struct pci_dev *dev)
{
    uint16_t cmd = pci_conf_read(dev->bdf, PCI_COMMAND, 2);

    pci_conf_write(dev->bdf, PCI_COMMAND, 2,
                   cmd & ~(PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY | PCI_COMMAND_IO));
    return cmd;
}

/* dev, dom0's (from) and checked, to d. Undoes every step on failure. */
static int move_to_guest(struct domain *d, struct pci_dev *dev, struct domain *from)
{
    uint16_t cmd;
    int rc = pirq_dev_take(dev, from);

    if (rc)
        return rc;
    cmd = quiesce(dev);
    pci_bars_unmap(from, dev);
    iommu_release_device(from, dev);
    rc = iommu_assign_device(d, dev);
    if (rc == -ENODEV)
        rc = -EOPNOTSUPP;           /* no IOMMU unit would translate its DMA */
    if (!rc)
        rc = map_bars_into(d, dev);
    if (!rc) {
        vpci_reset(dev);
        pirq_dev_give(dev, d);
        return 0;
    }
    pci_bars_unmap(d, dev);
    iommu_release_device(d, dev);
    iommu_assign_device(from, dev);
    if (map_bars_into(from, dev))
        log_fn(dev, "BARs could not be mapped back for domain", from->id);
    pci_conf_write(dev->bdf, PCI_COMMAND, 2, cmd);
    vpci_reset(dev);
    pirq_dev_give(dev, from);
    return rc;
}

int pci_assign_device(struct domain *d, uint16_t seg, uint16_t bdf)
{
    struct pci_dev *dev = pci_find(seg, bdf);
    int rc = begin_assign(d, dev);

    if (rc)
        return rc;
    /* The owner is dom0 and stays so: only a move changes it. */
    rc = move_to_guest(d, dev, dev->owner);
    end_move(dev);
    if (rc)
        pr_warn("PCI %04x:%02x:%02x.%u: not assigned to domain %u (error %d)\n", seg,
                PCI_BUS(bdf), PCI_SLOT(bdf), PCI_FUNC(bdf), d->id, rc);
    else
        log_fn(dev, "assigned to domain", d->id);
    if (!rc && !iommu_irq_remapping())
        pr_warn("PCI %04x:%02x:%02x.%u: no interrupt remapping: domain %u can make it "
                "raise any vector\n", seg, PCI_BUS(bdf), PCI_SLOT(bdf), PCI_FUNC(bdf), d->id);
    return rc;
}

static void delay_ms(unsigned int ms)
{
    /* A busy wait: Petrel has no sleeping primitive, and this runs on
     * dom0's hypercall or the reaper, each for one function at a time. */
    udelay(ms * 1000ull);
}

/* The control domain if it is still there (a reference), else NULL. */
static struct domain *live_dom0(void)
{
    struct domain *c = domain_by_id(0);

    if (c && (!c->privileged || __atomic_load_n(&c->dying, __ATOMIC_ACQUIRE))) {
        domain_put(c);
        c = NULL;
    }
    return c;
}

/* dev, d's (a guest's) and marked moving, back to dom0, or to nobody. */
static void return_device(struct domain *d, struct pci_dev *dev)
{
    struct domain *c;
    bool flr;

    pirq_dev_release(dev, d);       /* MSI off; no owner from here */
    pci_bars_unmap(d, dev);
    flr = pci_reset_function(&hw_ops, NULL, dev, delay_ms);
    iommu_release_device(d, dev);
    vpci_reset(dev);
    c = live_dom0();
    if (!c) {
        pr_info("PCI %04x:%02x:%02x.%u: released by domain %u, left with no owner (dom0 is "
                "gone): its DMA is blocked\n", dev->seg, PCI_BUS(dev->bdf), PCI_SLOT(dev->bdf),
                PCI_FUNC(dev->bdf), d->id);
        return;
    }
    iommu_assign_device(c, dev);    /* logs what fails */
    if (map_bars_into(c, dev))
        log_fn(dev, "BARs could not be mapped back for domain", c->id);
    pirq_dev_give(dev, c);
    pr_info("PCI %04x:%02x:%02x.%u: returned to dom0 (%s)\n", dev->seg, PCI_BUS(dev->bdf),
            PCI_SLOT(dev->bdf), PCI_FUNC(dev->bdf), flr ? "FLR" : "command register cleared");
    domain_put(c);
}

int pci_deassign_device(struct domain *d, uint16_t seg, uint16_t bdf)
{
    struct pci_dev *dev = pci_find(seg, bdf);
    int rc;

    spin_lock(&assign_lock);
    rc = pci_deassign_check(dev, d->privileged, __atomic_load_n(&d->dying, __ATOMIC_ACQUIRE),
                            dev && dev->owner == d);
    if (!rc)
        dev->moving = true;
    spin_unlock(&assign_lock);
    if (rc)
        return rc;
    return_device(d, dev);
    end_move(dev);
    return 0;
}

void pci_release_domain(struct domain *d)
{
    for (unsigned int i = 0; i < nr_devs; i++) {
        struct pci_dev *dev = &devs[i];

        if (dev->owner != d)
            continue;
        if (!d->privileged) {
            bool mine;

            /* The reaper calls this twice: while d is still found by id
             * (a deassign may be moving dev: it holds a reference on d, so
             * the second call, once none is left, finds it settled), and
             * from domain_destroy(). */
            spin_lock(&assign_lock);
            mine = dev->owner == d && !dev->moving;
            if (mine)
                dev->moving = true;
            spin_unlock(&assign_lock);
            if (!mine)
                continue;
            return_device(d, dev);
            end_move(dev);
            continue;
        }
        iommu_release_device(d, dev);
        pirq_dev_give(dev, NULL);
        vpci_reset(dev);
    }
}

int pci_set_assignable(uint16_t seg, uint16_t bdf, bool add)
{
    struct pci_dev *d = pci_find(seg, bdf);
    int rc;

    spin_lock(&assign_lock);
    rc = pci_assignable_check(d, add, iommu_enabled(),
                              d && ((d->owner && !d->owner->privileged) || d->moving));
    if (!rc)
        d->assignable = add;
    spin_unlock(&assign_lock);
    if (rc == -EOPNOTSUPP)
        pr_warn("PCI %04x:%02x:%02x.%u: not assignable: no IOMMU remaps DMA, "
               "a guest's device could write anywhere (DESIGN D7)\n",
               seg, PCI_BUS(bdf), PCI_SLOT(bdf), PCI_FUNC(bdf));
    else if (!rc)
        pr_info("PCI %04x:%02x:%02x.%u: %s assignable\n", seg, PCI_BUS(bdf),
               PCI_SLOT(bdf), PCI_FUNC(bdf), add ? "now" : "no longer");
    return rc;
}
