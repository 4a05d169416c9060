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
 *
 * Scope: these headers describe the ABI of 64-bit guests only. Every
 * structure is written with fixed-width types and explicit padding, so it has
 * the same layout whoever compiles it (the hypervisor, a 64-bit guest, or a
 * 32-bit tool built with -m32); the size and offset checks below hold in all
 * of them. Xen also has a 32-bit ("compat") ABI, which Petrel does not offer:
 *  - Hypercall arguments: Xen picks the layout per call, from the mode of the
 *    calling vCPU. From 64-bit mode it reads RDI, RSI, RDX, R10, R8 and the
 *    native structs below; from any other mode EBX, ECX, EDX, ESI, EDI and
 *    32-bit structs, in which a "long" or a pointer is 4 bytes and a 64-bit
 *    field is only 4-byte aligned.
 *  - shared_info, vcpu_info and the runstate area of an HVM/PVH domain: Xen
 *    keeps one per-domain choice, 64-bit by default. It switches to the
 *    32-bit layout (vcpu_info with 4-byte evtchn_pending_sel; wc_sec_hi
 *    inside the arch part of shared_info) only when the domain sets
 *    HVM_PARAM_CALLBACK_IRQ (older Xen: also when it fills the hypercall
 *    page) while running outside 64-bit mode. A 64-bit Linux (PVH or HVM)
 *    does both from long mode, so it always gets the layout below.
 *  - Grant entries (v1), the xenstore and console rings and the I/O ring
 *    headers have the same layout in both ABIs.
 * Petrel implements the 64-bit ABI only: a hypercall made from another mode
 * returns -ENOSYS (in EAX), whatever its number.
 */
#ifndef PUBLIC_XEN_H
#define PUBLIC_XEN_H

#include <stdint.h>

#define PETREL_PUBLIC_INTERFACE_VERSION 0x00040000  /* follows Xen's 4.x ABI */

/*
 * Layout checks. They are part of the header so that every user, guests
 * included, compiles them (C11 _Static_assert; GCC and Clang offsetof).
 */
#ifdef __cplusplus
#define PETREL_ABI_ASSERT(c)        static_assert(c, #c)
#else
#define PETREL_ABI_ASSERT(c)        _Static_assert(c, #c)
#endif
#define PETREL_ABI_SIZE(type, n)    PETREL_ABI_ASSERT(sizeof(type) == (n))
#define PETREL_ABI_OFFSET(type, field, off) \
    PETREL_ABI_ASSERT(__builtin_offsetof(type, field) == (off))

/*
 * Basic types of the x86-64 ABI. Where Xen writes "unsigned long" or a guest
 * handle (a pointer in a struct), the 64-bit guest sees 8 bytes; these
 * typedefs keep that size in every compiler mode.
 */
typedef uint64_t xen_ulong_t;       /* Xen's unsigned long */
typedef uint64_t xen_pfn_t;         /* a frame number (a GFN for HVM/PVH) */
typedef uint64_t xen_guest_handle_t; /* a guest virtual address (XEN_GUEST_HANDLE) */

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

/*
 * Virtual interrupts: events the hypervisor raises itself, delivered on an
 * event channel the guest binds with EVTCHNOP_bind_virq. A per-vCPU VIRQ
 * (V) can be bound once on each vCPU and stays there; a global VIRQ (G) is
 * bound once per domain, on vCPU 0, and may then move (EVTCHNOP_bind_vcpu).
 */
