/* SPDX-License-Identifier: MIT */
/* Unit tests: the comN= value parser (drivers/uart_parse.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <petrel/console.h>
#include <petrel/errno.h>
#include "stubs.h"

static const struct uart_cfg dflt = { .port = 0x3f8, .baud = 115200, .lcr = 0x03 };

static struct uart_cfg parsed(const char *spec, int want_rc)
{
    struct uart_cfg cfg = dflt;

    assert_int_equal(uart_parse(spec, &cfg), want_rc);
    return cfg;
}

static void test_baud_and_frame(void **state)
{
    struct uart_cfg c = parsed("9600", 0);

    assert_int_equal(c.baud, 9600);
    assert_int_equal(c.lcr, 0x03);
    assert_int_equal(c.port, 0x3f8);
    c = parsed("57600,7e2", 0);
    assert_int_equal(c.baud, 57600);
    assert_int_equal(c.lcr, 0x02 | 0x04 | 0x18);
    c = parsed(",5o1", 0);
    assert_int_equal(c.baud, 115200);
    assert_int_equal(c.lcr, 0x08);
    c = parsed("", 0);
    assert_memory_equal(&c, &dflt, sizeof(c));
}

static void test_io_base(void **state)
{
    struct uart_cfg c = parsed("115200,8n1,0x2f8", 0);

    assert_int_equal(c.port, 0x2f8);
    assert_int_equal(c.mmio, 0);
    c = parsed("115200,,0x3f8", 0);
    assert_int_equal(c.port, 0x3f8);
    assert_int_equal(c.lcr, 0x03);
    c = parsed(",,0xe000", 0);                  /* a PCI card's I/O BAR */
    assert_int_equal(c.port, 0xe000);
    assert_int_equal(c.baud, 115200);
    c = parsed("115200,8n1,1280", 0);           /* decimal too */
    assert_int_equal(c.port, 0x500);
    c = parsed("115200,8n1,0xfff8", 0);         /* the last 8 ports */
    assert_int_equal(c.port, 0xfff8);
}

static void test_mmio_base(void **state)
{
    struct uart_cfg c = parsed("115200,8n1,mmio:0xfe030000", 0);

    assert_int_equal(c.port, 0);
    assert_int_equal(c.mmio, 0xfe030000);
    assert_int_equal(c.reg_shift, 0);
    assert_null(c.regs);
    c = parsed("115200,8n1,mmio32:0xfe032000", 0);
    assert_int_equal(c.mmio, 0xfe032000);
    assert_int_equal(c.reg_shift, 2);
    c = parsed(",,mmio:0xfed00001", 0);         /* byte registers: any address */
    assert_int_equal(c.mmio, 0xfed00001);
    c = parsed(",,mmio:0xfffffffffffff", 0);    /* just below 2^52 */
    assert_int_equal(c.mmio, 0xfffffffffffffULL);
}

static void test_rejected(void **state)
{
    static const char *const bad[] = {
        "0", "115201", "fast", "115200,8n", "115200,9n1", "115200,4n1",
        "115200,8x1", "115200,8n3", "115200,8n1x", "115200,8n1,0",
        "115200,8n1,0xfff9", "115200,8n1,0x10000", "115200,8n1,port",
        "115200,8n1,mmio:", "115200,8n1,mmio:0", "115200,8n1,mmio:0x10000000000000",
        "115200,8n1,mmio32:0xfe030001", "115200,8n1,mmio32:0xfe030002",
        "115200,8n1,mmio16:0xfe030000", "115200,8n1,0x3f8,4",
        "115200,8n1,0x3f8,", "115200,,,",
    };

    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct uart_cfg c = dflt;

        if (uart_parse(bad[i], &c) != -EINVAL)
            fail_msg("'%s' accepted", bad[i]);
        /* An error changes nothing, even after a good first part. */
        assert_memory_equal(&c, &dflt, sizeof(c));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baud_and_frame),
        cmocka_unit_test(test_io_base),
        cmocka_unit_test(test_mmio_base),
        cmocka_unit_test(test_rejected),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
