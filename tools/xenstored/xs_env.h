/* SPDX-License-Identifier: MIT */
/*
 * What the xenstore library takes from its environment: fixed-width types
 * and a dozen libc functions. On the host (unit tests) they come from libc;
 * in dom0 (built with -DXS_FREESTANDING -ffreestanding -nostdinc) the
 * compiler's own headers give the types and dom0 links the functions.
 * Nothing else is used: no stdio streams, no errno, no globals.
 */
#ifndef XS_ENV_H
#define XS_ENV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef XS_FREESTANDING
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);
#else
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#endif

#endif
