/* SPDX-License-Identifier: MIT */
/* Unit tests for the buddy frame allocator (mm/frame.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <petrel/bootinfo.h>
#include <petrel/mm.h>
#include "stubs.h"

/* ---- the machine under test ---------------------------------------------- */

static struct boot_info bi;
static struct frame_reserve res[8];
static unsigned int nr_res;
static uint64_t span;                   /* bytes of fake physical space */
static uint8_t *busy;                   /* shadow: one bit per frame of the span */

static void map_begin(uint64_t span_bytes)
{
    memset(&bi, 0, sizeof(bi));
    nr_res = 0;
    span = span_bytes;
    stub_phys_init(span);
    free(busy);
    busy = calloc(span >> (PAGE_SHIFT + 3), 1);
    assert_non_null(busy);
}

static void map_add(paddr_t base, uint64_t len, uint32_t type)
{
    bi.ranges[bi.nr_ranges++] = (struct mem_range){ base, len, type };
}

static void map_reserve(paddr_t start, paddr_t end)
{
    res[nr_res++] = (struct frame_reserve){ start, end };
}

static void map_init(void)
{
    stub_log_reset();
    assert_int_equal(frame_init(&bi, res, nr_res), 0);
    assert_int_equal(frame_free_count(), frame_total_count());
}

/* Frames usable by the allocator: RAM, above 1 MiB, outside the reserves. */
static uint64_t usable_frames(void)
{
    uint64_t n = 0;

    for (paddr_t pa = MiB(1); pa < span; pa += PAGE_SIZE) {
        bool ok = false;

        for (unsigned int i = 0; i < bi.nr_ranges; i++)
            if (bi.ranges[i].type == MEM_RAM && pa >= bi.ranges[i].base &&
                pa + PAGE_SIZE <= bi.ranges[i].base + bi.ranges[i].len)
                ok = true;
        for (unsigned int i = 0; i < nr_res; i++)
            if (res[i].start < res[i].end && pa + PAGE_SIZE > res[i].start &&
                pa < res[i].end)
                ok = false;
        n += ok;
    }
    return n;
}

/* [pa, pa + size) is wholly inside one RAM range, above 1 MiB, unreserved. */
static bool block_usable(paddr_t pa, uint64_t size)
{
    bool in_ram = false;

    if (pa < MiB(1) || pa + size > span)
        return false;
    for (unsigned int i = 0; i < bi.nr_ranges; i++)
        if (bi.ranges[i].type == MEM_RAM && pa >= bi.ranges[i].base &&
            pa + size <= bi.ranges[i].base + bi.ranges[i].len)
            in_ram = true;
    for (unsigned int i = 0; i < nr_res; i++)
        if (res[i].start < res[i].end && pa < res[i].end && pa + size > res[i].start)
            return false;
    return in_ram;
}

/* Mark a block busy in the shadow; fails on overlap with a live block. */
static void shadow_take(paddr_t pa, unsigned int order)
{
    uint64_t first = pa >> PAGE_SHIFT;

    assert_true(IS_ALIGNED(pa, PAGE_SIZE << order));
    assert_true(block_usable(pa, PAGE_SIZE << order));
    for (uint64_t f = first; f < first + (1ULL << order); f++) {
        assert_false(busy[f / 8] & (1 << (f % 8)));
        busy[f / 8] |= 1 << (f % 8);
    }
}

static void shadow_drop(paddr_t pa, unsigned int order)
{
    uint64_t first = pa >> PAGE_SHIFT;

    for (uint64_t f = first; f < first + (1ULL << order); f++)
        busy[f / 8] &= ~(1 << (f % 8));
}

struct block {
    paddr_t pa;
    unsigned int order;
};

static struct block *blocks;
static size_t nr_blocks, cap_blocks;

