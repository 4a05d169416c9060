// SPDX-License-Identifier: MIT
/*
 * net: a guest with a vif (netfront.h), built by dom0 (`hv create`), in
 * one of these roles (role= on its command line; MACs as xx:xx:xx:xx:xx:xx):
 *
 * role=b: answers. Broadcasts HELLO every 100 ms until the first PING
 *   comes, answers each PING from peer= with a PONG of the same length
 *   and sequence and its own pattern, until DONE. Fails on any frame
 *   whose payload says SPOOF. With spoofer=MAC, also waits for SPOOFDONE
 *   from that MAC before it ends (so the spoofer's frames came first).
 * role=a: asks. Waits for b's HELLO (a broadcast), then count= (64) PINGs
 *   to peer=, unicast, of lengths 60 to 1514 (in 1 to 3 pieces when the
 *   backend has feature-sg), each answered by a PONG
 *   whose bytes are all checked; then broadcasts DONE. announce=1: a
 *   BEGIN broadcast first (for the flooder).
 * role=spoof: waits for a HELLO, then count= frames with source victim=
 *   to target= and as many broadcast, all with a SPOOF payload (the
 *   bridge must drop them), then SPOOFDONE from its own MAC.
 * role=bad: malformed tx requests (a grant past the table, an unused
 *   grant, a piece past its page, an offset past the page, a frame shorter
 *   than a header, pieces longer than the frame) each get NETIF_RSP_ERROR,
 *   and good frames sent after them get NETIF_RSP_OKAY. break=1: then its
 *   tx producer index jumps a ring ahead; the backend must close the vif.
 * role=rekey: first writes hostile keys (grants never given, rx flip, nine
 *   queues, a ring reference past 32 bits, none at all), each refused by
 *   the backend (Closing), closing and starting again each time, as
 *   Linux's netfront does; then connects for real and sends a frame.
 * split=1 (any role): separate tx and rx event channels; queues=N: N
 *   queues (multi-queue), frames sent round them.
 * role=flood: keeps its whole tx ring full of frames to its own MAC (the
 *   bridge filters them), as fast as dom0 answers. With bound=N: counts the frames answered between
 *   a's BEGIN and DONE and fails if more than N; forever without.
 * role=sink, role=stream (make bench, test/bench-io.py): the sink
 *   broadcasts HELLO every 100 ms until the first STREAM frame comes, then
 *   counts STREAM frames from peer= until an END, and prints how many came,
 *   the sequence numbers missing and the time (pvclock and TSC) from the
 *   first to the last. The stream waits for the HELLO, then sends count=
 *   (10000) unicast STREAM frames of len= (60) bytes to peer= as fast as
 *   its tx ring takes them, then END (several, 10 ms apart: one may be
 *   dropped). Payloads are not checked.
 */
#include <public/errno.h>
#include "netfront.h"
#include "pvcons.h"
#include "test.h"
#include "x86.h"
#include "xen.h"
#include "xsc.h"

TEST_TITLE("frames through netfront, netback and dom0's bridge");

#define ETHERTYPE       0x88b5          /* IEEE local experimental */
#define HDR             14
#define TAG_LEN         10
#define WAIT_NS         60000000000ull  /* any one step */
#define HELLO_EVERY_NS  100000000ull

static uint8_t frame[1514], got[1514];
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static bool arg_mac(const char *key, uint8_t *mac)
{
    const char *v;
    size_t len;
    unsigned int b[6];

    if (!cmdline_find(key, &v, &len) || len != 17)
        return false;
    for (int i = 0; i < 6; i++) {
        b[i] = 0;
        for (int k = 0; k < 2; k++) {
            char c = v[3 * i + k];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

            if (d < 0)
                return false;
            b[i] = b[i] * 16 + (unsigned int)d;
        }
        mac[i] = (uint8_t)b[i];
    }
    return true;
}

static unsigned int parse_state(const char *s)
{
    return s[0] >= '0' && s[0] <= '9' && !s[1] ? (unsigned int)(s[0] - '0') : 99;
}

