/* SPDX-License-Identifier: MIT */
/*
 * Test guest sched-weight: how much CPU a domain gets for its weight. Two
 * CPU-bound domains with different dom.weight= pinned to the same pCPU
 * each measure their running time (VCPUOP_get_runstate_info,
 * RUNSTATE_running) over the same absolute system-time window,
 * [window_start_ms, window_start_ms + window_ms), chosen so that both are
 * up before it opens, and print
 *   sched-weight: weight W ran R us in the window of L us
 * The harness compares the two domains' R against their weights; the guest
 * only checks that its numbers are sane.
 */
#include "test.h"
#include "xen.h"

TEST_TITLE("CPU-bound domains share a pCPU in proportion to their weights");

#define MS              1000000UL

void test_main(void)
{
    uint64_t start = cmdline_u64_or("window_start_ms", 0) * MS;
    uint64_t len = cmdline_u64_or("window_ms", 0) * MS;
    struct vcpu_runstate_info r0, r1;
    uint64_t t, ran;
    long rc;

    if (!start || !len)
        test_error("needs window_start_ms= and window_ms=");
    if ((rc = shared_info_map()))
        test_error("mapping shared_info: %ld", rc);
    t = now_ns();
    printf("sched-weight: up at %lu ms, window [%lu, %lu) ms\n", t / MS,
           start / MS, (start + len) / MS);
    if (t >= start)
        test_error("the window opened before this domain ran (%lu ms >= %lu ms)",
                   t / MS, start / MS);
    spin_until(start);
    CHECK_EQ(runstate_get(0, &r0), 0);
    spin_until(start + len);
    CHECK_EQ(runstate_get(0, &r1), 0);
    ran = r1.time[RUNSTATE_running] - r0.time[RUNSTATE_running];
    printf("sched-weight: weight %lu ran %lu us in the window of %lu us "
           "(runnable %lu us)\n", cmdline_u64_or("dom.weight", 256), ran / 1000,
           len / 1000, (r1.time[RUNSTATE_runnable] - r0.time[RUNSTATE_runnable]) / 1000);
    CHECK(ran > 0);
    CHECK(ran <= len + len / 10);
}
