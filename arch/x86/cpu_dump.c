// SPDX-License-Identifier: MIT
/*
 * The 'd' debug key: each CPU prints its own state. The caller dumps itself
 * from the frame it was interrupted in, then sends each other online CPU a
 * fixed IPI (VEC_IPI_CALL) and waits for it to finish before the next, so
 * the reports never interleave. An IPI, not an NMI: a CPU that holds the
 * console lock with interrupts off answers once it drops it, where an NMI
 * would deadlock on the lock. A CPU that does not answer within
 * DUMP_WAIT_US (interrupts off for long: itself a finding) is named.
 */
#include <petrel/domain.h>
#include <petrel/keyhandler.h>
#include <petrel/printk.h>
#include <x86/apic.h>
#include <x86/percpu.h>
#include <x86/processor.h>
#include <x86/time.h>
#include <x86/traps.h>

#define DUMP_WAIT_US    1000000

static volatile int dump_answered = -1;    /* the CPU that last answered */

static void dump_self(const struct cpu_regs *regs)
{
    struct vcpu *v = current_vcpu();
    uint64_t off;
    const char *sym = symbol_lookup(regs->rip, &off);

    printk("CPU %u: RIP %016lx %s+%#lx RSP %016lx RFLAGS %06lx\n",
           smp_processor_id(), regs->rip, sym ? sym : "?", sym ? off : 0,
           regs->rsp, regs->rflags);
    if (v)
        printk("CPU %u: runs d%uv%u, guest RIP %016lx RSP %016lx\n",
               smp_processor_id(), v->domain->id, v->id, v->hvm.rip,
               v->hvm.gpr[GPR_RSP]);
    else
        printk("CPU %u: runs no vCPU\n", smp_processor_id());
    show_stack_trace(0, regs->rbp);
}

static void dump_ipi(struct cpu_regs *regs)
{
    dump_self(regs);
    __atomic_store_n(&dump_answered, (int)smp_processor_id(), __ATOMIC_RELEASE);
}

static bool dump_other(unsigned int cpu)
{
    uint64_t deadline = rdtsc() + tsc_from_us(DUMP_WAIT_US);

    __atomic_store_n(&dump_answered, -1, __ATOMIC_RELEASE);
    if (apic_send_ipi(percpu_area[cpu]->apic_id, VEC_IPI_CALL))
        return false;
    /* Bounded: the target prints a few lines and answers. */
    while (__atomic_load_n(&dump_answered, __ATOMIC_ACQUIRE) != (int)cpu)
        if ((int64_t)(rdtsc() - deadline) >= 0)
            return false;
        else
            cpu_relax();
    return true;
}

void arch_dump_cpus(const struct cpu_regs *regs)
{
    unsigned int me = smp_processor_id(), answered = 1;
    struct cpu_regs here = { 0 };

    irq_set_handler(VEC_IPI_CALL, dump_ipi);
    if (!regs) {
        here.rip = (uint64_t)arch_dump_cpus;
        here.rbp = (uint64_t)__builtin_frame_address(0);
        asm volatile("mov %%rsp, %0" : "=r"(here.rsp));
        here.rflags = read_flags();
        regs = &here;
    }
    dump_self(regs);
    for (unsigned int cpu = 0; cpu < nr_cpus_online; cpu++) {
        if (cpu == me || !percpu_area[cpu])
            continue;
        if (dump_other(cpu))
            answered++;
        else
            printk("CPU %u: did not answer within %u ms\n", cpu, DUMP_WAIT_US / 1000);
    }
    printk("petrel: ** registers: %u of %u CPUs answered\n", answered, nr_cpus_online);
}
