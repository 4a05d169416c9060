// SPDX-License-Identifier: MIT
/*
 * The scheduler core: pCPUs, run queues, vCPU states, affinity, run-time
 * accounting, and the choice of a policy (DESIGN D6, docs/scheduler.md).
 *
 * Every vCPU belongs to one pCPU at a time, named by its 'pcpu' field: the
 * pCPU it runs on, waits on, or last ran on. That pCPU's lock guards the
 * vCPU. Moving a vCPU to another pCPU takes both locks, lower pCPU first,
 * and a lock taken through a vCPU is checked to still be its pCPU's after it
 * was acquired (it may have moved while we spun).
 *
 * A vCPU's state follows from a few flags: it is runnable when it is up,
 * not paused, not blocked and not dead. Each entry point changes a flag
 * under the vCPU's lock and then settles the vCPU:
 *   - running, but no longer runnable or allowed there: kick its pCPU, whose
 *     next sched_schedule() takes it off;
 *   - queued, no longer runnable or allowed there: out of the queue;
 *   - runnable and in no queue: placed. Placing asks the policy for a pCPU
 *     (with no lock held), locks the pair and checks again, so a vCPU is
 *     only ever queued on a pCPU of its hard affinity.
 *
 * A descheduled vCPU's state may still be on its pCPU (lazy FPU, VMSAVE
 * state...) until the run loop calls sched_context_saved(): until then the
 * vCPU is 'ctx_loaded', which keeps other pCPUs from taking it, and one that
 * must move waits for that call to be placed.
 *
 * Time comes from the caller ('now', ns). Each state change closes the time
 * spent in the old state, which gives run time and Xen-style runstate
 * information for free. Calls from different pCPUs may disagree slightly
 * about 'now': a negative interval counts as zero.
 */
#include <petrel/cmdline.h>
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <petrel/panic.h>
#include <petrel/printk.h>
#include "policy.h"

#define SCHED_DEFAULT   "credit"

extern const struct sched_policy *const __start_petrel_sched[];
extern const struct sched_policy *const __stop_petrel_sched[];

static struct sched_pcpu pcpus[NR_CPUS];
static const struct sched_policy *policy;
static unsigned int nr_pcpus;
static sched_mask_t online_mask;
static spinlock_t list_lock = SPINLOCK_INIT;   /* domains and their vCPUs;
                                                  inside pCPU locks */
static struct sched_link doms;
static char opt_sched[16];                      /* sched= */

/* ---- Rings ------------------------------------------------------------ */

static void link_init(struct sched_link *l)
{
    l->prev = l->next = l;
}

static void link_add_before(struct sched_link *n, struct sched_link *pos)
{
    n->prev = pos->prev;
    n->next = pos;
    pos->prev->next = n;
    pos->prev = n;
}

static void link_del(struct sched_link *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = NULL;
}

/* ---- Policies and the command line ------------------------------------- */

static const struct sched_policy *policy_find(const char *name, size_t len)
{
    const struct sched_policy *const *p;

    for (p = __start_petrel_sched; p < __stop_petrel_sched; p++)
        if (strlen((*p)->name) == len && !memcmp((*p)->name, name, len))
            return *p;
    return NULL;
}

static int sched_param(const char *val, size_t len)
{
    if (!val || len >= sizeof(opt_sched) || !policy_find(val, len))
        return -EINVAL;
    memcpy(opt_sched, val, len);
    opt_sched[len] = '\0';
    return 0;
}
CMDLINE_PARAM("sched", sched_param);

int sched_init(unsigned int nr, const char *name)
{
    if (!nr || nr > NR_CPUS)
        return -EINVAL;
    if (!name)
        name = opt_sched[0] ? opt_sched : SCHED_DEFAULT;
    policy = policy_find(name, strlen(name));
    if (!policy) {
        pr_warn("sched: no policy '%s', using " SCHED_DEFAULT "\n", name);
        policy = policy_find(SCHED_DEFAULT, strlen(SCHED_DEFAULT));
        ASSERT(policy);
    }
    memset(pcpus, 0, sizeof(pcpus));
    for (unsigned int i = 0; i < NR_CPUS; i++) {
        pcpus[i].lock = (spinlock_t)SPINLOCK_INIT;
        pcpus[i].id = i;
        pcpus[i].online = i < nr;
        link_init(&pcpus[i].runq);
    }
    nr_pcpus = nr;
    online_mask = nr == 64 ? SCHED_MASK_ALL : BIT(nr) - 1;
    link_init(&doms);
    policy->init(nr);
    pr_info("sched: %s scheduler on %u pCPUs\n", policy->name, nr);
    return 0;
}

