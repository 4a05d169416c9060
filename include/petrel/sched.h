/* SPDX-License-Identifier: MIT */
/*
 * The scheduler (sched/, DESIGN D6): which vCPU each pCPU runs next, and for
 * how long. A core (sched/core.c) keeps the vCPU states, run queues,
 * affinity and run-time accounting; a policy chosen by name on the command
 * line (sched=credit, the default) orders the queues and picks. See
 * docs/scheduler.md.
 *
 * The scheduler never reads a clock, sends an IPI or arms a timer: every
 * entry point takes 'now' (nanoseconds, monotonic, from the caller's clock)
 * and returns a set of pCPUs to kick (sched_mask_t: they must call
 * sched_schedule() soon). It is pure C with no hardware access, so the same
 * files run in the hypervisor and in host unit tests.
 *
 * A pCPU's run loop uses it like this (interrupts off around the calls):
 *
 *     for (;;) {
 *         now = tsc_to_ns(rdtsc());
 *         d = sched_schedule(me, now);
 *         if (d.prev) {                   // descheduled: save, then tell
 *             save_guest_state(d.prev);   // (XSAVE, VMSAVE, ...)
 *             d.kick |= sched_context_saved(me, now);
 *         }
 *         send_ipis(d.kick & ~BIT(me));
 *         timer_arm(d.until ? ns_to_tsc(d.until) : 0);
 *         if (!d.next) {                  // sti; hlt, unless kicked meanwhile
 *             if (!sched_need_resched(me, now))
 *                 halt until an interrupt;    // a kick IPI or the timer
 *             continue;
 *         }
 *         do {                            // enter the guest, handle its exits
 *             run(d.next);
 *         } while (!sched_need_resched(me, tsc_to_ns(rdtsc())));
 *     }
 *
 * A kick IPI needs no handler beyond making the guest exit; the run loop
 * sees sched_need_resched(). Exit handlers call sched_block() (HLT,
 * SCHEDOP_block) or sched_vcpu_yield() on the running vCPU, which make
 * sched_need_resched() true for its pCPU.
 *
 * Locking: one spinlock per pCPU guards its run queue and every vCPU whose
 * 'pcpu' field names it; two pCPU locks are taken in increasing pCPU order.
 * A list lock (domains and their vCPUs) nests inside pCPU locks; a policy
 * may add its own locks, documented in its file. Entry points take what they
 * need: callers hold no scheduler lock. They must not be called with a lock
 * that an interrupt handler calling them might take.
 */
#ifndef PETREL_SCHED_H
#define PETREL_SCHED_H

#include <petrel/config.h>
#include <petrel/spinlock.h>
#include <petrel/types.h>

/* A set of pCPUs: bit n is pCPU n. */
typedef uint64_t sched_mask_t;
BUILD_BUG_ON(NR_CPUS > 64);

#define SCHED_MASK_ALL          (~(sched_mask_t)0)

/* Scheduling parameters (sched_set_params), per domain, applied to each of
 * its vCPUs. The credit policy's meaning is in docs/scheduler.md. */
#define SCHED_WEIGHT_DEFAULT    256
#define SCHED_WEIGHT_MIN        1
#define SCHED_WEIGHT_MAX        65535
#define SCHED_CAP_NONE          0       /* cap: percent of one pCPU, 0 = none */

struct sched_params {
    unsigned int weight;        /* relative share when pCPUs are contended */
    unsigned int cap;           /* most the domain may run, in % of one pCPU */
};

/* Where a vCPU is. A vCPU that is not running nor queued is offline if down,
 * else paused if paused, else blocked. */
enum sched_state {
    SCHED_RUNNING,              /* chosen by a pCPU and running there */
    SCHED_RUNNABLE,             /* wants a pCPU: waiting in a run queue */
    SCHED_BLOCKED,              /* waiting for an event or its timer */
    SCHED_PAUSED,               /* held by sched_pause() */
    SCHED_OFFLINE,              /* not brought up, or taken down, or dead */
    SCHED_NR_STATES
};

/* A link in a doubly-linked ring (run queues, domain lists). */
struct sched_link {
    struct sched_link *prev, *next;
};

/* Room a policy has for its own data in each object (policy.h checks it). */
#define SCHED_PRIV_BYTES        32

/* A domain as the scheduler sees it. Embedded in struct domain. */
struct sched_dom {
    uint16_t id;                        /* for logs */
    struct sched_link link;             /* in the core's list of domains */
    struct sched_link vcpus;            /* its sched_vcpus */
    unsigned char priv[SCHED_PRIV_BYTES] __aligned(8);  /* the policy's */
};

/*
 * A vCPU as the scheduler sees it. Embedded in struct vcpu (container_of()
 * gets back to it). The fields are the core's and the policy's: read them
 * through the functions below. Every field but dom_link is guarded by the
 * lock of pCPU 'pcpu'.
 */
