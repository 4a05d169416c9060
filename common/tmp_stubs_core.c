// SPDX-License-Identifier: MIT
/* TEMPORARY: stand-ins until the vLAPIC, event-channel and time work lands. */
#include <petrel/domain.h>
#include <petrel/event.h>
#include <petrel/time.h>
#include <x86/hvm/vlapic.h>

int vlapic_pending(struct vcpu *v) { return -1; }
void vlapic_ack(struct vcpu *v, uint8_t vector) { }
uint8_t vlapic_get_tpr(struct vcpu *v) { return 0; }
void vlapic_set_tpr(struct vcpu *v, uint8_t tpr) { }
