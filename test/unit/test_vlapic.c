// SPDX-License-Identifier: MIT
/*
 * Unit tests: the virtual local APIC (arch/x86/hvm/vlapic*.c) on a fake
 * domain of four vCPUs: the reset state, IRR/ISR/PPR/EOI priority order,
 * TPR masking, software disable, ESR, the timer's three modes and TMCCT
 * against a clock the test drives (the real per-CPU timer queue of
 * common/timer.c runs underneath, TSC = system time in ns), the x2APIC MSR
 * rules and base MSR transitions, ICR destination decoding, INIT/SIPI.
 * The scheduling glue (vcpu_kick/up/down) is recorded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <petrel/domain.h>
#include <x86/hvm/vlapic.h>
#include "stubs.h"

#define NV          4
#define BASE        0xfee00000ull
#define EN          0x800ull
#define EXTD        0x400ull
#define BSP         0x100ull
#define X2(off)     (0x800 + ((off) >> 4))

/* ---- the hypervisor around the vLAPIC ----------------------------------- */

unsigned int nr_cpus_online = 2;
static uint64_t now_ns;
static unsigned int kicks[NV], downs[NV], ups[NV], sipis[NV];
static uint8_t sipi_vector[NV];
static bool up[NV];

uint64_t system_time_ns(void) { return now_ns; }
uint64_t system_time_to_tsc(uint64_t ns) { return ns; }
unsigned int arch_timer_cpu(void) { return 0; }
void arch_timer_program(unsigned int cpu, uint64_t expires) { }
void arch_timer_kick(unsigned int cpu) { }
void *xzalloc(size_t size) { return calloc(1, size); }
void xfree(void *p) { free(p); }
void vcpu_kick(struct vcpu *v) { kicks[v->id]++; }
/* evtchn_upcall_pending of each vCPU, as event_channel.c would say. */
static bool upcall_pending[NV];
bool vcpu_events_pending(struct vcpu *v) { return upcall_pending[v->id]; }
void vcpu_down(struct vcpu *v) { downs[v->id]++; up[v->id] = false; }
void vcpu_up(struct vcpu *v) { ups[v->id]++; up[v->id] = true; }
bool vcpu_is_up(struct vcpu *v) { return up[v->id]; }
static bool on_cpu[NV];
bool sched_vcpu_on_cpu(struct sched_vcpu *sv)
{
    return on_cpu[container_of(sv, struct vcpu, sched)->id];
}

void hvm_set_sipi_start(struct vcpu *v, uint8_t vector)
{
    sipis[v->id]++;
    sipi_vector[v->id] = vector;
}

static struct domain dom;
static struct vcpu vcpus[NV];

static int setup(void **state)
{
    memset(&dom, 0, sizeof(dom));
    memset(vcpus, 0, sizeof(vcpus));
    memset(kicks, 0, sizeof(kicks));
    memset(downs, 0, sizeof(downs));
    memset(ups, 0, sizeof(ups));
    memset(sipis, 0, sizeof(sipis));
    memset(upcall_pending, 0, sizeof(upcall_pending));
    now_ns = 1000000;
    dom.nr_vcpus = NV;
    for (unsigned int i = 0; i < NV; i++) {
        vcpus[i].id = i;
        vcpus[i].domain = &dom;
        dom.vcpus[i] = &vcpus[i];
        up[i] = i == 0;
        assert_int_equal(vlapic_create(&vcpus[i]), 0);
    }
    stub_log_reset();
    return 0;
}

static int teardown(void **state)
{
    for (unsigned int i = 0; i < NV; i++)
        vlapic_destroy(&vcpus[i]);
    /* Every vLAPIC timer was stopped: nothing is left on the queues. */
    assert_int_equal(timer_process(0, ~0ull), 0);
    assert_int_equal(timer_process(1, ~0ull), 0);
    return 0;
}

/* ---- register access helpers ---------------------------------------------- */

