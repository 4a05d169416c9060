// SPDX-License-Identifier: MIT
/*
 * Unit tests: event channels (common/event_channel.c, evtchn_op.c) and HVM
 * params (common/hvm_op.c), driven through their hypercall entry points on
 * fake domains with real shared_info pages (evtchn_fake.h): every
 * EVTCHNOP's success and error paths, the bits delivery sets, loopback and
 * two-domain channels, close and destroy unbinding peers, two threads
 * working both ends at once. ASan reports anything left allocated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <cmocka.h>

#include <petrel/domain.h>
#include <petrel/event.h>
#include <petrel/timer.h>
#include <public/event_channel.h>
#include <public/hvm/hvm_op.h>
#include <public/sched.h>
#include "evtchn_fake.h"
#include "stubs.h"

/* ---- alloc_unbound, bind_interdomain, loopback ---------------------------- */

static void test_alloc_unbound(void **state)
{
    struct domain *d0 = make_domain(0, 1, true), *d1 = make_domain(1, 1, false);
    struct vcpu *v0 = d0->vcpus[0], *v1 = d1->vcpus[0];
    struct evtchn_alloc_unbound a;
    struct evtchn_status s;
    uint32_t p;

    p = alloc_unbound(v1, DOMID_SELF, DOMID_SELF);
    assert_int_equal(p, 1);                         /* port 0 is never used */
    s = status(v1, DOMID_SELF, p);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(s.u.unbound.dom, 1);           /* DOMID_SELF: the caller */
    assert_int_equal(s.vcpu, 0);
    assert_int_equal(alloc_unbound(v1, 1, 0), 2);
    assert_int_equal(status(v1, 1, 2).u.unbound.dom, 0);

    /* Only the privileged domain names another domain. */
    a = (struct evtchn_alloc_unbound){ .dom = 0, .remote_dom = 1, .port = 77 };
    assert_int_equal(evop(v1, EVTCHNOP_alloc_unbound, &a), -EPERM);
    assert_int_equal(a.port, 77);
    p = alloc_unbound(v0, 1, DOMID_SELF);           /* dom0 makes one in d1 for itself */
    assert_int_equal(p, 3);
    s = status(v1, DOMID_SELF, p);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(s.u.unbound.dom, 0);
    assert_int_equal(status(v0, 1, p).status, EVTCHNSTAT_unbound);
    a = (struct evtchn_alloc_unbound){ .dom = 5, .remote_dom = 0 };
    assert_int_equal(evop(v0, EVTCHNOP_alloc_unbound, &a), -ESRCH);

    /* Status of another domain, and of bad ports. */
    s = (struct evtchn_status){ .dom = 0, .port = 1 };
    assert_int_equal(evop(v1, EVTCHNOP_status, &s), -EPERM);
    s = (struct evtchn_status){ .dom = DOMID_SELF, .port = 0, .status = 9 };
    assert_int_equal(evop(v1, EVTCHNOP_status, &s), 0);     /* reserved: closed */
    assert_int_equal(s.status, EVTCHNSTAT_closed);
    s = (struct evtchn_status){ .dom = DOMID_SELF, .port = 1024 };
    assert_int_equal(evop(v1, EVTCHNOP_status, &s), -EINVAL);
    assert_int_equal(status(v1, DOMID_SELF, 100).status, EVTCHNSTAT_closed);

    /* Faulting argument. */
    assert_int_equal(do_event_channel_op(v1, EVTCHNOP_alloc_unbound, BAD_GVA, 0, 0, 0),
                     -EFAULT);
    assert_int_equal(nr_kicked, 0);
    free_domain(d1);
    free_domain(d0);
}

static void test_loopback(void **state)
{
    struct domain *d = make_domain(3, 1, false);
    struct vcpu *v = d->vcpus[0];
    uint32_t a, b;
    struct evtchn_status s;

    a = alloc_unbound(v, DOMID_SELF, DOMID_SELF);
    b = bind_interdomain(v, DOMID_SELF, a);
    assert_int_not_equal(a, b);
    s = status(v, DOMID_SELF, a);
    assert_int_equal(s.status, EVTCHNSTAT_interdomain);
    assert_int_equal(s.u.interdomain.dom, 3);
    assert_int_equal(s.u.interdomain.port, b);
    assert_int_equal(status(v, DOMID_SELF, b).u.interdomain.port, a);

    /* Binding raises the new port once (Xen: sends may have been lost). */
    assert_true(pending(d, b));
    assert_false(pending(d, a));
    guest_ack_all(d);
    clear_log();

    assert_int_equal(send(v, a), 0);
    assert_true(pending(d, b));
    assert_false(pending(d, a));
    assert_true(sel(v, b));
    assert_int_equal(v->vcpu_info->evtchn_upcall_pending, 1);
    assert_int_equal(kicks_of(v), 1);
    assert_int_equal(nr_irqs, 0);                   /* no upcall vector set */
    assert_int_equal(send(v, b), 0);
    assert_true(pending(d, a));
    assert_true(vcpu_events_pending(v));

    /* The domain's own id works as DOMID_SELF does. */
    {
        uint32_t c = alloc_unbound(v, 3, 3);
        uint32_t e = bind_interdomain(v, 3, c);

        assert_int_equal(status(v, 3, e).u.interdomain.port, c);
        assert_int_equal(status(v, DOMID_SELF, c).u.interdomain.dom, 3);
    }

    /* The port can be bound only once. */
    {
        struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF, .remote_port = a };

        assert_int_equal(evop(v, EVTCHNOP_bind_interdomain, &bi), -EINVAL);
    }
    free_domain(d);
}

