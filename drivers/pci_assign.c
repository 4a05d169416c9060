// SPDX-License-Identifier: MIT
/*
 * Which PCI functions may be marked as assignable to guests
 * (PETREL_SYSCTL_pci_assignable). Pure: the caller says whether an IOMMU
 * remaps DMA and whether a guest holds the function; unit-tested in
 * test/unit/test_pci_assign.c.
 */
#include <petrel/errno.h>
#include <petrel/pci.h>

int pci_assignable_check(const struct pci_dev *dev, bool add, bool iommu_on, bool held_by_guest)
{
    if (!dev)
        return -ENODEV;
    if (dev->hv_owned)
        return -EPERM;
    if (add)
        return iommu_on ? 0 : -EOPNOTSUPP;
    return held_by_guest ? -EBUSY : 0;
}