static uint32_t rd(unsigned int v, unsigned int off)
{
    uint64_t val = 0xdead;

    assert_true(vlapic_mmio_covers(&vcpus[v], BASE + off));
    assert_int_equal(vlapic_mmio_read(&vcpus[v], BASE + off, 4, &val), 0);
    return val;
}

static void wr(unsigned int v, unsigned int off, uint32_t val)
{
    assert_int_equal(vlapic_mmio_write(&vcpus[v], BASE + off, 4, val), 0);
}

static uint64_t msr(unsigned int v, uint32_t index)
{
    uint64_t val;

    assert_int_equal(vlapic_msr_read(&vcpus[v], index, &val), 0);
    return val;
}

static bool irr(unsigned int v, uint8_t vec)
{
    return rd(v, 0x200 + vec / 32 * 0x10) & (1u << (vec % 32));
}

static void enable(unsigned int v)
{
    wr(v, 0xf0, 0x1ff);
}

static void advance(uint64_t ns)
{
    now_ns += ns;
    timer_process(0, now_ns);
    timer_process(1, now_ns);
}

static void to_x2apic(unsigned int v)
{
    assert_int_equal(vlapic_msr_write(&vcpus[v], 0x1b, BASE | EN | EXTD), 0);
}

/* ---- tests ------------------------------------------------------------------ */

static void test_reset_state(void **state)
{
    assert_int_equal(msr(0, 0x1b), BASE | EN | BSP);
    assert_int_equal(msr(1, 0x1b), BASE | EN);
    assert_int_equal(rd(0, 0x20), 0);
    assert_int_equal(rd(3, 0x20), 3u << 24);
    assert_int_equal(rd(0, 0x30), 0x60014);
    assert_int_equal(rd(0, 0xf0), 0xff);
    assert_int_equal(rd(0, 0xe0), 0xffffffff);
    for (unsigned int off = 0x320; off <= 0x370; off += 0x10)
        assert_int_equal(rd(0, off), 0x10000);
    assert_int_equal(rd(0, 0x2f0), 0x10000);
    assert_int_equal(rd(0, 0x80), 0);
    assert_int_equal(rd(0, 0xa0), 0);
    assert_false(vlapic_mmio_covers(&vcpus[0], BASE + 0x1000));
    assert_int_equal(vlapic_pending(&vcpus[0]), -1);
    /* x2APIC MSRs #GP in xAPIC mode. */
    uint64_t val;
    assert_int_equal(vlapic_msr_read(&vcpus[0], X2(0x20), &val), -1);
}

static void test_priority_order(void **state)
{
    struct vcpu *v = &vcpus[0];

    enable(0);
    assert_true(vlapic_set_irq(v, 0x31, false));
    assert_true(vlapic_set_irq(v, 0x52, false));
    assert_true(vlapic_set_irq(v, 0x45, true));
    assert_int_equal(kicks[0], 3);
    assert_true(irr(0, 0x45));
    assert_true(rd(0, 0x180 + 0x45 / 32 * 0x10) & (1u << (0x45 % 32)));   /* TMR */
    assert_int_equal(vlapic_pending(v), 0x52);
    vlapic_ack(v, 0x52);
    assert_false(irr(0, 0x52));
    assert_true(rd(0, 0x100 + 0x52 / 32 * 0x10) & (1u << (0x52 % 32)));   /* ISR */
    assert_int_equal(rd(0, 0xa0), 0x50);
    assert_int_equal(vlapic_pending(v), -1);        /* 0x45: class below PPR */
    assert_true(vlapic_set_irq(v, 0x5f, false));
    assert_int_equal(vlapic_pending(v), -1);        /* same class as in service */
    assert_true(vlapic_set_irq(v, 0x61, false));
    assert_int_equal(vlapic_pending(v), 0x61);
    vlapic_ack(v, 0x61);
    assert_int_equal(rd(0, 0xa0), 0x60);
    wr(0, 0xb0, 0);                                 /* EOI: 0x61 */
    assert_int_equal(rd(0, 0xa0), 0x50);
    assert_int_equal(vlapic_pending(v), -1);
    wr(0, 0xb0, 0);                                 /* EOI: 0x52 */
    assert_int_equal(rd(0, 0xa0), 0);
    assert_int_equal(vlapic_pending(v), 0x5f);
    vlapic_ack(v, 0x5f);
    wr(0, 0xb0, 0);
    assert_int_equal(vlapic_pending(v), 0x45);
    /* Vectors below 16 are refused and noted in ESR. */
    assert_false(vlapic_set_irq(v, 15, false));
    wr(0, 0x280, 0);
    assert_int_equal(rd(0, 0x280), 0x40);
}

