// SPDX-License-Identifier: MIT
/* libhv: the control hypercalls, one thin wrapper each; see libhv.h. */
#include <string.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/hvm/hvm_op.h>
#include <public/memory.h>
#include <public/sched.h>
#include "libhv.h"

static int sysctl(struct petrel_sysctl *s, uint32_t cmd)
{
    s->cmd = cmd;
    s->interface_version = PETREL_CTL_VERSION;
    return hv_hypercall(__HYPERVISOR_sysctl, (uintptr_t)s, 0);
}

static int domctl(struct petrel_domctl *d, uint32_t cmd, domid_t dom)
{
    d->cmd = cmd;
    d->interface_version = PETREL_CTL_VERSION;
    d->domain = dom;
    return hv_hypercall(__HYPERVISOR_domctl, (uintptr_t)d, 0);
}

int hv_physinfo(struct petrel_physinfo *info)
{
    struct petrel_sysctl s;
    int rc;

    memset(&s, 0, sizeof(s));
    if (!(rc = sysctl(&s, PETREL_SYSCTL_physinfo)))
        *info = s.u.physinfo;
    return rc;
}

int hv_readconsole(uint64_t *index, char *buf, uint32_t size, uint32_t *got,
                   uint32_t *lost)
{
    struct petrel_sysctl s;
    int rc;

    memset(&s, 0, sizeof(s));
    s.u.readconsole.index = *index;
    s.u.readconsole.buffer = (uintptr_t)buf;
    s.u.readconsole.size = size;
    if ((rc = sysctl(&s, PETREL_SYSCTL_readconsole)))
        return rc;
    *index = s.u.readconsole.index;
    *got = s.u.readconsole.size;
    *lost = s.u.readconsole.lost;
    return 0;
}

int hv_domain_list(domid_t first, struct petrel_domaininfo *list, uint32_t max,
                   uint32_t *nr)
{
    struct petrel_sysctl s;
    int rc;

    memset(&s, 0, sizeof(s));
    s.u.getdomaininfolist.first_domain = first;
    s.u.getdomaininfolist.max_domains = max;
    s.u.getdomaininfolist.buffer = (uintptr_t)list;
    if (!(rc = sysctl(&s, PETREL_SYSCTL_getdomaininfolist)))
        *nr = s.u.getdomaininfolist.nr_domains;
    return rc;
}

int hv_bus_addr(const uint64_t *gfns, uint64_t *addrs, uint32_t nr)
{
    struct petrel_sysctl s;

    memset(&s, 0, sizeof(s));
    s.u.bus_addr.nr = nr;
    s.u.bus_addr.gfns = (uintptr_t)gfns;
    s.u.bus_addr.addrs = (uintptr_t)addrs;
    return sysctl(&s, PETREL_SYSCTL_bus_addr);
}

int hv_pci_assignable(uint16_t seg, uint16_t bdf, int add)
{
    struct petrel_sysctl s;

    memset(&s, 0, sizeof(s));
    s.u.pci_assignable.op = add ? PETREL_PCI_ASSIGNABLE_add : PETREL_PCI_ASSIGNABLE_remove;
    s.u.pci_assignable.seg = seg;
    s.u.pci_assignable.bdf = bdf;
    return sysctl(&s, PETREL_SYSCTL_pci_assignable);
}

int hv_pci_list(uint32_t first, struct petrel_pcidev_info *list, uint32_t max,
                uint32_t *nr, uint32_t *total)
{
    struct petrel_sysctl s;
    int rc;

    memset(&s, 0, sizeof(s));
    s.u.pci_assignable.op = PETREL_PCI_ASSIGNABLE_list;
    s.u.pci_assignable.first = first;
    s.u.pci_assignable.max_devs = max;
    s.u.pci_assignable.buffer = (uintptr_t)list;
    if (!(rc = sysctl(&s, PETREL_SYSCTL_pci_assignable))) {
        *nr = s.u.pci_assignable.nr_devs;
        *total = s.u.pci_assignable.total;
    }
    return rc;
}

int hv_domain_info(domid_t dom, struct petrel_domaininfo *info)
{
    struct petrel_domctl d;
    int rc;

    memset(&d, 0, sizeof(d));
    if (!(rc = domctl(&d, PETREL_DOMCTL_getdomaininfo, dom)))
        *info = d.u.getdomaininfo;
    return rc;
}

static int domctl_plain(uint32_t cmd, domid_t dom)
{
    struct petrel_domctl d;

    memset(&d, 0, sizeof(d));
    return domctl(&d, cmd, dom);
}

