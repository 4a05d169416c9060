/* SPDX-License-Identifier: MIT */
/*
 * Unit tests: the scheduler core and the credit policy (sched/), driven by
 * hand for the state machine and by a simulation (sched_sim.c) for shares,
 * caps, affinity, latency and balancing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <petrel/cmdline.h>
#include <petrel/errno.h>
#include <petrel/sched.h>
#include "../../sched/policy.h"
#include "sched_sim.h"
#include "stubs.h"

#define T       MS(1000)        /* a start time for hand-driven tests */

/* A few vCPUs driven by hand, outside the simulation. */
static struct sched_dom hdom[2];
static struct sched_vcpu hv[4];

static void hand_init(unsigned int nr_pcpus, unsigned int nr_vcpus)
{
    assert_int_equal(sched_init(nr_pcpus, "credit"), 0);
    sched_dom_init(&hdom[0], 1);
    for (unsigned int i = 0; i < nr_vcpus; i++)
        sched_vcpu_init(&hv[i], &hdom[0], i, T);
}

/* One decision on 'cpu', the previous vCPU saved at once; returns next. */
static struct sched_vcpu *decide(unsigned int cpu, uint64_t now)
{
    struct sched_decision d = sched_schedule(cpu, now);

    sched_context_saved(cpu, now);
    return d.next;
}

static bool in_queue(unsigned int cpu, struct sched_vcpu *sv)
{
    struct sched_pcpu *pc = sched_pcpu(cpu);

    for (struct sched_vcpu *q = sched_runq_first(pc); q; q = sched_runq_next(pc, q))
        if (q == sv)
            return true;
    return false;
}

static bool known(struct sched_vcpu *sv)
{
    for (struct sched_dom *sd = sched_dom_first(); sd; sd = sched_dom_next(sd))
        for (struct sched_vcpu *v = sched_dom_vcpu_first(sd); v;
             v = sched_dom_vcpu_next(sd, v))
            if (v == sv)
                return true;
    return false;
}

/* ---- Set-up, parameters, command line ------------------------------------ */

static void test_init(void **state)
{
    assert_int_equal(sched_init(0, NULL), -EINVAL);
    assert_int_equal(sched_init(NR_CPUS + 1, NULL), -EINVAL);
    assert_int_equal(sched_init(NR_CPUS, NULL), 0);
    assert_string_equal(sched_policy_name(), "credit");
    assert_int_equal(sched_nr_pcpus(), NR_CPUS);
    stub_log_reset();
    assert_int_equal(sched_init(2, "nosuch"), 0);
    assert_true(stub_log_contains("no policy 'nosuch'"));
    assert_string_equal(sched_policy_name(), "credit");
    assert_int_equal(sched_online(), 3);
}

static void test_cmdline(void **state)
{
    stub_log_reset();
    cmdline_parse("sched=nosuch");
    assert_int_equal(stub_log_warnings, 1);
    cmdline_parse("sched=credit sched_credit_tslice_ms=0");
    assert_int_equal(stub_log_warnings, 2);
    cmdline_parse("sched_credit_tslice_ms=5");
    assert_int_equal(stub_log_warnings, 2);
    assert_int_equal(sched_init(1, NULL), 0);
    assert_string_equal(sched_policy_name(), "credit");
    sched_dom_init(&hdom[0], 1);
    sched_vcpu_init(&hv[0], &hdom[0], 0, T);
    sched_vcpu_up(&hv[0], T);
    assert_int_equal(sched_schedule(0, T).until, T + MS(5));
    cmdline_parse("sched_credit_tslice_ms=10");
    assert_int_equal(sched_schedule(0, T + MS(5)).until, T + MS(15));
}

static void test_params(void **state)
{
    struct sched_params p;

    hand_init(2, 0);
    sched_get_params(&hdom[0], &p);
    assert_int_equal(p.weight, SCHED_WEIGHT_DEFAULT);
    assert_int_equal(p.cap, SCHED_CAP_NONE);
    p = (struct sched_params){ 0, 0 };
    assert_int_equal(sched_set_params(&hdom[0], &p), -EINVAL);
    p = (struct sched_params){ 65536, 0 };
    assert_int_equal(sched_set_params(&hdom[0], &p), -EINVAL);
    p = (struct sched_params){ 512, 201 };
    assert_int_equal(sched_set_params(&hdom[0], &p), -EINVAL);
    p = (struct sched_params){ 512, 200 };
    assert_int_equal(sched_set_params(&hdom[0], &p), 0);
    p = (struct sched_params){ 0, 0 };
    sched_get_params(&hdom[0], &p);
    assert_int_equal(p.weight, 512);
    assert_int_equal(p.cap, 200);
}

/* ---- The state machine, by hand --------------------------------------------- */

static void test_idle(void **state)
{
    struct sched_decision d;

    hand_init(4, 1);
    for (unsigned int i = 0; i < 4; i++) {
        d = sched_schedule(i, T);
        assert_null(d.next);
        assert_int_equal(d.until, 0);
        assert_false(sched_need_resched(i, T + MS(1000)));
    }
    /* Up and blocked: still nothing to run anywhere. */
    sched_vcpu_up(&hv[0], T);
    sched_block(&hv[0], T);
    assert_int_equal(sched_vcpu_state(&hv[0]), SCHED_BLOCKED);
    for (unsigned int i = 0; i < 4; i++)
        assert_null(sched_schedule(i, T + MS(1)).next);
}

