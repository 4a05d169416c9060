/* SPDX-License-Identifier: MIT */
/* Test guests: finding the Xen CPUID leaves and issuing hypercalls. */
#include <public/arch-x86/cpuid.h>
#include "hypercall.h"
#include "test.h"
#include "x86.h"

uint32_t xen_cpuid_base;
bool hypercall_page_ready;
bool cpu_is_amd;

#define CPUID_VENDOR_AMD_EBX    0x68747541      /* "Auth" enticAMD */
#define CPUID_VENDOR_HYGON_EBX  0x6f677948      /* "Hygo" nGenuine */
#define STUB_SIZE               32
#define INT3                    0xcc            /* what the page holds unfilled */

static long call_page(unsigned long nr, uint64_t a1, uint64_t a2, uint64_t a3,
                      uint64_t a4, uint64_t a5)
{
    register uint64_t r10 asm("r10") = a4;
    register uint64_t r8 asm("r8") = a5;
    void *stub = hypercall_page + nr * STUB_SIZE;
    long ret;

    asm volatile("call *%[stub]"
                 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                 : [stub] "r"(stub)
                 : "memory", "cc");
    return ret;
}

static long call_direct(unsigned long nr, uint64_t a1, uint64_t a2, uint64_t a3,
                        uint64_t a4, uint64_t a5)
{
    register uint64_t r10 asm("r10") = a4;
    register uint64_t r8 asm("r8") = a5;
    long ret = nr;

    if (cpu_is_amd)
        asm volatile("vmmcall"
                     : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     :: "memory", "cc");
    else
        asm volatile("vmcall"
                     : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     :: "memory", "cc");
    return ret;
}

long hypercall_by(enum hc_path path, unsigned long nr, uint64_t a1,
                  uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    if (path == HC_PAGE)
        return call_page(nr, a1, a2, a3, a4, a5);
    return call_direct(nr, a1, a2, a3, a4, a5);
}

long hypercall(unsigned long nr, uint64_t a1, uint64_t a2, uint64_t a3,
               uint64_t a4, uint64_t a5)
{
    if (hypercall_page_ready && nr < sizeof(hypercall_page) / STUB_SIZE)
        return call_page(nr, a1, a2, a3, a4, a5);
    return call_direct(nr, a1, a2, a3, a4, a5);
}

/* Xen's leaves may sit at any 0x100 step from 0x40000000 (another
 * hypervisor's, e.g. Viridian, may come first); Petrel answers at the base. */
static uint32_t find_xen_leaves(void)
{
    for (uint32_t base = 0x40000000; base < 0x40010000; base += 0x100) {
        struct cpuid_regs r = cpuid(base);

        if (r.ebx == XEN_CPUID_SIGNATURE_EBX && r.ecx == XEN_CPUID_SIGNATURE_ECX &&
            r.edx == XEN_CPUID_SIGNATURE_EDX && r.eax >= base + 2)
            return base;
    }
    return 0;
}

/* The page starts as int3 bytes (head.S); a filled one has stubs. */
static bool page_filled(void)
{
    for (unsigned int i = 0; i < sizeof(hypercall_page); i++)
        if ((uint8_t)hypercall_page[i] != INT3)
            return true;
    return false;
}

const char *hypercall_init(void)
{
    struct cpuid_regs r = cpuid(0);
    uint32_t msr;
    int vec;

    cpu_is_amd = r.ebx == CPUID_VENDOR_AMD_EBX || r.ebx == CPUID_VENDOR_HYGON_EBX;
    xen_cpuid_base = find_xen_leaves();
    if (!xen_cpuid_base)
        return "no Xen CPUID leaves (\"XenVMMXenVMM\") at 0x40000000-0x4000ff00";

    r = cpuid(xen_cpuid_base + 2);
    msr = r.ebx;
    if (r.eax < 1)
        return "CPUID base+2 reports no hypercall pages";
    vec = wrmsr_safe(msr, (uintptr_t)hypercall_page);
    if (vec)
        return "writing the hypercall page address to the MSR of CPUID base+2 faulted";
    if (!page_filled())
        return "the hypervisor did not fill the hypercall page";
    hypercall_page_ready = true;
    return NULL;
}
