// SPDX-License-Identifier: MIT
/*
 * The guest state no VM exit or entry switches: x87/SSE/AVX registers,
 * XCR0, DR0-DR3. Petrel itself uses none of it (no SSE in the hypervisor),
 * so a vCPU's values stay in the CPU while Petrel handles its exits, and
 * are saved and replaced only when another vCPU takes the pCPU:
 * hvm_vcpu_unload() when the scheduler takes a vCPU off, hvm_vcpu_load()
 * when one arrives.
 *
 * The save area is XSAVE's (all components the CPU supports) once the host
 * has CR4.OSXSAVE (turned on the first time a guest uses XSETBV, see
 * exit_xsetbv), FXSAVE's before. Each save records which format it used and
 * the matching restore follows it, so a vCPU saved before OSXSAVE came on
 * is restored correctly after.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <x86/hvm/hvm.h>
#include <x86/processor.h>

#define FXSAVE_SIZE     512
#define FCW_RESET       0x37f
#define MXCSR_RESET     0x1f80

/* How the last save of v was made (v->hvm.fpu_format). */
enum { FPU_FRESH, FPU_FXSAVE, FPU_XSAVE };

static unsigned int area_order(void)
{
    uint32_t size = FXSAVE_SIZE;

    if (cpuid(1).ecx & BIT(26))
        size = MAX(size, cpuid_count(0xd, 0).ecx);
    return size <= PAGE_SIZE ? 0 : size <= 2 * PAGE_SIZE ? 1 : 2;
}

int hvm_fpu_create(struct vcpu *v)
{
    paddr_t pa = frame_alloc(area_order());
    uint8_t *area;

    if (!pa)
        return -ENOMEM;
    area = phys_to_virt(pa);
    memset(area, 0, PAGE_SIZE << area_order());
    /* The reset state (SDM vol. 1, 10.5.1.1): FCW 0x37f, MXCSR 0x1f80. */
    *(uint16_t *)area = FCW_RESET;
    *(uint32_t *)(area + 24) = MXCSR_RESET;
    v->hvm.fpu = area;
    v->hvm.fpu_format = FPU_FRESH;
    v->hvm.xcr0 = 1;                        /* x87 only, as after reset */
    return 0;
}

void hvm_fpu_destroy(struct vcpu *v)
{
    if (v->hvm.fpu)
        frame_free(virt_to_phys(v->hvm.fpu), area_order());
    v->hvm.fpu = NULL;
}

static bool host_osxsave(void)
{
    return read_cr4() & X86_CR4_OSXSAVE;
}

static uint64_t xgetbv0(void)
{
    uint32_t lo, hi;

    asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static void xsetbv0(uint64_t val)
{
    asm volatile("xsetbv" :: "c"(0), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
}

void hvm_vcpu_unload(struct vcpu *v)
{
    uint64_t *dr = v->hvm.dr;

    if (host_osxsave()) {
        v->hvm.xcr0 = xgetbv0();
        asm volatile("xsave64 %0" : "+m"(*(uint8_t (*)[FXSAVE_SIZE])v->hvm.fpu)
                     : "a"(~0u), "d"(~0u) : "memory");
        v->hvm.fpu_format = FPU_XSAVE;
    } else {
        asm volatile("fxsave64 %0" : "=m"(*(uint8_t (*)[FXSAVE_SIZE])v->hvm.fpu));
        v->hvm.fpu_format = FPU_FXSAVE;
    }
    asm volatile("mov %%dr0, %0; mov %%dr1, %1; mov %%dr2, %2; mov %%dr3, %3"
                 : "=r"(dr[0]), "=r"(dr[1]), "=r"(dr[2]), "=r"(dr[3]));
    if (hvm->vcpu_unload)
        hvm->vcpu_unload(v);
}

void hvm_vcpu_load(struct vcpu *v)
{
    const uint64_t *dr = v->hvm.dr;

    if (host_osxsave() && xgetbv0() != v->hvm.xcr0)
        xsetbv0(v->hvm.xcr0);
    if (v->hvm.fpu_format == FPU_XSAVE)
        asm volatile("xrstor64 %0" :: "m"(*(uint8_t (*)[FXSAVE_SIZE])v->hvm.fpu),
                     "a"(~0u), "d"(~0u) : "memory");
    else
        asm volatile("fxrstor64 %0" :: "m"(*(uint8_t (*)[FXSAVE_SIZE])v->hvm.fpu));
    asm volatile("mov %0, %%dr0; mov %1, %%dr1; mov %2, %%dr2; mov %3, %%dr3"
                 :: "r"(dr[0]), "r"(dr[1]), "r"(dr[2]), "r"(dr[3]));
}
