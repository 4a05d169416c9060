// SPDX-License-Identifier: MIT
/* dom0: the C library functions the test-guest runtime does not have. */
#include <stdint.h>
#include <string.h>

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;

    if (dp <= sp || dp >= sp + n)
        return memcpy(d, s, n);         /* memcpy copies upwards */
    while (n--)
        dp[n] = sp[n];
    return d;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}
