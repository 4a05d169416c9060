/* SPDX-License-Identifier: MIT */
/* Unit tests for arch/x86/hvm/guest_walk.c: the guest page-table walker. */

/*
 * Each test builds guest page tables in a fake guest RAM (RAM_SIZE bytes at
 * guest-physical 0; anything above reads as -EFAULT), with entry formats
 * written out here from the SDM rather than shared with the walker, then
 * checks translations, #PF error codes and the A/D bits left in memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <petrel/errno.h>
#include <x86/hvm/guest_walk.h>
#include "stubs.h"

#define RAM_SIZE    MiB(4)

#define P       0x001ULL
#define RW      0x002ULL
#define US      0x004ULL
#define A       0x020ULL
#define D       0x040ULL
#define PS      0x080ULL
#define NX      (1ULL << 63)
#define MID     (P | RW | US)       /* non-leaf entries allow everything */

#define CR0_PG  (1ULL << 31)
#define CR0_WP  (1ULL << 16)
#define CR4_PSE (1ULL << 4)
#define CR4_PAE (1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define CR4_SMEP (1ULL << 20)
#define CR4_SMAP (1ULL << 21)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)
#define RFL_AC  (1ULL << 18)

#define ADDR_MASK 0x000ffffffffff000ULL

static uint8_t *ram;
static uint64_t next_table;
static unsigned int reads, writes;

static int read_gpa(void *ctx, uint64_t gpa, void *buf, size_t len)
{
    if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
        return -EFAULT;
    memcpy(buf, ram + gpa, len);
    reads++;
    return 0;
}

static int write_gpa(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
    if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
        return -EFAULT;
    memcpy(ram + gpa, buf, len);
    writes++;
    return 0;
}

static uint64_t get64(uint64_t gpa)
{
    uint64_t v;

    memcpy(&v, ram + gpa, 8);
    return v;
}

static void put64(uint64_t gpa, uint64_t v)
{
    memcpy(ram + gpa, &v, 8);
}

static uint32_t get32(uint64_t gpa)
{
    uint32_t v;

    memcpy(&v, ram + gpa, 4);
    return v;
}

static void put32(uint64_t gpa, uint32_t v)
{
    memcpy(ram + gpa, &v, 4);
}

static uint64_t new_table(void)
{
    uint64_t t = next_table;

    next_table += 4096;
    assert_true(next_table <= RAM_SIZE);
    memset(ram + t, 0, 4096);
    return t;
}

static int setup(void **state)
{
    if (!ram)
        ram = calloc(1, RAM_SIZE);
    memset(ram, 0, RAM_SIZE);
    next_table = 0x10000;
    reads = writes = 0;
    return 0;
}

/* The gpa of each entry on the path to a leaf: ent[level], 1 = PTE. */
struct path {
    uint64_t ent[6];
};

/*
 * Map 'va' in an 8-byte-entry hierarchy rooted at 'root' whose top table is
 * at 'top' (5 or 4 for long mode, 2 for PAE's page directory): the leaf at
 * 'leaf_level' (1: 4 KiB, 2: 2 MiB, 3: 1 GiB) gets 'leaf', new tables on
 * the way get MID.
 */
static struct path map64(uint64_t root, unsigned int top, uint64_t va,
                         unsigned int leaf_level, uint64_t leaf)
{
    struct path p = { { 0 } };
    uint64_t table = root;
    unsigned int level;

    for (level = top;; level--) {
        uint64_t gpa = table + ((va >> (12 + 9 * (level - 1))) & 511) * 8;
        uint64_t e = get64(gpa);

        p.ent[level] = gpa;
        if (level == leaf_level) {
            put64(gpa, leaf);
            return p;
        }
        if (!(e & P)) {
            e = new_table() | MID;
            put64(gpa, e);
        }
        table = e & ADDR_MASK;
    }
}

static struct guest_paging paging(uint64_t cr0, uint64_t cr3, uint64_t cr4,
                                  uint64_t efer)
{
    struct guest_paging pg = {
        .cr0 = cr0 | 1, .cr3 = cr3, .cr4 = cr4, .efer = efer,
        .maxphyaddr = 40, .read_gpa = read_gpa, .write_gpa = write_gpa,
    };

    return pg;
}

