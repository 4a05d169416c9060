/* SPDX-License-Identifier: MIT */
/* VMX-private declarations shared by the files of arch/x86/vmx/. */
#ifndef VMX_VMX_H
#define VMX_VMX_H

#include <petrel/types.h>
#include <x86/hvm/hvm.h>

/*
 * What vmx_available() found out about this CPU, and the controls every
 * VMCS starts with. Written once on the boot CPU, read-only afterwards.
 */
struct vmx_config {
    uint32_t pin, proc, proc2, exit, entry;     /* VM-execution/exit/entry controls */
    uint64_t cr0_fixed0, cr0_fixed1;            /* IA32_VMX_CR0_FIXED0/1 */
    uint64_t cr4_fixed0, cr4_fixed1;            /* IA32_VMX_CR4_FIXED0/1 */
    uint64_t basic, misc, ept_vpid_cap;         /* IA32_VMX_BASIC, _MISC, _EPT_VPID_CAP */
    paddr_t io_bitmaps_pa;                      /* two pages: bitmap A, then B */
    paddr_t msr_bitmap_pa;
};

extern struct vmx_config vmx_config;

/* caps.c: fill vmx_config; false, with a line per missing piece, when this
 * CPU cannot run Petrel's guests. */
bool vmx_available(void);

/* The syscall MSRs that are not in the VMCS (see vmx.c). */
enum vmx_syscall_msr {
    SMSR_STAR, SMSR_LSTAR, SMSR_CSTAR, SMSR_SFMASK, SMSR_KERNEL_GS_BASE, NR_SYSCALL_MSRS
};

/* Per-vCPU state, at v->hvm.vendor. */
struct vmx_vcpu {
    paddr_t vmcs_pa;
    paddr_t vapic_pa;               /* virtual-APIC page: holds the TPR shadow */
    uint64_t eptp;
    uint16_t vpid;
    bool launched;                  /* VMLAUNCH succeeded: VMRESUME from now on */
    bool flush_ept;                 /* the p2m changed: INVEPT before the next entry */
    bool flush_vpid;                /* Petrel changed paging: INVVPID before it */
    int cpu;                        /* the CPU its VMCS is active on; -1: none */
    uint64_t exit_rip;              /* guest RIP at the last exit; ~0 before */
    bool intr_window;               /* interrupt-window exiting is on */
    uint64_t syscall_msrs[NR_SYSCALL_MSRS];     /* while not loaded in the CPU */
};

#define vmx_of(v)   ((struct vmx_vcpu *)(v)->hvm.vendor)

/* entry.S: 0 after a VM exit, 1 on VMfailValid, 2 on VMfailInvalid. */
int vmx_enter(uint64_t *gpr, bool launched);

/* Make v's VMCS inactive (VMCLEAR) if it is active on this CPU. */
void vmx_vmcs_release(struct vcpu *v);
extern char vmx_exit_entry[];           /* HOST_RIP */

/* vmx.c: make v's VMCS the current one on this CPU. */
void vmx_vmcs_use(struct vcpu *v);
/* vmx.c: the vCPU whose TLB entries and syscall MSRs this CPU holds. */
struct vcpu *vmx_last_vcpu(void);

/* msr.c */
void vmx_msr_bitmap_init(uint8_t *bitmap);
void vmx_syscall_msrs_switch(struct vcpu *prev, struct vcpu *next);
int vmx_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
int vmx_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);

/* exit.c: 'reason' is the exit-reason field. */
void vmx_decode_exit(struct vcpu *v, uint32_t reason, struct hvm_exit *exit);

/* vmcs.c: the VMCS contents; v's VMCS must be current (vmx_vmcs_use). */
void vmcs_init(struct vcpu *v);
void vmcs_init_host(void);
void vmx_get_segment(struct vcpu *v, enum hvm_seg seg, struct hvm_segment *s);
void vmx_set_segment(struct vcpu *v, enum hvm_seg seg, const struct hvm_segment *s);
void vmx_get_paging(struct vcpu *v, struct hvm_paging *pg);
void vmx_set_paging(struct vcpu *v, const struct hvm_paging *pg);
unsigned int vmx_get_cpl(struct vcpu *v);
void vmx_dump(struct vcpu *v);
const char *vmx_insn_error_name(unsigned int error);

#endif
