/* SPDX-License-Identifier: MIT */
/* Test guests: the string functions the tests and the compiler use. */
#include "test.h"

/* Eight bytes a step (rep stosq / movsq), then the tail: dom0's backends
 * copy whole pages with these, and a byte loop cost ~20000 instructions a
 * page (docs/performance.md). */
void *memset(void *s, int c, size_t n)
{
    uint64_t v = 0x0101010101010101ull * (unsigned char)c;
    void *p = s;
    size_t q = n / 8, r = n % 8;

    __asm__ volatile("rep stosq" : "+D"(p), "+c"(q) : "a"(v) : "memory");
    __asm__ volatile("rep stosb" : "+D"(p), "+c"(r) : "a"(v) : "memory");
    return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
    void *dp = d;
    const void *sp = s;
    size_t q = n / 8, r = n % 8;

    __asm__ volatile("rep movsq" : "+D"(dp), "+S"(sp), "+c"(q) : : "memory");
    __asm__ volatile("rep movsb" : "+D"(dp), "+S"(sp), "+c"(r) : : "memory");
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *ap = a, *bp = b;

    for (; n; n--, ap++, bp++)
        if (*ap != *bp)
            return *ap - *bp;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, (size_t)-1);
}
