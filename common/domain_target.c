// SPDX-License-Identifier: MIT
/* Which domain a hypercall names: its caller's, or any for the control domain. */
#include <petrel/domain.h>
#include <petrel/errno.h>

struct domain *domain_target(struct vcpu *v, domid_t domid, long *rc)
{
    struct domain *d = v->domain;

    if (domid == DOMID_SELF || domid == d->id)
        return d;
    if (!d->privileged) {
        *rc = -EPERM;
        return NULL;
    }
    d = domain_by_id(domid);
    if (!d)
        *rc = -ESRCH;
    return d;
}

void domain_target_put(struct vcpu *v, struct domain *d)
{
    if (d != v->domain)
        domain_put(d);
}