static void test_lifecycle(void **state)
{
    struct sched_runstate rs;
    struct sched_decision d;
    sched_mask_t kick;

    hand_init(1, 1);
    assert_int_equal(sched_vcpu_state(&hv[0]), SCHED_OFFLINE);
    assert_null(sched_schedule(0, T).next);
    kick = sched_vcpu_up(&hv[0], T + MS(1));              /* offline 1 ms */
    assert_int_equal(kick, BIT(0));
    assert_true(sched_need_resched(0, T + MS(1)));
    assert_int_equal(sched_vcpu_state(&hv[0]), SCHED_RUNNABLE);
    d = sched_schedule(0, T + MS(2));                     /* runnable 1 ms */
    assert_ptr_equal(d.next, &hv[0]);
    assert_null(d.prev);
    assert_false(sched_need_resched(0, T + MS(2)));
    assert_true(sched_need_resched(0, d.until));
    assert_int_equal(sched_vcpu_state(&hv[0]), SCHED_RUNNING);
    assert_int_equal(sched_block(&hv[0], T + MS(5)), BIT(0));
    assert_int_equal(sched_vcpu_state(&hv[0]), SCHED_RUNNING);
    d = sched_schedule(0, T + MS(5));                     /* running 3 ms */
    assert_null(d.next);
    assert_ptr_equal(d.prev, &hv[0]);
    assert_true(sched_vcpu_on_cpu(&hv[0]));
    sched_context_saved(0, T + MS(5));
    assert_false(sched_vcpu_on_cpu(&hv[0]));
    assert_int_equal(sched_vcpu_state(&hv[0]), SCHED_BLOCKED);
    assert_int_equal(sched_wake(&hv[0], T + MS(9)), BIT(0));   /* blocked 4 ms */
    sched_pause(&hv[0], T + MS(10));                      /* runnable 1 ms */
    assert_int_equal(sched_vcpu_state(&hv[0]), SCHED_PAUSED);
    assert_null(sched_schedule(0, T + MS(10)).next);
    sched_vcpu_down(&hv[0], T + MS(12));                  /* paused 2 ms */
    sched_unpause(&hv[0], T + MS(12));
    assert_int_equal(sched_vcpu_state(&hv[0]), SCHED_OFFLINE);
    sched_vcpu_runstate(&hv[0], T + MS(20), &rs);         /* offline 8 more */
    assert_int_equal(rs.state, SCHED_OFFLINE);
    assert_int_equal(rs.time[SCHED_OFFLINE], MS(9));
    assert_int_equal(rs.time[SCHED_RUNNABLE], MS(2));
    assert_int_equal(rs.time[SCHED_RUNNING], MS(3));
    assert_int_equal(rs.time[SCHED_BLOCKED], MS(4));
    assert_int_equal(rs.time[SCHED_PAUSED], MS(2));
    assert_int_equal(sched_vcpu_runtime(&hv[0], T + MS(20)), MS(3));
    assert_int_equal(sched_vcpu_destroy(&hv[0], T + MS(20)), 0);
    assert_false(known(&hv[0]));
    sched_dom_destroy(&hdom[0]);
    assert_null(sched_dom_first());
}

/* A wake that comes before the block reached sched_schedule() is not lost. */
static void test_block_wake_race(void **state)
{
    struct sched_decision d;

    hand_init(1, 1);
    sched_vcpu_up(&hv[0], T);
    assert_ptr_equal(sched_schedule(0, T).next, &hv[0]);
    sched_block(&hv[0], T + MS(1));
    assert_int_equal(sched_wake(&hv[0], T + MS(1)), 0);
    d = sched_schedule(0, T + MS(1));
    assert_ptr_equal(d.next, &hv[0]);
    assert_null(d.prev);
    assert_int_equal(sched_vcpu_state(&hv[0]), SCHED_RUNNING);
    /* A wake without a block does nothing. */
    assert_int_equal(sched_wake(&hv[0], T + MS(2)), 0);
    assert_int_equal(sched_vcpu_state(&hv[0]), SCHED_RUNNING);
}

/* A wake-up between the deschedule and sched_context_saved() is kept and
 * acted on when the state is saved; so is an affinity change. */
static void test_wake_before_saved(void **state)
{
    struct sched_decision d;
    sched_mask_t kick = 0;

    hand_init(2, 1);
    sched_vcpu_up(&hv[0], T);
    assert_int_equal(sched_vcpu_pcpu(&hv[0]), 0);
    assert_ptr_equal(sched_schedule(0, T).next, &hv[0]);
    sched_block(&hv[0], T + MS(1));
    d = sched_schedule(0, T + MS(1));
    assert_ptr_equal(d.prev, &hv[0]);
    assert_null(d.next);
    assert_int_equal(sched_wake(&hv[0], T + MS(2)), 0);    /* not yet */
    assert_int_equal(sched_set_affinity(&hv[0], BIT(1), 0, T + MS(2), &kick), 0);
    assert_int_equal(kick, 0);
    assert_true(sched_vcpu_on_cpu(&hv[0]));
    assert_int_equal(sched_context_saved(0, T + MS(3)), BIT(1));
    assert_int_equal(sched_vcpu_pcpu(&hv[0]), 1);
    assert_null(sched_schedule(0, T + MS(3)).next);
    d = sched_schedule(1, T + MS(3));
    assert_ptr_equal(d.next, &hv[0]);
    assert_true(d.migrated);
}

static void test_pause_nesting(void **state)
{
    hand_init(1, 1);
    sched_vcpu_up(&hv[0], T);
    sched_pause(&hv[0], T);
    sched_pause(&hv[0], T);
    sched_unpause(&hv[0], T);
    assert_int_equal(sched_vcpu_state(&hv[0]), SCHED_PAUSED);
    assert_null(sched_schedule(0, T).next);
    assert_int_equal(sched_unpause(&hv[0], T), BIT(0));
    assert_ptr_equal(sched_schedule(0, T).next, &hv[0]);
    /* Paused while running: its pCPU is kicked, and it stops there. */
    assert_int_equal(sched_pause(&hv[0], T + MS(1)), BIT(0));
    assert_true(sched_need_resched(0, T + MS(1)));
    assert_null(sched_schedule(0, T + MS(1)).next);
    assert_int_equal(sched_vcpu_state(&hv[0]), SCHED_PAUSED);
}

