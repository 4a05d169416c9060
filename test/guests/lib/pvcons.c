// SPDX-License-Identifier: MIT
/*
 * Test guests: the PV console (pvcons.h). Output goes into the page's 'out'
 * ring under a lock (several vCPUs may print); when the ring is full the
 * writer notifies the backend and waits for its event (SCHEDOP_poll on the
 * port, which stays masked so no upcall handler is needed). A backend that
 * does not drain within WAIT_NS, or indexes out of range, send output back
 * to console_io for good, so a test's result is never lost.
 */
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/io/console.h>
#include "pvcons.h"
#include "test.h"
#include "x86.h"
#include "xen.h"

#define WAIT_NS         2000000000ull   /* a backend this slow is gone */

extern void (*console_write_hook)(const char *buf, size_t len);

static struct xencons_interface *intf;
static evtchn_port_t port;
static volatile uint32_t lock;

static long get_param(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
    long rc = hypervisor_hvm_op(HVMOP_get_param, &p);

    *value = rc ? 0 : p.value;
    return rc;
}

/* Map the page at gfn (identity) if head.S's first 4 GiB do not cover it. */
void *pv_map_gfn(uint64_t gfn)
{
    uint64_t pa = gfn << 12;

    if (!pt_is_mapped(pa) && pt_map_page(pa, pa))
        return NULL;
    return (void *)(uintptr_t)pa;
}

static void write_ring(const char *buf, size_t len)
{
    uint64_t deadline = 0;

    while (len && intf) {
        XENCONS_RING_IDX cons = __atomic_load_n(&intf->out_cons, __ATOMIC_ACQUIRE);
        XENCONS_RING_IDX prod = intf->out_prod;
        XENCONS_RING_IDX used = prod - cons;
        size_t n = 0;

        if (used > XENCONS_OUT_SIZE) {
            intf = NULL;                /* the backend broke it */
            break;
        }
        for (; n < len && used + n < XENCONS_OUT_SIZE; n++)
            intf->out[MASK_XENCONS_IDX(prod + n, intf->out)] = buf[n];
        __atomic_store_n(&intf->out_prod, prod + (XENCONS_RING_IDX)n, __ATOMIC_RELEASE);
        evtchn_send(port);
        buf += n;
        len -= n;
        if (!len)
            return;
        if (n)
            deadline = 0;
        if (!deadline)
            deadline = now_ns() + WAIT_NS;
        else if (now_ns() >= deadline)
            intf = NULL;                /* nobody drains it */
        else
            evtchn_poll_clear(port, deadline);
    }
    hypervisor_console_io(CONSOLEIO_write, len, buf);
}

static void pvcons_write(const char *buf, size_t len)
{
    uint64_t flags = read_rflags();

    cli();
    while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
        cpu_relax();
    write_ring(buf, len);
    __atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
    if (flags & (1u << 9))
        sti();
}

bool pvcons_init(void)
{
    uint64_t gfn, evtchn;

    if (get_param(HVM_PARAM_CONSOLE_PFN, &gfn) || !gfn ||
        get_param(HVM_PARAM_CONSOLE_EVTCHN, &evtchn) || !evtchn ||
        evtchn >= EVTCHN_HANDLED_PORTS || shared_info_map())
        return false;
    if (!(intf = pv_map_gfn(gfn)))
        return false;
    port = (evtchn_port_t)evtchn;
    evtchn_mask(port);
    console_write_hook = pvcons_write;
    return true;
}

bool pvcons_active(void)
{
    return console_write_hook == pvcons_write && intf;
}

void pvcons_stop(void)
{
    console_write_hook = NULL;
}

struct xencons_interface *pvcons_page(void)
{
    return intf;
}

uint32_t pvcons_port(void)
{
    return port;
}

long pvcons_read(char *buf, size_t len, uint64_t deadline_ns)
{
    for (;;) {
        XENCONS_RING_IDX prod, cons;
        size_t n = 0;

        if (!intf)
            return -XEN_ENODEV;
        prod = __atomic_load_n(&intf->in_prod, __ATOMIC_ACQUIRE);
        cons = intf->in_cons;
        if (prod - cons > XENCONS_IN_SIZE)
            return -XEN_EIO;
        for (; n < len && cons + n != prod; n++)
            buf[n] = intf->in[MASK_XENCONS_IDX(cons + n, intf->in)];
        if (n) {
            __atomic_store_n(&intf->in_cons, cons + (XENCONS_RING_IDX)n, __ATOMIC_RELEASE);
            evtchn_send(port);
            return (long)n;
        }
        if (now_ns() >= deadline_ns)
            return 0;
        evtchn_poll_clear(port, deadline_ns);
    }
}
