// SPDX-License-Identifier: MIT
/*
 * Unit tests: the per-pCPU software timer queues (common/timer.c): order by
 * expiry, re-arming and stopping, timer_process() running only what has
 * expired, callbacks that re-arm, when the hardware hook is called, and
 * the independence of two CPUs' queues.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <petrel/timer.h>
#include "stubs.h"

/* The CPU the code under test believes it runs on, and what it programmed. */
static unsigned int this_cpu_nr;
static struct { unsigned int cpu; uint64_t expires; } programs[64];
static unsigned int nr_programs;

unsigned int arch_timer_cpu(void)
{
    return this_cpu_nr;
}

void arch_timer_program(unsigned int cpu, uint64_t expires)
{
    assert_int_equal(cpu, this_cpu_nr);
    assert_true(nr_programs < 64);
    programs[nr_programs].cpu = cpu;
    programs[nr_programs].expires = expires;
    nr_programs++;
}

static unsigned int kicks[4];

void arch_timer_kick(unsigned int cpu)
{
    assert_true(cpu < 4);
    kicks[cpu]++;
}

/* Callbacks append their timer's data (an int) to 'ran'. */
static int ran[64];
static unsigned int nr_ran;

static void record(struct timer *t)
{
    assert_true(nr_ran < 64);
    ran[nr_ran++] = *(int *)t->data;
}

static int ids[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };

static int setup(void **state)
{
    this_cpu_nr = 0;
    nr_programs = 0;
    nr_ran = 0;
    memset(kicks, 0, sizeof(kicks));
    return 0;
}

/* Every test leaves its queues empty: nothing can run, nothing is next. */
static int teardown(void **state)
{
    nr_ran = 0;
    for (unsigned int cpu = 0; cpu < 4; cpu++)
        assert_int_equal(timer_process(cpu, UINT64_MAX), 0);
    assert_int_equal(nr_ran, 0);
    return 0;
}

static void test_order(void **state)
{
    struct timer t[4];
    static const uint64_t when[4] = { 300, 100, 400, 200 };

    for (int i = 0; i < 4; i++) {
        timer_init(&t[i], record, &ids[i], 0);
        assert_false(timer_pending(&t[i]));
        assert_false(timer_set(&t[i], when[i]));
        assert_true(timer_pending(&t[i]));
    }
    assert_int_equal(timer_process(0, 1000), 0);
    assert_int_equal(nr_ran, 4);
    assert_int_equal(ran[0], 1);
    assert_int_equal(ran[1], 3);
    assert_int_equal(ran[2], 0);
    assert_int_equal(ran[3], 2);
    for (int i = 0; i < 4; i++)
        assert_false(timer_pending(&t[i]));
}

