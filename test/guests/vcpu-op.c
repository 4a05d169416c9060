/* SPDX-License-Identifier: MIT */
/*
 * Test guest vcpu-op: shared_info, pvclock, the wall clock and vcpu_op on
 * the calling vCPU. Maps shared_info over a RAM page (add_to_physmap), reads
 * the pvclock in vcpu_info[0] (monotonic, a plausible TSC rate, its TSC
 * the guest's own which starts near 0), the wall clock (2024 or later),
 * moves vcpu_info with register_vcpu_info and checks that the new time info
 * continues the old clock, and checks the error codes of bad requests.
 * Timer delivery is another guest's job. With a second vCPU (the
 * dom.vcpus=2 module token) it also checks VCPUOP_initialise and up on it,
 * and that it runs from the given state.
 */
#include <public/hvm/hvm_vcpu.h>
#include <public/memory.h>
#include <public/vcpu.h>
#include "hypercall.h"
#include "test.h"
#include "x86.h"

TEST_TITLE("shared_info mapping, pvclock, wall clock and vcpu_op error codes");

#define JAN_1_2024      1704067200ull       /* seconds since 1970 */
#define BAD_GFN         (1ull << 40)        /* 2^52 bytes: beyond any p2m */
#define APIC_GFN        0xfee00ull
#define MAX_VCPU_PROBE  64                  /* no domain has a vCPU 64 */

static uint8_t si_page[PAGE_SIZE] __aligned(PAGE_SIZE);      /* shared_info goes here */
static uint8_t vi_page[PAGE_SIZE] __aligned(PAGE_SIZE);      /* then vcpu_info */

static long memory_op(unsigned int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_memory_op, cmd, (uintptr_t)arg, 0, 0, 0);
}

static long vcpu_op(unsigned int cmd, uint64_t vcpu, void *arg)
{
    return hypercall(__HYPERVISOR_vcpu_op, cmd, vcpu, (uintptr_t)arg, 0, 0);
}

static long map_si(uint16_t domid, uint32_t space, uint64_t idx, uint64_t gfn)
{
    struct xen_add_to_physmap x = { .domid = domid, .space = space, .idx = idx,
                                    .gpfn = gfn };

    return memory_op(XENMEM_add_to_physmap, &x);
}

/* A consistent copy of a vcpu_time_info (the version protocol). */
static void time_read(const volatile struct vcpu_time_info *src, struct vcpu_time_info *t)
{
    uint32_t v;

    do {
        v = src->version;
        asm volatile("" ::: "memory");
        t->tsc_timestamp = src->tsc_timestamp;
        t->system_time = src->system_time;
        t->tsc_to_system_mul = src->tsc_to_system_mul;
        t->tsc_shift = src->tsc_shift;
        t->flags = src->flags;
        asm volatile("" ::: "memory");
    } while ((v & 1) || v != src->version);
    t->version = v;
}

static uint64_t time_at(const struct vcpu_time_info *t, uint64_t tsc)
{
    uint64_t d = tsc - t->tsc_timestamp;

    d = t->tsc_shift >= 0 ? d << t->tsc_shift : d >> -t->tsc_shift;
    return t->system_time + (uint64_t)(((unsigned __int128)d * t->tsc_to_system_mul) >> 32);
}

static void check_physmap_errors(void)
{
    uint64_t gfn = (uintptr_t)si_page >> 12;

    CHECK_EQ(map_si(DOMID_SELF, 99, 0, gfn), -XEN_EINVAL);
    CHECK_EQ(map_si(DOMID_SELF, XENMAPSPACE_shared_info, 1, gfn), -XEN_EINVAL);
    CHECK_EQ(map_si(DOMID_SELF, XENMAPSPACE_shared_info, 0, BAD_GFN), -XEN_EINVAL);
    CHECK_EQ(map_si(DOMID_SELF, XENMAPSPACE_shared_info, 0, APIC_GFN), -XEN_EINVAL);
    /* No domain 0x7f00: -XEN_ESRCH when privileged, else -XEN_EPERM. */
    long rc = map_si(0x7f00, XENMAPSPACE_shared_info, 0, gfn);
    CHECK(rc == -XEN_ESRCH || rc == -XEN_EPERM);
    CHECK_EQ(memory_op(0x3f, NULL), -XEN_ENOSYS);
}

