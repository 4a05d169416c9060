/* SPDX-License-Identifier: MIT */
/*
 * Domains and vCPUs (common/domain.c). A domain owns its guest-physical map
 * (and through it every RAM frame it was given) and its vCPUs.
 *
 * Lifecycle: CREATED -> RUNNING <-> PAUSED -> SHUTDOWN | CRASHED -> destroyed.
 * A shut-down or crashed domain runs no more; domain_destroy() returns all
 * it held.
 */
#ifndef PETREL_DOMAIN_H
#define PETREL_DOMAIN_H

#include <petrel/sched.h>
#include <petrel/spinlock.h>
#include <petrel/types.h>
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

struct vcpu {
    unsigned int id;
    struct domain *domain;
    struct hvm_vcpu hvm;
    struct sched_vcpu sched;        /* the scheduler's (sched/) */
};

struct domain {
    uint16_t id;
    enum domain_state state;
    bool privileged;                /* the control domain */
    unsigned int shutdown_reason;   /* SHUTDOWN_* when state is SHUTDOWN */
    unsigned int shutdown_code;     /* set by SCHEDOP_shutdown_code */
    struct p2m *p2m;
    uint64_t mem_bytes;             /* RAM given to the guest */
    unsigned int nr_vcpus;
    struct vcpu *vcpus[MAX_VCPUS];
    spinlock_t lock;                /* guards state and shutdown_* */
    struct sched_dom sched;         /* the scheduler's: weight, cap (sched/) */
    char console_line[128];         /* console_io output up to its newline */
    unsigned int console_len;       /* bytes in console_line */
};

/* Create a domain with id 'id' (dom0: 0) and 'nr_vcpus' vCPUs; NULL on
 * failure (nothing is left allocated). */
struct domain *domain_create(uint16_t id, unsigned int nr_vcpus, bool privileged);
/* Return every page, vCPU and table of a domain that no longer runs. */
void domain_destroy(struct domain *d);
/* The guest asked to stop (SCHEDOP_shutdown). */
void domain_shutdown(struct domain *d, unsigned int reason);
/* Stop a domain for something it did; logs the reason and its registers. */
void domain_crash(struct domain *d, const char *fmt, ...) __printf(2, 3);
static inline bool domain_running(const struct domain *d)
{
    return d->state == DOMAIN_RUNNING;
}
const char *shutdown_reason_name(unsigned int reason);

/* The vCPU running on this CPU (NULL when none). */
struct vcpu *current_vcpu(void);
void set_current_vcpu(struct vcpu *v);

#endif
