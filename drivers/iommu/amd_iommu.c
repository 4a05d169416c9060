// SPDX-License-Identifier: MIT
/*
 * AMD-Vi (AMD I/O Virtualization Technology (IOMMU) Specification, rev. 3):
 * the IOMMUs the IVRS table describes, set up for DMA remapping with one
 * device table shared by every unit of segment 0 and I/O page tables per
 * domain (drivers/iommu/amd_iommu_pt.c).
 *
 * Each unit is found through its IVHD block: its registers (16 KiB of
 * MMIO), its PCI function (kept by Petrel: never a domain's, since its
 * config space moves and configures the unit) and the capability block
 * there. Commands go through a 256-entry command buffer, each batch closed
 * by a COMPLETION_WAIT whose store Petrel spins on (2.4). The event log
 * (256 entries, 2.5) signals the unit's MSI (VEC_IOMMU_FAULT, to the boot
 * CPU); the handler logs each event once: an IO_PAGE_FAULT with the
 * requester's bus:dev.fn, read or write, the address and the reason, the
 * others by name, at most IOMMU_FAULT_BURST lines a second.
 *
 * Interrupt remapping: drivers/iommu/amd_iommu_ir.c.
 *
 * IVMD blocks with the unity flag (AMD's RMRR) are identity-mapped for
 * their devices by the neutral layer; so are exclusion ranges, which
 * Petrel does not program into the exclusion registers.
 */
#include <petrel/acpi.h>
#include <petrel/errno.h>
#include <petrel/iommu.h>
#include <petrel/lib.h>
#include <petrel/mm.h>
#include <petrel/pci.h>
#include <petrel/printk.h>
#include <petrel/vmap.h>
#include <x86/percpu.h>
#include <x86/processor.h>
#include <x86/traps.h>
#include "amd_iommu.h"

#define AMD_SPIN_LIMIT  100000000u      /* polls before a unit is declared stuck */
#define RING_ENTRIES    256             /* command buffer, event log: one frame */
#define RING_LOG2       8

/* Command opcodes (2.4), in bits 63:60 of the first quadword. */
#define CMD_OP(op)          ((uint64_t)(op) << 60)
#define CMD_COMPLETION_WAIT 0x1
#define CMD_INV_DEVTAB      0x2
#define CMD_INV_PAGES       0x3
#define CMD_INV_IRT         0x5
#define CMD_INV_ALL         0x8
#define CW_STORE            (1ull << 0)
#define INV_PAGES_ALL       (0x7ffffffffffff000ull | 1u << 1 | 1u << 0)  /* S, PDE */

struct amd_unit amd_units[IVRS_MAX_UNITS];
unsigned int amd_nr_units;
struct ivrs_info amd_ivrs;
static bool np_cache;               /* a unit caches not-present entries */
static const struct acpi_info *acpi;    /* from detect(), for init() */

/* ---- registers ------------------------------------------------------------ */

static uint64_t rd(const struct amd_unit *u, unsigned int reg)
{
    return mmio_read64(u->regs + reg);
}

/* 64 bits at once: QEMU acts on a register at each write of a part. */
static void wr(const struct amd_unit *u, unsigned int reg, uint64_t v)
{
    mmio_write64(u->regs + reg, v);
}

/* ---- commands ----------------------------------------------------------------- */

/* Put one command in u's buffer (u->lock held). Every batch ends with a
 * wait that empties the buffer, so there is always room. */
static void cmd_put(struct amd_unit *u, uint64_t q0, uint64_t q1)
{
    uint64_t *c = phys_to_virt(u->cmdbuf);

    c[2 * u->cmd_tail] = q0;
    c[2 * u->cmd_tail + 1] = q1;
    u->cmd_tail = (u->cmd_tail + 1) % RING_ENTRIES;
}

/* Close the batch with a COMPLETION_WAIT, start it and spin until the unit
 * stored its value: every command before it is done (2.4.1). */
static void cmd_sync(struct amd_unit *u)
{
    uint64_t seq = ++u->seq;

    cmd_put(u, (virt_to_phys((const void *)u->sem) & 0x000ffffffffffff8ull) | CW_STORE |
               CMD_OP(CMD_COMPLETION_WAIT), seq);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    wr(u, AMD_CMD_TAIL, (uint64_t)u->cmd_tail << 4);
    for (uint32_t i = 0; __atomic_load_n(u->sem, __ATOMIC_ACQUIRE) != seq; i++) {
        if (i == AMD_SPIN_LIMIT) {
            pr_err("AMD-Vi %#lx: command buffer stuck (head %#lx, tail %#lx, status %#lx)\n",
                   u->ivhd->base, rd(u, AMD_CMD_HEAD), rd(u, AMD_CMD_TAIL),
                   rd(u, AMD_STATUS));
            return;
        }
        cpu_relax();
    }
}

