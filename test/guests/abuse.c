// SPDX-License-Identifier: MIT
/*
 * abuse: a hostile guest that dom0 built (`hv create abuse.cfg`). Each
 * thing it does must get an error and leave dom0, xenstored and the other
 * domains as they were (docs/test-guests.md):
 * - xenstore: a header longer than the maximum (E2BIG, payload skipped),
 *   paths without their NUL (EINVAL), an unknown type (ENOSYS), dom0's
 *   INTRODUCE (EACCES), a transaction left open, and floods until EQUOTA:
 *   nodes, a value too big, watches, transactions; the connection still
 *   answers after each;
 * - grant ops: bad flags, a ref beyond the table, a ref never granted,
 *   domain 77, a copy from dom0's memory;
 * - dom0's hypercalls: domctl, sysctl, a foreign mapping, CONSOLEIO_read,
 *   alloc_unbound in domain 0, SCHEDOP_remote_shutdown of domain 0: -EPERM;
 * - dom0's devices: PHYSDEVOP_map_pirq of dom0's host bridge -EPERM, and
 *   naming dom0 -EPERM; irq_status_query and EVTCHNOP_bind_pirq of a pirq
 *   it has not mapped -EINVAL; PCI config space (ports 0xcf8/0xcfc) has
 *   its own latch and shows no device;
 * - last, its console ring's producer index pushed far past the consumer:
 *   dom0 must drop that console (one log line); the result then goes out
 *   by console_io, "(dN) Test result: ...".
 */
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/petrel_ctl.h>
#include <public/physdev.h>
#include <public/io/console.h>
#include "pvcons.h"
#include "test.h"
#include "x86.h"
#include "xen.h"
#include "xsc.h"

TEST_TITLE("a hostile guest: bad xenstore messages, grants, hypercalls, console ring");

#define JUNK_LEN        5000
#define FLOOD_MAX       1200

static char junk[JUNK_LEN];
static char reply[XENSTORE_PAYLOAD_MAX + 1];

/* Send hdr (and len bytes of payload) raw; the reply to req_id must be an
 * XS_ERROR named want. */
static void raw_expect(uint32_t type, uint32_t req_id, uint32_t len, const void *payload,
                       size_t sent, const char *want)
{
    struct xsd_sockmsg h = { .type = type, .req_id = req_id, .len = len };
    uint64_t deadline = now_ns() + XSC_TIMEOUT_NS;
    long rc;

    REQUIRE_EQ(xsc_send_raw(&h, sizeof(h), deadline), sizeof(h));
    REQUIRE_EQ(xsc_send_raw(payload, sent, deadline), (long)sent);
    do {
        rc = xsc_recv(&h, reply, sizeof(reply), deadline);
    } while (rc >= 0 && (h.type == XS_WATCH_EVENT || h.req_id != req_id));
    if (rc < 0 || h.type != XS_ERROR || strcmp(reply, want))
        test_fail("type %u len %u: got rc %ld type %u '%s', want XS_ERROR %s", type, len,
                  rc, h.type, rc >= 0 ? reply : "", want);
}

static void still_served(const char *after)
{
    if (xsc_read("domid", reply, sizeof(reply)) <= 0)
        test_fail("xenstored stopped answering after %s", after);
}

static void bad_messages(void)
{
    memset(junk, 'j', sizeof(junk));
    raw_expect(XS_READ, 9001, JUNK_LEN, junk, JUNK_LEN, "E2BIG");
    still_served("a message past the maximum");
    raw_expect(XS_READ, 9002, 3, "abc", 3, "EINVAL");
    raw_expect(XS_WRITE, 9003, 4, "data", 4, "EINVAL");
    raw_expect(99, 9004, 1, "", 1, "ENOSYS");
    raw_expect(XS_INTRODUCE, 9005, 6, "0\0" "1\0" "2\0", 6, "EACCES");
    raw_expect(XS_READ, 9006, 0, "", 0, "EINVAL");
    still_served("malformed messages");
}

