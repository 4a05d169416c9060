// SPDX-License-Identifier: MIT
/*
 * AMD-Vi interrupt remapping (AMD IOMMU spec 2.2.5): an interrupt
 * remapping table per requester id, 32-bit entries (the legacy format:
 * Control.GAEn stays clear), named by the DTE's IntTableRootPtr with
 * IntCtl "remapped" and IV set. A device's MSI or MSI-X entry is
 * programmed with address 0xfee00000 and data = the index of its entry,
 * whose contents - vector, destination APIC id, fixed delivery - only
 * Petrel writes; the table is the requester's own, so a device can raise
 * only what it was given. Every other device id has IV set and IntCtl
 * "abort": its interrupts are dropped; but a unit's own function, whose
 * event MSI Petrel programs itself, has "forward unmapped".
 *
 * MSI data bits 10:8 are also the message type, which must say fixed (or
 * arbitrated) to be remapped, so a table has 512 entries (IntTabLen 9):
 * MSI-X entries beyond 511 cannot be remapped (-ENOSPC). Devices behind
 * one bridge share its alias's table, in equal slices (two: 256 each).
 *
 * The I/O APIC sends through the IOMMU under the device id the IVRS's
 * special entry gives it; its redirection entries keep their format, the
 * vector field being the entry's index. Petrel makes that index the
 * vector itself, so that the EOI the local APIC broadcasts for a level-
 * triggered pin (which the I/O APIC matches against that field) still
 * matches.
 *
 * Turned on only when iommu_intremap= allows it and the IVRS names every
 * I/O APIC the MADT lists (firmware that does not support remapping
 * leaves them out: QEMU lists its I/O APIC only with intremap=on).
 * Entries change with one 32-bit store and an INVALIDATE_INTERRUPT_TABLE;
 * callers (drivers/msi.c under its pirq lock, drivers/ioapic.c at boot)
 * never share an entry.
 */
#include <petrel/acpi.h>
#include <petrel/errno.h>
#include <petrel/iommu.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/pci.h>
#include <petrel/printk.h>
#include "amd_iommu.h"

#define IRT_LOG2        9
#define IRT_ENTRIES     (1u << IRT_LOG2)
#define IRTE_REMAP_EN   (1u << 0)
#define IRTE_DEST(a)    ((uint32_t)(a) << 8)
#define IRTE_VECTOR(v)  ((uint32_t)(v) << 16)
#define MSI_ADDR_IR     0xfee00000u
#define MAX_IRTS        (PCI_MAX_DEVICES + IVRS_MAX_UNITS * IVRS_MAX_SPECIAL)

static bool ir_on;
static struct {
    uint16_t devid;                 /* the requester id it serves */
    paddr_t pa;
} irts[MAX_IRTS];
static unsigned int nr_irts;

/* The DTE's quadword 2 for a table at pa, with the IVHD setting's
 * INITPass, EIntPass, NMIPass (bits 0-2 -> 56-58) and Lint0/1Pass
 * (6-7 -> 62-63). */
static uint64_t dte_ir(paddr_t pa, uint8_t setting)
{
    return DTE_IV | DTE_INTTABLEN(IRT_LOG2) | pa | DTE_INTCTL_REMAP |
           (uint64_t)(setting & 0x07) << 56 | (uint64_t)(setting & 0xc0) << 56;
}

static uint32_t *irt_of(uint16_t devid)
{
    for (unsigned int i = 0; i < nr_irts; i++)
        if (irts[i].devid == devid)
            return phys_to_virt(irts[i].pa);
    return NULL;
}

/* A table for requester id 'rid', named by the DTEs of rid and 'own'. */
static int irt_add(uint16_t rid, uint16_t own, uint8_t setting)
{
    paddr_t pa = 0;

    for (unsigned int i = 0; i < nr_irts && !pa; i++)
        if (irts[i].devid == rid)
            pa = irts[i].pa;
    if (!pa) {
        if (nr_irts == MAX_IRTS || !(pa = frame_alloc(0)))
            return -ENOMEM;
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
        irts[nr_irts].devid = rid;
        irts[nr_irts++].pa = pa;
    }
    amd_devtab[4 * (uint32_t)rid + 2] = dte_ir(pa, setting);
    amd_devtab[4 * (uint32_t)own + 2] = dte_ir(pa, setting);
    return 0;
}

static const struct ivrs_special *ioapic_entry(unsigned int id)
{
    for (unsigned int u = 0; u < amd_ivrs.nr_units; u++)
        for (unsigned int i = 0; i < amd_ivrs.unit[u].nr_special; i++) {
            const struct ivrs_special *s = &amd_ivrs.unit[u].special[i];

            if (s->variety == IVRS_SPECIAL_IOAPIC && s->handle == id)
                return s;
        }
    return NULL;
}

static bool ioapics_listed(const struct acpi_info *ai)
{
    for (unsigned int i = 0; i < ai->nr_ioapics; i++)
        if (!ioapic_entry(ai->ioapics[i].id)) {
            pr_info("AMD-Vi: I/O APIC %u is not in the IVRS: no interrupt remapping\n",
                    ai->ioapics[i].id);
            return false;
        }
    return true;
}

