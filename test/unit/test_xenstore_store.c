/* SPDX-License-Identifier: MIT */
/*
 * Unit tests: the xenstore store (tools/xenstored/): nodes, errors,
 * permissions, transactions, watches and quotas, through dom0's local API
 * and through guests' rings (xs_fake.c).
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
    return 0;
}

static int teardown(void **state)
{
    xs_fini(&xs);
    return 0;
}

/* dom0 makes /local/domain/<id> owned by the domain, as a builder would. */
static void make_home(uint16_t domid)
{
    struct xs_perm p = { domid, XS_PERM_NONE };
    char path[64];

    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    assert_int_equal(xs_local_mkdir(&xs, 0, path), 0);
    assert_int_equal(xs_local_set_perms(&xs, 0, path, &p, 1), 0);
}

static void expect_perms(const struct xs_perm *got, const struct xs_perm *want, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        assert_int_equal(got[i].domid, want[i].domid);
        assert_int_equal(got[i].perm, want[i].perm);
    }
}

static void expect_error(uint32_t type, const char *name)
{
    assert_int_equal(type, XS_ERROR);
    assert_string_equal(buf, name);
}

/* ---- store operations ---- */

static void test_write_read(void **state)
{
    assert_int_equal(xs_local_write(&xs, 0, "/a/b/c", "hello", 5), 0);
    assert_int_equal(xs_local_read(&xs, 0, "/a/b/c", buf, sizeof(buf)), 5);
    assert_string_equal(buf, "hello");
    /* Parents were made, empty. */
    assert_int_equal(xs_local_read(&xs, 0, "/a/b", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "");
    /* Overwrite, binary value with a NUL inside. */
    assert_int_equal(xs_local_write(&xs, 0, "/a/b/c", "x\0y", 3), 0);
    assert_int_equal(xs_local_read(&xs, 0, "/a/b/c", buf, sizeof(buf)), 3);
    assert_memory_equal(buf, "x\0y", 3);
    /* Truncation reports the full length. */
    assert_int_equal(xs_local_printf(&xs, 0, "/a/n", "%d-%s", 42, "abc"), 0);
    assert_int_equal(xs_local_read(&xs, 0, "/a/n", buf, 3), 6);
    assert_string_equal(buf, "42");
    /* Relative paths of dom0 live under /local/domain/0. */
    assert_int_equal(xs_local_write(&xs, 0, "rel", "1", 1), 0);
    assert_int_equal(xs_local_read(&xs, 0, "/local/domain/0/rel", buf, sizeof(buf)), 1);
}

static void test_errors(void **state)
{
    assert_int_equal(xs_local_read(&xs, 0, "/nope", buf, sizeof(buf)), -XEN_ENOENT);
    assert_int_equal(xs_local_read(&xs, 0, "/a//b", buf, sizeof(buf)), -XEN_EINVAL);
    assert_int_equal(xs_local_read(&xs, 0, "/a/", buf, sizeof(buf)), -XEN_EINVAL);
    assert_int_equal(xs_local_read(&xs, 0, "/a b", buf, sizeof(buf)), -XEN_EINVAL);
    assert_int_equal(xs_local_read(&xs, 0, "/a.b", buf, sizeof(buf)), -XEN_EINVAL);
    assert_int_equal(xs_local_write(&xs, 0, "", "", 0), -XEN_EINVAL);
    /* The root stays; rm of a missing node is fine if its parent exists. */
    assert_int_equal(xs_local_rm(&xs, 0, "/"), -XEN_EINVAL);
    assert_int_equal(xs_local_rm(&xs, 0, "/missing"), 0);
    assert_int_equal(xs_local_rm(&xs, 0, "/missing/child"), -XEN_ENOENT);
}

static void test_path_lengths(void **state)
{
    static char path[XENSTORE_ABS_PATH_MAX + 2];

    path[0] = '/';
    memset(path + 1, 'p', XENSTORE_ABS_PATH_MAX - 1);
    path[XENSTORE_ABS_PATH_MAX] = '\0';     /* exactly the limit */
    assert_int_equal(xs_local_mkdir(&xs, 0, path), 0);
    path[XENSTORE_ABS_PATH_MAX] = 'p';
    path[XENSTORE_ABS_PATH_MAX + 1] = '\0'; /* one past */
    assert_int_equal(xs_local_mkdir(&xs, 0, path), -XEN_EINVAL);
    /* Relative: 2048 at most. */
    memset(path, 'r', XENSTORE_REL_PATH_MAX + 1);
    path[XENSTORE_REL_PATH_MAX + 1] = '\0';
    assert_int_equal(xs_local_mkdir(&xs, 0, path), -XEN_EINVAL);
    path[XENSTORE_REL_PATH_MAX] = '\0';
    assert_int_equal(xs_local_mkdir(&xs, 0, path), 0);
}

static void test_mkdir_rm_directory(void **state)
{
    assert_int_equal(xs_local_write(&xs, 0, "/d/x", "1", 1), 0);
    assert_int_equal(xs_local_mkdir(&xs, 0, "/d/y/z"), 0);
    assert_int_equal(xs_local_mkdir(&xs, 0, "/d/x"), 0);       /* exists: kept */
    assert_int_equal(xs_local_read(&xs, 0, "/d/x", buf, sizeof(buf)), 1);
    assert_int_equal(xs_local_directory(&xs, 0, "/d", buf, sizeof(buf)), 4);
    assert_memory_equal(buf, "x\0y\0", 4);
    assert_int_equal(xs_local_directory(&xs, 0, "/d", buf, 3), -XEN_E2BIG);
    assert_int_equal(xs_local_rm(&xs, 0, "/d/y"), 0);
    assert_int_equal(xs_local_read(&xs, 0, "/d/y/z", buf, sizeof(buf)), -XEN_ENOENT);
    assert_int_equal(xs_local_directory(&xs, 0, "/d", buf, sizeof(buf)), 2);
    assert_int_equal(xs_local_directory(&xs, 0, "/d/x", buf, sizeof(buf)), 0);
}

static void test_big_directory(void **state)
{
    char path[64];
    int i;

    /* 300 children of 15-byte names: over XENSTORE_PAYLOAD_MAX. */
    for (i = 0; i < 300; i++) {
        snprintf(path, sizeof(path), "/big/child-%09d", i);
        assert_int_equal(xs_local_mkdir(&xs, 0, path), 0);
    }
    assert_int_equal(xs_local_directory(&xs, 0, "/big", buf, sizeof(buf)), -XEN_E2BIG);
}

/* ---- permissions ---- */

static void test_perms_get_set(void **state)
{
    struct xs_perm set[3] = { { 1, XS_PERM_READ }, { 2, XS_PERM_BOTH }, { 3, XS_PERM_NONE } };
    struct xs_perm got[4];

    assert_int_equal(xs_local_mkdir(&xs, 0, "/p"), 0);
    /* Created by dom0 under "/": the root's "n0". */
    assert_int_equal(xs_local_get_perms(&xs, 0, "/p", got, 4), 1);
    assert_int_equal(got[0].domid, 0);
    assert_int_equal(got[0].perm, XS_PERM_NONE);
    assert_int_equal(xs_local_set_perms(&xs, 0, "/p", set, 3), 0);
    assert_int_equal(xs_local_get_perms(&xs, 0, "/p", got, 4), 3);
    expect_perms(got, set, 3);
    assert_int_equal(xs_local_get_perms(&xs, 0, "/p", got, 2), -XEN_E2BIG);
    /* Children inherit. */
    assert_int_equal(xs_local_mkdir(&xs, 0, "/p/q"), 0);
    assert_int_equal(xs_local_get_perms(&xs, 0, "/p/q", got, 4), 3);
    expect_perms(got, set, 3);
}

static void test_guest_access(void **state)
{
    struct fake_dom *d1 = fake_dom(1), *d2 = fake_dom(2);
    struct xs_perm shared[2] = { { 0, XS_PERM_NONE }, { 1, XS_PERM_READ } };

    make_home(1);
    assert_int_equal(xs_local_write(&xs, 0, "/secret", "s", 1), 0);
    assert_int_equal(xs_local_write(&xs, 0, "/shared", "v", 1), 0);
    assert_int_equal(xs_local_set_perms(&xs, 0, "/shared", shared, 2), 0);

    /* Not readable, not writable: EACCES, also for what does not exist. */
    expect_error(fake_call_str(&xs, d1, XS_READ, 0, buf, "/secret", NULL), "EACCES");
    expect_error(fake_call_str(&xs, d1, XS_READ, 0, buf, "/secret/none", NULL), "EACCES");
    expect_error(fake_call_str(&xs, d1, XS_WRITE, 0, buf, "/secret", "x"), "EACCES");
    expect_error(fake_call_str(&xs, d1, XS_WRITE, 0, buf, "/newtop", "x"), "EACCES");
    expect_error(fake_call_str(&xs, d1, XS_RM, 0, buf, "/secret", NULL), "EACCES");
    expect_error(fake_call_str(&xs, d1, XS_DIRECTORY, 0, buf, "/", NULL), "EACCES");
    /* Read-only grant. */
    assert_int_equal(fake_call_str(&xs, d1, XS_READ, 0, buf, "/shared", NULL), XS_READ);
    assert_string_equal(buf, "v");
    expect_error(fake_call_str(&xs, d1, XS_WRITE, 0, buf, "/shared", "x"), "EACCES");
    expect_error(fake_call_str(&xs, d2, XS_READ, 0, buf, "/shared", NULL), "EACCES");
    /* Its own home: relative paths, owned by it. */
    assert_int_equal(fake_call_str(&xs, d1, XS_WRITE, 0, buf, "data/x", "42"), XS_WRITE);
    assert_string_equal(buf, "OK");
    assert_int_equal(fake_call_str(&xs, d1, XS_READ, 0, buf, "/local/domain/1/data/x", NULL),
                     XS_READ);
    assert_string_equal(buf, "42");
    assert_int_equal(fake_call_str(&xs, d1, XS_GET_PERMS, 0, buf, "data/x", NULL), XS_GET_PERMS);
    assert_string_equal(buf, "n1");
    /* Another guest cannot look in. */
    expect_error(fake_call_str(&xs, d2, XS_READ, 0, buf, "/local/domain/1/data/x", NULL),
                 "EACCES");
    expect_error(fake_call_str(&xs, d2, XS_WRITE, 0, buf, "/local/domain/1/data/y", "1"),
                 "EACCES");
    assert_int_equal(xs_local_read(&xs, 0, "/local/domain/1/data/y", buf, 8), -XEN_ENOENT);
    /* Missing node where the guest may read: ENOENT. */
    expect_error(fake_call_str(&xs, d1, XS_READ, 0, buf, "data/none", NULL), "ENOENT");
}

static void test_guest_set_perms(void **state)
{
    struct fake_dom *d1 = fake_dom(1), *d2 = fake_dom(2);
    char payload[32];

    make_home(1);
    assert_int_equal(fake_call_str(&xs, d1, XS_MKDIR, 0, buf, "dev", NULL), XS_MKDIR);
    /* The owner grants dom2 read access... */
    memcpy(payload, "dev\0n1\0r2\0", 10);
    assert_int_equal(fake_call(&xs, d1, XS_SET_PERMS, 0, payload, 10, buf), XS_SET_PERMS);
    assert_int_equal(fake_call_str(&xs, d2, XS_DIRECTORY, 0, buf, "/local/domain/1/dev", NULL),
                     XS_DIRECTORY);
    /* ...but may not give the node away. */
    memcpy(payload, "dev\0n2\0", 7);
    expect_error(fake_call(&xs, d1, XS_SET_PERMS, 0, payload, 7, buf), "EACCES");
    /* A non-owner cannot change permissions even with write access. */
    assert_int_equal(xs_local_write(&xs, 0, "/local/domain/1/w", "", 0), 0);
    {
        struct xs_perm p[2] = { { 1, XS_PERM_NONE }, { 2, XS_PERM_BOTH } };

        assert_int_equal(xs_local_set_perms(&xs, 0, "/local/domain/1/w", p, 2), 0);
    }
    assert_int_equal(fake_call_str(&xs, d2, XS_WRITE, 0, buf, "/local/domain/1/w", "ok"), XS_WRITE);
    memcpy(payload, "/local/domain/1/w\0b2\0", 21);
    expect_error(fake_call(&xs, d2, XS_SET_PERMS, 0, payload, 21, buf), "EACCES");
    /* Bad permission strings. */
    memcpy(payload, "dev\0x1\0", 7);
    expect_error(fake_call(&xs, d1, XS_SET_PERMS, 0, payload, 7, buf), "EINVAL");
    memcpy(payload, "dev\0r\0", 6);
    expect_error(fake_call(&xs, d1, XS_SET_PERMS, 0, payload, 6, buf), "EINVAL");
    memcpy(payload, "dev\0r70000\0", 11);
    expect_error(fake_call(&xs, d1, XS_SET_PERMS, 0, payload, 11, buf), "EINVAL");
}

/* ---- transactions ---- */

static void test_txn_commit_and_isolation(void **state)
{
    uint32_t tx;

    assert_int_equal(xs_local_write(&xs, 0, "/t/a", "1", 1), 0);
    assert_int_equal(xs_local_transaction_start(&xs, &tx), 0);
    assert_true(tx != 0);
    assert_int_equal(xs_local_write(&xs, tx, "/t/a", "2", 1), 0);
    assert_int_equal(xs_local_write(&xs, tx, "/t/new/deep", "3", 1), 0);
    assert_int_equal(xs_local_rm(&xs, tx, "/t/gone"), 0);
    /* Not visible outside before commit, visible inside. */
    assert_int_equal(xs_local_read(&xs, 0, "/t/a", buf, sizeof(buf)), 1);
    assert_string_equal(buf, "1");
    assert_int_equal(xs_local_read(&xs, 0, "/t/new/deep", buf, sizeof(buf)), -XEN_ENOENT);
    assert_int_equal(xs_local_read(&xs, tx, "/t/a", buf, sizeof(buf)), 1);
    assert_string_equal(buf, "2");
    assert_int_equal(xs_local_transaction_end(&xs, tx, true), 0);
    assert_int_equal(xs_local_read(&xs, 0, "/t/a", buf, sizeof(buf)), 1);
    assert_string_equal(buf, "2");
    assert_int_equal(xs_local_read(&xs, 0, "/t/new/deep", buf, sizeof(buf)), 1);
    assert_string_equal(buf, "3");
    /* The id is gone. */
    assert_int_equal(xs_local_read(&xs, tx, "/t/a", buf, sizeof(buf)), -XEN_ENOENT);
    assert_int_equal(xs_local_transaction_end(&xs, tx, true), -XEN_ENOENT);
}

static void test_txn_abort(void **state)
{
    uint32_t tx;

    assert_int_equal(xs_local_write(&xs, 0, "/t/a", "1", 1), 0);
    assert_int_equal(xs_local_transaction_start(&xs, &tx), 0);
    assert_int_equal(xs_local_write(&xs, tx, "/t/a", "2", 1), 0);
    assert_int_equal(xs_local_rm(&xs, tx, "/t"), 0);
    assert_int_equal(xs_local_transaction_end(&xs, tx, false), 0);
    assert_int_equal(xs_local_read(&xs, 0, "/t/a", buf, sizeof(buf)), 1);
    assert_string_equal(buf, "1");
}

static void test_txn_copy_shape(void **state)
{
    static const char *const nodes[] = {
        "/s/a/x", "/s/a/y/z", "/s/b", "/s/c/d/e/f", "/s/c/g", "/s/c/d/h",
    };
    static const char *const dirs[] = {
        "/s", "/s/a", "/s/a/y", "/s/c", "/s/c/d", "/s/c/d/e", "/s/b",
    };
    static char deep[XENSTORE_ABS_PATH_MAX + 1], in_tx[XENSTORE_PAYLOAD_MAX];
    unsigned int i;
    uint32_t tx;
    int n;

    for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
        assert_int_equal(xs_local_printf(&xs, 0, nodes[i], "v%u", i), 0);
    /* 1535 levels below /deep. */
    strcpy(deep, "/deep");
    for (i = 0; strlen(deep) + 2 <= XENSTORE_ABS_PATH_MAX; i++)
        strcat(deep, "/d");
    assert_int_equal(xs_local_write(&xs, 0, deep, "bottom", 6), 0);

    /* The transaction's copy has the same shape, order and values. */
    assert_int_equal(xs_local_transaction_start(&xs, &tx), 0);
    for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        n = xs_local_directory(&xs, 0, dirs[i], buf, sizeof(buf));
        assert_true(n >= 0);
        assert_int_equal(xs_local_directory(&xs, tx, dirs[i], in_tx, sizeof(in_tx)), n);
        assert_memory_equal(buf, in_tx, (size_t)n);
    }
    for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
        assert_int_equal(xs_local_read(&xs, tx, nodes[i], buf, sizeof(buf)), 2);
        assert_int_equal(buf[1], '0' + (int)i);
    }
    assert_int_equal(xs_local_read(&xs, tx, deep, buf, sizeof(buf)), 6);
    assert_int_equal(xs_local_rm(&xs, tx, "/deep"), 0);
    assert_int_equal(xs_local_transaction_end(&xs, tx, true), 0);
    assert_int_equal(xs_local_read(&xs, 0, "/deep", buf, sizeof(buf)), -XEN_ENOENT);
    assert_int_equal(xs_local_read(&xs, 0, "/s/c/d/h", buf, sizeof(buf)), 2);
}

