// SPDX-License-Identifier: MIT
/*
 * The vLAPIC's registers as the guest reaches them: the xAPIC page (from
 * the MMIO path, arch/x86/hvm/mmio.c), the x2APIC MSRs 0x800-0x8ff, the
 * APIC base MSR and IA32_TSC_DEADLINE.
 *
 * Slot n of the xAPIC page is x2APIC MSR 0x800 + n. A table says which
 * slots exist in which mode and which way, so that x2APIC accesses the SDM
 * calls reserved, read-only or write-only raise #GP (SDM vol. 3,
 * 10.12.1.2); the xAPIC page ignores such writes and reads 0 instead.
 */
#include <petrel/domain.h>
#include <petrel/event.h>
#include <petrel/lib.h>
#include <petrel/printk.h>
#include <x86/hvm/vlapic.h>
#include <x86/msr.h>
#include "vlapic_priv.h"

#define APIC_VERSION_VAL    (0x14 | (6u << 16))     /* 7 LVT entries */
#define BASE_ADDR_MASK      0x000ffffffffff000ull   /* up to 52 address bits */

/* Register access: readable, writable, present only in one mode. */
#define R       0x01
#define W       0x02
#define XAPIC   0x04        /* absent in x2APIC mode */
#define X2APIC  0x08        /* absent in xAPIC mode */
#define X2RO    0x10        /* read-only in x2APIC mode */

static const uint8_t reg_access[NR_APIC_REGS] = {
    [APIC_ID >> 4] = R, [APIC_VERSION >> 4] = R, [APIC_TPR >> 4] = R | W,
    [APIC_APR >> 4] = R | XAPIC, [APIC_PPR >> 4] = R, [APIC_EOI >> 4] = W,
    [APIC_RRD >> 4] = R | XAPIC, [APIC_LDR >> 4] = R | W | X2RO,
    [APIC_DFR >> 4] = R | W | XAPIC, [APIC_SVR >> 4] = R | W,
    [0x10 ... 0x27] = R,                            /* ISR, TMR, IRR */
    [APIC_ESR >> 4] = R | W, [APIC_LVT_CMCI >> 4] = R | W,
    [APIC_ICR >> 4] = R | W, [APIC_ICR2 >> 4] = R | W | XAPIC,
    [APIC_LVT_TIMER >> 4 ... APIC_TMICT >> 4] = R | W,
    [APIC_TMCCT >> 4] = R, [APIC_TDCR >> 4] = R | W,
    [APIC_SELF_IPI >> 4] = W | X2APIC,
};

/* What a register write leaves to do once the lock is dropped. */
struct after_write {
    bool send;
    uint64_t icr;           /* x2APIC layout */
};

/* Read register 'off' (slot-aligned); -1 if it does not exist in x2APIC. */
static int reg_read(struct vlapic *l, unsigned int off, uint64_t *val)
{
    bool x2 = vlapic_x2apic(l);
    uint8_t acc = (off >> 4) < NR_APIC_REGS ? reg_access[off >> 4] : 0;

    if (!(acc & R) || (acc & (x2 ? XAPIC : X2APIC))) {
        *val = 0;
        return x2 ? -1 : 0;
    }
    switch (off) {
    case APIC_ID:
        *val = x2 ? vlapic_id(l) : vlapic_id(l) << 24;
        break;
    case APIC_VERSION:
        *val = APIC_VERSION_VAL;
        break;
    case APIC_APR:
        *val = vlapic_apr(l);
        break;
    case APIC_PPR:
        *val = vlapic_ppr(l);
        break;
    case APIC_TMCCT:
        *val = vlapic_timer_tmcct(l);
        break;
    case APIC_ICR:
        *val = vlapic_reg(l, APIC_ICR) |
               (x2 ? (uint64_t)vlapic_reg(l, APIC_ICR2) << 32 : 0);
        break;
    default:
        *val = vlapic_reg(l, off);
        break;
    }
    return 0;
}

static void write_svr(struct vlapic *l, uint32_t val)
{
    bool was = vlapic_sw_enabled(l);
    uint8_t upcall;

    vlapic_set_reg(l, APIC_SVR, val & 0x3ff);
    if (val & APIC_SVR_ENABLE) {
        /*
         * An upcall raised while the APIC was software-disabled was
         * dropped (vlapic_accept_locked), and evtchn_upcall_pending, still
         * set, raises no other: the guest would never see it. Linux
         * registers its upcall vector and binds its timer before it
         * enables its APIC, so raise it now, as Xen does.
         */
        upcall = __atomic_load_n(&l->v->upcall_vector, __ATOMIC_RELAXED);
        if (!was && upcall && vcpu_events_pending(l->v))
            vlapic_accept_locked(l, upcall, false);
        return;
    }
    /* Software disable masks every LVT (SDM vol. 3, 10.4.7.2). */
    for (unsigned int off = APIC_LVT_TIMER; off <= APIC_LVT_ERROR; off += 0x10)
        vlapic_set_reg(l, off, vlapic_reg(l, off) | APIC_LVT_MASKED);
    vlapic_set_reg(l, APIC_LVT_CMCI, vlapic_reg(l, APIC_LVT_CMCI) | APIC_LVT_MASKED);
}

