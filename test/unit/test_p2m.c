/* SPDX-License-Identifier: MIT */
/* Unit tests for the guest-physical map (mm/p2m.c), both entry formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <petrel/bootinfo.h>
#include <petrel/errno.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include "stubs.h"

/*
 * The machine: 4 GiB of fake physical space, RAM from 1 MiB up, so the frame
 * allocator has three free 1 GiB blocks; built once, so that a failed test
 * cannot leave the heap pointing into a fake space that is gone. Every test
 * runs once per format; the fixture creates 'p' with every capability and,
 * in teardown, destroys it and checks that every frame came back.
 */

static enum p2m_format fmt;
static struct p2m *p;
static struct p2m_batch b;
static uint64_t free_at_start;          /* before p2m_create() */
static uint64_t free_base;              /* after it: root and struct taken */
static struct boot_info bi;

static const enum p2m_format npt = P2M_FORMAT_NPT, ept = P2M_FORMAT_EPT;

static unsigned int all_caps(void)
{
    return P2M_CAP_2M | P2M_CAP_1G | (fmt == P2M_FORMAT_NPT ? P2M_CAP_NX : 0);
}

static int machine_init(void **state)
{
    memset(&bi, 0, sizeof(bi));
    bi.ranges[0] = (struct mem_range){ MiB(1), GiB(4) - MiB(1), MEM_RAM };
    bi.nr_ranges = 1;
    stub_phys_init(GiB(4));
    return frame_init(&bi, NULL, 0);
}

static int setup(void **state)
{
    fmt = *(const enum p2m_format *)*state;
    free_at_start = frame_free_count();
    b = (struct p2m_batch)P2M_BATCH_INIT;
    p = p2m_create(fmt, 48, all_caps());
    assert_non_null(p);
    free_base = frame_free_count();
    return 0;
}

static int teardown(void **state)
{
    p2m_batch_done(&b);
    p2m_destroy(p);
    p = NULL;
    assert_int_equal(frame_free_count(), free_at_start);
    return 0;
}

/*
 * Frames in use are exactly the p2m's tables and owned blocks (once the
 * batch is done): the leak check of the middle of a test.
 */
static void check_frames(void)
{
    p2m_batch_done(&b);
    assert_int_equal(frame_free_count(),
                     free_base + 1 - p2m_table_pages(p) - p2m_owned_pages(p));
}

/* ---- the walk the CPU does, decoded from the manuals ---------------------- */

#define ADDR_MASK   0x000ffffffffff000ULL

struct hw {
    bool ok;                            /* a translation exists */
    uint64_t pa;                        /* where the address goes */
    unsigned int level;                 /* of the leaf */
    uint64_t leaf;
    bool r, w, x;                       /* what a guest access may do */
    bool uc;                            /* uncached */
};

static uint64_t *table_at(uint64_t pa)
{
    return phys_to_virt(pa);
}

/* NPT: long-mode paging as a user access (APM vol. 2, 5.3, 5.6, 15.25.5). */
static bool npt_step(uint64_t e, unsigned int l, struct hw *h)
{
    bool leaf = l == 0 || (e & 0x80);

    assert_true(e & 1);
    assert_false(l == 3 && (e & 0x80));         /* PS is reserved in a PML4E */
    assert_int_equal(e & 0x7f00000000000000ULL, 0); /* no key, no stray bits */
    h->r = h->r && (e & 4);
    h->w = h->w && (e & 4) && (e & 2);
    h->x = h->x && (e & 4) && !(e >> 63);
    if (leaf) {
        /* PAT bit (7 in a PTE, 12 in a large leaf) 0 and PCD+PWT both or none:
         * PAT index 0 (WB) or 3 (UC) of the power-on PAT. */
        assert_int_equal(l ? (e & 0x1000) : (e & 0x80), 0);
        assert_true((e & 0x18) == 0 || (e & 0x18) == 0x18);
        h->uc = (e & 0x18) == 0x18;
    }
    return leaf;
}

/* EPT (SDM vol. 3C, 29.3.2, 29.3.3.1 misconfigurations). */
static bool ept_step(uint64_t e, unsigned int l, struct hw *h)
{
    bool leaf = l == 0 || (l < 3 && (e & 0x80));
    unsigned int mt = (e >> 3) & 7;

    assert_true(e & 7);
    assert_false((e & 2) && !(e & 1));          /* write without read */
    assert_int_equal(e >> 56, 0);               /* 63: suppress #VE; 61:57 */
    if (!leaf)
        assert_int_equal(e & 0xf8, 0);          /* reserved in tables */
    h->r = h->r && (e & 1);
    h->w = h->w && (e & 2);
    h->x = h->x && (e & 4);
    if (leaf) {
        assert_true(mt == 0 || mt == 6);
        assert_int_equal(e & 0x40, 0);          /* IPAT */
        h->uc = mt == 0;
    }
    return leaf;
}

static struct hw hw_walk(uint64_t gfn)
{
    struct hw h = { .r = true, .w = true, .x = true };
    uint64_t table = p2m_root(p);

    for (int l = 3; l >= 0; l--) {
        uint64_t e = table_at(table)[(gfn >> (9 * l)) & 511];
        uint64_t size = PAGE_SIZE << (9 * l);
        bool present = fmt == P2M_FORMAT_NPT ? (e & 1) : (e & 7);

        if (!present)
            return (struct hw){ .ok = false };
        if (fmt == P2M_FORMAT_NPT ? npt_step(e, l, &h) : ept_step(e, l, &h)) {
            /* address bits below the page size: reserved (NPT bit 12: PAT) */
            assert_int_equal(e & ADDR_MASK & (size - 1), 0);
            h.ok = true;
            h.level = l;
            h.leaf = e;
            h.pa = (e & ADDR_MASK & ~(size - 1)) + ((gfn << PAGE_SHIFT) & (size - 1));
            return h;
        }
        table = e & ADDR_MASK;
    }
    fail();
    return h;
}

/* The entry that decides 'gfn' (present or not), with its level. */
static uint64_t raw_entry(uint64_t gfn, unsigned int *level)
{
    uint64_t table = p2m_root(p);

    for (int l = 3; l >= 0; l--) {
        uint64_t e = table_at(table)[(gfn >> (9 * l)) & 511];
        bool present = fmt == P2M_FORMAT_NPT ? (e & 1) : (e & 7);

        if (!present || l == 0 || (e & 0x80)) {
            *level = l;
            return e;
        }
        table = e & ADDR_MASK;
    }
    fail();
    return 0;
}

