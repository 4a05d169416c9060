/* SPDX-License-Identifier: MIT */
/* Model-specific registers Petrel uses, and access helpers. */
#ifndef X86_MSR_H
#define X86_MSR_H

#define MSR_APIC_BASE           0x0000001b
#define  APIC_BASE_BSP          (1UL << 8)
#define  APIC_BASE_X2APIC       (1UL << 10)
#define  APIC_BASE_ENABLE       (1UL << 11)
#define MSR_TSC                 0x00000010
#define MSR_SYSENTER_CS         0x00000174
#define MSR_SYSENTER_ESP        0x00000175
#define MSR_SYSENTER_EIP        0x00000176
#define MSR_PAT                 0x00000277
#define MSR_TSC_DEADLINE        0x000006e0
#define MSR_X2APIC_BASE         0x00000800
#define MSR_EFER                0xc0000080
#define  EFER_SCE               (1UL << 0)
#define  EFER_LME               (1UL << 8)
#define  EFER_LMA               (1UL << 10)
#define  EFER_NXE               (1UL << 11)
#define  EFER_SVME              (1UL << 12)
#define MSR_STAR                0xc0000081
#define MSR_LSTAR               0xc0000082
#define MSR_CSTAR               0xc0000083
#define MSR_SFMASK              0xc0000084
#define MSR_FS_BASE             0xc0000100
#define MSR_GS_BASE             0xc0000101
#define MSR_KERNEL_GS_BASE      0xc0000102

#ifndef __ASSEMBLY__
#include <petrel/types.h>

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
    asm volatile("wrmsr" :: "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
                 : "memory");
}
#endif

#endif