static void test_txn_rm_then_recreate(void **state)
{
    char path[256], token[64];
    uint32_t tx;

    assert_int_equal(xs_local_write(&xs, 0, "/a/old", "1", 1), 0);
    assert_int_equal(xs_local_watch(&xs, "/a/old", "w"), 0);
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 1);
    assert_int_equal(xs_local_transaction_start(&xs, &tx), 0);
    assert_int_equal(xs_local_rm(&xs, tx, "/a"), 0);
    assert_int_equal(xs_local_write(&xs, tx, "/a/new", "2", 1), 0);
    assert_int_equal(xs_local_transaction_end(&xs, tx, true), 0);
    /* /a holds only what the transaction made after removing it. */
    assert_int_equal(xs_local_read(&xs, 0, "/a/old", buf, sizeof(buf)), -XEN_ENOENT);
    assert_int_equal(xs_local_directory(&xs, 0, "/a", buf, sizeof(buf)), 4);
    assert_string_equal(buf, "new");
    /* The removal fired the watch below it. */
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 1);
    assert_string_equal(path, "/a/old");
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 0);
}

static void test_txn_conflicts(void **state)
{
    uint32_t tx;

    assert_int_equal(xs_local_write(&xs, 0, "/c/a", "1", 1), 0);
    assert_int_equal(xs_local_write(&xs, 0, "/c/b", "1", 1), 0);

    /* Read a, someone writes a: EAGAIN, nothing applied. */
    assert_int_equal(xs_local_transaction_start(&xs, &tx), 0);
    assert_int_equal(xs_local_read(&xs, tx, "/c/a", buf, sizeof(buf)), 1);
    assert_int_equal(xs_local_write(&xs, tx, "/c/b", "tx", 2), 0);
    assert_int_equal(xs_local_write(&xs, 0, "/c/a", "2", 1), 0);
    assert_int_equal(xs_local_transaction_end(&xs, tx, true), -XEN_EAGAIN);
    assert_int_equal(xs_local_read(&xs, 0, "/c/b", buf, sizeof(buf)), 1);

    /* An unrelated change does not conflict. */
    assert_int_equal(xs_local_transaction_start(&xs, &tx), 0);
    assert_int_equal(xs_local_read(&xs, tx, "/c/a", buf, sizeof(buf)), 1);
    assert_int_equal(xs_local_write(&xs, tx, "/c/b", "tx", 2), 0);
    assert_int_equal(xs_local_write(&xs, 0, "/other", "2", 1), 0);
    assert_int_equal(xs_local_transaction_end(&xs, tx, true), 0);
    assert_int_equal(xs_local_read(&xs, 0, "/c/b", buf, sizeof(buf)), 2);

    /* A node read as missing, or made, beside which another appears
     * meanwhile does not conflict. */
    assert_int_equal(xs_local_transaction_start(&xs, &tx), 0);
    assert_int_equal(xs_local_read(&xs, tx, "/c/none", buf, sizeof(buf)), -XEN_ENOENT);
    assert_int_equal(xs_local_write(&xs, tx, "/c/made/here", "1", 1), 0);
    assert_int_equal(xs_local_write(&xs, 0, "/c/beside", "", 0), 0);
    assert_int_equal(xs_local_transaction_end(&xs, tx, true), 0);
    assert_int_equal(xs_local_read(&xs, 0, "/c/made/here", buf, sizeof(buf)), 1);

    /* Several nodes under a directory the transaction makes itself
     * (Linux's netfront with 2 queues: queue-0/tx-ring-ref, then
     * queue-0/rx-ring-ref) commit: the new directory is no condition on
     * the store. Its existing parent going still conflicts. */
    assert_int_equal(xs_local_transaction_start(&xs, &tx), 0);
    assert_int_equal(xs_local_write(&xs, tx, "/c/vif/queue-0/tx", "8", 1), 0);
    assert_int_equal(xs_local_write(&xs, tx, "/c/vif/queue-0/rx", "9", 1), 0);
    assert_int_equal(xs_local_write(&xs, tx, "/c/vif/queue-1/tx", "10", 2), 0);
    assert_int_equal(xs_local_transaction_end(&xs, tx, true), 0);
    assert_int_equal(xs_local_read(&xs, 0, "/c/vif/queue-0/rx", buf, sizeof(buf)), 1);
    assert_int_equal(xs_local_read(&xs, 0, "/c/vif/queue-1/tx", buf, sizeof(buf)), 2);
    assert_int_equal(xs_local_transaction_start(&xs, &tx), 0);
    assert_int_equal(xs_local_write(&xs, tx, "/c/vif/queue-2/tx", "1", 1), 0);
    assert_int_equal(xs_local_write(&xs, tx, "/c/vif/queue-2/rx", "1", 1), 0);
    assert_int_equal(xs_local_rm(&xs, 0, "/c/vif"), 0);
    assert_int_equal(xs_local_transaction_end(&xs, tx, true), -XEN_EAGAIN);
    assert_int_equal(xs_local_read(&xs, 0, "/c/vif", buf, sizeof(buf)), -XEN_ENOENT);

    /* Making nodes conflicts with the parent they hang on going, or its
     * permissions changing. */
    assert_int_equal(xs_local_transaction_start(&xs, &tx), 0);
    assert_int_equal(xs_local_write(&xs, tx, "/c/made/again", "1", 1), 0);
    assert_int_equal(xs_local_rm(&xs, 0, "/c/made"), 0);
    assert_int_equal(xs_local_transaction_end(&xs, tx, true), -XEN_EAGAIN);
    assert_int_equal(xs_local_read(&xs, 0, "/c/made", buf, sizeof(buf)), -XEN_ENOENT);
    assert_int_equal(xs_local_transaction_start(&xs, &tx), 0);
    assert_int_equal(xs_local_mkdir(&xs, tx, "/c/new"), 0);
    {
        struct xs_perm p = { 0, XS_PERM_READ };

        assert_int_equal(xs_local_set_perms(&xs, 0, "/c", &p, 1), 0);
    }
    assert_int_equal(xs_local_transaction_end(&xs, tx, true), -XEN_EAGAIN);

    /* A node read as missing that appears meanwhile conflicts. */
    assert_int_equal(xs_local_transaction_start(&xs, &tx), 0);
    assert_int_equal(xs_local_read(&xs, tx, "/c/later", buf, sizeof(buf)), -XEN_ENOENT);
    assert_int_equal(xs_local_write(&xs, 0, "/c/later", "", 0), 0);
    assert_int_equal(xs_local_transaction_end(&xs, tx, true), -XEN_EAGAIN);

    /* A node read that is removed meanwhile conflicts. */
    assert_int_equal(xs_local_transaction_start(&xs, &tx), 0);
    assert_int_equal(xs_local_read(&xs, tx, "/c/later", buf, sizeof(buf)), 0);
    assert_int_equal(xs_local_rm(&xs, 0, "/c"), 0);
    assert_int_equal(xs_local_transaction_end(&xs, tx, true), -XEN_EAGAIN);

    /* A subtree removed in a transaction conflicts with a write below it. */
    assert_int_equal(xs_local_write(&xs, 0, "/r/x/y", "1", 1), 0);
    assert_int_equal(xs_local_transaction_start(&xs, &tx), 0);
    assert_int_equal(xs_local_rm(&xs, tx, "/r/x"), 0);
    assert_int_equal(xs_local_write(&xs, 0, "/r/x/y", "2", 1), 0);
    assert_int_equal(xs_local_transaction_end(&xs, tx, true), -XEN_EAGAIN);
    assert_int_equal(xs_local_read(&xs, 0, "/r/x/y", buf, sizeof(buf)), 1);
}

