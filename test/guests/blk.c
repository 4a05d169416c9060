// SPDX-License-Identifier: MIT
/*
 * blk: a guest with a virtual disk (`disk = [...]`, blkfront.h) that dom0's
 * blkback serves (docs/block.md). The region checked is sectors 0..511
 * (256 KiB), filled with a pattern that depends on pattern=N and the
 * sector, so that a disk read back shows whose data it holds.
 *
 *   mode=write   write the pattern (one indirect request of 32 pages,
 *                direct ones of 11 and of 1 page, many in flight), flush,
 *                read it back
 *   mode=read    read and check the pattern (absent=1: the disk holds no
 *                pattern there, all zeros)
 *   mode=ro      a read-only disk: VDISK_READONLY, reads give the pattern,
 *                writes (direct and indirect) get BLKIF_RSP_ERROR and
 *                change nothing
 *   mode=hostile malformed requests, each with its error response, a good
 *                read after each; last, ring indexes out of range: the
 *                backend closes the device
 *   mode=steady  I/O over all of blkfront's pool pages, "blk: warm", wait
 *                until dom0 writes data/go, 200 more requests, "blk:
 *                steady done", wait for data/end (the scenario reads
 *                blkback's counters at both lines: no grant map between)
 *   mode=flood   keep the ring full of writes until destroyed
 *   mode=reconnect  write the pattern, close, connect again with a
 *                one-page ring and no persistent grants, read it back
 *   mode=flush   on a slow disk (dom0's ramdisk=SIZE@MS, slow_ms=MS): a
 *                flush is answered no sooner than the disk took for it
 *   mode=maps    (persistent=0) 120 indirect reads of 32 segments at once,
 *                each grant mapped for the request: more than dom0 may
 *                map at a time; every one must still succeed
 *   mode=bench   make bench (test/bench-io.py): 64 one-page reads at once
 *                (every pool page granted and mapped), "blk: warm", wait
 *                for data/go, then the whole disk read a page a request
 *                as dom0's `disk scan DEV DEPTH [random] nocrc` reads it,
 *                in order and in random order at depths 1 and 32, each
 *                timed with the pvclock and the TSC; "blk: bench done",
 *                wait for data/end
 * hold=1: before closing, wait for dom0's data/end (a scenario that needs
 * the guest still there at some point of its script).
 * persistent=0 and ring_order=N change what blkfront offers (default 1
 * and 2); indirect=0 keeps it from using indirect requests.
 */
#include <public/errno.h>
#include <public/io/xenbus.h>
#include "blkfront.h"
#include "gnttab.h"
#include "test.h"
#include "x86.h"
#include "xen.h"
#include "xsc.h"

TEST_TITLE("a virtual disk through blkfront and dom0's blkback");

#define REGION          512u            /* sectors checked */
#define SECTOR          512u
#define RAW_ID          (1ull << 32)
#define BAD_GREF        4000u           /* outside our table's 512 entries */

static uint8_t buf[32][PAGE_SIZE] __aligned(PAGE_SIZE);
static uint64_t pattern;

static bool arg_is(const char *key, const char *want)
{
    const char *v;
    size_t len;

    return cmdline_find(key, &v, &len) && len == strlen(want) && !memcmp(v, want, len);
}

static uint64_t word(uint64_t pat, uint64_t sector, unsigned int i)
{
    return pat ? (pat * 0x9e3779b97f4a7c15ull) ^ (sector << 16 | i) : 0;
}

static void fill(void *p, uint64_t sector, unsigned int nsec)
{
    uint64_t *w = p;

    for (unsigned int s = 0; s < nsec; s++)
        for (unsigned int i = 0; i < SECTOR / 8; i++)
            w[s * SECTOR / 8 + i] = word(pattern, sector + s, i);
}

/* Sectors that do not hold pat: the count (the first one is printed). */
static unsigned int mismatches(const void *p, uint64_t sector, unsigned int nsec, uint64_t pat)
{
    const uint64_t *w = p;
    unsigned int bad = 0;

    for (unsigned int s = 0; s < nsec; s++)
        for (unsigned int i = 0; i < SECTOR / 8; i++)
            if (w[s * SECTOR / 8 + i] != word(pat, sector + s, i)) {
                if (!bad)
                    printf("blk: sector %lu word %u: %#lx, want %#lx\n",
                           (unsigned long)(sector + s), i, w[s * SECTOR / 8 + i],
                           word(pat, sector + s, i));
                bad++;
                break;
            }
    return bad;
}

