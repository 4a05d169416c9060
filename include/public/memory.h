/* SPDX-License-Identifier: MIT */
/*
 * memory_op(cmd, arg): a domain's memory reservation and physical map.
 *
 * For HVM/PVH guests every "frame" here is a guest frame number (GFN, the
 * guest-physical address >> 12), whatever the field is called (Xen's gmfn,
 * gpfn and mfn all mean a GFN to a translated guest). arg is the guest
 * virtual address of the command's struct, or a value where noted.
 */
#ifndef PUBLIC_MEMORY_H
#define PUBLIC_MEMORY_H

#include <stdint.h>
#include "xen.h"

#define XENMEM_increase_reservation     0   /* IN/OUT: struct xen_memory_reservation */
#define XENMEM_decrease_reservation     1   /* IN: struct xen_memory_reservation */
#define XENMEM_maximum_ram_page         2   /* returns the highest machine frame; arg 0 */
#define XENMEM_current_reservation      3   /* IN: domid_t; returns pages */
#define XENMEM_maximum_reservation      4   /* IN: domid_t; returns pages */
#define XENMEM_machphys_mfn_list        5   /* PV only */
#define XENMEM_populate_physmap         6   /* IN/OUT: struct xen_memory_reservation */
#define XENMEM_add_to_physmap           7   /* IN: struct xen_add_to_physmap */
/*      8 retired (translate_gpfn_list) */
#define XENMEM_memory_map               9   /* IN/OUT: struct xen_memory_map */
#define XENMEM_machine_memory_map       10  /* IN/OUT: struct xen_memory_map (privileged) */
#define XENMEM_exchange                 11
#define XENMEM_machphys_mapping         12  /* PV only */
#define XENMEM_set_memory_map           13  /* IN: struct xen_foreign_memory_map (toolstack) */
#define XENMEM_maximum_gpfn             14  /* IN: domid_t; returns the highest GFN */
#define XENMEM_remove_from_physmap      15  /* IN: struct xen_remove_from_physmap */
#define XENMEM_set_pod_target           16
#define XENMEM_get_pod_target           17
#define XENMEM_get_sharing_freed_pages  18
#define XENMEM_get_sharing_shared_pages 19
#define XENMEM_paging_op                20
#define XENMEM_access_op                21
#define XENMEM_sharing_op               22
#define XENMEM_add_to_physmap_batch     23
#define XENMEM_claim_pages              24
#define XENMEM_machphys_compat_mfn_list 25
#define XENMEM_get_vnumainfo            26
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_acquire_resource         28

/*
 * increase_reservation, decrease_reservation, populate_physmap: nr_extents
 * extents of 2^extent_order pages each. extent_start points to an array of
 * nr_extents xen_pfn_t:
 *   increase_reservation: OUT, the frames allocated (PV; unused for HVM)
 *   decrease_reservation: IN, the GFNs to give back
 *   populate_physmap:     IN the GFNs to back with memory, OUT the same
 * Returns the number of extents done (which may be fewer than asked).
 */
struct xen_memory_reservation {
    xen_guest_handle_t extent_start; /* IN/OUT: xen_pfn_t[nr_extents] */
    xen_ulong_t nr_extents;     /* IN */
    uint32_t extent_order;      /* IN: log2 of the pages per extent */
    uint32_t mem_flags;         /* IN: XENMEMF_*; ignored by decrease */
    domid_t  domid;             /* IN: DOMID_SELF unless privileged */
    uint16_t pad[3];
};
PETREL_ABI_SIZE(struct xen_memory_reservation, 32);
PETREL_ABI_OFFSET(struct xen_memory_reservation, nr_extents, 8);
PETREL_ABI_OFFSET(struct xen_memory_reservation, extent_order, 16);
PETREL_ABI_OFFSET(struct xen_memory_reservation, domid, 24);

#define XENMEMF_address_bits(x)     (x)         /* bits 7:0: limit, 0 = none */
#define XENMEMF_get_address_bits(x) ((x) & 0xffu)
#define XENMEMF_node(n)             (((n) + 1) << 8)   /* bits 15:8: NUMA node + 1 */
#define XENMEMF_get_node(x)         ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand  (1u << 16)
#define XENMEMF_exact_node_request  (1u << 17)
#define XENMEMF_vnode               (1u << 18)

