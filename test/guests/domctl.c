/* SPDX-License-Identifier: MIT */
/*
 * Test guest domctl: a tiny toolstack in a privileged dom0 (dom0=test). It
 * records the free memory (sysctl physinfo), creates a domain with one
 * vCPU and a 5-page limit, populates those pages, maps them into its own
 * physmap (add_to_physmap_batch, gmfn_foreign) where it gave back pages of
 * its own, writes into them a stub (below) with page tables for long mode,
 * sets its start (set_vcpu_start) and unpauses it. The stub writes a line
 * with console_io, then counts in its memory until dom0 sets a flag, and
 * powers off. Dom0 sees the counter move, stop while paused and move again;
 * gets VIRQ_DOM_EXC when the domain shuts down and getdomaininfo says
 * poweroff; reads the line back with console_read; unmaps, destroys it, gets
 * VIRQ_DOM_EXC again, getdomaininfo -ESRCH, and the free memory is what it
 * was. Along the way the errors: wrong version, unknown command, non-zero
 * pad, bad vCPU counts, populate past max_pages, foreign maps of an
 * unpopulated frame and of no domain, destroying itself, set_vcpu_start
 * after the start. Last, two domains that triple-fault at once: with
 * HVM_PARAM_TRIPLE_FAULT_REASON left at its default, shut down for a
 * reboot; set to SHUTDOWN_crash, crashed; each kept until destroyed.
 */
#include "hypercall.h"
#include "test.h"
#include "x86.h"
#include "xen.h"
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/memory.h>
#include <public/petrel_ctl.h>

TEST_TITLE("control hypercalls: build, run, pause, stop and destroy a domain");

#define MS              1000000UL
#define NR_PAGES        5
#define DOMU_BASE       0x100000      /* the stub's guest-physical home */
#define DOMU_GFN        (DOMU_BASE >> 12)
#define STR_(x)         #x
#define STR(x)          STR_(x)

/* Where the stub keeps its data, as offsets in its first page. */
#define OFF_COUNTER     0x800
#define OFF_FLAG        0x804
#define OFF_SHUTDOWN    0x808           /* struct sched_shutdown: poweroff */
#define OFF_GDT         0x810
#define OFF_GDTR        0x830
#define MSG             "domctl stub: hello from the new domain\n"   /* as stub_msg */

/*
 * The stub, 32-bit at DOMU_BASE in the PVH start state: load a GDT, turn on
 * PAE, CR3 (page 1 of its 5), EFER.LME and paging, jump to 64-bit code;
 * console_io write, then count until the flag, then SCHEDOP_shutdown.
 * Hypercalls need 64-bit mode. Addresses are DOMU_BASE + the offset of a
 * label from stub_start; the two hypercall instructions are VMCALL, made
 * VMMCALL on AMD by patching their third byte.
 */
#define AT(label)       "(" #label " - stub_start + " STR(DOMU_BASE) ")"
asm(".pushsection .rodata.stub, \"a\"\n"
    ".code32\n"
    "stub_start:\n"
    "    lgdt " STR(DOMU_BASE + OFF_GDTR) "\n"
    "    mov %cr4, %eax\n"
    "    or $0x20, %eax\n"
    "    mov %eax, %cr4\n"
    "    mov $" STR(DOMU_BASE + 0x1000) ", %eax\n"
    "    mov %eax, %cr3\n"
    "    mov $0xc0000080, %ecx\n"
    "    rdmsr\n"
    "    or $0x100, %eax\n"
    "    wrmsr\n"
    "    mov %cr0, %eax\n"
    "    or $0x80000001, %eax\n"
    "    mov %eax, %cr0\n"
    "    ljmp $0x08, $" AT(stub_long) "\n"
    ".code64\n"
    "stub_long:\n"
    "    mov $0x10, %eax\n"
    "    mov %eax, %ds\n"
    "    mov %eax, %es\n"
    "    mov %eax, %ss\n"
    "    mov $" STR(DOMU_BASE + 0x5000) ", %rsp\n"
    "    mov $" STR(__HYPERVISOR_console_io) ", %eax\n"
    "    mov $" STR(CONSOLEIO_write) ", %edi\n"
    "    mov $(stub_msg_end - stub_msg), %esi\n"
    "    mov $" AT(stub_msg) ", %edx\n"
    "stub_hc1:\n"
    "    vmcall\n"
    "stub_loop:\n"
    "    incl " STR(DOMU_BASE + OFF_COUNTER) "\n"
    "    pause\n"
    "    cmpl $0, " STR(DOMU_BASE + OFF_FLAG) "\n"
    "    je stub_loop\n"
    "    mov $" STR(__HYPERVISOR_sched_op) ", %eax\n"
    "    mov $" STR(SCHEDOP_shutdown) ", %edi\n"
    "    mov $" STR(DOMU_BASE + OFF_SHUTDOWN) ", %esi\n"
    "stub_hc2:\n"
    "    vmcall\n"
    "    hlt\n"
    "    jmp stub_loop\n"
    "stub_msg:\n"
    "    .ascii \"domctl stub: hello from the new domain\\n\"\n"
    "stub_msg_end:\n"
    "stub_end:\n"
    ".popsection\n");
