/* SPDX-License-Identifier: MIT */
/* A connection: one per introduced domain, plus dom0's local one; its input
 * state, queued output, watches and transactions. */
#include "xs_private.h"

struct xs_conn *xs_conn_new(struct xs *xs, uint16_t domid)
{
    struct xs_conn *c = calloc(1, sizeof(*c));

    if (c) {
        c->xs = xs;
        c->domid = domid;
    }
    return c;
}

void xs_conn_reset(struct xs_conn *c)
{
    struct xs_msg *m;

    xs_watch_free_all(c);
    xs_txn_free_all(c);
    while ((m = c->out)) {
        c->out = m->next;
        free(m);
    }
    c->out_tail = NULL;
    c->nout = 0;
    c->have = c->skip = 0;
}

void xs_conn_free(struct xs_conn *c)
{
    xs_conn_reset(c);
    free(c);
}

bool xs_conn_queue(struct xs_conn *c, uint32_t type, uint32_t req_id,
                   uint32_t tx_id, const void *payload, uint32_t len, bool event)
{
    struct xsd_sockmsg hdr = { type, req_id, tx_id, len };
    struct xs_msg *m = malloc(sizeof(*m) + sizeof(hdr) + len);

    if (!m)
        return false;
    m->next = NULL;
    m->len = (uint32_t)sizeof(hdr) + len;
    m->off = 0;
    m->event = event;
    memcpy(m->data, &hdr, sizeof(hdr));
    if (len)
        memcpy(m->data + sizeof(hdr), payload, len);
    if (c->out_tail)
        c->out_tail->next = m;
    else
        c->out = m;
    c->out_tail = m;
    c->nout++;
    return true;
}
