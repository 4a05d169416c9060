// SPDX-License-Identifier: MIT
/*
 * Unit tests: grant tables v1 (common/grant_table.c, grant_map.c) on real
 * p2ms and the real frame allocator, through the hypercall entry points
 * (do_grant_table_op, do_memory_op). Guests are host structs: their
 * "guest virtual addresses" are host pointers. Each domain has 2 MiB of
 * owned RAM at gfn 0x200 and maps its grant frame 0 at GT_GFN, where the
 * test writes its grant entries as the guest would.
 *
 * Checked: entry validation, the GTF_reading/writing protocol (the
 * granter's end-access compare-exchange fails while mapped), the order
 * of unmap (p2m entry gone and every vCPU flushed before the pin goes),
 * the maptrack limit, copy bounds, the refusals, and teardown (mapper dies,
 * granter dies first, a domain mapping its own grant) with every frame
 * and every domain reference back at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <petrel/bootinfo.h>
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/grant_table.h>
#include <petrel/hypercall.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include "stubs.h"

#define RAM_GFN     0x200ull        /* 512 owned frames */
#define GT_GFN      0x5000ull       /* grant frame 0 */
#define MAP_GFN     0x10000ull      /* empty: where mappings go */
#define BAD_GVA     0x10ull         /* copies from or to it fault */
#define NR_DOMS     3

static struct domain *doms[NR_DOMS + 1];   /* by id 1..NR_DOMS */
static struct vcpu vcpus[NR_DOMS + 1];
static uint64_t free_before;

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
    if (gva == BAD_GVA)
        return -EFAULT;
    memcpy(dst, (const void *)(uintptr_t)gva, len);
    return 0;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    if (gva == BAD_GVA)
        return -EFAULT;
    memcpy((void *)(uintptr_t)gva, src, len);
    return 0;
}

void hvm_flush_p2m(struct domain *d)
{
}

void vcpu_update_time(struct vcpu *v)
{
}

/* The control domain's memory commands (common/reservation.c): not here. */
long memory_op_ctl(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    return -ENOSYS;
}

/* What the synchronous flush saw: the test sets what to look at. */
static unsigned int sync_flushes;
static struct domain *watch_granter;
static grant_ref_t watch_ref;
static uint16_t flags_at_flush;
static int p2m_at_flush;

static uint16_t *entry_flags(struct domain *d, grant_ref_t ref);

void hvm_flush_p2m_sync(struct domain *d)
{
    sync_flushes++;
    if (watch_granter) {
        flags_at_flush = *entry_flags(watch_granter, watch_ref);
        p2m_at_flush = p2m_lookup(d->p2m, MAP_GFN, NULL, NULL, NULL, NULL);
    }
}

struct domain *domain_by_id(uint16_t id)
{
    if (id < 1 || id > NR_DOMS || !doms[id] || doms[id]->reaped)
        return NULL;
    doms[id]->refs++;
    return doms[id];
}

void domain_put(struct domain *d)
{
    assert_true(d->refs > 0);
    d->refs--;
}

static int machine_init(void **state)
{
    static struct boot_info bi;

    bi.ranges[0] = (struct mem_range){ MiB(1), MiB(127), MEM_RAM };
    bi.nr_ranges = 1;
    stub_phys_init(MiB(128));
    return frame_init(&bi, NULL, 0);
}

static long memop_map(struct domain *d, unsigned int space, uint64_t idx, uint64_t gfn)
{
    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = space, .idx = idx, .gpfn = gfn };

    return do_memory_op(&vcpus[d->id], XENMEM_add_to_physmap, (uintptr_t)&x, 0, 0, 0);
}

static struct domain *make_domain(uint16_t id)
{
    struct domain *d = calloc(1, sizeof(*d));
    struct p2m_batch b = P2M_BATCH_INIT;
    paddr_t ram = frame_alloc(9), si = frame_alloc(0);

    assert_true(d && ram && si);
    d->id = id;
    d->p2m = p2m_create(P2M_FORMAT_EPT, 48, P2M_CAP_2M);
    assert_non_null(d->p2m);
    assert_int_equal(p2m_set(d->p2m, RAM_GFN, ram >> PAGE_SHIFT, 9, P2M_RAM_RW, P2M_OWNED, &b), 0);
    p2m_batch_done(&b);
    d->shared_info = phys_to_virt(si);
    d->shared_info_gfn = ~0ull;
    vcpus[id] = (struct vcpu){ .domain = d };
    doms[id] = d;
    assert_int_equal(memop_map(d, XENMAPSPACE_grant_table, 0, GT_GFN), 0);
    return d;
}

