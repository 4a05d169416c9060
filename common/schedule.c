// SPDX-License-Identifier: MIT
/*
 * Scheduling glue: the per-pCPU run loop over sched/ (docs/scheduler.md),
 * and what the rest of Petrel calls to block, wake, kick, bring up and take
 * down vCPUs.
 *
 * Every pCPU runs schedule_loop() once the scheduler is started. A vCPU's
 * state is loaded on a pCPU only while that pCPU runs it: when the
 * scheduler takes it off (the decision's 'prev'), hvm_vcpu_unload() writes
 * everything back (FPU, VMCS) before sched_context_saved(), so any pCPU may
 * run it next. Interrupts are off in the loop except while a guest runs,
 * right after each exit (vcpu_run's interrupt window) and while idle.
 *
 * A kick is an IPI (VEC_KICK): it makes a running guest exit, so the loop
 * looks at sched_need_resched() and at the vCPU's pending interrupts; it
 * wakes an idle pCPU from HLT.
 *
 * Stopped domains: domain_shutdown()/domain_crash() pause every vCPU of the
 * domain and kick the boot pCPU, whose loop reaps (domain_reap(), in
 * common/domain.c) each stopped domain once none of its vCPUs is on a pCPU.
 */
#include <petrel/domain.h>
#include <petrel/event.h>
#include <petrel/lib.h>
#include <petrel/printk.h>
#include <petrel/sched.h>
#include <petrel/time.h>
#include <petrel/timer.h>
#include <x86/hvm/hvm.h>
#include <x86/percpu.h>
#include <x86/processor.h>
#include <x86/time.h>

static bool started;
static struct timer decision_timers[NR_CPUS];

bool schedule_started(void)
{
    return __atomic_load_n(&started, __ATOMIC_ACQUIRE);
}

void schedule_kick(sched_mask_t mask)
{
    unsigned int me = smp_processor_id();

    for (unsigned int cpu = 0; mask; cpu++, mask >>= 1)
        if ((mask & 1) && cpu != me)
            smp_send_kick(cpu);
}

void vcpu_kick(struct vcpu *v)
{
    unsigned int me = smp_processor_id(), cpu;
    sched_mask_t kick;

    if (!schedule_started())
        return;
    kick = sched_wake(&v->sched, system_time_ns());
    /* Running elsewhere: make it exit so it sees what is pending. */
    cpu = sched_vcpu_pcpu(&v->sched);
    if (cpu != me && sched_vcpu_state(&v->sched) == SCHED_RUNNING)
        kick |= BIT(cpu);
    schedule_kick(kick);
}

/* v (running here) waits, unless there is already work for it. */
static void block_unless_pending(struct vcpu *v, bool events)
{
    uint64_t now = system_time_ns();
    sched_mask_t kick = sched_block(&v->sched, now);

    /* A wake-up between the check and the block is not lost: sched_wake
     * after sched_block cancels it, and the waker kicks after marking. */
    if (hvm_intr_pending(v) || (events && vcpu_events_pending(v)))
        kick |= sched_wake(&v->sched, now);
    schedule_kick(kick);
}

void vcpu_block(struct vcpu *v)
{
    block_unless_pending(v, true);
}

void vcpu_block_poll(struct vcpu *v)
{
    schedule_kick(sched_block(&v->sched, system_time_ns()));
}

void vcpu_halt(struct vcpu *v)
{
    block_unless_pending(v, false);
}

void vcpu_yield(struct vcpu *v)
{
    schedule_kick(sched_vcpu_yield(&v->sched, system_time_ns()));
}

void vcpu_up(struct vcpu *v)
{
    schedule_kick(sched_vcpu_up(&v->sched, system_time_ns()));
}

void vcpu_down(struct vcpu *v)
{
    schedule_kick(sched_vcpu_down(&v->sched, system_time_ns()));
}

bool vcpu_is_up(struct vcpu *v)
{
    return __atomic_load_n(&v->sched.up, __ATOMIC_RELAXED);
}

/* The decision's deadline: its interrupt is all that is needed. */
static void decision_timer_fn(struct timer *t)
{
}

/* Put a descheduled vCPU's state back in memory; others may then run it. */
static sched_mask_t save_prev(unsigned int me, struct sched_vcpu *prev)
{
    struct vcpu *v = container_of(prev, struct vcpu, sched);
    sched_mask_t kick;

    hvm_vcpu_unload(v);
    set_current_vcpu(NULL);
    kick = sched_context_saved(me, system_time_ns());
    if (!domain_running(v->domain)) {
        domain_reap_wanted();               /* the reaper may go on */
        kick |= BIT(0);
    }
    return kick;
}

static void run_next(unsigned int me, struct vcpu *v, bool arrived)
{
    if (arrived) {
        hvm_vcpu_load(v);
        set_current_vcpu(v);
        v->ran_on |= BIT(me);
        vcpu_update_time(v);
    }
    hvm_run_vcpu(v);
}

__noreturn void schedule_loop(void)
{
    unsigned int me = smp_processor_id();
    struct vcpu *loaded = NULL;

    local_irq_disable();
    timer_init(&decision_timers[me], decision_timer_fn, NULL, me);
    for (;;) {
        uint64_t now = system_time_ns();
        struct sched_decision d;
        sched_mask_t kick;

        d = sched_schedule(me, now);
        kick = d.kick;
        if (d.prev) {
            kick |= save_prev(me, d.prev);
            loaded = NULL;
        }
        schedule_kick(kick);
        if (me == 0)
            domain_reap();
        if (d.until)
            timer_set(&decision_timers[me], system_time_to_tsc(d.until));
        else
            timer_stop(&decision_timers[me]);
        if (!d.next) {
            if (!sched_need_resched(me, system_time_ns()))
                safe_halt();                /* until a kick or a timer */
            local_irq_disable();
            continue;
        }
        struct vcpu *v = container_of(d.next, struct vcpu, sched);

        run_next(me, v, v != loaded);
        loaded = v;
    }
}

void schedule_start(void)
{
    __atomic_store_n(&started, true, __ATOMIC_RELEASE);
    schedule_kick(SCHED_MASK_ALL);          /* APs wait in HLT for this */
}