static void test_bind_interdomain_errors(void **state)
{
    struct domain *d1 = make_domain(1, 2, false), *d2 = make_domain(2, 1, false);
    struct vcpu *v1 = d1->vcpus[0], *v2 = d2->vcpus[0];
    struct evtchn_bind_interdomain b;
    uint32_t for_d2, for_other, virq;

    for_d2 = alloc_unbound(v1, DOMID_SELF, 2);
    for_other = alloc_unbound(v1, DOMID_SELF, 7);
    assert_int_equal(bind_virq(v1, VIRQ_TIMER, 0, &virq), 0);

    static const struct { domid_t dom; uint32_t *port; uint32_t raw; long rc; } cases[] = {
        { 1, NULL, 0, -EINVAL },            /* port 0 */
        { 1, NULL, 1024, -EINVAL },         /* out of range */
        { 1, NULL, 500, -EINVAL },          /* free */
        { 9, NULL, 1, -ESRCH },             /* no such domain */
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        b = (struct evtchn_bind_interdomain){ .remote_dom = cases[i].dom,
                                              .remote_port = cases[i].raw };
        assert_int_equal(evop(v2, EVTCHNOP_bind_interdomain, &b), cases[i].rc);
    }
    b = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = for_other };
    assert_int_equal(evop(v2, EVTCHNOP_bind_interdomain, &b), -EINVAL);
    b.remote_port = virq;
    assert_int_equal(evop(v2, EVTCHNOP_bind_interdomain, &b), -EINVAL);
    /* d1 cannot take the port it offered d2. */
    b.remote_port = for_d2;
    b.remote_dom = DOMID_SELF;
    assert_int_equal(evop(v1, EVTCHNOP_bind_interdomain, &b), -EINVAL);
    /* Nothing was allocated by the failures. */
    assert_int_equal(status(v2, DOMID_SELF, 1).status, EVTCHNSTAT_closed);
    assert_int_equal(status(v1, DOMID_SELF, for_d2).status, EVTCHNSTAT_unbound);
    assert_int_equal(do_event_channel_op(v2, EVTCHNOP_bind_interdomain, BAD_GVA, 0, 0, 0),
                     -EFAULT);
    free_domain(d2);
    free_domain(d1);
}

static void test_two_domains(void **state)
{
    struct domain *d1 = make_domain(1, 2, false), *d2 = make_domain(2, 1, false);
    struct vcpu *v1 = d1->vcpus[0], *v2 = d2->vcpus[0];
    uint32_t p1, p2;
    struct evtchn_status s;

    p1 = alloc_unbound(v1, DOMID_SELF, 2);
    p2 = bind_interdomain(v2, 1, p1);
    guest_ack_all(d1);
    guest_ack_all(d2);
    clear_log();

    /* d1's port notifies its vCPU 1 from now on. */
    assert_int_equal(bind_vcpu(v1, p1, 1), 0);
    assert_int_equal(send(v2, p2), 0);
    assert_true(pending(d1, p1));
    assert_false(pending(d2, p2));
    assert_true(sel(d1->vcpus[1], p1));
    assert_false(sel(v1, p1));
    assert_int_equal(d1->vcpus[1]->vcpu_info->evtchn_upcall_pending, 1);
    assert_int_equal(v1->vcpu_info->evtchn_upcall_pending, 0);
    assert_int_equal(kicks_of(d1->vcpus[1]), 1);
    assert_int_equal(nr_kicked, 1);

    assert_int_equal(send(v1, p1), 0);
    assert_true(pending(d2, p2));
    assert_int_equal(kicks_of(v2), 1);

    /* A second send while pending adds nothing. */
    assert_int_equal(send(v1, p1), 0);
    assert_int_equal(kicks_of(v2), 1);

    /* d2 closes: d1's port waits for d2 again, and d2 can bind anew. */
    assert_int_equal(evclose(v2, p2), 0);
    assert_false(pending(d2, p2));                  /* a closed port is clean */
    s = status(v1, DOMID_SELF, p1);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(s.u.unbound.dom, 2);
    assert_int_equal(s.vcpu, 1);
    assert_int_equal(status(v2, DOMID_SELF, p2).status, EVTCHNSTAT_closed);
    clear_log();
    assert_int_equal(send(v1, p1), 0);              /* unbound: dropped */
    assert_int_equal(nr_kicked, 0);
    assert_int_equal(send(v2, p2), -EINVAL);        /* closed */
    assert_int_equal(bind_interdomain(v2, 1, p1), p2);

    /* One domain cannot send on, close or unmask into another's ports. */
    assert_int_equal(evclose(v2, 600), -EINVAL);
    free_domain(d2);
    free_domain(d1);
}

/* ---- close, send, VIRQs, IPIs, bind_vcpu ----------------------------------- */

