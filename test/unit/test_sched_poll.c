// SPDX-License-Identifier: MIT
/*
 * Unit tests: SCHEDOP_block and SCHEDOP_poll (common/sched_op.c,
 * sched_poll.c) on fake domains (evtchn_fake.h) with the real timer queue
 * for the poll timeout: polls returning at once, woken by an event on a
 * polled port (masked or not) or by the timeout, bad arguments, and a send
 * racing the poll from another thread.
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

/* ---- SCHEDOP_block and SCHEDOP_poll ------------------------------------------ */

static long poll(struct vcpu *v, uint32_t *ports, uint32_t nr, uint64_t timeout)
{
    struct sched_poll sp = { .ports = (uintptr_t)ports, .nr_ports = nr, .timeout = timeout };

    return do_sched_op(v, SCHEDOP_poll, (uintptr_t)&sp, 0, 0, 0);
}

static void test_block(void **state)
{
    struct domain *d = make_domain(1, 1, false);
    struct vcpu *v = d->vcpus[0];

    v->vcpu_info->evtchn_upcall_mask = 1;
    console_flushed = NULL;
    assert_int_equal(do_sched_op(v, SCHEDOP_block, 0, 0, 0, 0), 0);
    assert_int_equal(v->vcpu_info->evtchn_upcall_mask, 0);
    assert_int_equal(nr_blocked, 1);
    assert_ptr_equal(blocked[0], v);
    assert_ptr_equal(console_flushed, d);       /* its prompt is shown */
    free_domain(d);
}

static void test_poll_pending_returns_at_once(void **state)
{
    struct domain *d = make_domain(1, 1, false);
    struct vcpu *v = d->vcpus[0];
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    uint32_t ports[2];

    assert_int_equal(evop(v, EVTCHNOP_bind_ipi, &ipi), 0);
    set_mask(d, ipi.port, true);                    /* masked counts too */
    assert_int_equal(send(v, ipi.port), 0);
    ports[0] = 9;
    ports[1] = ipi.port;
    assert_int_equal(poll(v, ports, 2, 0), 0);
    assert_int_equal(nr_blocked, 0);
    assert_false(v->polling);
    free_domain(d);
}

static void test_poll_woken_by_event(void **state)
{
    struct domain *d = make_domain(1, 2, false);
    struct vcpu *v = d->vcpus[1], *other = d->vcpus[0];
    struct evtchn_bind_ipi ipi = { .vcpu = 0 }, unrelated = { .vcpu = 0 };
    uint32_t port;

    assert_int_equal(evop(v, EVTCHNOP_bind_ipi, &ipi), 0);
    assert_int_equal(evop(v, EVTCHNOP_bind_ipi, &unrelated), 0);
    set_mask(d, ipi.port, true);
    port = ipi.port;
    assert_int_equal(poll(v, &port, 1, 0), 0);
    assert_int_equal(nr_blocked, 1);
    assert_ptr_equal(blocked[0], v);
    assert_true(v->polling);
    assert_int_equal(kicks_of(v), 0);

    /* Another port does not wake it; the polled one does, masked or not. */
    assert_int_equal(send(other, unrelated.port), 0);
    assert_int_equal(kicks_of(v), 0);
    assert_true(v->polling);
    assert_int_equal(send(other, ipi.port), 0);
    assert_int_equal(kicks_of(v), 1);
    assert_false(v->polling);
    free_domain(d);
}

static void test_poll_timeout(void **state)
{
    struct domain *d = make_domain(1, 1, false);
    struct vcpu *v = d->vcpus[0];
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    uint32_t ports[3];

    assert_int_equal(evop(v, EVTCHNOP_bind_ipi, &ipi), 0);
    ports[0] = ipi.port;
    ports[1] = 300;
    ports[2] = 0;
    assert_int_equal(poll(v, ports, 3, fake_now + 5000), 0);
    assert_int_equal(nr_blocked, 1);
    assert_true(v->polling);
    assert_true(timer_pending(&v->poll_timer));
    assert_int_equal(timer_process(0, fake_now + 4999), fake_now + 5000);
    assert_int_equal(nr_kicked, 0);
    assert_int_equal(timer_process(0, fake_now + 5000), 0);
    assert_int_equal(kicks_of(v), 1);
    assert_false(v->polling);

    /* A timeout already past: no block at all. */
    clear_log();
    assert_int_equal(poll(v, ports, 1, fake_now - 1), 0);
    assert_int_equal(nr_blocked, 0);
    assert_false(v->polling);
    assert_false(timer_pending(&v->poll_timer));

    /* An event before the timeout stops the timer. */
    assert_int_equal(poll(v, ports, 2, fake_now + 100), 0);
    assert_true(timer_pending(&v->poll_timer));
    assert_int_equal(send(v, ipi.port), 0);
    assert_false(v->polling);
    assert_false(timer_pending(&v->poll_timer));
    free_domain(d);
}

