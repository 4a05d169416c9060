/* SPDX-License-Identifier: MIT */
/*
 * Test guest evtchn: event channels, delivered by interrupt through the
 * callback vector.
 *
 * role=a (default): allocates port 1, unbound, for domain peer (its first
 * event-channel operation, so the peer can name it), and port 2 unbound
 * for itself as a decoy; then a loopback pair within the domain (send
 * either way, masking holds an event back, EVTCHNOP_unmask re-raises it),
 * the error checks, and finally answers `rounds` pings from the peer on
 * port 1 (with no peer= it stops after the loopback).
 * role=b: learns the peer domain from peer= and retries
 * bind_interdomain(peer, port 1) until it works (5 s at most; the new port
 * must be pending, as after every bind_interdomain in Xen), checks what
 * it may not do to the peer's ports, runs its own loopback and error
 * checks, then pings `rounds` times and measures the round trips.
 */
#include "test.h"
#include "x86.h"
#include "xen.h"

TEST_TITLE("event channels: loopback, interdomain ping-pong, errors");

#define MS              1000000UL
#define BAD_PORT        5000            /* beyond the 2-level limit of 4096 */
#define PEER_PORT       1               /* role a's first port */
#define DECOY_PORT      2               /* role a's second: unbound for itself */

static volatile uint32_t hits[EVTCHN_HANDLED_PORTS];

static void on_event(evtchn_port_t port, void *arg)
{
    /* Handlers run from the callback vector only: interrupts are off. */
    if (read_rflags() & RFLAGS_IF)
        test_fail("port %u handled with interrupts enabled", port);
    hits[port]++;
}

static bool wait_hit(evtchn_port_t port, uint32_t want, uint64_t ms)
{
    uint64_t end = now_ns() + ms * MS;

    sti();
    while (hits[port] < want && now_ns() < end)
        cpu_relax();
    return hits[port] >= want;
}

/*
 * As Xen, bind_interdomain leaves the new local port pending (a send on the
 * unbound remote end may have been lost). Check that, and take the event
 * back before handlers count anything: call with interrupts off.
 */
static void take_bind_event(evtchn_port_t port)
{
    xen_ulong_t bit = 1UL << (port % 64);

    if (!(shared_info->evtchn_pending[port / 64] & bit))
        test_fail("port %u not pending after bind_interdomain", port);
    __atomic_and_fetch(&shared_info->evtchn_pending[port / 64], ~bit, __ATOMIC_ACQ_REL);
}

static void loopback(void)
{
    evtchn_port_t a, b;
    struct evtchn_status st;

    cli();
    REQUIRE_EQ(evtchn_alloc_unbound(DOMID_SELF, &a), 0);
    REQUIRE_EQ(evtchn_bind_interdomain(DOMID_SELF, a, &b), 0);
    take_bind_event(b);
    printf("evtchn: loopback ports %u <-> %u\n", a, b);
    CHECK(a != b && a > 0 && b > 0);
    evtchn_set_handler(a, 0, on_event, NULL);
    evtchn_set_handler(b, 0, on_event, NULL);

    CHECK_EQ(evtchn_send(b), 0);
    CHECK(wait_hit(a, 1, 1000));
    CHECK_EQ(evtchn_send(a), 0);
    CHECK(wait_hit(b, 1, 1000));

    /* Masked: stays pending, no upcall; unmask delivers it. */
    evtchn_mask(a);
    CHECK_EQ(evtchn_send(b), 0);
    CHECK(!wait_hit(a, 2, 20));
    CHECK(shared_info->evtchn_pending[a / 64] & (1UL << (a % 64)));
    CHECK_EQ(evtchn_unmask(a), 0);
    CHECK(wait_hit(a, 2, 1000));

    CHECK_EQ(evtchn_status(DOMID_SELF, b, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.port, a);

    /* Closing one end leaves the other unbound; the closed port is gone. */
    CHECK_EQ(evtchn_close(a), 0);
    CHECK_EQ(evtchn_status(DOMID_SELF, b, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(evtchn_send(a), -XEN_EINVAL);
    CHECK_EQ(evtchn_close(a), -XEN_EINVAL);
    CHECK_EQ(evtchn_status(DOMID_SELF, a, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_closed);
    CHECK_EQ(evtchn_close(b), 0);
}

static void errors(void)
{
    evtchn_port_t p, q;
    struct evtchn_status st;

    CHECK_EQ(evtchn_send(BAD_PORT), -XEN_EINVAL);
    CHECK_EQ(evtchn_close(BAD_PORT), -XEN_EINVAL);
    CHECK_EQ(evtchn_unmask(BAD_PORT), -XEN_EINVAL);
    CHECK_EQ(evtchn_status(DOMID_SELF, BAD_PORT, &st), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_interdomain(DOMID_SELF, BAD_PORT, &p), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_virq(NR_VIRQS + 5, 0, &p), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_ipi(1000, &p), -XEN_ENOENT);
    /* A default periodic timer may tick on this port: keep its event from
     * the upcall (which would count it as stray) until it is gone. */
    cli();
    CHECK_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &p), 0);
    CHECK_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &q), -XEN_EEXIST);
    evtchn_mask(p);
    CHECK_EQ(evtchn_close(p), 0);
    __atomic_and_fetch(&shared_info->evtchn_pending[p / 64], ~(1UL << (p % 64)),
                       __ATOMIC_ACQ_REL);
    sti();
}