struct sched_vcpu {
    struct sched_dom *dom;
    unsigned int id;                    /* vCPU number in its domain */
    unsigned int pcpu;                  /* where it runs, waits or last ran */
    unsigned int last_pcpu;             /* where it last ran */
    enum sched_state state;
    unsigned int pause_count;           /* sched_pause() nesting */
    bool up;                            /* brought up (sched_vcpu_up) */
    bool blocked;                       /* sched_block() without a wake since */
    bool woken;                         /* woke from SCHED_BLOCKED, not yet queued */
    bool yielded;                       /* sched_vcpu_yield() since it last ran */
    bool queued;                        /* on pcpu's run queue */
    bool ctx_loaded;                    /* its state may still be on pcpu */
    bool move;                          /* to be placed anew once saved */
    bool dead;                          /* sched_vcpu_destroy() done */
    sched_mask_t hard;                  /* pCPUs it may run on */
    sched_mask_t soft;                  /* pCPUs it prefers, within hard */
    struct sched_link runq_link;        /* in pcpu's run queue when queued */
    struct sched_link dom_link;         /* in dom->vcpus: the list lock */
    uint64_t state_entry;               /* 'now' when it entered 'state' */
    uint64_t state_time[SCHED_NR_STATES];   /* ns spent in each state */
    unsigned char priv[SCHED_PRIV_BYTES] __aligned(8);  /* the policy's */
};

/* What sched_schedule() decided for one pCPU. */
struct sched_decision {
    struct sched_vcpu *next;    /* run this; NULL: idle (halt) */
    struct sched_vcpu *prev;    /* descheduled here: save its state, then
                                   call sched_context_saved(); NULL when
                                   nothing was or next is the same vCPU */
    uint64_t until;             /* call sched_schedule() again at this 'now'
                                   at the latest; 0: not before a kick */
    sched_mask_t kick;          /* other pCPUs that must reschedule: send
                                   them an IPI */
    bool migrated;              /* next last ran on another pCPU */
};

/* Time spent in each state (Xen's runstate info, with PAUSED apart). */
struct sched_runstate {
    enum sched_state state;
    uint64_t state_entry;               /* 'now' when it entered 'state' */
    uint64_t time[SCHED_NR_STATES];     /* ns, the current state included */
};

/*
 * Start the scheduler on pCPUs 0 .. nr_pcpus-1 (all online) with the policy
 * named 'policy'; NULL takes the command line's sched= or else "credit".
 * An unknown name is warned about and replaced by the default. Forgets every
 * domain and vCPU it knew (host tests call it once per test). Returns 0, or
 * -EINVAL for a pCPU count of 0 or above NR_CPUS. Boot CPU, once.
 */
int sched_init(unsigned int nr_pcpus, const char *policy);
/* The policy in use, and the number of pCPUs. */
const char *sched_policy_name(void);
unsigned int sched_nr_pcpus(void);

/*
 * Domains. sched_dom_init() registers 'sd' with default parameters
 * (weight 256, no cap); sched_dom_destroy() forgets it, after all its
 * vCPUs were destroyed. sched_set_params() returns 0 or -EINVAL for values
 * the policy rejects (credit: weight 1..65535, cap 0..100*pCPUs); the new
 * values apply from the next accounting period.
 */
void sched_dom_init(struct sched_dom *sd, uint16_t id);
void sched_dom_destroy(struct sched_dom *sd);
int sched_set_params(struct sched_dom *sd, const struct sched_params *p);
void sched_get_params(struct sched_dom *sd, struct sched_params *p);

/*
 * vCPUs. sched_vcpu_init() makes 'sv' a vCPU of 'sd', OFFLINE (down), with
 * hard and soft affinity on every pCPU. sched_vcpu_destroy() takes it out
 * of everything; it returns -EBUSY while the vCPU is running or its state is
 * still loaded on a pCPU (pause it, wait until !sched_vcpu_on_cpu(), retry),
 * else 0. After it, no entry point may be called on 'sv'.
 */
void sched_vcpu_init(struct sched_vcpu *sv, struct sched_dom *sd,
                     unsigned int id, uint64_t now);
int sched_vcpu_destroy(struct sched_vcpu *sv, uint64_t now);