/* The writable bits of each LVT (vector, delivery mode, polarity,
 * trigger, mask, timer mode); delivery status and remote IRR read 0. */
static uint32_t lvt_mask(unsigned int off)
{
    switch (off) {
    case APIC_LVT_TIMER:
        return 0x700ff;
    case APIC_LVT_LINT0:
    case APIC_LVT_LINT1:
        return 0x1a7ff;
    case APIC_LVT_ERROR:
        return 0x100ff;
    default:
        return 0x107ff;             /* thermal, perf, CMCI */
    }
}

static void write_lvt(struct vlapic *l, unsigned int off, uint32_t val)
{
    val &= lvt_mask(off);
    if (!vlapic_sw_enabled(l))
        val |= APIC_LVT_MASKED;     /* cannot unmask while disabled */
    if (off == APIC_LVT_TIMER)
        vlapic_timer_write_lvt(l, val);
    else
        vlapic_set_reg(l, off, val);
}

/*
 * Write register 'off' under the lock. x2APIC: -1 (#GP) for what the SDM
 * reserves: absent or read-only registers, bits 63:32 (but ICR's), a
 * non-zero EOI or ESR, SELF IPI bits 31:8.
 */
static int reg_write(struct vlapic *l, unsigned int off, uint64_t val, struct after_write *aw)
{
    bool x2 = vlapic_x2apic(l);
    uint8_t acc = (off >> 4) < NR_APIC_REGS ? reg_access[off >> 4] : 0;
    uint32_t v32 = val;

    if (!(acc & W) || (acc & (x2 ? XAPIC | X2RO : X2APIC)))
        return x2 ? -1 : 0;
    if (x2 && off != APIC_ICR && (val >> 32))
        return -1;
    if (x2 && (off == APIC_EOI || off == APIC_ESR) && v32)
        return -1;
    switch (off) {
    case APIC_TPR:
        vlapic_set_reg(l, APIC_TPR, v32 & 0xff);
        break;
    case APIC_EOI:
        vlapic_eoi(l);
        break;
    case APIC_LDR:
        vlapic_set_reg(l, APIC_LDR, v32 & 0xff000000);
        break;
    case APIC_DFR:
        vlapic_set_reg(l, APIC_DFR, (v32 & 0xf0000000) | 0x0fffffff);
        break;
    case APIC_SVR:
        write_svr(l, v32);
        break;
    case APIC_ESR:
        vlapic_set_reg(l, APIC_ESR, l->esr_pending);
        l->esr_pending = 0;
        break;
    case APIC_ICR:
        vlapic_set_reg(l, APIC_ICR, v32 & ICR_LOW_WRITABLE);
        if (x2)
            vlapic_set_reg(l, APIC_ICR2, val >> 32);
        aw->send = true;
        aw->icr = (val & ICR_LOW_WRITABLE) |
                  (x2 ? val & ~0xffffffffull : (uint64_t)(vlapic_reg(l, APIC_ICR2) >> 24) << 32);
        break;
    case APIC_ICR2:
        vlapic_set_reg(l, APIC_ICR2, v32 & 0xff000000);
        break;
    case APIC_LVT_CMCI:
    case APIC_LVT_TIMER ... APIC_LVT_ERROR:
        write_lvt(l, off, v32);
        break;
    case APIC_TMICT:
        vlapic_timer_write_tmict(l, v32);
        break;
    case APIC_TDCR:
        vlapic_timer_write_tdcr(l, v32 & 0xb);
        break;
    case APIC_SELF_IPI:
        if (v32 & ~0xffu)
            return -1;
        aw->send = true;
        aw->icr = (v32 & 0xff) | ((uint64_t)ICR_SELF << 18);
        break;
    }
    return 0;
}

static int vlapic_write(struct vlapic *l, unsigned int off, uint64_t val)
{
    struct after_write aw = { false, 0 };
    unsigned long flags = spin_lock_irqsave(&l->lock);
    int rc = reg_write(l, off, val, &aw);

    spin_unlock_irqrestore(&l->lock, flags);
    if (!rc && aw.send)
        vlapic_send_ipi(l, aw.icr);
    return rc;
}

/*
 * IA32_APIC_BASE (SDM vol. 3, 10.12.5): EN and EXTD move between
 * disabled, xAPIC and x2APIC; EXTD without EN, x2APIC -> xAPIC and
 * disabled -> x2APIC are #GP. BSP is read-only. Disabling resets the APIC.
 */
