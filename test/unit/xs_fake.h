/* SPDX-License-Identifier: MIT */
/*
 * A fake dom0 host and fake guests for the xenstore tests: each guest has
 * a ring page of its own (struct xenstore_domain_interface in test memory)
 * and speaks the wire protocol through it, as a domU's xenbus would.
 */
#ifndef XS_FAKE_H
#define XS_FAKE_H

#include "../../tools/xenstored/xs_private.h"

#define FAKE_MAX_DOMS   8
#define FAKE_MAX_EVENTS 64

struct fake_event {
    char path[256];
    char token[64];
};

struct fake_dom {
    uint16_t domid;
    bool mapped;
    uint32_t notified;          /* notify() calls on its port */
    struct xenstore_domain_interface page;
    struct fake_event ev[FAKE_MAX_EVENTS];
    unsigned int nev;
};

struct fake_host {
    struct fake_dom dom[FAKE_MAX_DOMS];
    int bind_error;             /* bind_port returns this when non-zero */
    unsigned int unbinds, unmaps;
    char last_log[200];
    struct xs *xs;              /* the store under test */
};

extern const struct xs_host_ops fake_ops;
extern struct fake_host fake;

/* A fresh store with the fake host; domains 1..n get pages (gfn 0x1000+id)
 * and are introduced with port 50+id (their local port is 100+id). */
void fake_setup(struct xs *xs, unsigned int ndoms);
struct fake_dom *fake_dom(uint16_t domid);

/* Put raw bytes on d's request ring (wrapping), advance req_prod; when the
 * ring is full, let xenstored read first. */
void fake_put(struct fake_dom *d, const void *p, uint32_t len);
/* Put one request (header + payload) without serving it. */
void fake_send(struct fake_dom *d, uint32_t type, uint32_t req_id, uint32_t tx,
               const void *payload, uint32_t len);
/* Take one whole message off the response ring: true if there was one. */
bool fake_recv(struct fake_dom *d, struct xsd_sockmsg *hdr, char *payload);
/* Send, let xenstored serve the ring, return the reply's type and payload
 * (NUL-terminated); watch events met on the way go to d->ev. */
uint32_t fake_call(struct xs *xs, struct fake_dom *d, uint32_t type, uint32_t tx,
                   const void *payload, uint32_t len, char *reply);
/* The same with strings: "a", "b" -> "a\0b\0" (WRITE: "a\0b"). */
uint32_t fake_call_str(struct xs *xs, struct fake_dom *d, uint32_t type, uint32_t tx,
                       char *reply, const char *a, const char *b);
/* Collect pending watch events into d->ev. */
void fake_drain(struct xs *xs, struct fake_dom *d);
/* Whether d saw an event (path, token); removes it. */
bool fake_saw(struct fake_dom *d, const char *path, const char *token);

#endif
