// SPDX-License-Identifier: MIT
/*
 * Reboot and poweroff. ACPI first (the FADT reset register; S5 through the
 * PM1 control blocks), then the legacy ways: the keyboard controller, port
 * 0xCF9, and at last a triple fault.
 */
#include <petrel/acpi.h>
#include <petrel/printk.h>
#include <petrel/reboot.h>
#include <petrel/vmap.h>
#include <x86/processor.h>
#include <x86/smp.h>
#include <x86/time.h>

#define SLP_EN      (1U << 13)
#define SCI_EN      1U

static const struct acpi_info *acpi;

void reboot_init(const struct acpi_info *ai)
{
    acpi = ai;
}

static void gas_write(const struct acpi_gas *g, uint32_t val)
{
    if (g->space_id == ACPI_GAS_IO && g->address && g->address <= 0xffff) {
        if (g->bit_width == 8)
            outb(g->address, val);
        else if (g->bit_width == 32)
            outl(g->address, val);
        else
            outw(g->address, val);
    } else if (g->space_id == ACPI_GAS_MEM && g->address) {
        volatile uint8_t *p = ioremap(g->address, 4);

        if (p && g->bit_width == 8)
            *p = val;
        else if (p)
            *(volatile uint16_t *)p = val;
    }
}

static uint16_t gas_read16(const struct acpi_gas *g)
{
    if (g->space_id == ACPI_GAS_IO && g->address && g->address <= 0xffff)
        return inw(g->address);
    return 0;
}

static void wait_ms(unsigned int ms)
{
    if (tsc_hz)
        udelay(ms * 1000UL);
}

/* Real firmware may start with ACPI off: ask for it through SMI_CMD. */
static void acpi_enable_mode(void)
{
    if (gas_read16(&acpi->pm1a_cnt) & SCI_EN || !acpi->smi_cmd || !acpi->acpi_enable)
        return;
    outb(acpi->smi_cmd, acpi->acpi_enable);
    for (unsigned int i = 0; i < 300 && !(gas_read16(&acpi->pm1a_cnt) & SCI_EN); i++)
        wait_ms(1);
}

void machine_poweroff(void)
{
    local_irq_disable();
    smp_stop_others();
    if (acpi && acpi->s5_valid && acpi->pm1a_cnt.address) {
        acpi_enable_mode();
        gas_write(&acpi->pm1a_cnt, (acpi->s5_typ_a << 10) | SLP_EN);
        if (acpi->pm1b_cnt.address)
            gas_write(&acpi->pm1b_cnt, (acpi->s5_typ_b << 10) | SLP_EN);
        wait_ms(100);
    }
    printk(L_ERR "petrel: poweroff did not take effect; halting\n");
    halt_forever();
}

void machine_reboot(void)
{
    struct { uint16_t limit; uint64_t base; } __packed no_idt = { 0, 0 };

    local_irq_disable();
    smp_stop_others();
    if (acpi && acpi->reset_supported) {
        gas_write(&acpi->reset_reg, acpi->reset_value);
        wait_ms(50);
    }
    for (unsigned int i = 0; i < 10000 && (inb(0x64) & 0x02); i++)
        ;                           /* keyboard controller input buffer empty */
    outb(0x64, 0xfe);
    wait_ms(50);
    outb(0xcf9, 0x02);
    outb(0xcf9, 0x06);
    wait_ms(50);
    asm volatile("lidt %0; int3" :: "m"(no_idt));
    halt_forever();
}