const char *sched_policy_name(void)
{
    return policy ? policy->name : "none";
}

unsigned int sched_nr_pcpus(void)
{
    return nr_pcpus;
}

struct sched_pcpu *sched_pcpu(unsigned int cpu)
{
    return &pcpus[cpu];
}

sched_mask_t sched_online(void)
{
    return online_mask;
}

/* ---- Locks --------------------------------------------------------------- */

/* Lock the pCPU that sv belongs to; returns it. Interrupts off in *flags. */
static unsigned int vcpu_lock(struct sched_vcpu *sv, unsigned long *flags)
{
    *flags = arch_irq_save();
    for (;;) {
        unsigned int cpu = __atomic_load_n(&sv->pcpu, __ATOMIC_RELAXED);

        spin_lock(&pcpus[cpu].lock);
        if (sv->pcpu == cpu)
            return cpu;
        spin_unlock(&pcpus[cpu].lock);
    }
}

static void vcpu_unlock(unsigned int cpu, unsigned long flags)
{
    spin_unlock(&pcpus[cpu].lock);
    arch_irq_restore(flags);
}

/* Lock sv's pCPU and pCPU 'to', lower first; returns sv's pCPU. */
static unsigned int vcpu_lock_pair(struct sched_vcpu *sv, unsigned int to,
                                   unsigned long *flags)
{
    *flags = arch_irq_save();
    for (;;) {
        unsigned int cpu = __atomic_load_n(&sv->pcpu, __ATOMIC_RELAXED);

        spin_lock(&pcpus[MIN(cpu, to)].lock);
        if (cpu != to)
            spin_lock(&pcpus[MAX(cpu, to)].lock);
        if (sv->pcpu == cpu)
            return cpu;
        if (cpu != to)
            spin_unlock(&pcpus[MAX(cpu, to)].lock);
        spin_unlock(&pcpus[MIN(cpu, to)].lock);
    }
}

static void vcpu_unlock_pair(unsigned int cpu, unsigned int to,
                             unsigned long flags)
{
    if (cpu != to)
        spin_unlock(&pcpus[to].lock);
    vcpu_unlock(cpu, flags);
}

void sched_list_lock(void)
{
    spin_lock(&list_lock);
}

void sched_list_unlock(void)
{
    spin_unlock(&list_lock);
}

/* Note that the pCPUs of 'mask' must reschedule; returns 'mask'. */
static sched_mask_t kicked(sched_mask_t mask)
{
    for (sched_mask_t m = mask; m; m &= m - 1)
        __atomic_store_n(&pcpus[__builtin_ctzll(m)].resched, true,
                         __ATOMIC_RELEASE);
    return mask;
}

/* ---- States --------------------------------------------------------------- */

static bool runnable(const struct sched_vcpu *sv)
{
    return sv->up && !sv->dead && !sv->pause_count && !sv->blocked;
}

/* Where a vCPU that does not run and is in no queue is. */
static enum sched_state rest_state(const struct sched_vcpu *sv)
{
    if (!sv->up || sv->dead)
        return SCHED_OFFLINE;
    if (sv->pause_count)
        return SCHED_PAUSED;
    return sv->blocked ? SCHED_BLOCKED : SCHED_RUNNABLE;
}

/* Enter 'st' at 'now', closing the time spent in the old state. */
static void set_state(struct sched_vcpu *sv, enum sched_state st, uint64_t now)
{
    if (now > sv->state_entry) {
        sv->state_time[sv->state] += now - sv->state_entry;
        sv->state_entry = now;
    }
    __atomic_store_n(&sv->state, st, __ATOMIC_RELAXED);
}

/*
 * Bring sv in line with its flags (its pCPU locked). 'strict' also takes it
 * out of a queue outside its soft affinity. Returns the pCPUs to kick; sets
 * *place when sv is runnable, in no queue, and free to be placed.
 */