/* A 4-level setup with NXE and WP. */
static struct guest_paging long_mode(uint64_t *pml4)
{
    *pml4 = new_table();
    return paging(CR0_PG | CR0_WP, *pml4, CR4_PAE, EFER_LMA | EFER_NXE);
}

static void expect_gpa(const struct guest_paging *pg, uint64_t gva,
                       unsigned int access, uint64_t want)
{
    uint64_t gpa = 0xdead;
    uint32_t pfec = 0xdead;
    int rc = guest_walk(pg, gva, access, &gpa, &pfec);

    if (rc || gpa != want)
        fail_msg("gva %#llx access %#x: rc %d gpa %#llx pfec %#x, want %#llx",
                 (unsigned long long)gva, access, rc, (unsigned long long)gpa,
                 pfec, (unsigned long long)want);
}

static void expect_pf(const struct guest_paging *pg, uint64_t gva,
                      unsigned int access, uint32_t want)
{
    uint64_t gpa = 0xdead;
    uint32_t pfec = 0xdead;
    int rc = guest_walk(pg, gva, access, &gpa, &pfec);

    if (rc != GUEST_WALK_FAULT || pfec != want)
        fail_msg("gva %#llx access %#x: rc %d gpa %#llx pfec %#x, want #PF %#x",
                 (unsigned long long)gva, access, rc, (unsigned long long)gpa,
                 pfec, want);
}

/* ---- paging off ------------------------------------------------------ */

static void test_paging_off(void **state)
{
    struct guest_paging pg = paging(0, 0x12345000, 0, 0);

    expect_gpa(&pg, 0x123456789ULL, WALK_WRITE | WALK_USER, 0x23456789);
    expect_gpa(&pg, 0xfee00000, 0, 0xfee00000);
    assert_int_equal(reads, 0);
}

/* ---- 32-bit paging ---------------------------------------------------- */

static void test_32bit_4k(void **state)
{
    uint64_t pd = new_table(), pt = new_table();
    struct guest_paging pg = paging(CR0_PG, pd | 0x18, 0, 0);   /* PWT/PCD */

    put32(pd + (0xc0400000 >> 22) * 4, pt | MID);
    put32(pt + 0x123 * 4, 0x00abc000 | P | RW | US);
    expect_gpa(&pg, 0xc0523456, WALK_WRITE | WALK_USER, 0x00abc456);
    /* Upper 32 bits of the linear address do not exist here */
    expect_gpa(&pg, 0xffffffffc0523456ULL, 0, 0x00abc456);
    /* Not-present PDE and PTE: error code has no P bit */
    expect_pf(&pg, 0x00400000, WALK_WRITE | WALK_USER, PFEC_WRITE | PFEC_USER);
    expect_pf(&pg, 0xc0524000, 0, 0);
    /* No I/D bit without PAE+NXE or SMEP */
    expect_pf(&pg, 0xc0524000, WALK_FETCH, 0);
    pg.cr4 |= CR4_SMEP;
    expect_pf(&pg, 0xc0524000, WALK_FETCH, PFEC_FETCH);
    /* Bit 63 does not exist: high bits of a 4-byte PTE are the address */
    put32(pt + 0x124 * 4, 0xfffff000 | P);
    expect_gpa(&pg, 0xc0524abc, 0, 0xfffffabc);
}

static void test_32bit_pse(void **state)
{
    uint64_t pd = new_table(), pt = new_table();
    struct guest_paging pg = paging(CR0_PG, pd, CR4_PSE, 0);

    /* 4 MiB page at 0x12_3fc00000 via PSE-36 (bits 20:13 = 0x12), PAT set */
    put32(pd + 0x300 * 4, 0xffc00000 | (0x12 << 13) | 0x1000 | PS | P | RW);
    expect_gpa(&pg, 0xc0123456, WALK_WRITE, 0x12ffd23456ULL);
    /* Bit 21 is reserved (M = 40) */
    put32(pd + 0x301 * 4, 0x00400000 | (1 << 21) | PS | P);
    expect_pf(&pg, 0xc0400000, 0, PFEC_PRESENT | PFEC_RSVD);
    /* With MAXPHYADDR 36, bits 21:17 are reserved and 16:13 are address */
    pg.maxphyaddr = 36;
    put32(pd + 0x302 * 4, 0x00800000 | (1 << 17) | PS | P);
    expect_pf(&pg, 0xc0800000, WALK_USER, PFEC_PRESENT | PFEC_RSVD | PFEC_USER);
    put32(pd + 0x302 * 4, 0x00800000 | (0xf << 13) | PS | P);
    expect_gpa(&pg, 0xc0812345, 0, 0xf00812345ULL);
    /* Without CR4.PSE the PS bit is ignored: the PDE names a page table */
    pg.cr4 = 0;
    put32(pd + 0x303 * 4, pt | PS | MID);
    put32(pt + 5 * 4, 0x7000 | P);
    expect_gpa(&pg, 0xc0c05111, 0, 0x7111);
}

