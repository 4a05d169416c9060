/* SPDX-License-Identifier: MIT */
/*
 * dom0's PCI devices (docs/virtio.md): what Petrel lets dom0 see through
 * configuration mechanism #1 (ports 0xcf8/0xcfc, mediated: the devices
 * Petrel keeps are absent and the MSI/MSI-X capabilities are Petrel's to
 * program). pci.c is pure: it walks buses, decodes BARs and capability
 * lists through pci_cfg_read/pci_cfg_write, which pci_io.c implements
 * with the ports (a host test, with a fake configuration space).
 *
 * Everything a device says is checked: a capability list that loops or
 * points outside the header, a BAR that overflows, a bridge whose
 * secondary bus is already taken are cut short, never followed.
 */
#ifndef DOM0_PCI_H
#define DOM0_PCI_H

#include <stdbool.h>
#include <stdint.h>
#include <public/event_channel.h>

#define PCI_VENDOR_ID           0x00
#define PCI_DEVICE_ID           0x02
#define PCI_COMMAND             0x04
#define  PCI_COMMAND_IO         0x0001
#define  PCI_COMMAND_MEMORY     0x0002
#define  PCI_COMMAND_MASTER     0x0004
#define  PCI_COMMAND_INTX_OFF   0x0400
#define PCI_STATUS              0x06
#define  PCI_STATUS_CAP_LIST    0x0010
#define PCI_REVISION            0x08
#define PCI_CLASS_PROG          0x09
#define PCI_HEADER_TYPE         0x0e
#define  PCI_HEADER_MULTI       0x80
#define PCI_BAR0                0x10
#define PCI_SECONDARY_BUS       0x19
#define PCI_SUBSYS_VENDOR       0x2c
#define PCI_SUBSYS_ID           0x2e
#define PCI_CAP_PTR             0x34
#define PCI_CFG_SIZE            256     /* what mechanism #1 reaches */

#define PCI_CAP_MSI             0x05
#define PCI_CAP_VENDOR          0x09
#define PCI_CAP_MSIX            0x11
#define PCI_MSIX_FLAGS          2       /* le16: table size - 1 in 10:0 */

#define PCI_BARS                6
#define PCI_BAR_IO              (1u << 0)
#define PCI_BAR_MEM64           (1u << 1)
#define PCI_BAR_PREFETCH        (1u << 2)

struct pci_bar {
    uint64_t base;              /* bus address as the firmware set it */
    uint64_t size;              /* 0: not implemented */
    uint32_t flags;             /* PCI_BAR_* */
    void *va;                   /* where dom0 reaches it (pci_map_bar) */
};

struct pci_dev {
    uint16_t seg;
    uint8_t bus, devfn;
    uint16_t vendor, device, subsys_vendor, subsys_id;
    uint8_t class, subclass, prog_if, revision, header_type;
    struct pci_bar bar[PCI_BARS];       /* type 0 headers only */
    const char *driver;                 /* the driver that took it, or NULL */
    struct pci_dev *next;
};

#define PCI_SLOT(devfn)         ((devfn) >> 3)
#define PCI_FUNC(devfn)         ((devfn) & 7)

/* ---- configuration space access: pci_io.c (ports), or a test's fake ---- */
/* size 1, 2 or 4 bytes at off (aligned to size, < PCI_CFG_SIZE). A read
 * of an absent function gives all ones. */
uint32_t pci_cfg_read(uint8_t bus, uint8_t devfn, unsigned int off, unsigned int size);
void pci_cfg_write(uint8_t bus, uint8_t devfn, unsigned int off, unsigned int size,
                   uint32_t val);

/* ---- pci.c ---- */
/* Find every function from bus 0 down through the bridges, size their
 * BARs (decoding is turned off while a BAR is probed) and list them, in
 * bus order: the number found. Allocates with malloc; call once. */
int pci_scan(void);
struct pci_dev *pci_first(void);
/* The first device at or after from (NULL: the start) with this vendor
 * and a device id in [dev_lo, dev_hi]. */
struct pci_dev *pci_find(struct pci_dev *from, uint16_t vendor, uint16_t dev_lo,
                         uint16_t dev_hi);
/* Offset of the first capability with id at or after the one at 'after'
 * (0: from the start of the list), or 0 if none. At most 48 are walked,
 * each inside the header and 4-byte aligned. */
unsigned int pci_cap_next(const struct pci_dev *d, uint8_t id, unsigned int after);
uint32_t pci_read(const struct pci_dev *d, unsigned int off, unsigned int size);
void pci_write(const struct pci_dev *d, unsigned int off, unsigned int size, uint32_t val);
/* A short name of the device's class ("storage", "network", "bridge"). */
const char *pci_class_name(const struct pci_dev *d);

/* ---- pci_io.c ---- */
/* Make the memory BAR reachable (dom0's identity map below 4 GiB; new
 * uncached page-table entries above) and turn on memory decoding and bus
 * mastering: its address, or NULL (an I/O BAR, an empty one, no page
 * table left). */
void *pci_map_bar(struct pci_dev *d, unsigned int bar);
/* MSI-X entry 'entry' of d (MSI: 0) as an event channel of dom0
 * (public/physdev.h): PHYSDEVOP_map_pirq (MAP_PIRQ_TYPE_MSI_SEG), then
 * EVTCHNOP_bind_pirq. 0 with *pirq and *port (not yet bound to a handler:
 * ports_bind()), or the hypervisor's error, printed with name. */
int pci_msi_bind(const struct pci_dev *d, unsigned int entry, const char *name, int *pirq,
                 evtchn_port_t *port);

#endif
