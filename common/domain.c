// SPDX-License-Identifier: MIT
/*
 * Domains and vCPUs: creation, shutdown, crash and destruction. A domain
 * holds its memory only through its p2m (every RAM frame is mapped there as
 * owned), so destroying the p2m returns all of it.
 */
#include <stdarg.h>
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/event.h>
#include <petrel/foreign_map.h>
#include <petrel/grant_table.h>
#include <petrel/iommu.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <petrel/pci.h>
#include <petrel/pirq.h>
#include <petrel/panic.h>
#include <petrel/printk.h>
#include <petrel/sched.h>
#include <petrel/time.h>
#include <public/hvm/params.h>
#include <public/petrel_ctl.h>
#include <public/sched.h>
#include <x86/hvm/hvm.h>
#include <x86/hvm/vlapic.h>
#include <x86/percpu.h>
#include <x86/processor.h>
#include <x86/time.h>

static struct vcpu *current_vcpus[NR_CPUS];

/* Every domain that exists, by slot; guarded by domains_lock. */
static struct domain *domains[MAX_DOMAINS];
static spinlock_t domains_lock = SPINLOCK_INIT;

/* Some stopped domain may be ready to reap: domain_reap() looks only then. */
static bool reap_wanted;

void domain_reap_wanted(void)
{
    __atomic_store_n(&reap_wanted, true, __ATOMIC_RELEASE);
}

/* Is d one the reaper should destroy once it can? domains_lock held. */
static bool reap_candidate(const struct domain *d)
{
    if (__atomic_load_n(&d->dying, __ATOMIC_ACQUIRE))
        return true;
    return !d->ctl_managed && (d->state == DOMAIN_SHUTDOWN || d->state == DOMAIN_CRASHED);
}

struct domain *domain_by_id(uint16_t id)
{
    unsigned long flags = spin_lock_irqsave(&domains_lock);
    struct domain *found = NULL;

    for (unsigned int i = 0; i < MAX_DOMAINS && !found; i++)
        if (domains[i] && domains[i]->id == id && domains[i]->ready && !domains[i]->reaped) {
            found = domains[i];
            found->refs++;
        }
    spin_unlock_irqrestore(&domains_lock, flags);
    return found;
}

struct domain *domain_next(uint16_t first)
{
    unsigned long flags = spin_lock_irqsave(&domains_lock);
    struct domain *found = NULL;

    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = domains[i];

        if (d && d->ready && !d->reaped && d->id >= first && (!found || d->id < found->id))
            found = d;
    }
    if (found)
        found->refs++;
    spin_unlock_irqrestore(&domains_lock, flags);
    return found;
}

void domain_get(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&domains_lock);

    d->refs++;
    spin_unlock_irqrestore(&domains_lock, flags);
}

/* The last reference to a domain waiting to be reaped wakes the reaper;
 * under domains_lock, so the reaper cannot free d meanwhile. */
void domain_put(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&domains_lock);
    bool wake = !--d->refs && reap_candidate(d);

    spin_unlock_irqrestore(&domains_lock, flags);
    if (wake) {
        domain_reap_wanted();
        schedule_kick(BIT(0));
    }
}

unsigned int domain_list(struct domain **out, unsigned int max)
{
    unsigned long flags = spin_lock_irqsave(&domains_lock);
    unsigned int n = 0;

    for (unsigned int i = 0; i < MAX_DOMAINS && n < max; i++)
        if (domains[i] && domains[i]->ready && !domains[i]->reaped) {
            out[n] = domains[i];
            out[n++]->refs++;
        }
    spin_unlock_irqrestore(&domains_lock, flags);
    return n;
}

unsigned int domain_count(void)
{
    unsigned long flags = spin_lock_irqsave(&domains_lock);
    unsigned int n = 0;

    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        n += domains[i] != NULL;
    spin_unlock_irqrestore(&domains_lock, flags);
    return n;
}

