/* SPDX-License-Identifier: MIT */
/* Guest page-table walker: guest-virtual to guest-physical, as the guest's MMU. */
/*
 * Design. Emulating an instruction (MMIO, string I/O) needs the guest
 * physical address behind each guest linear address it touches; with nested
 * paging the hardware does not tell us, so we walk the guest's own tables,
 * read through the caller's read_gpa(). The rules are the SDM vol. 3
 * chapter 4 (4.3 32-bit, 4.4 PAE, 4.5 4/5-level, 4.6 rights, 4.7 #PF error
 * code, 4.8 A/D bits); the APM vol. 2 chapter 5 agrees where it matters.
 *
 * One loop serves PAE and long mode: 'level' counts down to 1 (the PTE),
 * each level indexing 9 bits of the address above bit 12 + 9 * (level - 1);
 * PS makes a leaf at levels 2 and 3 and is reserved at 4 and 5. 32-bit
 * paging (4-byte entries, 10-bit indexes, PSE-36) has its own short walk.
 * Every entry read is remembered so that A/D can be set once the access is
 * known to be allowed. Rights accumulate as the SDM describes: writable and
 * user only if every level says so, no-execute if any level says so.
 */
#include <petrel/errno.h>
#include <x86/hvm/guest_walk.h>

/* Architectural bits (SDM vol. 3 2.5, 4.1; MSR EFER in 2.2.1). */
#define GW_CR0_WP       BIT(16)
#define GW_CR0_PG       BIT(31)
#define GW_CR4_PSE      BIT(4)
#define GW_CR4_PAE      BIT(5)
#define GW_CR4_LA57     BIT(12)
#define GW_CR4_SMEP     BIT(20)
#define GW_CR4_SMAP     BIT(21)
#define GW_EFER_LMA     BIT(10)
#define GW_EFER_NXE     BIT(11)
#define GW_RFLAGS_AC    BIT(18)

#define PTE_P           BIT(0)
#define PTE_RW          BIT(1)
#define PTE_US          BIT(2)
#define PTE_A           BIT(5)
#define PTE_D           BIT(6)
#define PTE_PS          BIT(7)
#define PTE_NX          BIT(63)

/* Bits hi..lo set (hi >= lo). */
#define BITS(hi, lo)    ((~0ULL >> (63 - (hi))) & (~0ULL << (lo)))

#define MAX_LEVELS      5

struct walk {
    const struct guest_paging *pg;
    uint64_t gva;
    unsigned int access;
    unsigned int maxphy;        /* M: MAXPHYADDR */
    unsigned int esize;         /* entry size: 4 or 8 bytes */
    uint64_t rsvd;              /* reserved in every present 8-byte entry */
    uint32_t pfec;              /* the access's W, U, I/D error-code bits */
    uint32_t fault;             /* the error code of a failed walk */
    bool writable, user, noexec;
    unsigned int n;             /* entries used so far */
    uint64_t ent_gpa[MAX_LEVELS];
    uint64_t ent_val[MAX_LEVELS];
};

static uint64_t addr_bits(const struct walk *w)
{
    return BITS(w->maxphy - 1, 12);
}

static int fault(struct walk *w, uint32_t bits)
{
    w->fault = w->pfec | bits;
    return GUEST_WALK_FAULT;
}

/* Read entry 'index' of the table at 'table' and remember it for A/D. */
static int read_entry(struct walk *w, uint64_t table, unsigned int index,
                      uint64_t *entry)
{
    uint64_t gpa = table + (uint64_t)index * w->esize;
    uint64_t v = 0;     /* x86 is little-endian: a 4-byte read fills bits 31:0 */

    if (w->pg->read_gpa(w->pg->ctx, gpa, &v, w->esize))
        return -EFAULT;
    w->ent_gpa[w->n] = gpa;
    w->ent_val[w->n++] = v;
    *entry = v;
    return 0;
}

/* Not present, then reserved bits; else fold the entry's rights in. */
static int use_entry(struct walk *w, uint64_t e, uint64_t rsvd)
{
    if (!(e & PTE_P))
        return fault(w, 0);
    if (e & rsvd)
        return fault(w, PFEC_PRESENT | PFEC_RSVD);
    w->writable &= !!(e & PTE_RW);
    w->user &= !!(e & PTE_US);
    w->noexec |= w->esize == 8 && (e & PTE_NX);
    return 0;
}