#define VIRQ_TIMER          0   /* V: the vCPU's single-shot or periodic timer fired */
#define VIRQ_DEBUG          1   /* V: asked to dump debug state */
#define VIRQ_CONSOLE        2   /* G: input on the hypervisor console (control domain) */
#define VIRQ_DOM_EXC        3   /* G: some domain crashed or shut down (control domain) */
#define VIRQ_TBUF           4   /* G: trace records available (control domain) */
/*                          5      unused */
#define VIRQ_DEBUGGER       6   /* G: a domain paused for a debugger (control domain) */
#define VIRQ_XENOPROF       7   /* V: profiling sample */
#define VIRQ_CON_RING       8   /* G: hypervisor console ring has data (control domain) */
#define VIRQ_PCPU_STATE     9   /* G: a physical CPU changed state (control domain) */
#define VIRQ_MEM_EVENT      10  /* G: memory event (control domain) */
#define VIRQ_ARGO           11  /* G: Argo message notification */
#define VIRQ_ENOMEM         12  /* G: hypervisor heap is low (control domain) */
#define VIRQ_XENPMU         13  /* V: performance counter interrupt */
#define VIRQ_ARCH_0         16  /* 16..23: architecture-specific */
#define VIRQ_ARCH_7         23
#define NR_VIRQS            24

/*
 * vm_assist(cmd, type): opt-in behaviours. Of the types, only
 * runstate_update_flag concerns HVM/PVH guests; the others are for PV.
 */
#define VMASST_CMD_enable                   0
#define VMASST_CMD_disable                  1
#define VMASST_TYPE_4gb_segments            0
#define VMASST_TYPE_4gb_segments_notify     1
#define VMASST_TYPE_writable_pagetables     2
#define VMASST_TYPE_pae_extended_cr3        3
#define VMASST_TYPE_architectural_iopl      4
#define VMASST_TYPE_runstate_update_flag    5   /* see XEN_RUNSTATE_UPDATE, vcpu.h */
#define VMASST_TYPE_m2p_strict              32

/* Shared info describes at most this many vCPUs; others need
 * VCPUOP_register_vcpu_info (vcpu.h). */
#define XEN_LEGACY_MAX_VCPUS    32

#include "arch-x86/xen.h"

/*
 * pvclock: per-vCPU time, written by the hypervisor, read by the guest
 * without a hypercall. The guest's current system time, in ns, is
 *
 *   delta = TSC - tsc_timestamp
 *   delta = tsc_shift >= 0 ? delta << tsc_shift : delta >> -tsc_shift
 *   now   = system_time + ((delta * tsc_to_system_mul) >> 32)
 *
 * with the product taken to 96 bits, so tsc_to_system_mul is ns per
 * (shifted) tick as a 0.32 fixed-point fraction. The TSC is the guest's own
 * (the host TSC plus the vCPU's TSC offset). The TSC frequency follows:
 * hz = ((10^9 << 32) / tsc_to_system_mul) >> tsc_shift (<< for a negative
 * shift).
 *
 * Update protocol (a sequence lock): the hypervisor makes version odd, writes
 * the other fields, then makes it even again, with a write barrier after the
 * first store and before the last. A reader loads version, then the fields,
 * then version again, and retries if the two differ or the first was odd.
 * See include/petrel/pvclock.h for the computations.
 */
struct vcpu_time_info {
    uint32_t version;           /* hv: odd while an update is in progress */
    uint32_t pad0;
    uint64_t tsc_timestamp;     /* hv: guest TSC when system_time was taken */
    uint64_t system_time;       /* hv: ns since the domain's time base, at tsc_timestamp */
    uint32_t tsc_to_system_mul; /* hv: ns per shifted tick, 0.32 fixed point */
    int8_t   tsc_shift;         /* hv: shift applied to a TSC delta first */
    uint8_t  flags;             /* hv: XEN_PVCLOCK_* */
    uint8_t  pad1[2];
};
PETREL_ABI_SIZE(struct vcpu_time_info, 32);
PETREL_ABI_OFFSET(struct vcpu_time_info, tsc_timestamp, 8);
PETREL_ABI_OFFSET(struct vcpu_time_info, system_time, 16);
PETREL_ABI_OFFSET(struct vcpu_time_info, tsc_to_system_mul, 24);
PETREL_ABI_OFFSET(struct vcpu_time_info, tsc_shift, 28);
PETREL_ABI_OFFSET(struct vcpu_time_info, flags, 29);

