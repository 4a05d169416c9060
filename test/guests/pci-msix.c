// SPDX-License-Identifier: MIT
/*
 * Test guest pci-msix: run as the control domain with a virtio-net device
 * (virtio 1.x only: `-device virtio-net-pci,disable-legacy=on`, which has
 * MSI-X and no MSI), it checks the MSI-X path of PHYSDEVOP_map_pirq:
 *  - every table entry maps (the capability then shows MSI-X enabled,
 *    and dom0's writes to it are ignored), one beyond the table and a
 *    second map of an entry fail;
 *  - the transmit queue, given MSI-X entry 1, sends one frame, and the
 *    device's used-buffer interrupt arrives as an event on the port bound
 *    to that entry's pirq (the queue's rings at PETREL_SYSCTL_bus_addr's
 *    addresses);
 *  - unmapping every entry disables MSI-X.
 * Virtio facts: the virtio 1.x specification, 4.1 (PCI transport) and
 * 5.1 (network device).
 */
#include <public/event_channel.h>
#include <public/petrel_ctl.h>
#include <public/physdev.h>
#include "hypercall.h"
#include "test.h"
#include "x86.h"
#include "xen.h"

TEST_TITLE("dom0 maps a virtio-net device's MSI-X entries and takes a queue interrupt");

#define VIRTIO_VENDOR       0x1af4
#define VIRTIO_NET_MODERN   0x1041
#define CAP_VENDOR          0x09
#define CAP_MSIX            0x11
#define CFG_COMMON          1
#define CFG_NOTIFY          2

/* Common configuration (virtio 1.x, 4.1.4.3). */
#define COMMON_DEV_FEAT_SEL 0x00
#define COMMON_DEV_FEAT     0x04
#define COMMON_DRV_FEAT_SEL 0x08
#define COMMON_DRV_FEAT     0x0c
#define COMMON_MSIX_CONFIG  0x10
#define COMMON_STATUS       0x14
#define COMMON_Q_SELECT     0x16
#define COMMON_Q_SIZE       0x18
#define COMMON_Q_MSIX       0x1a
#define COMMON_Q_ENABLE     0x1c
#define COMMON_Q_NOTIFY_OFF 0x1e
#define COMMON_Q_DESC       0x20
#define COMMON_Q_DRIVER     0x28
#define COMMON_Q_DEVICE     0x30
#define STATUS_ACK          1
#define STATUS_DRIVER       2
#define STATUS_DRIVER_OK    4
#define STATUS_FEATURES_OK  8
#define NO_VECTOR           0xffff
#define TX_QUEUE            1
#define QSIZE               8
#define TX_ENTRY            1               /* the MSI-X entry the queue uses */
#define DEADLINE_NS         5000000000ull

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

static uint16_t bdf;
static uint8_t pages[3][PAGE_SIZE] __aligned(PAGE_SIZE);    /* desc+avail, used, frame */
static uint64_t bus[3];

static uint32_t cfg_read(unsigned int reg, unsigned int size)
{
    outl(0xcf8, 0x80000000u | (uint32_t)bdf << 8 | (reg & 0xfc));
    if (size == 1)
        return inb(0xcfc + (reg & 3));
    if (size == 2)
        return inw(0xcfc + (reg & 2));
    return inl(0xcfc);
}

static void cfg_write(unsigned int reg, unsigned int size, uint32_t v)
{
    outl(0xcf8, 0x80000000u | (uint32_t)bdf << 8 | (reg & 0xfc));
    if (size == 2)
        outw(0xcfc + (reg & 2), v);
    else
        outl(0xcfc, v);
}

static bool find_dev(void)
{
    for (unsigned int dev = 0; dev < 32; dev++) {
        bdf = dev << 3;
        if (cfg_read(0, 4) == (VIRTIO_NET_MODERN << 16 | VIRTIO_VENDOR))
            return true;
    }
    return false;
}

/* The address of BAR 'bar' + off, mapped in our page tables (OVMF puts
 * 64-bit BARs far above the 4 GiB head.S maps). */
static volatile uint8_t *bar_ptr(unsigned int bar, uint32_t off)
{
    uint64_t lo = cfg_read(0x10 + 4 * bar, 4), base = lo & ~0xfull;
    uint64_t pa;

    if ((lo & 0x6) == 0x4)
        base |= (uint64_t)cfg_read(0x14 + 4 * bar, 4) << 32;
    pa = base + off;
    if (pa >= GiB(4) && !pt_is_mapped(pa) && pt_map_page(pa & ~(PAGE_SIZE - 1),
                                                         pa & ~(PAGE_SIZE - 1)))
        test_error("cannot map BAR%u page %#lx", bar, pa);
    return (volatile uint8_t *)(uintptr_t)pa;
}