/* ---- PAE paging ------------------------------------------------------ */

static struct guest_paging pae(uint64_t *pdpt, uint64_t efer)
{
    /* The PDPT needs only 32-byte alignment: put it inside a page. */
    *pdpt = new_table() + 0x7e0;
    return paging(CR0_PG | CR0_WP, *pdpt, CR4_PAE, efer);
}

static uint64_t pae_pd(uint64_t pdpt, unsigned int i)
{
    uint64_t pd = new_table();

    put64(pdpt + 8 * i, pd | P);
    return pd;
}

static void test_pae(void **state)
{
    uint64_t pdpt, pd;
    struct guest_paging pg = pae(&pdpt, EFER_NXE);
    struct path p;

    pd = pae_pd(pdpt, 3);
    map64(pd, 2, 0xc0001000, 1, 0x123456000ULL | P | RW);       /* > 4 GiB */
    map64(pd, 2, 0xc0200000, 2, 0x40000000ULL | 0x1000 | PS | P | NX);
    expect_gpa(&pg, 0xc0001abc, WALK_WRITE, 0x123456abc);
    expect_gpa(&pg, 0xc0234567, 0, 0x40034567);
    /* NX with NXE: a fetch faults with I/D */
    expect_pf(&pg, 0xc0234567, WALK_FETCH, PFEC_PRESENT | PFEC_FETCH);
    /* Not-present PDPTE */
    expect_pf(&pg, 0x00001000, WALK_USER, PFEC_USER);
    /* PDPTE reserved bits (2:1, 8:5, 63:M) */
    put64(pdpt + 8 * 3, pd | P | RW);
    expect_pf(&pg, 0xc0001000, 0, PFEC_PRESENT | PFEC_RSVD);
    put64(pdpt + 8 * 3, pd | P | NX);
    expect_pf(&pg, 0xc0001000, 0, PFEC_PRESENT | PFEC_RSVD);
    put64(pdpt + 8 * 3, pd | P);
    /* Bits 62:M are reserved in PAE PDEs and PTEs (unlike 4-level) */
    p = map64(pd, 2, 0xc0400000, 1, (1ULL << 55) | 0x5000 | P);
    expect_pf(&pg, 0xc0400000, WALK_WRITE, PFEC_PRESENT | PFEC_RSVD | PFEC_WRITE);
    put64(p.ent[1], (1ULL << 39) | 0x5000 | P);
    expect_gpa(&pg, 0xc0400001, 0, (1ULL << 39) | 0x5001);
    put64(p.ent[1], (1ULL << 40) | 0x5000 | P);
    expect_pf(&pg, 0xc0400000, 0, PFEC_PRESENT | PFEC_RSVD);
    /* 2 MiB PDE: bits 20:13 reserved */
    map64(pd, 2, 0xc0600000, 2, 0x200000 | 0x2000 | PS | P);
    expect_pf(&pg, 0xc0600000, 0, PFEC_PRESENT | PFEC_RSVD);
}

static void test_pae_without_nxe(void **state)
{
    uint64_t pdpt, pd;
    struct guest_paging pg = pae(&pdpt, 0);

    pd = pae_pd(pdpt, 0);
    map64(pd, 2, 0x1000, 1, 0x9000 | P | NX);
    map64(pd, 2, 0x2000, 1, 0x9000 | P);
    /* XD is a reserved bit without NXE; fetches carry no I/D bit */
    expect_pf(&pg, 0x1000, 0, PFEC_PRESENT | PFEC_RSVD);
    expect_gpa(&pg, 0x2000, WALK_FETCH, 0x9000);
    expect_pf(&pg, 0x3000, WALK_FETCH, 0);
}

/* ---- 4-level and 5-level paging ------------------------------------- */

