/* SPDX-License-Identifier: MIT */
/* Test guests: local APIC access, xAPIC (MMIO) or x2APIC (MSRs). */
#include "apic.h"
#include "smp.h"
#include "x86.h"

#define SPURIOUS_VECTOR 0xff

static volatile uint32_t *mmio(unsigned int reg)
{
    return (volatile uint32_t *)(APIC_MMIO_BASE + reg);
}

uint32_t apic_read(unsigned int reg)
{
    if (this_cpu()->x2apic)
        return (uint32_t)rdmsr(MSR_X2APIC_BASE + reg / 16);
    return *mmio(reg);
}

void apic_write(unsigned int reg, uint32_t val)
{
    if (this_cpu()->x2apic)
        wrmsr(MSR_X2APIC_BASE + reg / 16, val);
    else
        *mmio(reg) = val;
}

bool apic_enable(bool x2apic)
{
    uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;

    if (x2apic) {
        if (!(cpuid(1).ecx & CPUID1_ECX_X2APIC))
            return false;
        base |= APIC_BASE_X2APIC;
    }
    wrmsr(MSR_APIC_BASE, base);
    this_cpu()->x2apic = x2apic;
    apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_VECTOR);
    return true;
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

uint32_t apic_id(void)
{
    uint32_t id = apic_read(APIC_ID);

    return this_cpu()->x2apic ? id : id >> 24;
}

void apic_send_icr(uint32_t dest, uint32_t icr_low)
{
    if (this_cpu()->x2apic) {
        wrmsr(MSR_X2APIC_BASE + APIC_ICR / 16, ((uint64_t)dest << 32) | icr_low);
        return;
    }
    *mmio(APIC_ICR2) = dest << 24;
    *mmio(APIC_ICR) = icr_low;
    for (int i = 0; i < 1000000 && (*mmio(APIC_ICR) & APIC_ICR_BUSY); i++)
        cpu_relax();
}
