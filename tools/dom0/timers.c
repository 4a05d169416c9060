// SPDX-License-Identifier: MIT
/*
 * dom0's timers: one-shot callbacks at a system time (ns), on VIRQ_TIMER.
 * Armed timers sit in a list sorted by deadline; the vCPU's single-shot
 * timer (VCPUOP_set_singleshot_timer) is kept at the earliest. The VIRQ's
 * handler only notes that it fired; timers_run(), from the event loop,
 * calls what is due and sets the next deadline.
 */
#include <public/errno.h>
#include "dom0.h"
#include "test.h"
#include "xen.h"

static struct dom0_timer *armed;        /* sorted by deadline */
static volatile uint32_t fired;

static void on_timer_virq(evtchn_port_t port, void *arg)
{
    fired = 1;
}

int timers_init(void)
{
    /* Binds VIRQ_TIMER on vCPU 0 and stops Xen's 10 ms periodic timer:
     * dom0 wakes for events and its own deadlines only. */
    return timer_bind(0, on_timer_virq, NULL, NULL);
}

bool timers_pending(void)
{
    return fired;
}

static void program(void)
{
    if (armed)
        timer_set_singleshot(0, armed->deadline, 0);
    else
        timer_stop_singleshot(0);
}

void timer_disarm(struct dom0_timer *t)
{
    for (struct dom0_timer **p = &armed; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    t->next = NULL;
}

void timer_arm(struct dom0_timer *t, uint64_t deadline_ns)
{
    struct dom0_timer **p = &armed;

    timer_disarm(t);
    t->deadline = deadline_ns;
    while (*p && (*p)->deadline <= deadline_ns)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
    program();
}

void timers_run(void)
{
    uint64_t now;

    fired = 0;
    now = now_ns();
    while (armed && armed->deadline <= now) {
        struct dom0_timer *t = armed;

        armed = t->next;
        t->next = NULL;
        t->fn(t->arg);
    }
    program();
}