static void test_tpr(void **state)
{
    struct vcpu *v = &vcpus[0];

    enable(0);
    wr(0, 0x80, 0x145);
    assert_int_equal(rd(0, 0x80), 0x45);            /* bits 7:0 only */
    assert_int_equal(rd(0, 0xa0), 0x45);
    vlapic_set_irq(v, 0x4f, false);
    assert_int_equal(vlapic_pending(v), -1);
    assert_int_equal(rd(0, 0x90), 0x45);            /* APR: TPR's class is as high */
    vlapic_set_irq(v, 0x50, false);
    assert_int_equal(vlapic_pending(v), 0x50);
    assert_int_equal(rd(0, 0x90), 0x50);
    /* The vendor's shadow holds the class only: the sub-class survives. */
    assert_int_equal(vlapic_get_tpr(v), 0x45);
    vlapic_set_tpr(v, 0x40);
    assert_int_equal(rd(0, 0x80), 0x45);
    vlapic_set_tpr(v, 0x60);
    assert_int_equal(rd(0, 0x80), 0x60);
    assert_int_equal(vlapic_pending(v), -1);
    vlapic_set_tpr(v, 0);
    assert_int_equal(vlapic_pending(v), 0x50);
}

static void test_svr_disable(void **state)
{
    struct vcpu *v = &vcpus[0];

    assert_false(vlapic_set_irq(v, 0x40, false));   /* disabled after reset */
    assert_int_equal(kicks[0], 0);
    wr(0, 0x350, 0x700);                            /* LINT0 ExtINT, unmask */
    assert_int_equal(rd(0, 0x350), 0x10700);        /* stays masked */
    enable(0);
    wr(0, 0x350, 0x700);
    wr(0, 0x320, 0x20030);
    assert_int_equal(rd(0, 0x350), 0x700);
    assert_int_equal(rd(0, 0x320), 0x20030);
    wr(0, 0xf0, 0x0ff);                             /* software disable */
    assert_int_equal(rd(0, 0x350), 0x10700);
    assert_int_equal(rd(0, 0x320), 0x30030);
    assert_false(vlapic_set_irq(v, 0x40, false));
    wr(0, 0xf0, 0xffffffff);
    assert_int_equal(rd(0, 0xf0), 0x3ff);
}

/* An upcall raised while the APIC was software-disabled is dropped;
 * enabling the APIC raises it on the upcall vector if evtchn_upcall_pending
 * is still set (Linux binds its timer before it enables its APIC). */
static void test_svr_enable_raises_upcall(void **state)
{
    vcpus[0].upcall_vector = 0xf3;
    vcpus[1].upcall_vector = 0xf3;
    upcall_pending[0] = true;
    assert_false(vlapic_set_irq(&vcpus[0], 0xf3, false));  /* dropped */
    enable(0);
    assert_true(irr(0, 0xf3));
    enable(1);                                      /* nothing pending: nothing */
    assert_false(irr(1, 0xf3));
    /* Enabled again while enabled: no second raise after the EOI. */
    assert_int_equal(vlapic_pending(&vcpus[0]), 0xf3);
    vlapic_ack(&vcpus[0], 0xf3);
    wr(0, 0xb0, 0);
    enable(0);
    assert_false(irr(0, 0xf3));
    /* No upcall vector (the domain-wide callback): nothing to raise. */
    vcpus[2].upcall_vector = 0;
    upcall_pending[2] = true;
    enable(2);
    assert_false(irr(2, 0xf3));
}

