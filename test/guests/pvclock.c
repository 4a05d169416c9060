/* SPDX-License-Identifier: MIT */
/*
 * Test guest pvclock: system time is monotonic across vCPUs and across
 * moves between pCPUs. All vCPUs (dom.vcpus, default 4, more than the
 * pCPUs, so the scheduler moves them) read their pvclock in a loop for
 * duration_ms (default 1000). Each loads the highest reading any vCPU has
 * published, then reads its clock: the reading must not be lower, nor lower
 * than its own previous one; then it publishes it. Every few milliseconds a
 * vCPU blocks briefly on its timer, so that it wakes wherever the
 * scheduler puts it.
 */
#include "smp.h"
#include "test.h"
#include "x86.h"
#include "xen.h"

TEST_TITLE("pvclock readings are monotonic across vCPUs and pCPU moves");

#define MS              1000000UL

struct result {
    uint64_t reads, behind_others, behind_own, worst_ns, blocks;
    uint32_t done;
};

static uint64_t published;
static uint64_t end_ns;
static struct result results[SMP_MAX_VCPUS];
static volatile uint32_t woke[SMP_MAX_VCPUS];

static void on_timer(evtchn_port_t port, void *arg)
{
    woke[smp_id()] = 1;
}

static void publish(uint64_t t)
{
    uint64_t seen = __atomic_load_n(&published, __ATOMIC_ACQUIRE);

    while (seen < t && !__atomic_compare_exchange_n(&published, &seen, t, false,
                                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        ;
}

/* Sleep on the timer for about 200 us. */
static void nap(unsigned int me, struct result *r)
{
    woke[me] = 0;
    timer_set_singleshot(me, now_ns() + MS / 5, 0);
    cli();
    while (!woke[me]) {
        sched_block();
        cli();
    }
    sti();
    r->blocks++;
}

static void run(unsigned int me)
{
    struct result *r = &results[me];
    uint64_t own = 0, next_nap = now_ns() + 5 * MS;

    for (;;) {
        uint64_t p = __atomic_load_n(&published, __ATOMIC_ACQUIRE);
        uint64_t t = now_ns();

        r->reads++;
        if (t < p) {
            r->behind_others++;
            if (p - t > r->worst_ns)
                r->worst_ns = p - t;
        }
        if (t < own) {
            r->behind_own++;
            if (own - t > r->worst_ns)
                r->worst_ns = own - t;
        }
        own = t;
        publish(t);
        if (t >= end_ns)
            break;
        if (t >= next_nap) {
            nap(me, r);
            next_nap = now_ns() + 5 * MS;
        }
    }
    __atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
}

/* A vCPU did not finish: say what the hypervisor thinks it is doing. */
static __noreturn void stuck(unsigned int id, uint64_t naps)
{
    struct vcpu_runstate_info rs = { 0 };
    long rc = runstate_get(id, &rs);

    test_error("vCPU %u did not finish within 5 s of the end: runstate %ld/%u "
               "(0 running, 1 runnable, 2 blocked, 3 offline), timer woke %u, "
               "%lu naps", id, rc, rs.state, woke[id], naps);
}

static void vcpu_main(unsigned int id)
{
    if (timer_bind(id, on_timer, NULL, NULL))
        test_fail("vCPU %u: binding VIRQ_TIMER failed", id);
    run(id);
}

void test_main(void)
{
    unsigned int n = cmdline_u64_or("dom.vcpus", 4);
    uint64_t deadline;
    long rc;

    if (n < 2 || n > SMP_MAX_VCPUS)
        test_error("dom.vcpus=%u: want 2..%u", n, SMP_MAX_VCPUS);
    if ((rc = events_init(EVENT_VECTOR_DEFAULT)))
        test_error("events_init: %ld", rc);
    if ((rc = timer_bind(0, on_timer, NULL, NULL)))
        test_error("binding VIRQ_TIMER on vCPU 0: %ld", rc);
    sti();
    printf("pvclock: flags %#x, TSC %lu kHz, %u vCPUs for %lu ms\n",
           vcpu_info_of(0)->time.flags, pvclock_tsc_hz() / 1000, n,
           cmdline_u64_or("duration_ms", 1000));
    end_ns = now_ns() + cmdline_u64_or("duration_ms", 1000) * MS;
    for (unsigned int i = 1; i < n; i++)
        if ((rc = smp_start_vcpu(i, vcpu_main)))
            test_error("starting vCPU %u: %ld", i, rc);
    run(0);
    deadline = end_ns + 5000 * MS;
    for (unsigned int i = 1; i < n; i++)
        while (!__atomic_load_n(&results[i].done, __ATOMIC_ACQUIRE))
            if (now_ns() > deadline)
                stuck(i, results[i].blocks);
    for (unsigned int i = 0; i < n; i++) {
        struct result *r = &results[i];

        printf("pvclock: vCPU %u: %lu reads, %lu naps, %lu behind others, "
               "%lu behind its own, worst %lu ns\n", i, r->reads, r->blocks,
               r->behind_others, r->behind_own, r->worst_ns);
        CHECK(r->reads > 0);
        CHECK_EQ(r->behind_others, 0);
        CHECK_EQ(r->behind_own, 0);
    }
}