/* What a guest should be able to do with a page of type t. */
static void expect_hw(uint64_t gfn, uint64_t mfn, enum p2m_type t, unsigned int level)
{
    struct hw h = hw_walk(gfn);

    if (t == P2M_INVALID || t == P2M_RESERVED) {
        assert_false(h.ok);
        return;
    }
    assert_true(h.ok);
    assert_int_equal(h.pa, mfn << PAGE_SHIFT);
    assert_int_equal(h.level, level);
    assert_true(h.r);
    assert_int_equal(h.w, t != P2M_RAM_RO);
    assert_int_equal(h.x, t != P2M_MMIO);
    assert_int_equal(h.uc, t == P2M_MMIO);
}

static void expect_map(uint64_t gfn, uint64_t mfn, enum p2m_type t, unsigned int order,
                       unsigned int flags)
{
    uint64_t m;
    enum p2m_type tt;
    unsigned int o, f;

    if (p2m_lookup(p, gfn, &m, &tt, &o, &f))
        fail_msg("gfn %#llx not mapped", (unsigned long long)gfn);
    assert_int_equal(m, mfn);
    assert_int_equal(tt, t);
    assert_int_equal(o, order);
    assert_int_equal(f, flags);
    expect_hw(gfn, mfn, t, order / 9);
}

static void expect_none(uint64_t gfn)
{
    enum p2m_type t = P2M_RAM_RW;
    uint64_t m = 1;

    assert_int_equal(p2m_lookup(p, gfn, &m, &t, NULL, NULL), -ENOENT);
    assert_int_equal(t, P2M_INVALID);
    assert_int_equal(m, 0);
    assert_false(hw_walk(gfn).ok);
}

static void set_ok(uint64_t gfn, uint64_t mfn, unsigned int order, enum p2m_type t,
                   unsigned int flags)
{
    assert_int_equal(p2m_set(p, gfn, mfn, order, t, flags, &b), 0);
}

/* An owned block of 2^order frames, as its mfn. */
static uint64_t owned_block(unsigned int order)
{
    paddr_t pa = frame_alloc(order);

    assert_true(pa != 0);
    return pa >> PAGE_SHIFT;
}

/* ---- creation -------------------------------------------------------------- */

static void test_create(void **state)
{
    struct p2m *q;
    unsigned int o;
    enum p2m_type t;

    assert_null(p2m_create((enum p2m_format)2, 48, 0));
    assert_null(p2m_create(fmt, 12, 0));
    assert_null(p2m_create(fmt, 49, 0));
    assert_null(p2m_create(fmt, 48, P2M_CAP_1G));
    assert_null(p2m_create(fmt, 48, 1u << 7));
    assert_int_equal(frame_free_count(), free_base);

    assert_true(p2m_root(p) && IS_ALIGNED(p2m_root(p), PAGE_SIZE));
    for (unsigned int i = 0; i < 512; i++)
        assert_int_equal(table_at(p2m_root(p))[i], 0);
    assert_int_equal(p2m_table_pages(p), 1);
    assert_int_equal(p2m_ram_pages(p), 0);
    assert_int_equal(p2m_lookup(p, 0, NULL, &t, &o, NULL), -ENOENT);
    assert_int_equal(o, 27);
    assert_int_equal(t, P2M_INVALID);

    q = p2m_create(fmt, 48, 0);         /* no large pages */
    assert_non_null(q);
    assert_true(p2m_root(q) != p2m_root(p));
    assert_int_equal(p2m_set(q, 0, 0, 9, P2M_RAM_RW, 0, &b), -EOPNOTSUPP);
    assert_int_equal(p2m_set(q, 0, 0, 18, P2M_RAM_RW, 0, &b), -EOPNOTSUPP);
    assert_int_equal(p2m_remove(q, 0, 9, &b), -ENOENT);
    assert_int_equal(p2m_remove(q, 0, 18, &b), -ENOENT);
    p2m_destroy(q);
    q = p2m_create(fmt, 32, P2M_CAP_2M);
    assert_non_null(q);
    assert_int_equal(p2m_set(q, 0, 0, 18, P2M_RAM_RW, 0, &b), -EOPNOTSUPP);
    assert_int_equal(p2m_set(q, 512, 512, 9, P2M_RAM_RW, 0, &b), 0);
    p2m_destroy(q);
    p2m_destroy(NULL);
    assert_int_equal(frame_free_count(), free_base);
}

/* ---- mapping and the entry bits ---------------------------------------------- */

static void test_map_sizes(void **state)
{
    static const unsigned int orders[] = { 0, 9, 18 };
    uint64_t ram = 0;

    for (unsigned int i = 0; i < ARRAY_SIZE(orders); i++) {
        unsigned int o = orders[i];
        uint64_t n = 1ULL << o, apart = (uint64_t)o << 26;     /* orders apart */
        uint64_t gfns[] = { 3 * n + apart, (1ULL << 36) - n - apart,
                            (0x123ULL << 18) + apart };
        uint64_t mfn = (0x345ULL << 18) + 7 * n;

        for (unsigned int j = 0; j < ARRAY_SIZE(gfns); j++) {
            uint64_t g = gfns[j];

            set_ok(g, mfn, o, P2M_RAM_RW, 0);
            ram += n;
            assert_int_equal(p2m_ram_pages(p), ram);
            expect_map(g, mfn, P2M_RAM_RW, o, 0);
            expect_map(g + n - 1, mfn + n - 1, P2M_RAM_RW, o, 0);
            expect_map(g + n / 2 + 1 - (n == 1), mfn + n / 2 + 1 - (n == 1),
                       P2M_RAM_RW, o, 0);
            if (g + n < (1ULL << 36))
                expect_none(g + n);
            if (g)
                expect_none(g - 1);
        }
    }
    assert_false(b.flush);
    check_frames();
}

