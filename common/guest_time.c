// SPDX-License-Identifier: MIT
/*
 * What guests read of time without a hypercall: each vCPU's pvclock in its
 * vcpu_info, and the wall clock in shared_info.
 *
 * pvclock. All pCPUs share one TSC clock (system_time_ns(), x86/time.h), so
 * a vCPU's parameters are that clock's scale and a fresh reference point,
 * taken from the same formula. Successive publications never step a
 * guest's clock back: the old parameters read at a later TSC give
 * scale(t0 - boot) + scale(t - t0), and with truncating arithmetic that is
 * never more than scale(t - boot), what the new ones say there.
 *
 * Wall clock: the CMOS RTC read once at boot, less the system time then, is
 * the time of day at system time 0; it only has the RTC's one-second
 * resolution.
 */
#include <petrel/domain.h>
#include <petrel/printk.h>
#include <petrel/pvclock.h>
#include <petrel/time.h>
#include <x86/hvm/hvm.h>
#include <x86/processor.h>
#include <x86/rtc.h>
#include <x86/time.h>

#define compiler_barrier()  __asm__ __volatile__("" ::: "memory")

static uint64_t wallclock_at_zero_ns;   /* ns since 1970 at system time 0 */

/*
 * Every vCPU of a domain publishes the same parameters: the domain's base
 * (guest TSC 0 at system time time_base_ns) and Petrel's one scale. So two
 * vCPUs reading at the same TSC get the same time, whichever pCPUs they
 * run on: with XEN_PVCLOCK_TSC_STABLE_BIT a guest compares readings across
 * vCPUs without clamping. (Per-vCPU reference points, each rounded on its
 * own, were seen to go back 1-4 ns between vCPUs.) The delta a guest scales
 * grows with the domain's age; the scale stays exact for centuries
 * (petrel/pvclock.h).
 */
void vcpu_update_time(struct vcpu *v)
{
    struct domain *d = v->domain;
    struct vcpu_time_info t = { 0 };

    t.tsc_timestamp = d->time_base_tsc + d->tsc_offset;
    t.system_time = d->time_base_ns;
    t.tsc_to_system_mul = system_time_mul;
    t.tsc_shift = system_time_shift;
    t.flags = XEN_PVCLOCK_TSC_STABLE_BIT;
    pvclock_publish(&v->vcpu_info->time, &t);
    if (v == current_vcpu()) {
        vcpu_runstate_area_update(v);
        vcpu_time_area_write(v, __atomic_load_n(&v->time_area, __ATOMIC_RELAXED));
    }
}

/*
 * The secondary copy of v's pvclock that a guest registered with
 * VCPUOP_register_vcpu_time_memory_area (Linux's vDSO reads vCPU 0's):
 * the parameters just published in vcpu_info, written through v's page
 * tables with pvclock's protocol (an odd version, the body, the even
 * version), each a copy of its own, in that order (x86 keeps stores in
 * order). 0 or the first copy's error; gva 0 writes nothing.
 */
int vcpu_time_area_write(struct vcpu *v, uint64_t gva)
{
    struct vcpu_time_info t = v->vcpu_info->time;
    uint32_t even = t.version, odd = even - 1;
    int rc;

    if (!gva)
        return 0;
    t.version = odd;
    rc = copy_to_guest(v, gva, &odd, sizeof(odd));
    compiler_barrier();
    if (!rc)
        rc = copy_to_guest(v, gva, &t, sizeof(t));
    compiler_barrier();
    if (!rc)
        rc = copy_to_guest(v, gva, &even, sizeof(even));
    return rc;
}

void wallclock_init(void)
{
    uint64_t secs, now;
    int rc = rtc_read_unix(&secs);

    now = system_time_ns();
    if (rc) {
        pr_warn("time: cannot read the RTC (error %d): guests' wall clock starts at 1970\n",
                rc);
        return;
    }
    wallclock_at_zero_ns = secs * PVCLOCK_NS_PER_SEC - now;
    pr_info("time: RTC says %lu s since 1970 at system time %lu ns\n", secs, now);
}

void domain_set_wallclock(struct domain *d)
{
    volatile struct shared_info *s = d->shared_info;
    uint64_t secs = wallclock_at_zero_ns / PVCLOCK_NS_PER_SEC;

    s->wc_version++;            /* odd: an update is under way */
    compiler_barrier();
    s->wc_sec = (uint32_t)secs;
    s->wc_sec_hi = (uint32_t)(secs >> 32);
    s->wc_nsec = wallclock_at_zero_ns % PVCLOCK_NS_PER_SEC;
    compiler_barrier();
    s->wc_version++;
}