/* domain_destroy()'s part in this: relinquish, p2m, table, the rest. */
static void destroy_domain(struct domain *d)
{
    gnttab_relinquish(d);
    assert_int_equal(d->refs, 0);
    doms[d->id] = NULL;
    p2m_destroy(d->p2m);
    gnttab_domain_destroy(d);
    for (unsigned int i = 0; i < d->retired.nr; i++)
        frame_free(d->retired.mfn[i] << PAGE_SHIFT, 0);
    xfree(d->retired.mfn);
    frame_free(virt_to_phys(d->shared_info), 0);
    free(d);
}

static int setup(void **state)
{
    free_before = frame_free_count();
    for (uint16_t id = 1; id <= NR_DOMS; id++)
        make_domain(id);
    sync_flushes = 0;
    watch_granter = NULL;
    return 0;
}

static int teardown(void **state)
{
    for (uint16_t id = 1; id <= NR_DOMS; id++)
        if (doms[id])
            gnttab_relinquish(doms[id]);       /* before any goes: cross mappings */
    for (uint16_t id = 1; id <= NR_DOMS; id++)
        if (doms[id])
            destroy_domain(doms[id]);
    assert_int_equal(frame_free_count(), free_before);
    return 0;
}

/* ---- the guest's side ------------------------------------------------------ */

static uint64_t mfn_at(struct domain *d, uint64_t gfn)
{
    uint64_t mfn;

    assert_int_equal(p2m_lookup(d->p2m, gfn, &mfn, NULL, NULL, NULL), 0);
    return mfn;
}

static struct grant_entry_v1 *entry(struct domain *d, grant_ref_t ref)
{
    struct grant_entry_v1 *t = phys_to_virt(mfn_at(d, GT_GFN + ref / 512) << PAGE_SHIFT);

    return &t[ref % 512];
}

static uint16_t *entry_flags(struct domain *d, grant_ref_t ref)
{
    return &entry(d, ref)->flags;
}

static void grant(struct domain *d, grant_ref_t ref, uint16_t to, uint64_t gfn, bool ro)
{
    struct grant_entry_v1 *e = entry(d, ref);

    e->domid = to;
    e->frame = gfn;
    e->flags = GTF_permit_access | (ro ? GTF_readonly : 0);
}

/* Linux's gnttab_end_foreign_access_ref for v1: fails while in use. */
static bool end_access(struct domain *d, grant_ref_t ref)
{
    uint16_t *f = entry_flags(d, ref), old = *f;

    do {
        if (old & (GTF_reading | GTF_writing))
            return false;
    } while (!__atomic_compare_exchange_n(f, &old, 0, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    return true;
}

static uint8_t *ram_of(struct domain *d, uint64_t gfn)
{
    return phys_to_virt(mfn_at(d, gfn) << PAGE_SHIFT);
}

static long gntop(struct domain *caller, unsigned int cmd, void *ops, uint64_t count)
{
    return do_grant_table_op(&vcpus[caller->id], cmd, (uintptr_t)ops, count, 0, 0);
}

static int16_t map(struct domain *mapper, uint16_t dom, grant_ref_t ref, uint64_t gfn,
                   uint32_t flags, grant_handle_t *handle)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = gfn << PAGE_SHIFT, .flags = flags, .ref = ref, .dom = dom,
    };

    assert_int_equal(gntop(mapper, GNTTABOP_map_grant_ref, &op, 1), 0);
    if (handle)
        *handle = op.handle;
    return op.status;
}

static int16_t unmap(struct domain *mapper, grant_handle_t handle, uint64_t gfn)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = gfn << PAGE_SHIFT, .handle = handle };

    assert_int_equal(gntop(mapper, GNTTABOP_unmap_grant_ref, &op, 1), 0);
    return op.status;
}

static void expect_mapped(struct domain *d, uint64_t gfn, uint64_t mfn, enum p2m_type type)
{
    uint64_t m;
    enum p2m_type t;
    unsigned int flags;

    assert_int_equal(p2m_lookup(d->p2m, gfn, &m, &t, NULL, &flags), 0);
    assert_int_equal(m, mfn);
    assert_int_equal(t, type);
    assert_int_equal(flags, 0);                 /* never the mapper's own */
}

static void expect_unmapped(struct domain *d, uint64_t gfn)
{
    assert_int_equal(p2m_lookup(d->p2m, gfn, NULL, NULL, NULL, NULL), -ENOENT);
}

/* ---- tests ------------------------------------------------------------------ */