static int write_base(struct vlapic *l, uint64_t val)
{
    const uint64_t en = APIC_BASE_ENABLE, extd = APIC_BASE_X2APIC;
    uint64_t old = l->base_msr;

    if (val & ~(BASE_ADDR_MASK | en | extd | APIC_BASE_BSP))
        return -1;
    if ((val & (en | extd)) == extd)
        return -1;                                  /* invalid state */
    if ((old & extd) && (val & (en | extd)) == en)
        return -1;                                  /* x2APIC -> xAPIC */
    if (!(old & en) && (val & extd))
        return -1;                                  /* disabled -> x2APIC */
    l->base_msr = (val & ~APIC_BASE_BSP) | (old & APIC_BASE_BSP);
    if ((old & en) && !(val & en))
        vlapic_reset_locked(l);
    else if (!(old & extd) && (val & extd))
        vlapic_set_reg(l, APIC_LDR, vlapic_x2apic_ldr(vlapic_id(l)));
    return 0;
}

bool vlapic_is_x2apic_msr(uint32_t msr)
{
    return msr >= MSR_X2APIC_BASE && msr < MSR_X2APIC_BASE + 0x100;
}

int vlapic_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    struct vlapic *l = v->vlapic;
    unsigned long flags;
    int rc = -1;

    if (!l)
        return -1;
    flags = spin_lock_irqsave(&l->lock);
    if (msr == MSR_APIC_BASE) {
        *val = l->base_msr;
        rc = 0;
    } else if (msr == MSR_TSC_DEADLINE) {
        *val = vlapic_timer_read_deadline(l);
        rc = 0;
    } else if (vlapic_is_x2apic_msr(msr) && vlapic_x2apic(l) &&
               msr - MSR_X2APIC_BASE < NR_APIC_REGS) {
        rc = reg_read(l, (msr - MSR_X2APIC_BASE) << 4, val);
    }
    spin_unlock_irqrestore(&l->lock, flags);
    return rc;
}

int vlapic_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    struct vlapic *l = v->vlapic;
    unsigned long flags;
    int rc = -1;

    if (!l)
        return -1;
    if (vlapic_is_x2apic_msr(msr)) {
        if (!vlapic_x2apic(l) || msr - MSR_X2APIC_BASE >= NR_APIC_REGS)
            return -1;
        return vlapic_write(l, (msr - MSR_X2APIC_BASE) << 4, val);
    }
    flags = spin_lock_irqsave(&l->lock);
    if (msr == MSR_APIC_BASE) {
        rc = write_base(l, val);
    } else if (msr == MSR_TSC_DEADLINE) {
        vlapic_timer_write_deadline(l, val);
        rc = 0;
    }
    spin_unlock_irqrestore(&l->lock, flags);
    return rc;
}

bool vlapic_mmio_covers(struct vcpu *v, uint64_t gpa)
{
    struct vlapic *l = v->vlapic;
    uint64_t base;

    if (!l)
        return false;
    base = __atomic_load_n(&l->base_msr, __ATOMIC_RELAXED);
    return (base & APIC_BASE_ENABLE) && !(base & APIC_BASE_X2APIC) &&
           (gpa & ~0xfffull) == (base & BASE_ADDR_MASK);
}

/*
 * xAPIC page accesses. A register is the first 4 bytes of its 16-byte
 * slot; narrower reads see part of it, the rest of the slot reads 0.
 * Writes take effect only as a 4-byte (or wider, low half) write at the
 * slot's start; others are ignored, as the SDM leaves them undefined.
 */
int vlapic_mmio_read(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t *val)
{
    struct vlapic *l = v->vlapic;
    unsigned int off = gpa & 0xfff, in = off & 0xf;
    uint64_t reg = 0;
    unsigned long flags;

    if (in < 4) {
        flags = spin_lock_irqsave(&l->lock);
        reg_read(l, off & ~0xfu, &reg);
        spin_unlock_irqrestore(&l->lock, flags);
        reg = (uint32_t)reg >> (8 * in);
    }
    *val = size >= 8 ? reg : reg & ((1ull << (8 * size)) - 1);
    return 0;
}

int vlapic_mmio_write(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t val)
{
    unsigned int off = gpa & 0xfff;

    if ((off & 0xf) || size < 4) {
        if (vlapic_log_once(&v->vlapic->logged, LOGGED_MMIO_WRITE))
            pr_warn("d%uv%u: vLAPIC: ignored %u-byte write at offset %#x (logged once)\n",
                    v->domain->id, v->id, size, off);
        return 0;
    }
    return vlapic_write(v->vlapic, off, (uint32_t)val);
}
