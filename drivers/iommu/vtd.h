/* SPDX-License-Identifier: MIT */
/*
 * Intel VT-d, private to drivers/iommu/vtd*.c: registers (VT-d spec 11.4),
 * the per-unit state, and what the files call of each other.
 */
#ifndef DRIVERS_IOMMU_VTD_H
#define DRIVERS_IOMMU_VTD_H

#include <petrel/spinlock.h>
#include <petrel/types.h>
#include "dmar.h"

struct pci_dev;

/* Registers (11.4), offsets from the unit's base. */
#define VTD_VER         0x00
#define VTD_CAP         0x08
#define VTD_ECAP        0x10
#define VTD_GCMD        0x18
#define VTD_GSTS        0x1c
#define VTD_RTADDR      0x20
#define VTD_CCMD        0x28
#define VTD_FSTS        0x34
#define VTD_FECTL       0x38
#define VTD_FEDATA      0x3c
#define VTD_FEADDR      0x40
#define VTD_FEUADDR     0x44
#define VTD_PMEN        0x64
#define VTD_IQH         0x80
#define VTD_IQT         0x88
#define VTD_IQA         0x90
#define VTD_ICS         0x9c
#define VTD_IRTA        0xb8

/* CAP (11.4.2) */
#define CAP_ND(c)       ((unsigned int)(c) & 7)
#define CAP_RWBF        (1ull << 4)
#define CAP_PLMR        (1ull << 5)
#define CAP_PHMR        (1ull << 6)
#define CAP_CM          (1ull << 7)
#define CAP_SAGAW(c)    ((unsigned int)((c) >> 8) & 0x1f)
#define CAP_MGAW(c)     ((unsigned int)((c) >> 16) & 0x3f)     /* width - 1 */
#define CAP_FRO(c)      ((unsigned int)((c) >> 24) & 0x3ff)    /* x 16 bytes */
#define CAP_NFR(c)      ((unsigned int)((c) >> 40) & 0xff)     /* records - 1 */

/* ECAP (11.4.3) */
#define ECAP_C          (1ull << 0)     /* page walks snoop the CPU caches */
#define ECAP_QI         (1ull << 1)
#define ECAP_IR         (1ull << 3)
#define ECAP_EIM        (1ull << 4)
#define ECAP_IRO(e)     ((unsigned int)((e) >> 8) & 0x3ff)     /* x 16 bytes */

/* GCMD / GSTS (11.4.4, 11.4.5): the same bit in both. */
#define GCMD_TE         (1u << 31)
#define GCMD_SRTP       (1u << 30)
#define GCMD_WBF        (1u << 27)
#define GCMD_QIE        (1u << 26)
#define GCMD_IRE        (1u << 25)
#define GCMD_SIRTP      (1u << 24)
#define GCMD_CFI        (1u << 23)
/* GSTS bits that are states, to be written back with a new command (the
 * others are one-shot commands). */
#define GSTS_STATES     (GCMD_TE | GCMD_QIE | GCMD_IRE | GCMD_CFI)

/* CCMD (11.4.6) */
#define CCMD_ICC        (1ull << 63)
#define CCMD_GLOBAL     (1ull << 61)

/* IOTLB_REG, at ECAP.IRO * 16 + 8 (11.4.8.1) */
#define IOTLB_IVT       (1ull << 63)
#define IOTLB_GLOBAL    (1ull << 60)
#define IOTLB_DOMAIN    (2ull << 60)
#define IOTLB_DR        (1ull << 49)
#define IOTLB_DW        (1ull << 48)
#define IOTLB_DID(d)    ((uint64_t)(d) << 32)

/* FSTS / FECTL (11.4.7) */
#define FSTS_PFO        (1u << 0)
#define FSTS_PPF        (1u << 1)
#define FSTS_IQE        (1u << 4)
#define FSTS_FRI(s)     (((s) >> 8) & 0xff)
#define FECTL_IM        (1u << 31)

/* A fault record (11.4.11): 16 bytes; in the high quadword: */
#define FRCD_F          (1ull << 63)
#define FRCD_T_READ     (1ull << 62)    /* 1: a read request, 0: a write */
#define FRCD_FR(h)      ((unsigned int)((h) >> 32) & 0xff)
#define FRCD_SID(h)     ((uint16_t)(h))

struct vtd_unit {
    const struct dmar_unit *drhd;
    volatile uint8_t *regs;
    uint64_t cap, ecap;
    unsigned int iotlb;             /* offset of IVA_REG; IOTLB_REG follows */
    unsigned int frcd, nr_frcd;     /* fault records: offset, count */
    paddr_t root;                   /* root table (one frame) */
    /* Invalidation queue (6.5.2): 256 descriptors of 16 bytes. */
    bool qi;
    paddr_t queue;
    unsigned int tail;              /* next free descriptor */
    volatile uint32_t *status;      /* a wait descriptor's status word */
    uint32_t seq;                   /* last status value asked for */
    spinlock_t lock;                /* guards registers, queue, root and
                                       context tables; IRQs off */
};

