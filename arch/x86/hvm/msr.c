// SPDX-License-Identifier: MIT
/*
 * The guest's MSRs. Those the hardware switches (syscall MSRs, FS/GS bases)
 * never exit; the rest come here. Known MSRs are emulated and validated the
 * way the processor would; anything else raises #GP in the guest.
 */
#include <petrel/domain.h>
#include <petrel/lib.h>
#include <petrel/printk.h>
#include <public/arch-x86/cpuid.h>
#include <x86/hvm/hvm.h>
#include <x86/hvm/vlapic.h>
#include <x86/msr.h>
#include <x86/processor.h>

#define MSR_PLATFORM_ID         0x017
#define MSR_FEATURE_CONTROL     0x03a
#define MSR_BIOS_SIGN_ID        0x08b
#define MSR_MISC_ENABLE         0x1a0
#define MSR_OSVW_ID_LENGTH      0xc0010140
#define MSR_OSVW_STATUS         0xc0010141

void hvm_install_hypercall_page(struct vcpu *v, uint64_t gpa);

static bool host_is_intel(void)
{
    return cpuid(0).ebx == 0x756e6547;      /* "Genu" */
}

/*
 * OS-visible workarounds (AMD APM vol. 2, "OSVW"): ID_LENGTH says how many
 * erratum ids the status bits cover, a set bit says the OS must work around
 * that erratum. Guests see errata 400 and 415 (ids 1 and 2) as fixed, as
 * under Xen and KVM: HLT and port I/O exit to Petrel, so what those errata
 * concern never runs in the guest. Without OSVW, Linux decides erratum 400
 * from the family and model alone (QEMU's qemu64 model claims an affected
 * family 15 part) and reads MSR 0xc0010055, which is not emulated. The
 * other ids are the host's when it has OSVW, else none; one status MSR, so
 * at most 64 ids.
 */
#define OSVW_FIXED      (BIT(1) | BIT(2))

static bool osvw_read(uint32_t msr, uint64_t *val)
{
    uint64_t len = 0;

    if (!cpu_vendor_amd())
        return false;
    if (cpuid(0x80000001).ecx & BIT(9))
        len = rdmsr(MSR_OSVW_ID_LENGTH);
    if (msr == MSR_OSVW_ID_LENGTH)
        *val = len < 3 ? 3 : len > 64 ? 64 : len;
    else
        *val = len ? rdmsr(MSR_OSVW_STATUS) & ~OSVW_FIXED : 0;
    return true;
}

/* Each PAT entry must be UC, WC, WT, WP, WB or UC- (SDM vol. 3, 13.12.2). */
static bool pat_valid(uint64_t pat)
{
    for (unsigned int i = 0; i < 8; i++) {
        uint8_t t = pat >> (i * 8);

        if (t > 7 || t == 2 || t == 3)
            return false;
    }
    return true;
}

static bool efer_valid(struct vcpu *v, uint64_t val)
{
    uint64_t allowed = EFER_SCE | EFER_LME | EFER_LMA;
    struct hvm_paging pg;

    if (cpuid(0x80000001).edx & BIT(20))
        allowed |= EFER_NXE;
    if (val & ~allowed)
        return false;
    hvm->get_paging(v, &pg);
    /* LME may not change while paging is on (APM vol. 2, 14.6.1). */
    return !((pg.cr0 & X86_CR0_PG) && ((val ^ pg.efer) & EFER_LME));
}

int hvm_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    switch (msr) {
    case MSR_TSC:
        *val = rdtsc() + v->hvm.tsc_offset;
        return 0;
    case MSR_APIC_BASE:
    case MSR_TSC_DEADLINE:
    case MSR_X2APIC_BASE ... MSR_X2APIC_BASE + 0xff:
        return vlapic_msr_read(v, msr, val);
    case MSR_PLATFORM_ID:
    case MSR_BIOS_SIGN_ID:
        *val = 0;
        return host_is_intel() ? 0 : -1;
    case MSR_FEATURE_CONTROL:
        *val = 1;                           /* locked, VMX off */
        return host_is_intel() ? 0 : -1;
    case MSR_MISC_ENABLE:
        *val = BIT(0) | BIT(11) | BIT(12);  /* fast strings; no BTS, no PEBS */
        return host_is_intel() ? 0 : -1;
    case MSR_OSVW_ID_LENGTH:
    case MSR_OSVW_STATUS:
        return osvw_read(msr, val) ? 0 : -1;
    default:
        return hvm->msr_read(v, msr, val);
    }
}

int hvm_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    switch (msr) {
    case MSR_EFER:
        return efer_valid(v, val) ? hvm->msr_write(v, msr, val) : -1;
    case MSR_PAT:
        return pat_valid(val) ? hvm->msr_write(v, msr, val) : -1;
    case MSR_APIC_BASE:
    case MSR_TSC_DEADLINE:
    case MSR_X2APIC_BASE ... MSR_X2APIC_BASE + 0xff:
        return vlapic_msr_write(v, msr, val);
    case MSR_BIOS_SIGN_ID:
    case MSR_MISC_ENABLE:
        return host_is_intel() ? 0 : -1;    /* accepted and ignored */
    case MSR_OSVW_ID_LENGTH:
    case MSR_OSVW_STATUS:
        return cpu_vendor_amd() ? 0 : -1;   /* firmware's to set: ignored */
    case XEN_HYPERCALL_MSR:
        if (val & (PAGE_SIZE - 1))
            return -1;                      /* one page only: index 0 */
        hvm_install_hypercall_page(v, val);
        return 0;
    default:
        return hvm->msr_write(v, msr, val);
    }
}
