/* SPDX-License-Identifier: MIT */
/*
 * Guest time (common/guest_time.c, common/vcpu_timer.c): the pvclock each vCPU
 * reads in its vcpu_info, the wall clock in shared_info, and the two guest
 * timers of a vCPU (single-shot and periodic) that raise VIRQ_TIMER.
 *
 * Every domain sees the hypervisor's system time (x86/time.h) through one
 * TSC clock for all pCPUs, so a vCPU's pvclock parameters only change when
 * its vcpu_info moves; the guest TSC is the host TSC plus d->tsc_offset.
 */
#ifndef PETREL_TIME_H
#define PETREL_TIME_H

#include <petrel/types.h>

struct domain;
struct vcpu;

/*
 * Publish v's pvclock into v->vcpu_info->time (version protocol of
 * petrel/pvclock.h): tsc_timestamp in guest TSC now, the system time at that
 * TSC, the system clock's scale, XEN_PVCLOCK_TSC_STABLE_BIT. The scheduler
 * calls it each time v is switched in; also at creation, when vcpu_info
 * moves and when shared_info is mapped. One writer per vCPU at a time: on
 * the pCPU running v, or while v cannot run.
 */
void vcpu_update_time(struct vcpu *v);

/*
 * Copy v's runstate (VCPUOP_get_runstate_info's) to the area the guest
 * registered, if any, through v's current page tables; a fault there is
 * ignored (the guest's loss, as in Xen). On the pCPU running v, when it is
 * scheduled there: vcpu_update_time() calls it for the current vCPU.
 */
void vcpu_runstate_area_update(struct vcpu *v);

/*
 * Write v's pvclock parameters (as last published in its vcpu_info) to the
 * guest virtual address gva through v's current page tables, with the
 * version protocol: the VCPUOP_register_vcpu_time_memory_area copy. On
 * the pCPU running v. 0, or nonzero if the guest cannot be written there.
 */
int vcpu_time_area_write(struct vcpu *v, uint64_t gva);

/*
 * The wall clock: read the CMOS RTC once at boot (boot CPU, after
 * tsc_init); until then, or if the RTC cannot be read, it is 0.
 * domain_set_wallclock() publishes it into d's shared_info (wc_sec,
 * wc_sec_hi, wc_nsec under wc_version): the time of day at system time 0.
 */
void wallclock_init(void);
void domain_set_wallclock(struct domain *d);

/*
 * The guest timers of v. vcpu_timers_init(): at vCPU creation, binding both
 * timers to pCPU v->id % nr_cpus_online for v's life. vcpu_timers_stop():
 * stop both for good (timer_kill: waits for a callback running on another
 * pCPU to finish), before v is freed. Not from v's own timer callbacks.
 */
void vcpu_timers_init(struct vcpu *v);
void vcpu_timers_stop(struct vcpu *v);

/*
 * Arm v's single-shot timer at system time 'deadline' (ns); a deadline that
 * has passed raises VIRQ_TIMER at once. 0 stops it.
 */
void vcpu_singleshot_set(struct vcpu *v, uint64_t deadline);

/*
 * Tick every 'period' ns from now on (VCPUOP_set_periodic_timer): 0, or
 * -EINVAL for a period outside [VCPU_PERIODIC_MIN_NS, VCPU_PERIODIC_MAX_NS]
 * (Xen's bounds: 1 ms, STIME_DELTA_MAX). vcpu_periodic_stop() turns it off.
 * Any pCPU.
 */
#define VCPU_PERIODIC_MIN_NS    1000000ull
#define VCPU_PERIODIC_MAX_NS    (~0ull >> 2)
int vcpu_periodic_set(struct vcpu *v, uint64_t period);
void vcpu_periodic_stop(struct vcpu *v);

/*
 * The periodic timer's next tick after one due at 'due' fired at 'now'
 * (>= due): the first multiple of 'period' after 'due' that is later than
 * 'now', so ticks missed while the pCPU was busy are skipped, not queued.
 * period > 0. Pure.
 */
static inline uint64_t periodic_next_tick(uint64_t due, uint64_t period, uint64_t now)
{
    if (now < due)
        return due;
    return due + ((now - due) / period + 1) * period;
}

#endif
