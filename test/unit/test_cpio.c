/* SPDX-License-Identifier: MIT */
/* Unit tests: the cpio "newc" reader of dom0's initrd (tools/dom0/cpio.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <public/errno.h>
#include "../../tools/dom0/cpio.h"

static unsigned char ar[4096];
static size_t ar_len;

/* Append one member as tools/mkcpio writes it; namesize and filesize can
 * be given wrong on purpose (-1: the true value). Returns its offset. */
static size_t add(const char *name, const char *data, uint32_t mode,
                  long namesize, long filesize)
{
    size_t at = ar_len, nlen = strlen(name) + 1, dlen = strlen(data);
    char head[CPIO_HEADER_SIZE + 1];

    snprintf(head, sizeof(head),
             "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
             1, mode, 0, 0, 1, 0, filesize < 0 ? (uint32_t)dlen : (uint32_t)filesize,
             0, 0, 0, 0, namesize < 0 ? (uint32_t)nlen : (uint32_t)namesize, 0);
    memcpy(ar + ar_len, head, CPIO_HEADER_SIZE);
    ar_len += CPIO_HEADER_SIZE;
    memcpy(ar + ar_len, name, nlen);
    ar_len += nlen;
    while (ar_len % 4)
        ar[ar_len++] = 0;
    memcpy(ar + ar_len, data, dlen);
    ar_len += dlen;
    while (ar_len % 4)
        ar[ar_len++] = 0;
    return at;
}

static void good_archive(void)
{
    memset(ar, 0xee, sizeof(ar));
    ar_len = 0;
    add(".", "", CPIO_MODE_DIR | 0755, -1, -1);
    add("hello.cfg", "name = \"hello\"\n", CPIO_MODE_REG | 0644, -1, -1);
    add("boot/k.elf", "ELF!x", CPIO_MODE_REG | 0644, -1, -1);
    add("empty", "", CPIO_MODE_REG | 0644, -1, -1);
    add("TRAILER!!!", "", 0, -1, -1);
}

static void test_walk(void **state)
{
    struct cpio_file f;
    size_t pos = 0, bad;

    good_archive();
    assert_int_equal(cpio_next(ar, ar_len, &pos, &f), 1);
    assert_string_equal(f.name, ".");
    assert_int_equal(f.mode & CPIO_MODE_TYPE, CPIO_MODE_DIR);
    assert_int_equal(cpio_next(ar, ar_len, &pos, &f), 1);
    assert_string_equal(f.name, "hello.cfg");
    assert_int_equal(f.size, 15);
    assert_memory_equal(f.data, "name = \"hello\"\n", 15);
    assert_int_equal(pos % 4, 0);
    assert_int_equal(cpio_next(ar, ar_len, &pos, &f), 1);
    assert_string_equal(f.name, "boot/k.elf");
    assert_int_equal(f.size, 5);
    assert_int_equal(cpio_next(ar, ar_len, &pos, &f), 1);
    assert_string_equal(f.name, "empty");
    assert_int_equal(f.size, 0);
    assert_int_equal(cpio_next(ar, ar_len, &pos, &f), 0);
    assert_int_equal(cpio_check(ar, ar_len, &bad), 0);
}

static void test_find(void **state)
{
    struct cpio_file f;

    good_archive();
    assert_int_equal(cpio_find(ar, ar_len, "boot/k.elf", &f), 0);
    assert_memory_equal(f.data, "ELF!x", 5);
    assert_int_equal(cpio_find(ar, ar_len, "/boot/k.elf", &f), 0);
    assert_int_equal(cpio_find(ar, ar_len, "./hello.cfg", &f), 0);
    assert_int_equal(cpio_find(ar, ar_len, "empty", &f), 0);
    assert_int_equal(f.size, 0);
    assert_int_equal(cpio_find(ar, ar_len, "k.elf", &f), -XEN_ENOENT);
    assert_int_equal(cpio_find(ar, ar_len, ".", &f), -XEN_ENOENT);   /* a directory */
    assert_int_equal(cpio_find(ar, ar_len, "TRAILER!!!", &f), -XEN_ENOENT);
}

/* Every cut of the archive short of the trailer's end is refused, and no
 * byte past the cut is read (ASan: the copy is exactly that long). */
static void test_truncated(void **state)
{
    size_t bad;

    good_archive();
    for (size_t len = 0; len < ar_len - 3; len++) {
        unsigned char *copy = malloc(len ? len : 1);

        memcpy(copy, ar, len);
        assert_int_equal(cpio_check(copy, len, &bad), -XEN_EINVAL);
        assert_true(bad <= len);
        free(copy);
    }
}

static void expect_bad(size_t at)
{
    size_t bad;
    struct cpio_file f;

    assert_int_equal(cpio_check(ar, ar_len, &bad), -XEN_EINVAL);
    assert_int_equal(bad, at);
    assert_int_equal(cpio_find(ar, ar_len, "nothing", &f), -XEN_EINVAL);
}

static void test_hostile(void **state)
{
    size_t at;

    /* Bad magic; a field that is not hex. */
    good_archive();
    ar[0] = '1';
    expect_bad(0);
    ar_len = 0;
    at = add("x", "data", CPIO_MODE_REG, -1, -1);
    ar[at + 6 + 6 * 8 + 3] = 'g';       /* filesize */
    add("TRAILER!!!", "", 0, -1, -1);
    expect_bad(at);
    ar_len = 0;
    add("ok", "", CPIO_MODE_REG, -1, -1);
    at = add("x", "data", CPIO_MODE_REG, -1, -1);
    ar[at + 6 + 11 * 8 + 7] = ' ';      /* namesize */
    add("TRAILER!!!", "", 0, -1, -1);
    expect_bad(at);
    /* A name without its NUL where namesize says. */
    ar_len = 0;
    at = add("abc", "d", CPIO_MODE_REG, 3, -1);
    add("TRAILER!!!", "", 0, -1, -1);
    expect_bad(at);
    /* A NUL inside the name. */
    ar_len = 0;
    at = add("abc", "d", CPIO_MODE_REG, 5, -1);
    add("TRAILER!!!", "", 0, -1, -1);
    expect_bad(at);
    /* Empty name; a name size past the end. */
    ar_len = 0;
    at = add("", "d", CPIO_MODE_REG, -1, -1);
    add("TRAILER!!!", "", 0, -1, -1);
    expect_bad(at);
    ar_len = 0;
    at = add("a", "d", CPIO_MODE_REG, 0x7fffffff, -1);
    expect_bad(at);
    ar_len = 0;
    at = add("a", "d", CPIO_MODE_REG, 0xffffffffL, -1);
    expect_bad(at);
    /* Data sizes past the end, small and huge. */
    ar_len = 0;
    at = add("a", "d", CPIO_MODE_REG, -1, 200);
    add("TRAILER!!!", "", 0, -1, -1);
    expect_bad(at);
    ar_len = 0;
    at = add("a", "d", CPIO_MODE_REG, -1, 0xffffffffL);
    add("TRAILER!!!", "", 0, -1, -1);
    expect_bad(at);
    /* No trailer at all; nothing at all. */
    ar_len = 0;
    at = add("a", "d", CPIO_MODE_REG, -1, -1);
    expect_bad(ar_len);
    ar_len = 0;
    expect_bad(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_walk),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_hostile),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
