// SPDX-License-Identifier: MIT
/*
 * sysctl (__HYPERVISOR_sysctl): Petrel's system control for the control
 * domain (public/petrel_ctl.h): the machine (physinfo), the hypervisor's
 * log (readconsole), the list of domains (getdomaininfolist) and the bus
 * addresses of the caller's pages for its devices' DMA (bus_addr), and
 * the PCI functions that may be given to guests (pci_assignable).
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/grant_table.h>
#include <petrel/hypercall.h>
#include <petrel/iommu.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <petrel/pci.h>
#include <petrel/physmap.h>
#include <petrel/printk.h>
#include <petrel/sched.h>
#include <x86/hvm/hvm.h>
#include <x86/time.h>
#include "ctl_private.h"

#define CHUNK   256     /* bytes copied per ring look, under its lock */

long ctl_copy_in(struct vcpu *v, uint64_t arg, void *op, size_t size)
{
    uint32_t head[2];               /* cmd, interface_version */

    if (!v->domain->privileged)
        return -EPERM;
    if (copy_from_guest(v, head, arg, sizeof(head)))
        return -EFAULT;
    if (head[1] != PETREL_CTL_VERSION)
        return -EACCES;
    return copy_from_guest(v, op, arg, size) ? -EFAULT : 0;
}

bool ctl_all_zero(const void *p, size_t len)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < len; i++)
        if (b[i])
            return false;
    return true;
}

long ctl_ring_to_guest(struct vcpu *v, ctl_ring_read_fn read, void *ring, uint32_t max,
                       uint64_t *index, uint64_t buffer, uint32_t *size, uint32_t *lost)
{
    uint32_t done = 0, want = MIN(*size, max);
    uint64_t skipped = 0;
    char chunk[CHUNK];

    while (done < want) {
        uint64_t l;
        uint32_t n = read(ring, index, chunk, MIN(want - done, (uint32_t)CHUNK), &l);

        skipped += l;
        if (!n)
            break;
        if (copy_to_guest(v, buffer + done, chunk, n))
            return -EFAULT;
        done += n;
    }
    *size = done;
    *lost = (uint32_t)MIN(skipped, (uint64_t)UINT32_MAX);
    return 0;
}

static long physinfo(struct petrel_physinfo *p)
{
    *p = (struct petrel_physinfo){
        .nr_cpus = sched_nr_pcpus(),
        .capabilities = (hvm->p2m_format == P2M_FORMAT_NPT ? PETREL_PHYSCAP_svm
                                                           : PETREL_PHYSCAP_vmx) |
                        (iommu_enabled() ? PETREL_PHYSCAP_iommu : 0),
        .cpu_khz = tsc_hz / 1000,
        .total_pages = frame_total_count(),
        .free_pages = frame_free_count(),
        .nr_domains = domain_count(),
        .max_domains = MAX_DOMAINS,
    };
    return 0;
}

static long readconsole(struct vcpu *v, struct petrel_readconsole *r)
{
    return ctl_ring_to_guest(v, printk_ring_read, NULL, PRINTK_RING_SIZE, &r->index,
                             r->buffer, &r->size, &r->lost);
}

static long getdomaininfolist(struct vcpu *v, struct petrel_getdomaininfolist *l)
{
    uint32_t n = 0;
    struct domain *d;

    if (l->pad || l->pad1)
        return -EINVAL;
    for (d = domain_next(l->first_domain); d && n < l->max_domains; n++) {
        struct petrel_domaininfo info;
        uint16_t next = d->id + 1;

        ctl_domain_info(d, &info);
        domain_put(d);
        if (copy_to_guest(v, l->buffer + n * sizeof(info), &info, sizeof(info)))
            return -EFAULT;
        d = domain_next(next);
    }
    if (d)
        domain_put(d);
    l->nr_domains = n;
    return 0;
}

/*
 * The bus address of gfn of d, for a device's DMA: gfn << 12 when an IOMMU
 * translates d's DMA through its p2m, else the machine address behind it.
 * RAM only, d's own or mapped from another domain; not shared_info or a
 * grant-table frame (hypervisor pages: the IOMMU does not map them), not
 * MMIO or a hole. Under the physmap lock, so the look is not split by a
 * change of the gfn.
 */
