/* SPDX-License-Identifier: MIT */
/* A discrete-event simulation of pCPUs and vCPUs under sched/ (sched_sim.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sched_sim.h"

struct sim sim;

#define T0      MS(1000)    /* simulated time starts here, not at 0 */

void sim_init(unsigned int nr_pcpus)
{
    memset(&sim, 0, sizeof(sim));
    assert_int_equal(sched_init(nr_pcpus, "credit"), 0);
    sim.nr_pcpus = nr_pcpus;
    sim.now = T0;
    sim.ipi_delay = US(20);
}

unsigned int sim_dom(unsigned int weight, unsigned int cap)
{
    unsigned int d = sim.nr_doms++;
    struct sched_params p = { weight, cap };

    assert_true(d < SIM_DOMS);
    sched_dom_init(&sim.dom[d], d);
    assert_int_equal(sched_set_params(&sim.dom[d], &p), 0);
    return d;
}

static struct sim_vcpu *sim_vcpu(unsigned int dom, enum sim_kind kind)
{
    struct sim_vcpu *v = &sim.v[sim.nr_vcpus];

    assert_true(sim.nr_vcpus < SIM_VCPUS);
    v->dom = dom;
    v->kind = kind;
    v->last_pcpu = -1;
    sched_vcpu_init(&v->sv, &sim.dom[dom], sim.nr_vcpus++, sim.now);
    sim_kick(sched_vcpu_up(&v->sv, sim.now));
    return v;
}

struct sim_vcpu *sim_hog(unsigned int dom)
{
    return sim_vcpu(dom, SIM_HOG);
}

struct sim_vcpu *sim_io(unsigned int dom, uint64_t burst, uint64_t sleep)
{
    struct sim_vcpu *v = sim_vcpu(dom, SIM_IO);

    v->burst = v->left = burst;
    v->sleep = sleep;
    return v;
}

void sim_kick(sched_mask_t mask)
{
    for (unsigned int i = 0; i < sim.nr_pcpus; i++) {
        struct sim_pcpu *p = &sim.p[i];

        if (!(mask & BIT(i)))
            continue;
        assert_true(sched_need_resched(i, sim.now));
        if (!p->kick_at || p->kick_at > sim.now + sim.ipi_delay)
            p->kick_at = sim.now + sim.ipi_delay;
    }
    assert_int_equal(mask >> sim.nr_pcpus, 0);
}

void sim_reset_stats(void)
{
    for (unsigned int i = 0; i < sim.nr_vcpus; i++) {
        struct sim_vcpu *v = &sim.v[i];

        v->ran = v->max_latency = v->sum_latency = 0;
        v->wakes = v->migrations = 0;
        memset(v->ran_on, 0, sizeof(v->ran_on));
    }
    for (unsigned int i = 0; i < sim.nr_pcpus; i++) {
        sim.p[i].idle = sim.p[i].nr_running_time = 0;
        sim.p[i].decisions = 0;
    }
    sim.wasted = 0;
}

double sim_share(struct sim_vcpu *v, uint64_t elapsed)
{
    return (double)v->ran / (double)elapsed;
}

/* ---- Invariants ---------------------------------------------------------- */

/* What pCPU i has: its running vCPU and those queued there. */
static unsigned int sim_load(unsigned int i)
{
    unsigned int n = sim.p[i].curr ? 1 : 0;

    for (unsigned int j = 0; j < sim.nr_vcpus; j++) {
        struct sim_vcpu *v = &sim.v[j];

        if (sched_vcpu_state(&v->sv) == SCHED_RUNNABLE && v->sv.queued &&
            sched_vcpu_pcpu(&v->sv) == i)
            n++;
    }
    return n;
}

/*
 * Whether an idle pCPU i, not kicked, leaves a runnable vCPU waiting that
 * it could run, in the queue of a pCPU that is not about to take it (a
 * busy one, or an idle one not kicked).
 */
static bool sim_wastes(unsigned int i)
{
    if (sim.p[i].curr || sim.p[i].kick_at)
        return false;
    for (unsigned int j = 0; j < sim.nr_vcpus; j++) {
        struct sched_vcpu *sv = &sim.v[j].sv;
        struct sim_pcpu *owner = &sim.p[sched_vcpu_pcpu(sv)];

        if (sched_vcpu_state(sv) == SCHED_RUNNABLE && sv->queued &&
            !sv->ctx_loaded && (sv->hard & BIT(i)) &&
            (owner->curr || !owner->kick_at))
            return true;
    }
    return false;
}

/* The decision d for pCPU i obeys the rules. */
static void sim_check(unsigned int i, const struct sched_decision *d)
{
    struct sim_vcpu *v;

    if (!d->next) {
        assert_true(d->until == 0 || d->until > sim.now);
        return;
    }
    v = container_of(d->next, struct sim_vcpu, sv);
    assert_true(v->sv.hard & BIT(i));                   /* hard affinity */
    assert_false(v->blocked);
    assert_false(v->paused);
    assert_false(v->down);
    assert_int_equal(sched_vcpu_state(&v->sv), SCHED_RUNNING);
    assert_int_equal(sched_vcpu_pcpu(&v->sv), i);
    assert_true(d->until > sim.now);
    for (unsigned int j = 0; j < sim.nr_pcpus; j++)
        if (j != i)
            assert_ptr_not_equal(sim.p[j].curr, v);     /* one place at once */
}