int amd_ir_init(const struct acpi_info *ai)
{
    const struct ivrs_range *r;
    int rc = 0;

    if (!iommu_opt_intremap || !ioapics_listed(ai))
        return 0;
    for (uint32_t id = 0; id < AMD_NR_DEVIDS; id++)
        amd_devtab[4 * id + 2] = DTE_IV;            /* IntCtl 0: abort */
    /* The units' own MSIs (their event interrupt, programmed by Petrel) go
     * through unchanged should a unit remap them. */
    for (unsigned int u = 0; u < amd_ivrs.nr_units; u++)
        amd_devtab[4 * (uint32_t)amd_ivrs.unit[u].devid + 2] = DTE_IV | DTE_INTCTL_FORWARD;
    for (unsigned int i = 0; i < pci_nr_devs() && !rc; i++) {
        const struct pci_dev *dev = pci_dev_at(i);
        uint16_t own, alias;

        if (dev->hv_owned || !amd_devids(dev, &own, &alias))
            continue;
        ivrs_unit_of(&amd_ivrs, dev->seg, dev->bdf, &r);
        rc = irt_add(alias, own, r->setting);
    }
    for (unsigned int i = 0; i < ai->nr_ioapics && !rc; i++) {
        const struct ivrs_special *s = ioapic_entry(ai->ioapics[i].id);

        rc = irt_add(s->devid, s->devid, s->setting);
    }
    if (rc) {
        pr_err("AMD-Vi: no memory for interrupt remapping tables: no interrupt remapping\n");
        for (uint32_t id = 0; id < AMD_NR_DEVIDS; id++)
            amd_devtab[4 * id + 2] = 0;
        return rc;
    }
    ir_on = true;
    return 0;
}

bool amd_ir_enabled(void)
{
    return ir_on;
}

/* Entry 'index' of rid's table: vector -> dest, or invalid (vector 0). */
static int set_irte(uint16_t rid, unsigned int index, uint8_t vector, uint32_t dest)
{
    uint32_t *t = irt_of(rid);

    if (!t)
        return -ENODEV;
    if (index >= IRT_ENTRIES || dest > 0xff)
        return -ENOSPC;
    __atomic_store_n(&t[index], vector ? IRTE_REMAP_EN | IRTE_DEST(dest) | IRTE_VECTOR(vector)
                                       : 0, __ATOMIC_RELEASE);
    amd_flush_irt(rid);
    return 0;
}

/* dev's part of its requester id's table: devices that share an alias
 * share its table, split in equal slices in PCI order. Returns the first
 * entry; *span: how many. false: no unit covers dev. */
static bool dev_slice(const struct pci_dev *dev, uint16_t *rid, unsigned int *base,
                      unsigned int *span)
{
    unsigned int users = 0, pos = 0;
    uint16_t own, alias;

    if (!amd_devids(dev, &own, rid))
        return false;
    for (unsigned int i = 0; i < pci_nr_devs(); i++) {
        const struct pci_dev *o = pci_dev_at(i);

        if (o->hv_owned || !amd_devids(o, &own, &alias) || alias != *rid)
            continue;
        if (o == dev)
            pos = users;
        users++;
    }
    *span = IRT_ENTRIES / (users ? users : 1);
    *base = pos * *span;
    return true;
}

int amd_irq_setup(const struct pci_dev *dev, unsigned int index, uint8_t vector,
                  uint32_t dest, uint32_t *addr_lo, uint32_t *addr_hi, uint32_t *data)
{
    unsigned int base, span;
    uint16_t rid;
    int rc;

    if (!dev_slice(dev, &rid, &base, &span))
        return -ENODEV;
    if (index >= span)
        return -ENOSPC;
    rc = set_irte(rid, base + index, vector, dest);
    if (rc)
        return rc;
    if (rid != dev->bdf)
        amd_flush_irt(dev->bdf);
    *addr_lo = MSI_ADDR_IR;         /* the destination is the entry's */
    *addr_hi = 0;
    *data = base + index;           /* < 512: type (10:8) fixed or arbitrated */
    return 0;
}

void amd_irq_free(const struct pci_dev *dev, unsigned int index)
{
    unsigned int base, span;
    uint16_t rid;

    if (dev_slice(dev, &rid, &base, &span) && index < span)
        set_irte(rid, base + index, 0, 0);
}

int amd_ioapic_setup(unsigned int ioapic_id, unsigned int pin, uint8_t vector,
                     uint32_t dest, bool level, uint32_t *rte_lo, uint32_t *rte_hi)
{
    const struct ivrs_special *s = ioapic_entry(ioapic_id);
    int rc;

    (void)pin;
    (void)level;                    /* the trigger mode stays in the RTE */
    if (!s)
        return -ENODEV;
    rc = set_irte(s->devid, vector, vector, dest);
    if (rc)
        return rc;
    /* *rte_lo holds the vector (= the index), fixed delivery, physical
     * mode, trigger and polarity already. */
    *rte_hi = 0;
    return 0;
}