extern const uint8_t stub_start[], stub_end[], stub_hc1[], stub_hc2[];

/* Pages of our own given back, where the new domain's frames appear. */
static uint8_t map_area[NR_PAGES][PAGE_SIZE] __aligned(PAGE_SIZE);
static domid_t domu;
static volatile uint32_t dom_exc;

static long domctl(struct petrel_domctl *op)
{
    return hypercall(__HYPERVISOR_domctl, (uintptr_t)op, 0, 0, 0, 0);
}

static long sysctl(struct petrel_sysctl *op)
{
    return hypercall(__HYPERVISOR_sysctl, (uintptr_t)op, 0, 0, 0, 0);
}

static long dom_op(uint32_t cmd, domid_t dom, struct petrel_domctl *op)
{
    op->cmd = cmd;
    op->interface_version = PETREL_CTL_VERSION;
    op->domain = dom;
    return domctl(op);
}

static uint64_t free_pages(void)
{
    struct petrel_sysctl op = { .cmd = PETREL_SYSCTL_physinfo,
                                .interface_version = PETREL_CTL_VERSION };

    REQUIRE_EQ(sysctl(&op), 0);
    return op.u.physinfo.free_pages;
}

static struct petrel_domaininfo info(domid_t dom, long *rc)
{
    struct petrel_domctl op = { 0 };

    *rc = dom_op(PETREL_DOMCTL_getdomaininfo, dom, &op);
    return op.u.getdomaininfo;
}

static long reservation(int cmd, domid_t dom, xen_pfn_t *gfns, unsigned int n)
{
    struct xen_memory_reservation r = {
        .extent_start = (uintptr_t)gfns, .nr_extents = n, .extent_order = 0,
        .domid = dom,
    };

    return hypervisor_memory_op(cmd, &r);
}

/* Yield until *p differs from 'old' or 'ms' pass: true if it did. */
static bool moves(volatile uint32_t *p, uint32_t old, unsigned int ms)
{
    uint64_t end = now_ns() + ms * MS;

    while (*p == old && now_ns() < end)
        sched_yield();
    return *p != old;
}

static bool wait_dom_exc(unsigned int ms)
{
    uint64_t end = now_ns() + ms * MS;

    while (!dom_exc && now_ns() < end)
        sched_yield();
    return dom_exc;
}

static void on_dom_exc(evtchn_port_t port, void *arg)
{
    dom_exc++;
}

/* Affinity, the memory limit, the list, and a remote shutdown, on a
 * domain that never ran. */
