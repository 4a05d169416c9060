/* SPDX-License-Identifier: MIT */
/*
 * panic(): the hypervisor found a bug in itself. Prints the message, the CPU,
 * registers and a stack trace, stops the other CPUs, then halts or reboots
 * per 'panic=' on the command line. Never for anything a guest can cause.
 */
#ifndef PETREL_PANIC_H
#define PETREL_PANIC_H

#include <petrel/types.h>

__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define BUG()           panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(c)       do { if (unlikely(c)) BUG(); } while (0)
#define ASSERT(c)       do { if (unlikely(!(c))) \
        panic("assertion '%s' failed at %s:%d", #c, __FILE__, __LINE__); } while (0)

#endif
