/* SPDX-License-Identifier: MIT */
/* Unit tests: dom0's xenbus (tools/dom0/xenbus.c) over the xenstored
 * library, a fake guest (domain 1) writing its frontend keys as a domU's
 * xenbus would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "xs_fake.h"
#include "../../tools/dom0/xenbus.h"

struct xs *dom0_xs;

#define BE      "/local/domain/0/backend/vbd/1/51712"
#define FE      "/local/domain/1/device/vbd/51712"

static struct xs store;

static void w(const char *path, const char *value)
{
    assert_int_equal(xs_local_write(&store, 0, path, value, strlen(value)), 0);
}

static unsigned int fired, probes, changes, removes;
static char last_path[128];
static enum xenbus_state last_fe;
static int probe_rc;
static struct xenbus_device *probed;

static void on_watch(const char *path, void *arg)
{
    fired++;
    snprintf(last_path, sizeof(last_path), "%s", path);
}

static int probe(struct xenbus_device *dev)
{
    probes++;
    probed = dev;
    if (probe_rc)
        return probe_rc;
    return xenbus_switch_state(dev, XenbusStateInitWait);
}

static void fe_changed(struct xenbus_device *dev)
{
    changes++;
    last_fe = dev->fe_state;
}

static bool remove_runs_loop;

/* remove() may wait, running the event loop (blkback draining requests). */
static void remove_dev(struct xenbus_device *dev)
{
    removes++;
    if (remove_runs_loop) {
        w(BE "/busy", "1");             /* an event under backend/vbd */
        xenbus_run();
    }
}

static struct xenbus_backend be = {
    .type = "vbd", .probe = probe, .frontend_changed = fe_changed, .remove = remove_dev,
};

/* One store for the group: xenbus keeps its watches across the tests. */
static int group_setup(void **state)
{
    fake_setup(&store, 1);
    dom0_xs = &store;
    return 0;
}

static int setup(void **state)
{
    fired = probes = changes = removes = 0;
    probe_rc = 0;
    probed = NULL;
    last_path[0] = '\0';
    return 0;
}


/* The toolstack's directories for domain 1's xvda, frontend key last. */
static void make_device(void)
{
    struct xs_perm fe_perms[2] = { { 1, XS_PERM_NONE }, { 0, XS_PERM_READ } };

    w(FE "/state", "1");
    w(FE "/backend", BE);
    assert_int_equal(xs_local_set_perms(&store, 0, FE "/state", fe_perms, 2), 0);
    w(BE "/frontend-id", "1");
    w(BE "/state", "1");
    w(BE "/frontend", FE);
}

/* What domain 1 writes into its own directory, through its ring. */
static void guest_write(const char *path, const char *value)
{
    char reply[64];

    assert_int_equal(fake_call_str(&store, fake_dom(1), XS_WRITE, 0, reply, path, value),
                     XS_WRITE);
}

static void test_watch_dispatch(void **state)
{
    assert_int_equal(xenbus_watch("/a/b", on_watch, NULL), 0);
    assert_true(xenbus_pending());              /* the first event, at once */
    xenbus_run();
    assert_false(xenbus_pending());
    assert_int_equal(fired, 1);
    assert_string_equal(last_path, "/a/b");
    w("/a/b/c", "x");
    w("/a/other", "y");                         /* not below the watch */
    xenbus_run();
    assert_int_equal(fired, 2);
    assert_string_equal(last_path, "/a/b/c");
    /* Removed with an event still queued: it is dropped. */
    w("/a/b", "z");
    xenbus_unwatch("/a/b", on_watch, NULL);
    xenbus_run();
    assert_int_equal(fired, 2);
    /* Watched again: a new token, the old events do not count for it. */
    assert_int_equal(xenbus_watch("/a/b", on_watch, NULL), 0);
    xenbus_run();
    assert_int_equal(fired, 3);
    xenbus_unwatch("/a/b", on_watch, NULL);
}

