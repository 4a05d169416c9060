/* SPDX-License-Identifier: MIT */
/*
 * Time for guests (common/vcpu_op.c and friends): the pvclock in each
 * vcpu_info, the wallclock in shared_info, and the vCPUs' timers.
 */
#ifndef PETREL_TIME_H
#define PETREL_TIME_H

struct vcpu;

/* Publish v's vcpu_time_info for the pCPU it runs on now (the scheduler
 * calls it each time v is switched in). */
void vcpu_update_time(struct vcpu *v);
/* Stop v's timers for good (domain destruction); waits for a callback
 * running on another pCPU to finish. */
void vcpu_timers_stop(struct vcpu *v);

#endif
