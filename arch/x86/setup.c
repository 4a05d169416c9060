// SPDX-License-Identifier: MIT
/*
 * Start of day on the boot CPU: from head.S's call to the ready line.
 * Each step may print; the console is up right after the boot information
 * is parsed, so every later failure is reported.
 */
#include <petrel/acpi.h>
#include <petrel/pci.h>
#include <petrel/bootinfo.h>
#include <petrel/cmdline.h>
#include <petrel/console.h>
#include <petrel/console_input.h>
#include <petrel/iommu.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/panic.h>
#include <petrel/printk.h>
#include <petrel/reboot.h>
#include <petrel/sched.h>
#include <petrel/time.h>
#include <petrel/version.h>
#include <petrel/vmap.h>
#include <x86/apic.h>
#include <x86/hvm/hvm.h>
#include <x86/ioapic.h>
#include <x86/percpu.h>
#include <x86/processor.h>
#include <x86/smp.h>
#include <x86/time.h>
#include <x86/traps.h>

#define MBI_MAX         MiB(1)          /* sanity bound on the MBI's size */
#define EARLY_POOL      MiB(2)          /* page tables before the allocator */
#define MAX_RESERVES    (BOOT_MAX_MODULES + 4)

extern char __image_start[], __image_end[], boot_stack_top[];

void gdt_load(struct percpu *p);
void cpu_report(void);
void cpu_init_cr(void);
void pic_disable(void);
void reboot_init(const struct acpi_info *ai);
void smp_set_trampoline(paddr_t pa);
void dom0_run(const struct boot_info *bi);

static struct boot_info boot_info;
static struct acpi_info acpi_info;
static struct percpu bsp_percpu;
static uint8_t bsp_ist[IST_COUNT * IST_STACK_SIZE] __aligned(STACK_SIZE);

static unsigned int opt_smp = NR_CPUS;
static enum { NOGUEST_HALT, NOGUEST_POWEROFF, NOGUEST_REBOOT } opt_noguest;
static bool opt_selftest_fault;

static int set_smp(const char *val, size_t len)
{
    unsigned int n;

    if (cmdline_parse_uint(val, len, &n) || n < 1)
        return -1;
    opt_smp = MIN(n, NR_CPUS);
    return 0;
}
CMDLINE_PARAM("smp", set_smp);

static int set_noguest(const char *val, size_t len)
{
    if (cmdline_match(val, len, "halt"))
        opt_noguest = NOGUEST_HALT;
    else if (cmdline_match(val, len, "poweroff"))
        opt_noguest = NOGUEST_POWEROFF;
    else if (cmdline_match(val, len, "reboot"))
        opt_noguest = NOGUEST_REBOOT;
    else
        return -1;
    return 0;
}
CMDLINE_PARAM("noguest", set_noguest);

static int set_selftest(const char *val, size_t len)
{
    if (!cmdline_match(val, len, "fault"))
        return -1;
    opt_selftest_fault = true;
    return 0;
}
CMDLINE_PARAM("selftest", set_selftest);

static const char *const mem_type_names[] = {
    [MEM_RAM] = "RAM", [MEM_RESERVED] = "reserved", [MEM_ACPI] = "ACPI data",
    [MEM_NVS] = "ACPI NVS", [MEM_BAD] = "bad",
};

static void show_memory_map(const struct boot_info *bi)
{
    pr_info("memory map (%s):\n", bi->efi ? "UEFI" : "BIOS");
    for (unsigned int i = 0; i < bi->nr_ranges; i++) {
        const struct mem_range *r = &bi->ranges[i];
        const char *t = r->type < ARRAY_SIZE(mem_type_names) && mem_type_names[r->type]
                        ? mem_type_names[r->type] : "?";

        pr_info("  %016lx-%016lx %s\n", r->base, r->base + r->len - 1, t);
    }
    pr_info("  %lu MiB of RAM\n", boot_ram_bytes(bi) >> 20);
}

static bool overlaps(paddr_t s, paddr_t e, const struct frame_reserve *r)
{
    return s < r->end && r->start < e;
}

/* A RAM window of 'size' bytes in [1 MiB, limit) clear of every reserve. */
static paddr_t find_free_ram(const struct boot_info *bi, const struct frame_reserve *res,
                             unsigned int nr, uint64_t size, paddr_t limit)
{
    for (unsigned int i = 0; i < bi->nr_ranges; i++) {
        const struct mem_range *m = &bi->ranges[i];
        paddr_t s = ALIGN_UP(MAX(m->base, MiB(1)), PAGE_SIZE);
        paddr_t end = MIN(m->base + m->len, limit);
        bool moved = true;

        if (m->type != MEM_RAM)
            continue;
        while (moved && s + size <= end) {
            moved = false;
            for (unsigned int j = 0; j < nr; j++)
                if (overlaps(s, s + size, &res[j])) {
                    s = ALIGN_UP(res[j].end, PAGE_SIZE);
                    moved = true;
                }
        }
        if (s + size <= end)
            return s;
    }
    return 0;
}

/*
 * The highest RAM page in [4 KiB, 0x9F000) clear of every reserve (a SIPI
 * vector names a page below 1 MiB; the top of that range is the EBDA).
 */
static paddr_t find_trampoline_page(const struct boot_info *bi,
                                    const struct frame_reserve *res, unsigned int nr)
{
    for (paddr_t p = 0x9e000; p >= 0x1000; p -= PAGE_SIZE) {
        bool ok = false;

        for (unsigned int i = 0; i < bi->nr_ranges && !ok; i++)
            ok = bi->ranges[i].type == MEM_RAM && bi->ranges[i].base <= p &&
                 p + PAGE_SIZE <= bi->ranges[i].base + bi->ranges[i].len;
        for (unsigned int j = 0; j < nr && ok; j++)
            ok = !overlaps(p, p + PAGE_SIZE, &res[j]);
        if (ok)
            return p;
    }
    return 0;
}