static void test_close(void **state)
{
    struct domain *d = make_domain(1, 2, false);
    struct vcpu *v = d->vcpus[0];
    uint32_t p, q;

    assert_int_equal(evclose(v, 0), -EINVAL);
    assert_int_equal(evclose(v, 1024), -EINVAL);
    assert_int_equal(evclose(v, 0xffffffff), -EINVAL);
    assert_int_equal(evclose(v, 5), -EINVAL);       /* free */
    assert_int_equal(bind_virq(v, VIRQ_DEBUG, 1, &p), 0);
    assert_int_equal(d->vcpus[1]->virq_to_port[VIRQ_DEBUG], p);
    evtchn_send_virq(d->vcpus[1], VIRQ_DEBUG);
    assert_true(pending(d, p));
    assert_int_equal(evclose(v, p), 0);
    assert_false(pending(d, p));
    assert_int_equal(d->vcpus[1]->virq_to_port[VIRQ_DEBUG], 0);
    assert_int_equal(evclose(v, p), -EINVAL);       /* twice */
    assert_int_equal(bind_virq(v, VIRQ_DEBUG, 1, &q), 0);   /* free again */
    assert_int_equal(q, p);
    assert_int_equal(do_event_channel_op(v, EVTCHNOP_close, BAD_GVA, 0, 0, 0), -EFAULT);
    free_domain(d);
}

