/* SPDX-License-Identifier: MIT */
/*
 * libhv: thin wrappers over Petrel's control hypercalls (domctl, sysctl;
 * include/public/petrel_ctl.h) for the toolstack. Each fills the request,
 * issues it and returns 0 or a negative Xen errno (-XEN_ENOSYS while the
 * hypervisor lacks the command, -XEN_EPERM outside the control domain).
 * Buffers are the caller's, addressed as the caller sees them.
 *
 * The environment supplies hv_hypercall() and the foreign mappings
 * (hv_map_foreign, hv_unmap_foreign): dom0 issues the hypercalls and maps
 * into its own window (tools/dom0/fmap.c); a Linux dom0 would go through
 * privcmd's hypercall ioctl and its mmap of foreign frames.
 */
#ifndef LIBHV_LIBHV_H
#define LIBHV_LIBHV_H

#include <stdint.h>
#include <public/petrel_ctl.h>

/* ---- provided by the environment ---- */
/* Hypercall nr with two arguments: domctl and sysctl take (struct, 0);
 * memory_op, hvm_op, event_channel_op and sched_op take (cmd, struct).
 * Returns what the hypervisor returned. */
long hv_hypercall(unsigned int nr, uintptr_t a1, uintptr_t a2);
/* Map dom's frames gfns[0..n) (1 <= n <= HV_MAP_BATCH) at consecutive
 * pages of the caller's address space: their address, or NULL when any
 * failed (then nothing is left mapped). */
#define HV_MAP_BATCH    64
void *hv_map_foreign(domid_t dom, const uint64_t *gfns, unsigned int n);
/* Undo hv_map_foreign(p, n). */
void hv_unmap_foreign(void *p, unsigned int n);

/* ---- sysctl ---- */
int hv_physinfo(struct petrel_physinfo *info);
/* The hypervisor's log from *index on (0: the oldest held) into buf; OUT:
 * *index where to go on, *got bytes copied, *lost bytes overwritten. */
int hv_readconsole(uint64_t *index, char *buf, uint32_t size, uint32_t *got,
                   uint32_t *lost);
/* Up to max domains with id >= first into list; *nr how many. */
int hv_domain_list(domid_t first, struct petrel_domaininfo *list, uint32_t max,
                   uint32_t *nr);
/* The bus addresses (byte addresses, PETREL_BUS_ADDR_NONE for a gfn
 * without one) of the caller's gfns[0..nr), nr <= PETREL_BUS_ADDR_MAX,
 * for a device it drives to reach them. */
int hv_bus_addr(const uint64_t *gfns, uint64_t *addrs, uint32_t nr);
/* Mark PCI function seg:bdf assignable to guests (add) or not. */
int hv_pci_assignable(uint16_t seg, uint16_t bdf, int add);
/* Up to max of the PCI functions Petrel found, from index first, into
 * list; *nr how many written, *total how many there are. */
int hv_pci_list(uint32_t first, struct petrel_pcidev_info *list, uint32_t max,
                uint32_t *nr, uint32_t *total);

/* ---- domctl ---- */
int hv_domain_info(domid_t dom, struct petrel_domaininfo *info);
int hv_domain_pause(domid_t dom);
int hv_domain_unpause(domid_t dom);
int hv_domain_destroy(domid_t dom);
/* A new domain, paused, without RAM: *dom is the id wanted (0: the lowest
 * free) and, on return, the id it got. */
int hv_domain_create(uint32_t max_vcpus, uint64_t max_pages, domid_t *dom);
/* Give PCI function seg:bdf (dom0's, marked assignable) to dom, or take it
 * back (PETREL_DOMCTL_assign_device / deassign_device; the errors are
 * public/petrel_ctl.h's). */
int hv_assign_device(domid_t dom, uint16_t seg, uint16_t bdf);
int hv_deassign_device(domid_t dom, uint16_t seg, uint16_t bdf);
int hv_max_mem(domid_t dom, uint64_t max_pages);
/* vCPU vcpu of a domain that never ran starts in the PVH state at rip
 * with rbx (the start info), and is brought up. */
int hv_vcpu_start(domid_t dom, uint32_t vcpu, uint64_t rip, uint64_t rbx);
int hv_vcpu_info(domid_t dom, uint32_t vcpu, struct petrel_vcpuinfo *info);
/* Hard affinity, bit n: pCPU n. */
int hv_vcpu_affinity_set(domid_t dom, uint32_t vcpu, uint64_t cpumap);
int hv_vcpu_affinity_get(domid_t dom, uint32_t vcpu, uint64_t *cpumap);
int hv_sched_credit_get(domid_t dom, uint32_t *weight, uint32_t *cap);
int hv_sched_credit_set(domid_t dom, uint32_t weight, uint32_t cap);
/* The domain's console_io output, as hv_readconsole reads the log. */
int hv_console_read(domid_t dom, uint64_t *index, char *buf, uint32_t size,
                    uint32_t *got, uint32_t *lost);

/* ---- Xen calls naming another domain ---- */
/* XENMEM_populate_physmap: zeroed RAM at gfns[0..n), extents of 2^order
 * pages; the extents done (n when all were), or a negative errno when
 * none was. At most 4096 extents a call: the caller asks again. */
long hv_populate(domid_t dom, uint64_t *gfns, unsigned int n, unsigned int order);
int hv_set_param(domid_t dom, uint32_t index, uint64_t value);
int hv_get_param(domid_t dom, uint32_t index, uint64_t *value);
/* EVTCHNOP_alloc_unbound: a port of dom that remote may bind to. */
int hv_evtchn_alloc_unbound(domid_t dom, domid_t remote, uint32_t *port);
/* SCHEDOP_remote_shutdown: dom stops as if it asked (SHUTDOWN_*). */
int hv_remote_shutdown(domid_t dom, uint32_t reason);

/* ---- errors ---- */
/* "ENOSYS" for -XEN_ENOSYS or XEN_ENOSYS; "E?" when unknown. */
const char *hv_errname(int err);
/* "function not implemented"; "unknown error" when unknown. */
const char *hv_strerror(int err);

#endif
