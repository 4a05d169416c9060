/* SPDX-License-Identifier: MIT */
/* Unit tests: the console backend's ring copies against hostile indexes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/backends/cons_ring.h"

static struct xencons_interface page;

static int setup(void **state)
{
    memset(&page, 0, sizeof(page));
    return 0;
}

/* What a guest does: put s into out at its producer index. */
static void guest_puts(const char *s)
{
    size_t n = strlen(s);

    for (size_t i = 0; i < n; i++)
        page.out[MASK_XENCONS_IDX(page.out_prod + i, page.out)] = s[i];
    page.out_prod += (XENCONS_RING_IDX)n;
}

static void test_read_empty(void **state)
{
    char buf[16];

    page.out_cons = page.out_prod = 77;
    assert_int_equal(cons_ring_read(&page, buf, sizeof(buf)), 0);
    assert_int_equal(page.out_cons, 77);
}

static void test_read_some(void **state)
{
    char buf[16] = { 0 };

    guest_puts("hello");
    assert_int_equal(cons_ring_read(&page, buf, sizeof(buf)), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(page.out_cons, 5);
    assert_int_equal(cons_ring_read(&page, buf, sizeof(buf)), 0);
}

static void test_read_short_buffer(void **state)
{
    char buf[4];

    guest_puts("abcdefgh");
    assert_int_equal(cons_ring_read(&page, buf, 3), 3);
    assert_memory_equal(buf, "abc", 3);
    assert_int_equal(cons_ring_read(&page, buf, 4), 4);
    assert_memory_equal(buf, "defg", 4);
    assert_int_equal(cons_ring_read(&page, buf, 4), 1);
    assert_int_equal(buf[0], 'h');
}

/* Indexes wrap at 2^32 and positions wrap at the ring's end. */
static void test_read_wraps(void **state)
{
    char buf[32];

    page.out_cons = page.out_prod = 0xfffffffcu;
    guest_puts("0123456789");
    assert_int_equal(page.out_prod, 6);
    assert_int_equal(cons_ring_read(&page, buf, sizeof(buf)), 10);
    assert_memory_equal(buf, "0123456789", 10);
    assert_int_equal(page.out_cons, 6);
}

static void test_read_full_ring(void **state)
{
    static char big[XENCONS_OUT_SIZE + 1], buf[XENCONS_OUT_SIZE + 8];

    memset(big, 'x', XENCONS_OUT_SIZE);
    big[XENCONS_OUT_SIZE - 1] = 'y';
    page.out_cons = page.out_prod = 1000;
    guest_puts(big);
    assert_int_equal(cons_ring_read(&page, buf, sizeof(buf)), XENCONS_OUT_SIZE);
    assert_int_equal(buf[XENCONS_OUT_SIZE - 1], 'y');
}

static void test_read_broken(void **state)
{
    char buf[16];

    page.out_cons = 10;
    page.out_prod = 10 + XENCONS_OUT_SIZE + 1;      /* more than a ring ahead */
    assert_int_equal(cons_ring_read(&page, buf, sizeof(buf)), CONS_RING_BROKEN);
    assert_int_equal(page.out_cons, 10);
    page.out_prod = 9;                              /* behind the consumer */
    assert_int_equal(cons_ring_read(&page, buf, sizeof(buf)), CONS_RING_BROKEN);
    assert_int_equal(page.out_cons, 10);
}

static void test_write_and_full(void **state)
{
    static char big[XENCONS_IN_SIZE + 100];

    memset(big, 'k', sizeof(big));
    assert_int_equal(cons_ring_write(&page, "ls\r", 3), 3);
    assert_int_equal(page.in_prod, 3);
    assert_memory_equal(page.in, "ls\r", 3);
    /* Only the room left is taken; a full ring takes nothing. */
    assert_int_equal(cons_ring_write(&page, big, sizeof(big)), XENCONS_IN_SIZE - 3);
    assert_int_equal(page.in_prod, XENCONS_IN_SIZE);
    assert_int_equal(cons_ring_write(&page, "z", 1), 0);
    /* The guest consumes two: two more fit, wrapping to the start. */
    page.in_cons = 2;
    assert_int_equal(cons_ring_write(&page, "AB", 2), 2);
    assert_int_equal(page.in[0], 'A');
    assert_int_equal(page.in[1], 'B');
    assert_int_equal(page.in[2], '\r');   /* not yet consumed: untouched */
    assert_int_equal(page.in[3], 'k');
}

static void test_write_wraps_index(void **state)
{
    page.in_cons = page.in_prod = 0xffffffffu;
    assert_int_equal(cons_ring_write(&page, "xy", 2), 2);
    assert_int_equal(page.in_prod, 1);
    assert_int_equal(page.in[XENCONS_IN_SIZE - 1], 'x');
    assert_int_equal(page.in[0], 'y');
}

static void test_write_broken(void **state)
{
    page.in_cons = 500;
    page.in_prod = 500 + XENCONS_IN_SIZE + 1;
    assert_int_equal(cons_ring_write(&page, "a", 1), CONS_RING_BROKEN);
    assert_int_equal(page.in_prod, 500 + XENCONS_IN_SIZE + 1);
    page.in_prod = 499;
    assert_int_equal(cons_ring_write(&page, "a", 1), CONS_RING_BROKEN);
    assert_int_equal(page.in_prod, 499);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_read_empty, setup),
        cmocka_unit_test_setup(test_read_some, setup),
        cmocka_unit_test_setup(test_read_short_buffer, setup),
        cmocka_unit_test_setup(test_read_wraps, setup),
        cmocka_unit_test_setup(test_read_full_ring, setup),
        cmocka_unit_test_setup(test_read_broken, setup),
        cmocka_unit_test_setup(test_write_and_full, setup),
        cmocka_unit_test_setup(test_write_wraps_index, setup),
        cmocka_unit_test_setup(test_write_broken, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
