// SPDX-License-Identifier: MIT
/*
 * Unit tests: RTC register decoding (BCD and binary, 12- and 24-hour,
 * the 20xx century, leap years, rejected values) against dates whose Unix
 * time is known, and the periodic timer's re-arm arithmetic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <petrel/errno.h>
#include <petrel/time.h>
#include <x86/rtc.h>
#include "stubs.h"

#define BIN_24  (RTC_B_BINARY | RTC_B_24H)

static uint64_t conv(struct rtc_regs r)
{
    uint64_t secs = 0;

    assert_int_equal(rtc_regs_to_unix(&r, &secs), 0);
    return secs;
}

static int conv_rc(struct rtc_regs r)
{
    uint64_t secs = 0;

    return rtc_regs_to_unix(&r, &secs);
}

/* Known instants: date -u -d '2024-01-01 00:00:00' +%s and so on. */
static void test_known_dates(void **state)
{
    assert_int_equal(conv((struct rtc_regs){ 0, 0, 0, 1, 1, 24, BIN_24 }), 1704067200);
    assert_int_equal(conv((struct rtc_regs){ 0, 0, 0, 1, 1, 0, BIN_24 }), 946684800);
    /* 2024-02-29 12:34:56, a leap day */
    assert_int_equal(conv((struct rtc_regs){ 56, 34, 12, 29, 2, 24, BIN_24 }), 1709210096);
    /* 2099-12-31 23:59:59 */
    assert_int_equal(conv((struct rtc_regs){ 59, 59, 23, 31, 12, 99, BIN_24 }), 4102444799);
    /* 2026-12-04 14:25:00 */
    assert_int_equal(conv((struct rtc_regs){ 0, 25, 14, 4, 12, 26, BIN_24 }), 1796394300);
}

static void test_bcd_and_12h(void **state)
{
    uint64_t want = 1709210096;     /* 2024-02-29 12:34:56 */

    assert_int_equal(conv((struct rtc_regs){ 0x56, 0x34, 0x12, 0x29, 0x02, 0x24, RTC_B_24H }),
                     want);
    /* 12 PM in 12-hour BCD is 0x12 | PM; 12 AM is 0x12 without it. */
    assert_int_equal(conv((struct rtc_regs){ 0x56, 0x34, 0x92, 0x29, 0x02, 0x24, 0 }), want);
    assert_int_equal(conv((struct rtc_regs){ 0x56, 0x34, 0x12, 0x29, 0x02, 0x24, 0 }),
                     want - 12 * 3600);
    /* 11 PM binary 12-hour */
    assert_int_equal(conv((struct rtc_regs){ 0, 0, 0x80 | 11, 1, 1, 24, RTC_B_BINARY }),
                     1704067200 + 23 * 3600);
    /* 1 AM BCD 12-hour */
    assert_int_equal(conv((struct rtc_regs){ 0, 0, 0x01, 1, 1, 0x24, 0 }), 1704067200 + 3600);
}

static void test_rejected(void **state)
{
    assert_int_equal(conv_rc((struct rtc_regs){ 0x5a, 0, 0, 1, 1, 0x24, RTC_B_24H }), -EINVAL);
    assert_int_equal(conv_rc((struct rtc_regs){ 60, 0, 0, 1, 1, 24, BIN_24 }), -EINVAL);
    assert_int_equal(conv_rc((struct rtc_regs){ 0, 60, 0, 1, 1, 24, BIN_24 }), -EINVAL);
    assert_int_equal(conv_rc((struct rtc_regs){ 0, 0, 24, 1, 1, 24, BIN_24 }), -EINVAL);
    assert_int_equal(conv_rc((struct rtc_regs){ 0, 0, 0, 1, 1, 24, RTC_B_BINARY }), -EINVAL);
    assert_int_equal(conv_rc((struct rtc_regs){ 0, 0, 13, 1, 1, 24, RTC_B_BINARY }), -EINVAL);
    assert_int_equal(conv_rc((struct rtc_regs){ 0, 0, 0, 0, 1, 24, BIN_24 }), -EINVAL);
    assert_int_equal(conv_rc((struct rtc_regs){ 0, 0, 0, 30, 2, 24, BIN_24 }), -EINVAL);
    assert_int_equal(conv_rc((struct rtc_regs){ 0, 0, 0, 29, 2, 25, BIN_24 }), -EINVAL);
    assert_int_equal(conv_rc((struct rtc_regs){ 0, 0, 0, 31, 4, 24, BIN_24 }), -EINVAL);
    assert_int_equal(conv_rc((struct rtc_regs){ 0, 0, 0, 1, 13, 24, BIN_24 }), -EINVAL);
    assert_int_equal(conv_rc((struct rtc_regs){ 0, 0, 0, 1, 0, 24, BIN_24 }), -EINVAL);
    assert_int_equal(conv_rc((struct rtc_regs){ 0, 0, 0, 1, 1, 100, BIN_24 }), -EINVAL);
}

static void test_periodic_next(void **state)
{
    /* on time: the next multiple */
    assert_int_equal(periodic_next_tick(1000, 100, 1000), 1100);
    assert_int_equal(periodic_next_tick(1000, 100, 1099), 1100);
    /* late by several periods: missed ticks are skipped, phase kept */
    assert_int_equal(periodic_next_tick(1000, 100, 1100), 1200);
    assert_int_equal(periodic_next_tick(1000, 100, 1350), 1400);
    assert_int_equal(periodic_next_tick(1000, 100, 1399), 1400);
    /* always strictly after now, and on the grid of 'due' */
    for (uint64_t now = 5000; now < 9000; now += 37) {
        uint64_t next = periodic_next_tick(5000, 1000000 / 997, now);

        assert_true(next > now);
        assert_true(next - now <= 1000000 / 997);
        assert_int_equal((next - 5000) % (1000000 / 997), 0);
    }
    /* large values do not overflow for a year of ns */
    assert_int_equal(periodic_next_tick(1ull << 55, 1000000, (1ull << 55) + 31536000000000000ull),
                     (1ull << 55) + 31536000000000000ull + 1000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_dates),
        cmocka_unit_test(test_bcd_and_12h),
        cmocka_unit_test(test_rejected),
        cmocka_unit_test(test_periodic_next),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
