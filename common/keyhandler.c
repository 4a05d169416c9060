// SPDX-License-Identifier: MIT
/*
 * Debug keys: a table of (key, what it does, handler), run for each byte
 * of console input switched to Petrel (common/console_input.c), on the
 * boot CPU with interrupts off while guests go on running elsewhere.
 *
 * Each handler reads what it shows through the owner's snapshot or lock
 * (domain_list() references, the scheduler's per-pCPU locks, atomics for
 * what the guest shares), never a lock that an interrupt handler may hold,
 * and prints a bounded report: a few lines per domain, vCPU and pCPU, at
 * most MAX_SHOWN domains. Every report starts with a "petrel: ** " line and
 * ends with one saying it is done, which the tests look for.
 */
#include <petrel/domain.h>
#include <petrel/event.h>
#include <petrel/keyhandler.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <petrel/printk.h>
#include <petrel/reboot.h>
#include <petrel/sched.h>
#include <x86/percpu.h>
#include <x86/hvm/vlapic.h>
#include <x86/time.h>

#define MAX_SHOWN   16              /* domains listed by 'q' and 'm' */

struct keyhandler {
    char key;
    const char *desc;
    void (*fn)(char key, const struct cpu_regs *regs);
};

static void key_help(char key, const struct cpu_regs *regs);

static const char *const domain_state_names[] = {
    [DOMAIN_CREATED] = "being built", [DOMAIN_RUNNING] = "running",
    [DOMAIN_PAUSED] = "paused", [DOMAIN_SHUTDOWN] = "shut down",
    [DOMAIN_CRASHED] = "crashed",
};

static const char *const sched_state_names[] = {
    [SCHED_RUNNING] = "running", [SCHED_RUNNABLE] = "runnable",
    [SCHED_BLOCKED] = "blocked", [SCHED_PAUSED] = "paused",
    [SCHED_OFFLINE] = "offline",
};

static void show_vcpu(struct vcpu *v, uint64_t now)
{
    struct vcpu_info *vi = __atomic_load_n(&v->vcpu_info, __ATOMIC_ACQUIRE);
    struct sched_vcpu_info si;

    sched_vcpu_info(&v->sched, now, &si);
    printk("    vCPU %u: %s on pCPU %u, pause count %u, ran %lu us, "
           "events %s (selector %#lx)\n", v->id,
           si.state < SCHED_NR_STATES ? sched_state_names[si.state] : "?",
           si.pcpu, si.pause_count, (unsigned long)(si.run_ns / 1000),
           vcpu_events_pending(v) ? "pending" : "none",
           vi ? (unsigned long)__atomic_load_n(&vi->evtchn_pending_sel, __ATOMIC_RELAXED) : 0UL);
    vlapic_show(v);
}

static void key_domains(char key, const struct cpu_regs *regs)
{
    struct domain *doms[MAX_SHOWN];
    unsigned int n = domain_list(doms, MAX_SHOWN);
    uint64_t now = system_time_ns();

    printk("petrel: ** domains and their vCPUs\n");
    for (unsigned int i = 0; i < n; i++) {
        struct domain *d = doms[i];
        enum domain_state st = __atomic_load_n(&d->state, __ATOMIC_RELAXED);

        printk("  domain %u: %s%s, %u vCPU%s, %lu MiB\n", d->id,
               st < ARRAY_SIZE(domain_state_names) ? domain_state_names[st] : "?",
               d->privileged ? ", privileged" : "", d->nr_vcpus,
               d->nr_vcpus == 1 ? "" : "s", (unsigned long)(d->mem_bytes >> 20));
        for (unsigned int j = 0; j < d->nr_vcpus; j++)
            show_vcpu(d->vcpus[j], now);
        if (!d->privileged)
            evtchn_show(d, 24);
        domain_put(d);
    }
    printk("petrel: ** domains: %u shown\n", n);
}