static void test_txn_guest_and_limits(void **state)
{
    struct fake_dom *d1 = fake_dom(1);
    char id[16];
    uint32_t tx;
    int i;

    make_home(1);
    assert_int_equal(fake_call_str(&xs, d1, XS_TRANSACTION_START, 0, buf, "", NULL),
                     XS_TRANSACTION_START);
    tx = (uint32_t)strtoul(buf, NULL, 10);
    assert_true(tx != 0);
    assert_int_equal(fake_call_str(&xs, d1, XS_WRITE, tx, buf, "k", "v"), XS_WRITE);
    /* A transaction cannot start inside one; an unknown id is ENOENT. */
    expect_error(fake_call_str(&xs, d1, XS_TRANSACTION_START, tx, buf, "", NULL), "EBUSY");
    expect_error(fake_call_str(&xs, d1, XS_READ, tx + 100, buf, "k", NULL), "ENOENT");
    expect_error(fake_call_str(&xs, d1, XS_TRANSACTION_END, tx, buf, "X", NULL), "EINVAL");
    /* Another domain's transaction ids are not ours. */
    expect_error(fake_call_str(&xs, fake_dom(2), XS_READ, tx, buf, "/", NULL), "ENOENT");
    assert_int_equal(fake_call_str(&xs, d1, XS_TRANSACTION_END, tx, buf, "T", NULL),
                     XS_TRANSACTION_END);
    assert_string_equal(buf, "OK");
    assert_int_equal(xs_local_read(&xs, 0, "/local/domain/1/k", buf, sizeof(buf)), 1);
    /* At most quota.transactions open. */
    for (i = 0; i < (int)xs.quota.transactions; i++)
        assert_int_equal(fake_call_str(&xs, d1, XS_TRANSACTION_START, 0, id, "", NULL),
                         XS_TRANSACTION_START);
    expect_error(fake_call_str(&xs, d1, XS_TRANSACTION_START, 0, buf, "", NULL), "EQUOTA");
    assert_int_equal(fake_call_str(&xs, d1, XS_TRANSACTION_END, (uint32_t)strtoul(id, NULL, 10),
                                   buf, "F", NULL), XS_TRANSACTION_END);
    assert_int_equal(fake_call_str(&xs, d1, XS_TRANSACTION_START, 0, buf, "", NULL),
                     XS_TRANSACTION_START);
}

