// SPDX-License-Identifier: MIT
/*
 * TEMPORARY (helper "lapic", issue 5): stand-ins for the scheduling glue
 * that common/schedule.c on main will define (include/petrel/domain.h).
 * The lead removes this file, and its line in the Makefile, at merge.
 */
#include <petrel/domain.h>
#include <petrel/printk.h>

/* Nothing to wake yet: a halted vCPU waits for the host tick. */
void vcpu_kick(struct vcpu *v)
{
}

void vcpu_up(struct vcpu *v)
{
    pr_info("d%uv%u: vcpu_up (temporary stub: not scheduled)\n", v->domain->id, v->id);
}

void vcpu_down(struct vcpu *v)
{
    pr_info("d%uv%u: vcpu_down (temporary stub)\n", v->domain->id, v->id);
}

bool vcpu_is_up(struct vcpu *v)
{
    return v->id == 0;
}
