/* SPDX-License-Identifier: MIT */
/*
 * Test guest grant: grant tables v1 between two domains.
 *
 * role=a (the granter) maps its grant frame 0, grants domain peer= a
 * control page (ref 8, read-write), a data page (9, read-write), a
 * read-only page (10), a page it keeps mapped to the end (11) and one to
 * someone else (13). The two then go in steps, each side waiting for the
 * other's step number in the control page:
 *   1. b maps 8-11, reads and writes them, copies both ways, tries the
 *      hostile things and gets the errors;
 *   2. a sees b's writes and copies, and cannot end access to 9 or 10
 *      (GTF_reading/writing are set: its compare-exchange fails);
 *   3. b unmaps 9 and 10; a now ends access to both;
 *   4. a shuts down with 8 and 11 still mapped by b. b waits until a is
 *      gone (a copy from a's grant says bad_domain), finds page 11 still
 *      there, prints "unmapping the last pages", unmaps: only then may a
 *      be destroyed (the scenario's check reads that order in the log).
 * With mapper_dies on both command lines, b instead maps 8 and 11, grants a
 * page of its own that a maps, and shuts down with 8 and 11 mapped; a must
 * then see GTF_reading/writing go from both entries (Petrel tore b's
 * mappings down), end access, and shut down with b's page still mapped:
 * two dead domains holding references on each other must both go.
 * With dom.vcpus=2, b's vCPU 1 reads the read-only mapping until step 3,
 * then spins in guest mode on its own memory while vCPU 0 unmaps: each
 * unmap's synchronous flush must get it out of guest mode and return.
 */
#include <public/grant_table.h>
#include <public/memory.h>
#include "smp.h"
#include "test.h"
#include "x86.h"
#include "xen.h"

TEST_TITLE("grant tables: map, copy, end access, hostile ops, teardown order");

#define MS              1000000UL
#define REF_CTL         8
#define REF_RW          9
#define REF_RO          10
#define REF_KEEP        11
#define REF_OTHER       13      /* granted to another domain */
#define REF_NONE        20      /* never granted */
#define MAP_BASE        0x40000000UL    /* b's empty gfns (its RAM is far below) */
#define PAT_RW          0xa5
#define PAT_RO          0x5a
#define PAT_KEEP        0x77
#define PAT_COPY        0xc3
#define MAX_OPS         1024    /* Petrel's bound on ops per call */

struct ctl {
    volatile uint32_t a_step, b_step;
};

static uint8_t gt_page[PAGE_SIZE] __aligned(PAGE_SIZE);     /* a: grant frame 0 */
static uint8_t pages[4][PAGE_SIZE] __aligned(PAGE_SIZE);    /* a: granted; b: its own RAM */

static bool mapper_dies(void)
{
    const char *val;
    size_t len;

    return cmdline_find("mapper_dies", &val, &len);
}

static uint64_t gfn_of(const void *p)
{
    return (uintptr_t)p / PAGE_SIZE;
}

static uint8_t *map_va(unsigned int i)
{
    return (uint8_t *)(MAP_BASE + i * PAGE_SIZE);
}

static void wait_step(volatile uint32_t *step, uint32_t want, const char *who)
{
    uint64_t end = now_ns() + 10000 * MS;

    while (*step < want && now_ns() < end)
        sched_yield();
    if (*step < want)
        test_error("%s did not reach step %u in 10 s (at %u)", who, want, *step);
}

/* ---- role a: the granter ---------------------------------------------------- */

static struct grant_entry_v1 *table;

static void grant(grant_ref_t ref, domid_t to, const void *page, bool ro)
{
    table[ref].domid = to;
    table[ref].frame = gfn_of(page);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    table[ref].flags = GTF_permit_access | (ro ? GTF_readonly : 0);
}

