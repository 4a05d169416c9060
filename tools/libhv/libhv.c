// SPDX-License-Identifier: MIT
/* libhv: the control hypercalls, one thin wrapper each; see libhv.h. */
#include <string.h>
#include <public/errno.h>
#include "libhv.h"

static int sysctl(struct petrel_sysctl *s, uint32_t cmd)
{
    s->cmd = cmd;
    s->interface_version = PETREL_CTL_VERSION;
    return hv_hypercall(__HYPERVISOR_sysctl, s);
}

static int domctl(struct petrel_domctl *d, uint32_t cmd, domid_t dom)
{
    d->cmd = cmd;
    d->interface_version = PETREL_CTL_VERSION;
    d->domain = dom;
    return hv_hypercall(__HYPERVISOR_domctl, d);
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
