/* SPDX-License-Identifier: MIT */
/* The pure half of VCPUOP_initialise (arch/x86/hvm/vcpu_context.c). */
#ifndef X86_HVM_VCPU_CONTEXT_H
#define X86_HVM_VCPU_CONTEXT_H

#include <x86/hvm/hvm.h>

struct vcpu_hvm_context;

/* What the CPU and the domain allow. */
struct hvm_context_limits {
    uint64_t cr4_ok;                /* CR4 bits the guest may set */
    uint64_t efer_ok;               /* EFER bits the guest may set */
    unsigned int maxphyaddr;        /* physical-address width (CR3 bound) */
};

/* A vCPU's first state, as the vendor hooks take it. */
struct hvm_start_state {
    uint64_t gpr[NR_GPRS];
    uint64_t rip, rflags;
    struct hvm_paging pg;           /* EFER.LMA follows LME and CR0.PG */
    struct hvm_segment seg[NR_SEGS];
};

/*
 * Check 'ctx' and fill *s with the state it describes (FS, GS and LDTR as
 * after INIT). Returns 0, or -EINVAL with a warning naming the problem.
 * Pure: no vCPU, no hardware.
 */
int hvm_context_check(const struct vcpu_hvm_context *ctx,
                      const struct hvm_context_limits *lim, struct hvm_start_state *s);

/* arch/x86/hvm/cr.c: the CR4 bits v may set (what its CPUID shows). */
uint64_t hvm_cr4_valid_bits(struct vcpu *v);

#endif
