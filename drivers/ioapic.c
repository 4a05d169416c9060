// SPDX-License-Identifier: MIT
/*
 * I/O APIC driver: the MADT names each I/O APIC (its MMIO base and first
 * GSI) and the interrupt source overrides that move an ISA IRQ to another
 * GSI or change its polarity and trigger mode. At boot every pin is
 * masked; a pin is programmed only when a driver asks (today the console
 * UART). Registers are reached through IOREGSEL/IOWIN (82093AA datasheet,
 * 3.1); a redirection entry is written high half first, low half (with the
 * mask bit) last, so a pin is never live with a half-written entry.
 */
#include <petrel/acpi.h>
#include <petrel/errno.h>
#include <petrel/iommu.h>
#include <petrel/lib.h>
#include <petrel/printk.h>
#include <petrel/spinlock.h>
#include <petrel/vmap.h>
#include <x86/ioapic.h>
#include <x86/processor.h>

#define IOREGSEL        0x00
#define IOWIN           0x10
#define REG_ID          0x00
#define REG_VERSION     0x01
#define REG_REDIR(pin)  (0x10 + 2 * (pin))

#define RTE_MASKED      (1U << 16)
#define RTE_LEVEL       (1U << 15)
#define RTE_ACTIVE_LOW  (1U << 13)

/* MPS INTI flags: polarity in bits 1:0, trigger mode in bits 3:2. */
#define INTI_POL_MASK   0x3
#define INTI_POL_LOW    0x3
#define INTI_TRIG_MASK  0xc
#define INTI_TRIG_LEVEL 0xc

struct ioapic {
    uint32_t id;                    /* the MADT's */
    volatile uint8_t *mmio;
    uint32_t gsi_base;
    unsigned int nr_pins;
};

static struct ioapic ioapics[MAX_IOAPICS];
static unsigned int nr_ioapics;
static const struct acpi_info *acpi;
static spinlock_t ioapic_lock = SPINLOCK_INIT;  /* IOREGSEL/IOWIN pairs */

static uint32_t ioapic_read(const struct ioapic *io, unsigned int reg)
{
    mmio_write32(io->mmio + IOREGSEL, reg);
    return mmio_read32(io->mmio + IOWIN);
}

static void ioapic_write(const struct ioapic *io, unsigned int reg, uint32_t val)
{
    mmio_write32(io->mmio + IOREGSEL, reg);
    mmio_write32(io->mmio + IOWIN, val);
}

static void write_entry(const struct ioapic *io, unsigned int pin, uint32_t lo, uint32_t hi)
{
    unsigned long flags = spin_lock_irqsave(&ioapic_lock);

    ioapic_write(io, REG_REDIR(pin), RTE_MASKED);
    ioapic_write(io, REG_REDIR(pin) + 1, hi);
    ioapic_write(io, REG_REDIR(pin), lo);
    spin_unlock_irqrestore(&ioapic_lock, flags);
}

unsigned int ioapic_init(const struct acpi_info *ai)
{
    acpi = ai;
    for (unsigned int i = 0; i < ai->nr_ioapics && i < MAX_IOAPICS; i++) {
        struct ioapic *io = &ioapics[nr_ioapics];

        io->mmio = ioremap(ai->ioapics[i].base, PAGE_SIZE);
        if (!io->mmio) {
            pr_warn("IOAPIC: cannot map %#lx; ignored\n", ai->ioapics[i].base);
            continue;
        }
        io->gsi_base = ai->ioapics[i].gsi_base;
        io->id = ai->ioapics[i].id;
        io->nr_pins = ((ioapic_read(io, REG_VERSION) >> 16) & 0xff) + 1;
        for (unsigned int pin = 0; pin < io->nr_pins; pin++)
            write_entry(io, pin, RTE_MASKED, 0);
        pr_info("IOAPIC: id %u at %#lx, GSIs %u-%u, all masked\n",
                ai->ioapics[i].id, ai->ioapics[i].base, io->gsi_base,
                io->gsi_base + io->nr_pins - 1);
        nr_ioapics++;
    }
    return nr_ioapics;
}

/* Redirection-entry bits for an override's MPS INTI flags. */
static uint32_t isa_entry_bits(uint16_t inti_flags)
{
    uint32_t bits = 0;

    /* "Conforms to the bus" (0) is ISA's edge, active high. */
    if ((inti_flags & INTI_POL_MASK) == INTI_POL_LOW)
        bits |= RTE_ACTIVE_LOW;
    if ((inti_flags & INTI_TRIG_MASK) == INTI_TRIG_LEVEL)
        bits |= RTE_LEVEL;
    return bits;
}

int ioapic_route_isa(unsigned int irq, uint8_t vector, uint32_t apic_id)
{
    uint32_t gsi = irq;
    uint16_t flags = 0;

    if (irq > 15 || vector < 32 || apic_id > 0xff)
        return -EINVAL;
    for (unsigned int i = 0; acpi && i < acpi->nr_overrides; i++)
        if (acpi->overrides[i].bus == 0 && acpi->overrides[i].source == irq) {
            gsi = acpi->overrides[i].gsi;
            flags = acpi->overrides[i].flags;
        }
    for (unsigned int i = 0; i < nr_ioapics; i++) {
        const struct ioapic *io = &ioapics[i];
        uint32_t bits = isa_entry_bits(flags), lo = vector | bits, hi;
        unsigned int pin = gsi - io->gsi_base;
        bool remapped = iommu_irq_remapping();
        int rc;

        if (gsi < io->gsi_base || pin >= io->nr_pins)
            continue;
        /* Fixed delivery (000), physical destination mode: the APIC id in
         * bits 63:56 (82093AA 3.2.4); or the IOMMU's remappable form, which
         * keeps vector, trigger and polarity and names its entry. */
        hi = apic_id << 24;
        if (remapped) {
            rc = iommu_ioapic_setup(io->id, pin, vector, apic_id, bits & RTE_LEVEL, &lo, &hi);
            if (rc)
                return rc;
        }
        write_entry(io, pin, lo, hi);
        pr_info("IOAPIC: ISA IRQ %u -> GSI %u (%s, %s) -> vector %#x on APIC %u%s\n",
                irq, gsi, bits & RTE_LEVEL ? "level" : "edge",
                bits & RTE_ACTIVE_LOW ? "active low" : "active high", vector, apic_id,
                remapped ? ", remapped by the IOMMU" : "");
        return 0;
    }
    return -ENODEV;
}