/* ---- watches ---- */

static void test_watch_events(void **state)
{
    char path[256], token[64];

    assert_int_equal(xs_local_watch(&xs, "/w", "tok"), 0);
    /* The first event comes at once. */
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 1);
    assert_string_equal(path, "/w");
    assert_string_equal(token, "tok");
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 0);
    /* Same path and token twice: EEXIST. */
    assert_int_equal(xs_local_watch(&xs, "/w", "tok"), -XEN_EEXIST);
    /* Writes at and below, mkdir, set_perms; not beside. */
    assert_int_equal(xs_local_write(&xs, 0, "/w/a/b", "1", 1), 0);
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 1);
    assert_string_equal(path, "/w/a/b");
    assert_int_equal(xs_local_write(&xs, 0, "/wx", "1", 1), 0);
    assert_int_equal(xs_local_mkdir(&xs, 0, "/w/m"), 0);
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 1);
    assert_string_equal(path, "/w/m");
    assert_int_equal(xs_local_mkdir(&xs, 0, "/w/m"), 0);       /* no change, no event */
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 0);
    /* Removing a parent of the watch fires it with the watch's path. */
    assert_int_equal(xs_local_watch(&xs, "/w/a/b", "deep"), 0);
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 1);
    assert_int_equal(xs_local_rm(&xs, 0, "/w/a"), 0);
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 1);
    assert_string_equal(path, "/w/a");
    assert_string_equal(token, "tok");
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 1);
    assert_string_equal(path, "/w/a/b");
    assert_string_equal(token, "deep");
    /* Unwatch: no more events; unwatch again: ENOENT. */
    assert_int_equal(xs_local_unwatch(&xs, "/w", "tok"), 0);
    assert_int_equal(xs_local_unwatch(&xs, "/w", "tok"), -XEN_ENOENT);
    assert_int_equal(xs_local_write(&xs, 0, "/w/z", "1", 1), 0);
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 0);
}

