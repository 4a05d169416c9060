// SPDX-License-Identifier: MIT
/*
 * TEMPORARY (helper "time"): stand-ins for functions that other work on
 * issue 5 defines (common/schedule.c, common/event_channel.c), so that this
 * branch links and its test guest runs on one vCPU. The lead removes this
 * file at merge.
 */
#include <petrel/domain.h>
#include <petrel/event.h>

/* TEMPORARY: no scheduler loop yet; only vCPU 0 ever runs. */
void vcpu_up(struct vcpu *v)
{
}

void vcpu_down(struct vcpu *v)
{
}

bool vcpu_is_up(struct vcpu *v)
{
    return v->id == 0;
}

/* TEMPORARY: one domain at a time on this branch. */
struct domain *domain_by_id(uint16_t id)
{
    return NULL;
}

/* TEMPORARY: no event channels yet; nothing is bound. */
void evtchn_send_virq(struct vcpu *v, unsigned int virq)
{
}

void vcpu_mark_events_pending(struct vcpu *v)
{
    v->vcpu_info->evtchn_upcall_pending = 1;
}
