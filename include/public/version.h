/* SPDX-License-Identifier: MIT */
/* xen_version(cmd, arg): what the hypervisor is and offers. */
#ifndef PUBLIC_VERSION_H
#define PUBLIC_VERSION_H

#include <stdint.h>

#define XENVER_version          0   /* returns (major << 16) | minor; arg unused */
#define XENVER_extraversion     1   /* OUT: xen_extraversion_t */
#define XENVER_compile_info     2   /* OUT: struct xen_compile_info */
#define XENVER_capabilities     3   /* OUT: xen_capabilities_info_t */
#define XENVER_changeset        4   /* OUT: xen_changeset_info_t */
#define XENVER_platform_parameters 5 /* OUT: struct xen_platform_parameters */
#define XENVER_get_features     6   /* IN/OUT: struct xen_feature_info */
#define XENVER_pagesize         7   /* returns the page size; arg unused */
#define XENVER_guest_handle     8   /* OUT: xen_domain_handle_t */
#define XENVER_commandline      9   /* OUT: xen_commandline_t (privileged) */
#define XENVER_build_id         10  /* IN/OUT: struct xen_build_id */

typedef char xen_extraversion_t[16];
typedef char xen_capabilities_info_t[1024];
typedef char xen_changeset_info_t[64];
typedef char xen_commandline_t[1024];
typedef uint8_t xen_domain_handle_t[16];

struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};

struct xen_platform_parameters {
    uint64_t virt_start;            /* OUT: start of the hypervisor's VA hole */
};

struct xen_feature_info {
    uint32_t submap_idx;            /* IN: which 32-bit submap */
    uint32_t submap;                /* OUT: the feature bits */
};

/* Feature bits (submap 0). */
#define XENFEAT_writable_page_tables        0
#define XENFEAT_writable_descriptor_tables  1
#define XENFEAT_auto_translated_physmap     2
#define XENFEAT_supervisor_mode_kernel      3
#define XENFEAT_pae_pgdir_above_4gb         4
#define XENFEAT_mmu_pt_update_preserve_ad   5
#define XENFEAT_highmem_assist              6
#define XENFEAT_gnttab_map_avail_bits       7
#define XENFEAT_hvm_callback_vector         8
#define XENFEAT_hvm_safe_pvclock            9
#define XENFEAT_hvm_pirqs                   10
#define XENFEAT_dom0                        11
#define XENFEAT_grant_map_identity          12
#define XENFEAT_memory_op_vnode_supported   13
#define XENFEAT_ARM_SMCCC_supported         14
#define XENFEAT_linux_rsdp_unrestricted     15
#define XENFEAT_not_direct_mapped           16
#define XENFEAT_direct_mapped               17
#define XENFEAT_runstate_phys_area          18  /* VCPUOP_register_runstate_phys_area */
#define XENFEAT_vcpu_time_phys_area         19  /* VCPUOP_register_vcpu_time_phys_area */
#define XENFEAT_NR_SUBMAPS                  1

#endif
