/* SPDX-License-Identifier: MIT */
/*
 * Test guest counter: counts ticks of a PV one-shot timer, blocked in
 * between, and prints each ("counter: tick N"), for the toolstack's tests
 * (hv pause stops the lines, hv unpause resumes them). Command line:
 *   period=MS  time between ticks (default 200)
 *   ticks=N    stop after N ticks with SUCCESS (default 0: count for ever)
 *   crash=N    after tick N, triple-fault on purpose; the guest sets its
 *              HVM_PARAM_TRIPLE_FAULT_REASON to SHUTDOWN_crash first, so the
 *              domain crashes (the default would reboot it)
 * Each tick's deadline is taken from the time it is set, so a guest that
 * was paused resumes at its pace instead of catching up in a burst.
 */
#include "hypercall.h"
#include "test.h"
#include "x86.h"
#include "xen.h"
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/sched.h>

TEST_TITLE("counts timer ticks, blocked in between; may crash on purpose");

#define MS      1000000ull

static volatile uint32_t fired;

static void on_timer(evtchn_port_t port, void *arg)
{
    fired = 1;
}

static void wait_tick(uint64_t period_ns)
{
    long rc;

    fired = 0;
    if ((rc = timer_set_singleshot(0, now_ns() + period_ns, 0)))
        test_error("VCPUOP_set_singleshot_timer: %ld", rc);
    for (;;) {
        cli();
        if (fired)
            break;
        sched_block();
    }
    sti();
}

static __noreturn void crash(void)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_TRIPLE_FAULT_REASON,
                               .value = SHUTDOWN_crash };
    long rc = hypervisor_hvm_op(HVMOP_set_param, &p);

    if (rc)
        test_error("HVMOP_set_param TRIPLE_FAULT_REASON: %ld", rc);
    printf("counter: crashing on purpose (empty IDT, ud2)\n");
    triple_fault();
    test_fail("execution continued after the triple fault");
    test_end(RESULT_FAILURE);
}

void test_main(void)
{
    uint64_t period = cmdline_u64_or("period", 200) * MS;
    uint64_t ticks = cmdline_u64_or("ticks", 0), crash_at = cmdline_u64_or("crash", 0);
    long rc;

    if ((rc = events_init(EVENT_VECTOR_DEFAULT)))
        test_error("events_init: %ld", rc);
    if ((rc = timer_bind(0, on_timer, NULL, NULL)))
        test_error("timer_bind: %ld", rc);
    printf("counter: a tick every %lu ms\n", (unsigned long)(period / MS));
    for (uint64_t n = 1; !ticks || n <= ticks; n++) {
        wait_tick(period);
        printf("counter: tick %lu\n", (unsigned long)n);
        if (n == crash_at)
            crash();
    }
}
