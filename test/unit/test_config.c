/* SPDX-License-Identifier: MIT */
/* Unit tests: the xl-style domain configuration parser (tools/libhv/config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <public/errno.h>
#include "../../tools/libhv/config.h"
#include "../../tools/libhv/disk.h"

static char err[256];

static int parse(const char *text, struct hv_config *cfg)
{
    memset(err, 'x', sizeof(err));
    return hv_config_parse(text, strlen(text), cfg, err, sizeof(err));
}

/* text must fail with exactly the message want. */
static void expect_error(const char *text, const char *want)
{
    struct hv_config cfg;

    assert_int_equal(parse(text, &cfg), -XEN_EINVAL);
    assert_string_equal(err, want);
    assert_null(cfg.name);              /* nothing left to free */
    assert_null(cfg.disk);
}

static void test_full(void **state)
{
    struct hv_config cfg;
    const char *text =
        "# a guest\n"
        "\n"
        "name = \"hello\"   # trailing comment\n"
        "kernel='hello.elf'\n"
        "ramdisk = \"initrd.cpio\"\n"
        "extra = \"console=hvc0 x='y'\"\n"
        "memory = 0x40\n"
        "vcpus = 4\n"
        "cpus = \"0-1,3\"\n"
        "weight = 512\n"
        "cap = 150\n"
        "on_poweroff = \"preserve\"\n"
        "on_reboot = 'destroy'\n"
        "on_crash = \"restart\"\n"
        "type = \"pvh\"\n"
        "disk = [ 'phy:/dev/vda,xvda,w',\n"
        "         \"file:/a.img,xvdb,r\", ]\n"
        "vif = []\n";

    assert_int_equal(parse(text, &cfg), 0);
    assert_string_equal(err, "");
    assert_string_equal(cfg.name, "hello");
    assert_string_equal(cfg.kernel, "hello.elf");
    assert_string_equal(cfg.ramdisk, "initrd.cpio");
    assert_string_equal(cfg.cmdline, "console=hvc0 x='y'");
    assert_int_equal(cfg.memory_mib, 64);
    assert_int_equal(cfg.vcpus, 4);
    assert_int_equal(cfg.cpus, 0xb);
    assert_int_equal(cfg.nr_vcpu_cpus, 0);
    assert_int_equal(cfg.weight, 512);
    assert_int_equal(cfg.cap, 150);
    assert_int_equal(cfg.on_poweroff, HV_ACTION_PRESERVE);
    assert_int_equal(cfg.on_reboot, HV_ACTION_DESTROY);
    assert_int_equal(cfg.on_crash, HV_ACTION_RESTART);
    assert_int_equal(cfg.nr_disk, 2);
    assert_string_equal(cfg.disk[0], "phy:/dev/vda,xvda,w");
    assert_string_equal(cfg.disk[1], "file:/a.img,xvdb,r");
    assert_int_equal(cfg.nr_vif, 0);
    assert_null(cfg.vif);
    hv_config_free(&cfg);
    assert_null(cfg.name);
}

static void test_defaults(void **state)
{
    struct hv_config cfg;

    assert_int_equal(parse("name=\"a\"\nkernel=\"k\"", &cfg), 0);   /* no final newline */
    assert_null(cfg.ramdisk);
    assert_null(cfg.cmdline);
    assert_int_equal(cfg.memory_mib, 128);
    assert_int_equal(cfg.vcpus, 1);
    assert_int_equal(cfg.cpus, 0);
    assert_int_equal(cfg.weight, 256);
    assert_int_equal(cfg.cap, 0);
    assert_int_equal(cfg.on_poweroff, HV_ACTION_DESTROY);
    assert_int_equal(cfg.on_reboot, HV_ACTION_RESTART);
    assert_int_equal(cfg.on_crash, HV_ACTION_DESTROY);
    assert_string_equal(hv_cfg_action_name(cfg.on_reboot), "restart");
    hv_config_free(&cfg);
}

