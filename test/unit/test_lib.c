/* SPDX-License-Identifier: MIT */
/* Unit tests: Petrel's string functions, vsnprintf and parse_u64 vs. libc. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib_rename.h"
#include <petrel/lib.h>

/* From here on, plain names are the host's, petrel_ names are Petrel's. */
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef vsnprintf
#undef snprintf

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

/* ---- memory and string functions -------------------------------------- */

static void test_memcpy(void **state)
{
    unsigned char src[96], ours[96], host[96];
    size_t n, so, d;

    for (n = 0; n < sizeof(src); n++)
        src[n] = (unsigned char)(n * 7 + 1);
    for (n = 0; n <= 64; n++)
        for (so = 0; so < 8; so++)
            for (d = 0; d < 8; d++) {
                memset(ours, 0xee, sizeof(ours));
                memset(host, 0xee, sizeof(host));
                assert_ptr_equal(petrel_memcpy(ours + d, src + so, n), ours + d);
                memcpy(host + d, src + so, n);
                assert_memory_equal(ours, host, sizeof(ours));
            }
}

static void test_memset(void **state)
{
    static const int values[] = { 0, 0xa5, 0xff, 0x1ff, -1, 0x100 };
    unsigned char ours[80], host[80];
    size_t i, n, d;

    for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
        for (n = 0; n <= 64; n++)
            for (d = 0; d < 8; d++) {
                memset(ours, 0x11, sizeof(ours));
                memset(host, 0x11, sizeof(host));
                assert_ptr_equal(petrel_memset(ours + d, values[i], n), ours + d);
                memset(host + d, values[i], n);
                assert_memory_equal(ours, host, sizeof(ours));
            }
}

/* Every overlap, both directions: src and dst in one buffer. */
static void test_memmove(void **state)
{
    unsigned char init[64], ours[64], host[64];
    size_t n, s, d;

    for (n = 0; n < sizeof(init); n++)
        init[n] = (unsigned char)(n + 1);
    for (n = 0; n <= 24; n++)
        for (s = 0; s + n <= sizeof(init); s += 3)
            for (d = 0; d + n <= sizeof(init); d++) {
                memcpy(ours, init, sizeof(init));
                memcpy(host, init, sizeof(init));
                assert_ptr_equal(petrel_memmove(ours + d, ours + s, n), ours + d);
                memmove(host + d, host + s, n);
                assert_memory_equal(ours, host, sizeof(ours));
            }
}

static void test_memcmp(void **state)
{
    static const struct { const char *a, *b; size_t n; } cases[] = {
        { "abc", "abc", 3 }, { "abc", "abd", 3 }, { "abd", "abc", 3 },
        { "abc", "abd", 2 }, { "a", "b", 0 }, { "\x80", "\x01", 1 },
        { "\x01", "\xff", 1 }, { "ab\0c", "ab\0d", 4 }, { "xyz", "xYz", 3 },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(sign(petrel_memcmp(cases[i].a, cases[i].b, cases[i].n)),
                         sign(memcmp(cases[i].a, cases[i].b, cases[i].n)));
    assert_true(petrel_memcmp("\x80", "\x01", 1) > 0);     /* unsigned bytes */
    assert_true(petrel_memcmp("abc", "abd", 3) < 0);
}

static void test_strlen(void **state)
{
    static const char *const strs[] = { "", "a", "hello", "tab\tand\nnl",
                                        "\xe9t\xe9", "0123456789abcdef0" };
    char *raw = malloc(5);          /* not terminated: ASan checks strnlen */
    size_t i, max;

    for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        assert_int_equal(petrel_strlen(strs[i]), strlen(strs[i]));
        for (max = 0; max < 20; max++)
            assert_int_equal(petrel_strnlen(strs[i], max),
                             strnlen(strs[i], max));
    }
    memcpy(raw, "abcde", 5);
    assert_int_equal(petrel_strnlen(raw, 5), 5);
    assert_int_equal(petrel_strnlen(raw, 3), 3);
    free(raw);
}

