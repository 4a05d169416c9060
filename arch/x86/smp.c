// SPDX-License-Identifier: MIT
/*
 * SMP bring-up: each AP the MADT lists is started with INIT-SIPI-SIPI
 * (SDM vol. 3, 9.4.4) through the trampoline, one at a time. An AP that
 * does not report in within a second is logged and skipped.
 */
#include <petrel/acpi.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/panic.h>
#include <petrel/printk.h>
#include <petrel/vmap.h>
#include <petrel/domain.h>
#include <x86/apic.h>
#include <x86/hvm/hvm.h>
#include <x86/msr.h>
#include <x86/page.h>
#include <x86/percpu.h>
#include <x86/processor.h>
#include <x86/smp.h>
#include <x86/time.h>
#include <x86/traps.h>

#define AP_TIMEOUT_US   1000000

extern char trampoline_start[], trampoline_end[];
extern char tr_gdtr[], tr_gdt[], tr_pm_jump[], tr_pm32[], tr_lm_jump[], tr_lm64[];
extern char tr_cr3[], tr_efer[], tr_stack[], tr_percpu[], tr_entry[];

struct percpu *percpu_area[NR_CPUS];
unsigned int nr_cpus_online = 1;
static paddr_t trampoline_pa;       /* set by smp_set_trampoline */

void gdt_load(struct percpu *p);
void cpu_init_cr(void);

void smp_set_trampoline(paddr_t pa)
{
    trampoline_pa = pa;
}

/* Where field 'sym' of the trampoline lands in the copy. */
static void *tr_field(const char *sym)
{
    return (uint8_t *)phys_to_virt(trampoline_pa) + (sym - trampoline_start);
}

static void tr_put32(const char *sym, uint32_t v) { memcpy(tr_field(sym), &v, 4); }
static void tr_put64(const char *sym, uint64_t v) { memcpy(tr_field(sym), &v, 8); }

/* Page tables for the trampoline: ours, plus the low 2 MiB identity-mapped. */
static paddr_t trampoline_tables(void)
{
    paddr_t pml4 = frame_alloc_below(0, GiB(4));
    paddr_t pdpt = frame_alloc_below(0, GiB(4));
    paddr_t pd = frame_alloc_below(0, GiB(4));
    pte_t *t;

    if (!pml4 || !pdpt || !pd)
        panic("smp: no memory below 4 GiB for the trampoline tables");
    memcpy(phys_to_virt(pml4), phys_to_virt(paging_root()), PAGE_SIZE);
    memset(phys_to_virt(pdpt), 0, PAGE_SIZE);
    memset(phys_to_virt(pd), 0, PAGE_SIZE);
    t = phys_to_virt(pml4);
    t[0] = pdpt | _PAGE_PRESENT | _PAGE_RW;
    ((pte_t *)phys_to_virt(pdpt))[0] = pd | _PAGE_PRESENT | _PAGE_RW;
    ((pte_t *)phys_to_virt(pd))[0] = _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE;
    return pml4;
}

static void trampoline_setup(paddr_t cr3)
{
    memcpy(phys_to_virt(trampoline_pa), trampoline_start,
           trampoline_end - trampoline_start);
    tr_put32(tr_gdtr + 2, trampoline_pa + (tr_gdt - trampoline_start));
    tr_put32(tr_pm_jump, trampoline_pa + (tr_pm32 - trampoline_start));
    tr_put32(tr_lm_jump, trampoline_pa + (tr_lm64 - trampoline_start));
    tr_put64(tr_cr3, cr3);
    tr_put64(tr_efer, rdmsr(MSR_EFER) & (EFER_LME | EFER_NXE));
}

/* Allocate a CPU's per-CPU area and stacks; NULL when out of memory. */
static struct percpu *percpu_alloc(unsigned int cpu, uint32_t apic)
{
    struct percpu *p = xzalloc(sizeof(*p));
    paddr_t stack = frame_alloc(2);         /* 16 KiB, naturally aligned */
    paddr_t ist = frame_alloc(4);           /* IST_COUNT stacks of 16 KiB */

