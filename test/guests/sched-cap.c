/* SPDX-License-Identifier: MIT */
/*
 * Test guest sched-cap: a capped domain gets no more than its cap. Run with
 * dom.cap=C (default 50), the guest spins for window_ms (default 1000),
 * starting 50 ms after it comes up, and measures its running time
 * (VCPUOP_get_runstate_info, RUNSTATE_running) against the elapsed system
 * time: the share must be at most C + 5 percent, and at least C - 10
 * percent (so that a scheduler that starves it fails too).
 */
#include "test.h"
#include "xen.h"

TEST_TITLE("a domain capped at C% runs at most C+5% and at least C-10% of the time");

#define MS              1000000UL

void test_main(void)
{
    uint64_t cap = cmdline_u64_or("dom.cap", 50);
    uint64_t len = cmdline_u64_or("window_ms", 1000) * MS;
    struct vcpu_runstate_info r0, r1;
    uint64_t t0, t1, ran, permille;
    long rc;

    if ((rc = shared_info_map()))
        test_error("mapping shared_info: %ld", rc);
    spin_until(now_ns() + 50 * MS);
    CHECK_EQ(runstate_get(0, &r0), 0);
    t0 = now_ns();
    spin_until(t0 + len);
    CHECK_EQ(runstate_get(0, &r1), 0);
    t1 = now_ns();
    ran = r1.time[RUNSTATE_running] - r0.time[RUNSTATE_running];
    permille = ran * 1000 / (t1 - t0);
    printf("sched-cap: cap %lu%%: ran %lu us of %lu us: %lu.%lu%%\n", cap,
           ran / 1000, (t1 - t0) / 1000, permille / 10, permille % 10);
    if (permille > (cap + 5) * 10)
        test_fail("ran %lu.%lu%% of the time, above the cap %lu%% + 5",
                  permille / 10, permille % 10, cap);
    if (permille < (cap - 10) * 10)
        test_fail("ran only %lu.%lu%% of the time, below the cap %lu%% - 10",
                  permille / 10, permille % 10, cap);
}
