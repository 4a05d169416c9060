/* SPDX-License-Identifier: MIT */
/*
 * Petrel's control interface (DESIGN D3): what the control domain (dom0)
 * uses to build and manage other domains. Petrel's own ABI, not Xen's:
 * it uses Xen's hypercall numbers for the two families,
 *
 *     domctl(struct petrel_domctl *)      __HYPERVISOR_domctl (36)
 *     sysctl(struct petrel_sysctl *)      __HYPERVISOR_sysctl (35)
 *
 * with Petrel's structs, told apart from Xen's by interface_version (Xen's
 * are small numbers; Petrel's carry 'P' 't' in the top half). Rules:
 *  - Only the control domain may call them: any other domain gets -EPERM,
 *    whatever the command.
 *  - interface_version must be PETREL_CTL_VERSION: otherwise -EACCES, and
 *    nothing is read past it. A change to any struct below bumps it.
 *  - Unknown commands: -ENOSYS. Reserved and pad fields must be zero
 *    (-EINVAL otherwise), so they can be given a meaning later.
 *  - The whole struct is copied in, and copied back out when the call
 *    succeeds (OUT fields); buffers named by a handle are guest virtual
 *    addresses under the caller's page tables.
 *
 * Other things the control domain does go through the Xen ABI, with a
 * domid other than DOMID_SELF (only the control domain may name another):
 *  - XENMEM_populate_physmap / decrease_reservation: a new domain's RAM;
 *  - XENMEM_add_to_physmap_batch with XENMAPSPACE_gmfn_foreign: map another
 *    domain's frames into its own physmap (build it, reach its console and
 *    xenstore rings); XENMEM_remove_from_physmap unmaps them;
 *  - HVMOP_set_param / get_param: the domain's store and console pfns and
 *    event channels;
 *  - EVTCHNOP_alloc_unbound with dom = the new domain, remote_dom = 0;
 *  - SCHEDOP_remote_shutdown: ask a domain to stop with a reason.
 * VIRQ_DOM_EXC is raised on the control domain whenever a domain it
 * manages shuts down, crashes or has been destroyed.
 *
 * Domains the control domain creates are not destroyed by Petrel when they
 * stop: they stay (state shutdown or crashed, memory held) until the control
 * domain destroys them, so the toolstack can read why they stopped and
 * carry out on_poweroff / on_reboot / on_crash.
 */
#ifndef PUBLIC_PETREL_CTL_H
#define PUBLIC_PETREL_CTL_H

#include <stdint.h>
#include "xen.h"

#define PETREL_CTL_VERSION      0x50740001u     /* 'P' 't' 0001 */

/* ---- domctl -------------------------------------------------------- */

#define PETREL_DOMCTL_createdomain      1   /* struct petrel_createdomain */
#define PETREL_DOMCTL_destroydomain     2   /* no payload */
#define PETREL_DOMCTL_pausedomain       3   /* no payload */
#define PETREL_DOMCTL_unpausedomain     4   /* no payload */
#define PETREL_DOMCTL_getdomaininfo     5   /* struct petrel_domaininfo (OUT) */
#define PETREL_DOMCTL_getvcpuinfo       6   /* struct petrel_vcpuinfo */
#define PETREL_DOMCTL_setvcpuaffinity   7   /* struct petrel_vcpuaffinity (IN) */
#define PETREL_DOMCTL_getvcpuaffinity   8   /* struct petrel_vcpuaffinity (OUT) */
#define PETREL_DOMCTL_sched_credit      9   /* struct petrel_sched_credit */
#define PETREL_DOMCTL_max_mem           10  /* struct petrel_max_mem (IN) */
#define PETREL_DOMCTL_set_vcpu_start    11  /* struct petrel_vcpu_start (IN) */
#define PETREL_DOMCTL_console_read      12  /* struct petrel_console_read */
#define PETREL_DOMCTL_assign_device     13  /* struct petrel_assign_device (IN) */
#define PETREL_DOMCTL_deassign_device   14  /* struct petrel_assign_device (IN) */

