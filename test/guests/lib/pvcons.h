/* SPDX-License-Identifier: MIT */
/*
 * Test guests: the PV console (Xen's console ring, public/io/console.h),
 * used when the domain builder set HVM_PARAM_CONSOLE_PFN and
 * _CONSOLE_EVTCHN (guests that dom0 creates); otherwise output stays on
 * console_io. See docs/test-guests.md.
 */
#ifndef GUEST_PVCONS_H
#define GUEST_PVCONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Look for the console page; when there is one, printf writes to it from
 * now on. True if the PV console is in use. Called by the test runner. */
bool pvcons_init(void);
/* Whether printf goes to the PV console. */
bool pvcons_active(void);
/* Go back to console_io for good (a test that breaks its own ring). */
void pvcons_stop(void);
/* Bytes typed on the console (the backend's 'in' ring): waits for at
 * least one until system time deadline_ns; returns how many were copied
 * (0: none by then), or -XEN_ENODEV without a PV console. */
long pvcons_read(char *buf, size_t len, uint64_t deadline_ns);
/* The ring page and the guest's port (a test may corrupt the ring). */
struct xencons_interface *pvcons_page(void);
uint32_t pvcons_port(void);
/* The page at gfn, identity-mapped (head.S maps the first 4 GiB; beyond,
 * it is mapped now), or NULL. For the console and xenstore pages. */
void *pv_map_gfn(uint64_t gfn);

#endif
