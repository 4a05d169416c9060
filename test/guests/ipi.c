/* SPDX-License-Identifier: MIT */
/*
 * Test guest ipi: interrupts between the vCPUs of one guest (dom.vcpus=2).
 * Event channels: vCPU 0 binds one IPI port to each vCPU (EVTCHNOP_bind_ipi)
 * and sends `rounds` pings to vCPU 1, whose handler (it must run on vCPU 1)
 * answers on vCPU 0's port. LAPIC: vCPU 0 sends fixed IPIs, vector 0xe0,
 * through the ICR to vCPU 1's APIC id; vCPU 1's IDT handler (on vCPU 1)
 * counts and EOIs, and vCPU 0 waits for each. vCPU 1 waits in safe_halt.
 */
#include "apic.h"
#include "smp.h"
#include "test.h"
#include "traps.h"
#include "x86.h"
#include "xen.h"

TEST_TITLE("IPIs between vCPUs: EVTCHNOP_bind_ipi + send, LAPIC fixed IPI");

#define MS              1000000UL
#define IPI_VECTOR      0xe0

static evtchn_port_t port_to[2];
static volatile uint32_t got[2], lapic_got, wrong_cpu, stop, ready;
static volatile uint32_t apic_id_1;

static void on_ipi(evtchn_port_t port, void *arg)
{
    unsigned int me = smp_id();

    if (port != port_to[me])
        wrong_cpu++;
    got[me]++;
    if (me == 1)
        evtchn_send(port_to[0]);
}

static void on_lapic_ipi(struct cpu_regs *regs)
{
    if (smp_id() != 1)
        wrong_cpu++;
    lapic_got++;
    apic_eoi();
}

static void vcpu1(unsigned int id)
{
    apic_enable(false);
    apic_id_1 = apic_id();
    __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
    while (!stop)
        safe_halt();
}

static void evtchn_ipis(unsigned int rounds)
{
    uint64_t sum = 0;

    for (unsigned int i = 1; i <= rounds; i++) {
        uint64_t t = now_ns();

        CHECK_EQ(evtchn_send(port_to[1]), 0);
        if (!wait_flag(&got[0], t + 1000 * MS) || got[0] != 1 || got[1] != i) {
            test_fail("event IPI round %u: vCPU 1 got %u, vCPU 0 got %u back",
                      i, got[1], got[0]);
            return;
        }
        got[0] = 0;
        sum += now_ns() - t;
    }
    printf("ipi: %u event-channel IPI round trips, avg %lu us\n", rounds,
           sum / rounds / 1000);
}

static void lapic_ipis(unsigned int rounds)
{
    uint64_t sum = 0;

    for (unsigned int i = 1; i <= rounds; i++) {
        uint64_t t = now_ns(), end = t + 1000 * MS;

        apic_send_icr(apic_id_1, APIC_ICR_FIXED | APIC_ICR_ASSERT | IPI_VECTOR);
        while (lapic_got < i && now_ns() < end)
            cpu_relax();
        if (lapic_got != i) {
            test_fail("LAPIC IPI %u to APIC id %u: vCPU 1 took %u", i,
                      apic_id_1, lapic_got);
            return;
        }
        sum += now_ns() - t;
    }
    printf("ipi: %u LAPIC fixed IPIs to APIC id %u, avg %lu us to the handler\n",
           rounds, apic_id_1, sum / rounds / 1000);
}

void test_main(void)
{
    unsigned int rounds = cmdline_u64_or("rounds", 50);
    long rc;

    if ((rc = events_init(EVENT_VECTOR_DEFAULT)))
        test_error("events_init: %ld", rc);
    for (unsigned int v = 0; v < 2; v++) {
        if ((rc = evtchn_bind_ipi(v, &port_to[v])))
            test_error("bind_ipi(vCPU %u): %ld", v, rc);
        evtchn_set_handler(port_to[v], v, on_ipi, NULL);
    }
    printf("ipi: port %u to vCPU 0, port %u to vCPU 1\n", port_to[0], port_to[1]);
    irq_set_handler(IPI_VECTOR, on_lapic_ipi);
    if (!apic_enable(false))
        test_error("cannot enable the LAPIC");
    if ((rc = smp_start_vcpu(1, vcpu1)))
        test_error("starting vCPU 1: %ld", rc);
    if (!wait_flag(&ready, now_ns() + 2000 * MS))
        test_error("vCPU 1 did not start within 2 s");
    evtchn_ipis(rounds);
    lapic_ipis(rounds);
    CHECK_EQ(wrong_cpu, 0);
    evtchn_no_strays();
    stop = 1;
}
