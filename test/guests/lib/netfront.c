// SPDX-License-Identifier: MIT
/* Test guests: a netif frontend; see netfront.h. */
#include <public/errno.h>
#include <public/grant_table.h>
#include <public/sched.h>
#include "gnttab.h"
#include "netfront.h"
#include "test.h"
#include "xen.h"
#include "xsc.h"

#define TX_MASK(i)      ((i) & (NET_TX_RING_SIZE - 1))
#define RX_MASK(i)      ((i) & (NET_RX_RING_SIZE - 1))
#define STATE_WAIT_NS   30000000000ull
#define NO_STATUS       2

/* Each ring on a page of its own (a grant is a whole page). */
static union {
    struct netif_tx_sring s;
    uint8_t page[PAGE_SIZE];
} tx_rings[NETFRONT_QUEUES_MAX] __aligned(PAGE_SIZE);
static union {
    struct netif_rx_sring s;
    uint8_t page[PAGE_SIZE];
} rx_rings[NETFRONT_QUEUES_MAX] __aligned(PAGE_SIZE);
static uint8_t tx_bufs[NETFRONT_TX_BUFS][PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t rx_bufs[NETFRONT_RX_BUFS][PAGE_SIZE] __aligned(PAGE_SIZE);


/* One queue: its rings, ports and private indexes. */
struct nf_queue {
    struct netif_tx_sring *tx;
    struct netif_rx_sring *rx;
    evtchn_port_t tx_port, rx_port;     /* equal unless split */
    RING_IDX tx_prod, tx_cons, rx_prod, rx_cons;
};

static struct {
    char fe[64], be[96];
    domid_t be_id;
    uint8_t mac[6];
    unsigned int nr_queues, next_tx;    /* frames go round the queues */
    struct nf_queue q[NETFRONT_QUEUES_MAX];
    evtchn_port_t tx_ports[NETFRONT_QUEUES_MAX], rx_ports[NETFRONT_QUEUES_MAX];
    grant_ref_t tx_gref[NETFRONT_TX_BUFS], rx_gref[NETFRONT_RX_BUFS];
    bool tx_busy[NETFRONT_TX_BUFS];
    unsigned int tx_inflight;           /* requests without a response */
    struct netfront_tx_counts counts;
    int16_t raw_status[256];
} nf;

/* A grant of page to the backend (lib/gnttab.c); 0 when the table is
 * full (0 is the toolstack's, never the backend's to use). */
static grant_ref_t grant(const void *page, bool ro)
{
    long ref = guest_gnttab_grant(nf.be_id, page, ro);

    return ref < 0 ? 0 : (grant_ref_t)ref;
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

/* A key of queue qi's directory: the device's, or queue-N/ with several. */
static long write_key_q(int qi, const char *key, unsigned long v)
{
    char path[160], val[24];

    if (qi < 0 || nf.nr_queues == 1)
        snprintf(path, sizeof(path), "%s/%s", nf.fe, key);
    else
        snprintf(path, sizeof(path), "%s/queue-%d/%s", nf.fe, qi, key);
    snprintf(val, sizeof(val), "%lu", v);
    return xsc_write(path, val);
}

static long write_key(const char *key, unsigned long v)
{
    return write_key_q(-1, key, v);
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

/* rx buffer id belongs to queue id % nr_queues. */
static struct nf_queue *rx_queue_of(unsigned int id)
{
    return &nf.q[id % nf.nr_queues];
}

static void rx_post(unsigned int id)
{
    struct nf_queue *q = rx_queue_of(id);
    struct netif_rx_request *r = &q->rx->ring[RX_MASK(q->rx_prod)].req;

    r->id = (uint16_t)id;
    r->gref = nf.rx_gref[id];
    q->rx_prod++;
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

static int queue_setup(unsigned int qi, bool split)
{
    struct nf_queue *q = &nf.q[qi];
    long rc;

    q->tx = &tx_rings[qi].s;
    q->rx = &rx_rings[qi].s;
    memset(q->tx, 0, sizeof(*q->tx));
    memset(q->rx, 0, sizeof(*q->rx));
    q->tx->hdr.req_event = q->tx->hdr.rsp_event = 1;
    q->rx->hdr.req_event = q->rx->hdr.rsp_event = 1;
    if ((rc = evtchn_alloc_unbound(nf.be_id, &q->tx_port)))
        return (int)rc;
    q->rx_port = q->tx_port;
    if (split && (rc = evtchn_alloc_unbound(nf.be_id, &q->rx_port)))
        return (int)rc;
    evtchn_mask(q->tx_port);
    evtchn_mask(q->rx_port);
    nf.tx_ports[qi] = q->tx_port;
    nf.rx_ports[qi] = q->rx_port;
    if ((rc = write_key_q((int)qi, "tx-ring-ref", grant(q->tx, false))) ||
        (rc = write_key_q((int)qi, "rx-ring-ref", grant(q->rx, false))))
        return (int)rc;
    if (split)
        rc = write_key_q((int)qi, "event-channel-tx", q->tx_port) ?:
             write_key_q((int)qi, "event-channel-rx", q->rx_port);
    else
        rc = write_key_q((int)qi, "event-channel", q->tx_port);
    return (int)rc;
}

static int rings_setup(const struct netfront_opts *o)
{
    bool split = o && o->split;
    long rc;

    for (unsigned int i = 0; i < NETFRONT_TX_BUFS; i++)
        nf.tx_gref[i] = grant(tx_bufs[i], true);
    for (unsigned int i = 0; i < NETFRONT_RX_BUFS; i++)
        nf.rx_gref[i] = grant(rx_bufs[i], false);
    if (nf.nr_queues > 1 && (rc = write_key("multi-queue-num-queues", nf.nr_queues)))
        return (int)rc;
    for (unsigned int qi = 0; qi < nf.nr_queues; qi++)
        if ((rc = queue_setup(qi, split)))
            return (int)rc;
    if ((rc = write_key("request-rx-copy", 1)) || (rc = write_key("feature-rx-notify", 1)) ||
        (rc = write_key("feature-sg", 1)))
        return (int)rc;
    for (unsigned int i = 0; i < NETFRONT_RX_BUFS; i++)
        rx_post(i);
    for (unsigned int qi = 0; qi < nf.nr_queues; qi++)
        push(&nf.q[qi].rx->hdr.req_prod, &nf.q[qi].rx->hdr.req_event, nf.q[qi].rx_prod,
             nf.q[qi].rx_port);
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
    if ((rc = guest_gnttab_init())) {
        printf("netfront: no grant table: %ld\n", rc);
        return (int)rc;
    }
    if ((rc = xsc_watch(nf.be, "be")) || (rc = wait_backend(2)))   /* InitWait */
        return (int)rc;
    if (netfront_backend_feature("feature-rx-copy") != 1) {
        printf("netfront: the backend has no feature-rx-copy\n");
        return -XEN_EOPNOTSUPP;
    }
    nf.nr_queues = opts && opts->queues > 1 ? opts->queues : 1;
    if (nf.nr_queues > NETFRONT_QUEUES_MAX ||
        (nf.nr_queues > 1 && netfront_backend_feature("multi-queue-max-queues") < nf.nr_queues)) {
        printf("netfront: %u queues: more than the backend or I offer\n", nf.nr_queues);
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

static void tx_poll_queue(struct nf_queue *q)
{
    RING_IDX prod = __atomic_load_n(&q->tx->hdr.rsp_prod, __ATOMIC_ACQUIRE);

    for (; q->tx_cons != prod; q->tx_cons++) {
        struct netif_tx_response *r = &q->tx->ring[TX_MASK(q->tx_cons)].rsp;

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
    q->tx->hdr.rsp_event = q->tx_cons + 1;
}

void netfront_tx_poll(void)
{
    for (unsigned int qi = 0; qi < nf.nr_queues; qi++)
        tx_poll_queue(&nf.q[qi]);
}

/* Whether a tx response waits unread on some queue. */
static bool tx_unread(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (unsigned int qi = 0; qi < nf.nr_queues; qi++)
        if (nf.q[qi].tx->hdr.rsp_prod != nf.q[qi].tx_cons)
            return true;
    return false;
}

const struct netfront_tx_counts *netfront_tx_counts(void)
{
    return &nf.counts;
}

/* Wait in SCHEDOP_poll for an event on one of ports[0..n) (masked), or
 * the deadline; their pending bits are cleared after. */
static void wait_ports(const evtchn_port_t *ports, unsigned int n, uint64_t deadline_ns)
{
    struct sched_poll p = { .ports = (uintptr_t)ports, .nr_ports = n,
                            .timeout = deadline_ns };

    hypervisor_sched_op(SCHEDOP_poll, &p);
    for (unsigned int i = 0; i < n; i++)
        __atomic_fetch_and(&shared_info->evtchn_pending[ports[i] / 64],
                           ~(1ull << (ports[i] % 64)), __ATOMIC_SEQ_CST);
}

static bool wait_tx(uint64_t deadline_ns)
{
    wait_ports(nf.tx_ports, nf.nr_queues, deadline_ns);
    return now_ns() < deadline_ns;
}

bool netfront_tx_drain(uint64_t deadline_ns)
{
    for (;;) {
        netfront_tx_poll();
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (!nf.tx_inflight)
            return true;
        if (tx_unread())
            continue;
        if (!wait_tx(deadline_ns))
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
        if (tx_unread())
            continue;
        if (!wait_tx(deadline_ns))
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
    struct nf_queue *q = &nf.q[nf.next_tx++ % nf.nr_queues];
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
        r = &q->tx->ring[TX_MASK(q->tx_prod)].req;
        *r = (struct netif_tx_request){
            .gref = nf.tx_gref[id], .offset = off,
            .flags = k + 1 < pieces ? NETTXF_more_data : 0, .id = (uint16_t)id,
            .size = (uint16_t)(k ? n : len),    /* the first: the whole frame */
        };
        q->tx_prod++;
        at += n;
    }
    push(&q->tx->hdr.req_prod, &q->tx->hdr.req_event, q->tx_prod, q->tx_port);
    return 0;
}

/* The next rx response of some queue into *r (consumed), or false. */
static bool rx_next(struct netif_rx_response *r)
{
    for (unsigned int qi = 0; qi < nf.nr_queues; qi++) {
        struct nf_queue *q = &nf.q[qi];
        RING_IDX prod = __atomic_load_n(&q->rx->hdr.rsp_prod, __ATOMIC_ACQUIRE);

        if (prod != q->rx_cons) {
            *r = q->rx->ring[RX_MASK(q->rx_cons)].rsp;
            q->rx_cons++;
            return true;
        }
        q->rx->hdr.rsp_event = q->rx_cons + 1;
    }
    return false;
}

static bool rx_unread(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (unsigned int qi = 0; qi < nf.nr_queues; qi++)
        if (nf.q[qi].rx->hdr.rsp_prod != nf.q[qi].rx_cons)
            return true;
    return false;
}

long netfront_recv(void *buf, size_t size, uint64_t deadline_ns)
{
    struct netif_rx_response r;

    for (;;) {
        if (rx_next(&r)) {
            long len = r.status;
            struct nf_queue *q;

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
            q = rx_queue_of(r.id);
            push(&q->rx->hdr.req_prod, &q->rx->hdr.req_event, q->rx_prod, q->rx_port);
            return len > 0 ? len : -XEN_EIO;
        }
        if (rx_unread())
            continue;
        wait_ports(nf.rx_ports, nf.nr_queues, deadline_ns);
        if (now_ns() >= deadline_ns && !rx_unread())
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
    struct nf_queue *q = &nf.q[0];

    netfront_tx_poll();
    if (q->tx_prod - q->tx_cons + n > NET_TX_RING_SIZE)
        return -XEN_ENOSPC;
    for (unsigned int i = 0; i < n; i++) {
        q->tx->ring[TX_MASK(q->tx_prod)].req = reqs[i];
        q->tx_prod++;
        if (!(i && (reqs[i - 1].flags & NETTXF_extra_info)))
            nf.tx_inflight++;
    }
    push(&q->tx->hdr.req_prod, &q->tx->hdr.req_event, q->tx_prod, q->tx_port);
    return 0;
}

bool netfront_tx_wait(uint64_t deadline_ns)
{
    unsigned long before = nf.counts.okay + nf.counts.error + nf.counts.dropped +
                           nf.counts.null + nf.counts.bad;

    for (;;) {
        netfront_tx_poll();
        if (nf.counts.okay + nf.counts.error + nf.counts.dropped + nf.counts.null +
            nf.counts.bad != before || tx_unread())
            return true;
        if (!wait_tx(deadline_ns))
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
    return nf.q[0].tx;
}

void netfront_notify(void)
{
    evtchn_send(nf.q[0].tx_port);
}