static void test_strcmp(void **state)
{
    static const char *const strs[] = { "", "a", "b", "ab", "abc", "abd",
                                        "ABC", "\x80", "\x7f", "abc\xff" };
    size_t i, j, n;
    const size_t nr = sizeof(strs) / sizeof(strs[0]);

    for (i = 0; i < nr; i++)
        for (j = 0; j < nr; j++) {
            assert_int_equal(sign(petrel_strcmp(strs[i], strs[j])),
                             sign(strcmp(strs[i], strs[j])));
            for (n = 0; n < 6; n++)
                assert_int_equal(sign(petrel_strncmp(strs[i], strs[j], n)),
                                 sign(strncmp(strs[i], strs[j], n)));
        }
    assert_true(petrel_strcmp("\x80", "a") > 0);            /* unsigned chars */
    assert_int_equal(petrel_strncmp("abcX", "abcY", 3), 0);
    assert_int_equal(petrel_strncmp("ab", "ab", (size_t)-1), 0);
}

static void test_strchr(void **state)
{
    static const char s[] = "hello, w\xe9rld";
    static const int chars[] = { 'h', 'l', 'o', 'd', 'z', '\0', ',', 0xe9,
                                 0x100 + 'l', -23 };
    size_t i;

    for (i = 0; i < sizeof(chars) / sizeof(chars[0]); i++)
        assert_ptr_equal(petrel_strchr(s, chars[i]), strchr(s, chars[i]));
    assert_ptr_equal(petrel_strchr(s, 'l'), s + 2);
    assert_ptr_equal(petrel_strchr(s, '\0'), s + strlen(s));
    assert_null(petrel_strchr(s, 'z'));
    assert_null(petrel_strchr("", 'a'));
}

/* ---- vsnprintf against the host's --------------------------------------- */

#define BUF 512

/* Format into 'size' bytes of a BUF-byte buffer, both ways; compare all. */
static void compare_v(size_t size, const char *fmt, va_list ap)
{
    char ours[BUF], host[BUF];
    int n_ours, n_host;
    va_list ap2;

    va_copy(ap2, ap);
    memset(ours, 'X', sizeof(ours));
    memset(host, 'X', sizeof(host));
    n_ours = petrel_vsnprintf(ours, size, fmt, ap);
    n_host = vsnprintf(host, size, fmt, ap2);
    va_end(ap2);
    if (n_ours != n_host || memcmp(ours, host, sizeof(ours)) != 0)
        fail_msg("format \"%s\", size %zu: ours %d \"%.*s\", host %d \"%.*s\"",
                 fmt, size, n_ours, (int)size, ours, n_host, (int)size, host);
}

static void check_fmt(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    compare_v(BUF, fmt, ap);
    va_end(ap);
}

