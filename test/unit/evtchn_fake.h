/* SPDX-License-Identifier: MIT */
/*
 * Fake domains for the event-channel unit tests (test_evtchn.c,
 * test_sched_poll.c): the stand-ins evtchn_fake.c gives the code under test
 * (guest copies of host pointers, recorded kicks, blocks and vLAPIC
 * interrupts, domain_by_id with counted references, a settable clock), and
 * small wrappers that issue the hypercalls and read the shared pages.
 */
#ifndef TEST_EVTCHN_FAKE_H
#define TEST_EVTCHN_FAKE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/hypercall.h>
#include <public/event_channel.h>

#define BAD_GVA     0x10ull     /* copies from or to it fault */
#define MAX_LOG     64

/* What the code under test asked for, since clear_log(). */
extern struct vcpu *kicked[MAX_LOG];
extern unsigned int nr_kicked;
extern struct vcpu *blocked[MAX_LOG];
extern unsigned int nr_blocked;
struct irq_record {
    struct vcpu *v;
    uint8_t vector;
};
extern struct irq_record irqs[MAX_LOG];
extern unsigned int nr_irqs;
extern uint64_t fake_now;                   /* system_time_ns() */
extern struct domain *console_flushed;      /* console_io_flush()'s last domain */

/* Pirqs 1..FAKE_PIRQS stand mapped (pirq_bind()); the port each was last
 * bound to. */
#define FAKE_PIRQS  4
extern uint32_t fake_pirq_port[FAKE_PIRQS + 1];

/* The scheduler model: set by vcpu_block(), cleared by a later vcpu_kick(). */
bool *blocked_flag(struct vcpu *v);
unsigned int kicks_of(struct vcpu *v);
void clear_log(void);

/* A domain with real shared_info and event channels, findable by id;
 * free_domain() checks every domain_by_id() reference was dropped. */
struct domain *make_domain(uint16_t id, unsigned int nr_vcpus, bool privileged);
void free_domain(struct domain *d);

/* cmocka fixtures: a clean log and clock; afterwards no domain and no
 * timer may be left (a failed test's are freed). */
int fake_setup(void **state);
int fake_teardown(void **state);
#define FAKE_TEST(f)    cmocka_unit_test_setup_teardown(f, fake_setup, fake_teardown)

static inline long evop(struct vcpu *v, unsigned int cmd, void *arg)
{
    return do_event_channel_op(v, cmd, (uintptr_t)arg, 0, 0, 0);
}

static inline long hvmop(struct vcpu *v, unsigned int cmd, void *arg)
{
    return do_hvm_op(v, cmd, (uintptr_t)arg, 0, 0, 0);
}

/* The calls every op wraps, returning the new port (or failing the test). */
static inline uint32_t alloc_unbound(struct vcpu *v, domid_t dom, domid_t remote)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };

    assert_int_equal(evop(v, EVTCHNOP_alloc_unbound, &a), 0);
    assert_true(a.port > 0);
    return a.port;
}

static inline uint32_t bind_interdomain(struct vcpu *v, domid_t remote, uint32_t rport)
{
    struct evtchn_bind_interdomain b = { .remote_dom = remote, .remote_port = rport };

    assert_int_equal(evop(v, EVTCHNOP_bind_interdomain, &b), 0);
    assert_true(b.local_port > 0);
    return b.local_port;
}

static inline long bind_virq(struct vcpu *v, uint32_t virq, uint32_t vcpu, uint32_t *port)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu, .port = 0xdead };
    long rc = evop(v, EVTCHNOP_bind_virq, &b);

    if (port)
        *port = b.port;
    return rc;
}

static inline long send(struct vcpu *v, uint32_t port)
{
    struct evtchn_send s = { .port = port };

    return evop(v, EVTCHNOP_send, &s);
}

static inline long evclose(struct vcpu *v, uint32_t port)
{
    struct evtchn_close c = { .port = port };

    return evop(v, EVTCHNOP_close, &c);
}

static inline long unmask(struct vcpu *v, uint32_t port)
{
    struct evtchn_unmask u = { .port = port };

    return evop(v, EVTCHNOP_unmask, &u);
}

static inline long bind_vcpu(struct vcpu *v, uint32_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };

    return evop(v, EVTCHNOP_bind_vcpu, &b);
}

static inline struct evtchn_status status(struct vcpu *v, domid_t dom, uint32_t port)
{
    struct evtchn_status s = { .dom = dom, .port = port };

    assert_int_equal(evop(v, EVTCHNOP_status, &s), 0);
    return s;
}

/* ---- what the guest sees --------------------------------------------------- */

static inline bool pending(struct domain *d, uint32_t port)
{
    return (d->shared_info->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static inline void set_mask(struct domain *d, uint32_t port, bool on)
{
    if (on)
        d->shared_info->evtchn_mask[port / 64] |= 1ull << (port % 64);
    else
        d->shared_info->evtchn_mask[port / 64] &= ~(1ull << (port % 64));
}

static inline bool sel(struct vcpu *v, uint32_t port)
{
    return (v->vcpu_info->evtchn_pending_sel >> (port / 64)) & 1;
}

/* What a guest's upcall handler does, minus the handling. */
static inline void guest_ack_all(struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        d->vcpus[i]->vcpu_info->evtchn_upcall_pending = 0;
        d->vcpus[i]->vcpu_info->evtchn_pending_sel = 0;
    }
    memset(d->shared_info->evtchn_pending, 0, sizeof(d->shared_info->evtchn_pending));
}

#endif
