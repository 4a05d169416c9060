/* SPDX-License-Identifier: MIT */
/*
 * Console input (common/console_input.c): serial bytes for the control
 * domain (CONSOLEIO_read, VIRQ_CONSOLE) or for Petrel's debug keys.
 */
#ifndef PETREL_CONSOLE_INPUT_H
#define PETREL_CONSOLE_INPUT_H

#include <petrel/types.h>

/*
 * console_input_init(): once the local APIC, the I/O APICs (ioapic_init)
 * and the timers are up, route the console UART's receive interrupt to
 * the boot CPU through the I/O APIC, or poll the UART every 20 ms when no
 * I/O APIC has its IRQ. Boot CPU, once.
 *
 * console_input_read(): CONSOLEIO_read for the control domain: up to 'len'
 * waiting bytes copied to guest address 'buf' of v. Returns the count (0:
 * none waiting), or -EFAULT when not even the first byte could be copied
 * (then none is consumed). Hypercall context, any CPU.
 */
struct vcpu;
void console_input_init(void);
long console_input_read(struct vcpu *v, uint64_t buf, uint32_t len);

#endif
