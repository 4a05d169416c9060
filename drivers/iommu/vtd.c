// SPDX-License-Identifier: MIT
/*
 * Intel VT-d (Intel Virtualization Technology for Directed I/O, rev. 3+):
 * the remapping units the DMAR table describes, set up for DMA remapping
 * in legacy mode (root and context tables, second-level page tables per
 * domain: drivers/iommu/vtd_pt.c) and, where every unit can, interrupt
 * remapping (drivers/iommu/vtd_ir.c).
 *
 * Nothing is assumed of a unit: the levels of page table it walks (SAGAW),
 * the address width it translates (MGAW), domain ids (ND), queued
 * invalidation (ECAP.QI; without it the context and IOTLB registers),
 * whether its walks snoop the caches (ECAP.C; else every table write is
 * flushed with CLFLUSH), whether it needs the write buffer flushed
 * (CAP.RWBF) and whether it caches misses (CAP.CM).
 *
 * Faults: each unit signals its fault event interrupt (VEC_IOMMU_FAULT, to
 * the boot CPU); the handler reads every pending fault record, logs it
 * with the requester's bus:dev.fn, the address, read or write and the
 * reason (at most IOMMU_FAULT_BURST lines a second; the rest are counted and the
 * count logged), and clears it.
 */
#include <petrel/acpi.h>
#include <petrel/cmdline.h>
#include <petrel/errno.h>
#include <petrel/iommu.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/pci.h>
#include <petrel/printk.h>
#include <petrel/vmap.h>
#include <x86/percpu.h>
#include <x86/processor.h>
#include <x86/time.h>
#include <x86/traps.h>
#include "vtd.h"

#define VTD_TIMEOUT_MS  1000            /* a unit slower than this is broken */
#define QI_ENTRIES      256             /* one frame of 16-byte descriptors */

/* Queued-invalidation descriptors (6.5.2), low quadword. */
#define QI_CC           0x1
#define QI_IOTLB        0x2
#define QI_IEC          0x4
#define QI_WAIT         0x5
#define QI_GRAN_GLOBAL  (1ull << 4)
#define QI_IOTLB_DOMAIN (2ull << 4)
#define QI_IOTLB_DR     (1ull << 7)
#define QI_IOTLB_DW     (1ull << 6)
#define QI_DID(d)       ((uint64_t)(d) << 16)
#define QI_WAIT_SW      (1ull << 5)     /* write the status word */
#define QI_WAIT_FN      (1ull << 6)     /* after every earlier descriptor */

struct vtd_unit vtd_units[VTD_MAX_UNITS];
unsigned int vtd_nr_units;
unsigned int vtd_levels;
uint64_t vtd_dfn_limit;
unsigned int vtd_max_did;
bool vtd_coherent = true;
bool vtd_caching_mode;

static struct dmar_info dmar;
static bool opt_qinval = true;          /* iommu_qinval=0: the registers instead */

static int set_qinval(const char *val, size_t len)
{
    return cmdline_parse_bool(val, len, &opt_qinval);
}
CMDLINE_PARAM("iommu_qinval", set_qinval);

/* ---- registers ------------------------------------------------------------ */

uint32_t vtd_read32(const struct vtd_unit *u, unsigned int reg)
{
    return mmio_read32(u->regs + reg);
}

void vtd_write32(const struct vtd_unit *u, unsigned int reg, uint32_t v)
{
    mmio_write32(u->regs + reg, v);
}

uint64_t vtd_read64(const struct vtd_unit *u, unsigned int reg)
{
    return mmio_read64(u->regs + reg);
}

void vtd_write64(const struct vtd_unit *u, unsigned int reg, uint64_t v)
{
    mmio_write64(u->regs + reg, v);
}

void vtd_sync(const void *p, size_t len)
{
    const char *c = (const char *)((uintptr_t)p & ~63ul);

    if (vtd_coherent)
        return;
    for (; c < (const char *)p + len; c += 64)
        asm volatile("clflush %0" : : "m"(*(const volatile char *)c));
    asm volatile("mfence" ::: "memory");
}

/* Poll until (reg & mask) == want; false (logged) if the unit takes longer
 * than VTD_TIMEOUT_MS: it is broken, and the caller says what it could not
 * do. */
