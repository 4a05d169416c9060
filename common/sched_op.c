// SPDX-License-Identifier: MIT
/* sched_op: yield, block, shutdown. Polling and remote shutdown come later. */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/hypercall.h>
#include <public/sched.h>
#include <x86/hvm/hvm.h>

static long shutdown(struct vcpu *v, uint64_t arg, bool code_only)
{
    struct sched_shutdown s;

    if (copy_from_guest(v, &s, arg, sizeof(s)))
        return -EFAULT;
    if (code_only) {
        v->domain->shutdown_code = s.reason;
        return 0;
    }
    if (s.reason > SHUTDOWN_soft_reset)
        return -EINVAL;
    domain_shutdown(v->domain, s.reason);
    return 0;
}

long do_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3,
                 uint64_t a4, uint64_t a5)
{
    switch (cmd) {
    case SCHEDOP_yield:
        vcpu_yield(v);
        return 0;
    case SCHEDOP_block:
        vcpu_block(v);              /* until an event or an interrupt */
        return 0;
    case SCHEDOP_shutdown:
        return shutdown(v, arg, false);
    case SCHEDOP_shutdown_code:
        return shutdown(v, arg, true);
    case SCHEDOP_remote_shutdown:
        return v->domain->privileged ? -ESRCH : -EPERM;
    default:
        return -ENOSYS;
    }
}
