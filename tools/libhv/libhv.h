/* SPDX-License-Identifier: MIT */
/*
 * libhv: thin wrappers over Petrel's control hypercalls (domctl, sysctl;
 * include/public/petrel_ctl.h) for the toolstack. Each fills the request,
 * issues it and returns 0 or a negative Xen errno (-XEN_ENOSYS while the
 * hypervisor lacks the command, -XEN_EPERM outside the control domain).
 * Buffers are the caller's, addressed as the caller sees them.
 *
 * The environment supplies hv_hypercall(): dom0 issues the hypercall
 * itself; a Linux dom0 would go through privcmd.
 */
#ifndef LIBHV_LIBHV_H
#define LIBHV_LIBHV_H

#include <stdint.h>
#include <public/petrel_ctl.h>

/* Provided by the environment: hypercall nr with one pointer argument. */
long hv_hypercall(unsigned int nr, void *arg);

/* ---- sysctl ---- */
int hv_physinfo(struct petrel_physinfo *info);
/* The hypervisor's log from *index on (0: the oldest held) into buf; OUT:
 * *index where to go on, *got bytes copied, *lost bytes overwritten. */
int hv_readconsole(uint64_t *index, char *buf, uint32_t size, uint32_t *got,
                   uint32_t *lost);
/* Up to max domains with id >= first into list; *nr how many. */
int hv_domain_list(domid_t first, struct petrel_domaininfo *list, uint32_t max,
                   uint32_t *nr);

/* ---- domctl ---- */
int hv_domain_info(domid_t dom, struct petrel_domaininfo *info);
int hv_domain_pause(domid_t dom);
int hv_domain_unpause(domid_t dom);
int hv_domain_destroy(domid_t dom);

/* ---- errors ---- */
/* "ENOSYS" for -XEN_ENOSYS or XEN_ENOSYS; "E?" when unknown. */
const char *hv_errname(int err);
/* "function not implemented"; "unknown error" when unknown. */
const char *hv_strerror(int err);

#endif