static bool vtd_wait32(struct vtd_unit *u, unsigned int reg, uint32_t mask, uint32_t want)
{
    uint64_t end = system_time_ns() + VTD_TIMEOUT_MS * 1000000ull;

    while ((vtd_read32(u, reg) & mask) != want) {
        if (system_time_ns() > end) {
            pr_err("VT-d %#lx: register %#x stuck (mask %#x)\n", u->drhd->base, reg, mask);
            return false;
        }
        cpu_relax();
    }
    return true;
}

static bool vtd_wait64(struct vtd_unit *u, unsigned int reg, uint64_t bit)
{
    uint64_t end = system_time_ns() + VTD_TIMEOUT_MS * 1000000ull;

    while (vtd_read64(u, reg) & bit) {
        if (system_time_ns() > end) {
            pr_err("VT-d %#lx: register %#x stuck\n", u->drhd->base, reg);
            return false;
        }
        cpu_relax();
    }
    return true;
}

/* Set or clear a state bit of GCMD, or issue a one-shot command, and wait
 * for GSTS to show it (11.4.4: write back the other states as they are). */
bool vtd_gcmd(struct vtd_unit *u, uint32_t bit, bool on)
{
    uint32_t sts = vtd_read32(u, VTD_GSTS) & GSTS_STATES;

    vtd_write32(u, VTD_GCMD, on ? sts | bit : sts & ~bit);
    if (bit == GCMD_WBF)
        return vtd_wait32(u, VTD_GSTS, bit, 0);
    return vtd_wait32(u, VTD_GSTS, bit, on ? bit : 0);
}

/* ---- invalidation ----------------------------------------------------------- */

/* Queue descriptors d[0..n) and a wait, and spin until the unit wrote the
 * wait's status word. u->lock held. */
static void qi_submit(struct vtd_unit *u, const uint64_t (*d)[2], unsigned int n)
{
    uint64_t *q = phys_to_virt(u->queue);
    uint32_t seq = ++u->seq;
    uint64_t end;

    for (unsigned int i = 0; i <= n; i++) {
        uint64_t *e = &q[2 * u->tail];

        if (i < n) {
            e[0] = d[i][0];
            e[1] = d[i][1];
        } else {
            e[0] = QI_WAIT | QI_WAIT_SW | QI_WAIT_FN | (uint64_t)seq << 32;
            e[1] = virt_to_phys((const void *)u->status);
        }
        vtd_sync(e, 16);
        u->tail = (u->tail + 1) % QI_ENTRIES;
    }
    vtd_write64(u, VTD_IQT, (uint64_t)u->tail << 4);
    end = system_time_ns() + VTD_TIMEOUT_MS * 1000000ull;
    while (__atomic_load_n(u->status, __ATOMIC_ACQUIRE) != seq) {
        if (vtd_read32(u, VTD_FSTS) & FSTS_IQE || system_time_ns() > end) {
            pr_err("VT-d %#lx: invalidation queue error (FSTS %#x, head %#lx)\n",
                   u->drhd->base, vtd_read32(u, VTD_FSTS), vtd_read64(u, VTD_IQH));
            return;
        }
        cpu_relax();
    }
}

static void vtd_wbf(struct vtd_unit *u)
{
    if (u->cap & CAP_RWBF)
        vtd_gcmd(u, GCMD_WBF, true);
}

void vtd_flush_context_all(struct vtd_unit *u)
{
    static const uint64_t d[2][2] = {
        { QI_CC | QI_GRAN_GLOBAL, 0 },
        { QI_IOTLB | QI_GRAN_GLOBAL | QI_IOTLB_DR | QI_IOTLB_DW, 0 },
    };

    vtd_wbf(u);
    if (u->qi) {
        qi_submit(u, d, 2);
        return;
    }
    /* Register-based invalidation (6.5.1): context cache, then IOTLB. */
    vtd_write64(u, VTD_CCMD, CCMD_ICC | CCMD_GLOBAL);
    vtd_wait64(u, VTD_CCMD, CCMD_ICC);
    vtd_write64(u, u->iotlb + 8, IOTLB_IVT | IOTLB_GLOBAL | IOTLB_DR | IOTLB_DW);
    vtd_wait64(u, u->iotlb + 8, IOTLB_IVT);
}