/*
 * createdomain: a new domain, paused (it runs after unpausedomain), with
 * its vCPUs, shared_info, event channels and grant table, and no RAM yet
 * (populate it with XENMEM_populate_physmap, up to max_pages).
 * domain (in struct petrel_domctl): the id wanted, or 0 for the lowest free
 * one from 1 up; OUT: the id it got. -EEXIST if taken, -EINVAL for a
 * reserved id, a vCPU count outside 1..PETREL_MAX_VCPUS or unknown flags,
 * -ENOMEM, -ENOSPC when every domain slot is in use.
 */
struct petrel_createdomain {
    uint32_t max_vcpus;         /* IN: 1..PETREL_MAX_VCPUS */
    uint32_t flags;             /* IN: PETREL_CDF_*, none defined yet: 0 */
    uint64_t max_pages;         /* IN: RAM limit, 4 KiB pages */
};
PETREL_ABI_SIZE(struct petrel_createdomain, 16);

#define PETREL_MAX_VCPUS        64

/* Domain states and flags in struct petrel_domaininfo. */
#define PETREL_DOMINF_dying     (1u << 0)   /* destroyed, not yet gone */
#define PETREL_DOMINF_shutdown  (1u << 1)   /* shut down: see shutdown_reason */
#define PETREL_DOMINF_crashed   (1u << 2)   /* stopped by Petrel: see its log */
#define PETREL_DOMINF_paused    (1u << 3)   /* by pausedomain, or never unpaused */
#define PETREL_DOMINF_running   (1u << 4)   /* some vCPU is on a pCPU now */
#define PETREL_DOMINF_blocked   (1u << 5)   /* every online vCPU blocked */
#define PETREL_DOMINF_privileged (1u << 6)  /* the control domain */

/*
 * getdomaininfo: the domain named in struct petrel_domctl; -ESRCH if none.
 * (sysctl getdomaininfolist lists them all.)
 */
struct petrel_domaininfo {
    domid_t  domid;             /* OUT */
    uint16_t pad0;
    uint32_t flags;             /* OUT: PETREL_DOMINF_* */
    uint32_t shutdown_reason;   /* OUT: SHUTDOWN_* (public/sched.h) when shut down */
    uint32_t shutdown_code;     /* OUT: SCHEDOP_shutdown_code's, else 0 */
    uint64_t tot_pages;         /* OUT: RAM pages it holds */
    uint64_t max_pages;         /* OUT: its limit */
    uint64_t cpu_time;          /* OUT: ns its vCPUs have run, all together */
    uint32_t nr_vcpus;          /* OUT */
    uint32_t nr_online_vcpus;   /* OUT: up (not VCPUOP_down, started) */
    uint32_t weight;            /* OUT: credit weight */
    uint32_t cap;               /* OUT: credit cap, % of one pCPU; 0: none */
};
PETREL_ABI_SIZE(struct petrel_domaininfo, 56);
PETREL_ABI_OFFSET(struct petrel_domaininfo, tot_pages, 16);
PETREL_ABI_OFFSET(struct petrel_domaininfo, cpu_time, 32);
PETREL_ABI_OFFSET(struct petrel_domaininfo, nr_vcpus, 40);

/* getvcpuinfo: -EINVAL for a vCPU the domain lacks. */
struct petrel_vcpuinfo {
    uint32_t vcpu;              /* IN */
    uint8_t  online;            /* OUT: up */
    uint8_t  blocked;           /* OUT: waiting for an event */
    uint8_t  running;           /* OUT: on a pCPU now */
    uint8_t  pad;
    uint32_t cpu;               /* OUT: the pCPU it runs or last ran on */
    uint32_t pad1;
    uint64_t cpu_time;          /* OUT: ns it has run */
    uint64_t affinity;          /* OUT: hard affinity, bit n: pCPU n */
};
PETREL_ABI_SIZE(struct petrel_vcpuinfo, 32);
PETREL_ABI_OFFSET(struct petrel_vcpuinfo, cpu_time, 16);

/* set/getvcpuaffinity: hard affinity; a mask with no online pCPU: -EINVAL. */
struct petrel_vcpuaffinity {
    uint32_t vcpu;              /* IN */
    uint32_t pad;
    uint64_t cpumap;            /* IN (set) / OUT (get): bit n: pCPU n */
};
PETREL_ABI_SIZE(struct petrel_vcpuaffinity, 16);

