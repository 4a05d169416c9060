// SPDX-License-Identifier: MIT
/*
 * dom0's event-channel work (dom0.h): xenstored's and the console
 * backend's ports. The upcall handler only sets the port's bit; the event
 * loop calls ports_run(), which calls each noted port's function with
 * interrupts enabled, where it may take as long as it needs.
 */
#include <public/errno.h>
#include "dom0.h"
#include "xen.h"

struct port_work {
    port_work_fn fn;
    void *arg;
};

static struct port_work work[EVTCHN_HANDLED_PORTS];
static volatile uint64_t noted[EVTCHN_HANDLED_PORTS / 64];
static uint64_t upcalls[EVTCHN_HANDLED_PORTS];  /* events delivered, per port */

static void note(evtchn_port_t port)
{
    __atomic_or_fetch(&noted[port / 64], 1ull << (port % 64), __ATOMIC_SEQ_CST);
}

/* The upcall's handler (events are delivered to vCPU 0 only). */
static void on_port(evtchn_port_t port, void *arg)
{
    upcalls[port]++;
    note(port);
}

int ports_bind(evtchn_port_t port, port_work_fn fn, void *arg)
{
    if (port >= EVTCHN_HANDLED_PORTS || !fn)
        return -XEN_EINVAL;
    work[port].fn = fn;
    work[port].arg = arg;
    upcalls[port] = 0;
    evtchn_set_handler(port, 0, on_port, NULL);
    /* Run once: the port may have fired before it had a handler. */
    note(port);
    return 0;
}

void ports_kick(evtchn_port_t port)
{
    if (port < EVTCHN_HANDLED_PORTS && work[port].fn)
        note(port);
}

uint64_t ports_events(evtchn_port_t port)
{
    return port < EVTCHN_HANDLED_PORTS ? upcalls[port] : 0;
}

void ports_unbind(evtchn_port_t port)
{
    if (port >= EVTCHN_HANDLED_PORTS)
        return;
    evtchn_mask(port);
    evtchn_set_handler(port, 0, NULL, NULL);
    work[port].fn = NULL;
    __atomic_and_fetch(&noted[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
}

bool ports_pending(void)
{
    for (unsigned int w = 0; w < EVTCHN_HANDLED_PORTS / 64; w++)
        if (noted[w])
            return true;
    return false;
}

void ports_run(void)
{
    for (unsigned int w = 0; w < EVTCHN_HANDLED_PORTS / 64; w++) {
        uint64_t bits = __atomic_exchange_n(&noted[w], 0, __ATOMIC_SEQ_CST);

        while (bits) {
            evtchn_port_t port = w * 64 + __builtin_ctzll(bits);

            bits &= bits - 1;
            /* A function may unbind ports, its own included. */
            if (work[port].fn)
                work[port].fn(port, work[port].arg);
        }
    }
}