/* The virtio capability of cfg_type 'type': its BAR and offset; for the
 * notify capability also the multiplier. */
static volatile uint8_t *find_virtio_cap(uint8_t type, uint32_t *mult)
{
    uint8_t pos = cfg_read(0x34, 1) & 0xfc;

    for (unsigned int n = 0; n < 48 && pos >= 0x40; n++) {
        if (cfg_read(pos, 1) == CAP_VENDOR && cfg_read(pos + 3, 1) == type) {
            if (mult)
                *mult = cfg_read(pos + 16, 4);
            return bar_ptr(cfg_read(pos + 4, 1), cfg_read(pos + 8, 4));
        }
        pos = cfg_read(pos + 1, 1) & 0xfc;
    }
    test_error("no virtio capability of type %u", type);
}

static uint8_t find_msix(void)
{
    uint8_t pos = cfg_read(0x34, 1) & 0xfc;

    for (unsigned int n = 0; n < 48 && pos >= 0x40; n++) {
        if (cfg_read(pos, 1) == CAP_MSIX)
            return pos;
        pos = cfg_read(pos + 1, 1) & 0xfc;
    }
    return 0;
}

static long map_entry(int entry, int *pirq)
{
    struct physdev_map_pirq m = {
        .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MSI_SEG, .index = -1, .pirq = -1,
        .bus = 0, .devfn = bdf & 0xff, .entry_nr = entry,
    };
    long rc = hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq, (uintptr_t)&m, 0, 0, 0);

    *pirq = m.pirq;
    return rc;
}

static long unmap(int pirq)
{
    struct physdev_unmap_pirq u = { .domid = DOMID_SELF, .pirq = pirq };

    return hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_unmap_pirq, (uintptr_t)&u, 0, 0, 0);
}

static void get_bus_addrs(void)
{
    static struct petrel_sysctl op;
    static uint64_t gfns[3];

    for (unsigned int i = 0; i < 3; i++)
        gfns[i] = (uintptr_t)pages[i] >> 12;
    op.cmd = PETREL_SYSCTL_bus_addr;
    op.interface_version = PETREL_CTL_VERSION;
    op.u.bus_addr.nr = 3;
    op.u.bus_addr.gfns = (uintptr_t)gfns;
    op.u.bus_addr.addrs = (uintptr_t)bus;
    REQUIRE_EQ(hypercall(__HYPERVISOR_sysctl, (uintptr_t)&op, 0, 0, 0, 0), 0);
    for (unsigned int i = 0; i < 3; i++)
        REQUIRE(bus[i] != PETREL_BUS_ADDR_NONE);
}

/* Bring the device up with the transmit queue on MSI-X entry TX_ENTRY. */
static void setup_tx(volatile uint8_t *common)
{
    volatile uint8_t *status = common + COMMON_STATUS;

    *status = 0;                                        /* reset */
    while (*status)
        cpu_relax();
    uint32_t high;

    *status = STATUS_ACK | STATUS_DRIVER;
    /* VIRTIO_F_VERSION_1 (32), and VIRTIO_F_ACCESS_PLATFORM (33) when the
     * device offers it (QEMU's iommu_platform=on): its DMA then goes
     * through the IOMMU, as bus_addr's addresses expect. */
    *(volatile uint32_t *)(common + COMMON_DEV_FEAT_SEL) = 1;
    high = *(volatile uint32_t *)(common + COMMON_DEV_FEAT) & 2;
    *(volatile uint32_t *)(common + COMMON_DRV_FEAT_SEL) = 1;
    *(volatile uint32_t *)(common + COMMON_DRV_FEAT) = 1 | high;
    *(volatile uint32_t *)(common + COMMON_DRV_FEAT_SEL) = 0;
    *(volatile uint32_t *)(common + COMMON_DRV_FEAT) = 0;
    *status = STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK;
    REQUIRE(*status & STATUS_FEATURES_OK);
    *(volatile uint16_t *)(common + COMMON_MSIX_CONFIG) = NO_VECTOR;
    *(volatile uint16_t *)(common + COMMON_Q_SELECT) = TX_QUEUE;
    REQUIRE(*(volatile uint16_t *)(common + COMMON_Q_SIZE) >= QSIZE);
    *(volatile uint16_t *)(common + COMMON_Q_SIZE) = QSIZE;
    *(volatile uint16_t *)(common + COMMON_Q_MSIX) = TX_ENTRY;
    REQUIRE_EQ(*(volatile uint16_t *)(common + COMMON_Q_MSIX), TX_ENTRY);
    *(volatile uint64_t *)(common + COMMON_Q_DESC) = bus[0];
    *(volatile uint64_t *)(common + COMMON_Q_DRIVER) = bus[0] + 1024;
    *(volatile uint64_t *)(common + COMMON_Q_DEVICE) = bus[1];
    *(volatile uint16_t *)(common + COMMON_Q_ENABLE) = 1;
    *status = STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK;
}