static sched_mask_t settle(struct sched_vcpu *sv, uint64_t now, bool strict,
                           bool *place)
{
    *place = false;
    if (sv->state == SCHED_RUNNING) {
        if (runnable(sv) && sched_allowed(sv, sv->pcpu) && !sv->yielded)
            return 0;
        return BIT(sv->pcpu);
    }
    if (sv->queued) {
        if (runnable(sv) && sched_allowed(sv, sv->pcpu) &&
            (!strict || (sched_preferred(sv) & BIT(sv->pcpu))))
            return 0;
        policy->dequeue(sv);
    }
    if (!runnable(sv)) {
        sv->move = false;
        set_state(sv, rest_state(sv), now);
        return 0;
    }
    set_state(sv, SCHED_RUNNABLE, now);
    if (sv->ctx_loaded)
        sv->move = true;            /* sched_context_saved() places it */
    else
        *place = true;
    return 0;
}

/* Runnable, in no queue, and its state saved: waiting to be placed. */
static bool unplaced(const struct sched_vcpu *sv)
{
    return sv->state == SCHED_RUNNABLE && !sv->queued && !sv->ctx_loaded &&
           !sv->move;
}

/* Queue sv on the pCPU the policy picks. No lock held on entry. */
static sched_mask_t place(struct sched_vcpu *sv, uint64_t now)
{
    for (;;) {
        unsigned int to = policy->pick_pcpu(sv);
        unsigned long flags;
        unsigned int cpu = vcpu_lock_pair(sv, to, &flags);
        sched_mask_t kick = 0;
        bool retry = false;

        if (unplaced(sv)) {
            if (sched_allowed(sv, to)) {
                sv->pcpu = to;
                kick = policy->enqueue(sv, now);
            } else {
                retry = true;       /* its affinity changed meanwhile */
            }
        }
        vcpu_unlock_pair(cpu, to, flags);
        if (!retry)
            return kick;
    }
}

/* What an entry point does to a vCPU's flags. */
enum change { CHANGE_NONE, CHANGE, CHANGE_STRICT };
typedef enum change (*change_fn)(struct sched_vcpu *sv, const void *arg);

/* Apply fn to sv under its lock, settle it, place it if needed. */
static sched_mask_t change(struct sched_vcpu *sv, uint64_t now, change_fn fn,
                           const void *arg)
{
    unsigned long flags;
    unsigned int cpu = vcpu_lock(sv, &flags);
    enum change what;
    sched_mask_t kick = 0;
    bool must_place = false;

    ASSERT(!sv->dead);
    what = fn(sv, arg);
    if (what != CHANGE_NONE)
        kick = settle(sv, now, what == CHANGE_STRICT, &must_place);
    vcpu_unlock(cpu, flags);
    if (must_place)
        kick |= place(sv, now);
    return kicked(kick);
}

static enum change do_up(struct sched_vcpu *sv, const void *arg)
{
    if (sv->up)
        return CHANGE_NONE;
    sv->up = true;
    return CHANGE;
}

static enum change do_down(struct sched_vcpu *sv, const void *arg)
{
    if (!sv->up)
        return CHANGE_NONE;
    sv->up = false;
    return CHANGE;
}

static enum change do_pause(struct sched_vcpu *sv, const void *arg)
{
    sv->pause_count++;
    return CHANGE;
}

static enum change do_unpause(struct sched_vcpu *sv, const void *arg)
{
    ASSERT(sv->pause_count);
    sv->pause_count--;
    return CHANGE;
}

static enum change do_block(struct sched_vcpu *sv, const void *arg)
{
    if (sv->blocked)
        return CHANGE_NONE;
    sv->blocked = true;
    return CHANGE;
}

static enum change do_wake(struct sched_vcpu *sv, const void *arg)
{
    if (!sv->blocked)
        return CHANGE_NONE;
    sv->blocked = false;
    sv->woken = sv->state == SCHED_BLOCKED;
    return CHANGE;
}

static enum change do_yield(struct sched_vcpu *sv, const void *arg)
{
    if (sv->state != SCHED_RUNNING)
        return CHANGE_NONE;         /* only the running vCPU yields */
    sv->yielded = true;
    return CHANGE;
}

static enum change do_affinity(struct sched_vcpu *sv, const void *arg)
{
    const sched_mask_t *masks = arg;

    sv->hard = masks[0];
    sv->soft = masks[1];
    return CHANGE_STRICT;
}

