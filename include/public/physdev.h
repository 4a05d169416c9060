/* SPDX-License-Identifier: MIT */
/*
 * physdev_op(cmd, arg) (__HYPERVISOR_physdev_op, 33): the physical devices
 * of the control domain. Xen's numbers and layouts; Petrel implements the
 * MSI/MSI-X path of a PVH control domain that drives PCI devices
 * (docs/pci.md):
 *
 *   1. dom0 finds its devices through PCI config space (ports 0xcf8/0xcfc,
 *      mediated by Petrel: devices Petrel keeps are absent, the MSI and
 *      MSI-X capabilities are Petrel's to program).
 *   2. PHYSDEVOP_map_pirq, type MAP_PIRQ_TYPE_MSI_SEG: bus = (segment << 16)
 *      | bus, devfn, entry_nr = the MSI-X table entry (MSI: 0), index = -1,
 *      pirq = -1 (any) ; OUT pirq. Petrel gives the interrupt a host vector,
 *      programs the entry (or the MSI capability) and enables it.
 *   3. EVTCHNOP_bind_pirq(pirq): a port of dom0 that fires on each
 *      interrupt (edge: no EOI). Closing the port stops the delivery;
 *      PHYSDEVOP_unmap_pirq masks the entry and frees the vector.
 */
#ifndef PUBLIC_PHYSDEV_H
#define PUBLIC_PHYSDEV_H

#include <stdint.h>
#include "xen.h"

#define PHYSDEVOP_eoi                   12  /* struct physdev_eoi */
#define PHYSDEVOP_irq_status_query      5   /* struct physdev_irq_status_query */
#define PHYSDEVOP_map_pirq              13  /* struct physdev_map_pirq */
#define PHYSDEVOP_unmap_pirq            14  /* struct physdev_unmap_pirq */

#define MAP_PIRQ_TYPE_MSI               0x0
#define MAP_PIRQ_TYPE_GSI               0x1
#define MAP_PIRQ_TYPE_UNKNOWN           0x2
#define MAP_PIRQ_TYPE_MSI_SEG           0x3
#define MAP_PIRQ_TYPE_MULTI_MSI         0x4

struct physdev_map_pirq {
    domid_t domid;              /* IN: DOMID_SELF or the caller */
    uint16_t pad;
    int32_t type;               /* IN: MAP_PIRQ_TYPE_* */
    int32_t index;              /* IN: GSI, or -1 for MSI */
    int32_t pirq;               /* IN (-1: any) / OUT */
    int32_t bus;                /* IN: MSI_SEG: segment in the high 16 bits */
    int32_t devfn;              /* IN */
    int32_t entry_nr;           /* IN: MSI-X table entry; 0 for MSI */
    uint32_t pad2;              /* the 64-bit ABI's padding, explicit for -m32 */
    uint64_t table_base;        /* IN: nonzero: MSI-X (as Xen's Linux passes the
                                   table's address; Petrel reads the BAR
                                   itself); 0: MSI if the function has it,
                                   else MSI-X */
};
PETREL_ABI_SIZE(struct physdev_map_pirq, 40);
PETREL_ABI_OFFSET(struct physdev_map_pirq, type, 4);
PETREL_ABI_OFFSET(struct physdev_map_pirq, table_base, 32);

struct physdev_unmap_pirq {
    domid_t domid;              /* IN */
    uint16_t pad;
    int32_t pirq;               /* IN */
};
PETREL_ABI_SIZE(struct physdev_unmap_pirq, 8);

struct physdev_eoi {
    uint32_t irq;               /* IN: pirq */
};
PETREL_ABI_SIZE(struct physdev_eoi, 4);

#define XENIRQSTAT_needs_eoi    (1u << 0)
#define XENIRQSTAT_shared       (1u << 1)
struct physdev_irq_status_query {
    uint32_t irq;               /* IN: pirq */
    uint32_t flags;             /* OUT: XENIRQSTAT_* */
};
PETREL_ABI_SIZE(struct physdev_irq_status_query, 8);

#endif