void vtd_flush_iotlb(struct vtd_unit *u, uint16_t did)
{
    const uint64_t d[1][2] = {
        { QI_IOTLB | QI_IOTLB_DOMAIN | QI_IOTLB_DR | QI_IOTLB_DW | QI_DID(did), 0 },
    };

    vtd_wbf(u);
    if (u->qi) {
        qi_submit(u, d, 1);
        return;
    }
    vtd_write64(u, u->iotlb + 8, IOTLB_IVT | IOTLB_DOMAIN | IOTLB_DR | IOTLB_DW | IOTLB_DID(did));
    vtd_wait64(u, u->iotlb + 8, IOTLB_IVT);
}

void vtd_flush_iec(struct vtd_unit *u)
{
    static const uint64_t d[1][2] = { { QI_IEC, 0 } };     /* global */

    qi_submit(u, d, 1);
}

/* ---- faults ----------------------------------------------------------------- */

static const char *fault_reason(unsigned int fr)
{
    static const char *const why[] = {
        [0x1] = "root entry not present",
        [0x2] = "context entry not present",
        [0x3] = "context entry invalid",
        [0x4] = "address beyond the guest address width",
        [0x5] = "write not allowed",
        [0x6] = "read not allowed",
        [0x7] = "page-table entry invalid",
        [0x8] = "root table invalid",
        [0xa] = "context entry reserved bits",
        [0xc] = "page-table entry reserved bits",
        [0x20] = "interrupt: reserved bits in the request",
        [0x21] = "interrupt: index beyond the table",
        [0x22] = "interrupt: entry not present",
        [0x23] = "interrupt: table unreadable",
        [0x24] = "interrupt: entry reserved bits",
        [0x25] = "interrupt: compatibility format blocked",
        [0x26] = "interrupt: source-id check failed",
    };

    return fr < ARRAY_SIZE(why) && why[fr] ? why[fr] : "reason unknown";
}

static void vtd_fault_unit(struct vtd_unit *u)
{
    uint32_t fsts = vtd_read32(u, VTD_FSTS);
    unsigned int i = FSTS_FRI(fsts);

    for (unsigned int n = 0; n < u->nr_frcd && (fsts & FSTS_PPF); n++, i = (i + 1) % u->nr_frcd) {
        unsigned int reg = u->frcd + 16 * i;
        uint64_t hi = vtd_read64(u, reg + 8), lo;
        uint16_t sid;

        if (!(hi & FRCD_F))
            continue;
        lo = vtd_read64(u, reg) & ~0xfffull;
        sid = FRCD_SID(hi);
        if (iommu_fault_may_log())
            pr_err("IOMMU fault: PCI %02x:%02x.%u %s at %#lx: reason %#x (%s)\n",
                   PCI_BUS(sid), PCI_SLOT(sid), PCI_FUNC(sid),
                   hi & FRCD_T_READ ? "read" : "write", lo, FRCD_FR(hi),
                   fault_reason(FRCD_FR(hi)));
        vtd_write32(u, reg + 12, (uint32_t)(FRCD_F >> 32));   /* write 1 to clear */
        fsts = vtd_read32(u, VTD_FSTS);
    }
    if (fsts & FSTS_PFO) {
        pr_warn("VT-d %#lx: fault records overflowed: faults were lost\n", u->drhd->base);
        vtd_write32(u, VTD_FSTS, FSTS_PFO);
    }
}

static void vtd_fault_irq(struct cpu_regs *regs)
{
    for (unsigned int i = 0; i < vtd_nr_units; i++) {
        spin_lock(&vtd_units[i].lock);      /* interrupts are off here */
        vtd_fault_unit(&vtd_units[i]);
        spin_unlock(&vtd_units[i].lock);
    }
}

/* ---- which unit covers a device ------------------------------------------- */

static int bridge_bus(uint16_t bdf, unsigned int reg)
{
    if ((pci_conf_read(bdf, PCI_HEADER_TYPE, 1) & 0x7f) != 1)
        return -1;
    return (int)pci_conf_read(bdf, reg, 1);
}

static int bridge_sec(uint16_t bdf)
{
    return bridge_bus(bdf, PCI_SECONDARY_BUS);
}

static int bridge_sub(uint16_t bdf)
{
    return bridge_bus(bdf, PCI_SUBORDINATE_BUS);
}

struct vtd_unit *vtd_unit_of(const struct pci_dev *dev)
{
    struct vtd_unit *all = NULL;