static long io(uint8_t op, uint64_t sector, unsigned int nsec)
{
    if (op == BLKIF_OP_WRITE)
        fill(buf, sector, nsec);
    return blkfront_io(op, sector, nsec, buf);
}

/* Read the region one page a request, all queued at once (as many as the
 * ring takes), each checked against pat as it comes back. */
static void read_region(uint64_t pat)
{
    static uint8_t pages[REGION / 8][PAGE_SIZE] __aligned(PAGE_SIZE);
    unsigned int next = 0, done = 0, bad = 0, most = 0;
    struct blkif_response rsp;

    memset(pages, 0xee, sizeof(pages));
    while (done < REGION / 8) {
        while (next < REGION / 8 && blkfront_queue(BLKIF_OP_READ, next * 8ull, 8, pages[next]) >= 0)
            next++;
        blkfront_push();
        if (blkfront_in_flight() > most)
            most = blkfront_in_flight();
        if (blkfront_wait(&rsp, now_ns() + BLKFRONT_TIMEOUT_NS) <= 0) {
            test_fail("no response with %u requests in flight", blkfront_in_flight());
            return;
        }
        CHECK_EQ(rsp.status, BLKIF_RSP_OKAY);
        done++;
    }
    for (unsigned int i = 0; i < REGION / 8; i++)
        bad += mismatches(pages[i], i * 8ull, 8, pat);
    printf("blk: read %u sectors, up to %u requests in flight: %u sectors differ\n", REGION,
           most, bad);
    CHECK_EQ(bad, 0);
    CHECK(most > 1);
}

static void write_region(void)
{
    const struct blkfront_info *in = blkfront_info();
    unsigned int at = 0;

    /* 32 pages (indirect when offered, else 11-page requests), then 11,
     * then single pages. */
    if (in->max_indirect >= 32 && !arg_is("indirect", "0")) {
        CHECK_EQ(io(BLKIF_OP_WRITE, 0, 256), BLKIF_RSP_OKAY);
        at = 256;
    }
    for (; at + 88 <= 432; at += 88)
        CHECK_EQ(io(BLKIF_OP_WRITE, at, 88), BLKIF_RSP_OKAY);
    for (; at < REGION; at += 8)
        CHECK_EQ(io(BLKIF_OP_WRITE, at, 8), BLKIF_RSP_OKAY);
    if (in->flush)
        CHECK_EQ(blkfront_io(BLKIF_OP_FLUSH_DISKCACHE, 0, 0, NULL), BLKIF_RSP_OKAY);
    /* The last sector of the disk is in range, one page ending there too. */
    CHECK_EQ(io(BLKIF_OP_WRITE, in->sectors - 8, 8), BLKIF_RSP_OKAY);
    CHECK_EQ(io(BLKIF_OP_READ, in->sectors - 8, 8), BLKIF_RSP_OKAY);
    CHECK_EQ(mismatches(buf, in->sectors - 8, 8, pattern), 0);
}

static void read_only(void)
{
    const struct blkfront_info *in = blkfront_info();

    CHECK(in->info & VDISK_READONLY);
    read_region(pattern);
    CHECK_EQ(io(BLKIF_OP_WRITE, 0, 8), BLKIF_RSP_ERROR);
    if (in->max_indirect >= 32)
        CHECK_EQ(io(BLKIF_OP_WRITE, 0, 256), BLKIF_RSP_ERROR);
    pattern++;                          /* what a write would have left */
    CHECK_EQ(io(BLKIF_OP_WRITE, 8, 88), BLKIF_RSP_ERROR);
    pattern--;
    read_region(pattern);               /* nothing changed */
    printf("blk: read-only: writes refused, reads served\n");
}

/* ---- hostile ---- */

static long raw_status(const union blkif_sring_entry *e)
{
    struct blkif_response rsp;

    if (blkfront_raw(e))
        return -XEN_EBUSY;
    for (;;) {
        if (blkfront_wait(&rsp, now_ns() + BLKFRONT_TIMEOUT_NS) <= 0)
            return -XEN_ETIMEDOUT;
        if (rsp.id == e->req.id) {
            /* An indirect request is answered with the operation inside. */
            CHECK_EQ(rsp.operation, e->req.operation == BLKIF_OP_INDIRECT ?
                                    e->ind.indirect_op : e->req.operation);
            return rsp.status;
        }
    }
}

