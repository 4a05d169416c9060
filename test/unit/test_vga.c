/* SPDX-License-Identifier: MIT */
/* Unit tests: the VGA text screen (drivers/vga_text.c) on a plain buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <petrel/vga_text.h>
#include "stubs.h"

#define COLS 10
#define ROWS 3

static uint16_t cells[ROWS * COLS + 1];         /* one more: a guard */

static struct vga_text screen(void)
{
    struct vga_text t = { .buf = cells, .cols = COLS, .rows = ROWS, .attr = 0x07 };

    memset(cells, 0xaa, sizeof(cells));
    vga_text_clear(&t);
    return t;
}

static void puts_(struct vga_text *t, const char *s)
{
    while (*s)
        vga_text_putc(t, *s++);
}

/* Row y as text. */
static const char *row(unsigned int y)
{
    static char s[COLS + 1];

    for (unsigned int x = 0; x < COLS; x++) {
        assert_int_equal(cells[y * COLS + x] >> 8, 0x07);
        s[x] = (char)(cells[y * COLS + x] & 0xff);
    }
    s[COLS] = 0;
    return s;
}

static void test_lines(void **state)
{
    struct vga_text t = screen();

    assert_int_equal(cells[ROWS * COLS], 0xaaaa);
    puts_(&t, "ab\ncd\r\nx\ry");
    assert_string_equal(row(0), "ab        ");
    assert_string_equal(row(1), "cd        ");
    assert_string_equal(row(2), "y         ");
    assert_int_equal(t.x, 1);
    assert_int_equal(t.y, 2);
}

static void test_wrap_and_scroll(void **state)
{
    struct vga_text t = screen();

    puts_(&t, "0123456789");                     /* exactly a line: no wrap yet */
    assert_int_equal(t.y, 0);
    assert_int_equal(t.x, COLS);
    puts_(&t, "ABC\n");
    assert_string_equal(row(0), "0123456789");
    assert_string_equal(row(1), "ABC       ");
    puts_(&t, "line3\nline4");                   /* the screen moves up one row */
    assert_string_equal(row(0), "ABC       ");
    assert_string_equal(row(1), "line3     ");
    assert_string_equal(row(2), "line4     ");
    puts_(&t, "\n\n\n\n");
    assert_string_equal(row(0), "          ");
    assert_string_equal(row(2), "          ");
    assert_int_equal(cells[ROWS * COLS], 0xaaaa);  /* never past the end */
}

static void test_tabs_and_bytes(void **state)
{
    struct vga_text t = screen();

    puts_(&t, "a\tb\x01\x7f\xe9");
    assert_string_equal(row(0), "a       b?");
    assert_string_equal(row(1), "??        ");
}

static void test_backspace_and_clamp(void **state)
{
    struct vga_text t = screen();

    puts_(&t, "ab\b\bX\b\b\bY");           /* back to column 0, not past it */
    assert_string_equal(row(0), "Yb        ");
    t.y = ROWS + 5;                             /* a cursor off the screen */
    t.x = COLS + 3;
    puts_(&t, "Z");
    assert_string_equal(row(2), "Z         ");  /* wrapped: scrolled up once */
    assert_string_equal(row(0), "          ");  /* "Yb" gone off the top */
    assert_int_equal(t.y, ROWS - 1);
    assert_int_equal(cells[ROWS * COLS], 0xaaaa);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_wrap_and_scroll),
        cmocka_unit_test(test_tabs_and_bytes),
        cmocka_unit_test(test_backspace_and_clamp),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