/* Compare at every buffer size from 0 to two past the output's length. */
static void check_trunc(const char *fmt, ...)
{
    va_list ap;
    int len;
    size_t size;

    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    for (size = 0; size <= (size_t)len + 2; size++) {
        va_start(ap, fmt);
        compare_v(size, fmt, ap);
        va_end(ap);
    }
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_vsnprintf_int(void **state)
{
    static const char *const fmts[] = {
        "%d", "%i", "%u", "%x", "%X", "%o", "[%d]", "%1d", "%12d", "%-12i|",
        "%5d", "%-5d|", "%05d", "%+d", "% d", "%+5d", "%-+5d|", "% 05d",
        "%+05d", "%0-5d|", "%.3d", "%8.3d", "%-8.3d|", "%08.3d", "%.0d",
        "%+.0d", "% .0d", "%5.0d", "%#x", "%#X", "%#o", "%#8x", "%#-8x|",
        "%#08x", "%#.0x", "%#.0o", "%#5o", "%#.3o", "%#.8o", "%.5x", "%08X",
        "%012u", "%+u", "% x", "%hd", "%hu", "%hx", "%hhd", "%hhu", "%hhx",
        "%ho", "%hho", "%#hhx", "%+hhd", "%.10hd",
    };
    static const int vals[] = {
        0, 1, -1, 7, -7, 8, 42, -42, 99, 100, 127, -128, 128, 255, 256,
        -255, 32767, -32768, 65535, 65536, 123456, -123456, 01234567,
        INT_MAX, INT_MIN, INT_MAX - 1, INT_MIN + 1,
    };
    size_t f, v;

    for (f = 0; f < N(fmts); f++)
        for (v = 0; v < N(vals); v++)
            check_fmt(fmts[f], vals[v]);
}

static void test_vsnprintf_long(void **state)
{
    static const char *const fmts[] = {
        "%ld", "%li", "%lu", "%lx", "%lX", "%lo", "%lld", "%lli", "%llu",
        "%llx", "%llX", "%llo", "%#llx", "%#llo", "%25lld", "%-25lld|",
        "%025llx", "%+lld", "% lld", "%.20lld", "%-+22.19lld|", "%jd", "%ju",
        "%jx", "%zd", "%zu", "%zx", "%#zo", "%td", "%tx", "%+.0ld", "%#.0lx",
    };
    static const long long vals[] = {
        0, 1, -1, 42, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1,
        0x123456789abcdef0LL, -0x123456789abcdefLL, 4294967295LL,
        4294967296LL, -4294967296LL, 1000000000000000000LL,
        (long long)0xffffffff00000000ULL, 0x8000,
    };
    size_t f, v;

    BUILD_BUG_ON(sizeof(long) != sizeof(long long));
    BUILD_BUG_ON(sizeof(size_t) != sizeof(long long));
    for (f = 0; f < N(fmts); f++)
        for (v = 0; v < N(vals); v++)
            check_fmt(fmts[f], vals[v]);
}

static void test_vsnprintf_string(void **state)
{
    static const char *const fmts[] = {
        "%s", "%10s", "%-10s|", "%.3s", "%10.3s", "%-10.3s|", "%.0s",
        "%.10s", "%1s", "%.20s", "<%s>", "%5.5s",
    };
    static const char *const vals[] = {
        "", "a", "hello", "hello, world", "0123456789", "tab\there",
        "\xe9t\xe9",
    };
    size_t f, v;

    for (f = 0; f < N(fmts); f++)
        for (v = 0; v < N(vals); v++)
            check_fmt(fmts[f], vals[v]);
    /* NULL: glibc agrees while the precision does not cut "(null)". */
    for (f = 0; f < 3; f++)
        check_fmt(fmts[f], NULL);
}

static void test_vsnprintf_char(void **state)
{
    static const char *const fmts[] = { "%c", "%3c", "%-3c|", "<%c>", "%1c" };
    static const int vals[] = { 'a', 'Z', ' ', '%', 0x7f, 0, 0xe9, 0x141 };
    size_t f, v;

    for (f = 0; f < N(fmts); f++)
        for (v = 0; v < N(vals); v++)
            check_fmt(fmts[f], vals[v]);
}

static void test_vsnprintf_pointer(void **state)
{
    static const char *const fmts[] = { "%p", "%20p", "%-20p|", "%5p", "%1p",
                                        "<%p>", "%020p", "%.20p", "%+p",
                                        "% p", "%-+24.18p|" };
    int local;
    void *const vals[] = {
        NULL, (void *)1, (void *)0xdeadbeef, (void *)UINTPTR_MAX,
        (void *)0xffff800000000000, &local,
    };
    size_t f, v;

    for (f = 0; f < N(fmts); f++)
        for (v = 0; v < N(vals); v++)
            check_fmt(fmts[f], vals[v]);
}

static void test_vsnprintf_star(void **state)
{
    static const int widths[] = { -12, -5, -1, 0, 1, 5, 12 };
    static const int precs[] = { -3, -1, 0, 1, 2, 4, 9 };
    size_t w, p;

    for (w = 0; w < N(widths); w++)
        for (p = 0; p < N(precs); p++) {
            check_fmt("%*.*d|", widths[w], precs[p], -42);
            check_fmt("%*.*x|", widths[w], precs[p], 0);
            check_fmt("%0*.*u|", widths[w], precs[p], 7u);
            check_fmt("%*.*s|", widths[w], precs[p], "hello");
            check_fmt("%-*.*s|", widths[w], precs[p], "hi");
        }
    check_fmt("%*c|", 3, 'x');
    check_fmt("%*c|", -3, 'x');
    check_fmt("%0*x", 8, 0xbeefu);
    check_fmt("%*d", 0, 0);
}

static void test_vsnprintf_mixed(void **state)
{
    check_fmt("");
    check_fmt("no conversions at all");
    check_fmt("100%%");
    check_fmt("%%%d%%", 5);
    check_fmt("a%db%sc%%d%5.2xe", 1, "two", 3u);
    check_fmt("%s=%d (%#x) %c%c", "key", -3, 255u, 'o', 'k');
    check_fmt("%lu/%zu/%hhu/%ju", 1ul, (size_t)2, (unsigned char)3,
              (uintmax_t)4);
    check_fmt("[%-8s|%8s|%08.3d|%-#6o]", "left", "right", 12, 8u);
    check_fmt("%c%c%c%c", 'P', 'e', 't', 'r');
}

static void test_vsnprintf_truncation(void **state)
{
    char buf[8];

    check_trunc("hello");
    check_trunc("%d", -1234567);
    check_trunc("%s|%5d|%-4x|", "abc", 42, 0xfu);
    check_trunc("%c%c%c", 'a', 'b', 'c');
    check_trunc("%20p", (void *)0x1234);
    check_trunc("");
    assert_int_equal(petrel_snprintf(NULL, 0, "%d", 12345), 5);
    memset(buf, 'X', sizeof(buf));
    assert_int_equal(petrel_snprintf(buf, 1, "%s", "long string"), 11);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], 'X');
    assert_int_equal(petrel_snprintf(buf, sizeof(buf), "%s", "1234567890"), 10);
    assert_string_equal(buf, "1234567");
}

