// SPDX-License-Identifier: MIT
/*
 * The vLAPIC timer: one-shot, periodic and TSC-deadline (SDM vol. 3,
 * 10.5.4), on a struct timer bound at creation to one pCPU.
 *
 * The virtual bus clock runs at a fixed 1 GHz: the counter drops by one
 * every 'divide' ns of system time. Nothing counts in the background: the
 * current count (TMCCT) is computed from the time the count started, and
 * the struct timer is armed for the end of the count. A periodic count
 * shorter than VLAPIC_MIN_PERIOD_NS fires at that period instead, so that
 * a guest cannot make its timer pCPU do nothing but run its callback.
 *
 * TSC-deadline: IA32_TSC_DEADLINE holds a guest TSC value; the host TSC it
 * stands for is that minus the domain's tsc_offset. Writing 0 disarms; the
 * MSR reads 0 once the deadline has fired.
 *
 * Every function but the callback runs with l->lock held. The callback
 * may race with a re-arm or stop on another CPU: it acts only while its
 * timer is not pending again (a newer arm owns the next expiry) and the
 * state still says a count is running.
 */
#include <petrel/domain.h>
#include <petrel/timer.h>
#include <x86/time.h>
#include "vlapic_priv.h"

#define VLAPIC_MIN_PERIOD_NS    100000      /* 100 us */

static uint32_t timer_mode(const struct vlapic *l)
{
    return vlapic_reg(l, APIC_LVT_TIMER) & APIC_LVT_TIMER_MODE;
}

/* TDCR bits 3, 1:0 -> divide by 2, 4, ... 128, or 1 for 0b111. */
static uint32_t tdcr_divider(uint32_t tdcr)
{
    uint32_t code = ((tdcr >> 1) & 4) | (tdcr & 3);

    return code == 7 ? 1 : 2u << code;
}

/* Guest TSC value -> host TSC, saturating instead of wrapping. */
static uint64_t deadline_to_host(const struct vlapic *l, uint64_t guest_tsc)
{
    int64_t off = l->v->domain->tsc_offset;
    uint64_t host = guest_tsc - (uint64_t)off;

    if (off > 0 && guest_tsc < (uint64_t)off)
        return 1;                           /* long past */
    if (off < 0 && host < guest_tsc)
        return ~0ull;                       /* beyond the TSC's range */
    return host;
}

static void timer_fn(struct timer *t)
{
    struct vlapic *l = t->data;
    unsigned long flags = spin_lock_irqsave(&l->lock);
    uint32_t lvt = vlapic_reg(l, APIC_LVT_TIMER);
    bool fire = false, kick = false;

    if (timer_pending(t))
        goto out;                           /* re-armed meanwhile */
    switch (timer_mode(l)) {
    case TIMER_TSC_DEADLINE:
        fire = l->tsc_deadline != 0;
        l->tsc_deadline = 0;
        break;
    case TIMER_PERIODIC:
        if (l->timer_period) {
            uint64_t now = system_time_ns();
            uint64_t n = (now - l->timer_start) / l->timer_period;

            /* The expiry was rounded down to a TSC tick: count at least one. */
            l->timer_start += (n ? n : 1) * l->timer_period;
            timer_set(t, system_time_to_tsc(l->timer_start + l->timer_period));
            fire = true;
        }
        break;
    default:                                /* one-shot (and reserved mode 3) */
        fire = l->timer_period != 0;
        l->timer_period = 0;                /* TMCCT reads 0 from now */
        break;
    }
    if (fire && !(lvt & APIC_LVT_MASKED))
        kick = vlapic_accept_locked(l, lvt & 0xff, false);
out:
    spin_unlock_irqrestore(&l->lock, flags);
    if (kick)
        vcpu_kick(l->v);
}

void vlapic_timer_init(struct vlapic *l, unsigned int cpu)
{
    timer_init(&l->timer, timer_fn, l, cpu);
}

void vlapic_timer_stop(struct vlapic *l)
{
    timer_stop(&l->timer);
    l->timer_period = 0;
    l->tsc_deadline = 0;
}

/* A mode change stops the count and clears TMICT and the deadline. */
void vlapic_timer_write_lvt(struct vlapic *l, uint32_t val)
{
    if ((val & APIC_LVT_TIMER_MODE) != timer_mode(l)) {
        vlapic_timer_stop(l);
        vlapic_set_reg(l, APIC_TMICT, 0);
    }
    vlapic_set_reg(l, APIC_LVT_TIMER, val);
}

void vlapic_timer_write_tmict(struct vlapic *l, uint32_t count)
{
    if (timer_mode(l) == TIMER_TSC_DEADLINE)
        return;                             /* ignored in that mode */
    vlapic_timer_stop(l);
    vlapic_set_reg(l, APIC_TMICT, count);
    if (!count)
        return;
    l->timer_div = tdcr_divider(vlapic_reg(l, APIC_TDCR));
    l->timer_start = system_time_ns();
    l->timer_period = (uint64_t)count * l->timer_div;
    if (timer_mode(l) == TIMER_PERIODIC && l->timer_period < VLAPIC_MIN_PERIOD_NS)
        l->timer_period = VLAPIC_MIN_PERIOD_NS;
    timer_set(&l->timer, system_time_to_tsc(l->timer_start + l->timer_period));
}

/* A new divider applies from the next count (TMICT write or period). */
void vlapic_timer_write_tdcr(struct vlapic *l, uint32_t val)
{
    vlapic_set_reg(l, APIC_TDCR, val);
}

uint32_t vlapic_timer_tmcct(struct vlapic *l)
{
    uint32_t tmict = vlapic_reg(l, APIC_TMICT);
    uint64_t elapsed, ticks;

    if (!l->timer_period || timer_mode(l) == TIMER_TSC_DEADLINE)
        return 0;
    elapsed = system_time_ns() - l->timer_start;
    if (timer_mode(l) == TIMER_PERIODIC)
        elapsed %= l->timer_period;
    ticks = elapsed / l->timer_div;
    return ticks >= tmict ? 0 : tmict - ticks;
}

uint64_t vlapic_timer_read_deadline(struct vlapic *l)
{
    return timer_mode(l) == TIMER_TSC_DEADLINE ? l->tsc_deadline : 0;
}

void vlapic_timer_write_deadline(struct vlapic *l, uint64_t guest_tsc)
{
    if (timer_mode(l) != TIMER_TSC_DEADLINE)
        return;                             /* ignored in other modes */
    timer_stop(&l->timer);
    l->tsc_deadline = guest_tsc;
    if (guest_tsc)
        timer_set(&l->timer, deadline_to_host(l, guest_tsc));
}