/* Linux's v1 end of foreign access: fails while the hypervisor has it in use. */
static bool end_access(grant_ref_t ref)
{
    uint16_t old = __atomic_load_n(&table[ref].flags, __ATOMIC_ACQUIRE);

    do {
        if (old & (GTF_reading | GTF_writing))
            return false;
    } while (!__atomic_compare_exchange_n(&table[ref].flags, &old, 0, false,
                                          __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
    return true;
}

static void map_table(void)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
        .gpfn = gfn_of(gt_page),
    };
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    uint64_t frames[2];
    struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 2,
                                    .frame_list = (uintptr_t)frames };

    REQUIRE_EQ(hypervisor_memory_op(XENMEM_add_to_physmap, &x), 0);
    invlpg(gt_page);
    table = (struct grant_entry_v1 *)gt_page;
    CHECK_EQ(table[REF_CTL].flags, 0);              /* a fresh, zeroed frame */
    CHECK_EQ(hypervisor_grant_table_op(GNTTABOP_query_size, &q, 1), 0);
    CHECK_EQ(q.status, GNTST_okay);
    CHECK(q.nr_frames >= 1 && q.nr_frames <= q.max_nr_frames);
    CHECK_EQ(hypervisor_grant_table_op(GNTTABOP_setup_table, &s, 1), 0);
    CHECK_EQ(s.status, GNTST_okay);
    CHECK_EQ(frames[0], gfn_of(gt_page));
    CHECK_EQ(frames[1], ~0ull);                     /* not mapped */
    printf("grant: table of %u frames (max %u) mapped at gfn %#lx\n", q.nr_frames,
           q.max_nr_frames, gfn_of(gt_page));
}

static void role_a(domid_t peer)
{
    struct ctl *ctl = (struct ctl *)pages[0];

    map_table();
    memset(pages[1], PAT_RW, PAGE_SIZE);
    memset(pages[2], PAT_RO, PAGE_SIZE);
    memset(pages[3], PAT_KEEP, PAGE_SIZE);
    grant(REF_CTL, peer, pages[0], false);
    grant(REF_RW, peer, pages[1], false);
    grant(REF_RO, peer, pages[2], true);
    grant(REF_KEEP, peer, pages[3], false);
    grant(REF_OTHER, peer + 5, pages[1], false);
    ctl->a_step = 1;

    wait_step(&ctl->b_step, 1, "the mapper");
    CHECK_EQ(table[REF_RW].flags, GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(table[REF_RO].flags, GTF_permit_access | GTF_readonly | GTF_reading);
    CHECK(!end_access(REF_RW));
    CHECK(!end_access(REF_RO));
    CHECK_EQ(pages[1][0], 0xb0);                    /* b wrote through its mapping */
    CHECK_EQ(pages[1][1], PAT_RW);
    CHECK_EQ(pages[1][2048], PAT_COPY);             /* b's GNTTABOP_copy into ref 9 */
    CHECK_EQ(pages[1][2048 + 63], PAT_COPY);
    CHECK_EQ(pages[1][2048 + 64], PAT_RW);
    CHECK_EQ(pages[2][0], PAT_RO);
    printf("grant: end of access refused while mapped\n");
    ctl->a_step = 2;

    wait_step(&ctl->b_step, 2, "the mapper");
    CHECK_EQ(table[REF_RW].flags, GTF_permit_access);
    CHECK(end_access(REF_RW));
    CHECK(end_access(REF_RO));
    CHECK_EQ(table[REF_RO].flags, 0);
    printf("grant: end of access done after the unmap; leaving with refs %u and %u mapped\n",
           REF_CTL, REF_KEEP);
    ctl->a_step = 3;
}

/* ---- role b: the mapper ----------------------------------------------------- */

static int16_t map(domid_t dom, grant_ref_t ref, unsigned int slot, uint32_t flags,
                   grant_handle_t *handle)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = (uintptr_t)map_va(slot), .flags = flags, .ref = ref, .dom = dom,
    };

    CHECK_EQ(hypervisor_grant_table_op(GNTTABOP_map_grant_ref, &op, 1), 0);
    if (handle)
        *handle = op.handle;
    return op.status;
}

static int16_t unmap(grant_handle_t handle, uint64_t addr)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = addr, .handle = handle };

    CHECK_EQ(hypervisor_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1), 0);
    return op.status;
}

