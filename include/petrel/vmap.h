/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own page tables (mm/pagetable.c). All RAM is mapped at
 * DIRECTMAP_BASE + phys, write-back and non-executable; the image at
 * KERNEL_VBASE with text RX, rodata R and data RW (W^X). Device and firmware
 * ranges are added to the direct map on demand.
 */
#ifndef PETREL_VMAP_H
#define PETREL_VMAP_H

#include <petrel/types.h>

struct boot_info;
struct frame_reserve;

/*
 * Build the final page tables and switch to them. Page-table pages come
 * from 'early' (a bump range of free RAM below 4 GiB that the caller then
 * reserves from the frame allocator) until paging_use_frame_allocator().
 */
void paging_init(const struct boot_info *bi, struct frame_reserve *early);
void paging_use_frame_allocator(void);

/* Map [pa, pa+size) uncached (devices) / write-back (firmware tables)
 * into the direct map if not yet mapped; return its virtual address or
 * NULL when page tables cannot be allocated. */
void *ioremap(paddr_t pa, size_t size);
void *map_firmware(paddr_t pa, size_t size);

/* Physical address of the root table, for CPUs coming up. */
paddr_t paging_root(void);

#endif