static void test_table_frames(void **state)
{
    struct domain *a = doms[1];
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    uint64_t list[8];
    struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 8,
                                    .frame_list = (uintptr_t)list };

    expect_mapped(a, GT_GFN, mfn_at(a, GT_GFN), P2M_RAM_RW);
    assert_int_equal(gntop(a, GNTTABOP_query_size, &q, 1), 0);
    assert_int_equal(q.status, GNTST_okay);
    assert_int_equal(q.nr_frames, GNTTAB_INIT_FRAMES);
    assert_int_equal(q.max_nr_frames, GNTTAB_MAX_FRAMES);

    /* Frame 6 grows the table to 7; mapping frame 0 elsewhere moves it. */
    assert_int_equal(memop_map(a, XENMAPSPACE_grant_table, 6, GT_GFN + 6), 0);
    assert_int_equal(gntop(a, GNTTABOP_query_size, &q, 1), 0);
    assert_int_equal(q.nr_frames, 7);
    assert_int_equal(gntop(a, GNTTABOP_setup_table, &s, 1), 0);
    assert_int_equal(s.status, GNTST_okay);
    assert_int_equal(list[0], GT_GFN);
    assert_int_equal(list[1], ~0ull);           /* not mapped */
    assert_int_equal(list[6], GT_GFN + 6);
    assert_int_equal(list[7], ~0ull);
    assert_int_equal(gntop(a, GNTTABOP_query_size, &q, 1), 0);
    assert_int_equal(q.nr_frames, 8);

    /* Over its own RAM: that frame is retired, not freed. */
    assert_int_equal(memop_map(a, XENMAPSPACE_grant_table, 1, RAM_GFN + 5), 0);
    assert_int_equal(a->retired.nr, 1);
    assert_int_equal(memop_map(a, XENMAPSPACE_grant_table, GNTTAB_MAX_FRAMES, 0x9000), -EINVAL);

    s.nr_frames = GNTTAB_MAX_FRAMES + 1;
    assert_int_equal(gntop(a, GNTTABOP_setup_table, &s, 1), 0);
    assert_int_equal(s.status, GNTST_general_error);
    s.nr_frames = 1;
    s.frame_list = BAD_GVA;
    assert_int_equal(gntop(a, GNTTABOP_setup_table, &s, 1), 0);
    assert_int_equal(s.status, GNTST_bad_virt_addr);
    assert_int_equal(gntop(a, GNTTABOP_setup_table, &s, 2), -EINVAL);
    assert_int_equal(gntop(a, GNTTABOP_query_size, &q, 2), -EINVAL);

    /* Another domain's: not for an unprivileged caller. */
    q.dom = 2;
    assert_int_equal(gntop(a, GNTTABOP_query_size, &q, 1), 0);
    assert_int_equal(q.status, GNTST_permission_denied);
    a->privileged = true;
    q.dom = 7;
    assert_int_equal(gntop(a, GNTTABOP_query_size, &q, 1), 0);
    assert_int_equal(q.status, GNTST_bad_domain);
    q.dom = 2;
    assert_int_equal(gntop(a, GNTTABOP_query_size, &q, 1), 0);
    assert_int_equal(q.status, GNTST_okay);
    assert_int_equal(doms[2]->refs, 0);
}

static void test_map_rw_ro(void **state)
{
    struct domain *a = doms[1], *b = doms[2];
    uint64_t rw_mfn = mfn_at(a, RAM_GFN + 1), ro_mfn = mfn_at(a, RAM_GFN + 2);
    grant_handle_t h_rw, h_ro;

    grant(a, 10, b->id, RAM_GFN + 1, false);
    grant(a, 11, b->id, RAM_GFN + 2, true);
    assert_int_equal(map(b, a->id, 10, MAP_GFN, GNTMAP_host_map, &h_rw), GNTST_okay);
    expect_mapped(b, MAP_GFN, rw_mfn, P2M_RAM_RW);
    assert_int_equal(*entry_flags(a, 10), GTF_permit_access | GTF_reading | GTF_writing);
    assert_int_equal(a->refs, 1);

    /* A read-only grant maps read-only, and only so. */
    assert_int_equal(map(b, a->id, 11, MAP_GFN + 1, GNTMAP_host_map, NULL), GNTST_general_error);
    assert_int_equal(*entry_flags(a, 11), GTF_permit_access | GTF_readonly);
    assert_int_equal(map(b, a->id, 11, MAP_GFN + 1, GNTMAP_host_map | GNTMAP_readonly, &h_ro),
                     GNTST_okay);
    expect_mapped(b, MAP_GFN + 1, ro_mfn, P2M_RAM_RO);
    assert_int_equal(*entry_flags(a, 11), GTF_permit_access | GTF_readonly | GTF_reading);
    assert_int_equal(a->refs, 2);

    /* What B writes, A reads: the same frame. */
    ram_of(b, MAP_GFN)[100] = 0x5a;
    assert_int_equal(ram_of(a, RAM_GFN + 1)[100], 0x5a);

    /* The granter cannot take either back while mapped. */
    assert_false(end_access(a, 10));
    assert_false(end_access(a, 11));

    /* Unmap: p2m entry gone and flushed while still pinned, then unpinned. */
    watch_granter = a;
    watch_ref = 10;
    assert_int_equal(unmap(b, h_rw, MAP_GFN), GNTST_okay);
    assert_int_equal(sync_flushes, 1);
    assert_int_equal(p2m_at_flush, -ENOENT);
    assert_true(flags_at_flush & GTF_writing);
    assert_int_equal(*entry_flags(a, 10), GTF_permit_access);
    expect_unmapped(b, MAP_GFN);
    assert_true(end_access(a, 10));
    assert_int_equal(a->refs, 1);
    watch_granter = NULL;
    assert_int_equal(unmap(b, h_ro, MAP_GFN + 1), GNTST_okay);
    assert_true(end_access(a, 11));
    assert_int_equal(a->refs, 0);

    /* Ended: nothing more to map. */
    assert_int_equal(map(b, a->id, 10, MAP_GFN, GNTMAP_host_map, NULL), GNTST_general_error);
}

