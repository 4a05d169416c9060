/* SPDX-License-Identifier: MIT */
/* Ending the machine (arch/x86/reboot.c): ACPI first, legacy fallbacks. */
#ifndef PETREL_REBOOT_H
#define PETREL_REBOOT_H

#include <petrel/types.h>

/* FADT reset register, then the keyboard controller, then a triple fault. */
__noreturn void machine_reboot(void);
/* ACPI S5 through PM1a/PM1b control; halts if that does not take. */
__noreturn void machine_poweroff(void);

#endif
