// SPDX-License-Identifier: MIT
/*
 * xs-client: a guest that dom0 built (`hv create xs-client.cfg`), seen from
 * the inside: its xenstore home and its PV console (docs/test-guests.md).
 *
 * mode=xs (default): reads its name (`name`, default xs-client) and domid
 * from its home, also by absolute path; writes keys and reads them back;
 * is refused (EACCES) on dom0's home, another domain's home and its own
 * read-only name; lists its home; sets a watch on data/poke and waits
 * (timeout_ms, default 120000) until dom0 writes `poke` (default
 * hello-watch) there; then reads a line typed into its console, which must
 * be `expect` (hello-console), and echoes it.
 * mode=echo: echoes each typed line until one says "quit" (for `hv
 * console`), each within timeout_ms.
 */
#include "pvcons.h"
#include "test.h"
#include "xen.h"
#include "xsc.h"

TEST_TITLE("a domain's xenstore home, watches and PV console");

#define LINE_MAX        128

static char buf[XENSTORE_PAYLOAD_MAX + 1];

static bool arg_is(const char *key, const char *def, const char *s)
{
    const char *v;
    size_t len;

    if (!cmdline_find(key, &v, &len)) {
        v = def;
        len = strlen(def);
    }
    return strlen(s) == len && !memcmp(s, v, len);
}

/* One line typed on the console (up to CR or LF), or false at the deadline. */
static bool read_line(char *line, size_t size, uint64_t deadline)
{
    size_t n = 0;
    char c;

    for (;;) {
        long rc = pvcons_read(&c, 1, deadline);

        if (rc <= 0)
            return false;
        if (c == '\r' || c == '\n') {
            if (!n)
                continue;               /* the LF of a CRLF */
            line[n] = '\0';
            return true;
        }
        if (n + 1 < size)
            line[n++] = c;
    }
}

static void echo_lines(bool until_quit)
{
    uint64_t timeout = cmdline_u64_or("timeout_ms", 120000) * 1000000ull;
    char line[LINE_MAX];

    do {
        printf("xs-client: type a line\n");
        if (!read_line(line, sizeof(line), now_ns() + timeout)) {
            test_fail("no line typed within %lu ms", (unsigned long)(timeout / 1000000));
            return;
        }
        printf("xs-client: got '%s'\n", line);
        if (!until_quit && !arg_is("expect", "hello-console", line))
            test_fail("typed line '%s' is not the one expected", line);
    } while (until_quit && strcmp(line, "quit"));
}

static unsigned long parse_u(const char *s)
{
    unsigned long v = 0;

    for (; *s >= '0' && *s <= '9'; s++)
        v = v * 10 + (unsigned long)(*s - '0');
    return *s ? ~0ul : v;
}

static void expect_err(long rc, long err, const char *what)
{
    if (rc != err)
        test_fail("%s: got %ld (%s), want %s", what, rc, rc < 0 ? xsc_errname(rc) : "ok",
                  xsc_errname(err));
}

static void check_home(unsigned long *domid)
{
    char path[64], name[64];
    long rc;

    REQUIRE((rc = xsc_read("name", name, sizeof(name))) > 0);
    CHECK(arg_is("name", "xs-client", name));
    REQUIRE(xsc_read("domid", buf, sizeof(buf)) > 0);
    *domid = parse_u(buf);
    REQUIRE(*domid > 0 && *domid < DOMID_FIRST_RESERVED);
    printf("xs-client: I am domain %lu, called '%s'\n", *domid, name);
    snprintf(path, sizeof(path), "/local/domain/%lu/name", *domid);
    CHECK(xsc_read(path, buf, sizeof(buf)) > 0 && !strcmp(buf, name));
    CHECK(xsc_read("console/type", buf, sizeof(buf)) > 0 && !strcmp(buf, "xenconsoled"));
    CHECK(xsc_read("console/port", buf, sizeof(buf)) > 0 && parse_u(buf) == pvcons_port());

    CHECK_EQ(xsc_write("data/greeting", "hello from a guest"), 0);
    CHECK(xsc_read("data/greeting", buf, sizeof(buf)) == 18 &&
          !strcmp(buf, "hello from a guest"));
    snprintf(path, sizeof(path), "/local/domain/%lu/data/absolute", *domid);
    CHECK_EQ(xsc_write(path, "1"), 0);
    CHECK(xsc_read("data/absolute", buf, sizeof(buf)) == 1);
    snprintf(path, sizeof(path), "/local/domain/%lu", *domid);
    rc = xsc_directory(path, buf, sizeof(buf));
    CHECK(rc > 0);
    printf("xs-client: my home has %ld bytes of names\n", rc);

    /* Not its own: dom0's home, another domain's, its read-only name. */
    expect_err(xsc_read("/local/domain/0/name", buf, sizeof(buf)), -XEN_EACCES,
               "read dom0's name");
    expect_err(xsc_write("/local/domain/0/data/x", "y"), -XEN_EACCES,
               "write in dom0's home");
    snprintf(path, sizeof(path), "/local/domain/%lu/name", *domid + 1);
    expect_err(xsc_read(path, buf, sizeof(buf)), -XEN_EACCES, "read another domain's name");
    snprintf(path, sizeof(path), "/local/domain/%lu/data/x", *domid + 1);
    expect_err(xsc_write(path, "y"), -XEN_EACCES, "write in another domain's home");
    expect_err(xsc_write("name", "evil"), -XEN_EACCES, "rename itself");
    expect_err(xsc_read("data/none", buf, sizeof(buf)), -XEN_ENOENT, "read a missing key");
}

static void wait_poke(void)
{
    uint64_t deadline = now_ns() + cmdline_u64_or("timeout_ms", 120000) * 1000000ull;
    char path[64], token[32];
    unsigned int events = 0;

    REQUIRE_EQ(xsc_watch("data/poke", "poke"), 0);
    printf("xs-client: watching data/poke\n");
    for (;;) {
        long rc = xsc_wait_watch(path, sizeof(path), token, sizeof(token), deadline);

        if (rc <= 0) {
            test_fail("no watch event with the value (%u events, rc %ld)", events, rc);
            return;
        }
        events++;
        CHECK(!strcmp(path, "data/poke") && !strcmp(token, "poke"));
        rc = xsc_read("data/poke", buf, sizeof(buf));
        if (rc >= 0 && arg_is("poke", "hello-watch", buf)) {
            printf("xs-client: watch fired: data/poke = '%s' (event %u)\n", buf, events);
            return;
        }
        CHECK(rc == -XEN_ENOENT || rc >= 0);
    }
}

void test_main(void)
{
    unsigned long domid;
    long rc;

    if (!pvcons_active())
        test_skip("no PV console: run me from dom0 (hv create xs-client.cfg)");
    if (arg_is("mode", "xs", "echo")) {
        echo_lines(true);
        return;
    }
    if ((rc = xsc_init()))
        test_error("no xenstore page or port: %ld", rc);
    check_home(&domid);
    wait_poke();
    echo_lines(false);
}
