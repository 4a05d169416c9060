/* SPDX-License-Identifier: MIT */
/*
 * Grant tables: how a domain lets another map or copy some of its pages.
 *
 * Each domain has a table of grant entries in frames it maps into its own
 * physical space (XENMEM_add_to_physmap with XENMAPSPACE_grant_table,
 * memory.h). Entry number = grant reference. To share a page the granting
 * guest fills an entry with no hypercall: domid, then frame, a write barrier,
 * then flags (type and permissions). The grantee passes the reference to
 * grant_table_op(cmd, uops, count), which takes an array of count structs of
 * the command's type at guest virtual address uops.
 *
 * Petrel offers version 1 entries only (GNTTABOP_set_version to 1 succeeds,
 * to 2 gives -ENOSYS as Xen with v2 disabled, to anything else -EINVAL).
 * What is checked and refused: docs/grant-tables.md.
 */
#ifndef PUBLIC_GRANT_TABLE_H
#define PUBLIC_GRANT_TABLE_H

#include <stdint.h>
#include "xen.h"

typedef uint32_t grant_ref_t;       /* index into the granting domain's table */
typedef uint32_t grant_handle_t;    /* names one mapping made by map_grant_ref */

/* A version 1 grant entry; 512 to a 4 KiB frame. */
struct grant_entry_v1 {
    uint16_t flags;             /* guest: GTF_* type and permissions; hv: GTF_reading/writing */
    domid_t  domid;             /* guest: the domain allowed in */
    uint32_t frame;             /* guest: the GFN granted */
};
PETREL_ABI_SIZE(struct grant_entry_v1, 8);

/* The first entries are reserved for the toolstack. */
#define GNTTAB_NR_RESERVED_ENTRIES  8
#define GNTTAB_RESERVED_CONSOLE     0
#define GNTTAB_RESERVED_XENSTORE    1

/* Entry type, flags bits 1:0. */
#define GTF_invalid             (0u << 0)   /* grants nothing */
#define GTF_permit_access       (1u << 0)   /* domid may map or copy frame */
#define GTF_accept_transfer     (2u << 0)   /* domid may give us a page (PV) */
#define GTF_transitive          (3u << 0)   /* v2 only */
#define GTF_type_mask           (3u << 0)
/* With GTF_permit_access. */
#define GTF_readonly            (1u << 2)   /* guest: read-only access */
#define GTF_reading             (1u << 3)   /* hv: mapped or being copied from */
#define GTF_writing             (1u << 4)   /* hv: mapped writable or being copied to */
#define GTF_PWT                 (1u << 5)   /* guest: cache attributes (x86) */
#define GTF_PCD                 (1u << 6)
#define GTF_PAT                 (1u << 7)
#define GTF_sub_page            (1u << 8)   /* v2 only */
/* With GTF_accept_transfer. */
#define GTF_transfer_committed  (1u << 2)
#define GTF_transfer_completed  (1u << 3)

#define GNTTABOP_map_grant_ref      0   /* struct gnttab_map_grant_ref[count] */
#define GNTTABOP_unmap_grant_ref    1   /* struct gnttab_unmap_grant_ref[count] */
#define GNTTABOP_setup_table        2   /* struct gnttab_setup_table (count 1) */
#define GNTTABOP_dump_table         3   /* struct gnttab_dump_table */
#define GNTTABOP_transfer           4   /* PV only */
#define GNTTABOP_copy               5   /* struct gnttab_copy[count] */
#define GNTTABOP_query_size         6   /* struct gnttab_query_size (count 1) */
#define GNTTABOP_unmap_and_replace  7   /* PV only */
#define GNTTABOP_set_version        8   /* struct gnttab_set_version (count 1) */
#define GNTTABOP_get_status_frames  9   /* v2 only */
#define GNTTABOP_get_version        10  /* struct gnttab_get_version (count 1) */
#define GNTTABOP_swap_grant_ref     11
#define GNTTABOP_cache_flush        12  /* Arm */

/*
 * map_grant_ref: map grant ref of dom. For an HVM/PVH caller host_addr is
 * the guest-physical address (in the caller) where the page appears, with
 * GNTMAP_host_map; status is a GNTST_* value, handle the mapping's name.
 */
struct gnttab_map_grant_ref {
    uint64_t host_addr;         /* IN: GPA (HVM/PVH) or VA/PTE address (PV) */
    uint32_t flags;             /* IN: GNTMAP_* */
    grant_ref_t ref;            /* IN */
    domid_t  dom;               /* IN: the granting domain */
    int16_t  status;            /* OUT: GNTST_* */
    grant_handle_t handle;      /* OUT */
    uint64_t dev_bus_addr;      /* OUT: with GNTMAP_device_map, the address for DMA */
};
PETREL_ABI_SIZE(struct gnttab_map_grant_ref, 32);
PETREL_ABI_OFFSET(struct gnttab_map_grant_ref, ref, 12);
PETREL_ABI_OFFSET(struct gnttab_map_grant_ref, dom, 16);
PETREL_ABI_OFFSET(struct gnttab_map_grant_ref, status, 18);
PETREL_ABI_OFFSET(struct gnttab_map_grant_ref, handle, 20);
PETREL_ABI_OFFSET(struct gnttab_map_grant_ref, dev_bus_addr, 24);

#define GNTMAP_device_map       (1u << 0)
#define GNTMAP_host_map         (1u << 1)
#define GNTMAP_readonly         (1u << 2)
#define GNTMAP_application_map  (1u << 3)   /* PV */
#define GNTMAP_contains_pte     (1u << 4)   /* PV */
#define GNTMAP_can_fail         (1u << 5)
#define GNTMAP_guest_avail_mask 0xffff0000u /* PV: PTE available bits */

