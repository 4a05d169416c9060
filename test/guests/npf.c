/* SPDX-License-Identifier: MIT */
/* Test guest npf: a read of guest-physical memory nothing backs. */
#include "test.h"

TEST_TITLE("reads unbacked guest-physical 0xd0000000: the domain must crash");

#define UNBACKED        0xd0000000UL    /* the hole below 4 GiB */

void test_main(void)
{
    volatile uint32_t *p = (volatile uint32_t *)UNBACKED;
    uint32_t v;

    printf("npf: touching unmapped guest-physical %#lx\n", UNBACKED);
    v = *p;
    test_fail("the read of %#lx returned %#x: the domain was not crashed",
              UNBACKED, v);
}