static void floods(void)
{
    static char big[3000];
    char path[32];
    uint32_t tx;
    long rc = 0;
    unsigned int i;

    /* A transaction that is never ended, with a write in it. */
    REQUIRE_EQ(xsc_transaction_start(&tx), 0);
    CHECK(xsc_request(XS_WRITE, tx, "data/in-tx\0x", 12, reply, sizeof(reply), NULL) >= 0);
    CHECK_EQ(xsc_read("data/in-tx", reply, sizeof(reply)), -XEN_ENOENT);

    for (i = 0; i < FLOOD_MAX; i++) {
        snprintf(path, sizeof(path), "data/flood/%u", i);
        if ((rc = xsc_write(path, "x")))
            break;
    }
    CHECK_EQ(rc, -XSC_EQUOTA);
    printf("abuse: node flood: EQUOTA after %u nodes\n", i);
    memset(big, 'b', sizeof(big) - 1);
    CHECK_EQ(xsc_write("data/big", big), -XSC_EQUOTA);
    for (i = 0; i < FLOOD_MAX; i++) {
        snprintf(path, sizeof(path), "w%u", i);
        if ((rc = xsc_watch("data", path)))
            break;
    }
    CHECK_EQ(rc, -XSC_EQUOTA);
    printf("abuse: watch flood: EQUOTA after %u watches\n", i);
    for (i = 0; i < FLOOD_MAX; i++)
        if ((rc = xsc_transaction_start(&tx)))
            break;
    CHECK_EQ(rc, -XSC_EQUOTA);
    printf("abuse: transaction flood: EQUOTA after %u more\n", i);
    still_served("the floods");
}

static int16_t map(domid_t dom, grant_ref_t ref, uint32_t flags)
{
    struct gnttab_map_grant_ref op = { .host_addr = 0xd0000000, .flags = flags,
                                       .ref = ref, .dom = dom };
    long rc = hypervisor_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);

    return rc ? (int16_t)-1000 : op.status;
}

static void grants(void)
{
    struct gnttab_copy c = {
        .source = { .u.gmfn = 0x100, .domid = 0 },
        .dest = { .u.gmfn = (uintptr_t)junk >> 12, .domid = DOMID_SELF },
        .len = 8,
    };

    CHECK_EQ(map(0, 1, 0), GNTST_bad_gntref);
    CHECK_EQ(map(0, 1u << 20, GNTMAP_host_map), GNTST_bad_gntref);
    CHECK_EQ(map(0, 100, GNTMAP_host_map), GNTST_general_error);
    CHECK_EQ(map(77, 1, GNTMAP_host_map), GNTST_bad_domain);
    CHECK_EQ(hypervisor_grant_table_op(GNTTABOP_copy, &c, 1), 0);
    CHECK_EQ(c.status, GNTST_permission_denied);
    c.source = (struct gnttab_copy_ptr){ .u.ref = 1, .domid = 77 };
    c.flags = GNTCOPY_source_gref;
    CHECK_EQ(hypervisor_grant_table_op(GNTTABOP_copy, &c, 1), 0);
    CHECK_EQ(c.status, GNTST_bad_domain);
}

/* The control domain's devices: none for us (docs/pci.md), though a
 * function passed through to us would be ours to map. */
static void dom0_devices(void)
{
    struct physdev_map_pirq m = {
        .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MSI_SEG, .index = -1, .pirq = -1,
        .devfn = 0,                             /* 00:00.0: the host bridge, dom0's */
    };
    struct physdev_irq_status_query q = { .irq = 1 };
    struct evtchn_bind_pirq bp = { .pirq = 1 };

    CHECK_EQ(hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq, (uintptr_t)&m, 0, 0, 0),
             -XEN_EPERM);
    m.domid = 0;
    CHECK_EQ(hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq, (uintptr_t)&m, 0, 0, 0),
             -XEN_EPERM);
    CHECK_EQ(hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_irq_status_query, (uintptr_t)&q,
                       0, 0, 0), -XEN_EINVAL);
    CHECK_EQ(hypervisor_event_channel_op(EVTCHNOP_bind_pirq, &bp), -XEN_EINVAL);
    outl(0xcf8, 0x80000000);                    /* 00:00.0: the host bridge */
    CHECK_EQ(inl(0xcf8), 0x80000000);           /* its own latch */
    CHECK_EQ(inl(0xcfc), 0xffffffff);
    CHECK_EQ(inw(0xcfe), 0xffff);
}