/* One broadcast frame behind the 12-byte virtio-net header. */
static void send_frame(volatile uint8_t *notify)
{
    struct vring_desc *desc = (void *)pages[0];
    volatile uint16_t *avail = (volatile uint16_t *)(pages[0] + 1024);
    uint8_t *frame = pages[2];

    for (unsigned int i = 0; i < 12 + 60; i++)
        frame[i] = 0;
    for (unsigned int i = 12; i < 18; i++)
        frame[i] = 0xff;                                /* to everyone */
    frame[18] = 0x52;                                   /* from 52:54:00:12:34:99 */
    frame[19] = 0x54;
    frame[22] = 0x34;
    frame[23] = 0x99;
    frame[24] = 0x88;                                   /* a local experimental type */
    frame[25] = 0xb5;
    desc[0] = (struct vring_desc){ .addr = bus[2], .len = 12 + 60 };
    avail[2] = 0;                                       /* ring[0]: descriptor 0 */
    asm volatile("" ::: "memory");
    avail[1] = 1;                                       /* idx */
    asm volatile("mfence" ::: "memory");
    *(volatile uint16_t *)notify = TX_QUEUE;
}

void test_main(void)
{
    int pirqs[64], extra;
    volatile uint8_t *common, *notify;
    volatile uint16_t *used_idx = (volatile uint16_t *)(pages[1] + 2);
    uint32_t mult = 0;
    uint16_t size, ctl;
    struct evtchn_bind_pirq b;
    uint8_t msix;

    REQUIRE_EQ(events_init(EVENT_VECTOR_DEFAULT), 0);
    if (!find_dev())
        test_error("no virtio-net (virtio 1.x) device");
    cfg_write(0x04, 2, cfg_read(0x04, 2) | 0x6);        /* memory, bus master */
    msix = find_msix();
    REQUIRE(msix != 0);
    ctl = cfg_read(msix + 2, 2);
    size = (ctl & 0x7ff) + 1;
    printf("virtio-net at 00:%02x.0, MSI-X capability at %#x, %u entries\n",
           bdf >> 3, msix, size);
    REQUIRE(size > TX_ENTRY && size <= 64);
    CHECK_EQ(ctl & 0x8000, 0);                          /* not enabled yet */

    for (int e = 0; e < size; e++)
        REQUIRE_EQ(map_entry(e, &pirqs[e]), 0);
    CHECK_EQ(map_entry(size, &extra), -XEN_EINVAL);     /* beyond the table */
    CHECK_EQ(map_entry(TX_ENTRY, &extra), -XEN_EEXIST);
    CHECK_EQ(cfg_read(msix + 2, 2) & 0xc000, 0x8000);   /* enabled, not masked */
    cfg_write(msix + 2, 2, 0x4000);                     /* dom0's writes: ignored */
    CHECK_EQ(cfg_read(msix + 2, 2) & 0xc000, 0x8000);

    b = (struct evtchn_bind_pirq){ .pirq = pirqs[TX_ENTRY] };
    REQUIRE_EQ(hypervisor_event_channel_op(EVTCHNOP_bind_pirq, &b), 0);
    evtchn_mask(b.port);

    get_bus_addrs();
    common = find_virtio_cap(CFG_COMMON, NULL);
    notify = find_virtio_cap(CFG_NOTIFY, &mult);
    setup_tx(common);
    notify += *(volatile uint16_t *)(common + COMMON_Q_NOTIFY_OFF) * mult;
    send_frame(notify);
    if (!evtchn_wait_port(b.port, now_ns() + DEADLINE_NS))
        test_fail("no event for the transmit queue's MSI-X interrupt within %llu ms",
                  DEADLINE_NS / 1000000);
    asm volatile("" ::: "memory");
    CHECK_EQ(*used_idx, 1);
    printf("transmit interrupt came as an event on port %u (pirq %d)\n", b.port,
           pirqs[TX_ENTRY]);

    *(common + COMMON_STATUS) = 0;                      /* reset: the device stops */
    CHECK_EQ(evtchn_close(b.port), 0);
    for (int e = 0; e < size; e++)
        CHECK_EQ(unmap(pirqs[e]), 0);
    CHECK_EQ(cfg_read(msix + 2, 2) & 0x8000, 0);        /* disabled once none is left */
}
