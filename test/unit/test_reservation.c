// SPDX-License-Identifier: MIT
/*
 * Unit tests: XENMEM_populate_physmap, decrease_reservation,
 * current/maximum_reservation, add_to_physmap_batch (gmfn_foreign) and
 * remove_from_physmap through memory_op_ctl(), on real p2ms and the real
 * frame allocator. The guest's arguments are host structs (copies are
 * memcpy). Domain 0 (privileged) builds domain 1; domain 2 is unprivileged.
 * A frame that holds a registered vcpu_info is never given back.
 * References on domains are counted by the fake domain_by_id/get/put, and
 * every frame must be back at the end.
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
#include <petrel/foreign_map.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <public/memory.h>
#include "frame_fixture.h"
#include "stubs.h"

static struct domain doms[3];
static struct vcpu vcpus[3];
static int refs[3];
static unsigned int sync_flushes;
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

void hvm_flush_p2m_sync(struct domain *d)
{
    sync_flushes++;
}

struct domain *domain_by_id(uint16_t id)
{
    if (id >= 3 || doms[id].dying)
        return NULL;
    refs[id]++;
    return &doms[id];
}

void domain_get(struct domain *d)
{
    refs[d->id]++;
}

void domain_put(struct domain *d)
{
    assert_true(refs[d->id] > 0);
    refs[d->id]--;
}

/* The grant table's pins (common/grant_table.c), faked: one pinned gfn
 * of domain 1, and whether the pins are held across each check. */
static uint64_t pinned_gfn = ~0ull, no_pins = ~0ull;
static int pins_held;

struct grant_table *gnttab_hold_pins(struct domain *d)
{
    pins_held++;
    return (struct grant_table *)(d->id == 1 ? &pinned_gfn : &no_pins);
}

bool gnttab_gfns_pinned(struct grant_table *gt, uint64_t gfn, uint64_t nr)
{
    assert_int_equal(pins_held, 1);
    return *(uint64_t *)gt - gfn < nr;
}

void gnttab_release_pins(struct grant_table *gt)
{
    pins_held--;
}

static int machine_init(void **state)
{
    return frame_fixture_init(64);
}

static int setup(void **state)
{
    free_before = frame_free_count();
    memset(doms, 0, sizeof(doms));
    memset(vcpus, 0, sizeof(vcpus));
    memset(refs, 0, sizeof(refs));
    for (unsigned int i = 0; i < 3; i++) {
        doms[i].id = i;
        doms[i].max_pages = 1000;
        doms[i].p2m = p2m_create(P2M_FORMAT_NPT, 48, P2M_CAP_2M);
        assert_non_null(doms[i].p2m);
        vcpus[i].domain = &doms[i];
    }
    doms[0].privileged = true;
    sync_flushes = 0;
    return 0;
}

/* What domain_destroy() does with these: the p2m, then the mappings. */
static int teardown(void **state)
{
    for (unsigned int i = 0; i < 3; i++) {
        p2m_destroy(doms[i].p2m);
        foreign_map_release_all(&doms[i]);
    }
    for (unsigned int i = 0; i < 3; i++)
        assert_int_equal(refs[i], 0);
    assert_int_equal(frame_free_count(), free_before);
    return 0;
}

static long reserve(unsigned int caller, uint64_t cmd, domid_t dom, xen_pfn_t *gfns,
                    unsigned int n, unsigned int order)
{
    struct xen_memory_reservation r = {
        .extent_start = (uintptr_t)gfns, .nr_extents = n, .extent_order = order,
        .domid = dom,
    };

    return memory_op_ctl(&vcpus[caller], cmd, (uintptr_t)&r);
}

