// SPDX-License-Identifier: MIT
/*
 * The hypervisor's page tables. One set shared by every CPU:
 *   DIRECTMAP_BASE + pa   all RAM (write-back, NX), firmware and device
 *                         ranges added on demand (ioremap, map_firmware);
 *   KERNEL_VBASE + pa     the image, 4 KiB pages, W^X by section.
 * Ranges are mapped with the largest page their alignment allows, so edges
 * of RAM next to device memory get 4 KiB pages of their own.
 * Mappings are only ever added, never changed, so no TLB shootdown is needed;
 * 'lock' serialises the additions.
 */
#include <petrel/bootinfo.h>
#include <petrel/mm.h>
#include <petrel/lib.h>
#include <petrel/panic.h>
#include <petrel/printk.h>
#include <petrel/spinlock.h>
#include <petrel/vmap.h>
#include <x86/msr.h>
#include <x86/page.h>
#include <x86/processor.h>

#define LEVELS          4
#define ENTRIES         512
#define PG_DEV          (_PAGE_PCD | _PAGE_PWT)

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_end[], __ksyms_start[], __image_end[];

static pte_t *root;
static paddr_t root_pa;
static uint64_t pte_nx;             /* _PAGE_NX when EFER.NXE is on */
static bool have_1g;
static struct frame_reserve *early_pool;    /* NULL once the allocator runs */
static paddr_t early_next;
static spinlock_t lock = SPINLOCK_INIT;

static pte_t *table_alloc(void)
{
    paddr_t pa;

    if (early_pool) {
        if (early_next + PAGE_SIZE > early_pool->end)
            panic("paging: early page-table pool exhausted");
        pa = early_next;
        early_next += PAGE_SIZE;
    } else {
        pa = frame_alloc(0);
        if (!pa)
            return NULL;
    }
    memset(phys_to_virt(pa), 0, PAGE_SIZE);
    return phys_to_virt(pa);
}

static unsigned int index_of(uint64_t va, unsigned int level)
{
    return (va >> (PAGE_SHIFT + 9 * level)) & (ENTRIES - 1);
}

/* The entry for 'va' at 'level' (0 = PTE), allocating tables on the way. */
static pte_t *walk(uint64_t va, unsigned int level)
{
    pte_t *t = root;

    for (unsigned int l = LEVELS - 1; l > level; l--) {
        pte_t *e = &t[index_of(va, l)];

        if (!(*e & _PAGE_PRESENT)) {
            pte_t *n = table_alloc();

            if (!n)
                return NULL;
            *e = virt_to_phys(n) | _PAGE_PRESENT | _PAGE_RW;
        }
        if (*e & _PAGE_PSE)
            return NULL;            /* inside a large page already */
        t = phys_to_virt(*e & PTE_ADDR_MASK);
    }
    return &t[index_of(va, level)];
}

/* Is 'va' mapped? Large pages count. */
static bool is_mapped(uint64_t va)
{
    pte_t *t = root;

    for (int l = LEVELS - 1; l >= 0; l--) {
        pte_t e = t[index_of(va, l)];

        if (!(e & _PAGE_PRESENT))
            return false;
        if (l == 0 || (e & _PAGE_PSE))
            return true;
        t = phys_to_virt(e & PTE_ADDR_MASK);
    }
    return false;
}

static unsigned int pick_level(uint64_t va, paddr_t pa, uint64_t left)
{
    if (have_1g && IS_ALIGNED(va | pa, GiB(1)) && left >= GiB(1))
        return 2;
    if (IS_ALIGNED(va | pa, MiB(2)) && left >= MiB(2))
        return 1;
    return 0;
}

/* Map [va, va+size) to pa with 'flags' (present is implied). Lock held. */
static int map_range(uint64_t va, paddr_t pa, uint64_t size, uint64_t flags)
{
    while (size) {
        unsigned int level = pick_level(va, pa, size);
        uint64_t step = PAGE_SIZE << (9 * level);
        pte_t *e = walk(va, level);

        if (!e)
            return -1;
        *e = pa | flags | _PAGE_PRESENT | (level ? _PAGE_PSE : 0);
        va += step;
        pa += step;
        size -= step;
    }
    return 0;
}