/* Take a slot for d and give it its id (want: an id or DOMID_AUTO). */
static int domain_register(struct domain *d, uint16_t want)
{
    unsigned long flags = spin_lock_irqsave(&domains_lock);
    uint16_t used[MAX_DOMAINS];
    unsigned int nr = 0;
    int slot = -1, rc;

    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        if (domains[i])
            used[nr++] = domains[i]->id;
        else if (slot < 0)
            slot = i;
    }
    rc = domid_choose(used, nr, MAX_DOMAINS, want, &d->id);
    if (!rc)
        domains[slot] = d;
    spin_unlock_irqrestore(&domains_lock, flags);
    return rc;
}

static void domain_unregister(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&domains_lock);

    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (domains[i] == d)
            domains[i] = NULL;
    spin_unlock_irqrestore(&domains_lock, flags);
}

struct vcpu *current_vcpu(void)
{
    return current_vcpus[smp_processor_id()];
}

void set_current_vcpu(struct vcpu *v)
{
    current_vcpus[smp_processor_id()] = v;
}

static struct vcpu *vcpu_create(struct domain *d, unsigned int id)
{
    struct vcpu *v = xzalloc(sizeof(*v));

    if (!v)
        return NULL;
    v->id = id;
    v->domain = d;
    v->poll_port = ~0u;
    v->hvm.tsc_offset = d->tsc_offset;      /* the vendor loads it at creation */
    if (id < XEN_LEGACY_MAX_VCPUS) {
        v->vcpu_info = &d->shared_info->vcpu_info[id];
    } else {
        v->vcpu_info_private = xzalloc(sizeof(*v->vcpu_info_private));
        if (!v->vcpu_info_private)
            goto fail;
        v->vcpu_info = v->vcpu_info_private;
    }
    vcpu_timers_init(v);
    if (hvm_fpu_create(v))
        goto fail;
    if (hvm->vcpu_create(v)) {
        hvm_fpu_destroy(v);
        goto fail;
    }
    if (vlapic_create(v)) {
        hvm->vcpu_destroy(v);
        hvm_fpu_destroy(v);
        goto fail;
    }
    sched_vcpu_init(&v->sched, &d->sched, id, system_time_ns());
    vcpu_update_time(v);                    /* valid before the guest looks */
    return v;

fail:
    xfree(v->vcpu_info_private);
    xfree(v);
    return NULL;
}

/* shared_info: a zeroed hypervisor frame, mapped by the guest on request
 * (common/memory_op.c); the domain frees it, never the p2m. */
static int shared_info_create(struct domain *d)
{
    paddr_t pa = frame_alloc(0);

    d->shared_info_gfn = ~0ull;
    if (!pa)
        return -ENOMEM;
    d->shared_info = phys_to_virt(pa);
    memset(d->shared_info, 0, PAGE_SIZE);
    domain_set_wallclock(d);
    return 0;
}

/* Frames the p2m gave up but pointers may still reach (d->retired). */
static void retired_free(struct domain *d)
{
    for (unsigned int i = 0; i < d->retired.nr; i++)
        frame_free(d->retired.mfn[i] << PAGE_SHIFT, 0);
    xfree(d->retired.mfn);
}

static void vcpu_destroy(struct vcpu *v)
{
    int rc = sched_vcpu_destroy(&v->sched, system_time_ns());

    if (rc)     /* the reaper waits for !sched_vcpu_on_cpu(): a Petrel bug */
        panic("domain %u vCPU %u destroyed while on a pCPU", v->domain->id, v->id);
    vcpu_timers_stop(v);
    vlapic_destroy(v);
    hvm->vcpu_destroy(v);
    hvm_fpu_destroy(v);
    xfree(v->vcpu_info_private);
    xfree(v);
}

static int domain_new(uint16_t want, unsigned int nr_vcpus, bool privileged,
                      struct domain **out)
{
    struct domain *d;
    int rc;

