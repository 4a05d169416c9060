/* SPDX-License-Identifier: MIT */
/*
 * printk: the hypervisor's log. A message may start with a level tag
 * (L_ERR ... L_DEBUG); untagged messages are L_INFO. Messages above the
 * 'loglvl=' threshold are dropped. Every line gets a time stamp.
 * Safe from any context after console_init(); serialised by a spinlock that
 * panic() may break.
 */
#ifndef PETREL_PRINTK_H
#define PETREL_PRINTK_H

#include <petrel/types.h>

#define L_ERR   "\001" "0"
#define L_WARN  "\001" "1"
#define L_INFO  "\001" "2"
#define L_DEBUG "\001" "3"

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void printk(const char *fmt, ...) __printf(1, 2);
/*
 * Bytes to the console as they are: no prefix, not kept in the ring (the
 * control domain's console_io output). A printk line after a partial raw
 * line starts on a new line.
 */
void printk_raw(const char *s, size_t len);

#define PRINTK_RING_SIZE    32768   /* bytes of log kept; a power of two */

/* Read the log ring by stream position: a ctl_ring_read_fn (petrel/ctl_ring.h,
 * 'ring' unused) for PETREL_SYSCTL_readconsole. */
uint32_t printk_ring_read(void *ring, uint64_t *index, char *dst, uint32_t want,
                          uint64_t *lost);

#define pr_err(...)     printk(L_ERR __VA_ARGS__)
#define pr_warn(...)    printk(L_WARN __VA_ARGS__)
#define pr_info(...)    printk(L_INFO __VA_ARGS__)
#define pr_debug(...)   printk(L_DEBUG __VA_ARGS__)

#endif