/* One command, then the wait, on every unit. */
static void cmd_all(uint64_t q0, uint64_t q1)
{
    for (unsigned int i = 0; i < amd_nr_units; i++) {
        struct amd_unit *u = &amd_units[i];
        unsigned long flags = spin_lock_irqsave(&u->lock);

        cmd_put(u, q0, q1);
        cmd_sync(u);
        spin_unlock_irqrestore(&u->lock, flags);
    }
}

void amd_flush_dte(uint16_t devid)
{
    cmd_all(CMD_OP(CMD_INV_DEVTAB) | devid, 0);
}

void amd_flush_domain(uint16_t did)
{
    cmd_all(CMD_OP(CMD_INV_PAGES) | (uint64_t)did << 32, INV_PAGES_ALL);
}

void amd_flush_irt(uint16_t devid)
{
    cmd_all(CMD_OP(CMD_INV_IRT) | devid, 0);
}

/* Everything a unit may have cached, at start of day. */
static void flush_unit_all(struct amd_unit *u)
{
    unsigned long flags = spin_lock_irqsave(&u->lock);

    if (u->efr & EFR_IA) {
        cmd_put(u, CMD_OP(CMD_INV_ALL), 0);
    } else {
        /* No INVALIDATE_IOMMU_ALL: the entries of the devices there are,
         * one batch at a time (a batch must fit the buffer). */
        for (unsigned int i = 0; i < pci_nr_devs(); i++) {
            cmd_put(u, CMD_OP(CMD_INV_DEVTAB) | pci_dev_at(i)->bdf, 0);
            if (i % 64 == 63)
                cmd_sync(u);
        }
    }
    cmd_sync(u);
    spin_unlock_irqrestore(&u->lock, flags);
}

/* ---- events ------------------------------------------------------------------ */

/* After an overflow the unit stops logging (3.4.13): stop the log, clear
 * the overflow, empty it and start it again. */
static void restart_log(struct amd_unit *u)
{
    wr(u, AMD_CONTROL, u->control & ~CTL_EVTLOG_EN);
    for (uint32_t i = 0; rd(u, AMD_STATUS) & STS_EVT_RUN && i < AMD_SPIN_LIMIT; i++)
        cpu_relax();
    wr(u, AMD_STATUS, STS_EVT_OVERFLOW);
    wr(u, AMD_EVT_HEAD, 0);
    wr(u, AMD_EVT_TAIL, 0);
    u->evt_head = 0;
    wr(u, AMD_CONTROL, u->control);
}

/* Read and log every new event of u, then acknowledge them. */
static void events_unit(struct amd_unit *u)
{
    const uint64_t *log = phys_to_virt(u->evtlog);
    unsigned int tail;
    uint64_t sts;

    wr(u, AMD_STATUS, STS_EVT_INT);     /* before the tail: a later event re-raises it */
    tail = (unsigned int)(rd(u, AMD_EVT_TAIL) >> 4) % RING_ENTRIES;
    while (u->evt_head != tail) {
        const uint64_t *e = &log[2 * u->evt_head];

        amd_event_log(u->ivhd->base, __atomic_load_n(&e[0], __ATOMIC_ACQUIRE), e[1]);
        u->evt_head = (u->evt_head + 1) % RING_ENTRIES;
    }
    wr(u, AMD_EVT_HEAD, (uint64_t)u->evt_head << 4);
    sts = rd(u, AMD_STATUS);
    if (sts & STS_EVT_OVERFLOW) {
        pr_warn("AMD-Vi %#lx: event log overflowed: events were lost\n", u->ivhd->base);
        restart_log(u);
    }
}

static void amd_event_irq(struct cpu_regs *regs)
{
    (void)regs;
    for (unsigned int i = 0; i < amd_nr_units; i++)
        events_unit(&amd_units[i]);     /* IRQs are off; only this reads the log */
}

/* ---- devices ------------------------------------------------------------------- */

/* IVMD: unity-mapped blocks (and exclusion ranges, mapped 1:1 instead)
 * whose device range holds dev's id or its alias. */