static void test_long_pages(void **state)
{
    uint64_t pml4;
    struct guest_paging pg = long_mode(&pml4);

    map64(pml4, 4, 0xffff800000123000ULL, 1, 0xfedcba000ULL | P | RW);
    map64(pml4, 4, 0x0000000040200000ULL, 2, 0x80000000 | 0x1000 | PS | P);
    map64(pml4, 4, 0x00007f0040000000ULL, 3, 0xc0000000 | 0x1000 | PS | P | US);
    expect_gpa(&pg, 0xffff800000123fffULL, WALK_WRITE, 0xfedcbafff);
    expect_gpa(&pg, 0x00000000403fffffULL, 0, 0x801fffff);
    expect_gpa(&pg, 0x00007f007fffffffULL, WALK_USER, 0xffffffff);
    /* PCID and other low CR3 bits are not part of the table address */
    pg.cr3 |= 0x123;
    expect_gpa(&pg, 0x00000000403fffffULL, 0, 0x801fffff);
    /* Not mapped: not present at the PML4E */
    expect_pf(&pg, 0x0000400000000000ULL, WALK_WRITE, PFEC_WRITE);
}

static void test_long_reserved(void **state)
{
    uint64_t pml4;
    struct guest_paging pg = long_mode(&pml4);
    struct path p;

    p = map64(pml4, 4, 0x1000, 1, 0x5000 | P);
    /* Bits 62:52 are ignored; 51:M reserved (M = 40) */
    put64(p.ent[1], (0x7ffULL << 52) | 0x5000 | P);
    expect_gpa(&pg, 0x1000, 0, 0x5000);
    put64(p.ent[1], (1ULL << 45) | 0x5000 | P);
    expect_pf(&pg, 0x1000, 0, PFEC_PRESENT | PFEC_RSVD);
    pg.maxphyaddr = 46;
    expect_gpa(&pg, 0x1000, 0, (1ULL << 45) | 0x5000);
    pg.maxphyaddr = 40;
    put64(p.ent[1], 0x5000 | P);
    /* PS is reserved in a PML4E */
    put64(p.ent[4], get64(p.ent[4]) | PS);
    expect_pf(&pg, 0x1000, WALK_USER, PFEC_PRESENT | PFEC_RSVD | PFEC_USER);
    put64(p.ent[4], get64(p.ent[4]) & ~PS);
    /* 1 GiB page: bits 29:13 reserved; 2 MiB: 20:13 */
    map64(pml4, 4, 0x8000000000ULL, 3, 0x40000000 | (1 << 20) | PS | P);
    expect_pf(&pg, 0x8000000000ULL, 0, PFEC_PRESENT | PFEC_RSVD);
    map64(pml4, 4, 0x8040000000ULL, 2, 0x200000 | (1 << 13) | PS | P);
    expect_pf(&pg, 0x8040000000ULL, 0, PFEC_PRESENT | PFEC_RSVD);
    /* XD is reserved without NXE, at any level */
    pg.efer &= ~EFER_NXE;
    put64(p.ent[3], get64(p.ent[3]) | NX);
    expect_pf(&pg, 0x1000, WALK_FETCH, PFEC_PRESENT | PFEC_RSVD);
    /* Not present wins over reserved bits in that entry */
    put64(p.ent[1], (1ULL << 45) | 0x5000);
    pg.efer |= EFER_NXE;
    expect_pf(&pg, 0x1000, 0, 0);
}

static void test_noncanonical(void **state)
{
    uint64_t pml4;
    struct guest_paging pg = long_mode(&pml4);
    uint64_t gpa;
    uint32_t pfec = 0x1234;

    assert_int_equal(guest_walk(&pg, 0x0000800000000000ULL, 0, &gpa, &pfec),
                     -EINVAL);
    assert_int_equal(guest_walk(&pg, 0xffff7fffffffffffULL, 0, &gpa, &pfec),
                     -EINVAL);
    assert_int_equal(pfec, 0x1234);
    assert_int_equal(reads, 0);
    /* Canonical, unmapped: a #PF, not a #GP */
    expect_pf(&pg, 0xffff800000000000ULL, 0, 0);
    expect_pf(&pg, 0x00007fffffffffffULL, 0, 0);
}