static const struct shared_info *map_shared_info(void)
{
    const volatile struct shared_info *si = (const void *)si_page;

    si_page[0] = 0xa5;              /* RAM before: written and readable */
    REQUIRE_EQ(map_si(DOMID_SELF, XENMAPSPACE_shared_info, 0, (uintptr_t)si_page >> 12), 0);
    /* Mapping it again at the same place is allowed. */
    CHECK_EQ(map_si(DOMID_SELF, XENMAPSPACE_shared_info, 0, (uintptr_t)si_page >> 12), 0);
    CHECK(si->vcpu_info[0].time.tsc_to_system_mul != 0);
    return (const struct shared_info *)si;
}

static void check_wallclock(const volatile struct shared_info *si)
{
    uint64_t sec;
    uint32_t ver, nsec;

    do {
        ver = si->wc_version;
        asm volatile("" ::: "memory");
        sec = si->wc_sec | (uint64_t)si->wc_sec_hi << 32;
        nsec = si->wc_nsec;
        asm volatile("" ::: "memory");
    } while ((ver & 1) || ver != si->wc_version);
    printf("wall clock at system time 0: %lu.%09u s since 1970 (version %u)\n", sec, nsec, ver);
    CHECK(ver != 0);
    CHECK(sec >= JAN_1_2024);
    CHECK(nsec < 1000000000);
}

static void check_pvclock(const volatile struct vcpu_time_info *src)
{
    struct vcpu_time_info t;
    uint64_t prev = 0, now, tsc, hz;

    time_read(src, &t);
    tsc = rdtsc();
    hz = (((unsigned __int128)1000000000 << 32) / t.tsc_to_system_mul);
    hz = t.tsc_shift >= 0 ? hz >> t.tsc_shift : hz << -t.tsc_shift;
    printf("pvclock: version %u tsc %lu system %lu ns mul %#x shift %d flags %#x (%lu Hz); "
           "TSC now %lu\n", t.version, t.tsc_timestamp, t.system_time, t.tsc_to_system_mul,
           t.tsc_shift, t.flags, hz, tsc);
    CHECK(t.flags & XEN_PVCLOCK_TSC_STABLE_BIT);
    CHECK(hz >= 1000000 && hz <= 100000000000ull);
    /* The timestamp is in the guest's TSC, which started near 0. */
    CHECK(t.tsc_timestamp <= tsc);
    CHECK(tsc < (1ull << 42));
    for (int i = 0; i < 1000; i++) {
        now = time_at(&t, rdtsc());
        if (now < prev)
            test_fail("pvclock went back: %lu after %lu", now, prev);
        prev = now;
    }
    CHECK(prev > time_at(&t, tsc));
}

static void check_vcpu_info_errors(void)
{
    uint64_t gfn = (uintptr_t)vi_page >> 12;
    struct vcpu_register_vcpu_info r;

    r = (struct vcpu_register_vcpu_info){ .mfn = gfn, .offset = PAGE_SIZE - 32 };
    CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0, &r), -XEN_EINVAL);   /* crosses the page */
    r = (struct vcpu_register_vcpu_info){ .mfn = BAD_GFN };
    CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0, &r), -XEN_EINVAL);
    r = (struct vcpu_register_vcpu_info){ .mfn = APIC_GFN };
    CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0, &r), -XEN_EINVAL);
    r = (struct vcpu_register_vcpu_info){ .mfn = (uintptr_t)si_page >> 12 };
    CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0, &r), -XEN_EINVAL);   /* not RAM of ours */
    r = (struct vcpu_register_vcpu_info){ .mfn = gfn, .rsvd = 1 };
    CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0, &r), -XEN_EINVAL);
    r = (struct vcpu_register_vcpu_info){ .mfn = gfn };
    CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_info, MAX_VCPU_PROBE, &r), -XEN_ENOENT);
}