static void test_entry_bits(void **state)
{
    static const enum p2m_type types[] = { P2M_RAM_RW, P2M_RAM_RO, P2M_MMIO, P2M_RESERVED };
    uint64_t g = 0x40000;               /* 1 GiB */

    for (unsigned int i = 0; i < ARRAY_SIZE(types); i++) {
        for (unsigned int o = 0; o <= 18; o += 9) {
            enum p2m_type t = types[i];
            uint64_t mfn = o == 18 ? 0x3c0000 : 0xfe000 + (o ? 0 : i), e;
            unsigned int l;

            g += 1ULL << 18;
            set_ok(g, mfn, o, t, 0);
            expect_map(g, mfn, t, o, 0);
            e = raw_entry(g, &l);
            assert_int_equal(l, o / 9);
            assert_int_equal(e & ADDR_MASK, mfn << PAGE_SHIFT);
            if (fmt == P2M_FORMAT_NPT) {
                static const uint64_t want[] = { 0, 0x7, 0x5, 0x1f, 0 };

                assert_int_equal(e & 0x1f, want[t]);
                assert_int_equal(!!(e & 0x80), o && t != P2M_RESERVED);
                assert_int_equal(e >> 63, t == P2M_MMIO);
            } else {
                static const uint64_t want[] = { 0, 0x37, 0x35, 0x03, 0 };

                assert_int_equal(e & 0x7f, want[t]);
                assert_int_equal(!!(e & 0x80), o && t != P2M_RESERVED);
                assert_int_equal(e >> 56, 0);
            }
        }
    }
    /* tables: NPT P|RW|US, EPT R|W|X; nothing else */
    for (unsigned int i = 0; i < 512; i++) {
        uint64_t e = table_at(p2m_root(p))[i];

        if (e)
            assert_int_equal(e & ~ADDR_MASK, 0x7);
    }
    assert_int_equal(p2m_ram_pages(p), 2 * (1 + 512 + 262144));
    assert_false(b.flush);
    check_frames();
}

/* NPT without EFER.NXE: bit 63 is reserved, MMIO stays executable. */
static void test_npt_no_nx(void **state)
{
    struct p2m *q = p2m_create(P2M_FORMAT_NPT, 48, P2M_CAP_2M);
    struct p2m *save = p;
    unsigned int l;

    p = q;
    set_ok(5, 0xfee00, 0, P2M_MMIO, 0);
    set_ok(512, 0xfe000, 9, P2M_MMIO, 0);
    assert_int_equal(raw_entry(5, &l) >> 63, 0);
    assert_int_equal(raw_entry(512, &l) >> 63, 0);
    assert_true(hw_walk(5).x && hw_walk(5).uc);
    p = save;
    p2m_destroy(q);
}

static void test_reserved_and_lookup(void **state)
{
    uint64_t m;
    enum p2m_type t;
    unsigned int o, f, l;

    set_ok(0x1000, 0x777, 0, P2M_RESERVED, 0);
    set_ok(0x2000 << 9, 0, 18, P2M_RESERVED, 0);
    assert_int_equal(raw_entry(0x1000, &l) & (fmt == P2M_FORMAT_NPT ? 1 : 7), 0);
    assert_int_equal(p2m_lookup(p, 0x1000, &m, &t, &o, &f), 0);
    assert_true(m == 0x777 && t == P2M_RESERVED && o == 0 && f == 0);
    assert_int_equal(p2m_lookup(p, (0x2000 << 9) + 77, &m, &t, &o, NULL), 0);
    assert_true(m == 77 && t == P2M_RESERVED && o == 18);
    assert_int_equal(p2m_ram_pages(p), 0);
    /* holes report their size */
    assert_int_equal(p2m_lookup(p, 0x1001, NULL, &t, &o, NULL), -ENOENT);
    assert_int_equal(o, 0);
    assert_int_equal(p2m_lookup(p, 0x1000 + 512, NULL, NULL, &o, NULL), -ENOENT);
    assert_int_equal(o, 9);
    assert_int_equal(p2m_lookup(p, 1ULL << 30, NULL, NULL, &o, NULL), -ENOENT);
    assert_int_equal(o, 27);
    assert_int_equal(p2m_lookup(p, 1ULL << 36, &m, &t, &o, &f), -EINVAL);
    assert_false(b.flush);
}

/* ---- replacing and splitting ----------------------------------------------- */

static void test_replace(void **state)
{
    uint64_t g = 0x80000, tables;

    set_ok(g, 0x100, 0, P2M_RAM_RW, 0);
    assert_false(b.flush);
    set_ok(g, 0x200, 0, P2M_RAM_RO, 0);
    assert_true(b.flush);
    expect_map(g, 0x200, P2M_RAM_RO, 0, 0);
    assert_int_equal(p2m_ram_pages(p), 1);
    set_ok(g, 0x300, 0, P2M_MMIO, 0);
    assert_int_equal(p2m_ram_pages(p), 0);
    check_frames();

    /* three 4 KiB pages under a 2 MiB one: their table goes */
    g = 0x100000;
    set_ok(g + 1, 0x10, 0, P2M_RAM_RW, 0);
    set_ok(g + 100, 0x11, 0, P2M_RAM_RW, 0);
    set_ok(g + 511, 0x12, 0, P2M_MMIO, 0);
    tables = p2m_table_pages(p);
    set_ok(g, 0x4000, 9, P2M_RAM_RW, 0);
    assert_int_equal(p2m_table_pages(p), tables - 1);
    expect_map(g + 100, 0x4000 + 100, P2M_RAM_RW, 9, 0);
    assert_int_equal(p2m_ram_pages(p), 512);
    check_frames();

    /* a 1 GiB page over 2 MiB and 4 KiB pages below it: two levels go */
    g = 0x200000;
    set_ok(g + 512 * 3, 0x8000, 9, P2M_RAM_RW, 0);
    set_ok(g + 512 * 7 + 5, 0x99, 0, P2M_RAM_RW, 0);
    set_ok(g + 512 * 300 + 1, 0x98, 0, P2M_RAM_RO, 0);
    tables = p2m_table_pages(p);
    set_ok(g, 0x40000, 18, P2M_RAM_RO, 0);
    assert_int_equal(p2m_table_pages(p), tables - 3);
    expect_map(g + 512 * 7 + 5, 0x40000 + 512 * 7 + 5, P2M_RAM_RO, 18, 0);
    assert_int_equal(p2m_ram_pages(p), 512 + 262144);
    check_frames();
}

/* Every frame of [g, g + n) maps mfn + i with type t at 'order', but 'skip'. */
static void expect_rest(uint64_t g, uint64_t mfn, uint64_t n, enum p2m_type t,
                        unsigned int order, unsigned int flags, uint64_t skip_from,
                        uint64_t skip_n)
{
    for (uint64_t i = 0; i < n; i++)
        if (i < skip_from || i >= skip_from + skip_n)
            expect_map(g + i, mfn + i, t, order, flags);
}

