// SPDX-License-Identifier: MIT
/*
 * Domains and vCPUs: creation, shutdown, crash and destruction. A domain
 * holds its memory only through its p2m (every RAM frame is mapped there as
 * owned), so destroying the p2m returns all of it.
 */
#include <stdarg.h>
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <petrel/printk.h>
#include <public/sched.h>
#include <x86/hvm/hvm.h>
#include <x86/hvm/vlapic.h>
#include <x86/percpu.h>

static struct vcpu *current_vcpus[NR_CPUS];

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
    if (hvm->vcpu_create(v)) {
        xfree(v);
        return NULL;
    }
    if (vlapic_create(v)) {
        hvm->vcpu_destroy(v);
        xfree(v);
        return NULL;
    }
    return v;
}

struct domain *domain_create(uint16_t id, unsigned int nr_vcpus, bool privileged)
{
    struct domain *d;

    if (!hvm || !nr_vcpus || nr_vcpus > MAX_VCPUS)
        return NULL;
    d = xzalloc(sizeof(*d));
    if (!d)
        return NULL;
    d->id = id;
    d->privileged = privileged;
    d->state = DOMAIN_CREATED;
    d->lock = (spinlock_t)SPINLOCK_INIT;
    d->p2m = p2m_create(hvm->p2m_format, 48, hvm_p2m_caps);
    if (!d->p2m)
        goto fail;
    for (unsigned int i = 0; i < nr_vcpus; i++) {
        d->vcpus[i] = vcpu_create(d, i);
        if (!d->vcpus[i])
            goto fail;
        d->nr_vcpus++;
    }
    return d;

fail:
    domain_destroy(d);
    return NULL;
}

void domain_destroy(struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        vlapic_destroy(d->vcpus[i]);
        hvm->vcpu_destroy(d->vcpus[i]);
        xfree(d->vcpus[i]);
    }
    if (d->p2m)
        p2m_destroy(d->p2m);
    xfree(d);
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

    if (d->state == DOMAIN_RUNNING || d->state == DOMAIN_PAUSED) {
        d->state = DOMAIN_SHUTDOWN;
        d->shutdown_reason = reason;
    }
    spin_unlock_irqrestore(&d->lock, flags);
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
}
