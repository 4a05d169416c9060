// SPDX-License-Identifier: MIT
/*
 * The minimal ACPI tables of a PVH domU (acpi.h). Layouts from the ACPI
 * specification (6.x, 5.2.5 RSDP, 5.2.8 XSDT, 5.2.12 MADT, 5.2.12.2
 * Processor Local APIC): all fields little-endian, checksums making the
 * bytes of each structure sum to 0.
 */
#include <string.h>
#include "acpi.h"

#define SDT_HEADER      36
#define MADT_FIXED      (SDT_HEADER + 8)        /* + local APIC address, flags */
#define LAPIC_ENTRY     8
#define RSDP_V1_LEN     20
#define RSDP_LEN        36

static void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static void put64(uint8_t *p, uint64_t v) { put32(p, v); put32(p + 4, v >> 32); }

static uint8_t checksum(const uint8_t *p, size_t n)
{
    uint8_t sum = 0;

    while (n--)
        sum += *p++;
    return (uint8_t)-sum;
}

static void sdt_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "PETREL", 6);                /* OEM id */
    memcpy(t + 16, "PETRELVM", 8);              /* OEM table id */
    put32(t + 24, 1);                           /* OEM revision */
    memcpy(t + 28, "PTRL", 4);                  /* creator id */
    put32(t + 32, 1);                           /* creator revision */
    t[9] = checksum(t, len);                    /* last: covers the body */
}

uint64_t hv_acpi_build(uint8_t *page, uint64_t gpa, unsigned int nr_vcpus)
{
    uint8_t *rsdp = page + HV_ACPI_RSDP_OFF;
    uint8_t *xsdt = page + HV_ACPI_XSDT_OFF;
    uint8_t *madt = page + HV_ACPI_MADT_OFF;
    uint32_t madt_len = MADT_FIXED + nr_vcpus * LAPIC_ENTRY;

    if (nr_vcpus < 1 || nr_vcpus > HV_ACPI_MAX_VCPUS || (gpa & (HV_ACPI_PAGE_SIZE - 1)) ||
        gpa >= 0x100000000ull)
        return 0;
    memset(page, 0, HV_ACPI_PAGE_SIZE);

    /* MADT: the local APIC address, no flags (no 8259s), one entry per vCPU. */
    put32(madt + SDT_HEADER, HV_ACPI_LAPIC_ADDR);
    put32(madt + SDT_HEADER + 4, 0);
    for (unsigned int i = 0; i < nr_vcpus; i++) {
        uint8_t *e = madt + MADT_FIXED + i * LAPIC_ENTRY;

        e[0] = 0;                               /* type: processor local APIC */
        e[1] = LAPIC_ENTRY;
        e[2] = i;                               /* ACPI processor UID */
        e[3] = i;                               /* APIC id */
        put32(e + 4, 1);                        /* enabled */
    }
    sdt_header(madt, "APIC", madt_len, 4);

    /* XSDT: one entry, the MADT. */
    put64(xsdt + SDT_HEADER, gpa + HV_ACPI_MADT_OFF);
    sdt_header(xsdt, "XSDT", SDT_HEADER + 8, 1);

    /* RSDP, revision 2: the XSDT's address, no RSDT. */
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "PETREL", 6);
    rsdp[15] = 2;
    put32(rsdp + 16, 0);
    put32(rsdp + 20, RSDP_LEN);
    put64(rsdp + 24, gpa + HV_ACPI_XSDT_OFF);
    rsdp[8] = checksum(rsdp, RSDP_V1_LEN);
    rsdp[32] = checksum(rsdp, RSDP_LEN);
    return gpa + HV_ACPI_RSDP_OFF;
}