/* ---- Events --------------------------------------------------------------- */

/* Close the run of pCPU i's vCPU up to now. */
static void sim_charge(unsigned int i)
{
    struct sim_pcpu *p = &sim.p[i];
    uint64_t ran = sim.now - p->since;

    if (!p->curr) {
        p->idle += ran;
    } else {
        p->curr->ran += ran;
        p->curr->ran_on[i] += ran;
        if (p->curr->kind == SIM_IO)
            p->curr->left -= MIN(ran, p->curr->left);
    }
    p->since = sim.now;
}

/* How late a timer fires: 0 .. sim.jitter, pseudo-random. */
static uint64_t sim_late(void)
{
    if (!sim.jitter)
        return 0;
    sim.seed = sim.seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (sim.seed >> 20) % (sim.jitter + 1);
}

static void sim_schedule(unsigned int i)
{
    struct sim_pcpu *p = &sim.p[i];
    struct sched_decision d;

    sim_charge(i);
    d = sched_schedule(i, sim.now);
    assert_false(d.kick & BIT(i));
    sim_check(i, &d);
    if (d.prev)
        d.kick |= sched_context_saved(i, sim.now);
    if (d.kick & BIT(i))
        p->kick_at = sim.now;   /* its own: decide again at once */
    else
        p->kick_at = 0;
    sim_kick(d.kick & ~BIT(i));
    p->curr = d.next ? container_of(d.next, struct sim_vcpu, sv) : NULL;
    p->until = d.until ? d.until + sim_late() : 0;
    p->decisions++;
    if (p->curr) {
        struct sim_vcpu *v = p->curr;

        if (v->woke_at) {
            uint64_t lat = sim.now - v->woke_at;

            v->max_latency = MAX(v->max_latency, lat);
            v->sum_latency += lat;
            v->woke_at = 0;
        }
        if (v->last_pcpu >= 0 && v->last_pcpu != (int)i)
            v->migrations++;
        v->last_pcpu = i;
    }
}

/* When pCPU i next has something to do; UINT64_MAX: never. */
static uint64_t sim_pcpu_next(unsigned int i)
{
    struct sim_pcpu *p = &sim.p[i];
    uint64_t t = UINT64_MAX;

    if (p->until)
        t = p->until;
    if (p->kick_at)
        t = MIN(t, p->kick_at);
    if (p->curr && p->curr->kind == SIM_IO)
        t = MIN(t, p->since + p->curr->left);
    return t;
}

static uint64_t sim_next_event(void)
{
    uint64_t t = UINT64_MAX;

    for (unsigned int i = 0; i < sim.nr_pcpus; i++)
        t = MIN(t, sim_pcpu_next(i));
    for (unsigned int j = 0; j < sim.nr_vcpus; j++)
        if (sim.v[j].blocked && sim.v[j].wake_at)
            t = MIN(t, sim.v[j].wake_at);
    return t;
}

/* Blocked vCPUs whose time has come are woken (an event or their timer). */
static void sim_wakes(void)
{
    for (unsigned int j = 0; j < sim.nr_vcpus; j++) {
        struct sim_vcpu *v = &sim.v[j];

        if (!v->blocked || !v->wake_at || v->wake_at > sim.now)
            continue;
        v->blocked = false;
        v->wake_at = 0;
        v->left = v->burst;
        v->woke_at = sim.now;
        v->wakes++;
        sim_kick(sched_wake(&v->sv, sim.now));
    }
}

/* pCPU i at now: its vCPU may end its burst, and it may decide. */
static void sim_pcpu_event(unsigned int i)
{
    struct sim_pcpu *p = &sim.p[i];

    if (p->curr && p->curr->kind == SIM_IO && p->since + p->curr->left <= sim.now) {
        struct sim_vcpu *v = p->curr;

        sim_charge(i);
        v->blocked = true;
        v->wake_at = sim.now + v->sleep;
        assert_true(sched_block(&v->sv, sim.now) & BIT(i));
        p->kick_at = sim.now;
    }
    if ((p->until && p->until <= sim.now) || (p->kick_at && p->kick_at <= sim.now))
        sim_schedule(i);
}

/* Measure the load of each pCPU and idle time that could have run work. */
static void sim_observe(uint64_t dt)
{
    for (unsigned int i = 0; i < sim.nr_pcpus; i++) {
        sim.p[i].nr_running_time += dt * sim_load(i);
        if (sim.check_conserving && sim_wastes(i))
            sim.wasted += dt;
    }
}

void sim_run(uint64_t ns)
{
    uint64_t end = sim.now + ns;

    for (;;) {
        uint64_t t = sim_next_event();

        if (t > end)
            t = end;
        assert_true(t >= sim.now);
        sim_observe(t - sim.now);
        sim.now = t;
        if (t == end)
            break;
        sim_wakes();
        for (unsigned int i = 0; i < sim.nr_pcpus; i++)
            sim_pcpu_event(i);
    }
    for (unsigned int i = 0; i < sim.nr_pcpus; i++)
        sim_charge(i);
}