    if (!hvm)
        return -ENODEV;
    if (!nr_vcpus || nr_vcpus > MAX_VCPUS)
        return -EINVAL;
    d = xzalloc(sizeof(*d));
    if (!d)
        return -ENOMEM;
    d->privileged = privileged;
    d->state = DOMAIN_CREATED;
    d->max_pages = ~0ull;
    /* A triple fault resets the machine, so by default it reboots the
     * domain, as Xen's hvm_domain_initialise has it (arch/x86/hvm/hvm.c). */
    d->hvm_params[HVM_PARAM_TRIPLE_FAULT_REASON] = SHUTDOWN_reboot;
    d->lock = (spinlock_t)SPINLOCK_INIT;
    d->console_ring.lock = (spinlock_t)SPINLOCK_INIT;
    d->time_base_tsc = rdtsc();
    d->tsc_offset = -(int64_t)d->time_base_tsc;     /* its TSC starts at 0 */
    /* One pvclock base for all its vCPUs (guest_time.c): +1 ns keeps the
     * guest's clock at or just past Petrel's despite rounding. */
    d->time_base_ns = system_time_at(d->time_base_tsc) + 1;
    rc = domain_register(d, want);
    if (rc) {
        xfree(d);
        return rc;
    }
    sched_dom_init(&d->sched, d->id);
    rc = -ENOMEM;
    d->console_ring.buf = xmalloc(PETREL_CONSOLE_RING);
    if (!d->console_ring.buf || shared_info_create(d))
        goto fail;
    d->p2m = p2m_create(hvm->p2m_format, 48, hvm_p2m_caps);
    if (!d->p2m)
        goto fail;
    for (unsigned int i = 0; i < nr_vcpus; i++) {
        d->vcpus[i] = vcpu_create(d, i);
        if (!d->vcpus[i])
            goto fail;
        d->nr_vcpus++;
    }
    if (evtchn_domain_init(d))
        goto fail;
    *out = d;
    return 0;

fail:
    domain_destroy(d);
    return rc;
}

static void domain_publish(struct domain *d)
{
    __atomic_store_n(&d->ready, true, __ATOMIC_RELEASE);
}

struct domain *domain_create(uint16_t id, unsigned int nr_vcpus, bool privileged)
{
    struct domain *d;

    if (domain_new(id, nr_vcpus, privileged, &d))
        return NULL;
    domain_publish(d);
    return d;
}

static bool domain_off_cpus(struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        if (sched_vcpu_on_cpu(&d->vcpus[i]->sched))
            return false;
    return true;
}

/* Pause (or unpause) every vCPU of d once; the pCPUs to kick. d->lock held. */
static sched_mask_t pause_vcpus(struct domain *d, bool pause)
{
    uint64_t now = system_time_ns();
    sched_mask_t kick = 0;

    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        kick |= pause ? sched_pause(&d->vcpus[i]->sched, now)
                      : sched_unpause(&d->vcpus[i]->sched, now);
    return kick;
}

int domain_create_ctl(uint16_t want, unsigned int nr_vcpus, uint64_t max_pages,
                      uint16_t *id)
{
    struct domain *d;
    int rc = domain_new(want, nr_vcpus, false, &d);

    if (rc)
        return rc;
    d->ctl_managed = true;
    d->ctl_paused = true;
    d->max_pages = max_pages;
    pause_vcpus(d, true);           /* offline and never run: nothing to kick */
    *id = d->id;
    domain_publish(d);
    return 0;
}

void domain_pause_ctl(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&d->lock);
    sched_mask_t kick = 0;

    if (!d->ctl_paused) {
        d->ctl_paused = true;
        kick = pause_vcpus(d, true);
    }
    spin_unlock_irqrestore(&d->lock, flags);
    schedule_kick(kick);
    /* The kicked pCPUs put its vCPUs away at their next decision: brief,
     * and d is not the caller's domain (domctl refuses that). */
    while (!domain_off_cpus(d))
        cpu_relax();
}

