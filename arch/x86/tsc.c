// SPDX-License-Identifier: MIT
/*
 * The TSC is Petrel's clock (DESIGN D8): calibrated once against the HPET,
 * or the PIT when there is no HPET, and read with rdtsc everywhere.
 */
#include <petrel/acpi.h>
#include <petrel/console.h>
#include <petrel/panic.h>
#include <petrel/printk.h>
#include <petrel/pvclock.h>
#include <x86/processor.h>
#include <x86/time.h>

#define CALIBRATE_MS    50

uint64_t tsc_hz;
uint64_t tsc_at_boot;

static uint64_t calibrate_hpet(void)
{
    uint64_t ticks = (uint64_t)CALIBRATE_MS * 1000000000000UL / hpet_period_fs();
    uint64_t h0 = hpet_read(), t0 = rdtsc(), h1, t1;
    unsigned long spins = 0;

    do {
        h1 = hpet_read();
        if (++spins > 500000000UL)
            return 0;
    } while (h1 - h0 < ticks);
    t1 = rdtsc();
    /* Scale by the HPET ticks that really passed. */
    return (t1 - t0) * 1000 / CALIBRATE_MS * ticks / (h1 - h0);
}

void tsc_init(const struct acpi_info *ai)
{
    const char *source = "HPET";
    bool invariant = cpuid(0x80000000).eax >= 0x80000007 &&
                     (cpuid(0x80000007).edx & BIT(8));

    tsc_at_boot = rdtsc();
    if (ai->have_hpet && hpet_init(ai->hpet_base) == 0)
        tsc_hz = calibrate_hpet();
    if (!tsc_hz) {
        source = "PIT";
        tsc_hz = pit_measure_tsc(CALIBRATE_MS) * (1000 / CALIBRATE_MS);
    }
    if (!tsc_hz)
        panic("TSC: cannot calibrate (no HPET, no PIT)");
    pr_info("TSC: %lu.%03lu MHz (calibrated against the %s), %sinvariant\n",
            tsc_hz / 1000000, tsc_hz / 1000 % 1000, source, invariant ? "" : "not ");
    if (pvclock_scale_for(tsc_hz, &system_time_mul, &system_time_shift))
        panic("TSC: %lu Hz is out of pvclock's range", tsc_hz);
}

/*
 * System time: nanoseconds since tsc_at_boot, the same linear function of
 * the TSC on every pCPU (the TSCs are taken to be synchronised), so that
 * what a guest computes with pvclock from any vCPU agrees.
 */
uint32_t system_time_mul;
int8_t system_time_shift;

uint64_t system_time_at(uint64_t tsc)
{
    if (!system_time_mul || (int64_t)(tsc - tsc_at_boot) < 0)
        return 0;
    return pvclock_scale_delta(tsc - tsc_at_boot, system_time_mul, system_time_shift);
}

uint64_t system_time_ns(void)
{
    return system_time_at(rdtsc());
}

/*
 * The first TSC value at which system_time_at() reads ns or more, so that a
 * timer armed for ns never fires before the clock (Petrel's, and a guest's
 * pvclock, which reads the same or 1 ns more) says ns. ns_to_tsc() and the
 * pvclock scale round differently, by a few ticks at most: step up to it.
 */
uint64_t system_time_to_tsc(uint64_t ns)
{
    uint64_t tsc = tsc_at_boot + ns_to_tsc(ns), at;

    for (unsigned int i = 0; i < 64 && (at = system_time_at(tsc)) < ns; i++)
        tsc += ns_to_tsc(ns - at) + 1;
    return tsc;
}

uint64_t ns_to_tsc(uint64_t ns)
{
    return ns / PVCLOCK_NS_PER_SEC * tsc_hz +
           ns % PVCLOCK_NS_PER_SEC * tsc_hz / PVCLOCK_NS_PER_SEC;
}

uint64_t tsc_from_us(uint64_t us)
{
    return us / 1000000 * tsc_hz + us % 1000000 * tsc_hz / 1000000;
}

void udelay(uint64_t us)
{
    uint64_t end = rdtsc() + tsc_from_us(us);

    while ((int64_t)(rdtsc() - end) < 0)
        cpu_relax();
}

uint64_t time_since_boot_us(void)
{
    uint64_t d;

    if (!tsc_hz)
        return 0;
    d = rdtsc() - tsc_at_boot;
    return d / tsc_hz * 1000000 + d % tsc_hz * 1000000 / tsc_hz;
}
