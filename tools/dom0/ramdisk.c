// SPDX-License-Identifier: MIT
/*
 * RAM disks in dom0 (blkdev.h): `ramdisk=SIZE[@MS][/SEGS][,...]` on
 * dom0's command line makes ram0, ram1... of SIZE each (KiB, or with a K,
 * M or G suffix; a multiple of 4 KiB), from dom0's own pages, zeroed. A
 * request is copied at once; its done() comes from the event loop
 * (blkdev_complete), or, with @MS, MS milliseconds later from a timer, in
 * order and at least 2 ms apart: a slow disk, so that tests can catch
 * requests in flight. /SEGS makes a
 * disk that takes at most SEGS segments a request (as a real device may),
 * for blkback's splitting. Their contents live as long as dom0: what one
 * guest wrote, the next one reads.
 */
#include <stdlib.h>
#include <string.h>
#include <public/errno.h>
#include "blkdev.h"
#include "dom0.h"
#include "test.h"
#include "xen.h"

#define RAMDISK_MAX     8
#define RAMDISK_MAX_KIB (256u * 1024)   /* 256 MiB each at most */

struct ramdisk {
    struct blkdev dev;
    uint8_t *data;
    uint64_t delay_ns;                  /* 0: done at once */
    struct blkdev_req *slow, *slow_tail; /* copied, done() not yet called */
    struct dom0_timer timer;            /* armed for slow's head while any */
};

/*
 * A slow disk's requests, oldest first (rd->slow): each is done no sooner
 * than delay_ns after it came (priv[0]: when it is due), and one at a
 * time, SLOW_GAP_NS at least after the one before, as a device that
 * serves its queue in order. A batch thus drains over a while, not at one
 * instant: a guest that refills its ring as answers come keeps requests
 * in flight in dom0 at every moment (blk-flood's destroy relies on it).
 */
#define SLOW_GAP_NS     2000000         /* 2 ms */

static void ram_slow_done(void *arg)
{
    struct ramdisk *rd = arg;
    struct blkdev_req *req = rd->slow;
    uint64_t now = now_ns(), next;

    if (!req)
        return;
    if (now < req->priv[0]) {
        timer_arm(&rd->timer, req->priv[0]);
        return;
    }
    rd->slow = req->next;
    if (!rd->slow) {
        rd->slow_tail = NULL;
    } else {
        next = now + SLOW_GAP_NS;
        timer_arm(&rd->timer, rd->slow->priv[0] > next ? rd->slow->priv[0] : next);
    }
    blkdev_complete(req, 0);
}

static int ram_submit(struct blkdev *dev, struct blkdev_req *req)
{
    struct ramdisk *rd = dev->priv;
    uint64_t at = req->sector * BLKDEV_SECTOR;

    for (unsigned int i = 0; i < req->nr_segs; i++) {
        void *buf = (void *)(uintptr_t)req->seg[i].gpa;
        uint32_t len = req->seg[i].len;

        if (req->op == BLKDEV_WRITE)
            memcpy(rd->data + at, buf, len);
        else if (req->op == BLKDEV_READ)
            memcpy(buf, rd->data + at, len);
        at += len;
    }
    if (!rd->delay_ns) {
        blkdev_complete(req, 0);        /* a flush: RAM has it already */
        return 0;
    }
    req->next = NULL;
    req->priv[0] = now_ns() + rd->delay_ns;
    if (rd->slow_tail) {
        rd->slow_tail->next = req;      /* the timer is armed for the oldest */
    } else {
        rd->slow = req;
        timer_arm(&rd->timer, req->priv[0]);
    }
    rd->slow_tail = req;
    return 0;
}

static const struct blkdev_ops ram_ops = { .submit = ram_submit };

/* One size from s[0..n): KiB by default; 0 if it is not a size. */
static uint64_t parse_kib(const char *s, size_t n)
{
    uint64_t v = 0, mul = 1;
    size_t i = 0;

    if (n && (s[n - 1] | 0x20) == 'k')
        n--;
    else if (n && (s[n - 1] | 0x20) == 'm')
        mul = 1024, n--;
    else if (n && (s[n - 1] | 0x20) == 'g')
        mul = 1024 * 1024, n--;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || v > RAMDISK_MAX_KIB)
            return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (!n || v * mul > RAMDISK_MAX_KIB || (v * mul) % 4)
        return 0;
    return v * mul;
}