#define VTD_MAX_UNITS   DMAR_MAX_UNITS

extern struct vtd_unit vtd_units[VTD_MAX_UNITS];
extern unsigned int vtd_nr_units;
extern unsigned int vtd_levels;     /* page-table levels every unit walks: 3 or 4 */
extern uint64_t vtd_dfn_limit;      /* dfns below it are translated */
extern unsigned int vtd_max_did;    /* domain ids 1 .. vtd_max_did - 1 */
extern bool vtd_coherent;           /* every unit snoops its table walks */
extern bool vtd_caching_mode;       /* a unit caches not-present entries */

/* vtd.c */
uint32_t vtd_read32(const struct vtd_unit *u, unsigned int reg);
void vtd_write32(const struct vtd_unit *u, unsigned int reg, uint32_t v);
uint64_t vtd_read64(const struct vtd_unit *u, unsigned int reg);
void vtd_write64(const struct vtd_unit *u, unsigned int reg, uint64_t v);
/* Make a table write visible to units that do not snoop (ECAP.C == 0). */
void vtd_sync(const void *p, size_t len);
/* Invalidate all of u's context cache and IOTLB (or only domain 'did's
 * IOTLB), and, with 'iec', its interrupt entry cache. Returns when done.
 * u->lock held. */
void vtd_flush_context_all(struct vtd_unit *u);
void vtd_flush_iotlb(struct vtd_unit *u, uint16_t did);
void vtd_flush_iec(struct vtd_unit *u);
/* The unit whose scope covers dev, or NULL. */
struct vtd_unit *vtd_unit_of(const struct pci_dev *dev);
/* The requester id dev's DMA reaches the unit with: its own bdf, or the
 * alias a bridge above it gives it (behind a PCIe-to-PCI bridge: its
 * secondary bus, device 0 function 0; behind a conventional PCI-PCI
 * bridge: the bridge; the topmost alias counts). Reads config space. */
uint16_t vtd_requester(const struct pci_dev *dev);
/* Does a device other than 'dev', translated (iommu_attached), DMA as
 * 'rid' too? */
bool vtd_alias_in_use(const struct pci_dev *dev, uint16_t rid);

/* Set or clear a GCMD state bit, or issue a one-shot command; wait for GSTS
 * to follow. false (logged) if the unit never does. */
bool vtd_gcmd(struct vtd_unit *u, uint32_t bit, bool on);

/* vtd_ir.c: interrupt remapping. vtd_ir_init() after the units are set up
 * (queued invalidation on) turns it on where every unit can; otherwise
 * vtd_ir_enabled() stays false, and the log says why. */
void vtd_ir_init(uint8_t dmar_flags);
bool vtd_ir_enabled(void);
int vtd_irq_setup(const struct pci_dev *dev, unsigned int index, uint8_t vector,
                  uint32_t dest, uint32_t *addr_lo, uint32_t *addr_hi, uint32_t *data);
void vtd_irq_free(const struct pci_dev *dev, unsigned int index);
int vtd_ioapic_setup(unsigned int ioapic_id, unsigned int pin, uint8_t vector, uint32_t dest,
                     bool level, uint32_t *rte_lo, uint32_t *rte_hi);
/* vtd.c: the source id of I/O APIC 'id' from the DMAR's I/O APIC scopes,
 * or -1 when none names it. */
int vtd_ioapic_sid(unsigned int id);

/* vtd_pt.c: the per-domain tables and context entries (the iommu_ops hooks). */
struct iommu_space;
struct iommu_space *vtd_space_create(uint16_t domid);
void vtd_space_destroy(struct iommu_space *s);
int vtd_map(struct iommu_space *s, uint64_t dfn, uint64_t mfn, unsigned int perms);
bool vtd_unmap(struct iommu_space *s, uint64_t dfn);
void vtd_flush(struct iommu_space *s);
int vtd_attach(struct iommu_space *s, const struct pci_dev *dev);
void vtd_detach(struct iommu_space *s, const struct pci_dev *dev);
/* Make dev's context table (its bus's) now, at boot, so that attaching it
 * later allocates nothing that outlives its domain. 0, -ENODEV, -ENOMEM. */
int vtd_prepare(const struct pci_dev *dev);
/* One zeroed frame for a table, synced; 0 when out of memory. */
paddr_t vtd_table_alloc(void);

#endif
