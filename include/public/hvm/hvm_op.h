/* SPDX-License-Identifier: MIT */
/*
 * hvm_op(cmd, arg): operations for HVM/PVH guests. arg is the guest virtual
 * address of the command's struct. Of Xen's many sub-ops, these are the
 * ones a guest (rather than a device model or toolstack) uses.
 */
#ifndef PUBLIC_HVM_HVM_OP_H
#define PUBLIC_HVM_HVM_OP_H

#include <stdint.h>
#include "../xen.h"

#define HVMOP_set_param                 0   /* IN: struct xen_hvm_param */
#define HVMOP_get_param                 1   /* IN/OUT: struct xen_hvm_param */
#define HVMOP_pagetable_dying           9   /* IN: struct xen_hvm_pagetable_dying */
#define HVMOP_get_time                  10  /* OUT: struct xen_hvm_get_time */
#define HVMOP_get_mem_type              15  /* IN/OUT: struct xen_hvm_get_mem_type */
#define HVMOP_set_evtchn_upcall_vector  23  /* IN: struct xen_hvm_evtchn_upcall_vector */

/*
 * get_param/set_param: read or write parameter index (HVM_PARAM_*,
 * params.h) of domid. A guest names itself (DOMID_SELF); most parameters
 * are set by the toolstack and only read by the guest.
 */
struct xen_hvm_param {
    domid_t  domid;             /* IN */
    uint16_t pad;
    uint32_t index;             /* IN: HVM_PARAM_* */
    uint64_t value;             /* IN (set) / OUT (get) */
};
PETREL_ABI_SIZE(struct xen_hvm_param, 16);
PETREL_ABI_OFFSET(struct xen_hvm_param, index, 4);
PETREL_ABI_OFFSET(struct xen_hvm_param, value, 8);

/*
 * set_evtchn_upcall_vector: deliver this vCPU's event upcalls as interrupt
 * vector through its local APIC (the guest then EOIs it), in place of the
 * domain-wide HVM_PARAM_CALLBACK_IRQ. Offered when CPUID leaf base+4 EAX
 * has XEN_HVM_CPUID_UPCALL_VECTOR. vector must be 0x10..0xff.
 */
struct xen_hvm_evtchn_upcall_vector {
    uint32_t vcpu;              /* IN */
    uint8_t  vector;            /* IN */
    uint8_t  pad[3];
};
PETREL_ABI_SIZE(struct xen_hvm_evtchn_upcall_vector, 8);

/* pagetable_dying: a hint that the guest drops the page table at gpa.
 * Only useful with shadow paging; Linux only probes it. */
struct xen_hvm_pagetable_dying {
    domid_t  domid;             /* IN: DOMID_SELF */
    uint16_t pad[3];
    uint64_t gpa;               /* IN: top-level page table */
};
PETREL_ABI_SIZE(struct xen_hvm_pagetable_dying, 16);

struct xen_hvm_get_time {
    uint64_t now;               /* OUT: system time, ns */
};
PETREL_ABI_SIZE(struct xen_hvm_get_time, 8);

struct xen_hvm_get_mem_type {
    domid_t  domid;             /* IN */
    uint16_t mem_type;          /* OUT: HVMMEM_* */
    uint16_t pad[2];
    uint64_t pfn;               /* IN */
};
PETREL_ABI_SIZE(struct xen_hvm_get_mem_type, 16);

#define HVMMEM_ram_rw           0
#define HVMMEM_ram_ro           1
#define HVMMEM_mmio_dm          2
#define HVMMEM_unused           3
#define HVMMEM_ioreq_server     4

#endif