static void test_split(void **state)
{
    uint64_t g = 0x300000, tables;

    set_ok(g, 0x5000, 9, P2M_RAM_RW, 0);
    tables = p2m_table_pages(p);
    assert_false(b.flush);
    set_ok(g + 5, 0x77, 0, P2M_MMIO, 0);
    assert_true(b.flush);
    assert_int_equal(p2m_table_pages(p), tables + 1);
    expect_map(g + 5, 0x77, P2M_MMIO, 0, 0);
    expect_rest(g, 0x5000, 512, P2M_RAM_RW, 0, 0, 5, 1);
    assert_int_equal(p2m_ram_pages(p), 511);

    /* 1 GiB: split to 2 MiB pieces, one of them on to 4 KiB */
    g = 0x400000;
    set_ok(g, 0x80000, 18, P2M_RAM_RO, 0);
    set_ok(g + 512 * 9, 0x1000, 9, P2M_RAM_RW, 0);
    set_ok(g + 512 * 10 + 3, 0x2000, 0, P2M_RAM_RW, 0);
    for (uint64_t i = 0; i < 512; i++) {
        uint64_t s = g + 512 * i;

        if (i == 9)
            expect_map(s + 17, 0x1000 + 17, P2M_RAM_RW, 9, 0);
        else if (i == 10)
            expect_rest(s, 0x80000 + 512 * i, 512, P2M_RAM_RO, 0, 0, 3, 1);
        else
            expect_map(s + i, 0x80000 + 512 * i + i, P2M_RAM_RO, 9, 0);
    }
    expect_map(g + 512 * 10 + 3, 0x2000, P2M_RAM_RW, 0, 0);
    assert_int_equal(p2m_ram_pages(p), 511 + 262144);

    /* a RESERVED page splits without a flush; its pieces stay RESERVED */
    g = 0x500000;
    set_ok(g, 0x6000, 9, P2M_RESERVED, 0);
    p2m_batch_done(&b);
    set_ok(g + 8, 0x78, 0, P2M_RAM_RW, 0);
    assert_false(b.flush);
    expect_rest(g, 0x6000, 512, P2M_RESERVED, 0, 0, 8, 1);
    expect_map(g + 8, 0x78, P2M_RAM_RW, 0, 0);
    check_frames();
}

/* ---- bad arguments --------------------------------------------------------------- */

static void test_bad_args(void **state)
{
    uint64_t tables = p2m_table_pages(p), free = frame_free_count();
    struct p2m *q = p2m_create(fmt, 32, all_caps());

    assert_int_equal(p2m_set(p, 1, 0, 9, P2M_RAM_RW, 0, &b), -EINVAL);
    assert_int_equal(p2m_set(p, 512, 0, 18, P2M_RAM_RW, 0, &b), -EINVAL);
    assert_int_equal(p2m_set(p, 0, 256, 9, P2M_RAM_RW, 0, &b), -EINVAL);
    assert_int_equal(p2m_set(p, 0, 512, 18, P2M_RAM_RW, 0, &b), -EINVAL);
    assert_int_equal(p2m_set(p, 1ULL << 36, 0, 0, P2M_RAM_RW, 0, &b), -EINVAL);
    assert_int_equal(p2m_set(p, ~0ULL << 18, 0, 18, P2M_RAM_RW, 0, &b), -EINVAL);
    assert_int_equal(p2m_set(p, 0, 1ULL << 40, 0, P2M_RAM_RW, 0, &b), -EINVAL);
    assert_int_equal(p2m_set(p, 0, ~0ULL, 0, P2M_RAM_RW, 0, &b), -EINVAL);
    assert_int_equal(p2m_set(p, 0, 0, 1, P2M_RAM_RW, 0, &b), -EINVAL);
    assert_int_equal(p2m_set(p, 0, 0, 10, P2M_RAM_RW, 0, &b), -EINVAL);
    assert_int_equal(p2m_set(p, 0, 0, 27, P2M_RAM_RW, 0, &b), -EINVAL);
    assert_int_equal(p2m_set(p, 0, 0, 0, P2M_INVALID, 0, &b), -EINVAL);
    assert_int_equal(p2m_set(p, 0, 0, 0, (enum p2m_type)5, 0, &b), -EINVAL);
    assert_int_equal(p2m_set(p, 0, 0, 0, P2M_RAM_RW, 8, &b), -EINVAL);
    assert_int_equal(p2m_remove(p, 1, 9, &b), -EINVAL);
    assert_int_equal(p2m_remove(p, 0, 3, &b), -EINVAL);
    assert_int_equal(p2m_remove(p, 1ULL << 36, 0, &b), -EINVAL);
    assert_int_equal(p2m_table_pages(p), tables);
    /* the edges that are fine */
    set_ok((1ULL << 36) - 1, (1ULL << 40) - 1, 0, P2M_MMIO, 0);
    expect_map((1ULL << 36) - 1, (1ULL << 40) - 1, P2M_MMIO, 0, 0);
    set_ok((1ULL << 36) - (2ULL << 18), (1ULL << 40) - (1ULL << 18), 18, P2M_MMIO, 0);
    expect_map((1ULL << 36) - (1ULL << 18) - 1, (1ULL << 40) - 1, P2M_MMIO, 18, 0);

    /* a 4 GiB guest */
    assert_int_equal(p2m_set(q, 1ULL << 20, 0, 0, P2M_RAM_RW, 0, &b), -EINVAL);
    assert_int_equal(p2m_lookup(q, 1ULL << 20, NULL, NULL, NULL, NULL), -EINVAL);
    assert_int_equal(p2m_set(q, (1ULL << 20) - 1, 0, 0, P2M_RAM_RW, 0, &b), 0);
    assert_int_equal(p2m_set(q, 2ULL << 18, 0, 18, P2M_RAM_RW, 0, &b), 0);
    assert_int_equal(p2m_ram_pages(q), 1 + (1 << 18));
    p2m_destroy(q);
    assert_false(b.flush);
    assert_int_equal(frame_free_count(), free - (p2m_table_pages(p) - tables));
}

/* ---- removing ----------------------------------------------------------------- */

