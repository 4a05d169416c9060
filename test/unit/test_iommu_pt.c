// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/iommu/iommu_pt.c on the real frame allocator: a
 * leaf's path is made level by level with the format's table entries,
 * shared by neighbours, found again without making, and every frame comes
 * back when the tables are freed; the sync hook sees every write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <petrel/mm.h>
#include "../../drivers/iommu/iommu_pt.h"
#include "frame_fixture.h"

#define PR      (1ull << 0)

static unsigned int synced;

/* AMD-Vi's shape: a table entry carries the level it points to. */
static uint64_t link_amd(paddr_t pa, unsigned int l)
{
    return pa | PR | (uint64_t)l << 9;
}

static void count_sync(const void *p, size_t len)
{
    (void)p;
    synced += len == PAGE_SIZE ? 1000 : 1;
}

static const struct iommu_pt fmt4 = { .levels = 4, .present = PR, .link = link_amd };
static const struct iommu_pt fmt3 = {
    .levels = 3, .present = 3, .link = link_amd, .sync = count_sync,
};

static int setup(void **state)
{
    (void)state;
    return frame_fixture_init(64);
}

static uint64_t entry_at(paddr_t table, unsigned int i)
{
    return ((const uint64_t *)phys_to_virt(table))[i];
}

static void test_path_made_and_shared(void **state)
{
    uint64_t before = frame_free_count(), dfn = 0x123456789ull, *leaf, e;
    paddr_t root = iommu_pt_alloc(&fmt4), t;

    (void)state;
    assert_int_not_equal(root, 0);
    assert_null(iommu_pt_leaf(&fmt4, root, dfn, false));
    assert_int_equal(frame_free_count(), before - 1);
    leaf = iommu_pt_leaf(&fmt4, root, dfn, true);
    assert_non_null(leaf);
    assert_int_equal(frame_free_count(), before - 4);
    /* Level 4 -> 3 -> 2 -> 1, each entry naming the level below. */
    t = root;
    for (unsigned int l = 4; l > 1; l--) {
        e = entry_at(t, (dfn >> (9 * (l - 1))) & 511);
        assert_true(e & PR);
        assert_int_equal((e >> 9) & 7, l - 1);
        t = e & IOMMU_PT_ADDR;
    }
    assert_ptr_equal(leaf, (uint64_t *)phys_to_virt(t) + (dfn & 511));
    assert_int_equal(*leaf, 0);
    iommu_pt_set(&fmt4, leaf, 0xabc000 | PR);
    assert_ptr_equal(iommu_pt_leaf(&fmt4, root, dfn, false), leaf);
    /* A neighbour in the same leaf table needs nothing new; one in another
     * top-level slot needs three tables. */
    assert_ptr_equal(iommu_pt_leaf(&fmt4, root, dfn ^ 1, true), leaf - 1);
    assert_int_equal(frame_free_count(), before - 4);
    assert_non_null(iommu_pt_leaf(&fmt4, root, dfn ^ (1ull << 27), true));
    assert_int_equal(frame_free_count(), before - 7);
    iommu_pt_free(&fmt4, root);
    assert_int_equal(frame_free_count(), before);
}

static void test_three_levels_synced(void **state)
{
    uint64_t before = frame_free_count(), *leaf;
    paddr_t root;

    (void)state;
    synced = 0;
    root = iommu_pt_alloc(&fmt3);
    assert_int_equal(synced, 1000);
    leaf = iommu_pt_leaf(&fmt3, root, (1ull << 27) - 1, true);   /* the last dfn */
    assert_non_null(leaf);
    assert_int_equal(synced, 3 * 1000 + 2);    /* two tables made and linked */
    assert_true(entry_at(root, 511) & PR);
    assert_int_equal((entry_at(root, 511) >> 9) & 7, 2);
    iommu_pt_set(&fmt3, leaf, 1);
    assert_int_equal(synced, 3 * 1000 + 3);
    iommu_pt_free(&fmt3, root);
    assert_int_equal(frame_free_count(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_made_and_shared),
        cmocka_unit_test(test_three_levels_synced),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