/* Physical IRQs: the port side of EVTCHNOP_bind_pirq and delivery. */
static void test_bind_pirq(void **state)
{
    struct domain *d = make_domain(0, 2, true);
    struct vcpu *v = d->vcpus[0];
    struct evtchn_bind_pirq b = { .pirq = 2 };
    struct evtchn_status st = { .dom = DOMID_SELF };
    uint32_t p;

    assert_int_equal(evop(v, EVTCHNOP_bind_pirq, &b), 0);
    p = b.port;
    assert_true(p > 0);
    st.port = p;
    assert_int_equal(evop(v, EVTCHNOP_status, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_pirq);
    assert_int_equal(st.u.pirq, 2);
    assert_int_equal(evop(v, EVTCHNOP_bind_pirq, &b), -EEXIST);   /* bound already */
    b.pirq = FAKE_PIRQS + 1;
    assert_int_equal(evop(v, EVTCHNOP_bind_pirq, &b), -EINVAL);   /* not mapped */
    assert_int_equal(send(v, p), -EINVAL);          /* the device's to raise */
    evtchn_send_pirq(d, p, 3);                      /* another pirq's interrupt */
    assert_false(pending(d, p));
    evtchn_send_pirq(d, p, 2);
    assert_true(pending(d, p));
    assert_int_equal(evclose(v, p), 0);
    evtchn_send_pirq(d, p, 2);                      /* closed: nothing */
    assert_false(pending(d, p));
    b.pirq = 2;
    assert_int_equal(evop(v, EVTCHNOP_bind_pirq, &b), 0);         /* again */
    p = b.port;
    evtchn_unbind_pirq(d, p, 2);                    /* PHYSDEVOP_unmap_pirq */
    evtchn_send_pirq(d, p, 2);
    assert_false(pending(d, p));
    assert_int_equal(evop(v, EVTCHNOP_status, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_pirq);
    assert_int_equal(st.u.pirq, 0);
    assert_int_equal(evclose(v, p), 0);             /* the guest still closes it */
    free_domain(d);
}

static void test_send_errors(void **state)
{
    struct domain *d = make_domain(1, 1, false);
    struct vcpu *v = d->vcpus[0];
    uint32_t virq, unbound;

    assert_int_equal(send(v, 0), -EINVAL);
    assert_int_equal(send(v, 1024), -EINVAL);
    assert_int_equal(send(v, 3), -EINVAL);          /* free */
    assert_int_equal(bind_virq(v, VIRQ_TIMER, 0, &virq), 0);
    assert_int_equal(send(v, virq), -EINVAL);       /* a VIRQ is Petrel's to send */
    unbound = alloc_unbound(v, DOMID_SELF, 4);
    assert_int_equal(send(v, unbound), 0);
    assert_false(pending(d, unbound));
    assert_int_equal(nr_kicked, 0);
    assert_int_equal(do_event_channel_op(v, EVTCHNOP_send, BAD_GVA, 0, 0, 0), -EFAULT);
    free_domain(d);
}

static void test_bind_virq(void **state)
{
    struct domain *d = make_domain(0, 2, true);
    struct vcpu *v0 = d->vcpus[0], *v1 = d->vcpus[1];
    uint32_t t0, t1, con, p;
    struct evtchn_status s;

    assert_int_equal(bind_virq(v0, VIRQ_TIMER, 0, &t0), 0);
    assert_int_equal(bind_virq(v1, VIRQ_TIMER, 1, &t1), 0);    /* per vCPU */
    assert_int_not_equal(t0, t1);
    assert_int_equal(bind_virq(v0, VIRQ_TIMER, 1, &p), -EEXIST);
    assert_int_equal(p, 0xdead);                    /* not copied back */
    assert_int_equal(bind_virq(v0, NR_VIRQS, 0, NULL), -EINVAL);
    assert_int_equal(bind_virq(v0, 0xffffffff, 0, NULL), -EINVAL);
    assert_int_equal(bind_virq(v0, VIRQ_TIMER, 2, NULL), -ENOENT);
    assert_int_equal(bind_virq(v0, VIRQ_CONSOLE, 1, NULL), -EINVAL); /* global: vCPU 0 */
    assert_int_equal(bind_virq(v1, VIRQ_CONSOLE, 0, &con), 0);
    assert_int_equal(bind_virq(v0, VIRQ_CONSOLE, 0, NULL), -EEXIST);
    s = status(v0, DOMID_SELF, t1);
    assert_int_equal(s.status, EVTCHNSTAT_virq);
    assert_int_equal(s.u.virq, VIRQ_TIMER);
    assert_int_equal(s.vcpu, 1);

    evtchn_send_virq(v1, VIRQ_TIMER);
    assert_true(pending(d, t1));
    assert_false(pending(d, t0));
    assert_true(sel(v1, t1));
    assert_int_equal(v1->vcpu_info->evtchn_upcall_pending, 1);
    assert_int_equal(v0->vcpu_info->evtchn_upcall_pending, 0);
    assert_int_equal(kicks_of(v1), 1);

    /* A global VIRQ goes where it is bound, wherever it is raised. */
    evtchn_send_virq(v1, VIRQ_CONSOLE);
    assert_true(pending(d, con));
    assert_int_equal(v0->vcpu_info->evtchn_upcall_pending, 1);
    guest_ack_all(d);
    clear_log();
    assert_int_equal(bind_vcpu(v0, con, 1), 0);
    evtchn_send_domain_virq(d, VIRQ_CONSOLE);
    assert_int_equal(v1->vcpu_info->evtchn_upcall_pending, 1);
    assert_int_equal(v0->vcpu_info->evtchn_upcall_pending, 0);
    assert_int_equal(status(v0, DOMID_SELF, con).vcpu, 1);

    /* Unbound VIRQs, and numbers out of range, raise nothing. */
    guest_ack_all(d);
    clear_log();
    evtchn_send_virq(v0, VIRQ_DEBUG);
    evtchn_send_virq(v0, NR_VIRQS);
    evtchn_send_domain_virq(d, VIRQ_DOM_EXC);
    evtchn_send_domain_virq(d, VIRQ_TIMER);         /* per-vCPU: not this way */
    assert_int_equal(nr_kicked, 0);
    for (unsigned int i = 0; i < 64; i++)
        assert_int_equal(d->shared_info->evtchn_pending[i], 0);
    free_domain(d);
}

static void test_bind_ipi(void **state)
{
    struct domain *d = make_domain(1, 3, false);
    struct vcpu *v0 = d->vcpus[0], *v2 = d->vcpus[2];
    struct evtchn_bind_ipi b = { .vcpu = 2 };
    struct evtchn_status s;

    assert_int_equal(evop(v0, EVTCHNOP_bind_ipi, &b), 0);
    s = status(v0, DOMID_SELF, b.port);
    assert_int_equal(s.status, EVTCHNSTAT_ipi);
    assert_int_equal(s.vcpu, 2);
    assert_int_equal(send(v0, b.port), 0);
    assert_true(pending(d, b.port));
    assert_true(sel(v2, b.port));
    assert_int_equal(v2->vcpu_info->evtchn_upcall_pending, 1);
    assert_int_equal(v0->vcpu_info->evtchn_upcall_pending, 0);
    assert_int_equal(kicks_of(v2), 1);
    assert_int_equal(nr_kicked, 1);

    b = (struct evtchn_bind_ipi){ .vcpu = 3 };
    assert_int_equal(evop(v0, EVTCHNOP_bind_ipi, &b), -ENOENT);
    b.vcpu = MAX_VCPUS + 5;
    assert_int_equal(evop(v0, EVTCHNOP_bind_ipi, &b), -ENOENT);
    free_domain(d);
}

static void test_bind_vcpu_rules(void **state)
{
    struct domain *d = make_domain(1, 2, false);
    struct vcpu *v = d->vcpus[0];
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    uint32_t timer, con, unbound, a, b;

    assert_int_equal(evop(v, EVTCHNOP_bind_ipi, &ipi), 0);
    assert_int_equal(bind_virq(v, VIRQ_TIMER, 0, &timer), 0);
    assert_int_equal(bind_virq(v, VIRQ_CONSOLE, 0, &con), 0);
    unbound = alloc_unbound(v, DOMID_SELF, 0);
    a = alloc_unbound(v, DOMID_SELF, DOMID_SELF);
    b = bind_interdomain(v, DOMID_SELF, a);

    assert_int_equal(bind_vcpu(v, ipi.port, 1), -EINVAL);
    assert_int_equal(bind_vcpu(v, timer, 1), -EINVAL);
    assert_int_equal(bind_vcpu(v, con, 1), 0);
    assert_int_equal(bind_vcpu(v, unbound, 1), 0);
    assert_int_equal(bind_vcpu(v, b, 1), 0);
    assert_int_equal(bind_vcpu(v, 900, 1), -EINVAL);    /* free */
    assert_int_equal(bind_vcpu(v, 0, 1), -EINVAL);
    assert_int_equal(bind_vcpu(v, 4096, 1), -EINVAL);
    assert_int_equal(bind_vcpu(v, b, 2), -ENOENT);
    assert_int_equal(status(v, DOMID_SELF, ipi.port).vcpu, 0);
    assert_int_equal(status(v, DOMID_SELF, timer).vcpu, 0);
    assert_int_equal(status(v, DOMID_SELF, unbound).vcpu, 1);
    assert_int_equal(status(v, DOMID_SELF, b).vcpu, 1);
    free_domain(d);
}

/* ---- masks, unmask, upcall vectors -------------------------------------- */

static void test_mask_unmask(void **state)
{
    struct domain *d = make_domain(1, 1, false);
    struct vcpu *v = d->vcpus[0];
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };

    assert_int_equal(evop(v, EVTCHNOP_bind_ipi, &ipi), 0);
    set_mask(d, ipi.port, true);
    assert_int_equal(send(v, ipi.port), 0);
    assert_true(pending(d, ipi.port));
    assert_false(sel(v, ipi.port));
    assert_int_equal(v->vcpu_info->evtchn_upcall_pending, 0);
    assert_int_equal(nr_kicked, 0);

    /* Unmasking a pending port raises it now. */
    assert_int_equal(unmask(v, ipi.port), 0);
    assert_false(d->shared_info->evtchn_mask[0] & (1ull << ipi.port));
    assert_true(sel(v, ipi.port));
    assert_int_equal(v->vcpu_info->evtchn_upcall_pending, 1);
    assert_int_equal(nr_kicked, 1);

    /* Unmasking what is not pending (or not masked) raises nothing. */
    guest_ack_all(d);
    clear_log();
    set_mask(d, ipi.port, true);
    assert_int_equal(unmask(v, ipi.port), 0);
    assert_int_equal(unmask(v, ipi.port), 0);
    assert_int_equal(unmask(v, 700), 0);            /* a free port in range: Xen's 0 */
    assert_int_equal(nr_kicked, 0);
    assert_int_equal(v->vcpu_info->evtchn_upcall_pending, 0);
    assert_int_equal(unmask(v, 1024), -EINVAL);
    assert_int_equal(do_event_channel_op(v, EVTCHNOP_unmask, BAD_GVA, 0, 0, 0), -EFAULT);

    /* Ports above 63 use the higher selector bits. */
    for (uint32_t p = 2; p < 70; p++) {
        struct evtchn_bind_ipi more = { .vcpu = 0 };

        assert_int_equal(evop(v, EVTCHNOP_bind_ipi, &more), 0);
        assert_int_equal(more.port, p);
    }
    assert_int_equal(send(v, 69), 0);
    assert_true(pending(d, 69));
    assert_int_equal(v->vcpu_info->evtchn_pending_sel, 2);
    free_domain(d);
}

static void test_upcall_vector(void **state)
{
    struct domain *d = make_domain(1, 2, false);
    struct vcpu *v0 = d->vcpus[0], *v1 = d->vcpus[1];
    struct xen_hvm_evtchn_upcall_vector uv = { .vcpu = 1, .vector = 0xf3 };
    struct evtchn_bind_ipi i1 = { .vcpu = 1 }, i2 = { .vcpu = 1 }, i0 = { .vcpu = 0 };

    assert_int_equal(hvmop(v0, HVMOP_set_evtchn_upcall_vector, &uv), 0);
    assert_int_equal(v1->upcall_vector, 0xf3);
    assert_int_equal(nr_irqs, 0);                   /* nothing was pending */
    assert_int_equal(evop(v0, EVTCHNOP_bind_ipi, &i1), 0);
    assert_int_equal(evop(v0, EVTCHNOP_bind_ipi, &i2), 0);
    assert_int_equal(evop(v0, EVTCHNOP_bind_ipi, &i0), 0);

    assert_int_equal(send(v0, i1.port), 0);
    assert_int_equal(nr_irqs, 1);
    assert_ptr_equal(irqs[0].v, v1);
    assert_int_equal(irqs[0].vector, 0xf3);
    /* While upcall_pending stays set, no second interrupt. */
    assert_int_equal(send(v0, i2.port), 0);
    assert_int_equal(nr_irqs, 1);
    /* vCPU 0 has no vector of its own: the callback vector's path. */
    assert_int_equal(send(v0, i0.port), 0);
    assert_int_equal(nr_irqs, 1);
    assert_int_equal(v0->vcpu_info->evtchn_upcall_pending, 1);

    /* Setting a vector while an upcall is pending raises it. */
    uv = (struct xen_hvm_evtchn_upcall_vector){ .vcpu = 0, .vector = 0x40 };
    assert_int_equal(hvmop(v0, HVMOP_set_evtchn_upcall_vector, &uv), 0);
    assert_int_equal(nr_irqs, 2);
    assert_ptr_equal(irqs[1].v, v0);
    assert_int_equal(irqs[1].vector, 0x40);

    uv.vector = 0x0f;
    assert_int_equal(hvmop(v0, HVMOP_set_evtchn_upcall_vector, &uv), -EINVAL);
    uv = (struct xen_hvm_evtchn_upcall_vector){ .vcpu = 2, .vector = 0x40 };
    assert_int_equal(hvmop(v0, HVMOP_set_evtchn_upcall_vector, &uv), -ENOENT);
    assert_int_equal(do_hvm_op(v0, HVMOP_set_evtchn_upcall_vector, BAD_GVA, 0, 0, 0), -EFAULT);
    assert_int_equal(v0->upcall_vector, 0x40);
    free_domain(d);
}

/* ---- reset, destroy, a full table, other ops ------------------------------ */

static void test_destroy_unbinds_peers(void **state)
{
    struct domain *d1 = make_domain(1, 1, false), *d2 = make_domain(2, 1, false);
    struct vcpu *v1 = d1->vcpus[0], *v2 = d2->vcpus[0];
    uint32_t p1, p2, q2;
    struct evtchn_status s;

    p1 = alloc_unbound(v1, DOMID_SELF, 2);
    p2 = bind_interdomain(v2, 1, p1);
    q2 = alloc_unbound(v2, DOMID_SELF, 1);
    bind_interdomain(v1, 2, q2);
    assert_int_equal(bind_virq(v2, VIRQ_TIMER, 0, NULL), 0);
    (void)p2;
    free_domain(d2);
    s = status(v1, DOMID_SELF, p1);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(s.u.unbound.dom, 2);
    s = status(v1, DOMID_SELF, 2);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(s.u.unbound.dom, 2);
    clear_log();
    assert_int_equal(send(v1, p1), 0);
    assert_int_equal(nr_kicked, 0);
    free_domain(d1);
}

static void test_reset(void **state)
{
    struct domain *d0 = make_domain(0, 1, true), *d1 = make_domain(1, 1, false);
    struct vcpu *v0 = d0->vcpus[0], *v1 = d1->vcpus[0];
    struct evtchn_reset r = { .dom = 0 };
    uint32_t p0, p1;

    p1 = alloc_unbound(v1, DOMID_SELF, 0);
    p0 = bind_interdomain(v0, 1, p1);
    assert_int_equal(bind_virq(v1, VIRQ_TIMER, 0, NULL), 0);
    assert_int_equal(evop(v1, EVTCHNOP_reset, &r), -EPERM);
    r.dom = 1;
    assert_int_equal(evop(v0, EVTCHNOP_reset, &r), 0);     /* dom0 resets d1 */
    assert_int_equal(status(v1, DOMID_SELF, p1).status, EVTCHNSTAT_closed);
    assert_int_equal(v1->virq_to_port[VIRQ_TIMER], 0);
    assert_int_equal(status(v0, DOMID_SELF, p0).status, EVTCHNSTAT_unbound);
    r.dom = DOMID_SELF;
    assert_int_equal(evop(v0, EVTCHNOP_reset, &r), 0);
    assert_int_equal(status(v0, DOMID_SELF, p0).status, EVTCHNSTAT_closed);
    free_domain(d1);
    free_domain(d0);
}

static void test_table_full(void **state)
{
    struct domain *d = make_domain(1, 1, false);
    struct vcpu *v = d->vcpus[0];
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 0 };
    uint32_t last = 0;

    for (unsigned int i = 1; i < 1024; i++)
        last = alloc_unbound(v, DOMID_SELF, 0);
    assert_int_equal(last, 1023);
    assert_int_equal(evop(v, EVTCHNOP_alloc_unbound, &a), -ENOSPC);
    assert_int_equal(bind_virq(v, VIRQ_TIMER, 0, NULL), -ENOSPC);
    assert_int_equal(v->virq_to_port[VIRQ_TIMER], 0);
    assert_int_equal(evclose(v, 500), 0);
    assert_int_equal(alloc_unbound(v, DOMID_SELF, 0), 500);
    free_domain(d);
}