static void test_watch_guest(void **state)
{
    struct fake_dom *d1 = fake_dom(1), *d2 = fake_dom(2);
    struct xs_perm p[2] = { { 1, XS_PERM_NONE }, { 2, XS_PERM_READ } };

    make_home(1);
    make_home(2);
    /* Relative watch: relative events. */
    assert_int_equal(fake_call_str(&xs, d1, XS_WATCH, 0, buf, "dev", "t1"), XS_WATCH);
    assert_string_equal(buf, "OK");
    assert_true(fake_saw(d1, "dev", "t1"));
    assert_int_equal(xs_local_write(&xs, 0, "/local/domain/1/dev/vbd", "x", 1), 0);
    fake_drain(&xs, d1);
    assert_true(fake_saw(d1, "dev/vbd", "t1"));
    assert_int_equal(d1->nev, 0);
    /* dom2 watches dom1's node: no event while it may not read. */
    assert_int_equal(fake_call_str(&xs, d2, XS_WATCH, 0, buf, "/local/domain/1/dev", "t2"),
                     XS_WATCH);
    assert_true(fake_saw(d2, "/local/domain/1/dev", "t2"));
    assert_int_equal(xs_local_write(&xs, 0, "/local/domain/1/dev/vbd", "y", 1), 0);
    fake_drain(&xs, d2);
    assert_int_equal(d2->nev, 0);
    fake_drain(&xs, d1);
    assert_true(fake_saw(d1, "dev/vbd", "t1"));
    /* Once granted, it sees them. */
    assert_int_equal(xs_local_set_perms(&xs, 0, "/local/domain/1/dev/vbd", p, 2), 0);
    fake_drain(&xs, d2);
    assert_true(fake_saw(d2, "/local/domain/1/dev/vbd", "t2"));
    /* Guests may not watch with a bad path. */
    expect_error(fake_call_str(&xs, d1, XS_WATCH, 0, buf, "/bad//path", "t"), "EINVAL");
    expect_error(fake_call_str(&xs, d1, XS_UNWATCH, 0, buf, "dev", "other"), "ENOENT");
    assert_int_equal(fake_call_str(&xs, d1, XS_UNWATCH, 0, buf, "dev", "t1"), XS_UNWATCH);
}