static bool arg_is(const char *key, const char *s)
{
    const char *v;
    size_t len;

    return cmdline_find(key, &v, &len) && len == strlen(s) && !memcmp(v, s, len);
}

static uint8_t pattern(uint32_t seq, size_t j, uint8_t kind)
{
    return (uint8_t)(seq * 7 + j * 13 + kind);
}

/* A frame: header, a tag of TAG_LEN bytes, the sequence, pattern bytes. */
static size_t build(const uint8_t *dst, const uint8_t *src, const char *tag, uint32_t seq,
                    size_t len)
{
    memcpy(frame, dst, 6);
    memcpy(frame + 6, src, 6);
    frame[12] = ETHERTYPE >> 8;
    frame[13] = ETHERTYPE & 0xff;
    memset(frame + HDR, 0, TAG_LEN);
    memcpy(frame + HDR, tag, strlen(tag));
    memcpy(frame + HDR + TAG_LEN, &seq, 4);
    for (size_t j = HDR + TAG_LEN + 4; j < len; j++)
        frame[j] = pattern(seq, j, (uint8_t)tag[1]);
    return len;
}

static bool tag_is(const uint8_t *f, long len, const char *tag)
{
    uint8_t want[TAG_LEN] = { 0 };

    memcpy(want, tag, strlen(tag));
    return len >= HDR + TAG_LEN + 4 && f[12] == (ETHERTYPE >> 8) &&
           f[13] == (ETHERTYPE & 0xff) && !memcmp(f + HDR, want, TAG_LEN);
}

static uint32_t seq_of(const uint8_t *f)
{
    uint32_t s;

    memcpy(&s, f + HDR + TAG_LEN, 4);
    return s;
}

/* Every pattern byte of a received frame as build() made it. */
static bool payload_ok(const uint8_t *f, long len, const char *tag)
{
    for (long j = HDR + TAG_LEN + 4; j < len; j++)
        if (f[j] != pattern(seq_of(f), (size_t)j, (uint8_t)tag[1]))
            return false;
    return true;
}

static void send_or_fail(size_t len)
{
    int rc = netfront_send(frame, len, now_ns() + WAIT_NS);

    if (rc)
        test_error("send: %d", rc);
}

/* The next frame (any), failing on a spoofed one. */
static long recv_one(uint64_t deadline)
{
    long n = netfront_recv(got, sizeof(got), deadline);

    if (n < 0)
        test_error("receive: %ld", n);
    if (n > 0 && (tag_is(got, n, "SPOOF")))
        test_fail("received a spoofed frame (source %02x:..:%02x)", got[6], got[11]);
    return n;
}

static size_t ping_len(uint32_t i)
{
    return 60 + (i * 211) % (1514 - 60 + 1);
}

static void role_a(const uint8_t *me, const uint8_t *peer, uint32_t count)
{
    uint64_t deadline = now_ns() + WAIT_NS;
    bool sg = netfront_backend_feature("feature-sg") == 1;
    long n;

    do {
        if (!(n = recv_one(deadline)))
            test_error("no HELLO from the peer");
    } while (!tag_is(got, n, "HELLO") || memcmp(got + 6, peer, 6));
    CHECK(!memcmp(got, bcast, 6) && payload_ok(got, n, "HELLO"));
    printf("net: got the peer's HELLO (broadcast, %ld bytes)\n", n);
    if (arg_is("announce", "1"))
        send_or_fail(build(bcast, me, "BEGIN", 0, 60));
    for (uint32_t i = 0; i < count; i++) {
        size_t len = ping_len(i);

        /* With feature-sg, frames go in 1 to 3 pieces. */
        if (netfront_send_sg(frame, build(peer, me, "PING", i, len), sg ? 1 + i % 3 : 1,
                             now_ns() + WAIT_NS))
            test_error("PING %u: send failed", i);
        deadline = now_ns() + WAIT_NS;
        do {
            if (!(n = recv_one(deadline)))
                test_error("no PONG %u", i);
        } while (!tag_is(got, n, "PONG"));
        CHECK(!memcmp(got, me, 6) && !memcmp(got + 6, peer, 6));
        if (seq_of(got) != i || (size_t)n != len || !payload_ok(got, n, "PONG"))
            test_error("PONG %u: seq %u, %ld bytes (want %lu), payload %s", i, seq_of(got), n,
                       (unsigned long)len, payload_ok(got, n, "PONG") ? "ok" : "wrong");
    }
    send_or_fail(build(bcast, me, "DONE", count, 60));
    CHECK(netfront_tx_drain(now_ns() + WAIT_NS));
    CHECK_EQ(netfront_tx_counts()->error, 0);
    printf("net: %u frames each way, unicast, payloads checked%s\n", count,
           sg ? "; PINGs in 1 to 3 pieces" : "");
}

