/* SPDX-License-Identifier: MIT */
/* Test guest triple-fault: an exception with an empty IDT. */
#include "test.h"

TEST_TITLE("#UD with an IDT of limit 0 triple-faults: the domain must crash");

void test_main(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) empty = { 0, 0 };

    printf("triple-fault: loading an empty IDT and executing ud2\n");
    /* #UD cannot be delivered (#GP), nor can that (#DF): a triple fault,
     * which is a shutdown event the hypervisor must turn into a crash. */
    asm volatile("lidt %0\n\tud2" :: "m"(empty) : "memory");
    test_fail("execution continued after the triple fault");
}
