// SPDX-License-Identifier: MIT
/* A domain config's disk entry (disk.h). Xen's device numbers for xvdX
 * (xen/include/public/io/blkif.h's vdev rules, as Linux reads them): the
 * first 16 disks 202 << 8 | index << 4, the rest 1 << 28 | index << 8. */
#include <stdio.h>
#include <string.h>
#include <public/errno.h>
#include "disk.h"

#define XVD_MAJOR       202
#define FIELDS          3

static int fail(char *err, size_t errlen, const char *what, const char *s, size_t n)
{
    snprintf(err, errlen, "%s '%.*s'", what, (int)n, s);
    return -XEN_EINVAL;
}

/* "xvdX" or a decimal device number: 0 and *devid, or -1. */
static int vdev_number(const char *s, size_t n, unsigned int *devid)
{
    unsigned long v = 0;

    if (n == 4 && !strncmp(s, "xvd", 3) && s[3] >= 'a' && s[3] <= 'z') {
        unsigned int idx = (unsigned int)(s[3] - 'a');

        *devid = idx < 16 ? (XVD_MAJOR << 8) | (idx << 4) : (1u << 28) | (idx << 8);
        return 0;
    }
    if (!n || n > 9)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (!v)
        return -1;
    *devid = (unsigned int)v;
    return 0;
}

int hv_disk_parse(const char *spec, struct hv_disk *d, char *err, size_t errlen)
{
    const char *f[FIELDS];
    size_t len[FIELDS], nf = 0;
    const char *p = spec;

    memset(d, 0, sizeof(*d));
    f[0] = spec;
    len[0] = 0;
    for (; *p; p++) {
        if (*p != ',') {
            len[nf]++;
            continue;
        }
        if (++nf == FIELDS)
            return fail(err, errlen, "not TARGET,VDEV,MODE:", spec, strlen(spec));
        f[nf] = p + 1;
        len[nf] = 0;
    }
    if (++nf != FIELDS)
        return fail(err, errlen, "not TARGET,VDEV,MODE:", spec, strlen(spec));
    if (len[0] >= 4 && !strncmp(f[0], "phy:", 4)) {
        f[0] += 4;
        len[0] -= 4;
    }
    for (size_t i = 0; i < len[0]; i++)
        if (f[0][i] == ':')
            return fail(err, errlen, "only phy: targets are supported, not", f[0], len[0]);
    if (!len[0] || len[0] >= HV_DISK_TARGET_MAX)
        return fail(err, errlen, "bad target", f[0], len[0]);
    memcpy(d->target, f[0], len[0]);
    if (len[1] >= HV_DISK_VDEV_MAX || vdev_number(f[1], len[1], &d->devid))
        return fail(err, errlen, "vdev is not xvda..xvdz or a device number:", f[1], len[1]);
    memcpy(d->vdev, f[1], len[1]);
    if ((len[2] == 1 && f[2][0] == 'r') || (len[2] == 2 && !strncmp(f[2], "ro", 2)))
        d->read_only = true;
    else if (!((len[2] == 1 && f[2][0] == 'w') || (len[2] == 2 && !strncmp(f[2], "rw", 2))))
        return fail(err, errlen, "mode is not r or w:", f[2], len[2]);
    return 0;
}