/* A read-only pin, then a writable one: GTF_writing comes and goes alone. */
static void test_pin_kinds(void **state)
{
    struct domain *a = doms[1], *b = doms[2];
    grant_handle_t h1, h2, h3;

    grant(a, 12, b->id, RAM_GFN + 3, false);
    assert_int_equal(map(b, a->id, 12, MAP_GFN, GNTMAP_host_map | GNTMAP_readonly, &h1), 0);
    assert_int_equal(*entry_flags(a, 12), GTF_permit_access | GTF_reading);
    assert_int_equal(map(b, a->id, 12, MAP_GFN + 1, GNTMAP_host_map, &h2), 0);
    assert_int_equal(map(b, a->id, 12, MAP_GFN + 2, GNTMAP_host_map, &h3), 0);
    assert_int_equal(*entry_flags(a, 12), GTF_permit_access | GTF_reading | GTF_writing);
    assert_int_equal(unmap(b, h2, MAP_GFN + 1), 0);
    assert_int_equal(*entry_flags(a, 12), GTF_permit_access | GTF_reading | GTF_writing);
    assert_int_equal(unmap(b, h3, MAP_GFN + 2), 0);
    assert_int_equal(*entry_flags(a, 12), GTF_permit_access | GTF_reading);
    /* Pinned for B: C may not use it even if A re-aims the entry. */
    entry(a, 12)->domid = 3;
    assert_int_equal(map(doms[3], a->id, 12, MAP_GFN, GNTMAP_host_map | GNTMAP_readonly, NULL),
                     GNTST_general_error);
    entry(a, 12)->domid = b->id;
    assert_int_equal(unmap(b, h1, MAP_GFN), 0);
    assert_int_equal(*entry_flags(a, 12), GTF_permit_access);
    assert_int_equal(a->refs, 0);
}

