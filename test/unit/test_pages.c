/* SPDX-License-Identifier: MIT */
/* Unit tests: dom0's page allocator (tools/dom0/pages.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/dom0/pages.h"

#define BASE    0x200000ULL
#define NR      200                     /* not a multiple of 64 */
#define PG(i)   (BASE + (uint64_t)(i) * PAGE_BYTES)

static struct page_pool pp;
static uint64_t bitmap[4];

static void test_init_add_reserve(void **state)
{
    assert_int_equal(pages_bitmap_bytes(NR), 32);
    assert_int_equal(pages_bitmap_bytes(64), 8);
    pages_init(&pp, BASE, NR, bitmap);
    assert_int_equal(pp.nr_free, 0);
    assert_int_equal(pages_alloc(&pp, 1), 0);
    /* Partial pages are not RAM to add; outside the pool is ignored. */
    pages_add(&pp, PG(10) + 1, PG(20) - 1);
    assert_int_equal(pp.nr_free, 8);
    pages_add(&pp, 0, PG(2));
    assert_int_equal(pp.nr_free, 10);
    pages_add(&pp, PG(NR - 1), PG(NR + 50));
    assert_int_equal(pp.nr_free, 11);
    pages_add(&pp, PG(10), PG(20));     /* pages 10 and 19 are new */
    assert_int_equal(pp.nr_free, 13);
    /* A reservation covers every page it touches. */
    pages_reserve(&pp, PG(12) + 5, PG(13) + 1);
    assert_int_equal(pp.nr_free, 11);
}

static void test_alloc_free(void **state)
{
    uint64_t a, b, c;

    pages_init(&pp, BASE, NR, bitmap);
    pages_add(&pp, PG(0), PG(NR));
    assert_int_equal(pp.nr_free, NR);
    a = pages_alloc(&pp, 3);
    b = pages_alloc(&pp, 70);           /* crosses a bitmap word */
    c = pages_alloc(&pp, 1);
    assert_int_equal(a, PG(0));
    assert_int_equal(b, PG(3));
    assert_int_equal(c, PG(73));
    assert_int_equal(pp.nr_free, NR - 74);
    assert_int_equal(pages_alloc(&pp, NR), 0);
    assert_int_equal(pages_alloc(&pp, 0), 0);
    pages_free(&pp, b, 70);
    assert_int_equal(pp.nr_free, NR - 4);
    /* The rest after the hint is 126 pages; a 100-page run fits there. */
    assert_int_equal(pages_alloc(&pp, 100), PG(74));
    /* 70 pages only fit in the hole before the hint: the search wraps. */
    assert_int_equal(pages_alloc(&pp, 71), 0);
    assert_int_equal(pages_alloc(&pp, 70), PG(3));
    assert_int_equal(pp.nr_free, NR - 174);
    assert_int_equal(pages_alloc(&pp, 26), PG(174));
    assert_int_equal(pp.nr_free, 0);
    assert_int_equal(pages_alloc(&pp, 1), 0);
}

static void test_holes(void **state)
{
    /* Two RAM ranges with a hole: a run never spans the hole. */
    pages_init(&pp, BASE, NR, bitmap);
    pages_add(&pp, PG(0), PG(50));
    pages_add(&pp, PG(60), PG(NR));
    assert_int_equal(pages_alloc(&pp, 40), PG(0));
    assert_int_equal(pages_alloc(&pp, 20), PG(60));
    for (int i = 0; i < 10; i++)
        assert_int_equal(pages_alloc(&pp, 1), PG(80 + i));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_add_reserve),
        cmocka_unit_test(test_alloc_free),
        cmocka_unit_test(test_holes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