static void role_b(const uint8_t *me, const uint8_t *peer)
{
    uint8_t spoofer[6];
    bool want_spoofdone = arg_mac("spoofer", spoofer), pinged = false, done = false;
    uint64_t deadline = now_ns() + 5 * WAIT_NS, hello = 0;    /* a is made later */
    uint32_t answered = 0;
    long n;

    while (!done || want_spoofdone) {
        if (!pinged && now_ns() >= hello) {
            send_or_fail(build(bcast, me, "HELLO", 0, 200));
            hello = now_ns() + HELLO_EVERY_NS;
        }
        if (now_ns() >= deadline)
            test_error("stuck: %u PINGs answered, DONE %s", answered, done ? "came" : "not yet");
        n = recv_one(pinged ? deadline : hello);
        if (n && tag_is(got, n, "PING") && !memcmp(got + 6, peer, 6)) {
            if (!payload_ok(got, n, "PING") || memcmp(got, me, 6))
                test_error("PING %u: wrong bytes", seq_of(got));
            pinged = true;
            send_or_fail(build(peer, me, "PONG", seq_of(got), (size_t)n));
            answered++;
            deadline = now_ns() + WAIT_NS;
        } else if (n && tag_is(got, n, "DONE") && !memcmp(got + 6, peer, 6)) {
            done = true;
        } else if (n && want_spoofdone && tag_is(got, n, "SPOOFDONE") &&
                   !memcmp(got + 6, spoofer, 6)) {
            printf("net: the spoofer is done; none of its spoofed frames came\n");
            want_spoofdone = false;
        }
    }
    CHECK(netfront_tx_drain(now_ns() + WAIT_NS));
    printf("net: answered %u PINGs\n", answered);
}

static void role_spoof(const uint8_t *me, uint32_t count)
{
    uint8_t victim[6], target[6];
    uint64_t deadline = now_ns() + WAIT_NS;
    long n;

    if (!arg_mac("victim", victim) || !arg_mac("target", target))
        test_error("role=spoof needs victim= and target=");
    do {
        if (!(n = netfront_recv(got, sizeof(got), deadline)))
            test_error("no HELLO");
    } while (n < 0 || !tag_is(got, n, "HELLO"));
    for (uint32_t i = 0; i < count; i++) {
        send_or_fail(build(target, victim, "SPOOF", i, 100));
        send_or_fail(build(bcast, victim, "SPOOF", i, 100));
    }
    send_or_fail(build(bcast, me, "SPOOFDONE", 0, 60));
    CHECK(netfront_tx_drain(now_ns() + WAIT_NS));
    printf("net: sent %u spoofed frames\n", 2 * count);
}

/* One raw request (or two, for the chain) and the status it gets. */
static void expect_status(const char *what, const struct netif_tx_request *r, unsigned int n,
                          int want)
{
    if (netfront_send_raw(r, n))
        test_error("%s: no room", what);
    if (!netfront_tx_drain(now_ns() + WAIT_NS))
        test_error("%s: no response", what);
    for (unsigned int i = 0; i < n; i++) {
        int st = netfront_raw_status(r[i].id);

        if (st != want)
            test_fail("%s: status %d, want %d", what, st, want);
    }
    printf("net: %s: %s\n", what, want == NETIF_RSP_OKAY ? "okay" : "error");
}

