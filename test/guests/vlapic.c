/* SPDX-License-Identifier: MIT */
/*
 * Test guest vlapic: the virtual local APIC seen from inside, interrupts
 * off throughout (IRR is looked at, nothing is taken): the base MSR, ID,
 * version, SVR, TPR/PPR, ICR IPIs to itself landing in IRR, ESR, the timer
 * in its three modes, then x2APIC mode with the same registers through
 * MSRs, the #GP cases and the base MSR's transitions. Last, with a private
 * IDT and interrupts on: a self-IPI and timer interrupts are taken and
 * EOIed, a TPR above the vector holds it back, HLT wakes for the timer.
 */
#include "test.h"
#include "x86.h"
#include "xen.h"

TEST_TITLE("vLAPIC registers, IPIs to self, timer modes, x2APIC and its #GP rules");

#define APIC_BASE_MSR   0x1b
#define  BASE_BSP       0x100UL
#define  BASE_EXTD      0x400UL
#define  BASE_EN        0x800UL
#define APIC_PAGE       0xfee00000UL
#define TSC_DEADLINE    0x6e0
#define X2APIC_MSR(off) (0x800 + ((off) >> 4))

#define ID      0x020
#define VERSION 0x030
#define TPR     0x080
#define PPR     0x0a0
#define LDR     0x0d0
#define DFR     0x0e0
#define SVR     0x0f0
#define IRR     0x200
#define ESR     0x280
#define ICR     0x300
#define ICR2    0x310
#define LVT_TMR 0x320
#define LVT_ERR 0x370
#define TMICT   0x380
#define TMCCT   0x390
#define TDCR    0x3e0

#define MASKED          0x10000u
#define PERIODIC        (1u << 17)
#define TSC_DL_MODE     (2u << 17)
#define SELF            (1u << 18)
#define ALL_BUT_SELF    (3u << 18)
#define LOGICAL         (1u << 11)
#define POLL_LIMIT      2000000         /* register reads before giving up */

static uint32_t rd(unsigned int off)
{
    return *(volatile uint32_t *)(APIC_PAGE + off);
}

static void wr(unsigned int off, uint32_t val)
{
    *(volatile uint32_t *)(APIC_PAGE + off) = val;
}

static uint64_t read_cr8(void)
{
    uint64_t v;

    asm volatile("mov %%cr8, %0" : "=r"(v));
    return v;
}

static bool irr_has(uint8_t vec)
{
    return rd(IRR + (vec / 32) * 0x10) & (1u << (vec % 32));
}

static bool x2_irr_has(uint8_t vec)
{
    return rdmsr(X2APIC_MSR(IRR + (vec / 32) * 0x10)) & (1u << (vec % 32));
}

/* Poll IRR for 'vec' (the timer fires on its own pCPU); false on timeout. */
static bool wait_irr(uint8_t vec, bool x2)
{
    for (unsigned int i = 0; i < POLL_LIMIT; i++)
        if (x2 ? x2_irr_has(vec) : irr_has(vec))
            return true;
    return false;
}

static void check_reset_state(void)
{
    struct cpuid_regs c = cpuid(1);

    CHECK(c.ecx & (1u << 21));                      /* x2APIC */
    CHECK(c.ecx & (1u << 24));                      /* TSC deadline */
    CHECK_EQ(c.ebx >> 24, 0);
    if (cpuid(0).eax >= 0xb) {                      /* topology: one vCPU */
        CHECK_EQ(cpuid_count(0xb, 0).edx, 0);
        CHECK_EQ(cpuid_count(0xb, 1).ebx & 0xffff, 1);
        CHECK_EQ((cpuid_count(0xb, 2).ecx >> 8) & 0xff, 0);
    }
    CHECK_EQ(rdmsr(APIC_BASE_MSR), APIC_PAGE | BASE_EN | BASE_BSP);
    CHECK_EQ(rd(ID) >> 24, 0);
    CHECK_EQ(rd(VERSION) & 0xff, 0x14);
    CHECK_EQ((rd(VERSION) >> 16) & 0xff, 6);
    CHECK_EQ(rd(SVR), 0xff);
    CHECK_EQ(rd(LVT_TMR), MASKED);
    CHECK_EQ(rd(DFR), 0xffffffff);
    /* Software-disabled: an LVT cannot be unmasked. */
    wr(LVT_ERR, 0xfe);
    CHECK_EQ(rd(LVT_ERR), MASKED | 0xfe);
    printf("reset state: ok\n");
}

