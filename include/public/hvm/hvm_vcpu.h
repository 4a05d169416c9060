/* SPDX-License-Identifier: MIT */
/*
 * The first register state of an HVM/PVH vCPU: VCPUOP_initialise's argument
 * (vcpu.h). Registers not named here start as after INIT, paging follows
 * cr0/cr3/cr4/efer as given, and the segments' hidden parts are set from the
 * fields below.
 */
#ifndef PUBLIC_HVM_HVM_VCPU_H
#define PUBLIC_HVM_HVM_VCPU_H

#include <stdint.h>
#include "../xen.h"

/*
 * Start in 32-bit protected mode (or any mode the control registers and
 * segment attributes describe, except 64-bit; use the 64-bit form for that).
 *
 * A segment's access rights (*_ar) pack descriptor bits 40..55 without the
 * limit nibble: bits 3:0 type, 4 S, 6:5 DPL, 7 P, 8 AVL, 9 L, 10 D/B, 11 G,
 * 15:12 must be 0 (SDM vol. 3 §3.4.5). A limit is in bytes.
 */
struct vcpu_hvm_x86_32 {
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;   /* IN */
    uint32_t eip;               /* IN */
    uint32_t eflags;            /* IN */
    uint32_t cr0, cr3, cr4;     /* IN */
    uint32_t pad1;
    uint64_t efer;              /* IN: LME without PG yields 32-bit mode */
    uint32_t cs_base, ds_base, ss_base, es_base, tr_base;        /* IN */
    uint32_t cs_limit, ds_limit, ss_limit, es_limit, tr_limit;   /* IN */
    uint16_t cs_ar, ds_ar, ss_ar, es_ar, tr_ar;                  /* IN */
    uint16_t pad2[3];
};
PETREL_ABI_SIZE(struct vcpu_hvm_x86_32, 120);
PETREL_ABI_OFFSET(struct vcpu_hvm_x86_32, eip, 32);
PETREL_ABI_OFFSET(struct vcpu_hvm_x86_32, cr0, 40);
PETREL_ABI_OFFSET(struct vcpu_hvm_x86_32, efer, 56);
PETREL_ABI_OFFSET(struct vcpu_hvm_x86_32, cs_base, 64);
PETREL_ABI_OFFSET(struct vcpu_hvm_x86_32, cs_limit, 84);
PETREL_ABI_OFFSET(struct vcpu_hvm_x86_32, cs_ar, 104);

/*
 * Start directly in 64-bit mode: flat 64-bit code and data segments, and
 * cr0/cr4/efer must enable long mode and paging.
 */
struct vcpu_hvm_x86_64 {
    uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;   /* IN */
    uint64_t rip;               /* IN */
    uint64_t rflags;            /* IN */
    uint64_t cr0, cr3, cr4;     /* IN */
    uint64_t efer;              /* IN */
};
PETREL_ABI_SIZE(struct vcpu_hvm_x86_64, 112);
PETREL_ABI_OFFSET(struct vcpu_hvm_x86_64, rip, 64);
PETREL_ABI_OFFSET(struct vcpu_hvm_x86_64, efer, 104);

struct vcpu_hvm_context {
    uint32_t mode;              /* IN: VCPU_HVM_MODE_* */
    uint32_t pad;
    union {
        struct vcpu_hvm_x86_32 x86_32;
        struct vcpu_hvm_x86_64 x86_64;
    } cpu_regs;                 /* IN: the member mode names */
};
PETREL_ABI_SIZE(struct vcpu_hvm_context, 128);
PETREL_ABI_OFFSET(struct vcpu_hvm_context, cpu_regs, 8);

#define VCPU_HVM_MODE_32B   0   /* cpu_regs.x86_32 */
#define VCPU_HVM_MODE_64B   1   /* cpu_regs.x86_64 */

#endif