/* Push the tx producer a ring ahead: the backend must close the vif. */
static void break_ring(void)
{
    uint64_t deadline = now_ns() + WAIT_NS;
    char be[96], path[128], ev[128], tok[16], st[16] = "";

    if (xsc_read("device/vif/0/backend", be, sizeof(be)) <= 0)
        test_error("no backend key");
    snprintf(path, sizeof(path), "%s/state", be);
    netfront_tx_ring()->hdr.req_prod += NET_TX_RING_SIZE + 5;
    netfront_notify();
    while (xsc_read(path, st, sizeof(st)) > 0 && strcmp(st, "5") && strcmp(st, "6") &&
           xsc_wait_watch(ev, sizeof(ev), tok, sizeof(tok), deadline) > 0)
        ;
    if (strcmp(st, "5") && strcmp(st, "6"))
        test_fail("the backend stayed in state %s after the ring broke", st);
    else
        printf("net: the backend closed the vif whose ring I broke\n");
}

static void role_bad(const uint8_t *me)
{
    grant_ref_t g = netfront_tx_gref(0);
    uint16_t id = NETFRONT_RAW_ID;
    struct netif_tx_request chain[2] = {
        { g, 0, NETTXF_more_data, 0, 100 }, { g, 200, 0, 0, 200 },
    };

    memcpy(netfront_tx_page(0), frame, build(bcast, me, "GOOD", 0, 60));
#define ONE(what, gref, off, size, want) do { \
        struct netif_tx_request r = { (gref), (off), 0, id++, (size) }; \
        expect_status(what, &r, 1, want); \
    } while (0)
    ONE("a grant past the table", 100000, 0, 60, NETIF_RSP_ERROR);
    ONE("an unused grant", 400, 0, 60, NETIF_RSP_ERROR);
    ONE("a piece past its page", g, 3000, 1500, NETIF_RSP_ERROR);
    ONE("an offset past the page", g, 5000, 60, NETIF_RSP_ERROR);
    ONE("a frame shorter than a header", g, 0, 10, NETIF_RSP_ERROR);
    chain[0].id = id++;
    chain[1].id = id++;
    expect_status("pieces longer than the frame", chain, 2, NETIF_RSP_ERROR);
    ONE("a good frame after them", g, 0, 60, NETIF_RSP_OKAY);
#undef ONE
    send_or_fail(build(bcast, me, "GOOD", 1, 1514));
    CHECK(netfront_tx_drain(now_ns() + WAIT_NS));
    CHECK_EQ(netfront_tx_counts()->okay, 2);
    CHECK_EQ(netfront_tx_counts()->error, 7);
    if (arg_is("break", "1"))
        break_ring();
}

/* Keep the whole tx ring full of frames to our own MAC (one page, many
 * requests): a backend without a budget would serve 256 of them a round. */
static void role_flood(const uint8_t *me)
{
    uint64_t bound = cmdline_u64_or("bound", 0);
    struct netif_tx_request batch[32];
    unsigned long begin = 0, sent = 0;
    bool counting = false, said = false;
    long n;

    memcpy(netfront_tx_page(0), frame, build(me, me, "FLOOD", 0, 1514));
    for (unsigned int i = 0; i < 32; i++)
        batch[i] = (struct netif_tx_request){ netfront_tx_gref(0), 0, 0,
                                              (uint16_t)(NETFRONT_RAW_ID + i), 1514 };
    for (;;) {
        while (!netfront_send_raw(batch, 32))
            sent += 32;
        if (!said && sent >= 256) {
            printf("net: flooding\n");
            said = true;
        }
        if (!netfront_tx_wait(now_ns() + WAIT_NS))
            test_error("flood: no tx response");
        if (netfront_tx_counts()->error)
            test_error("flood: %lu errors", netfront_tx_counts()->error);
        if (!bound || !(n = netfront_recv(got, sizeof(got), now_ns())))
            continue;
        if (n > 0 && tag_is(got, n, "BEGIN")) {
            begin = netfront_tx_counts()->okay;
            counting = true;
        } else if (n > 0 && counting && tag_is(got, n, "DONE")) {
            unsigned long during = netfront_tx_counts()->okay - begin;

            printf("net: flood: %lu of my frames answered during the exchange (bound %lu)\n",
                   during, (unsigned long)bound);
            CHECK(during <= bound);
            return;
        }
    }
}