static void test_unsupported_ops(void **state)
{
    struct domain *d = make_domain(1, 1, false);
    struct vcpu *v = d->vcpus[0];
    uint64_t buf[4] = { 0 };

    assert_int_equal(evop(v, EVTCHNOP_init_control, buf), -ENOSYS);
    assert_int_equal(evop(v, EVTCHNOP_expand_array, buf), -ENOSYS);
    assert_int_equal(evop(v, EVTCHNOP_set_priority, buf), -ENOSYS);
    /* Any domain may bind its own pirqs; it has none mapped. */
    assert_int_equal(evop(v, EVTCHNOP_bind_pirq, buf), -EINVAL);
    assert_int_equal(evop(v, 14, buf), -ENOSYS);
    assert_int_equal(evop(v, 0xffffffff, buf), -ENOSYS);
    assert_int_equal(hvmop(v, HVMOP_pagetable_dying, buf), -ENOSYS);
    assert_int_equal(hvmop(v, 1000, buf), -ENOSYS);
    free_domain(d);
}


struct churn {
    struct vcpu *v;
    domid_t peer;
};

/* Whether port 40 is free: ports are taken lowest first, so while it is,
 * the ports in use stay within the range the closes below pick from. */
static bool room(struct vcpu *v)
{
    struct evtchn_status st = { .dom = DOMID_SELF, .port = 40 };

    do_event_channel_op(v, EVTCHNOP_status, (uintptr_t)&st, 0, 0, 0);
    return st.status == EVTCHNSTAT_closed;
}