void domain_unpause_ctl(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&d->lock);
    sched_mask_t kick = 0;

    if (d->ctl_paused) {
        d->ctl_paused = false;
        if (d->state == DOMAIN_CREATED)
            d->state = DOMAIN_RUNNING;
        kick = pause_vcpus(d, false);
    }
    spin_unlock_irqrestore(&d->lock, flags);
    schedule_kick(kick);
}

bool domain_has_run(struct domain *d)
{
    return __atomic_load_n(&d->state, __ATOMIC_ACQUIRE) != DOMAIN_CREATED;
}

void domain_destroy(struct domain *d)
{
    gnttab_relinquish(d);           /* done already when the reaper came */
    /* Event channels go once nothing raises VIRQs on d (its vCPU timers)
     * and while the vCPUs they name still exist. */
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        vcpu_timers_stop(d->vcpus[i]);
    pirq_release_domain(d);         /* its devices stop raising events */
    evtchn_domain_destroy(d);
    pci_release_domain(d);          /* a guest's: done by the reaper already */
    iommu_domain_destroy(d);        /* no device reaches its memory now */
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        vcpu_destroy(d->vcpus[i]);
    sched_dom_destroy(&d->sched);
    if (d->p2m)
        p2m_destroy(d->p2m);
    gnttab_domain_destroy(d);
    retired_free(d);
    foreign_map_release_all(d);     /* after the p2m: nothing uses them */
    if (d->shared_info)
        frame_free(virt_to_phys(d->shared_info), 0);
    xfree(d->console_ring.buf);
    /* Its id is free from here; lookups have skipped it since it was reaped. */
    domain_unregister(d);
    xfree(d);
}

/* Stop every vCPU of d from running again, and let the reaper know. */
static void domain_stop_vcpus(struct domain *d)
{
    uint64_t now = system_time_ns();
    sched_mask_t kick = BIT(0);

    domain_reap_wanted();
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        kick |= sched_pause(&d->vcpus[i]->sched, now);
    schedule_kick(kick);
}


/*
 * The next domain ready to go, marked reaped; NULL if none. *left: the
 * domains that exist. One whose vCPUs are still on a pCPU is looked at
 * again when that pCPU saves them (common/schedule.c); one still
 * referenced, when its last reference goes (domain_put).
 */
static struct domain *next_to_reap(unsigned int *left)
{
    unsigned long flags = spin_lock_irqsave(&domains_lock);
    struct domain *found = NULL;

    *left = 0;
    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = domains[i];

        if (!d)
            continue;
        (*left)++;
        if (found || d->reaped || !d->ready || !reap_candidate(d) || !domain_off_cpus(d))
            continue;
        /* First its grant mappings go (they may hold references on others:
         * two dead domains mapping each other's pages), then, once no
         * reference to it is left, the domain. */
        if (!d->relinquished) {
            found = d;
        } else if (!d->refs) {
            d->reaped = true;
            found = d;
        }
    }
    spin_unlock_irqrestore(&domains_lock, flags);
    return found;
}

/* The control domain: VIRQ_DOM_EXC, a domain it manages changed. */
static void notify_controller(void)
{
    struct domain *c = domain_by_id(0);

    if (!c)
        return;
    if (c->privileged)
        evtchn_send_domain_virq(c, VIRQ_DOM_EXC);
    domain_put(c);
}

/* The control domain is going: the domains it managed go with it. */
static void kill_managed(void)
{
    for (struct domain *d = domain_next(0); d; ) {
        uint16_t next = d->id + 1;

        if (d->ctl_managed)
            domain_kill(d);
        domain_put(d);
        d = next < DOMID_FIRST_RESERVED ? domain_next(next) : NULL;
    }
}