static void test_map_refusals(void **state)
{
    struct domain *a = doms[1], *b = doms[2];
    uint32_t hm = GNTMAP_host_map;

    grant(a, 20, b->id, RAM_GFN + 4, false);
    grant(a, 21, 3, RAM_GFN + 4, false);                /* for someone else */
    grant(a, 22, b->id, 0x7777, false);                 /* nothing there */
    grant(a, 23, b->id, GT_GFN, false);                 /* a's grant frame: not its RAM */
    entry(a, 24)->domid = b->id;                        /* no flags: not granted */
    entry(a, 24)->frame = RAM_GFN;
    entry(a, 25)->domid = b->id;
    entry(a, 25)->frame = RAM_GFN;
    entry(a, 25)->flags = GTF_accept_transfer;

    assert_int_equal(map(b, a->id, GNTTAB_INIT_FRAMES * 512, MAP_GFN, hm, NULL), GNTST_bad_gntref);
    assert_int_equal(map(b, a->id, ~0u, MAP_GFN, hm, NULL), GNTST_bad_gntref);
    assert_int_equal(map(b, a->id, 21, MAP_GFN, hm, NULL), GNTST_general_error);
    assert_int_equal(map(b, a->id, 24, MAP_GFN, hm, NULL), GNTST_general_error);
    assert_int_equal(map(b, a->id, 25, MAP_GFN, hm, NULL), GNTST_general_error);
    assert_int_equal(map(b, a->id, 22, MAP_GFN, hm, NULL), GNTST_bad_page);
    assert_int_equal(map(b, a->id, 23, MAP_GFN, hm, NULL), GNTST_bad_page);
    assert_int_equal(map(b, 99, 20, MAP_GFN, hm, NULL), GNTST_bad_domain);
    assert_int_equal(map(b, a->id, 20, MAP_GFN, 0, NULL), GNTST_bad_gntref);
    assert_int_equal(map(b, a->id, 20, MAP_GFN, GNTMAP_device_map, NULL), GNTST_general_error);
    assert_int_equal(map(b, a->id, 20, MAP_GFN, hm | GNTMAP_contains_pte, NULL),
                     GNTST_general_error);
    assert_int_equal(map(b, a->id, 20, MAP_GFN, hm | (1u << 20), NULL), GNTST_general_error);
    /* Where it would go: B's own RAM, its grant frame, the APIC, too far. */
    assert_int_equal(map(b, a->id, 20, RAM_GFN + 7, hm, NULL), GNTST_bad_virt_addr);
    assert_int_equal(map(b, a->id, 20, GT_GFN, hm, NULL), GNTST_bad_virt_addr);
    assert_int_equal(map(b, a->id, 20, 0xfee00, hm, NULL), GNTST_bad_virt_addr);
    {
        /* MMIO and reserved entries count as taken too */
        struct p2m_batch pb = P2M_BATCH_INIT;

        assert_int_equal(p2m_set(b->p2m, MAP_GFN + 50, 0xfebf0, 0, P2M_MMIO, 0, &pb), 0);
        assert_int_equal(p2m_set(b->p2m, MAP_GFN + 51, 0, 0, P2M_RESERVED, 0, &pb), 0);
        p2m_batch_done(&pb);
        assert_int_equal(map(b, a->id, 20, MAP_GFN + 50, hm, NULL), GNTST_bad_virt_addr);
        assert_int_equal(map(b, a->id, 20, MAP_GFN + 51, hm, NULL), GNTST_bad_virt_addr);
    }
    assert_int_equal(map(b, a->id, 20, 1ull << 40, hm, NULL), GNTST_bad_virt_addr);
    {
        struct gnttab_map_grant_ref op = { .host_addr = (MAP_GFN << PAGE_SHIFT) + 8,
                                           .flags = hm, .ref = 20, .dom = a->id };

        assert_int_equal(gntop(b, GNTTABOP_map_grant_ref, &op, 1), 0);
        assert_int_equal(op.status, GNTST_bad_virt_addr);
    }
    /* Nothing was left pinned, mapped or referenced by all that. */
    for (grant_ref_t r = 20; r <= 23; r++)
        assert_int_equal(*entry_flags(a, r) & (GTF_reading | GTF_writing), 0);
    expect_unmapped(b, MAP_GFN);
    mfn_at(b, RAM_GFN + 7);
    assert_int_equal(a->refs, 0);

    assert_int_equal(gntop(b, GNTTABOP_map_grant_ref, (void *)BAD_GVA, 1), -EFAULT);
    assert_int_equal(gntop(b, GNTTABOP_map_grant_ref, NULL, GNTTAB_MAX_OPS + 1), -EINVAL);
    assert_int_equal(gntop(b, 99, NULL, 1), -ENOSYS);
    assert_int_equal(gntop(b, GNTTABOP_transfer, NULL, 1), -ENOSYS);
}

static void test_unmap_refusals(void **state)
{
    struct domain *a = doms[1], *b = doms[2];
    struct gnttab_unmap_grant_ref op = { .host_addr = MAP_GFN << PAGE_SHIFT };
    grant_handle_t h;

    assert_int_equal(unmap(b, 0, MAP_GFN), GNTST_bad_handle);    /* no maptrack yet */
    grant(a, 30, b->id, RAM_GFN + 8, false);
    assert_int_equal(map(b, a->id, 30, MAP_GFN, GNTMAP_host_map, &h), 0);
    assert_int_equal(unmap(b, h + 1, MAP_GFN), GNTST_bad_handle);
    assert_int_equal(unmap(b, GNTTAB_MAX_MAPS, MAP_GFN), GNTST_bad_handle);
    assert_int_equal(unmap(b, ~0u, MAP_GFN), GNTST_bad_handle);
    assert_int_equal(unmap(b, h, MAP_GFN + 1), GNTST_bad_virt_addr);
    assert_int_equal(unmap(b, h, 0), GNTST_bad_virt_addr);
    op.handle = h;
    op.dev_bus_addr = 0x1000;
    assert_int_equal(gntop(b, GNTTABOP_unmap_grant_ref, &op, 1), 0);
    assert_int_equal(op.status, GNTST_bad_dev_addr);
    /* Only the mapper may unmap it. */
    assert_int_equal(unmap(doms[3], h, MAP_GFN), GNTST_bad_handle);
    assert_int_equal(sync_flushes, 0);
    expect_mapped(b, MAP_GFN, mfn_at(a, RAM_GFN + 8), P2M_RAM_RW);
    assert_int_equal(unmap(b, h, MAP_GFN), GNTST_okay);
    assert_int_equal(unmap(b, h, MAP_GFN), GNTST_bad_handle);    /* twice */
    assert_int_equal(a->refs, 0);
}

