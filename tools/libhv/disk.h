/* SPDX-License-Identifier: MIT */
/*
 * A `disk = [...]` entry of a domain config, in a subset of xl's disk
 * syntax (docs/toolstack.md): "[phy:]TARGET,VDEV,MODE", e.g.
 * "phy:ram0,xvda,w". TARGET is a block device of dom0 (ram0, vda2);
 * VDEV the guest's name for it, xvda..xvdz, or a device number; MODE r
 * (or ro) or w (or rw). Pure code, for the host and for dom0.
 */
#ifndef LIBHV_DISK_H
#define LIBHV_DISK_H

#include <stdbool.h>
#include <stddef.h>

#define HV_DISK_TARGET_MAX  32
#define HV_DISK_VDEV_MAX    16

struct hv_disk {
    char target[HV_DISK_TARGET_MAX];    /* dom0's block device */
    char vdev[HV_DISK_VDEV_MAX];        /* as written: "xvda" */
    unsigned int devid;                 /* Xen's number: xvda is 51712 */
    bool read_only;
};

/* Parse spec into *d: 0, or -XEN_EINVAL with the reason in err (always
 * NUL-ended), e.g. "mode 'x' is not r or w". */
int hv_disk_parse(const char *spec, struct hv_disk *d, char *err, size_t errlen);

#endif
