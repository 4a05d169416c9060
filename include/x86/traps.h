/* SPDX-License-Identifier: MIT */
/* Exceptions and interrupts: the saved register frame and the vectors. */
#ifndef X86_TRAPS_H
#define X86_TRAPS_H

#define X86_EXC_DE      0
#define X86_EXC_DB      1
#define X86_EXC_NMI     2
#define X86_EXC_BP      3
#define X86_EXC_UD      6
#define X86_EXC_DF      8
#define X86_EXC_GP      13
#define X86_EXC_PF      14
#define X86_EXC_MC      18

/* Vectors for the devices' MSI and MSI-X messages (drivers/msi.c). */
#define VEC_PIRQ_FIRST  0x30
#define VEC_PIRQ_LAST   0xdf

/* Interrupt vectors Petrel uses for itself. */
#define VEC_SERIAL      0xe0        /* the console UART's receive interrupt */
#define VEC_IOMMU_FAULT 0xe1        /* the IOMMU's fault event (drivers/iommu/) */
#define VEC_TIMER       0xf0
#define VEC_IPI_CALL    0xf1        /* run a function on another CPU */
#define VEC_KICK        0xf2        /* reschedule, look at timers, leave the guest */
#define VEC_APIC_ERROR  0xfe
#define VEC_SPURIOUS    0xff

#ifndef __ASSEMBLY__
#include <petrel/types.h>

/* Pushed by arch/x86/entry.S: general registers, then the hardware frame. */
struct cpu_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

typedef void (*irq_handler_t)(struct cpu_regs *regs);

/* Load this CPU's IDT (built once by traps_init on the boot CPU). */
void traps_init(void);
void idt_load(void);
/* Route 'vector' (32..255) to 'fn'; the handler runs with interrupts off
 * and the LAPIC EOI is sent after it returns. */
void irq_set_handler(unsigned int vector, irq_handler_t fn);

void do_trap(struct cpu_regs *regs);

/* arch/x86/stacktrace.c */
void show_registers(const struct cpu_regs *regs);
/* Trace from a frame pointer; 'rip' (if nonzero) is printed first. */
void show_stack_trace(uint64_t rip, uint64_t rbp);
/* "name+0xoff" of an address in the image, or NULL. */
const char *symbol_lookup(uint64_t addr, uint64_t *offset);

/* common/panic.c: a fatal exception in the hypervisor. */
__noreturn void panic_regs(const struct cpu_regs *regs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
extern volatile int panic_cpu;      /* -1 unless a panic is in progress */
#endif

#endif