/* Cases C leaves undefined; non-literal formats keep -Wformat quiet. */
static void test_vsnprintf_own_choices(void **state)
{
    static const char *const fmts[] = { "%y|", "%5y|", "abc%", "%n|", "%05s|",
                                        "%.3s|", "%05c|", "%08p|" };
    static const char *const want[] = { "%y|", "%5y|", "abc%", "%n|",
                                        "   ab|", "(nu|", "    c|",
                                        "   (nil)|" };
    char buf[64];
    int written = 12345;
    const char *raw = "abcdef";     /* read only 3 bytes of it */
    void *volatile null = NULL;     /* hidden from -Wformat-overflow */

    assert_int_equal(petrel_snprintf(buf, sizeof(buf), fmts[0], 1), 3);
    assert_string_equal(buf, want[0]);
    petrel_snprintf(buf, sizeof(buf), fmts[1], 1);
    assert_string_equal(buf, want[1]);
    petrel_snprintf(buf, sizeof(buf), fmts[2], 1);
    assert_string_equal(buf, want[2]);
    petrel_snprintf(buf, sizeof(buf), fmts[3], &written);
    assert_string_equal(buf, want[3]);
    assert_int_equal(written, 12345);           /* %n writes nothing */
    petrel_snprintf(buf, sizeof(buf), fmts[4], "ab");
    assert_string_equal(buf, want[4]);
    petrel_snprintf(buf, sizeof(buf), fmts[5], null);
    assert_string_equal(buf, want[5]);
    petrel_snprintf(buf, sizeof(buf), fmts[6], 'c');
    assert_string_equal(buf, want[6]);
    petrel_snprintf(buf, sizeof(buf), fmts[7], null);
    assert_string_equal(buf, want[7]);
    petrel_snprintf(buf, sizeof(buf), "%.*s", 3, raw);
    assert_string_equal(buf, "abc");
}

/* %.*s must not read past the precision: ASan watches the buffer's end. */
static void test_vsnprintf_unterminated(void **state)
{
    char *raw = malloc(4);
    char buf[16];

    memcpy(raw, "wxyz", 4);
    assert_int_equal(petrel_snprintf(buf, sizeof(buf), "[%.*s]", 4, raw), 6);
    assert_string_equal(buf, "[wxyz]");
    assert_int_equal(petrel_snprintf(buf, sizeof(buf), "[%6.2s]", raw), 8);
    assert_string_equal(buf, "[    wx]");
    free(raw);
}

/* ---- parse_u64 ------------------------------------------------------------ */

struct u64_case {
    const char *s;
    bool suffix;
    int rc;
    uint64_t val;
};

