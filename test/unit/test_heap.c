/* SPDX-License-Identifier: MIT */
/* Unit tests for the heap (mm/heap.c) over the frame allocator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <petrel/bootinfo.h>
#include <petrel/mm.h>
#include "stubs.h"

#define PHYS_SIZE   MiB(256)

static struct boot_info bi;
static uint64_t frames_at_start;

struct obj {
    uint8_t *p;
    size_t size;
    uint8_t seed;
};

static struct obj objs[20000];
static size_t nr_objs;

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int group_setup(void **state)
{
    stub_phys_init(PHYS_SIZE);
    bi.nr_ranges = 2;
    bi.ranges[0] = (struct mem_range){ 0, KiB(640), MEM_RAM };
    bi.ranges[1] = (struct mem_range){ MiB(1), PHYS_SIZE - MiB(1), MEM_RAM };
    if (frame_init(&bi, NULL, 0))
        return -1;
    frames_at_start = frame_free_count();
    return 0;
}

/* Every test leaves the heap empty and every frame back. */
static int teardown(void **state)
{
    assert_int_equal(heap_used_bytes(), 0);
    assert_int_equal(frame_free_count(), frames_at_start);
    nr_objs = 0;
    return 0;
}

static void fill(struct obj *o)
{
    for (size_t i = 0; i < o->size; i++)
        o->p[i] = (uint8_t)(o->seed + i * 7);
}

static void verify(const struct obj *o)
{
    for (size_t i = 0; i < o->size; i++)
        if (o->p[i] != (uint8_t)(o->seed + i * 7))
            fail_msg("object %p (%zu bytes) corrupt at %zu", o->p, o->size, i);
}

static void obj_alloc(size_t size, size_t align)
{
    struct obj *o = &objs[nr_objs];

    o->p = align ? xmalloc_aligned(size, align) : xmalloc(size);
    assert_non_null(o->p);
    assert_true(((uintptr_t)o->p % MAX(align, (size_t)16)) == 0);
    o->size = size;
    o->seed = (uint8_t)rng();
    fill(o);
    nr_objs++;
}

static int obj_cmp(const void *a, const void *b)
{
    const struct obj *x = a, *y = b;

    return x->p < y->p ? -1 : x->p > y->p;
}

/* No two live objects overlap, and each still holds its pattern. */
static void check_objs(void)
{
    static struct obj sorted[ARRAY_SIZE(objs)];

    memcpy(sorted, objs, nr_objs * sizeof(*objs));
    qsort(sorted, nr_objs, sizeof(*sorted), obj_cmp);
    for (size_t i = 0; i < nr_objs; i++) {
        verify(&sorted[i]);
        if (i)
            assert_true(sorted[i - 1].p + sorted[i - 1].size <= sorted[i].p);
    }
}

static void obj_free(size_t i)
{
    verify(&objs[i]);
    xfree(objs[i].p);
    objs[i] = objs[--nr_objs];
}

static void free_all_objs(void)
{
    while (nr_objs)
        obj_free(rng() % nr_objs);
}

/* ---- tests ------------------------------------------------------------------ */

static void test_many_sizes(void **state)
{
    static const size_t big[] = {
        1000, 1023, 1024, 1025, 2047, 2048, 2049, 3000, 4095, 4096, 4097,
        8191, 8192, 12288, 65536, 100000, MiB(1) + 1,
    };

    for (size_t size = 1; size <= 300; size++)
        for (int k = 0; k < 3; k++)
            obj_alloc(size, 0);
    for (size_t size = 301; size < 5000; size += 37)
        obj_alloc(size, 0);
    for (size_t i = 0; i < ARRAY_SIZE(big); i++)
        for (int k = 0; k < 2; k++)
            obj_alloc(big[i], 0);
    check_objs();
    assert_true(heap_used_bytes() > 0);
    assert_true(frame_free_count() < frames_at_start);
    free_all_objs();
}

