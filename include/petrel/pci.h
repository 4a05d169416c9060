/* SPDX-License-Identifier: MIT */
/*
 * PCI: config-space access and the devices found at boot (drivers/pci.c),
 * and what is read from each device's header (drivers/pci_probe.c, pure:
 * unit-tested over a fake config space). docs/pci.md tells the model.
 */
#ifndef PETREL_PCI_H
#define PETREL_PCI_H

#include <petrel/types.h>

struct acpi_info;
struct domain;

/* Config-space registers (PCI Local Bus 3.0, 6.1; PCIe 5.0, 7.5). */
#define PCI_VENDOR_ID       0x00
#define PCI_DEVICE_ID       0x02
#define PCI_COMMAND         0x04
#define  PCI_COMMAND_IO     0x0001
#define  PCI_COMMAND_MEMORY 0x0002
#define  PCI_COMMAND_MASTER 0x0004
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS          0x06
#define  PCI_STATUS_CAP_LIST 0x0010
#define PCI_CLASS_REV       0x08        /* class << 8 | revision */
#define PCI_HEADER_TYPE     0x0e
#define  PCI_HEADER_MULTI   0x80
#define PCI_BAR0            0x10
#define PCI_ROM_ADDRESS     0x30        /* type 0 */
#define PCI_ROM_ADDRESS1    0x38        /* type 1 */
#define PCI_CAP_PTR         0x34
#define PCI_SECONDARY_BUS   0x19        /* type 1 */
#define PCI_SUBORDINATE_BUS 0x1a

#define PCI_BAR_IO          0x1
#define PCI_BAR_MEM_TYPE    0x6
#define PCI_BAR_MEM64       0x4
#define PCI_BAR_PREFETCH    0x8

#define PCI_CACHE_LINE_SIZE 0x0c        /* with latency timer, header type, BIST */
#define PCI_INTERRUPT_LINE  0x3c        /* with the pin, min_gnt, max_lat */

#define PCI_CAP_ID_MSI      0x05
#define PCI_CAP_ID_EXP      0x10        /* PCI Express */
#define PCI_CAP_ID_MSIX     0x11

/* PCI Express capability (PCIe 5.0, 7.5.3), offsets from the capability. */
#define PCI_EXP_DEVCAP      0x04
#define  PCI_EXP_DEVCAP_FLR     (1u << 28)  /* function level reset */
#define PCI_EXP_DEVCTL      0x08
#define  PCI_EXP_DEVCTL_BCR_FLR 0x8000      /* initiate FLR */
#define PCI_FLR_WAIT_MS     100             /* PCIe 5.0, 6.6.2: after initiating */

/* MSI capability (PCI 3.0, 6.8.1), offsets from the capability. */
#define PCI_MSI_FLAGS       0x02
#define  PCI_MSI_FLAGS_ENABLE   0x0001
#define  PCI_MSI_FLAGS_QMASK    0x000e
#define  PCI_MSI_FLAGS_QSIZE    0x0070
#define  PCI_MSI_FLAGS_64BIT    0x0080
#define  PCI_MSI_FLAGS_MASKBIT  0x0100
#define PCI_MSI_ADDR_LO     0x04
#define PCI_MSI_ADDR_HI     0x08        /* 64-bit only */
/* Data: 0x08 (32-bit) or 0x0c (64-bit); mask bits follow 4 bytes later. */

/* MSI-X capability (PCI 3.0, 6.8.2). */
#define PCI_MSIX_FLAGS      0x02
#define  PCI_MSIX_FLAGS_QSIZE   0x07ff  /* table size - 1 */
#define  PCI_MSIX_FLAGS_MASKALL 0x4000
#define  PCI_MSIX_FLAGS_ENABLE  0x8000
#define PCI_MSIX_TABLE      0x04        /* BIR in bits 2:0, offset above */
#define PCI_MSIX_PBA        0x08
#define PCI_MSIX_BIR        0x7
#define PCI_MSIX_ENTRY_SIZE 16
#define PCI_MSIX_ENTRY_CTRL 12
#define  PCI_MSIX_ENTRY_MASKED  0x1

#define PCI_NR_BARS         6
#define PCI_MAX_DEVICES     64
#define PCI_CFG_SIZE        256         /* what port I/O reaches */

/* Bus/device/function in one number: bus << 8 | dev << 3 | fn. */
#define PCI_BDF(b, d, f)    ((uint16_t)((b) << 8 | (d) << 3 | (f)))
#define PCI_BUS(bdf)        ((bdf) >> 8)
#define PCI_SLOT(bdf)       (((bdf) >> 3) & 0x1f)
#define PCI_FUNC(bdf)       ((bdf) & 7)

struct pci_bar {
    uint64_t base;                  /* bus address as programmed */
    uint64_t size;                  /* 0: not implemented */
    bool io;                        /* I/O space */
    bool mem64;                     /* a 64-bit BAR (takes the next slot too) */
    bool prefetch;
};

