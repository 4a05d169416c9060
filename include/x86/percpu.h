/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data: one struct per processor, reached through GS (its first
 * field points at itself), so this_cpu() is one load, no lookup.
 */
#ifndef X86_PERCPU_H
#define X86_PERCPU_H

#include <petrel/config.h>
#include <petrel/types.h>
#include <x86/segment.h>

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __packed;

struct percpu {
    struct percpu *self;            /* %gs:0; must stay first */
    unsigned int cpu;               /* logical number, 0 = boot CPU */
    uint32_t apic_id;
    bool online;                    /* set by the CPU itself when ready */
    uint64_t stack_top;             /* top of its hypervisor stack */
    uint64_t gdt[GDT_ENTRIES];
    struct tss tss;
    uint8_t *ist_stacks;            /* IST_COUNT stacks of IST_STACK_SIZE */
    uint64_t timer_deadline;        /* TSC value of the armed one-shot, 0 = none */
    uint64_t timer_fired;           /* count of timer interrupts taken */
};

#define STACK_SIZE      16384
#define IST_STACK_SIZE  STACK_SIZE     /* each stack STACK_SIZE aligned */

extern struct percpu *percpu_area[NR_CPUS];
extern unsigned int nr_cpus_online;

static inline struct percpu *this_cpu(void)
{
    struct percpu *p;

    asm volatile("mov %%gs:0, %0" : "=r"(p));
    return p;
}

static inline unsigned int smp_processor_id(void)
{
    return this_cpu()->cpu;
}

/* Point GS at 'p' on the calling CPU. */
void percpu_set(struct percpu *p);

#endif
