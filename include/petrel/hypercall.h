/* SPDX-License-Identifier: MIT */
/*
 * Hypercall dispatch (common/hypercall.c). Handlers take up to five
 * arguments (already zero-extended for 32-bit callers) and return a value
 * for the guest's RAX: >= 0, or a negative Xen errno.
 */
#ifndef PETREL_HYPERCALL_H
#define PETREL_HYPERCALL_H

#include <petrel/types.h>

struct domain;
struct vcpu;

typedef long (*hypercall_fn_t)(struct vcpu *v, uint64_t a1, uint64_t a2,
                               uint64_t a3, uint64_t a4, uint64_t a5);

/* Run hypercall 'nr' for 'v'; unknown numbers give -ENOSYS. */
long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[5]);

long do_xen_version(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3,
                    uint64_t a4, uint64_t a5);
long do_console_io(struct vcpu *v, uint64_t cmd, uint64_t count, uint64_t buf,
                   uint64_t a4, uint64_t a5);
/* common/console_io.c: log d's unfinished output line now, as a line of its
 * own (d blocked after writing it: a prompt waiting for input). */
void console_io_flush(struct domain *d);
long do_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3,
                 uint64_t a4, uint64_t a5);
/* common/event_channel.c: EVTCHNOP_* */
long do_event_channel_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3,
                         uint64_t a4, uint64_t a5);
/* common/hvm_op.c: HVMOP_set_param/get_param, set_evtchn_upcall_vector */
long do_hvm_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3,
               uint64_t a4, uint64_t a5);
/* common/vcpu_op.c: VCPUOP_*, and set_timer_op */
long do_vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vcpuid, uint64_t arg,
                uint64_t a4, uint64_t a5);
long do_set_timer_op(struct vcpu *v, uint64_t timeout, uint64_t a2, uint64_t a3,
                     uint64_t a4, uint64_t a5);
/* common/memory_op.c: XENMEM_add_to_physmap (shared_info) and queries */
long do_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3,
                  uint64_t a4, uint64_t a5);

/* common/domctl.c, common/sysctl.c: Petrel's control ABI (public/petrel_ctl.h) */
long do_domctl(struct vcpu *v, uint64_t arg, uint64_t a2, uint64_t a3,
               uint64_t a4, uint64_t a5);
/* common/physdev_op.c: PHYSDEVOP_map_pirq and friends (control domain) */
long do_physdev_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3,
                   uint64_t a4, uint64_t a5);
long do_sysctl(struct vcpu *v, uint64_t arg, uint64_t a2, uint64_t a3,
               uint64_t a4, uint64_t a5);

#endif
