/* SPDX-License-Identifier: MIT */
/*
 * Test guests: several vCPUs. vCPU 0 runs test_main(); others are started
 * with VCPUOP_initialise (a 64-bit struct vcpu_hvm_context) and VCPUOP_up
 * and run a C function on their own stack, with the shared GDT and IDT.
 * Each vCPU's GS base points at its struct percpu, so smp_id() is one load.
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include <stdbool.h>
#include <stdint.h>

#define SMP_MAX_VCPUS   8
#define AP_STACK_SIZE   (16 * 1024)

struct percpu {
    unsigned int id;            /* the vCPU id (the first field: smp_id()) */
    bool x2apic;                /* apic.c: this vCPU's LAPIC is in x2APIC mode */
};

/* The calling vCPU's id. */
static inline unsigned int smp_id(void)
{
    unsigned int id;

    asm volatile("movl %%gs:0, %0" : "=r"(id));
    return id;
}

/* The calling vCPU's struct percpu. */
struct percpu *this_cpu(void);

/* Point vCPU 0's GS base at its percpu (the framework, at start of day). */
void smp_init_boot(void);

typedef void (*vcpu_fn_t)(unsigned int id);

/*
 * VCPUOP_initialise vCPU id (1..SMP_MAX_VCPUS-1) in 64-bit mode with this
 * vCPU's CR0/CR3/CR4/EFER, to run fn(id) on its own stack once it is up.
 * Returns the hypercall's result. When fn returns the vCPU takes itself
 * down (VCPUOP_down) and halts.
 */
long smp_initialise_vcpu(unsigned int id, vcpu_fn_t fn);
/* smp_initialise_vcpu(), then VCPUOP_up; 0 or the first error. */
long smp_start_vcpu(unsigned int id, vcpu_fn_t fn);
/* Set once vCPU id has entered C code (before fn runs). */
bool smp_vcpu_started(unsigned int id);

#endif