static void test_la57(void **state)
{
    uint64_t pml5 = new_table(), gpa;
    uint32_t pfec;
    struct guest_paging pg = paging(CR0_PG, pml5, CR4_PAE | CR4_LA57,
                                    EFER_LMA | EFER_NXE);
    struct path p;

    p = map64(pml5, 5, 0x00ff123456789000ULL, 1, 0xabc000 | P);
    expect_gpa(&pg, 0x00ff123456789abcULL, 0, 0xabcabc);
    map64(pml5, 5, 0xff00000000000000ULL, 2, 0x400000 | PS | P);
    expect_gpa(&pg, 0xff00000000012345ULL, 0, 0x412345);
    /* 57-bit canonical: bit 56 must be copied up */
    assert_int_equal(guest_walk(&pg, 0x0100000000000000ULL, 0, &gpa, &pfec),
                     -EINVAL);
    /* PS is reserved in a PML5E too */
    put64(p.ent[5], get64(p.ent[5]) | PS);
    expect_pf(&pg, 0x00ff123456789abcULL, 0, PFEC_PRESENT | PFEC_RSVD);
    /* Without LA57 the same address is not canonical */
    pg.cr4 &= ~CR4_LA57;
    assert_int_equal(guest_walk(&pg, 0x00ff123456789abcULL, 0, &gpa, &pfec),
                     -EINVAL);
}

/* ---- rights ------------------------------------------------------------ */

/*
 * SDM 4.6 for a 4 KiB page with the given PTE U/S and R/W, for each access
 * and CR0.WP; expected outcomes written out case by case.
 */
static void test_rights_matrix(void **state)
{
    static const struct {
        uint64_t pte;           /* US / RW bits of the PTE */
        uint64_t cr0_wp;
        unsigned int access;
        bool ok;
    } m[] = {
        /* supervisor page, read-only */
        { 0, 0, 0, true },
        { 0, 0, WALK_WRITE, true },             /* WP = 0: sup writes go */
        { 0, CR0_WP, WALK_WRITE, false },
        { 0, 0, WALK_USER, false },
        { 0, 0, WALK_USER | WALK_WRITE, false },
        /* supervisor page, writable */
        { RW, CR0_WP, WALK_WRITE, true },
        { RW, CR0_WP, WALK_USER, false },
        /* user page, read-only */
        { US, CR0_WP, WALK_USER, true },
        { US, CR0_WP, WALK_USER | WALK_WRITE, false },
        { US, 0, WALK_USER | WALK_WRITE, false },   /* WP irrelevant at CPL3 */
        { US, 0, WALK_WRITE, true },
        { US, CR0_WP, WALK_WRITE, false },
        /* user page, writable */
        { US | RW, CR0_WP, WALK_USER | WALK_WRITE, true },
        { US | RW, CR0_WP, WALK_WRITE, true },
        { US | RW, 0, WALK_USER | WALK_FETCH, true },
        { 0, 0, WALK_USER | WALK_FETCH, false },
        { 0, 0, WALK_FETCH, true },
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(m); i++) {
        uint64_t pml4, gpa;
        uint32_t pfec, want;
        struct guest_paging pg;
        int rc;

        setup(NULL);
        pg = long_mode(&pml4);
        pg.cr0 = (pg.cr0 & ~CR0_WP) | m[i].cr0_wp;
        map64(pml4, 4, 0x1000, 1, 0x9000 | P | m[i].pte);
        rc = guest_walk(&pg, 0x1234, m[i].access, &gpa, &pfec);
        want = PFEC_PRESENT | (m[i].access & WALK_WRITE ? PFEC_WRITE : 0) |
               (m[i].access & WALK_USER ? PFEC_USER : 0) |
               (m[i].access & WALK_FETCH ? PFEC_FETCH : 0);
        if (m[i].ok ? rc != 0 || gpa != 0x9234 :
                      rc != GUEST_WALK_FAULT || pfec != want)
            fail_msg("case %u: rc %d pfec %#x", i, rc, pfec);
    }
}

