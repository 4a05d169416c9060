/* SPDX-License-Identifier: MIT */
/*
 * dom0's network: netback (netback.c, the xenbus backend "vif"), the
 * toolstack's vif directories (netcfg.c) and the shell's `net` (net_cmd.c).
 * docs/network.md.
 */
#ifndef DOM0_NETBACK_H
#define DOM0_NETBACK_H

#include <public/xen.h>

/* Register netback with xenbus (after xenstore_init); a failure is said. */
void netback_init(void);

/* The domain dom is about to be destroyed: disconnect its vifs now
 * (rings unmapped, ports closed, out of the bridge), before its pages go;
 * xenbus's remove() frees them later. */
void netback_domain_gone(domid_t dom);

/*
 * hv create: write the backend and frontend directories of each vif =
 * entry (already checked with hv_vifs_check) for the paused domain dom,
 * as libxl does: backend/vif/<dom>/<i> (frontend, frontend-id, online,
 * state = 1, mac, handle, type, bridge; the domain may read) and
 * /local/domain/<dom>/device/vif/<i> (backend, backend-id, state = 1,
 * handle, mac; the domain's). 0 or a negative Xen errno (what was written
 * is removed again).
 */
int netcfg_domain_new(domid_t dom, char *const *specs, unsigned int n);
/* The domain goes: disconnect its vifs (netback_domain_gone) and remove
 * its backend/vif/<dom> directory (netback's remove() follows). Harmless
 * when there is none. */
void netcfg_domain_gone(domid_t dom);

/* The shell's `net`: the bridge's ports and counters. 0. */
int net_cmd(int argc, char **argv);

#endif
