// SPDX-License-Identifier: MIT
/* The vif = [ ... ] entries of a domain configuration: see vif.h. */
#include <stdio.h>
#include <string.h>
#include <public/errno.h>
#include "vif.h"

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int hv_mac_parse(const char *s, size_t n, uint8_t mac[6])
{
    if (n != 17)
        return -XEN_EINVAL;
    for (unsigned int i = 0; i < 6; i++) {
        int hi = hex(s[3 * i]), lo = hex(s[3 * i + 1]);

        if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
            return -XEN_EINVAL;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

void hv_vif_default_mac(uint16_t domid, unsigned int index, uint8_t mac[6])
{
    uint32_t v = ((uint32_t)(domid & 0x7fff) << 8) | (index & 0xff);

    mac[0] = 0x00;
    mac[1] = 0x16;
    mac[2] = 0x3e;
    mac[3] = (uint8_t)(v >> 16);
    mac[4] = (uint8_t)(v >> 8);
    mac[5] = (uint8_t)v;
}

/* The first c in s[0..n), or NULL (dom0's libc has no memchr). */
static const char *find(const char *s, size_t n, char c)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == c)
            return s + i;
    return NULL;
}

static bool key_is(const char *k, size_t kn, const char *name)
{
    return kn == strlen(name) && !memcmp(k, name, kn);
}

#define FAIL(...) (snprintf(err, errlen, __VA_ARGS__), -XEN_EINVAL)

/* One key=value pair; seen: the keys given so far (bit per key). */
static int vif_pair(const char *k, size_t kn, const char *v, size_t vn,
                    struct hv_vif *vif, unsigned int *seen, char *err, size_t errlen)
{
    static const char *const keys[] = { "mac", "bridge", "type" };
    unsigned int which = 0;

    while (which < 3 && !key_is(k, kn, keys[which]))
        which++;
    if (which == 3)
        return FAIL("unknown key '%.*s' (mac, bridge, type)", (int)kn, k);
    if (*seen & (1u << which))
        return FAIL("%s given twice", keys[which]);
    *seen |= 1u << which;
    if (which == 0) {
        static const uint8_t zero[6];

        if (hv_mac_parse(v, vn, vif->mac))
            return FAIL("mac: '%.*s' is not a MAC address (xx:xx:xx:xx:xx:xx)",
                        (int)vn, v);
        if ((vif->mac[0] & 1) || !memcmp(vif->mac, zero, 6))
            return FAIL("mac: '%.*s' is multicast or zero", (int)vn, v);
        vif->has_mac = true;
    } else if (which == 1) {
        if (!vn || vn > 15)
            return FAIL("bridge: '%.*s' is not a name (1 to 15 characters)", (int)vn, v);
    } else if (!key_is(v, vn, "vif")) {
        return FAIL("type: '%.*s' is not supported (only vif)", (int)vn, v);
    }
    return 0;
}

int hv_vif_parse(const char *spec, struct hv_vif *vif, char *err, size_t errlen)
{
    size_t len = strlen(spec), at = 0;
    unsigned int seen = 0;
    int rc;

    memset(vif, 0, sizeof(*vif));
    if (errlen)
        err[0] = '\0';
    while (at < len) {
        const char *item = spec + at, *comma = find(item, len - at, ',');
        size_t n = comma ? (size_t)(comma - item) : len - at;
        const char *eq = find(item, n, '=');

        at += n + 1;
        if (!n && !comma)
            break;
        if (!eq)
            return FAIL("'%.*s' is not key=value", (int)n, item);
        rc = vif_pair(item, (size_t)(eq - item), eq + 1, n - (size_t)(eq - item) - 1,
                      vif, &seen, err, errlen);
        if (rc)
            return rc;
    }
    return 0;
}

int hv_vifs_check(char *const *specs, unsigned int n, char *err, size_t errlen)
{
    struct hv_vif v[HV_VIF_MAX];
    char why[96];

    if (n > HV_VIF_MAX)
        return FAIL("vif: %u entries, at most %u", n, HV_VIF_MAX);
    for (unsigned int i = 0; i < n; i++) {
        if (hv_vif_parse(specs[i], &v[i], why, sizeof(why)))
            return FAIL("vif %u: %s", i, why);
        for (unsigned int j = 0; j < i; j++)
            if (v[i].has_mac && v[j].has_mac && !memcmp(v[i].mac, v[j].mac, 6))
                return FAIL("vif %u: mac: the same as vif %u's", i, j);
    }
    return 0;
}
