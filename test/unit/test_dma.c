/* SPDX-License-Identifier: MIT */
/* Unit tests: dom0's bus addresses (tools/dom0/dma.c). A fake hypervisor
 * answers PETREL_SYSCTL_bus_addr and counts the calls; what lies behind a
 * page of the fmap window changes with each "mapping" (a generation), so
 * an address remembered past dma_forget() would show. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <public/errno.h>
#include "../../tools/dom0/dma.h"
#include "../../tools/dom0/dom0.h"
#include "../../tools/libhv/libhv.h"

#define PG              4096ull
#define FMAP            0xc0000000ull
#define HOLE            0x00600000ull           /* a 2 MiB hole in dom0's RAM */
#define HIGH            0x100000000ull          /* above 4 GiB */
#define POOL_PAGES      128

struct page_pool dom0_pages;
uint64_t fmap_base = FMAP;
static uint8_t pool_mem[POOL_PAGES][4096] __attribute__((aligned(4096)));
static uint64_t pool_bitmap[POOL_PAGES / 64];
static unsigned int calls, gens[FMAP_SIZE / PG];
static bool fail_call;

/* The machine address behind a gfn: own RAM fixed, the window's by its
 * mapping's generation, a hole none. */
static uint64_t machine(uint64_t gfn)
{
    uint64_t gpa = gfn * PG;

    if (gpa >= HOLE && gpa < HOLE + (2 << 20))
        return PETREL_BUS_ADDR_NONE;
    if (gpa >= FMAP && gpa < FMAP + FMAP_SIZE)
        return (0x800000ull + gfn * 16 + gens[(gpa - FMAP) / PG]) * PG;
    return (gfn ^ 0x5a5) * PG;
}

int hv_bus_addr(const uint64_t *gfns, uint64_t *addrs, uint32_t nr)
{
    calls++;
    assert_true(nr >= 1 && nr <= PETREL_BUS_ADDR_MAX);
    if (fail_call)
        return -XEN_EFAULT;
    for (uint32_t i = 0; i < nr; i++)
        addrs[i] = machine(gfns[i]);
    return 0;
}

static int setup(void **state)
{
    pages_init(&dom0_pages, (uintptr_t)pool_mem, POOL_PAGES, pool_bitmap);
    pages_add(&dom0_pages, (uintptr_t)pool_mem, (uintptr_t)pool_mem + sizeof(pool_mem));
    return 0;
}

static void test_own_ram(void **state)
{
    uint64_t gpa[3] = { 0x201234, 0x3ff000, 0x200000 }, bus[3];

    calls = 0;
    assert_int_equal(dma_addr(0x201234), (0x201 ^ 0x5a5) * PG + 0x234);
    assert_int_equal(calls, 1);                 /* the whole 2 MiB, once */
    assert_int_equal(dma_addrs(gpa, bus, 3), 0);
    assert_int_equal(calls, 1);
    assert_int_equal(bus[1], (0x3ff ^ 0x5a5) * PG);
    /* A hole has no address: -EFAULT, DMA_NONE there, the rest filled. */
    gpa[1] = HOLE + 0x10;
    assert_int_equal(dma_addrs(gpa, bus, 3), -XEN_EFAULT);
    assert_int_equal(bus[1], DMA_NONE);
    assert_int_equal(bus[2], (0x200 ^ 0x5a5) * PG);
    assert_int_equal(dma_addr(HOLE), DMA_NONE);
    assert_int_equal(dma_addrs(gpa, bus, PETREL_BUS_ADDR_MAX + 1), -XEN_EINVAL);
}

static void test_window(void **state)
{
    uint64_t a = FMAP + 5 * PG, b = FMAP + 9 * PG + 0x200, gpa[2] = { a, b }, bus[2];

    calls = 0;
    assert_int_equal(dma_addrs(gpa, bus, 2), 0);
    assert_int_equal(calls, 1);                 /* both pages in one call */
    assert_int_equal(bus[0], machine(a / PG));
    assert_int_equal(bus[1], machine(b / PG) + 0x200);
    assert_int_equal(dma_addrs(gpa, bus, 2), 0);
    assert_int_equal(calls, 1);                 /* remembered */
    /* Page a is unmapped and something else mapped there: asked again. */
    dma_forget(a, 1);
    gens[5]++;
    assert_int_equal(dma_addrs(gpa, bus, 2), 0);
    assert_int_equal(calls, 2);
    assert_int_equal(bus[0], machine(a / PG));
    assert_int_equal(bus[1], machine(b / PG) + 0x200);
    /* A range forgotten; pages outside the window ignored. */
    dma_forget(FMAP + 4 * PG, 8);
    dma_forget(0x200000, 4);
    gens[9]++;
    assert_int_equal(dma_addr(b), machine(b / PG) + 0x200);
    assert_int_equal(calls, 3);
    assert_int_equal(dma_addr(0x200000), (0x200 ^ 0x5a5) * PG);
    assert_int_equal(calls, 3);
    /* A failed call remembers nothing. */
    dma_forget(a, 1);
    fail_call = true;
    assert_int_equal(dma_addr(a), DMA_NONE);
    fail_call = false;
    assert_int_equal(dma_addr(a), machine(a / PG));
    assert_int_equal(calls, 5);
}

static void test_above_4g(void **state)
{
    calls = 0;
    assert_int_equal(dma_addr(HIGH + 0x10), machine(HIGH / PG) + 0x10);
    assert_int_equal(dma_addr(HIGH + 0x10), machine(HIGH / PG) + 0x10);
    assert_int_equal(calls, 2);                 /* never remembered */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_ram),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_above_4g),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
