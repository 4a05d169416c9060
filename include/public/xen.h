/* SPDX-License-Identifier: MIT */
/*
 * Petrel's guest ABI: the Xen-compatible core (DESIGN D2). Numbers and
 * layouts are Xen's, byte for byte, so unmodified Xen-aware guests run.
 * This header includes nothing of the hypervisor's and compiles in guests.
 *
 * Hypercall convention on x86-64 HVM/PVH: number in RAX, arguments in RDI,
 * RSI, RDX, R10, R8; result in RAX (a negative errno on failure, see
 * errno.h). Issued with VMMCALL (AMD) or VMCALL (Intel), directly or through
 * the hypercall page (see arch-x86/cpuid.h). Pointer arguments are guest
 * virtual addresses under the caller's current page tables.
 */
#ifndef PUBLIC_XEN_H
#define PUBLIC_XEN_H

#include <stdint.h>

#define PETREL_PUBLIC_INTERFACE_VERSION 0x00040000  /* follows Xen's 4.x ABI */

/* Hypercall numbers. */
#define __HYPERVISOR_set_trap_table         0
#define __HYPERVISOR_mmu_update             1
#define __HYPERVISOR_set_gdt                2
#define __HYPERVISOR_stack_switch           3
#define __HYPERVISOR_set_callbacks          4
#define __HYPERVISOR_fpu_taskswitch         5
#define __HYPERVISOR_sched_op_compat        6
#define __HYPERVISOR_platform_op            7
#define __HYPERVISOR_set_debugreg           8
#define __HYPERVISOR_get_debugreg           9
#define __HYPERVISOR_update_descriptor      10
#define __HYPERVISOR_memory_op              12
#define __HYPERVISOR_multicall              13
#define __HYPERVISOR_update_va_mapping      14
#define __HYPERVISOR_set_timer_op           15
#define __HYPERVISOR_event_channel_op_compat 16
#define __HYPERVISOR_xen_version            17
#define __HYPERVISOR_console_io             18
#define __HYPERVISOR_physdev_op_compat      19
#define __HYPERVISOR_grant_table_op         20
#define __HYPERVISOR_vm_assist              21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                   23
#define __HYPERVISOR_vcpu_op                24
#define __HYPERVISOR_set_segment_base       25
#define __HYPERVISOR_mmuext_op              26
#define __HYPERVISOR_xsm_op                 27
#define __HYPERVISOR_nmi_op                 28
#define __HYPERVISOR_sched_op               29
#define __HYPERVISOR_callback_op            30
#define __HYPERVISOR_xenoprof_op            31
#define __HYPERVISOR_event_channel_op       32
#define __HYPERVISOR_physdev_op             33
#define __HYPERVISOR_hvm_op                 34
#define __HYPERVISOR_sysctl                 35
#define __HYPERVISOR_domctl                 36
#define __HYPERVISOR_kexec_op               37
#define __HYPERVISOR_tmem_op                38
#define __HYPERVISOR_argo_op                39
#define __HYPERVISOR_xenpmu_op              40
#define __HYPERVISOR_dm_op                  41
#define __HYPERVISOR_hypfs_op               42
#define NR_HYPERCALLS                       64  /* slots in a hypercall page */

/* console_io sub-ops: console_io(cmd, count, buffer). */
#define CONSOLEIO_write     0       /* IN: count bytes at buffer */
#define CONSOLEIO_read      1       /* OUT: up to count bytes; returns count read */

/* Domain ids. */
typedef uint16_t domid_t;
#define DOMID_FIRST_RESERVED    0x7ff0
#define DOMID_SELF              0x7ff0
#define DOMID_IO                0x7ff1
#define DOMID_XEN               0x7ff2
#define DOMID_COW               0x7ff3
#define DOMID_INVALID           0x7ff4
#define DOMID_IDLE              0x7fff

#endif