sched_mask_t sched_vcpu_up(struct sched_vcpu *sv, uint64_t now)
{
    return change(sv, now, do_up, NULL);
}

sched_mask_t sched_vcpu_down(struct sched_vcpu *sv, uint64_t now)
{
    return change(sv, now, do_down, NULL);
}

sched_mask_t sched_pause(struct sched_vcpu *sv, uint64_t now)
{
    return change(sv, now, do_pause, NULL);
}

sched_mask_t sched_unpause(struct sched_vcpu *sv, uint64_t now)
{
    return change(sv, now, do_unpause, NULL);
}

sched_mask_t sched_block(struct sched_vcpu *sv, uint64_t now)
{
    return change(sv, now, do_block, NULL);
}

sched_mask_t sched_wake(struct sched_vcpu *sv, uint64_t now)
{
    return change(sv, now, do_wake, NULL);
}

sched_mask_t sched_vcpu_yield(struct sched_vcpu *sv, uint64_t now)
{
    return change(sv, now, do_yield, NULL);
}

int sched_set_affinity(struct sched_vcpu *sv, sched_mask_t hard,
                       sched_mask_t soft, uint64_t now, sched_mask_t *kick)
{
    const sched_mask_t masks[2] = { hard, soft ? soft : SCHED_MASK_ALL };

    if (!(hard & online_mask))
        return -EINVAL;
    *kick |= change(sv, now, do_affinity, masks);
    return 0;
}

/* ---- Domains and vCPUs ---------------------------------------------------- */

void sched_dom_init(struct sched_dom *sd, uint16_t id)
{
    unsigned long flags = spin_lock_irqsave(&list_lock);

    memset(sd, 0, sizeof(*sd));
    sd->id = id;
    link_init(&sd->vcpus);
    link_add_before(&sd->link, &doms);
    policy->dom_init(sd);
    spin_unlock_irqrestore(&list_lock, flags);
}

void sched_dom_destroy(struct sched_dom *sd)
{
    unsigned long flags = spin_lock_irqsave(&list_lock);

    ASSERT(sd->vcpus.next == &sd->vcpus);
    link_del(&sd->link);
    spin_unlock_irqrestore(&list_lock, flags);
}

int sched_set_params(struct sched_dom *sd, const struct sched_params *p)
{
    unsigned long flags = spin_lock_irqsave(&list_lock);
    int rc = policy->set_params(sd, p);

    spin_unlock_irqrestore(&list_lock, flags);
    return rc;
}

void sched_get_params(struct sched_dom *sd, struct sched_params *p)
{
    unsigned long flags = spin_lock_irqsave(&list_lock);

    policy->get_params(sd, p);
    spin_unlock_irqrestore(&list_lock, flags);
}

void sched_vcpu_init(struct sched_vcpu *sv, struct sched_dom *sd,
                     unsigned int id, uint64_t now)
{
    unsigned long flags;

    memset(sv, 0, sizeof(*sv));
    sv->dom = sd;
    sv->id = id;
    sv->pcpu = sv->last_pcpu = id % nr_pcpus;
    sv->state = SCHED_OFFLINE;
    sv->state_entry = now;
    sv->hard = sv->soft = SCHED_MASK_ALL;
    policy->vcpu_init(sv);
    flags = spin_lock_irqsave(&list_lock);
    link_add_before(&sv->dom_link, &sd->vcpus);
    spin_unlock_irqrestore(&list_lock, flags);
}

int sched_vcpu_destroy(struct sched_vcpu *sv, uint64_t now)
{
    unsigned long flags;
    unsigned int cpu = vcpu_lock(sv, &flags);

    if (sv->state == SCHED_RUNNING || sv->ctx_loaded) {
        vcpu_unlock(cpu, flags);
        return -EBUSY;
    }
    if (sv->queued)
        policy->dequeue(sv);
    sv->dead = true;
    sv->move = false;
    set_state(sv, SCHED_OFFLINE, now);
    vcpu_unlock(cpu, flags);
    flags = spin_lock_irqsave(&list_lock);
    link_del(&sv->dom_link);
    spin_unlock_irqrestore(&list_lock, flags);
    return 0;
}

struct sched_dom *sched_dom_first(void)
{
    return doms.next == &doms ? NULL : container_of(doms.next, struct sched_dom, link);
}

