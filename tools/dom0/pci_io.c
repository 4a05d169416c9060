// SPDX-License-Identifier: MIT
/*
 * dom0's PCI configuration space through mechanism #1 (ports 0xcf8 and
 * 0xcfc, which Petrel mediates), and its BARs made reachable: below 4 GiB
 * head.S's identity map already covers them (Petrel maps dom0's BARs
 * uncached at gfn == mfn, which the nested page tables' type enforces);
 * above, the pages are added to dom0's page tables, identity, uncached;
 * and a function's MSI/MSI-X entries bound to event channels.
 * One vCPU, everything from the event loop: no lock around the two ports.
 */
#include <public/errno.h>
#include <public/physdev.h>
#include "../libhv/libhv.h"
#include "dom0.h"
#include "hypercall.h"
#include "pci.h"
#include "test.h"
#include "x86.h"

#define PCI_CONF_ADDR   0xcf8
#define PCI_CONF_DATA   0xcfc

static void conf_select(uint8_t bus, uint8_t devfn, unsigned int off)
{
    outl(PCI_CONF_ADDR, 0x80000000u | (uint32_t)bus << 16 | (uint32_t)devfn << 8 |
                        (off & 0xfc));
}

uint32_t pci_cfg_read(uint8_t bus, uint8_t devfn, unsigned int off, unsigned int size)
{
    uint16_t port = PCI_CONF_DATA + (off & 3);

    conf_select(bus, devfn, off);
    return size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
}

void pci_cfg_write(uint8_t bus, uint8_t devfn, unsigned int off, unsigned int size,
                   uint32_t val)
{
    uint16_t port = PCI_CONF_DATA + (off & 3);

    conf_select(bus, devfn, off);
    if (size == 1)
        outb(port, val);
    else if (size == 2)
        outw(port, val);
    else
        outl(port, val);
}

void *pci_map_bar(struct pci_dev *d, unsigned int i)
{
    struct pci_bar *b = i < PCI_BARS ? &d->bar[i] : NULL;
    uint16_t cmd;

    if (!b || !b->size || (b->flags & PCI_BAR_IO))
        return NULL;
    if (b->base < fmap_base + FMAP_SIZE && b->base + b->size > fmap_base) {
        printf("dom0: pci %02x:%02x.%u: BAR %u at %#lx is inside the foreign-map "
               "window; not used\n", d->bus, PCI_SLOT(d->devfn), PCI_FUNC(d->devfn), i,
               (unsigned long)b->base);
        return NULL;
    }
    if (!b->va) {
        for (uint64_t a = b->base & ~(PAGE_SIZE - 1); a < b->base + b->size; a += PAGE_SIZE)
            if (a >= GiB(4) && pt_map_page_uc(a, a))
                return NULL;        /* the pages already mapped stay */
        b->va = (void *)(uintptr_t)b->base;
    }
    cmd = pci_read(d, PCI_COMMAND, 2);
    pci_write(d, PCI_COMMAND, 2,
              cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_OFF);
    return b->va;
}

int pci_msi_bind(const struct pci_dev *d, unsigned int entry, const char *name, int *pirq,
                 evtchn_port_t *port)
{
    struct physdev_map_pirq m = {
        .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MSI_SEG, .index = -1, .pirq = -1,
        .bus = (int32_t)d->seg << 16 | d->bus, .devfn = d->devfn, .entry_nr = entry,
    };
    struct evtchn_bind_pirq b = { 0 };
    long rc;

    if ((rc = hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq, (uintptr_t)&m,
                        0, 0, 0))) {
        printf("dom0: %s: PHYSDEVOP_map_pirq (MSI-X entry %u): %s (-%s)\n", name, entry,
               hv_strerror(rc), hv_errname(rc));
        return rc;
    }
    b.pirq = m.pirq;
    if ((rc = hypervisor_event_channel_op(EVTCHNOP_bind_pirq, &b))) {
        printf("dom0: %s: EVTCHNOP_bind_pirq(%d): %s (-%s)\n", name, m.pirq,
               hv_strerror(rc), hv_errname(rc));
        return rc;
    }
    *pirq = m.pirq;
    *port = b.port;
    return 0;
}
