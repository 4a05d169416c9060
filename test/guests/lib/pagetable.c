/* SPDX-License-Identifier: MIT */
/*
 * Test guests: changes to the page tables head.S built (4-level, the first
 * 4 GiB identity-mapped with 2 MiB pages). New tables come from a small
 * pool in .bss, so they are part of the guest image.
 */
#include "test.h"
#include "x86.h"

#define PTE_P           0x001UL
#define PTE_W           0x002UL
#define PTE_PWT         0x008UL
#define PTE_PCD         0x010UL
#define PTE_PS          0x080UL
#define PTE_ADDR        0x000ffffffffff000UL
#define POOL_PAGES      16

static uint64_t pool[POOL_PAGES][512] __aligned(4096);
static unsigned int pool_used;

static uint64_t *table_alloc(void)
{
    if (pool_used == POOL_PAGES)
        return NULL;
    return pool[pool_used++];       /* zero: .bss */
}

/* The table that entry idx of table points to, made if absent; NULL if the
 * entry maps a large page or the pool is empty. */
static uint64_t *next_table(uint64_t *table, unsigned int idx, bool make)
{
    uint64_t e = table[idx];
    uint64_t *t;

    if (e & PTE_P)
        return (e & PTE_PS) ? NULL : (uint64_t *)(uintptr_t)(e & PTE_ADDR);
    if (!make || !(t = table_alloc()))
        return NULL;
    table[idx] = (uintptr_t)t | PTE_P | PTE_W;
    return t;
}

static uint64_t *pml4(void)
{
    return (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
}

static int map_page(uint64_t va, uint64_t pa, uint64_t attrs)
{
    uint64_t *t = pml4();

    if (!is_canonical(va))
        return -1;
    for (int shift = 39; shift > 12; shift -= 9) {
        t = next_table(t, (va >> shift) & 511, true);
        if (!t)
            return -1;
    }
    t[(va >> 12) & 511] = (pa & PTE_ADDR) | PTE_P | PTE_W | attrs;
    invlpg((void *)(uintptr_t)va);
    return 0;
}

int pt_map_page(uint64_t va, uint64_t pa)
{
    return map_page(va, pa, 0);
}

int pt_map_page_uc(uint64_t va, uint64_t pa)
{
    return map_page(va, pa, PTE_PCD | PTE_PWT);     /* PAT entry 3: UC */
}

bool pt_is_mapped(uint64_t va)
{
    uint64_t *t = pml4();

    if (!is_canonical(va))
        return false;
    for (int shift = 39; shift >= 12; shift -= 9) {
        uint64_t e = t[(va >> shift) & 511];

        if (!(e & PTE_P))
            return false;
        if (shift == 12 || (e & PTE_PS))
            return true;
        t = (uint64_t *)(uintptr_t)(e & PTE_ADDR);
    }
    return false;
}

static bool has_1g_pages(void)
{
    return cpuid(0x80000000).eax >= 0x80000001 &&
           (cpuid(0x80000001).edx & CPUIDX1_EDX_PAGE1GB);
}

int pt_identity_map(uint64_t end)
{
    bool gb = has_1g_pages();
    int rc = 0;

    for (uint64_t a = GiB(4); a < end && !rc; a += GiB(1)) {
        uint64_t *pdpt = next_table(pml4(), (a >> 39) & 511, true);
        unsigned int i = (a >> 30) & 511;
        uint64_t *pd;

        if (!pdpt) {
            rc = -1;
        } else if (pdpt[i] & PTE_P) {
            continue;
        } else if (gb) {
            pdpt[i] = a | PTE_P | PTE_W | PTE_PS;
        } else if ((pd = table_alloc())) {
            for (unsigned int j = 0; j < 512; j++)
                pd[j] = (a + j * MiB(2)) | PTE_P | PTE_W | PTE_PS;
            pdpt[i] = (uintptr_t)pd | PTE_P | PTE_W;
        } else {
            rc = -1;
        }
    }
    asm volatile("mov %0, %%cr3" :: "r"(read_cr3()) : "memory");
    return rc;
}
