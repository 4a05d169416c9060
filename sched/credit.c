// SPDX-License-Identifier: MIT
/*
 * The credit scheduler: proportional share by weight, caps, boost on wake-up
 * and load balancing by stealing (after Xen's credit scheduler, in design).
 *
 * Credit. Each vCPU has a credit in nanoseconds of run time. Running costs
 * credit, ns for ns, charged when its pCPU next decides. Every accounting
 * period (30 ms) the run time consumed on each pCPU is handed back out as
 * credit to the vCPUs that are up, not paused and may run on that pCPU, in
 * proportion to their domain's weight: a vCPU that ran more than its share
 * loses credit, one that ran less gains. Handing out what was consumed, and
 * only to vCPUs that could have used it, keeps weights true under hard
 * affinity: two domains pinned to one pCPU share it by weight whatever runs
 * on the others. Credit is bounded: a vCPU at CREDIT_MAX (one that does not
 * use its share: it blocks, or is capped) takes no more, what it leaves goes
 * to the others ("water-filling", a few rounds), and what nobody that may
 * run on a pCPU can take spills over to everybody, so that credit is not
 * lost. Debt stops at CREDIT_MIN. Last, the credits of the vCPUs that ran
 * are shifted so that their mean is zero, which keeps "positive" meaning
 * "ran less than its share": the load balancer relies on it.
 *
 * Priorities, from high to low:
 *   BOOST  woke from blocked with credit >= 0: runs at once, preempting
 *          UNDER and OVER vCPUs, for at most one slice (I/O latency);
 *   UNDER  credit >= 0;
 *   OVER   credit < 0;
 *   PARKED its domain used its cap's budget for this period: never runs.
 * Each pCPU's run queue is kept in priority order, and by credit within a
 * priority (most first; BOOST and equals in arrival order), so that the
 * vCPU furthest behind its share runs next. Accounting changes credits, so
 * each pCPU re-sorts its queue at its first decision after an accounting.
 *
 * Caps. A capped domain has a budget: cap% of each period, refilled at
 * accounting and charged with its vCPUs' run time. When it runs out the
 * domain is parked until the next refill, and a capped vCPU's slice never
 * exceeds what is left, so a cap is exceeded by at most what vCPUs of the
 * domain running at once on other pCPUs overshoot, which is taken from the
 * next period's budget.
 *
 * Time slices: a vCPU runs for sched_credit_tslice_ms (10 ms) unless a
 * higher priority wakes up on its pCPU.
 *
 * Load balancing. A woken vCPU goes to an idle pCPU of its affinity if
 * there is one (soft affinity first), else to its own. A pCPU whose best
 * local choice is OVER, or that has nothing, looks at the other pCPUs' queues
 * (round robin from its neighbour) and steals the first vCPU of a higher
 * priority that may run on it: an idle pCPU takes any, in two passes (vCPUs
 * preferring it, then any allowed); a busy one takes only vCPUs preferring
 * it, and only from a pCPU with more weight queued and running than itself,
 * so that vCPUs do not bounce between equally loaded pCPUs. Other pCPUs'
 * locks are only tried, never waited for.
 *
 * Locking: the core's pCPU locks guard the run queues and each vCPU's 'pri',
 * 'start' and 'boost'. Credit and the per-period 'used' time change under a
 * pCPU lock (charging) and under the accounting lock (handing out), so they
 * are updated with atomic adds. The accounting lock is only tried (one pCPU
 * accounts, the others go on) and nests inside a pCPU lock and outside the
 * core's list lock. A domain's parameters change under the list lock.
 */
#include <petrel/cmdline.h>
#include <petrel/errno.h>
#include <petrel/lib.h>
#include "policy.h"

#define CREDIT_PERIOD       30000000LL      /* accounting period, ns */
#define CREDIT_MAX          CREDIT_PERIOD   /* most credit a vCPU holds */
#define CREDIT_MIN          (-2 * CREDIT_PERIOD)
#define CREDIT_MIN_SLICE    100000LL        /* shortest slice given, ns */
#define CREDIT_ROUNDS       4               /* water-filling rounds */

enum credit_pri { PRI_PARKED = -2, PRI_IDLE = -1, PRI_OVER, PRI_UNDER, PRI_BOOST };

