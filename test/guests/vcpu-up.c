/* SPDX-License-Identifier: MIT */
/*
 * Test guest vcpu-up: bringing vCPUs up (dom.vcpus=5, on 2 pCPUs).
 * vCPUs 1-3 start through VCPUOP_initialise (64-bit context) and VCPUOP_up;
 * each records, in shared memory, the id it was started with, the id
 * CPUID base+4 gives it and its APIC id, then counts in a loop. Checked:
 * VCPUOP_is_up before and after; up before initialise (-EINVAL); a second
 * initialise (-EEXIST); ids out of range (-ENOENT); VCPUOP_down of vCPU 3
 * from vCPU 0 (it goes offline and stops counting) and up again (it
 * counts again). vCPU 4 is started the native way: INIT, SIPI, SIPI
 * through vCPU 0's LAPIC ICR, at a 16-bit trampoline in a page below
 * 1 MiB that counts its runs and halts with interrupts off: it must run
 * exactly once, and that HLT takes it down again (as Xen's hvm_hlt).
 */
#include "apic.h"
#include "smp.h"
#include "test.h"
#include "x86.h"
#include "xen.h"

TEST_TITLE("vCPUs start with VCPUOP_initialise/up and with INIT-SIPI-SIPI");

#define MS              1000000UL
#define NR_PV_VCPUS     4               /* vCPUs 0-3; vCPU 4 by SIPI */
#define SIPI_VCPU       4

struct report {
    uint32_t arg_id, cpuid_id, apic;
    uint32_t ready;                 /* the fields above are filled in */
    volatile uint64_t count;
};

static struct report reports[SMP_MAX_VCPUS];

/* The real-mode trampoline: CS = page >> 4, IP = 0. */
extern const char tramp_start[], tramp_count[], tramp_end[];
asm(".pushsection .rodata\n"
    ".code16\n"
    "tramp_start:\n\t"
    "cli\n\t"
    "mov %cs, %ax\n\t"
    "mov %ax, %ds\n\t"
    "lock incw (tramp_count - tramp_start)\n"
    "1:\thlt\n\t"
    "jmp 1b\n\t"
    ".balign 2\n"
    "tramp_count:\n\t"
    ".word 0\n"
    "tramp_end:\n\t"
    ".code64\n"
    ".popsection");

static void vcpu_main(unsigned int id)
{
    struct report *r = &reports[id];

    r->arg_id = id;
    r->cpuid_id = cpuid_vcpu_id();
    apic_enable(false);
    r->apic = apic_id();
    __atomic_store_n(&r->ready, 1, __ATOMIC_RELEASE);
    for (;;)
        r->count++;
}

static bool wait_started(unsigned int id)
{
    uint64_t end = now_ns() + 2000 * MS;

    while (!__atomic_load_n(&reports[id].ready, __ATOMIC_ACQUIRE) ||
           !reports[id].count)
        if (now_ns() > end)
            return false;
    return true;
}

static long vcpu_op(int cmd, unsigned int id)
{
    return hypervisor_vcpu_op(cmd, id, NULL);
}

static void pv_start(void)
{
    for (unsigned int i = 1; i < NR_PV_VCPUS; i++) {
        CHECK_EQ(vcpu_op(VCPUOP_is_up, i), 0);
        CHECK_EQ(vcpu_op(VCPUOP_up, i), -XEN_EINVAL);
        if (!CHECK_EQ(smp_start_vcpu(i, vcpu_main), 0))
            continue;
        CHECK_EQ(smp_initialise_vcpu(i, vcpu_main), -XEN_EEXIST);
        CHECK_EQ(vcpu_op(VCPUOP_is_up, i), 1);
    }
    CHECK_EQ(vcpu_op(VCPUOP_is_up, 1000), -XEN_ENOENT);
    CHECK_EQ(vcpu_op(VCPUOP_up, 1000), -XEN_ENOENT);
    for (unsigned int i = 1; i < NR_PV_VCPUS; i++) {
        if (!wait_started(i)) {
            test_fail("vCPU %u did not start within 2 s", i);
            continue;
        }
        printf("vcpu-up: vCPU %u started: id %u, CPUID id %d, APIC id %u\n", i,
               reports[i].arg_id, (int)reports[i].cpuid_id, reports[i].apic);
        CHECK_EQ(reports[i].arg_id, i);
        CHECK_EQ(reports[i].cpuid_id, i);
    }
}