static void check_idle_domain(domid_t dom)
{
    struct petrel_domctl op = { .u.vcpuaffinity = { .vcpu = 1, .cpumap = 1 } };
    struct petrel_sysctl sop = { .cmd = PETREL_SYSCTL_getdomaininfolist,
                                 .interface_version = PETREL_CTL_VERSION };
    struct sched_remote_shutdown rs = { .domain_id = dom, .reason = SHUTDOWN_reboot };
    struct petrel_domaininfo list[2];
    long rc;

    CHECK_EQ(dom_op(PETREL_DOMCTL_setvcpuaffinity, dom, &op), 0);
    op.u.vcpuaffinity.cpumap = 0;
    CHECK_EQ(dom_op(PETREL_DOMCTL_getvcpuaffinity, dom, &op), 0);
    CHECK_EQ(op.u.vcpuaffinity.cpumap, 1);
    op.u.vcpuaffinity.cpumap = 1ull << 63;          /* no such pCPU */
    CHECK_EQ(dom_op(PETREL_DOMCTL_setvcpuaffinity, dom, &op), -XEN_EINVAL);
    op.u.vcpuaffinity = (struct petrel_vcpuaffinity){ .vcpu = 2, .cpumap = 1 };
    CHECK_EQ(dom_op(PETREL_DOMCTL_setvcpuaffinity, dom, &op), -XEN_EINVAL);
    op = (struct petrel_domctl){ .u.getvcpuinfo = { .vcpu = 1 } };
    CHECK_EQ(dom_op(PETREL_DOMCTL_getvcpuinfo, dom, &op), 0);
    CHECK_EQ(op.u.getvcpuinfo.affinity, 1);
    CHECK_EQ(op.u.getvcpuinfo.online, 0);
    CHECK_EQ(op.u.getvcpuinfo.cpu_time, 0);

    op = (struct petrel_domctl){ .u.max_mem = { .max_pages = 77 } };
    CHECK_EQ(dom_op(PETREL_DOMCTL_max_mem, dom, &op), 0);
    CHECK_EQ(info(dom, &rc).max_pages, 77);

    sop.u.getdomaininfolist = (struct petrel_getdomaininfolist){
        .first_domain = 0, .max_domains = 2, .buffer = (uintptr_t)list };
    CHECK_EQ(sysctl(&sop), 0);
    CHECK_EQ(sop.u.getdomaininfolist.nr_domains, 2);
    CHECK_EQ(list[0].domid, 0);
    CHECK_EQ(list[1].domid, dom);
    CHECK_EQ(list[1].max_pages, 77);
    sop.u.getdomaininfolist.first_domain = dom + 1;
    CHECK_EQ(sysctl(&sop), 0);
    CHECK_EQ(sop.u.getdomaininfolist.nr_domains, 0);

    /* Asked to stop before it ever ran: shut down, kept, VIRQ_DOM_EXC. */
    dom_exc = 0;
    CHECK_EQ(hypervisor_sched_op(SCHEDOP_remote_shutdown, &rs), 0);
    CHECK(wait_dom_exc(5000));
    struct petrel_domaininfo i = info(dom, &rc);
    CHECK_EQ(rc, 0);
    CHECK(i.flags & PETREL_DOMINF_shutdown);
    CHECK_EQ(i.shutdown_reason, SHUTDOWN_reboot);
    rs.reason = 99;
    CHECK_EQ(hypervisor_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_EINVAL);
    rs = (struct sched_remote_shutdown){ .domain_id = 0x7000 };
    CHECK_EQ(hypervisor_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_ESRCH);
}

