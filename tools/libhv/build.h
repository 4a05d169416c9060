/* SPDX-License-Identifier: MIT */
/*
 * The domain builder of `hv create`: a PVH domain from a parsed config, its
 * kernel (a PVH ELF) and an optional ramdisk (the guest's module 0). It
 * uses the hypervisor's own pure loader code, common/elf.c and
 * arch/x86/hvm/pvh.c, compiled into the toolstack, and reaches the new
 * domain's memory through foreign mappings (hv_map_foreign). Layout:
 * docs/pvh-layout.md; steps: docs/toolstack.md.
 */
#ifndef LIBHV_BUILD_H
#define LIBHV_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>

struct hv_config;

/*
 * The two special pages, outside RAM in the guest's memory map, where Xen's
 * builder puts them for HVM and PVH guests: the last 8 frames below
 * 0xff000000 (X86_HVM_END_SPECIAL_REGION), the xenstore ring at index 4
 * of them and the console ring at index 7 (docs/pvh-layout.md). RAM never reaches them (it stops at 3 GiB
 * below 4 GiB), so they count on top of the RAM in max_pages.
 */
#define HV_SPECIAL_END          0xff000ull      /* GFN, exclusive */
#define HV_SPECIAL_PAGES        8
#define HV_STORE_GFN            (HV_SPECIAL_END - HV_SPECIAL_PAGES + 4)
#define HV_CONSOLE_GFN          (HV_SPECIAL_END - HV_SPECIAL_PAGES + 7)
/* Populated outside RAM: the two rings and the ACPI page (acpi.h). */
#define HV_NR_SPECIAL           3

/* A range of bus addresses, [start, end). */
struct hv_mem_range {
    uint64_t start, end;
};

/* At most this many BARs for the functions of pci = [...]. */
#define HV_BUILD_MAX_BARS       16

struct hv_build_args {
    domid_t domid;                      /* the id wanted; 0: the lowest free */
    const struct hv_config *cfg;        /* memory, vcpus, cmdline, cpus, weight, cap */
    const void *kernel;                 /* the PVH ELF */
    size_t kernel_size;
    const void *ramdisk;                /* NULL: none */
    size_t ramdisk_size;
    /* The memory BARs of cfg's pci functions, any order: the pages they
     * touch are listed reserved in the guest's memory map (its RAM must
     * stay clear of them; docs/pci.md). */
    const struct hv_mem_range *bars;
    unsigned int nr_bars;               /* <= HV_BUILD_MAX_BARS */
};

struct hv_build_result {
    domid_t domid;
    uint64_t ram_pages;                 /* RAM populated */
    uint32_t entry;                     /* vCPU 0's start: EIP, EBX */
    uint64_t start_info;
    uint64_t store_gfn, console_gfn;    /* HVM params, pages zeroed */
    uint32_t store_port, console_port;  /* unbound, remote end dom0 */
};

/*
 * Build a domain and leave it paused, ready to unpause: check the kernel
 * and lay the guest out (before anything is created), check the memory
 * against physinfo's free pages, createdomain, populate RAM (2 MiB extents
 * where aligned) and the special pages, load the kernel, start info and
 * ramdisk, allocate the two event channels, set the HVM params, vCPU 0's
 * start, weight, cap and affinity, and last the PCI functions of pci = [...]
 * assigned to it (PETREL_DOMCTL_assign_device; -EPERM: not marked
 * assignable, -EBUSY: err names the domain holding it). 0 and *res; or a
 * negative Xen errno, with what went wrong in err (NUL-ended), after
 * undoing everything: the functions assigned taken back, the domain
 * destroyed and gone (hv_domain_destroy_wait). Not reentrant.
 */
int hv_build(const struct hv_build_args *a, struct hv_build_result *res,
             char *err, size_t errlen);

/*
 * Undo a build that succeeded, for a later step that failed: cfg's PCI
 * functions taken back from dom (deassign), then dom destroyed and waited
 * for. hv_domain_destroy_wait()'s result.
 */
int hv_build_undo(const struct hv_config *cfg, domid_t dom);

/*
 * Destroy dom and wait until the hypervisor no longer knows it (getdomaininfo
 * gives -ESRCH), waking on domain events (hv_wait_domain_event) for at most
 * HV_GONE_WAIT_MS. 0, -XEN_ETIMEDOUT when it is still dying then, or the
 * destroy's error.
 */
#define HV_GONE_WAIT_MS         10000
int hv_domain_destroy_wait(domid_t dom);

/* Provided by the environment: block until a domain event (VIRQ_DOM_EXC)
 * or until timeout_ns have passed, whichever is first. */
void hv_wait_domain_event(uint64_t timeout_ns);

/* The last message the loader code (elf.c, pvh.c) printed with printk,
 * without its level or newline; "" if none since hv_kmsg_clear(). */
const char *hv_kmsg_last(void);
void hv_kmsg_clear(void);

#endif
