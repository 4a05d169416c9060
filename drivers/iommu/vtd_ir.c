// SPDX-License-Identifier: MIT
/*
 * VT-d interrupt remapping (VT-d spec 5.1, 9.10): one interrupt remapping
 * table of IR_ENTRIES entries, shared by every unit, xAPIC mode (EIME 0).
 * A device's MSI or MSI-X entry is programmed in remappable format: the
 * address names an entry (the handle), whose contents - vector, destination
 * APIC id, fixed delivery, edge - only Petrel writes, and which checks the
 * requester id (SVT 1), so a device cannot send what it was not given.
 * After each change the interrupt entry caches are invalidated (queued
 * invalidation, which every remapping unit must have: 6.5.2).
 *
 * The I/O APIC's redirection entries are remappable too (Petrel routes a
 * pin only after iommu_init(): drivers/ioapic.c asks for an entry, whose
 * requester check uses the I/O APIC's source id from the DMAR's I/O APIC
 * scope). Compatibility-format interrupts are therefore blocked (GCMD.CFI
 * stays clear): no device can raise a vector it was not given.
 *
 * Locking: ir_lock (IRQs off) guards the table and its owners; taken after
 * drivers/msi.c's pirq_lock and before the units' locks.
 */
#include <petrel/errno.h>
#include <petrel/iommu.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/pci.h>
#include <petrel/printk.h>
#include "vtd.h"

#define IR_ENTRIES      256                     /* one frame of 16-byte entries */
#define IR_SIZE_FIELD   7                       /* IRTA.S: 2^(S+1) entries */
#define IR_SEG_IOAPIC   0xffff                  /* owner[].seg of an I/O APIC pin */
#define IRTE_P          (1ull << 0)
#define IRTE_LEVEL      (1ull << 4)             /* TM: level-triggered */
#define IRTE_VECTOR(v)  ((uint64_t)(v) << 16)
#define IRTE_DEST(a)    ((uint64_t)(a) << 40)   /* xAPIC: DST bits 15:8 */
#define IRTE_SVT_RID    (1ull << 18)            /* high quadword: check the SID */
#define MSI_IR_FORMAT   (1u << 4)               /* remappable format */
#define MSI_IR_INDEX(h) (((h) & 0x7fffu) << 5 | (((h) >> 15) & 1u) << 2)
/* Remappable I/O APIC redirection entry (5.1.5.1): format bit 48, handle
 * bits 14:0 in 63:49 and bit 15 in bit 11. */
#define RTE_IR_LO(h)    ((((h) >> 15) & 1u) << 11)
#define RTE_IR_HI(h)    (1u << 16 | ((h) & 0x7fffu) << 17)

static spinlock_t ir_lock = SPINLOCK_INIT;
static paddr_t irt;                             /* the table, 0: not remapping */
static struct {
    bool used;
    uint16_t seg, bdf;
    unsigned int index;
} owner[IR_ENTRIES];

static void ir_flush_all(void)
{
    for (unsigned int i = 0; i < vtd_nr_units; i++) {
        struct vtd_unit *u = &vtd_units[i];

        spin_lock(&u->lock);                    /* IRQs are off: ir_lock */
        vtd_flush_iec(u);
        spin_unlock(&u->lock);
    }
}

/* The entry of (seg, bdf, index), or with 'alloc' a free one. ir_lock held. */
static int ir_find(uint16_t seg, uint16_t bdf, unsigned int index, bool alloc)
{
    int free = -1;

    for (int i = 0; i < IR_ENTRIES; i++) {
        if (owner[i].used && owner[i].seg == seg && owner[i].bdf == bdf &&
            owner[i].index == index)
            return i;
        if (!owner[i].used && free < 0)
            free = i;
    }
    return alloc ? free : -1;
}

/* Give (seg, bdf, index) an entry sending 'vector' to 'dest' (fixed,
 * physical; level or edge); with sid >= 0 only requester sid may use it.
 * The handle, or -ENOSPC. */
static int ir_set(uint16_t seg, uint16_t bdf, unsigned int index, uint8_t vector,
                  uint32_t dest, bool level, int sid)
{
    unsigned long flags = spin_lock_irqsave(&ir_lock);
    int h = ir_find(seg, bdf, index, true);
    uint64_t *e;

    if (h >= 0) {
        owner[h].used = true;
        owner[h].seg = seg;
        owner[h].bdf = bdf;
        owner[h].index = index;
        e = (uint64_t *)phys_to_virt(irt) + 2 * h;
        /* The high half (the requester check) first; the low half, with P,
         * in one store (9.10). */
        __atomic_store_n(&e[1], sid >= 0 ? IRTE_SVT_RID | (uint16_t)sid : 0, __ATOMIC_RELEASE);
        __atomic_store_n(&e[0], IRTE_P | IRTE_VECTOR(vector) | IRTE_DEST(dest) |
                                (level ? IRTE_LEVEL : 0), __ATOMIC_RELEASE);
        vtd_sync(e, 16);
        ir_flush_all();
    }
    spin_unlock_irqrestore(&ir_lock, flags);
    return h < 0 ? -ENOSPC : h;
}

