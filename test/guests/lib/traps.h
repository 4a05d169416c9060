/* SPDX-License-Identifier: MIT */
/* Test guests: the interrupt frame and per-vector C handlers. */
#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#include <stdint.h>

/* The frame entry.S builds: saved registers, then what the CPU pushed. */
struct cpu_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

typedef void (*irq_handler_t)(struct cpu_regs *regs);

/*
 * Call fn for every interrupt or exception on vector (0-255), on whichever
 * vCPU takes it, with interrupts disabled (interrupt gates). For an
 * exception vector, an exception-table entry still wins; fn replaces the
 * unexpected-exception report. NULL removes the handler. The IDT is shared
 * by all vCPUs; set handlers before enabling the interrupt source.
 */
void irq_set_handler(unsigned int vector, irq_handler_t fn);

/* Load the shared IDT on the calling vCPU (done for vCPU 0 at boot and for
 * vCPUs started with smp_start_vcpu()). */
void idt_load(void);

#endif