static void map_image_part(const char *start, const char *end, uint64_t flags)
{
    uint64_t va = (uint64_t)start;

    if (map_range(va, va - KERNEL_VBASE, ALIGN_UP((uint64_t)end, PAGE_SIZE) - va, flags))
        panic("paging: cannot map the image");
}

static void map_image(void)
{
    map_image_part(__text_start, __text_end, 0);
    map_image_part(__rodata_start, __rodata_end, pte_nx);
    map_image_part(__data_start, __bss_end, _PAGE_RW | pte_nx);
    map_image_part(__ksyms_start, __image_end, pte_nx);
}

static void map_ram(const struct boot_info *bi)
{
    for (unsigned int i = 0; i < bi->nr_ranges; i++) {
        const struct mem_range *r = &bi->ranges[i];
        paddr_t start = ALIGN_UP(r->base, PAGE_SIZE);
        paddr_t end = ALIGN_DOWN(r->base + r->len, PAGE_SIZE);

        if (r->type != MEM_RAM && r->type != MEM_ACPI && r->type != MEM_NVS)
            continue;
        if (end > start &&
            map_range(DIRECTMAP_BASE + start, start, end - start, _PAGE_RW | pte_nx))
            panic("paging: cannot map RAM at %#lx", start);
    }
}

void paging_init(const struct boot_info *bi, struct frame_reserve *early)
{
    early_pool = early;
    early_next = early->start;
    if (rdmsr(MSR_EFER) & EFER_NXE)
        pte_nx = _PAGE_NX;
    have_1g = cpuid(0x80000000).eax >= 0x80000001 && (cpuid(0x80000001).edx & BIT(26));

    root = table_alloc();
    root_pa = virt_to_phys(root);
    map_image();
    map_ram(bi);
    write_cr3(root_pa);
    pr_info("paging: direct map of RAM built (%s pages), image W^X%s\n",
            have_1g ? "1 GiB/2 MiB/4 KiB" : "2 MiB/4 KiB", pte_nx ? " with NX" : ", no NX on this CPU");
}

void paging_use_frame_allocator(void)
{
    early_pool->end = early_next;   /* what the caller must keep reserved */
    early_pool = NULL;
}

paddr_t paging_root(void)
{
    return root_pa;
}

/* Add 4 KiB mappings for the pages of [pa, pa+size) not mapped yet. */
static void *map_missing(paddr_t pa, size_t size, uint64_t flags)
{
    paddr_t first = ALIGN_DOWN(pa, PAGE_SIZE);
    paddr_t last = ALIGN_UP(pa + size, PAGE_SIZE);
    unsigned long irq;
    int rc = 0;

    if (!size || last <= first || last > (1UL << 46))
        return NULL;
    irq = spin_lock_irqsave(&lock);
    for (paddr_t p = first; p < last && !rc; p += PAGE_SIZE)
        if (!is_mapped(DIRECTMAP_BASE + p))
            rc = map_range(DIRECTMAP_BASE + p, p, PAGE_SIZE, flags);
    spin_unlock_irqrestore(&lock, irq);
    return rc ? NULL : (void *)(DIRECTMAP_BASE + pa);
}

void *ioremap(paddr_t pa, size_t size)
{
    return map_missing(pa, size, _PAGE_RW | PG_DEV | pte_nx);
}

void *map_firmware(paddr_t pa, size_t size)
{
    return map_missing(pa, size, _PAGE_RW | pte_nx);
}

void *phys_to_virt(paddr_t pa)
{
    return (void *)(DIRECTMAP_BASE + pa);
}

paddr_t virt_to_phys(const void *va)
{
    uint64_t v = (uint64_t)va;

    if (v >= KERNEL_VBASE)
        return v - KERNEL_VBASE;
    return v - DIRECTMAP_BASE;
}
