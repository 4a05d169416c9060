// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/iommu/amd_event.c: event-log entries built as the
 * spec lays them out, and the line each one gives (or none, when the rate
 * limit says no).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <petrel/iommu.h>
#include "../../drivers/iommu/amd_iommu.h"
#include "stubs.h"

static bool may_log = true;

bool iommu_fault_may_log(void)
{
    return may_log;
}

/* The first quadword: code, flags, device id. */
static uint64_t q0(unsigned int code, unsigned int flags, uint16_t devid)
{
    return (uint64_t)code << 60 | (uint64_t)flags << 48 | devid;
}

static void expect_line(uint64_t first, uint64_t addr, const char *line)
{
    stub_log_reset();
    amd_event_log(0xfed80000, first, addr);
    if (!stub_log_contains(line))
        fail_msg("want '%s' in '%s'", line, stub_log);
}

static void test_page_faults(void **state)
{
    (void)state;
    may_log = true;
    /* Not present, a write from 00:04.0. */
    expect_line(q0(2, 1u << 5, 0x0020), 0xd0000000,
                "IOMMU fault: PCI 00:04.0 write at 0xd0000000: reason 0x2 "
                "(I/O page fault: page not present, flags 0x20)");
    /* Present but not allowed, a read from 01:1f.7. */
    expect_line(q0(2, 1u << 4 | 1u << 6, 0x01ff), 0x1234,
                "IOMMU fault: PCI 01:1f.7 read at 0x1234: reason 0x2 "
                "(I/O page fault: permission denied, flags 0x50)");
    expect_line(q0(2, 1u << 7 | 1u << 4, 0x0100), 0x5000,
                "IOMMU fault: PCI 01:00.0 read at 0x5000: reason 0x2 "
                "(I/O page fault: reserved bits set, flags 0x90)");
}

static void test_other_events(void **state)
{
    (void)state;
    may_log = true;
    expect_line(q0(1, 0, 0x0018), 0xabc0,
                "AMD-Vi 0xfed80000: event 0x1 (illegal device table entry): device 00:03.0, "
                "address 0xabc0, raw 0x1000000000000018");
    expect_line(q0(5, 0, 0), 0x7000,
                "AMD-Vi 0xfed80000: event 0x5 (illegal command): device 00:00.0, address 0x7000");
    expect_line(q0(0xf, 0, 0), 0, "event 0xf (unknown event)");
}

static void test_rate_limited(void **state)
{
    (void)state;
    may_log = false;
    stub_log_reset();
    amd_event_log(0xfed80000, q0(2, 0, 0x20), 0xd0000000);
    assert_string_equal(stub_log, "");
    may_log = true;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page_faults),
        cmocka_unit_test(test_other_events),
        cmocka_unit_test(test_rate_limited),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
