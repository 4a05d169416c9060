/* SPDX-License-Identifier: MIT */
/* Test guest cpuid: the Xen leaves and what the base leaves must (not) show. */
#include <public/arch-x86/cpuid.h>
#include "hypercall.h"
#include "test.h"
#include "x86.h"

TEST_TITLE("Xen CPUID leaves at 0x40000000, hypervisor bit, no SVM/VMX leaked");

#define VENDOR_INTEL    "GenuineIntel"
#define VENDOR_AMD      "AuthenticAMD"

static void check_xen_leaves(void)
{
    struct cpuid_regs r = cpuid(XEN_CPUID_LEAF(0));
    uint32_t version;
    long xv;

    printf("0x40000000: eax %#x signature %.4s%.4s%.4s\n", r.eax,
           (char *)&r.ebx, (char *)&r.ecx, (char *)&r.edx);
    CHECK_EQ(r.ebx, XEN_CPUID_SIGNATURE_EBX);
    CHECK_EQ(r.ecx, XEN_CPUID_SIGNATURE_ECX);
    CHECK_EQ(r.edx, XEN_CPUID_SIGNATURE_EDX);
    CHECK(r.eax >= XEN_CPUID_LEAF(4));
    CHECK(r.eax < XEN_CPUID_LEAF(0x100));
    CHECK_EQ(xen_cpuid_base, XEN_CPUID_FIRST_LEAF);

    r = cpuid(XEN_CPUID_LEAF(1));
    version = r.eax;
    printf("0x40000001: version %u.%u\n", version >> 16, version & 0xffff);
    CHECK(version != 0);
    /* The leaf and XENVER_version report the same number (as in Xen). */
    xv = hypervisor_xen_version(XENVER_version, NULL);
    CHECK_EQ(xv, version);

    r = cpuid(XEN_CPUID_LEAF(2));
    printf("0x40000002: %u hypercall page(s), MSR %#x\n", r.eax, r.ebx);
    CHECK_EQ(r.eax, 1);
    CHECK_EQ(r.ebx, XEN_HYPERCALL_MSR);

    r = cpuid(XEN_CPUID_LEAF(3));
    printf("0x40000003: %#x %#x %#x %#x\n", r.eax, r.ebx, r.ecx, r.edx);
    r = cpuid(XEN_CPUID_LEAF(4));
    printf("0x40000004: features %#x vcpu %#x domid %#x\n", r.eax, r.ebx, r.ecx);
}

static void check_base_leaves(void)
{
    struct cpuid_regs r = cpuid(0);
    char vendor[13];
    uint32_t max_ext;

    memcpy(vendor, &r.ebx, 4);
    memcpy(vendor + 4, &r.edx, 4);
    memcpy(vendor + 8, &r.ecx, 4);
    vendor[12] = '\0';
    printf("vendor %s, max basic leaf %#x\n", vendor, r.eax);
    CHECK(!strcmp(vendor, VENDOR_INTEL) || !strcmp(vendor, VENDOR_AMD));
    CHECK(r.eax >= 1);

    r = cpuid(1);
    printf("leaf 1: ecx %#x edx %#x\n", r.ecx, r.edx);
    CHECK(r.ecx & CPUID1_ECX_HYPERVISOR);
    CHECK(!(r.ecx & CPUID1_ECX_VMX));
    CHECK(!(r.edx & (1u << 7)));            /* MCE: its MSRs are not emulated */
    CHECK(!(r.edx & (1u << 14)));           /* MCA */

    max_ext = cpuid(0x80000000).eax;
    REQUIRE(max_ext >= 0x80000001);
    r = cpuid(0x80000001);
    printf("leaf 0x80000001: ecx %#x edx %#x\n", r.ecx, r.edx);
    CHECK(!(r.ecx & CPUIDX1_ECX_SVM));
    /* We run in long mode, so the guest must see LM. */
    CHECK(r.edx & CPUIDX1_EDX_LM);
    /* head.S set EFER.NXE iff NX is shown: the two must agree. */
    CHECK_EQ(!!(r.edx & CPUIDX1_EDX_NX), !!(rdmsr(MSR_EFER) & EFER_NXE));
    printf("NX %s, 1 GiB pages %s\n", r.edx & CPUIDX1_EDX_NX ? "yes" : "no",
           r.edx & CPUIDX1_EDX_PAGE1GB ? "yes" : "no");
}

void test_main(void)
{
    if (!xen_cpuid_base)
        test_skip("no hypervisor (bare run): nothing to check");
    check_xen_leaves();
    check_base_leaves();
}