static void check_errors(void)
{
    struct petrel_domctl op = { 0 };
    struct petrel_sysctl sop = { .cmd = PETREL_SYSCTL_physinfo, .interface_version = 0x12 };
    long rc;

    op.interface_version = PETREL_CTL_VERSION - 1;
    op.cmd = PETREL_DOMCTL_getdomaininfo;
    CHECK_EQ(domctl(&op), -XEN_EACCES);
    CHECK_EQ(sysctl(&sop), -XEN_EACCES);
    CHECK_EQ(dom_op(99, 0, &op), -XEN_ENOSYS);
    sop = (struct petrel_sysctl){ .cmd = 99, .interface_version = PETREL_CTL_VERSION };
    CHECK_EQ(sysctl(&sop), -XEN_ENOSYS);
    op = (struct petrel_domctl){ .pad = { 0, 1, 0 } };
    CHECK_EQ(dom_op(PETREL_DOMCTL_getdomaininfo, 0, &op), -XEN_EINVAL);
    op = (struct petrel_domctl){ .u.createdomain = { .max_vcpus = 0, .max_pages = 1 } };
    CHECK_EQ(dom_op(PETREL_DOMCTL_createdomain, 0, &op), -XEN_EINVAL);
    op.u.createdomain.max_vcpus = PETREL_MAX_VCPUS + 1;
    CHECK_EQ(dom_op(PETREL_DOMCTL_createdomain, 0, &op), -XEN_EINVAL);
    op.u.createdomain = (struct petrel_createdomain){ .max_vcpus = 1, .flags = 1 };
    CHECK_EQ(dom_op(PETREL_DOMCTL_createdomain, 0, &op), -XEN_EINVAL);
    op = (struct petrel_domctl){ .u.createdomain = { .max_vcpus = 1 } };
    CHECK_EQ(dom_op(PETREL_DOMCTL_createdomain, DOMID_SELF, &op), -XEN_EINVAL);
    CHECK_EQ(dom_op(PETREL_DOMCTL_createdomain, 0xffff, &op), -XEN_EINVAL);
    /* One that never runs: its id is taken until it is destroyed. */
    op = (struct petrel_domctl){ .u.createdomain = { .max_vcpus = 2 } };
    REQUIRE_EQ(dom_op(PETREL_DOMCTL_createdomain, 0, &op), 0);
    domid_t extra = op.domain;
    CHECK(extra >= 1);
    op = (struct petrel_domctl){ .u.createdomain = { .max_vcpus = 1 } };
    CHECK_EQ(dom_op(PETREL_DOMCTL_createdomain, extra, &op), -XEN_EEXIST);
    op = (struct petrel_domctl){ .u.sched_credit = { .op = PETREL_SCHED_set, .weight = 0 } };
    CHECK_EQ(dom_op(PETREL_DOMCTL_sched_credit, extra, &op), -XEN_EINVAL);
    op.u.sched_credit = (struct petrel_sched_credit){ .op = PETREL_SCHED_set, .weight = 512,
                                                      .cap = 201 };
    CHECK_EQ(dom_op(PETREL_DOMCTL_sched_credit, extra, &op), -XEN_EINVAL);
    op.u.sched_credit.cap = 50;
    CHECK_EQ(dom_op(PETREL_DOMCTL_sched_credit, extra, &op), 0);
    struct petrel_domaininfo i = info(extra, &rc);
    CHECK_EQ(i.weight, 512);
    CHECK_EQ(i.cap, 50);
    CHECK_EQ(i.nr_vcpus, 2);
    CHECK_EQ(i.nr_online_vcpus, 0);
    check_idle_domain(extra);
    op = (struct petrel_domctl){ 0 };
    CHECK_EQ(dom_op(PETREL_DOMCTL_destroydomain, 0, &op), -XEN_EINVAL);
    dom_exc = 0;
    CHECK_EQ(dom_op(PETREL_DOMCTL_destroydomain, extra, &op), 0);
    CHECK(wait_dom_exc(5000));
    info(extra, &rc);
    CHECK_EQ(rc, -XEN_ESRCH);
    info(0x7000, &rc);
    CHECK_EQ(rc, -XEN_ESRCH);
    dom_exc = 0;
}

