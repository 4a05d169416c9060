// SPDX-License-Identifier: MIT
/*
 * The toolstack's side of a domain's vifs (netback.h): the backend and
 * frontend xenstore directories, written while the domain is still paused
 * and removed when it goes. netback (netback.c) sees the backend directory
 * appear through xenbus and takes it from there.
 */
#include <stdio.h>
#include <string.h>
#include <public/errno.h>
#include "../libhv/vif.h"
#include "../xenstored/xenstored.h"
#include "dom0.h"
#include "netback.h"
#include "netdev.h"

static void mac_str(const uint8_t *m, char *buf, size_t size)
{
    snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
             m[5]);
}

/* Write key = value under dir. */
static int put(const char *dir, const char *key, const char *value)
{
    char path[128];

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return xs_local_printf(dom0_xs, 0, path, "%s", value);
}

static int put_u(const char *dir, const char *key, unsigned int v)
{
    char num[16];

    snprintf(num, sizeof(num), "%u", v);
    return put(dir, key, num);
}

static int vif_dirs(domid_t dom, unsigned int i, const char *mac)
{
    struct xs_perm be_perms[2] = { { 0, XS_PERM_NONE }, { dom, XS_PERM_READ } };
    struct xs_perm fe_perms[2] = { { dom, XS_PERM_NONE }, { 0, XS_PERM_READ } };
    char be[80], fe[80];
    int rc;

    snprintf(be, sizeof(be), "/local/domain/0/backend/vif/%u/%u", dom, i);
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vif/%u", dom, i);
    /* The frontend's first: netback reads it once the backend's appears. */
    if ((rc = xs_local_mkdir(dom0_xs, 0, fe)) ||
        (rc = xs_local_set_perms(dom0_xs, 0, fe, fe_perms, 2)) ||
        (rc = put(fe, "backend", be)) || (rc = put_u(fe, "backend-id", 0)) ||
        (rc = put_u(fe, "handle", i)) || (rc = put(fe, "mac", mac)) ||
        (rc = put_u(fe, "state", 1)))
        return rc;
    /* frontend-id and frontend last: xenbus takes the device once they
     * are there, and netback's probe reads the rest. */
    if ((rc = xs_local_mkdir(dom0_xs, 0, be)) ||
        (rc = xs_local_set_perms(dom0_xs, 0, be, be_perms, 2)) ||
        (rc = put_u(be, "handle", i)) || (rc = put(be, "mac", mac)) ||
        (rc = put(be, "type", "vif")) || (rc = put(be, "bridge", "xenbr0")) ||
        (rc = put_u(be, "online", 1)) || (rc = put_u(be, "state", 1)) ||
        (rc = put_u(be, "frontend-id", dom)) || (rc = put(be, "frontend", fe)))
        return rc;
    return 0;
}

/* A MAC a connected port already has. */
static const struct netdev *mac_in_use(const uint8_t *mac)
{
    for (const struct netdev *p = bridge_first(); p; p = p->next)
        if (!memcmp(p->mac, mac, 6))
            return p;
    return NULL;
}

int netcfg_domain_new(domid_t dom, char *const *specs, unsigned int n)
{
    const struct netdev *other;
    struct hv_vif v;
    char err[96], mac[20];
    int rc = 0;

    if (!n)
        return 0;
    if (!dom0_xs)
        return -XEN_ENODEV;
    for (unsigned int i = 0; i < n && !rc; i++) {
        if ((rc = hv_vif_parse(specs[i], &v, err, sizeof(err)))) {
            printf("hv: vif %u: %s\n", i, err);
            break;
        }
        if (!v.has_mac)
            hv_vif_default_mac(dom, i, v.mac);
        mac_str(v.mac, mac, sizeof(mac));
        if ((other = mac_in_use(v.mac))) {
            printf("hv: vif %u: mac %s is in use by %s\n", i, mac, other->name);
            rc = -XEN_EEXIST;
            break;
        }
        rc = vif_dirs(dom, i, mac);
    }
    if (rc)
        netcfg_domain_gone(dom);
    return rc;
}

void netcfg_domain_gone(domid_t dom)
{
    char be[64];

    netback_domain_gone(dom);
    if (!dom0_xs)
        return;
    snprintf(be, sizeof(be), "/local/domain/0/backend/vif/%u", dom);
    xs_local_rm(dom0_xs, 0, be);
}