static union blkif_sring_entry one_seg(uint8_t op, uint64_t sector, grant_ref_t gref)
{
    static uint64_t next_id = RAW_ID;
    union blkif_sring_entry e;

    memset(&e, 0, sizeof(e));
    e.req = (struct blkif_request){
        .operation = op, .nr_segments = 1, .id = next_id++, .sector_number = sector,
        .seg = { { .gref = gref, .first_sect = 0, .last_sect = 7 } },
    };
    return e;
}

/* After each bad request, a good one still works. */
static void still_serving(const char *after)
{
    if (io(BLKIF_OP_READ, 0, 8) != BLKIF_RSP_OKAY || mismatches(buf, 0, 8, pattern))
        test_fail("no good read after %s", after);
}

static void expect(const char *what, const union blkif_sring_entry *e, long want)
{
    long got = raw_status(e);

    printf("blk: %s: status %ld\n", what, got);
    if (got != want)
        test_fail("%s: status %ld, want %ld", what, got, want);
    still_serving(what);
}

static void hostile_direct(grant_ref_t good)
{
    union blkif_sring_entry e;
    long ro;

    e = one_seg(BLKIF_OP_READ, 0, BAD_GREF);
    expect("a grant reference outside the table", &e, BLKIF_RSP_ERROR);
    e = one_seg(BLKIF_OP_READ, 0, 300);
    expect("a grant reference not granted", &e, BLKIF_RSP_ERROR);
    ro = guest_gnttab_grant(0, blkfront_page(63), true);
    REQUIRE(ro > 0);
    e = one_seg(BLKIF_OP_READ, 0, (grant_ref_t)ro);
    expect("a read into a read-only grant", &e, BLKIF_RSP_ERROR);
    CHECK_EQ(guest_gnttab_end((grant_ref_t)ro), 0);
    e = one_seg(BLKIF_OP_READ, blkfront_info()->sectors - 7, good);
    expect("a sector range past the end", &e, BLKIF_RSP_ERROR);
    e = one_seg(BLKIF_OP_WRITE, ~0ull - 3, good);
    expect("a sector number that wraps", &e, BLKIF_RSP_ERROR);
    e = one_seg(BLKIF_OP_READ, 0, good);
    e.req.nr_segments = 12;
    expect("12 segments", &e, BLKIF_RSP_ERROR);
    e.req.nr_segments = 0;
    expect("a read of no segment", &e, BLKIF_RSP_ERROR);
    e = one_seg(BLKIF_OP_READ, 0, good);
    e.req.seg[0].first_sect = 5;
    e.req.seg[0].last_sect = 2;
    expect("first_sect after last_sect", &e, BLKIF_RSP_ERROR);
    e.req.seg[0].first_sect = 0;
    e.req.seg[0].last_sect = 8;
    expect("last_sect past the page", &e, BLKIF_RSP_ERROR);
    e = one_seg(0x77, 0, good);
    expect("operation 0x77", &e, BLKIF_RSP_EOPNOTSUPP);
    e = one_seg(BLKIF_OP_DISCARD, 0, good);
    expect("a discard (not offered)", &e, BLKIF_RSP_EOPNOTSUPP);
    e = one_seg(BLKIF_OP_WRITE_BARRIER, 0, good);
    expect("a barrier (not offered)", &e, BLKIF_RSP_EOPNOTSUPP);
    e = one_seg(BLKIF_OP_FLUSH_DISKCACHE, 0, good);
    expect("a flush with a segment", &e, BLKIF_RSP_ERROR);
}