static long batch(unsigned int caller, domid_t foreign, xen_ulong_t *idxs,
                  xen_pfn_t *gpfns, int *errs, unsigned int n)
{
    struct xen_add_to_physmap_batch b = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign, .size = n,
        .foreign_domid = foreign, .idxs = (uintptr_t)idxs, .gpfns = (uintptr_t)gpfns,
        .errs = (uintptr_t)errs,
    };

    return memory_op_ctl(&vcpus[caller], XENMEM_add_to_physmap_batch, (uintptr_t)&b);
}

static long unmap(unsigned int caller, xen_pfn_t gpfn)
{
    struct xen_remove_from_physmap x = { .domid = DOMID_SELF, .gpfn = gpfn };

    return memory_op_ctl(&vcpus[caller], XENMEM_remove_from_physmap, (uintptr_t)&x);
}

static void populate_limits(void **state)
{
    xen_pfn_t gfns[] = { 0x100, 0x101, 0x102, 0x103 };
    xen_pfn_t lapic = 0xfee00, big = 0x200, odd = 0x201;
    domid_t one = 1;

    doms[1].max_pages = 3;
    assert_int_equal(reserve(0, XENMEM_populate_physmap, 1, gfns, 4, 0), 3);
    assert_int_equal(domain_tot_pages(&doms[1]), 3);
    assert_int_equal(memory_op_ctl(&vcpus[0], XENMEM_current_reservation, (uintptr_t)&one), 3);
    assert_int_equal(memory_op_ctl(&vcpus[0], XENMEM_maximum_reservation, (uintptr_t)&one), 3);
    doms[1].max_pages = 1000;
    /* Populated already: the call stops at that extent. */
    assert_int_equal(reserve(0, XENMEM_populate_physmap, 1, gfns, 4, 0), 0);
    assert_int_equal(reserve(0, XENMEM_populate_physmap, 1, &gfns[3], 1, 0), 1);
    assert_int_equal(reserve(0, XENMEM_populate_physmap, 1, &lapic, 1, 0), 0);
    assert_int_equal(reserve(0, XENMEM_populate_physmap, 1, &odd, 1, 9), 0);
    assert_int_equal(reserve(0, XENMEM_populate_physmap, 1, &big, 1, 9), 1);
    assert_int_equal(domain_tot_pages(&doms[1]), 4 + 512);
    /* A 2 MiB extent over a populated 4 KiB page: refused whole. */
    assert_int_equal(reserve(0, XENMEM_populate_physmap, 1, &gfns[0], 1, 0), 0);
    assert_int_equal(reserve(0, XENMEM_populate_physmap, 1, &big, 1, 0), 0);
    assert_int_equal(reserve(0, XENMEM_populate_physmap, 1, gfns, 1, 1), -EINVAL);
    /* 2^48 bytes of guest-physical space: gfn 2^36 is beyond it. */
    xen_pfn_t far = 1ull << 36;

    assert_int_equal(reserve(0, XENMEM_populate_physmap, 1, &far, 1, 0), 0);
    assert_int_equal(refs[1], 0);
}

static void permissions(void **state)
{
    xen_pfn_t gfn = 0x100;
    xen_ulong_t idx = 0x100;
    int err = 7;

    assert_int_equal(reserve(2, XENMEM_populate_physmap, 1, &gfn, 1, 0), -EPERM);
    assert_int_equal(reserve(2, XENMEM_decrease_reservation, 0, &gfn, 1, 0), -EPERM);
    assert_int_equal(reserve(2, XENMEM_populate_physmap, DOMID_SELF, &gfn, 1, 0), 1);
    assert_int_equal(batch(2, 1, &idx, &gfn, &err, 1), -EPERM);
    assert_int_equal(err, 7);
    assert_int_equal(reserve(0, XENMEM_populate_physmap, 9, &gfn, 1, 0), -ESRCH);
    assert_int_equal(batch(0, 9, &idx, &gfn, &err, 1), -ESRCH);
    assert_int_equal(batch(0, 0, &idx, &gfn, &err, 1), -EINVAL);   /* itself */
    assert_int_equal(memory_op_ctl(&vcpus[0], 99, 0), -ENOSYS);
}

