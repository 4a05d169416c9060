// SPDX-License-Identifier: MIT
/*
 * dom0's PCI enumeration (pci.h): bus 0, then every bridge's secondary bus
 * (each bus once), every function of every slot; BARs sized by the usual
 * all-ones probe with decoding off; capability lists walked with bounds.
 * Pure: configuration space only through pci_cfg_read/write.
 */
#include <stdlib.h>
#include <string.h>
#include "pci.h"

#define MAX_CAPS        48      /* (256 - 64) / 4: more means a loop */

static struct pci_dev *devices;
static struct pci_dev **devices_tail = &devices;
static uint64_t buses_seen[256 / 64];

uint32_t pci_read(const struct pci_dev *d, unsigned int off, unsigned int size)
{
    return pci_cfg_read(d->bus, d->devfn, off, size);
}

void pci_write(const struct pci_dev *d, unsigned int off, unsigned int size, uint32_t val)
{
    pci_cfg_write(d->bus, d->devfn, off, size, val);
}

/* Probe one 32-bit BAR register: what it reads with all ones written. */
static uint32_t bar_probe(const struct pci_dev *d, unsigned int off, uint32_t *orig)
{
    uint32_t mask;

    *orig = pci_read(d, off, 4);
    pci_write(d, off, 4, 0xffffffff);
    mask = pci_read(d, off, 4);
    pci_write(d, off, 4, *orig);
    return mask;
}

/* Decode BAR i (a 64-bit BAR takes i and i + 1): how many registers it
 * used. A size that is not a power of two, or a base not aligned to it or
 * wrapping past the top, leaves the BAR empty. */
static unsigned int bar_decode(struct pci_dev *d, unsigned int i)
{
    struct pci_bar *b = &d->bar[i];
    unsigned int off = PCI_BAR0 + 4 * i;
    uint32_t lo, hi_orig = 0, hi_mask = 0xffffffff;
    uint32_t mask = bar_probe(d, off, &lo);
    uint64_t m, size;
    bool none;

    if (lo & 1) {
        none = !(mask & ~3u);
        b->flags = PCI_BAR_IO;
        m = (mask & ~3u) | 0xffffffff00000000ull;
        if (!(mask >> 16))
            m |= 0xffff0000u;           /* a 16-bit I/O decoder */
        b->base = lo & ~3u;
    } else {
        b->flags = (lo & 8) ? PCI_BAR_PREFETCH : 0;
        if (((lo >> 1) & 3) == 2 && i + 1 < PCI_BARS) {
            b->flags |= PCI_BAR_MEM64;
            hi_mask = bar_probe(d, off + 4, &hi_orig);
        }
        none = !(mask & ~0xfu) && (!(b->flags & PCI_BAR_MEM64) || !hi_mask);
        m = ((uint64_t)hi_mask << 32) | (mask & ~0xfu);
        b->base = ((uint64_t)hi_orig << 32) | (lo & ~0xfu);
    }
    size = ~m + 1;
    if (none || !size || (size & (size - 1)) || (b->base & (size - 1)) ||
        b->base + size < b->base) {
        b->size = 0;
        b->base = 0;
    } else {
        b->size = size;
    }
    return (b->flags & PCI_BAR_MEM64) ? 2 : 1;
}

static void bars_decode(struct pci_dev *d)
{
    uint16_t cmd = pci_read(d, PCI_COMMAND, 2);

    /* No decoding while a BAR holds all ones (it would claim the top). */
    pci_write(d, PCI_COMMAND, 2, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    for (unsigned int i = 0; i < PCI_BARS;)
        i += bar_decode(d, i);
    pci_write(d, PCI_COMMAND, 2, cmd);
}

static void scan_bus(uint8_t bus);

static void add_function(uint8_t bus, uint8_t devfn)
{
    struct pci_dev *d = calloc(1, sizeof(*d));
    uint32_t class;

    if (!d)
        return;
    d->bus = bus;
    d->devfn = devfn;
    d->vendor = pci_read(d, PCI_VENDOR_ID, 2);
    d->device = pci_read(d, PCI_DEVICE_ID, 2);
    class = pci_read(d, PCI_REVISION, 4);
    d->revision = class & 0xff;
    d->prog_if = class >> 8;
    d->subclass = class >> 16;
    d->class = class >> 24;
    d->header_type = pci_read(d, PCI_HEADER_TYPE, 1);
    *devices_tail = d;
    devices_tail = &d->next;
    switch (d->header_type & 0x7f) {
    case 0:
        d->subsys_vendor = pci_read(d, PCI_SUBSYS_VENDOR, 2);
        d->subsys_id = pci_read(d, PCI_SUBSYS_ID, 2);
        bars_decode(d);
        break;
    case 1:                     /* PCI-to-PCI bridge */
        scan_bus(pci_read(d, PCI_SECONDARY_BUS, 1));
        break;
    }
}

static void scan_bus(uint8_t bus)
{
    if (buses_seen[bus / 64] & (1ull << (bus % 64)))
        return;                 /* bus 0 as a secondary, or a loop */
    buses_seen[bus / 64] |= 1ull << (bus % 64);
    for (unsigned int slot = 0; slot < 32; slot++) {
        unsigned int funcs = 1;

        for (unsigned int fn = 0; fn < funcs; fn++) {
            uint8_t devfn = slot << 3 | fn;

            if (pci_cfg_read(bus, devfn, PCI_VENDOR_ID, 2) == 0xffff)
                continue;
            if (!fn && (pci_cfg_read(bus, devfn, PCI_HEADER_TYPE, 1) & PCI_HEADER_MULTI))
                funcs = 8;
            add_function(bus, devfn);
        }
    }
}

int pci_scan(void)
{
    int n = 0;

    scan_bus(0);
    for (struct pci_dev *d = devices; d; d = d->next)
        n++;
    return n;
}

struct pci_dev *pci_first(void)
{
    return devices;
}

struct pci_dev *pci_find(struct pci_dev *from, uint16_t vendor, uint16_t dev_lo,
                         uint16_t dev_hi)
{
    for (struct pci_dev *d = from ? from : devices; d; d = d->next)
        if (d->vendor == vendor && d->device >= dev_lo && d->device <= dev_hi)
            return d;
    return NULL;
}

unsigned int pci_cap_next(const struct pci_dev *d, uint8_t id, unsigned int after)
{
    unsigned int off;

    if (!after) {
        if (!(pci_read(d, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
            return 0;
        off = pci_read(d, PCI_CAP_PTR, 1);
    } else {
        off = pci_read(d, after + 1, 1);
    }
    for (unsigned int n = 0; n < MAX_CAPS; n++) {
        off &= ~3u;
        if (off < 0x40 || off > PCI_CFG_SIZE - 4)
            return 0;
        if (pci_read(d, off, 1) == id)
            return off;
        off = pci_read(d, off + 1, 1);
    }
    return 0;
}

const char *pci_class_name(const struct pci_dev *d)
{
    static const char *const names[] = {
        "unclassified", "storage", "network", "display", "multimedia",
        "memory", "bridge", "communication", "system", "input", "docking",
        "processor", "serial bus",
    };

    return d->class < sizeof(names) / sizeof(names[0]) ? names[d->class] : "other";
}
