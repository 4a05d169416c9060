// SPDX-License-Identifier: MIT
/*
 * physdev_op (__HYPERVISOR_physdev_op): physical IRQs, MSI and MSI-X
 * only (public/physdev.h, drivers/msi.c), of the functions the caller
 * owns: dom0's, or those passed through to a guest. Naming a domain other
 * than the caller is -EPERM; so is a function it does not own (msi.c).
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/hypercall.h>
#include <petrel/pirq.h>
#include <public/physdev.h>
#include <x86/hvm/hvm.h>

static bool caller_or_self(struct vcpu *v, domid_t id)
{
    return id == DOMID_SELF || id == v->domain->id;
}

static long map_pirq(struct vcpu *v, struct physdev_map_pirq *m)
{
    uint32_t seg = 0, bus = m->bus, pirq;
    long rc;

    if (!caller_or_self(v, m->domid))
        return -EPERM;
    switch (m->type) {
    case MAP_PIRQ_TYPE_MSI_SEG:
        seg = (uint32_t)m->bus >> 16;
        bus = m->bus & 0xffff;
        break;
    case MAP_PIRQ_TYPE_MSI:
        break;
    case MAP_PIRQ_TYPE_GSI:
    case MAP_PIRQ_TYPE_MULTI_MSI:
        return -EOPNOTSUPP;             /* docs/pci.md: not routed yet */
    default:
        return -EINVAL;
    }
    if (bus > 0xff || m->devfn < 0 || m->devfn > 0xff || m->entry_nr < 0 || m->pirq < -1)
        return -EINVAL;
    if (seg)
        return -ENODEV;                 /* segment 0 only */
    rc = pirq_map_msi(v->domain, seg, bus << 8 | m->devfn, m->entry_nr, m->table_base,
                      m->pirq, &pirq);
    if (!rc)
        m->pirq = pirq;
    return rc;
}

long do_physdev_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4,
                   uint64_t a5)
{
    union {
        struct physdev_map_pirq map;
        struct physdev_unmap_pirq unmap;
        struct physdev_eoi eoi;
        struct physdev_irq_status_query query;
    } u;
    size_t size;
    long rc;

    switch (cmd) {
    case PHYSDEVOP_map_pirq: size = sizeof(u.map); break;
    case PHYSDEVOP_unmap_pirq: size = sizeof(u.unmap); break;
    case PHYSDEVOP_eoi: size = sizeof(u.eoi); break;
    case PHYSDEVOP_irq_status_query: size = sizeof(u.query); break;
    default: return -ENOSYS;
    }
    if (copy_from_guest(v, &u, arg, size))
        return -EFAULT;
    switch (cmd) {
    case PHYSDEVOP_map_pirq:
        rc = map_pirq(v, &u.map);
        break;
    case PHYSDEVOP_unmap_pirq:
        rc = caller_or_self(v, u.unmap.domid) ? pirq_unmap(v->domain, u.unmap.pirq) : -EPERM;
        break;
    case PHYSDEVOP_eoi:                 /* edge-triggered: nothing to do */
        return pirq_valid(v->domain, u.eoi.irq) ? 0 : -EINVAL;
    default:
        u.query.flags = 0;              /* no EOI needed, not shared */
        rc = pirq_valid(v->domain, u.query.irq) ? 0 : -EINVAL;
        break;
    }
    if (!rc && (cmd == PHYSDEVOP_map_pirq || cmd == PHYSDEVOP_irq_status_query) &&
        copy_to_guest(v, arg, &u, size))
        rc = -EFAULT;
    return rc;
}