static void check_tpr_ipi(void)
{
    wr(SVR, 0x1ff);
    CHECK_EQ(rd(SVR), 0x1ff);
    /* CR8 is TPR[7:4], in step with the APIC's TPR both ways. */
    asm volatile("mov %0, %%cr8" :: "r"(3UL));
    CHECK_EQ(rd(TPR), 0x30);
    wr(TPR, 0x50);
    CHECK_EQ(read_cr8(), 5);
    wr(TPR, 0x20);
    CHECK_EQ(read_cr8(), 2);
    CHECK_EQ(rd(TPR), 0x20);
    CHECK_EQ(rd(PPR), 0x20);

    wr(ICR2, 0);
    wr(ICR, SELF | 0x40);
    CHECK(irr_has(0x40));
    CHECK_EQ(rd(ICR) & (1u << 12), 0);              /* delivery status: idle */
    wr(ICR, 0x41);                                  /* physical, destination 0 */
    CHECK(irr_has(0x41));
    wr(LDR, 0x01000000);
    wr(ICR2, 0x01000000);
    wr(ICR, LOGICAL | 0x42);                        /* flat, bit 0 */
    CHECK(irr_has(0x42));
    wr(ICR2, 0x02000000);
    wr(ICR, LOGICAL | 0x45);                        /* flat, bit 1: not us */
    CHECK(!irr_has(0x45));
    wr(ICR2, 0xff000000);
    wr(ICR, 0x43);                                  /* broadcast */
    CHECK(irr_has(0x43));
    wr(ICR, ALL_BUT_SELF | 0x44);
    CHECK(!irr_has(0x44));

    wr(ICR, SELF | 0x05);                           /* illegal vector */
    wr(ESR, 0);
    CHECK(rd(ESR) & (1u << 5));
    wr(ESR, 0);
    CHECK_EQ(rd(ESR), 0);
    printf("TPR, IPIs to self and ESR: ok\n");
}

static void check_timer(void)
{
    uint32_t a, b, prev;
    bool reloaded = false;

    wr(TDCR, 0xb);                                  /* divide by 1 */
    wr(LVT_TMR, 0x50);
    wr(TMICT, 100000000);                           /* 100 ms at 1 GHz */
    a = rd(TMCCT);
    for (volatile int i = 0; i < 100000; i++)
        ;
    b = rd(TMCCT);
    CHECK(a > 0 && a <= 100000000);
    CHECK(b < a);
    wr(TMICT, 1000);
    CHECK(wait_irr(0x50, false));
    CHECK_EQ(rd(TMCCT), 0);

    wr(LVT_TMR, PERIODIC | 0x51);
    wr(TMICT, 300000);                              /* 300 us */
    prev = rd(TMCCT);
    for (unsigned int i = 0; i < POLL_LIMIT && !reloaded; i++) {
        uint32_t now = rd(TMCCT);

        reloaded = now > prev;
        prev = now;
    }
    CHECK(reloaded);
    CHECK(wait_irr(0x51, false));
    wr(TMICT, 0);

    wr(LVT_TMR, TSC_DL_MODE | 0x52);
    CHECK_EQ(rd(TMICT), 0);
    wrmsr(TSC_DEADLINE, rdtsc() + 100000);
    CHECK(wait_irr(0x52, false));
    CHECK_EQ(rdmsr(TSC_DEADLINE), 0);
    wr(LVT_TMR, MASKED);
    printf("timer: one-shot, periodic and TSC deadline: ok\n");
}