int vtd_irq_setup(const struct pci_dev *dev, unsigned int index, uint8_t vector,
                  uint32_t dest, uint32_t *addr_lo, uint32_t *addr_hi, uint32_t *data)
{
    /* The source check takes the id its messages carry (a bridge's alias). */
    int h = ir_set(dev->seg, dev->bdf, index, vector, dest, false, vtd_requester(dev));

    if (h < 0)
        return h;
    *addr_lo = 0xfee00000u | MSI_IR_FORMAT | MSI_IR_INDEX((unsigned int)h);
    *addr_hi = 0;
    *data = 0;                                  /* no subhandle */
    return 0;
}

int vtd_ioapic_setup(unsigned int ioapic_id, unsigned int pin, uint8_t vector, uint32_t dest,
                     bool level, uint32_t *rte_lo, uint32_t *rte_hi)
{
    int sid = vtd_ioapic_sid(ioapic_id);
    int h;

    if (sid < 0)
        pr_warn("VT-d: no DMAR scope for I/O APIC %u: its interrupts are not checked "
                "for their source\n", ioapic_id);
    h = ir_set(IR_SEG_IOAPIC, (uint16_t)ioapic_id, pin, vector, dest, level, sid);
    if (h < 0)
        return h;
    *rte_lo |= RTE_IR_LO((unsigned int)h);
    *rte_hi = RTE_IR_HI((unsigned int)h);
    return 0;
}

void vtd_irq_free(const struct pci_dev *dev, unsigned int index)
{
    unsigned long flags = spin_lock_irqsave(&ir_lock);
    int h = ir_find(dev->seg, dev->bdf, index, false);
    uint64_t *e;

    if (h >= 0) {
        e = (uint64_t *)phys_to_virt(irt) + 2 * h;
        __atomic_store_n(&e[0], 0, __ATOMIC_RELEASE);
        __atomic_store_n(&e[1], 0, __ATOMIC_RELEASE);
        vtd_sync(e, 16);
        ir_flush_all();
        owner[h].used = false;
    }
    spin_unlock_irqrestore(&ir_lock, flags);
}

/* Whether every unit can remap interrupts the way Petrel does it. */
static bool ir_possible(uint8_t dmar_flags)
{
    if (!(dmar_flags & DMAR_INTR_REMAP))
        return false;
    for (unsigned int i = 0; i < vtd_nr_units; i++)
        if (!(vtd_units[i].ecap & ECAP_IR) || !vtd_units[i].qi)
            return false;
    return true;
}

/* Turn it off again on every unit (a unit refused a step). */
static void ir_off(void)
{
    for (unsigned int i = 0; i < vtd_nr_units; i++)
        if (vtd_read32(&vtd_units[i], VTD_GSTS) & GCMD_IRE)
            vtd_gcmd(&vtd_units[i], GCMD_IRE, false);
    frame_free(irt, 0);
    irt = 0;
}

void vtd_ir_init(uint8_t dmar_flags)
{
    if (!iommu_opt_intremap) {
        pr_info("VT-d: interrupt remapping off (iommu_intremap=0)\n");
        return;
    }
    if (!ir_possible(dmar_flags)) {
        pr_info("VT-d: no interrupt remapping (the DMAR or a unit lacks it, or queued "
                "invalidation)\n");
        return;
    }
    irt = vtd_table_alloc();
    if (!irt) {
        pr_err("VT-d: no memory for the interrupt remapping table\n");
        return;
    }
    for (unsigned int i = 0; i < vtd_nr_units; i++) {
        struct vtd_unit *u = &vtd_units[i];

        vtd_write64(u, VTD_IRTA, irt | IR_SIZE_FIELD);
        if (!vtd_gcmd(u, GCMD_SIRTP, true)) {
            ir_off();
            return;
        }
        spin_lock(&u->lock);
        vtd_flush_iec(u);
        spin_unlock(&u->lock);
        if (vtd_read32(u, VTD_GSTS) & GCMD_CFI)
            vtd_gcmd(u, GCMD_CFI, false);       /* compatibility format blocked */
        if (!vtd_gcmd(u, GCMD_IRE, true)) {
            ir_off();
            return;
        }
    }
}

bool vtd_ir_enabled(void)
{
    return irt != 0;
}
