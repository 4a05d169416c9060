/* SPDX-License-Identifier: MIT */
/*
 * Console input (common/console_input.c): serial bytes for the control
 * domain (CONSOLEIO_read, VIRQ_CONSOLE) or for Petrel's debug keys.
 */
#ifndef PETREL_CONSOLE_INPUT_H
#define PETREL_CONSOLE_INPUT_H

#include <petrel/types.h>

/*
 * console_input_init(): once the local APIC and the timers are up, route the console UART's
 * receive interrupt to the boot CPU (through the I/O APIC), or poll it
 * every 20 ms when there is none. Boot CPU, once. console_input_read(): up to
 * 'len' bytes of input waiting for the control domain, copied to guest
 * address 'buf' of v: the count (0: none waiting), or -EFAULT when not
 * even the first byte could be copied (then none is consumed).
 */
struct acpi_info;
struct vcpu;
void console_input_init(const struct acpi_info *ai);
long console_input_read(struct vcpu *v, uint64_t buf, uint32_t len);

#endif
