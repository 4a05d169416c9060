/* SPDX-License-Identifier: MIT */
/*
 * Test guest apic-timer: the virtual LAPIC timer, with an IDT handler
 * (vector 0xe1) that stamps the pvclock time and the TSC, then EOIs. First
 * in xAPIC mode, then (when CPUID offers it) in x2APIC mode:
 *  - calibration: the current count falls at a steady rate, measured
 *    against pvclock over cal_ms (default 50) with divide-by-1, each count
 *    read placed in time by a clock read either side (its error bound is
 *    added to the tolerance for early interrupts below);
 *  - one-shot: interrupts come no earlier than the programmed delay (less
 *    1% and the calibration's error) and at most late_us (default 2000,
 *    see timer.c) after it;
 *  - periodic: the k-th tick comes no earlier than k periods (less as above),
 *    and at most late_us later than a period after the tick before;
 *  - TSC-deadline (when CPUID.1:ECX has it): the handler's TSC is never
 *    below the deadline, and at most late_us past it.
 */
#include "apic.h"
#include "test.h"
#include "traps.h"
#include "x86.h"
#include "xen.h"

TEST_TITLE("LAPIC timer one-shot, periodic and TSC-deadline interrupts on time");

#define MS              1000000UL
#define TIMER_VECTOR    0xe1
#define TICKS           8

static volatile uint32_t fired;
static volatile uint64_t fired_at[TICKS + 4], fired_tsc;
static uint64_t late_ns;
static uint64_t ticks_per_ms;           /* LAPIC timer at divide-by-1 */

static void on_timer(struct cpu_regs *regs)
{
    uint32_t n = fired;

    fired_tsc = rdtsc();
    if (n < ARRAY_SIZE(fired_at))
        fired_at[n] = now_ns();
    fired = n + 1;
    apic_eoi();
}

/*
 * One reading of the current count, placed in time by a clock read on each
 * side: the TMCCT read exits to the hypervisor, and the emulator's thread
 * can be preempted by its host anywhere in that window (milliseconds when
 * the host is loaded), which would skew the rate. The narrowest of
 * SAMPLE_TRIES windows is kept; *width says how wide it was.
 */
#define SAMPLE_TRIES    16

static uint32_t sample_count(uint64_t *at, uint64_t *width)
{
    uint32_t best_c = 0;

    *at = 0;
    *width = ~0ull;
    for (unsigned int i = 0; i < SAMPLE_TRIES; i++) {
        uint64_t a = now_ns();
        uint32_t c = apic_read(APIC_TMCCT);
        uint64_t b = now_ns();

        if (b - a < *width) {
            *width = b - a;
            *at = a + (b - a) / 2;
            best_c = c;
        }
    }
    return best_c;
}

/*
 * The rate at divide-by-1 over cal_ns or more, and how far it can be off:
 * each sample's time is known to half its window, so the rate's relative
 * error is at most (w0 + w1) / 2 over the interval. While that is above
 * CAL_ERR_PPM (a loaded host stretches every window), the interval doubles,
 * up to CAL_MAX_NS. cal_err_ppm keeps the bound; judging adds it to 1%.
 */
#define CAL_ERR_PPM     2000
#define CAL_MAX_NS      (1000 * MS)

static uint64_t cal_err_ppm;

static bool calibrate(uint64_t cal_ns)
{
    uint64_t t0, t1, w0, w1;
    uint32_t c0, c1;

    apic_write(APIC_TDCR, APIC_TDCR_DIV1);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_TIMER_ONESHOT | TIMER_VECTOR);
    apic_write(APIC_TMICT, 0xffffffff);
    c0 = sample_count(&t0, &w0);
    for (;;) {
        spin_until(t0 + cal_ns);
        c1 = sample_count(&t1, &w1);
        cal_err_ppm = (w0 + w1) / 2 * 1000000 / (t1 - t0) + 1;
        if (cal_err_ppm <= CAL_ERR_PPM || cal_ns >= CAL_MAX_NS || c1 < c0 / 2)
            break;
        cal_ns *= 2;
    }
    apic_write(APIC_TMICT, 0);
    if (c1 >= c0) {
        test_fail("LAPIC current count did not fall: %u then %u", c0, c1);
        return false;
    }
    ticks_per_ms = (uint64_t)(c0 - c1) * MS / (t1 - t0);
    printf("apic-timer: LAPIC timer %lu kHz (%u ticks in %lu us; samples within %lu and "
           "%lu ns: rate known to %lu ppm)\n", ticks_per_ms, c0 - c1, (t1 - t0) / 1000,
           w0, w1, cal_err_ppm);
    if (cal_err_ppm > 10 * CAL_ERR_PPM) {
        test_fail("calibration: rate known only to %lu ppm after %lu ms (TMCCT reads take "
                  "too long)", cal_err_ppm, (t1 - t0) / MS);
        return false;
    }
    return ticks_per_ms > 0;
}

/* How early an interrupt after 'span' ns may seem: 1% and the rate's error. */
static uint64_t early_tolerance(uint64_t span)
{
    return span / 100 + span / 1000 * cal_err_ppm / 1000;
}

/* Judge an interrupt at t against the expected time want. */
static bool judge(const char *what, unsigned int k, uint64_t t, uint64_t want,
                  uint64_t tolerance, uint64_t *max_late)
{
    if (t + tolerance < want) {
        test_fail("%s %u: %lu us early", what, k, (want - t) / 1000);
        return false;
    }
    if (t > want + late_ns) {
        test_fail("%s %u: %lu us late (bound %lu us)", what, k, (t - want) / 1000,
                  late_ns / 1000);
        return false;
    }
    if (t > want && t - want > *max_late)
        *max_late = t - want;
    return true;
}