/* SDM 4.6: may this access use a page with the accumulated rights? */
static bool access_allowed(const struct walk *w)
{
    const struct guest_paging *pg = w->pg;
    bool user = w->access & WALK_USER, write = w->access & WALK_WRITE;

    if (w->access & WALK_FETCH) {
        if (w->noexec || (user && !w->user))
            return false;
        return user || !w->user || !(pg->cr4 & GW_CR4_SMEP);
    }
    if (user)
        return w->user && (w->writable || !write);
    if (write && !w->writable && (pg->cr0 & GW_CR0_WP))
        return false;
    /* SMAP: explicit accesses are let through by EFLAGS.AC. */
    return !w->user || !(pg->cr4 & GW_CR4_SMAP) ||
           (!(w->access & WALK_IMPLICIT) && (pg->rflags & GW_RFLAGS_AC));
}

/* SDM 4.8: A in every entry used, D in the leaf for a write. */
static int set_accessed_dirty(struct walk *w, unsigned int first)
{
    const struct guest_paging *pg = w->pg;
    unsigned int i;

    if (!pg->write_gpa)
        return 0;
    for (i = first; i < w->n; i++) {
        uint64_t bits = PTE_A;
        uint8_t low;

        if (i == w->n - 1 && (w->access & WALK_WRITE))
            bits |= PTE_D;
        if ((w->ent_val[i] & bits) == bits)
            continue;
        /* A and D live in byte 0: write only that byte. */
        low = (uint8_t)(w->ent_val[i] | bits);
        if (pg->write_gpa(pg->ctx, w->ent_gpa[i], &low, 1))
            return -EFAULT;
    }
    return 0;
}

/* The leaf is found: check rights, set A/D, form the address. */
static int finish(struct walk *w, uint64_t base, uint64_t page_mask,
                  unsigned int first, uint64_t *gpa)
{
    int rc;

    if (!access_allowed(w))
        return fault(w, PFEC_PRESENT);
    rc = set_accessed_dirty(w, first);
    if (rc)
        return rc;
    *gpa = (base & ~page_mask) | (w->gva & page_mask);
    return 0;
}

/*
 * The 8-byte-entry levels from 'level' down to the PTE, starting with the
 * table at 'table'. 'first' is the first remembered entry that has A/D
 * (PAE's PDPTE has none).
 */
static int walk_levels(struct walk *w, uint64_t table, unsigned int level,
                       unsigned int first, uint64_t *gpa)
{
    for (;; level--) {
        unsigned int shift = 12 + 9 * (level - 1);
        uint64_t e, rsvd = w->rsvd;
        bool leaf = level == 1;
        int rc;

        rc = read_entry(w, table, (w->gva >> shift) & 511, &e);
        if (rc)
            return rc;
        if (level >= 4)
            rsvd |= PTE_PS;
        else if (level > 1 && (e & PTE_PS)) {
            rsvd |= BITS(shift - 1, 13);    /* below the page, above PAT */
            leaf = true;
        }
        rc = use_entry(w, e, rsvd);
        if (rc)
            return rc;
        if (leaf)
            return finish(w, e & addr_bits(w), BITS(shift - 1, 0), first, gpa);
        table = e & addr_bits(w);
    }
}

static bool canonical(uint64_t va, unsigned int bits)
{
    return (uint64_t)((int64_t)(va << (64 - bits)) >> (64 - bits)) == va;
}

/* 4-level and 5-level paging (SDM 4.5): bits 51:M reserved. */
static int walk_long(struct walk *w, uint64_t *gpa)
{
    bool la57 = w->pg->cr4 & GW_CR4_LA57;

    if (!canonical(w->gva, la57 ? 57 : 48))
        return -EINVAL;
    w->rsvd |= BITS(51, w->maxphy);
    return walk_levels(w, w->pg->cr3 & addr_bits(w), la57 ? 5 : 4, 0, gpa);
}

