/* SPDX-License-Identifier: MIT */
/* dom0's <stdio.h>: the test-guest runtime's printf family (console output). */
#ifndef DOM0_STDIO_H
#define DOM0_STDIO_H

#include <stdarg.h>
#include <stddef.h>

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