static int16_t copy(struct gnttab_copy *op)
{
    CHECK_EQ(hypervisor_grant_table_op(GNTTABOP_copy, op, 1), 0);
    return op->status;
}

/* The first map waits for a to have granted: 5 s at most. Before a has a
 * table at all the reference is beyond it (bad_gntref), before it grants
 * the entry is not a grant (general_error). */
static grant_handle_t map_ctl(domid_t peer)
{
    uint64_t end = now_ns() + 5000 * MS;
    grant_handle_t h = 0;
    int16_t st;

    while ((st = map(peer, REF_CTL, 0, GNTMAP_host_map, &h)) != GNTST_okay &&
           (st == GNTST_general_error || st == GNTST_bad_gntref) && now_ns() < end)
        sched_yield();
    REQUIRE_EQ(st, GNTST_okay);
    return h;
}

static void copies(domid_t peer)
{
    struct gnttab_copy op = {
        .source = { .u.ref = REF_RO, .domid = peer, .offset = 100 },
        .dest = { .u.gmfn = gfn_of(pages[1]), .domid = DOMID_SELF },
        .len = 64, .flags = GNTCOPY_source_gref,
    };

    CHECK_EQ(copy(&op), GNTST_okay);
    CHECK_EQ(pages[1][0], PAT_RO);
    CHECK_EQ(pages[1][63], PAT_RO);
    CHECK_EQ(pages[1][64], 0);
    memset(pages[2], PAT_COPY, 64);
    op = (struct gnttab_copy){
        .source = { .u.gmfn = gfn_of(pages[2]), .domid = DOMID_SELF },
        .dest = { .u.ref = REF_RW, .domid = peer, .offset = 2048 },
        .len = 64, .flags = GNTCOPY_dest_gref,
    };
    CHECK_EQ(copy(&op), GNTST_okay);

    /* out of the page, into a read-only grant, a gfn not ours, no such domain */
    op.dest.offset = 4096 - 63;
    CHECK_EQ(copy(&op), GNTST_bad_copy_arg);
    op.dest.offset = 0;
    op.dest.u.ref = REF_RO;
    CHECK_EQ(copy(&op), GNTST_general_error);
    op.dest.u.ref = REF_RW;
    op.source.domid = peer;
    CHECK_EQ(copy(&op), GNTST_permission_denied);
    op.source.domid = DOMID_SELF;
    op.dest.domid = 77;
    CHECK_EQ(copy(&op), GNTST_bad_domain);
    CHECK_EQ(hypervisor_grant_table_op(GNTTABOP_copy, &op, MAX_OPS + 1), -XEN_EINVAL);
}

static void hostile(domid_t peer)
{
    uint32_t hm = GNTMAP_host_map;
    struct gnttab_set_version sv = { .version = 2 };
    struct gnttab_setup_table s = { .dom = peer, .nr_frames = 1 };
    grant_handle_t h;

    CHECK_EQ(map(peer, REF_NONE, 4, hm, NULL), GNTST_general_error);
    CHECK_EQ(map(peer, 1u << 20, 4, hm, NULL), GNTST_bad_gntref);
    CHECK_EQ(map(peer, REF_OTHER, 4, hm, NULL), GNTST_general_error);
    CHECK_EQ(map(peer, REF_RO, 4, hm, NULL), GNTST_general_error);    /* rw of a ro grant */
    CHECK_EQ(map(77, REF_RW, 4, hm, NULL), GNTST_bad_domain);
    {
        /* onto b's own RAM */
        struct gnttab_map_grant_ref op = { .host_addr = (uintptr_t)pages[3], .flags = hm,
                                           .ref = REF_RW, .dom = peer };

        CHECK_EQ(hypervisor_grant_table_op(GNTTABOP_map_grant_ref, &op, 1), 0);
        CHECK_EQ(op.status, GNTST_bad_virt_addr);
    }
    CHECK_EQ(map(peer, REF_RW, 1, hm, &h), GNTST_bad_virt_addr);  /* slot 1 is taken */
    CHECK_EQ(unmap(999, (uintptr_t)map_va(1)), GNTST_bad_handle);
    CHECK_EQ(unmap(5000, (uintptr_t)map_va(1)), GNTST_bad_handle);
    CHECK_EQ(hypervisor_grant_table_op(GNTTABOP_set_version, &sv, 1), -XEN_ENOSYS);
    CHECK_EQ(sv.version, 1);
    sv.version = 3;
    CHECK_EQ(hypervisor_grant_table_op(GNTTABOP_set_version, &sv, 1), -XEN_EINVAL);
    sv.version = 1;
    CHECK_EQ(hypervisor_grant_table_op(GNTTABOP_set_version, &sv, 1), 0);
    CHECK_EQ(hypervisor_grant_table_op(GNTTABOP_setup_table, &s, 1), 0);
    CHECK_EQ(s.status, GNTST_permission_denied);
    CHECK_EQ(hypervisor_grant_table_op(GNTTABOP_transfer, &s, 1), -XEN_ENOSYS);
}

