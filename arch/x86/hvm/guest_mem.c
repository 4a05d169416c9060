// SPDX-License-Identifier: MIT
/*
 * Copying between the hypervisor and guest memory. Guest-physical pages go
 * through the domain's p2m (only RAM may be touched); guest-virtual
 * addresses are first translated by walking the guest's own page tables
 * with its current CR0/CR3/CR4/EFER. Copies go a page at a time, so a
 * buffer that crosses into an unmapped page fails with -EFAULT.
 */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/p2m.h>
#include <x86/hvm/guest_walk.h>
#include <x86/hvm/hvm.h>
#include <x86/processor.h>

/* The hypervisor address of guest-physical 'gpa', or NULL if not RAM. */
static void *gpa_to_virt(struct domain *d, uint64_t gpa, bool write)
{
    uint64_t mfn;
    enum p2m_type t;
    unsigned int order;

    if (p2m_lookup(d->p2m, gpa >> PAGE_SHIFT, &mfn, &t, &order, NULL))
        return NULL;
    if (t != P2M_RAM_RW && !(t == P2M_RAM_RO && !write))
        return NULL;
    return (uint8_t *)phys_to_virt(mfn << PAGE_SHIFT) + (gpa & (PAGE_SIZE - 1));
}

static int copy_phys(struct domain *d, uint64_t gpa, void *buf, size_t len, bool write)
{
    uint8_t *b = buf;

    while (len) {
        size_t chunk = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
        void *p = gpa_to_virt(d, gpa, write);

        if (!p || gpa + chunk < gpa)
            return -EFAULT;
        if (write)
            memcpy(p, b, chunk);
        else
            memcpy(b, p, chunk);
        gpa += chunk;
        b += chunk;
        len -= chunk;
    }
    return 0;
}

int copy_from_guest_phys(struct domain *d, void *dst, uint64_t gpa, size_t len)
{
    return copy_phys(d, gpa, dst, len, false);
}

int copy_to_guest_phys(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
    return copy_phys(d, gpa, (void *)src, len, true);
}

static int walk_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
    return copy_from_guest_phys(ctx, buf, gpa, len);
}

static int walk_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
    return copy_to_guest_phys(ctx, gpa, buf, len);
}

/* The physical-address width guests see (they get the host's CPUID leaf). */
static unsigned int guest_maxphyaddr(void)
{
    static unsigned int bits;

    if (!bits)
        bits = cpuid(0x80000000).eax >= 0x80000008 ? cpuid(0x80000008).eax & 0xff : 36;
    return bits;
}

/* Translate one guest-virtual address; -EFAULT when the guest cannot reach it. */
static int gva_to_gpa(struct vcpu *v, uint64_t gva, unsigned int access, uint64_t *gpa)
{
    struct hvm_paging hp;
    struct guest_paging pg;
    uint32_t pf_error;

    hvm->get_paging(v, &hp);
    pg = (struct guest_paging){
        .cr0 = hp.cr0, .cr3 = hp.cr3, .cr4 = hp.cr4, .efer = hp.efer,
        .rflags = v->hvm.rflags, .maxphyaddr = guest_maxphyaddr(),
        .read_gpa = walk_read, .write_gpa = walk_write, .ctx = v->domain,
    };
    return guest_walk(&pg, gva, access, gpa, &pf_error) == 0 ? 0 : -EFAULT;
}

/* Copy up to len bytes page by page; returns how many were copied. */
static size_t copy_virt(struct vcpu *v, uint64_t gva, void *buf, size_t len,
                        unsigned int access)
{
    bool write = access & WALK_WRITE;
    size_t done = 0;

    while (done < len) {
        size_t chunk = MIN(len - done, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
        uint64_t gpa;

        if (gva_to_gpa(v, gva, access, &gpa) ||
            copy_phys(v->domain, gpa, (uint8_t *)buf + done, chunk, write))
            break;
        gva += chunk;
        done += chunk;
    }
    return done;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
    return copy_virt(v, gva, dst, len, 0) == len ? 0 : -EFAULT;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    return copy_virt(v, gva, (void *)src, len, WALK_WRITE) == len ? 0 : -EFAULT;
}

int hvm_fetch_insn(struct vcpu *v, uint8_t *buf, size_t len)
{
    struct hvm_segment cs;

    /* A partial fetch is fine: the tail past a page end may be unneeded. */
    hvm->get_segment(v, SEG_CS, &cs);
    return copy_virt(v, (hvm_long_mode(v) ? 0 : cs.base) + v->hvm.rip, buf, len, WALK_FETCH);
}