/* vcpu_info moves to vi_page + 64; its clock continues the old one. */
static void check_register_vcpu_info(const volatile struct vcpu_info *old)
{
    const volatile struct vcpu_info *vi = (const void *)(vi_page + 64);
    struct vcpu_register_vcpu_info r = { .mfn = (uintptr_t)vi_page >> 12, .offset = 64 };
    struct vcpu_time_info before, after;
    uint64_t predicted;

    time_read(&old->time, &before);
    REQUIRE_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0, &r), 0);
    CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_info, 0, &r), -XEN_EINVAL);   /* only once */
    time_read(&vi->time, &after);
    printf("moved vcpu_info: tsc %lu -> %lu, system %lu -> %lu ns\n", before.tsc_timestamp,
           after.tsc_timestamp, before.system_time, after.system_time);
    CHECK_EQ(after.tsc_to_system_mul, before.tsc_to_system_mul);
    CHECK_EQ(after.tsc_shift, before.tsc_shift);
    /* Petrel may keep one reference point for the domain's life (it does:
     * all vCPUs share it) or move it on; never back. */
    CHECK(after.tsc_timestamp >= before.tsc_timestamp);
    /* The old parameters, read at the new timestamp, say the same time
     * within truncation (never more). */
    predicted = time_at(&before, after.tsc_timestamp);
    CHECK(predicted <= after.system_time && after.system_time - predicted <= 4);
    check_pvclock(&vi->time);
}