static void check_u64(const struct u64_case *c)
{
    uint64_t v = 0x5a5a5a5a5a5a5a5aULL;
    int rc = parse_u64(c->s, strlen(c->s), c->suffix, &v);

    if (rc != c->rc)
        fail_msg("parse_u64(\"%s\", %d): rc %d, want %d", c->s, c->suffix,
                 rc, c->rc);
    /* On failure *out is left alone. */
    assert_int_equal(v, rc ? 0x5a5a5a5a5a5a5a5aULL : c->val);
}

static void test_parse_u64(void **state)
{
    static const struct u64_case cases[] = {
        { "0", false, 0, 0 }, { "1", false, 0, 1 }, { "010", false, 0, 10 },
        { "1234567890", false, 0, 1234567890 },
        { "18446744073709551615", false, 0, UINT64_MAX },
        { "18446744073709551616", false, -1, 0 },
        { "99999999999999999999", false, -1, 0 },
        { "0x0", false, 0, 0 }, { "0X1f", false, 0, 31 },
        { "0xDeadBeef", false, 0, 0xdeadbeef },
        { "0xffffffffffffffff", false, 0, UINT64_MAX },
        { "0x10000000000000000", false, -1, 0 },
        { "0x00000000000000000001", false, 0, 1 },
        { "", false, -1, 0 }, { "0x", false, -1, 0 }, { "0x", true, -1, 0 },
        { "x", false, -1, 0 }, { "0xg", false, -1, 0 }, { "12a", false, -1, 0 },
        { "ff", false, -1, 0 }, { " 1", false, -1, 0 }, { "1 ", false, -1, 0 },
        { "+1", false, -1, 0 }, { "-1", false, -1, 0 }, { "1.5", false, -1, 0 },
        { "1K", true, 0, 1024 }, { "1k", true, 0, 1024 },
        { "512M", true, 0, 512ULL << 20 }, { "2m", true, 0, 2ULL << 20 },
        { "3G", true, 0, 3ULL << 30 }, { "4g", true, 0, 4ULL << 30 },
        { "0K", true, 0, 0 }, { "0x10M", true, 0, 16ULL << 20 },
        { "16", true, 0, 16 },
        { "17179869183G", true, 0, 17179869183ULL << 30 },
        { "17179869184G", true, -1, 0 },
        { "18014398509481984K", true, -1, 0 },
        { "1K", false, -1, 0 }, { "1KB", true, -1, 0 }, { "K", true, -1, 0 },
        { "1T", true, -1, 0 }, { "1.5M", true, -1, 0 }, { "1KK", true, -1, 0 },
        { "0xK", true, -1, 0 },
    };
    size_t i;

    for (i = 0; i < N(cases); i++)
        check_u64(&cases[i]);
}

/* The length bounds the parse: no NUL needed, and none accepted. */
static void test_parse_u64_len(void **state)
{
    uint64_t v = 0;

    assert_int_equal(parse_u64("123abc", 3, false, &v), 0);
    assert_int_equal(v, 123);
    assert_int_equal(parse_u64("4Kxyz", 2, true, &v), 0);
    assert_int_equal(v, 4096);
    assert_int_equal(parse_u64("0x12", 2, false, &v), -1);
    assert_int_equal(parse_u64("0x12", 3, false, &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(parse_u64("1\0", 2, false, &v), -1);
    assert_int_equal(parse_u64(NULL, 0, false, &v), -1);
    assert_int_equal(v, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memcpy),
        cmocka_unit_test(test_memset),
        cmocka_unit_test(test_memmove),
        cmocka_unit_test(test_memcmp),
        cmocka_unit_test(test_strlen),
        cmocka_unit_test(test_strcmp),
        cmocka_unit_test(test_strchr),
        cmocka_unit_test(test_vsnprintf_int),
        cmocka_unit_test(test_vsnprintf_long),
        cmocka_unit_test(test_vsnprintf_string),
        cmocka_unit_test(test_vsnprintf_char),
        cmocka_unit_test(test_vsnprintf_pointer),
        cmocka_unit_test(test_vsnprintf_star),
        cmocka_unit_test(test_vsnprintf_mixed),
        cmocka_unit_test(test_vsnprintf_truncation),
        cmocka_unit_test(test_vsnprintf_own_choices),
        cmocka_unit_test(test_vsnprintf_unterminated),
        cmocka_unit_test(test_parse_u64),
        cmocka_unit_test(test_parse_u64_len),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