void domain_reap(void)
{
    unsigned int left;
    struct domain *d;
    bool any = false;

    /* On every decision of the boot pCPU: most of the time, nothing. */
    if (!__atomic_exchange_n(&reap_wanted, false, __ATOMIC_ACQ_REL))
        return;
    while ((d = next_to_reap(&left))) {
        uint16_t id = d->id;
        bool managed = d->ctl_managed, controller = d->privileged;

        if (!d->relinquished) {
            /* Not reaped yet, so no one else frees it; it runs no more.
             * A guest's devices go back to dom0 while getdomaininfo still
             * finds it: once the toolstack sees it gone, they are dom0's
             * (an immediate re-create with the same device works). */
            gnttab_relinquish(d);
            if (!controller)
                pci_release_domain(d);
            d->relinquished = true;
            continue;
        }
        domain_stopped_hook(d);
        if (controller)
            kill_managed();
        domain_destroy(d);
        printk("petrel: domain %u destroyed\n", id);
        if (managed)
            notify_controller();
        any = true;
    }
    if (any && !left)               /* that was the last one */
        domain_stopped_hook(NULL);
}

void domain_kill(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&d->lock);
    bool first = !d->dying;

    __atomic_store_n(&d->dying, true, __ATOMIC_RELEASE);
    spin_unlock_irqrestore(&d->lock, flags);
    if (first)
        domain_stop_vcpus(d);
}

const char *shutdown_reason_name(unsigned int reason)
{
    static const char *const names[] = {
        [SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
        [SHUTDOWN_suspend] = "suspend", [SHUTDOWN_crash] = "crash",
        [SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
    };

    return reason < ARRAY_SIZE(names) ? names[reason] : "unknown";
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    unsigned long flags = spin_lock_irqsave(&d->lock);
    bool stopped = false;

    if (d->state == DOMAIN_RUNNING || d->state == DOMAIN_PAUSED ||
        d->state == DOMAIN_CREATED) {
        d->state = DOMAIN_SHUTDOWN;
        d->shutdown_reason = reason;
        stopped = true;
    }
    spin_unlock_irqrestore(&d->lock, flags);
    if (stopped)
        domain_stop_vcpus(d);
    if (stopped && d->ctl_managed)
        notify_controller();
}

static void show_guest_registers(struct vcpu *v)
{
    const uint64_t *g = v->hvm.gpr;

    printk(L_ERR "  vCPU %u  RIP %016lx  RFLAGS %016lx\n", v->id, v->hvm.rip, v->hvm.rflags);
    printk(L_ERR "  RAX %016lx  RBX %016lx  RCX %016lx  RDX %016lx\n",
           g[GPR_RAX], g[GPR_RBX], g[GPR_RCX], g[GPR_RDX]);
    printk(L_ERR "  RSI %016lx  RDI %016lx  RBP %016lx  RSP %016lx\n",
           g[GPR_RSI], g[GPR_RDI], g[GPR_RBP], g[GPR_RSP]);
    printk(L_ERR "  R8  %016lx  R9  %016lx  R10 %016lx  R11 %016lx\n",
           g[GPR_R8], g[GPR_R9], g[GPR_R10], g[GPR_R11]);
    printk(L_ERR "  R12 %016lx  R13 %016lx  R14 %016lx  R15 %016lx\n",
           g[GPR_R12], g[GPR_R13], g[GPR_R14], g[GPR_R15]);
    hvm->dump(v);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    struct vcpu *v = current_vcpu();
    unsigned long flags;
    char msg[192];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    flags = spin_lock_irqsave(&d->lock);
    if (d->state == DOMAIN_CRASHED || d->state == DOMAIN_SHUTDOWN) {
        spin_unlock_irqrestore(&d->lock, flags);
        return;
    }
    d->state = DOMAIN_CRASHED;
    spin_unlock_irqrestore(&d->lock, flags);

    printk(L_ERR "petrel: domain %u crashed: %s\n", d->id, msg);
    if (v && v->domain == d)
        show_guest_registers(v);
    domain_stop_vcpus(d);
    if (d->ctl_managed)
        notify_controller();
}