/* Rights combine over levels: writable and user only if all say so. */
static void test_rights_accumulate(void **state)
{
    uint64_t pml4;
    struct guest_paging pg = long_mode(&pml4);
    struct path p = map64(pml4, 4, 0x1000, 1, 0x9000 | P | RW | US);

    expect_gpa(&pg, 0x1000, WALK_USER | WALK_WRITE, 0x9000);
    put64(p.ent[2], get64(p.ent[2]) & ~RW);        /* PDE read-only */
    expect_pf(&pg, 0x1000, WALK_USER | WALK_WRITE,
              PFEC_PRESENT | PFEC_WRITE | PFEC_USER);
    expect_pf(&pg, 0x1000, WALK_WRITE, PFEC_PRESENT | PFEC_WRITE);
    expect_gpa(&pg, 0x1000, WALK_USER, 0x9000);
    put64(p.ent[4], get64(p.ent[4]) & ~US);        /* PML4E supervisor */
    expect_pf(&pg, 0x1000, WALK_USER, PFEC_PRESENT | PFEC_USER);
    expect_gpa(&pg, 0x1000, 0, 0x9000);
    put64(p.ent[3], get64(p.ent[3]) | NX);         /* NX in the PDPTE */
    expect_pf(&pg, 0x1000, WALK_FETCH, PFEC_PRESENT | PFEC_FETCH);
    expect_gpa(&pg, 0x1000, 0, 0x9000);
}

static void test_smep_smap(void **state)
{
    uint64_t pml4;
    struct guest_paging pg = long_mode(&pml4);

    map64(pml4, 4, 0x1000, 1, 0x9000 | P | RW | US);
    map64(pml4, 4, 0x2000, 1, 0xa000 | P | RW);
    /* Without SMEP/SMAP the supervisor may do anything with user pages */
    expect_gpa(&pg, 0x1000, WALK_FETCH, 0x9000);
    expect_gpa(&pg, 0x1000, WALK_WRITE, 0x9000);
    pg.cr4 |= CR4_SMEP | CR4_SMAP;
    expect_pf(&pg, 0x1000, WALK_FETCH, PFEC_PRESENT | PFEC_FETCH);
    expect_gpa(&pg, 0x1000, WALK_USER | WALK_FETCH, 0x9000);
    expect_gpa(&pg, 0x2000, WALK_FETCH, 0xa000);
    expect_pf(&pg, 0x1000, 0, PFEC_PRESENT);
    expect_pf(&pg, 0x1000, WALK_WRITE, PFEC_PRESENT | PFEC_WRITE);
    expect_gpa(&pg, 0x1000, WALK_USER | WALK_WRITE, 0x9000);
    expect_gpa(&pg, 0x2000, WALK_WRITE, 0xa000);
    /* EFLAGS.AC opens explicit accesses, not implicit ones */
    pg.rflags = RFL_AC;
    expect_gpa(&pg, 0x1000, WALK_WRITE, 0x9000);
    expect_pf(&pg, 0x1000, WALK_IMPLICIT, PFEC_PRESENT);
    /* SMEP gives fetches the I/D bit even without NX */
    pg.efer &= ~EFER_NXE;
    expect_pf(&pg, 0x1000, WALK_FETCH, PFEC_PRESENT | PFEC_FETCH);
}

/* ---- guest memory ------------------------------------------------------ */

static void test_tables_outside_ram(void **state)
{
    uint64_t pml4, gpa;
    uint32_t pfec;
    struct guest_paging pg = long_mode(&pml4);
    struct path p = map64(pml4, 4, 0x1000, 1, 0x9000 | P);

    /* A page table in MMIO space */
    put64(p.ent[2], 0xfee00000 | MID);
    assert_int_equal(guest_walk(&pg, 0x1000, 0, &gpa, &pfec), -EFAULT);
    /* CR3 outside RAM */
    pg.cr3 = 0x80000000;
    assert_int_equal(guest_walk(&pg, 0x1000, 0, &gpa, &pfec), -EFAULT);
    /* 32-bit and PAE too */
    pg = paging(CR0_PG, 0xfffff000, 0, 0);
    assert_int_equal(guest_walk(&pg, 0x1000, 0, &gpa, &pfec), -EFAULT);
    pg = paging(CR0_PG, 0xffffffe0, CR4_PAE, 0);
    assert_int_equal(guest_walk(&pg, 0x1000, 0, &gpa, &pfec), -EFAULT);
    /* The data page itself may be anywhere: it is not read */
    pg = long_mode(&pml4);
    map64(pml4, 4, 0x1000, 1, 0xfee00000 | P);
    expect_gpa(&pg, 0x1030, 0, 0xfee00030);
}