static void test_watch_txn(void **state)
{
    char path[256], token[64];
    uint32_t tx;

    assert_int_equal(xs_local_watch(&xs, "/tw", "t"), 0);
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 1);
    assert_int_equal(xs_local_transaction_start(&xs, &tx), 0);
    assert_int_equal(xs_local_write(&xs, tx, "/tw/a", "1", 1), 0);
    /* Nothing until commit. */
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 0);
    assert_int_equal(xs_local_transaction_end(&xs, tx, true), 0);
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 1);
    assert_string_equal(path, "/tw/a");
    /* An aborted transaction fires nothing. */
    assert_int_equal(xs_local_transaction_start(&xs, &tx), 0);
    assert_int_equal(xs_local_write(&xs, tx, "/tw/b", "1", 1), 0);
    assert_int_equal(xs_local_transaction_end(&xs, tx, false), 0);
    assert_int_equal(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)), 0);
}

/* A frontend in dom1 and a backend in dom0 meet through the store, as
 * xen-netfront and a dom0 backend do. */
static void test_split_driver_handshake(void **state)
{
    struct fake_dom *d1 = fake_dom(1);
    struct xs_perm fe[2] = { { 1, XS_PERM_NONE }, { 0, XS_PERM_READ } };
    struct xs_perm be[2] = { { 0, XS_PERM_NONE }, { 1, XS_PERM_READ } };
    static const char fe_dir[] = "/local/domain/1/device/vif/0";
    static const char be_dir[] = "/local/domain/0/backend/vif/1/0";
    char path[256], token[64], payload[128];
    uint32_t tx, tries, events;

    /* The toolstack makes both halves. */
    make_home(1);
    assert_int_equal(xs_local_mkdir(&xs, 0, fe_dir), 0);
    assert_int_equal(xs_local_set_perms(&xs, 0, fe_dir, fe, 2), 0);
    assert_int_equal(xs_local_printf(&xs, 0, "/local/domain/1/device/vif/0/backend", "%s",
                                     be_dir), 0);
    assert_int_equal(xs_local_printf(&xs, 0, "/local/domain/1/device/vif/0/state", "%d", 1), 0);
    assert_int_equal(xs_local_mkdir(&xs, 0, be_dir), 0);
    assert_int_equal(xs_local_set_perms(&xs, 0, be_dir, be, 2), 0);
    assert_int_equal(xs_local_printf(&xs, 0, "/local/domain/0/backend/vif/1/0/state", "%d", 2), 0);
    assert_int_equal(xs_local_watch(&xs, "/local/domain/1/device/vif/0/state", "fe"), 0);
    assert_true(xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token)));

    /* The frontend reads where its backend is and watches its state. */
    assert_int_equal(fake_call_str(&xs, d1, XS_READ, 0, buf, "device/vif/0/backend", NULL),
                     XS_READ);
    assert_string_equal(buf, be_dir);
    snprintf(payload, sizeof(payload), "%s/state", be_dir);
    assert_int_equal(fake_call_str(&xs, d1, XS_WATCH, 0, buf, payload, "be"), XS_WATCH);
    assert_true(fake_saw(d1, payload, "be"));
    assert_int_equal(fake_call_str(&xs, d1, XS_READ, 0, buf, payload, NULL), XS_READ);
    assert_string_equal(buf, "2");
    /* It may read the backend's directory but not write there. */
    expect_error(fake_call_str(&xs, d1, XS_WRITE, 0, buf, payload, "4"), "EACCES");

    /* It publishes its ring in a transaction, retrying on EAGAIN. */
    for (tries = 0; tries < 3; tries++) {
        assert_int_equal(fake_call_str(&xs, d1, XS_TRANSACTION_START, 0, buf, "", NULL),
                         XS_TRANSACTION_START);
        tx = (uint32_t)strtoul(buf, NULL, 10);
        assert_int_equal(fake_call_str(&xs, d1, XS_WRITE, tx, buf, "device/vif/0/tx-ring-ref",
                                       "8"), XS_WRITE);
        assert_int_equal(fake_call_str(&xs, d1, XS_WRITE, tx, buf, "device/vif/0/event-channel",
                                       "5"), XS_WRITE);
        assert_int_equal(fake_call_str(&xs, d1, XS_WRITE, tx, buf, "device/vif/0/state", "3"),
                         XS_WRITE);
        if (tries == 0)     /* the toolstack touches the frontend meanwhile */
            assert_int_equal(xs_local_printf(&xs, 0, "/local/domain/1/device/vif/0/state",
                                             "%d", 1), 0);
        if (fake_call_str(&xs, d1, XS_TRANSACTION_END, tx, buf, "T", NULL) == XS_TRANSACTION_END)
            break;
        assert_string_equal(buf, "EAGAIN");
    }
    assert_int_equal(tries, 1);

    /* The backend hears of it (and of the toolstack's write), reads the
     * ring and answers. */
    for (events = 0; xs_local_next_event(&xs, path, sizeof(path), token, sizeof(token));
         events++) {
        assert_string_equal(path, "/local/domain/1/device/vif/0/state");
        assert_string_equal(token, "fe");
    }
    assert_int_equal(events, 2);
    assert_int_equal(xs_local_read(&xs, 0, "/local/domain/1/device/vif/0/tx-ring-ref", buf, 8),
                     1);
    assert_string_equal(buf, "8");
    assert_int_equal(xs_local_printf(&xs, 0, "/local/domain/0/backend/vif/1/0/state", "%d", 4), 0);
    fake_drain(&xs, d1);
    assert_true(fake_saw(d1, payload, "be"));
    assert_int_equal(fake_call_str(&xs, d1, XS_READ, 0, buf, payload, NULL), XS_READ);
    assert_string_equal(buf, "4");
}

