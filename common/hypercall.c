// SPDX-License-Identifier: MIT
/* Hypercall dispatch: Xen's numbers, a table of handlers, -ENOSYS for the rest. */
#include <petrel/errno.h>
#include <petrel/grant_table.h>
#include <petrel/hypercall.h>
#include <public/xen.h>

static const hypercall_fn_t hypercall_table[NR_HYPERCALLS] = {
    [__HYPERVISOR_xen_version] = do_xen_version,
    [__HYPERVISOR_console_io] = do_console_io,
    [__HYPERVISOR_sched_op] = do_sched_op,
    [__HYPERVISOR_event_channel_op] = do_event_channel_op,
    [__HYPERVISOR_hvm_op] = do_hvm_op,
    [__HYPERVISOR_set_timer_op] = do_set_timer_op,
    [__HYPERVISOR_memory_op] = do_memory_op,
    [__HYPERVISOR_vcpu_op] = do_vcpu_op,
    [__HYPERVISOR_grant_table_op] = do_grant_table_op,
    [__HYPERVISOR_sysctl] = do_sysctl,
    [__HYPERVISOR_physdev_op] = do_physdev_op,
    [__HYPERVISOR_domctl] = do_domctl,
};

long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[5])
{
    if (nr >= NR_HYPERCALLS || !hypercall_table[nr])
        return -ENOSYS;
    return hypercall_table[nr](v, args[0], args[1], args[2], args[3], args[4]);
}
