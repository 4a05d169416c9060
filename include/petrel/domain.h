/* SPDX-License-Identifier: MIT */
/*
 * Domains and vCPUs (common/domain.c). A domain owns its guest-physical map
 * (and through it every RAM frame it was given) and its vCPUs.
 *
 * Lifecycle: CREATED -> RUNNING <-> PAUSED -> SHUTDOWN | CRASHED -> destroyed.
 * A shut-down or crashed domain runs no more; domain_destroy() returns all
 * it held.
 *
 * Domains the boot builds (arch/x86/hvm/dom0.c) are destroyed by the
 * reaper once they stop. Domains the control domain creates
 * (domain_create_ctl, 'ctl_managed') stay, stopped, until it destroys them
 * (domain_kill): then they are 'dying' until their vCPUs are off every pCPU
 * and the last reference (domain_by_id, a foreign mapping) is dropped, and
 * the reaper destroys them. See docs/control-abi.md.
 */
#ifndef PETREL_DOMAIN_H
#define PETREL_DOMAIN_H

#include <petrel/ctl_ring.h>
#include <petrel/sched.h>
#include <petrel/spinlock.h>
#include <petrel/timer.h>
#include <petrel/types.h>
#include <public/hvm/params.h>
#include <public/xen.h>
#include <x86/hvm/hvm.h>

#define MAX_VCPUS       64
#define MAX_DOMAINS     64

enum domain_state {
    DOMAIN_CREATED,         /* being built */
    DOMAIN_RUNNING,
    DOMAIN_PAUSED,
    DOMAIN_SHUTDOWN,        /* the guest asked: see shutdown_reason/code */
    DOMAIN_CRASHED,         /* Petrel stopped it: see the log */
};

struct vlapic;
struct iommu_dom;

struct vcpu {
    unsigned int id;
    struct domain *domain;
    struct hvm_vcpu hvm;
    struct sched_vcpu sched;        /* the scheduler's (sched/) */
    struct vlapic *vlapic;          /* arch/x86/hvm/vlapic.c */

    /*
     * Where the guest sees this vCPU's vcpu_info: its slot in shared_info
     * (vCPUs 0..XEN_LEGACY_MAX_VCPUS-1) until VCPUOP_register_vcpu_info
     * moves it into a guest page; a hypervisor-private one for the others
     * until then. Never NULL once the vCPU exists (common/vcpu_op.c).
     */
    struct vcpu_info *vcpu_info;
    struct vcpu_info *vcpu_info_private;  /* xzalloc'ed fallback, or NULL */
    uint8_t upcall_vector;          /* HVMOP_set_evtchn_upcall_vector; 0: none */

    /* Guest timers (common/vcpu_op.c): deadlines in system time (ns). */
    struct timer singleshot_timer;  /* set_timer_op, VCPUOP_set_singleshot_timer */
    struct timer periodic_timer;    /* VCPUOP_set_periodic_timer */
    uint64_t periodic_period;       /* ns; 0: off */
    uint64_t periodic_next;         /* system time of the next tick */
    uint64_t runstate_area;         /* VCPUOP_register_runstate_memory_area:
                                       guest virtual address, 0: none */
    uint64_t time_area;             /* VCPUOP_register_vcpu_time_memory_area:
                                       guest virtual address, 0: none */

    /* Event channels (common/event_channel.c). */
    uint32_t virq_to_port[NR_VIRQS];    /* 0: not bound */
    uint32_t poll_port;             /* SCHEDOP_poll: a port of interest, or ~0 */
    bool polling;                   /* in SCHEDOP_poll */
    uint64_t poll_deadline;         /* SCHEDOP_poll timeout (system time), 0: none */
    struct timer poll_timer;

    /* Bring-up (common/vcpu_op.c, vlapic INIT/SIPI). */
    bool initialised;               /* has a context to start from */
    uint64_t ran_on;                /* pCPUs it ever ran on (bit n: pCPU n) */
};

