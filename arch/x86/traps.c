// SPDX-License-Identifier: MIT
/*
 * The IDT and the C side of every trap. Exceptions in the hypervisor are
 * its own bugs: they are reported and panic. Interrupts go to the handler
 * registered for their vector, then the LAPIC gets its EOI.
 */
#include <petrel/printk.h>
#include <petrel/panic.h>
#include <x86/apic.h>
#include <x86/percpu.h>
#include <x86/processor.h>
#include <x86/segment.h>
#include <x86/traps.h>

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, reserved;
} __packed;

static struct idt_gate idt[256] __aligned(16);
static irq_handler_t irq_handlers[256];
extern const uint64_t trap_stubs[256];

static const char *const exc_names[32] = {
    "DIVIDE ERROR", "DEBUG", "NMI", "BREAKPOINT", "OVERFLOW", "BOUND RANGE",
    "INVALID OPCODE", "DEVICE NOT AVAILABLE", "DOUBLE FAULT",
    "COPROCESSOR OVERRUN", "INVALID TSS", "SEGMENT NOT PRESENT",
    "STACK FAULT", "GENERAL PROTECTION", "PAGE FAULT", "RESERVED 15",
    "X87 FPU ERROR", "ALIGNMENT CHECK", "MACHINE CHECK", "SIMD FP ERROR",
    "VIRTUALIZATION", "CONTROL PROTECTION",
};

static void set_gate(unsigned int vec, uint64_t fn, unsigned int ist)
{
    idt[vec] = (struct idt_gate){
        .off_lo = fn & 0xffff, .sel = GDT_CS64, .ist = ist,
        .type = 0x8e,               /* present, DPL 0, 64-bit interrupt gate */
        .off_mid = (fn >> 16) & 0xffff, .off_hi = fn >> 32,
    };
}

void idt_load(void)
{
    struct { uint16_t limit; uint64_t base; } __packed dp = { sizeof(idt) - 1, (uint64_t)idt };

    asm volatile("lidt %0" :: "m"(dp));
}

void traps_init(void)
{
    for (unsigned int v = 0; v < 256; v++)
        set_gate(v, trap_stubs[v], 0);
    set_gate(X86_EXC_NMI, trap_stubs[X86_EXC_NMI], IST_NMI);
    set_gate(X86_EXC_DF, trap_stubs[X86_EXC_DF], IST_DF);
    set_gate(X86_EXC_MC, trap_stubs[X86_EXC_MC], IST_MC);
    idt_load();
}

void irq_set_handler(unsigned int vector, irq_handler_t fn)
{
    ASSERT(vector >= 32 && vector < 256);
    irq_handlers[vector] = fn;
}

static void do_nmi(struct cpu_regs *regs)
{
    if (panic_cpu >= 0 && panic_cpu != (int)smp_processor_id())
        halt_forever();             /* another CPU panicked and stops us */
    pr_warn("NMI on CPU %u at %#lx, ignored\n", smp_processor_id(), regs->rip);
}

void do_trap(struct cpu_regs *regs)
{
    unsigned int vec = regs->vector;

    if (vec == X86_EXC_NMI) {
        do_nmi(regs);
        return;
    }
    if (vec < 32)
        panic_regs(regs, "%s (vector %u, error code %#lx) in the hypervisor",
                   exc_names[vec] ? exc_names[vec] : "RESERVED", vec,
                   regs->error_code);
    if (vec == VEC_SPURIOUS)
        return;                     /* no EOI for spurious interrupts */
    if (irq_handlers[vec])
        irq_handlers[vec](regs);
    else
        pr_warn("unexpected interrupt, vector %#x, on CPU %u\n", vec,
                smp_processor_id());
    apic_eoi();
}