struct sched_dom *sched_dom_next(struct sched_dom *sd)
{
    return sd->link.next == &doms ? NULL :
           container_of(sd->link.next, struct sched_dom, link);
}

struct sched_vcpu *sched_dom_vcpu_first(struct sched_dom *sd)
{
    return sd->vcpus.next == &sd->vcpus ? NULL :
           container_of(sd->vcpus.next, struct sched_vcpu, dom_link);
}

struct sched_vcpu *sched_dom_vcpu_next(struct sched_dom *sd, struct sched_vcpu *sv)
{
    return sv->dom_link.next == &sd->vcpus ? NULL :
           container_of(sv->dom_link.next, struct sched_vcpu, dom_link);
}

/* ---- Run queues ------------------------------------------------------------ */

void sched_runq_insert(struct sched_pcpu *pc, struct sched_vcpu *sv,
                       struct sched_vcpu *pos)
{
    ASSERT(!sv->queued && sv->pcpu == pc->id && sv->state == SCHED_RUNNABLE);
    link_add_before(&sv->runq_link, pos ? &pos->runq_link : &pc->runq);
    sv->queued = true;
    pc->nr_queued++;
}

void sched_runq_remove(struct sched_vcpu *sv)
{
    ASSERT(sv->queued);
    link_del(&sv->runq_link);
    sv->queued = false;
    pcpus[sv->pcpu].nr_queued--;
}

void sched_runq_steal(struct sched_pcpu *pc, struct sched_vcpu *sv)
{
    ASSERT(sv->queued && !sv->ctx_loaded && sched_allowed(sv, pc->id));
    sched_runq_remove(sv);
    sv->pcpu = pc->id;
}

struct sched_vcpu *sched_runq_first(struct sched_pcpu *pc)
{
    return pc->runq.next == &pc->runq ? NULL :
           container_of(pc->runq.next, struct sched_vcpu, runq_link);
}

struct sched_vcpu *sched_runq_next(struct sched_pcpu *pc, struct sched_vcpu *sv)
{
    return sv->runq_link.next == &pc->runq ? NULL :
           container_of(sv->runq_link.next, struct sched_vcpu, runq_link);
}

/* ---- Deciding ---------------------------------------------------------------- */

/* prev stops running at now; returns whether it waits on its pCPU again. */
static bool deschedule(struct sched_vcpu *prev, uint64_t now)
{
    if (!runnable(prev)) {
        set_state(prev, rest_state(prev), now);
        return false;
    }
    set_state(prev, SCHED_RUNNABLE, now);
    if (sched_allowed(prev, prev->pcpu))
        return true;
    prev->move = true;              /* placed once its context is saved */
    return false;
}

/* Make d->next the running vCPU of pc. */
static void run_next(struct sched_pcpu *pc, struct sched_decision *d,
                     uint64_t now)
{
    struct sched_vcpu *next = d->next;

    ASSERT(next->pcpu == pc->id && !next->queued && runnable(next));
    ASSERT(sched_allowed(next, pc->id));
    set_state(next, SCHED_RUNNING, now);
    next->ctx_loaded = true;
    d->migrated = next->last_pcpu != pc->id;
    next->last_pcpu = pc->id;
}

struct sched_decision sched_schedule(unsigned int cpu, uint64_t now)
{
    struct sched_pcpu *pc = &pcpus[cpu];
    struct sched_decision d = { 0 };
    unsigned long flags = spin_lock_irqsave(&pc->lock);
    struct sched_vcpu *prev = pc->curr;
    bool requeue = false;

    ASSERT(pc->online && !pc->unsaved);
    __atomic_store_n(&pc->resched, false, __ATOMIC_RELAXED);
    if (prev)
        requeue = deschedule(prev, now);
    policy->schedule(pc, prev, requeue, now, &d);
    if (d.next)
        run_next(pc, &d, now);
    if (prev) {
        prev->yielded = false;
        if (prev != d.next)
            d.prev = pc->unsaved = prev;
    }
    __atomic_store_n(&pc->curr, d.next, __ATOMIC_RELAXED);
    pc->until = d.until;
    spin_unlock_irqrestore(&pc->lock, flags);
    d.kick = kicked(d.kick & ~BIT(cpu));
    return d;
}

