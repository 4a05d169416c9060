/* SPDX-License-Identifier: MIT */
/*
 * Test guests: the local APIC, in xAPIC mode (MMIO at 0xfee00000, mapped by
 * head.S's identity map) or x2APIC mode (MSRs 0x800 + offset / 16). The
 * mode is per vCPU; registers are named by their xAPIC offset.
 */
#ifndef GUEST_APIC_H
#define GUEST_APIC_H

#include <stdbool.h>
#include <stdint.h>

#define APIC_MMIO_BASE  0xfee00000UL

#define APIC_ID         0x020
#define APIC_VERSION    0x030
#define APIC_TPR        0x080
#define APIC_EOI        0x0b0
#define APIC_SVR        0x0f0
#define  APIC_SVR_ENABLE        (1u << 8)
#define APIC_ICR        0x300
#define APIC_ICR2       0x310           /* xAPIC only: destination in 31:24 */
#define APIC_LVT_TIMER  0x320
#define  APIC_LVT_MASKED        (1u << 16)
#define  APIC_TIMER_ONESHOT     (0u << 17)
#define  APIC_TIMER_PERIODIC    (1u << 17)
#define  APIC_TIMER_TSC_DEADLINE (2u << 17)
#define APIC_TMICT      0x380
#define APIC_TMCCT      0x390
#define APIC_TDCR       0x3e0
#define  APIC_TDCR_DIV1         0xb

#define APIC_ICR_FIXED          (0u << 8)
#define APIC_ICR_INIT           (5u << 8)
#define APIC_ICR_STARTUP        (6u << 8)
#define APIC_ICR_BUSY           (1u << 12)      /* xAPIC delivery status */
#define APIC_ICR_ASSERT         (1u << 14)

/* Enable this vCPU's LAPIC (IA32_APIC_BASE, SVR with spurious vector
 * 0xff), in x2APIC mode when x2apic is set. false if x2APIC was asked for
 * and CPUID does not offer it. */
bool apic_enable(bool x2apic);
uint32_t apic_read(unsigned int reg);
void apic_write(unsigned int reg, uint32_t val);
void apic_eoi(void);
/* This vCPU's APIC id (xAPIC: ID bits 31:24). */
uint32_t apic_id(void);
/* Send an IPI: icr_low (vector, delivery mode, level) to APIC id dest,
 * physical destination; in xAPIC mode waits until it is no longer busy. */
void apic_send_icr(uint32_t dest, uint32_t icr_low);

#endif