int hv_domain_pause(domid_t dom)
{
    return domctl_plain(PETREL_DOMCTL_pausedomain, dom);
}

int hv_domain_unpause(domid_t dom)
{
    return domctl_plain(PETREL_DOMCTL_unpausedomain, dom);
}

int hv_domain_destroy(domid_t dom)
{
    return domctl_plain(PETREL_DOMCTL_destroydomain, dom);
}

int hv_domain_create(uint32_t max_vcpus, uint64_t max_pages, domid_t *dom)
{
    struct petrel_domctl d;
    int rc;

    memset(&d, 0, sizeof(d));
    d.u.createdomain.max_vcpus = max_vcpus;
    d.u.createdomain.max_pages = max_pages;
    if (!(rc = domctl(&d, PETREL_DOMCTL_createdomain, *dom)))
        *dom = d.domain;
    return rc;
}

static int assign_op(uint32_t cmd, domid_t dom, uint16_t seg, uint16_t bdf)
{
    struct petrel_domctl d;

    memset(&d, 0, sizeof(d));
    d.u.assign_device.seg = seg;
    d.u.assign_device.bdf = bdf;
    return domctl(&d, cmd, dom);
}

int hv_assign_device(domid_t dom, uint16_t seg, uint16_t bdf)
{
    return assign_op(PETREL_DOMCTL_assign_device, dom, seg, bdf);
}

int hv_deassign_device(domid_t dom, uint16_t seg, uint16_t bdf)
{
    return assign_op(PETREL_DOMCTL_deassign_device, dom, seg, bdf);
}

int hv_max_mem(domid_t dom, uint64_t max_pages)
{
    struct petrel_domctl d;

    memset(&d, 0, sizeof(d));
    d.u.max_mem.max_pages = max_pages;
    return domctl(&d, PETREL_DOMCTL_max_mem, dom);
}

int hv_vcpu_start(domid_t dom, uint32_t vcpu, uint64_t rip, uint64_t rbx)
{
    struct petrel_domctl d;

    memset(&d, 0, sizeof(d));
    d.u.vcpu_start.vcpu = vcpu;
    d.u.vcpu_start.rip = rip;
    d.u.vcpu_start.rbx = rbx;
    return domctl(&d, PETREL_DOMCTL_set_vcpu_start, dom);
}

int hv_vcpu_info(domid_t dom, uint32_t vcpu, struct petrel_vcpuinfo *info)
{
    struct petrel_domctl d;
    int rc;

    memset(&d, 0, sizeof(d));
    d.u.getvcpuinfo.vcpu = vcpu;
    if (!(rc = domctl(&d, PETREL_DOMCTL_getvcpuinfo, dom)))
        *info = d.u.getvcpuinfo;
    return rc;
}

int hv_vcpu_affinity_set(domid_t dom, uint32_t vcpu, uint64_t cpumap)
{
    struct petrel_domctl d;

    memset(&d, 0, sizeof(d));
    d.u.vcpuaffinity.vcpu = vcpu;
    d.u.vcpuaffinity.cpumap = cpumap;
    return domctl(&d, PETREL_DOMCTL_setvcpuaffinity, dom);
}

int hv_vcpu_affinity_get(domid_t dom, uint32_t vcpu, uint64_t *cpumap)
{
    struct petrel_domctl d;
    int rc;

    memset(&d, 0, sizeof(d));
    d.u.vcpuaffinity.vcpu = vcpu;
    if (!(rc = domctl(&d, PETREL_DOMCTL_getvcpuaffinity, dom)))
        *cpumap = d.u.vcpuaffinity.cpumap;
    return rc;
}

static int sched_credit(domid_t dom, struct petrel_sched_credit *sc)
{
    struct petrel_domctl d;
    int rc;

    memset(&d, 0, sizeof(d));
    d.u.sched_credit = *sc;
    if (!(rc = domctl(&d, PETREL_DOMCTL_sched_credit, dom)))
        *sc = d.u.sched_credit;
    return rc;
}

int hv_sched_credit_get(domid_t dom, uint32_t *weight, uint32_t *cap)
{
    struct petrel_sched_credit sc = { .op = PETREL_SCHED_get };
    int rc = sched_credit(dom, &sc);

    if (!rc) {
        *weight = sc.weight;
        *cap = sc.cap;
    }
    return rc;
}

int hv_sched_credit_set(domid_t dom, uint32_t weight, uint32_t cap)
{
    struct petrel_sched_credit sc = { .op = PETREL_SCHED_set, .weight = weight,
                                      .cap = cap };

    return sched_credit(dom, &sc);
}

