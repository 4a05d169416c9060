/* SPDX-License-Identifier: MIT */
/* Control registers, CPUID, port I/O and other single-instruction helpers. */
#ifndef X86_PROCESSOR_H
#define X86_PROCESSOR_H

#define X86_CR0_PE      (1UL << 0)
#define X86_CR0_WP      (1UL << 16)
#define X86_CR0_PG      (1UL << 31)
#define X86_CR4_PAE     (1UL << 5)
#define X86_CR4_PGE     (1UL << 7)
#define X86_CR4_OSFXSR  (1UL << 9)
#define X86_CR4_FSGSBASE (1UL << 16)
#define X86_CR4_OSXSAVE (1UL << 18)
#define X86_EFLAGS_IF   (1UL << 9)

#ifndef __ASSEMBLY__
#include <petrel/types.h>

struct cpuid_regs { uint32_t eax, ebx, ecx, edx; };

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

/* CPUID vendor: "AuthenticAMD" or "HygonGenuine" (AMD's errata, OSVW). */
static inline bool cpu_vendor_amd(void)
{
    uint32_t ebx = cpuid(0).ebx;

    return ebx == 0x68747541 || ebx == 0x6f677948;  /* "Auth", "Hygo" */
}

#define DEFINE_CR(n) \
static inline unsigned long read_cr##n(void) \
{ unsigned long v; asm volatile("mov %%cr" #n ", %0" : "=r"(v)); return v; } \
static inline void write_cr##n(unsigned long v) \
{ asm volatile("mov %0, %%cr" #n :: "r"(v) : "memory"); }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline void outb(uint16_t port, uint8_t v)
{ asm volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v)
{ asm volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v)
{ asm volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{ uint8_t v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port)
{ uint16_t v; asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port)
{ uint32_t v; asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_relax(void) { __builtin_ia32_pause(); }
static inline void local_irq_disable(void) { asm volatile("cli" ::: "memory"); }
static inline void local_irq_enable(void) { asm volatile("sti" ::: "memory"); }
static inline void halt(void) { asm volatile("hlt" ::: "memory"); }
/*
 * Let pending interrupts in, then shut them out again. STI opens interrupts
 * only after the next instruction (SDM vol. 2, STI), so "sti; cli" would
 * take none: the nop is that instruction.
 */
static inline void local_irq_window(void) { asm volatile("sti; nop; cli" ::: "memory"); }
/* Enable interrupts and halt, with no window for a wake-up to slip between. */
static inline void safe_halt(void) { asm volatile("sti; hlt" ::: "memory"); }

static inline unsigned long read_flags(void)
{
    unsigned long f;

    asm volatile("pushf; pop %0" : "=r"(f) :: "memory");
    return f;
}

static inline void invlpg(const void *va)
{
    asm volatile("invlpg (%0)" :: "r"(va) : "memory");
}

static inline void mmio_write32(volatile void *p, uint32_t v) { *(volatile uint32_t *)p = v; }
static inline uint32_t mmio_read32(const volatile void *p) { return *(const volatile uint32_t *)p; }
static inline void mmio_write64(volatile void *p, uint64_t v) { *(volatile uint64_t *)p = v; }
static inline uint64_t mmio_read64(const volatile void *p) { return *(const volatile uint64_t *)p; }

__noreturn void halt_forever(void);
#endif

#endif