static void test_esr(void **state)
{
    enable(0);
    wr(0, 0x300, 0x40003);                          /* self, vector 3 */
    assert_int_equal(rd(0, 0x280), 0);              /* not latched yet */
    wr(0, 0x280, 0);
    assert_int_equal(rd(0, 0x280), 0x20);           /* send illegal vector */
    wr(0, 0x280, 0);
    assert_int_equal(rd(0, 0x280), 0);
    to_x2apic(0);
    assert_int_equal(vlapic_msr_write(&vcpus[0], X2(0x280), 1), -1);
    assert_int_equal(vlapic_msr_write(&vcpus[0], X2(0x280), 0), 0);
}

static void test_timer_oneshot(void **state)
{
    enable(0);
    wr(0, 0x3e0, 0xb);                              /* divide by 1 */
    wr(0, 0x320, 0x30);
    wr(0, 0x380, 1000);
    assert_int_equal(rd(0, 0x390), 1000);
    advance(400);
    assert_int_equal(rd(0, 0x390), 600);
    advance(599);
    assert_false(irr(0, 0x30));
    advance(1);
    assert_true(irr(0, 0x30));
    assert_int_equal(kicks[0], 1);
    assert_int_equal(rd(0, 0x390), 0);
    advance(5000);
    assert_int_equal(kicks[0], 1);                  /* once only */

    wr(0, 0x3e0, 0x0);                              /* divide by 2 */
    wr(0, 0x380, 1000);
    advance(1000);
    assert_int_equal(rd(0, 0x390), 500);
    wr(0, 0x3e0, 0xa);                              /* by 128: next count */
    assert_int_equal(rd(0, 0x390), 500);
    wr(0, 0x380, 0);                                /* stop */
    assert_int_equal(rd(0, 0x390), 0);
    advance(10000);
    assert_int_equal(kicks[0], 1);

    wr(0, 0x320, 0x10031);                          /* masked: counts, no IRR */
    wr(0, 0x3e0, 0xb);
    wr(0, 0x380, 100);
    advance(100);
    assert_false(irr(0, 0x31));
    /* Re-armed before it ran: the old expiry does nothing. */
    wr(0, 0x320, 0x32);
    wr(0, 0x380, 100);
    now_ns += 50;
    wr(0, 0x380, 1000);
    advance(50);
    assert_false(irr(0, 0x32));
    advance(950);
    assert_true(irr(0, 0x32));
}

static void test_timer_periodic(void **state)
{
    struct vcpu *v = &vcpus[0];

    enable(0);
    wr(0, 0x3e0, 0xb);
    wr(0, 0x320, 0x20040);
    wr(0, 0x380, 200000);
    advance(200000);
    assert_true(irr(0, 0x40));
    vlapic_ack(v, 0x40);
    wr(0, 0xb0, 0);
    advance(50000);
    assert_int_equal(rd(0, 0x390), 150000);
    advance(150000);
    assert_true(irr(0, 0x40));
    assert_int_equal(kicks[0], 2);
    /* Late by 2.5 periods: one interrupt, the phase kept. */
    vlapic_ack(v, 0x40);
    wr(0, 0xb0, 0);
    advance(500000);
    assert_int_equal(kicks[0], 3);
    assert_int_equal(rd(0, 0x390), 100000);
    advance(100000);
    assert_int_equal(kicks[0], 4);
    /* A tiny period is clamped to 100 us. */
    wr(0, 0x380, 10);
    advance(99999);
    assert_int_equal(kicks[0], 4);
    advance(1);
    assert_int_equal(kicks[0], 5);
    /* Leaving periodic mode stops the count. */
    wr(0, 0x320, 0x40);
    assert_int_equal(rd(0, 0x380), 0);
    advance(1000000);
    assert_int_equal(kicks[0], 5);
}