static void *churn_thread(void *arg)
{
    struct churn *c = arg;
    uint64_t a = (uintptr_t)arg;

    for (unsigned int i = 0; i < 3000; i++) {
        struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = c->peer };
        struct evtchn_bind_interdomain bi = { .remote_dom = c->peer };
        uint32_t port;
        unsigned int op;

        a = a * 6364136223846793005ull + 1442695040888963407ull;
        op = (a >> 33) % 4;
        port = 1 + (a >> 40) % 48;
        if (op == 0 && room(c->v)) {
            do_event_channel_op(c->v, EVTCHNOP_alloc_unbound, (uintptr_t)&au, 0, 0, 0);
        } else if (op == 1 && room(c->v)) {
            bi.remote_port = port;
            do_event_channel_op(c->v, EVTCHNOP_bind_interdomain, (uintptr_t)&bi, 0, 0, 0);
        } else if (op == 2) {
            do_event_channel_op(c->v, EVTCHNOP_send, (uintptr_t)&port, 0, 0, 0);
        } else {
            do_event_channel_op(c->v, EVTCHNOP_close, (uintptr_t)&port, 0, 0, 0);
        }
    }
    return NULL;
}

static void check_peers(struct domain *d)
{
    for (uint32_t p = 1; p < 64; p++) {
        struct evtchn_status s = status(d->vcpus[0], DOMID_SELF, p), back;

        if (s.status != EVTCHNSTAT_interdomain)
            continue;
        struct domain *peer = domain_by_id(s.u.interdomain.dom);

        assert_non_null(peer);
        back = status(peer->vcpus[0], DOMID_SELF, s.u.interdomain.port);
        domain_put(peer);
        assert_int_equal(back.status, EVTCHNSTAT_interdomain);
        assert_int_equal(back.u.interdomain.dom, d->id);
        assert_int_equal(back.u.interdomain.port, p);
    }
}