static void test_poll_errors(void **state)
{
    struct domain *d = make_domain(1, 1, false);
    struct vcpu *v = d->vcpus[0];
    static uint32_t many[129];
    uint32_t bad = 1024;
    struct sched_poll sp = { .ports = BAD_GVA, .nr_ports = 1 };

    assert_int_equal(poll(v, many, 129, 0), -EINVAL);
    assert_int_equal(poll(v, &bad, 1, 0), -EINVAL);
    assert_int_equal(do_sched_op(v, SCHEDOP_poll, BAD_GVA, 0, 0, 0), -EFAULT);
    assert_int_equal(do_sched_op(v, SCHEDOP_poll, (uintptr_t)&sp, 0, 0, 0), -EFAULT);
    assert_int_equal(nr_blocked, 0);
    assert_false(v->polling);
    /* 128 ports is the limit, not an error (the timeout has passed). */
    assert_int_equal(poll(v, many, 128, fake_now - 1), 0);
    assert_int_equal(nr_blocked, 0);
    free_domain(d);
}

/*
 * A send racing with a poll on the same (masked) port, from two threads:
 * whichever comes first, the poller must end up not polling and not
 * blocked. Only the poll path can wake it (the port is masked: no upcall).
 */
struct race {
    struct vcpu *sender;
    uint32_t port;
    unsigned int delay;     /* spins between "go" and the send */
    int ready, go;
    long rc;
};

static void *race_sender(void *arg)
{
    struct race *r = arg;
    struct evtchn_send s = { .port = r->port };

    __atomic_store_n(&r->ready, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&r->go, __ATOMIC_ACQUIRE))
        sched_yield();      /* the host may have fewer free CPUs than threads */
    for (volatile unsigned int i = 0; i < r->delay; i++)
        ;
    r->rc = do_event_channel_op(r->sender, EVTCHNOP_send, (uintptr_t)&s, 0, 0, 0);
    return NULL;
}

static void test_poll_races_send(void **state)
{
    struct domain *d = make_domain(1, 2, false);
    struct vcpu *poller = d->vcpus[1];
    struct evtchn_bind_ipi ipi = { .vcpu = 1 };
    unsigned int stuck = 0, still_polling = 0, blocks = 0;

    assert_int_equal(evop(d->vcpus[0], EVTCHNOP_bind_ipi, &ipi), 0);
    set_mask(d, ipi.port, true);
    for (unsigned int i = 0; i < 2000; i++) {
        struct race r = { .sender = d->vcpus[0], .port = ipi.port, .delay = i % 200 };
        uint32_t port = ipi.port;
        pthread_t t;

        guest_ack_all(d);
        *blocked_flag(poller) = false;
        nr_blocked = 0;
        assert_int_equal(pthread_create(&t, NULL, race_sender, &r), 0);
        while (!__atomic_load_n(&r.ready, __ATOMIC_ACQUIRE))
            sched_yield();
        __atomic_store_n(&r.go, 1, __ATOMIC_RELEASE);
        assert_int_equal(poll(poller, &port, 1, 0), 0);
        pthread_join(t, NULL);
        assert_int_equal(r.rc, 0);
        assert_true(pending(d, ipi.port));
        blocks += nr_blocked;
        stuck += *blocked_flag(poller);
        still_polling += poller->polling;
    }
    printf("poll/send race: %u of 2000 polls blocked first; %u stuck, %u still polling\n",
           blocks, stuck, still_polling);
    assert_int_equal(stuck, 0);
    assert_int_equal(still_polling, 0);
    free_domain(d);
}

/*
 * Two domains' vCPUs bind, send on and close the two ends of their channels
 * at once, each from its own thread, so that both ends are often closed
 * together (each close takes both domains' locks). Nothing may deadlock,
 * and afterwards every interdomain port's peer names it back.
 */
int main(void)
{
    const struct CMUnitTest tests[] = {
        FAKE_TEST(test_block),
        FAKE_TEST(test_poll_pending_returns_at_once),
        FAKE_TEST(test_poll_woken_by_event),
        FAKE_TEST(test_poll_timeout),
        FAKE_TEST(test_poll_errors),
        FAKE_TEST(test_poll_races_send),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
