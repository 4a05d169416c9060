/* SPDX-License-Identifier: MIT */
/*
 * vcpu_op(cmd, vcpuid, arg): bring vCPUs up and down, their timers, and the
 * guest memory areas the hypervisor keeps up to date for them.
 *
 * vcpuid names a vCPU of the calling domain; arg is the guest virtual address
 * of the command's struct, or 0 where the command takes none. Times are
 * system time in ns, the clock of vcpu_time_info (xen.h).
 */
#ifndef PUBLIC_VCPU_H
#define PUBLIC_VCPU_H

#include <stdint.h>
#include "xen.h"

/*
 * initialise: give a vCPU that was never started its first register state;
 * it runs after VCPUOP_up. For HVM/PVH guests arg is a
 * struct vcpu_hvm_context (hvm/hvm_vcpu.h). Linux starts secondary vCPUs
 * of HVM/PVH guests with INIT/SIPI through the local APIC instead.
 */
#define VCPUOP_initialise           0
#define VCPUOP_up                   1   /* make it runnable; arg 0 */
#define VCPUOP_down                 2   /* stop it (asynchronous unless self); arg 0 */
#define VCPUOP_is_up                3   /* returns 1 if up, 0 if down; arg 0 */
#define VCPUOP_get_runstate_info    4   /* OUT: struct vcpu_runstate_info */
#define VCPUOP_register_runstate_memory_area 5 /* IN: struct vcpu_register_runstate_memory_area */
#define VCPUOP_set_periodic_timer   6   /* IN: struct vcpu_set_periodic_timer */
#define VCPUOP_stop_periodic_timer  7   /* arg 0 */
#define VCPUOP_set_singleshot_timer 8   /* IN: struct vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer 9  /* arg 0 */
#define VCPUOP_register_vcpu_info   10  /* IN: struct vcpu_register_vcpu_info */
#define VCPUOP_send_nmi             11  /* arg 0 */
#define VCPUOP_get_physid           12  /* OUT: struct vcpu_get_physid */
#define VCPUOP_register_vcpu_time_memory_area 13 /* IN: struct vcpu_register_time_memory_area */
#define VCPUOP_register_runstate_phys_area 14 /* IN: uint64_t guest-physical address */
#define VCPUOP_register_vcpu_time_phys_area 15 /* IN: uint64_t guest-physical address */

/*
 * Where a vCPU's time went. The four times add up to the system time the
 * vCPU has existed; state_entry_time is when it entered its current state.
 */
struct vcpu_runstate_info {
    uint32_t state;             /* OUT: RUNSTATE_* (Xen: int) */
    uint32_t pad;
    uint64_t state_entry_time;  /* OUT: ns; may carry XEN_RUNSTATE_UPDATE */
    uint64_t time[4];           /* OUT: ns spent in each RUNSTATE_* */
};
PETREL_ABI_SIZE(struct vcpu_runstate_info, 48);
PETREL_ABI_OFFSET(struct vcpu_runstate_info, state_entry_time, 8);
PETREL_ABI_OFFSET(struct vcpu_runstate_info, time, 16);

#define RUNSTATE_running    0   /* on a physical CPU */
#define RUNSTATE_runnable   1   /* ready, waiting for a physical CPU */
#define RUNSTATE_blocked    2   /* waiting for an event (HLT, SCHEDOP_block) */
#define RUNSTATE_offline    3   /* neither: down, paused, or held by the hypervisor */

/*
 * Set in state_entry_time of a registered runstate area while the hypervisor
 * rewrites it, when the guest enabled VMASST_TYPE_runstate_update_flag.
 */
#define XEN_RUNSTATE_UPDATE (1ull << 63)

/*
 * register_runstate_memory_area: keep a copy of the runstate at a guest
 * virtual address (under the page tables current at each update),
 * refreshed whenever the vCPU is scheduled. One area per vCPU.
 * Linux PVH treats failure as fatal.
 */
struct vcpu_register_runstate_memory_area {
    xen_guest_handle_t addr;    /* IN: struct vcpu_runstate_info * */
};
PETREL_ABI_SIZE(struct vcpu_register_runstate_memory_area, 8);

/* set_periodic_timer: raise VIRQ_TIMER every period_ns. */
struct vcpu_set_periodic_timer {
    uint64_t period_ns;         /* IN */
};
PETREL_ABI_SIZE(struct vcpu_set_periodic_timer, 8);

/*
 * set_singleshot_timer: raise VIRQ_TIMER once system time reaches
 * timeout_abs_ns; a deadline already past fires at once, unless
 * VCPU_SSHOTTMR_future is set, in which case the call fails with -ETIME.
 * A new deadline replaces the old one.
 */
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;    /* IN: absolute system time */
    uint32_t flags;             /* IN: VCPU_SSHOTTMR_* */
    uint32_t pad;
};
PETREL_ABI_SIZE(struct vcpu_set_singleshot_timer, 16);
#define VCPU_SSHOTTMR_future    (1u << 0)

/*
 * register_vcpu_info: move this vCPU's struct vcpu_info (xen.h) out of
 * shared_info to guest frame mfn (a GFN for HVM/PVH) at byte offset; it must
 * not cross the page. Once per vCPU. The hypervisor copies the current
 * contents there. Linux PVH panics if it fails.
 */
struct vcpu_register_vcpu_info {
    uint64_t mfn;               /* IN: guest frame number */
    uint32_t offset;            /* IN: byte offset in that frame */
    uint32_t rsvd;              /* IN: must be 0 */
};
PETREL_ABI_SIZE(struct vcpu_register_vcpu_info, 16);

/* get_physid: the physical CPU under a pinned vCPU (privileged). */
struct vcpu_get_physid {
    uint64_t phys_id;           /* OUT: bits 31:0 APIC id, 63:32 ACPI id */
};
PETREL_ABI_SIZE(struct vcpu_get_physid, 8);

/*
 * register_vcpu_time_memory_area: a second copy of the vCPU's
 * vcpu_time_info at a guest virtual address, updated together with the one
 * in vcpu_info (for a user-mode clock). Linux tolerates failure.
 */
struct vcpu_register_time_memory_area {
    xen_guest_handle_t addr;    /* IN: struct vcpu_time_info * */
};
PETREL_ABI_SIZE(struct vcpu_register_time_memory_area, 8);

#endif