/* The guest put something else over its mapping: unmap leaves that alone. */
static void test_unmap_after_replace(void **state)
{
    struct domain *a = doms[1], *b = doms[2];
    grant_handle_t h;

    grant(a, 31, b->id, RAM_GFN + 9, false);
    assert_int_equal(map(b, a->id, 31, MAP_GFN, GNTMAP_host_map, &h), 0);
    assert_int_equal(memop_map(b, XENMAPSPACE_shared_info, 0, MAP_GFN), 0);
    assert_int_equal(b->retired.nr, 0);                 /* a grant mapping is not b's RAM */
    assert_int_equal(unmap(b, h, MAP_GFN), GNTST_okay);
    assert_int_equal(sync_flushes, 1);
    expect_mapped(b, MAP_GFN, virt_to_phys(b->shared_info) >> PAGE_SHIFT, P2M_RAM_RW);
    assert_true(end_access(a, 31));
}

static void test_maptrack_limit(void **state)
{
    struct domain *a = doms[1], *b = doms[2];
    static grant_handle_t h[GNTTAB_MAX_MAPS];

    grant(a, 40, b->id, RAM_GFN + 10, true);
    for (unsigned int i = 0; i < GNTTAB_MAX_MAPS; i++)
        assert_int_equal(map(b, a->id, 40, MAP_GFN + i, GNTMAP_host_map | GNTMAP_readonly, &h[i]),
                         GNTST_okay);
    assert_int_equal(map(b, a->id, 40, MAP_GFN + GNTTAB_MAX_MAPS,
                         GNTMAP_host_map | GNTMAP_readonly, NULL), GNTST_no_space);
    expect_unmapped(b, MAP_GFN + GNTTAB_MAX_MAPS);
    assert_int_equal(a->refs, GNTTAB_MAX_MAPS);
    /* A batch of unmaps: one op fails, the others go. */
    {
        static struct gnttab_unmap_grant_ref ops[GNTTAB_MAX_MAPS + 1];

        for (unsigned int i = 0; i < GNTTAB_MAX_MAPS; i++)
            ops[i] = (struct gnttab_unmap_grant_ref){ .host_addr = (MAP_GFN + i) << PAGE_SHIFT,
                                                       .handle = h[i] };
        ops[7].host_addr = 0;
        assert_int_equal(gntop(b, GNTTABOP_unmap_grant_ref, ops, GNTTAB_MAX_MAPS), 0);
        for (unsigned int i = 0; i < GNTTAB_MAX_MAPS; i++)
            assert_int_equal(ops[i].status, i == 7 ? GNTST_bad_virt_addr : GNTST_okay);
        assert_true(sync_flushes >= GNTTAB_MAX_MAPS / 16);
        assert_true(sync_flushes < GNTTAB_MAX_MAPS / 8);
        assert_int_equal(a->refs, 1);
        assert_false(end_access(a, 40));
        assert_int_equal(gntop(b, GNTTABOP_unmap_grant_ref, ops, GNTTAB_MAX_OPS + 1), -EINVAL);
    }
    assert_int_equal(unmap(b, h[7], MAP_GFN + 7), GNTST_okay);
    assert_true(end_access(a, 40));
    assert_int_equal(a->refs, 0);
}

static int16_t copy(struct domain *caller, struct gnttab_copy *op)
{
    assert_int_equal(gntop(caller, GNTTABOP_copy, op, 1), 0);
    return op->status;
}

