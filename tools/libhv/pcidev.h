/* SPDX-License-Identifier: MIT */
/* A PCI function named as in xl: "[seg:]bus:dev.fn", hex (pcidev.c). */
#ifndef LIBHV_PCIDEV_H
#define LIBHV_PCIDEV_H

#include <stdint.h>

/* Parse s into *seg and *bdf (bus << 8 | dev << 3 | fn): 0, or -XEN_EINVAL
 * for anything else (bus > ff, dev > 1f, fn > 7, seg > ffff, junk). */
int hv_parse_bdf(const char *s, uint16_t *seg, uint16_t *bdf);

#endif
