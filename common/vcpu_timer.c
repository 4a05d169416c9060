// SPDX-License-Identifier: MIT
/*
 * A vCPU's two guest timers, and set_timer_op. Each vCPU has a single-shot
 * timer (set_timer_op, VCPUOP_set_singleshot_timer) and a periodic one
 * (VCPUOP_set_periodic_timer), both struct timers bound for life to the
 * pCPU vcpu_timers_init() chose; both raise VIRQ_TIMER. A deadline already
 * past raises it at once, from the caller. The periodic timer re-arms
 * itself from its callback at the next multiple of its period after the
 * tick that fired, skipping ticks the pCPU was too busy to run.
 *
 * Stopping against a callback running on another pCPU: the stopper clears
 * the period first and then stops the timer; the callback re-reads the
 * period after re-arming and stops the timer itself if it went to 0, so no
 * tick stays armed after vcpu_periodic_stop(). vcpu_timers_stop() also
 * waits (timer_kill) for a callback under way, so v may be freed after it.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/event.h>
#include <petrel/hypercall.h>
#include <petrel/time.h>
#include <x86/percpu.h>
#include <x86/time.h>

/* set_timer_op: Linux may pass a deadline wrapped negative or absurdly far
 * ahead (jiffies wrap); as Xen, fire at once for anything over ~13 days. */
#define SET_TIMER_MAX_AHEAD_NS  (1ull << 50)

static void timer_tsc_set(struct timer *t, uint64_t deadline_ns)
{
    timer_set(t, system_time_to_tsc(deadline_ns));
}

static void singleshot_fn(struct timer *t)
{
    evtchn_send_virq(t->data, VIRQ_TIMER);
}

static void periodic_fn(struct timer *t)
{
    struct vcpu *v = t->data;
    uint64_t period = __atomic_load_n(&v->periodic_period, __ATOMIC_ACQUIRE);

    if (!period)
        return;                     /* stopped while it was being run */
    evtchn_send_virq(v, VIRQ_TIMER);
    v->periodic_next = periodic_next_tick(v->periodic_next, period, system_time_ns());
    timer_tsc_set(t, v->periodic_next);
    if (!__atomic_load_n(&v->periodic_period, __ATOMIC_ACQUIRE))
        timer_stop(t);              /* stopped meanwhile: see the top */
}

void vcpu_timers_init(struct vcpu *v)
{
    unsigned int cpu = v->id % (nr_cpus_online ? nr_cpus_online : 1);

    timer_init(&v->singleshot_timer, singleshot_fn, v, cpu);
    timer_init(&v->periodic_timer, periodic_fn, v, cpu);
}

void vcpu_periodic_stop(struct vcpu *v)
{
    __atomic_store_n(&v->periodic_period, 0, __ATOMIC_RELEASE);
    timer_stop(&v->periodic_timer);
}

void vcpu_timers_stop(struct vcpu *v)
{
    __atomic_store_n(&v->periodic_period, 0, __ATOMIC_RELEASE);
    timer_kill(&v->periodic_timer);
    timer_kill(&v->singleshot_timer);
}

void vcpu_singleshot_set(struct vcpu *v, uint64_t deadline)
{
    if (!deadline) {
        timer_stop(&v->singleshot_timer);
        return;
    }
    if (deadline <= system_time_ns()) {
        timer_stop(&v->singleshot_timer);
        evtchn_send_virq(v, VIRQ_TIMER);
        return;
    }
    timer_tsc_set(&v->singleshot_timer, deadline);
}

long do_set_timer_op(struct vcpu *v, uint64_t timeout, uint64_t a2, uint64_t a3,
                     uint64_t a4, uint64_t a5)
{
    uint64_t now = system_time_ns();

    if (timeout && timeout - now >= SET_TIMER_MAX_AHEAD_NS)   /* wrapped, or far */
        timeout = now;
    vcpu_singleshot_set(v, timeout);
    return 0;
}

int vcpu_periodic_set(struct vcpu *v, uint64_t period)
{
    if (period < VCPU_PERIODIC_MIN_NS || period > VCPU_PERIODIC_MAX_NS)
        return -EINVAL;
    vcpu_periodic_stop(v);
    v->periodic_next = system_time_ns() + period;
    __atomic_store_n(&v->periodic_period, period, __ATOMIC_RELEASE);
    timer_tsc_set(&v->periodic_timer, v->periodic_next);
    return 0;
}
