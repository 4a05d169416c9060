/* SPDX-License-Identifier: MIT */
/* Test guest mmio-bad: an instruction the MMIO path does not emulate. */
#include "test.h"

TEST_TITLE("ADD to the vLAPIC's TPR: only MOV is emulated, the domain must crash");

#define APIC_TPR        0xfee00080UL

void test_main(void)
{
    volatile uint32_t *tpr = (volatile uint32_t *)APIC_TPR;

    printf("mmio-bad: adding to the vLAPIC TPR at %#lx\n", APIC_TPR);
    asm volatile("addl $0x10, %0" : "+m"(*tpr));
    test_fail("the ADD to %#lx completed (TPR %#x): the domain was not crashed",
              APIC_TPR, *tpr);
}