static void test_remove(void **state)
{
    uint64_t g = 0x600000, tables;

    assert_int_equal(p2m_remove(p, g, 0, &b), -ENOENT);
    assert_int_equal(p2m_remove(p, g, 18, &b), -ENOENT);
    assert_int_equal(p2m_table_pages(p), 1);
    set_ok(g + 1, 0x50, 0, P2M_RAM_RW, 0);
    assert_int_equal(p2m_remove(p, g, 0, &b), -ENOENT);     /* the neighbour */
    assert_false(b.flush);
    assert_int_equal(p2m_remove(p, g + 1, 0, &b), 0);
    assert_true(b.flush);
    expect_none(g + 1);
    assert_int_equal(p2m_ram_pages(p), 0);
    /* its tables stay, empty; removing the 2 MiB range finds nothing */
    assert_int_equal(p2m_table_pages(p), 4);
    assert_int_equal(p2m_remove(p, g, 9, &b), -ENOENT);
    check_frames();

    /* a 4 KiB hole in a 2 MiB page */
    set_ok(g, 0x7000, 9, P2M_RAM_RW, 0);
    p2m_batch_done(&b);
    assert_int_equal(p2m_remove(p, g + 200, 0, &b), 0);
    assert_true(b.flush);
    expect_none(g + 200);
    expect_rest(g, 0x7000, 512, P2M_RAM_RW, 0, 0, 200, 1);
    assert_int_equal(p2m_ram_pages(p), 511);

    /* a 2 MiB hole in a 1 GiB page, then a 1 GiB range with tables in it */
    g = 0x700000;
    set_ok(g, 0xc0000, 18, P2M_MMIO, 0);
    assert_int_equal(p2m_remove(p, g + 512 * 4, 9, &b), 0);
    expect_none(g + 512 * 4 + 9);
    expect_map(g + 512 * 5, 0xc0000 + 512 * 5, P2M_MMIO, 9, 0);
    set_ok(g + 512 * 4 + 2, 0x51, 0, P2M_RAM_RW, 0);
    tables = p2m_table_pages(p);
    assert_int_equal(p2m_remove(p, g, 18, &b), 0);
    assert_int_equal(p2m_table_pages(p), tables - 2);
    expect_none(g + 512 * 4 + 2);
    expect_none(g + 512 * 511);
    assert_int_equal(p2m_ram_pages(p), 511);

    /* RESERVED goes without a flush */
    p2m_batch_done(&b);
    set_ok(g, 0, 0, P2M_RESERVED, 0);
    assert_int_equal(p2m_remove(p, g, 0, &b), 0);
    assert_false(b.flush);
    assert_int_equal(p2m_lookup(p, g, NULL, NULL, NULL, NULL), -ENOENT);
    check_frames();
}

/* ---- owned frames -------------------------------------------------------------- */

static void test_owned_remove_replace(void **state)
{
    uint64_t free, m1 = owned_block(0), m2 = owned_block(0), g = 0x800000;

    set_ok(g, m1, 0, P2M_RAM_RW, P2M_OWNED);
    expect_map(g, m1, P2M_RAM_RW, 0, P2M_OWNED);
    assert_int_equal(p2m_owned_pages(p), 1);
    free = frame_free_count();
    assert_int_equal(p2m_remove(p, g, 0, &b), 0);
    assert_int_equal(frame_free_count(), free);             /* not before the flush */
    assert_true(b.flush);
    p2m_batch_done(&b);
    assert_int_equal(frame_free_count(), free + 1);
    assert_int_equal(frame_block_order(m1 << PAGE_SHIFT), -1);
    assert_int_equal(p2m_owned_pages(p), 0);

    /* replaced by another owned frame, then by a foreign one */
    m1 = owned_block(0);
    set_ok(g, m1, 0, P2M_RAM_RW, P2M_OWNED);
    set_ok(g, m2, 0, P2M_RAM_RW, P2M_OWNED);
    free = frame_free_count();
    p2m_batch_done(&b);
    assert_int_equal(frame_free_count(), free + 1);
    set_ok(g, 0x5555, 0, P2M_RAM_RW, 0);
    p2m_batch_done(&b);
    assert_int_equal(frame_free_count(), free + 2);
    assert_int_equal(p2m_owned_pages(p), 0);

    /* an owned 2 MiB page replaced by a 2 MiB MMIO page */
    m1 = owned_block(9);
    set_ok(g, m1, 9, P2M_RAM_RW, P2M_OWNED);
    assert_int_equal(p2m_owned_pages(p), 512);
    set_ok(g, 0xfd000, 9, P2M_MMIO, 0);
    assert_int_equal(p2m_owned_pages(p), 0);
    check_frames();
}

static void test_owned_split(void **state)
{
    uint64_t g = 0x900000, m = owned_block(9), big, free;

    /* a 4 KiB hole in an owned 2 MiB page frees one frame */
    set_ok(g, m, 9, P2M_RAM_RW, P2M_OWNED);
    free = frame_free_count();
    assert_int_equal(p2m_remove(p, g + 7, 0, &b), 0);
    p2m_batch_done(&b);
    assert_int_equal(frame_free_count(), free);             /* the new table */
    assert_int_equal(frame_block_order((m + 7) << PAGE_SHIFT), -1);
    assert_int_equal(frame_block_order((m + 8) << PAGE_SHIFT), 0);
    assert_int_equal(p2m_owned_pages(p), 511);
    expect_rest(g, m, 512, P2M_RAM_RW, 0, P2M_OWNED, 7, 1);
    check_frames();

    /* an owned 1 GiB page with a foreign 4 KiB page mapped into it */
    g = 0xa00000;
    big = owned_block(18);
    set_ok(g, big, 18, P2M_RAM_RW, P2M_OWNED);
    set_ok(g + 512 * 33 + 1, 0x4321, 0, P2M_RAM_RW, 0);
    assert_int_equal(p2m_owned_pages(p), 511 + 262143);
    expect_map(g + 512 * 33 + 1, 0x4321, P2M_RAM_RW, 0, 0);
    expect_map(g + 512 * 33 + 2, big + 512 * 33 + 2, P2M_RAM_RW, 0, P2M_OWNED);
    expect_map(g + 512 * 34, big + 512 * 34, P2M_RAM_RW, 9, P2M_OWNED);
    check_frames();
    /* and a 2 MiB piece of it removed */
    assert_int_equal(p2m_remove(p, g + 512 * 100, 9, &b), 0);
    assert_int_equal(p2m_owned_pages(p), 511 + 262143 - 512);
    check_frames();
}