static void amd_reserved(const struct pci_dev *dev,
                         void (*fn)(void *ctx, uint64_t first, uint64_t last), void *ctx)
{
    uint16_t own, alias;

    if (!amd_devids(dev, &own, &alias))
        return;
    for (unsigned int i = 0; i < amd_ivrs.nr_ivmd; i++) {
        const struct ivrs_ivmd *m = &amd_ivrs.ivmd[i];

        if (!(m->flags & (IVMD_F_UNITY | IVMD_F_EXCL)))
            continue;
        if ((own >= m->first && own <= m->last) || (alias >= m->first && alias <= m->last))
            fn(ctx, m->base >> PAGE_SHIFT, m->limit >> PAGE_SHIFT);
    }
}

/* The id dev's requests carry: its IVRS alias (its own id without one). */
static uint16_t amd_requester(const struct pci_dev *dev)
{
    uint16_t own, alias;

    return amd_devids(dev, &own, &alias) ? alias : dev->bdf;
}

/* ---- detection and set-up ---------------------------------------------- */

static int amd_detect(const struct acpi_info *ai)
{
    const void *t;

    if (!ai->ivrs_pa)
        return -ENODEV;
    acpi = ai;
    t = map_firmware(ai->ivrs_pa, ai->ivrs_len);
    if (!t || ivrs_parse(t, ai->ivrs_len, &amd_ivrs)) {
        pr_err("AMD-Vi: IVRS table refused: %s at offset %u\n",
               t ? amd_ivrs.error : "cannot map it", t ? amd_ivrs.error_at : 0);
        return -EINVAL;
    }
    pr_info("AMD-Vi: IVRS: %u unit%s (IVHD type %#x), %u memory definition%s\n",
            amd_ivrs.nr_units, amd_ivrs.nr_units == 1 ? "" : "s", amd_ivrs.ivhd_type,
            amd_ivrs.nr_ivmd, amd_ivrs.nr_ivmd == 1 ? "" : "s");
    for (unsigned int i = 0; i < amd_ivrs.nr_units; i++)
        if (amd_ivrs.unit[i].seg) {
            pr_err("AMD-Vi: a unit of PCI segment %u: only segment 0 is supported\n",
                   amd_ivrs.unit[i].seg);
            return -EOPNOTSUPP;
        }
    return 0;
}

/* The unit's PCI function: Petrel's from now on; its MSI sends the event
 * interrupt to the boot CPU. */
static void setup_function(struct amd_unit *u)
{
    uint16_t bdf = u->ivhd->devid;
    struct pci_dev *dev = pci_find(0, bdf);
    unsigned int m;

    u->cap = pci_conf_read(bdf, u->ivhd->cap, 4);
    if (!dev || !dev->msi_cap) {
        pr_warn("AMD-Vi %#lx: no PCI function %02x:%02x.%u with MSI: events are not signalled\n",
                u->ivhd->base, PCI_BUS(bdf), PCI_SLOT(bdf), PCI_FUNC(bdf));
        return;
    }
    dev->hv_owned = true;
    m = dev->msi_cap;
    pci_conf_write(bdf, m + PCI_MSI_ADDR_LO, 4, 0xfee00000u | percpu_area[0]->apic_id << 12);
    if (dev->msi_64bit)
        pci_conf_write(bdf, m + PCI_MSI_ADDR_HI, 4, 0);
    pci_conf_write(bdf, m + (dev->msi_64bit ? 0x0c : 0x08), 2, VEC_IOMMU_FAULT);
    pci_conf_write(bdf, m + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE);
    pci_conf_write(bdf, PCI_COMMAND, 2,
                   pci_conf_read(bdf, PCI_COMMAND, 2) | PCI_COMMAND_MASTER);
}