/* b's vCPU 1: reads the read-only page, then stays in guest mode. */
static volatile uint32_t reader_phase, reader_reads;

static void reader(unsigned int id)
{
    while (reader_phase == 0) {
        if (map_va(2)[id] != PAT_RO)
            test_fail("vCPU %u read %#x from the read-only mapping", id, map_va(2)[id]);
        reader_reads++;
    }
    reader_phase = 2;                       /* no longer touching it */
    while (reader_phase != 3)
        cpu_relax();
}

static void stop_reader(void)
{
    uint64_t end = now_ns() + 5000 * MS;

    if (!smp_vcpu_started(1))
        return;
    reader_phase = 1;
    while (reader_phase != 2 && now_ns() < end)
        cpu_relax();
    REQUIRE_EQ(reader_phase, 2);
    printf("grant: vCPU 1 read the mapping %u times, now spins in guest mode\n", reader_reads);
}

/* a is out of the domain list once a copy from its grant finds no domain. */
static bool peer_gone(domid_t peer)
{
    uint64_t end = now_ns() + 10000 * MS;
    uint8_t byte;
    struct gnttab_copy op = {
        .source = { .u.ref = REF_KEEP, .domid = peer },
        .dest = { .u.gmfn = (uintptr_t)&byte / PAGE_SIZE, .domid = DOMID_SELF,
                  .offset = (uintptr_t)&byte % PAGE_SIZE },
        .len = 1, .flags = GNTCOPY_source_gref,
    };

    do {
        if (copy(&op) == GNTST_bad_domain)
            return true;
        sched_yield();
    } while (now_ns() < end);
    return false;
}

/* ---- mapper_dies: both go with mappings live ------------------------------- */

/*
 * b goes with a's 8 and 11 mapped: Petrel must unpin them. a, in turn,
 * maps b's ref 8 and goes with it mapped, so each dead domain holds a
 * reference on the other until the reaper tears its mappings down.
 */
static void role_a_mapper_dies(domid_t peer)
{
    struct ctl *ctl = (struct ctl *)pages[0];
    grant_handle_t h;
    uint64_t end;

    map_table();
    grant(REF_CTL, peer, pages[0], false);
    grant(REF_KEEP, peer, pages[3], false);
    ctl->a_step = 1;
    wait_step(&ctl->b_step, 1, "the mapper");
    CHECK(!end_access(REF_KEEP));
    CHECK_EQ(pages[3][0], 0xb1);
    REQUIRE_EQ(map(peer, REF_CTL, 0, GNTMAP_host_map, &h), GNTST_okay);     /* b's page */
    CHECK_EQ(map_va(0)[100], 0xbb);
    ctl->a_step = 2;
    end = now_ns() + 10000 * MS;
    while ((table[REF_KEEP].flags & (GTF_reading | GTF_writing)) && now_ns() < end)
        sched_yield();
    CHECK_EQ(table[REF_KEEP].flags, GTF_permit_access);
    CHECK_EQ(table[REF_CTL].flags, GTF_permit_access);
    CHECK(end_access(REF_KEEP));
    CHECK(end_access(REF_CTL));
    CHECK_EQ(map_va(0)[100], 0xbb);             /* b is dead, its page still mapped */
    printf("grant: the mapper died with our pages mapped; access ended after it; "
           "shutting down with its page mapped (handle %u)\n", h);
}