/* The debug keys' snapshots: a pCPU's current vCPU and queue by name, at
 * most SCHED_INFO_QUEUED listed; a vCPU's state, pause count and run time. */
static void test_snapshots(void **state)
{
    static struct sched_vcpu many[SCHED_INFO_QUEUED + 3];
    struct sched_pcpu_info pi;
    struct sched_vcpu_info vi;
    struct sched_vcpu *run;
    bool listed[ARRAY_SIZE(many)] = { false };

    hand_init(2, 0);
    for (unsigned int i = 0; i < ARRAY_SIZE(many); i++) {
        sched_mask_t kick = 0;

        sched_vcpu_init(&many[i], &hdom[0], i, T);
        assert_int_equal(sched_set_affinity(&many[i], BIT(1), 0, T, &kick), 0);
        sched_vcpu_up(&many[i], T);
    }
    run = decide(1, T);
    assert_non_null(run);
    sched_pcpu_info(1, &pi);
    assert_true(pi.online && pi.busy);
    assert_int_equal(pi.curr.dom, 1);
    assert_int_equal(pi.curr.vcpu, run->id);
    assert_int_equal(pi.nr_queued, ARRAY_SIZE(many) - 1);
    assert_int_equal(pi.nr_listed, SCHED_INFO_QUEUED);
    for (unsigned int i = 0; i < pi.nr_listed; i++) {
        assert_int_equal(pi.queued[i].dom, 1);
        assert_true(pi.queued[i].vcpu < ARRAY_SIZE(many));
        assert_int_not_equal(pi.queued[i].vcpu, run->id);
        assert_false(listed[pi.queued[i].vcpu]);
        listed[pi.queued[i].vcpu] = true;
    }
    sched_pcpu_info(0, &pi);
    assert_true(pi.online);
    assert_false(pi.busy);
    assert_int_equal(pi.nr_queued, 0);
    sched_pcpu_info(5, &pi);                /* not a pCPU of the scheduler */
    assert_false(pi.online || pi.busy || pi.nr_queued || pi.nr_listed);

    sched_vcpu_info(run, T + MS(3), &vi);
    assert_int_equal(vi.state, SCHED_RUNNING);
    assert_int_equal(vi.pcpu, 1);
    assert_true(vi.up);
    assert_int_equal(vi.pause_count, 0);
    assert_int_equal(vi.run_ns, MS(3));
    sched_pause(run, T + MS(4));
    sched_pause(run, T + MS(4));
    decide(1, T + MS(4));
    sched_vcpu_info(run, T + MS(9), &vi);
    assert_int_equal(vi.state, SCHED_PAUSED);
    assert_int_equal(vi.pause_count, 2);
    assert_int_equal(vi.run_ns, MS(4));     /* paused time is not run time */
}

static void test_yield(void **state)
{
    struct sched_params heavy = { 4096, 0 };
    struct sched_decision d;
    struct sched_vcpu *x = &hv[0], *y = &hv[1];

    /* x has far more weight: after the first accounting it is ahead of y
     * in credit and would run on, but it yields, and y runs. */
    assert_int_equal(sched_init(1, "credit"), 0);
    sched_dom_init(&hdom[0], 1);
    sched_dom_init(&hdom[1], 2);
    assert_int_equal(sched_set_params(&hdom[0], &heavy), 0);
    sched_vcpu_init(x, &hdom[0], 0, T);
    sched_vcpu_init(y, &hdom[1], 0, T);
    sched_vcpu_up(x, T);
    sched_vcpu_up(y, T);
    assert_ptr_equal(decide(0, T), x);
    assert_ptr_equal(decide(0, T + MS(10)), y);
    assert_ptr_equal(decide(0, T + MS(20)), x);
    assert_ptr_equal(decide(0, T + MS(30)), x);
    assert_int_equal(sched_vcpu_yield(x, T + MS(31)), BIT(0));
    d = sched_schedule(0, T + MS(31));
    assert_ptr_equal(d.next, y);
    assert_ptr_equal(d.prev, x);
    assert_int_equal(sched_vcpu_state(x), SCHED_RUNNABLE);
    /* A yield is for one decision: then x is ahead again. */
    sched_context_saved(0, T + MS(31));
    assert_ptr_equal(decide(0, T + MS(32)), x);
}

/*
 * A descheduled vCPU is not taken by another pCPU before its state is
 * saved; sched_context_saved() then kicks an idle pCPU to take it.
 */
static void test_context_saved(void **state)
{
    struct sched_decision d0, d1;
    struct sched_vcpu *a, *b;
    sched_mask_t kick = 0;

    hand_init(2, 2);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(sched_set_affinity(&hv[i], BIT(0), 0, T, &kick), 0);
        sched_vcpu_up(&hv[i], T);
    }
    d0 = sched_schedule(0, T);
    a = d0.next;
    b = a == &hv[0] ? &hv[1] : &hv[0];
    assert_true(in_queue(0, b));
    for (int i = 0; i < 2; i++)
        assert_int_equal(sched_set_affinity(&hv[i], SCHED_MASK_ALL, 0, T, &kick), 0);
    assert_true(in_queue(0, b));        /* allowed where it waits: stays */
    d0 = sched_schedule(0, T + MS(10));
    assert_ptr_equal(d0.next, b);
    assert_ptr_equal(d0.prev, a);
    assert_true(in_queue(0, a));
    d1 = sched_schedule(1, T + MS(10));
    assert_null(d1.next);                /* a's state is not saved yet */
    kick = sched_context_saved(0, T + MS(10));
    assert_int_equal(kick, BIT(1));
    assert_true(sched_need_resched(1, T + MS(10)));
    d1 = sched_schedule(1, T + MS(10));
    assert_ptr_equal(d1.next, a);
    assert_true(d1.migrated);
}