static void test_timer_deadline(void **state)
{
    enable(0);
    dom.tsc_offset = 1000;
    assert_int_equal(vlapic_msr_write(&vcpus[0], 0x6e0, now_ns + 5000), 0);
    assert_int_equal(msr(0, 0x6e0), 0);             /* ignored in one-shot mode */
    wr(0, 0x320, 0x40050);
    wr(0, 0x380, 1000);                             /* ignored in deadline mode */
    assert_int_equal(rd(0, 0x380), 0);
    uint64_t deadline = now_ns + 5000;              /* guest TSC */
    assert_int_equal(vlapic_msr_write(&vcpus[0], 0x6e0, deadline), 0);
    assert_int_equal(msr(0, 0x6e0), deadline);
    assert_int_equal(rd(0, 0x390), 0);
    advance(3999);                                  /* host TSC = guest - 1000 */
    assert_false(irr(0, 0x50));
    advance(1);
    assert_true(irr(0, 0x50));
    assert_int_equal(msr(0, 0x6e0), 0);
    /* 0 disarms; a deadline in the past fires at once. */
    vlapic_ack(&vcpus[0], 0x50);
    wr(0, 0xb0, 0);
    vlapic_msr_write(&vcpus[0], 0x6e0, now_ns + 10000);
    vlapic_msr_write(&vcpus[0], 0x6e0, 0);
    advance(100000);
    assert_false(irr(0, 0x50));
    vlapic_msr_write(&vcpus[0], 0x6e0, 5);          /* below the offset */
    advance(1);
    assert_true(irr(0, 0x50));
    /* Leaving deadline mode disarms. */
    vlapic_ack(&vcpus[0], 0x50);
    wr(0, 0xb0, 0);
    vlapic_msr_write(&vcpus[0], 0x6e0, now_ns + 10000);
    wr(0, 0x320, 0x50);
    advance(100000);
    assert_false(irr(0, 0x50));
}

static void test_x2apic_registers(void **state)
{
    struct vcpu *v = &vcpus[1];
    uint64_t val;

    wr(1, 0x80, 0x30);
    enable(1);
    to_x2apic(1);
    assert_false(vlapic_mmio_covers(v, BASE));
    assert_int_equal(msr(1, X2(0x20)), 1);
    assert_int_equal(msr(1, X2(0x30)), 0x60014);
    assert_int_equal(msr(1, X2(0x80)), 0x30);
    assert_int_equal(msr(1, X2(0xd0)), 0x2);        /* cluster 0, bit 1 */
    assert_int_equal(msr(1, X2(0xf0)), 0x1ff);
    assert_int_equal(vlapic_msr_write(v, X2(0x300), 0x5000000000040ull), 0);
    assert_int_equal(msr(1, X2(0x300)), 0x5000000000040ull);
    /* Reserved, absent, read-only and write-only registers. */
    static const uint32_t no_read[] = { 0x800, 0x801, 0x804, 0x809, 0x80b, 0x80c, 0x80e,
                                        0x831, 0x83a, 0x83f, 0x840, 0x8ff };
    for (unsigned int i = 0; i < sizeof(no_read) / sizeof(no_read[0]); i++)
        assert_int_equal(vlapic_msr_read(v, no_read[i], &val), -1);
    static const uint32_t no_write[] = { 0x802, 0x803, 0x80a, 0x80d, 0x80e, 0x810, 0x827,
                                         0x831, 0x839, 0x840 };
    for (unsigned int i = 0; i < sizeof(no_write) / sizeof(no_write[0]); i++)
        assert_int_equal(vlapic_msr_write(v, no_write[i], 0), -1);
    assert_int_equal(vlapic_msr_write(v, X2(0x80), 1ull << 32), -1);
    assert_int_equal(vlapic_msr_write(v, X2(0xb0), 1), -1);
    assert_int_equal(vlapic_msr_write(v, 0x83f, 0x100), -1);
    assert_int_equal(vlapic_msr_write(v, 0x83f, 0x77), 0);
    assert_int_equal(vlapic_pending(v), 0x77);
    assert_int_equal(vlapic_msr_write(v, X2(0xb0), 0), 0);
    /* INIT keeps x2APIC mode and the LDR derived from the ID. */
    vlapic_reset(v);
    assert_int_equal(msr(1, 0x1b), BASE | EN | EXTD);
    assert_int_equal(msr(1, X2(0xd0)), 0x2);
    assert_int_equal(msr(1, X2(0xf0)), 0xff);
}