/* PAE paging (SDM 4.4): a PDPTE from CR3, then PD and PT; bits 62:M reserved. */
static int walk_pae(struct walk *w, uint64_t *gpa)
{
    const uint64_t pdpte_rsvd = BITS(2, 1) | BITS(8, 5) | BITS(63, w->maxphy);
    uint64_t pdpte;
    int rc;

    w->gva &= 0xffffffff;
    rc = read_entry(w, w->pg->cr3 & 0xffffffe0, w->gva >> 30, &pdpte);
    if (rc)
        return rc;
    /* PDPTEs carry no rights: check them without folding any in. */
    if (!(pdpte & PTE_P))
        return fault(w, 0);
    if (pdpte & pdpte_rsvd)
        return fault(w, PFEC_PRESENT | PFEC_RSVD);
    w->rsvd |= BITS(62, w->maxphy);
    return walk_levels(w, pdpte & addr_bits(w), 2, 1, gpa);
}

/*
 * 32-bit paging (SDM 4.3): 4-byte entries, nothing reserved but in a 4 MiB
 * PDE, where PSE-36 puts physical bits (M-1):32 in bits (M-20):13 with
 * M = min(MAXPHYADDR, 40), and bits 21:(M-19) are reserved.
 */
static int walk_32(struct walk *w, uint64_t *gpa)
{
    unsigned int m = MIN(w->maxphy, 40);
    uint64_t pde, pte, base;
    int rc;

    w->gva &= 0xffffffff;
    w->esize = 4;
    rc = read_entry(w, w->pg->cr3 & 0xfffff000, w->gva >> 22, &pde);
    if (rc)
        return rc;
    if ((pde & PTE_PS) && (w->pg->cr4 & GW_CR4_PSE)) {
        rc = use_entry(w, pde, BITS(21, m - 19));
        if (rc)
            return rc;
        base = (pde & 0xffc00000) | (((pde >> 13) & BITS(m - 33, 0)) << 32);
        return finish(w, base, BITS(21, 0), 0, gpa);
    }
    rc = use_entry(w, pde, 0);
    if (!rc)
        rc = read_entry(w, pde & 0xfffff000, (w->gva >> 12) & 1023, &pte);
    if (!rc)
        rc = use_entry(w, pte, 0);
    if (rc)
        return rc;
    return finish(w, pte & 0xfffff000, BITS(11, 0), 0, gpa);
}

/* The access's own error-code bits; I/D only where NX or SMEP exists (4.7). */
static uint32_t access_pfec(const struct guest_paging *pg, unsigned int access)
{
    uint32_t pfec = 0;
    bool nx = (pg->cr4 & GW_CR4_PAE) && (pg->efer & GW_EFER_NXE);

    if (access & WALK_WRITE)
        pfec |= PFEC_WRITE;
    if (access & WALK_USER)
        pfec |= PFEC_USER;
    if ((access & WALK_FETCH) && (nx || (pg->cr4 & GW_CR4_SMEP)))
        pfec |= PFEC_FETCH;
    return pfec;
}

int guest_walk(const struct guest_paging *pg, uint64_t gva, unsigned int access,
               uint64_t *gpa, uint32_t *pf_error)
{
    struct walk w = {
        .pg = pg, .gva = gva, .access = access, .esize = 8,
        .maxphy = pg->maxphyaddr ? MIN(MAX(pg->maxphyaddr, 36), 52) : 52,
        .writable = true, .user = true,
    };
    int rc;

    if (!(pg->cr0 & GW_CR0_PG)) {
        *gpa = gva & 0xffffffff;
        return 0;
    }
    w.pfec = access_pfec(pg, access);
    if (!(pg->efer & GW_EFER_NXE))
        w.rsvd = PTE_NX;        /* XD is reserved without NXE */
    if (pg->efer & GW_EFER_LMA)
        rc = walk_long(&w, gpa);
    else if (pg->cr4 & GW_CR4_PAE)
        rc = walk_pae(&w, gpa);
    else
        rc = walk_32(&w, gpa);
    if (rc == GUEST_WALK_FAULT)
        *pf_error = w.fault;
    return rc;
}
