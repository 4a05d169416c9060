/* SPDX-License-Identifier: MIT */
/*
 * Guest bench (a measurement, not a test; for `make bench`): hot-path
 * costs. Under QEMU with -icount shift=0, and under Bochs, the TSC counts
 * executed instructions, so each figure is instructions per operation:
 * (TSC after ROUNDS operations - TSC before) / ROUNDS, after a warm-up.
 * Prints "bench: <name> <count>" lines, then the result line.
 *
 * With peer=N on its command line (make bench runs two of these under
 * dom0=test-all, on one pCPU: role=main peer=1 and role=peer peer=0) the
 * main domain also measures, against the peer domain:
 *  - yield-round-trip: SCHEDOP_yield while the peer yields too: two vCPU
 *    switches (there and back) and two yields;
 *  - evtchn-round-trip: send on an interdomain channel, the peer waiting in
 *    SCHEDOP_poll wakes and sends back, the main one waits in SCHEDOP_poll:
 *    two sends, two blocks and wakes, two vCPU switches;
 * Alone, it also maps and unmaps one of its own grants (GNTTABOP map then
 * unmap, host_map, at an empty gfn) and copies 64 bytes from it with
 * GNTTABOP_copy (grant to own gfn); and, once the peer has gone,
 * timer-interrupt latency: from the
 * deadline of a one-shot timer (VCPUOP_set_singleshot_timer) to the first
 * instruction of the guest's VIRQ_TIMER handler, delivered through the
 * callback vector while the guest spins with interrupts on.
 */
#include <public/arch-x86/cpuid.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sched.h>
#include "hypercall.h"
#include "test.h"
#include "x86.h"
#include "xen.h"

TEST_TITLE("instructions per hypervisor round trip, vCPU switch, event and timer");

#define WARMUP  100
#define ROUNDS  1000
#define TIMER_ROUNDS    200
#define MAIN_PORT       1       /* main's first port: unbound for the peer */

enum what { NULL_PAGE, NULL_DIRECT, CPUID_EXIT, GRANT_MAP_UNMAP, GRANT_COPY, EMPTY };

/* ---- grants: to itself ------------------------------------------------------ */

#define SELF_DOMID      0               /* the main domain (make bench, dom0=test) */
#define BENCH_REF       8
#define MAP_GPA         0x40000000UL    /* empty: far above the RAM */

static uint8_t gt_frame[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t granted[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t copied[PAGE_SIZE] __aligned(PAGE_SIZE);

static void grant_setup(void)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
        .gpfn = (uintptr_t)gt_frame / PAGE_SIZE,
    };
    struct grant_entry_v1 *gt = (struct grant_entry_v1 *)gt_frame;

    REQUIRE_EQ(hypervisor_memory_op(XENMEM_add_to_physmap, &x), 0);
    invlpg(gt_frame);
    gt[BENCH_REF].domid = SELF_DOMID;
    gt[BENCH_REF].frame = (uintptr_t)granted / PAGE_SIZE;
    __atomic_store_n(&gt[BENCH_REF].flags, GTF_permit_access, __ATOMIC_RELEASE);
}

