// SPDX-License-Identifier: MIT
/*
 * The guest MSRs that the VMCS or the CPU itself holds, and the MSR bitmap
 * that decides which accesses exit. Intercepts mirror SVM's: every MSR
 * but FS_BASE, GS_BASE and KERNEL_GS_BASE, which the guest reads and writes
 * itself; STAR, LSTAR, CSTAR, SFMASK and SYSENTER_* it reads itself, but
 * their writes exit so Petrel checks the values (an emulated CPU may not).
 *
 * FS/GS bases and SYSENTER_* are guest-state fields of the VMCS. The other
 * syscall MSRs are not, and no VM entry or exit switches them: Petrel never
 * executes SYSCALL or SWAPGS, so the guest's values simply stay in the MSRs
 * while Petrel runs, and are saved and replaced only when another vCPU runs
 * on the CPU (vmx_syscall_msrs_switch, from vcpu_arrive in vmx.c).
 */
#include <petrel/domain.h>
#include <petrel/lib.h>
#include <x86/hvm/hvm.h>
#include <x86/msr.h>
#include "vmcs.h"
#include "vmx.h"

static const uint32_t syscall_msr_index[NR_SYSCALL_MSRS] = {
    [SMSR_STAR] = MSR_STAR, [SMSR_LSTAR] = MSR_LSTAR, [SMSR_CSTAR] = MSR_CSTAR,
    [SMSR_SFMASK] = MSR_SFMASK, [SMSR_KERNEL_GS_BASE] = MSR_KERNEL_GS_BASE,
};

/* Let the guest access 'msr' itself: 'mask' 1 for reads, 2 for writes. */
static void msr_bitmap_allow(uint8_t *bm, uint32_t msr, unsigned int mask)
{
    unsigned int base = msr >= 0xc0000000 ? 0x400 : 0;      /* high MSRs: second kB */
    unsigned int bit = msr & 0x1fff;

    if (mask & 1)
        bm[base + bit / 8] &= ~(1u << (bit % 8));
    if (mask & 2)
        bm[0x800 + base + bit / 8] &= ~(1u << (bit % 8));  /* writes: second half */
}

static const uint32_t passthrough_msrs[] = { MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE };
static const uint32_t readonly_msrs[] = {
    MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
    MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
};

void vmx_msr_bitmap_init(uint8_t *bm)
{
    memset(bm, 0xff, PAGE_SIZE);
    for (unsigned int i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
        msr_bitmap_allow(bm, passthrough_msrs[i], 3);
    for (unsigned int i = 0; i < ARRAY_SIZE(readonly_msrs); i++)
        msr_bitmap_allow(bm, readonly_msrs[i], 1);
}

static void syscall_msrs_save(struct vcpu *v)
{
    for (unsigned int i = 0; i < NR_SYSCALL_MSRS; i++)
        vmx_of(v)->syscall_msrs[i] = rdmsr(syscall_msr_index[i]);
}

static void syscall_msrs_load(struct vcpu *v)
{
    for (unsigned int i = 0; i < NR_SYSCALL_MSRS; i++)
        wrmsr(syscall_msr_index[i], vmx_of(v)->syscall_msrs[i]);
}

void vmx_syscall_msrs_switch(struct vcpu *prev, struct vcpu *next)
{
    if (prev)
        syscall_msrs_save(prev);
    if (next)
        syscall_msrs_load(next);
}

static int syscall_msr_slot(uint32_t msr)
{
    for (unsigned int i = 0; i < NR_SYSCALL_MSRS; i++)
        if (syscall_msr_index[i] == msr)
            return i;
    return -1;
}

/* Are v's syscall MSRs the ones in this CPU's registers? */
static bool syscall_msrs_live(struct vcpu *v)
{
    return vmx_last_vcpu() == v;
}

int vmx_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    int slot = syscall_msr_slot(msr);

    vmx_vmcs_use(v);
    if (slot >= 0) {
        *val = syscall_msrs_live(v) ? rdmsr(msr) : vmx_of(v)->syscall_msrs[slot];
        return 0;
    }
    switch (msr) {
    case MSR_EFER: *val = vmcs_read(VMCS_GUEST_EFER); return 0;
    case MSR_PAT: *val = vmcs_read(VMCS_GUEST_PAT); return 0;
    case MSR_FS_BASE: *val = vmcs_read(VMCS_GUEST_BASE(SEG_FS)); return 0;
    case MSR_GS_BASE: *val = vmcs_read(VMCS_GUEST_BASE(SEG_GS)); return 0;
    case MSR_SYSENTER_CS: *val = vmcs_read(VMCS_GUEST_SYSENTER_CS); return 0;
    case MSR_SYSENTER_ESP: *val = vmcs_read(VMCS_GUEST_SYSENTER_ESP); return 0;
    case MSR_SYSENTER_EIP: *val = vmcs_read(VMCS_GUEST_SYSENTER_EIP); return 0;
    default: return -1;
    }
}

static bool canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* Values WRMSR would refuse with #GP (SDM vol. 4, and WRMSR). */
static bool msr_value_bad(uint32_t msr, uint64_t val)
{
    switch (msr) {
    case MSR_LSTAR: case MSR_CSTAR: case MSR_KERNEL_GS_BASE: case MSR_FS_BASE:
    case MSR_GS_BASE: case MSR_SYSENTER_ESP: case MSR_SYSENTER_EIP:
        return !canonical(val);
    case MSR_SFMASK:
        return val >> 32;
    default:
        return false;
    }
}

int vmx_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    int slot = syscall_msr_slot(msr);

    vmx_vmcs_use(v);
    if (msr_value_bad(msr, val))
        return -1;
    if (slot >= 0) {
        if (syscall_msrs_live(v))
            wrmsr(msr, val);
        else
            vmx_of(v)->syscall_msrs[slot] = val;
        return 0;
    }
    switch (msr) {
    case MSR_EFER:
        /* LMA is the processor's to set; keep what it says. */
        vmcs_write(VMCS_GUEST_EFER, (val & ~EFER_LMA) | (vmcs_read(VMCS_GUEST_EFER) & EFER_LMA));
        return 0;
    case MSR_PAT: vmcs_write(VMCS_GUEST_PAT, val); return 0;
    case MSR_FS_BASE: vmcs_write(VMCS_GUEST_BASE(SEG_FS), val); return 0;
    case MSR_GS_BASE: vmcs_write(VMCS_GUEST_BASE(SEG_GS), val); return 0;
    case MSR_SYSENTER_CS: vmcs_write(VMCS_GUEST_SYSENTER_CS, val & 0xffff); return 0;
    case MSR_SYSENTER_ESP: vmcs_write(VMCS_GUEST_SYSENTER_ESP, val); return 0;
    case MSR_SYSENTER_EIP: vmcs_write(VMCS_GUEST_SYSENTER_EIP, val); return 0;
    default: return -1;
    }
}