/* ---- make bench: role=stream and role=sink ---- */

static void role_stream(const uint8_t *me, const uint8_t *peer, uint32_t count, size_t len)
{
    uint64_t deadline = now_ns() + 5 * WAIT_NS, t0, tsc0;
    long n;

    if (len < HDR + TAG_LEN + 4 || len > sizeof(frame))
        test_error("stream: len= is %d to %lu", HDR + TAG_LEN + 4, (unsigned long)sizeof(frame));
    do {
        if (!(n = recv_one(deadline)))
            test_error("no HELLO from the sink");
    } while (!tag_is(got, n, "HELLO") || memcmp(got + 6, peer, 6));
    build(peer, me, "STREAM", 0, len);
    t0 = now_ns();
    tsc0 = rdtsc();
    for (uint32_t i = 0; i < count; i++) {
        memcpy(frame + HDR + TAG_LEN, &i, 4);
        send_or_fail(len);
    }
    CHECK(netfront_tx_drain(now_ns() + WAIT_NS));
    printf("net: stream: %u frames of %lu bytes sent in %lu ns, %lu TSC ticks\n", count,
           (unsigned long)len, (unsigned long)(now_ns() - t0), (unsigned long)(rdtsc() - tsc0));
    for (int i = 0; i < 5; i++) {
        send_or_fail(build(peer, me, "END", count, 60));
        spin_until(now_ns() + 10000000);
    }
    CHECK(netfront_tx_drain(now_ns() + WAIT_NS));
    CHECK_EQ(netfront_tx_counts()->error, 0);
}

static void role_sink(const uint8_t *me, const uint8_t *peer)
{
    uint64_t deadline = now_ns() + 5 * WAIT_NS, hello = 0, t0 = 0, t1 = 0, tsc0 = 0, tsc1 = 0;
    uint32_t frames = 0, next = 0, missing = 0;
    long n, len = 0;

    for (;;) {
        if (!frames && now_ns() >= hello) {
            send_or_fail(build(bcast, me, "HELLO", 0, 200));
            hello = now_ns() + HELLO_EVERY_NS;
        }
        if (now_ns() >= deadline)
            test_error("sink: stuck after %u frames", frames);
        n = recv_one(frames ? deadline : hello);
        if (!n || memcmp(got + 6, peer, 6))
            continue;
        if (tag_is(got, n, "END"))
            break;
        if (!tag_is(got, n, "STREAM"))
            continue;
        t1 = now_ns();
        tsc1 = rdtsc();
        len = n;
        if (!frames++) {
            t0 = t1;
            tsc0 = tsc1;
        }
        if (seq_of(got) < next)
            test_error("sink: frame %u after %u", seq_of(got), next);
        missing += seq_of(got) - next;
        next = seq_of(got) + 1;
        deadline = now_ns() + WAIT_NS;
    }
    missing += seq_of(got) - next;      /* END carries the count sent */
    printf("net: sink: %u frames of %ld bytes, %u missing, %lu ns and %lu TSC ticks from the "
           "first to the last\n", frames, len, missing,
           (unsigned long)(t1 - t0), (unsigned long)(tsc1 - tsc0));
    CHECK(frames > 1);
}

/* ---- role=rekey: hostile keys first ---- */

static char be_dir[96];

/* Wait until the backend's state is want (its directory is watched). */
static void be_wait(unsigned int want, const char *after)
{
    uint64_t deadline = now_ns() + WAIT_NS;
    char path[128], st[16] = "", ev[128], tok[16];

    snprintf(path, sizeof(path), "%s/state", be_dir);
    while (xsc_read(path, st, sizeof(st)) > 0 && parse_state(st) != want &&
           xsc_wait_watch(ev, sizeof(ev), tok, sizeof(tok), deadline) > 0)
        ;
    if (parse_state(st) != want)
        test_error("%s: the backend is in state %s, not %u", after, st, want);
}