static void grant_map_unmap(void)
{
    struct gnttab_map_grant_ref m = {
        .host_addr = MAP_GPA, .flags = GNTMAP_host_map, .ref = BENCH_REF, .dom = DOMID_SELF,
    };
    struct gnttab_unmap_grant_ref u = { .host_addr = MAP_GPA };

    REQUIRE_EQ(hypervisor_grant_table_op(GNTTABOP_map_grant_ref, &m, 1), 0);
    REQUIRE_EQ(m.status, GNTST_okay);
    u.handle = m.handle;
    REQUIRE_EQ(hypervisor_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    REQUIRE_EQ(u.status, GNTST_okay);
}

static void grant_copy(void)
{
    struct gnttab_copy c = {
        .source = { .u.ref = BENCH_REF, .domid = DOMID_SELF },
        .dest = { .u.gmfn = (uintptr_t)copied / PAGE_SIZE, .domid = DOMID_SELF },
        .len = 64, .flags = GNTCOPY_source_gref,
    };

    REQUIRE_EQ(hypervisor_grant_table_op(GNTTABOP_copy, &c, 1), 0);
    REQUIRE_EQ(c.status, GNTST_okay);
}

static void once(enum what w)
{
    switch (w) {
    case NULL_PAGE:
        hypercall_by(HC_PAGE, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
        break;
    case NULL_DIRECT:
        hypercall_by(HC_DIRECT, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
        break;
    case CPUID_EXIT:
        cpuid(XEN_CPUID_FIRST_LEAF);
        break;
    case GRANT_MAP_UNMAP:
        grant_map_unmap();
        break;
    case GRANT_COPY:
        grant_copy();
        break;
    case EMPTY:
        asm volatile("");
        break;
    }
}

static uint64_t measure(enum what w)
{
    uint64_t t0;

    for (int i = 0; i < WARMUP; i++)
        once(w);
    t0 = rdtsc();
    for (int i = 0; i < ROUNDS; i++)
        once(w);
    return (rdtsc() - t0) / ROUNDS;
}

/* ---- against a peer domain --------------------------------------------- */

static bool port_pending(evtchn_port_t p)
{
    return __atomic_load_n(&shared_info->evtchn_pending[p / 64], __ATOMIC_ACQUIRE) &
           (1UL << (p % 64));
}

static void port_clear(evtchn_port_t p)
{
    __atomic_and_fetch(&shared_info->evtchn_pending[p / 64], ~(1UL << (p % 64)),
                       __ATOMIC_ACQ_REL);
}

/* Block in SCHEDOP_poll until p is pending, then take the event. */
static void poll_take(evtchn_port_t p)
{
    struct sched_poll sp = { .ports = (uintptr_t)&p, .nr_ports = 1, .timeout = 0 };

    while (!port_pending(p))
        REQUIRE_EQ(hypervisor_sched_op(SCHEDOP_poll, &sp), 0);
    port_clear(p);
}

/* Yield until p is pending, then take the event. */
static void yield_take(evtchn_port_t p)
{
    while (!port_pending(p))
        sched_yield();
    port_clear(p);
}

/*
 * The peer: bind to the main domain's port 1 and say so; wait (blocked)
 * until the yield phase starts; yield until it ends, and say so; then echo
 * WARMUP + ROUNDS events, and leave. Each phase change is acknowledged, as
 * two sends to a port that is already pending make one event.
 */
static void peer(domid_t main_dom)
{
    uint64_t give_up = now_ns() + 5000000000ULL;
    evtchn_port_t p;
    long rc;

    while ((rc = evtchn_bind_interdomain(main_dom, MAIN_PORT, &p)) == -XEN_EINVAL &&
           now_ns() < give_up)
        sched_yield();
    REQUIRE_EQ(rc, 0);
    port_clear(p);                          /* pending after a bind, as in Xen */
    REQUIRE_EQ(evtchn_send(p), 0);          /* ready */
    poll_take(p);                           /* the yield phase starts */
    yield_take(p);                          /* ... and ends */
    REQUIRE_EQ(evtchn_send(p), 0);          /* echoing from now on */
    for (int i = 0; i < WARMUP + ROUNDS; i++) {
        poll_take(p);
        REQUIRE_EQ(evtchn_send(p), 0);
    }
}

static uint64_t yield_round_trips(evtchn_port_t p)
{
    uint64_t t0;

    REQUIRE_EQ(evtchn_send(p), 0);          /* the yield phase starts */
    for (int i = 0; i < WARMUP; i++)        /* the peer gets into its loop */
        sched_yield();
    t0 = rdtsc();
    for (int i = 0; i < ROUNDS; i++)
        sched_yield();
    t0 = (rdtsc() - t0) / ROUNDS;
    REQUIRE_EQ(evtchn_send(p), 0);          /* ... and ends */
    poll_take(p);                           /* the peer is echoing */
    return t0;
}

static uint64_t evtchn_round_trips(evtchn_port_t p)
{
    uint64_t t0 = 0;

    for (int i = 0; i < WARMUP + ROUNDS; i++) {
        if (i == WARMUP)
            t0 = rdtsc();
        REQUIRE_EQ(evtchn_send(p), 0);
        poll_take(p);
    }
    return (rdtsc() - t0) / ROUNDS;
}

/* ---- timer interrupt latency --------------------------------------------- */

static volatile uint64_t fired_tsc;

static void on_timer(evtchn_port_t port, void *arg)
{
    if (!fired_tsc)
        fired_tsc = rdtsc();
}

static uint64_t timer_latency(void)
{
    const uint64_t delay_ns = 200000;
    uint64_t hz = pvclock_tsc_hz(), total = 0;

    REQUIRE_EQ(timer_bind(0, on_timer, NULL, NULL), 0);
    sti();
    for (int i = 0; i < TIMER_ROUNDS; i++) {
        uint64_t t0, deadline_tsc;

        fired_tsc = 0;
        t0 = rdtsc();
        REQUIRE_EQ(timer_set_singleshot(0, now_ns() + delay_ns, 0), 0);
        /* The deadline in TSC ticks: at least t0 + delay (now_ns() was read
         * after t0), which makes the figure an upper bound by the few
         * instructions between t0 and that read. */
        deadline_tsc = t0 + delay_ns * hz / 1000000000ULL;
        while (!fired_tsc)
            cpu_relax();
        if (fired_tsc < deadline_tsc)
            test_fail("timer handler ran %lu ticks before the deadline",
                      deadline_tsc - fired_tsc);
        total += fired_tsc - deadline_tsc;
    }
    cli();
    return total / TIMER_ROUNDS;
}

void test_main(void)
{
    static const struct {
        enum what w;
        const char *name;
    } items[] = {
        { NULL_PAGE, "null-hypercall-page" },
        { NULL_DIRECT, "null-hypercall-direct" },
        { CPUID_EXIT, "cpuid-exit" },
        { GRANT_MAP_UNMAP, "grant-map-unmap" },
        { GRANT_COPY, "grant-copy-64" },
        { EMPTY, "loop-overhead" },
    };
    const char *role;
    size_t len;
    uint64_t peer_dom;
    evtchn_port_t p;

    if (!xen_cpuid_base)
        test_skip("no hypervisor (bare run): nothing to measure");
    REQUIRE_EQ(events_init(EVENT_VECTOR_DEFAULT), 0);
    if (cmdline_find("role", &role, &len) && len == 4 && !memcmp(role, "peer", 4)) {
        REQUIRE(cmdline_u64("peer", &peer_dom));
        peer(peer_dom);
        return;
    }
    if (cmdline_u64("peer", &peer_dom)) {
        REQUIRE_EQ(evtchn_alloc_unbound(peer_dom, &p), 0);
        REQUIRE_EQ(p, MAIN_PORT);
        poll_take(p);           /* the peer is ready, and blocked: measure alone */
        /* Interrupts stay off here: take the upcall back as a handler
         * would (flag, then selector), or every entry would ask for an
         * interrupt window. */
        vcpu_info_of(0)->evtchn_upcall_pending = 0;
        __atomic_exchange_n(&vcpu_info_of(0)->evtchn_pending_sel, 0, __ATOMIC_ACQ_REL);
    }
    grant_setup();
    printf("bench: %u rounds after %u warm-up rounds; TSC ticks per round\n",
           ROUNDS, WARMUP);
    for (unsigned int i = 0; i < ARRAY_SIZE(items); i++)
        printf("bench: %s %lu\n", items[i].name, measure(items[i].w));
    if (cmdline_u64("peer", &peer_dom)) {
        printf("bench: yield-round-trip %lu\n", yield_round_trips(p));
        printf("bench: evtchn-round-trip %lu\n", evtchn_round_trips(p));
    }
    printf("bench: timer-latency %lu\n", timer_latency());
}