static void blocks_push(paddr_t pa, unsigned int order)
{
    if (nr_blocks == cap_blocks) {
        cap_blocks = cap_blocks ? 2 * cap_blocks : 1024;
        blocks = realloc(blocks, cap_blocks * sizeof(*blocks));
        assert_non_null(blocks);
    }
    blocks[nr_blocks++] = (struct block){ pa, order };
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Free every block in 'blocks', in random order. */
static void free_all_blocks(void)
{
    while (nr_blocks) {
        size_t i = rng() % nr_blocks;

        shadow_drop(blocks[i].pa, blocks[i].order);
        frame_free(blocks[i].pa, blocks[i].order);
        blocks[i] = blocks[--nr_blocks];
    }
}

/*
 * The shape of free memory: how many blocks of each order a greedy
 * largest-first allocation gets. Everything is given back afterwards.
 */
static void free_shape(uint64_t shape[FRAME_MAX_ORDER + 1])
{
    paddr_t pa;

    for (int o = FRAME_MAX_ORDER; o >= 0; o--) {
        shape[o] = 0;
        while ((pa = frame_alloc(o))) {
            shadow_take(pa, o);
            blocks_push(pa, o);
            shape[o]++;
        }
    }
    assert_int_equal(frame_free_count(), 0);
    free_all_blocks();
    assert_int_equal(frame_free_count(), frame_total_count());
}


/* A small PC: low RAM, a hole, two RAM ranges, reserves of odd sizes. */
static void small_pc(void)
{
    map_begin(MiB(128));
    map_add(0, 0x9fc00, MEM_RAM);
    map_add(0x9fc00, 0x400, MEM_RESERVED);
    map_add(0xf0000, 0x10000, MEM_RESERVED);
    map_add(MiB(1), MiB(63), MEM_RAM);
    map_add(MiB(64), MiB(1), MEM_RESERVED);
    map_add(MiB(65), MiB(63) - 0x800, MEM_RAM);         /* unaligned end */
    map_reserve(MiB(2), MiB(3));                        /* image */
    map_reserve(MiB(10) + 100, MiB(10) + 5000);         /* mbi: two pages */
    map_reserve(MiB(20), MiB(20));                      /* empty */
    map_reserve(MiB(127), MiB(130));                    /* past RAM's end */
    map_init();
}

/* ---- tests ------------------------------------------------------------------ */

static void test_totals(void **state)
{
    uint64_t usable, total;

    small_pc();
    usable = usable_frames();
    total = frame_total_count();
    assert_true(total < usable);
    /* 12 bytes of descriptor per frame, rounded up to a page per zone. */
    assert_true(usable - total <= usable * 12 / PAGE_SIZE + 4);
    assert_int_equal(frame_free_count(), total);
    assert_true(stub_log_contains("frame: "));
}

/* Every frame can be taken, is usable RAM, and can be written over. */
static void test_exhaust_and_refill(void **state)
{
    uint64_t before[FRAME_MAX_ORDER + 1], after[FRAME_MAX_ORDER + 1];
    uint64_t total;
    paddr_t pa;

    small_pc();
    total = frame_total_count();
    free_shape(before);
    while ((pa = frame_alloc(0))) {
        shadow_take(pa, 0);
        memset(phys_to_virt(pa), 0xa5, PAGE_SIZE);
        blocks_push(pa, 0);
    }
    assert_int_equal(nr_blocks, total);
    assert_int_equal(frame_free_count(), 0);
    assert_int_equal(frame_alloc(0), 0);
    assert_int_equal(frame_alloc_below(0, ~0ULL), 0);
    free_all_blocks();
    assert_int_equal(frame_free_count(), total);
    free_shape(after);                  /* everything merged back */
    assert_memory_equal(before, after, sizeof(before));
    assert_true(before[13] + before[12] + before[11] > 0);
}

static void test_orders_and_alignment(void **state)
{
    paddr_t pa[FRAME_MAX_ORDER + 1];

    map_begin(GiB(3));
    map_add(0, KiB(640), MEM_RAM);
    map_add(MiB(1), GiB(3) - MiB(1), MEM_RAM);
    map_init();
    for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++) {
        pa[o] = frame_alloc(o);
        assert_true(pa[o] != 0);
        shadow_take(pa[o], o);          /* aligned, usable, no overlap */
        assert_int_equal(frame_free_count(),
                         frame_total_count() - ((2ULL << o) - 1));
    }
    assert_int_equal(frame_alloc(FRAME_MAX_ORDER + 1), 0);
    assert_int_equal(frame_alloc_below(FRAME_MAX_ORDER + 1, ~0ULL), 0);
    for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++) {
        assert_int_equal(frame_block_order(pa[o]), o);
        if (o)
            assert_int_equal(frame_block_order(pa[o] + PAGE_SIZE), -1);
        frame_free(pa[o], o);
        shadow_drop(pa[o], o);
    }
    assert_int_equal(frame_free_count(), frame_total_count());
    assert_int_equal(frame_block_order(MiB(2000)), -1);     /* free */
    assert_int_equal(frame_block_order(0x1000), -1);        /* unmanaged */
}

static void test_higher_orders_exhaust(void **state)
{
    uint64_t total;
    paddr_t pa;

    small_pc();
    total = frame_total_count();
    for (unsigned int o = 9; o != ~0u; o = o ? o - 3 : ~0u) {
        while ((pa = frame_alloc(o))) {
            shadow_take(pa, o);
            blocks_push(pa, o);
        }
    }
    assert_int_equal(frame_free_count(), 0);
    free_all_blocks();
    assert_int_equal(frame_free_count(), total);
}