    for (unsigned int i = 0; i < vtd_nr_units; i++) {
        const struct dmar_unit *d = vtd_units[i].drhd;

        if (d->seg != dev->seg)
            continue;
        if (d->include_all)
            all = &vtd_units[i];
        for (unsigned int s = 0; s < d->nr_scopes; s++)
            if (dmar_scope_matches(&d->scope[s], dev->bdf, bridge_sec, bridge_sub))
                return &vtd_units[i];
    }
    return all;
}

#define PCI_CAP_ID_EXP      0x10
#define PCI_EXP_TYPE_PCI_BRIDGE 0x7     /* PCIe-to-PCI/PCI-X bridge */

/* The PCI Express capability's device/port type of bdf, or -1 without one
 * (a conventional function). The list walk is bounded. */
static int pcie_type(uint16_t bdf)
{
    unsigned int at;

    if (!(pci_conf_read(bdf, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
        return -1;
    at = pci_conf_read(bdf, PCI_CAP_PTR, 1) & 0xfc;
    for (unsigned int n = 0; n < 48 && at >= 0x40; n++) {
        if (pci_conf_read(bdf, at, 1) == PCI_CAP_ID_EXP)
            return (int)(pci_conf_read(bdf, at + 2, 2) >> 4 & 0xf);
        at = pci_conf_read(bdf, at + 1, 1) & 0xfc;
    }
    return -1;
}

/* The bridge whose secondary bus is 'bus', or NULL. */
static const struct pci_dev *bridge_to(unsigned int bus)
{
    for (unsigned int i = 0; i < pci_nr_devs(); i++) {
        const struct pci_dev *b = pci_dev_at(i);

        if (b->hdr_type == 1 && bridge_sec(b->bdf) == (int)bus)
            return b;
    }
    return NULL;
}

uint16_t vtd_requester(const struct pci_dev *dev)
{
    uint16_t rid = dev->bdf;
    unsigned int bus = PCI_BUS(dev->bdf);
    const struct pci_dev *b;

    /* Up to bus 0; a loop in what the firmware numbered ends at 256 hops. */
    for (unsigned int hops = 0; bus && hops < 256 && (b = bridge_to(bus)); hops++) {
        int type = pcie_type(b->bdf);

        if (type == PCI_EXP_TYPE_PCI_BRIDGE)
            rid = PCI_BDF(bus, 0, 0);
        else if (type < 0)
            rid = b->bdf;
        bus = PCI_BUS(b->bdf);
    }
    return rid;
}

bool vtd_alias_in_use(const struct pci_dev *dev, uint16_t rid)
{
    for (unsigned int i = 0; i < pci_nr_devs(); i++) {
        const struct pci_dev *o = pci_dev_at(i);

        if (o != dev && o->iommu_attached && o->seg == dev->seg && vtd_requester(o) == rid)
            return true;
    }
    return false;
}

static void vtd_reserved(const struct pci_dev *dev,
                         void (*fn)(void *ctx, uint64_t first, uint64_t last), void *ctx)
{
    for (unsigned int i = 0; i < dmar.nr_rmrr; i++) {
        const struct dmar_rmrr *r = &dmar.rmrr[i];

        if (r->seg != dev->seg)
            continue;
        for (unsigned int s = 0; s < r->nr_scopes; s++)
            if (dmar_scope_matches(&r->scope[s], dev->bdf, bridge_sec, bridge_sub)) {
                fn(ctx, r->base >> PAGE_SHIFT, r->limit >> PAGE_SHIFT);
                break;
            }
    }
}

int vtd_ioapic_sid(unsigned int id)
{
    for (unsigned int i = 0; i < dmar.nr_units; i++)
        for (unsigned int j = 0; j < dmar.unit[i].nr_scopes; j++) {
            const struct dmar_scope *sc = &dmar.unit[i].scope[j];
            unsigned int last = sc->nr_path - 1;

            /* An I/O APIC sits on its start bus (a path of one hop). */
            if (sc->type == DMAR_SCOPE_IOAPIC && sc->enum_id == id && sc->nr_path == 1)
                return PCI_BDF(sc->bus, sc->path[last].dev, sc->path[last].fn);
        }
    return -1;
}

/* ---- detection and set-up ---------------------------------------------- */

static int vtd_detect(const struct acpi_info *ai)
{
    const void *t;

    if (!ai->dmar_pa)
        return -ENODEV;
    t = map_firmware(ai->dmar_pa, ai->dmar_len);
    if (!t || dmar_parse(t, ai->dmar_len, &dmar)) {
        pr_err("VT-d: DMAR table refused: %s at offset %u\n",
               t ? dmar.error : "cannot map it", t ? dmar.error_at : 0);
        return -EINVAL;
    }
    pr_info("VT-d: DMAR: %u unit%s, %u reserved region%s, host address width %u%s\n",
            dmar.nr_units, dmar.nr_units == 1 ? "" : "s", dmar.nr_rmrr,
            dmar.nr_rmrr == 1 ? "" : "s", dmar.haw,
            dmar.flags & DMAR_INTR_REMAP ? ", interrupt remapping" : "");
    return 0;
}

/* Read unit i's capabilities and map all of its registers. */
static int vtd_probe_unit(struct vtd_unit *u, const struct dmar_unit *d)
{
    size_t len = PAGE_SIZE;

    u->drhd = d;
    u->lock = (spinlock_t)SPINLOCK_INIT;
    u->regs = ioremap(d->base, PAGE_SIZE);
    if (!u->regs)
        return -ENOMEM;
    u->cap = vtd_read64(u, VTD_CAP);
    u->ecap = vtd_read64(u, VTD_ECAP);
    u->iotlb = ECAP_IRO(u->ecap) * 16;
    u->frcd = CAP_FRO(u->cap) * 16;
    u->nr_frcd = CAP_NFR(u->cap) + 1;
    len = MAX(len, (size_t)MAX(u->iotlb + 16, u->frcd + 16 * u->nr_frcd));
    if (len > PAGE_SIZE && !(u->regs = ioremap(d->base, ALIGN_UP(len, PAGE_SIZE))))
        return -ENOMEM;
    pr_info("VT-d %#lx: version %#x, cap %#lx, ecap %#lx\n", d->base,
            vtd_read32(u, VTD_VER), u->cap, u->ecap);
    return 0;
}

/* The levels every unit walks (3: 39-bit, 4: 48-bit), widths, ids. */
static int vtd_common_caps(void)
{
    unsigned int sagaw = 0x1f, mgaw = 64, did = 1u << 16;

    for (unsigned int i = 0; i < vtd_nr_units; i++) {
        const struct vtd_unit *u = &vtd_units[i];

        sagaw &= CAP_SAGAW(u->cap);
        mgaw = MIN(mgaw, CAP_MGAW(u->cap) + 1);
        did = MIN(did, 1u << (4 + 2 * CAP_ND(u->cap)));
        vtd_coherent &= !!(u->ecap & ECAP_C);
        vtd_caching_mode |= !!(u->cap & CAP_CM);
    }
    if (sagaw & (1u << 2))
        vtd_levels = 4;
    else if (sagaw & (1u << 1))
        vtd_levels = 3;
    else {
        pr_err("VT-d: the units share no 3- or 4-level page table (SAGAW %#x)\n", sagaw);
        return -EOPNOTSUPP;
    }
    mgaw = MIN(mgaw, 12 + 9 * vtd_levels);
    vtd_dfn_limit = 1ull << (mgaw - 12);
    vtd_max_did = did;
    pr_info("VT-d: %u-level tables, %u-bit DMA addresses, %u domain ids%s%s\n", vtd_levels,
            mgaw, did, vtd_coherent ? "" : ", non-coherent walks",
            vtd_caching_mode ? ", caching mode" : "");
    return 0;
}

static int vtd_qi_enable(struct vtd_unit *u)
{
    paddr_t status;

    u->queue = vtd_table_alloc();
    status = vtd_table_alloc();
    if (!u->queue || !status)
        return -ENOMEM;
    u->status = phys_to_virt(status);
    u->tail = 0;
    vtd_write64(u, VTD_IQT, 0);
    vtd_write64(u, VTD_IQA, u->queue);          /* 128-bit descriptors, 1 page */
    if (!vtd_gcmd(u, GCMD_QIE, true))
        return -EIO;
    u->qi = true;
    return 0;
}

/* Everything but turning translation on. */
static int vtd_init_unit(struct vtd_unit *u)
{
    int rc;

    if (vtd_read32(u, VTD_GSTS) & GCMD_TE) {
        pr_warn("VT-d %#lx: translation was on (firmware): turning it off\n", u->drhd->base);
        vtd_gcmd(u, GCMD_TE, false);
    }
    if (vtd_read32(u, VTD_GSTS) & GCMD_QIE)
        vtd_gcmd(u, GCMD_QIE, false);
    if ((u->cap & (CAP_PLMR | CAP_PHMR)) && (vtd_read32(u, VTD_PMEN) & (1u << 31))) {
        vtd_write32(u, VTD_PMEN, 0);            /* protected memory regions off */
        vtd_wait32(u, VTD_PMEN, 1u, 0);
    }
    u->root = vtd_table_alloc();
    if (!u->root)
        return -ENOMEM;
    vtd_write64(u, VTD_RTADDR, u->root);        /* legacy mode root table */
    if (!vtd_gcmd(u, GCMD_SRTP, true))
        return -EIO;
    if ((u->ecap & ECAP_QI) && opt_qinval) {
        rc = vtd_qi_enable(u);
        if (rc)
            return rc;
    } else {
        pr_info("VT-d %#lx: no queued invalidation (%s): using the registers\n",
                u->drhd->base, opt_qinval ? "the unit lacks it" : "iommu_qinval=0");
    }
    vtd_flush_context_all(u);
    vtd_write32(u, VTD_FEDATA, VEC_IOMMU_FAULT);
    vtd_write32(u, VTD_FEADDR, 0xfee00000u | percpu_area[0]->apic_id << 12);
    vtd_write32(u, VTD_FEUADDR, 0);
    vtd_write32(u, VTD_FECTL, 0);               /* unmasked */
    return 0;
}

static int vtd_setup(void);

/* Set-up failed: leave every unit as firmware would, translating nothing,
 * so that "no IOMMU" is what the machine really has. */
static void vtd_all_off(void)
{
    for (unsigned int i = 0; i < vtd_nr_units; i++) {
        struct vtd_unit *u = &vtd_units[i];

        if (!u->regs)
            continue;
        for (uint32_t bit = GCMD_TE; bit >= GCMD_CFI; bit >>= 1)
            if ((GSTS_STATES & bit) && (vtd_read32(u, VTD_GSTS) & bit))
                vtd_gcmd(u, bit, false);
        u->qi = false;
    }
}

static int vtd_init(void)
{
    int rc = vtd_setup();

    if (rc)
        vtd_all_off();
    return rc;
}

static int vtd_setup(void)
{
    int rc;

    vtd_nr_units = dmar.nr_units;
    for (unsigned int i = 0; i < vtd_nr_units; i++) {
        rc = vtd_probe_unit(&vtd_units[i], &dmar.unit[i]);
        if (rc)
            return rc;
    }
    rc = vtd_common_caps();
    if (rc)
        return rc;
    if (percpu_area[0]->apic_id > 0xff) {
        pr_err("VT-d: the boot CPU's APIC id %u does not fit a fault message\n",
               percpu_area[0]->apic_id);
        return -EOPNOTSUPP;
    }
    irq_set_handler(VEC_IOMMU_FAULT, vtd_fault_irq);
    for (unsigned int i = 0; i < vtd_nr_units; i++) {
        rc = vtd_init_unit(&vtd_units[i]);
        if (rc) {
            pr_err("VT-d %#lx: cannot set it up (error %d)\n", vtd_units[i].drhd->base, rc);
            return rc;
        }
    }
    for (unsigned int i = 0; i < pci_nr_devs(); i++)
        if (vtd_prepare(pci_dev_at(i)) == -ENOMEM)
            return -ENOMEM;
    /* No context entry yet: every device's DMA is blocked from here on. */
    for (unsigned int i = 0; i < vtd_nr_units; i++)
        if (!vtd_gcmd(&vtd_units[i], GCMD_TE, true))
            return -EIO;
    vtd_ir_init(dmar.flags);            /* logs why, if it cannot */
    return 0;
}

static bool vtd_caches_misses(void)
{
    return vtd_caching_mode;
}

const struct iommu_ops vtd_ops = {
    .name = "VT-d",
    .detect = vtd_detect,
    .init = vtd_init,
    .space_create = vtd_space_create,
    .space_destroy = vtd_space_destroy,
    .map = vtd_map,
    .unmap = vtd_unmap,
    .flush = vtd_flush,
    .caches_misses = vtd_caches_misses,
    .attach = vtd_attach,
    .detach = vtd_detach,
    .reserved = vtd_reserved,
    .requester = vtd_requester,
    .irq_enabled = vtd_ir_enabled,
    .irq_setup = vtd_irq_setup,
    .irq_free = vtd_irq_free,
    .ioapic_setup = vtd_ioapic_setup,
};