static void test_base_transitions(void **state)
{
    struct vcpu *v = &vcpus[0];

    assert_int_equal(vlapic_msr_write(v, 0x1b, BASE | EXTD), -1);          /* invalid */
    assert_int_equal(vlapic_msr_write(v, 0x1b, BASE | EN | 0x200), -1);    /* reserved */
    assert_int_equal(vlapic_msr_write(v, 0x1b, BASE | EN | (1ull << 60)), -1);
    assert_int_equal(vlapic_msr_write(v, 0x1b, 0xfec00000ull | EN), 0);   /* relocate */
    assert_false(vlapic_mmio_covers(v, BASE));
    assert_true(vlapic_mmio_covers(v, 0xfec00020ull));
    assert_int_equal(msr(0, 0x1b), 0xfec00000ull | EN | BSP);   /* BSP kept */
    assert_int_equal(vlapic_msr_write(v, 0x1b, BASE | EN), 0);
    enable(0);
    to_x2apic(0);
    assert_int_equal(vlapic_msr_write(v, 0x1b, BASE | EN), -1);          /* x2 -> x */
    assert_int_equal(vlapic_msr_write(v, 0x1b, BASE | EXTD), -1);
    assert_int_equal(vlapic_msr_write(v, 0x1b, BASE), 0);                /* disable */
    assert_false(vlapic_mmio_covers(v, BASE));
    assert_false(vlapic_set_irq(v, 0x40, false));
    assert_int_equal(vlapic_msr_write(v, 0x1b, BASE | EN | EXTD), -1);   /* off -> x2 */
    assert_int_equal(vlapic_msr_write(v, 0x1b, BASE | EN), 0);
    assert_int_equal(rd(0, 0xf0), 0xff);            /* disabling reset it */
    to_x2apic(0);
    assert_int_equal(msr(0, X2(0xf0)), 0xff);
}

/* Send 'icr' from vCPU 0 (xAPIC: high word in ICR2) and collect IRR. */
static unsigned int send(uint32_t icr, uint32_t dest, uint8_t vec)
{
    unsigned int hit = 0;

    wr(0, 0x310, dest << 24);
    wr(0, 0x300, icr | vec);
    for (unsigned int i = 0; i < NV; i++)
        if (irr(i, vec))
            hit |= 1u << i;
    return hit;
}

