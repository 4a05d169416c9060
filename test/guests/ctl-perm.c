/* SPDX-License-Identifier: MIT */
/*
 * Test guest ctl-perm (dom0=test-all, two domains of it): who may use the
 * control hypercalls. Domain 0, the control domain (SIF_PRIVILEGED), may:
 * physinfo, readconsole (the hypervisor's log says "petrel"),
 * getdomaininfo of itself (privileged) and getdomaininfolist. Any other
 * domain gets -EPERM from domctl and sysctl whatever it passes (a wrong
 * version included), and from populate_physmap for another domain, a
 * foreign mapping and SCHEDOP_remote_shutdown; its own reservation it may
 * read.
 */
#include "hypercall.h"
#include "test.h"
#include "x86.h"
#include "xen.h"
#include <public/memory.h>
#include <public/petrel_ctl.h>

TEST_TITLE("control hypercalls: the control domain only, -EPERM for others");

static struct petrel_domctl dop = { .interface_version = PETREL_CTL_VERSION };
static struct petrel_sysctl sop = { .interface_version = PETREL_CTL_VERSION };

static long domctl(uint32_t cmd, domid_t dom)
{
    dop.cmd = cmd;
    dop.domain = dom;
    return hypercall(__HYPERVISOR_domctl, (uintptr_t)&dop, 0, 0, 0, 0);
}

static long sysctl(uint32_t cmd)
{
    sop.cmd = cmd;
    return hypercall(__HYPERVISOR_sysctl, (uintptr_t)&sop, 0, 0, 0, 0);
}

static void privileged(void)
{
    static char log[512];
    struct petrel_domaininfo list[4];

    REQUIRE_EQ(sysctl(PETREL_SYSCTL_physinfo), 0);
    CHECK_EQ(sop.u.physinfo.nr_cpus, 2);
    CHECK(sop.u.physinfo.cpu_khz > 0);
    CHECK(sop.u.physinfo.free_pages > 0);
    CHECK(sop.u.physinfo.free_pages < sop.u.physinfo.total_pages);
    CHECK(sop.u.physinfo.capabilities & (PETREL_PHYSCAP_svm | PETREL_PHYSCAP_vmx));
    CHECK_EQ(sop.u.physinfo.max_domains, 64);
    CHECK(sop.u.physinfo.nr_domains >= 1);

    sop.u.readconsole = (struct petrel_readconsole){ .index = 0, .buffer = (uintptr_t)log,
                                                     .size = sizeof(log) - 1 };
    REQUIRE_EQ(sysctl(PETREL_SYSCTL_readconsole), 0);
    CHECK_EQ(sop.u.readconsole.size, sizeof(log) - 1);
    CHECK_EQ(sop.u.readconsole.index, sop.u.readconsole.lost + sizeof(log) - 1);
    CHECK(!memcmp(log, "(petrel) [", 10) || sop.u.readconsole.lost);

    dop.u.getdomaininfo = (struct petrel_domaininfo){ 0 };
    REQUIRE_EQ(domctl(PETREL_DOMCTL_getdomaininfo, 0), 0);
    CHECK(dop.u.getdomaininfo.flags & PETREL_DOMINF_privileged);
    CHECK(dop.u.getdomaininfo.flags & PETREL_DOMINF_running);
    CHECK_EQ(dop.u.getdomaininfo.shutdown_reason, 0);

    sop.u.getdomaininfolist = (struct petrel_getdomaininfolist){
        .first_domain = 0, .max_domains = 4, .buffer = (uintptr_t)list };
    REQUIRE_EQ(sysctl(PETREL_SYSCTL_getdomaininfolist), 0);
    CHECK(sop.u.getdomaininfolist.nr_domains >= 1);
    CHECK_EQ(list[0].domid, 0);
    sop.u.getdomaininfolist.pad = 1;
    CHECK_EQ(sysctl(PETREL_SYSCTL_getdomaininfolist), -XEN_EINVAL);
}

static void unprivileged(void)
{
    xen_pfn_t gfn = 0x200;
    xen_ulong_t idx = 0x100;
    int err = 1;
    struct xen_memory_reservation r = {
        .extent_start = (uintptr_t)&gfn, .nr_extents = 1, .domid = 0 };
    struct xen_add_to_physmap_batch b = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign, .size = 1,
        .foreign_domid = 0, .idxs = (uintptr_t)&idx, .gpfns = (uintptr_t)&gfn,
        .errs = (uintptr_t)&err };
    struct sched_remote_shutdown rs = { .domain_id = 0, .reason = SHUTDOWN_poweroff };
    domid_t self = DOMID_SELF;

    CHECK_EQ(domctl(PETREL_DOMCTL_getdomaininfo, 0), -XEN_EPERM);
    CHECK_EQ(domctl(PETREL_DOMCTL_createdomain, 0), -XEN_EPERM);
    CHECK_EQ(domctl(PETREL_DOMCTL_destroydomain, 0), -XEN_EPERM);
    CHECK_EQ(domctl(99, 0), -XEN_EPERM);
    dop.interface_version = 1;
    CHECK_EQ(domctl(PETREL_DOMCTL_getdomaininfo, 0), -XEN_EPERM);
    CHECK_EQ(sysctl(PETREL_SYSCTL_physinfo), -XEN_EPERM);
    CHECK_EQ(sysctl(PETREL_SYSCTL_readconsole), -XEN_EPERM);
    CHECK_EQ(hypervisor_memory_op(XENMEM_populate_physmap, &r), -XEN_EPERM);
    CHECK_EQ(hypervisor_memory_op(XENMEM_decrease_reservation, &r), -XEN_EPERM);
    CHECK_EQ(hypervisor_memory_op(XENMEM_current_reservation, &r.domid), -XEN_EPERM);
    CHECK_EQ(hypervisor_memory_op(XENMEM_add_to_physmap_batch, &b), -XEN_EPERM);
    CHECK_EQ(err, 1);
    CHECK_EQ(hypervisor_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_EPERM);
    /* Its own reservation: what it was given. */
    CHECK(hypervisor_memory_op(XENMEM_current_reservation, &self) > 0);
    CHECK_EQ(hypervisor_memory_op(XENMEM_maximum_reservation, &self),
             hypervisor_memory_op(XENMEM_current_reservation, &self));
}

void test_main(void)
{
    if (start_info->flags & SIF_PRIVILEGED)
        privileged();
    else
        unprivileged();
}
