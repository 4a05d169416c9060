// SPDX-License-Identifier: MIT
/*
 * Local APIC. x2APIC mode when the CPU has it (MSR access, 32-bit ids),
 * otherwise xAPIC through an uncached mapping of its MMIO page.
 */
#include <petrel/errno.h>
#include <petrel/panic.h>
#include <petrel/printk.h>
#include <petrel/vmap.h>
#include <x86/apic.h>
#include <x86/msr.h>
#include <x86/processor.h>
#include <x86/traps.h>

bool apic_x2apic;
static volatile uint8_t *apic_mmio;

uint32_t apic_read(unsigned int reg)
{
    if (apic_x2apic)
        return rdmsr(MSR_X2APIC_BASE + (reg >> 4));
    return mmio_read32(apic_mmio + reg);
}

void apic_write(unsigned int reg, uint32_t val)
{
    if (apic_x2apic)
        wrmsr(MSR_X2APIC_BASE + (reg >> 4), val);
    else
        mmio_write32(apic_mmio + reg, val);
}

uint32_t apic_id(void)
{
    uint32_t id = apic_read(APIC_ID);

    return apic_x2apic ? id : id >> 24;
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

int apic_send_ipi(uint32_t dest, uint32_t icr)
{
    unsigned long flags;
    int rc = -ETIMEDOUT;

    if (apic_x2apic) {
        /* A single 64-bit write; no delivery-status bit (SDM 11.12.9). */
        wrmsr(MSR_X2APIC_BASE + (APIC_ICR >> 4), ((uint64_t)dest << 32) | icr);
        return 0;
    }
    /* Two writes: an interrupt handler sending an IPI between them would
     * change the destination under us. */
    flags = read_flags();
    local_irq_disable();
    apic_write(APIC_ICR2, dest << 24);
    apic_write(APIC_ICR, icr);
    for (unsigned int i = 0; i < 1000000; i++) {
        if (!(apic_read(APIC_ICR) & ICR_BUSY)) {
            rc = 0;
            break;
        }
        cpu_relax();
    }
    if (flags & X86_EFLAGS_IF)
        local_irq_enable();
    return rc;
}

static void apic_error(struct cpu_regs *regs)
{
    apic_write(APIC_ESR, 0);
    pr_warn("APIC error on CPU %u: ESR %#x\n", apic_id(), apic_read(APIC_ESR));
}

static void apic_enable_mode(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;

    wrmsr(MSR_APIC_BASE, base);
    if (apic_x2apic)
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_X2APIC);
}

void apic_init(paddr_t base)
{
    apic_x2apic = cpuid(1).ecx & BIT(21);
    if (!apic_x2apic) {
        if (!base)
            base = rdmsr(MSR_APIC_BASE) & PAGE_MASK & 0xffffffffffUL;
        apic_mmio = ioremap(base, PAGE_SIZE);
        if (!apic_mmio)
            panic("APIC: cannot map the local APIC at %#lx", base);
    }
    irq_set_handler(VEC_APIC_ERROR, apic_error);
    pr_info("APIC: %s mode\n", apic_x2apic ? "x2APIC" : "xAPIC");
}

void apic_init_cpu(bool bsp)
{
    apic_enable_mode();
    if (!apic_x2apic) {
        apic_write(APIC_DFR, 0xffffffff);   /* flat model */
        apic_write(APIC_LDR, 0);
    }
    apic_write(APIC_TPR, 0);
    apic_write(APIC_LVT_TIMER, LVT_MASKED);
    apic_write(APIC_LVT_LINT0, LVT_MASKED);
    apic_write(APIC_LVT_LINT1, bsp ? ICR_NMI : LVT_MASKED);
    apic_write(APIC_LVT_ERROR, VEC_APIC_ERROR);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_SVR, APIC_SVR_ENABLE | VEC_SPURIOUS);
    apic_eoi();
}
