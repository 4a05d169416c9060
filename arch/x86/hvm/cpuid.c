// SPDX-License-Identifier: MIT
/*
 * What a guest's CPUID says: the host's answer, minus what Petrel does not
 * virtualise (SVM, VMX, MONITOR, MTRRs, machine checks, RDTSCP, performance
 * counters, ...),
 * plus what the virtual LAPIC offers whatever the host has (x2APIC, the TSC
 * deadline timer), OS-visible workarounds on AMD (see msr.c), the hypervisor
 * bit and Xen's leaves at 0x40000000.
 */
#include <petrel/domain.h>
#include <petrel/version.h>
#include <public/arch-x86/cpuid.h>
#include <x86/hvm/hvm.h>
#include <x86/processor.h>

/* Leaf 1 */
#define L1_ECX_HIDE     (BIT(3) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | BIT(15) | \
                         BIT(18))                       /* MONITOR VMX SMX EST TM2 PDCM DCA */
#define L1_ECX_VLAPIC   (BIT(21) | BIT(24))             /* x2APIC, TSC deadline */
#define L1_ECX_OSXSAVE  BIT(27)
#define L1_ECX_HV       BIT(31)
/*
 * MCE and MCA are hidden: their MSRs (MCG_CAP, MCG_STATUS, the banks) are
 * not emulated, and Linux's machine-check code, seeing MCA, reads them and
 * panics at the #GP ("MCA architectural violation").
 */
#define L1_EDX_MCE      BIT(7)
#define L1_EDX_MCA      BIT(14)
#define L1_EDX_HIDE     (BIT(12) | BIT(21) | BIT(22) | BIT(29) | \
                         L1_EDX_MCE | L1_EDX_MCA)       /* MTRR DS ACPI TM MCE MCA */
/* Leaf 7.0 */
#define L7_EBX_HIDE     (BIT(1) | BIT(4) | BIT(11) | BIT(12) | BIT(14) | BIT(25))  /* TSC_ADJ HLE RTM PQM MPX PT */
#define L7_ECX_HIDE     (BIT(5) | BIT(22) | BIT(30))             /* WAITPKG RDPID SGX_LC */
#define L7_EDX_HIDE     (BIT(26) | BIT(27) | BIT(28) | BIT(29) | BIT(31))  /* IBRS STIBP L1D ARCH_CAP SSBD */
/* Leaf 0x80000001 */
#define LX1_ECX_HIDE    (BIT(2) | BIT(3) | BIT(10) | BIT(23))   /* SVM ExtAPIC IBS PerfCtr */
#define LX1_ECX_OSVW    BIT(9)          /* AMD: offered whatever the host has (msr.c) */
#define LX1_EDX_HIDE    BIT(27)                                  /* RDTSCP */
/* Leaf 0x80000008 EBX: speculation controls, whose MSRs are not virtualised yet */
#define LX8_EBX_HIDE    (BIT(12) | BIT(14) | BIT(15) | BIT(24) | BIT(25))

static void xen_leaves(struct vcpu *v, uint32_t leaf, uint32_t out[4])
{
    switch (leaf - XEN_CPUID_FIRST_LEAF) {
    case 0:
        out[0] = XEN_CPUID_LEAF(4);
        out[1] = XEN_CPUID_SIGNATURE_EBX;
        out[2] = XEN_CPUID_SIGNATURE_ECX;
        out[3] = XEN_CPUID_SIGNATURE_EDX;
        break;
    case 1:
        out[0] = (PETREL_XEN_MAJOR << 16) | PETREL_XEN_MINOR;
        break;
    case 2:
        out[0] = 1;                         /* hypercall pages */
        out[1] = XEN_HYPERCALL_MSR;
        break;
    case 4:
        out[0] = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT |
                 XEN_HVM_CPUID_UPCALL_VECTOR;
        out[1] = v->id;
        out[2] = v->domain->id;
        break;
    default:
        break;                              /* 3: no TSC scaling info; zeros */
    }
}

/*
 * Leaves 0xB and 0x1F (SDM vol. 2, CPUID): one thread per core, the
 * domain's vCPUs as the cores of one package; EDX is the x2APIC id.
 */
static void topology(struct vcpu *v, uint32_t sub, uint32_t r[4])
{
    unsigned int shift = 0;

    while ((1u << shift) < v->domain->nr_vcpus)
        shift++;
    r[3] = v->id;
    if (sub == 0) {
        r[0] = 0;                           /* SMT: no id bits */
        r[1] = 1;
        r[2] = (1 << 8) | sub;
    } else if (sub == 1) {
        r[0] = shift;                       /* core: enough bits for all vCPUs */
        r[1] = v->domain->nr_vcpus;
        r[2] = (2 << 8) | sub;
    } else {
        r[0] = r[1] = 0;                    /* no further level */
        r[2] = sub & 0xff;
    }
}

static void filter(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    struct hvm_paging pg;

    switch (leaf) {
    case 1:
        hvm->get_paging(v, &pg);
        r[1] = (r[1] & 0x00ffffff) | (v->id << 24);     /* initial APIC id */
        r[2] = (r[2] & ~(L1_ECX_HIDE | L1_ECX_OSXSAVE)) | L1_ECX_HV | L1_ECX_VLAPIC |
               ((pg.cr4 & BIT(18)) ? L1_ECX_OSXSAVE : 0);
        r[3] &= ~L1_EDX_HIDE;
        break;
    case 0xb: case 0x1f:
        topology(v, sub, r);
        break;
    case 5: case 6: case 0xa:               /* MONITOR, power, perfmon */
        r[0] = r[1] = r[2] = r[3] = 0;
        break;
    case 7:
        if (sub == 0) {
            r[1] &= ~L7_EBX_HIDE;
            r[2] &= ~L7_ECX_HIDE;
            r[3] &= ~L7_EDX_HIDE;
        }
        break;
    case 0x80000001:
        r[2] = (r[2] & ~(LX1_ECX_HIDE | LX1_ECX_OSVW)) | (cpu_vendor_amd() ? LX1_ECX_OSVW : 0);
        r[3] &= ~LX1_EDX_HIDE;
        break;
    case 0x80000008:
        r[1] &= ~LX8_EBX_HIDE;
        break;
    case 0x8000000a:                        /* SVM features: none for guests */
        r[0] = r[1] = r[2] = r[3] = 0;
        break;
    }
}

void hvm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    struct cpuid_regs r;

    out[0] = out[1] = out[2] = out[3] = 0;
    if (leaf >= XEN_CPUID_FIRST_LEAF && leaf <= XEN_CPUID_LEAF(4)) {
        xen_leaves(v, leaf, out);
        return;
    }
    if ((leaf < 0x80000000 && leaf > cpuid(0).eax) ||
        (leaf >= 0x80000000 && leaf > cpuid(0x80000000).eax) ||
        (leaf >= 0x40000000 && leaf < 0x80000000))
        return;                             /* beyond the max: zeros */
    r = cpuid_count(leaf, sub);
    out[0] = r.eax;
    out[1] = r.ebx;
    out[2] = r.ecx;
    out[3] = r.edx;
    filter(v, leaf, sub, out);
}
