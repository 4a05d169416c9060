/* SPDX-License-Identifier: MIT */
/* Test guests: shared_info, pvclock, timers, runstate and blocking. */
#include <public/arch-x86/cpuid.h>
#include <public/memory.h>
#include "smp.h"
#include "test.h"
#include "x86.h"
#include "xen.h"

struct shared_info *shared_info;

/* The guest-physical page that shared_info replaces. */
static char shared_info_page[PAGE_SIZE] __aligned(PAGE_SIZE);

long shared_info_map(void)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0,
        .gpfn = (uintptr_t)shared_info_page / PAGE_SIZE,
    };
    long rc;

    if (shared_info)
        return 0;
    rc = hypervisor_memory_op(XENMEM_add_to_physmap, &xatp);
    if (rc)
        return rc;
    /* The same guest-physical address now reaches another page. */
    invlpg(shared_info_page);
    shared_info = (struct shared_info *)shared_info_page;
    return 0;
}

struct vcpu_info *vcpu_info_of(unsigned int vcpu)
{
    return &shared_info->vcpu_info[vcpu % XEN_LEGACY_MAX_VCPUS];
}

static uint64_t scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t pvclock_read(const volatile struct vcpu_time_info *t)
{
    uint32_t v;
    uint64_t ts, sys, tsc;
    uint32_t mul;
    int8_t shift;

    do {
        v = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        ts = t->tsc_timestamp;
        sys = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        tsc = rdtsc_ordered();
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((v & 1) || v != t->version);
    /* A TSC behind the stamp would wrap: count it as no time passed. */
    return sys + (tsc > ts ? scale_delta(tsc - ts, mul, shift) : 0);
}

uint64_t now_ns(void)
{
    return pvclock_read(&vcpu_info_of(smp_id())->time);
}

uint64_t pvclock_tsc_hz(void)
{
    const volatile struct vcpu_time_info *t = &vcpu_info_of(smp_id())->time;
    uint64_t hz = ((uint64_t)1000000000 << 32) / t->tsc_to_system_mul;

    return t->tsc_shift < 0 ? hz << -t->tsc_shift : hz >> t->tsc_shift;
}

void spin_until(uint64_t t_ns)
{
    while (now_ns() < t_ns)
        cpu_relax();
}

long timer_bind(unsigned int vcpu, evtchn_handler_t fn, void *arg,
                evtchn_port_t *port)
{
    evtchn_port_t p;
    long rc = evtchn_bind_virq(VIRQ_TIMER, vcpu, &p);

    if (rc)
        return rc;
    /* Xen starts every vCPU with a 10 ms periodic timer; Linux stops it
     * first, and so do we, so that VIRQ_TIMER fires only when asked. */
    rc = timer_stop_periodic(vcpu);
    if (rc)
        return rc;
    /* Drop a tick that came between the bind and the stop. */
    __atomic_and_fetch(&shared_info->evtchn_pending[p / 64], ~(1UL << (p % 64)),
                       __ATOMIC_ACQ_REL);
    evtchn_set_handler(p, vcpu, fn, arg);
    if (port)
        *port = p;
    return 0;
}

long timer_set_singleshot(unsigned int vcpu, uint64_t deadline_ns, uint32_t flags)
{
    struct vcpu_set_singleshot_timer st = {
        .timeout_abs_ns = deadline_ns, .flags = flags,
    };

    return hypervisor_vcpu_op(VCPUOP_set_singleshot_timer, vcpu, &st);
}

long timer_stop_singleshot(unsigned int vcpu)
{
    return hypervisor_vcpu_op(VCPUOP_stop_singleshot_timer, vcpu, NULL);
}

long timer_set_periodic(unsigned int vcpu, uint64_t period_ns)
{
    struct vcpu_set_periodic_timer pt = { .period_ns = period_ns };

    return hypervisor_vcpu_op(VCPUOP_set_periodic_timer, vcpu, &pt);
}

long timer_stop_periodic(unsigned int vcpu)
{
    return hypervisor_vcpu_op(VCPUOP_stop_periodic_timer, vcpu, NULL);
}

long runstate_get(unsigned int vcpu, struct vcpu_runstate_info *rs)
{
    return hypervisor_vcpu_op(VCPUOP_get_runstate_info, vcpu, rs);
}

long sched_block(void)
{
    register uint64_t rdi asm("rdi") = SCHEDOP_block;
    register uint64_t rsi asm("rsi") = 0;
    long ret = __HYPERVISOR_sched_op;

    /* The hypercall instruction itself, not the page: a CALL would take
     * STI's one-instruction shadow. */
    if (cpu_is_amd)
        asm volatile("sti; vmmcall" : "+a"(ret), "+D"(rdi), "+S"(rsi)
                     :: "rdx", "r10", "r8", "memory", "cc");
    else
        asm volatile("sti; vmcall" : "+a"(ret), "+D"(rdi), "+S"(rsi)
                     :: "rdx", "r10", "r8", "memory", "cc");
    return ret;
}

long sched_yield(void)
{
    return hypervisor_sched_op(SCHEDOP_yield, NULL);
}

bool wait_flag(volatile uint32_t *flag, uint64_t deadline_ns)
{
    sti();
    while (!*flag) {
        if (now_ns() >= deadline_ns)
            return *flag != 0;
        cpu_relax();
    }
    return true;
}

int cpuid_vcpu_id(void)
{
    struct cpuid_regs r;

    if (!xen_cpuid_base || cpuid(xen_cpuid_base).eax < xen_cpuid_base + 4)
        return -1;
    r = cpuid(xen_cpuid_base + 4);
    return (r.eax & XEN_HVM_CPUID_VCPU_ID_PRESENT) ? (int)r.ebx : -1;
}
