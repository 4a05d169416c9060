// SPDX-License-Identifier: MIT
/*
 * What the toolstack (tools/hv/, tools/libhv/) asks of its environment, as
 * dom0 provides it: hypercalls issued directly, foreign mappings in dom0's
 * window (fmap.c), files from the initrd, time, and waits on the event
 * loop (main.c). A Linux dom0 would supply the same through privcmd.
 */
#include <stdio.h>
#include <string.h>
#include <public/errno.h>
#include "../xenstored/xenstored.h"
#include "../hv/hv.h"
#include "../libhv/build.h"
#include "../libhv/libhv.h"
#include "cpio.h"
#include "dom0.h"
#include "hypercall.h"
#include "xen.h"

long hv_hypercall(unsigned int nr, uintptr_t a1, uintptr_t a2)
{
    return hypercall(nr, a1, a2, 0, 0, 0);
}

_Static_assert(HV_MAP_BATCH <= FMAP_BATCH, "libhv maps more than fmap_foreign() can");

void *hv_map_foreign(domid_t dom, const uint64_t *gfns, unsigned int n)
{
    return fmap_foreign(dom, gfns, n);
}

void hv_unmap_foreign(void *p, unsigned int n)
{
    fmap_unmap(p, n);
}

int hv_file(const char *name, const void **data, size_t *size)
{
    struct cpio_file f;
    int rc;

    if (!initrd)
        return -XEN_ENOENT;
    if ((rc = cpio_find(initrd, initrd_size, name, &f)))
        return rc;
    *data = f.data;
    *size = f.size;
    return 0;
}

/* The absolute path of key under dom's xenstore home, or -XEN_ENOENT
 * before xenstored runs, -XEN_EINVAL if it does not fit. */
static int dom_path(char *path, size_t size, unsigned int dom, const char *key)
{
    int n;

    if (!dom0_xs)
        return -XEN_ENOENT;
    n = snprintf(path, size, "/local/domain/%u/%s", dom, key);
    return n > 0 && (size_t)n < size ? 0 : -XEN_EINVAL;
}

int hv_xs_read(unsigned int dom, const char *key, char *buf, size_t size)
{
    char path[128];
    int rc = dom_path(path, sizeof(path), dom, key);

    return rc ? rc : xs_local_read(dom0_xs, 0, path, buf, size);
}

int hv_xs_write(unsigned int dom, const char *key, const char *value)
{
    char path[128];
    int rc = dom_path(path, sizeof(path), dom, key);

    return rc ? rc : xs_local_write(dom0_xs, 0, path, value, strlen(value));
}

uint64_t hv_now_ns(void)
{
    return now_ns();
}

static void wake(void *arg)
{
    *(volatile bool *)arg = true;
}

/* Wait for the timeout or one of the events in 'what'. */
static unsigned int wait_until(uint64_t timeout_ns, unsigned int what)
{
    volatile bool done = false;
    struct dom0_timer t = { .fn = wake, .arg = (void *)&done };
    unsigned int why;

    timer_arm(&t, now_ns() + timeout_ns);
    why = dom0_wait_for(&done, what);
    timer_disarm(&t);
    return why;
}

void hv_wait_domain_event(uint64_t timeout_ns)
{
    wait_until(timeout_ns, DOM0_WAKE_DOMAIN);
}

bool hv_wait_key(uint64_t timeout_ns)
{
    uint64_t deadline = now_ns() + timeout_ns, now;

    /* A wake for input may find none (the event came for bytes already
     * read): then wait on for the rest of the time. */
    while ((now = now_ns()) < deadline) {
        if (wait_until(deadline - now, DOM0_WAKE_KEY) != DOM0_WAKE_KEY)
            return false;
        if (console_drop_input())
            return true;
    }
    return false;
}

void hv_notice_start(void)
{
    console_async_begin();
}