static void test_icr_xapic(void **state)
{
    for (unsigned int i = 0; i < NV; i++)
        enable(i);
    assert_int_equal(send(0, 2, 0x40), 1u << 2);            /* physical */
    assert_int_equal(send(0, 0xff, 0x41), 0xf);             /* broadcast */
    assert_int_equal(send(0, 7, 0x42), 0);                  /* nobody */
    assert_int_equal(send(1u << 18, 3, 0x43), 1u << 0);     /* self */
    assert_int_equal(send(2u << 18, 3, 0x44), 0xf);         /* all */
    assert_int_equal(send(3u << 18, 0, 0x45), 0xe);         /* all but self */
    /* Logical flat: LDR bit i for vCPU i. */
    for (unsigned int i = 0; i < NV; i++)
        wr(i, 0xd0, (1u << i) << 24);
    assert_int_equal(send(1u << 11, 0x6, 0x46), 0x6);
    assert_int_equal(send(1u << 11, 0xff, 0x47), 0xf);
    /* Logical cluster: vCPUs 0,1 in cluster 1, 2,3 in cluster 2. */
    for (unsigned int i = 0; i < NV; i++) {
        wr(i, 0xe0, 0x0fffffff);
        wr(i, 0xd0, (((1 + i / 2) << 4) | (1u << (i % 2))) << 24);
    }
    assert_int_equal(rd(1, 0xe0), 0x0fffffff);
    assert_int_equal(send(1u << 11, 0x23, 0x48), 0xc);
    assert_int_equal(send(1u << 11, 0x12, 0x49), 0x2);
    /* Lowest priority: one target only. */
    assert_int_equal(send((1u << 11) | (1u << 8), 0x23, 0x4a), 0x4);
    /* NMI and SMI are dropped with a log line. */
    assert_int_equal(send(4u << 8, 1, 0x4b), 0);
    assert_true(stub_log_contains("NMI"));
}

static void test_icr_x2apic(void **state)
{
    for (unsigned int i = 0; i < NV; i++) {
        enable(i);
        to_x2apic(i);
    }
    vlapic_msr_write(&vcpus[0], X2(0x300), (3ull << 32) | 0x50);
    vlapic_msr_write(&vcpus[0], X2(0x300), (0xffffffffull << 32) | 0x51);
    vlapic_msr_write(&vcpus[0], X2(0x300), (0xffull << 32) | 0x52);   /* no one */
    vlapic_msr_write(&vcpus[0], X2(0x300), (0x0000000aull << 32) | 0x800 | 0x53);
    vlapic_msr_write(&vcpus[0], X2(0x300), (0x00010001ull << 32) | 0x800 | 0x54);
    for (unsigned int i = 0; i < NV; i++) {
        assert_int_equal(vlapic_pending(&vcpus[i]) >= 0x50, true);
        assert_int_equal(!!(msr(i, X2(0x220)) & (1u << 16)), i == 3);      /* 0x50 */
        assert_int_equal(!!(msr(i, X2(0x220)) & (1u << 17)), 1);           /* 0x51 */
        assert_int_equal(!!(msr(i, X2(0x220)) & (1u << 18)), 0);           /* 0x52 */
        assert_int_equal(!!(msr(i, X2(0x220)) & (1u << 19)), i == 1 || i == 3);
        assert_int_equal(!!(msr(i, X2(0x220)) & (1u << 20)), 0);           /* cluster 1 */
    }
}

static void test_init_sipi(void **state)
{
    enable(0);
    enable(1);
    up[1] = true;                               /* running, never INITed */
    wr(0, 0x310, 1u << 24);
    wr(0, 0x300, (6u << 8) | 0x9a);             /* SIPI without INIT: ignored */
    assert_int_equal(sipis[1], 0);
    wr(0, 0x300, (5u << 8) | (1u << 14));       /* INIT assert */
    assert_int_equal(downs[1], 1);
    assert_int_equal(rd(1, 0xf0), 0xff);        /* reset */
    wr(0, 0x300, (5u << 8) | (1u << 15));       /* INIT de-assert: nothing */
    assert_int_equal(downs[1], 1);
    on_cpu[1] = true;                           /* still finishing on its pCPU */
    wr(0, 0x300, (6u << 8) | 0x99);
    assert_int_equal(sipis[1], 0);              /* not yet: its state is not saved */
    on_cpu[1] = false;
    wr(0, 0x300, (6u << 8) | 0x9a);
    assert_int_equal(sipis[1], 1);
    assert_int_equal(sipi_vector[1], 0x9a);
    assert_int_equal(ups[1], 1);
    assert_int_equal(kicks[1], 1);              /* woken from any HLT */
    assert_true(vcpus[1].initialised);
    wr(0, 0x300, (6u << 8) | 0x9b);             /* second SIPI: ignored */
    assert_int_equal(sipis[1], 1);
    /* vCPUs 2 and 3 were never started: they take a SIPI at once; the
     * sender (vCPU 0, up) is not a target of its own all-including-self. */
    wr(0, 0x300, (2u << 18) | (6u << 8) | 0x10);
    assert_int_equal(sipis[0], 0);
    assert_int_equal(sipis[2], 1);
    assert_int_equal(sipis[3], 1);
    assert_int_equal(sipi_vector[3], 0x10);
    /* INIT all-but-self. */
    wr(0, 0x300, (3u << 18) | (5u << 8) | (1u << 14));
    assert_int_equal(downs[0], 0);
    assert_int_equal(downs[2], 1);
    assert_int_equal(downs[3], 1);
}