struct credit_vcpu {
    int64_t credit;             /* ns; atomic */
    int64_t used;               /* ns run this period; atomic */
    uint64_t start;             /* 'now' it was last picked or charged */
    int pri;                    /* when it was last queued or picked */
    bool boost;
    bool ran;                   /* ran in the last period (accounting's) */
};

struct credit_dom {
    unsigned int weight;
    unsigned int cap;           /* % of one pCPU, 0: none */
    int64_t budget;             /* ns left this period when capped; atomic */
    bool parked;                /* budget used up; atomic */
};

struct credit_pcpu {
    unsigned int gen;           /* accounting generation its queue is sorted for */
};

static struct {
    spinlock_t acct_lock;       /* one accounting at a time (tried only) */
    uint64_t last_acct;         /* 'now' of the last accounting, 0: none yet */
    uint64_t next_acct;         /* when the next is due; read without lock */
    unsigned int gen;           /* accountings done; atomic */
    unsigned int nr_pcpus;
    sched_mask_t online;
    /* ns charged on each pCPU since the last accounting; atomic */
    int64_t consumed[NR_CPUS];
} credit;

/*
 * The accounting's scratch (acct_lock). Fixed point: a rate is ns of credit
 * per unit of weight, times 2^16. A vCPU's reach is where it may run; most
 * may run everywhere ("full reach"), and are summed once for all pCPUs.
 */
static struct {
    uint64_t pool[NR_CPUS];     /* ns still to hand out, by pCPU */
    uint64_t weight[NR_CPUS];   /* weight of the restricted reaching each */
    uint64_t left[NR_CPUS];     /* weight of the restricted that did not take
                                   all they were offered, scaled to offers */
    uint64_t rate[NR_CPUS];
    uint64_t weight_full, left_full, rate_full;
    bool spill;                 /* last rounds: one pool for everybody */
} acct;

static unsigned int opt_tslice_ms = 10;     /* sched_credit_tslice_ms= */

static int credit_param_tslice(const char *val, size_t len)
{
    unsigned int ms;

    if (cmdline_parse_uint(val, len, &ms) || ms < 1 || ms > 1000)
        return -EINVAL;
    opt_tslice_ms = ms;
    return 0;
}
CMDLINE_PARAM("sched_credit_tslice_ms", credit_param_tslice);

static struct credit_vcpu *cvcpu(struct sched_vcpu *sv)
{
    return SCHED_PRIV(sv, struct credit_vcpu);
}

static struct credit_dom *cdom(struct sched_dom *sd)
{
    return SCHED_PRIV(sd, struct credit_dom);
}

static struct credit_pcpu *cpcpu(struct sched_pcpu *pc)
{
    return SCHED_PRIV(pc, struct credit_pcpu);
}

