/* SPDX-License-Identifier: MIT */
/*
 * Software timers: one queue per pCPU, sorted by expiry (TSC), on top of
 * that CPU's hardware one-shot. A timer belongs to one CPU for its life
 * (timer_init's 'cpu'); its callback runs on that CPU from the timer
 * interrupt, with interrupts off and no queue lock held, and may re-arm
 * the timer (strictly in the future, or timer_process() never ends).
 *
 * The hardware is programmed through two arch hooks, only ever for the
 * calling CPU: whenever a queue's earliest expiry changes through
 * timer_set() or timer_stop() on its own CPU, and by the interrupt handler
 * with what timer_process() returns. Arming or stopping a timer of another
 * CPU leaves that CPU's hardware alone: when the timer became the head of
 * that queue, timer_set() calls arch_timer_kick() for that CPU (an IPI
 * whose handler runs timer_process() and reprograms) and returns true.
 *
 * timer_stop() does not wait for a callback running on another CPU (which
 * may re-arm the timer); timer_kill() does, and leaves the timer stopped
 * for good unless someone else arms it: use it before freeing a timer. It
 * must not be called from the timer's own callback.
 */
#ifndef PETREL_TIMER_H
#define PETREL_TIMER_H

#include <petrel/types.h>

struct timer {
    uint64_t expires;               /* TSC value; valid while active */
    void (*fn)(struct timer *t);
    void *data;
    unsigned int cpu;
    bool active;                    /* queued, callback not yet started */
    struct timer *prev, *next;      /* in cpu's queue, earliest first */
};

void timer_init(struct timer *t, void (*fn)(struct timer *t), void *data,
                unsigned int cpu);
/* (Re)arm at 'expires'; true when a remote CPU's earliest expiry changed. */
bool timer_set(struct timer *t, uint64_t expires);
void timer_stop(struct timer *t);
void timer_kill(struct timer *t);
bool timer_pending(const struct timer *t);
/*
 * From cpu's timer interrupt: run every timer with expires <= now, earliest
 * first, and return the earliest expiry left (0: none) for the caller to
 * program. Callbacks' own timer_set()s do not program the hardware.
 */
uint64_t timer_process(unsigned int cpu, uint64_t now);

/* Arch hooks: the calling CPU, and its hardware one-shot (0 disarms). */
unsigned int arch_timer_cpu(void);
void arch_timer_program(unsigned int cpu, uint64_t expires);
/* Make 'cpu' run timer_process() and reprogram soon (an IPI). */
void arch_timer_kick(unsigned int cpu);

#endif
