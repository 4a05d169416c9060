// SPDX-License-Identifier: MIT
/*
 * Interrupt injection: which external interrupt a vCPU is owed, and when
 * it can take it. Two sources, in this order (as Xen orders them):
 *
 *  1. The event-channel callback vector (HVM_PARAM_CALLBACK_IRQ, vector
 *     type): pending while vcpu_info->evtchn_upcall_pending is set, injected
 *     directly, not through the LAPIC, so the guest sends no EOI; it clears
 *     the flag in its handler, which ends the source.
 *  2. The virtual LAPIC: the highest IRR vector above the processor
 *     priority; injecting it moves it to ISR (the guest's EOI ends it).
 *
 * Before each VM entry hvm_intr_assist() injects the first pending one if
 * the guest can take an interrupt now (IF set, no STI/MOV SS shadow, no
 * event already queued), else asks the vendor for an interrupt-window exit.
 */
#include <petrel/domain.h>
#include <petrel/event.h>
#include <x86/hvm/hvm.h>
#include <x86/hvm/vlapic.h>

/* The vector to inject next, or -1; *lapic says whether it is the vLAPIC's. */
static int next_vector(struct vcpu *v, bool *lapic)
{
    uint8_t cb = __atomic_load_n(&v->domain->callback_vector, __ATOMIC_RELAXED);
    int vec;

    *lapic = false;
    if (cb && !v->upcall_vector && vcpu_events_pending(v))
        return cb;
    if (!v->vlapic)
        return -1;
    vec = vlapic_pending(v);
    *lapic = vec >= 0;
    return vec;
}

bool hvm_intr_pending(struct vcpu *v)
{
    bool lapic;

    return next_vector(v, &lapic) >= 0;
}

void hvm_intr_assist(struct vcpu *v)
{
    bool lapic;
    int vec;

    if (v->vlapic && hvm->set_tpr)
        hvm->set_tpr(v, vlapic_get_tpr(v));
    vec = next_vector(v, &lapic);
    if (vec < 0)
        return;
    if (hvm->intr_blocked(v)) {
        hvm->intr_window(v);
        return;
    }
    hvm->inject_event(v, EVENT_EXTINT, vec, false, 0);
    if (lapic)
        vlapic_ack(v, vec);
    /* Another one waiting: come back once this one is delivered. */
    if (next_vector(v, &lapic) >= 0)
        hvm->intr_window(v);
}

/* After an exit: the guest may have moved its TPR (MOV CR8) under us. */
void hvm_intr_sync_tpr(struct vcpu *v)
{
    if (v->vlapic && hvm->get_tpr)
        vlapic_set_tpr(v, hvm->get_tpr(v));
}
