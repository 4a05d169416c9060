/* SPDX-License-Identifier: MIT */
/*
 * AMD-Vi, private to drivers/iommu/amd_iommu*.c: registers and in-memory
 * formats (AMD I/O Virtualization Technology (IOMMU) Specification, rev. 3:
 * 2.2 device table and page tables, 2.4 commands, 2.5 event log, 2.2.5
 * interrupt remapping, 3.4 MMIO registers), the per-unit state, and what
 * the files call of each other.
 */
#ifndef DRIVERS_IOMMU_AMD_IOMMU_H
#define DRIVERS_IOMMU_AMD_IOMMU_H

#include <petrel/spinlock.h>
#include <petrel/types.h>
#include "ivrs.h"

struct pci_dev;
struct iommu_space;

/* MMIO registers (3.4), offsets from the unit's base. */
#define AMD_DEVTAB_BASE     0x0000      /* [51:12] base, [8:0] 4 KiB pages - 1 */
#define AMD_CMDBUF_BASE     0x0008      /* [51:12] base, [59:56] log2 entries */
#define AMD_EVTLOG_BASE     0x0010
#define AMD_CONTROL         0x0018
#define AMD_EXCL_BASE       0x0020
#define AMD_EXCL_LIMIT      0x0028
#define AMD_EFR             0x0030
#define AMD_CMD_HEAD        0x2000
#define AMD_CMD_TAIL        0x2008
#define AMD_EVT_HEAD        0x2010
#define AMD_EVT_TAIL        0x2018
#define AMD_STATUS          0x2020
#define AMD_MMIO_LEN        0x4000

#define AMD_LEN_SHIFT       56          /* the log2-entries field of a base */

/* Control (3.4.4) */
#define CTL_IOMMU_EN        (1ull << 0)
#define CTL_EVTLOG_EN       (1ull << 2)
#define CTL_EVTINT_EN       (1ull << 3)
#define CTL_COHERENT        (1ull << 10)
#define CTL_CMDBUF_EN       (1ull << 12)

/* Status (3.4.13): the first three are write-1-to-clear. */
#define STS_EVT_OVERFLOW    (1ull << 0)
#define STS_EVT_INT         (1ull << 1)
#define STS_COMWAIT_INT     (1ull << 2)
#define STS_EVT_RUN         (1ull << 3)

/* EFR (3.4.5) */
#define EFR_IA              (1ull << 6)     /* INVALIDATE_IOMMU_ALL */
#define EFR_HATS(e)         ((unsigned int)((e) >> 10) & 3)  /* 4 + n levels at most */

/* The capability block in the unit's PCI function (3.1): its header. */
#define CAP_NPCACHE         (1u << 26)      /* caches not-present entries */

/* Device table entry (2.2.2): four quadwords. */
#define DTE_V               (1ull << 0)
#define DTE_TV              (1ull << 1)
#define DTE_MODE(levels)    ((uint64_t)(levels) << 9)
#define DTE_IR              (1ull << 61)
#define DTE_IW              (1ull << 62)
/* quadword 2 */
#define DTE_IV              (1ull << 0)
#define DTE_INTTABLEN(n)    ((uint64_t)(n) << 1)    /* 2^n entries */
#define DTE_INTCTL_FORWARD  (1ull << 60)    /* passed on unmapped */
#define DTE_INTCTL_REMAP    (2ull << 60)

/* I/O page-table entries (2.2.3) */
#define PTE_PR              (1ull << 0)
#define PTE_NL(l)           ((uint64_t)(l) << 9)    /* next level; 0: a 4 KiB page */
#define PTE_NL_OF(e)        ((unsigned int)((e) >> 9) & 7)
#define PTE_IR              (1ull << 61)
#define PTE_IW              (1ull << 62)

#define AMD_LEVELS          4           /* 48-bit DMA addresses (every unit: HATS >= 4) */
#define AMD_NR_DEVIDS       65536
#define AMD_DEVTAB_ORDER    9           /* 65536 entries of 32 bytes: 2 MiB */

struct amd_unit {
    const struct ivrs_unit *ivhd;
    volatile uint8_t *regs;
    uint64_t efr;
    uint32_t cap;                   /* the capability header */
    uint64_t control;               /* what Control was set to */
    paddr_t cmdbuf, evtlog;         /* one frame each: 256 entries of 16 bytes */
    unsigned int cmd_tail;          /* next free command */
    unsigned int evt_head;          /* next event to read */
    volatile uint64_t *sem;         /* COMPLETION_WAIT's store target */
    uint64_t seq;                   /* last value asked of it */
    spinlock_t lock;                /* guards the command buffer; IRQs off */
};

extern struct amd_unit amd_units[IVRS_MAX_UNITS];
extern unsigned int amd_nr_units;
extern uint64_t *amd_devtab;        /* AMD_NR_DEVIDS entries of 4 quadwords */
extern struct ivrs_info amd_ivrs;

/* amd_iommu.c: commands. Each queues its command and a COMPLETION_WAIT on
 * every unit and returns when they are done. */
void amd_flush_dte(uint16_t devid);
void amd_flush_domain(uint16_t did);
void amd_flush_irt(uint16_t devid);

/* amd_event.c (pure): log one event-log entry of the unit at 'base' (if
 * iommu_fault_may_log() allows): an IO_PAGE_FAULT as "IOMMU fault: PCI
 * bb:dd.f read|write at ADDR: reason 0x2 (...)", others by name. */
void amd_event_log(uint64_t base, uint64_t q0, uint64_t q1);

/* amd_iommu_ir.c: interrupt remapping. amd_ir_init(): at set-up, before
 * the units are on; 0 (remapping on or, logged, off) or -ENOMEM (logged;
 * every DTE's interrupt part cleared: no remapping). */
struct acpi_info;
int amd_ir_init(const struct acpi_info *ai);
bool amd_ir_enabled(void);
int amd_irq_setup(const struct pci_dev *dev, unsigned int index, uint8_t vector,
                  uint32_t dest, uint32_t *addr_lo, uint32_t *addr_hi, uint32_t *data);
void amd_irq_free(const struct pci_dev *dev, unsigned int index);
int amd_ioapic_setup(unsigned int ioapic_id, unsigned int pin, uint8_t vector,
                     uint32_t dest, bool level, uint32_t *rte_lo, uint32_t *rte_hi);

/* amd_iommu_pt.c: the per-domain tables and device table entries. */
/* The device ids through which dev's requests reach its unit: its own and
 * its IVRS alias (the same when it has none). false: no unit covers it. */
bool amd_devids(const struct pci_dev *dev, uint16_t *own, uint16_t *alias);
int amd_pt_init(void);              /* the device table, every entry blocking */
struct iommu_space *amd_space_create(uint16_t domid);
void amd_space_destroy(struct iommu_space *s);
int amd_map(struct iommu_space *s, uint64_t dfn, uint64_t mfn, unsigned int perms);
bool amd_unmap(struct iommu_space *s, uint64_t dfn);
void amd_flush(struct iommu_space *s);
int amd_attach(struct iommu_space *s, const struct pci_dev *dev);
void amd_detach(struct iommu_space *s, const struct pci_dev *dev);

#endif