static void test_copy(void **state)
{
    struct domain *a = doms[1], *b = doms[2];
    struct gnttab_copy op;
    uint8_t *a_rw = ram_of(a, RAM_GFN + 11), *a_ro = ram_of(a, RAM_GFN + 12);
    uint8_t *b_ram = ram_of(b, RAM_GFN + 1);

    grant(a, 50, b->id, RAM_GFN + 11, false);
    grant(a, 51, b->id, RAM_GFN + 12, true);
    memset(a_ro, 0xab, PAGE_SIZE);
    memset(b_ram, 0, PAGE_SIZE);

    /* gref -> gfn: from A's read-only grant into B's RAM */
    op = (struct gnttab_copy){
        .source = { .u.ref = 51, .domid = a->id, .offset = 4000 },
        .dest = { .u.gmfn = RAM_GFN + 1, .domid = DOMID_SELF, .offset = 10 },
        .len = 96, .flags = GNTCOPY_source_gref,
    };
    assert_int_equal(copy(b, &op), GNTST_okay);
    assert_int_equal(b_ram[9], 0);
    assert_int_equal(b_ram[10], 0xab);
    assert_int_equal(b_ram[105], 0xab);
    assert_int_equal(b_ram[106], 0);
    assert_int_equal(*entry_flags(a, 51), GTF_permit_access | GTF_readonly);

    /* gfn -> gref: into A's writable grant */
    op = (struct gnttab_copy){
        .source = { .u.gmfn = RAM_GFN + 1, .domid = DOMID_SELF, .offset = 10 },
        .dest = { .u.ref = 50, .domid = a->id, .offset = 0 },
        .len = 4096 - 10, .flags = GNTCOPY_dest_gref,
    };
    assert_int_equal(copy(b, &op), GNTST_okay);
    assert_int_equal(a_rw[0], 0xab);
    assert_int_equal(a_rw[95], 0xab);
    assert_int_equal(a_rw[96], 0);
    assert_int_equal(*entry_flags(a, 50), GTF_permit_access);

    /* gref -> gref, both A's */
    op = (struct gnttab_copy){
        .source = { .u.ref = 51, .domid = a->id },
        .dest = { .u.ref = 50, .domid = a->id, .offset = 2048 },
        .len = 2048, .flags = GNTCOPY_source_gref | GNTCOPY_dest_gref,
    };
    assert_int_equal(copy(b, &op), GNTST_okay);
    assert_int_equal(a_rw[4095], 0xab);

    /* Refusals: bounds, read-only destination, flags, domains, frames. */
    op.len = 2049;
    assert_int_equal(copy(b, &op), GNTST_bad_copy_arg);
    op.len = 1;
    op.dest.offset = 4096;
    assert_int_equal(copy(b, &op), GNTST_bad_copy_arg);
    op.dest.offset = 0;
    op.source.offset = 65535;
    assert_int_equal(copy(b, &op), GNTST_bad_copy_arg);
    op.source.offset = 0;
    op.flags |= 4;
    assert_int_equal(copy(b, &op), GNTST_bad_copy_arg);
    op.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
    op.dest.u.ref = 51;
    assert_int_equal(copy(b, &op), GNTST_general_error);
    op.dest.u.ref = 50;
    op.source.u.ref = 1u << 20;
    assert_int_equal(copy(b, &op), GNTST_bad_gntref);
    op.source.u.ref = 51;
    op.source.domid = 99;
    assert_int_equal(copy(b, &op), GNTST_bad_domain);
    op.source.domid = a->id;
    assert_int_equal(copy(doms[3], &op), GNTST_general_error);     /* not granted to C */
    op.flags = GNTCOPY_dest_gref;
    op.source.domid = a->id;                                       /* a gfn of A: not B's */
    op.source.u.gmfn = RAM_GFN;
    assert_int_equal(copy(b, &op), GNTST_permission_denied);
    op.source.domid = DOMID_SELF;
    op.source.u.gmfn = GT_GFN;                                     /* not B's RAM */
    assert_int_equal(copy(b, &op), GNTST_bad_page);
    op.source.u.gmfn = ~0ull;
    assert_int_equal(copy(b, &op), GNTST_bad_page);
    for (grant_ref_t r = 50; r <= 51; r++)
        assert_int_equal(*entry_flags(a, r) & (GTF_reading | GTF_writing), 0);
    assert_int_equal(a->refs, 0);

    /* The control domain may name any domain's gfn. */
    b->privileged = true;
    op.source.domid = a->id;
    op.source.u.gmfn = RAM_GFN + 12;
    op.source.offset = 0;
    op.dest.offset = 1000;
    op.len = 1;
    a_rw[1000] = 0;
    assert_int_equal(copy(b, &op), GNTST_okay);
    assert_int_equal(a_rw[1000], 0xab);
    assert_int_equal(a->refs, 0);

    assert_int_equal(gntop(b, GNTTABOP_copy, (void *)BAD_GVA, 1), -EFAULT);
    assert_int_equal(gntop(b, GNTTABOP_copy, &op, GNTTAB_MAX_OPS + 1), -EINVAL);
}

static void test_versions(void **state)
{
    struct domain *a = doms[1];
    struct gnttab_set_version sv = { .version = 1 };
    struct gnttab_get_version gv = { .dom = DOMID_SELF };

    assert_int_equal(gntop(a, GNTTABOP_set_version, &sv, 1), 0);
    assert_int_equal(sv.version, 1);
    sv.version = 2;
    assert_int_equal(gntop(a, GNTTABOP_set_version, &sv, 1), -ENOSYS);
    assert_int_equal(sv.version, 1);
    sv.version = 0;
    assert_int_equal(gntop(a, GNTTABOP_set_version, &sv, 1), -EINVAL);
    assert_int_equal(sv.version, 1);
    assert_int_equal(gntop(a, GNTTABOP_get_version, &gv, 1), 0);
    assert_int_equal(gv.version, 1);
    gv.dom = 2;
    assert_int_equal(gntop(a, GNTTABOP_get_version, &gv, 1), -EPERM);
    assert_int_equal(gntop(a, GNTTABOP_set_version, (void *)BAD_GVA, 1), -EFAULT);
}

