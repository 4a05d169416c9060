// SPDX-License-Identifier: MIT
/*
 * hvm_op: HVM parameters and the event upcall's vector (public/hvm/hvm_op.h,
 * public/hvm/params.h). The other HVMOP_* commands are for device models
 * and toolstacks and give -ENOSYS.
 *
 * Who may touch which parameter follows Xen: a guest may set CALLBACK_IRQ
 * and the few others in guest_settable[], and read those plus the rings the
 * toolstack gave it (guest_readable[]), dom0 included when it names itself;
 * the control domain may read and set any parameter of another domain.
 * Anything else is -EPERM. One departure: a guest may read and set its own
 * TRIPLE_FAULT_REASON (Xen: toolstack only). It grants nothing that
 * SCHEDOP_shutdown with the same reason does not, and lets a test guest
 * choose the crash path for its own triple fault.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/event.h>
#include <petrel/hypercall.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/sched.h>
#include <x86/hvm/hvm.h>
#include <x86/hvm/vlapic.h>

#define LOWEST_VECTOR   0x10    /* 0..15 are exceptions */

static const bool guest_settable[HVM_NR_PARAMS] = {
    [HVM_PARAM_CALLBACK_IRQ] = true, [HVM_PARAM_STORE_EVTCHN] = true,
    [HVM_PARAM_CONSOLE_EVTCHN] = true, [HVM_PARAM_VM86_TSS] = true,
    [HVM_PARAM_VM86_TSS_SIZED] = true, [HVM_PARAM_ACPI_IOPORTS_LOCATION] = true,
    [HVM_PARAM_VM_GENERATION_ID_ADDR] = true, [HVM_PARAM_X87_FIP_WIDTH] = true,
    [HVM_PARAM_TRIPLE_FAULT_REASON] = true,
};

static const bool guest_readable[HVM_NR_PARAMS] = {
    [HVM_PARAM_CALLBACK_IRQ] = true, [HVM_PARAM_STORE_PFN] = true,
    [HVM_PARAM_STORE_EVTCHN] = true, [HVM_PARAM_CONSOLE_PFN] = true,
    [HVM_PARAM_CONSOLE_EVTCHN] = true, [HVM_PARAM_VM86_TSS] = true,
    [HVM_PARAM_VM86_TSS_SIZED] = true, [HVM_PARAM_ACPI_IOPORTS_LOCATION] = true,
    [HVM_PARAM_VM_GENERATION_ID_ADDR] = true, [HVM_PARAM_ALTP2M] = true,
    [HVM_PARAM_X87_FIP_WIDTH] = true, [HVM_PARAM_PAE_ENABLED] = true,
    [HVM_PARAM_TIMER_MODE] = true, [HVM_PARAM_TRIPLE_FAULT_REASON] = true,
};

/*
 * HVM_PARAM_CALLBACK_IRQ. The vector type is delivered (hvm_intr_assist).
 * A GSI is accepted and recorded but drives nothing, as Petrel emulates no
 * IOAPIC: Linux sets GSI 1 after HVMOP_set_evtchn_upcall_vector only to
 * say it takes events (its per-vCPU vectors carry them), and gives up its
 * vector callback if that call fails. PCI INTx needs a PCI bus: -ENOSYS.
 */
static long set_callback_irq(struct domain *d, uint64_t value)
{
    unsigned int type = value >> HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT;
    unsigned int vector = value & 0xff;

    if (!value) {
        __atomic_store_n(&d->callback_vector, 0, __ATOMIC_RELAXED);
        return 0;
    }
    switch (type) {
    case HVM_PARAM_CALLBACK_TYPE_VECTOR:
        if (vector < LOWEST_VECTOR)
            return -EINVAL;
        __atomic_store_n(&d->callback_vector, vector, __ATOMIC_RELAXED);
        return 0;
    case HVM_PARAM_CALLBACK_TYPE_GSI:
        __atomic_store_n(&d->callback_vector, 0, __ATOMIC_RELAXED);
        return 0;
    case HVM_PARAM_CALLBACK_TYPE_PCI_INTX:
        return -ENOSYS;         /* no emulated PCI bus */
    default:
        return -EINVAL;
    }
}

static long param_op(struct vcpu *v, uint64_t arg, bool set)
{
    struct xen_hvm_param p;
    struct domain *d;
    long rc = 0;

    if (copy_from_guest(v, &p, arg, sizeof(p)))
        return -EFAULT;
    d = domain_target(v, p.domid, &rc);
    if (!d)
        return rc;
    if (p.index >= HVM_NR_PARAMS)
        rc = -EINVAL;
    else if (d == v->domain && !(set ? guest_settable : guest_readable)[p.index])
        rc = -EPERM;
    else if (!set)
        p.value = d->hvm_params[p.index];
    else if (p.index == HVM_PARAM_CALLBACK_IRQ)
        rc = set_callback_irq(d, p.value);
    else if (p.index == HVM_PARAM_TRIPLE_FAULT_REASON && p.value > SHUTDOWN_soft_reset)
        rc = -EINVAL;           /* only a SHUTDOWN_* reason (exit_triple_fault) */
    if (!rc && set)
        d->hvm_params[p.index] = p.value;
    domain_target_put(v, d);
    if (!rc && !set && copy_to_guest(v, arg, &p, sizeof(p)))
        rc = -EFAULT;
    return rc;
}

static long set_upcall_vector(struct vcpu *v, uint64_t arg)
{
    struct xen_hvm_evtchn_upcall_vector op;
    struct vcpu *target;

    if (copy_from_guest(v, &op, arg, sizeof(op)))
        return -EFAULT;
    if (op.vector < LOWEST_VECTOR)
        return -EINVAL;
    if (op.vcpu >= v->domain->nr_vcpus)
        return -ENOENT;
    target = v->domain->vcpus[op.vcpu];
    __atomic_store_n(&target->upcall_vector, op.vector, __ATOMIC_SEQ_CST);
    /* An upcall already pending is raised on the new vector, as Xen does. */
    if (vcpu_events_pending(target))
        vlapic_set_irq(target, op.vector, false);
    return 0;
}

long do_hvm_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3,
               uint64_t a4, uint64_t a5)
{
    switch (cmd) {
    case HVMOP_set_param:
        return param_op(v, arg, true);
    case HVMOP_get_param:
        return param_op(v, arg, false);
    case HVMOP_set_evtchn_upcall_vector:
        return set_upcall_vector(v, arg);
    default:
        return -ENOSYS;
    }
}