static void test_read_u64(void **state)
{
    uint64_t v = 7;

    w("/n/ok", "18446744073709551615");
    assert_int_equal(xenbus_read_u64(&v, "/n/%s", "ok"), 0);
    assert_true(v == UINT64_MAX);
    w("/n/big", "18446744073709551616");
    assert_int_equal(xenbus_read_u64(&v, "/n/big"), -XEN_EINVAL);
    w("/n/x", "12x");
    assert_int_equal(xenbus_read_u64(&v, "/n/x"), -XEN_EINVAL);
    w("/n/e", "");
    assert_int_equal(xenbus_read_u64(&v, "/n/e"), -XEN_EINVAL);
    w("/n/neg", "-1");
    assert_int_equal(xenbus_read_u64(&v, "/n/neg"), -XEN_EINVAL);
    assert_int_equal(xenbus_read_u64(&v, "/n/none"), -XEN_ENOENT);
    assert_true(v == UINT64_MAX);               /* untouched by the failures */
}

static void test_backend_lifecycle(void **state)
{
    char buf[16];

    assert_int_equal(xenbus_backend_register(&be), 0);
    xenbus_run();
    assert_int_equal(probes, 0);
    make_device();
    xenbus_run();
    assert_int_equal(probes, 1);
    assert_non_null(probed);
    assert_int_equal(probed->fe_domid, 1);
    assert_int_equal(probed->devid, 51712);
    assert_string_equal(probed->be_path, BE);
    assert_string_equal(probed->fe_path, FE);
    assert_int_equal(probed->fe_state, XenbusStateInitialising);
    assert_int_equal(xs_local_read(&store, 0, BE "/state", buf, sizeof(buf)), 1);
    assert_string_equal(buf, "2");
    /* The frontend moves: one call per change, none for the same state,
     * none for a state that is not one. */
    guest_write("device/vbd/51712/state", "3");
    xenbus_run();
    assert_int_equal(changes, 1);
    assert_int_equal(last_fe, XenbusStateInitialised);
    guest_write("device/vbd/51712/state", "3");
    xenbus_run();
    assert_int_equal(changes, 1);
    guest_write("device/vbd/51712/state", "99");
    xenbus_run();
    assert_int_equal(changes, 2);
    assert_int_equal(last_fe, XenbusStateUnknown);
    assert_int_equal(probes, 1);                /* its own writes probe nothing */
    /* The toolstack removes the directory: remove(). */
    assert_int_equal(xs_local_rm(&store, 0, "/local/domain/0/backend/vbd/1"), 0);
    xenbus_run();
    assert_int_equal(removes, 1);
    guest_write("device/vbd/51712/state", "5");
    xenbus_run();
    assert_int_equal(changes, 2);               /* no longer watched */
}

static void test_domain_gone_and_failed_probe(void **state)
{
    char buf[16];

    xenbus_run();
    make_device();
    xenbus_run();
    assert_int_equal(probes, 1);
    xenbus_domain_gone(2);                      /* someone else */
    assert_int_equal(removes, 0);
    /* Its remove() runs the loop while the directory is still there: the
     * device is not probed again. */
    remove_runs_loop = true;
    xenbus_domain_gone(1);
    remove_runs_loop = false;
    assert_int_equal(removes, 1);               /* at once, not on an event */
    assert_int_equal(probes, 1);
    assert_int_equal(xs_local_rm(&store, 0, "/local/domain/0/backend/vbd/1"), 0);
    xenbus_run();
    assert_int_equal(removes, 1);
    /* A probe that fails: Closed, and no remove() later. */
    probe_rc = -XEN_ENODEV;
    make_device();
    xenbus_run();
    assert_int_equal(probes, 2);
    assert_int_equal(xs_local_read(&store, 0, BE "/state", buf, sizeof(buf)), 1);
    assert_string_equal(buf, "6");
    guest_write("device/vbd/51712/state", "3");
    xenbus_run();
    assert_int_equal(changes, 0);
    xenbus_domain_gone(1);
    assert_int_equal(removes, 1);
    assert_int_equal(xs_local_rm(&store, 0, "/local/domain/0/backend/vbd/1"), 0);
    xenbus_run();
    /* A directory without its frontend key is not a device yet. */
    probe_rc = 0;
    w("/local/domain/0/backend/vbd/1/51728/state", "1");
    xenbus_run();
    assert_int_equal(probes, 2);
    w("/local/domain/0/backend/vbd/1/51728/frontend-id", "2");  /* the wrong domain */
    w("/local/domain/0/backend/vbd/1/51728/frontend", FE);
    xenbus_run();
    assert_int_equal(probes, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_watch_dispatch, setup),
        cmocka_unit_test_setup(test_read_u64, setup),
        cmocka_unit_test_setup(test_backend_lifecycle, setup),
        cmocka_unit_test_setup(test_domain_gone_and_failed_probe, setup),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