static void test_cpus(void **state)
{
    struct hv_config cfg;

    assert_int_equal(parse("name='a'\nkernel='k'\nvcpus=3\n"
                           "cpus = [ \"2\", '0-1',\n 63 ]\n", &cfg), 0);
    assert_int_equal(cfg.cpus, 0);
    assert_int_equal(cfg.nr_vcpu_cpus, 3);
    assert_int_equal(cfg.vcpu_cpus[0], 0x4);
    assert_int_equal(cfg.vcpu_cpus[1], 0x3);
    assert_int_equal(cfg.vcpu_cpus[2], 1ULL << 63);
    hv_config_free(&cfg);
    assert_int_equal(parse("name='a'\nkernel='k'\ncpus='0-63'\n", &cfg), 0);
    assert_int_equal(cfg.cpus, ~0ULL);
    hv_config_free(&cfg);
    assert_int_equal(parse("name='a'\nkernel='k'\ncpus=\"all\"\n", &cfg), 0);
    assert_int_equal(cfg.cpus, 0);
    hv_config_free(&cfg);
    expect_error("name='a'\nkernel='k'\ncpus='0-x'\n", "line 3: cpus: bad CPU list '0-x'");
    expect_error("name='a'\nkernel='k'\ncpus='1,'\n", "line 3: cpus: bad CPU list '1,'");
    expect_error("name='a'\nkernel='k'\ncpus='3-1'\n",
                 "line 3: cpus: '3-1' is out of range (CPUs 0-63)");
    expect_error("name='a'\nkernel='k'\ncpus='0,64'\n",
                 "line 3: cpus: '64' is out of range (CPUs 0-63)");
    expect_error("name='a'\nkernel='k'\ncpus=['0','1']\n",
                 "line 3: cpus: 2 entries for 1 vCPU(s)");
    expect_error("name='a'\nkernel='k'\ncpus=[]\n", "line 3: cpus: empty list");
}

/* The CPU-list parser on its own (hv vcpu-pin) and its inverse. */
static void test_cpus_parse_format(void **state)
{
    static const struct { const char *s; uint64_t mask; const char *back; } ok[] = {
        { "0", 1, "0" }, { "0-1,3", 0xb, "0-1,3" }, { "3,0-1", 0xb, "0-1,3" },
        { "63", 1ull << 63, "63" }, { "5-7,9", 0x2e0, "5-7,9" },
    };
    static const struct { const char *s; int rc; } bad[] = {
        { "", HV_CPUS_EMPTY }, { "x", HV_CPUS_BAD }, { "1,", HV_CPUS_BAD },
        { "64", HV_CPUS_RANGE }, { "3-1", HV_CPUS_RANGE }, { "1--2", HV_CPUS_BAD },
    };
    char buf[64];
    uint64_t mask;
    const char *at;
    size_t len;

    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(hv_cpus_parse(ok[i].s, strlen(ok[i].s), &mask, &at, &len), 0);
        assert_int_equal(mask, ok[i].mask);
        hv_cpus_format(mask, 64, buf, sizeof(buf));
        assert_string_equal(buf, ok[i].back);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(hv_cpus_parse(bad[i].s, strlen(bad[i].s), &mask, &at, &len),
                         bad[i].rc);
    assert_int_equal(hv_cpus_parse("all", 3, &mask, &at, &len), 0);
    assert_int_equal(mask, 0);
    hv_cpus_format(0x3, 2, buf, sizeof(buf));
    assert_string_equal(buf, "all");            /* every one of 2 pCPUs */
    hv_cpus_format(0, 4, buf, sizeof(buf));
    assert_string_equal(buf, "all");
    hv_cpus_format(0x5555, 64, buf, 8);         /* truncated, NUL-ended */
    assert_int_equal(strlen(buf), 7);
}