/* One disk's options after its size: @MS and /SEGS, each at most once. */
struct ram_spec {
    uint64_t kib, delay_ms, segs;
};

/* A decimal number of at most 5 digits from s[*at..n), up to the next
 * '@' or '/': 0 and *val, or -1. */
static int parse_small(const char *s, size_t n, size_t *at, uint64_t *val)
{
    size_t start = *at;
    uint64_t v = 0;

    for (; *at < n && s[*at] != '@' && s[*at] != '/'; (*at)++) {
        if (s[*at] < '0' || s[*at] > '9' || *at - start >= 5)
            return -1;
        v = v * 10 + (uint64_t)(s[*at] - '0');
    }
    if (*at == start)
        return -1;
    *val = v;
    return 0;
}

static int parse_spec(const char *s, size_t n, struct ram_spec *sp)
{
    size_t at = 0;

    *sp = (struct ram_spec){ .segs = BLKDEV_MAX_SEGS };
    while (at < n && s[at] != '@' && s[at] != '/')
        at++;
    if (!(sp->kib = parse_kib(s, at)))
        return -1;
    while (at < n) {
        char opt = s[at++];

        if (parse_small(s, n, &at, opt == '@' ? &sp->delay_ms : &sp->segs))
            return -1;
    }
    return sp->delay_ms > 10000 || !sp->segs || sp->segs > BLKDEV_MAX_SEGS ? -1 : 0;
}

static int ramdisk_new(unsigned int idx, const struct ram_spec *sp)
{
    struct ramdisk *rd = calloc(1, sizeof(*rd));
    uint64_t pages = sp->kib / 4, pa;
    int rc;

    if (!rd)
        return -XEN_ENOMEM;
    if (!(pa = pages_alloc(&dom0_pages, pages))) {
        free(rd);
        return -XEN_ENOMEM;
    }
    rd->data = (uint8_t *)(uintptr_t)pa;
    memset(rd->data, 0, pages * PAGE_BYTES);
    snprintf(rd->dev.name, sizeof(rd->dev.name), "ram%u", idx);
    rd->dev.sectors = sp->kib * 1024 / BLKDEV_SECTOR;
    rd->dev.max_segs = (unsigned int)sp->segs;
    rd->dev.ops = &ram_ops;
    rd->dev.priv = rd;
    rd->delay_ns = sp->delay_ms * 1000000;
    rd->timer.fn = ram_slow_done;
    rd->timer.arg = rd;
    if ((rc = blkdev_register(&rd->dev))) {
        pages_free(&dom0_pages, pa, pages);
        free(rd);
        return rc;
    }
    printf("dom0: %s: RAM disk, %lu KiB", rd->dev.name, (unsigned long)sp->kib);
    if (sp->delay_ms)
        printf(", %lu ms a request", (unsigned long)sp->delay_ms);
    if (sp->segs != BLKDEV_MAX_SEGS)
        printf(", %lu segments a request", (unsigned long)sp->segs);
    printf("\n");
    return 0;
}

void ramdisk_init(void)
{
    const char *v;
    size_t len, at = 0;
    unsigned int idx = 0;

    if (!cmdline_find("ramdisk", &v, &len))
        return;
    while (at < len && idx < RAMDISK_MAX) {
        struct ram_spec sp;
        size_t n = 0;
        int rc;

        while (at + n < len && v[at + n] != ',')
            n++;
        if (parse_spec(v + at, n, &sp)) {
            printf("dom0: ramdisk: '%.*s' is not SIZE[@MS][/SEGS] (KiB, or K/M/G; a "
                   "multiple of 4 KiB, at most %u MiB; at most 10000 ms; 1 to %u "
                   "segments)\n", (int)n, v + at, RAMDISK_MAX_KIB / 1024, BLKDEV_MAX_SEGS);
        } else if ((rc = ramdisk_new(idx, &sp))) {
            printf("dom0: ramdisk: ram%u: %lu KiB: error %d\n", idx, (unsigned long)sp.kib, rc);
        }
        idx++;
        at += n + 1;
    }
}
