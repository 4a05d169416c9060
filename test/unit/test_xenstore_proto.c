/* SPDX-License-Identifier: MIT */
/*
 * Unit tests: xenstored's wire protocol, rings and domains
 * (tools/xenstored/): malformed requests get error replies and the
 * connection goes on; ring indexes a hostile guest could write; partial
 * and wrapping messages; back-pressure; INTRODUCE/RELEASE and their events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "xs_fake.h"

static struct xs xs;
static char buf[XENSTORE_PAYLOAD_MAX + 1];

static int setup(void **state)
{
    fake_setup(&xs, 3);
    assert_int_equal(xs_local_write(&xs, 0, "/pub", "public", 6), 0);
    {
        struct xs_perm p = { 0, XS_PERM_READ };

        assert_int_equal(xs_local_set_perms(&xs, 0, "/pub", &p, 1), 0);
    }
    return 0;
}

static int teardown(void **state)
{
    xs_fini(&xs);
    return 0;
}

static void expect_error(uint32_t type, const char *name)
{
    assert_int_equal(type, XS_ERROR);
    assert_string_equal(buf, name);
}

/* The connection still works: a READ of /pub answers. */
static void still_works(struct fake_dom *d)
{
    assert_int_equal(fake_call_str(&xs, d, XS_READ, 0, buf, "/pub", NULL), XS_READ);
    assert_string_equal(buf, "public");
}

static void test_malformed(void **state)
{
    struct fake_dom *d = fake_dom(1);

    expect_error(fake_call(&xs, d, XS_READ, 0, "/pub", 4, buf), "EINVAL");     /* no NUL */
    still_works(d);
    expect_error(fake_call(&xs, d, XS_READ, 0, "/pub\0x\0", 7, buf), "EINVAL"); /* 2 args */
    expect_error(fake_call(&xs, d, XS_READ, 0, "", 0, buf), "EINVAL");          /* none */
    expect_error(fake_call(&xs, d, XS_READ, 0, "\0", 1, buf), "EINVAL");        /* empty */
    expect_error(fake_call(&xs, d, XS_WATCH, 0, "/pub\0", 5, buf), "EINVAL");   /* 1 of 2 */
    expect_error(fake_call(&xs, d, XS_WATCH, 0, "a\0b\0c\0d\0", 8, buf), "EINVAL");
    /* Trailing bytes without their NUL. */
    expect_error(fake_call(&xs, d, XS_WATCH, 0, "/pub\0t\0x", 8, buf), "EINVAL");
    expect_error(fake_call(&xs, d, XS_SET_PERMS, 0, "/pub\0n0\0r1", 10, buf), "EINVAL");
    expect_error(fake_call(&xs, d, XS_WRITE, 0, "/pub", 4, buf), "EINVAL");     /* no path end */
    expect_error(fake_call(&xs, d, XS_SET_PERMS, 0, "/pub\0", 5, buf), "EINVAL");
    expect_error(fake_call(&xs, d, XS_GET_DOMAIN_PATH, 0, "x1\0", 3, buf), "EINVAL");
    expect_error(fake_call(&xs, d, XS_GET_DOMAIN_PATH, 0, "65536\0", 6, buf), "EINVAL");
    still_works(d);
    /* Types: unknown, daemon-to-client only, known but not served. */
    expect_error(fake_call(&xs, d, 999, 0, "", 0, buf), "ENOSYS");
    expect_error(fake_call(&xs, d, XS_WATCH_EVENT, 0, "a\0b\0", 4, buf), "ENOSYS");
    expect_error(fake_call(&xs, d, XS_ERROR, 0, "", 0, buf), "ENOSYS");
    expect_error(fake_call(&xs, d, XS_INVALID, 0, "", 0, buf), "ENOSYS");
    expect_error(fake_call(&xs, d, XS_CONTROL, 0, "print\0", 6, buf), "ENOSYS");
    expect_error(fake_call(&xs, d, XS_DIRECTORY_PART, 0, "/\0" "0\0", 4, buf), "ENOSYS");
    /* A transaction id that was never given. */
    expect_error(fake_call(&xs, d, XS_READ, 12345, "/pub\0", 5, buf), "ENOENT");
    expect_error(fake_call(&xs, d, XS_TRANSACTION_END, 77, "T\0", 2, buf), "ENOENT");
    still_works(d);
    /* Good requests get the request's type and "OK". */
    assert_int_equal(fake_call(&xs, d, XS_GET_DOMAIN_PATH, 0, "7\0", 2, buf),
                     XS_GET_DOMAIN_PATH);
    assert_string_equal(buf, "/local/domain/7");
}