static unsigned int collect_reserves(paddr_t mbi_pa, uint32_t mbi_size,
                                     struct frame_reserve *res)
{
    unsigned int n = 0;

    res[n++] = (struct frame_reserve){ virt_to_phys(__image_start), virt_to_phys(__image_end) };
    res[n++] = (struct frame_reserve){ mbi_pa, mbi_pa + mbi_size };
    for (unsigned int i = 0; i < boot_info.nr_modules; i++)
        res[n++] = (struct frame_reserve){ boot_info.modules[i].start, boot_info.modules[i].end };
    return n;
}

static void memory_init(paddr_t mbi_pa, uint32_t mbi_size)
{
    struct frame_reserve res[MAX_RESERVES];
    unsigned int nr = collect_reserves(mbi_pa, mbi_size, res);
    struct frame_reserve *pool = &res[nr];

    pool->start = find_free_ram(&boot_info, res, nr, EARLY_POOL, GiB(4));
    if (!pool->start)
        panic("memory: no %lu KiB of free RAM below 4 GiB for page tables", EARLY_POOL >> 10);
    pool->end = pool->start + EARLY_POOL;
    paging_init(&boot_info, pool);
    paging_use_frame_allocator();   /* shrinks the pool to what was used */
    if (frame_init(&boot_info, res, nr + 1))
        panic("memory: no usable RAM");
    smp_set_trampoline(find_trampoline_page(&boot_info, res, nr));
    pr_info("memory: %lu MiB managed, %lu MiB free\n",
            frame_total_count() >> 8, frame_free_count() >> 8);
}

static void acpi_init(void)
{
    paddr_t pa = 0;
    const void *rsdp = boot_info.rsdp;
    size_t len = boot_info.rsdp_len;

    if (!len) {
        pa = acpi_find_rsdp_bios();
        rsdp = pa ? acpi_map(pa, 36) : NULL;
        len = 36;
    }
    if (!rsdp || acpi_parse(rsdp, len, &acpi_info)) {
        pr_warn("ACPI: no usable RSDP; assuming one CPU and legacy devices\n");
        memset(&acpi_info, 0, sizeof(acpi_info));
    }
    acpi_info.rsdp_pa = pa;
    reboot_init(&acpi_info);
    pci_init(&acpi_info);
}

static void cpu_bsp_init(void)
{
    bsp_percpu.ist_stacks = bsp_ist;
    bsp_percpu.stack_top = (uint64_t)boot_stack_top;
    percpu_set(&bsp_percpu);
    percpu_area[0] = &bsp_percpu;
    gdt_load(&bsp_percpu);
    traps_init();
}

static __noinline void selftest_fault(void)
{
    pr_info("selftest: touching an unmapped address on purpose\n");
    *(volatile uint64_t *)0xdead0000UL = 1;
}

static __noreturn void no_guest(void)
{
    switch (opt_noguest) {
    case NOGUEST_POWEROFF:
        printk("petrel: powering off\n");
        machine_poweroff();
    case NOGUEST_REBOOT:
        printk("petrel: rebooting\n");
        machine_reboot();
    default:
        printk("petrel: nothing to run; idling (noguest=poweroff ends the machine)\n");
        for (;;)
            safe_halt();
    }
}

void start_petrel(paddr_t mbi_pa);
void start_petrel(paddr_t mbi_pa)
{
    const uint32_t *mbi = phys_to_virt(mbi_pa);
    uint32_t mbi_size = mbi[0];
    unsigned int cpus;

    cpu_bsp_init();
    if (mb2_parse(mbi, MBI_MAX, &boot_info))
        mbi_size = 0;
    console_init(boot_info.cmdline);
    pr_info("Petrel %s starting (%s, %s)\n", PETREL_VERSION,
            boot_info.loader[0] ? boot_info.loader : "unknown loader",
            boot_info.efi ? "UEFI" : "BIOS");
    pr_info("command line: %s\n", boot_info.cmdline);
    if (boot_info.warnings)
        pr_warn("multiboot2: %u malformed tags ignored\n", boot_info.warnings);
    cmdline_parse(boot_info.cmdline);
    cpu_report();
    cpu_init_cr();

    show_memory_map(&boot_info);
    memory_init(mbi_pa, mbi_size);
    acpi_init();
    console_init_late(boot_info.efi);   /* MMIO, PCI card, VGA: ioremap() and PCI work now */

    pic_disable();
    ioapic_init(&acpi_info);
    apic_init(acpi_info.lapic_base);
    apic_init_cpu(true);
    bsp_percpu.apic_id = apic_id();
    tsc_init(&acpi_info);
    wallclock_init();
    timer_hw_init();
    timer_init_cpu();
    iommu_init(&acpi_info);         /* after the APIC (its fault interrupt) and the clock */
    if (!timer_selftest())
        pr_err("timer: the one-shot timer did not fire on the boot CPU\n");
    console_input_init();
    if (hvm_init() == 0 && hvm_cpu_init())
        panic("HVM: cannot set up the boot CPU");
    cpus = smp_boot(&acpi_info, opt_smp);
    if (sched_init(cpus, NULL))
        panic("sched: cannot start on %u CPUs", cpus);
    local_irq_enable();

    printk("petrel: ready: %u CPUs, %lu MiB free\n", cpus, frame_free_count() >> 8);
    if (opt_selftest_fault)
        selftest_fault();
    if (boot_info.nr_modules)
        dom0_run(&boot_info);       /* returns only if dom0 could not start */
    no_guest();
}