struct domain {
    uint16_t id;
    unsigned int refs;              /* domain_by_id() references; domains_lock */
    bool reaped;                    /* out of the list, being destroyed */
    bool relinquished;              /* reaper: its grant mappings are gone */
    bool ready;                     /* built: domain_by_id() finds it */
    bool ctl_managed;               /* made by the control domain: kept when
                                       it stops, until domain_kill() */
    bool dying;                     /* domain_kill(): destroyed once off-CPU
                                       and unreferenced (lock) */
    bool ctl_paused;                /* pausedomain, or never unpaused (lock) */
    enum domain_state state;
    bool privileged;                /* the control domain */
    unsigned int shutdown_reason;   /* SHUTDOWN_* when state is SHUTDOWN */
    unsigned int shutdown_code;     /* set by SCHEDOP_shutdown_code */
    struct p2m *p2m;
    uint64_t mem_bytes;             /* RAM given to the guest */
    uint64_t max_pages;             /* RAM limit of populate_physmap, pages */
    unsigned int nr_vcpus;
    struct vcpu *vcpus[MAX_VCPUS];
    spinlock_t lock;                /* guards state, shutdown_*, dying and
                                       ctl_paused; taken before sched locks */
    struct sched_dom sched;         /* the scheduler's: weight, cap (sched/) */
    char console_line[128];         /* console_io output up to its newline */
    unsigned int console_len;       /* bytes in console_line */
    bool console_raw;               /* console_io output straight to the
                                       serial port (dom0=kernel's dom0) */
    struct console_ring console_ring;   /* for PETREL_DOMCTL_console_read */

    /*
     * shared_info: a hypervisor page, zeroed at creation and freed at
     * destruction, that the guest maps with XENMEM_add_to_physmap
     * (XENMAPSPACE_shared_info) at shared_info_gfn (~0: not mapped).
     */
    struct shared_info *shared_info;
    uint64_t shared_info_gfn;
    int64_t tsc_offset;             /* guest TSC = host TSC + tsc_offset */
    uint64_t time_base_tsc;         /* host TSC at creation: guest TSC 0 */
    uint64_t time_base_ns;          /* the pvclock system time there */

    /* Event channels (common/event_channel.c); NULL until first used. */
    struct evtchn_domain *evtchn;
    /* Grant table and maptrack (common/grant_table.c); NULL until first used. */
    struct grant_table *grant;

    /* HVM params (HVMOP_set_param / get_param; public/hvm/params.h). */
    uint64_t hvm_params[HVM_NR_PARAMS];
    uint8_t callback_vector;        /* HVM_PARAM_CALLBACK_IRQ of type vector; 0: none */
    uint32_t pci_cf8;               /* the config address latch (port 0xcf8;
                                       arch/x86/hvm/vpci.c) */

    /* Frames the guest's p2m no longer maps but that stay the domain's
     * until it is destroyed (a RAM page replaced by shared_info, say). */
    struct page_list { uint64_t *mfn; unsigned int nr, max; } retired;

    /* Its devices' I/O address space (drivers/iommu/iommu.c); NULL until it
     * owns a device with an IOMMU on. */
    struct iommu_dom *iommu;
};

/* Create a domain with id 'id' (dom0: 0) and 'nr_vcpus' vCPUs; NULL on
 * failure (nothing is left allocated). */
struct domain *domain_create(uint16_t id, unsigned int nr_vcpus, bool privileged);
/*
 * The control domain's createdomain: a domain with id 'want' (DOMID_AUTO:
 * the lowest free from 1), 'nr_vcpus' vCPUs, paused, with no RAM and a
 * limit of max_pages. 0 with *id, or -EINVAL (reserved id, vCPU count),
 * -EEXIST, -ENOSPC (no slot), -ENOMEM.
 */
#define DOMID_AUTO      0xffffu
int domain_create_ctl(uint16_t want, unsigned int nr_vcpus, uint64_t max_pages,
                      uint16_t *id);
/* Pick a new domain's id among 'nr' ids in 'used', at most 'max' domains
 * (common/domid.c, pure): 0 and *id, -EINVAL, -EEXIST or -ENOSPC. */
int domid_choose(const uint16_t *used, unsigned int nr, unsigned int max,
                 uint16_t want, uint16_t *id);
/* pausedomain / unpausedomain: the controller's pause, apart from the
 * vCPUs' own blocking; idempotent. Pause returns once no vCPU of d is on a
 * pCPU (never for the caller's own domain). The first unpause starts it. */
