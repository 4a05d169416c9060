/* SPDX-License-Identifier: MIT */
/*
 * The IOMMU: device DMA confined to the memory of the domain that owns the
 * device (DESIGN D7; docs/iommu.md). drivers/iommu/iommu.c holds the
 * vendor-neutral policy, a vendor driver (drivers/iommu/vtd.c, later AMD-Vi)
 * the hardware, behind struct iommu_ops.
 *
 * Policy. Each domain that owns a device has an I/O address space equal to
 * its guest-physical map: the neutral layer mirrors every p2m change of such
 * a domain (p2m_set_mirror()) into the vendor's I/O page tables, 4 KiB at a
 * time: RAM (its own, granted or foreign-mapped) is mapped at dfn == gfn,
 * read-only where the p2m says so; MMIO, reserved entries and hypervisor
 * frames (shared_info, grant-table frames: P2M_NODMA) are not. RMRR regions
 * are mapped 1:1 for their devices and the mirror leaves them alone. The
 * hypervisor's memory and the IOMMU's own tables are never in any I/O table.
 * A device nobody owns has no translation: its DMA faults.
 */
#ifndef PETREL_IOMMU_H
#define PETREL_IOMMU_H

#include <petrel/types.h>

struct acpi_info;
struct domain;
struct pci_dev;

/* iommu= on the command line. */
enum iommu_mode {
    IOMMU_MODE_OFF,         /* never use one */
    IOMMU_MODE_ON,          /* use one if the firmware describes one (default) */
    IOMMU_MODE_FORCE,       /* refuse to boot without one */
};

/* map() permissions */
#define IOMMU_READ      (1u << 0)
#define IOMMU_WRITE     (1u << 1)

/* A domain's I/O address space, the vendor's (opaque to the neutral layer). */
struct iommu_space;

/*
 * What a vendor driver provides. Every hook but detect() runs only after
 * detect() said 0 and init() succeeded. Locking: the neutral layer
 * serialises map/unmap/flush of one space (its lock, taken after the p2m
 * lock); attach/detach run with the PCI device list stable (boot, domain
 * construction and destruction).
 */
struct iommu_ops {
    const char *name;                   /* "VT-d" */
    /* Is this vendor's IOMMU described (ACPI DMAR, IVRS)? 0 yes; -ENODEV
     * no; another errno: described but unusable (logged; iommu=force then
     * refuses to boot). Must not touch the hardware beyond reading it. */
    int (*detect)(const struct acpi_info *ai);
    /* Program every unit and turn DMA translation on: from here on a
     * device with no space attached cannot DMA. 0 or a negative errno. */
    int (*init)(void);
    /* A new, empty space for domain 'domid' (NULL: out of memory or ids),
     * and its end: every page of its tables freed. Destroy only once no
     * device is attached. */
    struct iommu_space *(*space_create)(uint16_t domid);
    void (*space_destroy)(struct iommu_space *s);
    /* One 4 KiB page: dfn -> mfn with IOMMU_READ/IOMMU_WRITE (not 0).
     * 0 (the entry was empty), 1 (a present entry was replaced: flush()
     * before its old frame may be reused), -ENOMEM, -ERANGE (dfn beyond
     * what the tables reach). */
    int (*map)(struct iommu_space *s, uint64_t dfn, uint64_t mfn, unsigned int perms);
    /* Clear dfn's entry; returns whether one was present (then flush()
     * before the frame may be reused). Never allocates. */
    bool (*unmap)(struct iommu_space *s, uint64_t dfn);
    /* Make every unit drop what it cached of s; returns when done. */
    void (*flush)(struct iommu_space *s);
    /* Whether a unit may cache not-present entries (VT-d caching mode):
     * then a map needs a flush too. */
    bool (*caches_misses)(void);
    /* Translate dev's DMA through s (attach), or block it again (detach:
     * returns when no unit translates for it any more). attach: 0, -ENODEV
     * (no unit covers the device), -ENOMEM. */
    int (*attach)(struct iommu_space *s, const struct pci_dev *dev);
    void (*detach)(struct iommu_space *s, const struct pci_dev *dev);
    /* The reserved regions (RMRR) of dev: fn(ctx, first pfn, last pfn) for
     * each; the neutral layer maps them 1:1 on attach. */
    void (*reserved)(const struct pci_dev *dev,
                     void (*fn)(void *ctx, uint64_t first, uint64_t last), void *ctx);
    /* The requester id dev's DMA carries: its own bdf, or a bridge's alias
     * (devices behind a PCIe-to-PCI or PCI bridge). NULL: always its own. */
    uint16_t (*requester)(const struct pci_dev *dev);
    /* Interrupt remapping: is it on (NULL or false: messages are programmed
     * in compatibility format and the next two are never called)? */
    bool (*irq_enabled)(void);
    /* Give dev's message 'index' (MSI: 0; MSI-X: the table entry) an entry
     * that sends 'vector' to APIC id 'dest' (fixed, physical, edge) and
     * return the address and data to program instead. 0, -ENOSPC.
     * irq_free: the entry is invalid once it returns. Any context. */
    int (*irq_setup)(const struct pci_dev *dev, unsigned int index, uint8_t vector,
                     uint32_t dest, uint32_t *addr_lo, uint32_t *addr_hi, uint32_t *data);
    void (*irq_free)(const struct pci_dev *dev, unsigned int index);
    /* I/O APIC 'ioapic_id' (the MADT's id) pin 'pin': an entry for vector
     * -> dest (fixed, physical; level-triggered when 'level'); ORs the
     * remappable format's bits into *rte_lo (which holds the vector,
     * trigger and polarity) and sets *rte_hi. 0 or -ENOSPC. */
    int (*ioapic_setup)(unsigned int ioapic_id, unsigned int pin, uint8_t vector,
                        uint32_t dest, bool level, uint32_t *rte_lo, uint32_t *rte_hi);
};