/*
 * State changes. Each returns the pCPUs to kick. One that stops a running
 * vCPU (block, pause, down, yield, an affinity that excludes its pCPU)
 * takes effect when that pCPU next calls sched_schedule(): its bit is in
 * the mask and sched_need_resched() is true for it.
 *   up/down:   bring the vCPU up (VCPUOP_up, domain start) or take it down.
 *   pause:     nested; a paused vCPU never runs until as many unpauses.
 *   block:     the vCPU waits (HLT, SCHEDOP_block); sched_wake() ends the
 *              wait, and if it had left its pCPU the policy may favour it
 *              (credit: BOOST, unless it ran more than its share). A wake
 *              with no block pending does nothing, so wake-ups are never
 *              lost to a block that has not yet reached sched_schedule().
 *   yield:     the running vCPU lets others of its priority run first
 *              (SCHEDOP_yield); on a vCPU that is not running, nothing.
 */
sched_mask_t sched_vcpu_up(struct sched_vcpu *sv, uint64_t now);
sched_mask_t sched_vcpu_down(struct sched_vcpu *sv, uint64_t now);
sched_mask_t sched_pause(struct sched_vcpu *sv, uint64_t now);
sched_mask_t sched_unpause(struct sched_vcpu *sv, uint64_t now);
sched_mask_t sched_block(struct sched_vcpu *sv, uint64_t now);
sched_mask_t sched_wake(struct sched_vcpu *sv, uint64_t now);
sched_mask_t sched_vcpu_yield(struct sched_vcpu *sv, uint64_t now);

/*
 * Hard affinity: the pCPUs the vCPU may run on (at least one online:
 * -EINVAL otherwise, nothing changed). Soft affinity: those it prefers,
 * taken within hard; 0 means no preference. A vCPU never runs outside hard
 * from the first sched_schedule() after this call. Returns 0 and ORs the
 * pCPUs to kick into *kick.
 */
int sched_set_affinity(struct sched_vcpu *sv, sched_mask_t hard,
                       sched_mask_t soft, uint64_t now, sched_mask_t *kick);

/*
 * The decision for pCPU 'pcpu' at 'now', taken on that pCPU: whatever it
 * ran is charged and, if still runnable there, queued again; the policy
 * picks what runs next. The caller must have called sched_context_saved()
 * for the previous decision's 'prev'.
 */
struct sched_decision sched_schedule(unsigned int pcpu, uint64_t now);

/*
 * The state of the vCPU that pCPU 'pcpu' descheduled (the last decision's
 * 'prev') is now in memory: other pCPUs may run it. Returns the pCPUs to
 * kick to take it; when that includes 'pcpu' itself, its run loop decides
 * again rather than halt (sched_need_resched() says so).
 */
sched_mask_t sched_context_saved(unsigned int pcpu, uint64_t now);

/*
 * Whether pCPU 'pcpu' should call sched_schedule(): it was kicked, or its
 * last decision's 'until' has come. Lock-free; for that pCPU's run loop.
 */
bool sched_need_resched(unsigned int pcpu, uint64_t now);

/* Queries; lock-protected snapshots. */
enum sched_state sched_vcpu_state(struct sched_vcpu *sv);
uint64_t sched_vcpu_runtime(struct sched_vcpu *sv, uint64_t now);
void sched_vcpu_runstate(struct sched_vcpu *sv, uint64_t now,
                         struct sched_runstate *rs);
unsigned int sched_vcpu_pcpu(struct sched_vcpu *sv);
/* Running, or its state still loaded on a pCPU (not yet context_saved). */
bool sched_vcpu_on_cpu(struct sched_vcpu *sv);
/* The vCPU pCPU 'pcpu' runs (NULL: idle). Lock-free, for that pCPU. */
struct sched_vcpu *sched_curr(unsigned int pcpu);

/*
 * Snapshots for the debug keys (common/keyhandler.c), each taken under the
 * lock of the pCPU concerned, names rather than pointers so that nothing
 * is used after the lock is dropped. Any context that may take a pCPU lock.
 */
struct sched_vcpu_info {
    enum sched_state state;
    unsigned int pcpu;                  /* where it runs, waits or last ran */
    unsigned int pause_count;
    bool up;
    uint64_t run_ns;                    /* time in SCHED_RUNNING so far */
};
void sched_vcpu_info(struct sched_vcpu *sv, uint64_t now, struct sched_vcpu_info *out);

#define SCHED_INFO_QUEUED       8       /* queued vCPUs a snapshot names */
struct sched_vcpu_name {
    uint16_t dom;
    unsigned int vcpu;
};
struct sched_pcpu_info {
    bool online;
    bool busy;                          /* running 'curr'; else idle */
    struct sched_vcpu_name curr;
    unsigned int nr_queued;             /* in its run queue */
    unsigned int nr_listed;             /* the first of them, in order */
    struct sched_vcpu_name queued[SCHED_INFO_QUEUED];
    uint64_t until;                     /* its decision's deadline, 0: none */
};
/* pCPU 'pcpu' (beyond the scheduler's pCPUs: all zero). */
void sched_pcpu_info(unsigned int pcpu, struct sched_pcpu_info *out);

#endif