/* ---- quotas ---- */

static void test_quota_nodes_and_size(void **state)
{
    struct fake_dom *d1 = fake_dom(1);
    static char big[3000];
    char path[32];
    uint32_t i, owned;

    make_home(1);
    xs.quota.nodes = 20;
    owned = xs_store_owned(&xs.store, 1);     /* its home */
    for (i = owned; i < 20; i++) {
        snprintf(path, sizeof(path), "n%u", i);
        assert_int_equal(fake_call_str(&xs, d1, XS_MKDIR, 0, buf, path, NULL), XS_MKDIR);
    }
    expect_error(fake_call_str(&xs, d1, XS_MKDIR, 0, buf, "one-more", NULL), "EQUOTA");
    /* Removing frees quota. */
    assert_int_equal(fake_call_str(&xs, d1, XS_RM, 0, buf, "n5", NULL), XS_RM);
    assert_int_equal(fake_call_str(&xs, d1, XS_MKDIR, 0, buf, "one-more", NULL), XS_MKDIR);
    /* dom0 is not limited. */
    assert_int_equal(xs_local_mkdir(&xs, 0, "/local/domain/1/by-dom0"), 0);
    /* Value size. */
    memcpy(big, "n1\0", 3);     /* an existing node: no new one needed */
    memset(big + 3, 'x', sizeof(big) - 3);
    expect_error(fake_call(&xs, d1, XS_WRITE, 0, big, 3 + 2049, buf), "EQUOTA");
    assert_int_equal(fake_call(&xs, d1, XS_WRITE, 0, big, 3 + 2048, buf), XS_WRITE);
    assert_int_equal(xs_local_write(&xs, 0, "/local/domain/1/v", big + 3, 2900), 0);
    /* A READ reply longer than the ring comes through in pieces. */
    assert_int_equal(fake_call_str(&xs, d1, XS_READ, 0, buf, "v", NULL), XS_READ);
    assert_int_equal(strlen(buf), 2900);
}

