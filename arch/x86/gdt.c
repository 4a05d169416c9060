// SPDX-License-Identifier: MIT
/* Per-CPU GDT and TSS: flat 64-bit segments, IST stacks for NMI, #DF, #MC. */
#include <petrel/mm.h>
#include <petrel/panic.h>
#include <x86/msr.h>
#include <x86/percpu.h>
#include <x86/segment.h>

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __packed;

static uint64_t tss_desc_low(const struct tss *tss)
{
    uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;

    return (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89UL << 40) |
           ((limit >> 16) << 48) | (((base >> 24) & 0xff) << 56);
}

void percpu_set(struct percpu *p)
{
    p->self = p;
    wrmsr(MSR_GS_BASE, (uint64_t)p);
}

/*
 * Build and load this CPU's GDT and TSS. Called on each CPU with its own
 * percpu already set (GS valid), IST stacks allocated by the caller.
 */
void gdt_load(struct percpu *p)
{
    struct desc_ptr dp = { sizeof(p->gdt) - 1, (uint64_t)p->gdt };

    BUILD_BUG_ON(sizeof(struct tss) != 104);
    p->gdt[GDT_NULL / 8] = 0;
    p->gdt[GDT_CS64 / 8] = 0x00af9a000000ffffUL;
    p->gdt[GDT_DS / 8] = 0x00cf92000000ffffUL;
    p->gdt[GDT_CS32 / 8] = 0x00cf9a000000ffffUL;
    p->gdt[GDT_TSS / 8] = tss_desc_low(&p->tss);
    p->gdt[GDT_TSS / 8 + 1] = (uint64_t)&p->tss >> 32;

    for (unsigned int i = 0; i < IST_COUNT; i++)
        p->tss.ist[i] = (uint64_t)p->ist_stacks + (i + 1) * IST_STACK_SIZE;
    p->tss.iomap_base = sizeof(struct tss);

    asm volatile("lgdt %0\n\t"
                 "pushq %1\n\t"
                 "leaq 1f(%%rip), %%rax\n\t"
                 "pushq %%rax\n\t"
                 "lretq\n"
                 "1:\n\t"
                 "mov %2, %%ss\n\t"
                 "ltr %w3"
                 :: "m"(dp), "i"(GDT_CS64), "r"(GDT_DS), "r"(GDT_TSS)
                 : "rax", "memory");
}
