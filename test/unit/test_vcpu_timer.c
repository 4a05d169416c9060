// SPDX-License-Identifier: MIT
/*
 * Unit tests: the guest timers of common/vcpu_timer.c on the real timer
 * queues. System time is a variable here and the TSC counts nanoseconds, so
 * a deadline of N ns is a timer expiry of N. Checks which pCPU each timer
 * belongs to, single-shot deadlines (future, past, 0, set_timer_op's
 * wrapped and far ones), the periodic timer's ticks and skipped ticks, its
 * bounds, and that vcpu_timers_stop() leaves nothing armed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/hypercall.h>
#include <petrel/time.h>
#include <petrel/timer.h>
#include <public/xen.h>
#include "stubs.h"

unsigned int nr_cpus_online = 2;
static uint64_t now_ns;
static unsigned int virqs[8];          /* VIRQ_TIMERs raised, by vCPU id */

uint64_t system_time_ns(void)
{
    return now_ns;
}

uint64_t system_time_to_tsc(uint64_t ns)
{
    return ns;
}

void evtchn_send_virq(struct vcpu *v, unsigned int virq)
{
    assert_int_equal(virq, VIRQ_TIMER);
    virqs[v->id]++;
}

unsigned int arch_timer_cpu(void)
{
    return 0;
}

void arch_timer_program(unsigned int cpu, uint64_t expires)
{
}

void arch_timer_kick(unsigned int cpu)
{
}

static struct vcpu v0, v3;

static int setup(void **state)
{
    memset(&v0, 0, sizeof(v0));
    memset(&v3, 0, sizeof(v3));
    v3.id = 3;
    memset(virqs, 0, sizeof(virqs));
    now_ns = 1000000;
    vcpu_timers_init(&v0);
    vcpu_timers_init(&v3);
    return 0;
}

/* Whatever a test leaves armed would run here: stop, then nothing may. */
static int teardown(void **state)
{
    unsigned int before = virqs[0] + virqs[3];

    vcpu_timers_stop(&v0);
    vcpu_timers_stop(&v3);
    assert_int_equal(timer_process(0, UINT64_MAX), 0);
    assert_int_equal(timer_process(1, UINT64_MAX), 0);
    assert_int_equal(virqs[0] + virqs[3], before);
    return 0;
}

static void test_cpu_binding(void **state)
{
    assert_int_equal(v0.singleshot_timer.cpu, 0);
    assert_int_equal(v0.periodic_timer.cpu, 0);
    assert_int_equal(v3.singleshot_timer.cpu, 1);      /* 3 % 2 pCPUs */
    assert_int_equal(v3.periodic_timer.cpu, 1);
}

static void test_singleshot(void **state)
{
    vcpu_singleshot_set(&v0, now_ns + 500);
    assert_true(timer_pending(&v0.singleshot_timer));
    assert_int_equal(v0.singleshot_timer.expires, now_ns + 500);
    timer_process(0, now_ns + 499);
    assert_int_equal(virqs[0], 0);
    timer_process(0, now_ns + 500);
    assert_int_equal(virqs[0], 1);
    assert_false(timer_pending(&v0.singleshot_timer));

    /* a new deadline replaces the old one; 0 stops it */
    vcpu_singleshot_set(&v0, now_ns + 500);
    vcpu_singleshot_set(&v0, now_ns + 900);
    assert_int_equal(v0.singleshot_timer.expires, now_ns + 900);
    vcpu_singleshot_set(&v0, 0);
    assert_false(timer_pending(&v0.singleshot_timer));

    /* a past (or present) deadline fires at once, and disarms */
    vcpu_singleshot_set(&v0, now_ns + 500);
    vcpu_singleshot_set(&v0, now_ns);
    assert_int_equal(virqs[0], 2);
    assert_false(timer_pending(&v0.singleshot_timer));
    vcpu_singleshot_set(&v3, 1);
    assert_int_equal(virqs[3], 1);
}

static void test_set_timer_op(void **state)
{
    assert_int_equal(do_set_timer_op(&v0, now_ns + 700, 0, 0, 0, 0), 0);
    assert_int_equal(v0.singleshot_timer.expires, now_ns + 700);
    assert_int_equal(do_set_timer_op(&v0, 0, 0, 0, 0, 0), 0);     /* stop */
    assert_false(timer_pending(&v0.singleshot_timer));
    assert_int_equal(virqs[0], 0);
    do_set_timer_op(&v0, now_ns - 1, 0, 0, 0, 0);                  /* past */
    assert_int_equal(virqs[0], 1);
    do_set_timer_op(&v0, now_ns + (1ull << 50), 0, 0, 0, 0);       /* absurdly far */
    assert_int_equal(virqs[0], 2);
    do_set_timer_op(&v0, now_ns + (1ull << 50) - 1, 0, 0, 0, 0);   /* just within */
    assert_int_equal(virqs[0], 2);
    assert_true(timer_pending(&v0.singleshot_timer));
}

static void test_periodic(void **state)
{
    const uint64_t ms = 1000000, t0 = now_ns;

    assert_int_equal(vcpu_periodic_set(&v3, ms), 0);
    assert_int_equal(v3.periodic_timer.expires, t0 + ms);
    now_ns = t0 + ms;
    timer_process(1, now_ns);
    assert_int_equal(virqs[3], 1);
    assert_int_equal(v3.periodic_timer.expires, t0 + 2 * ms);
    /* the pCPU was busy for 3.5 periods: one tick, the grid kept */
    now_ns = t0 + 5 * ms + ms / 2;
    timer_process(1, now_ns);
    assert_int_equal(virqs[3], 2);
    assert_int_equal(v3.periodic_timer.expires, t0 + 6 * ms);
    /* setting it again restarts from now */
    assert_int_equal(vcpu_periodic_set(&v3, 2 * ms), 0);
    assert_int_equal(v3.periodic_timer.expires, now_ns + 2 * ms);
    vcpu_periodic_stop(&v3);
    assert_false(timer_pending(&v3.periodic_timer));
    assert_int_equal(v3.periodic_period, 0);
}

static void test_periodic_bounds(void **state)
{
    assert_int_equal(vcpu_periodic_set(&v0, VCPU_PERIODIC_MIN_NS - 1), -EINVAL);
    assert_int_equal(vcpu_periodic_set(&v0, 0), -EINVAL);
    assert_int_equal(vcpu_periodic_set(&v0, VCPU_PERIODIC_MAX_NS + 1), -EINVAL);
    assert_false(timer_pending(&v0.periodic_timer));
    assert_int_equal(vcpu_periodic_set(&v0, VCPU_PERIODIC_MIN_NS), 0);
    assert_true(timer_pending(&v0.periodic_timer));
}

static void test_stop_all(void **state)
{
    vcpu_periodic_set(&v0, VCPU_PERIODIC_MIN_NS);
    vcpu_singleshot_set(&v0, now_ns + 10);
    vcpu_timers_stop(&v0);
    assert_false(timer_pending(&v0.periodic_timer));
    assert_false(timer_pending(&v0.singleshot_timer));
    assert_int_equal(timer_process(0, UINT64_MAX), 0);
    assert_int_equal(virqs[0], 0);
}

#define T(f)    cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_cpu_binding), T(test_singleshot), T(test_set_timer_op),
        T(test_periodic), T(test_periodic_bounds), T(test_stop_all),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
