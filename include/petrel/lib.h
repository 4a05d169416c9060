/* SPDX-License-Identifier: MIT */
/*
 * The small C library of the hypervisor (common/string.c, common/vsnprintf.c).
 * Names and contracts match ISO C so that the same callers compile against
 * the host libc in unit tests.
 */
#ifndef PETREL_LIB_H
#define PETREL_LIB_H

#include <stdarg.h>
#include <petrel/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * Parse an unsigned number in base 10, or base 16 with a 0x prefix, from
 * s[0..len). An optional K, M or G suffix multiplies by 2^10, 2^20, 2^30
 * when 'suffix' is true. Returns 0 and sets *out, or -1 on malformed input
 * or overflow.
 */
int parse_u64(const char *s, size_t len, bool suffix, uint64_t *out);

#endif