    BUILD_BUG_ON(STACK_SIZE != 4 * PAGE_SIZE || IST_COUNT * IST_STACK_SIZE > 16 * PAGE_SIZE);
    if (!p || !stack || !ist) {
        xfree(p);
        if (stack)
            frame_free(stack, 2);
        if (ist)
            frame_free(ist, 4);
        return NULL;
    }
    p->cpu = cpu;
    p->apic_id = apic;
    p->stack_top = (uint64_t)phys_to_virt(stack) + STACK_SIZE;
    p->ist_stacks = phys_to_virt(ist);
    return p;
}

/* The first C code an AP runs, on its own stack, still on trampoline tables. */
static __noreturn void ap_entry(struct percpu *p)
{
    write_cr3(paging_root());
    percpu_set(p);
    gdt_load(p);
    idt_load();
    cpu_init_cr();
    apic_init_cpu(false);
    timer_init_cpu();
    if (!timer_selftest())
        pr_err("timer: the one-shot timer did not fire on CPU %u\n", p->cpu);
    if (hvm && hvm_cpu_init())
        pr_err("HVM: cannot set up CPU %u; it will run no guest\n", p->cpu);
    __atomic_store_n(&p->online, true, __ATOMIC_RELEASE);
    /* Wait for the boot CPU to start the scheduler (it kicks every CPU). */
    while (!hvm || !schedule_started())
        safe_halt();
    schedule_loop();
}

static bool start_ap(struct percpu *p)
{
    uint32_t sipi = ICR_STARTUP | (trampoline_pa >> PAGE_SHIFT);
    uint64_t deadline;

    tr_put64(tr_stack, p->stack_top);
    tr_put64(tr_percpu, (uint64_t)p);
    tr_put64(tr_entry, (uint64_t)ap_entry);

    apic_write(APIC_ESR, 0);
    apic_send_ipi(p->apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
    udelay(10000);
    if (!apic_x2apic)
        apic_send_ipi(p->apic_id, ICR_INIT | ICR_LEVEL);    /* de-assert */
    for (unsigned int i = 0; i < 2 && !p->online; i++) {
        apic_send_ipi(p->apic_id, sipi);
        udelay(200);
    }
    deadline = rdtsc() + tsc_from_us(AP_TIMEOUT_US);
    while (!__atomic_load_n(&p->online, __ATOMIC_ACQUIRE) && (int64_t)(rdtsc() - deadline) < 0)
        cpu_relax();
    return p->online;
}

unsigned int smp_boot(const struct acpi_info *ai, unsigned int max)
{
    uint32_t self = apic_id();

    if (!trampoline_pa) {
        pr_warn("smp: no free page below 1 MiB for the AP trampoline; 1 CPU\n");
        return 1;
    }
    trampoline_setup(trampoline_tables());
    for (unsigned int i = 0; i < ai->nr_cpus && nr_cpus_online < max; i++) {
        uint32_t id = ai->cpus[i].apic_id;
        struct percpu *p;

        if (id == self)
            continue;
        if (!apic_x2apic && id > 0xfe) {
            pr_warn("smp: CPU with APIC id %u needs x2APIC; skipped\n", id);
            continue;
        }
        p = percpu_alloc(nr_cpus_online, id);
        if (!p) {
            pr_warn("smp: out of memory for CPU %u\n", nr_cpus_online);
            break;
        }
        if (!start_ap(p)) {
            pr_warn("smp: CPU with APIC id %u did not start; skipped\n", id);
            continue;           /* its memory stays: it might wake up later */
        }
        percpu_area[nr_cpus_online++] = p;
        pr_info("smp: CPU %u (APIC id %u) is up\n", p->cpu, id);
    }
    return nr_cpus_online;
}

void smp_stop_others(void)
{
    if (nr_cpus_online > 1)
        apic_send_ipi(0, ICR_NMI | ICR_ALL_BUT_SELF);
}
