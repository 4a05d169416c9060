// SPDX-License-Identifier: MIT
/*
 * hv pci-list, pci-assignable-add, pci-assignable-remove: the PCI
 * functions Petrel found, and which of them dom0 lets guests have
 * (PETREL_SYSCTL_pci_assignable; docs/pci.md, "Passthrough").
 */
#include <stdint.h>
#include <stdio.h>
#include <public/errno.h>
#include "../libhv/libhv.h"
#include "../libhv/pcidev.h"
#include "cmds.h"

#define PCI_CHUNK       16

int hv_cmd_pci_list(int argc, char **argv)
{
    struct petrel_pcidev_info list[PCI_CHUNK];
    uint32_t first = 0, nr, total;
    int rc;

    if (argc != 1)
        return hv_usage("pci-list");
    printf("%-12s %-9s %-6s %-6s %s\n", "BDF", "ID", "Class", "Owner", "Flags");
    do {
        if ((rc = hv_pci_list(first, list, PCI_CHUNK, &nr, &total)))
            return hv_fail("pci-list", rc);
        for (uint32_t i = 0; i < nr; i++) {
            const struct petrel_pcidev_info *p = &list[i];
            char owner[8];

            if (p->flags & PETREL_PCIDEV_no_owner)
                snprintf(owner, sizeof(owner), "-");
            else
                snprintf(owner, sizeof(owner), "%u", p->owner);
            printf("%04x:%02x:%02x.%u %04x:%04x %06x %-6s %s%s\n", p->seg, p->bdf >> 8,
                   (p->bdf >> 3) & 0x1f, p->bdf & 7, p->vendor, p->device, p->class,
                   owner, p->flags & PETREL_PCIDEV_assignable ? "assignable" : "",
                   p->flags & PETREL_PCIDEV_hv_owned ? "petrel" : "");
        }
        first += nr;
    } while (nr && first < total);
    return 0;
}

static int assignable(int argc, char **argv, const char *cmd, int add)
{
    uint16_t seg, bdf;
    int rc;

    if (argc != 2)
        return hv_usage(cmd);
    if (hv_parse_bdf(argv[1], &seg, &bdf)) {
        printf("hv: %s: '%s' is not [seg:]bus:dev.fn\n", cmd, argv[1]);
        return 1;
    }
    rc = hv_pci_assignable(seg, bdf, add);
    if (rc == -XEN_EOPNOTSUPP) {
        printf("hv: %s: no IOMMU remaps DMA: a guest's device could write anywhere\n", cmd);
        return 1;
    }
    if (rc == -XEN_ENODEV) {
        printf("hv: %s: no PCI function %s\n", cmd, argv[1]);
        return 1;
    }
    return rc ? hv_fail(cmd, rc) : 0;
}

int hv_cmd_pci_assignable_add(int argc, char **argv)
{
    return assignable(argc, argv, "pci-assignable-add", 1);
}

int hv_cmd_pci_assignable_remove(int argc, char **argv)
{
    return assignable(argc, argv, "pci-assignable-remove", 0);
}

int hv_pci_check(char *const *pci, unsigned int n, char *err, size_t errlen)
{
    struct petrel_pcidev_info list[PCI_CHUNK];

    for (unsigned int i = 0; i < n; i++) {
        uint32_t first = 0, nr, total;
        uint16_t seg, bdf;
        int rc, found = 0;

        if (hv_parse_bdf(pci[i], &seg, &bdf)) {
            snprintf(err, errlen, "pci: '%s' is not [seg:]bus:dev.fn", pci[i]);
            return -XEN_EINVAL;
        }
        do {
            if ((rc = hv_pci_list(first, list, PCI_CHUNK, &nr, &total))) {
                snprintf(err, errlen, "pci: listing the devices failed (%d)", rc);
                return rc;
            }
            for (uint32_t j = 0; j < nr; j++)
                if (list[j].seg == seg && list[j].bdf == bdf)
                    found = list[j].flags & PETREL_PCIDEV_assignable ? 2 : 1;
            first += nr;
        } while (nr && first < total);
        if (found != 2) {
            if (found)
                snprintf(err, errlen, "pci %s: not assignable: run hv pci-assignable-add %s",
                         pci[i], pci[i]);
            else
                snprintf(err, errlen, "pci: no PCI function %s", pci[i]);
            return found ? -XEN_EPERM : -XEN_ENODEV;
        }
    }
    return 0;
}