static void decrease_gives_back(void **state)
{
    xen_pfn_t gfns[] = { 0x100, 0x101 }, big = 0x200, none = 0x500;
    uint64_t before = frame_free_count();

    assert_int_equal(reserve(0, XENMEM_populate_physmap, 1, gfns, 2, 0), 2);
    assert_int_equal(reserve(0, XENMEM_populate_physmap, 1, &big, 1, 9), 1);
    assert_int_equal(reserve(0, XENMEM_decrease_reservation, 1, &none, 1, 0), 0);
    assert_int_equal(reserve(0, XENMEM_decrease_reservation, 1, gfns, 2, 0), 2);
    /* One 4 KiB page out of a 2 MiB one: split, the rest stays. */
    xen_pfn_t inner = 0x205;

    assert_int_equal(reserve(0, XENMEM_decrease_reservation, 1, &inner, 1, 0), 1);
    assert_int_equal(domain_tot_pages(&doms[1]), 511);
    assert_true(sync_flushes >= 3);      /* each removal of a mapped page */
    assert_int_equal(reserve(0, XENMEM_decrease_reservation, 1, &big, 1, 9), 0);  /* a hole */
    assert_int_equal(p2m_lookup(doms[1].p2m, 0x100, NULL, NULL, NULL, NULL), -ENOENT);
    assert_true(frame_free_count() < before);   /* the split left a table */
}

/* A page another domain maps by grant is not given back: it stays. */
static void grant_pinned_page_stays(void **state)
{
    xen_pfn_t gfns[] = { 0x100, 0x101 }, big = 0x200;

    assert_int_equal(reserve(0, XENMEM_populate_physmap, 1, gfns, 2, 0), 2);
    assert_int_equal(reserve(0, XENMEM_populate_physmap, 1, &big, 1, 9), 1);
    pinned_gfn = 0x101;
    assert_int_equal(reserve(0, XENMEM_decrease_reservation, 1, &gfns[1], 1, 0), 0);
    assert_int_equal(p2m_lookup(doms[1].p2m, 0x101, NULL, NULL, NULL, NULL), 0);
    pinned_gfn = 0x2ff;                         /* inside the 2 MiB extent */
    assert_int_equal(reserve(0, XENMEM_decrease_reservation, 1, &big, 1, 9), 0);
    assert_int_equal(domain_tot_pages(&doms[1]), 514);
    pinned_gfn = ~0ull;                         /* unmapped: now it may go */
    assert_int_equal(reserve(0, XENMEM_decrease_reservation, 1, gfns, 2, 0), 2);
    assert_int_equal(reserve(0, XENMEM_decrease_reservation, 1, &big, 1, 9), 1);
    assert_int_equal(domain_tot_pages(&doms[1]), 0);
    assert_int_equal(pins_held, 0);
}