void domain_pause_ctl(struct domain *d);
void domain_unpause_ctl(struct domain *d);
/* Has the domain been unpaused (run) since creation? */
bool domain_has_run(struct domain *d);
/* destroydomain: stop d and have the reaper destroy it (see above). */
void domain_kill(struct domain *d);
/* Domains that exist now. */
unsigned int domain_count(void);
/* The existing domain with the lowest id >= first, referenced; NULL if none. */
struct domain *domain_next(uint16_t first);
/* Another reference on d, for a caller that holds one already. */
void domain_get(struct domain *d);
/* Return every page, vCPU and table of a domain that no longer runs. */
void domain_destroy(struct domain *d);
/* The guest asked to stop (SCHEDOP_shutdown). */
void domain_shutdown(struct domain *d, unsigned int reason);
/* Stop a domain for something it did; logs the reason and its registers. */
void domain_crash(struct domain *d, const char *fmt, ...) __printf(2, 3);
static inline bool domain_running(const struct domain *d)
{
    return d->state == DOMAIN_RUNNING && !__atomic_load_n(&d->dying, __ATOMIC_RELAXED);
}
const char *shutdown_reason_name(unsigned int reason);

/*
 * Scheduling glue (common/schedule.c). vcpu_kick(): something changed
 * that v must see (an interrupt or event became pending): a blocked v is
 * woken, a v running on another pCPU is made to exit so that its pending
 * interrupts are looked at before it re-enters. Any context, interrupts on
 * or off. vcpu_block(): the running vCPU waits (HLT, SCHEDOP_block) unless
 * hvm_intr_pending() or its events already say there is work.
 * vcpu_up()/vcpu_down(): VCPUOP_up/down, SIPI/INIT.
 */
void vcpu_kick(struct vcpu *v);
void vcpu_block(struct vcpu *v);
/* HLT: like vcpu_block, but only an interrupt (hvm_intr_pending) counts. */
void vcpu_halt(struct vcpu *v);
/* SCHEDOP_poll: block whatever is pending; the caller checks its own wake
 * conditions after (a vcpu_kick() from then on wakes it). */
void vcpu_block_poll(struct vcpu *v);
void vcpu_yield(struct vcpu *v);
void vcpu_up(struct vcpu *v);
void vcpu_down(struct vcpu *v);
bool vcpu_is_up(struct vcpu *v);

/*
 * The run loop (common/schedule.c). schedule_start(): the boot CPU, once
 * domains exist, lets every pCPU into schedule_loop(), which never returns.
 * schedule_kick(): IPI the pCPUs in 'mask' (not the caller's).
 */
void schedule_start(void);
bool schedule_started(void);
__noreturn void schedule_loop(void);
void schedule_kick(sched_mask_t mask);

/*
 * The domain with id 'id', with a reference the caller must drop with
 * domain_put(), or NULL. A domain being destroyed is not found; its memory
 * stays until the last reference is dropped.
 */
struct domain *domain_by_id(uint16_t id);
void domain_put(struct domain *d);
/* Up to 'max' of the domains that exist, in slot order, each with a
 * reference to drop with domain_put(). Returns how many. Any context. */
unsigned int domain_list(struct domain **out, unsigned int max);
/*
 * The domain a hypercall of v names: its own (DOMID_SELF or its id), or,
 * for the control domain only, any other (with a reference). NULL with *rc
 * = -EPERM (not privileged) or -ESRCH (no such domain). Drop with
 * domain_target_put(v, d).
 */
struct domain *domain_target(struct vcpu *v, domid_t domid, long *rc);
void domain_target_put(struct vcpu *v, struct domain *d);
/*
 * Boot CPU, from the run loop: destroy every stopped boot-built domain and
 * every dying one once none of its vCPUs is on a pCPU and no reference is
 * left, reporting each (see domain_stopped_hook). domain_reap_wanted():
 * something changed that may let it go on (the caller kicks pCPU 0).
 */
void domain_reap(void);
void domain_reap_wanted(void);
/* Called by domain_reap() for each domain it is about to destroy, and when
 * none is left (d NULL), by whoever built them (arch/x86/hvm/dom0.c). */
void domain_stopped_hook(struct domain *d);

/* The vCPU running on this CPU (NULL when none). */
struct vcpu *current_vcpu(void);
void set_current_vcpu(struct vcpu *v);

#endif