static void test_mmio_sizes(void **state)
{
    uint64_t val;

    enable(0);
    wr(0, 0x80, 0xa5);
    vlapic_mmio_read(&vcpus[0], BASE + 0x80, 1, &val);
    assert_int_equal(val, 0xa5);
    vlapic_mmio_read(&vcpus[0], BASE + 0x31, 1, &val);
    assert_int_equal(val, 0x00);                /* version byte 1 */
    vlapic_mmio_read(&vcpus[0], BASE + 0x32, 2, &val);
    assert_int_equal(val, 0x6);
    vlapic_mmio_read(&vcpus[0], BASE + 0x84, 4, &val);
    assert_int_equal(val, 0);                   /* rest of the slot */
    vlapic_mmio_read(&vcpus[0], BASE + 0x80, 8, &val);
    assert_int_equal(val, 0xa5);
    assert_int_equal(vlapic_mmio_write(&vcpus[0], BASE + 0x81, 1, 0x77), 0);
    assert_int_equal(rd(0, 0x80), 0xa5);        /* ignored, logged */
    assert_true(stub_log_contains("ignored"));
    assert_int_equal(vlapic_mmio_write(&vcpus[0], BASE + 0x80, 8, 0x1234500000033ull), 0);
    assert_int_equal(rd(0, 0x80), 0x33);
    wr(0, 0x400, 1);                            /* outside the registers */
    assert_int_equal(rd(0, 0x400), 0);
    assert_int_equal(rd(0, 0xff0), 0);
}

/* Every offset and MSR, read and written with varied values in both modes:
 * nothing may fault the host (ASan/UBSan watch), and the rules hold after. */
static void test_every_register(void **state)
{
    uint64_t seed = 0x9e3779b97f4a7c15ull, val;

    for (unsigned int round = 0; round < 4; round++) {
        for (unsigned int off = 0; off < 0x1000; off += 4) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            vlapic_mmio_read(&vcpus[0], BASE + off, 4, &val);
            if (off != 0x300 && off != 0x0f0)  /* keep IPIs and SVR out */
                vlapic_mmio_write(&vcpus[0], BASE + off, 4, seed >> 32);
        }
    }
    assert_int_equal(rd(0, 0x30), 0x60014);
    assert_int_equal(rd(0, 0x20), 0);
    enable(1);
    to_x2apic(1);
    for (uint32_t m = 0x800; m < 0x900; m++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        vlapic_msr_read(&vcpus[1], m, &val);
        if (m != 0x830 && m != 0x83f && m != 0x80f)
            vlapic_msr_write(&vcpus[1], m, seed & 0xffffffff);
    }
    assert_int_equal(msr(1, X2(0x20)), 1);
    assert_int_equal(msr(1, X2(0xd0)), 2);
    assert_true(vlapic_pending(&vcpus[1]) < 256);
    advance(1ull << 40);                        /* whatever timers were set fire */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reset_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_priority_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tpr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_svr_disable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_svr_enable_raises_upcall, setup, teardown),
        cmocka_unit_test_setup_teardown(test_esr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_oneshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_periodic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_x2apic_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_base_transitions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_icr_xapic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_icr_x2apic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_sipi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mmio_sizes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_register, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
