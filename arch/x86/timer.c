// SPDX-License-Identifier: MIT
/*
 * The per-CPU one-shot timer on the local APIC: TSC-deadline mode where the
 * CPU has it, else one-shot count mode with the LAPIC clock calibrated once
 * against the TSC. The software timer queues (common/timer.c) sit on top:
 * the interrupt runs this CPU's expired timers and programs the next one.
 */
#include <petrel/printk.h>
#include <petrel/timer.h>
#include <x86/apic.h>
#include <x86/msr.h>
#include <x86/percpu.h>
#include <x86/processor.h>
#include <x86/time.h>
#include <x86/traps.h>

#define TDCR_DIV16      0x3

bool timer_tsc_deadline;
static uint64_t lapic_hz;

static void timer_interrupt(struct cpu_regs *regs)
{
    struct percpu *p = this_cpu();

    p->timer_deadline = 0;
    p->timer_fired++;
    timer_arm(timer_process(p->cpu, rdtsc()));
}

/*
 * A kick (VEC_KICK): another CPU armed one of this CPU's timers, or wants
 * it to reschedule or to look at a vCPU's pending interrupts. Taking the
 * interrupt already made a running guest exit; the run loop sees the rest.
 */
static void kick_interrupt(struct cpu_regs *regs)
{
    timer_arm(timer_process(this_cpu()->cpu, rdtsc()));
}

void smp_send_kick(unsigned int cpu)
{
    if (cpu < nr_cpus_online && percpu_area[cpu])
        apic_send_ipi(percpu_area[cpu]->apic_id, VEC_KICK);
}

void arch_timer_kick(unsigned int cpu)
{
    if (cpu != this_cpu()->cpu)
        smp_send_kick(cpu);
}

unsigned int arch_timer_cpu(void)
{
    return smp_processor_id();
}

/* common/timer.c programs only the calling CPU's one-shot. */
void arch_timer_program(unsigned int cpu, uint64_t expires)
{
    timer_arm(expires);
}

static uint64_t calibrate_lapic(void)
{
    uint32_t left;

    apic_write(APIC_TDCR, TDCR_DIV16);
    apic_write(APIC_LVT_TIMER, LVT_MASKED);
    apic_write(APIC_TMICT, 0xffffffff);
    udelay(10000);
    left = apic_read(APIC_TMCCT);
    apic_write(APIC_TMICT, 0);
    return (uint64_t)(0xffffffff - left) * 100;
}

void timer_hw_init(void)
{
    timer_tsc_deadline = cpuid(1).ecx & BIT(24);
    irq_set_handler(VEC_TIMER, timer_interrupt);
    irq_set_handler(VEC_KICK, kick_interrupt);
    if (!timer_tsc_deadline)
        lapic_hz = calibrate_lapic();
    if (timer_tsc_deadline)
        pr_info("timer: LAPIC TSC-deadline mode\n");
    else
        pr_info("timer: LAPIC one-shot mode, %lu kHz after divide by 16\n",
                lapic_hz / 1000);
}

void timer_init_cpu(void)
{
    if (timer_tsc_deadline) {
        apic_write(APIC_LVT_TIMER, VEC_TIMER | LVT_TIMER_TSCDEADLINE);
    } else {
        apic_write(APIC_TDCR, TDCR_DIV16);
        apic_write(APIC_LVT_TIMER, VEC_TIMER);
    }
}

void timer_arm(uint64_t deadline)
{
    uint64_t now, ticks;

    this_cpu()->timer_deadline = deadline;
    if (timer_tsc_deadline) {
        wrmsr(MSR_TSC_DEADLINE, deadline);
        return;
    }
    if (!deadline) {
        apic_write(APIC_TMICT, 0);
        return;
    }
    now = rdtsc();
    ticks = deadline > now ? (deadline - now) * lapic_hz / tsc_hz : 0;
    apic_write(APIC_TMICT, ticks ? (ticks > 0xffffffff ? 0xffffffff : ticks) : 1);
}

static void selftest_fn(struct timer *t)
{
    __atomic_store_n((bool *)t->data, true, __ATOMIC_RELEASE);
}

bool timer_selftest(void)
{
    bool fired = false;
    struct timer t;
    uint64_t give_up = rdtsc() + tsc_from_us(200000);

    /* Spin rather than halt: a timer that never fires must not hang boot. */
    timer_init(&t, selftest_fn, &fired, smp_processor_id());
    timer_set(&t, rdtsc() + tsc_from_us(1000));
    local_irq_enable();
    while (!__atomic_load_n(&fired, __ATOMIC_ACQUIRE) &&
           (int64_t)(rdtsc() - give_up) < 0)
        cpu_relax();
    local_irq_disable();
    timer_stop(&t);
    return fired;
}
