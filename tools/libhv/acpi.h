/* SPDX-License-Identifier: MIT */
/*
 * The minimal ACPI tables a PVH domU is given (docs/linux.md): an RSDP, an
 * XSDT and a MADT with one enabled local APIC per vCPU (APIC id = vCPU id,
 * the id the vLAPIC and CPUID report) and no I/O APIC, as Xen's toolstack
 * gives a PVH guest. Linux needs the MADT: without one it takes the APIC
 * mode that never sets up Xen's clockevent and finds only one CPU. Pure:
 * builds the bytes of one page; the builder copies it into the guest.
 */
#ifndef LIBHV_ACPI_H
#define LIBHV_ACPI_H

#include <stddef.h>
#include <stdint.h>

#define HV_ACPI_GFN             0xfc000ull      /* 0xfc000000, as Xen's */
#define HV_ACPI_PAGE_SIZE       4096u
#define HV_ACPI_MAX_VCPUS       64
#define HV_ACPI_LAPIC_ADDR      0xfee00000u
/* Offsets of the tables in the page. */
#define HV_ACPI_RSDP_OFF        0
#define HV_ACPI_XSDT_OFF        64
#define HV_ACPI_MADT_OFF        128

/*
 * Write the tables for nr_vcpus vCPUs (1 to HV_ACPI_MAX_VCPUS) into page
 * (HV_ACPI_PAGE_SIZE bytes, zeroed first), which the guest sees at
 * guest-physical gpa (page-aligned). Returns the RSDP's guest-physical
 * address, or 0 when nr_vcpus or gpa is out of range.
 */
uint64_t hv_acpi_build(uint8_t *page, uint64_t gpa, unsigned int nr_vcpus);

#endif