static void answer_pings(domid_t peer, evtchn_port_t port, unsigned int rounds)
{
    for (unsigned int i = 1; i <= rounds; i++) {
        if (!wait_hit(port, i, i == 1 ? 10000 : 1000))
            test_fail("ping %u from domain %u did not come", i, peer);
        if (hits[port] < i)
            return;
        CHECK_EQ(evtchn_send(port), 0);
    }
    printf("evtchn: answered %u pings from domain %u\n", rounds, peer);
}

static void role_a(void)
{
    evtchn_port_t port = 0, decoy = 0;
    uint64_t peer;

    if (cmdline_u64("peer", &peer)) {
        REQUIRE_EQ(evtchn_alloc_unbound(peer, &port), 0);
        CHECK_EQ(port, PEER_PORT);
        /* Handled from now on: the first ping may come at any time. */
        evtchn_set_handler(port, 0, on_event, NULL);
        CHECK_EQ(evtchn_alloc_unbound(DOMID_SELF, &decoy), 0);
        CHECK_EQ(decoy, DECOY_PORT);
    }
    loopback();
    errors();
    if (port)
        answer_pings(peer, port, cmdline_u64_or("rounds", 100));
}

static evtchn_port_t bind_to_peer(domid_t peer)
{
    uint64_t start = now_ns(), end = start + 5000 * MS;
    evtchn_port_t port;
    unsigned int tries = 0;
    long rc;

    cli();                  /* until take_bind_event() */
    do {
        tries++;
        rc = evtchn_bind_interdomain(peer, PEER_PORT, &port);
        if (!rc)
            break;
        sched_yield();
    } while (now_ns() < end);
    if (rc)
        test_fail("bind_interdomain(%u, %u): %ld after %u tries in 5 s",
                  peer, PEER_PORT, rc, tries);
    else
        printf("evtchn: bound port %u to domain %u port %u after %u tries, %lu us\n",
               port, peer, PEER_PORT, tries, (now_ns() - start) / 1000);
    if (!rc)
        take_bind_event(port);
    return rc ? 0 : port;
}

/* What this (unprivileged) domain may not do with the peer's ports. */
static void peer_errors(domid_t peer, evtchn_port_t mine)
{
    evtchn_port_t p;
    struct evtchn_status st;
    struct evtchn_alloc_unbound a = { .dom = peer, .remote_dom = DOMID_SELF };

    CHECK_EQ(evtchn_status(peer, PEER_PORT, &st), -XEN_EPERM);
    CHECK_EQ(hypervisor_event_channel_op(EVTCHNOP_alloc_unbound, &a), -XEN_EPERM);
    /* The decoy is unbound, but offered to the peer itself, not to us. */
    CHECK_EQ(evtchn_bind_interdomain(peer, DECOY_PORT, &p), -XEN_EINVAL);
    /* Bound already. */
    CHECK_EQ(evtchn_bind_interdomain(peer, PEER_PORT, &p), -XEN_EINVAL);
    /* Port numbers the peer has and we do not. */
    CHECK_EQ(evtchn_send(mine + 1), -XEN_EINVAL);
    CHECK_EQ(evtchn_close(mine + 1), -XEN_EINVAL);
    CHECK_EQ(evtchn_status(DOMID_SELF, mine, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.dom, peer);
    CHECK_EQ(st.u.interdomain.port, PEER_PORT);
}

static void ping(domid_t peer, evtchn_port_t port, unsigned int rounds)
{
    uint64_t sum = 0, max = 0;

    evtchn_set_handler(port, 0, on_event, NULL);
    for (unsigned int i = 1; i <= rounds; i++) {
        uint64_t t = now_ns(), rtt;

        CHECK_EQ(evtchn_send(port), 0);
        if (!wait_hit(port, i, 1000)) {
            test_fail("no answer to ping %u from domain %u", i, peer);
            return;
        }
        rtt = now_ns() - t;
        sum += rtt;
        max = rtt > max ? rtt : max;
    }
    printf("evtchn: %u round trips to domain %u: avg %lu us, max %lu us\n",
           rounds, peer, sum / rounds / 1000, max / 1000);
}

static void role_b(void)
{
    uint64_t peer;
    evtchn_port_t port;

    if (!cmdline_u64("peer", &peer))
        test_error("role=b needs peer=<domain id>");
    port = bind_to_peer(peer);
    if (!port)
        return;
    peer_errors(peer, port);
    loopback();
    errors();
    ping(peer, port, cmdline_u64_or("rounds", 100));
}

void test_main(void)
{
    const char *role = "a";
    size_t len = 1;
    long rc;

    cmdline_find("role", &role, &len);
    if ((rc = events_init(EVENT_VECTOR_DEFAULT)))
        test_error("events_init: %ld", rc);
    if (len == 1 && role[0] == 'b')
        role_b();
    else
        role_a();
    evtchn_no_strays();
}
