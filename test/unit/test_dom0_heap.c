/* SPDX-License-Identifier: MIT */
/*
 * Unit tests: dom0's heap (tools/dom0/heap.c) over its page allocator, on
 * host memory. heap.c is included here under other names, so that its
 * malloc family does not replace the host's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define malloc  heap_malloc
#define calloc  heap_calloc
#define realloc heap_realloc
#define free    heap_free
#include "../../tools/dom0/heap.c"
#undef malloc
#undef calloc
#undef realloc
#undef free

#define NR_PAGES    64

static struct page_pool pp;
static uint64_t bitmap[NR_PAGES / 64];
static unsigned char *ram;

static int setup(void **state)
{
    ram = aligned_alloc(PAGE_BYTES, NR_PAGES * PAGE_BYTES);
    assert_non_null(ram);
    pages_init(&pp, (uintptr_t)ram, NR_PAGES, bitmap);
    pages_add(&pp, (uintptr_t)ram, (uintptr_t)ram + NR_PAGES * PAGE_BYTES);
    memset(free_lists, 0, sizeof(free_lists));
    memset(&stats, 0, sizeof(stats));
    heap_init(&pp);
    return 0;
}

static int teardown(void **state)
{
    free(ram);
    return 0;
}

static bool in_ram(const void *p, size_t n)
{
    return (const unsigned char *)p >= ram &&
           (const unsigned char *)p + n <= ram + NR_PAGES * PAGE_BYTES;
}

static void test_small(void **state)
{
    char *p[40];
    struct heap_stats st;

    for (int i = 0; i < 40; i++) {
        size_t n = 1 + i * 50;          /* 1 .. 1951 bytes */

        p[i] = heap_malloc(n);
        assert_non_null(p[i]);
        assert_int_equal((uintptr_t)p[i] % 16, 0);
        assert_true(in_ram(p[i], n));
        memset(p[i], i, n);
    }
    for (int i = 0; i < 40; i++)        /* nothing overlapped */
        for (size_t j = 0; j < 1 + (size_t)i * 50; j++)
            assert_int_equal((unsigned char)p[i][j], i);
    for (int i = 0; i < 40; i++)
        heap_free(p[i]);
    heap_stats(&st);
    assert_int_equal(st.in_use, 0);
    assert_int_equal(st.bad_frees, 0);
    /* A freed block is used again. */
    p[0] = heap_malloc(100);
    heap_free(p[0]);
    assert_ptr_equal(heap_malloc(100), p[0]);
}

static void test_pages(void **state)
{
    uint64_t before = pp.nr_free;
    char *big = heap_malloc(3 * PAGE_BYTES);    /* 4 pages with its header */
    struct heap_stats st;

    assert_non_null(big);
    assert_int_equal(pp.nr_free, before - 4);
    memset(big, 7, 3 * PAGE_BYTES);
    heap_stats(&st);
    assert_int_equal(st.in_use, 4 * PAGE_BYTES);
    heap_free(big);
    assert_int_equal(pp.nr_free, before);
    /* More than there is: NULL, nothing taken. */
    assert_null(heap_malloc(NR_PAGES * PAGE_BYTES));
    assert_null(heap_malloc(SIZE_MAX));
    assert_int_equal(pp.nr_free, before);
}

static void test_calloc_realloc(void **state)
{
    unsigned char *p = heap_calloc(10, 30);
    char *q;

    assert_non_null(p);
    for (int i = 0; i < 300; i++)
        assert_int_equal(p[i], 0);
    assert_null(heap_calloc(SIZE_MAX / 2, 3));  /* n * size overflows */
    q = heap_realloc(NULL, 20);
    assert_non_null(q);
    memcpy(q, "0123456789abcdefghi", 20);
    assert_ptr_equal(heap_realloc(q, 40), q);   /* still fits its 64-byte block */
    q = heap_realloc(q, 5000);                  /* grows into pages */
    assert_non_null(q);
    assert_string_equal(q, "0123456789abcdefghi");
    q = heap_realloc(q, 9000);
    assert_string_equal(q, "0123456789abcdefghi");
    heap_free(q);
    heap_free(p);
    heap_free(NULL);
}

static void test_bad_frees(void **state)
{
    char *p = heap_malloc(64);
    struct heap_stats st;

    memset(p, 0, 64);
    heap_free(p + 16);                  /* not a block's start */
    heap_free(p + 3);                   /* not even aligned */
    heap_free(p);
    heap_free(p);                       /* twice */
    assert_null(heap_realloc(p, 10));   /* a freed block */
    heap_stats(&st);
    assert_int_equal(st.bad_frees, 4);
    assert_int_equal(st.in_use, 0);
}

static void test_exhaustion(void **state)
{
    unsigned int n = 0;

    while (heap_malloc(2000))           /* two to a page */
        n++;
    assert_int_equal(n, 2 * NR_PAGES);
    assert_int_equal(pp.nr_free, 0);
    assert_null(heap_malloc(1));        /* a new class needs a page too */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_small, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_calloc_realloc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_frees, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exhaustion, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
