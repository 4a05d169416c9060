// SPDX-License-Identifier: MIT
/*
 * TEMPORARY (helper "time"): stand-ins for what the event-channel work
 * (common/event_channel.c) defines, so that this branch links. The lead
 * removes this file at merge.
 */
#include <petrel/domain.h>
#include <petrel/event.h>

/* TEMPORARY: no event channels yet; nothing is bound. */
void evtchn_send_virq(struct vcpu *v, unsigned int virq)
{
}

void vcpu_mark_events_pending(struct vcpu *v)
{
    v->vcpu_info->evtchn_upcall_pending = 1;
}
