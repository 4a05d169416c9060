/* SPDX-License-Identifier: MIT */
/*
 * I/O APICs (drivers/ioapic.c): found in the MADT, every pin masked at
 * boot; a pin is unmasked only when a driver routes an interrupt to it.
 */
#ifndef X86_IOAPIC_H
#define X86_IOAPIC_H

#include <petrel/types.h>

struct acpi_info;

/* Map every I/O APIC the MADT lists and mask all their pins. Returns how
 * many were usable (0: none, callers fall back). Boot CPU, once. */
unsigned int ioapic_init(const struct acpi_info *ai);

/*
 * Route ISA IRQ 'irq' (0-15) to 'vector' on the CPU with APIC id 'apic_id',
 * fixed delivery, physical destination, through the MADT's interrupt
 * source override for it if there is one (edge, active high unless the
 * override says otherwise), and unmask it; with an IOMMU that remaps
 * interrupts, in its remappable form (so route only after iommu_init()).
 * Returns 0, -ENODEV when no I/O APIC has the GSI (none found, or
 * ioapic_init() not run), -EINVAL for a bad irq or an APIC id an I/O APIC
 * cannot name (above 255), -ENOSPC when the IOMMU's table is full. Boot
 * CPU; not concurrent with another route call.
 */
int ioapic_route_isa(unsigned int irq, uint8_t vector, uint32_t apic_id);

#endif