/* Down and destroyed vCPUs leave every queue and list. */
static void test_down_destroy(void **state)
{
    struct sched_decision d;
    struct sched_vcpu *run, *wait;

    hand_init(1, 2);
    sched_vcpu_up(&hv[0], T);
    sched_vcpu_up(&hv[1], T);
    d = sched_schedule(0, T);
    run = d.next;
    wait = run == &hv[0] ? &hv[1] : &hv[0];
    assert_true(in_queue(0, wait));
    sched_vcpu_down(wait, T + MS(1));
    assert_false(in_queue(0, wait));
    assert_int_equal(sched_pcpu(0)->nr_queued, 0);
    assert_int_equal(sched_vcpu_state(wait), SCHED_OFFLINE);
    for (int i = 2; i < 20; i++)
        assert_ptr_equal(sched_schedule(0, T + MS(i * 10)).next, run);
    assert_int_equal(sched_vcpu_runtime(wait, T + MS(200)), 0);
    assert_int_equal(sched_vcpu_destroy(wait, T + MS(200)), 0);
    assert_false(known(wait));
    memset(wait, 0x5a, sizeof(*wait));  /* nothing may look at it again */
    /* The running one cannot go until it is off its pCPU and saved. */
    assert_int_equal(sched_vcpu_destroy(run, T + MS(200)), -EBUSY);
    sched_pause(run, T + MS(200));
    d = sched_schedule(0, T + MS(201));
    assert_null(d.next);
    assert_int_equal(sched_vcpu_destroy(run, T + MS(201)), -EBUSY);
    sched_context_saved(0, T + MS(201));
    assert_int_equal(sched_vcpu_destroy(run, T + MS(201)), 0);
    assert_false(known(run));
    sched_dom_destroy(&hdom[0]);
    for (int i = 0; i < 10; i++)            /* accounting runs over nothing */
        assert_null(sched_schedule(0, T + MS(300 + i * 30)).next);
}

/* A wake-up goes to an idle pCPU of its affinity, soft first. */
static void test_wake_placement(void **state)
{
    sched_mask_t kick = 0;

    hand_init(4, 2);
    assert_int_equal(sched_set_affinity(&hv[0], BIT(1) | BIT(2), BIT(2), T, &kick), 0);
    assert_int_equal(sched_set_affinity(&hv[1], 0, 0, T, &kick), -EINVAL);
    assert_int_equal(sched_set_affinity(&hv[1], BIT(5), 0, T, &kick), -EINVAL);
    assert_int_equal(sched_vcpu_up(&hv[0], T), BIT(2));
    assert_int_equal(sched_vcpu_pcpu(&hv[0]), 2);
    assert_ptr_equal(sched_schedule(2, T).next, &hv[0]);
    /* pCPU 2 busy: the next one of that affinity goes to pCPU 1. */
    assert_int_equal(sched_set_affinity(&hv[1], BIT(1) | BIT(2), BIT(2), T, &kick), 0);
    assert_int_equal(sched_vcpu_up(&hv[1], T), BIT(1));
    assert_int_equal(sched_vcpu_pcpu(&hv[1]), 1);
}

/* ---- Shares, by simulation ------------------------------------------------- */

static void test_weights_one_pcpu(void **state)
{
    struct sim_vcpu *a, *b;
    double ratio;

    sim_init(1);
    a = sim_hog(sim_dom(256, 0));
    b = sim_hog(sim_dom(512, 0));
    sim_run(MS(500));
    /* The core's own run-time accounting matches what ran. */
    assert_int_equal(sched_vcpu_runtime(&a->sv, sim.now), a->ran);
    assert_int_equal(sched_vcpu_runtime(&b->sv, sim.now), b->ran);
    sim_reset_stats();
    sim_run(MS(3000));
    ratio = (double)b->ran / (double)a->ran;
    print_message("weights 256:512 on 1 pCPU: run time 1:%.3f\n", ratio);
    assert_true(ratio > 2 * 0.97 && ratio < 2 * 1.03);
    assert_int_equal(a->ran + b->ran, MS(3000));
}

/*
 * Both pinned to pCPU 0 while an I/O vCPU comes and goes: the weights hold
 * on the pCPU they share, whether pCPU 1 idles or runs a hog pinned there
 * (whose weight alone would give it a quarter of the machine, not the
 * whole pCPU it gets: credit comes from the pCPUs a vCPU may use).
 */
static void test_weights_pinned(void **state)
{
    for (int busy = 0; busy < 2; busy++) {
        struct sim_vcpu *a, *b, *h = NULL;
        sched_mask_t kick = 0;
        double ratio;

        sim_init(2);
        a = sim_hog(sim_dom(256, 0));
        b = sim_hog(sim_dom(512, 0));
        sim_io(sim_dom(256, 0), US(300), MS(3));
        assert_int_equal(sched_set_affinity(&a->sv, BIT(0), 0, sim.now, &kick), 0);
        assert_int_equal(sched_set_affinity(&b->sv, BIT(0), 0, sim.now, &kick), 0);
        if (busy) {
            h = sim_hog(sim_dom(256, 0));
            assert_int_equal(sched_set_affinity(&h->sv, BIT(1), 0, sim.now, &kick), 0);
        }
        sim_kick(kick);
        sim_run(MS(500));
        sim_reset_stats();
        sim_run(MS(3000));
        ratio = (double)b->ran / (double)a->ran;
        print_message("weights 256:512 pinned to pCPU 0, pCPU 1 %s: 1:%.3f\n",
                      busy ? "running a pinned hog" : "idle", ratio);
        assert_true(ratio > 2 * 0.97 && ratio < 2 * 1.03);
        assert_int_equal(a->ran_on[1] + b->ran_on[1], 0);
        if (h)
            assert_true(sim_share(h, MS(3000)) > 0.9);
    }
}