static void test_accessed_dirty(void **state)
{
    uint64_t pml4;
    struct guest_paging pg = long_mode(&pml4);
    struct path p = map64(pml4, 4, 0x1000, 1, 0x9000 | P | RW);
    struct path big = map64(pml4, 4, 0x40000000, 2, 0x200000 | PS | P | RW);
    struct path q;
    unsigned int l;

    expect_gpa(&pg, 0x1000, 0, 0x9000);
    for (l = 1; l <= 4; l++)
        assert_int_equal(get64(p.ent[l]) & (A | D), A);
    /* A write sets D in the leaf only; nothing more to write after that */
    expect_gpa(&pg, 0x1000, WALK_WRITE, 0x9000);
    assert_int_equal(get64(p.ent[1]) & (A | D), A | D);
    for (l = 2; l <= 4; l++)
        assert_int_equal(get64(p.ent[l]) & D, 0);
    writes = 0;
    expect_gpa(&pg, 0x1000, WALK_WRITE, 0x9000);
    assert_int_equal(writes, 0);
    /* The address and flags around A/D are untouched */
    assert_int_equal(get64(p.ent[1]), 0x9000 | P | RW | A | D);
    /* A 2 MiB leaf gets D */
    expect_gpa(&pg, 0x40012345, WALK_WRITE, 0x212345);
    assert_int_equal(get64(big.ent[2]) & (A | D), A | D);
    assert_int_equal(get64(big.ent[3]) & (A | D), A);
    /* A faulting walk sets nothing */
    q = map64(pml4, 4, 0x80000000, 1, 0xb000 | P);
    writes = 0;
    expect_pf(&pg, 0x80000000, WALK_WRITE, PFEC_PRESENT | PFEC_WRITE);
    assert_int_equal(writes, 0);
    assert_int_equal(get64(q.ent[1]), 0xb000 | P);
    assert_int_equal(get64(q.ent[2]) & A, 0);
    /* Without write_gpa nothing is written */
    pg.write_gpa = NULL;
    expect_gpa(&pg, 0x80000000, 0, 0xb000);
    assert_int_equal(get64(q.ent[1]), 0xb000 | P);
}

static void test_accessed_dirty_32_pae(void **state)
{
    uint64_t pd = new_table(), pt = new_table(), pdpt, pd2;
    struct guest_paging pg = paging(CR0_PG, pd, CR4_PSE, 0);

    put32(pd, pt | MID);
    put32(pt + 4, 0x9000 | P | RW);
    put32(pd + 4, 0x400000 | PS | P | RW);
    expect_gpa(&pg, 0x1000, WALK_WRITE, 0x9000);
    assert_int_equal(get32(pd), pt | MID | A);
    assert_int_equal(get32(pt + 4), 0x9000 | P | RW | A | D);
    expect_gpa(&pg, 0x400000, 0, 0x400000);
    assert_int_equal(get32(pd + 4), 0x400000 | PS | P | RW | A);
    /* PAE: the PDPTE has no A bit and is never written */
    pg = pae(&pdpt, EFER_NXE);
    pd2 = pae_pd(pdpt, 0);
    map64(pd2, 2, 0x1000, 1, 0x9000 | P | RW);
    expect_gpa(&pg, 0x1000, WALK_WRITE, 0x9000);
    assert_int_equal(get64(pdpt), pd2 | P);
    assert_int_equal(get64(pd2) & (A | D), A);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_paging_off, setup),
        cmocka_unit_test_setup(test_32bit_4k, setup),
        cmocka_unit_test_setup(test_32bit_pse, setup),
        cmocka_unit_test_setup(test_pae, setup),
        cmocka_unit_test_setup(test_pae_without_nxe, setup),
        cmocka_unit_test_setup(test_long_pages, setup),
        cmocka_unit_test_setup(test_long_reserved, setup),
        cmocka_unit_test_setup(test_noncanonical, setup),
        cmocka_unit_test_setup(test_la57, setup),
        cmocka_unit_test_setup(test_rights_matrix, setup),
        cmocka_unit_test_setup(test_rights_accumulate, setup),
        cmocka_unit_test_setup(test_smep_smap, setup),
        cmocka_unit_test_setup(test_tables_outside_ram, setup),
        cmocka_unit_test_setup(test_accessed_dirty, setup),
        cmocka_unit_test_setup(test_accessed_dirty_32_pae, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
