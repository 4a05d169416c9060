// SPDX-License-Identifier: MIT
/*
 * PCI config space, mediated, for whichever domain owns a function (dom0,
 * or a guest it was passed to): configuration mechanism #1 (ports
 * 0xcf8/0xcfc-0xcff, PCI Local Bus 3.0, 3.2.2.3.2) with the address latch
 * kept per domain. A guest sees its function at its host bus:dev.fn.
 *
 * For a function the domain owns, reads show the hardware, except a BAR
 * that the domain has just written all-ones to, which reads as its sizing
 * mask (as hardware would; the BAR itself keeps its address: Petrel maps
 * BARs where the firmware put them, docs/pci.md). Writes reach the
 * hardware, except:
 *  - BARs: all-ones starts sizing; the BAR's own value ends it; any other
 *    value is ignored (logged once per function); the expansion ROM BAR
 *    is read-only;
 *  - the MSI and MSI-X capabilities: Petrel's (drivers/msi.c programs
 *    them for PHYSDEVOP_map_pirq), so writes are ignored;
 *  - a host bridge is read-only; a PCI-PCI bridge takes only COMMAND (its
 *    bus numbers and windows are the firmware's);
 *  - a guest's write to Device Control does not reach its Initiate FLR
 *    bit: a reset would clear the BARs Petrel mapped it (Petrel resets
 *    the function itself when it changes hands);
 *  - accesses that are not naturally aligned are dropped (reads: all-ones).
 * Functions the domain does not own read all-ones and drop writes.
 */
#include <petrel/domain.h>
#include <petrel/pci.h>
#include <petrel/printk.h>
#include <petrel/spinlock.h>
#include <x86/hvm/hvm.h>

#define CF8_ENABLE      0x80000000u

static spinlock_t vpci_lock = SPINLOCK_INIT;   /* bar_sizing, bar_warned */

static uint32_t size_mask(unsigned int size)
{
    return size == 4 ? ~0u : (1u << (8 * size)) - 1;
}

static bool in_range(unsigned int reg, unsigned int size, unsigned int start, unsigned int len)
{
    return len && reg < start + len && start < reg + size;
}

/* The MSI capability's length: flags, address (32/64), data, then for a
 * maskable one the mask and pending words (PCI 3.0, 6.8.1). */
static unsigned int msi_cap_len(const struct pci_dev *dev)
{
    if (!dev->msi_cap)
        return 0;
    return (dev->msi_64bit ? 0x0e : 0x0a) + (dev->msi_maskable ? 0x0a : 0);
}

/* BAR slot i's sizing mask, as the hardware would read it back. */
static uint32_t bar_mask(const struct pci_dev *dev, unsigned int i)
{
    const struct pci_bar *b = &dev->bar[i];

    if (i && dev->bar[i - 1].mem64 && dev->bar[i - 1].size)
        return (~(dev->bar[i - 1].size - 1)) >> 32;
    if (!b->size)
        return 0;
    if (b->io)
        return ((uint32_t)~(b->size - 1) & ~3u) | PCI_BAR_IO;
    return ((uint32_t)~(b->size - 1) & ~0xfu) | (b->mem64 ? PCI_BAR_MEM64 : 0) |
           (b->prefetch ? PCI_BAR_PREFETCH : 0);
}

static int bar_slot(const struct pci_dev *dev, unsigned int reg)
{
    if (reg < PCI_BAR0 || reg >= PCI_BAR0 + 4u * dev->nr_bars)
        return -1;
    return (reg - PCI_BAR0) / 4;
}

static uint32_t dev_read(struct pci_dev *dev, unsigned int reg, unsigned int size)
{
    unsigned int dword = reg & ~3u;
    uint32_t v = pci_conf_read(dev->bdf, dword, 4);
    int slot = bar_slot(dev, dword);

    spin_lock(&vpci_lock);
    if (slot >= 0 && (dev->bar_sizing & BIT(slot)))
        v = bar_mask(dev, slot);
    spin_unlock(&vpci_lock);
    return (v >> (8 * (reg & 3))) & size_mask(size);
}