static void test_alloc_below(void **state)
{
    uint64_t low = 0, total;
    paddr_t pa;

    map_begin(GiB(4) + MiB(64));
    map_add(MiB(1), MiB(63), MEM_RAM);
    map_add(GiB(4), MiB(64), MEM_RAM);
    map_init();
    total = frame_total_count();

    pa = frame_alloc(0);                /* high memory goes first */
    assert_true(pa >= GiB(4));
    frame_free(pa, 0);
    assert_int_equal(frame_alloc_below(0, MiB(1)), 0);
    assert_int_equal(frame_alloc_below(0, MiB(1) + PAGE_SIZE), 0);   /* metadata */
    pa = frame_alloc_below(4, MiB(32) + PAGE_SIZE);
    assert_true(pa && pa + (PAGE_SIZE << 4) <= MiB(32) + PAGE_SIZE);
    frame_free(pa, 4);

    while ((pa = frame_alloc_below(0, GiB(4)))) {
        assert_true(pa < MiB(64));
        shadow_take(pa, 0);
        blocks_push(pa, 0);
        low++;
    }
    assert_true(low > 0 && low < total);
    pa = frame_alloc(3);                /* high memory is still there */
    assert_true(pa >= GiB(4));
    frame_free(pa, 3);
    assert_int_equal(frame_free_count(), total - low);
    free_all_blocks();
    assert_int_equal(frame_free_count(), total);
}

/* Only a block that straddles the limit is free: its low part is taken. */
static void test_alloc_below_splits(void **state)
{
    paddr_t pa, limit = MiB(48) + PAGE_SIZE;

    map_begin(MiB(64));
    map_add(MiB(1), MiB(63), MEM_RAM);
    map_init();
    while ((pa = frame_alloc(0))) {
        shadow_take(pa, 0);
        blocks_push(pa, 0);
    }
    for (size_t i = 0; i < nr_blocks; i++) {
        if (blocks[i].pa >= MiB(32) && blocks[i].pa < MiB(64)) {
            frame_free(blocks[i].pa, 0);
            shadow_drop(blocks[i].pa, 0);
            blocks[i--] = blocks[--nr_blocks];
        }
    }
    assert_int_equal(frame_alloc_below(0, MiB(32)), 0);
    assert_int_equal(frame_alloc_below(13, limit), 0);
    pa = frame_alloc_below(12, limit);
    assert_int_equal(pa, MiB(32));
    frame_free(pa, 12);
    pa = frame_alloc_below(0, limit);
    assert_true(pa >= MiB(32) && pa < limit);
    frame_free(pa, 0);
    free_all_blocks();
    assert_int_equal(frame_free_count(), frame_total_count());
}

/* q35 with 4 GiB: RAM at [1M, 2G) and [4G, 6G), nothing in the hole. */
static void test_q35_high_ram(void **state)
{
    uint64_t usable, total, giant = 0;
    paddr_t pa;

    map_begin(GiB(6));
    map_add(0, 0x9fc00, MEM_RAM);
    map_add(0x9fc00, 0x400, MEM_RESERVED);
    map_add(0xf0000, 0x10000, MEM_RESERVED);
    map_add(MiB(1), GiB(2) - MiB(1) - 0x21000, MEM_RAM);
    map_add(GiB(2) - 0x21000, 0x21000, MEM_RESERVED);
    map_add(0xb0000000, 0x10000000, MEM_RESERVED);
    map_add(GiB(4), GiB(2), MEM_RAM);
    map_reserve(MiB(2), MiB(4));
    map_init();
    usable = usable_frames();
    total = frame_total_count();
    assert_true(total < usable && usable - total <= usable * 12 / PAGE_SIZE + 3);
    assert_true(total > (GiB(4) - MiB(20)) >> PAGE_SHIFT);

    while ((pa = frame_alloc(FRAME_MAX_ORDER))) {
        shadow_take(pa, FRAME_MAX_ORDER);
        blocks_push(pa, FRAME_MAX_ORDER);
        giant++;
    }
    /* Low RAM ends below 2G and the high zone starts with its metadata. */
    assert_int_equal(giant, 1);
    for (unsigned int o = 9; o != ~0u; o = o ? 0 : ~0u) {
        while ((pa = frame_alloc(o))) {
            assert_true(pa >= MiB(1));
            assert_true(pa + (PAGE_SIZE << o) <= GiB(2) || pa >= GiB(4));
            shadow_take(pa, o);
            blocks_push(pa, o);
        }
    }
    assert_int_equal(frame_free_count(), 0);
    free_all_blocks();
    assert_int_equal(frame_free_count(), total);
    assert_int_equal(frame_alloc_below(FRAME_MAX_ORDER, GiB(4)), 0);
    pa = frame_alloc_below(FRAME_MAX_ORDER - 1, GiB(4));
    assert_true(pa >= MiB(512) && pa + MiB(512) <= GiB(2));
    frame_free(pa, FRAME_MAX_ORDER - 1);
}