static void test_two_domains_churn(void **state)
{
    struct domain *d1 = make_domain(1, 1, false), *d2 = make_domain(2, 1, false);
    struct churn c1 = { .v = d1->vcpus[0], .peer = 2 }, c2 = { .v = d2->vcpus[0], .peer = 1 };
    pthread_t t1, t2;

    assert_int_equal(pthread_create(&t1, NULL, churn_thread, &c1), 0);
    assert_int_equal(pthread_create(&t2, NULL, churn_thread, &c2), 0);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    check_peers(d1);
    check_peers(d2);
    free_domain(d2);
    check_peers(d1);
    for (uint32_t p = 1; p < 64; p++)
        assert_int_not_equal(status(d1->vcpus[0], DOMID_SELF, p).status,
                             EVTCHNSTAT_interdomain);
    free_domain(d1);
}


/* ---- HVM params ------------------------------------------------------------ */

static long param(struct vcpu *v, bool set, domid_t dom, uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = dom, .index = index, .value = *value };
    long rc = hvmop(v, set ? HVMOP_set_param : HVMOP_get_param, &p);

    *value = p.value;
    return rc;
}

static void test_hvm_params(void **state)
{
    struct domain *d0 = make_domain(0, 1, true), *d1 = make_domain(1, 1, false);
    struct vcpu *v0 = d0->vcpus[0], *v1 = d1->vcpus[0];
    uint64_t val;

    val = HVM_PARAM_CALLBACK_VECTOR(0xf3);
    assert_int_equal(param(v1, true, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &val), 0);
    assert_int_equal(d1->callback_vector, 0xf3);
    val = 0;
    assert_int_equal(param(v1, false, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &val), 0);
    assert_int_equal(val, HVM_PARAM_CALLBACK_VECTOR(0xf3));

    val = HVM_PARAM_CALLBACK_VECTOR(0x0f);
    assert_int_equal(param(v1, true, 1, HVM_PARAM_CALLBACK_IRQ, &val), -EINVAL);
    val = 1ull << 56 | 0x100;                       /* PCI INTx */
    assert_int_equal(param(v1, true, 1, HVM_PARAM_CALLBACK_IRQ, &val), -ENOSYS);
    val = 7ull << 56 | 0xf3;
    assert_int_equal(param(v1, true, 1, HVM_PARAM_CALLBACK_IRQ, &val), -EINVAL);
    assert_int_equal(d1->callback_vector, 0xf3);    /* failures change nothing */
    assert_int_equal(d1->hvm_params[HVM_PARAM_CALLBACK_IRQ], HVM_PARAM_CALLBACK_VECTOR(0xf3));
    val = 1;                                        /* GSI 1, as Linux sets it */
    assert_int_equal(param(v1, true, 1, HVM_PARAM_CALLBACK_IRQ, &val), 0);
    assert_int_equal(d1->callback_vector, 0);       /* recorded; drives nothing */
    val = 0;
    assert_int_equal(param(v1, false, 1, HVM_PARAM_CALLBACK_IRQ, &val), 0);
    assert_int_equal(val, 1);
    val = HVM_PARAM_CALLBACK_VECTOR(0xf3);
    assert_int_equal(param(v1, true, 1, HVM_PARAM_CALLBACK_IRQ, &val), 0);
    assert_int_equal(d1->callback_vector, 0xf3);
    val = 0;
    assert_int_equal(param(v1, true, 1, HVM_PARAM_CALLBACK_IRQ, &val), 0);
    assert_int_equal(d1->callback_vector, 0);

    /* Index range, what a guest may touch, whose params. */
    val = 0;
    assert_int_equal(param(v1, false, DOMID_SELF, HVM_NR_PARAMS, &val), -EINVAL);
    assert_int_equal(param(v1, false, DOMID_SELF, 0xffffffff, &val), -EINVAL);
    val = 0x1234;
    assert_int_equal(param(v1, true, DOMID_SELF, HVM_PARAM_STORE_PFN, &val), -EPERM);
    assert_int_equal(param(v1, false, DOMID_SELF, HVM_PARAM_IOREQ_PFN, &val), -EPERM);
    assert_int_equal(param(v1, false, 0, HVM_PARAM_CALLBACK_IRQ, &val), -EPERM);
    val = 0x1234;
    assert_int_equal(param(v0, true, 1, HVM_PARAM_STORE_PFN, &val), 0);
    val = 0;
    assert_int_equal(param(v1, false, DOMID_SELF, HVM_PARAM_STORE_PFN, &val), 0);
    assert_int_equal(val, 0x1234);
    val = 9;
    assert_int_equal(param(v1, true, DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN, &val), 0);
    assert_int_equal(param(v0, true, 6, HVM_PARAM_STORE_PFN, &val), -ESRCH);
    assert_int_equal(do_hvm_op(v1, HVMOP_get_param, BAD_GVA, 0, 0, 0), -EFAULT);
    assert_int_equal(do_hvm_op(v1, HVMOP_set_param, BAD_GVA, 0, 0, 0), -EFAULT);
    free_domain(d1);
    free_domain(d0);
}

