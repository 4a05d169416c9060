/* SPDX-License-Identifier: MIT */
/* TSC, reference clocks and the per-CPU one-shot timer. */
#ifndef X86_TIME_H
#define X86_TIME_H

#include <petrel/types.h>

struct acpi_info;

/* drivers/hpet.c: 0 when usable; the main counter runs afterwards. */
int hpet_init(paddr_t base);
uint64_t hpet_read(void);
uint64_t hpet_period_fs(void);          /* femtoseconds per tick */

/* drivers/pit.c: TSC ticks during 'ms' (<= 50) of PIT channel 2, 0 on failure. */
uint64_t pit_measure_tsc(unsigned int ms);

/* arch/x86/tsc.c */
extern uint64_t tsc_hz;
void tsc_init(const struct acpi_info *ai);
void udelay(uint64_t us);
uint64_t tsc_from_us(uint64_t us);
/*
 * System time (ns since boot), as guests see it through pvclock: the TSC
 * scaled by (system_time_mul, system_time_shift) from tsc_at_boot. 0 before
 * tsc_init(). system_time_to_tsc() is the inverse (rounded down).
 */
extern uint64_t tsc_at_boot;
extern uint32_t system_time_mul;
extern int8_t system_time_shift;
uint64_t system_time_ns(void);
uint64_t system_time_at(uint64_t tsc);
uint64_t system_time_to_tsc(uint64_t ns);
uint64_t ns_to_tsc(uint64_t ns);

/*
 * arch/x86/timer.c: per-CPU one-shot on the LAPIC (TSC-deadline if present),
 * under the software timer queues of petrel/timer.h.
 */
void timer_hw_init(void);               /* boot CPU, after tsc_init */
void timer_init_cpu(void);              /* every CPU */
void timer_arm(uint64_t deadline_tsc);  /* 0 disarms */
/* Send CPU 'cpu' a kick IPI (VEC_KICK); any context. */
void smp_send_kick(unsigned int cpu);
/* A struct timer ~1 ms ahead, waited for; true if it ran. */
bool timer_selftest(void);
extern bool timer_tsc_deadline;

#endif
