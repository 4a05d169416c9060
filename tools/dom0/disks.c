// SPDX-License-Identifier: MIT
/*
 * The toolstack's half of a domain's virtual disks (docs/block.md): for
 * each `disk =` entry, the backend and frontend directories that libxl
 * writes, before the domain runs; blkback (blkback.c) finds the backend
 * one through its xenbus watch, the guest's blkfront the frontend one.
 *
 *   /local/domain/0/backend/vbd/<domid>/<devid>/   dom0's; the guest reads
 *     frontend, frontend-id, online = 1, state = 1, params (the blkdev),
 *     mode (r or w), type = phy, dev (xvda), device-type = disk,
 *     removable = 0
 *   /local/domain/<domid>/device/vbd/<devid>/      the guest's; dom0 reads
 *     backend, backend-id = 0, state = 1, virtual-device, device-type = disk
 */
#include <string.h>
#include <public/errno.h>
#include "../libhv/disk.h"
#include "../xenstored/xenstored.h"
#include "blkdev.h"
#include "dom0.h"
#include "domains.h"
#include "test.h"

#define PATH_LEN        128

static int key(const char *dir, const char *name, const char *value)
{
    char path[PATH_LEN];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return xs_local_write(dom0_xs, 0, path, value, strlen(value));
}

static int write_disk(domid_t domid, const struct hv_disk *d)
{
    struct xs_perm be_perms[2] = { { 0, XS_PERM_NONE }, { domid, XS_PERM_READ } };
    struct xs_perm fe_perms[2] = { { domid, XS_PERM_NONE }, { 0, XS_PERM_READ } };
    char be[PATH_LEN], fe[PATH_LEN], num[16], dom[8];
    int rc;

    snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u/%u", domid, d->devid);
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%u", domid, d->devid);
    snprintf(num, sizeof(num), "%u", d->devid);
    snprintf(dom, sizeof(dom), "%u", domid);
    /* The frontend's first: blkback's watch wants a whole device. */
    if ((rc = xs_local_mkdir(dom0_xs, 0, fe)) ||
        (rc = xs_local_set_perms(dom0_xs, 0, fe, fe_perms, 2)) ||
        (rc = key(fe, "backend", be)) || (rc = key(fe, "backend-id", "0")) ||
        (rc = key(fe, "state", "1")) || (rc = key(fe, "virtual-device", num)) ||
        (rc = key(fe, "device-type", "disk")))
        return rc;
    if ((rc = xs_local_mkdir(dom0_xs, 0, be)) ||
        (rc = xs_local_set_perms(dom0_xs, 0, be, be_perms, 2)) ||
        (rc = key(be, "frontend-id", dom)) || (rc = key(be, "online", "1")) ||
        (rc = key(be, "state", "1")) || (rc = key(be, "params", d->target)) ||
        (rc = key(be, "mode", d->read_only ? "r" : "w")) || (rc = key(be, "type", "phy")) ||
        (rc = key(be, "dev", d->vdev)) || (rc = key(be, "device-type", "disk")) ||
        (rc = key(be, "removable", "0")))
        return rc;
    return key(be, "frontend", fe);
}

int disks_check(char *const *specs, unsigned int n, char *err, size_t errlen)
{
    struct hv_disk d[HV_DISKS_MAX];
    char why[96];

    if (n > HV_DISKS_MAX) {
        snprintf(err, errlen, "disk: more than %u disks", HV_DISKS_MAX);
        return -XEN_EINVAL;
    }
    for (unsigned int i = 0; i < n; i++) {
        if (hv_disk_parse(specs[i], &d[i], why, sizeof(why))) {
            snprintf(err, errlen, "disk '%s': %s", specs[i], why);
            return -XEN_EINVAL;
        }
        if (!blkdev_find(d[i].target)) {
            snprintf(err, errlen, "disk '%s': no block device '%s' in dom0", specs[i],
                     d[i].target);
            return -XEN_ENODEV;
        }
        for (unsigned int j = 0; j < i; j++)
            if (d[j].devid == d[i].devid) {
                snprintf(err, errlen, "disk '%s': vdev %s is given twice", specs[i],
                         d[i].vdev);
                return -XEN_EINVAL;
            }
    }
    return 0;
}

int disks_domain_new(domid_t domid, char *const *specs, unsigned int n)
{
    struct hv_disk d;
    char why[96];
    int rc;

    if (!dom0_xs)
        return n ? -XEN_ENODEV : 0;
    for (unsigned int i = 0; i < n; i++)
        if ((rc = hv_disk_parse(specs[i], &d, why, sizeof(why))) ||
            (rc = write_disk(domid, &d)))
            return rc;
    return 0;
}

void disks_domain_gone(domid_t domid)
{
    char be[PATH_LEN];

    if (!dom0_xs)
        return;
    snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u", domid);
    xs_local_rm(dom0_xs, 0, be);
}