/* Re-mapping an owned block at its place changes its type and keeps it. */
static void test_owned_type_change(void **state)
{
    uint64_t g = 0xb00000, m = owned_block(0), m2, free;

    set_ok(g, m, 0, P2M_RAM_RW, P2M_OWNED);
    free = frame_free_count();
    assert_int_equal(p2m_set(p, g, m, 0, P2M_RAM_RO, 0, &b), -EBUSY);
    expect_map(g, m, P2M_RAM_RW, 0, P2M_OWNED);
    set_ok(g, m, 0, P2M_RAM_RO, P2M_OWNED);
    assert_true(b.flush);
    p2m_batch_done(&b);
    assert_int_equal(frame_free_count(), free);
    expect_map(g, m, P2M_RAM_RO, 0, P2M_OWNED);
    assert_int_equal(p2m_owned_pages(p), 1);
    assert_int_equal(p2m_ram_pages(p), 1);
    set_ok(g, m, 0, P2M_RESERVED, P2M_OWNED);             /* kept, unreachable */
    assert_int_equal(p2m_ram_pages(p), 0);
    assert_int_equal(p2m_owned_pages(p), 1);
    check_frames();

    /* the same for a piece of an owned 2 MiB page */
    g = 0xc00000;
    m2 = owned_block(9);
    set_ok(g, m2, 9, P2M_RAM_RW, P2M_OWNED);
    assert_int_equal(p2m_set(p, g + 3, m2 + 3, 0, P2M_RAM_RO, 0, &b), -EBUSY);
    expect_map(g + 3, m2 + 3, P2M_RAM_RW, 9, P2M_OWNED);    /* not even split */
    set_ok(g + 3, m2 + 3, 0, P2M_RAM_RO, P2M_OWNED);
    expect_map(g + 3, m2 + 3, P2M_RAM_RO, 0, P2M_OWNED);
    expect_rest(g, m2, 512, P2M_RAM_RW, 0, P2M_OWNED, 3, 1);
    assert_int_equal(p2m_owned_pages(p), 513);
    check_frames();
}

/* P2M_DETACH: the owned frame a new mapping replaces becomes the caller's. */
static void test_owned_detach(void **state)
{
    uint64_t g = 0xd00000, m = owned_block(0), m2, free;

    set_ok(g, m, 0, P2M_RAM_RW, P2M_OWNED);
    free = frame_free_count();
    set_ok(g, 0x6666, 0, P2M_RAM_RW, P2M_DETACH);          /* not owned: shared_info-like */
    assert_true(b.flush);
    p2m_batch_done(&b);
    assert_int_equal(frame_free_count(), free);             /* not freed */
    assert_int_equal(frame_block_order(m << PAGE_SHIFT), 0);  /* still allocated */
    assert_int_equal(p2m_owned_pages(p), 0);
    expect_map(g, 0x6666, P2M_RAM_RW, 0, 0);
    frame_free(m << PAGE_SHIFT, 0);                         /* the caller's to free */
    check_frames();

    /* a piece of an owned 2 MiB page: split, and only that piece detached */
    g = 0xe00000;
    m2 = owned_block(9);
    set_ok(g, m2, 9, P2M_RAM_RW, P2M_OWNED);
    set_ok(g + 5, 0x7777, 0, P2M_RAM_RW, P2M_DETACH);
    p2m_batch_done(&b);
    assert_int_equal(frame_block_order((m2 + 5) << PAGE_SHIFT), 0);
    assert_int_equal(p2m_owned_pages(p), 511);
    expect_rest(g, m2, 512, P2M_RAM_RW, 0, P2M_OWNED, 5, 1);
    frame_free((m2 + 5) << PAGE_SHIFT, 0);
    check_frames();

    /* without an owned frame there, DETACH changes nothing */
    set_ok(0xf00000, 0x8888, 0, P2M_MMIO, P2M_DETACH);
    set_ok(0xf00000, 0x9999, 0, P2M_RAM_RW, P2M_DETACH);
    check_frames();
}

/* Many owned blocks of every order, changed in one batch: all come back. */
static void test_owned_many(void **state)
{
    uint64_t g = 0x1000000, owned = 0;

    for (unsigned int i = 0; i < 2000; i++) {
        set_ok(g + i * 3, owned_block(0), 0, P2M_RAM_RW, P2M_OWNED);
        owned++;
    }
    for (unsigned int i = 0; i < 40; i++) {
        set_ok(g + (1ULL << 18) + i * 1024, owned_block(9), 9, P2M_RAM_RO, P2M_OWNED);
        owned += 512;
    }
    set_ok(g + (2ULL << 18), owned_block(18), 18, P2M_RAM_RW, P2M_OWNED);
    owned += 1ULL << 18;
    set_ok(g + (3ULL << 18), 0xfe000, 9, P2M_MMIO, 0);
    set_ok(g + (3ULL << 18) + 512, 0, 9, P2M_RESERVED, 0);
    assert_int_equal(p2m_owned_pages(p), owned);
    check_frames();

    /* 1000 drops in one batch: it overflows into frames of its own */
    for (unsigned int i = 0; i < 1000; i++)
        assert_int_equal(p2m_remove(p, g + i * 6, 0, &b), 0);
    for (unsigned int i = 0; i < 20; i++)
        assert_int_equal(p2m_remove(p, g + (1ULL << 18) + i * 2048 + 256, 0, &b), 0);
    set_ok(g + (2ULL << 18) + 512 * 9, owned_block(9), 9, P2M_RAM_RW, P2M_OWNED);
    assert_true(b.more != 0);
    assert_int_equal(p2m_owned_pages(p), owned - 1000 - 20);
    check_frames();
    /* a batch may outlive its p2m */
    assert_int_equal(p2m_remove(p, g + (2ULL << 18), 18, &b), 0);
    p2m_destroy(p);
    p = NULL;
    p2m_batch_done(&b);
    assert_int_equal(frame_free_count(), free_at_start);
}

/* ---- out of memory ------------------------------------------------------------- */

static paddr_t *hoard;
static size_t nr_hoard;

static void hoard_all(void)
{
    paddr_t pa;

    hoard = realloc(hoard, frame_free_count() * sizeof(*hoard) + 8);
    nr_hoard = 0;
    while ((pa = frame_alloc(0)))
        hoard[nr_hoard++] = pa;
    assert_int_equal(frame_free_count(), 0);
}

static void hoard_take(void)
{
    paddr_t pa = frame_alloc(0);

    assert_true(pa != 0);
    hoard[nr_hoard++] = pa;
}

static void hoard_give(size_t n)
{
    while (n-- && nr_hoard)
        frame_free(hoard[--nr_hoard], 0);
}

