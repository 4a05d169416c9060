/* SPDX-License-Identifier: MIT */
/* Unit tests: the command-line parser (common/cmdline.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <petrel/cmdline.h>
#include <petrel/errno.h>
#include "stubs.h"

/* What the handlers saw: "name=value;" per call, "name;" for a bare key. */
static char calls[16384];
static unsigned int opt_smp;
static uint64_t opt_dom0_mem;
static bool opt_noreboot;
static int opt_loglvl;

static void record(const char *name, const char *val, size_t len)
{
    size_t used = strlen(calls);

    if (val)
        snprintf(calls + used, sizeof(calls) - used, "%s=%.*s;", name,
                 (int)len, val);
    else
        snprintf(calls + used, sizeof(calls) - used, "%s;", name);
}

static int set_console(const char *val, size_t len)
{
    record("console", val, len);
    return val ? 0 : -EINVAL;
}

static int set_loglvl(const char *val, size_t len)
{
    static const char *const levels[] = { "err", "warn", "info", "debug" };
    int i;

    record("loglvl", val, len);
    for (i = 0; i < 4; i++) {
        if (cmdline_match(val, len, levels[i])) {
            opt_loglvl = i;
            return 0;
        }
    }
    return -EINVAL;
}

static int set_smp(const char *val, size_t len)
{
    record("smp", val, len);
    return cmdline_parse_uint(val, len, &opt_smp);
}

static int set_dom0_mem(const char *val, size_t len)
{
    record("dom0_mem", val, len);
    return cmdline_parse_size(val, len, &opt_dom0_mem);
}

static int set_noreboot(const char *val, size_t len)
{
    record("noreboot", val, len);
    return cmdline_parse_bool(val, len, &opt_noreboot);
}

static int set_args(const char *val, size_t len)
{
    record("args", val, len);
    return 0;
}

static int set_shared_a(const char *val, size_t len)
{
    record("shared_a", val, len);
    return 0;
}

static int set_shared_b(const char *val, size_t len)
{
    record("shared_b", val, len);
    return -EINVAL;
}

CMDLINE_PARAM("console", set_console);
CMDLINE_PARAM("loglvl", set_loglvl);
CMDLINE_PARAM("smp", set_smp);
CMDLINE_PARAM("dom0_mem", set_dom0_mem);
CMDLINE_PARAM("noreboot", set_noreboot);
CMDLINE_PARAM("args", set_args);
CMDLINE_PARAM("shared", set_shared_a);
CMDLINE_PARAM("shared", set_shared_b);

static int reset(void **state)
{
    calls[0] = '\0';
    opt_smp = 0;
    opt_dom0_mem = 0;
    opt_noreboot = false;
    opt_loglvl = -1;
    stub_log_reset();
    return 0;
}

/* ---- cmdline_parse --------------------------------------------------------- */

static void test_basic(void **state)
{
    cmdline_parse("console=com1 loglvl=debug smp=2 dom0_mem=512M noreboot");
    assert_string_equal(calls, "console=com1;loglvl=debug;smp=2;"
                        "dom0_mem=512M;noreboot;");
    assert_int_equal(opt_loglvl, 3);
    assert_int_equal(opt_smp, 2);
    assert_int_equal(opt_dom0_mem, 512ULL << 20);
    assert_true(opt_noreboot);
    assert_int_equal(stub_log_warnings, 0);
}

static void test_unknown_option(void **state)
{
    cmdline_parse("foo=bar smp=3 baz noreboot");
    assert_int_equal(stub_log_warnings, 2);
    assert_true(stub_log_contains("cmdline: unknown option 'foo' ignored"));
    assert_true(stub_log_contains("cmdline: unknown option 'baz' ignored"));
    assert_int_equal(opt_smp, 3);
    /* Parsing went on after each unknown option. */
    assert_string_equal(calls, "smp=3;noreboot;");
}

static void test_bad_value(void **state)
{
    cmdline_parse("smp=abc loglvl=loud smp=4 dom0_mem=12Q smp=5x console");
    assert_int_equal(stub_log_warnings, 5);
    assert_true(stub_log_contains("bad value 'abc' for option 'smp' ignored"));
    assert_true(stub_log_contains("bad value 'loud' for option 'loglvl'"));
    assert_true(stub_log_contains("bad value '12Q' for option 'dom0_mem'"));
    assert_true(stub_log_contains("bad value '5x' for option 'smp'"));
    assert_true(stub_log_contains("option 'console' needs a value"));
    assert_int_equal(opt_smp, 4);           /* the last good value stays */
    assert_int_equal(opt_dom0_mem, 0);
    assert_int_equal(opt_loglvl, -1);
}

static void test_repeated_keys(void **state)
{
    cmdline_parse("smp=1 console=a smp=7 console=b smp=8");
    assert_string_equal(calls, "smp=1;console=a;smp=7;console=b;smp=8;");
    assert_int_equal(opt_smp, 8);
    assert_int_equal(stub_log_warnings, 0);
}