/* Down vCPU 3 from here, then up again. */
static void down_up(unsigned int id)
{
    struct vcpu_runstate_info rs = { 0 };
    uint64_t end = now_ns() + 2000 * MS, c;

    CHECK_EQ(vcpu_op(VCPUOP_down, id), 0);
    while (!runstate_get(id, &rs) && rs.state != RUNSTATE_offline && now_ns() < end)
        ;
    if (!CHECK_EQ(rs.state, RUNSTATE_offline))
        return;
    CHECK_EQ(vcpu_op(VCPUOP_is_up, id), 0);
    c = reports[id].count;
    spin_until(now_ns() + 20 * MS);
    CHECK_EQ(reports[id].count, c);
    CHECK_EQ(vcpu_op(VCPUOP_up, id), 0);
    CHECK_EQ(vcpu_op(VCPUOP_is_up, id), 1);
    end = now_ns() + 2000 * MS;
    while (reports[id].count == c && now_ns() < end)
        ;
    if (reports[id].count == c)
        test_fail("vCPU %u did not run again within 2 s of VCPUOP_up", id);
    else
        printf("vcpu-up: vCPU %u went offline with VCPUOP_down and ran again "
               "after VCPUOP_up\n", id);
}

/* A free RAM page below 1 MiB, away from what the start info points at. */
static uint64_t low_page(void)
{
    const struct hvm_memmap_table_entry *mm =
        (const void *)(uintptr_t)start_info->memmap_paddr;

    for (uint64_t pa = 0x8000; pa < 0x9f000; pa += PAGE_SIZE) {
        bool ram = false;

        for (uint32_t i = 0; i < start_info->memmap_entries; i++)
            if (mm[i].type == XEN_HVM_MEMMAP_TYPE_RAM && mm[i].addr <= pa &&
                pa + PAGE_SIZE <= mm[i].addr + mm[i].size)
                ram = true;
        if (ram && (uintptr_t)start_info / PAGE_SIZE != pa / PAGE_SIZE &&
            start_info->memmap_paddr / PAGE_SIZE != pa / PAGE_SIZE &&
            start_info->cmdline_paddr / PAGE_SIZE != pa / PAGE_SIZE)
            return pa;
    }
    return 0;
}

/* APIC ids of vCPUs 0-3 as k * id: then vCPU 4's is 4 * k. */
static int sipi_target(void)
{
    uint32_t k = reports[1].apic;

    for (unsigned int i = 0; i < NR_PV_VCPUS; i++)
        if (reports[i].apic != i * k)
            return -1;
    return k ? (int)(SIPI_VCPU * k) : -1;
}

static void sipi_start(void)
{
    uint64_t page = low_page(), end;
    int dest = sipi_target();
    volatile uint16_t *count;

    if (!page || dest < 0) {
        test_fail("no trampoline page below 1 MiB (%#lx) or no APIC id pattern "
                  "(%u %u %u %u)", page, reports[0].apic, reports[1].apic,
                  reports[2].apic, reports[3].apic);
        return;
    }
    memcpy((void *)(uintptr_t)page, tramp_start, tramp_end - tramp_start);
    count = (volatile uint16_t *)(uintptr_t)(page + (tramp_count - tramp_start));
    CHECK_EQ(vcpu_op(VCPUOP_is_up, SIPI_VCPU), 0);
    apic_send_icr(dest, APIC_ICR_INIT | APIC_ICR_ASSERT);
    spin_until(now_ns() + 10 * MS);         /* SDM: 10 ms after INIT */
    for (int i = 0; i < 2; i++) {
        apic_send_icr(dest, APIC_ICR_STARTUP | APIC_ICR_ASSERT | (page >> 12));
        spin_until(now_ns() + MS / 5);      /* SDM: 200 us between SIPIs */
    }
    end = now_ns() + 2000 * MS;
    while (!*count && now_ns() < end)
        ;
    if (!*count) {
        test_fail("vCPU %u (APIC id %d) did not run the trampoline at %#lx",
                  SIPI_VCPU, dest, page);
        return;
    }
    spin_until(now_ns() + 20 * MS);
    CHECK_EQ(*count, 1);
    /* cli; hlt: nothing but INIT or NMI could wake it, so it is down. */
    CHECK_EQ(vcpu_op(VCPUOP_is_up, SIPI_VCPU), 0);
    printf("vcpu-up: vCPU %u (APIC id %d) ran the real-mode trampoline at %#lx "
           "%u time(s)\n", SIPI_VCPU, dest, page, *count);
}

void test_main(void)
{
    uint64_t n = cmdline_u64_or("dom.vcpus", 1);
    long rc;

    if (n < SIPI_VCPU + 1)
        test_error("needs dom.vcpus=%u or more, has %lu", SIPI_VCPU + 1, n);
    if ((rc = shared_info_map()))
        test_error("mapping shared_info: %ld", rc);
    if (!apic_enable(false))
        test_error("cannot enable the LAPIC");
    reports[0].apic = apic_id();
    reports[0].cpuid_id = cpuid_vcpu_id();
    CHECK_EQ(reports[0].cpuid_id, 0);
    CHECK_EQ(vcpu_op(VCPUOP_is_up, 0), 1);
    pv_start();
    down_up(NR_PV_VCPUS - 1);
    sipi_start();
}