static void test_oversized_len(void **state)
{
    struct fake_dom *d = fake_dom(1);
    struct xsd_sockmsg hdr = { XS_READ, 99, 0, XENSTORE_PAYLOAD_MAX + 1 };
    static char junk[XENSTORE_PAYLOAD_MAX + 1];
    uint32_t sent = 0, n;

    /* The header, then its 4097 bytes in ring-sized pieces: skipped. */
    fake_put(d, &hdr, sizeof(hdr));
    memset(junk, 'j', sizeof(junk));
    while (sent < sizeof(junk)) {
        n = XENSTORE_RING_SIZE - (d->page.req_prod - d->page.req_cons);
        if (n > sizeof(junk) - sent)
            n = sizeof(junk) - sent;
        fake_put(d, junk + sent, n);
        sent += n;
        xs_handle_event(&xs, 101);
    }
    assert_true(fake_recv(d, &hdr, buf));
    assert_int_equal(hdr.type, XS_ERROR);
    assert_int_equal(hdr.req_id, 99);
    assert_string_equal(buf, "E2BIG");
    assert_int_equal(d->page.error, XENSTORE_ERROR_NONE);
    still_works(d);
}

static void test_partial_messages(void **state)
{
    struct fake_dom *d = fake_dom(1);
    struct xsd_sockmsg hdr = { XS_READ, 5, 0, 5 }, rh;
    char msg[sizeof(hdr) + 5];
    uint32_t i;

    memcpy(msg, &hdr, sizeof(hdr));
    memcpy(msg + sizeof(hdr), "/pub", 5);
    /* A byte per event: nothing until the last one. */
    for (i = 0; i < sizeof(msg); i++) {
        assert_false(fake_recv(d, &rh, buf));
        fake_put(d, msg + i, 1);
        xs_handle_event(&xs, 101);
    }
    assert_true(fake_recv(d, &rh, buf));
    assert_int_equal(rh.type, XS_READ);
    assert_int_equal(rh.req_id, 5);
    assert_string_equal(buf, "public");
    /* Two requests at once: two replies, in order. */
    fake_send(d, XS_READ, 1, 0, "/pub", 5);
    fake_send(d, XS_GET_DOMAIN_PATH, 2, 0, "1", 2);
    xs_handle_event(&xs, 101);
    assert_true(fake_recv(d, &rh, buf));
    assert_int_equal(rh.req_id, 1);
    assert_true(fake_recv(d, &rh, buf));
    assert_int_equal(rh.req_id, 2);
    assert_string_equal(buf, "/local/domain/1");
    assert_true(d->notified > 0);
}

static void test_wraparound(void **state)
{
    struct fake_dom *d = fake_dom(1);
    int i;

    /* Indexes just short of 2^32, at an odd offset in the ring. */
    d->page.req_cons = d->page.req_prod = 0xfffffff0u - 3;
    d->page.rsp_cons = d->page.rsp_prod = 0xffffffe0u - 5;
    for (i = 0; i < 200; i++)
        still_works(d);
    assert_true(d->page.req_prod < 0x10000u);   /* both wrapped */
    assert_true(d->page.rsp_prod < 0x10000u);
    assert_int_equal(d->page.req_cons, d->page.req_prod);
    assert_int_equal(d->page.error, XENSTORE_ERROR_NONE);
}