static void test_used_bytes(void **state)
{
    static const struct { size_t size, charged; } cases[] = {
        { 0, 16 }, { 1, 16 }, { 16, 16 }, { 17, 32 }, { 100, 128 },
        { 1024, 1024 }, { 1025, PAGE_SIZE }, { PAGE_SIZE, PAGE_SIZE },
        { PAGE_SIZE + 1, 2 * PAGE_SIZE }, { 5 * PAGE_SIZE, 8 * PAGE_SIZE },
    };
    void *p[ARRAY_SIZE(cases)];
    size_t used = 0;

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        p[i] = xmalloc(cases[i].size);
        assert_non_null(p[i]);
        used += cases[i].charged;
        assert_int_equal(heap_used_bytes(), used);
    }
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        xfree(p[i]);
        used -= cases[i].charged;
        assert_int_equal(heap_used_bytes(), used);
    }
    xfree(NULL);
    assert_int_equal(heap_used_bytes(), 0);
}

static void test_xzalloc(void **state)
{
    static const size_t sizes[] = { 8, 100, 1000, 3000, 3 * PAGE_SIZE + 5 };

    for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
        void *p[64];

        for (int i = 0; i < 64; i++) {
            p[i] = xmalloc(sizes[s]);
            memset(p[i], 0xaa, sizes[s]);
        }
        for (int i = 0; i < 64; i++)
            xfree(p[i]);
        for (int i = 0; i < 64; i++) {
            uint8_t *q = xzalloc(sizes[s]);

            assert_non_null(q);
            for (size_t j = 0; j < sizes[s]; j++)
                assert_int_equal(q[j], 0);
            p[i] = q;
        }
        for (int i = 0; i < 64; i++)
            xfree(p[i]);
    }
}

static void test_large(void **state)
{
    uint8_t *a = xmalloc(PAGE_SIZE);
    uint8_t *b = xmalloc(MiB(1));
    uint8_t *c = xmalloc(MiB(1) + 1);

    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_true(IS_ALIGNED((uintptr_t)a, PAGE_SIZE));
    assert_true(IS_ALIGNED((uintptr_t)b, PAGE_SIZE));
    assert_int_equal(frame_block_order(virt_to_phys(a)), 0);
    assert_int_equal(frame_block_order(virt_to_phys(b)), 8);
    assert_int_equal(frame_block_order(virt_to_phys(c)), 9);
    memset(b, 0x11, MiB(1));
    memset(c, 0x22, MiB(1) + 1);
    assert_int_equal(b[MiB(1) - 1], 0x11);
    assert_int_equal(heap_used_bytes(), PAGE_SIZE + MiB(1) + MiB(2));
    assert_null(xmalloc((PAGE_SIZE << FRAME_MAX_ORDER) + 1));
    assert_null(xmalloc(SIZE_MAX));
    assert_null(xmalloc(GiB(1)));           /* more than there is */
    xfree(c);
    xfree(b);
    xfree(a);
}

static void test_aligned(void **state)
{
    for (size_t align = 1; align <= PAGE_SIZE; align <<= 1) {
        size_t sizes[] = { 1, align > 1 ? align - 1 : 1, align, align + 1, 3000 };

        for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
            obj_alloc(sizes[i], align);
    }
    check_objs();
    assert_null(xmalloc_aligned(16, 0));
    assert_null(xmalloc_aligned(16, 3));
    assert_null(xmalloc_aligned(16, 48));
    assert_null(xmalloc_aligned(16, 2 * PAGE_SIZE));
    free_all_objs();
}

/* Class frames go back to the frame allocator once empty. */
static void test_frames_returned(void **state)
{
    for (int i = 0; i < 10000; i++)
        obj_alloc(16, 0);
    /* 252 objects of 16 bytes per frame */
    assert_int_equal(frame_free_count(), frames_at_start - (10000 + 251) / 252);
    for (int i = 0; i < 5000; i++)              /* half, at random: frames stay */
        obj_free(rng() % nr_objs);
    assert_true(frame_free_count() < frames_at_start);
    for (int i = 0; i < 5000; i++)              /* reuses the holes */
        obj_alloc(16, 0);
    assert_int_equal(frame_free_count(), frames_at_start - (10000 + 251) / 252);
    check_objs();
    free_all_objs();
}

