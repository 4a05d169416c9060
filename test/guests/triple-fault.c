/* SPDX-License-Identifier: MIT */
/* Test guest triple-fault: an exception with an empty IDT. */
#include "test.h"
#include "x86.h"

TEST_TITLE("#UD with an IDT of limit 0 triple-faults: the domain must crash");

void test_main(void)
{
    printf("triple-fault: loading an empty IDT and executing ud2\n");
    triple_fault();
    test_fail("execution continued after the triple fault");
}