/* TRIPLE_FAULT_REASON: SHUTDOWN_* values only; the guest and the control
 * domain may both set and read it. */
static void test_triple_fault_reason(void **state)
{
    struct domain *d0 = make_domain(0, 1, true), *d1 = make_domain(1, 1, false);
    struct vcpu *v0 = d0->vcpus[0], *v1 = d1->vcpus[0];
    uint64_t val;

    d1->hvm_params[HVM_PARAM_TRIPLE_FAULT_REASON] = SHUTDOWN_reboot;
    for (uint64_t r = SHUTDOWN_poweroff; r <= SHUTDOWN_soft_reset; r++) {
        val = r;
        assert_int_equal(param(v1, true, DOMID_SELF, HVM_PARAM_TRIPLE_FAULT_REASON, &val), 0);
        val = ~0ull;
        assert_int_equal(param(v1, false, DOMID_SELF, HVM_PARAM_TRIPLE_FAULT_REASON, &val), 0);
        assert_int_equal(val, r);
    }
    for (uint64_t bad = SHUTDOWN_soft_reset + 1; bad < 300; bad += 37) {
        val = bad;
        assert_int_equal(param(v1, true, DOMID_SELF, HVM_PARAM_TRIPLE_FAULT_REASON, &val),
                         -EINVAL);
    }
    val = 1ull << 32 | SHUTDOWN_crash;              /* no truncation to 8 bits */
    assert_int_equal(param(v0, true, 1, HVM_PARAM_TRIPLE_FAULT_REASON, &val), -EINVAL);
    assert_int_equal(d1->hvm_params[HVM_PARAM_TRIPLE_FAULT_REASON], SHUTDOWN_soft_reset);
    val = SHUTDOWN_crash;
    assert_int_equal(param(v0, true, 1, HVM_PARAM_TRIPLE_FAULT_REASON, &val), 0);
    val = 0;
    assert_int_equal(param(v0, false, 1, HVM_PARAM_TRIPLE_FAULT_REASON, &val), 0);
    assert_int_equal(val, SHUTDOWN_crash);
    val = SHUTDOWN_reboot;                          /* not another domain's */
    assert_int_equal(param(v1, true, 0, HVM_PARAM_TRIPLE_FAULT_REASON, &val), -EPERM);
    assert_int_equal(d0->hvm_params[HVM_PARAM_TRIPLE_FAULT_REASON], 0);
    free_domain(d1);
    free_domain(d0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FAKE_TEST(test_alloc_unbound),
        FAKE_TEST(test_loopback),
        FAKE_TEST(test_bind_interdomain_errors),
        FAKE_TEST(test_two_domains),
        FAKE_TEST(test_close),
        FAKE_TEST(test_bind_pirq),
        FAKE_TEST(test_send_errors),
        FAKE_TEST(test_bind_virq),
        FAKE_TEST(test_bind_ipi),
        FAKE_TEST(test_bind_vcpu_rules),
        FAKE_TEST(test_mask_unmask),
        FAKE_TEST(test_upcall_vector),
        FAKE_TEST(test_destroy_unbinds_peers),
        FAKE_TEST(test_reset),
        FAKE_TEST(test_table_full),
        FAKE_TEST(test_unsupported_ops),
        FAKE_TEST(test_two_domains_churn),
        FAKE_TEST(test_hvm_params),
        FAKE_TEST(test_triple_fault_reason),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