struct pci_dev {
    uint16_t seg;
    uint16_t bdf;
    uint16_t vendor, device;
    uint32_t class;                 /* base << 16 | sub << 8 | prog-if */
    uint8_t hdr_type;               /* without the multi-function bit */
    uint8_t nr_bars;                /* 6 (type 0) or 2 (type 1) */
    struct pci_bar bar[PCI_NR_BARS];
    /* Capabilities: the offset of each, 0 when absent. */
    uint8_t msi_cap;
    bool msi_64bit, msi_maskable;
    uint8_t msix_cap;
    uint16_t msix_size;             /* table entries */
    uint8_t msix_table_bir, msix_pba_bir;
    uint32_t msix_table_off, msix_pba_off;
    uint8_t exp_cap;                /* PCI Express */
    /* Runtime (drivers/pci.c, drivers/msi.c, arch/x86/hvm/vpci.c). */
    struct domain *owner;           /* dom0 for every device but Petrel's */
    bool hv_owned;                  /* Petrel's own (an AMD IOMMU's function):
                                       never given to a domain */
    uint8_t bar_sizing;             /* vpci: BAR dwords written all-ones (bit i) */
    bool bar_warned;                /* vpci: a BAR move was logged */
    bool assignable;                /* dom0 gave it up for guests
                                       (PETREL_SYSCTL_pci_assignable) */
    bool iommu_attached;            /* its DMA goes through its owner's I/O
                                       address space (drivers/iommu/) */
    bool moving;                    /* being assigned or returned (drivers/
                                       pci.c, under its assign_lock) */
    volatile uint8_t *msix_table;   /* Petrel's UC map of the table (boot), or
                                       NULL: MSI-X unusable */
};

/*
 * Config-space access used by pci_probe(): read / write 'size' (1, 2, 4)
 * bytes at 'reg' of the function 'bdf'. The hypervisor's go to the
 * hardware; the unit tests' to a fake.
 */
struct pci_cfg_ops {
    uint32_t (*read)(void *ctx, uint16_t bdf, unsigned int reg, unsigned int size);
    void (*write)(void *ctx, uint16_t bdf, unsigned int reg, unsigned int size, uint32_t v);
};

/*
 * Read function bdf's header into *dev: ids, class, header type, the BARs
 * (each sized with I/O and memory decoding off, then restored), the MSI
 * and MSI-X capabilities. Returns 0, or -ENODEV when no function answers
 * (vendor 0xffff). A capability list that loops or points into the header
 * is cut (at most 48 entries are walked). Pure.
 */
int pci_probe(const struct pci_cfg_ops *ops, void *ctx, uint16_t bdf, struct pci_dev *dev);

/* Decode BAR 'i' of a probed device from its raw value and the value read
 * back after writing all-ones (and for a 64-bit BAR the next pair); sets
 * bar->*, returns how many slots it used (1 or 2). Pure. */
unsigned int pci_bar_decode(uint32_t lo, uint32_t lo_mask, uint32_t hi, uint32_t hi_mask,
                            struct pci_bar *bar);

/*
 * May the assignable mark of dev (NULL: no such function) change? add:
 * mark it, remove: unmark it. iommu_on: an IOMMU remaps DMA; held_by_guest:
 * a domain other than dom0 owns it. Returns 0 or -ENODEV, -EPERM
 * (Petrel's own), -EOPNOTSUPP (add with no IOMMU: DESIGN D7), -EBUSY
 * (remove while a guest holds it). Adding twice or removing an unmarked
 * function is 0. Pure (drivers/pci_assign.c).
 */
int pci_assignable_check(const struct pci_dev *dev, bool add, bool iommu_on, bool held_by_guest);

/*
 * What the caller of pci_assign_check() found out about the request.
 */
struct pci_assign_facts {
    bool target_privileged;         /* the domain named is the control domain */
    bool target_dying;
    bool iommu_on;                  /* an IOMMU remaps DMA */
    bool owner_dom0;                /* the function's owner is the control domain */
    bool pirq_mapped;               /* a pirq is mapped on the function */
};

/*
 * May dev (NULL: no such function) be given to a guest
 * (PETREL_DOMCTL_assign_device)? Checked in this order: -EPERM (the target
 * is dom0), -ESRCH (it is dying), -ENODEV, -EPERM (Petrel's own, or not
 * marked assignable), -EOPNOTSUPP (no IOMMU), -EBUSY (being moved, not
 * dom0's: another guest or the target holds it already, or dom0 still has
 * a pirq on it). 0: go on to the BAR checks. Pure (drivers/pci_assign.c).
 */
int pci_assign_check(const struct pci_dev *dev, const struct pci_assign_facts *f);

/*
 * May dev be taken back from the domain (PETREL_DOMCTL_deassign_device)?
 * -EPERM (the domain is dom0), -ESRCH (dying: its destruction returns it),
 * -ENODEV, -ENOENT (the domain does not hold it), -EBUSY (being moved).
 * Pure.
 */
int pci_deassign_check(const struct pci_dev *dev, bool target_privileged, bool target_dying,
                       bool held);

