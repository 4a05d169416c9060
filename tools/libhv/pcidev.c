// SPDX-License-Identifier: MIT
/* A PCI function's name (pcidev.h). */
#include <public/errno.h>
#include "pcidev.h"

/* Hex digits at *s, at least one, at most maxdig, into *v; advances *s.
 * Returns how many, or -1. */
static int hex(const char **s, unsigned int maxdig, uint32_t *v)
{
    unsigned int n = 0;

    *v = 0;
    for (;; n++, (*s)++) {
        char c = **s;
        unsigned int d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            break;
        if (n == maxdig)
            return -1;
        *v = *v << 4 | d;
    }
    return n ? (int)n : -1;
}

int hv_parse_bdf(const char *s, uint16_t *seg, uint16_t *bdf)
{
    uint32_t a, b, dev, fn, sg = 0, bus;
    int na, nb;

    if (!s || (na = hex(&s, 4, &a)) < 0 || *s++ != ':' || (nb = hex(&s, 2, &b)) < 0)
        return -XEN_EINVAL;
    if (*s == ':') {                    /* seg:bus:dev.fn */
        s++;
        sg = a;
        bus = b;
        if (hex(&s, 2, &dev) < 0)
            return -XEN_EINVAL;
    } else {                            /* bus:dev.fn */
        if (na > 2)
            return -XEN_EINVAL;
        bus = a;
        dev = b;
    }
    if (*s++ != '.' || hex(&s, 1, &fn) < 0 || *s)
        return -XEN_EINVAL;
    if (bus > 0xff || dev > 0x1f || fn > 7)
        return -XEN_EINVAL;
    *seg = (uint16_t)sg;
    *bdf = (uint16_t)(bus << 8 | dev << 3 | fn);
    return 0;
}