/* A split block's pieces are freed one by one, in any order, and merge back. */
static void test_split(void **state)
{
    uint64_t before[FRAME_MAX_ORDER + 1], after[FRAME_MAX_ORDER + 1];
    uint64_t total;
    paddr_t pa;

    small_pc();
    total = frame_total_count();
    free_shape(before);
    pa = frame_alloc(9);
    assert_true(pa != 0);
    frame_split(pa, 9, 0);
    for (unsigned int i = 0; i < 512; i++)
        assert_int_equal(frame_block_order(pa + i * PAGE_SIZE), 0);
    for (unsigned int i = 0; i < 512; i += 2)
        frame_free(pa + i * PAGE_SIZE, 0);
    assert_int_equal(frame_free_count(), total - 256);
    for (unsigned int i = 511; i < 512; i -= 2)
        frame_free(pa + i * PAGE_SIZE, 0);
    assert_int_equal(frame_free_count(), total);

    pa = frame_alloc(13);
    frame_split(pa, 13, 4);             /* 512 pieces of 16 frames */
    frame_split(pa + (PAGE_SIZE << 4), 4, 4);              /* a no-op */
    frame_split(pa + (PAGE_SIZE << 5), 4, 1);
    assert_int_equal(frame_block_order(pa + (PAGE_SIZE << 4)), 4);
    assert_int_equal(frame_block_order(pa + (PAGE_SIZE << 4) + PAGE_SIZE), -1);
    for (unsigned int i = 0; i < 8; i++)
        frame_free(pa + (PAGE_SIZE << 5) + i * (PAGE_SIZE << 1), 1);
    for (unsigned int i = 0; i < 512; i++)
        if (i != 2)
            frame_free(pa + i * (PAGE_SIZE << 4), 4);
    assert_int_equal(frame_free_count(), total);
    free_shape(after);
    assert_memory_equal(before, after, sizeof(before));
}

/* ---- panics ---------------------------------------------------------------- */

static void do_double_free(void)
{
    paddr_t pa = frame_alloc(0);

    frame_free(pa, 0);
    frame_free(pa, 0);
}

static void do_double_free_merged(void)
{
    paddr_t a = frame_alloc(1);
    paddr_t hi = a + PAGE_SIZE;

    frame_free(a, 1);                   /* merged into a larger free block */
    a = frame_alloc(0);                 /* split something again... */
    frame_free(a, 0);                   /* ...and merge it back */
    frame_free(hi, 0);                  /* never allocated on its own */
}

static void do_wrong_order(void)
{
    frame_free(frame_alloc(2), 1);
}

static void do_middle_of_block(void)
{
    frame_free(frame_alloc(2) + PAGE_SIZE, 0);
}

static void do_first_mib(void)
{
    frame_free(0x1000, 0);
}

static void do_hole(void)
{
    frame_free(MiB(64), 0);
}

static void do_outside(void)
{
    frame_free(GiB(100), 0);
}

static void do_unaligned(void)
{
    frame_free(frame_alloc(0) + 8, 0);
}

static void do_bad_order(void)
{
    frame_free(frame_alloc(0), FRAME_MAX_ORDER + 1);
}

static void do_metadata(void)
{
    frame_free(MiB(3), 0);              /* first frame after the image: metadata */
}

static void do_split_free_whole(void)
{
    paddr_t pa = frame_alloc(2);

    frame_split(pa, 2, 0);
    frame_free(pa, 2);                  /* the block is gone: pieces only */
}

static void do_split_wrong_order(void)
{
    frame_split(frame_alloc(2), 3, 0);
}

static void do_split_grow(void)
{
    frame_split(frame_alloc(2), 2, 3);
}

static void do_split_free_piece_twice(void)
{
    paddr_t pa = frame_alloc(1);

    frame_split(pa, 1, 0);
    frame_free(pa + PAGE_SIZE, 0);
    frame_free(pa + PAGE_SIZE, 0);
}

static void do_control(void)
{
    frame_free(frame_alloc(3), 3);      /* fine: must not panic */
    abort();                            /* so the check sees SIGABRT */
}