/* Build the domain: create, populate, map, write the stub, set its start. */
static void build(void)
{
    struct petrel_domctl op = { .u.createdomain = { .max_vcpus = 1, .max_pages = NR_PAGES } };
    xen_pfn_t gfns[NR_PAGES], own[NR_PAGES], extra = DOMU_GFN + 64;
    xen_ulong_t idxs[NR_PAGES];
    int errs[NR_PAGES];
    struct xen_add_to_physmap_batch b = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign, .size = NR_PAGES,
        .idxs = (uintptr_t)idxs, .gpfns = (uintptr_t)own, .errs = (uintptr_t)errs,
    };
    long rc;

    REQUIRE_EQ(dom_op(PETREL_DOMCTL_createdomain, 0, &op), 0);
    domu = op.domain;
    struct petrel_domaininfo i = info(domu, &rc);
    REQUIRE_EQ(rc, 0);
    CHECK_EQ(i.flags & (PETREL_DOMINF_paused | PETREL_DOMINF_shutdown), PETREL_DOMINF_paused);
    CHECK_EQ(i.tot_pages, 0);
    CHECK_EQ(i.max_pages, NR_PAGES);
    CHECK_EQ(i.nr_vcpus, 1);

    for (unsigned int p = 0; p < NR_PAGES; p++) {
        gfns[p] = idxs[p] = DOMU_GFN + p;
        own[p] = (uintptr_t)map_area[p] >> 12;
        errs[p] = 1;
    }
    /* Its own frames, not ours; not populated yet: each entry fails on its own. */
    CHECK_EQ(hypervisor_memory_op(XENMEM_add_to_physmap_batch, &b), -XEN_EINVAL);
    b.foreign_domid = domu;
    b.size = 1;
    REQUIRE_EQ(hypervisor_memory_op(XENMEM_add_to_physmap_batch, &b), 0);
    CHECK_EQ(errs[0], -XEN_EINVAL);
    b.foreign_domid = 0x7000;
    CHECK_EQ(hypervisor_memory_op(XENMEM_add_to_physmap_batch, &b), -XEN_ESRCH);
    b.foreign_domid = domu;
    b.size = NR_PAGES;

    REQUIRE_EQ(reservation(XENMEM_populate_physmap, domu, gfns, NR_PAGES), NR_PAGES);
    CHECK_EQ(reservation(XENMEM_populate_physmap, domu, &extra, 1), 0);   /* max_pages */
    CHECK_EQ(reservation(XENMEM_populate_physmap, domu, gfns, 1), 0);     /* populated */
    CHECK_EQ(info(domu, &rc).tot_pages, NR_PAGES);

    REQUIRE_EQ(hypervisor_memory_op(XENMEM_add_to_physmap_batch, &b), 0);
    for (unsigned int p = 0; p < NR_PAGES; p++)
        REQUIRE_EQ(errs[p], 0);

    /* The stub and its data. */
    uint8_t *page0 = map_area[0];
    uint64_t *gdt = (uint64_t *)(page0 + OFF_GDT);
    size_t len = stub_end - stub_start;

    memcpy(page0, stub_start, len);
    if (cpu_is_amd) {               /* VMCALL 0f 01 c1 -> VMMCALL 0f 01 d9 */
        page0[stub_hc1 - stub_start + 2] = 0xd9;
        page0[stub_hc2 - stub_start + 2] = 0xd9;
    }
    gdt[0] = 0;
    gdt[1] = 0x00af9a000000ffffull;     /* 64-bit code */
    gdt[2] = 0x00cf92000000ffffull;     /* data */
    *(uint16_t *)(page0 + OFF_GDTR) = 3 * 8 - 1;
    *(uint32_t *)(page0 + OFF_GDTR + 2) = DOMU_BASE + OFF_GDT;
    *(uint32_t *)(page0 + OFF_SHUTDOWN) = SHUTDOWN_poweroff;
    /* PML4 -> PDPT -> PD, the first 2 MiB identity-mapped. */
    *(uint64_t *)map_area[1] = (DOMU_BASE + 0x2000) | 3;
    *(uint64_t *)map_area[2] = (DOMU_BASE + 0x3000) | 3;
    *(uint64_t *)map_area[3] = 0x83;

    op = (struct petrel_domctl){ .u.vcpu_start = { .vcpu = 0, .rip = DOMU_BASE, .rbx = 0 } };
    op.u.vcpu_start.rip = 1ull << 32;
    CHECK_EQ(dom_op(PETREL_DOMCTL_set_vcpu_start, domu, &op), -XEN_EINVAL);
    op.u.vcpu_start.rip = DOMU_BASE;
    op.u.vcpu_start.vcpu = 1;
    CHECK_EQ(dom_op(PETREL_DOMCTL_set_vcpu_start, domu, &op), -XEN_EINVAL);
    op.u.vcpu_start.vcpu = 0;
    REQUIRE_EQ(dom_op(PETREL_DOMCTL_set_vcpu_start, domu, &op), 0);
}