static void hostile_indirect(grant_ref_t ind_gref, struct blkif_request_segment *ind,
                             grant_ref_t good)
{
    union blkif_sring_entry e;

    if (blkfront_info()->max_indirect < 32) {
        test_fail("the backend offers %u indirect segments", blkfront_info()->max_indirect);
        return;
    }
    for (unsigned int i = 0; i < 16; i++)
        ind[i] = (struct blkif_request_segment){ .gref = good, .first_sect = 0, .last_sect = 7 };
    memset(&e, 0, sizeof(e));
    e.ind = (struct blkif_request_indirect){
        .operation = BLKIF_OP_INDIRECT, .indirect_op = BLKIF_OP_READ, .nr_segments = 16,
        .id = RAW_ID + 100, .sector_number = 0, .indirect_grefs = { ind_gref },
    };
    expect("a good indirect read", &e, BLKIF_RSP_OKAY);
    e.ind.id++;
    e.ind.indirect_grefs[0] = BAD_GREF;
    expect("an indirect page that is not granted", &e, BLKIF_RSP_ERROR);
    e.ind.id++;
    e.ind.indirect_grefs[0] = ind_gref;
    ind[9].last_sect = 9;
    expect("a bad segment in the indirect page", &e, BLKIF_RSP_ERROR);
    ind[9].last_sect = 7;
    e.ind.id++;
    ind[15].gref = BAD_GREF;
    expect("a bad grant in the indirect page", &e, BLKIF_RSP_ERROR);
    ind[15].gref = good;
    e.ind.id++;
    e.ind.nr_segments = 33;
    expect("33 indirect segments", &e, BLKIF_RSP_ERROR);
    e.ind.id++;
    e.ind.nr_segments = 16;
    e.ind.indirect_op = BLKIF_OP_FLUSH_DISKCACHE;
    expect("an indirect flush", &e, BLKIF_RSP_ERROR);
}

static void hostile(void)
{
    struct blkif_sring *sr = blkfront_sring();
    long good = blkfront_page_gref(60), ind = blkfront_page_gref(61);
    long state;

    if (good < 0 || ind < 0) {
        test_fail("hostile needs persistent grants (pool grant refs)");
        return;
    }
    CHECK_EQ(io(BLKIF_OP_WRITE, 0, 8), BLKIF_RSP_OKAY);
    hostile_direct((grant_ref_t)good);
    hostile_indirect((grant_ref_t)ind, blkfront_page(61), (grant_ref_t)good);
    /* Last: req_prod a thousand requests ahead. The device goes. */
    __atomic_store_n(&sr->hdr.req_prod, sr->hdr.req_prod + 1000, __ATOMIC_RELEASE);
    blkfront_notify();
    state = blkfront_wait_backend(1u << XenbusStateClosed, now_ns() + BLKFRONT_TIMEOUT_NS);
    printf("blk: broken ring: backend state %ld\n", state);
    CHECK_EQ(state, XenbusStateClosed);
}

/* More grant maps in flight than dom0 may hold: blkback must leave
 * requests on the ring until maps are free, not fail them. */
static void many_maps(void)
{
    struct blkif_request_segment *ind = blkfront_page(63);
    long data = guest_gnttab_grant(0, blkfront_page(62), false);
    long indref = guest_gnttab_grant(0, ind, true);
    unsigned int n = blkfront_info()->ring_entries - 8, ok = 0, got = 0;
    union blkif_sring_entry e;
    struct blkif_response rsp;

    REQUIRE(data > 0 && indref > 0 && !blkfront_info()->persistent);
    for (unsigned int i = 0; i < 32; i++)
        ind[i] = (struct blkif_request_segment){ .gref = (grant_ref_t)data, .first_sect = 0,
                                                 .last_sect = 7 };
    for (unsigned int i = 0; i < n; i++) {
        memset(&e, 0, sizeof(e));
        e.ind = (struct blkif_request_indirect){
            .operation = BLKIF_OP_INDIRECT, .indirect_op = BLKIF_OP_READ, .nr_segments = 32,
            .id = RAW_ID + i, .sector_number = i * 8ull, .indirect_grefs = { (grant_ref_t)indref },
        };
        REQUIRE_EQ(blkfront_raw(&e), 0);
    }
    while (got < n && blkfront_wait(&rsp, now_ns() + BLKFRONT_TIMEOUT_NS) > 0) {
        got++;
        ok += rsp.status == BLKIF_RSP_OKAY;
    }
    printf("blk: %u indirect reads of 32 grants each: %u answered, %u OK\n", n, got, ok);
    CHECK_EQ(got, n);
    CHECK_EQ(ok, n);
    CHECK_EQ(guest_gnttab_end((grant_ref_t)data), 0);
    CHECK_EQ(guest_gnttab_end((grant_ref_t)indref), 0);
}

/* A flush is answered once the disk has done it: on a disk that takes
 * slow_ms for each request, no sooner. */