static void dom0_only(void)
{
    static struct petrel_domctl dop = { .interface_version = PETREL_CTL_VERSION,
                                        .cmd = PETREL_DOMCTL_getdomaininfo };
    static struct petrel_sysctl sop = { .interface_version = PETREL_CTL_VERSION,
                                        .cmd = PETREL_SYSCTL_physinfo };
    xen_pfn_t gfn = 0xd0000;
    xen_ulong_t idx = 0x100;
    int err = 1;
    struct xen_add_to_physmap_batch b = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign, .size = 1,
        .foreign_domid = 0, .idxs = (uintptr_t)&idx, .gpfns = (uintptr_t)&gfn,
        .errs = (uintptr_t)&err };
    struct evtchn_alloc_unbound au = { .dom = 0, .remote_dom = DOMID_SELF };
    struct sched_remote_shutdown rs = { .domain_id = 0, .reason = SHUTDOWN_poweroff };
    char c;

    CHECK_EQ(hypercall(__HYPERVISOR_domctl, (uintptr_t)&dop, 0, 0, 0, 0), -XEN_EPERM);
    dop.cmd = PETREL_DOMCTL_destroydomain;
    CHECK_EQ(hypercall(__HYPERVISOR_domctl, (uintptr_t)&dop, 0, 0, 0, 0), -XEN_EPERM);
    CHECK_EQ(hypercall(__HYPERVISOR_sysctl, (uintptr_t)&sop, 0, 0, 0, 0), -XEN_EPERM);
    CHECK_EQ(hypervisor_memory_op(XENMEM_add_to_physmap_batch, &b), -XEN_EPERM);
    CHECK_EQ(err, 1);
    CHECK_EQ(hypervisor_console_io(CONSOLEIO_read, 1, &c), -XEN_EPERM);
    CHECK_EQ(hypervisor_event_channel_op(EVTCHNOP_alloc_unbound, &au), -XEN_EPERM);
    CHECK_EQ(hypervisor_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_EPERM);
    dom0_devices();
}

/* Push the console's producer index far past the consumer; dom0 must drop
 * the console, which closes its end of the port (ours becomes unbound). */
static void break_console(void)
{
    struct xencons_interface *intf = pvcons_page();
    XENCONS_RING_IDX cons;
    uint64_t deadline;
    struct evtchn_status st;

    /* What it wrote is read first (dom0 notifies after reading), so that
     * only the broken index is lost. */
    deadline = now_ns() + 5000000000ull;
    while (__atomic_load_n(&intf->out_cons, __ATOMIC_ACQUIRE) != intf->out_prod &&
           now_ns() < deadline)
        evtchn_poll_clear(pvcons_port(), deadline);
    cons = __atomic_load_n(&intf->out_cons, __ATOMIC_ACQUIRE);
    pvcons_stop();
    printf("abuse: breaking my console ring; the rest goes by console_io\n");
    __atomic_store_n(&intf->out_prod, cons + 0x40000000u, __ATOMIC_RELEASE);
    evtchn_send(pvcons_port());
    deadline = now_ns() + 10000000000ull;
    do {
        if (evtchn_status(DOMID_SELF, pvcons_port(), &st))
            break;
        if (st.status != EVTCHNSTAT_interdomain) {
            printf("abuse: dom0 dropped my console (its port is no longer bound)\n");
            return;
        }
        evtchn_poll_clear(pvcons_port(), now_ns() + 10000000ull);
    } while (now_ns() < deadline);
    test_fail("dom0 still serves the broken console ring after 10 s");
}

void test_main(void)
{
    long rc;

    if (!pvcons_active())
        test_skip("no PV console: run me from dom0 (hv create abuse.cfg)");
    if ((rc = xsc_init()))
        test_error("no xenstore page or port: %ld", rc);
    printf("abuse: starting\n");
    bad_messages();
    floods();
    grants();
    dom0_only();
    break_console();
    printf("abuse: %u failures (details on its PV console)\n", test_failures);
}
