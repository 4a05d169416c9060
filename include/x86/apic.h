/* SPDX-License-Identifier: MIT */
/* The local APIC, in xAPIC (MMIO) or x2APIC (MSR) mode (arch/x86/apic.c). */
#ifndef X86_APIC_H
#define X86_APIC_H

#include <petrel/types.h>

#define APIC_ID         0x020
#define APIC_VERSION    0x030
#define APIC_TPR        0x080
#define APIC_EOI        0x0b0
#define APIC_LDR        0x0d0
#define APIC_DFR        0x0e0
#define APIC_SVR        0x0f0
#define  APIC_SVR_ENABLE    (1U << 8)
#define APIC_ESR        0x280
#define APIC_ICR        0x300
#define APIC_ICR2       0x310
#define APIC_LVT_TIMER  0x320
#define  LVT_MASKED         (1U << 16)
#define  LVT_TIMER_TSCDEADLINE (2U << 17)
#define APIC_LVT_LINT0  0x350
#define APIC_LVT_LINT1  0x360
#define APIC_LVT_ERROR  0x370
#define APIC_TMICT      0x380       /* timer initial count */
#define APIC_TMCCT      0x390       /* timer current count */
#define APIC_TDCR       0x3e0       /* timer divide configuration */

/* ICR fields (SDM vol. 3, 11.6.1). */
#define ICR_FIXED       (0U << 8)
#define ICR_NMI         (4U << 8)
#define ICR_INIT        (5U << 8)
#define ICR_STARTUP     (6U << 8)
#define ICR_BUSY        (1U << 12)
#define ICR_ASSERT      (1U << 14)
#define ICR_LEVEL       (1U << 15)
#define ICR_ALL_BUT_SELF (3U << 18)

extern bool apic_x2apic;            /* x2APIC mode on every CPU */

/* Boot CPU: choose the mode, map the registers; then apic_init_cpu(). */
void apic_init(paddr_t base);
/* Each CPU: enable, spurious and error vectors, LINTs masked (LINT1 NMI on BSP). */
void apic_init_cpu(bool bsp);
uint32_t apic_read(unsigned int reg);
void apic_write(unsigned int reg, uint32_t val);
uint32_t apic_id(void);
void apic_eoi(void);
/* Send an IPI; 'dest' is an APIC id (ignored with a shorthand in 'icr').
 * Returns 0, or -ETIMEDOUT if the xAPIC never reported delivery. */
int apic_send_ipi(uint32_t dest, uint32_t icr);

#endif
