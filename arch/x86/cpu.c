// SPDX-License-Identifier: MIT
/* Processor identification and per-CPU control-register setup. */
#include <petrel/lib.h>
#include <petrel/printk.h>
#include <petrel/spinlock.h>
#include <x86/msr.h>
#include <x86/processor.h>

unsigned long arch_irq_save(void)
{
    unsigned long flags = read_flags();

    local_irq_disable();
    return flags;
}

void arch_irq_restore(unsigned long flags)
{
    if (flags & X86_EFLAGS_IF)
        local_irq_enable();
}

void halt_forever(void)
{
    for (;;) {
        local_irq_disable();
        halt();
    }
}

static void brand_string(char *buf)
{
    uint32_t *w = (uint32_t *)buf;

    if (cpuid(0x80000000).eax < 0x80000004) {
        buf[0] = 0;
        return;
    }
    for (unsigned int i = 0; i < 3; i++) {
        struct cpuid_regs r = cpuid(0x80000002 + i);

        w[i * 4 + 0] = r.eax;
        w[i * 4 + 1] = r.ebx;
        w[i * 4 + 2] = r.ecx;
        w[i * 4 + 3] = r.edx;
    }
    buf[48] = 0;
}

/* Log what this machine's CPU offers that Petrel cares about. */
void cpu_report(void)
{
    struct cpuid_regs v = cpuid(0), f = cpuid(1), e = cpuid(0x80000001);
    char vendor[13], brand[49];
    const char *b = brand;

    memcpy(vendor + 0, &v.ebx, 4);
    memcpy(vendor + 4, &v.edx, 4);
    memcpy(vendor + 8, &v.ecx, 4);
    vendor[12] = 0;
    brand_string(brand);
    while (*b == ' ')
        b++;
    pr_info("CPU: %s family %#x model %#x: %s\n", vendor,
            ((f.eax >> 8) & 0xf) + ((f.eax >> 20) & 0xff), ((f.eax >> 4) & 0xf) |
            ((f.eax >> 12) & 0xf0), *b ? b : "(no brand string)");
    pr_info("CPU: features:%s%s%s%s%s%s\n",
            (e.ecx & BIT(2)) ? " svm" : "", (f.ecx & BIT(5)) ? " vmx" : "",
            (e.edx & BIT(20)) ? " nx" : "", (e.edx & BIT(26)) ? " 1g-pages" : "",
            (f.ecx & BIT(21)) ? " x2apic" : "", (f.ecx & BIT(24)) ? " tsc-deadline" : "");
    /* Said here, early and plainly; hvm_init() later says what else is missing. */
    if (!(e.ecx & BIT(2)) && !(f.ecx & BIT(5)))
        pr_warn("CPU: neither AMD SVM nor Intel VT-x (VMX) is offered: Petrel cannot run "
                "guests here%s\n", (f.ecx & BIT(31)) ?
                "; this CPU is virtual: give the VM nested virtualization (docs/kvm.md)" :
                "; if the CPU has it, turn on SVM/AMD-V or VT-x in the firmware setup");
}

/* Control registers every CPU needs: WP (set at entry), PGE, FSGSBASE off. */
void cpu_init_cr(void)
{
    unsigned long cr4 = read_cr4();

    if (cpuid(1).edx & BIT(13))
        cr4 |= X86_CR4_PGE;
    /* FXSAVE/FXRSTOR of guests' SSE state (arch/x86/hvm/fpu.c) need it. */
    if (cpuid(1).edx & BIT(24))
        cr4 |= X86_CR4_OSFXSR;
    write_cr4(cr4);
}
