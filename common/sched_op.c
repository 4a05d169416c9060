// SPDX-License-Identifier: MIT
/* sched_op: yield, block, poll, shutdown, and the control domain's remote shutdown. */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/event.h>
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

/* The control domain asks another domain to stop, with a reason. */
static long remote_shutdown(struct vcpu *v, uint64_t arg)
{
    struct sched_remote_shutdown r;
    struct domain *d;

    if (!v->domain->privileged)
        return -EPERM;
    if (copy_from_guest(v, &r, arg, sizeof(r)))
        return -EFAULT;
    if (r.reason > SHUTDOWN_soft_reset)
        return -EINVAL;
    d = domain_by_id(r.domain_id);
    if (!d)
        return -ESRCH;
    domain_shutdown(d, r.reason);
    domain_put(d);
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
        /* Xen unmasks event upcalls here: a guest blocks to wait for them. */
        if (v->vcpu_info)
            __atomic_store_n(&v->vcpu_info->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
        /* What it wrote before waiting (a prompt) is shown now, not at its
         * next newline. */
        console_io_flush(v->domain);
        vcpu_block(v);
        return 0;
    case SCHEDOP_poll:
        return evtchn_sched_poll(v, arg);
    case SCHEDOP_shutdown:
        return shutdown(v, arg, false);
    case SCHEDOP_shutdown_code:
        return shutdown(v, arg, true);
    case SCHEDOP_remote_shutdown:
        return remote_shutdown(v, arg);
    default:
        return -ENOSYS;
    }
}