static void test_panics(void **state)
{
    small_pc();
    expect_panic(do_control);
    expect_panic(do_double_free);
    expect_panic(do_double_free_merged);
    expect_panic(do_wrong_order);
    expect_panic(do_middle_of_block);
    expect_panic(do_first_mib);
    expect_panic(do_hole);
    expect_panic(do_outside);
    expect_panic(do_unaligned);
    expect_panic(do_bad_order);
    expect_panic(do_metadata);
    expect_panic(do_split_free_whole);
    expect_panic(do_split_wrong_order);
    expect_panic(do_split_grow);
    expect_panic(do_split_free_piece_twice);
    assert_int_equal(frame_free_count(), frame_total_count());
}

/* A child that frees correctly exits cleanly: expect_panic would fail. */
static void test_no_false_panic(void **state)
{
    int status;
    pid_t pid;

    small_pc();
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        paddr_t a = frame_alloc(0), b = frame_alloc(5);

        frame_free(b, 5);
        frame_free(a, 0);
        _exit(frame_free_count() == frame_total_count() ? 0 : 1);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- random stress against a shadow model ---------------------------------- */

static void test_stress(void **state)
{
    uint64_t before[FRAME_MAX_ORDER + 1], after[FRAME_MAX_ORDER + 1];
    uint64_t live = 0, total;

    map_begin(GiB(4) + MiB(32));
    map_add(MiB(1), MiB(63), MEM_RAM);
    map_add(GiB(4), MiB(32), MEM_RAM);
    map_reserve(MiB(17) + 5, MiB(19));
    map_reserve(GiB(4) + MiB(8), GiB(4) + MiB(9));
    map_init();
    total = frame_total_count();
    free_shape(before);
    for (unsigned int step = 0; step < 200000; step++) {
        uint64_t r = rng();

        if (r % 100 < 55 && nr_blocks < 20000) {
            unsigned int order = (r >> 8) % 16 == 0 ? (r >> 12) % 14 : (r >> 12) % 4;
            bool below = (r >> 20) % 4 == 0;
            paddr_t limit = GiB(4) + ((r >> 24) % 2 ? MiB(16) : 0);
            paddr_t pa = below ? frame_alloc_below(order, limit) : frame_alloc(order);

            if (!pa)
                continue;
            if (below)
                assert_true(pa + (PAGE_SIZE << order) <= limit);
            shadow_take(pa, order);
            blocks_push(pa, order);
            live += 1ULL << order;
        } else if (nr_blocks) {
            size_t i = (r >> 8) % nr_blocks;

            live -= 1ULL << blocks[i].order;
            shadow_drop(blocks[i].pa, blocks[i].order);
            frame_free(blocks[i].pa, blocks[i].order);
            blocks[i] = blocks[--nr_blocks];
        }
        if (step % 1024 == 0)
            assert_int_equal(frame_free_count(), total - live);
    }
    free_all_blocks();
    assert_int_equal(frame_free_count(), total);
    free_shape(after);
    assert_memory_equal(before, after, sizeof(before));
}

static void test_no_ram(void **state)
{
    map_begin(MiB(4));
    map_add(0, KiB(640), MEM_RAM);      /* all below 1 MiB */
    map_add(MiB(1), MiB(3), MEM_RESERVED);
    assert_int_equal(frame_init(&bi, NULL, 0), -12);
    assert_int_equal(frame_total_count(), 0);
    assert_int_equal(frame_alloc(0), 0);

    map_begin(MiB(4));
    map_add(MiB(1), MiB(3), MEM_RAM);
    map_reserve(0, MiB(4));             /* everything reserved */
    assert_int_equal(frame_init(&bi, res, nr_res), -12);
}

static int teardown(void **state)
{
    nr_blocks = 0;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_totals, teardown),
        cmocka_unit_test_teardown(test_exhaust_and_refill, teardown),
        cmocka_unit_test_teardown(test_orders_and_alignment, teardown),
        cmocka_unit_test_teardown(test_higher_orders_exhaust, teardown),
        cmocka_unit_test_teardown(test_alloc_below, teardown),
        cmocka_unit_test_teardown(test_alloc_below_splits, teardown),
        cmocka_unit_test_teardown(test_q35_high_ram, teardown),
        cmocka_unit_test_teardown(test_split, teardown),
        cmocka_unit_test_teardown(test_panics, teardown),
        cmocka_unit_test_teardown(test_no_false_panic, teardown),
        cmocka_unit_test_teardown(test_stress, teardown),
        cmocka_unit_test_teardown(test_no_ram, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
