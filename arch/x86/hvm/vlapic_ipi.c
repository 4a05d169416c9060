// SPDX-License-Identifier: MIT
/*
 * Inter-processor interrupts from the vLAPIC's ICR (SDM vol. 3, 10.6),
 * between the vCPUs of one domain.
 *
 * Destinations: a shorthand (self, all, all but self), or the destination
 * field, physical (APIC ID = vCPU id; 0xff, or 0xffffffff in x2APIC mode,
 * broadcasts) or logical: xAPIC flat or cluster model by the target's DFR
 * and LDR, x2APIC clusters of 16 from the ID (the LDR is derived from it).
 * Delivery modes: fixed; lowest priority goes to the first vCPU that
 * matches (no arbitration); INIT takes the target down and resets its
 * vLAPIC; a SIPI starts a target that waits for one (after INIT, or an AP
 * never started) in real mode at vector << 12. SMI and NMI are not
 * offered: they are dropped with a log line.
 */
#include <petrel/domain.h>
#include <petrel/printk.h>
#include <x86/hvm/hvm.h>
#include <x86/hvm/vlapic.h>
#include "vlapic_priv.h"

static bool logical_match(struct vlapic *t, uint32_t dest, bool x2)
{
    uint32_t id = vlapic_id(t), ldr, model;

    if (x2)
        return (dest >> 16) == (id >> 4) && (dest & (1u << (id & 0xf)));
    /* The target's LDR and DFR, read as the hardware would, unlocked. */
    ldr = __atomic_load_n(&t->reg[APIC_LDR >> 4], __ATOMIC_RELAXED) >> 24;
    model = __atomic_load_n(&t->reg[APIC_DFR >> 4], __ATOMIC_RELAXED) >> 28;
    dest &= 0xff;
    if (model == 0xf)                       /* flat: 8 bits, one per APIC */
        return ldr & dest;
    if (model == 0)                         /* cluster: 4-bit id, 4-bit mask */
        return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);
    return false;
}

static bool dest_match(struct vlapic *src, struct vcpu *t, uint64_t icr, bool x2)
{
    uint32_t dest = icr >> 32;

    switch (ICR_SHORTHAND(icr)) {
    case ICR_SELF:
        return t == src->v;
    case ICR_ALL:
        return true;
    case ICR_ALL_BUT_SELF:
        return t != src->v;
    }
    if (dest == (x2 ? 0xffffffffu : 0xffu))
        return true;
    if (icr & ICR_LOGICAL)
        return logical_match(t->vlapic, dest, x2);
    return vlapic_id(t->vlapic) == dest;
}

static void deliver_init(struct vcpu *t)
{
    unsigned long flags;

    vcpu_down(t);
    vlapic_reset(t);
    flags = spin_lock_irqsave(&t->vlapic->lock);
    t->vlapic->wait_sipi = true;
    spin_unlock_irqrestore(&t->vlapic->lock, flags);
}

static void deliver_sipi(struct vcpu *t, uint8_t vector)
{
    unsigned long flags = spin_lock_irqsave(&t->vlapic->lock);
    /* A target INIT just took down may still be finishing on its pCPU: its
     * state is not ours to set until it is saved. The second SIPI of the
     * usual INIT-SIPI-SIPI sequence then starts it. */
    bool start = t->vlapic->wait_sipi && !vcpu_is_up(t) && !sched_vcpu_on_cpu(&t->sched);

    if (start)
        t->vlapic->wait_sipi = false;       /* a second SIPI is ignored */
    spin_unlock_irqrestore(&t->vlapic->lock, flags);
    if (!start)
        return;
    hvm_set_sipi_start(t, vector);
    t->initialised = true;
    vcpu_up(t);
    vcpu_kick(t);                           /* no longer in the HLT INIT found */
}

/* Whether the ICR asks for something to deliver; logs what it drops. */
static bool icr_valid(struct vlapic *l, uint64_t icr)
{
    unsigned int mode = ICR_MODE(icr);
    struct vcpu *v = l->v;
    unsigned long flags;

    switch (mode) {
    case ICR_FIXED:
    case ICR_LOWEST:
        if (ICR_VECTOR(icr) >= 16)
            return true;
        flags = spin_lock_irqsave(&l->lock);
        l->esr_pending |= APIC_ESR_SEND_ILLEGAL;
        spin_unlock_irqrestore(&l->lock, flags);
        return false;
    case ICR_INIT:
        /* INIT level de-assert only synchronises arbitration IDs. */
        return (icr & ICR_LEVEL_ASSERT) || !(icr & ICR_TRIGGER_LEVEL);
    case ICR_SIPI:
        return true;
    default:
        if (vlapic_log_once(&l->logged, LOGGED_IPI_MODE))
            pr_warn("d%uv%u: vLAPIC: IPI delivery mode %u (%s) not supported, dropped "
                    "(logged once)\n", v->domain->id, v->id, mode,
                    mode == ICR_NMI ? "NMI" : mode == ICR_SMI ? "SMI" : "reserved");
        return false;
    }
}

void vlapic_send_ipi(struct vlapic *l, uint64_t icr)
{
    struct vcpu *src = l->v;
    struct domain *d = src->domain;
    unsigned int mode = ICR_MODE(icr);
    bool x2 = vlapic_x2apic(l);

    if (!icr_valid(l, icr))
        return;
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *t = d->vcpus[i];

        if (!t || !t->vlapic || !dest_match(l, t, icr, x2))
            continue;
        if (mode == ICR_FIXED || mode == ICR_LOWEST) {
            vlapic_set_irq(t, ICR_VECTOR(icr), icr & ICR_TRIGGER_LEVEL);
            if (mode == ICR_LOWEST)
                break;
        } else if (t == src) {
            continue;                       /* INIT/SIPI to self: not offered */
        } else if (mode == ICR_INIT) {
            deliver_init(t);
        } else {
            deliver_sipi(t, ICR_VECTOR(icr));
        }
    }
}