static bool wait_fired(uint32_t n, uint64_t deadline)
{
    sti();
    while (fired < n && now_ns() < deadline)
        cpu_relax();
    cli();
    return fired >= n;
}

static void one_shot(const char *mode)
{
    uint64_t max_late = 0;

    for (unsigned int i = 0; i < TICKS; i++) {
        uint64_t delay = (1 + i % 4) * MS, t;

        fired = 0;
        apic_write(APIC_LVT_TIMER, APIC_TIMER_ONESHOT | TIMER_VECTOR);
        t = now_ns();
        apic_write(APIC_TMICT, delay * ticks_per_ms / MS);
        if (!wait_fired(1, t + delay + 1000 * MS)) {
            test_fail("%s one-shot %u: no interrupt within 1 s", mode, i);
            return;
        }
        judge("one-shot", i, fired_at[0], t + delay, early_tolerance(delay), &max_late);
    }
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | TIMER_VECTOR);
    printf("apic-timer: %s one-shot: %u interrupts, late by at most %lu us\n",
           mode, TICKS, max_late / 1000);
}

static void periodic(const char *mode, uint64_t period)
{
    uint64_t max_late = 0, t;

    fired = 0;
    apic_write(APIC_LVT_TIMER, APIC_TIMER_PERIODIC | TIMER_VECTOR);
    t = now_ns();
    apic_write(APIC_TMICT, period * ticks_per_ms / MS);
    wait_fired(TICKS, t + TICKS * period + 1000 * MS);
    apic_write(APIC_TMICT, 0);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | TIMER_VECTOR);
    if (fired < TICKS) {
        test_fail("%s periodic: %u ticks, want %u", mode, fired, TICKS);
        return;
    }
    /* Early: against the fixed schedule, less the calibration tolerance;
     * late: against one period after the tick before (see timer.c). */
    for (unsigned int k = 1; k <= TICKS; k++) {
        uint64_t tk = fired_at[k - 1], sched = t + k * period;
        uint64_t want = (k == 1 ? t : fired_at[k - 2]) + period;

        if (tk + early_tolerance(k * period) < sched)
            test_fail("%s periodic tick %u: %lu us early", mode, k, (sched - tk) / 1000);
        else if (tk > want + late_ns)
            test_fail("%s periodic tick %u: %lu us late (bound %lu us)", mode, k,
                      (tk - want) / 1000, late_ns / 1000);
        else if (tk > want && tk - want > max_late)
            max_late = tk - want;
    }
    printf("apic-timer: %s periodic %lu us: %u ticks, late by at most %lu us\n",
           mode, period / 1000, TICKS, max_late / 1000);
}

static void tsc_deadline(const char *mode)
{
    uint64_t hz = pvclock_tsc_hz(), max_late = 0;

    if (!(cpuid(1).ecx & CPUID1_ECX_TSC_DEADLINE)) {
        printf("apic-timer: %s: no TSC-deadline mode in CPUID, not tested\n", mode);
        return;
    }
    apic_write(APIC_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | TIMER_VECTOR);
    for (unsigned int i = 0; i < TICKS; i++) {
        uint64_t delay = (1 + i % 4) * MS;
        uint64_t deadline = rdtsc() + delay * (hz / 1000) / 1000000;
        uint64_t late;

        fired = 0;
        wrmsr(MSR_TSC_DEADLINE, deadline);
        if (!wait_fired(1, now_ns() + delay + 1000 * MS)) {
            test_fail("%s TSC deadline %u: no interrupt within 1 s", mode, i);
            return;
        }
        if (fired_tsc < deadline) {
            test_fail("%s TSC deadline %u: fired %lu ticks early", mode, i,
                      deadline - fired_tsc);
            continue;
        }
        late = (fired_tsc - deadline) * 1000000 / (hz / 1000);
        if (late > late_ns)
            test_fail("%s TSC deadline %u: %lu us late (bound %lu us)", mode, i,
                      late / 1000, late_ns / 1000);
        max_late = late > max_late ? late : max_late;
    }
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | TIMER_VECTOR);
    printf("apic-timer: %s TSC-deadline: %u interrupts, late by at most %lu us\n",
           mode, TICKS, max_late / 1000);
}

static void run(const char *mode)
{
    if (!calibrate(cmdline_u64_or("cal_ms", 50) * MS))
        return;
    one_shot(mode);
    periodic(mode, cmdline_u64_or("period_us", 5000) * 1000);
    tsc_deadline(mode);
}

void test_main(void)
{
    long rc;

    late_ns = cmdline_u64_or("late_us", 2000) * 1000;
    if ((rc = shared_info_map()))
        test_error("mapping shared_info: %ld", rc);
    if (!(cpuid(1).edx & CPUID1_EDX_APIC))
        test_error("CPUID.1:EDX shows no local APIC");
    irq_set_handler(TIMER_VECTOR, on_timer);
    if (!apic_enable(false))
        test_error("cannot enable the LAPIC");
    run("xAPIC");
    if (apic_enable(true))
        run("x2APIC");
    else
        printf("apic-timer: no x2APIC in CPUID, x2APIC mode not tested\n");
}