static void check_gp(const char *what, uint32_t msr, bool write, uint64_t val)
{
    uint64_t v;
    int vec = write ? wrmsr_safe(msr, val) : rdmsr_safe(msr, &v);

    if (!CHECK_EQ(vec, X86_EXC_GP))
        printf("  expected #GP from %s\n", what);
}

static void check_x2apic(void)
{
    uint64_t base = APIC_PAGE | BASE_EN | BASE_BSP;

    check_gp("rdmsr x2APIC ID in xAPIC mode", X2APIC_MSR(ID), false, 0);
    CHECK_EQ(wrmsr_safe(APIC_BASE_MSR, base | BASE_EXTD), 0);
    CHECK_EQ(rdmsr(APIC_BASE_MSR), base | BASE_EXTD);
    CHECK_EQ(rdmsr(X2APIC_MSR(ID)), 0);
    CHECK_EQ(rdmsr(X2APIC_MSR(VERSION)) & 0xff00ff, 0x060014);
    CHECK_EQ(rdmsr(X2APIC_MSR(TPR)), 0x20);
    CHECK_EQ(rdmsr(X2APIC_MSR(SVR)), 0x1ff);
    CHECK_EQ(rdmsr(X2APIC_MSR(LDR)), 1);            /* cluster 0, bit 0 */
    CHECK(x2_irr_has(0x40));
    wrmsr(0x83f, 0x60);                             /* SELF IPI */
    CHECK(x2_irr_has(0x60));
    wrmsr(X2APIC_MSR(ICR), 0x61);                   /* physical, destination 0 */
    CHECK(x2_irr_has(0x61));
    wrmsr(X2APIC_MSR(ICR), (0x1ull << 32) | LOGICAL | 0x62);   /* cluster 0, bit 0 */
    CHECK(x2_irr_has(0x62));
    wrmsr(X2APIC_MSR(ICR), (0x10001ull << 32) | LOGICAL | 0x63); /* cluster 1 */
    CHECK(!x2_irr_has(0x63));

    check_gp("rdmsr EOI (write-only)", X2APIC_MSR(0x0b0), false, 0);
    check_gp("wrmsr EOI non-zero", X2APIC_MSR(0x0b0), true, 1);
    check_gp("wrmsr ID (read-only)", X2APIC_MSR(ID), true, 0);
    check_gp("wrmsr LDR (read-only)", X2APIC_MSR(LDR), true, 0);
    check_gp("wrmsr TMCCT (read-only)", X2APIC_MSR(TMCCT), true, 0);
    check_gp("rdmsr DFR (absent)", X2APIC_MSR(DFR), false, 0);
    check_gp("rdmsr ICR2 (absent)", X2APIC_MSR(ICR2), false, 0);
    check_gp("rdmsr 0x801 (reserved)", 0x801, false, 0);
    check_gp("rdmsr 0x840 (reserved)", 0x840, false, 0);
    check_gp("rdmsr SELF IPI (write-only)", 0x83f, false, 0);
    check_gp("wrmsr TPR bits 63:32", X2APIC_MSR(TPR), true, 1ull << 32);

    check_gp("base: x2APIC -> xAPIC", APIC_BASE_MSR, true, base);
    check_gp("base: EXTD without EN", APIC_BASE_MSR, true, APIC_PAGE | BASE_EXTD);
    check_gp("base: reserved bit 9", APIC_BASE_MSR, true, base | BASE_EXTD | 0x200);
    CHECK_EQ(wrmsr_safe(APIC_BASE_MSR, APIC_PAGE), 0);           /* disable */
    check_gp("rdmsr x2APIC ID while disabled", X2APIC_MSR(ID), false, 0);
    check_gp("base: disabled -> x2APIC", APIC_BASE_MSR, true, base | BASE_EXTD);
    CHECK_EQ(wrmsr_safe(APIC_BASE_MSR, base), 0);                /* xAPIC again */
    CHECK_EQ(rd(SVR), 0xff);                                     /* reset by disable */
    CHECK(!irr_has(0x40));
    printf("x2APIC registers, #GP rules and base transitions: ok\n");
}

