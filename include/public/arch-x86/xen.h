/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 parts of shared_info and vcpu_info (included by ../xen.h, after
 * xen_ulong_t and xen_pfn_t). Most fields serve PV guests, which Petrel does
 * not run; they keep their place so that the layout is Xen's.
 */
#include "../xen.h"     /* first: it includes this file at the right point */

#ifndef PUBLIC_ARCH_X86_XEN_H
#define PUBLIC_ARCH_X86_XEN_H

struct arch_vcpu_info {
    xen_ulong_t cr2;            /* hv: faulting address of a PV page fault */
    xen_ulong_t pad;
};
PETREL_ABI_SIZE(struct arch_vcpu_info, 16);

struct arch_shared_info {
    xen_ulong_t max_pfn;        /* guest (PV): entries in its p2m */
    xen_pfn_t   pfn_to_mfn_frame_list_list; /* guest (PV): p2m tree root */
    xen_ulong_t nmi_reason;     /* hv (PV control domain): NMI cause */
    xen_ulong_t p2m_cr3;        /* guest (PV): address space of p2m_vaddr */
    xen_ulong_t p2m_vaddr;      /* guest (PV): linear p2m list */
    xen_ulong_t p2m_generation; /* guest (PV): odd while the p2m changes */
};
PETREL_ABI_SIZE(struct arch_shared_info, 48);

#endif
