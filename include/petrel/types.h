/* SPDX-License-Identifier: MIT */
/* Basic types and helpers shared by every part of Petrel (and host tests). */
#ifndef PETREL_TYPES_H
#define PETREL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;       /* a physical address */
typedef uint64_t pfn_t;         /* a physical frame number (paddr >> 12) */

#define PAGE_SHIFT      12
#define PAGE_SIZE       (1UL << PAGE_SHIFT)
#define PAGE_MASK       (~(PAGE_SIZE - 1))

#define KiB(x)          ((uint64_t)(x) << 10)
#define MiB(x)          ((uint64_t)(x) << 20)
#define GiB(x)          ((uint64_t)(x) << 30)

#define ALIGN_UP(x, a)      (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a)    ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)    (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define ARRAY_SIZE(a)       (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)           ((a) < (b) ? (a) : (b))
#define MAX(a, b)           ((a) > (b) ? (a) : (b))
#define BIT(n)              (1UL << (n))

#define __packed            __attribute__((packed))
#define __aligned(n)        __attribute__((aligned(n)))
#define __noreturn          __attribute__((noreturn))
#define __noinline          __attribute__((noinline))
#define __unused            __attribute__((unused))
#define __section(s)        __attribute__((section(s)))
#define __printf(a, b)      __attribute__((format(printf, a, b)))
#define likely(x)           __builtin_expect(!!(x), 1)
#define unlikely(x)         __builtin_expect(!!(x), 0)

#define BUILD_BUG_ON(cond)  _Static_assert(!(cond), #cond)

#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))

#endif