static void show_pcpu(unsigned int cpu)
{
    struct sched_pcpu_info pi;
    char queue[SCHED_INFO_QUEUED * 12 + 8];
    size_t len = 0;

    sched_pcpu_info(cpu, &pi);
    queue[0] = 0;
    for (unsigned int i = 0; i < pi.nr_listed; i++)
        len += snprintf(queue + len, sizeof(queue) - len, " d%uv%u",
                        pi.queued[i].dom, pi.queued[i].vcpu);
    if (pi.nr_queued > pi.nr_listed)
        snprintf(queue + len, sizeof(queue) - len, " ...");
    if (pi.busy)
        printk("  pCPU %u: running d%uv%u; %u queued:%s\n", cpu, pi.curr.dom,
               pi.curr.vcpu, pi.nr_queued, queue);
    else
        printk("  pCPU %u: idle; %u queued:%s\n", cpu, pi.nr_queued, queue);
}

static void key_runqueues(char key, const struct cpu_regs *regs)
{
    unsigned int nr = sched_nr_pcpus();

    printk("petrel: ** run queues (%s scheduler, %u pCPUs)\n", sched_policy_name(), nr);
    for (unsigned int cpu = 0; cpu < nr; cpu++)
        show_pcpu(cpu);
    printk("petrel: ** run queues: done\n");
}

static void key_registers(char key, const struct cpu_regs *regs)
{
    printk("petrel: ** registers of every CPU\n");
    arch_dump_cpus(regs);
}

static void key_memory(char key, const struct cpu_regs *regs)
{
    struct domain *doms[MAX_SHOWN];
    unsigned int n = domain_list(doms, MAX_SHOWN);
    uint64_t free = frame_free_count(), total = frame_total_count();

    printk("petrel: ** memory: %lu of %lu frames free (%lu of %lu MiB), heap %lu KiB in use\n",
           (unsigned long)free, (unsigned long)total, (unsigned long)(free >> 8),
           (unsigned long)(total >> 8), (unsigned long)(heap_used_bytes() >> 10));
    for (unsigned int i = 0; i < n; i++) {
        printk("  domain %u: %lu pages of RAM (%lu MiB), %u retired, %lu p2m table pages\n",
               doms[i]->id, (unsigned long)(doms[i]->mem_bytes >> PAGE_SHIFT),
               (unsigned long)(doms[i]->mem_bytes >> 20), doms[i]->retired.nr,
               doms[i]->p2m ? (unsigned long)p2m_table_pages(doms[i]->p2m) : 0UL);
        domain_put(doms[i]);
    }
    printk("petrel: ** memory: done\n");
}

static void key_reboot(char key, const struct cpu_regs *regs)
{
    printk("petrel: rebooting (debug key 'R')\n");
    machine_reboot();
}

static const struct keyhandler keys[] = {
    { 'h', "list the debug keys", key_help },
    { 'q', "dump the domains and their vCPUs", key_domains },
    { 'r', "dump the run queues of every pCPU", key_runqueues },
    { 'd', "dump the registers and stack of every CPU", key_registers },
    { 'm', "show memory use: frames, heap, each domain", key_memory },
    { 'R', "reboot the machine", key_reboot },
};

static void key_help(char key, const struct cpu_regs *regs)
{
    printk("petrel: ** debug keys (Ctrl-A three times switches input back to domain 0)\n");
    for (unsigned int i = 0; i < ARRAY_SIZE(keys); i++)
        printk("  '%c'  %s\n", keys[i].key, keys[i].desc);
    printk("petrel: ** debug keys: %u\n", (unsigned int)ARRAY_SIZE(keys));
}

void keyhandler_run(char key, const struct cpu_regs *regs)
{
    if (key == '\r' || key == '\n' || key == ' ')
        return;                     /* what a terminal adds; no key */
    for (unsigned int i = 0; i < ARRAY_SIZE(keys); i++)
        if (keys[i].key == key) {
            keys[i].fn(key, regs);
            return;
        }
    if (key >= 0x20 && key < 0x7f)
        printk("petrel: no debug key '%c'; 'h' lists them\n", key);
    else
        printk("petrel: no debug key %#x; 'h' lists them\n", (unsigned int)(uint8_t)key);
}
