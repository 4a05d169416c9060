/* SPDX-License-Identifier: MIT */
/* Bringing up the other processors (arch/x86/smp.c). */
#ifndef X86_SMP_H
#define X86_SMP_H

#include <petrel/types.h>

struct acpi_info;

/*
 * Start every enabled processor the MADT lists (at most 'max' in all,
 * counting the boot CPU). An AP that does not report in is logged and left.
 * Returns the number of CPUs online.
 */
unsigned int smp_boot(const struct acpi_info *ai, unsigned int max);
/* Stop every other CPU with an NMI (panic). Safe before SMP is up. */
void smp_stop_others(void);

#endif