static void test_enomem(void **state)
{
    uint64_t g = 0x2000000, big = owned_block(9), m[P2M_BATCH_SLOTS + 1];
    uint64_t tables, ram;

    set_ok(g, 0x100, 0, P2M_RAM_RW, 0);     /* a leaf table to add into */
    set_ok(g + 512, big, 9, P2M_RAM_RW, P2M_OWNED);
    for (unsigned int i = 0; i <= P2M_BATCH_SLOTS; i++) {
        m[i] = owned_block(0);
        set_ok(g + 2 + i, m[i], 0, P2M_RAM_RW, P2M_OWNED);
    }
    p2m_batch_done(&b);
    tables = p2m_table_pages(p);
    ram = p2m_ram_pages(p);
    hoard_all();

    assert_null(p2m_create(fmt, 48, all_caps()));
    /* a new region needs three tables */
    assert_int_equal(p2m_set(p, 1ULL << 30, 0x100, 0, P2M_RAM_RW, 0, &b), -ENOMEM);
    hoard_give(2);
    assert_int_equal(p2m_set(p, 1ULL << 30, 0x100, 0, P2M_RAM_RW, 0, &b), -ENOMEM);
    assert_int_equal(frame_free_count(), 2);
    expect_none(1ULL << 30);
    /* a split needs one */
    hoard_take();
    hoard_take();
    assert_int_equal(p2m_set(p, g + 513, 0x100, 0, P2M_RAM_RW, 0, &b), -ENOMEM);
    assert_int_equal(p2m_remove(p, g + 513, 0, &b), -ENOMEM);
    assert_false(b.flush);
    assert_int_equal(p2m_table_pages(p), tables);
    assert_int_equal(p2m_ram_pages(p), ram);
    expect_map(g + 513, big + 1, P2M_RAM_RW, 9, P2M_OWNED);
    /* no table needed: fine */
    set_ok(g + 100, 0x101, 0, P2M_MMIO, 0);
    /* a full batch cannot grow: nothing changes until it is done */
    for (unsigned int i = 0; i < P2M_BATCH_SLOTS; i++)
        assert_int_equal(p2m_remove(p, g + 2 + i, 0, &b), 0);
    assert_int_equal(p2m_remove(p, g + 2 + P2M_BATCH_SLOTS, 0, &b), -ENOMEM);
    expect_map(g + 2 + P2M_BATCH_SLOTS, m[P2M_BATCH_SLOTS], P2M_RAM_RW, 0, P2M_OWNED);
    assert_int_equal(p2m_remove(p, g + 100, 0, &b), 0);     /* no frame to free */
    p2m_batch_done(&b);
    assert_int_equal(frame_free_count(), P2M_BATCH_SLOTS);
    assert_int_equal(p2m_remove(p, g + 2 + P2M_BATCH_SLOTS, 0, &b), 0);
    assert_int_equal(p2m_set(p, g + 513, 0x100, 0, P2M_RAM_RW, 0, &b), 0);
    expect_rest(g + 512, big, 512, P2M_RAM_RW, 0, P2M_OWNED, 1, 1);
    p2m_batch_done(&b);

    hoard_give(nr_hoard);
}

/* ---- flush reporting --------------------------------------------------------------- */

static void expect_flush(bool want)
{
    assert_int_equal(b.flush, want);
    p2m_batch_done(&b);
    assert_false(b.flush);
}

static void test_flush(void **state)
{
    uint64_t g = 0x3000000;

    set_ok(g, 1, 0, P2M_RAM_RW, 0);
    expect_flush(false);                            /* new */
    set_ok(g + 1, 1, 0, P2M_RESERVED, 0);
    expect_flush(false);
    set_ok(g + 1, 2, 0, P2M_RAM_RW, 0);
    expect_flush(false);                            /* over RESERVED */
    set_ok(g + 1, 2, 0, P2M_RAM_RW, 0);
    expect_flush(true);                             /* the same again: still */
    set_ok(g + 1, 3, 0, P2M_RAM_RO, 0);
    expect_flush(true);
    set_ok(g + 1, 3, 0, P2M_RAM_RW, 0);
    expect_flush(true);                             /* even an upgrade */
    set_ok(g + 1, 3, 0, P2M_RESERVED, 0);
    expect_flush(true);
    assert_int_equal(p2m_remove(p, g + 1, 0, &b), 0);
    expect_flush(false);
    assert_int_equal(p2m_remove(p, g, 0, &b), 0);
    expect_flush(true);
    assert_int_equal(p2m_remove(p, g, 0, &b), -ENOENT);
    expect_flush(false);

    set_ok(g + 512, 0, 9, P2M_RESERVED, 0);
    set_ok(g + 512 + 3, 0, 0, P2M_RAM_RW, 0);
    expect_flush(false);                            /* split of RESERVED */
    set_ok(g + 1024, 0, 9, P2M_RAM_RW, 0);
    expect_flush(false);
    set_ok(g + 1024 + 3, 0, 0, P2M_RESERVED, 0);
    expect_flush(true);                             /* split of a present page */
    set_ok(g + 1536 + 3, 0, 0, P2M_RESERVED, 0);
    set_ok(g + 1536, 0, 9, P2M_RAM_RW, 0);
    expect_flush(true);                             /* a table goes */
    set_ok(g + 1536, 0, 9, P2M_RAM_RW, 0);
    b.flush = false;                                /* sticky: set, never cleared */
    set_ok(g + 4096, 0, 0, P2M_RAM_RW, 0);
    assert_false(b.flush);
    set_ok(g + 4096, 0, 0, P2M_RAM_RW, 0);
    set_ok(g + 4097, 0, 0, P2M_RAM_RW, 0);
    expect_flush(true);
}

/* ---- random changes against a model ------------------------------------------ */

#define WIN_BITS    20                  /* a 4 GiB guest */
#define WIN         (1ULL << WIN_BITS)

struct shadow {
    uint64_t mfn;
    uint8_t type;
    uint8_t owned;
};