/* Store and console parameters and an unbound port, as a toolstack sets. */
static void check_params(void)
{
    struct xen_hvm_param p = { .domid = domu, .index = HVM_PARAM_STORE_PFN, .value = 0x1234 };
    struct evtchn_alloc_unbound au = { .dom = domu, .remote_dom = 0 };

    CHECK_EQ(hypervisor_hvm_op(HVMOP_set_param, &p), 0);
    p.value = 0;
    CHECK_EQ(hypervisor_hvm_op(HVMOP_get_param, &p), 0);
    CHECK_EQ(p.value, 0x1234);
    p.index = HVM_PARAM_CONSOLE_EVTCHN;
    p.value = 3;
    CHECK_EQ(hypervisor_hvm_op(HVMOP_set_param, &p), 0);
    CHECK_EQ(hypervisor_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    CHECK(au.port > 0);
}

static long unmap(unsigned int page)
{
    struct xen_remove_from_physmap r = { .domid = DOMID_SELF,
                                         .gpfn = (uintptr_t)map_area[page] >> 12 };

    return hypervisor_memory_op(XENMEM_remove_from_physmap, &r);
}

static void run_pause_stop(void)
{
    volatile uint32_t *counter = (volatile uint32_t *)(map_area[0] + OFF_COUNTER);
    volatile uint32_t *flag = (volatile uint32_t *)(map_area[0] + OFF_FLAG);
    struct petrel_domctl op = { 0 };
    uint32_t c;
    long rc;

    REQUIRE_EQ(dom_op(PETREL_DOMCTL_unpausedomain, domu, &op), 0);
    REQUIRE(moves(counter, 0, 5000));
    op = (struct petrel_domctl){ .u.vcpu_start = { .rip = DOMU_BASE } };
    CHECK_EQ(dom_op(PETREL_DOMCTL_set_vcpu_start, domu, &op), -XEN_EBUSY);

    op = (struct petrel_domctl){ 0 };
    REQUIRE_EQ(dom_op(PETREL_DOMCTL_pausedomain, domu, &op), 0);
    CHECK(info(domu, &rc).flags & PETREL_DOMINF_paused);
    c = *counter;
    CHECK(!moves(counter, c, 100));
    op = (struct petrel_domctl){ 0 };
    REQUIRE_EQ(dom_op(PETREL_DOMCTL_unpausedomain, domu, &op), 0);
    CHECK(moves(counter, *counter, 5000));
    CHECK_EQ(info(domu, &rc).flags & PETREL_DOMINF_paused, 0);

    /* Its stack page (unused): refused while we map it; then taken back
     * while it runs, which waits for its vCPU to drop the translation. */
    xen_pfn_t stack = DOMU_GFN + NR_PAGES - 1;

    CHECK_EQ(reservation(XENMEM_decrease_reservation, domu, &stack, 1), 0);
    CHECK_EQ(unmap(NR_PAGES - 1), 0);
    CHECK_EQ(reservation(XENMEM_decrease_reservation, domu, &stack, 1), 1);
    CHECK(moves(counter, *counter, 5000));

    op = (struct petrel_domctl){ .u.getvcpuinfo = { .vcpu = 0 } };
    CHECK_EQ(dom_op(PETREL_DOMCTL_getvcpuinfo, domu, &op), 0);
    CHECK_EQ(op.u.getvcpuinfo.online, 1);
    CHECK(op.u.getvcpuinfo.cpu_time > 0);

    *flag = 1;
    REQUIRE(wait_dom_exc(5000));
    struct petrel_domaininfo i = info(domu, &rc);
    CHECK_EQ(rc, 0);
    CHECK(i.flags & PETREL_DOMINF_shutdown);
    CHECK_EQ(i.shutdown_reason, SHUTDOWN_poweroff);
    CHECK(i.cpu_time > 0);
    CHECK_EQ(i.tot_pages, NR_PAGES - 1);     /* kept until destroyed */
}

static void check_console(void)
{
    struct petrel_domctl op = { 0 };
    char buf[128] = { 0 };

    op.u.console_read = (struct petrel_console_read){ .index = 0, .buffer = (uintptr_t)buf,
                                                      .size = sizeof(buf) - 1 };
    REQUIRE_EQ(dom_op(PETREL_DOMCTL_console_read, domu, &op), 0);
    CHECK_EQ(op.u.console_read.size, sizeof(MSG) - 1);
    CHECK_EQ(op.u.console_read.lost, 0);
    CHECK_EQ(op.u.console_read.index, sizeof(MSG) - 1);
    CHECK(!memcmp(buf, MSG, sizeof(MSG) - 1));
    /* Again from where it ended: nothing new. */
    op.u.console_read.size = sizeof(buf);
    REQUIRE_EQ(dom_op(PETREL_DOMCTL_console_read, domu, &op), 0);
    CHECK_EQ(op.u.console_read.size, 0);
}

/*
 * Destroy it while page 0 is still mapped: it stays, dying, with its
 * memory, until that mapping goes; then it is destroyed (VIRQ_DOM_EXC).
 */
static void unmap_destroy(void)
{
    volatile uint32_t *counter = (volatile uint32_t *)(map_area[0] + OFF_COUNTER);
    xen_ulong_t idx = DOMU_GFN + 1;
    xen_pfn_t gpfn = (uintptr_t)map_area[1] >> 12;
    int err = 1;
    struct xen_add_to_physmap_batch b = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign, .size = 1,
        .foreign_domid = domu, .idxs = (uintptr_t)&idx, .gpfns = (uintptr_t)&gpfn,
        .errs = (uintptr_t)&err,
    };
    struct petrel_domctl op = { 0 };
    uint32_t last = *counter;
    long rc;

    for (unsigned int p = 1; p < NR_PAGES - 1; p++)
        CHECK_EQ(unmap(p), 0);
    CHECK_EQ(unmap(1), -XEN_EINVAL);                /* nothing there any more */
    dom_exc = 0;
    REQUIRE_EQ(dom_op(PETREL_DOMCTL_destroydomain, domu, &op), 0);
    CHECK_EQ(dom_op(PETREL_DOMCTL_destroydomain, domu, &op), 0);   /* again: no-op */
    struct petrel_domaininfo i = info(domu, &rc);
    CHECK_EQ(rc, 0);
    CHECK(i.flags & PETREL_DOMINF_dying);
    CHECK_EQ(*counter, last);                       /* its memory is still there */
    CHECK_EQ(hypervisor_memory_op(XENMEM_add_to_physmap_batch, &b), -XEN_ESRCH);
    CHECK_EQ(err, 1);
    op = (struct petrel_domctl){ 0 };
    CHECK_EQ(dom_op(PETREL_DOMCTL_unpausedomain, domu, &op), -XEN_EINVAL);
    CHECK_EQ(unmap(0), 0);
    REQUIRE(wait_dom_exc(5000));
    info(domu, &rc);
    CHECK_EQ(rc, -XEN_ESRCH);
}

