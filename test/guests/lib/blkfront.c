// SPDX-License-Identifier: MIT
/* Test guests: the blkif frontend (blkfront.h). */
#include <public/errno.h>
#include <public/io/xenbus.h>
#include "blkfront.h"
#include "gnttab.h"
#include "test.h"
#include "xen.h"
#include "xsc.h"

#define PATH_LEN        96
#define SECTOR          512u
#define SECTORS_PER_PAGE 8u
#define MAX_PAGES       (BLKIF_BACK_SEGS + 1)   /* data pages and an indirect one */
#define BLKIF_BACK_SEGS 32                      /* what we use of indirect */
#define NO_GREF         (-1L)

/* A queued request: what its response must undo. */
struct shadow {
    bool used;
    uint8_t op;
    void *buf;                          /* READ: where the data goes */
    unsigned int nsec;
    unsigned int nr_pages;
    uint8_t page[MAX_PAGES];            /* pool pages, data then indirect */
};

static uint8_t ring_pages[1u << BLKFRONT_MAX_ORDER][PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t pool[BLKFRONT_POOL_PAGES][PAGE_SIZE] __aligned(PAGE_SIZE);
static long ring_gref[1u << BLKFRONT_MAX_ORDER];
static long pool_gref[BLKFRONT_POOL_PAGES];     /* persistent: granted for good */
static long tmp_gref[BLKFRONT_POOL_PAGES];      /* else: granted for one request */
static bool pool_used[BLKFRONT_POOL_PAGES];
static struct shadow shadows[BLKFRONT_SHADOWS];

static struct blkif_sring *sring;
static RING_IDX req_prod_pvt, rsp_cons, nr_ents;
static evtchn_port_t port;
static domid_t be_id;
static char fe_path[PATH_LEN], be_path[PATH_LEN];
static struct blkfront_info info;
static bool use_indirect;
static unsigned int in_flight;

static long read_u64(const char *dir, const char *key, uint64_t *out)
{
    char path[PATH_LEN + 40], buf[24];
    uint64_t v = 0;
    long n;

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    if ((n = xsc_read(path, buf, sizeof(buf))) < 0)
        return n;
    if (!n)
        return -XEN_EINVAL;
    for (long i = 0; i < n; i++) {
        if (buf[i] < '0' || buf[i] > '9')
            return -XEN_EINVAL;
        v = v * 10 + (uint64_t)(buf[i] - '0');
    }
    *out = v;
    return 0;
}

static uint64_t read_or(const char *dir, const char *key, uint64_t def)
{
    uint64_t v;

    return read_u64(dir, key, &v) ? def : v;
}

static long write_key(const char *key, const char *fmt, ...) __printf(2, 3);
static long write_key(const char *key, const char *fmt, ...)
{
    char path[PATH_LEN + 40], val[64];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    snprintf(path, sizeof(path), "%s/%s", fe_path, key);
    return xsc_write(path, val);
}

/* Remove a key of ours (the ring's, before connecting again). */
static void remove_key(const char *key)
{
    char path[PATH_LEN + 40];

    snprintf(path, sizeof(path), "%s/%s", fe_path, key);
    xsc_request(XS_RM, 0, path, (uint32_t)strlen(path) + 1, NULL, 0, NULL);
}

long blkfront_backend_state(void)
{
    uint64_t s;
    long rc = read_u64(be_path, "state", &s);

    return rc ? rc : (long)s;
}

long blkfront_wait_backend(unsigned int mask, uint64_t deadline_ns)
{
    char path[PATH_LEN], token[16];

    for (;;) {
        long s = blkfront_backend_state();

        if (s >= 0 && s < 32 && (mask & (1u << s)))
            return s;
        if (xsc_wait_watch(path, sizeof(path), token, sizeof(token), deadline_ns) <= 0)
            return -XEN_ETIMEDOUT;
    }
}

/* The device: devid, or the first under device/vbd. */
static long find_device(unsigned int devid)
{
    char list[256], path[PATH_LEN + 16];
    uint64_t id;
    long n;

    if (!devid) {
        if ((n = xsc_directory("device/vbd", list, sizeof(list))) <= 0) {
            printf("blkfront: no device/vbd: %ld\n", n);
            return n ? n : -XEN_ENOENT;
        }
        snprintf(fe_path, sizeof(fe_path), "device/vbd/%s", list);
    } else {
        snprintf(fe_path, sizeof(fe_path), "device/vbd/%u", devid);
    }
    snprintf(path, sizeof(path), "%s/backend", fe_path);
    if ((n = xsc_read(path, be_path, sizeof(be_path))) <= 0 ||
        read_u64(fe_path, "backend-id", &id) || read_u64(fe_path, "virtual-device", &id)) {
        printf("blkfront: %s: no backend, backend-id or virtual-device\n", fe_path);
        return -XEN_ENOENT;
    }
    info.devid = (unsigned int)id;
    be_id = (domid_t)read_or(fe_path, "backend-id", 0);
    snprintf(path, sizeof(path), "%s/state", be_path);
    n = xsc_watch(path, "be-state");
    return n == -XEN_EEXIST ? 0 : n;     /* connected before: still watched */
}

/* Ring pages granted, ring keys written. */
static long setup_ring(const struct blkfront_opts *o)
{
    unsigned int order = (unsigned int)read_or(be_path, "max-ring-page-order", 0);
    long rc;

    if (order > o->ring_order)
        order = o->ring_order;
    if (order > BLKFRONT_MAX_ORDER)
        order = BLKFRONT_MAX_ORDER;
    info.ring_pages = 1u << order;
    sring = (struct blkif_sring *)ring_pages;
    memset(ring_pages, 0, sizeof(ring_pages));
    sring->hdr.req_event = sring->hdr.rsp_event = 1;
    nr_ents = (RING_IDX)((info.ring_pages * PAGE_SIZE - XEN_SRING_HEADER_SIZE) /
                         sizeof(union blkif_sring_entry));
    while (nr_ents & (nr_ents - 1))
        nr_ents &= nr_ents - 1;
    info.ring_entries = nr_ents;
    req_prod_pvt = rsp_cons = 0;
    for (unsigned int i = 0; i < info.ring_pages; i++) {
        long ref = guest_gnttab_grant(be_id, ring_pages[i], false);
        char key[16];

        if ((ring_gref[i] = ref) < 0)
            return ref;
        if (order)
            snprintf(key, sizeof(key), "ring-ref%u", i);
        else
            snprintf(key, sizeof(key), "ring-ref");
        if ((rc = write_key(key, "%ld", ref)))
            return rc;
    }
    return order ? write_key("ring-page-order", "%u", order) : 0;
}

static long grant_pool(void)
{
    for (unsigned int i = 0; i < BLKFRONT_POOL_PAGES; i++) {
        pool_gref[i] = tmp_gref[i] = NO_GREF;
        pool_used[i] = false;
        if (info.persistent && (pool_gref[i] = guest_gnttab_grant(be_id, pool[i], false)) < 0)
            return pool_gref[i];
    }
    return 0;
}

long blkfront_connect(unsigned int devid, const struct blkfront_opts *o)
{
    uint64_t deadline = now_ns() + BLKFRONT_TIMEOUT_NS;
    long rc;

    memset(&info, 0, sizeof(info));
    memset(shadows, 0, sizeof(shadows));
    in_flight = 0;
    if ((rc = xsc_init()) || (rc = guest_gnttab_init()) || (rc = find_device(devid)))
        return rc;
    /* Initialising (what the toolstack wrote; again after a close, so
     * that the backend goes back to InitWait). */
    if ((rc = write_key("state", "%d", XenbusStateInitialising)))
        return rc;
    if ((rc = blkfront_wait_backend(1u << XenbusStateInitWait, deadline)) < 0) {
        printf("blkfront: the backend did not reach InitWait\n");
        return rc;
    }
    info.persistent = o->persistent && read_or(be_path, "feature-persistent", 0) == 1;
    info.max_indirect = (unsigned int)read_or(be_path, "feature-max-indirect-segments", 0);
    use_indirect = o->indirect && info.max_indirect > BLKIF_MAX_SEGMENTS_PER_REQUEST;
    if ((rc = setup_ring(o)) || (rc = grant_pool()) ||
        (rc = evtchn_alloc_unbound(be_id, &port)))
        return rc;
    evtchn_mask(port);
    if ((rc = write_key("event-channel", "%u", port)) ||
        (rc = write_key("protocol", "%s", BLKIF_PROTOCOL_X86_64)) ||
        (rc = write_key("feature-persistent", "%u", o->persistent ? 1 : 0)) ||
        (rc = write_key("state", "%d", XenbusStateInitialised)))
        return rc;
    if ((rc = blkfront_wait_backend(1u << XenbusStateConnected, deadline)) < 0) {
        printf("blkfront: the backend did not connect (state %ld)\n", blkfront_backend_state());
        return rc;
    }
    info.sectors = read_or(be_path, "sectors", 0);
    info.sector_size = (unsigned int)read_or(be_path, "sector-size", 0);
    info.info = (unsigned int)read_or(be_path, "info", 0);
    info.flush = read_or(be_path, "feature-flush-cache", 0) == 1;
    if (!info.sectors || info.sector_size != SECTOR) {
        printf("blkfront: sectors %lu, sector-size %u\n", (unsigned long)info.sectors,
               info.sector_size);
        return -XEN_EINVAL;
    }
    return write_key("state", "%d", XenbusStateConnected);
}

const struct blkfront_info *blkfront_info(void)
{
    return &info;
}

/* ---- requests ---- */

static long page_ref(unsigned int pg, bool readonly)
{
    if (info.persistent)
        return pool_gref[pg];
    tmp_gref[pg] = guest_gnttab_grant(be_id, pool[pg], readonly);
    return tmp_gref[pg];
}

static int take_page(void)
{
    for (unsigned int i = 0; i < BLKFRONT_POOL_PAGES; i++)
        if (!pool_used[i]) {
            pool_used[i] = true;
            return (int)i;
        }
    return -1;
}

static void give_back(struct shadow *s)
{
    for (unsigned int i = 0; i < s->nr_pages; i++) {
        unsigned int pg = s->page[i];

        if (!info.persistent && tmp_gref[pg] >= 0) {
            if (guest_gnttab_end((grant_ref_t)tmp_gref[pg]))
                info.grant_busy++;      /* the backend kept it: a bug there */
            tmp_gref[pg] = NO_GREF;
        }
        pool_used[pg] = false;
    }
    s->nr_pages = 0;
    s->used = false;
}

static long fill_segs(struct shadow *s, struct blkif_request_segment *seg, unsigned int nsec,
                      const uint8_t *data, bool write)
{
    for (unsigned int i = 0; nsec; i++) {
        unsigned int n = nsec < SECTORS_PER_PAGE ? nsec : SECTORS_PER_PAGE;
        int pg = take_page();
        long ref;

        if (pg < 0)
            return -XEN_EBUSY;
        s->page[s->nr_pages++] = (uint8_t)pg;
        if (write)
            memcpy(pool[pg], data + i * PAGE_SIZE, n * SECTOR);
        if ((ref = page_ref((unsigned int)pg, write)) < 0)
            return ref;
        seg[i] = (struct blkif_request_segment){ .gref = (grant_ref_t)ref, .first_sect = 0,
                                                 .last_sect = (uint8_t)(n - 1) };
        nsec -= n;
    }
    return 0;
}

long blkfront_queue(uint8_t op, uint64_t sector, unsigned int nsec, void *buf)
{
    unsigned int pages = (nsec + SECTORS_PER_PAGE - 1) / SECTORS_PER_PAGE, id;
    union blkif_sring_entry *e;
    struct shadow *s = NULL;
    long rc;

    if (pages > (use_indirect ? BLKIF_BACK_SEGS : BLKIF_MAX_SEGMENTS_PER_REQUEST) ||
        (op == BLKIF_OP_FLUSH_DISKCACHE) != (nsec == 0))
        return -XEN_EINVAL;
    if (req_prod_pvt - rsp_cons >= nr_ents)
        return -XEN_EBUSY;
    for (id = 0; id < BLKFRONT_SHADOWS && shadows[id].used; id++)
        ;
    if (id == BLKFRONT_SHADOWS)
        return -XEN_EBUSY;
    s = &shadows[id];
    *s = (struct shadow){ .used = true, .op = op, .buf = buf, .nsec = nsec };
    e = &sring->ring[req_prod_pvt & (nr_ents - 1)];
    memset(e, 0, sizeof(*e));
    if (pages > BLKIF_MAX_SEGMENTS_PER_REQUEST) {
        int ind = take_page();
        long ref;

        if (ind < 0) {
            give_back(s);
            return -XEN_EBUSY;
        }
        s->page[s->nr_pages++] = (uint8_t)ind;
        memset(pool[ind], 0, PAGE_SIZE);
        e->ind = (struct blkif_request_indirect){
            .operation = BLKIF_OP_INDIRECT, .indirect_op = op, .nr_segments = (uint16_t)pages,
            .id = id, .sector_number = sector,
        };
        rc = fill_segs(s, (struct blkif_request_segment *)pool[ind], nsec, buf,
                       op == BLKIF_OP_WRITE);
        if (!rc && (ref = page_ref((unsigned int)ind, true)) < 0)
            rc = ref;
        if (!rc)
            e->ind.indirect_grefs[0] = (grant_ref_t)ref;
    } else {
        e->req = (struct blkif_request){ .operation = op, .nr_segments = (uint8_t)pages,
                                         .handle = (blkif_vdev_t)info.devid, .id = id,
                                         .sector_number = sector };
        rc = fill_segs(s, e->req.seg, nsec, buf, op == BLKIF_OP_WRITE);
    }
    if (rc) {
        give_back(s);
        return rc;
    }
    req_prod_pvt++;
    in_flight++;
    return id;
}

void blkfront_push(void)
{
    RING_IDX old = sring->hdr.req_prod, new = req_prod_pvt;

    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&sring->hdr.req_prod, new, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if ((RING_IDX)(new - sring->hdr.req_event) < (RING_IDX)(new - old))
        evtchn_send(port);
}

unsigned int blkfront_in_flight(void)
{
    return in_flight;
}

/* A response for one of ours: copy read data, give the pages back. */
static void complete(const struct blkif_response *rsp)
{
    struct shadow *s;
    unsigned int data_pages;

    if (rsp->id >= BLKFRONT_SHADOWS || !shadows[rsp->id].used)
        return;                         /* a hand-made request's */
    s = &shadows[rsp->id];
    data_pages = (s->nsec + SECTORS_PER_PAGE - 1) / SECTORS_PER_PAGE;
    if (s->op == BLKIF_OP_READ && rsp->status == BLKIF_RSP_OKAY)
        for (unsigned int i = 0; i < data_pages; i++) {
            unsigned int left = s->nsec - i * SECTORS_PER_PAGE;
            unsigned int n = left < SECTORS_PER_PAGE ? left : SECTORS_PER_PAGE;
            /* With an indirect page first, the data pages follow it. */
            unsigned int pg = s->page[s->nr_pages > data_pages ? i + 1 : i];

            memcpy((uint8_t *)s->buf + i * PAGE_SIZE, pool[pg], n * SECTOR);
        }
    give_back(s);
    in_flight--;
}

long blkfront_wait(struct blkif_response *rsp, uint64_t deadline_ns)
{
    for (;;) {
        RING_IDX prod = __atomic_load_n(&sring->hdr.rsp_prod, __ATOMIC_ACQUIRE);

        if (prod != rsp_cons) {
            *rsp = sring->ring[rsp_cons & (nr_ents - 1)].rsp;
            rsp_cons++;
            complete(rsp);
            return 1;
        }
        /* Ask for an event at the next response, then look again. */
        sring->hdr.rsp_event = rsp_cons + 1;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (__atomic_load_n(&sring->hdr.rsp_prod, __ATOMIC_ACQUIRE) != rsp_cons)
            continue;
        if (now_ns() >= deadline_ns)
            return 0;
        evtchn_poll_clear(port, deadline_ns);
    }
}

long blkfront_io(uint8_t op, uint64_t sector, unsigned int nsec, void *buf)
{
    struct blkif_response rsp;
    long id = blkfront_queue(op, sector, nsec, buf);

    if (id < 0)
        return id;
    blkfront_push();
    for (;;) {
        if (blkfront_wait(&rsp, now_ns() + BLKFRONT_TIMEOUT_NS) <= 0)
            return -XEN_ETIMEDOUT;
        if (rsp.id == (uint64_t)id)
            return rsp.status;
    }
}

long blkfront_raw(const union blkif_sring_entry *e)
{
    if (req_prod_pvt - rsp_cons >= nr_ents)
        return -XEN_EBUSY;
    sring->ring[req_prod_pvt & (nr_ents - 1)] = *e;
    req_prod_pvt++;
    blkfront_push();
    return 0;
}

struct blkif_sring *blkfront_sring(void)
{
    return sring;
}

void blkfront_notify(void)
{
    evtchn_send(port);
}

void *blkfront_page(unsigned int i)
{
    return i < BLKFRONT_POOL_PAGES ? pool[i] : NULL;
}

long blkfront_page_gref(unsigned int i)
{
    return i < BLKFRONT_POOL_PAGES ? pool_gref[i] : NO_GREF;
}

long blkfront_close(void)
{
    uint64_t deadline = now_ns() + BLKFRONT_TIMEOUT_NS;
    long rc;

    if ((rc = write_key("state", "%d", XenbusStateClosing)) ||
        blkfront_wait_backend((1u << XenbusStateClosing) | (1u << XenbusStateClosed),
                              deadline) < 0 ||
        (rc = write_key("state", "%d", XenbusStateClosed)) ||
        blkfront_wait_backend(1u << XenbusStateClosed, deadline) < 0)
        return rc ? rc : -XEN_ETIMEDOUT;
    /* The backend let go of everything: every grant comes back. */
    for (unsigned int i = 0; i < BLKFRONT_POOL_PAGES; i++)
        if (pool_gref[i] >= 0 && guest_gnttab_end((grant_ref_t)pool_gref[i]))
            info.grant_busy++;
    for (unsigned int i = 0; i < info.ring_pages; i++)
        if (ring_gref[i] >= 0 && guest_gnttab_end((grant_ref_t)ring_gref[i]))
            info.grant_busy++;
    evtchn_close(port);
    /* What this connection wrote goes: the next may use another ring. */
    for (unsigned int i = 0; i < info.ring_pages; i++) {
        char key[16];

        snprintf(key, sizeof(key), "ring-ref%u", i);
        remove_key(key);
    }
    remove_key("ring-ref");
    remove_key("ring-page-order");
    remove_key("event-channel");
    return 0;
}