static void test_bare_and_empty_values(void **state)
{
    cmdline_parse("noreboot");
    assert_true(opt_noreboot);
    cmdline_parse("noreboot=off");
    assert_false(opt_noreboot);
    cmdline_parse("noreboot=yes args= args");
    assert_true(opt_noreboot);
    assert_string_equal(calls, "noreboot;noreboot=off;noreboot=yes;args=;args;");
    assert_int_equal(stub_log_warnings, 0);
    cmdline_parse("noreboot=");         /* an empty value is not a bare key */
    assert_int_equal(stub_log_warnings, 1);
    assert_true(stub_log_contains("bad value '' for option 'noreboot'"));
    assert_true(opt_noreboot);
}

static void test_quoting(void **state)
{
    cmdline_parse("args=\"a b  c\" smp=2");
    assert_string_equal(calls, "args=a b  c;smp=2;");
    reset(state);
    cmdline_parse("args=a\"b c\"d smp=3");
    assert_string_equal(calls, "args=a\"b c\"d;smp=3;");
    reset(state);
    cmdline_parse("args=\"\" args=\"x=y\" args=\"");
    assert_string_equal(calls, "args=;args=x=y;args=;");
    reset(state);
    /* A quote inside a value also protects spaces, up to the next one. */
    cmdline_parse("args=\" args=\"x smp=2");
    assert_string_equal(calls, "args= args=\"x;smp=2;");
    reset(state);
    cmdline_parse("args=\"unterminated smp=3");
    assert_string_equal(calls, "args=unterminated smp=3;");
    assert_int_equal(opt_smp, 0);
    /* Only values are unquoted: a quoted option is an unknown key. */
    cmdline_parse("\"smp=4\"");
    assert_int_equal(opt_smp, 0);
    assert_true(stub_log_contains("unknown option '\"smp' ignored"));
}

static void test_spaces(void **state)
{
    cmdline_parse("   smp=5  \t console=x\n\r noreboot   ");
    assert_string_equal(calls, "smp=5;console=x;noreboot;");
    assert_int_equal(stub_log_warnings, 0);
}

static void test_empty(void **state)
{
    cmdline_parse("");
    cmdline_parse(NULL);
    cmdline_parse("   \t  ");
    assert_string_equal(calls, "");
    assert_int_equal(stub_log_warnings, 0);
}

static void test_odd_keys(void **state)
{
    cmdline_parse("dom0-mem=1G =3 smp==2 dom0_mem_x=1 smpx=1 sm=1");
    assert_int_equal(opt_dom0_mem, 1ULL << 30);
    assert_true(stub_log_contains("unknown option '' ignored"));
    assert_true(stub_log_contains("bad value '=2' for option 'smp'"));
    assert_true(stub_log_contains("unknown option 'dom0_mem_x'"));
    assert_true(stub_log_contains("unknown option 'smpx'"));
    assert_true(stub_log_contains("unknown option 'sm'"));
    assert_int_equal(stub_log_warnings, 5);
}

static void test_every_handler_called(void **state)
{
    cmdline_parse("shared=1 smp=2");
    /* Both, in no defined order: that is the linker's. */
    assert_int_equal(strlen(calls), strlen("shared_a=1;shared_b=1;smp=2;"));
    assert_non_null(strstr(calls, "shared_a=1;"));
    assert_non_null(strstr(calls, "shared_b=1;"));
    assert_string_equal(calls + strlen(calls) - 6, "smp=2;");
    /* set_shared_b rejects every value. */
    assert_int_equal(stub_log_warnings, 1);
    assert_true(stub_log_contains("bad value '1' for option 'shared'"));
}

/* Past BOOT_CMDLINE_MAX: the parser has no fixed-size buffers. */
static void test_long_cmdline(void **state)
{
    size_t size = 8192, used = 0;
    char *line = malloc(size);
    unsigned int i;

    for (i = 1; i <= 500; i++)
        used += snprintf(line + used, size - used, "smp=%u ", i);
    snprintf(line + used, size - used, "args=%0900d", 0);
    line = realloc(line, strlen(line) + 1);     /* ASan guards the end */
    cmdline_parse(line);
    assert_int_equal(opt_smp, 500);
    assert_int_equal(stub_log_warnings, 0);
    assert_int_equal(strlen(strrchr(calls, '=')), 902);    /* "=000...0;" */
    free(line);
}

/* ---- cmdline_get ----------------------------------------------------------- */

static void test_get(void **state)
{
    const char *line = "console=com1 loglvl=info console=vga noreboot "
                       "args=\"a b\" dom0-mem=2G consolex=1";
    char buf[32];

    assert_true(cmdline_get(line, "console", buf, sizeof(buf)));
    assert_string_equal(buf, "vga");            /* the last occurrence */
    assert_true(cmdline_get(line, "noreboot", buf, sizeof(buf)));
    assert_string_equal(buf, "");
    assert_true(cmdline_get(line, "args", buf, sizeof(buf)));
    assert_string_equal(buf, "a b");
    assert_true(cmdline_get(line, "dom0_mem", buf, sizeof(buf)));
    assert_string_equal(buf, "2G");
    strcpy(buf, "untouched");
    assert_false(cmdline_get(line, "cons", buf, sizeof(buf)));
    assert_false(cmdline_get(line, "smp", buf, sizeof(buf)));
    assert_false(cmdline_get("", "console", buf, sizeof(buf)));
    assert_false(cmdline_get(NULL, "console", buf, sizeof(buf)));
    assert_string_equal(buf, "untouched");
    assert_string_equal(calls, "");             /* no handler ran */
    assert_int_equal(stub_log_warnings, 0);
}