/* A domain that triple-faults (ud2 with an empty IDT): VIRQ_DOM_EXC, then kept
 * until destroyed. Its HVM_PARAM_TRIPLE_FAULT_REASON starts as
 * SHUTDOWN_reboot (Xen's default): with it left so the domain is shut down
 * for a reboot; set to SHUTDOWN_crash it has crashed. */
static void check_triple_fault(bool crash)
{
    struct petrel_domctl op = { .u.createdomain = { .max_vcpus = 1, .max_pages = 1 } };
    xen_pfn_t gfn = DOMU_GFN, own = (uintptr_t)map_area[0] >> 12;
    xen_ulong_t idx = DOMU_GFN;
    int err = 1;
    struct xen_add_to_physmap_batch b = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign, .size = 1,
        .idxs = (uintptr_t)&idx, .gpfns = (uintptr_t)&own, .errs = (uintptr_t)&err,
    };
    domid_t dom;
    long rc;

    REQUIRE_EQ(dom_op(PETREL_DOMCTL_createdomain, 0, &op), 0);
    dom = b.foreign_domid = op.domain;
    struct xen_hvm_param p = { .domid = dom, .index = HVM_PARAM_TRIPLE_FAULT_REASON };
    CHECK_EQ(hypervisor_hvm_op(HVMOP_get_param, &p), 0);
    CHECK_EQ(p.value, SHUTDOWN_reboot);
    p.value = SHUTDOWN_soft_reset + 1;
    CHECK_EQ(hypervisor_hvm_op(HVMOP_set_param, &p), -XEN_EINVAL);
    if (crash) {
        p.value = SHUTDOWN_crash;
        CHECK_EQ(hypervisor_hvm_op(HVMOP_set_param, &p), 0);
    }
    REQUIRE_EQ(reservation(XENMEM_populate_physmap, dom, &gfn, 1), 1);
    REQUIRE_EQ(hypervisor_memory_op(XENMEM_add_to_physmap_batch, &b), 0);
    REQUIRE_EQ(err, 0);
    /* lidt [DOMU_BASE + 0x10] (32-bit: an absolute disp32); ud2. An IDT of
     * limit 0 makes #UD, #GP and #DF undeliverable on either vendor (the
     * start state's own IDTR differs: under VMX its limit is 0xffff and
     * the #UD vector was read from unmapped memory, an NPF crash). */
    static const uint8_t code[] = { 0x0f, 0x01, 0x1d, 0x10, 0x00, 0x10, 0x00, 0x0f, 0x0b };
    _Static_assert(DOMU_BASE == 0x100000, "the lidt operand above");
    for (unsigned int k = 0; k < sizeof(code); k++)
        map_area[0][k] = code[k];
    for (unsigned int k = 0x10; k < 0x16; k++)
        map_area[0][k] = 0;             /* the IDTR image: limit 0, base 0 */
    CHECK_EQ(unmap(0), 0);
    op = (struct petrel_domctl){ .u.vcpu_start = { .rip = DOMU_BASE } };
    REQUIRE_EQ(dom_op(PETREL_DOMCTL_set_vcpu_start, dom, &op), 0);
    dom_exc = 0;
    op = (struct petrel_domctl){ 0 };
    REQUIRE_EQ(dom_op(PETREL_DOMCTL_unpausedomain, dom, &op), 0);
    CHECK(wait_dom_exc(5000));
    struct petrel_domaininfo i = info(dom, &rc);
    CHECK_EQ(rc, 0);
    if (crash) {
        CHECK_EQ(i.flags & (PETREL_DOMINF_crashed | PETREL_DOMINF_shutdown),
                 PETREL_DOMINF_crashed);
    } else {
        CHECK_EQ(i.flags & (PETREL_DOMINF_crashed | PETREL_DOMINF_shutdown),
                 PETREL_DOMINF_shutdown);
        CHECK_EQ(i.shutdown_reason, SHUTDOWN_reboot);
    }
    CHECK_EQ(i.tot_pages, 1);
    dom_exc = 0;
    op = (struct petrel_domctl){ 0 };
    CHECK_EQ(dom_op(PETREL_DOMCTL_destroydomain, dom, &op), 0);
    CHECK(wait_dom_exc(5000));
    info(dom, &rc);
    CHECK_EQ(rc, -XEN_ESRCH);
}

void test_main(void)
{
    xen_pfn_t own[NR_PAGES];
    evtchn_port_t port;
    uint64_t free_before;
    long rc;

    if ((rc = events_init(EVENT_VECTOR_DEFAULT)))
        test_error("events_init: %ld", rc);
    REQUIRE_EQ(evtchn_bind_virq(VIRQ_DOM_EXC, 0, &port), 0);
    evtchn_set_handler(port, 0, on_dom_exc, NULL);
    sti();
    for (unsigned int p = 0; p < NR_PAGES; p++)
        own[p] = (uintptr_t)map_area[p] >> 12;
    REQUIRE_EQ(reservation(XENMEM_decrease_reservation, DOMID_SELF, own, NR_PAGES), NR_PAGES);
    free_before = free_pages();

    check_errors();
    build();
    check_params();
    run_pause_stop();
    check_console();
    unmap_destroy();
    check_triple_fault(false);
    check_triple_fault(true);
    CHECK_EQ(free_pages(), free_before);
    CHECK_EQ(reservation(XENMEM_populate_physmap, DOMID_SELF, own, NR_PAGES), NR_PAGES);
}