int hv_console_read(domid_t dom, uint64_t *index, char *buf, uint32_t size,
                    uint32_t *got, uint32_t *lost)
{
    struct petrel_domctl d;
    int rc;

    memset(&d, 0, sizeof(d));
    d.u.console_read.index = *index;
    d.u.console_read.buffer = (uintptr_t)buf;
    d.u.console_read.size = size;
    if ((rc = domctl(&d, PETREL_DOMCTL_console_read, dom)))
        return rc;
    *index = d.u.console_read.index;
    *got = d.u.console_read.size;
    *lost = d.u.console_read.lost;
    return 0;
}

long hv_populate(domid_t dom, uint64_t *gfns, unsigned int n, unsigned int order)
{
    struct xen_memory_reservation r = {
        .extent_start = (uintptr_t)gfns, .nr_extents = n, .extent_order = order,
        .domid = dom,
    };

    return hv_hypercall(__HYPERVISOR_memory_op, XENMEM_populate_physmap, (uintptr_t)&r);
}

static int hvm_param(unsigned int op, domid_t dom, uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = dom, .index = index, .value = *value };
    int rc = hv_hypercall(__HYPERVISOR_hvm_op, op, (uintptr_t)&p);

    if (!rc)
        *value = p.value;
    return rc;
}

int hv_set_param(domid_t dom, uint32_t index, uint64_t value)
{
    return hvm_param(HVMOP_set_param, dom, index, &value);
}

int hv_get_param(domid_t dom, uint32_t index, uint64_t *value)
{
    *value = 0;
    return hvm_param(HVMOP_get_param, dom, index, value);
}

int hv_evtchn_alloc_unbound(domid_t dom, domid_t remote, uint32_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
    int rc = hv_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound,
                          (uintptr_t)&a);

    if (!rc)
        *port = a.port;
    return rc;
}

int hv_remote_shutdown(domid_t dom, uint32_t reason)
{
    struct sched_remote_shutdown r = { .domain_id = dom, .reason = reason };

    return hv_hypercall(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, (uintptr_t)&r);
}

static const struct {
    int err;
    const char *name, *text;
} errors[] = {
    { XEN_EPERM, "EPERM", "operation not permitted" },
    { XEN_ENOENT, "ENOENT", "no such file or directory" },
    { XEN_ESRCH, "ESRCH", "no such domain" },
    { XEN_EINTR, "EINTR", "interrupted" },
    { XEN_EIO, "EIO", "input/output error" },
    { XEN_E2BIG, "E2BIG", "argument list too long" },
    { XEN_EAGAIN, "EAGAIN", "try again" },
    { XEN_ENOMEM, "ENOMEM", "out of memory" },
    { XEN_EACCES, "EACCES", "permission denied (interface version?)" },
    { XEN_EFAULT, "EFAULT", "bad address" },
    { XEN_EBUSY, "EBUSY", "busy" },
    { XEN_EEXIST, "EEXIST", "already exists" },
    { XEN_ENODEV, "ENODEV", "no such device" },
    { XEN_EISDIR, "EISDIR", "is a directory" },
    { XEN_EINVAL, "EINVAL", "invalid argument" },
    { XEN_ENOSPC, "ENOSPC", "no space left" },
    { XEN_EROFS, "EROFS", "read-only" },
    { XEN_ERANGE, "ERANGE", "out of range" },
    { XEN_ENOSYS, "ENOSYS", "function not implemented" },
    { XEN_ENOTEMPTY, "ENOTEMPTY", "not empty" },
    { XEN_ENODATA, "ENODATA", "no data" },
    { XEN_ETIME, "ETIME", "timer expired" },
    { XEN_EOVERFLOW, "EOVERFLOW", "value too large" },
    { XEN_EOPNOTSUPP, "EOPNOTSUPP", "operation not supported" },
    { XEN_EISCONN, "EISCONN", "already connected" },
    { XEN_ETIMEDOUT, "ETIMEDOUT", "timed out" },
};

static int find_error(int err)
{
    if (err < 0)
        err = -err;
    for (unsigned int i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
        if (errors[i].err == err)
            return i;
    return -1;
}

const char *hv_errname(int err)
{
    int i = find_error(err);

    return i < 0 ? "E?" : errors[i].name;
}

const char *hv_strerror(int err)
{
    int i = find_error(err);

    return i < 0 ? "unknown error" : errors[i].text;
}