static void check_timers(void)
{
    struct vcpu_set_singleshot_timer s = { .timeout_abs_ns = 1, .flags = VCPU_SSHOTTMR_future };
    struct vcpu_set_periodic_timer p = { .period_ns = 1000 };

    CHECK_EQ(vcpu_op(VCPUOP_set_singleshot_timer, 0, &s), -XEN_ETIME);
    CHECK_EQ(vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
    CHECK_EQ(vcpu_op(VCPUOP_set_periodic_timer, 0, &p), -XEN_EINVAL);   /* under 1 ms */
    p.period_ns = 10000000;
    CHECK_EQ(vcpu_op(VCPUOP_set_periodic_timer, 0, &p), 0);
    CHECK_EQ(vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    CHECK_EQ(hypercall(__HYPERVISOR_set_timer_op, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(vcpu_op(VCPUOP_set_singleshot_timer, MAX_VCPU_PROBE, &s), -XEN_ENOENT);
    CHECK_EQ(vcpu_op(99, 0, NULL), -XEN_ENOSYS);
}

/* The registered copy is written at once, with at least 'ran' ns running. */
static void check_runstate_area(uint64_t ran)
{
    static volatile struct vcpu_runstate_info area;
    struct vcpu_register_runstate_memory_area r = { .addr = (uintptr_t)&area };

    REQUIRE_EQ(vcpu_op(VCPUOP_register_runstate_memory_area, 0, &r), 0);
    printf("runstate area: state %u, running %lu ns\n", area.state, area.time[RUNSTATE_running]);
    CHECK_EQ(area.state, RUNSTATE_running);
    CHECK(area.time[RUNSTATE_running] >= ran);
    r.addr = 1ull << 46;                    /* not mapped by the guest's page tables */
    CHECK_EQ(vcpu_op(VCPUOP_register_runstate_memory_area, 0, &r), -XEN_EFAULT);
    r.addr = 0;
    CHECK_EQ(vcpu_op(VCPUOP_register_runstate_memory_area, 0, &r), 0);
}

/*
 * VCPUOP_register_vcpu_time_memory_area: a second copy of the pvclock at a
 * guest virtual address, written at once and kept as vcpu_info's (what
 * Linux's vDSO reads). A bad address is -EFAULT; 0 unregisters, and the
 * copy is left alone after.
 */
static void check_time_area(const volatile struct vcpu_time_info *clock)
{
    static volatile struct vcpu_time_info area;
    struct vcpu_register_time_memory_area r = { .addr = (uintptr_t)&area };
    struct vcpu_time_info a, c;

    REQUIRE_EQ(vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &r), 0);
    time_read(&area, &a);
    time_read(clock, &c);
    printf("time area: version %u tsc %lu system %lu mul %#x shift %d flags %#x\n", a.version,
           a.tsc_timestamp, a.system_time, a.tsc_to_system_mul, a.tsc_shift, a.flags);
    CHECK(a.version != 0 && !(a.version & 1));
    CHECK_EQ(a.tsc_timestamp, c.tsc_timestamp);
    CHECK_EQ(a.system_time, c.system_time);
    CHECK_EQ(a.tsc_to_system_mul, c.tsc_to_system_mul);
    CHECK_EQ(a.tsc_shift, c.tsc_shift);
    CHECK(a.flags & XEN_PVCLOCK_TSC_STABLE_BIT);
    /* A new publication reaches the copy too: mapping shared_info again
     * publishes afresh on this vCPU, as its being scheduled does. */
    area.version = 1;                       /* odd: only a new write ends it */
    REQUIRE_EQ(map_si(DOMID_SELF, XENMAPSPACE_shared_info, 0, (uintptr_t)si_page >> 12), 0);
    time_read(&area, &a);
    time_read(clock, &c);
    CHECK_EQ(a.version, c.version);
    CHECK_EQ(a.system_time, c.system_time);
    r.addr = 1ull << 46;                    /* not mapped by the guest's page tables */
    CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &r), -XEN_EFAULT);
    r.addr = 0;
    CHECK_EQ(vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &r), 0);
    area.version = 7;
    REQUIRE_EQ(map_si(DOMID_SELF, XENMAPSPACE_shared_info, 0, (uintptr_t)si_page >> 12), 0);
    CHECK_EQ(area.version, 7);
}

static void check_runstate(void)
{
    struct vcpu_runstate_info a, b;
    volatile uint64_t spin = 0;

    REQUIRE_EQ(vcpu_op(VCPUOP_get_runstate_info, 0, &a), 0);
    for (int i = 0; i < 200000; i++)
        spin += i;
    REQUIRE_EQ(vcpu_op(VCPUOP_get_runstate_info, 0, &b), 0);
    printf("runstate: state %u, running %lu -> %lu ns\n", b.state, a.time[RUNSTATE_running],
           b.time[RUNSTATE_running]);
    CHECK_EQ(b.state, RUNSTATE_running);
    CHECK(b.time[RUNSTATE_running] > a.time[RUNSTATE_running]);
    CHECK_EQ(vcpu_op(VCPUOP_get_runstate_info, MAX_VCPU_PROBE, &a), -XEN_ENOENT);
    check_runstate_area(b.time[RUNSTATE_running]);
    CHECK_EQ(vcpu_op(VCPUOP_is_up, 0, NULL), 1);
}

static volatile uint32_t ap_ran;
static uint8_t ap_stack[4096] __aligned(16);

/* vCPU 1's code: say so, then take itself down (interrupts stay off). */
static void __attribute__((noreturn)) ap_main(void)
{
    ap_ran = 1;
    vcpu_op(VCPUOP_down, 1, NULL);
    for (;;)
        asm volatile("hlt");
}

