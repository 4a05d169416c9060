/* SPDX-License-Identifier: MIT */
/*
 * Test guest affinity: gives the scheduler every chance to move its vCPUs.
 * Each of the domain's vCPUs (dom.vcpus, default 1) repeats, for
 * duration_ms (default 1000): spin for 2 ms, then block until its one-shot
 * timer fires 1 ms later. Whether a pinned domain (dom.pin=) stayed on its
 * pCPUs is judged by the harness from Petrel's "domain N vCPU M ran ... on
 * pCPUs ..." lines; the guest checks that every vCPU really blocked and
 * was woken by its timer, and prints the counts.
 */
#include "smp.h"
#include "test.h"
#include "x86.h"
#include "xen.h"

TEST_TITLE("spins, blocks and wakes repeatedly: a pinned vCPU must not move");

#define MS              1000000UL

static uint64_t end_ns;
static volatile uint32_t woke[SMP_MAX_VCPUS], done[SMP_MAX_VCPUS];
static uint64_t cycles[SMP_MAX_VCPUS];

static void on_timer(evtchn_port_t port, void *arg)
{
    woke[smp_id()] = 1;
}

/* A vCPU did not finish: say what the hypervisor thinks it is doing. */
static __noreturn void stuck(unsigned int id)
{
    struct vcpu_runstate_info rs = { 0 };
    long rc = runstate_get(id, &rs);

    test_error("vCPU %u did not finish within 5 s of the end: runstate %ld/%u "
               "(0 running, 1 runnable, 2 blocked, 3 offline), timer woke %u, "
               "%lu cycles", id, rc, rs.state, woke[id], cycles[id]);
}

static void run(unsigned int me)
{
    if (timer_bind(me, on_timer, NULL, NULL)) {
        test_fail("vCPU %u: binding VIRQ_TIMER failed", me);
        done[me] = 1;
        return;
    }
    while (now_ns() < end_ns) {
        spin_until(now_ns() + 2 * MS);
        woke[me] = 0;
        CHECK_EQ(timer_set_singleshot(me, now_ns() + MS, 0), 0);
        cli();
        while (!woke[me]) {
            sched_block();
            cli();
        }
        sti();
        cycles[me]++;
    }
    __atomic_store_n(&done[me], 1, __ATOMIC_RELEASE);
}

void test_main(void)
{
    unsigned int n = cmdline_u64_or("dom.vcpus", 1);
    uint64_t deadline;
    long rc;

    if (!n || n > SMP_MAX_VCPUS)
        test_error("dom.vcpus=%u: want 1..%u", n, SMP_MAX_VCPUS);
    if ((rc = events_init(EVENT_VECTOR_DEFAULT)))
        test_error("events_init: %ld", rc);
    end_ns = now_ns() + cmdline_u64_or("duration_ms", 1000) * MS;
    for (unsigned int i = 1; i < n; i++)
        if ((rc = smp_start_vcpu(i, run)))
            test_error("starting vCPU %u: %ld", i, rc);
    run(0);
    deadline = end_ns + 5000 * MS;
    for (unsigned int i = 0; i < n; i++) {
        while (!__atomic_load_n(&done[i], __ATOMIC_ACQUIRE))
            if (now_ns() > deadline)
                stuck(i);
        printf("affinity: vCPU %u: %lu spin-block-wake cycles\n", i, cycles[i]);
        CHECK(cycles[i] > 0);
    }
    evtchn_no_strays();
}
