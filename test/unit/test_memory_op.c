// SPDX-License-Identifier: MIT
/*
 * Unit tests: XENMEM_add_to_physmap(XENMAPSPACE_shared_info) against a real
 * p2m. The guest's argument is a host struct (copy_from_guest is a memcpy
 * here). Checks the mapping, that the RAM frame it replaces is retired, not
 * freed, that a second mapping moves it, the refusals, and that the p2m,
 * the retired frames and shared_info give back every frame.
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
#include <public/memory.h>
#include "frame_fixture.h"
#include "stubs.h"

static struct domain dom;
static struct vcpu vcpu0;
static unsigned int flushes, time_updates;
static uint64_t free_before;

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
    memcpy(dst, (const void *)(uintptr_t)gva, len);
    return 0;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    memcpy((void *)(uintptr_t)gva, src, len);
    return 0;
}

void hvm_flush_p2m(struct domain *d)
{
    flushes++;
}

void hvm_flush_p2m_sync(struct domain *d)
{
    flushes++;
}

/* The control domain's memory commands (common/reservation.c): not here. */
long memory_op_ctl(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    return -ENOSYS;
}

void vcpu_update_time(struct vcpu *v)
{
    time_updates++;
}

/* Domain 9 exists (a second struct); references are counted. */
static struct domain other;
static int other_refs;

struct domain *domain_by_id(uint16_t id)
{
    if (id != 9)
        return NULL;
    other_refs++;
    return &other;
}

void domain_put(struct domain *d)
{
    assert_ptr_equal(d, &other);
    other_refs--;
}

static int machine_init(void **state)
{
    return frame_fixture_init(64);
}

static int setup(void **state)
{
    paddr_t si;

    free_before = frame_free_count();
    memset(&dom, 0, sizeof(dom));
    memset(&vcpu0, 0, sizeof(vcpu0));
    dom.id = 1;
    dom.p2m = p2m_create(P2M_FORMAT_EPT, 48, P2M_CAP_2M | P2M_CAP_1G);
    si = frame_alloc(0);
    assert_true(dom.p2m && si);
    dom.shared_info = phys_to_virt(si);
    dom.shared_info_gfn = ~0ull;
    vcpu0.domain = &dom;
    flushes = time_updates = 0;
    return 0;
}

/* What domain_destroy() does with these three; every frame must be back. */
static int teardown(void **state)
{
    p2m_destroy(dom.p2m);
    gnttab_domain_destroy(&dom);
    for (unsigned int i = 0; i < dom.retired.nr; i++)
        frame_free(dom.retired.mfn[i] << PAGE_SHIFT, 0);
    xfree(dom.retired.mfn);
    frame_free(virt_to_phys(dom.shared_info), 0);
    assert_int_equal(frame_free_count(), free_before);
    return 0;
}

static long map(uint16_t domid, uint32_t space, uint64_t idx, uint64_t gfn)
{
    struct xen_add_to_physmap x = { .domid = domid, .space = space, .idx = idx, .gpfn = gfn };

    return do_memory_op(&vcpu0, XENMEM_add_to_physmap, (uintptr_t)&x, 0, 0, 0);
}

static uint64_t si_mfn(void)
{
    return virt_to_phys(dom.shared_info) >> PAGE_SHIFT;
}

static void expect_at(uint64_t gfn, uint64_t mfn, unsigned int flags)
{
    uint64_t m;
    unsigned int f;

    assert_int_equal(p2m_lookup(dom.p2m, gfn, &m, NULL, NULL, &f), 0);
    assert_int_equal(m, mfn);
    assert_int_equal(f, flags);
}

/* Give the domain an owned 2 MiB page of RAM at 'gfn'; returns its mfn. */
static uint64_t ram_2m(uint64_t gfn)
{
    struct p2m_batch b = P2M_BATCH_INIT;
    paddr_t pa = frame_alloc(9);

    assert_true(pa);
    assert_int_equal(p2m_set(dom.p2m, gfn, pa >> PAGE_SHIFT, 9, P2M_RAM_RW, P2M_OWNED, &b), 0);
    p2m_batch_done(&b);
    return pa >> PAGE_SHIFT;
}

static void test_map_over_ram(void **state)
{
    uint64_t ram = ram_2m(0x200), free;

    free = frame_free_count();
    assert_int_equal(map(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x201), 0);
    assert_int_equal(dom.shared_info_gfn, 0x201);
    expect_at(0x201, si_mfn(), 0);                  /* not owned by the p2m */
    expect_at(0x202, ram + 2, P2M_OWNED);           /* the rest of the page stays */
    assert_int_equal(dom.retired.nr, 1);
    assert_int_equal(dom.retired.mfn[0], ram + 1);
    assert_int_equal(frame_block_order((ram + 1) << PAGE_SHIFT), 0);   /* still held */
    assert_true(flushes >= 1);
    assert_int_equal(time_updates, 1);
    assert_int_equal(p2m_owned_pages(dom.p2m), 511);
    /* frames taken: one split table and the retired list, nothing freed */
    assert_true(frame_free_count() <= free);

    /* again at the same place: nothing more retired */
    assert_int_equal(map(dom.id, XENMAPSPACE_shared_info, 0, 0x201), 0);
    assert_int_equal(dom.retired.nr, 1);

    /* elsewhere: the old place is emptied, one more RAM frame retired */
    assert_int_equal(map(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x3ff), 0);
    assert_int_equal(dom.shared_info_gfn, 0x3ff);
    expect_at(0x3ff, si_mfn(), 0);
    assert_int_equal(p2m_lookup(dom.p2m, 0x201, NULL, NULL, NULL, NULL), -ENOENT);
    assert_int_equal(dom.retired.nr, 2);
    assert_int_equal(dom.retired.mfn[1], ram + 0x1ff);
}

