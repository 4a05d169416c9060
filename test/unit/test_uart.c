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
#include <petrel/pci.h>
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

static void test_pci_word(void **state)
{
    struct uart_cfg c = parsed("115200,8n1,pci", 0);

    assert_true(c.pci);
    assert_int_equal(c.port, 0);
    assert_int_equal(c.mmio, 0);
    c.pci = true;                                /* a later base wins */
    assert_int_equal(uart_parse(",,0x2f8", &c), 0);
    assert_false(c.pci);
    assert_int_equal(c.port, 0x2f8);
    parsed("115200,8n1,pcie", -EINVAL);
    parsed("115200,8n1,pc", -EINVAL);
}

static struct pci_dev card(uint32_t class, bool io, uint64_t base, uint64_t size)
{
    struct pci_dev d = { .class = class, .nr_bars = 6 };

    d.bar[0].io = io;
    d.bar[0].base = base;
    d.bar[0].size = size;
    return d;
}

static void test_from_pci(void **state)
{
    struct uart_cfg c = dflt;
    struct pci_dev d = card(0x070002, true, 0xc080, 8);

    assert_int_equal(uart_from_pci(&d, &c), 0);
    assert_int_equal(c.port, 0xc080);
    assert_int_equal(c.mmio, 0);
    assert_int_equal(c.baud, 115200);            /* the line settings stay */
    d = card(0x070006, false, 0xfebd6000, 0x1000);
    assert_int_equal(uart_from_pci(&d, &c), 0);
    assert_int_equal(c.port, 0);
    assert_int_equal(c.mmio, 0xfebd6000);
    assert_int_equal(c.reg_shift, 0);

    /* Not a 16550: an 8250 (prog-if 00), a modem (07 03), another class;
     * BAR 0 missing, unassigned, too small, or an I/O BAR past 0xfff8. */
    static const struct { uint32_t class; bool io; uint64_t base, size; } no[] = {
        { 0x070000, true, 0xc080, 8 }, { 0x070001, true, 0xc080, 8 },
        { 0x070007, true, 0xc080, 8 }, { 0x070302, true, 0xc080, 8 },
        { 0x020000, true, 0xc080, 8 }, { 0x070002, true, 0xc080, 0 },
        { 0x070002, true, 0, 8 }, { 0x070002, true, 0xc080, 4 },
        { 0x070002, true, 0xfffc, 8 },
    };
    for (unsigned int i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        c = dflt;
        d = card(no[i].class, no[i].io, no[i].base, no[i].size);
        if (uart_from_pci(&d, &c) != -ENODEV)
            fail_msg("case %u taken", i);
        assert_memory_equal(&c, &dflt, sizeof(c));
    }
    d = card(0x070002, true, 0xc080, 8);
    d.nr_bars = 0;
    assert_int_equal(uart_from_pci(&d, &c), -ENODEV);
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
        cmocka_unit_test(test_pci_word),
        cmocka_unit_test(test_from_pci),
        cmocka_unit_test(test_rejected),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