/* sched_credit: read or change a domain's weight and cap. */
#define PETREL_SCHED_get        0
#define PETREL_SCHED_set        1
struct petrel_sched_credit {
    uint32_t op;                /* IN: PETREL_SCHED_get | _set */
    uint32_t weight;            /* IN (set) / OUT (get): 1..65535 */
    uint32_t cap;               /* IN / OUT: % of one pCPU, 0: none;
                                   at most 100 x the domain's vCPUs */
    uint32_t pad;
};
PETREL_ABI_SIZE(struct petrel_sched_credit, 16);

/* max_mem: the RAM limit; below what it already holds: -EINVAL. */
struct petrel_max_mem {
    uint64_t max_pages;         /* IN */
};
PETREL_ABI_SIZE(struct petrel_max_mem, 8);

/*
 * set_vcpu_start: where a vCPU of a domain that has never run starts, in
 * the PVH start state (32-bit protected mode, paging off, flat segments,
 * EBX = the hvm_start_info's guest-physical address), and bring it up.
 * Usually vCPU 0; the others are normally started by the guest itself.
 * -EBUSY once the domain has run.
 */
struct petrel_vcpu_start {
    uint32_t vcpu;              /* IN */
    uint32_t pad;
    uint64_t rip;               /* IN: the ELF note's entry, < 4 GiB */
    uint64_t rbx;               /* IN: the start info's address, < 4 GiB */
};
PETREL_ABI_SIZE(struct petrel_vcpu_start, 24);

/*
 * console_read: what the domain wrote with console_io (CONSOLEIO_write),
 * kept by Petrel in a per-domain ring (PETREL_CONSOLE_RING bytes; bytes that
 * are not printable ASCII, tab or newline are stored as '.').
 * index is a position in everything the domain ever wrote: pass 0 first,
 * then the 'index' returned. If the ring has overwritten the bytes at index,
 * reading starts at the oldest byte held and 'lost' says how many were
 * skipped. OUT: size = bytes copied (0: nothing new).
 */
#define PETREL_CONSOLE_RING     16384
struct petrel_console_read {
    uint64_t index;             /* IN: where to read; OUT: where to read next */
    xen_guest_handle_t buffer;  /* IN: where the bytes go */
    uint32_t size;              /* IN: buffer size; OUT: bytes copied */
    uint32_t lost;              /* OUT: bytes skipped, overwritten */
};
PETREL_ABI_SIZE(struct petrel_console_read, 24);

/*
 * assign_device: give the PCI function seg:bdf (bus << 8 | dev << 3 | fn),
 * which dom0 marked assignable (PETREL_SYSCTL_pci_assignable add) and
 * still holds, to the domain. The function's DMA then goes through the
 * domain's guest-physical map (an IOMMU is required), its memory BARs are
 * mapped into the domain at gfn == their bus address, uncached (the MSI-X
 * table and PBA pages excepted), its config space is seen by the domain
 * through ports 0xcf8-0xcff at its own bdf (mediated as dom0's is), and
 * the domain maps its MSI / MSI-X with PHYSDEVOP_map_pirq and binds the
 * pirq with EVTCHNOP_bind_pirq. dom0 loses it: its BARs leave dom0's map
 * and its config space reads all-ones there.
 * deassign_device: the reverse: the domain's pirqs on it unmapped (MSI
 * off), the function reset (FLR where it has it, else bus mastering and
 * decoding turned off), and handed back to dom0, still marked assignable.
 * Destroying a domain does this for every function it holds.
 * Errors: -ENODEV no such function; -EPERM not marked assignable or
 * Petrel's own, or the domain is dom0; -EOPNOTSUPP no IOMMU remaps DMA
 * (for this function); -EBUSY another domain than dom0 holds it (assign,
 * the same domain included), it is being moved, dom0 still has a pirq
 * mapped on it, a BAR would cover the domain's RAM or special pages (or
 * the local APIC page), a BAR page holds another function's registers
 * too, or its DMA carries a requester id another function's carries (a
 * bridge's alias); -ENOENT (deassign) the domain does not hold it;
 * -EINVAL flags != 0; -ESRCH the domain is dying; -ENOMEM.
 * A returned function has bus mastering and decoding off: dom0 turns them
 * on again. The domain's writes never set Device Control's Initiate FLR.
 * docs/pci.md, "Passthrough to guests", tells the steps.
 */
