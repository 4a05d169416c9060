// SPDX-License-Identifier: MIT
/*
 * The virtual local APIC's core: creation, reset, and the IRR -> ISR -> EOI
 * life of an interrupt with its priorities (TPR, PPR, APR; see
 * include/x86/hvm/vlapic.h). Registers live in reg[], one 32-bit word per
 * 16-byte slot of the xAPIC page; the guest reaches them through
 * vlapic_regs.c (xAPIC page, x2APIC MSRs, the APIC base MSR). The timer is
 * in vlapic_timer.c, IPIs (ICR) in vlapic_ipi.c.
 *
 * Not modelled: the error LVT's interrupt (ESR records errors, nothing is
 * raised), writes to the ID register (read-only here, as the SDM allows),
 * directed EOI, the focus processor check, NMI/SMI delivery.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/printk.h>
#include <x86/hvm/vlapic.h>
#include <x86/msr.h>
#include <x86/percpu.h>
#include "vlapic_priv.h"

uint32_t vlapic_id(const struct vlapic *l)
{
    return l->v->id;
}

uint32_t vlapic_x2apic_ldr(uint32_t id)
{
    return ((id >> 4) << 16) | (1u << (id & 0xf));
}

/* Highest vector set in the 256-bit ISR, TMR or IRR at 'off'; -1 if none. */
static int highest_vector(const struct vlapic *l, unsigned int off)
{
    for (int i = 7; i >= 0; i--) {
        uint32_t w = l->reg[(off >> 4) + i];

        if (w)
            return i * 32 + 31 - __builtin_clz(w);
    }
    return -1;
}

static void vec_set(struct vlapic *l, unsigned int off, uint8_t vec, bool on)
{
    uint32_t *w = &l->reg[(off >> 4) + vec / 32];

    *w = on ? *w | (1u << (vec % 32)) : *w & ~(1u << (vec % 32));
}

/* PPR: the TPR, or the class of the highest in-service vector if higher
 * (SDM vol. 3, 10.8.3.1). */
uint32_t vlapic_ppr(const struct vlapic *l)
{
    uint32_t tpr = vlapic_reg(l, APIC_TPR);
    int isrv = highest_vector(l, APIC_ISR);

    if (isrv < 0 || (tpr >> 4) >= ((uint32_t)isrv >> 4))
        return tpr;
    return isrv & 0xf0;
}

/* APR, as the P6/Pentium 4 APIC computed it (SDM vol. 3, 10.8.3.2 of
 * older editions): the TPR, or the higher class of IRRV and ISRV. */
uint32_t vlapic_apr(const struct vlapic *l)
{
    uint32_t tpr = vlapic_reg(l, APIC_TPR);
    int irrv = highest_vector(l, APIC_IRR), isrv = highest_vector(l, APIC_ISR);
    int high = irrv > isrv ? irrv : isrv;
    uint32_t top = high < 0 ? 0 : high & 0xf0;

    return (tpr & 0xf0) >= top ? tpr : top;
}

/* The state after RESET or INIT (SDM vol. 3, 10.4.7.1); base MSR kept. */
void vlapic_reset_locked(struct vlapic *l)
{
    vlapic_timer_stop(l);
    memset(l->reg, 0, sizeof(l->reg));
    for (unsigned int off = APIC_LVT_TIMER; off <= APIC_LVT_ERROR; off += 0x10)
        vlapic_set_reg(l, off, APIC_LVT_MASKED);
    vlapic_set_reg(l, APIC_LVT_CMCI, APIC_LVT_MASKED);
    vlapic_set_reg(l, APIC_SVR, 0xff);
    vlapic_set_reg(l, APIC_DFR, 0xffffffff);
    if (vlapic_x2apic(l))
        vlapic_set_reg(l, APIC_LDR, vlapic_x2apic_ldr(vlapic_id(l)));
    l->esr_pending = 0;
    l->tsc_deadline = 0;
    l->timer_period = 0;
    l->timer_div = 2;
}

int vlapic_create(struct vcpu *v)
{
    struct vlapic *l = xzalloc(sizeof(*l));

    if (!l)
        return -ENOMEM;
    l->v = v;
    l->lock = (spinlock_t)SPINLOCK_INIT;
    l->base_msr = VLAPIC_DEFAULT_BASE | APIC_BASE_ENABLE | (v->id == 0 ? APIC_BASE_BSP : 0);
    /* An AP that was never started waits for a SIPI, as after power-up. */
    l->wait_sipi = v->id != 0;
    vlapic_timer_init(l, nr_cpus_online ? v->id % nr_cpus_online : 0);
    vlapic_reset_locked(l);
    v->vlapic = l;
    return 0;
}

void vlapic_destroy(struct vcpu *v)
{
    struct vlapic *l = v->vlapic;

    if (!l)
        return;
    /* Without l->lock: timer_kill() waits for a running callback, which
     * takes it. */
    timer_kill(&l->timer);
    v->vlapic = NULL;
    xfree(l);
}

