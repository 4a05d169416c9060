/* SPDX-License-Identifier: MIT */
/*
 * The vif = [ ... ] entries of a domain configuration (a subset of xl's
 * vif syntax, docs/toolstack.md): comma-separated key=value pairs, each
 * key at most once:
 *   mac=00:16:3e:01:02:03   the guest's MAC (unicast, not zero); default:
 *                           00:16:3e and 24 bits from the domain id and
 *                           the vif's index (hv_vif_default_mac)
 *   bridge=NAME             accepted; dom0 has one bridge, every vif is on it
 *   type=vif                the only type there is
 * An empty string is a vif with every default. Unknown keys, bad values and
 * repeated keys are errors.
 *
 * Pure code, for the host and for dom0 (memcpy, memcmp, strlen, snprintf).
 */
#ifndef LIBHV_VIF_H
#define LIBHV_VIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HV_VIF_MAX      8               /* vifs a domain may have */

struct hv_vif {
    uint8_t mac[6];
    bool has_mac;                       /* given in the spec */
};

/* Parse one entry into *vif: 0, or -XEN_EINVAL with the reason in err
 * (NUL-ended), e.g. "mac: '00:16:3e:1' is not a MAC address". */
int hv_vif_parse(const char *spec, struct hv_vif *vif, char *err, size_t errlen);

/* "xx:xx:xx:xx:xx:xx" (hex digits, either case) in s[0..n): 0 or
 * -XEN_EINVAL. Any MAC, multicast included: the caller judges. */
int hv_mac_parse(const char *s, size_t n, uint8_t mac[6]);

/* The MAC a vif gets without mac=: 00:16:3e, then domid (15 bits) and the
 * vif's index (8 bits): unique among the domains that live at once. */
void hv_vif_default_mac(uint16_t domid, unsigned int index, uint8_t mac[6]);

/* Check a domain's whole vif list (at hv create, before anything is
 * built): each entry parses, there are at most HV_VIF_MAX, and no two
 * give the same MAC. 0 or -XEN_EINVAL with "vif N: reason" in err. */
int hv_vifs_check(char *const *specs, unsigned int n, char *err, size_t errlen);

#endif
