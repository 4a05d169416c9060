/* SPDX-License-Identifier: MIT */
/* Test guests: x86 instructions, registers and constants as inline helpers. */
#ifndef GUEST_X86_H
#define GUEST_X86_H

#ifdef __ASSEMBLY__
#define U_(x)           x
#else
#define U_(x)           x##u
#endif

#define CR0_PE          (U_(1) << 0)
#define CR0_WP          (U_(1) << 16)
#define CR0_PG          (U_(1) << 31)
#define CR4_PAE         (U_(1) << 5)

#define MSR_TSC         0x00000010
#define MSR_APIC_BASE   0x0000001b
#define  APIC_BASE_X2APIC (U_(1) << 10)
#define  APIC_BASE_ENABLE (U_(1) << 11)
#define MSR_TSC_DEADLINE 0x000006e0
#define MSR_X2APIC_BASE 0x00000800      /* + xAPIC MMIO offset / 16 */
#define MSR_SYSENTER_CS 0x00000174
#define MSR_SYSENTER_ESP 0x00000175
#define MSR_SYSENTER_EIP 0x00000176
#define MSR_PAT         0x00000277
#define MSR_EFER        0xc0000080
#define  EFER_SCE       (U_(1) << 0)
#define  EFER_LME       (U_(1) << 8)
#define  EFER_LMA       (U_(1) << 10)
#define  EFER_NXE       (U_(1) << 11)
#define  EFER_SVME      (U_(1) << 12)
#define MSR_STAR        0xc0000081
#define MSR_LSTAR       0xc0000082
#define MSR_CSTAR       0xc0000083
#define MSR_SFMASK      0xc0000084
#define MSR_FS_BASE     0xc0000100
#define MSR_GS_BASE     0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

/* Exception vectors (SDM vol. 3 table 6-1). */
#define X86_EXC_DE      0
#define X86_EXC_DB      1
#define X86_EXC_NMI     2
#define X86_EXC_BP      3
#define X86_EXC_UD      6
#define X86_EXC_DF      8
#define X86_EXC_GP      13
#define X86_EXC_PF      14

/* CPUID feature bits the tests look at. */
#define CPUID1_ECX_VMX          (U_(1) << 5)
#define CPUID1_ECX_X2APIC       (U_(1) << 21)
#define CPUID1_ECX_TSC_DEADLINE (U_(1) << 24)
#define CPUID1_EDX_APIC         (U_(1) << 9)
#define CPUID1_ECX_HYPERVISOR   (U_(1) << 31)
#define CPUID1_EDX_TSC          (U_(1) << 4)
#define CPUID1_EDX_PAT          (U_(1) << 16)
#define CPUIDX1_ECX_SVM         (U_(1) << 2)       /* leaf 0x80000001 */
#define CPUIDX1_EDX_NX          (U_(1) << 20)
#define CPUIDX1_EDX_PAGE1GB     (U_(1) << 26)
#define CPUIDX1_EDX_LM          (U_(1) << 29)

#ifndef __ASSEMBLY__
#include <stdint.h>

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid_count(uint32_t leaf, uint32_t sub)
{
    struct cpuid_regs r;

    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                 : "a"(leaf), "c"(sub));
    return r;
}

static inline struct cpuid_regs cpuid(uint32_t leaf)
{
    return cpuid_count(leaf, 0);
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
    asm volatile("wrmsr" :: "c"(msr), "a"((uint32_t)val),
                 "d"((uint32_t)(val >> 32)) : "memory");
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* RDTSC after every earlier load has completed (LFENCE orders RDTSC on
 * Intel and on AMD with LFENCE made dispatch-serializing, as every
 * hypervisor-visible AMD CPU has): for comparing a clock with a value
 * loaded just before. */
static inline uint64_t rdtsc_ordered(void)
{
    asm volatile("lfence" ::: "memory");
    return rdtsc();
}

static inline uint64_t read_cr0(void)
{
    uint64_t v;

    asm volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_cr2(void)
{
    uint64_t v;

    asm volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_cr3(void)
{
    uint64_t v;

    asm volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_cr4(void)
{
    uint64_t v;

    asm volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static inline void invlpg(const void *va)
{
    asm volatile("invlpg (%0)" :: "r"(va) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    asm volatile("inb %w1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;

    asm volatile("inw %w1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;

    asm volatile("inl %w1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
    asm volatile("outb %0, %w1" :: "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
    asm volatile("outw %0, %w1" :: "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    asm volatile("outl %0, %w1" :: "a"(v), "Nd"(port));
}

static inline void sti(void)
{
    asm volatile("sti" ::: "memory");
}

static inline void cli(void)
{
    asm volatile("cli" ::: "memory");
}

/* Enable interrupts and halt, with no window between the two (STI's
 * interrupt shadow covers HLT): an interrupt pending or arriving wakes
 * the vCPU and runs its handler. Returns with interrupts enabled. */
static inline void safe_halt(void)
{
    asm volatile("sti; hlt" ::: "memory");
}

static inline void cpu_relax(void)
{
    asm volatile("pause" ::: "memory");
}

static inline uint64_t read_rflags(void)
{
    uint64_t v;

    asm volatile("pushfq; pop %0" : "=r"(v) :: "memory");
    return v;
}

#define RFLAGS_IF       (U_(1) << 9)

static inline __attribute__((noreturn)) void halt_forever(void)
{
    for (;;)
        asm volatile("cli; hlt");
}

/* Load an empty IDT and execute ud2: #UD cannot be delivered (#GP), nor
 * can that (#DF): a triple fault, a shutdown event that the hypervisor
 * turns into a shutdown of the domain with its HVM_PARAM_TRIPLE_FAULT_REASON
 * (reboot unless set; a guest that wants the crash path sets
 * SHUTDOWN_crash first). Returns only if it did not. */
static inline void triple_fault(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) empty = { 0, 0 };

    asm volatile("lidt %0\n\tud2" :: "m"(empty) : "memory");
}

/* A 64-bit address is canonical when bits 63:47 are all equal. */
static inline int is_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}
#endif

#endif