static void test_errors(void **state)
{
    expect_error("name='a'\nkernel='k'\n\nmemroy = 5\n", "line 4: unknown key 'memroy'");
    expect_error("name='a'\nmemory = lots\nkernel='k'\n", "line 2: memory: not a number");
    expect_error("name='a'\nmemory = \"512\"\n", "line 2: memory: not a number");
    expect_error("name='a'\nmemory = -1\n", "line 2: memory: not a number");
    expect_error("name='a'\nmemory = 512M\n", "line 2: memory: not a number");
    expect_error("kernel='k'\n", "missing 'name'");
    expect_error("name='a'\n", "missing 'kernel'");
    expect_error("", "missing 'name'");
    expect_error("name='a'\nkernel='k'\nvcpus = 0\n",
                 "line 3: vcpus: 0 is out of range (1-64)");
    expect_error("name='a'\nkernel='k'\nvcpus = 65\n",
                 "line 3: vcpus: 65 is out of range (1-64)");
    expect_error("name='a'\nkernel='k'\nweight = 65536\n",
                 "line 3: weight: 65536 is out of range (1-65535)");
    expect_error("name='a'\nkernel='k'\nmemory = 2000000\n",
                 "line 3: memory: 2000000 is out of range (1-1048576)");
    expect_error("name='a'\nkernel='k'\nvcpus=2\ncap = 201\n",
                 "line 4: cap: 201 is more than 100 x vcpus (2)");
    expect_error("name='a'\nkernel='k'\non_crash = 'explode'\n",
                 "line 3: on_crash: 'explode' is not destroy, restart or preserve");
    expect_error("name='a'\nkernel='k'\ntype = 'hvm'\n",
                 "line 3: type: 'hvm' is not supported (only \"pvh\")");
    expect_error("name='a'\nname='b'\n", "line 2: name: given twice");
    expect_error("name='a'\ncmdline='x'\nextra='y'\n",
                 "line 3: extra: given twice (extra and cmdline are one key)");
    expect_error("name = ''\n", "line 1: name: must not be empty");
    expect_error("name = a\n", "line 1: name: expected a quoted string");
    expect_error("name = ['a']\n", "line 1: name: expected a string, not a list");
    expect_error("disk = 'a'\n", "line 1: disk: expected a list [ \"...\", ... ]");
    expect_error("disk = ['a', 7]\n", "line 1: disk: entry 2 is not a quoted string");
}

static void test_hostile(void **state)
{
    struct hv_config cfg;
    char big[6000];

    /* Lines without '=', or with nothing after it. */
    expect_error("name 'a'\n", "line 1: expected '=' after 'name'");
    expect_error("\n\nname\n", "line 3: expected '=' after 'name'");
    expect_error("name =\nkernel='k'\n", "line 1: name: no value after '='");
    expect_error("= 'a'\n", "line 1: expected a key, not '='");
    expect_error("9name = 'a'\n", "line 1: expected a key, not '9name'");
    expect_error("name = 'a' 'b'\n", "line 1: name: unexpected text after the value");
    /* Unterminated strings and lists. */
    expect_error("name = \"abc\nkernel='k'\n", "line 1: unterminated string");
    expect_error("name = 'abc", "line 1: unterminated string");
    expect_error("name='a'\nkernel='k'\ndisk = [ 'a',\n 'b'\n\n",
                 "line 6: disk: unterminated list (opened on line 3)");
    expect_error("disk = [ 'a',\n", "line 2: disk: unterminated list (opened on line 1)");
    expect_error("disk = [", "line 1: disk: unterminated list (opened on line 1)");
    expect_error("disk = [ 'a' 'b' ]\n", "line 1: disk: expected ',' or ']' in the list");
    expect_error("disk = [ [ 'a' ] ]\n", "line 1: disk: lists cannot be nested");
    expect_error("disk = [ , ]\n", "line 1: disk: expected a list entry");
    /* Huge numbers. */
    expect_error("name='a'\nkernel='k'\nmemory = 18446744073709551616\n",
                 "line 3: memory: number too large");
    expect_error("name='a'\nkernel='k'\nmemory = 0x10000000000000000\n",
                 "line 3: memory: number too large");
    expect_error("name='a'\nkernel='k'\nvcpus = 18446744073709551615\n",
                 "line 3: vcpus: 18446744073709551615 is out of range (1-64)");
    expect_error("name='a'\nkernel='k'\nmemory = 0x\n", "line 3: memory: not a number");
    /* Bytes that are not text. */
    expect_error("name='a'\n\x01\n", "line 2: unexpected byte 0x01");
    assert_int_equal(hv_config_parse("name='a\0b'\n", 10, &cfg, err, sizeof(err)),
                     -XEN_EINVAL);
    assert_string_equal(err, "line 1: unterminated string");
    assert_int_equal(hv_config_parse("name='a'\0", 9, &cfg, err, sizeof(err)),
                     -XEN_EINVAL);
    assert_string_equal(err, "line 1: unexpected byte 0x00");
    /* Too long a string, too many list entries. */
    memset(big, 'a', sizeof(big));
    memcpy(big, "name='", 6);
    memcpy(big + sizeof(big) - 3, "'\n", 3);
    expect_error(big, "line 1: string longer than 4096 bytes");
    {
        char list[1024] = "disk = [";
        for (int i = 0; i < 65; i++)
            strcat(list, "'d',");
        strcat(list, "]\n");
        expect_error(list, "line 1: disk: more than 64 entries");
    }
    /* The error text is cut to the buffer, and still ended. */
    assert_int_equal(hv_config_parse("memroy=1", 8, &cfg, err, 8), -XEN_EINVAL);
    assert_string_equal(err, "line 1:");
}