static void fe_key(const char *key, const char *value)
{
    char path[96];
    long rc;

    snprintf(path, sizeof(path), "device/vif/0/%s", key);
    if (value)
        rc = xsc_write(path, value);
    else if ((rc = xsc_request(XS_RM, 0, path, (uint32_t)strlen(path) + 1, NULL, 0,
                               NULL)) == -XEN_ENOENT || rc > 0)
        rc = 0;
    if (rc)
        test_error("%s %s: %ld", value ? "writing" : "removing", path, rc);
}

/* Each set of keys is refused (the backend goes to Closing); the frontend
 * then closes and starts again, as Linux's does; then netfront connects
 * for real and a frame goes through. */
static void role_rekey(void)
{
    static const struct { const char *what, *tx, *rx, *ev, *copy, *queues; } bad[] = {
        { "grants never given", "99999", "99998", "3", "1", NULL },
        { "rx flip instead of copy", "99999", "99998", "3", "0", NULL },
        { "nine queues", "99999", "99998", "3", "1", "9" },
        { "a ring reference past 32 bits", "99999999999", "8", "3", "1", NULL },
        { "no ring references", NULL, NULL, NULL, "1", NULL },
    };

    if (xsc_read("device/vif/0/backend", be_dir, sizeof(be_dir)) <= 0 ||
        xsc_watch(be_dir, "rk"))
        test_error("no backend");
    be_wait(2, "at start");
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        fe_key("tx-ring-ref", bad[i].tx);
        fe_key("rx-ring-ref", bad[i].rx);
        fe_key("event-channel", bad[i].ev);
        fe_key("request-rx-copy", bad[i].copy);
        fe_key("multi-queue-num-queues", bad[i].queues);
        fe_key("state", "4");
        be_wait(5, bad[i].what);
        fe_key("state", "6");
        be_wait(6, "after Closed");
        fe_key("state", "1");
        be_wait(2, "after Initialising");
        fe_key("multi-queue-num-queues", NULL);
        printf("net: refused: %s\n", bad[i].what);
    }
}

void test_main(void)
{
    uint8_t me[6], peer[6];
    long rc;

    if (!pvcons_active())
        test_skip("no PV console: run me from dom0 (hv create net-*.cfg)");
    if ((rc = xsc_init()))
        test_error("no xenstore page or port: %ld", rc);
    if (arg_is("role", "rekey"))
        role_rekey();
    if ((rc = netfront_init(0, &(struct netfront_opts){
            .split = arg_is("split", "1"),
            .queues = (unsigned int)cmdline_u64_or("queues", 1) })))
        test_error("netfront: %ld", rc);
    memcpy(me, netfront_mac(), 6);
    printf("net: connected as %02x:%02x:%02x:%02x:%02x:%02x%s\n", me[0], me[1], me[2], me[3],
           me[4], me[5], cmdline_u64_or("queues", 1) > 1 ? " with several queues" : "");
    if (arg_is("role", "a") || arg_is("role", "b")) {
        if (!arg_mac("peer", peer))
            test_error("roles a and b need peer=");
        if (arg_is("role", "a"))
            role_a(me, peer, (uint32_t)cmdline_u64_or("count", 64));
        else
            role_b(me, peer);
    } else if (arg_is("role", "stream") || arg_is("role", "sink")) {
        if (!arg_mac("peer", peer))
            test_error("roles stream and sink need peer=");
        if (arg_is("role", "stream"))
            role_stream(me, peer, (uint32_t)cmdline_u64_or("count", 10000),
                        (size_t)cmdline_u64_or("len", 60));
        else
            role_sink(me, peer);
    } else if (arg_is("role", "spoof")) {
        role_spoof(me, (uint32_t)cmdline_u64_or("count", 8));
    } else if (arg_is("role", "bad")) {
        role_bad(me);
    } else if (arg_is("role", "flood")) {
        role_flood(me);
    } else if (arg_is("role", "rekey")) {
        send_or_fail(build(bcast, me, "HELLO", 0, 200));
        CHECK(netfront_tx_drain(now_ns() + WAIT_NS));
        CHECK_EQ(netfront_tx_counts()->okay, 1);
        printf("net: connected after the refusals; a frame went out\n");
    } else {
        test_error("role= is a, b, spoof, bad, flood, rekey, stream or sink");
    }
}
