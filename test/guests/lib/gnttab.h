/* SPDX-License-Identifier: MIT */
/*
 * Test guests: their own grant table (v1), for frontends that share pages
 * with dom0's backends. Frame 0 of the table is mapped over a page of the
 * guest's own RAM (XENMEM_add_to_physmap, XENMAPSPACE_grant_table), as
 * Linux PVH does: 512 entries, the first GNTTAB_NR_RESERVED_ENTRIES left
 * to the toolstack.
 */
#ifndef GUEST_GNTTAB_H
#define GUEST_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>
#include <public/grant_table.h>

/* Map the table (once; later calls do nothing): 0 or an errno. */
long guest_gnttab_init(void);
/* Let dom use the page at p (page-aligned, the guest's own RAM): the
 * reference, or -XEN_ENOSPC. */
long guest_gnttab_grant(domid_t dom, const void *p, bool readonly);
/* Take it back: 0, or -XEN_EBUSY while the other side still has it mapped
 * (the entry stays granted). */
long guest_gnttab_end(grant_ref_t ref);

#endif