/* unmap_grant_ref: undo the mapping named handle; a zero address is ignored. */
struct gnttab_unmap_grant_ref {
    uint64_t host_addr;         /* IN: as given to map, or 0 */
    uint64_t dev_bus_addr;      /* IN: as returned by map, or 0 */
    grant_handle_t handle;      /* IN */
    int16_t  status;            /* OUT: GNTST_* */
    uint16_t pad;
};
PETREL_ABI_SIZE(struct gnttab_unmap_grant_ref, 24);
PETREL_ABI_OFFSET(struct gnttab_unmap_grant_ref, handle, 16);
PETREL_ABI_OFFSET(struct gnttab_unmap_grant_ref, status, 20);

/*
 * setup_table: grow dom's table to at least nr_frames and write the frame
 * numbers to frame_list (PV; HVM/PVH guests use add_to_physmap).
 */
struct gnttab_setup_table {
    domid_t  dom;               /* IN */
    uint16_t pad0;
    uint32_t nr_frames;         /* IN */
    int16_t  status;            /* OUT: GNTST_* */
    uint16_t pad1[3];
    xen_guest_handle_t frame_list; /* OUT: xen_pfn_t[nr_frames] */
};
PETREL_ABI_SIZE(struct gnttab_setup_table, 24);
PETREL_ABI_OFFSET(struct gnttab_setup_table, nr_frames, 4);
PETREL_ABI_OFFSET(struct gnttab_setup_table, status, 8);
PETREL_ABI_OFFSET(struct gnttab_setup_table, frame_list, 16);

struct gnttab_dump_table {
    domid_t  dom;               /* IN */
    int16_t  status;            /* OUT */
};
PETREL_ABI_SIZE(struct gnttab_dump_table, 4);

/*
 * copy: the hypervisor copies len bytes. Each side is a grant reference of
 * domid (flag GNTCOPY_*_gref set) or a GFN of the caller; neither range may
 * cross its page.
 */
struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;        /* IN: with GNTCOPY_*_gref */
        xen_pfn_t   gmfn;       /* IN: otherwise, the caller's GFN */
    } u;
    domid_t  domid;             /* IN: owner of ref (DOMID_SELF for a GFN) */
    uint16_t offset;            /* IN: byte offset in the page */
    uint32_t pad;
};
PETREL_ABI_SIZE(struct gnttab_copy_ptr, 16);
PETREL_ABI_OFFSET(struct gnttab_copy_ptr, domid, 8);
PETREL_ABI_OFFSET(struct gnttab_copy_ptr, offset, 10);

struct gnttab_copy {
    struct gnttab_copy_ptr source;  /* IN */
    struct gnttab_copy_ptr dest;    /* IN */
    uint16_t len;               /* IN: bytes */
    uint16_t flags;             /* IN: GNTCOPY_* */
    int16_t  status;            /* OUT: GNTST_* */
    uint16_t pad;
};
PETREL_ABI_SIZE(struct gnttab_copy, 40);
PETREL_ABI_OFFSET(struct gnttab_copy, dest, 16);
PETREL_ABI_OFFSET(struct gnttab_copy, len, 32);
PETREL_ABI_OFFSET(struct gnttab_copy, status, 36);

#define GNTCOPY_source_gref     (1u << 0)
#define GNTCOPY_dest_gref       (1u << 1)

/* query_size: dom's table size, in frames. Linux assumes 4 if this fails. */
struct gnttab_query_size {
    domid_t  dom;               /* IN */
    uint16_t pad0;
    uint32_t nr_frames;         /* OUT: frames now */
    uint32_t max_nr_frames;     /* OUT: frames at most */
    int16_t  status;            /* OUT: GNTST_* */
    uint16_t pad1;
};
PETREL_ABI_SIZE(struct gnttab_query_size, 16);
PETREL_ABI_OFFSET(struct gnttab_query_size, nr_frames, 4);
PETREL_ABI_OFFSET(struct gnttab_query_size, status, 12);

/* set_version: choose the entry format before using the table. */
struct gnttab_set_version {
    uint32_t version;           /* IN: 1 (2 is -ENOSYS); OUT: the version in force */
};
PETREL_ABI_SIZE(struct gnttab_set_version, 4);

struct gnttab_get_version {
    domid_t  dom;               /* IN */
    uint16_t pad;
    uint32_t version;           /* OUT */
};
PETREL_ABI_SIZE(struct gnttab_get_version, 8);

struct gnttab_swap_grant_ref {
    grant_ref_t ref_a;          /* IN */
    grant_ref_t ref_b;          /* IN */
    int16_t  status;            /* OUT */
    uint16_t pad;
};
PETREL_ABI_SIZE(struct gnttab_swap_grant_ref, 12);

/* Per-operation status (the status fields above); all failures negative. */
#define GNTST_okay              0
#define GNTST_general_error     (-1)
#define GNTST_bad_domain        (-2)    /* no such domain */
#define GNTST_bad_gntref        (-3)    /* reference out of range or not granted */
#define GNTST_bad_handle        (-4)    /* no such mapping */
#define GNTST_bad_virt_addr     (-5)    /* host_addr unusable */
#define GNTST_bad_dev_addr      (-6)    /* dev_bus_addr unusable */
#define GNTST_no_device_space   (-7)    /* IOMMU has no room */
#define GNTST_permission_denied (-8)
#define GNTST_bad_page          (-9)    /* the granted frame is not usable */
#define GNTST_bad_copy_arg      (-10)   /* a copy range crosses a page */
#define GNTST_address_too_big   (-11)   /* transfer: frame address too large */
#define GNTST_eagain            (-12)   /* try again (page being paged in) */
#define GNTST_no_space          (-13)   /* out of mapping handles */

#endif
