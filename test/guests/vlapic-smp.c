/* SPDX-License-Identifier: MIT */
/*
 * Test guest vlapic-smp: starting vCPU 1 the way an HVM guest starts its
 * APs, with INIT and SIPI through the ICR. vCPU 1 runs a real-mode stub at
 * vector << 12 that records its CS and a flag next to itself, then halts.
 * A second SIPI while it runs is ignored; a fresh INIT then SIPI restarts
 * it. Needs two vCPUs (dom.vcpus=2).
 */
#include "test.h"
#include "x86.h"

TEST_TITLE("INIT and SIPI through the vLAPIC start vCPU 1 in real mode at vector << 12");

#define APIC_PAGE       0xfee00000UL
#define SVR             0x0f0
#define ICR             0x300
#define ICR2            0x310
#define SIPI_VECTOR     0x70
#define STUB            ((uint8_t *)((uintptr_t)SIPI_VECTOR << 12))
#define FLAG            (STUB + 0x100)
#define SEEN_CS         ((volatile uint16_t *)(STUB + 0x102))
#define POLL_LIMIT      20000000

/* 16-bit code: mov ax, cs; mov cs:[0x102], ax; mov byte cs:[0x100], 0x5a;
 * 1: hlt; jmp 1b */
static const uint8_t stub_code[] = {
    0x8c, 0xc8, 0x2e, 0xa3, 0x02, 0x01, 0x2e, 0xc6, 0x06, 0x00, 0x01, 0x5a,
    0xf4, 0xeb, 0xfd,
};

static void wr(unsigned int off, uint32_t val)
{
    *(volatile uint32_t *)(APIC_PAGE + off) = val;
}

static void send_to_1(uint32_t icr)
{
    wr(ICR2, 1u << 24);
    wr(ICR, icr);
}

static bool wait_flag(void)
{
    for (unsigned int i = 0; i < POLL_LIMIT; i++)
        if (*(volatile uint8_t *)FLAG == 0x5a)
            return true;
    return false;
}

/* INIT assert, INIT de-assert, SIPI, SIPI: the sequence Linux sends. */
static void init_sipi_sipi(void)
{
    send_to_1(0xc500);
    send_to_1(0x8500);
    send_to_1(0x0600 | SIPI_VECTOR);
    send_to_1(0x0600 | SIPI_VECTOR);
}

void test_main(void)
{
    if (cpuid(0).eax < 0xb || (cpuid_count(0xb, 1).ebx & 0xffff) < 2)
        test_skip("needs two vCPUs (dom.vcpus=2)");
    memcpy(STUB, stub_code, sizeof(stub_code));
    *(volatile uint8_t *)FLAG = 0;
    wr(SVR, 0x1ff);

    init_sipi_sipi();
    REQUIRE(wait_flag());
    CHECK_EQ(*SEEN_CS, SIPI_VECTOR << 8);
    printf("vCPU 1 started at %#x:0 after INIT, SIPI, SIPI\n", SIPI_VECTOR << 8);

    /* A SIPI to a running vCPU does nothing: the stub does not run again. */
    *(volatile uint8_t *)FLAG = 0;
    send_to_1(0x0600 | SIPI_VECTOR);
    CHECK(!wait_flag());

    init_sipi_sipi();
    CHECK(wait_flag());
    printf("vCPU 1 restarted after a second INIT\n");
    test_end(test_failures ? RESULT_FAILURE : RESULT_SUCCESS);
}
