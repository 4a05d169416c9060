/* SPDX-License-Identifier: MIT */
/*
 * A discrete-event simulation of pCPUs running vCPUs under sched/, for the
 * scheduler's unit tests. Each pCPU follows the run loop of
 * include/petrel/sched.h: it calls sched_schedule() when its deadline
 * comes or when it is kicked (an IPI that arrives 'ipi_delay' later), saves
 * the previous vCPU at once and calls sched_context_saved(). vCPUs are CPU
 * hogs or I/O-like (run a burst, block, are woken 'sleep' later). The
 * simulation keeps its own record of who ran where and for how long, and
 * checks the scheduler's invariants on every decision (cmocka assertions).
 */
#ifndef TEST_SCHED_SIM_H
#define TEST_SCHED_SIM_H

#include <petrel/sched.h>

#define SIM_PCPUS       8
#define SIM_VCPUS       16
#define SIM_DOMS        16

#define MS(x)           ((uint64_t)(x) * 1000000)
#define US(x)           ((uint64_t)(x) * 1000)

enum sim_kind { SIM_HOG, SIM_IO };

struct sim_vcpu {
    struct sched_vcpu sv;
    unsigned int dom;
    enum sim_kind kind;
    uint64_t burst, sleep;          /* SIM_IO: run 'burst', then block 'sleep' */
    uint64_t left;                  /* run time left in this burst */
    uint64_t wake_at;               /* blocked: when it is woken, 0: never */
    uint64_t woke_at;               /* woken and not yet run since: when */
    bool blocked, paused, down;     /* what the simulation asked for */
    uint64_t ran;                   /* run time, as the simulation saw it */
    uint64_t ran_on[SIM_PCPUS];
    uint64_t max_latency, sum_latency;
    unsigned int wakes, migrations;
    int last_pcpu;
};

struct sim_pcpu {
    struct sim_vcpu *curr;
    uint64_t since;                 /* curr runs since */
    uint64_t until;                 /* the decision's deadline, 0: none */
    uint64_t kick_at;               /* a kick arrives then, 0: none */
    uint64_t idle;                  /* time idle */
    uint64_t nr_running_time;       /* integral of the vCPUs it has (running + queued) */
    unsigned int decisions;
};

struct sim {
    unsigned int nr_pcpus, nr_vcpus, nr_doms;
    uint64_t now, ipi_delay;
    uint64_t jitter;                /* timers fire up to this late (random) */
    uint64_t seed;
    struct sched_dom dom[SIM_DOMS];
    struct sim_vcpu v[SIM_VCPUS];
    struct sim_pcpu p[SIM_PCPUS];
    uint64_t wasted;                /* idle with runnable work it could take */
    bool check_conserving;          /* count 'wasted' */
};

extern struct sim sim;

/* A fresh scheduler (policy "credit") and simulation with n pCPUs. */
void sim_init(unsigned int nr_pcpus);
/* A domain with 'weight' and 'cap'; returns its index. */
unsigned int sim_dom(unsigned int weight, unsigned int cap);
/* A vCPU of domain 'dom', brought up; returns it. */
struct sim_vcpu *sim_hog(unsigned int dom);
struct sim_vcpu *sim_io(unsigned int dom, uint64_t burst, uint64_t sleep);
/* Run the simulation for 'ns' more. */
void sim_run(uint64_t ns);
/* Deliver kicks (as IPIs from now). */
void sim_kick(sched_mask_t mask);
/* Forget what was measured so far (run times, latencies, idle). */
void sim_reset_stats(void);
/* Share of the elapsed measured time that v ran, 0..nr_pcpus. */
double sim_share(struct sim_vcpu *v, uint64_t elapsed);

#endif