static void role_b_mapper_dies(domid_t peer, grant_handle_t h_ctl)
{
    struct ctl *ctl = (struct ctl *)map_va(0);
    grant_handle_t h_keep;

    REQUIRE_EQ(map(peer, REF_KEEP, 3, GNTMAP_host_map, &h_keep), GNTST_okay);
    map_va(3)[0] = 0xb1;
    map_table();
    memset(pages[1], 0xbb, PAGE_SIZE);
    grant(REF_CTL, peer, pages[1], false);
    ctl->b_step = 1;
    wait_step(&ctl->a_step, 2, "the granter");
    printf("grant: shutting down with handles %u and %u mapped\n", h_ctl, h_keep);
}

static void role_b(domid_t peer)
{
    struct ctl *ctl = (struct ctl *)map_va(0);
    grant_handle_t h_ctl = map_ctl(peer), h_rw, h_ro, h_keep;

    wait_step(&ctl->a_step, 1, "the granter");
    if (mapper_dies()) {
        role_b_mapper_dies(peer, h_ctl);
        return;
    }
    REQUIRE_EQ(map(peer, REF_RW, 1, GNTMAP_host_map, &h_rw), GNTST_okay);
    REQUIRE_EQ(map(peer, REF_RO, 2, GNTMAP_host_map | GNTMAP_readonly, &h_ro), GNTST_okay);
    REQUIRE_EQ(map(peer, REF_KEEP, 3, GNTMAP_host_map, &h_keep), GNTST_okay);
    CHECK_EQ(map_va(1)[1], PAT_RW);
    CHECK_EQ(map_va(2)[0], PAT_RO);
    CHECK_EQ(map_va(3)[4095], PAT_KEEP);
    map_va(1)[0] = 0xb0;
    if (cmdline_u64_or("dom.vcpus", 1) > 1)
        REQUIRE_EQ(smp_start_vcpu(1, reader), 0);
    copies(peer);
    hostile(peer);
    printf("grant: mapped, copied, refused the hostile ops\n");
    ctl->b_step = 1;

    wait_step(&ctl->a_step, 2, "the granter");
    stop_reader();
    CHECK_EQ(unmap(h_rw, (uintptr_t)map_va(2)), GNTST_bad_virt_addr);     /* wrong address */
    CHECK_EQ(unmap(h_rw, (uintptr_t)map_va(1)), GNTST_okay);
    CHECK_EQ(unmap(h_ro, (uintptr_t)map_va(2)), GNTST_okay);
    CHECK_EQ(unmap(h_ro, (uintptr_t)map_va(2)), GNTST_bad_handle);        /* twice */
    reader_phase = 3;
    ctl->b_step = 2;

    wait_step(&ctl->a_step, 3, "the granter");
    if (!peer_gone(peer)) {
        test_fail("domain %u still in the list 10 s after it finished", peer);
        return;
    }
    CHECK_EQ(map_va(3)[0], PAT_KEEP);
    map_va(3)[0] = 1;
    CHECK_EQ(map_va(3)[0], 1);
    printf("grant: domain %u is gone, its page is still mapped and holds its data\n", peer);
    printf("grant: unmapping the last pages of domain %u\n", peer);
    CHECK_EQ(unmap(h_keep, (uintptr_t)map_va(3)), GNTST_okay);
    CHECK_EQ(unmap(h_ctl, (uintptr_t)map_va(0)), GNTST_okay);
}

void test_main(void)
{
    const char *role = "a";
    size_t len = 1;
    uint64_t peer;
    long rc;

    if ((rc = shared_info_map()))
        test_error("shared_info_map: %ld", rc);
    if (!cmdline_u64("peer", &peer))
        test_error("grant needs peer=<domain id>");
    cmdline_find("role", &role, &len);
    if (len == 1 && role[0] == 'b')
        role_b(peer);
    else if (mapper_dies())
        role_a_mapper_dies(peer);
    else
        role_a(peer);
}