/* The mapper dies: its mappings go, the granter's entries come free. */
static void test_mapper_dies(void **state)
{
    struct domain *a = doms[1], *b = doms[2];

    grant(a, 60, b->id, RAM_GFN + 13, false);
    grant(a, 61, b->id, RAM_GFN + 14, true);
    assert_int_equal(map(b, a->id, 60, MAP_GFN, GNTMAP_host_map, NULL), 0);
    assert_int_equal(map(b, a->id, 61, MAP_GFN + 1, GNTMAP_host_map | GNTMAP_readonly, NULL), 0);
    assert_int_equal(a->refs, 2);
    b->state = DOMAIN_CRASHED;
    gnttab_relinquish(b);
    expect_unmapped(b, MAP_GFN);
    expect_unmapped(b, MAP_GFN + 1);
    assert_int_equal(a->refs, 0);
    assert_true(end_access(a, 60));
    assert_true(end_access(a, 61));
    gnttab_relinquish(b);                               /* again: nothing */
    destroy_domain(b);
    /* A goes on granting to others. */
    grant(a, 62, 3, RAM_GFN + 13, false);
    assert_int_equal(map(doms[3], a->id, 62, MAP_GFN, GNTMAP_host_map, NULL), 0);
}

/* The granter dies first: its frames stay (a reference) until B unmaps. */
static void test_granter_dies_first(void **state)
{
    struct domain *a = doms[1], *b = doms[2];
    uint64_t mfn = mfn_at(a, RAM_GFN + 15);
    grant_handle_t h;

    grant(a, 70, b->id, RAM_GFN + 15, false);
    assert_int_equal(map(b, a->id, 70, MAP_GFN, GNTMAP_host_map, &h), 0);
    a->state = DOMAIN_SHUTDOWN;
    a->reaped = true;                                   /* the reaper took it out */
    gnttab_relinquish(a);
    assert_int_equal(a->refs, 1);                       /* so it is not destroyed */
    assert_int_equal(map(b, a->id, 70, MAP_GFN + 1, GNTMAP_host_map, NULL), GNTST_bad_domain);
    expect_mapped(b, MAP_GFN, mfn, P2M_RAM_RW);
    ram_of(b, MAP_GFN)[0] = 1;                          /* still A's frame, still allocated */
    assert_int_equal(frame_block_order(mfn << PAGE_SHIFT), -1);    /* inside A's 2 MiB block */
    assert_int_equal(unmap(b, h, MAP_GFN), GNTST_okay);
    assert_int_equal(a->refs, 0);
    destroy_domain(a);
}

/* Two domains map each other's grants, and one its own: relinquishing
 * each drops every reference, so none waits for another. */
static void test_cycles(void **state)
{
    struct domain *a = doms[1], *b = doms[2];

    grant(a, 80, b->id, RAM_GFN + 16, false);
    grant(b, 80, a->id, RAM_GFN + 16, false);
    grant(a, 81, a->id, RAM_GFN + 17, false);
    assert_int_equal(map(b, a->id, 80, MAP_GFN, GNTMAP_host_map, NULL), 0);
    assert_int_equal(map(a, b->id, 80, MAP_GFN, GNTMAP_host_map, NULL), 0);
    assert_int_equal(map(a, DOMID_SELF, 81, MAP_GFN + 1, GNTMAP_host_map, NULL), 0);
    expect_mapped(a, MAP_GFN + 1, mfn_at(a, RAM_GFN + 17), P2M_RAM_RW);
    assert_int_equal(a->refs, 2);
    assert_int_equal(b->refs, 1);
    gnttab_relinquish(a);
    assert_int_equal(a->refs, 1);
    assert_int_equal(b->refs, 0);
    gnttab_relinquish(b);
    assert_int_equal(a->refs, 0);
    destroy_domain(a);
    destroy_domain(b);
}

#define T(f)    cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_table_frames), T(test_map_rw_ro), T(test_pin_kinds), T(test_map_refusals),
        T(test_unmap_refusals), T(test_unmap_after_replace), T(test_maptrack_limit),
        T(test_copy), T(test_versions), T(test_mapper_dies), T(test_granter_dies_first),
        T(test_cycles),
    };

    return cmocka_run_group_tests(tests, machine_init, NULL);
}