static uint64_t bus_addr_of(struct domain *d, uint64_t gfn)
{
    uint64_t mfn, addr = PETREL_BUS_ADDR_NONE;
    enum p2m_type t;

    physmap_lock();
    if (!p2m_lookup(d->p2m, gfn, &mfn, &t, NULL, NULL) &&
        (t == P2M_RAM_RW || t == P2M_RAM_RO) && gfn != d->shared_info_gfn &&
        !gnttab_is_frame_gfn(d, gfn))
        addr = (iommu_translates(d) ? gfn : mfn) << PAGE_SHIFT;
    physmap_unlock();
    return addr;
}

#define BUS_ADDR_CHUNK  32

static long bus_addr(struct vcpu *v, const struct petrel_bus_addr *b)
{
    uint64_t buf[BUS_ADDR_CHUNK];

    if (!b->nr || b->nr > PETREL_BUS_ADDR_MAX || b->pad)
        return -EINVAL;
    for (uint32_t done = 0; done < b->nr;) {
        uint32_t n = MIN(b->nr - done, (uint32_t)BUS_ADDR_CHUNK);

        if (copy_from_guest(v, buf, b->gfns + done * sizeof(uint64_t), n * sizeof(uint64_t)))
            return -EFAULT;
        for (uint32_t i = 0; i < n; i++)
            buf[i] = bus_addr_of(v->domain, buf[i]);
        if (copy_to_guest(v, b->addrs + done * sizeof(uint64_t), buf, n * sizeof(uint64_t)))
            return -EFAULT;
        done += n;
    }
    return 0;
}

static long pci_assignable(struct vcpu *v, struct petrel_pci_assignable *a)
{
    struct petrel_pcidev_info info;
    unsigned int total = pci_nr_devs();

    switch (a->op) {
    case PETREL_PCI_ASSIGNABLE_add:
    case PETREL_PCI_ASSIGNABLE_remove:
        return pci_set_assignable(a->seg, a->bdf, a->op == PETREL_PCI_ASSIGNABLE_add);
    case PETREL_PCI_ASSIGNABLE_list:
        break;
    default:
        return -EINVAL;
    }
    a->total = total;
    a->nr_devs = 0;
    for (uint32_t i = a->first; i < total && a->nr_devs < a->max_devs; i++) {
        const struct pci_dev *d = pci_dev_at(i);

        memset(&info, 0, sizeof(info));
        info.seg = d->seg;
        info.bdf = d->bdf;
        info.vendor = d->vendor;
        info.device = d->device;
        info.class = d->class;
        if (d->owner)
            info.owner = d->owner->id;
        else
            info.flags |= PETREL_PCIDEV_no_owner;
        if (d->assignable)
            info.flags |= PETREL_PCIDEV_assignable;
        if (d->hv_owned)
            info.flags |= PETREL_PCIDEV_hv_owned;
        if (copy_to_guest(v, a->buffer + (uint64_t)a->nr_devs * sizeof(info), &info, sizeof(info)))
            return -EFAULT;
        a->nr_devs++;
    }
    return 0;
}

long do_sysctl(struct vcpu *v, uint64_t arg, uint64_t a2, uint64_t a3,
               uint64_t a4, uint64_t a5)
{
    struct petrel_sysctl op;
    long rc = ctl_copy_in(v, arg, &op, sizeof(op));

    if (rc)
        return rc;
    switch (op.cmd) {
    case PETREL_SYSCTL_physinfo:
        rc = physinfo(&op.u.physinfo);
        break;
    case PETREL_SYSCTL_readconsole:
        rc = readconsole(v, &op.u.readconsole);
        break;
    case PETREL_SYSCTL_getdomaininfolist:
        rc = getdomaininfolist(v, &op.u.getdomaininfolist);
        break;
    case PETREL_SYSCTL_bus_addr:
        rc = bus_addr(v, &op.u.bus_addr);
        break;
    case PETREL_SYSCTL_pci_assignable:
        rc = pci_assignable(v, &op.u.pci_assignable);
        break;
    default:
        return -ENOSYS;
    }
    if (!rc && copy_to_guest(v, arg, &op, sizeof(op)))
        rc = -EFAULT;
    return rc;
}