/*
 * Two 512s and two 256s on two pCPUs: each 512 gets 2/3 of a pCPU. They
 * start badly placed, the 512s on pCPU 0 and the 256s on pCPU 1, where
 * each would get half a pCPU: the credit they earn must move them.
 */
static void test_weights_smp(void **state)
{
    struct sim_vcpu *v[4];
    unsigned int heavy, light;
    sched_mask_t kick = 0;
    uint64_t rest;

    sim_init(2);
    heavy = sim_dom(512, 0);
    light = sim_dom(256, 0);
    for (int i = 0; i < 4; i++) {
        v[i] = sim_hog(i < 2 ? heavy : light);
        assert_int_equal(sched_set_affinity(&v[i]->sv, BIT(i / 2), 0, sim.now, &kick), 0);
    }
    for (int i = 0; i < 10; i++)    /* they take little, and fill up */
        sim_io(sim_dom(256, 0), US(100 + 50 * i), MS(2 + i));
    sim_kick(kick);
    sim_run(MS(300));
    kick = 0;
    for (int i = 0; i < 4; i++)
        assert_int_equal(sched_set_affinity(&v[i]->sv, SCHED_MASK_ALL, 0, sim.now, &kick), 0);
    sim_kick(kick);
    sim_run(MS(1000));
    sim_reset_stats();
    sim_run(MS(3000));
    /* What the I/O vCPUs leave is shared 2:2:1:1. */
    rest = 2 * MS(3000);
    for (int i = 4; i < 14; i++)
        rest -= sim.v[i].ran;
    for (int i = 0; i < 4; i++) {
        double share = (double)v[i]->ran / rest * 2, want = i < 2 ? 2.0 / 3 : 1.0 / 3;

        print_message("weight %d on 2 pCPUs: %.3f of a pCPU (ideal %.3f), %u migrations\n",
                      i < 2 ? 512 : 256, share, want, v[i]->migrations);
        assert_true(share > want * 0.97 && share < want * 1.03);
    }
}

/*
 * The same with sloppy timers (each fires up to 1 ms late) and slow IPIs
 * (200 us): weights 512, 512, 256 and 256 on two pCPUs, with I/O around.
 */
static void test_weights_jitter(void **state)
{
    struct sim_vcpu *v[4];
    uint64_t rest = 2 * MS(3000);

    sim_init(2);
    sim.jitter = MS(1);
    sim.ipi_delay = US(200);
    sim.seed = 42;
    for (int i = 0; i < 4; i++)
        v[i] = sim_hog(sim_dom(i < 2 ? 512 : 256, 0));
    for (int i = 0; i < 3; i++)
        sim_io(sim_dom(256, 0), US(200 + 100 * i), MS(3 + i));
    sim_run(MS(500));
    sim_reset_stats();
    sim_run(MS(3000));
    for (int i = 4; i < 7; i++)
        rest -= sim.v[i].ran;
    for (int i = 0; i < 4; i++) {
        double share = (double)v[i]->ran / rest * 2, want = i < 2 ? 2.0 / 3 : 1.0 / 3;

        print_message("jitter: weight %d: %.3f of a pCPU (ideal %.3f)\n",
                      i < 2 ? 512 : 256, share, want);
        assert_true(share > want * 0.97 && share < want * 1.03);
    }
}

/* Capped at 50, alone on a pCPU: half of it, also when timers fire late
 * (what a late timer lets it overrun comes off its next budget). */
static void test_cap_alone(void **state)
{
    for (int late = 0; late < 2; late++) {
        struct sim_vcpu *v;
        double share;

        sim_init(1);
        sim.jitter = late ? MS(1) : 0;      /* timers up to 1 ms late */
        sim.seed = 7;
        v = sim_hog(sim_dom(256, 50));
        sim_run(MS(300));
        sim_reset_stats();
        sim_run(MS(3000));
        share = sim_share(v, MS(3000));
        print_message("cap 50, alone%s: %.3f of a pCPU\n", late ? ", late timers" : "", share);
        assert_true(share <= 0.55);             /* issue 5's bound */
        assert_true(share >= 0.50 * 0.97);      /* and not much less */
    }
}

/* A capped vCPU's slice ends where its budget does, and it waits, parked,
 * for the next accounting period (30 ms). */
static void test_cap_slice(void **state)
{
    struct sched_params p = { 256, 50 };
    struct sched_decision d;

    hand_init(1, 1);
    assert_int_equal(sched_set_params(&hdom[0], &p), 0);
    sched_vcpu_up(&hv[0], T);
    d = sched_schedule(0, T);               /* budget 15 ms this period */
    assert_ptr_equal(d.next, &hv[0]);
    assert_int_equal(d.until, T + MS(10));
    d = sched_schedule(0, T + MS(10));
    assert_ptr_equal(d.next, &hv[0]);
    assert_int_equal(d.until, T + MS(15));  /* what is left */
    d = sched_schedule(0, T + MS(15));
    assert_null(d.next);
    assert_int_equal(d.until, T + MS(30));  /* the next period */
    sched_context_saved(0, T + MS(15));
    assert_int_equal(sched_vcpu_state(&hv[0]), SCHED_RUNNABLE);
    d = sched_schedule(0, T + MS(30));
    assert_ptr_equal(d.next, &hv[0]);
    assert_int_equal(d.until, T + MS(40));
}