void vlapic_reset(struct vcpu *v)
{
    struct vlapic *l = v->vlapic;
    unsigned long flags = spin_lock_irqsave(&l->lock);

    vlapic_reset_locked(l);
    spin_unlock_irqrestore(&l->lock, flags);
}

bool vlapic_accept_locked(struct vlapic *l, uint8_t vector, bool level)
{
    if (!(l->base_msr & APIC_BASE_ENABLE) || !vlapic_sw_enabled(l))
        return false;
    if (vector < 16) {
        l->esr_pending |= APIC_ESR_RECV_ILLEGAL;
        return false;
    }
    vec_set(l, APIC_IRR, vector, true);
    vec_set(l, APIC_TMR, vector, level);
    return true;
}

bool vlapic_set_irq(struct vcpu *v, uint8_t vector, bool level)
{
    struct vlapic *l = v->vlapic;
    unsigned long flags;
    bool ok;

    if (!l)
        return false;
    flags = spin_lock_irqsave(&l->lock);
    ok = vlapic_accept_locked(l, vector, level);
    spin_unlock_irqrestore(&l->lock, flags);
    if (ok)
        vcpu_kick(v);
    return ok;
}

/*
 * A look at IRR without the lock, for the common case of nothing pending
 * on each VM entry. A vector set concurrently is not lost: its setter
 * kicks the vCPU, which looks again before it next enters.
 */
static bool irr_empty(const struct vlapic *l)
{
    for (unsigned int i = 0; i < 8; i++)
        if (__atomic_load_n(&l->reg[(APIC_IRR >> 4) + i], __ATOMIC_RELAXED))
            return false;
    return true;
}

int vlapic_pending(struct vcpu *v)
{
    struct vlapic *l = v->vlapic;
    unsigned long flags;
    int irrv = -1;

    if (!l || irr_empty(l))
        return -1;
    flags = spin_lock_irqsave(&l->lock);
    if (l->base_msr & APIC_BASE_ENABLE) {
        irrv = highest_vector(l, APIC_IRR);
        if (irrv >= 0 && ((uint32_t)irrv & 0xf0) <= (vlapic_ppr(l) & 0xf0))
            irrv = -1;
    }
    spin_unlock_irqrestore(&l->lock, flags);
    return irrv;
}

void vlapic_ack(struct vcpu *v, uint8_t vector)
{
    struct vlapic *l = v->vlapic;
    unsigned long flags = spin_lock_irqsave(&l->lock);

    vec_set(l, APIC_IRR, vector, false);
    vec_set(l, APIC_ISR, vector, true);
    spin_unlock_irqrestore(&l->lock, flags);
}

/* For the 'q' debug key: one line of state, read under the lock. */
void vlapic_show(struct vcpu *v)
{
    struct vlapic *l = v->vlapic;
    unsigned long flags;
    int irr, isr;
    uint32_t svr, ppr;
    bool on;

    if (!l)
        return;
    flags = spin_lock_irqsave(&l->lock);
    on = l->base_msr & APIC_BASE_ENABLE;
    svr = vlapic_reg(l, APIC_SVR);
    ppr = vlapic_ppr(l);
    irr = highest_vector(l, APIC_IRR);
    isr = highest_vector(l, APIC_ISR);
    spin_unlock_irqrestore(&l->lock, flags);
    printk("      vLAPIC: %s, SVR %#x (%s), PPR %#x, highest IRR %d, ISR %d, upcall vector %#x\n",
           on ? "on" : "off", svr, (svr & APIC_SVR_ENABLE) ? "enabled" : "disabled", ppr,
           irr, isr, (unsigned int)__atomic_load_n(&v->upcall_vector, __ATOMIC_RELAXED));
}

uint8_t vlapic_get_tpr(struct vcpu *v)
{
    return vlapic_reg(v->vlapic, APIC_TPR);
}

/*
 * A shadow that holds only TPR[7:4] (SVM's V_TPR) hands back the class
 * alone: keep the guest's sub-class bits while the class is unchanged.
 */
void vlapic_set_tpr(struct vcpu *v, uint8_t tpr)
{
    struct vlapic *l = v->vlapic;
    unsigned long flags;

    /* After every exit, and the TPR rarely moves: only v's own pCPU
     * writes it, so an unlocked look says whether there is work. */
    if (tpr == vlapic_reg(l, APIC_TPR) ||
        (!(tpr & 0xf) && (tpr & 0xf0) == (vlapic_reg(l, APIC_TPR) & 0xf0)))
        return;
    flags = spin_lock_irqsave(&l->lock);
    if ((tpr & 0xf) || (tpr & 0xf0) != (vlapic_reg(l, APIC_TPR) & 0xf0))
        vlapic_set_reg(l, APIC_TPR, tpr);
    spin_unlock_irqrestore(&l->lock, flags);
}

void vlapic_eoi(struct vlapic *l)
{
    int isrv = highest_vector(l, APIC_ISR);

    if (isrv >= 0)
        vec_set(l, APIC_ISR, isrv, false);
}
