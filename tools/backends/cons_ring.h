/* SPDX-License-Identifier: MIT */
/*
 * The console backend's side of a guest's PV console page (Xen's console
 * ring protocol, include/public/io/console.h): dom0 reads what the guest
 * wrote from 'out' and puts keyboard input into 'in'.
 *
 * The page is shared with a hostile guest: each index is read once per call
 * and the bytes between are only used after the indexes were checked. A
 * guest whose producer index is more than a ring ahead of the consumer (or
 * behind it) has broken its ring: the calls return CONS_RING_BROKEN and
 * change nothing; the backend stops serving that console.
 *
 * Pure logic with no state of its own: compiles in dom0 and on the host.
 */
#ifndef BACKENDS_CONS_RING_H
#define BACKENDS_CONS_RING_H

#include <stddef.h>
#include <public/io/console.h>

#define CONS_RING_BROKEN    (-1)

/*
 * Copy up to len bytes of the guest's output into buf and consume them.
 * Returns the number copied (0: nothing new) or CONS_RING_BROKEN.
 * The caller notifies the guest's event channel if it returned > 0.
 */
int cons_ring_read(struct xencons_interface *intf, char *buf, size_t len);

/*
 * Queue up to len bytes of input for the guest. Returns the number queued
 * (fewer when the ring is full, 0 if it is) or CONS_RING_BROKEN. The caller
 * notifies the guest if it returned > 0.
 */
int cons_ring_write(struct xencons_interface *intf, const char *buf, size_t len);

#endif