static void flush_waits(void)
{
    uint64_t ms = cmdline_u64_or("slow_ms", 0), t0, dt;

    REQUIRE(ms && blkfront_info()->flush);
    CHECK_EQ(io(BLKIF_OP_WRITE, 0, 8), BLKIF_RSP_OKAY);
    t0 = now_ns();
    CHECK_EQ(blkfront_io(BLKIF_OP_FLUSH_DISKCACHE, 0, 0, NULL), BLKIF_RSP_OKAY);
    dt = now_ns() - t0;
    printf("blk: flush answered after %lu ms (the disk takes %lu)\n",
           (unsigned long)(dt / 1000000), (unsigned long)ms);
    CHECK(dt >= ms * 1000000);
    CHECK_EQ(io(BLKIF_OP_READ, 0, 8), BLKIF_RSP_OKAY);
    CHECK_EQ(mismatches(buf, 0, 8, pattern), 0);
}

/* ---- steady state and flood ---- */

/* Wait until dom0 writes data/<key> (the scenario types `xs write`). */
static void wait_for_dom0(const char *key)
{
    char path[64], token[16], val[8], rel[32];

    snprintf(rel, sizeof(rel), "data/%s", key);
    REQUIRE_EQ(xsc_watch(rel, key), 0);
    for (;;) {
        if (xsc_read(rel, val, sizeof(val)) > 0)
            return;
        if (xsc_wait_watch(path, sizeof(path), token, sizeof(token),
                           now_ns() + 60 * BLKFRONT_TIMEOUT_NS) <= 0)
            test_error("dom0 did not write %s", rel);
    }
}

static void steady(void)
{
    /* Every pool page used once: a 32-page write (indirect) and reads of
     * one page each, as many in flight as the pool holds. */
    write_region();
    read_region(pattern);
    printf("blk: warm\n");
    wait_for_dom0("go");
    for (unsigned int i = 0; i < 200; i++)
        if (!CHECK_EQ(io(i % 3 ? BLKIF_OP_READ : BLKIF_OP_WRITE, (i % 16) * 64ull,
                         8 * (1 + i % 32)), BLKIF_RSP_OKAY))
            break;
    printf("blk: steady done\n");
    wait_for_dom0("end");
}

/* ---- make bench ---- */

/* The whole disk, one page a request, depth in flight, in dom0's `disk
 * scan` order (request k reads page k * stride mod pages). */
static void bench_scan(unsigned int depth, bool random)
{
    static const uint64_t strides[] = { 40503, 65537, 1000003 };
    uint64_t pages = blkfront_info()->sectors / 8, stride = 1, next = 0, done = 0;
    uint64_t t0, tsc0, ns, ticks;
    int slot_of[BLKFRONT_SHADOWS];
    unsigned int free_slots[32], nfree = depth, most = 0;
    struct blkif_response rsp;

    for (unsigned int i = 0; random && stride == 1 && i < 3; i++)
        if (pages % strides[i])
            stride = strides[i];
    for (unsigned int i = 0; i < depth; i++)
        free_slots[i] = i;
    t0 = now_ns();
    tsc0 = rdtsc();
    while (done < pages) {
        for (; next < pages && nfree; next++) {
            unsigned int slot = free_slots[--nfree];
            long id = blkfront_queue(BLKIF_OP_READ, next * stride % pages * 8, 8, buf[slot]);

            if (id < 0 || id >= BLKFRONT_SHADOWS)
                test_error("bench: queue: %ld", id);
            slot_of[id] = (int)slot;
        }
        blkfront_push();
        if (blkfront_in_flight() > most)
            most = blkfront_in_flight();
        if (blkfront_wait(&rsp, now_ns() + BLKFRONT_TIMEOUT_NS) <= 0)
            test_error("bench: no response, %u in flight", blkfront_in_flight());
        if (rsp.status != BLKIF_RSP_OKAY || rsp.id >= BLKFRONT_SHADOWS)
            test_error("bench: response %lu: status %d", (unsigned long)rsp.id, rsp.status);
        free_slots[nfree++] = (unsigned int)slot_of[rsp.id];
        done++;
    }
    ns = now_ns() - t0;
    ticks = rdtsc() - tsc0;
    printf("blk: bench %s depth %u: %lu requests, %lu bytes, %lu ns, %lu TSC ticks, "
           "at most %u in flight\n", random ? "random" : "in order", depth,
           (unsigned long)pages, (unsigned long)(pages * PAGE_SIZE), (unsigned long)ns,
           (unsigned long)ticks, most);
}

