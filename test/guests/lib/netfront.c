// SPDX-License-Identifier: MIT
/* Test guests: a netif frontend; see netfront.h. */
#include <public/errno.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include "netfront.h"
#include "test.h"
#include "x86.h"
#include "xen.h"
#include "xsc.h"

#define TX_MASK(i)      ((i) & (NET_TX_RING_SIZE - 1))
#define RX_MASK(i)      ((i) & (NET_RX_RING_SIZE - 1))
#define GREF_FIRST      8               /* below: the toolstack's */
#define STATE_WAIT_NS   30000000000ull
#define NO_STATUS       2

static uint8_t gt_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static struct netif_tx_sring tx_ring __aligned(PAGE_SIZE);
static struct netif_rx_sring rx_ring __aligned(PAGE_SIZE);
static uint8_t tx_bufs[NETFRONT_TX_BUFS][PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t rx_bufs[NETFRONT_RX_BUFS][PAGE_SIZE] __aligned(PAGE_SIZE);

static struct grant_entry_v1 *table;
static grant_ref_t next_gref = GREF_FIRST;

static struct {
    char fe[64], be[96];
    domid_t be_id;
    uint8_t mac[6];
    evtchn_port_t tx_port, rx_port;
    grant_ref_t tx_gref[NETFRONT_TX_BUFS], rx_gref[NETFRONT_RX_BUFS];
    bool tx_busy[NETFRONT_TX_BUFS];
    unsigned int tx_inflight;           /* requests without a response */
    RING_IDX tx_prod, tx_cons, rx_prod, rx_cons;
    struct netfront_tx_counts counts;
    int16_t raw_status[256];
} nf;

static uint64_t gfn_of(const void *p)
{
    return (uintptr_t)p / PAGE_SIZE;
}

static grant_ref_t grant(const void *page, bool ro)
{
    grant_ref_t ref = next_gref++;

    table[ref].domid = nf.be_id;
    table[ref].frame = (uint32_t)gfn_of(page);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    table[ref].flags = GTF_permit_access | (ro ? GTF_readonly : 0);
    return ref;
}

static long map_grant_table(void)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
        .gpfn = gfn_of(gt_page),
    };
    long rc = hypervisor_memory_op(XENMEM_add_to_physmap, &x);

    if (!rc) {
        invlpg(gt_page);
        table = (struct grant_entry_v1 *)gt_page;
    }
    return rc;
}

