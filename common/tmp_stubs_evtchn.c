// SPDX-License-Identifier: MIT
/*
 * TEMPORARY (helper "evtchn", issue 5): stand-ins for functions the lead and
 * the other helpers are writing on main, so that h-evtchn links on its own.
 * Delete this file (and its line in the Makefile) at merge.
 */
#include <petrel/domain.h>
#include <x86/hvm/vlapic.h>

/* TEMPORARY: the single-domain world of dom0=test; common/schedule.c. */
void vcpu_kick(struct vcpu *v)
{
    v->hvm.halted = false;
}

/* TEMPORARY: the old SCHEDOP_block behaviour; common/schedule.c. */
void vcpu_block(struct vcpu *v)
{
    v->hvm.halted = true;
}

/* TEMPORARY: no domain table yet; common/domain.c. */
struct domain *domain_by_id(uint16_t id)
{
    return NULL;
}

/* TEMPORARY: no virtual LAPIC yet; arch/x86/hvm/vlapic.c. */
bool vlapic_set_irq(struct vcpu *v, uint8_t vector, bool level)
{
    return false;
}
