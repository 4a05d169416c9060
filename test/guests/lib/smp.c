/* SPDX-License-Identifier: MIT */
/* Test guests: per-vCPU data and starting vCPUs with VCPUOP_initialise/up. */
#include <public/hvm/hvm_vcpu.h>
#include "hypercall.h"
#include "smp.h"
#include "test.h"
#include "traps.h"
#include "x86.h"
#include "xen.h"

static struct percpu percpus[SMP_MAX_VCPUS];
static vcpu_fn_t vcpu_fns[SMP_MAX_VCPUS];
static uint32_t vcpu_started[SMP_MAX_VCPUS];
static char ap_stacks[SMP_MAX_VCPUS][AP_STACK_SIZE] __aligned(16);

void ap_entry(void);                    /* head.S */
void ap_start(unsigned int id);

struct percpu *this_cpu(void)
{
    return &percpus[smp_id()];
}

static void percpu_load(unsigned int id)
{
    percpus[id].id = id;
    wrmsr(MSR_GS_BASE, (uintptr_t)&percpus[id]);
}

void smp_init_boot(void)
{
    percpu_load(0);
}

/* A new vCPU arrives here from ap_entry, on its stack, GDT loaded. */
void ap_start(unsigned int id)
{
    idt_load();
    percpu_load(id);
    __atomic_store_n(&vcpu_started[id], 1, __ATOMIC_RELEASE);
    vcpu_fns[id](id);
    hypervisor_vcpu_op(VCPUOP_down, id, NULL);
    halt_forever();
}

bool smp_vcpu_started(unsigned int id)
{
    return id < SMP_MAX_VCPUS && __atomic_load_n(&vcpu_started[id], __ATOMIC_ACQUIRE);
}

long smp_initialise_vcpu(unsigned int id, vcpu_fn_t fn)
{
    struct vcpu_hvm_context ctx = { .mode = VCPU_HVM_MODE_64B };
    struct vcpu_hvm_x86_64 *r = &ctx.cpu_regs.x86_64;

    if (id == 0 || id >= SMP_MAX_VCPUS)
        return -XEN_EINVAL;
    vcpu_fns[id] = fn;
    r->rip = (uintptr_t)ap_entry;
    r->rsp = (uintptr_t)ap_stacks[id] + AP_STACK_SIZE;
    r->rdi = id;
    r->rflags = 0x2;                    /* bit 1 is always set */
    r->cr0 = read_cr0();
    r->cr3 = read_cr3();
    r->cr4 = read_cr4();
    r->efer = rdmsr(MSR_EFER);
    return hypervisor_vcpu_op(VCPUOP_initialise, id, &ctx);
}

long smp_start_vcpu(unsigned int id, vcpu_fn_t fn)
{
    long rc = smp_initialise_vcpu(id, fn);

    return rc ? rc : hypervisor_vcpu_op(VCPUOP_up, id, NULL);
}
