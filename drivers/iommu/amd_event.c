// SPDX-License-Identifier: MIT
/*
 * AMD-Vi event-log entries (AMD IOMMU spec 2.5) turned into log lines.
 * An entry is 16 bytes: the device id in bits 15:0, the flags in 59:48
 * and the event code in 63:60 of the first quadword, the address in the
 * second. Pure but for printk: unit-tested in test/unit/test_amd_event.c.
 */
#include <petrel/iommu.h>
#include <petrel/pci.h>
#include <petrel/printk.h>
#include <petrel/types.h>
#include "amd_iommu.h"

#define EVT_IO_PAGE_FAULT   0x2
/* IO_PAGE_FAULT flags (2.5.2), bits 59:48 counted from 48 */
#define EVF_PR              (1u << 4)   /* the translation was present */
#define EVF_RW              (1u << 5)   /* a write */
#define EVF_PE              (1u << 6)   /* permission denied */
#define EVF_RZ              (1u << 7)   /* reserved bits set */

static const char *event_name(unsigned int code)
{
    static const char *const names[] = {
        [0x1] = "illegal device table entry",
        [0x2] = "I/O page fault",
        [0x3] = "device table hardware error",
        [0x4] = "page table hardware error",
        [0x5] = "illegal command",
        [0x6] = "command hardware error",
        [0x7] = "IOTLB invalidation timeout",
        [0x8] = "invalid device request",
        [0x9] = "invalid PPR request",
        [0xa] = "event counter zero",
    };

    return code < ARRAY_SIZE(names) && names[code] ? names[code] : "unknown event";
}

static const char *fault_reason(unsigned int flags)
{
    if (flags & EVF_RZ)
        return "reserved bits set";
    if ((flags & EVF_PR) && (flags & EVF_PE))
        return "permission denied";
    return "page not present";
}

void amd_event_log(uint64_t base, uint64_t q0, uint64_t q1)
{
    unsigned int code = (unsigned int)(q0 >> 60), flags = (unsigned int)(q0 >> 48) & 0xfff;
    uint16_t id = (uint16_t)q0;

    if (!iommu_fault_may_log())
        return;
    if (code == EVT_IO_PAGE_FAULT)
        pr_err("IOMMU fault: PCI %02x:%02x.%u %s at %#lx: reason %#x (%s: %s, flags %#x)\n",
               PCI_BUS(id), PCI_SLOT(id), PCI_FUNC(id), flags & EVF_RW ? "write" : "read",
               q1, code, event_name(code), fault_reason(flags), flags);
    else
        pr_err("AMD-Vi %#lx: event %#x (%s): device %02x:%02x.%u, address %#lx, raw %#lx\n",
               base, code, event_name(code), PCI_BUS(id), PCI_SLOT(id), PCI_FUNC(id), q1, q0);
}