static int64_t load64(int64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void add64(int64_t *p, int64_t v)
{
    __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

static bool parked(struct sched_vcpu *sv)
{
    return __atomic_load_n(&cdom(sv->dom)->parked, __ATOMIC_RELAXED);
}

static unsigned int weight(struct sched_vcpu *sv)
{
    return __atomic_load_n(&cdom(sv->dom)->weight, __ATOMIC_RELAXED);
}

static int64_t tslice(void)
{
    return (int64_t)opt_tslice_ms * 1000000;
}

/* ---- Set-up and parameters -------------------------------------------- */

static void credit_init(unsigned int nr_pcpus)
{
    credit.acct_lock = (spinlock_t)SPINLOCK_INIT;
    credit.last_acct = credit.next_acct = 0;
    memset(credit.consumed, 0, sizeof(credit.consumed));
    credit.gen = 0;
    credit.nr_pcpus = nr_pcpus;
    credit.online = sched_online();
}

static void credit_dom_init(struct sched_dom *sd)
{
    struct credit_dom *cd = cdom(sd);

    cd->weight = SCHED_WEIGHT_DEFAULT;
    cd->cap = SCHED_CAP_NONE;
    cd->budget = 0;
    cd->parked = false;
}

static int credit_set_params(struct sched_dom *sd, const struct sched_params *p)
{
    struct credit_dom *cd = cdom(sd);

    if (p->weight < SCHED_WEIGHT_MIN || p->weight > SCHED_WEIGHT_MAX ||
        p->cap > 100 * credit.nr_pcpus)
        return -EINVAL;
    __atomic_store_n(&cd->weight, p->weight, __ATOMIC_RELAXED);
    if (p->cap != cd->cap)
        __atomic_store_n(&cd->budget, CREDIT_PERIOD * p->cap / 100, __ATOMIC_RELAXED);
    __atomic_store_n(&cd->cap, p->cap, __ATOMIC_RELAXED);
    __atomic_store_n(&cd->parked, p->cap && load64(&cd->budget) <= 0,
                     __ATOMIC_RELAXED);
    return 0;
}

static void credit_get_params(struct sched_dom *sd, struct sched_params *p)
{
    p->weight = cdom(sd)->weight;
    p->cap = cdom(sd)->cap;
}

static void credit_vcpu_init(struct sched_vcpu *sv)
{
    struct credit_vcpu *cv = cvcpu(sv);

    cv->credit = cv->used = 0;
    cv->start = 0;
    cv->pri = PRI_UNDER;
    cv->boost = cv->ran = false;
}

/* ---- Accounting ------------------------------------------------------------ */

/* Whether sv takes a share of credit: up and not paused (a hint). */
static bool credit_eligible(struct sched_vcpu *sv)
{
    enum sched_state st = sched_vcpu_state(sv);

    return st != SCHED_PAUSED && st != SCHED_OFFLINE;
}

#define for_each_vcpu(sd, sv)                                               \
    for (sd = sched_dom_first(); sd; sd = sched_dom_next(sd))               \
        for (sv = sched_dom_vcpu_first(sd); sv; sv = sched_dom_vcpu_next(sd, sv))

/* Whether sv may take more credit this accounting, and where from. */
static bool credit_taker(struct sched_vcpu *sv, sched_mask_t *reach)
{
    *reach = acct.spill ? credit.online :
             __atomic_load_n(&sv->hard, __ATOMIC_RELAXED) & credit.online;
    return credit_eligible(sv) && load64(&cvcpu(sv)->credit) < CREDIT_MAX;
}

/* Add w to the weight (or left-over weight) of each pool in reach. */
static void credit_add_weight(uint64_t *per_pcpu, uint64_t *full,
                              sched_mask_t reach, uint64_t w)
{
    if (reach == credit.online) {
        *full += w;
        return;
    }
    for (sched_mask_t m = reach; m; m &= m - 1)
        per_pcpu[__builtin_ctzll(m)] += w;
}

/* The offer to weight 1 from every pool in reach (a rate). */
static uint64_t credit_rate(sched_mask_t reach)
{
    uint64_t rate = 0;

    if (reach == credit.online)
        return acct.rate_full;
    for (sched_mask_t m = reach; m; m &= m - 1)
        rate += acct.rate[__builtin_ctzll(m)];
    return rate;
}

/* Each pool's rate: what it has over the weight that may take from it.
 * Returns whether anything is on offer. */
static bool credit_rates(void)
{
    bool any = false;

    acct.rate_full = 0;
    for (unsigned int p = 0; p < credit.nr_pcpus; p++) {
        uint64_t w = acct.weight[p] + acct.weight_full;

        acct.rate[p] = w ? (acct.pool[p] << 16) / w : 0;
        acct.rate_full += acct.rate[p];
        any |= acct.rate[p] != 0;
    }
    return any;
}

/*
 * One water-filling round. Each pCPU's pool goes to the vCPUs that may run
 * there and can take more credit, by weight; a vCPU takes what it is offered
 * up to CREDIT_MAX, and what it leaves stays in the pools it came from for
 * the next round. Returns whether anything was handed out.
 */
static bool credit_fill(void)
{
    struct sched_dom *sd;
    struct sched_vcpu *sv;
    sched_mask_t reach;

    memset(acct.weight, 0, sizeof(acct.weight));
    memset(acct.left, 0, sizeof(acct.left));
    acct.weight_full = acct.left_full = 0;
    for_each_vcpu(sd, sv)
        if (credit_taker(sv, &reach))
            credit_add_weight(acct.weight, &acct.weight_full, reach, weight(sv));
    if (!credit_rates())
        return false;
    for_each_vcpu(sd, sv) {
        uint64_t w = weight(sv), offer, room, take;

        if (!credit_taker(sv, &reach))
            continue;
        offer = (w * credit_rate(reach)) >> 16;
        room = CREDIT_MAX - load64(&cvcpu(sv)->credit);
        take = MIN(offer, room);
        add64(&cvcpu(sv)->credit, take);
        if (take < offer)
            credit_add_weight(acct.left, &acct.left_full, reach,
                              w * (offer - take) / offer);
    }
    for (unsigned int p = 0; p < credit.nr_pcpus; p++)
        if (acct.rate[p])       /* else nobody could take it: it stays */
            acct.pool[p] = (acct.rate[p] * (acct.left[p] + acct.left_full)) >> 16;
    return true;
}

/*
 * Hand out the run time consumed on each pCPU since the last accounting to
 * the vCPUs that may run there. What is left when those are full spills
 * over to everybody, so that the credit of the vCPUs still wanting more
 * grows by what they all consumed: if it were lost, they would all lose
 * credit at the same pace, and weights would drift toward equal shares.
 */
static void credit_hand_out(void)
{
    uint64_t left = 0;

    for (unsigned int p = 0; p < credit.nr_pcpus; p++)
        acct.pool[p] = __atomic_exchange_n(&credit.consumed[p], 0, __ATOMIC_RELAXED);
    acct.spill = false;
    for (int i = 0; i < CREDIT_ROUNDS && credit_fill(); i++)
        ;
    for (unsigned int p = 0; p < credit.nr_pcpus; p++) {
        left += acct.pool[p];
        acct.pool[p] = 0;
    }
    acct.pool[0] = left;
    acct.spill = true;
    for (int i = 0; i < CREDIT_ROUNDS && credit_fill(); i++)
        ;
}

/* Shift the credit of the vCPUs that ran this period (and are below the
 * maximum) so that their mean is zero, and bound every credit. */
static void credit_center(void)
{
    struct sched_dom *sd;
    struct sched_vcpu *sv;
    int64_t sum = 0, n = 0, mean;

    for_each_vcpu(sd, sv) {
        struct credit_vcpu *cv = cvcpu(sv);

        cv->ran = __atomic_exchange_n(&cv->used, 0, __ATOMIC_RELAXED) > 0 &&
                  load64(&cv->credit) < CREDIT_MAX;
        if (cv->ran) {
            sum += load64(&cv->credit);
            n++;
        }
    }
    mean = n ? sum / n : 0;
    for_each_vcpu(sd, sv) {
        struct credit_vcpu *cv = cvcpu(sv);
        int64_t c = load64(&cv->credit);
        int64_t want = cv->ran ? c - mean : c;

        add64(&cv->credit, MIN(MAX(want, CREDIT_MIN), CREDIT_MAX) - c);
    }
}

/* Refill the budgets of capped domains for 'elapsed' ns, and unpark them. */
static void credit_refill(uint64_t elapsed)
{
    struct sched_dom *sd;

    for (sd = sched_dom_first(); sd; sd = sched_dom_next(sd)) {
        struct credit_dom *cd = cdom(sd);
        int64_t full = CREDIT_PERIOD * cd->cap / 100;
        int64_t b = load64(&cd->budget);

        if (!cd->cap)
            continue;
        b = MIN(MAX(b, -full) + (int64_t)elapsed * cd->cap / 100, full);
        add64(&cd->budget, b - load64(&cd->budget));
        if (b > 0)
            __atomic_store_n(&cd->parked, false, __ATOMIC_RELAXED);
    }
}

/*
 * The accounting, if due and no other pCPU is doing it. A pCPU idling with
 * parked vCPUs queued has set its timer for this moment (credit_idle_until),
 * so unparking needs no kick.
 */
static void credit_acct(uint64_t now)
{
    uint64_t elapsed;

    if (now < __atomic_load_n(&credit.next_acct, __ATOMIC_RELAXED) ||
        !spin_trylock(&credit.acct_lock))
        return;
    if (now < credit.next_acct) {
        spin_unlock(&credit.acct_lock);
        return;
    }
    elapsed = credit.last_acct ? MIN(now - credit.last_acct, 2 * CREDIT_PERIOD)
                               : CREDIT_PERIOD;
    sched_list_lock();
    credit_refill(elapsed);
    credit_hand_out();
    credit_center();
    sched_list_unlock();
    credit.last_acct = now;
    __atomic_store_n(&credit.next_acct, now + CREDIT_PERIOD, __ATOMIC_RELAXED);
    __atomic_fetch_add(&credit.gen, 1, __ATOMIC_RELEASE);
    spin_unlock(&credit.acct_lock);
}

/* Charge sv for running from its start until now. */
static void credit_burn(struct sched_vcpu *sv, uint64_t now)
{
    struct credit_vcpu *cv = cvcpu(sv);
    struct credit_dom *cd = cdom(sv->dom);
    int64_t ran = now > cv->start ? (int64_t)(now - cv->start) : 0;

    cv->start = now;
    cv->boost = false;
    add64(&cv->credit, -ran);
    add64(&cv->used, ran);
    add64(&credit.consumed[sv->pcpu], ran);
    if (__atomic_load_n(&cd->cap, __ATOMIC_RELAXED) &&
        __atomic_sub_fetch(&cd->budget, ran, __ATOMIC_RELAXED) <= 0)
        __atomic_store_n(&cd->parked, true, __ATOMIC_RELAXED);
}

/* ---- Run queues ------------------------------------------------------------- */

static int credit_pri(struct sched_vcpu *sv)
{
    if (parked(sv))
        return PRI_PARKED;
    if (cvcpu(sv)->boost)
        return PRI_BOOST;
    return load64(&cvcpu(sv)->credit) >= 0 ? PRI_UNDER : PRI_OVER;
}

/* Whether sv goes before queued vCPU pos. */
static bool credit_before(struct sched_vcpu *sv, struct sched_vcpu *pos)
{
    int a = cvcpu(sv)->pri, b = cvcpu(pos)->pri;

    if (a != b)
        return a > b;
    if (a == PRI_BOOST || sv->yielded)
        return false;
    return load64(&cvcpu(sv)->credit) > load64(&cvcpu(pos)->credit);
}

/* Queue sv on pc in order, with its priority computed afresh. */
static void credit_insert(struct sched_pcpu *pc, struct sched_vcpu *sv)
{
    struct sched_vcpu *pos;

    cvcpu(sv)->pri = credit_pri(sv);
    for (pos = sched_runq_first(pc); pos; pos = sched_runq_next(pc, pos))
        if (credit_before(sv, pos))
            break;
    sched_runq_insert(pc, sv, pos);
}

/* Re-sort pc's queue after an accounting (an insertion sort, stable). */
static void credit_resort(struct sched_pcpu *pc)
{
    unsigned int gen = __atomic_load_n(&credit.gen, __ATOMIC_ACQUIRE);
    struct sched_vcpu *sv, *next, *last = NULL;

    if (cpcpu(pc)->gen == gen)
        return;
    cpcpu(pc)->gen = gen;
    for (sv = sched_runq_first(pc); sv; sv = next) {
        next = sched_runq_next(pc, sv);
        cvcpu(sv)->pri = credit_pri(sv);
        if (last && credit_before(sv, last)) {
            sched_runq_remove(sv);
            credit_insert(pc, sv);
        } else {
            last = sv;
        }
    }
}

/* The first idle pCPU of 'mask', from 'from' on (round robin); -1: none. */
static int credit_idle_in(sched_mask_t mask, unsigned int from)
{
    for (unsigned int i = 0; i < credit.nr_pcpus; i++) {
        unsigned int cpu = (from + i) % credit.nr_pcpus;

        if ((mask & BIT(cpu)) && sched_pcpu_idle(cpu))
            return cpu;
    }
    return -1;
}

/* An idle pCPU that may take queued sv from its queue, if any. */
static sched_mask_t credit_tickle(struct sched_vcpu *sv)
{
    int cpu = credit_idle_in(sched_preferred(sv), sv->pcpu + 1);

    if (cpu < 0)
        cpu = credit_idle_in(sv->hard & sched_online(), sv->pcpu + 1);
    return cpu < 0 || (unsigned int)cpu == sv->pcpu ? 0 : BIT(cpu);
}

/* The pCPU of 'mask' with the fewest queued, 'cur' on a tie. */
static unsigned int credit_least_queued(sched_mask_t mask, unsigned int cur)
{
    unsigned int best = cur, best_n = -1U;

    for (unsigned int i = 0; i < credit.nr_pcpus; i++) {
        unsigned int cpu = (cur + i) % credit.nr_pcpus;
        unsigned int n = __atomic_load_n(&sched_pcpu(cpu)->nr_queued,
                                         __ATOMIC_RELAXED);

        if ((mask & BIT(cpu)) && n < best_n) {
            best = cpu;
            best_n = n;
        }
    }
    return best;
}

/*
 * Where a runnable vCPU should wait: an idle pCPU it prefers (its own
 * first), else any idle one it may use, else the least queued it prefers
 * (its own on a tie).
 */
static unsigned int credit_pick_pcpu(struct sched_vcpu *sv)
{
    sched_mask_t pref = sched_preferred(sv);
    unsigned int cur = sv->pcpu;
    int cpu = credit_idle_in(pref, cur);

    if (cpu < 0)
        cpu = credit_idle_in(sv->hard & sched_online(), cur);
    return cpu >= 0 ? (unsigned int)cpu : credit_least_queued(pref, cur);
}

/* Queue a vCPU that became runnable, and say who should run it. */
static sched_mask_t credit_enqueue(struct sched_vcpu *sv, uint64_t now)
{
    struct sched_pcpu *pc = sched_pcpu(sv->pcpu);
    struct credit_vcpu *cv = cvcpu(sv);

    cv->boost = sv->woken && load64(&cv->credit) >= 0;
    sv->woken = false;
    credit_insert(pc, sv);
    if (!pc->curr)
        return BIT(pc->id);
    if (cv->pri > cvcpu(pc->curr)->pri)
        return BIT(pc->id);         /* preempt */
    return credit_tickle(sv);
}

static void credit_dequeue(struct sched_vcpu *sv)
{
    sched_runq_remove(sv);
}

/* ---- Deciding ---------------------------------------------------------------- */

/* The first vCPU of pc's queue that may run now (not parked); NULL: none. */
static struct sched_vcpu *credit_local(struct sched_pcpu *pc)
{
    struct sched_vcpu *sv;

    for (sv = sched_runq_first(pc); sv; sv = sched_runq_next(pc, sv))
        if (cvcpu(sv)->pri > PRI_PARKED && !parked(sv))
            return sv;
    return NULL;
}

/* The weight that wants pc: queued, and running when 'with_curr'. */
static uint64_t credit_load(struct sched_pcpu *pc, bool with_curr)
{
    uint64_t load = with_curr && pc->curr ? weight(pc->curr) : 0;
    struct sched_vcpu *sv;

    for (sv = sched_runq_first(pc); sv; sv = sched_runq_next(pc, sv))
        if (!parked(sv))
            load += weight(sv);
    return load;
}

/* Take from peer's queue (locked) a vCPU better than local_pri for pc. */
static struct sched_vcpu *credit_steal_from(struct sched_pcpu *pc,
                                            struct sched_pcpu *peer,
                                            int local_pri, bool soft_only,
                                            uint64_t my_load)
{
    struct sched_vcpu *sv;

    if (local_pri != PRI_IDLE && credit_load(peer, true) <= my_load)
        return NULL;
    for (sv = sched_runq_first(peer); sv; sv = sched_runq_next(peer, sv)) {
        if (cvcpu(sv)->pri <= local_pri || parked(sv) || sv->ctx_loaded ||
            !sched_allowed(sv, pc->id))
            continue;
        if (soft_only && !(sched_preferred(sv) & BIT(pc->id)))
            continue;
        sched_runq_steal(pc, sv);
        return sv;
    }
    return NULL;
}

/*
 * Look for better work than local_pri on the other pCPUs. Idle: anything,
 * preferring vCPUs whose soft affinity has pc; busy: only those, and only
 * from pCPUs with more weight than pc.
 */
static struct sched_vcpu *credit_steal(struct sched_pcpu *pc, int local_pri)
{
    bool idle = local_pri == PRI_IDLE;
    uint64_t my_load = idle ? 0 : credit_load(pc, false);

    for (int pass = 0; pass < (idle ? 2 : 1); pass++) {
        for (unsigned int i = 1; i < credit.nr_pcpus; i++) {
            struct sched_pcpu *peer = sched_pcpu((pc->id + i) % credit.nr_pcpus);
            struct sched_vcpu *sv;

            if (!peer->online ||
                !__atomic_load_n(&peer->nr_queued, __ATOMIC_RELAXED) ||
                !spin_trylock(&peer->lock))
                continue;
            sv = credit_steal_from(pc, peer, local_pri, pass == 0, my_load);
            spin_unlock(&peer->lock);
            if (sv)
                return sv;
        }
    }
    return NULL;
}

/* How long sv may run: a time slice, or what its domain's cap leaves. */
static int64_t credit_slice(struct sched_vcpu *sv)
{
    struct credit_dom *cd = cdom(sv->dom);
    int64_t slice = tslice();

    if (__atomic_load_n(&cd->cap, __ATOMIC_RELAXED))
        slice = MIN(slice, MAX(load64(&cd->budget), CREDIT_MIN_SLICE));
    return slice;
}

/* Whether a vCPU queued on pc waits for its domain's budget. */
static bool credit_parked_here(struct sched_pcpu *pc)
{
    struct sched_vcpu *sv;

    for (sv = sched_runq_first(pc); sv; sv = sched_runq_next(pc, sv))
        if (parked(sv))
            return true;
    return false;
}

/* The next accounting, and not sooner than the shortest slice. */
static uint64_t credit_next_acct(uint64_t now)
{
    return MAX(__atomic_load_n(&credit.next_acct, __ATOMIC_RELAXED),
               now + CREDIT_MIN_SLICE);
}

/* Run next on pc from now; decide again at the accounting if a vCPU waits
 * here for its budget, so that caps are refilled on time. */
static void credit_run(struct sched_pcpu *pc, struct sched_vcpu *next,
                       uint64_t now, struct sched_decision *d)
{
    struct sched_vcpu *head;

    if (next->queued)
        sched_runq_remove(next);
    cvcpu(next)->start = now;
    cvcpu(next)->pri = credit_pri(next);
    d->next = next;
    d->until = now + credit_slice(next);
    if (credit_parked_here(pc))
        d->until = MIN(d->until, credit_next_acct(now));
    head = credit_local(pc);
    if (head && !head->ctx_loaded)
        d->kick |= credit_tickle(head);     /* work for an idle pCPU */
}

/* Nothing to run: sleep until kicked, or until the accounting if what is
 * queued here is parked. */
static uint64_t credit_idle_until(struct sched_pcpu *pc, uint64_t now)
{
    return pc->nr_queued ? credit_next_acct(now) : 0;
}

static void credit_schedule(struct sched_pcpu *pc, struct sched_vcpu *prev,
                            bool requeue, uint64_t now,
                            struct sched_decision *d)
{
    struct sched_vcpu *next;
    int local_pri;

    credit_acct(now);
    if (prev)
        credit_burn(prev, now);
    credit_resort(pc);
    if (prev && requeue)
        credit_insert(pc, prev);
    next = credit_local(pc);
    local_pri = next ? cvcpu(next)->pri : PRI_IDLE;
    if (local_pri < PRI_UNDER) {
        struct sched_vcpu *stolen = credit_steal(pc, local_pri);

        if (stolen)
            next = stolen;
    }
    if (next)
        credit_run(pc, next, now, d);
    else
        d->until = credit_idle_until(pc, now);
}

static const struct sched_policy credit_policy = {
    .name = "credit",
    .desc = "proportional share by weight, with caps, boost and balancing",
    .init = credit_init,
    .dom_init = credit_dom_init,
    .set_params = credit_set_params,
    .get_params = credit_get_params,
    .vcpu_init = credit_vcpu_init,
    .pick_pcpu = credit_pick_pcpu,
    .enqueue = credit_enqueue,
    .dequeue = credit_dequeue,
    .schedule = credit_schedule,
    .tickle = credit_tickle,
};
SCHED_POLICY(credit_policy);
