/* SPDX-License-Identifier: MIT */
/*
 * The contract between the scheduler core (core.c) and a policy: the hooks a
 * policy provides, and what the core offers it (pCPUs, run queues, locks,
 * the lists of domains and vCPUs). Private to sched/.
 *
 * The core owns the vCPU states and says when a vCPU enters or leaves a run
 * queue; the policy says which queue, where in it, which vCPU runs next and
 * for how long. A policy keeps its data in the 'priv' bytes of struct
 * sched_dom, sched_vcpu and sched_pcpu (SCHED_PRIV(), size-checked at build
 * time), so that the scheduler never allocates.
 */
#ifndef SCHED_POLICY_H
#define SCHED_POLICY_H

#include <petrel/sched.h>

/* A pCPU as the scheduler sees it. */
struct sched_pcpu {
    spinlock_t lock;                /* guards all below and the vCPUs on it;
                                       pCPU locks nest in increasing order */
    unsigned int id;
    bool online;
    bool resched;                   /* kicked since its last sched_schedule();
                                       written with atomics */
    struct sched_vcpu *curr;        /* running here; NULL: idle */
    struct sched_vcpu *unsaved;     /* descheduled, context not yet saved */
    struct sched_link runq;         /* queued vCPUs, in the policy's order */
    unsigned int nr_queued;
    uint64_t until;                 /* its last decision's deadline, 0: none */
    unsigned char priv[SCHED_PRIV_BYTES] __aligned(8);  /* the policy's */
};

/*
 * A policy. Hooks marked (pcpu lock) run with the lock of the pCPU named by
 * the vCPU's 'pcpu' field (or 'pc') held; none may sleep. Hooks may take the
 * list lock (after pCPU locks) and try other pCPUs' locks with
 * spin_trylock() only.
 */
struct sched_policy {
    const char *name;               /* for sched= */
    const char *desc;
    /* Forget all state; the core has set up nr pCPUs. */
    void (*init)(unsigned int nr_pcpus);
    /* Defaults for a new domain, and its parameters (list lock). */
    void (*dom_init)(struct sched_dom *sd);
    int (*set_params)(struct sched_dom *sd, const struct sched_params *p);
    void (*get_params)(struct sched_dom *sd, struct sched_params *p);
    /* A new vCPU (no lock needed: nobody knows it yet). */
    void (*vcpu_init)(struct sched_vcpu *sv);
    /*
     * Where a runnable vCPU should wait: a pCPU in sv->hard that is online.
     * No lock held; reads of other pCPUs are hints.
     */
    unsigned int (*pick_pcpu)(struct sched_vcpu *sv);
    /*
     * (pcpu lock) Put sv, runnable and in no queue, in its pCPU's queue
     * with sched_runq_insert(); sv->woken says it woke from blocked.
     * Returns the pCPUs to kick (its own to preempt, idle ones to steal).
     */
    sched_mask_t (*enqueue)(struct sched_vcpu *sv, uint64_t now);
    /* (pcpu lock) Take queued sv out of its queue: sched_runq_remove(). */
    void (*dequeue)(struct sched_vcpu *sv);
    /*
     * (pcpu lock of pc) Decide for pc. 'prev' (or NULL) ran until now and
     * must be charged; if 'requeue', queue it again on pc. Fill d->next
     * (taken out of its queue; from another pCPU's queue only through
     * sched_runq_steal()), d->until and any d->kick.
     */
    void (*schedule)(struct sched_pcpu *pc, struct sched_vcpu *prev,
                     bool requeue, uint64_t now, struct sched_decision *d);
    /* (pcpu lock) Queued sv may now run elsewhere: pCPUs to kick for it. */
    sched_mask_t (*tickle)(struct sched_vcpu *sv);
};

/*
 * Register a policy (at file scope, in its own file): the linker gathers
 * pointers to them between __start_petrel_sched and __stop_petrel_sched
 * (arch/x86/petrel.ld keeps the section).
 */
#define SCHED_POLICY(p)                                                     \
    static const struct sched_policy *const __sched_policy_##p              \
        __attribute__((used, section("petrel_sched"), aligned(8))) = &(p)

/* The policy's bytes of an object, as its own type, size-checked. */
#define SCHED_PRIV(obj, type)                                               \
    ({ BUILD_BUG_ON(sizeof(type) > SCHED_PRIV_BYTES);                       \
       (type *)(void *)(obj)->priv; })

/* ---- What the core offers policies ---------------------------------- */

struct sched_pcpu *sched_pcpu(unsigned int cpu);
sched_mask_t sched_online(void);

/* Whether sv may run on pCPU cpu (hard affinity, online). */
static inline bool sched_allowed(const struct sched_vcpu *sv, unsigned int cpu)
{
    return (sv->hard & sched_online() & BIT(cpu)) != 0;
}

/* Its soft affinity within hard and online; hard's when that is empty. */
static inline sched_mask_t sched_preferred(const struct sched_vcpu *sv)
{
    sched_mask_t hard = sv->hard & sched_online();

    return (sv->soft & hard) ? (sv->soft & hard) : hard;
}

/* A hint: pCPU cpu is idle and nobody kicked it yet. */
static inline bool sched_pcpu_idle(unsigned int cpu)
{
    struct sched_pcpu *pc = sched_pcpu(cpu);

    return !__atomic_load_n(&pc->curr, __ATOMIC_RELAXED) &&
           !__atomic_load_n(&pc->resched, __ATOMIC_RELAXED);
}

/*
 * Run queues (pcpu lock). Insert sv before 'pos' (NULL: at the tail);
 * remove a queued sv; move queued sv from its pCPU's queue to pc's, with
 * both locks held. first/next walk a queue from the head (NULL at the end).
 */
void sched_runq_insert(struct sched_pcpu *pc, struct sched_vcpu *sv,
                       struct sched_vcpu *pos);
void sched_runq_remove(struct sched_vcpu *sv);
void sched_runq_steal(struct sched_pcpu *pc, struct sched_vcpu *sv);
struct sched_vcpu *sched_runq_first(struct sched_pcpu *pc);
struct sched_vcpu *sched_runq_next(struct sched_pcpu *pc, struct sched_vcpu *sv);

/*
 * The lists of domains and vCPUs, under the list lock (which nests inside
 * pCPU locks): for accounting. first/next return NULL at the end.
 */
void sched_list_lock(void);
void sched_list_unlock(void);
struct sched_dom *sched_dom_first(void);
struct sched_dom *sched_dom_next(struct sched_dom *sd);
struct sched_vcpu *sched_dom_vcpu_first(struct sched_dom *sd);
struct sched_vcpu *sched_dom_vcpu_next(struct sched_dom *sd, struct sched_vcpu *sv);

#endif