/*
 * add_to_physmap: make a page of space appear at GFN gpfn of domid. The
 * page that was at gpfn, if any, is removed. For the grant table, idx is the
 * frame index, with XENMAPIDX_grant_table_status set for a v2 status frame.
 * Linux PVH maps shared_info this way first, and BUGs if it fails.
 */
struct xen_add_to_physmap {
    domid_t  domid;             /* IN: DOMID_SELF unless privileged */
    uint16_t size;              /* IN: pages, for XENMAPSPACE_gmfn_range */
    uint32_t space;             /* IN: XENMAPSPACE_* */
    xen_ulong_t idx;            /* IN: index into space */
    xen_pfn_t gpfn;             /* IN: where it appears */
};
PETREL_ABI_SIZE(struct xen_add_to_physmap, 24);
PETREL_ABI_OFFSET(struct xen_add_to_physmap, space, 4);
PETREL_ABI_OFFSET(struct xen_add_to_physmap, idx, 8);
PETREL_ABI_OFFSET(struct xen_add_to_physmap, gpfn, 16);

#define XENMAPSPACE_shared_info     0   /* idx 0: struct shared_info */
#define XENMAPSPACE_grant_table     1   /* idx: grant-table frame */
#define XENMAPSPACE_gmfn            2   /* idx: a GFN of domid, moved */
#define XENMAPSPACE_gmfn_range      3   /* idx: first of size GFNs, moved */
#define XENMAPSPACE_gmfn_foreign    4   /* batch only: another domain's GFN */
#define XENMAPSPACE_dev_mmio        5   /* Arm only */
#define XENMAPIDX_grant_table_status 0x80000000u

/*
 * add_to_physmap_batch: size pages of space, idxs[i] appearing at gpfns[i]
 * of domid, each with its own result in errs[i] (0 or a negative errno);
 * the call itself returns 0 unless the struct or the arrays cannot be
 * read. Petrel serves XENMAPSPACE_gmfn_foreign, for the control domain
 * only: idxs are GFNs of foreign_domid (populated RAM), gpfns the caller's
 * GFNs where they appear (empty, or an earlier foreign mapping).
 */
struct xen_add_to_physmap_batch {
    domid_t  domid;             /* IN: DOMID_SELF unless privileged */
    uint16_t space;             /* IN: XENMAPSPACE_* */
    uint16_t size;              /* IN: entries */
    domid_t  foreign_domid;     /* IN: gmfn_foreign: whose frames; else 0 */
    xen_guest_handle_t idxs;    /* IN: xen_ulong_t[size] */
    xen_guest_handle_t gpfns;   /* IN: xen_pfn_t[size] */
    xen_guest_handle_t errs;    /* OUT: int32_t[size] */
};
PETREL_ABI_SIZE(struct xen_add_to_physmap_batch, 32);
PETREL_ABI_OFFSET(struct xen_add_to_physmap_batch, foreign_domid, 6);
PETREL_ABI_OFFSET(struct xen_add_to_physmap_batch, idxs, 8);
PETREL_ABI_OFFSET(struct xen_add_to_physmap_batch, errs, 24);

/* remove_from_physmap: unmap whatever is at gpfn of domid. */
struct xen_remove_from_physmap {
    domid_t  domid;             /* IN */
    uint16_t pad[3];
    xen_pfn_t gpfn;             /* IN */
};
PETREL_ABI_SIZE(struct xen_remove_from_physmap, 16);

/*
 * memory_map: copy the domain's E820-style map (entries of 20 bytes: u64
 * address, u64 length, u32 type) to buffer. nr_entries is the buffer's
 * capacity on entry and the count written on return. Linux PVH uses it only
 * when hvm_start_info carries no map.
 */
struct xen_memory_map {
    uint32_t nr_entries;        /* IN: capacity; OUT: entries written */
    uint32_t pad;
    xen_guest_handle_t buffer;  /* IN: where the entries go */
};
PETREL_ABI_SIZE(struct xen_memory_map, 16);
PETREL_ABI_OFFSET(struct xen_memory_map, buffer, 8);

struct xen_foreign_memory_map {
    domid_t  domid;             /* IN */
    uint16_t pad[3];
    struct xen_memory_map map;  /* IN: the entries to install */
};
PETREL_ABI_SIZE(struct xen_foreign_memory_map, 24);

#endif
