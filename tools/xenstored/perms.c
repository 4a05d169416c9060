/* SPDX-License-Identifier: MIT */
/*
 * Node permissions, with Xen's semantics: the first entry names the owner
 * and what every domain not listed may do; later entries grant domains
 * their own access. The owner and dom0 may do everything.
 */
#include "xs_private.h"

unsigned int xs_perm_for(const struct xs_perm *perms, uint32_t n, uint16_t domid)
{
    uint32_t i;

    if (domid == 0 || (n && perms[0].domid == domid))
        return XS_PERM_BOTH | XS_PERM_OWNER;
    for (i = 1; i < n; i++)
        if (perms[i].domid == domid)
            return perms[i].perm;
    return n ? perms[0].perm : XS_PERM_NONE;
}

int xs_perm_parse(const char *s, struct xs_perm *out)
{
    static const char letters[] = { 'n', 'r', 'w', 'b' };
    uint64_t domid;
    unsigned int i;

    for (i = 0; i < sizeof(letters); i++)
        if (s[0] == letters[i])
            break;
    if (i == sizeof(letters) || xs_parse_uint(s + 1, 0xffff, &domid))
        return -XEN_EINVAL;
    out->perm = (uint8_t)i;     /* n=0 r=1 w=2 b=3, the XS_PERM_* bits */
    out->domid = (uint16_t)domid;
    return 0;
}

void xs_perm_format(const struct xs_perm *p, char out[8])
{
    static const char letters[] = { 'n', 'r', 'w', 'b' };

    snprintf(out, 8, "%c%u", letters[p->perm & 3], p->domid);
}