static void test_get_truncates(void **state)
{
    char buf[8];

    memset(buf, 'X', sizeof(buf));
    assert_true(cmdline_get("console=com1,115200n8", "console", buf, 5));
    assert_string_equal(buf, "com1");
    assert_int_equal(buf[5], 'X');
    assert_true(cmdline_get("console=ab", "console", buf, 1));
    assert_string_equal(buf, "");
    memset(buf, 'X', sizeof(buf));
    assert_true(cmdline_get("console=ab", "console", buf, 0));
    assert_int_equal(buf[0], 'X');
    assert_true(cmdline_get("console=ab", "console", NULL, 0));
    assert_true(cmdline_get("console=abcdefg", "console", buf, sizeof(buf)));
    assert_string_equal(buf, "abcdefg");
    assert_true(cmdline_get("console=\"", "console", buf, sizeof(buf)));
    assert_string_equal(buf, "");               /* a lone quote is empty */
}

/* ---- helpers --------------------------------------------------------------- */

static void test_parse_bool(void **state)
{
    static const char *const yes[] = { "1", "yes", "on", "true" };
    static const char *const no[] = { "0", "no", "off", "false" };
    static const char *const bad[] = { "", "2", "On", "YES", "yess", "of",
                                       "truex", " 1" };
    bool b;
    size_t i;

    for (i = 0; i < 4; i++) {
        b = false;
        assert_int_equal(cmdline_parse_bool(yes[i], strlen(yes[i]), &b), 0);
        assert_true(b);
        assert_int_equal(cmdline_parse_bool(no[i], strlen(no[i]), &b), 0);
        assert_false(b);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        b = true;
        assert_int_equal(cmdline_parse_bool(bad[i], strlen(bad[i]), &b),
                         -EINVAL);
        assert_true(b);
    }
    b = false;
    assert_int_equal(cmdline_parse_bool(NULL, 0, &b), 0);
    assert_true(b);
    assert_int_equal(cmdline_parse_bool("offset", 3, &b), 0);  /* len counts */
    assert_false(b);
}

static void test_parse_numbers(void **state)
{
    uint64_t size = 7;
    unsigned int u = 7;

    assert_int_equal(cmdline_parse_size("512M", 4, &size), 0);
    assert_int_equal(size, 512ULL << 20);
    assert_int_equal(cmdline_parse_size("0x1000", 6, &size), 0);
    assert_int_equal(size, 0x1000);
    assert_int_equal(cmdline_parse_size("1T", 2, &size), -EINVAL);
    assert_int_equal(cmdline_parse_size("", 0, &size), -EINVAL);
    assert_int_equal(cmdline_parse_size(NULL, 0, &size), -EINVAL);
    assert_int_equal(size, 0x1000);
    assert_int_equal(cmdline_parse_uint("4294967295", 10, &u), 0);
    assert_int_equal(u, 4294967295u);
    assert_int_equal(cmdline_parse_uint("0x10", 4, &u), 0);
    assert_int_equal(u, 16);
    assert_int_equal(cmdline_parse_uint("4294967296", 10, &u), -EINVAL);
    assert_int_equal(cmdline_parse_uint("12K", 3, &u), -EINVAL);
    assert_int_equal(cmdline_parse_uint("-1", 2, &u), -EINVAL);
    assert_int_equal(cmdline_parse_uint(NULL, 0, &u), -EINVAL);
    assert_int_equal(u, 16);
}

static void test_match(void **state)
{
    assert_true(cmdline_match("yesno", 3, "yes"));
    assert_false(cmdline_match("yesno", 5, "yes"));
    assert_false(cmdline_match("yes", 2, "yes"));
    assert_true(cmdline_match("", 0, ""));
    assert_false(cmdline_match(NULL, 0, ""));
    assert_false(cmdline_match("Yes", 3, "yes"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_basic, reset),
        cmocka_unit_test_setup(test_unknown_option, reset),
        cmocka_unit_test_setup(test_bad_value, reset),
        cmocka_unit_test_setup(test_repeated_keys, reset),
        cmocka_unit_test_setup(test_bare_and_empty_values, reset),
        cmocka_unit_test_setup(test_quoting, reset),
        cmocka_unit_test_setup(test_spaces, reset),
        cmocka_unit_test_setup(test_empty, reset),
        cmocka_unit_test_setup(test_odd_keys, reset),
        cmocka_unit_test_setup(test_every_handler_called, reset),
        cmocka_unit_test_setup(test_long_cmdline, reset),
        cmocka_unit_test_setup(test_get, reset),
        cmocka_unit_test_setup(test_get_truncates, reset),
        cmocka_unit_test_setup(test_parse_bool, reset),
        cmocka_unit_test_setup(test_parse_numbers, reset),
        cmocka_unit_test_setup(test_match, reset),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