static void test_hostile_req_indexes(void **state)
{
    struct fake_dom *d = fake_dom(1);
    struct xsd_sockmsg rh;
    uint32_t cons;

    /* prod beyond cons + ring size: broken, nothing read, no reply. */
    fake_send(d, XS_READ, 1, 0, "/pub", 5);
    d->page.req_prod = d->page.req_cons + XENSTORE_RING_SIZE + 1;
    cons = d->page.req_cons;
    xs_handle_event(&xs, 101);
    assert_int_equal(d->page.error, XENSTORE_ERROR_RINGIDX);
    assert_int_equal(d->page.req_cons, cons);
    assert_false(fake_recv(d, &rh, buf));
    /* Fixing the index does not help: broken until the guest reconnects. */
    d->page.req_prod = cons;
    fake_send(d, XS_READ, 2, 0, "/pub", 5);
    xs_handle_event(&xs, 101);
    assert_false(fake_recv(d, &rh, buf));
    /* Reconnect: indexes reset, error cleared, served again. */
    d->page.connection = XENSTORE_RECONNECT;
    xs_handle_event(&xs, 101);
    assert_int_equal(d->page.connection, XENSTORE_CONNECTED);
    assert_int_equal(d->page.error, XENSTORE_ERROR_NONE);
    assert_int_equal(d->page.req_prod, 0);
    assert_int_equal(d->page.rsp_prod, 0);
    still_works(d);
    /* prod behind cons: the same. */
    d->page.req_prod = d->page.req_cons - 1;
    xs_handle_event(&xs, 101);
    assert_int_equal(d->page.error, XENSTORE_ERROR_RINGIDX);
    /* Other domains do not notice. */
    still_works(fake_dom(2));
}

static void test_hostile_rsp_indexes(void **state)
{
    struct fake_dom *d = fake_dom(1);

    /* The guest claims to have consumed replies we never wrote. */
    d->page.rsp_cons = d->page.rsp_prod + 5000;
    fake_send(d, XS_READ, 1, 0, "/pub", 5);
    xs_handle_event(&xs, 101);
    assert_int_equal(d->page.error, XENSTORE_ERROR_RINGIDX);
    assert_true(d->page.rsp_prod - (d->page.rsp_cons - 5000) == 0);
    still_works(fake_dom(3));
}

static void test_backpressure(void **state)
{
    static char value[900];
    struct fake_dom *d = fake_dom(1);
    struct xsd_sockmsg rh;
    int i;

    memset(value, 'v', sizeof(value));
    assert_int_equal(xs_local_write(&xs, 0, "/pub", value, sizeof(value)), 0);
    xs.quota.queued = 2;
    for (i = 0; i < 4; i++)
        fake_send(d, XS_READ, (uint32_t)i, 0, "/pub", 5);
    xs_handle_event(&xs, 101);
    /* Replies that did not fit hold the fourth request back. */
    assert_int_equal(d->page.req_prod - d->page.req_cons, sizeof(rh) + 5);
    for (i = 0; i < 4; i++) {
        assert_true(fake_recv(d, &rh, buf));
        assert_int_equal(rh.req_id, i);
        assert_int_equal(rh.len, sizeof(value));
        xs_handle_event(&xs, 101);
    }
    assert_int_equal(d->page.req_prod, d->page.req_cons);
}

static void test_event_queue_limit(void **state)
{
    struct fake_dom *d = fake_dom(1);
    char path[64];
    int i;

    xs.quota.queued = 8;
    assert_int_equal(fake_call_str(&xs, d, XS_WATCH, 0, buf, "/pub", "t"), XS_WATCH);
    assert_true(fake_saw(d, "/pub", "t"));
    /* The guest stops reading: 100 writes of 60-byte events fill its ring
     * (1024 bytes) and then its queue; later events are dropped. */
    for (i = 0; i < 100; i++) {
        snprintf(path, sizeof(path), "/pub/%040d", i);
        assert_int_equal(xs_local_write(&xs, 0, path, "", 0), 0);
    }
    assert_true(strstr(fake.last_log, "dropped") != NULL);
    fake_drain(&xs, d);
    assert_true(d->nev > 8 && d->nev < 100);
    still_works(d);
}

/* A small deterministic generator for the garbage below. */
static uint32_t rnd(uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 8;
}

