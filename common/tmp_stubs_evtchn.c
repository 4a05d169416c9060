// SPDX-License-Identifier: MIT
/*
 * TEMPORARY (helper "evtchn", issue 5): stand-ins for functions another
 * helper is writing, so that h-evtchn links on its own. Delete this file
 * (and its line in the Makefile) at merge.
 */
#include <x86/hvm/vlapic.h>

/* TEMPORARY: no virtual LAPIC yet; arch/x86/hvm/vlapic.c. */
bool vlapic_set_irq(struct vcpu *v, uint8_t vector, bool level)
{
    return false;
}
