/* SPDX-License-Identifier: MIT */
/* Layouts of the ACPI tables that drivers/acpi.c reads (ACPI 6.5, chapter 5.2). */
#ifndef DRIVERS_ACPI_TABLES_H
#define DRIVERS_ACPI_TABLES_H

#include <petrel/acpi.h>


struct acpi_rsdp {                      /* 5.2.5.3 */
    char signature[8];                  /* "RSD PTR " */
    uint8_t checksum;                   /* over the first 20 bytes */
    char oem_id[6];
    uint8_t revision;
    uint32_t rsdt_pa;
    uint32_t length;                    /* revision >= 2 from here on */
    uint64_t xsdt_pa;
    uint8_t ext_checksum;               /* over 'length' bytes */
    uint8_t reserved[3];
} __packed;
BUILD_BUG_ON(sizeof(struct acpi_rsdp) != 36);

struct acpi_header {                    /* 5.2.6 */
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
} __packed;
BUILD_BUG_ON(sizeof(struct acpi_header) != 36);

struct acpi_madt {                      /* 5.2.12 */
    struct acpi_header h;
    uint32_t lapic_base;
    uint32_t flags;
} __packed;
BUILD_BUG_ON(sizeof(struct acpi_madt) != 44);

#define MADT_PCAT_COMPAT        BIT(0)
#define MADT_CPU_ENABLED        BIT(0)
#define MADT_CPU_ONLINE_CAPABLE BIT(1)

struct madt_entry {
    uint8_t type;
    uint8_t length;
} __packed;

enum {
    MADT_LAPIC = 0, MADT_IOAPIC = 1, MADT_OVERRIDE = 2,
    MADT_LAPIC_ADDR = 5, MADT_X2APIC = 9,
};

struct madt_lapic {
    struct madt_entry e;
    uint8_t uid;
    uint8_t apic_id;
    uint32_t flags;
} __packed;
BUILD_BUG_ON(sizeof(struct madt_lapic) != 8);

struct madt_ioapic {
    struct madt_entry e;
    uint8_t id;
    uint8_t reserved;
    uint32_t address;
    uint32_t gsi_base;
} __packed;
BUILD_BUG_ON(sizeof(struct madt_ioapic) != 12);

struct madt_override {
    struct madt_entry e;
    uint8_t bus;
    uint8_t source;
    uint32_t gsi;
    uint16_t flags;
} __packed;
BUILD_BUG_ON(sizeof(struct madt_override) != 10);

struct madt_lapic_addr {
    struct madt_entry e;
    uint16_t reserved;
    uint64_t address;
} __packed;
BUILD_BUG_ON(sizeof(struct madt_lapic_addr) != 12);

struct madt_x2apic {
    struct madt_entry e;
    uint16_t reserved;
    uint32_t x2apic_id;
    uint32_t flags;
    uint32_t uid;
} __packed;
BUILD_BUG_ON(sizeof(struct madt_x2apic) != 16);


struct acpi_fadt {                      /* 5.2.9, revision 6 */
    struct acpi_header h;
    uint32_t firmware_ctrl;
    uint32_t dsdt;
    uint8_t int_model;
    uint8_t pm_profile;
    uint16_t sci_int;
    uint32_t smi_cmd;
    uint8_t acpi_enable;
    uint8_t acpi_disable;
    uint8_t s4bios_req;
    uint8_t pstate_cnt;
    uint32_t pm1a_evt_blk, pm1b_evt_blk;
    uint32_t pm1a_cnt_blk, pm1b_cnt_blk;
    uint32_t pm2_cnt_blk, pm_tmr_blk;
    uint32_t gpe0_blk, gpe1_blk;
    uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
    uint8_t gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
    uint16_t p_lvl2_lat, p_lvl3_lat;
    uint16_t flush_size, flush_stride;
    uint8_t duty_offset, duty_width;
    uint8_t day_alrm, mon_alrm, century;
    uint16_t iapc_boot_arch;            /* revision >= 2 */
    uint8_t reserved;
    uint32_t flags;
    struct acpi_gas reset_reg;          /* revision >= 2 */
    uint8_t reset_value;
    uint16_t arm_boot_arch;
    uint8_t minor_revision;
    uint64_t x_firmware_ctrl;           /* revision >= 3 */
    uint64_t x_dsdt;
    struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk;
    struct acpi_gas x_pm1a_cnt_blk, x_pm1b_cnt_blk;
    struct acpi_gas x_pm2_cnt_blk, x_pm_tmr_blk;
    struct acpi_gas x_gpe0_blk, x_gpe1_blk;
    struct acpi_gas sleep_control_reg;  /* revision >= 5 */
    struct acpi_gas sleep_status_reg;
    uint64_t hypervisor_vendor;         /* revision >= 6 */
} __packed;
BUILD_BUG_ON(sizeof(struct acpi_fadt) != 276);
BUILD_BUG_ON(offsetof(struct acpi_fadt, flags) != 112);
BUILD_BUG_ON(offsetof(struct acpi_fadt, x_pm1a_cnt_blk) != 172);

#define FADT_RESET_REG_SUP      BIT(10)
#define FADT_HW_REDUCED_ACPI    BIT(20)

/* Whether 'field' lies wholly inside a FADT of 'len' bytes. */
#define FADT_HAS(len, field) \
    (offsetof(struct acpi_fadt, field) + \
     sizeof(((struct acpi_fadt *)0)->field) <= (len))

struct acpi_hpet {                      /* IA-PC HPET spec 1.0a, 3.2.4 */
    struct acpi_header h;
    uint32_t block_id;
    struct acpi_gas base;
    uint8_t number;
    uint16_t min_tick;
    uint8_t page_protection;
} __packed;
BUILD_BUG_ON(sizeof(struct acpi_hpet) != 56);

struct acpi_mcfg_table {                /* PCI Firmware spec 3.2, 4.1.2 */
    struct acpi_header h;
    uint8_t reserved[8];
} __packed;
BUILD_BUG_ON(sizeof(struct acpi_mcfg_table) != 44);

struct acpi_mcfg_alloc {
    uint64_t base;
    uint16_t segment;
    uint8_t bus_start;
    uint8_t bus_end;
    uint32_t reserved;
} __packed;
BUILD_BUG_ON(sizeof(struct acpi_mcfg_alloc) != 16);

#endif
