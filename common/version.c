// SPDX-License-Identifier: MIT
/* xen_version: who we are and what we offer, in Xen's words. */
#include <petrel/domain.h>
#include <petrel/errno.h>
#include <petrel/hypercall.h>
#include <petrel/lib.h>
#include <petrel/version.h>
#include <public/version.h>
#include <x86/hvm/hvm.h>

/* What Petrel really offers an HVM/PVH guest today. */
static uint32_t features(const struct domain *d)
{
    uint32_t f = BIT(XENFEAT_writable_page_tables) | BIT(XENFEAT_auto_translated_physmap) |
                 BIT(XENFEAT_supervisor_mode_kernel) | BIT(XENFEAT_linux_rsdp_unrestricted) |
                 BIT(XENFEAT_hvm_callback_vector) | BIT(XENFEAT_hvm_safe_pvclock);

    if (d->privileged)
        f |= BIT(XENFEAT_dom0);
    return f;
}

static long get_features(struct vcpu *v, uint64_t arg)
{
    struct xen_feature_info fi;

    if (copy_from_guest(v, &fi, arg, sizeof(fi)))
        return -EFAULT;
    if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
        return -EINVAL;
    fi.submap = features(v->domain);
    return copy_to_guest(v, arg, &fi, sizeof(fi)) ? -EFAULT : 0;
}

static long copy_string(struct vcpu *v, uint64_t arg, const char *s, size_t size)
{
    char buf[64];

    memset(buf, 0, sizeof(buf));
    memcpy(buf, s, MIN(strlen(s), sizeof(buf) - 1));
    return copy_to_guest(v, arg, buf, MIN(size, sizeof(buf))) ? -EFAULT : 0;
}

long do_xen_version(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t a3,
                    uint64_t a4, uint64_t a5)
{
    switch (cmd) {
    case XENVER_version:
        return (PETREL_XEN_MAJOR << 16) | PETREL_XEN_MINOR;
    case XENVER_extraversion:
        return copy_string(v, arg, PETREL_XEN_EXTRA, sizeof(xen_extraversion_t));
    case XENVER_capabilities:
        return copy_string(v, arg, "hvm-3.0-x86_64 hvm-3.0-x86_32", 64);
    case XENVER_changeset:
        return copy_string(v, arg, "petrel " PETREL_VERSION, sizeof(xen_changeset_info_t));
    case XENVER_get_features:
        return get_features(v, arg);
    case XENVER_pagesize:
        return PAGE_SIZE;
    default:
        return -ENOSYS;
    }
}