/* ---- interrupts taken ---------------------------------------------------- */

struct gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
};

struct __attribute__((packed)) idtr {
    uint16_t limit;
    uint64_t base;
};

static struct gate own_idt[256] __aligned(16);
unsigned int isr_count;     /* counted by isr_stub */
void isr_stub(void);

/* Count, EOI through the xAPIC page (a MOV the MMIO path emulates), return. */
asm(".text\n"
    ".globl isr_stub\n"
    "isr_stub:\n"
    "  push %rax\n"
    "  lock incl isr_count(%rip)\n"
    "  movq $0xfee000b0, %rax\n"
    "  movl $0, (%rax)\n"
    "  pop %rax\n"
    "  iretq\n");

static void set_gate(uint8_t vec, void (*fn)(void))
{
    uint64_t off = (uintptr_t)fn;
    uint16_t cs;

    asm volatile("mov %%cs, %0" : "=r"(cs));
    own_idt[vec] = (struct gate){ (uint16_t)off, cs, 0, 0x8e, (uint16_t)(off >> 16),
                                  (uint32_t)(off >> 32), 0 };
}

/* Let interrupts in while waiting for 'want' taken; false after TAKE_WAIT_NS
 * of guest time. By the clock, not by a count of loads: under a loaded
 * host QEMU's timers run late, and two million loads were once too few for
 * five 200 us periodic ticks. */
#define TAKE_WAIT_NS    (1000ull * 1000 * 1000)

static bool take_until(unsigned int want)
{
    uint64_t end = now_ns() + TAKE_WAIT_NS;
    bool ok = false;

    asm volatile("sti");
    while (!ok && now_ns() < end)
        ok = __atomic_load_n(&isr_count, __ATOMIC_RELAXED) >= want;
    asm volatile("cli");
    return ok;
}

static void check_interrupts(void)
{
    struct idtr old, mine = { sizeof(own_idt) - 1, (uintptr_t)own_idt };
    unsigned int before;

    REQUIRE_EQ(shared_info_map(), 0);                       /* take_until's clock */
    asm volatile("sidt %0" : "=m"(old));
    memcpy(own_idt, (void *)old.base, old.limit + 1);      /* the exceptions */
    set_gate(0x50, isr_stub);
    set_gate(0x51, isr_stub);
    asm volatile("lidt %0" :: "m"(mine));
    wr(SVR, 0x1ff);
    wr(TPR, 0);

    wr(ICR, SELF | 0x51);
    CHECK(take_until(1));
    CHECK(!irr_has(0x51));
    CHECK_EQ(rd(0x100 + 0x20), 0);                          /* ISR: EOIed */

    wr(TPR, 0x60);                                          /* holds 0x51 back */
    wr(ICR, SELF | 0x51);
    CHECK(!take_until(2));
    CHECK(irr_has(0x51));
    wr(TPR, 0);
    CHECK(take_until(2));

    wr(TDCR, 0xb);
    wr(LVT_TMR, 0x50);
    wr(TMICT, 1000);
    CHECK(take_until(3));
    wr(LVT_TMR, PERIODIC | 0x50);
    wr(TMICT, 200000);                                      /* 200 us */
    CHECK(take_until(8));
    wr(TMICT, 0);
    take_until(~0u);                                        /* drain what is pending */
    before = isr_count;
    wr(LVT_TMR, 0x50);
    wr(TMICT, 500000);                                      /* wakes the HLT */
    asm volatile("sti; hlt; cli");
    CHECK_EQ(isr_count, before + 1);
    printf("interrupts taken: %u\n", isr_count);
    wr(LVT_TMR, MASKED);
    asm volatile("lidt %0" :: "m"(old));
    printf("interrupts: self-IPI, TPR hold-back, one-shot, periodic, HLT wake-up: ok\n");
}

void test_main(void)
{
    check_reset_state();
    check_tpr_ipi();
    check_timer();
    check_x2apic();
    check_interrupts();
    test_end(test_failures ? RESULT_FAILURE : RESULT_SUCCESS);
}
