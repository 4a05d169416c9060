/* SPDX-License-Identifier: MIT */
/*
 * The virtual local APIC (arch/x86/hvm/vlapic.c), one per vCPU: xAPIC MMIO
 * at the APIC base (0xfee00000 after reset) and x2APIC MSRs 0x800-0x8ff;
 * ID, version, TPR/PPR, EOI, ISR/IRR/TMR, LVT timer (one-shot, periodic,
 * TSC-deadline), ICR (fixed IPIs, INIT, SIPI between the vCPUs of one
 * domain), SVR, ESR.
 *
 * How interrupts flow: a source calls vlapic_set_irq(), which accepts the
 * vector into IRR and kicks the vCPU. Before each VM entry
 * hvm_intr_assist() asks vlapic_pending() for the highest vector IRR holds
 * above the processor priority, and when the guest can take it injects it
 * and calls vlapic_ack() (IRR -> ISR). The guest's EOI clears the highest
 * ISR bit.
 */
#ifndef X86_HVM_VLAPIC_H
#define X86_HVM_VLAPIC_H

#include <petrel/types.h>

struct vcpu;
struct hvm_exit;

#define VLAPIC_DEFAULT_BASE     0xfee00000ull

/* Allocate / free v->vlapic, in the reset state (xAPIC enabled at the
 * default base, APIC ID = vCPU id, everything masked). 0 or -ENOMEM. */
int vlapic_create(struct vcpu *v);
void vlapic_destroy(struct vcpu *v);
/* INIT: back to the reset state (the APIC base MSR keeps its value). */
void vlapic_reset(struct vcpu *v);

/* Accept a fixed interrupt; false if the APIC is software-disabled or the
 * vector is below 16 (then nothing happens). Kicks the vCPU. Any context. */
bool vlapic_set_irq(struct vcpu *v, uint8_t vector, bool level);
/* Highest IRR vector above PPR, or -1. On v's pCPU, interrupts off. */
int vlapic_pending(struct vcpu *v);
/* The pending vector was injected: IRR -> ISR. */
void vlapic_ack(struct vcpu *v, uint8_t vector);

/* IA32_APIC_BASE and the x2APIC MSRs (0x800-0x8ff): 0, or -1 for #GP.
 * Other MSR numbers: -1. */
int vlapic_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
int vlapic_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);
bool vlapic_is_x2apic_msr(uint32_t msr);

/* An NPF in the xAPIC page: emulate the access (the MMIO path in
 * arch/x86/hvm/mmio.c calls these with an aligned 4-byte access). */
bool vlapic_mmio_covers(struct vcpu *v, uint64_t gpa);
int vlapic_mmio_read(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t *val);
int vlapic_mmio_write(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t val);

/* The vendor's TPR shadow (SVM V_TPR, VMX virtual-APIC page) changed or is
 * to be loaded: CR8 is TPR[7:4]. */
uint8_t vlapic_get_tpr(struct vcpu *v);
void vlapic_show(struct vcpu *v);
void vlapic_set_tpr(struct vcpu *v, uint8_t tpr);

#endif