static void test_out_of_memory(void **state)
{
    static paddr_t frames[PHYS_SIZE / PAGE_SIZE];
    size_t n = 0;
    void *p = xmalloc(64), *q;          /* a class frame with room */

    while ((frames[n] = frame_alloc(0)))
        n++;
    assert_null(xmalloc(PAGE_SIZE));
    assert_null(xmalloc(128));          /* needs a new frame */
    q = xmalloc(64);                    /* the existing frame still serves */
    assert_non_null(q);
    xfree(q);
    while (n)
        frame_free(frames[--n], 0);
    xfree(p);
}

static void test_stress(void **state)
{
    for (int step = 0; step < 100000; step++) {
        uint64_t r = rng();

        if (r % 100 < 55 && nr_objs < ARRAY_SIZE(objs)) {
            size_t size = r >> 8 & 1 ? (r >> 16) % 200 + 1 : (r >> 16) % 6000 + 1;
            size_t align = (r >> 40) % 8 == 0 ? (size_t)1 << ((r >> 44) % 13) : 0;

            obj_alloc(size, align);
        } else if (nr_objs) {
            obj_free((r >> 8) % nr_objs);
        }
        if (step % 20000 == 0)
            check_objs();
    }
    check_objs();
    free_all_objs();
}

/* ---- bad frees ----------------------------------------------------------------- */


static void do_interior(void)
{
    uint8_t *p = xmalloc(64);

    xfree(p + 16);
}

static void do_double_free_small(void)
{
    void *p = xmalloc(32), *keep = xmalloc(32);     /* keeps the frame */

    xfree(p);
    xfree(p);
    (void)keep;
}

static void do_double_free_large(void)
{
    void *p = xmalloc(3 * PAGE_SIZE);

    xfree(p);
    xfree(p);
}

static void do_not_heap_frame(void)
{
    uint8_t *p = phys_to_virt(frame_alloc(0));

    memset(p, 0x5a, PAGE_SIZE);
    xfree(p + 64);
}

static void do_misaligned(void)
{
    uint8_t *p = xmalloc(100);

    xfree(p + 1);
}

static void do_inside_block(void)
{
    uint8_t *p = xmalloc(2 * PAGE_SIZE);

    xfree(p + PAGE_SIZE);
}

static void do_free_frame(void)
{
    xfree(phys_to_virt(MiB(200)));      /* a free frame */
}

static void do_header(void)
{
    uint8_t *p = xmalloc(16);

    xfree(p - 16);                      /* inside the frame header */
}

static void do_control(void)
{
    void *p = xmalloc(64), *q = xmalloc(8000);

    xfree(q);
    xfree(p);
    abort();
}

static void test_bad_frees(void **state)
{
    expect_panic(do_control);
    expect_panic(do_interior);
    expect_panic(do_double_free_small);
    expect_panic(do_double_free_large);
    expect_panic(do_not_heap_frame);
    expect_panic(do_misaligned);
    expect_panic(do_inside_block);
    expect_panic(do_free_frame);
    expect_panic(do_header);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_many_sizes, teardown),
        cmocka_unit_test_teardown(test_used_bytes, teardown),
        cmocka_unit_test_teardown(test_xzalloc, teardown),
        cmocka_unit_test_teardown(test_large, teardown),
        cmocka_unit_test_teardown(test_aligned, teardown),
        cmocka_unit_test_teardown(test_frames_returned, teardown),
        cmocka_unit_test_teardown(test_out_of_memory, teardown),
        cmocka_unit_test_teardown(test_stress, teardown),
        cmocka_unit_test_teardown(test_bad_frees, teardown),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