struct petrel_assign_device {
    uint16_t seg;               /* IN: PCI segment, 0 */
    uint16_t bdf;               /* IN */
    uint32_t flags;             /* IN: none defined: 0 */
};
PETREL_ABI_SIZE(struct petrel_assign_device, 8);

struct petrel_domctl {
    uint32_t cmd;               /* IN: PETREL_DOMCTL_* */
    uint32_t interface_version; /* IN: PETREL_CTL_VERSION */
    domid_t  domain;            /* IN (OUT for createdomain) */
    uint16_t pad[3];
    union {
        struct petrel_createdomain createdomain;
        struct petrel_domaininfo getdomaininfo;
        struct petrel_vcpuinfo getvcpuinfo;
        struct petrel_vcpuaffinity vcpuaffinity;
        struct petrel_sched_credit sched_credit;
        struct petrel_max_mem max_mem;
        struct petrel_vcpu_start vcpu_start;
        struct petrel_console_read console_read;
        struct petrel_assign_device assign_device;
        uint8_t pad[128];
    } u;
};
PETREL_ABI_SIZE(struct petrel_domctl, 144);
PETREL_ABI_OFFSET(struct petrel_domctl, domain, 8);
PETREL_ABI_OFFSET(struct petrel_domctl, u, 16);

/* ---- sysctl -------------------------------------------------------- */

#define PETREL_SYSCTL_physinfo          1   /* struct petrel_physinfo (OUT) */
#define PETREL_SYSCTL_readconsole       2   /* struct petrel_readconsole */
#define PETREL_SYSCTL_getdomaininfolist 3   /* struct petrel_getdomaininfolist */
#define PETREL_SYSCTL_bus_addr          4   /* struct petrel_bus_addr */
#define PETREL_SYSCTL_pci_assignable    5   /* struct petrel_pci_assignable */

#define PETREL_PHYSCAP_svm      (1u << 0)   /* guests run on AMD SVM + NPT */
#define PETREL_PHYSCAP_vmx      (1u << 1)   /* guests run on Intel VMX + EPT */
#define PETREL_PHYSCAP_iommu    (1u << 2)   /* device DMA is remapped (an IOMMU is on) */

struct petrel_physinfo {
    uint32_t nr_cpus;           /* OUT: pCPUs Petrel runs on */
    uint32_t capabilities;      /* OUT: PETREL_PHYSCAP_* */
    uint64_t cpu_khz;           /* OUT: TSC frequency */
    uint64_t total_pages;       /* OUT: RAM the frame allocator manages */
    uint64_t free_pages;        /* OUT: of which free now */
    uint32_t nr_domains;        /* OUT: domains that exist now */
    uint32_t max_domains;       /* OUT: how many can */
};
PETREL_ABI_SIZE(struct petrel_physinfo, 40);

/*
 * readconsole: the hypervisor's log (what `hv dmesg` shows), from its ring;
 * index, buffer, size and lost as in struct petrel_console_read.
 */
struct petrel_readconsole {
    uint64_t index;             /* IN / OUT */
    xen_guest_handle_t buffer;  /* IN */
    uint32_t size;              /* IN / OUT */
    uint32_t lost;              /* OUT */
};
PETREL_ABI_SIZE(struct petrel_readconsole, 24);

/*
 * getdomaininfolist: struct petrel_domaininfo of the domains with id >=
 * first_domain, in id order, at most max_domains of them. OUT: nr_domains
 * written.
 */
struct petrel_getdomaininfolist {
    domid_t  first_domain;      /* IN */
    uint16_t pad;
    uint32_t max_domains;       /* IN: capacity of buffer, in entries */
    xen_guest_handle_t buffer;  /* IN: struct petrel_domaininfo[max_domains] */
    uint32_t nr_domains;        /* OUT */
    uint32_t pad1;
};
PETREL_ABI_SIZE(struct petrel_getdomaininfolist, 24);