/* Everything of unit u but turning it on. */
static int init_unit(struct amd_unit *u, const struct ivrs_unit *ivhd, volatile uint64_t *sem)
{
    u->ivhd = ivhd;
    u->lock = (spinlock_t)SPINLOCK_INIT;
    u->sem = sem;
    u->regs = ioremap(ivhd->base, AMD_MMIO_LEN);
    u->cmdbuf = frame_alloc(0);
    u->evtlog = frame_alloc(0);
    if (!u->regs || !u->cmdbuf || !u->evtlog)
        return -ENOMEM;
    memset(phys_to_virt(u->evtlog), 0, PAGE_SIZE);
    u->efr = rd(u, AMD_EFR);
    if (EFR_HATS(u->efr) == 3) {
        pr_err("AMD-Vi %#lx: EFR.HATS is reserved (EFR %#lx)\n", ivhd->base, u->efr);
        return -EOPNOTSUPP;
    }
    if (rd(u, AMD_CONTROL) & CTL_IOMMU_EN) {
        pr_warn("AMD-Vi %#lx: it was on (firmware): turning it off\n", ivhd->base);
        wr(u, AMD_CONTROL, 0);
    }
    setup_function(u);
    np_cache |= !!(u->cap & CAP_NPCACHE);
    pr_info("AMD-Vi %#lx: PCI %02x:%02x.%u, capability %#x, EFR %#lx, %u-level tables "
            "(it walks up to %u)\n", ivhd->base, PCI_BUS(ivhd->devid), PCI_SLOT(ivhd->devid),
            PCI_FUNC(ivhd->devid), u->cap, u->efr, AMD_LEVELS, 4 + EFR_HATS(u->efr));
    wr(u, AMD_DEVTAB_BASE, virt_to_phys(amd_devtab) | ((1u << AMD_DEVTAB_ORDER) - 1));
    wr(u, AMD_CMDBUF_BASE, u->cmdbuf | (uint64_t)RING_LOG2 << AMD_LEN_SHIFT);
    wr(u, AMD_EVTLOG_BASE, u->evtlog | (uint64_t)RING_LOG2 << AMD_LEN_SHIFT);
    wr(u, AMD_CMD_HEAD, 0);
    wr(u, AMD_CMD_TAIL, 0);
    wr(u, AMD_EVT_HEAD, 0);
    wr(u, AMD_EVT_TAIL, 0);
    wr(u, AMD_EXCL_BASE, 0);
    wr(u, AMD_EXCL_LIMIT, 0);
    wr(u, AMD_STATUS, STS_EVT_OVERFLOW | STS_EVT_INT | STS_COMWAIT_INT);
    return 0;
}

static int amd_init(void)
{
    volatile uint64_t *sems;
    paddr_t sem_frame;
    int rc;

    if (percpu_area[0]->apic_id > 0xff) {
        pr_err("AMD-Vi: the boot CPU's APIC id %u does not fit an event message\n",
               percpu_area[0]->apic_id);
        return -EOPNOTSUPP;
    }
    rc = amd_pt_init();
    sem_frame = frame_alloc(0);
    if (rc || !sem_frame)
        return -ENOMEM;
    sems = phys_to_virt(sem_frame);
    memset((void *)sems, 0, PAGE_SIZE);
    irq_set_handler(VEC_IOMMU_FAULT, amd_event_irq);
    amd_nr_units = amd_ivrs.nr_units;
    for (unsigned int i = 0; i < amd_nr_units; i++) {
        rc = init_unit(&amd_units[i], &amd_ivrs.unit[i], &sems[i]);
        if (rc) {
            pr_err("AMD-Vi %#lx: cannot set it up (error %d)\n", amd_ivrs.unit[i].base, rc);
            return rc;
        }
    }
    amd_ir_init(acpi);              /* on failure (logged) DMA remapping only */
    /* Every DTE blocks: from here on no device DMAs until attached. The
     * command buffer runs only while the unit is on (QEMU too). */
    for (unsigned int i = 0; i < amd_nr_units; i++) {
        struct amd_unit *u = &amd_units[i];

        u->control = CTL_IOMMU_EN | CTL_CMDBUF_EN | CTL_EVTLOG_EN | CTL_EVTINT_EN |
                     (u->ivhd->flags & IVHD_F_COHERENT ? CTL_COHERENT : 0);
        wr(u, AMD_CONTROL, u->control);
        flush_unit_all(u);
    }
    return 0;
}

static bool amd_caches_misses(void)
{
    return np_cache;
}

const struct iommu_ops amd_iommu_ops = {
    .name = "AMD-Vi",
    .detect = amd_detect,
    .init = amd_init,
    .space_create = amd_space_create,
    .space_destroy = amd_space_destroy,
    .map = amd_map,
    .unmap = amd_unmap,
    .flush = amd_flush,
    .caches_misses = amd_caches_misses,
    .attach = amd_attach,
    .detach = amd_detach,
    .reserved = amd_reserved,
    .requester = amd_requester,
    .irq_enabled = amd_ir_enabled,
    .irq_setup = amd_irq_setup,
    .irq_free = amd_irq_free,
    .ioapic_setup = amd_ioapic_setup,
};

