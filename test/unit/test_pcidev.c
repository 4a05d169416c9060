// SPDX-License-Identifier: MIT
/* Unit tests: hv_parse_bdf(), "[seg:]bus:dev.fn" in hex. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <public/errno.h>
#include "../../tools/libhv/pcidev.h"

static void good(void **state)
{
    uint16_t seg = 9, bdf = 9;

    assert_int_equal(hv_parse_bdf("00:05.0", &seg, &bdf), 0);
    assert_int_equal(seg, 0);
    assert_int_equal(bdf, 5 << 3);
    assert_int_equal(hv_parse_bdf("0000:ff:1f.7", &seg, &bdf), 0);
    assert_int_equal(bdf, 0xff << 8 | 0x1f << 3 | 7);
    assert_int_equal(hv_parse_bdf("1:2:3.4", &seg, &bdf), 0);
    assert_int_equal(seg, 1);
    assert_int_equal(bdf, 2 << 8 | 3 << 3 | 4);
    assert_int_equal(hv_parse_bdf("0A:1B.2", &seg, &bdf), 0);
    assert_int_equal(bdf, 0x0a << 8 | 0x1b << 3 | 2);
}

static void bad(void **state)
{
    static const char *const bad[] = {
        "", "00", "00:05", "00:05.", "00:05.8", "00:20.0", "100:00.0",
        "00:05.0x", "g0:05.0", "00:05:0", "10000:00:05.0", "0:0:0:0.0",
        "00:05.0 ", " 00:05.0", "00:005.0", "00:05.00",
    };
    uint16_t seg = 7, bdf = 7;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(hv_parse_bdf(bad[i], &seg, &bdf), -XEN_EINVAL);
        assert_int_equal(seg, 7);
        assert_int_equal(bdf, 7);
    }
    assert_int_equal(hv_parse_bdf(NULL, &seg, &bdf), -XEN_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good),
        cmocka_unit_test(bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
