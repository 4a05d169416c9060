/* SPDX-License-Identifier: MIT */
/* Host-side stand-ins for hypervisor services, shared by the unit tests. */
#ifndef TEST_STUBS_H
#define TEST_STUBS_H

#include <petrel/types.h>

/* Everything printk() was given since the last stub_log_reset(). */
extern char stub_log[65536];
extern unsigned int stub_log_warnings;     /* messages at L_WARN or L_ERR */
void stub_log_reset(void);
bool stub_log_contains(const char *needle);

/*
 * A sparse fake physical address space of 'size' bytes (reserved with mmap,
 * pages appear when touched): phys_to_virt()/virt_to_phys() translate into
 * it. Call again to start afresh.
 */
void stub_phys_init(uint64_t size);

/*
 * Run fn in a child process, which must die by SIGABRT (the stub panic()
 * aborts): a cmocka assertion fails otherwise. The child's stderr is
 * discarded.
 */
void expect_panic(void (*fn)(void));
extern uint8_t *stub_phys_base;

#endif