static struct shadow *sh;
static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void shadow_check(uint64_t gfn)
{
    uint64_t m;
    enum p2m_type t;
    unsigned int o, f;
    int rc = p2m_lookup(p, gfn, &m, &t, &o, &f);
    struct hw h = hw_walk(gfn);

    assert_int_equal(t, sh[gfn].type);
    if (sh[gfn].type == P2M_INVALID) {
        assert_int_equal(rc, -ENOENT);
        assert_false(h.ok);
        return;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(m, sh[gfn].mfn);
    assert_int_equal(f, sh[gfn].owned ? P2M_OWNED : 0);
    assert_true(IS_ALIGNED(m - (gfn & ((1ULL << o) - 1)), 1ULL << o));
    if (sh[gfn].type == P2M_RESERVED) {
        assert_false(h.ok);
    } else {
        assert_true(h.ok && h.level == o / 9 && h.pa == m << PAGE_SHIFT);
        assert_int_equal(h.w, t != P2M_RAM_RO);
        assert_int_equal(h.x, t != P2M_MMIO);
        assert_int_equal(h.uc, t == P2M_MMIO);
    }
}

static void shadow_totals(void)
{
    uint64_t ram = 0, owned = 0;

    for (uint64_t g = 0; g < WIN; g++) {
        ram += sh[g].type == P2M_RAM_RW || sh[g].type == P2M_RAM_RO;
        owned += sh[g].owned;
    }
    assert_int_equal(p2m_ram_pages(p), ram);
    assert_int_equal(p2m_owned_pages(p), owned);
    check_frames();
}

/* One random change, applied to the p2m and the model. */
static void random_step(bool *want_flush)
{
    uint64_t r = rng();
    unsigned int order = r % 100 < 2 ? 18 : r % 100 < 20 ? 9 : 0;
    uint64_t n = 1ULL << order, hot = (r >> 20) % 2 ? WIN : 16 * 512;
    uint64_t gfn = (rng() % hot) & ~(n - 1);
    bool mapped = false, present = false;
    enum p2m_type t = 1 + (r >> 8) % 4;
    uint64_t mfn = ((1ULL << 30) + rng() % (1ULL << 39)) & ~(n - 1);
    bool owned = (r >> 12) % 2 && order < 18;
    int rc;

    for (uint64_t i = 0; i < n; i++) {
        mapped |= sh[gfn + i].type != P2M_INVALID;
        present |= sh[gfn + i].type != P2M_INVALID && sh[gfn + i].type != P2M_RESERVED;
    }
    if ((r >> 16) % 10 < 3) {
        rc = p2m_remove(p, gfn, order, &b);
        assert_int_equal(rc, mapped ? 0 : -ENOENT);
        t = P2M_INVALID;
    } else {
        if (owned && (mfn = frame_alloc(order) >> PAGE_SHIFT) == 0)
            owned = false, mfn = 1ULL << 30;
        set_ok(gfn, mfn, order, t, owned ? P2M_OWNED : 0);
    }
    *want_flush |= present;
    for (uint64_t i = 0; i < n; i++)
        sh[gfn + i] = (struct shadow){ t == P2M_INVALID ? 0 : mfn + i, t, owned && t };
    shadow_check(gfn);
    shadow_check(gfn + n - 1);
}

static void test_random(void **state)
{
    bool want_flush = false;

    sh = calloc(WIN, sizeof(*sh));
    assert_non_null(sh);
    rng_state = fmt == P2M_FORMAT_NPT ? 0x9e3779b97f4a7c15ULL : 0x2545f4914f6cdd1dULL;
    for (unsigned int step = 1; step <= 8000; step++) {
        random_step(&want_flush);
        if (step % 50 == 0) {
            if (want_flush)
                assert_true(b.flush);
            want_flush = false;
            p2m_batch_done(&b);
        }
        if (step % 500 == 0) {
            for (unsigned int i = 0; i < 3000; i++)
                shadow_check(rng() % WIN);
            shadow_totals();
        }
    }
    free(sh);
    sh = NULL;
}

/* ---- the mirror ------------------------------------------------------------------ */

struct mirror_call {
    unsigned int n;
    uint64_t gfn, mfn;
    unsigned int order, flags;
    enum p2m_type t;
};

static void mirror_record(void *ctx, uint64_t gfn, uint64_t mfn, unsigned int order,
                          enum p2m_type t, unsigned int flags)
{
    struct mirror_call *c = ctx;

    *c = (struct mirror_call){ c->n + 1, gfn, mfn, order, flags, t };
}

static void test_mirror(void **state)
{
    struct mirror_call c = { 0 };

    p2m_set_mirror(p, mirror_record, &c);
    set_ok(0x200, 0x1200, 9, P2M_RAM_RW, 0);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.gfn, 0x200);
    assert_int_equal(c.mfn, 0x1200);
    assert_int_equal(c.order, 9);
    assert_int_equal(c.t, P2M_RAM_RW);
    assert_int_equal(c.flags, 0);
    /* P2M_NODMA reaches the mirror and is not stored */
    set_ok(0x5, 0x77, 0, P2M_RAM_RW, P2M_NODMA);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.flags, P2M_NODMA);
    assert_int_equal(c.t, P2M_RAM_RW);
    expect_map(0x5, 0x77, P2M_RAM_RW, 0, 0);
    /* a 4 KiB piece out of the 2 MiB page */
    assert_int_equal(p2m_remove(p, 0x201, 0, &b), 0);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.gfn, 0x201);
    assert_int_equal(c.order, 0);
    assert_int_equal(c.t, P2M_INVALID);
    assert_int_equal(c.mfn, 0);
    /* failures are not mirrored */
    assert_int_equal(p2m_remove(p, 0x201, 0, &b), -ENOENT);
    assert_int_equal(p2m_set(p, 1, 0, 9, P2M_RAM_RW, 0, &b), -EINVAL);
    assert_int_equal(c.n, 3);
    /* unhooked: no more calls */
    p2m_set_mirror(p, NULL, NULL);
    set_ok(0x6, 0x78, 0, P2M_MMIO, 0);
    assert_int_equal(c.n, 3);
}

#define BOTH(f) \
    cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, (void *)&npt), \
    cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, (void *)&ept)

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_create),
        BOTH(test_map_sizes),
        BOTH(test_entry_bits),
        cmocka_unit_test_prestate_setup_teardown(test_npt_no_nx, setup, teardown,
                                                 (void *)&npt),
        BOTH(test_reserved_and_lookup),
        BOTH(test_replace),
        BOTH(test_split),
        BOTH(test_bad_args),
        BOTH(test_remove),
        BOTH(test_owned_remove_replace),
        BOTH(test_owned_split),
        BOTH(test_owned_type_change),
        BOTH(test_owned_detach),
        BOTH(test_owned_many),
        BOTH(test_enomem),
        BOTH(test_flush),
        BOTH(test_random),
        BOTH(test_mirror),
    };

    return cmocka_run_group_tests(tests, machine_init, NULL);
}