/* The vendor drivers the neutral layer tries, in order. */
extern const struct iommu_ops vtd_ops;
extern const struct iommu_ops amd_iommu_ops;

/*
 * For a vendor's fault handler: may one more fault line be logged now? At
 * most IOMMU_FAULT_BURST a second; the first call of a new second reports
 * how many were dropped in the one before. IRQs off (the fault interrupt).
 */
#define IOMMU_FAULT_BURST 10
bool iommu_fault_may_log(void);

/*
 * Boot CPU, once, after ACPI and PCI (pci_init()) and the local APIC: find
 * an IOMMU per iommu=, set it up and turn translation on. iommu=force
 * without one panics, naming what is missing. Logs what it did.
 */
void iommu_init(const struct acpi_info *ai);

/* iommu_intremap= (default 1): may the vendor turn interrupt remapping on? */
extern bool iommu_opt_intremap;

/* Is device DMA translated (an IOMMU is on)? Constant after iommu_init(). */
bool iommu_enabled(void);

/*
 * Give dev to d's I/O address space (created on d's first device, filled
 * from d's p2m and then kept in step with it). No-op when iommu_enabled()
 * is false. 0, -ENOMEM, or the vendor's error (logged). Context: domain
 * construction, or a device passed through (drivers/pci.c, which keeps
 * one move of a device at a time); no p2m lock held.
 */
int iommu_assign_device(struct domain *d, struct pci_dev *dev);

/* Block dev's DMA again (it leaves d's space). */
void iommu_release_device(struct domain *d, struct pci_dev *dev);

/* Does another function's DMA carry an id that dev's carries (its own, or
 * its alias)? Then dev's context cannot move to another domain alone. */
bool iommu_shares_requester(const struct pci_dev *dev);

/* Domain destruction, after its devices were released: the space, every
 * table page and the p2m hook go. No-op for a domain without one. */
void iommu_domain_destroy(struct domain *d);

/* Is d's devices' DMA translated through its p2m (it has an I/O address
 * space)? Then the bus address of gfn is gfn << 12 (PETREL_SYSCTL_bus_addr). */
bool iommu_translates(const struct domain *d);

/* Interrupt remapping through the vendor (drivers/msi.c): false when not
 * remapping, and the message is programmed in compatibility format. */
bool iommu_irq_remapping(void);
int iommu_irq_setup(const struct pci_dev *dev, unsigned int index, uint8_t vector,
                    uint32_t dest, uint32_t *addr_lo, uint32_t *addr_hi, uint32_t *data);
void iommu_irq_free(const struct pci_dev *dev, unsigned int index);
/* drivers/ioapic.c: a pin's redirection entry in remappable form (see
 * iommu_ops.ioapic_setup); only when iommu_irq_remapping(). */
int iommu_ioapic_setup(unsigned int ioapic_id, unsigned int pin, uint8_t vector,
                       uint32_t dest, bool level, uint32_t *rte_lo, uint32_t *rte_hi);

#endif
