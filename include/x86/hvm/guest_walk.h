/* SPDX-License-Identifier: MIT */
/* Guest page-table walker: guest-virtual to guest-physical, as the guest's MMU. */
#ifndef X86_HVM_GUEST_WALK_H
#define X86_HVM_GUEST_WALK_H

#include <petrel/types.h>

/* The access being translated (guest_walk()'s 'access'). */
#define WALK_WRITE      (1u << 0)   /* a write (else a read) */
#define WALK_USER       (1u << 1)   /* at CPL 3 (else supervisor) */
#define WALK_FETCH      (1u << 2)   /* an instruction fetch */
#define WALK_IMPLICIT   (1u << 3)   /* a supervisor-mode implicit access
                                       (GDT, IDT, TSS...): SMAP ignores AC */

/* #PF error code bits (SDM vol. 3 4.7, APM vol. 2 8.4.2). */
#define PFEC_PRESENT    (1u << 0)   /* protection fault (else not present) */
#define PFEC_WRITE      (1u << 1)
#define PFEC_USER       (1u << 2)
#define PFEC_RSVD       (1u << 3)   /* a reserved bit was set */
#define PFEC_FETCH      (1u << 4)   /* I/D */

/* guest_walk() result: the guest must get #PF(*pf_error) with CR2 = gva. */
#define GUEST_WALK_FAULT 1

/*
 * The guest's paging state and access to its memory. efer must carry LMA
 * (as the VMCB's and VMCS's guest EFER do); maxphyaddr is the guest's
 * CPUID 0x80000008 EAX[7:0] (0 means 52; taken within 36..52).
 * read_gpa() reads guest-physical memory and returns 0, or -EFAULT where
 * gpa is not guest RAM. write_gpa() likewise writes; it may be NULL, and
 * then accessed and dirty bits are not set.
 */
struct guest_paging {
    uint64_t cr0, cr3, cr4, efer;
    uint64_t rflags;                /* only AC is used (SMAP) */
    unsigned int maxphyaddr;
    int (*read_gpa)(void *ctx, uint64_t gpa, void *buf, size_t len);
    int (*write_gpa)(void *ctx, uint64_t gpa, const void *buf, size_t len);
    void *ctx;
};

/*
 * Translate the linear address 'gva' for 'access' (WALK_*) under 'pg', as
 * the guest's MMU would: paging off, 32-bit (PSE, PSE-36), PAE, 4-level and
 * 5-level (CR4.LA57) paging; 4 KiB, 2/4 MiB and 1 GiB pages; R/W, U/S,
 * CR0.WP, NX (EFER.NXE), SMEP, SMAP; reserved bits.
 *
 * Returns 0 with *gpa set; GUEST_WALK_FAULT with *pf_error set to the #PF
 * error code; -EINVAL for a non-canonical address in long mode (the caller
 * raises #GP or #SS); -EFAULT when a paging structure is not in guest RAM.
 *
 * On success sets the accessed bit of every entry used and, for a write,
 * the dirty bit of the leaf, through write_gpa() one byte at a time (not
 * atomic against other vCPUs writing the same entry); a faulting walk sets
 * none. Not modelled: protection keys, the TLB and paging-structure caches
 * (every call walks memory), PAE PDPTE registers (the PDPTE is read from
 * memory at each walk, and a reserved bit in it gives a #PF with RSVD here
 * where hardware gives #GP at the CR3 load), CPUs without 1 GiB pages or
 * PSE-36 (both are assumed present).
 */
int guest_walk(const struct guest_paging *pg, uint64_t gva, unsigned int access,
               uint64_t *gpa, uint32_t *pf_error);

#endif
