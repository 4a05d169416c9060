/* SPDX-License-Identifier: MIT */
/* Unit tests: the console backend's output log and its replay. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/backends/cons_log.h"

static struct cons_log lg;
static char got[2 * CONS_LOG_SIZE];
static size_t got_len;
static unsigned int runs;

static int setup(void **state)
{
    memset(&lg, 0, sizeof(lg));
    got_len = 0;
    runs = 0;
    return 0;
}

static void collect(void *arg, const char *p, size_t n)
{
    assert_ptr_equal(arg, &lg);
    assert_true(n > 0);
    assert_true(got_len + n <= sizeof(got));
    memcpy(got + got_len, p, n);
    got_len += n;
    runs++;
}

static void test_empty(void **state)
{
    assert_int_equal(cons_log_replay(&lg, collect, &lg), 0);
    assert_int_equal(runs, 0);
}

static void test_short(void **state)
{
    cons_log_append(&lg, "hello ", 6);
    cons_log_append(&lg, "world\n", 6);
    assert_int_equal(cons_log_replay(&lg, collect, &lg), 12);
    assert_memory_equal(got, "hello world\n", 12);
    assert_int_equal(runs, 1);
}

/* Past the size: the last CONS_LOG_SIZE bytes, from the first whole line. */
static void test_wrapped_starts_at_a_line(void **state)
{
    char line[100];

    for (unsigned int i = 0; i < 2000; i++) {
        int n = snprintf(line, sizeof(line), "line %u\n", i);

        cons_log_append(&lg, line, (size_t)n);
    }
    size_t n = cons_log_replay(&lg, collect, &lg);
    assert_int_equal(n, got_len);
    assert_true(n <= CONS_LOG_SIZE);
    assert_true(n >= CONS_LOG_SIZE - 10);
    assert_true(n < CONS_LOG_SIZE);     /* a partial first line was skipped */
    assert_memory_equal(got, "line ", 5);
    assert_memory_equal(got + got_len - 10, "line 1999\n", 10);
    assert_int_equal(runs, 2);          /* the wrap point splits it */
}

/* One append longer than the log keeps its tail; no newline at all: all of it. */
static void test_huge_append_without_newline(void **state)
{
    static char big[CONS_LOG_SIZE + 100];

    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)('a' + i % 26);
    cons_log_append(&lg, "x", 1);
    cons_log_append(&lg, big, sizeof(big));
    assert_int_equal(lg.end, sizeof(big) + 1);
    assert_int_equal(cons_log_replay(&lg, collect, &lg), CONS_LOG_SIZE);
    assert_memory_equal(got, big + 100, CONS_LOG_SIZE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_empty, setup),
        cmocka_unit_test_setup(test_short, setup),
        cmocka_unit_test_setup(test_wrapped_starts_at_a_line, setup),
        cmocka_unit_test_setup(test_huge_append_without_newline, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