static void bar_write(struct domain *d, struct pci_dev *dev, unsigned int slot,
                      unsigned int size, uint32_t val)
{
    uint32_t now = pci_conf_read(dev->bdf, PCI_BAR0 + 4 * slot, 4);
    bool warn = false;

    spin_lock(&vpci_lock);
    if (size == 4 && val == ~0u) {
        dev->bar_sizing |= BIT(slot);
    } else {
        dev->bar_sizing &= ~BIT(slot);
        warn = (size != 4 || val != now) && !dev->bar_warned;
        dev->bar_warned |= warn;
    }
    spin_unlock(&vpci_lock);
    if (warn)
        pr_warn("vpci: domain %u wrote %#x to BAR%u of %02x:%02x.%u (at %#x): ignored; "
                "BARs stay where the firmware put them\n", d->id, val, slot,
                PCI_BUS(dev->bdf), PCI_SLOT(dev->bdf), PCI_FUNC(dev->bdf), now);
}

static bool write_allowed(const struct pci_dev *dev, unsigned int reg, unsigned int size)
{
    if (dev->class >> 8 == 0x0600)                  /* host bridge: read-only */
        return false;
    if (dev->hdr_type != 0)
        return in_range(reg, size, PCI_COMMAND, 2) && !in_range(reg, size, PCI_STATUS, 2);
    if (in_range(reg, size, PCI_ROM_ADDRESS, 4))
        return false;
    if (in_range(reg, size, dev->msi_cap, msi_cap_len(dev)))
        return false;
    return !in_range(reg, size, dev->msix_cap, dev->msix_cap ? 12 : 0);
}

/* val without the Initiate FLR bit, where the write covers it (a guest's). */
static uint32_t without_flr(const struct pci_dev *dev, unsigned int reg, unsigned int size,
                            uint32_t val)
{
    unsigned int bit = dev->exp_cap + PCI_EXP_DEVCTL + 1;     /* bit 15: byte 1, bit 7 */

    if (!dev->exp_cap || !in_range(reg, size, bit, 1))
        return val;
    return val & ~(0x80u << (8 * (bit - reg)));
}

static void dev_write(struct domain *d, struct pci_dev *dev, unsigned int reg,
                      unsigned int size, uint32_t val)
{
    int slot = dev->hdr_type == 0 ? bar_slot(dev, reg & ~3u) : -1;

    if (!d->privileged)
        val = without_flr(dev, reg, size, val);
    if (slot >= 0)
        bar_write(d, dev, slot, size, val);
    else if (write_allowed(dev, reg, size))
        pci_conf_write(dev->bdf, reg, size, val & size_mask(size));
}

static void data_port(struct domain *d, unsigned int off, unsigned int size, bool in,
                      uint32_t *val)
{
    uint32_t latch = d->pci_cf8;
    unsigned int reg = (latch & 0xfc) | off;
    struct pci_dev *dev = NULL;

    if ((latch & CF8_ENABLE) && off + size <= 4 && !(reg & (size - 1)))
        dev = pci_find(0, (latch >> 8) & 0xffff);
    if (dev && dev->owner != d)
        dev = NULL;
    if (in)
        *val = dev ? dev_read(dev, reg, size) : size_mask(size);
    else if (dev)
        dev_write(d, dev, reg, size, *val);
}

void vpci_io(struct vcpu *v, unsigned int port, unsigned int size, bool in, uint32_t *val)
{
    struct domain *d = v->domain;

    if (port >= 0xcfc) {
        data_port(d, port - 0xcfc, size, in, val);
        return;
    }
    /* The latch is a dword register; other widths at 0xcf8-0xcfb reach
     * nothing (mechanism #2's ports, which Petrel does not offer). */
    if (port != 0xcf8 || size != 4) {
        if (in)
            *val = size_mask(size);
        return;
    }
    if (in)
        *val = d->pci_cf8;
    else
        d->pci_cf8 = *val & 0x80fffffc;
}

void vpci_reset(struct pci_dev *dev)
{
    spin_lock(&vpci_lock);
    dev->bar_sizing = 0;
    dev->bar_warned = false;
    spin_unlock(&vpci_lock);
}