/* Wait (yielding, bounded by the pvclock) until *flag reads 'want'. */
static bool wait_for(bool (*cond)(void), const volatile struct vcpu_time_info *clock)
{
    struct vcpu_time_info t;
    uint64_t start;

    time_read(clock, &t);
    start = time_at(&t, rdtsc());
    while (!cond()) {
        hypervisor_sched_op(SCHEDOP_yield, NULL);
        if (time_at(&t, rdtsc()) - start > 10000000000ull)     /* 10 s */
            return false;
    }
    return true;
}

static bool ap_has_run(void)
{
    return ap_ran;
}

static bool ap_is_down(void)
{
    return vcpu_op(VCPUOP_is_up, 1, NULL) == 0;
}

/* Bring-up of vCPU 1, when there is one: errors, then a real start. */
static void check_second_vcpu(const volatile struct vcpu_time_info *clock)
{
    struct vcpu_hvm_context ctx = { .mode = 7 };
    long rc = vcpu_op(VCPUOP_is_up, 1, NULL);

    CHECK_EQ(vcpu_op(VCPUOP_initialise, 0, &ctx), -XEN_EEXIST);        /* itself, running */
    if (rc == -XEN_ENOENT) {
        printf("one vCPU: VCPUOP_up and initialise of vCPU 1 not checked\n");
        return;
    }
    CHECK_EQ(rc, 0);
    CHECK_EQ(vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL);                /* never initialised */
    CHECK_EQ(vcpu_op(VCPUOP_initialise, 1, &ctx), -XEN_EINVAL);        /* bad mode */
    ctx = (struct vcpu_hvm_context){ .mode = VCPU_HVM_MODE_64B };
    ctx.cpu_regs.x86_64 = (struct vcpu_hvm_x86_64){
        .rip = 0x0000800000000000ull, .cr0 = CR0_PE | CR0_PG, .cr4 = CR4_PAE,
        .efer = EFER_LME, .rflags = 2 };
    CHECK_EQ(vcpu_op(VCPUOP_initialise, 1, &ctx), -XEN_EINVAL);        /* non-canonical */
    /* A good context (this vCPU's paging, ap_main) is taken once; the
     * stack is aligned as at a call (RSP + 8 a multiple of 16). */
    ctx.cpu_regs.x86_64.rip = (uintptr_t)ap_main;
    ctx.cpu_regs.x86_64.rsp = (uintptr_t)(ap_stack + sizeof(ap_stack)) - 8;
    ctx.cpu_regs.x86_64.cr0 = read_cr0();
    ctx.cpu_regs.x86_64.cr3 = read_cr3();
    ctx.cpu_regs.x86_64.cr4 = read_cr4();
    ctx.cpu_regs.x86_64.efer = rdmsr(MSR_EFER);
    REQUIRE_EQ(vcpu_op(VCPUOP_initialise, 1, &ctx), 0);
    CHECK_EQ(vcpu_op(VCPUOP_initialise, 1, &ctx), -XEN_EEXIST);
    CHECK_EQ(vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    CHECK_EQ(ap_ran, 0);

    REQUIRE_EQ(vcpu_op(VCPUOP_up, 1, NULL), 0);
    if (!CHECK(wait_for(ap_has_run, clock)))
        return;
    CHECK(wait_for(ap_is_down, clock));
    printf("vCPU 1 ran from VCPUOP_initialise's state and took itself down\n");
    CHECK_EQ(vcpu_op(VCPUOP_initialise, 1, &ctx), -XEN_EEXIST);    /* still initialised */
}

void test_main(void)
{
    const struct shared_info *si;

    check_physmap_errors();
    si = map_shared_info();
    check_wallclock(si);
    check_pvclock(&si->vcpu_info[0].time);
    check_vcpu_info_errors();
    check_register_vcpu_info(&si->vcpu_info[0]);
    check_timers();
    check_runstate();
    /* vCPU 0's time info lives in vi_page now */
    check_time_area(&((const struct vcpu_info *)(vi_page + 64))->time);
    check_second_vcpu(&((const struct vcpu_info *)(vi_page + 64))->time);
}