/*
 * bus_addr: the bus addresses a device the caller drives must be given to
 * reach the caller's guest-physical pages gfns[0..nr) (nr <= 512): where
 * an IOMMU translates the caller's DMA through its guest-physical map
 * (PETREL_PHYSCAP_iommu in physinfo; docs/iommu.md), each gfn's own
 * address, gfn << 12; where none does (iommu=off, or no IOMMU), the
 * machine address behind the gfn. A gfn backed by RAM the caller owns, or
 * by a page it maps from another domain (grant or foreign map; the page
 * stays the same while it is mapped), has an address; any other (a hole,
 * MMIO, shared_info or a grant-table frame) gets PETREL_BUS_ADDR_NONE:
 * the IOMMU does not map those for devices. The caller keeps the pages
 * where they are while a device uses them. -EINVAL for nr 0 or > 512,
 * -EFAULT for bad buffers. docs/pci.md tells why dom0 needs this.
 */
#define PETREL_BUS_ADDR_MAX     512
#define PETREL_BUS_ADDR_NONE    (~0ull)
struct petrel_bus_addr {
    uint32_t nr;                /* IN: entries in gfns and addrs */
    uint32_t pad;
    xen_guest_handle_t gfns;    /* IN: uint64_t[nr], the caller's gfns */
    xen_guest_handle_t addrs;   /* IN: uint64_t[nr], filled: byte addresses */
};
PETREL_ABI_SIZE(struct petrel_bus_addr, 24);

/*
 * pci_assignable: mark a PCI function that dom0 has stopped using as one
 * that may be given to a guest (op add), take the mark away (op remove),
 * or list the functions Petrel found (op list). add and remove name the
 * function by seg and bdf (bus << 8 | dev << 3 | fn); list fills buffer
 * with at most max_devs entries from index first and sets nr_devs to how
 * many it wrote. Errors: -ENODEV no such function; -EPERM Petrel's own
 * (an AMD IOMMU's function); -EOPNOTSUPP add without an IOMMU remapping
 * DMA (DESIGN D7: a device given to a guest could write anywhere; the
 * log says so); -EBUSY remove of a function a guest holds; -EINVAL a bad
 * op. docs/pci.md, "Passthrough".
 */
#define PETREL_PCI_ASSIGNABLE_add       0
#define PETREL_PCI_ASSIGNABLE_remove    1
#define PETREL_PCI_ASSIGNABLE_list      2

#define PETREL_PCIDEV_assignable (1u << 0)  /* marked by op add */
#define PETREL_PCIDEV_hv_owned   (1u << 1)  /* Petrel's own: never assignable */
#define PETREL_PCIDEV_no_owner   (1u << 2)  /* no domain owns it (owner unset) */
struct petrel_pcidev_info {
    uint16_t seg;
    uint16_t bdf;
    uint16_t vendor;
    uint16_t device;
    uint32_t class;             /* base << 16 | sub << 8 | prog-if */
    uint16_t owner;             /* domid; valid unless PETREL_PCIDEV_no_owner */
    uint16_t flags;             /* PETREL_PCIDEV_* */
};
PETREL_ABI_SIZE(struct petrel_pcidev_info, 16);

struct petrel_pci_assignable {
    uint32_t op;                /* IN: PETREL_PCI_ASSIGNABLE_* */
    uint16_t seg;               /* IN: add / remove */
    uint16_t bdf;               /* IN: add / remove */
    uint32_t first;             /* IN: list: index of the first entry */
    uint32_t max_devs;          /* IN: list: capacity of buffer */
    xen_guest_handle_t buffer;  /* IN: list: struct petrel_pcidev_info[] */
    uint32_t nr_devs;           /* OUT: list: entries written */
    uint32_t total;             /* OUT: list: functions Petrel knows */
};
PETREL_ABI_SIZE(struct petrel_pci_assignable, 32);

struct petrel_sysctl {
    uint32_t cmd;               /* IN: PETREL_SYSCTL_* */
    uint32_t interface_version; /* IN: PETREL_CTL_VERSION */
    union {
        struct petrel_physinfo physinfo;
        struct petrel_readconsole readconsole;
        struct petrel_getdomaininfolist getdomaininfolist;
        struct petrel_bus_addr bus_addr;
        struct petrel_pci_assignable pci_assignable;
        uint8_t pad[128];
    } u;
};
PETREL_ABI_SIZE(struct petrel_sysctl, 136);
PETREL_ABI_OFFSET(struct petrel_sysctl, u, 8);

#endif
