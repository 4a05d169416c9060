// SPDX-License-Identifier: MIT
/*
 * printk for the hypervisor's loader code compiled into the toolstack
 * (common/elf.c, arch/x86/hvm/pvh.c): the builder turns its last message
 * into the error it reports (build.h: hv_kmsg_last).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <petrel/printk.h>
#include "build.h"

#define KMSG_MAX        200

static char kmsg[KMSG_MAX];

void printk(const char *fmt, ...)
{
    char buf[KMSG_MAX];
    const char *s = buf;
    size_t n;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (s[0] == '\001' && s[1])
        s += 2;                         /* the level tag: L_WARN etc. */
    n = strlen(s);
    while (n && s[n - 1] == '\n')
        n--;
    memcpy(kmsg, s, n);
    kmsg[n] = '\0';
}

const char *hv_kmsg_last(void)
{
    return kmsg;
}

void hv_kmsg_clear(void)
{
    kmsg[0] = '\0';
}
