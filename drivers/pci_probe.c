// SPDX-License-Identifier: MIT
/*
 * What a PCI function's config header says: ids, class, BARs and the MSI
 * and MSI-X capabilities (PCI Local Bus 3.0, 6.1, 6.2.5, 6.7, 6.8). Pure:
 * every access goes through struct pci_cfg_ops, so the unit tests run it
 * over a fake config space (test/unit/test_pci.c).
 */
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <petrel/pci.h>

#define MAX_CAPS        48      /* (256 - 64) / 4: more means a loop */

static uint32_t rd(const struct pci_cfg_ops *ops, void *ctx, uint16_t bdf,
                   unsigned int reg, unsigned int size)
{
    return ops->read(ctx, bdf, reg, size);
}

unsigned int pci_bar_decode(uint32_t lo, uint32_t lo_mask, uint32_t hi, uint32_t hi_mask,
                            struct pci_bar *bar)
{
    memset(bar, 0, sizeof(*bar));
    if (lo & PCI_BAR_IO) {
        uint32_t m = lo_mask & ~3u;

        bar->io = true;
        if (!m)
            return 1;
        /* A 16-bit I/O decoder may read its upper half back as zeroes. */
        if (!(m & 0xffff0000u))
            m |= 0xffff0000u;
        bar->base = lo & ~3u;
        bar->size = (uint32_t)(~m + 1);
        return 1;
    }
    bar->prefetch = lo & PCI_BAR_PREFETCH;
    if ((lo & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM64) {
        uint64_t m = (uint64_t)hi_mask << 32 | (lo_mask & ~0xfu);

        bar->mem64 = true;
        bar->base = (uint64_t)hi << 32 | (lo & ~0xfu);
        bar->size = (lo_mask & ~0xfu) || hi_mask ? ~m + 1 : 0;
        return 2;
    }
    bar->base = lo & ~0xfu;
    bar->size = (lo_mask & ~0xfu) ? (uint32_t)(~(lo_mask & ~0xfu) + 1) : 0;
    return 1;
}

/* Size every BAR with decoding off (writing all-ones to a live BAR would
 * move it over whatever sits at the top of the address space). */
static void probe_bars(const struct pci_cfg_ops *ops, void *ctx, uint16_t bdf,
                       struct pci_dev *dev)
{
    uint32_t cmd = rd(ops, ctx, bdf, PCI_COMMAND, 2);

    ops->write(ctx, bdf, PCI_COMMAND, 2, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    for (unsigned int i = 0; i < dev->nr_bars;) {
        unsigned int reg = PCI_BAR0 + 4 * i;
        uint32_t lo = rd(ops, ctx, bdf, reg, 4), lo_mask, hi = 0, hi_mask = 0;
        bool wide = !(lo & PCI_BAR_IO) && (lo & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM64 &&
                    i + 1 < dev->nr_bars;

        ops->write(ctx, bdf, reg, 4, ~0u);
        lo_mask = rd(ops, ctx, bdf, reg, 4);
        ops->write(ctx, bdf, reg, 4, lo);
        if (wide) {
            hi = rd(ops, ctx, bdf, reg + 4, 4);
            ops->write(ctx, bdf, reg + 4, 4, ~0u);
            hi_mask = rd(ops, ctx, bdf, reg + 4, 4);
            ops->write(ctx, bdf, reg + 4, 4, hi);
        } else {
            lo &= ~(uint32_t)PCI_BAR_MEM64;     /* a 64-bit BAR in the last slot */
        }
        i += pci_bar_decode(lo, lo_mask, hi, hi_mask, &dev->bar[i]);
    }
    ops->write(ctx, bdf, PCI_COMMAND, 2, cmd);
}

static void probe_msi(const struct pci_cfg_ops *ops, void *ctx, uint16_t bdf,
                      struct pci_dev *dev, uint8_t pos)
{
    uint16_t flags = rd(ops, ctx, bdf, pos + PCI_MSI_FLAGS, 2);

    dev->msi_cap = pos;
    dev->msi_64bit = flags & PCI_MSI_FLAGS_64BIT;
    dev->msi_maskable = flags & PCI_MSI_FLAGS_MASKBIT;
}

static void probe_msix(const struct pci_cfg_ops *ops, void *ctx, uint16_t bdf,
                       struct pci_dev *dev, uint8_t pos)
{
    uint16_t flags = rd(ops, ctx, bdf, pos + PCI_MSIX_FLAGS, 2);
    uint32_t table = rd(ops, ctx, bdf, pos + PCI_MSIX_TABLE, 4);
    uint32_t pba = rd(ops, ctx, bdf, pos + PCI_MSIX_PBA, 4);

    /* A table in a BAR the function lacks cannot be used: no MSI-X. */
    if ((table & PCI_MSIX_BIR) >= dev->nr_bars || (pba & PCI_MSIX_BIR) >= dev->nr_bars)
        return;
    dev->msix_cap = pos;
    dev->msix_size = (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
    dev->msix_table_bir = table & PCI_MSIX_BIR;
    dev->msix_table_off = table & ~PCI_MSIX_BIR;
    dev->msix_pba_bir = pba & PCI_MSIX_BIR;
    dev->msix_pba_off = pba & ~PCI_MSIX_BIR;
}

static void probe_caps(const struct pci_cfg_ops *ops, void *ctx, uint16_t bdf,
                       struct pci_dev *dev)
{
    uint8_t pos;

    if (!(rd(ops, ctx, bdf, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
        return;
    pos = rd(ops, ctx, bdf, PCI_CAP_PTR, 1) & ~3u;
    for (unsigned int n = 0; n < MAX_CAPS && pos >= 0x40; n++) {
        uint8_t id = rd(ops, ctx, bdf, pos, 1);

        if (id == PCI_CAP_ID_MSI && !dev->msi_cap)
            probe_msi(ops, ctx, bdf, dev, pos);
        else if (id == PCI_CAP_ID_MSIX && !dev->msix_cap)
            probe_msix(ops, ctx, bdf, dev, pos);
        else if (id == PCI_CAP_ID_EXP && !dev->exp_cap)
            dev->exp_cap = pos;
        pos = rd(ops, ctx, bdf, pos + 1, 1) & ~3u;
    }
}

int pci_probe(const struct pci_cfg_ops *ops, void *ctx, uint16_t bdf, struct pci_dev *dev)
{
    uint32_t id = rd(ops, ctx, bdf, PCI_VENDOR_ID, 4);

    memset(dev, 0, sizeof(*dev));
    if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
        return -ENODEV;
    dev->bdf = bdf;
    dev->vendor = id & 0xffff;
    dev->device = id >> 16;
    dev->class = rd(ops, ctx, bdf, PCI_CLASS_REV, 4) >> 8;
    dev->hdr_type = rd(ops, ctx, bdf, PCI_HEADER_TYPE, 1) & ~PCI_HEADER_MULTI;
    dev->nr_bars = dev->hdr_type == 0 ? 6 : dev->hdr_type == 1 ? 2 : 0;
    probe_bars(ops, ctx, bdf, dev);
    probe_caps(ops, ctx, bdf, dev);
    return 0;
}