sched_mask_t sched_context_saved(unsigned int cpu, uint64_t now)
{
    struct sched_pcpu *pc = &pcpus[cpu];
    unsigned long flags = spin_lock_irqsave(&pc->lock);
    struct sched_vcpu *sv = pc->unsaved;
    sched_mask_t kick = 0;
    bool must_place = false;

    if (sv) {
        ASSERT(sv->pcpu == cpu && sv->ctx_loaded);
        pc->unsaved = NULL;
        sv->ctx_loaded = false;
        must_place = sv->move;
        sv->move = false;
        if (sv->queued)
            kick = policy->tickle(sv);
    }
    spin_unlock_irqrestore(&pc->lock, flags);
    if (must_place)
        kick |= place(sv, now);
    return kicked(kick);
}

bool sched_need_resched(unsigned int cpu, uint64_t now)
{
    struct sched_pcpu *pc = &pcpus[cpu];

    return __atomic_load_n(&pc->resched, __ATOMIC_ACQUIRE) ||
           (pc->until && now >= pc->until);
}

/* ---- Queries ------------------------------------------------------------------ */

void sched_vcpu_runstate(struct sched_vcpu *sv, uint64_t now,
                         struct sched_runstate *rs)
{
    unsigned long flags;
    unsigned int cpu = vcpu_lock(sv, &flags);

    rs->state = sv->state;
    rs->state_entry = sv->state_entry;
    memcpy(rs->time, sv->state_time, sizeof(rs->time));
    if (now > sv->state_entry)
        rs->time[sv->state] += now - sv->state_entry;
    vcpu_unlock(cpu, flags);
}

enum sched_state sched_vcpu_state(struct sched_vcpu *sv)
{
    return __atomic_load_n(&sv->state, __ATOMIC_RELAXED);
}

uint64_t sched_vcpu_runtime(struct sched_vcpu *sv, uint64_t now)
{
    struct sched_runstate rs;

    sched_vcpu_runstate(sv, now, &rs);
    return rs.time[SCHED_RUNNING];
}

unsigned int sched_vcpu_pcpu(struct sched_vcpu *sv)
{
    return __atomic_load_n(&sv->pcpu, __ATOMIC_RELAXED);
}

bool sched_vcpu_on_cpu(struct sched_vcpu *sv)
{
    unsigned long flags;
    unsigned int cpu = vcpu_lock(sv, &flags);
    bool on = sv->state == SCHED_RUNNING || sv->ctx_loaded;

    vcpu_unlock(cpu, flags);
    return on;
}

struct sched_vcpu *sched_curr(unsigned int cpu)
{
    return __atomic_load_n(&pcpus[cpu].curr, __ATOMIC_RELAXED);
}

/* ---- Snapshots for the debug keys ------------------------------------------ */

void sched_vcpu_info(struct sched_vcpu *sv, uint64_t now, struct sched_vcpu_info *out)
{
    unsigned long flags;
    unsigned int cpu = vcpu_lock(sv, &flags);

    out->state = sv->state;
    out->pcpu = sv->pcpu;
    out->pause_count = sv->pause_count;
    out->up = sv->up;
    out->run_ns = sv->state_time[SCHED_RUNNING];
    if (sv->state == SCHED_RUNNING && now > sv->state_entry)
        out->run_ns += now - sv->state_entry;
    vcpu_unlock(cpu, flags);
}

static void name_vcpu(const struct sched_vcpu *sv, struct sched_vcpu_name *n)
{
    n->dom = sv->dom->id;
    n->vcpu = sv->id;
}

void sched_pcpu_info(unsigned int cpu, struct sched_pcpu_info *out)
{
    struct sched_pcpu *pc = &pcpus[cpu];
    struct sched_link *l;
    unsigned long flags;

    memset(out, 0, sizeof(*out));
    if (cpu >= nr_pcpus)
        return;
    flags = spin_lock_irqsave(&pc->lock);
    out->online = pc->online;
    out->busy = pc->curr != NULL;
    if (pc->curr)
        name_vcpu(pc->curr, &out->curr);
    out->nr_queued = pc->nr_queued;
    out->until = pc->until;
    for (l = pc->runq.next; l != &pc->runq && out->nr_listed < SCHED_INFO_QUEUED;
         l = l->next)
        name_vcpu(container_of(l, struct sched_vcpu, runq_link),
                  &out->queued[out->nr_listed++]);
    spin_unlock_irqrestore(&pc->lock, flags);
}
