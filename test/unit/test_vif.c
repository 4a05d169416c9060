/* SPDX-License-Identifier: MIT */
/* Unit tests: vif specs, MAC parsing and generated MACs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <public/errno.h>

#include "../../tools/libhv/vif.h"

static char err[128];

static void test_mac(void **state)
{
    uint8_t mac[6];
    const uint8_t want[6] = { 0x00, 0x16, 0x3e, 0xab, 0xCD, 0x0f };

    assert_int_equal(hv_mac_parse("00:16:3e:ab:CD:0f", 17, mac), 0);
    assert_memory_equal(mac, want, 6);
    assert_int_equal(hv_mac_parse("00:16:3e:ab:CD:0", 16, mac), -XEN_EINVAL);
    assert_int_equal(hv_mac_parse("00:16:3e:ab:CD:0f0", 18, mac), -XEN_EINVAL);
    assert_int_equal(hv_mac_parse("00-16:3e:ab:CD:0f", 17, mac), -XEN_EINVAL);
    assert_int_equal(hv_mac_parse("00:16:3e:ab:CD:0g", 17, mac), -XEN_EINVAL);
    assert_int_equal(hv_mac_parse("0:016:3e:ab:CD:0f", 17, mac), -XEN_EINVAL);
}

static void test_parse_ok(void **state)
{
    struct hv_vif v;
    const uint8_t want[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x01 };

    assert_int_equal(hv_vif_parse("mac=00:16:3e:00:00:01", &v, err, sizeof(err)), 0);
    assert_true(v.has_mac);
    assert_memory_equal(v.mac, want, 6);
    assert_int_equal(hv_vif_parse("", &v, err, sizeof(err)), 0);
    assert_false(v.has_mac);
    assert_int_equal(hv_vif_parse("bridge=xenbr0,type=vif,mac=00:16:3e:00:00:01,", &v,
                                  err, sizeof(err)), 0);
    assert_true(v.has_mac);
}

static void expect_error(const char *spec, const char *msg)
{
    struct hv_vif v;

    assert_int_equal(hv_vif_parse(spec, &v, err, sizeof(err)), -XEN_EINVAL);
    assert_string_equal(err, msg);
}

static void test_parse_errors(void **state)
{
    expect_error("mac=00:16:3e:1", "mac: '00:16:3e:1' is not a MAC address (xx:xx:xx:xx:xx:xx)");
    expect_error("mac=01:16:3e:00:00:01", "mac: '01:16:3e:00:00:01' is multicast or zero");
    expect_error("mac=00:00:00:00:00:00", "mac: '00:00:00:00:00:00' is multicast or zero");
    expect_error("ip=10.0.0.1", "unknown key 'ip' (mac, bridge, type)");
    expect_error("mac", "'mac' is not key=value");
    expect_error(",", "'' is not key=value");
    expect_error("type=ioemu", "type: 'ioemu' is not supported (only vif)");
    expect_error("bridge=", "bridge: '' is not a name (1 to 15 characters)");
    expect_error("mac=00:16:3e:00:00:01,mac=00:16:3e:00:00:02", "mac given twice");
}

static void test_default_mac_unique(void **state)
{
    uint8_t a[6], b[6], c[6];

    hv_vif_default_mac(1, 0, a);
    hv_vif_default_mac(1, 1, b);
    hv_vif_default_mac(256, 0, c);
    assert_int_equal(a[0], 0x00);
    assert_int_equal(a[1], 0x16);
    assert_int_equal(a[2], 0x3e);
    assert_memory_not_equal(a, b, 6);
    assert_memory_not_equal(a, c, 6);
    hv_vif_default_mac(0x7fef, 255, a);
    assert_int_equal(a[3], 0x7f);
    assert_int_equal(a[4], 0xef);
    assert_int_equal(a[5], 0xff);
}

static void test_list(void **state)
{
    char *ok[] = { "mac=00:16:3e:00:00:01", "", "mac=00:16:3e:00:00:02" };
    char *dup[] = { "mac=00:16:3e:00:00:01", "mac=00:16:3e:00:00:01" };
    char *bad[] = { "", "mac=zz" };
    char *many[HV_VIF_MAX + 1];

    assert_int_equal(hv_vifs_check(ok, 3, err, sizeof(err)), 0);
    assert_int_equal(hv_vifs_check(dup, 2, err, sizeof(err)), -XEN_EINVAL);
    assert_string_equal(err, "vif 1: mac: the same as vif 0's");
    assert_int_equal(hv_vifs_check(bad, 2, err, sizeof(err)), -XEN_EINVAL);
    assert_string_equal(err, "vif 1: mac: 'zz' is not a MAC address (xx:xx:xx:xx:xx:xx)");
    for (unsigned int i = 0; i <= HV_VIF_MAX; i++)
        many[i] = "";
    assert_int_equal(hv_vifs_check(many, HV_VIF_MAX, err, sizeof(err)), 0);
    assert_int_equal(hv_vifs_check(many, HV_VIF_MAX + 1, err, sizeof(err)), -XEN_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mac),
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_default_mac_unique),
        cmocka_unit_test(test_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