/*
 * A capped vCPU parked in a busy pCPU's queue is unparked at accounting
 * while another pCPU idles with nothing queued: the busy pCPU's decision
 * kicks the idle one, which takes it.
 */
static void test_unpark_spreads(void **state)
{
    struct sched_params heavy = { 65535, 0 }, capped = { 256, 40 };
    struct sched_vcpu *a = &hv[0], *b = &hv[1];
    sched_mask_t kick = 0;
    struct sched_decision d;

    assert_int_equal(sched_init(2, "credit"), 0);
    sched_dom_init(&hdom[0], 1);
    sched_dom_init(&hdom[1], 2);
    assert_int_equal(sched_set_params(&hdom[0], &heavy), 0);
    assert_int_equal(sched_set_params(&hdom[1], &capped), 0);
    sched_vcpu_init(a, &hdom[0], 0, T);
    sched_vcpu_init(b, &hdom[1], 0, T);
    assert_int_equal(sched_set_affinity(a, BIT(0), 0, T, &kick), 0);
    assert_int_equal(sched_set_affinity(b, BIT(0), 0, T, &kick), 0);
    /* b alone uses its 12 ms of budget, and is parked on pCPU 0. */
    sched_vcpu_up(b, T);
    assert_int_equal(sched_schedule(0, T).until, T + MS(10));
    assert_int_equal(sched_schedule(0, T + MS(10)).until, T + MS(12));
    d = sched_schedule(0, T + MS(12));
    assert_null(d.next);
    assert_int_equal(d.until, T + MS(30));
    sched_context_saved(0, T + MS(12));
    assert_int_equal(sched_set_affinity(b, SCHED_MASK_ALL, BIT(0), T + MS(12), &kick), 0);
    assert_int_equal(sched_vcpu_pcpu(b), 0);    /* parked where it prefers */
    /* a runs on pCPU 0 up to the accounting; pCPU 1 idles, not kicked. */
    assert_int_equal(sched_vcpu_up(a, T + MS(12)), BIT(0));
    d = sched_schedule(0, T + MS(12));
    assert_ptr_equal(d.next, a);
    assert_int_equal(d.until, T + MS(22));
    assert_int_equal(sched_schedule(0, T + MS(22)).until, T + MS(30));
    assert_false(sched_need_resched(1, T + MS(30)));
    /* The accounting unparks b; pCPU 0 keeps a (b, with far less weight,
     * ran more than its share) and kicks pCPU 1, which takes b. */
    d = sched_schedule(0, T + MS(30));
    assert_ptr_equal(d.next, a);
    assert_int_equal(d.kick, BIT(1));
    d = sched_schedule(1, T + MS(30));
    assert_ptr_equal(d.next, b);
    assert_true(d.migrated);
}

/* Capped at 50 with twice the weight of its competitor: the cap wins,
 * and the competitor gets the rest. */
static void test_cap_contended(void **state)
{
    struct sim_vcpu *c, *h;
    double share;

    sim_init(1);
    c = sim_hog(sim_dom(512, 50));
    h = sim_hog(sim_dom(256, 0));
    sim_run(MS(300));
    sim_reset_stats();
    sim_run(MS(3000));
    share = sim_share(c, MS(3000));
    print_message("cap 50, weight 512 vs 256: %.3f (competitor %.3f)\n",
                  share, sim_share(h, MS(3000)));
    assert_true(share <= 0.55 && share >= 0.50 * 0.97);
    assert_int_equal(c->ran + h->ran, MS(3000));
}

/* A cap is for the whole domain: two vCPUs capped at 50 and at 150 on
 * two pCPUs. */
static void test_cap_domain(void **state)
{
    static const unsigned int caps[] = { 50, 150 };

    for (int i = 0; i < 2; i++) {
        struct sim_vcpu *a, *b;
        unsigned int d;
        double share;

        sim_init(2);
        d = sim_dom(256, caps[i]);
        a = sim_hog(d);
        b = sim_hog(d);
        sim_run(MS(300));
        sim_reset_stats();
        sim_run(MS(3000));
        share = sim_share(a, MS(3000)) + sim_share(b, MS(3000));
        print_message("cap %u, 2 vCPUs on 2 pCPUs: %.3f of a pCPU\n", caps[i], share);
        assert_true(share <= caps[i] / 100.0 * 1.03);
        assert_true(share >= caps[i] / 100.0 * 0.97);
    }
}

/* An I/O-bound vCPU woken among CPU hogs runs at once (BOOST), and the
 * hogs still share the rest evenly. */
static void test_boost_latency(void **state)
{
    for (unsigned int n = 1; n <= 2; n++) {
        struct sim_vcpu *io, *hog[4];
        uint64_t io_want;

        sim_init(n);
        for (unsigned int i = 0; i < 2 * n; i++)
            hog[i] = sim_hog(sim_dom(256, 0));
        io = sim_io(sim_dom(256, 0), US(200), MS(5));
        sim_run(MS(300));
        sim_reset_stats();
        sim_run(MS(3000));
        io_want = MS(3000) / (MS(5) + US(200)) * US(200);
        print_message("%u pCPU(s), %u hogs: I/O vCPU woke %u times, latency max %lu us, "
                      "mean %lu us; ran %.1f%% of its demand\n", n, 2 * n, io->wakes,
                      (unsigned long)(io->max_latency / 1000),
                      (unsigned long)(io->sum_latency / io->wakes / 1000),
                      100.0 * io->ran / io_want);
        assert_true(io->wakes > 500);
        assert_true(io->max_latency <= sim.ipi_delay);
        assert_true(io->ran >= io_want * 0.95);
        for (unsigned int i = 1; i < 2 * n; i++) {
            double r = (double)hog[i]->ran / hog[0]->ran;

            assert_true(r > 0.97 && r < 1.03);
        }
    }
}

