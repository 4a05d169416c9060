/* SPDX-License-Identifier: MIT */
/* x86-64 4-level paging: entry bits and address helpers (SDM vol. 3, 4.5). */
#ifndef X86_PAGE_H
#define X86_PAGE_H

#define _PAGE_PRESENT   0x001
#define _PAGE_RW        0x002
#define _PAGE_USER      0x004
#define _PAGE_PWT       0x008
#define _PAGE_PCD       0x010
#define _PAGE_ACCESSED  0x020
#define _PAGE_DIRTY     0x040
#define _PAGE_PSE       0x080       /* 2 MiB / 1 GiB leaf in PD / PDPT */
#define _PAGE_GLOBAL    0x100
#define _PAGE_NX        (1UL << 63)

#define PTE_ADDR_MASK   0x000ffffffffff000UL

#ifndef __ASSEMBLY__
#include <petrel/types.h>
typedef uint64_t pte_t;
#endif

#endif