/* disk entries (tools/libhv/disk.c): xl's "[phy:]target,vdev,mode". */
static void test_pci(void **state)
{
    struct hv_config cfg;

    assert_int_equal(parse("name = \"g\"\nkernel = \"k\"\npci = [ '00:05.0', \"0000:00:06.1\" ]\n", &cfg), 0);
    assert_int_equal(cfg.nr_pci, 2);
    assert_string_equal(cfg.pci[0], "00:05.0");
    assert_string_equal(cfg.pci[1], "0000:00:06.1");
    hv_config_free(&cfg);
    assert_int_equal(parse("name = \"g\"\nkernel = \"k\"\n", &cfg), 0);
    assert_int_equal(cfg.nr_pci, 0);
    assert_null(cfg.pci);
    hv_config_free(&cfg);
}

static void test_disk(void **state)
{
    static const struct { const char *spec; const char *target; unsigned int devid;
                          bool ro; } ok[] = {
        { "phy:ram0,xvda,w", "ram0", 51712, false },
        { "ram1,xvdb,r", "ram1", 51728, true },
        { "phy:vda2,xvdp,rw", "vda2", (202 << 8) | (15 << 4), false },
        { "vda2,xvdq,ro", "vda2", (1u << 28) | (16 << 8), true },
        { "ram0,51760,w", "ram0", 51760, false },
    };
    static const struct { const char *spec; const char *err; } bad[] = {
        { "phy:ram0,xvda", "not TARGET,VDEV,MODE: 'phy:ram0,xvda'" },
        { "phy:ram0,xvda,w,x", "not TARGET,VDEV,MODE: 'phy:ram0,xvda,w,x'" },
        { "", "not TARGET,VDEV,MODE: ''" },
        { "file:/a.img,xvda,w", "only phy: targets are supported, not 'file:/a.img'" },
        { "phy:,xvda,w", "bad target ''" },
        { ",xvda,w", "bad target ''" },
        { "ram0,hda,w", "vdev is not xvda..xvdz or a device number: 'hda'" },
        { "ram0,xvda1,w", "vdev is not xvda..xvdz or a device number: 'xvda1'" },
        { "ram0,0,w", "vdev is not xvda..xvdz or a device number: '0'" },
        { "ram0,,w", "vdev is not xvda..xvdz or a device number: ''" },
        { "ram0,xvda,x", "mode is not r or w: 'x'" },
        { "ram0,xvda,", "mode is not r or w: ''" },
        { "ram0,xvda,wr", "mode is not r or w: 'wr'" },
        { "a-very-long-block-device-name-indeed,xvda,w",
          "bad target 'a-very-long-block-device-name-indeed'" },
    };
    struct hv_disk d;
    char err[96];

    for (unsigned int i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(hv_disk_parse(ok[i].spec, &d, err, sizeof(err)), 0);
        assert_string_equal(d.target, ok[i].target);
        assert_int_equal(d.devid, ok[i].devid);
        assert_int_equal(d.read_only, ok[i].ro);
    }
    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(hv_disk_parse(bad[i].spec, &d, err, sizeof(err)), -XEN_EINVAL);
        assert_string_equal(err, bad[i].err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_cpus),
        cmocka_unit_test(test_cpus_parse_format),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_disk),
        cmocka_unit_test(test_pci),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