static void foreign_maps_hold_references(void **state)
{
    xen_pfn_t gfns[] = { 0x100, 0x101, 0x102 };
    xen_ulong_t idxs[] = { 0x100, 0x101, 0x555 };
    xen_pfn_t at[] = { 0x9000, 0x9001, 0x9002 };
    int errs[3] = { 1, 1, 1 };
    uint64_t mfn, own;
    unsigned int flags;

    assert_int_equal(reserve(0, XENMEM_populate_physmap, 1, gfns, 3, 0), 3);
    assert_int_equal(batch(0, 1, idxs, at, errs, 3), 0);
    assert_int_equal(errs[0], 0);
    assert_int_equal(errs[1], 0);
    assert_int_equal(errs[2], -EINVAL);         /* not populated */
    assert_int_equal(refs[1], 2);               /* one per live mapping */
    assert_int_equal(p2m_lookup(doms[0].p2m, 0x9000, &mfn, NULL, NULL, &flags), 0);
    assert_int_equal(p2m_lookup(doms[1].p2m, 0x100, &own, NULL, NULL, NULL), 0);
    assert_int_equal(mfn, own);
    assert_int_equal(flags, 0);                 /* not the mapper's */
    assert_int_equal(domain_tot_pages(&doms[0]), 0);

    /* A mapped frame cannot be given back; an unmapped one can. */
    assert_int_equal(reserve(0, XENMEM_decrease_reservation, 1, gfns, 1, 0), 0);
    assert_int_equal(reserve(1, XENMEM_decrease_reservation, DOMID_SELF, &gfns[2], 1, 0), 1);

    /* Over an earlier foreign mapping: replaced, references balanced. */
    idxs[0] = 0x101;
    assert_int_equal(batch(0, 1, idxs, at, errs, 1), 0);
    assert_int_equal(errs[0], 0);
    assert_int_equal(refs[1], 2);
    assert_int_equal(reserve(0, XENMEM_decrease_reservation, 1, gfns, 1, 0), 1);

    /* Over the mapper's own RAM, or the APIC page: refused. */
    xen_pfn_t ram = 0x50, lapic = 0xfee00;

    assert_int_equal(reserve(0, XENMEM_populate_physmap, DOMID_SELF, &ram, 1, 0), 1);
    assert_int_equal(batch(0, 1, &idxs[0], &ram, errs, 1), 0);
    assert_int_equal(errs[0], -EBUSY);
    assert_int_equal(batch(0, 1, &idxs[0], &lapic, errs, 1), 0);
    assert_int_equal(errs[0], -EINVAL);
    assert_int_equal(refs[1], 2);

    /* Unmap one; a dying owner takes no new mapping; the rest go at teardown. */
    assert_int_equal(unmap(0, 0x9000), 0);
    assert_int_equal(refs[1], 1);
    assert_int_equal(p2m_lookup(doms[0].p2m, 0x9000, NULL, NULL, NULL, NULL), -ENOENT);
    assert_int_equal(unmap(0, 0x9000), -EINVAL);        /* nothing there */
    doms[1].dying = true;
    assert_int_equal(batch(0, 1, idxs, at, errs, 1), -ESRCH);
    assert_int_equal(refs[1], 1);
}

/* A frame holding a registered vcpu_info stays until it moves away. */
static void vcpu_info_pins_its_frame(void **state)
{
    paddr_t spare = frame_alloc(0);            /* where it moves: not guest RAM */
    xen_pfn_t gfn = 0x100;
    uint64_t mfn;

    assert_int_equal(reserve(0, XENMEM_populate_physmap, 1, &gfn, 1, 0), 1);
    assert_int_equal(p2m_lookup(doms[1].p2m, gfn, &mfn, NULL, NULL, NULL), 0);
    doms[1].vcpus[0] = &vcpus[1];
    doms[1].nr_vcpus = 1;
    vcpus[1].vcpu_info = (struct vcpu_info *)((uint8_t *)phys_to_virt(mfn << PAGE_SHIFT) + 64);
    assert_int_equal(reserve(0, XENMEM_decrease_reservation, 1, &gfn, 1, 0), 0);
    assert_int_equal(unmap(1, gfn), -EBUSY);            /* nor by remove_from_physmap */
    vcpus[1].vcpu_info = phys_to_virt(spare);
    assert_int_equal(reserve(0, XENMEM_decrease_reservation, 1, &gfn, 1, 0), 1);
    doms[1].nr_vcpus = 0;
    frame_free(spare, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(populate_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(permissions, setup, teardown),
        cmocka_unit_test_setup_teardown(decrease_gives_back, setup, teardown),
        cmocka_unit_test_setup_teardown(grant_pinned_page_stays, setup, teardown),
        cmocka_unit_test_setup_teardown(foreign_maps_hold_references, setup, teardown),
        cmocka_unit_test_setup_teardown(vcpu_info_pins_its_frame, setup, teardown),
    };

    return cmocka_run_group_tests(tests, machine_init, NULL);
}