static void test_garbage_requests(void **state)
{
    static const char alphabet[] = "\0\0\0/a1@-_TF.b0n2r ";
    struct fake_dom *d = fake_dom(1);
    struct xsd_sockmsg rh;
    char payload[64];
    uint32_t seed = 1, i, j, len, type, replies = 0, errors = 0;

    assert_int_equal(xs_local_mkdir(&xs, 0, "/local/domain/1"), 0);
    {
        struct xs_perm p = { 1, XS_PERM_NONE };

        assert_int_equal(xs_local_set_perms(&xs, 0, "/local/domain/1", &p, 1), 0);
    }
    for (i = 0; i < 3000; i++) {
        type = rnd(&seed) % 32;
        if (type == 31)
            type = rnd(&seed);
        len = rnd(&seed) % sizeof(payload);
        for (j = 0; j < len; j++)
            payload[j] = alphabet[rnd(&seed) % (sizeof(alphabet) - 1)];
        fake_send(d, type, i, rnd(&seed) % 4, payload, len);
        xs_handle_event(&xs, 101);
        /* Exactly one reply (after any watch events), with our req_id. */
        for (;;) {
            assert_true(fake_recv(d, &rh, buf));
            if (rh.type != XS_WATCH_EVENT)
                break;
        }
        assert_int_equal(rh.req_id, i);
        assert_true(rh.type == type || rh.type == XS_ERROR);
        replies++;
        errors += rh.type == XS_ERROR;
        /* Keep the event queue from filling up. */
        if (i % 50 == 0) {
            fake_call_str(&xs, d, XS_RESET_WATCHES, 0, buf, "", NULL);
            d->nev = 0;
        }
        while (fake_recv(d, &rh, buf))
            ;
    }
    assert_int_equal(replies, 3000);
    assert_true(errors > 100 && errors < 3000);     /* both kinds happened */
    assert_int_equal(d->page.error, XENSTORE_ERROR_NONE);
    still_works(d);
}

/* ---- domains ---- */

static uint32_t raw(uint32_t type, const char *payload, uint32_t len)
{
    struct xsd_sockmsg hdr = { type, 3, 0, len }, reply;

    xs_local_raw(&xs, &hdr, payload, &reply, buf);
    assert_int_equal(reply.req_id, 3);
    buf[reply.len] = '\0';
    return reply.type;
}

static void test_domain_ops_dom0_only(void **state)
{
    struct fake_dom *d = fake_dom(1);

    expect_error(fake_call(&xs, d, XS_INTRODUCE, 0, "5\0" "4101\0" "9\0", 9, buf), "EACCES");
    expect_error(fake_call(&xs, d, XS_RELEASE, 0, "2\0", 2, buf), "EACCES");
    expect_error(fake_call(&xs, d, XS_IS_DOMAIN_INTRODUCED, 0, "2\0", 2, buf), "EACCES");
    /* Refused before its arguments are looked at, as Xen does. */
    expect_error(fake_call(&xs, d, XS_INTRODUCE, 0, "junk", 4, buf), "EACCES");
    expect_error(fake_call(&xs, d, XS_RELEASE, 99, "", 0, buf), "EACCES");
    assert_true(xs_is_introduced(&xs, 2));
    assert_int_equal(raw(XS_IS_DOMAIN_INTRODUCED, "2", 2), XS_IS_DOMAIN_INTRODUCED);
    assert_string_equal(buf, "T");
    assert_int_equal(raw(XS_IS_DOMAIN_INTRODUCED, "0", 2), XS_IS_DOMAIN_INTRODUCED);
    assert_string_equal(buf, "T");
    assert_int_equal(raw(XS_IS_DOMAIN_INTRODUCED, "9", 2), XS_IS_DOMAIN_INTRODUCED);
    assert_string_equal(buf, "F");
}