/* A vCPU that woke with a negative credit (it used more than its share)
 * gets no boost: it does not preempt, and waits its turn. */
static void test_no_boost_when_over(void **state)
{
    struct sched_decision d;
    struct sched_vcpu *a, *b;

    hand_init(1, 2);
    sched_vcpu_up(&hv[0], T);
    sched_vcpu_up(&hv[1], T);
    a = sched_schedule(0, T).next;
    b = a == &hv[0] ? &hv[1] : &hv[0];
    /* a runs its whole slice, then blocks: 10 ms of debt. */
    sched_block(a, T + MS(10));
    d = sched_schedule(0, T + MS(10));
    assert_ptr_equal(d.next, b);
    sched_context_saved(0, T + MS(10));
    assert_int_equal(sched_wake(a, T + MS(15)), 0);     /* no preemption */
    d = sched_schedule(0, T + MS(15));
    assert_ptr_equal(d.next, b);                        /* b is 5 ms behind */
    assert_null(d.prev);
    /* Same again, but a blocks after 1 ms, ahead of b: boost, preempt. */
    hand_init(1, 2);
    sched_vcpu_up(&hv[0], T);
    sched_vcpu_up(&hv[1], T);
    a = sched_schedule(0, T).next;
    b = a == &hv[0] ? &hv[1] : &hv[0];
    sched_block(a, T + MS(1));
    assert_ptr_equal(sched_schedule(0, T + MS(1)).next, b);
    sched_context_saved(0, T + MS(1));
    for (int i = 1; i <= 4; i++)        /* b runs on, past an accounting */
        assert_ptr_equal(sched_schedule(0, T + MS(1 + 10 * i)).next, b);
    assert_int_equal(sched_wake(a, T + MS(42)), BIT(0));
    d = sched_schedule(0, T + MS(42));
    assert_ptr_equal(d.next, a);
    assert_ptr_equal(d.prev, b);
}

/* ---- Affinity and balancing, by simulation ----------------------------------- */

static void test_hard_affinity(void **state)
{
    static const sched_mask_t masks[] = { 0x1, 0x2, 0x4, 0x8, 0x3, 0xc, 0x6, 0x9 };
    struct sim_vcpu *v[10];
    sched_mask_t kick = 0;

    sim_init(4);
    for (int i = 0; i < 10; i++) {
        unsigned int d = sim_dom(i % 3 ? 256 : 512, 0);

        v[i] = i % 2 ? sim_io(d, US(100 * (i + 1)), MS(i + 1)) : sim_hog(d);
        assert_int_equal(sched_set_affinity(&v[i]->sv, masks[i % 8], 0, sim.now, &kick), 0);
    }
    sim_kick(kick);
    sim_run(MS(10));
    sim_reset_stats();
    sim_run(MS(1000));
    for (int i = 0; i < 10; i++)
        for (unsigned int c = 0; c < 4; c++)
            if (!(masks[i % 8] & BIT(c)))
                assert_int_equal(v[i]->ran_on[c], 0);
    /* New masks, for running, queued and blocked vCPUs alike: after the
     * kicked pCPUs have rescheduled (one IPI later), nobody runs outside. */
    kick = 0;
    for (int i = 0; i < 10; i++)
        assert_int_equal(sched_set_affinity(&v[i]->sv, masks[(i + 3) % 8], 0,
                                            sim.now, &kick), 0);
    sim_kick(kick);
    sim_run(sim.ipi_delay);
    sim_reset_stats();
    sim_run(MS(1000));
    for (int i = 0; i < 10; i++) {
        assert_true(v[i]->ran > 0);
        for (unsigned int c = 0; c < 4; c++)
            if (!(masks[(i + 3) % 8] & BIT(c)))
                assert_int_equal(v[i]->ran_on[c], 0);
    }
}

/* Three hogs on two pCPUs, one preferring pCPU 1: it stays there; an I/O
 * vCPU preferring pCPU 0 wakes there. */
static void test_soft_affinity(void **state)
{
    struct sim_vcpu *x, *io;
    sched_mask_t kick = 0;
    double on1, on0;

    sim_init(2);
    x = sim_hog(sim_dom(256, 0));
    sim_hog(sim_dom(256, 0));
    sim_hog(sim_dom(256, 0));
    io = sim_io(sim_dom(256, 0), US(200), MS(2));
    assert_int_equal(sched_set_affinity(&x->sv, SCHED_MASK_ALL, BIT(1), sim.now, &kick), 0);
    assert_int_equal(sched_set_affinity(&io->sv, SCHED_MASK_ALL, BIT(0), sim.now, &kick), 0);
    sim_kick(kick);
    sim_run(MS(300));
    sim_reset_stats();
    sim_run(MS(3000));
    on1 = (double)x->ran_on[1] / x->ran;
    on0 = (double)io->ran_on[0] / io->ran;
    print_message("soft affinity: hog ran %.1f%% on its pCPU, I/O vCPU %.1f%% on its\n",
                  100 * on1, 100 * on0);
    assert_true(on1 >= 0.95);
    assert_true(on0 >= 0.95);
}

/* Four hogs start on pCPU 0; once free to move they spread 2 + 2 and get
 * half a pCPU each, and then stay where they are. */