static unsigned long parse_ul(const char *s)
{
    unsigned long v = 0;

    for (; *s >= '0' && *s <= '9'; s++)
        v = v * 10 + (unsigned long)(*s - '0');
    return v;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
           c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool parse_mac(const char *s, uint8_t *mac)
{
    for (int i = 0; i < 6; i++) {
        int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

        if (hi < 0 || lo < 0 || s[3 * i + 2] != (i < 5 ? ':' : '\0'))
            return false;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static long read_key(const char *dir, const char *key, char *buf, size_t size)
{
    char path[160];

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return xsc_read(path, buf, size);
}

static long write_key(const char *key, unsigned long v)
{
    char path[160], val[24];

    snprintf(path, sizeof(path), "%s/%s", nf.fe, key);
    snprintf(val, sizeof(val), "%lu", v);
    return xsc_write(path, val);
}

unsigned long netfront_backend_feature(const char *key)
{
    char buf[24];

    return read_key(nf.be, key, buf, sizeof(buf)) > 0 ? parse_ul(buf) : 0;
}

/* Wait for the backend's state to be want (its state key is watched). */
static int wait_backend(unsigned int want)
{
    uint64_t deadline = now_ns() + STATE_WAIT_NS;
    char path[160], tok[16], buf[16];
    long rc;

    snprintf(path, sizeof(path), "%s/state", nf.be);
    for (;;) {
        unsigned long st = read_key(nf.be, "state", buf, sizeof(buf)) > 0 ? parse_ul(buf) : 0;

        if (st == want)
            return 0;
        if (st >= 5) {                  /* Closing, Closed */
            printf("netfront: the backend went to state %lu, not %u\n", st, want);
            return -XEN_EIO;
        }
        rc = xsc_wait_watch(path, sizeof(path), tok, sizeof(tok), deadline);
        if (rc <= 0) {
            printf("netfront: the backend stayed in state %lu (want %u)\n", st, want);
            return rc ? (int)rc : -XEN_ETIMEDOUT;
        }
        snprintf(path, sizeof(path), "%s/state", nf.be);
    }
}

static void rx_post(unsigned int id)
{
    struct netif_rx_request *r = &rx_ring.ring[RX_MASK(nf.rx_prod)].req;

    r->id = (uint16_t)id;
    r->gref = nf.rx_gref[id];
    nf.rx_prod++;
}

/* Publish the private producer; notify when the backend asked. */
static void push(volatile RING_IDX *prod, volatile RING_IDX *event, RING_IDX new,
                 evtchn_port_t port)
{
    RING_IDX old = *prod;

    __atomic_thread_fence(__ATOMIC_RELEASE);
    *prod = new;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if ((RING_IDX)(new - *event) < (RING_IDX)(new - old))
        evtchn_send(port);
}

static int rings_setup(const struct netfront_opts *o)
{
    long rc;

    memset(&tx_ring, 0, sizeof(tx_ring));
    memset(&rx_ring, 0, sizeof(rx_ring));
    tx_ring.hdr.req_event = tx_ring.hdr.rsp_event = 1;
    rx_ring.hdr.req_event = rx_ring.hdr.rsp_event = 1;
    for (unsigned int i = 0; i < NETFRONT_TX_BUFS; i++)
        nf.tx_gref[i] = grant(tx_bufs[i], true);
    for (unsigned int i = 0; i < NETFRONT_RX_BUFS; i++)
        nf.rx_gref[i] = grant(rx_bufs[i], false);
    if ((rc = evtchn_alloc_unbound(nf.be_id, &nf.tx_port)))
        return (int)rc;
    nf.rx_port = nf.tx_port;
    if (o && o->split && (rc = evtchn_alloc_unbound(nf.be_id, &nf.rx_port)))
        return (int)rc;
    evtchn_mask(nf.tx_port);
    evtchn_mask(nf.rx_port);
    if ((rc = write_key("tx-ring-ref", grant(&tx_ring, false))) ||
        (rc = write_key("rx-ring-ref", grant(&rx_ring, false))))
        return (int)rc;
    if (o && o->split)
        rc = write_key("event-channel-tx", nf.tx_port) ?:
             write_key("event-channel-rx", nf.rx_port);
    else
        rc = write_key("event-channel", nf.tx_port);
    if (rc || (rc = write_key("request-rx-copy", 1)) ||
        (rc = write_key("feature-rx-notify", 1)) || (rc = write_key("feature-sg", 1)))
        return (int)rc;
    for (unsigned int i = 0; i < NETFRONT_RX_BUFS; i++)
        rx_post(i);
    push(&rx_ring.hdr.req_prod, &rx_ring.hdr.req_event, nf.rx_prod, nf.rx_port);
    for (unsigned int i = 0; i < 256; i++)
        nf.raw_status[i] = NO_STATUS;
    return 0;
}

int netfront_init(unsigned int devid, const struct netfront_opts *opts)
{
    char buf[128];
    long rc;

    snprintf(nf.fe, sizeof(nf.fe), "device/vif/%u", devid);
    if ((rc = read_key(nf.fe, "backend", nf.be, sizeof(nf.be))) <= 0 ||
        read_key(nf.fe, "backend-id", buf, sizeof(buf)) <= 0 ||
        read_key(nf.fe, "mac", buf, sizeof(buf)) <= 0 || !parse_mac(buf, nf.mac)) {
        printf("netfront: %s: no backend, backend-id or mac\n", nf.fe);
        return rc < 0 ? (int)rc : -XEN_ENODEV;
    }
    read_key(nf.fe, "backend-id", buf, sizeof(buf));
    nf.be_id = (domid_t)parse_ul(buf);
    if ((rc = map_grant_table())) {
        printf("netfront: no grant table: %ld\n", rc);
        return (int)rc;
    }
    if ((rc = xsc_watch(nf.be, "be")) || (rc = wait_backend(2)))   /* InitWait */
        return (int)rc;
    if (netfront_backend_feature("feature-rx-copy") != 1) {
        printf("netfront: the backend has no feature-rx-copy\n");
        return -XEN_EOPNOTSUPP;
    }
    if ((rc = rings_setup(opts))) {
        printf("netfront: setting up the rings: %ld\n", rc);
        return (int)rc;
    }
    if ((rc = write_key("state", 4)))                               /* Connected */
        return (int)rc;
    return wait_backend(4);
}

const uint8_t *netfront_mac(void)
{
    return nf.mac;
}

void netfront_tx_poll(void)
{
    RING_IDX prod = __atomic_load_n(&tx_ring.hdr.rsp_prod, __ATOMIC_ACQUIRE);

    for (; nf.tx_cons != prod; nf.tx_cons++) {
        struct netif_tx_response *r = &tx_ring.ring[TX_MASK(nf.tx_cons)].rsp;

        if (r->status == NETIF_RSP_NULL) {
            nf.counts.null++;
            continue;
        }
        nf.counts.okay += r->status == NETIF_RSP_OKAY;
        nf.counts.error += r->status == NETIF_RSP_ERROR;
        nf.counts.dropped += r->status == NETIF_RSP_DROPPED;
        nf.tx_inflight--;
        if (r->id < NETFRONT_TX_BUFS && nf.tx_busy[r->id])
            nf.tx_busy[r->id] = false;
        else if (r->id >= NETFRONT_RAW_ID && r->id < 256)
            nf.raw_status[r->id] = r->status;
        else
            nf.counts.bad++;
    }
    /* Ask for an event at the next response. */
    tx_ring.hdr.rsp_event = nf.tx_cons + 1;
}

const struct netfront_tx_counts *netfront_tx_counts(void)
{
    return &nf.counts;
}

/* Wait for an event on port (or the deadline); false at the deadline. */
static bool wait_event(evtchn_port_t port, uint64_t deadline_ns)
{
    return evtchn_poll_clear(port, deadline_ns);
}

bool netfront_tx_drain(uint64_t deadline_ns)
{
    for (;;) {
        netfront_tx_poll();
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (!nf.tx_inflight)
            return true;
        if (tx_ring.hdr.rsp_prod != nf.tx_cons)
            continue;
        if (!wait_event(nf.tx_port, deadline_ns) && now_ns() >= deadline_ns)
            return false;
    }
}

/* A free tx buffer, waiting for responses until the deadline; -1 if none. */
static int tx_free_buf(uint64_t deadline_ns)
{
    for (;;) {
        netfront_tx_poll();
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        for (int id = 0; id < NETFRONT_TX_BUFS; id++)
            if (!nf.tx_busy[id])
                return id;
        if (tx_ring.hdr.rsp_prod != nf.tx_cons)
            continue;
        if (!wait_event(nf.tx_port, deadline_ns) && now_ns() >= deadline_ns)
            return -1;
    }
}

int netfront_send(const void *frame, size_t len, uint64_t deadline_ns)
{
    return netfront_send_sg(frame, len, 1, deadline_ns);
}

int netfront_send_sg(const void *frame, size_t len, unsigned int pieces,
                     uint64_t deadline_ns)
{
    const uint8_t *p = frame;
    size_t at = 0;

    if (len < 14 || len > 1514 || !pieces || pieces > NETFRONT_SG_MAX || pieces > len)
        return -XEN_EINVAL;
    for (unsigned int k = 0; k < pieces; k++) {
        size_t n = k + 1 < pieces ? len / pieces : len - at;
        uint16_t off = (uint16_t)(k * 100);     /* pieces off the page start */
        struct netif_tx_request *r;
        int id = tx_free_buf(deadline_ns);

        /* Pieces sent so far wait unpublished: a buffer must come. */
        if (id < 0)
            return -XEN_EAGAIN;
        memcpy(tx_bufs[id] + off, p + at, n);
        nf.tx_busy[id] = true;
        nf.tx_inflight++;
        r = &tx_ring.ring[TX_MASK(nf.tx_prod)].req;
        *r = (struct netif_tx_request){
            .gref = nf.tx_gref[id], .offset = off,
            .flags = k + 1 < pieces ? NETTXF_more_data : 0, .id = (uint16_t)id,
            .size = (uint16_t)(k ? n : len),    /* the first: the whole frame */
        };
        nf.tx_prod++;
        at += n;
    }
    push(&tx_ring.hdr.req_prod, &tx_ring.hdr.req_event, nf.tx_prod, nf.tx_port);
    return 0;
}

long netfront_recv(void *buf, size_t size, uint64_t deadline_ns)
{
    for (;;) {
        RING_IDX prod = __atomic_load_n(&rx_ring.hdr.rsp_prod, __ATOMIC_ACQUIRE);

        if (prod != nf.rx_cons) {
            struct netif_rx_response r = rx_ring.ring[RX_MASK(nf.rx_cons)].rsp;
            long len = r.status;

            nf.rx_cons++;
            if (r.id >= NETFRONT_RX_BUFS) {
                printf("netfront: rx response with id %u\n", r.id);
                return -XEN_EIO;
            }
            if (len > 0) {
                if (r.offset + (size_t)len > PAGE_SIZE)
                    return -XEN_EIO;
                memcpy(buf, rx_bufs[r.id] + r.offset, (size_t)len < size ? (size_t)len : size);
            }
            rx_post(r.id);
            push(&rx_ring.hdr.req_prod, &rx_ring.hdr.req_event, nf.rx_prod, nf.rx_port);
            return len > 0 ? len : -XEN_EIO;
        }
        rx_ring.hdr.rsp_event = nf.rx_cons + 1;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (rx_ring.hdr.rsp_prod != nf.rx_cons)
            continue;
        if (!wait_event(nf.rx_port, deadline_ns) && now_ns() >= deadline_ns)
            return 0;
    }
}

void *netfront_tx_page(unsigned int i)
{
    return i < NETFRONT_TX_BUFS ? tx_bufs[i] : NULL;
}

grant_ref_t netfront_tx_gref(unsigned int i)
{
    return i < NETFRONT_TX_BUFS ? nf.tx_gref[i] : 0;
}

int netfront_send_raw(const struct netif_tx_request *reqs, unsigned int n)
{
    netfront_tx_poll();
    if (nf.tx_prod - nf.tx_cons + n > NET_TX_RING_SIZE)
        return -XEN_ENOSPC;
    for (unsigned int i = 0; i < n; i++) {
        tx_ring.ring[TX_MASK(nf.tx_prod)].req = reqs[i];
        nf.tx_prod++;
        if (!(i && (reqs[i - 1].flags & NETTXF_extra_info)))
            nf.tx_inflight++;
    }
    push(&tx_ring.hdr.req_prod, &tx_ring.hdr.req_event, nf.tx_prod, nf.tx_port);
    return 0;
}

bool netfront_tx_wait(uint64_t deadline_ns)
{
    RING_IDX seen = nf.tx_cons;

    for (;;) {
        netfront_tx_poll();
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (nf.tx_cons != seen || tx_ring.hdr.rsp_prod != nf.tx_cons)
            return true;
        if (!wait_event(nf.tx_port, deadline_ns) && now_ns() >= deadline_ns)
            return false;
    }
}

int netfront_raw_status(uint16_t id)
{
    netfront_tx_poll();
    return id < 256 ? nf.raw_status[id] : NO_STATUS;
}

struct netif_tx_sring *netfront_tx_ring(void)
{
    return &tx_ring;
}

void netfront_notify(void)
{
    evtchn_send(nf.tx_port);
}
