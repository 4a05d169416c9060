/* SPDX-License-Identifier: MIT */
/*
 * Bus addresses for devices that dom0 drives (DMA): what a descriptor must
 * hold to reach a dom0 guest-physical address, from the hypervisor
 * (PETREL_SYSCTL_bus_addr). dom0's own RAM keeps its translation, so it is
 * asked once per 2 MiB and remembered; pages mapped in the fmap window
 * (other domains' grants) change, so they are asked each time.
 */
#ifndef DOM0_DMA_H
#define DOM0_DMA_H

#include <stdint.h>

#define DMA_NONE        (~0ull)

/* The bus address of the byte at gpa, or DMA_NONE (a hole, MMIO, or the
 * hypervisor cannot say). */
uint64_t dma_addr(uint64_t gpa);
/* bus[i] for gpa[0..n), n <= 512, the fmap pages among them in one call:
 * 0, or -XEN_EFAULT when some has none (bus[] then holds DMA_NONE there),
 * or the hypercall's error. */
int dma_addrs(const uint64_t *gpa, uint64_t *bus, unsigned int n);
/* The n pages from gpa were mapped or unmapped (grants, foreign maps in
 * the fmap window): forget what is known of their addresses. gnttab.c and
 * fmap.c call it on every map and unmap; anything else that changes what
 * lies behind a gpa must too. */
void dma_forget(uint64_t gpa, unsigned int n);
/* Hypercalls made, and lookups answered from the caches (`virtio`). */
extern uint64_t dma_calls, dma_cached;

#endif