static void test_balance(void **state)
{
    struct sim_vcpu *v[4];
    sched_mask_t kick = 0;

    sim_init(2);
    for (int i = 0; i < 4; i++) {
        v[i] = sim_hog(sim_dom(256, 0));
        assert_int_equal(sched_set_affinity(&v[i]->sv, BIT(0), 0, sim.now, &kick), 0);
    }
    sim_kick(kick);
    sim_run(MS(100));
    /* All of pCPU 0 but the first IPI's delay; nothing on pCPU 1. */
    assert_int_equal(v[0]->ran + v[1]->ran + v[2]->ran + v[3]->ran,
                     MS(100) - sim.ipi_delay);
    kick = 0;
    for (int i = 0; i < 4; i++)
        assert_int_equal(sched_set_affinity(&v[i]->sv, SCHED_MASK_ALL, 0, sim.now, &kick), 0);
    sim_kick(kick);
    sim_run(MS(200));
    sim_reset_stats();
    sim.check_conserving = true;
    sim_run(MS(3000));
    for (int c = 0; c < 2; c++) {
        double load = (double)sim.p[c].nr_running_time / MS(3000);

        print_message("pCPU %d: %.2f vCPUs on average, idle %lu us\n", c, load,
                      (unsigned long)(sim.p[c].idle / 1000));
        assert_true(load > 1.99 && load < 2.01);
        assert_int_equal(sim.p[c].idle, 0);
    }
    for (int i = 0; i < 4; i++) {
        double share = sim_share(v[i], MS(3000));

        print_message("hog %d: %.3f of a pCPU, %u migrations\n", i, share, v[i]->migrations);
        assert_true(share > 0.5 * 0.97 && share < 0.5 * 1.03);
        assert_true(v[i]->migrations < 3);
    }
    assert_int_equal(sim.wasted, 0);
}

/* No pCPU idles while a vCPU it may run waits, under a mixed load. */
static void test_work_conserving(void **state)
{
    sim_init(4);
    for (int i = 0; i < 6; i++)
        sim_io(sim_dom(256, 0), US(500 + 300 * i), MS(1 + i));
    sim_hog(sim_dom(256, 0));
    sim_hog(sim_dom(512, 0));
    sim_run(MS(100));
    sim_reset_stats();
    sim.check_conserving = true;
    sim_run(MS(3000));
    print_message("mixed load on 4 pCPUs: %lu us idle with work waiting\n",
                  (unsigned long)(sim.wasted / 1000));
    assert_int_equal(sim.wasted, 0);
}

/* Random pauses, affinity changes, downs and ups, with the simulation's
 * checks on every decision. */
static void test_random_ops(void **state)
{
    uint64_t seed = 12345;
    unsigned int depth[SIM_VCPUS] = { 0 };

    sim_init(4);
    for (int i = 0; i < 12; i++) {
        unsigned int d = sim_dom(128 << (i % 3), i == 5 ? 30 : 0);

        if (i % 3 == 2)
            sim_io(d, US(50 + 100 * i), US(500 * i + 100));
        else
            sim_hog(d);
    }
    for (int step = 0; step < 3000; step++) {
        struct sim_vcpu *v;
        unsigned int r, i;
        sched_mask_t kick = 0;

        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        r = seed >> 33;
        i = r % sim.nr_vcpus;
        v = &sim.v[i];
        switch ((r >> 8) % 6) {
        case 0:
            if (depth[i] < 2) {
                depth[i]++;
                v->paused = true;
                kick = sched_pause(&v->sv, sim.now);
            }
            break;
        case 1:
            if (depth[i]) {
                v->paused = --depth[i] > 0;
                kick = sched_unpause(&v->sv, sim.now);
            }
            break;
        case 2:
            assert_int_equal(sched_set_affinity(&v->sv, ((r >> 12) % 15) + 1,
                                                (r >> 16) % 16, sim.now, &kick), 0);
            break;
        case 3:
            v->down = !v->down;
            kick = v->down ? sched_vcpu_down(&v->sv, sim.now) : sched_vcpu_up(&v->sv, sim.now);
            break;
        default:
            kick = sched_vcpu_yield(&v->sv, sim.now);
            break;
        }
        sim_kick(kick);
        sim_run(US(1000 + (r >> 20) % 2000));
    }
    /* Once the last kicks have landed, every state matches its causes. */
    sim_run(MS(1));
    for (unsigned int i = 0; i < sim.nr_vcpus; i++) {
        struct sim_vcpu *v = &sim.v[i];
        enum sched_state st = sched_vcpu_state(&v->sv);

        if (v->down)
            assert_int_equal(st, SCHED_OFFLINE);
        else if (v->paused)
            assert_int_equal(st, SCHED_PAUSED);
        else if (v->blocked)
            assert_int_equal(st, SCHED_BLOCKED);
        else
            assert_true(st == SCHED_RUNNING || st == SCHED_RUNNABLE);
        if (!v->paused && !v->down)
            assert_true(sched_vcpu_runtime(&v->sv, sim.now) > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_cmdline),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_idle),
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_block_wake_race),
        cmocka_unit_test(test_wake_before_saved),
        cmocka_unit_test(test_pause_nesting),
        cmocka_unit_test(test_yield),
        cmocka_unit_test(test_snapshots),
        cmocka_unit_test(test_context_saved),
        cmocka_unit_test(test_down_destroy),
        cmocka_unit_test(test_wake_placement),
        cmocka_unit_test(test_weights_one_pcpu),
        cmocka_unit_test(test_weights_pinned),
        cmocka_unit_test(test_weights_smp),
        cmocka_unit_test(test_weights_jitter),
        cmocka_unit_test(test_cap_slice),
        cmocka_unit_test(test_unpark_spreads),
        cmocka_unit_test(test_cap_alone),
        cmocka_unit_test(test_cap_contended),
        cmocka_unit_test(test_cap_domain),
        cmocka_unit_test(test_boost_latency),
        cmocka_unit_test(test_no_boost_when_over),
        cmocka_unit_test(test_hard_affinity),
        cmocka_unit_test(test_soft_affinity),
        cmocka_unit_test(test_balance),
        cmocka_unit_test(test_work_conserving),
        cmocka_unit_test(test_random_ops),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