static void test_map_over_nothing(void **state)
{
    assert_int_equal(map(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x12345), 0);
    expect_at(0x12345, si_mfn(), 0);
    assert_int_equal(dom.retired.nr, 0);
}

static void test_many_retired(void **state)
{
    ram_2m(0x400);
    for (uint64_t g = 0x400; g < 0x400 + 20; g++)
        assert_int_equal(map(DOMID_SELF, XENMAPSPACE_shared_info, 0, g), 0);
    assert_int_equal(dom.retired.nr, 20);
    assert_true(dom.retired.max >= 20);
    assert_int_equal(p2m_owned_pages(dom.p2m), 512 - 20);
}

static void test_refusals(void **state)
{
    uint64_t ram = ram_2m(0x600);

    assert_int_equal(map(DOMID_SELF, XENMAPSPACE_shared_info, 1, 0x600), -EINVAL);
    assert_int_equal(map(DOMID_SELF, 99, 0, 0x600), -EINVAL);
    assert_int_equal(map(DOMID_SELF, XENMAPSPACE_gmfn_foreign, 0, 0x600), -EINVAL);
    assert_int_equal(map(DOMID_SELF, XENMAPSPACE_grant_table, GNTTAB_MAX_FRAMES, 0x600), -EINVAL);
    assert_int_equal(map(DOMID_SELF, XENMAPSPACE_grant_table, 1ull << 31, 0x600), -EINVAL);
    assert_int_equal(map(DOMID_SELF, XENMAPSPACE_gmfn, 0, 0x600), -ENOSYS);
    assert_int_equal(map(DOMID_SELF, XENMAPSPACE_shared_info, 0, 0xfee00), -EINVAL);
    assert_int_equal(map(DOMID_SELF, XENMAPSPACE_shared_info, 0, 1ull << 36), -EINVAL);
    assert_int_equal(map(7, XENMAPSPACE_shared_info, 0, 0x600), -EPERM);
    dom.privileged = true;
    assert_int_equal(map(7, XENMAPSPACE_shared_info, 0, 0x600), -ESRCH);
    /* an existing other domain: its reference is dropped, even on error */
    assert_int_equal(map(9, XENMAPSPACE_shared_info, 1, 0x600), -EINVAL);
    assert_int_equal(map(9, 99, 0, 0x600), -EINVAL);
    assert_int_equal(other_refs, 0);
    assert_int_equal(do_memory_op(&vcpu0, XENMEM_populate_physmap, 0, 0, 0, 0), -ENOSYS);
    /* nothing changed */
    assert_int_equal(dom.shared_info_gfn, ~0ull);
    expect_at(0x600, ram, P2M_OWNED);
    assert_int_equal(dom.retired.nr, 0);
}

/* A privileged caller maps another domain's shared_info in that domain. */
static void test_other_domain(void **state)
{
    uint64_t free = frame_free_count();

    memset(&other, 0, sizeof(other));
    other.id = 9;
    other.p2m = p2m_create(P2M_FORMAT_EPT, 48, P2M_CAP_2M);
    other.shared_info = phys_to_virt(frame_alloc(0));
    other.shared_info_gfn = ~0ull;
    dom.privileged = true;
    assert_int_equal(map(9, XENMAPSPACE_shared_info, 0, 0x77), 0);
    assert_int_equal(other.shared_info_gfn, 0x77);
    assert_int_equal(dom.shared_info_gfn, ~0ull);
    assert_int_equal(p2m_lookup(other.p2m, 0x77, NULL, NULL, NULL, NULL), 0);
    assert_int_equal(p2m_lookup(dom.p2m, 0x77, NULL, NULL, NULL, NULL), -ENOENT);
    assert_int_equal(time_updates, 0);          /* not the caller's clock */
    assert_int_equal(other_refs, 0);
    p2m_destroy(other.p2m);
    frame_free(virt_to_phys(other.shared_info), 0);
    assert_int_equal(frame_free_count(), free);
}

#define T(f)    cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_map_over_ram), T(test_map_over_nothing), T(test_many_retired),
        T(test_refusals), T(test_other_domain),
    };

    return cmocka_run_group_tests(tests, machine_init, NULL);
}