/* The TSC is synchronised across vCPUs: readings from different vCPUs are
 * mutually monotonic, so guests may skip their own cross-CPU clamping. */
#define XEN_PVCLOCK_TSC_STABLE_BIT  (1u << 0)
/* The vCPU was paused by the toolstack; the guest should not report
 * the gap as a soft lockup. */
#define XEN_PVCLOCK_GUEST_STOPPED   (1u << 1)

/*
 * Per-vCPU event and time state. vcpu_info[n] in shared_info belongs to vCPU
 * n (n < XEN_LEGACY_MAX_VCPUS) until the guest moves it elsewhere with
 * VCPUOP_register_vcpu_info; it must then not cross a page boundary.
 *
 * 2-level event delivery: to raise port p, the hypervisor sets bit p in
 * shared_info.evtchn_pending; if it was clear and bit p of evtchn_mask is
 * clear, it sets bit p / 64 of evtchn_pending_sel and evtchn_upcall_pending
 * of the vCPU the port is bound to, and sends the upcall (HVM: the callback
 * vector, hvm/params.h). The guest clears evtchn_upcall_pending first, then
 * exchanges evtchn_pending_sel with 0 and scans the words it names.
 */
struct vcpu_info {
    uint8_t  evtchn_upcall_pending;  /* hv sets, guest clears: events wait */
    uint8_t  evtchn_upcall_mask;     /* guest: no upcalls while set (PV only;
                                      * HVM uses the guest's RFLAGS.IF) */
    uint8_t  pad0[6];
    xen_ulong_t evtchn_pending_sel;  /* hv sets bits, guest clears: bit i
                                      * means word i of evtchn_pending */
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
PETREL_ABI_SIZE(struct vcpu_info, 64);
PETREL_ABI_OFFSET(struct vcpu_info, evtchn_upcall_mask, 1);
PETREL_ABI_OFFSET(struct vcpu_info, evtchn_pending_sel, 8);
PETREL_ABI_OFFSET(struct vcpu_info, arch, 16);
PETREL_ABI_OFFSET(struct vcpu_info, time, 32);

/*
 * The shared info page, placed in the guest's physical address space with
 * XENMEM_add_to_physmap(XENMAPSPACE_shared_info) (memory.h). It is smaller
 * than a page; the rest of the page reads as zero.
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    /* 2-level event channels: bit p of word p / 64 stands for port p. */
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8]; /* hv sets, guest clears */
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];    /* guest: 1 = no upcall */
    /*
     * Wall-clock time at system time 0 (boot of the time base), as seconds
     * and ns since 1970-01-01 UTC; the guest adds its system time. Same
     * odd/even protocol as vcpu_time_info.version.
     */
    uint32_t wc_version;        /* hv: odd while updating */
    uint32_t wc_sec;            /* hv: seconds, low 32 bits */
    uint32_t wc_nsec;           /* hv: nanoseconds (< 10^9) */
    uint32_t wc_sec_hi;         /* hv: seconds, high 32 bits (64-bit layout only) */
    struct arch_shared_info arch;
};
PETREL_ABI_SIZE(struct shared_info, 0xc40);
PETREL_ABI_OFFSET(struct shared_info, evtchn_pending, 0x800);
PETREL_ABI_OFFSET(struct shared_info, evtchn_mask, 0xa00);
PETREL_ABI_OFFSET(struct shared_info, wc_version, 0xc00);
PETREL_ABI_OFFSET(struct shared_info, wc_sec, 0xc04);
PETREL_ABI_OFFSET(struct shared_info, wc_nsec, 0xc08);
PETREL_ABI_OFFSET(struct shared_info, wc_sec_hi, 0xc0c);
PETREL_ABI_OFFSET(struct shared_info, arch, 0xc10);

#endif