/*
 * The pages Petrel maps for memory BAR i of dev (gfn == mfn): fn(ctx,
 * address, order) for each 2 MiB page (aligned and wholly inside a BAR
 * without MSI-X structures) or 4 KiB page, skipping the pages that hold
 * the MSI-X table or PBA. Stops at fn's first nonzero return and returns
 * it; 0 for an I/O or unimplemented BAR, -ERANGE for one that wraps. Pure.
 */
int pci_bar_walk(const struct pci_dev *dev, unsigned int i,
                 int (*fn)(void *ctx, uint64_t pa, unsigned int order), void *ctx);

/*
 * Would dev's memory BARs, mapped at gfn == mfn in a domain, land on
 * something? present(ctx, gfn, &skip) says whether gfn is mapped there
 * (when not, skip may give the order of the empty aligned region around
 * it). Every page of every memory BAR is looked at, MSI-X pages included,
 * and the local APIC page (0xfee00000) counts as taken. -EBUSY or 0. Pure.
 */
int pci_bars_busy(const struct pci_dev *dev,
                  bool (*present)(void *ctx, uint64_t gfn, unsigned int *skip), void *ctx);

/* Does a memory BAR page of a share a page with one of b's? Then a cannot
 * be mapped into a domain without b's registers. Pure. */
bool pci_bars_share_page(const struct pci_dev *a, const struct pci_dev *b);

/*
 * Reset the function for its next owner, over ops: its command register
 * cleared (bus mastering, memory and I/O decoding off), then, when its
 * PCI Express capability (dev->exp_cap) offers it, a function level reset, delay_ms(100)
 * as the spec requires, and the header state an FLR clears put back
 * (BARs, cache line size and latency timer, interrupt line), decoding
 * still off. Returns whether an FLR was done. Pure.
 */
bool pci_reset_function(const struct pci_cfg_ops *ops, void *ctx, const struct pci_dev *dev,
                        void (*delay_ms)(unsigned int ms));

/* PETREL_SYSCTL_pci_assignable's add (add) or remove on function seg:bdf:
 * pci_assignable_check() with the machine's IOMMU, then the mark; logged. */
int pci_set_assignable(uint16_t seg, uint16_t bdf, bool add);

/*
 * The machine's PCI segment 0 (drivers/pci.c): config space through ECAM
 * (the MCFG's entry for segment 0) when there is one, else ports
 * 0xcf8/0xcfc; enumeration of bus 0 and the buses behind bridges, one log
 * line per function. Boot CPU, once, after ACPI.
 */
void pci_init(const struct acpi_info *ai);

/* Config read / write of the host's segment 0 (reg < 4096 with ECAM, else
 * < 256; naturally aligned 'size' 1, 2 or 4). An access out of range reads
 * all-ones and is dropped. Any CPU; takes the config lock (IRQs off). */
uint32_t pci_conf_read(uint16_t bdf, unsigned int reg, unsigned int size);
void pci_conf_write(uint16_t bdf, unsigned int reg, unsigned int size, uint32_t v);

/* The devices found at boot, 0 .. pci_nr_devs() - 1; pci_find(): by
 * segment and bdf, or NULL. The array never changes after pci_init(). */
unsigned int pci_nr_devs(void);
struct pci_dev *pci_dev_at(unsigned int i);
struct pci_dev *pci_find(uint16_t seg, uint16_t bdf);

/* Give every device that Petrel does not keep to d (the control domain);
 * take d's devices back (domain destruction: for a guest, first by the
 * reaper while the guest is still found by id, its vCPUs off every pCPU,
 * then again in domain_destroy() before iommu_domain_destroy(); dom0's
 * after pirq_release_domain()): a guest's go back to dom0 as
 * pci_deassign_device() does (ownerless when dom0 is gone), skipping one
 * a move holds (its mover's reference keeps d until the second call);
 * dom0's are left ownerless. */
void pci_assign_all(struct domain *d);
void pci_release_domain(struct domain *d);

/*
 * PETREL_DOMCTL_assign_device and deassign_device (drivers/pci.c): give
 * function seg:bdf from dom0 to d, or from d back to dom0, as
 * public/petrel_ctl.h says (checks, BARs, IOMMU context, config space,
 * pirqs, reset). Each logged. From dom0's hypercall with a reference on
 * d; no lock held (they wait for d's vCPUs and, on return, 100 ms for an
 * FLR).
 */
int pci_assign_device(struct domain *d, uint16_t seg, uint16_t bdf);
int pci_deassign_device(struct domain *d, uint16_t seg, uint16_t bdf);

/*
 * arch/x86/hvm/dom0_bars.c: map dev's memory BARs into d's p2m at gfn ==
 * mfn, uncached, as pci_bar_walk() gives them (the caller checked the
 * range empty: pci_bars_busy()); 0 or the p2m's error (what was mapped
 * stays: pci_bars_unmap() takes it out). Unmap: every such page that
 * still maps the device, then the flush after which no vCPU of d can
 * reach it (hvm_flush_p2m_sync(): no lock held).
 */
int pci_bars_map(struct domain *d, const struct pci_dev *dev);
void pci_bars_unmap(struct domain *d, const struct pci_dev *dev);

#endif
