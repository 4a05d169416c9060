/* SPDX-License-Identifier: MIT */
/* Memory and string functions of the hypervisor's C library, and parse_u64(). */
#include <petrel/lib.h>

/*
 * memcpy and memset use the string instructions: short, correct for any
 * alignment, and fast on CPUs with ERMS. They rely on DF being clear, as
 * the SysV ABI guarantees at every call.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;

    asm volatile("rep movsb"
                 : "+D" (d), "+S" (src), "+c" (n) : : "memory");
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;

    asm volatile("rep stosb"
                 : "+D" (d), "+c" (n) : "a" (c) : "memory");
    return dst;
}

/*
 * Copy backwards only when dst overlaps the end of src. The backward loop
 * is plain C rather than 'std; rep movsb' so that an interrupt never sees
 * DF set.
 */
void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x - *y;
    }
    return 0;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while (*p)
        p++;
    return p - s;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, (size_t)-1);
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x - *y;
        if (!*x)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

/* The value of hex digit 'c', or 16 if it is none. */
static unsigned int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 16;
}

/* Power of two of a size suffix (K, M, G, either case), or 0 for none. */
static unsigned int suffix_shift(char c)
{
    switch (c) {
    case 'K': case 'k':
        return 10;
    case 'M': case 'm':
        return 20;
    case 'G': case 'g':
        return 30;
    }
    return 0;
}

/*
 * See lib.h. Suffixes are accepted in either case. No sign, no spaces, no
 * octal: "010" is ten. *out is left alone on failure.
 */
int parse_u64(const char *s, size_t len, bool suffix, uint64_t *out)
{
    unsigned int base = 10, d, shift;
    size_t i = 0;
    uint64_t v = 0;

    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i == len || digit_value(s[i]) >= base)
        return -1;
    for (; i < len && (d = digit_value(s[i])) < base; i++) {
        if (v > (UINT64_MAX - d) / base)
            return -1;
        v = v * base + d;
    }
    if (i < len && suffix && (shift = suffix_shift(s[i]))) {
        if (v > UINT64_MAX >> shift)
            return -1;
        v <<= shift;
        i++;
    }
    if (i != len)
        return -1;
    *out = v;
    return 0;
}
