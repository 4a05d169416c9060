/* SPDX-License-Identifier: MIT */
/* The xenstore tests' fake host and guests (see xs_fake.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "xs_fake.h"

struct fake_host fake;

static void *fake_map(void *host, uint16_t domid, uint64_t gfn)
{
    struct fake_dom *d = fake_dom(domid);

    if (!d || gfn != 0x1000u + domid)
        return NULL;
    d->mapped = true;
    return &d->page;
}

static void fake_unmap(void *host, uint16_t domid, void *page)
{
    struct fake_dom *d = fake_dom(domid);

    assert_non_null(d);
    assert_ptr_equal(page, &d->page);
    d->mapped = false;
    fake.unmaps++;
}

static int fake_bind(void *host, uint16_t domid, uint32_t remote_port)
{
    return fake.bind_error ? fake.bind_error : (int)(100 + domid);
}

static void fake_unbind(void *host, uint32_t port)
{
    fake.unbinds++;
}

static void fake_notify(void *host, uint32_t port)
{
    struct fake_dom *d = fake_dom((uint16_t)(port - 100));

    assert_non_null(d);
    d->notified++;
}

static void fake_log(void *host, const char *msg)
{
    snprintf(fake.last_log, sizeof(fake.last_log), "%s", msg);
}

const struct xs_host_ops fake_ops = {
    fake_map, fake_unmap, fake_bind, fake_unbind, fake_notify, fake_log,
};

struct fake_dom *fake_dom(uint16_t domid)
{
    unsigned int i;

    for (i = 0; i < FAKE_MAX_DOMS; i++)
        if (fake.dom[i].domid == domid && domid)
            return &fake.dom[i];
    return NULL;
}

void fake_setup(struct xs *xs, unsigned int ndoms)
{
    unsigned int i;

    memset(&fake, 0, sizeof(fake));
    fake.xs = xs;
    assert_int_equal(xs_init(xs, &fake_ops, &fake), 0);
    for (i = 0; i < ndoms; i++) {
        fake.dom[i].domid = (uint16_t)(i + 1);
        assert_int_equal(xs_introduce(xs, (uint16_t)(i + 1), 0x1001u + i, 51 + i), 0);
    }
}

void fake_put(struct fake_dom *d, const void *p, uint32_t len)
{
    const char *s = p;
    uint32_t i;

    for (i = 0; i < len; i++) {
        if (d->page.req_prod - d->page.req_cons == XENSTORE_RING_SIZE)
            xs_handle_event(fake.xs, 100u + d->domid);  /* full: let it read */
        assert_true(d->page.req_prod - d->page.req_cons < XENSTORE_RING_SIZE);
        d->page.req[MASK_XENSTORE_IDX(d->page.req_prod)] = s[i];
        d->page.req_prod++;
    }
}

void fake_send(struct fake_dom *d, uint32_t type, uint32_t req_id, uint32_t tx,
               const void *payload, uint32_t len)
{
    struct xsd_sockmsg hdr = { type, req_id, tx, len };

    fake_put(d, &hdr, sizeof(hdr));
    fake_put(d, payload, len);
}

static void take(struct fake_dom *d, void *p, uint32_t len)
{
    char *s = p;
    uint32_t i;

    for (i = 0; i < len; i++)
        s[i] = d->page.rsp[MASK_XENSTORE_IDX(d->page.rsp_cons + i)];
    d->page.rsp_cons += len;
}

bool fake_recv(struct fake_dom *d, struct xsd_sockmsg *hdr, char *payload)
{
    uint32_t avail = d->page.rsp_prod - d->page.rsp_cons;

    assert_true(avail <= XENSTORE_RING_SIZE);
    if (avail < sizeof(*hdr))
        return false;
    take(d, hdr, sizeof(*hdr));
    assert_true(hdr->len <= XENSTORE_PAYLOAD_MAX);
    /* Replies may be longer than the ring: xenstored refills as we read. */
    for (uint32_t got = 0; got < hdr->len;) {
        uint32_t n = d->page.rsp_prod - d->page.rsp_cons;

        if (n == 0) {   /* tell xenstored we made room */
            xs_handle_event(fake.xs, 100u + d->domid);
            n = d->page.rsp_prod - d->page.rsp_cons;
        }
        if (n > hdr->len - got)
            n = hdr->len - got;
        assert_true(n > 0);
        take(d, payload + got, n);
        got += n;
    }
    payload[hdr->len] = '\0';
    return true;
}

static void keep_event(struct fake_dom *d, const char *payload)
{
    struct fake_event *e;

    assert_true(d->nev < FAKE_MAX_EVENTS);
    e = &d->ev[d->nev++];
    snprintf(e->path, sizeof(e->path), "%s", payload);
    snprintf(e->token, sizeof(e->token), "%s", payload + strlen(payload) + 1);
}

uint32_t fake_call(struct xs *xs, struct fake_dom *d, uint32_t type, uint32_t tx,
                   const void *payload, uint32_t len, char *reply)
{
    static uint32_t req_id = 7;
    struct xsd_sockmsg hdr;

    fake_send(d, type, ++req_id, tx, payload, len);
    xs_handle_event(xs, 100u + d->domid);
    while (fake_recv(d, &hdr, reply)) {
        if (hdr.type == XS_WATCH_EVENT) {
            assert_int_equal(hdr.req_id, 0);
            keep_event(d, reply);
            continue;
        }
        assert_int_equal(hdr.req_id, req_id);
        assert_int_equal(hdr.tx_id, tx);
        /* Events that follow the reply (WATCH's first one) are kept too. */
        fake_drain(xs, d);
        return hdr.type;
    }
    fail_msg("no reply from xenstored");
    return XS_INVALID;
}

uint32_t fake_call_str(struct xs *xs, struct fake_dom *d, uint32_t type, uint32_t tx,
                       char *reply, const char *a, const char *b)
{
    char payload[XENSTORE_PAYLOAD_MAX];
    uint32_t len = 0;

    if (a) {
        len = (uint32_t)strlen(a) + 1;
        memcpy(payload, a, len);
    }
    if (b) {    /* a WRITE's value has no NUL of its own */
        memcpy(payload + len, b, strlen(b) + 1);
        len += (uint32_t)strlen(b) + (type != XS_WRITE);
    }
    return fake_call(xs, d, type, tx, payload, len, reply);
}

void fake_drain(struct xs *xs, struct fake_dom *d)
{
    char payload[XENSTORE_PAYLOAD_MAX + 1];
    struct xsd_sockmsg hdr;

    xs_handle_event(xs, 100u + d->domid);
    while (fake_recv(d, &hdr, payload)) {
        assert_int_equal(hdr.type, XS_WATCH_EVENT);
        keep_event(d, payload);
        xs_handle_event(xs, 100u + d->domid);
    }
}

bool fake_saw(struct fake_dom *d, const char *path, const char *token)
{
    unsigned int i;

    for (i = 0; i < d->nev; i++)
        if (strcmp(d->ev[i].path, path) == 0 && strcmp(d->ev[i].token, token) == 0) {
            memmove(&d->ev[i], &d->ev[i + 1], (d->nev - i - 1) * sizeof(d->ev[0]));
            d->nev--;
            return true;
        }
    return false;
}