static void test_quota_across_transactions(void **state)
{
    struct fake_dom *d1 = fake_dom(1);
    uint32_t tx[2], i, owned;
    char path[32];

    make_home(1);
    assert_int_equal(xs_local_mkdir(&xs, 0, "/local/domain/1/p0"), 0);
    assert_int_equal(xs_local_mkdir(&xs, 0, "/local/domain/1/p1"), 0);
    owned = xs_store_owned(&xs.store, 1);
    xs.quota.nodes = owned + 5;
    /* Two transactions may each add 3 nodes to their own copy... */
    for (i = 0; i < 2; i++) {
        assert_int_equal(fake_call_str(&xs, d1, XS_TRANSACTION_START, 0, buf, "", NULL),
                         XS_TRANSACTION_START);
        tx[i] = (uint32_t)strtoul(buf, NULL, 10);
        snprintf(path, sizeof(path), "p%u/a/b/c", i);
        assert_int_equal(fake_call_str(&xs, d1, XS_MKDIR, tx[i], buf, path, NULL), XS_MKDIR);
    }
    /* ...but only the first can commit them. */
    assert_int_equal(fake_call_str(&xs, d1, XS_TRANSACTION_END, tx[0], buf, "T", NULL),
                     XS_TRANSACTION_END);
    expect_error(fake_call_str(&xs, d1, XS_TRANSACTION_END, tx[1], buf, "T", NULL), "EQUOTA");
    assert_int_equal(xs_store_owned(&xs.store, 1), owned + 3);
    assert_int_equal(xs_local_read(&xs, 0, "/local/domain/1/p1/a", buf, sizeof(buf)), -XEN_ENOENT);
}

static void test_quota_watches_perms(void **state)
{
    struct fake_dom *d1 = fake_dom(1);
    char token[16];
    uint32_t i;

    make_home(1);
    xs.quota.watches = 4;
    for (i = 0; i < 4; i++) {
        snprintf(token, sizeof(token), "t%u", i);
        assert_int_equal(fake_call_str(&xs, d1, XS_WATCH, 0, buf, "x", token), XS_WATCH);
    }
    expect_error(fake_call_str(&xs, d1, XS_WATCH, 0, buf, "x", "t9"), "EQUOTA");
    static const char six[] = "p\0n1\0r2\0r3\0r4\0r5\0r6";    /* quota: five */
    static const char five[] = "p\0n1\0r2\0r3\0r4\0r5";

    assert_int_equal(fake_call_str(&xs, d1, XS_MKDIR, 0, buf, "p", NULL), XS_MKDIR);
    expect_error(fake_call(&xs, d1, XS_SET_PERMS, 0, six, sizeof(six), buf), "EQUOTA");
    assert_int_equal(fake_call(&xs, d1, XS_SET_PERMS, 0, five, sizeof(five), buf), XS_SET_PERMS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_lengths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mkdir_rm_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_big_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_perms_get_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guest_access, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guest_set_perms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_txn_commit_and_isolation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_txn_abort, setup, teardown),
        cmocka_unit_test_setup_teardown(test_txn_copy_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_txn_rm_then_recreate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_txn_conflicts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_txn_guest_and_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watch_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watch_guest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watch_txn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_driver_handshake, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quota_nodes_and_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quota_across_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quota_watches_perms, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