static void bench(void)
{
    struct blkif_response rsp;
    unsigned int n = 0;

    REQUIRE(blkfront_info()->persistent && blkfront_info()->sectors >= 8 * 1024);
    /* Every pool page in one request at once: each is mapped now. */
    while (n < BLKFRONT_POOL_PAGES && blkfront_queue(BLKIF_OP_READ, n * 8ull, 8, buf[n % 32]) >= 0)
        n++;
    blkfront_push();
    for (unsigned int i = 0; i < n; i++)
        if (blkfront_wait(&rsp, now_ns() + BLKFRONT_TIMEOUT_NS) <= 0 ||
            rsp.status != BLKIF_RSP_OKAY)
            test_error("bench: warm-up read %u failed", i);
    printf("blk: warm (%u requests at once)\n", n);
    wait_for_dom0("go");
    bench_scan(1, false);
    bench_scan(32, false);
    bench_scan(1, true);
    bench_scan(32, true);
    printf("blk: bench done\n");
    wait_for_dom0("end");
}

static __noreturn void flood(void)
{
    uint64_t end = now_ns() + 60 * BLKFRONT_TIMEOUT_NS;
    struct blkif_response rsp;
    unsigned int done = 0;

    fill(buf, 0, 8);
    for (;;) {
        while (blkfront_queue(BLKIF_OP_WRITE, (done % 64) * 8ull, 8, buf) >= 0)
            ;
        blkfront_push();
        if (blkfront_wait(&rsp, end) <= 0)
            test_error("flood: no response");
        if (++done == 2 * BLKFRONT_POOL_PAGES)
            printf("blk: flooding, %u requests in flight\n", blkfront_in_flight());
    }
}

void test_main(void)
{
    struct blkfront_opts o = {
        .ring_order = (unsigned int)cmdline_u64_or("ring_order", 2),
        .persistent = cmdline_u64_or("persistent", 1) != 0,
        .indirect = !arg_is("indirect", "0"),
    };
    const struct blkfront_info *in;
    long rc;

    pattern = cmdline_u64_or("pattern", 1);
    if ((rc = blkfront_connect(0, &o)))
        test_error("blkfront: cannot connect: %ld", rc);
    in = blkfront_info();
    printf("blk: xvd %u: %lu sectors, info %u, ring %u pages (%u entries), persistent %d, "
           "indirect %u, flush %d\n", in->devid, (unsigned long)in->sectors, in->info,
           in->ring_pages, in->ring_entries, in->persistent, in->max_indirect, in->flush);
    if (arg_is("mode", "write")) {
        write_region();
        read_region(pattern);
    } else if (arg_is("mode", "read")) {
        read_region(cmdline_u64_or("absent", 0) ? 0 : pattern);
    } else if (arg_is("mode", "ro")) {
        read_only();
    } else if (arg_is("mode", "hostile")) {
        hostile();
        return;                         /* the device is gone */
    } else if (arg_is("mode", "steady")) {
        steady();
    } else if (arg_is("mode", "bench")) {
        bench();
    } else if (arg_is("mode", "flood")) {
        flood();
    } else if (arg_is("mode", "flush")) {
        flush_waits();
    } else if (arg_is("mode", "maps")) {
        many_maps();
    } else if (arg_is("mode", "reconnect")) {
        write_region();
        CHECK_EQ(blkfront_close(), 0);
        CHECK_EQ(in->grant_busy, 0);
        o = (struct blkfront_opts){ .ring_order = 0, .persistent = false, .indirect = true };
        if ((rc = blkfront_connect(0, &o)))
            test_error("blkfront: cannot connect again: %ld", rc);
        printf("blk: again: ring %u pages, persistent %d\n", in->ring_pages, in->persistent);
        read_region(pattern);
    } else {
        test_error("mode= write, read, ro, hostile, steady, flood, reconnect, maps, flush or "
                   "bench");
    }
    if (cmdline_u64_or("hold", 0))
        wait_for_dom0("end");
    CHECK_EQ(blkfront_close(), 0);
    CHECK_EQ(in->grant_busy, 0);
}