static void test_introduce_release(void **state)
{
    char path[256], token[64];
    struct fake_dom *d4 = &fake.dom[3];

    d4->domid = 4;
    assert_int_equal(xs_local_watch(&xs, "@introduceDomain", "in"), 0);
    assert_int_equal(xs_local_watch(&xs, "@releaseDomain", "out"), 0);
    assert_true(xs_local_pending(&xs));
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 1);
    assert_string_equal(path, "@introduceDomain");
    assert_true(xs_local_pending(&xs));
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 1);
    assert_string_equal(path, "@releaseDomain");
    assert_false(xs_local_pending(&xs));
    /* Bad arguments. */
    expect_error(raw(XS_INTRODUCE, "0\0" "4096\0" "9", 9), "EINVAL");
    expect_error(raw(XS_INTRODUCE, "32752\0" "4096\0" "9", 13), "EINVAL");   /* DOMID_SELF */
    expect_error(raw(XS_INTRODUCE, "4\0" "x\0" "9", 6), "EINVAL");
    expect_error(raw(XS_INTRODUCE, "4\0" "4096", 7), "EINVAL");             /* 2 args */
    /* 2^64 + 4100 must not wrap to the right gfn. */
    expect_error(raw(XS_INTRODUCE, "4\0" "18446744073709555716\0" "9", 25), "EINVAL");
    expect_error(raw(XS_INTRODUCE, "4\0" "-1\0" "9", 7), "EINVAL");
    expect_error(raw(XS_INTRODUCE, "4\0" "4100\0" "4294967296", 18), "EINVAL");
    fake.bind_error = -XEN_EINVAL;
    expect_error(raw(XS_INTRODUCE, "4\0" "4100\0" "54", 10), "EINVAL");
    assert_false(d4->mapped);           /* undone */
    fake.bind_error = 0;
    assert_false(xs_is_introduced(&xs, 4));
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 0);
    /* Good: the page is mapped and its features set, the event fires. */
    assert_int_equal(raw(XS_INTRODUCE, "4\0" "4100\0" "54", 10), XS_INTRODUCE);
    assert_string_equal(buf, "OK");
    assert_true(d4->mapped);
    assert_int_equal(d4->page.server_features,
                     XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR);
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 1);
    assert_string_equal(path, "@introduceDomain");
    assert_string_equal(token, "in");
    /* Again with the same page: fine; with another port: EEXIST. */
    assert_int_equal(raw(XS_INTRODUCE, "4\0" "4100\0" "54", 10), XS_INTRODUCE);
    expect_error(raw(XS_INTRODUCE, "4\0" "4100\0" "55", 10), "EEXIST");
    still_works(d4);
    /* The guest's watches and transactions go with RELEASE. */
    assert_int_equal(fake_call_str(&xs, d4, XS_WATCH, 0, buf, "/pub", "g"), XS_WATCH);
    assert_true(fake_saw(d4, "/pub", "g"));
    assert_int_equal(raw(XS_RELEASE, "4", 2), XS_RELEASE);
    assert_false(d4->mapped);
    assert_int_equal(fake.unbinds, 1);
    assert_false(xs_is_introduced(&xs, 4));
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 1);
    assert_string_equal(path, "@releaseDomain");
    expect_error(raw(XS_RELEASE, "4", 2), "ENOENT");
    /* Back again: a fresh connection, no old watch. */
    memset(&d4->page, 0, sizeof(d4->page));
    assert_int_equal(xs_introduce(&xs, 4, 0x1004, 54), 0);
    assert_int_equal(xs_local_write(&xs, 0, "/pub", "2", 1), 0);
    fake_drain(&xs, d4);
    assert_int_equal(d4->nev, 0);
    /* A map failure (wrong gfn). */
    fake.dom[4].domid = 5;
    assert_int_equal(xs_introduce(&xs, 5, 0x9999, 1), -XEN_EFAULT);
    assert_false(xs_is_introduced(&xs, 5));
}

static void test_guest_special_watch(void **state)
{
    struct fake_dom *d = fake_dom(1);

    /* Allowed, with its first event, but domain events are dom0's. */
    assert_int_equal(fake_call_str(&xs, d, XS_WATCH, 0, buf, "@releaseDomain", "r"), XS_WATCH);
    assert_true(fake_saw(d, "@releaseDomain", "r"));
    assert_int_equal(xs_release(&xs, 2), 0);
    fake_drain(&xs, d);
    assert_int_equal(d->nev, 0);
}

static void test_local_raw_limits(void **state)
{
    struct xsd_sockmsg hdr = { XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1 }, reply;
    static char big[XENSTORE_PAYLOAD_MAX + 1];

    xs_local_raw(&xs, &hdr, big, &reply, buf);
    assert_int_equal(reply.type, XS_ERROR);
    assert_string_equal(buf, "E2BIG");
    assert_int_equal(raw(XS_READ, "/pub", 5), XS_READ);
    assert_string_equal(buf, "public");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversized_len, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partial_messages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wraparound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_req_indexes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_rsp_indexes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backpressure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_queue_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain_ops_dom0_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_introduce_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guest_special_watch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_local_raw_limits, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