static void test_equal_expiry_fifo(void **state)
{
    struct timer t[3];

    for (int i = 0; i < 3; i++) {
        timer_init(&t[i], record, &ids[i], 0);
        timer_set(&t[i], 500);
    }
    assert_int_equal(timer_process(0, 500), 0);
    assert_int_equal(nr_ran, 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(ran[i], i);
}

static void test_rearm_moves(void **state)
{
    struct timer a, b, c;

    timer_init(&a, record, &ids[0], 0);
    timer_init(&b, record, &ids[1], 0);
    timer_init(&c, record, &ids[2], 0);
    timer_set(&a, 100);
    timer_set(&b, 200);
    timer_set(&c, 300);
    timer_set(&a, 250);             /* first to the middle */
    timer_set(&c, 50);              /* last to the front */
    timer_set(&b, 200);             /* same place again */
    assert_int_equal(timer_process(0, 1000), 0);
    assert_int_equal(nr_ran, 3);
    assert_int_equal(ran[0], 2);
    assert_int_equal(ran[1], 1);
    assert_int_equal(ran[2], 0);
}

static void test_stop_removes(void **state)
{
    struct timer a, b, c;

    timer_init(&a, record, &ids[0], 0);
    timer_init(&b, record, &ids[1], 0);
    timer_init(&c, record, &ids[2], 0);
    timer_set(&a, 100);
    timer_set(&b, 200);
    timer_set(&c, 300);
    timer_stop(&b);
    assert_false(timer_pending(&b));
    timer_stop(&b);                 /* stopping twice is harmless */
    timer_stop(&a);
    assert_int_equal(timer_process(0, 1000), 0);
    assert_int_equal(nr_ran, 1);
    assert_int_equal(ran[0], 2);
    timer_stop(&c);                 /* so is stopping a timer that ran */
}

static void test_process_expired_only(void **state)
{
    struct timer t[4];

    for (int i = 0; i < 4; i++) {
        timer_init(&t[i], record, &ids[i], 0);
        timer_set(&t[i], 100 * (uint64_t)(i + 1));
    }
    assert_int_equal(timer_process(0, 50), 100);
    assert_int_equal(nr_ran, 0);
    assert_int_equal(timer_process(0, 200), 300);   /* expires == now runs */
    assert_int_equal(nr_ran, 2);
    assert_int_equal(ran[0], 0);
    assert_int_equal(ran[1], 1);
    assert_false(timer_pending(&t[0]));
    assert_false(timer_pending(&t[1]));
    assert_true(timer_pending(&t[2]));
    assert_int_equal(timer_process(0, 399), 400);
    assert_int_equal(nr_ran, 3);
    assert_int_equal(timer_process(0, 400), 0);
    assert_int_equal(nr_ran, 4);
}

/* Re-arms itself 'period' later, 'left' more times. */
static struct { uint64_t period; int left; unsigned int calls; } periodic;

static void rearm(struct timer *t)
{
    periodic.calls++;
    if (periodic.left-- > 0)
        timer_set(t, t->expires + periodic.period);
}

static void test_callback_rearms(void **state)
{
    struct timer p, other;

    periodic.period = 100;
    periodic.left = 100;
    periodic.calls = 0;
    timer_init(&p, rearm, NULL, 0);
    timer_init(&other, record, &ids[5], 0);
    timer_set(&p, 100);
    timer_set(&other, 250);
    nr_programs = 0;
    assert_int_equal(timer_process(0, 100), 200);
    assert_int_equal(periodic.calls, 1);
    assert_true(timer_pending(&p));
    /* One interrupt late: each expired period runs, then the next is due. */
    assert_int_equal(timer_process(0, 420), 500);
    assert_int_equal(periodic.calls, 4);
    assert_int_equal(nr_ran, 1);
    assert_int_equal(ran[0], 5);
    /* The re-arms inside timer_process() left the hardware to its caller. */
    assert_int_equal(nr_programs, 0);
    timer_stop(&p);
    assert_false(timer_pending(&p));
}

static void test_program_on_head_change(void **state)
{
    struct timer a, b, c;

    timer_init(&a, record, &ids[0], 0);
    timer_init(&b, record, &ids[1], 0);
    timer_init(&c, record, &ids[2], 0);
    timer_set(&a, 200);             /* empty queue: new head */
    assert_int_equal(nr_programs, 1);
    assert_int_equal(programs[0].expires, 200);
    timer_set(&b, 300);             /* behind the head */
    assert_int_equal(nr_programs, 1);
    timer_set(&c, 100);             /* new head */
    assert_int_equal(nr_programs, 2);
    assert_int_equal(programs[1].expires, 100);
    timer_stop(&b);                 /* not the head */
    assert_int_equal(nr_programs, 2);
    timer_set(&c, 150);             /* the head moves, still first */
    assert_int_equal(nr_programs, 3);
    assert_int_equal(programs[2].expires, 150);
    timer_set(&c, 150);             /* no change at all */
    assert_int_equal(nr_programs, 3);
    timer_set(&c, 250);             /* the head falls behind a */
    assert_int_equal(nr_programs, 4);
    assert_int_equal(programs[3].expires, 200);
    timer_stop(&a);                 /* head removed: c is next */
    assert_int_equal(nr_programs, 5);
    assert_int_equal(programs[4].expires, 250);
    timer_stop(&c);                 /* last one: disarm */
    assert_int_equal(nr_programs, 6);
    assert_int_equal(programs[5].expires, 0);
    for (unsigned int i = 0; i < nr_programs; i++)
        assert_int_equal(programs[i].cpu, 0);
}

static void test_cpus_independent(void **state)
{
    struct timer a, b, c;

    timer_init(&a, record, &ids[0], 0);
    timer_init(&b, record, &ids[1], 1);
    timer_init(&c, record, &ids[2], 1);
    assert_false(timer_set(&a, 300));       /* local */
    assert_int_equal(nr_programs, 1);
    /* Remote: never programmed from here; a kick when its head changes. */
    assert_true(timer_set(&b, 200));
    assert_int_equal(kicks[1], 1);
    assert_false(timer_set(&c, 400));
    assert_int_equal(kicks[1], 1);
    assert_true(timer_set(&c, 100));
    assert_int_equal(kicks[1], 2);
    assert_int_equal(kicks[0], 0);
    assert_int_equal(nr_programs, 1);
    timer_stop(&c);
    assert_int_equal(nr_programs, 1);

    assert_int_equal(timer_process(0, 250), 300);
    assert_int_equal(nr_ran, 0);
    this_cpu_nr = 1;
    assert_int_equal(timer_process(1, 250), 0);
    assert_int_equal(nr_ran, 1);
    assert_int_equal(ran[0], 1);
    assert_true(timer_pending(&a));
    this_cpu_nr = 0;
    assert_int_equal(timer_process(0, 300), 0);
    assert_int_equal(nr_ran, 2);
    assert_int_equal(ran[1], 0);
}

/* timer_kill() stops a pending timer; a killed timer never runs. */
static void test_kill(void **state)
{
    struct timer t;

    timer_init(&t, record, &ids[0], 0);
    timer_set(&t, 100);
    timer_kill(&t);
    assert_false(timer_pending(&t));
    assert_int_equal(timer_process(0, 1000), 0);
    assert_int_equal(nr_ran, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kill, setup, teardown),
        cmocka_unit_test_setup_teardown(test_equal_expiry_fifo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rearm_moves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_removes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_process_expired_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_callback_rearms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_program_on_head_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cpus_independent, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
